//! Printing one young person's page to PDF: render it with the site's own renderer into a
//! temporary folder, then have an installed Chromium or Chrome print it headless. The page's
//! CSS decides the paper (A4, `@page`) and the footer; the browser adds no header or footer.

use crate::check::{GitState, Report};
use crate::model::date::Date;
use crate::model::Repository;
use crate::render::history::SiteHistory;
use crate::render::markdown::Links;
use crate::render::templates::Theme;
use crate::render::views::SiteView;
use crate::render::{paths, person_pages, PersonCtx};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The browsers looked for on PATH, in this order, after `$WAYMARK_CHROME`.
pub const BROWSERS: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// How long the browser may take to print before it is stopped.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// A page that can be printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printable {
    /// The health passport.
    Passport,
    /// The pathway plan.
    Plan,
    /// The transition summary (record format 1.1).
    Transition,
}

impl Printable {
    /// The page's path in the site.
    fn page(self, id: &str) -> String {
        match self {
            Printable::Passport => paths::passport_page(id),
            Printable::Plan => paths::plan_page(id),
            Printable::Transition => format!("{}/transition.html", paths::person_dir(id)),
        }
    }

    /// Why the page is missing, in plain words.
    fn missing(self, id: &str) -> String {
        match self {
            Printable::Passport => format!(
                "{id} has no health passport to print.\n  Write records/{id}/health-passport.md first (`waymark check` then says what it still needs)."
            ),
            Printable::Plan => format!(
                "{id} has no pathway plan to print.\n  Write records/{id}/pathway-plan.md first (`waymark check` then says what it still needs)."
            ),
            Printable::Transition => format!(
                "{id} has no transition page to print: it is made for active young people whose 18th birthday is still to come.\n  \
                 Check their date of birth and status with `waymark check --person {id}`."
            ),
        }
    }
}

/// The browser to print with: `$WAYMARK_CHROME`, else the first of [`BROWSERS`] on PATH.
pub fn find_browser() -> Result<PathBuf, String> {
    if let Some(named) = std::env::var_os("WAYMARK_CHROME").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(&named);
        let found = if path.components().count() > 1 { executable(&path).then_some(path) } else { on_path(&named) };
        return found.ok_or_else(|| {
            format!(
                "WAYMARK_CHROME names {}, which is not a program that can be run.\n  Set it to the full path of Chromium or Chrome, or unset it to search PATH.",
                crate::term::visible(&named.to_string_lossy())
            )
        });
    }
    BROWSERS.iter().find_map(|name| on_path(std::ffi::OsStr::new(name))).ok_or_else(|| {
        format!(
            "printing needs Chromium or Google Chrome, and none was found: looked for {} on PATH and for $WAYMARK_CHROME.\n  \
             Install one (on Debian or Ubuntu: sudo apt install chromium), or set WAYMARK_CHROME to the browser's full path.",
            BROWSERS.join(", ")
        )
    })
}

fn on_path(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| executable(p))
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// A folder under the system's temporary folder, removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let base = std::env::temp_dir();
        for attempt in 0..100u32 {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos());
            let dir = base.join(format!("waymark-print-{}-{}-{attempt}", std::process::id(), nanos.unwrap_or(0)));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot make a temporary folder in {}: {e}", base.display())),
            }
        }
        Err(format!("cannot make a temporary folder in {}", base.display()))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Renders `what` for the person `id` and prints it to `pdf` (written beside and swapped in whole).
pub fn print(
    repo: &Repository,
    report: &Report,
    git: &GitState,
    today: Date,
    what: Printable,
    id: &str,
    pdf: &Path,
) -> Result<(), String> {
    let person = repo.person(id).ok_or_else(|| {
        let ids = repo.people.iter().map(|p| p.id.as_str());
        let hint = crate::load::fields::closest(id, ids).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
        format!(
            "no young person has the id `{}` in records/.\n  {hint}Give the id of a folder in records/.",
            crate::term::visible(id)
        )
    })?;
    let browser = find_browser()?;
    let theme = Theme::load(&repo.root, &repo.config.theme)?;
    let site = SiteView::new(&repo.config, today);
    let links = Links::new(repo);
    let history = SiteHistory::new(&git.history, repo, &git.uncommitted);
    let diags: Vec<&crate::diag::Diagnostic> =
        report.diagnostics.iter().filter(|d| d.person.as_deref() == Some(id)).collect();
    let ctx =
        PersonCtx { diags: &diags, today, theme: &theme, site: &site, links: &links, memo: None, history: &history };
    let pages = person_pages(repo, person, &ctx)?;
    let target = what.page(id);
    if !pages.iter().any(|(path, _)| *path == target) {
        return Err(what.missing(id));
    }

    let tmp = TempDir::new()?;
    let write = |rel: &str, bytes: &[u8]| -> Result<(), String> {
        let path = tmp.0.join("site").join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    for (path, html) in &pages {
        write(path, html.as_bytes())?;
    }
    for (name, data) in &theme.statics {
        write(&format!("static/{name}"), data)?;
    }
    let page = tmp.0.join("site").join(&target);
    let out = tmp.0.join("out.pdf");
    run_browser(&browser, &tmp.0.join("profile"), &page, &out)?;
    let bytes = std::fs::read(&out).map_err(|_| {
        format!(
            "{} ran but wrote no PDF.\n  Try another browser with WAYMARK_CHROME=/path/to/chrome.",
            browser.display()
        )
    })?;
    if !bytes.starts_with(b"%PDF") {
        return Err(format!("{} wrote something that is not a PDF.", browser.display()));
    }
    crate::site::write_file_atomically(pdf, &bytes).map_err(|e| format!("cannot write {}: {e}", pdf.display()))
}

/// Runs the browser headless to print `page` to `out`, stopping it after [`BROWSER_TIMEOUT`].
fn run_browser(browser: &Path, profile: &Path, page: &Path, out: &Path) -> Result<(), String> {
    let url = format!("file://{}", page.display());
    let mut cmd = std::process::Command::new(browser);
    cmd.args(["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars"])
        // Printing needs nothing from any network; without these Chromium tries to reach its own servers.
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    // Into a file, not a pipe: a chatty browser would fill a pipe nobody reads until it exits.
    let log = profile.with_file_name("browser.log");
    if let Ok(file) = std::fs::File::create(&log) {
        cmd.stderr(file);
    } else {
        cmd.stderr(std::process::Stdio::null());
    }
    // Chromium's sandbox refuses to start as root (in containers, mostly); the page is our own.
    if running_as_root() {
        cmd.arg("--no-sandbox");
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let err = std::fs::read_to_string(&log).unwrap_or_default();
                let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
                return Err(format!(
                    "{} stopped with {status} before printing. Its last words: {}",
                    browser.display(),
                    crate::term::visible(last)
                ));
            }
            Ok(None) if started.elapsed() > BROWSER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not finish printing within {} seconds, so it was stopped.",
                    browser.display(),
                    BROWSER_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("cannot wait for {}: {e}", browser.display())),
        }
    }
}

#[cfg(unix)]
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}
