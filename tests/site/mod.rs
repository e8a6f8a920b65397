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
    installed(&["chromium"], "chromium poppler-utils")
}

/// The first of `names` that runs, if any; when none does, fails the test in CI (`CI` set)
/// or with `WAYMARK_BROWSER_TESTS=1`, and otherwise skips it (`packages` say what to install).
fn installed(names: &[&'static str], packages: &str) -> Option<&'static str> {
    let runs =
        |name: &str| std::process::Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
    let found = names.iter().copied().find(|name| runs(name));
    let required = std::env::var_os("WAYMARK_BROWSER_TESTS").is_some_and(|v| v == "1")
        || std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    if found.is_none() && required {
        panic!("{} is required here but not installed (apt-get install {packages})", names[0]);
    }
    if found.is_none() {
        eprintln!("skipped: {} is not installed", names[0]);
    }
    found
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

/// The links of the search results a search page's DOM shows, in order.
pub fn search_results(dom: &str) -> Vec<String> {
    let list = dom.split("id=\"search-results\"").nth(1).unwrap_or("");
    let list = &list[..list.find("</ol>").unwrap_or(list.len())];
    list.split("<h2 class=\"result-title\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(String::from)
        .collect()
}

/// A file's text; panics with its path when it cannot be read.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under a folder.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    walk(dir).0
}

/// Every folder under a folder (not the folder itself).
pub fn folders(dir: &Path) -> Vec<PathBuf> {
    walk(dir).1
}

/// Every file and every folder under a folder, each list sorted.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut files, mut folders) = (Vec::new(), Vec::new());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path.clone());
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    folders.sort();
    (files, folders)
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

/// Headless Chromium driven over the DevTools protocol on a pipe (its file descriptors 3 and
/// 4), so that the page runs on the real clock.
pub struct DevTools {
    child: std::process::Child,
    to: std::fs::File,
    from: std::io::BufReader<std::fs::File>,
    next: u64,
    session: String,
}

impl DevTools {
    pub fn start(browser: &str, profile: &Path) -> Self {
        use std::os::fd::FromRawFd;
        use std::os::unix::process::CommandExt;
        let pipe = || {
            let mut fds = [0; 2];
            // SAFETY: fds is a live array of two ints, as pipe2 wants.
            assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0, "pipe");
            fds
        };
        let ([read_in, write_in], [read_out, write_out]) = (pipe(), pipe());
        let mut command = std::process::Command::new(browser);
        command
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
            .args(["--disable-component-update", "--disable-sync", "--remote-debugging-pipe", "about:blank"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .stderr(std::process::Stdio::null());
        // SAFETY: fcntl and dup2 are async-signal-safe. The child gets the pipe ends as 3 and
        // 4 without close-on-exec (dup2 clears it), copied out of the way first in case a pipe
        // end already is 3 or 4.
        unsafe {
            command.pre_exec(move || {
                let (r, w) = (libc::fcntl(read_in, libc::F_DUPFD, 10), libc::fcntl(write_out, libc::F_DUPFD, 10));
                if r < 0 || w < 0 || libc::dup2(r, 3) < 0 || libc::dup2(w, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("chromium starts");
        // SAFETY: each descriptor is open, ours, and owned by exactly one File from here on.
        let (to, from) = unsafe {
            drop(std::fs::File::from_raw_fd(read_in));
            drop(std::fs::File::from_raw_fd(write_out));
            (std::fs::File::from_raw_fd(write_in), std::fs::File::from_raw_fd(read_out))
        };
        let mut tools = DevTools { child, to, from: std::io::BufReader::new(from), next: 0, session: String::new() };
        let target = tools.call("Target.createTarget", serde_json::json!({ "url": "about:blank" }));
        let target = target["targetId"].as_str().expect("target").to_string();
        let attached = tools.call("Target.attachToTarget", serde_json::json!({ "targetId": target, "flatten": true }));
        tools.session = attached["sessionId"].as_str().expect("session").to_string();
        tools
    }

    /// Sends one command and waits for its answer, passing over events.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use std::io::{BufRead, Write};
        self.next += 1;
        let mut message = serde_json::json!({ "id": self.next, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = self.session.clone().into();
        }
        let mut bytes = message.to_string().into_bytes();
        bytes.push(0);
        self.to.write_all(&bytes).expect("send");
        loop {
            let mut raw = Vec::new();
            assert!(self.from.read_until(0, &mut raw).expect("read") > 0, "chromium closed the pipe");
            raw.pop();
            let answer: serde_json::Value = serde_json::from_slice(&raw).expect("JSON");
            if answer["id"] == self.next {
                return answer["result"].clone();
            }
        }
    }

    /// Opens `url` in the page.
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({ "url": url }));
    }

    /// Evaluates a JavaScript expression in the page and gives its value.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let got = self.call(
            "Runtime.evaluate",
            serde_json::json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        got["result"]["value"].clone()
    }

    /// Saves a PNG of the page as `name` in the folder `WAYMARK_SCREENSHOTS` names, when it is
    /// set (for looking at a page a test opened; tests assert on the page's text, not on this).
    pub fn screenshot(&mut self, name: &str) {
        use base64::Engine;
        let Some(dir) = std::env::var_os("WAYMARK_SCREENSHOTS") else { return };
        let shot = self.call("Page.captureScreenshot", serde_json::json!({ "format": "png" }));
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or("")).expect("png");
        std::fs::write(Path::new(&dir).join(name), png).expect("write screenshot");
    }

    /// Evaluates `expression` every 50 ms until it gives a non-empty string (within two
    /// minutes on a busy machine); panics saying what was awaited otherwise.
    pub fn wait_for(&mut self, expression: &str, what: &str) -> String {
        Browser::wait_for(self, expression, what)
    }
}

impl Drop for DevTools {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Something that names or describes a young person (or a member of staff), to look for in a
/// built site byte by byte.
#[derive(Debug, Clone)]
pub struct Needle {
    /// Whose it is: a person id, or `None` for a member of staff.
    pub person: Option<String>,
    /// What it is (for messages).
    pub what: String,
    /// The text itself.
    pub text: String,
    /// Other forms of the same thing (a date as written in the record), any of which counts.
    pub also: Vec<String>,
}

/// The sample repository at the project's root.
pub fn sample_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every name, date of birth (as written and as the site shows it), NHS number and address of
/// the repository's young people, every staff name, and a distinctive word of every note: the
/// longest word of eight letters or more that no other young person's records hold.
///
/// Every needle has a space, a `-` or eight letters: a site's ciphertext is base64, which
/// holds every short run of letters somewhere by chance but never a space or a `-`.
pub fn needles(root: &Path) -> Vec<Needle> {
    let repo = waymark::load::load(root).expect("the repository loads");
    let mut out = Vec::new();
    let mut add = |person: Option<&str>, what: &str, text: &str, also: &[String]| {
        let (person, what, text, also) = (person.map(String::from), what.to_string(), text.to_string(), also.to_vec());
        out.push(Needle { person, what, text, also });
    };
    for staff in &repo.config.staff {
        add(None, "staff name", &staff.name, &[]);
    }
    let text_of = |p: &waymark::model::Person| -> String {
        p.sources().map(|s| s.text().to_lowercase()).collect::<Vec<_>>().join("\n")
    };
    let others: Vec<(String, String)> = repo.people.iter().map(|p| (p.id.clone(), text_of(p))).collect();
    // Words the site's own chrome holds (a "transition" link, a "completely" rating legend) describe nobody.
    let chrome: String = ["themes/default", "src"]
        .iter()
        .flat_map(|dir| files(&sample_root().join(dir)))
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase();
    for person in &repo.people {
        let id = Some(person.id.as_str());
        if let Some(profile) = &person.profile {
            let name = profile.full_name().expect("the sample's names are readable");
            add(id, "name", name, &[]);
            let dob = profile.date_of_birth.value().expect("the sample's dates of birth are readable");
            add(id, "date of birth", &waymark::model::date::display_date(dob), &[dob.to_string()]);
            if let Some(address) = profile.accommodation.as_ref().and_then(|a| a.address.as_ref()) {
                add(id, "address", &address.value, &[]);
            }
        }
        if let Some(nhs) = person.passport.as_ref().and_then(|p| p.nhs_number.as_ref()) {
            add(id, "NHS number", &nhs.value, &[]);
        }
        for note in &person.notes {
            let body = &note.source.text()[note.source.body_start..];
            let word = body
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 8)
                .filter(|w| {
                    let lower = w.to_lowercase();
                    !chrome.contains(&lower)
                        && others.iter().all(|(other, text)| *other == person.id || !text.contains(&lower))
                })
                .max_by_key(|w| (w.len(), *w));
            if let Some(word) = word {
                add(id, &format!("word of {}", note.source.path), word, &[]);
            }
        }
    }
    out
}

/// What the needles of restricted notes are called (`word of <path>`).
pub fn restricted_needles(root: &Path) -> std::collections::BTreeSet<String> {
    let repo = waymark::load::load(root).expect("repository");
    repo.people
        .iter()
        .flat_map(|p| &p.notes)
        .filter(|note| note.restricted)
        .map(|note| format!("word of {}", note.source.path))
        .collect()
}

/// Every file of a built site with its path inside it, for searching byte by byte.
pub fn site_bytes(out: &Path) -> Vec<(String, Vec<u8>)> {
    files(out)
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(out).expect("inside").to_string_lossy().into_owned();
            let bytes = std::fs::read(&f).expect("read");
            (rel, bytes)
        })
        .collect()
}

/// Where in a site (file path, or the path itself) any form of a needle occurs, if anywhere.
pub fn find(site: &[(String, Vec<u8>)], needle: &Needle) -> Option<String> {
    std::iter::once(&needle.text).chain(&needle.also).find_map(|form| find_needle(site, form))
}

/// Where in a site (file path, or the path itself) a text occurs, as written or as the
/// templates escape it (`c&#x2F;o`), if anywhere.
pub fn find_needle(site: &[(String, Vec<u8>)], needle: &str) -> Option<String> {
    let escaped = needle
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2F;");
    [needle.to_string(), escaped].iter().find_map(|form| {
        let n = form.as_bytes();
        site.iter()
            .find(|(path, bytes)| path.contains(form.as_str()) || bytes.windows(n.len()).any(|w| w == n))
            .map(|(path, _)| path.clone())
    })
}

/// What a browser test needs of a browser, so one test body drives Chromium and Firefox alike.
pub trait Browser {
    /// Opens `url` in the page.
    fn navigate(&mut self, url: &str);
    /// Evaluates a JavaScript expression in the page and gives its value (null on an exception).
    fn eval(&mut self, expression: &str) -> serde_json::Value;
    /// Saves a PNG of the page when `WAYMARK_SCREENSHOTS` names a folder (for looking only).
    fn screenshot(&mut self, _name: &str) {}

    /// Evaluates `expression` every 50 ms until it gives a non-empty string (within two
    /// minutes on a busy machine); panics saying what was awaited otherwise.
    fn wait_for(&mut self, expression: &str, what: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while std::time::Instant::now() < deadline {
            if let Some(v) = self.eval(expression).as_str().filter(|v| !v.is_empty()) {
                return v.to_string();
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("waited two minutes for {what}");
    }
}

impl Browser for DevTools {
    fn navigate(&mut self, url: &str) {
        DevTools::navigate(self, url)
    }
    fn eval(&mut self, expression: &str) -> serde_json::Value {
        DevTools::eval(self, expression)
    }
    fn screenshot(&mut self, name: &str) {
        DevTools::screenshot(self, name)
    }
}

/// Firefox, if installed (Debian's `firefox-esr`). In CI (`CI` set) or with
/// `WAYMARK_BROWSER_TESTS=1`, a missing Firefox fails the test instead of skipping it.
pub fn firefox() -> Option<&'static str> {
    installed(&["firefox-esr", "firefox"], "firefox-esr")
}

/// Settings for a fresh Firefox profile: no first-run pages, no updates, reports or other
/// network traffic of its own (this machine has no network, and a test should not try).
const FIREFOX_PREFS: &[(&str, &str)] = &[
    ("browser.shell.checkDefaultBrowser", "false"),
    ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("browser.startup.page", "0"),
    ("browser.aboutwelcome.enabled", "false"),
    ("startup.homepage_welcome_url", "\"about:blank\""),
    ("datareporting.policy.dataSubmissionEnabled", "false"),
    ("datareporting.healthreport.uploadEnabled", "false"),
    ("toolkit.telemetry.reportingpolicy.firstRun", "false"),
    ("app.update.disabledForTesting", "true"),
    ("app.normandy.enabled", "false"),
    ("extensions.update.enabled", "false"),
    ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"),
    ("browser.safebrowsing.downloads.enabled", "false"),
    ("network.captive-portal-service.enabled", "false"),
    ("network.connectivity-service.enabled", "false"),
    ("network.dns.disablePrefetch", "true"),
    ("network.prefetch-next", "false"),
    ("services.settings.server", "\"data:,#remote-settings-off\""),
    ("messaging-system.rsexperimentloader.enabled", "false"),
];

/// Headless Firefox driven over WebDriver BiDi, which Firefox has built in: a WebSocket to
/// the port it picks and writes into its profile.
pub struct Bidi {
    child: std::process::Child,
    socket: tungstenite::WebSocket<std::net::TcpStream>,
    next: u64,
    context: String,
    /// Events received while waiting for answers (only those subscribed to are sent).
    pub events: Vec<serde_json::Value>,
}

impl Bidi {
    /// Starts headless Firefox on a fresh profile in `profile` and opens a session on its one tab.
    pub fn start(browser: &str, profile: &Path) -> Self {
        let prefs: String =
            FIREFOX_PREFS.iter().map(|(name, value)| format!("user_pref(\"{name}\", {value});\n")).collect();
        std::fs::write(profile.join("user.js"), prefs).expect("write user.js");
        let child = std::process::Command::new(browser)
            .args(["--headless", "--no-remote", "--remote-debugging-port", "0", "--profile"])
            .arg(profile)
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("firefox starts");
        // Firefox writes the port it listens on into the profile once it listens.
        let server = profile.join("WebDriverBiDiServer.json");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let port = loop {
            let port = std::fs::read(&server)
                .ok()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                .and_then(|v| v["ws_port"].as_u64());
            if let Some(port) = port {
                break port;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "firefox did not open its WebDriver BiDi port in two minutes"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        let stream = std::net::TcpStream::connect(("127.0.0.1", port as u16)).expect("connect to firefox");
        let (socket, _) =
            tungstenite::client(format!("ws://127.0.0.1:{port}/session"), stream).expect("WebSocket handshake");
        let mut bidi = Bidi { child, socket, next: 0, context: String::new(), events: Vec::new() };
        bidi.call("session.new", serde_json::json!({ "capabilities": {} }));
        let tree = bidi.call("browsingContext.getTree", serde_json::json!({ "maxDepth": 0 }));
        bidi.context = tree["contexts"][0]["context"].as_str().expect("a tab").to_string();
        bidi
    }

    /// Sends one command and waits for its answer, passing over events; panics on an error.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next += 1;
        let message = serde_json::json!({ "id": self.next, "method": method, "params": params });
        self.socket.send(tungstenite::Message::text(message.to_string())).expect("send");
        loop {
            let raw = self.socket.read().expect("firefox answers");
            let Ok(text) = raw.to_text() else { continue };
            let Ok(answer) = serde_json::from_str::<serde_json::Value>(text) else { continue };
            if answer["id"] == self.next {
                assert!(answer["type"] != "error", "{method}: {answer}");
                return answer["result"].clone();
            }
            if answer["type"] == "event" {
                self.events.push(answer);
            }
        }
    }
}

/// A BiDi remote value (`{"type": "string", "value": "…"}`) as plain JSON.
fn bidi_value(remote: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let value = &remote["value"];
    match remote["type"].as_str() {
        Some("string" | "boolean") => value.clone(),
        Some("number") => match value {
            Value::String(_) => Value::Null, // NaN, Infinity, -0
            v => v.clone(),
        },
        Some("array") => Value::Array(value.as_array().into_iter().flatten().map(bidi_value).collect()),
        Some("object") => Value::Object(
            value
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|pair| Some((pair[0].as_str()?.to_string(), bidi_value(&pair[1]))))
                .collect(),
        ),
        _ => Value::Null,
    }
}

impl Browser for Bidi {
    fn navigate(&mut self, url: &str) {
        let context = self.context.clone();
        self.call(
            "browsingContext.navigate",
            serde_json::json!({ "context": context, "url": url, "wait": "interactive" }),
        );
    }

    fn eval(&mut self, expression: &str) -> serde_json::Value {
        let context = self.context.clone();
        let got = self.call(
            "script.evaluate",
            serde_json::json!({
                "expression": expression,
                "target": { "context": context },
                "awaitPromise": true,
                "resultOwnership": "none",
            }),
        );
        if got["type"] == "success" {
            bidi_value(&got["result"])
        } else {
            serde_json::Value::Null
        }
    }

    fn screenshot(&mut self, name: &str) {
        use base64::Engine;
        let Some(dir) = std::env::var_os("WAYMARK_SCREENSHOTS") else { return };
        let context = self.context.clone();
        let shot = self.call("browsingContext.captureScreenshot", serde_json::json!({ "context": context }));
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or("")).expect("png");
        std::fs::write(Path::new(&dir).join(format!("firefox-{name}")), png).expect("write screenshot");
    }
}

impl Drop for Bidi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The names in a folder, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
