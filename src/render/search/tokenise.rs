//! Words as the index and the search page both see them.
//!
//! `static/search.js` repeats these rules exactly (runs of letters and digits,
//! lowercased, at least two characters, at most [`MAX_WORD`]; only plain `a`–`z`
//! words are stemmed), so a query finds what the index holds.

use rust_stemmers::{Algorithm, Stemmer};

/// Longer runs (pasted links, reference numbers) are not words anyone searches for.
pub const MAX_WORD: usize = 40;

/// The lowercased words of a text, with the byte offset where each starts.
pub fn words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    each_word(text, |at, word| out.push((at, word.to_lowercase())));
    out
}

/// Calls `f` with the byte offset and the text (not lowercased) of each word, allocating nothing.
pub fn each_word(text: &str, mut f: impl FnMut(usize, &str)) {
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                let word = &text[s..i];
                if (2..=MAX_WORD).contains(&word.chars().count()) {
                    f(s, word);
                }
            }
            _ => {}
        }
    }
}

/// Puts the lowercase form of `word` in `buf`, allocating only for non-ASCII words.
pub fn lowercase_into(word: &str, buf: &mut String) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.push_str(&word.to_lowercase());
    }
}

/// English Snowball stemming, shared by every document of a build.
pub struct Analyser {
    stemmer: Stemmer,
}

impl Default for Analyser {
    fn default() -> Self {
        Analyser { stemmer: Stemmer::create(Algorithm::English) }
    }
}

impl Analyser {
    /// The stem of one lowercased word; words with digits or accents are kept whole,
    /// because the page's stemmer only knows plain English letters.
    pub fn stem(&self, word: &str) -> String {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.stemmer.stem(word).into_owned()
        } else {
            word.to_string()
        }
    }

    /// The stems of a text, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        words(text).into_iter().map(|(_, w)| self.stem(&w)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let got: Vec<String> = words("Talked about the college bus-pass; £15, a Siân's I 2026-11-02!")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(got, ["talked", "about", "the", "college", "bus", "pass", "15", "siân", "2026", "11", "02"]);
        assert_eq!(words("ab x")[0], (0, "ab".to_string()));
        assert!(words(&"a".repeat(41)).is_empty());
        assert!(words("").is_empty());
    }

    #[test]
    fn stemming_joins_forms_of_a_word() {
        let a = Analyser::default();
        for (word, stem) in [
            ("visits", "visit"),
            ("visited", "visit"),
            ("visiting", "visit"),
            ("housing", "hous"),
            ("houses", "hous"),
            ("universal", "univers"),
            ("happily", "happili"),
            ("generously", "generous"),
            ("2026", "2026"),
            ("siân", "siân"),
        ] {
            assert_eq!(a.stem(word), stem, "{word}");
        }
        assert_eq!(a.terms("Visited the GP's surgery"), ["visit", "the", "gp", "surgeri"]);
    }
}
