//! Which commit held the records at the end of a given day.
//!
//! Reports that look back (board trends at each month end, the DfE return at
//! each birthday) judge the records as they stood in git on that day: the last
//! commit on HEAD's first-parent line whose commit date is on or before it. The
//! first-parent line is the branch as people saw it; a merged branch's own
//! commits never held the branch's records on their dates.

use crate::model::date::Date;
use git2::{Oid, Repository, Sort};
use std::path::Path;

/// HEAD's first-parent line, newest first, each commit with its commit date (in the committer's own
/// time zone), back to the first commit dated before the oldest day asked about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    commits: Vec<(Date, Oid)>,
}

impl Timeline {
    /// Walks HEAD's first-parent line back to the newest commit dated before `since` (kept, since it
    /// holds the records on `since`), or to the first commit. An unborn HEAD gives an empty timeline.
    pub fn since(repo: &Repository, since: Date) -> Result<Timeline, git2::Error> {
        let mut walk = repo.revwalk()?;
        match walk.push_head() {
            Ok(()) => {}
            Err(e) if matches!(e.code(), git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound) => {
                return Ok(Timeline::default());
            }
            Err(e) => return Err(e),
        }
        walk.simplify_first_parent()?;
        walk.set_sorting(Sort::NONE)?;
        let mut commits = Vec::new();
        for oid in walk {
            let oid = oid?;
            let commit = repo.find_commit(oid)?;
            let date = commit_date(&commit.committer().when());
            commits.push((date, oid));
            if date < since {
                break;
            }
        }
        Ok(Timeline { commits })
    }

    /// The commit that held the records at the end of `day`: the newest on the line whose commit date
    /// is on or before it. None before the first commit (or before the walk's reach).
    pub fn at(&self, day: Date) -> Option<Oid> {
        self.commits.iter().find(|(date, _)| *date <= day).map(|(_, oid)| *oid)
    }

    /// True when HEAD has no commits: no day has records in git.
    pub fn is_empty(&self) -> bool {
        self.commits.is_empty()
    }
}

/// The last commit on HEAD's first-parent line dated on or before `day`, for a single look back.
pub fn commit_at(repo: &Repository, day: Date) -> Result<Option<Oid>, git2::Error> {
    Ok(Timeline::since(repo, day)?.at(day))
}

/// Opens the git repository around the records root `root` with the root's place in it
/// (`/`-separated with a trailing `/`), for [`crate::load::load_at`].
pub fn open_repository(root: &Path) -> Result<(Repository, String), git2::Error> {
    let repo = Repository::discover(root)?;
    let Some(workdir) = repo.workdir() else {
        return Err(git2::Error::from_str("the repository has no work tree"));
    };
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let prefix = super::walk::records_prefix(&workdir, root)?;
    Ok((repo, prefix))
}

/// The calendar day of a git time in its own offset.
fn commit_date(when: &git2::Time) -> Date {
    let local = when.seconds() + i64::from(when.offset_minutes()) * 60;
    chrono::DateTime::from_timestamp(local, 0).map(|t| t.date_naive()).unwrap_or_default()
}
