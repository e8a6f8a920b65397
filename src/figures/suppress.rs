//! Small-number suppression for figures shown to people outside the team (the board report).
//!
//! A count under the threshold (`board.suppress_below`) is never shown. Nor is a count that
//! could be worked out from what is shown: the rest of a yes-out-of-how-many when that rest is
//! small ("all but fewer than 5"), or the one hidden count of a line whose total is shown, which
//! subtraction would reveal; then the smallest other count of the line is hidden too. Lines are
//! the sets of counts that add up to a shown figure (the rows of a breakdown add up to everyone,
//! a measure's groups add up to the whole service), and hiding one count may make another line
//! need a second hidden count, so the rule is applied until nothing changes.

use serde::Serialize;

/// Why a count is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// It is under the threshold.
    Small,
    /// The rest of its whole is under the threshold ("all but fewer than 5").
    SmallRest,
    /// Its whole is not shown, so neither is it.
    WholeHidden,
    /// It could be worked out from the other counts of a line and that line's total.
    Protects,
}

/// A count (with, for a share, what it is out of) as it may be shown outside the team.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shown {
    /// What is shown: `12`, `12 of 30`, `fewer than 5`, `all but fewer than 5 of 30`, `not shown`.
    pub text: String,
    /// The share in whole per cent, or empty when it is not shown (or there is no share).
    pub percent: String,
    /// Whether any part of the figure was held back.
    pub suppressed: bool,
}

/// One figure before suppression: a count, and for a share the count it is out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Raw {
    /// How many.
    pub count: usize,
    /// Out of how many, for a share.
    pub of: Option<usize>,
}

impl Raw {
    /// A plain count.
    pub fn count(count: usize) -> Raw {
        Raw { count, of: None }
    }

    /// A count out of a whole.
    pub fn ratio(count: usize, of: usize) -> Raw {
        Raw { count, of: Some(of) }
    }
}

/// A table of figures being protected: the figures, and the lines of counts that add up to a
/// shown figure. A line names figures by index; a line of wholes (`of`) is given separately.
#[derive(Debug, Default)]
pub struct Protector {
    figures: Vec<Raw>,
    count_lines: Vec<Vec<usize>>,
    whole_lines: Vec<Vec<usize>>,
}

impl Protector {
    /// Adds a figure and gives its index.
    pub fn add(&mut self, raw: Raw) -> usize {
        self.figures.push(raw);
        self.figures.len() - 1
    }

    /// Says that the counts of `figures` add up to a figure that is shown.
    pub fn counts_add_up(&mut self, figures: Vec<usize>) {
        self.count_lines.push(figures);
    }

    /// Says that the wholes (`of`) of `figures` add up to a figure that is shown.
    pub fn wholes_add_up(&mut self, figures: Vec<usize>) {
        self.whole_lines.push(figures);
    }

    /// Every figure as it may be shown, with counts under `below` held back. A threshold of 1
    /// (or 0) holds nothing back: it is how a team asks for every count, zeros included.
    pub fn shown(&self, below: usize) -> Vec<Shown> {
        let below = threshold(below);
        let n = self.figures.len();
        let mut count: Vec<Option<Hidden>> = vec![None; n];
        let mut whole: Vec<Option<Hidden>> = vec![None; n];
        for (i, f) in self.figures.iter().enumerate() {
            whole[i] = f.of.filter(|of| *of < below).map(|_| Hidden::Small);
            count[i] = primary(*f, below);
        }
        loop {
            let mut changed = false;
            for i in 0..n {
                if whole[i].is_some() && count[i].is_none() {
                    count[i] = Some(Hidden::WholeHidden);
                    changed = true;
                }
            }
            changed |= second_in_lines(&self.whole_lines, &mut whole, |i| self.figures[i].of.unwrap_or(0));
            changed |= second_in_lines(&self.count_lines, &mut count, |i| {
                let f = self.figures[i];
                f.of.map_or(f.count, |of| f.count.min(of.saturating_sub(f.count)))
            });
            if !changed {
                break;
            }
        }
        self.figures.iter().enumerate().map(|(i, f)| show(*f, count[i], whole[i], below)).collect()
    }
}

/// The threshold in force for `board.suppress_below`: 1 (or 0) holds nothing back.
pub fn threshold(below: usize) -> usize {
    if below <= 1 {
        0
    } else {
        below
    }
}

/// The rows of a breakdown that add up to a shown total: each count with its share of `total`,
/// as it may be shown.
pub fn partition(counts: &[usize], total: usize, below: usize) -> Vec<Shown> {
    let mut p = Protector::default();
    let cells: Vec<usize> = counts.iter().map(|c| p.add(Raw::count(*c))).collect();
    p.counts_add_up(cells);
    p.shown(below)
        .into_iter()
        .zip(counts)
        .map(|(mut s, c)| {
            if !s.suppressed {
                s.percent = crate::words::percent(*c, total);
            }
            s
        })
        .collect()
}

/// A single figure with no line to protect, as it may be shown.
pub fn single(raw: Raw, below: usize) -> Shown {
    let mut p = Protector::default();
    p.add(raw);
    p.shown(below).remove(0)
}

/// Why a figure is held back on its own, before looking at lines.
fn primary(f: Raw, below: usize) -> Option<Hidden> {
    if f.count < below {
        return Some(Hidden::Small);
    }
    match f.of {
        Some(of) if of < below => Some(Hidden::WholeHidden),
        Some(of) if of.saturating_sub(f.count) < below => Some(Hidden::SmallRest),
        _ => None,
    }
}

/// In each line with exactly one hidden figure, hides the smallest shown one too; says whether
/// anything changed.
fn second_in_lines(lines: &[Vec<usize>], hidden: &mut [Option<Hidden>], size: impl Fn(usize) -> usize) -> bool {
    let mut changed = false;
    for line in lines {
        if line.iter().filter(|i| hidden[**i].is_some()).count() != 1 {
            continue;
        }
        if let Some(next) = line.iter().copied().filter(|i| hidden[*i].is_none()).min_by_key(|i| (size(*i), *i)) {
            hidden[next] = Some(Hidden::Protects);
            changed = true;
        }
    }
    changed
}

/// The words for a count, given why it is held back.
fn count_words(count: usize, hidden: Option<Hidden>, below: usize) -> String {
    match hidden {
        None => count.to_string(),
        Some(Hidden::Small) => format!("fewer than {below}"),
        Some(Hidden::SmallRest) => format!("all but fewer than {below}"),
        Some(Hidden::WholeHidden | Hidden::Protects) => "not shown".to_string(),
    }
}

/// A count that is part of a whole shown beside it (as each trend is of the open records),
/// shown without the whole: held back when it or the rest of the whole is small.
pub fn part(count: usize, whole: usize, below: usize) -> Shown {
    let below = threshold(below);
    let hidden = primary(Raw::ratio(count, whole), below);
    Shown { text: count_words(count, hidden, below), percent: String::new(), suppressed: hidden.is_some() }
}

/// A mean over `of` young people (or answers) to one decimal place, `+`-signed for a change;
/// "not shown" over fewer than the threshold, or over none.
pub fn mean(value: f64, of: usize, below: usize, signed: bool) -> String {
    if of == 0 || of < threshold(below) {
        "not shown".to_string()
    } else if signed {
        format!("{value:+.1}")
    } else {
        format!("{value:.1}")
    }
}

/// The words for a figure, given what is held back.
fn show(f: Raw, count: Option<Hidden>, whole: Option<Hidden>, below: usize) -> Shown {
    let count_text = count_words(f.count, count, below);
    let text = match (f.of, whole) {
        (None, _) => count_text,
        (Some(of), None) => format!("{count_text} of {of}"),
        (Some(_), Some(Hidden::Small)) => format!("fewer than {below} in all"),
        (Some(_), Some(_)) => "not shown".to_string(),
    };
    let percent = match (f.of, count, whole) {
        (Some(of), None, None) => crate::words::percent(f.count, of),
        _ => String::new(),
    };
    Shown { text, percent, suppressed: count.is_some() || whole.is_some() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: &Protector, below: usize) -> Vec<String> {
        p.shown(below).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn four_is_held_back_and_five_is_shown() {
        let mut p = Protector::default();
        p.add(Raw::count(4));
        p.add(Raw::count(5));
        assert_eq!(texts(&p, 5), ["fewer than 5", "5"]);
    }

    #[test]
    fn a_small_rest_is_held_back_and_no_share_shown() {
        let mut p = Protector::default();
        p.add(Raw::ratio(26, 30));
        p.add(Raw::ratio(25, 30));
        p.add(Raw::ratio(3, 4));
        let shown = p.shown(5);
        assert_eq!(shown[0].text, "all but fewer than 5 of 30");
        assert_eq!(shown[0].percent, "");
        assert_eq!(shown[1].text, "25 of 30");
        assert_eq!(shown[1].percent, "83%");
        assert_eq!(shown[2].text, "fewer than 5 in all");
    }

    #[test]
    fn one_hidden_count_in_a_line_takes_the_smallest_other_with_it() {
        // 20 + 6 + 3 = 29 is shown: 3 alone hidden would be 29 - 26.
        let mut p = Protector::default();
        let cells: Vec<usize> = [20, 6, 3].into_iter().map(|c| p.add(Raw::count(c))).collect();
        p.counts_add_up(cells);
        assert_eq!(texts(&p, 5), ["20", "not shown", "fewer than 5"]);
    }

    #[test]
    fn two_hidden_counts_need_nothing_more() {
        let mut p = Protector::default();
        let cells: Vec<usize> = [20, 2, 3].into_iter().map(|c| p.add(Raw::count(c))).collect();
        p.counts_add_up(cells);
        assert_eq!(texts(&p, 5), ["20", "fewer than 5", "fewer than 5"]);
    }

    #[test]
    fn a_hidden_whole_hides_its_count_and_protects_its_line() {
        // Groups of 3 and 27 people add up to 30 shown elsewhere.
        let mut p = Protector::default();
        let a = p.add(Raw::ratio(1, 3));
        let b = p.add(Raw::ratio(10, 27));
        p.wholes_add_up(vec![a, b]);
        p.counts_add_up(vec![a, b]);
        let shown = p.shown(5);
        assert_eq!(shown[0].text, "fewer than 5 in all");
        assert_eq!(shown[1].text, "not shown");
        assert!(shown.iter().all(|s| s.percent.is_empty()));
    }

    #[test]
    fn a_part_of_a_shown_whole_and_a_mean() {
        assert_eq!(part(4, 30, 5).text, "fewer than 5");
        assert_eq!(part(26, 30, 5).text, "all but fewer than 5");
        assert_eq!((part(25, 30, 5).text.as_str(), part(25, 30, 5).suppressed), ("25", false));
        assert_eq!(mean(6.2, 5, 5, false), "6.2");
        assert_eq!(mean(1.2, 5, 5, true), "+1.2");
        assert_eq!(mean(6.2, 4, 5, false), "not shown");
        assert_eq!(mean(0.0, 0, 1, false), "not shown");
    }

    #[test]
    fn a_threshold_of_one_holds_nothing_back() {
        let mut p = Protector::default();
        p.add(Raw::ratio(0, 3));
        p.add(Raw::ratio(3, 3));
        p.add(Raw::ratio(0, 0));
        assert_eq!(texts(&p, 1), ["0 of 3", "3 of 3", "0 of 0"]);
        assert_eq!(p.shown(1)[2].percent, "n/a");
    }
}
