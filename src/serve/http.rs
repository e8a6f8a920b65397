//! The local web server: axum on hyper and tokio, one request per connection.
//!
//! hyper reads and parses requests; this module only says what each path answers. Every
//! request passes [`guard::Guard::admit`] first and every answer gets [`guard::protect`]'s
//! headers ([`check`], the one layer over every route, the event stream included).
//!
//! Limits, so that no client can hold the server: a connection has [`HEAD_DEADLINE`] in total
//! to send its request line and headers (hyper's `header_read_timeout`, started when the
//! connection is accepted, not reset by each byte) and [`ANSWER_DEADLINE`] in all to take its
//! answer (event streams excepted, which are bounded by [`MAX_STREAMS`] instead), at most
//! [`MAX_CONNECTIONS`] are open at once (more wait in the system's queue until one ends), and
//! each is a task on a runtime of [`WORKERS`] threads, not a thread of its own.
//!
//! Each answer closes its connection (no keep-alive), as the earlier hand-written server did:
//! an idle kept-alive connection would hold a place among [`MAX_CONNECTIONS`] for as long as
//! the browser liked, while a new one costs next to nothing on this computer.
//!
//! Nothing here reads the disk except an attachment the site lists, and only when that file
//! is still a regular file inside the repository (no link swapped in since it was listed).

use super::guard::{self, Guard, Refusal};
use super::hub::{self, Hub};
use super::store::{Maker, Served, Store};
use super::url;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// At most this many event streams at once; more get 503.
pub const MAX_STREAMS: usize = 64;

/// At most this many connections at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send its whole request line and headers.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(5);

/// How long a connection may last in all, unless it is an event stream: time enough for the
/// largest attachment over a slow network, not for a client that stops reading.
pub const ANSWER_DEADLINE: Duration = Duration::from_secs(120);

/// [`ANSWER_DEADLINE`], or `WAYMARK_SERVE_ANSWER_MS` (tests use a short one).
fn answer_deadline() -> Duration {
    millis_from_env("WAYMARK_SERVE_ANSWER_MS").unwrap_or(ANSWER_DEADLINE)
}

/// The most a request's line and headers may take (hyper answers 431 past it).
const MAX_HEAD: usize = 16 * 1024;

/// Threads answering requests (the rebuild worker and the watcher have their own).
pub const WORKERS: usize = 2;

/// How often an idle event stream is written to, so a closed connection is noticed and let go.
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// [`KEEP_ALIVE`], or `WAYMARK_SERVE_KEEPALIVE_MS` (tests use a short one).
pub fn keep_alive() -> Duration {
    millis_from_env("WAYMARK_SERVE_KEEPALIVE_MS").unwrap_or(KEEP_ALIVE)
}

/// A number of milliseconds from the environment, if set and a number.
fn millis_from_env(name: &str) -> Option<Duration> {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).map(Duration::from_millis)
}

/// What the request handlers share.
#[derive(Debug)]
pub struct Context {
    /// The site.
    pub store: Arc<Store>,
    /// The event streams.
    pub hub: Arc<Hub>,
    /// The repository root (canonical), inside which attachments must stay.
    pub root: std::path::PathBuf,
    /// Who may be answered.
    pub guard: Guard,
    /// Places for event streams.
    pub streams: Arc<Semaphore>,
    /// How often idle event streams are written to.
    pub keep_alive: Duration,
    /// Makes the pages the store does not hold yet.
    pub maker: Option<Arc<dyn Maker>>,
}

impl Context {
    /// A context with room for [`MAX_STREAMS`] event streams.
    pub fn new(store: Arc<Store>, hub: Arc<Hub>, root: std::path::PathBuf, guard: Guard) -> Context {
        let streams = Arc::new(Semaphore::new(MAX_STREAMS));
        Context { store, hub, root, guard, streams, keep_alive: keep_alive(), maker: None }
    }
}

/// The address a connection arrived on, put on each of its requests for the guard.
#[derive(Debug, Clone, Copy)]
struct Arrived(SocketAddr);

/// Set on a connection once it carries an event stream, which may outlive [`ANSWER_DEADLINE`].
#[derive(Debug, Clone, Default)]
struct Streaming(Arc<AtomicBool>);

/// The runtime the server runs on; the server stops when it is dropped.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        // Only attachment reads block.
        .max_blocking_threads(4)
        .thread_name("waymark-http")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the web server: {e}"))
}

/// Starts answering on `listener` on the runtime; returns at once.
pub fn start(
    runtime: &tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    ctx: Arc<Context>,
) -> Result<(), String> {
    listener.set_nonblocking(true).map_err(|e| format!("cannot start the web server: {e}"))?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(|e| format!("cannot start the web server: {e}"))?
    };
    runtime.spawn(accept(listener, app(ctx)));
    Ok(())
}

/// The routes, all behind [`check`].
fn app(ctx: Arc<Context>) -> Router {
    Router::new()
        .route(&format!("/{}", hub::SCRIPT), get(script))
        .route(&format!("/{}", hub::EVENTS), get(events))
        .fallback(site)
        .layer(middleware::from_fn_with_state(ctx.clone(), check))
        .with_state(ctx)
}

/// Accepts connections for ever, each a task holding one of [`MAX_CONNECTIONS`] places.
async fn accept(listener: tokio::net::TcpListener, app: Router) {
    let places = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let deadline = answer_deadline();
    loop {
        let Ok(place) = places.clone().acquire_owned().await else { return };
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(_) => {
                // A failed accept (the client gave up, too many open files) concerns that
                // client only; a pause keeps a persistent one from spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let Ok(arrived) = stream.local_addr() else { continue };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let streaming = Streaming::default();
        tokio::spawn(async move {
            let flag = streaming.clone();
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(Arrived(arrived));
                request.extensions_mut().insert(flag.clone());
                let mut app = app.clone();
                async move { tower_service::Service::call(&mut app, request).await }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_DEADLINE)
                .keep_alive(false)
                .max_buf_size(MAX_HEAD)
                .serve_connection(TokioIo::new(stream), service);
            // A client that went away or sent nonsense concerns that client only. One that
            // stops reading its answer is dropped at the deadline (closing the connection).
            let mut connection = std::pin::pin!(connection);
            if tokio::time::timeout(deadline, connection.as_mut()).await.is_err() && streaming.0.load(Ordering::SeqCst)
            {
                let _ = connection.await;
            }
            drop(place);
        });
    }
}

/// Refuses what [`Guard::admit`] refuses, and protects every answer.
async fn check(State(ctx): State<Arc<Context>>, request: Request, next: Next) -> Response {
    let arrived = request.extensions().get::<Arrived>().map(|a| a.0);
    let mut response = match ctx.guard.admit(request.uri(), request.headers(), arrived) {
        Ok(()) => next.run(request).await,
        Err(Refusal { status, why }) => text(status, &format!("{why}\n")),
    };
    guard::protect(response.headers_mut());
    response
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

/// A plain-text answer.
fn text(status: StatusCode, body: &str) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// A 200 answer of this type.
fn ok(kind: &'static str, body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, kind)], body.into()).into_response()
}

/// The live-reload script.
async fn script() -> Response {
    ok(content_type(hub::SCRIPT), hub::LIVE_JS)
}

/// A file of the site, an attachment, or a folder's redirect.
async fn site(State(ctx): State<Arc<Context>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served here\n");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let path = match url::site_path(target) {
        Ok(p) => p,
        Err(url::BadPath(why)) => return text(StatusCode::BAD_REQUEST, &format!("bad request: {why}\n")),
    };
    // Read the generation before the page, so a change in between is caught up, never missed.
    let generation = ctx.hub.generation();
    let mut found = ctx.store.get(&path);
    if let (None, Some(maker)) = (&found, &ctx.maker) {
        let (maker, asked) = (maker.clone(), path.clone());
        // Rendering is work for a blocking thread, not for the tasks answering other requests.
        if tokio::task::spawn_blocking(move || maker.make(&asked)).await.is_ok() {
            found = ctx.store.get(&path);
        }
    }
    match found {
        Some(Served::Bytes(bytes)) => {
            let kind = content_type(&path);
            match kind.starts_with("text/html") {
                true => ok(kind, hub::inject(&bytes, generation, &ctx.hub.problems())),
                false => ok(kind, Bytes::from_owner(Shared(bytes))),
            }
        }
        Some(Served::File(from)) => {
            let root = ctx.root.clone();
            let read = tokio::task::spawn_blocking(move || read_inside(&root, &from)).await;
            match read {
                Ok(Some(bytes)) => ok(content_type(&path), bytes),
                _ => text(StatusCode::NOT_FOUND, "not found\n"),
            }
        }
        None => {
            let index = format!("{path}/index.html");
            if !path.ends_with("index.html") && ctx.store.contains(&index) {
                let location: Vec<String> = path.split('/').map(crate::render::paths::encode).collect();
                let mut response = text(StatusCode::MOVED_PERMANENTLY, "");
                if let Ok(value) = HeaderValue::from_str(&format!("/{}/", location.join("/"))) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                return response;
            }
            text(StatusCode::NOT_FOUND, "not found\n")
        }
    }
}

/// A page's bytes, shared with the store rather than copied for each answer.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Reads an attachment only if it is still a regular file at its own path inside the root
/// (canonicalising resolves any link, so a link swapped in since the build no longer matches).
fn read_inside(root: &Path, from: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let real = std::fs::canonicalize(from).ok()?;
    if real != from || !real.starts_with(root.join("records")) {
        return None;
    }
    let mut file = std::fs::File::open(&real).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The event stream: the messages a page missed, then each message as it comes and a
/// keep-alive comment when idle. Ends when the browser goes (a write fails, so the body is
/// dropped) or the page falls too far behind (it reconnects and catches up).
async fn events(State(ctx): State<Arc<Context>>, streaming: Option<Extension<Streaming>>, uri: Uri) -> Response {
    let Ok(place) = ctx.streams.clone().try_acquire_owned() else {
        return text(StatusCode::SERVICE_UNAVAILABLE, "too many open pages\n");
    };
    if let Some(Extension(Streaming(flag))) = streaming {
        flag.store(true, Ordering::SeqCst);
    }
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let page = url::query_value(target, "page");
    let since = url::query_value(target, "since").and_then(|s| s.parse().ok());
    let (first, rx) = ctx.hub.subscribe(page.as_deref(), since);
    let state = Stream { first: first.into(), rx, keep_alive: ctx.keep_alive, _place: place };
    let body = futures_util::stream::unfold(state, |mut s| async move {
        let message = s.next().await?;
        Some((Ok::<_, std::convert::Infallible>(Bytes::copy_from_slice(message.as_bytes())), s))
    });
    ok("text/event-stream; charset=utf-8", Body::from_stream(body))
}

/// One open event stream.
struct Stream {
    first: std::collections::VecDeque<Arc<str>>,
    rx: tokio::sync::broadcast::Receiver<Arc<str>>,
    keep_alive: Duration,
    /// Held until the stream ends.
    _place: tokio::sync::OwnedSemaphorePermit,
}

impl Stream {
    /// The next message to write, or `None` to end the stream.
    async fn next(&mut self) -> Option<Arc<str>> {
        if let Some(m) = self.first.pop_front() {
            return Some(m);
        }
        match tokio::time::timeout(self.keep_alive, self.rx.recv()).await {
            Ok(Ok(m)) => Some(m),
            Err(_) => Some(Arc::from(": keep-alive\n\n")),
            // Lagged: ending makes the page reconnect with its generation and catch up.
            Ok(Err(_)) => None,
        }
    }
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
