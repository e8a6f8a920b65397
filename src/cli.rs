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
    /// output folder (use `waymark build` for a copy to keep or share). Only this computer's
    /// own pages may read it: other host names and other websites' pages are refused. A record
    /// with an error is shown in the browser over the last good page until it is fixed.
    #[command(
        after_help = "Example:\n  waymark serve --open       # then edit records; the browser follows each save"
    )]
    Serve(ServeArgs),
    /// Make a statutory return from the records: `waymark return 903 --year 2026`.
    #[command(name = "return", subcommand, after_help = "Example:\n  waymark return 903 --year 2026")]
    Return(ReturnCommand),
    /// Explain a rule: what it means, when it fires and how to put it right.
    ///
    /// Example: `waymark explain passport-due`. With no rule, lists every rule.
    #[command(after_help = "Example:\n  waymark explain passport-due")]
    Explain(ExplainArgs),
    /// Make a new records repository (or the fictional sample service) in a folder.
    ///
    /// Writes waymark.yaml with every setting, records/ and a .gitignore, makes it a git
    /// repository and commits the first version. A folder that is already a Waymark repository
    /// is left as it is. Example: `waymark init our-records --organisation "Example Leaving Care"`.
    #[command(after_help = "Example:\n  waymark init our-records --organisation \"Example Leaving Care\"")]
    Init(InitArgs),
    /// Write a new record with every field ready to fill in, then check it.
    ///
    /// Never overwrites a file. On a terminal, opens $VISUAL or $EDITOR on it first.
    /// Example: `waymark new note yp-0001 --kind visit`.
    #[command(after_help = "Example:\n  waymark new note yp-0001 --kind visit")]
    New(NewArgs),
    /// Write one young person's records as a self-contained bundle to give them (a subject
    /// access request, or a copy when they leave): every record, attachments, the history of
    /// their records, an index page and a manifest of every file with its SHA-256.
    #[command(after_help = "Example:\n  waymark export yp-0001 --out yp-0001-records --zip")]
    Export(ExportArgs),
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

/// The returns Waymark can make.
#[derive(Debug, Subcommand)]
pub enum ReturnCommand {
    /// The DfE's care-leaver return (SSDA903 table OC3): OC3.csv to upload, and return.html to read.
    ///
    /// The cohort is every young person whose 17th to 21st birthday falls in the collection
    /// year and who was relevant or former-relevant on that birthday; their status is read from
    /// the records as they stood on that birthday in git.
    #[command(
        name = "903",
        after_help = "Example:\n  waymark return 903 --year 2026    # writes returns/ssda903-2026/OC3.csv and return.html"
    )]
    Ssda903(Return903Args),
}

/// Options of `waymark return 903`.
#[derive(Debug, clap::Args)]
pub struct Return903Args {
    /// The collection year, named by the year it ends: 2026 is 1 April 2025 to 31 March 2026.
    #[arg(long, value_name = "YYYY")]
    pub year: i32,

    /// Where to write OC3.csv and return.html; default: returns/ssda903-YYYY under the repository.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Make the return for a year that has not ended yet (birthdays still to come are left out).
    #[arg(long)]
    pub partial: bool,
}

/// Options of `waymark explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule name as shown in brackets by `waymark check`, such as plan-review-overdue.
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
}

/// Options of `waymark init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to make the repository in (created if missing; must be empty); default: here.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Your organisation's name, for waymark.yaml.
    #[arg(long, value_name = "NAME", conflicts_with = "sample")]
    pub organisation: Option<String>,

    /// Make the fictional sample service instead, with 18 months of git history by its staff.
    #[arg(long)]
    pub sample: bool,
}

/// Options of `waymark new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// What kind of record to write.
    #[command(subcommand)]
    pub kind: NewKind,

    /// Do not open an editor, even on a terminal.
    #[arg(long, global = true)]
    pub no_edit: bool,
}

/// The kinds of record `waymark new` writes.
#[derive(Debug, Subcommand)]
pub enum NewKind {
    /// A young person: makes records/<id>/profile.md and prints the new id.
    ///
    /// Example: `waymark new person --name "Kayla Morgan" --dob 2009-01-15 --status relevant --adviser sam-okafor`
    #[command(
        after_help = "Example:\n  waymark new person --name \"Kayla Morgan\" --dob 2009-01-15 --status relevant --adviser sam-okafor"
    )]
    Person(NewPersonArgs),
    /// A case note: records/PERSON/notes/DATE-SLUG.md.
    ///
    /// Example: `waymark new note yp-0001 --kind keywork --date 2026-11-24 --slug budgeting`
    #[command(after_help = "Example:\n  waymark new note yp-0001 --kind keywork --date 2026-11-24 --slug budgeting")]
    Note(NewNoteArgs),
    /// A pathway plan: records/PERSON/pathway-plan.md. Example: `waymark new plan yp-0001`
    #[command(after_help = "Example:\n  waymark new plan yp-0001")]
    Plan(PersonArg),
    /// A health passport: records/PERSON/health-passport.md. Example: `waymark new passport yp-0001`
    #[command(after_help = "Example:\n  waymark new passport yp-0001")]
    Passport(PersonArg),
    /// An outcome reading: records/PERSON/outcomes/DATE.md. Example: `waymark new outcome yp-0001`
    #[command(after_help = "Example:\n  waymark new outcome yp-0001")]
    Outcome(NewOutcomeArgs),
    /// Feedback from the young person: records/PERSON/feedback/DATE-SLUG.md (format 1.1).
    ///
    /// Example: `waymark new feedback yp-0010 --kind exit`
    #[command(after_help = "Example:\n  waymark new feedback yp-0010 --kind exit")]
    Feedback(NewFeedbackArgs),
    /// A supervision record for a member of staff: staff/STAFF/supervision/DATE.md (format 1.2).
    ///
    /// Example: `waymark new supervision sam-okafor --by helen-marsh`
    #[command(after_help = "Example:\n  waymark new supervision sam-okafor --by helen-marsh")]
    Supervision(NewSupervisionArgs),
}

/// The young person a new record is for.
#[derive(Debug, clap::Args)]
pub struct PersonArg {
    /// The young person's id, such as yp-0001.
    #[arg(value_name = "PERSON")]
    pub person: String,
}

/// Options of `waymark new person`.
#[derive(Debug, clap::Args)]
pub struct NewPersonArgs {
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub dob: String,
    /// Legal status: looked-after, eligible, relevant, former-relevant or qualifying.
    #[arg(long, value_name = "STATUS")]
    pub status: String,
    /// The personal adviser's staff id.
    #[arg(long, value_name = "STAFF-ID")]
    pub adviser: Option<String>,
    /// The id to use; default: the next free yp-NNNN.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

/// Options of `waymark new note`.
#[derive(Debug, clap::Args)]
pub struct NewNoteArgs {
    /// The young person's id.
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// What kind of contact: visit, phone, message, keywork, review, multi-agency, education, health, incident, other.
    #[arg(long, default_value = "visit")]
    pub kind: String,
    /// Who wrote it (staff id); default: the member of staff whose email is git's user.email.
    #[arg(long, value_name = "STAFF-ID")]
    pub author: Option<String>,
    /// The day it happened; default: today (or --today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// A few words for the file name; default: the kind.
    #[arg(long, value_name = "WORDS")]
    pub slug: Option<String>,
    /// Keep it out of search and printed bundles.
    #[arg(long)]
    pub restricted: bool,
}

/// Options of `waymark new outcome`.
#[derive(Debug, clap::Args)]
pub struct NewOutcomeArgs {
    /// The young person's id.
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// The day of the reading; default: today (or --today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Who took the reading (staff id); default: the member of staff whose email is git's user.email.
    #[arg(long, value_name = "STAFF-ID")]
    pub by: Option<String>,
    /// The outcome scale's id; default: the first in waymark.yaml, else keep-on-caring.
    #[arg(long, value_name = "ID")]
    pub scale: Option<String>,
}

/// Options of `waymark new feedback`.
#[derive(Debug, clap::Args)]
pub struct NewFeedbackArgs {
    /// The young person's id.
    #[arg(value_name = "PERSON")]
    pub person: String,
    /// questionnaire, exit, complaint, compliment or review-views.
    #[arg(long)]
    pub kind: String,
    /// The day it was given; default: today (or --today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// A few words for the file name; default: the kind.
    #[arg(long, value_name = "WORDS")]
    pub slug: Option<String>,
    /// Who took it down (staff id); default: the member of staff whose email is git's user.email.
    #[arg(long, value_name = "STAFF-ID")]
    pub taken_by: Option<String>,
}

/// Options of `waymark new supervision`.
#[derive(Debug, clap::Args)]
pub struct NewSupervisionArgs {
    /// The member of staff supervised (staff id).
    #[arg(value_name = "STAFF")]
    pub staff: String,
    /// The day of the supervision; default: today (or --today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The manager who gave it (staff id); default: git's user, else the first manager.
    #[arg(long, value_name = "STAFF-ID")]
    pub by: Option<String>,
}

/// Options of `waymark export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The young person's id (yp-0001).
    #[arg(value_name = "PERSON-ID")]
    pub person: String,

    /// The folder to write the bundle into: new, or empty. Never inside records/.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also write the bundle as one zip file beside the folder (DIR.zip).
    #[arg(long)]
    pub zip: bool,

    /// Include restricted notes; every page of the bundle then says so.
    #[arg(long)]
    pub include_restricted: bool,
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

    /// Encrypt every page and file about a young person with a passphrase, taken from the
    /// WAYMARK_PASSPHRASE environment variable or asked for on the terminal.
    #[arg(long)]
    pub encrypt: bool,

    /// Build a site of only this member of staff's caseload (the young people they are
    /// personal adviser or key worker for; a manager's is everyone). Repeat for a team.
    #[arg(long, value_name = "STAFF-ID")]
    pub caseload: Vec<String>,

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
