//! Board trends from git: the key measures at each of the last twelve month ends, from the
//! records as they stood in a real git repository whose history changes month by month.
//! Every person and number here is fictional.

mod common;

use common::git::{commit, git, SAM};
use common::{Repo, PROFILE};
use std::path::{Path, PathBuf};

const HEADER: &str =
    "month_end,open,in_touch,neet,suitable_accommodation,homeless,staying_put,plans_on_time,passports_before_18";

/// A's plan: reviewed 2025-12-01, next review 2026-04-15 (so on time until then).
const PLAN_A: &str = "---\nstarted: 2025-06-01\nreviews:\n  - date: 2025-12-01\n    by: sam-okafor\nnext_review: 2026-04-15\n---\nPlan.\n";

/// B: former-relevant, not in touch, homeless and unsuitable, NEET.
const PROFILE_B: &str = "---\nname: Bo Example\ndate_of_birth: 2006-01-01\nlegal_status: former-relevant\npersonal_adviser: sam-okafor\nin_touch: no\naccommodation:\n  type: homeless\n  suitable: false\nactivity:\n  type: neet-other\n  since: 2025-12-01\n---\n";

/// C: former-relevant, staying put, passport issued before 18.
const PROFILE_C: &str = "---\nname: Cal Example\ndate_of_birth: 2007-06-01\nlegal_status: former-relevant\npersonal_adviser: sam-okafor\nin_touch: yes\naccommodation:\n  type: staying-put\n  suitable: true\nactivity:\n  type: apprenticeship\n  hours: full-time\nstaying_put: { carer: \"Mr and Mrs Example\", since: 2025-06-01 }\n---\n";
const PASSPORT_C: &str = "---\nnhs_number: \"999 765 4323\"\nissued: 2025-05-20\n---\n";

fn build(root: &Path, today: &str) -> PathBuf {
    common::waymark().arg("--root").arg(root).arg("--today").arg(today).arg("build").assert().success();
    root.join("public")
}

/// The history: A and B in January, C in March (and B back in touch), A closed in June,
/// B housed and in work in September.
fn monthly_history() -> Repo {
    // Three young people: every count would be held back at the board's default threshold of 5.
    let repo = Repo::with_config_extra("board:\n  suppress_below: 1\n");
    repo.write(".gitignore", ".waymark/\npublic/\n");
    repo.write("records/yp-000a/profile.md", PROFILE).write("records/yp-000a/pathway-plan.md", PLAN_A);
    repo.write("records/yp-000b/profile.md", PROFILE_B);
    git(&repo, SAM, "2026-01-10", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-10", "A and B");
    repo.write("records/yp-000c/profile.md", PROFILE_C).write("records/yp-000c/health-passport.md", PASSPORT_C);
    repo.write("records/yp-000b/profile.md", PROFILE_B.replace("in_touch: no", "in_touch: yes"));
    commit(&repo, SAM, "2026-03-15", "C arrives; B back in touch");
    repo.write(
        "records/yp-000a/profile.md",
        PROFILE.replace("status: active", "status: closed\nclosed: { date: 2026-06-20, reason: moved-area }"),
    );
    commit(&repo, SAM, "2026-06-20", "A moves away");
    let housed = PROFILE_B
        .replace("in_touch: no", "in_touch: yes")
        .replace("type: homeless\n  suitable: false", "type: semi-independent\n  suitable: true")
        .replace("type: neet-other\n  since: 2025-12-01", "type: training-or-employment\n  hours: part-time");
    repo.write("records/yp-000b/profile.md", housed);
    commit(&repo, SAM, "2026-09-05", "B housed and working");
    repo
}

/// The rows counted by hand from the history above (A's plan review falls due on 15 April).
const EXPECTED: &[&str] = &[
    "2026-01-31,2,1,1,1,1,0,1,0",
    "2026-02-28,2,1,1,1,1,0,1,0",
    "2026-03-31,3,3,1,2,1,1,1,1",
    "2026-04-30,3,3,1,2,1,1,0,1",
    "2026-05-31,3,3,1,2,1,1,0,1",
    "2026-06-30,2,2,1,1,1,1,0,1",
    "2026-07-31,2,2,1,1,1,1,0,1",
    "2026-08-31,2,2,1,1,1,1,0,1",
    "2026-09-30,2,2,0,2,0,1,0,1",
    "2026-10-31,2,2,0,2,0,1,0,1",
];

fn rows(out: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(out.join("board/trends.csv")).expect("trends.csv written");
    csv.split("\r\n").filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn trends_follow_the_history_month_by_month() {
    let repo = monthly_history();
    // Today's files are not what the month ends held: an uncommitted change must not count.
    repo.write("records/yp-000b/profile.md", PROFILE_B);
    let out = build(repo.root(), "2026-11-24");
    let got = rows(&out);
    assert_eq!(got[0], HEADER);
    // November and December 2025 were before the first commit: no rows.
    assert_eq!(&got[1..], EXPECTED, "row by row");
    let board = std::fs::read_to_string(out.join("board/index.html")).expect("board");
    assert!(board.contains("Trends over the last twelve months"));
    assert!(board.contains("31 Jan 2026"), "the table names each month end");
    assert_eq!(board.matches("<svg class=\"chart line\"").count(), 8, "one chart per measure");
    let manager = std::fs::read_to_string(out.join("manager.html")).expect("manager page").replace("&#x2F;", "/");
    assert!(
        manager.contains("href=\"board/trends.csv\""),
        "the team's exact figures are linked from the manager's page"
    );
}

#[test]
fn a_warm_build_reads_the_cache_and_gives_the_same_rows() {
    let repo = monthly_history();
    let out = build(repo.root(), "2026-11-24");
    let first = rows(&out);
    let cache = repo.path(".waymark/cache");
    let files: Vec<String> = std::fs::read_dir(&cache)
        .expect("cache folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("trends-"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = cache.join(&files[0]);
    let text = std::fs::read_to_string(&path).expect("cache");
    assert!(text.contains("@2026-10-31"), "keyed by commit and day");
    let out = build(repo.root(), "2026-11-24");
    assert_eq!(rows(&out), first);
    // A month later the window moves on by one month end.
    let out = build(repo.root(), "2026-12-01");
    let later = rows(&out);
    assert_eq!(later.last().map(String::as_str), Some("2026-11-30,2,2,0,2,0,1,0,1"));
    assert_eq!(later.len(), first.len() + 1);
}

#[test]
fn without_git_there_are_no_trends_and_the_page_says_why() {
    let repo = Repo::clean();
    let out = build(repo.root(), "2026-11-24");
    assert!(!out.join("board/trends.csv").exists());
    let board = std::fs::read_to_string(out.join("board/index.html")).expect("board");
    assert!(board.contains("No trends:"));
    assert!(board.contains("not in a git repository"), "{board}");
}

#[test]
fn records_at_a_commit_leave_out_notes_and_count_the_same() {
    // The sample service's records, committed: notes of every kind and contact agreed at
    // different frequencies beside plans, passports and outcomes.
    let repo = Repo::clean();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    repo.write("waymark.yaml", std::fs::read(sample.join("waymark.yaml")).expect("sample settings"));
    for top in ["records", "staff"] {
        for entry in walkdir::WalkDir::new(sample.join(top)).into_iter().flatten().filter(|e| e.file_type().is_file()) {
            let rel =
                entry.path().strip_prefix(sample).expect("inside the sample").to_string_lossy().replace('\\', "/");
            repo.write(&rel, std::fs::read(entry.path()).expect("sample record"));
        }
    }
    repo.write(".gitignore", ".waymark/\npublic/\n");
    git(&repo, SAM, "2026-11-24", &["init", "-q"]);
    commit(&repo, SAM, "2026-11-24", "The sample records");

    let (git_repo, prefix) = waymark::history::open_repository(repo.root()).expect("a git repository");
    let head = git_repo.head().and_then(|h| h.peel_to_commit()).expect("a commit").id();
    let at = waymark::load::load_at_without_notes(repo.root(), &git_repo, &prefix, head).expect("records at HEAD");
    let now = waymark::load::load(repo.root()).expect("records on disk");
    assert!(now.people.iter().map(|p| p.notes.len()).sum::<usize>() > 20, "the sample has notes");
    assert!(at.people.iter().all(|p| p.notes.is_empty()), "notes are not read");
    assert_eq!(at.people.len(), now.people.len());
    for day in ["2025-12-31", "2026-06-30", "2026-11-24", "2027-03-31", "2028-09-30"] {
        let day = waymark::model::date::parse_date(day).expect("a date");
        assert_eq!(waymark::render::trends::measures(&at, day), waymark::render::trends::measures(&now, day));
    }
}
