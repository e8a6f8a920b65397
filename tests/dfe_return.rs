//! `waymark return 903`: the DfE's care-leaver return, built from real repositories by the real
//! binary, and checked with the DfE's own validation rules (`csc-validator-be-903`, run by
//! tests/dfe/run_validator.py).
//!
//! Every person here is fictional.

mod common;
#[allow(dead_code)] // only `generate` and its options are used here
#[path = "../examples/synth.rs"]
mod synth;

use common::{profile, Repo, TODAY};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The Python of the virtual environment holding `csc-validator-be-903`, or `None` (with the
/// reason printed) when it is not installed here. In CI its absence fails the test.
fn validator() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WAYMARK_DFE_VALIDATOR") {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "WAYMARK_DFE_VALIDATOR names {}, which does not exist", p.display());
        return Some(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-dfe/bin/python");
    if venv.is_file() {
        return Some(venv);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the DfE validator is not installed: .ci/run installs csc-validator-be-903 into .venv-dfe, \
         or set WAYMARK_DFE_VALIDATOR to a Python that has it"
    );
    eprintln!(
        "skipping the DfE validator: WAYMARK_DFE_VALIDATOR is not set and .venv-dfe does not exist \
         (python3 -m venv .venv-dfe && .venv-dfe/bin/pip install csc-validator-be-903)"
    );
    None
}

/// What the DfE's OC3 rules made of a return.
struct Verdict {
    json: Value,
}

impl Verdict {
    /// `(rule, child)` for every failure, children in Waymark's lowercase.
    fn failures(&self) -> Vec<(String, String)> {
        self.json["failures"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (f["rule"].as_str().unwrap_or("").to_string(), f["child"].as_str().unwrap_or("").to_lowercase())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn rules(&self, key: &str) -> Vec<String> {
        self.json[key]
            .as_array()
            .map(|a| a.iter().filter_map(|r| r.as_str().map(String::from)).collect())
            .unwrap_or_default()
    }
}

/// Runs every OC3 rule of the DfE's validator on `oc3` (with last year's return when given).
fn validate(python: &Path, year: u32, oc3: &Path, last: Option<&Path>) -> Verdict {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dfe/run_validator.py");
    let mut cmd = std::process::Command::new(python);
    cmd.arg(script).arg("--year").arg(year.to_string()).arg("--oc3").arg(oc3);
    if let Some(last) = last {
        cmd.arg("--last-oc3").arg(last);
    }
    let out = cmd.output().expect("run the DfE validator");
    let text = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("the validator's output is not JSON ({e}):\n{text}\n{}", String::from_utf8_lossy(&out.stderr))
    });
    assert!(
        json["crashed"].as_array().is_none_or(|c| c.is_empty()),
        "rules crashed on our return: {}",
        json["crashed"]
    );
    Verdict { json }
}

/// Runs `waymark return 903 --year <year> --out <out>`: exit status and what it printed.
fn make_return(repo: &Repo, today: &str, year: u32, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let o = repo
        .cmd_on(today)
        .args(["return", "903", "--year", &year.to_string(), "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("run waymark");
    (
        o.status.code().expect("exit status"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The people `waymark check` reports anything about, as of `today`.
fn reported(root: &Path, today: &str) -> BTreeSet<String> {
    let out = common::waymark()
        .arg("--root")
        .arg(root)
        .arg("--today")
        .arg(today)
        .args(["check", "--format", "json"])
        .output()
        .expect("run waymark check");
    let json: Value = serde_json::from_slice(&out.stdout).expect("check's JSON");
    json["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["person"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

const EIGHTEEN_IN_2025_26: &str = "2007-06-01";
const SEVENTEEN_IN_2025_26: &str = "2008-06-01";

fn status(in_touch: &str, accommodation: &str, activity: &str) -> String {
    let mut s = String::new();
    if !in_touch.is_empty() {
        s.push_str(&format!("in_touch: {in_touch}\n"));
    }
    if !accommodation.is_empty() {
        s.push_str("accommodation:\n");
        for part in accommodation.split(',') {
            s.push_str(&format!("  {}\n", part.trim()));
        }
    }
    if !activity.is_empty() {
        s.push_str("activity:\n");
        for part in activity.split(',') {
            s.push_str(&format!("  {}\n", part.trim()));
        }
    }
    s
}

/// One young person for each combination of IN_TOUCH, ACTIV and ACCOM the return must handle.
fn combinations() -> Repo {
    let repo = Repo::new();
    let people: &[(&str, &str, &str, String)] = &[
        (
            "a-yes-full",
            "relevant",
            SEVENTEEN_IN_2025_26,
            status("yes", "type: semi-independent, suitable: true", "type: other-education, hours: full-time"),
        ),
        (
            "b-yes-part",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: independent, suitable: false", "type: apprenticeship, hours: part-time"),
        ),
        ("c-no-unknown", "former-relevant", EIGHTEEN_IN_2025_26, status("no", "type: not-known", "")),
        (
            "d-refuses",
            "former-relevant",
            "2005-09-30",
            status("refuses", "type: homeless, suitable: false", "type: neet-other"),
        ),
        (
            "e-nreq",
            "former-relevant",
            "2004-12-25",
            status(
                "no-longer-needs",
                "type: independent, suitable: true",
                "type: training-or-employment, hours: full-time",
            ),
        ),
        (
            "f-died",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("died", "type: independent, suitable: true", "type: training-or-employment, hours: full-time"),
        ),
        (
            "g-rhom",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("returned-home", "type: parents-or-relatives, suitable: true", "type: neet-other"),
        ),
        (
            "h-no-in-touch",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("", "type: independent, suitable: true", "type: neet-other"),
        ),
        (
            "i-yes-not-known",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: independent, suitable: true", "type: not-known"),
        ),
        (
            "j-no-hours",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: independent, suitable: true", "type: higher-education"),
        ),
        (
            "k-bare-letter",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: semi-independent", "type: neet-other"),
        ),
        (
            "l-s1",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: homeless, suitable: true", "type: neet-other"),
        ),
        (
            "m-x1",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: custody, suitable: true", "type: neet-other"),
        ),
        (
            "n-foster",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: foster, suitable: true", "type: neet-other"),
        ),
        (
            "o-staying-put-17",
            "relevant",
            SEVENTEEN_IN_2025_26,
            status("yes", "type: staying-put, suitable: true", "type: neet-other"),
        ),
        (
            "p-foyer-17",
            "relevant",
            SEVENTEEN_IN_2025_26,
            status("yes", "type: foyer, suitable: true", "type: neet-other"),
        ),
        (
            "q-looked-after",
            "looked-after",
            SEVENTEEN_IN_2025_26,
            status("yes", "type: foster, suitable: true", "type: neet-other"),
        ),
        (
            "r-qualifying",
            "qualifying",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: independent, suitable: true", "type: neet-other"),
        ),
        (
            "s-twenty-two",
            "former-relevant",
            "2003-01-01",
            status("yes", "type: independent, suitable: true", "type: neet-other"),
        ),
        (
            "t-sixteen",
            "relevant",
            "2010-01-01",
            status("yes", "type: semi-independent, suitable: true", "type: neet-other"),
        ),
        (
            "u-staying-put-18",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("yes", "type: staying-put, suitable: true", "type: other-education, hours: full-time"),
        ),
        (
            "v-no-suitability",
            "former-relevant",
            EIGHTEEN_IN_2025_26,
            status("no", "type: independent", "type: higher-education"),
        ),
    ];
    for (id, legal, dob, extra) in people {
        repo.write(&format!("records/{id}/profile.md"), profile(legal, dob, extra));
    }
    repo
}

const COMBINATIONS_CSV: &str = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n\
a-yes-full,01/06/2008,YES,F2,D1\r\n\
b-yes-part,01/06/2007,YES,P4,U2\r\n\
c-no-unknown,01/06/2007,NO,0,0\r\n\
d-refuses,30/09/2005,REFU,G5,S2\r\n\
e-nreq,25/12/2004,NREQ,F5,U1\r\n\
f-died,01/06/2007,DIED,0,0\r\n\
g-rhom,01/06/2007,RHOM,0,0\r\n\
u-staying-put-18,01/06/2007,YES,F2,Z1\r\n\
v-no-suitability,01/06/2007,NO,0,0\r\n";

#[test]
fn every_combination_gives_a_whole_row_or_a_reason() {
    let repo = combinations();
    let out = repo.path("out");
    let (code, stdout, stderr) = make_return(&repo, TODAY, 2026, &out, &[]);
    assert_eq!(code, 1, "problems make the exit status 1\n{stdout}{stderr}");
    assert!(stdout.contains("9 in OC3.csv, 9 with problems (no row written), 2 left out"), "{stdout}");
    assert_eq!(read(&out.join("OC3.csv")), COMBINATIONS_CSV);

    let html = read(&out.join("return.html"));
    for (id, rule, words) in [
        ("h-no-in-touch", "131", "in_touch is not recorded"),
        ("i-yes-not-known", "345", "will not accept activity `not-known`"),
        ("j-no-hours", "132", "higher-education needs full-time or part-time"),
        ("k-bare-letter", "133", "semi-independent needs suitable: true or false"),
        ("l-s1", "133", "there is no code S1"),
        ("m-x1", "133", "there is no code X1"),
        ("n-foster", "133", "foster has no DfE care-leaver code"),
        ("o-staying-put-17", "3001", "cannot be with former foster carers"),
        ("p-foyer-17", "347", "cannot be accommodated in a foyer"),
    ] {
        let at = html.find(&format!("id=\"problem-{id}\"")).unwrap_or_else(|| panic!("{id} is listed with problems"));
        let section = &html[at..];
        let section = &section[..section.find("</article>").unwrap_or(section.len())];
        assert!(section.contains(&format!("DfE rule {rule}")), "{id} names rule {rule}:\n{section}");
        assert!(section.contains(words), "{id} says {words:?}:\n{section}");
        assert!(section.contains(&format!("{id}&#x2F;profile.md:")), "{id} names the file and line:\n{section}");
    }
    assert!(html.contains("they were looked-after at their 17th birthday"), "q left out with its reason");
    assert!(html.contains("they were qualifying at their 18th birthday"), "r left out with its reason");
    assert!(html.contains("<span class=\"number\">2</span> with no 17th to 21st birthday"), "s and t are outside");
    assert!(html.contains("id=\"not-from-git\""), "no git: the page says statuses are today's");
    assert!(html.contains("ACCOM returned as 0 (not known)"), "the 0 written by convention is explained");

    if let Some(python) = validator() {
        let v = validate(&python, 2026, &out.join("OC3.csv"), None);
        assert_eq!(v.failures(), Vec::<(String, String)>::new(), "the DfE's rules accept every row written");
        assert!(v.rules("ran").len() >= 12, "the OC3 rules that need no episodes ran: {:?}", v.rules("ran"));
    }
}

/// The rows Waymark refuses to write are the ones the DfE's rules reject: written naively, they fail.
#[test]
fn the_dfe_rules_reject_what_waymark_leaves_out() {
    let Some(python) = validator() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("OC3.csv");
    std::fs::write(
        &bad,
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n\
         h-no-in-touch,01/06/2007,,G5,U1\r\n\
         i-yes-not-known,01/06/2007,YES,0,U1\r\n\
         j-no-hours,01/06/2007,YES,F,U1\r\n\
         k-bare-letter,01/06/2007,YES,G5,D\r\n\
         l-s1,01/06/2007,YES,G5,S1\r\n\
         m-x1,01/06/2007,YES,G5,X1\r\n\
         o-staying-put-17,01/06/2008,YES,G5,Z1\r\n\
         w-rhom-filled,01/06/2007,RHOM,F2,D1\r\n\
         t-sixteen,01/01/2010,YES,G5,D1\r\n",
    )
    .expect("write");
    let v = validate(&python, 2026, &bad, None);
    let got: BTreeSet<(String, String)> = v.failures().into_iter().collect();
    for (rule, child) in [
        ("131", "h-no-in-touch"),
        ("153", "h-no-in-touch"),
        ("345", "i-yes-not-known"),
        ("132", "j-no-hours"),
        ("133", "k-bare-letter"),
        ("133", "l-s1"),
        ("133", "m-x1"),
        ("3001", "o-staying-put-17"),
        ("344", "w-rhom-filled"),
        ("391", "t-sixteen"),
    ] {
        assert!(got.contains(&(rule.to_string(), child.to_string())), "rule {rule} catches {child}: {got:?}");
    }

    // The board's CSV is not a 903 table: the validator refuses it before any rule runs.
    let board = dir.path().join("care-leavers.csv");
    std::fs::write(
        &board,
        "CHILD,DOB,AGE,LEGAL_STATUS,IN_TOUCH,ACTIV,ACCOM,STAYING_PUT,STAYING_CLOSE,PASSPORT_ISSUED\r\n",
    )
    .expect("write");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dfe/run_validator.py");
    let out = std::process::Command::new(&python)
        .arg(script)
        .args(["--year", "2026", "--oc3"])
        .arg(&board)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_year_that_has_not_ended_is_refused_unless_partial() {
    let repo = combinations();
    let out = repo.path("out");
    let (code, _, stderr) = make_return(&repo, "2026-03-31", 2026, &out, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("has not ended") && stderr.contains("--partial"), "{stderr}");
    assert!(!out.exists(), "nothing is written");

    let (_, stdout, stderr) = make_return(&repo, "2025-09-01", 2026, &out, &["--partial"]);
    assert!(stdout.contains("the return is partial"), "{stdout}{stderr}");
    let html = read(&out.join("return.html"));
    assert!(html.contains("id=\"partial\""));
    // Birthdays on 1 June 2025 have come; 30 September and 25 December have not.
    assert!(html.contains("their 20th birthday, 30 Sep 2025, has not come yet"), "d is left out until then");
    assert!(read(&out.join("OC3.csv")).contains("a-yes-full,01/06/2008,YES,F2,D1"));
}

#[test]
fn the_output_folder_is_replaced_whole_and_never_the_records() {
    let repo = combinations();
    let (code, _, stderr) = make_return(&repo, TODAY, 2026, &repo.path("records/out"), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("mix it with the records"), "{stderr}");

    repo.mkdir("theirs").write("theirs/keep.txt", "not ours");
    let (code, _, stderr) = make_return(&repo, TODAY, 2026, &repo.path("theirs"), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(read(&repo.path("theirs/keep.txt")), "not ours");

    // Default: returns/ssda903-YYYY under the repository; a second run replaces it.
    for _ in 0..2 {
        let o = repo.cmd().args(["return", "903", "--year", "2026"]).output().expect("run");
        assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(read(&repo.path("returns/ssda903-2026/OC3.csv")), COMBINATIONS_CSV);
    assert!(repo.path("returns/ssda903-2026/static/style.css").is_file(), "the page has its style sheet");
}

/// Makes the 2024-25 and 2025-26 returns of the repository at `root` into `dir` and, with the
/// validator, checks each with the DfE's rules (2025-26 with 2024-25 as last year's): no child
/// fails that `waymark check` did not already report. Returns each year's OC3.csv.
fn two_years_pass_the_dfe_rules(root: &Path, dir: &Path) -> Vec<String> {
    let today = "2026-11-24";
    let reported = reported(root, today);
    let python = validator();
    let mut last: Option<PathBuf> = None;
    let mut csvs = Vec::new();
    for year in [2025u32, 2026] {
        let out = dir.join(format!("r{year}"));
        let o = common::waymark()
            .arg("--root")
            .arg(root)
            .args(["--today", today, "return", "903", "--year", &year.to_string(), "--out"])
            .arg(&out)
            .output()
            .expect("run");
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&o.stderr));
        let csv = read(&out.join("OC3.csv"));
        assert!(csv.starts_with("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n"));
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            assert!(f.len() == 5 && f.iter().all(|x| !x.is_empty()), "five fields, none blank: {line}");
        }
        if let Some(python) = &python {
            let v = validate(python, year, &out.join("OC3.csv"), last.as_deref());
            let unexplained: Vec<_> = v.failures().into_iter().filter(|(_, c)| !reported.contains(c)).collect();
            assert!(
                unexplained.is_empty(),
                "{year}: DfE rules fail for children check did not report: {unexplained:?}"
            );
            eprintln!(
                "{year}: {} rows; DfE rules ran {:?}, skipped {:?}",
                csv.lines().count() - 1,
                v.rules("ran"),
                v.rules("skipped")
            );
        }
        last = Some(out.join("OC3.csv"));
        csvs.push(csv);
    }
    csvs
}

#[test]
fn the_sample_repository_passes_the_dfe_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    for csv in two_years_pass_the_dfe_rules(Path::new(env!("CARGO_MANIFEST_DIR")), dir.path()) {
        assert!(csv.lines().count() > 1, "the sample has care leavers in each year:\n{csv}");
    }
}

/// Two collection years of a 250-person synthetic repository with git history.
#[test]
fn synthetic_repositories_pass_the_dfe_rules_for_two_years() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("corpus");
    synth::generate(&synth::Options {
        out: root.clone(),
        people: 250,
        notes: 2500,
        seed: 16,
        git: true,
        fast_import: false,
        history_heavy: false,
    })
    .expect("generates");
    let rows: usize = two_years_pass_the_dfe_rules(&root, dir.path()).iter().map(|c| c.lines().count() - 1).sum();
    assert!(rows > 100, "two years of a 250-person repository give many rows ({rows})");
}

/// IN_TOUCH, ACTIV and ACCOM as the records stood on the birthday: the last commit on or before
/// it; a birthday git holds nothing for is read from today's record, and the page says so.
#[test]
fn status_at_the_birthday_comes_from_git() {
    use common::git::{commit, git, SAM};
    let repo = Repo::new();
    let yes = status("yes", "type: semi-independent, suitable: true", "type: other-education, hours: full-time");
    let later = status("no", "type: independent, suitable: true", "type: neet-other");
    repo.write("records/yp-a/profile.md", profile("former-relevant", "2007-06-01", &yes));
    repo.write(
        "records/yp-b/profile.md",
        profile("looked-after", "2007-09-01", &status("yes", "type: foster, suitable: true", "type: neet-other")),
    );
    repo.write("records/yp-d/profile.md", profile("former-relevant", "2005-07-01", &yes));
    git(&repo, SAM, "2025-01-10", &["init", "-q"]);
    commit(&repo, SAM, "2025-01-10", "First records");
    // On yp-d's 20th birthday itself: that day's commit counts.
    repo.write(
        "records/yp-d/profile.md",
        profile(
            "former-relevant",
            "2005-07-01",
            &status("refuses", "type: independent, suitable: false", "type: neet-other"),
        ),
    );
    // After yp-a's 18th birthday (1 June): not what the return reads for yp-a.
    repo.write("records/yp-a/profile.md", profile("former-relevant", "2007-06-01", &later));
    commit(&repo, SAM, "2025-07-01", "yp-a moved; yp-d refuses contact");
    // After yp-b's 18th birthday (1 September): they were still looked after on it.
    repo.write(
        "records/yp-b/profile.md",
        profile(
            "former-relevant",
            "2007-09-01",
            &status("yes", "type: staying-put, suitable: true", "type: neet-other"),
        ),
    );
    commit(&repo, SAM, "2025-09-05", "yp-b staying put");
    // yp-c's record was first committed after their 19th birthday (1 May).
    repo.write("records/yp-c/profile.md", profile("former-relevant", "2006-05-01", &yes));
    commit(&repo, SAM, "2025-12-01", "yp-c joins the service");
    // An edit not yet committed does not change what git says of the past.
    repo.write("records/yp-a/profile.md", profile("former-relevant", "2007-06-01", &status("died", "", "")));

    let out = repo.path("out");
    let (code, stdout, stderr) = make_return(&repo, TODAY, 2026, &out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        read(&out.join("OC3.csv")),
        "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n\
         yp-a,01/06/2007,YES,F2,D1\r\n\
         yp-c,01/05/2006,YES,F2,D1\r\n\
         yp-d,01/07/2005,REFU,G5,U2\r\n"
    );
    let html = read(&out.join("return.html"));
    assert!(html.contains("id=\"from-git\""));
    assert!(html.contains("they were looked-after at their 18th birthday"), "yp-b was in care on the birthday");
    assert!(html.contains("commit ") && html.contains(" of 10 Jan 2025"), "yp-a's row names the commit read");
    assert!(html.contains(" of 1 Jul 2025"), "yp-d's row names the birthday's own commit");
    assert!(
        html.contains("today&#x27;s record: there was no record of them in git by their birthday (1 May 2025)"),
        "{html}"
    );
    assert!(html.contains("id=\"today-instead\""), "the page says one status came from today's record");

    // Without git, today's records stand for every birthday, and the page says so.
    std::fs::remove_dir_all(repo.path(".git")).expect("remove .git");
    let (_, stdout, _) = make_return(&repo, TODAY, 2026, &out, &[]);
    assert!(stdout.contains("not from git"), "{stdout}");
    let csv = read(&out.join("OC3.csv"));
    assert!(csv.contains("yp-a,01/06/2007,DIED,0,0\r\n"), "{csv}");
    assert!(csv.contains("yp-b,01/09/2007,YES,G5,Z1\r\n"), "{csv}");
    assert!(read(&out.join("return.html")).contains("id=\"not-from-git\""));
}

/// The board's in-touch, activity and accommodation figures say whom they count, and show the
/// DfE's cohort of the last collection year beside everyone open today.
#[test]
fn the_board_shows_the_dfe_cohort_beside_everyone_open() {
    let repo = combinations();
    let o = repo.cmd().arg("build").output().expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&repo.path("public/board/index.html"));
    assert_eq!(html.matches("Everyone open today.").count(), 3, "each breakdown says whom it counts");
    assert!(html.contains("The DfE's care-leaver cohort, 2025-26"), "{html}");
    // Relevant or former-relevant with a 17th to 21st birthday in 2025-26: 18; nine give no row.
    assert!(html.contains("Young people in it by today's records: 18, of whom 9 cannot yet be given a row"), "{html}");
    for code in ["YES", "NO", "REFU", "NREQ", "DIED", "RHOM", "F2", "P4", "G5", "D1", "U2", "S2", "Z1"] {
        assert!(html.contains(&format!("<td>{code}</td>")), "the cohort tables show {code}");
    }
    assert!(html.contains("waymark return 903 --year 2026"));
}
