//! Each search document's term counts, kept between builds in
//! `.waymark/cache/search-terms.bin`, so a build reads and counts the words of the records that
//! changed and takes everyone else's counts as they were.
//!
//! Counting is most of the work of an index (tokenising and stemming every word of every
//! record), and a record's counts depend only on its file and the settings its labels and
//! names come from. So each entry is keyed by [`Doc::key`] (the record's path, text and
//! searched details), and the file as a whole by the settings and Waymark's version: when
//! either differs, nothing in it is used.
//!
//! The file is a magic, a version, that context, then the payload (every term once, then each
//! entry as its key, length in words, length of its text in bytes and (term, count) pairs,
//! all numbers as LEB128) and a fingerprint of the payload. A short, damaged or foreign file
//! is ignored and written afresh: the cache only ever saves time. It is written beside and
//! renamed into place, and only when a build counted something new or no longer needed an
//! entry; an entry no document used in the build is dropped then.
//!
//! Rewriting every entry for one new record took half a second at 100,000 notes, so while
//! what is new (and what no longer is used) stays under a sixteenth of the entries, the new
//! entries go into a second, small file ([`ADDED`]) of the same layout instead, whose context
//! also names the main file's fingerprint: read with that file only, and ignored beside any
//! other. Past that share, the main file is written whole again and the small one removed.

use super::tokenise::Analyser;
use super::Doc;
use crate::config::Config;
use crate::render::reuse::Fingerprint;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::{Borrow, Cow};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The cache file, in the repository's cache folder.
pub const FILE: &str = "search-terms.bin";
/// The entries added since [`FILE`] was last written whole, beside it.
pub const ADDED: &str = "search-terms-added.bin";
const MAGIC: &[u8; 8] = b"WMTERMS\n";
/// Documents counted at once when indexing everything: enough to keep both cores busy,
/// few enough that their shared-string counts stay small.
const COUNT_BATCH: usize = 4096;
/// Bumped whenever tokenising, stemming or this layout changes.
const VERSION: u32 = 1;

/// One document's counts.
#[derive(Debug, Clone, PartialEq)]
struct Counted {
    /// Length in words (what BM25 normalises by).
    len: u32,
    /// Length of its text in bytes (what the shared dictionary is sized by).
    text_len: u32,
    /// (term number, occurrences).
    terms: Box<[(u32, u32)]>,
}

/// The counts of every document of an index, as [`TermCache::count`] gives them.
pub struct Counts {
    /// Each term with its postings: (document number, occurrences), in document order.
    pub postings: Vec<(String, Vec<(u32, u32)>)>,
    /// Each document's length in words.
    pub len_of: Vec<u32>,
    /// Each document's text length in bytes.
    pub text_len: Vec<u32>,
}

/// A document's counts as the cache holds them.
#[derive(Clone, Copy)]
pub struct Found<'a> {
    /// (term number, occurrences), by term number.
    pub terms: &'a [(u32, u32)],
    /// Length in words.
    pub len: u32,
    /// Length of its text in bytes.
    pub text_len: u32,
}

/// Term counts by document key, loaded from and saved to one file.
#[derive(Default)]
pub struct TermCache {
    path: Option<PathBuf>,
    context: u128,
    terms: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
    entries: FxHashMap<u128, Counted>,
    /// Whether the file no longer matches what a build used.
    stale: bool,
    /// The fingerprint of the main file's payload, when it was read whole and sound.
    base: Option<u128>,
    /// The entries the main file lacks: read from [`ADDED`] or counted since.
    added: rustc_hash::FxHashSet<u128>,
}

/// What makes every entry of a cache valid: the settings (labels, staff names, questions and
/// scales reach the text from there) and the program that tokenises; `None` when the program
/// cannot tell which it is, and so keeps no cache.
pub fn context(config: &Config) -> Option<u128> {
    let mut f = Fingerprint::default();
    VERSION.hash(&mut f);
    crate::program::identity()?.hash(&mut f);
    format!("{config:?}").hash(&mut f);
    Some(f.value())
}

impl TermCache {
    /// The cache kept in `dir` for this `context`; empty when there is none or it cannot be trusted.
    pub fn open(dir: &Path, context: u128) -> TermCache {
        let path = dir.join(FILE);
        let mut cache = TermCache::default();
        if let Some((base, print)) = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes, context)) {
            cache = base;
            cache.base = Some(print);
            let added = std::fs::read(dir.join(ADDED)).ok().and_then(|b| decode(&b, added_context(context, print)));
            if let Some((added, _)) = added {
                for (key, c) in added.entries {
                    let terms: Vec<(u32, u32)> =
                        c.terms.iter().map(|&(t, n)| (cache.intern(added.terms[t as usize].clone()), n)).collect();
                    cache.entries.insert(key, Counted { terms: terms.into(), ..c });
                    cache.added.insert(key);
                }
            }
        }
        cache.path = Some(path);
        cache.context = context;
        cache
    }

    /// Counts every document, in order: from the cache when its key is there, otherwise from
    /// its text (which `text` makes) in parallel, remembering the result.
    pub fn count<D: Borrow<Doc> + Sync>(&mut self, docs: &[D], text: &(dyn Fn(&Doc) -> Cow<str> + Sync)) -> Counts {
        self.fill(docs, text);
        let found: Vec<(usize, &Counted)> =
            docs.iter().enumerate().filter_map(|(i, d)| self.entries.get(&d.borrow().key).map(|c| (i, c))).collect();
        // Each list made at its full size: growing ten million postings a push at a time
        // copied most of them several times over.
        let mut sizes = vec![0usize; self.terms.len()];
        for (_, c) in &found {
            for &(t, _) in c.terms.iter() {
                sizes[t as usize] += 1;
            }
        }
        let mut lists: Vec<Vec<(u32, u32)>> = sizes.into_iter().map(Vec::with_capacity).collect();
        let mut len_of = Vec::with_capacity(docs.len());
        let mut text_len = Vec::with_capacity(docs.len());
        for (i, c) in found {
            len_of.push(c.len);
            text_len.push(c.text_len);
            for &(t, n) in c.terms.iter() {
                lists[t as usize].push((i as u32, n));
            }
        }
        let postings = lists
            .into_iter()
            .enumerate()
            .filter(|(_, list)| !list.is_empty())
            .map(|(t, list)| (self.terms[t].to_string(), list))
            .collect();
        Counts { postings, len_of, text_len }
    }

    /// Counts the documents the cache does not hold, from their text, in parallel.
    pub fn fill<D: Borrow<Doc> + Sync>(&mut self, docs: &[D], text: &(dyn Fn(&Doc) -> Cow<str> + Sync)) {
        let analyser = Analyser::default();
        let missing: Vec<&Doc> =
            docs.iter().map(Borrow::borrow).filter(|d| !self.entries.contains_key(&d.key)).collect();
        // (key, counts, length in words, text length) of each record not in the cache.
        type Fresh = (u128, FxHashMap<Arc<str>, u32>, u32, u32);
        // A batch at a time, each then numbered, so that counting everything (a first build)
        // never holds a map of every record's words at once.
        for batch in missing.chunks(COUNT_BATCH) {
            let fresh: Vec<Fresh> = batch
                .par_iter()
                .map_init(FxHashMap::default, |stems, d| {
                    let t = text(d);
                    let (tf, len) = super::term_frequencies_in(&analyser, stems, &d.meta, &t);
                    (d.key, tf, len, t.len() as u32)
                })
                .collect();
            for (key, tf, len, text_len) in fresh {
                let mut terms: Vec<(u32, u32)> = tf.into_iter().map(|(t, n)| (self.intern(t), n)).collect();
                terms.sort_unstable();
                self.entries.insert(key, Counted { len, text_len, terms: terms.into() });
                self.added.insert(key);
                self.stale = true;
            }
        }
    }

    /// The terms the cache numbers, and each document's counts where the cache holds them;
    /// nothing is counted.
    pub fn lookup(&self, docs: &[Doc]) -> (&[Arc<str>], Vec<Option<Found<'_>>>) {
        let found = docs
            .iter()
            .map(|d| self.entries.get(&d.key).map(|c| Found { terms: &c.terms, len: c.len, text_len: c.text_len }));
        (&self.terms, found.collect())
    }

    /// Writes the entries `docs` used, and only those, when the file differs from them;
    /// a failure only costs the next build time, so it is reported to no one.
    pub fn save<D: Borrow<Doc>>(&mut self, docs: &[D]) {
        let Some(path) = self.path.clone() else { return };
        let used: rustc_hash::FxHashSet<u128> = docs.iter().map(|d| d.borrow().key).collect();
        let unused = self.entries.keys().filter(|k| !used.contains(k)).count();
        if !self.stale && unused == 0 {
            return;
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let added_path = dir.join(ADDED);
        // Unused entries are left in the main file until it is written whole.
        if let Some(base) = self.base.filter(|_| self.added.len() + unused <= self.entries.len() / 16) {
            if self.stale {
                let mut keys: Vec<&u128> = self.added.iter().filter(|k| used.contains(k)).collect();
                keys.sort_unstable();
                let bytes = self.encode(&keys, added_context(self.context, base));
                if write_beside(&added_path, &bytes.0).is_ok() {
                    self.stale = false;
                }
            }
            return;
        }
        self.entries.retain(|k, _| used.contains(k));
        let mut keys: Vec<&u128> = self.entries.keys().collect();
        keys.sort_unstable();
        let (bytes, print) = self.encode(&keys, self.context);
        // The small file is removed first: beside the new main file it would be ignored anyway.
        let _ = std::fs::remove_file(&added_path);
        if write_beside(&path, &bytes).is_ok() {
            self.stale = false;
            self.base = Some(print);
            self.added.clear();
        }
    }

    /// The number of a term, numbering it if it is new.
    fn intern(&mut self, term: Arc<str>) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(term.clone());
        self.ids.insert(term, id);
        id
    }

    /// A file's bytes holding the entries of `keys` (in that order) for `context`, and the
    /// fingerprint of its payload: terms renumbered to those the entries use.
    fn encode(&self, keys: &[&u128], context: u128) -> (Vec<u8>, u128) {
        let mut renumber = vec![u32::MAX; self.terms.len()];
        let mut terms: Vec<&str> = Vec::new();
        for &k in keys {
            for &(t, _) in self.entries[k].terms.iter() {
                if renumber[t as usize] == u32::MAX {
                    renumber[t as usize] = terms.len() as u32;
                    terms.push(&self.terms[t as usize]);
                }
            }
        }
        let mut out = Vec::with_capacity(16 * keys.len() + 24 * 60 * keys.len() / 8);
        leb(&mut out, terms.len() as u64);
        for t in terms {
            leb(&mut out, t.len() as u64);
            out.extend_from_slice(t.as_bytes());
        }
        leb(&mut out, keys.len() as u64);
        for &k in keys {
            let c = &self.entries[k];
            out.extend_from_slice(&k.to_le_bytes());
            leb(&mut out, u64::from(c.len));
            leb(&mut out, u64::from(c.text_len));
            leb(&mut out, c.terms.len() as u64);
            let mut pairs: Vec<(u32, u32)> = c.terms.iter().map(|&(t, n)| (renumber[t as usize], n)).collect();
            pairs.sort_unstable();
            for (t, n) in pairs {
                leb(&mut out, u64::from(t));
                leb(&mut out, u64::from(n));
            }
        }
        let mut f = Fingerprint::default();
        f.write(&out);
        let print = f.value();
        let mut file = Vec::with_capacity(out.len() + 44);
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(&VERSION.to_le_bytes());
        file.extend_from_slice(&context.to_le_bytes());
        file.extend_from_slice(&print.to_le_bytes());
        file.extend_from_slice(&out);
        (file, print)
    }
}

/// The context of the small file of added entries: the cache's, and the main file it adds to.
fn added_context(context: u128, base: u128) -> u128 {
    let mut f = Fingerprint::default();
    (context, base).hash(&mut f);
    f.value()
}

/// Writes `bytes` beside `path`, making its folder if need be, and renames them into place.
fn write_beside(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    crate::cachefile::write_whole(path, bytes)
}

/// A cache from a file's bytes, and the fingerprint of its payload; `None` if anything about
/// them is unexpected.
fn decode(bytes: &[u8], context: u128) -> Option<(TermCache, u128)> {
    let (head, payload) = bytes.split_at_checked(8 + 4 + 16 + 16)?;
    let mut f = Fingerprint::default();
    f.write(payload);
    let print = f.value();
    if &head[..8] != MAGIC
        || head[8..12] != VERSION.to_le_bytes()
        || head[12..28] != context.to_le_bytes()
        || head[28..44] != print.to_le_bytes()
    {
        return None;
    }
    let mut r = Reader { bytes: payload, at: 0 };
    let n_terms = r.count()?;
    let mut cache = TermCache::default();
    cache.terms.reserve(n_terms);
    for _ in 0..n_terms {
        let len = r.count()?;
        let term: Arc<str> = std::str::from_utf8(r.take(len)?).ok()?.into();
        cache.ids.insert(term.clone(), cache.terms.len() as u32);
        cache.terms.push(term);
    }
    let n_entries = r.count()?;
    cache.entries.reserve(n_entries);
    for _ in 0..n_entries {
        let key = u128::from_le_bytes(r.take(16)?.try_into().ok()?);
        let len = u32::try_from(r.leb()?).ok()?;
        let text_len = u32::try_from(r.leb()?).ok()?;
        let n = r.count()?;
        let mut terms = Vec::with_capacity(n);
        for _ in 0..n {
            let t = u32::try_from(r.leb()?).ok().filter(|t| (*t as usize) < n_terms)?;
            terms.push((t, u32::try_from(r.leb()?).ok()?));
        }
        cache.entries.insert(key, Counted { len, text_len, terms: terms.into() });
    }
    (r.at == payload.len()).then_some((cache, print))
}

/// Appends `n` as LEB128: seven bits a byte, low first, the top bit set on all but the last.
fn leb(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads what [`TermCache::encode`] wrote, every step checked.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    fn leb(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of things still to read, which cannot be more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.leb()?).ok().filter(|n| *n <= self.bytes.len() - self.at)
    }
}

/// A note of one young person with `text`, keyed `key`, for tests of counting and postings.
#[cfg(test)]
pub(super) fn test_doc(key: u128, text: &str) -> Doc {
    Doc {
        kind: 0,
        person: "yp-a".into(),
        name: "A".into(),
        note_kind: None,
        author: None,
        date: None,
        href: format!("#n{key}"),
        meta: "Alex note".into(),
        text: text.into(),
        key,
        deferred: None,
        arrived: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(key: u128, text: &str) -> Doc {
        test_doc(key, text)
    }

    fn own(d: &Doc) -> Cow<'_, str> {
        Cow::Borrowed(&d.text)
    }

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("waymark-terms-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn counts_from_the_cache_equal_counts_made_afresh() {
        let dir = dir("same");
        let docs = vec![doc(1, "Visited the dentist. Dentist again."), doc(2, "College bus pass"), doc(3, "")];
        let mut fresh = TermCache::open(&dir, 7);
        let first = fresh.count(&docs, &own);
        fresh.save(&docs);
        // The second time the texts are never made: every count comes from the file.
        let mut cached = TermCache::open(&dir, 7);
        assert_eq!(cached.entries.len(), 3);
        let second = cached.count(&docs, &|_| panic!("counted again"));
        assert_eq!((first.len_of, first.text_len), (second.len_of.clone(), second.text_len.clone()));
        let sorted = |mut p: Vec<(String, Vec<(u32, u32)>)>| {
            p.sort();
            p
        };
        assert_eq!(sorted(first.postings), sorted(second.postings.clone()));
        assert!(second.postings.iter().any(|(t, l)| t == "dentist" && l == &[(0, 2)]), "{:?}", second.postings);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn other_settings_a_damaged_file_or_a_changed_record_are_counted_again() {
        let dir = dir("distrust");
        let docs = vec![doc(1, "Visited the dentist."), doc(2, "College bus pass")];
        let mut c = TermCache::open(&dir, 7);
        c.count(&docs, &own);
        c.save(&docs);
        assert!(TermCache::open(&dir, 8).entries.is_empty(), "other settings");
        let file = dir.join(FILE);
        let good = std::fs::read(&file).expect("written");
        for bad in [good[..good.len() - 1].to_vec(), [&good[..50], b"x", &good[51..]].concat(), b"WMTERMS\n".to_vec()] {
            std::fs::write(&file, &bad).expect("damaged");
            assert!(TermCache::open(&dir, 7).entries.is_empty());
        }
        std::fs::write(&file, &good).expect("restored");
        // A record whose key changed is counted; the entry no one uses is dropped on saving.
        let mut c = TermCache::open(&dir, 7);
        let changed = vec![doc(1, "Visited the dentist."), doc(9, "Rent paid")];
        let counted = std::sync::atomic::AtomicUsize::new(0);
        c.count(&changed, &|d| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            own(d)
        });
        assert_eq!(counted.into_inner(), 1);
        c.save(&changed);
        let again = TermCache::open(&dir, 7);
        let mut keys: Vec<u128> = again.entries.keys().copied().collect();
        keys.sort();
        assert_eq!(keys, [1, 9]);
        assert!(!again.terms.iter().any(|t| &**t == "colleg"), "terms no entry uses are dropped");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_few_new_records_are_added_beside_the_file_which_is_written_whole_past_a_sixteenth() {
        let dir = dir("added");
        let note = |k: u128| doc(k, &format!("Visit {k}: talked about college and the bus pass"));
        let mut docs: Vec<Doc> = (1..=64).map(note).collect();
        let mut c = TermCache::open(&dir, 7);
        c.count(&docs, &own);
        c.save(&docs);
        let main = std::fs::read(dir.join(FILE)).expect("written whole");
        assert!(!dir.join(ADDED).exists());

        // One new record: the main file is left as it was, and the new counts are read back.
        docs.push(doc(100, "Rent paid at the housing office"));
        let mut c = TermCache::open(&dir, 7);
        c.count(&docs, &own);
        c.save(&docs);
        assert_eq!(std::fs::read(dir.join(FILE)).expect("kept"), main, "the main file was written again");
        assert!(dir.join(ADDED).is_file());
        let mut again = TermCache::open(&dir, 7);
        let counts = again.count(&docs, &|_| panic!("counted again"));
        assert!(counts.postings.iter().any(|(t, l)| t == "rent" && l == &[(64, 1)]), "{:?}", counts.postings);

        // A damaged file of additions is not trusted: only what it held is counted again.
        let added = std::fs::read(dir.join(ADDED)).expect("added");
        std::fs::write(dir.join(ADDED), &added[..added.len() - 2]).expect("damage");
        let mut c = TermCache::open(&dir, 7);
        let counted = std::sync::atomic::AtomicUsize::new(0);
        c.count(&docs, &|d| {
            counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            own(d)
        });
        assert_eq!(counted.into_inner(), 1);

        // Past a sixteenth of the entries new, the main file holds them all and the other goes.
        docs.extend((200..205).map(note));
        c.count(&docs, &own);
        c.save(&docs);
        assert_ne!(std::fs::read(dir.join(FILE)).expect("rewritten"), main);
        assert!(!dir.join(ADDED).exists(), "the additions were left beside a main file that holds them");
        let mut whole = TermCache::open(&dir, 7);
        assert_eq!(whole.entries.len(), 70);
        whole.count(&docs, &|_| panic!("counted again"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
