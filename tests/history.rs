//! History from git: real repositories made with the `git` command, with moves,
//! merges, shallow clones, detached heads, deletions, and the cache.
//!
//! Every person, member of staff and commit here is fictional.

mod common;

use common::git::{commit, committed_clean, git, git_in, shallow_clone_of_profile_edits, AMIRA, SAM};
use common::{Repo, NOTE, PROFILE};
use std::path::Path;
use waymark::history::{CacheUse, ChangeKind, History};

fn note(author: &str, date: &str) -> String {
    NOTE.replace("author: sam-okafor", &format!("author: {author}")).replace("2026-11-20", date)
}

fn git_history(h: &History) -> &waymark::history::GitHistory {
    h.git().unwrap_or_else(|| panic!("expected git history, got {:?}", h.reason()))
}

/// (kind, message summary) of every change to `path`, newest first.
fn log(h: &History, path: &str) -> Vec<(ChangeKind, String)> {
    h.changes(path).iter().map(|c| (c.kind, h.commit(c).map(|c| c.summary().to_string()).unwrap_or_default())).collect()
}

#[test]
fn no_repository_gives_one_clear_reason() {
    let repo = Repo::clean();
    let h = History::open(repo.root());
    let reason = h.reason().expect("no history outside git");
    assert!(reason.contains("not in a git repository"), "{reason}");
    assert!(!reason.contains('\n'));
    assert!(h.changes("records/yp-0001/profile.md").is_empty());
    let out = repo.cmd().args(["history", "yp-0001"]).output().expect("run waymark");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No history: this folder is not in a git repository"), "{text}");
}

#[test]
fn empty_repository_has_no_commits() {
    let repo = Repo::clean();
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    let h = History::open(repo.root());
    let g = git_history(&h);
    assert!(g.head.is_none());
    assert!(g.commits.is_empty());
    let out = repo.cmd().args(["history", "yp-0001"]).output().expect("run waymark");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 commits") && text.contains("No commit has changed"), "{text}");
}

#[test]
fn a_moved_record_keeps_its_history() {
    let repo = committed_clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("Visited", "Called in"));
    commit(&repo, SAM, "2026-02-01", "Correct the visit note");
    repo.mkdir("records/yp-0002/notes");
    git(&repo, SAM, "2026-03-01", &["mv", "records/yp-0001/notes/2026-11-20-visit.md", "records/yp-0002/notes/"]);
    commit(&repo, AMIRA, "2026-03-14", "Note was filed under the wrong young person");
    let h = History::open(repo.root());
    let moved = "records/yp-0002/notes/2026-11-20-visit.md";
    assert_eq!(
        log(&h, moved),
        vec![
            (ChangeKind::Renamed, "Note was filed under the wrong young person".into()),
            (ChangeKind::Modified, "Correct the visit note".into()),
            (ChangeKind::Added, "First records".into()),
        ]
    );
    let rename = &h.changes(moved)[0];
    assert_eq!(rename.from.as_deref(), Some("records/yp-0001/notes/2026-11-20-visit.md"));
    assert_eq!(&*h.changes(moved)[1].path, "records/yp-0001/notes/2026-11-20-visit.md");
    assert!(h.changes("records/yp-0001/notes/2026-11-20-visit.md").is_empty(), "history follows the file");
    assert_eq!(h.resolve_path("records/yp-0001/notes/2026-11-20-visit.md").as_deref(), Some(moved));
    let (added, _) = h.added_by(moved).expect("added");
    assert_eq!(&*added.author_email, SAM.1);
    assert_eq!(added.date().to_string(), "2026-01-01");
}

#[test]
fn a_moved_folder_keeps_every_files_history_and_old_names_find_it() {
    let repo = committed_clean();
    git(&repo, SAM, "2026-02-01", &["mv", "records/yp-0001", "records/yp-0009"]);
    commit(&repo, SAM, "2026-02-01", "Renumber yp-0001 as yp-0009");
    let h = History::open(repo.root());
    for file in ["profile.md", "pathway-plan.md", "notes/2026-11-20-visit.md", "files/letter.txt"] {
        let l = log(&h, &format!("records/yp-0009/{file}"));
        assert_eq!(l.len(), 2, "{file}: {l:?}");
        assert_eq!(l[0].0, ChangeKind::Renamed);
        assert_eq!(l[1].0, ChangeKind::Added);
    }
    let out = repo.cmd().args(["history", "--no-pager", "records/yp-0001/profile.md"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("History of records/yp-0009/profile.md: 2 commits"), "{text}");
}

#[test]
fn a_change_merged_from_a_branch_belongs_to_the_branch_commit() {
    let repo = committed_clean();
    let cache = repo.path(".waymark/cache");
    History::open_with_cache(repo.root(), &cache);
    git(&repo, SAM, "2026-02-01", &["checkout", "-q", "-b", "move"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("type: semi-independent", "type: independent"));
    let branch = commit(&repo, AMIRA, "2026-02-01", "Moved into own flat");
    git(&repo, SAM, "2026-02-02", &["checkout", "-q", "main"]);
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", note("sam-okafor", "2026-11-21"));
    commit(&repo, SAM, "2026-02-02", "Phone call");
    git(&repo, SAM, "2026-02-03", &["merge", "-q", "--no-ff", "-m", "Merge branch move", "move"]);
    let h = History::open(repo.root());
    let profile = log(&h, "records/yp-0001/profile.md");
    assert_eq!(
        profile,
        vec![(ChangeKind::Modified, "Moved into own flat".into()), (ChangeKind::Added, "First records".into())]
    );
    let (last, _) = h.last_change("records/yp-0001/profile.md").expect("changed");
    assert_eq!(last.hex(), branch);
    assert_eq!(log(&h, "records/yp-0001/notes/2026-11-21-phone.md"), vec![(ChangeKind::Added, "Phone call".into())]);
    assert!(
        git_history(&h).commits.iter().all(|c| c.summary() != "Merge branch move"),
        "the merge changed nothing itself"
    );
    // The cache made before the branch is extended through the merge, not rebuilt.
    let extended = History::open_with_cache(repo.root(), &cache);
    let e = git_history(&extended);
    assert_eq!((e.stats.cache.clone(), e.stats.walked, e.stats.from_cache), (CacheUse::Extended, 3, 1));
    assert_same(&extended, &h);
}

#[test]
fn a_merge_that_resolves_a_conflict_is_a_change_of_its_own() {
    let repo = committed_clean();
    git(&repo, SAM, "2026-02-01", &["checkout", "-q", "-b", "side"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("since: 2025-09-01", "since: 2025-09-02"));
    commit(&repo, AMIRA, "2026-02-01", "Side edit");
    git(&repo, SAM, "2026-02-02", &["checkout", "-q", "main"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("since: 2025-09-01", "since: 2025-09-03"));
    commit(&repo, SAM, "2026-02-02", "Main edit");
    let merge = std::process::Command::new("git")
        .args(["-c", "user.name=Sam Okafor", "-c", "user.email=sam.okafor@example.org", "merge", "-q", "side"])
        .current_dir(repo.root())
        .env("HOME", repo.root())
        .output()
        .expect("run git");
    assert!(!merge.status.success(), "the edits conflict");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("since: 2025-09-01", "since: 2025-09-04"));
    commit(&repo, SAM, "2026-02-03", "Merge side: agreed date");
    let h = History::open(repo.root());
    let l = log(&h, "records/yp-0001/profile.md");
    assert_eq!(l.len(), 4, "{l:?}");
    assert_eq!(l[0].1, "Merge side: agreed date");
}

#[test]
fn a_shallow_clone_is_partial() {
    let (_clones, dst) = shallow_clone_of_profile_edits();
    let h = History::open(&dst);
    assert!(h.is_shallow());
    let l = log(&h, "records/yp-0001/profile.md");
    assert_eq!(l.len(), 2, "{l:?}");
    assert_eq!(l[0].1, "Edit 2");
    let boundary = h.commit(&h.changes("records/yp-0001/profile.md")[1]).expect("commit");
    assert!(boundary.boundary);
    // Nobody can be said to have added a file at the boundary, so author-mismatch stays quiet.
    let out = common::waymark()
        .arg("--root")
        .arg(&dst)
        .args(["--today", "2026-11-24", "history", "--no-pager", "yp-0001"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("partial"), "{text}");
}

#[test]
fn a_detached_head_shows_history_up_to_that_commit() {
    let repo = committed_clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    commit(&repo, SAM, "2026-02-01", "Later edit");
    git(&repo, SAM, "2026-02-02", &["checkout", "-q", "--detach", "HEAD~1"]);
    let h = History::open(repo.root());
    assert!(git_history(&h).detached);
    assert_eq!(log(&h, "records/yp-0001/profile.md"), vec![(ChangeKind::Added, "First records".into())]);
}

#[test]
fn a_file_deleted_and_added_again_shows_both() {
    let repo = committed_clean();
    let path = "records/yp-0001/notes/2026-11-20-visit.md";
    repo.remove(path);
    commit(&repo, SAM, "2026-02-01", "Remove note written in error");
    repo.write(path, note("amira-hassan", "2026-11-20"));
    commit(&repo, AMIRA, "2026-03-01", "Write the note again");
    let h = History::open(repo.root());
    assert_eq!(
        log(&h, path),
        vec![
            (ChangeKind::Added, "Write the note again".into()),
            (ChangeKind::Deleted, "Remove note written in error".into()),
            (ChangeKind::Added, "First records".into()),
        ]
    );
    let (added, _) = h.added_by(path).expect("added");
    assert_eq!(&*added.author_email, AMIRA.1, "the current file was added by the re-add");
}

#[test]
fn records_root_in_a_subfolder_of_the_repository() {
    let outer = Repo::empty();
    outer.write("README.md", "Outer project\n");
    outer.write("case/waymark.yaml", common::CONFIG);
    outer.write("case/records/yp-0001/profile.md", PROFILE);
    git(&outer, SAM, "2026-01-01", &["init", "-q"]);
    commit(&outer, SAM, "2026-01-01", "Records in a subfolder");
    outer.write("README.md", "Outer project, edited\n");
    commit(&outer, SAM, "2026-02-01", "Outside the records");
    let h = History::open(&outer.path("case"));
    let g = git_history(&h);
    assert_eq!(g.prefix, "case/");
    assert_eq!(log(&h, "records/yp-0001/profile.md"), vec![(ChangeKind::Added, "Records in a subfolder".into())]);
    assert_eq!(g.commits.len(), 1, "a commit outside the root is not part of its history");
}

#[test]
fn the_cache_walks_only_new_commits() {
    let repo = committed_clean();
    for i in 0..5 {
        repo.write(
            &format!("records/yp-0001/notes/2026-0{}-01-visit.md", i + 1),
            note("sam-okafor", &format!("2026-0{}-01", i + 1)),
        );
        commit(&repo, SAM, &format!("2026-0{}-02", i + 1), &format!("Visit {i}"));
    }
    let cache = repo.path(".waymark/cache");
    let cold = History::open_with_cache(repo.root(), &cache);
    let g = git_history(&cold);
    assert_eq!(g.stats.cache, CacheUse::Missing);
    assert_eq!(g.stats.walked, 6);
    assert!(cache.join("history.bin").is_file());

    let warm = History::open_with_cache(repo.root(), &cache);
    let w = git_history(&warm);
    assert_eq!(w.stats.cache, CacheUse::Hit);
    assert_eq!(w.stats.walked, 0);
    assert_eq!(w.stats.from_cache, 6);
    assert_same(&warm, &cold);

    git(
        &repo,
        AMIRA,
        "2026-07-01",
        &["mv", "records/yp-0001/notes/2026-01-01-visit.md", "records/yp-0001/notes/2026-01-01-phone.md"],
    );
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    commit(&repo, AMIRA, "2026-07-01", "Rename a note, edit the profile");
    let extended = History::open_with_cache(repo.root(), &cache);
    let e = git_history(&extended);
    assert_eq!(e.stats.cache, CacheUse::Extended);
    assert_eq!(e.stats.walked, 1);
    assert_eq!(e.stats.from_cache, 6);
    assert_same(&extended, &History::open(repo.root()));
    assert_eq!(log(&extended, "records/yp-0001/notes/2026-01-01-phone.md").len(), 2, "the move joins cached history");
    // The new commit was appended to the cache as a segment; reading replays it.
    let replayed = History::open_with_cache(repo.root(), &cache);
    assert_eq!(git_history(&replayed).stats.cache, CacheUse::Hit);
    assert_same(&replayed, &extended);

    // A segment cut short (a run stopped while appending) is ignored, and its commits walked again.
    let file = cache.join("history.bin");
    let bytes = std::fs::read(&file).expect("cache");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan is now"));
    commit(&repo, SAM, "2026-07-15", "Edit before a stopped run");
    History::open_with_cache(repo.root(), &cache);
    let longer = std::fs::read(&file).expect("cache");
    assert!(longer.len() > bytes.len() && longer.starts_with(&bytes), "appended");
    std::fs::write(&file, &longer[..longer.len() - 5]).expect("cut");
    let torn = History::open_with_cache(repo.root(), &cache);
    let t = git_history(&torn);
    assert_eq!((t.stats.cache.clone(), t.stats.walked), (CacheUse::Extended, 1));
    assert_same(&torn, &History::open(repo.root()));
    assert_eq!(git_history(&History::open_with_cache(repo.root(), &cache)).stats.cache, CacheUse::Hit);
    let extended = torn;

    // A long-running process refreshes what it holds, walking only the newest commit.
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan has been"));
    commit(&repo, SAM, "2026-08-01", "Another edit");
    let refreshed = extended.refresh(repo.root(), None);
    let r = git_history(&refreshed);
    assert_eq!((r.stats.cache.clone(), r.stats.walked, r.stats.from_cache), (CacheUse::Extended, 1, 8));
    assert_same(&refreshed, &History::open(repo.root()));
    let again = refreshed.refresh(repo.root(), None);
    assert_eq!((git_history(&again).stats.cache.clone(), git_history(&again).stats.walked), (CacheUse::Hit, 0));
}

#[test]
fn a_corrupt_truncated_or_stale_cache_is_rebuilt() {
    let repo = committed_clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    commit(&repo, SAM, "2026-02-01", "Edit");
    let cache = repo.path(".waymark/cache");
    let file = cache.join("history.bin");
    let truth = History::open(repo.root());
    History::open_with_cache(repo.root(), &cache);
    let good = std::fs::read(&file).expect("cache written");

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x20;
    let mut other_version = good.clone();
    other_version[8..12].copy_from_slice(&4u32.to_le_bytes());
    // A sound cache of another repository, copied in by hand: its commits are not in this one.
    let other = Repo::clean();
    git(&other, AMIRA, "2026-01-05", &["init", "-q"]);
    commit(&other, AMIRA, "2026-01-05", "Other records");
    History::open_with_cache(other.root(), &other.path(".waymark/cache"));
    let foreign = std::fs::read(other.path(".waymark/cache/history.bin")).expect("other cache");
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("flipped", flipped),
        ("another version", other_version),
        ("foreign", foreign),
        ("truncated", good[..good.len() - 3].to_vec()),
        ("empty", Vec::new()),
        ("garbage", b"not a cache at all".to_vec()),
        ("header only", good[..28].to_vec()),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).expect("write");
        let h = History::open_with_cache(repo.root(), &cache);
        let g = git_history(&h);
        assert!(matches!(g.stats.cache, CacheUse::Rebuilt(_)), "{what}: {:?}", g.stats.cache);
        assert_eq!(g.stats.walked, 2, "{what}");
        assert_same(&h, &truth);
        assert_eq!(std::fs::read(&file).expect("rewritten"), good, "{what}: the cache is written again");
    }

    // History rewritten under the cache: HEAD no longer contains the cached commit.
    git(&repo, SAM, "2026-03-01", &["reset", "-q", "--hard", "HEAD~1"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan has been"));
    commit(&repo, SAM, "2026-03-01", "Different edit");
    let h = History::open_with_cache(repo.root(), &cache);
    let g = git_history(&h);
    assert!(matches!(g.stats.cache, CacheUse::Rebuilt(_)), "{:?}", g.stats.cache);
    assert_eq!(log(&h, "records/yp-0001/profile.md")[0].1, "Different edit");
    assert_same(&h, &History::open(repo.root()));
}

/// Two histories hold the same commits and changes.
fn assert_same(a: &History, b: &History) {
    let (a, b) = (git_history(a), git_history(b));
    assert_eq!(a.commits, b.commits);
    let mut ka: Vec<_> = a.paths.iter().collect();
    let mut kb: Vec<_> = b.paths.iter().collect();
    ka.sort_by(|x, y| x.0.cmp(y.0));
    kb.sort_by(|x, y| x.0.cmp(y.0));
    assert_eq!(ka, kb);
}

fn rules(repo: &Repo, rule: &str) -> Vec<common::Diag> {
    repo.diags().into_iter().filter(|d| d.rule == rule).collect()
}

#[test]
fn uncommitted_finds_changed_and_new_records_only() {
    let repo = Repo::clean();
    repo.write(".gitignore", "*.tmp\n.waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records");
    assert!(rules(&repo, "uncommitted").is_empty(), "all committed");

    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", note("sam-okafor", "2026-11-21"));
    repo.write("records/yp-0001/files/scan.tmp", "ignored by git\n");
    repo.write("notes-outside-records.md", "not a record\n");
    let found = rules(&repo, "uncommitted");
    let files: Vec<&str> = found.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, vec!["records/yp-0001/notes/2026-11-21-phone.md", "records/yp-0001/profile.md"]);
    assert!(found.iter().all(|d| d.severity == "info" && d.person.as_deref() == Some("yp-0001")));
    assert!(found[0].message.contains("not in git yet"), "{}", found[0].message);
    assert!(found[1].message.contains("not yet committed"), "{}", found[1].message);

    // Staged but not committed still counts; telling so writes nothing into the repository.
    git(&repo, SAM, "2026-01-02", &["add", "records/yp-0001/profile.md"]);
    let objects = || -> Vec<_> {
        walkdir::WalkDir::new(repo.root().join(".git/objects")).into_iter().flatten().map(|e| e.into_path()).collect()
    };
    let before = objects();
    assert_eq!(rules(&repo, "uncommitted").len(), 2);
    assert_eq!(objects(), before, "no objects written by check");
    // Staged and then put back in the working folder as committed: still not committed.
    repo.write("records/yp-0001/profile.md", PROFILE);
    let found = rules(&repo, "uncommitted");
    assert_eq!(
        found.iter().map(|d| d.file.as_str()).collect::<Vec<_>>(),
        vec!["records/yp-0001/notes/2026-11-21-phone.md", "records/yp-0001/profile.md"]
    );
    commit(&repo, SAM, "2026-01-02", "Commit both");
    assert!(rules(&repo, "uncommitted").is_empty());
}

/// Files `check` reports as not committed, by path.
fn uncommitted(repo: &Repo) -> Vec<String> {
    rules(repo, "uncommitted").into_iter().map(|d| d.file).collect()
}

#[test]
fn uncommitted_asks_git_about_every_file_its_index_does_not_vouch_for() {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records");
    // A first check makes the records cache, whose stamps the next checks compare with git's index.
    assert!(uncommitted(&repo).is_empty());
    assert!(uncommitted(&repo).is_empty(), "all committed, every file vouched for by the index");

    // Same size, and the old modification time put back: only the change time tells.
    let profile = repo.root().join("records/yp-0001/profile.md");
    let mtime = std::fs::metadata(&profile).expect("stat").modified().expect("mtime");
    let changed = PROFILE.replace("Jordan is", "Jordan IS");
    assert_eq!(changed.len(), PROFILE.len());
    repo.write("records/yp-0001/profile.md", &changed);
    std::fs::File::options().write(true).open(&profile).expect("open").set_modified(mtime).expect("set mtime");
    assert_eq!(uncommitted(&repo), vec!["records/yp-0001/profile.md"]);
    repo.write("records/yp-0001/profile.md", PROFILE);
    assert!(uncommitted(&repo).is_empty(), "put back as committed");

    // A young person's new folder, which git has never seen, a new file beside old ones, and
    // a stray file Waymark does not read.
    repo.write("records/yp-0009/profile.md", PROFILE);
    repo.write("records/yp-0009/notes/2026-11-21-phone.md", note("sam-okafor", "2026-11-21"));
    repo.write("records/yp-0001/notes/2026-11-22-phone.md", note("sam-okafor", "2026-11-22"));
    repo.write("records/yp-0001/stray.txt", "not a record\n");
    assert_eq!(
        uncommitted(&repo),
        vec![
            "records/yp-0001/notes/2026-11-22-phone.md",
            "records/yp-0001/stray.txt",
            "records/yp-0009/notes/2026-11-21-phone.md",
            "records/yp-0009/profile.md"
        ]
    );
    std::fs::remove_file(repo.root().join("records/yp-0001/stray.txt")).expect("remove");
    commit(&repo, SAM, "2026-01-02", "A new young person");
    assert!(uncommitted(&repo).is_empty());

    // Files in folders the walk of the records does not enter are still found.
    repo.write("records/yp-0001/.drafts/2026-11-21-phone.md", note("sam-okafor", "2026-11-21"));
    repo.write("records/yp-0001/scans/letter.txt", "a folder Waymark does not know\n");
    assert_eq!(
        uncommitted(&repo),
        vec!["records/yp-0001/.drafts/2026-11-21-phone.md", "records/yp-0001/scans/letter.txt"]
    );
    commit(&repo, SAM, "2026-01-03", "Drafts and scans");
    assert!(uncommitted(&repo).is_empty());

    // More new files than are worth asking about one by one.
    for n in 0..300 {
        repo.write(&format!("records/yp-0001/files/scan-{n:03}.txt"), format!("scan {n}\n"));
    }
    let found = uncommitted(&repo);
    assert_eq!(found.len(), 300);
    assert_eq!(found[0], "records/yp-0001/files/scan-000.txt");
    commit(&repo, SAM, "2026-01-04", "Scans");
    assert!(uncommitted(&repo).is_empty());
}

#[test]
fn uncommitted_reads_every_form_of_git_index() {
    // git can keep its index in version 4 (paths shortened against the one before), or without
    // the trees it was written with; an edit is found, and nothing else, in each.
    for (form, args) in [
        ("version 4", &["update-index", "--index-version", "4"][..]),
        // Adding a file as it was committed leaves the index's trees stale, nothing staged.
        ("no trees kept", &["add", "--renormalize", "records"][..]),
    ] {
        let repo = Repo::clean();
        repo.write(".gitignore", ".waymark/\n");
        git(&repo, SAM, "2026-01-01", &["init", "-q"]);
        commit(&repo, SAM, "2026-01-01", "First records");
        git(&repo, SAM, "2026-01-01", args);
        assert!(uncommitted(&repo).is_empty(), "{form}: all committed");
        assert!(uncommitted(&repo).is_empty(), "{form}: all committed, from the records cache");
        repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
        assert_eq!(uncommitted(&repo), vec!["records/yp-0001/profile.md"], "{form}");
        repo.write("records/yp-0001/profile.md", PROFILE);
        assert!(uncommitted(&repo).is_empty(), "{form}: put back as committed");
        git(&repo, SAM, "2026-01-02", &["rm", "-q", "--cached", "records/yp-0001/profile.md"]);
        assert_eq!(uncommitted(&repo), vec!["records/yp-0001/profile.md"], "{form}: removed from the index");
    }
}

#[test]
fn uncommitted_reads_a_split_index_which_libgit2_cannot() {
    // libgit2's status fails on a split index (core.splitIndex); the index as gix reads it,
    // with the records walked, gives the same answer git status would.
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n*.tmp\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    repo.write("records/yp-0001/notes/2026-11-22-visit.md", note("sam-okafor", "2026-11-22"));
    commit(&repo, SAM, "2026-01-01", "First records");
    git(&repo, SAM, "2026-01-01", &["config", "core.splitIndex", "true"]);
    git(&repo, SAM, "2026-01-01", &["update-index", "--split-index"]);
    assert!(uncommitted(&repo).is_empty(), "all committed");
    assert!(uncommitted(&repo).is_empty(), "all committed, from the records cache");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", note("sam-okafor", "2026-11-21"));
    repo.write("records/yp-0001/files/scan.tmp", "ignored by git\n");
    // Staged, and the same in the work tree as staged.
    repo.write("records/yp-0001/notes/2026-11-22-visit.md", note("sam-okafor", "2026-11-22").replace("Visited", "Saw"));
    git(&repo, SAM, "2026-01-02", &["add", "records/yp-0001/notes/2026-11-22-visit.md"]);
    let expected = [
        "records/yp-0001/notes/2026-11-21-phone.md",
        "records/yp-0001/notes/2026-11-22-visit.md",
        "records/yp-0001/profile.md",
    ];
    let found = rules(&repo, "uncommitted");
    let said: Vec<(&str, &str)> = found.iter().map(|d| (d.file.as_str(), d.message.as_str())).collect();
    assert_eq!(found.iter().map(|d| d.file.as_str()).collect::<Vec<_>>(), expected, "{said:?}");
    assert_eq!(uncommitted(&repo), expected, "again, from the records cache");
    repo.write("records/yp-0001/profile.md", PROFILE);
    assert_eq!(uncommitted(&repo), expected[..2], "the profile put back as committed");
    // `new` checks the file it wrote as `check` does: git's answer is known, so the new note
    // is said to be not yet committed, and nothing says git could not tell.
    let out =
        repo.cmd().args(["new", "note", "yp-0001", "--kind", "visit", "--author", "sam-okafor"]).output().expect("new");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("uncommitted") && !said.contains("could not say"), "{said}");
}

#[test]
fn a_git_status_that_cannot_be_read_is_said_not_taken_for_all_committed() {
    // A damaged index, which neither libgit2 nor gix can read.
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is", "Jordan was"));
    repo.write(".git/index", "DIRC damaged");
    let found = rules(&repo, "uncommitted");
    let said: Vec<(&str, &str)> = found.iter().map(|d| (d.file.as_str(), d.message.as_str())).collect();
    assert!(found.iter().any(|d| d.file == "records" && d.message.contains("could not say which records")), "{said:?}");
    // And the summary says so, rather than counting it as a file not yet committed.
    let out = repo.cmd().args(["check"]).output().expect("check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("could not say which records") && !text.contains("not yet committed\n"), "{text}");
}

#[test]
fn no_git_rules_outside_git() {
    let repo = Repo::clean();
    assert!(rules(&repo, "uncommitted").is_empty());
    assert!(rules(&repo, "author-mismatch").is_empty());
}

#[test]
fn author_mismatch_compares_the_note_author_with_who_added_it() {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records: Sam's own note");
    // Amira's note, committed by Sam: fires.
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", note("amira-hassan", "2026-11-21"));
    commit(&repo, SAM, "2026-01-02", "Add Amira's phone note");
    // Amira's note committed by Amira with her email in other case: near miss.
    repo.write("records/yp-0001/notes/2026-11-22-visit.md", note("amira-hassan", "2026-11-22"));
    commit(&repo, ("Amira H", "Amira.Hassan@Example.org"), "2026-01-03", "My visit");
    // Sam's note added by Sam, later edited by Amira: only the adding commit counts.
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("Visited", "Visited (typo fixed)"));
    commit(&repo, AMIRA, "2026-01-04", "Fix typo");
    // A note by someone with no email in waymark.yaml: nothing to compare.
    repo.write("waymark.yaml", format!("{}  - id: jo-bloggs\n    name: Jo Bloggs\n", common::CONFIG));
    repo.write("records/yp-0001/notes/2026-11-23-visit.md", note("jo-bloggs", "2026-11-23"));
    commit(&repo, SAM, "2026-01-05", "Jo's visit");
    // Not committed at all: uncommitted says so, author-mismatch does not.
    repo.write("records/yp-0001/notes/2026-11-18-visit.md", note("amira-hassan", "2026-11-18"));

    let found = rules(&repo, "author-mismatch");
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    assert_eq!(d.file, "records/yp-0001/notes/2026-11-21-phone.md");
    assert_eq!((d.line, d.column), (3, 9), "points at the author value");
    assert_eq!(d.severity, "info");
    assert!(d.message.contains("Amira Hassan") && d.message.contains("Sam Okafor"), "{}", d.message);
}

#[test]
fn history_command_names_staff_and_shows_messages_newest_first() {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-10", "First records for Jordan");
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE.replace("type: semi-independent", "type: independent").replace("settling in well", "settling in"),
    );
    repo.write("records/yp-0001/notes/2026-03-14-visit.md", note("amira-hassan", "2026-03-14"));
    commit(&repo, AMIRA, "2026-03-14", "Moved into own flat\n\nTenancy signed at the housing office.");
    repo.write("records/yp-0001/notes/2026-03-15-phone.md", note("amira-hassan", "2026-03-15"));
    commit(&repo, ("A Volunteer", "volunteer@example.net"), "2026-03-15", "Phone call");

    let out = repo.cmd().args(["history", "yp-0001"]).output().expect("run waymark");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.starts_with("History of yp-0001, Jordan Example: 3 commits, newest first."), "{text}");
    let flat = text.find("14 Mar 2026  Amira Hassan  ").expect("date and staff name");
    let first = text.find("10 Jan 2026  Sam Okafor  ").expect("first commit");
    let phone = text.find("15 Mar 2026  A Volunteer <volunteer@example.net>").expect("non-staff author");
    assert!(phone < flat && flat < first, "newest first:\n{text}");
    assert!(text.contains("    Moved into own flat\n"));
    assert!(text.contains("    Tenancy signed at the housing office.\n"));
    assert!(text.contains("modified  profile.md"), "{text}");
    assert!(text.contains("added     notes/2026-03-14-visit.md"), "{text}");
    assert!(text.contains("      accommodation.type: semi-independent → independent\n"), "{text}");
    assert!(!text.contains("\x1b["), "plain when not a terminal");

    let out = repo.cmd().args(["history", "records/yp-0001/profile.md"]).output().expect("run waymark");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(text.contains("History of records/yp-0001/profile.md: 2 commits"), "{text}");
    assert!(!text.contains("Phone call"));

    let out = repo.cmd().args(["history", "yp-9999"]).output().expect("run waymark");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a person id nor a path"));
}

/// Times history extraction on a large repository: `WAYMARK_BENCH_REPO=/tmp/hist100k cargo test --release
/// --test history -- --ignored --nocapture bench`. Not run by default. `examples/bench_history.rs`
/// compares the cold walk with `git log` and times the warm path in a new process, as the issue asks.
#[test]
#[ignore]
fn bench_history_extraction() {
    let Some(root) = std::env::var_os("WAYMARK_BENCH_REPO") else { return };
    let root = Path::new(&root);
    let temp = tempfile::tempdir().expect("temp");
    // WAYMARK_BENCH_CACHE keeps the cache between runs, to time a run after a new commit.
    let cache = std::env::var_os("WAYMARK_BENCH_CACHE").map(std::path::PathBuf::from);
    let cache = cache.as_deref().unwrap_or(temp.path());
    if std::env::var_os("WAYMARK_BENCH_CACHE").is_none() {
        let t = std::time::Instant::now();
        let h = History::open(root);
        let cold = t.elapsed();
        let g = git_history(&h);
        println!("cold, no cache: {cold:?}: {} commits walked, {} paths", g.stats.walked, g.paths.len());
    }
    let mut held = History::None(String::new());
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let h = History::open_with_cache(root, cache);
        let g = git_history(&h);
        println!("with cache: {:?} ({:?}, {} walked)", t.elapsed(), g.stats.cache, g.stats.walked);
        held = h;
    }
    // WAYMARK_BENCH_COMMIT=1 adds a commit to the repository, then times an in-memory refresh.
    if std::env::var_os("WAYMARK_BENCH_COMMIT").is_some() {
        let file = root.join("records/bench-note.md");
        let n = std::fs::read_to_string(&file).map(|s| s.len()).unwrap_or(0);
        std::fs::write(&file, format!("{}x", "x".repeat(n))).expect("write");
        git_in(root, SAM, "2026-11-24", &["add", "records/bench-note.md"]);
        git_in(root, SAM, "2026-11-24", &["commit", "-q", "-m", "Bench commit"]);
        let t = std::time::Instant::now();
        let h = held.refresh(root, None);
        let g = git_history(&h);
        println!("in memory, after one new commit: {:?} ({:?}, {} walked)", t.elapsed(), g.stats.cache, g.stats.walked);
    }
}

/// What a loaded repository holds, in a form two loads can be compared by.
fn summary(r: &waymark::model::Repository) -> (Vec<String>, Vec<(String, String)>, Vec<String>) {
    let people = r.people.iter().map(|p| format!("{}:{}:{}", p.id, p.notes.len(), p.attachments.len())).collect();
    let sources = r.sources.iter().map(|(k, v)| (k.clone(), v.text().to_string())).collect();
    let diags = r.diagnostics.iter().map(|d| format!("{:?} {} {:?}", d.rule, d.file, d.pos)).collect();
    (people, sources, diags)
}

#[test]
fn records_at_a_commit_load_as_they_do_from_disk() {
    let repo = committed_clean();
    repo.write("records/yp-0002/notes/2026-01-02-visit.md", note("sam-okafor", "2026-01-02"));
    repo.write("records/yp-0002/files/letter.pdf", "%PDF-1.4 fictional");
    repo.write("records/stray.md", "not here");
    repo.write("records/yp-0002/notes/Bad Name.md", "x");
    let head = commit(&repo, SAM, "2026-01-02", "More records");
    let (g, prefix) = waymark::history::open_repository(repo.root()).expect("git");
    let oid = git2::Oid::from_str(&head).expect("oid");
    let at = waymark::load::load_at(repo.root(), &g, &prefix, oid).expect("loads");
    let disk = waymark::load::load(repo.root()).expect("loads");
    assert_eq!(summary(&at), summary(&disk));
    assert_eq!(at.files, disk.files);
}

#[test]
fn the_records_at_each_month_end_come_from_the_last_commit_on_or_before_it() {
    let repo = committed_clean();
    let jan = git(&repo, SAM, "2026-01-01", &["rev-parse", "HEAD"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is settling", "February: settling"));
    let feb = commit(&repo, SAM, "2026-02-10", "February");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is settling", "March: settling"));
    commit(&repo, AMIRA, "2026-03-31", "March");
    let (g, prefix) = waymark::history::open_repository(repo.root()).expect("git");
    let day = |s: &str| waymark::model::date::parse_date(s).expect("date");
    let line = waymark::history::Timeline::since(&g, day("2026-01-31")).expect("walk");
    assert_eq!(line.at(day("2025-12-31")), None, "before the first commit there are no records");
    assert_eq!(line.at(day("2026-01-31")).map(|o| o.to_string()), Some(jan.clone()));
    assert_eq!(line.at(day("2026-02-28")).map(|o| o.to_string()), Some(feb.clone()));
    let march = line.at(day("2026-03-31")).expect("a commit on the day itself counts");
    let text = |oid| {
        let r = waymark::load::load_at(repo.root(), &g, &prefix, oid).expect("loads");
        r.sources["records/yp-0001/profile.md"].text().to_string()
    };
    assert!(text(git2::Oid::from_str(&feb).expect("oid")).contains("February: settling"));
    assert!(text(march).contains("March: settling"));
    let before_feb = waymark::history::commit_at(&g, day("2026-02-09")).expect("walk");
    assert_eq!(before_feb.map(|o| o.to_string()), Some(jan), "the day before a commit holds the one before it");
}

#[test]
fn a_commit_without_waymark_yaml_has_no_records() {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    git(&repo, SAM, "2026-01-01", &["add", "records"]);
    git(&repo, SAM, "2026-01-01", &["commit", "-q", "-m", "Records only"]);
    let head = git(&repo, SAM, "2026-01-01", &["rev-parse", "HEAD"]);
    let (g, prefix) = waymark::history::open_repository(repo.root()).expect("git");
    let r = waymark::load::load_at(repo.root(), &g, &prefix, git2::Oid::from_str(&head).expect("oid"));
    assert!(matches!(r, Err(waymark::load::LoadError::NoConfig(_))));
}
