//! Times board trends from git on a records repository: the first (cold) run, which loads the
//! records at each month end's commit; warm runs, which read `.waymark/cache/` as a new build
//! does; and a run `waymark serve` makes after a save with HEAD unchanged.
//!
//! cargo run --release --example bench_trends -- ROOT [--today YYYY-MM-DD] [--runs N]
//!
//! Make ROOT with `cargo run --release --example synth -- ROOT` (its history ends on 2026-11-24).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().ok_or("usage: bench_trends ROOT [--today D] [--runs N]")?);
    let (mut today, mut runs) = ("2026-11-24".to_string(), 5usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--today" => today = args.next().ok_or("--today needs a date")?,
            "--runs" => runs = args.next().ok_or("--runs needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let today = waymark::model::date::parse_date(&today)?;
    let cache = root.join(waymark::history::CACHE_DIR);
    for entry in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with("trends-") {
            std::fs::remove_file(entry.path())?;
        }
    }
    let t = Instant::now();
    let rows = waymark::render::trends::from_git(&root, today)?;
    println!("cold: {:.2?} for {} month ends", t.elapsed(), rows.len());
    let mut warm = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let again = waymark::render::trends::from_git(&root, today)?;
        warm.push(t.elapsed());
        assert_eq!(again, rows, "the cache gives the same rows");
    }
    warm.sort();
    println!(
        "warm (a new build): median {:.2?}, min {:.2?}, max {:.2?} ({runs} runs)",
        warm[runs / 2],
        warm[0],
        warm[runs - 1]
    );
    waymark::render::trends::trends(&root, today)?;
    let t = Instant::now();
    waymark::render::trends::trends(&root, today)?;
    println!("remembered in the process (serve, same HEAD and day): {:.2?}", t.elapsed());
    print!("{}", waymark::render::trends::csv(&rows));
    Ok(())
}
