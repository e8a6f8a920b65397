//! Compact text encodings for the index files, read back by `static/search.js`.
//!
//! Numbers are written as base-64 variable-length digits (as in source maps): each
//! character carries five bits, low bits first, and a sixth bit saying more follow.
//! Only letters, digits, `+` and `/` appear, so the strings need no escaping in JSON.

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends one unsigned number.
pub fn vlq(out: &mut String, mut n: u64) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(DIGITS[low] as char);
            return;
        }
        out.push(DIGITS[low | 32] as char);
    }
}

/// Reads the numbers back (for tests; the page has its own reader).
pub fn unvlq(text: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let (mut n, mut shift) = (0u64, 0u32);
    for b in text.bytes() {
        let d = DIGITS.iter().position(|c| *c == b)? as u64;
        n |= (d & 31).checked_shl(shift)?;
        if d & 32 == 0 {
            out.push(n);
            n = 0;
            shift = 0;
        } else {
            shift += 5;
        }
    }
    (shift == 0).then_some(out)
}

/// Bits of a posting that hold its weight, so one character carries small gaps and their weight.
pub const WEIGHT_BITS: u32 = 3;

/// A term's postings: ascending document numbers, each with a weight below `1 << WEIGHT_BITS`.
///
/// Each posting is one number: the gap from the previous document (minus one) shifted
/// left over the weight.
pub fn postings(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 2);
    let mut next = 0u32;
    for &(doc, weight) in list {
        let gap = u64::from(doc.saturating_sub(next));
        vlq(&mut out, (gap << WEIGHT_BITS) | u64::from(weight));
        next = doc + 1;
    }
    out
}

/// Sorted (term, postings) pairs as one string: `<shared><rest> <postings>` for each term,
/// space-separated, where `<shared>` is one digit saying how many leading characters the
/// term shares with the one before (terms hold no spaces; postings are digits only).
pub fn front_coded(entries: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut prev: &str = "";
    for (term, postings) in entries {
        let shared = prev.chars().zip(term.chars()).take_while(|(a, b)| a == b).count().min(63);
        let cut = term.char_indices().nth(shared).map_or(term.len(), |(i, _)| i);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(DIGITS[shared] as char);
        out.push_str(&term[cut..]);
        out.push(' ');
        out.push_str(postings);
        prev = term;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        let ns = [0, 1, 31, 32, 1000, 123_456_789, u64::from(u32::MAX)];
        for n in ns {
            vlq(&mut s, n);
        }
        assert_eq!(unvlq(&s), Some(ns.to_vec()));
        assert_eq!(&s[..2], "AB");
        assert_eq!(unvlq("g"), None, "a number cut short");
    }

    #[test]
    fn terms_share_their_beginnings() {
        let e: Vec<(String, String)> =
            [("visit", "A"), ("visitor", "BC"), ("vote", "D"), ("siân", "E"), ("siâns", "F")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        assert_eq!(front_coded(&e), "Avisit A For BC Bote D Asiân E Es F");
        assert_eq!(front_coded(&[]), "");
    }

    #[test]
    fn small_gaps_take_one_character() {
        let s = postings(&[(0, 7), (1, 0), (2, 3), (10, 1)]);
        assert_eq!(s.len(), 5);
        assert_eq!(unvlq(&s), Some(vec![7, 0, 3, (7 << 3) | 1]));
    }
}
