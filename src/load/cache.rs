//! The records cache: what reading each record file gave (its text, record and diagnostics),
//! kept in `.waymark/cache/records/` so that a build does not read and parse unchanged files again.
//!
//! An entry is trusted only while its file's stat is what it was when the file was read, as git's
//! index judges a file: size, modification and change times to the nanosecond, inode and device.
//! An entry whose file was modified less than [`RACY_NS`] before the cache file was written is
//! never trusted ("racy git"): an edit within the same tick of the file system's clock leaves
//! the stat as it was. Any doubt means the file is read again; a wrong cached record is far worse
//! than a slow build.
//!
//! There is one cache file per young person's folder (and one for `staff/`), so a new note
//! rewrites one small file. Each starts with a magic, a format version and the program's own
//! stamp (Waymark's version and its executable's size and time, so that no other build of the
//! parser trusts it), then the entries' length, a CRC-32 of them, and the entries in `bincode`.
//! A file that is missing, damaged, truncated or from another program is ignored and written
//! again; reading or writing the cache never fails a command.
//!
//! The texts of a file's records follow its entries, and are read only when a record's text
//! is first asked for ([`Texts`]): most builds need few of them. The file stays open until
//! then, so that a build writing it again (whole, under a new name) never changes what this
//! one reads. Texts that no longer match their CRC-32 are read again from the record files.

use super::records::Record;
use super::{FileRead, Job, Src};
use crate::cachefile::{self, Kind};
use crate::diag::Diagnostic;
use crate::model::{BodyScan, Source, TextStore};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The records cache's folder inside the cache folder (`.waymark/cache/`).
pub const DIR: &str = "records";
/// Version 4: per-folder files of the texts' length and CRC-32 and each file's (path, stat,
/// source without its text, record, diagnostics) in bincode's varints, then the texts (version
/// 1 had no scan, 2 no text hash, 3 kept each text in its entry).
const KIND: Kind = Kind { magic: b"WMRECS\r\n", format: 4 };
/// A file modified this close to (or after) its cache file's writing is read again.
pub const RACY_NS: i64 = 2_000_000_000;
/// The cache file of `staff/`.
const STAFF: &str = "staff.bin";

/// A file's stat as git's index keeps it: what must be unchanged for a cached entry to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, in nanoseconds since 1970.
    pub mtime: i64,
    /// Last change of the inode (a write, a rename, a chmod), in nanoseconds since 1970.
    pub ctime: i64,
    /// Inode number.
    pub ino: u64,
    /// Device number.
    pub dev: u64,
}

impl Stamp {
    /// The stamp of a regular file, or `None` (never cached) for anything else or where the
    /// platform gives no inode and change time.
    pub fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if !meta.is_file() {
                return None;
            }
            Some(Stamp {
                size: meta.size(),
                mtime: nanos(meta.mtime(), meta.mtime_nsec())?,
                ctime: nanos(meta.ctime(), meta.ctime_nsec())?,
                ino: meta.ino(),
                dev: meta.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// The stamp of the file at `path`, never following a link (see [`Stamp::of`]).
    fn at_path(path: &Path) -> Option<Stamp> {
        std::fs::symlink_metadata(path).ok().as_ref().and_then(Stamp::of)
    }
}

#[cfg(target_os = "linux")]
impl Stamp {
    /// The stamp of the file `name` in the folder open as `folder`, as [`Stamp::of`] gives it
    /// from that file's metadata.
    fn at(folder: &rustix::fd::OwnedFd, name: &std::ffi::OsStr) -> Option<Stamp> {
        use rustix::fs::{AtFlags, FileType, StatxFlags};
        let st = rustix::fs::statx(folder, name, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS).ok()?;
        if FileType::from_raw_mode(st.stx_mode.into()) != FileType::RegularFile {
            return None;
        }
        Some(Stamp {
            size: st.stx_size,
            mtime: nanos(st.stx_mtime.tv_sec, st.stx_mtime.tv_nsec.into())?,
            ctime: nanos(st.stx_ctime.tv_sec, st.stx_ctime.tv_nsec.into())?,
            ino: st.stx_ino,
            dev: rustix::fs::makedev(st.stx_dev_major, st.stx_dev_minor),
        })
    }
}

/// The stamp of each job's file on disk; `None` for a blob, or for what is not a regular file.
fn stamps_of(jobs: &[Job]) -> Vec<Option<Stamp>> {
    use rayon::prelude::*;
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{Mode, OFlags};
        // Each file is looked up in its folder, opened once: looking up the whole path again
        // for each of 100,000 files was a twentieth of a one-note build's CPU.
        let mut folders: Vec<(&Path, Option<rustix::fd::OwnedFd>)> = Vec::new();
        let mut at = Vec::with_capacity(jobs.len());
        for job in jobs {
            let Src::Disk(file) = &job.src else {
                at.push(None);
                continue;
            };
            let parent = file.parent().unwrap_or(Path::new("."));
            if folders.last().is_none_or(|(p, _)| *p != parent) {
                let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
                folders.push((parent, rustix::fs::open(parent, flags, Mode::empty()).ok()));
            }
            at.push(Some(folders.len() - 1));
        }
        jobs.par_iter()
            .zip(at)
            .map(|(job, at)| {
                let Src::Disk(file) = &job.src else { return None };
                match (at.and_then(|i| folders[i].1.as_ref()), file.file_name()) {
                    (Some(folder), Some(name)) => Stamp::at(folder, name),
                    _ => Stamp::at_path(file),
                }
            })
            .collect()
    }
    #[cfg(not(target_os = "linux"))]
    jobs.par_iter()
        .map(|job| match &job.src {
            Src::Disk(file) => Stamp::at_path(file),
            Src::Blob(_) => None,
        })
        .collect()
}

/// Seconds and nanoseconds as nanoseconds, if they fit (they do until the year 2262).
fn nanos(secs: i64, nsec: i64) -> Option<i64> {
    secs.checked_mul(1_000_000_000)?.checked_add(nsec)
}

/// What a cache file starts with, as read back.
#[derive(Deserialize)]
struct Head {
    /// Length and CRC-32 of the texts that follow the head.
    texts: (u64, u32),
    entries: Vec<Entry>,
}

/// One file's entry as read back.
#[derive(Deserialize)]
struct Entry {
    rel: String,
    stamp: Stamp,
    source: Option<KeptSource>,
    record: Option<Record>,
    diagnostics: Vec<Diagnostic>,
}

/// A source as its entry keeps it: all but its text, and where that is among the texts.
#[derive(Deserialize)]
struct KeptSource {
    text: (u32, u32),
    hash: u128,
    body_start: usize,
    body_line: u32,
    scan: Option<BodyScan>,
}

/// [`Head`] as written, borrowing from what reading the files gave.
#[derive(Serialize)]
struct HeadRef<'a> {
    texts: (u64, u32),
    entries: Vec<EntryOut<'a>>,
}

/// [`Entry`] as written.
#[derive(Serialize)]
struct EntryOut<'a> {
    rel: &'a str,
    stamp: Stamp,
    source: Option<KeptSourceRef<'a>>,
    record: Option<&'a Record>,
    diagnostics: &'a [Diagnostic],
}

/// [`KeptSource`] as written.
#[derive(Serialize)]
struct KeptSourceRef<'a> {
    text: (u32, u32),
    hash: u128,
    body_start: usize,
    body_line: u32,
    scan: Option<&'a BodyScan>,
}

/// One file's entry to write: what reading it gave.
struct EntryRef<'a> {
    rel: &'a str,
    stamp: Stamp,
    source: Option<&'a Source>,
    record: Option<&'a Record>,
    diagnostics: &'a [Diagnostic],
}

impl Entry {
    /// What reading the file gave, if the entry holds together: the source's text is among
    /// `texts`, and the record shares its source again.
    fn into_read(self, texts: &Arc<Texts>) -> Option<FileRead> {
        let source = match self.source {
            Some(k) if k.text.0 <= k.text.1 && u64::from(k.text.1) <= texts.len => {
                let store: Arc<dyn TextStore> = texts.clone();
                Some(Arc::new(Source::kept(self.rel, store, k.text, k.hash, k.body_start, k.body_line, k.scan)))
            }
            Some(_) => return None,
            None => None,
        };
        let record = match (self.record, &source) {
            (Some(mut record), Some(source)) => {
                *source_of(&mut record) = source.clone();
                Some(record)
            }
            (Some(_), None) => return None,
            (None, _) => None,
        };
        Some(FileRead { record, source, diagnostics: self.diagnostics })
    }
}

/// The texts of one cache file's records, read from it when one is first asked for.
#[derive(Debug)]
pub(super) struct Texts {
    /// The cache file, for removing when its texts are found damaged.
    path: PathBuf,
    /// The repository's root, where [`TextStore::read_again`] finds record files.
    root: PathBuf,
    /// The cache file, open since its head was read, until its texts are.
    file: Mutex<Option<std::fs::File>>,
    /// Where the texts start in the file.
    at: u64,
    /// Their length.
    len: u64,
    /// Their CRC-32.
    crc: u32,
    /// The texts once read, or `None` if they could not be read whole.
    text: OnceLock<Option<String>>,
}

/// How many cache files are held open for their texts.
static HELD: AtomicUsize = AtomicUsize::new(0);

impl Texts {
    /// Reads the texts, closing the file; `None` (and the cache file removed, so that the next
    /// command makes it again) when they are not as written.
    fn load(&self) -> Option<String> {
        let file = self.file.lock().unwrap_or_else(|e| e.into_inner()).take();
        if file.is_some() {
            HELD.fetch_sub(1, Ordering::Relaxed);
        }
        let read = |mut file: std::fs::File| {
            use std::io::{Read, Seek};
            file.seek(std::io::SeekFrom::Start(self.at)).ok()?;
            let mut bytes = vec![0; usize::try_from(self.len).ok()?];
            file.read_exact(&mut bytes).ok()?;
            (crc32fast::hash(&bytes) == self.crc).then_some(bytes)
        };
        let text = file.and_then(read).and_then(|bytes| String::from_utf8(bytes).ok());
        if text.is_none() {
            let _ = std::fs::remove_file(&self.path);
        }
        text
    }

    /// Reads the texts now rather than when first asked for.
    fn read_now(&self) {
        self.get(0, 0);
    }
}

impl TextStore for Texts {
    fn get(&self, start: u32, end: u32) -> Option<&str> {
        self.text.get_or_init(|| self.load()).as_deref()?.get(start as usize..end as usize)
    }

    fn read_again(&self, path: &str, hash: u128) -> String {
        let file = path.split('/').fold(self.root.clone(), |p, s| p.join(s));
        match std::fs::read(&file).ok().and_then(|bytes| super::decode(&bytes).ok()) {
            Some(text) if xxhash_rust::xxh3::xxh3_128(text.as_bytes()) == hash => text,
            // What this command has shown of the record so far came from the text it had: going
            // on with another could mix the two, and keep the mix in the caches.
            _ => {
                eprintln!(
                    "error: {} changed while Waymark was reading it, and the records cache's copy of it \
                     ({}) could not be read back.\n  = help: nothing was changed; run the command again",
                    crate::term::visible(path),
                    crate::term::visible(&self.path.display().to_string()),
                );
                std::process::exit(1)
            }
        }
    }
}

impl Drop for Texts {
    fn drop(&mut self) {
        let held = match self.file.get_mut() {
            Ok(file) => file.is_some(),
            Err(poisoned) => poisoned.into_inner().is_some(),
        };
        if held {
            HELD.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// How many cache files may be held open for their texts: a quarter of the files this
/// process may have open, so that writing the site never runs short.
fn may_hold() -> usize {
    static MAY: OnceLock<usize> = OnceLock::new();
    *MAY.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            use rustix::process::{getrlimit, setrlimit, Resource};
            // The soft limit is often 1,024 where the hard one is far higher: as much as
            // allowed, as Go programs take, up to 65,536.
            let mut limit = getrlimit(Resource::Nofile);
            let want = limit.maximum.unwrap_or(65_536).min(65_536);
            if limit.current.is_some_and(|now| now < want) {
                limit.current = Some(want);
                let _ = setrlimit(Resource::Nofile, limit);
            }
            let now = getrlimit(Resource::Nofile).current.unwrap_or(65_536);
            usize::try_from(now / 4).unwrap_or(0)
        }
        #[cfg(not(target_os = "linux"))]
        {
            128
        }
    })
}

/// The record's own source, which the cache keeps once beside it.
fn source_of(record: &mut Record) -> &mut Arc<Source> {
    match record {
        Record::Profile(r) => &mut r.source,
        Record::Plan(r) => &mut r.source,
        Record::Passport(r) => &mut r.source,
        Record::Note(r) => &mut r.source,
        Record::Outcome(r) => &mut r.source,
        Record::Feedback(r) => &mut r.source,
        Record::Supervision(r) => &mut r.source,
    }
}

/// What a cache file must say it was written by: this format and this very program.
fn program() -> Option<&'static str> {
    static PROGRAM: OnceLock<Option<String>> = OnceLock::new();
    PROGRAM.get_or_init(|| cachefile::stamp(KIND)).as_deref()
}

/// Which cache file a job's entry is kept in: `staff/`'s (`None`) or its person's. Groups are
/// compared by this rather than by [`file_name`]: making two names for each of 100,000 jobs
/// was two allocations a job.
fn group_of(job: &Job) -> Option<&str> {
    (!job.rel.starts_with("staff/")).then_some(job.person.as_str())
}

/// The cache file for a group of jobs (one person's folder, or `staff/`), if its name is safe as a file name.
fn file_name(job: &Job) -> Option<String> {
    match group_of(job) {
        None => Some(STAFF.to_string()),
        Some(person) => cachefile::person_file(person),
    }
}

/// Reads the files of `jobs` (in walk order, so each folder's files are together) through the
/// cache in `dir`, with `read` for each file the cache cannot vouch for; gives what `read` would
/// have given for every job, in order, with the stamp of each file on the disk (attachments
/// too) where one could be taken, and rewrites the cache files that changed.
pub(super) fn read_through(
    root: &Path,
    dir: &Path,
    jobs: &[Job],
    read: &(dyn Fn(&Job) -> FileRead + Sync),
) -> (Vec<FileRead>, Vec<Option<Stamp>>) {
    let Some(program) = program() else { return (jobs.par_iter().map(read).collect(), vec![None; jobs.len()]) };
    let dir = dir.join(DIR);
    // A cache that cannot be written is only a slower build.
    let _ = std::fs::create_dir_all(&dir);
    let groups: Vec<&[Job]> = jobs.chunk_by(|a, b| group_of(a) == group_of(b)).collect();
    // Each group fills its own part of one vector: collecting per group and joining them held
    // every record twice for a moment, a hundred megabytes at 100,000 notes.
    let mut out: Vec<FileRead> = Vec::with_capacity(jobs.len());
    out.resize_with(jobs.len(), FileRead::default);
    let mut stamps: Vec<Option<Stamp>> = vec![None; jobs.len()];
    let mut parts = Vec::with_capacity(groups.len());
    let (mut rest, mut rest_stamps) = (out.as_mut_slice(), stamps.as_mut_slice());
    for group in &groups {
        let (part, tail) = rest.split_at_mut(group.len());
        let (part_stamps, tail_stamps) = rest_stamps.split_at_mut(group.len());
        parts.push((part, part_stamps));
        (rest, rest_stamps) = (tail, tail_stamps);
    }
    groups.par_iter().zip(parts).for_each(|(group, (part, part_stamps))| {
        let done = match group.first().and_then(file_name) {
            Some(name) => read_group(&dir.join(name), root, program, group, read),
            None => group.par_iter().map(|job| (None, read(job))).collect(),
        };
        for ((slot, stamp_slot), (stamp, done)) in part.iter_mut().zip(part_stamps.iter_mut()).zip(done) {
            *slot = done;
            *stamp_slot = stamp;
        }
    });
    let names: HashSet<String> = groups.iter().filter_map(|g| g.first().and_then(file_name)).collect();
    prune(&dir, &names);
    (out, stamps)
}

/// Reads one group's files through its cache file at `path`, each with its stamp, and writes
/// that file again if anything in it was missing, untrusted or gone.
fn read_group(
    path: &Path,
    root: &Path,
    program: &str,
    jobs: &[Job],
    read: &(dyn Fn(&Job) -> FileRead + Sync),
) -> Vec<(Option<Stamp>, FileRead)> {
    let (entries, written, texts, mut stale) = match open(path, root, program) {
        Some((entries, written, texts)) => (entries, written, Some(texts), false),
        None => (Vec::new(), i64::MIN, None, true),
    };
    let at: FxHashMap<&str, usize> = entries.iter().enumerate().map(|(i, e)| (e.rel.as_str(), i)).collect();
    let places: Vec<Option<usize>> =
        jobs.iter().map(|job| job.kind.and_then(|_| at.get(job.rel.as_str()).copied())).collect();
    // Entries for files no longer there.
    stale |= places.iter().flatten().count() != entries.len();
    drop(at);
    let mut entries: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    let slots: Vec<Option<Entry>> = places.into_iter().map(|i| i.and_then(|i| entries[i].take())).collect();
    drop(entries);
    let found: Vec<(Option<Stamp>, FileRead, bool)> = jobs
        .par_iter()
        .zip(slots)
        .zip(stamps_of(jobs))
        .map(|((job, slot), stamp)| {
            if !matches!(job.src, Src::Disk(_)) {
                return (None, read(job), true);
            }
            // An attachment is not read, only stamped for git (see `Walked`).
            if job.kind.is_none() {
                return (stamp, read(job), true);
            }
            let hit = match (stamp, slot) {
                (Some(now), Some(entry)) if usable(entry.stamp, now, written) => {
                    texts.as_ref().and_then(|texts| entry.into_read(texts))
                }
                _ => None,
            };
            match hit {
                Some(done) => (stamp, done, true),
                None => (stamp, read(job), false),
            }
        })
        .collect();
    if stale || found.iter().any(|(_, _, hit)| !hit) {
        let entries: Vec<EntryRef> = jobs
            .iter()
            .zip(&found)
            .filter_map(|(job, (stamp, done, _))| {
                job.kind?;
                Some(EntryRef {
                    rel: &job.rel,
                    stamp: (*stamp)?,
                    source: done.source.as_deref(),
                    record: done.record.as_ref(),
                    diagnostics: &done.diagnostics,
                })
            })
            .collect();
        // Not writing the cache only makes the next build slower.
        let _ = write(path, program, &entries);
    }
    found.into_iter().map(|(stamp, done, _)| (stamp, done)).collect()
}

/// The entries of the cache file at `path`, when the file was written, and its texts (read
/// when first asked for); `None` when the file is missing or its head cannot be trusted whole.
fn open(path: &Path, root: &Path, program: &str) -> Option<(Vec<Entry>, i64, Arc<Texts>)> {
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let written = Stamp::of(&meta)?.mtime;
    let (head, at): (Head, usize) = cachefile::read_head(KIND, program, &mut file, meta.len())?;
    let at = at as u64;
    if at.checked_add(head.texts.0) != Some(meta.len()) {
        return None;
    }
    let held = HELD.fetch_add(1, Ordering::Relaxed) + 1;
    let texts = Arc::new(Texts {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
        file: Mutex::new(Some(file)),
        at,
        len: head.texts.0,
        crc: head.texts.1,
        text: OnceLock::new(),
    });
    if held > may_hold() {
        texts.read_now();
    }
    Some((head.entries, written, texts))
}

/// The bytes of a cache file holding `entries`: its head, then their texts.
fn encode(program: &str, entries: &[EntryRef]) -> Option<Vec<u8>> {
    let mut texts = String::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let source = match e.source {
            Some(s) => {
                let start = u32::try_from(texts.len()).ok()?;
                texts.push_str(s.text());
                let text = (start, u32::try_from(texts.len()).ok()?);
                let (body_start, body_line, scan) = (s.body_start, s.body_line, s.scan.as_ref());
                Some(KeptSourceRef { text, hash: s.text_hash(), body_start, body_line, scan })
            }
            None => None,
        };
        let (rel, stamp, record, diagnostics) = (e.rel, e.stamp, e.record, e.diagnostics);
        out.push(EntryOut { rel, stamp, source, record, diagnostics });
    }
    let head = HeadRef { texts: (texts.len() as u64, crc32fast::hash(texts.as_bytes())), entries: out };
    let mut bytes = cachefile::encode(KIND, program, &head)?;
    bytes.extend_from_slice(texts.as_bytes());
    Some(bytes)
}

/// Writes the cache file whole.
fn write(path: &Path, program: &str, entries: &[EntryRef]) -> std::io::Result<()> {
    let bytes = encode(program, entries).ok_or_else(|| std::io::Error::other("the cache could not be encoded"))?;
    cachefile::write_whole(path, &bytes)
}

/// Removes the cache files of folders that are gone (a young person's folder deleted or renamed).
fn prune(dir: &Path, keep: &HashSet<String>) {
    cachefile::prune(dir, keep, |name| name == STAFF || cachefile::is_person_file(name));
}

/// Whether an entry written with `cached` may stand for a file whose stat is now `now`, in a
/// cache file written at `written` (nanoseconds): the stat is the same and was not racy.
fn usable(cached: Stamp, now: Stamp, written: i64) -> bool {
    cached == now && now.mtime < written.saturating_sub(RACY_NS)
}

#[cfg(test)]
mod tests {
    use super::super::{read_record, Overlay};
    use super::*;
    use crate::load::records::Kind;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, SystemTime};

    const NOTE: &str = "---\ndate: 2026-11-02\nauthor: sam-okafor\ntype: note\nkind: visit\nwith: [young-person]\n---\nVisited Jordan at home.\n";

    /// A records folder with one person's notes, the cache folder beside it, and the jobs to read.
    struct Fixture {
        _dir: tempfile::TempDir,
        root: PathBuf,
        cache: PathBuf,
        rels: Vec<String>,
    }

    impl Fixture {
        fn new(notes: &[(&str, &str)]) -> Fixture {
            let dir = tempfile::tempdir().expect("temp");
            let root = dir.path().join("repo");
            let mut rels = Vec::new();
            for (name, text) in notes {
                let rel = format!("records/yp-0001/notes/{name}");
                let path = root.join(&rel);
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, text).expect("write");
                rels.push(rel);
            }
            let fixture = Fixture { cache: dir.path().join("cache"), _dir: dir, root, rels };
            for rel in &fixture.rels {
                fixture.age(rel);
            }
            fixture
        }

        /// Sets a file's modification time an hour back, out of the racy window.
        fn age(&self, rel: &str) {
            let file = std::fs::File::options().write(true).open(self.root.join(rel)).expect("open");
            file.set_modified(SystemTime::now() - Duration::from_secs(3600)).expect("set mtime");
        }

        fn jobs(&self) -> Vec<Job> {
            let rel = |r: &String| Job {
                src: Src::Disk(self.root.join(r)),
                rel: r.clone(),
                person: "yp-0001".into(),
                kind: Some(Kind::Note),
            };
            self.rels.iter().map(rel).collect()
        }

        /// Reads every file through the cache; gives what was read and how many files were parsed.
        fn read(&self) -> (Vec<FileRead>, usize) {
            let parsed = AtomicUsize::new(0);
            let read = |job: &Job| {
                parsed.fetch_add(1, Ordering::Relaxed);
                read_record(job, &Overlay::new())
            };
            let (out, _) = read_through(&self.root, &self.cache, &self.jobs(), &read);
            (out, parsed.into_inner())
        }

        fn cache_file(&self) -> PathBuf {
            self.cache.join(DIR).join("person-yp-0001.bin")
        }

        /// The entries of the cache file, if it is whole.
        fn entries(&self) -> Option<Vec<Entry>> {
            open(&self.cache_file(), &self.root, program()?).map(|(entries, _, _)| entries)
        }

        /// Moves the cache file's own time back, as if it had been written a minute ago.
        fn settle(&self) {
            let file = std::fs::File::options().write(true).open(self.cache_file()).expect("open cache");
            file.set_modified(SystemTime::now() - Duration::from_secs(60)).expect("set mtime");
        }
    }

    fn same(a: &[FileRead], b: &[FileRead]) {
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(b) {
            assert_eq!(a.record, b.record);
            assert_eq!(a.source, b.source);
            assert_eq!(a.diagnostics, b.diagnostics);
        }
    }

    fn two_notes() -> Fixture {
        let second = NOTE.replace("2026-11-02", "2026-11-05").replace("home", "college");
        Fixture::new(&[("2026-11-02-visit.md", NOTE), ("2026-11-05-visit.md", &second)])
    }

    #[test]
    fn a_file_looked_up_in_its_folder_has_the_stamp_its_metadata_gives() {
        let f = two_notes();
        let folder = f.root.join("records/yp-0001/notes");
        std::fs::create_dir(folder.join("inner")).expect("mkdir");
        #[cfg(unix)]
        std::os::unix::fs::symlink(folder.join("2026-11-02-visit.md"), folder.join("link.md")).expect("link");
        let mut jobs = f.jobs();
        for name in ["inner", "link.md", "gone.md"] {
            jobs.push(Job { src: Src::Disk(folder.join(name)), ..f.jobs().remove(0) });
        }
        jobs.push(Job { src: Src::Blob(NOTE.into()), ..f.jobs().remove(0) });
        let of = |job: &Job| match &job.src {
            Src::Disk(file) => std::fs::symlink_metadata(file).ok().as_ref().and_then(Stamp::of),
            Src::Blob(_) => None,
        };
        let stamps = stamps_of(&jobs);
        assert_eq!(stamps, jobs.iter().map(of).collect::<Vec<_>>());
        assert!(stamps[0].is_some() && stamps[1].is_some(), "{stamps:?}");
        assert!(stamps[2..].iter().all(Option::is_none), "a folder, a link, a missing file and a blob: {stamps:?}");
    }

    #[test]
    fn an_unchanged_file_comes_from_the_cache_as_parsing_gave_it() {
        let f = two_notes();
        let (first, parsed) = f.read();
        assert_eq!(parsed, 2);
        f.settle();
        let (second, parsed) = f.read();
        assert_eq!(parsed, 0, "both notes come from the cache");
        same(&first, &second);
        // The record shares its text with the source again, as a parse gives it.
        match (&second[0].record, &second[0].source) {
            (Some(Record::Note(n)), Some(s)) => {
                assert!(Arc::ptr_eq(&n.source, s));
                assert_eq!(n.source.body(), "Visited Jordan at home.\n");
            }
            other => panic!("not a note: {other:?}"),
        }
    }

    #[test]
    fn every_file_on_the_disk_is_stamped_and_only_records_are_kept() {
        let f = two_notes();
        let scan = f.root.join("records/yp-0001/files/scan.pdf");
        std::fs::create_dir_all(scan.parent().expect("parent")).expect("mkdir");
        std::fs::write(&scan, "%PDF").expect("write");
        let mut jobs = f.jobs();
        jobs.push(Job {
            src: Src::Disk(scan.clone()),
            rel: "records/yp-0001/files/scan.pdf".into(),
            person: "yp-0001".into(),
            kind: None,
        });
        let read = |job: &Job| read_record(job, &Overlay::new());
        let (_, stamps) = read_through(&f.root, &f.cache, &jobs, &read);
        let meta = std::fs::symlink_metadata(&scan).expect("stat");
        assert_eq!(stamps[2], Stamp::of(&meta), "the attachment is stamped for git's index");
        assert!(stamps.iter().all(Option::is_some));
        f.settle();
        let file = f.cache_file();
        let written = std::fs::metadata(&file).expect("cache written").modified().expect("mtime");
        let (_, again) = read_through(&f.root, &f.cache, &jobs, &read);
        assert_eq!(again, stamps);
        let now = std::fs::metadata(&file).expect("cache").modified().expect("mtime");
        assert_eq!(now, written, "an attachment never makes the cache file be written again");
    }

    #[test]
    fn a_record_keeps_its_diagnostics() {
        let bad = NOTE.replace("kind: visit", "kind: vist\nmood: fine");
        let f = Fixture::new(&[("2026-11-02-visit.md", &bad), ("2026-11-09-x.md", "no front matter\n")]);
        let (first, _) = f.read();
        let rules: Vec<&str> = first.iter().flat_map(|r| r.diagnostics.iter().map(|d| d.rule.name())).collect();
        assert!(rules.contains(&"invalid-value") && rules.contains(&"unknown-field") && rules.contains(&"yaml-syntax"));
        f.settle();
        let (second, parsed) = f.read();
        assert_eq!(parsed, 0);
        same(&first, &second);
    }

    #[test]
    fn a_file_changed_in_place_is_read_again() {
        let f = two_notes();
        f.read();
        f.settle();
        // Same size, same modification time: the change time and (for a replaced file) the inode tell.
        let path = f.root.join(&f.rels[0]);
        let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
        std::fs::write(&path, NOTE.replace("home", "HOME")).expect("write");
        std::fs::File::options().write(true).open(&path).and_then(|file| file.set_modified(mtime)).expect("mtime");
        let (read, parsed) = f.read();
        assert_eq!(parsed, 1, "only the changed note is parsed");
        assert!(read[0].source.as_ref().is_some_and(|s| s.text().contains("HOME")));
        // The entry just written is racy (its change time is now) until the cache is older than it.
        f.settle();
        let replaced = path.with_extension("new");
        std::fs::write(&replaced, NOTE.replace("home", "Home")).expect("write");
        std::fs::File::options().write(true).open(&replaced).and_then(|file| file.set_modified(mtime)).expect("mtime");
        std::fs::rename(&replaced, &path).expect("rename");
        let (read, parsed) = f.read();
        assert_eq!(parsed, 1);
        assert!(read[0].source.as_ref().is_some_and(|s| s.text().contains("Home")));
    }

    #[test]
    fn every_stat_field_and_the_racy_window_decide() {
        let s = Stamp { size: 10, mtime: 1_000_000_000_000, ctime: 1_000_000_000_000, ino: 7, dev: 3 };
        let written = s.mtime + RACY_NS + 1;
        assert!(usable(s, s, written));
        for changed in [
            Stamp { size: 11, ..s },
            Stamp { mtime: s.mtime + 1, ..s },
            Stamp { ctime: s.ctime + 1, ..s },
            Stamp { ino: 8, ..s },
            Stamp { dev: 4, ..s },
        ] {
            assert!(!usable(s, changed, written), "{changed:?}");
        }
        // Modified within two seconds of the cache's writing: the same stat proves nothing.
        assert!(!usable(s, s, s.mtime + RACY_NS));
        assert!(!usable(s, s, s.mtime));
        assert!(!usable(s, s, i64::MIN));
    }

    #[test]
    fn a_racy_entry_is_read_again() {
        let f = two_notes();
        // A note saved just now, in the same moment as the cache is written.
        let path = f.root.join(&f.rels[1]);
        let now = SystemTime::now();
        std::fs::File::options().write(true).open(&path).and_then(|file| file.set_modified(now)).expect("mtime");
        f.read();
        let (_, parsed) = f.read();
        assert_eq!(parsed, 1, "the racy note is parsed again though its stat is unchanged");
        // Once the cache is written well after the note's last change, the note is trusted.
        let file = std::fs::File::options().write(true).open(f.cache_file()).expect("open cache");
        file.set_modified(now + Duration::from_secs(3)).expect("set mtime");
        let (_, parsed) = f.read();
        assert_eq!(parsed, 0);
    }

    #[test]
    fn a_deleted_file_leaves_the_cache() {
        let mut f = two_notes();
        f.read();
        f.settle();
        std::fs::remove_file(f.root.join(&f.rels[1])).expect("rm");
        f.rels.pop();
        let (_, parsed) = f.read();
        assert_eq!(parsed, 0);
        assert_eq!(f.entries().map(|e| e.len()), Some(1));
    }

    #[test]
    fn a_damaged_or_foreign_cache_is_ignored_and_rebuilt() {
        let f = two_notes();
        let (first, _) = f.read();
        let good = std::fs::read(f.cache_file()).expect("cache");
        let mut flipped = good.clone();
        let in_head = good.len() - NOTE.len() * 2 - 10;
        flipped[in_head] ^= 0x20;
        let mut other_format = good.clone();
        other_format[8] ^= 1;
        let mut other_program = good.clone();
        other_program[17] ^= 1;
        let damaged: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() / 2].to_vec()),
            ("flipped bit", flipped),
            ("other format version", other_format),
            ("other program", other_program),
            ("empty", Vec::new()),
            ("foreign", b"not a cache at all".to_vec()),
            ("history cache", b"WMHIST\r\n\x06\0\0\0".to_vec()),
        ];
        for (what, bytes) in damaged {
            std::fs::write(f.cache_file(), &bytes).expect("write");
            f.settle();
            let (read, parsed) = f.read();
            assert_eq!(parsed, 2, "{what}: every file read again");
            same(&first, &read);
            assert!(f.entries().is_some(), "{what}: rewritten whole");
        }
    }

    #[test]
    fn entries_round_trip() {
        let f = two_notes();
        let (first, _) = f.read();
        let stamp = Stamp { size: 1, mtime: 2, ctime: 3, ino: 4, dev: 5 };
        let refs: Vec<EntryRef> = f
            .rels
            .iter()
            .zip(&first)
            .map(|(rel, r)| EntryRef {
                rel,
                stamp,
                source: r.source.as_deref(),
                record: r.record.as_ref(),
                diagnostics: &r.diagnostics,
            })
            .collect();
        let path = f.cache.join("round-trip.bin");
        std::fs::write(&path, encode("me", &refs).expect("encodes")).expect("write");
        assert!(open(&path, &f.root, "someone else").is_none());
        let (back, _, texts) = open(&path, &f.root, "me").expect("opens");
        assert_eq!(back.len(), 2);
        let reads: Vec<FileRead> = back.into_iter().map(|e| e.into_read(&texts).expect("whole")).collect();
        same(&first, &reads);
    }

    #[test]
    fn texts_are_read_from_the_cache_file_as_it_was_when_opened() {
        let f = two_notes();
        let (first, _) = f.read();
        f.settle();
        let (second, parsed) = f.read();
        assert_eq!(parsed, 0);
        // Another command writes the cache file again (whole, under a new name) before this
        // one asks for a text: this one still reads the file it opened.
        let other = f.cache.join("other.bin");
        std::fs::write(&other, b"not this cache any more").expect("write");
        std::fs::rename(&other, f.cache_file()).expect("rename");
        same(&first, &second);
        assert_eq!(std::fs::read(f.cache_file()).expect("there"), b"not this cache any more");
    }

    #[test]
    fn damaged_texts_are_read_again_from_the_records_and_the_cache_made_again() {
        let f = two_notes();
        let (first, _) = f.read();
        f.settle();
        // A byte of the texts, which follow the head, is changed in place.
        let mut bytes = std::fs::read(f.cache_file()).expect("cache");
        let last = bytes.len() - 3;
        bytes[last] ^= 0x20;
        let file = std::fs::File::options().write(true).open(f.cache_file()).expect("open");
        std::io::Write::write_all(&mut &file, &bytes).expect("write");
        drop(file);
        f.settle();
        let (read, parsed) = f.read();
        assert_eq!(parsed, 0, "the head is whole, so the records come from the cache");
        same(&first, &read);
        assert!(!f.cache_file().exists(), "the damaged cache file is removed");
        let (again, parsed) = f.read();
        assert_eq!(parsed, 2, "and made again by the next command");
        same(&first, &again);
        assert!(f.entries().is_some());
    }
}
