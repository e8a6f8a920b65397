//! `waymark serve` end to end: the real binary on temporary repositories, real files edited
//! while it runs, and answers read over real sockets.
//!
//! Time limits are generous ([`live::PATIENCE`]) so a slow CI machine passes; on a quiet
//! machine each step takes milliseconds. Every person and member of staff here is fictional.

mod common;
mod live;
mod site;

use common::{Repo, NOTE, PROFILE, TODAY};
use live::{Server, PATIENCE};
use std::path::Path;
use std::time::{Duration, Instant};

/// The person's page, as events name it (a site path) ...
const PAGE: &str = "people/yp-0001/index.html";
/// ... and as a browser asks for it.
const PAGE_URL: &str = "/people/yp-0001/index.html";
const NOTE_PATH: &str = "records/yp-0001/notes/2026-11-20-visit.md";

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_waymark"))
}

/// Serves `repo` with yp-0001's page open, as in a browser: a young person's pages are made
/// when first asked for, and only pages made are announced when they change.
fn serve(repo: &Repo) -> Server {
    let server = Server::start(bin(), repo.root(), TODAY, &[]);
    assert_eq!(server.get(PAGE_URL).status, 200, "the person's page is made when asked for");
    server
}

/// A note of 2026-11-20 with this body.
fn note(body: &str) -> String {
    format!("---\ndate: 2026-11-20\nauthor: sam-okafor\nkind: visit\n---\n{body}\n")
}

/// How many rebuilds the server has reported.
fn rebuilds(server: &Server) -> usize {
    server.stdout().iter().filter(|l| l.starts_with("updated ") || l.starts_with("rebuilt ")).count()
}

#[test]
fn serves_pages_with_their_types_and_reloads_an_edited_page() {
    let repo = Repo::clean();
    let server = serve(&repo);
    for (path, kind) in [
        ("/", "text/html; charset=utf-8"),
        ("/people/yp-0001/", "text/html; charset=utf-8"),
        ("/report.html", "text/html; charset=utf-8"),
        ("/static/style.css", "text/css; charset=utf-8"),
        ("/static/search.js", "text/javascript; charset=utf-8"),
        ("/search/manifest.js", "text/javascript; charset=utf-8"),
        ("/board/care-leavers.csv", "text/csv; charset=utf-8"),
        ("/people/yp-0001/files/letter.txt", "text/plain; charset=utf-8"),
        ("/_waymark/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(kind), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
    assert_eq!(server.get("/people/yp-0001/files/letter.txt").text(), "A fictional letter.\n");
    let page = server.get("/people/yp-0001/index.html");
    let html = page.text();
    assert!(page.header("content-security-policy").is_some_and(|c| c.contains("script-src 'self'")));
    assert!(html.contains("http-equiv=\"Content-Security-Policy\""), "the page keeps its own policy");
    assert_eq!(html.matches("/_waymark/live.js").count(), 1, "one live-reload script, added when served");
    assert!(!html.contains("<script>"), "no inline script");
    assert_eq!(server.get("/people/yp-0001").status, 301, "a folder without its slash is redirected");
    assert_eq!(server.get("/people/yp-0001").header("location"), Some("/people/yp-0001/"));
    assert_eq!(server.get("/nowhere.html").status, 404);

    let events = server.events(None);
    let written = Instant::now();
    repo.write(NOTE_PATH, note("Helped with the college bus pass form."));
    let event = events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("a reload event naming the edited page");
    assert!(
        !event.data["paths"].as_array().expect("paths").iter().any(|p| p.as_str() == Some("static/style.css")),
        "only changed files are named: {event:?}"
    );
    eprintln!("save to reload event: {:?}", event.at - written);
    assert!(server.get(PAGE_URL).text().contains("college bus pass"), "the new text is served");
}

#[test]
fn a_page_that_changed_before_it_listened_is_reloaded_when_it_does() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let html = server.get(PAGE_URL).text();
    let served_at: u64 = html
        .split("data-gen=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .expect("the page says when it was served");
    let events = server.events(None);
    repo.write(NOTE_PATH, note("Changed while the page was loading."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("reload");
    let late = server.events(Some((PAGE, served_at)));
    late.wait(PATIENCE, |e| e.reloads(PAGE)).expect("a page that missed the change is told at once");
    let other = server.events(Some(("people/yp-0001/plan.html", served_at)));
    let told = other.wait(Duration::from_millis(500), |e| e.reloads("people/yp-0001/plan.html"));
    assert!(told.is_none(), "an unchanged page is not: {told:?}");
}

#[test]
fn paths_outside_the_site_are_refused() {
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "SECRET-OUTSIDE").expect("write");
    let repo = Repo::clean();
    repo.write("Cargo.toml", "SECRET-IN-ROOT");
    std::os::unix::fs::symlink(&secret, repo.path("records/yp-0001/files/link.txt")).expect("symlink");
    std::os::unix::fs::symlink(outside.path(), repo.path("records/yp-0001/files/dir")).expect("symlink");
    let server = serve(&repo);
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2e%2e/",
        "/..%2f..%2fetc/passwd",
        "/..%2F..%2Fetc%2Fpasswd",
        "//etc/passwd",
        "/static/../../x",
        "/static/../../../Cargo.toml",
        "/..\\..\\Cargo.toml",
        "/static%5c..%5c..%5cCargo.toml",
        "/%5c%5cserver%5cshare",
        "/C:/Windows/win.ini",
        "/people/yp-0001/files/link.txt",
        "/people/yp-0001/files/dir/secret.txt",
        "/Cargo.toml",
        "/records/yp-0001/profile.md",
        "/waymark.yaml",
        "/a%00b",
        "/%252e%252e/Cargo.toml",
        "http://example.org/",
        "*",
    ] {
        let r = server.get(target);
        assert!(r.status == 400 || r.status == 404, "{target} answered {}", r.status);
        assert!(!r.text().contains("SECRET"), "{target} leaked a file");
    }

    assert!(server.get(PAGE_URL).text().contains("symbolic link"), "links are reported on the person's page");

    // An attachment swapped for a link while serving is not followed either: it is refused at
    // once, and reported as a problem with the file just changed.
    let events = server.events(None);
    std::fs::remove_file(repo.path("records/yp-0001/files/letter.txt")).expect("remove");
    std::os::unix::fs::symlink(&secret, repo.path("records/yp-0001/files/letter.txt")).expect("symlink");
    let r = server.get("/people/yp-0001/files/letter.txt");
    assert!(r.status == 404 && !r.text().contains("SECRET"), "a swapped-in link is refused at once");
    let told = events.wait(PATIENCE, |e| e.name == "problems").expect("the link is reported");
    assert_eq!(told.data["problems"][0]["file"], "records/yp-0001/files/letter.txt", "{told:?}");
    let r = server.get("/people/yp-0001/files/letter.txt");
    assert!(r.status == 404 && !r.text().contains("SECRET"));
}

#[test]
fn a_broken_record_shows_an_overlay_over_the_last_good_page_until_fixed() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let events = server.events(None);
    repo.write(NOTE_PATH, note("First version, saved cleanly."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("reload");
    // Line 3 loses its colon: the front matter is no longer YAML.
    repo.write(NOTE_PATH, "---\ndate: 2026-11-20\nauthor sam-okafor: [\nkind: visit\n---\nSecond version, broken.\n");
    let problem = events.wait(PATIENCE, |e| e.name == "problems").expect("a problems event");
    let list = problem.data["problems"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["file"], NOTE_PATH);
    assert!(list[0]["line"].as_u64().is_some_and(|l| (2..=5).contains(&l)), "{list:?}");
    assert!(list[0]["message"].as_str().is_some_and(|m| m.contains("YAML")), "{list:?}");
    let page = server.get(PAGE_URL).text();
    assert!(page.contains("First version") && !page.contains("Second version"), "the last good page stays");
    // A page opened now is told at once.
    let fresh = server.events(None);
    fresh.wait(PATIENCE, |e| e.name == "problems" && e.data["problems"][0]["file"] == NOTE_PATH).expect("told");
    assert!(server.stdout().iter().any(|l| l.contains(NOTE_PATH) && l.starts_with("problem:")));

    repo.write(NOTE_PATH, note("Third version, fixed."));
    let cleared = events
        .wait(PATIENCE, |e| e.name == "problems" && e.data["problems"].as_array().is_some_and(|a| a.is_empty()))
        .expect("the overlay is cleared");
    assert!(cleared.data["problems"].as_array().is_some_and(Vec::is_empty));
    server.wait_for_page(PAGE_URL, "the fixed text", |r| r.text().contains("Third version"));
}

#[test]
fn a_burst_of_500_new_notes_ends_in_one_consistent_site() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let before = rebuilds(&server);
    for i in 0..500 {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 10;
        let path = format!("records/yp-0001/notes/2026-{month:02}-{day:02}-burst-{i:03}.md");
        let body =
            format!("---\ndate: 2026-{month:02}-{day:02}\nauthor: sam-okafor\n---\nBurst note number N{i:03}X.\n");
        repo.write(&path, body);
    }
    let page =
        server.wait_for_page(PAGE_URL, "all 500 notes", |r| (0..500).all(|i| r.text().contains(&format!("N{i:03}X"))));
    assert_eq!(page.status, 200);
    let made = rebuilds(&server) - before;
    assert!((1..=25).contains(&made), "500 writes made {made} rebuilds: {:?}", server.stdout());
    // The summary pages agree with the person's page.
    let report = server.get("/report.html");
    assert_eq!(report.status, 200);
    let dashboard = server.get("/").text();
    assert!(dashboard.contains("Jordan"), "the dashboard still lists the person");
}

#[test]
fn saving_by_rename_and_editor_scratch_files() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let events = server.events(None);
    // What vim does: probe the folder, write a swap file, write a new file and rename it over the old.
    let notes = repo.path("records/yp-0001/notes");
    std::fs::write(notes.join("4913"), "").expect("probe");
    std::fs::remove_file(notes.join("4913")).expect("probe gone");
    std::fs::write(notes.join(".2026-11-20-visit.md.swp"), "swap").expect("swap");
    std::fs::write(notes.join("2026-11-20-visit.md~"), NOTE).expect("backup");
    let tmp = notes.join("2026-11-20-visit.md.tmp");
    std::fs::write(&tmp, note("Saved by renaming a new file into place.")).expect("write");
    std::fs::rename(&tmp, repo.path(NOTE_PATH)).expect("rename");
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("the rename reloads the page");
    server.wait_for_page(PAGE_URL, "the renamed-in text", |r| r.text().contains("renaming a new file"));
    std::fs::remove_file(notes.join(".2026-11-20-visit.md.swp")).expect("swap gone");
    std::fs::remove_file(notes.join("2026-11-20-visit.md~")).expect("backup gone");
    // Scratch files alone cause no rebuild.
    std::thread::sleep(Duration::from_millis(300));
    let settled = rebuilds(&server);
    std::fs::write(notes.join(".scratch.swp"), "x").expect("swap");
    std::fs::write(notes.join("4913"), "").expect("probe");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(rebuilds(&server), settled, "scratch files alone rebuild nothing: {:?}", server.stdout());
}

#[test]
fn people_can_arrive_and_leave_while_serving() {
    let repo = Repo::clean();
    let server = serve(&repo);
    assert_eq!(server.get("/people/yp-0002/index.html").status, 404);
    repo.write("records/yp-0002/profile.md", PROFILE.replace("Jordan Example", "Riley Newcomer"));
    repo.write("records/yp-0002/notes/2026-11-21-first-visit.md", note("First visit to Riley."));
    let page = server.wait_for_page("/people/yp-0002/index.html", "the new person", |r| {
        r.status == 200 && r.text().contains("First visit to Riley")
    });
    assert!(page.text().contains("Riley Newcomer"));
    server.wait_for_page("/", "the new person on the dashboard", |r| r.text().contains("Riley Newcomer"));
    std::fs::remove_dir_all(repo.path("records/yp-0002")).expect("remove the folder");
    server.wait_for_page("/people/yp-0002/index.html", "the person gone", |r| r.status == 404);
    server.wait_for_page("/", "the dashboard without them", |r| !r.text().contains("Riley Newcomer"));
}

#[test]
fn links_between_people_follow_the_files_they_name() {
    let repo = Repo::clean();
    repo.write(
        "records/yp-0001/notes/2026-11-21-joint.md",
        note("Joint visit, see [Riley's note](../../yp-0002/notes/2026-11-21-first-visit.md)."),
    );
    let server = serve(&repo);
    // (Templates write `/` as `&#x2F;`, so the checks look at the end of the message.)
    let broken = "2026-11-21-first-visit.md, which does not exist";
    assert!(server.get("/report.html").text().contains(broken), "the link is broken at first");
    let events = server.events(None);
    repo.write("records/yp-0002/profile.md", PROFILE.replace("Jordan Example", "Riley Newcomer"));
    repo.write("records/yp-0002/notes/2026-11-21-first-visit.md", note("First visit to Riley."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("the linking person's page is rebuilt too");
    server.wait_for_page("/report.html", "the link mended", |r| !r.text().contains(broken));
    assert!(server.get(PAGE_URL).text().contains("../yp-0002/index.html#note-2026-11-21-first-visit"));
}

#[test]
fn settings_and_theme_changes_rebuild_everything() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let config = std::fs::read_to_string(repo.path("waymark.yaml")).expect("read");
    let events = server.events(None);
    repo.write("waymark.yaml", config.replace("Example Leaving Care Service", "Renamed Care Service"));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("pages reload");
    server.wait_for_page("/", "the new name", |r| r.text().contains("Renamed Care Service"));
    repo.write("themes/default/static/extra.txt", "added by the theme");
    server.wait_for_page("/static/extra.txt", "the theme's new file", |r| r.status == 200);
    // A template that does not compile keeps the site and says why.
    repo.write("themes/default/templates/report.html", "{% if %}");
    events
        .wait(PATIENCE, |e| e.name == "problems" && e.data["problems"][0]["message"].as_str().is_some())
        .expect("told");
    assert_eq!(server.get("/report.html").status, 200, "the last good site is still served");
    std::fs::remove_file(repo.path("themes/default/templates/report.html")).expect("remove");
    events
        .wait(PATIENCE, |e| e.name == "problems" && e.data["problems"].as_array().is_some_and(Vec::is_empty))
        .expect("cleared");
}

#[test]
fn closed_event_streams_are_let_go_and_hold_no_thread() {
    let repo = Repo::clean();
    let server = Server::start_with(bin(), repo.root(), TODAY, &[], &[("WAYMARK_SERVE_KEEPALIVE_MS", "100")], PATIENCE);
    let count =
        |what: &str| std::fs::read_dir(format!("/proc/{}/{what}", server.pid())).map(|d| d.count()).unwrap_or(0);
    let _warm = server.get("/");
    std::thread::sleep(Duration::from_millis(300));
    let (threads, sockets) = (count("task"), count("fd"));
    let streams: Vec<_> = (0..20).map(|_| server.events(None)).collect();
    assert!(count("fd") >= sockets + 20, "each stream holds its connection open");
    assert!(count("task") <= threads + 2, "streams take no thread each: {threads} -> {}", count("task"));
    drop(streams);
    let deadline = Instant::now() + PATIENCE;
    while count("fd") > sockets + 2 {
        assert!(Instant::now() < deadline, "closed streams were kept: {} open files, {sockets} before", count("fd"));
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn control_characters_from_records_never_reach_the_terminal() {
    let repo = Repo::clean();
    let server = serve(&repo);
    // A file name and a message that would set the terminal's title and ring its bell.
    let path = "records/yp-0001/notes/2026-11-21-\u{1b}]0;pwned\u{7}.md";
    repo.write(path, "---\ndate: 2026-11-21\nauthor sam-okafor: [\n---\nTitle \u{1b}]0;pwned\u{7} here.\n");
    let deadline = Instant::now() + PATIENCE;
    while !server.stdout().iter().any(|l| l.contains("pwned")) {
        assert!(Instant::now() < deadline, "serve never mentioned the file: {:?}", server.stdout());
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let printed = [server.stdout(), server.stderr()].concat();
    assert!(printed.iter().any(|l| l.contains("^[]0;pwned^G")), "shown as visible text: {printed:?}");
    assert!(!printed.iter().any(|l| l.contains('\u{1b}') || l.contains('\u{7}')), "raw controls: {printed:?}");
}

#[test]
fn bind_warns_and_a_plain_build_has_no_live_reload() {
    let repo = Repo::clean();
    let quiet = serve(&repo);
    assert!(quiet.stderr().is_empty(), "no warning on 127.0.0.1: {:?}", quiet.stderr());
    assert!(quiet.addr.ip().is_loopback());
    drop(quiet);
    let open = Server::start(bin(), repo.root(), TODAY, &["--bind", "0.0.0.0"]);
    let deadline = Instant::now() + PATIENCE;
    while !open.stderr().iter().any(|l| l.contains("personal data")) {
        assert!(Instant::now() < deadline, "no warning for --bind: {:?}", open.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(open.stderr().iter().any(|l| l.contains("0.0.0.0")));
    drop(open);

    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("public");
    common::waymark()
        .arg("--root")
        .arg(repo.root())
        .args(["--today", TODAY, "build", "--output"])
        .arg(&site)
        .assert()
        .success();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read")).into_owned();
            assert!(!text.contains("_waymark"), "{} mentions live reload", entry.path().display());
            pages += usize::from(entry.path().extension().is_some_and(|e| e == "html"));
        }
    }
    assert!(pages > 3);
    assert!(!site.join("_waymark").exists());
}

#[test]
fn history_and_uncommitted_edits_are_shown_as_build_shows_them() {
    let repo = Repo::clean();
    repo.git(&["init", "-q"]);
    common::git::commit(&repo, common::git::SAM, "2026-11-20", "Records for Jordan");
    repo.write(NOTE_PATH, note("Visited at the flat, corrected."));
    // A record changed twice has a history page of its own.
    common::git::commit(&repo, common::git::SAM, "2026-11-21", "Correct the visit note");
    let server = serve(&repo);
    let timeline = server.get("/people/yp-0001/history.html");
    assert_eq!(timeline.status, 200);
    assert!(timeline.text().contains("Records for Jordan"));
    assert!(!server.get(PAGE_URL).text().contains("not yet committed"), "everything is committed at first");

    let events = server.events(None);
    repo.write(NOTE_PATH, note("Edited after the commit."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("reload");
    server.wait_for_page(PAGE_URL, "the edit marked as not committed", |r| r.text().contains("not yet committed"));
    server
        .wait_for_page("/report.html", "the uncommitted diagnostic", |r| r.text().contains("not yet committed to git"));
    let record = server.wait_for_page("/people/yp-0001/history/notes/2026-11-20-visit.html", "the pending line", |r| {
        r.text().contains("not yet committed")
    });
    assert!(record.text().contains("Correct the visit note"), "the history pages are still there");

    // Saved back as committed: git status, asked after the pages are out, puts the guess right.
    repo.write(NOTE_PATH, note("Visited at the flat, corrected."));
    server.wait_for_page(PAGE_URL, "the note clean again", |r| {
        r.text().contains("corrected") && !r.text().contains("not yet committed")
    });

    repo.write("records/yp-0001/notes/2026-11-22-new.md", "---\ndate: 2026-11-22\nauthor: sam-okafor\n---\nNew.\n");
    server.wait_for_page(PAGE_URL, "the new note marked as not in git", |r| r.text().contains("not yet in git"));
}

#[test]
fn the_search_index_follows_the_records() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let before: Vec<u8> = (0..4).flat_map(|i| server.get(&format!("/search/t/{i}.js")).body).collect();
    let events = server.events(None);
    repo.write(NOTE_PATH, note("Talked about zanzibarquux at length."));
    // The chunks are compressed, so the word itself cannot be looked for: the chunks that
    // hold the note's terms are rewritten and announced.
    let event = events
        .wait(PATIENCE, |e| {
            e.name == "reload"
                && e.data["paths"]
                    .as_array()
                    .is_some_and(|a| a.iter().filter_map(|p| p.as_str()).any(|p| p.starts_with("search/t/")))
        })
        .expect("the search index is updated and announced");
    let after: Vec<u8> = (0..4).flat_map(|i| server.get(&format!("/search/t/{i}.js")).body).collect();
    assert_ne!(before, after, "{event:?}");
}

#[test]
fn a_repository_without_records_picks_them_up_when_they_appear() {
    let repo = Repo::new();
    let server = Server::start(bin(), repo.root(), TODAY, &[]);
    assert_eq!(server.get(PAGE_URL).status, 404);
    repo.add_clean_person("yp-0001");
    server.wait_for_page(PAGE_URL, "the first person", |r| r.status == 200 && r.text().contains("Visited at the flat"));
    // The new folder is watched too.
    repo.write(NOTE_PATH, note("Second visit, after records/ appeared."));
    server.wait_for_page(PAGE_URL, "the edit", |r| r.text().contains("after records"));
}

#[test]
fn a_browser_shows_the_overlay_under_the_pages_own_policy() {
    let Some(browser) = site::chromium() else { return };
    let repo = Repo::clean();
    let server = serve(&repo);
    let events = server.events(None);
    repo.write(NOTE_PATH, note("First version, saved cleanly."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("reload");
    repo.write(NOTE_PATH, "---\ndate: 2026-11-20\nauthor sam-okafor: [\n---\nBroken <b>bold</b>.\n");
    events.wait(PATIENCE, |e| e.name == "problems").expect("problems");
    let profile = tempfile::tempdir().expect("profile");
    let url = format!("http://{}{PAGE_URL}", server.addr);
    let dom = site::headless_url(browser, profile.path(), &url, &["--dump-dom".to_string()]);
    // The overlay is built with textContent, so the note's markup shows as text, never as HTML.
    assert!(dom.contains("id=\"waymark-problems\""), "the live script ran under the page's policy:\n{dom}");
    assert!(dom.contains(NOTE_PATH), "the overlay names the file");
    assert!(dom.contains("First version"), "the last good page is underneath");
}

#[test]
fn supervision_saved_under_staff_updates_the_managers_page() {
    let repo = Repo::clean();
    let server = serve(&repo);
    server
        .wait_for_page("/manager.html", "the manager's page", |r| r.text().contains("No supervision is recorded here"));
    repo.write(
        "staff/sam-okafor/supervision/2026-11-03.md",
        "---\ndate: 2026-11-03\nby: helen-marsh\ncases: [yp-0001]\n---\nDiscussed the caseload.\n",
    );
    server.wait_for_page("/manager.html", "Sam's supervision", |r| r.text().contains("3 Nov 2026"));
}

#[test]
fn a_persons_pages_are_made_when_first_asked_for_from_the_records_as_they_are_then() {
    let repo = Repo::clean();
    // Nobody's page is open: the server starts without making any young person's pages.
    let server = Server::start(bin(), repo.root(), TODAY, &[]);
    let events = server.events(None);
    repo.write(NOTE_PATH, note("Written before anyone opened the page."));
    server.wait_for_page("/", "the dashboard updated", |_| rebuilds(&server) >= 1);
    assert!(!events.drain().iter().any(|e| e.reloads(PAGE)), "a page nobody has opened is not made, so not announced");
    assert_eq!(server.get("/people/yp-0001").status, 301, "a folder is found before its pages are made");
    let page = server.get(PAGE_URL);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Written before anyone opened the page."), "made from the records as they are now");
    let timeline = server.get("/people/yp-0001/history.html");
    assert_eq!(timeline.status, 200, "history pages are made with the person's pages");
    assert_eq!(server.get("/people/nobody/index.html").status, 404);
    // Once made, the page is kept up to date and announced like any other.
    repo.write(NOTE_PATH, note("Edited after the page was opened."));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("the made page is announced");
    assert!(server.get(PAGE_URL).text().contains("Edited after the page was opened."));
    // A rebuild of everything drops the pages made; asked again, they follow the new settings.
    let config = std::fs::read_to_string(repo.path("waymark.yaml")).expect("read");
    repo.write("waymark.yaml", config.replace("Example Leaving Care Service", "Renamed Care Service"));
    events.wait(PATIENCE, |e| e.reloads(PAGE)).expect("an open page is told to reload");
    server.wait_for_page(PAGE_URL, "the page made again", |r| r.text().contains("Renamed Care Service"));
}

/// The file in `dir` that is `file`, by inode (a build links the site's index files from its store).
#[cfg(unix)]
fn same_file_in(dir: &Path, file: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::MetadataExt;
    let ino = std::fs::metadata(file).expect("stat").ino();
    std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|e| e.expect("entry").path())
        .find(|p| std::fs::metadata(p).is_ok_and(|m| m.ino() == ino))
        .expect("the site's index file is a stored file")
}

#[cfg(unix)]
#[test]
fn serve_starts_its_search_index_from_the_files_a_build_stored_and_writes_none() {
    let repo = common::git::committed_clean();
    let out = repo.root().join("site-out");
    site::waymark(repo.root(), TODAY).arg("build").arg("--output").arg(&out).assert().success();
    let store = repo.root().join(".waymark/cache/search-files");
    // A stored file stands for every build that would make it, whatever its bytes: one put in
    // its place under its key (with the check sum of what it now holds) is what serve sends.
    let docs = same_file_in(&store, &out.join("search/d/0.js"));
    let name = docs.file_name().expect("name").to_string_lossy().into_owned();
    let key = name.split('-').next().expect("key");
    let planted = b"window.waymarkSearch.addDocs(0,\"planted by the test\");\n".to_vec();
    std::fs::remove_file(&docs).expect("remove");
    std::fs::write(store.join(format!("{key}-{:08x}.js", crc32fast::hash(&planted))), &planted).expect("plant");
    // A damaged one is not sent: serve makes the file again, as the build did.
    let terms = same_file_in(&store, &out.join("search/t/0.js"));
    let made = std::fs::read(&terms).expect("read");
    std::fs::remove_file(&terms).expect("remove");
    let damaged = b"window.waymarkSearch.addTerms(0,\"damaged\");\n";
    std::fs::write(&terms, damaged).expect("damage");
    let before = site::names_in(&store);

    let server = Server::start(bin(), repo.root(), TODAY, &[]);
    server.wait_for_page("/search/d/0.js", "the stored document chunk", |r| r.status == 200 && r.body == planted);
    assert_eq!(server.get("/search/t/0.js").body, made, "the damaged term chunk is made again");
    assert_eq!(site::names_in(&store), before, "serve neither adds to the store nor prunes it");
    assert_eq!(std::fs::read(&terms).expect("read"), damaged, "nor mends it");
}
