//! Contact quality and support to 25 (FORMAT.md 1.2): visits, being in touch, Staying Put, the offer at 21.

use super::{Checker, Deadline};
use crate::diag::Rule;
use crate::load::yaml::Pos;
use crate::model::date::{add_days, birthday, display_date, Date};
use crate::model::vocab::{AccommodationType, InTouch, LegalStatus};
use crate::model::Profile;

/// "No note for more than 13 weeks" (FORMAT.md 1.2, `in-touch-stale`).
const STALE_DAYS: i64 = 13 * 7;

/// How long before the 21st birthday the offer of support to 25 is expected.
const OFFER_DAYS_BEFORE_21: i64 = 90;

pub(super) fn check(c: &mut Checker<'_>) {
    let Some(p) = c.person.profile.as_ref() else { return };
    if !p.is_active() {
        return;
    }
    visits(c, p);
    in_touch(c, p);
    staying_put(c, p);
    offer(c, p);
}

/// Records the deadline `days` after `last` and says whether it has passed (or nothing was ever recorded).
fn lapsed(c: &mut Checker<'_>, last: Option<Date>, days: i64, what: Deadline, rule: Rule) -> bool {
    let Some(last) = last else { return true };
    let due = add_days(last, days);
    c.due(due, what, rule);
    due < c.today
}

/// `visit-overdue`: no face-to-face visit within `visit_every_days`.
fn visits(c: &mut Checker<'_>, p: &Profile) {
    let Some(every) = &p.visit_every_days else { return };
    let last = c.person.last_visit();
    if !lapsed(c, last, every.value as i64, Deadline::Visit, Rule::VisitOverdue) {
        return;
    }
    let message = match last {
        Some(last) => format!(
            "the last face-to-face visit was on {} ({} ago); visits are agreed every {}",
            display_date(last),
            crate::words::count((c.today - last).num_days(), "day"),
            crate::words::count(every.value, "day")
        ),
        None => format!(
            "no face-to-face visit is recorded; visits are agreed every {}",
            crate::words::count(every.value, "day")
        ),
    };
    c.report(
        Rule::VisitOverdue,
        &p.source,
        every.pos,
        message,
        "visit the young person and write a note with `kind: visit` and `with: [young-person]`",
    );
}

/// `in-touch-stale`: `in_touch: yes` but no note for more than 13 weeks.
fn in_touch(c: &mut Checker<'_>, p: &Profile) {
    let Some(t) = &p.in_touch else { return };
    if t.value != InTouch::Yes {
        return;
    }
    let last = c.person.last_contact();
    if !lapsed(c, last, STALE_DAYS, Deadline::InTouch, Rule::InTouchStale) {
        return;
    }
    let message = match last {
        Some(last) => format!(
            "`in_touch: yes`, but the last note is from {} ({} ago, over 13 weeks)",
            display_date(last),
            crate::words::count((c.today - last).num_days(), "day")
        ),
        None => "`in_touch: yes`, but there are no notes of any contact".to_string(),
    };
    c.report(
        Rule::InTouchStale,
        &p.source,
        t.pos,
        message,
        "write a note of the last contact, or change `in_touch` to say how things stand",
    );
}

/// `staying-put-mismatch`: the accommodation type and the `staying_put:` block disagree.
fn staying_put(c: &mut Checker<'_>, p: &Profile) {
    let kind = p.accommodation.as_ref().and_then(|a| a.kind.as_ref());
    let typed = kind.is_some_and(|k| k.value == AccommodationType::StayingPut);
    match (&p.staying_put, typed) {
        (Some(_), false) => {
            let (pos, what) = match kind {
                Some(k) => (k.pos, format!("the accommodation type is `{}`", k.value.as_str())),
                None => (Pos::new(1, 1), "no accommodation type is given".to_string()),
            };
            c.report(
                Rule::StayingPutMismatch,
                &p.source,
                pos,
                format!("there is a `staying_put:` block, but {what}"),
                "if they are in Staying Put, set `accommodation.type: staying-put`; if not, remove `staying_put:`",
            );
        }
        (None, true) => {
            let pos = kind.map(|k| k.pos).unwrap_or(Pos::new(1, 1));
            c.report(
                Rule::StayingPutMismatch,
                &p.source,
                pos,
                "the accommodation type is `staying-put`, but there is no `staying_put:` block".to_string(),
                "add `staying_put: { carer: ..., since: YYYY-MM-DD }`, or correct the accommodation type",
            );
        }
        _ => {}
    }
}

/// `extended-support-offer-missing`: former relevant, from 90 days before the 21st birthday, with no offer.
fn offer(c: &mut Checker<'_>, p: &Profile) {
    let Some(status) = p.legal_status.get() else { return };
    if status.value != LegalStatus::FormerRelevant || p.extended_support_offer.is_some() {
        return;
    }
    let Some(dob) = p.dob() else { return };
    let twenty_one = birthday(dob, 21);
    let from = add_days(twenty_one, -OFFER_DAYS_BEFORE_21);
    c.due(from, Deadline::SupportOffer, Rule::ExtendedSupportOfferMissing);
    if c.today < from {
        return;
    }
    c.report(
        Rule::ExtendedSupportOfferMissing,
        &p.source,
        status.pos,
        format!(
            "turns 21 on {} and no offer of support to 25 is recorded; it is due from {}",
            display_date(twenty_one),
            display_date(from)
        ),
        "make the offer and add `extended_support_offer: { date: YYYY-MM-DD, response: accepted | declined | no-response }`",
    );
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{fires, profile};
    use crate::diag::Rule;

    fn visit(date: &str, with: &str) -> (String, String) {
        (
            format!("notes/{date}-visit.md"),
            format!("---\ndate: {date}\nauthor: sam-okafor\nkind: visit\nwith: [{with}]\nseen_alone: true\n---\nSaw them.\n"),
        )
    }

    fn on(p: &str, extra: &[(String, String)], today: &str, rule: Rule) -> bool {
        let mut files = vec![("profile.md", p)];
        files.extend(extra.iter().map(|(a, b)| (a.as_str(), b.as_str())));
        files.push(("pathway-plan.md", "---\nstarted: 2026-11-01\n---\n"));
        fires(&files, today, rule)
    }

    #[test]
    fn visit_overdue_the_day_after_visit_every_days() {
        let p = profile("relevant", "2008-03-01", "visit_every_days: 28\n");
        let v = [visit("2026-10-01", "young-person")];
        assert!(!on(&p, &v, "2026-10-29", Rule::VisitOverdue));
        assert!(on(&p, &v, "2026-10-30", Rule::VisitOverdue));
        assert!(on(&p, &[], "2026-10-02", Rule::VisitOverdue));
    }

    #[test]
    fn a_visit_without_the_young_person_is_not_face_to_face() {
        let p = profile("relevant", "2008-03-01", "visit_every_days: 28\n");
        let v = [visit("2026-10-20", "young-person"), visit("2026-10-25", "carer")];
        assert!(!on(&p, &v, "2026-11-17", Rule::VisitOverdue));
        assert!(on(&p, &v, "2026-11-18", Rule::VisitOverdue));
    }

    #[test]
    fn in_touch_stale_after_thirteen_weeks_without_a_note() {
        let p = profile("relevant", "2008-03-01", "in_touch: \"yes\"\n");
        let n = [visit("2026-08-01", "young-person")];
        assert!(!on(&p, &n, "2026-10-31", Rule::InTouchStale));
        assert!(on(&p, &n, "2026-11-01", Rule::InTouchStale));
        let no = profile("relevant", "2008-03-01", "in_touch: \"no\"\n");
        assert!(!on(&no, &n, "2026-11-01", Rule::InTouchStale));
    }

    #[test]
    fn staying_put_type_and_block_must_agree() {
        let both = "accommodation: { type: staying-put }\nstaying_put: { carer: Pat Doe, since: 2026-03-01 }\n";
        let block_only = "accommodation: { type: independent }\nstaying_put: { carer: Pat Doe, since: 2026-03-01 }\n";
        let type_only = "accommodation: { type: staying-put }\n";
        let t = "2026-11-01";
        assert!(!on(&profile("relevant", "2008-03-01", both), &[], t, Rule::StayingPutMismatch));
        assert!(on(&profile("relevant", "2008-03-01", block_only), &[], t, Rule::StayingPutMismatch));
        assert!(on(&profile("relevant", "2008-03-01", type_only), &[], t, Rule::StayingPutMismatch));
    }

    #[test]
    fn offer_missing_from_ninety_days_before_the_21st_birthday() {
        let p = profile("former-relevant", "2006-03-01", "");
        // 21 on 2027-03-01; 90 days before is 2026-12-01.
        assert!(!on(&p, &[], "2026-11-30", Rule::ExtendedSupportOfferMissing));
        assert!(on(&p, &[], "2026-12-01", Rule::ExtendedSupportOfferMissing));
        let offered = profile(
            "former-relevant",
            "2006-03-01",
            "extended_support_offer: { date: 2026-11-02, response: declined }\n",
        );
        assert!(!on(&offered, &[], "2026-12-01", Rule::ExtendedSupportOfferMissing));
        let relevant = profile("relevant", "2006-03-01", "");
        assert!(!on(&relevant, &[], "2026-12-01", Rule::ExtendedSupportOfferMissing));
    }
}
