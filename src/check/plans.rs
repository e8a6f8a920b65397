//! Rules about the pathway plan: reviews on time, goals, staff named in it.

use super::{Checker, Deadline};
use crate::diag::Rule;
use crate::model::date::{add_months, display_date};
use crate::model::vocab::GoalStatus;
use crate::model::ByWhom;
use crate::words::count;
use std::collections::HashMap;

pub(super) fn check(c: &mut Checker<'_>) {
    let Some(plan) = c.person.plan.as_ref() else { return };
    let src = plan.source.clone();
    for review in &plan.reviews {
        if let Some(by) = &review.by {
            c.staff_id(&src, by, "review led by");
        }
        if let Some(date) = &review.date {
            c.not_future(&src, date, "a plan review");
        }
    }
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for goal in &plan.goals {
        if let Some(id) = &goal.id {
            if let Some(first) = seen.get(id.value.as_str()) {
                let message = format!("goal id `{}` is used twice in this plan (first on line {first})", id.value);
                c.report(
                    Rule::DuplicateGoalId,
                    &src,
                    id.pos,
                    message,
                    "give each goal its own id, such as `college-2`",
                );
            } else {
                seen.insert(&id.value, id.pos.line);
            }
        }
        if let Some(who) = &goal.by_whom {
            if let ByWhom::Staff(id) = &who.value {
                c.staff_id(&src, &crate::model::Spanned::new(id.clone(), who.pos), "goal assigned to");
            }
        }
    }

    let active = c.person.profile.as_ref().is_some_and(|p| p.is_active());
    if !active {
        return;
    }
    let months = c.repo.config.rules.plan_review_months;
    let baseline = plan.last_review().and_then(|r| r.date.clone()).or_else(|| plan.started.clone());
    if let Some(last) = &baseline {
        let due = add_months(last.value, months);
        let next = plan.next_review.as_ref().map(|n| n.value).filter(|n| *n < due).unwrap_or(due);
        c.due(next, Deadline::PlanReview, Rule::PlanReviewOverdue);
        if due < c.today {
            let message = format!(
                "the plan was last reviewed on {}; a review was due by {} ({} later)",
                display_date(last.value),
                display_date(due),
                count(months, "month")
            );
            c.report(
                Rule::PlanReviewOverdue,
                &src,
                last.pos,
                message,
                "hold the review, then add it under `reviews:` and set `next_review:`",
            );
        } else if let Some(next) = &plan.next_review {
            if next.value > due {
                let message = format!(
                    "next_review {} is more than {} after the last review on {}",
                    display_date(next.value),
                    count(months, "month"),
                    display_date(last.value)
                );
                c.report(
                    Rule::PlanReviewOverdue,
                    &src,
                    next.pos,
                    message,
                    &format!(
                        "plans must be reviewed at least every {}: set next_review to {due} or earlier",
                        count(months, "month")
                    ),
                );
            }
        }
    } else {
        let message = "the plan records no review and no start date, so nobody can tell when it is due".to_string();
        c.report(
            Rule::PlanReviewOverdue,
            &src,
            crate::load::yaml::Pos::new(1, 1),
            message,
            "add `started:` and the reviews held under `reviews:`",
        );
    }
    if let Some(next) = &plan.next_review {
        if next.value < c.today && baseline.as_ref().is_some_and(|b| add_months(b.value, months) >= c.today) {
            let message = format!("the next review was due on {} and has not been recorded", display_date(next.value));
            c.report(
                Rule::PlanReviewOverdue,
                &src,
                next.pos,
                message,
                "hold the review, then add it under `reviews:` and set a new `next_review:`",
            );
        }
    }
    for goal in &plan.goals {
        let open = !goal.status.as_ref().is_some_and(|s| matches!(s.value, GoalStatus::Achieved | GoalStatus::Dropped));
        if let (true, Some(when)) = (open, &goal.by_when) {
            let what = goal.need.as_ref().or(goal.id.as_ref()).map(|t| t.value.clone()).unwrap_or_default();
            c.due(when.value, Deadline::Goal(what), Rule::GoalOverdue);
            if when.value < c.today {
                let id = goal.id.as_ref().map(|i| i.value.as_str()).unwrap_or("(no id)");
                let message = format!(
                    "goal `{id}` was to be done by {} and is not marked achieved or dropped",
                    display_date(when.value)
                );
                c.report(
                    Rule::GoalOverdue,
                    &src,
                    when.pos,
                    message,
                    "update the goal's `status`, or agree a new `by_when` at the next review",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fired, fires, profile};
    use crate::diag::Rule;

    fn plan_files(plan: &str) -> Vec<(&'static str, String)> {
        vec![("profile.md", profile("relevant", "2009-05-01", "")), ("pathway-plan.md", plan.to_string())]
    }

    fn fires_on(plan: &str, today: &str, rule: Rule) -> bool {
        let f = plan_files(plan);
        let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
        fires(&refs, today, rule)
    }

    const PLAN: &str = "---\nstarted: 2025-11-24\nreviews:\n  - date: 2026-05-24\n    by: sam-okafor\nnext_review: 2026-11-24\ngoals:\n  - id: college\n    heading: education-and-training\n    by_whom: sam-okafor\n    by_when: 2026-11-24\n    status: in-progress\n  - id: flat\n    heading: accommodation\n    by_whom: \"Housing officer\"\n    status: achieved\n    done: 2026-06-01\n---\nPlan.\n";

    #[test]
    fn review_exactly_six_months_ago_is_not_overdue() {
        assert!(!fires_on(PLAN, "2026-11-24", Rule::PlanReviewOverdue));
        assert!(fires_on(PLAN, "2026-11-25", Rule::PlanReviewOverdue));
    }

    #[test]
    fn passed_next_review_is_overdue() {
        let plan = PLAN.replace("next_review: 2026-11-24", "next_review: 2026-10-01");
        assert!(fires_on(&plan, "2026-10-02", Rule::PlanReviewOverdue));
        assert!(!fires_on(&plan, "2026-10-01", Rule::PlanReviewOverdue));
    }

    #[test]
    fn next_review_set_too_late_is_reported() {
        let plan = PLAN.replace("next_review: 2026-11-24", "next_review: 2027-01-10");
        assert!(fires_on(&plan, "2026-06-01", Rule::PlanReviewOverdue));
    }

    #[test]
    fn goals_overdue_only_when_open_and_past() {
        assert!(!fires_on(PLAN, "2026-11-24", Rule::GoalOverdue));
        assert!(fires_on(PLAN, "2026-11-25", Rule::GoalOverdue));
        let dropped = PLAN.replace("status: in-progress", "status: dropped");
        assert!(!fires_on(&dropped, "2026-11-25", Rule::GoalOverdue));
    }

    #[test]
    fn duplicate_goal_ids_point_at_the_second() {
        let plan = PLAN.replace("id: flat", "id: college");
        let f = plan_files(&plan);
        let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let d = fired(&refs, "2026-11-24");
        let dup: Vec<_> = d.iter().filter(|d| d.rule == Rule::DuplicateGoalId).collect();
        assert_eq!(dup.len(), 1);
        assert_eq!(dup[0].pos.line, 13);
    }

    #[test]
    fn staff_in_reviews_and_goals_must_exist_but_quoted_text_is_free() {
        assert!(!fires_on(PLAN, "2026-11-24", Rule::UnknownStaff));
        let plan = PLAN.replace("by_whom: sam-okafor", "by_whom: sam-okafer");
        assert!(fires_on(&plan, "2026-11-24", Rule::UnknownStaff));
        let plan = PLAN.replace("by_whom: sam-okafor", "by_whom: young-person");
        assert!(!fires_on(&plan, "2026-11-24", Rule::UnknownStaff));
    }

    #[test]
    fn future_review_dates() {
        assert!(fires_on(PLAN, "2026-05-23", Rule::FutureDate));
        assert!(!fires_on(PLAN, "2026-05-24", Rule::FutureDate));
    }

    #[test]
    fn achieved_goal_needs_done() {
        let plan = PLAN.replace("    done: 2026-06-01\n", "");
        assert!(fires_on(&plan, "2026-11-24", Rule::MissingField));
        assert!(!fires_on(PLAN, "2026-11-24", Rule::MissingField));
    }
}
