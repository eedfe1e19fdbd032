//! DOMAIN.md, "Publishing anonymised data": "Rows in classes smaller than k are generalised in
//! this order until their class reaches k: quarter of death → year only, then ICB → region, then
//! age band → 4–17, 18–64, 65+; rows still in a class under k are withheld."

use std::collections::HashMap;

use leder_domain::disclosure::k_anonymity::PublishedAgeBand;
use leder_domain::disclosure::{
    DEFAULT_K, Level, QuasiIdentifiers, StepCounts, k_anonymise, k_anonymise_classes,
};
use leder_domain::{AgeBand, BroadAgeBand, EthnicGroup, OdsCode, Sex};
use proptest::prelude::*;

fn row(age_band: AgeBand, sex: Sex, icb: &str, region: &str, quarter: u8) -> QuasiIdentifiers {
    QuasiIdentifiers {
        age_band,
        sex,
        ethnic_group: EthnicGroup::White,
        organisation: OdsCode::parse(icb).unwrap(),
        region: OdsCode::parse(region).unwrap(),
        year: 2025,
        quarter,
    }
}

fn many(count: usize, template: &QuasiIdentifiers) -> Vec<QuasiIdentifiers> {
    vec![template.clone(); count]
}

#[test]
fn the_default_k_is_5() {
    assert_eq!(DEFAULT_K, 5);
}

#[test]
fn rows_in_classes_of_at_least_k_are_kept_as_they_are() {
    let rows = many(5, &row(AgeBand::From45To54, Sex::Female, "QOP", "Y62", 1));
    let plan = k_anonymise(&rows, 5);
    assert_eq!(plan.levels, vec![Level::Kept; 5]);
    assert_eq!(plan.counts, StepCounts::default());
}

#[test]
fn small_classes_first_lose_the_quarter_and_merge_within_the_year() {
    let mut rows = Vec::new();
    for quarter in 1..=4 {
        rows.extend(many(
            2,
            &row(AgeBand::From45To54, Sex::Male, "QOP", "Y62", quarter),
        ));
    }
    let plan = k_anonymise(&rows, 5);
    assert_eq!(plan.levels, vec![Level::QuarterToYear; 8]);
    assert_eq!(
        plan.counts,
        StepCounts {
            quarter_to_year: 8,
            ..StepCounts::default()
        }
    );
    let published = plan.levels[0].apply(&rows[0]).unwrap();
    assert_eq!(published.quarter, None);
    assert_eq!(published.organisation.unwrap().as_str(), "QOP");
}

#[test]
fn then_the_icb_gives_way_to_its_region() {
    let mut rows = many(3, &row(AgeBand::From25To34, Sex::Female, "QOP", "Y62", 2));
    rows.extend(many(
        2,
        &row(AgeBand::From25To34, Sex::Female, "QYG", "Y62", 3),
    ));
    let plan = k_anonymise(&rows, 5);
    assert_eq!(plan.levels, vec![Level::IcbToRegion; 5]);
    let published = plan.levels[0].apply(&rows[0]).unwrap();
    assert_eq!(published.organisation, None);
    assert_eq!(published.region.as_str(), "Y62");
    assert_eq!(plan.counts.icb_to_region, 5);
    assert_eq!(plan.counts.quarter_to_year, 5);
}

#[test]
fn then_the_age_band_broadens_and_what_is_left_is_withheld() {
    let mut rows = many(3, &row(AgeBand::From25To34, Sex::Female, "QOP", "Y62", 1));
    rows.extend(many(
        2,
        &row(AgeBand::From55To64, Sex::Female, "QYG", "Y62", 4),
    ));
    rows.push(row(AgeBand::From75, Sex::Female, "QOP", "Y62", 1));
    let plan = k_anonymise(&rows, 5);
    let mut expected = vec![Level::AgeBandToBroad; 5];
    expected.push(Level::Withheld);
    assert_eq!(plan.levels, expected);
    assert_eq!(
        plan.counts,
        StepCounts {
            quarter_to_year: 6,
            icb_to_region: 6,
            age_band_to_broad: 6,
            withheld: 1,
        }
    );
    assert_eq!(
        plan.levels[0].apply(&rows[0]).unwrap().age_band,
        PublishedAgeBand::Broad(BroadAgeBand::From18To64)
    );
    assert_eq!(plan.levels[5].apply(&rows[5]), None);
}

#[test]
fn k_is_configurable() {
    let rows = many(3, &row(AgeBand::From45To54, Sex::Female, "QOP", "Y62", 1));
    assert_eq!(k_anonymise(&rows, 3).levels, vec![Level::Kept; 3]);
    assert_eq!(k_anonymise(&rows, 4).levels, vec![Level::Withheld; 3]);
    assert_eq!(k_anonymise(&rows, 1).levels, vec![Level::Kept; 3]);
}

#[test]
fn a_plan_over_class_sizes_counts_rows_not_classes() {
    let small = row(AgeBand::From25To34, Sex::Female, "QOP", "Y62", 2);
    let other_quarter = row(AgeBand::From25To34, Sex::Female, "QOP", "Y62", 3);
    let big = row(AgeBand::From45To54, Sex::Male, "QOP", "Y62", 1);
    let plan = k_anonymise_classes(&[(small, 2), (other_quarter, 3), (big, 40)], 5);
    assert_eq!(
        plan.levels,
        vec![Level::QuarterToYear, Level::QuarterToYear, Level::Kept]
    );
    assert_eq!(
        plan.counts,
        StepCounts {
            quarter_to_year: 5,
            ..StepCounts::default()
        }
    );
}

fn arbitrary_row() -> impl Strategy<Value = QuasiIdentifiers> {
    (
        prop::sample::select(AgeBand::ALL.to_vec()),
        prop::sample::select(vec![Sex::Female, Sex::Male]),
        prop::sample::select(vec![EthnicGroup::White, EthnicGroup::AsianOrAsianBritish]),
        prop::sample::select(vec![("QOP", "Y62"), ("QYG", "Y62"), ("QHG", "Y61")]),
        1u8..=4,
    )
        .prop_map(
            |(age_band, sex, ethnic_group, (icb, region), quarter)| QuasiIdentifiers {
                age_band,
                sex,
                ethnic_group,
                organisation: OdsCode::parse(icb).unwrap(),
                region: OdsCode::parse(region).unwrap(),
                year: 2025,
                quarter,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_published_class_has_at_least_k_rows(
        rows in prop::collection::vec(arbitrary_row(), 0..120),
        k in 1usize..8,
    ) {
        let plan = k_anonymise(&rows, k);
        let mut classes: HashMap<_, usize> = HashMap::new();
        for (row, level) in rows.iter().zip(&plan.levels) {
            if let Some(published) = level.apply(row) {
                let key = (
                    published.age_band.as_str(),
                    published.sex,
                    published.ethnic_group,
                    published.organisation,
                    published.region,
                    published.year,
                    published.quarter,
                );
                *classes.entry(key).or_default() += 1;
            }
        }
        prop_assert!(classes.values().all(|size| *size >= k));
        let withheld = plan.levels.iter().filter(|level| **level == Level::Withheld).count();
        prop_assert_eq!(plan.counts.withheld, withheld);
        prop_assert!(plan.counts.quarter_to_year >= plan.counts.icb_to_region);
        prop_assert!(plan.counts.icb_to_region >= plan.counts.age_band_to_broad);
        prop_assert!(plan.counts.age_band_to_broad >= plan.counts.withheld);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The streamed extract plans from a `GROUP BY`: the same plan as over the rows themselves.
    #[test]
    fn planning_over_class_sizes_gives_each_row_the_level_it_gets_alone(
        rows in prop::collection::vec(arbitrary_row(), 0..120),
        k in 1usize..8,
    ) {
        let by_rows = k_anonymise(&rows, k);
        let mut classes: Vec<(QuasiIdentifiers, usize)> = Vec::new();
        for row in &rows {
            match classes.iter_mut().find(|(class, _)| class == row) {
                Some((_, size)) => *size += 1,
                None => classes.push((row.clone(), 1)),
            }
        }
        let by_classes = k_anonymise_classes(&classes, k);
        prop_assert_eq!(by_rows.counts, by_classes.counts);
        for (row, level) in rows.iter().zip(&by_rows.levels) {
            let class = classes.iter().position(|(class, _)| class == row).unwrap();
            prop_assert_eq!(*level, by_classes.levels[class]);
        }
    }
}
