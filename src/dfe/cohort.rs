//! The collection year and who belongs to the DfE's care-leaver cohort (SSDA903 OC3).

use crate::model::date::{birthday, Date};
use crate::model::vocab::LegalStatus;
use chrono::NaiveDate;

/// The birthdays whose year the OC3 return asks about.
pub const AGES: std::ops::RangeInclusive<u32> = 17..=21;

/// A DfE collection year: 1 April to 31 March, named by the year it ends (2026 = 2025-26).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectionYear {
    /// The calendar year the collection year ends in.
    pub ends: i32,
}

impl CollectionYear {
    /// The year ending on 31 March `ends`, if that is a date the calendar can hold.
    pub fn new(ends: i32) -> Option<CollectionYear> {
        (2000..=2200).contains(&ends).then_some(CollectionYear { ends })
    }

    /// Its first day, 1 April of the year before.
    pub fn start(self) -> Date {
        NaiveDate::from_ymd_opt(self.ends - 1, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day, 31 March.
    pub fn end(self) -> Date {
        NaiveDate::from_ymd_opt(self.ends, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    /// How people write it: `2025-26`.
    pub fn label(self) -> String {
        format!("{}-{:02}", self.ends - 1, self.ends.rem_euclid(100))
    }

    /// Whether `date` falls inside it.
    pub fn contains(self, date: Date) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// Whether the year is over by the end of `today` (31 March itself is still going).
    pub fn ended_by(self, today: Date) -> bool {
        today > self.end()
    }

    /// The one 17th to 21st birthday of someone born on `dob` that falls in this year, if any.
    pub fn cohort_birthday(self, dob: Date) -> Option<(u32, Date)> {
        AGES.map(|age| (age, birthday(dob, age))).find(|(_, day)| self.contains(*day))
    }
}

/// Whether a legal status at the birthday puts a young person in the OC3 cohort.
pub fn counted(status: LegalStatus) -> bool {
    matches!(status, LegalStatus::Relevant | LegalStatus::FormerRelevant)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).expect("test date")
    }

    #[test]
    fn the_year_runs_from_april_to_march() {
        let y = CollectionYear::new(2026).expect("year");
        assert_eq!((y.start(), y.end()), (d("2025-04-01"), d("2026-03-31")));
        assert_eq!(y.label(), "2025-26");
        assert!(!y.ended_by(d("2026-03-31")));
        assert!(y.ended_by(d("2026-04-01")));
    }

    #[test]
    fn birthdays_on_the_edges_of_the_year() {
        let y = CollectionYear::new(2026).expect("year");
        assert_eq!(y.cohort_birthday(d("2008-04-01")), Some((17, d("2025-04-01"))));
        assert_eq!(y.cohort_birthday(d("2009-03-31")), Some((17, d("2026-03-31"))));
        assert_eq!(y.cohort_birthday(d("2009-04-01")), None, "17 only after the year ends");
        assert_eq!(y.cohort_birthday(d("2004-04-01")), Some((21, d("2025-04-01"))));
        assert_eq!(y.cohort_birthday(d("2004-03-31")), None, "turned 21 the day before the year began");
    }

    #[test]
    fn leap_day_births_have_their_birthday_on_the_first_of_march() {
        let y = CollectionYear::new(2025).expect("year");
        assert_eq!(y.cohort_birthday(d("2008-02-29")), Some((17, d("2025-03-01"))));
    }

    #[test]
    fn only_relevant_and_former_relevant_count() {
        assert!(counted(LegalStatus::Relevant));
        assert!(counted(LegalStatus::FormerRelevant));
        for s in [LegalStatus::LookedAfter, LegalStatus::Eligible, LegalStatus::Qualifying] {
            assert!(!counted(s));
        }
    }
}
