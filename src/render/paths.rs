//! The site's URL scheme: where each record is shown, and relative links between pages.
//!
//! ```text
//! index.html                          dashboard
//! report.html                         validation report
//! static/...                          theme files
//! people/<id>/index.html              profile, diagnostics, notes (#note-<stem>), outcomes (#outcome-<stem>),
//!                                     feedback (#feedback-<stem>)
//! people/<id>/transition.html         turning 18: what is done and still due, to print
//! people/<id>/plan.html               pathway plan
//! people/<id>/passport.html           health passport
//! people/<id>/files/...               attachments, copied
//! people/<id>/history.html            timeline: every change to any of their records
//! people/<id>/history/<record>.html   one record's history (`history/notes/<stem>.html`, `history/profile.html`)
//! changes.html                        recent changes across the repository
//! supervision/<staff-id>/<date>.html  one staff supervision record (only in sites that show supervision)
//! search/index.html                   search page (`?q=` and filters in the address)
//! search/manifest.js, t/, d/          search index, loaded by script tags
//! ```
//!
//! Site paths are plain `/`-separated file paths inside the output folder;
//! [`href`] turns one into a percent-encoded link relative to the page that shows it.

/// The dashboard page.
pub const DASHBOARD: &str = "index.html";
/// The validation report page.
pub const REPORT: &str = "report.html";

/// The board report page.
pub const BOARD: &str = "board/index.html";
/// The manager's page: staff, sign-offs, decisions, exceptions.
pub const MANAGER: &str = "manager.html";
/// The board's CSV file, one row per young person.
pub const BOARD_CSV: &str = "board/care-leavers.csv";
/// The board's trends file, one row per month end.
pub const TRENDS_CSV: &str = "board/trends.csv";

/// The search page.
pub const SEARCH: &str = "search/index.html";

/// The recent changes page.
pub const CHANGES: &str = "changes.html";

/// A person's timeline: every change to their records.
pub fn person_history(id: &str) -> String {
    format!("people/{id}/history.html")
}

/// The history page of a record (`records/<id>/notes/x.md` → `people/<id>/history/notes/x.html`);
/// `None` for paths that are not records the site shows (attachments, stray files).
pub fn record_history(repo_path: &str) -> Option<String> {
    let (page, _) = site_target(repo_path)?;
    let rest = repo_path.strip_prefix("records/")?;
    let (id, inside) = rest.split_once('/')?;
    if page.contains("/files/") {
        return None;
    }
    Some(format!("people/{id}/history/{}.html", inside.strip_suffix(".md")?))
}

/// The folder of a person's pages.
pub fn person_dir(id: &str) -> String {
    format!("people/{id}")
}

/// The young person whose folder a site path is in or names (`people/<id>` or below it).
pub fn person_of(path: &str) -> Option<&str> {
    let id = path.strip_prefix("people/")?.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// A personal adviser's caseload page, by staff id (or `_unassigned`).
pub fn adviser_page(key: &str) -> String {
    format!("advisers/{key}.html")
}

/// The page of a supervision record (`staff/<staff-id>/supervision/<date>.md`), by staff id
/// and the record's file stem (its date). Never linked from a young person's page.
pub fn supervision_page(staff: &str, stem: &str) -> String {
    format!("supervision/{staff}/{stem}.html")
}

/// The page of the supervision record at this repository path
/// (`staff/<staff-id>/supervision/<date>.md`); `None` for any other path. Whether a site has
/// the page is the audience's decision ([`crate::audience::Audience::supervision_pages`]).
pub fn supervision_target(repo_path: &str) -> Option<String> {
    let (staff, file) = repo_path.strip_prefix("staff/")?.split_once("/supervision/")?;
    if staff.contains('/') || file.contains('/') || !file.ends_with(".md") {
        return None;
    }
    let page = supervision_page(staff, stem(file));
    safe_relative(&page).then_some(page)
}

/// A person's main page.
pub fn person_page(id: &str) -> String {
    format!("people/{id}/index.html")
}

/// A person's pathway plan page.
pub fn plan_page(id: &str) -> String {
    format!("people/{id}/plan.html")
}

/// A person's health passport page.
pub fn passport_page(id: &str) -> String {
    format!("people/{id}/passport.html")
}

/// What the anchor of a note on its person's page starts with, before the note's file stem.
pub const NOTE_ANCHOR: &str = "note-";
/// What the anchor of a feedback record starts with, before its file stem.
pub const FEEDBACK_ANCHOR: &str = "feedback-";
/// What the anchor of an outcome reading starts with, before its file stem.
pub const OUTCOME_ANCHOR: &str = "outcome-";

/// The anchor of a note on its person's page, from the note's file stem.
pub fn note_anchor(stem: &str) -> String {
    format!("{NOTE_ANCHOR}{stem}")
}

/// A person's printable turning-18 page.
pub fn transition_page(id: &str) -> String {
    format!("people/{id}/transition.html")
}

/// The anchor of a feedback record on its person's page.
pub fn feedback_anchor(stem: &str) -> String {
    format!("{FEEDBACK_ANCHOR}{stem}")
}

/// The anchor of an outcome reading on its person's page.
pub fn outcome_anchor(stem: &str) -> String {
    format!("{OUTCOME_ANCHOR}{stem}")
}

/// The file name of a path without its extension (`2026-11-02-visit` for `notes/2026-11-02-visit.md`).
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// Where the site shows a repository path: the page (a site path) and an optional anchor.
///
/// `records/<id>/files/<rest>` maps to the copied attachment; other paths to the page of
/// their record. Returns `None` for paths the site does not show.
pub fn site_target(repo_path: &str) -> Option<(String, Option<String>)> {
    let rest = repo_path.strip_prefix("records/")?;
    let (id, inside) = rest.split_once('/')?;
    if id.is_empty() || inside.is_empty() {
        return None;
    }
    let target = match inside.split_once('/') {
        None => match inside {
            "profile.md" => (person_page(id), None),
            "pathway-plan.md" => (plan_page(id), None),
            "health-passport.md" => (passport_page(id), None),
            _ => return None,
        },
        Some(("notes", file)) if !file.contains('/') && file.ends_with(".md") => {
            (person_page(id), Some(note_anchor(stem(file))))
        }
        Some(("outcomes", file)) if !file.contains('/') && file.ends_with(".md") => {
            (person_page(id), Some(outcome_anchor(stem(file))))
        }
        Some(("feedback", file)) if !file.contains('/') && file.ends_with(".md") => {
            (person_page(id), Some(feedback_anchor(stem(file))))
        }
        Some(("files", file)) if safe_relative(file) => {
            (format!("{}/files/{}", person_dir(id), inert_name(file)), None)
        }
        _ => return None,
    };
    Some(target)
}

/// Attachment types that keep their names: documents and images people scan, which a browser
/// shows, downloads or hands to another program but never runs as part of the site. An
/// allow-list, so a type nobody thought of (`.xht`, `.mht`, a new script format) is made inert.
pub const INERT_TYPES: &[&str] = &[
    "pdf", "png", "jpg", "jpeg", "gif", "webp", "heic", "txt", "csv", "doc", "docx", "xls", "xlsx", "odt", "ods",
    "odp", "ppt", "pptx", "rtf", "eml", "msg",
];

/// The name an attachment is copied under: the one place that decides it, for build and serve.
/// Types on [`INERT_TYPES`] (any case) keep their names; every other file, and one with no
/// extension, gets `.txt` added, so opening it from the site shows its text instead of running it.
pub fn inert_name(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext {
        Some(ext) if INERT_TYPES.contains(&ext.as_str()) => file.to_string(),
        _ => format!("{file}.txt"),
    }
}

/// Whether a `/`-separated path stays where it is put: no empty, `.` or `..` segments, no backslashes.
pub fn safe_relative(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && path.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
}

/// A percent-encoded link from the page at `from` to the site path `to` (both relative to the site root).
pub fn href(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let common = common.min(to_parts.len().saturating_sub(1));
    let mut out = "../".repeat(from_dirs.len() - common);
    let rest: Vec<String> = to_parts[common..].iter().map(|s| encode(s)).collect();
    out.push_str(&rest.join("/"));
    out
}

/// The relative prefix from a page to the site root (`""` or `"../../"`).
pub fn root_of(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// Percent-encodes everything in one path segment or fragment except unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_encoded(&mut out, s);
    out
}

/// Adds `s` to `out` as [`encode`] gives it.
pub fn push_encoded(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_encoded_byte_by_byte_keeping_only_unreserved_characters() {
        assert_eq!(encode("2026-11-02_visit.v2~a"), "2026-11-02_visit.v2~a");
        assert_eq!(encode("a b/ç#?"), "a%20b%2F%C3%A7%23%3F");
        let mut out = String::from("page.html#");
        push_encoded(&mut out, NOTE_ANCHOR);
        push_encoded(&mut out, "2026 visit");
        assert_eq!(out, format!("page.html#{}", encode(&note_anchor("2026 visit"))));
    }

    #[test]
    fn records_map_to_pages() {
        assert_eq!(site_target("records/yp-1/profile.md"), Some(("people/yp-1/index.html".into(), None)));
        assert_eq!(site_target("records/yp-1/pathway-plan.md"), Some(("people/yp-1/plan.html".into(), None)));
        assert_eq!(
            site_target("records/yp-1/notes/2026-01-02-visit.md"),
            Some(("people/yp-1/index.html".into(), Some("note-2026-01-02-visit".into())))
        );
        assert_eq!(
            site_target("records/yp-1/files/scans/a b.pdf"),
            Some(("people/yp-1/files/scans/a b.pdf".into(), None))
        );
        assert_eq!(
            site_target("records/yp-1/files/letter.HTML"),
            Some(("people/yp-1/files/letter.HTML.txt".into(), None))
        );
        assert_eq!(
            site_target("records/yp-1/files/a.b/README"),
            Some(("people/yp-1/files/a.b/README.txt".into(), None))
        );
        assert_eq!(site_target("records/yp-1/files/../../x"), None);
        assert_eq!(site_target("waymark.yaml"), None);
        assert_eq!(site_target("records/yp-1/other.md"), None);
    }

    #[test]
    fn only_inert_types_keep_their_names() {
        for kept in
            ["scan.pdf", "scan.PDF", "photo.JpEg", "IMG_1.heic", "list.csv", "notes.txt", "letter.docx", "mail.eml"]
        {
            assert_eq!(inert_name(kept), kept);
        }
        for active in [
            "page.xht",
            "page.xhtm",
            "page.HTML",
            "logo.svg",
            "x.mht",
            "x.mhtml",
            "x.js",
            "x.wasm",
            "x.unknown",
            "README",
            "a.",
        ] {
            assert_eq!(inert_name(active), format!("{active}.txt"));
        }
        assert_eq!(inert_name("letters.pdf/evil.html"), "letters.pdf/evil.html.txt");
    }

    #[test]
    fn records_have_history_pages() {
        assert_eq!(record_history("records/yp-1/profile.md").as_deref(), Some("people/yp-1/history/profile.html"));
        assert_eq!(
            record_history("records/yp-1/notes/2026-01-02-visit.md").as_deref(),
            Some("people/yp-1/history/notes/2026-01-02-visit.html")
        );
        assert_eq!(
            record_history("records/yp-1/outcomes/2026-01-02.md").as_deref(),
            Some("people/yp-1/history/outcomes/2026-01-02.html")
        );
        assert_eq!(record_history("records/yp-1/files/letter.pdf"), None);
        assert_eq!(record_history("records/yp-1/other.md"), None);
        assert_eq!(record_history("waymark.yaml"), None);
        assert_eq!(person_history("yp-1"), "people/yp-1/history.html");
        assert_eq!(person_of("people/yp-1/history/notes/2026-01-02-visit.html"), Some("yp-1"));
        assert_eq!(person_of("people/yp-1"), Some("yp-1"));
        assert_eq!(person_of("people/"), None);
        assert_eq!(person_of("advisers/yp-1.html"), None);
        assert_eq!(supervision_page("sam-okafor", "2026-11-03"), "supervision/sam-okafor/2026-11-03.html");
        assert_eq!(
            supervision_target("staff/sam-okafor/supervision/2026-11-03.md").as_deref(),
            Some("supervision/sam-okafor/2026-11-03.html")
        );
        assert_eq!(supervision_target("staff/../supervision/2026-11-03.md"), None);
        assert_eq!(supervision_target("staff/sam-okafor/notes.md"), None);
        assert_eq!(supervision_target("records/yp-1/supervision/2026-11-03.md"), None);
    }

    #[test]
    fn links_are_relative_and_encoded() {
        assert_eq!(href("people/a/index.html", "people/a/plan.html"), "plan.html");
        assert_eq!(href("people/a/index.html", "people/b/index.html"), "../b/index.html");
        assert_eq!(href("people/a/index.html", "index.html"), "../../index.html");
        assert_eq!(href("index.html", "people/a/index.html"), "people/a/index.html");
        assert_eq!(href("people/a/index.html", "people/a/files/a b.pdf"), "files/a%20b.pdf");
        assert_eq!(href("report.html", "static/style.css"), "static/style.css");
        assert_eq!(root_of("people/a/index.html"), "../../");
        assert_eq!(root_of("index.html"), "");
    }
}
