//! The frame a build keeps beside its output for the next one: the old site's folders, with
//! the files the new site shares with it (the same file under a second name), and its other
//! files emptied as spares, so that a build makes and frees few folders and files.

use super::remove_tree;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The folder in the frame that holds the old site's folders for the next site, with the files
/// the live site shares with it. Not `site`, the name an earlier layout (which held only empty
/// files) used: an earlier Waymark takes no frame of this one, and never writes into a file the
/// live site shares.
pub(super) const FRAME_SITE: &str = "kept";
/// The folder in the frame that holds spare files: empty, each to be written into and moved
/// into a new site in place of a file made anew.
pub(super) const FRAME_SPARES: &str = "spares";
/// A file the frame's site folder holds: the list of its folders, one `/`-separated path a line.
pub(super) const FRAME_LIST: &str = ".waymark-frame-folders";
/// A file the frame's site folder holds: the list of the files it kept, one `/`-separated path a line.
pub(super) const FRAME_FILES: &str = ".waymark-frame-files";

/// What a build takes from the frame the last build left: its folders, and the files in them.
#[derive(Default)]
pub(super) struct Taken {
    /// The folders, as paths in the new site's folder.
    pub(super) folders: HashSet<PathBuf>,
    /// The files, by site path, each the live site's file at that path when the last build
    /// left it; with whether this build has put a file at that path (kept it, or put another
    /// there), since any not claimed by the end of the build is removed before the site goes live.
    pub(super) files: HashMap<String, std::sync::atomic::AtomicBool>,
}

/// The empty files a frame keeps to be written into, so that a build makes few new files and
/// frees few: on ext4 without a journal, a new file's inode is looked for past every inode freed
/// in the last minutes, so a build that made anew each file the build before it had removed took
/// four times as long (1.4 s against 0.35 s at 5,000 notes, most of it in the kernel).
#[derive(Default)]
pub(super) struct Spares {
    /// Their folder, when the site keeps a frame.
    dir: Option<PathBuf>,
    /// The names of those not yet taken, listed when the first is wanted.
    free: std::sync::Mutex<Option<Vec<std::ffi::OsString>>>,
}

impl Spares {
    /// The spares of the frame at `frame` (a real folder); none when it has no real folder of
    /// them, since each is moved into the site and written into.
    pub(super) fn of(frame: &Path) -> Spares {
        let dir = frame.join(FRAME_SPARES);
        let real = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir());
        Spares { dir: real.then_some(dir), free: Default::default() }
    }

    /// Moves a spare to `dest` and opens it to be written; `None` when there is none to use.
    pub(super) fn take(&self, dest: &Path) -> Option<std::fs::File> {
        let dir = self.dir.as_ref()?;
        let name = {
            let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
            free.get_or_insert_with(|| spare_names(dir)).pop()?
        };
        std::fs::rename(dir.join(name), dest).ok()?;
        let file = emptied(dest);
        if file.is_none() {
            // Not a file of its own after all (a link, say): never written into.
            let _ = clear(dest);
        }
        file
    }

    /// How many are left.
    pub(super) fn left(&self) -> usize {
        let Some(dir) = &self.dir else { return 0 };
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.get_or_insert_with(|| spare_names(dir)).len()
    }
}

/// The names in the spares folder `dir`; none if it cannot be read. Whatever one of them turns
/// out to be, [`Spares::take`] writes only into a regular file no other name shares.
fn spare_names(dir: &Path) -> Vec<std::ffi::OsString> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().map(|e| e.file_name()).collect()
}

/// Takes the site folder of the frame the last build left at `frame` (a real folder) as the new
/// folder `fresh`; returns its folders and files, or `None` when there is none to take (then
/// `fresh` does not exist).
pub(super) fn take_frame(frame: &Path, fresh: &Path) -> Option<Taken> {
    let site = frame.join(FRAME_SITE);
    if !std::fs::symlink_metadata(&site).is_ok_and(|m| m.is_dir()) || std::fs::rename(&site, fresh).is_err() {
        return None;
    }
    let taken = read_lists(fresh);
    if taken.is_none() {
        // A frame without its lists, or with lists that cannot be right, is of no use: start
        // from nothing rather than trust it.
        let _ = remove_tree(fresh);
    }
    taken
}

/// The folders and files the lists in the frame's site folder, now `fresh`, name, once the lists
/// are removed; `None` unless both are there and every path in them is safe.
fn read_lists(fresh: &Path) -> Option<Taken> {
    let (folder_list, file_list) = (fresh.join(FRAME_LIST), fresh.join(FRAME_FILES));
    let (folders, files) = (std::fs::read_to_string(&folder_list).ok()?, std::fs::read_to_string(&file_list).ok()?);
    let folders: HashSet<PathBuf> = folders
        .lines()
        .map(|l| {
            crate::render::paths::safe_relative(l).then(|| l.split('/').fold(fresh.to_path_buf(), |p, s| p.join(s)))
        })
        .collect::<Option<_>>()?;
    let files: HashMap<String, std::sync::atomic::AtomicBool> = files
        .lines()
        .map(|l| crate::render::paths::safe_relative(l).then(|| (l.to_string(), false.into())))
        .collect::<Option<_>>()?;
    std::fs::remove_file(&folder_list).ok()?;
    std::fs::remove_file(&file_list).ok()?;
    Some(Taken { folders, files })
}

/// Makes the old site at `old` the next build's frame at `frame`: its folders that the new site
/// has too, with the files in them that are the very files the new site has at the same paths
/// (linked, not written), as the frame's site folder; and, emptied, up to `room` of its files at
/// the paths the new site wrote afresh, as spares (named after `stamp`). Everything else goes.
/// A frame holds no text the live site does not hold, and its site folder no name the live site
/// does not have.
pub(super) fn keep_frame(old: &Path, keep: &Keep<'_>, room: usize, stamp: &str, frame: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(frame) {
        Ok(meta) if meta.is_dir() => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir(frame)?,
        _ => return Err(std::io::Error::other("the frame is not a folder")),
    }
    // Anything else there (an earlier version's frame, a site folder a build left) goes.
    for entry in std::fs::read_dir(frame)? {
        let entry = entry?;
        if entry.file_name() != FRAME_SPARES || !entry.file_type()?.is_dir() {
            clear(&entry.path())?;
        }
    }
    let spares = frame.join(FRAME_SPARES);
    if room > 0 && !spares.is_dir() {
        std::fs::create_dir(&spares)?;
    }
    let stow = Stow { dir: spares, room: room.into(), stamp, made: 0.into() };
    let kept = Kept::default();
    strip(old, Path::new(""), keep, &stow, &kept)?;
    std::fs::write(old.join(FRAME_LIST), listed(kept.folders)?)?;
    std::fs::write(old.join(FRAME_FILES), listed(kept.files)?)?;
    std::fs::rename(old, frame.join(FRAME_SITE))
}

/// The paths gathered in `paths` (but the site's own folder), `/`-separated, sorted, one a line.
fn listed(paths: std::sync::Mutex<Vec<PathBuf>>) -> std::io::Result<String> {
    let mut lines: Vec<String> = paths
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|rel| !rel.as_os_str().is_empty())
        .map(|rel| rel.to_str().map(|r| r.replace(std::path::MAIN_SEPARATOR, "/")))
        .collect::<Option<_>>()
        .ok_or_else(|| std::io::Error::other("a name that is not UTF-8"))?;
    lines.sort_unstable();
    Ok(lines.join("\n"))
}

/// What [`strip`] keeps of a site, by path relative to it.
pub(super) struct Keep<'a> {
    /// Folders.
    pub(super) folders: &'a HashSet<PathBuf>,
    /// Files, kept emptied as spares.
    pub(super) files: &'a HashSet<PathBuf>,
    /// Files kept in place when each is the file of this inode number: the new site's, linked.
    pub(super) linked: &'a HashMap<PathBuf, u64>,
}

/// What [`strip`] kept, by path relative to the site.
#[derive(Default)]
struct Kept {
    /// The folders.
    folders: std::sync::Mutex<Vec<PathBuf>>,
    /// The files kept in place.
    files: std::sync::Mutex<Vec<PathBuf>>,
}

/// Where [`strip`] puts the files it keeps as spares, and how many more it may.
struct Stow<'a> {
    /// The frame's spares folder.
    dir: PathBuf,
    /// How many more spares there is room for.
    room: std::sync::atomic::AtomicUsize,
    /// What the names of the spares begin with: this build's own.
    stamp: &'a str,
    /// How many spares this build has added, to number the next.
    made: std::sync::atomic::AtomicUsize,
}

impl Stow<'_> {
    /// Empties the file at `path` and moves it into the spares; says whether it did (if not,
    /// the file is where it was).
    fn put(&self, path: &Path) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let room = self.room.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1)).is_ok();
        let name = || format!("{}-{}", self.stamp, self.made.fetch_add(1, Relaxed));
        room && emptied(path).is_some() && std::fs::rename(path, self.dir.join(name())).is_ok()
    }
}

/// Removes every file in `dir` (the folder `rel` of a site) and every folder in it that `keep`
/// does not name, keeping in place the files that are the new site's and making spares of the
/// files it names, then does the same in the folders kept, in parallel; `kept` gathers what is kept.
fn strip(dir: &Path, rel: &Path, keep: &Keep<'_>, stow: &Stow<'_>, kept: &Kept) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut inner = Vec::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = rel.join(entry.file_name());
        let kind = entry.file_type()?;
        // Never follow a link: a link is removed as a file, and only real folders are entered.
        if kind.is_dir() {
            if keep.folders.contains(&name) {
                inner.push((entry.path(), name));
            } else {
                std::fs::remove_dir_all(entry.path())?;
            }
            continue;
        }
        // The directory entry's inode number, which listing the folder gave without a stat.
        let ino = inode(&entry).filter(|ino| kind.is_file() && keep.linked.get(&name) == Some(ino));
        match ino {
            Some(_) => files.push(name),
            None if keep.files.contains(&name) && stow.put(&entry.path()) => {}
            None => std::fs::remove_file(entry.path())?,
        }
    }
    kept.folders.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_path_buf());
    kept.files.lock().unwrap_or_else(|e| e.into_inner()).extend(files);
    inner.par_iter().try_for_each(|(dir, rel)| strip(dir, rel, keep, stow, kept))
}

/// The inode number of the file a folder's entry names.
#[cfg(unix)]
fn inode(entry: &std::fs::DirEntry) -> Option<u64> {
    use std::os::unix::fs::DirEntryExt;
    Some(entry.ino())
}

/// Elsewhere none is known, and no file is kept in place.
#[cfg(not(unix))]
fn inode(_entry: &std::fs::DirEntry) -> Option<u64> {
    None
}

/// Opens the file at `path` to be written again, emptied; `None` (and the file untouched) unless
/// it is a regular file that no other name shares, so that nothing written into it can reach
/// another folder, the live site least of all. A link at `path` is never followed.
#[cfg(unix)]
fn emptied(path: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::MetadataExt;
    let file = super::no_link(std::fs::OpenOptions::new().write(true)).open(path).ok()?;
    let alone = file.metadata().is_ok_and(|m| m.is_file() && m.nlink() == 1);
    (alone && file.set_len(0).is_ok()).then_some(file)
}

/// Elsewhere no file is kept to be written again.
#[cfg(not(unix))]
fn emptied(_path: &Path) -> Option<std::fs::File> {
    None
}

/// Removes whatever is at `path` (a file, a link, or a folder and all in it); nothing there
/// (nor a file where a folder above it should be) is fine.
pub(super) fn clear(path: &Path) -> std::io::Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match removed {
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => Ok(()),
        done => done,
    }
}
