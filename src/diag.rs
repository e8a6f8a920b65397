//! Diagnostics: what is wrong, where, and how bad it is.

use crate::load::yaml::Pos;
use serde::{Deserialize, Serialize};

/// How serious a diagnostic is; `Off` silences a rule through `waymark.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed; makes `check` exit with status 1.
    Error,
    /// Should be looked at soon.
    Warning,
    /// For information; nothing is wrong yet.
    Info,
    /// The rule is switched off.
    Off,
}

impl Severity {
    /// Reads `error`, `warning`, `info` or `off`.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "off" => Severity::Off,
            _ => return None,
        })
    }

    /// The lowercase name used in output and in `waymark.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Off => "off",
        }
    }
}

macro_rules! rules {
    ($($variant:ident => $name:literal, $sev:ident;)*) => {
        /// Every rule of FORMAT.md §9.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $(#[doc = $name] $variant,)* }

        impl Rule {
            /// All rules, in FORMAT.md's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's name as written in output and `waymark.yaml`.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// The severity FORMAT.md gives the rule.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }
        }

        impl Serialize for Rule {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for Rule {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::model::vocab::by_name(d, Rule::from_name)
            }
        }
    };
}

rules! {
    YamlSyntax => "yaml-syntax", Error;
    MissingField => "missing-field", Error;
    InvalidValue => "invalid-value", Error;
    UnknownField => "unknown-field", Warning;
    BadPath => "bad-path", Error;
    TypeMismatch => "type-mismatch", Error;
    NoteDateMismatch => "note-date-mismatch", Error;
    FutureDate => "future-date", Error;
    UnknownStaff => "unknown-staff", Error;
    BrokenLink => "broken-link", Error;
    MissingAttachment => "missing-attachment", Error;
    NestingTooDeep => "nesting-too-deep", Warning;
    DuplicateGoalId => "duplicate-goal-id", Error;
    NhsNumber => "nhs-number", Error;
    StatusAge => "status-age", Warning;
    PlanMissing => "plan-missing", Warning;
    PlanReviewOverdue => "plan-review-overdue", Error;
    GoalOverdue => "goal-overdue", Warning;
    HealthAssessmentOverdue => "health-assessment-overdue", Warning;
    PassportDue => "passport-due", Warning;
    PassportNotIssued => "passport-not-issued", Error;
    ContactOverdue => "contact-overdue", Warning;
    LeaveExpiring => "leave-expiring", Warning;
    NeetLong => "neet-long", Info;
    AccommodationAge => "accommodation-age", Warning;
    PaMissing => "pa-missing", Warning;
    ExitFeedbackMissing => "exit-feedback-missing", Info;
    RetentionReview => "retention-review", Info;
    PlanNotApproved => "plan-not-approved", Warning;
    VisitOverdue => "visit-overdue", Warning;
    ExtendedSupportOfferMissing => "extended-support-offer-missing", Warning;
    StayingPutMismatch => "staying-put-mismatch", Warning;
    InTouchStale => "in-touch-stale", Warning;
    SupervisionOverdue => "supervision-overdue", Warning;
    SupervisionActionOverdue => "supervision-action-overdue", Warning;
    Uncommitted => "uncommitted", Info;
    AuthorMismatch => "author-mismatch", Info;
    MergeConflict => "merge-conflict", Error;
}

impl Rule {
    /// Finds a rule by its name.
    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }
}

/// One finding: a rule broken at a place in a file.
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Which rule.
    pub rule: Rule,
    /// How serious, after `waymark.yaml`'s overrides.
    pub severity: Severity,
    /// Path relative to the repository root, with `/` separators.
    pub file: String,
    /// Where in the file (1-based); line 1 column 1 for whole-file problems.
    pub pos: Pos,
    /// The young person's id, when the file belongs to one.
    pub person: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to put it right.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity.
    pub fn new(rule: Rule, file: &str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.default_severity(),
            file: file.to_string(),
            pos,
            person: person_of(file),
            message: message.into(),
            help: None,
        }
    }

    /// Adds advice on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// The person id a records path belongs to (`records/<id>/...`).
pub fn person_of(file: &str) -> Option<String> {
    let mut parts = file.split('/');
    if parts.next() != Some("records") {
        return None;
    }
    let id = parts.next()?;
    parts.next()?;
    Some(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_round_trips_by_name() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(*rule));
        }
        assert_eq!(Rule::ALL.len(), 38);
    }

    #[test]
    fn person_comes_from_the_records_folder() {
        assert_eq!(person_of("records/yp-0001/profile.md").as_deref(), Some("yp-0001"));
        assert_eq!(person_of("records/yp-0001"), None);
        assert_eq!(person_of("waymark.yaml"), None);
    }
}
