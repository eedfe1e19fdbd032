//! Accounts and machine clients: the checks and secrets that the admin's HTTP routes and the
//! command line share.

use leder_domain::OdsCode;
use leder_domain::organisations::OrgKind;
use leder_domain::workflow::{Actor, Role};
use leder_persistence::Pool;
use leder_persistence::repo::organisations as orgs;
use sha2::{Digest, Sha256};

use crate::clock::today_in_england;
use crate::db;
use crate::error::ApiError;

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
