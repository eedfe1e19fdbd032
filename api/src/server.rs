//! Building and running the HTTP server.
//!
//! Start-up: parse the database URL, build the pool (failing with the driver's own message),
//! run the migrations (PostgreSQL under an advisory lock), then listen. actix-web stops
//! gracefully on SIGTERM and Ctrl-C: it stops accepting, lets in-flight requests finish for up
//! to the shutdown timeout, then exits.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use leder_persistence::{DatabaseUrl, Pool, PoolSettings, build_pool};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::extract::BodyLimit;
use crate::metrics::Metrics;
use crate::routes::fallback::{RouteTable, no_route};
use crate::state::AppState;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database URL is not usable.
    #[error("LEDER_DATABASE_URL: {0}")]
    Url(String),
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(String),
    /// The address could not be bound.
    #[error("LEDER_BIND: {0}")]
    Bind(String),
}

/// Opens the pool and migrates.
pub async fn open_database(config: &Config) -> Result<(DatabaseUrl, Pool), StartupError> {
    let url =
        DatabaseUrl::parse(&config.database_url).map_err(|e| StartupError::Url(e.to_string()))?;
    let settings = PoolSettings {
        max_size: config.pool_size,
        checkout_timeout: config.pool_timeout,
    };
    let pool_url = url.clone();
    let pool = web::block(move || -> Result<Pool, String> {
        let pool = build_pool(pool_url, settings).map_err(|e| e.to_string())?;
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let applied = leder_persistence::migrate::run(&mut conn).map_err(|e| e.to_string())?;
        for name in applied {
            log::info!("applied migration {name}");
        }
        drop(conn);
        Ok(pool)
    })
    .await
    .map_err(|e| StartupError::Database(e.to_string()))?
    .map_err(StartupError::Database)?;
    Ok((url, pool))
}

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pool: Pool,
}

impl Application {
    /// Opens the database, migrates and binds the listener.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let (database_url, pool) = open_database(&config).await?;
        let listener =
            TcpListener::bind(config.bind).map_err(|e| StartupError::Bind(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Bind(e.to_string()))?
            .port();
        let doc = crate::openapi::document();
        let table = web::Data::new(RouteTable::from_openapi(&doc));
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            database_url,
            config: Arc::new(config.clone()),
            metrics: Arc::new(Metrics::default()),
        });
        let body_limit = config.body_limit;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(table.clone())
                .app_data(BodyLimit(body_limit))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(web::FormConfig::default().limit(body_limit))
                .wrap(from_fn(crate::middleware::finish))
                .into_utoipa_app()
                .configure(crate::routes::configure)
                .into_app()
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", doc.clone()),
                )
                .default_service(web::to(no_route))
        })
        .workers(config.workers)
        .shutdown_timeout(config.shutdown_timeout)
        .listen(listener)
        .map_err(|e| StartupError::Bind(e.to_string()))?
        .run();
        Ok(Application { port, server, pool })
    }

    /// The bound port (useful with `LEDER_BIND=127.0.0.1:0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pool the server uses.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGTERM, Ctrl-C or the handle).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
