//! The `pingcha` binary: the desktop app when started without a subcommand (or with
//! `open`), the command line otherwise.

use std::process::ExitCode;

use clap::Parser;
use pingcha::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => pingcha::ui::run(None),
        Some(Command::Open { project }) => pingcha::ui::run(Some(project)),
        Some(command) => pingcha::cli::run(command),
    }
}
