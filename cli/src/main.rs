//! `double-random`: the command-line tool for offices that run spot-check
//! draws and for auditors who check them.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use double_random_cli::{check, common, plan};

/// Provable "double random, one public" (双随机、一公开) spot-check draws.
#[derive(Debug, Parser)]
#[command(name = "double-random", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate registers: counts per credit class and department, and every problem found.
    CheckRegisters(check::CheckArgs),
    /// Quarterly change list (季度增减清单) between two versions of an entity register.
    DiffRegisters(check::DiffArgs),
    /// Per credit class: pool size, ratio and number to draw for a task file.
    Plan(plan::PlanArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::CheckRegisters(a) => check::check_registers(&a),
        Command::DiffRegisters(a) => check::diff_registers(&a),
        Command::Plan(a) => plan::plan(&a),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("double-random: {e}");
            common::Status::Unreadable.into()
        }
    }
}
