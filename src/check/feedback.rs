//! Rules about feedback records (FORMAT.md 1.1): dates, who took them down, which questions.

use super::Checker;
use crate::diag::Rule;

pub(super) fn check(c: &mut Checker<'_>) {
    let person = c.person;
    for f in &person.feedback {
        let src = &f.source;
        c.not_future(src, &f.date, "this feedback");
        if let Some(by) = &f.taken_by {
            c.staff_id(src, by, "feedback taken by");
        }
        for answer in &f.answers {
            if c.repo.config.question(&answer.question).is_some() {
                continue;
            }
            let ids = c.repo.config.feedback_questions.iter().map(|q| q.id.as_str());
            let known: Vec<&str> = ids.clone().collect();
            let help = match crate::load::fields::closest(&answer.question, ids) {
                Some(s) => format!("did you mean `{s}`? The questions are: {}", known.join(", ")),
                None => format!(
                    "the questions are: {}; add new ones under `feedback_questions` in waymark.yaml",
                    known.join(", ")
                ),
            };
            c.report(
                Rule::InvalidValue,
                src,
                answer.pos,
                format!("`{}` is not one of the feedback questions in waymark.yaml", answer.question),
                &help,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fired, profile};
    use crate::diag::Rule;

    const FEEDBACK: &str = "---\ndate: 2026-10-12\nkind: questionnaire\ntaken_by: sam-okafor\nanswers:\n  listened-to: 4\n  involved-in-plan: 5\nconsent_to_share: true\n---\nShe listens.\n";

    fn rules(text: &str, today: &str) -> Vec<(Rule, u32)> {
        let p = profile("relevant", "2009-05-01", "");
        let d = fired(&[("profile.md", &p), ("feedback/2026-10-12-survey.md", text)], today);
        d.iter().filter(|d| d.file.contains("feedback/")).map(|d| (d.rule, d.pos.line)).collect()
    }

    #[test]
    fn good_feedback_is_clean() {
        assert_eq!(rules(FEEDBACK, "2026-10-12"), []);
    }

    #[test]
    fn future_dated_feedback_the_day_before() {
        assert_eq!(rules(FEEDBACK, "2026-10-11"), [(Rule::FutureDate, 2)]);
    }

    #[test]
    fn unknown_questions_ratings_and_staff() {
        let text = FEEDBACK
            .replace("listened-to: 4", "listend-to: 4")
            .replace("involved-in-plan: 5", "involved-in-plan: 6")
            .replace("taken_by: sam-okafor", "taken_by: sam");
        let got = rules(&text, "2026-11-24");
        assert_eq!(got, [(Rule::UnknownStaff, 4), (Rule::InvalidValue, 6), (Rule::InvalidValue, 7)]);
        let p = profile("relevant", "2009-05-01", "");
        let d = fired(&[("profile.md", &p), ("feedback/2026-10-12-survey.md", &text)], "2026-11-24");
        let q = d.iter().find(|d| d.pos.line == 6).map(|d| d.help.clone().unwrap_or_default()).unwrap_or_default();
        assert!(q.starts_with("did you mean `listened-to`?"), "{q}");
    }

    #[test]
    fn kind_is_required_and_from_the_list() {
        let none = FEEDBACK.replace("kind: questionnaire\n", "");
        assert_eq!(rules(&none, "2026-11-24"), [(Rule::MissingField, 1)]);
        let bad = FEEDBACK.replace("kind: questionnaire", "kind: exit-interview");
        assert_eq!(rules(&bad, "2026-11-24"), [(Rule::InvalidValue, 3)]);
    }
}
