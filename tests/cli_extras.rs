//! The way in for a new team: `check`'s filters and messages, `schema`, the pre-commit hook,
//! `print`, shell completions, every command's help, and records left half-merged by git.
//! Every run is the real binary on a temporary repository (real git, real files).
//!
//! Every person, member of staff and number here is fictional.

mod common;
mod site;

use common::git::{commit, committed_clean, git, AMIRA, SAM};
use common::{diags, profile, with_rule, Repo, PASSPORT, PROFILE, TODAY};
use std::path::Path;
use std::process::Output;

/// A profile for `yp-0002` whose NHS-free record breaks two rules: an error and a warning.
fn second_person(repo: &Repo) {
    repo.write("records/yp-0002/profile.md", profile("relevant", "2008-03-01", "accommodation:\n  type: foyr\n"));
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn errors_person_and_rule_narrow_what_check_shows() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("999 765 4323", "999 765 4320"));
    second_person(&repo);
    let all = repo.diags();
    assert!(all.iter().any(|d| d.severity == "warning"), "the repository has warnings too: {all:#?}");

    let out = repo.cmd().args(["check", "--errors", "--format", "json"]).output().expect("runs");
    let shown = diags(&serde_json::from_slice(&out.stdout).expect("JSON"));
    assert!(!shown.is_empty() && shown.iter().all(|d| d.severity == "error"), "{shown:#?}");
    assert_eq!(out.status.code(), Some(1));

    let out = repo.cmd().args(["check", "--person", "yp-0002", "--format", "json"]).output().expect("runs");
    let shown = diags(&serde_json::from_slice(&out.stdout).expect("JSON"));
    assert!(!shown.is_empty() && shown.iter().all(|d| d.person.as_deref() == Some("yp-0002")), "{shown:#?}");

    let out = repo.cmd().args(["check", "--rule", "nhs-number"]).output().expect("runs");
    let text = stdout(&out);
    assert!(text.contains("error[nhs-number]") && !text.contains("[plan-missing]"), "{text}");
    assert!(text.contains("(showing rule nhs-number only)"), "{text}");
    assert_eq!(out.status.code(), Some(1));

    // A person with nothing wrong: no errors shown, so the check passes.
    let out = repo
        .cmd()
        .args(["check", "--errors", "--rule", "invalid-value", "--person", "yp-0001"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("no problems found"));
}

#[test]
fn unknown_rules_and_people_are_refused_with_a_suggestion() {
    let repo = Repo::clean();
    let out = repo.cmd().args(["check", "--rule", "nhs-numbr"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--rule nhs-numbr: there is no rule by that name"), "{err}");
    assert!(err.contains("did you mean `nhs-number`?"), "{err}");
    assert!(err.contains("plan-review-overdue"), "lists the rules: {err}");

    let out = repo.cmd().args(["check", "--person", "yp-001"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean `yp-0001`?"), "{}", stderr(&out));
}

#[test]
fn files_not_yet_committed_take_one_line_per_young_person() {
    let repo = committed_clean();
    repo.add_clean_person("yp-0003");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("settling in well", "settling in"));
    let out = repo.cmd().arg("check").output().expect("runs");
    let text = stdout(&out);
    assert!(text.contains("  yp-0003: 6 files not yet committed\n"), "{text}");
    assert!(text.contains("  yp-0001: 1 file not yet committed\n"), "{text}");
    assert_eq!(text.matches("not yet committed\n").count(), 2, "{text}");
    assert!(!text.contains("--> records/yp-0003"), "no file-by-file listing: {text}");
    assert!(text.contains("7 info"), "the summary still counts each file: {text}");

    // Asked for by name, each file is listed in full.
    let out = repo.cmd().args(["check", "--rule", "uncommitted"]).output().expect("runs");
    let text = stdout(&out);
    assert_eq!(text.matches("info[uncommitted]").count(), 7, "{text}");
    assert!(text.contains("--> records/yp-0003/profile.md:1:1"), "{text}");
}

#[test]
fn author_mismatch_needs_another_staff_members_email() {
    let repo = committed_clean();
    let note =
        |day: &str| common::NOTE.replace("2026-11-20", day).replace("author: sam-okafor", "author: amira-hassan");
    // Amira's note from the office's shared account: nothing says someone else wrote it.
    repo.write("records/yp-0001/notes/2026-11-21-visit.md", note("2026-11-21"));
    commit(&repo, ("Office laptop", "office@example.org"), "2026-11-21", "Visit note");
    // ...nor from an email nobody on the staff list has.
    repo.write("records/yp-0001/notes/2026-11-22-visit.md", note("2026-11-22"));
    commit(&repo, ("A Volunteer", "volunteer@example.net"), "2026-11-22", "Visit note");
    // Amira's own commit.
    repo.write("records/yp-0001/notes/2026-11-23-visit.md", note("2026-11-23"));
    commit(&repo, AMIRA, "2026-11-23", "Visit note");
    // Sam, another member of staff, committing Amira's note: this one is worth a look.
    repo.write("records/yp-0001/notes/2026-11-24-visit.md", note("2026-11-24"));
    commit(&repo, SAM, "2026-11-24", "Visit note");

    let found = repo.diags();
    let found = with_rule(&found, "author-mismatch");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].file, "records/yp-0001/notes/2026-11-24-visit.md");
    assert!(
        found[0].message.contains("Amira Hassan") && found[0].message.contains("Sam Okafor"),
        "{}",
        found[0].message
    );
}

/// Words a message must never say: a number with the wrong form of its noun, or "a" before a vowel.
fn assert_plain_english(text: &str, what: &str) {
    let nouns = [
        ("young person", "young people"),
        ("day", "days"),
        ("week", "weeks"),
        ("month", "months"),
        ("file", "files"),
        ("error", "errors"),
        ("warning", "warnings"),
        ("page", "pages"),
        ("open record", "open records"),
        ("minute", "minutes"),
        ("commit", "commits"),
    ];
    // Markup out of the way, so `<span>6</span> warnings` reads as `6 warnings`.
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> =
        plain.split(|c: char| c.is_whitespace() || c == '(' || c == '"').filter(|w| !w.is_empty()).collect();
    for (i, w) in words.iter().enumerate() {
        let Ok(n) = w.parse::<u64>() else { continue };
        // A year ends a date, not a count: "25 Nov 2026 error ..." is a badge after a date.
        if (1900..2200).contains(&n) {
            continue;
        }
        let rest = words[i + 1..words.len().min(i + 4)].join(" ");
        let starts = |noun: &str| {
            rest.strip_prefix(noun).is_some_and(|after| after.is_empty() || !after.starts_with(char::is_alphabetic))
        };
        for (one, many) in nouns {
            if n == 1 {
                assert!(!starts(many), "{what}: `1 {many}` in:\n{plain}");
            } else {
                assert!(!starts(one), "{what}: `{n} {one}` in:\n{plain}");
            }
        }
    }
    for (at, _) in plain.match_indices(" a ") {
        let word: String = plain[at + 3..].chars().take_while(|c| c.is_alphanumeric()).collect();
        let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
        let exempt = ["one", "uni", "use", "usu"].iter().any(|e| word.starts_with(e));
        assert!(!vowel || exempt, "{what}: `a {word}` in:\n{plain}");
    }
}

#[test]
fn messages_use_the_right_article_and_plural() {
    // One young person whose records fire as many messages as possible, numbers of 1 included.
    let repo = Repo::new();
    repo.write(
        "records/yp-0001/profile.md",
        profile(
            "relevant",
            "2008-11-25",
            "contact_every_days: 1\naccommodation:\n  type: acommodation\nactivity:\n  type: neet-other\n  since: 2025-08-01\nin_touch: maybe\nimmigration:\n  status: limited-leave\n  leave_expires: 2026-11-25\n",
        ),
    );
    repo.write(
        "records/yp-0001/notes/2026-11-22-visit.md",
        common::NOTE.replace("2026-11-20", "2026-11-22").replace("kind:", "knid:"),
    );
    repo.write(
        "records/yp-0001/outcomes/2026-10-01.md",
        common::OUTCOME.replace("date: 2026-10-01", "type: profile\ndate: 2026-10-01"),
    );
    repo.write(
        "waymark.yaml",
        format!("{}rules:\n  plan_review_months: 1\n  health_assessment_months: 1\n", common::CONFIG),
    );
    repo.write("records/yp-0001/pathway-plan.md", common::PLAN.replace("2026-08-01", "2026-09-01"));
    repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("2026-06-01", "2026-09-01"));

    let out = repo.cmd().arg("check").output().expect("runs");
    let text = stdout(&out);
    assert!(text.contains("an accommodation type"), "{text}");
    assert!(text.contains("is not an in touch answer"), "{text}");
    assert!(text.contains("every 1 day"), "{text}");
    assert!(text.contains("makes it an outcome"), "{text}");
    assert_plain_english(&text, "waymark check");
    let out = repo.cmd().args(["check", "--format", "json"]).output().expect("runs");
    assert_plain_english(&stdout(&out), "waymark check --format json");

    let tmp = tempfile::tempdir().expect("temp");
    let site = tmp.path().join("public");
    let out = repo.cmd().args(["build", "--output"]).arg(&site).output().expect("runs");
    let said = stdout(&out);
    assert!(said.contains("for 1 young person "), "{said}{}", stderr(&out));
    assert_plain_english(&said, "waymark build");
    for page in ["index.html", "report.html", "board/index.html", "people/yp-0001/index.html"] {
        let html = std::fs::read_to_string(site.join(page)).expect("page built");
        assert_plain_english(&html, page);
    }
    // Nobody's suitability is recorded: the board holds back a whole under 5 and shows no share.
    let board = std::fs::read_to_string(site.join("board/index.html")).expect("board page");
    let suitable = board.split("data-measure=\"suitable-accommodation\"").nth(1).and_then(|s| s.split("</tr>").next());
    let suitable = suitable.expect("the suitable accommodation row");
    assert!(suitable.contains("fewer than 5 in all") && !suitable.contains('%'), "{suitable}");
}

#[test]
fn the_source_builds_counted_words_with_the_one_helper() {
    // Hand-made plurals and articles creep back in; the helpers in src/words.rs decide them.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![root.join("src"), root.join("themes")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                files.push(path);
            }
        }
    }
    let plurals = [
        "young people",
        "days",
        "weeks",
        "months",
        "files",
        "errors",
        "warnings",
        "pages",
        "records",
        "minutes",
        "commits",
    ];
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("assert") {
                continue;
            }
            for p in plurals {
                for close in ["} ", "}} "] {
                    assert!(
                        !line.contains(&format!("{close}{p}")),
                        "{}:{}: a number before `{p}` without words::count: {line}",
                        path.display(),
                        n + 1
                    );
                }
            }
            assert!(!line.contains(" a {"), "{}:{}: `a {{}}` without words::a: {line}", path.display(), n + 1);
        }
    }
}

/// Runs git in `dir` as Sam, judging records as of [`TODAY`] in any hook; returns what it did.
fn git_raw(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("git")
        .args(["-c", "user.name=Sam Okafor", "-c", "user.email=sam.okafor@example.org"])
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("WAYMARK_TODAY", TODAY)
        .env_remove("NO_COLOR")
        .output()
        .expect("run git")
}

#[test]
fn a_real_merge_conflict_is_reported_at_its_marker() {
    let repo = committed_clean();
    git(&repo, SAM, "2026-02-01", &["checkout", "-q", "-b", "amira/leave"]);
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE.replace("legal_status: relevant", "legal_status: former-relevant"),
    );
    commit(&repo, AMIRA, "2026-02-01", "Now former relevant");
    git(&repo, SAM, "2026-02-02", &["checkout", "-q", "main"]);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("legal_status: relevant", "legal_status: eligible"));
    commit(&repo, SAM, "2026-02-02", "Eligible after all");
    let merged = git_raw(repo.root(), &["merge", "-q", "amira/leave"]);
    assert!(!merged.status.success(), "the merge conflicts");
    let text = std::fs::read_to_string(repo.path("records/yp-0001/profile.md")).expect("read");
    assert!(text.contains("<<<<<<< HEAD\nlegal_status: eligible\n=======\n"), "{text}");

    let (value, code) = repo.json();
    assert_eq!(code, 1);
    let found = diags(&value);
    let conflict = common::one(&found, "merge-conflict");
    common::assert_at(conflict, "records/yp-0001/profile.md", 4, 1);
    assert!(
        conflict.message.contains("between `<<<<<<< HEAD` (line 4) and `=======` (line 6) is your version; below it, up to `>>>>>>> amira/leave` (line 8), theirs"),
        "{}",
        conflict.message
    );
    common::assert_silent(&found, "yaml-syntax");
    let (human, _) = repo.human();
    assert!(human.contains("4 | <<<<<<< HEAD"), "quotes the marker line: {human}");
    assert!(human.contains("delete the three marker lines"), "{human}");
}

#[test]
fn the_pre_commit_hook_checks_what_is_staged() {
    let repo = committed_clean();
    let out = repo.cmd().args(["hook", "install"]).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("git commit --no-verify"), "{}", stdout(&out));
    let hook = repo.path(".git/hooks/pre-commit");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook).expect("hook written").permissions().mode();
        assert!(mode & 0o111 != 0, "executable");
    }
    let bad = PROFILE.replace("legal_status: relevant", "legal_status: relevent");

    // A staged bad record stops the commit, and says how to commit anyway.
    repo.write("records/yp-0001/profile.md", &bad);
    git_raw(repo.root(), &["add", "-A"]);
    let out = git_raw(repo.root(), &["commit", "-q", "-m", "Status"]);
    assert!(!out.status.success(), "blocked");
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("error[invalid-value]") && said.contains("relevent"), "{said}");
    assert!(said.contains("git commit --no-verify"), "{said}");

    // The staged version is what counts: fixed on disk but not staged, still stopped.
    repo.write("records/yp-0001/profile.md", PROFILE.replace("settling in well", "settling in"));
    let out = git_raw(repo.root(), &["commit", "-q", "-m", "Status"]);
    assert!(!out.status.success(), "the index still holds the bad version");

    // Staged good, with a bad file on disk that is not staged: the commit goes through.
    git_raw(repo.root(), &["add", "records/yp-0001/profile.md"]);
    repo.write("records/yp-0001/pathway-plan.md", "---\nstarted: not-a-date\n---\n");
    let out = git_raw(repo.root(), &["commit", "-q", "-m", "Profile wording"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    // Installing again updates Waymark's own hook; someone else's is never replaced.
    let out = repo.cmd().args(["hook", "install"]).output().expect("runs");
    assert!(stdout(&out).starts_with("updated the pre-commit hook"), "{}", stdout(&out));
    std::fs::write(&hook, "#!/bin/sh\nrun-my-linter\n").expect("write");
    let out = repo.cmd().args(["hook", "install"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("was not written by Waymark"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&hook).expect("read"), "#!/bin/sh\nrun-my-linter\n");
}

#[test]
fn staged_check_reports_only_the_staged_files() {
    let repo = committed_clean();
    repo.write("records/yp-0001/pathway-plan.md", "---\nstarted: not-a-date\n---\n");
    repo.write("records/yp-0001/notes/2026-11-21-call.md", common::NOTE.replace("2026-11-20", "2026-11-21"));
    git(&repo, SAM, "2026-11-21", &["add", "records/yp-0001/notes/2026-11-21-call.md"]);
    let out = repo.cmd().args(["check", "--staged"]).output().expect("runs");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("(showing the 1 staged file only)"), "{text}");
    assert!(!text.contains("uncommitted"), "{text}");
}

#[test]
fn every_command_ends_its_help_with_an_example() {
    use clap::CommandFactory;
    let cli = waymark::cli::Cli::command();
    let mut paths: Vec<Vec<String>> = vec![vec![]];
    for sub in cli.get_subcommands() {
        paths.push(vec![sub.get_name().to_string()]);
        for inner in sub.get_subcommands() {
            paths.push(vec![sub.get_name().to_string(), inner.get_name().to_string()]);
        }
    }
    assert!(paths.len() >= 9, "{paths:?}");
    for path in paths {
        let out = common::waymark().args(&path).arg("--help").output().expect("runs");
        let help = stdout(&out);
        assert!(out.status.success(), "{path:?}");
        let tail = help.trim_end().rsplit("\n\n").next().unwrap_or("");
        assert!(tail.starts_with("Example"), "`waymark {} --help` ends with: {tail}", path.join(" "));
    }
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef waymark"), ("fish", "complete -c waymark")] {
        let out = common::waymark().args(["completions", shell]).output().expect("runs");
        let script = stdout(&out);
        assert!(out.status.success() && script.contains(marker), "{shell}: {script}");
        assert!(script.contains("schema") && script.contains("--staged"), "{shell} knows the commands and flags");
    }
}

#[test]
fn schemas_accept_the_sample_records_and_refuse_a_wrong_one() {
    let repo = Repo::clean();
    let out = repo.cmd().args(["schema", "--vscode"]).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = repo.path(".waymark/schema");
    let load = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).expect("schema written")).expect("JSON")
    };
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path(".vscode/settings.json")).expect("settings"))
            .expect("JSON");
    assert_eq!(
        settings["yaml.schemas"]["./.waymark/schema/profile.schema.json"],
        serde_json::json!(["records/*/profile.md"])
    );

    let kind_of = |rel: &str| -> &str {
        if rel.ends_with("/profile.md") {
            "profile"
        } else if rel.ends_with("/pathway-plan.md") {
            "pathway-plan"
        } else if rel.ends_with("/health-passport.md") {
            "health-passport"
        } else if rel.contains("/notes/") {
            "note"
        } else if rel.contains("/feedback/") {
            "feedback"
        } else {
            "outcome"
        }
    };
    let front = |text: &str| -> serde_json::Value {
        let split = waymark::load::split_front_matter(text).expect("front matter");
        serde_yaml::from_str(&text[split.yaml]).expect("YAML")
    };
    // The sample repository in this project: every record validates.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("records");
    let mut checked = 0;
    for file in site::files(&sample) {
        if file.extension().is_none_or(|e| e != "md") || file.components().any(|c| c.as_os_str() == "files") {
            continue;
        }
        let rel = file.strip_prefix(&sample).expect("inside").to_string_lossy().replace('\\', "/");
        let schema = load(&format!("{}.schema.json", kind_of(&format!("/{rel}"))));
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        let instance = front(&std::fs::read_to_string(&file).expect("read"));
        let errors: Vec<String> = validator.iter_errors(&instance).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");
        checked += 1;
    }
    assert!(checked > 80, "checked {checked} records");

    let validator = jsonschema::validator_for(&load("profile.schema.json")).expect("valid");
    for wrong in [
        PROFILE.replace("legal_status: relevant", "legal_status: relevent"),
        PROFILE.replace("name: Jordan Example\n", ""),
        PROFILE.replace("status: active", "statsu: active"),
        PROFILE.replace("contact_every_days: 14", "contact_every_days: fortnightly"),
        PROFILE.replace("since: 2025-09-01", "since: 1 Sept"),
    ] {
        assert!(!validator.is_valid(&front(&wrong)), "refused:\n{wrong}");
    }
    assert!(validator.is_valid(&front(PROFILE)));
}

#[test]
fn print_writes_an_a4_pdf_with_the_name_and_nhs_number() {
    let Some(_) = site::chromium() else { return };
    let repo = Repo::clean();
    let out_dir = tempfile::tempdir().expect("temp");
    let pdf = out_dir.path().join("passport.pdf");
    let out = repo.cmd().args(["print", "passport", "yp-0001", "--pdf"]).arg(&pdf).output().expect("runs");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text =
        std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Jordan Example"), "{text}");
    assert!(text.contains("999 765 4323"), "{text}");
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.lines().any(|l| l.starts_with("Page size:") && l.contains("(A4)")), "{info}");

    let plan = out_dir.path().join("plan.pdf");
    let out = repo.cmd().args(["print", "plan", "yp-0001", "--pdf"]).arg(&plan).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::process::Command::new("pdftotext").arg(&plan).arg("-").output().expect("pdftotext runs");
    assert!(String::from_utf8_lossy(&text.stdout).contains("Keep attending college"));
}

#[test]
fn print_says_plainly_what_is_missing() {
    let repo = Repo::clean();
    let pdf = repo.path("out.pdf");
    // No browser anywhere.
    let out = repo
        .cmd()
        .env("PATH", "")
        .env_remove("WAYMARK_CHROME")
        .args(["print", "passport", "yp-0001", "--pdf"])
        .arg(&pdf)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("looked for chromium, chromium-browser, google-chrome, google-chrome-stable"),
        "{}",
        stderr(&out)
    );
    let out = repo
        .cmd()
        .env("WAYMARK_CHROME", "/nowhere/chrome")
        .args(["print", "passport", "yp-0001", "--pdf"])
        .arg(&pdf)
        .output()
        .expect("runs");
    assert!(stderr(&out).contains("WAYMARK_CHROME names /nowhere/chrome"), "{}", stderr(&out));
    // A person with no transition page (not turning 18), and a person with no passport.
    let Some(_) = site::chromium() else { return };
    let out = repo.cmd().args(["print", "transition", "yp-0001", "--pdf"]).arg(&pdf).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no transition page to print"), "{}", stderr(&out));
    repo.remove("records/yp-0001/health-passport.md");
    let out = repo.cmd().args(["print", "passport", "yp-0001", "--pdf"]).arg(&pdf).output().expect("runs");
    assert!(stderr(&out).contains("yp-0001 has no health passport to print"), "{}", stderr(&out));
    let out = repo.cmd().args(["print", "plan", "yp-0007", "--pdf"]).arg(&pdf).output().expect("runs");
    assert!(stderr(&out).contains("no young person has the id `yp-0007`"), "{}", stderr(&out));
    assert!(!pdf.exists(), "nothing written");
}

#[test]
fn infos_never_make_someone_more_urgent_on_the_dashboard() {
    let repo = Repo::new();
    repo.add_clean_person("yp-0001").add_clean_person("yp-0002");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan Example", "Aaron Example"));
    // Zara has only an info (not in education, employment or training for over 13 weeks).
    let neet = PROFILE.replace("Jordan Example", "Zara Example").replace(
        "type: other-education\n  hours: full-time\n  since: 2025-09-08",
        "type: neet-other\n  since: 2025-09-08",
    );
    repo.write("records/yp-0002/profile.md", neet);
    let found = repo.diags();
    assert!(found.iter().all(|d| d.severity == "info") && !found.is_empty(), "{found:#?}");

    let tmp = tempfile::tempdir().expect("temp");
    let site = tmp.path().join("public");
    let out = repo.cmd().args(["build", "--output"]).arg(&site).output().expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let dashboard = std::fs::read_to_string(site.join("index.html")).expect("dashboard");
    let (aaron, zara) = (dashboard.find("Aaron Example"), dashboard.find("Zara Example"));
    assert!(aaron.is_some() && zara.is_some() && aaron < zara, "alphabetical when nothing is due or wrong");
    assert!(!dashboard.contains("to look at"), "an info is not something to look at");
}
