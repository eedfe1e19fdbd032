//! The `leder` command line, built inside the test package so that its tests can run it as a
//! separate process (and kill it): cargo hands integration tests the path of their own
//! package's binaries only.

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    leder_api::cli::run(leder_api::cli::Cli::parse()).await
}
