//! `accommodation-age`: an accommodation type that cannot hold at the young person's age.
//!
//! Staying put begins at 18, and the DfE refuses it around the 17th birthday (SSDA903 rule
//! 3001); a foyer cannot hold a care leaver under 18 (rule 347); foster care and children's
//! homes are placements for children, so at 18 they have become staying put or something else.

use super::Checker;
use crate::diag::Rule;
use crate::model::date::{age_on, birthday, display_date};
use crate::model::vocab::AccommodationType::{self, *};

/// The ages an accommodation type can hold: `(from, before)`; `None` for any age.
fn ages(kind: AccommodationType) -> Option<(u32, u32)> {
    match kind {
        StayingPut | Foyer => Some((18, u32::MAX)),
        Foster | ChildrensHome => Some((0, 18)),
        _ => None,
    }
}

pub(super) fn check(c: &mut Checker<'_>) {
    let Some(p) = c.person.profile.as_ref().filter(|p| p.is_active()) else { return };
    let Some(kind) = p.accommodation.as_ref().and_then(|a| a.kind.as_ref()) else { return };
    let Some((from, before)) = ages(kind.value) else { return };
    let Some(dob) = p.date_of_birth.value() else { return };
    let age = age_on(dob, c.today);
    let eighteen = display_date(birthday(dob, 18));
    let why = if age < from {
        format!("it begins at 18 ({eighteen}), and the DfE's care-leaver return refuses it before then (rules 3001 and 347)")
    } else if age >= before {
        format!("it is a placement for children in care, and they turned 18 on {eighteen}")
    } else {
        return;
    };
    // Each type is wrong on one side of 18 only, so its help says what to write instead.
    let help = match kind.value {
        StayingPut => "before 18, living with foster carers is foster care: write foster, and staying-put from the 18th birthday",
        Foyer => "record where the young person lives now; a foyer place can start at 18",
        Foster => "if they still live with their former foster carers, write staying-put (and the staying_put block); otherwise record where they live now",
        _ => "record where the young person lives now (for example semi-independent or supported-lodgings)",
    };
    let message = format!("{} cannot hold at {age}: {why}", kind.value.as_str());
    let src = p.source.clone();
    c.report(Rule::AccommodationAge, &src, kind.pos, message, help);
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fired, profile};
    use crate::diag::Rule;

    fn fires(kind: &str, dob: &str, today: &str) -> bool {
        let p = profile("relevant", dob, &format!("accommodation:\n  type: {kind}\n  suitable: true\n"));
        fired(&[("profile.md", &p)], today).iter().any(|d| d.rule == Rule::AccommodationAge)
    }

    #[test]
    fn each_type_says_why_and_what_to_write_instead() {
        let said = |kind: &str, dob: &str| {
            let p = profile("relevant", dob, &format!("accommodation:\n  type: {kind}\n  suitable: true\n"));
            let d = fired(&[("profile.md", &p)], "2026-11-24");
            let d = d.iter().find(|d| d.rule == Rule::AccommodationAge).expect("fires");
            (d.message.clone(), d.help.clone().unwrap_or_default())
        };
        let (message, help) = said("foyer", "2009-01-10");
        assert_eq!(message, "foyer cannot hold at 17: it begins at 18 (10 Jan 2027), and the DfE's care-leaver return refuses it before then (rules 3001 and 347)");
        assert_eq!(help, "record where the young person lives now; a foyer place can start at 18");
        assert!(said("staying-put", "2009-01-10").1.starts_with("before 18, living with foster carers is foster care"));
        let (message, help) = said("childrens-home", "2007-01-10");
        assert_eq!(message, "childrens-home cannot hold at 19: it is a placement for children in care, and they turned 18 on 10 Jan 2025");
        assert!(help.contains("semi-independent"), "{help}");
        assert!(said("foster", "2007-01-10").1.starts_with("if they still live with their former foster carers"));
    }

    #[test]
    fn staying_put_and_foyers_begin_on_the_18th_birthday() {
        for kind in ["staying-put", "foyer"] {
            assert!(fires(kind, "2008-11-25", "2026-11-24"), "{kind} the day before the 18th birthday");
            assert!(!fires(kind, "2008-11-24", "2026-11-24"), "{kind} on the 18th birthday");
        }
    }

    #[test]
    fn foster_care_and_childrens_homes_end_on_the_18th_birthday() {
        for kind in ["foster", "childrens-home"] {
            assert!(!fires(kind, "2008-11-25", "2026-11-24"), "{kind} the day before the 18th birthday");
            assert!(fires(kind, "2008-11-24", "2026-11-24"), "{kind} on the 18th birthday");
        }
    }

    #[test]
    fn leap_day_births_turn_18_on_the_first_of_march() {
        assert!(fires("staying-put", "2008-02-29", "2026-02-28"));
        assert!(!fires("staying-put", "2008-02-29", "2026-03-01"));
    }

    #[test]
    fn other_types_and_closed_records_are_not_judged() {
        assert!(!fires("semi-independent", "2010-01-01", "2026-11-24"));
        assert!(!fires("independent", "2000-01-01", "2026-11-24"));
        let p = profile(
            "former-relevant",
            "2000-01-01",
            "status: closed\nclosed: { date: 2026-01-01, reason: moved-area }\naccommodation:\n  type: foster\n",
        );
        assert!(!fired(&[("profile.md", &p)], "2026-11-24").iter().any(|d| d.rule == Rule::AccommodationAge));
    }

    #[test]
    fn the_warning_points_at_the_type_and_says_how_to_fix_it() {
        let p = profile("relevant", "2009-05-01", "accommodation:\n  type: staying-put\n  suitable: true\n");
        let d = fired(&[("profile.md", &p)], "2026-11-24");
        let d = d.iter().find(|d| d.rule == Rule::AccommodationAge).expect("fires");
        assert_eq!((d.pos.line, d.pos.col), (7, 9));
        assert!(d.message.contains("staying-put cannot hold at 17"), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or("").contains("write foster"));
    }
}
