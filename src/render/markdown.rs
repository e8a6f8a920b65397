//! Markdown bodies to safe HTML: pulldown-cmark, then ammonia, with links rewritten to the site.
//!
//! Raw HTML in a body is sanitised, never passed through. Every URL that
//! survives is relative and names a page or copied attachment of the site:
//! links with a scheme (`https:`, `javascript:`, `data:` ...), absolute paths,
//! protocol-relative `//host` links and links to things the repository does
//! not hold lose their `href`/`src`, keeping their text.

use super::nesting::{self, Gauge};
use super::paths::{href, site_target};
use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{html, Options, Parser};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::Mutex;

/// The Markdown extensions bodies are read with, by the site and by the checks.
pub const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// The repository paths a body may link to: record files and attachments.
#[derive(Debug, Clone)]
pub enum Links<'a> {
    /// Those of a repository, looked up where it keeps them: copying its 100,000 paths into
    /// a set of their own was a fiftieth of a one-note build's CPU.
    Of(&'a crate::model::Repository),
    /// These paths: for tests and tools, and for `waymark serve`, which keeps its own copy
    /// up to date one person at a time.
    Paths(HashSet<String>),
}

/// No paths at all: every link to a repository path is shown as missing.
impl Default for Links<'_> {
    fn default() -> Self {
        Links::Paths(HashSet::new())
    }
}

impl<'a> Links<'a> {
    /// Every record file and attachment of a repository.
    pub fn new(repo: &'a crate::model::Repository) -> Links<'a> {
        Links::Of(repo)
    }

    /// The paths [`Links::new`] finds in `repo`, as a set of their own.
    pub fn paths_of(repo: &crate::model::Repository) -> Links<'static> {
        let mut known: HashSet<String> = repo.sources.keys().cloned().collect();
        known.extend(repo.people.iter().flat_map(|p| p.attachments.iter().cloned()));
        Links::Paths(known)
    }

    /// A set of links from explicit paths (for tests and tools).
    pub fn from_paths<I: IntoIterator<Item = String>>(paths: I) -> Links<'static> {
        Links::Paths(paths.into_iter().collect())
    }

    /// Whether the repository holds this path.
    pub fn contains(&self, repo_path: &str) -> bool {
        match self {
            Links::Of(repo) => {
                // An attachment is filed with the young person whose folder it is in.
                let attachment = || {
                    let id = repo_path.strip_prefix("records/").and_then(|rest| rest.split('/').next());
                    id.and_then(|id| repo.person(id)).is_some_and(|p| p.attachments.iter().any(|a| a == repo_path))
                };
                repo.sources.contains_key(repo_path) || attachment()
            }
            Links::Paths(known) => known.contains(repo_path),
        }
    }

    /// Adds a path the repository now holds (to a set of [`Links::Paths`]; a repository's own
    /// links follow the repository).
    pub fn insert(&mut self, repo_path: String) {
        if let Links::Paths(known) = self {
            known.insert(repo_path);
        }
    }

    /// Forgets a path the repository no longer holds (as [`Links::insert`] adds one).
    pub fn remove(&mut self, repo_path: &str) {
        if let Links::Paths(known) = self {
            known.remove(repo_path);
        }
    }
}

/// Where a body is being shown.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The body's file, relative to the repository root (`records/yp-1/notes/...md`).
    pub source: &'a str,
    /// The page that shows it, relative to the site root (`people/yp-1/index.html`).
    pub page: &'a str,
    /// A prefix unique on the page for the body's own ids (footnotes), such as `note-2026-01-02-visit`.
    pub anchor: &'a str,
}

/// Renders a Markdown body to sanitised HTML for a place on the site.
pub fn render(body: &str, place: Place<'_>, links: &Links) -> String {
    render_noting(body, place, links).0
}

/// Renders a Markdown body as [`render`] does, with what was asked of `links` on the way:
/// each repository path looked up and whether it was there. The HTML depends on `links` only
/// through these answers, so it stands for as long as they do.
pub fn render_noting(body: &str, place: Place<'_>, links: &Links) -> (String, Vec<(String, bool)>) {
    let (raw, _) = body_html(body);
    // ammonia's hook must be shareable between threads; this one never is, so the lock is never contended.
    let asked = Mutex::new(Vec::new());
    let id_prefix = format!("{}-", place.anchor);
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::new())
        .url_relative(UrlRelative::Custom(Box::new(Rewrite { place, links, asked: &asked })))
        .add_generic_attributes(["id"])
        .id_prefix(Some(&id_prefix))
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        .link_rel(Some("noopener noreferrer"));
    // ammonia adds the attributes it sets in the order of a hash map seeded afresh for each
    // builder, so a task list's boxes came out in either order: the same record, different
    // bytes from one build to the next. In its output `"` inside text is escaped, so this
    // pair of attributes can only be an input's.
    let html = builder.clean(&raw).to_string().replace(CHECKBOX_EITHER_WAY, CHECKBOX);
    drop(builder);
    (html, asked.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// A task list's box as every page has it ...
const CHECKBOX: &str = r#"disabled="" type="checkbox""#;
/// ... and the other order ammonia may write it in.
const CHECKBOX_EITHER_WAY: &str = r#"type="checkbox" disabled="""#;

/// A body's Markdown as HTML for the sanitiser, its nesting cut to [`nesting::MAX_DEPTH`]
/// (the one place that decides it); with the byte offset in `body` near the first cut, if any.
pub fn body_html(body: &str) -> (String, Option<usize>) {
    let at = Cell::new(0);
    let mut gauge = Gauge::default();
    let mut out = Marked { html: String::with_capacity(body.len() * 3 / 2), marks: Vec::new(), at: &at };
    let events = Parser::new_ext(body, OPTIONS).into_offset_iter().filter_map(|(event, range)| {
        at.set(range.start);
        gauge.keep(&event, range.start).then_some(event)
    });
    // Writing into a String cannot fail.
    let _ = html::write_html_fmt(&mut out, events);
    if !gauge.may_exceed() {
        return (out.html, gauge.first_cut());
    }
    let limited = nesting::limit(&out.html);
    let cut = limited.cut_line.map(|line| out.source_offset(line));
    (limited.html, gauge.first_cut().into_iter().chain(cut).min())
}

/// Where in a body its nesting is cut (a byte offset), or `None` if it is not: the check behind
/// the `nesting-too-deep` warning, from the `gauge` that followed the body's events, rendering
/// the body only when its raw HTML may be too deep.
pub fn nesting_cut(body: &str, gauge: &Gauge) -> Option<usize> {
    match gauge.first_cut() {
        Some(at) => Some(at),
        None if gauge.may_exceed() => body_html(body).1,
        None => None,
    }
}

/// HTML being written, with the body offset each stretch of it came from.
struct Marked<'a> {
    html: String,
    /// (HTML byte offset, body byte offset) where each event's HTML starts.
    marks: Vec<(usize, usize)>,
    at: &'a Cell<usize>,
}

impl Marked<'_> {
    /// The body offset of the event that wrote line `line` (1-based) of the HTML.
    fn source_offset(&self, line: u64) -> usize {
        let skip = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
        let start = if skip == 0 {
            0
        } else {
            self.html.match_indices('\n').nth(skip - 1).map(|(i, _)| i + 1).unwrap_or(self.html.len())
        };
        let i = self.marks.partition_point(|&(h, _)| h <= start);
        self.marks.get(i.saturating_sub(1)).map(|&(_, s)| s).unwrap_or(0)
    }
}

impl std::fmt::Write for Marked<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let at = self.at.get();
        if self.marks.last().is_none_or(|&(_, last)| last != at) {
            self.marks.push((self.html.len(), at));
        }
        self.html.push_str(s);
        Ok(())
    }
}

/// Ammonia's hook for relative URLs.
struct Rewrite<'a> {
    place: Place<'a>,
    links: &'a Links<'a>,
    asked: &'a Mutex<Vec<(String, bool)>>,
}

impl<'a> ammonia::UrlRelativeEvaluate<'a> for Rewrite<'a> {
    fn evaluate<'u>(&self, url: &'u str) -> Option<Cow<'u, str>> {
        let known = |target: &str| {
            let there = self.links.contains(target);
            self.asked.lock().unwrap_or_else(|e| e.into_inner()).push((target.to_string(), there));
            there
        };
        rewrite_url(url, self.place, &known)
    }
}

/// The site link for a URL written in a body, or `None` to drop it.
fn rewrite_url<'u>(url: &'u str, place: Place<'_>, known: &dyn Fn(&str) -> bool) -> Option<Cow<'u, str>> {
    let url = url.trim();
    if let Some(fragment) = url.strip_prefix('#') {
        // A footnote or other in-body anchor: ids get the body's prefix, so must links to them.
        return Some(Cow::Owned(format!("#{}-{}", place.anchor, super::paths::encode(fragment))));
    }
    if url.is_empty() || url.starts_with(['/', '\\']) || url.contains('\\') || url.chars().any(char::is_control) {
        return None;
    }
    let first = url.split(['/', '?', '#']).next().unwrap_or("");
    if first.contains(':') {
        return None;
    }
    let target = crate::check::resolve(place.source, url)?;
    if !known(&target) {
        return None;
    }
    let (page, anchor) = site_target(&target)?;
    let mut link = href(place.page, &page);
    if let Some(anchor) = anchor {
        link.push('#');
        link.push_str(&super::paths::encode(&anchor));
    }
    Some(Cow::Owned(link))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "records/yp-1/notes/2026-01-02-visit.md";
    const PAGE: &str = "people/yp-1/index.html";

    fn links() -> Links<'static> {
        Links::from_paths(
            [
                "records/yp-1/profile.md",
                "records/yp-1/pathway-plan.md",
                "records/yp-1/notes/2026-01-02-visit.md",
                "records/yp-2/notes/2026-01-04-call.md",
                "records/yp-1/files/letter one.pdf",
                "records/yp-1/files/photo.png",
            ]
            .map(String::from),
        )
    }

    #[test]
    fn a_repository_links_to_its_records_and_attachments_and_nothing_else() {
        use crate::model::{Person, Repository, Source};
        let mut repo = Repository::default();
        for path in ["records/yp-1/profile.md", "records/yp-2/notes/2026-01-04-call.md"] {
            repo.sources.insert(path.into(), std::sync::Arc::new(Source::default()));
        }
        let mut yp1 = Person { id: "yp-1".into(), ..Person::default() };
        yp1.attachments.push("records/yp-1/files/letter one.pdf".into());
        repo.people = vec![yp1, Person { id: "yp-2".into(), ..Person::default() }];
        let (view, copy) = (Links::new(&repo), Links::paths_of(&repo));
        for (path, there) in [
            ("records/yp-1/profile.md", true),
            ("records/yp-2/notes/2026-01-04-call.md", true),
            ("records/yp-1/files/letter one.pdf", true),
            // Another person's attachment path, a missing file, a folder, a person who is not there.
            ("records/yp-2/files/letter one.pdf", false),
            ("records/yp-1/pathway-plan.md", false),
            ("records/yp-1", false),
            ("records/yp-3/files/letter one.pdf", false),
            ("records/", false),
            ("", false),
        ] {
            assert_eq!(view.contains(path), there, "{path}");
            assert_eq!(copy.contains(path), there, "{path}");
        }
    }

    fn md(body: &str) -> String {
        render(body, Place { source: SOURCE, page: PAGE, anchor: "note-2026-01-02-visit" }, &links())
    }

    #[test]
    fn extensions_are_rendered() {
        let html =
            md("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] to do\n\n~~old~~ new[^1]\n\n[^1]: A footnote.\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<td>1</td>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains(r#"type="checkbox""#), "{html}");
        assert!(html.contains("checked"), "{html}");
        assert!(html.contains(r##"href="#note-2026-01-02-visit-1""##), "{html}");
        assert!(html.contains(r#"id="note-2026-01-02-visit-1""#), "{html}");
    }

    #[test]
    fn a_task_list_comes_out_the_same_every_time() {
        let first = md("- [x] done\n- [ ] to do\n");
        assert!(first.contains(CHECKBOX) && !first.contains(CHECKBOX_EITHER_WAY), "{first}");
        // Each render seeds ammonia's maps afresh: without the fix, some of these differ.
        for _ in 0..40 {
            assert_eq!(md("- [x] done\n- [ ] to do\n"), first);
        }
    }

    #[test]
    fn record_links_become_site_links() {
        let html = md("[plan](../pathway-plan.md) [me](../profile.md) [sam](../../yp-2/notes/2026-01-04-call.md) [letter](../files/letter%20one.pdf) ![photo](../files/photo.png)");
        assert!(html.contains(r#"href="plan.html""#), "{html}");
        assert!(html.contains(r#"href="index.html""#), "{html}");
        assert!(html.contains(r#"href="../yp-2/index.html#note-2026-01-04-call""#), "{html}");
        assert!(html.contains(r#"href="files/letter%20one.pdf""#), "{html}");
        assert!(html.contains(r#"src="files/photo.png""#), "{html}");
    }

    #[test]
    fn outside_and_missing_links_lose_their_url_but_keep_their_text() {
        let html = md("[web](https://example.org/x) [proto](//evil.example/x) [abs](/etc/passwd) [gone](../nothing.md) [up](../../../../etc/passwd) [mail](mailto:a@example.org)");
        for text in ["web", "proto", "abs", "gone", "up", "mail"] {
            assert!(html.contains(&format!(">{text}</a>")), "{text}: {html}");
        }
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn xss_payloads_come_out_inert() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<img src=\"../files/photo.png\" onerror=\"alert(1)\">",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](java\tscript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<svg onload=alert(1)><circle r=1 /></svg>",
            "<svg><script>alert(1)</script></svg>",
            "</textarea><script>alert(1)</script>",
            "</title><script>alert(1)</script>",
            "<iframe src=\"../profile.md\"></iframe>",
            "<style>body{display:none}</style>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=\"../profile.md\"><button formaction=\"javascript:alert(1)\">go</button></form>",
            "<object data=\"x\"></object><embed src=\"x\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<base href=\"https://evil.example/\">",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<p onclick=alert(1) onmouseover=alert(1)>x</p>",
        ];
        for p in payloads {
            let html = md(p).to_ascii_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "data:",
                " on",
                "<svg",
                "<iframe",
                "<style",
                "style=",
                "<form",
                "<object",
                "<embed",
                "<meta",
                "<base",
                "</textarea",
                "</title",
                "evil.example",
                "formaction",
                "xlink",
            ] {
                assert!(!html.contains(bad), "{p:?} gave {html:?}, which contains {bad:?}");
            }
        }
    }
}
