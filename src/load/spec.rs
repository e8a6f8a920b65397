//! What each field of a record holds. The tables themselves sit beside the readers in
//! [`crate::load::records`]: the loader's `unknown-field` check reads their names, and
//! `waymark schema` turns them into JSON Schemas, so editors and `waymark check` agree.

/// What a field holds.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// Text (a number or true/false written there is read as text too).
    Text,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// `true` or `false`.
    Bool,
    /// A whole number of 0 or more.
    Count,
    /// One of a list of words (a FORMAT.md vocabulary).
    OneOf(&'static [&'static str]),
    /// A list of words from a vocabulary.
    OneOfList(&'static [&'static str]),
    /// A list of short texts.
    TextList,
    /// A nested set of fields.
    Map(&'static [Field]),
    /// A list of nested sets of fields.
    MapList(&'static [Field]),
    /// `area: number` lines (outcome scores).
    Scores,
}

/// One field of a record or of a nested set of fields.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The key as written.
    pub name: &'static str,
    /// What it holds.
    pub ty: Ty,
    /// Whether the loader reports it as `missing-field` when absent (conditions aside).
    pub required: bool,
}

/// An optional field.
pub const fn opt(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: false }
}

/// A required field.
pub const fn req(name: &'static str, ty: Ty) -> Field {
    Field { name, ty, required: true }
}

/// The field names a set of fields knows, as the loader checks them.
pub trait Known {
    /// Whether `key` is one of them.
    fn knows(&self, key: &str) -> bool;
    /// All of them, in order.
    fn names(&self) -> Vec<&str>;
}

impl Known for [Field] {
    fn knows(&self, key: &str) -> bool {
        self.iter().any(|f| f.name == key)
    }

    fn names(&self) -> Vec<&str> {
        self.iter().map(|f| f.name).collect()
    }
}

impl Known for [&str] {
    fn knows(&self, key: &str) -> bool {
        self.contains(&key)
    }

    fn names(&self) -> Vec<&str> {
        self.to_vec()
    }
}

impl<const N: usize> Known for [&str; N] {
    fn knows(&self, key: &str) -> bool {
        self.contains(&key)
    }

    fn names(&self) -> Vec<&str> {
        self.to_vec()
    }
}
