//! Format 1.1 end to end: checking past a bad field, the new rules, feedback records on the
//! person's page, in search and on the board, and the turning-18 section and pages.
//! Every person, member of staff and number here is fictional.

mod common;
mod site;

use common::{one, profile, with_rule, Repo, PASSPORT, PLAN, PROFILE, TODAY};
use std::path::{Path, PathBuf};

fn build(repo: &Repo) -> PathBuf {
    repo.cmd().arg("build").assert().success();
    repo.path("public")
}

fn read(path: &Path) -> String {
    site::read(path)
}

#[test]
fn a_bad_date_of_birth_keeps_every_other_problem() {
    // The case: a typo in date_of_birth used to silence an overdue review and a missed contact.
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("date_of_birth: 2009-05-01", "date_of_birth: 2009-02-30"));
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("next_review: 2027-01-15", "next_review: 2026-11-01"));
    repo.write("records/yp-0001/notes/2026-10-01-visit.md", "---\ndate: 2026-10-01\nauthor: sam-okafor\n---\nVisit.\n");
    let d = repo.diags();
    let bad = one(&d, "invalid-value");
    common::assert_at(bad, "records/yp-0001/profile.md", 3, 16);
    assert!(bad.message.contains("status-age, passport-due, passport-not-issued, retention-review"), "{}", bad.message);
    assert_eq!(with_rule(&d, "contact-overdue").len(), 1, "{d:?}");
    assert_eq!(with_rule(&d, "plan-review-overdue").len(), 1, "{d:?}");
    assert!(with_rule(&d, "passport-due").is_empty());
    // The dashboard still names them, and their page says which field could not be read.
    let out = build(&repo);
    let dashboard = read(&out.join("index.html"));
    assert!(dashboard.contains("Jordan Example"), "the row is not nameless");
    let page = read(&out.join("people/yp-0001/index.html"));
    assert!(page.contains("Some fields could not be read: date_of_birth"));
    assert!(page.contains("Could not be read"));
}

#[test]
fn a_relevant_seventeen_year_old_near_eighteen_needs_a_passport_not_a_health_assessment() {
    // Turns 18 on 2027-01-08, 45 days after TODAY; no passport file at all.
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("relevant", "2009-01-08", ""));
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    let d = repo.diags();
    let due = one(&d, "passport-due");
    assert!(due.message.contains("8 Jan 2027 (45 days from today)"), "{}", due.message);
    common::assert_silent(&d, "health-assessment-overdue");
}

#[test]
fn pa_missing_near_misses() {
    let repo = Repo::new();
    repo.write(
        "records/yp-0001/profile.md",
        "---\nname: Test Person\ndate_of_birth: 2009-05-01\nlegal_status: eligible\n---\n",
    );
    let d = repo.diags();
    common::assert_at(one(&d, "pa-missing"), "records/yp-0001/profile.md", 4, 15);
    repo.write("records/yp-0001/profile.md", profile("eligible", "2009-05-01", ""));
    common::assert_silent(&repo.diags(), "pa-missing");
}

const FEEDBACK: &str = "---\ndate: 2026-10-12\nkind: questionnaire\ntaken_by: sam-okafor\nanswers:\n  listened-to: 5\n  involved-in-plan: 2\nconsent_to_share: true\n---\nSam listens to me. I want more say in the money part.\n";

#[test]
fn feedback_records_are_checked_like_notes() {
    let repo = Repo::clean();
    let f = "records/yp-0001/feedback";
    repo.write(&format!("{f}/2026-10-12-survey.md"), FEEDBACK);
    repo.write(&format!("{f}/2026-10-13-survey.md"), FEEDBACK);
    repo.write(
        &format!("{f}/2026-10-14-typo.md"),
        FEEDBACK
            .replace("2026-10-12", "2026-10-14")
            .replace("listened-to: 5", "listend-to: 5")
            .replace("involved-in-plan: 2", "involved-in-plan: 6"),
    );
    repo.write(&format!("{f}/2026-12-01-later.md"), FEEDBACK.replace("2026-10-12", "2026-12-01"));
    repo.write(&format!("{f}/Survey.md"), FEEDBACK);
    let d = repo.diags();
    common::assert_at(one(&d, "note-date-mismatch"), &format!("{f}/2026-10-13-survey.md"), 2, 7);
    common::assert_at(one(&d, "future-date"), &format!("{f}/2026-12-01-later.md"), 2, 7);
    common::assert_at(one(&d, "bad-path"), &format!("{f}/Survey.md"), 1, 1);
    let invalid = with_rule(&d, "invalid-value");
    assert_eq!(invalid.len(), 2, "{invalid:?}");
    assert!(
        invalid.iter().any(|d| d.line == 6 && d.column == 3 && d.message.contains("did you mean `listened-to`")),
        "{invalid:?}"
    );
    assert!(
        invalid.iter().any(|d| d.line == 7 && d.column == 21 && d.message.contains("from 1 (not at all) to 5")),
        "{invalid:?}"
    );
}

#[test]
fn feedback_settings_are_validated_like_the_rest() {
    let repo = Repo::with_config_extra(
        "feedback_question:\n  - { id: heard, text: I am heard }\nrules:\n  transition_window_day: 30\n",
    );
    repo.add_clean_person("yp-0001");
    let d = repo.diags();
    let unknown = with_rule(&d, "unknown-field");
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert!(unknown.iter().any(|d| d.message.contains("did you mean `feedback_questions`")));
    assert!(unknown.iter().any(|d| d.message.contains("did you mean `rules.transition_window_days`")));
    let repo = Repo::with_config_extra("rules:\n  transition_window_days: soon\n");
    assert_eq!(with_rule(&repo.diags(), "invalid-value").len(), 1);
}

/// Three young people's feedback, counted by hand: the board must say the same.
fn feedback_fixture() -> Repo {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002").add_clean_person("yp-0003");
    // Three young people: every count would be held back at the default threshold of 5.
    repo.write("waymark.yaml", format!("{}board:\n  suppress_below: 1\n", common::CONFIG));
    // Shared: a questionnaire (listened-to 5, involved-in-plan 2).
    repo.write("records/yp-0001/feedback/2026-10-12-survey.md", FEEDBACK);
    // Not to be quoted: listened-to 4.
    repo.write(
        "records/yp-0002/feedback/2026-09-01-survey.md",
        "---\ndate: 2026-09-01\nkind: questionnaire\nanswers:\n  listened-to: 4\nconsent_to_share: false\n---\nPrivate words about the flat.\n",
    );
    // Restricted, though consent was given: listened-to 3, feel-safe-at-home 4.
    repo.write(
        "records/yp-0003/feedback/2026-08-20-exit.md",
        "---\ndate: 2026-08-20\nkind: exit\nanswers:\n  listened-to: 3\n  feel-safe-at-home: 4\nconsent_to_share: true\nrestricted: true\n---\nRestricted words about a complaint.\n",
    );
    // Thirteen months ago: not in the last twelve.
    repo.write(
        "records/yp-0003/feedback/2025-10-01-complaint.md",
        "---\ndate: 2025-10-01\nkind: complaint\nanswers:\n  listened-to: 1\nconsent_to_share: true\n---\nOld words.\n",
    );
    repo
}

#[test]
fn the_board_counts_feedback_and_quotes_only_what_may_be_shared() {
    let repo = feedback_fixture();
    let out = build(&repo);
    let board = read(&out.join("board/index.html"));
    let section =
        board.split("What young people told us").nth(1).and_then(|s| s.split("</section>").next()).expect("section");
    assert!(section.contains("<p>Feedback records: 3.</p>"), "{section}");
    assert!(section.contains("<td>Questionnaire</td><td>2</td><td>67%</td>"), "{section}");
    assert!(section.contains("<td>Exit</td><td>1</td><td>33%</td>"), "{section}");
    assert!(!section.contains("Complaint"), "older than twelve months: {section}");
    // listened-to: 5, 4, 3 -> 3 answers, mean 4, two of three answering 4 or 5.
    assert!(
        section.contains("<td>My personal adviser listens to me</td><td>3</td><td>4.0</td><td>2 of 3 (67%)</td>"),
        "{section}"
    );
    assert!(
        section.contains("<td>I help write my pathway plan</td><td>1</td><td>2.0</td><td>0 of 1 (0%)</td>"),
        "{section}"
    );
    assert!(
        section.contains("<td>I feel safe where I live</td><td>1</td><td>4.0</td><td>1 of 1 (100%)</td>"),
        "{section}"
    );
    // The board is for elected members: it quotes nobody. The manager's page quotes what may be shared.
    assert!(!board.contains("Sam listens to me"), "no free text on the board");
    let manager = read(&out.join("manager.html"));
    let quotes = manager.split("id=\"quotes\"").nth(1).and_then(|s| s.split("</section>").next()).expect("quotes");
    assert!(quotes.contains("Sam listens to me. I want more say in the money part."), "{quotes}");
    assert!(!quotes.contains("Private words"), "no consent, no quote");
    assert!(!quotes.contains("Restricted words"), "restricted, never quoted");
    assert!(!quotes.contains("Jordan") && !quotes.contains("yp-000"), "never a name: {quotes}");
}

#[test]
fn feedback_shows_on_the_persons_page_and_in_search_unless_restricted() {
    let repo = feedback_fixture();
    let out = build(&repo);
    let page = read(&out.join("people/yp-0001/index.html"));
    let words = page.find("Sam listens to me.").expect("their words are shown");
    let ratings = page.find("My personal adviser listens to me</th><td>5 of 5").expect("ratings beside");
    assert!(words < ratings, "their words come first");
    assert!(page.contains("id=\"feedback-2026-10-12-survey\""));
    let restricted = read(&out.join("people/yp-0003/index.html"));
    assert!(restricted.contains("Restricted feedback"));
    let (_, loaded) = repo.check_lib(TODAY);
    let docs = waymark::render::search::documents(&loaded);
    let feedback: Vec<&str> = docs.iter().filter(|d| d.kind == 5).map(|d| d.text.as_str()).collect();
    assert_eq!(feedback.len(), 3, "{feedback:?}");
    assert!(feedback.iter().any(|t| t.contains("Sam listens")));
    assert!(!feedback.iter().any(|t| t.contains("Restricted words")));
    // History treats feedback like any record.
    let name = waymark::render::history::record_name("records/yp-0001/feedback/2026-10-12-survey.md");
    assert_eq!(name, "Feedback 2026-10-12-survey");
}

#[test]
fn exit_feedback_missing_after_closing() {
    let repo = Repo::new();
    let closed =
        profile("former-relevant", "2005-01-01", "status: closed\nclosed: { date: 2026-08-26, reason: moved-area }\n");
    repo.write("records/yp-0001/profile.md", &closed);
    let (json, _) = repo.json_on("2026-11-24");
    assert_eq!(with_rule(&common::diags(&json), "exit-feedback-missing").len(), 1);
    let (json, _) = repo.json_on("2026-11-25");
    assert!(with_rule(&common::diags(&json), "exit-feedback-missing").is_empty());
    repo.write("records/yp-0001/feedback/2026-08-27-exit.md", "---\ndate: 2026-08-27\nkind: exit\n---\nThanks.\n");
    let (json, _) = repo.json_on("2026-11-24");
    assert!(with_rule(&common::diags(&json), "exit-feedback-missing").is_empty());
}

/// Four young people around the 120-day window from TODAY (2026-11-24 + 120 days = 2027-03-24).
fn turning_18_fixture(config_extra: &str) -> Repo {
    let repo = Repo::with_config_extra(config_extra);
    // In 45 days; passport written, not issued; staying put.
    repo.write(
        "records/yp-0001/profile.md",
        profile("relevant", "2009-01-08", "staying_put: { carer: \"Mr and Mrs Example\", since: 2026-01-01 }\n"),
    );
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    repo.write("records/yp-0001/health-passport.md", PASSPORT);
    // On the last day of the window, no passport, no adviser.
    repo.write(
        "records/yp-0002/profile.md",
        "---\nname: Sky Example\ndate_of_birth: 2009-03-24\nlegal_status: eligible\n---\n",
    );
    // One day past the window.
    repo.write("records/yp-0003/profile.md", profile("eligible", "2009-03-25", ""));
    // In the window but closed.
    repo.write(
        "records/yp-0004/profile.md",
        profile("relevant", "2009-02-01", "status: closed\nclosed: { date: 2026-10-01, reason: moved-area }\n"),
    );
    repo
}

#[test]
fn turning_18_lists_who_is_in_the_window_soonest_first() {
    let repo = turning_18_fixture("");
    let out = build(&repo);
    let dashboard = read(&out.join("index.html"));
    let section =
        dashboard.split("id=\"turning-18\"").nth(1).and_then(|s| s.split("</section>").next()).expect("section");
    let ids: Vec<&str> = section.split("data-id=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    assert_eq!(ids, ["yp-0001", "yp-0002"]);
    assert!(section.contains("8 Jan 2027"));
    assert!(section.contains("Written, not issued"));
    assert!(section.contains("Staying Put with Mr and Mrs Example"));
    assert!(section.contains("None named"), "yp-0002 has no personal adviser");
    assert!(section.contains("1 Aug 2026"), "last plan review");
    assert!(section.contains("15 Jan 2027"), "next plan review");
    assert!(out.join("people/yp-0001/transition.html").is_file());
    assert!(!out.join("people/yp-0003/transition.html").exists());
    assert!(!out.join("people/yp-0004/transition.html").exists());
    let page = read(&out.join("people/yp-0001/transition.html"));
    let due = page.split("Still due before the birthday").nth(1).expect("due part");
    assert!(due.contains("18th birthday: health passport to hand over: by 8 Jan 2027"), "{due}");
    assert!(!due.contains("Pathway plan review"), "a review after the birthday is not due before it: {due}");
    let done = page.split("<h2>Done</h2>").nth(1).and_then(|s| s.split("</section>").next()).expect("done part");
    assert!(done.contains("Pathway plan reviewed: 1 Aug 2026"));
    assert!(done.contains("Personal adviser named: Sam Okafor"));
    assert_eq!(page.matches("class=\"line\">Signed").count(), 3, "signature lines");
    // The window is a setting.
    let repo = turning_18_fixture("rules:\n  transition_window_days: 60\n");
    let dashboard = read(&build(&repo).join("index.html"));
    assert!(dashboard.contains("Turning 18 in the next 60 days"));
    assert!(dashboard.contains("data-id=\"yp-0001\"") && !dashboard.contains("data-id=\"yp-0002\""));
}

#[test]
fn turning_18_section_in_a_browser() {
    let Some(browser) = site::chromium() else { return };
    let repo = turning_18_fixture("");
    let out = build(&repo);
    let dom = site::headless(browser, &repo.path("chrome"), &out.join("index.html"), "", &["--dump-dom".into()]);
    let section =
        dom.split("id=\"turning-18\"").nth(1).and_then(|s| s.split("</section>").next()).expect("section in the DOM");
    let rows: Vec<&str> = section.split("<tr data-id=\"").skip(1).collect();
    assert_eq!(rows.len(), 2, "{section}");
    assert!(rows[0].starts_with("yp-0001") && rows[0].contains("in 45 days"), "{}", rows[0]);
    assert!(rows[1].starts_with("yp-0002") && rows[1].contains("in 120 days"), "{}", rows[1]);
    // The transition page prints from file:// under the site's Content-Security-Policy.
    let pdf = repo.path("transition.pdf");
    let page = out.join("people/yp-0001/transition.html");
    site::headless(
        browser,
        &repo.path("chrome"),
        &page,
        "",
        &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()],
    );
    let bytes = std::fs::read(&pdf).expect("printed");
    assert!(bytes.starts_with(b"%PDF"), "a PDF was printed");
}
