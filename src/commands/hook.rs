//! `waymark hook install`: the git pre-commit hook that runs `waymark check --staged`.

use super::{find, Fatal};
use crate::cli::{HookAction, HookArgs};
use crate::history::staged::{install_hook, HookInstalled};
use std::path::Path;

/// Installs the hook and says where it is and how to commit without it.
pub fn run(root: Option<&Path>, args: &HookArgs) -> Result<u8, Fatal> {
    match args.action {
        HookAction::Install => {
            let root = find(root)?;
            let exe =
                std::env::current_exe().map_err(|e| Fatal(format!("cannot tell where waymark itself is: {e}")))?;
            let done = install_hook(&root, &exe).map_err(Fatal)?;
            let (verb, path) = match &done {
                HookInstalled::Written(p) => ("installed", p),
                HookInstalled::Updated(p) => ("updated", p),
            };
            println!(
                "{verb} the pre-commit hook at {}.\nFrom now on `git commit` checks the staged records first and stops \
                 when one has an error.\nTo commit anyway, once: git commit --no-verify",
                crate::term::visible(&path.display().to_string())
            );
            Ok(0)
        }
    }
}
