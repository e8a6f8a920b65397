//! Times `waymark build` on a history-heavy corpus: a full build beside Hugo on the same
//! Markdown, a build with nothing changed, a build after one new committed note, and the first
//! build of the next day (every page depends on the date).
//!
//! ```text
//! cargo build --release
//! cargo run --release --example bench_incremental [-- --notes 5000] [--people 250] [--runs 3] [--no-hugo]
//! cargo run --release --example bench_incremental -- --corpus target/bench-corpus/n100000 --no-hugo
//! ```
//!
//! The corpus is made by `synth --history-heavy` (monthly plan edits, profile updates) under
//! `target/bench-corpus/heavy-n<notes>/` and kept. Hugo (`apt-get install hugo`) gets a site of
//! its own under `target/bench-hugo/`, its content a copy of every record file, with one
//! plain template; it is only ever run, never needed by Waymark. `--corpus DIR` measures a corpus
//! made earlier instead (such as `synth`'s 100,000 notes), a git repository dated as synth dates. Each round runs every
//! measurement once, so a machine shared with other work loads them alike. Each round's new
//! note is committed to the corpus, which grows by one note a round.

#[path = "bench_util/mod.rs"]
mod bench_util;
#[allow(dead_code)] // only `generate` and its types are used here; `main` belongs to `synth`
#[path = "synth.rs"]
mod synth;

use bench_util::{markdown_bytes, run_once, target_dir, Run};
use std::error::Error;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const USAGE: &str = "usage: bench_incremental [--notes 5000] [--people 250] [--runs 3] [--no-hugo] [--corpus DIR]";
/// The hidden first argument with which this program re-runs itself to build a corpus.
const GENERATE: &str = "--generate-corpus";

fn main() -> Result<(), Box<dyn Error>> {
    run().map_err(synth::plain_error)
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    if std::env::args().nth(1).as_deref() == Some(GENERATE) {
        let a: Vec<String> = args.skip(1).collect();
        let [dir, people, notes] = a.as_slice() else { return Err("usage: --generate-corpus DIR PEOPLE NOTES".into()) };
        let s = synth::generate(&synth::Options {
            out: PathBuf::from(dir),
            people: people.parse()?,
            notes: notes.parse()?,
            seed: 1,
            git: true,
            fast_import: false,
            history_heavy: true,
        })?;
        println!("  {} commits, {:.1} MB of Markdown in {:.1} s", s.commits, s.markdown_bytes as f64 / 1e6, s.seconds);
        return Ok(());
    }
    let (mut notes, mut people, mut runs, mut hugo) = (5000usize, 250usize, 3usize, true);
    let mut given: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, Box<dyn Error>> {
            let v = args.next().ok_or(USAGE)?;
            v.parse().map_err(|_| format!("{name} wants a number, not {v:?}").into())
        };
        match arg.as_str() {
            "--notes" => notes = number("--notes")?,
            "--people" => people = number("--people")?,
            "--runs" => runs = number("--runs")?.max(1),
            "--no-hugo" => hugo = false,
            "--corpus" => given = Some(PathBuf::from(args.next().ok_or(USAGE)?)),
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }
    let target = target_dir();
    let bin = match std::env::var_os("WAYMARK_BIN") {
        Some(b) => PathBuf::from(b),
        None => target.join("release").join("waymark"),
    };
    if !bin.exists() {
        return Err(format!("{} does not exist; run `cargo build --release` first", bin.display()).into());
    }
    let corpus = match given {
        Some(dir) if dir.join("waymark.yaml").is_file() => dir,
        Some(dir) => return Err(format!("{} holds no waymark.yaml", dir.display()).into()),
        None => {
            let dir = target.join("bench-corpus").join(format!("heavy-n{notes}"));
            ensure_corpus(&dir, people, notes)?;
            println!("corpus: {people} people, {notes}+ notes, history-heavy");
            dir
        }
    };
    let commits = git(&corpus, &["rev-list", "--count", "HEAD"])?;
    let md = markdown_bytes(&corpus)? as f64 / 1e6;
    println!("corpus: {} ({commits} commits, {md:.1} MB Markdown)", corpus.display());
    let name = corpus.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "corpus".into());
    let site = target.join("bench-site").join(&name);
    fs::create_dir_all(site.parent().unwrap_or(&target))?;
    let hugo_site = target.join("bench-hugo").join(&name);
    let hugo = hugo && hugo_available();
    if hugo {
        hugo_site_of(&corpus, &hugo_site)?;
    } else {
        println!("hugo: not run (--no-hugo, or not installed: apt-get install hugo)");
    }

    let today = synth::end_date().to_string();
    let build_on = |today: &str, extra: &[&str]| -> Result<Run, Box<dyn Error>> {
        let mut a: Vec<&OsStr> = vec!["--root".as_ref(), corpus.as_os_str(), "--today".as_ref(), today.as_ref()];
        a.extend(["build".as_ref(), "--output".as_ref(), site.as_os_str()]);
        a.extend(extra.iter().map(OsStr::new));
        // Each build starts with the writes of the ones before it on disk: a full build at
        // 100,000 notes leaves 360 MB for the kernel to write back, which it otherwise does
        // half a minute later, in the middle of whichever build is timed then.
        let _ = Command::new("sync").status();
        run_once(&bin, &a)
    };
    let build = |extra: &[&str]| build_on(&today, extra);
    // Warm-up: the history and details caches and the page cache filled, a site to build into.
    build(&["--full"])?;
    let mut rows: Vec<(&str, Vec<Run>)> = vec![
        ("waymark full", vec![]),
        ("hugo", vec![]),
        ("waymark unchanged", vec![]),
        ("waymark one new note", vec![]),
        ("waymark next day", vec![]),
    ];
    for round in 0..runs {
        rows[0].1.push(build(&["--full"])?);
        if hugo {
            let hugo_bin = Path::new("hugo");
            let public = hugo_site.join("public");
            let a: Vec<&OsStr> = vec![
                "--quiet".as_ref(),
                "--source".as_ref(),
                hugo_site.as_os_str(),
                "--destination".as_ref(),
                public.as_os_str(),
            ];
            // Hugo too starts with Waymark's writes on disk.
            let _ = Command::new("sync").status();
            rows[1].1.push(run_once(hugo_bin, &a)?);
        }
        rows[2].1.push(build(&[])?);
        add_note(&corpus, round)?;
        rows[3].1.push(build(&[])?);
        // The first build of a day: every page depends on the date, so all are made again.
        let next_day = (synth::end_date() + chrono::TimeDelta::days(round as i64 + 1)).to_string();
        rows[4].1.push(build_on(&next_day, &[])?);
    }
    println!("\n{:<22} {:>10} {:>10} {:>10}", "", "median s", "min s", "peak RSS");
    let median = |runs: &[Run]| -> Duration {
        let mut t: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
        t.sort();
        t.get(t.len() / 2).copied().unwrap_or_default()
    };
    for (name, list) in &rows {
        if list.is_empty() {
            continue;
        }
        let min = list.iter().map(|r| r.wall).min().unwrap_or_default();
        let rss = list.iter().map(|r| r.max_rss_kb).max().unwrap_or(0) as f64 / 1024.0;
        println!("{name:<22} {:>10.3} {:>10.3} {:>7.1} MB", median(list).as_secs_f64(), min.as_secs_f64(), rss);
    }
    if hugo {
        let ratio = median(&rows[0].1).as_secs_f64() / median(&rows[1].1).as_secs_f64().max(1e-9);
        println!("\nfull build / Hugo, medians of the same rounds: {ratio:.2}x");
    }
    println!("{runs} rounds after one warm-up; each round runs every line once, in this order.");
    Ok(())
}

/// Builds the corpus unless an earlier run left a complete one (in a child process, so this
/// one stays small and the children's peak memory is theirs).
fn ensure_corpus(dir: &Path, people: usize, notes: usize) -> Result<(), Box<dyn Error>> {
    if dir.join("waymark.yaml").is_file() {
        return Ok(());
    }
    let partial = dir.with_extension("partial");
    for d in [&partial, &dir.to_path_buf()] {
        if d.exists() {
            fs::remove_dir_all(d).map_err(|e| format!("cannot remove {}: {e}", d.display()))?;
        }
    }
    println!("generating {} ({people} people, {notes} notes, history-heavy)...", dir.display());
    let exe = std::env::current_exe()?;
    let status =
        Command::new(exe).arg(GENERATE).arg(&partial).args([people.to_string(), notes.to_string()]).status()?;
    if !status.success() {
        return Err(format!("generating {} failed ({status})", partial.display()).into());
    }
    fs::rename(&partial, dir)?;
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let out = Command::new("git")
        .args(["-c", "user.name=Bench Runner", "-c", "user.email=bench@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()?;
    if !out.status.success() {
        return Err(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Commits a copy of the first person's first note under a new name, dated the corpus' today,
/// as a new note would come.
fn add_note(corpus: &Path, round: usize) -> Result<(), Box<dyn Error>> {
    let person =
        fs::read_dir(corpus.join("records"))?.filter_map(|e| e.ok()).map(|e| e.path()).min().ok_or("no records")?;
    let notes = person.join("notes");
    let first = fs::read_dir(&notes)?.filter_map(|e| e.ok()).map(|e| e.path()).min().ok_or("no notes")?;
    let today = synth::end_date().to_string();
    let text = fs::read_to_string(&first)?;
    let dated: String = text
        .lines()
        .map(|l| if l.starts_with("date: ") { format!("date: {today}\n") } else { format!("{l}\n") })
        .collect();
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis();
    fs::write(notes.join(format!("{today}-bench-{stamp}-{round}.md")), dated)?;
    git(corpus, &["add", "-A", "records"])?;
    git(corpus, &["commit", "-q", "-m", "A new note (benchmark)"])?;
    Ok(())
}

fn hugo_available() -> bool {
    Command::new("hugo").arg("version").output().is_ok_and(|o| o.status.success())
}

/// A Hugo site whose content is every record file of the corpus and whose one template shows
/// a page's title and body, about what a plain static site generator would be asked to do.
fn hugo_site_of(corpus: &Path, site: &Path) -> Result<(), Box<dyn Error>> {
    if site.exists() {
        fs::remove_dir_all(site)?;
    }
    let content = site.join("content");
    for entry in walkdir::WalkDir::new(corpus.join("records")) {
        let entry = entry?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            let rel = entry.path().strip_prefix(corpus.join("records"))?;
            let to = content.join(rel);
            fs::create_dir_all(to.parent().ok_or("no parent")?)?;
            fs::copy(entry.path(), to)?;
        }
    }
    let layouts = site.join("layouts").join("_default");
    fs::create_dir_all(&layouts)?;
    let page = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n";
    fs::write(layouts.join("single.html"), page)?;
    fs::write(
        layouts.join("list.html"),
        "<!doctype html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
    )?;
    fs::write(
        site.join("hugo.toml"),
        "baseURL = \"http://localhost/\"\ntitle = \"Benchmark\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\"]\n",
    )?;
    Ok(())
}
