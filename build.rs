//! Embeds the sample records repository (this project's own `waymark.yaml`, `records/` and `staff/`) in the
//! binary, so `waymark init --sample` can recreate it anywhere. The list is made from the folder at
//! build time so the sample in the binary is always the one the tests check.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=records");
    println!("cargo:rerun-if-changed=waymark.yaml");
    println!("cargo:rerun-if-changed=staff");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("waymark.yaml")];
    collect(&root.join("records"), &mut files);
    collect(&root.join("staff"), &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({:?}).as_slice()),", file.display().to_string());
    }
    out.push(']');
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("sample_files.rs");
    std::fs::write(dest, out).expect("write the sample list");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
