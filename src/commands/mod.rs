//! One file per subcommand, each a few lines over the library's stages.

pub mod build;
pub mod check;
pub mod completions;
pub mod history;
pub mod hook;
pub mod print;
pub mod schema;
pub mod serve;

use crate::load::{self, LoadError};
use crate::model::date::{parse_date, Date};
use crate::model::Repository;
use std::path::Path;

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
