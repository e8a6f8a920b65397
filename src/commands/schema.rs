//! `waymark schema`: write the JSON Schemas of the records (and, asked, VS Code's settings).

use super::{find, Fatal};
use crate::cli::SchemaArgs;
use crate::schema;
use std::path::Path;

/// Writes the schemas into `--out` or `.waymark/schema/`; with `--vscode`, points `.vscode/settings.json` at them.
pub fn run(root: Option<&Path>, args: &SchemaArgs) -> Result<u8, Fatal> {
    let root = find(root)?;
    let here = std::env::current_dir().map_err(|e| Fatal(format!("cannot read the working folder: {e}")))?;
    let dir = match &args.out {
        Some(dir) => super::normalise(&here.join(dir)),
        None => root.join(schema::DEFAULT_DIR),
    };
    let written = schema::write_all(&dir).map_err(Fatal)?;
    println!("wrote {} into {}", crate::words::count(written.len(), "schema"), shown(&dir));
    if args.vscode {
        let rel = dir.strip_prefix(&root).map_err(|_| {
            Fatal(format!(
                "--vscode needs the schemas inside the repository, but {} is outside {}.\n  Leave out --out, or name a folder inside the repository.",
                shown(&dir),
                shown(&root)
            ))
        })?;
        let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let settings = root.join(".vscode").join("settings.json");
        let existing = match std::fs::read_to_string(&settings) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Fatal(format!("cannot read {}: {e}", shown(&settings)))),
        };
        let text = schema::merge_vscode_settings(existing.as_deref(), &rel.join("/")).map_err(|why| {
            Fatal(format!(
                "{} was left as it is: {why}.\n  Add this setting to it yourself:\n{}",
                shown(&settings),
                schema::yaml_schemas(&rel.join("/"))
            ))
        })?;
        std::fs::create_dir_all(root.join(".vscode")).map_err(|e| Fatal(format!("cannot create .vscode: {e}")))?;
        crate::site::write_file_atomically(&settings, text.as_bytes())
            .map_err(|e| Fatal(format!("cannot write {}: {e}", shown(&settings))))?;
        println!(
            "set yaml.schemas in {}: with a YAML extension (such as Red Hat's), VS Code completes and checks record fields",
            shown(&settings)
        );
    }
    Ok(0)
}

fn shown(path: &Path) -> String {
    crate::term::visible(&path.display().to_string()).into_owned()
}
