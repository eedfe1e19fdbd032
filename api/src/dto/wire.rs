//! The domain's wire names in bodies and query strings: one vocabulary end to end.
//!
//! The domain declares each enumerated value once, with its wire names (`leder_domain::wire`);
//! bodies and parameters use those types directly, through this serde module and the schema
//! functions made by [`wire_schema!`](crate::wire_schema), so no DTO mirrors a domain enum and
//! no value crosses a serde round trip to change type.
//!
//! Use `#[serde(with = "crate::dto::wire")]` on a field of a domain enum type, and
//! `#[serde(default, with = "crate::dto::wire::option")]` on an optional one.

use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serializer, de};

/// Writes the wire name.
pub fn serialize<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// Reads a wire name; anything else is an error that lists the names accepted.
pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
where
    T: FromStr,
    T::Err: Display,
    D: Deserializer<'de>,
{
    let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
    text.parse().map_err(de::Error::custom)
}

/// The same for an optional value (absent or `null`: `None`).
pub mod option {
    use super::{Deserialize, Deserializer, Display, FromStr, Serializer, de};

    /// Writes the wire name, or `null`.
    pub fn serialize<T: Display, S: Serializer>(
        value: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads a wire name or `null`.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
            .map(|text| text.parse().map_err(de::Error::custom))
            .transpose()
    }
}

/// A JSON Merge Patch field of a domain enum: absent → `None`, `null` → `Some(None)`, a name →
/// `Some(Some(value))`. Use with `#[serde(default, deserialize_with = "crate::dto::wire::patch")]`.
pub fn patch<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: FromStr,
    T::Err: Display,
    D: Deserializer<'de>,
{
    option::deserialize(d).map(Some)
}

/// The same for a list of values.
pub mod list {
    use super::{Deserialize, Deserializer, Display, FromStr, Serializer, de};
    use serde::ser::SerializeSeq;

    /// Writes the wire names.
    pub fn serialize<T: Display, S: Serializer>(values: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(values.len()))?;
        for v in values {
            seq.serialize_element(&v.to_string())?;
        }
        seq.end()
    }

    /// Reads a list of wire names.
    pub fn deserialize<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| text.parse().map_err(de::Error::custom))
            .collect()
    }

    /// The same for an optional list (absent or `null`: `None`).
    pub mod option {
        use super::super::{Deserialize, Deserializer, Display, FromStr, de};

        /// Reads a list of wire names, or `null`.
        pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Vec<T>>, D::Error>
        where
            T: FromStr,
            T::Err: Display,
            D: Deserializer<'de>,
        {
            Option::<Vec<String>>::deserialize(d)?
                .map(|names| {
                    names
                        .iter()
                        .map(|text| text.parse().map_err(de::Error::custom))
                        .collect()
                })
                .transpose()
        }
    }
}

/// The contract's schemas of domain enums, for `#[schema(schema_with = ..)]` and
/// `#[param(schema_with = ..)]`: `wire::schema::named::<Sex>` for a value,
/// `wire::schema::nullable::<Sex>` for one that may be `null`, `wire::schema::list::<Role>` for
/// a list. Each refers to a component named after the domain type, listing exactly the wire
/// names the parser takes; [`components`] registers every one of them in the document.
pub mod schema {
    use leder_domain::WireName;
    use utoipa::openapi::schema::{Array, OneOf, Schema, Type};
    use utoipa::openapi::{Object, Ref, RefOr};

    /// The component of `T`: a string, one of its wire names.
    pub fn component<T: WireName>() -> Object {
        crate::dto::names_schema(T::every().iter().map(|v| v.wire_name()))
    }

    /// A reference to the component of `T`.
    pub fn named<T: WireName>() -> Ref {
        Ref::from_schema_name(T::schema_name())
    }

    /// The component of `T`, or `null`.
    pub fn nullable<T: WireName>() -> Schema {
        let mut one_of = OneOf::new();
        one_of.items.push(named::<T>().into());
        one_of
            .items
            .push(RefOr::T(Schema::Object(Object::with_type(Type::Null))));
        Schema::OneOf(one_of)
    }

    /// A list of values of `T`.
    pub fn list<T: WireName>() -> Array {
        Array::new(named::<T>())
    }
}

/// Every domain enum the contract carries, as `(name, schema)` components.
pub fn components() -> Vec<(
    String,
    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
)> {
    use leder_domain::WireName;
    fn one<T: WireName>() -> (
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    ) {
        (
            T::schema_name(),
            utoipa::openapi::RefOr::T(schema::component::<T>().into()),
        )
    }
    vec![
        one::<leder_domain::workflow::Stage>(),
        one::<leder_domain::workflow::Role>(),
        one::<leder_domain::workflow::HoldReason>(),
        one::<leder_domain::eligibility::Outcome>(),
        one::<leder_domain::eligibility::Route>(),
        one::<leder_domain::eligibility::Reason>(),
        one::<leder_domain::review_type::FocusedReason>(),
        one::<leder_domain::review_type::DataQualityFlag>(),
        one::<leder_domain::avoidable::ListVersion>(),
        one::<leder_domain::review_type::ReviewType>(),
        one::<leder_domain::review::LearningKind>(),
        one::<leder_domain::case_notes::NoteKind>(),
        one::<leder_domain::family::FamilyEventKind>(),
        one::<leder_domain::family::ContactMethod>(),
        one::<leder_domain::family::AccessibilityNeed>(),
        one::<leder_domain::moves::MoveReason>(),
        one::<leder_domain::moves::MoveStatus>(),
        one::<leder_domain::moves::MoveOrigin>(),
        one::<leder_domain::evidence::OrganisationKind>(),
        one::<leder_domain::evidence::records_request::RequestStatus>(),
        one::<leder_domain::evidence::file_type::DocumentType>(),
        one::<leder_domain::organisations::OrgKind>(),
        one::<leder_domain::organisations::Share>(),
        one::<leder_domain::breakdown::Breakdown>(),
        one::<leder_domain::Cohort>(),
        one::<leder_domain::review_form::FormVersion>(),
        one::<leder_domain::review_form::CovidVaccination>(),
        one::<leder_domain::Sex>(),
        one::<leder_domain::PlaceOfDeath>(),
        one::<leder_domain::LearningDisabilityLevel>(),
        one::<leder_domain::action_plan::ActionStatus>(),
        one::<leder_domain::action_plan::MeetingKind>(),
        one::<leder_domain::notifier::Relationship>(),
        one::<leder_domain::review::EventType>(),
        one::<leder_domain::subscriptions::WebhookStatus>(),
        one::<leder_domain::review::OptOutAnswer>(),
        one::<leder_domain::review::OptOutCheckStatus>(),
        one::<leder_domain::sign_in::SignInMethod>(),
        one::<leder_domain::audit::ActorKind>(),
        one::<leder_domain::audit::AuditAction>(),
        one::<leder_domain::audit::AuditOutcome>(),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    /// Two domain enums of one name would be one schema in the contract, the later one's values
    /// standing for both (the involved organisation's kind was once published as the hierarchy's).
    #[test]
    fn every_domain_enum_has_a_schema_name_of_its_own() {
        let mut seen = HashSet::new();
        for (name, _) in super::components() {
            assert!(
                seen.insert(name.clone()),
                "two domain enums are named {name}"
            );
        }
    }
}
