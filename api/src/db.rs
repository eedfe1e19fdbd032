//! The one helper through which every pool checkout and Diesel call runs: on actix's blocking
//! thread pool (`web::block`), never on the async executor.

use actix_web::web;
use leder_persistence::connection::checkout;
use leder_persistence::{DbConnection, PersistenceError, Pool};

use crate::error::ApiError;
use crate::state::AppState;

/// Checks out a connection and runs `f` on a blocking thread.
pub async fn run<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, PersistenceError> + Send + 'static,
    T: Send + 'static,
{
    run_on(&state.pool, f).await
}

/// [`run`] on a pool alone (for the command line, which has no server state).
pub async fn run_on<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, PersistenceError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = checkout(&pool)?;
        f(&mut conn)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)
}
