//! The on-disk history cache: a binary file with a version, then records each with a length and a checksum.
//!
//! The first record is a snapshot of the whole history; short segments follow, one
//! per later run that found new commits: appending a segment costs next to
//! nothing, where rewriting the snapshot of a large repository takes a tenth of
//! a second. Loading replays the segments over the snapshot. After
//! [`MAX_SEGMENTS`] the snapshot is written afresh.
//!
//! A new process reads the snapshot on every `build` and `check`, so it is laid out to load
//! without an allocation per item: all its text (author names, messages, paths) is one
//! UTF-8 block that becomes one shared string, and the tables after it hold lengths into
//! that block, fixed-size commit rows, and each path's changes in path order.
//!
//! Anything unexpected in the snapshot (wrong magic or version, short file,
//! checksum mismatch, bad UTF-8, an index out of range, paths out of order) makes the
//! whole cache untrusted, and the caller walks the history again. A damaged segment (a run
//! stopped while appending) ends the trusted part; the commits after it are
//! walked again and a fresh snapshot is written.

use super::paths::{Paths, Sorted};
use super::text::Text;
use super::tree::Raw;
use super::walk::{assemble, Walked};
use super::{Change, ChangeKind, CommitInfo, GitHistory};
use git2::Oid;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

/// The cache file's name inside the cache folder.
pub const FILE: &str = "history.bin";
const MAGIC: &[u8; 8] = b"WMHIST\r\n";
/// Version 6: history of the records only (version 5, one text block and fixed-size rows with
/// CRC-32 checksums, also held commits to other files, so its caches are walked again).
const VERSION: u32 = 6;
/// Magic and version, before the first record.
const START: usize = 8 + 4;
/// A record's frame: its length and checksum.
const FRAME: usize = 8 + 4;
/// Segments allowed after a snapshot before it is rewritten.
const MAX_SEGMENTS: usize = 32;
/// A commit row: id, author, time, offset, boundary, message length.
const COMMIT_ROW: usize = 20 + 4 + 8 + 4 + 1 + 4;
/// The smallest change: commit and flags.
const MIN_CHANGE: usize = 4 + 1;

// A change's flags: the kind in the low two bits, then what follows the flags.
const KIND_BITS: u8 = 0b11;
/// The change's path differs from its file's newest path (a length into the other-paths text follows).
const HAS_PATH: u8 = 1 << 2;
/// A move's old path follows.
const HAS_FROM: u8 = 1 << 3;
/// The old blob's id follows.
const HAS_OLD: u8 = 1 << 4;
/// The old blob is the new blob of the next (older) change to the same file, so it is not repeated.
const OLD_IS_PREVIOUS: u8 = 1 << 5;
/// The new blob's id follows.
const HAS_NEW: u8 = 1 << 6;

/// What a valid cache holds.
pub(super) struct Cached {
    pub prefix: String,
    pub head: Oid,
    pub shallow: bool,
    pub commits: Vec<CommitInfo>,
    pub paths: Paths,
    /// Read whole from disk with room for another segment, so new commits can be appended.
    pub appendable: bool,
}

/// Why no cache could be used.
pub(super) enum ReadError {
    Missing,
    Corrupt(String),
}

/// CRC-32 of a record: it detects damage (a torn write, a flipped bit), it does not resist tampering,
/// and what it passes is still checked as it is decoded.
fn checksum(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    pub(super) fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A length or count; the encoder has checked that every one fits in 32 bits.
    pub(super) fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    pub(super) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    pub(super) fn oid(&mut self, id: Oid) {
        self.0.extend_from_slice(id.as_bytes());
    }
    /// A marker byte, then the text if there is one (read back as `if r.u8()? == 0 { None } ...`).
    pub(super) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn opt_oid(&mut self, id: Option<Oid>) {
        match id {
            Some(id) => {
                self.u8(1);
                self.oid(id);
            }
            None => self.u8(0),
        }
    }
}

pub(super) type R<T> = Result<T, String>;

fn truncated() -> String {
    "the cache is truncated".into()
}

/// Fixed-size values read from bytes in memory or streamed from the file, little-endian.
pub(super) trait Input {
    fn array<const N: usize>(&mut self) -> R<[u8; N]>;

    fn u8(&mut self) -> R<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> R<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn len(&mut self) -> R<usize> {
        Ok(self.u32()? as usize)
    }
    fn i64(&mut self) -> R<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    fn oid(&mut self) -> R<Oid> {
        Oid::from_bytes(&self.array::<20>()?).map_err(|e| e.message().to_string())
    }
}

/// Reads bytes already in memory: the start of the file and the segments.
pub(super) struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, at: 0 }
    }
    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len()).ok_or_else(truncated)?;
        let s = &self.data[self.at..end];
        self.at = end;
        Ok(s)
    }
    pub(super) fn string(&mut self) -> R<String> {
        let n = self.len()?;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "the cache holds text that is not UTF-8".to_string())
    }
    fn opt_oid(&mut self) -> R<Option<Oid>> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.oid()?)),
            _ => Err("the cache has a bad marker".into()),
        }
    }
    /// A count of items each at least `min` bytes long, refused when the rest is too short to hold them.
    pub(super) fn count(&mut self, min: usize) -> R<usize> {
        let n = self.len()?;
        if n.saturating_mul(min) > self.data.len() - self.at {
            return Err(truncated());
        }
        Ok(n)
    }
    pub(super) fn done(&self, what: &str) -> R<()> {
        if self.at == self.data.len() {
            Ok(())
        } else {
            Err(format!("the cache's {what} do not end where it says"))
        }
    }
}

impl Input for Reader<'_> {
    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.take(N)?);
        Ok(b)
    }
}

/// Passes reads through, keeping the CRC of everything read.
struct Hashing<I> {
    inner: I,
    crc: crc32fast::Hasher,
}

impl<I: Read> Read for Hashing<I> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        Ok(n)
    }
}

/// Streams exactly `len` bytes of a table from the file through a small buffer, so the tables
/// (half the cache) never need memory of their own: memory the kernel hands out fresh costs more
/// to fault in than the decoding itself.
struct Stream<I: Read> {
    inner: BufReader<Hashing<std::io::Take<I>>>,
}

impl<I: Read> Stream<I> {
    fn new(inner: I, len: u64) -> Stream<I> {
        let hashing = Hashing { inner: inner.take(len), crc: crc32fast::Hasher::new() };
        Stream { inner: BufReader::with_capacity(64 * 1024, hashing) }
    }
    /// The next `len` bytes, which must be UTF-8, as a string to share.
    fn text(&mut self, len: usize) -> R<Arc<String>> {
        let mut buf = vec![0u8; len];
        // A read this large skips the buffer and goes straight into `buf`.
        self.inner.read_exact(&mut buf).map_err(|_| truncated())?;
        Ok(Arc::new(String::from_utf8(buf).map_err(|_| not_utf8())?))
    }

    /// The CRC of the part, once all of it has been read.
    fn finish(self, what: &str) -> R<crc32fast::Hasher> {
        if !self.inner.buffer().is_empty() || self.inner.get_ref().inner.limit() != 0 {
            return Err(format!("the cache's {what} do not end where it says"));
        }
        Ok(self.inner.into_inner().crc)
    }
}

impl<I: Read> Input for Stream<I> {
    fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let mut b = [0u8; N];
        self.inner.read_exact(&mut b).map_err(|_| truncated())?;
        Ok(b)
    }
}

/// Cuts consecutive pieces from one section of the shared text.
#[derive(Clone, Copy)]
struct Cutter<'t> {
    text: &'t Arc<String>,
    at: usize,
    end: usize,
}

impl<'t> Cutter<'t> {
    fn whole(text: &'t Arc<String>) -> Cutter<'t> {
        Cutter { text, at: 0, end: text.len() }
    }
    /// This section cut in two at `at` bytes from its start.
    fn split(self, at: usize) -> (Cutter<'t>, Cutter<'t>) {
        let mid = self.at.saturating_add(at).min(self.end);
        (Cutter { end: mid, ..self }, Cutter { at: mid, ..self })
    }
    fn next(&mut self, len: usize) -> R<Text> {
        let end = self.at.checked_add(len).filter(|&e| e <= self.end).ok_or("the cache's text is too short")?;
        let t = Text::slice(self.text, self.at, end).ok_or("the cache cuts its text inside a character")?;
        self.at = end;
        Ok(t)
    }
    fn done(&self, what: &str) -> R<()> {
        if self.at == self.end {
            Ok(())
        } else {
            Err(format!("the cache's {what} do not fill their text"))
        }
    }
}

fn kind_code(k: ChangeKind) -> u8 {
    match k {
        ChangeKind::Added => 0,
        ChangeKind::Modified => 1,
        ChangeKind::Deleted => 2,
        ChangeKind::Renamed => 3,
    }
}

fn kind_of(code: u8) -> R<ChangeKind> {
    Ok(match code {
        0 => ChangeKind::Added,
        1 => ChangeKind::Modified,
        2 => ChangeKind::Deleted,
        3 => ChangeKind::Renamed,
        _ => return Err("the cache has an unknown kind of change".into()),
    })
}

fn put_commit(w: &mut Writer, c: &CommitInfo) {
    w.oid(c.id);
    w.str(&c.author_name);
    w.str(&c.author_email);
    w.i64(c.time);
    w.u32(c.offset_minutes as u32);
    w.u8(u8::from(c.boundary));
    w.str(&c.message);
}

fn get_commit(r: &mut Reader<'_>) -> R<CommitInfo> {
    Ok(CommitInfo {
        id: r.oid()?,
        author_name: r.string()?.into(),
        author_email: r.string()?.into(),
        time: r.i64()?,
        offset_minutes: r.u32()? as i32,
        boundary: r.u8()? != 0,
        message: r.string()?.into(),
    })
}

/// A segment: the commits walked after `parent` up to `head`, as the walk produced them.
/// Segments are small (the commits of one run), so they keep a simple self-describing layout.
pub(super) fn encode_segment(parent: Oid, head: Oid, walked: &[Walked]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.oid(parent);
    w.oid(head);
    w.len(walked.len());
    for x in walked {
        put_commit(&mut w, &x.info);
        w.len(x.changes.len());
        for (kind, raw, from) in &x.changes {
            w.u8(kind_code(*kind));
            w.str(&raw.path);
            w.opt_str(from.as_deref());
            w.opt_oid(raw.old);
            w.opt_oid(raw.new);
        }
    }
    w.0
}

fn decode_segment(data: &[u8]) -> R<(Oid, Oid, Vec<Walked>)> {
    let mut r = Reader::new(data);
    let parent = r.oid()?;
    let head = r.oid()?;
    let n = r.count(20 + 4 + 4 + 8 + 4 + 1 + 4 + 4)?;
    let mut walked = Vec::with_capacity(n);
    for _ in 0..n {
        let info = get_commit(&mut r)?;
        let m = r.count(1 + 4 + 1 + 1 + 1)?;
        let mut changes = Vec::with_capacity(m);
        for _ in 0..m {
            let kind = kind_of(r.u8()?)?;
            let path = r.string()?;
            let from = if r.u8()? == 0 { None } else { Some(r.string()?) };
            let (old, new) = (r.opt_oid()?, r.opt_oid()?);
            changes.push((kind, Raw { path, old, new }, from));
        }
        walked.push(Walked { info, changes });
    }
    r.done("segment's changes")?;
    Ok((parent, head, walked))
}

/// One record at `at` (length, checksum, payload): the payload and where the next starts, if whole and intact.
pub(super) fn record(data: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut r = Reader { data, at };
    let len = usize::try_from(u64::from_le_bytes(r.array().ok()?)).ok()?;
    let sum = r.u32().ok()?;
    let payload = r.take(len).ok()?;
    (checksum(payload) == sum).then_some((payload, r.at))
}

/// A record's frame and payload, ready to write.
pub(super) fn framed(payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(FRAME + payload.len());
    buf.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    buf.extend_from_slice(&checksum(payload).to_le_bytes());
    buf.extend_from_slice(payload);
    buf
}

/// Appends a segment to the cache in `dir`; a run stopped half-way leaves a damaged tail, which the next run ignores.
pub(super) fn append(dir: &Path, segment: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().append(true).open(dir.join(FILE))?;
    f.write_all(&framed(segment))
}

/// The sections of a snapshot's text block, in order.
const SECTIONS: usize = 5;
const PREFIX: usize = 0;
const AUTHORS: usize = 1;
const MESSAGES: usize = 2;
const KEYS: usize = 3;
const OTHER_PATHS: usize = 4;
/// A snapshot's fixed-size start: HEAD, shallow, four counts, the text's section lengths.
const HEAD_BLOCK: usize = 20 + 1 + 4 * 4 + SECTIONS * 4;

/// Serialises the history as of `head` as a snapshot; `None` when it is too large for 32-bit lengths.
///
/// Layout: the head block (with every count and text length); then three parts, each read whole by
/// one thread: the prefix, the authors' names and emails and their lengths; the messages and the
/// commit rows; the paths' text (newest paths, then other paths), each newest path's length and
/// number of changes, and the changes, newest first, in order of path. Text is not stored with its
/// items: each table's lengths cut its section of text in turn.
fn encode(h: &GitHistory, head: Oid) -> Option<Vec<u8>> {
    let mut text: [Vec<u8>; SECTIONS] = Default::default();
    text[PREFIX].extend_from_slice(h.prefix.as_bytes());
    let mut authors = Writer(Vec::new());
    let mut author_index: HashMap<(&str, &str), u32> = HashMap::new();
    let mut commits = Writer(Vec::with_capacity(h.commits.len() * COMMIT_ROW));
    for c in &h.commits {
        let next = author_index.len() as u32;
        let author = *author_index.entry((&c.author_name, &c.author_email)).or_insert_with(|| {
            authors.len(c.author_name.len());
            authors.len(c.author_email.len());
            text[AUTHORS].extend_from_slice(c.author_name.as_bytes());
            text[AUTHORS].extend_from_slice(c.author_email.as_bytes());
            next
        });
        commits.oid(c.id);
        commits.u32(author);
        commits.i64(c.time);
        commits.u32(c.offset_minutes as u32);
        commits.u8(u8::from(c.boundary));
        commits.len(c.message.len());
        text[MESSAGES].extend_from_slice(c.message.as_bytes());
    }
    let mut paths = Writer(Vec::with_capacity(h.paths.len() * 40));
    let mut n_changes = 0usize;
    for (key, run) in h.paths.iter() {
        paths.len(key.len());
        paths.len(run.len());
        text[KEYS].extend_from_slice(key.as_bytes());
        n_changes += run.len();
    }
    for (key, run) in h.paths.iter() {
        for (i, c) in run.iter().enumerate() {
            let older_new = run.get(i + 1).and_then(|o| o.new_blob);
            let mut flags = kind_code(c.kind);
            // Most changes keep the key's path; a flag saves repeating it.
            flags |= if c.path != *key { HAS_PATH } else { 0 };
            flags |= if c.from.is_some() { HAS_FROM } else { 0 };
            flags |= match c.old_blob {
                Some(old) if Some(old) == older_new => OLD_IS_PREVIOUS,
                Some(_) => HAS_OLD,
                None => 0,
            };
            flags |= if c.new_blob.is_some() { HAS_NEW } else { 0 };
            paths.len(c.commit);
            paths.u8(flags);
            if flags & HAS_PATH != 0 {
                paths.len(c.path.len());
                text[OTHER_PATHS].extend_from_slice(c.path.as_bytes());
            }
            if let Some(from) = &c.from {
                paths.len(from.len());
                text[OTHER_PATHS].extend_from_slice(from.as_bytes());
            }
            if let (Some(old), true) = (c.old_blob, flags & HAS_OLD != 0) {
                paths.oid(old);
            }
            if let Some(new) = c.new_blob {
                paths.oid(new);
            }
        }
    }
    let text_len: usize = text.iter().map(Vec::len).sum();
    // Every length and index written is at most one of these.
    if text_len.max(h.commits.len()).max(n_changes).max(h.paths.len()) > u32::MAX as usize {
        return None;
    }
    let tables = authors.0.len() + commits.0.len() + paths.0.len();
    let mut w = Writer(Vec::with_capacity(HEAD_BLOCK + text_len + tables));
    w.oid(head);
    w.u8(u8::from(h.shallow));
    for n in [author_index.len(), h.commits.len(), h.paths.len(), n_changes] {
        w.len(n);
    }
    for t in &text {
        w.len(t.len());
    }
    let [prefix, author_text, messages, keys, other] = &text;
    for part in [prefix, author_text, &authors.0, messages, &commits.0, keys, other, &paths.0] {
        w.0.extend_from_slice(part);
    }
    Some(w.0)
}

/// Reads into a new buffer of `len` bytes, adding them to `crc`.
fn read_bytes(file: &mut File, len: usize, crc: &mut crc32fast::Hasher) -> R<Vec<u8>> {
    let mut buf = vec![0u8; len];
    file.read_exact(&mut buf).map_err(|_| truncated())?;
    crc.update(&buf);
    Ok(buf)
}

/// Reads the snapshot of `len` bytes that starts at the file's position, checking it against `sum`.
///
/// The commits and the paths are read and decoded at the same time, each by its own thread with
/// its own handle on the file and its own string for the [`Text`]s it makes; the tables are
/// streamed through a small buffer, so only the text and what is decoded need memory.
fn read_snapshot(path: &Path, mut file: File, len: u64, sum: u32) -> R<Cached> {
    let mut crc = crc32fast::Hasher::new();
    let head_block = read_bytes(&mut file, HEAD_BLOCK, &mut crc)?;
    let mut r = Reader::new(&head_block);
    let head = r.oid()?;
    let shallow = match r.u8()? {
        0 => false,
        1 => true,
        _ => return Err("the cache has a bad marker".into()),
    };
    let (n_authors, n_commits, n_keys, n_changes) = (r.len()?, r.len()?, r.len()?, r.len()?);
    let mut text = [0usize; SECTIONS];
    for t in &mut text {
        *t = r.len()?;
    }
    // Sizes come from the file: check that they fit in it before allocating for them.
    let mul = |n: usize, size: usize| n.checked_mul(size).ok_or_else(truncated);
    let sum_of = |parts: &[usize]| parts.iter().try_fold(0usize, |a, &b| a.checked_add(b)).ok_or_else(truncated);
    let authors_len = sum_of(&[text[PREFIX], text[AUTHORS], mul(n_authors, 8)?])?;
    let commits_len = sum_of(&[text[MESSAGES], mul(n_commits, COMMIT_ROW)?])?;
    let before_paths = sum_of(&[HEAD_BLOCK, authors_len, commits_len])? as u64;
    let paths_len = len.checked_sub(before_paths).ok_or_else(truncated)?;
    let least = sum_of(&[text[KEYS], text[OTHER_PATHS], mul(n_keys, 8)?, mul(n_changes, MIN_CHANGE)?])?;
    if least as u64 > paths_len {
        return Err(truncated());
    }
    let small = read_bytes(&mut file, authors_len, &mut crc)?;
    let (author_text, table) = small.split_at(text[PREFIX] + text[AUTHORS]);
    let author_text = Arc::new(String::from_utf8(author_text.to_vec()).map_err(|_| not_utf8())?);
    let prefix = Cutter { text: &author_text, at: 0, end: text[PREFIX] }.next(text[PREFIX])?.to_string();
    let authors = decode_authors(table, Cutter { text: &author_text, at: text[PREFIX], end: author_text.len() })?;
    let paths_at = file.stream_position().map_err(|e| e.to_string())? + commits_len as u64;
    let (commits, paths) = rayon::join(
        || {
            let mut s = Stream::new(file, commits_len as u64);
            let messages = s.text(text[MESSAGES])?;
            let commits = decode_commits(&mut s, n_commits, &authors, Cutter::whole(&messages))?;
            Ok::<_, String>((commits, s.finish("commits")?))
        },
        || {
            let mut file = File::open(path).map_err(|e| e.to_string())?;
            file.seek(SeekFrom::Start(paths_at)).map_err(|e| e.to_string())?;
            let mut s = Stream::new(file, paths_len);
            let keys = s.text(text[KEYS] + text[OTHER_PATHS])?;
            let (key_text, other_text) = Cutter::whole(&keys).split(text[KEYS]);
            let paths = decode_paths(&mut s, n_keys, n_changes, n_commits, key_text, other_text)?;
            Ok::<_, String>((paths, s.finish("paths")?))
        },
    );
    let ((commits, commits_crc), (paths, paths_crc)) = (commits?, paths?);
    crc.combine(&commits_crc);
    crc.combine(&paths_crc);
    if crc.finalize() != sum {
        return Err("the cache is damaged (its checksum does not match)".into());
    }
    Ok(Cached { prefix, head, shallow, commits, paths, appendable: false })
}

fn not_utf8() -> String {
    "the cache holds text that is not UTF-8".into()
}

fn decode_authors(table: &[u8], mut text: Cutter<'_>) -> R<Vec<(Text, Text)>> {
    let mut r = Reader::new(table);
    let mut authors = Vec::with_capacity(table.len() / 8);
    while r.at < table.len() {
        let (name, email) = (r.len()?, r.len()?);
        authors.push((text.next(name)?, text.next(email)?));
    }
    text.done("authors")?;
    Ok(authors)
}

fn decode_commits<I: Read>(
    r: &mut Stream<I>,
    n: usize,
    authors: &[(Text, Text)],
    mut text: Cutter<'_>,
) -> R<Vec<CommitInfo>> {
    let mut commits = Vec::with_capacity(n);
    for _ in 0..n {
        // A whole row at once: one read from the buffer, not six.
        let row = r.array::<COMMIT_ROW>()?;
        let r = &mut Reader::new(&row);
        let id = r.oid()?;
        let (author_name, author_email) =
            authors.get(r.len()?).cloned().ok_or("the cache names an author it does not hold")?;
        let time = r.i64()?;
        let offset_minutes = r.u32()? as i32;
        let boundary = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err("the cache has a bad marker".into()),
        };
        let message = text.next(r.len()?)?;
        commits.push(CommitInfo { id, author_name, author_email, time, offset_minutes, message, boundary });
    }
    text.done("messages")?;
    Ok(commits)
}

fn decode_paths<I: Read>(
    r: &mut Stream<I>,
    n_keys: usize,
    n_changes: usize,
    n_commits: usize,
    mut key_text: Cutter<'_>,
    mut other_text: Cutter<'_>,
) -> R<Paths> {
    let mut runs = Sorted::with_capacity(n_keys);
    for _ in 0..n_keys {
        let key = key_text.next(r.len()?)?;
        let len = r.u32()?;
        if len == 0 {
            return Err("the cache lists a path with no changes".into());
        }
        // Lookups search the paths in order, so order is part of what is checked.
        if !runs.push(key, len) {
            return Err("the cache's paths are out of order".into());
        }
    }
    if runs.total() != n_changes {
        return Err("the cache's changes do not add up".into());
    }
    key_text.done("paths")?;
    let mut out: Vec<Change> = Vec::with_capacity(n_changes);
    // Changes in the current run whose old blob is the next one's new blob.
    let mut previous = Vec::new();
    for (key, len) in runs.runs() {
        for _ in 0..len {
            let commit = r.len()?;
            if commit >= n_commits {
                return Err("the cache names a commit it does not hold".into());
            }
            let flags = r.u8()?;
            if flags & 0x80 != 0 || flags & (HAS_OLD | OLD_IS_PREVIOUS) == HAS_OLD | OLD_IS_PREVIOUS {
                return Err("the cache has a bad marker".into());
            }
            let kind = kind_of(flags & KIND_BITS)?;
            let path = if flags & HAS_PATH != 0 { other_text.next(r.len()?)? } else { key.clone() };
            let from = if flags & HAS_FROM != 0 { Some(other_text.next(r.len()?)?) } else { None };
            let old_blob = if flags & HAS_OLD != 0 { Some(r.oid()?) } else { None };
            let new_blob = if flags & HAS_NEW != 0 { Some(r.oid()?) } else { None };
            if flags & OLD_IS_PREVIOUS != 0 {
                previous.push(out.len());
            }
            out.push(Change { commit, kind, path, from, old_blob, new_blob });
        }
        // Filled from the older change, which is decoded after the newer one; `out` ends with this
        // run, so past the run's last change there is none.
        for i in previous.drain(..) {
            let older = out.get(i + 1).and_then(|o| o.new_blob);
            out[i].old_blob = Some(older.ok_or("the cache refers to a change it does not hold")?);
        }
    }
    other_text.done("moved paths")?;
    Ok(runs.finish(out))
}

/// Reads and verifies the cache in `dir`.
pub(super) fn read(dir: &Path) -> Result<Cached, ReadError> {
    let path = dir.join(FILE);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Corrupt(format!("the cache could not be read: {e}"))),
    };
    let corrupt = |s: &str| ReadError::Corrupt(s.to_string());
    let mut start = [0u8; START + FRAME];
    if file.read_exact(&mut start).is_err() || &start[..8] != MAGIC {
        return Err(corrupt("the cache is not a Waymark history cache"));
    }
    let mut r = Reader { data: &start, at: 8 };
    if r.u32().ok() != Some(VERSION) {
        return Err(corrupt("the cache was written by another version of Waymark"));
    }
    let (len, sum) = match (r.array(), r.u32()) {
        (Ok(len), Ok(sum)) => (u64::from_le_bytes(len), sum),
        _ => return Err(corrupt("the cache is truncated")),
    };
    let size = file.metadata().map_err(|e| corrupt(&e.to_string()))?.len();
    let end = ((START + FRAME) as u64).checked_add(len).filter(|&end| end <= size);
    let Some(end) = end else { return Err(corrupt("the cache is truncated")) };
    let mut rest = Vec::new();
    let segments = File::open(&path).and_then(|mut f| {
        f.seek(SeekFrom::Start(end))?;
        f.read_to_end(&mut rest)
    });
    let mut cached = read_snapshot(&path, file, len, sum).map_err(ReadError::Corrupt)?;
    let mut count = 0;
    let mut at = 0;
    let mut clean = segments.is_ok();
    while clean && at < rest.len() {
        let Some((payload, next)) = record(&rest, at) else {
            clean = false;
            break;
        };
        match decode_segment(payload) {
            Ok((parent, head, walked)) if parent == cached.head => {
                let (prefix, shallow) = (std::mem::take(&mut cached.prefix), cached.shallow);
                let (commits, paths) = assemble(walked, Some(cached));
                cached = Cached { prefix, head, shallow, commits, paths, appendable: false };
            }
            _ => {
                clean = false;
                break;
            }
        }
        count += 1;
        at = next;
    }
    cached.appendable = clean && count < MAX_SEGMENTS;
    Ok(cached)
}

/// Writes the cache atomically: to a temporary file in `dir`, then renamed over the old one.
pub(super) fn write(dir: &Path, h: &GitHistory, head: Oid) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let payload = encode(h, head).ok_or_else(|| std::io::Error::other("the history is too large to cache"))?;
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        let mut start = Vec::with_capacity(START);
        start.extend_from_slice(MAGIC);
        start.extend_from_slice(&VERSION.to_le_bytes());
        f.write_all(&start)?;
        f.write_all(&framed(&payload))?;
        // No fsync: a file cut short by a crash fails its checksum and is rebuilt.
        std::fs::rename(&tmp, dir.join(FILE))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_sees_single_byte_changes() {
        let a = b"records/yp-0001/notes/2026-03-14-visit.md".to_vec();
        let mut b = a.clone();
        b[20] ^= 1;
        assert_ne!(checksum(&a), checksum(&b));
        assert_ne!(checksum(&a), checksum(&a[..a.len() - 1]));
    }

    thread_local! {
        static DIR: tempfile::TempDir = tempfile::tempdir().expect("temp dir");
    }

    /// Reads `payload` framed as a cache's snapshot (with a matching checksum).
    fn read_payload(payload: &[u8]) -> Result<Cached, ReadError> {
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&VERSION.to_le_bytes());
        data.extend_from_slice(&framed(payload));
        DIR.with(|dir| {
            std::fs::write(dir.path().join(FILE), data).expect("write");
            read(dir.path())
        })
    }

    #[test]
    fn huge_counts_are_refused_before_allocating() {
        for huge in 0..4 + SECTIONS {
            let mut w = Writer(Vec::new());
            w.oid(Oid::zero());
            w.u8(0);
            for i in 0..4 + SECTIONS {
                w.u32(if i == huge { u32::MAX } else { 0 });
            }
            assert!(matches!(read_payload(&w.0), Err(ReadError::Corrupt(_))), "count {huge}");
        }
    }

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).expect("oid")
    }

    fn sample() -> GitHistory {
        let commit = |n: u8, who: &str, message: &str| CommitInfo {
            id: oid(n),
            author_name: who.into(),
            author_email: format!("{}@example.org", who.to_lowercase()).into(),
            time: 1_790_000_000 + i64::from(n),
            offset_minutes: -300,
            message: message.into(),
            boundary: n == 0,
        };
        let change =
            |commit: usize, kind: ChangeKind, path: &str, from: Option<&str>, old: Option<u8>, new: Option<u8>| {
                Change {
                    commit,
                    kind,
                    path: path.into(),
                    from: from.map(Text::from),
                    old_blob: old.map(oid),
                    new_blob: new.map(oid),
                }
            };
        let mut paths = Paths::default();
        paths.update(
            vec![
                (
                    "records/yp-0001/profile.md".into(),
                    vec![
                        change(3, ChangeKind::Modified, "records/yp-0001/profile.md", None, Some(11), Some(12)),
                        change(2, ChangeKind::Modified, "records/yp-0001/profile.md", None, Some(10), Some(11)),
                        change(0, ChangeKind::Added, "records/yp-0001/profile.md", None, None, Some(10)),
                    ],
                ),
                (
                    "records/yp-0001/notes/café.md".into(),
                    vec![
                        change(
                            3,
                            ChangeKind::Renamed,
                            "records/yp-0001/notes/café.md",
                            Some("old/café.md"),
                            Some(20),
                            Some(20),
                        ),
                        change(1, ChangeKind::Added, "old/café.md", None, None, Some(20)),
                    ],
                ),
                ("gone.md".into(), vec![change(2, ChangeKind::Deleted, "gone.md", None, Some(30), None)]),
            ],
            &[],
        );
        GitHistory {
            prefix: "case/".into(),
            shallow: true,
            commits: vec![
                commit(0, "Sam", "First\n\nwith a body"),
                commit(1, "Amira", "Zoë's note"),
                commit(2, "Sam", ""),
                commit(3, "Sam", "Move"),
            ],
            paths,
            ..GitHistory::default()
        }
    }

    #[test]
    fn a_snapshot_reads_back_as_written() {
        let h = sample();
        let payload = encode(&h, oid(3)).expect("small enough");
        let back = read_payload(&payload).ok().expect("reads back");
        assert_eq!((back.prefix.as_str(), back.head, back.shallow), ("case/", oid(3), true));
        assert_eq!(back.commits, h.commits);
        assert_eq!(back.paths, h.paths);
    }

    #[test]
    fn every_damaged_snapshot_is_refused() {
        let payload = encode(&sample(), oid(3)).expect("small enough");
        // Each byte changed in turn (with the checksum made to match, so decoding itself is tested):
        // the result is refused or, where the byte is free to vary, reads back without a panic.
        for i in 0..payload.len() {
            for delta in [1u8, 0x80] {
                let mut bad = payload.clone();
                bad[i] = bad[i].wrapping_add(delta);
                let _ = read_payload(&bad);
            }
        }
        for cut in 0..payload.len() {
            assert!(matches!(read_payload(&payload[..cut]), Err(ReadError::Corrupt(_))), "cut at {cut}");
        }
        let at = payload.windows(7).position(|w| w == b"gone.md").expect("the path is in the text");
        let mut bad = payload.clone();
        bad[at] = 0xff;
        assert!(matches!(read_payload(&bad), Err(ReadError::Corrupt(e)) if e.contains("UTF-8")));
        // Renamed in place to sort last: the paths are then out of order.
        let mut payload = payload;
        payload[at] = b'z';
        assert!(matches!(read_payload(&payload), Err(ReadError::Corrupt(e)) if e.contains("out of order")));
    }
}
