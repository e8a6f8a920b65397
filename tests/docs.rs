//! The documentation's examples are real: every block in docs/format.md tagged `waymark-example`
//! is written into a temporary repository at its `path=`, and `waymark check` must find no error.
//! A block may carry `skip="reason"` (record kinds this version does not read yet); the test says
//! which it skipped and why, and still insists the block is there.

mod common;

use common::{diags, waymark, TODAY};
use std::path::Path;

/// One example: where it goes, what it says, and why it is skipped (if it is).
struct Example {
    path: String,
    text: String,
    skip: Option<String>,
    line: usize,
}

/// Pulls the tagged fenced blocks out of a Markdown file.
fn examples(markdown: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut current: Option<Example> = None;
    for (n, line) in markdown.lines().enumerate() {
        if let Some(ex) = current.as_mut() {
            if line.trim_end() == "```" {
                out.extend(current.take());
            } else {
                ex.text.push_str(line);
                ex.text.push('\n');
            }
            continue;
        }
        let Some(info) = line.strip_prefix("```") else { continue };
        if !info.split_whitespace().any(|w| w == "waymark-example") {
            continue;
        }
        let path = info.split_whitespace().find_map(|w| w.strip_prefix("path=")).expect("a waymark-example has path=");
        let skip = info.split_once("skip=\"").map(|(_, rest)| rest.split('"').next().unwrap_or("").to_string());
        current = Some(Example { path: path.to_string(), text: String::new(), skip, line: n + 1 });
    }
    assert!(current.is_none(), "an example block is not closed");
    out
}

fn format_md() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md")).expect("docs/format.md")
}

#[test]
fn format_md_has_an_example_of_every_record_kind() {
    let found: Vec<String> = examples(&format_md()).into_iter().map(|e| e.path).collect();
    for kind in [
        "waymark.yaml",
        "/profile.md",
        "/pathway-plan.md",
        "/health-passport.md",
        "/notes/",
        "/outcomes/",
        "/feedback/",
        "/supervision/",
    ] {
        assert!(
            found.iter().any(|p| p == kind || p.contains(kind)),
            "no example of {kind} in docs/format.md: {found:?}"
        );
    }
}

#[test]
fn every_example_in_format_md_checks_without_errors() {
    let dir = tempfile::tempdir().expect("temp");
    let mut written = 0;
    for ex in examples(&format_md()) {
        if let Some(reason) = &ex.skip {
            eprintln!("skipped the example for {} (docs/format.md line {}): {reason}", ex.path, ex.line);
            continue;
        }
        let dest = dir.path().join(&ex.path);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
        assert!(!dest.exists(), "two examples for {}", ex.path);
        std::fs::write(&dest, &ex.text).expect("write");
        written += 1;
    }
    assert!(written >= 6, "{written} examples");
    let out = waymark()
        .arg("--root")
        .arg(dir.path())
        .args(["--today", TODAY, "check", "--format", "json"])
        .output()
        .expect("run waymark");
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found = diags(&value);
    let errors: Vec<_> = found.iter().filter(|d| d.severity == "error").collect();
    assert!(errors.is_empty(), "the examples have errors: {errors:#?}");
    // Beyond errors: nothing unknown, nothing the examples forgot (the repository is not in git).
    let other: Vec<_> = found.iter().filter(|d| d.rule != "uncommitted").collect();
    assert!(other.is_empty(), "the examples should be clean: {other:#?}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_guide_and_readme_link_the_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(readme.contains("(docs/format.md)") && readme.contains("(docs/guide.md)"), "README links both docs");
    let guide = std::fs::read_to_string(root.join("docs/guide.md")).expect("docs/guide.md");
    for topic in [
        "waymark init",
        "waymark new person",
        "waymark new note",
        "git commit",
        "waymark build",
        "waymark serve",
        "user.email",
        "--author",
        "git push",
        "git pull",
        "<<<<<<<",
        "merge-conflict",
        ".gitignore",
        "backup",
    ] {
        assert!(guide.contains(topic), "docs/guide.md should cover {topic}");
    }
}
