//! The enumerated values of FORMAT.md: each a Rust enum that knows its kebab-case spelling.

/// An enumeration whose values are written in kebab-case in records.
pub trait Vocab: Sized + Copy + 'static {
    /// Every value, as written in a record.
    const NAMES: &'static [&'static str];
    /// Every value, in the same order as `NAMES`.
    const VALUES: &'static [Self];
    /// What the field is called in messages (`legal status`).
    const WHAT: &'static str;

    /// Reads a value from its spelling.
    fn parse(s: &str) -> Option<Self> {
        Self::NAMES.iter().position(|n| *n == s).map(|i| Self::VALUES[i])
    }
}

/// Reads a value written as its name (a vocabulary value, a rule) with `parse`, without copying the name.
pub(crate) fn by_name<'de, D: serde::Deserializer<'de>, T>(d: D, parse: fn(&str) -> Option<T>) -> Result<T, D::Error> {
    struct Name<T>(fn(&str) -> Option<T>);
    impl<T> serde::de::Visitor<'_> for Name<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a known name")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
            (self.0)(s).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(s), &self))
        }
    }
    d.deserialize_str(Name(parse))
}

macro_rules! vocab {
    ($(#[doc = $doc:literal])* $name:ident, $what:literal { $($variant:ident => $text:literal,)* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = $text] $variant,)* }

        impl Vocab for $name {
            const NAMES: &'static [&'static str] = &[$($text,)*];
            const VALUES: &'static [Self] = &[$($name::$variant,)*];
            const WHAT: &'static str = $what;
        }

        impl $name {
            /// The value as written in a record.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                by_name(d, <$name as Vocab>::parse)
            }
        }
    };
}

vocab! {
    /// The young person's legal status under the Children (Leaving Care) Act.
    LegalStatus, "legal status" {
        LookedAfter => "looked-after",
        Eligible => "eligible",
        Relevant => "relevant",
        FormerRelevant => "former-relevant",
        Qualifying => "qualifying",
    }
}

vocab! {
    /// Whether the record is open.
    RecordStatus, "record status" {
        Active => "active",
        Closed => "closed",
    }
}

vocab! {
    /// Whether the service is in touch with the young person (SSDA903 wording).
    InTouch, "in touch answer" {
        Yes => "yes",
        No => "no",
        Refuses => "refuses",
        NoLongerNeeds => "no-longer-needs",
        ReturnedHome => "returned-home",
        Died => "died",
    }
}

vocab! {
    /// Where the young person lives, mapping to an SSDA903 accommodation code.
    AccommodationType, "accommodation type" {
        ParentsOrRelatives => "parents-or-relatives",
        Residential => "residential",
        SemiIndependent => "semi-independent",
        SupportedLodgings => "supported-lodgings",
        Abroad => "abroad",
        Deported => "deported",
        OrdinaryLodgings => "ordinary-lodgings",
        NotKnown => "not-known",
        Homeless => "homeless",
        Foyer => "foyer",
        Independent => "independent",
        Emergency => "emergency",
        BedAndBreakfast => "bed-and-breakfast",
        Custody => "custody",
        Other => "other",
        StayingPut => "staying-put",
        Foster => "foster",
        ChildrensHome => "childrens-home",
    }
}

impl AccommodationType {
    /// The SSDA903 letter, where the type has one.
    pub fn code(self) -> Option<char> {
        use AccommodationType::*;
        Some(match self {
            ParentsOrRelatives => 'B',
            Residential => 'C',
            SemiIndependent => 'D',
            SupportedLodgings => 'E',
            Abroad => 'G',
            Deported => 'H',
            OrdinaryLodgings => 'K',
            NotKnown => 'R',
            Homeless => 'S',
            Foyer => 'T',
            Independent => 'U',
            Emergency => 'V',
            BedAndBreakfast => 'W',
            Custody => 'X',
            Other => 'Y',
            StayingPut => 'Z',
            Foster | ChildrensHome => return None,
        })
    }
}

vocab! {
    /// What the young person does, mapping to an SSDA903 activity code.
    ActivityType, "activity type" {
        HigherEducation => "higher-education",
        OtherEducation => "other-education",
        Apprenticeship => "apprenticeship",
        TrainingOrEmployment => "training-or-employment",
        NeetIllnessDisability => "neet-illness-disability",
        NeetOther => "neet-other",
        NeetPregnancyParenting => "neet-pregnancy-parenting",
        NotKnown => "not-known",
    }
}

impl ActivityType {
    /// Not in education, employment or training.
    pub fn is_neet(self) -> bool {
        matches!(self, Self::NeetIllnessDisability | Self::NeetOther | Self::NeetPregnancyParenting)
    }

    /// In education or training, which extends support to 25 (FORMAT.md §9 `status-age`).
    pub fn is_education_or_training(self) -> bool {
        matches!(self, Self::HigherEducation | Self::OtherEducation | Self::Apprenticeship | Self::TrainingOrEmployment)
    }
}

vocab! {
    /// Full- or part-time activity.
    Hours, "hours" {
        FullTime => "full-time",
        PartTime => "part-time",
    }
}

vocab! {
    /// Immigration status of an unaccompanied asylum-seeking young person.
    ImmigrationStatus, "immigration status" {
        ClaimPending => "claim-pending",
        AppealPending => "appeal-pending",
        RefugeeStatus => "refugee-status",
        LimitedLeave => "limited-leave",
        HumanitarianProtection => "humanitarian-protection",
        AppealRightsExhausted => "appeal-rights-exhausted",
        BritishCitizen => "british-citizen",
        Other => "other",
    }
}

vocab! {
    /// A risk or need that the team must keep in mind.
    Flag, "flag" {
        CseRisk => "cse-risk",
        CriminalExploitation => "criminal-exploitation",
        MissingEpisodes => "missing-episodes",
        MentalHealth => "mental-health",
        SubstanceMisuse => "substance-misuse",
        YouthJustice => "youth-justice",
        LearningDisability => "learning-disability",
        Parent => "parent",
        Pregnant => "pregnant",
        Uasc => "uasc",
        Disability => "disability",
    }
}

vocab! {
    /// One of the ten headings of a pathway plan (Care Leavers (England) Regulations 2010, Schedule 1).
    Heading, "plan heading" {
        ContactAndSupport => "contact-and-support",
        EducationAndTraining => "education-and-training",
        Employment => "employment",
        Contingency => "contingency",
        Accommodation => "accommodation",
        Relationships => "relationships",
        IndependentLivingSkills => "independent-living-skills",
        Finance => "finance",
        Health => "health",
        Identity => "identity",
    }
}

vocab! {
    /// Where a pathway-plan goal has got to.
    GoalStatus, "goal status" {
        NotStarted => "not-started",
        InProgress => "in-progress",
        Achieved => "achieved",
        Dropped => "dropped",
    }
}

vocab! {
    /// What kind of contact or event a note records.
    NoteKind, "note kind" {
        Visit => "visit",
        Phone => "phone",
        Message => "message",
        Keywork => "keywork",
        Review => "review",
        MultiAgency => "multi-agency",
        Education => "education",
        Health => "health",
        Incident => "incident",
        ManagementDecision => "management-decision",
        Other => "other",
    }
}

vocab! {
    /// A young person's answer to the offer of support to 25 (FORMAT.md 1.2).
    OfferResponse, "offer response" {
        Accepted => "accepted",
        Declined => "declined",
        NoResponse => "no-response",
    }
}

vocab! {
    /// What kind of feedback a young person gave (FORMAT.md 1.1).
    FeedbackKind, "feedback kind" {
        Questionnaire => "questionnaire",
        Exit => "exit",
        Complaint => "complaint",
        Compliment => "compliment",
        ReviewViews => "review-views",
    }
}

vocab! {
    /// A staff member's role.
    Role, "staff role" {
        PersonalAdviser => "personal-adviser",
        KeyWorker => "key-worker",
        Manager => "manager",
        SocialWorker => "social-worker",
        Other => "other",
    }
}

/// Checks the id rules shared by person ids and staff ids (FORMAT.md §1).
pub fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    (2..=40).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && !b[0].is_ascii_uppercase()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for v in AccommodationType::VALUES {
            assert_eq!(AccommodationType::parse(v.as_str()), Some(*v));
        }
        assert_eq!(LegalStatus::parse("Relevant"), None);
    }

    #[test]
    fn ids_follow_the_rules() {
        assert!(valid_id("yp-0007"));
        assert!(valid_id("2024-031"));
        assert!(!valid_id("-yp"));
        assert!(!valid_id("Jordan"));
        assert!(!valid_id("a"));
        assert!(!valid_id(&"a".repeat(41)));
    }
}
