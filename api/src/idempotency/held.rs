//! A reserved `Idempotency-Key` until its request has answered.

use actix_web::web;
use leder_persistence::repo::idempotency;

use crate::state::AppState;

/// A reserved key: completed with the answer, or released so that a retry may run again. A
/// request dropped before either (the client went away) releases it in the background.
pub(super) struct Held {
    state: web::Data<AppState>,
    scope: String,
    key: String,
    settled: bool,
}

impl Held {
    /// A key just reserved for `scope`.
    pub(super) fn new(state: web::Data<AppState>, scope: String, key: String) -> Self {
        Held {
            state,
            scope,
            key,
            settled: false,
        }
    }

    /// Keeps the answer to replay.
    pub(super) async fn complete(mut self, status: i64, headers: String, body: String) {
        self.settled = true;
        let (scope, key) = (self.scope.clone(), self.key.clone());
        let stored = crate::db::run(&self.state, move |conn| {
            idempotency::complete(conn, &scope, &key, status, &headers, &body)
        })
        .await;
        if let Err(e) = stored {
            // The answer stands; a retry may run again once the reservation is gone.
            log::warn!(
                "idempotency record {} {} not completed: {e}",
                self.scope,
                self.key
            );
            self.settled = false;
        }
    }

    /// Gives the key up: the request failed, so a retry may run it.
    pub(super) async fn release(mut self) {
        self.settled = true;
        let (scope, key) = (self.scope.clone(), self.key.clone());
        let released = crate::db::run(&self.state, move |conn| {
            idempotency::release(conn, &scope, &key)
        })
        .await;
        if let Err(e) = released {
            log::warn!(
                "idempotency key {} {} not released: {e}",
                self.scope,
                self.key
            );
            self.settled = false;
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = self.state.pool.clone();
        let (scope, key) = (
            std::mem::take(&mut self.scope),
            std::mem::take(&mut self.key),
        );
        runtime.spawn(async move {
            let released =
                crate::db::run_on(&pool, move |conn| idempotency::release(conn, &scope, &key))
                    .await;
            if let Err(e) = released {
                log::warn!("an abandoned idempotency key was not released: {e}");
            }
        });
    }
}
