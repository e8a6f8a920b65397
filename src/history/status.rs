//! Which record files differ from the last commit or are not in git: git status, asked only
//! about the files git's index cannot already vouch for.
//!
//! libgit2's status lists every folder and stats every file of the records again, after the
//! records have been walked and stamped to be read: at 100,000 notes that was 13% of a build's
//! work. So a build takes a snapshot of the index ([`IndexStat`]) while it reads the records,
//! and then compares each file's stamp from that walk with the stat git recorded when it last
//! looked at the file. A file whose size, times and inode are those the index holds, and that
//! was last changed before the index was written, is what git last hashed: git itself calls it
//! unchanged without reading it. Only the other files are asked about one by one; with many
//! of them, something staged, or folders the walk did not enter, the whole status is taken as
//! before.

use super::{FileState, GitHistory};
use crate::load::cache::Stamp;
use crate::load::Walked;
use git2::{Repository, Status, StatusOptions};
use std::hash::BuildHasher;

/// Files the index does not vouch for past which git is asked about everything rather than
/// about exactly those (whose paths it matches against every file it lists).
const ASK_EACH: usize = 256;

/// What git's index recorded about each file under the records, and when it was written.
pub struct IndexStat {
    /// The index as read, whose entries give each file's path, stat and blob id.
    index: gix_index::File,
    /// The entries under the records, by their path from the root (hashed by [`path_hash`]):
    /// numbers into the index's entries, whose paths it keeps in one buffer, where a map of
    /// paths made a string for each of 100,000 files.
    records: hashbrown::HashTable<u32>,
    /// How long the records root's place in the work tree is, before each path from the root.
    prefix: usize,
    /// When the index file was last written, in nanoseconds since 1970: a file changed in
    /// the same instant or later may match its stat and still differ ("racy git").
    written: i64,
    /// Whether the index holds exactly HEAD's tree, so that nothing is staged.
    unstaged: bool,
}

impl IndexStat {
    /// Whether nothing is staged: the index holds exactly HEAD's tree.
    pub fn unstaged(&self) -> bool {
        self.unstaged
    }

    /// Whether the index shows the file at `path`, stamped `stamp` by the walk, unchanged since
    /// git last hashed it.
    fn vouches(&self, path: &str, stamp: Option<&Stamp>) -> bool {
        stamp
            .zip(self.entry(path))
            .is_some_and(|(stamp, e)| Recorded::of(stamp) == Recorded::from(&e.stat) && stamp.mtime < self.written)
    }

    /// The index's entry for the file at `path` (from the root), if it has one.
    fn entry(&self, path: &str) -> Option<&gix_index::Entry> {
        let same = |&i: &u32| entry_path(&self.index, self.prefix, i) == Some(path.as_bytes());
        let found = self.records.find(path_hash(path.as_bytes()), same)?;
        self.index.entries().get(*found as usize)
    }

    /// The blob id the index has for the file at `path` (from the root), if it has one.
    fn id(&self, path: &str) -> Option<&[u8]> {
        self.entry(path).map(|e| e.id.as_slice())
    }
}

/// The path from the records root of the index's entry `i`, whose paths start with the root's
/// place in the work tree, `prefix` bytes long.
fn entry_path(index: &gix_index::File, prefix: usize, i: u32) -> Option<&[u8]> {
    let path: &[u8] = index.entries().get(i as usize)?.path(index);
    path.get(prefix..)
}

/// The hash of a path from the root, as [`IndexStat`] files its entries.
fn path_hash(path: &[u8]) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(path)
}

/// One file's stat as git's index records it (sizes and inodes cut to 32 bits, as git does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Recorded {
    size: u32,
    mtime: i64,
    ctime: i64,
    ino: u32,
}

impl From<&gix_index::entry::Stat> for Recorded {
    fn from(s: &gix_index::entry::Stat) -> Recorded {
        Recorded { size: s.size, mtime: nanos(s.mtime), ctime: nanos(s.ctime), ino: s.ino }
    }
}

impl Recorded {
    /// A file's stamp as the index would record it.
    fn of(stamp: &Stamp) -> Recorded {
        Recorded { size: stamp.size as u32, mtime: stamp.mtime, ctime: stamp.ctime, ino: stamp.ino as u32 }
    }
}

/// Nanoseconds since 1970 of an index entry's time.
fn nanos(t: gix_index::entry::stat::Time) -> i64 {
    i64::from(t.secs) * 1_000_000_000 + i64::from(t.nsecs)
}

/// Reads git's index for the files under `records_prefix`; `None` when it cannot be read.
///
/// The index file is read by gix-index without checking its trailing hash (git writes it
/// whole, beside, and renames it): what a damaged entry could do here is fail to match a
/// file's stat, which only means git is asked about that file.
pub(super) fn index_stat(g: &GitHistory, records_prefix: &str) -> Option<IndexStat> {
    let repo = Repository::open(&g.workdir).ok()?;
    let options = gix_index::decode::Options { thread_limit: Some(1), ..Default::default() };
    let index = gix_index::File::at(repo.path().join("index"), gix_index::hash::Kind::Sha1, true, options).ok()?;
    let unstaged = match head_tree_is_kept(&repo, &index) {
        Some(known) => known,
        None => nothing_staged(&repo),
    };
    // The time of the very file read, not of one a later git command put in its place.
    let stamp = index.timestamp();
    let written = stamp.unix_seconds().checked_mul(1_000_000_000)?.checked_add(i64::from(stamp.nanoseconds()))?;
    let records = [g.prefix.as_bytes(), records_prefix.as_bytes()].concat();
    let prefix = g.prefix.len();
    let path_at = |j: u32| entry_path(&index, prefix, j);
    // Sized for every entry at once: growing to 100,000 paths moved them all several times.
    let mut table = hashbrown::HashTable::with_capacity(index.entries().len());
    for (i, e) in index.entries().iter().enumerate() {
        let Ok(i) = u32::try_from(i) else { continue };
        let in_records = <&[u8]>::from(e.path(&index)).starts_with(&records);
        let Some(path) = path_at(i).filter(|_| in_records) else { continue };
        let hash = path_hash(path);
        match table.find_mut(hash, |&j| path_at(j) == Some(path)) {
            // A path at several stages (a merge in progress): its last, as a map of paths kept it.
            Some(j) => *j = i,
            None => {
                table.insert_unique(hash, i, |&j| path_at(j).map_or(0, path_hash));
            }
        }
    }
    Some(IndexStat { index, records: table, prefix, written, unstaged })
}

/// Whether the index holds HEAD's tree, told by the root of the trees the index keeps
/// (its cache-tree, which `git commit` leaves whole and staging a change marks as stale);
/// `None` when that root is missing or stale, for [`nothing_staged`] to work out.
fn head_tree_is_kept(repo: &Repository, index: &gix_index::File) -> Option<bool> {
    let root = index.tree().filter(|t| t.num_entries.is_some())?;
    let head = repo.head().and_then(|h| h.peel_to_tree()).ok()?;
    Some(root.id.as_slice() == head.id().as_bytes())
}

/// Files under `records_prefix` that differ from HEAD or are not in git, as [`status`] gives
/// them, asking git only about the files of `walked` the index does not vouch for.
pub(super) fn status_walked(
    g: &GitHistory,
    records_prefix: &str,
    index: &IndexStat,
    walked: &Walked,
) -> Result<Vec<(String, FileState)>, String> {
    if walked.folders_skipped || !index.unstaged {
        return status(g, records_prefix);
    }
    let unsure: Vec<&str> = walked
        .files
        .iter()
        .filter(|(path, stamp)| path.starts_with(records_prefix) && !index.vouches(path, stamp.as_ref()))
        .map(|(path, _)| path.as_str())
        .collect();
    if unsure.is_empty() {
        return Ok(Vec::new());
    }
    if unsure.len() > ASK_EACH {
        return status(g, records_prefix);
    }
    // One status of exactly these paths: libgit2 then lists only the folders that hold them.
    let repo = Repository::open(&g.workdir).map_err(|e| e.message().to_string())?;
    let mut opts = StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .disable_pathspec_match(true)
        .show(git2::StatusShow::Workdir);
    for path in &unsure {
        opts.pathspec(format!("{}{path}", g.prefix));
    }
    let statuses = repo.statuses(Some(&mut opts)).map_err(|e| e.message().to_string())?;
    Ok(listed(g, &statuses))
}

/// What [`status`] gives, worked out from the index as gix-index read it, for an index libgit2
/// cannot read (a split one, `core.splitIndex`): a file the index vouches for is unchanged; any
/// other file of `walked` is hashed as git hashes a blob and compared with the index; one not in
/// the index is untracked unless git ignores it; and one staged differently from HEAD's tree is
/// modified. git's filters (line endings) are not applied, so a file they would change and whose
/// stat the index does not match is reported as modified.
pub(super) fn status_from_index(
    g: &GitHistory,
    records_prefix: &str,
    index: &IndexStat,
    walked: &Walked,
) -> Result<Vec<(String, FileState)>, String> {
    if walked.folders_skipped {
        return Err("some folders of the records were not read".to_string());
    }
    let repo = Repository::open(&g.workdir).map_err(|e| e.message().to_string())?;
    let head = match index.unstaged {
        true => None,
        false => repo.head().and_then(|h| h.peel_to_tree()).ok(),
    };
    let mut out = Vec::new();
    for (path, stamp) in walked.files.iter().filter(|(p, _)| p.starts_with(records_prefix)) {
        let in_git = format!("{}{path}", g.prefix);
        let indexed = index.id(path);
        let state = match indexed {
            None if repo.status_should_ignore(std::path::Path::new(&in_git)).unwrap_or(false) => None,
            None => Some(FileState::Untracked),
            Some(_) if index.vouches(path, stamp.as_ref()) => None,
            Some(id) => {
                let hashed = git2::Oid::hash_file(git2::ObjectType::Blob, g.workdir.join(&in_git))
                    .map_err(|e| e.message().to_string())?;
                (hashed.as_bytes() != id).then_some(FileState::Modified)
            }
        };
        let staged = || {
            let in_head = head.as_ref().and_then(|t| t.get_path(std::path::Path::new(&in_git)).ok()).map(|e| e.id());
            indexed.is_some_and(|id| in_head.is_none_or(|h| h.as_bytes() != id))
        };
        match state {
            Some(state) => out.push((path.clone(), state)),
            None if head.is_some() && staged() => out.push((path.clone(), FileState::Modified)),
            None => {}
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// What git status listed, by path from the records root, sorted.
fn listed(g: &GitHistory, statuses: &git2::Statuses<'_>) -> Vec<(String, FileState)> {
    let mut out = Vec::new();
    for entry in statuses.iter() {
        let Some(state) = state_of(entry.status()) else { continue };
        let path = String::from_utf8_lossy(entry.path_bytes()).into_owned();
        if let Some(rel) = path.strip_prefix(&g.prefix) {
            out.push((rel.to_string(), state));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What a file's git status makes of it: untracked, modified (staged or not), or nothing to
/// report (unchanged, ignored, or deleted from the work tree).
fn state_of(s: Status) -> Option<FileState> {
    if s.contains(Status::WT_NEW) {
        Some(FileState::Untracked)
    } else if s.intersects(
        Status::WT_MODIFIED
            | Status::WT_RENAMED
            | Status::WT_TYPECHANGE
            | Status::INDEX_NEW
            | Status::INDEX_MODIFIED
            | Status::INDEX_RENAMED
            | Status::INDEX_TYPECHANGE,
    ) && !s.contains(Status::WT_DELETED)
    {
        Some(FileState::Modified)
    } else {
        None
    }
}

/// Whether the index holds exactly HEAD's tree, known without reading any tree when the index
/// keeps the trees it was written with (as `git commit` leaves it). Trees the index lacks are
/// made in memory, so that nothing is written to the repository; any doubt says no.
fn nothing_staged(repo: &Repository) -> bool {
    let Ok(head) = repo.head().and_then(|h| h.peel_to_tree()) else { return false };
    let Ok(odb) = repo.odb() else { return false };
    if odb.add_new_mempack_backend(i32::MAX).is_err() {
        return false;
    }
    repo.index().and_then(|mut index| index.write_tree()).is_ok_and(|tree| tree == head.id())
}

/// Files under `records_prefix` that differ from HEAD or are not in git, from git status.
pub(super) fn status(g: &GitHistory, records_prefix: &str) -> Result<Vec<(String, FileState)>, String> {
    let repo = Repository::open(&g.workdir).map_err(|e| e.message().to_string())?;
    let mut opts = StatusOptions::new();
    let spec = format!("{}{}", g.prefix, records_prefix.trim_end_matches('/'));
    opts.include_untracked(true).recurse_untracked_dirs(true).include_ignored(false).pathspec(spec);
    if nothing_staged(&repo) {
        // Comparing HEAD's tree with the index reads every tree of the records (a third of
        // status at 100,000 notes); with nothing staged it finds nothing.
        opts.show(git2::StatusShow::Workdir);
    }
    let statuses = repo.statuses(Some(&mut opts)).map_err(|e| e.message().to_string())?;
    Ok(listed(g, &statuses))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &std::path::Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn the_index_vouches_for_each_record_it_holds_as_it_was_stamped() {
        let dir = tempfile::tempdir().expect("temp");
        let root = dir.path();
        for (path, text) in
            [("records/yp-0001/profile.md", "a\n"), ("records/yp-0002/notes/n.md", "b\n"), ("README.md", "c\n")]
        {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(&file, text).expect("write");
        }
        git(root, &["init", "-q"]);
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "records"]);
        let history = super::super::History::open(root);
        let index = history.index_stat("records/").expect("the index reads");
        assert!(index.unstaged());
        let id = |path: &str| index.id(path).map(|id| git2::Oid::from_bytes(id).expect("an id").to_string());
        let blob =
            |text: &str| git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).expect("hash").to_string();
        assert_eq!(id("records/yp-0001/profile.md"), Some(blob("a\n")));
        assert_eq!(id("records/yp-0002/notes/n.md"), Some(blob("b\n")));
        assert_eq!(id("README.md"), None, "only the records are kept");
        assert_eq!(id("records/yp-0002/notes/other.md"), None);
        // Stamped by a walk now, a file the index recorded long enough ago is vouched for.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let stamp = |path: &str| std::fs::symlink_metadata(root.join(path)).ok().as_ref().and_then(Stamp::of);
        let profile = stamp("records/yp-0001/profile.md");
        assert_eq!(
            index.vouches("records/yp-0001/profile.md", profile.as_ref()),
            profile.is_some_and(|s| s.mtime < index.written)
        );
        assert!(!index.vouches("records/yp-0001/profile.md", None));
        let changed = profile.map(|s| Stamp { size: s.size + 1, ..s });
        assert!(!index.vouches("records/yp-0001/profile.md", changed.as_ref()));
        assert!(!index.vouches("README.md", stamp("README.md").as_ref()));
    }
}
