//! The board report for elected members, the dashboard's tiles and the manager's page, on a
//! fixture of twelve open records whose every figure was counted by hand (in the comments).
//! Every person, member of staff and number here is fictional.

mod common;
mod site;

use common::{Repo, CONFIG, TODAY};
use site::{decode_entities, read};

/// One young person of the fixture: id, name, date of birth, legal status, in touch,
/// activity, accommodation, extra front matter.
type Person =
    (&'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str, &'static str);

/// Ages are on 2026-11-24. NEET durations: 0103 54 days, 0104 176 days, 0105 323 days, 0106 84 days.
const PEOPLE: [Person; 12] = [
    ("yp-0101", "Orla Quennell", "2008-01-10", "relevant", "yes", "type: other-education, hours: full-time, since: 2025-09-01", "type: semi-independent, since: 2025-01-01, suitable: true", ""),
    ("yp-0102", "Bram Tillotson", "2008-05-01", "relevant", "yes", "type: training-or-employment, hours: full-time, since: 2026-01-01", "type: supported-lodgings, since: 2026-01-01, suitable: true", ""),
    ("yp-0103", "Casimir Venn", "2007-02-02", "former-relevant", "yes", "type: neet-other, since: 2026-10-01", "type: independent, since: 2026-01-01, suitable: true", "flags: [uasc]\n"),
    ("yp-0104", "Delphine Oyelaran", "2006-03-03", "former-relevant", "yes", "type: neet-other, since: 2026-06-01", "type: independent, since: 2026-01-01, suitable: true", "flags: [uasc]\n"),
    ("yp-0105", "Ezra Pennyfeather", "2005-04-04", "former-relevant", "yes", "type: neet-illness-disability, since: 2026-01-05", "type: staying-put, since: 2023-04-04, suitable: true", "flags: [uasc]\nstaying_put: { carer: \"Mr and Mrs Quayle\", since: 2023-04-04 }\nextended_support_offer: { date: 2026-02-01, response: accepted }\n"),
    ("yp-0106", "Fenella Wragge", "2004-05-05", "former-relevant", "no", "type: neet-pregnancy-parenting, since: 2026-09-01", "type: independent, since: 2025-01-01, suitable: false", "flags: [parent]\nextended_support_offer: { date: 2025-03-01, response: no-response }\n"),
    ("yp-0107", "Gideon Ashworth-Lyle", "2003-06-06", "former-relevant", "refuses", "type: not-known", "type: homeless, since: 2026-11-01, suitable: false", "extended_support_offer: { date: 2024-04-01 }\n"),
    ("yp-0108", "Hester Mbeki-Rowntree", "2007-07-07", "former-relevant", "yes", "type: higher-education, hours: full-time, since: 2025-09-20", "type: independent, since: 2025-09-20, suitable: true", "flags: [uasc]\nvisit_every_days: 2\n"),
    ("yp-0109", "Ivo Castellane", "2006-08-08", "former-relevant", "yes", "type: apprenticeship, hours: full-time, since: 2025-09-01", "type: independent, since: 2025-01-01, suitable: true", "flags: [uasc, parent]\nimmigration: { status: limited-leave, leave_expires: 2027-01-10 }\n"),
    ("yp-0110", "Juno Fairweather", "2005-09-09", "former-relevant", "yes", "type: training-or-employment, hours: part-time, since: 2026-03-01", "type: custody, since: 2026-10-01", "extended_support_offer: { date: 2026-08-01, response: declined }\n"),
    ("yp-0111", "Kit Harrowgate", "2009-10-10", "eligible", "yes", "type: other-education, hours: full-time, since: 2025-09-01", "type: foster, since: 2024-01-01, suitable: true", ""),
    ("yp-0112", "Lark Wintersgill", "2010-01-01", "eligible", "yes", "type: other-education, hours: full-time, since: 2025-09-01", "type: childrens-home, since: 2024-01-01, suitable: true", ""),
];

/// A distinctive word in each young person's note, which no figure page may hold.
fn note_word(id: &str) -> String {
    format!("Quibblewort{}", &id[3..])
}

fn fixture() -> Repo {
    let config = format!(
        "{CONFIG}board:\n  benchmarks:\n    - {{ measure: neet, value: 0.38, area: England, year: 2025, source: \"DfE, Children looked after in England\" }}\n"
    );
    let repo = Repo::with_config(&config);
    for (id, name, dob, legal, in_touch, activity, accommodation, extra) in PEOPLE {
        repo.write(
            &format!("records/{id}/profile.md"),
            format!("---\nname: {name}\ndate_of_birth: {dob}\nlegal_status: {legal}\npersonal_adviser: sam-okafor\nstatus: active\nin_touch: {in_touch}\ncontact_every_days: 30\naccommodation: {{ {accommodation} }}\nactivity: {{ {activity} }}\n{extra}---\nWhat matters to {name}.\n"),
        );
        repo.write(
            &format!("records/{id}/notes/2026-11-20-visit.md"),
            format!("---\ndate: 2026-11-20\nauthor: sam-okafor\nkind: visit\nwith: [young-person]\n---\nVisited at home; talked about {}.\n", note_word(id)),
        );
    }
    // Plans for 0101-0105, reviewed 2026-10-15 (present but for 0105), next review 2027-01-15;
    // only 0101's is signed off.
    for (i, id) in ["yp-0101", "yp-0102", "yp-0103", "yp-0104", "yp-0105"].iter().enumerate() {
        let present = i < 4;
        let approved = if i == 0 { "approved: { by: helen-marsh, date: 2026-10-20 }\n" } else { "" };
        repo.write(
            &format!("records/{id}/pathway-plan.md"),
            format!("---\nstarted: 2026-01-15\nreviews:\n  - {{ date: 2026-10-15, by: sam-okafor, young_person_present: {present} }}\n{approved}next_review: 2027-01-15\n---\nThe plan.\n"),
        );
    }
    // Passports: 0101 issued before their 18th birthday (2026-01-10), 0102 after (2026-05-01).
    repo.write("records/yp-0101/health-passport.md", "---\nissued: 2025-12-01\n---\nPassport.\n");
    repo.write("records/yp-0102/health-passport.md", "---\nissued: 2026-06-01\n---\nPassport.\n");
    // Outcomes: health before -> latest for 0101-0105: 5->6, 4->6, 6->6, 3->5, 7->8;
    // stability and safety, latest only, 5 each for 0101-0104.
    for (id, before, after) in
        [("yp-0101", 5, 6), ("yp-0102", 4, 6), ("yp-0103", 6, 6), ("yp-0104", 3, 5), ("yp-0105", 7, 8)]
    {
        repo.write(
            &format!("records/{id}/outcomes/2026-05-01.md"),
            format!("---\ndate: 2026-05-01\nscale: keep-on-caring\nby: sam-okafor\nscores:\n  health: {before}\n---\nFirst.\n"),
        );
        let stability = if id == "yp-0105" { String::new() } else { "  stability-and-safety: 5\n".into() };
        repo.write(
            &format!("records/{id}/outcomes/2026-10-01.md"),
            format!("---\ndate: 2026-10-01\nscale: keep-on-caring\nby: sam-okafor\nscores:\n  health: {after}\n{stability}---\nSecond.\n"),
        );
    }
    // Management decisions: one in the last 90 days, one before.
    repo.write(
        "records/yp-0107/notes/2026-11-10-decision.md",
        "---\ndate: 2026-11-10\nauthor: helen-marsh\nkind: management-decision\n---\nAgreed emergency accommodation funding.\n",
    );
    repo.write(
        "records/yp-0106/notes/2026-07-01-decision.md",
        "---\ndate: 2026-07-01\nauthor: helen-marsh\nkind: management-decision\n---\nAgreed a setting-up-home grant.\n",
    );
    // Supervision: Sam's last was 2026-09-01 (overdue after six weeks), with an action due 2026-10-01 not done.
    repo.write(
        "staff/sam-okafor/supervision/2026-09-01.md",
        "---\ndate: 2026-09-01\nby: helen-marsh\ncases: [yp-0107]\nactions:\n  - { id: housing, about: yp-0107, what: \"Refer to the housing panel\", by_when: 2026-10-01 }\n---\nDiscussed the caseload.\n",
    );
    // A closed record is never counted.
    repo.write(
        "records/yp-0113/profile.md",
        "---\nname: Mabon Quarrie\ndate_of_birth: 2006-01-01\nlegal_status: former-relevant\npersonal_adviser: sam-okafor\nstatus: closed\nclosed: { date: 2026-06-01, reason: moved-area }\n---\nMoved away.\n",
    );
    repo
}

fn built(repo: &Repo) -> std::path::PathBuf {
    let out = repo.cmd_on(TODAY).arg("build").output().expect("run waymark build");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    repo.path("public")
}

/// The text of the table row (or line) that starts with `start`, up to `end`.
fn row<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} is on the page"));
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Table cells' text, tags removed.
fn cells(html: &str) -> Vec<String> {
    html.split("<td>")
        .skip(1)
        .map(|c| {
            let c = c.split("</td>").next().unwrap_or("");
            let mut text = String::new();
            let mut tag = false;
            for ch in c.chars() {
                match ch {
                    '<' => tag = true,
                    '>' => tag = false,
                    _ if !tag => text.push(ch),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[test]
fn every_board_figure_is_as_counted_by_hand() {
    let repo = fixture();
    let out = built(&repo);
    let board = decode_entities(&read(&out.join("board/index.html")));
    let measure = |id: &str| cells(row(&board, &format!("data-measure=\"{id}\""), "</tr>"));
    assert!(board.contains("Open records: 12."), "the closed record is not counted");
    // In touch: 10 of 12 (0106 no, 0107 refuses): the rest, 2, is small.
    assert_eq!(measure("in-touch")[1], "all but fewer than 5 of 12");
    // NEET: 0103-0106 of the 11 whose activity is known (0107 not known): 4 is held back.
    assert_eq!(measure("neet")[1..3], ["fewer than 5 of 11", ""]);
    assert_eq!(measure("neet")[3], "38% England 2025 (DfE, Children looked after in England)");
    // Suitable: 9 of the 11 recorded (0110 in custody has none; 0106 and 0107 are not suitable).
    assert_eq!(measure("suitable-accommodation")[1], "all but fewer than 5 of 11");
    // Staying Put is the accommodation type: 0105 only.
    assert_eq!(measure("staying-put")[1], "fewer than 5 of 12");
    // Plans on time: 0101-0105 of all 12 (eligible, relevant or former-relevant): 5 is shown.
    assert_eq!(measure("plans-on-time")[1..3], ["5 of 12", "42%"]);
    // Passports before 18: 0101 of the ten aged 18 or over.
    assert_eq!(measure("passports-before-18")[1], "fewer than 5 of 10");
    // Health assessments: judged for the two eligible only.
    assert_eq!(measure("health-in-date")[1], "fewer than 5 in all");
    // Present at last review: 0101-0104 of the five reviewed.
    assert_eq!(measure("present-at-review")[1], "fewer than 5 of 5");
    assert_eq!(measure("staying-close")[1], "fewer than 5");

    // UASC (0103, 0104, 0105, 0108, 0109): five, shown; seven others.
    let uasc = row(&board, "id=\"by-uasc\"", "</table>");
    let young = cells(row(uasc, "Young people", "</tr>"));
    assert_eq!(young, ["5", "7", "12"]);
    assert_eq!(
        cells(row(uasc, "In touch", "</tr>")),
        ["all but fewer than 5 of 5", "all but fewer than 5 of 7", "all but fewer than 5 of 12"]
    );
    assert_eq!(cells(row(uasc, "NEET", "</tr>")), ["fewer than 5 of 5", "fewer than 5 of 6", "fewer than 5 of 11"]);
    assert_eq!(cells(row(uasc, "Plans on time", "</tr>")), ["fewer than 5 of 5", "fewer than 5 of 7", "5 of 12 (42%)"]);
    // Ages: under 17 one, 17-18 three, 19-21 six, 22-25 two.
    let ages = row(&board, "id=\"by-age\"", "</table>");
    assert_eq!(
        cells(row(ages, "Young people", "</tr>")),
        ["fewer than 5", "fewer than 5", "6", "fewer than 5", "fewer than 5", "12"]
    );
    assert_eq!(cells(row(ages, "In touch", "</tr>"))[2], "all but fewer than 5 of 6");
    // Legal status: former-relevant eight (six of them in touch).
    let legal = row(&board, "id=\"by-legal-status\"", "</table>");
    assert_eq!(cells(row(legal, "Young people", "</tr>"))[3], "8");
    assert_eq!(cells(row(legal, "In touch", "</tr>"))[3], "all but fewer than 5 of 8");
    // Parents: two; the ten others would give them away by subtraction, so are not shown.
    let parents = row(&board, "id=\"by-parent\"", "</table>");
    assert_eq!(cells(row(parents, "Young people", "</tr>")), ["fewer than 5", "not shown", "12"]);
    let custody = row(&board, "id=\"by-custody\"", "</table>");
    assert_eq!(cells(row(custody, "Young people", "</tr>")), ["fewer than 5", "not shown", "12"]);

    // In touch: yes 10 shown, no and refuses held back.
    let in_touch = row(&board, "<h2>In touch</h2>", "</table>");
    assert_eq!(cells(row(in_touch, "<td>Yes</td>", "</tr>")), ["Yes", "YES", "10", "83%"]);
    assert_eq!(cells(row(in_touch, "<td>No</td>", "</tr>")), ["No", "NO", "fewer than 5", ""]);
    assert_eq!(cells(row(in_touch, "<td>Refuses</td>", "</tr>")), ["Refuses", "REFU", "fewer than 5", ""]);
    // NEET by reason and by how long: all small.
    let reasons = cells(row(&board, "id=\"neet-reasons\"", "</table>"));
    assert_eq!(reasons.iter().filter(|c| *c == "fewer than 5").count(), 3, "{reasons:?}");
    let durations = cells(row(&board, "id=\"neet-durations\"", "</table>"));
    assert_eq!(
        durations,
        [
            "13 weeks or less",
            "fewer than 5",
            "",
            "Over 13 weeks, up to 26",
            "fewer than 5",
            "",
            "Over 26 weeks",
            "fewer than 5",
            "",
            "Since when not recorded",
            "fewer than 5",
            ""
        ]
    );
    // Accommodation: five independent (four suitable, one not), each part held back.
    let independent = cells(row(&board, "<td>Independent</td>", "</tr>"));
    assert_eq!(independent, ["Independent", "U", "fewer than 5", "fewer than 5", "fewer than 5", "5"]);
    // Support to 25: four offers (accepted, declined, no response, none recorded).
    assert!(
        board.contains("Offers of a personal adviser to 25 recorded: <span class=\"suppressed\">fewer than 5</span>.")
    );
    // Outcomes: health for five: latest 6, 6, 6, 5, 8 (mean 6.2), changes 1, 2, 0, 2, 1 (+1.2);
    // stability for four only: held back.
    let health = cells(row(&board, "<td>Health</td>", "</tr>"));
    assert_eq!(health, ["Health", "5", "6.2", "5", "+1.2"]);
    let stability = cells(row(&board, "<td>Stability and safety</td>", "</tr>"));
    assert_eq!(stability, ["Stability and safety", "fewer than 5", "not shown", "fewer than 5", "not shown"]);
    assert!(board.contains("This report holds no personal data"), "the footer says so");
}

#[test]
fn the_board_names_no_one_and_quotes_nothing() {
    let repo = fixture();
    let out = built(&repo);
    let board = decode_entities(&read(&out.join("board/index.html")));
    for (id, name, dob, ..) in PEOPLE {
        for needle in [id.to_string(), name.to_string(), dob.to_string(), note_word(id)] {
            assert!(!board.contains(&needle), "the board holds {needle}");
        }
        for part in name.split(' ') {
            assert!(!board.contains(part), "the board holds {part}");
        }
    }
    for needle in [
        "Mabon",
        "Quarrie",
        "Sam Okafor",
        "Helen Marsh",
        "Amira",
        "emergency accommodation funding",
        "housing panel",
        "Mr and Mrs Quayle",
        "What matters",
    ] {
        assert!(!board.contains(needle), "the board holds {needle}");
    }
    // The same words are in the site, so the search above is able to find them.
    let dashboard = decode_entities(&read(&out.join("index.html")));
    assert!(dashboard.contains("Gideon") && dashboard.contains("yp-0101"));
}

#[test]
fn the_dashboard_board_and_csv_count_the_same_young_people() {
    let repo = fixture();
    let out = built(&repo);
    let dashboard = decode_entities(&read(&out.join("index.html")));
    assert!(dashboard.contains("<span class=\"number\">12</span> open records"), "{dashboard}");
    let board = decode_entities(&read(&out.join("board/index.html")));
    assert!(board.contains("Open records: 12."));
    let csv = read(&out.join("board/care-leavers.csv"));
    assert_eq!(csv.lines().count(), 13, "a header and twelve rows");
    assert!(!csv.contains("yp-0113"), "closed: not counted");
    // 0105 by hand: 21, UASC, G4 NEET since 2026-01-05 (over 26 weeks), Staying Put, plan on
    // time, absent at review, no passport, offer accepted.
    assert!(
        csv.contains("\r\nyp-0105,2005-04-04,21,19-21,former-relevant,yes,no,no,YES,G4,yes,26+,Z1,yes,yes,no,yes,no,,no,,accepted\r\n"),
        "{csv}"
    );
    // The CSV's columns add up to the board's figures: 5 UASC, 5 plans on time, 4 NEET.
    let column = |name: &str, value: &str| {
        let header: Vec<&str> = csv.lines().next().unwrap_or("").split(',').collect();
        let at = header.iter().position(|h| *h == name).expect("column");
        csv.lines().skip(1).filter(|l| l.split(',').nth(at) == Some(value)).count()
    };
    assert_eq!((column("UASC", "yes"), column("PLAN_ON_TIME", "yes"), column("NEET", "yes")), (5, 5, 4));
}

#[test]
fn dashboard_tiles_count_young_people_not_problems() {
    // Two errors for one young person, one for another: two young people, three errors.
    let repo = Repo::new();
    repo.write(
        "records/yp-0001/profile.md",
        common::profile("relevant", "2009-05-01", "in_touch: maybe\naccommodation: { type: castle }\n"),
    );
    repo.write("records/yp-0002/profile.md", common::profile("relevant", "2009-05-01", "in_touch: maybe\n"));
    let (json, _) = repo.json();
    let errors = common::diags(&json).iter().filter(|d| d.severity == "error").count();
    assert_eq!(errors, 3, "{json}");
    let out = repo.cmd_on(TODAY).arg("build").output().expect("run");
    assert!(out.status.success() || out.status.code() == Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let dashboard = decode_entities(&read(&repo.path("public/index.html")));
    let tile = row(&dashboard, "data-tile=\"overdue\"", "</li>");
    assert!(tile.contains("<span class=\"number\">2</span> young people"), "{tile}");
}

#[test]
fn the_managers_page_names_the_exceptions_in_a_browser() {
    let Some(chrome) = site::chromium() else { return };
    let repo = fixture();
    let out = built(&repo);
    let profile = tempfile::tempdir().expect("profile dir");
    let mut browser = site::DevTools::start(chrome, profile.path());
    browser.navigate(&format!("file://{}", out.join("index.html").display()));
    browser.wait_for("document.querySelector('a[href=\"manager.html\"]') ? 'linked' : ''", "the dashboard's link");
    browser.navigate(&format!("file://{}", out.join("manager.html").display()));
    let text = browser.wait_for("document.body ? document.body.innerText : ''", "the manager's page");
    let section = |browser: &mut site::DevTools, id: &str| {
        browser
            .eval(&format!("(document.getElementById('{id}') || {{}}).innerText || ''"))
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert!(text.contains("Management oversight"));
    let staff = browser
        .eval("[...document.querySelectorAll('table.staff tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' ').trim()).join('\\n')")
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(staff.contains("Sam Okafor Personal adviser 12 1 Sep 2026 overdue 1"), "{staff}");
    assert!(staff.contains("Amira Hassan Key worker 0 None recorded overdue 0"), "{staff}");
    let sign_off = section(&mut browser, "sign-off");
    for name in ["Bram Tillotson", "Casimir Venn", "Delphine Oyelaran", "Ezra Pennyfeather"] {
        assert!(sign_off.contains(name), "{name} awaits sign-off: {sign_off}");
    }
    assert!(!sign_off.contains("Orla"), "signed off: {sign_off}");
    let decisions = section(&mut browser, "decisions");
    assert!(decisions.contains("Gideon Ashworth-Lyle: 10 Nov 2026, by Helen Marsh"), "{decisions}");
    assert!(!decisions.contains("Fenella"), "older than 90 days: {decisions}");
    let exceptions = browser
        .eval("[...document.querySelectorAll('#exceptions h3')].map(h => h.id + ': ' + [...(h.nextElementSibling.querySelectorAll('a'))].map(a => a.innerText).join(', ')).join('\\n')")
        .as_str()
        .unwrap_or("")
        .to_string();
    let expected = "homeless: Gideon Ashworth-Lyle\nbed-and-breakfast: \nunsuitable: Fenella Wragge, Gideon Ashworth-Lyle\ncustody: Juno Fairweather\nneet-long: Delphine Oyelaran, Ezra Pennyfeather\nnot-in-touch: Fenella Wragge, Gideon Ashworth-Lyle\nno-adviser: \nleave-expiring: Ivo Castellane\nvisit-overdue: Hester Mbeki-Rowntree";
    assert_eq!(exceptions, expected);
    // Each name links to the young person's page, which opens.
    let href = browser.eval("document.querySelector('#exceptions a').href").as_str().unwrap_or("").to_string();
    assert!(href.ends_with("people/yp-0107/index.html"), "{href}");
    browser.navigate(&href);
    let heading = browser
        .wait_for("document.querySelector('h1') ? document.querySelector('h1').innerText : ''", "the person page");
    assert!(heading.contains("Gideon"), "{heading}");
    browser.screenshot("manager.png");
}

#[test]
fn every_printed_page_of_the_board_says_it_holds_no_personal_data() {
    let Some(chrome) = site::chromium() else { return };
    let repo = fixture();
    let out = built(&repo);
    let profile = tempfile::tempdir().expect("profile dir");
    let pdf = profile.path().join("board.pdf");
    let printed = std::process::Command::new(chrome)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.path().join("p").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("board/index.html").display()))
        .output()
        .expect("run chromium");
    assert!(printed.status.success() && pdf.is_file(), "{}", String::from_utf8_lossy(&printed.stderr));
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap_or(0)))
        .expect("a page count");
    assert!(pages >= 2, "{info}");
    for page in 1..=pages {
        let n = page.to_string();
        let text = std::process::Command::new("pdftotext").args(["-f", &n, "-l", &n]).arg(&pdf).arg("-").output();
        let text = String::from_utf8_lossy(&text.expect("pdftotext").stdout).to_string();
        assert!(text.contains("holds no personal data"), "page {page} of {pages}: {text}");
        assert!(!text.contains("Gideon") && !text.contains("yp-01"), "page {page} names someone");
    }
}
