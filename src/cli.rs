//! Command-line definitions (clap derive) and nothing else.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Waymark: case records for young people leaving care, kept as Markdown in git.
#[derive(Debug, Parser)]
#[command(
    name = "waymark",
    version,
    about,
    propagate_version = true,
    after_help = "Example:\n  waymark check && waymark build    # check the records, then build the site into public/"
)]
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
    #[command(
        after_help = "Examples:\n  waymark check\n  waymark check --errors --person yp-0003\n  waymark check --rule uncommitted"
    )]
    Check(CheckArgs),
    /// Build the private website: caseload, records, plans, printable passports and the validation report.
    #[command(after_help = "Example:\n  waymark build              # then open public/index.html in a browser")]
    Build(BuildArgs),
    /// Show who changed a person's records or one record, when and why, from git.
    #[command(after_help = "Examples:\n  waymark history yp-0001\n  waymark history records/yp-0001/pathway-plan.md")]
    History(HistoryArgs),
    /// Serve the site on this computer while you edit: pages reload as records are saved.
    ///
    /// The site is built in memory and served on 127.0.0.1 only; nothing is written to the
    /// output folder (use `waymark build` for a copy to keep or share). A record with an
    /// error is shown in the browser over the last good page until it is fixed.
    #[command(
        after_help = "Example:\n  waymark serve --open       # then edit records; the browser follows each save"
    )]
    Serve(ServeArgs),
    /// Write a JSON Schema for each kind of record, so editors can complete and check front matter.
    #[command(
        after_help = "Example:\n  waymark schema --vscode    # writes .waymark/schema/*.json and .vscode/settings.json"
    )]
    Schema(SchemaArgs),
    /// Manage the git hook that checks staged records before each commit.
    #[command(
        after_help = "Example:\n  waymark hook install       # then every `git commit` checks the staged records first"
    )]
    Hook(HookArgs),
    /// Print a young person's health passport or pathway plan to a PDF, through Chromium or Chrome.
    #[command(after_help = "Example:\n  waymark print passport yp-0001 --pdf passport-yp-0001.pdf")]
    Print(PrintArgs),
    /// Print a shell completion script for bash, zsh or fish.
    #[command(
        after_help = "Example:\n  waymark completions bash > ~/.local/share/bash-completion/completions/waymark"
    )]
    Completions(CompletionsArgs),
}

/// Options of `waymark schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Folder to write the schemas into; default: .waymark/schema under the repository.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Also write .vscode/settings.json, mapping each kind of record file to its schema.
    #[arg(long)]
    pub vscode: bool,
}

/// Options of `waymark hook`.
#[derive(Debug, clap::Args)]
pub struct HookArgs {
    /// What to do with the hook.
    #[command(subcommand)]
    pub action: HookAction,
}

/// What `waymark hook` does.
#[derive(Debug, Subcommand)]
pub enum HookAction {
    /// Install a git pre-commit hook that runs `waymark check --staged` and stops a commit with errors.
    ///
    /// An existing pre-commit hook that Waymark did not write is never replaced.
    #[command(
        after_help = "Example:\n  waymark hook install\n  git commit --no-verify     # commit once without the check"
    )]
    Install,
}

/// Options of `waymark print`.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    /// Which page to print.
    #[arg(value_enum)]
    pub page: PrintPage,

    /// The young person's id, such as yp-0001.
    #[arg(value_name = "PERSON-ID")]
    pub person: String,

    /// The PDF file to write.
    #[arg(long, value_name = "FILE")]
    pub pdf: PathBuf,
}

/// A page `waymark print` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintPage {
    /// The health passport.
    Passport,
    /// The pathway plan.
    Plan,
    /// The transition summary (record format 1.1).
    Transition,
}

/// Options of `waymark completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// A shell `waymark completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// bash
    Bash,
    /// zsh
    Zsh,
    /// fish
    Fish,
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
}

/// Options of `waymark check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Output for people (human) or for programs (json).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Show errors only, leaving out warnings and infos.
    #[arg(long)]
    pub errors: bool,

    /// Show only what concerns this young person (their id, such as yp-0003).
    #[arg(long, value_name = "ID")]
    pub person: Option<String>,

    /// Show only this rule's findings (such as nhs-number or plan-review-overdue).
    /// With `--rule uncommitted`, each file not yet committed is listed.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,

    /// Check what is about to be committed: the staged records as git's index holds them, the
    /// rest as on disk; only the staged files are reported. The pre-commit hook uses this.
    #[arg(long)]
    pub staged: bool,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style text with the source line.
    Human,
    /// One JSON object, as FORMAT.md §9 describes.
    Json,
}
