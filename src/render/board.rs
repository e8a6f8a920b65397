//! The board report: the figures a manager takes to the corporate parenting board,
//! and `board/care-leavers.csv` with one row per young person in SSDA903 terms.
//!
//! Figures count open (active) records. Notes are not counted, so restricted
//! notes never reach the board.

use super::views::{label, next_review};
use crate::check::Deadline;
use crate::model::date::Date;
use crate::model::vocab::{ActivityType, FeedbackKind, LegalStatus, Vocab};
use crate::model::{Person, Profile, Repository};
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of a breakdown: what, how many, and what share of the whole.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// What is counted.
    pub label: String,
    /// The SSDA903 code, where there is one.
    pub code: Option<String>,
    /// How many.
    pub count: usize,
    /// Share of the total in whole per cent ("67%"), or "n/a" when the total is 0.
    pub percent: String,
}

/// A yes-out-of-how-many figure.
#[derive(Debug, Clone, Serialize)]
pub struct Ratio {
    /// How many meet the measure.
    pub yes: usize,
    /// How many it applies to.
    pub of: usize,
    /// Share in whole per cent ("67%"), or "n/a" when it applies to nobody.
    pub percent: String,
}

impl Ratio {
    fn new(yes: usize, of: usize) -> Ratio {
        Ratio { yes, of, percent: percent(yes, of) }
    }
}

fn percent(n: usize, of: usize) -> String {
    crate::words::percent(n, of)
}

/// Accommodation of one type, split by suitability.
#[derive(Debug, Clone, Serialize)]
pub struct AccommodationCount {
    /// The type, as people read it.
    pub label: String,
    /// The SSDA903 letter, where there is one.
    pub code: Option<String>,
    /// Suitable.
    pub suitable: usize,
    /// Not suitable.
    pub unsuitable: usize,
    /// Suitability not recorded.
    pub unknown: usize,
    /// All of this type.
    pub total: usize,
}

/// The board report's figures.
#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    /// Open records counted.
    pub people: usize,
    /// In touch, by the SSDA903 answer.
    pub in_touch: Vec<Count>,
    /// Activity by SSDA903 code.
    pub activity: Vec<Count>,
    /// Not in education, employment or training, of those whose activity is recorded.
    pub neet: Ratio,
    /// Accommodation by type and suitability.
    pub accommodation: Vec<AccommodationCount>,
    /// In suitable accommodation, of those whose suitability is recorded.
    pub suitable: Ratio,
    /// In a Staying Put arrangement.
    pub staying_put: usize,
    /// In a Staying Close arrangement.
    pub staying_close: usize,
    /// Pathway plans whose review is not overdue, of open plans.
    pub plans_on_time: Ratio,
    /// Passports issued before the 18th birthday, of those aged 18 or over.
    pub passports_before_18: Ratio,
    /// Health assessments in date, of those looked after or eligible (whom the rule judges).
    pub health_in_date: Ratio,
    /// Link to the CSV file.
    pub csv_href: String,
    /// Feedback from young people in the last twelve months.
    pub feedback: FeedbackFigures,
    /// The key measures at each of the last twelve month ends, from git.
    pub trends: Option<super::trends::TrendsView>,
    /// Why there are no trends, when there are none.
    pub trends_missing: Option<String>,
    /// In touch, activity and accommodation for the DfE's cohort of the last collection year.
    pub dfe: crate::dfe::board::CohortView,
}

// The SSDA903 codes are decided in one place, with the DfE return.
pub use crate::dfe::codes::{activity_code, in_touch_code};

/// The SSDA903 accommodation code with suitability (`D1`, `S2`), or the letter alone when suitability is not recorded.
fn accommodation_code(p: &Profile) -> Option<String> {
    let acc = p.accommodation.as_ref()?;
    let letter = acc.kind.as_ref()?.value.code()?;
    Some(match acc.suitable.as_ref().map(|s| s.value) {
        Some(true) => format!("{letter}1"),
        Some(false) => format!("{letter}2"),
        None => letter.to_string(),
    })
}

/// Counts `items` by key, in key order, with shares of `total`.
pub(crate) fn breakdown(items: impl IntoIterator<Item = (String, Option<String>)>, total: usize) -> Vec<Count> {
    let mut map: BTreeMap<(Option<String>, String), usize> = BTreeMap::new();
    for (label, code) in items {
        *map.entry((code, label)).or_default() += 1;
    }
    map.into_iter().map(|((code, label), count)| Count { label, code, count, percent: percent(count, total) }).collect()
}

/// The board's figures for the open records.
pub fn board(repo: &Repository, today: Date, csv_href: String) -> BoardView {
    let people = &repo.people;
    let open: Vec<(&Person, &Profile)> =
        people.iter().filter_map(|p| p.profile.as_ref().filter(|f| f.is_active()).map(|f| (p, f))).collect();
    let total = open.len();
    let in_touch = breakdown(
        open.iter().map(|(_, f)| match &f.in_touch {
            Some(t) => (label(t.value.as_str()), Some(in_touch_code(t.value).to_string())),
            None => ("Not recorded".into(), None),
        }),
        total,
    );
    let activity = breakdown(
        open.iter().map(|(_, f)| {
            let a = f.activity.as_ref();
            match a.and_then(|a| a.kind.as_ref()).map(|k| k.value) {
                Some(kind) => {
                    let code = activity_code(kind, a.and_then(|a| a.hours.as_ref()).map(|h| h.value));
                    let hours = a.and_then(|a| a.hours.as_ref()).map(|h| label(h.value.as_str()).to_lowercase());
                    let text = match (kind.is_neet() || kind == ActivityType::NotKnown, hours) {
                        (false, Some(h)) => format!("{}, {h}", label(kind.as_str())),
                        (false, None) => format!("{} (hours not recorded)", label(kind.as_str())),
                        (true, _) => label(kind.as_str()),
                    };
                    (text, code)
                }
                None => ("Not recorded".into(), None),
            }
        }),
        total,
    );
    let kinds: Vec<ActivityType> = open
        .iter()
        .filter_map(|(_, f)| f.activity.as_ref().and_then(|a| a.kind.as_ref()).map(|k| k.value))
        .filter(|k| *k != ActivityType::NotKnown)
        .collect();
    let neet = Ratio::new(kinds.iter().filter(|k| k.is_neet()).count(), kinds.len());

    let mut acc: BTreeMap<(Option<char>, String), AccommodationCount> = BTreeMap::new();
    for (_, f) in &open {
        let a = f.accommodation.as_ref();
        let kind = a.and_then(|a| a.kind.as_ref()).map(|k| k.value);
        let key =
            (kind.and_then(|k| k.code()), kind.map(|k| label(k.as_str())).unwrap_or_else(|| "Not recorded".into()));
        let row = acc.entry(key.clone()).or_insert_with(|| AccommodationCount {
            label: key.1.clone(),
            code: key.0.map(String::from),
            suitable: 0,
            unsuitable: 0,
            unknown: 0,
            total: 0,
        });
        row.total += 1;
        match a.and_then(|a| a.suitable.as_ref()).map(|s| s.value) {
            Some(true) => row.suitable += 1,
            Some(false) => row.unsuitable += 1,
            None => row.unknown += 1,
        }
    }
    let accommodation: Vec<AccommodationCount> = acc.into_values().collect();
    let suitable = Ratio::new(
        accommodation.iter().map(|a| a.suitable).sum(),
        accommodation.iter().map(|a| a.suitable + a.unsuitable).sum(),
    );

    let planned: Vec<&Person> = open
        .iter()
        .filter(|(p, f)| {
            p.plan.is_some()
                || matches!(
                    f.legal(),
                    Some(LegalStatus::Eligible | LegalStatus::Relevant | LegalStatus::FormerRelevant)
                )
        })
        .map(|(p, _)| *p)
        .collect();
    let on_time =
        planned.iter().filter(|p| next_review(&crate::check::due(repo, p, today)).is_some_and(|d| d >= today)).count();

    let adults: Vec<(&Person, &Profile)> =
        open.iter().filter(|(_, f)| f.age_on(today).is_some_and(|a| a >= 18)).copied().collect();
    let before_18 = adults
        .iter()
        .filter(|(p, f)| {
            let issued = p.passport.as_ref().and_then(|x| x.issued.as_ref()).map(|d| d.value);
            issued.is_some_and(|d| f.eighteenth().is_some_and(|e| d < e))
        })
        .count();

    // Those `health-assessment-overdue` applies to: its deadline list says when each is next due.
    let looked_after: Vec<(&Person, &Profile)> = open
        .iter()
        .filter(|(_, f)| matches!(f.legal(), Some(LegalStatus::LookedAfter | LegalStatus::Eligible)))
        .copied()
        .collect();
    let in_date = looked_after
        .iter()
        .filter(|(p, _)| {
            let due = crate::check::due(repo, p, today);
            crate::check::due::first(&due, &Deadline::HealthAssessment).is_some_and(|d| d.date >= today)
        })
        .count();

    BoardView {
        people: total,
        in_touch,
        activity,
        neet,
        accommodation,
        suitable,
        staying_put: open.iter().filter(|(_, f)| f.staying_put.is_some()).count(),
        staying_close: open.iter().filter(|(_, f)| f.staying_close.is_some()).count(),
        plans_on_time: Ratio::new(on_time, planned.len()),
        passports_before_18: Ratio::new(before_18, adults.len()),
        health_in_date: Ratio::new(in_date, looked_after.len()),
        csv_href,
        feedback: feedback_figures(repo, today),
        trends: None,
        trends_missing: None,
        dfe: crate::dfe::board::cohort_view(people, today),
    }
}

/// What young people said in the last twelve months, for the board.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackFigures {
    /// Feedback records dated in the last twelve months (restricted ones included in the counts).
    pub total: usize,
    /// How many of each kind, in FORMAT.md's order; kinds with none left out.
    pub by_kind: Vec<Count>,
    /// Per question of `feedback_questions`: answers, mean, share answering 4 or 5.
    pub questions: Vec<QuestionFigures>,
    /// Words young people agreed may be quoted, without a name, newest first.
    pub quotes: Vec<Quote>,
}

/// The answers to one feedback question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionFigures {
    /// The question as young people read it.
    pub text: String,
    /// How many answered.
    pub answers: usize,
    /// The mean rating, to one decimal place (`None` with no answers).
    pub mean: Option<f64>,
    /// Answering 4 or 5, of those who answered.
    pub four_or_five: Ratio,
}

/// A quote for the board: the words and when, never who.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    /// What kind of feedback, as people read it.
    pub kind: Option<String>,
    /// The month, as people read it.
    pub month: String,
    /// The words, as plain text.
    pub text: String,
}

/// Feedback dated after the same day twelve months before `today`, up to `today`.
fn feedback_figures(repo: &Repository, today: Date) -> FeedbackFigures {
    let since = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
    let recent: Vec<&crate::model::Feedback> = repo
        .people
        .iter()
        .flat_map(|p| &p.feedback)
        .filter(|f| f.date.value > since && f.date.value <= today)
        .collect();
    let by_kind = FeedbackKind::VALUES
        .iter()
        .map(|k| (k, recent.iter().filter(|f| f.kind.as_ref().is_some_and(|x| x.value == *k)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| Count { label: label(k.as_str()), code: None, count: n, percent: percent(n, recent.len()) })
        .collect();
    let questions = repo
        .config
        .feedback_questions
        .iter()
        .map(|q| {
            let ratings: Vec<u8> =
                recent.iter().flat_map(|f| &f.answers).filter(|a| a.question == q.id).map(|a| a.rating).collect();
            let n = ratings.len();
            let sum: u32 = ratings.iter().map(|r| u32::from(*r)).sum();
            QuestionFigures {
                text: q.text.clone(),
                answers: n,
                mean: (n > 0).then(|| (f64::from(sum) / n as f64 * 10.0).round() / 10.0),
                four_or_five: Ratio::new(ratings.iter().filter(|r| **r >= 4).count(), n),
            }
        })
        .collect();
    let mut shared: Vec<&&crate::model::Feedback> =
        recent.iter().filter(|f| f.consent_to_share && !f.restricted).collect();
    shared.sort_by(|a, b| (b.date.value, &b.source.path).cmp(&(a.date.value, &a.source.path)));
    let quotes = shared
        .into_iter()
        .map(|f| Quote {
            kind: f.kind.as_ref().map(|k| label(k.value.as_str())),
            month: f.date.value.format("%B %Y").to_string(),
            text: super::search::plain(&f.source),
        })
        .filter(|q| !q.text.is_empty())
        .collect();
    FeedbackFigures { total: recent.len(), by_kind, questions, quotes }
}

/// `board/care-leavers.csv`: one row per open record, with the SSDA903 care-leaver fields.
pub fn care_leavers_csv(people: &[Person], today: Date) -> String {
    let mut out =
        String::from("CHILD,DOB,AGE,LEGAL_STATUS,IN_TOUCH,ACTIV,ACCOM,STAYING_PUT,STAYING_CLOSE,PASSPORT_ISSUED\r\n");
    for p in people {
        let Some(f) = p.profile.as_ref().filter(|f| f.is_active()) else { continue };
        let activity = f.activity.as_ref();
        let fields = [
            p.id.clone(),
            f.dob().map(|d| d.to_string()).unwrap_or_default(),
            f.age_on(today).map(|a| a.to_string()).unwrap_or_default(),
            f.legal().map(|l| l.as_str().to_string()).unwrap_or_default(),
            f.in_touch.as_ref().map(|t| in_touch_code(t.value).to_string()).unwrap_or_default(),
            activity
                .and_then(|a| a.kind.as_ref())
                .and_then(|k| activity_code(k.value, activity.and_then(|a| a.hours.as_ref()).map(|h| h.value)))
                .unwrap_or_default(),
            accommodation_code(f).unwrap_or_default(),
            if f.staying_put.is_some() { "yes" } else { "no" }.to_string(),
            if f.staying_close.is_some() { "yes" } else { "no" }.to_string(),
            p.passport.as_ref().and_then(|x| x.issued.as_ref()).map(|d| d.value.to_string()).unwrap_or_default(),
        ];
        let row: Vec<String> = fields.iter().map(|v| csv_field(v)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field: quoted when needed, and never read by a spreadsheet as a formula.
fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
