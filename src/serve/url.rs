//! Request paths to site paths: the only way a URL can name anything `waymark serve` holds.
//!
//! The site lives in memory under `/`-separated paths with no `.` or `..` segments
//! ([`crate::render::paths::safe_relative`]), so a request path is turned into one of
//! those or refused. Anything that could mean "somewhere else" (`..`, encoded slashes,
//! backslashes, NUL, `//host`, drive letters) is refused outright rather than cleaned up,
//! so there is no clever spelling left to find.

/// Why a request path was refused (answered with 400 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub &'static str);

/// The site path a request's target names: `dir/` and `/` name `index.html` in that folder.
///
/// The query and fragment are dropped; the path is percent-decoded exactly once.
pub fn site_path(target: &str) -> Result<String, BadPath> {
    let raw = target.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = raw.strip_prefix('/') else { return Err(BadPath("the path must start with /")) };
    if rest.starts_with('/') {
        return Err(BadPath("the path must not start with //"));
    }
    let lower = rest.to_ascii_lowercase();
    // An encoded separator would turn into a real one after decoding.
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err(BadPath("the path must not hold an encoded / or \\"));
    }
    let decoded = percent_decode(rest)?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(BadPath("the path must not hold backslashes or control characters"));
    }
    let folder = decoded.is_empty() || decoded.ends_with('/');
    let mut segments: Vec<&str> = decoded.split('/').collect();
    if folder {
        segments.pop();
    }
    if segments.iter().any(|s| s.is_empty() || *s == "." || *s == "..") {
        return Err(BadPath("the path must not hold empty, . or .. parts"));
    }
    if let Some(first) = segments.first() {
        let b = first.as_bytes();
        if b.len() == 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return Err(BadPath("the path must not name a drive"));
        }
    }
    let mut path = segments.join("/");
    if folder {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Ok(path)
}

/// Decodes `%XX` escapes once; a `%` not followed by two hex digits, or bytes that are not
/// UTF-8 after decoding, are refused.
pub fn percent_decode(s: &str) -> Result<String, BadPath> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                _ => return Err(BadPath("the path holds a % that is not followed by two hex digits")),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadPath("the path is not UTF-8 once decoded"))
}

/// The value of `name` in a query string (`a=1&b=2`), percent-decoded, if present and readable.
pub fn query_value(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1.split('#').next()?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(&v.replace('+', " ")).ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_and_folders() {
        assert_eq!(site_path("/"), Ok("index.html".into()));
        assert_eq!(site_path("/report.html"), Ok("report.html".into()));
        assert_eq!(site_path("/people/yp-0001/"), Ok("people/yp-0001/index.html".into()));
        assert_eq!(site_path("/people/yp-0001/index.html?x=1#top"), Ok("people/yp-0001/index.html".into()));
        assert_eq!(site_path("/people/a/files/my%20letter.pdf"), Ok("people/a/files/my letter.pdf".into()));
        assert_eq!(site_path("/people/a/files/%C3%A9.txt"), Ok("people/a/files/é.txt".into()));
        // Decoded once only: a double-encoded dot-dot stays a literal (and unknown) name.
        assert_eq!(site_path("/%252e%252e/x"), Ok("%2e%2e/x".into()));
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "",
            "x",
            "/../Cargo.toml",
            "/%2e%2e/",
            "/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/..%2F..%2Fetc/passwd",
            "//etc/passwd",
            "/static/../../x",
            "/static/./style.css",
            "/a//b",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/static%5c..%5c..%5cx",
            "/a%00b",
            "/C:/Windows/win.ini",
            "/c:",
            "/%",
            "/%zz",
            "/%ff",
            "/people/%0a",
        ] {
            assert!(site_path(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn query_values() {
        assert_eq!(
            query_value("/e?page=people%2Fa%2Findex.html&since=7", "page").as_deref(),
            Some("people/a/index.html")
        );
        assert_eq!(query_value("/e?page=x&since=7", "since").as_deref(), Some("7"));
        assert_eq!(query_value("/e?page=x", "since"), None);
        assert_eq!(query_value("/e", "page"), None);
    }
}
