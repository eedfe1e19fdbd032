//! The `leder` command line, built inside the test package so that its tests can run it as a
//! separate process (and kill it): cargo hands integration tests the path of their own
//! package's binaries only. It logs as `leder` does (`RUST_LOG`, default `info`): a test reads
//! the port a server picked from its "listening" line.

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    leder_api::cli::run(leder_api::cli::Cli::parse()).await
}
