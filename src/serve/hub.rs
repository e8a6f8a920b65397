//! Live reload: the server-sent events each open page listens to, and the script that listens.
//!
//! Every announcement bumps a generation number and says which site paths changed. A page
//! is served with the generation it was served at, and asks for events "since" then, so a
//! change made between serving the page and the page connecting is not lost.
//!
//! None of this is in a built site: the script tag is added to HTML as it is served.

use crate::diag::Diagnostic;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// Where the live-reload script is served.
pub const SCRIPT: &str = "_waymark/live.js";
/// Where the event stream is served.
pub const EVENTS: &str = "_waymark/events";
/// The live-reload script.
pub const LIVE_JS: &str = include_str!("live.js");

/// One problem shown in the browser's overlay while a record cannot be read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Path of the file, relative to the repository root.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub help: Option<String>,
}

impl Problem {
    /// The overlay's view of a diagnostic.
    pub fn of(d: &Diagnostic) -> Problem {
        Problem {
            file: d.file.clone(),
            line: d.pos.line,
            column: d.pos.col,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// How many messages an event stream may fall behind before it is ended (the page then
/// reconnects and catches up through its generation).
const BACKLOG: usize = 256;

/// The open event streams and what has been announced to them.
///
/// The rebuild worker (a plain thread) announces; each stream (a task on the server's
/// runtime) holds a receiver of the same broadcast channel, so nothing waits on a slow page.
#[derive(Debug)]
pub struct Hub {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    generation: u64,
    /// The generation at which each path last changed.
    changed_at: HashMap<String, u64>,
    problems: Vec<Problem>,
    streams: broadcast::Sender<Arc<str>>,
}

impl Default for Hub {
    fn default() -> Hub {
        let (streams, _) = broadcast::channel(BACKLOG);
        Hub { inner: Mutex::new(Inner { generation: 0, changed_at: HashMap::new(), problems: Vec::new(), streams }) }
    }
}

impl Hub {
    /// The current generation, to stamp on a page as it is served.
    pub fn generation(&self) -> u64 {
        self.lock(|i| i.generation)
    }

    /// Tells every open page that these site paths changed.
    pub fn announce(&self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        self.lock(|i| {
            i.generation += 1;
            for p in paths {
                i.changed_at.insert(p.clone(), i.generation);
            }
            let message = event("reload", &json!({ "generation": i.generation, "paths": paths }));
            broadcast(i, message);
        });
    }

    /// Sets the problems the overlay shows (none clears it), telling every open page if they changed.
    pub fn set_problems(&self, problems: Vec<Problem>) {
        self.lock(|i| {
            if i.problems != problems {
                i.problems = problems;
                let message = event("problems", &json!({ "problems": i.problems }));
                broadcast(i, message);
            }
        });
    }

    /// The problems shown now.
    pub fn problems(&self) -> Vec<Problem> {
        self.lock(|i| i.problems.clone())
    }

    /// Opens a stream for a page served at generation `since`: the messages to send first
    /// (a reload if the page changed since then, and any problems), and the channel of later ones.
    pub fn subscribe(&self, page: Option<&str>, since: Option<u64>) -> (Vec<Arc<str>>, broadcast::Receiver<Arc<str>>) {
        self.lock(|i| {
            // Subscribed under the lock, so no announcement falls between `first` and the channel.
            let rx = i.streams.subscribe();
            // How soon the browser reconnects if the stream drops.
            let mut first: Vec<Arc<str>> = vec![Arc::from("retry: 1000\n\n")];
            if let (Some(page), Some(since)) = (page, since) {
                if i.changed_at.get(page).is_some_and(|g| *g > since) {
                    first.push(event("reload", &json!({ "generation": i.generation, "paths": [page] })));
                }
            }
            if !i.problems.is_empty() {
                first.push(event("problems", &json!({ "problems": i.problems })));
            }
            (first, rx)
        })
    }

    /// How many streams are open (a closed one is let go at its next message or keep-alive).
    pub fn subscribers(&self) -> usize {
        self.lock(|i| i.streams.receiver_count())
    }

    fn lock<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // Every change under the lock is a single push or insert, so a poisoned lock still holds a whole state.
        match self.inner.lock() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// Sends to every open stream (with none open, there is nobody to tell).
fn broadcast(inner: &mut Inner, message: Arc<str>) {
    let _ = inner.streams.send(message);
}

/// One server-sent event: a name and a line of JSON.
fn event(name: &str, data: &serde_json::Value) -> Arc<str> {
    Arc::from(format!("event: {name}\ndata: {data}\n\n"))
}

/// Adds the live-reload script to an HTML page, just before `</body>` (or at the end), with
/// the generation the page is served at and the problems shown now (so the overlay is there
/// from the start, not only once the event stream connects).
pub fn inject(html: &[u8], generation: u64, problems: &[Problem]) -> Vec<u8> {
    let problems = serde_json::to_string(problems).unwrap_or_else(|_| "[]".into());
    let tag = format!(
        "<script src=\"/{SCRIPT}\" data-waymark-live data-gen=\"{generation}\" data-problems=\"{}\" defer></script>\n",
        attribute(&problems)
    );
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Text made safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_subscribers_catch_up_and_closed_ones_are_dropped() {
        let hub = Hub::default();
        let served_at = hub.generation();
        hub.announce(&["people/a/index.html".to_string()]);
        let (first, rx) = hub.subscribe(Some("people/a/index.html"), Some(served_at));
        assert!(first.iter().any(|m| m.starts_with("event: reload")), "{first:?}");
        let (first, _kept) = hub.subscribe(Some("people/b/index.html"), Some(served_at));
        assert!(!first.iter().any(|m| m.starts_with("event: reload")));
        drop(rx);
        assert_eq!(hub.subscribers(), 1);
        hub.set_problems(vec![Problem { file: "f".into(), line: 2, column: 1, message: "m".into(), help: None }]);
        let (first, _) = hub.subscribe(None, None);
        assert!(first.iter().any(|m| m.starts_with("event: problems")));
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let page = inject(b"<html><body><p>x</p></body></html>", 3, &[]);
        let text = String::from_utf8(page).expect("utf-8");
        let tag = "<script src=\"/_waymark/live.js\" data-waymark-live data-gen=\"3\" data-problems=\"[]\" defer>";
        assert!(text.contains(&format!("<p>x</p>{tag}</script>\n</body>")), "{text}");
        assert!(String::from_utf8(inject(b"<p>no body end", 1, &[])).expect("utf-8").ends_with("</script>\n"));
        let evil =
            Problem { file: "a\"><script>x</script>".into(), line: 1, column: 1, message: "'&".into(), help: None };
        let text = String::from_utf8(inject(b"</body>", 1, &[evil])).expect("utf-8");
        assert!(
            !text.contains("<script>x") && text.contains("&quot;&gt;&lt;script&gt;") && text.contains("&#39;&amp;")
        );
    }
}
