//! The records cache (`.waymark/cache/records/`): a build takes unchanged records from it, sees
//! a record changed in place even when its size and modification time are as they were, and makes
//! the same site byte for byte with the cache, without it, and with it damaged.
//!
//! Every person, member of staff and record here is fictional.

mod common;
mod site;

use common::{Repo, TODAY};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const NOTE: &str = "records/yp-0001/notes/2026-11-20-visit.md";

/// Every file of a site by its path inside it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    site::files(dir)
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(&f).expect("read"))
        })
        .collect()
}

/// Builds the whole site into `out`; fails the test on an error or anything said on stderr.
fn build(repo: &Repo, out: &Path) {
    let output =
        site::waymark(repo.root(), TODAY).arg("build").arg("--full").arg("--output").arg(out).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "build failed: {stderr}");
    assert!(!stderr.to_lowercase().contains("error"), "build said: {stderr}");
}

fn assert_same(a: &Path, b: &Path, what: &str) {
    let (a, b) = (tree(a), tree(b));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "{what}: other files");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
}

/// Whether any page of the site holds `text`.
fn site_says(dir: &Path, text: &str) -> bool {
    tree(dir).values().any(|bytes| String::from_utf8_lossy(bytes).contains(text))
}

/// Sets a file's modification time.
fn set_mtime(path: &Path, when: SystemTime) {
    let file = std::fs::File::options().write(true).open(path).expect("open");
    file.set_modified(when).expect("set modification time");
}

fn cache_file(repo: &Repo) -> PathBuf {
    repo.path(".waymark/cache/records/person-yp-0001.bin")
}

/// A committed repository of two young people whose record files were last changed an hour ago,
/// so that the cache trusts them (files changed in the two seconds before it is written are not).
fn repository() -> Repo {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002");
    repo.git_commit_all("Two young people");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for file in site::files(&repo.path("records")) {
        set_mtime(&file, hour_ago);
    }
    repo
}

#[test]
fn a_note_edited_in_place_with_its_size_and_time_kept_still_shows() {
    let repo = repository();
    let out = tempfile::tempdir().expect("temp");
    build(&repo, &out.path().join("first"));
    assert!(cache_file(&repo).is_file(), "the build keeps a cache of yp-0001's records");
    assert!(site_says(&out.path().join("first"), "Visited at the flat."));

    // Nothing changed: the cache file is used as it is, not written again.
    let written = std::fs::metadata(cache_file(&repo)).and_then(|m| m.modified()).expect("cache time");
    build(&repo, &out.path().join("again"));
    let still = std::fs::metadata(cache_file(&repo)).and_then(|m| m.modified()).expect("cache time");
    assert_eq!(written, still, "an unchanged repository leaves the cache file alone");
    assert_same(&out.path().join("first"), &out.path().join("again"), "a build from the cache");

    // The same number of bytes, and the modification time put back: the change time tells.
    let path = repo.path(NOTE);
    let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
    let text = std::fs::read_to_string(&path).expect("read").replace("Visited at the flat.", "Visited at the park.");
    let size = std::fs::metadata(&path).map(|m| m.len()).expect("size");
    std::fs::write(&path, text).expect("write");
    set_mtime(&path, mtime);
    assert_eq!(std::fs::metadata(&path).map(|m| m.len()).expect("size"), size);
    assert_eq!(std::fs::metadata(&path).and_then(|m| m.modified()).expect("mtime"), mtime);
    let edited = out.path().join("edited");
    build(&repo, &edited);
    assert!(site_says(&edited, "Visited at the park."), "the edited note shows");
    // And the site is what parsing every file gives.
    std::fs::remove_dir_all(repo.path(".waymark/cache")).expect("delete the cache");
    let parsed = out.path().join("parsed");
    build(&repo, &parsed);
    assert_same(&edited, &parsed, "a build after an edit in place");
}

#[test]
fn the_cache_deleted_or_damaged_gives_the_same_site() {
    let repo = repository();
    let out = tempfile::tempdir().expect("temp");
    build(&repo, &out.path().join("first"));
    let cached = out.path().join("cached");
    build(&repo, &cached);

    std::fs::remove_dir_all(repo.path(".waymark/cache")).expect("delete the cache");
    let without = out.path().join("without");
    build(&repo, &without);
    assert_same(&cached, &without, "a build without the cache");
    assert!(cache_file(&repo).is_file(), "the cache is written again");

    let file = cache_file(&repo);
    let bytes = std::fs::read(&file).expect("cache");
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", bytes[..bytes.len() / 3].to_vec()),
        ("a flipped byte", {
            let mut b = bytes.clone();
            let at = b.len() - 10;
            b[at] ^= 0x55;
            b
        }),
        ("not a cache", b"garbage".to_vec()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, bytes).expect("damage the cache");
        let dir = out.path().join(what.replace(' ', "-"));
        build(&repo, &dir);
        assert_same(&cached, &dir, what);
    }
}

#[test]
fn broken_links_and_deep_nesting_are_found_in_records_taken_from_the_cache() {
    let repo = repository();
    let deep = format!("{}deep\n", "> ".repeat(80));
    let text = std::fs::read_to_string(repo.path(NOTE)).expect("read")
        + &format!("\nSee [the plan](../no-such-plan.md).\n\n{deep}");
    std::fs::write(repo.path(NOTE), text).expect("write");
    set_mtime(&repo.path(NOTE), SystemTime::now() - Duration::from_secs(3600));
    let check = || {
        let out = site::waymark(repo.root(), TODAY).args(["check", "--format", "json"]).output().expect("run check");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let first = check();
    assert!(cache_file(&repo).is_file(), "check keeps a cache of yp-0001's records");
    for rule in ["\"broken-link\"", "\"nesting-too-deep\""] {
        assert!(first.contains(rule), "{rule} not reported when the note was read: {first}");
    }
    // The second check takes the note from the cache, and finds the same at the same places.
    let written = std::fs::metadata(cache_file(&repo)).and_then(|m| m.modified()).expect("cache time");
    assert_eq!(check(), first);
    let still = std::fs::metadata(cache_file(&repo)).and_then(|m| m.modified()).expect("cache time");
    assert_eq!(written, still, "the second check read every record from the cache");
}
