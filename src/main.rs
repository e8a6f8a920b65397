//! The `waymark` command: parse the command line, run one command, map the result to an exit status.

use clap::Parser;
use std::process::ExitCode;
use waymark::cli::{Cli, Command};
use waymark::commands;

/// The allocator for every command: see Cargo.toml for why it is not glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.as_deref();
    let today = cli.today.as_deref();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(root, today, args),
        Command::Build(args) => commands::build::run(root, today, args),
        Command::History(args) => commands::history::run(root, args),
        Command::Serve(args) => commands::serve::run(root, today, args),
        Command::Return(waymark::cli::ReturnCommand::Ssda903(args)) => commands::return_903::run(root, today, args),
        Command::Explain(args) => commands::explain::run(root, args),
        Command::Init(args) => commands::init::run(today, args),
        Command::New(args) => commands::new::run(root, today, args),
        Command::Export(args) => commands::export::run(root, today, args),
        Command::Schema(args) => commands::schema::run(root, args),
        Command::Hook(args) => commands::hook::run(root, args),
        Command::Print(args) => commands::print::run(root, today, args),
        Command::Completions(args) => commands::completions::run(args),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(commands::Fatal(message)) => {
            // Messages quote paths and settings from the repository: no control character reaches the terminal.
            eprintln!("error: {}", waymark::term::visible(&message));
            ExitCode::from(2)
        }
    }
}
