//! `waymark check`: report every diagnostic; exit 1 when there are errors.

use super::{find, today, Fatal};
use crate::cli::{CheckArgs, Format};
use crate::diag::Severity;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Runs the check and prints the report; returns the exit status.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &CheckArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    let git = crate::check::GitState::open(&root);
    let repo = crate::load::load(&root)?;
    let report = crate::check::check_with(&repo, today, Some(&git));
    let text = match args.format {
        Format::Json => crate::report::json(&report),
        Format::Human => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            crate::report::human(&report, &repo, color)
        }
    };
    let mut out = std::io::stdout().lock();
    // A closed pipe (`waymark check | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    Ok(if report.count(Severity::Error) > 0 { 1 } else { 0 })
}
