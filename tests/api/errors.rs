//! Every error class leaves as RFC 9457 problem+json, never a 5xx for bad input.

use serde_json::json;

use crate::both_backends;
use crate::helpers::{TestApp, first_field, problem};

const RESOLVE: &str = "/api/v1/organisations/resolve";

both_backends! {
    async fn malformed_json_is_a_400_about_the_body(app) {
        let res = app
            .client
            .post(app.url(RESOLVE))
            .header("content-type", "application/json")
            .body(r#"{"area_code": "QOP""#)
            .send()
            .await
            .unwrap();
        let body = problem(res, 400).await;
        assert_eq!(first_field(&body), "body");
        assert_eq!(body["errors"][0]["code"], "malformed_json");
    }

    async fn a_value_of_the_wrong_json_type_is_a_400_naming_the_field(app) {
        let body = problem(app.post_json(RESOLVE, &json!({"area_code": 14})).await, 400).await;
        assert_eq!(first_field(&body), "area_code");
        assert_eq!(body["errors"][0]["code"], "invalid_type");
    }

    async fn a_missing_field_is_a_400_naming_the_field(app) {
        let body = problem(app.post_json(RESOLVE, &json!({"date": "2025-01-01"})).await, 400).await;
        assert_eq!(first_field(&body), "area_code");
        assert_eq!(body["errors"][0]["code"], "required");
    }

    async fn an_unknown_field_is_a_400_naming_the_field(app) {
        let body = problem(app.post_json(RESOLVE, &json!({"area_code": "QOP", "colour": "red"})).await, 400).await;
        assert_eq!(first_field(&body), "colour");
    }

    async fn a_bad_date_in_a_body_is_a_400_naming_the_field(app) {
        let body = problem(app.post_json(RESOLVE, &json!({"area_code": "QOP", "date": "2025-02-30"})).await, 400).await;
        assert_eq!(first_field(&body), "date");
    }

    async fn a_body_that_is_not_json_is_a_415(app) {
        let res = app
            .client
            .post(app.url(RESOLVE))
            .header("content-type", "text/plain")
            .body("area_code=QOP")
            .send()
            .await
            .unwrap();
        problem(res, 415).await;
        let res = app.client.post(app.url(RESOLVE)).body("{}").send().await.unwrap();
        problem(res, 415).await;
    }

    async fn a_rule_broken_by_a_well_formed_body_is_a_422_naming_the_field(app) {
        let body = problem(app.post_json(RESOLVE, &json!({"area_code": "ZZZ"})).await, 422).await;
        assert_eq!(first_field(&body), "area_code");
        assert_eq!(body["errors"][0]["code"], "unknown_area_code");
        let body = problem(app.post_json(RESOLVE, &json!({"area_code": "X"})).await, 422).await;
        assert_eq!(first_field(&body), "area_code");
        assert_eq!(body["errors"][0]["code"], "length");
    }

    async fn an_unknown_route_is_a_404_problem(app) {
        let body = problem(app.get("/api/v1/nothing-here").await, 404).await;
        assert_eq!(body["type"], "/problems/not-found");
    }

    async fn a_wrong_method_is_a_405_problem_with_allow(app) {
        let res = app.client.delete(app.url("/api/v1/organisations/QOP")).send().await.unwrap();
        assert_eq!(res.headers()["allow"], "GET");
        problem(res, 405).await;
        let res = app.client.get(app.url(RESOLVE)).send().await.unwrap();
        // GET /organisations/resolve is the organisation with code RESOLVE: there is none.
        problem(res, 404).await;
        let res = app.client.put(app.url("/api/v1/organisations")).send().await.unwrap();
        problem(res, 405).await;
    }

    async fn options_on_a_concrete_path_lists_only_the_methods_the_contract_gives_it(app) {
        // `/organisations/resolve` is not an `/organisations/{code}`: POST only, as in the spec.
        let res = app.client.request(reqwest::Method::OPTIONS, app.url(RESOLVE)).send().await.unwrap();
        assert_eq!(res.headers()["allow"], "POST");
        problem(res, 405).await;
    }

    async fn a_bad_query_parameter_is_a_400_naming_it(app) {
        for (query, field) in [
            ("kind=trust", "kind"),
            ("valid_on=2025-13-01", "valid_on"),
            ("limit=0", "limit"),
            ("limit=201", "limit"),
            ("limit=ten", "limit"),
            ("cursor=%21%21", "cursor"),
            ("colour=red", "colour"),
            ("kind=icb&kind=ccg", "kind"),
            // Empty is not absent: the contract gives every parameter `minLength: 1`.
            ("valid_on=", "valid_on"),
            ("kind=&limit=5", "kind"),
            // Control characters are refused in every query value.
            ("parent_code=Q%01P", "parent_code"),
            ("parent_code=Q%C2%85P", "parent_code"),
        ] {
            let body = problem(app.get(&format!("/api/v1/organisations?{query}")).await, 400).await;
            assert_eq!(first_field(&body), field, "{query}: {body}");
        }
    }

    async fn every_list_refuses_what_it_does_not_declare_and_names_it(app) {
        let (_, lead) = app.user("lead", &["ics_lead"], Some("QOP")).await;
        let (_, analyst) = app.user("analyst", &["national_analyst"], None).await;
        let admin = app.admin_token().await;
        let lists = [
            ("/api/v1/reviews", &lead),
            ("/api/v1/learning", &lead),
            ("/api/v1/organisations/QOP/actions", &lead),
            ("/api/v1/organisations/QOP/meetings", &lead),
            ("/api/v1/events", &lead),
            ("/api/v1/users", &admin),
            ("/api/v1/clients", &admin),
            ("/api/v1/national/records?year=2025", &analyst),
            ("/api/v1/national/statistics?year=2025", &analyst),
            ("/api/v1/organisations/QOP/reports/annual?year=2025", &lead),
        ];
        for (path, token) in lists {
            let join = if path.contains('?') { '&' } else { '?' };
            let body = problem(app.get_as(&format!("{path}{join}colour=red"), token).await, 400).await;
            assert_eq!(first_field(&body), "colour", "{path}: {body}");
            assert_eq!(body["errors"][0]["code"], "unknown_parameter", "{path}");
            if !path.contains("national") && !path.contains("annual") {
                let body = problem(app.get_as(&format!("{path}{join}limit=201"), token).await, 400).await;
                assert_eq!(first_field(&body), "limit", "{path}: {body}");
            }
        }
        for (query, field) in [
            ("status=closed", "status"),
            ("review_type=deep", "review_type"),
            ("overdue=maybe", "overdue"),
            ("notified_from=2025-02-30", "notified_from"),
            ("cursor=bm90IGEgY3Vyc29y", "cursor"),
            ("reviewer_id=a%0Ab", "reviewer_id"),
        ] {
            let body = problem(app.get_as(&format!("/api/v1/reviews?{query}"), &lead).await, 400).await;
            assert_eq!(first_field(&body), field, "{query}: {body}");
        }
        let body = problem(app.get_as("/api/v1/national/statistics?year=2025&by=shoe_size", &analyst).await, 400).await;
        assert_eq!(first_field(&body), "by");
        let body = problem(app.get_as("/api/v1/national/statistics", &analyst).await, 400).await;
        assert_eq!(first_field(&body), "year");
        assert_eq!(body["errors"][0]["code"], "required");
    }

    async fn a_body_over_the_limit_is_a_413(app, |c| c.body_limit = 2048) {
        let big = "x".repeat(4096);
        let res = app.post_json(RESOLVE, &json!({"area_code": big})).await;
        problem(res, 413).await;
        // Just under the limit is read (and then judged on its content).
        let res = app.post_json(RESOLVE, &json!({"area_code": "x".repeat(1500)})).await;
        problem(res, 422).await;
    }
}

#[actix_web::test]
async fn the_default_body_limit_is_one_mebibyte() {
    let app = TestApp::sqlite().await;
    let res = app
        .post_json(RESOLVE, &json!({"area_code": "x".repeat(1024 * 1024)}))
        .await;
    problem(res, 413).await;
    let res = app
        .post_json(RESOLVE, &json!({"area_code": "x".repeat(1000 * 1000)}))
        .await;
    problem(res, 422).await;
}

mod idempotency_of_other_posts {
    use serde_json::json;

    use crate::both_backends;
    use crate::helpers::{json, problem};

    both_backends! {
        async fn a_retried_post_with_the_same_key_replays_the_first_answer(app) {
            let admin = app.admin_token().await;
            let body = json!({"username": "idem.user", "display_name": "I", "roles": ["reviewer"],
                              "organisation": "QOP", "password": crate::helpers::USER_PASSWORD});
            let send = |b: serde_json::Value| {
                app.client
                    .post(app.url("/api/v1/users"))
                    .bearer_auth(&admin)
                    .header("idempotency-key", "create-idem-user")
                    .json(&b)
                    .send()
            };
            let first = send(body.clone()).await.unwrap();
            assert!(first.headers().get("idempotent-replayed").is_none());
            let first = json(first, 201).await;
            let again = send(body.clone()).await.unwrap();
            assert_eq!(again.headers()["idempotent-replayed"], "true");
            assert_eq!(json(again, 201).await, first);
            // Only one user was made.
            let users = json(app.get_as("/api/v1/users?organisation=QOP", &admin).await, 200).await;
            assert_eq!(users["items"].as_array().unwrap().len(), 1);
            let mut other = body.clone();
            other["display_name"] = json!("Someone else");
            let p = problem(send(other).await.unwrap(), 422).await;
            assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
        }

        async fn a_malformed_key_is_a_400_naming_the_header_and_nothing_is_made(app) {
            let admin = app.admin_token().await;
            let long = "k".repeat(256);
            for key in [&b"caf\xc3\xa9"[..], long.as_bytes()] {
                let res = app
                    .client
                    .post(app.url("/api/v1/clients"))
                    .bearer_auth(&admin)
                    .header("idempotency-key", reqwest::header::HeaderValue::from_bytes(key).unwrap())
                    .json(&json!({"name": "case system", "organisation": "QOP"}))
                    .send()
                    .await
                    .unwrap();
                let p = problem(res, 400).await;
                assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
                assert_eq!(p["errors"][0]["code"], "invalid_idempotency_key");
            }
            let clients = json(app.get_as("/api/v1/clients", &admin).await, 200).await;
            assert_eq!(clients["items"].as_array().unwrap().len(), 0);
        }

        async fn a_replayed_key_of_a_post_that_answered_a_secret_is_a_conflict(app) {
            let admin = app.admin_token().await;
            let send = || {
                app.client
                    .post(app.url("/api/v1/clients"))
                    .bearer_auth(&admin)
                    .header("idempotency-key", "client-1")
                    .json(&json!({"name": "case system", "organisation": "QOP"}))
                    .send()
            };
            json(send().await.unwrap(), 201).await;
            problem(send().await.unwrap(), 409).await;
        }
    }
}
