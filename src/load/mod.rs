//! Loading a records repository: find the root, walk `records/`, split and parse every file.
//!
//! Every problem met on the way becomes a diagnostic; only a missing or
//! unreadable root stops loading.

pub mod cache;
pub mod conflict;
pub mod fields;
pub mod records;
pub mod spec;
pub mod yaml;

use crate::config::{Config, CONFIG_FILE};
use crate::diag::{Diagnostic, Rule};
use crate::model::date::parse_date;
use crate::model::vocab::valid_id;
use crate::model::{Person, Repository, Source, Supervision};
use fields::Ctx;
use rayon::prelude::*;
use records::{Kind, Record};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use yaml::Pos;

/// Front matter larger than this is refused: serde_yaml is quadratic on
/// deeply nested flow collections, and no real record comes near it.
pub const MAX_FRONT_MATTER: usize = 256 * 1024;

/// Why a repository could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    /// No `waymark.yaml` in the folder or any folder above it.
    NoConfig(PathBuf),
    /// The root or its configuration could not be read.
    Unreadable(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoConfig(from) => write!(
                f,
                "no {CONFIG_FILE} found in {} or any folder above it.\n  Run waymark inside a records repository, or name one with --root DIR.",
                from.display()
            ),
            LoadError::Unreadable(path, e) => {
                write!(f, "cannot read {}: {e}.\n  Check that the folder exists and that you may read it.", path.display())
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Finds the repository root: `start` or the nearest folder above it holding `waymark.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf, LoadError> {
    let start = start.canonicalize().map_err(|e| LoadError::Unreadable(start.to_path_buf(), e))?;
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or(LoadError::NoConfig(start))
}

/// Loads the repository at `root` (the folder holding `waymark.yaml`).
pub fn load(root: &Path) -> Result<Repository, LoadError> {
    load_with(root, &Overlay::new())
}

/// Files read from elsewhere than the disk, by path relative to the root: the staged versions
/// `waymark check --staged` takes from git's index.
pub type Overlay = BTreeMap<String, Vec<u8>>;

/// Loads the repository at `root` as [`load`] does, taking the records that have not changed
/// since they were last read from the records cache in `cache_dir` (`.waymark/cache/`, see
/// [`cache`]) and refreshing it; with no `cache_dir`, exactly [`load`].
pub fn load_cached(root: &Path, cache_dir: Option<&Path>) -> Result<Repository, LoadError> {
    load_from(root, &Overlay::new(), cache_dir).map(|(repo, _)| repo)
}

/// Loads the repository as [`load_cached`] does, and tells what the walk of the disk met.
pub fn load_walked(root: &Path, cache_dir: Option<&Path>) -> Result<(Repository, Walked), LoadError> {
    load_from(root, &Overlay::new(), cache_dir)
}

/// What a walk of `records/` and `staff/` met on the disk, for telling which files git's index
/// already vouches for without asking git to walk them again
/// ([`crate::history::History::uncommitted_walked`]).
#[derive(Debug, Default, Clone)]
pub struct Walked {
    /// Every file met (records, attachments, and files that are not read: hidden, linked or
    /// misnamed), by path from the root, with its stamp when one was taken.
    pub files: Vec<(String, Option<cache::Stamp>)>,
    /// Whether the contents of a folder were left unmet (a hidden folder, a folder outside the
    /// layout, one that could not be read), so that what is in it is not known.
    pub folders_skipped: bool,
}

/// Loads the repository at `root` as [`load`] does, but reads the files named in `overlay`
/// from it instead of the disk.
pub fn load_with(root: &Path, overlay: &Overlay) -> Result<Repository, LoadError> {
    load_from(root, overlay, None).map(|(repo, _)| repo)
}

/// [`load_with`], through the records cache in `cache_dir` if one is given (never with an overlay).
fn load_from(root: &Path, overlay: &Overlay, cache_dir: Option<&Path>) -> Result<(Repository, Walked), LoadError> {
    let config_path = root.join(CONFIG_FILE);
    if !config_path.is_file() {
        return Err(LoadError::NoConfig(root.to_path_buf()));
    }
    let bytes = match overlay.get(CONFIG_FILE) {
        Some(bytes) => bytes.clone(),
        None => std::fs::read(&config_path).map_err(|e| LoadError::Unreadable(config_path.clone(), e))?,
    };
    let mut diagnostics = Vec::new();
    let config = parse_config(&bytes, &mut diagnostics);

    let (jobs, folders, walk_diags, met) = walk(root);
    diagnostics.extend(walk_diags);
    let files = jobs.len();
    let read = |job: &Job| read_record(job, overlay);
    let (results, stamps) = match cache_dir {
        // A staged file's record is not the disk's: the cache is the disk's only.
        Some(dir) if overlay.is_empty() => cache::read_through(root, dir, &jobs, &read),
        _ => (jobs.par_iter().map(read).collect(), vec![None; jobs.len()]),
    };
    let mut walked = met;
    walked.files.extend(jobs.iter().map(|j| j.rel.clone()).zip(stamps));
    let (people, sources, supervision) = assemble(&jobs, results, folders, &mut diagnostics);
    let repo = Repository {
        root: root.to_path_buf(),
        config,
        people: people.into_values().collect(),
        supervision,
        sources,
        diagnostics,
        files,
    };
    Ok((repo, walked))
}

/// Reads `waymark.yaml`'s bytes, reporting what is wrong in it; a file that cannot be read gives the defaults.
fn parse_config(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> Config {
    match decode(bytes) {
        Ok(text) => {
            let (config, diags) = Config::parse(&text);
            diagnostics.extend(diags);
            config
        }
        Err((pos, msg)) => {
            diagnostics.push(Diagnostic::new(Rule::YamlSyntax, CONFIG_FILE, pos, msg).help("save the file as UTF-8"));
            Config::default()
        }
    }
}

/// What reading one entry of `records/` gave: normally one young person's folder.
#[derive(Debug, Default)]
pub struct PersonLoad {
    /// The person, if `records/<name>` is a folder.
    pub person: Option<Person>,
    /// Their record files, by path.
    pub sources: BTreeMap<String, Arc<Source>>,
    /// Problems found reading the entry, as [`load`] reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of record files and attachments found.
    pub files: usize,
}

/// Reads one entry of `records/` (`name` is a person id or a stray file's name) exactly as
/// [`load`] reads it as part of the whole repository, so `waymark serve` can reload one person.
pub fn load_person(root: &Path, name: &str) -> PersonLoad {
    let entry = root.join("records").join(name);
    // A name that is gone (a folder deleted) holds nothing, as it would in a full load.
    let gone = std::fs::symlink_metadata(&entry).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    if gone || name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return PersonLoad::default();
    }
    let (jobs, folders, mut diagnostics, _) = walk_from(root, &entry, 0);
    let files = jobs.len();
    let (people, sources, _) = assemble(&jobs, read_all(&jobs), folders, &mut diagnostics);
    PersonLoad { person: people.into_values().next(), sources, diagnostics, files }
}

/// How many files [`load`] counts under each entry of `records/`, by entry name.
pub fn files_by_person(root: &Path) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for job in walk(root).0 {
        *out.entry(job.person).or_default() += 1;
    }
    out
}

/// What [`assemble`] gives: people by id, record sources by path, and supervision records.
type Assembled = (BTreeMap<String, Person>, BTreeMap<String, Arc<Source>>, Vec<Supervision>);

/// Reads the files of `jobs` in parallel, each as it is on the disk or in its blob.
fn read_all(jobs: &[Job]) -> Vec<FileRead> {
    jobs.par_iter().map(|job| read_record(job, &Overlay::new())).collect()
}

/// Sorts what reading the files of `jobs` gave (`results`, in the same order) into people
/// (one for each of `folders`, and any others the files name).
fn assemble(
    jobs: &[Job],
    mut results: Vec<FileRead>,
    folders: Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Assembled {
    let mut people: BTreeMap<String, Person> =
        folders.into_iter().map(|id| (id.clone(), Person { id, ..Person::default() })).collect();
    // A folder's files are together in walk order: each run of them is filed on its own, in
    // parallel (filing 100,000 records on one thread took a twentieth of a one-note build's
    // time), and the runs are joined in order.
    let mut runs = Vec::new();
    let mut rest = results.as_mut_slice();
    for run in jobs.chunk_by(|a, b| a.person == b.person) {
        let (reads, tail) = rest.split_at_mut(run.len().min(rest.len()));
        runs.push((run, reads));
        rest = tail;
    }
    let filed: Vec<Filed> = runs.into_par_iter().map(|(run, reads)| file(run, reads)).collect();
    // Gathered in walk order and built into the map at once: inserting 100,000 paths one at a
    // time compared each with a dozen others on the way down.
    let mut sources = Vec::with_capacity(jobs.len());
    let mut supervision = Vec::new();
    for run in filed {
        diagnostics.extend(run.diagnostics);
        sources.extend(run.sources);
        supervision.extend(run.supervision);
        if let Some(person) = run.person {
            match people.get_mut(&person.id) {
                Some(known) => absorb(known, person),
                None => {
                    people.insert(person.id.clone(), person);
                }
            }
        }
    }
    people.par_iter_mut().for_each(|(_, person)| {
        person.notes.sort_by(|a, b| (a.date.value, &a.source.path).cmp(&(b.date.value, &b.source.path)));
        person.outcomes.sort_by(|a, b| (a.date.value, &a.source.path).cmp(&(b.date.value, &b.source.path)));
        person.feedback.sort_by(|a, b| (a.date.value, &a.source.path).cmp(&(b.date.value, &b.source.path)));
    });
    for person in people.values().filter(|p| !p.has_profile_file) {
        let mut d = Diagnostic::new(
            Rule::BadPath,
            &format!("records/{}", person.id),
            Pos::new(1, 1),
            format!("the folder for `{}` has no profile.md", person.id),
        )
        .help("every young person needs records/<id>/profile.md with at least name, date_of_birth and legal_status");
        d.person = Some(person.id.clone());
        diagnostics.push(d);
    }
    supervision.sort_by(|a: &Supervision, b: &Supervision| (&a.staff, a.date.value).cmp(&(&b.staff, b.date.value)));
    (people, sources.into_iter().collect(), supervision)
}

/// Joins what a run of files gave about a young person to what is already known of them, as
/// if those files had been read after the others (a record read later takes the place of one
/// read before).
fn absorb(known: &mut Person, from: Person) {
    let Person {
        id: _,
        profile,
        has_profile_file,
        plan,
        has_plan_file,
        passport,
        has_passport_file,
        notes,
        outcomes,
        feedback,
        attachments,
    } = from;
    fn join<T>(into: &mut Vec<T>, more: Vec<T>) {
        match into.is_empty() {
            true => *into = more,
            false => into.extend(more),
        }
    }
    known.profile = profile.or(known.profile.take());
    known.plan = plan.or(known.plan.take());
    known.passport = passport.or(known.passport.take());
    known.has_profile_file |= has_profile_file;
    known.has_plan_file |= has_plan_file;
    known.has_passport_file |= has_passport_file;
    join(&mut known.notes, notes);
    join(&mut known.outcomes, outcomes);
    join(&mut known.feedback, feedback);
    join(&mut known.attachments, attachments);
}

/// What one run of a folder's files gave, filed: the young person they belong to (none for
/// `staff/`'s supervision records), the sources, supervision records and diagnostics.
#[derive(Default)]
struct Filed {
    person: Option<Person>,
    sources: Vec<(String, Arc<Source>)>,
    supervision: Vec<Supervision>,
    diagnostics: Vec<Diagnostic>,
}

/// Files what reading each of `run`'s jobs gave (taken out of `reads`), as [`assemble`] joins it.
fn file(run: &[Job], reads: &mut [FileRead]) -> Filed {
    let mut out = Filed { sources: Vec::with_capacity(run.len()), ..Filed::default() };
    for (job, read) in run.iter().zip(reads) {
        let FileRead { record, source, diagnostics } = std::mem::take(read);
        out.diagnostics.extend(diagnostics);
        if let Some(source) = source {
            out.sources.push((job.rel.clone(), source));
        }
        // Supervision is about a member of staff, never filed with a young person.
        if job.kind == Some(Kind::Supervision) {
            if let Some(Record::Supervision(s)) = record {
                out.supervision.push(s);
            }
            continue;
        }
        // Every job of a run has the same person (see [`assemble`]).
        let person = out.person.get_or_insert_with(|| Person { id: job.person.clone(), ..Person::default() });
        match job.kind {
            Some(Kind::Profile) => person.has_profile_file = true,
            Some(Kind::Plan) => person.has_plan_file = true,
            Some(Kind::Passport) => person.has_passport_file = true,
            Some(_) => {}
            None => person.attachments.push(job.rel.clone()),
        }
        match record {
            Some(Record::Profile(p)) => person.profile = Some(*p),
            Some(Record::Plan(p)) => person.plan = Some(*p),
            Some(Record::Passport(p)) => person.passport = Some(*p),
            Some(Record::Note(n)) => person.notes.push(n),
            Some(Record::Outcome(o)) => person.outcomes.push(o),
            Some(Record::Feedback(f)) => person.feedback.push(f),
            Some(Record::Supervision(_)) | None => {}
        }
    }
    out
}

/// One file to read: where it is and what its path says it is.
struct Job {
    src: Src,
    rel: String,
    person: String,
    /// `None` for an attachment under `files/`.
    kind: Option<Kind>,
}

/// Where a file's bytes come from: the disk, or (for [`load_at`]) a git blob read beforehand.
enum Src {
    Disk(PathBuf),
    Blob(Vec<u8>),
}

/// What the layout of FORMAT.md §1 makes of one entry under `records/`.
enum Layout {
    /// A young person's folder, `records/<id>`; the flag says whether the id is valid.
    Person(bool),
    /// A file to read (a record of this kind, or an attachment when `None`).
    File(Option<Kind>),
    /// A folder that may hold files (`notes/`, `files/`...).
    Folder,
    /// Something that breaks the layout: what is wrong, how to fix it, and whether to skip into it.
    Bad(String, &'static str, bool),
}

/// Decides what the entry at `parts` (the path below `top`, `records` or `staff`, split at `/`) is: the
/// one place that knows the layout, for the disk walk and the walk of a git tree alike.
fn classify(top: &str, parts: &[&str], is_dir: bool) -> Layout {
    if top == "staff" {
        return classify_staff(parts, is_dir);
    }
    match (parts, is_dir) {
        ([id], true) => Layout::Person(valid_id(id)),
        ([_], false) => Layout::Bad(
            "files do not belong directly in records/".into(),
            "put each young person's files in records/<person-id>/",
            false,
        ),
        ([_, "notes" | "outcomes" | "files" | "feedback"], true) => Layout::Folder,
        ([_, "profile.md"], false) => Layout::File(Some(Kind::Profile)),
        ([_, "pathway-plan.md"], false) => Layout::File(Some(Kind::Plan)),
        ([_, "health-passport.md"], false) => Layout::File(Some(Kind::Passport)),
        ([_, "files", ..], false) => Layout::File(None),
        ([_, "files", ..], true) => Layout::Folder,
        ([_, "notes", file], false) if note_name_date(file).is_some() => Layout::File(Some(Kind::Note)),
        ([_, "notes", file], false) => Layout::Bad(
            format!("`{file}` is not a note file name"),
            "name notes YYYY-MM-DD-<slug>.md, with a slug of lowercase letters, digits and `-` (for example 2026-11-02-home-visit.md)",
            false,
        ),
        ([_, "feedback", file], false) if note_name_date(file).is_some() => Layout::File(Some(Kind::Feedback)),
        ([_, "feedback", file], false) => Layout::Bad(
            format!("`{file}` is not a feedback file name"),
            "name feedback YYYY-MM-DD-<slug>.md, with a slug of lowercase letters, digits and `-` (for example 2026-10-12-questionnaire.md)",
            false,
        ),
        ([_, "outcomes", file], false) if outcome_name_date(file).is_some() => Layout::File(Some(Kind::Outcome)),
        ([_, "outcomes", file], false) => Layout::Bad(
            format!("`{file}` is not an outcome reading file name"),
            "name outcome readings YYYY-MM-DD.md (for example 2026-05-01.md)",
            false,
        ),
        (_, dir) => Layout::Bad(
            format!("Waymark does not know what this {} is", if dir { "folder" } else { "file" }),
            "a young person's folder holds profile.md, pathway-plan.md, health-passport.md, notes/, outcomes/, feedback/ and files/",
            dir,
        ),
    }
}

/// The layout of `staff/` (FORMAT.md 1.2): `staff/<staff-id>/supervision/YYYY-MM-DD.md` and nothing else.
fn classify_staff(parts: &[&str], is_dir: bool) -> Layout {
    match (parts, is_dir) {
        ([id], true) if valid_id(id) => Layout::Folder,
        ([_, "supervision"], true) => Layout::Folder,
        ([_, "supervision", file], false) if outcome_name_date(file).is_some() => Layout::File(Some(Kind::Supervision)),
        ([_, "supervision", file], false) => Layout::Bad(
            format!("`{file}` is not a supervision file name"),
            "name supervision records YYYY-MM-DD.md (for example 2026-11-03.md)",
            false,
        ),
        ([id], true) => Layout::Bad(
            format!("`{id}` is not a valid staff id"),
            "name the folder after the staff id in waymark.yaml, such as staff/sam-okafor/",
            true,
        ),
        (_, dir) => Layout::Bad(
            format!("Waymark does not know what this {} is", if dir { "folder" } else { "file" }),
            "staff/ holds one folder per staff id, each with supervision/YYYY-MM-DD.md records",
            dir,
        ),
    }
}

/// Collects jobs, person folders and layout problems as a walk (of the disk or of a git tree) meets entries.
#[derive(Default)]
struct Walker {
    jobs: Vec<Job>,
    folders: Vec<String>,
    diags: Vec<Diagnostic>,
    /// Files met but not read, and whether a folder's contents went unmet.
    met: Walked,
}

impl Walker {
    /// A layout problem at `rel`; `top_dir` says `rel` is a folder directly under `records/`, which
    /// belongs to the person it names (a stray file in records/ belongs to nobody).
    fn bad(&mut self, rel: &str, message: String, help: &str, top_dir: bool) {
        let mut d = Diagnostic::new(Rule::BadPath, rel, Pos::new(1, 1), message).help(help);
        if d.person.is_none() && top_dir {
            d.person = rel.strip_prefix("records/").map(str::to_string);
        }
        self.diags.push(d);
    }

    /// Handles one entry (`rel` relative to the root, starting `records/`); returns whether a
    /// walk should skip the folder's contents. `src` gives the file's bytes when it is to be read.
    fn entry(&mut self, rel: String, is_dir: bool, src: impl FnOnce() -> Src) -> bool {
        let top = rel.split('/').next().unwrap_or("records");
        let parts: Vec<&str> = rel.split('/').skip(1).collect();
        let person = parts.first().copied().unwrap_or("").to_string();
        match classify(top, &parts, is_dir) {
            Layout::Person(valid) => {
                if !valid {
                    self.bad(
                        &rel,
                        format!("`{person}` is not a valid person id"),
                        "person ids are 2 to 40 lowercase letters, digits and `-`, starting with a letter or digit (for example yp-0007); never a name",
                        true,
                    );
                }
                self.folders.push(person);
                false
            }
            Layout::File(kind) => {
                self.jobs.push(Job { src: src(), rel, person, kind });
                false
            }
            Layout::Folder => false,
            Layout::Bad(message, help, skip) => {
                self.bad(&rel, message, help, is_dir && parts.len() == 1);
                // A folder walked into anyway is not itself a file git could list.
                if !is_dir || skip {
                    self.unread(rel, is_dir);
                }
                skip
            }
        }
    }

    /// Notes an entry met but not read: a file, or a folder whose contents are left unmet.
    fn unread(&mut self, rel: String, skipped_folder: bool) {
        match skipped_folder {
            true => self.met.folders_skipped = true,
            false => self.met.files.push((rel, None)),
        }
    }

    fn finish(self) -> Walk {
        (self.jobs, self.folders, self.diags, self.met)
    }
}

/// What a walk gives: the files to read, the young people's folders, layout problems, and
/// what else it met.
type Walk = (Vec<Job>, Vec<String>, Vec<Diagnostic>, Walked);

/// Walks `records/` without following symlinks, sorting files into jobs and
/// reporting anything that breaks the layout.
fn walk(root: &Path) -> Walk {
    let mut out: Walk = Default::default();
    for top in ["records", "staff"] {
        let dir = root.join(top);
        if dir.is_dir() {
            for (jobs, folders, diags, met) in walk_entries(root, &dir) {
                out.0.extend(jobs);
                out.1.extend(folders);
                out.2.extend(diags);
                out.3.files.extend(met.files);
                out.3.folders_skipped |= met.folders_skipped;
            }
        }
    }
    out
}

/// What walking each entry of `dir` gives, in the order of their names: each entry on its own,
/// in parallel (a thousand young people's folders take one thread a quarter of a second), or
/// the folder as a whole when it cannot be listed, which reports why.
fn walk_entries(root: &Path, dir: &Path) -> Vec<Walk> {
    let listed: std::io::Result<Vec<PathBuf>> =
        std::fs::read_dir(dir).and_then(|it| it.map(|e| e.map(|e| e.path())).collect());
    match listed {
        Ok(mut entries) => {
            // In file-name order, as `walk_from` orders each folder's entries.
            entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
            entries.par_iter().map(|entry| walk_from(root, entry, 0)).collect()
        }
        Err(_) => vec![walk_from(root, dir, 1)],
    }
}

/// Walks from `start` (`records/` at `min_depth` 1, or one entry of it at depth 0) as [`walk`] does.
fn walk_from(root: &Path, start: &Path, min_depth: usize) -> Walk {
    let mut w = Walker::default();
    let records = root.join("records");
    let top_dir = |rel: &str| {
        !rel.trim_start_matches("records/").contains('/') && records.join(rel.trim_start_matches("records/")).is_dir()
    };
    // An entry walked on its own is a record like any other: a link there is reported, not followed.
    let mut it = walkdir::WalkDir::new(start)
        .follow_links(false)
        .follow_root_links(min_depth > 0)
        // In file-name order, compared as whole paths: siblings share their folder's path, so
        // the order is the same, and finding each name in its path for every comparison was
        // a fiftieth of a one-note build's CPU.
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .min_depth(min_depth)
        .into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| relative(root, p)).unwrap_or_else(|| "records".into());
                let top = top_dir(&rel);
                w.bad(&rel, format!("could not be read: {e}"), "check the file's permissions", top);
                w.unread(rel, true);
                continue;
            }
        };
        let rel = relative(root, entry.path());
        let name = rel.rsplit('/').next().unwrap_or("");
        let is_dir = entry.file_type().is_dir();
        if name.starts_with('.') {
            if is_dir {
                it.skip_current_dir();
            }
            w.unread(rel, is_dir);
            continue;
        }
        if entry.path_is_symlink() {
            let top = top_dir(&rel);
            w.bad(
                &rel,
                "is a symbolic link; Waymark never follows links inside records/".into(),
                "replace the link with the real file or folder",
                top,
            );
            // git keeps a link as a file, whatever it points to.
            w.unread(rel, false);
            continue;
        }
        if entry.path().to_str().is_none() {
            let top = top_dir(&rel);
            w.bad(
                &rel,
                "has a name that is not valid UTF-8".into(),
                "rename it using plain letters, digits and `-`",
                top,
            );
            if is_dir {
                it.skip_current_dir();
            }
            w.unread(rel, is_dir);
            continue;
        }
        let path = entry.path();
        if w.entry(rel, is_dir, || Src::Disk(path.to_path_buf())) && is_dir {
            it.skip_current_dir();
        }
    }
    w.finish()
}

/// Loads the repository as it stood in git at `commit`: `waymark.yaml` and `records/` from that
/// commit's tree, read exactly as [`load`] reads them from disk. `prefix` is the records root's place
/// in the work tree (from [`crate::history::open_repository`]). Attachments are listed, not read.
///
/// Reports that look back (board trends, the DfE return at each birthday) judge these records as of
/// the day asked about. A commit without `waymark.yaml` under the root is [`LoadError::NoConfig`].
pub fn load_at(root: &Path, git: &git2::Repository, prefix: &str, commit: git2::Oid) -> Result<Repository, LoadError> {
    load_at_with(root, git, prefix, commit, true)
}

/// [`load_at`] without the young people's notes, for figures that count none (the board's
/// trends): notes are most of the files, and reading and parsing 100,000 of them at each new
/// month end took 3.5 s and 600 MB.
pub fn load_at_without_notes(
    root: &Path,
    git: &git2::Repository,
    prefix: &str,
    commit: git2::Oid,
) -> Result<Repository, LoadError> {
    load_at_with(root, git, prefix, commit, false)
}

/// [`load_at`], reading the notes or leaving them out.
fn load_at_with(
    root: &Path,
    git: &git2::Repository,
    prefix: &str,
    commit: git2::Oid,
    notes: bool,
) -> Result<Repository, LoadError> {
    let unreadable = |what: &str, e: git2::Error| {
        LoadError::Unreadable(
            root.join(what),
            std::io::Error::other(format!("in git commit {commit}: {}", e.message())),
        )
    };
    let tree = git.find_commit(commit).and_then(|c| c.tree()).map_err(|e| unreadable("", e))?;
    let scope = if prefix.is_empty() {
        tree
    } else {
        match tree.get_path(Path::new(prefix.trim_end_matches('/'))) {
            Ok(entry) => entry.to_object(git).and_then(|o| o.peel_to_tree()).map_err(|e| unreadable("", e))?,
            Err(_) => return Err(LoadError::NoConfig(root.to_path_buf())),
        }
    };
    let blob = |entry: &git2::TreeEntry| -> Result<Vec<u8>, git2::Error> {
        Ok(entry.to_object(git)?.peel_to_blob()?.content().to_vec())
    };
    let config_bytes = match scope.get_name(CONFIG_FILE) {
        Some(entry) => blob(&entry).map_err(|e| unreadable(CONFIG_FILE, e))?,
        None => return Err(LoadError::NoConfig(root.to_path_buf())),
    };
    let mut diagnostics = Vec::new();
    let config = parse_config(&config_bytes, &mut diagnostics);

    let mut w = Walker::default();
    for top in ["records", "staff"] {
        if let Some(tree) = scope.get_name(top).and_then(|e| e.to_object(git).ok()).and_then(|o| o.into_tree().ok()) {
            walk_tree(git, &tree, top, &mut w, notes);
        }
    }
    let (jobs, folders, walk_diags, _) = w.finish();
    diagnostics.extend(walk_diags);
    let files = jobs.len();
    let (people, sources, supervision) = assemble(&jobs, read_all(&jobs), folders, &mut diagnostics);
    Ok(Repository {
        root: root.to_path_buf(),
        config,
        people: people.into_values().collect(),
        supervision,
        sources,
        diagnostics,
        files,
    })
}

/// Reads one `profile.md` from its bytes (a git blob) exactly as [`load`] reads it from disk: the
/// profile if it can be read, and what is wrong with it. For reports that need only the profile of
/// one young person as it stood at a commit (the DfE return), where [`load_at`] would read everything.
pub fn read_profile(rel: &str, bytes: Vec<u8>) -> (Option<crate::model::Profile>, Vec<Diagnostic>) {
    let person = rel.split('/').nth(1).unwrap_or_default().to_string();
    let job = Job { src: Src::Blob(bytes), rel: rel.to_string(), person, kind: Some(Kind::Profile) };
    let read = read_record(&job, &Overlay::new());
    match read.record {
        Some(Record::Profile(p)) => (Some(*p), read.diagnostics),
        _ => (None, read.diagnostics),
    }
}

/// Walks a git tree as [`walk_from`] walks the disk (git sorts entries by name, as the disk walk does).
/// With `notes` false, a young person's `notes/` folder is left out as if it were not there.
fn walk_tree(git: &git2::Repository, tree: &git2::Tree, rel: &str, w: &mut Walker, notes: bool) {
    for entry in tree.iter() {
        let Some(name) = entry.name() else {
            w.bad(
                &format!("{rel}/{}", String::from_utf8_lossy(entry.name_bytes())),
                "has a name that is not valid UTF-8".into(),
                "rename it using plain letters, digits and `-`",
                false,
            );
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{rel}/{name}");
        let top = rel == "records";
        match entry.kind() {
            // A young person's notes, for [`load_at_without_notes`].
            Some(git2::ObjectType::Tree)
                if !notes && rel.strip_prefix("records/").is_some_and(|p| !p.contains('/')) && name == "notes" => {}
            Some(git2::ObjectType::Tree) => {
                if !w.entry(path.clone(), true, || Src::Blob(Vec::new())) {
                    if let Ok(sub) = entry.to_object(git).and_then(|o| o.peel_to_tree()) {
                        walk_tree(git, &sub, &path, w, notes);
                    }
                }
            }
            Some(git2::ObjectType::Blob) if entry.filemode() == 0o120000 => w.bad(
                &path,
                "is a symbolic link; Waymark never follows links inside records/".into(),
                "replace the link with the real file or folder",
                top,
            ),
            Some(git2::ObjectType::Blob) => {
                let kind_known = !matches!(
                    classify("records", &path.split('/').skip(1).collect::<Vec<_>>(), false),
                    Layout::File(None)
                );
                w.entry(path, false, || {
                    // Attachments are listed, never read: the figures that look back do not need them.
                    let bytes = if kind_known {
                        entry
                            .to_object(git)
                            .and_then(|o| o.peel_to_blob())
                            .map(|b| b.content().to_vec())
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    Src::Blob(bytes)
                });
            }
            _ => w.bad(&path, "is a git submodule, not a record".into(), "remove the submodule from records/", top),
        }
    }
}

/// The date in a note's file name, `YYYY-MM-DD-<slug>.md`, if the name is well formed.
pub fn note_name_date(file: &str) -> Option<&str> {
    let stem = file.strip_suffix(".md")?;
    let (date, slug) = (stem.get(..10)?, stem.get(10..)?);
    let slug = slug.strip_prefix('-')?;
    let slug_ok = !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (slug_ok && parse_date(date).is_ok()).then_some(date)
}

/// The date in an outcome reading's file name, `YYYY-MM-DD.md`.
pub fn outcome_name_date(file: &str) -> Option<&str> {
    let date = file.strip_suffix(".md")?;
    parse_date(date).is_ok().then_some(date)
}

/// `path` relative to `root`, with `/` separators whatever the platform.
fn relative(root: &Path, path: &Path) -> String {
    // The walk joins names onto the root, so the path is usually the root's text, `/` and plain
    // names: taken as it is, not split into components and joined again (a tenth of a second
    // at 100,000 files). Anything else goes the long way.
    #[cfg(unix)]
    if let Some(rest) = path.to_str().zip(root.to_str()).and_then(|(p, r)| p.strip_prefix(r)?.strip_prefix('/')) {
        if rest.split('/').all(|c| !c.is_empty() && c != "." && c != "..") {
            return rest.to_string();
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Decodes a file as UTF-8, dropping a byte-order mark and CRLF line endings.
fn decode(bytes: &[u8]) -> Result<String, (Pos, String)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if text.contains('\r') => Ok(text.replace("\r\n", "\n")),
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let line_start = good.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(0);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() as u32 + 1;
            Err((Pos::new(line, col), "the file is not valid UTF-8 text".into()))
        }
    }
}

/// Where the front matter and body of a record are.
#[derive(Debug, PartialEq)]
pub struct Split {
    /// Byte range of the YAML between the `---` lines.
    pub yaml: std::ops::Range<usize>,
    /// Byte offset where the body starts.
    pub body_start: usize,
    /// 1-based line of the body's first line.
    pub body_line: u32,
}

/// Finds the front matter between the opening and closing `---` lines.
pub fn split_front_matter(text: &str) -> Result<Split, (Pos, String, &'static str)> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err((
            Pos::new(1, 1),
            "the file does not start with front matter".into(),
            "start the file with a line `---`, the fields, then another line `---`",
        ));
    }
    let mut offset = (first_end + 1).min(text.len());
    let yaml_start = offset;
    let mut line = 2u32;
    while offset < text.len() {
        let end = text[offset..].find('\n').map(|i| offset + i).unwrap_or(text.len());
        if text[offset..end].trim_end() == "---" {
            if offset - yaml_start > MAX_FRONT_MATTER {
                break;
            }
            let body_start = (end + 1).min(text.len());
            return Ok(Split { yaml: yaml_start..offset, body_start, body_line: line + 1 });
        }
        if offset - yaml_start > MAX_FRONT_MATTER {
            break;
        }
        offset = end + 1;
        line += 1;
    }
    if offset - yaml_start > MAX_FRONT_MATTER {
        return Err((
            Pos::new(1, 1),
            format!("the front matter is larger than {} KiB", MAX_FRONT_MATTER / 1024),
            "keep long text in the body, below the closing `---`",
        ));
    }
    Err((
        Pos::new(1, 1),
        "the front matter opened on line 1 is never closed".into(),
        "add a line with just `---` after the last field",
    ))
}

/// What reading one file gave: the record if it could be read, its text, and its problems.
#[derive(Default)]
struct FileRead {
    record: Option<Record>,
    source: Option<Arc<Source>>,
    diagnostics: Vec<Diagnostic>,
}

impl FileRead {
    fn failed(source: Option<Arc<Source>>, d: Diagnostic) -> FileRead {
        FileRead { record: None, source, diagnostics: vec![d] }
    }
}

/// Reads and parses one record file; never fails, only reports.
fn read_record(job: &Job, overlay: &Overlay) -> FileRead {
    let Some(kind) = job.kind else { return FileRead { record: None, source: None, diagnostics: Vec::new() } };
    let syntax =
        |pos: Pos, message: String, help: &str| Diagnostic::new(Rule::YamlSyntax, &job.rel, pos, message).help(help);
    // A staged version (`check --staged`) wins over the file on disk.
    let read = match (overlay.get(&job.rel), &job.src) {
        (Some(bytes), _) => Ok(std::borrow::Cow::Borrowed(bytes.as_slice())),
        (None, Src::Disk(path)) => std::fs::read(path).map(std::borrow::Cow::Owned),
        (None, Src::Blob(bytes)) => Ok(std::borrow::Cow::Borrowed(bytes.as_slice())),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::new(Rule::BadPath, &job.rel, Pos::new(1, 1), format!("could not be read: {e}"))
                .help("check the file's permissions");
            return FileRead::failed(None, d);
        }
    };
    let text = match decode(&bytes) {
        Ok(t) => t,
        Err((pos, msg)) => {
            let help = "save the file as UTF-8 (most editors offer this under Save As or Encoding)";
            return FileRead::failed(None, syntax(pos, msg, help));
        }
    };
    let conflicts = conflict::diagnostics(&job.rel, &text);
    if !conflicts.is_empty() {
        let source = Arc::new(Source::new(job.rel.clone(), text, 0, 1, None));
        return FileRead { record: None, source: Some(source), diagnostics: conflicts };
    }
    let split = match split_front_matter(&text) {
        Ok(split) => split,
        Err((pos, msg, help)) => {
            let source = Arc::new(Source::new(job.rel.clone(), text, 0, 1, None));
            return FileRead::failed(Some(source), syntax(pos, msg, help));
        }
    };
    let scan = Some(crate::check::links::scan(text.get(split.body_start..).unwrap_or("")));
    let source = Arc::new(Source::new(job.rel.clone(), text, split.body_start, split.body_line, scan));
    let node = match yaml::parse(&source.text()[split.yaml], 2) {
        Ok(n) => n,
        Err(e) => {
            let d = syntax(
                e.pos,
                format!("the front matter is not valid YAML: {}", e.message),
                "check indentation, colons and quotes on this line or just above it",
            );
            return FileRead::failed(Some(source), d);
        }
    };
    let ctx = Ctx::new(&job.rel, Pos::new(1, 1));
    let record = records::read(kind, source.clone(), &node, &ctx);
    let dated = match &record {
        Some(Record::Note(note)) => Some(("note", &note.date)),
        Some(Record::Feedback(feedback)) => Some(("feedback", &feedback.date)),
        Some(Record::Supervision(s)) => Some(("supervision record", &s.date)),
        _ => None,
    };
    if let Some((what, date)) = dated {
        let file = job.rel.rsplit('/').next();
        let name_date = if job.kind == Some(Kind::Supervision) {
            file.and_then(outcome_name_date)
        } else {
            file.and_then(note_name_date)
        };
        if let Some(name_date) = name_date {
            if parse_date(name_date).ok() != Some(date.value) {
                ctx.report(
                    Rule::NoteDateMismatch,
                    date.pos,
                    format!("the {what}'s date {} is not the date in its file name, {name_date}", date.value),
                    "make `date:` and the file name agree: rename the file, or correct the date",
                );
            }
        }
    }
    FileRead { record, source: Some(source), diagnostics: ctx.finish() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_of_a_persons_files_joins_the_first_as_if_read_after_it() {
        let mut known = Person { id: "yp-1".into(), has_profile_file: true, ..Person::default() };
        known.attachments.push("records/yp-1/files/a.pdf".into());
        let mut later = Person { id: "yp-1".into(), has_plan_file: true, ..Person::default() };
        later.attachments.push("records/yp-1/files/b.pdf".into());
        absorb(&mut known, later);
        assert!(known.has_profile_file && known.has_plan_file && !known.has_passport_file);
        assert_eq!(known.attachments, ["records/yp-1/files/a.pdf", "records/yp-1/files/b.pdf"]);
        // Into a folder known only by name, a run's files move whole.
        let mut empty = Person { id: "yp-1".into(), ..Person::default() };
        absorb(&mut empty, known.clone());
        assert_eq!(empty, known);
    }

    #[test]
    fn note_names() {
        assert_eq!(note_name_date("2026-11-02-home-visit.md"), Some("2026-11-02"));
        assert_eq!(note_name_date("2026-11-02.md"), None);
        assert_eq!(note_name_date("2026-11-02-Home.md"), None);
        assert_eq!(note_name_date("2026-13-02-visit.md"), None);
        assert_eq!(outcome_name_date("2026-05-01.md"), Some("2026-05-01"));
    }

    #[test]
    fn front_matter_split() {
        let s = split_front_matter("---\na: 1\n---\nbody\n").expect("splits");
        assert_eq!(s.yaml, 4..9);
        assert_eq!(s.body_line, 4);
        assert!(split_front_matter("---\na: 1\n").is_err());
        assert!(split_front_matter("a: 1\n").is_err());
        let big = format!("---\n{}---\n", "a: 1\n".repeat(60_000));
        let err = split_front_matter(&big).expect_err("too big");
        assert!(err.1.contains("256 KiB"));
    }

    #[test]
    fn relative_paths() {
        let root = Path::new("/srv/case records");
        assert_eq!(relative(root, &root.join("records/yp-0001/profile.md")), "records/yp-0001/profile.md");
        assert_eq!(relative(root, Path::new("/srv/case records/records//yp-0001/./notes")), "records/yp-0001/notes");
        assert_eq!(relative(Path::new("/srv/case records/"), &root.join("staff")), "staff");
        assert_eq!(relative(root, root), "");
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(b"\xEF\xBB\xBF---\r\na: 1\r\n").ok().as_deref(), Some("---\na: 1\n"));
        let (pos, _) = decode(b"---\nname: \xFF\n").expect_err("invalid");
        assert_eq!(pos, Pos::new(2, 7));
    }
}
