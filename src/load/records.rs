//! Turning one record's front matter into its typed struct (FORMAT.md §4-§8).

use crate::diag::Rule;
use crate::load::fields::{Ctx, Fields};
use crate::load::spec::{opt, req, Field, Ty::*};
use crate::load::yaml::{Node, Pos};
use crate::model::vocab::*;
use crate::model::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a file under `records/<id>/` is, judged by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `profile.md`
    Profile,
    /// `pathway-plan.md`
    Plan,
    /// `health-passport.md`
    Passport,
    /// `notes/YYYY-MM-DD-<slug>.md`
    Note,
    /// `outcomes/YYYY-MM-DD.md`
    Outcome,
    /// `feedback/YYYY-MM-DD-<slug>.md` (FORMAT.md 1.1)
    Feedback,
    /// `staff/<staff-id>/supervision/YYYY-MM-DD.md` (FORMAT.md 1.2)
    Supervision,
}

impl Kind {
    /// Every kind, in the order of FORMAT.md.
    pub const ALL: &'static [Kind] =
        &[Kind::Profile, Kind::Plan, Kind::Passport, Kind::Note, Kind::Outcome, Kind::Feedback, Kind::Supervision];

    /// The fields a record of this kind has: the table `unknown-field` and `waymark schema` read.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Profile => PROFILE_FIELDS,
            Kind::Plan => PLAN_FIELDS,
            Kind::Passport => PASSPORT_FIELDS,
            Kind::Note => NOTE_FIELDS,
            Kind::Outcome => OUTCOME_FIELDS,
            Kind::Feedback => FEEDBACK_FIELDS,
            Kind::Supervision => SUPERVISION_FIELDS,
        }
    }

    /// Where files of this kind are, as a glob from the repository root (for editors).
    pub fn glob(self) -> &'static str {
        match self {
            Kind::Profile => "records/*/profile.md",
            Kind::Plan => "records/*/pathway-plan.md",
            Kind::Passport => "records/*/health-passport.md",
            Kind::Note => "records/*/notes/*.md",
            Kind::Outcome => "records/*/outcomes/*.md",
            Kind::Feedback => "records/*/feedback/*.md",
            Kind::Supervision => "staff/*/supervision/*.md",
        }
    }

    /// The value `type:` must have in a file of this kind.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Profile => "profile",
            Kind::Plan => "pathway-plan",
            Kind::Passport => "health-passport",
            Kind::Note => "note",
            Kind::Outcome => "outcome",
            Kind::Feedback => "feedback",
            Kind::Supervision => "supervision",
        }
    }
}

/// A record of any kind, as read from one file.
///
/// The three records a young person has one of each are boxed: unboxed, every one of 100,000
/// notes was carried through reading in a value the size of a profile (680 bytes, against a
/// note's 104), and copied several times on the way. A box is written as what it holds, so the
/// records cache's bytes are the same.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Record {
    /// A profile.
    Profile(Box<Profile>),
    /// A pathway plan.
    Plan(Box<PathwayPlan>),
    /// A health passport.
    Passport(Box<HealthPassport>),
    /// A note.
    Note(Note),
    /// An outcome reading.
    Outcome(OutcomeReading),
    /// Feedback from the young person.
    Feedback(Feedback),
    /// Supervision of a member of staff.
    Supervision(Supervision),
}

/// Reads a record of `kind` from its parsed front matter.
pub fn read(kind: Kind, source: Arc<Source>, node: &Node, ctx: &Ctx<'_>) -> Option<Record> {
    let f = Fields::new(ctx, node, kind.fields(), ctx.top, "");
    if let Some(t) = f.text("type") {
        let accepted = t.value == kind.type_name() || (kind == Kind::Outcome && t.value == "outcome-reading");
        if !accepted {
            ctx.report(
                Rule::TypeMismatch,
                t.pos,
                format!(
                    "`type: {}` disagrees with where the file is: its path makes it {}",
                    t.value,
                    crate::words::a(kind.type_name())
                ),
                format!(
                    "write `type: {}`, or remove `type:`, or move the file to where {} belongs",
                    kind.type_name(),
                    crate::words::a(&t.value)
                ),
            );
        }
    }
    let mut record = match kind {
        Kind::Profile => Record::Profile(Box::new(profile(source, &f))),
        Kind::Plan => Record::Plan(Box::new(plan(source, &f))),
        Kind::Passport => Record::Passport(Box::new(passport(source, &f))),
        Kind::Note => Record::Note(note(source, &f)?),
        Kind::Outcome => Record::Outcome(outcome(source, &f)?),
        Kind::Feedback => Record::Feedback(feedback(source, &f)?),
        Kind::Supervision => Record::Supervision(supervision(source, &f)?),
    };
    let unreadable = ctx.unreadable();
    ctx.name_skipped(|field| crate::check::skipped_without(kind, field).iter().map(|r| r.name()).collect());
    match &mut record {
        Record::Profile(r) => r.unreadable = unreadable,
        Record::Plan(r) => r.unreadable = unreadable,
        Record::Passport(r) => r.unreadable = unreadable,
        Record::Feedback(r) => r.unreadable = unreadable,
        Record::Note(_) | Record::Outcome(_) | Record::Supervision(_) => {}
    }
    Some(record)
}

const PROFILE_FIELDS: &[Field] = &[
    opt("type", OneOf(&["profile"])),
    req("name", Text),
    opt("preferred_name", Text),
    opt("pronouns", Text),
    req("date_of_birth", Date),
    req("legal_status", OneOf(LegalStatus::NAMES)),
    opt("extended_support", Bool),
    opt("placing_authority", Text),
    opt("personal_adviser", Text),
    opt("key_worker", Text),
    opt("status", OneOf(RecordStatus::NAMES)),
    opt("closed", Map(CLOSED_FIELDS)),
    opt("in_touch", OneOf(InTouch::NAMES)),
    opt("contact_every_days", Count),
    opt("visit_every_days", Count),
    opt("extended_support_offer", Map(OFFER_FIELDS)),
    opt("accommodation", Map(ACCOMMODATION_FIELDS)),
    opt("activity", Map(ACTIVITY_FIELDS)),
    opt("staying_put", Map(STAYING_PUT_FIELDS)),
    opt("staying_close", Map(STAYING_CLOSE_FIELDS)),
    opt("immigration", Map(IMMIGRATION_FIELDS)),
    opt("flags", OneOfList(Flag::NAMES)),
];
const CLOSED_FIELDS: &[Field] = &[req("date", Date), req("reason", Text)];
const OFFER_FIELDS: &[Field] = &[req("date", Date), opt("response", OneOf(OfferResponse::NAMES))];
const ACCOMMODATION_FIELDS: &[Field] =
    &[opt("type", OneOf(AccommodationType::NAMES)), opt("since", Date), opt("suitable", Bool), opt("address", Text)];
const ACTIVITY_FIELDS: &[Field] = &[
    opt("type", OneOf(ActivityType::NAMES)),
    opt("hours", OneOf(Hours::NAMES)),
    opt("since", Date),
    opt("detail", Text),
];
const STAYING_PUT_FIELDS: &[Field] = &[opt("carer", Text), opt("since", Date)];
const STAYING_CLOSE_FIELDS: &[Field] = &[opt("since", Date)];
const IMMIGRATION_FIELDS: &[Field] =
    &[opt("status", OneOf(ImmigrationStatus::NAMES)), opt("leave_expires", Date), opt("solicitor", Text)];

fn profile(source: Arc<Source>, f: &Fields<'_, '_>) -> Profile {
    let name = f.req_text("name", "add `name: <the young person's full name>`");
    let dob = f.req_date("date_of_birth", "add `date_of_birth: YYYY-MM-DD`");
    let legal_status = f.req_vocab::<LegalStatus>("legal_status");
    let status = f.vocab::<RecordStatus>("status").unwrap_or(Spanned::new(RecordStatus::Active, f.at()));
    let closed = f.map("closed", CLOSED_FIELDS).map(|c| Closure {
        date: c.req_date("date", "add the date the record was closed"),
        reason: c.req_text("reason", "add why the record was closed, for example `moved-area`"),
    });
    if status.value == RecordStatus::Closed && closed.is_none() {
        f.require("closed", "a closed record needs `closed: { date: YYYY-MM-DD, reason: ... }`");
    }
    let accommodation = f.map("accommodation", ACCOMMODATION_FIELDS).map(|a| Accommodation {
        kind: a.vocab("type"),
        since: a.date("since"),
        suitable: a.boolean("suitable"),
        address: a.text("address"),
    });
    let activity = f.map("activity", ACTIVITY_FIELDS).map(|a| {
        let activity = Activity {
            kind: a.vocab("type"),
            hours: a.vocab("hours"),
            since: a.date("since"),
            detail: a.text("detail"),
        };
        if let (Some(kind), Some(hours)) = (&activity.kind, &activity.hours) {
            if kind.value.is_neet() || kind.value == ActivityType::NotKnown {
                a.ctx().report(
                    Rule::InvalidValue,
                    hours.pos,
                    format!("`activity.hours` does not apply when the activity is `{}`", kind.value.as_str()),
                    "remove `hours:`; it is only for education, training or work",
                );
            }
        }
        activity
    });
    let staying_put =
        f.map("staying_put", STAYING_PUT_FIELDS).map(|s| StayingPut { carer: s.text("carer"), since: s.date("since") });
    let staying_close =
        f.map("staying_close", STAYING_CLOSE_FIELDS).map(|s| Spanned::new(s.date("since").map(|d| d.value), s.at()));
    let immigration = f.map("immigration", IMMIGRATION_FIELDS).map(|i| Immigration {
        status: i.vocab("status"),
        leave_expires: i.date("leave_expires"),
        solicitor: i.text("solicitor"),
    });
    let flags =
        f.list("flags").iter().filter_map(|n| crate::load::fields::vocab_value::<Flag>(f.ctx(), "flags", n)).collect();
    Profile {
        source,
        preferred_name: f.text("preferred_name"),
        pronouns: f.text("pronouns"),
        extended_support: f.boolean("extended_support").is_some_and(|b| b.value),
        placing_authority: f.text("placing_authority"),
        personal_adviser: f.text("personal_adviser"),
        key_worker: f.text("key_worker"),
        in_touch: f.vocab("in_touch"),
        contact_every_days: f.count("contact_every_days"),
        visit_every_days: f.count("visit_every_days"),
        extended_support_offer: f.map("extended_support_offer", &["date", "response"]).map(|o| SupportOffer {
            pos: o.at(),
            date: o.req_date("date", "add the date the offer was made, `date: YYYY-MM-DD`"),
            response: o.vocab("response"),
        }),
        closed,
        accommodation,
        activity,
        staying_put,
        staying_close,
        immigration,
        flags,
        status,
        name: f.field("name", name),
        date_of_birth: f.field("date_of_birth", dob),
        legal_status: f.field("legal_status", legal_status),
        unreadable: Vec::new(),
    }
}

const PLAN_FIELDS: &[Field] = &[
    opt("type", OneOf(&["pathway-plan"])),
    opt("started", Date),
    opt("reviews", MapList(REVIEW_FIELDS)),
    opt("next_review", Date),
    opt("goals", MapList(GOAL_FIELDS)),
    opt("contingency", Text),
    opt("approved", Map(APPROVAL_FIELDS)),
];
const APPROVAL_FIELDS: &[Field] = &[req("by", Text), req("date", Date)];
const REVIEW_FIELDS: &[Field] =
    &[req("date", Date), opt("by", Text), opt("young_person_present", Bool), opt("views", Text)];
const GOAL_FIELDS: &[Field] = &[
    req("id", Text),
    req("heading", OneOf(Heading::NAMES)),
    opt("need", Text),
    opt("action", Text),
    opt("by_whom", Text),
    opt("by_when", Date),
    opt("status", OneOf(GoalStatus::NAMES)),
    opt("done", Date),
];

/// Reads each map of the list field `key` (fields `known`) with `read`, given the item's
/// place and fields; an item `read` gives nothing for is left out (its problems reported).
fn each<'a, 'c, T>(
    f: &Fields<'a, 'c>,
    key: &str,
    known: &[Field],
    mut read: impl FnMut(Pos, Fields<'a, 'c>) -> Option<T>,
) -> Vec<T> {
    f.each_map(key, known).into_iter().filter_map(|(pos, item)| read(pos, item)).collect()
}

fn plan(source: Arc<Source>, f: &Fields<'_, '_>) -> PathwayPlan {
    let reviews = each(f, "reviews", REVIEW_FIELDS, |pos, r| {
        Some(Review {
            pos,
            date: r.req_date("date", "give each review its `date: YYYY-MM-DD`"),
            by: r.text("by"),
            young_person_present: r.boolean("young_person_present").map(|b| b.value),
            views: r.text("views"),
        })
    });
    let goals = each(f, "goals", GOAL_FIELDS, |pos, g| {
        let status = g.vocab::<GoalStatus>("status");
        if status.as_ref().is_some_and(|s| s.value == GoalStatus::Achieved) {
            g.require("done", "an achieved goal needs `done: YYYY-MM-DD`, the date it was achieved");
        }
        Some(Goal {
            pos,
            id: g.req_text("id", "give each goal a short `id` unique within the plan, such as `college`"),
            heading: g.req_vocab("heading"),
            need: g.text("need"),
            action: g.text("action"),
            by_whom: by_whom(&g, &source),
            by_when: g.date("by_when"),
            done: g.date("done"),
            status,
        })
    });
    PathwayPlan {
        source,
        started: f.date("started"),
        reviews,
        next_review: f.date("next_review"),
        goals,
        contingency: f.text("contingency"),
        approved: f.map("approved", &["by", "date"]).map(|a| Approval {
            pos: a.at(),
            by: a.req_text("by", "add `by: <the manager's staff id>`"),
            date: a.req_date("date", "add the date the plan was signed off, `date: YYYY-MM-DD`"),
        }),
        unreadable: Vec::new(),
    }
}

/// `by_whom` is a staff id, `young-person`, or free text written in quotes;
/// the quotes are only visible in the source, so that is where we look.
fn by_whom(g: &Fields<'_, '_>, source: &Source) -> Option<Spanned<ByWhom>> {
    let t = g.text("by_whom")?;
    let quoted = char_at(source.text(), t.pos).is_some_and(|c| c == '"' || c == '\'');
    let who = if t.value == "young-person" {
        ByWhom::YoungPerson
    } else if quoted || !valid_id(&t.value) {
        ByWhom::Text(t.value.clone())
    } else {
        ByWhom::Staff(t.value.clone())
    };
    Some(Spanned::new(who, t.pos))
}

/// The character at a 1-based line and column.
fn char_at(text: &str, pos: Pos) -> Option<char> {
    text.lines().nth(pos.line.checked_sub(1)? as usize)?.chars().nth(pos.col.checked_sub(1)? as usize)
}

const PASSPORT_FIELDS: &[Field] = &[
    opt("type", OneOf(&["health-passport"])),
    opt("nhs_number", Text),
    opt("gp", Map(PRACTICE_FIELDS)),
    opt("dentist", Map(PRACTICE_FIELDS)),
    opt("optician", Map(PRACTICE_FIELDS)),
    opt("last_health_assessment", Date),
    opt("immunisations", MapList(IMMUNISATION_FIELDS)),
    opt("allergies", TextList),
    opt("medications", MapList(MEDICATION_FIELDS)),
    opt("conditions", MapList(CONDITION_FIELDS)),
    opt("birth_history", Text),
    opt("family_health_history", Text),
    opt("mental_health", Text),
    opt("consent_to_share", Bool),
    opt("final_review", Date),
    opt("issued", Date),
];
const PRACTICE_FIELDS: &[Field] = &[opt("practice", Text), opt("address", Text), opt("phone", Text)];
const IMMUNISATION_FIELDS: &[Field] = &[req("vaccine", Text), opt("date", Date)];
const MEDICATION_FIELDS: &[Field] = &[req("name", Text), opt("dose", Text), opt("since", Date)];
const CONDITION_FIELDS: &[Field] = &[req("name", Text), opt("since", Date), opt("notes", Text)];

fn passport(source: Arc<Source>, f: &Fields<'_, '_>) -> HealthPassport {
    let practice = |key: &str| {
        f.map(key, PRACTICE_FIELDS).map(|p| Practice {
            practice: p.text("practice").map(|s| s.value),
            address: p.text("address").map(|s| s.value),
            phone: p.text("phone").map(|s| s.value),
        })
    };
    let immunisations = each(f, "immunisations", IMMUNISATION_FIELDS, |_, i| {
        Some(Immunisation {
            date: i.date("date").map(|d| d.value),
            vaccine: i.req_text("vaccine", "name the vaccine")?.value,
        })
    });
    let medications = each(f, "medications", MEDICATION_FIELDS, |_, m| {
        Some(Medication {
            dose: m.text("dose").map(|d| d.value),
            since: m.date("since").map(|d| d.value),
            name: m.req_text("name", "name the medicine")?.value,
        })
    });
    let conditions = each(f, "conditions", CONDITION_FIELDS, |_, c| {
        Some(Condition {
            since: c.date("since").map(|d| d.value),
            notes: c.text("notes").map(|d| d.value),
            name: c.req_text("name", "name the condition")?.value,
        })
    });
    let nhs_number = f.text("nhs_number");
    if let Some(n) = &nhs_number {
        if !nhs_number_valid(&n.value) {
            f.ctx().report(
                Rule::NhsNumber,
                n.pos,
                format!("NHS number `{}` is not valid: it needs 10 digits and its last digit must match the modulus 11 check", n.value),
                "copy the number again from an NHS letter or the GP; a single mistyped digit makes the check fail",
            );
        }
    }
    HealthPassport {
        source,
        nhs_number,
        gp: practice("gp"),
        dentist: practice("dentist"),
        optician: practice("optician"),
        last_health_assessment: f.date("last_health_assessment"),
        immunisations,
        allergies: f.text_list("allergies"),
        medications,
        conditions,
        birth_history: f.text("birth_history").map(|s| s.value),
        family_health_history: f.text("family_health_history").map(|s| s.value),
        mental_health: f.text("mental_health").map(|s| s.value),
        consent_to_share: f.boolean("consent_to_share").map(|b| b.value),
        final_review: f.date("final_review"),
        issued: f.date("issued"),
        unreadable: Vec::new(),
    }
}

const NOTE_FIELDS: &[Field] = &[
    opt("type", OneOf(&["note"])),
    req("date", Date),
    req("author", Text),
    opt("kind", OneOf(NoteKind::NAMES)),
    opt("with", TextList),
    opt("minutes", Count),
    opt("restricted", Bool),
    opt("seen_alone", Bool),
];

fn note(source: Arc<Source>, f: &Fields<'_, '_>) -> Option<Note> {
    let date = f.req_date("date", "add `date: YYYY-MM-DD`, the same date as in the file name");
    let author = f.req_text("author", "add `author: <your staff id>`");
    Some(Note {
        source,
        kind: f.vocab("kind"),
        with: f.text_list("with").unwrap_or_default(),
        minutes: f.count("minutes").map(|m| m.value),
        restricted: f.boolean("restricted").is_some_and(|b| b.value),
        seen_alone: f.boolean("seen_alone").map(|b| b.value),
        date: date?,
        author: author?,
    })
}

const SUPERVISION_FIELDS: &[Field] = &[
    opt("type", OneOf(&["supervision"])),
    req("date", Date),
    req("by", Text),
    opt("cases", TextList),
    opt("actions", MapList(ACTION_FIELDS)),
];
const ACTION_FIELDS: &[Field] =
    &[req("id", Text), opt("about", Text), req("what", Text), req("by_when", Date), opt("done", Date)];

fn supervision(source: Arc<Source>, f: &Fields<'_, '_>) -> Option<Supervision> {
    let date = f.req_date("date", "add `date: YYYY-MM-DD`, the same date as in the file name");
    let by = f.req_text("by", "add `by: <the supervising manager's staff id>`");
    let cases = f
        .list("cases")
        .iter()
        .filter_map(|n| match &n.value {
            crate::load::yaml::Value::Str(s) => Some(Spanned::new(s.clone(), n.pos)),
            other => {
                f.ctx().report(
                    Rule::InvalidValue,
                    n.pos,
                    format!("each item of `cases` should be a person id, but this one is {}", other.kind_name()),
                    "list the ids of the young people discussed, such as `[yp-0001, yp-0007]`",
                );
                None
            }
        })
        .collect();
    let actions = each(f, "actions", ACTION_FIELDS, |pos, a| {
        Some(SupervisionAction {
            pos,
            id: a.req_text("id", "give each action a short `id` such as `housing-referral`"),
            about: a.text("about"),
            what: a.req_text("what", "say what is to be done, in quotes"),
            by_when: a.req_date("by_when", "add `by_when: YYYY-MM-DD`, when the action is due"),
            done: a.date("done"),
        })
    });
    let staff = source.path.split('/').nth(1).unwrap_or_default().to_string();
    Some(Supervision { source, staff, date: date?, by, cases, actions })
}

const OUTCOME_FIELDS: &[Field] = &[
    opt("type", OneOf(&["outcome", "outcome-reading"])),
    req("date", Date),
    opt("scale", Text),
    opt("by", Text),
    req("scores", Scores),
];

fn outcome(source: Arc<Source>, f: &Fields<'_, '_>) -> Option<OutcomeReading> {
    let date = f.req_date("date", "add `date: YYYY-MM-DD`, the same date as in the file name");
    let scale = f.text("scale").unwrap_or(Spanned::new("keep-on-caring".to_string(), f.at()));
    f.require("scores", "add `scores:` with one line per area, such as `health: 6`");
    let mut scores = BTreeMap::new();
    if let Some(e) = f.entry("scores") {
        if let crate::load::yaml::Value::Map(entries) = &e.value.value {
            for entry in entries {
                let node = &entry.value;
                let value = match node.value {
                    crate::load::yaml::Value::Int(i) => Some(i as f64),
                    crate::load::yaml::Value::Float(x) if x.is_finite() => Some(x),
                    _ => None,
                };
                match value {
                    Some(v) => {
                        scores.insert(entry.key.clone(), Spanned::new(v, node.pos));
                    }
                    None => f.ctx().report(
                        Rule::InvalidValue,
                        node.pos,
                        format!("the score for `{}` should be a number, but is {}", entry.key, node.value.kind_name()),
                        "write a number from the scale's range, such as 6",
                    ),
                }
            }
        } else {
            f.ctx().report(Rule::InvalidValue, e.value.pos, "`scores` should list one `area: score` per line", "");
        }
    }
    let by = f.text("by");
    Some(OutcomeReading { source, date: date?, scale, by, scores })
}

const FEEDBACK_FIELDS: &[Field] = &[
    opt("type", OneOf(&["feedback"])),
    req("date", Date),
    req("kind", OneOf(FeedbackKind::NAMES)),
    opt("taken_by", Text),
    opt("answers", Scores),
    opt("consent_to_share", Bool),
    opt("restricted", Bool),
];

fn feedback(source: Arc<Source>, f: &Fields<'_, '_>) -> Option<Feedback> {
    let date = f.req_date("date", "add `date: YYYY-MM-DD`, the same date as in the file name");
    let kind = f.req_vocab::<FeedbackKind>("kind");
    let mut answers = Vec::new();
    if let Some(node) = f.node("answers") {
        match &node.value {
            crate::load::yaml::Value::Map(entries) => {
                for e in entries {
                    let rating = match e.value.value {
                        crate::load::yaml::Value::Int(i) if (1..=5).contains(&i) => Some(i as u8),
                        _ => None,
                    };
                    match rating {
                        Some(rating) => answers.push(Answer { question: e.key.clone(), rating, pos: e.key_pos }),
                        None => f.ctx().report(
                            Rule::InvalidValue,
                            e.value.pos,
                            format!(
                                "the answer to `{}` should be a whole number from 1 (not at all) to 5 (completely), but is {}",
                                e.key,
                                describe_value(&e.value.value)
                            ),
                            "write the rating the young person gave, from 1 to 5, without quotes",
                        ),
                    }
                }
            }
            other => f.ctx().report(
                Rule::InvalidValue,
                node.pos,
                format!("`answers` should list one `question-id: rating` per line, but is {}", other.kind_name()),
                "write each answer on its own line under `answers:`, such as `  listened-to: 4`",
            ),
        }
    }
    Some(Feedback {
        source,
        kind,
        taken_by: f.text("taken_by"),
        answers,
        consent_to_share: f.boolean("consent_to_share").is_some_and(|b| b.value),
        restricted: f.boolean("restricted").is_some_and(|b| b.value),
        date: date?,
        unreadable: Vec::new(),
    })
}

/// A scalar as written, or what kind of value it is.
fn describe_value(v: &crate::load::yaml::Value) -> String {
    match v {
        crate::load::yaml::Value::Int(i) => i.to_string(),
        crate::load::yaml::Value::Float(x) => x.to_string(),
        crate::load::yaml::Value::Str(s) => format!("`{s}`"),
        other => other.kind_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::spec::Ty;

    /// A value of the wrong shape for a field of this type.
    fn wrong(ty: Ty) -> &'static str {
        match ty {
            Ty::Text | Ty::TextList => "{a: 1}",
            Ty::Date => "not-a-date",
            Ty::Bool => "maybe",
            Ty::Count => "-3",
            Ty::OneOf(_) => "zzz-not-a-word",
            Ty::OneOfList(_) => "[zzz-not-a-word]",
            Ty::Map(_) | Ty::MapList(_) | Ty::Scores => "just text",
        }
    }

    /// Whether reading `yaml` as a `kind` of record reports the value on `line` as wrong.
    fn refused(kind: Kind, yaml: &str, line: u32) -> bool {
        let node = crate::load::yaml::parse(yaml, 2).expect("test YAML parses");
        let text = format!("---\n{yaml}---\n");
        let source = Arc::new(Source::new("f.md".into(), text.clone(), text.len(), 99, None));
        let ctx = Ctx::new("f.md", Pos::new(1, 1));
        let _ = read(kind, source, &node, &ctx);
        ctx.finish()
            .iter()
            .any(|d| matches!(d.rule, Rule::InvalidValue | Rule::TypeMismatch | Rule::NhsNumber) && d.pos.line == line)
    }

    #[test]
    fn the_loader_reads_every_field_as_its_table_says() {
        // The tables are what `waymark schema` publishes; the readers must agree with them.
        for kind in Kind::ALL {
            for field in kind.fields() {
                let yaml = format!("{}: {}\n", field.name, wrong(field.ty));
                assert!(refused(*kind, &yaml, 2), "{kind:?} `{}` is not read as {:?}", field.name, field.ty);
                let (nested, dash) = match field.ty {
                    Ty::Map(fields) => (fields, "  "),
                    Ty::MapList(fields) => (fields, "  - "),
                    _ => continue,
                };
                for sub in nested {
                    let yaml = format!("{}:\n{dash}{}: {}\n", field.name, sub.name, wrong(sub.ty));
                    assert!(
                        refused(*kind, &yaml, 3),
                        "{kind:?} `{}.{}` is not read as {:?}",
                        field.name,
                        sub.name,
                        sub.ty
                    );
                }
            }
        }
    }
}
