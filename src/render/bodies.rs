//! Record bodies as HTML for a young person's pages, each rendered once and kept in
//! `.waymark/cache/bodies/` (one file per young person) for the builds after.
//!
//! Turning Markdown into sanitised HTML was a fifth of a build's work at 100,000 notes, and
//! every build that re-makes a person's pages (the date moving on re-makes them all) did it
//! again for bodies that had not changed. A body's HTML depends on its text, where it is shown
//! (its file, the page, its anchor) and on whether the paths it links to exist; an entry is
//! keyed by the first three and keeps the answers to the last, and is used only while every
//! answer still holds. The file is framed by [`crate::cachefile`], so another build of Waymark
//! never trusts it; a missing or damaged file is rendered afresh and written again.

use super::markdown::{self, Links, Place};
use super::reuse::Fingerprint;
use crate::cachefile::{self, Kind};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The rendered bodies' folder inside the cache folder (`.waymark/cache/`).
pub const DIR: &str = "bodies";
/// Version 1: (key, HTML, paths asked about and whether each was there), sorted by key.
const KIND: Kind = Kind { magic: b"WMBODY\r\n", format: 1 };

/// How bodies become HTML on the pages being made: through the site's links, and through the
/// person's kept bodies when there are any.
#[derive(Clone, Copy)]
pub struct Bodies<'a> {
    /// The repository paths a body may link to.
    pub links: &'a Links<'a>,
    /// What earlier builds rendered for this person, when the build keeps it.
    pub memo: Option<&'a Memo>,
}

impl Bodies<'_> {
    /// A body's sanitised HTML at `place`: [`markdown::render`]'s, kept or made now.
    pub fn render(&self, body: &str, place: Place<'_>) -> String {
        match self.memo {
            Some(memo) => memo.render(body, place, self.links),
            None => markdown::render(body, place, self.links),
        }
    }
}

/// One body's HTML as kept, with what rendering it asked of the links.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kept {
    html: String,
    asked: Vec<(String, bool)>,
}

impl Kept {
    /// Whether every link the HTML was made with is still as it was.
    fn holds(&self, links: &Links) -> bool {
        self.asked.iter().all(|(path, there)| links.contains(path) == *there)
    }
}

/// One young person's kept bodies while their pages are made.
pub struct Memo {
    path: PathBuf,
    stamp: &'static str,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// Entries from the file not used yet.
    old: HashMap<u128, Kept>,
    /// Entries this build used or made: what the file will hold.
    now: HashMap<u128, Kept>,
    /// Whether any body was rendered now.
    fresh: bool,
}

/// What the cache file's stamp must be: this format and this very program.
fn stamp() -> Option<&'static str> {
    static STAMP: OnceLock<Option<String>> = OnceLock::new();
    STAMP.get_or_init(|| cachefile::stamp(KIND)).as_deref()
}

/// The key of a body shown at a place.
fn key(body: &str, place: Place<'_>) -> u128 {
    let mut f = Fingerprint::default();
    (body, place.source, place.page, place.anchor).hash(&mut f);
    f.value()
}

impl Memo {
    /// The kept bodies of the young person `id` in the cache folder `dir` (empty when there are
    /// none or they cannot be trusted), or `None` when nothing can be kept for them.
    pub fn open(dir: &Path, id: &str) -> Option<Memo> {
        let stamp = stamp()?;
        let path = dir.join(DIR).join(cachefile::person_file(id)?);
        let old: Vec<(u128, Kept)> =
            std::fs::read(&path).ok().and_then(|data| cachefile::decode(KIND, stamp, &data)).unwrap_or_default();
        let state = State { old: old.into_iter().collect(), ..State::default() };
        Some(Memo { path, stamp, state: RefCell::new(state) })
    }

    fn render(&self, body: &str, place: Place<'_>, links: &Links) -> String {
        let key = key(body, place);
        let mut state = self.state.borrow_mut();
        if let Some(kept) = state.now.get(&key).filter(|k| k.holds(links)) {
            return kept.html.clone();
        }
        if let Some(kept) = state.old.remove(&key).filter(|k| k.holds(links)) {
            let html = kept.html.clone();
            state.now.insert(key, kept);
            return html;
        }
        let (html, asked) = markdown::render_noting(body, place, links);
        state.now.insert(key, Kept { html: html.clone(), asked });
        state.fresh = true;
        html
    }

    /// Writes the person's file again if this build rendered a body afresh or left one unused,
    /// with exactly the bodies this build showed. Not writing it only makes the next build slower.
    pub fn save(self) {
        let state = self.state.into_inner();
        if !state.fresh && state.old.is_empty() {
            return;
        }
        let mut entries: Vec<(u128, Kept)> = state.now.into_iter().collect();
        entries.sort_unstable_by_key(|(key, _)| *key);
        if let Some(bytes) = cachefile::encode(KIND, self.stamp, &entries) {
            let _ = std::fs::create_dir_all(self.path.parent().unwrap_or(Path::new(".")));
            let _ = cachefile::write_whole(&self.path, &bytes);
        }
    }
}

/// Removes the files of young people no longer in the repository from the cache folder `dir`.
pub fn prune<'p>(dir: &Path, people: impl Iterator<Item = &'p str>) {
    let keep: HashSet<String> = people.filter_map(cachefile::person_file).collect();
    cachefile::prune(&dir.join(DIR), &keep, cachefile::is_person_file);
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Met at [the plan](../pathway-plan.md) and [a missing file](gone.md).\n\n- [x] done\n";
    const PLACE: Place<'static> =
        Place { source: "records/yp-1/notes/2026-01-02-visit.md", page: "people/yp-1/index.html", anchor: "note-1" };

    fn links() -> Links<'static> {
        Links::from_paths(["records/yp-1/pathway-plan.md".to_string()])
    }

    /// An empty cache folder.
    fn fixture() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    /// Renders `body` as one build would, through the kept bodies in `dir`: the HTML, and
    /// whether it was rendered anew.
    fn fresh_after(dir: &Path, body: &str, place: Place<'_>, links: &Links) -> (String, bool) {
        let memo = Memo::open(dir, "yp-1").expect("a memo");
        let html = Bodies { links, memo: Some(&memo) }.render(body, place);
        let fresh = memo.state.borrow().fresh;
        memo.save();
        (html, fresh)
    }

    #[test]
    fn kept_html_is_what_rendering_gives_and_is_used_while_its_links_hold() {
        let dir = fixture();
        let links = links();
        let plain = markdown::render(BODY, PLACE, &links);
        assert!(plain.contains(r#"href="plan.html""#) && !plain.contains("gone"), "{plain}");
        assert_eq!(fresh_after(dir.path(), BODY, PLACE, &links), (plain.clone(), true), "first build renders");
        assert_eq!(fresh_after(dir.path(), BODY, PLACE, &links), (plain.clone(), false), "second build keeps");

        // The missing file now exists: the kept HTML no longer holds.
        let mut more = links.clone();
        more.insert("records/yp-1/notes/gone.md".into());
        let (html, fresh) = fresh_after(dir.path(), BODY, PLACE, &more);
        assert!(fresh, "a link's answer changed");
        assert_eq!(html, markdown::render(BODY, PLACE, &more));
        assert_ne!(html, plain, "the newly there file is linked");

        // The plan is gone.
        let fewer = Links::from_paths(Vec::new());
        let (html, fresh) = fresh_after(dir.path(), BODY, PLACE, &fewer);
        assert!(fresh);
        assert_eq!(html, markdown::render(BODY, PLACE, &fewer));
    }

    #[test]
    fn text_page_and_anchor_each_make_a_different_body() {
        let dir = fixture();
        let links = links();
        fresh_after(dir.path(), BODY, PLACE, &links);
        let reworded = format!("{BODY}One more line.\n");
        let elsewhere = Place { page: "people/yp-1/plan.html", ..PLACE };
        let renamed = Place { anchor: "note-2", ..PLACE };
        let moved = Place { source: "records/yp-1/notes/2026-01-03-visit.md", ..PLACE };
        for (body, place) in [(reworded.as_str(), PLACE), (BODY, elsewhere), (BODY, renamed), (BODY, moved)] {
            let (html, fresh) = fresh_after(dir.path(), body, place, &links);
            assert!(fresh, "{place:?}");
            assert_eq!(html, markdown::render(body, place, &links));
        }
    }

    #[test]
    fn a_damaged_or_foreign_file_is_rendered_afresh_and_unused_bodies_are_dropped() {
        let dir = fixture();
        let links = links();
        fresh_after(dir.path(), BODY, PLACE, &links);
        let file = dir.path().join(DIR).join("person-yp-1.bin");
        let mut bytes = std::fs::read(&file).expect("written");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&file, &bytes).expect("damage");
        assert!(fresh_after(dir.path(), BODY, PLACE, &links).1, "damaged");
        assert!(!fresh_after(dir.path(), BODY, PLACE, &links).1, "written again whole");

        // A build showing another body only keeps that one.
        fresh_after(dir.path(), "Another body.", PLACE, &links);
        assert!(fresh_after(dir.path(), BODY, PLACE, &links).1, "the first body was dropped");

        prune(dir.path(), ["yp-2"].into_iter());
        assert!(!file.exists(), "gone with the young person");
        assert!(Memo::open(dir.path(), "../yp-1").is_none(), "an unsafe id is never a file name");
    }
}
