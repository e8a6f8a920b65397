//! The record model: typed records of FORMAT.md, each remembering where its values came from.

pub mod date;
pub mod vocab;

use crate::load::yaml::Pos;
use date::Date;
use std::collections::BTreeMap;
use std::sync::Arc;
use vocab::*;

/// A value together with the place in its file where it was written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts.
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// Pairs a value with its position.
    pub fn new(value: T, pos: Pos) -> Self {
        Spanned { value, pos }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A required field as read: its value, or where it was written but could not be read, or absent.
///
/// Keeping "unreadable" apart from the value lets every rule that does not need the field
/// still run, and the rules that do need it be skipped and named (FORMAT.md §10).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Field<T> {
    /// Read.
    Value(Spanned<T>),
    /// Written, but not readable (an impossible date, a value not in its list), at this place.
    Unreadable(Pos),
    /// Not written.
    Missing,
}

impl<T> Field<T> {
    /// The value with its place, if it could be read.
    pub fn get(&self) -> Option<&Spanned<T>> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Where the field was written, whether or not it could be read.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            Field::Value(v) => Some(v.pos),
            Field::Unreadable(p) => Some(*p),
            Field::Missing => None,
        }
    }
}

impl<T: Copy> Field<T> {
    /// The value, if it could be read.
    pub fn value(&self) -> Option<T> {
        self.get().map(|v| v.value)
    }
}

/// The text of one record file, shared by the record and its diagnostics.
///
/// Made only by [`Source::new`], which fingerprints the text once, or by [`Source::kept`] for
/// a text the records cache keeps; nothing changes the text of a source after that.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The whole file, without byte-order mark, with `\n` line endings: see [`Source::text`].
    text: SourceText,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
    /// Line number (1-based) of the body's first line.
    pub body_line: u32,
    /// The body's links and nesting, when found as the file was read (see [`BodyScan`]).
    pub scan: Option<BodyScan>,
    /// XXH3's 128-bit hash of the text, made once when the file is read and kept with it by the
    /// records cache: pages and the search index fingerprint every record on every build.
    hash: u128,
}

/// Where a source's text is.
#[derive(Debug, Clone)]
enum SourceText {
    /// Read with the source.
    Own(String),
    /// Bytes `start..end` of a text the records cache keeps, read when first asked for: a
    /// build that changes one note needs the text of few of the other records, and decoding
    /// all of them from the cache was 12% of its CPU at 100,000 notes.
    Kept { store: Arc<dyn TextStore>, start: u32, end: u32, again: std::sync::OnceLock<String> },
}

/// Keeps the texts of sources made by [`Source::kept`] until they are asked for.
pub trait TextStore: std::fmt::Debug + Send + Sync {
    /// The kept text's bytes `start..end`, or `None` when it cannot be read back whole.
    fn get(&self, start: u32, end: u32) -> Option<&str>;
    /// The text of the record file at `path` read again from the disk, for when [`TextStore::get`]
    /// cannot give it; it must hash to `hash`, as the kept text did.
    fn read_again(&self, path: &str, hash: u128) -> String;
}

impl Default for Source {
    fn default() -> Source {
        Source::new(String::new(), String::new(), 0, 0, None)
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Source) -> bool {
        self.path == other.path
            && self.hash == other.hash
            && self.body_start == other.body_start
            && self.body_line == other.body_line
            && self.scan == other.scan
            && self.text() == other.text()
    }
}

/// What a record's body links to and how deep it nests: found in one pass of the Markdown
/// parser when the file is read, and kept with it by the records cache, so that checking every
/// record's links does not parse every unchanged body again.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct BodyScan {
    /// Relative link and image destinations, each with its byte offset in the body.
    pub links: Vec<(String, usize)>,
    /// Where the first container nested deeper than the site shows starts (a byte offset in
    /// the body), if one does.
    pub cut: Option<usize>,
}

impl Source {
    /// The source of the file at `path` whose text is `text`, with its body's start (a byte
    /// offset and a line) and scan.
    pub fn new(path: String, text: String, body_start: usize, body_line: u32, scan: Option<BodyScan>) -> Source {
        let hash = xxhash_rust::xxh3::xxh3_128(text.as_bytes());
        Source { path, text: SourceText::Own(text), body_start, body_line, scan, hash }
    }

    /// The source of the file at `path` whose text, hashing to `hash`, is bytes `start..end` of
    /// what `store` keeps; the rest as [`Source::new`] takes it.
    #[allow(clippy::too_many_arguments)] // each is one of the source's own fields
    pub fn kept(
        path: String,
        store: Arc<dyn TextStore>,
        (start, end): (u32, u32),
        hash: u128,
        body_start: usize,
        body_line: u32,
        scan: Option<BodyScan>,
    ) -> Source {
        let text = SourceText::Kept { store, start, end, again: std::sync::OnceLock::new() };
        Source { path, text, body_start, body_line, scan, hash }
    }

    /// The whole file, without byte-order mark, with `\n` line endings.
    pub fn text(&self) -> &str {
        match &self.text {
            SourceText::Own(text) => text,
            SourceText::Kept { store, start, end, again } => match store.get(*start, *end) {
                Some(text) => text,
                None => again.get_or_init(|| store.read_again(&self.path, self.hash)),
            },
        }
    }

    /// A fingerprint of the text: the same text, the same hash.
    pub fn text_hash(&self) -> u128 {
        self.hash
    }

    /// The Markdown body after the front matter.
    pub fn body(&self) -> &str {
        self.text().get(self.body_start..).unwrap_or("")
    }
}

/// Who the young person is and how they are doing (`profile.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// Full name.
    pub name: Field<String>,
    /// What they like to be called.
    pub preferred_name: Option<Spanned<String>>,
    /// Their pronouns.
    pub pronouns: Option<Spanned<String>>,
    /// Date of birth.
    pub date_of_birth: Field<Date>,
    /// Legal status.
    pub legal_status: Field<LegalStatus>,
    /// Former-relevant aged 21-24 who asked for a personal adviser to 25.
    pub extended_support: bool,
    /// The authority that placed them.
    pub placing_authority: Option<Spanned<String>>,
    /// Staff id of their personal adviser.
    pub personal_adviser: Option<Spanned<String>>,
    /// Staff id of their key worker.
    pub key_worker: Option<Spanned<String>>,
    /// Whether the record is open; absent means active.
    pub status: Spanned<RecordStatus>,
    /// Why and when a closed record was closed.
    pub closed: Option<Closure>,
    /// Whether the service is in touch.
    pub in_touch: Option<Spanned<InTouch>>,
    /// Agreed contact frequency in days.
    pub contact_every_days: Option<Spanned<u32>>,
    /// Agreed days between face-to-face visits (FORMAT.md 1.2).
    pub visit_every_days: Option<Spanned<u32>>,
    /// The offer of support to 25 and the young person's answer (FORMAT.md 1.2).
    pub extended_support_offer: Option<SupportOffer>,
    /// Where they live.
    pub accommodation: Option<Accommodation>,
    /// What they do.
    pub activity: Option<Activity>,
    /// Staying Put arrangement (remaining with former foster carers after 18).
    pub staying_put: Option<StayingPut>,
    /// Staying Close arrangement (support after leaving a children's home).
    pub staying_close: Option<Spanned<Option<Date>>>,
    /// Immigration details.
    pub immigration: Option<Immigration>,
    /// Risks and needs.
    pub flags: Vec<Spanned<Flag>>,
    /// Fields written but not readable, or required and absent (`date_of_birth`, `activity.since`).
    pub unreadable: Vec<String>,
}

impl Profile {
    /// The name to greet the young person by, if one could be read.
    pub fn display_name(&self) -> Option<&str> {
        self.preferred_name.as_ref().or(self.name.get()).map(|p| p.value.as_str())
    }

    /// Their full name, if it could be read.
    pub fn full_name(&self) -> Option<&str> {
        self.name.get().map(|n| n.value.as_str())
    }

    /// Their date of birth, if it could be read.
    pub fn dob(&self) -> Option<Date> {
        self.date_of_birth.value()
    }

    /// Their legal status, if it could be read.
    pub fn legal(&self) -> Option<LegalStatus> {
        self.legal_status.value()
    }

    /// Their age in whole years on a date, if the date of birth could be read.
    pub fn age_on(&self, day: Date) -> Option<u32> {
        self.dob().map(|d| date::age_on(d, day))
    }

    /// Their 18th birthday, if the date of birth could be read.
    pub fn eighteenth(&self) -> Option<Date> {
        self.dob().map(|d| date::birthday(d, 18))
    }

    /// Whether the record is still open.
    pub fn is_active(&self) -> bool {
        self.status.value == RecordStatus::Active
    }
}

/// When and why a record was closed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Closure {
    /// When.
    pub date: Option<Spanned<Date>>,
    /// Why, in kebab-case or words.
    pub reason: Option<Spanned<String>>,
}

/// Where the young person lives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Accommodation {
    /// The kind of accommodation.
    pub kind: Option<Spanned<AccommodationType>>,
    /// Since when.
    pub since: Option<Spanned<Date>>,
    /// Whether it is suitable.
    pub suitable: Option<Spanned<bool>>,
    /// The address, if recorded.
    pub address: Option<Spanned<String>>,
}

/// What the young person does.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Activity {
    /// The kind of activity.
    pub kind: Option<Spanned<ActivityType>>,
    /// Full- or part-time.
    pub hours: Option<Spanned<Hours>>,
    /// Since when (used by `neet-long`).
    pub since: Option<Spanned<Date>>,
    /// Course, job or other detail.
    pub detail: Option<Spanned<String>>,
}

/// An offer of extended support to 25 (FORMAT.md 1.2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SupportOffer {
    /// Where the offer is written, for diagnostics.
    pub pos: Pos,
    /// When it was made.
    pub date: Option<Spanned<Date>>,
    /// The young person's answer.
    pub response: Option<Spanned<OfferResponse>>,
}

/// A plan's sign-off by a manager (FORMAT.md 1.2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    /// Where `approved:` is written, for diagnostics.
    pub pos: Pos,
    /// The manager's staff id.
    pub by: Option<Spanned<String>>,
    /// When it was signed off.
    pub date: Option<Spanned<Date>>,
}

/// A Staying Put arrangement.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StayingPut {
    /// The carers.
    pub carer: Option<Spanned<String>>,
    /// Since when.
    pub since: Option<Spanned<Date>>,
}

/// Immigration details for an unaccompanied asylum-seeking young person.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Immigration {
    /// Current status.
    pub status: Option<Spanned<ImmigrationStatus>>,
    /// When limited leave runs out.
    pub leave_expires: Option<Spanned<Date>>,
    /// Their solicitor.
    pub solicitor: Option<Spanned<String>>,
}

/// The pathway plan (`pathway-plan.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathwayPlan {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// When the plan started.
    pub started: Option<Spanned<Date>>,
    /// Reviews, newest last.
    pub reviews: Vec<Review>,
    /// When the next review is due.
    pub next_review: Option<Spanned<Date>>,
    /// Goals under the ten headings.
    pub goals: Vec<Goal>,
    /// What happens if things go wrong.
    pub contingency: Option<Spanned<String>>,
    /// The manager's sign-off (FORMAT.md 1.2).
    pub approved: Option<Approval>,
    /// Fields written but not readable (`reviews.date`).
    pub unreadable: Vec<String>,
}

impl PathwayPlan {
    /// The most recent review by date.
    pub fn last_review(&self) -> Option<&Review> {
        self.reviews.iter().filter(|r| r.date.is_some()).max_by_key(|r| r.date.as_ref().map(|d| d.value))
    }
}

/// One review of the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Review {
    /// Where the review entry starts.
    pub pos: Pos,
    /// When.
    pub date: Option<Spanned<Date>>,
    /// Staff id of who led it.
    pub by: Option<Spanned<String>>,
    /// Whether the young person took part.
    pub young_person_present: Option<bool>,
    /// The young person's views.
    pub views: Option<Spanned<String>>,
}

/// Who is responsible for a goal's action.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ByWhom {
    /// A staff id (checked against `waymark.yaml`).
    Staff(String),
    /// The young person themself.
    YoungPerson,
    /// Someone named in free text (written in quotes).
    Text(String),
}

/// One goal of a pathway plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Goal {
    /// Where the goal entry starts.
    pub pos: Pos,
    /// Unique within the plan.
    pub id: Option<Spanned<String>>,
    /// Which of the ten headings.
    pub heading: Option<Spanned<Heading>>,
    /// What the need is.
    pub need: Option<Spanned<String>>,
    /// What will be done.
    pub action: Option<Spanned<String>>,
    /// Who will do it.
    pub by_whom: Option<Spanned<ByWhom>>,
    /// By when.
    pub by_when: Option<Spanned<Date>>,
    /// Where it has got to.
    pub status: Option<Spanned<GoalStatus>>,
    /// When it was achieved.
    pub done: Option<Spanned<Date>>,
}

/// A GP, dentist or optician.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Practice {
    /// The practice's name.
    pub practice: Option<String>,
    /// Its address.
    pub address: Option<String>,
    /// Its phone number.
    pub phone: Option<String>,
}

/// A dated immunisation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Immunisation {
    /// Which vaccine.
    pub vaccine: String,
    /// When given.
    pub date: Option<Date>,
}

/// A medicine taken regularly.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Medication {
    /// Its name.
    pub name: String,
    /// How much and how often.
    pub dose: Option<String>,
    /// Since when.
    pub since: Option<Date>,
}

/// A health condition.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Condition {
    /// Its name.
    pub name: String,
    /// Since when.
    pub since: Option<Date>,
    /// What helps.
    pub notes: Option<String>,
}

/// The health passport (`health-passport.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HealthPassport {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// NHS number as written.
    pub nhs_number: Option<Spanned<String>>,
    /// GP practice.
    pub gp: Option<Practice>,
    /// Dentist.
    pub dentist: Option<Practice>,
    /// Optician.
    pub optician: Option<Practice>,
    /// Date of the last statutory health assessment.
    pub last_health_assessment: Option<Spanned<Date>>,
    /// Immunisations.
    pub immunisations: Vec<Immunisation>,
    /// Known allergies; `None` means not recorded, `Some([])` none known.
    pub allergies: Option<Vec<String>>,
    /// Regular medicines.
    pub medications: Vec<Medication>,
    /// Health conditions.
    pub conditions: Vec<Condition>,
    /// Birth history.
    pub birth_history: Option<String>,
    /// Family health history.
    pub family_health_history: Option<String>,
    /// Emotional and mental health.
    pub mental_health: Option<String>,
    /// Whether the young person agreed to share the passport.
    pub consent_to_share: Option<bool>,
    /// The last looked-after review before 18.
    pub final_review: Option<Spanned<Date>>,
    /// When the young person was given their passport.
    pub issued: Option<Spanned<Date>>,
    /// Fields written but not readable (`issued`).
    pub unreadable: Vec<String>,
}

/// A case note (`notes/YYYY-MM-DD-<slug>.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// When the contact happened.
    pub date: Spanned<Date>,
    /// Staff id of the writer.
    pub author: Spanned<String>,
    /// What kind of contact.
    pub kind: Option<Spanned<NoteKind>>,
    /// Who took part.
    pub with: Vec<String>,
    /// How long, in minutes.
    pub minutes: Option<u32>,
    /// Kept out of search and printed bundles.
    pub restricted: bool,
    /// Whether the young person was seen alone (FORMAT.md 1.2).
    pub seen_alone: Option<bool>,
}

impl Note {
    /// Whether this note records a face-to-face visit: kind `visit` with `young-person` in `with`.
    pub fn is_visit(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.value == NoteKind::Visit) && self.with.iter().any(|w| w == "young-person")
    }

    /// Whether this note records a management decision (FORMAT.md 1.2).
    pub fn is_decision(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.value == NoteKind::ManagementDecision)
    }
}

/// One answer of a feedback record: a question id and a rating from 1 to 5.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    /// The question's id, from `feedback_questions`.
    pub question: String,
    /// 1 (not at all) to 5 (completely).
    pub rating: u8,
    /// Where the answer is written.
    pub pos: Pos,
}

/// What the young person says about the service (`feedback/YYYY-MM-DD-<slug>.md`, FORMAT.md 1.1).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Feedback {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// When it was given.
    pub date: Spanned<Date>,
    /// Questionnaire, exit interview, complaint, compliment or views for a review.
    pub kind: Option<Spanned<FeedbackKind>>,
    /// Staff id of who took it down; absent when the young person wrote it themselves.
    pub taken_by: Option<Spanned<String>>,
    /// Ratings by question, in file order; unreadable ones are left out (and reported).
    pub answers: Vec<Answer>,
    /// Whether the words may be quoted, without a name, in board reports.
    pub consent_to_share: bool,
    /// Kept out of search and printed bundles.
    pub restricted: bool,
    /// Fields written but not readable (`kind`).
    pub unreadable: Vec<String>,
}

/// An outcome reading (`outcomes/YYYY-MM-DD.md`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutcomeReading {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// When the reading was taken.
    pub date: Spanned<Date>,
    /// Which outcome scale.
    pub scale: Spanned<String>,
    /// Staff id of who took it.
    pub by: Option<Spanned<String>>,
    /// Score per area of the scale.
    pub scores: BTreeMap<String, Spanned<f64>>,
}

/// Everything held about one young person.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Person {
    /// The folder name under `records/`.
    pub id: String,
    /// Their profile, if it could be read.
    pub profile: Option<Profile>,
    /// Whether a `profile.md` file exists at all (it may have failed to parse).
    pub has_profile_file: bool,
    /// Their pathway plan.
    pub plan: Option<PathwayPlan>,
    /// Whether a `pathway-plan.md` exists (it may have failed to parse).
    pub has_plan_file: bool,
    /// Their health passport.
    pub passport: Option<HealthPassport>,
    /// Whether a `health-passport.md` exists (it may have failed to parse).
    pub has_passport_file: bool,
    /// Notes, oldest first.
    pub notes: Vec<Note>,
    /// Outcome readings, oldest first.
    pub outcomes: Vec<OutcomeReading>,
    /// Feedback from the young person, oldest first.
    pub feedback: Vec<Feedback>,
    /// Paths of attachments under `files/`, relative to the root.
    pub attachments: Vec<String>,
}

impl Person {
    /// The source of every record read: profile, plan, passport, notes, outcome readings, feedback.
    pub fn sources(&self) -> impl Iterator<Item = &Arc<Source>> {
        self.profile
            .iter()
            .map(|r| &r.source)
            .chain(self.plan.iter().map(|r| &r.source))
            .chain(self.passport.iter().map(|r| &r.source))
            .chain(self.notes.iter().map(|r| &r.source))
            .chain(self.outcomes.iter().map(|r| &r.source))
            .chain(self.feedback.iter().map(|r| &r.source))
    }

    /// The name they go by, or their id when no name could be read.
    pub fn shown_name(&self) -> String {
        self.profile.as_ref().and_then(Profile::display_name).unwrap_or(&self.id).to_string()
    }

    /// Their full name, or their id when no name could be read.
    pub fn shown_full_name(&self) -> String {
        self.profile.as_ref().and_then(Profile::full_name).unwrap_or(&self.id).to_string()
    }

    /// The paths of records marked restricted (notes and feedback): kept out of search, bundles and board quotes.
    pub fn restricted_paths(&self) -> impl Iterator<Item = &str> {
        let notes = self.notes.iter().filter(|n| n.restricted).map(|n| n.source.path.as_str());
        notes.chain(self.feedback.iter().filter(|f| f.restricted).map(|f| f.source.path.as_str()))
    }

    /// The date of the most recent note, if any.
    pub fn last_contact(&self) -> Option<Date> {
        self.notes.iter().map(|n| n.date.value).max()
    }

    /// The date of the last face-to-face visit.
    pub fn last_visit(&self) -> Option<Date> {
        self.notes.iter().filter(|n| n.is_visit()).map(|n| n.date.value).max()
    }

    /// Management decisions about this person, newest first.
    pub fn decisions(&self) -> Vec<&Note> {
        let mut d: Vec<&Note> = self.notes.iter().filter(|n| n.is_decision()).collect();
        d.sort_by_key(|n| std::cmp::Reverse(n.date.value));
        d
    }
}

/// One action agreed in supervision.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SupervisionAction {
    /// Where the action is written.
    pub pos: Pos,
    /// Short id (`housing-referral`).
    pub id: Option<Spanned<String>>,
    /// The young person it is about, by id.
    pub about: Option<Spanned<String>>,
    /// What is to be done.
    pub what: Option<Spanned<String>>,
    /// By when.
    pub by_when: Option<Spanned<Date>>,
    /// When it was done.
    pub done: Option<Spanned<Date>>,
}

/// A supervision record about a member of staff (`staff/<staff-id>/supervision/YYYY-MM-DD.md`, FORMAT.md 1.2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Supervision {
    /// The file.
    #[serde(skip)] // kept once beside the record by the records cache, then shared again
    pub source: Arc<Source>,
    /// The member of staff supervised, from the path.
    pub staff: String,
    /// When it happened.
    pub date: Spanned<Date>,
    /// The manager who supervised.
    pub by: Option<Spanned<String>>,
    /// Young people discussed, by id.
    pub cases: Vec<Spanned<String>>,
    /// Actions agreed.
    pub actions: Vec<SupervisionAction>,
}

/// A loaded records repository: configuration, people, and what went wrong reading them.
#[derive(Debug, Clone, Default)]
pub struct Repository {
    /// The folder holding `waymark.yaml`.
    pub root: std::path::PathBuf,
    /// The configuration.
    pub config: crate::config::Config,
    /// Young people, sorted by id.
    pub people: Vec<Person>,
    /// Supervision records under `staff/`, by staff id then date; never shown with a young person.
    pub supervision: Vec<Supervision>,
    /// Every record file read, by path, for showing source lines in diagnostics.
    pub sources: BTreeMap<String, Arc<Source>>,
    /// Problems found while reading (syntax, fields, paths).
    pub diagnostics: Vec<crate::diag::Diagnostic>,
    /// Number of record files found.
    pub files: usize,
}

impl Repository {
    /// The person with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.binary_search_by(|p| p.id.as_str().cmp(id)).ok().map(|i| &self.people[i])
    }
}

/// Checks an NHS number's modulus 11 check digit (spaces allowed).
pub fn nhs_number_valid(s: &str) -> bool {
    let digits: Vec<u32> = s.chars().filter(|c| *c != ' ').map(|c| c.to_digit(10).unwrap_or(99)).collect();
    if digits.len() != 10 || digits.iter().any(|d| *d > 9) {
        return false;
    }
    let sum: u32 = digits[..9].iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == digits[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sources_hash_is_its_texts_whatever_its_path_or_body() {
        let a = Source::new("records/yp-1/profile.md".into(), "---\nname: A\n---\nHi\n".into(), 16, 4, None);
        let same = Source::new("records/yp-2/profile.md".into(), "---\nname: A\n---\nHi\n".into(), 0, 1, None);
        let other = Source::new("records/yp-1/profile.md".into(), "---\nname: B\n---\nHi\n".into(), 16, 4, None);
        assert_eq!(a.text_hash(), same.text_hash());
        assert_ne!(a.text_hash(), other.text_hash());
        assert_eq!(Source::default().text_hash(), Source::new(String::new(), String::new(), 5, 9, None).text_hash());
    }

    #[test]
    fn nhs_numbers() {
        assert!(nhs_number_valid("999 765 4323"));
        assert!(nhs_number_valid("9997654323"));
        assert!(nhs_number_valid("9990000018"));
        assert!(!nhs_number_valid("999 765 4324"));
        assert!(!nhs_number_valid("999765432"));
        assert!(!nhs_number_valid("99976543x3"));
    }

    #[test]
    fn nhs_check_digit_ten_is_never_valid() {
        // 999 123 456 weighs to a check digit of 10, which no number may have.
        for last in 0..10 {
            assert!(!nhs_number_valid(&format!("999123456{last}")));
        }
    }
}
