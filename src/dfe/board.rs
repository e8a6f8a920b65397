//! The board report's view of the DfE's care-leaver cohort, beside "everyone open today".

use super::codes::codes;
use super::cohort::{counted, CollectionYear};
use super::rules::breaches;
use crate::model::date::{display_date, Date};
use crate::model::Person;
use crate::render::board::{breakdown, Count};
use crate::render::views::label;
use chrono::Datelike;
use serde::Serialize;

/// The in-touch, activity and accommodation figures for the DfE's cohort of the last collection year.
#[derive(Debug, Clone, Serialize)]
pub struct CohortView {
    /// `2025-26`.
    pub year: String,
    /// The year's first day, as people read it.
    pub start: String,
    /// Its last day.
    pub end: String,
    /// The `--year` of `waymark return 903` for it.
    pub ends: i32,
    /// Young people in the cohort (by today's records).
    pub people: usize,
    /// The `IN_TOUCH`, `ACTIV` and `ACCOM` tables, in that order.
    pub tables: Vec<CohortTable>,
    /// In the cohort, but their record cannot give a row the DfE accepts.
    pub uncoded: usize,
}

/// One field's codes, counted.
#[derive(Debug, Clone, Serialize)]
pub struct CohortTable {
    /// Anchor on the page (`dfe-in-touch`).
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Counts by code.
    pub counts: Vec<Count>,
}

/// The last collection year that has ended by `today`.
pub fn last_ended(today: Date) -> CollectionYear {
    let ends = if today.month() > 3 { today.year() } else { today.year() - 1 };
    CollectionYear::new(ends).unwrap_or(CollectionYear { ends })
}

/// The cohort of the last collection year ended by `today`, counted from today's records.
///
/// The board does not read git; `waymark return 903` reads each birthday as it stood.
pub fn cohort_view(people: &[Person], today: Date) -> CohortView {
    let year = last_ended(today);
    let cohort: Vec<_> = people
        .iter()
        .filter_map(|p| p.profile.as_ref())
        .filter_map(|p| p.date_of_birth.value().map(|dob| (p, dob)))
        .filter(|(p, dob)| year.cohort_birthday(*dob).is_some() && p.legal_status.value().is_some_and(counted))
        .collect();
    let total = cohort.len();
    // Counted as the return would write them: coded, and breaking none of the DfE's rules.
    let coded: Vec<_> = cohort
        .iter()
        .filter_map(|(p, dob)| codes(p).ok().map(|(c, _)| (*p, *dob, c)))
        .filter(|(_, dob, c)| breaches(c, *dob, year).is_empty())
        .map(|(p, _, c)| (p, c))
        .collect();
    let zero = || "0: not known, or not asked (died, returned home)".to_string();
    let in_touch = breakdown(
        coded.iter().map(|(p, c)| {
            let word = p.in_touch.as_ref().map(|t| label(t.value.as_str())).unwrap_or_default();
            (word, Some(c.in_touch.to_string()))
        }),
        total,
    );
    let activity = breakdown(
        coded.iter().map(|(p, c)| {
            let word = match (c.activ.as_str(), p.activity.as_ref().and_then(|a| a.kind.as_ref())) {
                ("0", _) | (_, None) => zero(),
                (code, Some(k)) if code.starts_with('F') => format!("{}, full time", label(k.value.as_str())),
                (code, Some(k)) if code.starts_with('P') => format!("{}, part time", label(k.value.as_str())),
                (_, Some(k)) => label(k.value.as_str()),
            };
            (word, Some(c.activ.clone()))
        }),
        total,
    );
    let accommodation = breakdown(
        coded.iter().map(|(p, c)| {
            let word = match (c.accom.as_str(), p.accommodation.as_ref().and_then(|a| a.kind.as_ref())) {
                ("0", _) | (_, None) => zero(),
                (code, Some(k)) if code.ends_with('1') => format!("{}, suitable", label(k.value.as_str())),
                (_, Some(k)) => format!("{}, not suitable", label(k.value.as_str())),
            };
            (word, Some(c.accom.clone()))
        }),
        total,
    );
    CohortView {
        year: year.label(),
        start: display_date(year.start()),
        end: display_date(year.end()),
        ends: year.ends,
        people: total,
        tables: vec![
            CohortTable { id: "dfe-in-touch", title: "In touch (IN_TOUCH)", counts: in_touch },
            CohortTable { id: "dfe-activity", title: "Activity (ACTIV)", counts: activity },
            CohortTable { id: "dfe-accommodation", title: "Accommodation (ACCOM)", counts: accommodation },
        ],
        uncoded: total - coded.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse_date;

    #[test]
    fn the_last_year_ended_is_last_march_from_april() {
        let d = |s: &str| parse_date(s).expect("date");
        assert_eq!(last_ended(d("2026-11-24")).ends, 2026);
        assert_eq!(last_ended(d("2026-04-01")).ends, 2026);
        assert_eq!(last_ended(d("2026-03-31")).ends, 2025);
    }
}
