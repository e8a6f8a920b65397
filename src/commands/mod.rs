//! One file per subcommand, each a few lines over the library's stages.

pub mod build;
pub mod check;
pub mod completions;
pub mod explain;
pub mod export;
pub mod history;
pub mod hook;
pub mod init;
pub mod new;
pub mod print;
pub mod return_903;
pub mod schema;
pub mod serve;

use crate::load::{self, LoadError};
use crate::model::date::{parse_date, Date};
use crate::model::Repository;
use std::path::{Path, PathBuf};

/// Why a command could not run at all (exit status 2).
#[derive(Debug)]
pub struct Fatal(pub String);

impl From<LoadError> for Fatal {
    fn from(e: LoadError) -> Fatal {
        Fatal(e.to_string())
    }
}

/// Finds and loads the repository named by `--root`, or the one around the working directory.
pub fn open(root: Option<&Path>) -> Result<Repository, Fatal> {
    Ok(load::load(&find(root)?)?)
}

/// The records at `root` and git's state of them, read as every command that checks them reads
/// them: through the records cache, with git's index read by gix where libgit2 cannot read it
/// (a split index), and git status taken before the records are in memory when something is
/// staged ([`crate::check::GitState::load_with`]). Also gives the caches' folder, for a command
/// that keeps more (finding it asks git where the repository is).
pub fn records_and_git(root: &Path) -> Result<(Repository, crate::check::GitState, Option<PathBuf>), Fatal> {
    let cache_dir = crate::history::cache_dir(root);
    let (git, repo) = crate::check::GitState::load_with(root, cache_dir.as_deref());
    let git = git.ok_or_else(|| Fatal("reading the git history stopped unexpectedly".into()))?;
    Ok((repo?, git, cache_dir))
}

/// The repository root named by `--root`, or the one around the working directory.
pub fn find(root: Option<&Path>) -> Result<std::path::PathBuf, Fatal> {
    Ok(match root {
        Some(dir) => {
            if !dir.is_dir() {
                let what = if dir.exists() { "is not a folder" } else { "no such folder" };
                return Err(Fatal(format!(
                    "--root {}: {what}.\n  Name the folder that holds waymark.yaml.",
                    dir.display()
                )));
            }
            dir.canonicalize().map_err(|e| Fatal(format!("cannot read {}: {e}", dir.display())))?
        }
        None => {
            let here = std::env::current_dir().map_err(|e| Fatal(format!("cannot read the working folder: {e}")))?;
            load::find_root(&here)?
        }
    })
}

/// The date to judge by: `--today` / `WAYMARK_TODAY`, else the system's date.
pub fn today(arg: Option<&str>) -> Result<Date, Fatal> {
    match arg {
        Some(s) => parse_date(s.trim()).map_err(|why| {
            Fatal(format!("--today: {why}.\n  Write the date as YYYY-MM-DD, for example --today 2026-11-24."))
        }),
        None => Ok(chrono::Local::now().date_naive()),
    }
}

/// The real path of `path`, which need not exist yet: its deepest existing ancestor with every
/// link resolved, then the rest of the path, so two names for one folder compare equal.
pub(crate) fn real_path(path: &Path) -> std::path::PathBuf {
    let mut base = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = base.canonicalize() {
            // The part that does not exist yet has no links to resolve, only `.` and `..` to fold.
            let tail: std::path::PathBuf = rest.iter().rev().collect();
            return normalise(&real.join(tail));
        }
        match (base.file_name(), base.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                base = parent.to_path_buf();
            }
            // `..` or `.` as the last component of a missing path: fold it and try again.
            _ if base.parent().is_some() && base != normalise(&base) => base = normalise(&base),
            _ => return normalise(path),
        }
    }
}

/// Writes text to stdout; a closed pipe (`waymark explain | head`) is not an error worth reporting.
pub(crate) fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Removes `.` and `..` components without touching the disk (the path may not exist yet).
pub(crate) fn normalise(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_paths_follow_links_and_keep_what_does_not_exist_yet() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::create_dir_all(root.join("records/yp-1")).expect("mkdir");
        std::os::unix::fs::symlink(root.join("records/yp-1"), root.join("link")).expect("link");
        assert_eq!(real_path(&root.join("link/new/site")), root.join("records/yp-1/new/site"));
        assert_eq!(
            real_path(&root.join("link/../x")),
            root.join("records/x"),
            "`..` after a link is the link's parent"
        );
        assert_eq!(real_path(&root.join("missing/../public")), root.join("public"));
        assert_eq!(real_path(&root.join("records/./yp-1")), root.join("records/yp-1"));
    }
}
