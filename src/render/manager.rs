//! The manager's page (`manager.html`): each member of staff's caseload and supervision, plans
//! awaiting sign-off, recent management decisions, and a named list of exceptions, each linked
//! to the young person. For the team: unlike the board, it names young people.
//!
//! What counts as an exception is read from the build's [`Figures`] (homeless, custody...) or
//! from the rule that decides it (`neet-long`, `leave-expiring`, `visit-overdue`...), never
//! decided again here.

use super::board::Quote;
use super::paths;
use super::views::label;
use crate::audience::Audience;
use crate::diag::{Diagnostic, Rule};
use crate::figures::{Facts, Figures, NeetDuration};
use crate::model::date::{add_days, display_date, Date};
use crate::model::vocab::{AccommodationType, InTouch};
use crate::model::{Person, Repository};
use serde::Serialize;

/// How far back the page lists management decisions.
pub const DECISION_DAYS: i64 = 90;

/// One member of staff's row.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRow {
    /// Their name.
    pub name: String,
    /// Their role, as people read it.
    pub role: Option<String>,
    /// Open records where they are personal adviser or key worker.
    pub caseload: usize,
    /// Whether this site holds their supervision records (a caseload site holds only its
    /// readers' own, or everyone's for a manager).
    pub supervision_held: bool,
    /// Their last supervision, as people read it.
    pub last_supervision: Option<String>,
    /// Link to the page of their last supervision, when this site has one.
    pub last_supervision_href: Option<String>,
    /// Whether supervision is overdue (as `supervision-overdue` judges it).
    pub supervision_overdue: bool,
    /// Actions agreed in their supervision that are past due and not done.
    pub overdue_actions: usize,
}

/// A young person named on the page, with why.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// The name they go by.
    pub name: String,
    /// Link to their page (or to the record in question).
    pub href: String,
    /// What about them, in a few words.
    pub detail: String,
}

/// One kind of exception and who it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionList {
    /// Anchor on the page.
    pub id: &'static str,
    /// What the exception is.
    pub title: &'static str,
    /// Who, by name.
    pub people: Vec<Named>,
}

/// The manager's page.
#[derive(Debug, Clone, Serialize)]
pub struct ManagerView {
    /// Members of staff with a role, in `waymark.yaml`'s order.
    pub staff: Vec<StaffRow>,
    /// Whether any supervision is recorded in this site.
    pub supervision_recorded: bool,
    /// Plans whose last review has not been signed off (`plan-not-approved`).
    pub awaiting_sign_off: Vec<Named>,
    /// Management decisions of the last [`DECISION_DAYS`] days, newest first.
    pub decisions: Vec<Named>,
    /// How many days back decisions are listed.
    pub decision_days: i64,
    /// The exceptions, in a fixed order, each listed even when empty.
    pub exceptions: Vec<ExceptionList>,
    /// What young people agreed may be quoted in the last twelve months.
    pub quotes: Vec<Quote>,
    /// Link to `board/care-leavers.csv`.
    pub csv_href: String,
    /// Link to `board/trends.csv`, when there are trends.
    pub trends_csv_href: Option<String>,
    /// Link to the board report.
    pub board_href: String,
}

/// The manager's page, from the build's figures and diagnostics.
pub fn manager<'d>(
    repo: &Repository,
    audience: &Audience,
    figures: &Figures,
    diags_of: &dyn Fn(&Person) -> &'d Vec<&'d Diagnostic>,
    all: &[Diagnostic],
) -> ManagerView {
    let today = figures.today;
    let named = |f: &Facts, detail: String| Named {
        name: f.person.shown_name(),
        href: paths::href(paths::MANAGER, &paths::person_page(&f.person.id)),
        detail,
    };
    let pages = super::supervision::pages_made(repo, audience);
    let fired = |f: &Facts, rule: Rule| diags_of(f.person).iter().find(|d| d.rule == rule).map(|d| d.message.clone());
    let staff = repo
        .config
        .staff
        .iter()
        .filter(|s| s.role.is_some())
        .map(|s| {
            let last = repo.supervision.iter().filter(|x| x.staff == s.id).max_by_key(|x| x.date.value);
            let folder = format!("staff/{}/", s.id);
            let held = audience.sees_supervision_of(&s.id);
            StaffRow {
                supervision_held: held,
                last_supervision_href: last.and_then(|x| {
                    let at = pages.iter().find(|(p, _)| std::ptr::eq(*p, x)).map(|(_, at)| at)?;
                    Some(paths::href(paths::MANAGER, at))
                }),
                name: s.name.clone(),
                role: s.role.map(|r| label(r.as_str())),
                caseload: figures.count(|f| {
                    let is = |x: &Option<crate::model::Spanned<String>>| x.as_ref().is_some_and(|v| v.value == s.id);
                    is(&f.profile.personal_adviser) || is(&f.profile.key_worker)
                }),
                last_supervision: last.map(|x| display_date(x.date.value)),
                supervision_overdue: held && crate::check::supervision::is_overdue(repo, &s.id, today),
                overdue_actions: all
                    .iter()
                    .filter(|d| d.rule == Rule::SupervisionActionOverdue && d.file.starts_with(&folder))
                    .count(),
            }
        })
        .collect();
    let awaiting_sign_off =
        figures.facts.iter().filter_map(|f| fired(f, Rule::PlanNotApproved).map(|m| named(f, m))).collect();
    let since = add_days(today, -DECISION_DAYS);
    let mut decisions: Vec<(Date, Named)> = figures
        .facts
        .iter()
        .flat_map(|f| f.person.decisions().into_iter().map(move |n| (f, n)))
        .filter(|(_, n)| n.date.value > since && n.date.value <= today)
        .map(|(f, n)| {
            let page = paths::href(paths::MANAGER, &paths::person_page(&f.person.id));
            let href = format!("{page}#{}", paths::note_anchor(paths::stem(&n.source.path)));
            let by = repo.config.staff_name(&n.author.value).to_string();
            let restricted = if n.restricted { " (restricted)" } else { "" };
            let detail = format!("{}, by {by}{restricted}", display_date(n.date.value));
            (n.date.value, Named { href, ..named(f, detail) })
        })
        .collect();
    decisions.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    ManagerView {
        staff,
        supervision_recorded: !repo.supervision.is_empty(),
        awaiting_sign_off,
        decisions: decisions.into_iter().map(|(_, n)| n).collect(),
        decision_days: DECISION_DAYS,
        exceptions: exceptions(figures, &named, &fired),
        quotes: super::board::quotes(repo, today),
        csv_href: paths::href(paths::MANAGER, paths::BOARD_CSV),
        trends_csv_href: None,
        board_href: paths::href(paths::MANAGER, paths::BOARD),
    }
}

/// The named exceptions, in the page's order.
fn exceptions(
    figures: &Figures,
    named: &dyn Fn(&Facts, String) -> Named,
    fired: &dyn Fn(&Facts, Rule) -> Option<String>,
) -> Vec<ExceptionList> {
    let accommodation = |kind: AccommodationType| {
        move |f: &Facts| {
            (f.accommodation == Some(kind)).then(|| {
                let since = f.profile.accommodation.as_ref().and_then(|a| a.since.as_ref()).map(|s| s.value);
                since.map(|s| format!("since {}", display_date(s))).unwrap_or_else(|| "since when not recorded".into())
            })
        }
    };
    let by_rule = |rule: Rule| move |f: &Facts| fired(f, rule);
    type Test<'a> = Box<dyn Fn(&Facts) -> Option<String> + 'a>;
    let lists: Vec<(&'static str, &'static str, Test)> = vec![
        ("homeless", "Homeless", Box::new(accommodation(AccommodationType::Homeless))),
        ("bed-and-breakfast", "In bed and breakfast", Box::new(accommodation(AccommodationType::BedAndBreakfast))),
        (
            "unsuitable",
            "In accommodation recorded as not suitable",
            Box::new(|f: &Facts| {
                (f.suitable == Some(false))
                    .then(|| f.accommodation.map(|k| label(k.as_str())).unwrap_or_else(|| "type not recorded".into()))
            }),
        ),
        ("custody", "In custody", Box::new(accommodation(AccommodationType::Custody))),
        (
            "neet-long",
            "NEET for more than 13 weeks",
            Box::new(|f: &Facts| {
                matches!(f.neet_duration, Some(NeetDuration::From13To26Weeks | NeetDuration::Over26Weeks))
                    .then(|| fired(f, Rule::NeetLong).unwrap_or_default())
            }),
        ),
        (
            "not-in-touch",
            "Not in touch",
            Box::new(|f: &Facts| match f.in_touch {
                Some(t @ (InTouch::No | InTouch::Refuses)) => Some(format!("in touch: {}", t.as_str())),
                _ => fired(f, Rule::InTouchStale),
            }),
        ),
        ("no-adviser", "No personal adviser", Box::new(by_rule(Rule::PaMissing))),
        ("leave-expiring", "Leave to remain expiring", Box::new(by_rule(Rule::LeaveExpiring))),
        ("visit-overdue", "No visit within the agreed time", Box::new(by_rule(Rule::VisitOverdue))),
    ];
    lists
        .into_iter()
        .map(|(id, title, test)| ExceptionList {
            id,
            title,
            people: figures.facts.iter().filter_map(|f| test(f).map(|detail| named(f, detail))).collect(),
        })
        .collect()
}
