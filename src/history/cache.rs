//! The on-disk history cache: a binary file with a version, a length and a checksum.
//!
//! The file is a snapshot of the whole history followed by short segments, one
//! per later run that found new commits: appending a segment costs next to
//! nothing, where rewriting the snapshot of a large repository takes a tenth of
//! a second. Loading replays the segments over the snapshot. After
//! [`MAX_SEGMENTS`] the snapshot is written afresh.
//!
//! Anything unexpected in the snapshot (wrong magic or version, short file,
//! checksum mismatch, bad UTF-8, an index out of range) makes the whole cache
//! untrusted, and the caller walks the history again. A damaged segment (a run
//! stopped while appending) ends the trusted part; the commits after it are
//! walked again and a fresh snapshot is written.

use super::tree::Raw;
use super::walk::{assemble, Walked};
use super::{Change, ChangeKind, CommitInfo, GitHistory};
use git2::Oid;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The cache file's name inside the cache folder.
pub const FILE: &str = "history.bin";
const MAGIC: &[u8; 8] = b"WMHIST\r\n";
const VERSION: u32 = 4;
const HEADER: usize = 8 + 4 + 8 + 8;
/// Segments allowed after a snapshot before it is rewritten.
const MAX_SEGMENTS: usize = 32;

/// What a valid cache holds.
pub(super) struct Cached {
    pub prefix: String,
    pub head: Oid,
    pub shallow: bool,
    pub commits: Vec<CommitInfo>,
    pub paths: HashMap<Arc<str>, Vec<Change>>,
    /// Read whole from disk with room for another segment, so new commits can be appended.
    pub appendable: bool,
}

/// Why no cache could be used.
pub(super) enum ReadError {
    Missing,
    Corrupt(String),
}

/// A fast 64-bit checksum over 8-byte words; it detects damage, it does not resist tampering.
fn checksum(data: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ data.len() as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    h ^ (h >> 32)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn oid(&mut self, id: Oid) {
        self.0.extend_from_slice(id.as_bytes());
    }
    /// A marker byte, then the text if there is one (read back as `if r.u8()? == 0 { None } ...`).
    fn opt_str(&mut self, s: Option<&str>) {
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

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

type R<T> = Result<T, String>;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len()).ok_or("the cache is truncated")?;
        let s = &self.data[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> R<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> R<u32> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }
    fn u64(&mut self) -> R<u64> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }
    fn i64(&mut self) -> R<i64> {
        Ok(self.u64()? as i64)
    }
    fn str(&mut self) -> R<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| "the cache holds text that is not UTF-8".to_string())
    }
    fn string(&mut self) -> R<String> {
        Ok(self.str()?.to_string())
    }
    fn oid(&mut self) -> R<Oid> {
        Oid::from_bytes(self.take(20)?).map_err(|e| e.message().to_string())
    }
    fn opt_oid(&mut self) -> R<Option<Oid>> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.oid()?)),
            _ => Err("the cache has a bad marker".into()),
        }
    }
    /// A count of items each at least `min` bytes long, refused when the file is too short to hold them.
    fn count(&mut self, min: usize) -> R<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min) > self.data.len() - self.at {
            return Err("the cache is truncated".into());
        }
        Ok(n)
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
        author_name: r.str()?.into(),
        author_email: r.str()?.into(),
        time: r.i64()?,
        offset_minutes: r.u32()? as i32,
        boundary: r.u8()? != 0,
        message: r.string()?,
    })
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

/// A segment: the commits walked after `parent` up to `head`, as the walk produced them.
pub(super) fn encode_segment(parent: Oid, head: Oid, walked: &[Walked]) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.oid(parent);
    w.oid(head);
    w.u32(walked.len() as u32);
    for x in walked {
        put_commit(&mut w, &x.info);
        w.u32(x.changes.len() as u32);
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
    let mut r = Reader { data, at: 0 };
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
    if r.at != data.len() {
        return Err("the cache segment has bytes after its end".into());
    }
    Ok((parent, head, walked))
}

/// One record at `at` (length, checksum, payload): the payload and where the next starts, if whole and intact.
fn record(data: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let head = data.get(at..at.checked_add(16)?)?;
    let mut len = [0u8; 8];
    len.copy_from_slice(&head[..8]);
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&head[8..]);
    let start = at + 16;
    let end = start.checked_add(usize::try_from(u64::from_le_bytes(len)).ok()?)?;
    let payload = data.get(start..end)?;
    (checksum(payload) == u64::from_le_bytes(sum)).then_some((payload, end))
}

/// Appends a segment to the cache in `dir`; a run stopped half-way leaves a damaged tail, which the next run ignores.
pub(super) fn append(dir: &Path, segment: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().append(true).open(dir.join(FILE))?;
    let mut buf = Vec::with_capacity(16 + segment.len());
    buf.extend_from_slice(&(segment.len() as u64).to_le_bytes());
    buf.extend_from_slice(&checksum(segment).to_le_bytes());
    buf.extend_from_slice(segment);
    f.write_all(&buf)
}

/// Serialises the history as of `head`: a header, then the commits, then the changes by path.
fn encode(h: &GitHistory, head: Oid) -> Vec<u8> {
    let mut commits = Writer(Vec::with_capacity(h.commits.len() * 128));
    for c in &h.commits {
        put_commit(&mut commits, c);
    }
    let mut w = Writer(Vec::with_capacity(commits.0.len() * 2 + 1024));
    w.str(&h.prefix);
    w.oid(head);
    w.u8(u8::from(h.shallow));
    w.u32(h.commits.len() as u32);
    // The length lets the two sections be decoded at the same time.
    w.i64(commits.0.len() as i64);
    w.0.extend_from_slice(&commits.0);
    let mut keys: Vec<&Arc<str>> = h.paths.keys().collect();
    keys.sort();
    w.u32(keys.len() as u32);
    for key in keys {
        let changes = h.paths.get(key).map(Vec::as_slice).unwrap_or(&[]);
        w.str(key);
        w.u32(changes.len() as u32);
        for c in changes {
            w.u32(c.commit as u32);
            w.u8(kind_code(c.kind));
            // Most changes keep the key's path; a marker saves repeating it.
            w.opt_str((c.path != *key).then_some(&*c.path));
            w.opt_str(c.from.as_deref());
            w.opt_oid(c.old_blob);
            w.opt_oid(c.new_blob);
        }
    }
    w.0
}

fn decode(data: &[u8]) -> R<Cached> {
    let mut r = Reader { data, at: 0 };
    let prefix = r.string()?;
    let head = r.oid()?;
    let shallow = r.u8()? != 0;
    let n = r.u32()? as usize;
    let len = usize::try_from(r.u64()?).map_err(|_| "the cache is truncated".to_string())?;
    let commits_part = r.take(len)?;
    let paths_part = &data[r.at..];
    let (commits, paths) = rayon::join(|| decode_commits(commits_part, n), || decode_paths(paths_part, n));
    Ok(Cached { prefix, head, shallow, commits: commits?, paths: paths?, appendable: false })
}

fn decode_commits<'a>(data: &'a [u8], n: usize) -> R<Vec<CommitInfo>> {
    let mut r = Reader { data, at: 0 };
    if n.saturating_mul(20 + 4 + 4 + 8 + 4 + 1 + 4) > data.len() {
        return Err("the cache is truncated".into());
    }
    // Authors repeat: one shared copy of each name and email.
    let mut names: HashMap<&'a [u8], Arc<str>> = HashMap::new();
    let mut shared = |r: &mut Reader<'a>| -> R<Arc<str>> {
        let s = r.str()?;
        Ok(names.entry(s.as_bytes()).or_insert_with(|| Arc::from(s)).clone())
    };
    let mut commits = Vec::with_capacity(n);
    for _ in 0..n {
        commits.push(CommitInfo {
            id: r.oid()?,
            author_name: shared(&mut r)?,
            author_email: shared(&mut r)?,
            time: r.i64()?,
            offset_minutes: r.u32()? as i32,
            boundary: r.u8()? != 0,
            message: r.string()?,
        });
    }
    if r.at != data.len() {
        return Err("the cache's commits do not end where it says".into());
    }
    Ok(commits)
}

fn decode_paths(data: &[u8], commits: usize) -> R<HashMap<Arc<str>, Vec<Change>>> {
    let mut r = Reader { data, at: 0 };
    let k = r.count(8)?;
    let mut paths = HashMap::with_capacity(k);
    for _ in 0..k {
        let key: Arc<str> = Arc::from(r.str()?);
        let m = r.count(4 + 1 + 1 + 1 + 1 + 1)?;
        let mut changes = Vec::with_capacity(m);
        for _ in 0..m {
            let commit = r.u32()? as usize;
            if commit >= commits {
                return Err("the cache names a commit it does not hold".into());
            }
            let kind = kind_of(r.u8()?)?;
            let path = if r.u8()? == 0 { key.clone() } else { Arc::from(r.str()?) };
            let from = if r.u8()? == 0 { None } else { Some(Arc::from(r.str()?)) };
            changes.push(Change { commit, kind, path, from, old_blob: r.opt_oid()?, new_blob: r.opt_oid()? });
        }
        paths.insert(key, changes);
    }
    if r.at != data.len() {
        return Err("the cache has bytes after its end".into());
    }
    Ok(paths)
}

/// Reads and verifies the cache in `dir`.
pub(super) fn read(dir: &Path) -> Result<Cached, ReadError> {
    let data = match std::fs::read(dir.join(FILE)) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Corrupt(format!("the cache could not be read: {e}"))),
    };
    let corrupt = |s: &str| ReadError::Corrupt(s.to_string());
    if data.len() < HEADER || &data[..8] != MAGIC {
        return Err(corrupt("the cache is not a Waymark history cache"));
    }
    let mut r = Reader { data: &data, at: 8 };
    let version = r.u32().map_err(|e| corrupt(&e))?;
    if version != VERSION {
        return Err(corrupt("the cache was written by another version of Waymark"));
    }
    let (payload, mut at) = record(&data, 12).ok_or_else(|| corrupt("the cache is truncated or damaged"))?;
    let mut cached = decode(payload).map_err(ReadError::Corrupt)?;
    let mut segments = 0;
    let mut clean = true;
    while at < data.len() {
        let Some((payload, next)) = record(&data, at) else {
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
        segments += 1;
        at = next;
    }
    cached.appendable = clean && segments < MAX_SEGMENTS;
    Ok(cached)
}

/// Writes the cache atomically: to a temporary file in `dir`, then renamed over the old one.
pub(super) fn write(dir: &Path, h: &GitHistory, head: Oid) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let payload = encode(h, head);
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&VERSION.to_le_bytes());
        header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        header.extend_from_slice(&checksum(&payload).to_le_bytes());
        f.write_all(&header)?;
        f.write_all(&payload)?;
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

    #[test]
    fn decode_refuses_huge_counts() {
        let mut w = Writer(Vec::new());
        w.str("");
        w.oid(Oid::zero());
        w.u8(0);
        w.u32(u32::MAX);
        w.i64(0);
        w.u32(u32::MAX);
        assert!(decode(&w.0).is_err());
    }
}
