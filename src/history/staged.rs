//! What is staged for the next commit, read from git's index: `waymark check --staged` checks
//! these versions, so the pre-commit hook judges exactly what is about to be committed.

use git2::{Delta, DiffOptions, Repository};
use std::collections::BTreeMap;
use std::path::Path;

/// The files under the records root that the next commit would add or change, by path relative
/// to the root (`/`-separated), with their staged bytes.
pub fn staged_files(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let repo = Repository::discover(root).map_err(|e| {
        format!("{} is not in a git repository ({}), so nothing is staged", root.display(), e.message())
    })?;
    let prefix = root_prefix(&repo, root)?;
    let index = repo.index().map_err(|e| format!("cannot read git's index: {}", e.message()))?;
    // A repository with no commits yet: everything in the index is new.
    let head = repo.head().ok().and_then(|h| h.peel_to_tree().ok());
    let mut opts = DiffOptions::new();
    if !prefix.is_empty() {
        opts.pathspec(prefix.trim_end_matches('/'));
    }
    let diff = repo
        .diff_tree_to_index(head.as_ref(), Some(&index), Some(&mut opts))
        .map_err(|e| format!("cannot compare git's index with HEAD: {}", e.message()))?;
    let mut out = BTreeMap::new();
    for delta in diff.deltas() {
        if !matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        ) {
            continue;
        }
        let file = delta.new_file();
        let Some(path) = file.path().and_then(|p| p.to_str()) else { continue };
        let path = path.replace('\\', "/");
        let Some(rel) = path.strip_prefix(&prefix) else { continue };
        let blob = repo
            .find_blob(file.id())
            .map_err(|e| format!("cannot read the staged version of {path}: {}", e.message()))?;
        out.insert(rel.to_string(), blob.content().to_vec());
    }
    Ok(out)
}

/// The records root relative to the work tree, `/`-separated with a trailing `/`, or empty.
fn root_prefix(repo: &Repository, root: &Path) -> Result<String, String> {
    let workdir = repo.workdir().ok_or("the git repository has no work tree")?;
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let rel = root.strip_prefix(&workdir).map_err(|_| "the records folder is outside git's work tree")?;
    let mut prefix: String = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    if !prefix.is_empty() {
        prefix.push('/');
    }
    Ok(prefix)
}

/// The first line of every hook Waymark writes, so it can tell its own hook from someone else's.
pub const HOOK_MARK: &str = "# waymark pre-commit hook";

/// What [`install_hook`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum HookInstalled {
    /// A new hook was written at this path.
    Written(std::path::PathBuf),
    /// Waymark's hook was there already and was brought up to date.
    Updated(std::path::PathBuf),
}

/// Writes the pre-commit hook of the git repository holding `root`: a small sh script that runs
/// `waymark check --staged` and stops the commit on errors. A hook that Waymark did not write is
/// never replaced.
pub fn install_hook(root: &Path, waymark: &Path) -> Result<HookInstalled, String> {
    let repo = Repository::discover(root).map_err(|e| {
        format!(
            "{} is not in a git repository ({}).\n  Run `git init` there first, or name the records folder with --root.",
            root.display(),
            e.message()
        )
    })?;
    let prefix = root_prefix(&repo, root)?;
    let hooks = match repo.config().ok().and_then(|c| c.get_path("core.hooksPath").ok()) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => repo.workdir().unwrap_or(repo.path()).join(dir),
        None => repo.commondir().join("hooks"),
    };
    let path = hooks.join("pre-commit");
    let script = hook_script(waymark, prefix.trim_end_matches('/'));
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if let Some(existing) = &existing {
        let ours = String::from_utf8_lossy(existing).lines().nth(1).is_some_and(|l| l.starts_with(HOOK_MARK));
        if !ours {
            return Err(format!(
                "{} already exists and was not written by Waymark, so it is left as it is.\n  \
                 To check records before each commit as well, add this line to it:\n    \
                 {} check --staged --root \"$(git rev-parse --show-toplevel)/{}\" || exit 1",
                path.display(),
                shell_quote(&waymark.to_string_lossy()),
                prefix.trim_end_matches('/')
            ));
        }
    }
    std::fs::create_dir_all(&hooks).map_err(|e| format!("cannot create {}: {e}", hooks.display()))?;
    crate::site::write_file_atomically(&path, script.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    make_executable(&path)?;
    Ok(if existing.is_some() { HookInstalled::Updated(path) } else { HookInstalled::Written(path) })
}

/// The hook itself. It runs the `waymark` that installed it, or the one on PATH if that has gone.
fn hook_script(waymark: &Path, prefix: &str) -> String {
    format!(
        r#"#!/bin/sh
{HOOK_MARK} (written by `waymark hook install`; remove this file to stop it)
waymark={exe}
if [ ! -x "$waymark" ]; then waymark=waymark; fi
root="$(git rev-parse --show-toplevel)/{prefix}"
"$waymark" check --staged --errors --root "$root"
status=$?
if [ "$status" -eq 1 ]; then
  echo >&2
  echo "The commit was stopped: the staged records above have errors." >&2
  echo "Put them right, git add the files again, and commit again." >&2
  echo "To commit anyway: git commit --no-verify" >&2
  exit 1
elif [ "$status" -ne 0 ]; then
  echo >&2
  echo "The commit was stopped: waymark could not check the staged records (see above)." >&2
  echo "To commit anyway: git commit --no-verify" >&2
  exit 1
fi
"#,
        exe = shell_quote(&waymark.to_string_lossy()),
    )
}

/// Text as one sh word in single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("cannot make {} executable: {e}", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes_and_spaces() {
        assert_eq!(shell_quote("/opt/my tools/waymark"), "'/opt/my tools/waymark'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn the_hook_marks_itself_and_says_how_to_skip_it() {
        let script = hook_script(Path::new("/usr/bin/waymark"), "");
        assert_eq!(script.lines().nth(1).map(|l| l.starts_with(HOOK_MARK)), Some(true));
        assert!(script.contains("git commit --no-verify"));
        assert!(script.contains("check --staged"));
    }
}
