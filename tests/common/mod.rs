//! Shared helpers for the integration tests: build a small records repository
//! in a temporary folder, optionally commit it with git, and run `waymark` on it.
//!
//! Every person, member of staff and number here is fictional.

#![allow(dead_code)]

pub mod git;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The date every test judges by unless it says otherwise.
pub const TODAY: &str = "2026-11-24";

/// A `waymark.yaml` with three fictional staff.
pub const CONFIG: &str = "\
organisation: Example Leaving Care Service
staff:
  - id: sam-okafor
    name: Sam Okafor
    email: sam.okafor@example.org
    role: personal-adviser
  - id: amira-hassan
    name: Amira Hassan
    email: amira.hassan@example.org
    role: key-worker
  - id: helen-marsh
    name: Helen Marsh
    email: helen.marsh@example.org
    role: manager
";

/// A clean profile: relevant, 17 on [`TODAY`], contact every 14 days.
/// Line 4 is `legal_status`, line 9 `contact_every_days`.
pub const PROFILE: &str = "\
---
name: Jordan Example
date_of_birth: 2009-05-01
legal_status: relevant
personal_adviser: sam-okafor
key_worker: amira-hassan
status: active
in_touch: yes
contact_every_days: 14
accommodation:
  type: semi-independent
  since: 2025-09-01
  suitable: true
activity:
  type: other-education
  hours: full-time
  since: 2025-09-08
---
Jordan is settling in well. See the [plan](pathway-plan.md).
";

/// A clean pathway plan: last review 2026-08-01 (line 4), next review 2027-01-15 (line 7),
/// one goal `college` due 2027-03-01 (line 14).
pub const PLAN: &str = "\
---
started: 2026-05-01
reviews:
  - date: 2026-08-01
    by: sam-okafor
    young_person_present: true
next_review: 2027-01-15
goals:
  - id: college
    heading: education-and-training
    need: Keep attending college
    action: Weekly check-in on attendance
    by_whom: sam-okafor
    by_when: 2027-03-01
    status: in-progress
contingency: Emergency bed at the foyer.
approved: { by: helen-marsh, date: 2026-08-05 }
---
The plan in words.
";

/// A clean health passport with a valid NHS number on line 2 (value at column 13).
pub const PASSPORT: &str = "\
---
nhs_number: \"999 765 4323\"
last_health_assessment: 2026-06-01
allergies: []
consent_to_share: true
---
Nothing else to add.
";

/// A clean note of 2026-11-20 linking to the plan and an attachment.
pub const NOTE: &str = "\
---
date: 2026-11-20
author: sam-okafor
kind: visit
with: [young-person]
minutes: 45
---
Visited at the flat. See the [plan](../pathway-plan.md) and the [letter](../files/letter.txt).
";

/// A clean outcome reading of 2026-10-01.
pub const OUTCOME: &str = "\
---
date: 2026-10-01
scale: keep-on-caring
by: amira-hassan
scores:
  independent-living: 6
  health: 7
---
Said things were going better.
";

/// Builds a profile from a legal status, a date of birth and extra lines (each ending in `\n`).
/// Line 4 is `legal_status`; extra lines start on line 6.
pub fn profile(status: &str, dob: &str, extra: &str) -> String {
    format!(
        "---\nname: Test Person\ndate_of_birth: {dob}\nlegal_status: {status}\npersonal_adviser: sam-okafor\n{extra}---\nBody.\n"
    )
}

/// A records repository in a temporary folder.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// An empty folder: no `waymark.yaml`, no records.
    pub fn empty() -> Repo {
        Repo { dir: tempfile::tempdir().expect("create a temporary folder") }
    }

    /// A repository with [`CONFIG`] and no records.
    pub fn new() -> Repo {
        Repo::with_config(CONFIG)
    }

    /// A repository with the given `waymark.yaml` and no records.
    pub fn with_config(config: &str) -> Repo {
        let repo = Repo::empty();
        repo.write("waymark.yaml", config);
        repo
    }

    /// A repository with [`CONFIG`] plus extra top-level settings appended (e.g. `rules:`).
    pub fn with_config_extra(extra: &str) -> Repo {
        Repo::with_config(&format!("{CONFIG}{extra}"))
    }

    /// A repository with one clean young person, `yp-0001`, and every kind of record.
    pub fn clean() -> Repo {
        let repo = Repo::new();
        repo.add_clean_person("yp-0001");
        repo
    }

    /// Adds a person with every kind of record, none of which breaks a rule on [`TODAY`].
    pub fn add_clean_person(&self, id: &str) -> &Repo {
        self.write(&format!("records/{id}/profile.md"), PROFILE)
            .write(&format!("records/{id}/pathway-plan.md"), PLAN)
            .write(&format!("records/{id}/health-passport.md"), PASSPORT)
            .write(&format!("records/{id}/notes/2026-11-20-visit.md"), NOTE)
            .write(&format!("records/{id}/outcomes/2026-10-01.md"), OUTCOME)
            .write(&format!("records/{id}/files/letter.txt"), "A fictional letter.\n")
    }

    /// The repository's root folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path under the root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating its folders), replacing any earlier one.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Repo {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, contents).expect("write file");
        self
    }

    /// Removes a file.
    pub fn remove(&self, rel: &str) -> &Repo {
        std::fs::remove_file(self.path(rel)).expect("remove file");
        self
    }

    /// Makes a folder (and its parents).
    pub fn mkdir(&self, rel: &str) -> &Repo {
        std::fs::create_dir_all(self.path(rel)).expect("create folder");
        self
    }

    /// Runs the real `git` in the root, with an identity so no global config is needed.
    pub fn git(&self, args: &[&str]) -> &Repo {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=Sam Okafor", "-c", "user.email=sam.okafor@example.org"])
            .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root())
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        self
    }

    /// `git init`, add everything, and commit.
    pub fn git_commit_all(&self, message: &str) -> &Repo {
        if !self.path(".git").exists() {
            self.git(&["init", "-q"]);
        }
        self.git(&["add", "-A"]).git(&["commit", "-q", "-m", message])
    }

    /// `waymark --root <root> --today <today>` with a clean environment, ready for a subcommand.
    pub fn cmd_on(&self, today: &str) -> Command {
        let mut cmd = waymark();
        cmd.arg("--root").arg(self.root()).arg("--today").arg(today);
        cmd
    }

    /// `waymark --root <root> --today 2026-11-24`.
    pub fn cmd(&self) -> Command {
        self.cmd_on(TODAY)
    }

    /// Runs `check --format json` as of `today`: the parsed output and the exit status.
    pub fn json_on(&self, today: &str) -> (Value, i32) {
        let out = self.cmd_on(today).args(["check", "--format", "json"]).output().expect("run waymark");
        let code = out.status.code().expect("exit status");
        let text = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("output is not JSON ({e}):\n{text}\nstderr: {}", String::from_utf8_lossy(&out.stderr))
        });
        (value, code)
    }

    /// Runs `check --format json` as of [`TODAY`].
    pub fn json(&self) -> (Value, i32) {
        self.json_on(TODAY)
    }

    /// The diagnostics of `check --format json` as of `today`.
    pub fn diags_on(&self, today: &str) -> Vec<Diag> {
        let (value, _) = self.json_on(today);
        diags(&value)
    }

    /// The diagnostics of `check --format json` as of [`TODAY`].
    pub fn diags(&self) -> Vec<Diag> {
        self.diags_on(TODAY)
    }

    /// Runs `check` (human output) as of [`TODAY`]: stdout and the exit status.
    pub fn human(&self) -> (String, i32) {
        let out = self.cmd().arg("check").output().expect("run waymark");
        (String::from_utf8(out.stdout).expect("output is UTF-8"), out.status.code().expect("exit status"))
    }

    /// Loads and checks through the library, without a process (for fast property tests).
    pub fn check_lib(&self, today: &str) -> (waymark::check::Report, waymark::model::Repository) {
        let repo = waymark::load::load(self.root()).expect("repository loads");
        let date = waymark::model::date::parse_date(today).expect("valid date");
        (waymark::check::check(&repo, date), repo)
    }
}

/// The `waymark` binary with `NO_COLOR` and `WAYMARK_TODAY` removed from its environment.
pub fn waymark() -> Command {
    let mut cmd = Command::cargo_bin("waymark").expect("the waymark binary is built");
    cmd.env_remove("NO_COLOR").env_remove("WAYMARK_TODAY").env_remove("CLICOLOR_FORCE");
    cmd.timeout(std::time::Duration::from_secs(60));
    cmd
}

/// One diagnostic of the JSON output.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub rule: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub person: Option<String>,
    pub message: String,
}

/// The diagnostics of a JSON report, checking each has every field of FORMAT.md §9.
pub fn diags(value: &Value) -> Vec<Diag> {
    let list = value["diagnostics"].as_array().unwrap_or_else(|| panic!("no diagnostics array in {value}"));
    list.iter()
        .map(|d| Diag {
            rule: d["rule"].as_str().expect("rule").to_string(),
            severity: d["severity"].as_str().expect("severity").to_string(),
            file: d["file"].as_str().expect("file").to_string(),
            line: d["line"].as_u64().expect("line"),
            column: d["column"].as_u64().expect("column"),
            person: match &d["person"] {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => panic!("person is neither null nor text: {other}"),
            },
            message: d["message"].as_str().expect("message").to_string(),
        })
        .collect()
}

/// The diagnostics for one rule.
pub fn with_rule<'a>(diags: &'a [Diag], rule: &str) -> Vec<&'a Diag> {
    diags.iter().filter(|d| d.rule == rule).collect()
}

/// The single diagnostic for `rule`, failing with the whole list if there is not exactly one.
pub fn one<'a>(diags: &'a [Diag], rule: &str) -> &'a Diag {
    let found = with_rule(diags, rule);
    assert_eq!(found.len(), 1, "expected exactly one `{rule}`, got:\n{diags:#?}");
    found[0]
}

/// Fails, showing every diagnostic, if `rule` fired.
pub fn assert_silent(diags: &[Diag], rule: &str) {
    let found = with_rule(diags, rule);
    assert!(found.is_empty(), "`{rule}` should not fire, but did:\n{found:#?}");
}

/// Asserts a diagnostic's place: file, line and column.
#[track_caller]
pub fn assert_at(d: &Diag, file: &str, line: u64, column: u64) {
    assert_eq!((d.file.as_str(), d.line, d.column), (file, line, column), "wrong place for {d:#?}");
}
