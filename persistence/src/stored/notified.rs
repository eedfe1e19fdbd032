//! The stored shape of a notification's person and notifier, as notified: persistence's own,
//! independent of the API's bodies, and versioned like the review form (`"v": 1` is written
//! with every value; a value without `v`, as the first release wrote it, reads as version 1).

use leder_domain::notifier::Relationship;
use leder_domain::review::OptOutAnswer;
use leder_domain::{PlaceOfDeath, Sex};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::records::cases::{NotifiedPerson, Notifier};

/// The shape version written now.
const VERSION: u32 = 1;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

fn version_one() -> u32 {
    VERSION
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredPerson {
    #[serde(default = "version_one")]
    v: u32,
    given_name: String,
    family_name: String,
    nhs_number: Option<String>,
    #[serde(with = "iso_date")]
    date_of_birth: Date,
    #[serde(with = "iso_date")]
    date_of_death: Date,
    sex: String,
    ethnic_category: Option<String>,
    learning_disability: bool,
    autistic: bool,
    lived_in_england: bool,
    national_data_opt_out: bool,
    /// The answer itself (`yes`, `no`, `not_known`); absent in values written before the
    /// notifier could answer "not known", which read from `national_data_opt_out`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    opt_out_answer: Option<String>,
    area_code: String,
    #[serde(default)]
    place_of_death: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredNotifier {
    #[serde(default = "version_one")]
    v: u32,
    name: String,
    relationship: String,
    email: Option<String>,
    phone: Option<String>,
    organisation: Option<String>,
}

/// The column's text for a person as notified.
pub fn person_to_json(p: &NotifiedPerson) -> String {
    let stored = StoredPerson {
        v: VERSION,
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        nhs_number: p.nhs_number.clone(),
        date_of_birth: p.date_of_birth,
        date_of_death: p.date_of_death,
        sex: p.sex.as_str().to_owned(),
        ethnic_category: p.ethnic_category.clone(),
        learning_disability: p.learning_disability,
        autistic: p.autistic,
        lived_in_england: p.lived_in_england,
        national_data_opt_out: p.national_data_opt_out == OptOutAnswer::Yes,
        opt_out_answer: Some(p.national_data_opt_out.as_str().to_owned()),
        area_code: p.area_code.clone(),
        place_of_death: p.place_of_death.map(|d| d.as_str().to_owned()),
    };
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into())
}

/// Reads a person as notified (any version written so far).
pub fn person_from_json(text: &str) -> Result<NotifiedPerson, String> {
    let s: StoredPerson = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if s.v != VERSION {
        return Err(format!("unknown version {}", s.v));
    }
    Ok(NotifiedPerson {
        sex: Sex::parse(&s.sex).map_err(|e| e.to_string())?,
        place_of_death: s
            .place_of_death
            .as_deref()
            .map(PlaceOfDeath::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        given_name: s.given_name,
        family_name: s.family_name,
        nhs_number: s.nhs_number,
        date_of_birth: s.date_of_birth,
        date_of_death: s.date_of_death,
        ethnic_category: s.ethnic_category,
        learning_disability: s.learning_disability,
        autistic: s.autistic,
        lived_in_england: s.lived_in_england,
        national_data_opt_out: match s.opt_out_answer.as_deref() {
            Some(answer) => OptOutAnswer::parse(answer).map_err(|e| e.to_string())?,
            None if s.national_data_opt_out => OptOutAnswer::Yes,
            None => OptOutAnswer::No,
        },
        area_code: s.area_code,
    })
}

/// The column's text for a notifier.
pub fn notifier_to_json(n: &Notifier) -> String {
    let stored = StoredNotifier {
        v: VERSION,
        name: n.name.clone(),
        relationship: n.relationship.as_str().to_owned(),
        email: n.email.clone(),
        phone: n.phone.clone(),
        organisation: n.organisation.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into())
}

/// Reads a notifier (any version written so far).
pub fn notifier_from_json(text: &str) -> Result<Notifier, String> {
    let s: StoredNotifier = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if s.v != VERSION {
        return Err(format!("unknown version {}", s.v));
    }
    Ok(Notifier {
        relationship: Relationship::parse(&s.relationship).map_err(|e| e.to_string())?,
        name: s.name,
        email: s.email,
        phone: s.phone,
        organisation: s.organisation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_as_the_first_release_stored_it_reads_and_writes_back_with_its_version() {
        let first_release = r#"{"given_name":"Alex","family_name":"Example","nhs_number":"9434765919","date_of_birth":"1961-03-02","date_of_death":"2026-10-01","sex":"female","ethnic_category":"A","learning_disability":true,"autistic":false,"lived_in_england":true,"national_data_opt_out":false,"area_code":"QOP","place_of_death":"hospital"}"#;
        let person = person_from_json(first_release).unwrap();
        assert_eq!(person.sex, Sex::Female);
        assert_eq!(person.place_of_death, Some(PlaceOfDeath::Hospital));
        let written = person_to_json(&person);
        assert!(
            written.starts_with(r#"{"v":1,"given_name":"Alex""#),
            "{written}"
        );
        assert_eq!(person_from_json(&written).unwrap(), person);
    }

    #[test]
    fn a_notifier_round_trips_and_an_unknown_version_is_refused() {
        let n = Notifier {
            name: "Sam Carer".into(),
            relationship: Relationship::Carer,
            email: Some("sam@example.org".into()),
            phone: None,
            organisation: None,
        };
        assert_eq!(notifier_from_json(&notifier_to_json(&n)).unwrap(), n);
        let later = r#"{"v":2,"name":"X","relationship":"carer","email":null,"phone":null,"organisation":null}"#;
        assert!(notifier_from_json(later).is_err());
    }
}
