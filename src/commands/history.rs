//! `waymark history <person-id | path>`: who changed what, when and why, from git.

use super::{open, Fatal};
use crate::cli::HistoryArgs;
use crate::config::Config;
use crate::history::{Change, ChangeKind, Entry, History};
use crate::model::date::display_date;
use crate::model::Repository;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Prints the history of a person or a record; returns the exit status.
pub fn run(root: Option<&Path>, args: &HistoryArgs) -> Result<u8, Fatal> {
    let repo = open(root)?;
    let history = History::open_cached(&repo.root);
    let text = render(&repo, &history, &args.target)?;
    show(&text, args.no_pager);
    Ok(0)
}

/// The history of `target` (a person id, or a record's path) as text.
pub fn render(repo: &Repository, history: &History, target: &str) -> Result<String, Fatal> {
    let mut out = String::new();
    let (title, prefix, strip, entries) = if let Some(person) = repo.person(target) {
        let name = person.profile.as_ref().and_then(|p| p.display_name()).map(|n| format!(", {n}")).unwrap_or_default();
        let prefix = format!("records/{}/", person.id);
        (format!("History of {}{name}", person.id), prefix.clone(), prefix.clone(), history.timeline(&prefix))
    } else {
        let path = root_relative(&repo.root, target).ok_or_else(|| {
            Fatal(format!(
                "{target} is neither a person id nor a path inside the records repository.\n  \
                 Give a person id such as yp-0001, or the path of a record such as records/yp-0001/profile.md."
            ))
        })?;
        let dir = repo.root.join(&path).is_dir() || path.is_empty();
        if dir {
            let prefix = if path.is_empty() { String::new() } else { format!("{}/", path.trim_end_matches('/')) };
            (
                format!("History of {}", if path.is_empty() { "the repository" } else { &path }),
                prefix.clone(),
                prefix.clone(),
                history.timeline(&prefix),
            )
        } else {
            let key = history.resolve_path(&path).unwrap_or(path.clone());
            let entries = history
                .changes(&key)
                .iter()
                .filter_map(|c| Some(Entry { commit: history.commit(c)?, changes: vec![c] }))
                .collect();
            let folder = match key.rfind('/') {
                Some(i) => key[..=i].to_string(),
                None => String::new(),
            };
            (format!("History of {key}"), key, folder, entries)
        }
    };
    if let Some(reason) = history.reason() {
        let _ = writeln!(out, "{title}\n\nNo history: {reason}.");
        return Ok(shown(out));
    }
    let n = entries.len();
    let _ = writeln!(out, "{title}: {n} {}, newest first.", if n == 1 { "commit" } else { "commits" });
    if history.is_shallow() {
        let _ = writeln!(
            out,
            "This history is partial: the repository is a shallow clone, so earlier changes are not shown."
        );
    }
    if entries.is_empty() {
        let _ = writeln!(out, "\nNo commit has changed {prefix} yet.");
    }
    let git = history.repository();
    for e in &entries {
        write_entry(&mut out, &repo.config, e, &strip);
        if let Some(git) = &git {
            for ch in &e.changes {
                write_detail(&mut out, history, git, ch, &strip, e.changes.len() > 1);
            }
        }
    }
    Ok(shown(out))
}

/// The text as it may reach a terminal: commit messages, author names, paths and changed
/// words all come from git or records, so every control character in them is made visible.
fn shown(out: String) -> String {
    match crate::term::visible(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(safe) => safe,
    }
}

fn write_entry(out: &mut String, config: &Config, e: &Entry<'_>, strip: &str) {
    let c = e.commit;
    let _ = writeln!(out, "\n{}  {}  {}", display_date(c.date()), c.author_shown(config), c.short_id());
    for line in c.message.trim_end().lines() {
        let _ = writeln!(out, "    {line}");
    }
    if c.boundary {
        let _ = writeln!(out, "    (the shallow clone starts here: files are shown as first seen)");
    }
    let _ = writeln!(out);
    for ch in &e.changes {
        let _ = writeln!(out, "    {:<9} {}", ch.kind.as_str(), describe(ch, strip));
    }
}

/// Most lines of field and word changes shown for one file, so one large edit does not flood the terminal.
const DETAIL_LINES: usize = 12;

fn write_detail(out: &mut String, history: &History, git: &git2::Repository, ch: &Change, strip: &str, named: bool) {
    let Some(detail) = history.detail(git, ch) else { return };
    let mut lines: Vec<String> = detail.fields.iter().map(|f| f.to_string()).collect();
    lines.extend(crate::history::diff::changed_lines(&detail.body));
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out);
    if named {
        let _ = writeln!(out, "    {}:", describe(ch, strip));
    }
    let total = lines.len();
    for line in lines.into_iter().take(DETAIL_LINES) {
        let _ = writeln!(out, "      {line}");
    }
    if total > DETAIL_LINES {
        let _ = writeln!(out, "      … and {} more", total - DETAIL_LINES);
    }
}

fn describe(ch: &Change, strip: &str) -> String {
    let short = |p: &str| p.strip_prefix(strip).filter(|s| !s.is_empty()).unwrap_or(p).to_string();
    match (&ch.kind, &ch.from) {
        (ChangeKind::Renamed, Some(from)) => format!("{} (from {})", short(&ch.path), short(from)),
        _ => short(&ch.path),
    }
}

/// `target` as a `/`-separated path relative to the records root, if it lies inside it.
fn root_relative(root: &Path, target: &str) -> Option<String> {
    let given = Path::new(target);
    let here = std::env::current_dir().ok();
    let candidates = [here.map(|h| h.join(given)), Some(root.join(given))];
    for abs in candidates.into_iter().flatten() {
        let abs = super::real_path(&abs);
        if let Ok(rel) = abs.strip_prefix(super::real_path(root)) {
            if abs.exists() || root.join(rel).exists() || rel.starts_with("records") {
                let parts: Vec<String> =
                    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                return Some(parts.join("/"));
            }
        }
    }
    None
}

/// Writes `text` through the user's pager when stdout is a terminal, like git; plainly otherwise.
fn show(text: &str, no_pager: bool) {
    let stdout = std::io::stdout();
    if !no_pager && stdout.is_terminal() {
        let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less -FRX".into());
        let child = std::process::Command::new("sh").arg("-c").arg(&pager).stdin(std::process::Stdio::piped()).spawn();
        if let Ok(mut child) = child {
            if let Some(mut stdin) = child.stdin.take() {
                // The reader quitting early (q in less) closes the pipe; that is not an error.
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
            return;
        }
    }
    let mut out = stdout.lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
