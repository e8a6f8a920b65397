//! `return.html`: who is in the return, who was left out and why, and every problem, for people to read.

use super::{ordinal, Outcome, Return};
use crate::model::date::display_date;
use serde::Serialize;

/// One young person as the page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    /// Person id.
    pub id: String,
    /// Name today.
    pub name: String,
    /// Date of birth, as people read it.
    pub dob: String,
    /// `18th birthday, 3 Jun 2025`.
    pub birthday: String,
    /// `commit abc1234 of 1 Jun 2025`, or why today's record was read instead.
    pub as_of: String,
    /// Codes written (`YES`, `F2`, `D1`), when in.
    pub codes: Option<[String; 3]>,
    /// Notes on codes written by convention.
    pub notes: Vec<String>,
    /// Why left out.
    pub reason: Option<String>,
    /// The file with problems.
    pub file: Option<String>,
    /// Every problem.
    pub problems: Vec<super::codes::Problem>,
}

/// Everything `return.html` shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnView {
    /// The organisation.
    pub organisation: String,
    /// `2025-26`.
    pub year: String,
    /// First day, as people read it.
    pub start: String,
    /// Last day.
    pub end: String,
    /// The date it was made as of.
    pub today: String,
    /// The year had not ended.
    pub partial: bool,
    /// Why statuses are today's and not from git.
    pub not_from_git: Option<String>,
    /// How many young people's status came from today's records because git held nothing for their birthday.
    pub today_instead: usize,
    /// In the return.
    pub included: Vec<PersonView>,
    /// In the cohort by age, but a record cannot give a row the DfE accepts.
    pub problems: Vec<PersonView>,
    /// Left out, with reasons.
    pub left_out: Vec<PersonView>,
    /// People with no 17th to 21st birthday in the year.
    pub outside: usize,
    /// Link to the CSV.
    pub csv_href: &'static str,
}

/// The page's view of a return.
pub fn view(ret: &Return, organisation: &str) -> ReturnView {
    let mut v = ReturnView {
        organisation: organisation.to_string(),
        year: ret.year.label(),
        start: display_date(ret.year.start()),
        end: display_date(ret.year.end()),
        today: display_date(ret.today),
        partial: ret.partial,
        not_from_git: ret.not_from_git.clone(),
        today_instead: ret.entries.iter().filter(|e| e.today_instead.is_some()).count(),
        included: Vec::new(),
        problems: Vec::new(),
        left_out: Vec::new(),
        outside: ret.outside,
        csv_href: "OC3.csv",
    };
    for e in &ret.entries {
        let mut p = PersonView {
            id: e.id.clone(),
            name: e.name.clone(),
            dob: display_date(e.dob),
            birthday: format!("{} birthday, {}", ordinal(e.age), display_date(e.birthday)),
            as_of: match (&e.as_of, &e.today_instead) {
                (Some(c), _) => format!("commit {} of {}", c.id, display_date(c.date)),
                (None, Some(why)) => format!("today's record: {why}"),
                (None, None) => String::new(),
            },
            codes: None,
            notes: Vec::new(),
            reason: None,
            file: None,
            problems: Vec::new(),
        };
        match &e.outcome {
            Outcome::In { codes, notes } => {
                p.codes = Some([codes.in_touch.to_string(), codes.activ.clone(), codes.accom.clone()]);
                p.notes = notes.clone();
                v.included.push(p);
            }
            Outcome::LeftOut { reason } => {
                p.reason = Some(reason.clone());
                v.left_out.push(p);
            }
            Outcome::Problems { file, problems } => {
                p.file = Some(file.clone());
                p.problems = problems.clone();
                v.problems.push(p);
            }
        }
    }
    for u in &ret.unreadable {
        v.left_out.push(PersonView {
            id: u.id.clone(),
            name: u.id.clone(),
            dob: String::new(),
            birthday: String::new(),
            as_of: String::new(),
            codes: None,
            notes: Vec::new(),
            reason: Some(u.reason.clone()),
            file: None,
            problems: Vec::new(),
        });
    }
    v
}
