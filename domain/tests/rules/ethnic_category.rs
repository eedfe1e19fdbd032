//! "Ethnic category: NHS Data Dictionary codes A–S, Z, 99, with their 2001 census groups."
//! "`ethnic_minority`: ethnic category … is D to S (Mixed, Asian or Asian British, Black or Black
//! British, Other ethnic groups). A, B and C (White groups) do not trigger it. `Z` (not stated)
//! and `99` (not known) do not trigger it but raise a data-quality flag."

use leder_domain::{EthnicCategory, EthnicGroup};

/// (code, 2001 census group, description, ethnic minority, needs resolving)
const CATEGORIES: [(&str, EthnicGroup, &str, bool, bool); 18] = [
    ("A", EthnicGroup::White, "British", false, false),
    ("B", EthnicGroup::White, "Irish", false, false),
    (
        "C",
        EthnicGroup::White,
        "Any other White background",
        false,
        false,
    ),
    (
        "D",
        EthnicGroup::Mixed,
        "White and Black Caribbean",
        true,
        false,
    ),
    (
        "E",
        EthnicGroup::Mixed,
        "White and Black African",
        true,
        false,
    ),
    ("F", EthnicGroup::Mixed, "White and Asian", true, false),
    (
        "G",
        EthnicGroup::Mixed,
        "Any other mixed background",
        true,
        false,
    ),
    ("H", EthnicGroup::AsianOrAsianBritish, "Indian", true, false),
    (
        "J",
        EthnicGroup::AsianOrAsianBritish,
        "Pakistani",
        true,
        false,
    ),
    (
        "K",
        EthnicGroup::AsianOrAsianBritish,
        "Bangladeshi",
        true,
        false,
    ),
    (
        "L",
        EthnicGroup::AsianOrAsianBritish,
        "Any other Asian background",
        true,
        false,
    ),
    (
        "M",
        EthnicGroup::BlackOrBlackBritish,
        "Caribbean",
        true,
        false,
    ),
    (
        "N",
        EthnicGroup::BlackOrBlackBritish,
        "African",
        true,
        false,
    ),
    (
        "P",
        EthnicGroup::BlackOrBlackBritish,
        "Any other Black background",
        true,
        false,
    ),
    ("R", EthnicGroup::OtherEthnicGroups, "Chinese", true, false),
    (
        "S",
        EthnicGroup::OtherEthnicGroups,
        "Any other ethnic group",
        true,
        false,
    ),
    ("Z", EthnicGroup::NotStated, "Not stated", false, true),
    ("99", EthnicGroup::NotKnown, "Not known", false, true),
];

#[test]
fn each_ethnic_category_has_its_census_group_and_minority_status() {
    for (code, group, description, minority, needs_resolving) in CATEGORIES {
        let category = EthnicCategory::parse(code).unwrap();
        assert_eq!(category.code(), code);
        assert_eq!(category.group(), group, "{code}");
        assert_eq!(category.description(), description, "{code}");
        assert_eq!(category.is_ethnic_minority(), minority, "{code}");
        assert_eq!(category.needs_resolving(), needs_resolving, "{code}");
        assert_eq!(category.to_string(), code);
    }
}

#[test]
fn the_categories_are_exactly_the_data_dictionary_codes() {
    let codes: Vec<&str> = EthnicCategory::all()
        .map(|category| category.code())
        .collect();
    let expected: Vec<&str> = CATEGORIES.iter().map(|row| row.0).collect();
    assert_eq!(codes, expected);
}

#[test]
fn the_minority_categories_are_exactly_d_to_s() {
    for category in EthnicCategory::all() {
        let letter = category.code();
        let d_to_s = letter.len() == 1 && ("D"..="S").contains(&letter);
        assert_eq!(category.is_ethnic_minority(), d_to_s, "{letter}");
    }
}

#[test]
fn lower_case_and_surrounding_spaces_are_accepted() {
    assert_eq!(EthnicCategory::parse(" h ").unwrap().code(), "H");
}

#[test]
fn codes_outside_the_data_dictionary_are_unknown() {
    for input in ["I", "O", "Q", "T", "Y", "9", "98", "", "White"] {
        let error = EthnicCategory::parse(input).unwrap_err();
        assert_eq!(error.code(), "unknown_code", "{input}");
        assert!(error.to_string().contains("ethnic category"));
    }
}

#[test]
fn each_census_group_has_a_wire_name_and_a_label() {
    let names: Vec<&str> = EthnicGroup::ALL
        .iter()
        .map(|group| group.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "white",
            "mixed",
            "asian_or_asian_british",
            "black_or_black_british",
            "other_ethnic_groups",
            "not_stated",
            "not_known"
        ]
    );
    assert_eq!(
        EthnicGroup::AsianOrAsianBritish.label(),
        "Asian or Asian British"
    );
}
