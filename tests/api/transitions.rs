//! Every cell of DOMAIN.md's stage × action table, through the API: the allowed cells move the
//! case where the table says; every other cell is a 409 for someone the table names, a 403 for
//! any other role and a 404 for anyone out of scope, in that order of precedence, and a refusal
//! changes nothing.

use serde_json::{Value, json};

use crate::both_backends;
use crate::cases::{STAGES, Staff, act, at_stage, cdr_outcome, person, review, staff};
use crate::helpers::TestApp;

const CDR: &str = "record_child_death_review_outcome";

const ACTIONS: [&str; 10] = [
    "allocate", "start", "escalate", "submit", "return", "approve", "sign_off", "hold", "resume",
    CDR,
];

/// DOMAIN.md's table: the stage an action leads to from a stage, or `None` where it is not allowed.
/// (`at_stage` holds cases from `allocated`, so `resume` goes back there.)
fn allowed(stage: &str, action: &str) -> Option<&'static str> {
    Some(match (stage, action) {
        ("awaiting_allocation" | "allocated", "allocate") => "allocated",
        ("in_review", "allocate") => "in_review",
        ("allocated", "start") => "in_review",
        ("allocated", "escalate") => "allocated",
        ("in_review", "escalate") => "in_review",
        ("in_review", "submit") => "awaiting_qa",
        ("awaiting_qa", "return") => "in_review",
        ("awaiting_qa", "approve") => "awaiting_sign_off",
        ("awaiting_sign_off", "sign_off") => "completed",
        (
            "awaiting_allocation" | "allocated" | "in_review" | "awaiting_qa" | "awaiting_sign_off",
            "hold",
        ) => "on_hold",
        ("on_hold", "resume") => "allocated",
        ("referred_to_child_death_review", CDR) => "completed",
        _ => return None,
    })
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    /// The reviewer `at_stage` allocates cases to.
    Reviewer,
    Qa,
    Integration,
    Admin,
    Analyst,
}

/// Stages at which the fixture's reviewer is allocated to the case.
fn reviewer_allocated(stage: &str) -> bool {
    !matches!(
        stage,
        "awaiting_allocation" | "not_eligible" | "opted_out" | "referred_to_child_death_review"
    )
}

/// The role the table names for an action (the lead where it is "allocated reviewer or lead").
fn named(action: &str) -> Role {
    match action {
        "start" | "submit" => Role::Reviewer,
        "return" | "approve" => Role::Qa,
        _ => Role::Lead,
    }
}

/// Roles the table does not name for an action.
fn not_named(action: &str, stage: &str) -> Vec<Role> {
    let mut roles = vec![Role::Integration, Role::Admin, Role::Analyst];
    roles.extend(match action {
        "allocate" | "sign_off" | CDR => &[Role::Qa, Role::Reviewer][..],
        "start" | "submit" => &[Role::Lead, Role::Qa][..],
        "escalate" | "hold" | "resume" => &[Role::Qa][..],
        _ => &[Role::Lead, Role::Reviewer][..],
    });
    // A reviewer sees only the cases allocated to them; elsewhere they are out of scope.
    roles.retain(|r| *r != Role::Reviewer || reviewer_allocated(stage));
    roles
}

struct Cast {
    s: Staff,
    admin: String,
    analyst: String,
}

impl Cast {
    fn token(&self, role: Role) -> &str {
        match role {
            Role::Lead => &self.s.lead.token,
            Role::Reviewer => &self.s.reviewer.token,
            Role::Qa => &self.s.qa.token,
            Role::Integration => &self.s.integration,
            Role::Admin => &self.admin,
            Role::Analyst => &self.analyst,
        }
    }
}

async fn cast(app: &TestApp) -> Cast {
    let (_, analyst) = app.user("ann.analyst", &["national_analyst"], None).await;
    Cast {
        s: staff(app).await,
        admin: app.admin_token().await,
        analyst,
    }
}

/// A request for `action` that satisfies the action's own rule.
async fn attempt(
    app: &TestApp,
    s: &Staff,
    token: &str,
    id: &str,
    action: &str,
) -> reqwest::Response {
    let body = match action {
        CDR => {
            let path = format!("/api/v1/reviews/{id}/child-death-review-outcome");
            return app.post_as(&path, token, &cdr_outcome()).await;
        }
        "allocate" => {
            json!({"action": "allocate", "reviewer_id": s.reviewer2.id, "reason": "Rory is on leave"})
        }
        "escalate" => {
            json!({"action": "escalate", "reason": "The family raised concerns about hospital care"})
        }
        "return" => json!({"action": "return", "comment": "Please add the GP's view"}),
        "hold" => json!({"action": "hold", "reason": "coroner_inquest"}),
        other => json!({"action": other}),
    };
    act(app, token, id, body).await
}

/// Asserts a problem+json answer with this status, naming the cell when it is not.
async fn refused(res: reqwest::Response, status: u16, cell: &str) -> Value {
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let actual = res.status().as_u16();
    let text = res.text().await.unwrap();
    assert_eq!(actual, status, "{cell}: {text}");
    assert_eq!(content_type, "application/problem+json", "{cell}");
    let mut body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["status"], status, "{cell}: {body}");
    body.as_object_mut().unwrap().remove("instance");
    body
}

/// One case at each stage, and its state to compare against after the refusals.
async fn probes(app: &TestApp, c: &Cast) -> Vec<(&'static str, String, Value)> {
    let mut out = Vec::new();
    for stage in STAGES {
        let id = at_stage(app, &c.s, stage).await;
        let (before, _) = review(app, &c.s.lead.token, &id).await;
        assert_eq!(before["status"], stage);
        out.push((stage, id, before));
    }
    out
}

/// Asserts that no probe moved or changed.
async fn unchanged(app: &TestApp, c: &Cast, probes: &[(&str, String, Value)]) {
    for (stage, id, before) in probes {
        let (after, _) = review(app, &c.s.lead.token, id).await;
        assert_eq!(after["status"], *stage);
        assert_eq!(
            after["version"], before["version"],
            "a refusal changed the {stage} case"
        );
        assert_eq!(after["reviewer_id"], before["reviewer_id"]);
        assert_eq!(after["review_type"], before["review_type"]);
    }
}

both_backends! {
    async fn every_allowed_cell_moves_the_case_where_the_table_says(app) {
        let c = cast(&app).await;
        let mut cells = 0;
        for stage in STAGES {
            for action in ACTIONS {
                let Some(to) = allowed(stage, action) else { continue };
                cells += 1;
                let id = at_stage(&app, &c.s, stage).await;
                let res = attempt(&app, &c.s, c.token(named(action)), &id, action).await;
                let text = res.text().await.unwrap();
                let moved: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{stage} × {action}: {text}"));
                assert_eq!(moved["status"], to, "{stage} × {action}: {moved}");
                assert_eq!(moved["id"], id.as_str());
                match action {
                    "allocate" => assert_eq!(moved["reviewer_id"], c.s.reviewer2.id),
                    "escalate" => {
                        assert_eq!(moved["review_type"], "focused");
                        assert_eq!(moved["focused_reasons"], json!(["reviewer_concern"]));
                    }
                    "hold" => {
                        assert_eq!(moved["hold"]["reason"], "coroner_inquest");
                        assert_eq!(moved["hold"]["since"], crate::helpers::ymd(crate::helpers::today()));
                    }
                    "resume" => assert_eq!(moved["hold"], Value::Null),
                    _ => {}
                }
                let (read, _) = review(&app, &c.s.lead.token, &id).await;
                assert_eq!(read["status"], to, "{stage} × {action} was not stored");
            }
        }
        assert_eq!(cells, 17);
    }

    async fn every_other_cell_is_a_conflict_for_the_role_the_table_names_and_changes_nothing(app) {
        let c = cast(&app).await;
        let probes = probes(&app, &c).await;
        let mut conflicts = 0;
        for (stage, id, _) in &probes {
            for action in ACTIONS {
                if allowed(stage, action).is_some() {
                    continue;
                }
                let role = named(action);
                let res = attempt(&app, &c.s, c.token(role), id, action).await;
                let cell = format!("{stage} × {action} by {role:?}");
                if role == Role::Reviewer && !reviewer_allocated(stage) {
                    // No reviewer is allocated, so no reviewer can see the case; and the lead's
                    // role may not do this: the role refusal comes before the stage's.
                    refused(res, 404, &cell).await;
                    let res = attempt(&app, &c.s, c.token(Role::Lead), id, action).await;
                    refused(res, 403, &format!("{stage} × {action} by the lead")).await;
                } else {
                    let body = refused(res, 409, &cell).await;
                    assert!(body["detail"].is_string());
                    conflicts += 1;
                }
            }
        }
        // 10 stages × 10 actions, less the 17 allowed cells and the 8 where the reviewer the
        // table names is out of scope (no reviewer is allocated yet).
        assert_eq!(conflicts, 75);
        unchanged(&app, &c, &probes).await;
    }

    async fn a_role_the_table_does_not_name_gets_403_whatever_the_stage(app) {
        let c = cast(&app).await;
        let probes = probes(&app, &c).await;
        for (stage, id, _) in &probes {
            for action in ACTIONS {
                for role in not_named(action, stage) {
                    let res = attempt(&app, &c.s, c.token(role), id, action).await;
                    refused(res, 403, &format!("{stage} × {action} by {role:?}")).await;
                }
            }
        }
        unchanged(&app, &c, &probes).await;
    }

    async fn out_of_scope_is_a_404_before_role_or_stage_and_looks_like_a_missing_case(app) {
        let c = cast(&app).await;
        let probes = probes(&app, &c).await;
        let other_qa = person(&app, "otto.qa", &["qa_panel"], "QE1").await;
        let missing = uuid::Uuid::now_v7().to_string();
        let mut not_there = Vec::new();
        for action in ACTIONS {
            let res = attempt(&app, &c.s, &c.s.lead.token, &missing, action).await;
            not_there.push(refused(res, 404, &format!("{action} on a missing id")).await);
        }
        let outsiders = [
            ("the lead of another ICB", c.s.other_lead.token.clone()),
            ("the QA panel of another ICB", other_qa.token.clone()),
            ("a reviewer the case is not allocated to", c.s.reviewer2.token.clone()),
        ];
        for (stage, id, _) in &probes {
            for (action, not_there) in ACTIONS.iter().zip(&not_there) {
                for (who, token) in &outsiders {
                    let res = attempt(&app, &c.s, token, id, action).await;
                    let body = refused(res, 404, &format!("{stage} × {action} by {who}")).await;
                    assert_eq!(&body, not_there, "{stage} × {action} by {who}");
                }
            }
            // Reading is out of scope in the same way.
            for (who, token) in &outsiders {
                let res = app.get_as(&format!("/api/v1/reviews/{id}"), token).await;
                let body = refused(res, 404, &format!("reading the {stage} case as {who}")).await;
                assert_eq!(body["status"], 404);
            }
        }
        unchanged(&app, &c, &probes).await;
    }
}
