//! History on the built site: real git repositories with edits of nested fields and goals,
//! moves, merges and shallow clones, read from the pages as a manager would read them.
//!
//! Every person, member of staff and commit here is fictional.

mod common;
mod site;

use common::git::{commit, committed_clean, git, shallow_clone_of_profile_edits, AMIRA, SAM};
use common::{Repo, NOTE, PLAN, PROFILE, TODAY};
use std::path::{Path, PathBuf};

/// Builds the site of `root` into a temporary folder; returns the folder (kept alive by the guard).
fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("site");
    site::waymark(root, TODAY).arg("build").arg("--output").arg(&out).assert().success();
    (dir, out)
}

/// A page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed.
fn text(out: &Path, page: &str) -> String {
    let html = site::read(&out.join(page));
    let mut plain = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    site::decode_entities(&plain).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The HTML between the `<li class="commit">` that mentions `needle` and the next commit.
fn commit_block<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or_else(|| panic!("{needle:?} not on the page"));
    let start = html[..at].rfind("<li class=\"commit\"").expect("inside a commit");
    let end = html[at..].find("<li class=\"commit\"").map(|e| at + e).unwrap_or(html.len());
    &html[start..end]
}

/// Jordan's records over four commits by two members of staff: a nested field, a goal's status,
/// a goal added, a body reworded and a note added.
fn jordans_year() -> Repo {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-10", "First records for Jordan");
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE
            .replace("type: semi-independent", "type: independent")
            .replace("settling in well", "settling in very well"),
    );
    commit(&repo, AMIRA, "2026-03-14", "Moved into own flat\n\nTenancy signed at the housing office.");
    let goal = "  - id: bus-pass\n    heading: finance\n    need: Travel to college\n    action: Apply for a bus pass\n    by_whom: young-person\n    by_when: 2027-02-01\n    status: not-started\ncontingency:";
    repo.write(
        "records/yp-0001/pathway-plan.md",
        PLAN.replace("status: in-progress", "status: achieved").replace("contingency:", goal),
    );
    commit(&repo, SAM, "2026-04-02", "Plan review: college goal met, bus pass added");
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", NOTE.replace("2026-11-20", "2026-11-21"));
    commit(&repo, SAM, "2026-11-21", "Phone call with Jordan");
    repo
}

#[test]
fn every_record_says_when_it_last_changed_and_by_whom() {
    let repo = jordans_year();
    let (_keep, out) = build(repo.root());
    let person = text(&out, "people/yp-0001/index.html");
    assert!(
        person.contains("Last changed on 14 Mar 2026 by Amira Hassan: Moved into own flat · history"),
        "profile line: {person}"
    );
    assert!(person.contains("Last changed on 2 Apr 2026 by Sam Okafor: Plan review: college goal met, bus pass added"));
    assert!(person.contains("Last changed on 21 Nov 2026 by Sam Okafor: Phone call with Jordan"), "new note");
    assert!(person.contains("Last changed on 10 Jan 2026 by Sam Okafor: First records for Jordan"), "old note");
    let plan = text(&out, "people/yp-0001/plan.html");
    assert!(plan.contains("Last changed on 2 Apr 2026 by Sam Okafor"), "{plan}");
    let passport = text(&out, "people/yp-0001/passport.html");
    assert!(passport.contains("Last changed on 10 Jan 2026 by Sam Okafor: First records for Jordan"));
    let html = site::decode_entities(&site::read(&out.join("people/yp-0001/index.html")));
    assert!(html.contains(r#"href="history/profile.html""#), "the line links to the history page");
    assert!(
        html.contains(r#"href="history.html#c-"#)
            && !out.join("people/yp-0001/history/notes/2026-11-21-phone.html").exists(),
        "a note never changed since it was added links to that commit on the timeline, not to a page of its own"
    );
}

#[test]
fn a_record_history_page_shows_fields_goals_and_words_that_changed() {
    let repo = jordans_year();
    let (_keep, out) = build(repo.root());
    let profile = text(&out, "people/yp-0001/history/profile.html");
    assert!(profile.contains("History of Jordan Example's profile"), "{profile}");
    assert!(profile.contains("records/yp-0001/profile.md, newest first: 2 commits"));
    let flat = profile.find("14 Mar 2026 · Amira Hassan").expect("newest commit with staff name");
    let first = profile.find("10 Jan 2026 · Sam Okafor").expect("first commit");
    assert!(flat < first, "newest first");
    assert!(profile.contains("Moved into own flat Tenancy signed at the housing office."), "whole message");
    assert!(profile.contains("accommodation.type : semi-independent → independent"), "{profile}");
    let html = site::read(&out.join("people/yp-0001/history/profile.html"));
    let block = commit_block(&html, "Moved into own flat");
    assert!(block.contains("<del>semi-independent</del> → <ins>independent</ins>"), "{block}");
    assert!(block.contains("<ins>very </ins>"), "body word diff: {block}");
    assert!(!block.contains("<del>Jordan"), "unchanged words are not marked");

    let plan = site::read(&out.join("people/yp-0001/history/pathway-plan.html"));
    let review = commit_block(&plan, "Plan review: college goal met");
    assert!(review.contains("<code>goals[college].status</code>: <del>in-progress</del> → <ins>achieved</ins>"));
    assert!(review.contains("<code>goals[bus-pass]</code> added"), "a goal added is one change: {review}");
    assert!(!review.contains("goals[bus-pass].need"), "not one line per field of the new goal");
    let added = commit_block(&plan, "First records for Jordan");
    assert!(added.contains(">added</span>"), "{added}");
}

#[test]
fn a_person_has_one_timeline_and_the_repository_a_recent_changes_page() {
    let repo = jordans_year();
    repo.add_clean_person("yp-0002");
    commit(&repo, AMIRA, "2026-11-22", "Records for Alex");
    let (_keep, out) = build(repo.root());
    let timeline = text(&out, "people/yp-0001/history.html");
    assert!(timeline.contains("History of Jordan Example's records"));
    assert!(timeline.contains("newest first: 4 commits"), "{timeline}");
    assert!(!timeline.contains("Records for Alex"), "only Jordan's records");
    let order: Vec<usize> = ["Phone call with Jordan", "Plan review", "Moved into own flat", "First records"]
        .iter()
        .map(|m| timeline.find(m).unwrap_or_else(|| panic!("{m} on the timeline")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first: {order:?}");
    let html = site::decode_entities(&site::read(&out.join("people/yp-0001/history.html")));
    let id = git(&repo, SAM, TODAY, &["log", "-1", "--format=%H", "--", "records/yp-0001/notes/2026-11-21-phone.md"]);
    assert!(html.contains(&format!(r#"<li class="commit" id="c-{id}">"#)), "{html}");
    assert!(html.contains(&format!(r#"<a href="history.html#c-{id}">Note 2026-11-21-phone</a>"#)), "{html}");
    assert!(
        html.contains(r#"<a href="history/profile.html">Profile</a>"#),
        "a record changed since it was added has its own page"
    );
    assert!(html.contains(r#"href="index.html#note-2026-11-21-phone""#), "links to the note itself");

    let recent = text(&out, "changes.html");
    assert!(recent.contains("Recent changes"));
    assert!(recent.find("Records for Alex").expect("newest") < recent.find("Phone call with Jordan").expect("next"));
    assert!(recent.contains("The last 5 commits"), "{recent}");
    for page in ["index.html", "people/yp-0002/index.html", "report.html"] {
        assert!(site::read(&out.join(page)).contains("changes.html\">Recent changes</a>"), "{page} links to it");
    }
    site::check_site(&out);
}

#[test]
fn a_moved_note_keeps_its_history_and_a_merge_credits_the_branch_commit() {
    let repo = committed_clean();
    repo.add_clean_person("yp-0002");
    commit(&repo, SAM, "2026-01-02", "Second young person");
    git(&repo, SAM, "2026-02-01", &["checkout", "-q", "-b", "fix"]);
    git(
        &repo,
        AMIRA,
        "2026-02-01",
        &["mv", "records/yp-0001/notes/2026-11-20-visit.md", "records/yp-0002/notes/2026-11-20-call.md"],
    );
    commit(&repo, AMIRA, "2026-02-01", "Note was filed under the wrong young person");
    git(&repo, SAM, "2026-02-02", &["checkout", "-q", "main"]);
    git(&repo, SAM, "2026-02-03", &["merge", "-q", "--no-ff", "-m", "Merge branch fix", "fix"]);
    let (_keep, out) = build(repo.root());
    let page = text(&out, "people/yp-0002/history/notes/2026-11-20-call.html");
    assert!(page.contains("2 commits"), "{page}");
    assert!(page.contains("Amira Hassan · "), "the branch commit's author: {page}");
    assert!(page.contains("Note was filed under the wrong young person"));
    assert!(page.contains("moved Note 2026-11-20-call records/yp-0002/notes/2026-11-20-call.md (from records/yp-0001/notes/2026-11-20-visit.md)"), "{page}");
    assert!(page.contains("First records"), "history from before the move");
    assert!(!page.contains("Merge branch fix"), "the merge changed nothing itself");
    let person = text(&out, "people/yp-0002/index.html");
    assert!(person.contains("by Amira Hassan: Note was filed under the wrong young person"), "{person}");
    let old = text(&out, "people/yp-0001/history.html");
    assert!(old.contains("Note was filed under the wrong young person"), "the old person's timeline shows it left");
}

#[test]
fn a_shallow_clone_says_its_history_is_partial() {
    let (_clones, shallow) = shallow_clone_of_profile_edits();
    let (_keep, out) = build(&shallow);
    let page = text(&out, "people/yp-0001/history/profile.html");
    assert!(page.contains("This history is partial: the repository is a shallow clone"), "{page}");
    assert!(page.contains("The shallow clone starts here"), "{page}");
    assert!(!page.contains("First records"));
    assert!(text(&out, "changes.html").contains("This history is partial"));
}

#[test]
fn without_git_the_site_says_so_once_and_everything_else_works() {
    let repo = Repo::clean();
    let (_keep, out) = build(repo.root());
    let person = text(&out, "people/yp-0001/index.html");
    assert!(!person.contains("Last changed"), "no lines without git");
    assert!(person.contains("Visited at the flat"));
    let timeline = text(&out, "people/yp-0001/history.html");
    assert!(timeline.contains("No history: this folder is not in a git repository"), "{timeline}");
    assert!(text(&out, "changes.html").contains("No history: this folder is not in a git repository"));
    assert!(!out.join("people/yp-0001/history/profile.html").exists(), "no empty pages per record");
}

#[test]
fn an_uncommitted_edit_is_flagged_on_the_record() {
    let repo = jordans_year();
    repo.write("records/yp-0001/notes/2026-11-21-phone.md", NOTE.replace("Visited", "Called"));
    repo.write("records/yp-0001/notes/2026-11-23-text.md", NOTE.replace("2026-11-20", "2026-11-23"));
    let (_keep, out) = build(repo.root());
    let person = text(&out, "people/yp-0001/index.html");
    assert!(
        person.contains("Phone call with Jordan · history · changed since then, and the change is not yet committed"),
        "{person}"
    );
    assert!(person.contains("not yet in git: it has no history until it is committed"), "{person}");
    let report = text(&out, "report.html");
    assert!(report.contains("has changes not yet committed to git"), "the site's report has the git rules too");
}

#[test]
fn a_restricted_notes_changes_stay_on_its_young_persons_pages() {
    let repo = Repo::clean();
    let secret = NOTE.replace("minutes: 45\n", "minutes: 45\nrestricted: true\n");
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", &secret);
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-11-20", "Visit note");
    repo.write(
        "records/yp-0001/notes/2026-11-20-visit.md",
        secret.replace("Visited at the flat", "Visited at the refuge"),
    );
    commit(&repo, SAM, "2026-11-21", "Correct where the visit was");
    let (_keep, out) = build(repo.root());
    let own = site::read(&out.join("people/yp-0001/history/notes/2026-11-20-visit.html"));
    assert!(
        own.contains("<ins>refuge</ins>") || own.contains("<ins>refuge."),
        "shown on the note's own history: {own}"
    );
    assert!(own.contains("restricted note"));
    let recent = site::read(&out.join("changes.html"));
    assert!(recent.contains("Correct where the visit was"), "the commit is listed");
    assert!(!recent.contains("refuge"), "but not what the restricted note says");
    assert!(site::decode_entities(&recent).contains("What changed is shown on the young person's own history page."));
}

/// A records repository that also holds a program's source and a README (as this project's own
/// sample does): commits to those files are not history, and none of their text reaches the site.
#[test]
fn history_covers_the_records_staff_and_settings_only() {
    let repo = committed_clean();
    repo.write("README.md", "How to build the secret tool\n");
    repo.write("src/main.rs", "fn main() {}\n");
    commit(&repo, SAM, "2026-02-01", "Write the README and the tool");
    repo.write("README.md", "How to build the secret tool, reworded entirely\n");
    commit(&repo, SAM, "2026-02-02", "Reword the README");
    repo.write("staff/sam-okafor/supervision/2026-02-03.md", "---\ntype: supervision\n---\nSupervision.\n");
    commit(&repo, AMIRA, "2026-02-03", "Supervision for Sam");
    repo.write("waymark.yaml", format!("{}\n# settings reviewed\n", common::CONFIG));
    repo.write("README.md", "Mixed commit text in README\n");
    commit(&repo, SAM, "2026-02-04", "Review the settings");

    let h = waymark::history::History::open(repo.root());
    let g = h.git().expect("git history");
    let summaries: Vec<&str> = g.commits.iter().map(|c| c.summary()).collect();
    assert_eq!(summaries, vec!["First records", "Supervision for Sam", "Review the settings"]);
    let mut paths: Vec<&str> = g.paths.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    assert!(
        paths.iter().all(|p| p.starts_with("records/") || p.starts_with("staff/") || *p == "waymark.yaml"),
        "{paths:?}"
    );
    assert!(paths.contains(&"staff/sam-okafor/supervision/2026-02-03.md") && paths.contains(&"waymark.yaml"));

    let (_guard, out) = build(repo.root());
    let changes = text(&out, "changes.html");
    assert!(changes.contains("Review the settings") && changes.contains("Supervision for Sam"), "{changes}");
    for outside in ["README", "Write the README", "secret tool", "Mixed commit text", "src/main.rs"] {
        assert!(!changes.contains(outside), "{outside:?} is not a record, yet changes.html shows it: {changes}");
    }
}
