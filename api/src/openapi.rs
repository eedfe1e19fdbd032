//! The published contract: built from the same registration as the router
//! ([`crate::routes::configure`]), so it cannot drift from what is served. `openapi.yaml` at the
//! repository root is this document as YAML (`make openapi`); a test fails when they differ.

mod yaml;

pub use yaml::yaml;

use actix_web::App;
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{Object, Schema, SchemaType, Type};
use utoipa::openapi::security::{
    AuthorizationCode, Flow, Http, HttpAuthScheme, OAuth2, Scopes, SecurityRequirement,
    SecurityScheme,
};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa_actix_web::AppExt;

use crate::error::{
    BadRequest, Conflict, FieldError, Forbidden, Gone, InternalError, NotAcceptable, NotFound,
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
            BadRequest, Unauthorized, Forbidden, NotFound, Gone, Conflict, PayloadTooLarge,
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
        (name = "imports", description = "Bringing existing reviews in from another system (admin)"),
        (name = "reviews", description = "Cases: eligibility, allocation, the review form, QA and sign-off"),
        (name = "evidence", description = "Who was involved, records requested of them through single-use upload links, and the documents kept with a case"),
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
        // Swagger UI's Authorize dialog signs in as a front end does: authorization code with
        // PKCE through leder's own sign-in page (client `swagger-ui`, no secret).
        let flow = AuthorizationCode::new(
            "/api/v1/auth/authorize",
            "/api/v1/auth/token",
            Scopes::new(),
        );
        let mut oauth = OAuth2::new([Flow::AuthorizationCode(flow)]);
        oauth.description = Some(
            "Sign in on leder's own page (OAuth 2.0 authorization code with PKCE, S256). In \
             Swagger UI: client_id `swagger-ui`, no secret."
                .to_owned(),
        );
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
    let components = doc.components.get_or_insert_with(Default::default);
    components.schemas.extend(crate::dto::wire::components());
    offer_oauth2_sign_in(&mut doc);
    state_the_shared_rules(&mut doc);
    doc
}

/// What the contract says of every `Idempotency-Key` ([`crate::idempotency`]); an operation
/// may state its own text instead.
const KEY_DESCRIPTION: &str = "Retry-safe key, remembered for 24 hours per caller (the user or \
client, not the token): the same key and body replay the first answer with \
`Idempotent-Replayed: true`, after the caller is checked again, and the replay is audited. The \
same key with another body is 422; while the first request with it is still running, 409 \
(`/problems/idempotency-key-in-use`). A replayed change to a case answers the case as it \
stands now; a POST whose answer was a secret is not replayed (409).";

/// The OAuth endpoints that take forms (RFC 6749, RFC 7009, leder's sign-in page): a retry is
/// answered by OAuth's own rules (a code or refresh token works once; revoking twice is
/// harmless), so they take no `Idempotency-Key`.
const OAUTH_FORM_POSTS: [&str; 3] = [
    "/api/v1/auth/token",
    "/api/v1/auth/revoke",
    "/api/v1/auth/authorize",
];

/// The document uploads: their bodies are streamed to storage, never kept whole, so a retry
/// cannot be compared with the first; they take no `Idempotency-Key` (the upload link is
/// single-use, and the case team sees a second copy by its SHA-256).
const STREAMED_UPLOADS: [&str; 2] = [
    "/api/v1/uploads/{token}",
    "/api/v1/reviews/{id}/attachments",
];

/// The rules the shared parsers enforce on every operation, written into the contract from the
/// parsers' own constants so that the two cannot drift (STYLE.md rule 14):
/// - every query parameter is non-empty and free of control characters
///   ([`crate::extract::Query`]; the page parameters state their own rules on
///   [`crate::extract::Page`]);
/// - `If-Match` is an `ETag` ([`crate::dto::IF_MATCH_PATTERN`]);
/// - every POST but OAuth's form posts ([`OAUTH_FORM_POSTS`]) takes an `Idempotency-Key`
///   ([`crate::idempotency::KEY_PATTERN`]): 400 when malformed, 422 when reused with another
///   body, and 409 while it is in use (or on a replay where the answer was a secret).
fn state_the_shared_rules(openapi: &mut utoipa::openapi::OpenApi) {
    if let Some(components) = openapi.components.as_mut() {
        for schema in components.schemas.values_mut() {
            forbid_control_characters(schema);
        }
    }
    for (path, item) in &mut openapi.paths.paths {
        let post = item.post.as_mut().map(|op| (true, op));
        let others = [
            &mut item.get,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        .map(|op| (false, op));
        for (is_post, op) in post.into_iter().chain(others) {
            for param in op.parameters.iter_mut().flatten() {
                if let RefOr::T(param) = param {
                    state_parameter_rules(param);
                }
            }
            // A path holding a control character is refused with 400 before any route.
            if path.contains('{') {
                op.responses
                    .responses
                    .entry("400".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("BadRequest")));
            }
            let bodies = op.request_body.iter_mut().filter_map(|b| match b {
                RefOr::T(body) => Some(body),
                RefOr::Ref(_) => None,
            });
            for content in bodies.flat_map(|b| b.content.values_mut()) {
                if let RefOr::T(content) = content
                    && let Some(schema) = content.schema.as_mut()
                {
                    forbid_control_characters(schema);
                }
            }
            if is_post
                && !OAUTH_FORM_POSTS.contains(&path.as_str())
                && !STREAMED_UPLOADS.contains(&path.as_str())
            {
                take_idempotency_key(op);
            }
        }
    }
}

fn is_plain_string(schema: &Object) -> bool {
    let is_string = match &schema.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    };
    is_string && schema.pattern.is_none() && schema.enum_values.is_none() && schema.format.is_none()
}

/// Every text of a JSON body refuses control characters but line breaks and tabs
/// ([`crate::extract::parse_json`]): stated on each string schema without a stricter rule.
fn forbid_control_characters(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            if is_plain_string(object) {
                object.pattern = Some(crate::extract::FREE_TEXT_PATTERN.to_owned());
            }
            for property in object.properties.values_mut() {
                forbid_control_characters(property);
            }
            if let Some(additional) = object.additional_properties.as_mut()
                && let utoipa::openapi::schema::AdditionalProperties::RefOr(values) =
                    additional.as_mut()
            {
                forbid_control_characters(values);
            }
            // A key holding any control character is refused, a line break too.
            if let Some(names) = object.property_names.as_mut()
                && let Schema::Object(names) = names.as_mut()
                && is_plain_string(names)
            {
                names.pattern = Some(crate::extract::query::PLAIN_TEXT_PATTERN.to_owned());
            }
        }
        Schema::Array(array) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut array.items {
                forbid_control_characters(items);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(forbid_control_characters),
        Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(forbid_control_characters),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(forbid_control_characters),
        _ => {}
    }
}

fn string_schema(pattern: &str, max_length: Option<usize>) -> RefOr<Schema> {
    let mut schema = Object::with_type(Type::String);
    schema.pattern = Some(pattern.to_owned());
    schema.min_length = Some(1);
    schema.max_length = max_length;
    RefOr::T(Schema::Object(schema))
}

fn state_parameter_rules(param: &mut Parameter) {
    match (&param.parameter_in, param.name.as_str()) {
        (ParameterIn::Header, "If-Match") => {
            param.schema = Some(string_schema(crate::dto::IF_MATCH_PATTERN, None));
        }
        (ParameterIn::Path, _) => {
            // Refused before routing ([`crate::middleware::refuse_control_characters_in_path`]).
            if let Some(RefOr::T(Schema::Object(schema))) = param.schema.as_mut()
                && is_plain_string(schema)
            {
                schema.pattern = Some(crate::extract::query::PLAIN_TEXT_PATTERN.to_owned());
            }
        }
        (ParameterIn::Query, _) => {
            let Some(RefOr::T(Schema::Object(schema))) = param.schema.as_mut() else {
                return;
            };
            let is_string = match &schema.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(types) => types.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if is_string {
                schema.min_length = Some(schema.min_length.unwrap_or(1).max(1));
                if schema.pattern.is_none()
                    && schema.enum_values.is_none()
                    && schema.format.is_none()
                {
                    schema.pattern = Some(crate::extract::query::PLAIN_TEXT_PATTERN.to_owned());
                }
            }
        }
        _ => {}
    }
}

fn take_idempotency_key(op: &mut Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    // An operation that states its own key keeps it in its own transaction
    // (`Idempotency::OwnTransaction`): its text stands, and it has no key in use to answer 409.
    let own = params
        .iter()
        .position(|p| matches!(p, RefOr::T(p) if p.name == "Idempotency-Key"))
        .and_then(|i| match params.remove(i) {
            RefOr::T(p) => p.description,
            RefOr::Ref(_) => None,
        });
    let shared = own.is_none();
    let description = own.unwrap_or_else(|| KEY_DESCRIPTION.to_owned());
    let mut key = Parameter::new("Idempotency-Key");
    key.parameter_in = ParameterIn::Header;
    key.required = Required::False;
    key.description = Some(description);
    key.schema = Some(string_schema(
        crate::idempotency::KEY_PATTERN,
        Some(crate::idempotency::KEY_MAX_LENGTH),
    ));
    params.push(RefOr::T(key));
    let mut declare = |status: &str, response: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
    };
    declare("400", "BadRequest");
    declare("422", "Unprocessable");
    if shared {
        declare("409", "Conflict");
    }
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
