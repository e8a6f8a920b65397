//! Times `waymark check` and `waymark build` on generated corpora of several sizes.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example bench_check [-- --sizes 5000,100000] [--runs 5] [--no-git]
//!     [--commands check,build,encrypt]
//! ```
//!
//! `encrypt` is `waymark build --encrypt` (passphrase from WAYMARK_PASSPHRASE, or a fixed
//! one for the benchmark) into `target/bench-site/<corpus>-encrypted/`; build rows also give
//! the size of the site written.
//!
//! Corpora are made by the `synth` example's generator under `target/bench-corpus/` and kept
//! for later runs. `build` writes to `target/bench-site/<corpus>/`, which every run after the
//! first replaces as a whole (`--full`: every page rendered again), as it would a site from the day before. `WAYMARK_BIN` overrides the binary under test, so the harness itself can be
//! tried against a stand-in such as `/bin/true`.

#[path = "bench_util/mod.rs"]
mod bench_util;
#[allow(dead_code)] // only `generate` and its types are used here; `main` belongs to `synth`
#[path = "synth.rs"]
mod synth;

use bench_util::{markdown_bytes, run_once, target_dir};

use std::error::Error;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const USAGE: &str = "usage: bench_check [--sizes 5000,100000] [--runs 5] [--no-git] [--commands check,build,encrypt]";

/// Timings of one command on one corpus.
struct Row {
    command: &'static str,
    notes: usize,
    people: usize,
    md_bytes: u64,
    median: Duration,
    min: Duration,
    max_rss_kb: i64,
    exit: String,
    /// Bytes of the site written, for the build commands.
    site_bytes: Option<u64>,
}

fn main() -> Result<(), Box<dyn Error>> {
    run().map_err(synth::plain_error)
}

fn run() -> Result<(), Box<dyn Error>> {
    if std::env::args().nth(1).as_deref() == Some(GENERATE) {
        return generate_here();
    }
    let mut sizes = vec![5000, 100_000];
    let mut runs = 5;
    let mut git = true;
    let mut commands = vec!["check", "build"];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                let list = args.next().ok_or(USAGE)?;
                sizes = list
                    .split(',')
                    .map(|s| s.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--sizes wants numbers separated by commas, not {list:?}"))?;
            }
            "--runs" => {
                let n = args.next().ok_or(USAGE)?;
                runs = n.parse().map_err(|_| format!("--runs wants a number, not {n:?}"))?;
            }
            "--no-git" => git = false,
            "--commands" => {
                let list = args.next().ok_or(USAGE)?;
                commands = list
                    .split(',')
                    .map(|c| match c.trim() {
                        "check" => Ok("check"),
                        "build" => Ok("build"),
                        "encrypt" => Ok("encrypt"),
                        other => Err(format!("--commands takes check, build and encrypt, not {other:?}")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }

    let target = target_dir();
    let bin = match std::env::var_os("WAYMARK_BIN") {
        Some(b) => PathBuf::from(b),
        None => target.join("release").join("waymark"),
    };
    if !bin.exists() {
        return Err(format!(
            "{} does not exist; run `cargo build --release` first (or set WAYMARK_BIN)",
            bin.display()
        )
        .into());
    }
    println!("binary: {}", bin.display());

    if std::env::var_os("WAYMARK_PASSPHRASE").is_none() {
        // The benchmark's own passphrase: fictional records, a throwaway site.
        std::env::set_var("WAYMARK_PASSPHRASE", "benchmark passphrase, not a secret");
    }
    let today = synth::end_date().to_string();
    let mut rows = Vec::new();
    for &notes in &sizes {
        let people = (notes / 100).max(1);
        let name = if git { format!("n{notes}") } else { format!("n{notes}-nogit") };
        let corpus = target.join("bench-corpus").join(name);
        ensure_corpus(&corpus, people, notes, git)?;
        let md_bytes = markdown_bytes(&corpus)?;

        let sites = target.join("bench-site");
        fs::create_dir_all(&sites).map_err(|e| format!("cannot create {}: {e}", sites.display()))?;
        let site = sites.join(corpus.file_name().unwrap_or_default());
        let sealed = sites.join(format!("{}-encrypted", corpus.file_name().unwrap_or_default().to_string_lossy()));
        for &command in &commands {
            // A full build each time: bench_incremental times the builds that keep pages.
            let tail: Vec<&OsStr> = match command {
                "check" => vec!["check".as_ref(), "--format".as_ref(), "json".as_ref()],
                "encrypt" => vec![
                    "build".as_ref(),
                    "--full".as_ref(),
                    "--encrypt".as_ref(),
                    "--output".as_ref(),
                    sealed.as_os_str(),
                ],
                _ => vec!["build".as_ref(), "--full".as_ref(), "--output".as_ref(), site.as_os_str()],
            };
            let mut args: Vec<&OsStr> = vec!["--root".as_ref(), corpus.as_os_str(), "--today".as_ref(), today.as_ref()];
            args.extend(tail);
            // The warm-up fills the page cache so every timed run reads from memory.
            run_once(&bin, &args)?;
            let mut times = Vec::with_capacity(runs);
            let mut max_rss_kb = 0;
            let mut exit = String::new();
            for _ in 0..runs {
                let run = run_once(&bin, &args)?;
                times.push(run.wall);
                max_rss_kb = max_rss_kb.max(run.max_rss_kb);
                exit = run.exit;
            }
            times.sort();
            let site_bytes = match command {
                "build" => Some(bytes_below(&site)?),
                "encrypt" => Some(bytes_below(&sealed)?),
                _ => None,
            };
            rows.push(Row {
                command,
                notes,
                people,
                md_bytes,
                median: times[times.len() / 2],
                min: times[0],
                max_rss_kb,
                exit,
                site_bytes,
            });
        }
    }

    println!();
    println!(
        "{:<7} {:>8} {:>7} {:>9} {:>10} {:>10} {:>12} {:>9} {:>10} {:>5} {:>10}",
        "command", "notes", "people", "MB md", "median s", "min s", "notes/s", "MB/s", "peak RSS", "exit", "site MB"
    );
    for r in &rows {
        let median = r.median.as_secs_f64().max(1e-9);
        let mb = r.md_bytes as f64 / 1e6;
        println!(
            "{:<7} {:>8} {:>7} {:>9.1} {:>10.3} {:>10.3} {:>12.0} {:>9.1} {:>7.1} MB {:>5} {:>10}",
            r.command,
            r.notes,
            r.people,
            mb,
            median,
            r.min.as_secs_f64(),
            r.notes as f64 / median,
            mb / median,
            r.max_rss_kb as f64 / 1024.0,
            r.exit,
            r.site_bytes.map(|b| format!("{:.1}", b as f64 / 1e6)).unwrap_or_default(),
        );
    }
    println!("\n{runs} timed runs after one warm-up; exit is the last run's status (1 means diagnostics were found).");
    Ok(())
}

/// The bytes of every file under a folder (a built site).
fn bytes_below(dir: &Path) -> Result<u64, Box<dyn Error>> {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    Ok(total)
}

/// The hidden first argument with which this program re-runs itself to build a corpus.
const GENERATE: &str = "--generate-corpus";

/// Builds one corpus in this process: `--generate-corpus DIR PEOPLE NOTES git|no-git`.
fn generate_here() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let [dir, people, notes, git] = args.as_slice() else {
        return Err(format!("usage: {GENERATE} DIR PEOPLE NOTES git|no-git").into());
    };
    let summary = synth::generate(&synth::Options {
        out: PathBuf::from(dir),
        people: people.parse()?,
        notes: notes.parse()?,
        seed: 1,
        git: git == "git",
        fast_import: false,
        history_heavy: false,
    })?;
    println!(
        "  {} commits, {:.1} MB of Markdown in {:.1} s",
        summary.commits,
        summary.markdown_bytes as f64 / 1e6,
        summary.seconds
    );
    Ok(())
}

/// Builds a corpus unless an earlier run left a complete one.
fn ensure_corpus(dir: &Path, people: usize, notes: usize, git: bool) -> Result<(), Box<dyn Error>> {
    if dir.join("waymark.yaml").is_file() {
        println!("reusing {}", dir.display());
        return Ok(());
    }
    // Generate beside the final place and rename, so an interrupted run never looks complete.
    let partial = dir.with_extension("partial");
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(|e| format!("cannot remove {}: {e}", partial.display()))?;
    }
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    println!("generating {} ({people} people, {notes} notes)...", dir.display());
    // In a child process: a child's peak RSS as the kernel reports it includes the memory of
    // the process that spawned it, so this one must stay small to measure waymark fairly.
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let status = Command::new(exe)
        .arg(GENERATE)
        .arg(&partial)
        .args([people.to_string(), notes.to_string(), if git { "git" } else { "no-git" }.to_string()])
        .status()
        .map_err(|e| format!("cannot run the generator: {e}"))?;
    if !status.success() {
        return Err(format!("generating {} failed ({status})", partial.display()).into());
    }
    fs::rename(&partial, dir).map_err(|e| format!("cannot rename {} to {}: {e}", partial.display(), dir.display()))?;
    Ok(())
}
