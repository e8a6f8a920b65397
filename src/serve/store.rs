//! The served site, in memory: site path to bytes (or to the attachment to read on request).
//!
//! The rebuild worker patches it and learns which paths really changed, so only those are
//! announced to the browsers; request threads read it and hold the lock only to clone an `Arc`.

use crate::site::{Content, Site};
use std::collections::BTreeMap;
use std::path::PathBuf;
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

/// Makes the files a site path needs when the store does not hold them yet: a young
/// person's pages are made when first asked for, not when the server starts.
pub trait Maker: Send + Sync {
    /// Puts the files `path` belongs to into the store, if they are made on request.
    fn make(&self, path: &str);
}

impl std::fmt::Debug for dyn Maker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Maker")
    }
}

/// Turns a rendered site into served files.
pub fn files_of(site: Site) -> Files {
    site.files
        .into_iter()
        .map(|f| {
            let served = match f.content {
                Content::Bytes(b) => Served::Bytes(Arc::new(b)),
                Content::Copy(from) | Content::Link(from, _) => Served::File(from),
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
    inner: RwLock<Files>,
}

impl Store {
    /// A store holding `files`.
    pub fn new(files: Files) -> Store {
        Store { inner: RwLock::new(files) }
    }

    /// How many HTML pages the site has.
    pub fn pages(&self) -> usize {
        self.read(|i| i.keys().filter(|p| p.ends_with(".html")).count())
    }

    /// The file at a site path.
    pub fn get(&self, path: &str) -> Option<Served> {
        self.read(|i| i.get(path).cloned())
    }

    /// Whether the site has a file at this path.
    pub fn contains(&self, path: &str) -> bool {
        self.read(|i| i.contains_key(path))
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.read(|i| i.len())
    }

    /// Whether the site has no files.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces the whole site (after a full rebuild); returns the paths added, changed or removed.
    pub fn replace_all(&self, files: Files) -> Vec<String> {
        self.write(|inner| {
            let mut changed: Vec<String> = files
                .iter()
                .filter(|(p, f)| inner.get(*p).is_none_or(|old| !old.same(f)))
                .map(|(p, _)| p.clone())
                .collect();
            changed.extend(inner.keys().filter(|p| !files.contains_key(*p)).cloned());
            changed.sort();
            *inner = files;
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

    /// Removes these paths; returns those it held.
    pub fn remove(&self, paths: &[String]) -> Vec<String> {
        self.write(|inner| paths.iter().filter(|p| inner.remove(p.as_str()).is_some()).cloned().collect())
    }

    fn read<T>(&self, f: impl FnOnce(&Files) -> T) -> T {
        // A panic elsewhere while holding the lock leaves the map whole (every change is one
        // insert or remove), so a poisoned lock is still safe to use.
        match self.inner.read() {
            Ok(guard) => f(&guard),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn write<T>(&self, f: impl FnOnce(&mut Files) -> T) -> T {
        match self.inner.write() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

fn patch(
    inner: &mut Files,
    prefix: Option<&str>,
    files: Vec<(String, Served)>,
    keep: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut changed = Vec::new();
    if let Some(prefix) = prefix {
        let new: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let gone: Vec<String> = inner
            .range::<str, _>((std::ops::Bound::Included(prefix), std::ops::Bound::Unbounded))
            .take_while(|(p, _)| p.starts_with(prefix))
            .filter(|(p, _)| !new.contains(p.as_str()) && !keep(p))
            .map(|(p, _)| p.clone())
            .collect();
        for p in gone {
            inner.remove(&p);
            changed.push(p);
        }
    }
    for (path, served) in files {
        if inner.get(&path).is_none_or(|old| !old.same(&served)) {
            inner.insert(path.clone(), served);
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

        assert_eq!(
            store.remove(&["search/t/0.js".to_string(), "nowhere".to_string()]),
            vec!["search/t/0.js".to_string()]
        );
        let changed = store.replace_all(Files::new());
        assert_eq!(changed.len(), 4, "{changed:?}");
    }
}
