//! ODS codes, the quality-of-care grade and the published age bands (DOMAIN.md, "NHS data
//! standards", "What a review records" and "Publishing anonymised data").

use leder_domain::care_grade::CARE_GRADE_SCALE_VERSION;
use leder_domain::{AgeBand, BroadAgeBand, CareGrade, OdsCode, Versions};

#[test]
fn ods_codes_of_regions_icbs_ccgs_and_new_icbs_parse_upper_case() {
    for (input, expected) in [
        ("QOP", "QOP"),
        ("14L", "14L"),
        ("14l", "14L"),
        (" Y56 ", "Y56"),
        ("S1Y5D", "S1Y5D"),
        ("A81001", "A81001"),
    ] {
        assert_eq!(OdsCode::parse(input).unwrap().as_str(), expected);
    }
}

#[test]
fn malformed_ods_codes_are_refused_with_a_code() {
    for (input, code) in [
        ("QO", "invalid_length"),
        ("", "invalid_length"),
        ("ABCDEFG", "invalid_length"),
        ("Q-P", "invalid_character"),
        ("Q P", "invalid_character"),
        ("QÖP", "invalid_character"),
    ] {
        assert_eq!(OdsCode::parse(input).unwrap_err().code(), code, "{input}");
    }
}

#[test]
fn each_care_grade_has_the_leder_2016_wording() {
    let wordings = [
        (1, "excellent care (exceeds good practice)"),
        (2, "good care (meets good practice)"),
        (
            3,
            "satisfactory care (falls short in some areas without significant impact on wellbeing)",
        ),
        (
            4,
            "fell short of good practice and affected wellbeing, did not contribute to the death",
        ),
        (
            5,
            "fell short, significantly affected wellbeing or could have contributed to the death",
        ),
        (6, "fell far short and contributed to the death"),
    ];
    assert_eq!(CARE_GRADE_SCALE_VERSION, "leder-2016");
    for (grade, wording) in wordings {
        let grade = CareGrade::parse(grade).unwrap();
        assert_eq!(grade.wording(), wording);
        assert_eq!(grade.wording_in("leder-2016"), Some(wording));
    }
    assert_eq!(CareGrade::all().count(), 6);
}

#[test]
fn a_wording_of_an_unknown_scale_version_is_not_invented() {
    assert_eq!(CareGrade::parse(1).unwrap().wording_in("leder-2099"), None);
}

#[test]
fn care_grades_outside_1_to_6_are_out_of_range() {
    for grade in [0, 7, -1, 256, i64::MAX] {
        let error = CareGrade::parse(grade).unwrap_err();
        assert_eq!(error.code(), "out_of_range");
        assert!(error.to_string().contains("1 to 6"));
    }
}

#[test]
fn ages_fall_into_the_published_bands_at_their_boundaries() {
    use AgeBand::*;
    for (age, band) in [
        (3, None),
        (4, Some(From4To17)),
        (17, Some(From4To17)),
        (18, Some(From18To24)),
        (24, Some(From18To24)),
        (25, Some(From25To34)),
        (34, Some(From25To34)),
        (35, Some(From35To44)),
        (44, Some(From35To44)),
        (45, Some(From45To54)),
        (54, Some(From45To54)),
        (55, Some(From55To64)),
        (64, Some(From55To64)),
        (65, Some(From65To74)),
        (74, Some(From65To74)),
        (75, Some(From75)),
        (104, Some(From75)),
    ] {
        assert_eq!(AgeBand::of(age), band, "{age}");
    }
}

#[test]
fn each_age_band_falls_within_one_broad_band() {
    use AgeBand::*;
    for (band, broad) in [
        (From4To17, BroadAgeBand::From4To17),
        (From18To24, BroadAgeBand::From18To64),
        (From55To64, BroadAgeBand::From18To64),
        (From65To74, BroadAgeBand::From65),
        (From75, BroadAgeBand::From65),
    ] {
        assert_eq!(band.broad(), broad);
    }
    let names: Vec<&str> = AgeBand::ALL.iter().map(|band| band.as_str()).collect();
    assert_eq!(
        names,
        [
            "4-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"
        ]
    );
}

#[test]
fn the_current_definition_versions_are_recorded() {
    assert_eq!(
        Versions::CURRENT,
        Versions {
            eligibility: "leder-eligibility-1",
            avoidable_mortality: "ons-2020/leder-2",
            care_grade: "leder-2016",
        }
    );
}
