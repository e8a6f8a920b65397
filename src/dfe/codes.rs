//! SSDA903 codes for a profile: the one place that turns Waymark's words into the DfE's codes,
//! and the reasons a profile cannot give a whole OC3 row.

use crate::load::yaml::Pos;
use crate::model::vocab::{AccommodationType, ActivityType, Hours, InTouch};
use crate::model::Profile;
use serde::Serialize;

/// The three coded fields of one OC3 row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Codes {
    /// `IN_TOUCH`: YES, NO, DIED, REFU, NREQ or RHOM.
    pub in_touch: &'static str,
    /// `ACTIV`: F1..P5, G4..G6 or 0.
    pub activ: String,
    /// `ACCOM`: a letter and suitability (D1, S2) or 0.
    pub accom: String,
}

/// Why a profile cannot give a row the DfE accepts: which field, where, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The profile field at fault (`in_touch`, `activity.hours`).
    pub field: &'static str,
    /// Where in profile.md.
    pub line: u32,
    /// Column of that line.
    pub col: u32,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to put it right.
    pub help: String,
    /// The DfE validation rule a row written anyway would break.
    pub dfe_rule: &'static str,
}

impl Problem {
    fn new(field: &'static str, pos: Pos, dfe_rule: &'static str, message: String, help: &str) -> Problem {
        Problem { field, line: pos.line, col: pos.col, message, help: help.to_string(), dfe_rule }
    }
}

/// The SSDA903 `IN_TOUCH` answer.
pub fn in_touch_code(t: InTouch) -> &'static str {
    match t {
        InTouch::Yes => "YES",
        InTouch::No => "NO",
        InTouch::Refuses => "REFU",
        InTouch::NoLongerNeeds => "NREQ",
        InTouch::ReturnedHome => "RHOM",
        InTouch::Died => "DIED",
    }
}

/// The SSDA903 activity code: `F2`, `P4`, `G5`, `0`; `None` when the hours needed are not recorded.
pub fn activity_code(kind: ActivityType, hours: Option<Hours>) -> Option<String> {
    use ActivityType::*;
    let n = match kind {
        HigherEducation => 1,
        OtherEducation => 2,
        Apprenticeship => 4,
        TrainingOrEmployment => 5,
        NeetIllnessDisability => return Some("G4".into()),
        NeetOther => return Some("G5".into()),
        NeetPregnancyParenting => return Some("G6".into()),
        NotKnown => return Some("0".into()),
    };
    match hours? {
        Hours::FullTime => Some(format!("F{n}")),
        Hours::PartTime => Some(format!("P{n}")),
    }
}

/// Why an accommodation type and suitability give no SSDA903 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCode {
    /// Foster care and children's homes are placements of children in care, not care-leaver accommodation.
    InCare,
    /// The letter needs a 1 or 2 and suitability is not recorded.
    NoSuitability,
    /// The DfE has no "suitable" code for this type (S1, X1).
    NeverSuitable,
}

/// The SSDA903 accommodation code with suitability (`D1`, `S2`), or why there is none.
pub fn accommodation_code(kind: AccommodationType, suitable: Option<bool>) -> Result<String, NoCode> {
    let letter = kind.code().ok_or(NoCode::InCare)?;
    match suitable {
        None => Err(NoCode::NoSuitability),
        Some(true) if matches!(kind, AccommodationType::Homeless | AccommodationType::Custody) => {
            Err(NoCode::NeverSuitable)
        }
        Some(true) => Ok(format!("{letter}1")),
        Some(false) => Ok(format!("{letter}2")),
    }
}

const MISSING: Pos = Pos { line: 1, col: 1 };

/// The OC3 codes for a profile, plus notes on codes written by convention; or every reason there can be no row.
///
/// DIED and RHOM always carry activity and accommodation 0 (DfE rule 344). YES needs a known
/// activity and accommodation (rule 345). NO, REFU and NREQ give what the record holds, and 0
/// for what it does not know.
pub fn codes(p: &Profile) -> Result<(Codes, Vec<String>), Vec<Problem>> {
    let Some(touch) = &p.in_touch else {
        return Err(vec![Problem::new(
            "in_touch",
            MISSING,
            "131",
            "in_touch is not recorded, and IN_TOUCH may not be left blank".into(),
            "record whether the service was in touch: yes, no, refuses, no-longer-needs, returned-home or died",
        )]);
    };
    let in_touch = in_touch_code(touch.value);
    if matches!(touch.value, InTouch::Died | InTouch::ReturnedHome) {
        let note = format!("{in_touch}: activity and accommodation are returned as 0, as the DfE requires");
        return Ok((Codes { in_touch, activ: "0".into(), accom: "0".into() }, vec![note]));
    }
    let known = touch.value == InTouch::Yes;
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let activ = activity(p, known, &mut problems, &mut notes);
    let accom = accommodation(p, known, &mut problems, &mut notes);
    match (activ, accom) {
        (Some(activ), Some(accom)) if problems.is_empty() => Ok((Codes { in_touch, activ, accom }, notes)),
        _ => Err(problems),
    }
}

fn activity(p: &Profile, known: bool, problems: &mut Vec<Problem>, notes: &mut Vec<String>) -> Option<String> {
    let a = p.activity.as_ref();
    let kind = a.and_then(|a| a.kind.as_ref());
    let hours = a.and_then(|a| a.hours.as_ref()).map(|h| h.value);
    let code = kind.and_then(|k| activity_code(k.value, hours));
    if !known {
        // Not in touch: what is not known is returned as 0, which the DfE accepts beside NO, REFU and NREQ.
        return Some(code.unwrap_or_else(|| {
            notes.push(
                "activity is not fully recorded and the service is not in touch: ACTIV returned as 0 (not known)"
                    .into(),
            );
            "0".into()
        }));
    }
    match (kind, code) {
        (None, _) => problems.push(Problem::new(
            "activity.type",
            MISSING,
            "132",
            "the service is in touch, but activity is not recorded".into(),
            "record what the young person was doing (activity: type, and hours for education, training or work)",
        )),
        (Some(k), None) => problems.push(Problem::new(
            "activity.hours",
            k.pos,
            "132",
            format!("{} needs full-time or part-time for its DfE code, and hours are not recorded", k.value.as_str()),
            "add `hours: full-time` or `hours: part-time` under activity",
        )),
        (Some(k), Some(c)) if c == "0" => problems.push(Problem::new(
            "activity.type",
            k.pos,
            "345",
            "the service is in touch, so the DfE will not accept activity `not-known` (0)".into(),
            "ask the young person what they were doing, and record it; if the service was not in touch, say so in in_touch",
        )),
        (Some(_), Some(c)) => return Some(c),
    }
    None
}

fn accommodation(p: &Profile, known: bool, problems: &mut Vec<Problem>, notes: &mut Vec<String>) -> Option<String> {
    let a = p.accommodation.as_ref();
    let kind = a.and_then(|a| a.kind.as_ref());
    let suitable = a.and_then(|a| a.suitable.as_ref());
    let Some(kind) = kind else {
        if known {
            problems.push(Problem::new(
                "accommodation.type",
                MISSING,
                "133",
                "the service is in touch, but accommodation is not recorded".into(),
                "record where the young person lived (accommodation: type and suitable)",
            ));
            return None;
        }
        notes.push(
            "accommodation is not recorded and the service is not in touch: ACCOM returned as 0 (not known)".into(),
        );
        return Some("0".into());
    };
    match accommodation_code(kind.value, suitable.map(|s| s.value)) {
        Ok(code) => Some(code),
        Err(NoCode::NoSuitability) if !known => {
            notes.push(
                "suitability is not recorded and the service is not in touch: ACCOM returned as 0 (not known)".into(),
            );
            Some("0".into())
        }
        Err(NoCode::NoSuitability) => {
            problems.push(Problem::new(
                "accommodation.suitable",
                kind.pos,
                "133",
                format!(
                    "{} needs suitable: true or false for its DfE code, and suitability is not recorded",
                    kind.value.as_str()
                ),
                "add `suitable: true` or `suitable: false` under accommodation",
            ));
            None
        }
        Err(NoCode::NeverSuitable) => {
            let pos = suitable.map(|s| s.pos).unwrap_or(kind.pos);
            problems.push(Problem::new(
                "accommodation.suitable",
                pos,
                "133",
                format!(
                    "{} is recorded as suitable, and the DfE counts it as never suitable (there is no code {}1)",
                    kind.value.as_str(),
                    kind.value.code().unwrap_or('?')
                ),
                "set `suitable: false`, or correct the accommodation type",
            ));
            None
        }
        Err(NoCode::InCare) => {
            problems.push(Problem::new(
                "accommodation.type",
                kind.pos,
                "133",
                format!("{} has no DfE care-leaver code: it is where children in care live", kind.value.as_str()),
                "if the young person stayed with former foster carers after 18, write staying-put; otherwise record the accommodation they had",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_ssda903() {
        assert_eq!(activity_code(ActivityType::OtherEducation, Some(Hours::FullTime)).as_deref(), Some("F2"));
        assert_eq!(activity_code(ActivityType::Apprenticeship, Some(Hours::PartTime)).as_deref(), Some("P4"));
        assert_eq!(activity_code(ActivityType::NeetOther, None).as_deref(), Some("G5"));
        assert_eq!(activity_code(ActivityType::HigherEducation, None), None);
        assert_eq!(in_touch_code(InTouch::Refuses), "REFU");
        assert_eq!(accommodation_code(AccommodationType::Homeless, Some(false)).as_deref(), Ok("S2"));
        assert_eq!(accommodation_code(AccommodationType::Homeless, Some(true)), Err(NoCode::NeverSuitable));
        assert_eq!(accommodation_code(AccommodationType::Custody, Some(true)), Err(NoCode::NeverSuitable));
        assert_eq!(accommodation_code(AccommodationType::SemiIndependent, None), Err(NoCode::NoSuitability));
        assert_eq!(accommodation_code(AccommodationType::Foster, Some(true)), Err(NoCode::InCare));
        assert_eq!(accommodation_code(AccommodationType::StayingPut, Some(true)).as_deref(), Ok("Z1"));
    }
}
