//! The `samenhang` binary: parses the command line, sets up logging and runs the command.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use samenhang::config::{Cli, LogFormat};
use samenhang::error::Error;
use tracing_subscriber::EnvFilter;

/// How long work still running when the command has finished (a computation given up with its
/// request) may hold the process open.
const EXIT_GRACE: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().init(),
        LogFormat::Text => logs.init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(samenhang::cli::run(cli));
    // Blocking work that outlives the command (analytics still stopping) must not keep the
    // process alive: wait a moment, then leave it behind.
    runtime.shutdown_timeout(EXIT_GRACE);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err @ (Error::Invalid(_) | Error::NotFound { .. } | Error::Conflict { .. })) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
