//! Cutting a body's HTML to a sensible depth before it is sanitised.
//!
//! The sanitiser's HTML parser (html5ever, under ammonia) searches its stack of open elements
//! for every tag, so its time grows with the square of the nesting: 500 KB of `<div>`s or of
//! `>` quote markers took minutes. A care record never needs more than a few levels, so:
//!
//! - Markdown containers (quotes, lists, emphasis...) deeper than [`MARKDOWN_DEPTH`] are dropped
//!   from the parser's events by [`Gauge::keep`], their text kept;
//! - when raw HTML could still take the page past [`MAX_DEPTH`], the HTML goes through
//!   html5ever's own tokenizer (linear) in [`limit`], which keeps at most [`MAX_DEPTH`] open
//!   elements and closes every element it keeps, so what reaches the parser is balanced and
//!   shallow.
//!
//! The result is still sanitised afterwards; these passes only bound the work.

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::LocalName;
use pulldown_cmark::Event;
use std::cell::{Cell, RefCell};

/// The most elements a body's HTML may have open at once; deeper start tags are dropped.
pub const MAX_DEPTH: usize = 64;

/// A body's HTML with its nesting cut.
#[derive(Debug)]
pub struct Limited {
    /// Balanced HTML, never more than [`MAX_DEPTH`] elements deep.
    pub html: String,
    /// The line of the input HTML (1-based) where the first start tag was dropped, if any was.
    pub cut_line: Option<u64>,
}

/// The most Markdown containers kept inside one another. Each writes at most two nested elements
/// (a table's `<table><thead>`, a code block's `<pre><code>`), so this many stay within [`MAX_DEPTH`].
pub const MARKDOWN_DEPTH: usize = MAX_DEPTH / 2 - 1;

/// Follows a body's Markdown events: drops containers deeper than [`MARKDOWN_DEPTH`], notes where
/// the first was dropped, and bounds how deep the raw HTML could take the page, so the few bodies
/// that could pass [`MAX_DEPTH`] are the only ones that pay for [`limit`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Gauge {
    depth: usize,
    deepest: usize,
    raw_tags: usize,
    first_cut: Option<usize>,
}

impl Gauge {
    /// Whether to keep this event (at byte `offset` of the body); false for the start and end of a
    /// container nested deeper than [`MARKDOWN_DEPTH`].
    pub fn keep(&mut self, event: &Event<'_>, offset: usize) -> bool {
        match event {
            Event::Start(_) => {
                self.depth += 1;
                self.deepest = self.deepest.max(self.depth.min(MARKDOWN_DEPTH));
                if self.depth > MARKDOWN_DEPTH {
                    self.first_cut.get_or_insert(offset);
                    return false;
                }
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                return self.depth < MARKDOWN_DEPTH;
            }
            Event::Html(text) | Event::InlineHtml(text) => self.raw_tags += text.matches('<').count(),
            _ => {}
        }
        true
    }

    /// Where the first Markdown container was dropped (a byte offset in the body).
    pub fn first_cut(&self) -> Option<usize> {
        self.first_cut
    }

    /// Whether the HTML of the kept events could be deeper than [`MAX_DEPTH`]: each raw tag adds
    /// at most two levels (the parser may add an implied `<tbody>` or reopen a formatting element).
    pub fn may_exceed(&self) -> bool {
        2 * self.deepest + 2 * self.raw_tags + 2 > MAX_DEPTH
    }
}

/// Cuts `html` to at most [`MAX_DEPTH`] open elements, closing every element it keeps.
pub fn limit(html: &str) -> Limited {
    let sink = Balancer {
        out: RefCell::new(String::with_capacity(html.len() + 64)),
        open: RefCell::new(Vec::new()),
        cut_line: Cell::new(None),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    // The sink never asks the tokenizer to stop for a script, so one feed reads everything.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let sink = tokenizer.sink;
    let mut out = sink.out.into_inner();
    for name in sink.open.into_inner().iter().rev() {
        end_tag(&mut out, name);
    }
    Limited { html: out, cut_line: sink.cut_line.get() }
}

/// The token sink that rewrites the HTML, keeping its own stack of open elements.
struct Balancer {
    out: RefCell<String>,
    open: RefCell<Vec<LocalName>>,
    cut_line: Cell<Option<u64>>,
}

impl TokenSink for Balancer {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag => return self.start(&tag, line),
            Token::TagToken(tag) => self.end(&tag.name),
            Token::CharacterTokens(text) => escape_text(&mut self.out.borrow_mut(), &text),
            // Comments, doctypes, NULs and parse errors: nothing the sanitiser keeps.
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

impl Balancer {
    fn start(&self, tag: &Tag, line: u64) -> TokenSinkResult<()> {
        let name = &*tag.name;
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            // No HTML element has such a name; the sanitiser would drop it.
            return TokenSinkResult::Continue;
        }
        let mut out = self.out.borrow_mut();
        if VOID.contains(&name) {
            start_tag(&mut out, tag);
            return TokenSinkResult::Continue;
        }
        let mut open = self.open.borrow_mut();
        self.close_implied(&mut out, &mut open, name);
        if open.len() >= MAX_DEPTH {
            if self.cut_line.get().is_none() {
                self.cut_line.set(Some(line));
            }
            return TokenSinkResult::Continue;
        }
        start_tag(&mut out, tag);
        open.push(tag.name.clone());
        // Switch the tokenizer as the parser would, so the contents of these read as text.
        match name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }

    /// Closes a sibling the parser would close by itself (`<li>` after `<li>`, `<td>` after
    /// `<td>`), so lists and tables written without end tags keep their shape.
    fn close_implied(&self, out: &mut String, open: &mut Vec<LocalName>, name: &str) {
        let (through, siblings): (&[&str], &[&str]) = match name {
            "li" => (&["p"], &["li"]),
            "dt" | "dd" => (&["p"], &["dt", "dd"]),
            "p" => (&[], &["p"]),
            "option" => (&[], &["option"]),
            "td" | "th" => (&[], &["td", "th"]),
            "tr" => (&["td", "th"], &["tr"]),
            "thead" | "tbody" | "tfoot" => (&["td", "th", "tr"], &["thead", "tbody", "tfoot"]),
            _ => return,
        };
        let below = open.iter().rev().position(|n| !through.contains(&&**n));
        if let Some(from_top) = below {
            let at = open.len() - 1 - from_top;
            if siblings.contains(&&*open[at]) {
                for n in open.drain(at..).rev() {
                    end_tag(out, &n);
                }
            }
        }
    }

    fn end(&self, name: &LocalName) {
        let mut open = self.open.borrow_mut();
        // An end tag closes its element and everything opened inside it; one with nothing
        // to close is dropped.
        if let Some(at) = open.iter().rposition(|n| n == name) {
            let mut out = self.out.borrow_mut();
            for n in open.drain(at..).rev() {
                end_tag(&mut out, &n);
            }
        }
    }
}

/// Elements that have no content and no end tag.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
];

fn start_tag(out: &mut String, tag: &Tag) {
    out.push('<');
    out.push_str(&tag.name);
    for attr in &tag.attrs {
        let name = &*attr.name.local;
        // Only plain attribute names; the sanitiser keeps a few of those and no other.
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':')) {
            continue;
        }
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        for c in attr.value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push('>');
}

fn end_tag(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_html_keeps_its_shape() {
        let html = "<p>a <em>b</em> &amp; <a href=\"x.html\" title='q\"'>c</a><br></p>\n<ul><li>one<li>two</ul>";
        let l = limit(html);
        assert_eq!(l.cut_line, None);
        assert_eq!(
            l.html,
            "<p>a <em>b</em> &amp; <a href=\"x.html\" title=\"q&quot;\">c</a><br></p>\n<ul><li>one</li><li>two</li></ul>"
        );
        assert_eq!(
            limit("<table><tr><td>a<td>b<tr><td>c</table>").html,
            "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        );
    }

    #[test]
    fn deep_nesting_is_cut_and_balanced() {
        let html = format!("x\n{}text{}", "<div>".repeat(10_000), "</span>".repeat(5));
        let l = limit(&html);
        assert_eq!(l.cut_line, Some(2));
        assert_eq!(l.html.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(l.html.matches("</div>").count(), MAX_DEPTH);
        assert!(l.html.contains("text"));
        // A `<div/>` opens a div in HTML, so it counts.
        assert_eq!(limit(&"<div/>".repeat(1000)).html.matches("<div>").count(), MAX_DEPTH);
    }

    #[test]
    fn script_contents_stay_text() {
        let l = limit("<script>if (a<b) { x('</p>') }</script><p>after</p>");
        assert_eq!(l.html, "<script>if (a&lt;b) { x('&lt;/p&gt;') }</script><p>after</p>");
    }
}
