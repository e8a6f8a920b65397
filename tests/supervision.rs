//! Staff supervision on the site (FORMAT.md 1.2): who may read whose, when it has pages, when
//! it is searched. The real binary builds temporary git repositories; search is read in
//! headless Chromium from `file://`, and `serve` over a real socket.
//!
//! Every person, member of staff and word here is fictional. Each supervision record holds
//! words found nowhere else (quokka, pangolin; wombat, axolotl), so a site that holds any
//! byte of one shows it to a plain search of its files.

mod common;
mod live;
mod site;

use common::Repo;
use site::{chromium, DevTools};
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-24";

/// The shared settings' staff (Sam an adviser, Helen a manager) and Lee, another adviser.
fn config(include_supervision: bool) -> String {
    format!(
        "{}  - id: lee-turner\n    name: Lee Turner\n    role: personal-adviser\nsearch:\n  include_supervision: {include_supervision}\n",
        common::CONFIG
    )
}

const SAM_PAGE: &str = "supervision/sam-okafor/2026-11-03.html";
const LEE_PAGE: &str = "supervision/lee-turner/2026-11-05.html";
const SAM_FILE: &str = "staff/sam-okafor/supervision/2026-11-03.md";

/// Sam's supervision as first committed: Jordan (Sam's) and Casey (Lee's) discussed, one
/// action overdue on [`TODAY`] and one done.
const SAM_SUPERVISION: &str = "\
---
date: 2026-11-03
by: helen-marsh
cases: [yp-0001, yp-0002]
actions:
  - { id: lodgings, about: yp-0002, what: \"Chase the supported lodgings referral\", by_when: 2026-11-10 }
  - { id: training, what: \"Book tenancy training\", by_when: 2026-11-30, done: 2026-11-12 }
---
Talked through the quokka allotment idea and how Sam is managing the caseload.
";

/// Lee's supervision: nothing of it may reach Sam's site.
const LEE_SUPERVISION: &str = "\
---
date: 2026-11-05
by: helen-marsh
cases: [yp-0002]
actions:
  - { id: rota, what: \"Sort out the axolotl rota\", by_when: 2026-12-20 }
---
Lee mentioned the wombat handover worries.
";

/// Words of Sam's supervision (the second found only after the edit committed later).
const SAM_WORDS: [&str; 3] = ["quokka", "pangolin", "Chase the supported lodgings referral"];
/// Words of Lee's supervision.
const LEE_WORDS: [&str; 3] = ["wombat", "axolotl", "lee-turner/2026-11-05"];

fn profile(name: &str, adviser: &str) -> String {
    format!(
        "---\nname: {name}\ndate_of_birth: 2008-03-14\nlegal_status: relevant\npersonal_adviser: {adviser}\nstatus: active\nin_touch: yes\n---\nLikes football.\n"
    )
}

/// Jordan (Sam's) and Casey (Lee's), both supervision records, committed twice so the recent
/// changes page has a modification of Sam's supervision to show the words of.
fn repository(include_supervision: bool) -> Repo {
    let repo = Repo::with_config(&config(include_supervision));
    repo.write("records/yp-0001/profile.md", profile("Jordan Example", "sam-okafor"))
        .write("records/yp-0002/profile.md", profile("Casey Sample", "lee-turner"))
        .write(SAM_FILE, SAM_SUPERVISION)
        .write("staff/lee-turner/supervision/2026-11-05.md", LEE_SUPERVISION)
        .git_commit_all("Add records");
    let edited = SAM_SUPERVISION.replace("caseload.", "caseload. Also the pangolin leaflet.");
    repo.write(SAM_FILE, edited).git_commit_all("Supervision notes finished");
    repo
}

/// Builds the site into `out` (with `--caseload` for each of `staff`), and returns it.
fn build(repo: &Repo, out: &Path, staff: &[&str]) -> PathBuf {
    let mut cmd = repo.cmd_on(TODAY);
    cmd.arg("build").arg("--output").arg(out);
    for s in staff {
        cmd.args(["--caseload", s]);
    }
    cmd.assert().success();
    out.to_path_buf()
}

/// Where in the site any of `words` occurs (file path, or the file's own path), if anywhere.
fn any_of(out: &Path, words: &[&str]) -> Option<String> {
    let bytes = site::site_bytes(out);
    words.iter().find_map(|w| site::find_needle(&bytes, w).map(|at| format!("`{w}` in {at}")))
}

/// Every link on every young person's page points elsewhere than a supervision page.
fn no_person_page_links_to_supervision(out: &Path) {
    for file in site::files(&out.join("people")) {
        if file.extension().is_some_and(|e| e == "html") {
            let html = site::read(&file);
            let links = site::urls(&html);
            assert!(
                !links.iter().any(|u| u.contains("supervision/")),
                "{} links to supervision: {links:?}",
                file.display()
            );
            assert!(!html.contains("Staff supervision record"), "{}", file.display());
        }
    }
}

#[test]
fn without_the_setting_only_the_staff_members_own_and_their_managers_sites_hold_supervision() {
    let repo = repository(false);
    let tmp = tempfile::tempdir().expect("temp dir");

    // The whole team's site: the manager's page has the dates, but no page and no word.
    let team = build(&repo, &tmp.path().join("team"), &[]);
    assert!(!team.join("supervision").exists(), "no supervision pages without the setting");
    assert_eq!(any_of(&team, &SAM_WORDS), None);
    assert_eq!(any_of(&team, &LEE_WORDS[..2]), None);
    let manager = site::read(&team.join("manager.html"));
    assert!(manager.contains("3 Nov 2026") && manager.contains("5 Nov 2026"), "last supervision dates");
    assert!(!site::urls(&manager).iter().any(|u| u.contains("supervision/")), "no link to a page not made");
    let changes = site::decode_entities(&site::read(&team.join("changes.html")));
    assert!(changes.contains(SAM_FILE), "the change is listed, without its words");
    assert!(!site::urls(&changes).iter().any(|u| u.contains("supervision/")), "nor a link to a page not made");
    no_person_page_links_to_supervision(&team);

    // Sam's own site: his supervision page, none of Lee's.
    let sam = build(&repo, &tmp.path().join("sam"), &["sam-okafor"]);
    let page = site::read(&sam.join(SAM_PAGE));
    assert!(page.contains("Staff supervision record"), "the banner");
    assert!(page.contains("Sam Okafor") && page.contains("Helen Marsh") && page.contains("3 Nov 2026"));
    assert!(page.contains("quokka allotment") && page.contains("pangolin leaflet"), "the body");
    assert!(page.contains("Chase the supported lodgings referral"));
    assert_eq!(page.matches("badge warning\">overdue").count(), 1, "one action past its date, not done");
    assert!(page.contains("badge ok\">done"), "the action done");
    let links = site::urls(&page);
    assert!(links.contains(&"../../people/yp-0001/index.html".to_string()), "Jordan is linked: {links:?}");
    assert!(page.contains("yp-0002") && !links.iter().any(|u| u.contains("yp-0002")), "Casey by id only");
    assert_eq!(any_of(&sam, &["Casey"]), None, "no name of someone the site does not hold");
    assert_eq!(any_of(&sam, &LEE_WORDS), None, "no byte of Lee's supervision");
    assert!(!sam.join(LEE_PAGE).exists());
    let manager = site::read(&sam.join("manager.html"));
    assert!(site::urls(&manager).contains(&SAM_PAGE.to_string()), "the manager's page links Sam's last supervision");
    assert!(manager.contains("Not in this site"), "Lee's supervision is not judged from a site without it");
    // Recent changes: Sam's supervision, with its words and a link; Lee's not at all (above).
    let changes = site::read(&sam.join("changes.html"));
    assert!(site::decode_entities(&changes).contains(SAM_FILE) && changes.contains("pangolin"), "Sam's own change");
    assert!(site::urls(&changes).contains(&SAM_PAGE.to_string()), "linked to its page");
    no_person_page_links_to_supervision(&sam);

    // Helen's site (a manager's) holds everyone's; Sam and Lee's shared site holds neither's.
    let helen = build(&repo, &tmp.path().join("helen"), &["helen-marsh"]);
    assert!(helen.join(SAM_PAGE).exists() && helen.join(LEE_PAGE).exists());
    let both = build(&repo, &tmp.path().join("both"), &["sam-okafor", "lee-turner"]);
    assert!(!both.join("supervision").exists());
    assert_eq!(any_of(&both, &SAM_WORDS), None);
    assert_eq!(any_of(&both, &LEE_WORDS), None);
}

#[test]
fn with_the_setting_the_team_site_shows_and_searches_supervision() {
    let repo = repository(true);
    let tmp = tempfile::tempdir().expect("temp dir");
    let team = build(&repo, &tmp.path().join("team"), &[]);
    let page = site::read(&team.join(SAM_PAGE));
    assert!(page.contains("quokka allotment") && page.contains("Staff supervision record"));
    assert!(team.join(LEE_PAGE).exists());
    let manager = site::read(&team.join("manager.html"));
    let links = site::urls(&manager);
    assert!(links.contains(&SAM_PAGE.to_string()) && links.contains(&LEE_PAGE.to_string()), "{links:?}");
    let changes = site::read(&team.join("changes.html"));
    assert!(changes.contains("pangolin"), "the change's words, where supervision is shown");
    assert!(site::urls(&changes).contains(&SAM_PAGE.to_string()), "and a link to its page");
    no_person_page_links_to_supervision(&team);
    let sam = build(&repo, &tmp.path().join("sam"), &["sam-okafor"]);
    assert_eq!(any_of(&sam, &LEE_WORDS), None, "no byte of Lee's supervision");
    no_person_page_links_to_supervision(&sam);

    let Some(browser) = chromium() else { return };
    let chrome = tmp.path().join("chrome");
    let search = |out: &Path, query: &str| {
        let args = ["--dump-dom".to_string(), "--virtual-time-budget=5000".to_string()];
        site::search_results(&site::headless(browser, &chrome, &out.join("search/index.html"), query, &args))
    };
    let found = [format!("../{SAM_PAGE}")];
    assert_eq!(search(&team, "?q=quokka"), found);
    assert_eq!(search(&team, "?q=quokka&person=_supervision&type=supervision"), found);
    assert_eq!(search(&team, "?q=quokka&type=note"), Vec::<String>::new());
    assert_eq!(search(&team, "?q=wombat"), [format!("../{LEE_PAGE}")]);
    // Sam's site searches his own, and has nothing of Lee's to find.
    assert_eq!(search(&sam, "?q=quokka"), found);
    assert_eq!(search(&sam, "?q=wombat"), Vec::<String>::new());

    // The result's link opens the page, from file://.
    let profile = tempfile::tempdir().expect("profile");
    let mut tools = DevTools::start(browser, profile.path());
    tools.navigate(&format!("file://{}?q=quokka", team.join("search/index.html").display()));
    tools.wait_for("document.querySelector('.result-title a') ? 'shown' : ''", "a search result");
    let label = tools.eval("document.querySelector('.result-title a').textContent");
    assert_eq!(label.as_str(), Some("Staff supervision, 3 Nov 2026"), "{label}");
    let meta = tools.eval("document.querySelector('.result-meta').textContent");
    assert_eq!(meta.as_str(), Some("Staff supervision · by Helen Marsh"), "{meta}");
    tools.eval("document.querySelector('.result-title a').click()");
    let heading = tools.wait_for(
        "location.pathname.endsWith('/supervision/sam-okafor/2026-11-03.html') && document.querySelector('h1') ? document.querySelector('h1').textContent : ''",
        "the supervision page",
    );
    assert_eq!(heading, "Supervision of Sam Okafor, 3 Nov 2026");
    tools.screenshot("supervision-page.png");
}

#[test]
fn serve_shows_supervision_pages_and_rebuilds_them_on_a_save_under_staff() {
    let repo = repository(true);
    let server = live::Server::start(Path::new(env!("CARGO_BIN_EXE_waymark")), repo.root(), TODAY, &[]);
    let url = format!("/{SAM_PAGE}");
    let page = server.get(&url);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("quokka allotment") && page.text().contains("Staff supervision record"));
    assert!(server.get("/search/manifest.js").text().contains("Staff supervision"), "searched");
    repo.write(SAM_FILE, SAM_SUPERVISION.replace("quokka", "narwhal"));
    server.wait_for_page(&url, "the saved supervision", |r| r.text().contains("narwhal allotment"));
    assert!(server.get("/manager.html").text().contains(SAM_PAGE.rsplit('/').next().unwrap_or("")));
}
