//! `waymark new KIND ...`: write a new record with every field, open it in an editor on a
//! terminal, then check it and print what the check says about it.

use super::{find, today, Fatal};
use crate::check::Report;
use crate::cli::{NewArgs, NewKind};
use crate::config::Config;
use crate::load::fields::closest;
use crate::model::date::{parse_date, Date};
use crate::model::vocab::{valid_id, LegalStatus, NoteKind, Role, Vocab};
use crate::scaffold::{create_new, git, templates};
use crate::term::visible;
use std::io::IsTerminal;
use std::path::Path;

/// Feedback kinds of FORMAT.md 1.1 (the loader of this version does not read feedback yet).
const FEEDBACK_KINDS: &[&str] = &["questionnaire", "exit", "complaint", "compliment", "review-views"];

/// Writes the record, edits it on a terminal, checks it; exit 1 when the new file has errors.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &NewArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    let repo = crate::load::load(&root)?;
    let config = &repo.config;
    let people: Vec<&str> = repo.people.iter().map(|p| p.id.as_str()).collect();
    let person = |id: &str| -> Result<String, Fatal> {
        if people.contains(&id) {
            return Ok(id.to_string());
        }
        let hint = closest(id, people.iter().copied()).map(|n| format!(" Did you mean `{n}`?")).unwrap_or_default();
        Err(Fatal(format!(
            "there is no young person `{}` in records/.{hint}\n  Give the id of their folder, or make them first with `waymark new person`.",
            visible(id)
        )))
    };
    let date = |arg: &Option<String>| -> Result<Date, Fatal> {
        match arg {
            Some(s) => {
                parse_date(s.trim()).map_err(|why| Fatal(format!("--date: {why}.\n  Write the date as YYYY-MM-DD.")))
            }
            None => Ok(today),
        }
    };
    let me = || git::email(&root).and_then(|email| config.staff_by_email(&email)).map(|s| s.id.clone());

    let (rel, text, announce) = match &args.kind {
        NewKind::Person(a) => {
            let dob = parse_date(a.dob.trim())
                .map_err(|why| Fatal(format!("--dob: {why}.\n  Write the date of birth as YYYY-MM-DD.")))?;
            let status = vocab::<LegalStatus>(&a.status, "--status")?;
            let adviser = a.adviser.as_deref().map(|id| staff(config, id, "--adviser")).transpose()?;
            let id = match &a.id {
                Some(id) if !valid_id(id) => return Err(Fatal(format!(
                    "--id `{}` is not a valid person id.\n  Use 2 to 40 lowercase letters, digits and `-`, starting with a letter or digit (for example yp-0042); never a name.",
                    visible(id)
                ))),
                Some(id) if root.join("records").join(id).exists() => {
                    return Err(Fatal(format!("records/{id} already exists; Waymark never overwrites a record.\n  Choose another id, or leave out --id to get the next free one.")))
                }
                Some(id) => id.clone(),
                None => next_id(&root),
            };
            let new = templates::NewPerson { name: &a.name, date_of_birth: dob, legal_status: status, adviser };
            (format!("records/{id}/profile.md"), templates::profile(&new), id)
        }
        NewKind::Note(a) => {
            let id = person(&a.person)?;
            let kind = vocab::<NoteKind>(&a.kind, "--kind")?;
            let author = match &a.author {
                Some(id) => staff(config, id, "--author")?.to_string(),
                None => me().ok_or_else(|| no_me(&root, "--author"))?,
            };
            let day = date(&a.date)?;
            let slug = slug(a.slug.as_deref().unwrap_or(kind.as_str()))?;
            let rel = format!("records/{id}/notes/{day}-{slug}.md");
            (rel.clone(), templates::note(day, &author, kind, a.restricted), rel)
        }
        NewKind::Plan(a) => {
            let id = person(&a.person)?;
            let adviser = repo
                .people
                .iter()
                .find(|p| p.id == id)
                .and_then(|p| p.profile.as_ref())
                .and_then(|p| p.personal_adviser.as_ref())
                .map(|s| s.value.clone())
                .or_else(me)
                .unwrap_or_else(|| "staff-id".into());
            let rel = format!("records/{id}/pathway-plan.md");
            (rel.clone(), templates::plan(today, config.rules.plan_review_months, &adviser), rel)
        }
        NewKind::Passport(a) => {
            let rel = format!("records/{}/health-passport.md", person(&a.person)?);
            (rel.clone(), templates::PASSPORT.to_string(), rel)
        }
        NewKind::Outcome(a) => {
            let id = person(&a.person)?;
            let scale = match &a.scale {
                Some(s) => config.scale(s).ok_or_else(|| {
                    let names = config.outcome_scales.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ");
                    Fatal(format!(
                        "--scale `{}` is not an outcome scale of waymark.yaml.\n  Choose one of: {names}.",
                        visible(s)
                    ))
                })?,
                None => config
                    .outcome_scales
                    .iter()
                    .find(|s| s.id != "keep-on-caring")
                    .or(config.outcome_scales.first())
                    .ok_or_else(|| Fatal("waymark.yaml has no outcome scale".into()))?,
            };
            let by = match &a.by {
                Some(id) => staff(config, id, "--by")?.to_string(),
                None => me().ok_or_else(|| no_me(&root, "--by"))?,
            };
            let day = date(&a.date)?;
            let rel = format!("records/{id}/outcomes/{day}.md");
            (rel.clone(), templates::outcome(day, &by, scale), rel)
        }
        NewKind::Feedback(a) => {
            let id = person(&a.person)?;
            if !FEEDBACK_KINDS.contains(&a.kind.as_str()) {
                return Err(unknown(&a.kind, "--kind", FEEDBACK_KINDS));
            }
            let taken_by = match &a.taken_by {
                Some(id) => Some(staff(config, id, "--taken-by")?.to_string()),
                None => me(),
            };
            let day = date(&a.date)?;
            let slug = slug(a.slug.as_deref().unwrap_or(&a.kind))?;
            let rel = format!("records/{id}/feedback/{day}-{slug}.md");
            (rel.clone(), templates::feedback(day, &a.kind, taken_by.as_deref()), rel)
        }
        NewKind::Supervision(a) => {
            let who = staff(config, &a.staff, "STAFF")?;
            let by = match &a.by {
                Some(id) => staff(config, id, "--by")?.to_string(),
                None => me()
                    .or_else(|| config.staff.iter().find(|s| s.role == Some(Role::Manager)).map(|s| s.id.clone()))
                    .ok_or_else(|| no_me(&root, "--by"))?,
            };
            let day = date(&a.date)?;
            let rel = format!("staff/{who}/supervision/{day}.md");
            (rel.clone(), templates::supervision(day, &by), rel)
        }
    };

    let path = root.join(&rel);
    create_new(&path, &text)
        .map_err(|e| Fatal(format!("{e}\n  Choose another date or --slug, or edit the file that is there.")))?;
    eprintln!("wrote {rel}");
    super::print_out(&format!("{announce}\n"));
    if !args.no_edit && std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        edit(&path);
    }
    Ok(check_one(&root, today, &rel))
}

/// Opens `$VISUAL` or `$EDITOR` on the file and waits for it; says so when neither is set.
fn edit(path: &Path) {
    let editor = ["VISUAL", "EDITOR"].iter().find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()));
    let Some(editor) = editor else {
        eprintln!("Open it in your editor to fill it in (set $EDITOR to have Waymark open it for you).");
        return;
    };
    let mut words = editor.split_whitespace();
    let Some(program) = words.next() else { return };
    match std::process::Command::new(program).args(words).arg(path).status() {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!("the editor ({}) stopped with {status}; the file is kept as it is.", visible(program)),
        Err(e) => eprintln!("could not start the editor `{}`: {e}. Open the file yourself.", visible(program)),
    }
}

/// Checks the repository and prints (on stderr) what concerns the new file; 1 when it has errors.
fn check_one(root: &Path, today: Date, rel: &str) -> u8 {
    let (repo, git) = match super::records_and_git(root) {
        Ok((repo, git, _)) => (repo, git),
        Err(Fatal(e)) => {
            eprintln!("could not check it: {e}");
            return 1;
        }
    };
    let report = crate::check::check_with(&repo, today, Some(&git));
    let diagnostics: Vec<_> =
        report.diagnostics.into_iter().filter(|d| d.file == rel || rel.starts_with(&format!("{}/", d.file))).collect();
    let mine = Report { diagnostics, files: 1 };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    eprint!("{}", crate::report::human(&mine, &repo, color));
    u8::from(mine.count(crate::diag::Severity::Error) > 0)
}

/// The next free `yp-NNNN`, one more than the highest in records/.
fn next_id(root: &Path) -> String {
    let highest = std::fs::read_dir(root.join("records"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    e.file_name().to_str().and_then(|n| n.strip_prefix("yp-")).and_then(|n| n.parse::<u32>().ok())
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    format!("yp-{:04}", highest + 1)
}

/// A staff id that waymark.yaml lists, or an error naming the nearest.
fn staff<'c>(config: &'c Config, id: &str, flag: &str) -> Result<&'c str, Fatal> {
    if let Some(s) = config.staff(id) {
        return Ok(&s.id);
    }
    let ids: Vec<&str> = config.staff.iter().map(|s| s.id.as_str()).collect();
    let hint = closest(id, ids.iter().copied()).map(|n| format!(" Did you mean `{n}`?")).unwrap_or_default();
    Err(Fatal(format!(
        "{flag}: `{}` is not a member of staff in waymark.yaml.{hint}\n  Use an id listed under `staff:`, or add them there first.",
        visible(id)
    )))
}

/// A value from a vocabulary, or an error naming the nearest.
fn vocab<V: Vocab>(value: &str, flag: &str) -> Result<V, Fatal> {
    V::parse(value.trim()).ok_or_else(|| unknown(value, flag, V::NAMES))
}

fn unknown(value: &str, flag: &str, names: &[&str]) -> Fatal {
    let hint = closest(value, names.iter().copied()).map(|n| format!(" Did you mean `{n}`?")).unwrap_or_default();
    Fatal(format!(
        "{flag}: `{}` is not one of the choices.{hint}\n  Choose one of: {}.",
        visible(value),
        names.join(", ")
    ))
}

/// Words made into a file-name slug: `Budgeting session!` -> `budgeting-session`.
fn slug(words: &str) -> Result<String, Fatal> {
    let s = crate::scaffold::staff_id(words);
    if s.is_empty() {
        return Err(Fatal("--slug needs a few letters or digits, such as `home-visit`.".into()));
    }
    Ok(s)
}

/// Why the user's own staff id could not be found, and what to do.
fn no_me(root: &Path, flag: &str) -> Fatal {
    match git::email(root) {
        Some(email) => Fatal(format!(
            "say who wrote it with {flag} STAFF-ID: git's user.email ({}) is not the email of anyone under `staff:` in waymark.yaml.\n  Add your email to your entry in waymark.yaml, or give {flag}.",
            visible(&email)
        )),
        None => Fatal(format!(
            "say who wrote it with {flag} STAFF-ID: git has no user.email to find you by.\n  Set it with `git config user.email you@example.org` (the email under `staff:` in waymark.yaml), or give {flag}."
        )),
    }
}
