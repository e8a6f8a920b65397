//! The search index kept in memory by a long-running process (`waymark serve`), updated one
//! young person at a time without rebuilding the rest.
//!
//! It starts as exactly the files [`super::build`] writes. After that the layout stays put,
//! so an update rewrites only the chunks whose contents changed:
//!
//! - a document keeps its number while its date does not change; a new or re-dated document
//!   takes the next number, and one removed leaves a hole. The manifest then lists the
//!   dates of the documents numbered since the build (`late`) and the holes (`gone`), since
//!   numbers are no longer in date order;
//! - term chunks keep the first terms they started with, and a new term joins the chunk
//!   whose range holds it;
//! - weights use the average record length of the start, and document chunks the dictionary
//!   of the start.
//!
//! So after updates the files differ from a fresh build's, but a query finds the same
//! records, with the same weights but for a record whose weight a new average would round
//! to the next of the eight levels. A restart (a fresh build) tidies the layout; a change to
//! `waymark.yaml` (staff names, whether restricted notes are searched) needs one.

use super::encode::{self, Deflater};
use super::terms::Found;
use super::tokenise::Analyser;
use super::{
    dictionary, doc_file, filter_postings, manifest, person_docs, term_file, weight, Doc, Lists, Moved, TYPES,
};
use crate::config::Config;
use crate::model::date::Date;
use crate::model::Repository;
use crate::render::reuse::Fingerprint;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

/// A search index that can replace one young person's records without a full rebuild.
pub struct LiveIndex {
    config: Config,
    today: Date,
    /// Average document length at the start, which weighs every later document too.
    avg: f64,
    /// Compressor for document chunks, primed with the dictionary the manifest sends.
    shared: Deflater,
    analyser: Analyser,
    /// Stems of the words seen so far, since stemming is most of counting.
    stems: FxHashMap<String, Arc<str>>,
    /// Documents by number; `None` for a number no longer used.
    slots: Vec<Option<Slot>>,
    /// Numbers of each person's documents.
    by_person: HashMap<String, Vec<u32>>,
    /// Documents numbered before this were built in date order, and `dates` has their dates.
    first_late: usize,
    dates: serde_json::Value,
    /// Every term seen, by number.
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
    /// Postings by term number: (document, weight), ascending.
    postings: Vec<Vec<(u32, u8)>>,
    /// Documents with each filter key, ascending.
    filters: HashMap<String, Vec<u32>>,
    /// Every term and filter key with its encoded postings, in order.
    entries: BTreeMap<String, String>,
    /// The first key of each term chunk.
    firsts: Vec<String>,
    lists: Lists,
    /// The manifest as last written.
    manifest: String,
}

/// One document as the index holds it. Its text is not kept: a document chunk to write again
/// takes its rows from the records (see [`LiveIndex::rows`]); holding them doubled the
/// memory of `waymark serve`.
struct Slot {
    /// Whose record it is, as a number of the people list.
    person: u32,
    href: String,
    date: Option<Date>,
    /// A fingerprint of its row in the document chunk, text aside, and of what its text and
    /// the words searched but not shown are made from: all that tells whether an update changed it.
    digest: u128,
    /// Term numbers.
    terms: Vec<u32>,
    /// Its filter keys.
    keys: Vec<String>,
}

/// The files an update changed.
#[derive(Debug, Default)]
pub struct Changes {
    /// Site path and new content of each file written or rewritten.
    pub written: Vec<(String, String)>,
    /// Site paths of files the index no longer has (none while the layout stays put).
    pub removed: Vec<String>,
}

/// What an update has touched so far.
#[derive(Default)]
struct Touched {
    /// Everything (the first indexing): the sets are left empty.
    all: bool,
    terms: FxHashSet<u32>,
    keys: BTreeSet<String>,
    doc_chunks: BTreeSet<usize>,
}

impl LiveIndex {
    /// Indexes a whole repository; gives the index and its files, which are exactly those
    /// [`super::build`] writes.
    pub fn new(repo: &Repository, today: Date) -> (Self, Vec<(String, String)>) {
        Self::new_with(repo, today, None, &super::arrival::Arrivals::none())
    }

    /// [`LiveIndex::new`], taking what a build kept in the cache folder `cache`, when given: the
    /// term counts of records it counted ([`super::terms::TermCache`]) and the files it made
    /// ([`super::store`]), so that only what a build has not made is counted and compressed.
    /// The cache is read, never written. `arrivals` numbers each day's records as a build does.
    pub fn new_with(
        repo: &Repository,
        today: Date,
        cache: Option<&std::path::Path>,
        arrivals: &super::arrival::Arrivals,
    ) -> (Self, Vec<(String, String)>) {
        // As a build does: a record's text is made only when it is counted or its document
        // chunk is compressed, which neither cache spares.
        let mut docs = super::documents_with(repo, false, arrivals);
        super::sort(&mut docs, today);
        let text: &(dyn Fn(&Doc) -> Cow<str> + Sync) = &|d| super::text_of(repo, d);
        let mut counted = match cache.zip(super::terms::context(&repo.config)) {
            Some((dir, context)) => super::terms::TermCache::open(dir, context),
            None => super::terms::TermCache::default(),
        };
        counted.fill(&docs, text);
        let (names, found) = counted.lookup(&docs);
        let refs: Vec<&Doc> = docs.iter().collect();
        let (lists, places) = Lists::placed(&refs, &repo.config);
        let text_len: Vec<u32> = found.iter().map(|f| f.map_or(0, |f| f.text_len)).collect();
        let shared = Deflater::text(&dictionary(&refs, &text_len, &|i, d| lists.row_at(d, places[i], &text(d))));
        let mut live = LiveIndex {
            config: repo.config.clone(),
            today,
            avg: super::average(found.iter().map(|f| f.map_or(0, |f| f.len))),
            shared,
            analyser: Analyser::default(),
            stems: FxHashMap::default(),
            slots: Vec::with_capacity(docs.len()),
            by_person: HashMap::new(),
            first_late: docs.len(),
            dates: serde_json::Value::Null,
            ids: FxHashMap::default(),
            terms: Vec::new(),
            postings: Vec::new(),
            filters: HashMap::new(),
            entries: BTreeMap::new(),
            firsts: Vec::new(),
            lists,
            manifest: String::new(),
        };
        // The cache's numbers for terms, as this index numbers them. Documents come in order,
        // so each posting goes at the end of its list.
        let mut ours = vec![u32::MAX; names.len()];
        let mut touched = Touched { all: true, ..Touched::default() };
        for (d, f) in docs.iter().zip(found) {
            let number = live.slots.len() as u32;
            let Found { terms: tf, len, .. } = f.unwrap_or(Found { terms: &[], len: 0, text_len: 0 });
            let mut terms = Vec::with_capacity(tf.len());
            for &(t, count) in tf {
                let id = &mut ours[t as usize];
                if *id == u32::MAX {
                    *id = live.intern(names[t as usize].clone());
                }
                live.postings[*id as usize].push((number, weight(count, len, live.avg)));
                terms.push(*id);
            }
            live.slots.push(None);
            match live.by_person.get_mut(&d.person) {
                Some(numbers) => numbers.push(number),
                None => {
                    live.by_person.insert(d.person.clone(), vec![number]);
                }
            }
            live.place(number, d, terms, &mut touched);
        }
        // Counts kept by another program (a new version of Waymark) were counted again: kept
        // now, on a thread of their own, or every start would count them all again. The thread
        // owns them, so they are freed as soon as they are kept (at once when nothing is new).
        let docs_kept = &docs;
        std::thread::scope(|s| {
            s.spawn(move || {
                let mut counted = counted;
                counted.save(docs_kept);
            });
            live.encode(&touched);
            let entries: Vec<(&str, &str)> = live.entries.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let store = cache.and_then(super::store::Store::existing);
            let base = super::store::key_base(&repo.config);
            let stored = |_: &str, input: u128| {
                let bytes = store.as_ref()?.read(&super::store::key(&base, input))?;
                String::from_utf8(bytes).ok().map(super::Made::Text)
            };
            let listed = super::Listed { lists: &live.lists, places: &places };
            let (made, firsts, dates) = super::made_files(&refs, &entries, listed, today, &live.shared, &stored, text);
            let files = super::texts(made);
            live.firsts = firsts;
            live.dates = dates;
            live.manifest = files.last().map(|(_, m)| m.clone()).unwrap_or_default();
            (live, files)
        })
    }

    /// Replaces the records of the person `id` with those `repo` now holds (none if the
    /// person is gone), and gives the files that changed.
    pub fn update(&mut self, repo: &Repository, id: &str) -> Changes {
        let docs = repo.person(id).map(|p| person_docs(p, &self.config)).unwrap_or_default();
        let mut old: HashMap<String, u32> = HashMap::new();
        for n in self.by_person.remove(id).unwrap_or_default() {
            if let Some(slot) = &self.slots[n as usize] {
                old.insert(slot.href.clone(), n);
            }
        }
        let mut touched = Touched::default();
        let mut numbers = Vec::with_capacity(docs.len());
        for d in &docs {
            self.lists.add(d);
            let kept = old.remove(&d.href).and_then(|n| {
                let slot = self.slots[n as usize].as_ref()?;
                if slot.digest == self.digest(d) {
                    return Some(n);
                }
                // Changed: rewritten in place, unless its date moved (numbers before
                // `first_late` must stay in date order), when it takes a new number.
                let same_date = slot.date == d.date || n as usize >= self.first_late;
                self.remove(n, &mut touched);
                let n = if same_date { n } else { self.next() };
                let (tf, len) = self.count(d);
                self.put(n, d, tf, len, &mut touched);
                Some(n)
            });
            let n = kept.unwrap_or_else(|| {
                let n = self.next();
                let (tf, len) = self.count(d);
                self.put(n, d, tf, len, &mut touched);
                n
            });
            numbers.push(n);
        }
        for n in old.into_values() {
            self.remove(n, &mut touched);
        }
        if !numbers.is_empty() {
            self.by_person.insert(id.to_string(), numbers);
        }
        let changed = self.encode(&touched);
        self.files(repo, &changed, &touched)
    }

    /// The rows of the documents numbered in these document chunks, made again from the
    /// records of the people they belong to (each person's records once).
    fn rows(&self, repo: &Repository, chunks: &BTreeSet<usize>) -> HashMap<u32, String> {
        let mut wanted: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for &c in chunks {
            let end = ((c + 1) * super::DOC_CHUNK).min(self.slots.len());
            for n in c * super::DOC_CHUNK..end {
                if let Some(slot) = &self.slots[n] {
                    wanted.entry(slot.person).or_default().push(n as u32);
                }
            }
        }
        wanted
            .into_par_iter()
            .flat_map_iter(|(person, numbers)| {
                let id = self.lists.people.get(person as usize).map(|p| p.0.as_str()).unwrap_or("");
                let docs = repo.person(id).map(|p| person_docs(p, &self.config)).unwrap_or_default();
                let by_href: HashMap<&str, &Doc> = docs.iter().map(|d| (d.href.as_str(), d)).collect();
                numbers
                    .into_iter()
                    .filter_map(|n| {
                        let slot = self.slots[n as usize].as_ref()?;
                        Some((n, self.lists.row(by_href.get(slot.href.as_str())?)))
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The number of a term, numbering it if it is new.
    fn intern(&mut self, term: Arc<str>) -> u32 {
        let next = self.terms.len() as u32;
        let id = *self.ids.entry(term.clone()).or_insert(next);
        if id == next {
            self.terms.push(term);
            self.postings.push(Vec::new());
        }
        id
    }

    /// A document's terms, numbered, with how often each occurs, and its length.
    fn count(&mut self, d: &Doc) -> (Vec<(u32, u32)>, u32) {
        let (tf, len) = super::term_frequencies(&self.analyser, &mut self.stems, d);
        (tf.into_iter().map(|(term, f)| (self.intern(term), f)).collect(), len)
    }

    /// A new document number, at the end.
    fn next(&mut self) -> u32 {
        self.slots.push(None);
        (self.slots.len() - 1) as u32
    }

    /// The fingerprint of a document as a slot keeps it. Its key stands for its text, which
    /// the index's start leaves unmade.
    fn digest(&self, d: &Doc) -> u128 {
        use std::hash::Hash;
        let mut f = Fingerprint::default();
        (self.lists.row_inputs(d), d.key).hash(&mut f);
        f.value()
    }

    /// Puts document `d` (counted: `tf`, `len`) at number `n`, which is empty.
    fn put(&mut self, n: u32, d: &Doc, tf: Vec<(u32, u32)>, len: u32, touched: &mut Touched) {
        let mut terms = Vec::with_capacity(tf.len());
        for (id, f) in tf {
            let w = weight(f, len, self.avg);
            insert_sorted(&mut self.postings[id as usize], (n, w), |p| p.0);
            if !touched.all {
                touched.terms.insert(id);
            }
            terms.push(id);
        }
        self.place(n, d, terms, touched);
    }

    /// Puts document `d`, whose postings are in place, at number `n`, which is empty: its
    /// filter keys, and what its slot keeps.
    fn place(&mut self, n: u32, d: &Doc, terms: Vec<u32>, touched: &mut Touched) {
        let mut keys = vec![format!("#t:{}", TYPES[d.kind]), format!("#p:{}", crate::render::paths::encode(&d.person))];
        keys.extend(d.note_kind.map(|k| format!("#k:{}", k.as_str())));
        keys.extend(d.author.as_ref().map(|a| format!("#a:{}", crate::render::paths::encode(a))));
        for key in &keys {
            match self.filters.get_mut(key) {
                Some(list) => insert_sorted(list, n, |d| *d),
                None => {
                    self.filters.insert(key.clone(), vec![n]);
                }
            }
            if !touched.all {
                touched.keys.insert(key.clone());
            }
        }
        touched.doc_chunks.insert(n as usize / super::DOC_CHUNK);
        let digest = self.digest(d);
        let person = self.lists.person_index.get(d.person.as_str()).copied().unwrap_or(0) as u32;
        self.slots[n as usize] = Some(Slot { person, href: d.href.clone(), date: d.date, digest, terms, keys });
    }

    /// Takes document `n` out of every posting list, leaving its number empty.
    fn remove(&mut self, n: u32, touched: &mut Touched) {
        let Some(slot) = self.slots[n as usize].take() else { return };
        for id in slot.terms {
            let list = &mut self.postings[id as usize];
            if let Ok(at) = list.binary_search_by_key(&n, |p| p.0) {
                list.remove(at);
            }
            touched.terms.insert(id);
        }
        for key in slot.keys {
            if let Some(list) = self.filters.get_mut(&key) {
                if let Ok(at) = list.binary_search(&n) {
                    list.remove(at);
                }
            }
            touched.keys.insert(key);
        }
        touched.doc_chunks.insert(n as usize / super::DOC_CHUNK);
    }

    /// Encodes again the postings of every touched term and filter key, and gives the keys
    /// whose postings changed. A filter held by most documents is stored as those without
    /// it, so those change when documents are added.
    fn encode(&mut self, touched: &Touched) -> BTreeSet<String> {
        let n = self.slots.len() as u32;
        let ids: Vec<u32> = match touched.all {
            true => (0..self.terms.len() as u32).collect(),
            false => touched.terms.iter().copied().collect(),
        };
        let mut coded: Vec<(String, String)> = ids
            .par_iter()
            .map(|&id| (self.terms[id as usize].to_string(), encode::postings(&self.postings[id as usize])))
            .collect();
        coded.extend(
            self.filters
                .iter()
                .filter(|(key, list)| touched.all || touched.keys.contains(*key) || list.len() * 2 > n as usize)
                .map(|(key, list)| (key.clone(), filter_postings(list, n))),
        );
        let mut changed = BTreeSet::new();
        for (key, coded) in coded {
            // An empty list means no document has it: the key goes. (A filter everyone has
            // is `!` and nothing, which is kept.)
            let had = if coded.is_empty() {
                self.entries.remove(&key)
            } else {
                self.entries.insert(key.clone(), coded.clone())
            };
            if had.as_deref() != Some(coded.as_str()).filter(|c| !c.is_empty()) {
                changed.insert(key);
            }
        }
        changed
    }

    /// Packs the term chunks holding the `changed` keys, the document chunks `touched` names,
    /// and the manifest if it changed.
    fn files(&mut self, repo: &Repository, changed: &BTreeSet<String>, touched: &Touched) -> Changes {
        let chunk_of = |key: &str| self.firsts.partition_point(|f| f.as_str() <= key).saturating_sub(1);
        let chunks: BTreeSet<usize> = changed.iter().map(|k| chunk_of(k)).collect();
        let n = self.slots.len() as u32;
        let mut written: Vec<(String, String)> = chunks
            .into_par_iter()
            .map(|i| {
                // Chunk 0 also takes any new key before its first.
                let from = if i == 0 { Bound::Unbounded } else { Bound::Included(self.firsts[i].as_str()) };
                let to = self.firsts.get(i + 1).map_or(Bound::Unbounded, |t| Bound::Excluded(t.as_str()));
                let run: Vec<(&String, &String)> = self.entries.range::<str, _>((from, to)).collect();
                term_file(i, &encode::front_coded(&run))
            })
            .collect();
        let rows = self.rows(repo, &touched.doc_chunks);
        written.par_extend(touched.doc_chunks.par_iter().map(|&c| {
            let end = ((c + 1) * super::DOC_CHUNK).min(self.slots.len());
            let rows: Vec<String> = (c * super::DOC_CHUNK..end)
                .map(|n| rows.get(&(n as u32)).cloned().unwrap_or_else(|| "null".to_string()))
                .collect();
            doc_file(c, &rows, &self.shared)
        }));
        let late: Vec<String> = self.slots[self.first_late..]
            .iter()
            .map(|s| s.as_ref().and_then(|s| s.date).unwrap_or(self.today).to_string())
            .collect();
        let gone: Vec<u32> = (0..n).filter(|&i| self.slots[i as usize].is_none()).collect();
        let moved = (!late.is_empty() || !gone.is_empty()).then_some(Moved {
            first: self.first_late,
            dates: &late,
            gone: &gone,
        });
        let (path, text) =
            manifest(n as usize, &self.lists, &self.firsts, self.dates.clone(), self.today, &self.shared, moved);
        if text != self.manifest {
            self.manifest.clone_from(&text);
            written.push((path, text));
        }
        Changes { written, removed: Vec::new() }
    }
}

/// Inserts `item` into a list kept in ascending order of `key`, replacing one with the same key.
fn insert_sorted<T>(list: &mut Vec<T>, item: T, key: impl Fn(&T) -> u32) {
    // Numbers mostly come in order (all of them at the start): searching every list of
    // 100,000 postings for its end was most of building the index.
    if list.last().is_none_or(|last| key(last) < key(&item)) {
        list.push(item);
        return;
    }
    match list.binary_search_by_key(&key(&item), &key) {
        Ok(at) => list[at] = item,
        Err(at) => list.insert(at, item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::search::{build, MANIFEST};
    use std::collections::BTreeMap as Map;

    /// What the page reads from a packed file: its text, inflated after `prefix`.
    fn unpack(file: &str, prefix: &[u8], skip: usize) -> String {
        let packed = encode::unz85(file.split('"').nth(1).expect("quoted")).expect("Z85");
        let stream = [prefix, &packed].concat();
        let all = miniz_oxide::inflate::decompress_to_vec(&stream).expect("deflate");
        String::from_utf8(all[skip..].to_vec()).expect("UTF-8")
    }

    /// An index as queries see it, with documents named by person and link, not number.
    #[derive(Debug, PartialEq)]
    struct View {
        /// Each document: its row (with person and author by id) and date.
        docs: Map<String, (String, String)>,
        /// Each filter key: the documents it selects.
        filters: Map<String, BTreeSet<String>>,
        /// Each term: its documents and weights.
        terms: Map<String, Map<String, u64>>,
    }

    fn view(files: &Map<String, String>) -> View {
        let text = &files[MANIFEST];
        let m: serde_json::Value =
            serde_json::from_str(text.trim_start_matches("window.waymarkSearch.init(").trim_end_matches(");\n"))
                .expect("manifest");
        let n = m["docs"].as_u64().expect("docs") as usize;
        let prefix = encode::unz85(m["dictionary"]["prefix"].as_str().expect("prefix")).expect("Z85");
        let skip = m["dictionary"]["length"].as_u64().expect("length") as usize;
        let people: Vec<String> = m["people"].as_array().expect("people").iter().map(|p| p[0].to_string()).collect();
        let staff: Vec<String> = m["staff"].as_array().expect("staff").iter().map(|s| s[0].to_string()).collect();
        // Dates: runs for the documents built in order, then the late ones.
        let first = crate::model::date::parse_date(m["dates"]["first"].as_str().unwrap_or("2000-01-01")).expect("date");
        let runs = encode::unvlq(m["dates"]["runs"].as_str().unwrap_or("")).expect("runs");
        let built = m["late"]["first"].as_u64().map_or(n, |f| f as usize);
        let mut dates = vec![first; built];
        let (mut day, mut at) = (first, 0usize);
        for pair in runs.chunks(2) {
            day += chrono::Duration::days(pair[0] as i64);
            at += pair[1] as usize;
            dates[at..].iter_mut().for_each(|d| *d = day);
        }
        let mut dates: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
        for d in m["late"]["dates"].as_array().into_iter().flatten() {
            dates.push(d.as_str().unwrap_or("").to_string());
        }
        let gone: BTreeSet<u64> = m["gone"].as_array().into_iter().flatten().filter_map(|g| g.as_u64()).collect();
        // Documents, named by person and link.
        let mut names = vec![String::new(); n];
        let mut docs = Map::new();
        for i in 0..n.div_ceil(crate::render::search::DOC_CHUNK) {
            let rows: Vec<serde_json::Value> =
                serde_json::from_str(&unpack(&files[&format!("search/d/{i}.js")], &prefix, skip)).expect("rows");
            for (j, row) in rows.iter().enumerate() {
                let number = i * crate::render::search::DOC_CHUNK + j;
                if row.is_null() || gone.contains(&(number as u64)) {
                    continue;
                }
                let person = &people[row[1].as_u64().expect("person") as usize];
                let author = row[3].as_i64().and_then(|a| staff.get(a as usize)).cloned().unwrap_or_default();
                let name = format!("{person} {}", row[5]);
                let shown = format!("{} {} {author} {} {}", row[0], row[2], row[5], row[6]);
                docs.insert(name.clone(), (shown, dates[number].clone()));
                names[number] = name;
            }
        }
        // Terms and filters.
        let mut terms = Map::new();
        let mut filters = Map::new();
        for (path, text) in files.iter().filter(|(p, _)| p.starts_with("search/t/")) {
            let coded = unpack(text, &[], 0);
            let parts: Vec<&str> = coded.split(' ').collect();
            let mut prev = String::new();
            for pair in parts.chunks(2) {
                let shared = encode::unvlq(&pair[0][..1]).expect("shared")[0] as usize;
                let term: String = prev.chars().take(shared).chain(pair[0][1..].chars()).collect();
                let negated = pair[1].starts_with('!');
                let nums = encode::unvlq(pair[1].trim_start_matches('!')).expect("postings");
                let mut next = 0;
                let mut list = Map::new();
                for p in nums {
                    let d = next + (p >> encode::WEIGHT_BITS);
                    next = d + 1;
                    list.insert(d as usize, p & 7);
                }
                if term.starts_with('#') {
                    let set: BTreeSet<String> = (0..n)
                        .filter(|d| list.contains_key(d) != negated && !names[*d].is_empty())
                        .map(|d| names[d].clone())
                        .collect();
                    filters.insert(term.clone(), set);
                } else {
                    let named = list.iter().map(|(d, w)| (names[*d].clone(), *w)).collect();
                    assert!(terms.insert(term.clone(), named).is_none(), "{term} twice, in {path}");
                }
                prev = term;
            }
        }
        View { docs, filters, terms }
    }

    fn repository(notes: &[(String, String, String)]) -> Repository {
        let dir = tempfile_dir(notes.len());
        let config = "organisation: Example Leaving Care Service\nstaff:\n  - id: sam-okafor\n    name: Sam Okafor\n    role: personal-adviser\n";
        let mut files = vec![("waymark.yaml".to_string(), config.to_string())];
        let mut people: Vec<&str> = notes.iter().map(|n| n.0.as_str()).collect();
        people.dedup();
        for person in people {
            let profile = format!(
                "---\nname: Person {person}\ndate_of_birth: 2008-03-14\nlegal_status: relevant\n---\nLikes football.\n"
            );
            files.push((format!("records/{person}/profile.md"), profile));
        }
        for (person, date, body) in notes {
            let note = format!("---\ndate: {date}\nauthor: sam-okafor\nkind: visit\n---\n{body}\n");
            files.push((format!("records/{person}/notes/{date}-visit.md"), note));
        }
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let repo = crate::load::load(&dir).expect("loads");
        let _ = std::fs::remove_dir_all(&dir);
        repo
    }

    /// A fresh folder for one repository of the test.
    fn tempfile_dir(tag: usize) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("waymark-live-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn apply(files: &mut Map<String, String>, changes: Changes) {
        for path in &changes.removed {
            files.remove(path);
        }
        files.extend(changes.written);
    }

    /// Weights may differ by one level: the live index keeps the average length of the start.
    fn assert_query_equivalent(live: &Map<String, String>, fresh: &Map<String, String>) {
        let (a, b) = (view(live), view(fresh));
        assert_eq!(a.docs, b.docs);
        assert_eq!(a.filters, b.filters);
        assert_eq!(a.terms.keys().collect::<Vec<_>>(), b.terms.keys().collect::<Vec<_>>());
        for (term, list) in &a.terms {
            let other = &b.terms[term];
            assert_eq!(list.keys().collect::<Vec<_>>(), other.keys().collect::<Vec<_>>(), "{term}");
            for (doc, w) in list {
                assert!(w.abs_diff(other[doc]) <= 1, "{term} in {doc}: {w} and {}", other[doc]);
            }
        }
    }

    #[test]
    fn updates_find_what_a_fresh_build_finds() {
        let today = crate::model::date::parse_date("2026-11-24").unwrap_or_default();
        let mut notes: Vec<(String, String, String)> = (0..60)
            .map(|i| {
                let person = format!("yp-000{}", 1 + i % 3);
                let date = format!("2026-{:02}-{:02}", 1 + i % 10, 1 + i % 27);
                (person, date, format!("Visit {i}: talked about the college bus pass and a budget for food."))
            })
            .collect();
        notes.sort();
        let before = repository(&notes);
        let (mut live, first) = LiveIndex::new(&before, today);
        let mut files: Map<String, String> = first.into_iter().collect();
        let fresh: Map<String, String> = build(&before, today).files.into_iter().collect();
        assert_eq!(files, fresh, "at the start, exactly the files of a build");

        // New words in the person's latest note: that document's chunk and the term chunk.
        if let Some(last) = notes.iter_mut().filter(|n| n.0 == "yp-0002").max_by(|a, b| a.1.cmp(&b.1)) {
            last.2.push_str(" Zebra.");
        }
        let repo = repository(&notes);
        let changes = live.update(&repo, "yp-0002");
        let paths: Vec<&str> = changes.written.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        apply(&mut files, changes);
        assert_query_equivalent(&files, &build(&repo, today).files.into_iter().collect());

        // Nothing changed: nothing written.
        let again = live.update(&repo, "yp-0002");
        assert!(again.written.is_empty() && again.removed.is_empty(), "{again:?}");

        // An early note added, one removed, one re-dated, others reworded.
        let first = notes.iter().position(|n| n.0 == "yp-0002").unwrap_or(0);
        notes.remove(first);
        notes.push(("yp-0002".into(), "2025-12-31".into(), "A dentist appointment, and a new tenancy.".into()));
        if let Some(n) = notes.iter_mut().find(|n| n.0 == "yp-0002" && n.1.starts_with("2026-05")) {
            n.1 = "2026-11-20".into();
        }
        for n in notes.iter_mut().filter(|n| n.0 == "yp-0002").take(3) {
            n.2.push_str(" Universal Credit was paid late.");
        }
        let repo = repository(&notes);
        apply(&mut files, live.update(&repo, "yp-0002"));
        assert_query_equivalent(&files, &build(&repo, today).files.into_iter().collect());

        // A new person, then one removed altogether.
        notes.push(("yp-0004".into(), "2026-11-01".into(), "First meeting; talked about college.".into()));
        let repo = repository(&notes);
        apply(&mut files, live.update(&repo, "yp-0004"));
        assert_query_equivalent(&files, &build(&repo, today).files.into_iter().collect());
        notes.retain(|n| n.0 != "yp-0003");
        let mut repo = repository(&notes);
        repo.people.retain(|p| p.id != "yp-0003");
        apply(&mut files, live.update(&repo, "yp-0003"));
        let after = view(&files);
        assert!(after.docs.keys().all(|d| !d.contains("yp-0003")), "{:?}", after.docs.keys());
        assert_query_equivalent(&files, &build(&repo, today).files.into_iter().collect());
    }

    #[test]
    fn counts_no_build_kept_are_kept_by_the_live_index() {
        let notes: Vec<(String, String, String)> = (0..12)
            .map(|i| (format!("yp-000{}", i % 3), format!("2026-0{}-10", 1 + i % 9), format!("Visit {i}")))
            .collect();
        let repo = repository(&notes);
        let today = crate::model::date::parse_date("2026-11-24").expect("date");
        let dir = tempfile_dir(1001);
        let arrivals = super::super::arrival::Arrivals::none();
        let (_, first) = LiveIndex::new_with(&repo, today, Some(&dir), &arrivals);
        let context = super::super::terms::context(&repo.config).expect("the test program can be looked at");
        let docs = super::super::documents_with(&repo, false, &arrivals);
        let kept = super::super::terms::TermCache::open(&dir, context);
        let (_, found) = kept.lookup(&docs);
        assert!(found.iter().all(Option::is_some), "every record's counts are kept for the next start");
        let (_, again) = LiveIndex::new_with(&repo, today, Some(&dir), &arrivals);
        assert_eq!(again, first);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn counts_a_build_kept_give_the_same_files() {
        let notes: Vec<(String, String, String)> = (0..40)
            .map(|i| {
                (
                    format!("yp-000{}", i % 3),
                    format!("2026-0{}-{:02}", 1 + i % 9, 1 + i),
                    format!("Visit {i} about rent"),
                )
            })
            .collect();
        let repo = repository(&notes);
        let today = crate::model::date::parse_date("2026-11-24").expect("date");
        let dir = tempfile_dir(1000);
        // A build's counts, with one record's kept under a key that no longer matches (as after
        // an edit), so both the cached and the counted paths are taken.
        let mut docs = super::super::documents_with(&repo, false, &super::super::arrival::Arrivals::none());
        super::super::sort(&mut docs, today);
        docs[5].key ^= 1;
        let context = super::super::terms::context(&repo.config).expect("the test program can be looked at");
        let mut cache = super::super::terms::TermCache::open(&dir, context);
        cache.count(&docs, &|d| super::super::text_of(&repo, d));
        cache.save(&docs);
        assert!(dir.join(super::super::terms::FILE).is_file());
        let (_, plain) = LiveIndex::new(&repo, today);
        let (_, cached) = LiveIndex::new_with(&repo, today, Some(&dir), &super::super::arrival::Arrivals::none());
        assert_eq!(cached, plain);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
