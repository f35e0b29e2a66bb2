//! `shuangsui`: the web server and the command-line tools.

use clap::Parser;
use server::cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logging starts once the configuration (which chooses its format) has been read.
    cli::run(cli::Cli::parse()).await
}
