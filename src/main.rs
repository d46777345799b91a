//! The `samenhang` binary: parses the command line, sets up logging and runs the command.

use std::process::ExitCode;

use clap::Parser;
use samenhang::config::{Cli, LogFormat};
use samenhang::error::Error;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
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
    match samenhang::cli::run(cli).await {
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
