//! Compact text encodings for the index files, read back by `static/search.js`.
//!
//! Numbers are written as base-64 variable-length digits (as in source maps): each
//! character carries five bits, low bits first, and a sixth bit saying more follow.
//! Only letters, digits, `+` and `/` appear, so the strings need no escaping in JSON.
//!
//! Whole index files are then deflated ([`Deflater`]) and written as [`z85`] text, which the
//! page turns back into bytes and inflates with the browser's own `DecompressionStream`.

use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, deflate_flags, CompressionStrategy, CompressorOxide,
    TDEFLFlush,
};

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
    append_postings(&mut out, 0, list);
    out
}

/// Appends postings to a list whose documents so far end before `next` (0 for none), as
/// [`postings`] would have written them in one go; gives the `next` after them.
pub fn append_postings(out: &mut String, mut next: u32, list: &[(u32, u8)]) -> u32 {
    for &(doc, weight) in list {
        let gap = u64::from(doc.saturating_sub(next));
        vlq(out, (gap << WEIGHT_BITS) | u64::from(weight));
        next = doc + 1;
    }
    next
}

/// Where in `list` (as [`postings`] writes it) the postings of documents `first` and after
/// begin, and the `next` [`append_postings`] continues the part before them with; `None` if
/// `list` is not such a list.
pub fn postings_cut(list: &str, first: u32) -> Option<(usize, u32)> {
    let (mut n, mut shift, mut start, mut next) = (0u64, 0u32, 0usize, 0u32);
    for (i, b) in list.bytes().enumerate() {
        let d = digit(b)?;
        n |= u64::from(d & 31).checked_shl(shift)?;
        if d & 32 != 0 {
            shift += 5;
            continue;
        }
        let doc = u32::try_from(u64::from(next) + (n >> WEIGHT_BITS)).ok()?;
        if doc >= first {
            return Some((start, next));
        }
        next = doc + 1;
        (n, shift, start) = (0, 0, i + 1);
    }
    (shift == 0).then_some((list.len(), next))
}

/// The value of one of [`DIGITS`].
fn digit(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Sorted (term, postings) pairs as one string: `<shared><rest> <postings>` for each term,
/// space-separated, where `<shared>` is one digit saying how many leading characters the
/// term shares with the one before (terms hold no spaces; postings are digits only).
pub fn front_coded<T: AsRef<str>, P: AsRef<str>>(entries: &[(T, P)]) -> String {
    let mut out = String::new();
    let mut prev: &str = "";
    for (term, postings) in entries {
        let (term, postings) = (term.as_ref(), postings.as_ref());
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

/// The 85 characters of Z85 (ZeroMQ's base 85): none is a quote or a backslash, so the
/// text goes straight into a JavaScript string.
const Z85: &[u8; 85] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Bytes as text, five characters for every four bytes (base 64 takes 5.33). A last group
/// of one to three bytes takes one character more than its bytes, as in Ascii85.
pub fn z85(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / 4 * 5 + 5);
    for group in bytes.chunks(4) {
        let mut word = [0u8; 4];
        word[..group.len()].copy_from_slice(group);
        let mut n = u32::from_be_bytes(word);
        let mut digits = [0u8; 5];
        for d in digits.iter_mut().rev() {
            *d = Z85[(n % 85) as usize];
            n /= 85;
        }
        for &d in &digits[..group.len() + 1] {
            out.push(d as char);
        }
    }
    out
}

/// Reads [`z85`] text back (for tests; the page has its own reader).
pub fn unz85(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 5 * 4 + 4);
    for group in text.as_bytes().chunks(5) {
        if group.len() < 2 {
            return None;
        }
        // A short last group is padded with the highest digit, which rounds the cut bytes away.
        let mut n: u64 = 0;
        for i in 0..5 {
            let digit = group.get(i).map_or(Some(84), |c| Z85.iter().position(|z| z == c))?;
            n = n * 85 + digit as u64;
        }
        let word = u32::try_from(n).ok()?.to_be_bytes();
        out.extend_from_slice(&word[..group.len() - 1]);
    }
    Some(out)
}

/// A raw-deflate compressor that has already read a shared dictionary.
///
/// `DecompressionStream` takes no preset dictionary, so the dictionary is sent once as
/// [`Deflater::prefix`], its own compressed form ending on a byte boundary (a sync flush);
/// each file's stream continues from there, copying from the dictionary as if it had just
/// been written. The page inflates the prefix and a file's bytes as one stream and skips
/// the dictionary's bytes. Short records share most of their phrasing with other records,
/// which a file of a few records alone cannot exploit.
#[derive(Clone)]
pub struct Deflater {
    primed: CompressorOxide,
    prefix: Vec<u8>,
    dictionary: usize,
}

/// How the compressor looks for repeats in text: up to 64 earlier places each, taking the
/// first long match it finds (greedy). zlib's default level (128 places, then a look one byte
/// further for a longer match) made files 3% smaller and took 60% longer: over a second
/// of a 100,000-note build.
const TEXT_FLAGS: u32 = 64 | deflate_flags::TDEFL_GREEDY_PARSING_FLAG;

/// Deflate's window: a dictionary longer than this could not be copied from.
pub const WINDOW: usize = 32 * 1024;

impl Deflater {
    /// A compressor for text, primed with `dictionary` (empty for none; only its last
    /// [`WINDOW`] bytes count).
    pub fn text(dictionary: &[u8]) -> Self {
        let dictionary = &dictionary[dictionary.len().saturating_sub(WINDOW)..];
        let mut primed = CompressorOxide::new(TEXT_FLAGS);
        let prefix = if dictionary.is_empty() { Vec::new() } else { run(&mut primed, dictionary, TDEFLFlush::Sync) };
        Deflater { primed, prefix, dictionary: dictionary.len() }
    }

    /// A compressor that only gives common characters shorter codes (Huffman coding), for
    /// postings: their digits hold few repeats, and looking for them made the files larger
    /// and took six times as long.
    pub fn codes() -> Self {
        let flags = create_comp_flags_from_zip_params(6, -15, CompressionStrategy::HuffmanOnly as i32);
        Deflater { primed: CompressorOxide::new(flags), prefix: Vec::new(), dictionary: 0 }
    }

    /// The dictionary's compressed form, which the page puts before each file's bytes.
    pub fn prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// Length of the dictionary, which the page skips after inflating.
    pub fn dictionary_len(&self) -> usize {
        self.dictionary
    }

    /// `data` as the rest of a raw deflate stream that begins with [`Deflater::prefix`].
    pub fn compress(&self, data: &[u8]) -> Vec<u8> {
        run(&mut self.primed.clone(), data, TDEFLFlush::Finish)
    }
}

/// Feeds all of `data` to the compressor. It can only fail for a flush after `Finish` or an
/// output callback that refuses bytes, and neither happens here.
fn run(compressor: &mut CompressorOxide, data: &[u8], flush: TDEFLFlush) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    compress_to_output(compressor, data, flush, |bytes| {
        out.extend_from_slice(bytes);
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_cut_before_a_document_and_continued_is_the_list_written_in_one_go() {
        let list = [(0, 3), (5, 7), (40, 0), (41, 2), (5000, 1), (70000, 7)];
        let whole = postings(&list);
        for first in [0, 1, 5, 6, 40, 41, 42, 5000, 70000, 70001, 90000] {
            let (cut, next) = postings_cut(&whole, first).unwrap();
            let kept = list.iter().filter(|(d, _)| *d < first).count();
            assert_eq!(&whole[..cut], postings(&list[..kept]), "cut before {first}");
            let mut again = whole[..cut].to_string();
            append_postings(&mut again, next, &list[kept..]);
            assert_eq!(again, whole, "continued from {first}");
        }
        assert_eq!(postings_cut("", 3), Some((0, 0)));
        // A number left open or a character that is no digit is no list.
        assert_eq!(postings_cut("g", 3), None);
        assert_eq!(postings_cut("A A", 3), None);
    }

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
        assert_eq!(front_coded::<&str, &str>(&[]), "");
    }

    #[test]
    fn z85_round_trips_every_length() {
        let bytes: Vec<u8> = (0..=255u8).chain([0, 0, 255, 255]).collect();
        for len in 0..bytes.len() {
            let text = z85(&bytes[..len]);
            assert_eq!(text.len(), len / 4 * 5 + if len % 4 > 0 { len % 4 + 1 } else { 0 });
            assert!(!text.contains(['"', '\\', '\'']), "{text}");
            assert_eq!(unz85(&text).as_deref(), Some(&bytes[..len]), "{len} bytes");
        }
        assert_eq!(z85(&[0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B]), "HelloWorld", "the Z85 test vector");
        assert_eq!(unz85("H"), None, "a group of one character");
        assert_eq!(unz85("\"abcd"), None, "a character outside the alphabet");
    }

    /// Compresses `data`, then does what the page does: inflate the prefix and the file's
    /// bytes as one stream, and skip the dictionary.
    fn round_trip(d: &Deflater, data: &[u8]) -> Vec<u8> {
        let stream = [d.prefix(), &d.compress(data)].concat();
        let all = miniz_oxide::inflate::decompress_to_vec(&stream).expect("a valid stream");
        all[d.dictionary_len()..].to_vec()
    }

    #[test]
    fn files_inflate_after_the_dictionary() {
        let dictionary =
            [&b"Other words. ".repeat(50)[..], b"Talked about the college bus pass and the timetable. "].concat();
        let with = Deflater::text(&dictionary);
        let without = Deflater::text(b"");
        assert!(without.prefix().is_empty() && Deflater::codes().prefix().is_empty());
        let text = b"Robin talked about the college bus pass and the timetable. Sky talked about the college bus pass.";
        for d in [&with, &without, &Deflater::codes()] {
            assert_eq!(round_trip(d, text), text);
            assert_eq!(round_trip(d, b""), b"");
            // The primed state is copied, never used up: the same input gives the same output.
            assert_eq!(d.compress(text), d.compress(text));
        }
        let (w, wo) = (with.compress(text).len(), without.compress(text).len());
        assert!(w * 3 < wo * 2, "the dictionary is copied from: {w} bytes with it, {wo} without");
        let long = vec![b'x'; WINDOW + 10];
        assert_eq!(Deflater::text(&long).dictionary_len(), WINDOW);
    }

    #[test]
    fn small_gaps_take_one_character() {
        let s = postings(&[(0, 7), (1, 0), (2, 3), (10, 1)]);
        assert_eq!(s.len(), 5);
        assert_eq!(unvlq(&s), Some(vec![7, 0, 3, (7 << 3) | 1]));
    }
}
