//! `waymark check`: report every diagnostic (or those `--errors`, `--person`, `--rule` and
//! `--staged` select); exit 1 when any shown is an error.

use super::{find, today, Fatal};
use crate::cli::{CheckArgs, Format};
use crate::diag::{Rule, Severity};
use crate::report::Filter;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Runs the check and prints the report; returns the exit status.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &CheckArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    let (repo, mut report, staged) = if args.staged {
        // What is about to be committed: the git rules would only say "not committed yet".
        let staged = crate::history::staged::staged_files(&root).map_err(Fatal)?;
        let repo = crate::load::load_with(&root, &staged)?;
        let report = crate::check::check(&repo, today);
        (repo, report, Some(staged.into_keys().collect()))
    } else {
        // The records cache is read and refreshed as the history cache is.
        let (repo, git, _) = super::records_and_git(&root)?;
        let report = crate::check::check_with(&repo, today, Some(&git));
        (repo, report, None)
    };
    let mut filter = Filter::new(&repo, args.errors, args.person.as_deref(), args.rule.as_deref()).map_err(Fatal)?;
    filter.files = staged;
    filter.apply(&mut report);
    let text = match args.format {
        Format::Json => crate::report::json(&report),
        Format::Human => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let mut text = crate::report::human_listing(&report, &repo, color, filter.rule == Some(Rule::Uncommitted));
            if let Some(shown) = filter.describe() {
                text.push_str(&shown);
                text.push('\n');
            }
            text
        }
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`waymark check | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(if report.count(Severity::Error) > 0 { 1 } else { 0 })
}
