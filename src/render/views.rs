//! View structs: what the templates see, built from the model, serialisable for tera.
//!
//! Everything here is plain text or numbers except fields named `html`, which
//! hold sanitised Markdown, and fields named `href`, which are site links.

use super::bodies::Bodies;
use super::history::LastChanged;
use super::markdown::Place;
use super::paths;
use crate::check::{self, Deadline, Due};
use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::model::date::{add_days, display_date, Date};
use crate::model::vocab::{AccommodationType, ActivityType, GoalStatus, Heading, Vocab};
use crate::model::{ByWhom, HealthPassport, Note, OutcomeReading, PathwayPlan, Person, Practice, Profile, Repository};
use serde::Serialize;

/// How many days ahead "due soon" looks.
pub const DUE_SOON_DAYS: i64 = 14;

/// What every page knows about the site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// The site's title.
    pub title: String,
    /// The organisation's name.
    pub organisation: String,
    /// The date the site was built for, as people read it.
    pub today: String,
    /// The same date, `YYYY-MM-DD`.
    pub today_iso: String,
    /// A line shown at the top of every page, when the build has one.
    pub notice: Option<String>,
}

impl SiteView {
    /// The site facts of a configuration on a date.
    pub fn new(config: &Config, today: Date) -> SiteView {
        SiteView {
            title: config.title.clone(),
            organisation: config.organisation.clone(),
            today: display_date(today),
            today_iso: today.to_string(),
            notice: config.notice.clone(),
        }
    }
}

/// One page's context: where it is, the site, and its own view.
#[derive(Debug, Serialize)]
pub struct Page<'a, T: Serialize> {
    /// Relative prefix from the page to the site root (`""`, `"../../"`).
    pub root: String,
    /// The site.
    pub site: &'a SiteView,
    /// The page's own view.
    #[serde(flatten)]
    pub view: T,
}

/// A value from a list of words, as people read it: `former-relevant` → `Former relevant`.
pub fn label(word: &str) -> String {
    let special = match word {
        "semi-independent" => Some("Semi-independent"),
        "bed-and-breakfast" => Some("Bed and breakfast"),
        "childrens-home" => Some("Children's home"),
        "neet-illness-disability" => Some("NEET: illness or disability"),
        "neet-other" => Some("NEET: other"),
        "neet-pregnancy-parenting" => Some("NEET: pregnancy or parenting"),
        "uasc" => Some("Unaccompanied asylum-seeking"),
        "cse-risk" => Some("CSE risk"),
        "young-person" => Some("Young person"),
        _ => None,
    };
    if let Some(s) = special {
        return s.to_string();
    }
    let words = word.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A staff member's name from their id, or the id when not listed.
fn staff_name(config: &Config, id: &str) -> String {
    config.staff_name(id).to_string()
}

fn date(d: Option<Date>) -> Option<String> {
    d.map(display_date)
}

/// A diagnostic as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DiagView {
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// The rule's name.
    pub rule: &'static str,
    /// The file, relative to the repository root.
    pub file: String,
    /// Line in the file.
    pub line: u32,
    /// Column in the line.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Link to where the record is shown, if it is.
    pub href: Option<String>,
}

impl DiagView {
    /// A diagnostic seen from the page at `page`.
    pub fn new(d: &Diagnostic, person: Option<&Person>, page: &str) -> DiagView {
        DiagView {
            severity: d.severity.as_str(),
            rule: d.rule.name(),
            file: d.file.clone(),
            line: d.pos.line,
            column: d.pos.col,
            message: d.message.clone(),
            help: d.help.clone(),
            href: person.map(|p| record_href(p, &d.file, page)),
        }
    }
}

/// The link from `page` to where a person's file is shown (their page when it has no page of its own).
fn record_href(person: &Person, file: &str, page: &str) -> String {
    let fallback = paths::person_page(&person.id);
    let (target, anchor) = match paths::site_target(file) {
        Some((t, _)) if t == paths::plan_page(&person.id) && !has_plan_page(person) => (fallback, None),
        Some((t, _)) if t == paths::passport_page(&person.id) && !has_passport_page(person) => (fallback, None),
        Some((t, _)) if t.contains("/files/") => (fallback, None),
        Some((t, a)) if t.starts_with(&paths::person_dir(&person.id)) => (t, a),
        _ => (fallback, None),
    };
    let mut link = paths::href(page, &target);
    if let Some(a) = anchor {
        link.push('#');
        link.push_str(&paths::encode(&a));
    }
    link
}

/// Whether the site has a plan page for this person.
pub fn has_plan_page(p: &Person) -> bool {
    p.plan.is_some() || p.has_plan_file
}

/// Whether the site has a passport page for this person.
pub fn has_passport_page(p: &Person) -> bool {
    p.passport.is_some() || p.has_passport_file
}

/// How many diagnostics of each severity.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    /// Errors: overdue or wrong.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// For information.
    pub infos: usize,
}

impl Counts {
    /// Counts a list of diagnostics.
    pub fn of<'d>(diags: impl IntoIterator<Item = &'d Diagnostic>) -> Counts {
        let mut c = Counts::default();
        for d in diags {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
                Severity::Off => {}
            }
        }
        c
    }
}

/// Something falling due soon.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    /// What is due.
    pub what: String,
    /// When, as people read it.
    pub date: String,
    /// When, `YYYY-MM-DD`, for sorting.
    pub iso: String,
}

impl From<&Due> for DueView {
    fn from(d: &Due) -> DueView {
        DueView { what: d.label(), date: d.display_date(), iso: d.date.to_string() }
    }
}

/// What falls due for an active person after today and within [`DUE_SOON_DAYS`], as the rules decide.
pub fn due_soon(repo: &Repository, person: &Person, today: Date) -> Vec<DueView> {
    soon(&check::due(repo, person, today), today)
}

/// The deadlines of `due` after today and within [`DUE_SOON_DAYS`].
fn soon(due: &[Due], today: Date) -> Vec<DueView> {
    let end = add_days(today, DUE_SOON_DAYS);
    due.iter().filter(|d| d.date > today && d.date <= end).map(DueView::from).collect()
}

/// When the plan's next review is due, as `plan-review-overdue` judges it.
pub fn next_review(due: &[Due]) -> Option<Date> {
    check::due::first(due, &Deadline::PlanReview).map(|d| d.date)
}

/// One row of the caseload table.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    /// Person id.
    pub id: String,
    /// Link to their page.
    pub href: String,
    /// The name they go by.
    pub name: String,
    /// Age in years.
    pub age: Option<u32>,
    /// Legal status.
    pub legal_status: Option<String>,
    /// Personal adviser's name.
    pub adviser: Option<String>,
    /// Personal adviser's staff id.
    pub adviser_id: Option<String>,
    /// Accommodation, as people read it.
    pub accommodation: Option<String>,
    /// Whether the accommodation is suitable.
    pub suitable: Option<bool>,
    /// Activity, as people read it.
    pub activity: Option<String>,
    /// Whether the activity is NEET.
    pub neet: bool,
    /// When the plan's next review is due.
    pub next_review: Option<String>,
    /// Whether that date has passed.
    pub review_overdue: bool,
    /// Diagnostics by severity.
    pub counts: Counts,
    /// What falls due in the next fortnight.
    pub due: Vec<DueView>,
    /// Whether the record is open.
    pub active: bool,
}

impl CaseRow {
    /// A person's row, seen from the dashboard.
    pub fn new(repo: &Repository, person: &Person, today: Date, diags: &[&Diagnostic]) -> CaseRow {
        let config = &repo.config;
        let due = check::due(repo, person, today);
        let profile = person.profile.as_ref();
        let next = next_review(&due);
        let acc = profile.and_then(|p| p.accommodation.as_ref());
        let suitable = acc.and_then(|a| a.suitable.as_ref()).map(|s| s.value);
        let act = profile.and_then(|p| p.activity.as_ref()).and_then(|a| a.kind.as_ref()).map(|k| k.value);
        CaseRow {
            id: person.id.clone(),
            href: paths::href(paths::DASHBOARD, &paths::person_page(&person.id)),
            name: person.shown_name(),
            age: profile.and_then(|p| p.age_on(today)),
            legal_status: profile.and_then(|p| p.legal()).map(|l| label(l.as_str())),
            adviser: profile.and_then(|p| p.personal_adviser.as_ref()).map(|a| staff_name(config, &a.value)),
            adviser_id: profile.and_then(|p| p.personal_adviser.as_ref()).map(|a| a.value.clone()),
            accommodation: acc.and_then(|a| a.kind.as_ref()).map(|k| accommodation_label(k.value, suitable)),
            suitable,
            activity: act.map(|a| label(a.as_str())),
            neet: act.is_some_and(ActivityType::is_neet),
            next_review: date(next),
            review_overdue: next.is_some_and(|n| n < today),
            counts: Counts::of(diags.iter().copied()),
            due: soon(&due, today),
            active: profile.is_none_or(Profile::is_active),
        }
    }
}

/// An accommodation type with its SSDA903 code: `Semi-independent (D1)`.
fn accommodation_label(kind: AccommodationType, suitable: Option<bool>) -> String {
    match (kind.code(), suitable) {
        (Some(c), Some(s)) => format!("{} ({c}{})", label(kind.as_str()), if s { 1 } else { 2 }),
        (Some(c), None) => format!("{} ({c})", label(kind.as_str())),
        (None, _) => label(kind.as_str()),
    }
}

/// The dashboard. Its tiles count young people, not problems.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    /// Active people, most urgent first.
    pub rows: Vec<CaseRow>,
    /// Closed records.
    pub closed: Vec<CaseRow>,
    /// Open records, as the board counts them.
    pub open: usize,
    /// Young people whose profile could not be read (listed, but not in the figures).
    pub unreadable: usize,
    /// Young people with something overdue or wrong (an error).
    pub overdue: usize,
    /// Young people with a warning.
    pub warnings: usize,
    /// Young people with something falling due in the next fortnight.
    pub due_soon: usize,
    /// Errors and warnings about no young person (settings, staff).
    pub other_problems: usize,
    /// How many days "due soon" looks ahead.
    pub due_days: i64,
    /// Link to the report.
    pub report_href: String,
    /// Link to the manager's page.
    pub manager_href: String,
    /// Open records by personal adviser.
    pub advisers: Vec<AdviserSummary>,
    /// Active young people turning 18 within the window, soonest first.
    pub turning_18: Vec<super::transition::Turning18>,
    /// How many days ahead "turning 18" looks.
    pub transition_days: u32,
}

/// One personal adviser's share of the open caseload, on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct AdviserSummary {
    /// Their name (or "No personal adviser named").
    pub name: String,
    /// Link to their caseload page.
    pub href: String,
    /// How many open records.
    pub people: usize,
    /// Young people in their caseload with something overdue or wrong.
    pub overdue: usize,
    /// Young people in their caseload with something falling due in the next fortnight.
    pub due_soon: usize,
}

/// One personal adviser's caseload page.
#[derive(Debug, Clone, Serialize)]
pub struct AdviserPage {
    /// Their name.
    pub name: String,
    /// Their open records, most urgent first.
    pub rows: Vec<CaseRow>,
    /// Young people in their caseload with something overdue or wrong.
    pub overdue: usize,
    /// Young people in their caseload with something falling due in the next fortnight.
    pub due_soon: usize,
    /// How many days "due soon" looks ahead.
    pub due_days: i64,
}

/// The file name of an adviser's page: their staff id, or `_unassigned` when none is named
/// (or the id is not one that could name a file).
pub fn adviser_key(id: Option<&str>) -> String {
    match id {
        Some(id) if crate::model::vocab::valid_id(id) => id.to_string(),
        _ => "_unassigned".into(),
    }
}

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// What the link says.
    pub text: String,
    /// Where it goes.
    pub href: String,
}

/// Accommodation on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct AccommodationView {
    /// Type with its code.
    pub kind: Option<String>,
    /// Since when.
    pub since: Option<String>,
    /// Whether suitable.
    pub suitable: Option<bool>,
    /// Address.
    pub address: Option<String>,
}

/// Activity on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    /// Type.
    pub kind: Option<String>,
    /// Full- or part-time.
    pub hours: Option<String>,
    /// Since when.
    pub since: Option<String>,
    /// Course, job or other detail.
    pub detail: Option<String>,
    /// Whether NEET.
    pub neet: bool,
}

/// Immigration details on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct ImmigrationView {
    /// Status.
    pub status: Option<String>,
    /// When leave expires.
    pub leave_expires: Option<String>,
    /// Solicitor.
    pub solicitor: Option<String>,
}

/// The profile summary of a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    /// Full name.
    pub full_name: String,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Pronouns.
    pub pronouns: Option<String>,
    /// Date of birth (`None` when it could not be read).
    pub date_of_birth: Option<String>,
    /// Age today.
    pub age: Option<u32>,
    /// Legal status (`None` when it could not be read).
    pub legal_status: Option<String>,
    /// Fields that could not be read, so the page can say so.
    pub unreadable: Vec<String>,
    /// Extended support to 25.
    pub extended_support: bool,
    /// Placing authority.
    pub placing_authority: Option<String>,
    /// Personal adviser's name.
    pub adviser: Option<String>,
    /// Key worker's name.
    pub key_worker: Option<String>,
    /// Whether the record is open.
    pub active: bool,
    /// When and why closed.
    pub closed: Option<String>,
    /// In touch.
    pub in_touch: Option<String>,
    /// Agreed contact frequency in days.
    pub contact_every_days: Option<u32>,
    /// Where they live.
    pub accommodation: Option<AccommodationView>,
    /// What they do.
    pub activity: Option<ActivityView>,
    /// Staying Put, in words.
    pub staying_put: Option<String>,
    /// Staying Close, in words.
    pub staying_close: Option<String>,
    /// Immigration.
    pub immigration: Option<ImmigrationView>,
    /// Flags, as people read them.
    pub flags: Vec<String>,
    /// The profile body.
    pub html: String,
}

impl ProfileView {
    /// A profile as its person's page shows it.
    pub fn new(p: &Profile, config: &Config, today: Date, bodies: &Bodies) -> ProfileView {
        let page = paths::person_page(person_id(&p.source.path));
        let text = |s: &Option<crate::model::Spanned<String>>| s.as_ref().map(|v| v.value.clone());
        let closed = p.closed.as_ref().map(|c| {
            let when = c.date.as_ref().map(|d| display_date(d.value));
            let why = c.reason.as_ref().map(|r| label(&r.value));
            match (when, why) {
                (Some(w), Some(r)) => format!("{w}: {r}"),
                (Some(w), None) => w,
                (None, Some(r)) => r,
                (None, None) => "Closed".into(),
            }
        });
        let staying_put = p.staying_put.as_ref().map(|s| {
            let mut out = match &s.carer {
                Some(c) => format!("With {}", c.value),
                None => "Yes".into(),
            };
            if let Some(since) = &s.since {
                out.push_str(&format!(", since {}", display_date(since.value)));
            }
            out
        });
        ProfileView {
            full_name: p.full_name().unwrap_or(person_id(&p.source.path)).to_string(),
            preferred_name: text(&p.preferred_name),
            pronouns: text(&p.pronouns),
            date_of_birth: p.dob().map(display_date),
            age: p.age_on(today),
            legal_status: p.legal().map(|l| label(l.as_str())),
            unreadable: p.unreadable.clone(),
            extended_support: p.extended_support,
            placing_authority: text(&p.placing_authority),
            adviser: p.personal_adviser.as_ref().map(|a| staff_name(config, &a.value)),
            key_worker: p.key_worker.as_ref().map(|a| staff_name(config, &a.value)),
            active: p.is_active(),
            closed,
            in_touch: p.in_touch.as_ref().map(|t| label(t.value.as_str())),
            contact_every_days: p.contact_every_days.as_ref().map(|c| c.value),
            accommodation: p.accommodation.as_ref().map(|a| {
                let suitable = a.suitable.as_ref().map(|s| s.value);
                AccommodationView {
                    kind: a.kind.as_ref().map(|k| accommodation_label(k.value, suitable)),
                    since: date(a.since.as_ref().map(|d| d.value)),
                    suitable,
                    address: text(&a.address),
                }
            }),
            activity: p.activity.as_ref().map(|a| ActivityView {
                kind: a.kind.as_ref().map(|k| label(k.value.as_str())),
                hours: a.hours.as_ref().map(|h| label(h.value.as_str())),
                since: date(a.since.as_ref().map(|d| d.value)),
                detail: text(&a.detail),
                neet: a.kind.as_ref().is_some_and(|k| k.value.is_neet()),
            }),
            staying_put,
            staying_close: p
                .staying_close
                .as_ref()
                .map(|s| s.value.map(|d| format!("Since {}", display_date(d))).unwrap_or_else(|| "Yes".into())),
            immigration: p.immigration.as_ref().map(|i| ImmigrationView {
                status: i.status.as_ref().map(|s| label(s.value.as_str())),
                leave_expires: date(i.leave_expires.as_ref().map(|d| d.value)),
                solicitor: text(&i.solicitor),
            }),
            flags: p.flags.iter().map(|f| label(f.value.as_str())).collect(),
            html: body_html(&p.source, &page, "profile", bodies),
        }
    }
}

/// The person id of a `records/<id>/...` path.
fn person_id(path: &str) -> &str {
    path.strip_prefix("records/").and_then(|r| r.split('/').next()).unwrap_or("")
}

/// A record's body as sanitised HTML for a page.
fn body_html(source: &crate::model::Source, page: &str, anchor: &str, bodies: &Bodies) -> String {
    bodies.render(source.body(), Place { source: &source.path, page, anchor })
}

/// A note on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// Its anchor on the page.
    pub anchor: String,
    /// When.
    pub date: String,
    /// Who wrote it.
    pub author: String,
    /// What kind of contact.
    pub kind: Option<String>,
    /// Who took part.
    pub with: Vec<String>,
    /// How long, in minutes.
    pub minutes: Option<u32>,
    /// Restricted: shown with a banner.
    pub restricted: bool,
    /// Whether the young person was seen alone, when the note says.
    pub seen_alone: Option<bool>,
    /// The file.
    pub file: String,
    /// The body.
    pub html: String,
    /// Its last commit, from git.
    pub changed: Option<LastChanged>,
}

impl NoteView {
    /// A note as its person's page shows it.
    pub fn new(n: &Note, config: &Config, page: &str, bodies: &Bodies) -> NoteView {
        let anchor = paths::note_anchor(paths::stem(&n.source.path));
        NoteView {
            date: display_date(n.date.value),
            author: staff_name(config, &n.author.value),
            kind: n.kind.as_ref().map(|k| label(k.value.as_str())),
            with: n.with.iter().map(|w| label(w)).collect(),
            minutes: n.minutes,
            restricted: n.restricted,
            seen_alone: n.seen_alone,
            file: n.source.path.clone(),
            html: body_html(&n.source, page, &anchor, bodies),
            anchor,
            changed: None,
        }
    }
}

/// One rating in a feedback record, with the question as the young person read it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    /// The question.
    pub question: String,
    /// 1 to 5.
    pub rating: u8,
}

/// A feedback record on its person's page: their words first, the ratings beside.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    /// Its anchor on the page.
    pub anchor: String,
    /// When.
    pub date: String,
    /// What kind, as people read it.
    pub kind: Option<String>,
    /// Who took it down, or `None` when the young person wrote it themselves.
    pub taken_by: Option<String>,
    /// Ratings, in the order of `feedback_questions`.
    pub answers: Vec<AnswerView>,
    /// Whether the words may be quoted, without a name, in board reports.
    pub consent_to_share: bool,
    /// Restricted: shown with a banner.
    pub restricted: bool,
    /// The file.
    pub file: String,
    /// Their words.
    pub html: String,
    /// Its last commit, from git.
    pub changed: Option<LastChanged>,
}

impl FeedbackView {
    /// A feedback record as its person's page shows it.
    pub fn new(f: &crate::model::Feedback, config: &Config, page: &str, bodies: &Bodies) -> FeedbackView {
        let anchor = paths::feedback_anchor(paths::stem(&f.source.path));
        let order = |q: &str| config.feedback_questions.iter().position(|c| c.id == q).unwrap_or(usize::MAX);
        let mut answers: Vec<&crate::model::Answer> = f.answers.iter().collect();
        answers.sort_by_key(|a| order(&a.question));
        FeedbackView {
            date: display_date(f.date.value),
            kind: f.kind.as_ref().map(|k| label(k.value.as_str())),
            taken_by: f.taken_by.as_ref().map(|t| staff_name(config, &t.value)),
            answers: answers
                .into_iter()
                .map(|a| AnswerView {
                    question: config
                        .question(&a.question)
                        .map(|q| q.text.clone())
                        .unwrap_or_else(|| a.question.clone()),
                    rating: a.rating,
                })
                .collect(),
            consent_to_share: f.consent_to_share,
            restricted: f.restricted,
            file: f.source.path.clone(),
            html: body_html(&f.source, page, &anchor, bodies),
            anchor,
            changed: None,
        }
    }
}

/// The notes of one calendar month, for reading a long history.
#[derive(Debug, Clone, Serialize)]
pub struct NoteMonth {
    /// Its anchor on the page (`month-2026-11`).
    pub anchor: String,
    /// The month, as people read it (`November 2026`).
    pub month: String,
    /// Its notes, newest first.
    pub notes: Vec<NoteView>,
}

/// Groups notes by month, newest first.
pub fn note_months(notes: &[Note], config: &Config, page: &str, bodies: &Bodies) -> Vec<NoteMonth> {
    let mut months: Vec<NoteMonth> = Vec::new();
    for n in notes.iter().rev() {
        let anchor = format!("month-{}", n.date.value.format("%Y-%m"));
        let view = NoteView::new(n, config, page, bodies);
        match months.last_mut() {
            Some(m) if m.anchor == anchor => m.notes.push(view),
            _ => months.push(NoteMonth { anchor, month: n.date.value.format("%B %Y").to_string(), notes: vec![view] }),
        }
    }
    months
}

/// A score in an outcome reading.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    /// The area.
    pub area: String,
    /// The score.
    pub score: f64,
}

/// An outcome reading on a person's page.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    /// Its anchor on the page.
    pub anchor: String,
    /// When.
    pub date: String,
    /// The scale's name.
    pub scale: String,
    /// Who took it.
    pub by: Option<String>,
    /// Scores in the scale's order.
    pub scores: Vec<ScoreView>,
    /// The body.
    pub html: String,
    /// The file.
    pub file: String,
    /// Its last commit, from git.
    pub changed: Option<LastChanged>,
}

impl OutcomeView {
    /// A reading as its person's page shows it.
    pub fn new(o: &OutcomeReading, config: &Config, page: &str, bodies: &Bodies) -> OutcomeView {
        let anchor = paths::outcome_anchor(paths::stem(&o.source.path));
        let scale = config.scale(&o.scale.value);
        let mut scores: Vec<ScoreView> = match scale {
            Some(s) => s
                .areas
                .iter()
                .filter_map(|a| o.scores.get(a).map(|v| ScoreView { area: label(a), score: v.value }))
                .collect(),
            None => Vec::new(),
        };
        for (area, v) in &o.scores {
            if scale.is_none_or(|s| !s.areas.contains(area)) {
                scores.push(ScoreView { area: label(area), score: v.value });
            }
        }
        OutcomeView {
            date: display_date(o.date.value),
            scale: scale.map(|s| s.name.clone()).unwrap_or_else(|| o.scale.value.clone()),
            by: o.by.as_ref().map(|b| staff_name(config, &b.value)),
            scores,
            html: body_html(&o.source, page, &anchor, bodies),
            anchor,
            file: o.source.path.clone(),
            changed: None,
        }
    }
}

/// A goal of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct GoalView {
    /// Its id.
    pub id: Option<String>,
    /// The need.
    pub need: Option<String>,
    /// The action.
    pub action: Option<String>,
    /// Who will do it.
    pub by_whom: Option<String>,
    /// By when.
    pub by_when: Option<String>,
    /// Status, as people read it.
    pub status: Option<String>,
    /// Status as written (for styling).
    pub status_key: Option<&'static str>,
    /// When achieved.
    pub done: Option<String>,
    /// Not achieved or dropped, and past its date.
    pub overdue: bool,
}

/// The goals under one heading.
#[derive(Debug, Clone, Serialize)]
pub struct GoalGroup {
    /// The heading, as people read it.
    pub heading: String,
    /// The heading as written.
    pub key: String,
    /// Its goals, in file order.
    pub goals: Vec<GoalView>,
}

/// A review of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// When.
    pub date: Option<String>,
    /// Who led it.
    pub by: Option<String>,
    /// Whether the young person took part.
    pub young_person_present: Option<bool>,
    /// Their views.
    pub views: Option<String>,
}

/// The pathway plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    /// When it started.
    pub started: Option<String>,
    /// Reviews, newest last.
    pub reviews: Vec<ReviewView>,
    /// The latest review.
    pub last_review: Option<ReviewView>,
    /// When the next review is due.
    pub next_review: Option<String>,
    /// Whether that date has passed.
    pub review_overdue: bool,
    /// Goals by heading, in the order of the regulations.
    pub groups: Vec<GoalGroup>,
    /// What happens if things go wrong.
    pub contingency: Option<String>,
    /// The plan's body.
    pub html: String,
}

impl PlanView {
    /// A plan as the page at `page` shows it.
    pub fn new(
        plan: &PathwayPlan,
        config: &Config,
        today: Date,
        next: Option<Date>,
        page: &str,
        bodies: &Bodies,
    ) -> PlanView {
        let review = |r: &crate::model::Review| ReviewView {
            date: date(r.date.as_ref().map(|d| d.value)),
            by: r.by.as_ref().map(|b| staff_name(config, &b.value)),
            young_person_present: r.young_person_present,
            views: r.views.as_ref().map(|v| v.value.clone()),
        };
        let mut groups: Vec<GoalGroup> = Heading::VALUES
            .iter()
            .map(|h| GoalGroup { heading: label(h.as_str()), key: h.as_str().into(), goals: Vec::new() })
            .collect();
        let mut unheaded = GoalGroup { heading: "No heading given".into(), key: "none".into(), goals: Vec::new() };
        for g in &plan.goals {
            let status = g.status.as_ref().map(|s| s.value);
            let open = !matches!(status, Some(GoalStatus::Achieved | GoalStatus::Dropped));
            let view = GoalView {
                id: g.id.as_ref().map(|i| i.value.clone()),
                need: g.need.as_ref().map(|n| n.value.clone()),
                action: g.action.as_ref().map(|a| a.value.clone()),
                by_whom: g.by_whom.as_ref().map(|b| match &b.value {
                    ByWhom::Staff(id) => staff_name(config, id),
                    ByWhom::YoungPerson => "Young person".into(),
                    ByWhom::Text(t) => t.clone(),
                }),
                by_when: date(g.by_when.as_ref().map(|d| d.value)),
                status: status.map(|s| label(s.as_str())),
                status_key: status.map(GoalStatus::as_str),
                done: date(g.done.as_ref().map(|d| d.value)),
                overdue: open && g.by_when.as_ref().is_some_and(|d| d.value < today),
            };
            match g.heading.as_ref().and_then(|h| Heading::VALUES.iter().position(|v| *v == h.value)) {
                Some(i) => groups[i].goals.push(view),
                None => unheaded.goals.push(view),
            }
        }
        groups.push(unheaded);
        groups.retain(|g| !g.goals.is_empty());
        PlanView {
            started: date(plan.started.as_ref().map(|d| d.value)),
            reviews: plan.reviews.iter().map(review).collect(),
            last_review: plan.last_review().map(review),
            next_review: date(next),
            review_overdue: next.is_some_and(|n| n < today),
            groups,
            contingency: plan.contingency.as_ref().map(|c| c.value.clone()),
            html: body_html(&plan.source, page, "plan", bodies),
        }
    }
}

/// A GP, dentist or optician.
#[derive(Debug, Clone, Serialize)]
pub struct PracticeView {
    /// Name.
    pub practice: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

impl From<&Practice> for PracticeView {
    fn from(p: &Practice) -> PracticeView {
        PracticeView { practice: p.practice.clone(), address: p.address.clone(), phone: p.phone.clone() }
    }
}

/// A dated line of the passport (immunisation, medicine, condition).
#[derive(Debug, Clone, Serialize)]
pub struct HealthItem {
    /// What.
    pub name: String,
    /// More detail (dose, notes).
    pub detail: Option<String>,
    /// When or since when.
    pub date: Option<String>,
}

/// The health passport.
#[derive(Debug, Clone, Serialize)]
pub struct PassportView {
    /// NHS number.
    pub nhs_number: Option<String>,
    /// GP.
    pub gp: Option<PracticeView>,
    /// Dentist.
    pub dentist: Option<PracticeView>,
    /// Optician.
    pub optician: Option<PracticeView>,
    /// Last health assessment.
    pub last_health_assessment: Option<String>,
    /// Immunisations.
    pub immunisations: Vec<HealthItem>,
    /// Allergies: `None` not recorded, empty none known.
    pub allergies: Option<Vec<String>>,
    /// Medicines.
    pub medications: Vec<HealthItem>,
    /// Conditions.
    pub conditions: Vec<HealthItem>,
    /// Birth history.
    pub birth_history: Option<String>,
    /// Family health history.
    pub family_health_history: Option<String>,
    /// Emotional and mental health.
    pub mental_health: Option<String>,
    /// Agreed to share.
    pub consent_to_share: Option<bool>,
    /// Final looked-after review.
    pub final_review: Option<String>,
    /// When handed over.
    pub issued: Option<String>,
    /// The body.
    pub html: String,
}

impl PassportView {
    /// A passport as its page shows it.
    pub fn new(p: &HealthPassport, page: &str, bodies: &Bodies) -> PassportView {
        PassportView {
            nhs_number: p.nhs_number.as_ref().map(|n| n.value.clone()),
            gp: p.gp.as_ref().map(PracticeView::from),
            dentist: p.dentist.as_ref().map(PracticeView::from),
            optician: p.optician.as_ref().map(PracticeView::from),
            last_health_assessment: date(p.last_health_assessment.as_ref().map(|d| d.value)),
            immunisations: p
                .immunisations
                .iter()
                .map(|i| HealthItem { name: i.vaccine.clone(), detail: None, date: date(i.date) })
                .collect(),
            allergies: p.allergies.clone(),
            medications: p
                .medications
                .iter()
                .map(|m| HealthItem { name: m.name.clone(), detail: m.dose.clone(), date: date(m.since) })
                .collect(),
            conditions: p
                .conditions
                .iter()
                .map(|c| HealthItem { name: c.name.clone(), detail: c.notes.clone(), date: date(c.since) })
                .collect(),
            birth_history: p.birth_history.clone(),
            family_health_history: p.family_health_history.clone(),
            mental_health: p.mental_health.clone(),
            consent_to_share: p.consent_to_share,
            final_review: date(p.final_review.as_ref().map(|d| d.value)),
            issued: date(p.issued.as_ref().map(|d| d.value)),
            html: body_html(&p.source, page, "passport", bodies),
        }
    }
}

/// The pages about one person share this header.
#[derive(Debug, Clone, Serialize)]
pub struct PersonHeader {
    /// Person id.
    pub id: String,
    /// The name they go by.
    pub name: String,
    /// Full name.
    pub full_name: String,
    /// Date of birth.
    pub date_of_birth: Option<String>,
    /// Link to their page.
    pub person_href: String,
    /// Link to their plan page.
    pub plan_href: Option<String>,
    /// Link to their passport page.
    pub passport_href: Option<String>,
    /// Link to the timeline of changes to their records.
    pub history_href: String,
}

impl PersonHeader {
    /// The header as the page at `page` shows it.
    pub fn new(person: &Person, page: &str) -> PersonHeader {
        let profile = person.profile.as_ref();
        PersonHeader {
            id: person.id.clone(),
            name: person.shown_name(),
            full_name: person.shown_full_name(),
            date_of_birth: profile.and_then(|p| p.dob()).map(display_date),
            person_href: paths::href(page, &paths::person_page(&person.id)),
            plan_href: has_plan_page(person).then(|| paths::href(page, &paths::plan_page(&person.id))),
            passport_href: has_passport_page(person).then(|| paths::href(page, &paths::passport_page(&person.id))),
            history_href: paths::href(page, &paths::person_history(&person.id)),
        }
    }
}

/// A person's page.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    /// Header.
    pub person: PersonHeader,
    /// Profile, when it could be read.
    pub profile: Option<ProfileView>,
    /// Their diagnostics, most serious first.
    pub diagnostics: Vec<DiagView>,
    /// Diagnostics by severity.
    pub counts: Counts,
    /// What falls due soon.
    pub due: Vec<DueView>,
    /// Date of the last note.
    pub last_contact: Option<String>,
    /// Notes by month, newest first.
    pub note_months: Vec<NoteMonth>,
    /// Management decisions, newest first, listed together as well as among the notes.
    pub decisions: Vec<NoteView>,
    /// How many notes.
    pub note_count: usize,
    /// The current plan.
    pub plan: Option<PlanView>,
    /// Outcome charts, when there are readings.
    pub charts: Option<super::charts::OutcomeCharts>,
    /// Outcome readings, newest first.
    pub outcomes: Vec<OutcomeView>,
    /// Feedback from the young person, newest first.
    pub feedback: Vec<FeedbackView>,
    /// Link to their turning-18 page, while it is coming.
    pub transition_href: Option<String>,
    /// Attachments.
    pub attachments: Vec<LinkView>,
    /// Link to the report.
    pub report_href: String,
    /// The profile's last commit, from git.
    pub profile_changed: Option<LastChanged>,
    /// The plan's last commit, from git.
    pub plan_changed: Option<LastChanged>,
}

/// The plan page.
#[derive(Debug, Clone, Serialize)]
pub struct PlanPage {
    /// Header.
    pub person: PersonHeader,
    /// The plan, when it could be read.
    pub plan: Option<PlanView>,
    /// Personal adviser's name.
    pub adviser: Option<String>,
    /// The plan's last commit, from git.
    pub changed: Option<LastChanged>,
}

/// The passport page.
#[derive(Debug, Clone, Serialize)]
pub struct PassportPage {
    /// Header.
    pub person: PersonHeader,
    /// The passport, when it could be read.
    pub passport: Option<PassportView>,
    /// The passport's last commit, from git.
    pub changed: Option<LastChanged>,
}

/// The diagnostics of one file in the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileGroup {
    /// The file.
    pub file: String,
    /// Its diagnostics.
    pub diagnostics: Vec<DiagView>,
}

/// The diagnostics of one person (or of no person) in the report.
#[derive(Debug, Clone, Serialize)]
pub struct PersonGroup {
    /// Person id, if any.
    pub id: Option<String>,
    /// Their name.
    pub name: String,
    /// Link to their page.
    pub href: Option<String>,
    /// Counts.
    pub counts: Counts,
    /// By file.
    pub files: Vec<FileGroup>,
}

/// The validation report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// By person, then file.
    pub groups: Vec<PersonGroup>,
    /// Totals.
    pub counts: Counts,
    /// Files checked.
    pub files: usize,
}
