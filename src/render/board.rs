//! The board report: the figures a manager takes to the corporate parenting board, made for
//! elected members: no names, ids or free text, small numbers held back
//! ([`crate::figures::suppress`]); and `board/care-leavers.csv`, one row per young person in
//! SSDA903 terms, for the team.
//!
//! Every figure is counted from the build's one [`Figures`], as the dashboard and the CSV are.
//! Figures count open (active) records. Notes are not counted, so restricted notes never reach
//! the board.

use super::views::label;
use crate::figures::suppress::{self, Protector, Raw, Shown};
use crate::figures::{Dimension, Facts, Figures, Measure, NeetDuration};
use crate::model::date::Date;
use crate::model::vocab::{ActivityType, FeedbackKind, OfferResponse, Vocab};
use crate::model::{Profile, Repository};
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of a breakdown: what, how many, and what share of the whole.
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    /// What is counted.
    pub label: String,
    /// The SSDA903 code, where there is one.
    pub code: Option<String>,
    /// How many.
    pub count: usize,
    /// Share of the total in whole per cent ("67%"), or "n/a" when the total is 0.
    pub percent: String,
}

/// One line of a breakdown as the board shows it, small numbers held back.
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    /// What is counted.
    pub label: String,
    /// The SSDA903 code, where there is one.
    pub code: Option<String>,
    /// How many, and the share.
    pub shown: Shown,
}

/// The lines of a breakdown that add up to `total`, as the board shows them.
fn protect(counts: &[Count], total: usize, below: usize) -> Vec<CountRow> {
    let n: Vec<usize> = counts.iter().map(|c| c.count).collect();
    counts
        .iter()
        .zip(suppress::partition(&n, total, below))
        .map(|(c, shown)| CountRow { label: c.label.clone(), code: c.code.clone(), shown })
        .collect()
}

/// Accommodation of one type, split by suitability, as the board shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccommodationRow {
    /// The type, as people read it.
    pub label: String,
    /// The SSDA903 letter, where there is one.
    pub code: Option<String>,
    /// Suitable.
    pub suitable: Shown,
    /// Not suitable.
    pub unsuitable: Shown,
    /// Suitability not recorded.
    pub unknown: Shown,
    /// All of this type.
    pub total: Shown,
}

/// A key measure with the published figures to compare it with.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureRow {
    /// The name `board.benchmarks` uses.
    pub id: &'static str,
    /// The measure as people read it.
    pub label: &'static str,
    /// Our figure.
    pub shown: Shown,
    /// Published figures for the same measure.
    pub benchmarks: Vec<BenchmarkView>,
}

/// A published figure from `board.benchmarks`.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkView {
    /// The figure: a share as a percentage, a count as written.
    pub value: String,
    /// Where it describes (`England`).
    pub area: Option<String>,
    /// The year it describes.
    pub year: Option<u32>,
    /// Who published it.
    pub source: String,
}

/// A key measure split by one dimension: groups, then everyone.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownView {
    /// Anchor on the page.
    pub id: &'static str,
    /// Heading.
    pub title: &'static str,
    /// The groups' names, then "Everyone".
    pub groups: Vec<String>,
    /// One row per figure: its name, then a cell per group and one for everyone.
    pub rows: Vec<(String, Vec<Shown>)>,
}

/// One outcome area across the service.
#[derive(Debug, Clone, Serialize)]
pub struct AreaRow {
    /// The scale's name.
    pub scale: String,
    /// The area, as people read it.
    pub area: String,
    /// Young people with a score in the area.
    pub people: Shown,
    /// The mean of each one's latest score, or "not shown" for too few.
    pub mean: String,
    /// Young people with an earlier score too.
    pub with_previous: Shown,
    /// The mean change since their previous score (`+0.4`), or "not shown" for too few.
    pub change: String,
}

/// The DfE cohort as the board shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CohortShown {
    /// The cohort's figures, as worked out.
    #[serde(flatten)]
    pub cohort: crate::dfe::board::CohortView,
    /// Young people in the cohort, as shown.
    pub people_shown: Shown,
    /// Those who cannot be given a row the DfE accepts, as shown.
    pub uncoded_shown: Shown,
    /// The tables with small numbers held back, in the cohort's order.
    pub shown_tables: Vec<(String, String, Vec<CountRow>)>,
}

/// The board report's figures: for elected members, so with no names, ids or free text, and
/// counts under `board.suppress_below` held back.
#[derive(Debug, Clone, Serialize)]
pub struct BoardView {
    /// Counts under this are held back.
    pub suppress_below: usize,
    /// Open records.
    pub people: Shown,
    /// The key measures, with benchmarks.
    pub measures: Vec<MeasureRow>,
    /// Key measures by age band, legal status, UASC, young parents and custody.
    pub breakdowns: Vec<BreakdownView>,
    /// In touch, by the SSDA903 answer.
    pub in_touch: Vec<CountRow>,
    /// Activity by SSDA903 code.
    pub activity: Vec<CountRow>,
    /// NEET young people by reason.
    pub neet_reasons: Vec<CountRow>,
    /// NEET young people by how long.
    pub neet_durations: Vec<CountRow>,
    /// NEET young people, in all.
    pub neet_total: Shown,
    /// Accommodation by type and suitability.
    pub accommodation: Vec<AccommodationRow>,
    /// In a Staying Close arrangement.
    pub staying_close: Shown,
    /// Offers of support to 25 recorded.
    pub offers: Shown,
    /// Offers by response.
    pub offer_responses: Vec<CountRow>,
    /// Outcome readings per area across the service.
    pub outcomes: Vec<AreaRow>,
    /// Feedback from young people in the last twelve months.
    pub feedback: FeedbackFigures,
    /// The key measures at each of the last twelve month ends, from git.
    pub trends: Option<super::trends::TrendsView>,
    /// Why there are no trends, when there are none.
    pub trends_missing: Option<String>,
    /// In touch, activity and accommodation for the DfE's cohort of the last collection year.
    pub dfe: CohortShown,
}

// The SSDA903 codes are decided in one place, with the DfE return.
pub use crate::dfe::codes::{activity_code, in_touch_code};

/// The SSDA903 accommodation code with suitability (`D1`, `S2`), or the letter alone when suitability is not recorded.
fn accommodation_code(p: &Profile) -> Option<String> {
    let acc = p.accommodation.as_ref()?;
    let letter = acc.kind.as_ref()?.value.code()?;
    Some(match acc.suitable.as_ref().map(|s| s.value) {
        Some(true) => format!("{letter}1"),
        Some(false) => format!("{letter}2"),
        None => letter.to_string(),
    })
}

/// Counts `items` by key, in key order, with shares of `total`.
pub(crate) fn breakdown(items: impl IntoIterator<Item = (String, Option<String>)>, total: usize) -> Vec<Count> {
    let mut map: BTreeMap<(Option<String>, String), usize> = BTreeMap::new();
    for (label, code) in items {
        *map.entry((code, label)).or_default() += 1;
    }
    map.into_iter().map(|((code, label), count)| Count { label, code, count, percent: percent(count, total) }).collect()
}

fn percent(n: usize, of: usize) -> String {
    crate::words::percent(n, of)
}

/// The activity as the board's breakdown names it.
fn activity_label(f: &Facts) -> (String, Option<String>) {
    let a = f.profile.activity.as_ref();
    match f.activity {
        Some(kind) => {
            let hours = a.and_then(|a| a.hours.as_ref()).map(|h| h.value);
            let code = activity_code(kind, hours);
            let text = match (kind.is_neet() || kind == ActivityType::NotKnown, hours) {
                (false, Some(h)) => format!("{}, {}", label(kind.as_str()), label(h.as_str()).to_lowercase()),
                (false, None) => format!("{} (hours not recorded)", label(kind.as_str())),
                (true, _) => label(kind.as_str()),
            };
            (text, code)
        }
        None => ("Not recorded".into(), None),
    }
}

/// The board's figures, made from the build's one set of [`Figures`].
pub fn board(repo: &Repository, figures: &Figures) -> BoardView {
    let today = figures.today;
    let below = repo.config.board.suppress_below as usize;
    let total = figures.open();
    let facts = &figures.facts;
    let in_touch = breakdown(
        facts.iter().map(|f| match f.in_touch {
            Some(t) => (label(t.as_str()), Some(in_touch_code(t).to_string())),
            None => ("Not recorded".into(), None),
        }),
        total,
    );
    let activity = breakdown(facts.iter().map(activity_label), total);
    let neet: Vec<&Facts> = facts.iter().filter(|f| f.neet == Some(true)).collect();
    let neet_reasons = breakdown(
        neet.iter().filter_map(|f| f.activity).map(|k| (label(k.as_str()), activity_code(k, None))),
        neet.len(),
    );
    let durations: Vec<Count> = NeetDuration::ALL
        .iter()
        .map(|d| {
            let n = neet.iter().filter(|f| f.neet_duration == Some(*d)).count();
            Count { label: d.label().into(), code: None, count: n, percent: percent(n, neet.len()) }
        })
        .collect();
    let offered: Vec<&Facts> = facts.iter().filter(|f| f.offer.is_some()).collect();
    let responses: Vec<Count> = OfferResponse::VALUES
        .iter()
        .map(|r| (label(r.as_str()), offered.iter().filter(|f| f.offer == Some(Some(*r))).count()))
        .chain([("Response not recorded".to_string(), offered.iter().filter(|f| f.offer == Some(None)).count())])
        .map(|(l, n)| Count { label: l, code: None, count: n, percent: percent(n, offered.len()) })
        .collect();
    BoardView {
        suppress_below: below,
        people: suppress::single(Raw::count(total), below),
        measures: measures(repo, figures, below),
        breakdowns: Dimension::ALL.iter().map(|d| breakdown_view(figures, *d, below)).collect(),
        in_touch: protect(&in_touch, total, below),
        activity: protect(&activity, total, below),
        neet_total: suppress::single(Raw::count(neet.len()), below),
        neet_reasons: protect(&neet_reasons, neet.len(), below),
        neet_durations: protect(&durations, neet.len(), below),
        accommodation: accommodation(figures, below),
        staying_close: suppress::single(Raw::count(figures.count(|f| f.staying_close)), below),
        offers: suppress::single(Raw::count(offered.len()), below),
        offer_responses: protect(&responses, offered.len(), below),
        outcomes: outcomes(repo, figures, below),
        feedback: feedback_figures(repo, today, below),
        trends: None,
        trends_missing: None,
        dfe: cohort(crate::dfe::board::cohort_view(&repo.people, today), below),
    }
}

/// The key measures, each with the benchmarks `waymark.yaml` gives for it.
fn measures(repo: &Repository, figures: &Figures, below: usize) -> Vec<MeasureRow> {
    Measure::ALL
        .iter()
        .map(|m| MeasureRow {
            id: m.id(),
            label: m.label(),
            shown: suppress::single(figures.measure(*m, |_| true), below),
            benchmarks: repo
                .config
                .board
                .benchmarks
                .iter()
                .filter(|b| b.measure == m.id())
                .map(|b| BenchmarkView {
                    value: if (0.0..=1.0).contains(&b.value) {
                        format!("{}%", (b.value * 100.0).round())
                    } else {
                        b.value.to_string()
                    },
                    area: b.area.clone(),
                    year: b.year,
                    source: b.source.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The measures the breakdowns split.
const SPLIT: [Measure; 4] = [Measure::InTouch, Measure::Neet, Measure::Suitable, Measure::PlansOnTime];

/// One dimension's breakdown: group sizes and the split measures, each group's figures adding
/// up to everyone's, so protected together.
fn breakdown_view(figures: &Figures, d: Dimension, below: usize) -> BreakdownView {
    let groups = d.groups();
    let mut p = Protector::default();
    let mut rows: Vec<(String, Vec<usize>)> = Vec::new();
    let sizes: Vec<usize> =
        (0..groups.len()).map(|g| p.add(Raw::count(figures.count(|f| d.group_of(f) == g)))).collect();
    p.counts_add_up(sizes.clone());
    let all = p.add(Raw::count(figures.open()));
    rows.push(("Young people".into(), sizes.into_iter().chain([all]).collect()));
    for m in SPLIT {
        let cells: Vec<usize> = (0..groups.len()).map(|g| p.add(figures.measure(m, |f| d.group_of(f) == g))).collect();
        p.counts_add_up(cells.clone());
        p.wholes_add_up(cells.clone());
        let all = p.add(figures.measure(m, |_| true));
        rows.push((m.short().into(), cells.into_iter().chain([all]).collect()));
    }
    let shown = p.shown(below);
    BreakdownView {
        id: d.id(),
        title: d.title(),
        groups: groups.into_iter().chain(["Everyone".to_string()]).collect(),
        rows: rows.into_iter().map(|(name, cells)| (name, cells.iter().map(|i| shown[*i].clone()).collect())).collect(),
    }
}

/// Accommodation by type and suitability: each row's parts add up to its total, each column's
/// rows to a figure shown or derivable elsewhere.
fn accommodation(figures: &Figures, below: usize) -> Vec<AccommodationRow> {
    let mut by: BTreeMap<(Option<char>, String), [usize; 4]> = BTreeMap::new();
    for f in &figures.facts {
        let key = (
            f.accommodation.and_then(|k| k.code()),
            f.accommodation.map(|k| label(k.as_str())).unwrap_or_else(|| "Not recorded".into()),
        );
        let row = by.entry(key).or_default();
        row[match f.suitable {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        }] += 1;
        row[3] += 1;
    }
    let mut p = Protector::default();
    let cells: Vec<[usize; 4]> = by.values().map(|row| row.map(|n| p.add(Raw::count(n)))).collect();
    for row in &cells {
        p.counts_add_up(row[..3].to_vec());
    }
    for col in 0..4 {
        p.counts_add_up(cells.iter().map(|row| row[col]).collect());
    }
    let shown = p.shown(below);
    by.into_keys()
        .zip(cells)
        .map(|((code, label), [s, u, k, t])| AccommodationRow {
            label,
            code: code.map(String::from),
            suitable: shown[s].clone(),
            unsuitable: shown[u].clone(),
            unknown: shown[k].clone(),
            total: shown[t].clone(),
        })
        .collect()
}

/// Each outcome area across the service; means of fewer young people than the threshold are not shown.
fn outcomes(repo: &Repository, figures: &Figures, below: usize) -> Vec<AreaRow> {
    crate::figures::outcome_areas(figures)
        .into_iter()
        .map(|a| {
            let scale = repo.config.scale(&a.scale).map(|s| s.name.clone()).unwrap_or_else(|| a.scale.clone());
            AreaRow {
                scale,
                area: label(&a.area),
                people: suppress::single(Raw::count(a.people), below),
                mean: suppress::mean(a.mean, a.people, below, false),
                with_previous: suppress::single(Raw::count(a.with_previous), below),
                change: suppress::mean(a.change, a.with_previous, below, true),
            }
        })
        .collect()
}

/// The DfE cohort's tables with small numbers held back.
fn cohort(c: crate::dfe::board::CohortView, below: usize) -> CohortShown {
    let coded = c.people - c.uncoded;
    CohortShown {
        people_shown: suppress::single(Raw::count(c.people), below),
        uncoded_shown: suppress::single(Raw::count(c.uncoded), below),
        shown_tables: c
            .tables
            .iter()
            .map(|t| (t.id.to_string(), t.title.to_string(), protect(&t.counts, coded, below)))
            .collect(),
        cohort: c,
    }
}

/// What young people said in the last twelve months, for the board: counts and ratings only
/// (their words are quoted on the manager's page, not here).
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackFigures {
    /// Feedback records dated in the last twelve months (restricted ones included in the counts).
    pub total: usize,
    /// The same, as shown.
    pub total_shown: Shown,
    /// How many of each kind, in FORMAT.md's order; kinds with none left out.
    pub by_kind: Vec<CountRow>,
    /// Per question of `feedback_questions`: answers, mean, share answering 4 or 5.
    pub questions: Vec<QuestionFigures>,
}

/// The answers to one feedback question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionFigures {
    /// The question as young people read it.
    pub text: String,
    /// How many answered.
    pub answers: Shown,
    /// The mean rating to one decimal place, or "not shown" for fewer answers than the threshold.
    pub mean: String,
    /// Answering 4 or 5, of those who answered.
    pub four_or_five: Shown,
}

/// A quote: the words and when, never who.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    /// What kind of feedback, as people read it.
    pub kind: Option<String>,
    /// The month, as people read it.
    pub month: String,
    /// The words, as plain text.
    pub text: String,
}

/// Feedback dated after the same day twelve months before `today`, up to `today`.
fn recent_feedback(repo: &Repository, today: Date) -> Vec<&crate::model::Feedback> {
    let since = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
    repo.people.iter().flat_map(|p| &p.feedback).filter(|f| f.date.value > since && f.date.value <= today).collect()
}

/// The last twelve months' feedback, counted, with small numbers held back.
fn feedback_figures(repo: &Repository, today: Date, below: usize) -> FeedbackFigures {
    let recent = recent_feedback(repo, today);
    let by_kind: Vec<Count> = FeedbackKind::VALUES
        .iter()
        .map(|k| (k, recent.iter().filter(|f| f.kind.as_ref().is_some_and(|x| x.value == *k)).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| Count { label: label(k.as_str()), code: None, count: n, percent: percent(n, recent.len()) })
        .collect();
    let questions = repo
        .config
        .feedback_questions
        .iter()
        .map(|q| {
            let ratings: Vec<u8> =
                recent.iter().flat_map(|f| &f.answers).filter(|a| a.question == q.id).map(|a| a.rating).collect();
            let n = ratings.len();
            QuestionFigures {
                text: q.text.clone(),
                answers: suppress::single(Raw::count(n), below),
                mean: suppress::mean(crate::figures::mean(ratings.iter().map(|r| f64::from(*r))), n, below, false),
                four_or_five: suppress::single(Raw::ratio(ratings.iter().filter(|r| **r >= 4).count(), n), below),
            }
        })
        .collect();
    FeedbackFigures {
        total: recent.len(),
        total_shown: suppress::single(Raw::count(recent.len()), below),
        by_kind: protect(&by_kind, recent.len(), below),
        questions,
    }
}

/// Words young people agreed may be quoted in the last twelve months, without a name, newest first.
pub fn quotes(repo: &Repository, today: Date) -> Vec<Quote> {
    let mut shared: Vec<&crate::model::Feedback> =
        recent_feedback(repo, today).into_iter().filter(|f| f.consent_to_share && !f.restricted).collect();
    shared.sort_by(|a, b| (b.date.value, &b.source.path).cmp(&(a.date.value, &a.source.path)));
    shared
        .into_iter()
        .map(|f| Quote {
            kind: f.kind.as_ref().map(|k| label(k.value.as_str())),
            month: f.date.value.format("%B %Y").to_string(),
            text: super::search::plain(&f.source),
        })
        .filter(|q| !q.text.is_empty())
        .collect()
}

/// The header of `board/care-leavers.csv`.
pub const CSV_HEADER: &str = "CHILD,DOB,AGE,AGE_BAND,LEGAL_STATUS,UASC,PARENT,CUSTODY,IN_TOUCH,ACTIV,NEET,NEET_WEEKS_BAND,ACCOM,\
SUITABLE,STAYING_PUT,STAYING_CLOSE,PLAN_ON_TIME,PRESENT_AT_LAST_REVIEW,PASSPORT_ISSUED,PASSPORT_BEFORE_18,HEALTH_IN_DATE,\
SUPPORT_OFFER";

/// `board/care-leavers.csv`: one row per open record, with the SSDA903 care-leaver fields and
/// what each young person counts as in the board's figures (`yes`, `no`, or empty where a
/// figure does not apply). For the team: it names young people by id.
pub fn care_leavers_csv(figures: &Figures) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let maybe = |b: Option<bool>| b.map(yes_no).unwrap_or_default();
    let mut out = format!("{CSV_HEADER}\r\n");
    for f in &figures.facts {
        let activity = f.profile.activity.as_ref();
        let fields = [
            f.person.id.clone(),
            f.profile.dob().map(|d| d.to_string()).unwrap_or_default(),
            f.age.map(|a| a.to_string()).unwrap_or_default(),
            f.band.map(|b| crate::figures::AGE_BANDS[b].0.to_string()).unwrap_or_default(),
            f.legal.map(|l| l.as_str().to_string()).unwrap_or_default(),
            yes_no(f.uasc),
            yes_no(f.parent),
            yes_no(f.custody),
            f.in_touch.map(|t| in_touch_code(t).to_string()).unwrap_or_default(),
            f.activity
                .and_then(|k| activity_code(k, activity.and_then(|a| a.hours.as_ref()).map(|h| h.value)))
                .unwrap_or_default(),
            maybe(f.neet),
            f.neet_duration.map(|d| d.code().to_string()).unwrap_or_default(),
            accommodation_code(f.profile).unwrap_or_default(),
            maybe(f.suitable),
            yes_no(f.staying_put),
            yes_no(f.staying_close),
            maybe(f.plan_on_time),
            maybe(f.present_at_last_review),
            f.person.passport.as_ref().and_then(|x| x.issued.as_ref()).map(|d| d.value.to_string()).unwrap_or_default(),
            maybe(f.passport_before_18),
            maybe(f.health_in_date),
            match f.offer {
                None => String::new(),
                Some(None) => "offered".into(),
                Some(Some(r)) => r.as_str().to_string(),
            },
        ];
        let row: Vec<String> = fields.iter().map(|v| csv_field(v)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field: quoted when needed, and never read by a spreadsheet as a formula.
fn csv_field(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
