//! The reference tables embedded at compile time, and the small CSV reader that splits them.
//!
//! The tables (`data/*.csv`, copied from `shared/reference/`) are part of the build: nothing is
//! read from disk at run time. Each table is parsed once, on first use. A malformed embedded row
//! is a build defect, not a run-time condition; the tests load every table so such a defect
//! never ships.

/// The ONS 2020 avoidable mortality list, our transcription (version `ons-2020/leder-2`).
pub(crate) const AVOIDABLE_MORTALITY_CSV: &str = include_str!("../data/avoidable-mortality.csv");
/// The first transcription (version `ons-2020/leder-1`), kept for reviews assessed with it.
pub(crate) const AVOIDABLE_MORTALITY_LEDER_1_CSV: &str =
    include_str!("../data/avoidable-mortality-leder-1.csv");
/// The WHO ICD-10 2019 classification: code, title, kind, chapter, block.
pub(crate) const ICD10_WHO_2019_CSV: &str = include_str!("../data/icd10-who-2019.csv");
/// The NHS Data Dictionary ethnic categories with their 2001 census groups.
pub(crate) const ETHNIC_CATEGORIES_CSV: &str = include_str!("../data/ethnic-categories.csv");
/// The quality-of-care grade scales, one row per version and grade.
pub(crate) const CARE_GRADE_SCALES_CSV: &str = include_str!("../data/care-grade-scales.csv");

/// The data rows of an embedded CSV table (the header line is skipped), each split into fields.
///
/// Fields may be quoted with `"`, a quoted field may hold commas and `""` stands for one quote.
pub(crate) fn rows(table: &'static str) -> impl Iterator<Item = Vec<String>> {
    table
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(split_line)
}

/// Splits one CSV line into its fields.
fn split_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = line.trim_end_matches('\r').chars().peekable();
    while let Some(character) = characters.next() {
        match (character, quoted) {
            ('"', true) if characters.peek() == Some(&'"') => {
                field.push('"');
                characters.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(character),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_field_keeps_its_commas_and_doubled_quotes() {
        assert_eq!(
            split_line(r#"A00.0,"Cholera, ""classical""",subcategory"#),
            vec!["A00.0", r#"Cholera, "classical""#, "subcategory"]
        );
    }

    #[test]
    fn every_embedded_table_has_the_same_number_of_fields_on_every_row() {
        for (table, width) in [
            (AVOIDABLE_MORTALITY_CSV, 4),
            (AVOIDABLE_MORTALITY_LEDER_1_CSV, 4),
            (ICD10_WHO_2019_CSV, 5),
            (ETHNIC_CATEGORIES_CSV, 3),
            (CARE_GRADE_SCALES_CSV, 3),
        ] {
            for row in rows(table) {
                assert_eq!(row.len(), width, "{row:?}");
            }
        }
    }
}
