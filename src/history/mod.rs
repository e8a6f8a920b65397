//! Per-path history from git: for every file under the records root, the commits that changed it.
//!
//! One revision walk covers the whole history. Each commit is compared with its
//! parent tree by tree, and subtrees whose ids match are skipped, so a commit
//! that touches one note costs a few tree reads. Files moved or renamed keep
//! their history (same blob deleted and added in one commit). A merge counts a
//! path as changed only when it differs from every parent, so a change made on
//! a branch stays with the branch commit that made it. The result is cached in
//! `.waymark/cache/` (which should be git-ignored) and extended, not rebuilt,
//! when new commits arrive.

mod at;
mod cache;
pub mod details;
pub mod diff;
mod paths;
pub mod staged;
mod status;
mod text;
mod tree;
mod walk;

pub use at::{commit_at, open_repository, Timeline};
pub use paths::Paths;
pub use text::Text;

use crate::model::date::Date;
use git2::Oid;
pub use status::IndexStat;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the cache lives, relative to the records root.
pub const CACHE_DIR: &str = ".waymark/cache";

/// Where Waymark keeps its caches for the records root `root`: [`CACHE_DIR`] when the root is in a
/// git repository (whose `.gitignore` from `init` keeps it out), and nowhere for a plain folder.
pub fn cache_dir(root: &Path) -> Option<PathBuf> {
    git2::Repository::discover(root).ok().map(|_| root.join(CACHE_DIR))
}

/// What history covers, relative to the records root: the records, staff records and the settings.
/// Commits that touch only other files (a README, source code kept beside the records) are never
/// read, diffed or listed.
pub const SCOPE: [&str; 3] = ["records", "staff", "waymark.yaml"];

/// One commit, as much of it as the history pages and rules need.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitInfo {
    /// The commit's id.
    pub id: Oid,
    /// Author's name as written in the commit.
    pub author_name: Text,
    /// Author's email as written in the commit.
    pub author_email: Text,
    /// Author time, seconds since the Unix epoch.
    pub time: i64,
    /// Author's offset from UTC in minutes, so the date is the author's own.
    pub offset_minutes: i32,
    /// The full commit message.
    pub message: Text,
    /// A shallow clone's boundary: its parents are not in the repository, so its changes are only "as first seen".
    pub boundary: bool,
}

impl CommitInfo {
    /// The id as 40 hex digits.
    pub fn hex(&self) -> String {
        self.id.to_string()
    }

    /// The abbreviated id people quote (7 hex digits).
    pub fn short_id(&self) -> String {
        let mut s = self.id.to_string();
        s.truncate(7);
        s
    }

    /// The first line of the message.
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("").trim()
    }

    /// The author as people know them: the staff member's name when the commit's email is in
    /// `waymark.yaml`, else the name and email written in the commit.
    pub fn author_shown(&self, config: &crate::config::Config) -> String {
        match config.staff_by_email(&self.author_email) {
            Some(s) => s.name.clone(),
            None => format!("{} <{}>", self.author_name, self.author_email),
        }
    }

    /// The day the author made the commit, in the author's time zone.
    pub fn date(&self) -> Date {
        let local = self.time + i64::from(self.offset_minutes) * 60;
        chrono::DateTime::from_timestamp(local, 0).map(|t| t.date_naive()).unwrap_or_default()
    }
}

/// What a commit did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The file appeared.
    Added,
    /// Its content changed.
    Modified,
    /// It was removed.
    Deleted,
    /// It was moved or renamed (content unchanged), from [`Change::from`].
    Renamed,
}

impl ChangeKind {
    /// A short word for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed => "moved",
        }
    }
}

/// One commit's change to one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Index of the commit in [`GitHistory::commits`].
    pub commit: usize,
    /// What happened.
    pub kind: ChangeKind,
    /// The file's path at that commit, relative to the records root.
    pub path: Text,
    /// For a move, the path it had before.
    pub from: Option<Text>,
    /// The blob before the change (none when added).
    pub old_blob: Option<Oid>,
    /// The blob after the change (none when deleted).
    pub new_blob: Option<Oid>,
}

/// How the cache was used on this run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum CacheUse {
    /// No cache was asked for.
    #[default]
    Disabled,
    /// There was no cache yet.
    Missing,
    /// The cache was for HEAD: nothing walked.
    Hit,
    /// The cache was for an ancestor of HEAD: only the new commits were walked.
    Extended,
    /// The cache could not be trusted and was rebuilt; the reason says why.
    Rebuilt(String),
}

/// What one extraction cost, so tests and benchmarks can tell a warm run from a cold one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Commits walked and compared on this run.
    pub walked: usize,
    /// Commits taken from the cache.
    pub from_cache: usize,
    /// What happened with the cache.
    pub cache: CacheUse,
}

/// The history of a records root inside a git repository.
#[derive(Debug, Clone, Default)]
pub struct GitHistory {
    /// The git work tree.
    pub workdir: PathBuf,
    /// The records root relative to the work tree, `/`-separated with a trailing `/`, or empty.
    pub prefix: String,
    /// HEAD's commit; none in a repository with no commits yet.
    pub head: Option<Oid>,
    /// HEAD names a commit, not a branch.
    pub detached: bool,
    /// A shallow clone: history stops at the boundary commits.
    pub shallow: bool,
    /// Every commit that changed something under the root, oldest first (new commits are appended).
    pub commits: Vec<CommitInfo>,
    /// Changes by the file's newest path (relative to the records root), newest first.
    pub paths: Paths,
    /// What this extraction cost.
    pub stats: Stats,
}

/// Git history of a records root, or why there is none.
#[derive(Debug, Clone)]
pub enum History {
    /// No history could be read; the reason is one line for people.
    None(String),
    /// History from git.
    Git(Box<GitHistory>),
}

/// One commit's changes to a set of files, for timelines.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The commit.
    pub commit: &'a CommitInfo,
    /// Its changes to the files asked about.
    pub changes: Vec<&'a Change>,
}

impl History {
    /// Reads the history of the records root `root` without any cache.
    pub fn open(root: &Path) -> History {
        walk::extract(root, None, None)
    }

    /// Reads the history of `root`, using and refreshing the cache under `root/.waymark/cache/`.
    pub fn open_cached(root: &Path) -> History {
        walk::extract(root, Some(&root.join(CACHE_DIR)), None)
    }

    /// Reads the history of `root` with the cache in `cache_dir`.
    pub fn open_with_cache(root: &Path, cache_dir: &Path) -> History {
        walk::extract(root, Some(cache_dir), None)
    }

    /// Brings history read earlier up to the current HEAD, walking only the new commits
    /// (for a long-running process); the cache in `cache_dir`, if given, is refreshed too.
    pub fn refresh(self, root: &Path, cache_dir: Option<&Path>) -> History {
        let previous = match self {
            History::Git(g) => Some(*g),
            History::None(_) => None,
        };
        walk::extract(root, cache_dir, previous)
    }

    /// The history, when there is one.
    pub fn git(&self) -> Option<&GitHistory> {
        match self {
            History::Git(g) => Some(g),
            History::None(_) => None,
        }
    }

    /// Why there is no history, when there is none.
    pub fn reason(&self) -> Option<&str> {
        match self {
            History::None(r) => Some(r),
            History::Git(_) => None,
        }
    }

    /// Whether history stops short of the first commit (a shallow clone).
    pub fn is_shallow(&self) -> bool {
        self.git().is_some_and(|g| g.shallow)
    }

    /// Changes to the file now at `path` (relative to the records root), newest first.
    pub fn changes(&self, path: &str) -> &[Change] {
        self.known(path).unwrap_or(&[])
    }

    /// The changes to the file now at `path`, newest first, if git's history knows that path
    /// (what [`History::resolve_path`] gives it back unchanged for).
    pub fn known(&self, path: &str) -> Option<&[Change]> {
        self.git().and_then(|g| g.paths.get(path))
    }

    /// The commit a change belongs to.
    pub fn commit(&self, change: &Change) -> Option<&CommitInfo> {
        self.git().and_then(|g| g.commits.get(change.commit))
    }

    /// The commit that last changed the file at `path`.
    pub fn last_change(&self, path: &str) -> Option<(&CommitInfo, &Change)> {
        self.last_of(self.changes(path))
    }

    /// The newest of `changes` (a file's, newest first, as [`History::changes`] gives them) and its commit.
    pub fn last_of<'c>(&self, changes: &'c [Change]) -> Option<(&CommitInfo, &'c Change)> {
        let change = changes.first()?;
        Some((self.commit(change)?, change))
    }

    /// The commit that added the file now at `path` (the latest addition, past moves), if known.
    pub fn added_by(&self, path: &str) -> Option<(&CommitInfo, &Change)> {
        let change = self.changes(path).iter().find(|c| c.kind == ChangeKind::Added)?;
        Some((self.commit(change)?, change))
    }

    /// Every commit that changed files whose current path starts with `prefix`, newest first.
    pub fn timeline(&self, prefix: &str) -> Vec<Entry<'_>> {
        let Some(g) = self.git() else { return Vec::new() };
        self.group(g.paths.under(prefix).flat_map(|(_, changes)| changes))
    }

    /// Every commit that changed any of these files (by current path), newest first.
    pub fn entries<'p>(&self, paths: impl IntoIterator<Item = &'p str>) -> Vec<Entry<'_>> {
        let Some(g) = self.git() else { return Vec::new() };
        self.group(paths.into_iter().flat_map(|p| g.paths.get(p).into_iter().flatten()))
    }

    /// These changes grouped by commit, newest first.
    pub fn group<'h>(&'h self, changes: impl IntoIterator<Item = &'h Change>) -> Vec<Entry<'h>> {
        let Some(g) = self.git() else { return Vec::new() };
        let mut by_commit: BTreeMap<usize, Vec<&Change>> = BTreeMap::new();
        for c in changes {
            by_commit.entry(c.commit).or_default().push(c);
        }
        collect_entries(g, by_commit)
    }

    /// The last `n` commits that changed something under the root, newest first, with their changes.
    pub fn recent(&self, n: usize) -> Vec<Entry<'_>> {
        let Some(g) = self.git() else { return Vec::new() };
        let first = g.commits.len().saturating_sub(n);
        let mut by_commit: BTreeMap<usize, Vec<&Change>> = BTreeMap::new();
        for (_, changes) in g.paths.iter() {
            for c in changes.iter().filter(|c| c.commit >= first) {
                by_commit.entry(c.commit).or_default().push(c);
            }
        }
        collect_entries(g, by_commit)
    }

    /// The current path of a file given by any path it has had, if git knows it.
    pub fn resolve_path(&self, path: &str) -> Option<String> {
        let g = self.git()?;
        if g.paths.contains_key(path) {
            return Some(path.to_string());
        }
        g.paths
            .iter()
            .filter(|(_, changes)| changes.iter().any(|c| &*c.path == path || c.from.as_deref() == Some(path)))
            .map(|(k, _)| k.to_string())
            .min()
    }

    /// What a modification did to a record: fields and words; `None` without git or for other kinds of change.
    pub fn detail(&self, repo: &git2::Repository, change: &Change) -> Option<diff::Detail> {
        self.git()?;
        if change.kind != ChangeKind::Modified || !change.path.ends_with(".md") {
            return None;
        }
        let old = diff::blob_text(repo, change.old_blob);
        let new = diff::blob_text(repo, change.new_blob);
        Some(diff::detail(old.as_deref(), new.as_deref()))
    }

    /// Opens the git repository, to read old versions of files.
    pub fn repository(&self) -> Option<git2::Repository> {
        git2::Repository::open(&self.git()?.workdir).ok()
    }

    /// Files under `records_prefix` (relative to the root) that git status reports as modified, staged or untracked.
    pub fn uncommitted(&self, records_prefix: &str) -> Result<Vec<(String, FileState)>, String> {
        let Some(g) = self.git() else { return Ok(Vec::new()) };
        status::status(g, records_prefix)
    }

    /// What git's index recorded about the files under `records_prefix`, for
    /// [`History::uncommitted_walked`]; `None` without git or an index that cannot be read.
    pub fn index_stat(&self, records_prefix: &str) -> Option<IndexStat> {
        status::index_stat(self.git()?, records_prefix)
    }

    /// What [`History::uncommitted`] gives, asking git only about the files of `walked` that
    /// `index` does not show unchanged since git last looked at them.
    pub fn uncommitted_walked(
        &self,
        records_prefix: &str,
        index: &IndexStat,
        walked: &crate::load::Walked,
    ) -> Result<Vec<(String, FileState)>, String> {
        let Some(g) = self.git() else { return Ok(Vec::new()) };
        status::status_walked(g, records_prefix, index, walked)
    }

    /// What [`History::uncommitted`] gives, worked out from `index` and the records `walked`
    /// alone, without git status: for when git status has already failed (libgit2 cannot read
    /// a split index).
    pub fn uncommitted_from_index(
        &self,
        records_prefix: &str,
        index: &IndexStat,
        walked: &crate::load::Walked,
    ) -> Result<Vec<(String, FileState)>, String> {
        let Some(g) = self.git() else { return Ok(Vec::new()) };
        status::status_from_index(g, records_prefix, index, walked)
    }
}

/// Entries newest first, each commit's changes sorted by path.
fn collect_entries<'a>(g: &'a GitHistory, by_commit: BTreeMap<usize, Vec<&'a Change>>) -> Vec<Entry<'a>> {
    by_commit
        .into_iter()
        .rev()
        .filter_map(|(i, mut changes)| {
            changes.sort_by(|a, b| a.path.cmp(&b.path));
            Some(Entry { commit: g.commits.get(i)?, changes })
        })
        .collect()
}

/// What git status says about a file that differs from HEAD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Not yet added to git.
    Untracked,
    /// Changed since the last commit (staged or not).
    Modified,
}
