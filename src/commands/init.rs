//! `waymark init [DIR] [--organisation NAME] [--sample]`: a new records repository.

use super::{print_out, today, Fatal};
use crate::cli::InitArgs;
use crate::scaffold::{init, GitOutcome, InitOptions, Initialised};
use crate::term::visible;

/// Makes the repository and prints what to do next.
pub fn run(today_arg: Option<&str>, args: &InitArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let options = InitOptions { organisation: args.organisation.as_deref(), sample: args.sample, today };
    let shown = args.dir.display().to_string();
    let dir = visible(&shown);
    let git = match init(&args.dir, &options).map_err(Fatal)? {
        Initialised::AlreadyThere => {
            print_out(&format!("{dir} is already a Waymark repository (it has waymark.yaml): nothing was changed.\n"));
            return Ok(0);
        }
        Initialised::Made { git } => git,
    };
    let what = if args.sample { "the fictional sample service" } else { "a new records repository" };
    let git = match git {
        GitOutcome::Committed(1) => "git: made a repository and committed the first version.".to_string(),
        GitOutcome::Committed(n) => {
            format!("git: made a repository with {} by the sample's staff.", crate::words::count(n, "commit"))
        }
        GitOutcome::NoIdentity => format!(
            "git: made a repository, but committed nothing: git does not know your name and email yet.\n  Set them (on a shared laptop, for this repository only):\n    cd {dir} && git config user.name \"Your Name\" && git config user.email you@example.org\n  then commit: git add -A && git commit -m \"Start the records repository\""
        ),
        GitOutcome::NoGit => "git: not found, so this folder is not yet a git repository. Install git, then run `git init` here and commit: git keeps the audit trail of who changed what.".to_string(),
    };
    let here = dir == ".";
    let root = if here { String::new() } else { format!(" --root {dir}") };
    let inside = if here { String::new() } else { format!("{dir}/") };
    let steps = if args.sample {
        [
            format!("waymark build{root} --today 2026-11-24    (the sample's dates are written for that day)"),
            format!("open {inside}public/index.html in a browser"),
            format!("waymark check{root} --today 2026-11-24, and read docs/guide.md to start your own"),
        ]
    } else {
        [
            format!("list your staff in {inside}waymark.yaml (id, name, email as in git, role)"),
            format!(
                "waymark new person{root} --name \"Full Name\" --dob YYYY-MM-DD --status relevant --adviser STAFF-ID"
            ),
            format!("waymark build{root}, then open {inside}public/index.html in a browser"),
        ]
    };
    let steps: String = steps.iter().enumerate().map(|(i, s)| format!("  {}. {s}\n", i + 1)).collect();
    print_out(&format!("Made {what} in {dir}.\n{git}\n\nNext:\n{steps}"));
    Ok(0)
}
