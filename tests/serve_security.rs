//! `waymark serve` answers only this computer's own pages, and no client can hold it: the
//! real binary on temporary repositories, with raw requests shaped as another site's page, a
//! rebinding DNS name or a slow client would send them, and a real browser on another origin.
//!
//! Every person here is fictional.

mod common;
mod live;
mod site;

use common::{Repo, TODAY};
use live::{Server, PATIENCE};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const PASSPORT: &str = "/people/yp-0001/passport.html";
const PAGE: &str = "/people/yp-0001/index.html";
/// The fictional person's name, which no refused answer may hold.
const NAME: &str = "Jordan";

fn serve(repo: &Repo) -> Server {
    Server::start(Path::new(env!("CARGO_BIN_EXE_waymark")), repo.root(), TODAY, &[])
}

/// What a `<script src>` on another site's page sends.
fn script_from(site: &'static str) -> [(&'static str, &'static str); 3] {
    [("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "script")]
}

/// `extra` with the right `Host`.
fn with_host<'a>(host: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![("Host", host), ("Connection", "close")];
    all.extend_from_slice(extra);
    all
}

#[test]
fn another_sites_script_tags_cannot_read_the_search_index() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let host = server.host();
    let own = server.request("/search/manifest.js", &with_host(&host, &script_from("same-origin")));
    assert_eq!(own.status, 200, "this site's own pages load the index");
    assert!(own.text().starts_with("window.waymarkSearch.init("));
    let plain = server.request("/search/manifest.js", &with_host(&host, &[]));
    assert_eq!(plain.status, 200, "a client that sends no Sec-Fetch headers (curl, older browsers) is answered");
    let chunk = "/search/d/0.js";
    assert_eq!(server.get(chunk).status, 200, "the site has a document chunk");

    for site in ["cross-site", "same-site"] {
        for target in ["/search/manifest.js", chunk, "/search/t/0.js", PASSPORT, "/_waymark/live.js", "/nowhere.js"] {
            let r = server.request(target, &with_host(&host, &script_from(site)));
            assert_eq!(r.status, 403, "{site} {target}");
            assert!(!r.text().contains("waymarkSearch") && !r.text().contains(NAME), "{target}: {}", r.text());
            assert!(r.text().contains("another website"), "the refusal says why: {}", r.text());
        }
        // Another site's page opening the event stream, or fetching a page.
        let cors = [("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")];
        assert_eq!(server.request("/_waymark/events", &with_host(&host, &cors)).status, 403);
        assert_eq!(server.request(PAGE, &with_host(&host, &cors)).status, 403);
    }
}

#[test]
fn other_host_names_are_misdirected() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let port = server.addr.port();
    let rebound = format!("attacker.example:{port}");
    let wrong_port = format!("127.0.0.1:{}", port.wrapping_add(1));
    for host in ["attacker.example", rebound.as_str(), wrong_port.as_str(), "localhost", "127.0.0.1"] {
        for target in [PASSPORT, "/search/manifest.js", "/_waymark/events", "/"] {
            let r = server.request(target, &[("Host", host), ("Connection", "close")]);
            assert_eq!(r.status, 421, "Host: {host} {target}");
            assert!(!r.text().contains(NAME) && !r.text().contains("waymarkSearch"), "{host}: {}", r.text());
            assert!(r.text().contains(&format!("http://127.0.0.1:{port}/")), "says where to go: {}", r.text());
        }
    }
    let none = server.request(PASSPORT, &[("Connection", "close")]);
    assert!(none.status == 421 || none.status == 400, "no Host at all: {}", none.status);
    assert!(!none.text().contains(NAME));

    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")] {
        let r = server.request(PASSPORT, &[("Host", &host), ("Connection", "close")]);
        assert_eq!(r.status, 200, "Host: {host}");
        assert!(r.text().contains(NAME), "the passport is served to {host}");
    }
}

#[test]
fn a_bound_address_is_answered_by_that_address() {
    let repo = Repo::clean();
    let bin = Path::new(env!("CARGO_BIN_EXE_waymark"));
    let server = Server::start(bin, repo.root(), TODAY, &["--bind", "127.0.0.2"]);
    let port = server.addr.port();
    assert_eq!(server.addr.ip().to_string(), "127.0.0.2");
    for (host, status) in [(format!("127.0.0.2:{port}"), 200), (format!("attacker.example:{port}"), 421)] {
        assert_eq!(server.request(PASSPORT, &[("Host", &host), ("Connection", "close")]).status, status, "{host}");
    }
    drop(server);

    // On every address, each is answered under its own address (as another computer would
    // open it), and under the address printed.
    let server = Server::start(bin, repo.root(), TODAY, &["--bind", "0.0.0.0"]);
    let port = server.addr.port();
    let other: std::net::SocketAddr = format!("127.0.0.3:{port}").parse().expect("addr");
    for (host, status) in [
        (format!("127.0.0.3:{port}"), 200),
        (format!("0.0.0.0:{port}"), 200),
        (format!("127.0.0.4:{port}"), 421),
        (format!("attacker.example:{port}"), 421),
    ] {
        let r = live::request(other, PASSPORT, &[("Host", &host), ("Connection", "close")]);
        assert_eq!(r.status, status, "{host}");
        assert_eq!(r.text().contains(NAME), status == 200, "{host}");
    }
}

#[test]
fn other_sites_may_link_to_a_page_but_not_frame_it() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let host = server.host();
    for site in ["cross-site", "same-site", "none"] {
        let link = [("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document")];
        let r = server.request(PAGE, &with_host(&host, &link));
        assert_eq!(r.status, 200, "a top-level navigation from {site}");
        assert!(r.text().contains(NAME));
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"), "the opener cannot reach it");
    }
    let framed = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "iframe")];
    assert_eq!(server.request(PAGE, &with_host(&host, &framed)).status, 403);
}

/// The headers every answer must carry, whatever it is.
fn assert_protected(what: &str, headers: &[(String, String)]) {
    let get = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    assert_eq!(get("cross-origin-resource-policy"), Some("same-origin"), "{what}: {headers:?}");
    assert_eq!(get("cross-origin-opener-policy"), Some("same-origin"), "{what}");
    assert_eq!(get("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(get("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(get("cache-control"), Some("no-store"), "{what}");
    let csp = get("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{what}: {csp}");
}

#[test]
fn every_answer_carries_the_protective_headers() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let host = server.host();
    for (target, status) in [
        (PAGE, 200),
        ("/static/style.css", 200),
        ("/search/manifest.js", 200),
        ("/people/yp-0001/files/letter.txt", 200),
        ("/_waymark/live.js", 200),
        ("/people/yp-0001", 301),
        ("/nowhere.html", 404),
        ("/%2e%2e/Cargo.toml", 400),
    ] {
        let r = server.get(target);
        assert_eq!(r.status, status, "{target}");
        assert_protected(target, &r.headers);
    }
    let refused = server.request(PAGE, &[("Host", "attacker.example"), ("Connection", "close")]);
    assert_eq!(refused.status, 421);
    assert_protected("421", &refused.headers);
    let refused = server.request("/search/manifest.js", &with_host(&host, &script_from("cross-site")));
    assert_eq!(refused.status, 403);
    assert_protected("403", &refused.headers);

    let mut stream = live::send(server.addr, "/_waymark/events", &[("Host", &host), ("Accept", "text/event-stream")]);
    let (status, headers) = live::read_head(&mut stream);
    assert_eq!(status, 200);
    assert!(headers.iter().any(|(n, v)| n == "content-type" && v.starts_with("text/event-stream")));
    assert_protected("the event stream", &headers);
}

/// Threads of a process, from /proc.
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map(|d| d.count()).unwrap_or(0)
}

/// Whether the server has closed this connection (without waiting).
fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    match stream.read(&mut buf) {
        Ok(0) => true,
        // Whatever the server said before closing (hyper may send nothing, or a 408).
        Ok(_) => closed(stream),
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

#[test]
fn slow_clients_neither_delay_others_nor_hold_the_server() {
    let repo = Repo::clean();
    let server = serve(&repo);
    let host = server.host();
    let _warm = server.get(PAGE);
    std::thread::sleep(Duration::from_millis(300));
    let idle_threads = threads(server.pid());
    let mut quiet = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        assert_eq!(server.get(PAGE).status, 200);
        quiet.push(t.elapsed());
    }

    // 200 clients that start a request and then send one header byte at a time, never finishing.
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect_timeout(&server.addr, PATIENCE).expect("connect");
            s.set_nonblocking(true).expect("nonblocking");
            s.write_all(format!("GET {PAGE} HTTP/1.1\r\nHost: {host}\r\nX-Slow: ").as_bytes()).expect("start");
            s
        })
        .collect();
    let started = Instant::now();
    let mut busy = Vec::new();
    let mut busy_threads = 0;
    while started.elapsed() < Duration::from_secs(3) {
        for s in &mut slow {
            let _ = s.write_all(b"a");
        }
        let t = Instant::now();
        let r = server.get(PAGE);
        busy.push(t.elapsed());
        assert!(r.status == 200 && r.text().contains(NAME), "a normal request is answered");
        busy_threads = busy_threads.max(threads(server.pid()));
        std::thread::sleep(Duration::from_millis(100));
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        ms(&v[v.len() / 2])
    };
    let worst = busy.iter().max().copied().unwrap_or_default();
    eprintln!(
        "a page request: quiet median {:.1} ms (max {:.1}); under 200 slow clients median {:.1} ms, max {:.1} ms over {} requests",
        median(&mut quiet.clone()),
        quiet.iter().map(ms).fold(0.0, f64::max),
        median(&mut busy.clone()),
        ms(&worst),
        busy.len()
    );
    eprintln!("server threads: {idle_threads} idle, at most {busy_threads} with 200 slow clients");
    assert!(worst < Duration::from_secs(1), "a normal request took {worst:?} behind 200 slow clients");
    assert!(busy_threads <= idle_threads + 4, "slow clients took threads: {idle_threads} -> {busy_threads}");

    // Each has a few seconds in all to send its head, however steadily it trickles.
    let mut open: Vec<TcpStream> = slow;
    while !open.is_empty() {
        assert!(
            started.elapsed() < PATIENCE,
            "{} slow clients still connected after {:?}: the head has no total deadline",
            open.len(),
            started.elapsed()
        );
        for s in &mut open {
            let _ = s.write_all(b"a");
        }
        open.retain_mut(|s| !closed(s));
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("all 200 slow clients were closed {:?} after they started", started.elapsed());
    assert_eq!(server.get(PAGE).status, 200);
}

#[test]
fn a_client_that_stops_reading_is_let_go_but_event_streams_stay() {
    let repo = Repo::clean();
    // More than the system's socket buffers hold, so the server cannot finish writing it.
    repo.write("records/yp-0001/files/scan.pdf", vec![b'%'; 16 << 20]);
    let bin = Path::new(env!("CARGO_BIN_EXE_waymark"));
    let server = Server::start_with(bin, repo.root(), TODAY, &[], &[("WAYMARK_SERVE_ANSWER_MS", "1000")], PATIENCE);
    let files = || std::fs::read_dir(format!("/proc/{}/fd", server.pid())).map(|d| d.count()).unwrap_or(0);
    let _warm = server.get(PAGE);
    std::thread::sleep(Duration::from_millis(300));
    let before = files();
    let events = server.events(None);
    let host = server.host();
    let started = Instant::now();
    let stalled: Vec<TcpStream> = (0..3)
        .map(|_| live::send(server.addr, "/people/yp-0001/files/scan.pdf", &[("Host", &host), ("Connection", "close")]))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    assert!(files() >= before + 4, "the stalled answers and the stream are open: {} -> {}", before, files());
    while files() > before + 1 {
        assert!(started.elapsed() < PATIENCE, "clients that stopped reading are kept: {} open files", files());
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("3 clients that stopped reading were let go {:?} after they asked", started.elapsed());
    drop(stalled);
    // The event stream, older than the deadline, still works.
    std::thread::sleep(Duration::from_millis(500));
    repo.write("records/yp-0001/notes/2026-11-20-visit.md", "---\ndate: 2026-11-20\nauthor: sam-okafor\n---\nLater.\n");
    events.wait(PATIENCE, |e| e.reloads("people/yp-0001/index.html")).expect("the stream outlives the deadline");
}

/// Serves `page` to every request on a port of its own for a while: another website.
fn another_site(page: String) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(150);
        while Instant::now() < until {
            match listener.accept() {
                Ok((mut s, _)) => {
                    let _ = s.set_nonblocking(false);
                    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                    let mut buf = [0u8; 4096];
                    let _ = s.read(&mut buf);
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        page.len()
                    );
                    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(page.as_bytes()));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    addr
}

#[test]
fn a_page_on_another_site_cannot_read_the_records_in_a_browser() {
    let Some(browser) = site::chromium() else { return };
    let repo = Repo::clean();
    let server = serve(&repo);
    // The attack the issue reproduced: catch what the index's scripts hand over.
    let page = format!(
        r#"<!DOCTYPE html><html><body><p id="out">waiting</p>
<script>
var out = document.getElementById("out");
window.waymarkSearch = {{ init: function (m) {{ out.textContent = "STOLEN " + JSON.stringify(m).slice(0, 60); }} }};
function refused() {{ if (out.textContent === "waiting") out.textContent = "REFUSED"; }}
</script>
<script src="http://{addr}/search/manifest.js" onerror="refused()"></script>
</body></html>"#,
        addr = server.addr
    );
    let other = another_site(page);
    let profile = tempfile::tempdir().expect("profile");
    let url = format!("http://localhost:{}/", other.port());
    let args = ["--dump-dom".to_string(), "--virtual-time-budget=5000".to_string()];
    let dom = site::headless_url(browser, profile.path(), &url, &args);
    assert!(dom.contains("id=\"out\""), "the other site's page loaded:\n{dom}");
    assert!(!dom.contains("<p id=\"out\">STOLEN"), "another site read the search index:\n{dom}");
    assert!(dom.contains("<p id=\"out\">REFUSED</p>"), "the script was refused:\n{dom}");
}
