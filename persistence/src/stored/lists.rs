//! List-valued columns (eligibility reasons, focused reasons, data-quality flags) behind typed
//! accessors: a JSON array of wire names (migration `review_lists_as_json` carried the first
//! release's comma-joined text over). The column's text form is known here and nowhere else.

/// Reads a list column, parsing each wire name.
pub fn list_from_column<T>(
    column: &str,
    parse: impl Fn(&str) -> Result<T, leder_domain::UnknownName>,
) -> Result<Vec<T>, String> {
    let names: Vec<String> = serde_json::from_str(column).map_err(|e| e.to_string())?;
    names
        .iter()
        .map(|name| parse(name).map_err(|e| e.to_string()))
        .collect()
}

/// The column's text for a list of wire names.
pub fn list_to_column<'a>(names: impl Iterator<Item = &'a str>) -> String {
    serde_json::to_string(&names.collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
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
}
