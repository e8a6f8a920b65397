//! Printing diagnostics: rustc-style for people, JSON (FORMAT.md §9) for programs.

use crate::check::Report;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::load::fields::closest;
use crate::model::Repository;
use crate::term::visible;
use crate::words::count;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// ANSI styles, or nothing when colour is off.
struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            _ => "1;36",
        };
        self.paint(code, s.as_str())
    }
}

/// Renders the report for a terminal or a log, like rustc: header, location,
/// the source line with a caret under the problem, and a hint. Files not yet committed
/// are summarised in one line per young person (see [`human_listing`] to list each).
pub fn human(report: &Report, repo: &Repository, color: bool) -> String {
    human_listing(report, repo, color, false)
}

/// [`human`], with each `uncommitted` file listed in full when `each_uncommitted` is set.
pub fn human_listing(report: &Report, repo: &Repository, color: bool, each_uncommitted: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    let mut uncommitted: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        // Files are counted by person; a finding about git itself (its status unreadable) is shown.
        if d.rule == Rule::Uncommitted && !each_uncommitted && d.file.starts_with("records/") {
            *uncommitted.entry(d.person.as_deref().unwrap_or("records")).or_default() += 1;
        } else {
            render_one(&mut out, d, repo, &style);
        }
    }
    if !uncommitted.is_empty() {
        let severity = report.diagnostics.iter().find(|d| d.rule == Rule::Uncommitted).map(|d| d.severity);
        let _ = writeln!(
            out,
            "{}{}: {}",
            style.severity(severity.unwrap_or(Severity::Info)),
            style.paint("1", &format!("[{}]", Rule::Uncommitted.name())),
            style.paint("1", "record files not yet committed to git (no history, no backup in the repository)")
        );
        for (person, n) in &uncommitted {
            let _ = writeln!(out, "  {}: {} not yet committed", visible(person), count(*n, "file"));
        }
        let _ = writeln!(
            out,
            "  {} {}: commit them with a message saying why (git add, then git commit); \
             `waymark check --rule uncommitted` lists each file\n",
            style.paint("1;34", "="),
            style.paint("1", "help")
        );
    }
    let (errors, warnings, infos) =
        (report.count(Severity::Error), report.count(Severity::Warning), report.count(Severity::Info));
    if errors + warnings + infos == 0 {
        let _ = writeln!(out, "checked {}: no problems found", count(report.files, "file"));
    } else {
        let _ = writeln!(
            out,
            "checked {}: {}, {}, {}",
            count(report.files, "file"),
            style.paint(if errors > 0 { "1;31" } else { "1" }, &count(errors, "error")),
            count(warnings, "warning"),
            count(infos, "info")
        );
    }
    out
}

/// Which diagnostics `waymark check` shows: `--errors`, `--person` and `--rule`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Errors only.
    pub errors_only: bool,
    /// Only this young person's.
    pub person: Option<String>,
    /// Only this rule's.
    pub rule: Option<Rule>,
    /// Only these files (repository-relative paths).
    pub files: Option<Vec<String>>,
}

impl Filter {
    /// A filter from the command line's words, refusing a person or rule that does not exist
    /// with a suggestion of the nearest that does.
    pub fn new(
        repo: &Repository,
        errors_only: bool,
        person: Option<&str>,
        rule: Option<&str>,
    ) -> Result<Filter, String> {
        let person = match person {
            None => None,
            Some(id) if repo.person(id).is_some() => Some(id.to_string()),
            Some(id) => {
                let ids = repo.people.iter().map(|p| p.id.as_str());
                let hint = match closest(id, ids) {
                    Some(s) => format!("did you mean `{s}`? "),
                    None => String::new(),
                };
                return Err(format!(
                    "--person {}: no young person has that id in records/.\n  {hint}Give the id of a folder in records/, such as {}.",
                    visible(id),
                    repo.people.first().map(|p| p.id.as_str()).unwrap_or("yp-0001")
                ));
            }
        };
        let rule = match rule {
            None => None,
            Some(name) => match Rule::from_name(name.trim()) {
                Some(r) => Some(r),
                None => {
                    let hint = match closest(name, Rule::ALL.iter().map(|r| r.name())) {
                        Some(s) => format!("did you mean `{s}`? "),
                        None => String::new(),
                    };
                    let all: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                    return Err(format!(
                        "--rule {}: there is no rule by that name.\n  {hint}The rules are: {}.",
                        visible(name),
                        all.join(", ")
                    ));
                }
            },
        };
        Ok(Filter { errors_only, person, rule, files: None })
    }

    /// Whether a diagnostic is shown.
    pub fn keeps(&self, d: &Diagnostic) -> bool {
        (!self.errors_only || d.severity == Severity::Error)
            && self.person.as_ref().is_none_or(|p| d.person.as_ref() == Some(p))
            && self.rule.is_none_or(|r| d.rule == r)
            && self.files.as_ref().is_none_or(|files| files.contains(&d.file))
    }

    /// What the filter leaves out, for the end of the report; `None` when it shows everything.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.errors_only {
            parts.push("errors only".to_string());
        }
        if let Some(p) = &self.person {
            parts.push(format!("{} only", visible(p)));
        }
        if let Some(r) = self.rule {
            parts.push(format!("rule {} only", r.name()));
        }
        if let Some(files) = &self.files {
            parts.push(format!("the {} only", crate::words::count(files.len(), "staged file")));
        }
        (!parts.is_empty()).then(|| format!("(showing {})", parts.join(", ")))
    }

    /// Drops the diagnostics not shown.
    pub fn apply(&self, report: &mut Report) {
        report.diagnostics.retain(|d| self.keeps(d));
    }
}

fn render_one(out: &mut String, d: &Diagnostic, repo: &Repository, style: &Style) {
    let _ = writeln!(
        out,
        "{}{}: {}",
        style.severity(d.severity),
        style.paint("1", &format!("[{}]", d.rule.name())),
        style.paint("1", &visible(&d.message))
    );
    let line_text = source_line(repo, &d.file, d.pos.line);
    let width = d.pos.line.to_string().len();
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad}{} {}:{}:{}", style.paint("1;34", "-->"), visible(&d.file), d.pos.line, d.pos.col);
    if let Some(text) = line_text {
        let bar = style.paint("1;34", "|");
        let (text, col) = excerpt(&visible(&text.replace('\t', " ")), (d.pos.col as usize).saturating_sub(1));
        let underline = "^".repeat(token_len(&text, col));
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {text}", style.paint("1;34", &d.pos.line.to_string()));
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(col),
            style.paint(if d.severity == Severity::Error { "1;31" } else { "1;33" }, &underline)
        );
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{pad} {} {}: {}", style.paint("1;34", "="), style.paint("1", "help"), visible(help));
    }
    out.push('\n');
}

/// Longest source line quoted whole; longer ones are cut to a window around the column.
const MAX_QUOTE: usize = 100;

/// The part of a line worth quoting, and the caret's column within it.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_QUOTE {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(MAX_QUOTE / 3).min(chars.len());
    let end = (start + MAX_QUOTE).min(chars.len());
    let mut text: String = if start > 0 { "…".to_string() } else { String::new() };
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push('…');
    }
    (text, col - start + usize::from(start > 0))
}

/// How many characters to underline: the word or quoted value starting at `col`.
fn token_len(line: &str, col: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(col).collect();
    let Some(first) = rest.first() else { return 1 };
    let len = if *first == '"' || *first == '\'' {
        rest.iter().skip(1).position(|c| c == first).map(|i| i + 2).unwrap_or(rest.len())
    } else {
        let end =
            rest.iter().position(|c| c.is_whitespace() || matches!(c, ',' | '}' | ']' | ')')).unwrap_or(rest.len());
        // A key is underlined without its colon.
        if end > 1 && rest[end - 1] == ':' {
            end - 1
        } else {
            end
        }
    };
    len.clamp(1, 60)
}

/// One line of a file the repository read, for quoting.
fn source_line<'a>(repo: &'a Repository, file: &str, line: u32) -> Option<&'a str> {
    let source = repo.sources.get(file)?;
    source.text().lines().nth(line.checked_sub(1)? as usize)
}

/// Renders the report as the JSON object of FORMAT.md §9.
pub fn json(report: &Report) -> String {
    let diagnostics: Vec<serde_json::Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let message = match &d.help {
                Some(help) => format!("{}; {help}", d.message),
                None => d.message.clone(),
            };
            serde_json::json!({
                "rule": d.rule.name(),
                "severity": d.severity,
                "file": d.file,
                "line": d.pos.line,
                "column": d.pos.col,
                "person": d.person,
                "message": message,
            })
        })
        .collect();
    let value = serde_json::json!({
        "diagnostics": diagnostics,
        "summary": {
            "files": report.files,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
        }
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_covers_the_value() {
        assert_eq!(token_len("nhs_number: \"999 765 4320\"", 12), 14);
        assert_eq!(token_len("legal_status: relevent", 14), 8);
        assert_eq!(token_len("x", 5), 1);
        assert_eq!(token_len("mood: ok", 0), 4);
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (text, col) = excerpt(&line, 500);
        assert!(text.chars().count() <= MAX_QUOTE + 2);
        assert_eq!(text.chars().nth(col), Some('X'));
        assert_eq!(excerpt("short", 2), ("short".to_string(), 2));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(visible("a\x1b[31mb\tc"), "a^[[31mb\tc");
    }
}
