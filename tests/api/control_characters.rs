//! Control characters (issue #13, item 4): a NUL answered 500 on PostgreSQL, which cannot store
//! or compare it, while SQLite stored it. Every text input, path and query value now refuses
//! them with a 4xx naming where, on both engines, and nothing is stored.

use serde_json::json;

use crate::both_backends;
use crate::cases::{NOTIFICATIONS, notification};
use crate::helpers::{first_field, problem, sql_count};

both_backends! {
    async fn a_control_character_in_a_notification_is_refused_naming_the_field(app) {
        for bad in ["Ann\u{0}", "Ann\u{1b}[31m", "Ann\u{85}", "Ann\u{7f}"] {
            let mut body = notification();
            body["person"]["given_name"] = json!(bad);
            let refused = problem(app.post_json(NOTIFICATIONS, &body).await, 422).await;
            assert_eq!(first_field(&refused), "person.given_name", "{bad:?}: {refused}");
            assert_eq!(refused["errors"][0]["code"], "control_character");
        }
        let mut body = notification();
        body["circumstances"] = json!("Died at home.\nFamily present.\tCalm.");
        let res = app.post_json(NOTIFICATIONS, &body).await;
        assert_eq!(res.status(), 201, "line breaks and tabs are free text");
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM reviews").await, 1);
    }

    async fn a_control_character_in_the_token_request_is_an_oauth_invalid_request(app) {
        let res = app
            .token_request(&[("grant_type", "password"), ("username", "ad\u{0}min"), ("password", "x")])
            .await;
        assert_eq!(res.status(), 400);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }

    async fn a_control_character_in_a_path_or_query_is_a_400_naming_it(app) {
        for path in ["/api/v1/organisations/Q%00P", "/api/v1/organisations/Q%1BOP", "/api/v1/reviews/a%00b"] {
            let body = problem(app.get(path).await, 400).await;
            assert_eq!(first_field(&body), "path", "{path}");
        }
        let body = problem(app.get("/api/v1/organisations?parent_code=Q%00P").await, 400).await;
        assert_eq!(first_field(&body), "parent_code");
        let (_, lead) = app.user("lead", &["ics_lead"], Some("QOP")).await;
        let body = problem(app.get_as("/api/v1/reviews?reference=LDR%00", &lead).await, 400).await;
        assert_eq!(first_field(&body), "reference");
    }
}
