//! Reading the three reference files: CSV with a fixed header, every field checked, and a bad
//! row refused with its file and line.

use leder_domain::organisations::{OrgKind, Share};
use time::Date;

use crate::error::PersistenceError;
use crate::rows::organisations::{OrganisationRow, ParentRow, SuccessorRow};

fn records(
    name: &str,
    text: &str,
    header: &[&str],
) -> Result<Vec<(usize, csv::StringRecord)>, PersistenceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let found = reader
        .headers()
        .map_err(|e| PersistenceError::Reference(format!("{name}: {e}")))?
        .clone();
    if found.iter().collect::<Vec<_>>() != header {
        return Err(PersistenceError::Reference(format!(
            "{name}: expected the header `{}`",
            header.join(",")
        )));
    }
    reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            r.map(|r| (i + 2, r))
                .map_err(|e| PersistenceError::Reference(format!("{name}: {e}")))
        })
        .collect()
}

fn field<'r>(
    name: &str,
    line: usize,
    rec: &'r csv::StringRecord,
    i: usize,
) -> Result<&'r str, PersistenceError> {
    rec.get(i).ok_or_else(|| {
        PersistenceError::Reference(format!("{name} line {line}: missing field {i}"))
    })
}

fn date(name: &str, line: usize, s: &str) -> Result<Date, PersistenceError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &format)
        .map_err(|e| PersistenceError::Reference(format!("{name} line {line}: date `{s}`: {e}")))
}

fn opt_date(name: &str, line: usize, s: &str) -> Result<Option<Date>, PersistenceError> {
    if s.is_empty() {
        Ok(None)
    } else {
        date(name, line, s).map(Some)
    }
}

fn org_kind(name: &str, line: usize, s: &str) -> Result<String, PersistenceError> {
    s.parse::<OrgKind>()
        .map(|k| k.as_str().to_owned())
        .map_err(|e| PersistenceError::Reference(format!("{name} line {line}: {e}")))
}

fn code(name: &str, line: usize, s: &str) -> Result<String, PersistenceError> {
    if s.is_empty() || s.len() > 10 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(PersistenceError::Reference(format!(
            "{name} line {line}: `{s}` is not an ODS code"
        )));
    }
    Ok(s.to_ascii_uppercase())
}

fn check_period(
    name: &str,
    line: usize,
    from: Date,
    to: Option<Date>,
) -> Result<(), PersistenceError> {
    match to {
        Some(to) if to < from => Err(PersistenceError::Reference(format!(
            "{name} line {line}: the period ends before it starts"
        ))),
        _ => Ok(()),
    }
}

pub(super) fn parse_organisations(text: &str) -> Result<Vec<OrganisationRow>, PersistenceError> {
    const NAME: &str = "organisations.csv";
    let header = [
        "code",
        "name",
        "kind",
        "valid_from",
        "valid_to",
        "ons_code",
        "source",
    ];
    records(NAME, text, &header)?
        .into_iter()
        .map(|(line, r)| {
            let f = |i| field(NAME, line, &r, i);
            let valid_from = date(NAME, line, f(3)?)?;
            let valid_to = opt_date(NAME, line, f(4)?)?;
            check_period(NAME, line, valid_from, valid_to)?;
            let ons = f(5)?;
            Ok(OrganisationRow {
                code: code(NAME, line, f(0)?)?,
                name: f(1)?.to_owned(),
                kind: org_kind(NAME, line, f(2)?)?,
                valid_from,
                valid_to,
                ons_code: (!ons.is_empty()).then(|| ons.to_owned()),
                source: f(6)?.to_owned(),
            })
        })
        .collect()
}

pub(super) fn parse_parents(text: &str) -> Result<Vec<ParentRow>, PersistenceError> {
    const NAME: &str = "organisation-parents.csv";
    let header = [
        "child_code",
        "child_kind",
        "parent_code",
        "valid_from",
        "valid_to",
        "source",
    ];
    records(NAME, text, &header)?
        .into_iter()
        .map(|(line, r)| {
            let f = |i| field(NAME, line, &r, i);
            let valid_from = date(NAME, line, f(3)?)?;
            let valid_to = opt_date(NAME, line, f(4)?)?;
            check_period(NAME, line, valid_from, valid_to)?;
            Ok(ParentRow {
                child_code: code(NAME, line, f(0)?)?,
                child_kind: org_kind(NAME, line, f(1)?)?,
                parent_code: code(NAME, line, f(2)?)?,
                valid_from,
                valid_to,
                source: f(5)?.to_owned(),
            })
        })
        .collect()
}

pub(super) fn parse_successors(text: &str) -> Result<Vec<SuccessorRow>, PersistenceError> {
    const NAME: &str = "organisation-successors.csv";
    let header = [
        "from_code",
        "from_kind",
        "to_code",
        "to_kind",
        "effective",
        "share",
        "source",
    ];
    records(NAME, text, &header)?
        .into_iter()
        .map(|(line, r)| {
            let f = |i| field(NAME, line, &r, i);
            let share = f(5)?
                .parse::<Share>()
                .map_err(|e| PersistenceError::Reference(format!("{NAME} line {line}: {e}")))?;
            Ok(SuccessorRow {
                from_code: code(NAME, line, f(0)?)?,
                from_kind: org_kind(NAME, line, f(1)?)?,
                to_code: code(NAME, line, f(2)?)?,
                to_kind: org_kind(NAME, line, f(3)?)?,
                effective: date(NAME, line, f(4)?)?,
                share: share.as_str().to_owned(),
                source: f(6)?.to_owned(),
            })
        })
        .collect()
}
