//! Staff supervision pages (`supervision/<staff-id>/<date>.html`, FORMAT.md 1.2): one per
//! supervision record a site shows.
//!
//! Whether a site has these pages at all is the audience's decision
//! ([`Audience::supervision_pages`]); the repository given here is already filtered, so it
//! holds only the supervision records and young people the site may show. A young person
//! discussed is linked to their page when the site holds them, and otherwise named by id
//! only, never by a name the site does not hold. No young person's page links here.

use super::history::{LastChanged, SiteHistory};
use super::markdown::{self, Links, Place};
use super::paths;
use super::templates::Theme;
use super::views::SiteView;
use crate::audience::Audience;
use crate::check::supervision::action_overdue;
use crate::model::date::{display_date, Date};
use crate::model::{Repository, Spanned, Supervision};
use serde::Serialize;

/// A young person named in a supervision record.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    /// Their name as the site shows it, or only their id when the site does not hold them.
    pub name: String,
    /// Link to their page, when the site holds them.
    pub href: Option<String>,
}

/// One action agreed in supervision.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    /// What is to be done.
    pub what: Option<String>,
    /// The young person it is about.
    pub about: Option<CaseView>,
    /// By when, as people read it.
    pub by_when: Option<String>,
    /// When it was done, as people read it.
    pub done: Option<String>,
    /// Past `by_when` and not done, as `supervision-action-overdue` judges it.
    pub overdue: bool,
}

/// A supervision page.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionView {
    /// The member of staff supervised, by name.
    pub staff: String,
    /// The manager who supervised, by name.
    pub by: Option<String>,
    /// When, as people read it.
    pub date: String,
    /// Young people discussed.
    pub cases: Vec<CaseView>,
    /// Actions agreed.
    pub actions: Vec<ActionView>,
    /// The body, as sanitised HTML.
    pub html: String,
    /// The record's file in the repository.
    pub file: String,
    /// Link to the manager's page.
    pub manager_href: String,
    /// The record's last change in git.
    pub changed: Option<LastChanged>,
}

/// The site path of each supervision record's page in a site for `audience`, by repository
/// path, when the site makes them: the one list the pages, the manager's links and search read.
pub fn pages_made<'r>(repo: &'r Repository, audience: &Audience) -> Vec<(&'r Supervision, String)> {
    if !audience.supervision_pages(&repo.config) {
        return Vec::new();
    }
    repo.supervision
        .iter()
        .filter(|s| audience.sees_supervision_of(&s.staff))
        .filter_map(|s| Some((s, paths::supervision_target(&s.source.path)?)))
        .collect()
}

/// The page of one supervision record, at `at`.
pub fn view(
    repo: &Repository,
    s: &Supervision,
    at: &str,
    today: Date,
    links: &Links,
    history: &SiteHistory,
) -> SupervisionView {
    let config = &repo.config;
    let staff_name = |id: &str| config.staff(id).map(|m| m.name.clone()).unwrap_or_else(|| id.to_string());
    let case = |id: &Spanned<String>| match repo.person(&id.value) {
        Some(p) => CaseView { name: p.shown_name(), href: Some(paths::href(at, &paths::person_page(&p.id))) },
        None => CaseView { name: id.value.clone(), href: None },
    };
    let anchor = format!("supervision-{}", paths::stem(&s.source.path));
    SupervisionView {
        staff: staff_name(&s.staff),
        by: s.by.as_ref().map(|b| staff_name(&b.value)),
        date: display_date(s.date.value),
        cases: s.cases.iter().map(case).collect(),
        actions: s
            .actions
            .iter()
            .map(|a| ActionView {
                what: a.what.as_ref().map(|w| w.value.clone()),
                about: a.about.as_ref().map(case),
                by_when: a.by_when.as_ref().map(|d| display_date(d.value)),
                done: a.done.as_ref().map(|d| display_date(d.value)),
                overdue: action_overdue(a, today),
            })
            .collect(),
        html: markdown::render(s.source.body(), Place { source: &s.source.path, page: at, anchor: &anchor }, links),
        file: s.source.path.clone(),
        manager_href: paths::href(at, paths::MANAGER),
        changed: history.last_changed(&s.source.path, at),
    }
}

/// Every supervision page of a site for `audience`.
pub fn pages(
    repo: &Repository,
    audience: &Audience,
    today: Date,
    theme: &Theme,
    site: &SiteView,
    history: &SiteHistory,
) -> Result<Vec<(String, String)>, String> {
    let links = Links::new(repo);
    pages_made(repo, audience)
        .into_iter()
        .map(|(s, at)| {
            let view = view(repo, s, &at, today, &links, history);
            Ok((at.clone(), super::page(theme, "supervision.html", &at, site, view)?))
        })
        .collect()
}
