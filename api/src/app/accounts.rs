//! Accounts and machine clients: the checks and secrets that the admin's HTTP routes and the
//! command line share.

use leder_domain::OdsCode;
use leder_domain::organisations::OrgKind;
use leder_domain::workflow::{Actor, Role};
use leder_persistence::Pool;
use leder_persistence::repo::organisations as orgs;
use sha2::{Digest, Sha256};

use actix_web::web;
use leder_domain::audit::{AuditAction, AuditOutcome};
use leder_persistence::records::identity::{Client, ClientAuth, User};
use leder_persistence::repo::clients;
use leder_persistence::repo::users::{self, NewUser};

use crate::audit::RequestInfo;
use crate::auth::client_assertion;
use crate::auth::{Caller, password};
use crate::clock::today_in_england;
use crate::db;
use crate::dto::clients::NewClientRequest;
use crate::dto::identity::NewUserRequest;
use crate::error::ApiError;
use crate::state::AppState;

/// The ODS code of an ICB that exists today, or 422 naming `organisation`.
pub async fn check_icb(pool: &Pool, code: &str) -> Result<String, ApiError> {
    check_current(pool, code, OrgKind::Icb).await
}

/// The ODS code of an organisation of `kind` that exists today, or 422 naming `organisation`.
async fn check_current(pool: &Pool, code: &str, kind: OrgKind) -> Result<String, ApiError> {
    let code = OdsCode::parse(code)
        .map_err(|e| ApiError::invalid_field("organisation", e.code(), e.to_string()))?
        .as_str()
        .to_owned();
    let today = today_in_england();
    let lookup = code.clone();
    let found = db::run_on(pool, move |conn| {
        orgs::get(conn, &lookup, Some(kind), today)
    })
    .await?;
    let valid = found.is_some_and(|d| {
        d.organisation.valid_from <= today && d.organisation.valid_to.is_none_or(|t| today <= t)
    });
    match (valid, kind) {
        (true, _) => Ok(code),
        (false, OrgKind::Region) => Err(ApiError::invalid_field(
            "organisation",
            "not_a_current_region",
            "a regional coordinator's organisation must be the ODS code of an NHS England \
             region that exists today (Y56, Y58 to Y63)",
        )),
        (false, _) => Err(ApiError::invalid_field(
            "organisation",
            "not_a_current_icb",
            "must be the ODS code of an ICB that exists today",
        )),
    }
}

/// Checks roles and organisation together with the domain's account rules, and that the
/// organisation is an ICB today (a region, for a regional coordinator); returns the roles and
/// the organisation.
pub async fn check_account(
    pool: &Pool,
    roles: &[Role],
    organisation: Option<&str>,
) -> Result<(Vec<Role>, Option<String>), ApiError> {
    if roles.contains(&Role::Integration) {
        return Err(ApiError::invalid_field(
            "roles",
            "integration_is_for_clients",
            "integration is the role of machine clients: create a client instead",
        ));
    }
    let domain_roles = roles.to_vec();
    let org = organisation
        .map(|o| {
            OdsCode::parse(o)
                .map_err(|e| ApiError::invalid_field("organisation", e.code(), e.to_string()))
        })
        .transpose()?;
    Actor::new("check", &domain_roles, org.clone()).map_err(|e| {
        let field = if matches!(
            e.code(),
            "organisation_required" | "organisation_not_allowed"
        ) {
            "organisation"
        } else {
            "roles"
        };
        ApiError::invalid_field(field, e.code(), e.to_string())
    })?;
    let kind = if domain_roles.contains(&Role::RegionalCoordinator) {
        OrgKind::Region
    } else {
        OrgKind::Icb
    };
    let org = match org {
        Some(o) => Some(check_current(pool, o.as_str(), kind).await?),
        None => None,
    };
    Ok((domain_roles, org))
}

/// A new client secret: `lcs_` and 43 random URL-safe characters (256 bits).
pub fn new_secret() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!(
        "lcs_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// SHA-256 of a client secret, hex (secrets are long and random, so no slow hash is needed).
pub fn secret_hash(secret: &str) -> String {
    leder_domain::hex::encode(&Sha256::digest(secret.as_bytes()))
}

/// Applies an admin's changes to account `id` at version `expected`: the roles and ICB as
/// they would stand are checked together (422 naming the field), and the change is audited in
/// its transaction (404 for no such account, 412 for a stale version).
pub async fn update(
    state: &crate::state::AppState,
    audited: leder_persistence::repo::audit::Audited,
    id: String,
    expected: i64,
    patch: crate::dto::identity::UserPatch,
) -> Result<leder_persistence::records::identity::User, ApiError> {
    use leder_persistence::repo::users::{self, UserChanges};
    let lookup = id.clone();
    let current = db::run(state, move |conn| users::get(conn, &lookup))
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut changes = UserChanges {
        display_name: patch.display_name,
        disabled: patch.disabled,
        second_factor_required: patch.second_factor_required,
        federated_subject: patch.federated_subject,
        ..UserChanges::default()
    };
    if patch.roles.is_some() || patch.organisation.is_some() {
        let roles = patch.roles.unwrap_or_else(|| current.roles.clone());
        let organisation = patch
            .organisation
            .unwrap_or_else(|| current.organisation.clone());
        let (roles, organisation) =
            check_account(&state.pool, &roles, organisation.as_deref()).await?;
        changes.roles = Some(roles);
        changes.organisation = Some(organisation);
    }
    db::run(state, move |conn| {
        users::update(conn, &id, expected, changes, &audited)
    })
    .await?
    .ok_or(ApiError::NotFound)
}

/// Creates a leder account for `request` (the admin's route): roles and ICB checked, the
/// password held to the policy and hashed off the async threads, the creation audited.
pub async fn create_user(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    request: NewUserRequest,
) -> Result<User, ApiError> {
    let username = request.username.trim().to_ascii_lowercase();
    let (roles, organisation) =
        check_account(&state.pool, &request.roles, request.organisation.as_deref()).await?;
    if let Some(problem) = password::policy_problem(&request.password, &username) {
        return Err(ApiError::invalid_field(
            "password",
            "weak_password",
            problem,
        ));
    }
    let (secret, hasher) = (request.password, state.passwords.clone());
    let hash = web::block(move || hasher.hash(&secret))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let new = NewUser {
        username,
        display_name: request.display_name,
        roles,
        organisation,
        password_hash: hash,
        federated_subject: request.federated_subject,
    };
    let audited =
        state
            .audit
            .audited(caller.audit_entry(info, AuditAction::Create, AuditOutcome::Success));
    let row = db::run(state, move |conn| users::create(conn, new, Some(&audited))).await?;
    Ok(row)
}

/// Registers a machine client of an ICB for `request` (the admin's route): with a secret,
/// answered once beside the client, or with the public keys of its `private_key_jwt`
/// assertions and no secret at all. Audited.
pub async fn create_client(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    request: NewClientRequest,
) -> Result<(Client, Option<String>), ApiError> {
    let organisation = check_icb(&state.pool, &request.organisation).await?;
    let auth = match &request.jwks {
        None => ClientAuth::Secret,
        Some(jwks) => ClientAuth::PrivateKeyJwt(
            client_assertion::parse_jwks(jwks)
                .map_err(|why| ApiError::invalid_field("jwks", "invalid_jwks", why))?,
        ),
    };
    // A private_key_jwt client is given no secret: its stored hash is of one nobody sees.
    let secret = new_secret();
    let hash = secret_hash(&secret);
    let shown = (auth == ClientAuth::Secret).then_some(secret);
    let audited =
        state
            .audit
            .audited(caller.audit_entry(info, AuditAction::Create, AuditOutcome::Success));
    let name = request.name.clone();
    let org = organisation.clone();
    let row = db::run(state, move |conn| {
        clients::create(conn, &name, &org, &hash, &auth, Some(&audited))
    })
    .await?;
    Ok((row, shown))
}
