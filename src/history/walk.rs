//! The revision walk and the tree-by-tree comparison behind [`History`].

use super::cache::{self, Cached};
use super::tree::{Raw, Trees, MODE_GITLINK, MODE_TREE};
use super::{CacheUse, Change, ChangeKind, CommitInfo, GitHistory, History, Paths, Stats, Text};
use git2::{Commit, ErrorCode, Oid, Repository, Sort};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One walked commit that changed something under the root.
pub(super) struct Walked {
    /// The commit.
    pub info: CommitInfo,
    /// Its changes, with the old path of a moved file.
    pub changes: Vec<(ChangeKind, Raw, Option<String>)>,
}

/// Opens the repository around `root` and reads its history, through the cache in `cache_dir` when given.
pub(super) fn extract(root: &Path, cache_dir: Option<&Path>, previous: Option<GitHistory>) -> History {
    static OPTIONS: std::sync::Once = std::sync::Once::new();
    OPTIONS.call_once(|| {
        // Re-hashing every object read (SHA-1 with collision detection) was most of the cost of a
        // cold walk; git itself does not verify objects on read either.
        git2::opts::strict_hash_verification(false);
        // The walk keeps what it reads again (the last commit's trees, a commit's parents) itself;
        // libgit2's object cache only added work to every read and 115 MB to a cold walk of
        // 105,000 commits, which took 10-12 s of CPU without it and 12.6-13.9 s with it. Nothing
        // else in Waymark leans on it: the blobs history pages read are never cached by default.
        git2::opts::enable_caching(false);
    });
    let repo = match Repository::discover(root) {
        Ok(r) => r,
        Err(e) if e.code() == ErrorCode::NotFound => {
            return History::None("this folder is not in a git repository, so no history is shown".into())
        }
        Err(e) => {
            return History::None(format!(
                "the git repository could not be read ({}), so no history is shown",
                e.message()
            ))
        }
    };
    match extract_from(&repo, root, cache_dir, previous) {
        Ok(h) => History::Git(Box::new(h)),
        Err(e) => History::None(format!("git history could not be read ({}), so no history is shown", e.message())),
    }
}

/// Where the records root `root` lies inside the (canonical) work tree `workdir`: `/`-separated
/// with a trailing `/`, or empty when the root is the work tree itself.
pub(crate) fn records_prefix(workdir: &Path, root: &Path) -> Result<String, git2::Error> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let rel = root
        .strip_prefix(workdir)
        .map_err(|_| git2::Error::from_str("the records folder is outside the git work tree"))?;
    let mut prefix = String::new();
    for part in rel.components() {
        prefix.push_str(&part.as_os_str().to_string_lossy());
        prefix.push('/');
    }
    Ok(prefix)
}

fn extract_from(
    repo: &Repository,
    root: &Path,
    cache_dir: Option<&Path>,
    previous: Option<GitHistory>,
) -> Result<GitHistory, git2::Error> {
    let Some(workdir) = repo.workdir() else {
        return Err(git2::Error::from_str("the repository has no work tree"));
    };
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let prefix = records_prefix(&workdir, root)?;
    let shallow = repo.is_shallow();
    let mut history = GitHistory { workdir: workdir.clone(), prefix, shallow, ..GitHistory::default() };
    let head = match repo.head() {
        Ok(r) => r.peel_to_commit()?.id(),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => return Ok(history),
        Err(e) => return Err(e),
    };
    history.head = Some(head);
    history.detached = repo.head_detached().unwrap_or(false);

    let mut stats = Stats::default();
    let mut base: Option<Cached> = None;
    // History already in memory (a long-running process) serves like a cache that needs no reading.
    let prior = match previous {
        Some(p) => p.head.map(|head| {
            let (prefix, shallow, commits, paths) = (p.prefix, p.shallow, p.commits, p.paths);
            Ok(Cached { prefix, head, shallow, commits, paths, appendable: false })
        }),
        None => cache_dir.map(cache::read),
    };
    if let Some(prior) = prior {
        stats.cache = match prior {
            Err(cache::ReadError::Missing) => CacheUse::Missing,
            Err(cache::ReadError::Corrupt(why)) => CacheUse::Rebuilt(why),
            Ok(c) if c.prefix != history.prefix || c.shallow != shallow => {
                CacheUse::Rebuilt("the cache was made for another folder or clone depth".into())
            }
            Ok(c) if c.head == head => {
                stats.from_cache = c.commits.len();
                stats.cache = CacheUse::Hit;
                history.commits = c.commits;
                history.paths = c.paths;
                history.stats = stats;
                return Ok(history);
            }
            // Whether HEAD descends from the cached commit is known once the new commits are listed.
            Ok(c) => {
                base = Some(c);
                CacheUse::Extended
            }
        };
    }

    let new = match &base {
        Some(b) => new_commits(repo, head, b.head)?,
        None => None,
    };
    if base.is_some() && new.is_none() {
        base = None;
        stats.cache = CacheUse::Rebuilt("HEAD is not a descendant of the cached commit".into());
    }
    let oids = match new {
        Some(oids) => oids,
        None => commits_from(repo, head, None)?,
    };
    stats.walked = oids.len();
    let boundaries = shallow_boundaries(repo);
    let walked = walk_all(repo, &oids, &history.prefix, &boundaries)?;

    stats.from_cache = base.as_ref().map_or(0, |b| b.commits.len());
    let segment = match (&base, cache_dir) {
        (Some(b), Some(_)) if b.appendable => Some(cache::encode_segment(b.head, head, &walked)),
        _ => None,
    };
    let (commits, paths) = assemble(walked, base);
    history.commits = commits;
    history.paths = paths;
    history.stats = stats;
    if let Some(dir) = cache_dir {
        // A cache that cannot be written only costs time on the next run.
        let _ = match segment {
            Some(segment) => cache::append(dir, &segment),
            None => cache::write(dir, &history, head),
        };
    }
    Ok(history)
}

/// Every commit reachable from `head` and not from `hide`, newest first (parents after children).
fn commits_from(repo: &Repository, head: Oid, hide: Option<Oid>) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(head)?;
    if let Some(hide) = hide {
        walk.hide(hide)?;
    }
    walk.collect()
}

/// The commits after `cached` up to `head`, newest first; `None` when `head` does not descend from
/// `cached` (history rewritten under the cache, or the cached commit gone).
///
/// This takes the place of libgit2's descendant test, which looks for merge bases and cost a new
/// process more than the rest of a one-commit update: `cached` is an ancestor of `head` exactly
/// when it is a parent of one of the commits reachable from `head` but not from `cached`.
fn new_commits(repo: &Repository, head: Oid, cached: Oid) -> Result<Option<Vec<Oid>>, git2::Error> {
    // The usual case, a few commits in a line on top of the cached one, needs no revision walk
    // (whose setup parses more commits than there are new ones): follow single parents back.
    let mut line = Vec::new();
    let mut at = head;
    while line.len() < 64 {
        let Ok(commit) = repo.find_commit(at) else { break };
        line.push(at);
        let mut parents = commit.parent_ids();
        match (parents.next(), parents.next()) {
            (Some(p), None) if p == cached => return Ok(Some(line)),
            (Some(p), None) => at = p,
            // A merge or a first commit: the walk below sorts it out.
            _ => break,
        }
    }
    let Ok(oids) = commits_from(repo, head, Some(cached)) else { return Ok(None) };
    // The oldest new commit is the likeliest child of the cached one.
    for &oid in oids.iter().rev() {
        if repo.find_commit(oid)?.parent_ids().any(|p| p == cached) {
            return Ok(Some(oids));
        }
    }
    Ok(None)
}

/// Adds walked commits (newest first) after the cached ones (oldest first), keying every change by its
/// file's newest path. Cached entries keep their commit indices, so extending costs only the new commits
/// and the paths they touched.
pub(super) fn assemble(walked: Vec<Walked>, base: Option<Cached>) -> (Vec<CommitInfo>, Paths) {
    let (mut commits, mut paths) = base.map(|b| (b.commits, b.paths)).unwrap_or_default();
    let (start, n) = (commits.len(), walked.len());
    // Old names of moved files, each mapped to the newest path of the same file.
    let mut alias: HashMap<String, Text> = HashMap::new();
    let mut fresh: HashMap<Text, Vec<Change>> = HashMap::new();
    let mut infos = Vec::with_capacity(n);
    for (i, w) in walked.into_iter().enumerate() {
        let index = start + n - 1 - i;
        infos.push(w.info);
        for (kind, raw, from) in w.changes {
            let key = match alias.get(&raw.path) {
                Some(k) => k.clone(),
                None => fresh
                    .get_key_value(raw.path.as_str())
                    .map(|(k, _)| k)
                    .or_else(|| paths.get_key_value(&raw.path).map(|(k, _)| k))
                    .cloned()
                    .unwrap_or_else(|| Text::from(raw.path.as_str())),
            };
            if let Some(old) = &from {
                if **old != *key {
                    alias.insert(old.clone(), key.clone());
                } else {
                    alias.remove(old);
                }
            }
            let path = if *key == *raw.path { key.clone() } else { Text::from(raw.path) };
            let from = from.map(Text::from);
            let change = Change { commit: index, kind, path, from, old_blob: raw.old, new_blob: raw.new };
            fresh.entry(key).or_default().push(change);
        }
    }
    infos.reverse();
    commits.extend(infos);
    // Cached history under a name the new commits moved away from belongs to the new name.
    let mut moved_into: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut removed = Vec::new();
    for (old, key) in &alias {
        if paths.contains_key(old) {
            moved_into.entry(key.as_str()).or_default().push(old.as_str());
            removed.push(Text::from(old.as_str()));
        }
    }
    let mut updates = Vec::with_capacity(fresh.len());
    for (key, mut run) in fresh {
        // A path whose cached history moved away was added again by the new commits: that history is not its own.
        if !alias.contains_key(key.as_str()) {
            run.extend_from_slice(paths.get(&key).unwrap_or(&[]));
        }
        if let Some(olds) = moved_into.get(key.as_str()) {
            for old in olds {
                run.extend_from_slice(paths.get(old).unwrap_or(&[]));
            }
            run.sort_by_key(|c| std::cmp::Reverse(c.commit));
        }
        updates.push((key, run));
    }
    drop(moved_into);
    paths.update(updates, &removed);
    (commits, paths)
}

/// The commits at which a shallow clone was cut (their parents are missing).
fn shallow_boundaries(repo: &Repository) -> HashSet<Oid> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("shallow")) else { return HashSet::new() };
    text.lines().filter_map(|l| Oid::from_str(l.trim()).ok()).collect()
}

/// Walks the commits (newest first), each compared with its parents.
///
/// One thread: libgit2 shares a pack, its lock and its 16 MB cache of delta bases between every
/// handle on it in a process, so threads walking different stretches of history wait on each other
/// and evict each other's bases. On the 105,000-commit corpus two threads took 13.6-14.4 s (wall)
/// and 18 s of CPU where one takes 10.8-12 s and 11 s; on the same history repacked by git, two
/// threads saved a tenth of the wall time (4.5 s against 4.9-5.2 s, `git log` 6.1 s) for a fifth
/// more CPU. One thread also leaves the other core to the rest of the command.
fn walk_all(
    repo: &Repository,
    oids: &[Oid],
    prefix: &str,
    boundaries: &HashSet<Oid>,
) -> Result<Vec<Walked>, git2::Error> {
    let mut trees = Trees::new(repo.odb()?);
    let mut out = Vec::new();
    // The parents read for their trees are usually the next commits walked: kept for one step,
    // each commit is read and parsed once instead of twice.
    let mut parents = Vec::new();
    for &oid in oids {
        let commit = match parents.iter().position(|p: &Commit<'_>| p.id() == oid) {
            Some(i) => parents.swap_remove(i),
            None => repo.find_commit(oid)?,
        };
        parents.clear();
        if let Some(w) = walk_commit(repo, &mut trees, &commit, prefix, boundaries, &mut parents)? {
            out.push(w);
        }
        trees.step();
    }
    Ok(out)
}

/// Compares one commit with its parents, which it leaves in `read`; `None` when it changed nothing under the root.
fn walk_commit<'r>(
    repo: &'r Repository,
    trees: &mut Trees<'_>,
    commit: &Commit<'r>,
    prefix: &str,
    boundaries: &HashSet<Oid>,
    read: &mut Vec<Commit<'r>>,
) -> Result<Option<Walked>, git2::Error> {
    let oid = commit.id();
    let tree = scope_tree(trees, commit.tree_id(), prefix)?;
    let mut boundary = boundaries.contains(&oid);
    let mut parents = Vec::new();
    if !boundary {
        for id in commit.parent_ids() {
            match repo.find_commit(id) {
                Ok(p) => {
                    parents.push(scope_tree(trees, p.tree_id(), prefix)?);
                    read.push(p);
                }
                Err(_) => boundary = true,
            }
        }
    }
    if boundary {
        parents.clear();
    }
    let mut raw = Vec::new();
    diff_records(trees, parents.first().copied().flatten(), tree, &mut raw)?;
    if parents.len() > 1 && !raw.is_empty() {
        // A merge changed a path only if the result differs from every parent.
        let mut kept = Vec::with_capacity(raw.len());
        for r in raw {
            let mut same_as_a_parent = false;
            for &p in &parents[1..] {
                let there = trees.lookup(p, &r.path)?.filter(|(mode, _)| *mode != MODE_TREE).map(|(_, id)| id);
                if there == r.new {
                    same_as_a_parent = true;
                    break;
                }
            }
            if !same_as_a_parent {
                kept.push(r);
            }
        }
        raw = kept;
    }
    if raw.is_empty() {
        return Ok(None);
    }
    let changes = classify(raw);
    let author = commit.author();
    let when = author.when();
    let info = CommitInfo {
        id: oid,
        author_name: String::from_utf8_lossy(author.name_bytes()).into_owned().into(),
        author_email: String::from_utf8_lossy(author.email_bytes()).into_owned().into(),
        time: when.seconds(),
        offset_minutes: when.offset_minutes(),
        message: String::from_utf8_lossy(commit.message_bytes()).into_owned().into(),
        boundary,
    };
    Ok(Some(Walked { info, changes }))
}

/// Appends what differs between two records roots in the parts history covers ([`super::SCOPE`]):
/// the rest of the repository (source code, a README, the built site) is never compared, so a
/// commit that touches only those files is not history at all.
fn diff_records(
    trees: &mut Trees<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut Vec<Raw>,
) -> Result<(), git2::Error> {
    if old == new {
        return Ok(());
    }
    let mut path = String::new();
    for name in super::SCOPE {
        let (a, b) = (trees.lookup(old, name)?, trees.lookup(new, name)?);
        if a == b {
            continue;
        }
        let part = |e: Option<(u32, Oid)>, tree: bool| {
            e.filter(|(mode, _)| (*mode == MODE_TREE) == tree && *mode != MODE_GITLINK).map(|(_, id)| id)
        };
        let (old_tree, new_tree) = (part(a, true), part(b, true));
        if old_tree.is_some() || new_tree.is_some() {
            path.clear();
            path.push_str(name);
            path.push('/');
            trees.diff(old_tree, new_tree, &mut path, out)?;
        }
        let (old_blob, new_blob) = (part(a, false), part(b, false));
        if old_blob != new_blob {
            out.push(Raw { path: name.to_string(), old: old_blob, new: new_blob });
        }
    }
    Ok(())
}

/// Names each difference, pairing a deleted and an added file with the same content as a move.
fn classify(raw: Vec<Raw>) -> Vec<(ChangeKind, Raw, Option<String>)> {
    // The id of the empty file, `git hash-object /dev/null`: hashed once, not once a commit.
    static EMPTY_BLOB: std::sync::OnceLock<Option<Oid>> = std::sync::OnceLock::new();
    let empty_blob = *EMPTY_BLOB.get_or_init(|| Oid::hash_object(git2::ObjectType::Blob, b"").ok());
    let mut deleted: HashMap<Oid, Vec<usize>> = HashMap::new();
    for (i, r) in raw.iter().enumerate() {
        if let (Some(old), None) = (r.old, r.new) {
            if Some(old) != empty_blob {
                deleted.entry(old).or_default().push(i);
            }
        }
    }
    let mut moved_from: HashMap<usize, usize> = HashMap::new();
    let mut consumed = HashSet::new();
    if !deleted.is_empty() {
        for (i, r) in raw.iter().enumerate() {
            if let (None, Some(new)) = (r.old, r.new) {
                if let Some(d) = deleted.get_mut(&new).and_then(|v| v.pop()) {
                    moved_from.insert(i, d);
                    consumed.insert(d);
                }
            }
        }
    }
    let froms: HashMap<usize, String> = moved_from.iter().map(|(&i, &d)| (i, raw[d].path.clone())).collect();
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        if consumed.contains(&i) {
            continue;
        }
        if let Some(from) = froms.get(&i) {
            let r = Raw { old: r.new, ..r };
            out.push((ChangeKind::Renamed, r, Some(from.clone())));
            continue;
        }
        let kind = match (r.old, r.new) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        out.push((kind, r, None));
    }
    out
}

/// The id of the tree at `prefix` (`a/b/`) inside the commit tree `tree`; none when it does not exist there.
fn scope_tree(trees: &mut Trees<'_>, tree: Oid, prefix: &str) -> Result<Option<Oid>, git2::Error> {
    if prefix.is_empty() {
        return Ok(Some(tree));
    }
    Ok(match trees.lookup(Some(tree), prefix)? {
        Some((MODE_TREE, id)) => Some(id),
        _ => None,
    })
}
