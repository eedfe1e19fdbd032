//! Tests of `query`.
use super::*;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Filters {
    #[serde(default, with = "crate::dto::wire::option")]
    status: Option<leder_domain::workflow::Stage>,
    overdue: Option<bool>,
    #[serde(default, deserialize_with = "date")]
    from: Option<Date>,
    year: Option<Year>,
}

fn refusal(e: ApiError) -> (String, String) {
    match e {
        ApiError::BadRequest { errors, .. } => (errors[0].field.clone(), errors[0].code.clone()),
        other => panic!("unexpected {other:?}"),
    }
}

fn list(q: &str) -> Result<Listed<Filters>, ApiError> {
    Listed::parse(q)
}

#[test]
fn a_list_query_parses_into_its_filters_and_page() {
    let l = list("status=in_review&overdue=true&from=2025-02-03&year=2025&limit=5").unwrap();
    assert_eq!(
        l.filter.status,
        Some(leder_domain::workflow::Stage::InReview)
    );
    assert_eq!(l.filter.overdue, Some(true));
    assert_eq!(l.filter.from, Some(time::macros::date!(2025 - 02 - 03)));
    assert_eq!(l.filter.year.map(|y| y.0), Some(2025));
    assert_eq!((l.page.size(), l.page.fetch()), (5, 6));
    assert_eq!(list("").unwrap().page.size(), 50);
}

#[test]
fn every_bad_parameter_is_named() {
    let cases = [
        ("colour=red", "colour", "unknown_parameter"),
        ("status=nope", "status", "invalid_parameter"),
        ("overdue=yes", "overdue", "invalid_parameter"),
        ("from=2025-13-01", "from", "invalid_parameter"),
        ("year=1999", "year", "invalid_parameter"),
        ("limit=0", "limit", "invalid_parameter"),
        ("limit=201", "limit", "invalid_parameter"),
        ("limit=x", "limit", "invalid_parameter"),
        ("status=", "status", "empty_parameter"),
        (
            "overdue=true&overdue=false",
            "overdue",
            "repeated_parameter",
        ),
        ("status=a%00b", "status", "control_character"),
    ];
    for (q, field, code) in cases {
        let e = list(q).map(|_| ()).unwrap_err();
        assert_eq!(refusal(e), (field.to_owned(), code.to_owned()), "{q}");
    }
}

#[test]
fn cursors_round_trip_and_garbage_is_refused() {
    let key = ("QOP".to_owned(), 7_i64);
    let page = list(&format!("cursor={}", encode_cursor(&key)))
        .unwrap()
        .page;
    assert_eq!(page.after::<(String, i64)>().unwrap(), Some(key));
    assert!(page.after::<(String, String, String)>().is_err());
    assert!(page.after::<(String, Date)>().is_err());
    assert!(list("cursor=!!!").unwrap().page.after::<String>().is_err());
}

#[test]
fn finish_trims_to_the_page_and_points_after_its_last_row() {
    let page = list("limit=2").unwrap().page;
    let mut rows = vec![1_i64, 2, 3];
    let next = page.finish(&mut rows, |r| *r);
    assert_eq!(rows, vec![1, 2]);
    assert_eq!(decode_cursor::<i64>(&next.unwrap()).unwrap(), 2);
    let mut short = vec![1_i64, 2];
    assert_eq!(page.finish(&mut short, |r| *r), None);
}

#[test]
fn the_contract_states_the_cursor_pattern_the_parser_uses() {
    let params = Page::into_params(|| None);
    let cursor = params.iter().find(|p| p.name == "cursor").unwrap();
    let json = serde_json::to_value(cursor).unwrap();
    assert_eq!(json["schema"]["pattern"], CURSOR_PATTERN);
}
