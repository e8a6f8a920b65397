//! The one way text from records or git reaches a terminal.
//!
//! A record file or a commit message can hold escape sequences that set the
//! terminal's title, write to the clipboard (OSC 52) or hide text; bidirectional
//! controls can make a line read differently from what it holds. Everything
//! Waymark prints that came from a record, `waymark.yaml` or git passes through
//! [`visible`], which shows such characters instead of sending them.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Returns `text` with every control character made visible: C0 controls as caret
/// notation (`^[` for escape), DEL as `^?`, C1 controls and bidirectional
/// formatting characters as `<U+XXXX>`. Tabs and line feeds are kept.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push('^');
            out.push(char::from(c as u8 + b'@'));
        } else if c == '\u{7f}' {
            out.push_str("^?");
        } else {
            let _ = write!(out, "<U+{:04X}>", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` must not reach a terminal as it is.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_sent() {
        assert_eq!(visible("a\x1b]52;c;aGk=\x07b"), "a^[]52;c;aGk=^Gb");
        assert_eq!(visible("x\x7fy\u{9b}z"), "x^?y<U+009B>z");
        assert_eq!(visible("abc\u{202e}fed"), "abc<U+202E>fed");
        assert_eq!(visible("\r"), "^M");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(visible("Sam Okafor: home visit\n\tok"), Cow::Borrowed(_)));
        assert_eq!(visible("café ✓"), "café ✓");
    }
}
