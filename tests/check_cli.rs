//! `waymark check` as a user meets it: exit statuses, human and JSON output,
//! and every rule of FORMAT.md §9 (except the git ones) with a near miss.
//!
//! Each test builds its own small repository in a temporary folder (see
//! `common`) and judges it as of 2026-11-24 unless it says otherwise.

mod common;

use common::*;
use predicates::prelude::*;

// ---------------------------------------------------------------------------
// A clean repository
// ---------------------------------------------------------------------------

#[test]
fn clean_repository_exits_0_and_says_no_problems() {
    let repo = Repo::clean();
    let (out, code) = repo.human();
    assert_eq!(code, 0, "{out}");
    assert_eq!(out, "checked 7 files: no problems found\n");
}

#[test]
fn clean_repository_json_has_no_diagnostics_and_counts_files() {
    let repo = Repo::clean();
    let (json, code) = repo.json();
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    // waymark.yaml, five records and one attachment.
    assert_eq!(json["summary"]["files"], 7);
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 0);
}

#[test]
fn clean_repository_committed_to_git_is_still_clean() {
    let repo = Repo::clean();
    repo.write(".gitignore", "public/\n").git_commit_all("Records for yp-0001");
    assert!(repo.path(".git").is_dir());
    let (after, code) = repo.json();
    assert_eq!(code, 0, "{after:#}");
    // Everything is committed, by the note's author: nothing to report.
    assert_eq!(after["diagnostics"], serde_json::json!([]), "a .git folder or .gitignore must not change the check");
    assert_eq!(after["summary"]["files"], 7);
}

#[test]
fn waymark_today_environment_variable_is_used_when_there_is_no_flag() {
    let repo = Repo::clean();
    // On 2026-11-19 the note of 2026-11-20 is in the future.
    let out = waymark()
        .arg("--root")
        .arg(repo.root())
        .args(["check", "--format", "json"])
        .env("WAYMARK_TODAY", "2026-11-19")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let d = diags(&json);
    assert_at(one(&d, "future-date"), "records/yp-0001/notes/2026-11-20-visit.md", 2, 7);
}

// ---------------------------------------------------------------------------
// An invalid NHS number, as people and programs see it
// ---------------------------------------------------------------------------

fn repo_with_bad_nhs_number() -> Repo {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0005");
    repo.write("records/yp-0005/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    repo
}

#[test]
fn invalid_nhs_number_human_output_is_rustc_like() {
    let repo = repo_with_bad_nhs_number();
    let (out, code) = repo.human();
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let head = lines.iter().position(|l| l.starts_with("error[nhs-number]: ")).unwrap_or_else(|| panic!("{out}"));
    assert!(lines[head].contains("999 123 4560"), "{out}");
    assert_eq!(lines[head + 1], " --> records/yp-0005/health-passport.md:2:13");
    assert_eq!(lines[head + 2], "  |");
    assert_eq!(lines[head + 3], "2 | nhs_number: \"999 123 4560\"");
    assert_eq!(lines[head + 4], "  |             ^^^^^^^^^^^^^^");
    assert!(lines[head + 5].starts_with("  = help: "), "{out}");
    assert_eq!(lines.last().copied(), Some("checked 13 files: 1 error, 0 warnings, 0 info"));
}

#[test]
fn invalid_nhs_number_json() {
    let repo = repo_with_bad_nhs_number();
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    let d = diags(&json);
    assert_eq!(d.len(), 1, "{d:#?}");
    let d = &d[0];
    assert_eq!(d.rule, "nhs-number");
    assert_eq!(d.severity, "error");
    assert_eq!(d.file, "records/yp-0005/health-passport.md");
    assert_eq!((d.line, d.column), (2, 13));
    assert_eq!(d.person.as_deref(), Some("yp-0005"));
    assert!(d.message.contains("999 123 4560"), "{}", d.message);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["files"], 13);
}

#[test]
fn json_diagnostics_have_exactly_the_documented_fields() {
    let repo = repo_with_bad_nhs_number();
    let (json, _) = repo.json();
    let obj = json.as_object().expect("object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["diagnostics", "summary"]);
    let d = json["diagnostics"][0].as_object().expect("object");
    let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["column", "file", "line", "message", "person", "rule", "severity"]);
    let mut keys: Vec<&str> = json["summary"].as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["errors", "files", "warnings"]);
}

#[test]
fn nhs_check_digit_of_ten_is_never_valid() {
    // 999 123 456 weighs to a check digit of 10: no last digit can make it valid.
    for last in 0..10 {
        let repo = Repo::clean();
        repo.write(
            "records/yp-0001/health-passport.md",
            PASSPORT.replace("999 765 4323", &format!("999 123 456{last}")),
        );
        let d = repo.diags();
        assert_at(one(&d, "nhs-number"), "records/yp-0001/health-passport.md", 2, 13);
    }
}

#[test]
fn nhs_number_near_misses() {
    for good in ["\"999 765 4323\"", "\"9997654323\"", "9997654323"] {
        let repo = Repo::clean();
        repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("\"999 765 4323\"", good));
        assert_silent(&repo.diags(), "nhs-number");
    }
    for bad in ["\"999 765 4324\"", "\"999 765 432\"", "\"999 765 43x3\"", "\"999 765 43233\""] {
        let repo = Repo::clean();
        repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("\"999 765 4323\"", bad));
        let d = repo.diags();
        assert_at(one(&d, "nhs-number"), "records/yp-0001/health-passport.md", 2, 13);
    }
}

// ---------------------------------------------------------------------------
// One test per rule, each with a near miss
// ---------------------------------------------------------------------------

#[test]
fn yaml_syntax_in_a_note() {
    let repo = Repo::clean();
    repo.write(
        "records/yp-0001/notes/2026-11-20-visit.md",
        NOTE.replace("author: sam-okafor", "author: sam-okafor: x"),
    );
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    let d = diags(&json);
    let s = one(&d, "yaml-syntax");
    assert_at(s, "records/yp-0001/notes/2026-11-20-visit.md", 3, 19);
    assert_eq!(s.severity, "error");
    assert_eq!(s.person.as_deref(), Some("yp-0001"));
}

#[test]
fn yaml_syntax_for_unclosed_front_matter() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", "---\nname: Jordan Example\ndate_of_birth: 2009-05-01\n");
    let d = repo.diags();
    let s = one(&d, "yaml-syntax");
    assert_at(s, "records/yp-0001/profile.md", 1, 1);
    assert!(s.message.contains("never closed"), "{}", s.message);
}

#[test]
fn yaml_syntax_for_a_file_without_front_matter() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", "Visited. No front matter at all.\n");
    let d = repo.diags();
    assert_at(one(&d, "yaml-syntax"), "records/yp-0001/notes/2026-11-20-visit.md", 1, 1);
}

#[test]
fn yaml_syntax_in_waymark_yaml() {
    let repo = Repo::with_config("organisation: [Example\nstaff: []\n");
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    let d = diags(&json);
    let s = one(&d, "yaml-syntax");
    assert_eq!(s.file, "waymark.yaml");
    assert_eq!(s.person, None);
}

#[test]
fn yaml_syntax_near_miss_colons_in_quotes_and_comments() {
    let repo = Repo::clean();
    let note =
        NOTE.replace("minutes: 45\n", "minutes: 45 # about: 3/4 hour\n").replace("kind: visit", "kind: \"visit\"");
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", note);
    assert!(repo.diags().is_empty());
}

#[test]
fn missing_field_points_at_the_opening_dashes() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("date_of_birth: 2009-05-01\n", ""));
    let d = repo.diags();
    let m = one(&d, "missing-field");
    assert_at(m, "records/yp-0001/profile.md", 1, 1);
    assert!(m.message.contains("date_of_birth"), "{}", m.message);
}

#[test]
fn missing_field_in_a_note_and_an_empty_value_counts_as_missing() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("author: sam-okafor", "author:"));
    let d = repo.diags();
    let m = one(&d, "missing-field");
    assert_at(m, "records/yp-0001/notes/2026-11-20-visit.md", 1, 1);
    assert!(m.message.contains("author"), "{}", m.message);
}

#[test]
fn missing_field_near_miss_optional_fields_may_be_absent() {
    let repo = Repo::clean();
    let minimal = "---\nname: Jordan Example\ndate_of_birth: 2009-05-01\nlegal_status: relevant\n---\n";
    repo.write("records/yp-0001/profile.md", minimal);
    assert_silent(&repo.diags(), "missing-field");
}

#[test]
fn invalid_value_not_in_its_list_with_a_suggestion() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("legal_status: relevant", "legal_status: relevent"));
    let d = repo.diags();
    let v = one(&d, "invalid-value");
    assert_at(v, "records/yp-0001/profile.md", 4, 15);
    assert!(v.message.contains("did you mean `relevant`"), "{}", v.message);
}

#[test]
fn invalid_value_impossible_date() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("2009-05-01", "2009-02-29"));
    let d = repo.diags();
    assert_at(one(&d, "invalid-value"), "records/yp-0001/profile.md", 3, 16);
}

#[test]
fn invalid_value_score_out_of_range() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/outcomes/2026-10-01.md", OUTCOME.replace("health: 7", "health: 11"));
    let d = repo.diags();
    assert_at(one(&d, "invalid-value"), "records/yp-0001/outcomes/2026-10-01.md", 7, 11);
}

#[test]
fn invalid_value_near_misses() {
    let repo = Repo::clean();
    // A real leap day and scores at both ends of the range.
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE.replace("2009-05-01", "2008-02-29").replace("legal_status: relevant", "legal_status: former-relevant"),
    );
    repo.write(
        "records/yp-0001/outcomes/2026-10-01.md",
        OUTCOME.replace("health: 7", "health: 10").replace("independent-living: 6", "independent-living: 1"),
    );
    assert_silent(&repo.diags(), "invalid-value");
}

#[test]
fn unknown_field_is_a_warning_with_did_you_mean() {
    let repo = Repo::clean();
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE.replace("status: active\n", "status: active\npronoun: they/them\n"),
    );
    let (json, code) = repo.json();
    assert_eq!(code, 0, "a warning alone does not fail the check");
    let d = diags(&json);
    let u = one(&d, "unknown-field");
    assert_at(u, "records/yp-0001/profile.md", 8, 1);
    assert_eq!(u.severity, "warning");
    assert!(u.message.contains("did you mean `pronouns`"), "{}", u.message);
    assert_eq!(json["summary"]["warnings"], 1);
}

#[test]
fn unknown_field_near_miss_known_optional_fields() {
    let repo = Repo::clean();
    repo.write(
        "records/yp-0001/profile.md",
        PROFILE.replace("status: active\n", "status: active\npronouns: they/them\npreferred_name: Jord\n"),
    );
    assert!(repo.diags().is_empty());
}

#[test]
fn bad_path_person_id_folder() {
    let repo = Repo::clean();
    repo.write("records/Jordan-Blake/profile.md", PROFILE);
    let d = repo.diags();
    let b = one(&d, "bad-path");
    assert_at(b, "records/Jordan-Blake", 1, 1);
    assert_eq!(b.person.as_deref(), Some("Jordan-Blake"));
}

#[test]
fn bad_path_note_file_name() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-21.md", NOTE.replace("2026-11-20", "2026-11-21"));
    let d = repo.diags();
    let b = one(&d, "bad-path");
    assert_at(b, "records/yp-0001/notes/2026-11-21.md", 1, 1);
    assert_eq!(b.person.as_deref(), Some("yp-0001"));
}

#[test]
fn bad_path_symlink_inside_records() {
    let repo = Repo::clean();
    std::os::unix::fs::symlink("../profile.md", repo.path("records/yp-0001/files/profile-copy.md")).expect("symlink");
    std::os::unix::fs::symlink("yp-0001", repo.path("records/yp-0002")).expect("symlink");
    let d = repo.diags();
    let b = with_rule(&d, "bad-path");
    let files: Vec<&str> = b.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["records/yp-0001/files/profile-copy.md", "records/yp-0002"], "{d:#?}");
    assert!(b[0].message.contains("symbolic link"), "{}", b[0].message);
}

#[test]
fn bad_path_near_misses() {
    let repo = Repo::clean();
    repo.add_clean_person("2024-031");
    repo.write("records/yp-0001/.gitkeep", "");
    repo.write("records/yp-0001/notes/2026-11-20-home-visit-2.md", NOTE);
    repo.write("records/yp-0001/files/scans/passport page.pdf", "%PDF fictional");
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn type_mismatch() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replacen("---\n", "---\ntype: note\n", 1));
    let d = repo.diags();
    assert_at(one(&d, "type-mismatch"), "records/yp-0001/profile.md", 2, 7);
}

#[test]
fn type_mismatch_near_misses() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replacen("---\n", "---\ntype: profile\n", 1));
    repo.write("records/yp-0001/outcomes/2026-10-01.md", OUTCOME.replacen("---\n", "---\ntype: outcome-reading\n", 1));
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replacen("---\n", "---\ntype: pathway-plan\n", 1));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn note_date_mismatch() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("date: 2026-11-20", "date: 2026-11-19"));
    let d = repo.diags();
    assert_at(one(&d, "note-date-mismatch"), "records/yp-0001/notes/2026-11-20-visit.md", 2, 7);
}

#[test]
fn note_date_mismatch_near_miss_quoted_date() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("date: 2026-11-20", "date: \"2026-11-20\""));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn future_date_tomorrow_fires_today_does_not() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-25-visit.md", NOTE.replace("2026-11-20", "2026-11-25"));
    let d = repo.diags();
    assert_at(one(&d, "future-date"), "records/yp-0001/notes/2026-11-25-visit.md", 2, 7);
    assert_silent(&repo.diags_on("2026-11-25"), "future-date");
}

#[test]
fn future_date_in_a_plan_review_and_an_outcome_reading() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("date: 2026-08-01", "date: 2026-12-01"));
    repo.write("records/yp-0001/outcomes/2026-12-01.md", OUTCOME.replace("2026-10-01", "2026-12-01"));
    let d = repo.diags();
    let f = with_rule(&d, "future-date");
    assert_eq!(f.len(), 2, "{d:#?}");
    assert_at(f[0], "records/yp-0001/outcomes/2026-12-01.md", 2, 7);
    assert_at(f[1], "records/yp-0001/pathway-plan.md", 4, 11);
}

#[test]
fn unknown_staff() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replace("author: sam-okafor", "author: sam-okafro"));
    let d = repo.diags();
    let u = one(&d, "unknown-staff");
    assert_at(u, "records/yp-0001/notes/2026-11-20-visit.md", 3, 9);
    assert!(u.message.contains("did you mean `sam-okafor`"), "{}", u.message);
}

#[test]
fn unknown_staff_near_miss_quoted_free_text_and_young_person() {
    let repo = Repo::clean();
    let plan = PLAN.replace("by_whom: sam-okafor", "by_whom: \"Housing officer\"");
    repo.write("records/yp-0001/pathway-plan.md", &plan);
    assert_silent(&repo.diags(), "unknown-staff");
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("by_whom: sam-okafor", "by_whom: young-person"));
    assert_silent(&repo.diags(), "unknown-staff");
    // Unquoted, an id-shaped value is taken as a staff id.
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("by_whom: sam-okafor", "by_whom: housing-officer"));
    assert_at(one(&repo.diags(), "unknown-staff"), "records/yp-0001/pathway-plan.md", 13, 14);
}

#[test]
fn broken_link() {
    let repo = Repo::clean();
    let note =
        NOTE.replace("See the [plan](../pathway-plan.md)", "See [Sam's note](../../yp-0002/notes/2026-01-04-visit.md)");
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", note);
    let d = repo.diags();
    assert_at(one(&d, "broken-link"), "records/yp-0001/notes/2026-11-20-visit.md", 8, 26);
}

#[test]
fn broken_link_near_miss_link_to_another_persons_note_and_web() {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002");
    let note = NOTE.replace(
        "See the [plan](../pathway-plan.md)",
        "See [Sam's note](../../yp-0002/notes/2026-11-20-visit.md#top), [web](https://example.org/a.md) and [here](#x)",
    );
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", note);
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn missing_attachment() {
    let repo = Repo::clean();
    repo.remove("records/yp-0001/files/letter.txt");
    let d = repo.diags();
    let m = one(&d, "missing-attachment");
    // "Visited at the flat. See the [plan](../pathway-plan.md) and the " is 64 characters.
    assert_at(m, "records/yp-0001/notes/2026-11-20-visit.md", 8, 65);
    assert_silent(&d, "broken-link");
}

#[test]
fn missing_attachment_near_miss_percent_encoded_name() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/files/my letter.txt", "fictional");
    let note = NOTE.replace("../files/letter.txt", "../files/my%20letter.txt");
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", note);
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

const TWO_GOALS: &str = "\
---
started: 2026-05-01
reviews:
  - date: 2026-08-01
    by: sam-okafor
next_review: 2027-01-15
goals:
  - id: college
    heading: education-and-training
    by_when: 2027-03-01
    status: in-progress
  - id: flat
    heading: accommodation
    by_when: 2027-03-01
    status: not-started
approved: { by: helen-marsh, date: 2026-08-05 }
---
Plan.
";

#[test]
fn duplicate_goal_id_points_at_the_second() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/pathway-plan.md", TWO_GOALS.replace("id: flat", "id: college"));
    let d = repo.diags();
    let dup = one(&d, "duplicate-goal-id");
    assert_at(dup, "records/yp-0001/pathway-plan.md", 12, 9);
    assert!(dup.message.contains("line 8"), "{}", dup.message);
}

#[test]
fn duplicate_goal_id_near_miss_distinct_ids() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/pathway-plan.md", TWO_GOALS);
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

/// A repository whose only person has this profile, a done passport and a plan.
fn person(profile_text: &str) -> Repo {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile_text);
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    repo.write(
        "records/yp-0001/health-passport.md",
        PASSPORT.replace("consent_to_share: true\n", "consent_to_share: true\nissued: 2026-06-01\n"),
    );
    repo
}

#[test]
fn status_age_looked_after_on_the_18th_birthday_not_the_day_before() {
    let repo = person(&profile("looked-after", "2008-11-24", ""));
    let d = repo.diags();
    let s = one(&d, "status-age");
    assert_at(s, "records/yp-0001/profile.md", 4, 15);
    assert_eq!(s.severity, "warning");
    let repo = person(&profile("looked-after", "2008-11-25", ""));
    assert_silent(&repo.diags(), "status-age");
}

#[test]
fn status_age_leap_day_birth_turns_18_on_1_march() {
    let repo = person(&profile("looked-after", "2008-02-29", ""));
    assert_silent(&repo.diags_on("2026-02-28"), "status-age");
    assert_at(one(&repo.diags_on("2026-03-01"), "status-age"), "records/yp-0001/profile.md", 4, 15);
}

#[test]
fn status_age_other_statuses() {
    // Relevant at 18, former-relevant at 17, qualifying at 15, anyone at 25.
    for (status, dob, extra) in [
        ("relevant", "2008-11-24", ""),
        ("former-relevant", "2009-05-01", ""),
        ("qualifying", "2011-01-01", ""),
        ("former-relevant", "2001-11-24", "extended_support: true\n"),
        ("former-relevant", "2004-01-10", ""),
    ] {
        let repo = person(&profile(status, dob, extra));
        assert_eq!(with_rule(&repo.diags(), "status-age").len(), 1, "{status} born {dob} {extra}");
    }
    for (status, dob, extra) in [
        ("relevant", "2008-11-25", ""),
        ("former-relevant", "2008-11-24", ""),
        ("qualifying", "2010-11-24", ""),
        ("former-relevant", "2001-11-25", "extended_support: true\n"),
        ("former-relevant", "2004-01-10", "activity:\n  type: higher-education\n  hours: full-time\n"),
    ] {
        let repo = person(&profile(status, dob, extra));
        assert_silent(&repo.diags(), "status-age");
    }
}

#[test]
fn plan_missing_for_relevant_not_for_looked_after() {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", PROFILE);
    let d = repo.diags();
    assert_at(one(&d, "plan-missing"), "records/yp-0001/profile.md", 4, 15);
    repo.write("records/yp-0001/profile.md", PROFILE.replace("legal_status: relevant", "legal_status: looked-after"));
    assert_silent(&repo.diags(), "plan-missing");
}

const SIX_MONTH_PLAN: &str = "\
---
started: 2025-11-24
reviews:
  - date: 2026-05-24
    by: sam-okafor
next_review: 2026-11-24
---
Plan.
";

#[test]
fn plan_review_exactly_six_months_ago_is_not_overdue_a_day_later_is() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/pathway-plan.md", SIX_MONTH_PLAN);
    assert_silent(&repo.diags(), "plan-review-overdue");
    let d = repo.diags_on("2026-11-25");
    let o = one(&d, "plan-review-overdue");
    assert_at(o, "records/yp-0001/pathway-plan.md", 4, 11);
    assert_eq!(o.severity, "error");
}

#[test]
fn plan_review_overdue_when_next_review_has_passed() {
    let repo = Repo::clean();
    repo.write(
        "records/yp-0001/pathway-plan.md",
        SIX_MONTH_PLAN.replace("next_review: 2026-11-24", "next_review: 2026-11-01"),
    );
    assert_at(one(&repo.diags(), "plan-review-overdue"), "records/yp-0001/pathway-plan.md", 6, 14);
    assert_silent(&repo.diags_on("2026-11-01"), "plan-review-overdue");
}

#[test]
fn plan_review_months_threshold_override() {
    let repo = Repo::with_config_extra("rules:\n  plan_review_months: 3\n");
    repo.add_clean_person("yp-0001");
    // Last review 2026-08-01; three months later is 2026-11-01.
    let d = repo.diags();
    let o = one(&d, "plan-review-overdue");
    assert_at(o, "records/yp-0001/pathway-plan.md", 4, 11);
    assert!(o.message.contains("3 months"), "{}", o.message);
    // With next_review inside the three months, the day it falls due is not overdue.
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("next_review: 2027-01-15", "next_review: 2026-11-01"));
    assert_silent(&repo.diags_on("2026-11-01"), "plan-review-overdue");
    // And the clean plan's next_review, five and a half months on, is now too late.
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    assert_at(one(&repo.diags_on("2026-10-01"), "plan-review-overdue"), "records/yp-0001/pathway-plan.md", 7, 14);
}

#[test]
fn goal_overdue_the_day_after_by_when() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/pathway-plan.md", PLAN.replace("by_when: 2027-03-01", "by_when: 2026-11-23"));
    let d = repo.diags();
    let g = one(&d, "goal-overdue");
    assert_at(g, "records/yp-0001/pathway-plan.md", 14, 14);
    assert_eq!(g.severity, "warning");
    assert_silent(&repo.diags_on("2026-11-23"), "goal-overdue");
}

#[test]
fn goal_overdue_near_miss_achieved_or_dropped() {
    let repo = Repo::clean();
    let past = PLAN.replace("by_when: 2027-03-01", "by_when: 2026-01-01");
    repo.write("records/yp-0001/pathway-plan.md", past.replace("status: in-progress", "status: dropped"));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
    repo.write(
        "records/yp-0001/pathway-plan.md",
        past.replace("status: in-progress", "status: achieved\n    done: 2025-12-20"),
    );
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn health_assessment_overdue_after_twelve_months_under_18() {
    // Format 1.1: the rule is for young people still looked after (looked-after or eligible).
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("legal_status: relevant", "legal_status: eligible"));
    repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("2026-06-01", "2025-11-23"));
    let d = repo.diags();
    let h = one(&d, "health-assessment-overdue");
    assert_at(h, "records/yp-0001/health-passport.md", 3, 25);
    assert_eq!(h.severity, "warning");
    // Exactly twelve months ago is not overdue.
    repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("2026-06-01", "2025-11-24"));
    assert_silent(&repo.diags(), "health-assessment-overdue");
}

#[test]
fn health_assessment_near_miss_over_18() {
    let repo = person(&profile("former-relevant", "2008-01-01", ""));
    repo.write(
        "records/yp-0001/health-passport.md",
        PASSPORT.replace("2026-06-01", "2020-01-01").replace("consent_to_share: true\n", "issued: 2025-12-01\n"),
    );
    assert_silent(&repo.diags(), "health-assessment-overdue");
}

#[test]
fn passport_due_within_120_days_of_18() {
    // 18 on 2027-03-24; 120 days before is 2026-11-24.
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("looked-after", "2009-03-24", ""));
    repo.write("records/yp-0001/health-passport.md", PASSPORT);
    let d = repo.diags();
    let p = one(&d, "passport-due");
    assert_at(p, "records/yp-0001/health-passport.md", 1, 1);
    assert_eq!(p.severity, "warning");
    assert_silent(&repo.diags_on("2026-11-23"), "passport-due");
    repo.write("records/yp-0001/profile.md", profile("looked-after", "2009-03-25", ""));
    assert_silent(&repo.diags(), "passport-due");
}

#[test]
fn passport_due_near_miss_issued() {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("eligible", "2009-03-24", ""));
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    repo.write(
        "records/yp-0001/health-passport.md",
        PASSPORT.replace("allergies: []", "allergies: []\nissued: 2026-11-01"),
    );
    assert_silent(&repo.diags(), "passport-due");
}

#[test]
fn passport_not_issued_for_former_relevant_adult() {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("former-relevant", "2008-01-01", ""));
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    repo.write("records/yp-0001/health-passport.md", PASSPORT);
    let d = repo.diags();
    let p = one(&d, "passport-not-issued");
    assert_at(p, "records/yp-0001/health-passport.md", 1, 1);
    assert_eq!(p.severity, "error");
    repo.write("records/yp-0001/health-passport.md", PASSPORT.replace("allergies: []", "issued: 2025-12-01"));
    assert_silent(&repo.diags(), "passport-not-issued");
}

#[test]
fn passport_not_issued_without_any_passport_points_at_the_profile() {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("former-relevant", "2008-01-01", ""));
    repo.write("records/yp-0001/pathway-plan.md", PLAN);
    assert_at(one(&repo.diags(), "passport-not-issued"), "records/yp-0001/profile.md", 3, 16);
}

#[test]
fn contact_overdue_after_the_agreed_days() {
    let repo = Repo::clean();
    // Last note 2026-11-20, every 14 days: due by 2026-12-04.
    assert_silent(&repo.diags_on("2026-12-04"), "contact-overdue");
    let d = repo.diags_on("2026-12-05");
    let c = one(&d, "contact-overdue");
    assert_at(c, "records/yp-0001/profile.md", 9, 21);
    assert_eq!(c.severity, "warning");
}

#[test]
fn contact_overdue_with_no_notes_at_all() {
    let repo = Repo::clean();
    repo.remove("records/yp-0001/notes/2026-11-20-visit.md");
    assert_at(one(&repo.diags(), "contact-overdue"), "records/yp-0001/profile.md", 9, 21);
}

#[test]
fn leave_expiring_within_90_days() {
    let immigration = |exp: &str| format!("immigration:\n  status: limited-leave\n  leave_expires: {exp}\n");
    let repo = person(&profile("relevant", "2009-05-01", &immigration("2027-02-22")));
    let d = repo.diags();
    let l = one(&d, "leave-expiring");
    assert_at(l, "records/yp-0001/profile.md", 8, 18);
    assert_eq!(l.severity, "warning");
    let repo = person(&profile("relevant", "2009-05-01", &immigration("2027-02-23")));
    assert_silent(&repo.diags(), "leave-expiring");
    let repo = person(&profile("relevant", "2009-05-01", &immigration("2026-11-01")));
    let d = repo.diags();
    assert!(one(&d, "leave-expiring").message.contains("expired"), "{d:#?}");
}

#[test]
fn neet_long_after_thirteen_weeks_is_info() {
    let neet = |since: &str| format!("activity:\n  type: neet-other\n  since: {since}\n");
    let repo = person(&profile("relevant", "2009-05-01", &neet("2026-08-24")));
    let (json, code) = repo.json();
    assert_eq!(code, 0, "info does not fail the check");
    let d = diags(&json);
    let n = one(&d, "neet-long");
    assert_at(n, "records/yp-0001/profile.md", 7, 9);
    assert_eq!(n.severity, "info");
    // 13 weeks to the day is not yet long.
    let repo = person(&profile("relevant", "2009-05-01", &neet("2026-08-25")));
    assert_silent(&repo.diags(), "neet-long");
}

#[test]
fn retention_review_for_closed_record_past_75() {
    let closed = "status: closed\nclosed: { date: 2000-01-01, reason: moved-area }\n";
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("former-relevant", "1951-11-24", closed));
    let d = repo.diags();
    let r = one(&d, "retention-review");
    assert_at(r, "records/yp-0001/profile.md", 6, 9);
    assert_eq!(r.severity, "info");
    // A closed record's history is not judged: no status-age, plan-missing or passport rules.
    assert_eq!(d.len(), 1, "{d:#?}");
    repo.write("records/yp-0001/profile.md", profile("former-relevant", "1951-11-25", closed));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn closed_record_without_closure_details_is_missing_a_field() {
    let repo = Repo::new();
    repo.write("records/yp-0001/profile.md", profile("former-relevant", "2000-01-01", "status: closed\n"));
    let d = repo.diags();
    assert!(one(&d, "missing-field").message.contains("closed"), "{d:#?}");
}

// ---------------------------------------------------------------------------
// waymark.yaml overrides
// ---------------------------------------------------------------------------

#[test]
fn severity_override_to_warning_makes_exit_0() {
    let repo = Repo::with_config_extra("rules:\n  severity:\n    nhs-number: warning\n");
    repo.add_clean_person("yp-0005");
    repo.write("records/yp-0005/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    let (json, code) = repo.json();
    assert_eq!(code, 0, "{json:#}");
    let d = diags(&json);
    assert_eq!(one(&d, "nhs-number").severity, "warning");
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 1);
    let (out, code) = repo.human();
    assert_eq!(code, 0);
    assert!(out.contains("warning[nhs-number]"), "{out}");
}

#[test]
fn severity_override_off_removes_the_rule() {
    let repo = Repo::with_config_extra("rules:\n  severity:\n    nhs-number: off\n");
    repo.add_clean_person("yp-0005");
    repo.write("records/yp-0005/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    let (json, code) = repo.json();
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    let (out, _) = repo.human();
    assert!(out.ends_with("no problems found\n"), "{out}");
}

#[test]
fn severity_override_can_raise_a_warning_to_an_error() {
    let repo = Repo::with_config_extra("rules:\n  severity:\n    unknown-field: error\n");
    repo.add_clean_person("yp-0001");
    repo.write("records/yp-0001/profile.md", PROFILE.replace("status: active\n", "status: active\npronoun: they\n"));
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    assert_eq!(one(&diags(&json), "unknown-field").severity, "error");
}

#[test]
fn unknown_rule_name_in_severity_is_a_warning_with_a_suggestion() {
    let repo = Repo::with_config_extra("rules:\n  severity:\n    nhs-numbr: off\n");
    repo.add_clean_person("yp-0001");
    let d = repo.diags();
    let u = one(&d, "unknown-field");
    assert_at(u, "waymark.yaml", 17, 5);
    assert!(u.message.contains("did you mean `nhs-number`"), "{}", u.message);
    assert_eq!(u.person, None);
}

// ---------------------------------------------------------------------------
// Robustness of loading
// ---------------------------------------------------------------------------

#[test]
fn one_bad_record_never_stops_the_others() {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002");
    repo.add_clean_person("yp-0005");
    repo.write("records/yp-0002/profile.md", PROFILE.replace("legal_status: relevant", "legal_status: [relevant"));
    repo.write("records/yp-0005/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    let d = diags(&json);
    assert_eq!(one(&d, "yaml-syntax").file, "records/yp-0002/profile.md");
    assert_eq!(one(&d, "nhs-number").file, "records/yp-0005/health-passport.md");
    assert_eq!(json["summary"]["files"], 19);
}

#[test]
fn bom_and_crlf_are_accepted_with_correct_line_numbers() {
    let repo = Repo::clean();
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    repo.write("records/yp-0001/pathway-plan.md", crlf(PLAN));
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", crlf(NOTE));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());

    repo.write(
        "records/yp-0001/profile.md",
        crlf(&PROFILE.replace("legal_status: relevant", "legal_status: relevent")),
    );
    let d = repo.diags();
    assert_at(one(&d, "invalid-value"), "records/yp-0001/profile.md", 4, 15);
    assert_eq!(d.len(), 1, "{d:#?}");
    let (out, _) = repo.human();
    assert!(out.contains("4 | legal_status: relevent\n"), "{out:?}");
    assert!(!out.contains('\r') && !out.contains('\u{feff}'), "{out:?}");
}

#[test]
fn bom_and_crlf_in_waymark_yaml() {
    let repo = Repo::with_config(&format!("\u{feff}{}", CONFIG.replace('\n', "\r\n")));
    repo.add_clean_person("yp-0001");
    let (json, code) = repo.json();
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn invalid_utf8_is_a_yaml_syntax_error_not_a_crash() {
    let repo = Repo::clean();
    let mut bytes = PROFILE.as_bytes().to_vec();
    // "name: Jordan" -> "name: Jo\xFF\xFEdan"
    bytes.splice(12..14, [0xFF, 0xFE]);
    repo.write("records/yp-0001/profile.md", bytes);
    let (json, code) = repo.json();
    assert_eq!(code, 1);
    let d = diags(&json);
    let s = one(&d, "yaml-syntax");
    assert_at(s, "records/yp-0001/profile.md", 2, 9);
    assert!(s.message.contains("UTF-8"), "{}", s.message);
    let (out, code) = repo.human();
    assert_eq!(code, 1);
    assert!(out.contains("error[yaml-syntax]"), "{out}");
}

#[test]
fn front_matter_over_256_kib_is_refused() {
    let repo = Repo::clean();
    let filler = "# a long comment line that pads the front matter out well past the limit\n".repeat(4000);
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replacen("---\n", &format!("---\n{filler}"), 1));
    let d = repo.diags();
    let s = one(&d, "yaml-syntax");
    assert_at(s, "records/yp-0001/notes/2026-11-20-visit.md", 1, 1);
    assert!(s.message.contains("256 KiB"), "{}", s.message);
}

#[test]
fn front_matter_just_under_the_limit_is_read() {
    let repo = Repo::clean();
    let filler = "# padding\n".repeat(20_000); // 200,000 bytes
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", NOTE.replacen("---\n", &format!("---\n{filler}"), 1));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

#[test]
fn a_long_body_is_not_front_matter() {
    let repo = Repo::clean();
    let body = "A long account of the visit.\n".repeat(20_000);
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", format!("{NOTE}{body}"));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
}

// ---------------------------------------------------------------------------
// Could not run: exit 2
// ---------------------------------------------------------------------------

#[test]
fn no_waymark_yaml_exits_2_with_help() {
    let empty = Repo::empty();
    waymark()
        .current_dir(empty.root())
        .args(["--today", TODAY, "check"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no waymark.yaml found").and(predicate::str::contains("--root")));
}

#[test]
fn root_naming_a_missing_folder_exits_2() {
    let empty = Repo::empty();
    let missing = empty.path("no-such-folder");
    waymark()
        .arg("--root")
        .arg(&missing)
        .args(["--today", TODAY, "check"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no-such-folder").and(predicate::str::contains("no such folder")));
}

#[test]
fn root_without_waymark_yaml_exits_2() {
    let empty = Repo::empty();
    empty.mkdir("records/yp-0001");
    waymark()
        .arg("--root")
        .arg(empty.root())
        .args(["--today", TODAY, "check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("waymark.yaml"));
}

#[test]
fn impossible_today_exits_2() {
    let repo = Repo::clean();
    repo.cmd_on("2026-02-30")
        .arg("check")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--today").and(predicate::str::contains("YYYY-MM-DD")));
    repo.cmd_on("24/11/2026").arg("check").assert().code(2).stderr(predicate::str::contains("--today"));
}

// ---------------------------------------------------------------------------
// Finding the repository, colour, order, the project's own sample
// ---------------------------------------------------------------------------

#[test]
fn waymark_yaml_is_found_upward_from_a_subfolder() {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0005");
    repo.write("records/yp-0005/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    let out = waymark()
        .current_dir(repo.path("records/yp-0001/notes"))
        .args(["--today", TODAY, "check", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["summary"]["files"], 13);
    // Paths stay relative to the root, not to the working folder.
    assert_eq!(one(&diags(&json), "nhs-number").file, "records/yp-0005/health-passport.md");
}

#[test]
fn no_colour_when_not_a_terminal_or_with_no_color() {
    let repo = repo_with_bad_nhs_number();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("status: active\n", "status: active\npronoun: they\n"));
    for no_color in [None, Some("1"), Some("")] {
        let mut cmd = repo.cmd();
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.arg("check").output().expect("runs");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(text.contains("error[nhs-number]") && text.contains("warning[unknown-field]"), "{text}");
        assert!(!text.contains("\x1b["), "escape codes with NO_COLOR={no_color:?}: {text:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("\x1b["));
    }
}

#[test]
fn the_projects_own_sample_repository_has_warnings_but_no_errors() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = waymark().args(["--root", root, "--today", TODAY, "check", "--format", "json"]).output().expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let errors: Vec<Diag> = diags(&json).into_iter().filter(|d| d.severity == "error").collect();
    assert!(errors.is_empty(), "the sample repository has errors:\n{errors:#?}");
    assert_eq!(out.status.code(), Some(0));
    assert!(json["summary"]["warnings"].as_u64().unwrap_or(0) >= 1, "{:#}", json["summary"]);
    assert!(json["summary"]["files"].as_u64().unwrap_or(0) > 10);
}

#[test]
fn output_is_sorted_by_file_then_line() {
    let repo = Repo::clean();
    repo.add_clean_person("yp-0002");
    repo.add_clean_person("yp-0010");
    // Problems written in no particular order, several per file.
    repo.write(
        "records/yp-0010/profile.md",
        PROFILE
            .replace("legal_status: relevant", "legal_status: relevent")
            .replace("key_worker: amira-hassan", "key_worker: amira-hasan")
            .replace("status: active\n", "status: active\npronoun: they\n"),
    );
    repo.write("records/yp-0002/health-passport.md", PASSPORT.replace("999 765 4323", "999 123 4560"));
    repo.write("records/yp-0002/notes/2026-11-20-visit.md", NOTE.replace("date: 2026-11-20", "date: 2026-11-19"));
    repo.write(
        "records/yp-0001/pathway-plan.md",
        TWO_GOALS.replace("id: flat", "id: college").replace("2027-03-01", "2026-01-01"),
    );
    repo.write("waymark.yaml", format!("{CONFIG}rules:\n  severity:\n    no-such-rule: off\n"));
    let d = repo.diags();
    assert!(d.len() >= 8, "{d:#?}");
    let keys: Vec<(String, u64, u64)> = d.iter().map(|d| (d.file.clone(), d.line, d.column)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    // The human output lists them in the same order.
    let (out, _) = repo.human();
    let places: Vec<String> =
        out.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(str::to_string).collect();
    let expected: Vec<String> = keys.iter().map(|(f, l, c)| format!("{f}:{l}:{c}")).collect();
    assert_eq!(places, expected);
}

#[test]
fn a_person_folder_without_a_profile_is_reported() {
    let repo = Repo::clean();
    repo.write("records/yp-0003/notes/2026-11-20-visit.md", NOTE);
    let d = repo.diags();
    let b = one(&d, "bad-path");
    assert_at(b, "records/yp-0003", 1, 1);
    assert!(b.message.contains("profile.md"), "{}", b.message);
}

#[test]
fn other_threshold_overrides() {
    let repo = Repo::with_config_extra(
        "rules:\n  passport_warning_days: 30\n  leave_warning_days: 10\n  health_assessment_months: 3\n",
    );
    // 18 on 2027-03-24 is 120 days away: outside a 30-day warning.
    repo.write(
        "records/yp-0001/profile.md",
        profile("looked-after", "2009-03-24", "immigration:\n  status: limited-leave\n  leave_expires: 2026-12-10\n"),
    );
    repo.write("records/yp-0001/health-passport.md", PASSPORT);
    let d = repo.diags();
    assert_silent(&d, "passport-due");
    // Leave expires in 16 days: outside a 10-day warning.
    assert_silent(&d, "leave-expiring");
    // Assessment 2026-06-01 plus three months is 2026-09-01, long past.
    assert_at(one(&d, "health-assessment-overdue"), "records/yp-0001/health-passport.md", 3, 25);
    assert_at(one(&repo.diags_on("2026-11-30"), "leave-expiring"), "records/yp-0001/profile.md", 8, 18);
    assert_at(one(&repo.diags_on("2027-02-22"), "passport-due"), "records/yp-0001/health-passport.md", 1, 1);
}

// ---------------------------------------------------------------------------
// Bugs found while writing these tests (ignored so the suite stays green)
// ---------------------------------------------------------------------------

#[test]
fn link_to_an_existing_but_undecodable_record_is_not_a_broken_link() {
    let repo = Repo::clean();
    let mut plan = PLAN.as_bytes().to_vec();
    plan.splice(4..4, [0xFF]);
    repo.write("records/yp-0001/pathway-plan.md", plan);
    let d = repo.diags();
    assert_eq!(one(&d, "yaml-syntax").file, "records/yp-0001/pathway-plan.md");
    // The profile and the note both link to ../pathway-plan.md, which is there.
    assert_silent(&d, "broken-link");
}

#[test]
fn duplicate_key_is_reported_at_the_duplicate() {
    let repo = Repo::clean();
    repo.write("records/yp-0001/profile.md", PROFILE.replace("status: active\n", "status: active\nname: Jo\n"));
    let d = repo.diags();
    let s = one(&d, "yaml-syntax");
    assert!(s.message.contains("duplicate"), "{}", s.message);
    assert_at(s, "records/yp-0001/profile.md", 8, 1);
}

#[test]
fn stray_file_in_records_belongs_to_no_person() {
    let repo = Repo::clean();
    repo.write("records/README.md", "Read me.\n");
    let d = repo.diags();
    let b = one(&d, "bad-path");
    assert_at(b, "records/README.md", 1, 1);
    assert_eq!(b.person, None);
}
