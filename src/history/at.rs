//! Which commit held the records at the end of a given day.
//!
//! Reports that look back (board trends at each month end, the DfE return at
//! each birthday) judge the records as they stood in git on that day: the last
//! commit on HEAD's first-parent line whose commit date is on or before it. The
//! first-parent line is the branch as people saw it; a merged branch's own
//! commits never held the branch's records on their dates.

use crate::model::date::Date;
use chrono::Datelike;
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
        Timeline::since_kept(repo, since, None)
    }

    /// [`Timeline::since`], walking only the commits made since the line kept in `dir` by the
    /// last call (none without `dir`): a line reaches the kept line's head, and from there it
    /// is the kept line. Trends look back a year, thousands of commits, on every build that
    /// adds one.
    pub fn since_kept(repo: &Repository, since: Date, dir: Option<&Path>) -> Result<Timeline, git2::Error> {
        let kept = dir.and_then(Kept::read).filter(|k| k.since <= since);
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
        let mut head = None;
        for oid in walk {
            let oid = oid?;
            head.get_or_insert(oid);
            if let Some(kept) = kept.as_ref().filter(|k| k.head == oid.as_bytes()) {
                for (day, id) in &kept.commits {
                    // Kept::read let in only days that are dates.
                    let date = Date::from_num_days_from_ce_opt(*day).unwrap_or_default();
                    commits.push((date, Oid::from_bytes(id)?));
                    if date < since {
                        break;
                    }
                }
                break;
            }
            let commit = repo.find_commit(oid)?;
            let date = commit_date(&commit.committer().when());
            commits.push((date, oid));
            if date < since {
                break;
            }
        }
        let changed = |h: &Oid| kept.as_ref().is_none_or(|k| k.head != h.as_bytes() || k.since != since);
        if let Some((dir, head)) = dir.zip(head.filter(changed)) {
            let ids: Option<Vec<(i32, [u8; 20])>> =
                commits.iter().map(|(d, o)| Some((d.num_days_from_ce(), o.as_bytes().try_into().ok()?))).collect();
            // Ids of another length (a SHA-256 repository) are not kept: the line is walked.
            if let Some(commits) = ids {
                Kept { head: head.as_bytes().to_vec(), since, commits }.write(dir);
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

/// The first-parent line as the last [`Timeline::since_kept`] walked it, kept in
/// `.waymark/cache/`: a commit's parent and date never change, so a line from a head is the
/// same line on every later day.
#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Kept {
    /// The commit the line was walked from.
    head: Vec<u8>,
    /// The day it was walked back to.
    since: Date,
    /// The line, as [`Timeline`] holds it: each commit's day (as chrono counts days from the
    /// common era) and id. Numbers and arrays, not dates written out and vectors: writing and
    /// reading a year of commits the other way was about a hundredth of a one-note build's CPU.
    commits: Vec<(i32, [u8; 20])>,
}

impl Kept {
    /// Format 2: days as numbers and ids as arrays (format 1 wrote dates as text).
    const KIND: crate::cachefile::Kind = crate::cachefile::Kind { magic: b"WMLINE\n\0", format: 2 };
    const FILE: &'static str = "first-parent-line.bin";

    /// The kept line; `None` when there is none this program can trust.
    fn read(dir: &Path) -> Option<Kept> {
        let stamp = crate::cachefile::stamp(Kept::KIND)?;
        let kept: Kept = crate::cachefile::decode(Kept::KIND, &stamp, &std::fs::read(dir.join(Kept::FILE)).ok()?)?;
        kept.commits.iter().all(|(day, _)| Date::from_num_days_from_ce_opt(*day).is_some()).then_some(kept)
    }

    /// Keeps the line; one that cannot be written is only walked again next time.
    fn write(&self, dir: &Path) {
        let Some(stamp) = crate::cachefile::stamp(Kept::KIND) else { return };
        if let Some(bytes) = crate::cachefile::encode(Kept::KIND, &stamp, self) {
            let _ = std::fs::create_dir_all(dir)
                .and_then(|()| crate::cachefile::write_whole(&dir.join(Kept::FILE), &bytes));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits an empty tree dated noon of `day` with `parents`, moving HEAD when `head`.
    fn commit(repo: &Repository, day: &str, parents: &[Oid], head: bool) -> Oid {
        let time = crate::model::date::parse_date(day).expect("date").and_hms_opt(12, 0, 0).expect("noon");
        let sig =
            git2::Signature::new("Sam Okafor", "sam@example.org", &git2::Time::new(time.and_utc().timestamp(), 0))
                .expect("signature");
        let tree = repo.find_tree(repo.treebuilder(None).expect("tree").write().expect("write")).expect("tree");
        let parents: Vec<git2::Commit> = parents.iter().map(|p| repo.find_commit(*p).expect("parent")).collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(head.then_some("HEAD"), &sig, &sig, day, &tree, &parents).expect("commit")
    }

    #[test]
    fn a_kept_line_is_the_walked_line_and_only_the_new_commits_are_walked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init(dir.path()).expect("init");
        let cache = dir.path().join("cache");
        let day = |s: &str| crate::model::date::parse_date(s).expect("date");
        let since = day("2026-01-01");
        let walked = |since| Timeline::since(&repo, since).expect("walk");
        let kept = |since| Timeline::since_kept(&repo, since, Some(&cache)).expect("walk");

        let c1 = commit(&repo, "2025-12-20", &[], true);
        let c2 = commit(&repo, "2026-01-15", &[c1], true);
        let side = commit(&repo, "2026-02-01", &[c2], false);
        let c3 = commit(&repo, "2026-02-10", &[c2], true);
        commit(&repo, "2026-03-01", &[c3, side], true);
        assert_eq!(kept(since), walked(since));
        assert_eq!(walked(since).commits.len(), 4, "the merged branch's own commit is not on the line");
        let c4 = commit(&repo, "2026-03-05", &[repo.head().expect("head").target().expect("oid")], true);
        assert_eq!(kept(since), walked(since));

        // A kept line that lies shows whether it is read: c2 is taken out of it.
        let mut lie = Kept::read(&cache).expect("kept");
        assert_eq!(lie.head, c4.as_bytes());
        lie.commits.retain(|(_, id)| id != c2.as_bytes());
        lie.write(&cache);
        let c5 = commit(&repo, "2026-03-06", &[c4], true);
        let mut told = walked(since);
        told.commits.retain(|(_, id)| *id != c2);
        assert_eq!(kept(since), told, "only c5 was walked; the rest came from the kept line");
        assert_eq!(kept(since).at(day("2026-03-06")), Some(c5));

        // A day that is no date makes the kept line untrusted: it is walked again.
        let mut bad = Kept::read(&cache).expect("kept");
        bad.commits[0].0 = i32::MAX;
        bad.write(&cache);
        assert!(Kept::read(&cache).is_none());
        assert_eq!(kept(since), walked(since));

        // History rewritten under the kept head: the whole line is walked again.
        let c6 = commit(&repo, "2026-03-07", &[c3], false);
        repo.reference("refs/heads/master", c6, true, "rewrite").expect("ref");
        repo.set_head("refs/heads/master").expect("head");
        assert_eq!(kept(since), walked(since));
        assert!(kept(since).at(day("2026-03-07")) == Some(c6));
        // A later day cuts the kept line; an earlier one than it reaches walks the whole way.
        assert_eq!(kept(day("2026-02-15")), walked(day("2026-02-15")));
        assert_eq!(kept(day("2025-06-01")), walked(day("2025-06-01")));
        assert_eq!(walked(day("2025-06-01")).commits.len(), 4);
    }
}
