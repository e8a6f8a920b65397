//! Board trends from git: the key measures at each of the last twelve month ends, from the records
//! as they stood in git at the end of that day, judged as of that day.
//!
//! Each month end's figures come from the board's own ([`crate::figures::Figures`]) over the records
//! of the last commit on or before it ([`crate::history::Timeline`], [`crate::load::load_at_without_notes`]).
//! Figures depend only on the commit, the day and this program, so they are cached under
//! `.waymark/cache/` by commit id and day, in a file named for the program's version.

use crate::figures::{self, Figures};
use crate::model::date::Date;
use crate::model::Repository;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How many month ends the trends look back over.
pub const MONTHS: usize = 12;

/// The header of `board/trends.csv`.
pub const CSV_HEADER: &str =
    "month_end,open,in_touch,neet,suitable_accommodation,homeless,staying_put,plans_on_time,passports_before_18";

/// The key measures at one month end (counts, not shares).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendRow {
    /// The month end, `YYYY-MM-DD`.
    pub month_end: String,
    /// Open records.
    pub open: usize,
    /// In touch (`in_touch: yes`).
    pub in_touch: usize,
    /// Not in education, employment or training.
    pub neet: usize,
    /// In accommodation recorded as suitable.
    pub suitable_accommodation: usize,
    /// Accommodation `homeless`.
    pub homeless: usize,
    /// In a Staying Put arrangement.
    pub staying_put: usize,
    /// Pathway plans whose review was not overdue.
    pub plans_on_time: usize,
    /// Passports issued before the 18th birthday, of those then 18 or over.
    pub passports_before_18: usize,
}

/// A measure's name, and how to read it from a row.
pub type Measure = (&'static str, fn(&TrendRow) -> usize);

/// The measures, as the board page and its charts name them, in the CSV's column order.
pub const MEASURES: [Measure; 8] = [
    ("Open records", |r| r.open),
    ("In touch", |r| r.in_touch),
    ("NEET", |r| r.neet),
    ("In suitable accommodation", |r| r.suitable_accommodation),
    ("Homeless", |r| r.homeless),
    ("Staying Put", |r| r.staying_put),
    ("Plans reviewed on time", |r| r.plans_on_time),
    ("Passports issued before 18", |r| r.passports_before_18),
];

/// The key measures of a repository's records as of `day`, as the board counts them.
pub fn measures(repo: &Repository, day: Date) -> TrendRow {
    let f = Figures::new(repo, day);
    let yes = |m: figures::Measure| f.measure(m, |_| true).count;
    TrendRow {
        month_end: day.to_string(),
        open: f.open(),
        in_touch: yes(figures::Measure::InTouch),
        neet: yes(figures::Measure::Neet),
        suitable_accommodation: yes(figures::Measure::Suitable),
        homeless: f.count(|x| x.accommodation == Some(crate::model::vocab::AccommodationType::Homeless)),
        staying_put: yes(figures::Measure::StayingPut),
        plans_on_time: yes(figures::Measure::PlansOnTime),
        passports_before_18: yes(figures::Measure::PassportsBefore18),
    }
}

/// The last `n` month ends strictly before `today`, oldest first.
pub fn month_ends(today: Date, n: usize) -> Vec<Date> {
    let mut out = Vec::with_capacity(n);
    let mut first_of_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    while out.len() < n {
        let Some(end) = first_of_month.pred_opt() else { break };
        out.push(end);
        first_of_month = NaiveDate::from_ymd_opt(end.year(), end.month(), 1).unwrap_or(end);
    }
    out.reverse();
    out
}

/// The trends for the records repository at `root`: one row per month end that has a commit on or
/// before it, oldest first; or why there are none (no git, or no commits).
///
/// `waymark serve` renders the board after every save: while HEAD and the day are the same, so
/// are the rows, so the last ones worked out in this process are kept and walking back a year of
/// commits (about 0.6 s at 100,000) is skipped.
pub fn trends(root: &Path, today: Date) -> Result<Vec<TrendRow>, String> {
    let head = crate::history::open_repository(root).ok().and_then(|(git, _)| git.head().ok()?.target());
    let key = (root.to_path_buf(), head, today);
    let remembered = LAST.lock().ok().and_then(|last| last.as_ref().filter(|(k, _)| *k == key).map(|(_, r)| r.clone()));
    if let (Some(rows), Some(_)) = (remembered, head) {
        return Ok(rows);
    }
    let rows = from_git(root, today)?;
    if let (Ok(mut last), Some(_)) = (LAST.lock(), head) {
        *last = Some((key, rows.clone()));
    }
    Ok(rows)
}

/// The trends as [`trends`] gives them, worked out from git and `.waymark/cache/` without the
/// rows this process remembers (what a new `waymark build` does).
pub fn from_git(root: &Path, today: Date) -> Result<Vec<TrendRow>, String> {
    let why = |e: git2::Error| {
        format!("Trends come from the records' git history, and it could not be read here: {}.", e.message())
    };
    let (git, prefix) = crate::history::open_repository(root).map_err(|e| match e.code() {
        git2::ErrorCode::NotFound => {
            "Trends come from the records' git history, and this folder is not in a git repository.".to_string()
        }
        _ => why(e),
    })?;
    let ends = month_ends(today, MONTHS);
    let Some(oldest) = ends.first().copied() else { return Ok(Vec::new()) };
    let timeline =
        crate::history::Timeline::since_kept(&git, oldest, Some(&root.join(crate::history::CACHE_DIR))).map_err(why)?;
    if timeline.is_empty() {
        return Err("Trends come from the records' git history, and nothing has been committed yet.".into());
    }
    let mut cache = Cache::read(root);
    let mut rows = Vec::new();
    for day in ends {
        let Some(commit) = timeline.at(day) else { continue };
        let key = format!("{commit}@{day}");
        if let Some(row) = cache.rows.get(&key) {
            rows.push(row.clone());
            continue;
        }
        // A commit without waymark.yaml (or unreadable) held no records on that day.
        // No measure counts notes, most of the files, so they are not read (tests/trends.rs
        // holds the counts to those of every record).
        let Ok(repo) = crate::load::load_at_without_notes(root, &git, &prefix, commit) else { continue };
        let row = measures(&repo, day);
        cache.rows.insert(key, row.clone());
        cache.changed = true;
        rows.push(row);
    }
    cache.write(root);
    Ok(rows)
}

/// The last rows worked out in this process, by records root, HEAD commit and day.
type LastRows = Option<((PathBuf, Option<git2::Oid>, Date), Vec<TrendRow>)>;
static LAST: std::sync::Mutex<LastRows> = std::sync::Mutex::new(None);

/// `board/trends.csv`: the header, then one row per month end, oldest first.
pub fn csv(rows: &[TrendRow]) -> String {
    let mut out = format!("{CSV_HEADER}\r\n");
    for r in rows {
        let counts: Vec<String> = MEASURES.iter().map(|(_, get)| get(r).to_string()).collect();
        out.push_str(&format!("{},{}\r\n", r.month_end, counts.join(",")));
    }
    out
}

/// Bumped when a measure is counted differently (2: Staying Put is the accommodation type, FORMAT.md 1.2).
const CACHE_VERSION: u32 = 2;

/// Figures already worked out, by `commit@day`.
#[derive(Default)]
struct Cache {
    rows: BTreeMap<String, TrendRow>,
    changed: bool,
}

impl Cache {
    /// The cache file: one per version of the program, since a new version may count differently.
    fn path(root: &Path) -> PathBuf {
        root.join(crate::history::CACHE_DIR).join(format!("trends-{}-{CACHE_VERSION}.json", env!("CARGO_PKG_VERSION")))
    }

    /// The cached rows; a missing or unreadable cache is an empty one (it is only a cache).
    fn read(root: &Path) -> Cache {
        let rows = std::fs::read(Cache::path(root))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<BTreeMap<String, TrendRow>>(&bytes).ok())
            .unwrap_or_default();
        Cache { rows, changed: false }
    }

    /// Writes the cache beside and swaps it in whole, when it changed; failing to is not an error.
    fn write(&self, root: &Path) {
        if !self.changed {
            return;
        }
        let path = Cache::path(root);
        let Some(dir) = path.parent() else { return };
        let Ok(text) = serde_json::to_vec(&self.rows) else { return };
        let tmp = dir.join(format!(".trends-{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&tmp, text));
        if written.and_then(|_| std::fs::rename(&tmp, &path)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The trends as the board page shows them: a table and a line chart per measure, counts under
/// the board's threshold held back (and no chart of a measure that has any).
#[derive(Debug, Clone, Serialize)]
pub struct TrendsView {
    /// The measures' names, for the table's header.
    pub measures: Vec<&'static str>,
    /// One row per month end: the date as people read it, then the counts as shown.
    pub rows: Vec<(String, Vec<String>)>,
    /// A chart per measure with no count held back.
    pub charts: Vec<super::charts::Line>,
    /// Whether any count was held back.
    pub suppressed: bool,
}

impl TrendsView {
    /// The view of `rows`, holding back counts under `below`.
    pub fn new(rows: &[TrendRow], below: usize) -> TrendsView {
        let dated: Vec<(Date, &TrendRow)> =
            rows.iter().filter_map(|r| crate::model::date::parse_date(&r.month_end).ok().map(|d| (d, r))).collect();
        // Every measure but the first (open records) is a part of the open records: a small
        // rest of them would be as telling as a small count.
        use crate::figures::suppress::{part, single, Raw, Shown};
        let shown: Vec<Vec<Shown>> = dated
            .iter()
            .map(|(_, r)| {
                let cell =
                    |i: usize, n: usize| if i == 0 { single(Raw::count(n), below) } else { part(n, r.open, below) };
                MEASURES.iter().enumerate().map(|(i, (_, get))| cell(i, get(r))).collect()
            })
            .collect();
        let charts = MEASURES
            .iter()
            .enumerate()
            .filter(|(i, _)| shown.iter().all(|row| !row[*i].suppressed))
            .map(|(_, m)| m)
            .filter_map(|(name, get)| {
                let values: Vec<(Date, f64)> = dated.iter().map(|(d, r)| (*d, get(r) as f64)).collect();
                let top = values.iter().map(|(_, v)| *v).fold(1.0, f64::max);
                super::charts::series(name, &values, 0.0, top)
            })
            .collect();
        TrendsView {
            measures: MEASURES.iter().map(|(n, _)| *n).collect(),
            suppressed: shown.iter().flatten().any(|c| c.suppressed),
            rows: dated
                .iter()
                .zip(&shown)
                .map(|((d, _), row)| {
                    (crate::model::date::display_date(*d), row.iter().map(|c| c.text.clone()).collect())
                })
                .collect(),
            charts,
        }
    }
}
