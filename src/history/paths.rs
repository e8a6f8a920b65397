//! [`Paths`]: every file's changes by its newest path, in one vector of changes.
//!
//! A map of a vector per path cost two allocations and a hashed insert for each of 100,000
//! paths every time the cache was loaded. Here all changes sit in one vector, each path owning a
//! run of it; a hash index finds a path's run and a sorted list of the paths answers "every file
//! under this folder" without looking at the others. A cache's paths arrive already sorted.

use super::{Change, Text};
use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// One path and its run in [`Paths::changes`].
#[derive(Debug, Clone)]
struct Slot {
    key: Text,
    start: u32,
    len: u32,
}

/// Positions and counts are 32-bit, as in the cache, so each path costs 24 bytes here, not 32,
/// and each index entry 4, not 8: on a load of 100,000 paths that is a megabyte less memory to
/// fault in. Four billion changes would not fit in memory (or a cache) in the first place.
fn small(n: usize) -> u32 {
    n as u32
}

/// The changes of every file, by the file's newest path (relative to the records root), newest first.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// Every path's run of changes, one after another.
    changes: Vec<Change>,
    /// Paths and their runs; a path moved away leaves a dead slot until the next compaction.
    slots: Vec<Slot>,
    /// The live slots, by path.
    order: Vec<u32>,
    /// Finds a path's slot.
    index: HashTable<u32>,
    /// Changes in no live run (runs replaced by longer ones, paths moved away).
    dead: usize,
}

fn hash(key: &str) -> u64 {
    FxBuildHasher.hash_one(key)
}

impl Paths {
    /// Paths from runs in strictly increasing order of path, their changes one after another.
    fn from_sorted_runs(keys: Vec<(Text, u32)>, changes: Vec<Change>) -> Paths {
        let mut b = Sorted::with_capacity(keys.len());
        for (key, len) in keys {
            b.push(key, len);
        }
        b.finish(changes)
    }

    fn indexed(changes: Vec<Change>, slots: Vec<Slot>) -> Paths {
        let mut index = HashTable::with_capacity(slots.len());
        for (i, s) in slots.iter().enumerate() {
            // Keys are distinct, so no search is needed; the closure rehashes only if the table grows.
            index.insert_unique(hash(&s.key), small(i), |&j: &u32| hash(&slots[j as usize].key));
        }
        let order = (0..small(slots.len())).collect();
        Paths { changes, slots, order, index, dead: 0 }
    }

    fn slot(&self, path: &str) -> Option<u32> {
        self.index.find(hash(path), |&i| *self.key(i) == *path).copied()
    }

    fn key(&self, slot: u32) -> &Text {
        &self.slots[slot as usize].key
    }

    fn run(&self, slot: u32) -> &[Change] {
        let s = &self.slots[slot as usize];
        self.changes.get(s.start as usize..(s.start + s.len) as usize).unwrap_or(&[])
    }

    /// How many files have history.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no file has history.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The changes to the file now at `path`, newest first.
    pub fn get(&self, path: &str) -> Option<&[Change]> {
        self.slot(path).map(|i| self.run(i))
    }

    /// The stored path equal to `path`, with its changes.
    pub fn get_key_value(&self, path: &str) -> Option<(&Text, &[Change])> {
        self.slot(path).map(|i| (self.key(i), self.run(i)))
    }

    /// Whether the file now at `path` has history.
    pub fn contains_key(&self, path: &str) -> bool {
        self.slot(path).is_some()
    }

    /// Every file and its changes, in order of path.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Text, &[Change])> + ExactSizeIterator + '_ {
        self.order.iter().map(|&i| (self.key(i), self.run(i)))
    }

    /// Every path, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Text> + ExactSizeIterator + '_ {
        self.order.iter().map(|&i| self.key(i))
    }

    /// The files whose path starts with `prefix`, in order of path.
    pub fn under(&self, prefix: &str) -> impl DoubleEndedIterator<Item = (&Text, &[Change])> + ExactSizeIterator + '_ {
        let from = self.order.partition_point(|&i| **self.key(i) < *prefix);
        // Past `from`, the paths with the prefix come first.
        let len = self.order[from..].partition_point(|&i| self.key(i).starts_with(prefix));
        self.order[from..from + len].iter().map(|&i| (self.key(i), self.run(i)))
    }

    /// Replaces the runs of `updates` (adding paths not yet known), after dropping the paths in `removed`.
    pub(super) fn update(&mut self, updates: Vec<(Text, Vec<Change>)>, removed: &[Text]) {
        for key in removed {
            let Some(i) = self.slot(key) else { continue };
            if let Ok(entry) = self.index.find_entry(hash(key), |&j| j == i) {
                entry.remove();
            }
            if let Ok(at) = self.order.binary_search_by(|&j| self.key(j).as_str().cmp(key)) {
                self.order.remove(at);
            }
            self.dead += std::mem::take(&mut self.slots[i as usize].len) as usize;
        }
        let mut added = Vec::new();
        for (key, run) in updates {
            let (start, len) = (small(self.changes.len()), small(run.len()));
            self.changes.extend(run);
            match self.slot(&key) {
                Some(i) => {
                    let slot = &mut self.slots[i as usize];
                    self.dead += slot.len as usize;
                    (slot.start, slot.len) = (start, len);
                }
                None => {
                    let i = small(self.slots.len());
                    let h = hash(&key);
                    self.slots.push(Slot { key, start, len });
                    let slots = &self.slots;
                    self.index.insert_unique(h, i, |&j: &u32| hash(&slots[j as usize].key));
                    added.push(i);
                }
            }
        }
        let key = |i: u32| &self.slots[i as usize].key;
        if added.len() <= 16 {
            // A few new files (the usual run after a commit or two): moving the list up costs less
            // than building a new one, which would be fresh memory for the kernel to hand out.
            for i in added {
                let at = self.order.partition_point(|&j| key(j) < key(i));
                self.order.insert(at, i);
            }
        } else {
            added.sort_by(|&a, &b| key(a).cmp(key(b)));
            let old = std::mem::take(&mut self.order);
            let mut merged = Vec::with_capacity(old.len() + added.len());
            let (mut a, mut b) = (old.into_iter().peekable(), added.into_iter().peekable());
            while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
                if key(x) <= key(y) {
                    merged.push(x);
                    a.next();
                } else {
                    merged.push(y);
                    b.next();
                }
            }
            merged.extend(a);
            merged.extend(b);
            self.order = merged;
        }
        // A long-running process extends the same history again and again: keep the waste bounded.
        if self.dead > 1024 && self.dead > self.changes.len() / 2 {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut changes = Vec::with_capacity(self.changes.len() - self.dead);
        let mut keys = Vec::with_capacity(self.order.len());
        for &i in &self.order {
            changes.extend_from_slice(self.run(i));
            keys.push((self.key(i).clone(), self.slots[i as usize].len));
        }
        *self = Paths::from_sorted_runs(keys, changes);
    }
}

/// Builds [`Paths`] from runs given in order of path, as a cache holds them.
pub(super) struct Sorted {
    slots: Vec<Slot>,
    total: usize,
}

impl Sorted {
    /// Room for `n` paths.
    pub(super) fn with_capacity(n: usize) -> Sorted {
        Sorted { slots: Vec::with_capacity(n), total: 0 }
    }

    /// Adds the path `key`, whose `len` changes follow the previous path's; false (and nothing added)
    /// unless `key` sorts after the previous path.
    pub(super) fn push(&mut self, key: Text, len: u32) -> bool {
        if self.slots.last().is_some_and(|last| last.key >= key) {
            return false;
        }
        self.slots.push(Slot { key, start: small(self.total), len });
        self.total = self.total.saturating_add(len as usize);
        true
    }

    /// How many changes the runs add up to.
    pub(super) fn total(&self) -> usize {
        self.total
    }

    /// Each path and its number of changes, in order.
    pub(super) fn runs(&self) -> impl Iterator<Item = (&Text, u32)> + '_ {
        self.slots.iter().map(|s| (&s.key, s.len))
    }

    /// The paths, given their changes (as many as [`Sorted::total`], else the runs are cut short).
    pub(super) fn finish(self, changes: Vec<Change>) -> Paths {
        Paths::indexed(changes, self.slots)
    }
}

impl PartialEq for Paths {
    fn eq(&self, other: &Paths) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::ChangeKind;

    fn change(commit: usize, path: &str) -> Change {
        Change { commit, kind: ChangeKind::Modified, path: path.into(), from: None, old_blob: None, new_blob: None }
    }

    fn commits(p: &Paths, path: &str) -> Vec<usize> {
        p.get(path).unwrap_or(&[]).iter().map(|c| c.commit).collect()
    }

    #[test]
    fn updates_add_replace_and_remove_in_order() {
        let mut p = Paths::default();
        p.update(vec![("b/2".into(), vec![change(1, "b/2")]), ("a/1".into(), vec![change(0, "a/1")])], &[]);
        p.update(
            vec![("b/2".into(), vec![change(3, "b/2"), change(1, "b/2")]), ("b/0".into(), vec![change(2, "b/0")])],
            &[],
        );
        assert_eq!(p.keys().map(|k| k.as_str()).collect::<Vec<_>>(), ["a/1", "b/0", "b/2"]);
        assert_eq!(commits(&p, "b/2"), [3, 1]);
        assert_eq!(p.under("b/").count(), 2);
        assert_eq!(p.under("c").count(), 0);
        p.update(vec![], &["b/0".into(), "zzz".into()]);
        assert!(!p.contains_key("b/0"));
        assert_eq!(p.len(), 2);
        assert_eq!(p.under("b/").map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["b/2"]);
    }

    #[test]
    fn waste_from_repeated_updates_is_compacted() {
        let mut p = Paths::default();
        let mut run = Vec::new();
        for i in 0..3000 {
            run.insert(0, change(i, "profile.md"));
            p.update(vec![("profile.md".into(), run.clone()), (format!("n/{i}").into(), vec![change(i, "x")])], &[]);
        }
        assert!(p.changes.len() < 4 * (3000 + 3000), "{}", p.changes.len());
        assert_eq!(commits(&p, "profile.md").len(), 3000);
        assert_eq!(commits(&p, "n/17"), [17]);
        assert_eq!(p.len(), 3001);
    }
}
