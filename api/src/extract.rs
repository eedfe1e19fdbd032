//! Request extractors that turn every bad input into a problem naming the field.
//!
//! - [`ValidatedJson`]: checks the content type (415), the size (413), parses with the path of
//!   the failing field (400, via `serde_path_to_error`) and runs `validator` rules (422).
//! - [`Query`] and [`Listed`] ([`query`]): the query string parsed into the endpoint's declared
//!   parameters, so an unknown parameter or a bad value answers 400 naming it; [`Page`] is the
//!   one page-parameter type and keyset-paging helper of every list.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

pub mod query;

pub use query::{
    CURSOR_PATTERN, INSTANT_MICROS, LIMIT_RANGE, Listed, NoFilter, Page, Quarter, Query, Year,
    parse_date,
};

use crate::config::DEFAULT_BODY_LIMIT;
use crate::error::{ApiError, FieldError};

/// The request body limit in bytes, registered as app data.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// A JSON body, parsed and validated.
#[derive(Debug)]
pub struct ValidatedJson<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

/// Reads the whole body, refusing it with 413 once it passes `limit`.
pub async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_field("body", "unreadable_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl<T> FromRequest for ValidatedJson<T>
where
    T: DeserializeOwned + Validate + 'static,
{
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .map_or(DEFAULT_BODY_LIMIT, |l| l.0);
        let json = is_json(req);
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".into(),
                ));
            }
            let body = read_body(&req, &mut payload, limit).await?;
            let value: T = parse_json(&body)?;
            validate(&value)?;
            Ok(ValidatedJson(value))
        })
    }
}

/// Parses JSON, naming the path of the first field that does not fit. A text holding a control
/// character (other than a line break or tab) is refused first, naming its field: such bytes
/// have no place in a record, and PostgreSQL cannot store a NUL at all.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    refuse_control_characters(body)?;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        json_error(&path, &inner)
    })?;
    de.end().map_err(|e| json_error(".", &e))?;
    Ok(value)
}

/// What every text of a JSON body looks like: anything but a control character other than the
/// line break, carriage return and tab ([`is_forbidden_control`]); the contract states it.
pub const FREE_TEXT_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// Whether a character may not appear in any text: every control character (C0, DEL, C1) but
/// the line break, carriage return and tab that free text may hold.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// 422 naming the first text of a JSON body (by its path) that holds a forbidden control
/// character. Only bodies that could hold one (an escaped C0, a DEL or a C1 in UTF-8) are walked.
fn refuse_control_characters(body: &[u8]) -> Result<(), ApiError> {
    let suspicious = body.windows(4).any(|w| w == b"\\u00")
        || body.contains(&0x7f)
        || body
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]));
    if !suspicious {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(()); // the typed parse names the syntax error
    };
    match first_control(&value, String::new()) {
        None => Ok(()),
        Some(path) => Err(ApiError::invalid_field(
            if path.is_empty() { "body" } else { &path },
            "control_character",
            "must not contain control characters",
        )),
    }
}

fn first_control(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) => text.chars().any(is_forbidden_control).then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| first_control(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            if k.chars().any(char::is_control) {
                Some(join("body"))
            } else {
                first_control(v, join(k))
            }
        }),
        _ => None,
    }
}

fn json_error(path: &str, e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let message = e.to_string();
    // serde_json appends " at line L column C"; the field path says more.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_owned();
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::bad_field(
            "body",
            "malformed_json",
            format!("the body is not valid JSON: {message}"),
        ),
        Category::Data => {
            let base = if path == "." {
                String::new()
            } else {
                path.to_owned()
            };
            let join = |name: &str| {
                if base.is_empty() {
                    name.to_owned()
                } else {
                    format!("{base}.{name}")
                }
            };
            let quoted = message.split('`').nth(1).unwrap_or_default().to_owned();
            let (field, code) = if message.starts_with("missing field") {
                (join(&quoted), "required")
            } else if message.starts_with("unknown field") {
                // serde_path_to_error already ends the path with the unknown key.
                let named = base.rsplit('.').next() == Some(quoted.as_str());
                (
                    if named { base.clone() } else { join(&quoted) },
                    "unknown_field",
                )
            } else if message.starts_with("unknown variant")
                || message.contains(leder_domain::wire::UNKNOWN_NAME_MARK)
            {
                (base.clone(), "unknown_value")
            } else if message.starts_with("invalid type") || message.starts_with("invalid length") {
                (base.clone(), "invalid_type")
            } else {
                (base.clone(), "invalid_value")
            };
            let field = if field.is_empty() {
                "body".to_owned()
            } else {
                field
            };
            ApiError::bad_field(&field, code, message)
        }
    }
}

/// Runs `validator` rules, answering 422 with every failing field.
pub fn validate<T: Validate>(value: &T) -> Result<(), ApiError> {
    value.validate().map_err(|errs| {
        let mut out = Vec::new();
        flatten("", &errs, &mut out);
        out.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::Unprocessable {
            detail: format!("{} field(s) are not valid", out.len()),
            errors: out,
        }
    })
}

fn flatten(prefix: &str, errs: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errs.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e.message.as_ref().map_or_else(
                        || format!("fails the `{}` rule", e.code),
                        ToString::to_string,
                    );
                    out.push(FieldError::new(path.clone(), e.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, Validate)]
    struct Inner {
        #[validate(length(max = 3))]
        code: String,
    }

    #[derive(Debug, serde::Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[validate(nested)]
        inner: Inner,
        flag: bool,
    }

    fn field_of(e: ApiError) -> (String, String) {
        match e {
            ApiError::BadRequest { errors, .. } | ApiError::Unprocessable { errors, .. } => {
                (errors[0].field.clone(), errors[0].code.clone())
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_path() {
        let e = parse_json::<Outer>(br#"{"inner":{"code":1},"flag":true}"#).unwrap_err();
        assert_eq!(field_of(e), ("inner.code".into(), "invalid_type".into()));
    }

    #[test]
    fn a_missing_field_names_the_field_itself() {
        let e = parse_json::<Outer>(br#"{"inner":{},"flag":true}"#).unwrap_err();
        assert_eq!(field_of(e), ("inner.code".into(), "required".into()));
    }

    #[test]
    fn an_unknown_field_is_named() {
        let e = parse_json::<Outer>(br#"{"inner":{"code":"a"},"flag":true,"x":1}"#).unwrap_err();
        assert_eq!(field_of(e), ("x".into(), "unknown_field".into()));
    }

    #[test]
    fn malformed_json_is_about_the_body() {
        let e = parse_json::<Outer>(br#"{"inner":"#).unwrap_err();
        assert_eq!(field_of(e), ("body".into(), "malformed_json".into()));
        let e = parse_json::<Outer>(br#"{"inner":{"code":"a"},"flag":true} x"#).unwrap_err();
        assert_eq!(field_of(e), ("body".into(), "malformed_json".into()));
    }

    #[test]
    fn a_control_character_in_any_text_is_refused_naming_its_field() {
        for (body, field) in [
            (r#"{"inner":{"code":"a\u0000"},"flag":true}"#, "inner.code"),
            (r#"{"inner":{"code":"a\u001b"},"flag":true}"#, "inner.code"),
            (
                "{\"inner\":{\"code\":\"a\u{85}\"},\"flag\":true}",
                "inner.code",
            ),
            (
                "{\"inner\":{\"code\":\"a\u{7f}\"},\"flag\":true}",
                "inner.code",
            ),
        ] {
            let e = parse_json::<Outer>(body.as_bytes()).unwrap_err();
            assert_eq!(
                field_of(e),
                (field.into(), "control_character".into()),
                "{body}"
            );
        }
        let ok = parse_json::<Outer>(br#"{"inner":{"code":"a\nb\tc"},"flag":true}"#).unwrap();
        assert_eq!(ok.inner.code, "a\nb\tc");
    }

    #[test]
    fn validator_failures_name_the_nested_field() {
        let v = parse_json::<Outer>(br#"{"inner":{"code":"abcd"},"flag":true}"#).unwrap();
        assert!(v.flag);
        let e = validate(&v).unwrap_err();
        assert_eq!(field_of(e), ("inner.code".into(), "length".into()));
    }
}
