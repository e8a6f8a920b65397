//! The few git operations `init` and `new` need, through libgit2 (git2): make a repository,
//! read the user's identity, and commit a set of files with a given author and date.

use git2::{IndexAddOption, IndexEntry, IndexTime, Repository, Signature, Time};
use std::path::Path;

/// Whether the `git` command can be run, so the user can go on to commit.
pub fn on_path() -> bool {
    std::process::Command::new("git")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The user's name and email as git would use them in `dir` (the repository's own settings first).
pub fn identity(dir: &Path) -> Option<(String, String)> {
    Some((setting(dir, "user.name")?, setting(dir, "user.email")?))
}

/// The email git would sign commits with in `dir`, if one is set.
pub fn email(dir: &Path) -> Option<String> {
    setting(dir, "user.email")
}

/// A git setting as it applies in `dir`: the repository's own, else the user's, else the system's.
fn setting(dir: &Path, key: &str) -> Option<String> {
    let config = match Repository::open(dir) {
        Ok(repo) => repo.config().ok()?,
        Err(_) => git2::Config::open_default().ok()?,
    };
    config.get_string(key).ok().filter(|s| !s.trim().is_empty())
}

/// Makes `dir` a git repository.
pub fn init(dir: &Path) -> Result<Repository, String> {
    Repository::init(dir).map_err(|e| format!("could not make a git repository in {}: {}", dir.display(), e.message()))
}

/// Adds every file in the working folder (honouring .gitignore) and commits it as the user.
pub fn commit_all(repo: &Repository, author: &Signature<'_>, message: &str) -> Result<(), git2::Error> {
    let mut index = repo.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), author, author, message, &tree, &parents)?;
    Ok(())
}

/// Builds a line of commits from file contents held in memory, each with its own author and time.
pub struct Builder<'r> {
    repo: &'r Repository,
    index: git2::Index,
    parent: Option<git2::Oid>,
}

impl<'r> Builder<'r> {
    /// Starts a history in `repo`, which should have no commits yet.
    pub fn new(repo: &'r Repository) -> Result<Builder<'r>, git2::Error> {
        Ok(Builder { repo, index: git2::Index::new()?, parent: None })
    }

    /// Sets a file's content for the next commit.
    pub fn put(&mut self, path: &str, content: &[u8]) -> Result<(), git2::Error> {
        let id = self.repo.blob(content)?;
        let entry = IndexEntry {
            ctime: IndexTime::new(0, 0),
            mtime: IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: content.len() as u32,
            id,
            flags: (path.len().min(0xfff)) as u16,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        self.index.add(&entry)
    }

    /// Commits what has been put so far as `name <email>` at `seconds` since 1970 (UTC).
    pub fn commit(&mut self, name: &str, email: &str, seconds: i64, message: &str) -> Result<(), git2::Error> {
        let who = Signature::new(name, email, &Time::new(seconds, 0))?;
        let tree = self.repo.find_tree(self.index.write_tree_to(self.repo)?)?;
        let parent = self.parent.map(|id| self.repo.find_commit(id)).transpose()?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.parent = Some(self.repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)?);
        Ok(())
    }

    /// Makes the repository's own index match the working folder, so git sees nothing uncommitted.
    pub fn finish(self) -> Result<(), git2::Error> {
        let mut index = self.repo.index()?;
        index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
        index.write()
    }
}
