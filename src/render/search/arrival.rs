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
    places: FxHashMap<String, i64>,
    key: u128,
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
        use std::hash::Hash;
        // The commit's place, not its time: commits made in the same second keep their order.
        let place = |path: &str| history.added_by(path).map(|(_, change)| change.commit as i64);
        let mut looked: Vec<Vec<(&str, Option<i64>)>> = repo
            .people
            .par_iter()
            .map(|p| {
                super::super::history::person_record_paths(p).into_iter().map(|path| (path, place(path))).collect()
            })
            .collect();
        // Supervision records are numbered only where they are searched.
        if crate::audience::supervision_searched(&repo.config) {
            looked.push(repo.supervision.iter().map(|s| (s.source.path.as_str(), place(&s.source.path))).collect());
        }
        let mut places = FxHashMap::default();
        let mut f = Fingerprint::default();
        for (path, place) in looked.into_iter().flatten() {
            (path, place).hash(&mut f);
            if let Some(p) = place {
                places.insert(path.to_string(), p);
            }
        }
        Arrivals { places, key: f.value() }
    }

    /// Where the commit that added the file at `path` is in the history, counting from the
    /// oldest; `None` for a file no commit has added (new, or older than a shallow clone's
    /// history).
    pub fn get(&self, path: &str) -> Option<i64> {
        self.places.get(path).copied()
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
}
