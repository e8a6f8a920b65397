//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Waymark: case records for young people leaving care, kept as Markdown in git.
#[derive(Debug, Parser)]
#[command(name = "waymark", version, about, propagate_version = true)]
pub struct Cli {
    /// The records repository (the folder holding waymark.yaml); default: found upward from here.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Judge what is due or overdue as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, global = true, value_name = "YYYY-MM-DD", env = "WAYMARK_TODAY")]
    pub today: Option<String>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every record against the rules and list what is wrong, due or overdue.
    Check(CheckArgs),
    /// Build the private website: caseload, records, plans, printable passports and the validation report.
    Build(BuildArgs),
    /// Show who changed a person's records or one record, when and why, from git.
    History(HistoryArgs),
    /// Serve the site on this computer while you edit: pages reload as records are saved.
    ///
    /// The site is built in memory and served on 127.0.0.1 only; nothing is written to the
    /// output folder (use `waymark build` for a copy to keep or share). A record with an
    /// error is shown in the browser over the last good page until it is fixed.
    Serve(ServeArgs),
}

/// Options of `waymark serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one (the address printed shows which).
    #[arg(long, default_value_t = 8000, value_name = "N")]
    pub port: u16,

    /// Listen on this address instead of 127.0.0.1, so other computers can reach the site.
    /// The pages hold personal data: only on a network you trust.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<std::net::IpAddr>,

    /// Open the site in the system's web browser.
    #[arg(long)]
    pub open: bool,
}

/// Options of `waymark history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// A person id (yp-0001) or the path of a record or folder.
    #[arg(value_name = "PERSON-ID | PATH")]
    pub target: String,

    /// Print straight to the terminal instead of through the pager ($PAGER, else less).
    #[arg(long)]
    pub no_pager: bool,
}

/// Options of `waymark build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Fail (exit status 1) when any record has an error; the site is still written.
    #[arg(long)]
    pub strict: bool,

    /// Where to write the site; default: `site.output` in waymark.yaml (`public`), under the repository.
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Render every page afresh instead of keeping the pages whose records, settings, theme,
    /// date and history have not changed since the last build.
    #[arg(long)]
    pub full: bool,
}

/// Options of `waymark check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Output for people (human) or for programs (json).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style text with the source line.
    Human,
    /// One JSON object, as FORMAT.md §9 describes.
    Json,
}
