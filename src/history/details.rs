//! What each change did (fields and words), worked out once and kept in `.waymark/cache/`.
//!
//! A commit's changes never change, so neither does what they did to a record: the field
//! changes and word diff of a modification depend only on the two blobs it went between.
//! They are kept by that pair of blob ids in `details.bin` beside the history cache, with the
//! same framing: magic and version, then records each with its length and CRC-32. A build
//! loads them all, works out only the modifications it has not seen, and appends those as one
//! more record. A file with the wrong magic or version, or a damaged first record, is ignored
//! and written afresh; a damaged later record (a run stopped while appending) ends what is
//! trusted, and the file is rewritten whole from what was read.
//!
//! Only what pages show is kept: the changed lines of a body, not its unchanged text.

use super::cache::{framed, record, Input, Reader, Writer, R};
use super::diff::{self, Detail, FieldChange, Words};
use super::{CacheUse, Change, ChangeKind};
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file's name inside the cache folder.
pub const FILE: &str = "details.bin";
const MAGIC: &[u8; 8] = b"WMDIFF\r\n";
/// Version 1: fields and the changed lines of the body, by (old blob, new blob).
const VERSION: u32 = 1;
/// Records allowed before the file is rewritten as one.
const MAX_RECORDS: usize = 64;
/// The smallest entry: two ids and two counts.
const MIN_ENTRY: usize = 20 + 20 + 4 + 4;

type Key = (Oid, Oid);

/// Field and word changes by the pair of blobs they go between, loaded from disk and grown as
/// pages ask for ones not seen before; shared by the threads that render pages.
#[derive(Default)]
pub struct DetailCache {
    dir: Option<PathBuf>,
    known: HashMap<Key, Arc<Detail>>,
    fresh: Mutex<HashMap<Key, Arc<Detail>>>,
    /// Records in the file as read; past [`MAX_RECORDS`], or when one was damaged, it is rewritten.
    records: usize,
    rewrite: bool,
    /// How the file on disk was used.
    pub state: CacheUse,
}

impl DetailCache {
    /// A cache that only keeps what this process works out (nothing read or written).
    pub fn in_memory() -> DetailCache {
        DetailCache::default()
    }

    /// Loads the cache in `dir` (usually `.waymark/cache/`); a missing or untrusted file starts empty.
    pub fn open(dir: &Path) -> DetailCache {
        let mut cache = DetailCache { dir: Some(dir.to_path_buf()), ..DetailCache::default() };
        let data = match std::fs::read(dir.join(FILE)) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                cache.state = CacheUse::Missing;
                cache.rewrite = true;
                return cache;
            }
            Err(e) => return cache.untrusted(format!("the details cache could not be read: {e}")),
        };
        if data.len() < 12 || &data[..8] != MAGIC {
            return cache.untrusted("the details cache is not a Waymark details cache".into());
        }
        if data[8..12] != VERSION.to_le_bytes() {
            return cache.untrusted("the details cache was written by another version of Waymark".into());
        }
        let mut at = 12;
        while at < data.len() {
            let decoded =
                record(&data, at).ok_or_else(|| "a record is damaged".to_string()).and_then(|(payload, next)| {
                    decode(payload, &mut cache.known)?;
                    Ok(next)
                });
            match decoded {
                Ok(next) => {
                    at = next;
                    cache.records += 1;
                }
                Err(why) if cache.records == 0 => {
                    cache.known.clear();
                    return cache.untrusted(format!("the details cache's {why}"));
                }
                // What came before is sound; the file is written again whole.
                Err(_) => {
                    cache.rewrite = true;
                    break;
                }
            }
        }
        cache.state = CacheUse::Hit;
        cache.rewrite |= cache.records >= MAX_RECORDS;
        cache
    }

    fn untrusted(mut self, why: String) -> DetailCache {
        self.state = CacheUse::Rebuilt(why);
        self.rewrite = true;
        self
    }

    /// What a modification of a record did, worked out now only if it was never worked out before;
    /// `None` for other kinds of change and files that are not records.
    pub fn get(&self, repo: &Repository, change: &Change) -> Option<Arc<Detail>> {
        if change.kind != ChangeKind::Modified || !change.path.ends_with(".md") {
            return None;
        }
        let key = (change.old_blob?, change.new_blob?);
        if let Some(d) = self.known.get(&key) {
            return Some(d.clone());
        }
        if let Some(d) = self.lock().get(&key) {
            return Some(d.clone());
        }
        let old = diff::blob_text(repo, Some(key.0));
        let new = diff::blob_text(repo, Some(key.1));
        let detail = Arc::new(diff::detail(old.as_deref(), new.as_deref()).compact());
        self.lock().insert(key, detail.clone());
        Some(detail)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Detail>>> {
        // A poisoned lock only means a thread panicked between two map operations; the map is whole.
        self.fresh.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many details were worked out by this process (not read from disk).
    pub fn computed(&self) -> usize {
        self.lock().len()
    }

    /// How many details were read from disk.
    pub fn loaded(&self) -> usize {
        self.known.len()
    }

    /// Keeps what this process worked out: appended as one record, or the whole file written
    /// afresh (through a temporary file renamed over it) when it was missing, untrusted or long.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(dir) = &self.dir else { return Ok(()) };
        let fresh = self.lock();
        if fresh.is_empty() && !self.rewrite {
            return Ok(());
        }
        std::fs::create_dir_all(dir)?;
        if !self.rewrite {
            let mut f = std::fs::OpenOptions::new().append(true).open(dir.join(FILE))?;
            return f.write_all(&framed(&encode(fresh.iter())));
        }
        let mut data = MAGIC.to_vec();
        data.extend_from_slice(&VERSION.to_le_bytes());
        data.extend_from_slice(&framed(&encode(self.known.iter().chain(fresh.iter()))));
        let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
        let result = std::fs::write(&tmp, &data).and_then(|_| std::fs::rename(&tmp, dir.join(FILE)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

fn encode<'a>(entries: impl Iterator<Item = (&'a Key, &'a Arc<Detail>)>) -> Vec<u8> {
    let mut entries: Vec<_> = entries.collect();
    // Same content, same bytes: the order of a hash map is not the file's.
    entries.sort_by_key(|(k, _)| **k);
    let mut w = Writer(Vec::new());
    w.len(entries.len());
    for ((old, new), d) in entries {
        w.oid(*old);
        w.oid(*new);
        w.len(d.fields.len());
        for f in &d.fields {
            w.str(&f.field);
            w.opt_str(f.old.as_deref());
            w.opt_str(f.new.as_deref());
        }
        w.len(d.body.len());
        for word in &d.body {
            let (code, text) = match word {
                Words::Same(s) => (0, s),
                Words::Added(s) => (1, s),
                Words::Removed(s) => (2, s),
            };
            w.u8(code);
            w.str(text);
        }
    }
    w.0
}

fn decode(payload: &[u8], into: &mut HashMap<Key, Arc<Detail>>) -> R<()> {
    let mut r = Reader::new(payload);
    let n = r.count(MIN_ENTRY)?;
    let mut read = Vec::with_capacity(n);
    for _ in 0..n {
        let key = (r.oid()?, r.oid()?);
        let nf = r.count(4 + 1 + 1)?;
        let mut fields = Vec::with_capacity(nf);
        for _ in 0..nf {
            let field = r.string()?;
            let old = opt_string(&mut r)?;
            let new = opt_string(&mut r)?;
            fields.push(FieldChange { field, old, new });
        }
        let nw = r.count(1 + 4)?;
        let mut body = Vec::with_capacity(nw);
        for _ in 0..nw {
            let code = r.u8()?;
            let text = r.string()?;
            body.push(match code {
                0 => Words::Same(text),
                1 => Words::Added(text),
                2 => Words::Removed(text),
                _ => return Err("records hold an unknown kind of word change".into()),
            });
        }
        read.push((key, Arc::new(Detail { fields, body })));
    }
    r.done("records")?;
    into.extend(read);
    Ok(())
}

fn opt_string(r: &mut Reader<'_>) -> R<Option<String>> {
    match r.u8()? {
        0 => Ok(None),
        1 => Ok(Some(r.string()?)),
        _ => Err("records have a bad marker".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Detail {
        Detail {
            fields: vec![
                FieldChange { field: "accommodation.type".into(), old: Some("a".into()), new: Some("b".into()) },
                FieldChange { field: "goals[flat]".into(), old: None, new: Some(String::new()) },
            ],
            body: vec![Words::Same("Jordan ".into()), Words::Added("very ".into()), Words::Removed("x".into())],
        }
    }

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).expect("oid")
    }

    #[test]
    fn round_trips_and_appends() {
        let dir = tempfile::tempdir().expect("temp");
        let mut c = DetailCache::open(dir.path());
        assert_eq!(c.state, CacheUse::Missing);
        c.lock().insert((oid(1), oid(2)), Arc::new(sample()));
        c.save().expect("save");
        c = DetailCache::open(dir.path());
        assert_eq!(c.state, CacheUse::Hit);
        assert_eq!(c.known.get(&(oid(1), oid(2))).map(|d| (**d).clone()), Some(sample()));
        c.lock().insert((oid(3), oid(4)), Arc::new(Detail::default()));
        c.save().expect("append");
        let c = DetailCache::open(dir.path());
        assert_eq!((c.records, c.loaded()), (2, 2));
    }

    #[test]
    fn damage_is_never_trusted() {
        let dir = tempfile::tempdir().expect("temp");
        let c = DetailCache::open(dir.path());
        c.lock().insert((oid(1), oid(2)), Arc::new(sample()));
        c.save().expect("save");
        let file = dir.path().join(FILE);
        let good = std::fs::read(&file).expect("read");
        for at in [0, 9, 14, 30, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            std::fs::write(&file, &bad).expect("write");
            let c = DetailCache::open(dir.path());
            assert!(matches!(c.state, CacheUse::Rebuilt(_)), "byte {at}: {:?}", c.state);
            assert_eq!(c.loaded(), 0);
        }
        std::fs::write(&file, &good[..good.len() - 3]).expect("write");
        assert!(matches!(DetailCache::open(dir.path()).state, CacheUse::Rebuilt(_)));
        // A torn append keeps what came before it.
        let mut torn = good.clone();
        torn.extend_from_slice(&good[12..good.len() - 2]);
        std::fs::write(&file, &torn).expect("write");
        let c = DetailCache::open(dir.path());
        assert_eq!((c.loaded(), c.rewrite), (1, true));
    }
}
