//! Turning 18: who is about to, what is in place for them, and what is still due before the day.
//!
//! The deadlines come from the rules ([`crate::check::due`]); this module only picks the
//! young people whose 18th birthday falls within `rules.transition_window_days` and lays out
//! what the dashboard section and the printable page show.

use super::paths;
use super::views::{label, PersonHeader};
use crate::check::{self, Deadline, Due};
use crate::model::date::{add_days, display_date, Date};
use crate::model::{Person, Profile, Repository};
use serde::Serialize;

/// One young person turning 18 soon, as the dashboard lists them and their page prints them.
#[derive(Debug, Clone, Serialize)]
pub struct Turning18 {
    /// Person id.
    pub id: String,
    /// The name they go by.
    pub name: String,
    /// Link from the dashboard to their page.
    pub href: String,
    /// Link from the dashboard to their transition page.
    pub transition_href: String,
    /// Their 18th birthday, as people read it.
    pub birthday: String,
    /// The same, `YYYY-MM-DD`.
    pub birthday_iso: String,
    /// Days from today to the birthday.
    pub days: i64,
    /// `issued`, `written` (a passport file but no `issued` date) or `none`.
    pub passport: &'static str,
    /// When the passport was issued.
    pub passport_issued: Option<String>,
    /// The last plan review.
    pub last_review: Option<String>,
    /// The next plan review, as `plan-review-overdue` judges it.
    pub next_review: Option<String>,
    /// Whether that date has passed.
    pub review_overdue: bool,
    /// Personal adviser's name.
    pub adviser: Option<String>,
    /// Whether a Staying Put arrangement is recorded.
    pub staying_put: bool,
    /// Where they will live after 18, in words.
    pub after_18: String,
    /// What is already in place.
    pub done: Vec<Step>,
    /// What is still due before (or on) the birthday.
    pub still_due: Vec<Step>,
}

/// A line of the transition page.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What.
    pub what: String,
    /// When (done on, or due by), as people read it.
    pub when: Option<String>,
    /// Whether a due date has passed.
    pub overdue: bool,
}

/// The printable transition page.
#[derive(Debug, Clone, Serialize)]
pub struct TransitionPage {
    /// Header.
    pub person: PersonHeader,
    /// What the page shows.
    pub t: Turning18,
}

/// The active young people whose 18th birthday falls from today to `transition_window_days`
/// ahead, soonest first.
pub fn turning_18(repo: &Repository, today: Date) -> Vec<Turning18> {
    let mut out: Vec<Turning18> = repo.people.iter().filter_map(|p| of(repo, p, today)).collect();
    out.sort_by(|a, b| (&a.birthday_iso, &a.name).cmp(&(&b.birthday_iso, &b.name)));
    out
}

/// Whether someone with this 18th birthday is in the turning-18 window on `today`.
pub fn in_window(eighteenth: Date, today: Date, window_days: u32) -> bool {
    eighteenth >= today && eighteenth <= add_days(today, i64::from(window_days))
}

/// One person's turning-18 view, if they are active and their birthday is in the window.
pub fn of(repo: &Repository, person: &Person, today: Date) -> Option<Turning18> {
    let profile = person.profile.as_ref().filter(|p| p.is_active())?;
    let eighteenth = profile.eighteenth()?;
    if !in_window(eighteenth, today, repo.config.rules.transition_window_days) {
        return None;
    }
    let due = check::due(repo, person, today);
    let config = &repo.config;
    let issued = person.passport.as_ref().and_then(|h| h.issued.as_ref()).map(|d| d.value);
    let passport = match (issued, person.has_passport_file) {
        (Some(_), _) => "issued",
        (None, true) => "written",
        (None, false) => "none",
    };
    let last_review = person.plan.as_ref().and_then(|p| p.last_review()).and_then(|r| r.date.as_ref()).map(|d| d.value);
    let next_review = check::due::first(&due, &Deadline::PlanReview).map(|d| d.date);
    let adviser = profile.personal_adviser.as_ref().map(|a| config.staff_name(&a.value).to_string());
    let dashboard = paths::DASHBOARD;
    let mut done = Vec::new();
    let step =
        |what: &str, when: Option<Date>| Step { what: what.into(), when: when.map(display_date), overdue: false };
    if let Some(d) = issued {
        done.push(step("Health passport handed over", Some(d)));
    }
    if let Some(d) = last_review {
        done.push(step("Pathway plan reviewed", Some(d)));
    }
    if let Some(d) = person.passport.as_ref().and_then(|h| h.last_health_assessment.as_ref()) {
        done.push(step("Last health assessment", Some(d.value)));
    }
    if let Some(a) = &adviser {
        done.push(step(&format!("Personal adviser named: {a}"), None));
    }
    if profile.staying_put.is_some() {
        done.push(step(
            "Staying Put arranged",
            profile.staying_put.as_ref().and_then(|s| s.since.as_ref()).map(|d| d.value),
        ));
    }
    let mut still_due: Vec<Step> = due
        .iter()
        .filter(|d| d.date <= eighteenth)
        .map(|d: &Due| Step { what: d.label(), when: Some(d.display_date()), overdue: d.date < today })
        .collect();
    if adviser.is_none() {
        still_due.push(Step { what: "Name a personal adviser".into(), when: None, overdue: false });
    }
    if person.plan.is_none() {
        still_due.push(Step { what: "Write the pathway plan".into(), when: None, overdue: false });
    }
    Some(Turning18 {
        id: person.id.clone(),
        name: person.shown_name(),
        href: paths::href(dashboard, &paths::person_page(&person.id)),
        transition_href: paths::href(dashboard, &paths::transition_page(&person.id)),
        birthday: display_date(eighteenth),
        birthday_iso: eighteenth.to_string(),
        days: (eighteenth - today).num_days(),
        passport,
        passport_issued: issued.map(display_date),
        last_review: last_review.map(display_date),
        next_review: next_review.map(display_date),
        review_overdue: next_review.is_some_and(|d| d < today),
        adviser,
        staying_put: profile.staying_put.is_some(),
        after_18: after_18(profile),
        done,
        still_due,
    })
}

/// Where they will live after 18, in words.
fn after_18(p: &Profile) -> String {
    if let Some(s) = &p.staying_put {
        return match &s.carer {
            Some(c) => format!("Staying Put with {}", c.value),
            None => "Staying Put".into(),
        };
    }
    match p.accommodation.as_ref().and_then(|a| a.kind.as_ref()) {
        Some(k) => format!("Not staying put; now {}", label(k.value.as_str()).to_lowercase()),
        None => "Not staying put; accommodation not recorded".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse_date;

    #[test]
    fn the_window_runs_from_today_to_the_last_day() {
        let d = |s| parse_date(s).expect("date");
        // 120 days after 2026-11-24 is 2027-03-24.
        assert!(in_window(d("2027-03-24"), d("2026-11-24"), 120));
        assert!(!in_window(d("2027-03-25"), d("2026-11-24"), 120));
        assert!(in_window(d("2026-11-24"), d("2026-11-24"), 120));
        assert!(!in_window(d("2026-11-23"), d("2026-11-24"), 120));
    }
}
