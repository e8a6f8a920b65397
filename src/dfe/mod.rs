//! The DfE's care-leaver return (SSDA903 table OC3): who is in it, their status at the
//! birthday the return asks about, the codes, and the DfE's own validation rules.
//!
//! [`build`] decides everything; `OC3.csv` ([`Return::csv`]) and `return.html` ([`page`]) only
//! show what it decided.

pub mod board;
pub mod codes;
pub mod cohort;
pub mod page;
pub mod rules;

use crate::model::date::{age_on, display_date, Date};
use crate::model::{Person, Profile, Repository};
use codes::{Codes, Problem};
use cohort::CollectionYear;

/// The commit whose records were read for a birthday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRef {
    /// Short commit id.
    pub id: String,
    /// Its commit date.
    pub date: Date,
}

/// A young person's profile as it stood on a day.
#[derive(Debug, Clone)]
pub enum Found {
    /// The profile, read.
    Profile(Box<Profile>),
    /// There is a `profile.md`, and it cannot be read.
    Unreadable,
    /// There was no `profile.md` for them then.
    NoRecord,
    /// Nothing had been committed by then.
    NoCommit,
}

/// Where the status at each birthday comes from.
pub trait AsOf {
    /// Why statuses are not from git, when they are not (shown in `return.html`).
    fn not_from_git(&self) -> Option<String>;
    /// The young person's profile as it stood at the end of `date`, and the commit it came from.
    fn profile_at(&mut self, id: &str, date: Date) -> Result<(Found, Option<CommitRef>), String>;
}

/// Today's records stand for every birthday (no git, or git could not be read).
pub struct TodayRecords<'a> {
    /// Today's records.
    pub repo: &'a Repository,
    /// Why git is not used, in plain words.
    pub why: String,
}

/// A young person's profile in today's records.
fn today_profile(repo: &Repository, id: &str) -> Found {
    match repo.person(id) {
        Some(Person { profile: Some(p), .. }) => Found::Profile(Box::new(p.clone())),
        Some(Person { has_profile_file: true, .. }) => Found::Unreadable,
        _ => Found::NoRecord,
    }
}

impl AsOf for TodayRecords<'_> {
    fn not_from_git(&self) -> Option<String> {
        Some(self.why.clone())
    }

    fn profile_at(&mut self, id: &str, _: Date) -> Result<(Found, Option<CommitRef>), String> {
        Ok((today_profile(self.repo, id), None))
    }
}

/// Profiles as they stood in git on each day: the last commit on HEAD's first-parent line on or
/// before it ([`crate::history::Timeline`]), read as [`crate::load::load`] reads them.
///
/// Only `profile.md` is read at each commit: loading every record of a 250-person repository at
/// each of ~150 birthday commits ([`crate::load::load_at`]) took 44 s.
pub struct GitRecords {
    git: git2::Repository,
    prefix: String,
    timeline: crate::history::Timeline,
}

impl GitRecords {
    /// Opens the git repository around `root`, with its first-parent line back to `since`;
    /// `Err` says in plain words why git cannot be used.
    pub fn open(root: &std::path::Path, since: Date) -> Result<GitRecords, String> {
        let (git, prefix) = crate::history::open_repository(root)
            .map_err(|e| format!("this folder is not in a git repository that can be read ({})", e.message()))?;
        let timeline = crate::history::Timeline::since(&git, since)
            .map_err(|e| format!("git history cannot be read ({})", e.message()))?;
        if timeline.is_empty() {
            return Err("the git repository has no commits yet".into());
        }
        Ok(GitRecords { git, prefix, timeline })
    }
}

impl AsOf for GitRecords {
    fn not_from_git(&self) -> Option<String> {
        None
    }

    fn profile_at(&mut self, id: &str, date: Date) -> Result<(Found, Option<CommitRef>), String> {
        let Some(oid) = self.timeline.at(date) else { return Ok((Found::NoCommit, None)) };
        let commit = self.git.find_commit(oid).map_err(|e| e.message().to_string())?;
        let when = commit.committer().when();
        let local = when.seconds() + i64::from(when.offset_minutes()) * 60;
        let day = chrono::DateTime::from_timestamp(local, 0).map(|t| t.date_naive()).unwrap_or(date);
        let hex = oid.to_string();
        let at = CommitRef { id: hex.get(..7).unwrap_or(&hex).to_string(), date: day };
        let tree = commit.tree().map_err(|e| e.message().to_string())?;
        let rel = format!("records/{id}/profile.md");
        let entry = match tree.get_path(std::path::Path::new(&format!("{}{rel}", self.prefix))) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok((Found::NoRecord, Some(at))),
            Err(e) => return Err(e.message().to_string()),
        };
        let blob = entry.to_object(&self.git).and_then(|o| o.peel_to_blob()).map_err(|e| e.message().to_string())?;
        let found = match crate::load::read_profile(&rel, blob.content().to_vec()).0 {
            Some(p) => Found::Profile(Box::new(p)),
            None => Found::Unreadable,
        };
        Ok((found, Some(at)))
    }
}

/// What happened to one young person whose 17th to 21st birthday falls in the year.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// In the return with these codes; notes say which codes were written by convention.
    In {
        /// The codes written.
        codes: Codes,
        /// Codes written by convention (0 for not known).
        notes: Vec<String>,
    },
    /// Not in the cohort, or the records cannot say: why.
    LeftOut {
        /// Why, in plain words.
        reason: String,
    },
    /// In the cohort, but the record cannot give a row the DfE accepts.
    Problems {
        /// The profile file read (`records/<id>/profile.md`).
        file: String,
        /// Every reason.
        problems: Vec<Problem>,
    },
}

/// One young person with a 17th to 21st birthday in the year.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Person id (`CHILD`).
    pub id: String,
    /// Their name today.
    pub name: String,
    /// Date of birth, from today's record.
    pub dob: Date,
    /// Which birthday the return asks about.
    pub age: u32,
    /// That birthday.
    pub birthday: Date,
    /// The commit read for it, when statuses come from git.
    pub as_of: Option<CommitRef>,
    /// Why today's record was read instead of git's, when git holds nothing for the birthday.
    pub today_instead: Option<String>,
    /// In, left out, or problems.
    pub outcome: Outcome,
}

/// A young person the return could not consider at all (profile unreadable today).
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Person id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// The return for one collection year.
#[derive(Debug, Clone)]
pub struct Return {
    /// The collection year.
    pub year: CollectionYear,
    /// The date it was made as of.
    pub today: Date,
    /// Made before the year ended (`--partial`).
    pub partial: bool,
    /// Why statuses are today's and not from git, when they are.
    pub not_from_git: Option<String>,
    /// Everyone with a 17th to 21st birthday in the year, by id.
    pub entries: Vec<Entry>,
    /// People whose profile could not be read today.
    pub unreadable: Vec<Unreadable>,
    /// People with no 17th to 21st birthday in the year.
    pub outside: usize,
}

impl Return {
    /// The rows written: id, date of birth, codes.
    pub fn rows(&self) -> impl Iterator<Item = (&Entry, &Codes)> {
        self.entries.iter().filter_map(|e| match &e.outcome {
            Outcome::In { codes, .. } => Some((e, codes)),
            _ => None,
        })
    }

    /// `OC3.csv`: exactly `CHILD,DOB,IN_TOUCH,ACTIV,ACCOM`, dates as DD/MM/YYYY.
    pub fn csv(&self) -> String {
        let mut out = String::from("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n");
        for (e, c) in self.rows() {
            // Person ids are lowercase letters, digits and hyphens, so no field needs quoting.
            out.push_str(&format!("{},{},{},{},{}\r\n", e.id, e.dob.format("%d/%m/%Y"), c.in_touch, c.activ, c.accom));
        }
        out
    }
}

/// Why a return cannot be made at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// Builds the return for `year` from today's records and the records as they stood at each birthday.
///
/// A year that has not ended by `today` is refused unless `partial`; then birthdays still to
/// come are left out.
pub fn build(
    today_repo: &Repository,
    year: CollectionYear,
    today: Date,
    partial: bool,
    as_of: &mut dyn AsOf,
) -> Result<Return, Refused> {
    if !year.ended_by(today) && !partial {
        return Err(Refused(format!(
            "the {} collection year runs to {} and has not ended (today is {today}).\n  Pass --partial to see the return so far, or choose an earlier --year.",
            year.label(),
            year.end()
        )));
    }
    let mut ret = Return {
        year,
        today,
        partial: !year.ended_by(today),
        not_from_git: as_of.not_from_git(),
        entries: Vec::new(),
        unreadable: Vec::new(),
        outside: 0,
    };
    // Asked in birthday order, so each commit is loaded once; listed again by id below.
    let mut due = Vec::new();
    for person in &today_repo.people {
        let Some(profile) = &person.profile else {
            if person.has_profile_file {
                ret.unreadable.push(Unreadable {
                    id: person.id.clone(),
                    reason:
                        "profile.md cannot be read, so the date of birth is not known: run `waymark check` and fix it"
                            .into(),
                });
            }
            continue;
        };
        let Some(dob) = profile.date_of_birth.value() else {
            ret.unreadable.push(Unreadable {
                id: person.id.clone(),
                reason: "the date of birth in profile.md cannot be read: run `waymark check` and fix it".into(),
            });
            continue;
        };
        let Some((age, birthday)) = year.cohort_birthday(dob) else {
            ret.outside += 1;
            continue;
        };
        due.push((birthday, age, dob, person, profile));
    }
    due.sort_by_key(|(birthday, ..)| *birthday);
    for (birthday, age, dob, person, profile) in due {
        let mut today_instead = None;
        let (as_of_commit, outcome) = if birthday > today {
            (None, left_out(format!("their {} birthday, {}, has not come yet", ordinal(age), display_date(birthday))))
        } else {
            match as_of.profile_at(&person.id, birthday) {
                Err(why) => (
                    None,
                    left_out(format!(
                        "the records as they stood on {} could not be read: {why}",
                        display_date(birthday)
                    )),
                ),
                // No history covers this birthday: as without git, today's record stands in, and the page says so.
                Ok((found @ (Found::NoRecord | Found::NoCommit), at))
                    if at.is_some() || as_of.not_from_git().is_none() =>
                {
                    today_instead = Some(match found {
                        Found::NoCommit => {
                            format!("nothing had been committed to git by their birthday ({})", display_date(birthday))
                        }
                        _ => {
                            format!("there was no record of them in git by their birthday ({})", display_date(birthday))
                        }
                    });
                    (None, at_birthday(today_profile(today_repo, &person.id), age, birthday, dob, year))
                }
                Ok((found, at)) => (at, at_birthday(found, age, birthday, dob, year)),
            }
        };
        ret.entries.push(Entry {
            id: person.id.clone(),
            name: profile.display_name().unwrap_or(&person.id).to_string(),
            dob,
            age,
            birthday,
            as_of: as_of_commit,
            today_instead,
            outcome,
        });
    }
    ret.entries.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ret)
}

fn left_out(reason: String) -> Outcome {
    Outcome::LeftOut { reason }
}

/// The outcome for one young person, from their profile as it stood on their birthday.
fn at_birthday(found: Found, age: u32, birthday: Date, dob: Date, year: CollectionYear) -> Outcome {
    let p = match found {
        Found::Profile(p) => p,
        Found::Unreadable => {
            return left_out(format!(
                "profile.md as it stood on their birthday ({}) cannot be read, so their status then is not known",
                display_date(birthday)
            ))
        }
        Found::NoRecord | Found::NoCommit => {
            return left_out(format!("there was no record of them on their birthday ({})", display_date(birthday)))
        }
    };
    let p = &*p;
    let Some(status) = p.legal_status.value() else {
        return left_out(format!(
            "the legal status in profile.md as it stood on their birthday ({}) cannot be read",
            display_date(birthday)
        ));
    };
    if !cohort::counted(status) {
        return left_out(format!(
            "they were {} at their {} birthday: only relevant and former-relevant young people are in the return",
            status.as_str(),
            ordinal(age)
        ));
    }
    let file = p.source.path.clone();
    match codes::codes(p) {
        Err(problems) => Outcome::Problems { file, problems },
        Ok((codes, notes)) => {
            let breaches = rules::breaches(&codes, dob, year);
            if breaches.is_empty() {
                Outcome::In { codes, notes }
            } else {
                Outcome::Problems {
                    file,
                    problems: breaches.iter().map(|b| breach_problem(b, p, birthday, dob)).collect(),
                }
            }
        }
    }
}

/// A DfE rule broken by codes Waymark could make, as a problem in the profile.
fn breach_problem(b: &rules::Breach, p: &Profile, birthday: Date, dob: Date) -> Problem {
    let kind = p.accommodation.as_ref().and_then(|a| a.kind.as_ref());
    let (field, pos, help) = match b.rule {
        "3001" | "347" => (
            "accommodation.type",
            kind.map(|k| k.pos),
            "the DfE asks about accommodation at the 17th birthday; staying put and foyers begin at 18. Correct the accommodation type if it was wrong",
        ),
        _ => ("date_of_birth", p.date_of_birth.pos(), "check the date of birth"),
    };
    let pos = pos.unwrap_or(crate::load::yaml::Pos::new(1, 1));
    Problem {
        field,
        line: pos.line,
        col: pos.col,
        message: format!(
            "{} (DfE rule {}; aged {} on {})",
            b.message,
            b.rule,
            age_on(dob, birthday),
            display_date(birthday)
        ),
        help: help.to_string(),
        dfe_rule: b.rule,
    }
}

/// `17th`, `21st`.
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
