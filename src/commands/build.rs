//! `waymark build`: load, check, render and write the site; print a summary.

use super::{find, today, Fatal};
use crate::cli::BuildArgs;
use crate::diag::Severity;
use crate::history::details::DetailCache;
use crate::progress::Progress;
use crate::render::history::SiteHistory;
use crate::render::reuse::Reuse;
use crate::render::templates::Theme;
use std::path::{Path, PathBuf};

/// Builds the site and prints a summary; returns the exit status (1 with `--strict` and errors).
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &BuildArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let progress = Progress::start();
    let root = find(root)?;
    progress.stage("reading history", None);
    let git = crate::check::GitState::open(&root);
    progress.stage("reading records", None);
    let repo = crate::load::load(&root)?;
    progress.stage("checking", None);
    let report = crate::check::check_with(&repo, today, Some(&git));
    let details = match git.history.git() {
        Some(_) => DetailCache::open(&root.join(crate::history::CACHE_DIR)),
        None => DetailCache::in_memory(),
    };
    let history = SiteHistory::new(&git.history, &repo, &git.uncommitted).with_details(&details);
    let theme = Theme::load(&repo.root, &repo.config.theme).map_err(Fatal)?;
    let output = output_folder(&repo.root, &repo.config.output, args.output.as_deref())?;
    progress.stage("rendering and writing pages", Some(repo.people.len() as u64));
    let staging = crate::site::Staging::new(&output).map_err(|e| Fatal(e.to_string()))?;
    let reuse = Reuse::new(Some(&output), args.full, &repo, today, &theme, &history);
    crate::render::render_to(&staging, &repo, &report, today, &theme, &history, &reuse, &|| progress.step())
        .map_err(Fatal)?;
    let pages = staging.pages();
    // A cache that cannot be written only costs time on the next build.
    let _ = details.save();
    progress.stage("swapping the new site in", None);
    let written = staging.finish();
    progress.finish();
    written.map_err(|e| Fatal(e.to_string()))?;
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let shown = output.strip_prefix(std::env::current_dir().unwrap_or_default()).unwrap_or(&output);
    let kept = match reuse.kept_units() {
        0 => String::new(),
        n => format!(" ({n} of them with pages unchanged since the last build, kept)"),
    };
    println!(
        "built {} pages for {} young people{kept} into {}: {errors} {}, {warnings} {}. Open {} in a browser.",
        pages,
        repo.people.len(),
        shown.display(),
        if errors == 1 { "error" } else { "errors" },
        if warnings == 1 { "warning" } else { "warnings" },
        shown.join("index.html").display(),
    );
    Ok(if args.strict && errors > 0 { 1 } else { 0 })
}

/// The folder to build into: `--output` (relative to the working folder) or `site.output` under the root.
///
/// Refuses a folder inside `records/`, where the site would be read back as records.
fn output_folder(root: &Path, configured: &str, arg: Option<&Path>) -> Result<PathBuf, Fatal> {
    let here = std::env::current_dir().map_err(|e| Fatal(format!("cannot read the working folder: {e}")))?;
    let output = match arg {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        Some(dir) => here.join(dir),
        None => root.join(configured),
    };
    let output = super::normalise(&output);
    let records = super::normalise(&root.join("records"));
    if output.starts_with(&records) || output == super::normalise(root) {
        return Err(Fatal(format!(
            "refusing to build into {}: that would mix the site with the records.\n  Choose a folder outside records/, such as public.",
            output.display()
        )));
    }
    Ok(output)
}
