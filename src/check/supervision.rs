//! Supervision of staff (FORMAT.md 1.2): who is due supervision, overdue actions, and the ids named.
//!
//! These rules are about members of staff, not young people, so they run once over the
//! repository and their diagnostics carry no person.

use crate::diag::{Diagnostic, Rule};
use crate::load::yaml::Pos;
use crate::model::date::{add_days, display_date, Date};
use crate::model::vocab::Role;
use crate::model::{Repository, Supervision, SupervisionAction};

/// Every supervision rule over the repository as of `today`.
pub(super) fn check(repo: &Repository, today: Date, out: &mut Vec<Diagnostic>) {
    for s in &repo.supervision {
        record(repo, today, s, out);
    }
    overdue(repo, today, out);
}

/// The rules inside one supervision record: ids known, manager, dates, actions.
fn record(repo: &Repository, today: Date, s: &Supervision, out: &mut Vec<Diagnostic>) {
    let file = &s.source.path;
    let mut push = |rule: Rule, pos: Pos, message: String, help: &str| {
        out.push(Diagnostic::new(rule, file, pos, message).help(help));
    };
    if repo.config.staff(&s.staff).is_none() {
        push(
            Rule::UnknownStaff,
            Pos::new(1, 1),
            format!("this supervision is filed under `staff/{}`, which is not a staff id in waymark.yaml", s.staff),
            "move the file to the folder of a staff id listed in waymark.yaml, or add the member of staff there",
        );
    }
    if let Some(by) = &s.by {
        if repo.config.staff(&by.value).is_none() {
            push(
                Rule::UnknownStaff,
                by.pos,
                format!("supervisor `{}` is not a staff id in waymark.yaml", by.value),
                "use the staff id of the manager who gave the supervision",
            );
        } else if let Some((message, help)) = super::oversight::not_a_manager(&repo.config, by, "the supervisor") {
            push(Rule::InvalidValue, by.pos, message, help);
        }
    }
    if s.date.value > today {
        push(
            Rule::FutureDate,
            s.date.pos,
            format!("this supervision is dated {}, which is after today ({today})", s.date.value),
            "record supervision once it has happened; check the year and month",
        );
    }
    let about = s.actions.iter().filter_map(|a| a.about.as_ref());
    for id in s.cases.iter().chain(about) {
        if repo.person(&id.value).is_none() {
            push(
                Rule::BrokenLink,
                id.pos,
                format!("`{}` is not the id of a young person in records/", id.value),
                "use the id of the young person's folder, such as yp-0007",
            );
        }
    }
    for action in &s.actions {
        let Some(by_when) = &action.by_when else { continue };
        if action_overdue(action, today) {
            let what = action.id.as_ref().map(|i| format!("action `{}`", i.value)).unwrap_or("an action".into());
            push(
                Rule::SupervisionActionOverdue,
                by_when.pos,
                format!(
                    "{what} agreed in supervision was due by {} and is not marked done",
                    display_date(by_when.value)
                ),
                "add `done: YYYY-MM-DD` when it is done, or agree a new `by_when` at the next supervision",
            );
        }
    }
}

/// Whether `supervision-action-overdue` holds for an action: past its `by_when` and not done.
pub fn action_overdue(action: &SupervisionAction, today: Date) -> bool {
    action.done.is_none() && action.by_when.as_ref().is_some_and(|d| d.value < today)
}

/// When each member of staff is next due supervision: the last one plus `supervision_weeks`.
/// Personal advisers and key workers only; `None` when they have never had any.
pub fn next_supervision(repo: &Repository, staff: &str) -> Option<Date> {
    let last = repo.supervision.iter().filter(|s| s.staff == staff).map(|s| s.date.value).max()?;
    Some(add_days(last, 7 * repo.config.rules.supervision_weeks as i64))
}

/// Whether `supervision-overdue` holds for a member of staff: a personal adviser or key worker,
/// in a repository that records supervision, with none within `supervision_weeks`.
pub fn is_overdue(repo: &Repository, staff: &str, today: Date) -> bool {
    let supervised =
        repo.config.staff(staff).is_some_and(|s| matches!(s.role, Some(Role::PersonalAdviser | Role::KeyWorker)));
    supervised && !repo.supervision.is_empty() && next_supervision(repo, staff).is_none_or(|d| d < today)
}

/// `supervision-overdue`: a personal adviser or key worker with no supervision within `supervision_weeks`.
/// Only once the team records supervision at all: a version 1 repository without `staff/` would
/// otherwise get a warning for every adviser on the day it upgrades.
fn overdue(repo: &Repository, today: Date, out: &mut Vec<Diagnostic>) {
    let weeks = repo.config.rules.supervision_weeks;
    for staff in &repo.config.staff {
        if !is_overdue(repo, &staff.id, today) {
            continue;
        }
        let last = repo.supervision.iter().filter(|s| s.staff == staff.id).max_by_key(|s| s.date.value);
        let (file, pos, message) = match last {
            Some(s) => (
                s.source.path.clone(),
                s.date.pos,
                format!(
                    "{}'s last supervision was on {}; supervision is due every {}",
                    staff.name,
                    display_date(s.date.value),
                    crate::words::count(weeks, "week")
                ),
            ),
            None => (
                crate::config::CONFIG_FILE.to_string(),
                Pos::new(1, 1),
                format!(
                    "{} (`{}`) has no supervision recorded; it is due every {}",
                    staff.name,
                    staff.id,
                    crate::words::count(weeks, "week")
                ),
            ),
        };
        out.push(
            Diagnostic::new(Rule::SupervisionOverdue, &file, pos, message)
                .help(format!("hold supervision and record it in staff/{}/supervision/YYYY-MM-DD.md", staff.id)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::fields::Ctx;
    use crate::load::records::{self, Kind, Record};
    use crate::load::{split_front_matter, yaml};
    use crate::model::{Person, Source};
    use std::sync::Arc;

    const CONFIG: &str = "organisation: Test\nstaff:\n  - { id: sam-okafor, name: Sam Okafor, role: personal-adviser }\n  - { id: amira-hassan, name: Amira Hassan, role: manager }\n";

    /// A repository with one young person (yp-0001) and these supervision records of sam-okafor.
    fn repo(records: &[(&str, &str)]) -> Repository {
        let (config, _) = crate::config::Config::parse(CONFIG);
        let mut repo = Repository { config, ..Repository::default() };
        repo.people.push(Person { id: "yp-0001".into(), ..Person::default() });
        for (date, text) in records {
            let path = format!("staff/sam-okafor/supervision/{date}.md");
            let split = split_front_matter(text).expect("test record has front matter");
            let source = Arc::new(Source::new(path.clone(), text.to_string(), 0, 1, None));
            let node = yaml::parse(&text[split.yaml], 2).expect("test YAML parses");
            let ctx = Ctx::new(&path, Pos::new(1, 1));
            if let Some(Record::Supervision(s)) = records::read(Kind::Supervision, source, &node, &ctx) {
                repo.supervision.push(s);
            }
        }
        repo
    }

    fn rules(records: &[(&str, &str)], today: &str) -> Vec<Rule> {
        let today = crate::model::date::parse_date(today).expect("valid test date");
        let mut out = Vec::new();
        check(&repo(records), today, &mut out);
        out.into_iter().map(|d| d.rule).collect()
    }

    const PLAIN: &str = "---\ndate: 2026-10-01\nby: amira-hassan\ncases: [yp-0001]\n---\nTalked.\n";

    #[test]
    fn supervision_overdue_the_day_after_the_weeks_run_out() {
        // 6 weeks after 1 Oct is 12 Nov.
        assert!(!rules(&[("2026-10-01", PLAIN)], "2026-11-12").contains(&Rule::SupervisionOverdue));
        assert!(rules(&[("2026-10-01", PLAIN)], "2026-11-13").contains(&Rule::SupervisionOverdue));
        assert!(rules(&[], "2026-11-13").is_empty(), "no supervision recorded at all: not in use yet");
    }

    #[test]
    fn an_action_is_overdue_the_day_after_by_when_unless_done() {
        let open = "---\ndate: 2026-10-01\nby: amira-hassan\nactions:\n  - { id: referral, about: yp-0001, what: \"Refer\", by_when: 2026-10-10 }\n---\n";
        assert!(!rules(&[("2026-10-01", open)], "2026-10-10").contains(&Rule::SupervisionActionOverdue));
        assert!(rules(&[("2026-10-01", open)], "2026-10-11").contains(&Rule::SupervisionActionOverdue));
        let done = open.replace("by_when: 2026-10-10", "by_when: 2026-10-10, done: 2026-10-09");
        assert!(!rules(&[("2026-10-01", &done)], "2026-10-11").contains(&Rule::SupervisionActionOverdue));
    }

    #[test]
    fn unknown_people_and_staff_and_a_supervisor_who_is_not_a_manager() {
        let bad = "---\ndate: 2026-10-01\nby: sam-okafor\ncases: [yp-0001, yp-9999]\n---\n";
        let r = rules(&[("2026-10-01", bad)], "2026-10-02");
        assert_eq!(r, [Rule::InvalidValue, Rule::BrokenLink], "{r:?}");
        let nobody = "---\ndate: 2026-10-01\nby: nobody-here\n---\n";
        assert_eq!(rules(&[("2026-10-01", nobody)], "2026-10-02"), [Rule::UnknownStaff]);
    }
}
