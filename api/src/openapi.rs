//! The published contract: built from the same registration as the router
//! ([`crate::routes::configure`]), so it cannot drift from what is served. `openapi.yaml` at the
//! repository root is this document as YAML (`make openapi`); a test fails when they differ.

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::security::{
    Flow, Http, HttpAuthScheme, OAuth2, Password, Scopes, SecurityRequirement, SecurityScheme,
};
use utoipa_actix_web::AppExt;

use crate::error::{
    BadRequest, Conflict, FieldError, Forbidden, InternalError, NotAcceptable, NotFound,
    PayloadTooLarge, PreconditionFailed, PreconditionRequired, Problem, ServiceUnavailable,
    TooManyRequests, Unauthorized, Unprocessable, UnsupportedMediaType,
};

/// The document's fixed parts; paths are collected from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "leder",
        description = "The open, API-first backend for LeDeR: learning from lives and deaths of people \
with a learning disability and autistic people. Errors are RFC 9457 `application/problem+json`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(
        schemas(Problem, FieldError),
        responses(
            BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PayloadTooLarge,
            UnsupportedMediaType, Unprocessable, ServiceUnavailable, InternalError,
            PreconditionFailed, PreconditionRequired, TooManyRequests, NotAcceptable
        )
    ),
    tags(
        (name = "operations", description = "Liveness, readiness and metrics"),
        (name = "organisations", description = "The dated NHS hierarchy: regions, ICBs, sub-ICB locations and CCGs"),
        (name = "identity", description = "Tokens (OAuth 2.0), keys and the caller's own account"),
        (name = "users", description = "People's accounts (admin)"),
        (name = "clients", description = "Machine clients of an ICB (admin)"),
        (name = "audit", description = "Who read or changed identifiable data"),
        (name = "notifications", description = "The public intake: anyone reports a death"),
        (name = "reviews", description = "Cases: eligibility, allocation, the review form, QA and sign-off"),
        (name = "events", description = "The change feed of an ICB, for case systems"),
        (name = "governance", description = "An ICB's Local Area Contacts and its steering and health group meetings"),
        (name = "actions", description = "Learning into action: learning across cases, SMART actions and the ICB annual report"),
        (name = "national", description = "Anonymised national outputs for national analysts: the k-anonymous row-level extract and the statistics"),
    ),
    modifiers(&Security),
)]
struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".to_owned());
        bearer.description = Some("An access token from POST /api/v1/auth/token".to_owned());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
        // Swagger UI's Authorize dialog signs in with the password grant directly.
        let flow = Password::new("/api/v1/auth/token", Scopes::new());
        let mut oauth = OAuth2::new([Flow::Password(flow)]);
        oauth.description =
            Some("Sign in with a username and password (OAuth 2.0 password grant)".to_owned());
        components.add_security_scheme("oauth2", SecurityScheme::OAuth2(oauth));
    }
}

/// The complete OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    let mut doc = doc;
    offer_oauth2_sign_in(&mut doc);
    doc
}

/// Every operation that takes a bearer token also takes one from Swagger UI's dialog.
fn offer_oauth2_sign_in(openapi: &mut utoipa::openapi::OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if let Some(security) = op.security.as_mut() {
                let has_bearer = serde_json::to_value(&*security)
                    .map(|v| v.to_string().contains("\"bearer\""))
                    .unwrap_or(false);
                if has_bearer {
                    security.push(SecurityRequirement::new("oauth2", Vec::<String>::new()));
                }
            }
        }
    }
}

/// The document as YAML, as committed in `openapi.yaml`.
pub fn yaml() -> Result<String, String> {
    serde_yaml::to_string(&document()).map_err(|e| e.to_string())
}
