//! YAML parsing with source positions: the only module that knows serde_yaml.
//!
//! serde_yaml gives values but no positions for them, and its errors for a
//! missing field carry none at all. So the text is parsed twice: serde_yaml
//! decides what the values are (it knows YAML), and a small line scanner
//! finds where each key and value starts (our records are block YAML with
//! the odd one-line flow map). Where the scanner cannot place a value it
//! falls back to its parent's position, never to nothing.

use std::collections::HashMap;

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

impl Pos {
    /// A position from a 1-based line and column.
    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

/// A YAML value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the value is.
    pub value: Value,
    /// Where the value starts (for a block map or list: its first entry).
    pub pos: Pos,
}

/// One `key: value` pair of a map, with the key's own position.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key as text (non-string keys are written as YAML would show them).
    pub key: String,
    /// Where the key starts.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// The shapes a YAML value can take, independent of the parser used.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing at all.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Float(f64),
    /// Any other scalar.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A map, in source order.
    Map(Vec<Entry>),
}

impl Value {
    /// A plain-words name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a set of fields",
        }
    }
}

/// Why a YAML text could not be parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// The parser's own words, tidied.
    pub message: String,
}

/// Parses `text` (whose first line is line `first_line` of its file) into a
/// positioned tree.
pub fn parse(text: &str, first_line: u32) -> Result<Node, SyntaxError> {
    if let Some(pos) = too_deep(text, MAX_FLOW_DEPTH) {
        return Err(SyntaxError {
            pos: Pos::new(pos.line + first_line - 1, pos.col),
            message: format!("brackets are nested more than {MAX_FLOW_DEPTH} levels deep"),
        });
    }
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            // serde_yaml places a duplicate key where its map starts; point at the repeat instead.
            const DUPLICATE: &str = "duplicate entry with key \"";
            let duplicate = message
                .find(DUPLICATE)
                .and_then(|at| message[at + DUPLICATE.len()..].split('"').next())
                .and_then(|key| find_duplicate(text, key));
            let pos = duplicate
                .or_else(|| e.location().map(|l| Pos::new(l.line() as u32, l.column() as u32)))
                .map(|p| Pos::new(p.line + first_line - 1, p.col))
                .unwrap_or(Pos::new(first_line, 1));
            return Err(SyntaxError { pos, message: tidy_error(&e.to_string()) });
        }
    };
    let spots = locate(text, first_line);
    let mut path = Vec::new();
    Ok(convert(value, &spots, &mut path, Pos::new(first_line, 1)))
}

/// Deeper flow nesting than this is refused before serde_yaml sees it: the
/// parser takes over a minute on a 200 KB run of `[`, and no record nests
/// more than two or three levels.
pub const MAX_FLOW_DEPTH: usize = 32;

/// Where brackets first nest deeper than `limit`, if they do.
///
/// Quotes and comments are deliberately not understood: a guard that can be
/// talked out of counting (a stray `'`, a tab) is no guard. Legitimate text
/// never holds 32 unclosed brackets, and if it did it gets a clear error.
fn too_deep(text: &str, limit: usize) -> Option<Pos> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        for (col, c) in line.chars().enumerate() {
            match c {
                '[' | '{' => {
                    depth += 1;
                    if depth > limit {
                        return Some(Pos::new(n as u32 + 1, col as u32 + 1));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// The second line that starts `key:` at an indentation already seen for it.
fn find_duplicate(text: &str, key: &str) -> Option<Pos> {
    let mut seen: Vec<usize> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if line.trim().is_empty() {
            continue;
        }
        // Keys deeper than this line belong to maps (or list items) that have ended.
        seen.retain(|i| *i <= spaces && !(line[spaces..].starts_with('-') && *i == spaces + 2));
        let content = line.trim_start_matches([' ', '-']);
        let indent = line.len() - content.len();
        if split_key(content).is_some_and(|(k, _)| k == key) {
            if seen.contains(&indent) {
                return Some(Pos::new(n as u32 + 1, line[..indent].chars().count() as u32 + 1));
            }
            seen.push(indent);
        }
    }
    None
}

/// Drops serde_yaml's trailing "at line X column Y": we show the position ourselves.
fn tidy_error(message: &str) -> String {
    let cut = message.find(" at line ").unwrap_or(message.len());
    message[..cut].to_string()
}

/// One step into a tree: a map key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Where a node's key and value start.
#[derive(Debug, Clone, Copy)]
struct Spot {
    key: Pos,
    value: Pos,
}

fn convert(value: serde_yaml::Value, spots: &HashMap<Vec<Seg>, Spot>, path: &mut Vec<Seg>, fallback: Pos) -> Node {
    let pos = spots.get(path.as_slice()).map(|s| s.value).unwrap_or(fallback);
    let value = match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_yaml::Value::String(s) => Value::Str(s),
        serde_yaml::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(Seg::Index(i));
                out.push(convert(item, spots, path, pos));
                path.pop();
            }
            Value::Seq(out)
        }
        serde_yaml::Value::Mapping(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = scalar_text(&k);
                path.push(Seg::Key(key.clone()));
                let key_pos = spots.get(path.as_slice()).map(|s| s.key).unwrap_or(pos);
                let value = convert(v, spots, path, key_pos);
                path.pop();
                out.push(Entry { key, key_pos, value });
            }
            Value::Map(out)
        }
        serde_yaml::Value::Tagged(tagged) => return convert(tagged.value, spots, path, fallback),
    };
    Node { value, pos }
}

fn scalar_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_string(),
        _ => "(complex key)".to_string(),
    }
}

/// A container being scanned: its indentation and path.
struct Frame {
    indent: usize,
    path: Vec<Seg>,
    seq: bool,
    next_index: usize,
}

/// Finds the positions of keys and values in block-style YAML.
fn locate(text: &str, first_line: u32) -> HashMap<Vec<Seg>, Spot> {
    let mut spots: HashMap<Vec<Seg>, Spot> = HashMap::new();
    let mut stack: Vec<Frame> = vec![Frame { indent: 0, path: Vec::new(), seq: false, next_index: 0 }];
    // A key with nothing after it: its child container starts on a later line.
    let mut pending: Option<(Vec<Seg>, usize)> = None;
    // Lines of a block scalar (`|` or `>`) are skipped while indented past this.
    let mut block_scalar: Option<usize> = None;

    for (n, line) in text.lines().enumerate() {
        let line_no = first_line + n as u32;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        if let Some(parent) = block_scalar {
            if indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if let Some((path, key_indent)) = pending.take() {
            let is_item = content == "-" || content.starts_with("- ");
            if indent > key_indent || (is_item && indent == key_indent) {
                // The key's value is the container that starts here.
                let first = Pos::new(line_no, line[..indent].chars().count() as u32 + 1);
                if let Some(spot) = spots.get_mut(&path) {
                    spot.value = first;
                }
                stack.push(Frame { indent, path, seq: is_item, next_index: 0 });
            }
        }
        while stack.len() > 1 && stack.last().is_some_and(|f| f.indent > indent) {
            stack.pop();
        }
        let Some(top) = stack.last() else { break };
        if top.indent != indent {
            continue; // A continuation of a multi-line scalar: nothing to place.
        }
        let char_col = |byte: usize| line[..byte].chars().count() as u32 + 1;
        let mut at = indent;
        let mut rest = content;
        // A list item, possibly opening a map on the same line (`- id: x`).
        if rest == "-" || rest.starts_with("- ") {
            if !top.seq {
                continue;
            }
            let depth = stack.len() - 1;
            let idx = stack[depth].next_index;
            stack[depth].next_index += 1;
            let mut item = stack[depth].path.clone();
            item.push(Seg::Index(idx));
            let skip = 1 + rest[1..].len() - rest[1..].trim_start().len();
            at += skip;
            rest = &rest[skip..];
            let spot_pos = Pos::new(line_no, char_col(at));
            spots.insert(item.clone(), Spot { key: spot_pos, value: spot_pos });
            if rest.is_empty() || rest.starts_with('#') {
                pending = Some((item, indent));
                continue;
            }
            if split_key(rest).is_none() {
                place_scalar(rest, line, at, line_no, &item, &mut spots, &mut block_scalar, indent);
                continue;
            }
            stack.push(Frame { indent: at, path: item, seq: false, next_index: 0 });
        }
        let Some(top) = stack.last() else { break };
        if top.seq {
            continue;
        }
        let Some((key, value_off)) = split_key(rest) else { continue };
        let mut path = top.path.clone();
        path.push(Seg::Key(key));
        let key_pos = Pos::new(line_no, char_col(at));
        let value_at = at + value_off;
        let value_text = &line[value_at..];
        if value_text.trim().is_empty() || value_text.starts_with('#') {
            spots.insert(path.clone(), Spot { key: key_pos, value: key_pos });
            pending = Some((path, at));
            continue;
        }
        spots.insert(path.clone(), Spot { key: key_pos, value: Pos::new(line_no, char_col(value_at)) });
        place_scalar(value_text, line, value_at, line_no, &path, &mut spots, &mut block_scalar, at);
    }
    spots
}

/// Places a value that starts on this line: a flow collection's members, or a block scalar marker.
#[allow(clippy::too_many_arguments)]
fn place_scalar(
    value_text: &str,
    line: &str,
    at: usize,
    line_no: u32,
    path: &[Seg],
    spots: &mut HashMap<Vec<Seg>, Spot>,
    block_scalar: &mut Option<usize>,
    owner_indent: usize,
) {
    if value_text.starts_with('|') || value_text.starts_with('>') {
        *block_scalar = Some(owner_indent);
    } else if value_text.starts_with('{') || value_text.starts_with('[') {
        let mut flow = Flow { line, pos: at, line_no, spots };
        flow.value(&mut path.to_vec());
    }
}

/// Splits `key: rest` into the key and the byte offset of the value, if this is a map entry.
fn split_key(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    let (key, after) = if bytes.first() == Some(&b'"') || bytes.first() == Some(&b'\'') {
        let q = bytes[0];
        let end = s[1..].find(q as char)? + 1;
        (s[1..end].to_string(), end + 1)
    } else {
        if matches!(bytes.first(), Some(b'{' | b'[' | b'|' | b'>' | b'"' | b'\'' | b'#')) {
            return None;
        }
        let mut end = None;
        for (i, b) in bytes.iter().enumerate() {
            if *b == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') {
                end = Some(i);
                break;
            }
            if *b == b'#' && i > 0 && bytes[i - 1] == b' ' {
                return None;
            }
        }
        let end = end?;
        (s[..end].trim_end().to_string(), end)
    };
    if s.as_bytes().get(after) != Some(&b':') {
        return None;
    }
    let mut value = after + 1;
    while s.as_bytes().get(value).is_some_and(|b| *b == b' ' || *b == b'\t') {
        value += 1;
    }
    Some((key, value))
}

/// A tiny scanner for one-line flow collections (`{ a: 1, b: [x, y] }`).
struct Flow<'a, 'b> {
    line: &'a str,
    pos: usize,
    line_no: u32,
    spots: &'b mut HashMap<Vec<Seg>, Spot>,
}

impl Flow<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn here(&self) -> Pos {
        // An escape (`\é`) can leave `pos` inside a character or past the end; never slice there.
        let mut p = self.pos.min(self.line.len());
        while !self.line.is_char_boundary(p) {
            p -= 1;
        }
        Pos::new(self.line_no, self.line[..p].chars().count() as u32 + 1)
    }

    /// Steps over a stray character an item could not consume, so a line the
    /// scanner misreads (say, inside a multi-line string) cannot loop forever.
    fn ensure_progress(&mut self, start: usize) {
        if self.pos == start {
            self.pos += self.line[self.pos.min(self.line.len())..].chars().next().map_or(1, char::len_utf8);
        }
    }

    /// Moves to the next item of a flow collection; false at its `close` bracket or the line's end.
    fn next_item(&mut self, close: u8) -> bool {
        loop {
            self.skip_ws();
            match self.peek() {
                None => return false,
                Some(b) if b == close => {
                    self.pos += 1;
                    return false;
                }
                Some(b',') => self.pos += 1,
                Some(_) => return true,
            }
        }
    }

    /// Scans one value, recording the positions of what it contains.
    fn value(&mut self, path: &mut Vec<Seg>) {
        self.skip_ws();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                while self.next_item(b'}') {
                    let start = self.pos;
                    let key_pos = self.here();
                    let key = self.scalar(true);
                    self.skip_ws();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    path.push(Seg::Key(key));
                    let value_pos = self.here();
                    self.spots.insert(path.clone(), Spot { key: key_pos, value: value_pos });
                    self.value(path);
                    path.pop();
                    self.ensure_progress(start);
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut i = 0;
                while self.next_item(b']') {
                    let start = self.pos;
                    path.push(Seg::Index(i));
                    let p = self.here();
                    self.spots.insert(path.clone(), Spot { key: p, value: p });
                    self.value(path);
                    path.pop();
                    i += 1;
                    self.ensure_progress(start);
                }
            }
            _ => {
                self.scalar(false);
            }
        }
    }

    /// Scans a plain or quoted scalar; in a key, stops at `:`.
    fn scalar(&mut self, key: bool) -> String {
        let start = self.pos;
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                self.pos += 1;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == b'\\' && q == b'"' {
                        self.pos += 1;
                    } else if b == q {
                        break;
                    }
                }
                let end = self.pos.min(self.line.len());
                self.line.get(start + 1..end.saturating_sub(1)).unwrap_or("").to_string()
            }
            _ => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']') || (key && b == b':') {
                        break;
                    }
                    self.pos += 1;
                }
                self.line.get(start..self.pos).unwrap_or("").trim().to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.value {
            Value::Map(entries) => &entries.iter().find(|e| e.key == key).expect("key present").value,
            other => panic!("not a map: {other:?}"),
        }
    }

    fn idx(node: &Node, i: usize) -> &Node {
        match &node.value {
            Value::Seq(items) => &items[i],
            other => panic!("not a list: {other:?}"),
        }
    }

    #[test]
    fn positions_of_block_values() {
        let text =
            "name: Jordan Blake\naccommodation:\n  type: semi-independent\n  suitable: true\nflags: [cse-risk, uasc]\n";
        let root = parse(text, 2).expect("parses");
        assert_eq!(get(&root, "name").pos, Pos::new(2, 7));
        let acc = get(&root, "accommodation");
        assert_eq!(acc.pos, Pos::new(4, 3));
        assert_eq!(get(acc, "type").pos, Pos::new(4, 9));
        assert_eq!(get(acc, "suitable").pos, Pos::new(5, 13));
        let flags = get(&root, "flags");
        assert_eq!(idx(flags, 1).pos, Pos::new(6, 19));
    }

    #[test]
    fn positions_in_lists_of_maps() {
        let text = "goals:\n  - id: college\n    status: done\n  - id: flat\n    heading: accommodation\nreviews:\n- date: 2025-01-01\n  by: sam\n";
        let root = parse(text, 1).expect("parses");
        let goals = get(&root, "goals");
        assert_eq!(get(idx(goals, 0), "status").pos, Pos::new(3, 13));
        assert_eq!(get(idx(goals, 1), "heading").pos, Pos::new(5, 14));
        let reviews = get(&root, "reviews");
        assert_eq!(get(idx(reviews, 0), "by").pos, Pos::new(8, 7));
    }

    #[test]
    fn positions_in_flow_maps_and_after_block_scalars() {
        let text = "gp: { practice: Example Surgery, phone: \"01234 567890\" }\nnotes: |\n  one: not a key\n  two\nclosed: { date: 2026-09-01, reason: moved-area }\n";
        let root = parse(text, 1).expect("parses");
        assert_eq!(get(get(&root, "gp"), "phone").pos, Pos::new(1, 41));
        assert_eq!(get(get(&root, "closed"), "reason").pos, Pos::new(5, 37));
    }

    #[test]
    fn syntax_errors_carry_file_positions() {
        let err = parse("name: [unclosed\n", 2).expect_err("fails");
        assert_eq!(err.pos.line, 3);
        assert!(!err.message.contains("at line"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let text = format!("a: {}\n", "[".repeat(200_000));
        let err = parse(&text, 2).expect_err("too deep");
        assert_eq!(err.pos, Pos::new(2, 4 + MAX_FLOW_DEPTH as u32));
        assert!(parse("a: [[1, 2], {b: [c]}]\nurl: http://x/{y}[z]\n", 2).is_ok());
    }

    #[test]
    fn duplicate_keys_point_at_the_repeat() {
        let err = parse("name: A\ndate: 2026-01-01\nname: B\n", 2).expect_err("duplicate");
        assert_eq!(err.pos, Pos::new(4, 1));
        let text = "goals:\n  - id: a\n    by: x\n  - id: b\n    by: y\n    id: c\n";
        let err = parse(text, 1).expect_err("duplicate");
        assert_eq!(err.pos, Pos::new(6, 5));
        assert!(err.message.contains("duplicate"));
    }

    #[test]
    fn the_scanner_survives_what_it_misreads() {
        // Valid YAML whose second line the line scanner takes for a flow map.
        let text = "a: \"first\nb: {], [}, \\é\"\nc: 1\n";
        let mut spots = HashMap::new();
        let mut flow = Flow { line: "b: {], [}, \\é", pos: 3, line_no: 2, spots: &mut spots };
        flow.value(&mut Vec::new());
        let _ = parse(text, 1);
        let mut flow = Flow { line: "{a: \"x\\", pos: 0, line_no: 1, spots: &mut spots };
        flow.value(&mut Vec::new());
        assert!(flow.here().col >= 1);
    }

    #[test]
    fn unicode_columns_count_characters() {
        let root = parse("name: Zoë\nplace: Café\n", 1).expect("parses");
        assert_eq!(get(&root, "place").pos, Pos::new(2, 8));
    }
}
