//! The documented query is the parsed query.
//!
//! Each endpoint declares its parameters once, as a struct that derives `Deserialize` (with
//! `deny_unknown_fields`) for the parser and `IntoParams` for the contract. [`Query`] parses the
//! query string into it, and [`Listed`] does the same for a list, taking the shared [`Page`]
//! (`limit`, `cursor`) apart from the list's own filters. Every problem answers 400 naming the
//! parameter: an unknown one, one given twice, an empty one (leave it out instead), a control
//! character, or a value that does not parse.
//!
//! [`Page`] is also the one keyset-paging helper: [`Page::after`] decodes the sort key a cursor
//! carries, [`Page::fetch`] is how many rows to read (one more than the page), and
//! [`Page::finish`] trims them and makes the next cursor from the last row's [`Keyset`].

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::{Ready, ready};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use time::{Date, PrimitiveDateTime};
use utoipa::IntoParams;

use crate::error::ApiError;

/// The smallest, default and largest page size.
pub const LIMIT_RANGE: (i64, i64, i64) = (1, 50, 200);

/// What every cursor a list gives out looks like (unpadded base64url); the contract states it.
pub const CURSOR_PATTERN: &str = "^[A-Za-z0-9_-]+$";

/// A text parameter: anything but control characters (C0, DEL and C1), which every query value
/// refuses; the contract states it on each text parameter without a stricter pattern.
pub const PLAIN_TEXT_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]+$";

/// The names [`Page`] takes out of a list's query.
const PAGE_PARAMETERS: [&str; 2] = ["limit", "cursor"];

/// The one spelling of an instant inside a cursor (UTC, to the microsecond, as stored).
pub const INSTANT_MICROS: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"
);

/// A query string parsed into `T`, the endpoint's declared parameters.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            pairs_of(req.query_string())
                .and_then(|pairs| from_pairs(&pairs, ""))
                .map(Query),
        )
    }
}

/// A list's query: its own filters `F` and the shared [`Page`].
#[derive(Debug)]
pub struct Listed<F> {
    /// The list's filters.
    pub filter: F,
    /// Which page.
    pub page: Page,
}

impl<F: DeserializeOwned> Listed<F> {
    /// Parses a list's query string.
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let (page, filter): (Vec<_>, Vec<_>) = pairs_of(query)?
            .into_iter()
            .partition(|(k, _)| PAGE_PARAMETERS.contains(&k.as_str()));
        Ok(Listed {
            filter: from_pairs(&filter, "; every list also takes `limit` and `cursor`")?,
            page: from_pairs(&page, "")?,
        })
    }
}

impl<F: DeserializeOwned> FromRequest for Listed<F> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Listed::parse(req.query_string()))
    }
}

/// A list without filters of its own.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NoFilter {}

/// The decoded `(name, value)` pairs: none empty, none repeated, no control characters.
fn pairs_of(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k.chars().chain(v.chars()).any(char::is_control) {
            let name = if k.chars().any(char::is_control) {
                "query"
            } else {
                &k
            };
            return Err(ApiError::bad_field(
                name,
                "control_character",
                "must not contain control characters",
            ));
        }
        if v.is_empty() {
            return Err(ApiError::bad_field(
                &k,
                "empty_parameter",
                "leave the parameter out instead of sending it empty",
            ));
        }
        if pairs.iter().any(|(seen, _)| *seen == k) {
            return Err(ApiError::bad_field(
                &k,
                "repeated_parameter",
                "give this parameter once",
            ));
        }
        pairs.push((k.into_owned(), v.into_owned()));
    }
    Ok(pairs)
}

/// Deserialises `T` from checked pairs, naming the parameter that does not fit; `also` is added
/// to the message about an unknown parameter.
fn from_pairs<T: DeserializeOwned>(pairs: &[(String, String)], also: &str) -> Result<T, ApiError> {
    let encoded = serde_urlencoded::to_string(pairs).map_err(ApiError::internal)?;
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let quoted = message.split('`').nth(1).unwrap_or_default().to_owned();
        if message.starts_with("unknown field") {
            let message = message.replacen("unknown field", "unknown parameter", 1);
            ApiError::bad_field(&quoted, "unknown_parameter", format!("{message}{also}"))
        } else if message.starts_with("missing field") {
            ApiError::bad_field(&quoted, "required", "this parameter is required")
        } else {
            let field = if path == "." { "query" } else { &path };
            ApiError::bad_field(field, "invalid_parameter", message)
        }
    })
}

/// Which page of a list: its size and where it starts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    limit: Option<PageSize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    cursor: Option<String>,
}

impl Page {
    /// The page size.
    pub fn size(&self) -> i64 {
        self.limit.map_or(LIMIT_RANGE.1, |l| l.0)
    }

    /// How many rows to read: one more than the page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        self.size() + 1
    }

    /// The sort key of the last row of the previous page, or 400 naming `cursor` when the
    /// cursor is not one this list gave out.
    pub fn after<K: Keyset>(&self) -> Result<Option<K>, ApiError> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }

    /// Trims `rows` (read with [`Page::fetch`]) to the page and, when more follow, answers the
    /// cursor after the last row kept.
    pub fn finish<T, K: Keyset>(
        &self,
        rows: &mut Vec<T>,
        key_of: impl Fn(&T) -> K,
    ) -> Option<String> {
        let size = usize::try_from(self.size()).unwrap_or(usize::MAX);
        if rows.len() <= size {
            return None;
        }
        rows.truncate(size);
        rows.last().map(|row| encode_cursor(&key_of(row)))
    }
}

/// A page size in 1 to 200.
#[derive(Debug, Clone, Copy)]
pub struct PageSize(i64);

impl PageSize {
    /// The size.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for PageSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (min, _, max) = LIMIT_RANGE;
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .map(PageSize)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("must be a whole number from {min} to {max}"))
            })
    }
}

/// One part of a sort key.
pub trait KeyPart: Sized {
    /// The part as text.
    fn to_part(&self) -> String;
    /// The part from text, if it is one.
    fn from_part(text: &str) -> Option<Self>;
}

impl KeyPart for String {
    fn to_part(&self) -> String {
        self.clone()
    }
    fn from_part(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl KeyPart for i64 {
    fn to_part(&self) -> String {
        self.to_string()
    }
    fn from_part(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl KeyPart for Date {
    fn to_part(&self) -> String {
        crate::dto::reports::ymd(*self)
    }
    fn from_part(text: &str) -> Option<Self> {
        parse_date("cursor", text).ok()
    }
}

impl KeyPart for PrimitiveDateTime {
    fn to_part(&self) -> String {
        self.format(INSTANT_MICROS).unwrap_or_default()
    }
    fn from_part(text: &str) -> Option<Self> {
        PrimitiveDateTime::parse(text, INSTANT_MICROS).ok()
    }
}

/// A list's sort key, which a cursor carries: one part or a tuple of parts.
pub trait Keyset: Sized {
    /// The parts, in order.
    fn parts(&self) -> Vec<String>;
    /// The key from its parts, if they make one.
    fn from_parts(parts: &[&str]) -> Option<Self>;
}

impl<A: KeyPart> Keyset for A {
    fn parts(&self) -> Vec<String> {
        vec![self.to_part()]
    }
    fn from_parts(parts: &[&str]) -> Option<Self> {
        match parts {
            [a] => A::from_part(a),
            _ => None,
        }
    }
}

impl<A: KeyPart, B: KeyPart> Keyset for (A, B) {
    fn parts(&self) -> Vec<String> {
        vec![self.0.to_part(), self.1.to_part()]
    }
    fn from_parts(parts: &[&str]) -> Option<Self> {
        match parts {
            [a, b] => Some((A::from_part(a)?, B::from_part(b)?)),
            _ => None,
        }
    }
}

impl<A: KeyPart, B: KeyPart, C: KeyPart> Keyset for (A, B, C) {
    fn parts(&self) -> Vec<String> {
        vec![self.0.to_part(), self.1.to_part(), self.2.to_part()]
    }
    fn from_parts(parts: &[&str]) -> Option<Self> {
        match parts {
            [a, b, c] => Some((A::from_part(a)?, B::from_part(b)?, C::from_part(c)?)),
            _ => None,
        }
    }
}

/// The cursor of a sort key (unpadded base64url of its parts).
pub fn encode_cursor<K: Keyset>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(key.parts().join("\u{1f}"))
}

/// The sort key of a cursor, or 400 naming `cursor`.
pub fn decode_cursor<K: Keyset>(value: &str) -> Result<K, ApiError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| K::from_parts(&text.split('\u{1f}').collect::<Vec<_>>()))
        .ok_or_else(|| {
            ApiError::bad_field(
                "cursor",
                "invalid_cursor",
                "not a cursor this list gave out",
            )
        })
}

/// Parses a `YYYY-MM-DD` date, naming the field when it is not one.
pub fn parse_date(field: &str, value: &str) -> Result<Date, ApiError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value, &format)
        .map_err(|_| ApiError::bad_field(field, "invalid_date", "must be a date as YYYY-MM-DD"))
}

/// Serde for an optional `YYYY-MM-DD` query parameter:
/// `#[serde(default, deserialize_with = "crate::extract::query::date")]`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
    parse_date("", &text)
        .map(Some)
        .map_err(|_| serde::de::Error::custom("must be a date as YYYY-MM-DD"))
}

/// A calendar year parameter, 2015 to 2100.
#[derive(Debug, Clone, Copy)]
pub struct Year(pub i32);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse::<i32>()
            .ok()
            .filter(|y| (2015..=2100).contains(y))
            .map(Year)
            .ok_or_else(|| serde::de::Error::custom("must be a year from 2015 to 2100"))
    }
}

/// A quarter of a financial year, 1 (April to June) to 4 (January to March).
#[derive(Debug, Clone, Copy)]
pub struct Quarter(pub u8);

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse::<u8>()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .map(Quarter)
            .ok_or_else(|| serde::de::Error::custom("must be a quarter from 1 to 4"))
    }
}

#[cfg(test)]
mod tests;
