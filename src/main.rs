//! The `pingcha` binary: the desktop app when started without a subcommand (or with
//! `open`), the command line otherwise.

use std::process::ExitCode;

use clap::Parser;
use pingcha::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        #[cfg(feature = "app")]
        None => pingcha::ui::run(None),
        #[cfg(feature = "app")]
        Some(Command::Open { project }) => pingcha::ui::run(Some(project)),
        #[cfg(not(feature = "app"))]
        None | Some(Command::Open { .. }) => {
            eprintln!("此版本未包含桌面窗口（编译时未启用 app 功能），请使用命令行子命令。");
            ExitCode::FAILURE
        }
        Some(command) => pingcha::cli::run(command),
    }
}
