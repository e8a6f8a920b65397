//! Sealing a site: every file about a young person encrypted for one passphrase.
//!
//! A [`Sealer`] stands between rendering and the output folder (it is a [`Sink`] over
//! another): each page becomes a plain shell that asks for the passphrase and carries the
//! page's ciphertext; every other file (search chunks, CSS, CSV, attachments) becomes a
//! script holding its ciphertext, since `file://` pages cannot `fetch()`. Only the theme's
//! `static/` files stay as they are.
//!
//! The cryptography is all RustCrypto's: PBKDF2-HMAC-SHA256 ([`ITERATIONS`] rounds, a fresh
//! random salt per build) makes the AES-256-GCM key from the passphrase once per build, as
//! the browser does with WebCrypto. Each file gets a fresh random nonce and its site path as
//! associated data, so a file moved to another path fails to open. An HMAC key made from
//! the AES key gives files whose names would tell something (an attachment's name, a note's
//! slug, a member of staff's id) an opaque name; the browser never needs it, because links
//! are rewritten here.

use crate::render::paths;
use crate::render::templates::Theme;
use crate::site::{Content, Sink, WriteError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeSet;

/// PBKDF2 rounds: OWASP's figure for PBKDF2-HMAC-SHA256 (2023).
pub const ITERATIONS: u32 = 600_000;

/// The shortest passphrase accepted.
pub const MIN_PASSPHRASE: usize = 12;

/// The associated data of the value every shell carries to tell a wrong passphrase from an
/// altered page.
const CHECK_AAD: &str = "waymark:passphrase-check";

/// What the key that names files is made for (HMAC of this under the AES key).
const NAMES_INFO: &[u8] = b"waymark: opaque file names";

/// Stands for the ciphertext while the shell template is rendered once per folder depth.
const HOLE: &str = "\u{1}waymark-sealed\u{1}";

/// Folder names kept as they are in sealed paths: they say what a file is, never whose.
const PLAIN_DIRS: &[&str] =
    &["people", "files", "history", "notes", "outcomes", "advisers", "board", "search", "t", "d"];

/// File names kept as they are in sealed paths.
const PLAIN_FILES: &[&str] = &[
    "index.html",
    "report.html",
    "changes.html",
    "history.html",
    "plan.html",
    "passport.html",
    "passport.css",
    "profile.html",
    "pathway-plan.html",
    "health-passport.html",
    "manifest.js",
    "care-leavers.csv",
];

/// The keys of one sealed build, derived once from the passphrase.
pub struct Key {
    cipher: Aes256Gcm,
    names: [u8; 32],
    salt: [u8; 16],
    check: String,
}

impl Key {
    /// Derives the keys from `passphrase` with a fresh random salt (about half a second).
    pub fn derive(passphrase: &str) -> Result<Key, String> {
        let passphrase = normalise(passphrase);
        if passphrase.chars().count() < MIN_PASSPHRASE {
            return Err(format!(
                "the passphrase is too short: use at least {MIN_PASSPHRASE} characters.\n  Several unrelated words make a passphrase that is long and easy to type."
            ));
        }
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt).map_err(|e| format!("cannot get random bytes from the system: {e}"))?;
        Key::with_salt(&passphrase, salt)
    }

    fn with_salt(passphrase: &str, salt: [u8; 16]) -> Result<Key, String> {
        let passphrase = normalise(passphrase);
        // One PBKDF2 block (32 bytes), the same the browser derives; the names key comes from
        // it by HMAC, which halves the build's share of the 600,000 rounds.
        let mut aes = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(passphrase.as_bytes(), &salt, ITERATIONS, &mut aes);
        let cipher = Aes256Gcm::new_from_slice(&aes).map_err(|e| format!("cannot make the key: {e}"))?;
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&aes).map_err(|e| format!("cannot make the key: {e}"))?;
        mac.update(NAMES_INFO);
        let names: [u8; 32] = mac.finalize().into_bytes().into();
        let mut key = Key { cipher, names, salt, check: String::new() };
        key.check = key.seal(CHECK_AAD, b"waymark")?;
        Ok(key)
    }

    /// Encrypts `plain` for the site path `path`: base64 of nonce then ciphertext and tag.
    fn seal(&self, path: &str, plain: &[u8]) -> Result<String, String> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(|e| format!("cannot get random bytes from the system: {e}"))?;
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: path.as_bytes() })
            .map_err(|_| format!("cannot encrypt {path}"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// Decrypts what [`Key::seal`] made for `path` (for tests and checks).
    pub fn open(&self, path: &str, sealed: &str) -> Option<Vec<u8>> {
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed.trim()).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, rest) = bytes.split_at(12);
        self.cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: rest, aad: path.as_bytes() }).ok()
    }

    /// An opaque name for a file or folder name, the same for the same name in one build.
    fn opaque(&self, name: &str) -> String {
        // new_from_slice accepts a key of any length for HMAC, so this cannot fail.
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.names) else { return String::from("x") };
        mac.update(name.as_bytes());
        mac.finalize().into_bytes()[..10].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The Content-Security-Policy of an encrypted site's pages: the plain pages' policy with
/// `blob:` allowed for scripts, styles and images, which is how the shell shows what it
/// decrypted (and checked). Nothing else is loosened; no inline script or style.
pub fn shell_csp() -> String {
    crate::serve::guard::PAGE_CSP
        .split("; ")
        .map(|directive| match directive.split(' ').next() {
            Some("script-src" | "style-src" | "img-src") => format!("{directive} blob:"),
            _ => directive.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The passphrase as PBKDF2 takes it: Unicode NFC, as unlock.js does with
/// `normalize("NFC")`, so "café" typed with a composed é or with e and a combining accent
/// (keyboards and systems differ) gives the same key on both sides.
fn normalise(passphrase: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    passphrase.nfc().collect()
}

/// The shell template's view of a sealed page (base64 text only, so the template need not escape it).
#[derive(serde::Serialize)]
struct Shell<'a> {
    /// Tells the shared head.html that this is an encrypted site's shell (its own policy).
    sealed_shell: bool,
    root: String,
    salt: String,
    iterations: u32,
    check: &'a str,
    sealed: String,
}

/// A [`Sink`] that seals each file and hands the result to another sink.
pub struct Sealer<'a> {
    inner: &'a dyn Sink,
    key: &'a Key,
    theme: &'a Theme,
    /// Person ids, which may stay in paths.
    people: BTreeSet<String>,
    /// The shell rendered once per root prefix, split where the ciphertext goes.
    shells: std::sync::Mutex<std::collections::HashMap<String, (String, String)>>,
}

impl<'a> Sealer<'a> {
    /// A sealer writing into `inner`, for a site of these young people.
    pub fn new(inner: &'a dyn Sink, key: &'a Key, theme: &'a Theme, people: impl IntoIterator<Item = String>) -> Self {
        Sealer { inner, key, theme, people: people.into_iter().collect(), shells: Default::default() }
    }

    /// Where the file at site path `path` goes in the sealed site: every folder and file name
    /// that is neither a fixed part of the site's layout nor a person id is replaced by an
    /// opaque one, and files other than pages and scripts become scripts (`.js` added).
    pub fn sealed_path(&self, path: &str) -> String {
        if path.starts_with("static/") {
            return path.to_string();
        }
        let mut parts: Vec<String> = path.split('/').map(String::from).collect();
        let last = parts.pop().unwrap_or_default();
        for part in &mut parts {
            if !PLAIN_DIRS.contains(&part.as_str()) && !self.people.contains(part.as_str()) {
                *part = self.key.opaque(part);
            }
        }
        let numbered = last.strip_suffix(".js").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let name = if PLAIN_FILES.contains(&last.as_str()) || numbered { last.clone() } else { self.key.opaque(&last) };
        let name = match name {
            n if last.ends_with(".html") && !n.ends_with(".html") => format!("{n}.html"),
            n if n.ends_with(".html") || n.ends_with(".js") => n,
            n => format!("{n}.js"),
        };
        parts.push(name);
        parts.join("/")
    }

    /// The shell of a page whose root prefix is `root`: the text before and after its ciphertext.
    fn shell(&self, root: String) -> Result<(String, String), String> {
        let mut shells = self.shells.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(parts) = shells.get(&root) {
            return Ok(parts.clone());
        }
        let view = Shell {
            sealed_shell: true,
            root: root.clone(),
            salt: base64::engine::general_purpose::STANDARD.encode(self.key.salt),
            iterations: ITERATIONS,
            check: &self.key.check,
            sealed: HOLE.to_string(),
        };
        let text = self.theme.render("sealed.html", &view)?;
        let Some((before, after)) = text.split_once(HOLE) else {
            return Err("the theme's sealed.html must show {{ sealed | safe }} once".into());
        };
        let parts = (before.to_string(), after.to_string());
        shells.insert(root, parts.clone());
        Ok(parts)
    }

    /// The page at `path` with its links pointed at the sealed site's paths.
    fn relink(&self, path: &str, html: &str) -> String {
        let here = self.sealed_path(path);
        let moved = here.rsplit_once('/').map(|(d, _)| d) != path.rsplit_once('/').map(|(d, _)| d);
        let dir: Vec<&str> = path.split('/').collect();
        let dir = &dir[..dir.len() - 1];
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        while let Some(at) = next_link(rest) {
            let (before, after) = rest.split_at(at);
            out.push_str(before);
            let end = after.find('"').unwrap_or(after.len());
            let value = &after[..end];
            match self.relinked(dir, &here, value, moved) {
                Some(new) => out.push_str(&new),
                None => out.push_str(value),
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    /// The new value of one `href`/`src` attribute, if it changes.
    fn relinked(&self, dir: &[&str], here: &str, value: &str, moved: bool) -> Option<String> {
        let decoded = unescape(value);
        let (link, fragment) = match decoded.split_once('#') {
            Some((l, f)) => (l, Some(f)),
            None => (decoded.as_str(), None),
        };
        let first = link.split('/').next().unwrap_or("");
        if link.is_empty() || link.contains('?') || link.starts_with('/') || first.contains(':') {
            return None;
        }
        let mut target: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
        for part in link.split('/') {
            match part {
                ".." => {
                    target.pop()?;
                }
                "." | "" => {}
                p => target.push(percent_encoding::percent_decode_str(p).decode_utf8().ok()?.into_owned()),
            }
        }
        let target = target.join("/");
        let sealed = self.sealed_path(&target);
        if sealed == target && !moved {
            return None;
        }
        let mut out = paths::href(here, &sealed);
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(&f.replace('&', "&amp;").replace('"', "&quot;"));
        }
        Some(out)
    }
}

/// Where the next `href="` or `src="` attribute value starts in `html` (one pass: searching
/// for each name separately rescanned a page without `src` to its end for every link).
fn next_link(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].find("=\"") {
        let at = from + i;
        let before = &html[..at];
        if before.ends_with(" href") || before.ends_with(" src") {
            return Some(at + 2);
        }
        from = at + 2;
    }
    None
}

/// An attribute value with the entities tera and the Markdown renderer write turned back.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl Sink for Sealer<'_> {
    fn put(&self, path: String, content: Content) -> Result<(), WriteError> {
        if path.starts_with("static/") {
            return self.inner.put(path, content);
        }
        let fail = |why: String| WriteError::Io(path.clone().into(), std::io::Error::other(why));
        let bytes = match content {
            Content::Bytes(b) => b,
            Content::Copy(from) | Content::Link(from, _) => {
                // Never follow a link out of the records: regular files only, as the plain build.
                let meta = std::fs::symlink_metadata(&from).map_err(|e| WriteError::Io(from.clone(), e))?;
                if !meta.is_file() {
                    return Ok(());
                }
                std::fs::read(&from).map_err(|e| WriteError::Io(from.clone(), e))?
            }
        };
        let sealed_path = self.sealed_path(&path);
        let root = paths::root_of(&sealed_path);
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            let plain = self.relink(&path, &html);
            let sealed = self.key.seal(&sealed_path, plain.as_bytes()).map_err(fail)?;
            let (before, after) = self.shell(root).map_err(fail)?;
            let shell = [before.as_str(), sealed.as_str(), after.as_str()].concat();
            return self.inner.put(sealed_path, Content::Bytes(shell.into_bytes()));
        }
        // A script runs once opened; any other file is handed over with its name and type.
        let name = path.rsplit('/').next().unwrap_or("");
        let mut plain =
            if path.ends_with(".js") { b"script\n".to_vec() } else { format!("file {name}\n").into_bytes() };
        plain.extend_from_slice(&bytes);
        let sealed = self.key.seal(&sealed_path, &plain).map_err(fail)?;
        let script = format!("window.waymarkSeal.file(\"{sealed}\");\n");
        self.inner.put(sealed_path, Content::Bytes(script.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::with_salt("correct horse battery staple", [7; 16]).expect("key")
    }

    #[test]
    fn a_file_opens_only_at_its_own_path_and_unaltered() {
        let key = key();
        let sealed = key.seal("people/yp-1/index.html", b"hello").expect("sealed");
        assert_eq!(key.open("people/yp-1/index.html", &sealed).as_deref(), Some(&b"hello"[..]));
        assert_eq!(key.open("people/yp-2/index.html", &sealed), None, "moved");
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(&sealed).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(key.open("people/yp-1/index.html", &altered), None, "altered");
        assert_ne!(sealed, key.seal("people/yp-1/index.html", b"hello").expect("again"), "fresh nonce per file");
        assert!(Key::derive("short").is_err());
    }

    #[test]
    fn a_passphrase_opens_the_site_however_its_accents_were_typed() {
        let composed = "caf\u{e9} cr\u{e8}me br\u{fb}l\u{e9}e";
        let decomposed = "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e";
        assert_ne!(composed, decomposed);
        let built = Key::with_salt(composed, [9; 16]).expect("key");
        let typed = Key::with_salt(decomposed, [9; 16]).expect("key");
        let sealed = built.seal("index.html", b"opened").expect("sealed");
        assert_eq!(typed.open("index.html", &sealed).as_deref(), Some(&b"opened"[..]));
        assert!(typed.open(CHECK_AAD, &built.check).is_some());
        let other = Key::with_salt("cafe creme brulee", [9; 16]).expect("key");
        assert_eq!(other.open("index.html", &sealed), None, "accents still count");
    }

    #[test]
    fn the_shell_policy_allows_blob_urls_and_nothing_more() {
        assert_eq!(
            shell_csp(),
            "default-src 'self'; script-src 'self' blob:; style-src 'self' blob:; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'"
        );
    }

    #[test]
    fn pbkdf2_gives_the_published_test_vector() {
        // RFC 7914 section 11, as WebCrypto's deriveBits gives it for the same input.
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        let hex: String = out.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }

    #[test]
    fn sealed_paths_keep_only_layout_words_and_person_ids() {
        let key = key();
        let theme = Theme::load(std::path::Path::new("/nonexistent"), "default").expect("theme");
        let site = std::sync::Mutex::new(crate::site::Site::default());
        let sealer = Sealer::new(&site, &key, &theme, ["yp-0001".to_string()]);
        assert_eq!(sealer.sealed_path("people/yp-0001/index.html"), "people/yp-0001/index.html");
        assert_eq!(sealer.sealed_path("search/t/12.js"), "search/t/12.js");
        assert_eq!(sealer.sealed_path("people/yp-0001/passport.css"), "people/yp-0001/passport.css.js");
        assert_eq!(sealer.sealed_path("static/style.css"), "static/style.css");
        let adviser = sealer.sealed_path("advisers/sam-okafor.html");
        assert!(adviser.starts_with("advisers/") && adviser.ends_with(".html") && !adviser.contains("sam"));
        let file = sealer.sealed_path("people/yp-0001/files/letters/tenancy letter.pdf");
        assert!(file.starts_with("people/yp-0001/files/") && file.ends_with(".js"), "{file}");
        assert!(!file.contains("letter"), "{file}");
        let html = r#"<a href="files&#x2F;letters&#x2F;tenancy%20letter.pdf">x</a> <a href="plan.html#goal-1">p</a> <link href="passport.css">"#;
        let out = sealer.relink("people/yp-0001/index.html", html);
        assert!(!out.contains("tenancy") && out.contains(r#"href="plan.html#goal-1""#), "{out}");
        assert!(out.contains(r#"href="passport.css.js""#), "{out}");
    }
}
