//! The local web server: one request per connection, each connection on a thread of its own.
//!
//! Nothing here reads the disk except an attachment the site lists, and only when that file
//! is still a regular file inside the repository (no link swapped in since it was listed).
//!
//! Why not tiny_http: its connection pool can leave a new connection queued behind
//! connections kept alive (two connections arriving together while one pool thread is idle:
//! the second waits until some connection closes). Chromium keeps its connections open, so
//! about two page loads in five stalled on a script that was never answered. Here every
//! response closes its connection (`Connection: close`), so nothing waits on anything else,
//! and the request parser only has to read one request line.

use super::hub::{self, Hub};
use super::store::{Served, Store};
use super::url;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The Content-Security-Policy every page carries in its `<meta>` tag, also sent as a header.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// At most this many event streams at once (each holds a thread); more get 503.
const MAX_STREAMS: usize = 64;

/// At most this many connections at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 256;

/// The most a request's line and headers may take.
const MAX_HEAD: usize = 16 * 1024;

/// How long a client may take to send its request (a stalled one must not hold a thread).
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How often an idle event stream is written to, so a closed connection is noticed and its thread ends.
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// [`KEEP_ALIVE`], or `WAYMARK_SERVE_KEEPALIVE_MS` (tests use a short one).
pub fn keep_alive() -> Duration {
    std::env::var("WAYMARK_SERVE_KEEPALIVE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(KEEP_ALIVE)
}

/// What the request threads share.
#[derive(Debug)]
pub struct Context {
    /// The site.
    pub store: Arc<Store>,
    /// The event streams.
    pub hub: Arc<Hub>,
    /// The repository root (canonical), inside which attachments must stay.
    pub root: std::path::PathBuf,
    /// Event streams open now.
    pub streams: AtomicUsize,
    /// Connections open now.
    pub connections: AtomicUsize,
    /// How often idle event streams are written to.
    pub keep_alive: Duration,
}

/// Accepts connections for ever, each on a thread of its own.
pub fn run(listener: TcpListener, ctx: Arc<Context>) {
    for stream in listener.incoming() {
        // A failed accept (the client gave up, too many open files) concerns that client only.
        let Ok(stream) = stream else { continue };
        if ctx.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            ctx.connections.fetch_sub(1, Ordering::SeqCst);
            continue;
        }
        let spawned = std::thread::Builder::new().name("waymark-request".into()).spawn({
            let ctx = ctx.clone();
            move || {
                connection(&ctx, stream);
                ctx.connections.fetch_sub(1, Ordering::SeqCst);
            }
        });
        if spawned.is_err() {
            ctx.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The media type for a site path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A request: its method and target, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`...
    pub method: String,
    /// The request target (`/people/yp-1/index.html?x=1`).
    pub target: String,
}

/// Reads a request's line and headers (the headers are not needed); `None` if the client sent
/// nothing usable in time.
fn read_request(stream: &mut TcpStream) -> Option<Result<Request, &'static str>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Some(Err("the request's headers are too long"));
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    }
    Some(parse_request_line(&head))
}

/// Reads `METHOD SP target SP HTTP/1.x` from the start of a request.
pub fn parse_request_line(head: &[u8]) -> Result<Request, &'static str> {
    let end = head.windows(2).position(|w| w == b"\r\n").unwrap_or(head.len());
    let line = std::str::from_utf8(&head[..end]).map_err(|_| "the request line is not text")?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some("HTTP/1.1" | "HTTP/1.0"), None)
            if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) && !target.is_empty() =>
        {
            Ok(Request { method: method.to_string(), target: target.to_string() })
        }
        _ => Err("the request line is not `METHOD /path HTTP/1.1`"),
    }
}

/// One answer, written whole.
struct Answer<'a> {
    status: u16,
    content_type: &'a str,
    headers: Vec<(&'a str, String)>,
    body: Body,
}

enum Body {
    Bytes(Vec<u8>),
    File(std::fs::File, u64),
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// Writes an answer and its headers: nothing cached, nothing sniffed, never framed or indexed.
fn send(stream: &mut TcpStream, head_only: bool, answer: Answer<'_>) {
    let length = match &answer.body {
        Body::Bytes(b) => b.len() as u64,
        Body::File(_, n) => *n,
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {length}\r\nConnection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\nX-Robots-Tag: noindex, nofollow\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type
    );
    if answer.content_type.starts_with("text/html") || answer.content_type.starts_with("image/svg") {
        head.push_str(&format!("Content-Security-Policy: {CSP}\r\n"));
    }
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The browser may have gone; there is nobody left to tell.
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = match answer.body {
            Body::Bytes(b) => stream.write_all(&b),
            Body::File(mut f, _) => std::io::copy(&mut f, stream).map(|_| ()),
        };
    }
    let _ = stream.flush();
}

fn text(stream: &mut TcpStream, head_only: bool, status: u16, body: &str) {
    let body = Body::Bytes(body.as_bytes().to_vec());
    send(stream, head_only, Answer { status, content_type: "text/plain; charset=utf-8", headers: Vec::new(), body });
}

/// Reads one request from a connection and answers it.
fn connection(ctx: &Context, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_nodelay(true);
    match read_request(&mut stream) {
        None => {}
        Some(Err(why)) => text(&mut stream, false, 400, &format!("bad request: {why}\n")),
        Some(Ok(request)) => handle(ctx, &request, stream),
    }
}

/// Answers one request.
pub fn handle(ctx: &Context, request: &Request, mut stream: TcpStream) {
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        let body = Body::Bytes(b"only GET and HEAD are served here\n".to_vec());
        let headers = vec![("Allow", "GET, HEAD".to_string())];
        let answer = Answer { status: 405, content_type: "text/plain; charset=utf-8", headers, body };
        return send(&mut stream, false, answer);
    }
    let target = request.target.as_str();
    let path = match url::site_path(target) {
        Ok(p) => p,
        Err(url::BadPath(why)) => return text(&mut stream, head_only, 400, &format!("bad request: {why}\n")),
    };
    let ok = |content_type, body| Answer { status: 200, content_type, headers: Vec::new(), body };
    match path.as_str() {
        hub::SCRIPT => {
            let answer = ok(content_type(hub::SCRIPT), Body::Bytes(hub::LIVE_JS.as_bytes().to_vec()));
            return send(&mut stream, head_only, answer);
        }
        hub::EVENTS => return events(ctx, target, stream),
        _ => {}
    }
    // Read the generation before the page, so a change in between is caught up, never missed.
    let generation = ctx.hub.generation();
    match ctx.store.get(&path) {
        Some(Served::Bytes(bytes)) => {
            let kind = content_type(&path);
            let body = match kind.starts_with("text/html") {
                true => hub::inject(&bytes, generation, &ctx.hub.problems()),
                false => bytes.to_vec(),
            };
            send(&mut stream, head_only, ok(kind, Body::Bytes(body)));
        }
        Some(Served::File(from)) => match open_inside(&ctx.root, &from) {
            Some((file, length)) => send(&mut stream, head_only, ok(content_type(&path), Body::File(file, length))),
            None => text(&mut stream, head_only, 404, "not found\n"),
        },
        None => {
            let index = format!("{path}/index.html");
            if !path.ends_with("index.html") && ctx.store.contains(&index) {
                let location: Vec<String> = path.split('/').map(crate::render::paths::encode).collect();
                let headers = vec![("Location", format!("/{}/", location.join("/")))];
                let body = Body::Bytes(Vec::new());
                let answer = Answer { status: 301, content_type: "text/plain; charset=utf-8", headers, body };
                return send(&mut stream, head_only, answer);
            }
            text(&mut stream, head_only, 404, "not found\n")
        }
    }
}

/// Opens an attachment only if it is still a regular file at its own path inside the root
/// (canonicalising resolves any link, so a link swapped in since the build no longer matches).
fn open_inside(root: &Path, from: &Path) -> Option<(std::fs::File, u64)> {
    let real = std::fs::canonicalize(from).ok()?;
    if real != from || !real.starts_with(root.join("records")) {
        return None;
    }
    let file = std::fs::File::open(&real).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta.len()))
}

/// Holds an event stream open, writing each message as it comes and a keep-alive when idle;
/// ends when the browser goes (a write fails) or the hub forgets the stream.
fn events(ctx: &Context, target: &str, mut out: TcpStream) {
    if ctx.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        ctx.streams.fetch_sub(1, Ordering::SeqCst);
        return text(&mut out, false, 503, "too many open pages\n");
    }
    let page = url::query_value(target, "page");
    let since = url::query_value(target, "since").and_then(|s| s.parse().ok());
    let (first, rx) = ctx.hub.subscribe(page.as_deref(), since);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n";
    let mut ok = out.write_all(head.as_bytes()).is_ok();
    for m in &first {
        ok = ok && out.write_all(m.as_bytes()).is_ok();
    }
    ok = ok && out.flush().is_ok();
    while ok {
        let message = match rx.recv_timeout(ctx.keep_alive) {
            Ok(m) if m.is_empty() => continue,
            Ok(m) => m,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Arc::from(": keep-alive\n\n"),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        ok = out.write_all(message.as_bytes()).is_ok() && out.flush().is_ok();
    }
    ctx.streams.fetch_sub(1, Ordering::SeqCst);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        let r = parse_request_line(b"GET /people/a/?x=1 HTTP/1.1\r\nHost: h\r\n\r\n").expect("parses");
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/people/a/?x=1"));
        for bad in [
            &b"GET /a\r\n\r\n"[..],
            b"GET /a HTTP/2.0\r\n",
            b"GET  /a HTTP/1.1\r\n",
            b"get /a HTTP/1.1\r\n",
            b"\xff /a HTTP/1.1\r\n",
        ] {
            assert!(parse_request_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search/t/0.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("board/care-leavers.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("people/a/files/scan.PDF"), "application/pdf");
        assert_eq!(content_type("people/a/files/photo.jpeg"), "image/jpeg");
        assert_eq!(content_type("people/a/files/letter.svg.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("people/a/files/data"), "application/octet-stream");
    }
}
