//! List-valued columns (eligibility reasons, focused reasons, data-quality flags) behind typed
//! accessors: the column's text form is known here and nowhere else.

/// Reads a list column, parsing each wire name.
pub fn list_from_column<T, E>(
    column: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    column
        .split(',')
        .filter(|name| !name.is_empty())
        .map(parse)
        .collect()
}

/// The column's text for a list of wire names.
pub fn list_to_column<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(",")
}
