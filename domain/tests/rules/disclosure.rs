//! DOMAIN.md, "Publishing anonymised data": "0 stays 0, 1–7 is shown as suppressed, 8 and over
//! is rounded to the nearest 5. Fractional counts … are rounded to the nearest 0.5 first, then
//! the same rule applies. Shares are computed from the rounded counts. A median or a share is
//! withheld where its group has fewer than 8 deaths."

use leder_domain::disclosure::{
    Disclosed, disclose, disclose_fractional, median, median_of_counts, round_to_half, share,
};
use proptest::prelude::*;

#[test]
fn zero_stays_zero_one_to_seven_is_suppressed_and_eight_up_rounds_to_the_nearest_5() {
    for (count, expected) in [
        (0, Disclosed::Shown(0)),
        (1, Disclosed::Suppressed),
        (7, Disclosed::Suppressed),
        (8, Disclosed::Shown(10)),
        (10, Disclosed::Shown(10)),
        (12, Disclosed::Shown(10)),
        (13, Disclosed::Shown(15)),
        (17, Disclosed::Shown(15)),
        (18, Disclosed::Shown(20)),
        (1_002, Disclosed::Shown(1_000)),
    ] {
        assert_eq!(disclose(count), expected, "{count}");
    }
}

#[test]
fn fractional_counts_round_to_the_nearest_half_first() {
    assert_eq!(round_to_half(4.24), 4.0);
    assert_eq!(round_to_half(4.25), 4.5);
    assert_eq!(round_to_half(4.74), 4.5);
    for (count, expected) in [
        (0.0, Disclosed::Shown(0)),
        (0.5, Disclosed::Suppressed),
        (7.5, Disclosed::Suppressed),
        (7.74, Disclosed::Suppressed),
        (7.75, Disclosed::Shown(10)),
        (8.0, Disclosed::Shown(10)),
        (12.0, Disclosed::Shown(10)),
        (12.5, Disclosed::Shown(15)),
        (22.4, Disclosed::Shown(25)),
        (-1.0, Disclosed::Suppressed),
        (f64::NAN, Disclosed::Suppressed),
    ] {
        assert_eq!(disclose_fractional(count), expected, "{count}");
    }
    assert_eq!(Disclosed::Suppressed.value(), None);
    assert_eq!(Disclosed::Shown(10).value(), Some(10));
}

#[test]
fn shares_are_computed_from_the_rounded_counts() {
    assert_eq!(share(9.0, 20.0, 20), Some(0.5));
    assert_eq!(share(12.0, 23.0, 23), Some(10.0 / 25.0));
    assert_eq!(
        share(4.5, 18.0, 18),
        None,
        "a suppressed numerator is not revealed"
    );
    assert_eq!(share(0.0, 18.0, 18), Some(0.0));
}

#[test]
fn a_share_or_median_of_a_group_under_8_deaths_is_withheld() {
    assert_eq!(share(7.0, 7.0, 7), None);
    assert!(share(8.0, 8.0, 8).is_some());
    let seven = [60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0];
    assert_eq!(median(&seven, 7), None);
    let eight = [60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 70.0];
    assert_eq!(median(&eight, 8), Some(63.5));
    let nine = [70.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 99.0];
    assert_eq!(median(&nine, 9), Some(64.0));
    assert_eq!(median(&[], 10), None);
}

#[test]
fn a_median_from_counts_is_the_median_of_the_values_written_out() {
    // 61, 61, 62, 64 (even: 61.5) and 61, 61, 62, 64, 64 (odd: 62).
    assert_eq!(
        median_of_counts(&[(64.0, 1), (61.0, 2), (62.0, 1)], 8),
        Some(61.5)
    );
    assert_eq!(
        median_of_counts(&[(64.0, 2), (61.0, 2), (62.0, 1)], 8),
        Some(62.0)
    );
    assert_eq!(median_of_counts(&[(64.0, 2), (61.0, 2)], 7), None);
    assert_eq!(median_of_counts(&[], 9), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_disclosed_count_is_never_1_to_7_and_from_8_up_a_nearby_multiple_of_5(
        count in 0u64..1_000_000
    ) {
        match disclose(count) {
            Disclosed::Suppressed => prop_assert!((1..=7).contains(&count)),
            Disclosed::Shown(0) => prop_assert_eq!(count, 0),
            Disclosed::Shown(shown) => {
                prop_assert!(count >= 8);
                prop_assert!(shown >= 10 && shown % 5 == 0);
                prop_assert!(shown.abs_diff(count) <= 2);
            }
        }
    }

    #[test]
    fn a_disclosed_fractional_count_follows_the_same_rule(halves in 0u64..200_000) {
        let count = halves as f64 / 2.0;
        match disclose_fractional(count) {
            Disclosed::Suppressed => prop_assert!(count > 0.0 && count < 8.0),
            Disclosed::Shown(0) => prop_assert_eq!(count, 0.0),
            Disclosed::Shown(shown) => {
                prop_assert!(count >= 8.0);
                prop_assert!(shown >= 10 && shown % 5 == 0);
                prop_assert!((shown as f64 - count).abs() <= 2.5);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn median_of_counts_agrees_with_median(
        counts in prop::collection::vec((4u32..110, 0u64..6), 0..30)
    ) {
        let counts: Vec<(f64, u64)> = counts.into_iter().map(|(v, n)| (f64::from(v), n)).collect();
        let values: Vec<f64> = counts
            .iter()
            .flat_map(|(v, n)| std::iter::repeat_n(*v, *n as usize))
            .collect();
        let deaths = values.len() as u64;
        prop_assert_eq!(median_of_counts(&counts, deaths), median(&values, deaths));
    }
}
