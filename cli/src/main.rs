//! `double-random`: the command-line tool for offices that run spot-check
//! draws and for auditors who check them.

use std::process::ExitCode;

use clap::FromArgMatches;
use clap::error::ErrorKind;

use double_random_cli::app::Cli;
use double_random_cli::{common, lang, progress};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let language = lang::detect(&args, |k| std::env::var(k).ok());
    lang::set(language);
    let cli = match lang::command(language)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return parse_failed(&e),
    };
    progress::set_quiet(cli.quiet);
    // The process ends when the command returns: big registers need not be freed.
    common::exit_after_command();
    match cli.command.run() {
        Ok(status) => status.into(),
        // The reader closed the pipe (`| head`): stop quietly, as a
        // SIGPIPE would, with the exit status of output not written.
        Err(e) if e.is_broken_pipe() => common::Status::Unreadable.into(),
        Err(e) => {
            eprintln!("double-random: {}", lang::message(&e));
            common::Status::Unreadable.into()
        }
    }
}

/// Help and version requests print and exit 0; parse errors exit 2, in
/// the user's language.
fn parse_failed(e: &clap::Error) -> ExitCode {
    let asked = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if asked || !lang::zh() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        e.exit();
    }
    eprintln!("double-random: 错误：{}", lang::parse_error(e));
    common::Status::Unreadable.into()
}
