//! `waymark completions`: a shell completion script, written by clap_complete from the command line's definition.

use super::Fatal;
use crate::cli::{Cli, CompletionsArgs, Shell};
use clap::CommandFactory;

/// Prints the completion script for the shell asked for.
pub fn run(args: &CompletionsArgs) -> Result<u8, Fatal> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "waymark", &mut script);
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&script).and_then(|_| out.flush());
    Ok(0)
}
