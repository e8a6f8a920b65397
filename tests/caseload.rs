//! `waymark build --caseload STAFF-ID` and `sites:` in waymark.yaml, on the sample repository:
//! no byte of one member of staff's site names or describes a young person outside it.

mod common;
mod site;

use site::{files, find, needles, read, sample_root, site_bytes, waymark};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-24";

/// The ids of the young people each member of staff is personal adviser or key worker for.
fn caseload_of(root: &Path, staff: &str) -> BTreeSet<String> {
    let repo = waymark::load::load(root).expect("repository");
    repo.people
        .iter()
        .filter(|p| {
            p.profile.as_ref().is_some_and(|pr| {
                [&pr.personal_adviser, &pr.key_worker].into_iter().flatten().any(|s| s.value == staff)
            })
        })
        .map(|p| p.id.clone())
        .collect()
}

fn build_caseload(root: &Path, out: &Path, staff: &[&str]) -> String {
    let mut cmd = waymark(root, TODAY);
    cmd.arg("build").arg("--output").arg(out);
    for s in staff {
        cmd.arg("--caseload").arg(s);
    }
    let done = cmd.assert().success();
    String::from_utf8_lossy(&done.get_output().stdout).into_owned()
}

/// Checks a caseload site: every needle of its young people is there (restricted notes only
/// when `restricted`), and none of anyone else's.
fn check(root: &Path, out: &Path, people: &BTreeSet<String>, see_restricted: bool) {
    let site = site_bytes(out);
    let mut found = 0;
    let restricted = site::restricted_needles(root);
    for n in needles(root) {
        let Some(id) = &n.person else { continue };
        let hidden = !people.contains(id) || (!see_restricted && restricted.contains(&n.what));
        match (find(&site, &n), hidden) {
            (Some(at), true) => panic!("{}: {} {:?} of {id} is in {at}", out.display(), n.what, n.text),
            (None, false) => panic!("{}: {} {:?} of {id} is missing", out.display(), n.what, n.text),
            (None, true) => {}
            (Some(_), false) => found += 1,
        }
    }
    assert!(found > 0 || people.is_empty());
    let shown: BTreeSet<String> = std::fs::read_dir(out.join("people"))
        .map(|d| d.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(&shown, people);
}

#[test]
fn each_caseload_site_holds_its_own_young_people_and_nobody_else() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = waymark::load::load(sample_root()).expect("sample");
    let mut built = 0;
    for staff in &repo.config.staff {
        let people = caseload_of(sample_root(), &staff.id);
        let manager = staff.role == Some(waymark::model::vocab::Role::Manager);
        if people.is_empty() && !manager {
            continue;
        }
        let out = dir.path().join(&staff.id);
        let said = build_caseload(sample_root(), &out, &[&staff.id]);
        assert!(said.contains("a caseload site"), "{said}");
        let people = if manager { repo.people.iter().map(|p| p.id.clone()).collect() } else { people };
        check(sample_root(), &out, &people, false);
        built += 1;
    }
    assert!(built >= 4, "{built} caseload sites");
}

#[test]
fn a_team_site_is_the_union_of_caseloads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("team");
    build_caseload(sample_root(), &out, &["sam-okafor", "priya-nair"]);
    let mut people = caseload_of(sample_root(), "sam-okafor");
    people.extend(caseload_of(sample_root(), "priya-nair"));
    check(sample_root(), &out, &people, false);
    // The dashboard, board and search are made from those young people alone.
    let dashboard = site::decode_entities(&read(&out.join("index.html")));
    for id in &people {
        assert!(dashboard.contains(&format!("people/{id}/index.html")), "{id} is listed");
    }
    let csv = read(&out.join("board/care-leavers.csv"));
    assert_eq!(csv.lines().count(), people.len() + 1, "{csv}");
}

#[test]
fn an_unknown_staff_id_is_refused_with_the_ids_there_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = waymark(sample_root(), TODAY)
        .arg("build")
        .arg("--caseload")
        .arg("sam-okafr")
        .arg("--output")
        .arg(dir.path().join("x"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("sam-okafr") && err.contains("sam-okafor"), "{err}");
    assert!(!dir.path().join("x").exists());
}

/// A copy of the sample repository (settings and records, no git) with `extra` added to
/// waymark.yaml and `see_restricted: true` given to one member of staff.
fn sample_copy(extra: &str, sees_restricted: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files(&sample_root().join("records")) {
        let rel = file.strip_prefix(sample_root()).expect("inside");
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(&file, &to).expect("copy");
    }
    let config = read(&sample_root().join("waymark.yaml")).replace(
        &format!("  - id: {sees_restricted}\n"),
        &format!("  - id: {sees_restricted}\n    see_restricted: true\n"),
    );
    std::fs::write(dir.path().join("waymark.yaml"), format!("{config}{extra}")).expect("config");
    dir
}

#[test]
fn waymark_yaml_sites_are_built_in_one_run_each_with_its_own_passphrase() {
    let extra = "sites:\n  - output: site-dan\n    staff: [dan-whitfield]\n    passphrase_env: WAYMARK_TEST_DAN\n  - output: site-ruth\n    staff: [ruth-adeyemi, dan-whitfield]\n";
    let repo = sample_copy(extra, "dan-whitfield");
    let root = repo.path();
    let run = waymark(root, TODAY).arg("build").env_remove("WAYMARK_TEST_DAN").assert().code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("WAYMARK_TEST_DAN") && err.contains("site-dan"), "{err}");
    let done =
        waymark(root, TODAY).arg("build").env("WAYMARK_TEST_DAN", "a long passphrase for dan").assert().success();
    let said = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert_eq!(said.lines().count(), 3, "{said}");
    assert!(said.contains("an encrypted caseload site") && said.contains("site-dan"), "{said}");
    // Dan's site is sealed: none of anyone's needles is there, his own included.
    let sealed = site_bytes(&root.join("site-dan"));
    for n in needles(root) {
        assert!(find(&sealed, &n).is_none(), "{} {:?}", n.what, n.text);
    }
    // Ruth and Dan's site: their young people; restricted notes out, since Ruth may not see them.
    let mut people = caseload_of(root, "dan-whitfield");
    people.extend(caseload_of(root, "ruth-adeyemi"));
    check(root, &root.join("site-ruth"), &people, false);
    // Dan alone, unencrypted, sees his young people's restricted notes.
    let out: PathBuf = root.join("dan-plain");
    build_caseload(root, &out, &["dan-whitfield"]);
    check(root, &out, &caseload_of(root, "dan-whitfield"), true);
}

#[test]
fn a_caseload_site_hides_commit_messages_which_could_name_anyone() {
    let repo = sample_copy("", "nobody");
    let root = repo.path();
    let git = |date: &str, args: &[&str]| common::git::git_in(root, common::git::SAM, date, args);
    git("2026-01-05", &["init"]);
    git("2026-01-05", &["add", "-A"]);
    git("2026-01-05", &["commit", "-q", "-m", "First records"]);
    // A change to one of Sam's young people, whose message names someone outside his caseload.
    let sams = caseload_of(root, "sam-okafor");
    let loaded = waymark::load::load(root).expect("repository");
    let outsider = loaded.people.iter().find(|p| !sams.contains(&p.id)).expect("someone outside Sam's caseload");
    let name = outsider.profile.as_ref().and_then(|p| p.full_name()).expect("a name").to_string();
    let mine = sams.iter().next().expect("Sam has a caseload");
    let note = files(&root.join("records").join(mine).join("notes")).into_iter().next().expect("a note");
    std::fs::write(&note, format!("{}\nCalled again to confirm.\n", read(&note))).expect("edit");
    let message = format!("Follow-up call, also about {name}\n\n{name} asked to be kept informed.");
    git("2026-02-10", &["commit", "-q", "-a", "-m", &message]);

    // The whole team's site shows the message as written, so the search below can find it.
    let plain = root.join("plain");
    waymark(root, TODAY).arg("build").arg("--output").arg(&plain).assert().success();
    let changes = site::decode_entities(&read(&plain.join("changes.html")));
    assert!(changes.contains(&format!("Follow-up call, also about {name}")), "the plain site shows the message");

    // Sam's site shows the commit, its date and change, but not its message.
    let sam = root.join("sam");
    build_caseload(root, &sam, &["sam-okafor"]);
    let bytes = site_bytes(&sam);
    assert_eq!(site::find_needle(&bytes, &name), None, "{name} is in Sam's site");
    assert_eq!(site::find_needle(&bytes, "Follow-up call"), None, "the message is in Sam's site");
    let changes = site::decode_entities(&read(&sam.join("changes.html")));
    assert!(changes.contains(waymark::audience::HIDDEN_MESSAGE), "{changes}");
    let timeline = site::decode_entities(&read(&sam.join("people").join(mine).join("history.html")));
    assert!(timeline.contains(waymark::audience::HIDDEN_MESSAGE) && timeline.contains("10 Feb 2026"), "{timeline}");
}
