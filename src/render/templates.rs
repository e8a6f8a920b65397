//! The theme: tera templates and static files, built in, each overridable by the repository.
//!
//! The built-in theme in `themes/default/` is compiled into the binary. A
//! repository's `themes/<site.theme>/templates/<file>` or `static/<file>`
//! replaces the built-in file of the same name; extra static files are added.

use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

/// The built-in templates: (name, text).
const TEMPLATES: &[(&str, &str)] = &[
    ("head.html", include_str!("../../themes/default/templates/head.html")),
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("macros.html", include_str!("../../themes/default/templates/macros.html")),
    ("dashboard.html", include_str!("../../themes/default/templates/dashboard.html")),
    ("board.html", include_str!("../../themes/default/templates/board.html")),
    ("manager.html", include_str!("../../themes/default/templates/manager.html")),
    ("adviser.html", include_str!("../../themes/default/templates/adviser.html")),
    ("person.html", include_str!("../../themes/default/templates/person.html")),
    ("plan.html", include_str!("../../themes/default/templates/plan.html")),
    ("transition.html", include_str!("../../themes/default/templates/transition.html")),
    ("passport.html", include_str!("../../themes/default/templates/passport.html")),
    ("report.html", include_str!("../../themes/default/templates/report.html")),
    ("search.html", include_str!("../../themes/default/templates/search.html")),
    ("history.html", include_str!("../../themes/default/templates/history.html")),
    ("supervision.html", include_str!("../../themes/default/templates/supervision.html")),
    ("return.html", include_str!("../../themes/default/templates/return.html")),
    ("passport.css", include_str!("../../themes/default/templates/passport.css")),
    ("sealed.html", include_str!("../../themes/default/templates/sealed.html")),
];

/// The built-in static files: (path under `static/`, bytes).
const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
    ("print.js", include_bytes!("../../themes/default/static/print.js")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
    ("unlock.js", include_bytes!("../../themes/default/static/unlock.js")),
];

/// Compiled templates and the static files to copy.
pub struct Theme {
    /// The compiled templates.
    pub tera: Tera,
    /// Static files by path under `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Every template's text and static file, fingerprinted, so a build knows when the theme changed.
    fingerprint: u128,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("statics", &self.statics.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

impl Theme {
    /// The built-in theme alone.
    pub fn builtin() -> Result<Theme, String> {
        Theme::build(BTreeMap::new(), BTreeMap::new())
    }

    /// The built-in theme with the repository's `themes/<name>/` laid over it.
    ///
    /// A theme other than `default` must exist; `default` needs no folder.
    pub fn load(root: &Path, name: &str) -> Result<Theme, String> {
        let plain = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && !name.starts_with('.');
        if !plain {
            return Err(format!(
                "site.theme `{name}` is not a plain folder name.\n  Name a folder under themes/, such as `default`."
            ));
        }
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            if name == "default" {
                return Theme::builtin();
            }
            return Err(format!(
                "site.theme is `{name}`, but there is no folder {}.\n  Create it, or set `theme: default` in waymark.yaml.",
                dir.display()
            ));
        }
        let templates = read_tree(&dir.join("templates"))?
            .into_iter()
            .map(|(name, bytes)| {
                String::from_utf8(bytes).map(|text| (name.clone(), text)).map_err(|_| {
                    format!("{}: the template is not UTF-8 text", dir.join("templates").join(&name).display())
                })
            })
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        let statics = read_tree(&dir.join("static"))?;
        Theme::build(templates, statics)
    }

    fn build(
        overrides: BTreeMap<String, String>,
        static_overrides: BTreeMap<String, Vec<u8>>,
    ) -> Result<Theme, String> {
        let mut all: BTreeMap<String, String> =
            TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
        all.extend(overrides);
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("css_string", css_string);
        tera.register_filter("count", crate::words::count_filter);
        tera.register_filter("noun", crate::words::noun_filter);
        tera.register_filter("a", crate::words::a_filter);
        tera.register_function("csp", csp);
        tera.add_raw_templates(all.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| format!("the theme's templates do not compile: {}", error_chain(&e)))?;
        let mut statics: BTreeMap<String, Vec<u8>> =
            STATIC.iter().map(|(name, bytes)| (name.to_string(), bytes.to_vec())).collect();
        statics.extend(static_overrides);
        let mut f = super::reuse::Fingerprint::default();
        std::hash::Hash::hash(&all, &mut f);
        std::hash::Hash::hash(&statics, &mut f);
        Ok(Theme { tera, statics, fingerprint: f.value() })
    }

    /// A fingerprint of the theme's templates and static files.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// Renders one template with a serialisable context.
    pub fn render<T: serde::Serialize>(&self, template: &str, context: &T) -> Result<String, String> {
        let ctx = tera::Context::from_serialize(context)
            .map_err(|e| format!("cannot prepare {template}: {}", error_chain(&e)))?;
        self.tera.render(template, &ctx).map_err(|e| format!("template {template}: {}", error_chain(&e)))
    }
}

/// Tera function `csp()`: the pages' Content-Security-Policy, the one `waymark serve` sends
/// too; `csp(blob=true)`: an encrypted site's shell's, which also allows `blob:` URLs.
fn csp(args: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let blob = args.get("blob").and_then(tera::Value::as_bool).unwrap_or(false);
    Ok(if blob { crate::seal::shell_csp() } else { crate::serve::guard::PAGE_CSP.to_string() }.into())
}

/// Tera filter: text made safe inside a double-quoted CSS string (everything but letters,
/// digits and spaces becomes a CSS escape, so no quote, backslash or `</style>` survives).
fn css_string(value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:X} ", c as u32));
        }
    }
    Ok(tera::Value::String(out))
}

/// A tera error with its causes, which hold the useful part (line, variable).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Every regular file under `dir` by `/`-separated relative path; an absent folder is empty.
fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(false).min_depth(1) {
        let entry = entry.map_err(|e| format!("cannot read the theme folder {}: {e}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        if rel.iter().any(|s| s.starts_with('.')) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("cannot read {}: {e}", entry.path().display()))?;
        out.insert(rel.join("/"), bytes);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_compiles() {
        let theme = Theme::builtin().expect("built-in theme compiles");
        assert!(theme.statics.contains_key("style.css"));
        for (name, _) in TEMPLATES {
            assert!(theme.tera.get_template_names().any(|n| n == *name), "{name}");
        }
    }

    #[test]
    fn repository_files_override_single_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let theme_dir = dir.path().join("themes/mine");
        std::fs::create_dir_all(theme_dir.join("templates")).expect("mkdir");
        std::fs::create_dir_all(theme_dir.join("static")).expect("mkdir");
        std::fs::write(theme_dir.join("templates/report.html"), "custom {{ title }}").expect("write");
        std::fs::write(theme_dir.join("static/style.css"), "body{}").expect("write");
        std::fs::write(theme_dir.join("static/logo.txt"), "x").expect("write");
        let theme = Theme::load(dir.path(), "mine").expect("theme loads");
        let out = theme.render("report.html", &serde_json::json!({"title": "<b>"})).expect("renders");
        assert_eq!(out, "custom &lt;b&gt;");
        assert_eq!(theme.statics.get("style.css").map(Vec::as_slice), Some(&b"body{}"[..]));
        assert!(theme.statics.contains_key("logo.txt") && theme.statics.contains_key("print.js"));
        assert!(Theme::load(dir.path(), "missing").is_err());
        assert!(Theme::load(dir.path(), "../x").is_err());
        assert!(Theme::load(dir.path(), "default").is_ok());
    }

    #[test]
    fn css_strings_cannot_escape_their_quotes() {
        let theme = Theme::builtin().expect("built-in theme compiles");
        let ctx = serde_json::json!({"person": {"full_name": "A\"}</style>\\ B"}, "site": {"today": "1 Jan 2026"}});
        let css = theme.render("passport.css", &ctx).expect("renders");
        assert!(css.contains(r#"content: "A\22 \7D \3C \2F style\3E \5C  B \B7  health passport"#), "{css}");
    }
}
