//! Reading typed fields out of a positioned YAML map, reporting every problem on the way.
//!
//! Each record kind lists the fields it knows; anything else is an
//! `unknown-field` warning with a "did you mean" hint. Wrong types and values
//! outside their list are `invalid-value`, absent required fields
//! `missing-field`, all pointing at the exact key or value.

use crate::diag::{Diagnostic, Rule};
use crate::load::spec::Known;
use crate::load::yaml::{Entry, Node, Pos, Value};
use crate::model::date::{parse_date, Date};
use crate::model::vocab::Vocab;
use crate::model::{Field, Spanned};
use std::cell::RefCell;

/// The file being read and the diagnostics found in it so far.
pub struct Ctx<'a> {
    /// Path of the file, relative to the root.
    pub file: &'a str,
    /// Where the front matter opens (`---`), for whole-record problems.
    pub top: Pos,
    diags: RefCell<Vec<Diagnostic>>,
    /// Fields written but not readable (or required and absent), with the diagnostic that says so.
    unreadable: RefCell<Vec<(String, usize)>>,
}

impl<'a> Ctx<'a> {
    /// Starts reading `file`, whose front matter opens at `top`.
    pub fn new(file: &'a str, top: Pos) -> Ctx<'a> {
        Ctx { file, top, diags: RefCell::new(Vec::new()), unreadable: RefCell::new(Vec::new()) }
    }

    /// Notes that the field just reported (`reviews[2].date`) could not be read, so the rules
    /// that need it can be skipped and named.
    pub fn mark_unreadable(&self, name: &str) {
        let Some(last) = self.diags.borrow().len().checked_sub(1) else { return };
        self.unreadable.borrow_mut().push((field_path(name), last));
    }

    /// The fields that could not be read, as `reviews.date` (list positions left out).
    pub fn unreadable(&self) -> Vec<String> {
        let mut names: Vec<String> = self.unreadable.borrow().iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Adds to each unreadable field's diagnostic the checks `skipped` says are skipped without it.
    pub fn name_skipped(&self, skipped: impl Fn(&str) -> Vec<&'static str>) {
        let mut diags = self.diags.borrow_mut();
        for (name, i) in self.unreadable.borrow().iter() {
            let rules = skipped(name);
            if let (false, Some(d)) = (rules.is_empty(), diags.get_mut(*i)) {
                d.message.push_str(&format!(
                    "; until `{name}` is fixed, these checks are skipped for this young person: {}",
                    rules.join(", ")
                ));
            }
        }
    }

    /// Reports a problem.
    pub fn report(&self, rule: Rule, pos: Pos, message: impl Into<String>, help: impl Into<String>) {
        let help: String = help.into();
        let mut d = Diagnostic::new(rule, self.file, pos, message);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diags.borrow_mut().push(d);
    }

    /// Everything reported.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }
}

/// A field's name without list positions: `reviews[2].date` → `reviews.date`.
fn field_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut depth = 0u32;
    for ch in name.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim_end_matches('.').to_string()
}

/// The closest of `candidates` to a misspelt `word`, if any is close enough to suggest.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let norm = word.to_lowercase().replace(['-', ' '], "_");
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&norm, &c.replace('-', "_")), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The fields of one YAML map (the front matter or a nested map such as `accommodation`).
pub struct Fields<'a, 'c> {
    ctx: &'c Ctx<'a>,
    entries: &'c [Entry],
    /// Where missing fields are reported: the `---` for the front matter, else the map's key.
    at: Pos,
    /// Prefix for messages about nested fields (`accommodation.`).
    prefix: String,
}

impl<'a, 'c> Fields<'a, 'c> {
    /// Reads `node` as a map of the `known` fields; reports unknown ones.
    pub fn new(
        ctx: &'c Ctx<'a>,
        node: &'c Node,
        known: &(impl Known + ?Sized),
        at: Pos,
        prefix: &str,
    ) -> Fields<'a, 'c> {
        let entries: &[Entry] = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => &[],
            other => {
                ctx.report(
                    Rule::InvalidValue,
                    node.pos,
                    format!(
                        "{} should be a set of `name: value` fields, but is {}",
                        describe(prefix),
                        other.kind_name()
                    ),
                    "write one `name: value` field per line",
                );
                ctx.mark_unreadable(prefix);
                &[]
            }
        };
        for e in entries {
            if !known.knows(&e.key) {
                let help = match closest(&e.key, known.names()) {
                    Some(s) => format!("did you mean `{prefix}{s}`?"),
                    None => format!("the fields known here are: {}", known.names().join(", ")),
                };
                ctx.report(
                    Rule::UnknownField,
                    e.key_pos,
                    format!("`{prefix}{}` is not a field Waymark knows, so it is ignored", e.key),
                    help,
                );
            }
        }
        Fields { ctx, entries, at, prefix: prefix.to_string() }
    }

    fn name(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// The entry for `key`, treating an empty value as absent.
    pub fn entry(&self, key: &str) -> Option<&'c Entry> {
        self.entries.iter().find(|e| e.key == key && e.value.value != Value::Null)
    }

    /// The value node for `key`, if present and not empty.
    pub fn node(&self, key: &str) -> Option<&'c Node> {
        self.entry(key).map(|e| &e.value)
    }

    fn missing(&self, key: &str, help: &str) {
        self.ctx.report(Rule::MissingField, self.at, format!("required field `{}` is missing", self.name(key)), help);
        self.ctx.mark_unreadable(&self.name(key));
    }

    fn wrong(&self, key: &str, node: &Node, wanted: &str, help: &str) {
        self.ctx.report(
            Rule::InvalidValue,
            node.pos,
            format!("`{}` should be {wanted}, but is {}", self.name(key), node.value.kind_name()),
            help,
        );
        self.ctx.mark_unreadable(&self.name(key));
    }

    /// A required field as a [`Field`]: its value, unreadable where written, or missing.
    pub fn field<T>(&self, key: &str, read: Option<Spanned<T>>) -> Field<T> {
        match (read, self.node(key)) {
            (Some(v), _) => Field::Value(v),
            (None, Some(node)) => Field::Unreadable(node.pos),
            (None, None) => Field::Missing,
        }
    }

    /// A text field.
    pub fn text(&self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        match &node.value {
            Value::Str(s) => Some(Spanned::new(s.clone(), node.pos)),
            Value::Int(i) => Some(Spanned::new(i.to_string(), node.pos)),
            Value::Float(f) => Some(Spanned::new(f.to_string(), node.pos)),
            Value::Bool(b) => Some(Spanned::new(b.to_string(), node.pos)),
            _ => {
                self.wrong(key, node, "text", "write the text on the same line, in quotes if it contains a colon");
                None
            }
        }
    }

    /// A required text field.
    pub fn req_text(&self, key: &str, help: &str) -> Option<Spanned<String>> {
        if self.node(key).is_none() {
            self.missing(key, help);
        }
        self.text(key)
    }

    /// A date field, `YYYY-MM-DD`.
    pub fn date(&self, key: &str) -> Option<Spanned<Date>> {
        let node = self.node(key)?;
        match &node.value {
            Value::Str(s) => match parse_date(s.trim()) {
                Ok(d) => Some(Spanned::new(d, node.pos)),
                Err(why) => {
                    self.ctx.report(
                        Rule::InvalidValue,
                        node.pos,
                        format!("`{}`: {why}", self.name(key)),
                        "write dates as YYYY-MM-DD, for example 2026-03-14",
                    );
                    self.ctx.mark_unreadable(&self.name(key));
                    None
                }
            },
            _ => {
                self.wrong(key, node, "a date", "write dates as YYYY-MM-DD, for example 2026-03-14");
                None
            }
        }
    }

    /// A required date field.
    pub fn req_date(&self, key: &str, help: &str) -> Option<Spanned<Date>> {
        if self.node(key).is_none() {
            self.missing(key, help);
        }
        self.date(key)
    }

    /// A true/false field.
    pub fn boolean(&self, key: &str) -> Option<Spanned<bool>> {
        let node = self.node(key)?;
        match &node.value {
            Value::Bool(b) => Some(Spanned::new(*b, node.pos)),
            _ => {
                self.wrong(key, node, "true or false", "write `true` or `false` (without quotes)");
                None
            }
        }
    }

    /// A whole number that is zero or more.
    pub fn count(&self, key: &str) -> Option<Spanned<u32>> {
        let node = self.node(key)?;
        match &node.value {
            Value::Int(i) if (0..=u32::MAX as i64).contains(i) => Some(Spanned::new(*i as u32, node.pos)),
            _ => {
                self.wrong(key, node, "a whole number of 0 or more", "write a number such as 14, without quotes");
                None
            }
        }
    }

    /// A number (whole or not).
    pub fn number(&self, key: &str) -> Option<Spanned<f64>> {
        let node = self.node(key)?;
        match &node.value {
            Value::Int(i) => Some(Spanned::new(*i as f64, node.pos)),
            Value::Float(f) if f.is_finite() => Some(Spanned::new(*f, node.pos)),
            _ => {
                self.wrong(key, node, "a number", "write a number such as 6, without quotes");
                None
            }
        }
    }

    /// A value from one of FORMAT.md's lists.
    pub fn vocab<T: Vocab>(&self, key: &str) -> Option<Spanned<T>> {
        let node = self.node(key)?;
        vocab_value(self.ctx, &self.name(key), node)
    }

    /// A required value from one of FORMAT.md's lists.
    pub fn req_vocab<T: Vocab>(&self, key: &str) -> Option<Spanned<T>> {
        if self.node(key).is_none() {
            self.missing(key, &format!("add `{key}:` with one of: {}", T::NAMES.join(", ")));
        }
        self.vocab(key)
    }

    /// A nested map of known fields.
    pub fn map(&self, key: &str, known: &(impl Known + ?Sized)) -> Option<Fields<'a, 'c>> {
        let e = self.entry(key)?;
        Some(Fields::new(self.ctx, &e.value, known, e.key_pos, &format!("{}.", self.name(key))))
    }

    /// The items of a list field (an absent field is an empty list).
    pub fn list(&self, key: &str) -> &'c [Node] {
        let Some(node) = self.node(key) else { return &[] };
        match &node.value {
            Value::Seq(items) => items,
            _ => {
                self.wrong(key, node, "a list", "write a list as `[a, b]`, or one `- item` per line");
                &[]
            }
        }
    }

    /// A list of short texts (`[a, b]`).
    pub fn text_list(&self, key: &str) -> Option<Vec<String>> {
        self.node(key)?;
        let mut out = Vec::new();
        for item in self.list(key) {
            match &item.value {
                Value::Str(s) => out.push(s.clone()),
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => out.push(scalar_string(&item.value)),
                other => self.ctx.report(
                    Rule::InvalidValue,
                    item.pos,
                    format!("each item of `{}` should be text, but this one is {}", self.name(key), other.kind_name()),
                    "",
                ),
            }
        }
        Some(out)
    }

    /// Reads each map in a list field, with a nested reader per item.
    pub fn each_map(&self, key: &str, known: &(impl Known + ?Sized)) -> Vec<(Pos, Fields<'a, 'c>)> {
        let name = self.name(key);
        self.list(key)
            .iter()
            .enumerate()
            .map(|(i, item)| (item.pos, Fields::new(self.ctx, item, known, item.pos, &format!("{name}[{}].", i + 1))))
            .collect()
    }

    /// Where a missing field would be reported (the map's own position).
    pub fn at(&self) -> Pos {
        self.at
    }

    /// The file's reading context.
    pub fn ctx(&self) -> &'c Ctx<'a> {
        self.ctx
    }

    /// Reports `key` as required when a condition makes it so.
    pub fn require(&self, key: &str, help: &str) {
        if self.node(key).is_none() {
            self.missing(key, help);
        }
    }
}

fn scalar_string(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Reads one node as a value of a FORMAT.md list, reporting anything else.
pub fn vocab_value<T: Vocab>(ctx: &Ctx<'_>, name: &str, node: &Node) -> Option<Spanned<T>> {
    let text = match &node.value {
        Value::Str(s) => s.as_str(),
        Value::Bool(b) => {
            // `yes`/`no` are words in YAML 1.2, but `true` is not a value of any list.
            ctx.report(
                Rule::InvalidValue,
                node.pos,
                format!("`{name}` is `{b}`, which is not {}", crate::words::a(T::WHAT)),
                format!("use one of: {}", T::NAMES.join(", ")),
            );
            ctx.mark_unreadable(name);
            return None;
        }
        other => {
            ctx.report(
                Rule::InvalidValue,
                node.pos,
                format!("`{name}` should be one of the {} values, but is {}", T::WHAT, other.kind_name()),
                format!("use one of: {}", T::NAMES.join(", ")),
            );
            ctx.mark_unreadable(name);
            return None;
        }
    };
    if let Some(v) = T::parse(text) {
        return Some(Spanned::new(v, node.pos));
    }
    let help = match closest(text, T::NAMES.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? The {}s are: {}", T::WHAT, T::NAMES.join(", ")),
        None => format!("use one of: {}", T::NAMES.join(", ")),
    };
    ctx.report(
        Rule::InvalidValue,
        node.pos,
        format!("`{text}` is not {} Waymark knows", crate::words::a(T::WHAT)),
        help,
    );
    ctx.mark_unreadable(name);
    None
}

fn describe(prefix: &str) -> String {
    if prefix.is_empty() {
        "the front matter".to_string()
    } else {
        format!("`{}`", prefix.trim_end_matches('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml::parse;
    use crate::model::vocab::LegalStatus;

    #[test]
    fn unknown_fields_get_a_suggestion() {
        let node = parse("nmae: Jo\n", 2).expect("parses");
        let ctx = Ctx::new("records/yp-0001/profile.md", Pos::new(1, 1));
        let _ = Fields::new(&ctx, &node, &["name", "date_of_birth"], ctx.top, "");
        let d = ctx.finish();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, Rule::UnknownField);
        assert_eq!(d[0].pos, Pos::new(2, 1));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn unreadable_fields_are_named_without_list_positions() {
        assert_eq!(field_path("reviews[2].date"), "reviews.date");
        assert_eq!(field_path("accommodation."), "accommodation");
        let node = parse("date_of_birth: 2008-02-30\nreviews:\n  - date: soon\n", 2).expect("parses");
        let ctx = Ctx::new("f.md", Pos::new(1, 1));
        let f = Fields::new(&ctx, &node, &["date_of_birth", "reviews", "name"], ctx.top, "");
        assert_eq!(f.field("date_of_birth", f.date("date_of_birth")), Field::Unreadable(Pos::new(2, 16)));
        assert_eq!(f.field("name", f.req_text("name", "")), Field::Missing);
        for (_, r) in f.each_map("reviews", &["date"]) {
            assert!(r.date("date").is_none());
        }
        assert_eq!(ctx.unreadable(), ["date_of_birth", "name", "reviews.date"]);
        ctx.name_skipped(|n| if n == "date_of_birth" { vec!["status-age", "passport-due"] } else { vec![] });
        let d = ctx.finish();
        assert!(d[0].message.ends_with("these checks are skipped for this young person: status-age, passport-due"));
        assert!(!d[1].message.contains("skipped"));
    }

    #[test]
    fn missing_and_invalid_values() {
        let node = parse("legal_status: relevent\nstarted: 2026-02-30\n", 2).expect("parses");
        let ctx = Ctx::new("f.md", Pos::new(1, 1));
        let f = Fields::new(&ctx, &node, &["legal_status", "started", "name"], ctx.top, "");
        assert!(f.req_text("name", "add it").is_none());
        assert!(f.vocab::<LegalStatus>("legal_status").is_none());
        assert!(f.date("started").is_none());
        let d = ctx.finish();
        assert_eq!(d[0].rule, Rule::MissingField);
        assert_eq!(d[0].pos, Pos::new(1, 1));
        assert_eq!(d[1].rule, Rule::InvalidValue);
        assert_eq!(d[1].pos, Pos::new(2, 15));
        assert!(d[1].help.as_deref().unwrap_or("").contains("did you mean `relevant`"));
        assert_eq!(d[2].pos, Pos::new(3, 10));
    }
}
