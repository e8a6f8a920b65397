//! Format 1.2 end to end on temporary repositories with the real binary: plan sign-off,
//! management decisions, supervision under staff/, visits, in touch, Staying Put and the offer
//! of support to 25. Every person, member of staff and number here is fictional.

mod common;
mod site;

use common::{assert_silent, one, profile, with_rule, Repo, PLAN, TODAY};

/// A supervision record of `staff` on `date`, by `by`, with extra front matter.
fn supervision(date: &str, by: &str, extra: &str) -> String {
    format!("---\ndate: {date}\nby: {by}\n{extra}---\nWhat was discussed; how the worker is.\n")
}

#[test]
fn plan_sign_off_the_day_before_and_after_approval_days() {
    // Reviewed on 2026-11-01; 14 days later is 2026-11-15.
    let repo = Repo::clean();
    let plan = PLAN
        .replace("date: 2026-08-01", "date: 2026-11-01")
        .replace("approved: { by: helen-marsh, date: 2026-08-05 }\n", "");
    repo.write("records/yp-0001/pathway-plan.md", &plan);
    assert_silent(&repo.diags_on("2026-11-15"), "plan-not-approved");
    let late = one(&repo.diags_on("2026-11-16"), "plan-not-approved").clone();
    assert_eq!((late.file.as_str(), late.line), ("records/yp-0001/pathway-plan.md", 4));
    assert!(late.message.contains("never been signed off"), "{}", late.message);
    // Signed off by a key worker: not a manager.
    let by_key_worker =
        plan.replace("---\nThe plan", "approved: { by: amira-hassan, date: 2026-11-03 }\n---\nThe plan");
    repo.write("records/yp-0001/pathway-plan.md", by_key_worker);
    let d = repo.diags_on("2026-11-16");
    assert!(one(&d, "invalid-value").message.contains("must be a manager"));
    assert_silent(&d, "plan-not-approved");
}

#[test]
fn management_decisions_by_managers_only_and_listed_on_the_page() {
    let repo = Repo::clean();
    let decision = |author: &str| {
        format!(
            "---\ndate: 2026-11-12\nauthor: {author}\nkind: management-decision\n---\nAgreed to fund the bus pass.\n"
        )
    };
    repo.write("records/yp-0001/notes/2026-11-12-bus-pass.md", decision("sam-okafor"));
    let bad = one(&repo.diags(), "invalid-value").clone();
    assert_eq!((bad.file.as_str(), bad.line), ("records/yp-0001/notes/2026-11-12-bus-pass.md", 3));
    repo.write("records/yp-0001/notes/2026-11-12-bus-pass.md", decision("helen-marsh"));
    assert!(repo.diags().is_empty(), "{:#?}", repo.diags());
    repo.cmd().arg("build").assert().success();
    let page = site::read(&repo.path("public/people/yp-0001/index.html"));
    let decisions = page.split("<section class=\"decisions\"").nth(1).expect("a decisions section");
    let decisions = decisions.split("</section>").next().unwrap_or_default();
    assert!(decisions.contains("Agreed to fund the bus pass."), "{decisions}");
    assert!(decisions.contains("Helen Marsh"), "{decisions}");
}

#[test]
fn supervision_rules_and_it_never_reaches_a_young_persons_page_or_search() {
    let repo = Repo::clean();
    repo.write(
        "staff/sam-okafor/supervision/2026-11-03.md",
        supervision(
            "2026-11-03",
            "helen-marsh",
            "cases: [yp-0001, yp-0404]\nactions:\n  - { id: referral, about: yp-0001, what: \"Make the referral\", by_when: 2026-11-20 }\n",
        ),
    );
    repo.write("staff/amira-hassan/supervision/2026-10-01.md", supervision("2026-10-01", "helen-marsh", ""));
    let d = repo.diags();
    // amira-hassan: 6 weeks after 1 Oct is 12 Nov, so overdue on TODAY; sam-okafor is not.
    let overdue = one(&d, "supervision-overdue");
    assert_eq!(overdue.file, "staff/amira-hassan/supervision/2026-10-01.md");
    assert_eq!(overdue.person, None);
    assert_eq!(one(&d, "supervision-action-overdue").line, 6);
    assert_eq!(one(&d, "broken-link").file, "staff/sam-okafor/supervision/2026-11-03.md");
    assert_silent(&repo.diags_on("2026-11-12"), "supervision-overdue");
    assert_silent(&repo.diags_on("2026-11-20"), "supervision-action-overdue");

    repo.cmd().arg("build").assert().success();
    let out = repo.path("public");
    for page in ["people/yp-0001/index.html", "index.html"] {
        assert!(!site::read(&out.join(page)).contains("What was discussed"), "{page} shows supervision");
    }
    let search = std::fs::read_dir(out.join("search")).expect("search index").count();
    assert!(search > 0);
    let report = site::read(&out.join("report.html"));
    assert!(
        report.contains("staff&#x2F;amira-hassan&#x2F;supervision&#x2F;2026-10-01.md"),
        "the validation report lists staff/ files"
    );
}

#[test]
fn supervision_layout_unknown_staff_and_a_wrong_file_name() {
    let repo = Repo::clean();
    repo.write("staff/nobody-here/supervision/2026-11-03.md", supervision("2026-11-03", "helen-marsh", ""));
    repo.write("staff/sam-okafor/supervision/3-nov.md", supervision("2026-11-03", "helen-marsh", ""));
    repo.write("staff/sam-okafor/supervision/2026-11-04.md", supervision("2026-11-05", "sam-okafor", ""));
    let d = repo.diags();
    assert_eq!(one(&d, "unknown-staff").file, "staff/nobody-here/supervision/2026-11-03.md");
    assert_eq!(one(&d, "bad-path").file, "staff/sam-okafor/supervision/3-nov.md");
    assert_eq!(one(&d, "note-date-mismatch").file, "staff/sam-okafor/supervision/2026-11-04.md");
    assert!(one(&d, "invalid-value").message.contains("must be a manager"));
}

#[test]
fn visits_in_touch_staying_put_and_the_offer_at_twenty_one() {
    let repo = Repo::clean();
    let visit = "---\ndate: 2026-10-27\nauthor: sam-okafor\nkind: visit\nwith: [young-person]\nseen_alone: true\n---\nSaw them at home.\n";
    repo.write("records/yp-0001/notes/2026-10-27-visit.md", visit);
    let p = common::PROFILE.replace("contact_every_days: 14\n", "contact_every_days: 14\nvisit_every_days: 4\n");
    repo.write("records/yp-0001/profile.md", &p);
    // The clean person's last face-to-face visit is 20 Nov (the 27 Oct one is older); + 4 days = 24 Nov (TODAY).
    assert_silent(&repo.diags(), "visit-overdue");
    assert_eq!(with_rule(&repo.diags_on("2026-11-25"), "visit-overdue").len(), 1);

    let stale = Repo::new();
    stale.write("records/yp-0002/profile.md", profile("relevant", "2009-01-08", "in_touch: \"yes\"\n"));
    stale.write("records/yp-0002/pathway-plan.md", PLAN);
    stale.write(
        "records/yp-0002/notes/2026-08-25-call.md",
        "---\ndate: 2026-08-25\nauthor: sam-okafor\nkind: phone\n---\nCall.\n",
    );
    // 13 weeks after 25 Aug is 24 Nov.
    assert_silent(&stale.diags_on(TODAY), "in-touch-stale");
    assert_eq!(with_rule(&stale.diags_on("2026-11-25"), "in-touch-stale").len(), 1);

    let sp = Repo::new();
    let extra = "accommodation: { type: independent }\nstaying_put: { carer: Pat Example, since: 2026-03-01 }\n";
    sp.write("records/yp-0003/profile.md", profile("relevant", "2009-01-08", extra));
    sp.write("records/yp-0003/pathway-plan.md", PLAN);
    assert_eq!(one(&sp.diags(), "staying-put-mismatch").file, "records/yp-0003/profile.md");

    // Former relevant, 21 on 2027-02-22: the offer is due from 90 days before, 2026-11-24.
    let offer = Repo::new();
    offer.write("records/yp-0004/profile.md", profile("former-relevant", "2006-02-22", ""));
    offer.write("records/yp-0004/pathway-plan.md", PLAN);
    assert_silent(&offer.diags_on("2026-11-23"), "extended-support-offer-missing");
    assert_eq!(with_rule(&offer.diags_on(TODAY), "extended-support-offer-missing").len(), 1);
    let made =
        profile("former-relevant", "2006-02-22", "extended_support_offer: { date: 2026-11-01, response: accepted }\n");
    offer.write("records/yp-0004/profile.md", made);
    assert_silent(&offer.diags_on(TODAY), "extended-support-offer-missing");
}

#[test]
fn new_settings_are_validated() {
    let repo = Repo::with_config_extra(
        "rules:\n  approval_days: 7\n  supervision_weeks: soon\nsearch:\n  include_supervision: perhaps\nboard:\n  suppress_below: 0\n  benchmarks:\n    - { measure: neet, value: 0.38, area: England, year: 2025 }\n",
    );
    let d = repo.diags();
    let bad: Vec<_> = with_rule(&d, "invalid-value").iter().map(|d| d.line).collect();
    assert_eq!(bad.len(), 3, "{d:#?}");
    assert!(with_rule(&d, "missing-field").iter().any(|m| m.message.contains("source")), "{d:#?}");
}
