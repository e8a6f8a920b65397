//! Running the `git` command on test repositories with fixed people and dates, so commit ids
//! and dates are the same on every run. Every name and email here is fictional.

use super::{Repo, PROFILE};
use std::path::Path;

/// A member of staff in [`super::CONFIG`].
pub const SAM: (&str, &str) = ("Sam Okafor", "sam.okafor@example.org");
/// Another member of staff in [`super::CONFIG`].
pub const AMIRA: (&str, &str) = ("Amira Hassan", "amira.hassan@example.org");

/// Runs git in `dir` as `who` at `date` (both author and committer); returns its trimmed output.
pub fn git_in(dir: &Path, who: (&str, &str), date: &str, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(["-c", &format!("user.name={}", who.0), "-c", &format!("user.email={}", who.1)])
        .args(["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_DATE", format!("{date}T12:00:00+00:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T12:00:00+00:00"))
        .output()
        .expect("run git");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs git in the repository's root.
pub fn git(repo: &Repo, who: (&str, &str), date: &str, args: &[&str]) -> String {
    git_in(repo.root(), who, date, args)
}

/// A clean repository ([`Repo::clean`]) with `.waymark/` git-ignored, committed by Sam on
/// 2026-01-01 as "First records".
pub fn committed_clean() -> Repo {
    let repo = Repo::clean();
    repo.write(".gitignore", ".waymark/\n");
    git(&repo, SAM, "2026-01-01", &["init", "-q"]);
    commit(&repo, SAM, "2026-01-01", "First records");
    repo
}

/// Adds everything and commits it as `who` on `date`; returns the commit id.
pub fn commit(repo: &Repo, who: (&str, &str), date: &str, message: &str) -> String {
    git(repo, who, date, &["add", "-A"]);
    git(repo, who, date, &["commit", "-q", "-m", message]);
    git(repo, who, date, &["rev-parse", "HEAD"])
}

/// A clean repository whose profile is edited in three commits ("Edit 0" to "Edit 2") after
/// "First records", cloned with `--depth 2`: returns the clones' folder (keep it alive) and the clone.
pub fn shallow_clone_of_profile_edits() -> (tempfile::TempDir, std::path::PathBuf) {
    let repo = committed_clean();
    for (i, day) in ["2026-02-01", "2026-03-01", "2026-04-01"].iter().enumerate() {
        repo.write("records/yp-0001/profile.md", PROFILE.replace("Jordan is settling", &format!("Edit {i}: settling")));
        commit(&repo, SAM, day, &format!("Edit {i}"));
    }
    let clones = tempfile::tempdir().expect("temp");
    let url = format!("file://{}", repo.root().display());
    git_in(clones.path(), SAM, "2026-05-01", &["clone", "-q", "--depth", "2", &url, "shallow"]);
    let dst = clones.path().join("shallow");
    (clones, dst)
}
