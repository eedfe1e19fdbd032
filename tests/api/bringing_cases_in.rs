//! Bringing cases in (issue #19): intake by a lead or an ICS system with its source id, and the
//! national data opt-out check of a case whose notifier did not know.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{
    NOTIFICATIONS, act, act_ok, find, id_of, notification, notification_with, review, staff,
};
use crate::helpers::{json, problem, sql_count};

/// A notification from the QOP case system, with its own id for the case.
fn from_system(source_id: &str) -> Value {
    let mut body = notification();
    body["source"] = json!({"system": "qop-ics-hub", "id": source_id});
    body["notifying_organisation"] = json!("RRK");
    body["gp_practice"] = json!("m85001");
    body
}

both_backends! {
    async fn an_ics_system_that_repeats_a_source_id_gets_the_first_case_back(app) {
        let s = staff(&app).await;
        let body = from_system("case-0001");
        let first = app.post_as(NOTIFICATIONS, &s.integration, &body).await;
        let first = json(first, 201).await;
        // A retry, even with a changed body, answers the case the first made.
        let mut changed = body.clone();
        changed["circumstances"] = json!("Sent again after a timeout.");
        let again = json(app.post_as(NOTIFICATIONS, &s.integration, &changed).await, 200).await;
        assert_eq!(again, first);
        let stored = sql_count(
            &app,
            "SELECT COUNT(*) AS n FROM notifications WHERE source_system = 'qop-ics-hub' \
             AND source_id = 'case-0001' AND source_organisation = 'QOP' \
             AND notifying_organisation = 'RRK' AND gp_practice = 'M85001'",
        )
        .await;
        assert_eq!(stored, 1);
        // Eight at once, all new: one case, and every answer names it.
        let body = from_system("case-0002");
        let answers = futures_util::future::join_all(
            (0..8).map(|_| app.post_as(NOTIFICATIONS, &s.integration, &body)),
        )
        .await;
        let mut references = Vec::new();
        let mut created = 0;
        for res in answers {
            let status = res.status().as_u16();
            assert!(status == 201 || status == 200, "{status}");
            created += usize::from(status == 201);
            references.push(json(res, status).await["reference"].clone());
        }
        assert_eq!(created, 1);
        references.dedup();
        assert_eq!(references.len(), 1, "{references:?}");
        assert_eq!(
            sql_count(&app, "SELECT COUNT(*) AS n FROM notifications WHERE source_id = 'case-0002'").await,
            1
        );
        let reference = references[0].as_str().expect("reference");
        assert_eq!(
            sql_count(
                &app,
                &format!("SELECT COUNT(*) AS n FROM reviews WHERE reference = '{reference}'")
            )
            .await,
            1
        );
        // The lead's own system id space is the lead's ICB's: the same id from another ICB's
        // system is another case.
        let (_, _, other_system) = app.machine_client("QE1").await;
        let mut elsewhere = from_system("case-0001");
        elsewhere["person"]["family_name"] = json!("Elsewhere-Person");
        let other = json(app.post_as(NOTIFICATIONS, &other_system, &elsewhere).await, 201).await;
        assert_ne!(other["reference"], first["reference"]);
    }

    async fn professional_facts_are_refused_from_the_public_and_other_roles(app) {
        let s = staff(&app).await;
        let body = from_system("case-0003");
        let refused = problem(app.post_json(NOTIFICATIONS, &body).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "source", "{refused}");
        assert_eq!(refused["errors"][0]["code"], "professional_only");
        let mut practice_only = notification();
        practice_only["gp_practice"] = json!("M85001");
        let refused = problem(app.post_json(NOTIFICATIONS, &practice_only).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "gp_practice");
        // A token that does not verify is never taken for the public.
        let res = app.post_as(NOTIFICATIONS, "not-a-token", &notification()).await;
        problem(res, 401).await;
        // A reviewer is not a notifying system.
        problem(app.post_as(NOTIFICATIONS, &s.reviewer.token, &body).await, 403).await;
        // Formats, named.
        let mut bad = from_system("case-0004");
        bad["gp_practice"] = json!("8500M1");
        let refused = problem(app.post_as(NOTIFICATIONS, &s.lead.token, &bad).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "gp_practice");
        let mut bad = from_system("case-0004");
        bad["source"]["id"] = json!("");
        let refused = problem(app.post_as(NOTIFICATIONS, &s.lead.token, &bad).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "source.id", "{refused}");
        assert_eq!(
            sql_count(&app, "SELECT COUNT(*) AS n FROM notifications WHERE source_id IS NOT NULL").await,
            0
        );
        // The lead's own notification is audited as the lead's.
        let made = json(app.post_as(NOTIFICATIONS, &s.lead.token, &from_system("case-0005")).await, 201).await;
        let case = find(&app, &s.lead.token, made["reference"].as_str().expect("reference")).await;
        let audited = sql_count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'notify' AND actor_id = '{}' \
                 AND subject = 'review:{}'",
                s.lead.id,
                id_of(&case)
            ),
        )
        .await;
        assert_eq!(audited, 1);
    }

    async fn a_case_with_an_unknown_opt_out_is_allocated_only_once_checked(app) {
        let s = staff(&app).await;
        let body = notification_with(json!({"national_data_opt_out": "not_known"}));
        let reference = crate::cases::notify(&app, &body).await;
        let case = find(&app, &s.lead.token, &reference).await;
        let id = id_of(&case);
        assert_eq!(case["opt_out_check"]["status"], "needed", "{case}");
        let allocate = json!({"action": "allocate", "reviewer_id": s.reviewer.id});
        let refused = problem(act(&app, &s.lead.token, &id, allocate.clone()).await, 409).await;
        assert!(
            refused["detail"].as_str().unwrap_or_default().contains("opt-out"),
            "{refused}"
        );
        // Refusals before the rule: another ICB's lead (404), a reviewer or the QA panel (403),
        // a check dated tomorrow (422).
        let path = format!("/api/v1/reviews/{id}/opt-out-check");
        let check = json!({"opted_out": false, "checked_on": crate::helpers::ymd(crate::helpers::today()), "source": "NDOP check"});
        problem(app.post_as(&path, &s.other_lead.token, &check).await, 404).await;
        problem(app.post_as(&path, &s.qa.token, &check).await, 403).await;
        let tomorrow = crate::helpers::today().next_day().expect("a tomorrow");
        let mut late = check.clone();
        late["checked_on"] = json!(crate::helpers::ymd(tomorrow));
        let refused = problem(app.post_as(&path, &s.lead.token, &late).await, 422).await;
        assert_eq!(refused["errors"][0]["field"], "checked_on");
        // The ICS system records a negative check; allocation goes on.
        let checked = json(app.post_as(&path, &s.integration, &check).await, 200).await;
        assert_eq!(checked["opt_out_check"]["status"], "checked");
        assert_eq!(checked["opt_out_check"]["opted_out"], false);
        assert_eq!(checked["opt_out_check"]["source"], "NDOP check");
        let allocated = act_ok(&app, &s.lead.token, &id, allocate).await;
        assert_eq!(allocated["status"], "allocated");
        // Past allocation the check is refused (409).
        problem(app.post_as(&path, &s.lead.token, &check).await, 409).await;
        // A yes/no answer (or the first release's boolean) needs no check.
        let known = crate::cases::new_case(&app, &s.lead.token, &notification_with(json!({"national_data_opt_out": "no"}))).await;
        assert_eq!(known["opt_out_check"]["status"], "not_needed");
        let unanswered = {
            let mut body = notification();
            body["person"].as_object_mut().expect("person").remove("national_data_opt_out");
            crate::cases::new_case(&app, &s.lead.token, &body).await
        };
        assert_eq!(unanswered["opt_out_check"]["status"], "needed");
    }

    async fn a_positive_opt_out_check_erases_the_person_everywhere_and_is_audited(app) {
        let s = staff(&app).await;
        let mut body = notification_with(json!({"national_data_opt_out": "not_known", "nhs_number": "9434765919"}));
        body["person"]["given_name"] = json!("Zebedee");
        let reference = crate::cases::notify(&app, &body).await;
        let id = id_of(&find(&app, &s.lead.token, &reference).await);
        let path = format!("/api/v1/reviews/{id}/opt-out-check");
        let check = json!({"opted_out": true, "checked_on": crate::helpers::ymd(crate::helpers::today()), "source": "NDOP check"});
        let closed = json(app.post_as(&path, &s.lead.token, &check).await, 200).await;
        assert_eq!(closed["status"], "opted_out");
        assert_eq!(closed["person"], Value::Null, "{closed}");
        assert_eq!(closed["eligibility"]["outcome"], "opted_out");
        let (read, _) = review(&app, &s.lead.token, &id).await;
        assert_eq!(read["person"], Value::Null);
        // Nothing identifiable stays in any table or feed.
        for sql in [
            "SELECT COUNT(*) AS n FROM reviews WHERE given_name IS NOT NULL OR nhs_number IS NOT NULL \
             OR identity_key IS NOT NULL OR date_of_birth IS NOT NULL",
            "SELECT COUNT(*) AS n FROM notifications WHERE person_json IS NOT NULL \
             OR notifier_json IS NOT NULL OR circumstances IS NOT NULL",
            "SELECT COUNT(*) AS n FROM events WHERE data LIKE '%Zebedee%' OR data LIKE '%9434765919%'",
        ] {
            assert_eq!(sql_count(&app, sql).await, 0, "{sql}");
        }
        let feed = json(app.get_as("/api/v1/events", &s.integration).await, 200).await;
        let types: Vec<&str> = feed["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["type"].as_str())
            .collect();
        assert_eq!(
            types,
            ["review.created", "review.opt_out_checked", "review.status_changed"]
        );
        let audited = sql_count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'opt_out_check' AND actor_id = '{}' \
                 AND subject = 'review:{id}'",
                s.lead.id
            ),
        )
        .await;
        assert_eq!(audited, 1);
        // The same person notified again makes a new case (nothing is left to match), which
        // a check will close in turn.
        let again = crate::cases::notify(&app, &body).await;
        assert_ne!(again, reference);
    }
}
