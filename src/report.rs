//! Printing diagnostics: rustc-style for people, JSON (FORMAT.md §9) for programs.

use crate::check::Report;
use crate::diag::{Diagnostic, Severity};
use crate::model::Repository;
use crate::term::visible;
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
/// the source line with a caret under the problem, and a hint.
pub fn human(report: &Report, repo: &Repository, color: bool) -> String {
    let style = Style { on: color };
    let mut out = String::new();
    for d in &report.diagnostics {
        render_one(&mut out, d, repo, &style);
    }
    let (errors, warnings, infos) =
        (report.count(Severity::Error), report.count(Severity::Warning), report.count(Severity::Info));
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 || word == "info" { "" } else { "s" });
    if errors + warnings + infos == 0 {
        let _ = writeln!(out, "checked {}: no problems found", plural(report.files, "file"));
    } else {
        let _ = writeln!(
            out,
            "checked {}: {}, {}, {}",
            plural(report.files, "file"),
            style.paint(if errors > 0 { "1;31" } else { "1" }, &plural(errors, "error")),
            plural(warnings, "warning"),
            plural(infos, "info")
        );
    }
    out
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
    source.text.lines().nth(line.checked_sub(1)? as usize)
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
