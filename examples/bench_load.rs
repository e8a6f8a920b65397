//! Times reading a records repository: parsing every file against the records cache.
//!
//! ```text
//! cargo run --release --example bench_load -- ROOT [--runs 3]
//! ```
//!
//! Rows: `parse` is [`waymark::load::load`] (every file read and parsed); `cold` is the cached
//! load with an empty cache folder (parse, then write the cache); `warm` the cached load again
//! with nothing changed. The cache is kept in a temporary folder, not ROOT's `.waymark/`.

use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args.first().ok_or("usage: bench_load ROOT [--runs 3]")?;
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).ok_or("--runs needs a number")?.parse()?,
        None => 3,
    };
    let root = std::path::Path::new(root);
    let cache = std::env::temp_dir().join(format!("bench-load-cache-{}", std::process::id()));
    let time = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        let files = f();
        (start.elapsed(), files)
    };
    if args.iter().any(|a| a == "--warm-only") {
        // For a profiler: the cached load alone, on the cache ROOT already has.
        let cache = root.join(".waymark/cache");
        for _ in 0..runs {
            let (took, files) = time(&|| waymark::load::load_cached(root, Some(&cache)).map(|r| r.files).unwrap_or(0));
            println!("warm {files} {:.3}", took.as_secs_f64());
        }
        return Ok(());
    }
    let mut rows: Vec<(&str, Vec<Duration>, usize)> = Vec::new();
    for run in 0..runs {
        let parse = time(&|| waymark::load::load(root).map(|r| r.files).unwrap_or(0));
        let _ = std::fs::remove_dir_all(&cache);
        let cold = time(&|| waymark::load::load_cached(root, Some(&cache)).map(|r| r.files).unwrap_or(0));
        // The racy-git rule distrusts files written in the last two seconds before the cache.
        std::thread::sleep(Duration::from_millis(2100));
        let cold2 = time(&|| waymark::load::load_cached(root, Some(&cache)).map(|r| r.files).unwrap_or(0));
        let warm = time(&|| waymark::load::load_cached(root, Some(&cache)).map(|r| r.files).unwrap_or(0));
        for (i, (name, (took, files))) in
            [("parse", parse), ("cold", cold), ("after racy", cold2), ("warm", warm)].into_iter().enumerate()
        {
            if run == 0 {
                rows.push((name, Vec::new(), files));
            }
            rows[i].1.push(took);
        }
    }
    let _ = std::fs::remove_dir_all(&cache);
    println!("{:<12} {:>8} {:>10}", "load", "files", "median s");
    for (name, mut times, files) in rows {
        times.sort();
        println!("{name:<12} {files:>8} {:>10.3}", times[times.len() / 2].as_secs_f64());
    }
    Ok(())
}
