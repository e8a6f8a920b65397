//! Incremental builds: which files of the last build can be kept, decided here and nowhere else.
//!
//! A build groups the files it makes into units and writes, into the site, a manifest
//! ([`MANIFEST`]) naming each unit's files and a fingerprint of everything they were made from.
//! The next build works out the same fingerprints; a unit whose fingerprint has not changed is
//! taken from the old site (its files hard-linked into the new folder, which is still swapped in
//! whole) instead of being rendered again.
//!
//! What a unit is made from:
//! - every unit: Waymark's version and executable, the theme, `waymark.yaml` as read, today's
//!   date, and whether there is a git history (and whether it is partial);
//! - a young person's pages (person, plan, passport, history pages and attachments): their record
//!   files, attachments (size and time), their diagnostics (which also say when a link of theirs
//!   points at a record that is gone), and the git history of their records: every commit that
//!   changed them, what each change was, and where each changed file is now (see
//!   [`SiteHistory::fingerprint_person`]);
//! - the search index: every young person's record files.
//!
//! The pages about everyone (dashboard, caseloads, reports, recent changes, search page, static
//! files) are small and depend on everyone, so they are always made afresh.

use super::history::SiteHistory;
use crate::diag::Diagnostic;
use crate::model::date::Date;
use crate::model::{Person, Repository};
use crate::site::FileId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest's name inside the site folder.
pub const MANIFEST: &str = ".waymark-build.json";
/// Version of the manifest and of what goes into a fingerprint: a change to either starts afresh.
const VERSION: u32 = 2;
/// The unit of the search index files.
pub const SEARCH: &str = "search";

/// A 128-bit fingerprint of what a unit is made from. Not cryptographic: it tells a changed
/// input from an unchanged one, it does not resist someone forging records to collide.
#[derive(Clone)]
pub struct Fingerprint(u128);

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
    }
}

impl Fingerprint {
    /// FNV-1a's 128-bit prime, applied to eight bytes at a time by [`Fingerprint::times_prime`].
    #[cfg(test)]
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    /// `x` times [`Fingerprint::PRIME`] (2^88 + 0x13b), as a shift and a multiplication by a
    /// small number: a full 128-bit multiplication for every few bytes hashed was most of the
    /// time spent fingerprinting a young person's timeline.
    fn times_prime(x: u128) -> u128 {
        (x << 88).wrapping_add(x.wrapping_mul(0x13b))
    }

    /// The fingerprint so far, as 32 hex digits.
    pub fn hex(&self) -> String {
        format!("{:032x}", self.0)
    }

    /// The fingerprint so far.
    pub fn value(&self) -> u128 {
        self.0
    }

    /// Adds a record's whole text, by the hash it was given when read
    /// ([`crate::model::Source::text_hash`]): hashing the text itself, twice a build for every
    /// record, was 2-4% of a one-note build's CPU.
    pub fn text_of(&mut self, source: &crate::model::Source) {
        self.write_u128(source.text_hash());
    }
}

impl Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = Self::times_prime(self.0 ^ u128::from(u64::from_le_bytes(w)));
        }
        for &b in chunks.remainder() {
            self.0 = Self::times_prime(self.0 ^ u128::from(b));
        }
        // The length ends each piece, so "ab"+"c" and "a"+"bc" differ.
        self.0 = Self::times_prime(self.0 ^ (bytes.len() as u128) << 64);
    }

    fn finish(&self) -> u64 {
        self.0 as u64
    }
}

/// One unit of the last build: its fingerprint and its files.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Unit {
    key: String,
    files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
struct Manifest {
    version: u32,
    units: BTreeMap<String, Unit>,
    /// For each file of the search index, the fingerprint of what it was made from: when the
    /// index as a whole changed, each file made from the same inputs is still kept.
    #[serde(default)]
    inputs: BTreeMap<String, String>,
}

/// What this build can keep from the last one, and what it records for the next.
pub struct Reuse {
    /// The old site, when its files may be kept.
    old_site: Option<PathBuf>,
    old: Manifest,
    new: Mutex<Manifest>,
    /// The fingerprint of what every unit depends on.
    common: Fingerprint,
    /// The fingerprint of what every search index file depends on besides its own inputs.
    files_common: Fingerprint,
    /// Where the build keeps its caches between runs (see [`Reuse::cache`]).
    cache: Option<PathBuf>,
    kept: std::sync::atomic::AtomicUsize,
    writes_manifest: bool,
    /// Whether the search index is left out, for a caller that makes it itself.
    pub(crate) no_search: bool,
    /// Whether the young people's own pages are left out, for a caller that makes them itself.
    pub(crate) no_people: bool,
}

impl Reuse {
    /// Starts a build whose output folder is `output`; `full` keeps nothing from the old site.
    pub fn new(
        output: Option<&Path>,
        full: bool,
        repo: &Repository,
        today: Date,
        theme: &super::templates::Theme,
        history: &SiteHistory,
    ) -> Reuse {
        let files_common = super::search::store::key_base(&repo.config);
        let mut common = files_common.clone();
        theme.fingerprint().hash(&mut common);
        today.to_string().hash(&mut common);
        history.fingerprint_common(&mut common);
        let old = match output {
            Some(dir) if !full => read_manifest(dir),
            _ => Manifest::default(),
        };
        Reuse {
            old_site: output.filter(|_| !full).map(Path::to_path_buf),
            old,
            new: Mutex::new(Manifest { version: VERSION, ..Manifest::default() }),
            common,
            files_common,
            cache: None,
            kept: Default::default(),
            writes_manifest: true,
            no_search: false,
            no_people: false,
        }
    }

    /// A build that keeps nothing and records nothing useful (a site made in memory).
    pub fn nothing() -> Reuse {
        Reuse {
            old_site: None,
            old: Manifest::default(),
            new: Mutex::new(Manifest::default()),
            common: Fingerprint::default(),
            files_common: Fingerprint::default(),
            cache: None,
            kept: Default::default(),
            writes_manifest: false,
            no_search: false,
            no_people: false,
        }
    }

    /// A build that keeps nothing, records nothing and makes only the pages about everyone:
    /// for `waymark serve`, which makes a young person's pages when they are first asked for,
    /// and whose live index makes the search files itself.
    pub fn summary_only() -> Reuse {
        Reuse { no_search: true, no_people: true, ..Reuse::nothing() }
    }

    /// The same build, keeping its caches in `dir` (a repository's `.waymark/cache`, see
    /// [`crate::history::cache_dir`]; `None` for none).
    pub fn with_cache(mut self, dir: Option<&Path>) -> Reuse {
        self.cache = dir.map(Path::to_path_buf);
        self
    }

    /// Where rendered bodies, term counts and index files are kept between builds: only for a
    /// build that keeps pages too (the plain site for everyone), in a repository's cache folder.
    pub fn cache(&self) -> Option<&Path> {
        self.cache.as_deref().filter(|_| self.active())
    }

    /// Whether this build may keep what the last build made (not `--full`, nor a site made in
    /// memory): caches of what is worked out are then trusted as well as the old site's files.
    pub fn incremental(&self) -> bool {
        self.old_site.is_some()
    }

    /// Whether this build keeps and records anything (not for a site made in memory).
    pub fn active(&self) -> bool {
        self.writes_manifest
    }

    /// The unit of a young person's pages.
    pub fn person_unit(person: &Person) -> String {
        format!("person/{}", person.id)
    }

    /// What a young person's record files are (shared by their pages and the search index).
    pub fn records_of(person: &Person, root: &Path) -> u128 {
        let mut f = Fingerprint::default();
        person.id.hash(&mut f);
        (person.has_profile_file, person.has_plan_file, person.has_passport_file).hash(&mut f);
        for s in person.sources() {
            s.path.hash(&mut f);
            f.text_of(s);
        }
        for a in &person.attachments {
            a.hash(&mut f);
            let meta = std::fs::metadata(a.split('/').fold(root.to_path_buf(), |p, s| p.join(s))).ok();
            meta.as_ref().map(|m| m.len()).hash(&mut f);
            meta.and_then(|m| m.modified().ok()).hash(&mut f);
        }
        f.value()
    }

    /// The fingerprint of a young person's pages.
    pub fn person_key(&self, person: &Person, records: u128, diags: &[&Diagnostic], history: &SiteHistory) -> String {
        let mut f = self.common.clone();
        records.hash(&mut f);
        diags.hash(&mut f);
        history.fingerprint_person(person, &mut f);
        f.hex()
    }

    /// The fingerprint of the search index, from every young person's records.
    pub fn search_key(&self, records: &[u128]) -> String {
        let mut f = self.common.clone();
        records.hash(&mut f);
        f.hex()
    }

    /// The files of `unit` in the old site, as (site path, file in the old site, which file it
    /// is), when the last build made them from the same inputs and every one of them is still
    /// there; they are recorded as this build's.
    pub fn keep(&self, unit: String, key: String) -> Option<Vec<(String, PathBuf, FileId)>> {
        let dir = self.old_site.as_ref()?;
        let old = self.old.units.get(&unit).filter(|u| u.key == key)?;
        let mut out = Vec::with_capacity(old.files.len());
        for path in &old.files {
            // Paths come from a file in the output folder: only safe ones are followed.
            if !super::paths::safe_relative(path) {
                return None;
            }
            let file = path.split('/').fold(dir.clone(), |p, s| p.join(s));
            let id = FileId::of_file(&file)?;
            out.push((path.clone(), file, id));
        }
        if unit != SEARCH {
            self.kept.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.record(unit, key, old.files.clone());
        Some(out)
    }

    /// The last build's copy of the search index file `path`, made from `input`, and which file
    /// it is, when it is still there to keep; it is then recorded as this build's.
    pub fn keep_file(&self, path: &str, input: u128) -> Option<(PathBuf, FileId)> {
        let key = self.file_key(input);
        if self.old.inputs.get(path).is_none_or(|k| *k != key) {
            return None;
        }
        let file = self.old_file(path)?;
        let id = FileId::of_file(&file)?;
        self.record_file(path, input);
        Some((file, id))
    }

    /// Records that this build made the search index file `path` from `input`.
    pub fn record_file(&self, path: &str, input: u128) {
        if !self.active() {
            return;
        }
        let key = self.file_key(input);
        self.new.lock().unwrap_or_else(|e| e.into_inner()).inputs.insert(path.to_string(), key);
    }

    /// Records every search index file's inputs as the last build did, when the whole index is kept.
    pub fn keep_inputs(&self) {
        if self.active() {
            self.new.lock().unwrap_or_else(|e| e.into_inner()).inputs.clone_from(&self.old.inputs);
        }
    }

    /// Where `path` is in the old site, when there is one and the path is safe to follow.
    fn old_file(&self, path: &str) -> Option<PathBuf> {
        let dir = self.old_site.as_ref()?;
        super::paths::safe_relative(path).then(|| path.split('/').fold(dir.clone(), |p, s| p.join(s)))
    }

    /// The key a search index file made from `input` is kept under: its inputs, the settings and the program.
    pub fn file_key(&self, input: u128) -> String {
        super::search::store::key(&self.files_common, input)
    }

    /// Records the files this build made (or kept) for `unit`.
    pub fn record(&self, unit: String, key: String, files: Vec<String>) {
        if !self.active() {
            return;
        }
        let mut m = self.new.lock().unwrap_or_else(|e| e.into_inner());
        m.units.insert(unit, Unit { key, files });
    }

    /// How many young people's pages were kept from the old site.
    pub fn kept_units(&self) -> usize {
        self.kept.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The manifest for the next build; none for a site made in memory.
    pub fn manifest(&self) -> Option<Vec<u8>> {
        if !self.writes_manifest {
            return None;
        }
        let m = self.new.lock().unwrap_or_else(|e| e.into_inner());
        serde_json::to_vec(&*m).ok()
    }
}

/// The last build's manifest; an unreadable one keeps nothing.
fn read_manifest(dir: &Path) -> Manifest {
    std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| m.version == VERSION)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prime_is_multiplied_by_exactly() {
        let mut x = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834_u128;
        for _ in 0..10_000 {
            assert_eq!(Fingerprint::times_prime(x), x.wrapping_mul(Fingerprint::PRIME));
            x = x.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ (x >> 67);
        }
        assert_eq!(Fingerprint::times_prime(u128::MAX), u128::MAX.wrapping_mul(Fingerprint::PRIME));
    }

    fn print(parts: &[&str]) -> u128 {
        let mut f = Fingerprint::default();
        for p in parts {
            p.hash(&mut f);
        }
        f.value()
    }

    #[test]
    fn pieces_and_order_matter() {
        assert_ne!(print(&["ab", "c"]), print(&["a", "bc"]));
        assert_ne!(print(&["a", "b"]), print(&["b", "a"]));
        assert_eq!(print(&["same text"]), print(&["same text"]));
        assert_ne!(print(&["a note of nine words"]), print(&["a note of nine wordt"]));
    }
}
