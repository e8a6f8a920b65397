//! The DfE's validation rules for one OC3 row, as published in the validator local authorities
//! run before uploading (`csc-validator-be-903`): a row is written only when none is broken.

use super::codes::Codes;
use super::cohort::CollectionYear;
use crate::model::date::{birthday, Date};
use serde::Serialize;

/// `IN_TOUCH` codes the DfE accepts (rule 131).
pub const IN_TOUCH: &[&str] = &["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"];

/// `ACTIV` codes the DfE accepts (rule 132).
pub const ACTIV: &[&str] = &["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"];

/// `ACCOM` codes the DfE accepts (rule 133): no bare letters, and no S1 or X1.
pub const ACCOM: &[&str] = &[
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2", "S2", "T1", "T2",
    "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0",
];

/// A DfE rule a row would break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// The DfE's rule code.
    pub rule: &'static str,
    /// What the rule says, in plain words.
    pub message: &'static str,
}

/// Every DfE rule the row would break, for someone born on `dob`, in `year`.
pub fn breaches(c: &Codes, dob: Date, year: CollectionYear) -> Vec<Breach> {
    let seventeen = birthday(dob, 17);
    let checks: [(&'static str, &'static str, bool); 9] = [
        ("131", "IN_TOUCH must be one of YES, NO, DIED, REFU, NREQ, RHOM", IN_TOUCH.contains(&c.in_touch)),
        ("132", "ACTIV must be a DfE activity code", ACTIV.contains(&c.activ.as_str())),
        ("133", "ACCOM must be a DfE accommodation code with its suitability digit", ACCOM.contains(&c.accom.as_str())),
        (
            "344",
            "a young person who died or returned home has activity and accommodation 0",
            !matches!(c.in_touch, "DIED" | "RHOM") || (c.activ == "0" && c.accom == "0"),
        ),
        (
            "345",
            "when the service is in touch, activity and accommodation may not be 0",
            c.in_touch != "YES" || (c.activ != "0" && c.accom != "0"),
        ),
        ("391", "the young person must be 17 or over by the end of the collection year", seventeen <= year.end()),
        (
            "cohort",
            "the young person must not have turned 22 before the collection year began",
            birthday(dob, 22) > year.start(),
        ),
        (
            "3001",
            "around the 17th birthday, the accommodation cannot be with former foster carers (staying put)",
            !(c.accom.starts_with('Z') && year.contains(seventeen)),
        ),
        (
            "347",
            "a care leaver under 18 cannot be accommodated in a foyer",
            !(c.accom.starts_with('T') && year.contains(seventeen)),
        ),
    ];
    checks.into_iter().filter(|(_, _, ok)| !ok).map(|(rule, message, _)| Breach { rule, message }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse_date;

    fn row(t: &'static str, a: &str, c: &str) -> Codes {
        Codes { in_touch: t, activ: a.into(), accom: c.into() }
    }

    fn rules(c: &Codes, dob: &str) -> Vec<&'static str> {
        let year = CollectionYear::new(2026).expect("year");
        breaches(c, parse_date(dob).expect("date"), year).into_iter().map(|b| b.rule).collect()
    }

    #[test]
    fn good_rows_break_nothing() {
        assert!(rules(&row("YES", "F2", "D1"), "2007-06-11").is_empty());
        assert!(rules(&row("DIED", "0", "0"), "2005-06-11").is_empty());
        assert!(rules(&row("NO", "0", "0"), "2005-06-11").is_empty());
        assert!(rules(&row("REFU", "G5", "U2"), "2005-06-11").is_empty());
    }

    #[test]
    fn bad_codes_and_combinations() {
        assert_eq!(rules(&row("YES", "F2", "D"), "2007-06-11"), ["133"]);
        assert_eq!(rules(&row("YES", "F2", "S1"), "2007-06-11"), ["133"]);
        assert_eq!(rules(&row("YES", "F", "X1"), "2007-06-11"), ["132", "133"]);
        assert_eq!(rules(&row("RHOM", "F2", "0"), "2005-06-11"), ["344"]);
        assert_eq!(rules(&row("YES", "0", "D1"), "2005-06-11"), ["345"]);
        assert_eq!(rules(&row("NOPE", "0", "0"), "2005-06-11"), ["131"]);
    }

    #[test]
    fn age_edges_of_the_year() {
        // 17 on the year's last day: in; the day after: rule 391.
        assert!(rules(&row("YES", "F2", "D1"), "2009-03-31").is_empty());
        assert_eq!(rules(&row("YES", "F2", "D1"), "2009-04-01"), ["391"]);
        // 22 on the year's first day: out; 22 the day after it began: still 21 on 1 April, in.
        assert_eq!(rules(&row("YES", "F2", "D1"), "2003-04-01"), ["cohort"]);
        assert!(rules(&row("YES", "F2", "D1"), "2003-04-02").is_empty());
    }

    #[test]
    fn staying_put_and_foyers_around_the_17th_birthday() {
        assert_eq!(rules(&row("YES", "F2", "Z1"), "2008-04-01"), ["3001"]);
        assert_eq!(rules(&row("YES", "F2", "Z1"), "2009-03-31"), ["3001"]);
        assert!(rules(&row("YES", "F2", "Z1"), "2008-03-31").is_empty(), "17th birthday the day before the year");
        assert_eq!(rules(&row("YES", "F2", "T1"), "2008-05-01"), ["347"]);
        assert!(rules(&row("YES", "F2", "T1"), "2007-05-01").is_empty(), "18 at the birthday asked about");
    }
}
