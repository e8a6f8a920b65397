//! Tree comparison on raw tree objects.
//!
//! A records folder of a thousand young people is a thousand-entry tree that
//! almost every commit rewrites. Parsing it through libgit2 entry by entry
//! costs more than git's own `log --name-only`; here the bytes two trees share
//! at the start and end are skipped with plain slice comparisons, and only the
//! entries in between are parsed.

use git2::{ObjectType, Odb, Oid};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

/// Mode of a subtree entry.
pub const MODE_TREE: u32 = 0o040000;
/// Mode of a submodule entry (a commit in another repository): not a file of ours.
pub const MODE_GITLINK: u32 = 0o160000;

/// A file that differs between two trees; the path is relative to the trees compared.
#[derive(Debug, Clone)]
pub struct Raw {
    /// The path.
    pub path: String,
    /// The blob before, if the file existed.
    pub old: Option<Oid>,
    /// The blob after, if the file exists.
    pub new: Option<Oid>,
}

/// Raw tree objects, kept for one step so a commit's trees serve again as its parent's.
pub struct Trees<'r> {
    odb: Odb<'r>,
    prev: HashMap<Oid, Rc<[u8]>>,
    cur: HashMap<Oid, Rc<[u8]>>,
    empty: Rc<[u8]>,
}

fn damaged() -> git2::Error {
    git2::Error::from_str("a tree object in the repository is damaged")
}

impl<'r> Trees<'r> {
    /// Reads trees from this object database.
    pub fn new(odb: Odb<'r>) -> Trees<'r> {
        Trees { odb, prev: HashMap::new(), cur: HashMap::new(), empty: Rc::from(&[][..]) }
    }

    /// The bytes of tree `id`, or of the empty tree for `None`.
    pub fn get(&mut self, id: Option<Oid>) -> Result<Rc<[u8]>, git2::Error> {
        let Some(id) = id else { return Ok(self.empty.clone()) };
        if let Some(t) = self.cur.get(&id) {
            return Ok(t.clone());
        }
        let t = match self.prev.get(&id) {
            Some(t) => t.clone(),
            None => {
                let o = self.odb.read(id)?;
                if o.kind() != ObjectType::Tree {
                    return Err(git2::Error::from_str("expected a tree object"));
                }
                Rc::from(o.data())
            }
        };
        self.cur.insert(id, t.clone());
        Ok(t)
    }

    /// Moves on to the next commit: trees not used by this one or the last are let go.
    pub fn step(&mut self) {
        self.prev = std::mem::take(&mut self.cur);
    }

    /// The mode and id of the entry at `path` (`a/b/c`) under tree `root`.
    pub fn lookup(&mut self, root: Option<Oid>, path: &str) -> Result<Option<(u32, Oid)>, git2::Error> {
        let mut tree = root;
        let mut found = None;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let Some(id) = tree else { return Ok(None) };
            let data = self.get(Some(id))?;
            found = None;
            let mut at = 0;
            while at < data.len() {
                let e = entry(&data, at)?;
                if e.name == part.as_bytes() {
                    found = Some((e.mode, e.oid()?));
                    break;
                }
                at = e.end;
            }
            tree = match found {
                Some((MODE_TREE, id)) => Some(id),
                _ => None,
            };
        }
        Ok(found)
    }

    /// Appends every file that differs between trees `old` and `new`, skipping what they share.
    pub fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        base: &mut String,
        out: &mut Vec<Raw>,
    ) -> Result<(), git2::Error> {
        if old == new {
            return Ok(());
        }
        let (a, b) = (self.get(old)?, self.get(new)?);
        let (a, b) = (&*a, &*b);
        let prefix = common_prefix(a, b);
        let suffix = common_suffix(a, b);
        // Entries wholly inside the shared prefix are the same in both trees.
        let mut start = 0;
        while start < a.len() {
            let e = entry(a, start)?;
            if e.end > prefix {
                break;
            }
            start = e.end;
        }
        let (mut i, mut j) = (start, start);
        loop {
            // What is left is the shared suffix: nothing more differs.
            if a.len() - i == b.len() - j && a.len() - i <= suffix {
                break;
            }
            let ea = if i < a.len() { Some(entry(a, i)?) } else { None };
            let eb = if j < b.len() { Some(entry(b, j)?) } else { None };
            let order = match (&ea, &eb) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => tree_order(x.name, x.mode == MODE_TREE, y.name, y.mode == MODE_TREE),
            };
            let (ea, eb) = match order {
                Ordering::Less => (ea, None),
                Ordering::Greater => (None, eb),
                Ordering::Equal => (ea, eb),
            };
            if let Some(e) = &ea {
                i = e.end;
            }
            if let Some(e) = &eb {
                j = e.end;
            }
            if let (Some(x), Some(y)) = (&ea, &eb) {
                if x.mode == y.mode && x.id == y.id {
                    continue;
                }
            }
            let Some(name) = ea.as_ref().or(eb.as_ref()).map(|e| String::from_utf8_lossy(e.name).into_owned()) else {
                continue;
            };
            let side = |e: &Option<Entry<'_>>, tree: bool| -> Result<Option<Oid>, git2::Error> {
                match e {
                    Some(e) if (e.mode == MODE_TREE) == tree && e.mode != MODE_GITLINK => Ok(Some(e.oid()?)),
                    _ => Ok(None),
                }
            };
            let len = base.len();
            base.push_str(&name);
            let (old_tree, new_tree) = (side(&ea, true)?, side(&eb, true)?);
            if old_tree.is_some() || new_tree.is_some() {
                base.push('/');
                self.diff(old_tree, new_tree, base, out)?;
                base.truncate(len + name.len());
            }
            let (old_blob, new_blob) = (side(&ea, false)?, side(&eb, false)?);
            if old_blob != new_blob {
                out.push(Raw { path: base.clone(), old: old_blob, new: new_blob });
            }
            base.truncate(len);
        }
        Ok(())
    }
}

/// One entry of a raw tree: `<octal mode> <name>\0<20-byte id>`.
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: &'a [u8],
    end: usize,
}

impl Entry<'_> {
    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

fn entry(data: &[u8], at: usize) -> Result<Entry<'_>, git2::Error> {
    let rest = data.get(at..).ok_or_else(damaged)?;
    let sp = rest.iter().take(8).position(|&c| c == b' ').ok_or_else(damaged)?;
    let mut mode = 0u32;
    for &c in &rest[..sp] {
        if !(b'0'..=b'7').contains(&c) {
            return Err(damaged());
        }
        mode = mode * 8 + u32::from(c - b'0');
    }
    let name_start = sp + 1;
    let nul = rest[name_start..].iter().position(|&c| c == 0).ok_or_else(damaged)? + name_start;
    let id = rest.get(nul + 1..nul + 21).ok_or_else(damaged)?;
    Ok(Entry { mode, name: &rest[name_start..nul], id, end: at + nul + 21 })
}

/// Git's tree order: a subtree's name sorts as if it ended in `/`.
pub fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        o => return o,
    }
    let end = |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
    end(a, a_tree).cmp(&end(b, b_tree))
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut k = 0;
    while k + 64 <= n && a[la - k - 64..la - k] == b[lb - k - 64..lb - k] {
        k += 64;
    }
    while k < n && a[la - k - 1] == b[lb - k - 1] {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_sort_as_if_slashed() {
        assert_eq!(tree_order(b"a", true, b"a.md", false), Ordering::Greater);
        assert_eq!(tree_order(b"a", false, b"a.md", false), Ordering::Less);
        assert_eq!(tree_order(b"a", true, b"a", false), Ordering::Greater);
        assert_eq!(tree_order(b"notes", true, b"notes", true), Ordering::Equal);
    }

    #[test]
    fn shared_ends() {
        assert_eq!(common_prefix(b"abcdef", b"abcxef"), 3);
        assert_eq!(common_suffix(b"abcdef", b"abcxef"), 2);
        let long_a = [7u8; 200];
        let mut long_b = long_a;
        long_b[130] = 0;
        assert_eq!(common_prefix(&long_a, &long_b), 130);
        assert_eq!(common_suffix(&long_a, &long_b), 69);
        assert_eq!(common_prefix(b"", b"abc"), 0);
        assert_eq!(common_suffix(b"abc", b"abc"), 3);
    }

    #[test]
    fn damaged_entries_are_errors() {
        assert!(entry(b"100644 name", 0).is_err());
        assert!(entry(b"10x644 name\0aaaaaaaaaaaaaaaaaaaa", 0).is_err());
        assert!(entry(b"100644 name\0short", 0).is_err());
        let e = entry(b"40000 notes\0aaaaaaaaaaaaaaaaaaaa", 0).ok().map(|e| (e.mode, e.end));
        assert_eq!(e, Some((MODE_TREE, 32)));
    }
}
