//! Identity: signing keys, access tokens, passwords and the caller of each request.
//!
//! Rules: tokens are EdDSA (Ed25519) JWTs with a `kid`; validation pins the algorithm and
//! requires `exp`, `nbf`, `iat`, `iss`, `aud` and `sub`, with 30 seconds of clock leeway. A token
//! only says who the caller is: roles and organisation are read from the account on each
//! request (cached a few seconds), so a disabled user or a revoked client is refused at once.

pub mod caller;
pub mod client_assertion;
pub mod keys;
pub mod lockout;
pub mod page;
pub mod password;
pub mod pending;
pub mod signed;
pub mod ticket;
pub mod token;

pub use caller::{Caller, OptionalCaller, PrincipalKind};
