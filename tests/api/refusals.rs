//! Refused attempts are audited against what was tried, a bounded number per caller a minute
//! (then one `rate_limited` entry), so that a case's or an ICB's lead sees who tried to reach
//! it: on the routes of one thing, on an ICB's lists, through a list's filters, and wherever a
//! role may not do what it asked.

use serde_json::Value;

use crate::both_backends;
use crate::cases::{id_of, new_case, notification};
use crate::helpers::{TestApp, json, problem, sql_count};

async fn refusals(app: &TestApp, lead: &str, review: &str) -> Vec<Value> {
    refusals_of(app, lead, &format!("review:{review}")).await
}

async fn refusals_of(app: &TestApp, reader: &str, subject: &str) -> Vec<Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject={subject}"), reader)
            .await,
        200,
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "refused")
        .cloned()
        .collect()
}

both_backends! {
    async fn a_refused_attempt_on_a_review_is_audited_a_bounded_number_of_times(app) {
        let (_, lead) = app.user("case.lead", &["ics_lead"], Some("QOP")).await;
        let review = id_of(&new_case(&app, &lead, &notification()).await);
        let (outsider_id, outsider) = app.user("elsewhere", &["ics_lead"], Some("QE1")).await;
        let (analyst_id, analyst) = app.user("analyst", &["national_analyst"], None).await;
        problem(app.get_as(&format!("/api/v1/reviews/{review}"), &outsider).await, 404).await;
        let history = format!("/api/v1/reviews/{review}/history");
        let refused = app.get_as(&history, &analyst).await.status().as_u16();
        assert!(matches!(refused, 403 | 404), "{refused}");
        // An anonymous probe has no actor to record.
        problem(app.get(&format!("/api/v1/reviews/{review}")).await, 401).await;
        let seen = refusals(&app, &lead, &review).await;
        let who: Vec<(&str, &str, &str)> = seen
            .iter()
            .map(|e| {
                (
                    e["actor_id"].as_str().unwrap(),
                    e["action"].as_str().unwrap(),
                    e["route"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            who,
            [
                (outsider_id.as_str(), "refused", "/api/v1/reviews/{id}"),
                (analyst_id.as_str(), "refused", "/api/v1/reviews/{id}/history"),
            ]
        );
        // Walking the same case over and over is recorded up to the minute's budget.
        for _ in 0..40 {
            problem(app.get_as(&format!("/api/v1/reviews/{review}"), &outsider).await, 404).await;
        }
        let from_outsider = refusals(&app, &lead, &review)
            .await
            .iter()
            .filter(|e| e["actor_id"] == outsider_id.as_str())
            .count();
        assert_eq!(from_outsider, 30);
        // The first refusal past the budget says that more went unrecorded; no more follow.
        let page = json(app.get_as(&format!("/api/v1/audit?subject=review:{review}"), &lead).await, 200).await;
        let limited: Vec<&Value> = page["items"].as_array().unwrap().iter()
            .filter(|e| e["outcome"] == "rate_limited").collect();
        assert_eq!(limited.len(), 1, "{page}");
        assert_eq!(limited[0]["actor_id"], outsider_id.as_str());
        assert_eq!(limited[0]["action"], "refused");
    }

    async fn a_refused_attempt_on_an_action_or_a_user_is_audited_too(app) {
        let (_, lead) = app.user("plan.lead", &["ics_lead"], Some("QOP")).await;
        let body = serde_json::json!({
            "title": "Repeat swallowing assessments after every admission",
            "outcome_measure": "95% within 7 days", "owner": "Community team",
            "due_date": crate::helpers::ymd(crate::helpers::today())
        });
        let action = json(app.post_as("/api/v1/organisations/QOP/actions", &lead, &body).await, 201).await;
        let action = action["id"].as_str().unwrap().to_owned();
        let (outsider_id, outsider) = app.user("other.lead", &["ics_lead"], Some("QE1")).await;
        problem(app.get_as(&format!("/api/v1/actions/{action}"), &outsider).await, 404).await;
        let seen = refusals_of(&app, &lead, &format!("action:{action}")).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0]["actor_id"], outsider_id.as_str());
        assert_eq!(seen[0]["route"], "/api/v1/actions/{id}");
        // A lead reading an account (an admin's business) is refused, and the admin sees it.
        let (subject_id, _) = app.user("someone", &["reviewer"], Some("QOP")).await;
        problem(app.get_as(&format!("/api/v1/users/{subject_id}"), &lead).await, 403).await;
        let admin = app.admin_token().await;
        let seen = refusals_of(&app, &admin, &format!("user:{subject_id}")).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0]["route"], "/api/v1/users/{id}");
    }
}

/// How many `refused` entries name `actor` on `route`, read from the database (an entry with
/// no subject is no ICB's to read through the API).
async fn refused_on(app: &TestApp, actor: &str, route: &str) -> i64 {
    sql_count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'refused' AND outcome = 'refused' \
             AND actor_id = '{actor}' AND route = '{route}'"
        ),
    )
    .await
}

both_backends! {
    async fn refused_attempts_on_an_icbs_lists_are_audited_against_that_icb(app) {
        let (_, lead) = app.user("qop.lead", &["ics_lead"], Some("QOP")).await;
        let (other_id, other) = app.user("qe1.lead", &["ics_lead"], Some("QE1")).await;
        let (reviewer_id, reviewer) = app.user("qe1.reviewer", &["reviewer"], Some("QE1")).await;
        // QE1's lead tries QOP's lists, by path and by filter.
        for path in ["/api/v1/organisations/QOP/actions", "/api/v1/organisations/qop/meetings",
                     "/api/v1/organisations/QOP/reports/annual?year=2025"] {
            problem(app.get_as(path, &other).await, 404).await;
        }
        let page = json(app.get_as("/api/v1/reviews?organisation=QOP", &other).await, 200).await;
        assert_eq!(page["items"], serde_json::json!([]), "the filter finds nothing of QOP");
        problem(app.get_as("/api/v1/audit?subject=organisation:QOP", &other).await, 404).await;
        // QOP's lead sees every attempt, against QOP.
        let seen = refusals_of(&app, &lead, "organisation:QOP").await;
        let routes: Vec<(&str, &str)> = seen
            .iter()
            .map(|e| (e["actor_id"].as_str().unwrap(), e["route"].as_str().unwrap()))
            .collect();
        assert_eq!(
            routes,
            [
                (other_id.as_str(), "/api/v1/organisations/{code}/actions"),
                (other_id.as_str(), "/api/v1/organisations/{code}/meetings"),
                (other_id.as_str(), "/api/v1/organisations/{code}/reports/annual"),
                (other_id.as_str(), "/api/v1/reviews"),
                (other_id.as_str(), "/api/v1/audit"),
            ]
        );
        // QE1's lead reads none of it, and their own lists are no refusal.
        problem(app.get_as("/api/v1/audit?subject=organisation:QOP", &other).await, 404).await;
        json(app.get_as("/api/v1/reviews?organisation=QE1", &other).await, 200).await;
        json(app.get_as("/api/v1/organisations/QE1/actions", &other).await, 200).await;
        assert_eq!(refusals_of(&app, &other, "organisation:QE1").await.len(), 0);
        // A reviewer asking for another reviewer's cases is refused the same way.
        json(app.get_as(&format!("/api/v1/reviews?reviewer_id={other_id}"), &reviewer).await, 200).await;
        json(app.get_as(&format!("/api/v1/reviews?reviewer_id={reviewer_id}"), &reviewer).await, 200).await;
        let admin = app.admin_token().await;
        let about = refusals_of(&app, &admin, &format!("user:{other_id}")).await;
        assert_eq!(about.len(), 1, "{about:?}");
        assert_eq!(about[0]["actor_id"], reviewer_id.as_str());
    }

    async fn a_role_refused_a_list_is_audited(app) {
        let (lead_id, lead) = app.user("qop.lead", &["ics_lead"], Some("QOP")).await;
        let (analyst_id, analyst) = app.user("analyst", &["national_analyst"], None).await;
        let admin = app.admin_token().await;
        let admin_id = json(app.get_as("/api/v1/me", &admin).await, 200).await["id"].as_str().unwrap().to_owned();
        problem(app.get_as("/api/v1/reviews", &admin).await, 403).await;
        problem(app.get_as("/api/v1/users", &lead).await, 403).await;
        problem(app.get_as("/api/v1/learning", &analyst).await, 403).await;
        problem(app.get_as("/api/v1/national/statistics?year=2025", &lead).await, 403).await;
        assert_eq!(refused_on(&app, &admin_id, "/api/v1/reviews").await, 1);
        assert_eq!(refused_on(&app, &lead_id, "/api/v1/users").await, 1);
        assert_eq!(refused_on(&app, &analyst_id, "/api/v1/learning").await, 1);
        assert_eq!(refused_on(&app, &lead_id, "/api/v1/national/statistics").await, 1);
        // What a role may do is no refusal.
        json(app.get_as("/api/v1/reviews", &lead).await, 200).await;
        assert_eq!(refused_on(&app, &lead_id, "/api/v1/reviews").await, 0);
    }
}
