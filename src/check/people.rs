//! Rules about the young person as a whole: age and status, passport, health, contact, leave, NEET, retention.

use super::Checker;
use crate::diag::Rule;
use crate::model::date::{add_days, add_months, age_on, birthday, display_date};
use crate::model::vocab::LegalStatus::*;
use crate::model::Profile;
use crate::words::count;

pub(super) fn check(c: &mut Checker<'_>) {
    let Some(p) = c.person.profile.as_ref() else { return };
    let src = p.source.clone();
    for (id, role) in [(&p.personal_adviser, "personal adviser"), (&p.key_worker, "key worker")] {
        if let Some(id) = id {
            c.staff_id(&src, id, role);
        }
    }
    let age = age_on(p.date_of_birth.value, c.today);
    if !p.is_active() {
        if age >= 75 {
            c.report(
                Rule::RetentionReview,
                &src,
                p.status.pos,
                format!(
                    "this closed record's subject turned 75 on {}: review whether it should now be deleted",
                    display_date(birthday(p.date_of_birth.value, 75))
                ),
                "follow your retention policy; if the record is to be kept, note why",
            );
        }
        return;
    }
    status_age(c, p, age);
    if matches!(p.legal_status.value, Eligible | Relevant | FormerRelevant) && !c.person.has_plan_file {
        c.report(
            Rule::PlanMissing,
            &src,
            p.legal_status.pos,
            format!(
                "young people whose legal status is {} must have a pathway plan, and there is no pathway-plan.md",
                p.legal_status.value.as_str()
            ),
            "write records/<id>/pathway-plan.md with the plan agreed at the last review",
        );
    }
    passport(c, p, age);
    contact(c, p);
    if let Some(imm) = &p.immigration {
        if let Some(exp) = &imm.leave_expires {
            let warn_from = add_days(exp.value, -(c.repo.config.rules.leave_warning_days as i64));
            if exp.value < c.today {
                c.report(
                    Rule::LeaveExpiring,
                    &src,
                    exp.pos,
                    format!("immigration leave expired on {}", display_date(exp.value)),
                    "check with the solicitor that an extension was applied for in time, and record the outcome",
                );
            } else if c.today >= warn_from {
                let days = (exp.value - c.today).num_days();
                c.report(
                    Rule::LeaveExpiring,
                    &src,
                    exp.pos,
                    format!(
                        "immigration leave expires on {} ({} from today)",
                        display_date(exp.value),
                        count(days, "day")
                    ),
                    "make sure an application to extend leave is made before it expires, with the solicitor's help",
                );
            }
        }
    }
    if let Some(act) = &p.activity {
        if let (Some(kind), Some(since)) = (&act.kind, &act.since) {
            if kind.value.is_neet() && add_days(since.value, 91) < c.today {
                let weeks = (c.today - since.value).num_weeks();
                c.report(
                    Rule::NeetLong,
                    &src,
                    kind.pos,
                    format!(
                        "not in education, employment or training for {} (since {})",
                        count(weeks, "week"),
                        display_date(since.value)
                    ),
                    "consider what education, training or work support the plan offers",
                );
            }
        }
    }
}

/// `status-age`: a legal status that cannot hold at this age.
fn status_age(c: &mut Checker<'_>, p: &Profile, age: u32) {
    let learning =
        p.activity.as_ref().and_then(|a| a.kind.as_ref()).is_some_and(|k| k.value.is_education_or_training());
    let why = match p.legal_status.value {
        _ if age >= 25 => Some("nobody is supported as a care leaver from their 25th birthday; close the record".to_string()),
        LookedAfter if age >= 18 => Some("nobody is looked after from their 18th birthday; they are now former-relevant or qualifying".to_string()),
        Eligible | Relevant if !(16..=17).contains(&age) => {
            Some(format!("{} applies only at 16 and 17", p.legal_status.value.as_str()))
        }
        FormerRelevant if age < 18 => Some("former-relevant applies only from the 18th birthday".to_string()),
        FormerRelevant if age >= 21 && !p.extended_support && !learning => Some(
            "from 21, former-relevant support continues only with `extended_support: true` or while in education or training".to_string(),
        ),
        Qualifying if age < 16 || (age > 20 && !learning) => {
            Some("qualifying applies from 16 to 20, or to 24 in education or training".to_string())
        }
        _ => None,
    };
    if let Some(why) = why {
        let message = format!("legal status `{}` cannot hold at age {age}: {why}", p.legal_status.value.as_str());
        c.report(
            Rule::StatusAge,
            &p.source,
            p.legal_status.pos,
            message,
            "update `legal_status` (and the plan) to match the young person's age",
        );
    }
}

/// `passport-due`, `passport-not-issued` and `health-assessment-overdue`.
fn passport(c: &mut Checker<'_>, p: &Profile, age: u32) {
    let rules = &c.repo.config.rules;
    let eighteen = birthday(p.date_of_birth.value, 18);
    let passport = c.person.passport.as_ref();
    let issued = passport.and_then(|h| h.issued.as_ref()).is_some();
    let (src, pos) = match passport {
        Some(h) => (h.source.clone(), h.issued.as_ref().map(|i| i.pos).unwrap_or(crate::load::yaml::Pos::new(1, 1))),
        None => (p.source.clone(), p.date_of_birth.pos),
    };
    if !issued && matches!(p.legal_status.value, LookedAfter | Eligible) && age < 18 {
        let warn_from = add_days(eighteen, -(rules.passport_warning_days as i64));
        if c.today >= warn_from {
            let days = (eighteen - c.today).num_days();
            c.report(
                Rule::PassportDue,
                &src,
                pos,
                format!("turns 18 on {} ({} from today) and has not been given their health passport", display_date(eighteen), count(days, "day")),
                "print the health passport for the last review before 18 and record `issued: YYYY-MM-DD` when it is handed over",
            );
        }
    }
    if !issued && age >= 18 && p.legal_status.value == FormerRelevant {
        c.report(
            Rule::PassportNotIssued,
            &src,
            pos,
            format!(
                "turned 18 on {} and there is no record of their health passport being issued",
                display_date(eighteen)
            ),
            "give the young person their health passport and record `issued: YYYY-MM-DD` in health-passport.md",
        );
    }
    if age < 18 {
        let last = passport.and_then(|h| h.last_health_assessment.as_ref());
        match last {
            Some(last) if add_months(last.value, rules.health_assessment_months) < c.today => {
                let message = format!(
                    "the last health assessment was on {}, more than {} ago",
                    display_date(last.value),
                    count(rules.health_assessment_months, "month")
                );
                c.report(
                    Rule::HealthAssessmentOverdue,
                    &src,
                    last.pos,
                    message,
                    "arrange a health assessment and record `last_health_assessment:` in health-passport.md",
                );
            }
            Some(_) => {}
            None => c.report(
                Rule::HealthAssessmentOverdue,
                &src,
                pos,
                "no health assessment is recorded for someone under 18".to_string(),
                "record `last_health_assessment: YYYY-MM-DD` in health-passport.md, or arrange one",
            ),
        }
    }
}

/// `contact-overdue`: no note within the agreed contact frequency.
fn contact(c: &mut Checker<'_>, p: &Profile) {
    let Some(every) = &p.contact_every_days else { return };
    match c.person.last_contact() {
        Some(last) if add_days(last, every.value as i64) < c.today => {
            let days = (c.today - last).num_days();
            let message = format!(
                "the last note is from {} ({} ago); contact is agreed every {}",
                display_date(last),
                count(days, "day"),
                count(every.value, "day")
            );
            c.report(
                Rule::ContactOverdue,
                &p.source,
                every.pos,
                message,
                "get in touch and write a note, or record why contact has not happened",
            );
        }
        Some(_) => {}
        None => c.report(
            Rule::ContactOverdue,
            &p.source,
            every.pos,
            format!("no notes are recorded; contact is agreed every {}", count(every.value, "day")),
            "write a note after each contact in records/<id>/notes/",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fires, profile};
    use crate::diag::Rule;

    fn note(date: &str) -> (String, String) {
        (
            format!("notes/{date}-visit.md"),
            format!("---\ndate: {date}\nauthor: sam-okafor\nkind: visit\n---\nSaw them.\n"),
        )
    }

    fn files(p: &str, extra: &[(String, String)]) -> Vec<(String, String)> {
        let mut v = vec![("profile.md".to_string(), p.to_string())];
        v.extend(extra.iter().cloned());
        v
    }

    fn fires_on(p: &str, extra: &[(String, String)], today: &str, rule: Rule) -> bool {
        let f = files(p, extra);
        let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        fires(&refs, today, rule)
    }

    const PASSPORT_DONE: &str =
        "---\nnhs_number: \"999 765 4323\"\nlast_health_assessment: 2026-06-01\nissued: 2026-06-01\n---\n";
    const PASSPORT_NONE: &str = "---\nnhs_number: \"999 765 4323\"\nlast_health_assessment: 2026-06-01\n---\n";

    fn pp(text: &str) -> (String, String) {
        ("health-passport.md".into(), text.into())
    }

    #[test]
    fn looked_after_at_eighteen_is_flagged_on_the_birthday_not_the_day_before() {
        let p = profile("looked-after", "2008-11-24", "");
        assert!(fires_on(&p, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::StatusAge));
        assert!(!fires_on(&p, &[pp(PASSPORT_DONE)], "2026-11-23", Rule::StatusAge));
    }

    #[test]
    fn leap_day_birth_turns_eighteen_on_first_of_march() {
        let p = profile("looked-after", "2008-02-29", "");
        assert!(!fires_on(&p, &[pp(PASSPORT_DONE)], "2026-02-28", Rule::StatusAge));
        assert!(fires_on(&p, &[pp(PASSPORT_DONE)], "2026-03-01", Rule::StatusAge));
    }

    #[test]
    fn former_relevant_over_21_needs_extended_support_or_education() {
        let plain = profile("former-relevant", "2004-01-10", "");
        assert!(fires_on(&plain, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::StatusAge));
        let extended = profile("former-relevant", "2004-01-10", "extended_support: true\n");
        assert!(!fires_on(&extended, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::StatusAge));
        let college =
            profile("former-relevant", "2004-01-10", "activity:\n  type: higher-education\n  hours: full-time\n");
        assert!(!fires_on(&college, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::StatusAge));
    }

    #[test]
    fn qualifying_and_active_at_25() {
        let q = profile("qualifying", "2005-06-01", "");
        assert!(!fires_on(&q, &[], "2025-05-31", Rule::StatusAge));
        assert!(fires_on(&q, &[], "2026-06-01", Rule::StatusAge));
        let old = profile("former-relevant", "2001-11-24", "extended_support: true\n");
        assert!(fires_on(&old, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::StatusAge));
        assert!(!fires_on(&old, &[pp(PASSPORT_DONE)], "2026-11-23", Rule::StatusAge));
    }

    #[test]
    fn closed_records_are_not_judged() {
        let p =
            profile("looked-after", "2000-01-01", "status: closed\nclosed: { date: 2020-01-01, reason: moved-area }\n");
        assert!(!fires_on(&p, &[], "2026-11-24", Rule::StatusAge));
        assert!(!fires_on(&p, &[], "2026-11-24", Rule::RetentionReview));
        assert!(fires_on(&p, &[], "2075-01-01", Rule::RetentionReview));
        assert!(!fires_on(&p, &[], "2074-12-31", Rule::RetentionReview));
    }

    #[test]
    fn plan_missing_for_relevant_but_not_looked_after() {
        assert!(fires_on(&profile("relevant", "2009-05-01", ""), &[], "2026-11-24", Rule::PlanMissing));
        assert!(!fires_on(&profile("looked-after", "2009-05-01", ""), &[], "2026-11-24", Rule::PlanMissing));
    }

    #[test]
    fn passport_due_within_warning_days_of_eighteen() {
        let p = profile("looked-after", "2009-03-24", "");
        // 18th birthday 2027-03-24; 120 days before is 2026-11-24.
        assert!(fires_on(&p, &[pp(PASSPORT_NONE)], "2026-11-24", Rule::PassportDue));
        assert!(!fires_on(&p, &[pp(PASSPORT_NONE)], "2026-11-23", Rule::PassportDue));
        assert!(!fires_on(&p, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::PassportDue));
    }

    #[test]
    fn passport_not_issued_for_former_relevant_adults() {
        let p = profile("former-relevant", "2008-01-01", "");
        assert!(fires_on(&p, &[pp(PASSPORT_NONE)], "2026-11-24", Rule::PassportNotIssued));
        assert!(fires_on(&p, &[], "2026-11-24", Rule::PassportNotIssued));
        assert!(!fires_on(&p, &[pp(PASSPORT_DONE)], "2026-11-24", Rule::PassportNotIssued));
    }

    #[test]
    fn health_assessment_overdue_only_past_the_months_and_under_18() {
        let p = profile("looked-after", "2010-01-01", "");
        // Assessment 2026-06-01 + 12 months = 2027-06-01.
        assert!(!fires_on(&p, &[pp(PASSPORT_NONE)], "2027-06-01", Rule::HealthAssessmentOverdue));
        assert!(fires_on(&p, &[pp(PASSPORT_NONE)], "2027-06-02", Rule::HealthAssessmentOverdue));
        let adult = profile("former-relevant", "2000-01-01", "extended_support: true\n");
        assert!(!fires_on(&adult, &[pp(PASSPORT_DONE)], "2027-06-02", Rule::HealthAssessmentOverdue));
    }

    #[test]
    fn contact_overdue_after_the_agreed_days() {
        let p = profile("relevant", "2009-05-01", "contact_every_days: 14\n");
        let n = [note("2026-11-10")];
        assert!(!fires_on(&p, &n, "2026-11-24", Rule::ContactOverdue));
        assert!(fires_on(&p, &n, "2026-11-25", Rule::ContactOverdue));
        assert!(fires_on(&p, &[], "2026-11-25", Rule::ContactOverdue));
    }

    #[test]
    fn leave_expiring_within_warning_days() {
        let p =
            profile("relevant", "2009-05-01", "immigration:\n  status: limited-leave\n  leave_expires: 2027-02-22\n");
        assert!(fires_on(&p, &[], "2026-11-24", Rule::LeaveExpiring));
        assert!(!fires_on(&p, &[], "2026-11-23", Rule::LeaveExpiring));
    }

    #[test]
    fn neet_long_after_thirteen_weeks() {
        let p = profile("relevant", "2009-05-01", "activity:\n  type: neet-other\n  since: 2026-08-25\n");
        assert!(!fires_on(&p, &[], "2026-11-24", Rule::NeetLong));
        assert!(fires_on(&p, &[], "2026-11-25", Rule::NeetLong));
    }

    #[test]
    fn unknown_adviser_is_reported() {
        let p = profile("relevant", "2009-05-01", "key_worker: sam-okafro\n");
        assert!(fires_on(&p, &[], "2026-11-24", Rule::UnknownStaff));
        assert!(!fires_on(&profile("relevant", "2009-05-01", ""), &[], "2026-11-24", Rule::UnknownStaff));
    }
}
