//! Organisations: the dated hierarchy, its filters, paging and the responsible-body rule.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, json, problem};

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn all_pages(app: &TestApp, query: &str, limit: usize) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut url = format!("/api/v1/organisations?{query}&limit={limit}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = json(app.get(&url).await, 200).await;
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
    panic!("paging did not end");
}

both_backends! {
    async fn forty_two_icbs_were_valid_on_2025_01_01_and_thirty_six_from_2026_04_01(app) {
        let page = json(app.get("/api/v1/organisations?kind=icb&valid_on=2025-01-01&limit=200").await, 200).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 42);
        assert!(page["next_cursor"].is_null());
        let page = json(app.get("/api/v1/organisations?kind=icb&valid_on=2026-04-01&limit=200").await, 200).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 36);
        let before = json(app.get("/api/v1/organisations?kind=icb&valid_on=2026-03-31&limit=200").await, 200).await;
        assert_eq!(before["items"].as_array().unwrap().len(), 42);
        // Today (after 2026-04-01) by default.
        let today = json(app.get("/api/v1/organisations?kind=icb&limit=200").await, 200).await;
        assert_eq!(today["items"].as_array().unwrap().len(), 36);
        let c = codes(&today);
        assert!(c.contains(&"S1Y5D".to_owned()) && !c.contains(&"QUE".to_owned()));
    }

    async fn an_icb_carries_its_region_and_its_fields(app) {
        let page = json(app.get("/api/v1/organisations?kind=icb&valid_on=2025-01-01&limit=200").await, 200).await;
        let qop = page["items"].as_array().unwrap().iter().find(|o| o["code"] == "QOP").unwrap().clone();
        assert_eq!(qop["name"], "NHS Greater Manchester Integrated Care Board");
        assert_eq!(qop["kind"], "icb");
        assert_eq!(qop["valid_from"], "2022-07-01");
        assert!(qop["valid_to"].is_null());
        assert_eq!(qop["parent_code"], "Y62");
    }

    async fn paging_walks_every_icb_once_in_code_order(app) {
        let items = all_pages(&app, "kind=icb&valid_on=2025-01-01", 10).await;
        let c: Vec<String> = items.iter().map(|o| o["code"].as_str().unwrap().to_owned()).collect();
        assert_eq!(c.len(), 42);
        let mut sorted = c.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(c, sorted, "in order and without repeats");
    }

    async fn paging_across_kinds_keeps_a_ccg_and_its_sub_icb_location_apart(app) {
        // On 2022-07-01 no CCG is valid; on 2022-06-30 no sub-ICB location is.
        let items = all_pages(&app, "valid_on=2022-06-30", 7).await;
        assert!(items.iter().all(|o| o["kind"] != "sub_icb_location"));
        assert_eq!(items.iter().filter(|o| o["kind"] == "ccg").count(), 106);
        let page = json(app.get("/api/v1/organisations?kind=ccg&valid_on=2022-07-01").await, 200).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 0);
        assert!(page["next_cursor"].is_null());
    }

    async fn parent_code_filters_children_on_the_date(app) {
        let page = json(app.get("/api/v1/organisations?parent_code=QOP&valid_on=2025-01-01").await, 200).await;
        assert_eq!(
            codes(&page),
            ["00T", "00V", "00Y", "01D", "01G", "01W", "01Y", "02A", "02H", "14L"]
        );
        let page = json(app.get("/api/v1/organisations?parent_code=QM7&valid_on=2025-05-01").await, 200).await;
        assert_eq!(codes(&page), ["06K", "06N", "07H"]);
        let page = json(app.get("/api/v1/organisations?parent_code=S1Y5D&valid_on=2026-05-01").await, 200).await;
        assert_eq!(codes(&page), ["06H", "06K", "06N", "M1J4Y"]);
        let page = json(app.get("/api/v1/organisations?parent_code=Y61&kind=icb&valid_on=2026-05-01").await, 200).await;
        assert_eq!(codes(&page), ["D7T5G", "S1Y5D", "T6Y0W"]);
    }

    async fn a_sub_icb_location_that_moved_shows_the_parent_of_the_date(app) {
        let before = json(app.get("/api/v1/organisations/06K?valid_on=2025-05-01").await, 200).await;
        assert_eq!(before["parent_code"], "QM7");
        let after = json(app.get("/api/v1/organisations/06K?valid_on=2026-05-01").await, 200).await;
        assert_eq!(after["parent_code"], "S1Y5D");
        let parents: Vec<(String, Value)> = after["parents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["code"].as_str().unwrap().to_owned(), p["valid_to"].clone()))
            .collect();
        assert_eq!(parents, [("QM7".to_owned(), json!("2026-03-31")), ("S1Y5D".to_owned(), Value::Null)]);
    }

    async fn a_code_that_was_a_ccg_and_is_a_sub_icb_location_is_two_entries(app) {
        let old = json(app.get("/api/v1/organisations/14L?valid_on=2022-01-01").await, 200).await;
        assert_eq!(old["kind"], "ccg");
        assert_eq!(old["name"], "NHS Manchester CCG");
        let now = json(app.get("/api/v1/organisations/14L").await, 200).await;
        assert_eq!(now["kind"], "sub_icb_location");
        assert_eq!(now["parent_code"], "QOP");
        let ccg = json(app.get("/api/v1/organisations/14L?kind=ccg").await, 200).await;
        assert_eq!(ccg["kind"], "ccg");
        assert_eq!(ccg["valid_to"], "2022-06-30");
        assert_eq!(ccg["successors"][0]["code"], "QOP");
    }

    async fn a_dissolved_icb_is_found_with_its_successor(app) {
        let que = json(app.get("/api/v1/organisations/QUE").await, 200).await;
        assert_eq!(que["valid_to"], "2026-03-31");
        assert_eq!(que["successors"], json!([{"code": "S1Y5D", "kind": "icb", "effective": "2026-04-01", "share": "whole"}]));
        let new = json(app.get("/api/v1/organisations/S1Y5D").await, 200).await;
        let preds: Vec<&str> = new["predecessors"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
        assert_eq!(preds, ["QHG", "QM7", "QUE"]);
    }

    async fn an_unknown_code_or_kind_is_a_404(app) {
        problem(app.get("/api/v1/organisations/ZZZ").await, 404).await;
        problem(app.get("/api/v1/organisations/QOP?kind=ccg").await, 404).await;
    }

    async fn the_responsible_icb_follows_the_dated_hierarchy(app) {
        let cases = [
            ("06K", "2025-05-01", "QM7", Some("06K")),
            ("06K", "2026-05-01", "S1Y5D", Some("06K")),
            ("14L", "2023-01-01", "QOP", Some("14L")),
            ("QUE", "2026-03-31", "QUE", None),
            ("QUE", "2026-05-01", "S1Y5D", None),
            ("qop", "2025-01-01", "QOP", None),
        ];
        for (code, on, icb, sub) in cases {
            let body = json(
                app.post_json("/api/v1/organisations/resolve", &json!({"area_code": code, "date": on})).await,
                200,
            )
            .await;
            assert_eq!(body["icb"]["code"], icb, "{code} on {on}: {body}");
            assert_eq!(body["sub_icb_location"]["code"].as_str(), sub, "{code} on {on}");
            assert!(body["icb"]["name"].as_str().unwrap().starts_with("NHS "));
        }
    }

    async fn a_split_icb_must_be_named_by_its_sub_icb_location(app) {
        let body = problem(
            app.post_json("/api/v1/organisations/resolve", &json!({"area_code": "QM7", "date": "2026-05-01"})).await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "area_code");
        assert_eq!(body["errors"][0]["code"], "area_split_name_sub_icb_location");
        let region = problem(
            app.post_json("/api/v1/organisations/resolve", &json!({"area_code": "Y61", "date": "2026-05-01"})).await,
            422,
        )
        .await;
        assert_eq!(region["errors"][0]["code"], "not_a_responsible_body");
    }

    async fn a_newer_reference_set_adds_and_ends_rows_without_touching_history(app) {
        use leder_persistence::reference::{ReferenceFiles, import};
        let mut files = ReferenceFiles::shipped();
        // The next reorganisation: QOP ends on 2027-03-31 and a new ICB takes over.
        files.organisations = files.organisations.replace(
            "QOP,NHS Greater Manchester Integrated Care Board,icb,2022-07-01,,",
            "QOP,NHS Greater Manchester Integrated Care Board,icb,2022-07-01,2027-03-31,",
        );
        files.organisations.push_str("X1Y2Z,NHS Test Future Integrated Care Board,icb,2027-04-01,,,test\n");
        files.successors.push_str("QOP,icb,X1Y2Z,icb,2027-04-01,whole,test\n");
        let pool = app.pool().clone();
        let summary = tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            import(&mut conn, &files, "test").unwrap()
        })
        .await
        .unwrap();
        assert_eq!((summary.added, summary.updated), (2, 1), "{summary:?}");
        let qop = json(app.get("/api/v1/organisations/QOP?valid_on=2025-01-01").await, 200).await;
        assert_eq!(qop["valid_to"], "2027-03-31");
        assert_eq!(qop["successors"][0]["code"], "X1Y2Z");
        let later = json(app.get("/api/v1/organisations?kind=icb&valid_on=2027-04-01&limit=200").await, 200).await;
        let c = codes(&later);
        assert!(c.contains(&"X1Y2Z".to_owned()) && !c.contains(&"QOP".to_owned()));
        // History is kept: 2025 still has its 42 ICBs.
        let page = json(app.get("/api/v1/organisations?kind=icb&valid_on=2025-01-01&limit=200").await, 200).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 42);
        let body = json(
            app.post_json("/api/v1/organisations/resolve", &json!({"area_code": "14L", "date": "2027-05-01"})).await,
            200,
        )
        .await;
        // 14L's own parent link did not move, so it still resolves through it.
        assert_eq!(body["icb"]["code"], "QOP");
    }
}
