//! `waymark init [DIR] [--organisation NAME] [--sample]`: a new records repository.

use super::{today, Fatal};
use crate::cli::InitArgs;
use crate::scaffold::{init, GitOutcome, InitOptions, Initialised};
use crate::term::visible;

/// Makes the repository and prints what to do next.
pub fn run(today_arg: Option<&str>, args: &InitArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let options = InitOptions { organisation: args.organisation.as_deref(), sample: args.sample, today };
    let shown = args.dir.display().to_string();
    let dir = visible(&shown);
    match init(&args.dir, &options).map_err(Fatal)? {
        Initialised::AlreadyThere => {
            println!("{dir} is already a Waymark repository (it has waymark.yaml): nothing was changed.");
            return Ok(0);
        }
        Initialised::Made { git } => {
            let what = if args.sample { "the fictional sample service" } else { "a new records repository" };
            println!("Made {what} in {dir}.");
            match git {
                GitOutcome::Committed(1) => println!("git: made a repository and committed the first version."),
                GitOutcome::Committed(n) => println!("git: made a repository with {n} commits by the sample's staff."),
                GitOutcome::NoIdentity => println!(
                    "git: made a repository, but committed nothing: git does not know your name and email yet.\n  Set them (on a shared laptop, for this repository only):\n    cd {dir} && git config user.name \"Your Name\" && git config user.email you@example.org\n  then commit: git add -A && git commit -m \"Start the records repository\""
                ),
                GitOutcome::NoGit => println!(
                    "git: not found, so this folder is not yet a git repository. Install git, then run `git init` here and commit: git keeps the audit trail of who changed what."
                ),
            }
        }
    }
    let root = if dir == "." { String::new() } else { format!(" --root {dir}") };
    println!("\nNext:");
    if args.sample {
        println!("  1. waymark build{root} --today 2026-11-24    (the sample's dates are written for that day)");
        println!(
            "  2. open {}/index.html in a browser",
            if dir == "." { "public".into() } else { format!("{dir}/public") }
        );
        println!("  3. waymark check{root} --today 2026-11-24, and read docs/guide.md to start your own");
    } else {
        println!(
            "  1. list your staff in {}waymark.yaml (id, name, email as in git, role)",
            if dir == "." { String::new() } else { format!("{dir}/") }
        );
        println!(
            "  2. waymark new person{root} --name \"Full Name\" --dob YYYY-MM-DD --status relevant --adviser STAFF-ID"
        );
        println!("  3. waymark build{root}, then open the site's index.html in a browser");
    }
    Ok(0)
}
