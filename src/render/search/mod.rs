//! The site's search index, built here and read by `static/search.js` with `<script>` tags.
//!
//! Browsers refuse `fetch()` on `file://`, so every file is a small script that hands its
//! data to `window.waymarkSearch`:
//!
//! ```text
//! search/manifest.js     people, staff, note kinds, the first term of each term chunk,
//!                        the date of each run of documents, the shared dictionary; loaded first
//! search/t/<n>.js        a run of terms in sorted order, each with its postings, in one
//!                        string (see [`encode::front_coded`])
//! search/d/<n>.js        DOC_CHUNK documents: filters, link and text, for the results shown
//! ```
//!
//! Each chunk is deflated and written as Z85 text (see [`encode`]); document chunks are
//! deflated against a dictionary of sample records, sent once in the manifest, so a chunk of
//! a few short records still shares the phrasing of all the others. Search keeps the whole
//! text of every record, for snippets and phrases, and that text is most of the index.
//!
//! Documents are numbered oldest first, so a date range is a range of numbers and recency
//! comes from the number. A posting is a document number and a BM25 term weight quantised
//! to [`encode::WEIGHT_BITS`] bits, worked out here so the page needs no document lengths.
//! Filters are terms too (`#p:<person>`, `#t:<type>`, `#k:<kind>`, `#a:<author>`, ids
//! percent-encoded as in links, so a key never holds a space); a filter
//! held by most documents stores the documents *without* it instead (`!` first).
//! Phrases are checked against the stored text of the candidates shown.
//!
//! [`build`] writes the whole index; [`live::LiveIndex`] starts from the same files and then
//! replaces one young person's records at a time, for `waymark serve`.

pub mod arrival;
pub mod encode;
pub mod live;
pub mod postings;
pub mod store;
pub mod terms;
pub mod tokenise;

use super::paths;
use super::reuse::{Fingerprint, Reuse};
use super::views::{has_passport_page, has_plan_page, label};
use crate::config::Config;
use crate::model::date::Date;
use crate::model::vocab::NoteKind;
use crate::model::vocab::Vocab;
use crate::model::{Person, Repository, Source};
use crate::site::{Content, FileId};
use arrival::Arrivals;
use encode::Deflater;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokenise::Analyser;

/// The search page.
pub const PAGE: &str = paths::SEARCH;
/// The manifest, loaded first.
pub const MANIFEST: &str = "search/manifest.js";
/// Documents per document chunk: small, because a page of results loads up to one chunk per result.
pub const DOC_CHUNK: usize = 16;
/// Rough size of a term chunk before it is deflated: a query of a few words loads a few of these.
pub const TERM_CHUNK_BYTES: usize = 32 * 1024;

/// BM25 saturation.
const K1: f64 = 1.2;
/// BM25 length normalisation.
const B: f64 = 0.75;

/// The kinds of record searched, in the order the manifest lists them.
pub const TYPES: [&str; 7] = ["note", "plan", "passport", "profile", "outcome", "feedback", "supervision"];

/// The index of supervision records in [`TYPES`].
const SUPERVISION: usize = 6;

/// The entry that stands for "a person" in the manifest's list for supervision records, which
/// are about staff: not a valid person id (those start with a letter or digit), so it never
/// meets one.
pub const SUPERVISION_ID: &str = "_supervision";
/// How search names that entry.
pub const SUPERVISION_NAME: &str = "Staff supervision";

/// One searchable record.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Index into [`TYPES`].
    pub kind: usize,
    /// The young person's id.
    pub person: String,
    /// Their name as the results show it.
    pub name: String,
    /// The note kind, for notes that have one.
    pub note_kind: Option<NoteKind>,
    /// Staff id of the author (note) or of who took the reading or led the last review.
    pub author: Option<String>,
    /// The record's date, when it has one.
    pub date: Option<Date>,
    /// Link from the search page to where the record is shown.
    pub href: String,
    /// Words searched but not shown as text: name, type, kind, author, date.
    pub meta: String,
    /// Plain text shown in snippets and searched; empty when `deferred`.
    pub text: String,
    /// A fingerprint of what the text and `meta` are made from: the same key, the same words.
    pub key: u128,
    /// Set when the text was left out, to be made by [`text_of`] from this record.
    pub deferred: Option<Part>,
    /// Where in the history its record was added ([`Arrivals::get`]), which orders the
    /// documents of a day; `None` when no commit has added it.
    pub arrived: Option<i64>,
}

/// The built index: its files, and figures for the build summary and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Site path and content of each file.
    pub files: Vec<(String, String)>,
    /// Documents indexed.
    pub docs: usize,
    /// Distinct terms.
    pub terms: usize,
}

impl SearchIndex {
    /// Total bytes of the index files.
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|(_, c)| c.len()).sum()
    }
}

/// What the search page's template is told.
pub fn page_view(config: &Config) -> serde_json::Value {
    json!({
        "include_restricted": config.search.include_restricted,
        "include_supervision": crate::audience::supervision_searched(config),
    })
}

/// Every searchable record of the repository, in no particular order: the young people's, and
/// the supervision records it holds when they are searched
/// ([`crate::audience::supervision_searched`]; `repo` holds only what its site may show).
pub fn documents(repo: &Repository) -> Vec<Doc> {
    documents_with(repo, true, &Arrivals::none())
}

/// Every searchable record as [`documents`] gives them, each with its record's arrival; with
/// `text` false, the young people's records leave their text to [`text_of`].
pub fn documents_with(repo: &Repository, text: bool, arrivals: &Arrivals) -> Vec<Doc> {
    let groups = document_groups(repo, text, arrivals);
    let mut docs = Vec::with_capacity(groups.iter().map(Vec::len).sum());
    for group in groups {
        docs.extend(group);
    }
    docs
}

/// [`documents_with`], each young person's documents (and then the supervision records') in a
/// list of their own: made in parallel without growing one list of 100,000 documents, which
/// copied each of them several times over, and read in order through [`sort`]ed references.
fn document_groups(repo: &Repository, text: bool, arrivals: &Arrivals) -> Vec<Vec<Doc>> {
    let config = &repo.config;
    let staff = config.staff_lookup();
    let mut groups: Vec<Vec<Doc>> =
        repo.people.par_iter().map(|p| person_docs_with(p, config, &staff, text, arrivals)).collect();
    groups.push(supervision_docs(repo, arrivals));
    groups
}

/// The supervision records of `repo` as search documents, when they are searched; each links
/// to its own page, never to a young person's.
fn supervision_docs(repo: &Repository, arrivals: &Arrivals) -> Vec<Doc> {
    let config = &repo.config;
    if !crate::audience::supervision_searched(config) {
        return Vec::new();
    }
    let staff = |id: &str| config.staff_name(id).to_string();
    // `repo` is already filtered for its site, and a site that searches supervision makes its
    // pages, so every record here has the page the pages are made from.
    let pages = super::supervision::pages_made(repo, &crate::audience::Audience::everyone());
    pages
        .into_iter()
        .map(|(s, at)| {
            let by = s.by.as_ref().map(|b| b.value.clone());
            let mut meta = format!("{SUPERVISION_NAME} {} {}", TYPES[SUPERVISION], staff(&s.staff));
            if let Some(b) = &by {
                meta.push(' ');
                meta.push_str(&staff(b));
            }
            meta.push(' ');
            crate::model::date::push_long_date(&mut meta, s.date.value);
            let actions = s.actions.iter().filter_map(|a| a.what.as_ref().map(|w| w.value.clone()));
            let text = join(
                std::iter::once(format!("{}.", staff(&s.staff))).chain(actions).chain([plain(&s.source)]).collect(),
            );
            let mut f = Fingerprint::default();
            std::hash::Hash::hash(&(&meta, &text), &mut f);
            Doc {
                kind: SUPERVISION,
                person: SUPERVISION_ID.into(),
                name: SUPERVISION_NAME.into(),
                note_kind: None,
                author: by,
                date: Some(s.date.value),
                href: paths::href(PAGE, &at),
                meta,
                text,
                key: f.value(),
                deferred: None,
                arrived: arrivals.get(&s.source.path),
            }
        })
        .collect()
}

/// Which of a young person's records a document is made from, so that its text can be made
/// when it is needed rather than held for every record at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Their profile.
    Profile,
    /// Their pathway plan.
    Plan,
    /// Their health passport.
    Passport,
    /// `person.notes[i]`.
    Note(usize),
    /// `person.outcomes[i]`.
    Outcome(usize),
    /// `person.feedback[i]`.
    Feedback(usize),
}

/// The record file a part is read from.
fn part_source(person: &Person, part: Part) -> Option<&Source> {
    Some(match part {
        Part::Profile => &person.profile.as_ref()?.source,
        Part::Plan => &person.plan.as_ref()?.source,
        Part::Passport => &person.passport.as_ref()?.source,
        Part::Note(i) => &person.notes.get(i)?.source,
        Part::Outcome(i) => &person.outcomes.get(i)?.source,
        Part::Feedback(i) => &person.feedback.get(i)?.source,
    })
}

/// The searched and shown text of one of a young person's records: made from that record
/// alone, with labels and names from the settings.
pub fn part_text(person: &Person, config: &Config, part: Part) -> String {
    match part {
        Part::Profile => {
            let Some(p) = &person.profile else { return String::new() };
            let mut text = Vec::new();
            if let Some(a) = p.accommodation.as_ref().and_then(|a| a.kind.as_ref()) {
                text.push(label(a.value.as_str()));
            }
            if let Some(a) = &p.activity {
                text.extend(a.kind.as_ref().map(|k| label(k.value.as_str())));
                text.extend(a.detail.as_ref().map(|d| d.value.clone()));
            }
            text.extend(p.placing_authority.as_ref().map(|a| a.value.clone()));
            text.extend(p.flags.iter().map(|f| label(f.value.as_str())));
            text.push(plain(&p.source));
            join(text)
        }
        Part::Plan => {
            let Some(plan) = &person.plan else { return String::new() };
            let mut text = Vec::new();
            for g in &plan.goals {
                text.extend(g.heading.as_ref().map(|h| label(h.value.as_str())));
                text.extend(g.need.as_ref().map(|n| n.value.clone()));
                text.extend(g.action.as_ref().map(|n| n.value.clone()));
            }
            text.extend(plan.reviews.iter().filter_map(|r| r.views.as_ref().map(|v| v.value.clone())));
            text.extend(plan.contingency.as_ref().map(|c| c.value.clone()));
            text.push(plain(&plan.source));
            join(text)
        }
        Part::Passport => {
            let Some(pp) = &person.passport else { return String::new() };
            let mut text = Vec::new();
            for practice in [&pp.gp, &pp.dentist, &pp.optician].into_iter().flatten() {
                text.extend(practice.practice.clone());
            }
            text.extend(pp.allergies.iter().flatten().cloned());
            text.extend(pp.medications.iter().map(|m| m.name.clone()));
            text.extend(pp.conditions.iter().map(|c| c.name.clone()));
            text.extend(pp.conditions.iter().filter_map(|c| c.notes.clone()));
            text.extend(pp.immunisations.iter().map(|i| i.vaccine.clone()));
            text.extend(pp.mental_health.clone());
            text.push(plain(&pp.source));
            join(text)
        }
        Part::Note(i) => person.notes.get(i).map(|n| plain(&n.source)).unwrap_or_default(),
        Part::Outcome(i) => {
            let Some(o) = person.outcomes.get(i) else { return String::new() };
            let scale = config.scale(&o.scale.value).map(|s| s.name.clone()).unwrap_or_else(|| o.scale.value.clone());
            let scores: Vec<String> = o.scores.iter().map(|(a, v)| format!("{} {}", label(a), v.value)).collect();
            join(vec![scale, scores.join(", "), plain(&o.source)])
        }
        Part::Feedback(i) => {
            let Some(f) = person.feedback.get(i) else { return String::new() };
            let answers: Vec<String> = f
                .answers
                .iter()
                .map(|a| {
                    let q = config.question(&a.question).map(|q| q.text.clone()).unwrap_or_else(|| a.question.clone());
                    format!("{q} {}", a.rating)
                })
                .collect();
            join(vec![plain(&f.source), answers.join(", ")])
        }
    }
}

/// A document's text: its own, or made from its record when it was left out
/// ([`person_docs_with`] without text).
pub fn text_of<'a>(repo: &Repository, d: &'a Doc) -> std::borrow::Cow<'a, str> {
    match d.deferred {
        Some(part) => repo.person(&d.person).map(|p| part_text(p, &repo.config, part)).unwrap_or_default().into(),
        None => d.text.as_str().into(),
    }
}

fn person_docs(person: &Person, config: &Config) -> Vec<Doc> {
    person_docs_with(person, config, &config.staff_lookup(), true, &Arrivals::none())
}

/// A young person's search documents, with staff names from `staff`; with `text` false, each
/// one's text is left empty and [`text_of`] makes it when it is needed.
pub fn person_docs_with(
    person: &Person,
    config: &Config,
    staff: &crate::config::StaffLookup,
    text: bool,
    arrivals: &Arrivals,
) -> Vec<Doc> {
    use std::hash::Hash;
    let shown = person.shown_full_name();
    let mut name = shown.clone();
    if let Some(pref) = person.profile.as_ref().and_then(|p| p.preferred_name.as_ref()) {
        name.push(' ');
        name.push_str(&pref.value);
    }
    let page = paths::person_page(&person.id);
    // Every note, reading and view links to the person's page: its link is made once.
    let page_href = paths::href(PAGE, &page);
    let link = |target: &str| if target == page { page_href.clone() } else { paths::href(PAGE, target) };
    // A record shown on the person's page, by its anchor there (`prefix` and the file's stem):
    // made in one string, as every note and reading has one.
    let anchored = |prefix: &str, path: &str| {
        let stem = paths::stem(path);
        let mut h = String::with_capacity(page_href.len() + 1 + prefix.len() + stem.len());
        h.push_str(&page_href);
        h.push('#');
        paths::push_encoded(&mut h, prefix);
        paths::push_encoded(&mut h, stem);
        h
    };
    let doc = |kind: usize, part: Part, date: Option<Date>, author: Option<String>, href: String, extra: &str| {
        let mut meta = String::with_capacity(name.len() + extra.len() + 48);
        for piece in [name.as_str(), " ", TYPES[kind], " ", extra] {
            meta.push_str(piece);
        }
        if let Some(a) = &author {
            meta.push(' ');
            meta.push_str(staff.name(a));
        }
        if let Some(d) = date {
            meta.push(' ');
            crate::model::date::push_long_date(&mut meta, d);
        }
        // What the text is made from: the record's file (settings are keyed by whoever keeps it).
        let mut f = Fingerprint::default();
        kind.hash(&mut f);
        meta.hash(&mut f);
        let source = part_source(person, part);
        if let Some(source) = source {
            source.path.hash(&mut f);
            f.text_of(source);
        }
        let (body, deferred) = if text { (part_text(person, config, part), None) } else { (String::new(), Some(part)) };
        Doc {
            kind,
            person: person.id.clone(),
            name: shown.clone(),
            note_kind: None,
            author,
            date,
            href,
            meta,
            text: body,
            key: f.value(),
            deferred,
            arrived: source.and_then(|s| arrivals.get(&s.path)),
        }
    };
    let mut out = Vec::with_capacity(3 + person.notes.len() + person.outcomes.len() + person.feedback.len());
    if person.profile.is_some() {
        out.push(doc(3, Part::Profile, None, None, link(&page), ""));
    }
    if let Some(plan) = &person.plan {
        let last = plan.last_review();
        let date = last.and_then(|r| r.date.as_ref().map(|d| d.value)).or(plan.started.as_ref().map(|d| d.value));
        let by = last.and_then(|r| r.by.as_ref().map(|b| b.value.clone()));
        let target = if has_plan_page(person) { paths::plan_page(&person.id) } else { page.clone() };
        out.push(doc(1, Part::Plan, date, by, link(&target), "pathway"));
    }
    if let Some(pp) = &person.passport {
        let date = pp.last_health_assessment.as_ref().map(|d| d.value);
        let target = if has_passport_page(person) { paths::passport_page(&person.id) } else { page.clone() };
        out.push(doc(2, Part::Passport, date, None, link(&target), "health"));
    }
    // Each kind's label, made once for all of the person's notes of that kind.
    let mut labels: Vec<(NoteKind, String)> = Vec::new();
    for (i, n) in person.notes.iter().enumerate() {
        if n.restricted && !config.search.include_restricted {
            continue;
        }
        let kind = n.kind.as_ref().map(|k| k.value);
        let at = kind.map(|k| match labels.iter().position(|(l, _)| *l == k) {
            Some(at) => at,
            None => {
                labels.push((k, label(k.as_str())));
                labels.len() - 1
            }
        });
        let extra = at.and_then(|at| labels.get(at)).map_or("", |(_, l)| l.as_str());
        let href = anchored(paths::NOTE_ANCHOR, &n.source.path);
        let mut d = doc(0, Part::Note(i), Some(n.date.value), Some(n.author.value.clone()), href, extra);
        d.note_kind = kind;
        out.push(d);
    }
    for (i, o) in person.outcomes.iter().enumerate() {
        let by = o.by.as_ref().map(|b| b.value.clone());
        let href = anchored(paths::OUTCOME_ANCHOR, &o.source.path);
        out.push(doc(4, Part::Outcome(i), Some(o.date.value), by, href, "reading"));
    }
    // Restricted feedback is never indexed, whatever `search.include_restricted` says (FORMAT.md 1.1).
    for (i, f) in person.feedback.iter().enumerate().filter(|(_, f)| !f.restricted) {
        let kind = f.kind.as_ref().map(|k| label(k.value.as_str())).unwrap_or_default();
        let by = f.taken_by.as_ref().map(|b| b.value.clone());
        let href = anchored(paths::FEEDBACK_ANCHOR, &f.source.path);
        out.push(doc(5, Part::Feedback(i), Some(f.date.value), by, href, &format!("views {kind}")));
    }
    out
}

fn join(parts: Vec<String>) -> String {
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join(" · ")
}

/// A record's Markdown body as plain text on one line (for search, and for board quotes).
pub fn plain(source: &Source) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut out = String::new();
    for event in Parser::new(source.body()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the index files for a repository.
pub fn build(repo: &Repository, today: Date) -> SearchIndex {
    let mut docs = documents(repo);
    sort(&mut docs, today);
    build_from(docs, &repo.config, today)
}

/// Hands the site's index files to `put`: all of them kept from the last build when no
/// record changed (`records` holds each young person's, see [`Reuse::records_of`]); otherwise
/// made afresh, keeping each file of the last build made from the same inputs.
pub(crate) fn put_index(
    repo: &Repository,
    today: Date,
    reuse: &Reuse,
    records: &[u128],
    history: &crate::history::History,
    put: &(dyn Fn(String, Content) -> Result<(), String> + Sync),
) -> Result<(), String> {
    if reuse.no_search {
        return Ok(());
    }
    let arrivals = Arrivals::of(repo, history);
    // Supervision documents are not any young person's: their records join the key when searched.
    let mut records = records.to_vec();
    if crate::audience::supervision_searched(&repo.config) {
        use std::hash::Hash;
        let mut f = Fingerprint::default();
        for s in &repo.supervision {
            s.source.path.hash(&mut f);
            f.text_of(&s.source);
        }
        records.push(f.value());
    }
    records.push(arrivals.key());
    let key = reuse.search_key(&records);
    // Several thousand files are linked or written, each waiting on the file system: in parallel.
    if let Some(files) = reuse.keep(super::reuse::SEARCH.into(), key.clone()) {
        files.into_par_iter().try_for_each(|(path, from, id)| put(path, Content::Link(from, id)))?;
        reuse.keep_inputs();
        return Ok(());
    }
    let cache = reuse.cache();
    let store = cache.and_then(store::Store::open);
    // A file made from the same inputs before is taken from the last build's site (where it is
    // the stored file, hard-linked, which stays stored), else from the store.
    let kept = |path: &str, input: u128| {
        if !reuse.active() {
            return None;
        }
        let key = reuse.file_key(input);
        if let Some((old, id)) = reuse.keep_file(path, input) {
            if let Some(store) = &store {
                store.keep(&key);
            }
            return Some(Made::Kept(old, id));
        }
        let from = store.as_ref()?.get(&key)?;
        let id = FileId::of_file(&from)?;
        reuse.record_file(path, input);
        Some(Made::Kept(from, id))
    };
    let files = build_keeping(repo, today, &arrivals, &kept, cache, reuse.incremental());
    reuse.record(super::reuse::SEARCH.into(), key, files.iter().map(|f| f.path.clone()).collect());
    files.into_par_iter().try_for_each(|f| match f.made {
        Made::Text(text) => {
            reuse.record_file(&f.path, f.input);
            // Written once, into the store, and linked into the site from there.
            let stored = store.as_ref().and_then(|s| s.put(&reuse.file_key(f.input), text.as_bytes()));
            match stored.and_then(|stored| Some((FileId::of_file(&stored)?, stored))) {
                Some((id, stored)) => put(f.path, Content::Link(stored, id)),
                None => put(f.path, Content::Bytes(text.into_bytes())),
            }
        }
        Made::Kept(from, id) => put(f.path, Content::Link(from, id)),
    })?;
    if let Some(store) = &store {
        store.prune();
    }
    Ok(())
}

/// What became of one file of an index built by [`build_keeping`].
pub enum Made {
    /// Its text, made now.
    Text(String),
    /// A file made from the same inputs before, to be linked into the site, and which file it is.
    Kept(std::path::PathBuf, FileId),
}

/// One file of an index built by [`build_keeping`].
pub struct IndexFile {
    /// Site path.
    pub path: String,
    /// A fingerprint of everything the file is made from: the same fingerprint, the same bytes.
    pub input: u128,
    /// Its text, or where the same file made before is.
    pub made: Made,
}

/// Builds the index as [`build`] does, but skips compressing each file for which
/// `kept(path, input)` gives a copy made from the same `input` before.
///
/// The young people's documents leave their text to [`text_of`], so it is made only for the
/// records counted or written again.
///
/// With `patch`, the last build's postings kept in `cache` (a folder) are patched when only
/// the newest documents changed ([`postings::Postings::patch`]). Otherwise every weight is
/// worked out again, from term counts kept in `cache` for records that did not change
/// ([`terms::TermCache`]). A record's text is made only when its words are counted or its
/// document chunk is written again: most are not, when the new records are the newest
/// (documents are numbered oldest first).
pub fn build_keeping(
    repo: &Repository,
    today: Date,
    arrivals: &Arrivals,
    kept: &(dyn Fn(&str, u128) -> Option<Made> + Sync),
    cache: Option<&std::path::Path>,
    patch: bool,
) -> Vec<IndexFile> {
    let groups = document_groups(repo, false, arrivals);
    let mut refs: Vec<&Doc> = groups.iter().flatten().collect();
    sort(&mut refs, today);
    let text: &(dyn Fn(&Doc) -> std::borrow::Cow<str> + Sync) = &|d| text_of(repo, d);
    let kept_in = cache.zip(terms::context(&repo.config));
    let patched = match kept_in {
        Some((dir, context)) if patch => {
            postings::Postings::open(dir, context).and_then(|last| last.patch(&refs, text))
        }
        _ => None,
    };
    let (postings, mut counted) = match patched {
        Some(postings) => (postings, None),
        None => {
            let mut terms = match kept_in {
                Some((dir, context)) => terms::TermCache::open(dir, context),
                None => terms::TermCache::default(),
            };
            let counts = terms.count(&refs, text);
            (postings::Postings::made(&refs, counts, kept_in.map_or(0, |k| k.1)), Some(terms))
        }
    };
    // Writing the counts and the postings back is other threads' work, done while the rest
    // compress.
    std::thread::scope(|s| {
        if let Some(terms) = &mut counted {
            s.spawn(|| terms.save(&refs));
        }
        if let Some((dir, _)) = kept_in.filter(|_| postings.worth_saving()) {
            s.spawn(|| postings.save(dir));
        }
        index_files(&refs, &postings, &repo.config, today, kept, text)
    })
}

/// The index files of documents in order (oldest first) whose words' postings are `postings`,
/// each as [`made_files`] makes it or `kept` gives it; `text` is each document's text.
fn index_files(
    docs: &[&Doc],
    postings: &postings::Postings,
    config: &Config,
    today: Date,
    kept: &(dyn Fn(&str, u128) -> Option<Made> + Sync),
    text: &(dyn Fn(&Doc) -> std::borrow::Cow<str> + Sync),
) -> Vec<IndexFile> {
    let (lists, places) = Lists::placed(docs, config);
    let filters = filter_entries(docs, &places, &lists);
    let entries = entries(&postings.words, &filters);
    let row = |i: usize, d: &Doc| lists.row_at(d, places[i], &text(d));
    let shared = Deflater::text(&dictionary(docs, &postings.text_len, &row));
    made_files(docs, &entries, Listed { lists: &lists, places: &places }, today, &shared, kept, text).0
}

/// Puts documents in index order: oldest first, undated records as `today` but before the
/// records dated today; within a day, in the order their records were first committed (those
/// not yet committed last), then by person and link.
///
/// Documents are numbered in this order, and a document's number is in every posting of its
/// terms, so a record that moves the ones after it changes most of the index. A new record is
/// usually dated today and committed last: it moves none of the others (see [`arrival`]).
pub fn sort<D: std::borrow::Borrow<Doc>>(docs: &mut [D], today: Date) {
    // The numbers of every document's key side by side, each with where the document is:
    // comparing them through 100,000 documents scattered in memory was most of the sort's
    // time. Person and link are read only to break ties.
    let mut order: Vec<((Date, bool, i64), usize)> = docs
        .iter()
        .map(|d| d.borrow())
        .map(|d| (d.date.unwrap_or(today), d.date.is_some(), d.arrived.unwrap_or(i64::MAX)))
        .zip(0..)
        .collect();
    let tie = |a: usize, b: usize| {
        let (a, b) = (docs[a].borrow(), docs[b].borrow());
        (&a.person, &a.href).cmp(&(&b.person, &b.href))
    };
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| tie(a.1, b.1)).then(a.1.cmp(&b.1)));
    // Each place takes the document at `from[place]`, one cycle of places at a time.
    let from: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    let mut done = vec![false; docs.len()];
    for start in 0..docs.len() {
        let mut place = start;
        while !done[place] {
            done[place] = true;
            let next = from[place];
            if next == start {
                break;
            }
            docs.swap(place, next);
            place = next;
        }
    }
}

/// Builds the index files for documents already in order (oldest first), counting every
/// one's words as [`build_keeping`] counts those its cache lacks.
pub fn build_from(docs: Vec<Doc>, config: &Config, today: Date) -> SearchIndex {
    let counts = terms::TermCache::default().count(&docs, &|d| d.text.as_str().into());
    let refs: Vec<&Doc> = docs.iter().collect();
    let postings = postings::Postings::made(&refs, counts, 0);
    let files = texts(index_files(&refs, &postings, config, today, &|_, _| None, &|d| d.text.as_str().into()));
    SearchIndex { files, docs: docs.len(), terms: postings.words.len() }
}

/// How often each term occurs in a document, and its length in words. Stemming is most of
/// the work and the same words recur, so the caller keeps `stems` from one document to the
/// next, shared rather than copied for every occurrence.
fn term_frequencies(
    analyser: &Analyser,
    stems: &mut FxHashMap<String, Arc<str>>,
    d: &Doc,
) -> (FxHashMap<Arc<str>, u32>, u32) {
    term_frequencies_in(analyser, stems, &d.meta, &d.text)
}

/// [`term_frequencies`] of a document whose searched details are `meta` and text `text`.
fn term_frequencies_in(
    analyser: &Analyser,
    stems: &mut FxHashMap<String, Arc<str>>,
    meta: &str,
    text: &str,
) -> (FxHashMap<Arc<str>, u32>, u32) {
    let mut tf: FxHashMap<Arc<str>, u32> = FxHashMap::default();
    let mut len = 0;
    let mut word = String::new();
    let mut count = |_, raw: &str| {
        tokenise::lowercase_into(raw, &mut word);
        let stem = match stems.get(word.as_str()) {
            Some(s) => s.clone(),
            None => {
                let s: Arc<str> = analyser.stem(&word).into();
                stems.insert(word.clone(), s.clone());
                s
            }
        };
        *tf.entry(stem).or_default() += 1;
        len += 1;
    };
    tokenise::each_word(meta, &mut count);
    tokenise::each_word(text, &mut count);
    (tf, len)
}

/// Every term's postings and every filter's, sorted by term, as the term chunks hold them.
fn entries<'a>(words: &'a [postings::Word], filters: &'a [(String, String)]) -> Vec<(&'a str, &'a str)> {
    let words = words.iter().map(|w| (w.term.as_str(), w.postings.as_str())).collect();
    let filters = filters.iter().map(|(k, p)| (k.as_str(), p.as_str())).collect();
    postings::merge(words, filters, |a, b| a.0 < b.0)
}

/// Each filter key (`#t:`, `#p:`, `#k:`, `#a:`) with its postings, sorted by key; `places`
/// are the documents' people and authors in `lists`.
fn filter_entries(docs: &[&Doc], places: &[Place], lists: &Lists) -> Vec<(String, String)> {
    let n = docs.len() as u32;
    // Gathered by kind of filter and by number, so that each key is written once, not once for
    // every document, and no document's id is hashed again (formatting 300,000 keys was a
    // tenth of the index's time on one thread).
    let mut types: Vec<Vec<u32>> = vec![Vec::new(); TYPES.len()];
    let mut people: Vec<Vec<u32>> = vec![Vec::new(); lists.people.len()];
    let mut authors: Vec<Vec<u32>> = vec![Vec::new(); lists.staff.len()];
    let mut kinds: Vec<(&str, Vec<u32>)> = Vec::new();
    for (i, (d, place)) in docs.iter().zip(places).enumerate() {
        let i = i as u32;
        types[d.kind].push(i);
        people[place.person].push(i);
        if let Some(k) = d.note_kind {
            let k = k.as_str();
            match kinds.iter_mut().find(|(name, _)| *name == k) {
                Some((_, list)) => list.push(i),
                None => kinds.push((k, vec![i])),
            }
        }
        if let Ok(a) = usize::try_from(place.author) {
            authors[a].push(i);
        }
    }
    let named = |prefix: &str, value: &str| format!("{prefix}{value}");
    let encoded = |prefix: &str, value: &str| format!("{prefix}{}", paths::encode(value));
    let keys = (types.into_iter().enumerate().map(|(i, list)| (named("#t:", TYPES[i]), list)))
        .chain(people.into_iter().enumerate().map(|(i, list)| (encoded("#p:", &lists.people[i].0), list)))
        .chain(kinds.into_iter().map(|(k, list)| (named("#k:", k), list)))
        .chain(authors.into_iter().enumerate().map(|(i, list)| (encoded("#a:", &lists.staff[i].0), list)));
    let mut keyed: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (key, list) in keys.filter(|(_, list)| !list.is_empty()) {
        // Two values written the same way are one filter, as the page sees them.
        let merged = keyed.entry(key).or_default();
        let before = merged.len();
        merged.extend(list);
        if before > 0 {
            merged.sort_unstable();
        }
    }
    keyed.into_par_iter().map(|(key, list)| (key, filter_postings(&list, n))).collect()
}

/// A filter's postings: the documents (ascending) that have it or, when most of the `n`
/// documents do, `!` and those that do not.
fn filter_postings(docs: &[u32], n: u32) -> String {
    if docs.len() * 2 <= n as usize {
        let list: Vec<(u32, u8)> = docs.iter().map(|d| (*d, 0)).collect();
        return encode::postings(&list);
    }
    let mut without = Vec::with_capacity(n as usize - docs.len());
    let mut it = docs.iter().peekable();
    for i in 0..n {
        if it.peek() == Some(&&i) {
            it.next();
        } else {
            without.push((i, 0));
        }
    }
    format!("!{}", encode::postings(&without))
}

/// The people and staff the manifest lists, which document rows name by number.
struct Lists {
    /// Id, name as shown, and id as in links, in order of each person's first record.
    people: Vec<(String, String, String)>,
    person_index: FxHashMap<String, usize>,
    /// Id and name: the configured staff, then any other author.
    staff: Vec<(String, String)>,
    /// Where each id is first in `staff`: every row names its author by number.
    staff_index: FxHashMap<String, usize>,
}

/// The [`Lists`] of documents in index order, with each one's [`Place`] in them.
#[derive(Clone, Copy)]
struct Listed<'a> {
    lists: &'a Lists,
    places: &'a [Place],
}

/// Where a document's person and author are in [`Lists`]: the numbers its row names them by
/// (`author` is -1 for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Place {
    person: usize,
    author: i64,
}

impl Lists {
    /// The people and staff of documents in order, with each document's [`Place`] in them:
    /// looked up once, where rows, fingerprints and filters each looked up every document's
    /// person and author again.
    fn placed(docs: &[&Doc], config: &Config) -> (Self, Vec<Place>) {
        let staff: Vec<(String, String)> = config.staff.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
        let mut staff_index = FxHashMap::default();
        for (i, (id, _)) in staff.iter().enumerate() {
            staff_index.entry(id.clone()).or_insert(i);
        }
        let mut lists = Lists { people: Vec::new(), person_index: FxHashMap::default(), staff, staff_index };
        let places = docs.iter().map(|d| lists.add(d)).collect();
        (lists, places)
    }

    /// Lists the document's person and author if they are new (a known person's name is
    /// updated), and gives its place.
    fn add(&mut self, d: &Doc) -> Place {
        let person = match self.person_index.get(d.person.as_str()) {
            Some(&i) => {
                if self.people[i].1 != d.name {
                    self.people[i].1.clone_from(&d.name);
                }
                i
            }
            None => {
                self.person_index.insert(d.person.clone(), self.people.len());
                self.people.push((d.person.clone(), d.name.clone(), paths::encode(&d.person)));
                self.people.len() - 1
            }
        };
        let author = match &d.author {
            Some(a) => match self.staff_index.get(a) {
                Some(&i) => i as i64,
                None => {
                    self.staff_index.insert(a.clone(), self.staff.len());
                    self.staff.push((a.clone(), a.clone()));
                    (self.staff.len() - 1) as i64
                }
            },
            None => -1,
        };
        Place { person, author }
    }

    /// The place of a document already listed.
    fn place(&self, d: &Doc) -> Place {
        let author = d.author.as_ref().and_then(|a| self.staff_index.get(a).copied());
        Place {
            person: self.person_index.get(d.person.as_str()).copied().unwrap_or(0),
            author: author.map_or(-1, |i| i as i64),
        }
    }

    /// A document as its chunk holds it: type, person, note kind, author, date, link, text.
    fn row(&self, d: &Doc) -> String {
        self.row_at(d, self.place(d), &d.text)
    }

    /// [`Lists::row`] of a document at `place`, with `text` as its text.
    fn row_at(&self, d: &Doc, place: Place, text: &str) -> String {
        let (kind, person, note_kind, author, date, href) = self.row_inputs_at(d, place);
        let href = short_href(href, &d.person);
        json!([kind, person, note_kind, author, date.map(|d| d.to_string()).unwrap_or_default(), href, text])
            .to_string()
    }

    /// What a document's row is made from but its text (the link whole), for fingerprints.
    fn row_inputs<'a>(&self, d: &'a Doc) -> (usize, usize, &'a str, i64, Option<Date>, &'a str) {
        self.row_inputs_at(d, self.place(d))
    }

    /// [`Lists::row_inputs`] of a document at `place`.
    fn row_inputs_at<'a>(&self, d: &'a Doc, place: Place) -> (usize, usize, &'a str, i64, Option<Date>, &'a str) {
        (d.kind, place.person, d.note_kind.map(|k| k.as_str()).unwrap_or(""), place.author, d.date, &d.href)
    }
}

/// The text of each index file [`made_files`] made or was given as text, by site path.
fn texts(made: Vec<IndexFile>) -> Vec<(String, String)> {
    made.into_iter()
        .filter_map(|f| match f.made {
            Made::Text(text) => Some((f.path, text)),
            Made::Kept(..) => None,
        })
        .collect()
}

/// Every index file (term chunks Huffman-coded, document chunks deflated with `shared`, whose
/// dictionary the manifest carries), each with the fingerprint of what it is made from, and as
/// `kept` gives it when it gives one made from the same inputs before (it is then not
/// compressed); with the first term of each term chunk and the manifest's dates.
fn made_files(
    docs: &[&Doc],
    entries: &[(&str, &str)],
    listed: Listed,
    today: Date,
    shared: &Deflater,
    kept: &(dyn Fn(&str, u128) -> Option<Made> + Sync),
    text: &(dyn Fn(&Doc) -> std::borrow::Cow<str> + Sync),
) -> (Vec<IndexFile>, Vec<String>, serde_json::Value) {
    use std::hash::{Hash, Hasher};
    let Listed { lists, places } = listed;
    let make = |path: String, input: &dyn Fn(&mut Fingerprint), text: &dyn Fn() -> String| {
        let mut f = Fingerprint::default();
        path.hash(&mut f);
        input(&mut f);
        let input = f.value();
        let made = kept(&path, input).unwrap_or_else(|| Made::Text(text()));
        IndexFile { path, input, made }
    };
    // Deflating is the costliest step after counting terms, so every file is compressed in parallel.
    let chunks = term_chunks(entries, TERM_CHUNK_BYTES);
    let firsts: Vec<String> = chunks.iter().map(|c| c[0].0.to_string()).collect();
    let mut files: Vec<IndexFile> = chunks
        .par_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let coded = encode::front_coded(chunk);
            make(term_path(i), &|f| f.write(coded.as_bytes()), &|| term_file(i, &coded).1)
        })
        .collect();
    files.par_extend(docs.par_chunks(DOC_CHUNK).zip(places.par_chunks(DOC_CHUNK)).enumerate().map(
        |(i, (chunk, at))| {
            // A row's text is made from its record only when the chunk is written again; until then
            // the record's key stands for it.
            let input = |f: &mut Fingerprint| {
                f.write(shared.prefix());
                shared.dictionary_len().hash(f);
                for (d, place) in chunk.iter().zip(at) {
                    (lists.row_inputs_at(d, *place), d.key, &d.text).hash(f);
                }
            };
            let rows = || chunk.iter().zip(at).map(|(d, place)| lists.row_at(d, *place, &text(d))).collect::<Vec<_>>();
            make(doc_path(i), &input, &|| doc_file(i, &rows(), shared).1)
        },
    ));
    let dates = date_runs(docs, today);
    let (path, text) = manifest(docs.len(), lists, &firsts, dates.clone(), today, shared, None);
    let mut f = Fingerprint::default();
    f.write(text.as_bytes());
    files.push(IndexFile { path, input: f.value(), made: Made::Text(text) });
    (files, firsts, dates)
}

/// Term chunk `i`, from its entries in [`encode::front_coded`] form.
fn term_file(i: usize, coded: &str) -> (String, String) {
    (term_path(i), packed("addTerms", i, &Deflater::codes(), coded.as_bytes()))
}

/// Where term chunk `i` goes.
fn term_path(i: usize) -> String {
    format!("search/t/{i}.js")
}

/// Where document chunk `i` goes.
fn doc_path(i: usize) -> String {
    format!("search/d/{i}.js")
}

/// Document chunk `i`, from its rows (JSON).
fn doc_file(i: usize, rows: &[String], shared: &Deflater) -> (String, String) {
    (doc_path(i), packed("addDocs", i, shared, format!("[{}]", rows.join(",")).as_bytes()))
}

/// Documents a live index has changed since the build it started from: from `first` on, the
/// date of each document (numbers no longer in date order), and the numbers no longer used.
struct Moved<'a> {
    first: usize,
    dates: &'a [String],
    gone: &'a [u32],
}

/// The manifest, for `n` documents, whose dates are `dates` (see [`date_runs`]) except
/// those `moved` lists.
fn manifest(
    n: usize,
    lists: &Lists,
    firsts: &[String],
    dates: serde_json::Value,
    today: Date,
    shared: &Deflater,
    moved: Option<Moved>,
) -> (String, String) {
    let mut manifest = json!({
        "version": 2,
        "docs": n,
        "docChunk": DOC_CHUNK,
        "today": today.to_string(),
        "types": TYPES,
        "kinds": NoteKind::NAMES,
        "people": lists.people,
        "staff": lists.staff,
        "chunks": firsts,
        "dates": dates,
        "dictionary": { "prefix": encode::z85(shared.prefix()), "length": shared.dictionary_len() },
    });
    if let Some(m) = moved {
        manifest["late"] = json!({ "first": m.first, "dates": m.dates });
        manifest["gone"] = json!(m.gone);
    }
    (MANIFEST.to_string(), format!("window.waymarkSearch.init({manifest});\n"))
}

/// The average document length in words that weights are worked out with, to the nearest
/// whole word: a record more or less then seldom moves it, so it seldom moves any weight and
/// the term chunks of records that did not change stay as they were.
pub fn average(lens: impl Iterator<Item = u32>) -> f64 {
    let (sum, n) = lens.fold((0u64, 0u64), |(s, n), l| (s + u64::from(l), n + 1));
    (sum as f64 / n.max(1) as f64).round().max(1.0)
}

/// The BM25 weight of a term found `tf` times in a document of `len` words (the average
/// being `avg`), quantised to [`encode::WEIGHT_BITS`] bits; the page multiplies it by the
/// term's rarity.
pub fn weight(tf: u32, len: u32, avg: f64) -> u8 {
    let norm = K1 * (1.0 - B + B * f64::from(len) / avg.max(1.0));
    let f = f64::from(tf);
    let w = f * (K1 + 1.0) / (f + norm);
    let levels = f64::from(1u32 << encode::WEIGHT_BITS);
    ((w / (K1 + 1.0)) * levels).floor().clamp(0.0, levels - 1.0) as u8
}

/// A link without the part the page can rebuild: `../people/<id>/` and then `index.html`
/// before an anchor, which every note and reading repeats.
fn short_href(href: &str, person: &str) -> String {
    let dir = format!("../people/{}/", paths::encode(person));
    match href.strip_prefix(&dir) {
        Some(rest) => rest.strip_prefix("index.html").filter(|r| r.starts_with('#')).unwrap_or(rest).to_string(),
        None => href.to_string(),
    }
}

/// One index file: a call handing the page `data`, deflated and as [`encode::z85`] text.
fn packed(method: &str, i: usize, deflater: &Deflater, data: &[u8]) -> String {
    format!("window.waymarkSearch.{method}({i},\"{}\");\n", encode::z85(&deflater.compress(data)))
}

/// The shared dictionary for document files: whole rows of records spread evenly through
/// the years, so it holds the phrasing, names and places records share. It is at most a
/// 32nd of all the text (a small repository gains less from it than it costs), and at
/// most deflate's window.
fn dictionary(docs: &[&Doc], text_len: &[u32], row: &dyn Fn(usize, &Doc) -> String) -> Vec<u8> {
    let text: usize = text_len.iter().map(|l| *l as usize).sum();
    let cap = (text / 32).min(encode::WINDOW);
    let mean = text / docs.len().max(1) + 1;
    // A power of two, so a few new records seldom change which rows it takes, nor with it
    // every document chunk.
    let step = prev_power_of_two((docs.len() * mean / cap.max(1)).max(1));
    let mut out = Vec::with_capacity(cap);
    for (i, d) in docs.iter().enumerate().step_by(step) {
        let r = row(i, d);
        if out.len() + r.len() <= cap {
            out.extend_from_slice(r.as_bytes());
        }
    }
    out
}

/// The largest power of two not above `n` (at least 1).
fn prev_power_of_two(n: usize) -> usize {
    match n {
        0 => 1,
        n => 1 << (usize::BITS - 1 - n.leading_zeros()),
    }
}

/// Splits sorted (term, postings) entries into runs of about `target` bytes; a term is
/// never split, so a very common term may have a chunk to itself.
pub fn term_chunks<T: AsRef<str>, P: AsRef<str>>(entries: &[(T, P)], target: usize) -> Vec<&[(T, P)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, (t, p)) in entries.iter().enumerate() {
        let len = t.as_ref().len() + p.as_ref().len() + 6;
        if size > 0 && size + len > target {
            out.push(&entries[start..i]);
            start = i;
            size = 0;
        }
        size += len;
    }
    if start < entries.len() {
        out.push(&entries[start..]);
    }
    out
}

/// The first date and, for each later date, the gap in days and in document numbers, as VLQ;
/// undated records sort as `today`.
fn date_runs(docs: &[&Doc], today: Date) -> serde_json::Value {
    let mut runs = String::new();
    let mut first: Option<Date> = None;
    let mut prev: Option<(Date, usize)> = None;
    for (i, d) in docs.iter().enumerate() {
        let date = d.date.unwrap_or(today);
        match prev {
            Some((p, _)) if p == date => continue,
            Some((p, at)) => {
                encode::vlq(&mut runs, (date - p).num_days().max(0) as u64);
                encode::vlq(&mut runs, (i - at) as u64);
            }
            None => first = Some(date),
        }
        prev = Some((date, i));
    }
    json!({ "first": first.map(|d| d.to_string()), "runs": runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(sizes: &[usize]) -> Vec<(String, String)> {
        sizes.iter().enumerate().map(|(i, s)| (format!("t{i:03}"), "A".repeat(*s))).collect()
    }

    #[test]
    fn weights_rank_by_frequency_and_length() {
        // More mentions weigh more, with diminishing returns; a long record weighs each mention less.
        assert!(weight(3, 100, 100.0) > weight(1, 100, 100.0));
        assert!(weight(1, 20, 100.0) > weight(1, 400, 100.0));
        assert!(weight(50, 100, 100.0) <= 7);
        assert!(weight(1, 0, 0.0) <= 7);
        assert!(weight(2, 100, 100.0) - weight(1, 100, 100.0) >= weight(20, 100, 100.0) - weight(19, 100, 100.0));
    }

    fn doc(person: &str, date: &str, text: &str) -> Doc {
        Doc {
            kind: 0,
            person: person.into(),
            name: person.into(),
            note_kind: Some(NoteKind::Visit),
            author: Some("sam-okafor".into()),
            date: crate::model::date::parse_date(date).ok(),
            href: format!("../people/{person}/index.html#note-{date}"),
            meta: String::new(),
            text: text.into(),
            // What the words come from, as person_docs_with keys them.
            key: {
                let mut f = Fingerprint::default();
                std::hash::Hash::hash(&(person, date, text), &mut f);
                f.value()
            },
            deferred: None,
            arrived: None,
        }
    }

    /// What an index file hands the page, inflated after `prefix` (the dictionary's compressed
    /// form, or nothing), with the dictionary's bytes still in front.
    fn unpack(file: &str, prefix: &[u8]) -> Vec<u8> {
        let z85 = file.split('"').nth(1).expect("a quoted string");
        let stream = [prefix, &encode::unz85(z85).expect("Z85")].concat();
        miniz_oxide::inflate::decompress_to_vec(&stream).expect("raw deflate")
    }

    /// The postings of a term, decoded: (document, weight).
    fn postings_of(index: &SearchIndex, term: &str) -> Vec<(u64, u64)> {
        for (path, text) in &index.files {
            if !path.starts_with("search/t/") {
                continue;
            }
            let coded = String::from_utf8(unpack(text, b"")).expect("UTF-8");
            let parts: Vec<&str> = coded.split(' ').collect();
            let mut prev = String::new();
            for pair in parts.chunks(2) {
                let shared = encode::unvlq(&pair[0][..1]).map_or(0, |n| n[0] as usize);
                let t: String = prev.chars().take(shared).chain(pair[0][1..].chars()).collect();
                if t == term {
                    let nums = encode::unvlq(pair[1].trim_start_matches('!')).unwrap_or_default();
                    let mut next = 0;
                    return nums
                        .iter()
                        .map(|n| {
                            let d = next + (n >> encode::WEIGHT_BITS);
                            next = d + 1;
                            (d, n & 7)
                        })
                        .collect();
                }
                prev = t;
            }
        }
        Vec::new()
    }

    #[test]
    fn postings_hold_stems_with_ranked_weights() {
        let filler = "the young person talked about plans for the week ahead and more ".repeat(6);
        let docs = vec![
            doc("yp-a", "2026-01-01", &format!("{filler} one mention of the dentist")),
            doc("yp-b", "2026-02-01", "Dentist, dentist: visited the dentists."),
            doc("yp-c", "2026-03-01", "Visits went well."),
        ];
        let index =
            build_from(docs, &Config::default(), crate::model::date::parse_date("2026-11-24").unwrap_or_default());
        let dentist = postings_of(&index, "dentist");
        assert_eq!(dentist.iter().map(|p| p.0).collect::<Vec<_>>(), [0, 1]);
        assert!(dentist[1].1 > dentist[0].1, "three mentions in a short note outweigh one in a long one: {dentist:?}");
        assert_eq!(postings_of(&index, "visit").iter().map(|p| p.0).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(postings_of(&index, "#p:yp-b").iter().map(|p| p.0).collect::<Vec<_>>(), [1]);
        // Every document is a note, so the note filter stores who is *not* one: nobody.
        assert!(postings_of(&index, "#t:note").is_empty());
        let manifest = index.files.iter().find(|(p, _)| p == MANIFEST).map(|(_, t)| t.as_str()).unwrap_or("");
        assert!(manifest.contains(r#""runs":"fBcB""#), "{manifest}");
    }

    #[test]
    fn document_files_inflate_after_the_shared_dictionary() {
        let texts: Vec<String> = (0..40)
            .map(|i| {
                format!("Visit {i}: talked about the college bus pass, the rent and a budget. {}", "Calm. ".repeat(i))
            })
            .collect();
        let docs: Vec<Doc> =
            texts.iter().enumerate().map(|(i, t)| doc("yp-a", &format!("2026-01-{:02}", i % 28 + 1), t)).collect();
        let mut sorted = docs.clone();
        sorted.sort_by_key(|d| d.date);
        let index = build_from(
            sorted.clone(),
            &Config::default(),
            crate::model::date::parse_date("2026-11-24").unwrap_or_default(),
        );
        let file = |path: &str| index.files.iter().find(|(p, _)| p == path).map(|(_, t)| t.as_str()).unwrap_or("");
        let manifest: serde_json::Value = serde_json::from_str(
            file(MANIFEST).trim_start_matches("window.waymarkSearch.init(").trim_end_matches(");\n"),
        )
        .expect("manifest JSON");
        let dictionary = &manifest["dictionary"];
        let skip = dictionary["length"].as_u64().expect("length") as usize;
        let text: usize = texts.iter().map(String::len).sum();
        assert!(skip > 0 && skip <= text / 32, "{skip} of {text}");
        let prefix = encode::unz85(dictionary["prefix"].as_str().expect("prefix")).expect("Z85");
        let mut rows = Vec::new();
        for i in 0..40usize.div_ceil(DOC_CHUNK) {
            let bytes = unpack(file(&format!("search/d/{i}.js")), &prefix);
            let chunk: Vec<serde_json::Value> = serde_json::from_slice(&bytes[skip..]).expect("rows");
            assert_eq!(chunk.len(), DOC_CHUNK.min(40 - i * DOC_CHUNK));
            rows.extend(chunk);
        }
        let shown: Vec<&str> = rows.iter().map(|r| r[6].as_str().unwrap_or("")).collect();
        assert_eq!(shown, sorted.iter().map(|d| d.text.as_str()).collect::<Vec<_>>());
        assert_eq!(rows[0][4], "2026-01-01");
        assert_eq!(rows[0][5], "#note-2026-01-01", "the link without its person's folder");
    }

    #[test]
    fn supervision_is_searched_only_when_the_setting_says_so() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut repo = crate::load::load(root).expect("the sample repository loads");
        assert!(!repo.supervision.is_empty(), "the sample records supervision");
        let supervision =
            |repo: &Repository| documents(repo).into_iter().filter(|d| d.kind == SUPERVISION).collect::<Vec<_>>();
        repo.config.search.include_supervision = false;
        assert!(supervision(&repo).is_empty());
        repo.config.search.include_supervision = true;
        let docs = supervision(&repo);
        assert_eq!(docs.len(), repo.supervision.len());
        for d in &docs {
            assert_eq!(
                (d.person.as_str(), d.name.as_str(), TYPES[d.kind]),
                (SUPERVISION_ID, SUPERVISION_NAME, "supervision")
            );
            assert!(d.href.starts_with("../supervision/") && d.href.ends_with(".html"), "{}", d.href);
            assert_eq!(short_href(&d.href, &d.person), d.href, "search.js follows links beginning ../ as they are");
        }
    }

    #[test]
    fn a_record_dated_today_goes_after_the_undated_ones() {
        let day = |d: &str| crate::model::date::parse_date(d).ok();
        let doc = |person: &str, date: Option<Date>| Doc {
            kind: 0,
            person: person.into(),
            name: String::new(),
            note_kind: None,
            author: None,
            date,
            href: format!("{person}.html"),
            meta: String::new(),
            text: String::new(),
            key: 0,
            deferred: None,
            arrived: None,
        };
        let today = day("2026-11-24").unwrap_or_default();
        let mut docs = vec![
            doc("yp-0001", day("2026-11-24")),
            doc("yp-0003", None),
            doc("yp-0002", day("2026-11-23")),
            doc("yp-0002", None),
            doc("yp-0001", day("2026-12-01")),
        ];
        sort(&mut docs, today);
        let order: Vec<(&str, Option<Date>)> = docs.iter().map(|d| (d.person.as_str(), d.date)).collect();
        // Numbers are kept by every record before a new one: one dated today moves no profile.
        assert_eq!(
            order,
            vec![
                ("yp-0002", day("2026-11-23")),
                ("yp-0002", None),
                ("yp-0003", None),
                ("yp-0001", day("2026-11-24")),
                ("yp-0001", day("2026-12-01")),
            ]
        );
    }

    #[test]
    fn a_day_is_numbered_in_the_order_its_records_were_committed() {
        let today = crate::model::date::parse_date("2026-11-24").unwrap_or_default();
        let doc = |person: &str, arrived: Option<i64>| Doc {
            kind: 0,
            person: person.into(),
            name: String::new(),
            note_kind: None,
            author: None,
            date: Some(today),
            href: format!("{person}.html"),
            meta: String::new(),
            text: String::new(),
            key: 0,
            deferred: None,
            arrived,
        };
        let mut docs =
            vec![doc("yp-0003", Some(300)), doc("yp-0004", None), doc("yp-0001", None), doc("yp-0002", Some(200))];
        sort(&mut docs, today);
        let order: Vec<&str> = docs.iter().map(|d| d.person.as_str()).collect();
        // A note for the first young person, committed last, is numbered after every other of
        // the day; those not yet committed come last, by person.
        assert_eq!(order, vec!["yp-0002", "yp-0003", "yp-0001", "yp-0004"]);
    }

    #[test]
    fn sorting_gives_the_order_of_the_whole_key_whatever_the_order_given() {
        let today = crate::model::date::parse_date("2026-11-24").unwrap_or_default();
        let day = |n: i32| crate::model::date::parse_date(&format!("2026-11-{:02}", 20 + n)).ok();
        // Few values of each part, so that every part breaks some ties; with and without dates
        // and arrivals, duplicates included.
        let mut docs = Vec::new();
        let mut seed = 7u32;
        for _ in 0..400 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let pick = |shift: u32, n: u32| (seed >> shift) % n;
            docs.push(Doc {
                kind: 0,
                person: format!("yp-{:04}", pick(3, 4)),
                name: String::new(),
                note_kind: None,
                author: None,
                date: if pick(6, 5) == 0 { None } else { day(pick(9, 6) as i32) },
                href: format!("h{}.html", pick(12, 3)),
                meta: String::new(),
                text: String::new(),
                key: u128::from(pick(15, 1_000)),
                deferred: None,
                arrived: if pick(18, 4) == 0 { None } else { Some(i64::from(pick(21, 3))) },
            });
        }
        let key = |d: &Doc| {
            (d.date.unwrap_or(today), d.date.is_some(), d.arrived.unwrap_or(i64::MAX), d.person.clone(), d.href.clone())
        };
        // A stable sort by the whole key: equal keys keep the order they were given in.
        let mut by_key: Vec<&Doc> = docs.iter().collect();
        by_key.sort_by_key(|d| key(d));
        let mut refs: Vec<&Doc> = docs.iter().collect();
        sort(&mut refs, today);
        let same = |a: &[&Doc], b: &[&Doc]| a.iter().zip(b).all(|(a, b)| std::ptr::eq(*a, *b));
        assert!(same(&refs, &by_key));
        let mut owned = docs.clone();
        sort(&mut owned, today);
        assert_eq!(
            owned.iter().map(|d| (key(d), d.key)).collect::<Vec<_>>(),
            by_key.iter().map(|d| (key(d), d.key)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn chunks_hold_whole_terms_in_order() {
        let e = entries(&[10, 10, 10, 100, 10, 10]);
        let chunks = term_chunks(&e, 40);
        let firsts: Vec<&str> = chunks.iter().map(|c| c[0].0.as_str()).collect();
        assert_eq!(firsts, ["t000", "t002", "t003", "t004"]);
        assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), e.len());
        assert_eq!(chunks[2].len(), 1, "an oversized term stands alone");
        assert!(term_chunks::<&str, &str>(&[], 40).is_empty());
    }
}
