//! When each record came into the history, which numbers the documents of one day.
//!
//! Documents are numbered in date order (the search page finds a range of dates as a range
//! of numbers), and a document's number is in every posting of its words. Within a day they
//! are numbered in the order their records were first committed, so a note written today
//! comes after every other record of today and renumbers none of them: most of the index's
//! files stay as they were. Numbered by person instead, a new note for the first young person
//! moved every other note of the day, and with it most files of the index.

use super::super::reuse::Fingerprint;
use crate::history::History;
use crate::model::Repository;
use rustc_hash::FxHashMap;

/// Where in the history (oldest first) each record file was added, by path.
#[derive(Debug, Default)]
pub struct Arrivals {
    /// By folder ([`folder`]: a young person's, say), its files' places, sorted by path:
    /// made a folder at a time in parallel, where one map of every path took one thread.
    by_folder: FxHashMap<String, Vec<(String, i64)>>,
    key: u128,
}

/// The folder a record's path is filed under: its first two segments (`records/yp-0001`).
fn folder(path: &str) -> &str {
    let end = path.match_indices('/').nth(1).map_or(path.len(), |(i, _)| i);
    &path[..end]
}

impl Arrivals {
    /// None known: every record counts as not yet committed, so a day's records are numbered
    /// by person and link (as for a folder that is not a git repository).
    pub fn none() -> Arrivals {
        Arrivals::default()
    }

    /// The arrival of every record file of `repo`, as `history` tells it.
    pub fn of(repo: &Repository, history: &History) -> Arrivals {
        use rayon::prelude::*;
        use std::hash::{Hash, Hasher};
        // The commit's place, not its time: commits made in the same second keep their order.
        let place = |path: &str| history.added_by(path).map(|(_, change)| change.commit as i64);
        let looked = |paths: Vec<&str>| {
            let mut f = Fingerprint::default();
            let mut found: Vec<(String, i64)> = Vec::with_capacity(paths.len());
            for path in paths {
                let at = place(path);
                (path, at).hash(&mut f);
                if let Some(at) = at {
                    found.push((path.to_string(), at));
                }
            }
            // By path, so each folder's records are together (a folder is a prefix of its paths).
            found.sort_unstable();
            (f.value(), found)
        };
        let mut lists: Vec<(u128, Vec<(String, i64)>)> =
            repo.people.par_iter().map(|p| looked(super::super::history::person_record_paths(p))).collect();
        // Supervision records are numbered only where they are searched.
        if crate::audience::supervision_searched(&repo.config) {
            lists.push(looked(repo.supervision.iter().map(|s| s.source.path.as_str()).collect()));
        }
        let mut by_folder: FxHashMap<String, Vec<(String, i64)>> = FxHashMap::default();
        let mut f = Fingerprint::default();
        for (print, mut found) in lists {
            f.write_u128(print);
            // A folder's list is moved in whole, not looked up again for each of its paths
            // on this one thread.
            while !found.is_empty() {
                let name = folder(&found[0].0).to_string();
                let n = found.iter().take_while(|(path, _)| folder(path) == name).count();
                let rest = found.split_off(n);
                match by_folder.get_mut(&name) {
                    Some(list) => {
                        list.extend(found);
                        list.sort_unstable();
                    }
                    None => {
                        by_folder.insert(name, found);
                    }
                }
                found = rest;
            }
        }
        Arrivals { by_folder, key: f.value() }
    }

    /// Where the commit that added the file at `path` is in the history, counting from the
    /// oldest; `None` for a file no commit has added (new, or older than a shallow clone's
    /// history).
    pub fn get(&self, path: &str) -> Option<i64> {
        let list = self.by_folder.get(folder(path))?;
        list.binary_search_by(|(p, _)| p.as_str().cmp(path)).ok().map(|i| list[i].1)
    }

    /// A fingerprint of every arrival: the same key, the same numbering (given the same records).
    pub fn key(&self) -> u128 {
        self.key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_history_knows_no_arrival() {
        let a = Arrivals::none();
        assert_eq!(a.get("records/yp-0001/profile.md"), None);
        assert_eq!(a.key(), Arrivals::none().key());
    }

    #[test]
    fn a_path_is_filed_under_its_first_two_folders() {
        assert_eq!(folder("records/yp-0001/notes/2026-01-02-visit.md"), "records/yp-0001");
        assert_eq!(folder("records/yp-0001"), "records/yp-0001");
        assert_eq!(folder("waymark.yaml"), "waymark.yaml");
    }
}
