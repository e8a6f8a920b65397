//! The repository, its check report and what the site is made from, kept in memory and
//! brought up to date one young person at a time.
//!
//! A change under `records/<id>/` reads that folder again ([`load::load_person`]), checks
//! that person again ([`check::check_person`]) and renders their pages, then the pages that
//! sum up everyone (dashboard, advisers' caseloads, validation report, board report). Only
//! a change to settings or the theme, or events the system lost, read everything again.
//!
//! What else can change when one person's folder does:
//!
//! - **Links between people.** A note may link to another young person's record, and
//!   `broken-link` / `missing-attachment` and the rendered link depend on whether that file
//!   exists. When a person's set of files changes (a file added, removed or renamed), the
//!   people whose records mention that person's id as a path segment are checked and
//!   rendered again too. Edits that keep the set of files change no one else's diagnostics.
//! - **Everything else** the rules look at is the person's own records, the settings and the
//!   date, so the rest of the report stays as it was.
//!
//! - **Git.** The history is read at the start (and at each full rebuild), so commits made
//!   while serving show after a restart; the recent-changes page is not rebuilt. A saved
//!   file's git status is guessed (modified if git knows the file, new if not) so the page
//!   goes out at once, then asked of git, and the pages are rendered again if the guess was
//!   wrong (a file saved back as it was committed).
//!
//! Serve is the whole team's site ([`Audience::everyone`]): its supervision pages and their
//! search follow `search.include_supervision` as `waymark build`'s do. A save under `staff/`
//! reads everything again, like a change to the settings; a young person's change renders
//! the supervision pages again with the summary pages, since they name the young people.
//!
//! Each step is announced as soon as it is ready, so the page being edited reloads first:
//! the person's pages, then the summary pages, their history pages, and the search chunks
//! that changed ([`LiveIndex::update`]).
//!
//! When a changed file cannot be read (any error-severity diagnostic that loading reports for
//! it: YAML syntax, missing or invalid fields...), that person keeps their last good pages
//! and the problem is shown in the browser until the file is fixed.

use super::hub::Problem;
use super::store::{self, Served};
use super::watch::Batch;
use crate::audience::Audience;
use crate::check::{self, GitState, Report};
use crate::diag::{Diagnostic, Severity};
use crate::history::FileState;
use crate::load::{self, PersonLoad};
use crate::model::date::Date;
use crate::model::{Person, Repository};
use crate::render::history::SiteHistory;
use crate::render::markdown::Links;
use crate::render::search::live::LiveIndex;
use crate::render::templates::Theme;
use crate::render::views::SiteView;
use crate::render::{self, paths};
use crate::site::Site;
use crate::words::count;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// A change to the served site: these files, and with a prefix, no others under it.
#[derive(Debug)]
pub struct Patch {
    /// Files under this prefix that are not in `files` are removed ...
    pub prefix: Option<String>,
    /// ... unless this accepts them.
    pub keep: fn(&str) -> bool,
    /// Files to set.
    pub files: Vec<(String, Served)>,
}

impl Patch {
    /// Sets these files, removing nothing.
    fn set(files: Vec<(String, Served)>) -> Patch {
        Patch { prefix: None, keep: |_| false, files }
    }

    /// Sets these files, removing every other under `prefix`.
    fn under(prefix: String, files: Vec<(String, Served)>) -> Patch {
        Patch { prefix: Some(prefix), keep: |_| false, files }
    }
}

/// Whether a site path is one of a person's history pages (rendered in a later stage).
fn is_history_page(path: &str) -> bool {
    path.ends_with("/history.html") || path.contains("/history/")
}

/// One step of an update, published as soon as it is ready so the page being edited
/// reloads before the summary pages are done.
#[derive(Debug, Default)]
pub struct Stage {
    /// Changes to the site.
    pub patches: Vec<Patch>,
    /// Paths whose content changed on disk though their entry did not (attachments).
    pub touched: Vec<String>,
    /// Paths the site no longer has.
    pub removed: Vec<String>,
}

/// What an update did.
#[derive(Debug, Default)]
pub struct Updated {
    /// Entries of `records/` read and taken in.
    pub applied: Vec<String>,
    /// Entries whose changed files have errors, kept as they were.
    pub held: Vec<String>,
    /// Other people checked and rendered again because they link to a changed folder.
    pub dependents: Vec<String>,
}

/// What [`Loaded::search_job`] makes, finished: the search index, and what updates one person at a
/// time need.
pub struct Indexes {
    search: LiveIndex,
    files_by: BTreeMap<String, usize>,
    mentions: HashMap<String, BTreeSet<String>>,
}

/// The in-memory state of a served repository.
pub struct Model {
    root: PathBuf,
    /// The date the site is built for.
    pub today: Date,
    /// Shared with the thread making the search index at start-up.
    repo: Arc<Repository>,
    report: Report,
    /// The history and git status the site shows (status kept up to date for changed folders).
    git: GitState,
    theme: Theme,
    links: Links<'static>,
    indexed: bool,
    /// Files counted under each entry of `records/`, to keep the report's file count right.
    files_by: BTreeMap<String, usize>,
    /// The path segments each person's records mention, to find who links to whom.
    mentions: HashMap<String, BTreeSet<String>>,
    /// The search index, updated one person at a time.
    search: Option<LiveIndex>,
    /// Young people whose pages the served site holds; the others' are made when first asked for.
    made: BTreeSet<String>,
    /// Error diagnostics of files being edited, by entry of `records/`.
    problems: BTreeMap<String, Vec<Diagnostic>>,
    /// Print how long each step takes (`WAYMARK_SERVE_TRACE=1`).
    trace: bool,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("root", &self.root)
            .field("people", &self.repo.people.len())
            .finish_non_exhaustive()
    }
}

/// The entry of `records/` a repository path belongs to (`records/<name>` or below it).
pub fn territory(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("records/")?;
    let name = rest.split('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// A repository's records read, before its pages are made (see [`Model::load`]).
pub struct Loaded {
    root: PathBuf,
    /// Where the caches of `.waymark/` are read from ([`crate::history::cache_dir`]).
    cache: Option<PathBuf>,
    today: Date,
    git: GitState,
    repo: Arc<Repository>,
}

impl Loaded {
    /// Makes the search index of these records, its files, and what updates one person at a
    /// time need (see [`Model::index`]): to start before the pages are made. It holds the
    /// records until done, so take what it made with [`Model::set_search`] before any update
    /// (an update while it runs would copy every record).
    pub fn search_job(&self) -> impl FnOnce() -> (Indexed, Vec<(String, String)>) + Send + 'static {
        let (repo, today, root, cache) = (self.repo.clone(), self.today, self.root.clone(), self.cache.clone());
        let arrivals = crate::render::search::arrival::Arrivals::of(&repo, &self.git.history);
        move || {
            let (search, files) = LiveIndex::new_with(&repo, today, cache.as_deref(), &arrivals);
            (Indexed { search, repo, root }, files)
        }
    }

    /// Checks the records and makes the pages about everyone, without the search index: the
    /// rest of starting, after [`Model::load`].
    pub fn finish(self) -> Result<(Model, Site), String> {
        let Loaded { root, today, git, repo, .. } = self;
        let report = check::check_with(&repo, today, Some(&git));
        let theme = Theme::load(&repo.root, &repo.config.theme)?;
        let history = SiteHistory::new(&git.history, &repo, &git.uncommitted);
        // The search index's files come from the live index, which updates them later: made
        // once, by it, rather than by the render too. A young person's own pages are made
        // when first asked for (see [`Model::make`]): rendering all of them took half the
        // start-up and a third of the memory at 100,000 notes.
        let pages = std::sync::Mutex::new(Site::default());
        let summary = crate::render::reuse::Reuse::summary_only();
        render::render_to(&pages, &repo, &Audience::everyone(), &report, today, &theme, &history, &summary, &|| {})?;
        let site = pages.into_inner().unwrap_or_else(|e| e.into_inner());
        let links = Links::paths_of(&repo);
        let model = Model {
            root,
            today,
            repo,
            report,
            git,
            theme,
            links,
            indexed: false,
            files_by: BTreeMap::new(),
            mentions: HashMap::new(),
            search: None,
            made: BTreeSet::new(),
            problems: BTreeMap::new(),
            trace: std::env::var_os("WAYMARK_SERVE_TRACE").is_some_and(|v| v == "1"),
        };
        Ok((model, site))
    }
}

/// The search index made by [`Loaded::search_job`], its files already given; what else updates
/// need is worked out by [`Indexed::finish`], once search answers.
pub struct Indexed {
    search: LiveIndex,
    repo: Arc<Repository>,
    root: PathBuf,
}

impl Indexed {
    /// Counts the files under each entry of `records/` and what each person's records link to.
    pub fn finish(self) -> Indexes {
        let (files_by, mentions) = links_and_counts(&self.root, &self.repo);
        Indexes { search: self.search, files_by, mentions }
    }
}

impl Model {
    /// Loads, checks and renders the whole repository, as `waymark build` does, without writing
    /// it, search index included.
    pub fn build(root: &Path, today: Date) -> Result<(Model, Site), String> {
        let loaded = Model::load(root, today)?;
        let job = loaded.search_job();
        let (mut model, mut site) = loaded.finish()?;
        let (made, files) = job();
        for (path, text) in files {
            site.add(path, text);
        }
        model.set_search(made.finish());
        Ok((model, site))
    }

    /// The first step of starting: the records read, from which the search index can be
    /// started ([`Loaded::search_job`], on another thread, so that pages are served meanwhile)
    /// while [`Loaded::finish`] makes the pages.
    pub fn load(root: &Path, today: Date) -> Result<Loaded, String> {
        // As `waymark build` does.
        let cache = crate::history::cache_dir(root);
        let (git, repo) = GitState::load_with(root, cache.as_deref());
        let git = git.ok_or("reading the git history stopped unexpectedly")?;
        let repo = repo.map_err(|e| e.to_string())?;
        Ok(Loaded { root: root.to_path_buf(), cache, today, git, repo: Arc::new(repo) })
    }

    /// Takes what [`Loaded::search_job`] made, once [`Indexed::finish`] has finished it.
    pub fn set_search(&mut self, made: Indexes) {
        self.search = Some(made.search);
        self.files_by = made.files_by;
        self.mentions = made.mentions;
        self.indexed = true;
    }

    /// How many young people there are.
    pub fn people(&self) -> usize {
        self.repo.people.len()
    }

    /// One line about the site: people, errors and warnings.
    pub fn summary(&self) -> String {
        let errors = self.report.count(Severity::Error);
        let warnings = self.report.count(Severity::Warning);
        format!(
            "the site for {} (each one's pages are made when first opened): {}, {}",
            count(self.repo.people.len(), "young person"),
            count(errors, "error"),
            count(warnings, "warning"),
        )
    }

    /// The pages of the young person `id` (their own, their history and their attachments),
    /// when the served site does not hold them yet; from then on updates keep them up to
    /// date. `None`: no such young person, or their pages are already made.
    pub fn make(&mut self, id: &str) -> Result<Option<Vec<(String, Served)>>, String> {
        if self.made.contains(id) {
            return Ok(None);
        }
        let Some(person) = self.repo.person(id) else { return Ok(None) };
        let started = Instant::now();
        let site_view = SiteView::new(&self.repo.config, self.today);
        let diags: Vec<&Diagnostic> =
            self.report.diagnostics.iter().filter(|d| d.person.as_deref() == Some(id)).collect();
        let history = SiteHistory::new(&self.git.history, &self.repo, &self.git.uncommitted);
        let ctx = self.person_ctx(&diags, &site_view, &history);
        let mut files = self.own_files(person, &ctx)?;
        files.extend(store::pages(render::history_pages(person, &ctx, history.repository().as_ref())?));
        self.made.insert(id.to_string());
        self.lap("pages made on request", started);
        Ok(Some(files))
    }

    /// A person's own pages and attachments (not their history pages).
    fn own_files(&self, person: &Person, ctx: &render::PersonCtx) -> Result<Vec<(String, Served)>, String> {
        let mut files = store::pages(render::person_pages(&self.repo, person, ctx)?);
        files.extend(render::attachment_copies(&self.repo, person).map(|(p, from)| (p, Served::File(from))));
        Ok(files)
    }

    /// Builds what updates one person at a time need (done once, after the site is up).
    pub fn index(&mut self) {
        if self.indexed {
            return;
        }
        let started = Instant::now();
        (self.files_by, self.mentions) = links_and_counts(&self.root, &self.repo);
        self.indexed = true;
        self.lap("indexing", started);
    }

    /// The problems to show in the browser now.
    pub fn problems(&self) -> Vec<Problem> {
        self.problems.values().flatten().map(Problem::of).collect()
    }

    /// Carries the problems of files still broken over from the model this one replaces.
    pub fn keep_problems(&mut self, old: &Model) {
        for (name, list) in &old.problems {
            let still: Vec<Diagnostic> = self
                .report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error && list.iter().any(|p| p.file == d.file))
                .cloned()
                .collect();
            if !still.is_empty() {
                self.problems.insert(name.clone(), still);
            }
        }
    }

    /// Takes in a batch of changes under `records/`, publishing each stage of pages as it is ready.
    pub fn update(&mut self, batch: &Batch, publish: &mut dyn FnMut(Stage)) -> Result<Updated, String> {
        self.index();
        let started = Instant::now();
        let mut done = Updated::default();
        let mut set_changed = Vec::new();
        let mut touched = Vec::new();
        for name in &batch.people {
            let loaded = load::load_person(&self.root, name);
            let errors = self.errors_in_edited(name, batch, &loaded);
            let exists = self.repo.person(name).is_some();
            if errors.is_empty() {
                self.problems.remove(name);
            } else {
                self.problems.insert(name.clone(), errors);
                // Nothing good to keep for someone new: show what can be read.
                if exists {
                    done.held.push(name.clone());
                    continue;
                }
            }
            if self.replace(name, loaded) {
                set_changed.push(name.clone());
            }
            self.guess_status(name, batch);
            done.applied.push(name.clone());
            touched.extend(batch.files.iter().filter(|f| territory(f) == Some(name)).filter_map(|f| {
                match paths::site_target(f) {
                    Some((path, None)) if path.contains("/files/") => Some(path),
                    _ => None,
                }
            }));
        }
        let applied: BTreeSet<&str> = done.applied.iter().map(String::as_str).collect();
        let mut dependents = BTreeSet::new();
        for name in &set_changed {
            for (who, named) in &self.mentions {
                if who != name && !applied.contains(who.as_str()) && named.contains(name) {
                    dependents.insert(who.clone());
                }
            }
        }
        done.dependents = dependents.into_iter().collect();
        let targets: BTreeSet<String> = done.applied.iter().chain(&done.dependents).cloned().collect();
        if targets.is_empty() {
            return Ok(done);
        }
        self.lap("reading", started);
        self.rerender(&targets, touched, publish)?;
        if !done.applied.is_empty() {
            self.reindex(&done.applied, publish);
        }
        Ok(done)
    }

    /// Checks these entries of `records/` again and renders their pages, then the summary
    /// pages, then their history pages, publishing each stage as it is ready.
    fn rerender(
        &mut self,
        targets: &BTreeSet<String>,
        touched: Vec<String>,
        publish: &mut dyn FnMut(Stage),
    ) -> Result<(), String> {
        let mut started = Instant::now();
        self.recheck(targets);
        started = self.lap("checking", started);
        let site_view = SiteView::new(&self.repo.config, self.today);
        let by_person = render::diagnostics_by_person(&self.report);
        let history = SiteHistory::without_timelines(&self.git.history, &self.repo, &self.git.uncommitted);
        let none = Vec::new();
        let diags = |name: &str| by_person.get(name).unwrap_or(&none).as_slice();
        let ctx_of = |name: &str| self.person_ctx(diags(name), &site_view, &history);
        // Pages not made yet stay so: they are made from the records as they are when asked for.
        let gone: Vec<&String> = targets.iter().filter(|n| self.repo.person(n).is_none()).collect();
        let made: Vec<&String> = targets.iter().filter(|n| self.made.contains(*n)).collect();
        let patches = made
            .par_iter()
            .map(|name| {
                let prefix = format!("{}/", paths::person_dir(name));
                let Some(person) = self.repo.person(name) else { return Ok(Patch::under(prefix, Vec::new())) };
                let files = self.own_files(person, &ctx_of(name))?;
                // History pages come last, in their own stage.
                Ok(Patch { prefix: Some(prefix), keep: is_history_page, files })
            })
            .collect::<Result<Vec<Patch>, String>>()?;
        publish(Stage { patches, touched, removed: Vec::new() });
        started = self.lap("person pages", started);

        let diags_of = |p: &Person| by_person.get(p.id.as_str()).unwrap_or(&none);
        let team = Audience::everyone();
        let pages =
            render::summary_pages(&self.repo, &team, &self.report, self.today, &self.theme, &site_view, &diags_of)?;
        let (advisers, summary): (Vec<_>, Vec<_>) = pages.into_iter().partition(|(p, _)| p.starts_with("advisers/"));
        // Supervision pages name the young people discussed, so a change to one shows there too.
        let supervision = render::supervision::pages(&self.repo, &team, self.today, &self.theme, &site_view, &history)?;
        let patches = vec![
            Patch::under("advisers/".into(), store::pages(advisers)),
            Patch::set(store::pages(summary)),
            Patch::set(store::pages(supervision)),
        ];
        publish(Stage { patches, ..Stage::default() });
        started = self.lap("summary pages", started);

        let history = SiteHistory::new(&self.git.history, &self.repo, &self.git.uncommitted);
        let ctx_of = |name: &str| self.person_ctx(diags(name), &site_view, &history);
        let patches = made
            .par_iter()
            .filter_map(|name| self.repo.person(name).map(|person| (name, person)))
            .map_init(
                // One git handle per worker: libgit2 repositories are not shared between threads.
                || history.repository(),
                |git, (name, person)| {
                    let pages = render::history_pages(person, &ctx_of(name), git.as_ref())?;
                    let (timeline, records): (Vec<_>, Vec<_>) =
                        store::pages(pages).into_iter().partition(|(p, _)| p.ends_with("/history.html"));
                    let prefix = format!("{}/history/", paths::person_dir(name));
                    Ok([Patch::under(prefix, records), Patch::set(timeline)])
                },
            )
            .collect::<Result<Vec<[Patch; 2]>, String>>()?;
        publish(Stage { patches: patches.into_iter().flatten().collect(), ..Stage::default() });
        self.lap("history pages", started);
        for name in gone {
            self.made.remove(name);
        }
        Ok(())
    }

    /// Puts these people's records into the search index and publishes the files that changed.
    fn reindex(&mut self, names: &[String], publish: &mut dyn FnMut(Stage)) {
        let started = Instant::now();
        let Some(search) = self.search.as_mut() else { return };
        let mut stage = Stage::default();
        let mut written = Vec::new();
        for name in names {
            let changes = search.update(&self.repo, name);
            written.extend(changes.written);
            stage.removed.extend(changes.removed);
        }
        stage.patches.push(Patch::set(store::pages(written)));
        publish(stage);
        self.lap("search index", started);
    }

    /// What rendering one person's pages needs besides the person.
    fn person_ctx<'a>(
        &'a self,
        diags: &'a [&'a Diagnostic],
        site: &'a SiteView,
        history: &'a SiteHistory<'a>,
    ) -> render::PersonCtx<'a> {
        render::PersonCtx {
            diags,
            today: self.today,
            theme: &self.theme,
            site,
            links: &self.links,
            memo: None,
            history,
        }
    }

    /// Asks git for the status of these entries of `records/` and, where it differs from what
    /// was guessed, checks and renders them again.
    pub fn verify_status(&mut self, names: &[String], publish: &mut dyn FnMut(Stage)) -> Result<(), String> {
        if self.git.history.git().is_none() || names.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let mut wrong = BTreeSet::new();
        for name in names {
            let folder = format!("records/{name}");
            let inside = |p: &str| p == folder || p.strip_prefix(&folder).is_some_and(|rest| rest.starts_with('/'));
            // A failing status (a locked index, say) leaves the guess in place.
            let Ok(now) = self.git.history.uncommitted(&folder) else { continue };
            let now: Vec<(String, FileState)> = now.into_iter().filter(|(p, _)| inside(p)).collect();
            let guessed: Vec<&(String, FileState)> = self.git.uncommitted.iter().filter(|(p, _)| inside(p)).collect();
            if guessed.len() != now.len() || guessed.iter().zip(&now).any(|(a, b)| *a != b) {
                self.git.uncommitted.retain(|(p, _)| !inside(p));
                self.git.uncommitted.extend(now);
                self.git.uncommitted.sort_by(|a, b| a.0.cmp(&b.0));
                wrong.insert(name.clone());
            }
        }
        self.lap("git status", started);
        if wrong.is_empty() {
            return Ok(());
        }
        self.rerender(&wrong, Vec::new(), publish)
    }

    /// Error diagnostics that loading reports for the files being edited in this entry: those
    /// changed in the batch, and those that already had problems.
    fn errors_in_edited(&self, name: &str, batch: &Batch, loaded: &PersonLoad) -> Vec<Diagnostic> {
        let mut edited: BTreeSet<&str> =
            batch.files.iter().filter(|f| territory(f) == Some(name)).map(String::as_str).collect();
        if let Some(old) = self.problems.get(name) {
            edited.extend(old.iter().map(|d| d.file.as_str()));
        }
        let mut diags: Vec<Diagnostic> =
            loaded.diagnostics.iter().filter(|d| edited.contains(d.file.as_str())).cloned().collect();
        check::settle(&self.repo.config, &mut diags);
        diags.retain(|d| d.severity == Severity::Error);
        diags
    }

    /// Puts a freshly read entry of `records/` in place of the old one; returns whether its
    /// set of files changed (which matters to whoever links to it).
    fn replace(&mut self, name: &str, loaded: PersonLoad) -> bool {
        let prefix = format!("records/{name}/");
        let old_sources: Vec<String> = self
            .repo
            .sources
            .range::<str, _>((std::ops::Bound::Included(prefix.as_str()), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        let at = self.repo.people.binary_search_by(|p| p.id.as_str().cmp(name));
        let old_attachments = at.ok().map(|i| self.repo.people[i].attachments.clone()).unwrap_or_default();
        let new_attachments = loaded.person.as_ref().map(|p| p.attachments.clone()).unwrap_or_default();
        let old_set: BTreeSet<&String> = old_sources.iter().chain(&old_attachments).collect();
        // The records are shared only while the search index is first made, which is taken
        // before any update: this copies nothing.
        let repo = Arc::make_mut(&mut self.repo);
        let new_set: BTreeSet<&String> = loaded.sources.keys().chain(&new_attachments).collect();
        let set_changed = old_set != new_set;

        for path in old_sources.iter().chain(&old_attachments) {
            repo.sources.remove(path);
            self.links.remove(path);
        }
        for path in loaded.sources.keys().chain(&new_attachments) {
            self.links.insert(path.clone());
        }
        repo.sources.extend(loaded.sources);
        repo.diagnostics.retain(|d| territory(&d.file) != Some(name));
        repo.diagnostics.extend(loaded.diagnostics);
        let old_files = self.files_by.remove(name).unwrap_or(0);
        if loaded.files > 0 {
            self.files_by.insert(name.to_string(), loaded.files);
        }
        repo.files = repo.files + loaded.files - old_files.min(repo.files);
        match (at, loaded.person) {
            (Ok(i), Some(person)) => repo.people[i] = person,
            (Ok(i), None) => {
                repo.people.remove(i);
            }
            (Err(i), Some(person)) => repo.people.insert(i, person),
            (Err(_), None) => {}
        }
        match self.repo.person(name) {
            Some(person) => self.mentions.insert(name.to_string(), mentions(person)),
            None => self.mentions.remove(name),
        };
        set_changed
    }

    /// Checks these entries of `records/` again and puts their diagnostics into the report.
    fn recheck(&mut self, targets: &BTreeSet<String>) {
        let touched = |file: &str| territory(file).is_some_and(|t| targets.contains(t));
        self.report.diagnostics.retain(|d| !touched(&d.file));
        let mut fresh: Vec<Diagnostic> = self.repo.diagnostics.iter().filter(|d| touched(&d.file)).cloned().collect();
        for name in targets {
            fresh.extend(check::check_person(&self.repo, self.today, name, Some(&self.git)));
        }
        check::settle(&self.repo.config, &mut fresh);
        self.report.diagnostics.extend(fresh);
        self.report.diagnostics.sort_by(|a, b| (&a.file, a.pos, a.rule).cmp(&(&b.file, b.pos, b.rule)));
        self.report.files = self.repo.files + 1;
    }

    /// Guesses git status for the files of this entry changed in the batch, without asking git
    /// (which reads the whole index: about 100 ms on 100,000 notes): a file git has seen is
    /// modified, one it has not is new. [`Model::verify_status`] asks git once the pages are out
    /// and puts a wrong guess right (a file saved back as it was committed, say).
    fn guess_status(&mut self, name: &str, batch: &Batch) {
        if self.git.history.git().is_none() {
            return;
        }
        for file in batch.files.iter().filter(|f| territory(f) == Some(name)) {
            self.git.uncommitted.retain(|(p, _)| p != file);
            if std::fs::symlink_metadata(self.root.join(file)).is_ok_and(|m| m.is_file()) {
                let state = if self.git.history.last_change(file).is_some() {
                    FileState::Modified
                } else {
                    FileState::Untracked
                };
                self.git.uncommitted.push((file.clone(), state));
            }
        }
        self.git.uncommitted.sort_by(|a, b| a.0.cmp(&b.0));
    }

    fn lap(&self, what: &str, since: Instant) -> Instant {
        if self.trace {
            eprintln!("  {what}: {:.1} ms", since.elapsed().as_secs_f64() * 1000.0);
        }
        Instant::now()
    }
}

/// What updates one person at a time need: files counted under each entry of `records/`, and
/// the path segments each person's records mention (see [`mentions`]).
fn links_and_counts(root: &Path, repo: &Repository) -> (BTreeMap<String, usize>, HashMap<String, BTreeSet<String>>) {
    (load::files_by_person(root), repo.people.par_iter().map(|p| (p.id.clone(), mentions(p))).collect())
}

/// The path segments a person's records name after a `/`: every way a relative link can reach
/// another person's folder passes through `../<id>/`, so this holds the id of anyone they link to.
fn mentions(person: &Person) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for source in person.sources() {
        let text = source.body();
        for (i, _) in text.match_indices('/') {
            let rest = &text[i + 1..];
            let end =
                rest.find(|c: char| c == '/' || c.is_whitespace() || ")]>\"'#?".contains(c)).unwrap_or(rest.len());
            if end > 0 && end <= 64 && !rest[..end].starts_with('.') {
                out.insert(rest[..end].to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territories() {
        assert_eq!(territory("records/yp-1/notes/x.md"), Some("yp-1"));
        assert_eq!(territory("records/yp-1"), Some("yp-1"));
        assert_eq!(territory("records/stray.txt"), Some("stray.txt"));
        assert_eq!(territory("waymark.yaml"), None);
        assert_eq!(territory("records/"), None);
    }
}
