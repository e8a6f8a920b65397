//! What the site tests share: a repository written to a temp folder, the binary, headless Chromium,
//! and reading a built site (its files, links and entities).

// Each test file uses some of these helpers, not all.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

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
    headless_url(browser, profile, &format!("file://{}{query}", page.display()), args)
}

/// Runs headless Chromium on `url` with extra arguments, giving up after two minutes; returns
/// what it printed.
pub fn headless_url(browser: &str, profile: &Path, url: &str, args: &[String]) -> String {
    let out = std::process::Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"])
        // This machine has no network; without these Chromium keeps trying to reach its own servers.
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stderr(std::process::Stdio::null())
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed on {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A file's text; panics with its path when it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under a folder.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Checks every file of a built site: nothing refers to another host, every page carries the
/// privacy headers, and every link names a file (and anchor) in the site.
pub fn check_site(out: &Path) {
    let all = files(out);
    let pages: Vec<&PathBuf> = all.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).collect();
    assert!(pages.len() >= 7, "{pages:?}");
    for file in &all {
        let bytes = std::fs::read(file).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for scheme in ["http://", "https://", "//evil", "evil.example"] {
            assert!(!text.contains(scheme), "{} mentions {scheme}", file.display());
        }
    }
    let mut checked = 0;
    for page in pages {
        let html = read(page);
        for meta in [
            r#"<meta name="robots" content="noindex,nofollow">"#,
            r#"<meta name="referrer" content="no-referrer">"#,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'",
        ] {
            assert!(html.contains(meta), "{} lacks {meta}", page.display());
        }
        assert!(!html.contains("style=\""), "{}: no inline styles", page.display());
        for url in urls(&html) {
            checked += 1;
            let (path, fragment) = url.split_once('#').unwrap_or((&url, ""));
            let target_page =
                if path.is_empty() { page.to_path_buf() } else { page.with_file_name("").join(percent_decode(path)) };
            if !fragment.is_empty() {
                let target_html = read(&target_page);
                let id = format!("id=\"{}\"", percent_decode(fragment));
                assert!(decode_entities(&target_html).contains(&id), "{}: {url} names no anchor there", page.display());
            }
            if path.is_empty() {
                continue;
            }
            assert!(!path.contains(':') && !path.starts_with('/'), "{}: {url} is not relative", page.display());
            assert!(path.ends_with(".html") || !path.ends_with('/'), "{}: {url} names no file", page.display());
            let target = page.parent().expect("in a folder").join(percent_decode(path));
            let target = target.canonicalize().unwrap_or_else(|_| panic!("{}: {url} does not resolve", page.display()));
            assert!(target.starts_with(out.canonicalize().expect("out")), "{}: {url} leaves the site", page.display());
            assert!(target.is_file(), "{}: {url} is not a file", page.display());
        }
    }
    assert!(checked > 50, "the link checker checked {checked} links");
}

/// Every `href` and `src` value in a page, with HTML entities decoded.
pub fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("attribute closes");
            out.push(decode_entities(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Decodes the entities tera writes.
pub fn decode_entities(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Decodes %XX escapes in a link.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
