//! `waymark return 903`: the DfE's care-leaver return (SSDA903 OC3) as OC3.csv and return.html.

use super::{find, today, Fatal};
use crate::cli::Return903Args;
use crate::dfe::{self, cohort::CollectionYear, AsOf, GitRecords, TodayRecords};
use crate::model::Repository;
use crate::render::templates::Theme;
use crate::site::Site;
use std::path::{Path, PathBuf};

/// Builds the return and writes it; exit status 1 when some young people could not be given a row.
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &Return903Args) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let year = CollectionYear::new(args.year).ok_or_else(|| {
        Fatal(format!(
            "--year {}: not a collection year Waymark can make.\n  Give the year the collection ends in, for example --year 2026 for 1 April 2025 to 31 March 2026.",
            args.year
        ))
    })?;
    let root = find(root)?;
    let repo = crate::load::load(&root)?;
    let mut as_of = as_of(&root, &repo, year);
    let ret = dfe::build(&repo, year, today, args.partial, as_of.as_mut()).map_err(|e| Fatal(e.0))?;

    let theme = Theme::load(&repo.root, &repo.config.theme).map_err(Fatal)?;
    let page = theme.render("return.html", &dfe::page::view(&ret, &repo.config.organisation)).map_err(Fatal)?;
    let mut site = Site::default();
    site.add("OC3.csv", ret.csv());
    site.add("return.html", page);
    if let Some(css) = theme.statics.get("style.css") {
        site.add("static/style.css", css.clone());
    }
    let out = out_folder(&root, year, args.out.as_deref())?;
    crate::site::write(&site, &out).map_err(|e| Fatal(e.to_string()))?;

    let view = dfe::page::view(&ret, "");
    let shown = out.strip_prefix(std::env::current_dir().unwrap_or_default()).unwrap_or(&out);
    println!(
        "wrote the {} care-leaver return into {}: {} in OC3.csv, {} with problems (no row written), {} left out.{}{} Read {} before uploading.",
        year.label(),
        shown.display(),
        view.included.len(),
        view.problems.len(),
        view.left_out.len(),
        if ret.partial { " The year has not ended: the return is partial." } else { "" },
        if ret.not_from_git.is_some() { " Status was taken from today's records, not from git." } else { "" },
        shown.join("return.html").display(),
    );
    Ok(if view.problems.is_empty() { 0 } else { 1 })
}

/// Where statuses at each birthday come from: git when the repository has history, else today's records.
fn as_of<'a>(root: &Path, repo: &'a Repository, year: CollectionYear) -> Box<dyn AsOf + 'a> {
    match GitRecords::open(root, year.start()) {
        Ok(git) => Box::new(git),
        Err(why) => Box::new(TodayRecords { repo, why }),
    }
}

/// `--out` (relative to the working folder) or `returns/ssda903-YYYY` under the repository.
fn out_folder(root: &Path, year: CollectionYear, arg: Option<&Path>) -> Result<PathBuf, Fatal> {
    let here = std::env::current_dir().map_err(|e| Fatal(format!("cannot read the working folder: {e}")))?;
    let out = match arg {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        Some(dir) => here.join(dir),
        None => {
            let returns = root.join("returns");
            std::fs::create_dir_all(&returns)
                .map_err(|e| Fatal(format!("cannot make the folder {}: {e}", returns.display())))?;
            returns.join(format!("ssda903-{}", year.ends))
        }
    };
    let out = super::normalise(&out);
    if out.starts_with(super::normalise(&root.join("records"))) || out == super::normalise(root) {
        return Err(Fatal(format!(
            "refusing to write the return into {}: that would mix it with the records.\n  Choose a folder outside records/ with --out DIR.",
            out.display()
        )));
    }
    Ok(out)
}
