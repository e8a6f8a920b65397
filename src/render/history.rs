//! History on the site: "last changed" lines, a history page per record, a timeline per
//! young person and the repository's recent changes, all from [`crate::history`].
//!
//! Field and word changes need old versions of files from git, so they are worked out once
//! per person ([`Details`]) and shared by the person's timeline and their records' pages.

use super::paths;
use super::views::PersonHeader;
use crate::config::Config;
use crate::history::details::DetailCache;
use crate::history::diff::{self, Words};
use crate::history::{Change, ChangeKind, Entry, FileState, History};
use crate::model::date::display_date;
use crate::model::{Person, Repository};
use serde::Serialize;
use std::collections::HashMap;

/// How many commits the recent changes page lists.
pub const RECENT: usize = 100;

/// Most changed lines of a body shown for one change, so one rewrite does not swamp a page.
const BODY_LINES: usize = 40;

/// What the site knows of git: the history and the record files changed since the last commit.
pub struct SiteHistory<'a> {
    history: &'a History,
    config: &'a Config,
    /// Restricted notes, whose changes are shown only on their young person's own pages.
    restricted: rustc_hash::FxHashSet<&'a str>,
    uncommitted: rustc_hash::FxHashMap<&'a str, FileState>,
    /// Changes to files in `records/<id>/` (at the time of the change, or moved out of it), by
    /// person id, so a person's timeline need not scan every path.
    by_person: HashMap<&'a str, Vec<&'a Change>>,
    /// Changes to files in `staff/` (supervision), for the recent changes of a site that holds
    /// only some of them.
    staff: Vec<&'a Change>,
    /// Who the site is for: changes to anything it does not see are left out; `None`: the whole team.
    audience: Option<&'a crate::audience::Audience>,
    /// Field and word changes worked out by earlier builds, when a build keeps them.
    details: Option<&'a DetailCache>,
}

/// The line under a record: "Last changed on … by …: …".
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LastChanged {
    /// The commit's date, as people read it.
    pub date: Option<String>,
    /// Who made it.
    pub author: Option<String>,
    /// The first line of its message.
    pub message: Option<String>,
    /// Link to the record's history page.
    pub href: Option<String>,
    /// Set when the file differs from its last commit: what git status says, in words.
    pub pending: Option<&'static str>,
}

/// One commit on a history page.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    /// Its anchor on a timeline (`c-<commit id>`), so a record's line can link to it.
    pub anchor: String,
    /// Its date, as people read it.
    pub date: String,
    /// The date as `YYYY-MM-DD`, for the `<time>` element.
    pub iso_date: String,
    /// Who made it.
    pub author: String,
    /// The abbreviated commit id.
    pub short_id: String,
    /// The whole commit id.
    pub id: String,
    /// The message's first line.
    pub summary: String,
    /// The rest of the message, line by line.
    pub body: Vec<String>,
    /// A shallow clone starts here: its files are shown as first seen, not as added.
    pub boundary: bool,
    /// What it did to each file.
    pub changes: Vec<ChangeView>,
}

/// What one commit did to one file.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// A restricted note: shown with a banner, and its changes only on its young person's pages.
    pub restricted: bool,
    /// `added`, `modified`, `deleted` or `moved`.
    pub kind: &'static str,
    /// The record as people name it (`Note 2026-11-02-visit`, `Pathway plan`).
    pub what: String,
    /// The file's path at that commit.
    pub path: String,
    /// For a move, where it was before.
    pub from: Option<String>,
    /// Link to the record's history page, while the record exists.
    pub history_href: Option<String>,
    /// Link to the record itself, while it exists.
    pub record_href: Option<String>,
    /// Front-matter fields changed.
    pub fields: Vec<FieldView>,
    /// Changed lines of the body, word by word.
    pub lines: Vec<Vec<WordView>>,
    /// Changed lines left out.
    pub more_lines: usize,
}

/// One front-matter field a change altered.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldView {
    /// Dotted path (`goals[college].status`).
    pub field: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    /// The value before.
    pub old: Option<String>,
    /// The value after.
    pub new: Option<String>,
}

/// A run of words in a body diff: `same`, `added` or `removed`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WordView {
    /// `same`, `added` or `removed`.
    pub kind: &'static str,
    /// The words.
    pub text: String,
}

/// A history page: a record's, a person's timeline, or the repository's recent changes.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryPage {
    /// The person, on their pages.
    pub person: Option<PersonHeader>,
    /// The page's heading.
    pub title: String,
    /// What the page lists, in a sentence.
    pub intro: String,
    /// Link to the record or person the page is about.
    pub subject_href: Option<String>,
    /// Why there is no history (no git repository, say), when there is none.
    pub none_reason: Option<String>,
    /// The repository is a shallow clone: older changes are missing.
    pub partial: bool,
    /// Commits, newest first.
    pub entries: Vec<EntryView>,
    /// The record's own line, when it has changes not yet committed.
    pub pending: Option<&'static str>,
}

/// Field and word changes of one person's modified records, worked out once.
pub type Details = HashMap<(usize, String), std::sync::Arc<crate::history::diff::Detail>>;

impl<'a> SiteHistory<'a> {
    /// The site's view of `history`; `uncommitted` is git status of the record files.
    pub fn new(history: &'a History, repo: &'a Repository, uncommitted: &'a [(String, FileState)]) -> SiteHistory<'a> {
        let mut view = SiteHistory::without_timelines(history, repo, uncommitted);
        let by_person = &mut view.by_person;
        let person_of = |path: &'a str| path.strip_prefix("records/").and_then(|r| r.split_once('/')).map(|(id, _)| id);
        for change in history.git().into_iter().flat_map(|g| g.paths.iter().flat_map(|(_, c)| c)) {
            let to = person_of(&change.path);
            let from = change.from.as_deref().and_then(person_of);
            for id in to.into_iter().chain(from.filter(|f| Some(*f) != to)) {
                by_person.entry(id).or_default().push(change);
            }
            if change.path.starts_with("staff/") || change.from.as_deref().is_some_and(|f| f.starts_with("staff/")) {
                view.staff.push(change);
            }
        }
        view
    }

    /// A view for "last changed" lines and record pages only: people's timelines come out
    /// empty. Quicker to make than [`SiteHistory::new`], which indexes every change by person
    /// (`waymark serve` makes one for each save).
    pub fn without_timelines(
        history: &'a History,
        repo: &'a Repository,
        uncommitted: &'a [(String, FileState)],
    ) -> SiteHistory<'a> {
        SiteHistory {
            history,
            config: &repo.config,
            restricted: repo.people.iter().flat_map(|p| p.restricted_paths()).collect(),
            uncommitted: uncommitted.iter().map(|(p, s)| (p.as_str(), *s)).collect(),
            by_person: HashMap::new(),
            staff: Vec::new(),
            audience: None,
            details: None,
        }
    }

    /// Takes field and word changes from `cache`, which keeps the ones worked out now for later builds.
    pub fn with_details(mut self, cache: &'a DetailCache) -> SiteHistory<'a> {
        self.details = Some(cache);
        self
    }

    /// The same view for a site that shows only what `audience` sees: timelines and recent
    /// changes list only changes to its records, and only commits that made some.
    pub fn for_audience(mut self, audience: &'a crate::audience::Audience) -> SiteHistory<'a> {
        if !audience.is_everyone() {
            self.by_person.retain(|id, _| audience.sees_person(id));
            for changes in self.by_person.values_mut() {
                changes.retain(|c| visible(self.history, audience, c));
            }
            self.staff.retain(|c| visible(self.history, audience, c));
        }
        self.audience = Some(audience);
        self
    }

    /// The history itself.
    pub fn history(&self) -> &'a History {
        self.history
    }

    /// Whether there is a git history to show at all.
    pub fn available(&self) -> bool {
        self.history.git().is_some()
    }

    /// Opens the git repository, to read old versions of files (one handle per thread).
    pub fn repository(&self) -> Option<git2::Repository> {
        self.history.repository()
    }

    /// The "last changed" line of the record at `path`, for the page at `here`.
    pub fn last_changed(&self, path: &str, here: &str) -> Option<LastChanged> {
        if !self.available() {
            return None;
        }
        let pending = self.uncommitted.get(path).map(|s| match s {
            FileState::Untracked => "not yet in git: it has no history until it is committed",
            FileState::Modified => "changed since then, and the change is not yet committed",
        });
        let last = self.history.last_change(path);
        if last.is_none() && pending.is_none() {
            return None;
        }
        let href = self.history_href(path, here);
        Some(LastChanged {
            date: last.map(|(c, _)| display_date(c.date())),
            author: last.map(|(c, _)| c.author_shown(self.config)),
            message: last.map(|(c, _)| self.message(c.summary()).to_string()),
            href: href.filter(|_| last.is_some()),
            pending,
        })
    }

    /// Whether the record now at `path` gets a history page of its own: it changed after it
    /// was added. A record added once and never changed links to that commit on its person's
    /// timeline instead, which says the same; at 100,000 notes those one-line pages would
    /// double the files a build writes.
    fn has_own_page(&self, path: &str) -> bool {
        own_page(self.history.changes(path))
    }

    /// Link from `here` to the history of the record now at `path`: its own page, or its one
    /// commit on the person's timeline.
    fn history_href(&self, path: &str, here: &str) -> Option<String> {
        if self.has_own_page(path) {
            return paths::record_history(path).map(|p| paths::href(here, &p));
        }
        let (commit, _) = self.history.last_change(path)?;
        paths::record_history(path)?;
        let id = path.strip_prefix("records/")?.split_once('/')?.0;
        Some(link(here, &paths::person_history(id), Some(&commit_anchor(&commit.hex()))))
    }

    /// Adds what every history page depends on beyond its commits: whether there is history, and
    /// whether it is partial.
    pub fn fingerprint_common(&self, f: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        self.history.reason().hash(f);
        self.history.is_shallow().hash(f);
    }

    /// Adds everything from git that this person's pages show: each record's last change and
    /// git status, and every commit on their timeline with each change and where its file is
    /// now (a record moved to someone else, deleted or restricted since shows differently).
    /// The commit's author, date and message are fixed by its id; staff names come from the
    /// settings, which every page depends on anyway.
    pub fn fingerprint_person(&self, person: &Person, f: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        // Each path is looked up once and what the pages show of it (last change, own page,
        // still there) read off its changes: four lookups and a copy of the path for every
        // change on every build were most of this. What is hashed is as it was, so the
        // fingerprints of pages kept by an earlier build still match.
        let last = |changes: &[Change]| self.history.last_of(changes).map(|(c, _)| c.id);
        // The changes of each record, which its commits below look up again.
        let paths = person_record_paths(person);
        let mut known: rustc_hash::FxHashMap<&str, Option<&[Change]>> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(paths.len(), Default::default());
        for path in paths {
            let changes = *known.entry(path).or_insert_with(|| self.history.known(path));
            let changes = changes.unwrap_or(&[]);
            path.hash(f);
            last(changes).hash(f);
            self.uncommitted.get(path).map(|s| *s as u8).hash(f);
            own_page(changes).hash(f);
        }
        for e in self.person_entries(&person.id) {
            e.commit.id.hash(f);
            for ch in &e.changes {
                (ch.kind as u8, &*ch.path, ch.from.as_deref(), ch.old_blob, ch.new_blob).hash(f);
                let moved;
                let here = known.get(&*ch.path).copied().unwrap_or_else(|| self.history.known(&ch.path));
                let (now, changes) = match here {
                    Some(changes) => (Some(&*ch.path), changes),
                    None => {
                        moved = self.history.resolve_path(&ch.path);
                        (moved.as_deref(), moved.as_deref().map_or(&[][..], |p| self.history.changes(p)))
                    }
                };
                let now = now.filter(|_| still_there(changes));
                now.hash(f);
                if let Some(now) = now {
                    self.restricted.contains(now).hash(f);
                    own_page(changes).hash(f);
                    last(changes).hash(f);
                }
            }
        }
    }

    /// Every commit that changed this person's records, newest first.
    pub fn person_entries(&self, person_id: &str) -> Vec<Entry<'a>> {
        self.history.group(self.by_person.get(person_id).into_iter().flatten().copied())
    }

    /// Field and word changes of every modification among `entries`.
    pub fn details(&self, git: Option<&git2::Repository>, entries: &[Entry<'_>]) -> Details {
        let mut out = Details::new();
        let Some(git) = git else { return out };
        for e in entries {
            for ch in &e.changes {
                let detail = match self.details {
                    Some(cache) => cache.get(git, ch),
                    None => self.history.detail(git, ch).map(|d| std::sync::Arc::new(d.compact())),
                };
                if let Some(d) = detail {
                    out.insert((ch.commit, ch.path.to_string()), d);
                }
            }
        }
        out
    }

    /// A history page for `here` listing `entries`.
    pub fn page(
        &self,
        here: &str,
        title: String,
        intro: String,
        entries: &[Entry<'_>],
        details: &Details,
        own_pages: bool,
    ) -> HistoryPage {
        HistoryPage {
            person: None,
            title,
            intro,
            subject_href: None,
            none_reason: self.history.reason().map(String::from),
            partial: self.history.is_shallow(),
            entries: entries.iter().map(|e| self.entry(e, here, details, own_pages)).collect(),
            pending: None,
        }
    }

    /// The history pages of one person: their timeline and a page per record they have now.
    pub fn person_pages(&self, person: &Person, git: Option<&git2::Repository>) -> Vec<(String, HistoryPage)> {
        let entries = self.person_entries(&person.id);
        let details = self.details(git, &entries);
        let name = person.shown_name();
        let mut out = Vec::new();

        let at = paths::person_history(&person.id);
        let n = entries.len();
        let mut page = self.page(
            &at,
            format!("History of {name}'s records"),
            format!(
                "Every change to {name}'s records that is in git, newest first: {n} {}.",
                if n == 1 { "commit" } else { "commits" }
            ),
            &entries,
            &details,
            true,
        );
        page.person = Some(PersonHeader::new(person, &at));
        page.subject_href = Some(paths::href(&at, &paths::person_page(&person.id)));
        out.push((at, page));

        if !self.available() {
            return out;
        }
        for path in person_record_paths(person).into_iter().filter(|p| self.has_own_page(p)) {
            let Some(at) = paths::record_history(path) else { continue };
            // A file in the work tree is keyed by its current path; older paths are inside its changes.
            let record_entries: Vec<Entry<'_>> = self
                .history
                .changes(path)
                .iter()
                .filter_map(|c| Some(Entry { commit: self.history.commit(c)?, changes: vec![c] }))
                .collect();
            let what = record_name(path);
            let n = record_entries.len();
            let mut page = self.page(
                &at,
                format!("History of {name}'s {}", lowercase_first(&what)),
                format!(
                    "Every commit that changed {path}, newest first: {n} {}.",
                    if n == 1 { "commit" } else { "commits" }
                ),
                &record_entries,
                &details,
                true,
            );
            page.person = Some(PersonHeader::new(person, &at));
            page.subject_href = paths::site_target(path).map(|(p, anchor)| link(&at, &p, anchor.as_deref()));
            page.pending = self.last_changed(path, &at).and_then(|l| l.pending);
            out.push((at, page));
        }
        out
    }

    /// The repository's recent changes page.
    pub fn recent_page(&self, git: Option<&git2::Repository>) -> HistoryPage {
        let entries = match self.audience {
            Some(a) if !a.is_everyone() => {
                // A change moved between two people of the site is listed under both.
                let mut changes: Vec<&Change> = self.by_person.values().flatten().chain(&self.staff).copied().collect();
                changes.sort_by_key(|c| *c as *const Change);
                changes.dedup_by_key(|c| *c as *const Change);
                let mut seen = self.history.group(changes);
                seen.truncate(RECENT);
                seen
            }
            _ => self.history.recent(RECENT),
        };
        let details = self.details(git, &entries);
        let intro = format!(
            "The last {} that changed the records, newest first. Each young person's page links to all of theirs.",
            crate::words::count(entries.len(), "commit")
        );
        self.page(paths::CHANGES, "Recent changes".into(), intro, &entries, &details, false)
    }

    fn entry(&self, e: &Entry<'_>, here: &str, details: &Details, own_pages: bool) -> EntryView {
        let c = e.commit;
        let mut lines = self.message(&c.message).trim_end().lines();
        let summary = lines.next().unwrap_or("").trim().to_string();
        let body: Vec<String> = lines.map(|l| l.trim_end().to_string()).skip_while(|l| l.is_empty()).collect();
        EntryView {
            anchor: commit_anchor(&c.hex()),
            date: display_date(c.date()),
            iso_date: c.date().to_string(),
            author: c.author_shown(self.config),
            short_id: c.short_id(),
            id: c.hex(),
            summary,
            body,
            boundary: c.boundary,
            changes: e.changes.iter().map(|ch| self.change(ch, here, details, own_pages)).collect(),
        }
    }

    /// One change; `own_pages` is false on pages beyond the young person's own, where a
    /// restricted note's changes are left out (FORMAT.md keeps restricted notes out of bundles).
    fn change(&self, ch: &Change, here: &str, details: &Details, own_pages: bool) -> ChangeView {
        let now = self.history.resolve_path(&ch.path).filter(|p| self.exists_now(p));
        let restricted = now.as_deref().is_some_and(|p| self.restricted.contains(p));
        // Supervision changes are listed in the whole team's site, but their words only where
        // the site shows supervision (the audience decides; no audience is the whole team).
        let team = crate::audience::Audience::everyone();
        let audience = self.audience.unwrap_or(&team);
        let shows = |p: &str| audience.shows_text_of(self.config, p);
        let worded = shows(&ch.path) && now.as_deref().is_none_or(shows);
        let detail = details.get(&(ch.commit, ch.path.to_string())).filter(|_| worded && (own_pages || !restricted));
        let mut lines: Vec<Vec<WordView>> = detail
            .map(|d| {
                diff::changed_line_runs(&d.body)
                    .into_iter()
                    .map(|line| line.into_iter().map(word_view).collect())
                    .collect()
            })
            .unwrap_or_default();
        let more_lines = lines.len().saturating_sub(BODY_LINES);
        lines.truncate(BODY_LINES);
        // Links go to the record as it is now: a later move or deletion leaves this path behind.
        ChangeView {
            restricted,
            kind: ch.kind.as_str(),
            what: record_name(&ch.path),
            path: ch.path.to_string(),
            from: ch.from.as_deref().map(String::from).filter(|_| ch.kind == ChangeKind::Renamed),
            history_href: now.as_deref().and_then(|p| self.history_href(p, here)),
            record_href: now.as_deref().and_then(|p| match paths::site_target(p) {
                Some((page, a)) => Some(link(here, &page, a.as_deref())),
                None => paths::supervision_target(p).filter(|_| shows(p)).map(|page| link(here, &page, None)),
            }),
            fields: detail
                .map(|d| {
                    d.fields
                        .iter()
                        .map(|f| FieldView {
                            field: f.field.clone(),
                            change: match (&f.old, &f.new) {
                                (Some(_), Some(_)) => "changed",
                                (None, _) => "added",
                                (Some(_), None) => "removed",
                            },
                            // An added or removed list item shows no value of its own.
                            old: f.old.clone().filter(|v| !v.is_empty()),
                            new: f.new.clone().filter(|v| !v.is_empty()),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            lines,
            more_lines,
        }
    }

    /// A commit message as this site may show it (the audience decides).
    fn message<'m>(&self, message: &'m str) -> &'m str {
        self.audience.map_or(message, |a| a.commit_message(message))
    }

    /// Whether the file at this path is in HEAD (its newest change is not a deletion).
    fn exists_now(&self, path: &str) -> bool {
        still_there(self.history.changes(path))
    }
}

/// Whether a file with these changes (newest first) has a history page of its own: it changed
/// after it was added.
fn own_page(changes: &[Change]) -> bool {
    changes.len() > 1
}

/// Whether a file with these changes (newest first) is still there: its last change did not delete it.
fn still_there(changes: &[Change]) -> bool {
    changes.first().is_some_and(|c| c.kind != ChangeKind::Deleted)
}

/// Whether a site for `audience` may show this change: the file, where it was then and where
/// it is now, belongs to what the audience sees.
fn visible(history: &History, audience: &crate::audience::Audience, change: &Change) -> bool {
    audience.sees_path(&change.path) && history.resolve_path(&change.path).is_none_or(|now| audience.sees_path(&now))
}

/// The repository paths of the records a person has now.
pub(crate) fn person_record_paths(person: &Person) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    out.extend(person.profile.as_ref().map(|p| p.source.path.as_str()));
    out.extend(person.plan.as_ref().map(|p| p.source.path.as_str()));
    out.extend(person.passport.as_ref().map(|p| p.source.path.as_str()));
    out.extend(person.notes.iter().map(|n| n.source.path.as_str()));
    out.extend(person.outcomes.iter().map(|o| o.source.path.as_str()));
    out.extend(person.feedback.iter().map(|f| f.source.path.as_str()));
    out
}

/// A record as people name it, from its path.
pub fn record_name(path: &str) -> String {
    let inside = path.strip_prefix("records/").and_then(|r| r.split_once('/')).map(|(_, i)| i).unwrap_or(path);
    match inside.split_once('/') {
        None => match inside {
            "profile.md" => "Profile".into(),
            "pathway-plan.md" => "Pathway plan".into(),
            "health-passport.md" => "Health passport".into(),
            other => other.to_string(),
        },
        Some(("notes", file)) => format!("Note {}", paths::stem(file)),
        Some(("outcomes", file)) => format!("Outcome reading {}", paths::stem(file)),
        Some(("feedback", file)) => format!("Feedback {}", paths::stem(file)),
        Some(("files", file)) => format!("Attachment {file}"),
        Some(_) => inside.to_string(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The anchor of a commit on a timeline.
fn commit_anchor(hex: &str) -> String {
    format!("c-{hex}")
}

fn link(from: &str, page: &str, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("{}#{}", paths::href(from, page), paths::encode(a)),
        None => paths::href(from, page),
    }
}

fn word_view(w: Words) -> WordView {
    match w {
        Words::Same(text) => WordView { kind: "same", text },
        Words::Added(text) => WordView { kind: "added", text },
        Words::Removed(text) => WordView { kind: "removed", text },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_named_in_words() {
        assert_eq!(record_name("records/yp-1/profile.md"), "Profile");
        assert_eq!(record_name("records/yp-1/pathway-plan.md"), "Pathway plan");
        assert_eq!(record_name("records/yp-1/notes/2026-01-02-visit.md"), "Note 2026-01-02-visit");
        assert_eq!(record_name("records/yp-1/outcomes/2026-01-02.md"), "Outcome reading 2026-01-02");
        assert_eq!(record_name("records/yp-1/files/a.pdf"), "Attachment a.pdf");
        assert_eq!(record_name("waymark.yaml"), "waymark.yaml");
    }

    #[test]
    fn no_git_means_no_lines_and_a_reason() {
        let history = History::None("this folder is not in a git repository".into());
        let repo = Repository::default();
        let site = SiteHistory::new(&history, &repo, &[]);
        assert!(!site.available());
        assert_eq!(site.last_changed("records/yp-1/profile.md", "people/yp-1/index.html"), None);
        let page = site.recent_page(None);
        assert_eq!(page.none_reason.as_deref(), Some("this folder is not in a git repository"));
        assert!(page.entries.is_empty());
    }
}
