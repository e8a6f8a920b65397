//! `waymark print`: one young person's passport or plan as a PDF, printed by Chromium or Chrome.

use super::{find, today, Fatal};
use crate::cli::{PrintArgs, PrintPage};
use crate::print::{print, Printable};
use std::path::Path;

/// Renders the page, prints it to `--pdf` and says where it went.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &PrintArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    let (repo, git, _) = super::records_and_git(&root)?;
    let report = crate::check::check_with(&repo, today, Some(&git));
    let what = match args.page {
        PrintPage::Passport => Printable::Passport,
        PrintPage::Plan => Printable::Plan,
        PrintPage::Transition => Printable::Transition,
    };
    print(&repo, &report, &git, today, what, &args.person, &args.pdf).map_err(Fatal)?;
    println!("printed to {}", crate::term::visible(&args.pdf.display().to_string()));
    Ok(0)
}
