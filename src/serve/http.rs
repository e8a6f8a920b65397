//! The local web server: answers each request from the in-memory site, on its own thread.
//!
//! Nothing here reads the disk except an attachment the site lists, and only when that file
//! is still a regular file inside the repository (no link swapped in since it was listed).

use super::hub::{self, Hub};
use super::store::{Served, Store};
use super::url;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Method, Request, Response, StatusCode};

/// The Content-Security-Policy every page carries in its `<meta>` tag, also sent as a header.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'";

/// At most this many event streams at once (each holds a thread); more get 503.
const MAX_STREAMS: usize = 64;

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
    /// How often idle event streams are written to.
    pub keep_alive: Duration,
}

/// Accepts requests for ever, each on a thread of its own.
pub fn run(server: tiny_http::Server, ctx: Arc<Context>) {
    for request in server.incoming_requests() {
        let ctx = ctx.clone();
        // If no thread can be had, the request is dropped, which closes its connection.
        let _ = std::thread::Builder::new().name("waymark-request".into()).spawn(move || handle(&ctx, request));
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

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// Headers every answer carries: nothing cached, nothing sniffed, never framed or indexed.
fn common_headers() -> Vec<Header> {
    [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("X-Robots-Tag", "noindex, nofollow"),
    ]
    .iter()
    .filter_map(|(n, v)| header(n, v))
    .collect()
}

fn respond<R: std::io::Read>(request: Request, mut response: Response<R>, content_type: &str) {
    for h in common_headers() {
        response.add_header(h);
    }
    if let Some(h) = header("Content-Type", content_type) {
        response.add_header(h);
    }
    if content_type.starts_with("text/html") || content_type.starts_with("image/svg") {
        if let Some(h) = header("Content-Security-Policy", CSP) {
            response.add_header(h);
        }
    }
    // The browser may have gone; there is nobody left to tell.
    let _ = request.respond(response);
}

fn text(request: Request, status: u16, body: &str) {
    respond(request, Response::from_string(body).with_status_code(StatusCode(status)), "text/plain; charset=utf-8");
}

/// Answers one request.
pub fn handle(ctx: &Context, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let mut r = Response::from_string("only GET and HEAD are served here\n").with_status_code(StatusCode(405));
        if let Some(h) = header("Allow", "GET, HEAD") {
            r.add_header(h);
        }
        return respond(request, r, "text/plain; charset=utf-8");
    }
    let target = request.url().to_string();
    let path = match url::site_path(&target) {
        Ok(p) => p,
        Err(url::BadPath(why)) => return text(request, 400, &format!("bad request: {why}\n")),
    };
    match path.as_str() {
        hub::SCRIPT => return respond(request, Response::from_string(hub::LIVE_JS), content_type(hub::SCRIPT)),
        hub::EVENTS => return stream(ctx, request, &target),
        _ => {}
    }
    // Read the generation before the page, so a change in between is caught up, never missed.
    let generation = ctx.hub.generation();
    match ctx.store.get(&path) {
        Some(Served::Bytes(bytes)) => {
            let kind = content_type(&path);
            let body = if kind.starts_with("text/html") { hub::inject(&bytes, generation) } else { bytes.to_vec() };
            respond(request, Response::from_data(body), kind);
        }
        Some(Served::File(from)) => match open_inside(&ctx.root, &from) {
            Some(file) => respond(request, Response::from_file(file), content_type(&path)),
            None => text(request, 404, "not found\n"),
        },
        None => {
            let index = format!("{path}/index.html");
            if !path.ends_with("index.html") && ctx.store.contains(&index) {
                let location: Vec<String> = path.split('/').map(crate::render::paths::encode).collect();
                let mut r = Response::from_string("").with_status_code(StatusCode(301));
                if let Some(h) = header("Location", &format!("/{}/", location.join("/"))) {
                    r.add_header(h);
                }
                return respond(request, r, "text/plain; charset=utf-8");
            }
            text(request, 404, "not found\n")
        }
    }
}

/// Opens an attachment only if it is still a regular file at its own path inside the root
/// (canonicalising resolves any link, so a link swapped in since the build no longer matches).
fn open_inside(root: &Path, from: &Path) -> Option<std::fs::File> {
    let real = std::fs::canonicalize(from).ok()?;
    if real != from || !real.starts_with(root.join("records")) {
        return None;
    }
    let file = std::fs::File::open(&real).ok()?;
    file.metadata().ok()?.is_file().then_some(file)
}

/// Holds an event stream open, writing each message as it comes and a keep-alive when idle;
/// ends when the browser goes (a write fails) or the hub forgets the stream.
fn stream(ctx: &Context, request: Request, target: &str) {
    if ctx.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        ctx.streams.fetch_sub(1, Ordering::SeqCst);
        return text(request, 503, "too many open pages\n");
    }
    let page = url::query_value(target, "page");
    let since = url::query_value(target, "since").and_then(|s| s.parse().ok());
    let (first, rx) = ctx.hub.subscribe(page.as_deref(), since);
    let mut out = request.into_writer();
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
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => std::sync::Arc::from(": keep-alive\n\n"),
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
