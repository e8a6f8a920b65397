//! Writing the site safely: into a new folder beside the output, then swapped in whole.
//!
//! An existing output folder is replaced only when it holds Waymark's marker
//! file, [`MARKER`]; anything else is refused. Nothing is written outside the
//! output folder and the temporary folders beside it.

mod frame;

use frame::{clear, keep_frame, take_frame, Keep, Spares, Taken};
use std::fmt;
use std::path::{Path, PathBuf};

/// The file that marks a folder as one Waymark made.
pub const MARKER: &str = ".waymark-site";

/// What names a build's new folder beside the output: `.<output>.waymark-new-<stamp>`.
const NEW_INFIX: &str = ".waymark-new-";
/// What names the old site's folder while it is being removed: `.<output>.waymark-old-<stamp>`.
const OLD_INFIX: &str = ".waymark-old-";

/// What names the folder a build keeps beside its output for the next: `.<output>.waymark-frame`.
const FRAME_INFIX: &str = ".waymark-frame";

/// `.gitignore` patterns for the folders a build makes beside its output: those an interrupted
/// build can leave behind (holding personal data) until the next build removes them, and the
/// frame of empty folders a finished build keeps for the next.
pub const LEFTOVER_GLOBS: &[&str] = &[".*.waymark-new-*", ".*.waymark-old-*", ".*.waymark-frame"];

/// Whether `name` (a file name beside the output folder `output_name`) is one of a build's
/// temporary folders for that output.
pub fn is_leftover(name: &str, output_name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_prefix(output_name))
        .is_some_and(|n| n.starts_with(NEW_INFIX) || n.starts_with(OLD_INFIX))
}

/// What goes into one file of the site.
#[derive(Debug, Clone)]
pub enum Content {
    /// These bytes.
    Bytes(Vec<u8>),
    /// A copy of this file (an attachment).
    Copy(PathBuf),
    /// This file of the old site, unchanged: hard-linked into the new folder (copied where
    /// links cannot be made), so an incremental build need not write it again; with which file
    /// it was when it was looked at.
    Link(PathBuf, FileId),
}

/// Which file a file is (its device and inode number), whatever its name: tells the file a
/// build would link from another at the same path. Unknown where the platform does not say,
/// and an unknown file is never the same as any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId(Option<(u64, u64)>);

impl FileId {
    /// The regular file at `path` (a link there is never followed), or `None` when there is none.
    pub fn of_file(path: &Path) -> Option<FileId> {
        let meta = std::fs::symlink_metadata(path).ok().filter(|m| m.is_file())?;
        Some(FileId::of(&meta))
    }

    /// The file `meta` describes.
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(Some((meta.dev(), meta.ino())))
    }

    /// Elsewhere, unknown.
    #[cfg(not(unix))]
    fn of(_meta: &std::fs::Metadata) -> FileId {
        FileId(None)
    }

    /// Whether both are known and the same file.
    fn same(self, other: FileId) -> bool {
        self.0.is_some() && self == other
    }

    /// Its inode number, when known.
    fn ino(self) -> Option<u64> {
        self.0.map(|(_, ino)| ino)
    }
}

/// One file of the site.
#[derive(Debug, Clone)]
pub struct SiteFile {
    /// Path inside the output folder, `/`-separated, with no `..`.
    pub path: String,
    /// What it holds.
    pub content: Content,
}

/// The whole site, in memory, ready to write.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Every file.
    pub files: Vec<SiteFile>,
}

impl Site {
    /// Adds a file of bytes.
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.push(SiteFile { path: path.into(), content: Content::Bytes(bytes.into()) });
    }

    /// Adds a copy of a file on disk.
    pub fn copy(&mut self, path: impl Into<String>, from: PathBuf) {
        self.files.push(SiteFile { path: path.into(), content: Content::Copy(from) });
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.files.iter().filter(|f| f.path.ends_with(".html")).count()
    }

    /// The bytes of a file, if it is held in memory.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.iter().find(|f| f.path == path).and_then(|f| match &f.content {
            Content::Bytes(b) => Some(b.as_slice()),
            Content::Copy(_) | Content::Link(..) => None,
        })
    }
}

/// Why the site could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The output folder exists and is not one Waymark made.
    NotOurs(PathBuf),
    /// The output exists and is not a folder (or is a link).
    NotAFolder(PathBuf),
    /// The output's parent folder does not exist.
    NoParent(PathBuf),
    /// A site path that would leave the output folder.
    BadPath(String),
    /// Reading or writing failed.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::NotOurs(p) => write!(
                f,
                "{} already exists and Waymark did not make it (it has no {MARKER} file), so Waymark will not replace it.\n  Choose another folder with --output DIR, or move that folder away if you are sure it holds nothing you need.",
                p.display()
            ),
            WriteError::NotAFolder(p) => write!(
                f,
                "{} exists and is not a folder Waymark can replace (a file or a link).\n  Choose another folder with --output DIR.",
                p.display()
            ),
            WriteError::NoParent(p) => write!(
                f,
                "cannot build into {}: the folder it would go in does not exist.\n  Create the folder above it first, or choose another with --output DIR.",
                p.display()
            ),
            WriteError::BadPath(p) => write!(f, "refusing to write `{p}`, which would land outside the output folder"),
            WriteError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for WriteError {}

/// Checks that `output` may be (re)placed: absent, or a real folder holding the marker.
pub fn check_output(output: &Path) -> Result<(), WriteError> {
    match std::fs::symlink_metadata(output) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(WriteError::Io(output.to_path_buf(), e)),
        Ok(meta) if !meta.is_dir() => Err(WriteError::NotAFolder(output.to_path_buf())),
        Ok(_) if output.join(MARKER).is_file() => Ok(()),
        Ok(_) => Err(WriteError::NotOurs(output.to_path_buf())),
    }
}

/// Where rendered files go: kept in memory (a [`Site`] in a mutex) or written straight into a
/// [`Staging`] folder, so a large build need not hold every page at once.
pub trait Sink: Sync {
    /// Takes one file of the site.
    fn put(&self, path: String, content: Content) -> Result<(), WriteError>;
}

impl Sink for std::sync::Mutex<Site> {
    fn put(&self, path: String, content: Content) -> Result<(), WriteError> {
        // A poisoned lock only means another thread panicked mid-push; the list is still whole.
        let mut site = self.lock().unwrap_or_else(|e| e.into_inner());
        site.files.push(SiteFile { path, content });
        Ok(())
    }
}

/// A new site being written into a folder beside the output, swapped in whole by [`Staging::finish`];
/// dropped unfinished, it removes its folder and leaves the old site as it was.
pub struct Staging {
    output: PathBuf,
    fresh: PathBuf,
    old: PathBuf,
    /// Held open and locked while the build runs, so another build's tidying leaves this folder alone.
    _lock: Option<std::fs::File>,
    files: std::sync::atomic::AtomicUsize,
    pages: std::sync::atomic::AtomicUsize,
    finished: bool,
    /// The site being replaced, when a file it already holds byte for byte is linked rather
    /// than written (see [`Staging::keeping_identical`]).
    previous: Option<PathBuf>,
    /// Folders already made in the new site: asking the file system again for each of its
    /// twelve thousand files at 100,000 notes took a tenth of a build's time.
    folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Where the last build left its site's folders, and where this one leaves its own (see
    /// [`Staging::framed`]).
    frame: Option<PathBuf>,
    /// The folders and files the new folder already had, when it is the last build's frame.
    framed: Taken,
    /// The frame's spare files.
    spares: Spares,
    /// The files this build wrote as files of their own (not links to another), relative to
    /// the site: when this site is replaced, its files at these paths become spares.
    written: std::sync::Mutex<Vec<PathBuf>>,
    /// The files this build linked (another file under a second name), relative to the site,
    /// with their inode numbers: when this site is replaced, its files that are still these
    /// very files stay in the frame, so that the next build need not link them again.
    linked: std::sync::Mutex<Vec<(PathBuf, u64)>>,
    /// What names this build's temporary folders, and the spares it adds.
    stamp: String,
}

impl Staging {
    /// Checks that `output` may be replaced and makes the new folder beside it.
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        Staging::open(output, false)
    }

    /// [`Staging::new`] for a site built into the same folder again and again: it starts from
    /// the folders the last build left beside the output, with the files the live site shares
    /// with them, writes into the empty files it kept rather than making new ones ([`Spares`]),
    /// and leaves its own frame there.
    pub fn framed(output: &Path) -> Result<Staging, WriteError> {
        Staging::open(output, true)
    }

    /// [`Staging::new`], or [`Staging::framed`] when `with_frame`.
    fn open(output: &Path, with_frame: bool) -> Result<Staging, WriteError> {
        check_output(output)?;
        let name = output.file_name().ok_or_else(|| WriteError::NotAFolder(output.to_path_buf()))?;
        let parent = match output.parent() {
            Some(p) if p.as_os_str().is_empty() => Path::new("."),
            Some(p) => p,
            None => return Err(WriteError::NotAFolder(output.to_path_buf())),
        };
        if !parent.is_dir() {
            return Err(WriteError::NoParent(output.to_path_buf()));
        }
        let stamp = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
        );
        let name = name.to_string_lossy();
        remove_leftovers(parent, &name);
        let fresh = parent.join(format!(".{name}{NEW_INFIX}{stamp}"));
        let old = parent.join(format!(".{name}{OLD_INFIX}{stamp}"));
        let frame = with_frame.then(|| parent.join(format!(".{name}{FRAME_INFIX}")));
        // Only a real folder of ours, never a link to one elsewhere.
        let frame_is_ours = frame.as_deref().is_some_and(|f| std::fs::symlink_metadata(f).is_ok_and(|m| m.is_dir()));
        let framed = frame.as_deref().filter(|_| frame_is_ours).and_then(|frame| take_frame(frame, &fresh));
        if framed.is_none() {
            std::fs::create_dir(&fresh).map_err(|e| WriteError::Io(fresh.clone(), e))?;
        }
        let spares = frame.as_deref().filter(|_| frame_is_ours).map(Spares::of).unwrap_or_default();
        let lock = std::fs::File::open(&fresh).ok().filter(|f| f.try_lock().is_ok());
        Ok(Staging {
            output: output.to_path_buf(),
            fresh,
            old,
            _lock: lock,
            files: Default::default(),
            pages: Default::default(),
            finished: false,
            previous: None,
            folders: Default::default(),
            frame,
            framed: framed.unwrap_or_default(),
            spares,
            written: Default::default(),
            linked: Default::default(),
            stamp,
        })
    }

    /// Links each file the site being replaced already holds byte for byte instead of writing
    /// it again, so a build that changed little writes little and removing the old site frees
    /// little (on a file system that discards freed blocks, freeing is most of a swap). Only
    /// for sites whose files come out the same each time: not for sealed ones.
    pub fn keeping_identical(mut self) -> Staging {
        self.previous = Some(self.output.clone()).filter(|o| check_output(o).is_ok() && o.is_dir());
        self
    }

    /// How many HTML pages have been written so far.
    pub fn pages(&self) -> usize {
        self.pages.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Every folder the new site's files are in, and the folders above them up to its root (the
    /// empty path), relative to the site.
    fn used_folders(&self) -> std::collections::HashSet<PathBuf> {
        let folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
        let mut used = std::collections::HashSet::from([PathBuf::new()]);
        for folder in folders.iter().filter_map(|f| f.strip_prefix(&self.fresh).ok()) {
            for above in folder.ancestors() {
                if !used.insert(above.to_path_buf()) {
                    break;
                }
            }
        }
        used
    }

    /// Writes the marker and swaps the new folder in; returns the files written (marker not counted).
    pub fn finish(mut self) -> Result<usize, WriteError> {
        let used = self.used_folders();
        // A folder of the frame that holds no file of this site (a young person no longer here)
        // must not reach the site, even empty: its name alone says who was here.
        for folder in &self.framed.folders {
            let unused = !folder.strip_prefix(&self.fresh).is_ok_and(|rel| used.contains(rel));
            // Not a folder any more: gone, or a file this build put in its place.
            if unused && std::fs::symlink_metadata(folder).is_ok_and(|m| m.is_dir()) {
                std::fs::remove_dir_all(folder).map_err(|e| WriteError::Io(folder.clone(), e))?;
            }
        }
        // Nor may a page the frame kept that this site does not have (a note removed).
        for (path, claimed) in &self.framed.files {
            if !claimed.load(std::sync::atomic::Ordering::Relaxed) {
                let file = path.split('/').fold(self.fresh.clone(), |p, s| p.join(s));
                clear(&file).map_err(|e| WriteError::Io(file, e))?;
            }
        }
        let marker = self.fresh.join(MARKER);
        std::fs::write(&marker, "This folder was made by `waymark build` and is replaced whole by the next build.\n")
            .map_err(|e| WriteError::Io(marker, e))?;
        // The output is checked again: it may have changed while the pages were written.
        check_output(&self.output)?;
        let old = if std::fs::symlink_metadata(&self.output).is_ok() {
            swap(&self.fresh, &self.output, &self.old).map_err(|e| WriteError::Io(self.output.clone(), e))?
        } else {
            std::fs::rename(&self.fresh, &self.output).map_err(|e| WriteError::Io(self.output.clone(), e))?;
            None
        };
        self.finished = true;
        // The old site's folders are kept for the next build: making and removing every folder
        // each build was a fifth to two thirds of a one-note build on ext4. So are its files that
        // are this site's own (linked), in place, which the next build need not link again, and
        // its files that this build wrote afresh, emptied, as spares.
        let written: std::collections::HashSet<PathBuf> =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect();
        let files = self.files.load(std::sync::atomic::Ordering::Relaxed);
        // Never more spares than the site has files: enough for a build that writes every one.
        let room = if written.is_empty() { 0 } else { files.saturating_sub(self.spares.left()) };
        let linked: std::collections::HashMap<PathBuf, u64> =
            std::mem::take(&mut *self.linked.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect();
        let keep = Keep { folders: &used, files: &written, linked: &linked };
        let kept = |old: &PathBuf| {
            self.frame.as_deref().is_some_and(|frame| keep_frame(old, &keep, room, &self.stamp, frame).is_ok())
        };
        if let Some(old) = old.filter(|old| !kept(old)) {
            match remove_tree(&old) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(WriteError::Io(old, e)),
                _ => {}
            }
        }
        Ok(self.files.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Sink for Staging {
    fn put(&self, path: String, content: Content) -> Result<(), WriteError> {
        if !crate::render::paths::safe_relative(&path) || path == MARKER {
            return Err(WriteError::BadPath(path));
        }
        let dest = path.split('/').fold(self.fresh.clone(), |p, s| p.join(s));
        let folder = dest.parent().unwrap_or(&self.fresh);
        let made = |f: &Path| self.folders.lock().unwrap_or_else(|e| e.into_inner()).contains(f);
        let make = || {
            std::fs::create_dir_all(folder)
                .or_else(|_| {
                    // A page the frame kept where this site has a folder (the site's shape
                    // changed): it goes.
                    self.clear_kept_above(folder);
                    std::fs::create_dir_all(folder)
                })
                .map_err(|e| WriteError::Io(folder.to_path_buf(), e))
        };
        if !made(folder) {
            // Several threads may make the same folder; create_dir_all accepts one that appears meanwhile.
            if !self.framed.folders.contains(folder) {
                make()?;
            }
            self.folders.lock().unwrap_or_else(|e| e.into_inner()).insert(folder.to_path_buf());
        }
        let previous = self.previous.as_ref().map(|p| path.split('/').fold(p.clone(), |p, s| p.join(s)));
        let held =
            self.framed.files.get(&path).inspect(|claimed| claimed.store(true, std::sync::atomic::Ordering::Relaxed));
        let placed = match self.write_one(&dest, previous.as_deref(), &content, held.is_some()) {
            // The frame's list named a folder that is not there after all: make it, once.
            Err(WriteError::Io(_, e))
                if e.kind() == std::io::ErrorKind::NotFound && self.framed.folders.contains(folder) =>
            {
                make()?;
                self.write_one(&dest, previous.as_deref(), &content, false)?
            }
            // A folder the frame kept where this site has a file (the site's shape changed): it
            // goes, once.
            Err(_) if self.framed.folders.contains(&dest) && dest.is_dir() => {
                clear(&dest).map_err(|e| WriteError::Io(dest.clone(), e))?;
                self.write_one(&dest, previous.as_deref(), &content, false)?
            }
            placed => placed?,
        };
        if self.frame.is_some() {
            match placed {
                Placed::Own => self.written.lock().unwrap_or_else(|e| e.into_inner()).push(path.split('/').collect()),
                Placed::Linked(ino) => {
                    self.linked.lock().unwrap_or_else(|e| e.into_inner()).push((path.split('/').collect(), ino))
                }
                Placed::Nothing => {}
            }
        }
        self.files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if path.ends_with(".html") {
            self.pages.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

/// What [`Staging::write_one`] put in the new site.
enum Placed {
    /// A file of its own, which no other folder shares.
    Own,
    /// Another file under a second name: the file of this inode number.
    Linked(u64),
    /// Nothing (an attachment that is not a regular file).
    Nothing,
}

impl Staging {
    /// Removes each file the frame kept at `folder` or a folder above it, inside the new site.
    fn clear_kept_above(&self, folder: &Path) {
        for above in folder.ancestors().take_while(|a| *a != self.fresh) {
            let rel = above.strip_prefix(&self.fresh).ok().and_then(|r| r.to_str());
            if rel.is_some_and(|r| self.framed.files.contains_key(&r.replace(std::path::MAIN_SEPARATOR, "/"))) {
                let _ = clear(above);
            }
        }
    }

    /// Writes one file of the new site at `dest` (into a spare, when the frame has one), linking
    /// the old site's file at `previous` instead when it holds the same bytes; when the frame
    /// `held` a file at `dest`, keeps it if it is the very file to link, and otherwise replaces it.
    fn write_one(
        &self,
        dest: &Path,
        previous: Option<&Path>,
        content: &Content,
        held: bool,
    ) -> Result<Placed, WriteError> {
        let io = |e| WriteError::Io(dest.to_path_buf(), e);
        // The file to link, and which file it is.
        let same = match content {
            Content::Link(from, id) => Some((from.as_path(), *id)),
            Content::Bytes(b) => previous.and_then(|old| identical(old, b).map(|id| (old, id))),
            Content::Copy(_) => None,
        };
        if held {
            // The very file already there: nothing to do. The frame's file is looked at too, so
            // that a file put there in place of the one the frame kept is never kept.
            let there = FileId::of_file(dest);
            if let Some(ino) = same.filter(|(_, id)| there.is_some_and(|t| t.same(*id))).and_then(|(_, id)| id.ino()) {
                return Ok(Placed::Linked(ino));
            }
            // The frame's file here may be the live site's own: never written into, only replaced.
            clear(dest).map_err(io)?;
        }
        if let Some(ino) = same.and_then(|(from, id)| link_checked(from, dest, id)) {
            return Ok(Placed::Linked(ino));
        }
        let source = match content {
            Content::Bytes(_) => None,
            Content::Copy(from) => {
                // Never follow a link out of the records: copy regular files only.
                let meta = std::fs::symlink_metadata(from).map_err(|e| WriteError::Io(from.clone(), e))?;
                if !meta.is_file() {
                    return Ok(Placed::Nothing);
                }
                Some(from)
            }
            // A file system without hard links: a copy.
            Content::Link(from, _) => Some(from),
        };
        // Into a spare, or a file made anew: never into a file already there.
        let mut file = match self.spares.take(dest) {
            Some(file) => file,
            None => std::fs::OpenOptions::new().write(true).create_new(true).open(dest).map_err(io)?,
        };
        match (source, content) {
            (Some(from), _) => {
                let mut source = std::fs::File::open(from).map_err(|e| WriteError::Io(from.clone(), e))?;
                std::io::copy(&mut source, &mut file).map_err(io)?;
            }
            (None, Content::Bytes(b)) => std::io::Write::write_all(&mut file, b).map_err(io)?,
            (None, _) => {}
        }
        Ok(Placed::Own)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.fresh);
        }
    }
}

/// Puts the folder `fresh` in the place of the existing `output`; returns where the old site now is.
///
/// On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two names at once, so there is never a
/// moment without the output folder and a build killed at any point leaves a whole site there.
/// Elsewhere (or on a file system without it) the old site is renamed aside first.
fn swap(fresh: &Path, output: &Path, aside: &Path) -> std::io::Result<Option<PathBuf>> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, fresh, CWD, output, RenameFlags::EXCHANGE) {
            // The old site now has the new folder's temporary name.
            Ok(()) => return Ok(Some(fresh.to_path_buf())),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    std::fs::rename(output, aside)?;
    if let Err(e) = std::fs::rename(fresh, output) {
        let _ = std::fs::rename(aside, output);
        return Err(e);
    }
    Ok(Some(aside.to_path_buf()))
}

/// Removes the temporary folders that interrupted builds into `output_name` left in `parent`,
/// except those a running build still holds locked. Best effort: one that cannot be removed now
/// is tried again by the next build.
fn remove_leftovers(parent: &Path, output_name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Only real folders of ours: never follow a link, never touch anything else.
        if !is_leftover(name, output_name) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let lock = std::fs::File::open(&path);
        if let Ok(lock) = &lock {
            if let Err(std::fs::TryLockError::WouldBlock) = lock.try_lock() {
                continue;
            }
        }
        let _ = remove_tree(&path);
    }
}

/// Hard-links `from` to `dest` when `from` is the file `id`; gives its inode number when `dest`
/// is then that very file (`from` could have been replaced meanwhile), and otherwise leaves
/// nothing at `dest`.
fn link_checked(from: &Path, dest: &Path, id: FileId) -> Option<u64> {
    std::fs::hard_link(from, dest).ok()?;
    if FileId::of_file(dest).is_some_and(|d| d.same(id)) {
        return id.ino();
    }
    let _ = std::fs::remove_file(dest);
    None
}

/// Which file `old` (a file of the site being replaced) is, when it holds exactly `bytes`.
/// Never follows a link.
#[cfg(unix)]
fn identical(old: &Path, bytes: &[u8]) -> Option<FileId> {
    let mut file = no_link(std::fs::OpenOptions::new().read(true)).open(old).ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.len() == bytes.len() as u64 && holds(&mut file, bytes)).then(|| FileId::of(&meta))
}

/// `options` set never to follow a link at the path opened (which then fails to open).
#[cfg(unix)]
fn no_link(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
}

/// Whether `file` holds exactly `bytes`, read a piece at a time: a young person's page made on
/// another day differs within its first 3 KB, and those pages are 290 MB of the 360 MB of a
/// site at 100,000 notes, which a build that makes every page again read whole to find that.
#[cfg(unix)]
fn holds(file: &mut std::fs::File, bytes: &[u8]) -> bool {
    use std::io::Read;
    let mut piece = vec![0; bytes.len().clamp(1, 32 * 1024)];
    let mut at = 0;
    loop {
        match file.read(&mut piece) {
            Ok(0) => return at == bytes.len(),
            Ok(n) if bytes.get(at..at + n) == Some(&piece[..n]) => at += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            _ => return false,
        }
    }
}

/// Elsewhere every file is written.
#[cfg(not(unix))]
fn identical(_old: &Path, _bytes: &[u8]) -> Option<FileId> {
    None
}

/// Removes a folder and everything in it, two levels of subfolders at a time in parallel:
/// a large site's old copy (thousands of files per folder level) goes in a fraction of the
/// time one thread takes, since each unlink waits on the file system.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        // Never follow a link out of the folder: only real folders are descended into.
        if entry.file_type()?.is_dir() {
            for inner in std::fs::read_dir(entry.path())? {
                let inner = inner?;
                if inner.file_type()?.is_dir() {
                    folders.push(inner.path());
                }
            }
        }
    }
    folders.par_iter().try_for_each(std::fs::remove_dir_all)?;
    std::fs::remove_dir_all(dir)
}

/// Writes a site held in memory to `output`: a new folder beside it, then swapped in whole.
///
/// Returns the number of files written (the marker not counted).
pub fn write(site: &Site, output: &Path) -> Result<usize, WriteError> {
    use rayon::prelude::*;
    // Refuse a bad path before anything is written.
    if let Some(f) = site.files.iter().find(|f| !crate::render::paths::safe_relative(&f.path) || f.path == MARKER) {
        check_output(output)?;
        return Err(WriteError::BadPath(f.path.clone()));
    }
    let staging = Staging::new(output)?;
    site.files.par_iter().try_for_each(|f| staging.put(f.path.clone(), f.content.clone()))?;
    staging.finish()
}

/// Writes one file whole: into a temporary file beside it, then renamed over it, so a reader
/// never sees half of it and a failure leaves the old file as it was.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.waymark-{}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::frame::{FRAME_FILES, FRAME_LIST, FRAME_SITE, FRAME_SPARES};
    use super::*;

    fn site(text: &str) -> Site {
        let mut s = Site::default();
        s.add("index.html", text);
        s.add("people/a/index.html", "a");
        s
    }

    #[test]
    fn writes_then_replaces_its_own_folder_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        assert_eq!(write(&site("one"), &out).expect("first build"), 2);
        assert!(out.join(MARKER).is_file());
        std::fs::write(out.join("stale.html"), "old").expect("write");
        write(&site("two"), &out).expect("second build");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("read"), "two");
        assert!(!out.join("stale.html").exists(), "the old site is replaced whole");
        assert_eq!(names(dir.path()), ["public"], "no temporary folders are left behind, and no frame (not a build)");

        let theirs = dir.path().join("theirs");
        std::fs::create_dir(&theirs).expect("mkdir");
        std::fs::write(theirs.join("precious.txt"), "keep").expect("write");
        let err = write(&site("x"), &theirs).expect_err("refused");
        assert!(matches!(err, WriteError::NotOurs(_)));
        assert!(err.to_string().contains(MARKER));
        assert!(theirs.join("precious.txt").is_file() && !theirs.join("index.html").exists());
        let file = dir.path().join("file");
        std::fs::write(&file, "x").expect("write");
        assert!(matches!(write(&site("x"), &file), Err(WriteError::NotAFolder(_))));
    }

    /// Writes `site` into `output` as `waymark build` does, starting from the last build's frame
    /// and leaving its own.
    fn build(site: &Site, output: &Path) -> Result<usize, WriteError> {
        let staging = Staging::framed(output)?;
        for f in &site.files {
            staging.put(f.path.clone(), f.content.clone())?;
        }
        staging.finish()
    }

    /// A site folder `public` in `dir` and the frame a framed build keeps beside it, by the
    /// name users see.
    fn public_and_frame(dir: &Path) -> (PathBuf, PathBuf) {
        (dir.join("public"), dir.join(".public.waymark-frame"))
    }

    /// The names in a folder, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into())
            .collect();
        names.sort();
        names
    }

    /// Every folder (ending in `/`) and file under `dir`, with the file's bytes.
    fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.expect("walk");
                let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
                match e.file_type().is_dir() {
                    true => (format!("{rel}/"), Vec::new()),
                    false => (rel, std::fs::read(e.path()).expect("read")),
                }
            })
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn the_old_sites_folders_are_kept_empty_for_the_next_build_and_only_those_the_new_one_has() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        let mut first = site("one");
        first.add("people/b/notes/1.html", "b's note");
        build(&first, &out).expect("first build");
        assert!(!frame.exists(), "a first build has no old site to keep folders of");
        build(&site("two"), &out).expect("second build, without b");
        assert_eq!(names(&frame), [FRAME_SITE, FRAME_SPARES]);
        let held = tree(&frame.join(FRAME_SITE));
        let only_folders: Vec<&String> = held.keys().filter(|k| !k.ends_with('/')).collect();
        assert_eq!(only_folders, [FRAME_FILES, FRAME_LIST], "the frame holds no page, only its lists");
        assert_eq!(held.keys().filter(|k| k.ends_with('/')).collect::<Vec<_>>(), ["people/", "people/a/"]);
        assert_eq!(held[FRAME_LIST], b"people\npeople/a");
        assert_eq!(held[FRAME_FILES], b"", "no page was linked: none is kept in place");
        // The old site's two files the new site wrote afresh are kept, emptied, to be written into.
        let spares = tree(&frame.join(FRAME_SPARES));
        assert_eq!(spares.len(), 2);
        assert!(spares.values().all(|bytes| bytes.is_empty()), "no page's text");
        let spare_inodes: std::collections::HashSet<u64> = spares
            .keys()
            .map(|name| std::fs::metadata(frame.join(FRAME_SPARES).join(name)).expect("spare").ino())
            .collect();

        let folder = std::fs::metadata(frame.join(FRAME_SITE).join("people")).expect("frame folder").ino();
        // Without a: the frame's folder of a must not reach the new site.
        let mut third = Site::default();
        third.add("index.html", "three");
        third.add("people/c/index.html", "c");
        build(&third, &out).expect("third build");
        assert_eq!(std::fs::metadata(out.join("people")).expect("folder").ino(), folder, "the frame's folder is used");
        for page in ["index.html", "people/c/index.html"] {
            let ino = std::fs::metadata(out.join(page)).expect("page").ino();
            assert!(spare_inodes.contains(&ino), "{page} is written into a spare, not a file made anew");
        }
        let elsewhere = dir.path().join("elsewhere");
        build(&third, &elsewhere).expect("a build into a new folder");
        assert_eq!(tree(&out), tree(&elsewhere), "the same folders and files as a site built from nothing");
        assert_eq!(names(dir.path()), [".public.waymark-frame", "elsewhere", "public"]);
        // The frame now has the folders both the old site and the new one have.
        let held = tree(&frame.join(FRAME_SITE));
        assert_eq!(held.keys().filter(|k| k.ends_with('/')).collect::<Vec<_>>(), ["people/"]);
        assert_eq!(names(&frame.join(FRAME_SPARES)).len(), 1, "the old index.html: the other spare was used");
    }

    #[test]
    fn a_frame_that_lost_its_list_or_lies_about_its_folders_still_gives_the_right_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        let mut two = site("two");
        two.add("people/b/index.html", "b");
        build(&site("one"), &out).expect("first build");
        build(&site("one"), &out).expect("second build");
        let frame = frame.join(FRAME_SITE);
        std::fs::remove_file(frame.join(FRAME_LIST)).expect("lose the list");
        build(&two, &out).expect("a build with a frame without its list");
        let reference = tree(&out);
        // Folders named but not there (one the site needs, one it does not), and one the
        // list names that holds a stray file.
        assert!(!frame.join("people/b").exists());
        std::fs::write(frame.join(FRAME_LIST), "people\npeople/a\npeople/b\npeople/q\nstray").expect("write");
        std::fs::create_dir(frame.join("stray")).expect("mkdir");
        std::fs::write(frame.join("stray/page.html"), "old").expect("write");
        build(&two, &out).expect("a build with a frame that lies");
        assert_eq!(tree(&out), reference);
        std::fs::write(frame.join(FRAME_LIST), "../outside").expect("write");
        build(&two, &out).expect("a build with a frame naming a path outside it");
        assert_eq!(tree(&out), reference);
        assert_eq!(names(dir.path()), [".public.waymark-frame", "public"]);
        // A frame left by an earlier version (its list and folders at the top) is not used,
        // and the next frame replaces it.
        let frame = dir.path().join(".public.waymark-frame");
        std::fs::remove_dir_all(&frame).expect("remove");
        std::fs::create_dir_all(frame.join("people/a")).expect("mkdir");
        std::fs::write(frame.join(FRAME_LIST), "people\npeople/a").expect("write");
        build(&two, &out).expect("a build with an earlier version's frame");
        assert_eq!(tree(&out), reference);
        assert_eq!(names(&frame), [FRAME_SITE, FRAME_SPARES]);
        // Nor is the layout before this one (its site folder under another name, its list of
        // folders only), nor a frame whose list of files has lost its way.
        std::fs::rename(frame.join(FRAME_SITE), frame.join("site")).expect("rename");
        std::fs::write(frame.join("site").join("people/a/index.html"), "stale").expect("write");
        build(&two, &out).expect("a build with the layout before");
        assert_eq!(tree(&out), reference);
        assert_eq!(names(&frame), [FRAME_SITE, FRAME_SPARES]);
        std::fs::write(frame.join(FRAME_SITE).join(FRAME_FILES), "people/a/index.html\n../x").expect("write");
        build(&two, &out).expect("a build with a list of files naming a path outside it");
        assert_eq!(tree(&out), reference);
    }

    /// Writes `site` into `output` as [`build`] does, linking what the live site holds byte for byte.
    fn build_keeping(site: &Site, output: &Path) -> Result<Staging, WriteError> {
        let staging = Staging::framed(output)?.keeping_identical();
        for f in &site.files {
            staging.put(f.path.clone(), f.content.clone())?;
        }
        Ok(staging)
    }

    #[cfg(unix)]
    #[test]
    fn files_the_live_site_shares_stay_in_the_frame_and_are_never_written_through() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        let kept = frame.join(FRAME_SITE);
        let mut first = site("one");
        first.add("people/b/index.html", "b's page");
        first.add("people/b/notes/1.html", "b's note");
        build(&first, &out).expect("first build");
        build_keeping(&first, &out).and_then(|s| s.finish()).expect("second build, the same");
        let ino = |p: &Path| std::fs::symlink_metadata(p).expect("metadata").ino();
        // Every page is linked from the site it replaced, so each stays in the frame as the
        // live page's second name, and the list names them.
        for f in &first.files {
            assert_eq!(ino(&kept.join(&f.path)), ino(&out.join(&f.path)), "{}", f.path);
        }
        let listed = std::fs::read_to_string(kept.join(FRAME_FILES)).expect("list");
        assert_eq!(listed, "index.html\npeople/a/index.html\npeople/b/index.html\npeople/b/notes/1.html");
        let unchanged = ino(&out.join("people/a/index.html"));

        // The next site: the index changed, b's note gone, c new, a as it was.
        let mut next = site("two");
        next.add("people/b/index.html", "b's page");
        next.add("people/c/index.html", "c");
        let staging = build_keeping(&next, &out).expect("third build");
        for (page, text) in [("index.html", "one"), ("people/b/notes/1.html", "b's note")] {
            let live = std::fs::read_to_string(out.join(page)).expect("read");
            assert_eq!(live, text, "{page}: the live page is never written through the frame");
        }
        staging.finish().expect("swap");
        assert_eq!(ino(&out.join("people/a/index.html")), unchanged, "the frame's file is kept, the same file");
        build(&next, &dir.path().join("elsewhere")).expect("a build from nothing");
        assert_eq!(tree(&out), tree(&dir.path().join("elsewhere")), "b's old note is not in the site");
        assert!(!kept.join("people/b/notes").exists(), "nor in the frame");

        // A site whose shape changed: a folder where the frame kept a page, and a page where
        // it kept a folder.
        let mut reshaped = Site::default();
        reshaped.add("index.html/inner.html", "a folder now");
        reshaped.add("people/b", "a file now");
        reshaped.add("people/a/index.html", "a");
        build_keeping(&reshaped, &out).and_then(|s| s.finish()).expect("a build of another shape");
        build(&reshaped, &dir.path().join("reshaped")).expect("a build from nothing");
        assert_eq!(tree(&out), tree(&dir.path().join("reshaped")));
        build_keeping(&next, &out).and_then(|s| s.finish()).expect("and back");

        // A file put in the frame in place of the one it kept is never taken for the live page.
        std::fs::remove_file(kept.join("people/a/index.html")).expect("remove");
        std::fs::write(kept.join("people/a/index.html"), "stale").expect("write");
        build_keeping(&next, &out).and_then(|s| s.finish()).expect("fourth build");
        assert_eq!(tree(&out), tree(&dir.path().join("elsewhere")));
        // What the frame holds is empty or the live site's own file at the same path.
        for (path, bytes) in tree(&kept).into_iter().filter(|(p, _)| !p.ends_with('/') && !p.starts_with(".waymark")) {
            assert_eq!(ino(&kept.join(&path)), ino(&out.join(&path)), "{path}: {bytes:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_spare_is_written_into_only_when_no_other_name_shares_it_and_never_through_a_link() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        let spares = frame.join(FRAME_SPARES);
        let mut first = site("one");
        first.add("people/a/plan.html", "plan");
        build(&first, &out).expect("first build");
        let mut second = site("two");
        second.add("people/a/plan.html", "plan 2");
        build(&second, &out).expect("second build");
        assert_eq!(names(&spares).len(), 3);
        // Spares that are not what they should be: the live site's page under another name, a
        // link out of the frame, a folder.
        for name in names(&spares) {
            std::fs::remove_file(spares.join(name)).expect("remove");
        }
        std::fs::hard_link(out.join("index.html"), spares.join("shared")).expect("hard link");
        let outside = dir.path().join("outside.html");
        std::fs::write(&outside, "not the site's").expect("write");
        std::os::unix::fs::symlink(&outside, spares.join("link")).expect("link");
        std::fs::create_dir_all(spares.join("folder/inner")).expect("mkdir");
        let live_plan = std::fs::metadata(out.join("people/a/plan.html")).expect("plan").ino();

        let staging = Staging::framed(&out).expect("staging").keeping_identical();
        for (page, text) in [("index.html", "three"), ("people/a/index.html", "a 3"), ("extra.html", "x")] {
            staging.put(page.into(), Content::Bytes(text.as_bytes().to_vec())).expect("put");
        }
        staging.put("people/a/plan.html".into(), Content::Bytes(b"plan 2".to_vec())).expect("put");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("read"), "two", "the live page unchanged");
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "not the site's");
        staging.finish().expect("swap");
        for (page, text) in [("index.html", "three"), ("people/a/index.html", "a 3"), ("extra.html", "x")] {
            let meta = std::fs::symlink_metadata(out.join(page)).expect("page");
            assert!(meta.is_file() && meta.nlink() == 1, "{page}: a file of its own");
            assert_eq!(std::fs::read_to_string(out.join(page)).expect("read"), text);
        }
        assert_eq!(std::fs::metadata(out.join("people/a/plan.html")).expect("plan").ino(), live_plan, "linked");
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "not the site's");
        let mut reference = second.clone();
        reference.files.retain(|f| f.path == "people/a/plan.html");
        for (page, text) in [("index.html", "three"), ("people/a/index.html", "a 3"), ("extra.html", "x")] {
            reference.add(page, text);
        }
        build(&reference, &dir.path().join("elsewhere")).expect("a build from nothing");
        assert_eq!(tree(&out), tree(&dir.path().join("elsewhere")));
        // What is kept now: the two old pages the new site wrote afresh (not the linked plan),
        // emptied, and no spare that was not a file of its own.
        let kept = names(&spares);
        assert_eq!(kept.len(), 2, "{kept:?}");
        for name in kept {
            let meta = std::fs::symlink_metadata(spares.join(&name)).expect("spare");
            assert!(meta.is_file() && meta.len() == 0 && meta.nlink() == 1, "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_spares_folder_that_is_a_link_is_never_followed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        build(&site("one"), &out).expect("first build");
        build(&site("two"), &out).expect("second build");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        std::fs::write(elsewhere.join("letter.txt"), "not the site's").expect("write");
        std::fs::remove_dir_all(frame.join(FRAME_SPARES)).expect("remove");
        std::os::unix::fs::symlink(&elsewhere, frame.join(FRAME_SPARES)).expect("link");
        build(&site("three"), &out).expect("third build");
        assert_eq!(names(&elsewhere), ["letter.txt"], "nothing taken from or put into the folder linked to");
        assert_eq!(std::fs::read_to_string(elsewhere.join("letter.txt")).expect("read"), "not the site's");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("read"), "three");
        assert!(std::fs::symlink_metadata(frame.join(FRAME_SPARES)).expect("spares").is_dir(), "a real folder now");
    }

    #[test]
    fn a_build_adds_spares_only_while_the_frame_holds_fewer_than_its_site_has_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, frame) = public_and_frame(dir.path());
        let spares = frame.join(FRAME_SPARES);
        let pages = |n: usize, text: &str| {
            let mut site = Site::default();
            for i in 0..n {
                site.add(format!("page-{i}.html"), format!("{text} {i}"));
            }
            site
        };
        let held = || std::fs::read_dir(&spares).map(|d| d.count()).unwrap_or(0);
        build(&pages(6, "one"), &out).expect("build");
        assert_eq!(held(), 0, "a first build has no old site");
        build(&pages(6, "two"), &out).expect("build");
        assert_eq!(held(), 6, "every old page was written afresh");
        // Two pages, both written into spares: four are left, as many as the site has files
        // already, so the old site's two pages are removed, not kept.
        build(&pages(2, "three"), &out).expect("build");
        assert_eq!(held(), 4);
        build(&pages(6, "four"), &out).expect("build");
        assert_eq!(held(), 2, "four taken, two added: the old site's two pages");
    }

    #[test]
    fn a_build_that_stops_halfway_leaves_the_old_site_and_no_folder_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        write(&site("old"), &out).expect("first build");
        let staging = Staging::new(&out).expect("staging");
        staging.put("index.html".into(), Content::Bytes(b"half".to_vec())).expect("put");
        assert!(matches!(staging.put("../x".into(), Content::Bytes(Vec::new())), Err(WriteError::BadPath(_))));
        assert_eq!(staging.pages(), 1);
        drop(staging);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("read"), "old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1, "only the old site is left");
    }

    #[test]
    fn leftovers_of_interrupted_builds_are_removed_by_the_next_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        write(&site("old"), &out).expect("first build");
        for name in [".public.waymark-new-1-2", ".public.waymark-old-1-2"] {
            std::fs::create_dir_all(dir.path().join(name).join("people/a")).expect("mkdir");
            std::fs::write(dir.path().join(name).join("people/a/index.html"), "personal").expect("write");
        }
        // Not ours: another output's folders, a file of that name, a user's own folder.
        std::fs::create_dir(dir.path().join(".other.waymark-new-1-2")).expect("mkdir");
        std::fs::write(dir.path().join(".public.waymark-old-3-4"), "a file").expect("write");
        std::fs::create_dir(dir.path().join("public.waymark-new-1-2")).expect("mkdir");
        // A build still running holds its folder locked: it is left alone.
        let running = Staging::new(&out).expect("a build in progress");
        write(&site("new"), &out).expect("second build");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into())
            .collect();
        names.sort();
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(
            names.iter().any(|n| n.starts_with(".public.waymark-new-") && dir.path().join(n).is_dir()),
            "{names:?}"
        );
        assert!(
            names.contains(&".other.waymark-new-1-2".to_string())
                && names.contains(&"public.waymark-new-1-2".to_string())
        );
        assert!(names.contains(&".public.waymark-old-3-4".to_string()));
        drop(running);
        assert_eq!(std::fs::read_to_string(out.join("index.html")).expect("read"), "new");
        assert!(is_leftover(".public.waymark-new-9", "public") && !is_leftover(".public2.waymark-new-9", "public"));
    }

    #[cfg(unix)]
    #[test]
    fn files_the_old_site_holds_byte_for_byte_are_linked_and_the_rest_written() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let mut first = site("same");
        first.add("people/b/index.html", "old text");
        write(&first, &out).expect("first build");
        let ino = |p: &str| std::fs::metadata(out.join(p)).expect("metadata").ino();
        let (same, changed) = (ino("index.html"), ino("people/b/index.html"));
        // A link in the old site is never followed, even to the same bytes.
        std::fs::write(dir.path().join("elsewhere"), "a").expect("write");
        std::fs::remove_file(out.join("people/a/index.html")).expect("remove");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), out.join("people/a/index.html")).expect("link");

        let staging = Staging::new(&out).expect("staging").keeping_identical();
        staging.put("index.html".into(), Content::Bytes(b"same".to_vec())).expect("put");
        staging.put("people/a/index.html".into(), Content::Bytes(b"a".to_vec())).expect("put");
        staging.put("people/b/index.html".into(), Content::Bytes(b"new text".to_vec())).expect("put");
        staging.finish().expect("swap");
        assert_eq!(ino("index.html"), same, "the same bytes are the same file");
        assert_ne!(ino("people/b/index.html"), changed);
        assert_eq!(std::fs::read_to_string(out.join("people/b/index.html")).expect("read"), "new text");
        let meta = std::fs::symlink_metadata(out.join("people/a/index.html")).expect("metadata");
        assert!(meta.is_file(), "a file of its own, not the old site's link");
        assert_eq!(std::fs::read_to_string(out.join("people/a/index.html")).expect("read"), "a");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_holds_the_bytes_only_when_every_one_is_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let long: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let file = dir.path().join("page");
        std::fs::write(&file, &long).expect("write");
        let held = |bytes: &[u8]| holds(&mut std::fs::File::open(&file).expect("open"), bytes);
        assert!(held(&long));
        for at in [0, 40_000, 99_999] {
            let mut other = long.clone();
            other[at] ^= 1;
            assert!(!held(&other), "a byte changed at {at}");
        }
        assert!(!held(&long[..99_999]) && !held(&[long.as_slice(), b"x"].concat()));
        std::fs::write(&file, b"").expect("write");
        assert!(held(b"") && !held(b"x"));
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        for bad in ["../x.html", "/etc/x", "a//b", "a/./b", MARKER] {
            let mut s = Site::default();
            s.add(bad, "x");
            assert!(matches!(write(&s, &dir.path().join("out")), Err(WriteError::BadPath(_))), "{bad}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
    }
}
