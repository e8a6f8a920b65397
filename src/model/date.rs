//! Calendar dates, ages and birthdays as FORMAT.md and English law define them.

use chrono::{Datelike, Months, NaiveDate};

/// A calendar date (no time, no zone).
pub type Date = NaiveDate;

/// Reads a strict ISO 8601 calendar date, `YYYY-MM-DD`.
///
/// Returns `Err` with plain words when the text is not a date or names a day
/// that does not exist (`2026-02-30`).
pub fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!("\"{s}\" is not a date written as YYYY-MM-DD (for example 2026-03-14)"));
    }
    // The shape is checked, so the numbers are read directly: chrono's format parser was a
    // hundredth of a one-note build, run on the name of every note.
    let number = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(number(0..4)).unwrap_or_default();
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
        .ok_or_else(|| format!("{s} is not a real day of the calendar"))
}

/// Shows a date the way people read it: `14 Mar 2026`.
pub fn display_date(d: Date) -> String {
    d.format("%-d %b %Y").to_string()
}

/// English month names, January first.
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Appends a date written out in full, `14 March 2026` (what chrono's `%-d %B %Y` gives,
/// without parsing that pattern for each of a hundred thousand records).
pub fn push_long_date(out: &mut String, d: Date) {
    use std::fmt::Write;
    let _ = write!(out, "{} {} {}", d.day(), MONTH_NAMES[d.month0() as usize], d.year());
}

/// The date someone born on `dob` reaches age `years`.
///
/// Someone born on 29 February reaches an age on 1 March in a common year.
pub fn birthday(dob: Date, years: u32) -> Date {
    let year = dob.year() + years as i32;
    NaiveDate::from_ymd_opt(year, dob.month(), dob.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// A person's age in whole years on `on`; negative ages are clamped to zero.
pub fn age_on(dob: Date, on: Date) -> u32 {
    let mut years = on.year() - dob.year();
    // (2, 29) sorts after (2, 28) and before (3, 1), which is exactly the rule
    // for 29 February births in common years.
    if (on.month(), on.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// `d` plus a number of calendar months, clamped to the end of a shorter month.
pub fn add_months(d: Date, months: u32) -> Date {
    d.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// `d` plus a number of days.
pub fn add_days(d: Date, days: i64) -> Date {
    d.checked_add_signed(chrono::Duration::days(days)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_are_written_as_chrono_writes_them() {
        let mut d = NaiveDate::from_ymd_opt(2023, 12, 25).expect("date");
        while d.year() < 2026 {
            let mut out = String::from("x ");
            push_long_date(&mut out, d);
            assert_eq!(out, d.format("x %-d %B %Y").to_string());
            d = add_days(d, 1);
        }
    }

    fn d(s: &str) -> Date {
        parse_date(s).expect("valid test date")
    }

    #[test]
    fn strict_parsing() {
        assert!(parse_date("2026-03-14").is_ok());
        assert!(parse_date("2026-3-14").is_err());
        assert!(parse_date("14/03/2026").is_err());
        let e = parse_date("2026-02-30").expect_err("no such day");
        assert!(e.contains("not a real day"));
        // Every well-shaped date is read as chrono's own parser reads it.
        for s in [
            "2024-02-29",
            "2025-02-29",
            "2000-02-29",
            "1900-02-29",
            "2026-00-10",
            "2026-13-01",
            "2026-01-00",
            "2026-12-31",
            "2026-04-31",
            "0000-01-01",
            "9999-12-31",
            "2026-1a-01",
        ] {
            assert_eq!(parse_date(s).ok(), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(), "{s}");
        }
    }

    #[test]
    fn ages_turn_on_the_birthday() {
        let dob = d("2008-11-24");
        assert_eq!(age_on(dob, d("2026-11-23")), 17);
        assert_eq!(age_on(dob, d("2026-11-24")), 18);
    }

    #[test]
    fn leap_day_births_reach_ages_on_first_of_march() {
        let dob = d("2008-02-29");
        assert_eq!(age_on(dob, d("2026-02-28")), 17);
        assert_eq!(age_on(dob, d("2026-03-01")), 18);
        assert_eq!(birthday(dob, 18), d("2026-03-01"));
        assert_eq!(birthday(dob, 16), d("2024-02-29"));
        assert_eq!(age_on(dob, d("2024-02-29")), 16);
        assert_eq!(age_on(dob, d("2024-02-28")), 15);
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d("2026-08-31"), 6), d("2027-02-28"));
        assert_eq!(add_months(d("2026-05-24"), 6), d("2026-11-24"));
    }

    #[test]
    fn dates_display_for_people() {
        assert_eq!(display_date(d("2026-03-04")), "4 Mar 2026");
    }
}
