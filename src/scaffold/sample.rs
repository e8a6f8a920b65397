//! The fictional sample service (this project's own `waymark.yaml`, `records/` and `staff/`, embedded
//! at build time) and a git history for it: commits by its fictional staff, dated by the records themselves,
//! in the order the work happened, so history pages and author checks have something to show.
//!
//! The records are written exactly as they are in this project. Earlier versions (a plan before
//! its later reviews, a profile before a move or a closure, a passport before it was issued) are
//! derived from them line by line; the last commit of every file is its real text.

use super::git::Builder;
use crate::model::date::Date;
use crate::model::Repository;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file of the sample: path relative to the repository root, and content.
pub const FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));

/// How far back the sample's history starts.
pub const HISTORY_MONTHS: u32 = 18;

/// The sample's `waymark.yaml`, with `author-mismatch` switched back on: in this copy every
/// commit is made by the staff member the record names.
pub fn config_text() -> String {
    let text =
        FILES.iter().find(|(p, _)| *p == "waymark.yaml").map(|(_, t)| String::from_utf8_lossy(t)).unwrap_or_default();
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim() == "author-mismatch: off" {
            while out.last().is_some_and(|l| l.trim_start().starts_with('#')) {
                out.pop();
            }
            continue;
        }
        out.push(line);
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// Writes the sample's files into `dir` (which must exist), the `.gitignore` included.
pub fn write_files(dir: &Path, gitignore: &str) -> std::io::Result<()> {
    for (path, content) in FILES {
        let dest = dir.join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if *path == "waymark.yaml" {
            std::fs::write(dest, config_text())?;
        } else {
            std::fs::write(dest, content)?;
        }
    }
    std::fs::write(dir.join(".gitignore"), gitignore)
}

/// Which derived versions a file has.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Shape {
    /// The same text all along.
    Fixed,
    /// A profile: before a move, accommodation was different; before closure, it was active.
    Profile { moved: Option<Date>, closed: Option<Date> },
    /// A pathway plan: only the reviews held by then; goals achieved later still open.
    Plan,
    /// A health passport: no `issued:` before it was issued.
    Passport { issued: Option<Date> },
}

/// One commit to make: when (the record's own date), by whom (a staff id), why, and which files.
struct Event {
    date: Date,
    order: u8,
    who: String,
    message: String,
    files: Vec<String>,
}

/// Makes the sample's history in `repo` (whose working folder already holds the files, loaded as
/// `records`): one commit per piece of work, none after `today` or after now.
pub fn make_history(repo: &git2::Repository, records: &Repository, today: Date) -> Result<usize, git2::Error> {
    let now_seconds = chrono::Utc::now().timestamp();
    let now = chrono::Utc::now().date_naive();
    let end = today.min(now);
    let start = end.checked_sub_months(chrono::Months::new(HISTORY_MONTHS)).unwrap_or(end);
    let config = &records.config;
    let manager = config
        .staff
        .iter()
        .find(|s| s.role == Some(crate::model::vocab::Role::Manager))
        .or(config.staff.first())
        .map(|s| s.id.clone())
        .unwrap_or_default();
    let mut shapes: BTreeMap<String, Shape> = BTreeMap::new();
    let mut events = Vec::new();
    for person in &records.people {
        person_events(person, start, &mut events, &mut shapes);
    }
    // Each supervision is committed by the manager who held it, on its day.
    for s in &records.supervision {
        let who = s.by.as_ref().map_or_else(|| manager.clone(), |b| b.value.clone());
        let message =
            format!("Supervision with {}", config.staff(&s.staff).map_or(s.staff.as_str(), |m| m.name.as_str()));
        events.push(Event { date: s.date.value, order: 9, who, message, files: vec![s.source.path.clone()] });
    }
    events.sort_by_key(|e| (e.date.max(start), e.date, e.order));
    // The service is set up before anyone's record is written.
    events.insert(
        0,
        Event {
            date: start,
            order: 0,
            who: manager.clone(),
            message: format!("Set up Waymark for {}", config.organisation),
            files: vec!["waymark.yaml".into(), ".gitignore".into()],
        },
    );

    let finals: BTreeMap<String, Vec<u8>> = FILES
        .iter()
        .map(|(p, t)| (p.to_string(), if *p == "waymark.yaml" { config_text().into_bytes() } else { t.to_vec() }))
        .chain(std::iter::once((".gitignore".to_string(), read(records, ".gitignore"))))
        .collect();
    let mut builder = Builder::new(repo)?;
    let mut committed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut per_day: BTreeMap<Date, i64> = BTreeMap::new();
    let mut count = 0;
    let mut commit = |builder: &mut Builder<'_>, day: Date, who: &str, message: &str| -> Result<(), git2::Error> {
        let n = per_day.entry(day).or_insert(0);
        // From nine in the morning, a minute and a half apart; never later than this moment.
        let seconds = (day.and_hms_opt(9, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0) + (*n).min(400) * 97)
            .min(now_seconds);
        *n += 1;
        let staff = config.staff(who).or(config.staff.first());
        let (name, email) = staff
            .map(|s| (s.name.as_str(), s.email.as_deref().unwrap_or("staff@example.org")))
            .unwrap_or(("Waymark sample", "sample@example.org"));
        count += 1;
        builder.commit(name, email, seconds, message)
    };
    for event in &events {
        let mut changed = false;
        for path in &event.files {
            let Some(text) = finals.get(path) else { continue };
            let shape = shapes.get(path).copied().unwrap_or(Shape::Fixed);
            let content = version(text, shape, event.date);
            if committed.get(path) != Some(&content) {
                builder.put(path, &content)?;
                committed.insert(path.clone(), content);
                changed = true;
            }
        }
        if changed {
            commit(&mut builder, event.date.clamp(start, end), &event.who, &event.message)?;
        }
    }
    // A safety net: whatever is not yet in its final form (a date after today) goes in last.
    let mut late = false;
    for (path, text) in &finals {
        if committed.get(path) != Some(text) {
            builder.put(path, text)?;
            late = true;
        }
    }
    if late {
        commit(&mut builder, end, &manager, "Bring the records up to date")?;
    }
    builder.finish()?;
    Ok(count)
}

fn read(records: &Repository, rel: &str) -> Vec<u8> {
    std::fs::read(records.root.join(rel)).unwrap_or_default()
}

/// The events of one young person's records, and the shapes of their changing files.
fn person_events(
    person: &crate::model::Person,
    start: Date,
    events: &mut Vec<Event>,
    shapes: &mut BTreeMap<String, Shape>,
) {
    let id = &person.id;
    let base = format!("records/{id}");
    let adviser = person
        .profile
        .as_ref()
        .and_then(|p| p.personal_adviser.as_ref().or(p.key_worker.as_ref()))
        .map(|s| s.value.clone())
        .unwrap_or_default();
    let mut dates: Vec<Date> = Vec::new();
    let plan = person.plan.as_ref();
    if let Some(plan) = plan {
        dates.extend(plan.started.as_ref().map(|d| d.value));
        dates.extend(plan.reviews.iter().filter_map(|r| r.date.as_ref().map(|d| d.value)));
    }
    dates.extend(person.notes.iter().map(|n| n.date.value));
    dates.extend(person.outcomes.iter().map(|o| o.date.value));
    dates.extend(person.passport.as_ref().and_then(|h| h.issued.as_ref()).map(|d| d.value));
    let opened = dates.iter().copied().min().unwrap_or(start).max(start);
    let mut push = |date: Date, order: u8, who: &str, message: String, files: Vec<String>| {
        events.push(Event {
            date,
            order,
            who: if who.is_empty() { adviser.clone() } else { who.to_string() },
            message,
            files,
        });
    };

    let mut opening = vec![format!("{base}/profile.md")];
    if let Some(p) = &person.profile {
        let moved = p.accommodation.as_ref().and_then(|a| a.since.as_ref()).map(|d| d.value).filter(|d| *d > opened);
        let closed = p.closed.as_ref().and_then(|c| c.date.as_ref()).map(|d| d.value);
        shapes.insert(format!("{base}/profile.md"), Shape::Profile { moved, closed });
        if let Some(day) = moved {
            let kind =
                p.accommodation.as_ref().and_then(|a| a.kind.as_ref()).map(|k| k.value.as_str()).unwrap_or("new");
            push(day, 3, "", format!("{id}: moved into {kind} accommodation"), vec![format!("{base}/profile.md")]);
        }
        if let Some(day) = closed {
            let reason =
                p.closed.as_ref().and_then(|c| c.reason.as_ref()).map(|r| r.value.as_str()).unwrap_or("closed");
            push(day, 9, "", format!("{id}: record closed ({reason})"), vec![format!("{base}/profile.md")]);
        }
    }
    if let Some(h) = &person.passport {
        let issued = h.issued.as_ref().map(|d| d.value);
        shapes.insert(h.source.path.clone(), Shape::Passport { issued });
        opening.push(h.source.path.clone());
        if let Some(day) = issued.filter(|d| *d > opened) {
            push(day, 4, "", format!("{id}: health passport issued"), vec![h.source.path.clone()]);
        }
    }
    let mut attachments = person.attachments.clone();
    for note in &person.notes {
        let mut files = vec![note.source.path.clone()];
        attachments.retain(|a| {
            let name = a.rsplit('/').next().unwrap_or(a);
            let linked = note.source.text().contains(name);
            if linked {
                files.push(a.clone());
            }
            !linked
        });
        let slug = note.source.path.rsplit('/').next().and_then(|n| n.get(11..)).unwrap_or("").trim_end_matches(".md");
        push(note.date.value, 5, &note.author.value, format!("{id}: {}", slug.replace('-', " ")), files);
    }
    opening.extend(attachments);
    push(opened, 1, "", format!("{id}: new record"), opening);
    if let Some(plan) = plan {
        let path = plan.source.path.clone();
        shapes.insert(path.clone(), Shape::Plan);
        let first = plan.reviews.first().and_then(|r| r.date.as_ref()).map(|d| d.value);
        if let Some(started) = plan.started.as_ref().map(|d| d.value).filter(|s| first.is_none_or(|f| *s < f)) {
            push(started, 2, "", format!("{id}: pathway plan started"), vec![path.clone()]);
        }
        for review in &plan.reviews {
            let Some(date) = review.date.as_ref().map(|d| d.value) else { continue };
            let by = review.by.as_ref().map(|b| b.value.as_str()).unwrap_or("");
            push(date, 2, by, format!("{id}: pathway plan review"), vec![path.clone()]);
        }
        for goal in &plan.goals {
            if let (Some(done), Some(gid)) = (&goal.done, &goal.id) {
                push(done.value, 7, "", format!("{id}: goal `{}` achieved", gid.value), vec![path.clone()]);
            }
        }
    }
    for o in &person.outcomes {
        let by = o.by.as_ref().map(|b| b.value.as_str()).unwrap_or("");
        push(o.date.value, 6, by, format!("{id}: outcome reading"), vec![o.source.path.clone()]);
    }
}

/// A file's text as it stood on `day`.
fn version(text: &[u8], shape: Shape, day: Date) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(text) else { return text.to_vec() };
    let before = |d: Option<Date>| d.is_some_and(|d| day < d);
    let out = match shape {
        Shape::Fixed => return text.as_bytes().to_vec(),
        Shape::Profile { moved, closed } => profile_on(text, before(moved), before(closed)),
        Shape::Plan => plan_on(text, day),
        Shape::Passport { issued } if before(issued) => {
            text.lines().filter(|l| !l.starts_with("issued:")).map(|l| format!("{l}\n")).collect()
        }
        Shape::Passport { .. } => return text.as_bytes().to_vec(),
    };
    out.into_bytes()
}

/// A profile before its move (another kind of accommodation) and before its closure (active).
fn profile_on(text: &str, not_moved: bool, not_closed: bool) -> String {
    let mut out = String::new();
    let mut in_accommodation = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_accommodation = line.starts_with("accommodation:");
        }
        let line = if not_closed && line.starts_with("closed:") {
            continue;
        } else if not_closed && line.trim_end() == "status: closed" {
            "status: active".to_string()
        } else if not_moved && in_accommodation && line.starts_with("  type:") {
            let was = if line.contains("semi-independent") { "supported-lodgings" } else { "semi-independent" };
            format!("  type: {was}")
        } else if not_moved && in_accommodation && (line.starts_with("  since:") || line.starts_with("  address:")) {
            continue;
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A pathway plan as it stood on `day`: later reviews left out, goals achieved later still in progress.
fn plan_on(text: &str, day: Date) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut section = "";
    let mut skipping = false;
    let mut kept_reviews = 0;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            section = if line.starts_with("reviews:") {
                "reviews"
            } else if line.starts_with("goals:") {
                "goals"
            } else {
                ""
            };
            skipping = false;
            if section != "reviews" && out.last().is_some_and(|l| l == "reviews:") && kept_reviews == 0 {
                if let Some(last) = out.last_mut() {
                    *last = "reviews: []".into();
                }
            }
        }
        if section == "reviews" && line.starts_with("  - ") {
            let date = line.trim_start_matches("  - date:").trim();
            skipping = crate::model::date::parse_date(date).is_ok_and(|d| d > day);
            if !skipping {
                kept_reviews += 1;
            }
        }
        if skipping {
            continue;
        }
        if section == "goals" && line.starts_with("    done:") {
            let done = crate::model::date::parse_date(line.trim_start_matches("    done:").trim());
            if done.is_ok_and(|d| d > day) {
                if let Some(status) = out.iter_mut().rev().find(|l| l.starts_with("    status:")) {
                    *status = "    status: in-progress".into();
                }
                continue;
            }
        }
        out.push(line.to_string());
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn d(s: &str) -> Date {
        crate::model::date::parse_date(s).unwrap()
    }

    #[test]
    fn the_sample_is_embedded_whole() {
        assert!(FILES.iter().any(|(p, _)| *p == "waymark.yaml"));
        assert!(FILES.iter().any(|(p, _)| *p == "records/yp-0001/profile.md"));
        assert!(FILES.len() > 100);
    }

    #[test]
    fn the_sample_config_checks_authors() {
        let text = config_text();
        assert!(!text.contains("author-mismatch"));
        assert!(text.contains("neet-long: info"));
        let (_, diags) = Config::parse(&text);
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn a_plan_before_its_later_reviews() {
        let plan = "---\nstarted: 2025-01-01\nreviews:\n  - date: 2025-01-01\n    by: a\n  - date: 2025-07-01\n    by: b\nnext_review: 2026-01-01\ngoals:\n  - id: x\n    status: achieved\n    done: 2025-09-01\n---\nBody\n";
        let early = plan_on(plan, d("2025-03-01"));
        assert!(early.contains("2025-01-01\n    by: a") && !early.contains("by: b"), "{early}");
        assert!(early.contains("status: in-progress") && !early.contains("done:"), "{early}");
        assert_eq!(plan_on(plan, d("2025-10-01")), plan);
        let before = plan_on(plan, d("2024-12-01"));
        assert!(before.contains("reviews: []\nnext_review"), "{before}");
    }

    #[test]
    fn a_profile_before_its_move_and_closure() {
        let p = "---\nstatus: closed\nclosed: { date: 2026-08-29, reason: moved-area }\naccommodation:\n  type: independent\n  since: 2026-06-01\n  suitable: true\n---\n";
        let early = profile_on(p, true, true);
        assert_eq!(early, "---\nstatus: active\naccommodation:\n  type: semi-independent\n  suitable: true\n---\n");
        assert_eq!(profile_on(p, false, false), p);
    }
}
