//! The caller of a request, from its bearer token, in one extractor. Handlers ask it for a role
//! ([`Caller::require`]) and build case scopes from it; nothing else reads the token.
//!
//! Each request reads the account behind the token (one look-up by primary key), never a copy
//! kept in the process: a disabled user, a revoked client or a changed password stops the
//! account's tokens on every replica with the very next request. A user's token must carry the
//! account's current token generation ([`crate::auth::token::Claims::generation`]).

use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use leder_domain::audit::{Act, ActorKind, AuditOutcome};
use leder_domain::workflow::Role;
use leder_persistence::reference::now_utc;
use leder_persistence::repo::audit::NewAuditEntry;
use leder_persistence::repo::{clients, sessions, users};

use crate::auth::keys::KeySet;
use crate::auth::token;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// A person or a machine client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person's account.
    User,
    /// A machine client (role `integration`).
    Client,
}

impl PrincipalKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Client => "client",
        }
    }

    /// How the audit trail names it.
    pub fn actor_kind(self) -> ActorKind {
        match self {
            PrincipalKind::User => ActorKind::User,
            PrincipalKind::Client => ActorKind::Client,
        }
    }
}

/// The authenticated caller, as the account stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// User or client id.
    pub id: String,
    /// Person or client.
    pub kind: PrincipalKind,
    /// Username, or the client's name.
    pub name: String,
    /// Current roles.
    pub roles: Vec<Role>,
    /// Current ICB, if any (for a regional coordinator, its region).
    pub organisation: Option<String>,
    /// For a regional coordinator, the ICBs of its region today (through the dated
    /// hierarchy); empty for everyone else.
    pub oversees: Vec<String>,
    /// The session the token belongs to (a person's token since sessions began).
    pub session_id: Option<String>,
}

impl Caller {
    /// Whether the caller holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs one of the roles: {}",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    /// The roles as stored in audit entries.
    pub fn roles_text(&self) -> String {
        self.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// An audit entry for something this caller did.
    pub fn audit_entry(
        &self,
        info: &crate::audit::RequestInfo,
        action: impl Into<Act>,
        outcome: AuditOutcome,
    ) -> NewAuditEntry {
        NewAuditEntry {
            occurred_at: leder_persistence::reference::now_utc(),
            actor_kind: self.kind.actor_kind().as_str().to_owned(),
            actor_id: Some(self.id.clone()),
            actor_roles: self.roles_text(),
            actor_organisation: self.organisation.clone(),
            method: info.method.clone(),
            route: info.route.clone(),
            action: action.into().name().into_owned(),
            subject: None,
            subject_organisation: None,
            outcome: outcome.as_str().to_owned(),
            client_address: info.client_address.clone(),
        }
    }
}

/// Token settings.
pub struct AuthState {
    /// The signing and verifying keys.
    pub keys: KeySet,
    /// `iss` of issued tokens.
    pub issuer: String,
    /// `aud` of issued tokens.
    pub audience: String,
    /// Access-token lifetime.
    pub lifetime: Duration,
    /// Tokens whose signature has been checked already.
    pub verified: token::VerifiedTokens,
}

impl AuthState {
    /// The auth state.
    pub fn new(keys: KeySet, issuer: String, audience: String, lifetime: Duration) -> Self {
        AuthState {
            keys,
            issuer,
            audience,
            lifetime,
            verified: token::VerifiedTokens::default(),
        }
    }
}

/// Reads the account behind a token's subject: `None` when missing, disabled or revoked, or
/// when the token is of another generation than the user's.
async fn load(
    state: &AppState,
    kind: PrincipalKind,
    id: String,
    generation: i64,
    session_id: Option<String>,
) -> Result<Option<Caller>, ApiError> {
    let caller = match kind {
        PrincipalKind::User => match db::run(state, {
            let session_id = session_id.clone();
            move |conn| {
                let Some(user) = users::get(conn, &id)? else {
                    return Ok(None);
                };
                // One more look-up by key, only for tokens that name a session.
                let live = match session_id.as_deref() {
                    Some(sid) => sessions::is_active(conn, sid, &id, now_utc())?,
                    None => true,
                };
                Ok(live.then_some(user))
            }
        })
        .await?
        .filter(|u| !u.disabled && u.token_generation == generation)
        {
            Some(u) => {
                let oversees = match (
                    &u.organisation,
                    u.roles.contains(&Role::RegionalCoordinator),
                ) {
                    (Some(region), true) => overseen(state, region).await?,
                    _ => Vec::new(),
                };
                Some(Caller {
                    roles: u.roles,
                    id: u.id,
                    kind,
                    name: u.username,
                    organisation: u.organisation,
                    oversees,
                    session_id,
                })
            }
            None => None,
        },
        PrincipalKind::Client => db::run(state, move |conn| clients::get(conn, &id))
            .await?
            .filter(|c| c.revoked_at.is_none())
            .map(|c| Caller {
                id: c.id,
                kind,
                name: c.name,
                roles: vec![Role::Integration],
                organisation: Some(c.organisation),
                oversees: Vec::new(),
                session_id: None,
            }),
    };
    Ok(caller)
}

/// The ICBs of `region` today, through the dated hierarchy (DOMAIN.md, "Oversight").
async fn overseen(state: &AppState, region: &str) -> Result<Vec<String>, ApiError> {
    let hierarchy = crate::app::organisations::hierarchy(state).await?;
    Ok(hierarchy
        .icbs_of_region(region, crate::clock::today_in_england())
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// Authenticates a bearer token.
pub async fn authenticate(state: &AppState, bearer: Option<String>) -> Result<Caller, ApiError> {
    let token = bearer.ok_or(ApiError::Unauthorized)?;
    let auth = &state.auth;
    let claims = auth
        .verified
        .verify(&auth.keys, &token, &auth.issuer, &auth.audience)
        .ok_or(ApiError::Unauthorized)?;
    let kind = match claims.kind.as_str() {
        "user" => PrincipalKind::User,
        "client" => PrincipalKind::Client,
        _ => return Err(ApiError::Unauthorized),
    };
    load(state, kind, claims.sub, claims.generation, claims.sid)
        .await?
        .ok_or(ApiError::Unauthorized)
}

/// The bearer token of a request, if it has one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("no app state"))?;
            authenticate(&state, token).await
        })
    }
}

/// The caller when the request carries a token, for endpoints open to the public that do more
/// for a signed-in caller (the intake): no `Authorization` header is `None`; a header with a
/// token that does not verify is a 401, never a silent downgrade to the public.
pub struct OptionalCaller(pub Option<Caller>);

impl FromRequest for OptionalCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let present = req.headers().contains_key(header::AUTHORIZATION);
        let token = bearer(req);
        Box::pin(async move {
            if !present {
                return Ok(OptionalCaller(None));
            }
            let state = state.ok_or_else(|| ApiError::internal("no app state"))?;
            authenticate(&state, token)
                .await
                .map(|c| OptionalCaller(Some(c)))
        })
    }
}
