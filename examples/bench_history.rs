//! Times history extraction on a generated repository against `git log --name-only`, and the warm
//! path a new `waymark` process takes: cache on disk, with no new commit and with one.
//!
//! ```text
//! cargo run --release --example bench_check -- --sizes 100000 --commands check --runs 1   # makes the corpus
//! cargo run --release --example bench_history [-- --corpus DIR] [--work DIR] [--runs 10] [--cold-runs 3] [--no-cold]
//! ```
//!
//! The corpus is cloned without a checkout to `target/bench-history/` (or `--work`; its pack is
//! hard-linked), so the commit this harness adds never touches the corpus itself. The cache the
//! runs start from is kept there too, and made again (a cold walk) only when this build cannot
//! read it, so `--work` keeps two builds being compared from rebuilding each other's.
//!
//! Every timed run is a new process (this program started again with a hidden argument), as
//! `waymark build` or `check` would be; the figures are what `History::open_with_cache` took in
//! it (wall time, CPU time of all its threads, page faults) and the process's whole wall time.
//! CPU time and page faults change little with load from other processes; wall time does, so
//! take it on a quiet machine, or compare builds run by turns.
//!
//! To compare with an earlier revision, build this file against it and give each its own work
//! folder, e.g. `git archive REV | tar -x -C /tmp/rev`, copy this file into `/tmp/rev/examples/`,
//! build there with `CARGO_TARGET_DIR` set to this target folder, keep the binary, and run it with
//! `--corpus target/bench-corpus/n100000 --work target/bench-history-rev`.

use git2::{Oid, Repository, Signature, Time};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use waymark::history::History;

const USAGE: &str = "usage: bench_history [--corpus DIR] [--work DIR] [--runs 10] [--cold-runs 3] [--no-cold]";
/// The hidden first argument of a timed child: `--child ROOT CACHE_DIR|-`.
const CHILD: &str = "--child";
/// The file the bench commit rewrites.
const BENCH_FILE: &str = "records/bench-note.md";

type Res<T> = Result<T, Box<dyn Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD) {
        return child(&args[1..]);
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let mut corpus = target.join("bench-corpus/n100000");
    let mut work_dir = target.join("bench-history");
    let (mut runs, mut cold_runs, mut cold) = (10usize, 3usize, true);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--corpus" => corpus = PathBuf::from(it.next().ok_or(USAGE)?),
            "--work" => work_dir = PathBuf::from(it.next().ok_or(USAGE)?),
            "--runs" => runs = it.next().ok_or(USAGE)?.parse()?,
            "--cold-runs" => cold_runs = it.next().ok_or(USAGE)?.parse()?,
            "--no-cold" => cold = false,
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }
    if runs == 0 || cold_runs == 0 {
        return Err("--runs and --cold-runs must be at least 1".into());
    }
    if !corpus.join(".git").is_dir() {
        return Err(format!(
            "{} is not a git repository; make it with \
             `cargo run --release --example bench_check -- --sizes 100000 --commands check --runs 1`",
            corpus.display()
        )
        .into());
    }
    let work = work_dir.join(corpus.file_name().unwrap_or_default());
    let (base, next) = prepare(&corpus, &work)?;
    let cache = work.join(".waymark/cache");
    let saved = work_dir.join("history.bin.base");
    let exe = std::env::current_exe()?;
    let at = |id: Oid| set_head(&work, id);

    at(base)?;
    println!("repository: {} (a clone of {})", work.display(), corpus.display());
    if cold {
        let (mut git, mut ours, mut git_cpu, mut our_cpu) = (vec![], vec![], vec![], vec![]);
        // Alternated, so a burst of load elsewhere hurts both sides alike.
        for _ in 0..cold_runs {
            let (t, before) = (Instant::now(), children_cpu());
            let status = Command::new("git")
                .args(["log", "--name-only", "--format=%H"])
                .current_dir(&work)
                .stdout(Stdio::null())
                .status()?;
            if !status.success() {
                return Err("git log failed".into());
            }
            git.push(t.elapsed());
            git_cpu.push(children_cpu() - before);
            let before = children_cpu();
            ours.push(timed_child(&exe, &work, None)?.call);
            our_cpu.push(children_cpu() - before);
        }
        let ratio = |a: &Summary, b: &Summary| {
            format!(
                "{:.2}x (medians), {:.2}x (minimums)",
                a.median.as_secs_f64() / b.median.as_secs_f64(),
                a.min.as_secs_f64() / b.min.as_secs_f64()
            )
        };
        let (g, o, gc, oc) = (Summary::of(git), Summary::of(ours), Summary::of(git_cpu), Summary::of(our_cpu));
        println!("git log --name-only --format=%H: wall {g}; CPU {gc}");
        println!("cold extraction, no cache:       wall {o}; CPU {oc}");
        println!("cold / git log: wall {}; CPU {}", ratio(&o, &g), ratio(&oc, &gc));
    }

    // The cache as a run at the base commit leaves it: one snapshot, no segments. One saved by an
    // earlier run serves if this build reads it as a hit; otherwise it is written afresh.
    let file = cache.join("history.bin");
    let _ = std::fs::remove_dir_all(&cache);
    std::fs::create_dir_all(&cache)?;
    if saved.is_file() {
        std::fs::copy(&saved, &file)?;
    }
    let first = timed_child(&exe, &work, Some(&cache))?;
    if !first.what.starts_with("Hit") {
        println!("cold extraction writing the cache: {:.3} s ({})", first.call.as_secs_f64(), first.what);
        std::fs::copy(&file, &saved)?;
    }
    println!("cache size: {:.2} MB", std::fs::metadata(&file)?.len() as f64 / 1e6);

    for (label, head) in [("warm, 0 new commits", base), ("warm, 1 new commit ", next)] {
        at(head)?;
        let (mut calls, mut cpus, mut faults, mut walls, mut what) = (vec![], vec![], vec![], vec![], String::new());
        for _ in 0..runs {
            std::fs::copy(&saved, &file)?;
            let r = timed_child(&exe, &work, Some(&cache))?;
            calls.push(r.call);
            cpus.push(r.cpu);
            faults.push(r.faults);
            walls.push(r.wall);
            what = r.what;
        }
        faults.sort();
        println!("{label} ({what}):");
        println!(
            "    history: wall {}; CPU {}; {} page faults",
            Summary::of(calls),
            Summary::of(cpus),
            faults[runs / 2]
        );
        println!("    whole process: wall {}", Summary::of(walls));
    }
    at(base)?;
    Ok(())
}

/// Clones the corpus once (no checkout) and adds one commit on top of its HEAD, not yet on the branch.
fn prepare(corpus: &Path, work: &Path) -> Res<(Oid, Oid)> {
    if !work.join(".git").is_dir() {
        if let Some(parent) = work.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let status = Command::new("git").args(["clone", "-q", "--no-checkout"]).arg(corpus).arg(work).status()?;
        if !status.success() {
            return Err("git clone failed".into());
        }
    }
    let base = Repository::open(corpus)?.head()?.peel_to_commit()?.id();
    let repo = Repository::open(work)?;
    let parent = repo.find_commit(base)?;
    let blob = repo.blob(b"A note the benchmark adds.\n")?;
    let mut edit = git2::build::TreeUpdateBuilder::new();
    edit.upsert(BENCH_FILE, blob, git2::FileMode::Blob);
    let tree = repo.find_tree(edit.create_updated(&repo, &parent.tree()?)?)?;
    // A fixed author and date give the same commit id every run.
    let who = Signature::new("Sam Okafor", "sam.okafor@example.org", &Time::new(1_795_000_000, 0))?;
    let next = repo.commit(None, &who, &who, "Bench commit", &tree, &[&parent])?;
    Ok((base, next))
}

/// Points the clone's current branch at `id` (history reads commits only, so no checkout is needed).
fn set_head(work: &Path, id: Oid) -> Res<()> {
    let repo = Repository::open(work)?;
    let head = repo.find_reference("HEAD")?;
    let branch = head.symbolic_target().ok_or("the clone's HEAD is detached")?.to_string();
    repo.reference(&branch, id, true, "bench_history")?;
    Ok(())
}

/// What one timed child reported.
struct ChildRun {
    /// Wall time of the call.
    call: Duration,
    /// CPU time of the call, every thread's: steadier than wall time on a busy machine.
    cpu: Duration,
    /// Page faults during the call: memory the kernel had to hand out.
    faults: i64,
    /// Wall time of the whole child process.
    wall: Duration,
    what: String,
}

fn timed_child(exe: &Path, root: &Path, cache: Option<&Path>) -> Res<ChildRun> {
    let t = Instant::now();
    let out = Command::new(exe)
        .arg(CHILD)
        .arg(root)
        .arg(cache.map_or_else(|| PathBuf::from("-"), Path::to_path_buf))
        .stderr(Stdio::inherit())
        .output()?;
    let wall = t.elapsed();
    if !out.status.success() {
        return Err(format!("the timed child failed ({})", out.status).into());
    }
    let text = String::from_utf8(out.stdout)?;
    let mut words = text.trim().splitn(4, ' ');
    let mut next = || words.next().ok_or("the timed child printed too little");
    let (call, cpu, faults) = (next()?.parse()?, next()?.parse()?, next()?.parse()?);
    let (call, cpu) = (Duration::from_nanos(call), Duration::from_nanos(cpu));
    Ok(ChildRun { call, cpu, faults, wall, what: next()?.to_string() })
}

/// In the child: reads the history once and prints the nanoseconds it took and what the cache did.
fn child(args: &[String]) -> Res<()> {
    let [root, cache] = args else { return Err(format!("usage: {CHILD} ROOT CACHE_DIR|-").into()) };
    let root = Path::new(root);
    let before = usage();
    let t = Instant::now();
    let h = if cache == "-" { History::open(root) } else { History::open_with_cache(root, Path::new(cache)) };
    let took = t.elapsed();
    let after = usage();
    let g = h.git().ok_or_else(|| h.reason().unwrap_or("no history").to_string())?;
    println!(
        "{} {} {} {:?}, {} walked, {} from the cache, {} paths",
        took.as_nanos(),
        (after.0 - before.0).as_nanos(),
        after.1 - before.1,
        g.stats.cache,
        g.stats.walked,
        g.stats.from_cache,
        g.paths.len()
    );
    Ok(())
}

/// CPU time (user and system, all threads) and minor page faults of this process so far.
fn usage() -> (Duration, i64) {
    // SAFETY: rusage is plain old data, so all-zero bytes are a valid value.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live local of the type getrusage fills.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    (tv(u.ru_utime) + tv(u.ru_stime), u.ru_minflt)
}

/// CPU time (user and system) of the children this process has waited for so far.
fn children_cpu() -> Duration {
    // SAFETY: as in `usage`.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as in `usage`.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn tv(t: libc::timeval) -> Duration {
    Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64)
}

/// Median and minimum of some timings.
struct Summary {
    median: Duration,
    min: Duration,
    n: usize,
}

impl Summary {
    fn of(mut times: Vec<Duration>) -> Summary {
        times.sort();
        Summary { median: times[times.len() / 2], min: times[0], n: times.len() }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        write!(f, "median {:.1} ms, min {:.1} ms over {}", ms(self.median), ms(self.min), self.n)
    }
}
