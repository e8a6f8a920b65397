//! The search index's files as made, kept in `.waymark/cache/search-files/` under the key of
//! what each was made from, so that no build (`--full` included) compresses the same file twice.
//!
//! A file's key ([`key`]) covers everything its bytes are made from and the program that made
//! them, so a file stored under it stands for any build that would make it, and for the index
//! `waymark serve` starts with, which reads the store but never writes it. Its name also carries a CRC-32 of its bytes, checked before it is used:
//! a damaged file is made again. A build hard-links the files it uses into the new site (they
//! are never changed in place, only added and removed), and removes those it did not use.

use crate::config::Config;
use crate::render::reuse::Fingerprint;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The store's folder inside the cache folder (`.waymark/cache/`).
pub const DIR: &str = "search-files";

/// Which way of keying files a store holds; a new one leaves files stored the old way unused.
const FORMAT: u32 = 1;

/// What every file's key holds besides the file's own inputs: the program and the settings.
///
/// A file's inputs hold everything in it that the date, the theme or the history could change
/// (its documents' rows, its terms' postings), so these are left out: the date moving on then
/// makes again only the files whose contents move.
pub fn key_base(config: &Config) -> Fingerprint {
    let mut f = Fingerprint::default();
    FORMAT.hash(&mut f);
    env!("CARGO_PKG_VERSION").hash(&mut f);
    crate::program::identity().hash(&mut f);
    format!("{config:?}").hash(&mut f);
    f
}

/// The key a file made from `input` is stored under, given [`key_base`] of the settings.
pub fn key(base: &Fingerprint, input: u128) -> String {
    let mut f = base.clone();
    input.hash(&mut f);
    f.hex()
}

/// The stored files of one build.
pub struct Store {
    dir: PathBuf,
    /// Each stored key's file name, as the folder was when the build began.
    names: HashMap<String, String>,
    /// Names of the files this build used or added.
    used: Mutex<HashSet<String>>,
}

impl Store {
    /// The store in the cache folder `cache`, or `None` when it cannot be made, or when this
    /// program cannot tell which it is (a file another program stored would then be trusted).
    pub fn open(cache: &Path) -> Option<Store> {
        crate::program::identity()?;
        std::fs::create_dir_all(cache.join(DIR)).ok()?;
        Store::existing(cache)
    }

    /// The store in the cache folder `cache` if there is one, made by nothing: for a reader that
    /// writes nothing to disk (`waymark serve`).
    pub fn existing(cache: &Path) -> Option<Store> {
        crate::program::identity()?;
        let dir = cache.join(DIR);
        let names = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let (key, _) = parts(&name)?;
                Some((key.to_string(), name))
            })
            .collect();
        Some(Store { dir, names, used: Mutex::new(HashSet::new()) })
    }

    /// The stored file made from `key` (hex digits), if it is there and whole.
    pub fn get(&self, key: &str) -> Option<PathBuf> {
        self.read(key)?;
        Some(self.dir.join(self.names.get(key)?))
    }

    /// The bytes of the file made from `key` (hex digits), if it is there and whole.
    pub fn read(&self, key: &str) -> Option<Vec<u8>> {
        let name = self.names.get(key)?;
        // A damaged file's bytes no longer give its name; it is made again (and written over).
        let bytes = std::fs::read(self.dir.join(name)).ok()?;
        if *name != file_name(key, &bytes) {
            return None;
        }
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(name.clone());
        Some(bytes)
    }

    /// Keeps the file stored under `key`, if any, without reading it: the last build's site
    /// holds it and is used instead. A damaged one is found when a build next reads it.
    pub fn keep(&self, key: &str) {
        if let Some(name) = self.names.get(key) {
            self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(name.clone());
        }
    }

    /// Stores `bytes` as the file made from `key`, and says where; `None` when it could not
    /// be written, which only makes a later build slower.
    pub fn put(&self, key: &str, bytes: &[u8]) -> Option<PathBuf> {
        let name = file_name(key, bytes);
        let path = self.dir.join(&name);
        crate::cachefile::write_whole(&path, bytes).ok()?;
        self.used.lock().unwrap_or_else(|e| e.into_inner()).insert(name);
        Some(path)
    }

    /// Removes every stored file this build did not use or add.
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !used.contains(&name) && is_ours(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A stored file's name: its key, then the CRC-32 of its bytes.
fn file_name(key: &str, bytes: &[u8]) -> String {
    format!("{key}-{:08x}.js", crc32fast::hash(bytes))
}

/// The key and CRC of a name [`file_name`] gives; `None` for any other name.
fn parts(name: &str) -> Option<(&str, &str)> {
    let (key, crc) = name.strip_suffix(".js")?.split_once('-')?;
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(key) && crc.len() == 8 && hex(crc)).then_some((key, crc))
}

/// Whether a name is one [`file_name`] gives.
fn is_ours(name: &str) -> bool {
    parts(name).is_some()
}
