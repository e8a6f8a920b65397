//! A `waymark serve` child process and a tiny HTTP and server-sent-events client, shared by
//! `tests/serve.rs` and `examples/bench_serve.rs`.
//!
//! The client speaks just enough HTTP/1.1 for these tests (one request per connection, bodies
//! by Content-Length or read to the end), so the tests need no HTTP crate of their own.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long anything may take on a slow, busy machine before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A running `waymark serve`, killed when dropped (also when a test fails).
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Everything it printed on stdout so far.
    pub out: Arc<Mutex<Vec<String>>>,
    /// Everything it printed on stderr so far.
    pub err: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Collects a child's output lines on a thread; sends each as it comes.
fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<Vec<String>>>) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            into.lock().expect("output lock").push(line.clone());
            let _ = tx.send(line);
        }
    });
    rx
}

impl Server {
    /// Starts `bin --root <root> --today <today> serve --port 0 <extra>` and waits for its address.
    pub fn start(bin: &Path, root: &Path, today: &str, extra: &[&str]) -> Server {
        Server::start_with(bin, root, today, extra, &[], PATIENCE)
    }

    /// As [`Server::start`], with environment variables and a time limit for the first build.
    pub fn start_with(
        bin: &Path,
        root: &Path,
        today: &str,
        extra: &[&str],
        env: &[(&str, &str)],
        patience: Duration,
    ) -> Server {
        let mut cmd = Command::new(bin);
        cmd.arg("--root").arg(root).arg("--today").arg(today).args(["serve", "--port", "0"]).args(extra);
        cmd.env_remove("WAYMARK_TODAY").envs(env.iter().copied());
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start waymark serve");
        let out = Arc::new(Mutex::new(Vec::new()));
        let err = Arc::new(Mutex::new(Vec::new()));
        let lines = collect(child.stdout.take().expect("stdout"), out.clone());
        collect(child.stderr.take().expect("stderr"), err.clone());
        let mut server = Server { child, addr: "127.0.0.1:1".parse().expect("addr"), out, err };
        let deadline = Instant::now() + patience;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(rest) = line.split("serving http://").nth(1) {
                        let addr = rest.split('/').next().expect("address");
                        server.addr = addr.parse().expect("the printed address parses");
                        return server;
                    }
                }
                Err(_) => panic!(
                    "waymark serve printed no address in {patience:?}\nstdout: {:?}\nstderr: {:?}",
                    server.out.lock().expect("lock"),
                    server.err.lock().expect("lock")
                ),
            }
        }
    }

    /// The process id, for looking at its threads.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The stdout lines so far.
    pub fn stdout(&self) -> Vec<String> {
        self.out.lock().expect("lock").clone()
    }

    /// The stderr lines so far.
    pub fn stderr(&self) -> Vec<String> {
        self.err.lock().expect("lock").clone()
    }

    /// GETs a path (sent exactly as given).
    pub fn get(&self, target: &str) -> Response {
        get(self.addr, target)
    }

    /// GETs a path with exactly these headers (no `Host` unless given), as another site's
    /// page, a rebinding name or an odd client would.
    pub fn request(&self, target: &str, headers: &[(&str, &str)]) -> Response {
        request(self.addr, target, headers)
    }

    /// The `Host` a browser sends for the printed address.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Polls a page until `ok` accepts it, failing after [`PATIENCE`].
    pub fn wait_for_page(&self, target: &str, what: &str, ok: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let r = self.get(target);
            if ok(&r) {
                return r;
            }
            if Instant::now() > deadline {
                panic!(
                    "{target} never showed {what}; last answer {} with {} bytes\nstdout: {:?}\nstderr: {:?}",
                    r.status,
                    r.body.len(),
                    self.stdout(),
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Opens the event stream, as a page served at `since` would (or as a plain listener).
    pub fn events(&self, page: Option<(&str, u64)>) -> Events {
        let target = match page {
            Some((p, since)) => format!("/_waymark/events?page={}&since={since}", p.replace('/', "%2F")),
            None => "/_waymark/events".to_string(),
        };
        Events::connect(self.addr, &target)
    }
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// GETs `target` (sent as is, so tests can send paths a browser would clean up).
pub fn get(addr: SocketAddr, target: &str) -> Response {
    request(addr, target, &[("Host", &addr.to_string()), ("Connection", "close")])
}

/// GETs `target` with exactly these headers and reads the whole answer.
pub fn request(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = send(addr, target, headers);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
    let (status, headers) = parse_head(&raw[..split]);
    let body = raw[split + 4..].to_vec();
    Response { status, headers, body }
}

/// Opens a connection and sends `GET target` with these headers.
pub fn send(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> TcpStream {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect to waymark serve");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let mut head = format!("GET {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send request");
    stream
}

/// Reads an answer's status line and headers only (for answers that do not end, like an
/// event stream), byte by byte so nothing after them is taken.
pub fn read_head(stream: &mut TcpStream) -> (u16, Vec<(String, String)>) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            other => panic!("the answer ended before its headers: {other:?} after {:?}", String::from_utf8_lossy(&raw)),
        }
    }
    parse_head(&raw[..raw.len() - 4])
}

/// A status line and headers (names lowercased).
fn parse_head(raw: &[u8]) -> (u16, Vec<(String, String)>) {
    let head = String::from_utf8_lossy(raw).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers)
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event name (`reload`, `problems`).
    pub name: String,
    /// Its data, parsed.
    pub data: serde_json::Value,
    /// When it arrived.
    pub at: Instant,
}

impl Event {
    /// Whether this is a reload naming `path`.
    pub fn reloads(&self, path: &str) -> bool {
        self.name == "reload"
            && self.data["paths"].as_array().is_some_and(|a| a.iter().any(|p| p.as_str() == Some(path)))
    }
}

/// An open event stream, read on a thread of its own.
pub struct Events {
    rx: Receiver<Event>,
    stream: TcpStream,
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

impl Events {
    /// Connects and starts reading.
    pub fn connect(addr: SocketAddr, target: &str) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect for events");
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n").expect("send");
        let reader = stream.try_clone().expect("clone the stream");
        let (tx, rx) = channel();
        let (ready_tx, ready_rx) = channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(reader).lines();
            // The header block ends with an empty line.
            for line in lines.by_ref() {
                match line {
                    Ok(l) if l.is_empty() => break,
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
            let _ = ready_tx.send(());
            let mut name = String::new();
            let mut data = String::new();
            for line in lines {
                let Ok(line) = line else { return };
                if line.is_empty() {
                    if !name.is_empty() {
                        let value = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
                        let event = Event { name: std::mem::take(&mut name), data: value, at: Instant::now() };
                        if tx.send(event).is_err() {
                            return;
                        }
                    }
                    data.clear();
                } else if let Some(n) = line.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data.push_str(d);
                }
            }
        });
        ready_rx.recv_timeout(PATIENCE).expect("the event stream opens");
        Events { rx, stream }
    }

    /// Waits for an event `ok` accepts, skipping others; `None` after `patience`.
    pub fn wait(&self, patience: Duration, ok: impl Fn(&Event) -> bool) -> Option<Event> {
        let deadline = Instant::now() + patience;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.rx.recv_timeout(left) {
                Ok(e) if ok(&e) => return Some(e),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Every event that has arrived and not been taken yet.
    pub fn drain(&self) -> Vec<Event> {
        self.rx.try_iter().collect()
    }
}
