//! Figures about the service, decided once: what each open record counts as (in touch, NEET,
//! staying put, plan on time...), and the measures and breakdowns made from that.
//!
//! The dashboard, the board report, `board/care-leavers.csv`, the board's trends and the
//! manager's page all read these [`Facts`], so no two of them can count a young person
//! differently. What is due comes from the rules ([`crate::check::due`]); figures only read it.

pub mod suppress;

use crate::check::{due::first, Deadline};
use crate::model::date::Date;
use crate::model::vocab::{AccommodationType, ActivityType, Flag, InTouch, LegalStatus, OfferResponse, Vocab};
use crate::model::{Person, Profile, Repository};
use std::collections::BTreeMap;
use suppress::Raw;

/// How long a young person is NEET before `neet-long` fires (the rule decides it).
pub const NEET_LONG_DAYS: i64 = crate::check::NEET_LONG_DAYS;
/// How long NEET before the board's longest duration band: more than 26 weeks.
const NEET_VERY_LONG_DAYS: i64 = 182;

/// How long a young person has been NEET, in the board's bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NeetDuration {
    /// 13 weeks or less.
    UpTo13Weeks,
    /// More than 13 weeks, up to 26.
    From13To26Weeks,
    /// More than 26 weeks.
    Over26Weeks,
    /// `activity.since` is not recorded.
    NotRecorded,
}

impl NeetDuration {
    /// Every band, in the board's order.
    pub const ALL: [NeetDuration; 4] = [Self::UpTo13Weeks, Self::From13To26Weeks, Self::Over26Weeks, Self::NotRecorded];

    /// The band as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::UpTo13Weeks => "13 weeks or less",
            Self::From13To26Weeks => "Over 13 weeks, up to 26",
            Self::Over26Weeks => "Over 26 weeks",
            Self::NotRecorded => "Since when not recorded",
        }
    }

    /// The band as `board/care-leavers.csv` writes it.
    pub fn code(self) -> &'static str {
        match self {
            Self::UpTo13Weeks => "0-13",
            Self::From13To26Weeks => "13-26",
            Self::Over26Weeks => "26+",
            Self::NotRecorded => "unknown",
        }
    }

    /// The band of someone NEET since `since`, as of `today`.
    pub fn of(since: Option<Date>, today: Date) -> NeetDuration {
        match since.map(|s| (today - s).num_days()) {
            None => Self::NotRecorded,
            Some(d) if d > NEET_VERY_LONG_DAYS => Self::Over26Weeks,
            Some(d) if d > NEET_LONG_DAYS => Self::From13To26Weeks,
            Some(_) => Self::UpTo13Weeks,
        }
    }
}

/// The board's age bands: label, youngest, oldest.
pub const AGE_BANDS: [(&str, u32, u32); 4] =
    [("Under 17", 0, 16), ("17-18", 17, 18), ("19-21", 19, 21), ("22-25", 22, 25)];

/// One outcome area's latest and previous scores for a young person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AreaScores {
    /// The score in their latest reading that scored the area.
    pub latest: f64,
    /// The score in the reading before that one, if any.
    pub previous: Option<f64>,
}

/// What one open record counts as, in every figure.
#[derive(Debug, Clone)]
pub struct Facts<'r> {
    /// The young person.
    pub person: &'r Person,
    /// Their profile (only open records have facts).
    pub profile: &'r Profile,
    /// Age in whole years today.
    pub age: Option<u32>,
    /// Index into [`AGE_BANDS`]; `None` when the age is not known or over 25.
    pub band: Option<usize>,
    /// Legal status.
    pub legal: Option<LegalStatus>,
    /// Unaccompanied asylum-seeking: flag `uasc`, or an `immigration` block.
    pub uasc: bool,
    /// A young parent: flag `parent`.
    pub parent: bool,
    /// In custody: accommodation type `custody`.
    pub custody: bool,
    /// The in-touch answer.
    pub in_touch: Option<InTouch>,
    /// The activity type.
    pub activity: Option<ActivityType>,
    /// NEET, when the activity is recorded and not `not-known`.
    pub neet: Option<bool>,
    /// How long NEET, for those who are.
    pub neet_duration: Option<NeetDuration>,
    /// The accommodation type.
    pub accommodation: Option<AccommodationType>,
    /// Whether the accommodation is suitable, when recorded.
    pub suitable: Option<bool>,
    /// Staying Put: the accommodation type `staying-put` (FORMAT.md 1.2).
    pub staying_put: bool,
    /// Staying Close: the `staying_close` block.
    pub staying_close: bool,
    /// For those with a plan or who need one: whether its review is not overdue.
    pub plan_on_time: Option<bool>,
    /// For those 18 or over: whether their passport was issued before their 18th birthday.
    pub passport_before_18: Option<bool>,
    /// For those looked after or eligible: whether their health assessment is in date.
    pub health_in_date: Option<bool>,
    /// For those with a dated plan review: whether they were present at the last one.
    pub present_at_last_review: Option<bool>,
    /// The offer of support to 25: `None` when none is recorded, `Some(None)` with no response recorded.
    pub offer: Option<Option<OfferResponse>>,
    /// Outcome scores by (scale id, area): their latest and previous.
    pub outcomes: BTreeMap<(String, String), AreaScores>,
}

impl<'r> Facts<'r> {
    /// The facts of an open record, as of `today`.
    pub fn new(repo: &Repository, person: &'r Person, profile: &'r Profile, today: Date) -> Facts<'r> {
        let due = crate::check::due(repo, person, today);
        let age = profile.age_on(today);
        let legal = profile.legal();
        let has = |flag: Flag| profile.flags.iter().any(|f| f.value == flag);
        let activity = profile.activity.as_ref().and_then(|a| a.kind.as_ref()).map(|k| k.value);
        let neet = activity.filter(|a| *a != ActivityType::NotKnown).map(ActivityType::is_neet);
        let since = profile.activity.as_ref().and_then(|a| a.since.as_ref()).map(|s| s.value);
        let accommodation = profile.accommodation.as_ref().and_then(|a| a.kind.as_ref()).map(|k| k.value);
        let planned = person.plan.is_some()
            || matches!(legal, Some(LegalStatus::Eligible | LegalStatus::Relevant | LegalStatus::FormerRelevant));
        let next_review = first(&due, &Deadline::PlanReview).map(|d| d.date);
        let health_judged = matches!(legal, Some(LegalStatus::LookedAfter | LegalStatus::Eligible));
        let last_review = person
            .plan
            .iter()
            .flat_map(|p| &p.reviews)
            .filter_map(|r| r.date.as_ref().map(|d| (d.value, r.young_person_present)))
            .max_by_key(|(d, _)| *d);
        Facts {
            person,
            profile,
            age,
            band: age.and_then(|a| AGE_BANDS.iter().position(|(_, lo, hi)| (*lo..=*hi).contains(&a))),
            legal,
            uasc: has(Flag::Uasc) || profile.immigration.is_some(),
            parent: has(Flag::Parent),
            custody: accommodation == Some(AccommodationType::Custody),
            in_touch: profile.in_touch.as_ref().map(|t| t.value),
            activity,
            neet,
            neet_duration: (neet == Some(true)).then(|| NeetDuration::of(since, today)),
            accommodation,
            suitable: profile.accommodation.as_ref().and_then(|a| a.suitable.as_ref()).map(|s| s.value),
            staying_put: accommodation == Some(AccommodationType::StayingPut),
            staying_close: profile.staying_close.is_some(),
            plan_on_time: planned.then(|| next_review.is_some_and(|d| d >= today)),
            passport_before_18: age.filter(|a| *a >= 18).map(|_| {
                let issued = person.passport.as_ref().and_then(|x| x.issued.as_ref()).map(|d| d.value);
                issued.is_some_and(|d| profile.eighteenth().is_some_and(|e| d < e))
            }),
            health_in_date: health_judged
                .then(|| first(&due, &Deadline::HealthAssessment).is_some_and(|d| d.date >= today)),
            present_at_last_review: last_review.map(|(_, present)| present == Some(true)),
            offer: profile.extended_support_offer.as_ref().map(|o| o.response.as_ref().map(|r| r.value)),
            outcomes: outcome_scores(person),
        }
    }
}

/// Each (scale, area)'s latest and previous score across a young person's readings.
fn outcome_scores(person: &Person) -> BTreeMap<(String, String), AreaScores> {
    let mut readings: Vec<_> = person.outcomes.iter().collect();
    readings.sort_by_key(|r| r.date.value);
    let mut out: BTreeMap<(String, String), AreaScores> = BTreeMap::new();
    for r in readings {
        for (area, score) in &r.scores {
            let key = (r.scale.value.clone(), area.clone());
            let previous = out.get(&key).map(|s| s.latest);
            out.insert(key, AreaScores { latest: score.value, previous });
        }
    }
    out
}

/// A key measure: a yes-out-of-how-many over the young people it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// In touch (`in_touch: yes`), of everyone open.
    InTouch,
    /// NEET, of those whose activity is recorded.
    Neet,
    /// In suitable accommodation, of those whose suitability is recorded.
    Suitable,
    /// Staying Put, of everyone open.
    StayingPut,
    /// Plans reviewed on time, of those with a plan or who need one.
    PlansOnTime,
    /// Passports issued before 18, of those 18 or over.
    PassportsBefore18,
    /// Health assessments in date, of those looked after or eligible.
    HealthInDate,
    /// Present at their last plan review, of those with a dated review.
    PresentAtReview,
}

impl Measure {
    /// Every key measure, in the board's order.
    pub const ALL: [Measure; 8] = [
        Self::InTouch,
        Self::Neet,
        Self::Suitable,
        Self::StayingPut,
        Self::PlansOnTime,
        Self::PassportsBefore18,
        Self::HealthInDate,
        Self::PresentAtReview,
    ];

    /// The name `board.benchmarks` uses for it.
    pub fn id(self) -> &'static str {
        match self {
            Self::InTouch => "in-touch",
            Self::Neet => "neet",
            Self::Suitable => "suitable-accommodation",
            Self::StayingPut => "staying-put",
            Self::PlansOnTime => "plans-on-time",
            Self::PassportsBefore18 => "passports-before-18",
            Self::HealthInDate => "health-in-date",
            Self::PresentAtReview => "present-at-review",
        }
    }

    /// The measure as people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::InTouch => "In touch",
            Self::Neet => "Not in education, employment or training (NEET), of those whose activity is recorded",
            Self::Suitable => "In suitable accommodation, of those whose suitability is recorded",
            Self::StayingPut => "Staying Put",
            Self::PlansOnTime => "Pathway plans reviewed on time",
            Self::PassportsBefore18 => "Health passports issued before 18, of those now 18 or over",
            Self::HealthInDate => "Health assessments in date, of those looked after or eligible",
            Self::PresentAtReview => "Present at their last plan review",
        }
    }

    /// A short name, for breakdown tables.
    pub fn short(self) -> &'static str {
        match self {
            Self::InTouch => "In touch",
            Self::Neet => "NEET",
            Self::Suitable => "Suitable accommodation",
            Self::StayingPut => "Staying Put",
            Self::PlansOnTime => "Plans on time",
            Self::PassportsBefore18 => "Passport before 18",
            Self::HealthInDate => "Health assessment in date",
            Self::PresentAtReview => "Present at last review",
        }
    }

    /// Whether it applies to this young person, and if so whether they meet it.
    pub fn of(self, f: &Facts) -> Option<bool> {
        match self {
            Self::InTouch => Some(f.in_touch == Some(InTouch::Yes)),
            Self::Neet => f.neet,
            Self::Suitable => f.suitable,
            Self::StayingPut => Some(f.staying_put),
            Self::PlansOnTime => f.plan_on_time,
            Self::PassportsBefore18 => f.passport_before_18,
            Self::HealthInDate => f.health_in_date,
            Self::PresentAtReview => f.present_at_last_review,
        }
    }

    /// The measure named `id`.
    pub fn by_id(id: &str) -> Option<Measure> {
        Self::ALL.into_iter().find(|m| m.id() == id)
    }

    /// Every measure's name, for messages.
    pub fn ids() -> String {
        Self::ALL.iter().map(|m| format!("`{}`", m.id())).collect::<Vec<_>>().join(", ")
    }
}

/// A way of splitting the open records into groups, for the board's breakdowns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Age bands.
    Age,
    /// Legal status.
    Legal,
    /// Unaccompanied asylum-seeking or not.
    Uasc,
    /// Young parents or not.
    Parent,
    /// In custody or not.
    Custody,
}

impl Dimension {
    /// Every breakdown, in the board's order.
    pub const ALL: [Dimension; 5] = [Self::Age, Self::Legal, Self::Uasc, Self::Parent, Self::Custody];

    /// The breakdown's heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Age => "By age",
            Self::Legal => "By legal status",
            Self::Uasc => "Unaccompanied asylum-seeking young people",
            Self::Parent => "Young parents",
            Self::Custody => "In custody",
        }
    }

    /// An anchor for the breakdown on the page.
    pub fn id(self) -> &'static str {
        match self {
            Self::Age => "by-age",
            Self::Legal => "by-legal-status",
            Self::Uasc => "by-uasc",
            Self::Parent => "by-parent",
            Self::Custody => "by-custody",
        }
    }

    /// The groups' names, in order; every open record is in exactly one.
    pub fn groups(self) -> Vec<String> {
        let yes_no = |yes: &str, no: &str| vec![yes.to_string(), no.to_string()];
        match self {
            Self::Age => {
                AGE_BANDS.iter().map(|(l, _, _)| l.to_string()).chain(["Age not known or over 25".into()]).collect()
            }
            Self::Legal => LegalStatus::VALUES
                .iter()
                .map(|l| crate::render::views::label(l.as_str()))
                .chain(["Not readable".into()])
                .collect(),
            Self::Uasc => yes_no("UASC", "Not UASC"),
            Self::Parent => yes_no("Parents", "Not parents"),
            Self::Custody => yes_no("In custody", "Not in custody"),
        }
    }

    /// The group a young person is in.
    pub fn group_of(self, f: &Facts) -> usize {
        let no = |b: bool| usize::from(!b);
        match self {
            Self::Age => f.band.unwrap_or(AGE_BANDS.len()),
            Self::Legal => f
                .legal
                .and_then(|l| LegalStatus::VALUES.iter().position(|v| *v == l))
                .unwrap_or(LegalStatus::VALUES.len()),
            Self::Uasc => no(f.uasc),
            Self::Parent => no(f.parent),
            Self::Custody => no(f.custody),
        }
    }
}

/// The facts of every open record, as of one day: computed once per build.
#[derive(Debug, Clone)]
pub struct Figures<'r> {
    /// The day the figures are as of.
    pub today: Date,
    /// One per open record, in the repository's order (by id).
    pub facts: Vec<Facts<'r>>,
}

impl<'r> Figures<'r> {
    /// The figures of a repository's open records as of `today`.
    pub fn new(repo: &'r Repository, today: Date) -> Figures<'r> {
        let facts = repo
            .people
            .iter()
            .filter_map(|p| p.profile.as_ref().filter(|f| f.is_active()).map(|f| Facts::new(repo, p, f, today)))
            .collect();
        Figures { today, facts }
    }

    /// How many open records.
    pub fn open(&self) -> usize {
        self.facts.len()
    }

    /// A measure over those for whom `who` holds.
    pub fn measure(&self, m: Measure, who: impl Fn(&Facts) -> bool) -> Raw {
        let judged: Vec<bool> = self.facts.iter().filter(|f| who(f)).filter_map(|f| m.of(f)).collect();
        Raw::ratio(judged.iter().filter(|y| **y).count(), judged.len())
    }

    /// How many open records `who` holds for.
    pub fn count(&self, who: impl Fn(&Facts) -> bool) -> usize {
        self.facts.iter().filter(|f| who(f)).count()
    }
}

/// One outcome area across the service.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaFigures {
    /// The scale's id.
    pub scale: String,
    /// The area.
    pub area: String,
    /// Young people with a score in the area.
    pub people: usize,
    /// The mean of each one's latest score.
    pub mean: f64,
    /// Young people with a previous score too.
    pub with_previous: usize,
    /// The mean change from their previous score to their latest.
    pub change: f64,
}

/// Each outcome area's figures across the open records, by scale then area.
pub fn outcome_areas(figures: &Figures) -> Vec<AreaFigures> {
    let mut by: BTreeMap<(String, String), Vec<AreaScores>> = BTreeMap::new();
    for f in &figures.facts {
        for (key, s) in &f.outcomes {
            by.entry(key.clone()).or_default().push(*s);
        }
    }
    by.into_iter()
        .map(|((scale, area), scores)| {
            let changes: Vec<f64> = scores.iter().filter_map(|s| s.previous.map(|p| s.latest - p)).collect();
            AreaFigures {
                scale,
                area,
                people: scores.len(),
                mean: mean(scores.iter().map(|s| s.latest)),
                with_previous: changes.len(),
                change: mean(changes.iter().copied()),
            }
        })
        .collect()
}

/// The mean to one decimal place (0 for nothing).
pub fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        (sum / n as f64 * 10.0).round() / 10.0
    }
}
