//! Evidence over its life (issue 16): who was involved and what may be asked; an opt-out
//! erases a case's evidence; a withdrawn document stays until retention removes it; a crash
//! between writing an object and committing its row leaves no row without its object and the
//! sweep removes the orphan; nothing of a document reaches the national extract.

use std::process::Command;

use leder_api::cli::{Command as Cli, RetentionCommand, run_with};
use serde_json::json;

use crate::both_backends;
use crate::both_stores;
use crate::cases::{NOTIFICATIONS, staff};
use crate::evidence::{allocated_case, ask_the_practice, with_practice};
use crate::evidence_support::{Part, pdf, post_form, sha256};
use crate::helpers::{AUDIT_KEY, TestApp, json, problem, sql_count, sql_execute, today, ymd};
use crate::process::{LEDER, ServerProcess, server_env};

async fn evidence_rows(app: &TestApp, id: &str) -> i64 {
    let mut n = 0;
    for table in ["involved_organisations", "records_requests", "attachments"] {
        n += sql_count(
            app,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE review_id = '{id}'"),
        )
        .await;
    }
    n
}

both_backends! {
    async fn the_case_team_records_who_was_involved_and_asks_within_the_rules(app) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        let orgs = format!("/api/v1/reviews/{id}/organisations");
        let bad = problem(app.post_as(&orgs, &s.reviewer.token, &json!({"kind": "gp_practice", "ods_code": "8500M1"})).await, 422).await;
        assert_eq!(bad["errors"][0]["code"], "invalid_practice_code");
        let bad = problem(app.post_as(&orgs, &s.reviewer.token, &json!({"kind": "police"})).await, 422).await;
        assert_eq!(bad["errors"][0]["code"], "name_or_code_required");
        problem(app.post_as(&orgs, &s.reviewer.token, &json!({"kind": "hospice", "name": "x"})).await, 400).await;
        problem(app.post_as(&orgs, &s.qa.token, &json!({"kind": "coroner", "name": "HM Coroner"})).await, 403).await;
        problem(app.post_as(&orgs, &s.other_lead.token, &json!({"kind": "coroner", "name": "HM Coroner"})).await, 404).await;
        let trust = json(app.post_as(&orgs, &s.reviewer.token, &json!({"kind": "acute_trust", "ods_code": "rw3", "name": "Manchester University NHS FT"})).await, 201).await;
        assert_eq!(trust["ods_code"], "RW3");
        assert_eq!(trust["from_notification"], false);
        let listed = json(app.get_as(&orgs, &s.qa.token).await, 200).await;
        let practice = listed["items"][0]["id"].as_str().unwrap().to_owned();
        // The practice corrected: the format holds there too.
        let fix = format!("{orgs}/{practice}");
        let res = crate::helpers::patch_json(&app, &fix, &s.lead.token, None, &json!({"ods_code": "P84001"})).await;
        assert_eq!(json(res, 200).await["ods_code"], "P84001");
        let res = crate::helpers::patch_json(&app, &fix, &s.lead.token, None, &json!({"ods_code": "RW3"})).await;
        problem(res, 422).await;

        let asks = format!("/api/v1/reviews/{id}/records-requests");
        let ask = |org: &str, due: Option<String>, email: &str| {
            let mut b = json!({"organisation_id": org, "asked_for": "Discharge summaries", "contact_email": email});
            if let Some(d) = due { b["due_on"] = json!(d); }
            b
        };
        let yesterday = ymd(today() - time::Duration::days(1));
        let r = problem(app.post_as(&asks, &s.reviewer.token, &ask(&practice, Some(yesterday), "gp@nhs.net")).await, 422).await;
        assert_eq!(r["errors"][0]["field"], "due_on");
        let r = problem(app.post_as(&asks, &s.reviewer.token, &ask("no-such-organisation", None, "gp@nhs.net")).await, 422).await;
        assert_eq!(r["errors"][0]["field"], "organisation_id");
        problem(app.post_as(&asks, &s.reviewer.token, &ask(&practice, None, "not an address")).await, 422).await;
        problem(app.post_as(&asks, &s.qa.token, &ask(&practice, None, "gp@nhs.net")).await, 403).await;
        problem(app.post_as(&asks, &s.reviewer2.token, &ask(&practice, None, "gp@nhs.net")).await, 404).await;
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM records_requests").await, 0);
        let trust_id = trust["id"].as_str().unwrap();
        let due = ymd(today() + time::Duration::days(3));
        let made = json(app.post_as(&asks, &s.lead.token, &ask(trust_id, Some(due.clone()), "records@mft.nhs.uk")).await, 201).await;
        assert_eq!(made["request"]["organisation"]["kind"], "acute_trust");
        assert_eq!(made["request"]["due_on"], due.as_str());
        // Past its due date and still awaited: overdue.
        sql_execute(&app, &format!("UPDATE records_requests SET due_on = '{}' WHERE id = '{}'",
            ymd(today() - time::Duration::days(2)), made["request"]["id"].as_str().unwrap())).await;
        let list = json(app.get_as(&asks, &s.reviewer.token).await, 200).await;
        assert_eq!(list["items"][0]["overdue"], true);
        assert_eq!(list["items"][0]["status"], "requested");
        // A received request by hand emits review.records_received and is no longer overdue.
        let path = format!("{asks}/{}", made["request"]["id"].as_str().unwrap());
        let res = crate::helpers::patch_json(&app, &path, &s.reviewer.token, None, &json!({"status": "received"})).await;
        let done = json(res, 200).await;
        assert_eq!((done["status"].as_str(), done["overdue"].as_bool()), (Some("received"), Some(false)));
    }

    async fn an_opted_out_case_holds_no_evidence(app) {
        let s = staff(&app).await;
        let mut body = with_practice();
        body["person"]["national_data_opt_out"] = json!("not_known");
        let made = json(app.post_as(NOTIFICATIONS, &s.integration, &body).await, 201).await;
        let case = crate::cases::find(&app, &s.lead.token, made["reference"].as_str().unwrap()).await;
        let id = crate::cases::id_of(&case);
        let (_, link) = ask_the_practice(&app, &s.lead.token, &id).await;
        json(post_form(&app, &format!("/api/v1/reviews/{id}/attachments"), Some(&s.lead.token),
            &[Part::File("file", "referral.pdf", &pdf(3))]).await, 201).await;
        let folder = app.keys_dir.with_file_name("attachments").join("reviews").join(&id);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
        assert_eq!(evidence_rows(&app, &id).await, 3);
        let check = json!({"opted_out": true, "checked_on": ymd(today()), "source": "NDOP check"});
        json(app.post_as(&format!("/api/v1/reviews/{id}/opt-out-check"), &s.lead.token, &check).await, 200).await;
        assert_eq!(evidence_rows(&app, &id).await, 0);
        assert!(!folder.exists() || std::fs::read_dir(&folder).unwrap().count() == 0, "objects removed");
        problem(post_form(&app, &link, None, &[Part::File("file", "late.pdf", &pdf(4))]).await, 404).await;
        let orgs = json(app.get_as(&format!("/api/v1/reviews/{id}/organisations"), &s.lead.token).await, 200).await;
        assert_eq!(orgs["items"], json!([]));
        let refused = app.post_as(&format!("/api/v1/reviews/{id}/organisations"), &s.lead.token, &json!({"kind": "police", "name": "GMP"})).await;
        problem(refused, 409).await;
        problem(post_form(&app, &format!("/api/v1/reviews/{id}/attachments"), Some(&s.lead.token),
            &[Part::File("file", "again.pdf", &pdf(5))]).await, 409).await;
    }

    async fn a_withdrawn_document_stays_until_retention_removes_every_document(app) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        let docs = format!("/api/v1/reviews/{id}/attachments");
        let kept = json(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "a.pdf", &pdf(1))]).await, 201).await;
        json(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "b.pdf", &pdf(2))]).await, 201).await;
        json(app.post_as(&format!("/api/v1/attachments/{}/withdraw", kept["id"].as_str().unwrap()),
            &s.lead.token, &json!({"reason": "Duplicate"})).await, 200).await;
        let folder = app.keys_dir.with_file_name("attachments").join("reviews").join(&id);
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2, "withdrawn, still stored");
        // The case closed long ago: past its retention period.
        sql_execute(&app, &format!("UPDATE reviews SET status = 'completed', completed_on = '2001-01-01', \
            completed_at = '2001-01-01 12:00:00' WHERE id = '{id}'")).await;
        let mut config = leder_api::config::Config::from_lookup(|_| None).unwrap();
        config.database_url = app.database_url.clone();
        config.replica_id = "retention".into();
        config.pseudonym_key = Some("a-test-pseudonym-key-of-at-least-32-bytes".into());
        config.audit_key = Some(AUDIT_KEY.into());
        config.audit_checkpoint_file = Some(app.keys_dir.join("audit-checkpoints.ndjson"));
        config.evidence.storage_url = Some(app.keys_dir.with_file_name("attachments").display().to_string());
        let code = run_with(Cli::Retention { command: RetentionCommand::Run { dry_run: false } }, config).await;
        assert_eq!(code, std::process::ExitCode::SUCCESS);
        assert_eq!(sql_count(&app, &format!("SELECT COUNT(*) AS n FROM attachments WHERE review_id = '{id}'")).await, 0);
        assert!(!folder.exists() || std::fs::read_dir(&folder).unwrap().count() == 0, "documents removed");
    }
}

both_stores! {
    async fn a_crash_before_the_commit_leaves_an_orphan_that_the_sweep_removes(app, store) {
        let s = staff(&app).await;
        let id = allocated_case(&app, &s).await;
        let docs = format!("/api/v1/reviews/{id}/attachments");
        let committed = pdf(10);
        let kept = json(post_form(&app, &docs, Some(&s.reviewer.token), &[Part::File("file", "kept.pdf", &committed)]).await, 201).await;
        // A second server on the same database, keys and store, that dies between writing the
        // object and committing its row.
        let dir = app.keys_dir.parent().unwrap().to_owned();
        let mut env = server_env(&app.database_url, &dir);
        if let crate::evidence_support::Store::S3(_, url) = &store {
            env.push(("LEDER_STORAGE_URL".into(), url.clone()));
        } else {
            env.push(("LEDER_STORAGE_URL".into(), app.keys_dir.with_file_name("attachments").display().to_string()));
        }
        let mut crashing = env.clone();
        crashing.push(("LEDER_TEST_CRASH_BEFORE_ATTACHMENT_COMMIT".into(), "true".into()));
        let mut command = Command::new(LEDER);
        command.arg("serve").envs(crashing);
        let mut server = ServerProcess::start(command).await;
        let (content_type, body) = crate::evidence_support::form(&[Part::File("file", "lost.pdf", &pdf(11))]);
        let answer = server.client.post(server.url(&docs)).bearer_auth(&s.reviewer.token)
            .header("content-type", content_type).body(body).send().await;
        assert!(answer.is_err(), "the server died before answering: {answer:?}");
        server.kill();
        assert!(server.log().contains("aborting before the commit"), "{}", server.log());
        // No row without its object; one object without a row.
        assert_eq!(sql_count(&app, "SELECT COUNT(*) AS n FROM attachments").await, 1);
        let keys = store.keys(&app).await;
        assert_eq!(keys.len(), 2, "{keys:?}");
        let sweep = |minutes: &str| {
            let out = Command::new(LEDER).args(["storage", "sweep", "--older-than-minutes", minutes])
                .envs(env.clone()).output().unwrap();
            assert!(out.status.success(), "{}: {}{}", out.status, String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        // Too young to be an orphan yet: an upload may still be committing.
        assert!(sweep("60").contains("0 that no row named removed"));
        assert_eq!(store.keys(&app).await.len(), 2);
        let said = sweep("0");
        assert!(said.contains("1 that no row named removed"), "{said}");
        let doc_id = kept["id"].as_str().unwrap();
        assert_eq!(store.keys(&app).await, vec![format!("reviews/{id}/{doc_id}")]);
        let res = app.get_as(&format!("/api/v1/attachments/{doc_id}/content"), &s.reviewer.token).await;
        assert_eq!(sha256(&res.bytes().await.unwrap()), sha256(&committed));
        // Nothing of a document reaches the national extract.
        let (_, analyst) = app.user("nia.analyst", &["national_analyst"], None).await;
        let extract = app.get_as("/api/v1/national/extract?year=2026", &analyst).await.text().await.unwrap();
        assert!(!extract.contains(doc_id) && !extract.contains("kept.pdf") && !extract.contains(&sha256(&committed)));
    }
}
