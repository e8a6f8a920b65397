//! Incremental builds and the history details cache: after each kind of change, `waymark build`
//! into the last build's folder makes exactly the files a full build makes, byte for byte,
//! while keeping the pages of the young people the change did not touch.
//!
//! Every person, member of staff and commit here is fictional.

mod common;
mod site;

use common::git::{commit, git, AMIRA, SAM};
use common::{Repo, NOTE, PROFILE, TODAY};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file of a site by its path inside it, with its bytes, and every folder (even an empty
/// one, whose name alone can say who was here) by its path and a `/`.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let rel = |f: &Path| f.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
    let files = site::files(dir).into_iter().map(|f| (rel(&f), std::fs::read(&f).expect("read")));
    files.chain(site::folders(dir).into_iter().map(|f| (format!("{}/", rel(&f)), Vec::new()))).collect()
}

/// Builds into `out` (keeping what it can unless `full`); returns the summary line.
fn build(repo: &Repo, today: &str, out: &Path, full: bool) -> String {
    let mut cmd = site::waymark(repo.root(), today);
    cmd.arg("build").arg("--output").arg(out);
    if full {
        cmd.arg("--full");
    }
    let output = cmd.output().expect("run waymark");
    assert!(output.status.success(), "build failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Builds incrementally into `inc` and fully into a fresh folder, and checks the two sites are
/// the same file for file; returns the incremental build's summary. The full build counts
/// every record's words, renders every body and compresses every index file afresh (those
/// caches removed), so
/// what the incremental build kept from earlier builds is checked against the records as they are.
fn same_as_full(repo: &Repo, today: &str, inc: &Path) -> String {
    let summary = build(repo, today, inc, false);
    // A build that patched the last build's postings counted only the newest records, and
    // may have left no term counts.
    let postings = repo.root().join(".waymark/cache/search-postings.bin");
    assert!(postings.is_file(), "a build into a folder keeps its postings");
    std::fs::remove_file(&postings).expect("remove the kept postings");
    let _ = std::fs::remove_file(repo.root().join(".waymark/cache/search-terms.bin"));
    let bodies = repo.root().join(".waymark/cache/bodies");
    let people: Vec<String> =
        site::names_in(&inc.join("people")).into_iter().map(|id| format!("person-{id}.bin")).collect();
    assert_eq!(site::names_in(&bodies), people, "one file of kept bodies for each young person on the site");
    std::fs::remove_dir_all(&bodies).expect("remove the body cache");
    let stored = repo.root().join(".waymark/cache/search-files");
    let index_files = tree(&inc.join("search")).into_keys().filter(|p| p.ends_with(".js")).count();
    assert_eq!(site::names_in(&stored).len(), index_files, "each index file stored once");
    std::fs::remove_dir_all(&stored).expect("remove the stored index files");
    let full_dir = tempfile::tempdir().expect("temp");
    let full = full_dir.path().join("site");
    build(repo, today, &full, true);
    let (a, b) = (tree(inc), tree(&full));
    let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the incremental build has other files than a full build");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs from a full build:\n{}", String::from_utf8_lossy(bytes));
    }
    summary
}

/// The inode and modification time of a file, which writing it whole (beside, then renamed) changes.
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    let meta = std::fs::metadata(path).expect("stat");
    (inode(path), meta.modified().expect("mtime"))
}

/// How many young people's pages the summary says were kept.
fn kept(summary: &str) -> usize {
    summary
        .split_once(" young people (")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Three young people in git; Jordan's note links to Riley's note.
fn three_people() -> Repo {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002").add_clean_person("yp-0003");
    repo.write(
        "records/yp-0001/notes/2026-11-21-call.md",
        NOTE.replace("2026-11-20", "2026-11-21")
            .replace("Visited", "Called. See [Riley's visit](../../yp-0003/notes/2026-11-20-visit.md). Visited"),
    );
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records");
    repo
}

fn page(out: &Path, path: &str) -> String {
    site::read(&out.join(path))
}

#[test]
fn an_incremental_build_is_a_full_build_after_every_kind_of_change() {
    let repo = three_people();
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    let first = build(&repo, TODAY, &out, false);
    assert_eq!(kept(&first), 0, "{first}");
    assert_eq!(kept(&same_as_full(&repo, TODAY, &out)), 3, "nothing changed: every person is kept");

    // A note added and committed: only that person is rendered again.
    repo.write(
        "records/yp-0002/notes/2026-11-22-visit.md",
        NOTE.replace("2026-11-20", "2026-11-22").replace("Visited", "Dropped in on"),
    );
    commit(&repo, AMIRA, "2026-11-22", "Visit note");
    let s = same_as_full(&repo, TODAY, &out);
    assert_eq!(kept(&s), 2, "{s}");
    assert!(page(&out, "people/yp-0002/index.html").contains("Dropped in on"));

    // A profile edited and committed.
    repo.write("records/yp-0003/profile.md", PROFILE.replace("settling in well", "settling in very well"));
    commit(&repo, SAM, "2026-11-23", "Profile reworded");
    let s = same_as_full(&repo, TODAY, &out);
    assert_eq!(kept(&s), 2, "{s}");
    assert!(page(&out, "people/yp-0003/history.html").contains("Profile reworded"));

    // A setting changed: every page depends on the settings.
    repo.write("waymark.yaml", common::CONFIG.replace("Example Leaving Care Service", "Example Care Leavers Team"));
    let s = same_as_full(&repo, TODAY, &out);
    assert_eq!(kept(&s), 0, "{s}");

    // The date moves on.
    assert_eq!(kept(&same_as_full(&repo, "2027-03-01", &out)), 0);
    assert_eq!(kept(&same_as_full(&repo, "2027-03-01", &out)), 3);

    // And again: every page is made again, each body from the HTML kept for it, so no file of
    // kept bodies is written again.
    let bodies = repo.root().join(".waymark/cache/bodies/person-yp-0001.bin");
    let before = identity(&bodies);
    assert_eq!(kept(&build(&repo, "2027-03-02", &out, false)), 0);
    assert_eq!(identity(&bodies), before, "Jordan's bodies were all kept");
    assert_eq!(kept(&same_as_full(&repo, "2027-03-01", &out)), 0);

    // A theme file changed.
    repo.write("themes/default/static/extra.css", "body { margin: 0 }\n");
    assert_eq!(kept(&same_as_full(&repo, "2027-03-01", &out)), 0);
    assert!(out.join("static/extra.css").is_file());

    // The last commit amended (a new message, a new commit id): its person's pages show it.
    git(&repo, SAM, "2026-11-23", &["add", "-A"]);
    git(&repo, SAM, "2026-11-23", &["commit", "-q", "--amend", "-m", "Profile reworded after the review"]);
    let s = same_as_full(&repo, "2027-03-01", &out);
    assert_eq!(kept(&s), 2, "{s}");
    assert!(page(&out, "people/yp-0003/history.html").contains("Profile reworded after the review"));

    // A person removed: Jordan's link to Riley's note goes, and Riley's pages with it.
    std::fs::remove_dir_all(repo.path("records/yp-0003")).expect("remove");
    commit(&repo, SAM, "2026-11-24", "Riley's records moved to another service");
    let s = same_as_full(&repo, "2027-03-01", &out);
    assert_eq!(kept(&s), 1, "only yp-0002 is untouched: {s}");
    assert!(!out.join("people/yp-0003").exists());
    assert!(!page(&out, "people/yp-0001/index.html").contains("yp-0003/index.html"));

    // A record changed and not yet committed: its badge appears.
    repo.write("records/yp-0002/profile.md", PROFILE.replace("settling in well", "settling in"));
    let s = same_as_full(&repo, "2027-03-01", &out);
    assert_eq!(kept(&s), 1, "{s}");
    assert!(page(&out, "people/yp-0002/index.html").contains("not yet committed"));
}

#[test]
fn full_rebuilds_everything_and_a_damaged_manifest_keeps_nothing() {
    let repo = three_people();
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    build(&repo, TODAY, &out, false);
    assert_eq!(kept(&build(&repo, TODAY, &out, true)), 0);
    std::fs::write(out.join(".waymark-build.json"), "{ not json").expect("write");
    assert_eq!(kept(&same_as_full(&repo, TODAY, &out)), 0);
    // A kept page's file gone from the old site: that person is rendered again.
    std::fs::remove_file(out.join("people/yp-0002/plan.html")).expect("remove");
    assert_eq!(kept(&same_as_full(&repo, TODAY, &out)), 2);
}

/// Jordan's profile edited in three commits, so the history pages show three word diffs.
fn edited_three_times() -> Repo {
    let repo = three_people();
    for (i, day) in ["2026-02-01", "2026-03-01", "2026-04-01"].iter().enumerate() {
        repo.write(
            "records/yp-0001/profile.md",
            PROFILE.replace("settling in well", &format!("settling in, edit {i}")),
        );
        commit(&repo, SAM, day, &format!("Edit {i}"));
    }
    repo
}

#[test]
fn word_diffs_are_worked_out_once_and_a_damaged_cache_is_rebuilt() {
    let repo = edited_three_times();
    let dir = tempfile::tempdir().expect("temp");
    let cache = repo.path(".waymark/cache/details.bin");
    let fresh = dir.path().join("fresh");
    build(&repo, TODAY, &fresh, true);
    let first = std::fs::read(&cache).expect("details cache written");
    assert!(page(&fresh, "people/yp-0001/history.html").contains("Edit 2"));

    // From the cache, the same pages; nothing new is worked out, so the file is untouched.
    let again = dir.path().join("again");
    build(&repo, TODAY, &again, true);
    assert_eq!(tree(&fresh), tree(&again), "pages from cached details differ from fresh ones");
    assert_eq!(std::fs::read(&cache).expect("read"), first, "a second build re-diffed old commits");

    // One more commit: only its change is added.
    repo.write("records/yp-0001/profile.md", PROFILE.replace("settling in well", "settling in, edit 3"));
    commit(&repo, SAM, "2026-05-01", "Edit 3");
    build(&repo, TODAY, &again, true);
    let grown = std::fs::read(&cache).expect("read");
    assert!(grown.len() > first.len() && grown.starts_with(&first), "the new change is appended");

    // Damage of every kind: the build still gives the same site, and the cache is whole again.
    let reference = {
        let out = dir.path().join("reference");
        std::fs::remove_file(&cache).expect("remove");
        build(&repo, TODAY, &out, true);
        tree(&out)
    };
    let good = std::fs::read(&cache).expect("read");
    for (i, bad) in
        [good[..good.len() / 2].to_vec(), b"not a cache".to_vec(), flip(&good, 20), flip(&good, good.len() - 1)]
            .into_iter()
            .enumerate()
    {
        std::fs::write(&cache, bad).expect("write");
        let out = dir.path().join(format!("damaged-{i}"));
        build(&repo, TODAY, &out, true);
        assert_eq!(tree(&out), reference, "case {i}");
        assert_eq!(std::fs::read(&cache).expect("read"), good, "case {i}: the cache is written whole again");
    }
}

fn flip(data: &[u8], at: usize) -> Vec<u8> {
    let mut d = data.to_vec();
    d[at] ^= 0x10;
    d
}

/// The inode of a site file: a file kept from the last build is the same file, hard-linked.
#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("metadata").ino()
}

#[cfg(unix)]
#[test]
fn search_files_made_from_the_same_records_are_kept_and_the_rest_made_again() {
    let repo = three_people();
    // Forty older notes, so the oldest documents fill whole document chunks a new note leaves alone.
    for day in 1..=40 {
        let date = format!("2025-{:02}-{:02}", 1 + day / 28, 1 + day % 28);
        repo.write(
            &format!("records/yp-0002/notes/{date}-visit.md"),
            NOTE.replace("2026-11-20", &date).replace("Visited", &format!("Visit number {day}")),
        );
    }
    commit(&repo, AMIRA, "2026-11-01", "Older notes");
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    build(&repo, TODAY, &out, false);
    let (first_docs, manifest) = (inode(&out.join("search/d/0.js")), inode(&out.join("search/manifest.js")));

    repo.write(
        "records/yp-0001/notes/2026-11-23-call.md",
        NOTE.replace("2026-11-20", "2026-11-23").replace("Visited", "Telephoned about the bus pass"),
    );
    commit(&repo, SAM, "2026-11-23", "Call note");
    same_as_full(&repo, TODAY, &out);
    assert_eq!(inode(&out.join("search/d/0.js")), first_docs, "the oldest documents' chunk was made again");
    assert_ne!(inode(&out.join("search/manifest.js")), manifest, "the manifest is always made afresh");

    // The date moving on makes every page again, but the files of the index whose documents
    // and terms are as they were are not: the site keeps the very same file.
    let chunk = out.join("search/d/0.js");
    let before = inode(&chunk);
    build(&repo, "2026-12-24", &out, false);
    assert_eq!(inode(&chunk), before, "the oldest documents' chunk was made again");
    same_as_full(&repo, "2026-12-24", &out);

    // A kept file gone from the old site, or a damaged record of what the files were made from:
    // the index is made again, the same as a full build's.
    repo.write("records/yp-0001/notes/2026-11-24-call.md", NOTE.replace("2026-11-20", "2026-11-24"));
    commit(&repo, SAM, "2026-11-24", "Another call");
    std::fs::remove_file(out.join("search/d/0.js")).expect("remove");
    same_as_full(&repo, TODAY, &out);
    let manifest = out.join(".waymark-build.json");
    let text = std::fs::read_to_string(&manifest).expect("read");
    std::fs::write(&manifest, text.replace("\"search/d/0.js\":\"", "\"search/d/0.js\":\"0")).expect("write");
    repo.write(
        "records/yp-0001/notes/2026-11-24-call.md",
        NOTE.replace("2026-11-20", "2026-11-24").replace("Visited", "Rang"),
    );
    commit(&repo, SAM, "2026-11-24", "Reworded");
    same_as_full(&repo, TODAY, &out);

    // A damaged term cache is not trusted: the words are counted again, and the index is the
    // same. Without the last build's postings, the build reads the term counts.
    let cache = repo.root().join(".waymark/cache");
    let terms = cache.join("search-terms.bin");
    let bytes = std::fs::read(&terms).expect("the full build kept term counts");
    std::fs::write(&terms, flip(&bytes, bytes.len() - 3)).expect("damage");
    std::fs::remove_file(cache.join("search-postings.bin")).expect("the full build kept its postings");
    repo.write(
        "records/yp-0001/notes/2026-11-24-call.md",
        NOTE.replace("2026-11-20", "2026-11-24").replace("Visited", "Phoned"),
    );
    commit(&repo, SAM, "2026-11-24", "Reworded again");
    same_as_full(&repo, TODAY, &out);

    // Nor are damaged postings: the index is made the whole way, and is the same.
    let postings = cache.join("search-postings.bin");
    let bytes = std::fs::read(&postings).expect("the full build kept its postings");
    std::fs::write(&postings, flip(&bytes, bytes.len() - 3)).expect("damage");
    repo.write(
        "records/yp-0001/notes/2026-11-24-call.md",
        NOTE.replace("2026-11-20", "2026-11-24").replace("Visited", "Texted"),
    );
    commit(&repo, SAM, "2026-11-24", "Reworded once more");
    same_as_full(&repo, TODAY, &out);
}

#[cfg(unix)]
#[test]
fn a_note_committed_today_is_numbered_after_the_days_other_records_and_moves_none_of_them() {
    let repo = three_people();
    // Forty notes of today for Sam's second young person, committed before the new one.
    for n in 1..=40 {
        repo.write(
            &format!("records/yp-0002/notes/{TODAY}-visit-{n}.md"),
            NOTE.replace("2026-11-20", TODAY).replace("Visited", &format!("Morning visit number {n}")),
        );
    }
    commit(&repo, AMIRA, "2026-11-24", "Today's visits");
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    build(&repo, TODAY, &out, false);
    let chunks = |out: &Path| site::names_in(&out.join("search/d")).len();
    let before = chunks(&out);
    let inodes: Vec<u64> = (0..before).map(|i| inode(&out.join(format!("search/d/{i}.js")))).collect();

    // A note for the first young person, dated today and committed after the others: by person
    // it would come before all forty, and every chunk holding them would be made again.
    repo.write(
        "records/yp-0001/notes/2026-11-24-evening-call.md",
        NOTE.replace("2026-11-20", TODAY).replace("Visited", "Evening call about the bus pass"),
    );
    commit(&repo, SAM, "2026-11-24", "Evening call");
    same_as_full(&repo, TODAY, &out);
    let after = chunks(&out);
    assert!(after >= before, "{after} document chunks after one note was added, {before} before");
    for (i, ino) in inodes.iter().enumerate().take(before - 1) {
        assert_eq!(inode(&out.join(format!("search/d/{i}.js"))), *ino, "document chunk {i} was made again");
    }
}

#[test]
fn new_notes_patch_the_postings_an_earlier_build_saved_and_give_a_full_builds_site() {
    let repo = three_people();
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    build(&repo, TODAY, &out, false);
    let postings = repo.root().join(".waymark/cache/search-postings.bin");
    let saved = identity(&postings);
    let note = |n: usize, words: &str| {
        repo.write(
            &format!("records/yp-000{n}/notes/{TODAY}-call.md"),
            NOTE.replace("2026-11-20", TODAY).replace("Visited", words),
        );
        commit(&repo, SAM, TODAY, "A call today");
    };
    // One new note: its words are counted and patched in, and the saved postings stay as
    // they were, for the next build to patch again.
    note(2, "Called about the zebra crossing");
    build(&repo, TODAY, &out, false);
    assert_eq!(identity(&postings), saved, "the postings were written again for one new note");
    // A second: both are counted again from the older postings, and the site is a full build's.
    note(3, "Called about the quokka leaflet");
    same_as_full(&repo, TODAY, &out);
}

/// The stored index file a site's index file is, by inode (the site links it from the store).
#[cfg(unix)]
fn stored_as(repo: &Repo, site_file: &Path) -> Option<std::path::PathBuf> {
    let dir = repo.root().join(".waymark/cache/search-files");
    let ino = inode(site_file);
    std::fs::read_dir(dir).expect("read store").map(|e| e.expect("entry").path()).find(|p| inode(p) == ino)
}

#[cfg(unix)]
#[test]
fn index_files_are_compressed_once_and_full_builds_take_them_from_the_store() {
    let repo = three_people();
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    build(&repo, TODAY, &out, false);
    let chunk = out.join("search/d/0.js");
    let stored = stored_as(&repo, &chunk).expect("the site's file is the stored one");
    let made = std::fs::read(&chunk).expect("read");

    // A full build into another folder compresses nothing again: it links the same stored file.
    let full = dir.path().join("full");
    build(&repo, TODAY, &full, true);
    assert_eq!(stored_as(&repo, &full.join("search/d/0.js")).as_deref(), Some(stored.as_path()));

    // A damaged stored file (a new file under the same name, so the sites keep theirs) is made again.
    std::fs::remove_file(&stored).expect("remove");
    std::fs::write(&stored, flip(&made, made.len() / 2)).expect("damage");
    build(&repo, TODAY, &full, true);
    assert_eq!(std::fs::read(full.join("search/d/0.js")).expect("read"), made, "made again, not the damaged copy");
    assert_eq!(std::fs::read(&stored).expect("read"), made, "and stored again whole");

    // A new note: the store holds exactly the files of the new index.
    repo.write("records/yp-0001/notes/2026-11-23-call.md", NOTE.replace("2026-11-20", "2026-11-23"));
    commit(&repo, SAM, "2026-11-23", "Call note");
    same_as_full(&repo, TODAY, &out);
}
