//! `waymark build` end to end: build a small fictional repository and read the site as a person would.
//!
//! Every person, member of staff and number here is fictional.

mod site;

use site::{check_site, chromium, decode_entities, files, read};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-24";

const CONFIG: &str = "\
organisation: Example Leaving Care Service
site:
  title: Example case records
staff:
  - id: sam-okafor
    name: Sam Okafor
    role: personal-adviser
  - id: amira-hassan
    name: Amira Hassan
    role: key-worker
";

const ROBIN_PROFILE: &str = "\
---
name: Robin Example
date_of_birth: 2008-03-14
legal_status: relevant
personal_adviser: sam-okafor
key_worker: amira-hassan
in_touch: yes
contact_every_days: 28
accommodation: { type: semi-independent, since: 2025-09-01, suitable: true }
activity: { type: other-education, hours: full-time, since: 2025-09-08, detail: Level 2 catering }
---
Robin loves cooking. See the [plan](pathway-plan.md) and the [letter](files/letter%20one.txt).
";

const ROBIN_PLAN: &str = "\
---
started: 2025-03-20
reviews:
  - { date: 2026-09-18, by: sam-okafor, young_person_present: true, views: Wants to stay near college }
next_review: 2027-03-18
goals:
  - id: college
    heading: education-and-training
    need: Keep attending the catering course
    action: Weekly check-in on attendance
    by_whom: sam-okafor
    by_when: 2027-06-01
    status: in-progress
  - id: budget
    heading: finance
    need: Learn to budget for food and bills
    action: Budgeting sessions with the key worker
    by_whom: amira-hassan
    by_when: 2026-10-01
    status: achieved
    done: 2026-09-30
---
Robin wants to be a chef.
";

const ROBIN_PASSPORT: &str = "\
---
nhs_number: \"999 765 4323\"
gp: { practice: Example Surgery, address: \"1 High St\", phone: \"01234 567890\" }
allergies: [penicillin]
last_health_assessment: 2026-02-01
---
Keeps an inhaler in the kitchen.
";

const ROBIN_VISIT: &str = "\
---
date: 2026-11-02
author: sam-okafor
kind: visit
with: [young-person]
minutes: 45
---
Talked about the college bus pass; Robin showed me a new knife roll. Back to the [plan](../pathway-plan.md),
and [an earlier note](2026-10-20-phone.md), a ![photo](../files/photo.png) and [elsewhere](https://example.org/).
The knife roll was a gift[^1].

[^1]: From the college's catering department.
";

const ROBIN_PHONE: &str = "\
---
date: 2026-10-20
author: sam-okafor
kind: phone
restricted: true
---
A sensitive conversation about family contact.
";

const XSS_PROFILE: &str = "\
---
name: \"<script>alert(1)</script>\"
preferred_name: \"</title><script>alert(2)</script>\"
date_of_birth: 2008-05-01
legal_status: relevant
personal_adviser: sam-okafor
accommodation: { type: foster, address: \"<img src=x onerror=alert(3)>\" }
---
<script>alert(4)</script>
<img src=x onerror=alert(5)>
[click](javascript:alert(6))
<svg onload=alert(7)></svg>
</textarea><script>alert(8)</script>
<a href=\"data:text/html,hi\">data</a>
<iframe src=\"https://evil.example/\"></iframe>
";

const XSS_NOTE: &str = "\
---
date: 2026-11-01
author: sam-okafor
with: [\"<b onmouseover=alert(9)>x</b>\"]
---
<p onclick=\"alert(10)\">text</p><style>body{display:none}</style>
";

/// A repository with Robin (everything), an XSS attempt, and a person whose profile is broken.
fn repository() -> tempfile::TempDir {
    let files: &[(&str, &[u8])] = &[
        ("waymark.yaml", CONFIG.as_bytes()),
        ("records/yp-0001/profile.md", ROBIN_PROFILE.as_bytes()),
        ("records/yp-0001/pathway-plan.md", ROBIN_PLAN.as_bytes()),
        ("records/yp-0001/health-passport.md", ROBIN_PASSPORT.as_bytes()),
        ("records/yp-0001/notes/2026-11-02-visit.md", ROBIN_VISIT.as_bytes()),
        ("records/yp-0001/notes/2026-10-20-phone.md", ROBIN_PHONE.as_bytes()),
        ("records/yp-0001/files/letter one.txt", b"A tenancy letter."),
        ("records/yp-0001/files/photo.png", b"not really a png"),
        ("records/yp-0002/profile.md", XSS_PROFILE.as_bytes()),
        ("records/yp-0002/notes/2026-11-01-visit.md", XSS_NOTE.as_bytes()),
        ("records/yp-0003/profile.md", b"---\nname: [unclosed\n---\nBroken.\n"),
        ("records/Odd Name#1/profile.md", b"---\nname: Odd Folder\ndate_of_birth: 2008-01-01\nlegal_status: relevant\npersonal_adviser: \"../../etc\"\n---\nA folder named against the rules.\n"),
    ];
    site::repository_of(files)
}

fn waymark(root: &Path) -> assert_cmd::Command {
    site::waymark(root, TODAY)
}

/// Builds the repository into `<root>/public` and returns the output folder.
fn build(root: &Path) -> PathBuf {
    let out = waymark(root).arg("build").assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("index.html"), "the summary says where to open the site: {stdout}");
    root.join("public")
}

/// The text between `from` and the next `to` after it.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).unwrap_or_else(|| panic!("{from:?} not found")) + from.len();
    let rest = &text[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

#[test]
fn the_site_shows_what_a_reader_looks_for() {
    let repo = repository();
    let out = build(repo.path());
    assert!(out.join(".waymark-site").is_file());

    let dashboard = read(&out.join("index.html"));
    assert!(dashboard.contains("Robin Example"), "name on the dashboard");
    assert!(dashboard.contains("Semi-independent (D1)"));
    assert!(dashboard.contains("Sam Okafor"));
    assert!(dashboard.contains("18 Mar 2027"), "next plan review");

    let sam = read(&out.join("advisers/sam-okafor.html"));
    assert!(sam.contains("Caseload: Sam Okafor") && sam.contains("Robin Example"), "a view per adviser");
    assert!(read(&out.join("advisers/_unassigned.html")).contains("yp-0003"), "records with no adviser");
    assert!(read(&out.join("people/Odd Name#1/index.html")).contains("Odd Folder"), "a badly named folder still shows");

    let person = read(&out.join("people/yp-0001/index.html"));
    assert!(person.contains("Talked about the college bus pass"), "a note's text in full");
    assert!(person.contains("Restricted note"), "the restricted banner");
    let restricted = between(&person, r#"id="note-2026-10-20-phone""#, "</article>");
    assert!(restricted.contains("Restricted note") && restricted.contains("sensitive conversation"));
    let visit = between(&person, r#"id="note-2026-11-02-visit""#, "</article>");
    assert!(!visit.contains("Restricted note"), "only restricted notes carry the banner");
    assert!(person.find("2026-11-02-visit") < person.find("2026-10-20-phone"), "notes newest first");
    let education = between(&person, "<h3>Education and training</h3>", "</section>");
    assert!(education.contains("Keep attending the catering course") && education.contains("In progress"));
    let finance = between(&person, "<h3>Finance</h3>", "</section>");
    assert!(finance.contains("Learn to budget") && finance.contains("Achieved"));
    assert!(!finance.contains("catering"), "each goal sits under its own heading");

    let links = decode_entities(&person);
    for link in [
        r#"href="plan.html""#,
        r#"href="index.html#note-2026-10-20-phone""#,
        r#"src="files/photo.png""#,
        r#"href="files/letter%20one.txt""#,
        r#"href="passport.html""#,
    ] {
        assert!(links.contains(link), "{link} on the person page");
    }
    assert!(person.contains(">elsewhere</a>"), "a link to another host keeps its text, not its address");
    let plan = read(&out.join("people/yp-0001/plan.html"));
    assert!(plan.contains("Robin wants to be a chef") && plan.contains("Signed"));
    let passport = read(&out.join("people/yp-0001/passport.html"));
    assert!(
        passport.contains("999 765 4323") && passport.contains("Example Surgery") && passport.contains("penicillin")
    );
    assert!(passport.contains("printed on 24 Nov 2026"));
    assert_eq!(read(&out.join("people/yp-0001/files/letter one.txt")), "A tenancy letter.");

    // The dashboard counts the open records the board does: the broken profile is listed, not counted.
    let dashboard = decode_entities(&read(&out.join("index.html")));
    assert!(dashboard.contains("<span class=\"number\">3</span> open records"), "{dashboard}");
    assert!(dashboard.contains("1 profile could not be read"), "{dashboard}");
    // The board holds back every count under 5: three young people show as "fewer than 5".
    let board = decode_entities(&read(&out.join("board/index.html")));
    assert!(board.contains("Open records: <span class=\"suppressed\">fewer than 5</span>"), "{board}");
    let suitable = between(&board, "In suitable accommodation", "</tr>");
    assert!(suitable.contains("fewer than 5 in all") && !suitable.contains('%'), "{suitable}");
    let activity = between(&board, "<h2>Activity</h2>", "</table>");
    assert!(
        activity.contains("Other education, full time</td><td>F2</td><td><span class=\"suppressed\">fewer than 5"),
        "{activity}"
    );
    let csv = read(&out.join("board/care-leavers.csv"));
    assert!(csv.starts_with("CHILD,DOB,AGE,AGE_BAND,LEGAL_STATUS,UASC,PARENT,CUSTODY,IN_TOUCH,ACTIV,"), "{csv}");
    assert!(csv.contains("\r\nyp-0001,2008-03-14,18,17-18,relevant,no,no,no,YES,F2,no,,D1,yes,no,no,"), "{csv}");
    assert_eq!(csv.lines().count(), 4, "a header and one row per open record: {csv}");

    let report = read(&out.join("report.html"));
    let report = decode_entities(&report);
    assert!(report.contains("records/yp-0003/profile.md") && report.contains("yaml-syntax"));
    assert!(report.contains(r#"href="people/yp-0003/index.html""#), "report links to the person");
}

#[test]
fn every_page_is_private_and_every_link_resolves() {
    let repo = repository();
    let out = build(repo.path());
    check_site(&out);
}

#[test]
fn the_sample_repository_builds_into_a_private_site() {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    waymark(root).arg("build").arg("--output").arg(&out).assert().success();
    for entry in std::fs::read_dir(root.join("records")).expect("sample records") {
        let id = entry.expect("entry").file_name();
        assert!(out.join("people").join(&id).join("index.html").is_file(), "{id:?} has a page");
    }
    check_site(&out);
}

#[test]
fn script_in_records_comes_out_inert() {
    let repo = repository();
    let out = build(repo.path());
    let dashboard = read(&out.join("index.html"));
    assert!(dashboard.contains("&lt;&#x2F;title&gt;&lt;script&gt;alert(2)"), "the name is shown escaped");
    let person = read(&out.join("people/yp-0002/index.html"));
    assert!(person.contains("&lt;img src=x onerror=alert(3)&gt;"), "a front-matter value is shown as text");
    for page in files(&out).iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        let html = read(page);
        assert_eq!(html.matches("</title>").count(), 1, "{}", page.display());
        let mut scripts = 0;
        for (name, attrs) in tags(&html) {
            let at = page.display();
            assert!(
                !["svg", "iframe", "style", "textarea", "object", "embed", "math", "base"].contains(&name.as_str()),
                "{at}: <{name}>"
            );
            if name == "form" {
                // Only the search box and the search page's own form, both going to the search page.
                assert!(
                    attrs.iter().any(|(a, v)| a == "action" && decode_entities(v).ends_with("search/index.html")
                        || a == "action" && v == "index.html" && page.ends_with("search/index.html")),
                    "{at}: {attrs:?}"
                );
            }
            if name == "script" {
                scripts += 1;
                assert!(
                    attrs.iter().any(|(a, v)| a == "src"
                        && ["static/print.js", "static/search.js"].iter().any(|s| decode_entities(v).ends_with(s))
                        || a == "src" && v == "manifest.js" && page.ends_with("search/index.html")),
                    "{at}: {attrs:?}"
                );
            }
            for (attr, value) in &attrs {
                assert!(!attr.starts_with("on") && attr != "style", "{at}: <{name} {attr}={value:?}>");
                let value = decode_entities(value).to_ascii_lowercase();
                if ["href", "src", "action", "formaction"].contains(&attr.as_str()) {
                    assert!(!value.contains(':'), "{at}: <{name} {attr}={value:?}>");
                }
            }
        }
        assert!(scripts <= 3, "{}", page.display());
    }
}

/// Every start tag in a page: its name and attributes (values as written, entities not decoded).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let a = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
                i += 1;
            }
            let attr = html[a..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i];
                    i += 1;
                    let v = i;
                    while i < b.len() && b[i] != q {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                    i += 1;
                } else {
                    let v = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = html[v..i].to_string();
                }
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
    }
    out
}

#[test]
fn errors_still_build_and_strict_fails() {
    let repo = repository();
    waymark(repo.path()).arg("build").assert().code(0);
    assert!(repo.path().join("public/people/yp-0003/index.html").is_file(), "a broken record still gets a page");
    waymark(repo.path()).args(["build", "--strict"]).assert().code(1);
    assert!(repo.path().join("public/index.html").is_file());
}

#[test]
fn an_output_folder_waymark_did_not_make_is_refused() {
    let repo = repository();
    let theirs = repo.path().join("theirs");
    std::fs::create_dir(&theirs).expect("mkdir");
    std::fs::write(theirs.join("precious.txt"), "keep me").expect("write");
    let out = waymark(repo.path()).arg("build").arg("--output").arg(&theirs).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains(".waymark-site") && stderr.contains("will not replace"), "{stderr}");
    assert_eq!(read(&theirs.join("precious.txt")), "keep me");
    assert_eq!(std::fs::read_dir(&theirs).expect("list").count(), 1, "nothing written into it");
    let beside: Vec<_> = std::fs::read_dir(repo.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("waymark-new"))
        .collect();
    assert!(beside.is_empty(), "no temporary folder left behind");

    // A folder Waymark made is replaced whole, stale files and all.
    let ours = repo.path().join("site");
    waymark(repo.path()).arg("build").arg("--output").arg(&ours).assert().success();
    std::fs::write(ours.join("stale.html"), "old").expect("write");
    waymark(repo.path()).arg("build").arg("--output").arg(&ours).assert().success();
    assert!(!ours.join("stale.html").exists() && ours.join("index.html").is_file());

    let inside = repo.path().join("records/yp-0001/site");
    waymark(repo.path()).arg("build").arg("--output").arg(&inside).assert().code(2);
    assert!(!inside.exists());
}

/// Runs headless chromium on a file with extra arguments; returns its output.
fn headless(browser: &str, profile: &Path, page: &Path, args: &[String]) -> String {
    site::headless(browser, profile, page, "", args)
}

#[test]
fn the_passport_prints_on_a4_with_what_matters() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let out = build(repo.path());
    let pdf = repo.path().join("passport.pdf");
    let args = [format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".to_string()];
    headless(browser, &repo.path().join("chrome"), &out.join("people/yp-0001/passport.html"), &args);
    let text =
        std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for want in ["Robin Example", "999 765 4323", "Example Surgery", "printed on 24 Nov 2026", "Page 1 of"] {
        assert!(text.contains(want), "the printed passport lacks {want:?}:\n{text}");
    }
    for unwanted in ["Caseload", "Validation report", "Print this passport"] {
        assert!(!text.contains(unwanted), "navigation {unwanted:?} is printed:\n{text}");
    }
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    assert!((1..=3).contains(&pages), "{pages} pages");
    assert!(info.contains("(A4)"), "{info}");
}

#[test]
fn the_dashboard_renders_in_a_browser() {
    let Some(browser) = chromium() else { return };
    let repo = repository();
    let out = build(repo.path());
    let blank = repo.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><title>x</title>").expect("write");
    let mut sizes = Vec::new();
    for (page, shot) in [(&blank, "blank.png"), (&out.join("index.html"), "dashboard.png")] {
        let png = repo.path().join(shot);
        let args = [format!("--screenshot={}", png.display()), "--window-size=1280,900".to_string()];
        headless(browser, &repo.path().join("chrome"), page, &args);
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert!(bytes.starts_with(b"\x89PNG"), "{shot} is a PNG");
        sizes.push(bytes.len());
    }
    assert!(sizes[1] > 4 * sizes[0].max(1000), "the dashboard screenshot looks blank: {sizes:?}");
    // The theme's script runs from file:// under the pages' Content-Security-Policy.
    let dom =
        headless(browser, &repo.path().join("chrome"), &out.join("people/yp-0001/plan.html"), &["--dump-dom".into()]);
    assert!(dom.contains(r#"<html lang="en-GB" class="js">"#), "print.js did not run: {}", &dom[..dom.len().min(300)]);
}

#[test]
fn attachments_that_a_browser_would_run_are_copied_as_text() {
    let dir = repository();
    let note = "---\ndate: 2026-11-03\nauthor: sam-okafor\n---\nThe college sent a [web page](../files/offer.html).\n";
    std::fs::write(dir.path().join("records/yp-0001/notes/2026-11-03-offer.md"), note).expect("write");
    std::fs::write(dir.path().join("records/yp-0001/files/offer.html"), "<script>alert(1)</script>").expect("write");
    let out = build(dir.path());
    let files = out.join("people/yp-0001/files");
    assert!(!files.join("offer.html").exists(), "an HTML attachment must not be served as a page of the site");
    assert_eq!(read(&files.join("offer.html.txt")), "<script>alert(1)</script>");
    assert!(read(&out.join("people/yp-0001/index.html")).contains("href=\"files/offer.html.txt\""));
}
