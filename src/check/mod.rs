//! Checking a loaded repository against the rules of FORMAT.md §9.
//!
//! Loading already reported what is wrong inside single files (syntax,
//! fields, paths). The rules here look across a person's records and at
//! today's date. Each family of rules has its own file.

mod accommodation;
pub mod due;
mod feedback;
mod git;

pub use due::{skipped_without, Deadline, Due};
pub use git::GitState;
pub use people::NEET_LONG_DAYS;
mod contact;
pub(crate) mod links;
mod notes;
mod oversight;
mod people;
mod plans;
pub mod supervision;

pub use links::resolve;

use crate::diag::{Diagnostic, Rule, Severity};
use crate::load::yaml::Pos;
use crate::model::date::Date;
use crate::model::{Person, Repository, Source};
use rayon::prelude::*;

/// What a check found, and how many files it looked at.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every diagnostic, sorted by file then position, severities as configured.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files checked (`waymark.yaml` included).
    pub files: usize,
}

impl Report {
    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Runs every rule over the repository as of `today`, without the git rules.
pub fn check(repo: &Repository, today: Date) -> Report {
    check_with(repo, today, None)
}

/// Runs every rule as of `today`; with a history, also the git rules (`uncommitted`, `author-mismatch`).
pub fn check_with(repo: &Repository, today: Date, git: Option<&GitState>) -> Report {
    let mut diagnostics = repo.diagnostics.clone();
    if let Some(git) = git {
        git::check(repo, git, &mut diagnostics);
    }
    supervision::check(repo, today, &mut diagnostics);
    let per_person: Vec<Vec<Diagnostic>> =
        repo.people.par_iter().map(|person| person_rules(repo, today, person)).collect();
    diagnostics.extend(per_person.into_iter().flatten());
    settle(&repo.config, &mut diagnostics);
    Report { diagnostics, files: repo.files + 1 }
}

/// What the rules find in one entry of `records/` (a person's folder, or a stray file) as of
/// `today`, with severities as configured; loading's own diagnostics are not included. With a
/// history, the git rules run on the entry's files too.
///
/// Links into other people's records are judged against the whole repository.
pub fn check_person(repo: &Repository, today: Date, name: &str, git: Option<&GitState>) -> Vec<Diagnostic> {
    let mut out = repo.person(name).map(|person| person_rules(repo, today, person)).unwrap_or_default();
    if let Some(git) = git {
        git::check_entry(repo, git, name, &mut out);
    }
    settle(&repo.config, &mut out);
    out
}

/// Every per-person rule family over one person, at default severities.
fn person_rules(repo: &Repository, today: Date, person: &Person) -> Vec<Diagnostic> {
    run(repo, today, person, true).0
}

/// What falls due for one person, as the rules that report it overdue decide, soonest first.
/// Closed records have nothing due; a rule skipped for a bad field has no deadlines either.
pub fn due(repo: &Repository, person: &Person, today: Date) -> Vec<Due> {
    run(repo, today, person, false).1
}

/// Runs the rule families over one person; `all` adds the families that set no deadlines.
fn run(repo: &Repository, today: Date, person: &Person, all: bool) -> (Vec<Diagnostic>, Vec<Due>) {
    let mut c = Checker { repo, today, person, out: Vec::new(), due: Vec::new() };
    people::check(&mut c);
    accommodation::check(&mut c);
    plans::check(&mut c);
    oversight::check(&mut c);
    contact::check(&mut c);
    if all {
        notes::check(&mut c);
        feedback::check(&mut c);
        links::check(&mut c);
    }
    let skipped = due::skipped_for(person);
    c.out.retain(|d| !skipped.contains(&d.rule));
    c.due.retain(|d| !skipped.contains(&d.rule));
    c.due.sort();
    (c.out, c.due)
}

/// Gives diagnostics the severities `waymark.yaml` sets, drops those switched off, and sorts
/// them by file, then position, then rule.
pub fn settle(config: &crate::config::Config, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.retain_mut(|d| {
        d.severity = config.rules.severity_of(d.rule);
        d.severity != Severity::Off
    });
    diagnostics.sort_by(|a, b| (&a.file, a.pos, a.rule).cmp(&(&b.file, b.pos, b.rule)));
}

/// The state shared by the rules while checking one person.
pub(crate) struct Checker<'a> {
    repo: &'a Repository,
    today: Date,
    person: &'a Person,
    out: Vec<Diagnostic>,
    due: Vec<Due>,
}

impl Checker<'_> {
    /// Records a deadline that `rule` judges.
    fn due(&mut self, date: Date, what: Deadline, rule: Rule) {
        self.due.push(Due { date, what, rule });
    }

    /// Reports a problem at a place in one of the person's files.
    fn report(&mut self, rule: Rule, source: &Source, pos: Pos, message: String, help: &str) {
        let mut d = Diagnostic::new(rule, &source.path, pos, message);
        if !help.is_empty() {
            d = d.help(help);
        }
        d.person = Some(self.person.id.clone());
        self.out.push(d);
    }

    /// Reports `unknown-staff` when `id` is not in `waymark.yaml`.
    fn staff_id(&mut self, source: &Source, id: &crate::model::Spanned<String>, role: &str) {
        if self.repo.config.staff(&id.value).is_some() {
            return;
        }
        let ids = self.repo.config.staff.iter().map(|s| s.id.as_str());
        let help = match crate::load::fields::closest(&id.value, ids) {
            Some(s) => format!("did you mean `{s}`? Otherwise add `{}` to the staff list in waymark.yaml", id.value),
            None => {
                format!("add `{}` to the staff list in waymark.yaml, or use the id of someone listed there", id.value)
            }
        };
        self.report(
            Rule::UnknownStaff,
            source,
            id.pos,
            format!("{role} `{}` is not a staff id in waymark.yaml", id.value),
            &help,
        );
    }

    /// Reports `future-date` for a dated entry after today.
    fn not_future(&mut self, source: &Source, date: &crate::model::Spanned<Date>, what: &str) {
        if date.value > self.today {
            let message = format!("{what} is dated {}, which is after today ({})", date.value, self.today);
            self.report(
                Rule::FutureDate,
                source,
                date.pos,
                message,
                "record events once they have happened; check the year and month",
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds small repositories in memory for the rule tests.
    use super::*;
    use crate::load::fields::Ctx;
    use crate::load::records::{self, Kind, Record};
    use crate::load::{split_front_matter, yaml};
    use std::sync::Arc;

    /// A repository with two staff (Amira Hassan a manager) and the given person's files (path under the person folder, text).
    pub fn repo(files: &[(&str, &str)]) -> Repository {
        let (config, _) = crate::config::Config::parse(
            "organisation: Test\nstaff:\n  - id: sam-okafor\n    name: Sam Okafor\n  - id: amira-hassan\n    name: Amira Hassan\n    role: manager\n",
        );
        let mut person = Person { id: "yp-0001".into(), ..Person::default() };
        let mut repo = Repository { config, ..Repository::default() };
        for (name, text) in files {
            let path = format!("records/yp-0001/{name}");
            let kind = match *name {
                "profile.md" => Kind::Profile,
                "pathway-plan.md" => Kind::Plan,
                "health-passport.md" => Kind::Passport,
                n if n.starts_with("notes/") => Kind::Note,
                n if n.starts_with("outcomes/") => Kind::Outcome,
                n if n.starts_with("feedback/") => Kind::Feedback,
                _ => {
                    person.attachments.push(path);
                    continue;
                }
            };
            let split = split_front_matter(text).expect("test record has front matter");
            let source = Arc::new(Source::new(path.clone(), text.to_string(), split.body_start, split.body_line, None));
            let node = yaml::parse(&text[split.yaml.clone()], 2).expect("test YAML parses");
            let ctx = Ctx::new(&path, Pos::new(1, 1));
            let record = records::read(kind, source.clone(), &node, &ctx);
            repo.diagnostics.extend(ctx.finish());
            repo.sources.insert(path, source);
            match record.expect("test record reads") {
                Record::Profile(p) => {
                    person.profile = Some(*p);
                    person.has_profile_file = true;
                }
                Record::Plan(p) => {
                    person.plan = Some(*p);
                    person.has_plan_file = true;
                }
                Record::Passport(p) => {
                    person.passport = Some(*p);
                    person.has_passport_file = true;
                }
                Record::Note(n) => person.notes.push(n),
                Record::Outcome(o) => person.outcomes.push(o),
                Record::Feedback(f) => person.feedback.push(f),
                Record::Supervision(s) => repo.supervision.push(s),
            }
        }
        repo.people.push(person);
        repo
    }

    /// The rules that fire on `files` as of `today`.
    pub fn fired(files: &[(&str, &str)], today: &str) -> Vec<Diagnostic> {
        let repo = repo(files);
        let today = crate::model::date::parse_date(today).expect("valid test date");
        check(&repo, today).diagnostics
    }

    /// Whether `rule` fired.
    pub fn fires(files: &[(&str, &str)], today: &str, rule: Rule) -> bool {
        fired(files, today).iter().any(|d| d.rule == rule)
    }

    /// A profile with a given legal status and date of birth, plus extra fields.
    pub fn profile(status: &str, dob: &str, extra: &str) -> String {
        format!("---\nname: Test Person\ndate_of_birth: {dob}\nlegal_status: {status}\npersonal_adviser: sam-okafor\n{extra}---\nBody.\n")
    }
}
