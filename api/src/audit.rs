//! Recording who read or changed identifiable data.
//!
//! Every read becomes a write, so entries are group-committed: one writer thread per process
//! owns the process's chain, takes whatever entries are queued (up to a thousand), appends them
//! in one transaction, and only then lets the requests that wait on them answer. Nothing is
//! served unaudited: if the batch fails, those requests answer 503 (`/problems/storage-full`
//! when the database has no space left for it). Changes do not come here:
//! they append their entry inside their own transaction ([`AuditWriter::audited`]).

use std::sync::mpsc::{Receiver, Sender, channel};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::{Ready, ready};
use leder_domain::audit::{ActorKind, AuditAction, AuditOutcome};
use leder_persistence::repo::audit::{
    AuditChain, Audited, Author, NewAuditEntry, append_batch, ensure_chain,
};
use leder_persistence::{DatabaseUrl, DbConnection, PersistenceError};
use tokio::sync::oneshot;

use crate::error::ApiError;
use crate::state::AppState;

pub mod refusals;

pub use refusals::{RefusalBudget, audit_refusals};

/// The most entries committed in one batch.
const MAX_BATCH: usize = 1000;

/// How a batch ended, for each request waiting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Committed {
    Yes,
    /// The database's storage is full.
    StorageFull,
    /// Any other failure (the database away, a broken connection).
    Failed,
}

type Job = (NewAuditEntry, oneshot::Sender<Committed>);

pub mod checkpoint;

/// The process's audit writer.
pub struct AuditWriter {
    chain: AuditChain,
    tx: Sender<Job>,
}

impl AuditWriter {
    /// Starts the writer thread on its own connection (not one of the pool's).
    pub fn start(url: DatabaseUrl, chain: AuditChain) -> Result<Self, String> {
        let mut conn = url.connect().map_err(|e| e.to_string())?;
        ensure_chain(&mut conn, chain.id()).map_err(|e| e.to_string())?;
        let (tx, rx) = channel::<Job>();
        let writer_chain = chain.clone();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || run(url, conn, writer_chain, rx))
            .map_err(|e| e.to_string())?;
        Ok(AuditWriter { chain, tx })
    }

    /// The chain this process appends to, with its key.
    pub fn chain(&self) -> &AuditChain {
        &self.chain
    }

    /// For a change: the entry, to append inside the change's own transaction.
    pub fn audited(&self, entry: NewAuditEntry) -> Audited {
        Audited {
            chain: self.chain.clone(),
            entry,
        }
    }

    /// For a change that keeps a history: who makes it, and its audited write.
    pub fn author(
        &self,
        caller: &crate::auth::Caller,
        info: &RequestInfo,
        action: impl Into<leder_domain::audit::Act>,
    ) -> Author {
        Author {
            id: Some(caller.id.clone()),
            roles: caller.roles_text(),
            audited: self.audited(caller.audit_entry(info, action, AuditOutcome::Success)),
        }
    }

    /// Records an entry and waits until it is committed.
    pub async fn record(&self, entry: NewAuditEntry) -> Result<(), ApiError> {
        let (done, committed) = oneshot::channel();
        self.tx
            .send((entry, done))
            .map_err(|_| ApiError::Unavailable("the audit trail is not available".into()))?;
        match committed.await {
            Ok(Committed::Yes) => Ok(()),
            Ok(Committed::StorageFull) => Err(ApiError::StorageFull),
            Ok(Committed::Failed) | Err(_) => Err(ApiError::Unavailable(
                "the audit trail is not available".into(),
            )),
        }
    }
}

fn run(url: DatabaseUrl, mut conn: DbConnection, chain: AuditChain, rx: Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let entries: Vec<NewAuditEntry> = batch.iter().map(|(e, _)| e.clone()).collect();
        let mut ok = append_batch(&mut conn, &chain, &entries);
        match &ok {
            Ok(()) => {}
            // A new connection finds no more space than this one did.
            Err(PersistenceError::StorageFull(e)) => {
                log::error!("audit batch of {} not written: {e}", entries.len());
            }
            Err(e) => {
                log::error!("audit batch of {} failed: {e}; reconnecting", entries.len());
                match url.connect() {
                    Ok(fresh) => {
                        conn = fresh;
                        ok = append_batch(&mut conn, &chain, &entries);
                    }
                    Err(e) => log::error!("audit writer cannot reconnect: {e}"),
                }
            }
        }
        let committed = match ok {
            Ok(()) => Committed::Yes,
            Err(PersistenceError::StorageFull(_)) => Committed::StorageFull,
            Err(_) => Committed::Failed,
        };
        for (_, done) in batch {
            let _ = done.send(committed);
        }
    }
}

/// What the audit trail records about the request itself.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// HTTP method.
    pub method: String,
    /// Route pattern (`/api/v1/users/{id}`), not the concrete path.
    pub route: String,
    /// The client's address: the peer, or behind a trusted proxy the forwarded address.
    pub client_address: Option<String>,
}

impl RequestInfo {
    /// An entry of this request by someone not (yet) known: no actor id, roles or ICB.
    pub fn anonymous_entry(&self, action: AuditAction, outcome: AuditOutcome) -> NewAuditEntry {
        NewAuditEntry {
            occurred_at: leder_persistence::reference::now_utc(),
            actor_kind: ActorKind::Anonymous.as_str().to_owned(),
            actor_id: None,
            actor_roles: String::new(),
            actor_organisation: None,
            method: self.method.clone(),
            route: self.route.clone(),
            action: action.as_str().to_owned(),
            subject: None,
            subject_organisation: None,
            outcome: outcome.as_str().to_owned(),
            client_address: self.client_address.clone(),
        }
    }
}

/// The client's address: the peer address, unless the peer is a trusted proxy, in which case
/// the right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_address(req: &HttpRequest, trusted: &[std::net::IpAddr]) -> Option<String> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter_map(|v| v.parse::<std::net::IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .map_or_else(|| Some(peer.to_string()), |ip| Some(ip.to_string()))
}

impl FromRequest for RequestInfo {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trusted = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.config.trusted_proxies.clone())
            .unwrap_or_default();
        ready(Ok(RequestInfo {
            method: req.method().as_str().to_owned(),
            route: req.match_pattern().unwrap_or_else(|| req.path().to_owned()),
            client_address: client_address(req, &trusted),
        }))
    }
}
