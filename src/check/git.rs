//! Rules that compare the records with git: `uncommitted` and `author-mismatch`.

use crate::diag::{Diagnostic, Rule};
use crate::history::{FileState, History};
use crate::load::yaml::Pos;
use crate::model::Repository;

/// What the git rules need: the history, and git status taken before the records were loaded.
pub struct GitState {
    /// Every record's commits.
    pub history: History,
    /// Record files modified or not yet in git.
    pub uncommitted: Vec<(String, FileState)>,
    /// Why git status could not be read, when it could not: then `uncommitted` is empty for
    /// want of an answer, not because everything is committed.
    pub status_failed: Option<String>,
}

impl GitState {
    /// The git state from the history and the answer git status gave.
    fn with_status(history: History, status: Result<Vec<(String, FileState)>, String>) -> GitState {
        match status {
            Ok(uncommitted) => GitState { history, uncommitted, status_failed: None },
            Err(why) => GitState { history, uncommitted: Vec::new(), status_failed: Some(why) },
        }
    }

    /// Reads the records (through the records cache in `cache_dir`) and git's state of them side
    /// by side, as `build`, `check` and `serve` start: the history and a snapshot of git's index
    /// on one thread while the records are walked, stamped and read, then git status only for
    /// the files the index does not vouch for ([`History::uncommitted_walked`]). `None` for
    /// the git state if reading it stopped unexpectedly.
    ///
    /// With something staged, git status is taken before the records are in memory: libgit2's
    /// status peaks near 350 MB on 100,000 files and gives it back when done, so taken while the
    /// records were in memory it pushed `check` from 320 MB to 575 MB. It is taken after them
    /// only when the walk met a folder it did not enter or hundreds of files the index does not
    /// vouch for.
    pub fn load_with(
        root: &std::path::Path,
        cache_dir: Option<&std::path::Path>,
    ) -> (Option<GitState>, Result<Repository, crate::load::LoadError>) {
        const RECORDS: &str = "records/";
        let (git, loaded) = std::thread::scope(|s| {
            let git = s.spawn(|| {
                let history = History::open_cached(root);
                let index = history.index_stat(RECORDS);
                let before = match &index {
                    Some(index) if index.unstaged() => None,
                    _ => Some(history.uncommitted(RECORDS)),
                };
                (history, index, before)
            });
            let loaded = crate::load::load_walked(root, cache_dir);
            (git.join().ok(), loaded)
        });
        let git = git.map(|(history, index, before)| {
            let status = match (before, &index, &loaded) {
                (Some(before), _, _) => before,
                (None, Some(index), Ok((_, walked))) => history.uncommitted_walked(RECORDS, index, walked),
                (None, _, _) => history.uncommitted(RECORDS),
            };
            let status = match (status, &index, &loaded) {
                // git status could not be taken (libgit2 cannot read a split index): the index
                // as gix read it, with the records walked, may still tell.
                (Err(why), Some(index), Ok((_, walked))) => {
                    history.uncommitted_from_index(RECORDS, index, walked).map_err(|_| why)
                }
                (status, _, _) => status,
            };
            GitState::with_status(history, status)
        });
        (git, loaded.map(|(repo, _)| repo))
    }
}

/// Runs the git rules; they say nothing when there is no git repository.
pub(crate) fn check(repo: &Repository, git: &GitState, out: &mut Vec<Diagnostic>) {
    if git.history.git().is_none() {
        return;
    }
    if let Some(why) = &git.status_failed {
        let message = format!("git could not say which records are not yet committed ({why}), so none are listed here");
        let help = "run `git status records` to see them; if git reports a problem with its index, mend that first";
        out.push(Diagnostic::new(Rule::Uncommitted, "records", Pos::new(1, 1), message).help(help));
    }
    uncommitted(&git.uncommitted, out);
    use rayon::prelude::*;
    let staff = repo.config.staff_lookup();
    let mismatches: Vec<Diagnostic> = repo
        .people
        .par_iter()
        .flat_map_iter(|person| {
            let mut found = Vec::new();
            for note in &person.notes {
                author_mismatch(&staff, &git.history, note, &mut found);
            }
            found
        })
        .collect();
    out.extend(mismatches);
}

/// Runs the git rules on one entry of `records/` (a person's folder, or a stray file there).
pub(crate) fn check_entry(repo: &Repository, git: &GitState, name: &str, out: &mut Vec<Diagnostic>) {
    if git.history.git().is_none() {
        return;
    }
    let folder = format!("records/{name}");
    let inside = |path: &str| path == folder || path.strip_prefix(&folder).is_some_and(|rest| rest.starts_with('/'));
    let files: Vec<(String, FileState)> = git.uncommitted.iter().filter(|(p, _)| inside(p)).cloned().collect();
    uncommitted(&files, out);
    let staff = repo.config.staff_lookup();
    for note in repo.person(name).into_iter().flat_map(|p| &p.notes) {
        author_mismatch(&staff, &git.history, note, out);
    }
}

fn uncommitted(files: &[(String, FileState)], out: &mut Vec<Diagnostic>) {
    for (path, state) in files {
        let (message, help) = match state {
            FileState::Untracked => (
                format!("{path} is not in git yet, so it has no history and no backup in the repository"),
                "commit it with a message saying why it was added (git add, then git commit)",
            ),
            FileState::Modified => (
                format!("{path} has changes not yet committed to git"),
                "commit the changes with a message saying why they were made",
            ),
        };
        out.push(Diagnostic::new(Rule::Uncommitted, path, Pos::new(1, 1), message).help(help));
    }
}

/// `author-mismatch`: the note names one member of staff as its author, but the commit that added
/// it came from another member of staff's email. A shared account or an email nobody in
/// `waymark.yaml` has says nothing about who wrote the note, so it is no finding; nor is an
/// author with no email to compare.
fn author_mismatch(
    lookup: &crate::config::StaffLookup,
    history: &History,
    note: &crate::model::Note,
    out: &mut Vec<Diagnostic>,
) {
    let Some(staff) = lookup.by_id(&note.author.value) else { return };
    if staff.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
        return;
    }
    let Some((commit, _)) = history.added_by(&note.source.path) else { return };
    // At a shallow clone's boundary the file was only first seen, not added.
    if commit.boundary {
        return;
    }
    let Some(committer) = lookup.by_email(&commit.author_email) else { return };
    if committer.id == staff.id {
        return;
    }
    let message = format!(
        "the note's author is {}, but it was added to git by {} ({}) in commit {}",
        staff.name,
        committer.name,
        commit.author_email,
        commit.short_id()
    );
    out.push(Diagnostic::new(Rule::AuthorMismatch, &note.source.path, note.author.pos, message).help(
        "if someone else wrote the note, set `author` to their staff id; \
         if it was committed on the author's behalf, nothing needs doing",
    ));
}
