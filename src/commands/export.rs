//! `waymark export`: one young person's records as a self-contained bundle to hand over.

use super::build::{output_folder, render_for, Shared};
use super::{find, today, Fatal};
use crate::audience::Audience;
use crate::cli::ExportArgs;
use crate::render::templates::Theme;
use crate::site::{Content, Site};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The bundle's list of files with their SHA-256, so the young person can check it whole.
pub const MANIFEST: &str = "manifest.csv";

/// Writes the bundle and prints where it is.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &ExportArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    let (mut repo, git, _) = super::records_and_git(&root)?;
    if repo.person(&args.person).is_none() {
        return Err(Fatal(format!(
            "there is no young person `{}` in records/.\n  Give the id of their folder, such as {}.",
            args.person,
            repo.people.first().map(|p| p.id.as_str()).unwrap_or("yp-0001")
        )));
    }
    let out = output_folder(&repo.root, &repo.config.output, Some(&args.out))?;
    refuse_non_empty(&out)?;
    let zip_path = args.zip.then(|| out.with_extension("zip"));
    if let Some(z) = zip_path.as_ref().filter(|z| z.exists()) {
        return Err(Fatal(format!(
            "{} already exists, and an export never writes over a file.\n  Move it away or choose another --out.",
            z.display()
        )));
    }
    let report = crate::check::check_with(&repo, today, Some(&git));
    if args.include_restricted {
        repo.config.notice = Some(
            "This bundle includes restricted notes. Check each one before it is handed over: they may hold what others said in confidence."
                .into(),
        );
    }
    let theme = Theme::load(&repo.root, &repo.config.theme).map_err(Fatal)?;
    let audience = Audience::person(&repo, &args.person, args.include_restricted);
    let details = crate::history::details::DetailCache::in_memory();
    // An export keeps nothing between runs.
    let shared =
        Shared { repo: &repo, report: &report, git: &git, theme: &theme, today, details: &details, cache: None };
    let site = std::sync::Mutex::new(Site::default());
    render_for(&site, &shared, &audience, None, &|| {})?;
    let mut site = site.into_inner().unwrap_or_else(|e| e.into_inner());
    // Never follow a link out of the records: regular files only, as a build copies.
    site.files.retain(|f| match &f.content {
        Content::Copy(from) | Content::Link(from, _) => std::fs::symlink_metadata(from).is_ok_and(|m| m.is_file()),
        Content::Bytes(_) => true,
    });
    let manifest = manifest(&site)?;
    site.add(MANIFEST, manifest);
    if out.exists() {
        // An empty folder the user made: the bundle takes its place whole.
        std::fs::remove_dir(&out).map_err(|e| Fatal(format!("cannot use {}: {e}", out.display())))?;
    }
    let files = crate::site::write(&site, &out).map_err(|e| Fatal(e.to_string()))?;
    if let Some(z) = &zip_path {
        write_zip(&site, z)?;
    }
    let here = std::env::current_dir().unwrap_or_default();
    let shown = out.strip_prefix(&here).unwrap_or(&out);
    println!(
        "exported {} about {} into {}{}: open {} in a browser; {MANIFEST} lists every file with its SHA-256.",
        crate::words::count(files, "file"),
        crate::term::visible(&args.person),
        crate::term::visible(&shown.to_string_lossy()),
        zip_path.as_ref().map(|z| format!(" and {}", z.strip_prefix(&here).unwrap_or(z).display())).unwrap_or_default(),
        shown.join("index.html").display(),
    );
    Ok(0)
}

/// Refuses a folder that exists and holds anything: an export never mixes with other files.
fn refuse_non_empty(out: &Path) -> Result<(), Fatal> {
    match std::fs::symlink_metadata(out) {
        Err(_) => Ok(()),
        Ok(meta) if !meta.is_dir() => {
            Err(Fatal(format!("{} exists and is not a folder.\n  Choose a new folder with --out DIR.", out.display())))
        }
        Ok(_) => {
            let mut entries =
                std::fs::read_dir(out).map_err(|e| Fatal(format!("cannot read {}: {e}", out.display())))?;
            match entries.next() {
                None => Ok(()),
                Some(_) => Err(Fatal(format!(
                    "{} is not empty, and an export never writes over other files.\n  Choose a new or empty folder with --out DIR.",
                    out.display()
                ))),
            }
        }
    }
}

/// The bytes of one file of the bundle.
fn bytes_of(content: &Content) -> Result<std::borrow::Cow<'_, [u8]>, Fatal> {
    match content {
        Content::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
        Content::Copy(from) | Content::Link(from, _) => std::fs::read(from)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| Fatal(format!("cannot read {}: {e}", from.display()))),
    }
}

/// `path,bytes,sha256` for every file, sorted by path.
fn manifest(site: &Site) -> Result<String, Fatal> {
    let mut rows = Vec::new();
    for f in &site.files {
        let bytes = bytes_of(&f.content)?;
        let hash: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        rows.push((f.path.clone(), bytes.len(), hash));
    }
    rows.sort();
    let mut out = String::from("path,bytes,sha256\n");
    for (path, len, hash) in rows {
        out.push_str(&format!("{},{len},{hash}\n", csv_field(&path)));
    }
    Ok(out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes the bundle as one zip file: beside, then renamed into place.
fn write_zip(site: &Site, path: &Path) -> Result<(), Fatal> {
    let fail = |e: &dyn std::fmt::Display| Fatal(format!("cannot write {}: {e}", path.display()));
    let partial = path.with_extension("zip.partial");
    let file = std::fs::File::create(&partial).map_err(|e| fail(&e))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut files: Vec<_> = site.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let written = (|| -> Result<(), Fatal> {
        for f in files {
            zip.start_file(f.path.as_str(), options).map_err(|e| fail(&e))?;
            std::io::Write::write_all(&mut zip, &bytes_of(&f.content)?).map_err(|e| fail(&e))?;
        }
        zip.finish().map_err(|e| fail(&e))?;
        Ok(())
    })();
    if let Err(e) = written.and_then(|_| std::fs::rename(&partial, path).map_err(|e| fail(&e))) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(())
}
