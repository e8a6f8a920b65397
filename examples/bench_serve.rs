//! Times `waymark serve` from saving a note to the browser being told to reload its page.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example bench_check -- --sizes 5000,100000 --commands build --runs 1   # makes the corpora
//! cargo run --release --example bench_serve [-- --sizes 5000,100000] [--edits 20] [--gap-ms 500]
//! ```
//!
//! For each corpus under `target/bench-corpus/n<size>/`, starts `waymark serve --port 0`, waits
//! until it watches for changes, listens to the event stream as a page would, then saves one
//! note `--edits` times (a new body line each time) and measures from just before each write
//! to the reload event naming that person's page arriving. The note is put back as it was at
//! the end. `WAYMARK_BIN` overrides the binary under test.
//!
//! Each corpus is built once first, by the binary under test, as a provider builds before
//! serving: `serve` takes the search index's files and counts from what a build of the same
//! Waymark kept, and caches another version made are no use to it. `--no-build` skips that, to
//! time a start with whatever the corpus's caches hold (after an upgrade, say).

#[path = "bench_util/mod.rs"]
mod bench_util;
#[path = "../tests/live/mod.rs"]
mod live;

use std::error::Error;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The day every run judges by, so that a build and the server it is timed beside agree.
const TODAY: &str = "2026-11-24";

const USAGE: &str = "usage: bench_serve [--sizes 5000,100000] [--edits 20] [--gap-ms 500] [--no-build]";

fn main() -> Result<(), Box<dyn Error>> {
    let mut sizes = vec![5000, 100_000];
    let mut edits = 20;
    let mut gap = Duration::from_millis(500);
    let mut build_first = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(USAGE);
        match arg.as_str() {
            "--sizes" => {
                sizes = value()?.split(',').map(|s| s.trim().parse()).collect::<Result<_, _>>()?;
            }
            "--edits" => edits = value()?.parse()?,
            "--gap-ms" => gap = Duration::from_millis(value()?.parse()?),
            "--no-build" => build_first = false,
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }
    if edits == 0 {
        return Err("--edits must be at least 1".into());
    }
    // Where `bench_check` makes the corpora, a `target-dir` set in cargo's configuration included.
    let target = bench_util::target_dir();
    let bin = std::env::var_os("WAYMARK_BIN").map(PathBuf::from).unwrap_or_else(|| target.join("release/waymark"));
    if !bin.exists() {
        return Err(format!("{} does not exist; run `cargo build --release` first", bin.display()).into());
    }
    let mut rows = Vec::new();
    for size in sizes {
        let corpus = target.join("bench-corpus").join(format!("n{size}"));
        if !corpus.join("waymark.yaml").is_file() {
            return Err(format!(
                "{} is missing; make it with `cargo run --release --example bench_check -- --sizes {size} --commands build --runs 1`",
                corpus.display()
            )
            .into());
        }
        if build_first {
            build(&bin, &corpus)?;
        }
        rows.push((size, bench(&bin, &corpus, edits, gap)?));
    }
    println!();
    println!(
        "{:>8} {:>6} {:>10} {:>10} {:>10} {:>10} {:>9} {:>14} {:>8} {:>8}",
        "notes",
        "edits",
        "median ms",
        "min ms",
        "max ms",
        "startup s",
        "search s",
        "server ms med",
        "RSS MB",
        "peak MB"
    );
    for (size, r) in &rows {
        println!(
            "{size:>8} {:>6} {:>10.1} {:>10.1} {:>10.1} {:>10.1} {:>9.1} {:>14.1} {:>8.0} {:>8.0}",
            r.latencies.len(),
            ms(r.median()),
            ms(r.latencies[0]),
            ms(r.latencies[r.latencies.len() - 1]),
            r.startup.as_secs_f64(),
            r.search.as_secs_f64(),
            r.server_ms_median,
            r.rss_mb,
            r.peak_mb
        );
    }
    println!("\nlatency: from just before the write to the reload event for the person's page (30 ms of it is the debounce).");
    println!("server ms: the server's own figure for the whole update: person, summary and history pages and the search index (git status is checked after).");
    Ok(())
}

/// Builds `corpus` with `bin`, so that the caches `serve` starts from are this binary's.
fn build(bin: &Path, corpus: &Path) -> Result<(), Box<dyn Error>> {
    let args =
        [OsStr::new("--root"), corpus.as_os_str(), OsStr::new("--today"), OsStr::new(TODAY), OsStr::new("build")];
    let run = bench_util::run_once(bin, &args)?;
    // 1 is a site built from records with errors, which serves as well.
    if run.exit != "0" && run.exit != "1" {
        return Err(format!("building {} ended with status {}", corpus.display(), run.exit).into());
    }
    println!("{}: built first in {:.1} s", corpus.display(), run.wall.as_secs_f64());
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Timings {
    latencies: Vec<Duration>,
    startup: Duration,
    /// From starting the server to its search index being made.
    search: Duration,
    server_ms_median: f64,
    /// Resident memory after the edits, and its peak, in MB.
    rss_mb: f64,
    peak_mb: f64,
}

impl Timings {
    fn median(&self) -> Duration {
        self.latencies[self.latencies.len() / 2]
    }
}

fn bench(bin: &Path, corpus: &Path, edits: usize, gap: Duration) -> Result<Timings, Box<dyn Error>> {
    let person = std::fs::read_dir(corpus.join("records"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .min()
        .ok_or("the corpus has no people")?;
    let notes = corpus.join("records").join(&person).join("notes");
    let note = std::fs::read_dir(&notes)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .max()
        .ok_or("the person has no notes")?;
    let original = std::fs::read_to_string(&note)?;
    let page = format!("people/{person}/index.html");
    println!("{}: editing {}", corpus.display(), note.display());

    let started = Instant::now();
    let server = live::Server::start_with(bin, corpus, TODAY, &[], &[], Duration::from_secs(600));
    let deadline = Instant::now() + Duration::from_secs(600);
    let printed = |start: &str, never: &str| -> Result<Duration, Box<dyn Error>> {
        while !server.stdout().iter().any(|l| l.starts_with(start)) {
            if Instant::now() > deadline {
                return Err(never.into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(started.elapsed())
    };
    let startup = printed("watching ", "the server never started watching")?;
    println!("  ready after {:.1} s", startup.as_secs_f64());
    // The search index is made on its own thread once pages are served.
    let search = printed("search index ready", "the search index was never made")?;
    println!("  search ready after {:.1} s", search.as_secs_f64());
    // As a browser showing the page: a person's pages are made when first asked for.
    let opened = Instant::now();
    if server.get(&format!("/{page}")).status != 200 {
        return Err(format!("{page} was not served").into());
    }
    println!("  {page} made on request in {:.0} ms", opened.elapsed().as_secs_f64() * 1000.0);
    let events = server.events(None);
    let mut latencies = Vec::with_capacity(edits);
    let result = (|| -> Result<(), Box<dyn Error>> {
        for i in 0..edits {
            std::thread::sleep(gap);
            events.drain();
            let text = format!("{original}\nBenchmark line {i}: the adviser adds a sentence and saves.\n");
            let before = Instant::now();
            std::fs::write(&note, text)?;
            let event = events
                .wait(live::PATIENCE, |e| e.reloads(&page))
                .ok_or_else(|| format!("no reload event for {page} after edit {i}"))?;
            latencies.push(event.at - before);
        }
        Ok(())
    })();
    std::fs::write(&note, &original)?;
    result?;
    std::thread::sleep(Duration::from_millis(300));
    let (rss_mb, peak_mb) = memory(server.pid());
    let mut server_ms: Vec<f64> = server
        .stdout()
        .iter()
        .filter_map(|l| l.strip_prefix("updated ")?.split(" in ").nth(1)?.split(" ms").next()?.parse().ok())
        .collect();
    server_ms.sort_by(f64::total_cmp);
    let server_ms_median = server_ms.get(server_ms.len() / 2).copied().unwrap_or(f64::NAN);
    latencies.sort();
    Ok(Timings { latencies, startup, search, server_ms_median, rss_mb, peak_mb })
}

/// The resident memory of process `pid` now and at its peak, in MB (Linux; 0 elsewhere).
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> f64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().strip_suffix("kB")?.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}
