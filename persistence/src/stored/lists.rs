//! List-valued columns behind typed accessors: a JSON array of wire names, ids or free text
//! (migrations `review_lists_as_json` and `lists_as_json` carried the comma-joined text of the
//! first release over). The column's text form is known here and nowhere else; a column that
//! does not parse is [`PersistenceError::Corrupt`] naming the row, never an empty list.

use crate::error::PersistenceError;

/// Reads a list column, parsing each element.
pub fn list_from_column<T, E: ToString>(
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Vec<T>, String> {
    let names: Vec<String> = serde_json::from_str(column).map_err(|e| e.to_string())?;
    names
        .iter()
        .map(|name| parse(name).map_err(|e| e.to_string()))
        .collect()
}

/// Reads a list column of ids or free text, each element as stored.
pub fn texts_from_column(column: &str) -> Result<Vec<String>, String> {
    serde_json::from_str(column).map_err(|e| e.to_string())
}

/// The column's text for a list of wire names, ids or free text.
pub fn list_to_column<'a>(names: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&names.collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// The column's text for a list of strings.
pub fn texts_to_column(texts: &[String]) -> String {
    list_to_column(texts.iter().map(String::as_str))
}

/// What a list column of `table`'s row `id` that does not parse is.
pub(crate) fn corrupt(
    table: &'static str,
    id: &str,
    field: &'static str,
) -> impl FnOnce(String) -> PersistenceError {
    let id = id.to_owned();
    move |detail| PersistenceError::Corrupt {
        table,
        id,
        field,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use leder_domain::review_type::FocusedReason;

    use super::*;

    #[test]
    fn a_list_column_is_a_json_array_of_wire_names() {
        let reasons = [FocusedReason::EthnicMinority, FocusedReason::FamilyRequest];
        let column = list_to_column(reasons.iter().map(|r| r.as_str()));
        assert_eq!(column, r#"["ethnic_minority","family_request"]"#);
        assert_eq!(
            list_from_column(&column, FocusedReason::parse),
            Ok(reasons.to_vec())
        );
        assert_eq!(list_from_column("[]", FocusedReason::parse), Ok(vec![]));
        assert!(list_from_column("ethnic_minority", FocusedReason::parse).is_err());
        assert!(list_from_column(r#"["made_up"]"#, FocusedReason::parse).is_err());
    }

    #[test]
    fn free_text_keeps_its_commas_quotes_and_backslashes() {
        let texts = vec![
            "Designated nurse, safeguarding".to_owned(),
            r#"The "LAC" \ lead"#.to_owned(),
        ];
        let column = texts_to_column(&texts);
        assert_eq!(texts_from_column(&column), Ok(texts));
        assert_eq!(texts_from_column("[]"), Ok(vec![]));
        assert!(texts_from_column("a,b").is_err());
        assert!(texts_from_column("").is_err());
    }
}
