//! The leder HTTP API: actix-web handlers, the OpenAPI contract (utoipa) and the `leder` binary.
//!
//! Rules: handlers are thin (extract, validate, convert to domain, run the rule, persist, map to
//! a DTO); every database call goes through [`db::run`]; every error leaves as problem+json
//! through [`error::ApiError`]; routes and the spec come from one registration
//! ([`routes::configure`]). This crate never imports Diesel.

pub mod annual_report;
pub mod app;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cases;
pub mod cli;
pub mod clock;
pub mod config;
pub mod csv;
pub mod db;
pub mod demo;
pub mod dto;
pub mod error;
pub mod extract;
pub mod icb_scope;
pub mod idempotency;
pub mod metrics;
pub mod middleware;
pub mod national;
pub mod openapi;
pub mod rate_limit;
pub mod routes;
pub mod secrets;
pub mod server;
pub mod state;
pub mod storage;
pub mod webhooks;
