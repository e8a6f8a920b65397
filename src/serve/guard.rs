//! Who may read what `waymark serve` holds: only this computer's own pages.
//!
//! A web page on any other site can make the browser ask `http://127.0.0.1:PORT/...` for
//! scripts, images or frames. The search index is a set of scripts, so a page that included
//! them could read names and notes. And a page on a name the attacker controls can point that
//! name at 127.0.0.1 (DNS rebinding) and read answers as its own. So every request passes
//! [`Guard::admit`] first, an allow-list of what a page of this site (or a person typing the
//! address) sends; everything else is refused. Every answer, refusals included, then gets
//! [`protect`]'s headers, which tell the browser not to hand it to any other site.

use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{StatusCode, Uri};
use std::net::{IpAddr, SocketAddr};

/// The policy [`PAGE_CSP`] and [`CSP`] share, as a literal so both can be constants.
macro_rules! page_csp {
    () => {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'"
    };
}

/// The Content-Security-Policy every page carries in its `<meta>` tag (the theme's head.html
/// writes it with the `csp()` function).
pub const PAGE_CSP: &str = page_csp!();

/// The same policy sent as a header by `waymark serve`, where `frame-ancestors` (ignored in
/// a `<meta>`) forbids framing.
pub const CSP: &str = concat!(page_csp!(), "; frame-ancestors 'none'");

/// The headers every answer carries: nothing cached, nothing sniffed, never framed, indexed,
/// or handed to a page of another site.
pub const HEADERS: [(&str, &str); 8] = [
    ("cache-control", "no-store"),
    ("x-content-type-options", "nosniff"),
    ("cross-origin-resource-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-robots-tag", "noindex, nofollow"),
];

/// Why a request was refused: the status and a short plain-text reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// 400, 421 or 403.
    pub status: StatusCode,
    /// One line saying why, for whoever reads the answer.
    pub why: String,
}

/// The names this server answers to, decided once when it starts.
#[derive(Debug, Clone)]
pub struct Guard {
    /// `host:port` forms accepted in `Host`, lowercase.
    hosts: Vec<String>,
    port: u16,
}

impl Guard {
    /// Answers to `127.0.0.1`, `localhost` and `[::1]` and to the address listened on, with `port`.
    pub fn new(listening: IpAddr, port: u16) -> Guard {
        // The address listened on, even 0.0.0.0: only a page of this server has it as its origin.
        let names = ["127.0.0.1".to_string(), "localhost".to_string(), "[::1]".to_string(), host_name(listening)];
        let mut guard = Guard { hosts: Vec::new(), port };
        for name in names {
            guard.add(&name);
        }
        guard
    }

    fn add(&mut self, name: &str) {
        let with_port = format!("{name}:{}", self.port);
        if !self.hosts.contains(&with_port) {
            self.hosts.push(with_port);
        }
        // Browsers leave out the default port.
        if self.port == 80 && !self.hosts.iter().any(|h| h == name) {
            self.hosts.push(name.to_string());
        }
    }

    /// Whether a request may be answered: its target is a path, its `Host` names this computer
    /// (or `arrived`, the address the connection came in on, which is the page's own origin when
    /// serving on all addresses with `--bind`), and it is not a read by another site's page.
    /// A navigation from another site passes: the other site cannot read what it opens.
    pub fn admit(&self, uri: &Uri, headers: &HeaderMap, arrived: Option<SocketAddr>) -> Result<(), Refusal> {
        if uri.scheme().is_some() || uri.authority().is_some() || !uri.path().starts_with('/') {
            let why = "only a path like /index.html is served here".to_string();
            return Err(Refusal { status: StatusCode::BAD_REQUEST, why });
        }
        let host = only(headers, &header::HOST).map(|h| h.to_ascii_lowercase());
        let ours = host.as_deref().is_some_and(|h| {
            self.hosts.iter().any(|ok| ok == h)
                || arrived.is_some_and(|a| a.port() == self.port && h == format!("{}:{}", host_name(a.ip()), a.port()))
        });
        if !ours {
            return Err(Refusal {
                status: StatusCode::MISDIRECTED_REQUEST,
                why: format!(
                    "this server answers only to this computer's own addresses: open http://127.0.0.1:{}/",
                    self.port
                ),
            });
        }
        match only(headers, &SEC_FETCH_SITE).as_deref() {
            // Browsers too old to say, other programs, this site's own pages, and a person
            // typing the address or opening a bookmark.
            None if !headers.contains_key(&SEC_FETCH_SITE) => Ok(()),
            Some("same-origin" | "none") => Ok(()),
            Some("same-site" | "cross-site")
                if only(headers, &SEC_FETCH_MODE).as_deref() == Some("navigate")
                    && only(headers, &SEC_FETCH_DEST).as_deref() == Some("document") =>
            {
                Ok(())
            }
            _ => Err(Refusal {
                status: StatusCode::FORBIDDEN,
                why: "another website's page asked for this; only this site's own pages may read it".to_string(),
            }),
        }
    }
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

/// A header's value when it is sent exactly once and is text; `None` otherwise (so a
/// repeated header is never half believed).
fn only(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let mut all = headers.get_all(name).iter();
    match (all.next(), all.next()) {
        (Some(v), None) => v.to_str().ok().map(str::to_string),
        _ => None,
    }
}

/// An address as it appears in a `Host` header (`[...]` around IPv6).
fn host_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Sets [`HEADERS`] on an answer, replacing any the handler set.
pub fn protect(headers: &mut HeaderMap) {
    for (name, value) in HEADERS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn request(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.append(HeaderName::from_bytes(n.as_bytes()).expect("name"), HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    fn status(guard: &Guard, target: &str, pairs: &[(&str, &str)]) -> u16 {
        let uri: Uri = target.parse().expect("uri");
        let arrived = Some(SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 168, 7, 9)), 8000));
        match guard.admit(&uri, &request(pairs), arrived) {
            Ok(()) => 200,
            Err(r) => r.status.as_u16(),
        }
    }

    #[test]
    fn only_this_computers_names_are_answered() {
        let g = Guard::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);
        for host in ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000", "[::1]:8000"] {
            assert_eq!(status(&g, "/", &[("host", host)]), 200, "{host}");
        }
        for host in [
            "attacker.example",
            "attacker.example:8000",
            "127.0.0.1",
            "127.0.0.1:8001",
            "localhost.:8000",
            "127.0.0.2:8000",
            "localhost:8000.attacker.example",
            "",
        ] {
            assert_eq!(status(&g, "/", &[("host", host)]), 421, "{host}");
        }
        assert_eq!(status(&g, "/", &[]), 421, "no Host at all");
        assert_eq!(status(&g, "/", &[("host", "localhost:8000"), ("host", "attacker.example")]), 421, "two");
        // The address a connection arrived on is the page's own origin.
        assert_eq!(status(&g, "/", &[("host", "192.168.7.9:8000")]), 200);
        assert_eq!(status(&g, "/", &[("host", "192.168.7.9:8001")]), 421);
    }

    #[test]
    fn bind_addresses_are_answered_with_their_port() {
        let g = Guard::new("::1".parse().expect("ip"), 80);
        assert_eq!(status(&g, "/", &[("host", "[::1]")]), 200, "port 80 may be left out");
        assert_eq!(status(&g, "/", &[("host", "localhost")]), 200);
        let g = Guard::new("10.1.2.3".parse().expect("ip"), 9000);
        assert_eq!(status(&g, "/", &[("host", "10.1.2.3:9000")]), 200);
        assert_eq!(status(&g, "/", &[("host", "10.1.2.3")]), 421);
        let g = Guard::new("::".parse().expect("ip"), 9000);
        assert_eq!(status(&g, "/", &[("host", "[::]:9000")]), 200, "the address printed");
        assert_eq!(status(&g, "/", &[("host", "laptop.local:9000")]), 421, "names are not guessed");
    }

    #[test]
    fn other_sites_may_navigate_but_never_read() {
        let g = Guard::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);
        let h = ("host", "127.0.0.1:8000");
        let site = |s| ("sec-fetch-site", s);
        let (nav, doc) = (("sec-fetch-mode", "navigate"), ("sec-fetch-dest", "document"));
        assert_eq!(status(&g, "/", &[h, site("same-origin"), ("sec-fetch-mode", "no-cors")]), 200);
        assert_eq!(status(&g, "/", &[h, site("none"), nav, doc]), 200, "typed or bookmarked");
        assert_eq!(status(&g, "/", &[h, site("cross-site"), nav, doc]), 200, "a link from another site");
        assert_eq!(status(&g, "/", &[h, site("same-site"), nav, doc]), 200);
        let script = [h, site("cross-site"), ("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "script")];
        assert_eq!(status(&g, "/search/manifest.js", &script), 403);
        assert_eq!(status(&g, "/", &[h, site("same-site"), ("sec-fetch-mode", "cors")]), 403);
        assert_eq!(status(&g, "/", &[h, site("cross-site"), nav, ("sec-fetch-dest", "iframe")]), 403, "framed");
        assert_eq!(status(&g, "/", &[h, site("cross-site"), nav]), 403, "no destination");
        assert_eq!(status(&g, "/", &[h, site("cross-site"), nav, doc, doc]), 403, "said twice");
        assert_eq!(status(&g, "/", &[h, site("something-new")]), 403, "unknown values are refused");
        assert_eq!(status(&g, "/", &[h, site("same-origin"), site("cross-site")]), 403, "said twice");
    }

    #[test]
    fn only_paths_are_served() {
        let g = Guard::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000);
        let h = ("host", "127.0.0.1:8000");
        assert_eq!(status(&g, "/people/a/", &[h]), 200);
        assert_eq!(status(&g, "http://127.0.0.1:8000/", &[h]), 400);
        assert_eq!(status(&g, "http://attacker.example/", &[h]), 400);
        assert_eq!(status(&g, "*", &[h]), 400);
    }

    #[test]
    fn readme_lists_the_headers_sent() {
        let readme = include_str!("../../README.md");
        let listed = readme.split("```\nCross-Origin").nth(1).expect("README's list of headers");
        let listed = format!("Cross-Origin{}", listed.split("```").next().unwrap_or(""));
        let listed: Vec<String> = listed.lines().map(str::to_ascii_lowercase).collect();
        for (name, value) in HEADERS {
            let line = format!("{name}: {value}").to_ascii_lowercase();
            assert!(listed.contains(&line), "README lacks `{line}`");
            let nginx = format!("add_header {name} \"{value}\" always;").to_ascii_lowercase();
            assert!(readme.to_ascii_lowercase().contains(&nginx), "README's nginx example lacks `{nginx}`");
        }
        assert_eq!(listed.len(), HEADERS.len(), "README lists other headers: {listed:?}");
    }

    #[test]
    fn every_answer_is_protected() {
        let mut h = HeaderMap::new();
        h.insert("cache-control", HeaderValue::from_static("max-age=60"));
        protect(&mut h);
        assert_eq!(h.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
        assert_eq!(h.get("cross-origin-resource-policy").and_then(|v| v.to_str().ok()), Some("same-origin"));
        assert!(h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.ends_with("frame-ancestors 'none'")));
    }
}
