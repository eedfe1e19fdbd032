//! Building and running the HTTP server.
//!
//! Start-up: parse the database URL, build the pool (failing with the driver's own message),
//! run the migrations (PostgreSQL under an advisory lock), then listen. actix-web stops
//! gracefully on SIGTERM and Ctrl-C: it stops accepting, lets in-flight requests finish for up
//! to the shutdown timeout, then exits.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::{Condition, from_fn};
use actix_web::{App, HttpServer, web};
use leder_persistence::{DatabaseUrl, Pool, PoolSettings, build_pool};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::audit::AuditWriter;
use crate::auth::caller::AuthState;
use crate::auth::keys::KeySet;
use crate::auth::password;
use crate::config::Config;
use crate::extract::BodyLimit;
use crate::metrics::Metrics;
use crate::routes::fallback::{RouteTable, no_route};
use crate::state::AppState;
use leder_persistence::repo::audit::AuditChain;

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
    /// The signing keys are missing or unusable.
    #[error("{0}")]
    Keys(String),
    /// The document store cannot be opened.
    #[error("LEDER_STORAGE_URL: {0}")]
    Storage(String),
    /// argon2 refuses the configured password-hashing cost.
    #[error("LEDER_PASSWORD_HASH_MEMORY_KIB, LEDER_PASSWORD_HASH_ITERATIONS: {0}")]
    PasswordCost(String),
    /// Federation with an OpenID provider cannot be set up.
    #[error("{0}")]
    Federation(String),
}

/// Loads the JWT keys: from `LEDER_JWT_KEYS_DIR`, or on SQLite from `<data folder>/jwt-keys`
/// (generated on first start). PostgreSQL means several replicas, which must share keys, so
/// there the folder must be configured.
pub fn load_keys(config: &Config, url: &DatabaseUrl) -> Result<KeySet, StartupError> {
    let signing = config.jwt_signing_kid.as_deref();
    match (&config.jwt_keys_dir, url) {
        (Some(dir), _) => KeySet::load(dir, signing, matches!(url, DatabaseUrl::Sqlite(_)))
            .map_err(|e| StartupError::Keys(e.to_string())),
        (None, DatabaseUrl::Sqlite(path)) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."))
                .join("jwt-keys");
            KeySet::load(&dir, signing, true).map_err(|e| StartupError::Keys(e.to_string()))
        }
        (None, DatabaseUrl::Postgres(_)) => Err(StartupError::Keys(
            "LEDER_JWT_KEYS_DIR: required on PostgreSQL, so that every replica signs and verifies \
             with the same keys (put an Ed25519 PKCS#8 <kid>.pem there; on SQLite one is generated)"
                .into(),
        )),
    }
}

/// Opens the server's pool (one idle connection kept ready) and migrates.
pub async fn open_database(config: &Config) -> Result<(DatabaseUrl, Pool), StartupError> {
    open_pool(config, 1).await
}

/// Opens a CLI command's pool and migrates: no idle connection is kept, so none is being opened
/// in the background when the command's process exits.
pub async fn open_cli_database(config: &Config) -> Result<(DatabaseUrl, Pool), StartupError> {
    open_pool(config, 0).await
}

async fn open_pool(config: &Config, min_idle: u32) -> Result<(DatabaseUrl, Pool), StartupError> {
    let url =
        DatabaseUrl::parse(&config.database_url).map_err(|e| StartupError::Url(e.to_string()))?;
    let settings = PoolSettings {
        max_size: config.pool_size,
        checkout_timeout: config.pool_timeout,
        min_idle,
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

/// CORS for the configured front-end origins (off when there are none).
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::ACCEPT,
        ])
        .allowed_header("idempotency-key")
        .expose_headers([
            actix_web::http::header::ETAG,
            actix_web::http::header::LOCATION,
        ])
        .max_age(600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    admin_bind: Option<std::net::SocketAddr>,
    server: actix_web::dev::Server,
    pool: Pool,
}

impl Application {
    /// Opens the database, migrates and binds the listener.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Keys first: a replica that cannot sign must not touch the database at all.
        let parsed = DatabaseUrl::parse(&config.database_url)
            .map_err(|e| StartupError::Url(e.to_string()))?;
        let keys = load_keys(&config, &parsed)?;
        let pseudonym_key =
            crate::national::load_pseudonym_key(&config, &parsed).map_err(StartupError::Keys)?;
        let audit_key =
            crate::audit::checkpoint::load_key(&config, &parsed).map_err(StartupError::Keys)?;
        let checkpoint_file = crate::audit::checkpoint::file(&config, &parsed);
        let passwords = Arc::new(
            password::Hasher::new(config.password_cost).map_err(StartupError::PasswordCost)?,
        );
        if config.password_cost.below_owasp() {
            log::warn!(
                "new password hashes cost {:?}, below every argon2id setting OWASP recommends: \
                 fit only for throwaway accounts",
                config.password_cost
            );
        }
        let storage = crate::storage::Storage::open(&config.evidence.storage_url_for(&parsed))
            .map_err(|e| StartupError::Storage(e.to_string()))?;
        let (database_url, pool) = open_database(&config).await?;
        let bootstrap_password = config.bootstrap_admin_password.clone();
        let bootstrap_pool = pool.clone();
        let bootstrap_hasher = passwords.clone();
        let generated = web::block(move || -> Result<Option<String>, String> {
            let mut conn = bootstrap_pool.get().map_err(|e| e.to_string())?;
            crate::bootstrap::ensure_admin(
                &mut conn,
                bootstrap_password.as_deref(),
                &bootstrap_hasher,
            )
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| StartupError::Database(e.to_string()))?
        .map_err(StartupError::Database)?;
        if let Some(password) = generated {
            log::warn!(
                "created the first admin: username `admin`, password `{password}` (shown once; \
                 change it with POST /api/v1/me/password)"
            );
        }
        let audit_url = database_url.clone();
        let chain = AuditChain::new(config.replica_id.clone(), audit_key.clone());
        let audit = web::block(move || AuditWriter::start(audit_url, chain))
            .await
            .map_err(|e| StartupError::Database(e.to_string()))?
            .map_err(StartupError::Database)?;
        let auth = AuthState::new(
            keys,
            config.jwt_issuer.clone(),
            config.jwt_audience.clone(),
            config.token_lifetime,
        );
        let listener =
            TcpListener::bind(config.bind).map_err(|e| StartupError::Bind(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| StartupError::Bind(e.to_string()))?
            .port();
        let admin_listener = config
            .admin_bind
            .map(|a| {
                TcpListener::bind(a)
                    .map_err(|e| StartupError::Bind(format!("LEDER_ADMIN_BIND: {e}")))
            })
            .transpose()?;
        let mut config = config;
        crate::config::oauth::with_swagger_ui(
            &mut config.oauth_clients,
            config.public_url.as_deref(),
            config.bind.ip(),
            port,
        );
        let federation = match config.federation.as_mut() {
            Some(f) => {
                crate::config::federation::with_redirect_uri(
                    f,
                    config.public_url.as_deref(),
                    config.bind.ip(),
                    port,
                )
                .map_err(|e| StartupError::Federation(e.to_string()))?;
                let provider = crate::app::federation::Provider::new(f.clone())
                    .map_err(StartupError::Federation)?;
                Some(Arc::new(provider))
            }
            None => None,
        };
        if let Some(l) = &admin_listener {
            config.admin_bind = l.local_addr().ok();
        }
        let admin_bind_addr = config.admin_bind;
        let doc = crate::openapi::document();
        let table = web::Data::new(RouteTable::from_openapi(&doc));
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            database_url,
            config: Arc::new(config.clone()),
            metrics: Arc::new(Metrics::default()),
            auth: Arc::new(auth),
            audit: Arc::new(audit),
            hierarchy: Arc::default(),
            rate_limiter: Arc::new(crate::rate_limit::SharedLimit::new(
                "intake",
                config.notification_rate_limit,
            )),
            sign_in_limiter: Arc::new(crate::rate_limit::SharedLimit::new(
                "sign_in",
                crate::rate_limit::FAILED_SIGN_INS_PER_MINUTE,
            )),
            pseudonym_key: Arc::new(pseudonym_key),
            passwords,
            storage,
            upload_limiter: Arc::new(crate::rate_limit::SharedLimit::new(
                "upload_link",
                config.evidence.upload_link_rate_limit,
            )),
            federation,
        });
        let cors_origins = config.cors_origins.clone();
        actix_web::rt::spawn(crate::webhooks::run(state.clone()));
        if config.audit_checkpoint_seconds > 0 {
            actix_web::rt::spawn(crate::audit::checkpoint::every(
                state.clone(),
                audit_key,
                checkpoint_file,
                std::time::Duration::from_secs(config.audit_checkpoint_seconds),
            ));
        }
        actix_web::rt::spawn(crate::idempotency::purge_expired(state.clone()));
        if config.retention_every_hours > 0 {
            actix_web::rt::spawn(crate::app::retention::every(
                state.clone(),
                config.retention,
                config.retention_every_hours,
            ));
        }
        if config.clocks_every_minutes > 0 {
            actix_web::rt::spawn(crate::app::clocks::every(
                state.clone(),
                config.clocks_every_minutes,
            ));
        }
        if config.evidence.sweep_every_minutes > 0 {
            actix_web::rt::spawn(crate::app::evidence::sweep::every(
                state.clone(),
                config.evidence.sweep_every_minutes,
            ));
        }
        let body_limit = config.body_limit;
        let refusals = web::Data::new(crate::audit::RefusalBudget::default());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(table.clone())
                .app_data(BodyLimit(body_limit))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(web::FormConfig::default().limit(body_limit))
                .app_data(refusals.clone())
                .wrap(from_fn(crate::audit::audit_refusals))
                .wrap(Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins),
                ))
                .wrap(from_fn(crate::middleware::head_as_get))
                .wrap(from_fn(
                    crate::middleware::refuse_control_characters_in_path,
                ))
                .wrap(from_fn(crate::middleware::finish))
                .into_utoipa_app()
                .configure(crate::routes::configure)
                .into_app()
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .url("/api-docs/openapi.json", doc.clone())
                        .oauth(
                            utoipa_swagger_ui::oauth::Config::new()
                                .client_id(crate::config::oauth::SWAGGER_UI)
                                .use_pkce_with_authorization_code_grant(true),
                        ),
                )
                .default_service(web::to(no_route))
        })
        .workers(config.workers)
        .shutdown_timeout(config.shutdown_timeout)
        .listen(listener)
        .map_err(|e| StartupError::Bind(e.to_string()))?;
        let server = match admin_listener {
            Some(l) => server
                .listen(l)
                .map_err(|e| StartupError::Bind(e.to_string()))?,
            None => server,
        }
        .run();
        Ok(Application {
            port,
            admin_bind: admin_bind_addr,
            server,
            pool,
        })
    }

    /// The bound port (useful with `LEDER_BIND=127.0.0.1:0`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The bound internal admin address, if configured.
    pub fn admin_bind(&self) -> Option<std::net::SocketAddr> {
        self.admin_bind
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
