//! The rules on Markdown bodies, read in one pass each: `broken-link` and `missing-attachment`
//! (relative links must name files that exist) and `nesting-too-deep` (the site cuts quotes,
//! lists or HTML nested deeper than it shows).

use super::Checker;
use crate::diag::Rule;
use crate::load::yaml::Pos;
use crate::model::{BodyScan, Source};
use crate::render::nesting::{Gauge, MAX_DEPTH};
use pulldown_cmark::{Event, Parser, Tag};

pub(super) fn check(c: &mut Checker<'_>) {
    for source in c.person.sources() {
        let scanned;
        let BodyScan { links, cut } = match &source.scan {
            Some(s) => s,
            None => {
                scanned = scan(source.body());
                &scanned
            }
        };
        if let Some(offset) = *cut {
            let message = format!(
                "this text is nested more than {MAX_DEPTH} levels deep (quotes, lists or HTML inside one another); the site shows only the first {MAX_DEPTH} levels"
            );
            c.report(
                Rule::NestingTooDeep,
                source,
                body_pos(source, offset),
                message,
                "remove the extra `>` markers, list indents or HTML tags; a note rarely needs more than three levels",
            );
        }
        for (dest, offset) in links {
            let (dest, offset) = (dest.as_str(), *offset);
            let Some(target) = resolve(&source.path, dest) else {
                let message = format!("the link `{dest}` points outside the repository");
                c.report(
                    Rule::BrokenLink,
                    source,
                    body_pos(source, offset),
                    message,
                    "link only to records and files inside this repository",
                );
                continue;
            };
            if exists(c, &target) {
                continue;
            }
            let pos = body_pos(source, offset);
            let attachment = target.split('/').nth(2) == Some("files");
            if attachment {
                let message = format!("the link `{dest}` names an attachment that does not exist ({target})");
                c.report(
                    Rule::MissingAttachment,
                    source,
                    pos,
                    message,
                    "add the file under files/, or correct the link's spelling",
                );
            } else {
                let message = format!("the link `{dest}` points to {target}, which does not exist");
                c.report(
                    Rule::BrokenLink,
                    source,
                    pos,
                    message,
                    "check the path: links are relative to the file they are written in",
                );
            }
        }
    }
}

/// Whether a repository path is a record or an attachment.
fn exists(c: &Checker<'_>, target: &str) -> bool {
    if c.repo.sources.contains_key(target) {
        return true;
    }
    let owner = crate::diag::person_of(target);
    let attachment = c
        .repo
        .people
        .iter()
        .filter(|p| Some(&p.id) == owner.as_ref())
        .any(|p| p.attachments.iter().any(|a| a == target));
    // A record that exists but could not be read is not missing: its own diagnostic says what is wrong.
    attachment || (!c.repo.root.as_os_str().is_empty() && c.repo.root.join(target).is_file())
}

/// One pass over a body: its relative link and image destinations (with byte offsets), and
/// where it first nests deeper than the site shows.
pub(crate) fn scan(body: &str) -> BodyScan {
    let mut gauge = Gauge::default();
    let links = Parser::new_ext(body, crate::render::markdown::OPTIONS)
        .into_offset_iter()
        .filter_map(|(event, range)| {
            gauge.keep(&event, range.start);
            match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    Some((dest_url.to_string(), range.start))
                }
                _ => None,
            }
        })
        .filter(|(dest, _)| is_relative(dest))
        .collect();
    BodyScan { cut: crate::render::markdown::nesting_cut(body, &gauge), links }
}

/// A link that names a file in this repository (no scheme, not a fragment, not absolute).
fn is_relative(dest: &str) -> bool {
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('/') || dest.starts_with('\\') {
        return false;
    }
    let before_slash = dest.split('/').next().unwrap_or("");
    !before_slash.contains(':')
}

/// Resolves `dest` against the folder of `from`; `None` if it climbs out of the root.
pub fn resolve(from: &str, dest: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let path = percent_decode(path);
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file position of a byte offset in the body.
fn body_pos(source: &Source, offset: usize) -> Pos {
    let before = source.body().get(..offset).unwrap_or("");
    let line = source.body_line + before.matches('\n').count() as u32;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Pos::new(line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{fired, profile};

    #[test]
    fn resolving() {
        assert_eq!(resolve("records/a/notes/x.md", "../pathway-plan.md").as_deref(), Some("records/a/pathway-plan.md"));
        assert_eq!(resolve("records/a/notes/x.md", "../../b/notes/y.md#top").as_deref(), Some("records/b/notes/y.md"));
        assert_eq!(
            resolve("records/a/notes/x.md", "../files/my%20letter.pdf").as_deref(),
            Some("records/a/files/my letter.pdf")
        );
        assert_eq!(resolve("records/a/profile.md", "../../../../etc/passwd"), None);
        assert!(!is_relative("https://example.org/x"));
        assert!(!is_relative("mailto:someone@example.org"));
        assert!(!is_relative("#section"));
        assert!(is_relative("../profile.md"));
    }

    #[test]
    fn broken_links_and_missing_attachments_are_found_at_their_place() {
        let p = profile("looked-after", "2010-01-01", "");
        let note = "---\ndate: 2026-11-02\nauthor: sam-okafor\n---\nSee the [plan](../pathway-plan.md) and\nthe [letter](../files/letter.pdf), [ok](../files/ok.txt), [me](../profile.md) and [web](https://example.org).\n";
        let d = fired(&[("profile.md", &p), ("notes/2026-11-02-visit.md", note), ("files/ok.txt", "")], "2026-11-24");
        let broken: Vec<_> = d.iter().filter(|d| d.rule == Rule::BrokenLink).collect();
        assert_eq!(broken.len(), 1, "{d:?}");
        assert_eq!((broken[0].pos.line, broken[0].pos.col), (5, 9));
        let missing: Vec<_> = d.iter().filter(|d| d.rule == Rule::MissingAttachment).collect();
        assert_eq!(missing.len(), 1);
        assert_eq!((missing[0].pos.line, missing[0].pos.col), (6, 5));
    }
}
