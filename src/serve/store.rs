//! The served site, in memory: site path to bytes (or to the attachment to read on request).
//!
//! The rebuild worker patches it and learns which paths really changed, so only those are
//! announced to the browsers; request threads read it and hold the lock only to clone an `Arc`.

use crate::site::{Content, Site};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

/// One file of the served site.
#[derive(Debug, Clone)]
pub enum Served {
    /// Bytes rendered in memory.
    Bytes(Arc<Vec<u8>>),
    /// An attachment, read from its record folder when asked for.
    File(PathBuf),
}

impl Served {
    /// Whether both hold the same thing (the same bytes, or the same source file).
    fn same(&self, other: &Served) -> bool {
        match (self, other) {
            (Served::Bytes(a), Served::Bytes(b)) => Arc::ptr_eq(a, b) || a == b,
            (Served::File(a), Served::File(b)) => a == b,
            _ => false,
        }
    }
}

/// A site's files as served.
pub type Files = BTreeMap<String, Served>;

/// Turns a rendered site into served files.
pub fn files_of(site: Site) -> Files {
    site.files
        .into_iter()
        .map(|f| {
            let served = match f.content {
                Content::Bytes(b) => Served::Bytes(Arc::new(b)),
                Content::Copy(from) => Served::File(from),
            };
            (f.path, served)
        })
        .collect()
}

/// Turns rendered pages into served files.
pub fn pages(list: Vec<(String, String)>) -> Vec<(String, Served)> {
    list.into_iter().map(|(p, text)| (p, Served::Bytes(Arc::new(text.into_bytes())))).collect()
}

/// The site shared between the rebuild worker and the request threads.
#[derive(Debug, Default)]
pub struct Store {
    inner: RwLock<Inner>,
    /// Numbers search builds and full rebuilds in the order they were started.
    seq: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    files: Files,
    /// The newest search build applied (see [`Store::patch_search`]).
    search_seq: u64,
}

impl Store {
    /// A store holding `files`.
    pub fn new(files: Files) -> Store {
        Store { inner: RwLock::new(Inner { files, search_seq: 0 }), seq: AtomicU64::new(0) }
    }

    /// A number for a new search build or full rebuild, greater than any before it.
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.read(|i| i.files.keys().filter(|p| p.ends_with(".html")).count())
    }

    /// The file at a site path.
    pub fn get(&self, path: &str) -> Option<Served> {
        self.read(|i| i.files.get(path).cloned())
    }

    /// Whether the site has a file at this path.
    pub fn contains(&self, path: &str) -> bool {
        self.read(|i| i.files.contains_key(path))
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.read(|i| i.files.len())
    }

    /// Whether the site has no files.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the whole site (after a full rebuild, which includes search build `seq`);
    /// returns the paths added, changed or removed.
    pub fn replace_all(&self, files: Files, seq: u64) -> Vec<String> {
        self.write(|inner| {
            let mut changed: Vec<String> = files
                .iter()
                .filter(|(p, f)| inner.files.get(*p).is_none_or(|old| !old.same(f)))
                .map(|(p, _)| p.clone())
                .collect();
            changed.extend(inner.files.keys().filter(|p| !files.contains_key(*p)).cloned());
            changed.sort();
            inner.files = files;
            inner.search_seq = inner.search_seq.max(seq);
            changed
        })
    }

    /// Sets `files`; with a `prefix`, also removes every other path under it except those
    /// `keep` accepts. Returns the paths added, changed or removed.
    pub fn patch(
        &self,
        prefix: Option<&str>,
        files: Vec<(String, Served)>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Vec<String> {
        self.write(|inner| patch(inner, prefix, files, keep))
    }

    /// Replaces the search index's files with those of search build `seq`, unless a newer
    /// build (or a full rebuild) got there first. Returns the paths that changed.
    pub fn patch_search(&self, seq: u64, files: Vec<(String, Served)>) -> Vec<String> {
        self.write(|inner| {
            if seq <= inner.search_seq {
                return Vec::new();
            }
            inner.search_seq = seq;
            let page = crate::render::search::PAGE;
            patch(inner, Some("search/"), files, &|p| p == page)
        })
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> T {
        // A panic elsewhere while holding the lock leaves the map whole (every change is one
        // insert or remove), so a poisoned lock is still safe to use.
        match self.inner.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        match self.inner.write() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

fn patch(
    inner: &mut Inner,
    prefix: Option<&str>,
    files: Vec<(String, Served)>,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut changed = Vec::new();
    if let Some(prefix) = prefix {
        let new: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let gone: Vec<String> = inner
            .files
            .range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(prefix))
            .filter(|(p, _)| !new.contains(p.as_str()) && !keep(p))
            .map(|(p, _)| p.clone())
            .collect();
        for p in gone {
            inner.files.remove(&p);
            changed.push(p);
        }
    }
    for (path, served) in files {
        if inner.files.get(&path).is_none_or(|old| !old.same(&served)) {
            inner.files.insert(path.clone(), served);
            changed.push(path);
        }
    }
    changed.sort();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> Served {
        Served::Bytes(Arc::new(s.as_bytes().to_vec()))
    }

    #[test]
    fn patches_report_only_real_changes() {
        let mut files = Files::new();
        files.insert("people/a/index.html".into(), bytes("a"));
        files.insert("people/a/plan.html".into(), bytes("plan"));
        files.insert("people/ab/index.html".into(), bytes("ab"));
        files.insert("search/index.html".into(), bytes("page"));
        files.insert("search/t/0.js".into(), bytes("t0"));
        let store = Store::new(files);
        let changed = store.patch(Some("people/a/"), vec![("people/a/index.html".into(), bytes("a"))], &|_| false);
        assert_eq!(changed, vec!["people/a/plan.html".to_string()], "unchanged bytes are not announced");
        assert!(store.contains("people/ab/index.html"), "a longer id is not under the prefix");
        let changed = store.patch(None, vec![("index.html".into(), bytes("new"))], &|_| false);
        assert_eq!(changed, vec!["index.html".to_string()]);

        assert_eq!(store.patch_search(2, vec![("search/t/1.js".into(), bytes("t1"))]).len(), 2);
        assert!(store.contains("search/index.html"), "the search page is not part of the index");
        assert!(store.patch_search(1, vec![]).is_empty(), "an older search build is dropped");
        let changed = store.replace_all(Files::new(), 5);
        assert_eq!(changed.len(), 5, "{changed:?}");
        assert!(store.patch_search(4, vec![]).is_empty(), "a build older than the full rebuild is dropped");
    }
}
