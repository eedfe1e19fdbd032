//! The audit trail: entries for reads, changes and sign-ins; a verifiable hash chain.

use diesel::RunQueryDsl;
use leder_persistence::repo::audit::{AuditKey, Checkpoint, VerifyReport, verify};

use crate::both_backends;
use crate::helpers::{AUDIT_KEY, TestApp, json, problem};

async fn entries(app: &TestApp, token: &str, subject: &str) -> Vec<serde_json::Value> {
    let page = json(
        app.get_as(&format!("/api/v1/audit?subject={subject}"), token)
            .await,
        200,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}

fn key() -> AuditKey {
    AuditKey::new(AUDIT_KEY.as_bytes()).unwrap()
}

async fn verify_now(app: &TestApp) -> VerifyReport {
    verify_against(app, None).await
}

async fn verify_against(app: &TestApp, anchor: Option<Checkpoint>) -> VerifyReport {
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        verify(&mut pool.get().unwrap(), &key(), anchor.as_ref()).unwrap()
    })
    .await
    .unwrap()
}

/// Runs SQL as someone who can write to the database would; `Err` when the database refuses.
async fn tamper(app: &TestApp, sql: &str) -> Result<usize, String> {
    let (pool, sql) = (app.pool().clone(), sql.to_owned());
    tokio::task::spawn_blocking(move || {
        diesel::sql_query(sql)
            .execute(&mut *pool.get().unwrap())
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap()
}

/// What an attacker with the database's owner role does first: drop the append-only triggers.
async fn drop_guards(app: &TestApp) {
    let drops: &[&str] = match app.backend() {
        crate::helpers::Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        crate::helpers::Backend::Postgres => &[
            "DROP TRIGGER audit_log_no_update_or_delete ON audit_log",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
        ],
    };
    for sql in drops {
        tamper(app, sql).await.unwrap();
    }
}

/// A checkpoint of the app's trail now, through the server's own code (as `leder audit
/// checkpoint` takes it), and read back from its file.
async fn checkpoint_now(app: &TestApp) -> Checkpoint {
    let pool = app.pool().clone();
    let file = app.keys_dir.join("audit-checkpoints.ndjson");
    tokio::task::spawn_blocking(move || {
        leder_api::audit::checkpoint::take(&mut pool.get().unwrap(), &key(), &file).unwrap();
        leder_api::audit::checkpoint::latest(&file, &key())
            .unwrap()
            .expect("a checkpoint")
    })
    .await
    .unwrap()
}

/// Rewrites chain `test` from entry `from` on as someone without the key would: each entry
/// re-hashed with plain SHA-256 (or with `other_key`), linked, and the head moved to match.
async fn rehash_from(app: &TestApp, from: i64, other_key: Option<AuditKey>) {
    use diesel::prelude::*;
    use leder_persistence::repo::audit::{NewAuditEntry, entry_hash, entry_mac};
    use leder_persistence::schema::{audit_chains, audit_log};
    /// The columns of an entry that its hash covers, read straight from the table.
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = audit_log)]
    struct AuditRow {
        seq: i64,
        occurred_at: time::PrimitiveDateTime,
        actor_kind: String,
        actor_id: Option<String>,
        actor_roles: String,
        actor_organisation: Option<String>,
        method: String,
        route: String,
        action: String,
        subject: Option<String>,
        subject_organisation: Option<String>,
        outcome: String,
        client_address: Option<String>,
        hash: String,
    }
    let pool = app.pool().clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::chain_id.eq("test"))
            .order(audit_log::seq.asc())
            .select(AuditRow::as_select())
            .load(&mut *conn)
            .unwrap();
        let mut prev = rows[usize::try_from(from).unwrap() - 2].hash.clone();
        for row in rows.into_iter().filter(|r| r.seq >= from) {
            let e = NewAuditEntry {
                occurred_at: row.occurred_at,
                actor_kind: row.actor_kind,
                actor_id: row.actor_id,
                actor_roles: row.actor_roles,
                actor_organisation: row.actor_organisation,
                method: row.method,
                route: row.route,
                action: row.action,
                subject: row.subject,
                subject_organisation: row.subject_organisation,
                outcome: if row.seq == from {
                    "denied".into()
                } else {
                    row.outcome
                },
                client_address: row.client_address,
            };
            let hash = match &other_key {
                None => entry_hash("test", row.seq, &prev, &e),
                Some(k) => entry_mac(k, "test", row.seq, &prev, &e),
            };
            diesel::update(audit_log::table.find(("test", row.seq)))
                .set((
                    audit_log::outcome.eq(&e.outcome),
                    audit_log::prev_hash.eq(&prev),
                    audit_log::hash.eq(&hash),
                    audit_log::keyed.eq(other_key.is_some()),
                ))
                .execute(&mut *conn)
                .unwrap();
            prev = hash;
        }
        diesel::update(audit_chains::table.find("test"))
            .set(audit_chains::last_hash.eq(&prev))
            .execute(&mut *conn)
            .unwrap();
    })
    .await
    .unwrap();
}

async fn some_trail(app: &TestApp) {
    let (id, _) = app.user("trail", &["reviewer"], Some("QOP")).await;
    let admin = app.admin_token().await;
    for _ in 0..5 {
        json(
            app.get_as(&format!("/api/v1/users/{id}"), &admin).await,
            200,
        )
        .await;
    }
}

both_backends! {
    async fn reads_changes_and_sign_ins_are_audited(app) {
        let (id, _) = app.user("audrey", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        let subject = format!("user:{id}");
        let items = entries(&app, &admin, &subject).await;
        let actions: Vec<(&str, &str)> = items
            .iter()
            .map(|e| (e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
            .collect();
        // Created by the admin, then audrey signed in (the helper takes a token), then read.
        assert_eq!(actions, [("create", "success"), ("sign_in", "success"), ("read", "success")]);
        let read = &items[2];
        assert_eq!(read["route"], "/api/v1/users/{id}");
        assert_eq!(read["method"], "GET");
        assert_eq!(read["actor_roles"], serde_json::json!(["admin"]));
        assert_eq!(read["client_address"], "127.0.0.1");
        // A failed sign-in is recorded against the account too.
        app.token_request(&[("grant_type", "password"), ("username", "audrey"), ("password", "wrong")]).await;
        let items = entries(&app, &admin, &subject).await;
        assert!(items.iter().any(|e| e["action"] == "sign_in" && e["outcome"] == "failure"));
        // Reading the trail is itself audited.
        assert!(items.iter().any(|e| e["action"] == "read_audit"));
    }

    async fn a_lead_sees_the_trail_of_their_own_icb_only(app) {
        let (mine, _) = app.user("mine", &["reviewer"], Some("QOP")).await;
        let (theirs, _) = app.user("theirs", &["reviewer"], Some("QE1")).await;
        let (_, lead) = app.user("lead", &["ics_lead"], Some("QOP")).await;
        let trail = entries(&app, &lead, &format!("user:{mine}")).await;
        let actions: Vec<&str> = trail.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "sign_in"], "{trail:?}");
        problem(app.get_as(&format!("/api/v1/audit?subject=user:{theirs}"), &lead).await, 404).await;
        problem(app.get_as("/api/v1/audit?subject=user:nobody", &lead).await, 404).await;
        let (_, qa) = app.user("qa.panel", &["qa_panel"], Some("QOP")).await;
        problem(app.get_as(&format!("/api/v1/audit?subject=user:{mine}"), &qa).await, 403).await;
        let admin = app.admin_token().await;
        problem(app.get_as("/api/v1/audit", &admin).await, 400).await;
    }

    async fn the_chain_verifies_and_breaks_when_a_row_is_altered(app) {
        let (id, _) = app.user("chain", &["reviewer"], Some("QOP")).await;
        let admin = app.admin_token().await;
        for _ in 0..5 {
            json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        }
        let report = verify_now(&app).await;
        assert!(report.broken.is_none(), "{report:?}");
        // The user's creation, three sign-ins (the admin twice, the user once), each with the
        // session it began, and five reads.
        assert_eq!(report.entries, 12, "{report:?}");
        drop_guards(&app).await;
        tamper(&app, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3").await.unwrap();
        let report = verify_now(&app).await;
        let broken = report.broken.expect("the altered row breaks the chain");
        assert_eq!(broken.seq, 3);
        assert_eq!(report.entries, 2);
    }

    async fn a_deleted_row_breaks_the_chain(app) {
        let admin = app.admin_token().await;
        let (id, _) = app.user("gone", &["reviewer"], Some("QOP")).await;
        json(app.get_as(&format!("/api/v1/users/{id}"), &admin).await, 200).await;
        drop_guards(&app).await;
        tamper(&app, "DELETE FROM audit_log WHERE seq = 2").await.unwrap();
        let broken = verify_now(&app).await.broken.expect("broken");
        assert_eq!(broken.seq, 2);
    }

    // Issue #13, item 7: the trail held only against naive edits. Each scenario below passed
    // `leder audit verify` before the trail was keyed and anchored outside the database.

    async fn the_database_itself_refuses_to_change_or_delete_an_entry(app) {
        some_trail(&app).await;
        let refused = tamper(&app, "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3").await;
        assert!(refused.unwrap_err().contains("append-only"));
        let refused = tamper(&app, "DELETE FROM audit_log").await;
        assert!(refused.unwrap_err().contains("append-only"));
        if app.backend() == crate::helpers::Backend::Postgres {
            let refused = tamper(&app, "TRUNCATE audit_log").await;
            assert!(refused.unwrap_err().contains("append-only"));
        }
        assert!(verify_now(&app).await.broken.is_none());
    }

    async fn entries_rewritten_and_rehashed_without_the_key_are_found(app) {
        some_trail(&app).await;
        drop_guards(&app).await;
        // Plain SHA-256, as the trail was hashed before it was keyed.
        rehash_from(&app, 3, None).await;
        let broken = verify_now(&app).await.broken.expect("a plain entry after keyed ones");
        assert_eq!((broken.seq, broken.reason.contains("plain entry")), (3, true), "{broken:?}");
        // Keyed, but with a key that is not the trail's.
        rehash_from(&app, 3, Some(AuditKey::new(&[7u8; 32]).unwrap())).await;
        let broken = verify_now(&app).await.broken.expect("a foreign key");
        assert_eq!(broken.seq, 3, "{broken:?}");
    }

    async fn a_whole_chain_rewritten_in_plain_is_found_against_the_checkpoint(app) {
        some_trail(&app).await;
        let anchor = checkpoint_now(&app).await;
        drop_guards(&app).await;
        rehash_from(&app, 2, None).await;
        tamper(&app, "UPDATE audit_log SET keyed = FALSE WHERE seq = 1").await.unwrap();
        let broken = verify_against(&app, Some(anchor)).await.broken.expect("found");
        assert_eq!(broken.seq, 1, "{broken:?}");
    }

    async fn a_chain_truncated_and_rewound_passes_alone_but_not_against_the_checkpoint(app) {
        some_trail(&app).await;
        let anchor = checkpoint_now(&app).await;
        drop_guards(&app).await;
        // Keep entries 1 to 4 and move the head back to the fourth: consistent in itself.
        tamper(&app, "DELETE FROM audit_log WHERE seq > 4").await.unwrap();
        tamper(
            &app,
            "UPDATE audit_chains SET last_seq = 4, last_hash = \
             (SELECT hash FROM audit_log WHERE chain_id = 'test' AND seq = 4) WHERE chain_id = 'test'",
        )
        .await
        .unwrap();
        assert!(verify_now(&app).await.broken.is_none(), "the database alone cannot tell");
        let broken = verify_against(&app, Some(anchor)).await.broken.expect("rewound");
        assert!(broken.reason.contains("shorter than at the last checkpoint"), "{broken:?}");
    }

    async fn every_entry_and_head_deleted_is_found_against_the_checkpoint(app) {
        some_trail(&app).await;
        let anchor = checkpoint_now(&app).await;
        drop_guards(&app).await;
        tamper(&app, "DELETE FROM audit_log").await.unwrap();
        tamper(&app, "DELETE FROM audit_chains").await.unwrap();
        let broken = verify_against(&app, Some(anchor)).await.broken.expect("gone");
        assert!(broken.reason.contains("chain is missing"), "{broken:?}");
    }

    async fn a_checkpoint_file_altered_or_sealed_with_another_key_is_refused(app) {
        some_trail(&app).await;
        let anchor = checkpoint_now(&app).await;
        let file = app.keys_dir.join("audit-checkpoints.ndjson");
        let mut forged = anchor.clone();
        forged.chains[0].last_seq -= 3;
        std::fs::write(&file, format!("{}\n{}\n", anchor.to_line(), forged.to_line())).unwrap();
        let refused = leder_api::audit::checkpoint::latest(&file, &key()).unwrap_err();
        assert!(refused.contains("line 2"), "{refused}");
        let other = AuditKey::new(&[9u8; 32]).unwrap();
        std::fs::write(&file, format!("{}\n", anchor.to_line())).unwrap();
        assert!(leder_api::audit::checkpoint::latest(&file, &other).is_err());
        assert_eq!(leder_api::audit::checkpoint::latest(&file, &key()).unwrap(), Some(anchor));
    }
}
