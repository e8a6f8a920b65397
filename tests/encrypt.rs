//! `waymark build --encrypt` on the sample repository: nothing readable in any byte of the
//! output, and in headless Chromium and Firefox from file:// the right passphrase opens pages and
//! search, a wrong one is told so, and an altered or moved page is refused.

mod site;

use site::{chromium, find, firefox, needles, read, sample_root, site_bytes, waymark, Bidi, Browser, DevTools};
use std::path::{Path, PathBuf};

/// The build is given the accents composed (NFC); the browser tests type them decomposed.
const PASSPHRASE: &str = "caf\u{e9} correct horse battery staple";
const TYPED: &str = "cafe\u{301} correct horse battery staple";
const TODAY: &str = "2026-11-24";

/// Builds the sample repository into `dir/name`, encrypted when `encrypt`.
fn build(dir: &Path, name: &str, encrypt: bool) -> PathBuf {
    let out = dir.join(name);
    let mut cmd = waymark(sample_root(), TODAY);
    cmd.arg("build").arg("--output").arg(&out).env_remove("WAYMARK_PASSPHRASE");
    if encrypt {
        cmd.arg("--encrypt").env("WAYMARK_PASSPHRASE", PASSPHRASE);
    }
    let done = cmd.assert().success();
    let said = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(!encrypt || said.contains("an encrypted site"), "{said}");
    out
}

#[test]
fn an_encrypted_site_holds_no_name_date_number_address_or_word_of_a_note() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = site_bytes(&build(dir.path(), "plain", false));
    let sealed_dir = build(dir.path(), "sealed", true);
    let sealed = site_bytes(&sealed_dir);
    let needles = needles(sample_root());
    assert!(needles.len() > 100, "{} needles", needles.len());
    assert!(needles.iter().filter(|n| n.what.starts_with("word of")).count() > 60);
    for n in &needles {
        // The same search finds each one in the plain build, so it is able to find them.
        assert!(find(&plain, n).is_some(), "the plain build should show {} {:?}", n.what, n.text);
        if let Some(at) = find(&sealed, n) {
            panic!("the encrypted build shows {} {:?} ({:?}) in {at}", n.what, n.text, n.person);
        }
    }
    // File names carry person ids and the site's fixed words only.
    for (path, _) in &sealed {
        for part in path.split('/') {
            let fixed = [
                "people", "files", "history", "notes", "outcomes", "feedback", "advisers", "board", "search", "static",
                "t", "d",
            ];
            let ok = fixed.contains(&part)
                || part.starts_with("yp-")
                || part.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.')
                || part.ends_with(".html")
                || part.ends_with(".js")
                || part == ".waymark-site"
                || part == "style.css";
            assert!(ok, "{path}");
        }
        assert!(!path.contains("tenancy"), "{path}");
    }
    // Pages are shells: the CSP forbids inline script, and no page names anyone.
    let shell = read(&sealed_dir.join("people/yp-0001/index.html"));
    assert!(shell.contains("static/unlock.js") && shell.contains("id=\"waymark-sealed\""), "{shell}");
    assert!(shell.contains("noindex") && shell.contains("script-src 'self' blob:"), "{shell}");
}

#[test]
fn a_passphrase_that_is_missing_or_short_builds_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    let run = waymark(sample_root(), TODAY)
        .arg("build")
        .arg("--encrypt")
        .arg("--output")
        .arg(&out)
        .env_remove("WAYMARK_PASSPHRASE")
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("WAYMARK_PASSPHRASE"), "{err}");
    let run = waymark(sample_root(), TODAY)
        .arg("build")
        .arg("--encrypt")
        .arg("--output")
        .arg(&out)
        .env("WAYMARK_PASSPHRASE", "short")
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("too short"), "{err}");
    assert!(!out.exists());
}

/// The page's heading, once the page has opened (empty while it is locked).
const OPENED: &str =
    "(function () { var b = document.getElementById('waymark-sealed'); var h = document.querySelector('h1'); \
    return !b && h ? h.textContent : ''; })()";

/// The shell's status line, once it says something other than what it says while working.
const STATUS: &str = "(function () { var s = document.getElementById('waymark-unlock-status'); \
    return s && s.className === 'unlock-error' ? s.textContent : ''; })()";

fn url(site: &Path, page: &str) -> String {
    format!("file://{}", site.join(page).display())
}

/// Follows a link to `to` from the page open now, as a reader clicking it would.
fn follow(browser: &mut dyn Browser, to: &str) {
    browser.eval(&format!(
        "(function () {{ var a = document.createElement('a'); a.href = {}; document.body.appendChild(a); \
         a.click(); return 1; }})()",
        serde_json::to_string(to).expect("json")
    ));
    arrive(browser, to);
}

/// Waits until the page open is the one at `to`.
fn arrive(browser: &mut dyn Browser, to: &str) {
    let to = serde_json::to_string(to).expect("json");
    browser.wait_for(&format!("location.href === {to} ? 'there' : ''"), &format!("the page at {to} to open"));
}

fn unlock(browser: &mut dyn Browser, passphrase: &str) {
    browser.wait_for(
        "(function () { var f = document.getElementById('waymark-unlock'); return f && !f.hidden ? 'asked' : ''; })()",
        "the passphrase form",
    );
    browser.eval(&format!(
        "document.getElementById('waymark-passphrase').value = {}; \
         document.getElementById('waymark-unlock').requestSubmit(); 1",
        serde_json::to_string(passphrase).expect("json")
    ));
}

#[test]
fn chromium_opens_pages_and_search_with_the_passphrase_and_refuses_the_rest() {
    let Some(chrome) = chromium() else { return };
    in_browser(|profile| Box::new(DevTools::start(chrome, profile)));
}

#[test]
fn firefox_opens_pages_and_search_with_the_passphrase_and_refuses_the_rest() {
    let Some(gecko) = firefox() else { return };
    in_browser(|profile| Box::new(Bidi::start(gecko, profile)));
}

/// Builds the encrypted sample site and reads it in the browser `start` starts on a profile folder.
fn in_browser(start: impl FnOnce(&Path) -> Box<dyn Browser>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sealed = build(dir.path(), "sealed", true);
    let profile = tempfile::tempdir().expect("profile");
    let mut browser = start(profile.path());
    opens_pages_and_search_and_refuses_the_rest(browser.as_mut(), &sealed);
}

/// What a reader does with an encrypted site opened from file://, in any browser: a wrong
/// passphrase, the right one, more pages, styles, search, and pages altered or moved on disk.
fn opens_pages_and_search_and_refuses_the_rest(browser: &mut dyn Browser, sealed: &Path) {
    let repo = waymark::load::load(sample_root()).expect("sample");
    let jordan = repo
        .person("yp-0001")
        .and_then(|p| p.profile.as_ref())
        .and_then(|p| p.full_name())
        .expect("yp-0001")
        .to_string();

    // A wrong passphrase is told so, in plain words.
    browser.navigate(&url(sealed, "people/yp-0001/index.html"));
    unlock(browser, "not the passphrase at all");
    let said = browser.wait_for(STATUS, "the wrong-passphrase message");
    assert!(said.contains("passphrase does not open"), "{said}");
    browser.screenshot("wrong-passphrase.png");

    // The right one opens the page: the young person's name, notes, and a working page.
    browser.eval("document.getElementById('waymark-passphrase').value = ''; 1");
    // Typed with e and a combining accent, it opens the site built with a composed é.
    unlock(browser, TYPED);
    let heading = browser.wait_for(OPENED, "the person page to open");
    assert!(heading.contains(&jordan), "{heading}");
    let text = browser.eval("document.body.innerText").as_str().unwrap_or("").to_string();
    assert!(text.contains("Notes") || text.contains("notes"), "{}", &text[..text.len().min(500)]);
    browser.wait_for("document.documentElement.classList.contains('js') ? 'ran' : ''", "the page's own scripts to run");
    browser.screenshot("person.png");

    // Another page opens without asking again: the key is kept for this tab.
    browser.navigate(&url(sealed, "people/yp-0001/plan.html"));
    let heading = browser.wait_for(OPENED, "the plan page to open without a prompt");
    assert!(!heading.is_empty());

    // The passport's own print styles are encrypted too, and applied once opened.
    browser.navigate(&url(sealed, "people/yp-0001/passport.html"));
    browser.wait_for(OPENED, "the passport page to open");
    browser.wait_for(
        "Array.from(document.querySelectorAll('link[rel=stylesheet]')).some(function (l) { \
         return l.href.indexOf('blob:') === 0 && l.sheet; }) ? 'styled' : ''",
        "the passport's styles",
    );
    browser.screenshot("passport.png");

    // Search reads the encrypted index and finds a note by a word only that note holds.
    let needle = needles(sample_root())
        .into_iter()
        .find(|n| {
            n.person.as_deref() == Some("yp-0001") && n.what.starts_with("word of") && !n.what.contains("restricted")
        })
        .expect("a word of a note of yp-0001");
    // Through the search box on the page, as a reader would: the search page is in another
    // folder, which Firefox gives a sessionStorage of its own, so the key is handed over.
    browser.eval(&format!(
        "document.getElementById('site-search-q').value = {}; \
         document.querySelector('form.site-search').requestSubmit(); 1",
        serde_json::to_string(&needle.text.to_lowercase()).expect("json")
    ));
    arrive(browser, &format!("{}?q={}", url(sealed, "search/index.html"), needle.text.to_lowercase()));
    let found = browser.wait_for(
        "(function () { var li = document.querySelector('#search-results li'); return li ? li.textContent : ''; })()",
        "a search result",
    );
    // The page that took the key emptied window.name, so no later page can read it there.
    assert_eq!(browser.eval("window.name"), serde_json::json!(""));
    assert!(found.contains(&jordan) || found.to_lowercase().contains(&needle.text.to_lowercase()), "{found}");
    browser.screenshot("search.png");
    let link = browser.eval("document.querySelector('#search-results li a').getAttribute('href')");
    assert!(link.as_str().is_some_and(|l| l.contains("yp-0001")), "{link}");

    // A page altered on disk is refused, and so is a page moved to another's place.
    let person = sealed.join("people/yp-0002/index.html");
    let html = read(&person);
    let at = html.find("id=\"waymark-sealed\"").expect("ciphertext");
    let at = at + html[at..].find('>').expect("tag ends") + 40;
    let flipped = if &html[at..at + 1] == "A" { "B" } else { "A" };
    std::fs::write(&person, format!("{}{flipped}{}", &html[..at], &html[at + 1..])).expect("tamper");
    follow(browser, &url(sealed, "people/yp-0002/index.html"));
    let said = browser.wait_for(STATUS, "the altered-page message");
    assert!(said.contains("changed or moved"), "{said}");
    browser.screenshot("altered.png");
    std::fs::copy(sealed.join("people/yp-0001/index.html"), sealed.join("people/yp-0003/index.html")).expect("move");
    follow(browser, &url(sealed, "people/yp-0003/index.html"));
    let said = browser.wait_for(STATUS, "the moved-page message");
    assert!(said.contains("changed or moved"), "{said}");
}
