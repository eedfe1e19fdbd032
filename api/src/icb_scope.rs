//! Who may use a route about one ICB's governance (meetings, actions, learning, the annual
//! report). The order is DOMAIN.md's: roles that see no case data at all answer 403; another
//! ICB's data answers 404, as if it did not exist; then the role must be one the route allows.
//! A regional coordinator reads what a route opens to it for the ICBs it oversees.

use leder_domain::workflow::Role;

use crate::auth::Caller;
use crate::error::ApiError;

/// The case roles: those that belong to one ICB.
const CASE_ROLES: [Role; 4] = [
    Role::IcsLead,
    Role::QaPanel,
    Role::Reviewer,
    Role::Integration,
];

/// The caller's ICB, for a route open to `may` of that ICB.
pub fn own_icb(caller: &Caller, may: &[Role]) -> Result<String, ApiError> {
    if !CASE_ROLES.iter().any(|r| caller.has(*r)) {
        return Err(ApiError::Forbidden(
            "your role sees no case data (admins manage accounts; analysts use /national)".into(),
        ));
    }
    caller.require(may)?;
    caller
        .organisation
        .clone()
        .ok_or_else(|| ApiError::internal("a case role without an ICB"))
}

/// The ICB `code` names, if it is the caller's and their role is one of `may`; or, when `may`
/// names `regional_coordinator`, an ICB the calling coordinator oversees today (404 for any
/// other, as for another ICB's case).
pub fn within_icb(caller: &Caller, code: &str, may: &[Role]) -> Result<String, ApiError> {
    let code = code.to_ascii_uppercase();
    if caller.has(Role::RegionalCoordinator) && may.contains(&Role::RegionalCoordinator) {
        return if caller.oversees.contains(&code) {
            Ok(code)
        } else {
            Err(ApiError::NotFound)
        };
    }
    if !CASE_ROLES.iter().any(|r| caller.has(*r)) {
        return Err(ApiError::Forbidden(
            "your role sees no case data (admins manage accounts; analysts use /national)".into(),
        ));
    }
    if caller.organisation.as_deref() != Some(code.as_str()) {
        return Err(ApiError::NotFound);
    }
    caller.require(may)?;
    Ok(code)
}
