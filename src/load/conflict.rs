//! Records left half-merged by git: conflict markers (`<<<<<<<`, `=======`, `>>>>>>>` at the start
//! of a line) make a file's front matter unreadable as YAML, so they are reported as
//! `merge-conflict`, each at its `<<<<<<<` line, saying which side is whose.

use crate::diag::{Diagnostic, Rule};
use crate::load::yaml::Pos;

/// One `<<<<<<< ... >>>>>>>` block.
#[derive(Debug, PartialEq, Eq)]
struct Block {
    /// 1-based line of `<<<<<<<`.
    open: u32,
    /// What follows `<<<<<<<` (usually `HEAD`).
    ours: String,
    /// 1-based line of `=======`, if there is one.
    middle: Option<u32>,
    /// 1-based line of `>>>>>>>` and what follows it (the branch merged in), if there is one.
    close: Option<(u32, String)>,
}

/// The text after a marker of seven `c` at the start of a line, if the line is one.
fn marker(line: &str, c: char) -> Option<&str> {
    let rest = line.strip_prefix(&*c.to_string().repeat(7))?;
    // An eighth marker character means it is something else (a longer rule of `=`).
    if rest.starts_with(c) {
        return None;
    }
    (rest.is_empty() || rest.starts_with([' ', '\t', '\r'])).then(|| rest.trim())
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if let Some(label) = marker(line, '<') {
            if let Some(b) = open.take() {
                out.push(b);
            }
            open = Some(Block { open: n, ours: label.to_string(), middle: None, close: None });
        } else if let Some(b) = open.as_mut() {
            // A `=======` outside a block is Markdown (a heading's underline), so only inside one counts.
            if marker(line, '=').is_some() && b.middle.is_none() {
                b.middle = Some(n);
            } else if let Some(label) = marker(line, '>') {
                b.close = Some((n, label.to_string()));
                out.extend(open.take());
            }
        }
    }
    out.extend(open);
    out
}

/// A `merge-conflict` error for each conflict left in `text`, the file at `path`.
pub fn diagnostics(path: &str, text: &str) -> Vec<Diagnostic> {
    blocks(text)
        .into_iter()
        .map(|b| {
            let ours = if b.ours.is_empty() { "<<<<<<<".to_string() } else { format!("<<<<<<< {}", b.ours) };
            let message = match (b.middle, &b.close) {
                (Some(middle), Some((close, theirs))) => {
                    let theirs = if theirs.is_empty() { ">>>>>>>".to_string() } else { format!(">>>>>>> {theirs}") };
                    format!(
                        "git could not merge this record by itself: between `{ours}` (line {}) and `=======` \
                         (line {middle}) is your version; below it, up to `{theirs}` (line {close}), theirs",
                        b.open
                    )
                }
                _ => format!("a git conflict marker `{ours}` is left here, without the rest of its block"),
            };
            Diagnostic::new(Rule::MergeConflict, path, Pos::new(b.open, 1), message).help(
                "keep the right lines from either side (or both), delete the three marker lines, save, \
                 then `git add` the file and `git commit` to finish the merge (during a rebase the two sides \
                 are the other way round)",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_names_both_sides() {
        let text = "---\nname: A\n<<<<<<< HEAD\nlegal_status: relevant\n=======\nlegal_status: former-relevant\n>>>>>>> amira/update\n---\n";
        let d = diagnostics("records/yp-0001/profile.md", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].pos, Pos::new(3, 1));
        assert_eq!(d[0].rule, Rule::MergeConflict);
        assert!(d[0].message.contains("between `<<<<<<< HEAD` (line 3) and `=======` (line 5) is your version"));
        assert!(d[0].message.contains("up to `>>>>>>> amira/update` (line 7), theirs"));
    }

    #[test]
    fn markdown_that_looks_like_a_marker_is_not_one() {
        assert!(diagnostics("f.md", "---\na: 1\n---\nTitle\n=======\n\n>>>>>>>> quote\n").is_empty());
        assert!(diagnostics("f.md", "<<<<<<<< eight\n").is_empty());
        let lone = diagnostics("f.md", "---\n<<<<<<< HEAD\na: 1\n---\n");
        assert_eq!(lone.len(), 1);
        assert!(lone[0].message.contains("without the rest of its block"));
    }
}
