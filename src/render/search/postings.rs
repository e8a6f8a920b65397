//! The last build's word postings, weighted and encoded as the term chunks hold them, kept in
//! `.waymark/cache/search-postings.bin` with the documents they were made from.
//!
//! After a note is added, a build usually numbers every older document as the last one did
//! (documents are numbered oldest first, and a new note is the newest: see [`super::arrival`]).
//! Every older posting is then as it was, weight included, as long as the average length the
//! weights are worked out with stays the same whole number of words. So such a build takes
//! the postings from here, cuts each list where the documents that changed begin, and adds
//! those documents' postings, counted from their text. It neither reads every record's term
//! counts ([`super::terms`]) nor weighs and encodes every posting again; the files it writes
//! are byte for byte those of a build that did.
//!
//! Anything else (more than a sixteenth of the documents changed, a new average, other
//! settings, another program, a missing or damaged file) makes the index the whole way, which
//! writes this file afresh.

use super::tokenise::Analyser;
use super::{average, encode, terms, weight, Doc};
use crate::cachefile::{self, Kind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// The cache file, in the repository's cache folder.
pub const FILE: &str = "search-postings.bin";

/// The cache file's frame; the format is raised whenever [`Postings`] changes.
const KIND: Kind = Kind { magic: b"WMPOSTS\n", format: 1 };

/// Documents that may have changed (at the end) for a build to patch the postings rather than
/// make them afresh: a sixteenth of them, and never fewer than this.
const MIN_TAIL: usize = 64;

/// Postings patched by re-counting at most this many documents are not saved: the next build
/// patches the saved ones again and re-counts these with its own (milliseconds), where writing
/// the whole file (20 MB at 100,000 notes) for each new note took a tenth of a second of CPU.
const SAVE_PAST: usize = 32;

/// One term's postings as its term chunk holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// The term (a stem).
    pub term: String,
    /// Its postings, as [`encode::postings`] writes them.
    pub postings: String,
    /// The number of the last document in them.
    pub last: u32,
}

/// Every term's postings in an index, and what they were made from.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Postings {
    /// The settings and program the words were counted by ([`terms::context`]).
    context: u128,
    /// Each document's key ([`Doc::key`]), in index order.
    keys: Vec<u128>,
    /// Each document's length in words.
    pub len_of: Vec<u32>,
    /// Each document's text length in bytes.
    pub text_len: Vec<u32>,
    /// Every term's postings, sorted by term.
    pub words: Vec<Word>,
    /// How many documents [`Postings::patch`] counted again to make these; `None` when they
    /// were made whole or read back.
    #[serde(skip)]
    recounted: Option<usize>,
}

impl Postings {
    /// The postings of `docs` (in index order) from their counts, for settings `context`.
    pub fn made(docs: &[&Doc], counts: terms::Counts, context: u128) -> Postings {
        let avg = average(counts.len_of.iter().copied());
        let len_of = &counts.len_of;
        let mut words: Vec<Word> = counts
            .postings
            .into_par_iter()
            .map(|(term, list)| {
                let last = list.last().map_or(0, |p| p.0);
                let weighted: Vec<(u32, u8)> =
                    list.into_iter().map(|(doc, f)| (doc, weight(f, len_of[doc as usize], avg))).collect();
                Word { term, postings: encode::postings(&weighted), last }
            })
            .collect();
        words.par_sort_unstable_by(|a, b| a.term.cmp(&b.term));
        Postings {
            context,
            keys: docs.iter().map(|d| d.key).collect(),
            len_of: counts.len_of,
            text_len: counts.text_len,
            words,
            recounted: None,
        }
    }

    /// The postings the last build kept in `dir`, if they were made for `context` and the file
    /// is sound.
    pub fn open(dir: &Path, context: u128) -> Option<Postings> {
        let stamp = cachefile::stamp(KIND)?;
        let bytes = std::fs::read(dir.join(FILE)).ok()?;
        let postings: Postings = cachefile::decode(KIND, &stamp, &bytes)?;
        let sound = postings.context == context
            && postings.len_of.len() == postings.keys.len()
            && postings.text_len.len() == postings.keys.len()
            && postings.words.iter().all(|w| (w.last as usize) < postings.keys.len());
        sound.then_some(postings)
    }

    /// The postings of `docs` (in index order), made from these by counting only the
    /// documents after the longest run at the start that is numbered and keyed as before;
    /// `None` when too many changed or the average length moved, so every weight may differ.
    pub fn patch(mut self, docs: &[&Doc], text: &(dyn Fn(&Doc) -> Cow<str> + Sync)) -> Option<Postings> {
        let first = docs.iter().zip(&self.keys).take_while(|(d, k)| d.key == **k).count();
        let tail = &docs[first..];
        if tail.len() > (docs.len() / 16).max(MIN_TAIL) {
            return None;
        }
        let analyser = Analyser::default();
        let counted: Vec<(FxHashMap<Arc<str>, u32>, u32, u32)> = tail
            .par_iter()
            .map_init(FxHashMap::default, |stems, d| {
                let t = text(d);
                let (tf, len) = super::term_frequencies_in(&analyser, stems, &d.meta, &t);
                (tf, len, t.len() as u32)
            })
            .collect();
        let avg = average(self.len_of.iter().copied());
        self.len_of.truncate(first);
        self.text_len.truncate(first);
        self.len_of.extend(counted.iter().map(|c| c.1));
        self.text_len.extend(counted.iter().map(|c| c.2));
        if average(self.len_of.iter().copied()) != avg {
            return None;
        }
        self.keys = docs.iter().map(|d| d.key).collect();
        // The new documents' postings by term, in document order.
        let mut added: FxHashMap<Arc<str>, Vec<(u32, u8)>> = FxHashMap::default();
        for (i, (tf, len, _)) in counted.into_iter().enumerate() {
            let doc = (first + i) as u32;
            for (term, n) in tf {
                added.entry(term).or_default().push((doc, weight(n, len, avg)));
            }
        }
        // Lists that reach the documents that changed lose them.
        let first = first as u32;
        for w in self.words.iter_mut().filter(|w| w.last >= first) {
            let (cut, next) = encode::postings_cut(&w.postings, first)?;
            w.postings.truncate(cut);
            w.last = next.checked_sub(1).unwrap_or(u32::MAX);
        }
        let mut new = Vec::new();
        for (term, mut list) in added {
            list.sort_unstable();
            let last = list.last().map_or(0, |p| p.0);
            match self.words.binary_search_by(|w| w.term.as_str().cmp(&term)) {
                Ok(i) => {
                    let w = &mut self.words[i];
                    let next = if w.postings.is_empty() { 0 } else { w.last + 1 };
                    encode::append_postings(&mut w.postings, next, &list);
                    w.last = last;
                }
                Err(_) => new.push(Word { term: term.to_string(), postings: encode::postings(&list), last }),
            }
        }
        self.words.retain(|w| !w.postings.is_empty());
        if !new.is_empty() {
            new.sort_unstable_by(|a, b| a.term.cmp(&b.term));
            self.words = merge(std::mem::take(&mut self.words), new, |a, b| a.term < b.term);
        }
        self.recounted = Some(tail.len());
        Some(self)
    }

    /// Whether these postings are worth writing for the next build: all but those patched from
    /// the saved ones by re-counting a few documents, which the next build re-counts again.
    pub fn worth_saving(&self) -> bool {
        self.recounted.is_none_or(|n| n > SAVE_PAST)
    }

    /// Writes these postings into `dir`, beside and renamed into place; a failure only makes
    /// the next build do more, so it is reported to no one.
    pub fn save(&self, dir: &Path) {
        let Some(stamp) = cachefile::stamp(KIND) else { return };
        if let Some(bytes) = cachefile::encode(KIND, &stamp, self) {
            let _ = std::fs::create_dir_all(dir).and_then(|()| cachefile::write_whole(&dir.join(FILE), &bytes));
        }
    }
}

/// Two lists each sorted by `before`, as one sorted list.
pub fn merge<T>(a: Vec<T>, b: Vec<T>, before: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_b = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => before(y, x),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => return out,
        };
        out.extend(if take_b { b.next() } else { a.next() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::terms::test_doc as doc;

    fn own(d: &Doc) -> Cow<'_, str> {
        Cow::Borrowed(&d.text)
    }

    /// The postings of `docs` counted from scratch.
    fn made(docs: &[Doc]) -> Postings {
        let counts = terms::TermCache::default().count(docs, &own);
        let refs: Vec<&Doc> = docs.iter().collect();
        Postings::made(&refs, counts, 7)
    }

    fn patched(last: &[Doc], now: &[Doc]) -> Option<Postings> {
        let refs: Vec<&Doc> = now.iter().collect();
        made(last).patch(&refs, &own)
    }

    fn same(a: &Postings, b: &Postings) {
        assert_eq!((&a.keys, &a.len_of, &a.text_len), (&b.keys, &b.len_of, &b.text_len));
        assert_eq!(a.words, b.words);
    }

    /// Eighty documents of six or seven words each: one more or less never moves the average.
    fn corpus() -> Vec<Doc> {
        (0..80)
            .map(|i| {
                let extra = if i % 2 == 0 { " dentist" } else { "" };
                doc(i, &format!("Visit {i} to the college bus{extra}"))
            })
            .collect()
    }

    #[test]
    fn postings_patched_for_the_newest_documents_are_the_postings_made_afresh() {
        let last = corpus();
        // A document added at the end, with a word no other has.
        let mut now = last.clone();
        now.push(doc(100, "Dentist booked for zebra crossing"));
        same(&patched(&last, &now).expect("patched"), &made(&now));
        // The last document changed, and one removed.
        let mut now = last.clone();
        now[79] = doc(101, "Dentist at college");
        now.remove(78);
        same(&patched(&last, &now).expect("patched"), &made(&now));
        // The last two removed: their words' lists end earlier, and a word held only by them goes.
        let mut last = corpus();
        last[79] = doc(79, "Quokka visit to the bus");
        let now = last[..78].to_vec();
        let p = patched(&last, &now).expect("patched");
        assert!(!p.words.iter().any(|w| w.term == "quokka"));
        same(&p, &made(&now));
        // Nothing changed.
        same(&patched(&corpus(), &corpus()).expect("patched"), &made(&corpus()));
    }

    #[test]
    fn a_patch_of_a_few_new_documents_is_not_saved_and_the_next_build_patches_the_older_postings_alike() {
        let base = corpus();
        assert!(made(&base).worth_saving(), "postings made whole are saved");
        let mut one = base.clone();
        one.push(doc(100, "Dentist booked for zebra crossing"));
        let p = patched(&base, &one).expect("patched");
        assert!(!p.worth_saving(), "one document re-counted: the saved postings stay");
        // The next build patches the postings saved before, re-counting both new documents:
        // the same as patching the unsaved ones, and as counting everything.
        let mut two = one.clone();
        two.push(doc(101, "College bus pass renewed"));
        let refs: Vec<&Doc> = two.iter().collect();
        let from_older = patched(&base, &two).expect("patched from the older postings");
        same(&from_older, &p.patch(&refs, &own).expect("patched from the unsaved ones"));
        same(&from_older, &made(&two));
        // Past a few dozen re-counted documents, the patch is saved.
        let mut many = base.clone();
        many.extend((0..SAVE_PAST as u128 + 1).map(|i| doc(200 + i, "Visit to the college bus")));
        assert!(patched(&base, &many).expect("patched").worth_saving());
    }

    #[test]
    fn postings_are_made_afresh_when_the_average_moves_or_much_changed() {
        let last = corpus();
        let mut now = last.clone();
        now.push(doc(100, &"long ".repeat(2000)));
        assert!(patched(&last, &now).is_none(), "a new average changes every weight");
        let mut now = last.clone();
        now[0] = doc(200, "Visit 0 to the college bus dentist");
        let many: Vec<Doc> = (0..200).map(|i| doc(1000 + i, "Visit to the college bus")).collect();
        assert!(patched(&now, &many).is_none(), "more than a sixteenth changed, and more than a few");
    }

    #[test]
    fn kept_postings_are_read_back_only_for_the_same_settings() {
        let dir = std::env::temp_dir().join(format!("waymark-postings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let p = made(&corpus());
        p.save(&dir);
        same(&Postings::open(&dir, 7).expect("read back"), &p);
        assert!(Postings::open(&dir, 8).is_none(), "other settings");
        let file = dir.join(FILE);
        let mut bytes = std::fs::read(&file).expect("written");
        let n = bytes.len();
        bytes[n - 2] ^= 1;
        std::fs::write(&file, bytes).expect("damage");
        assert!(Postings::open(&dir, 7).is_none(), "a damaged file");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
