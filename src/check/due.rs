//! What falls due for a young person, as the rules see it, and which rules a bad field stops.
//!
//! The rules of this module's siblings decide both the diagnostics and each person's coming
//! deadlines ([`Due`]); the dashboard, the turning-18 section, the board and its trends read
//! the deadlines from here rather than working them out again.

use crate::diag::Rule;
use crate::load::records::Kind;
use crate::model::date::{display_date, Date};
use crate::model::Person;

/// Something a young person's records make due on a date.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Due {
    /// When.
    pub date: Date,
    /// What.
    pub what: Deadline,
    /// The rule that reports it once it is overdue (or close).
    pub rule: Rule,
}

/// What falls due.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Deadline {
    /// The pathway plan's next review.
    PlanReview,
    /// A plan goal's `by_when`; the text names the goal.
    Goal(String),
    /// The next contact, at the agreed frequency.
    Contact,
    /// The 18th birthday, by which the health passport is to be handed over.
    PassportHandOver,
    /// The next statutory health assessment.
    HealthAssessment,
    /// Immigration leave runs out.
    LeaveEnds,
    /// A manager signs off the plan after its review (FORMAT.md 1.2).
    PlanApproval,
    /// The next face-to-face visit, at the agreed frequency.
    Visit,
    /// A note of contact, or `in_touch` looked at again, 13 weeks after the last note.
    InTouch,
    /// The offer of support to 25, from 90 days before the 21st birthday.
    SupportOffer,
}

impl Due {
    /// What is due, in words.
    pub fn label(&self) -> String {
        match &self.what {
            Deadline::PlanReview => "Pathway plan review".into(),
            Deadline::Goal(g) => format!("Plan goal: {g}"),
            Deadline::Contact => "Contact".into(),
            Deadline::PassportHandOver => "18th birthday: health passport to hand over".into(),
            Deadline::HealthAssessment => "Health assessment".into(),
            Deadline::LeaveEnds => "Immigration leave ends".into(),
            Deadline::PlanApproval => "Manager's sign-off of the reviewed plan".into(),
            Deadline::Visit => "Face-to-face visit".into(),
            Deadline::InTouch => "Contact, to stay counted as in touch".into(),
            Deadline::SupportOffer => "Offer of support to 25".into(),
        }
    }

    /// The date as people read it.
    pub fn display_date(&self) -> String {
        display_date(self.date)
    }
}

/// The first deadline of this kind in a person's list.
pub fn first<'d>(due: &'d [Due], what: &Deadline) -> Option<&'d Due> {
    due.iter().filter(|d| d.what == *what).min_by_key(|d| d.date)
}

/// The fields each rule needs, by the file they are in: when one of them could not be read
/// (or is required and absent), the rule is skipped for that person and the bad field's
/// diagnostic says so. The one place that decides it, read by loading and checking alike.
const NEEDS: &[(Rule, &[(Kind, &str)])] = &[
    (
        Rule::StatusAge,
        &[(Kind::Profile, "date_of_birth"), (Kind::Profile, "legal_status"), (Kind::Profile, "activity.type")],
    ),
    (Rule::PlanMissing, &[(Kind::Profile, "legal_status")]),
    (Rule::PlanReviewOverdue, &[(Kind::Plan, "started"), (Kind::Plan, "reviews.date"), (Kind::Plan, "next_review")]),
    (Rule::GoalOverdue, &[(Kind::Plan, "goals.by_when"), (Kind::Plan, "goals.status")]),
    (Rule::HealthAssessmentOverdue, &[(Kind::Profile, "legal_status"), (Kind::Passport, "last_health_assessment")]),
    (
        Rule::PassportDue,
        &[(Kind::Profile, "date_of_birth"), (Kind::Profile, "legal_status"), (Kind::Passport, "issued")],
    ),
    (
        Rule::PassportNotIssued,
        &[(Kind::Profile, "date_of_birth"), (Kind::Profile, "legal_status"), (Kind::Passport, "issued")],
    ),
    (Rule::ContactOverdue, &[(Kind::Profile, "contact_every_days")]),
    (Rule::LeaveExpiring, &[(Kind::Profile, "immigration.leave_expires")]),
    (Rule::NeetLong, &[(Kind::Profile, "activity.type"), (Kind::Profile, "activity.since")]),
    (Rule::PaMissing, &[(Kind::Profile, "legal_status"), (Kind::Profile, "personal_adviser")]),
    (Rule::ExitFeedbackMissing, &[(Kind::Profile, "closed.date"), (Kind::Feedback, "kind")]),
    (Rule::RetentionReview, &[(Kind::Profile, "date_of_birth")]),
    (Rule::AccommodationAge, &[(Kind::Profile, "date_of_birth"), (Kind::Profile, "accommodation.type")]),
    (Rule::PlanNotApproved, &[(Kind::Plan, "reviews.date"), (Kind::Plan, "approved.date")]),
    (Rule::VisitOverdue, &[(Kind::Profile, "visit_every_days")]),
    (Rule::InTouchStale, &[(Kind::Profile, "in_touch")]),
    (Rule::StayingPutMismatch, &[(Kind::Profile, "accommodation.type"), (Kind::Profile, "staying_put")]),
    (
        Rule::ExtendedSupportOfferMissing,
        &[(Kind::Profile, "date_of_birth"), (Kind::Profile, "legal_status"), (Kind::Profile, "extended_support_offer")],
    ),
];

/// Whether a needed field is the unreadable one, or inside it (`activity` holds `activity.since`).
fn covers(unreadable: &str, needed: &str) -> bool {
    needed == unreadable || needed.strip_prefix(unreadable).is_some_and(|rest| rest.starts_with('.'))
}

/// The rules skipped when `field` of a file of `kind` cannot be read.
pub fn skipped_without(kind: Kind, field: &str) -> Vec<Rule> {
    NEEDS
        .iter()
        .filter(|(_, needs)| needs.iter().any(|(k, f)| *k == kind && covers(field, f)))
        .map(|(rule, _)| *rule)
        .collect()
}

/// The rules skipped for this person because a field they need could not be read.
pub fn skipped_for(person: &Person) -> Vec<Rule> {
    let mut bad: Vec<(Kind, &str)> = Vec::new();
    if let Some(p) = &person.profile {
        bad.extend(p.unreadable.iter().map(|f| (Kind::Profile, f.as_str())));
    }
    if let Some(p) = &person.plan {
        bad.extend(p.unreadable.iter().map(|f| (Kind::Plan, f.as_str())));
    }
    if let Some(p) = &person.passport {
        bad.extend(p.unreadable.iter().map(|f| (Kind::Passport, f.as_str())));
    }
    for f in &person.feedback {
        bad.extend(f.unreadable.iter().map(|f| (Kind::Feedback, f.as_str())));
    }
    let mut rules: Vec<Rule> = bad.iter().flat_map(|(k, f)| skipped_without(*k, f)).collect();
    rules.sort();
    rules.dedup();
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_skips_the_rules_that_need_it_and_only_those() {
        let dob = skipped_without(Kind::Profile, "date_of_birth");
        assert_eq!(
            dob,
            [
                Rule::StatusAge,
                Rule::PassportDue,
                Rule::PassportNotIssued,
                Rule::RetentionReview,
                Rule::AccommodationAge,
                Rule::ExtendedSupportOfferMissing
            ]
        );
        assert_eq!(skipped_without(Kind::Profile, "activity"), [Rule::StatusAge, Rule::NeetLong]);
        assert!(skipped_without(Kind::Profile, "pronouns").is_empty());
        assert!(skipped_without(Kind::Plan, "date_of_birth").is_empty());
        assert!(!covers("activity", "activity_kind"));
    }
}
