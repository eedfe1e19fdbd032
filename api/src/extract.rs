//! Request extractors that turn every bad input into a problem naming the field.
//!
//! - [`ValidatedJson`]: checks the content type (415), the size (413), parses with the path of
//!   the failing field (400, via `serde_path_to_error`) and runs `validator` rules (422).
//! - [`QueryParams`]: query parameters parsed one by one, so an unknown parameter or a bad value
//!   answers 400 naming it, never a generic message.
//! - [`Cursor`]: opaque keyset cursors for lists.

use std::collections::HashMap;
use std::str::FromStr;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::StreamExt;
use futures_util::future::{LocalBoxFuture, Ready, ready};
use serde::de::DeserializeOwned;
use time::{Date, PrimitiveDateTime};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

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

/// Parses JSON, naming the path of the first field that does not fit.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        json_error(&path, &inner)
    })?;
    de.end().map_err(|e| json_error(".", &e))?;
    Ok(value)
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
            } else if message.starts_with("unknown variant") {
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

/// The query string, parsed parameter by parameter.
#[derive(Debug, Clone, Default)]
pub struct QueryParams {
    values: HashMap<String, String>,
}

/// The smallest, default and largest page size.
pub const LIMIT_RANGE: (i64, i64, i64) = (1, 50, 200);

/// What every cursor a list gives out looks like (unpadded base64url); the contract states it.
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";

impl QueryParams {
    /// Parses a query string. An empty value is refused rather than read as absent, as the
    /// contract says (`minLength: 1` on every query parameter, see [`crate::openapi`]).
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|e| ApiError::bad_field("query", "malformed_query", e.to_string()))?;
        let mut values = HashMap::new();
        for (k, v) in pairs {
            if v.is_empty() {
                return Err(ApiError::bad_field(
                    &k,
                    "empty_parameter",
                    "leave the parameter out instead of sending it empty",
                ));
            }
            if values.insert(k.clone(), v).is_some() {
                return Err(ApiError::bad_field(
                    &k,
                    "repeated_parameter",
                    "give this parameter once",
                ));
            }
        }
        Ok(QueryParams { values })
    }

    /// Refuses parameters this endpoint does not take.
    pub fn allow_only(&self, known: &[&str]) -> Result<(), ApiError> {
        let mut unknown: Vec<&String> = self
            .values
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        unknown.sort();
        match unknown.first() {
            None => Ok(()),
            Some(k) => Err(ApiError::bad_field(
                k,
                "unknown_parameter",
                format!("this endpoint takes {}", known.join(", ")),
            )),
        }
    }

    /// A text parameter (never empty: [`QueryParams::parse`] refuses empty values).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// A parameter parsed with `FromStr`; a bad value is a 400 with `code` and `message`.
    pub fn parsed<T: FromStr>(
        &self,
        name: &str,
        code: &str,
        message: &str,
    ) -> Result<Option<T>, ApiError> {
        self.text(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| ApiError::bad_field(name, code, message))
            })
            .transpose()
    }

    /// A `YYYY-MM-DD` date parameter.
    pub fn date(&self, name: &str) -> Result<Option<Date>, ApiError> {
        self.text(name).map(|v| parse_date(name, v)).transpose()
    }

    /// A `year` parameter, 2015 to 2100; `required` is the hint a 400 gives when it is absent
    /// (`None`: optional).
    pub fn year(&self, required: Option<&str>) -> Result<Option<i32>, ApiError> {
        let year = self.parsed::<i32>("year", "invalid_year", "must be a year such as 2025")?;
        match year {
            None => match required {
                Some(hint) => Err(ApiError::bad_field("year", "required", hint)),
                None => Ok(None),
            },
            Some(y) if !(2015..=2100).contains(&y) => Err(ApiError::bad_field(
                "year",
                "year_out_of_range",
                "must be 2015 to 2100",
            )),
            other => Ok(other),
        }
    }

    /// The page size: `limit`, 1 to 200, default 50.
    pub fn limit(&self) -> Result<i64, ApiError> {
        let (min, default, max) = LIMIT_RANGE;
        match self.parsed::<i64>(
            "limit",
            "invalid_limit",
            "must be a whole number from 1 to 200",
        )? {
            None => Ok(default),
            Some(n) if (min..=max).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::bad_field(
                "limit",
                "invalid_limit",
                "must be a whole number from 1 to 200",
            )),
        }
    }
}

/// Parses a `YYYY-MM-DD` date, naming the field when it is not one.
pub fn parse_date(field: &str, value: &str) -> Result<Date, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value, &format)
        .map_err(|_| ApiError::bad_field(field, "invalid_date", "must be a date as YYYY-MM-DD"))
}

impl FromRequest for QueryParams {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(QueryParams::parse(req.query_string()))
    }
}

/// The one spelling of an instant inside a cursor (UTC, to the microsecond, as stored).
pub const INSTANT_MICROS: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
);

/// An opaque keyset cursor: the sort key of the last row served.
pub struct Cursor;

impl Cursor {
    /// Trims rows fetched with `limit + 1` to `limit`; when there were more, the cursor after
    /// the last row kept.
    pub fn next_page<T>(
        rows: &mut Vec<T>,
        limit: i64,
        cursor_of: impl Fn(&T) -> String,
    ) -> Option<String> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if rows.len() <= limit {
            return None;
        }
        rows.truncate(limit);
        rows.last().map(cursor_of)
    }

    /// A cursor after `(at, id)`: a timestamp to the microsecond, then an id.
    pub fn after_instant(at: PrimitiveDateTime, id: &str) -> String {
        Self::encode(&[&at.format(INSTANT_MICROS).unwrap_or_default(), id])
    }

    /// The `(at, id)` of a cursor made by [`Cursor::after_instant`], or 400 naming `cursor`.
    pub fn instant_of(value: &str) -> Result<(PrimitiveDateTime, String), ApiError> {
        let mut parts = Self::decode(value, 2)?;
        let at = PrimitiveDateTime::parse(&parts[0], INSTANT_MICROS).map_err(|_| {
            ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "not a cursor this list gave out",
            )
        })?;
        Ok((at, parts.swap_remove(1)))
    }

    /// Encodes the parts of a sort key.
    pub fn encode(parts: &[&str]) -> String {
        URL_SAFE_NO_PAD.encode(parts.join("\u{1f}"))
    }

    /// Decodes a cursor of `n` parts, or answers 400 naming `cursor`.
    pub fn decode(value: &str, n: usize) -> Result<Vec<String>, ApiError> {
        let bad = || {
            ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "not a cursor this list gave out",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(value).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let parts: Vec<String> = text.split('\u{1f}').map(str::to_owned).collect();
        if parts.len() == n {
            Ok(parts)
        } else {
            Err(bad())
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
    fn validator_failures_name_the_nested_field() {
        let v = parse_json::<Outer>(br#"{"inner":{"code":"abcd"},"flag":true}"#).unwrap();
        assert!(v.flag);
        let e = validate(&v).unwrap_err();
        assert_eq!(field_of(e), ("inner.code".into(), "length".into()));
    }

    #[test]
    fn empty_parameters_are_refused_not_read_as_absent() {
        let e = QueryParams::parse("kind=&limit=5").unwrap_err();
        assert_eq!(field_of(e), ("kind".into(), "empty_parameter".into()));
        assert!(QueryParams::parse("kind").is_err());
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor::encode(&["QOP", "icb"]);
        assert_eq!(Cursor::decode(&c, 2).unwrap(), vec!["QOP", "icb"]);
        assert!(Cursor::decode("!!!", 2).is_err());
        assert!(Cursor::decode(&c, 3).is_err());
    }

    #[test]
    fn limits_outside_1_to_200_are_refused() {
        assert_eq!(QueryParams::parse("").unwrap().limit().unwrap(), 50);
        assert_eq!(
            QueryParams::parse("limit=200").unwrap().limit().unwrap(),
            200
        );
        assert!(QueryParams::parse("limit=0").unwrap().limit().is_err());
        assert!(QueryParams::parse("limit=201").unwrap().limit().is_err());
        assert!(QueryParams::parse("limit=x").unwrap().limit().is_err());
    }
}
