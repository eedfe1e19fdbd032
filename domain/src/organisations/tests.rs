//! Tests of `organisations`.
use super::*;
use time::macros::date;

fn org(code: &str, kind: OrgKind, from: Date, to: Option<Date>) -> Organisation {
    Organisation {
        code: code.into(),
        kind,
        name: format!("{code} name"),
        valid: Period { from, to },
    }
}

fn link(child: &str, kind: OrgKind, parent: &str, from: Date, to: Option<Date>) -> ParentLink {
    ParentLink {
        child_code: child.into(),
        child_kind: kind,
        parent_code: parent.into(),
        valid: Period { from, to },
    }
}

fn succ(from: &str, kind: OrgKind, to: &str, to_kind: OrgKind, share: Share) -> Succession {
    Succession {
        from_code: from.into(),
        from_kind: kind,
        to_code: to.into(),
        to_kind,
        effective: date!(2026 - 04 - 01),
        share,
    }
}

/// A small slice of the real 2022 and 2026 reorganisations.
fn hierarchy() -> Hierarchy {
    use OrgKind::*;
    let d22 = date!(2022 - 07 - 01);
    let end_ccg = Some(date!(2022 - 06 - 30));
    let end_icb = Some(date!(2026 - 03 - 31));
    let d26 = date!(2026 - 04 - 01);
    Hierarchy::new(
        [
            org("Y63", Region, date!(2020 - 04 - 01), None),
            org("QOP", Icb, d22, None),
            org("14L", Ccg, date!(2013 - 04 - 01), end_ccg),
            org("14L", SubIcbLocation, d22, None),
            org("QUE", Icb, d22, end_icb),
            org("QM7", Icb, d22, end_icb),
            org("S1Y5D", Icb, d26, None),
            org("D7T5G", Icb, d26, None),
            org("06K", SubIcbLocation, d22, None),
            org("D4U1Y", Ccg, date!(2021 - 04 - 01), end_ccg),
            org("D4U1Y", SubIcbLocation, d22, end_icb),
            org("U2G6B", SubIcbLocation, d26, None),
            org("92A", SubIcbLocation, d22, None),
        ],
        [
            link("14L", Ccg, "QOP", date!(2013 - 04 - 01), end_ccg),
            link("14L", SubIcbLocation, "QOP", d22, None),
            link("06K", SubIcbLocation, "QM7", d22, end_icb),
            link("06K", SubIcbLocation, "S1Y5D", d26, None),
            link("D4U1Y", SubIcbLocation, "QNQ", d22, end_icb),
            link("U2G6B", SubIcbLocation, "S0E4D", d26, None),
            link("QOP", Icb, "Y63", d22, None),
        ],
        [
            succ("QUE", Icb, "S1Y5D", Icb, Share::Whole),
            succ("QM7", Icb, "S1Y5D", Icb, Share::Part),
            succ("QM7", Icb, "D7T5G", Icb, Share::Part),
            succ(
                "D4U1Y",
                SubIcbLocation,
                "U2G6B",
                SubIcbLocation,
                Share::Part,
            ),
            succ("D4U1Y", SubIcbLocation, "92A", SubIcbLocation, Share::Part),
        ],
    )
}

#[test]
fn an_icb_is_in_the_region_it_was_linked_to() {
    let h = hierarchy();
    assert_eq!(h.region_of("QOP"), Some("Y63"));
    assert_eq!(h.region_of("QUE"), None);
}

#[test]
fn an_icb_valid_on_the_date_is_responsible_for_itself() {
    let r = hierarchy().resolve("QOP", date!(2025 - 01 - 01)).unwrap();
    assert_eq!(r.icb, "QOP");
    assert_eq!(r.sub_icb_location, None);
}

#[test]
fn a_ccg_code_used_after_2022_06_30_means_its_sub_icb_location() {
    let r = hierarchy().resolve("14L", date!(2022 - 07 - 01)).unwrap();
    assert_eq!(r.icb, "QOP");
    assert_eq!(r.sub_icb_location.as_deref(), Some("14L"));
}

#[test]
fn a_ccg_code_used_on_its_last_day_resolves_through_its_parent_link() {
    let r = hierarchy().resolve("14L", date!(2022 - 06 - 30)).unwrap();
    assert_eq!(r.icb, "QOP");
    assert_eq!(r.sub_icb_location, None);
}

#[test]
fn a_sub_icb_location_resolves_to_its_parent_on_the_date() {
    let h = hierarchy();
    assert_eq!(h.resolve("06K", date!(2025 - 05 - 01)).unwrap().icb, "QM7");
    assert_eq!(h.resolve("06K", date!(2026 - 03 - 31)).unwrap().icb, "QM7");
    assert_eq!(
        h.resolve("06K", date!(2026 - 04 - 01)).unwrap().icb,
        "S1Y5D"
    );
    assert_eq!(
        h.resolve("06K", date!(2026 - 05 - 01)).unwrap().icb,
        "S1Y5D"
    );
}

#[test]
fn a_dissolved_icb_follows_its_whole_successor() {
    let h = hierarchy();
    assert_eq!(h.resolve("QUE", date!(2026 - 03 - 31)).unwrap().icb, "QUE");
    assert_eq!(
        h.resolve("QUE", date!(2026 - 04 - 01)).unwrap().icb,
        "S1Y5D"
    );
}

#[test]
fn a_split_icb_after_its_dissolution_needs_the_sub_icb_location() {
    let err = hierarchy()
        .resolve("QM7", date!(2026 - 06 - 01))
        .unwrap_err();
    assert_eq!(
        err,
        ResolveError::Split {
            code: "QM7".into(),
            on: date!(2026 - 06 - 01),
            successors: vec!["D7T5G".into(), "S1Y5D".into()],
        }
    );
    assert_eq!(err.code(), "area_split_name_sub_icb_location");
}

#[test]
fn a_closed_split_sub_icb_location_is_refused_as_split() {
    let err = hierarchy()
        .resolve("D4U1Y", date!(2026 - 06 - 01))
        .unwrap_err();
    assert!(matches!(err, ResolveError::Split { .. }), "{err:?}");
}

#[test]
fn a_code_used_before_it_existed_is_refused() {
    let err = hierarchy()
        .resolve("S1Y5D", date!(2026 - 03 - 31))
        .unwrap_err();
    assert_eq!(err.code(), "area_not_valid_on_date");
}

#[test]
fn a_region_is_not_a_responsible_body() {
    let err = hierarchy()
        .resolve("Y63", date!(2025 - 01 - 01))
        .unwrap_err();
    assert_eq!(err.code(), "not_a_responsible_body");
}

#[test]
fn an_unknown_code_is_refused() {
    let err = hierarchy()
        .resolve("ZZZ", date!(2025 - 01 - 01))
        .unwrap_err();
    assert_eq!(err.code(), "unknown_area_code");
}

#[test]
fn org_kinds_round_trip_through_their_wire_names() {
    for &k in OrgKind::ALL {
        assert_eq!(k.as_str().parse::<OrgKind>().unwrap(), k);
    }
    assert!("trust".parse::<OrgKind>().is_err());
}

#[test]
fn entry_on_picks_the_kind_valid_on_the_date() {
    let h = hierarchy();
    let e = h.entry_on("14L", None, date!(2022 - 01 - 01)).unwrap();
    assert_eq!(e.kind, OrgKind::Ccg);
    let e = h.entry_on("14L", None, date!(2023 - 01 - 01)).unwrap();
    assert_eq!(e.kind, OrgKind::SubIcbLocation);
    assert!(
        h.entry_on("14L", Some(OrgKind::Ccg), date!(2023 - 01 - 01))
            .is_none()
    );
}

#[test]
fn a_region_oversees_the_icbs_linked_to_it_on_the_date() {
    use OrgKind::*;
    let (d22, end, d26) = (
        date!(2022 - 07 - 01),
        Some(date!(2026 - 03 - 31)),
        date!(2026 - 04 - 01),
    );
    let h = Hierarchy::new(
        [
            org("Y61", Region, date!(2020 - 04 - 01), None),
            org("QUE", Icb, d22, end),
            org("QHG", Icb, d22, end),
            org("S1Y5D", Icb, d26, None),
            org("QOP", Icb, d22, None),
            org("14L", SubIcbLocation, d22, None),
        ],
        [
            link("QUE", Icb, "Y61", d22, end),
            link("QHG", Icb, "Y61", d22, end),
            link("S1Y5D", Icb, "Y61", d26, None),
            link("QOP", Icb, "Y62", d22, None),
            link("14L", SubIcbLocation, "Y61", d22, None),
        ],
        [],
    );
    assert_eq!(
        h.icbs_of_region("Y61", date!(2026 - 03 - 31)),
        ["QHG", "QUE"]
    );
    assert_eq!(h.icbs_of_region("Y61", d26), ["S1Y5D"], "dated");
    assert_eq!(h.icbs_of_region("Y62", d26), ["QOP"]);
    assert!(h.icbs_of_region("Y56", d26).is_empty());
}
