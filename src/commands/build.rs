//! `waymark build`: load, check, render and write the site; print a summary.

use super::{find, today, Fatal};
use crate::audience::Audience;
use crate::cli::BuildArgs;
use crate::diag::Severity;
use crate::history::details::DetailCache;
use crate::progress::Progress;
use crate::render::history::SiteHistory;
use crate::render::reuse::Reuse;
use crate::render::templates::Theme;
use crate::seal::{Key, Sealer};
use crate::words::count;
use std::path::{Path, PathBuf};

/// Builds the site (and the further sites waymark.yaml lists) and prints a summary of each;
/// returns the exit status (1 with `--strict` and errors).
pub fn run(root: Option<&Path>, today_arg: Option<&str>, args: &BuildArgs) -> Result<u8, Fatal> {
    let today = today(today_arg)?;
    let root = find(root)?;
    // Asked before the work starts, so the prompt is not lost under the progress bar.
    let key = if args.encrypt { Some(derive(&passphrase()?)?) } else { None };
    let progress = Progress::start();
    progress.stage("reading history and records", None);
    let (repo, git, cache_dir) = super::records_and_git(&root)?;
    progress.stage("checking", None);
    // The theme's templates are read and compiled while the rules run.
    let (report, theme) = rayon::join(
        || crate::check::check_with(&repo, today, Some(&git)),
        || Theme::load(&repo.root, &repo.config.theme),
    );
    let theme = theme.map_err(Fatal)?;
    let details = match git.history.git() {
        Some(_) => DetailCache::open(&root.join(crate::history::CACHE_DIR)),
        None => DetailCache::in_memory(),
    };
    let audience = match args.caseload.as_slice() {
        [] => Audience::everyone(),
        staff => Audience::caseload(&repo, staff).map_err(Fatal)?,
    };
    let mut targets =
        vec![Target { output: output_folder(&repo.root, &repo.config.output, args.output.as_deref())?, audience, key }];
    // The sites of waymark.yaml come with a plain `waymark build`; --caseload builds one site only.
    if args.caseload.is_empty() {
        for spec in &repo.config.sites {
            let key = match &spec.passphrase_env {
                Some(var) => Some(derive(&std::env::var(var).map_err(|_| {
                    Fatal(format!(
                        "waymark.yaml's site {} takes its passphrase from the environment variable {var}, which is not set.\n  Set it (for example `export {var}=...` in this terminal) and build again.",
                        spec.output
                    ))
                })?)?),
                None => None,
            };
            targets.push(Target {
                output: output_folder(&repo.root, &spec.output, None)?,
                audience: Audience::caseload(&repo, &spec.staff).map_err(Fatal)?,
                key,
            });
        }
    }
    let shared = Shared {
        repo: &repo,
        report: &report,
        git: &git,
        theme: &theme,
        today,
        details: &details,
        cache: cache_dir.as_deref(),
    };
    let mut built = Vec::new();
    for target in &targets {
        progress.stage("rendering and writing pages", Some(repo.people.len() as u64));
        let staging = crate::site::Staging::framed(&target.output).map_err(|e| Fatal(e.to_string()))?;
        // A sealed file differs from the last build's by its nonce, however little changed.
        let staging = if target.key.is_none() { staging.keeping_identical() } else { staging };
        // Only a plain site for everyone keeps pages from the last build: a sealed file is bound
        // to its build's key, and a caseload site's pages to its audience.
        let keep = (target.key.is_none() && target.audience.is_everyone()).then_some((&*target.output, args.full));
        let (people, kept) = match &target.key {
            Some(key) => {
                let sealer = Sealer::new(&staging, key, &theme, repo.people.iter().map(|p| p.id.clone()));
                render_for(&sealer, &shared, &target.audience, None, &|| progress.step())?
            }
            None => render_for(&staging, &shared, &target.audience, keep, &|| progress.step())?,
        };
        let pages = staging.pages();
        progress.stage("swapping the new site in", None);
        staging.finish().map_err(|e| Fatal(e.to_string()))?;
        built.push((target, pages, people, kept));
    }
    // A cache that cannot be written only costs time on the next build.
    let _ = details.save();
    progress.finish();
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let here = std::env::current_dir().ok().map(|h| super::real_path(&h)).unwrap_or_default();
    for (target, pages, people, kept) in built {
        let shown = target.output.strip_prefix(&here).unwrap_or(&target.output);
        let open = crate::term::visible(&shown.join("index.html").to_string_lossy()).into_owned();
        let shown = crate::term::visible(&shown.to_string_lossy()).into_owned();
        let what = match (&target.key, target.audience.is_everyone()) {
            (Some(_), true) => "an encrypted site ",
            (Some(_), false) => "an encrypted caseload site ",
            (None, false) => "a caseload site ",
            (None, true) => "",
        };
        let kept = match kept {
            0 => String::new(),
            n => format!(" ({n} of them with pages unchanged since the last build, kept)"),
        };
        println!(
            "built {what}{} for {}{kept} into {shown}: {}, {}. Open {open} in a browser.",
            count(pages, "page"),
            count(people, "young person"),
            count(errors, "error"),
            count(warnings, "warning"),
        );
    }
    // Freeing a hundred thousand records piece by piece takes a tenth of a second that the
    // process's exit, which hands all its memory back at once, does not need.
    std::mem::forget((repo, git, report, details));
    Ok(if args.strict && errors > 0 { 1 } else { 0 })
}

/// One site of a build: where it goes, who it is for, and the key that seals it, if any.
struct Target {
    output: PathBuf,
    audience: Audience,
    key: Option<Key>,
}

/// What every site of one run is made from: the whole repository, its report and its history.
pub(crate) struct Shared<'a> {
    pub(crate) repo: &'a crate::model::Repository,
    pub(crate) report: &'a crate::check::Report,
    pub(crate) git: &'a crate::check::GitState,
    pub(crate) theme: &'a Theme,
    pub(crate) today: crate::model::date::Date,
    pub(crate) details: &'a DetailCache,
    /// Where caches are kept between builds ([`crate::history::cache_dir`]).
    pub(crate) cache: Option<&'a Path>,
}

/// Renders the site `audience` sees into `sink`, keeping unchanged pages from the last build in
/// `keep` when given (unless it says `--full`, when only the record of what was made is written); returns how many young people it shows and how many kept their pages.
pub(crate) fn render_for(
    sink: &dyn crate::site::Sink,
    shared: &Shared,
    audience: &Audience,
    keep: Option<(&Path, bool)>,
    done: &(dyn Fn() + Sync),
) -> Result<(usize, usize), Fatal> {
    let filtered;
    let (repo, report) = if audience.is_everyone() {
        (shared.repo, std::borrow::Cow::Borrowed(shared.report))
    } else {
        filtered = audience.repository(shared.repo);
        (&filtered, std::borrow::Cow::Owned(audience.report(shared.report)))
    };
    let history = SiteHistory::new(&shared.git.history, repo, &shared.git.uncommitted)
        .with_details(shared.details)
        .for_audience(audience);
    let reuse = match keep {
        Some((output, full)) => {
            Reuse::new(Some(output), full, repo, shared.today, shared.theme, &history).with_cache(shared.cache)
        }
        None => Reuse::nothing(),
    };
    crate::render::render_to(sink, repo, audience, &report, shared.today, shared.theme, &history, &reuse, done)
        .map_err(Fatal)?;
    Ok((repo.people.len(), reuse.kept_units()))
}

/// The passphrase of `--encrypt`: WAYMARK_PASSPHRASE, else asked for twice on the terminal.
fn passphrase() -> Result<String, Fatal> {
    if let Ok(p) = std::env::var("WAYMARK_PASSPHRASE") {
        return Ok(p);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(Fatal(
            "--encrypt needs a passphrase, and there is no terminal to ask for one.\n  Set the WAYMARK_PASSPHRASE environment variable (never a command-line flag, which other users of the computer can see).".into(),
        ));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| Fatal(format!("cannot read the passphrase: {e}")))
    };
    let first = ask("Passphrase for the encrypted site: ")?;
    if first != ask("The same passphrase again: ")? {
        return Err(Fatal("the two passphrases differ, so nothing was built.\n  Run the command again and type the same passphrase twice.".into()));
    }
    Ok(first)
}

fn derive(passphrase: &str) -> Result<Key, Fatal> {
    Key::derive(passphrase).map_err(|e| Fatal(format!("--encrypt: {e}")))
}

/// The folder to build into: `--output` (relative to the working folder) or `site.output` under the root,
/// as a real path (every link resolved), which is also the path written to.
///
/// Refuses the root itself and any folder inside `records/`, where the site would be read back as
/// records; compared on real paths, so a link into `records/` is refused like the folder itself.
pub fn output_folder(root: &Path, configured: &str, arg: Option<&Path>) -> Result<PathBuf, Fatal> {
    let here = std::env::current_dir().map_err(|e| Fatal(format!("cannot read the working folder: {e}")))?;
    let given = match arg {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        Some(dir) => here.join(dir),
        None => root.join(configured),
    };
    let output = super::real_path(&given);
    let root = super::real_path(root);
    let records = super::real_path(&root.join("records"));
    if output.starts_with(&records) || output == root {
        let through = if output == super::normalise(&given) {
            String::new()
        } else {
            format!(" ({} leads there through a link)", given.display())
        };
        return Err(Fatal(format!(
            "refusing to build into {}{through}: that would mix the site with the records.\n  Choose a folder outside records/, such as public.",
            output.display()
        )));
    }
    Ok(output)
}
