//! Rendering: Markdown bodies, templates and the pages of the site, in memory.
//!
//! [`render`] turns a loaded repository and its check report into a
//! [`Site`](crate::site::Site) in memory; [`render_to`] hands each file to a
//! [`Sink`](crate::site::Sink) as it is made, such as a [`Staging`](crate::site::Staging) folder.

pub mod board;
pub mod bodies;
pub mod charts;
pub mod history;
pub mod manager;
pub mod markdown;
pub mod nesting;
pub mod paths;
pub mod reuse;
pub mod search;
pub mod supervision;
pub mod templates;
pub mod transition;
pub mod trends;
pub mod views;

use crate::audience::Audience;
use crate::check::Report;
use crate::diag::Diagnostic;
use crate::model::date::Date;
use crate::model::{Person, Repository};
use crate::site::{Content, Sink, Site};
use history::SiteHistory;
use markdown::Links;
use rayon::prelude::*;
use reuse::Reuse;
use std::collections::HashMap;
use templates::Theme;
use views::*;

/// Renders every page of the site `audience` sees (`repo` already filtered for it) into memory,
/// with the attachments and static files to copy; `done` is called once per young person
/// rendered (for a progress bar).
#[allow(clippy::too_many_arguments)]
pub fn render(
    repo: &Repository,
    audience: &Audience,
    report: &Report,
    today: Date,
    theme: &Theme,
    history: &SiteHistory,
    done: &(dyn Fn() + Sync),
) -> Result<Site, String> {
    let site = std::sync::Mutex::new(Site::default());
    render_to(&site, repo, audience, report, today, theme, history, &Reuse::nothing(), done)?;
    Ok(site.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Renders every page of the site `audience` sees (`repo` already filtered for it) into `sink`
/// as each is made, so a build can write pages while it renders others instead of holding the
/// whole site in memory; what `reuse` says is unchanged since the last build is taken from the
/// old site instead.
#[allow(clippy::too_many_arguments)]
pub fn render_to(
    sink: &dyn Sink,
    repo: &Repository,
    audience: &Audience,
    report: &Report,
    today: Date,
    theme: &Theme,
    history: &SiteHistory,
    reuse: &Reuse,
    done: &(dyn Fn() + Sync),
) -> Result<(), String> {
    let put = |path: String, content: Content| sink.put(path, content).map_err(|e| e.to_string());
    let bytes = |path: String, text: String| put(path, Content::Bytes(text.into_bytes()));
    let site_view = SiteView::new(&repo.config, today);
    let links = Links::new(repo);
    let by_person = diagnostics_by_person(report);
    let none = Vec::new();
    let diags_of = |p: &Person| by_person.get(p.id.as_str()).unwrap_or(&none);

    // A site made in memory keeps nothing, so it need not know what its pages are made from.
    let records: Vec<u128> = match reuse.active() {
        true => repo.people.par_iter().map(|p| Reuse::records_of(p, &repo.root)).collect(),
        false => vec![0; repo.people.len()],
    };
    // The search index needs nothing from the pages, so it is made beside them: the young
    // people's pages, then the pages about everyone, on one side; the index on the other.
    let (pages, index) = rayon::join(
        || {
            let people: &[Person] = if reuse.no_people { &[] } else { &repo.people };
            let memos = reuse.cache().filter(|_| !reuse.no_people);
            if let Some(dir) = memos {
                bodies::prune(dir, people.iter().map(|p| p.id.as_str()));
            }
            people
                .par_iter()
                .zip(&records)
                // One git handle per worker, opened when first needed: libgit2 repositories are not
                // shared between threads, and a build that keeps every page needs none.
                .map_init(
                    || None,
                    |git: &mut Option<Option<git2::Repository>>, (person, &recs)| {
                        let unit = Reuse::person_unit(person);
                        let key = match reuse.active() {
                            true => reuse.person_key(person, recs, diags_of(person), history),
                            false => String::new(),
                        };
                        if let Some(files) = reuse.keep(unit.clone(), key.clone()) {
                            for (path, from, id) in files {
                                put(path, Content::Link(from, id))?;
                            }
                            done();
                            return Ok(());
                        }
                        let memo = memos.and_then(|dir| bodies::Memo::open(dir, &person.id));
                        let ctx = PersonCtx {
                            diags: diags_of(person),
                            today,
                            theme,
                            site: &site_view,
                            links: &links,
                            memo: memo.as_ref(),
                            history,
                        };
                        let git = git.get_or_insert_with(|| history.repository());
                        let mut made = Vec::new();
                        for (path, html) in person_pages(repo, person, &ctx)?.into_iter().chain(history_pages(
                            person,
                            &ctx,
                            git.as_ref(),
                        )?) {
                            made.push(path.clone());
                            bytes(path, html)?;
                        }
                        for (path, from) in attachment_copies(repo, person) {
                            made.push(path.clone());
                            put(path, Content::Copy(from))?;
                        }
                        reuse.record(unit, key, made);
                        if let Some(memo) = memo {
                            memo.save();
                        }
                        done();
                        Ok::<(), String>(())
                    },
                )
                .collect::<Result<(), String>>()?;
            for (path, text) in summary_pages(repo, audience, report, today, theme, &site_view, &diags_of)? {
                bytes(path, text)?;
            }
            for (path, text) in supervision::pages(repo, audience, today, theme, &site_view, history)? {
                bytes(path, text)?;
            }
            let recent = history.recent_page(history.repository().as_ref());
            bytes(paths::CHANGES.into(), page(theme, "history.html", paths::CHANGES, &site_view, recent)?)?;
            let search_page = page(theme, "search.html", search::PAGE, &site_view, search::page_view(&repo.config))?;
            bytes(search::PAGE.into(), search_page)
        },
        || search::put_index(repo, today, reuse, &records, history.history(), &put),
    );
    pages?;
    index?;
    for (name, data) in &theme.statics {
        put(format!("static/{name}"), Content::Bytes(data.clone()))?;
    }
    if let Some(manifest) = reuse.manifest() {
        put(reuse::MANIFEST.into(), Content::Bytes(manifest))?;
    }
    Ok(())
}

/// Each person's diagnostics, by person id.
pub(crate) fn diagnostics_by_person(report: &Report) -> HashMap<&str, Vec<&Diagnostic>> {
    let mut by_person: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
    for d in &report.diagnostics {
        if let Some(p) = &d.person {
            by_person.entry(p.as_str()).or_default().push(d);
        }
    }
    by_person
}

/// The pages about everyone: dashboard, caseload pages, validation report, board report and its
/// CSV files, manager's page. Their figures are counted once, here, and read by all of them.
pub(crate) fn summary_pages<'d>(
    repo: &Repository,
    audience: &Audience,
    report: &Report,
    today: Date,
    theme: &Theme,
    site: &SiteView,
    diags_of: &dyn Fn(&Person) -> &'d Vec<&'d Diagnostic>,
) -> Result<Vec<(String, String)>, String> {
    let figures = crate::figures::Figures::new(repo, today);
    let mut out = dashboard(repo, report, &figures, theme, site, diags_of)?;
    out.push((paths::REPORT.into(), report_page(repo, report, theme, site)?));
    out.extend(board_pages(repo, &figures, theme, site)?);
    let mut view = manager::manager(repo, audience, &figures, diags_of, &report.diagnostics);
    if out.iter().any(|(path, _)| path == paths::TRENDS_CSV) {
        view.trends_csv_href = Some(paths::href(paths::MANAGER, paths::TRENDS_CSV));
    }
    out.push((paths::MANAGER.into(), page(theme, "manager.html", paths::MANAGER, site, view)?));
    Ok(out)
}

/// The board report page and its CSV files.
fn board_pages(
    repo: &Repository,
    figures: &crate::figures::Figures,
    theme: &Theme,
    site_view: &SiteView,
) -> Result<Vec<(String, String)>, String> {
    let mut board_view = board::board(repo, figures);
    let mut out = vec![(paths::BOARD_CSV.to_string(), board::care_leavers_csv(figures))];
    match trends::trends(&repo.root, figures.today) {
        Ok(rows) => {
            board_view.trends = Some(trends::TrendsView::new(&rows, board_view.suppress_below));
            out.push((paths::TRENDS_CSV.to_string(), trends::csv(&rows)));
        }
        Err(why) => board_view.trends_missing = Some(why),
    }
    out.push((paths::BOARD.to_string(), page(theme, "board.html", paths::BOARD, site_view, board_view)?));
    Ok(out)
}

/// The site path and source file of each of the person's attachments the site copies.
pub(crate) fn attachment_copies<'a>(
    repo: &'a Repository,
    person: &'a Person,
) -> impl Iterator<Item = (String, std::path::PathBuf)> + 'a {
    person.attachments.iter().filter_map(|attachment| match paths::site_target(attachment) {
        Some((path, None)) if path.contains("/files/") => {
            Some((path, attachment.split('/').fold(repo.root.clone(), |p, s| p.join(s))))
        }
        _ => None,
    })
}

/// Renders a template for the page at `page`.
pub(crate) fn page<T: serde::Serialize>(
    theme: &Theme,
    template: &str,
    page: &str,
    site: &SiteView,
    view: T,
) -> Result<String, String> {
    theme.render(template, &Page { root: paths::root_of(page), site, view })
}

/// The dashboard, and a caseload page per personal adviser.
fn dashboard<'d>(
    repo: &Repository,
    report: &Report,
    figures: &crate::figures::Figures,
    theme: &Theme,
    site: &SiteView,
    diags_of: &dyn Fn(&Person) -> &'d Vec<&'d Diagnostic>,
) -> Result<Vec<(String, String)>, String> {
    let today = figures.today;
    let mut rows: Vec<CaseRow> = repo.people.iter().map(|p| CaseRow::new(repo, p, today, diags_of(p))).collect();
    // Infos are for information: they never make someone more urgent than someone else.
    rows.sort_by(|a, b| {
        (b.counts.errors, b.counts.warnings, b.due.len())
            .cmp(&(a.counts.errors, a.counts.warnings, a.due.len()))
            .then_with(|| a.name.cmp(&b.name))
    });
    let (rows, closed): (Vec<CaseRow>, Vec<CaseRow>) = rows.into_iter().partition(|r| r.active);
    let not_about_anyone = Counts::of(report.diagnostics.iter().filter(|d| d.person.is_none()));
    let mut pages = Vec::new();
    let mut by_adviser: Vec<(String, Vec<CaseRow>)> = Vec::new();
    for row in &rows {
        let key = adviser_key(row.adviser_id.as_deref());
        match by_adviser.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(row.clone()),
            None => by_adviser.push((key, vec![row.clone()])),
        }
    }
    by_adviser.sort_by(|a, b| (a.0.starts_with('_'), &a.1[0].adviser).cmp(&(b.0.starts_with('_'), &b.1[0].adviser)));
    let mut advisers = Vec::new();
    for (key, mut list) in by_adviser {
        let at = paths::adviser_page(&key);
        for row in &mut list {
            row.href = paths::href(&at, &paths::person_page(&row.id));
        }
        let name = match list[0].adviser.clone() {
            Some(name) if key != "_unassigned" => name,
            _ => "No personal adviser named".to_string(),
        };
        let overdue = list.iter().filter(|r| r.counts.errors > 0).count();
        let due_soon = list.iter().filter(|r| !r.due.is_empty()).count();
        advisers.push(AdviserSummary {
            name: name.clone(),
            href: paths::href(paths::DASHBOARD, &at),
            people: list.len(),
            overdue,
            due_soon,
        });
        let view = AdviserPage { name, rows: list, overdue, due_soon, due_days: DUE_SOON_DAYS };
        pages.push((at.clone(), page(theme, "adviser.html", &at, site, view)?));
    }
    let view = Dashboard {
        turning_18: transition::turning_18(repo, today),
        transition_days: repo.config.rules.transition_window_days,
        advisers,
        due_soon: rows.iter().filter(|r| !r.due.is_empty()).count(),
        overdue: rows.iter().filter(|r| r.counts.errors > 0).count(),
        warnings: rows.iter().filter(|r| r.counts.warnings > 0).count(),
        open: figures.open(),
        unreadable: rows.len().saturating_sub(figures.open()),
        other_problems: not_about_anyone.errors + not_about_anyone.warnings,
        rows,
        closed,
        due_days: DUE_SOON_DAYS,
        report_href: paths::href(paths::DASHBOARD, paths::REPORT),
        manager_href: paths::href(paths::DASHBOARD, paths::MANAGER),
    };
    pages.push((paths::DASHBOARD.to_string(), page(theme, "dashboard.html", paths::DASHBOARD, site, view)?));
    Ok(pages)
}

/// What rendering one person's pages needs besides the person.
pub(crate) struct PersonCtx<'a> {
    pub(crate) diags: &'a [&'a Diagnostic],
    pub(crate) today: Date,
    pub(crate) theme: &'a Theme,
    pub(crate) site: &'a SiteView,
    pub(crate) links: &'a Links<'a>,
    /// The person's kept bodies, when the build keeps them.
    pub(crate) memo: Option<&'a bodies::Memo>,
    pub(crate) history: &'a SiteHistory<'a>,
}

/// The person's history pages: their timeline and one page per record.
pub(crate) fn history_pages(
    person: &Person,
    ctx: &PersonCtx,
    git: Option<&git2::Repository>,
) -> Result<Vec<(String, String)>, String> {
    ctx.history
        .person_pages(person, git)
        .into_iter()
        .map(|(at, view)| Ok((at.clone(), page(ctx.theme, "history.html", &at, ctx.site, view)?)))
        .collect()
}

/// The person's page, and their plan and passport pages where they have them.
pub(crate) fn person_pages(
    repo: &Repository,
    person: &Person,
    ctx: &PersonCtx,
) -> Result<Vec<(String, String)>, String> {
    let PersonCtx { diags, today, theme, site, links, memo, history } = *ctx;
    let bodies = &bodies::Bodies { links, memo };
    let config = &repo.config;
    let id = &person.id;
    let mut out = Vec::new();

    let here = paths::person_page(id);
    let mut sorted: Vec<&Diagnostic> = diags.to_vec();
    sorted.sort_by(|a, b| (a.severity, &a.file, a.pos).cmp(&(b.severity, &b.file, b.pos)));
    let attachments = person
        .attachments
        .iter()
        .filter_map(|a| {
            let (target, _) = paths::site_target(a)?;
            let text = a.split_once("/files/").map(|(_, rest)| rest.to_string())?;
            Some(LinkView { text, href: paths::href(&here, &target) })
        })
        .collect();
    let due = crate::check::due(repo, person, today);
    let next = next_review(&due);
    let transition = transition::of(repo, person, today);
    let mut view = PersonView {
        person: PersonHeader::new(person, &here),
        profile: person.profile.as_ref().map(|p| ProfileView::new(p, config, today, bodies)),
        diagnostics: sorted.iter().map(|d| DiagView::new(d, Some(person), &here)).collect(),
        counts: Counts::of(diags.iter().copied()),
        due: due_soon(repo, person, today),
        last_contact: person.last_contact().map(crate::model::date::display_date),
        note_months: note_months(&person.notes, config, &here, bodies),
        note_count: person.notes.len(),
        decisions: person.decisions().into_iter().map(|n| NoteView::new(n, config, &here, bodies)).collect(),
        plan: person.plan.as_ref().map(|p| PlanView::new(p, config, today, next, &here, bodies)),
        charts: charts::outcome_charts(&person.outcomes, config),
        outcomes: person.outcomes.iter().rev().map(|o| OutcomeView::new(o, config, &here, bodies)).collect(),
        feedback: person.feedback.iter().rev().map(|f| FeedbackView::new(f, config, &here, bodies)).collect(),
        transition_href: transition.as_ref().map(|_| paths::href(&here, &paths::transition_page(id))),
        attachments,
        report_href: paths::href(&here, paths::REPORT),
        profile_changed: person.profile.as_ref().and_then(|p| history.last_changed(&p.source.path, &here)),
        plan_changed: person.plan.as_ref().and_then(|p| history.last_changed(&p.source.path, &here)),
    };

    for note in view.note_months.iter_mut().flat_map(|m| m.notes.iter_mut()) {
        note.changed = history.last_changed(&note.file, &here);
    }
    for o in &mut view.outcomes {
        o.changed = history.last_changed(&o.file, &here);
    }
    for f in &mut view.feedback {
        f.changed = history.last_changed(&f.file, &here);
    }
    out.push((here.clone(), page(theme, "person.html", &here, site, view)?));
    if let Some(t) = transition {
        let at = paths::transition_page(id);
        let view = transition::TransitionPage { person: PersonHeader::new(person, &at), t };
        out.push((at.clone(), page(theme, "transition.html", &at, site, view)?));
    }

    if has_plan_page(person) {
        let at = paths::plan_page(id);
        let view = PlanPage {
            person: PersonHeader::new(person, &at),
            plan: person.plan.as_ref().map(|p| PlanView::new(p, config, today, next, &at, bodies)),
            adviser: person
                .profile
                .as_ref()
                .and_then(|p| p.personal_adviser.as_ref())
                .map(|a| config.staff_name(&a.value).to_string()),
            changed: person.plan.as_ref().and_then(|p| history.last_changed(&p.source.path, &at)),
        };
        out.push((at.clone(), page(theme, "plan.html", &at, site, view)?));
    }
    if has_passport_page(person) {
        let at = paths::passport_page(id);
        let view = PassportPage {
            person: PersonHeader::new(person, &at),
            passport: person.passport.as_ref().map(|p| PassportView::new(p, &at, bodies)),
            changed: person.passport.as_ref().and_then(|p| history.last_changed(&p.source.path, &at)),
        };
        out.push((at.clone(), page(theme, "passport.html", &at, site, &view)?));
        let css = format!("{}/passport.css", paths::person_dir(id));
        out.push((css.clone(), page(theme, "passport.css", &css, site, &view)?));
    }
    Ok(out)
}

/// The validation report page.
pub(crate) fn report_page(
    repo: &Repository,
    report: &Report,
    theme: &Theme,
    site: &SiteView,
) -> Result<String, String> {
    let at = paths::REPORT;
    let mut groups: Vec<PersonGroup> = Vec::new();
    let mut index: HashMap<Option<&str>, usize> = HashMap::new();
    for d in &report.diagnostics {
        let key = d.person.as_deref();
        let person = key.and_then(|id| repo.person(id));
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(PersonGroup {
                id: key.map(String::from),
                name: match (person, key) {
                    (Some(p), _) => p.shown_full_name(),
                    (None, Some(id)) => id.to_string(),
                    (None, None) => "Settings and layout".into(),
                },
                href: person.map(|p| paths::href(at, &paths::person_page(&p.id))),
                counts: Counts::default(),
                files: Vec::new(),
            });
            groups.len() - 1
        });
        let group = &mut groups[i];
        match group.files.last_mut() {
            Some(f) if f.file == d.file => f.diagnostics.push(DiagView::new(d, person, at)),
            _ => group.files.push(FileGroup { file: d.file.clone(), diagnostics: vec![DiagView::new(d, person, at)] }),
        }
    }
    for g in &mut groups {
        g.counts = Counts::of(std::iter::empty());
        for f in &g.files {
            for d in &f.diagnostics {
                match d.severity {
                    "error" => g.counts.errors += 1,
                    "warning" => g.counts.warnings += 1,
                    _ => g.counts.infos += 1,
                }
            }
        }
    }
    groups.sort_by(|a, b| (a.id.is_some(), &a.id).cmp(&(b.id.is_some(), &b.id)));
    let view = ReportView { groups, counts: Counts::of(&report.diagnostics), files: report.files };
    page(theme, "report.html", at, site, view)
}
