//! What a change did to a record, in words: front matter field by field, the body word by word.

use crate::load::split_front_matter;
use crate::load::yaml::{self, Node, Value};
use git2::{Oid, Repository};
use std::fmt;

/// One front-matter field that a change altered.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Dotted path; list items with an `id` (or a `date`) are named by it: `goals[college].status`.
    pub field: String,
    /// The value before, if the field existed.
    pub old: Option<String>,
    /// The value after, if the field exists.
    pub new: Option<String>,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => write!(f, "{}: {o} → {n}", self.field),
            (None, Some(n)) if n.is_empty() => write!(f, "{} added", self.field),
            (None, Some(n)) => write!(f, "{} added: {n}", self.field),
            (Some(_), None) => write!(f, "{} removed", self.field),
            (None, None) => write!(f, "{}", self.field),
        }
    }
}

/// A run of words in a body diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    /// Unchanged text.
    Same(String),
    /// Text the change added.
    Added(String),
    /// Text the change removed.
    Removed(String),
}

/// What one change did to one record file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detail {
    /// Front-matter fields changed, in the order they appear.
    pub fields: Vec<FieldChange>,
    /// The body, word by word; empty when the body did not change.
    pub body: Vec<Words>,
}

impl Detail {
    /// The same detail keeping only what pages show: the body's changed lines (one
    /// `Same("\n")` between them), not its unchanged text, so it is small to keep.
    /// [`changed_line_runs`] gives the same lines for both.
    pub fn compact(self) -> Detail {
        let mut body = Vec::new();
        for (i, line) in changed_line_runs(&self.body).into_iter().enumerate() {
            if i > 0 {
                body.push(Words::Same("\n".into()));
            }
            body.extend(line);
        }
        Detail { fields: self.fields, body }
    }
}

/// The text of a blob, when it is UTF-8 text.
pub fn blob_text(repo: &Repository, id: Option<Oid>) -> Option<String> {
    let id = id?;
    let blob = repo.find_blob(id).ok()?;
    String::from_utf8(blob.content().to_vec()).ok()
}

/// Compares two versions of a record (either may be absent).
pub fn detail(old: Option<&str>, new: Option<&str>) -> Detail {
    let (old_fm, old_body) = split(old.unwrap_or(""));
    let (new_fm, new_body) = split(new.unwrap_or(""));
    let before = flatten(old_fm.as_ref());
    let after = flatten(new_fm.as_ref());
    let mut fields = Vec::new();
    // An added or removed list item is one change, not one per field inside it.
    let mut whole_items: Vec<String> = Vec::new();
    let inside = |items: &[String], f: &str| items.iter().any(|i| f.len() > i.len() && f.starts_with(i.as_str()));
    for (field, value) in &after {
        match before.iter().find(|(f, _)| f == field) {
            Some((_, old)) if old == value => {}
            Some((_, old)) => {
                fields.push(FieldChange { field: field.clone(), old: Some(old.clone()), new: Some(value.clone()) })
            }
            None if inside(&whole_items, field) => {}
            None => {
                if value.is_empty() {
                    whole_items.push(field.clone());
                }
                fields.push(FieldChange { field: field.clone(), old: None, new: Some(value.clone()) });
            }
        }
    }
    let mut removed_items: Vec<String> = Vec::new();
    for (field, value) in &before {
        if after.iter().any(|(f, _)| f == field) || inside(&removed_items, field) {
            continue;
        }
        if value.is_empty() {
            removed_items.push(field.clone());
        }
        fields.push(FieldChange { field: field.clone(), old: Some(value.clone()), new: None });
    }
    let body = if old_body == new_body { Vec::new() } else { words(&old_body, &new_body) };
    Detail { fields, body }
}

fn split(text: &str) -> (Option<Node>, String) {
    match split_front_matter(text) {
        Ok(s) => {
            let node = text.get(s.yaml.clone()).and_then(|y| yaml::parse(y, 2).ok());
            (node, text.get(s.body_start..).unwrap_or("").to_string())
        }
        Err(_) => (None, text.to_string()),
    }
}

/// Every scalar field as (path, shown value); a keyed list item also gets an entry with an empty value.
fn flatten(node: Option<&Node>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(node) = node {
        walk(node, String::new(), &mut out);
    }
    out
}

fn walk(node: &Node, path: String, out: &mut Vec<(String, String)>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let p = if path.is_empty() { e.key.clone() } else { format!("{path}.{}", e.key) };
                walk(&e.value, p, out);
            }
        }
        Value::Seq(items) if !items.is_empty() && items.iter().all(|i| item_key(i).is_some()) => {
            for item in items {
                let key = item_key(item).unwrap_or_default();
                let p = format!("{path}[{key}]");
                out.push((p.clone(), String::new()));
                walk(item, p, out);
            }
        }
        _ => out.push((path, show(node))),
    }
}

/// The `id` (or else `date`) of a list item that is a map, which names it across versions.
fn item_key(node: &Node) -> Option<String> {
    let Value::Map(entries) = &node.value else { return None };
    ["id", "date", "vaccine", "name"].iter().find_map(|k| entries.iter().find(|e| e.key == *k).map(|e| show(&e.value)))
}

/// A value as one short line.
fn show(node: &Node) -> String {
    match &node.value {
        Value::Null => "(empty)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Str(s) => s.clone(),
        Value::Seq(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Map(entries) => {
            format!(
                "{{{}}}",
                entries.iter().map(|e| format!("{}: {}", e.key, show(&e.value))).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

/// The body's changes word by word, neighbouring runs of one kind joined.
///
/// Lines are compared first and words only within the lines that changed: a plan of two
/// hundred lines with one reworded sentence costs a line diff and a word diff of one line,
/// where a word diff of the whole text searched every word.
pub fn words(old: &str, new: &str) -> Vec<Words> {
    let limit = std::time::Duration::from_millis(200);
    let lines = similar::TextDiff::configure().timeout(limit).diff_lines(old, new);
    let (old_lines, new_lines) = (lines.old_slices(), lines.new_slices());
    let mut out: Vec<Words> = Vec::new();
    for op in lines.ops() {
        let (tag, a, b) = op.as_tag_tuple();
        let (before, after) = (old_lines[a].concat(), new_lines[b].concat());
        match tag {
            similar::DiffTag::Equal => push(&mut out, similar::ChangeTag::Equal, &before),
            similar::DiffTag::Delete => push(&mut out, similar::ChangeTag::Delete, &before),
            similar::DiffTag::Insert => push(&mut out, similar::ChangeTag::Insert, &after),
            similar::DiffTag::Replace => {
                let diff = similar::TextDiff::configure().timeout(limit).diff_words(&before, &after);
                for change in diff.iter_all_changes() {
                    push(&mut out, change.tag(), change.value());
                }
            }
        }
    }
    out
}

/// Adds a run of text, joined to the last run when it is of the same kind.
fn push(out: &mut Vec<Words>, tag: similar::ChangeTag, text: &str) {
    match (tag, out.last_mut()) {
        (similar::ChangeTag::Equal, Some(Words::Same(s)))
        | (similar::ChangeTag::Insert, Some(Words::Added(s)))
        | (similar::ChangeTag::Delete, Some(Words::Removed(s))) => s.push_str(text),
        (similar::ChangeTag::Equal, _) => out.push(Words::Same(text.to_string())),
        (similar::ChangeTag::Insert, _) => out.push(Words::Added(text.to_string())),
        (similar::ChangeTag::Delete, _) => out.push(Words::Removed(text.to_string())),
    }
}

/// The lines of a word diff that hold a change, each as its runs of words (no line breaks inside).
pub fn changed_line_runs(body: &[Words]) -> Vec<Vec<Words>> {
    let mut lines: Vec<Vec<Words>> = vec![Vec::new()];
    for w in body {
        let (text, make): (&str, fn(String) -> Words) = match w {
            Words::Same(s) => (s, Words::Same),
            Words::Added(s) => (s, Words::Added),
            Words::Removed(s) => (s, Words::Removed),
        };
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            push_run(&mut lines, first, make);
        }
        for part in parts {
            lines.push(Vec::new());
            push_run(&mut lines, part, make);
        }
    }
    lines
        .into_iter()
        .filter(|l| l.iter().any(|w| !matches!(w, Words::Same(_))))
        .map(|mut l| {
            if let Some(Words::Same(s)) = l.first_mut() {
                *s = s.trim_start().to_string();
            }
            if let Some(Words::Same(s)) = l.last_mut() {
                *s = s.trim_end().to_string();
            }
            l.retain(|w| !matches!(w, Words::Same(s) if s.is_empty()));
            l
        })
        .collect()
}

fn push_run(lines: &mut [Vec<Words>], text: &str, make: fn(String) -> Words) {
    if let (Some(line), false) = (lines.last_mut(), text.is_empty()) {
        line.push(make(text.to_string()));
    }
}

/// The changed lines of a word diff, marked up as `[-removed-]{+added+}` (git's plain word diff).
pub fn changed_lines(body: &[Words]) -> Vec<String> {
    changed_line_runs(body)
        .iter()
        .map(|line| {
            line.iter()
                .map(|w| match w {
                    Words::Same(s) => s.clone(),
                    Words::Added(s) => format!("{{+{s}+}}"),
                    Words::Removed(s) => format!("[-{s}-]"),
                })
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "---\nname: Jordan\naccommodation:\n  type: semi-independent\n  since: 2025-09-01\ngoals:\n  - id: college\n    status: in-progress\n  - id: bus\n    status: not-started\nallergies: []\n---\nJordan is settling in well at college.\n";
    const NEW: &str = "---\nname: Jordan\naccommodation:\n  type: independent\n  since: 2025-09-01\ngoals:\n  - id: college\n    status: achieved\n    done: 2026-03-01\n  - id: flat\n    status: in-progress\nallergies: [penicillin]\n---\nJordan is settling in very well at the flat.\n";

    #[test]
    fn fields_change_one_by_one() {
        let d = detail(Some(OLD), Some(NEW));
        let shown: Vec<String> = d.fields.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            shown,
            vec![
                "accommodation.type: semi-independent → independent",
                "goals[college].status: in-progress → achieved",
                "goals[college].done added: 2026-03-01",
                "goals[flat] added",
                "allergies: [] → [penicillin]",
                "goals[bus] removed",
            ]
        );
    }

    #[test]
    fn body_changes_word_by_word() {
        let d = detail(Some(OLD), Some(NEW));
        assert_eq!(changed_lines(&d.body), vec!["Jordan is settling in {+very +}well at [-college.-]{+the flat.+}"]);
        assert!(detail(Some(OLD), Some(OLD)).body.is_empty());
        assert!(detail(Some(OLD), Some(OLD)).fields.is_empty());
    }

    #[test]
    fn only_changed_lines_are_diffed_word_by_word_and_kept() {
        let old = "First line stays.\nSecond line is about college.\nThird stays.\nFourth goes.\n";
        let new = "First line stays.\nSecond line is about the flat.\nThird stays.\nA new fifth.\n";
        let d = detail(Some(old), Some(new));
        let lines = changed_lines(&d.body);
        assert_eq!(
            lines,
            vec!["Second line is about [-college.-]{+the flat.+}", "[-Fourth-]{+A new+} [-goes.-]{+fifth.+}"]
        );
        let compact = d.clone().compact();
        assert_eq!(changed_lines(&compact.body), lines);
        assert!(!compact.body.iter().any(|w| matches!(w, Words::Same(s) if s.contains("First"))));
        let plain = detail(Some(OLD), Some(NEW));
        assert_eq!(changed_line_runs(&plain.clone().compact().body), changed_line_runs(&plain.body));
    }

    #[test]
    fn broken_front_matter_still_diffs_the_text() {
        let d = detail(Some("no front matter\n"), Some("no front matter at all\n"));
        assert!(d.fields.is_empty());
        assert_eq!(changed_lines(&d.body), vec!["no front matter{+ at all+}"]);
    }
}
