//! Rules about notes and outcome readings: dates, authors, scales and scores.

use super::Checker;
use crate::diag::Rule;

pub(super) fn check(c: &mut Checker<'_>) {
    let person = c.person;
    for note in &person.notes {
        c.not_future(&note.source, &note.date, "this note");
        c.staff_id(&note.source, &note.author, "author");
    }
    for reading in &person.outcomes {
        let src = &reading.source;
        c.not_future(src, &reading.date, "this outcome reading");
        if let Some(by) = &reading.by {
            c.staff_id(src, by, "reading taken by");
        }
        let Some(scale) = c.repo.config.scale(&reading.scale.value) else {
            let known: Vec<&str> = c.repo.config.outcome_scales.iter().map(|s| s.id.as_str()).collect();
            let message = format!("outcome scale `{}` is not configured", reading.scale.value);
            c.report(
                Rule::InvalidValue,
                src,
                reading.scale.pos,
                message,
                &format!("use one of: {}, or add the scale to waymark.yaml", known.join(", ")),
            );
            continue;
        };
        for (area, score) in &reading.scores {
            if !scale.areas.contains(area) {
                let help = match crate::load::fields::closest(area, scale.areas.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the areas of this scale are: {}", scale.areas.join(", ")),
                };
                c.report(
                    Rule::UnknownField,
                    src,
                    score.pos,
                    format!("`{area}` is not an area of the `{}` scale", scale.id),
                    &help,
                );
            } else if score.value < scale.min || score.value > scale.max {
                let message = format!(
                    "the score {} for `{area}` is outside the scale's range of {} to {}",
                    score.value, scale.min, scale.max
                );
                c.report(Rule::InvalidValue, src, score.pos, message, "score each area within the scale's range");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fired, fires, profile};
    use crate::diag::Rule;

    fn with(name: &str, text: &str, today: &str, rule: Rule) -> bool {
        let p = profile("looked-after", "2010-01-01", "");
        fires(&[("profile.md", &p), (name, text)], today, rule)
    }

    const NOTE: &str = "---\ndate: 2026-11-02\nauthor: sam-okafor\nkind: visit\n---\nVisited.\n";

    #[test]
    fn note_dated_today_is_fine_tomorrow_is_future() {
        assert!(with("notes/2026-11-02-visit.md", NOTE, "2026-11-01", Rule::FutureDate));
        assert!(!with("notes/2026-11-02-visit.md", NOTE, "2026-11-02", Rule::FutureDate));
    }

    #[test]
    fn unknown_author() {
        assert!(!with("notes/2026-11-02-visit.md", NOTE, "2026-11-24", Rule::UnknownStaff));
        let n = NOTE.replace("sam-okafor", "sam");
        let p = profile("looked-after", "2010-01-01", "");
        let d = fired(&[("profile.md", &p), ("notes/2026-11-02-visit.md", &n)], "2026-11-24");
        let u = d.iter().find(|d| d.rule == Rule::UnknownStaff).expect("fires");
        assert_eq!((u.pos.line, u.pos.col), (3, 9));
    }

    const READING: &str = "---\ndate: 2026-05-01\nscale: keep-on-caring\nby: amira-hassan\nscores:\n  health: 10\n  independent-living: 1\n---\n";

    #[test]
    fn scores_within_range_and_known_areas() {
        assert!(!with("outcomes/2026-05-01.md", READING, "2026-11-24", Rule::InvalidValue));
        assert!(!with("outcomes/2026-05-01.md", READING, "2026-11-24", Rule::UnknownField));
        let high = READING.replace("health: 10", "health: 11");
        assert!(with("outcomes/2026-05-01.md", &high, "2026-11-24", Rule::InvalidValue));
        let typo = READING.replace("health: 10", "helth: 5");
        assert!(with("outcomes/2026-05-01.md", &typo, "2026-11-24", Rule::UnknownField));
        let scale = READING.replace("scale: keep-on-caring", "scale: outcomes-star");
        assert!(with("outcomes/2026-05-01.md", &scale, "2026-11-24", Rule::InvalidValue));
    }
}
