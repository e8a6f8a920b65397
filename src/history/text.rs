//! [`Text`]: a piece of a shared string, so loading the cache costs no allocation per path or message.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// Immutable text that shares its buffer: every path, message and author name read from the
/// cache points into the one string the cache's text was read into. Reads as a `&str`.
///
/// 16 bytes: a thin pointer (`Arc<String>`, not the wider `Arc<str>`) and 32-bit offsets, since
/// 200,000 of them are made on every load and each byte of them is memory the kernel must supply.
#[derive(Clone)]
pub struct Text {
    buf: Arc<String>,
    start: u32,
    end: u32,
}

impl Text {
    /// The piece `start..end` of `buf`; `None` when it is out of range or cuts a character in two.
    pub(super) fn slice(buf: &Arc<String>, start: usize, end: usize) -> Option<Text> {
        buf.get(start..end)?;
        Some(Text { buf: buf.clone(), start: u32::try_from(start).ok()?, end: u32::try_from(end).ok()? })
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        // `slice` and `From` only make pieces that are in range, so this never falls back.
        self.buf.get(self.start as usize..self.end as usize).unwrap_or("")
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from("")
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::from(s.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::from(Arc::new(s))
    }
}

impl From<Arc<String>> for Text {
    fn from(buf: Arc<String>) -> Text {
        // Offsets are 32-bit; text past 4 GiB (never a path or a commit message) is cut at a character.
        let mut end = buf.len().min(u32::MAX as usize);
        while !buf.is_char_boundary(end) {
            end -= 1;
        }
        Text { buf, start: 0, end: end as u32 }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    // As `str` hashes, so a map keyed by `Text` can be searched with a `&str`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_share_one_buffer_and_refuse_bad_cuts() {
        let buf = Arc::new(String::from("records/é.md"));
        let whole = Text::slice(&buf, 0, buf.len()).expect("whole");
        assert_eq!(whole, "records/é.md");
        assert_eq!(Text::slice(&buf, 8, buf.len()).as_deref(), Some("é.md"));
        assert!(Text::slice(&buf, 9, 10).is_none(), "inside é");
        assert!(Text::slice(&buf, 3, 99).is_none());
        assert!(Text::slice(&buf, 5, 3).is_none());
        assert_eq!(Arc::strong_count(&buf), 2);
        assert_eq!(Text::from("a"), Text::from(String::from("a")));
        assert_eq!(Text::from("a").cmp(&Text::from("b")), std::cmp::Ordering::Less);
        assert_eq!(format!("{} {:?}", Text::from("x"), Text::from("x")), "x \"x\"");
        assert_eq!(std::mem::size_of::<Text>(), 16);
        assert_eq!(std::mem::size_of::<Option<Text>>(), 16);
    }
}
