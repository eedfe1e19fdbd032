//! The `leder` binary.

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    leder_api::cli::run(leder_api::cli::Cli::parse()).await
}
