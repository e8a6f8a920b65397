//! Management oversight (FORMAT.md 1.2): plan sign-off and management decisions, both by managers.

use super::{Checker, Deadline};
use crate::config::Config;
use crate::diag::Rule;
use crate::model::date::{add_days, display_date};
use crate::model::vocab::Role;
use crate::model::{Source, Spanned};

pub(super) fn check(c: &mut Checker<'_>) {
    for note in &c.person.notes {
        if note.is_decision() {
            manager(c, &note.source, &note.author, "a management decision's author");
        }
    }
    let Some(plan) = c.person.plan.as_ref() else { return };
    if let Some(by) = plan.approved.as_ref().and_then(|a| a.by.as_ref()) {
        manager(c, &plan.source, by, "the plan's sign-off (`approved.by`)");
    }
    if let Some(date) = plan.approved.as_ref().and_then(|a| a.date.as_ref()) {
        c.not_future(&plan.source, date, "the plan's sign-off");
    }
    if !c.person.profile.as_ref().is_some_and(|p| p.is_active()) {
        return;
    }
    let Some(review) = plan.last_review().and_then(|r| r.date.clone()) else { return };
    let approved = plan.approved.as_ref().and_then(|a| a.date.as_ref()).map(|d| d.value);
    if approved.is_some_and(|a| a >= review.value) {
        return;
    }
    let days = c.repo.config.rules.approval_days;
    let by = add_days(review.value, days as i64);
    c.due(by, Deadline::PlanApproval, Rule::PlanNotApproved);
    if by < c.today {
        let since = match approved {
            Some(a) => format!("it was last signed off on {}, before that review", display_date(a)),
            None => "it has never been signed off".to_string(),
        };
        let pos = plan.approved.as_ref().map(|a| a.pos).unwrap_or(review.pos);
        c.report(
            Rule::PlanNotApproved,
            &plan.source,
            pos,
            format!(
                "the plan was reviewed on {} and a manager was to sign it off within {}; {since}",
                display_date(review.value),
                crate::words::count(days, "day")
            ),
            "ask a manager to read the plan and add `approved: { by: <their staff id>, date: YYYY-MM-DD }`",
        );
    }
}

/// Reports `unknown-staff` for an id not in `waymark.yaml`, and `invalid-value` for staff whose role is not manager.
fn manager(c: &mut Checker<'_>, source: &Source, id: &Spanned<String>, what: &str) {
    if c.repo.config.staff(&id.value).is_none() {
        c.staff_id(source, id, what);
    } else if let Some((message, help)) = not_a_manager(&c.repo.config, id, what) {
        c.report(Rule::InvalidValue, source, id.pos, message, help);
    }
}

/// What is wrong when a listed member of staff who must be a manager is not one: the one place
/// that decides who may sign off plans, write decisions and supervise.
pub(super) fn not_a_manager(config: &Config, id: &Spanned<String>, what: &str) -> Option<(String, &'static str)> {
    let staff = config.staff(&id.value)?;
    if staff.role == Some(Role::Manager) {
        return None;
    }
    let role = staff.role.map(|r| r.as_str()).unwrap_or("not given");
    Some((
        format!("{what} must be a manager, and `{}`'s role in waymark.yaml is {role}", id.value),
        "name a member of staff whose role is `manager`, or correct their `role:` in waymark.yaml",
    ))
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fired, profile};
    use crate::diag::Rule;

    fn plan(review: &str, approved: &str) -> String {
        format!("---\nstarted: 2026-01-05\nreviews:\n  - {{ date: {review}, by: sam-okafor }}\n{approved}---\n")
    }

    fn rules(plan_text: &str, extra: &[(&str, &str)], today: &str) -> Vec<Rule> {
        let p = profile("relevant", "2008-03-01", "");
        let mut files = vec![("profile.md", p.as_str()), ("pathway-plan.md", plan_text)];
        files.extend_from_slice(extra);
        fired(&files, today).into_iter().map(|d| d.rule).collect()
    }

    #[test]
    fn plan_not_approved_from_the_day_after_approval_days() {
        let p = plan("2026-11-01", "");
        assert!(!rules(&p, &[], "2026-11-15").contains(&Rule::PlanNotApproved));
        assert!(rules(&p, &[], "2026-11-16").contains(&Rule::PlanNotApproved));
    }

    #[test]
    fn sign_off_before_the_review_does_not_count_and_on_the_day_does() {
        let before = plan("2026-11-01", "approved: { by: amira-hassan, date: 2026-10-31 }\n");
        assert!(rules(&before, &[], "2026-11-16").contains(&Rule::PlanNotApproved));
        let same = plan("2026-11-01", "approved: { by: amira-hassan, date: 2026-11-01 }\n");
        let r = rules(&same, &[], "2026-11-16");
        assert!(!r.contains(&Rule::PlanNotApproved), "{r:?}");
        assert!(!r.contains(&Rule::InvalidValue), "{r:?}");
    }

    #[test]
    fn approved_by_must_be_a_manager() {
        let pa = plan("2026-11-01", "approved: { by: sam-okafor, date: 2026-11-02 }\n");
        assert!(rules(&pa, &[], "2026-11-16").contains(&Rule::InvalidValue));
        let unknown = plan("2026-11-01", "approved: { by: nobody-here, date: 2026-11-02 }\n");
        assert!(rules(&unknown, &[], "2026-11-16").contains(&Rule::UnknownStaff));
    }

    #[test]
    fn management_decisions_by_managers_only() {
        let p = plan("2026-11-01", "approved: { by: amira-hassan, date: 2026-11-02 }\n");
        let note = |author: &str| {
            format!("---\ndate: 2026-11-10\nauthor: {author}\nkind: management-decision\n---\nAgreed funding.\n")
        };
        let by_manager = note("amira-hassan");
        let r = rules(&p, &[("notes/2026-11-10-funding.md", &by_manager)], "2026-11-16");
        assert!(!r.contains(&Rule::InvalidValue), "{r:?}");
        let by_pa = note("sam-okafor");
        let r = rules(&p, &[("notes/2026-11-10-funding.md", &by_pa)], "2026-11-16");
        assert!(r.contains(&Rule::InvalidValue), "{r:?}");
    }
}
