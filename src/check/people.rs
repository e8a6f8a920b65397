//! Rules about the young person as a whole: age and status, passport, health, contact, leave, NEET, retention.

use super::{Checker, Deadline};
use crate::diag::Rule;
use crate::load::yaml::Pos;
use crate::model::date::{add_days, add_months, birthday, display_date};
use crate::model::vocab::FeedbackKind;
use crate::model::vocab::LegalStatus::{self, *};
use crate::model::{Profile, Spanned};
use crate::words::count;

pub(super) fn check(c: &mut Checker<'_>) {
    let Some(p) = c.person.profile.as_ref() else { return };
    let src = p.source.clone();
    for (id, role) in [(&p.personal_adviser, "personal adviser"), (&p.key_worker, "key worker")] {
        if let Some(id) = id {
            c.staff_id(&src, id, role);
        }
    }
    let age = p.age_on(c.today);
    if !p.is_active() {
        if let (Some(age), Some(dob)) = (age, p.dob()) {
            if age >= 75 {
                c.report(
                    Rule::RetentionReview,
                    &src,
                    p.status.pos,
                    format!(
                        "this closed record's subject turned 75 on {}: review whether it should now be deleted",
                        display_date(birthday(dob, 75))
                    ),
                    "follow your retention policy; if the record is to be kept, note why",
                );
            }
        }
        exit_feedback(c, p);
        return;
    }
    if let (Some(age), Some(status)) = (age, p.legal_status.get()) {
        status_age(c, p, status, age);
    }
    if let Some(status) = p.legal_status.get() {
        if matches!(status.value, Eligible | Relevant | FormerRelevant) {
            if !c.person.has_plan_file {
                c.report(
                    Rule::PlanMissing,
                    &src,
                    status.pos,
                    format!(
                        "young people whose legal status is {} must have a pathway plan, and there is no pathway-plan.md",
                        status.value.as_str()
                    ),
                    "write records/<id>/pathway-plan.md with the plan agreed at the last review",
                );
            }
            if p.personal_adviser.is_none() {
                c.report(
                    Rule::PaMissing,
                    &src,
                    status.pos,
                    format!(
                        "young people whose legal status is {} must have a personal adviser, and none is named",
                        status.value.as_str()
                    ),
                    "add `personal_adviser: <staff id>` to profile.md",
                );
            }
        }
        health(c, p, status.value);
        if let Some(age) = age {
            passport(c, p, status.value, age);
        }
    }
    contact(c, p);
    if let Some(imm) = &p.immigration {
        if let Some(exp) = &imm.leave_expires {
            c.due(exp.value, Deadline::LeaveEnds, Rule::LeaveExpiring);
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
            if kind.value.is_neet() && add_days(since.value, NEET_LONG_DAYS) < c.today {
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

/// How long a young person is NEET before `neet-long` fires: more than 13 weeks (91 days).
pub const NEET_LONG_DAYS: i64 = 91;

/// How many days after closing a record an exit interview is looked for.
pub const EXIT_FEEDBACK_DAYS: i64 = 90;

/// `exit-feedback-missing`: closed within the last 90 days and no feedback of kind `exit`.
fn exit_feedback(c: &mut Checker<'_>, p: &Profile) {
    let Some(closed) = p.closed.as_ref().and_then(|c| c.date.as_ref()) else { return };
    let recent = closed.value <= c.today && add_days(closed.value, EXIT_FEEDBACK_DAYS) >= c.today;
    let has_exit = c.person.feedback.iter().any(|f| f.kind.as_ref().is_some_and(|k| k.value == FeedbackKind::Exit));
    if recent && !has_exit {
        c.report(
            Rule::ExitFeedbackMissing,
            &p.source,
            closed.pos,
            format!(
                "the record closed on {} and there is no exit feedback from the young person",
                display_date(closed.value)
            ),
            "ask the young person how the service was for them, and record it in records/<id>/feedback/ with `kind: exit`",
        );
    }
}

/// `status-age`: a legal status that cannot hold at this age.
fn status_age(c: &mut Checker<'_>, p: &Profile, status: &Spanned<LegalStatus>, age: u32) {
    let learning =
        p.activity.as_ref().and_then(|a| a.kind.as_ref()).is_some_and(|k| k.value.is_education_or_training());
    let why = match status.value {
        _ if age >= 25 => Some("nobody is supported as a care leaver from their 25th birthday; close the record".to_string()),
        LookedAfter if age >= 18 => Some("nobody is looked after from their 18th birthday; they are now former-relevant or qualifying".to_string()),
        Eligible | Relevant if !(16..=17).contains(&age) => {
            Some(format!("{} applies only at 16 and 17", status.value.as_str()))
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
        let message = format!("legal status `{}` cannot hold at age {age}: {why}", status.value.as_str());
        c.report(
            Rule::StatusAge,
            &p.source,
            status.pos,
            message,
            "update `legal_status` (and the plan) to match the young person's age",
        );
    }
}

/// Where a passport problem is reported: the passport's `issued` line, its first line, or the profile's date of birth.
fn passport_place(c: &Checker<'_>, p: &Profile) -> (std::sync::Arc<crate::model::Source>, Pos) {
    match c.person.passport.as_ref() {
        Some(h) => (h.source.clone(), h.issued.as_ref().map(|i| i.pos).unwrap_or(Pos::new(1, 1))),
        None => (p.source.clone(), p.date_of_birth.pos().unwrap_or(Pos::new(1, 1))),
    }
}

/// `passport-due` (looked-after, eligible or relevant, FORMAT.md 1.1) and `passport-not-issued`.
fn passport(c: &mut Checker<'_>, p: &Profile, status: LegalStatus, age: u32) {
    let Some(eighteen) = p.eighteenth() else { return };
    let issued = c.person.passport.as_ref().and_then(|h| h.issued.as_ref()).is_some();
    let (src, pos) = passport_place(c, p);
    if !issued && matches!(status, LookedAfter | Eligible | Relevant) && age < 18 {
        c.due(eighteen, Deadline::PassportHandOver, Rule::PassportDue);
        let warn_from = add_days(eighteen, -(c.repo.config.rules.passport_warning_days as i64));
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
    if !issued && age >= 18 && status == FormerRelevant {
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
}

/// `health-assessment-overdue`: looked-after or eligible (still looked after) only, FORMAT.md 1.1.
fn health(c: &mut Checker<'_>, p: &Profile, status: LegalStatus) {
    if !matches!(status, LookedAfter | Eligible) {
        return;
    }
    let months = c.repo.config.rules.health_assessment_months;
    let passport = c.person.passport.as_ref();
    let (src, pos) = passport_place(c, p);
    match passport.and_then(|h| h.last_health_assessment.as_ref()) {
        Some(last) => {
            let next = add_months(last.value, months);
            c.due(next, Deadline::HealthAssessment, Rule::HealthAssessmentOverdue);
            if next < c.today {
                let message = format!(
                    "the last health assessment was on {}, more than {} ago",
                    display_date(last.value),
                    count(months, "month")
                );
                c.report(
                    Rule::HealthAssessmentOverdue,
                    &src,
                    last.pos,
                    message,
                    "arrange a health assessment and record `last_health_assessment:` in health-passport.md",
                );
            }
        }
        None => c.report(
            Rule::HealthAssessmentOverdue,
            &src,
            pos,
            format!("no health assessment is recorded for someone who is {}", status.as_str()),
            "record `last_health_assessment: YYYY-MM-DD` in health-passport.md, or arrange one",
        ),
    }
}

/// `contact-overdue`: no note within the agreed contact frequency.
fn contact(c: &mut Checker<'_>, p: &Profile) {
    let Some(every) = &p.contact_every_days else { return };
    if let Some(last) = c.person.last_contact() {
        c.due(add_days(last, every.value as i64), Deadline::Contact, Rule::ContactOverdue);
    }
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

    #[test]
    fn passport_due_for_relevant_too_from_format_1_1() {
        let p = profile("relevant", "2009-03-24", "");
        // 18th birthday 2027-03-24; 120 days before is 2026-11-24.
        assert!(fires_on(&p, &[pp(PASSPORT_NONE)], "2026-11-24", Rule::PassportDue));
        assert!(!fires_on(&p, &[pp(PASSPORT_NONE)], "2026-11-23", Rule::PassportDue));
        assert!(fires_on(&p, &[pp(PASSPORT_NONE)], "2027-03-23", Rule::PassportDue));
        assert!(!fires_on(&p, &[pp(PASSPORT_NONE)], "2027-03-24", Rule::PassportDue));
        let adult = profile("former-relevant", "2009-03-24", "");
        assert!(!fires_on(&adult, &[pp(PASSPORT_NONE)], "2026-11-24", Rule::PassportDue));
        let qualifying = profile("qualifying", "2009-03-24", "");
        assert!(!fires_on(&qualifying, &[pp(PASSPORT_NONE)], "2026-11-24", Rule::PassportDue));
    }

    #[test]
    fn health_assessment_is_for_looked_after_and_eligible_only() {
        let old = "---\nlast_health_assessment: 2025-01-01\n---\n";
        for status in ["looked-after", "eligible"] {
            let p = profile(status, "2009-05-01", "");
            assert!(fires_on(&p, &[pp(old)], "2026-11-24", Rule::HealthAssessmentOverdue), "{status}");
            assert!(fires_on(&p, &[], "2026-11-24", Rule::HealthAssessmentOverdue), "{status} with none");
        }
        for status in ["relevant", "former-relevant", "qualifying"] {
            let p = profile(status, "2009-05-01", "");
            assert!(!fires_on(&p, &[pp(old)], "2026-11-24", Rule::HealthAssessmentOverdue), "{status}");
            assert!(!fires_on(&p, &[], "2026-11-24", Rule::HealthAssessmentOverdue), "{status} with none");
        }
    }

    #[test]
    fn pa_missing_for_eligible_relevant_and_former_relevant_when_active() {
        let without = |status: &str, extra: &str| {
            format!("---\nname: Test Person\ndate_of_birth: 2009-05-01\nlegal_status: {status}\n{extra}---\n")
        };
        for status in ["eligible", "relevant", "former-relevant"] {
            assert!(fires_on(&without(status, ""), &[], "2026-11-24", Rule::PaMissing), "{status}");
            let named = without(status, "personal_adviser: sam-okafor\n");
            assert!(!fires_on(&named, &[], "2026-11-24", Rule::PaMissing), "{status} named");
        }
        for status in ["looked-after", "qualifying"] {
            assert!(!fires_on(&without(status, ""), &[], "2026-11-24", Rule::PaMissing), "{status}");
        }
        let closed = without("relevant", "status: closed\nclosed: { date: 2026-01-01, reason: moved-area }\n");
        assert!(!fires_on(&closed, &[], "2026-11-24", Rule::PaMissing));
    }

    fn exit(kind: &str) -> (String, String) {
        (
            "feedback/2026-08-20-leaving.md".into(),
            format!("---\ndate: 2026-08-20\nkind: {kind}\ntaken_by: sam-okafor\n---\nThanks.\n"),
        )
    }

    #[test]
    fn exit_feedback_missing_within_ninety_days_of_closing() {
        let p = profile(
            "former-relevant",
            "2005-01-01",
            "status: closed\nclosed: { date: 2026-08-26, reason: moved-area }\n",
        );
        // 90 days after 2026-08-26 is 2026-11-24.
        assert!(fires_on(&p, &[], "2026-11-24", Rule::ExitFeedbackMissing));
        assert!(!fires_on(&p, &[], "2026-11-25", Rule::ExitFeedbackMissing));
        assert!(fires_on(&p, &[], "2026-08-26", Rule::ExitFeedbackMissing));
        assert!(!fires_on(&p, &[], "2026-08-25", Rule::ExitFeedbackMissing));
        assert!(!fires_on(&p, &[exit("exit")], "2026-11-24", Rule::ExitFeedbackMissing));
        assert!(fires_on(&p, &[exit("compliment")], "2026-11-24", Rule::ExitFeedbackMissing));
        let open = profile("former-relevant", "2005-01-01", "");
        assert!(!fires_on(&open, &[], "2026-11-24", Rule::ExitFeedbackMissing));
    }

    #[test]
    fn a_bad_date_of_birth_silences_only_the_age_checks() {
        use crate::check::testing::fired;
        let p = profile("relevant", "2008-02-30", "contact_every_days: 14\n");
        let plan = "---\nstarted: 2025-01-01\nreviews:\n  - date: 2025-06-01\n---\n";
        let d = fired(
            &[("profile.md", &p), ("pathway-plan.md", plan), ("notes/2026-10-01-visit.md", &note("2026-10-01").1)],
            "2026-11-24",
        );
        let rules: Vec<Rule> = d.iter().map(|d| d.rule).collect();
        assert!(rules.contains(&Rule::ContactOverdue), "{rules:?}");
        assert!(rules.contains(&Rule::PlanReviewOverdue), "{rules:?}");
        assert!(!rules.contains(&Rule::PassportDue), "{rules:?}");
        let bad = d.iter().find(|d| d.rule == Rule::InvalidValue).expect("the date is reported");
        assert_eq!((bad.file.as_str(), bad.pos.line), ("records/yp-0001/profile.md", 3));
        assert!(
            bad.message.ends_with("these checks are skipped for this young person: status-age, passport-due, passport-not-issued, retention-review, accommodation-age, extended-support-offer-missing"),
            "{}",
            bad.message
        );
    }

    #[test]
    fn a_bad_legal_status_still_leaves_contact_and_plan_checks() {
        use crate::check::testing::fired;
        let p = profile("relevent", "2009-05-01", "contact_every_days: 14\n");
        let d = fired(&[("profile.md", &p)], "2026-11-24");
        let rules: Vec<Rule> = d.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [Rule::InvalidValue, Rule::ContactOverdue]);
        assert!(d[0].message.contains("skipped for this young person: status-age, plan-missing, health-assessment-overdue, passport-due, passport-not-issued, pa-missing"), "{}", d[0].message);
    }

    #[test]
    fn deadlines_come_from_the_rules() {
        use crate::check::{due, testing::repo, Deadline};
        let p = profile("relevant", "2009-03-24", "contact_every_days: 14\n");
        let r = repo(&[
            ("profile.md", &p),
            ("health-passport.md", PASSPORT_NONE),
            ("notes/2026-11-10-visit.md", &note("2026-11-10").1),
        ]);
        let today = crate::model::date::parse_date("2026-11-24").expect("date");
        let d = due(&r, &r.people[0], today);
        let what: Vec<(Deadline, String)> = d.iter().map(|d| (d.what.clone(), d.date.to_string())).collect();
        assert_eq!(what, [(Deadline::Contact, "2026-11-24".into()), (Deadline::PassportHandOver, "2027-03-24".into())]);
        let issued = repo(&[("profile.md", &p), ("health-passport.md", PASSPORT_DONE)]);
        assert!(due(&issued, &issued.people[0], today).is_empty());
    }
}
