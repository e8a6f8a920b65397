//! JSON Schemas (draft 2020-12) for each kind of record, made from the field tables the loader
//! itself reads ([`Kind::fields`]), and the `.vscode/settings.json` that points editors at them.

use crate::load::records::Kind;
use crate::load::spec::{Field, Ty};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// Where `waymark schema` writes, relative to the repository root, unless told otherwise.
pub const DEFAULT_DIR: &str = ".waymark/schema";

/// The schema file's name for a kind of record, such as `health-passport.schema.json`.
pub fn file_name(kind: Kind) -> String {
    format!("{}.schema.json", kind.type_name())
}

/// The JSON Schema of one kind of record's front matter.
pub fn schema(kind: Kind) -> Value {
    let mut s = object(kind.fields());
    if let Value::Object(m) = &mut s {
        let mut top = Map::new();
        top.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        top.insert("title".into(), json!(format!("Waymark {} front matter", kind.type_name())));
        top.insert(
            "description".into(),
            json!(format!("The fields between the `---` lines of {} (written by `waymark schema`).", kind.glob())),
        );
        top.append(m);
        return Value::Object(top);
    }
    s
}

/// A set of fields: known keys only, required ones listed.
fn object(fields: &[Field]) -> Value {
    let properties: Map<String, Value> = fields.iter().map(|f| (f.name.to_string(), field(f))).collect();
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    let mut m = Map::new();
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    // An unknown field is an `unknown-field` warning from `waymark check`; editors underline it too.
    m.insert("additionalProperties".into(), json!(false));
    Value::Object(m)
}

/// One field's schema. An empty optional field (`key:`) is read as absent, so it may be null.
fn field(f: &Field) -> Value {
    let mut v = match f.ty {
        Ty::Text => json!({ "type": ["string", "number", "boolean"] }),
        Ty::Date => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Count => json!({ "type": "integer", "minimum": 0 }),
        Ty::OneOf(words) => json!({ "enum": words }),
        Ty::OneOfList(words) => json!({ "type": "array", "items": { "enum": words } }),
        Ty::TextList => json!({ "type": "array", "items": { "type": ["string", "number", "boolean"] } }),
        Ty::Map(fields) => object(fields),
        Ty::MapList(fields) => json!({ "type": "array", "items": object(fields) }),
        Ty::Scores => json!({ "type": "object", "additionalProperties": { "type": "number" } }),
    };
    if !f.required {
        allow_null(&mut v);
    }
    v
}

fn allow_null(v: &mut Value) {
    let Value::Object(m) = v else { return };
    if let Some(Value::Array(words)) = m.get_mut("enum") {
        words.push(Value::Null);
        return;
    }
    match m.get_mut("type") {
        Some(Value::Array(types)) => types.push(json!("null")),
        Some(t @ Value::String(_)) => *t = json!([t.clone(), "null"]),
        _ => {}
    }
}

/// Every kind's schema as pretty JSON, by file name.
pub fn all() -> Vec<(String, String)> {
    Kind::ALL
        .iter()
        .map(|k| {
            let mut text = serde_json::to_string_pretty(&schema(*k)).unwrap_or_default();
            text.push('\n');
            (file_name(*k), text)
        })
        .collect()
}

/// Writes every schema into `dir` (created if needed), each file swapped in whole; returns their paths.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    all()
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            crate::site::write_file_atomically(&path, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// The `yaml.schemas` setting: each kind's schema file (under `dir`, relative to the repository
/// root) and the record files it applies to.
pub fn yaml_schemas(dir: &str) -> Value {
    let dir = dir.trim_end_matches('/');
    let map: Map<String, Value> =
        Kind::ALL.iter().map(|k| (format!("./{dir}/{}", file_name(*k)), json!([k.glob()]))).collect();
    Value::Object(map)
}

/// The content of `.vscode/settings.json` for a new repository: editors with YAML support
/// complete and check front matter against the schemas in [`DEFAULT_DIR`].
pub fn vscode_settings() -> String {
    let mut text =
        serde_json::to_string_pretty(&json!({ "yaml.schemas": yaml_schemas(DEFAULT_DIR) })).unwrap_or_default();
    text.push('\n');
    text
}

/// `existing` settings (JSON) with `yaml.schemas` set for schemas in `dir`; other settings are kept.
pub fn merge_vscode_settings(existing: Option<&str>, dir: &str) -> Result<String, String> {
    let mut settings = match existing.map(str::trim) {
        None | Some("") => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            _ => return Err("it is not plain JSON (VS Code allows comments there; Waymark cannot keep them)".into()),
        },
    };
    settings.insert("yaml.schemas".into(), yaml_schemas(dir));
    let mut text = serde_json::to_string_pretty(&Value::Object(settings)).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_follows_the_loaders_table() {
        let profile = schema(Kind::Profile);
        assert_eq!(profile["required"], json!(["name", "date_of_birth", "legal_status"]));
        let legal = profile["properties"]["legal_status"]["enum"].as_array().expect("an enum");
        assert!(legal.contains(&json!("former-relevant")) && !legal.contains(&Value::Null));
        assert!(profile["properties"]["accommodation"]["properties"]["type"]["enum"]
            .as_array()
            .is_some_and(|a| a.contains(&json!("semi-independent")) && a.contains(&Value::Null)));
        for kind in Kind::ALL {
            let s = schema(*kind);
            let names: Vec<&String> = s["properties"].as_object().expect("properties").keys().collect();
            assert_eq!(names.len(), kind.fields().len(), "{kind:?}");
        }
    }

    #[test]
    fn vscode_settings_map_each_glob() {
        let v: Value = serde_json::from_str(&vscode_settings()).expect("JSON");
        assert_eq!(v["yaml.schemas"]["./.waymark/schema/note.schema.json"], json!(["records/*/notes/*.md"]));
        let merged = merge_vscode_settings(Some("{\"editor.tabSize\": 2}"), "schemas").expect("merges");
        assert!(merged.contains("editor.tabSize") && merged.contains("./schemas/profile.schema.json"));
        assert!(merge_vscode_settings(Some("{ // comment\n}"), "s").is_err());
    }
}
