//! What the site tests share: a repository written to a temp folder, the binary, and headless Chromium.

use std::path::Path;

/// A temporary repository holding `files` (path relative to the root, contents).
pub fn repository_of<C: AsRef<[u8]>>(files: &[(&str, C)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

/// The `waymark` binary on `root`, with a fixed `--today` and no date from the environment.
pub fn waymark(root: &Path, today: &str) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("waymark").expect("binary built");
    cmd.arg("--root").arg(root).arg("--today").arg(today).env_remove("WAYMARK_TODAY");
    cmd
}

/// The headless browser, if installed. In CI (`CI` set, as `.ci/run` is run) or with
/// `WAYMARK_BROWSER_TESTS=1`, a missing browser fails the test instead of skipping it.
pub fn chromium() -> Option<&'static str> {
    let found = std::process::Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    let required = std::env::var_os("WAYMARK_BROWSER_TESTS").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if !found && required {
        panic!("chromium is required here but not installed (apt-get install chromium poppler-utils)");
    }
    if !found {
        eprintln!("skipped: chromium is not installed");
    }
    found.then_some("chromium")
}

/// Runs headless Chromium on `page` opened from `file://` (with `query` appended) and extra
/// arguments, giving up after two minutes; returns what it printed.
pub fn headless(browser: &str, profile: &Path, page: &Path, query: &str, args: &[String]) -> String {
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"])
        // This machine has no network; without these Chromium keeps trying to reach its own servers.
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}{query}", page.display()))
        .stderr(std::process::Stdio::null())
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed on {}", page.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}
