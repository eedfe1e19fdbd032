//! The authorisation matrix: every operation in the OpenAPI document × every role × a subject
//! in and out of the caller's ICB, asserting what API.md allows. An operation missing from
//! [`expectation`] fails the test, so each new route must say who may use it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{ADMIN_PASSWORD, TestApp, USER_PASSWORD, json};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Analyst,
    Lead,
    Qa,
    Reviewer,
    Integration,
}

const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::Admin,
    Who::Analyst,
    Who::Lead,
    Who::Qa,
    Who::Reviewer,
    Who::Integration,
];

/// Whether the subject lies in the caller's ICB (QOP) or another (QE1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Mine,
    Other,
}

/// What must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Success,
    Unauthorized,
    Forbidden,
    NotFound,
}

/// The rule for each operation. `None`: the operation is missing from the matrix.
fn expectation(op: &str, who: Who, scope: Scope) -> Option<Expect> {
    use Expect::*;
    let signed_in = |e: Expect| {
        if who == Who::Anonymous {
            Unauthorized
        } else {
            e
        }
    };
    let admin_only = signed_in(if who == Who::Admin {
        Success
    } else {
        Forbidden
    });
    // Case data: never for the admin or an analyst; out of the caller's scope it does not exist.
    let case = |allowed: &[Who]| match who {
        Who::Admin | Who::Analyst => Forbidden,
        _ if scope == Scope::Other => NotFound,
        w if allowed.contains(&w) => Success,
        _ => Forbidden,
    };
    Some(match op {
        "metrics" => signed_in(Success),
        "healthz" | "readyz" | "jwks" | "issue_token" | "list_organisations"
        | "get_organisation" | "resolve_area_code" => Success,
        "get_me" => signed_in(Success),
        // Signing in (issue 18): the OAuth endpoints are public; sessions are people's.
        "authorize" | "submit_sign_in" | "revoke_token" | "server_metadata" => Success,
        // Public too; this server federates with no OpenID provider, so it has no callback.
        "federated_callback" => NotFound,
        "list_sessions" | "sign_out" => signed_in(if who == Who::Integration {
            Forbidden
        } else {
            Success
        }),
        // One's own session, or anyone's for an admin; another's is as if it did not exist.
        "revoke_session" => signed_in(match who {
            Who::Integration => Forbidden,
            Who::Admin => Success,
            _ if scope == Scope::Other => NotFound,
            _ => Success,
        }),
        "change_password" => signed_in(if who == Who::Integration {
            Forbidden
        } else {
            Success
        }),
        "create_user" | "list_users" | "get_user" | "update_user" | "create_client"
        | "list_clients" | "revoke_client" => admin_only,
        "list_audit" => signed_in(match who {
            Who::Admin => Success,
            Who::Lead if scope == Scope::Mine => Success,
            Who::Lead => NotFound,
            _ => Forbidden,
        }),
        "create_notification" | "list_themes" => Success,
        "transfer_reviews" => admin_only,
        "import_reviews" => admin_only,
        // An information-governance act over any ICB's case: the admin only, both ICBs alike.
        "set_legal_hold" | "lift_legal_hold" => admin_only,
        // The feed is the caller's own ICB's, so scope does not change the answer.
        "create_webhook" | "list_webhooks" => signed_in(match who {
            Who::Lead | Who::Integration => Success,
            _ => Forbidden,
        }),
        "delete_webhook" | "resume_webhook" | "list_deliveries" => signed_in(match who {
            Who::Lead | Who::Integration if scope == Scope::Mine => Success,
            Who::Lead | Who::Integration => NotFound,
            _ => Forbidden,
        }),
        "list_events" => signed_in(match who {
            Who::Lead | Who::Integration => Success,
            _ => Forbidden,
        }),
        "list_reviews" => signed_in(match who {
            Who::Admin | Who::Analyst => Forbidden,
            _ => Success,
        }),
        // Reading a case: its ICB's lead, QA panel and case system, and its reviewer.
        "get_review" | "review_history" | "list_learning" => {
            signed_in(case(&[Who::Lead, Who::Qa, Who::Integration, Who::Reviewer]))
        }
        // Changing a case: the lead and the allocated reviewer (the subject is in review).
        "update_findings" | "correct_person" | "transition_review" | "add_learning" => {
            signed_in(case(&[Who::Lead, Who::Reviewer]))
        }
        // Regional oversight (issue 17): the coordinator of the ICB's region escalates (no ICB
        // role may); the case team and the coordinator read the escalations.
        "record_escalation" => signed_in(case(&[])),
        // An ICB's dashboard: its lead and QA panel, and admins for every ICB.
        "dashboard" => signed_in(match who {
            Who::Admin => Success,
            Who::Lead | Who::Qa if scope == Scope::Mine => Success,
            Who::Lead | Who::Qa => NotFound,
            _ => Forbidden,
        }),
        "list_escalations" => {
            signed_in(case(&[Who::Lead, Who::Qa, Who::Integration, Who::Reviewer]))
        }
        // A case referred to the Child Death Review has no reviewer: only the lead sees and acts.
        "record_child_death_review_outcome" => signed_in(match who {
            Who::Reviewer if scope == Scope::Mine => NotFound,
            _ => case(&[Who::Lead]),
        }),
        // The opt-out check before allocation: the lead and the ICB's case system. An
        // unallocated case is not the reviewer's to see.
        "record_opt_out_check" => signed_in(match who {
            Who::Reviewer if scope == Scope::Mine => NotFound,
            _ => case(&[Who::Lead, Who::Integration]),
        }),
        // Learning into action (issue 6): contacts are public to read; the rest is the ICB's.
        "get_contacts" => Success,
        "replace_contacts" => signed_in(match who {
            Who::Admin => Success,
            Who::Lead if scope == Scope::Mine => Success,
            _ => Forbidden,
        }),
        "list_meetings" | "list_actions" | "get_action" | "action_history" => {
            signed_in(case(&[Who::Lead, Who::Qa]))
        }
        "record_meeting" | "create_action" | "update_action" | "annual_report"
        | "quarterly_report" => signed_in(case(&[Who::Lead])),
        // National outputs (issue 7): anonymised, for national analysts only.
        "national_records" | "national_statistics" => signed_in(if who == Who::Analyst {
            Success
        } else {
            Forbidden
        }),
        // Learning across cases is always the caller's own ICB's.
        "list_case_learning" => signed_in(match who {
            Who::Lead | Who::Qa => Success,
            _ => Forbidden,
        }),
        // The case team's daily work (issue 15).
        "list_staff" => signed_in(match who {
            Who::Admin => Success,
            _ => case(&[Who::Lead, Who::Qa]),
        }),
        "list_case_notifications" => signed_in(case(&[Who::Lead, Who::Qa, Who::Reviewer])),
        "acknowledge_duplicate" => signed_in(case(&[Who::Lead])),
        // Evidence (issue 16): the case team reads it; the lead and allocated reviewer work it;
        // only the lead withdraws; the upload link is the capability, whoever holds it.
        "list_involved_organisations"
        | "list_records_requests"
        | "list_attachments"
        | "download_attachment" => signed_in(case(&[Who::Lead, Who::Qa, Who::Reviewer])),
        "record_involved_organisation"
        | "correct_involved_organisation"
        | "request_records"
        | "change_records_request"
        | "add_attachment" => signed_in(case(&[Who::Lead, Who::Reviewer])),
        "withdraw_attachment" => signed_in(case(&[Who::Lead])),
        "upload_records" => Success,
        "list_notes" | "add_note" => signed_in(case(&[Who::Lead, Who::Qa, Who::Reviewer])),
        // The family record (issue 15): the case team reads it; the lead and the allocated
        // reviewer write it.
        "list_family_contacts" | "list_family_events" => {
            signed_in(case(&[Who::Lead, Who::Qa, Who::Reviewer]))
        }
        "add_family_contact" | "update_family_contact" | "record_family_event" => {
            signed_in(case(&[Who::Lead, Who::Reviewer]))
        }
        // Moves between ICBs (issue 15): the case's lead proposes, an admin moves directly (any
        // ICB's case), the case team reads them.
        "propose_move" => signed_in(match who {
            Who::Admin => Success,
            _ => case(&[Who::Lead]),
        }),
        "list_review_moves" => signed_in(case(&[Who::Lead, Who::Qa, Who::Reviewer])),
        // Only the receiving ICB's lead answers: the subject "in scope" is a proposal to the
        // caller's ICB of another ICB's case; out of scope, one between two other ICBs.
        "accept_move" | "decline_move" => signed_in(match who {
            Who::Admin | Who::Analyst => Forbidden,
            Who::Lead if scope == Scope::Mine => Success,
            _ => NotFound,
        }),
        "list_moves" => signed_in(match who {
            Who::Admin => Success,
            Who::Analyst => Forbidden,
            _ if scope == Scope::Other => NotFound,
            Who::Lead => Success,
            _ => Forbidden,
        }),
        "list_my_reviews" => signed_in(if who == Who::Reviewer {
            Success
        } else {
            Forbidden
        }),
        _ => return None,
    })
}

struct Fixture {
    tokens: Vec<(Who, String)>,
    admin: String,
    user_mine: String,
    user_other: String,
    lead: String,
    lead_other: String,
    reviewer_id: String,
    /// A QOP case in review, allocated to the fixture's reviewer.
    review_mine: String,
    /// A QE1 case.
    review_other: String,
    /// A QOP action and a QE1 action.
    action_mine: String,
    action_other: String,
}

/// Notifies a death in `area` and returns its review id, as `lead` finds it.
async fn notified_case(app: &TestApp, lead: &str, body: &Value) -> String {
    let reference = crate::cases::notify(app, body).await;
    crate::cases::id_of(&crate::cases::find(app, lead, &reference).await)
}

/// A QOP case allocated to the fixture's reviewer.
async fn allocated_case(app: &TestApp, f: &Fixture) -> String {
    let id = notified_case(app, &f.lead, &crate::cases::notification()).await;
    let body = json!({"action": "allocate", "reviewer_id": f.reviewer_id});
    crate::cases::act_ok(app, &f.lead, &id, body).await;
    id
}

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.admin_token().await;
    let (_, analyst) = app.user("analyst", &["national_analyst"], None).await;
    let (_, lead) = app.user("lead", &["ics_lead"], Some("QOP")).await;
    let (_, qa) = app.user("qa.panel", &["qa_panel"], Some("QOP")).await;
    let (reviewer_id, reviewer) = app.user("reviewer", &["reviewer"], Some("QOP")).await;
    let (_, _, integration) = app.machine_client("QOP").await;
    let (user_mine, _) = app.user("subject.mine", &["reviewer"], Some("QOP")).await;
    let (user_other, _) = app.user("subject.other", &["reviewer"], Some("QE1")).await;
    let (_, lead_other) = app.user("lead.other", &["ics_lead"], Some("QE1")).await;
    let mut f = Fixture {
        tokens: vec![
            (Who::Admin, admin.clone()),
            (Who::Analyst, analyst),
            (Who::Lead, lead.clone()),
            (Who::Qa, qa),
            (Who::Reviewer, reviewer.clone()),
            (Who::Integration, integration),
        ],
        admin,
        user_mine,
        user_other,
        lead,
        lead_other,
        reviewer_id,
        review_mine: String::new(),
        review_other: String::new(),
        action_mine: String::new(),
        action_other: String::new(),
    };
    f.review_mine = allocated_case(app, &f).await;
    let start = json!({"action": "start"});
    crate::cases::act_ok(app, &reviewer, &f.review_mine, start).await;
    let qe1 = crate::cases::notification_with(json!({"area_code": "QE1"}));
    f.review_other = notified_case(app, &f.lead_other, &qe1).await;
    f.action_mine = new_action(app, &f.lead, "QOP").await;
    f.action_other = new_action(app, &f.lead_other, "QE1").await;
    f
}

fn action_body() -> Value {
    json!({"title": "Repeat swallowing assessments", "outcome_measure": "95% within 7 days",
           "owner": "Community LD team", "due_date": "2030-01-31", "themes": ["dysphagia"]})
}

async fn new_action(app: &TestApp, lead: &str, org: &str) -> String {
    let path = format!("/api/v1/organisations/{org}/actions");
    let created = json(app.post_as(&path, lead, &action_body()).await, 201).await;
    created["id"].as_str().unwrap().to_owned()
}

/// A valid request for an operation of issue 6 (learning into action).
async fn action_request(
    app: &TestApp,
    f: &Fixture,
    op: &str,
    scope: Scope,
) -> (Method, String, Option<Value>, Vec<(String, String)>) {
    let (org, action, reader) = match scope {
        Scope::Mine => ("QOP", &f.action_mine, &f.lead),
        Scope::Other => ("QE1", &f.action_other, &f.lead_other),
    };
    let orgs = |tail: &str| format!("/api/v1/organisations/{org}{tail}");
    match op {
        "get_contacts" => (Method::GET, orgs("/contacts"), None, vec![]),
        "replace_contacts" => (
            Method::PUT,
            orgs("/contacts"),
            Some(
                json!({"primary": {"role_title": "Local Area Contact", "mailbox": "leder@nhs.net"}}),
            ),
            vec![],
        ),
        "list_meetings" => (Method::GET, orgs("/meetings"), None, vec![]),
        "record_meeting" => (
            Method::POST,
            orgs("/meetings"),
            Some(
                json!({"kind": "health_group", "held_on": crate::helpers::ymd(crate::helpers::today()),
                        "attendee_roles": ["Local Area Contact"], "decisions": "Agreed the plan"}),
            ),
            vec![],
        ),
        "list_actions" => (Method::GET, orgs("/actions"), None, vec![]),
        "create_action" => (Method::POST, orgs("/actions"), Some(action_body()), vec![]),
        "annual_report" => (Method::GET, orgs("/reports/annual?year=2025"), None, vec![]),
        "dashboard" => (Method::GET, orgs("/dashboard"), None, vec![]),
        "quarterly_report" => (
            Method::GET,
            orgs("/reports/quarterly?year=2025&quarter=4"),
            None,
            vec![],
        ),
        "list_case_learning" => (Method::GET, "/api/v1/learning".into(), None, vec![]),
        "national_records" => (
            Method::GET,
            "/api/v1/national/records?year=2025".into(),
            None,
            vec![],
        ),
        "national_statistics" => (
            Method::GET,
            "/api/v1/national/statistics?year=2025&by=sex".into(),
            None,
            vec![],
        ),
        "get_action" => (
            Method::GET,
            format!("/api/v1/actions/{action}"),
            None,
            vec![],
        ),
        "action_history" => (
            Method::GET,
            format!("/api/v1/actions/{action}/history"),
            None,
            vec![],
        ),
        "update_action" => {
            let res = app
                .get_as(&format!("/api/v1/actions/{action}"), reader)
                .await;
            let etag = res.headers()["etag"].to_str().unwrap().to_owned();
            (
                Method::PATCH,
                format!("/api/v1/actions/{action}"),
                Some(json!({"status": "in_progress"})),
                vec![("if-match".into(), etag)],
            )
        }
        other => panic!("no request for {other}"),
    }
}

/// A valid request for the operation, about a subject in `scope`.
async fn request(
    app: &TestApp,
    f: &Fixture,
    op: &str,
    scope: Scope,
    who: Who,
    n: usize,
) -> (Method, String, Option<Value>, Vec<(String, String)>) {
    let subject_user = match scope {
        Scope::Mine => &f.user_mine,
        Scope::Other => &f.user_other,
    };
    let org = match scope {
        Scope::Mine => "QOP",
        Scope::Other => "QE1",
    };
    match op {
        "healthz" => (Method::GET, "/healthz".into(), None, vec![]),
        "readyz" => (Method::GET, "/readyz".into(), None, vec![]),
        "metrics" => (Method::GET, "/metrics".into(), None, vec![]),
        "jwks" => (Method::GET, "/.well-known/jwks.json".into(), None, vec![]),
        "issue_token" => (Method::POST, "/api/v1/auth/token".into(), None, vec![]),
        "list_organisations" => (Method::GET, "/api/v1/organisations".into(), None, vec![]),
        "get_organisation" => (
            Method::GET,
            format!("/api/v1/organisations/{org}"),
            None,
            vec![],
        ),
        "resolve_area_code" => (
            Method::POST,
            "/api/v1/organisations/resolve".into(),
            Some(json!({"area_code": org})),
            vec![],
        ),
        "get_me" => (Method::GET, "/api/v1/me".into(), None, vec![]),
        "authorize" => (
            Method::GET,
            format!(
                "/api/v1/auth/authorize?response_type=code&client_id={}&redirect_uri={}&state=s{n}&code_challenge={}&code_challenge_method=S256",
                crate::helpers::TEST_CLIENT,
                crate::helpers::form_encode(crate::helpers::TEST_REDIRECT),
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            ),
            None,
            vec![],
        ),
        "submit_sign_in" => (
            Method::POST,
            "/api/v1/auth/authorize".into(),
            None,
            vec![("cookie".into(), "leder_sign_in_csrf=matrix".into())],
        ),
        "revoke_token" => (Method::POST, "/api/v1/auth/revoke".into(), None, vec![]),
        "federated_callback" => (
            Method::GET,
            "/api/v1/auth/federated/callback?code=c&state=s".into(),
            None,
            vec![],
        ),
        "server_metadata" => (
            Method::GET,
            "/.well-known/oauth-authorization-server".into(),
            None,
            vec![],
        ),
        "list_sessions" => (Method::GET, "/api/v1/auth/sessions".into(), None, vec![]),
        "sign_out" => (Method::POST, "/api/v1/auth/sign-out".into(), None, vec![]),
        "revoke_session" => {
            // A fresh session of the caller (scope Mine) or of someone else (Other), so that
            // ending it leaves the caller's own token working.
            let username = match (who, scope) {
                (Who::Analyst, Scope::Other) => "lead",
                (_, Scope::Other) => "analyst",
                (Who::Admin, Scope::Mine) => "admin",
                (Who::Lead, Scope::Mine) => "lead",
                (Who::Qa, Scope::Mine) => "qa.panel",
                (Who::Reviewer, Scope::Mine) => "reviewer",
                _ => "analyst",
            };
            let password = if username == "admin" {
                ADMIN_PASSWORD
            } else {
                USER_PASSWORD
            };
            let token = app.token(username, password).await;
            let me = json(app.get_as("/api/v1/me", &token).await, 200).await;
            let sid = me["session_id"].as_str().unwrap().to_owned();
            (
                Method::DELETE,
                format!("/api/v1/auth/sessions/{sid}"),
                None,
                vec![],
            )
        }
        "change_password" => (
            Method::POST,
            "/api/v1/me/password".into(),
            Some({
                let current = if who == Who::Admin {
                    ADMIN_PASSWORD
                } else {
                    USER_PASSWORD
                };
                json!({"current_password": current, "new_password": current})
            }),
            vec![],
        ),
        "create_user" => (
            Method::POST,
            "/api/v1/users".into(),
            Some(
                json!({"username": format!("new{n}"), "display_name": "N", "roles": ["reviewer"],
                        "organisation": org, "password": USER_PASSWORD}),
            ),
            vec![],
        ),
        "list_users" => (Method::GET, "/api/v1/users".into(), None, vec![]),
        "get_user" => (
            Method::GET,
            format!("/api/v1/users/{subject_user}"),
            None,
            vec![],
        ),
        "update_user" => {
            let res = app
                .get_as(&format!("/api/v1/users/{subject_user}"), &f.admin)
                .await;
            let etag = res.headers()["etag"].to_str().unwrap().to_owned();
            (
                Method::PATCH,
                format!("/api/v1/users/{subject_user}"),
                Some(json!({"display_name": format!("renamed {n}")})),
                vec![("if-match".into(), etag)],
            )
        }
        "create_client" => (
            Method::POST,
            "/api/v1/clients".into(),
            Some(json!({"name": "x", "organisation": org})),
            vec![],
        ),
        "list_clients" => (Method::GET, "/api/v1/clients".into(), None, vec![]),
        "revoke_client" => {
            let body = json!({"name": "throwaway", "organisation": org});
            let created = json(app.post_as("/api/v1/clients", &f.admin, &body).await, 201).await;
            let id = created["client_id"].as_str().unwrap();
            (
                Method::DELETE,
                format!("/api/v1/clients/{id}"),
                None,
                vec![],
            )
        }
        "set_legal_hold" | "lift_legal_hold" => {
            let id = match scope {
                Scope::Mine => &f.review_mine,
                Scope::Other => &f.review_other,
            };
            let path = format!("/api/v1/reviews/{id}/legal-hold");
            if op == "set_legal_hold" {
                let body = json!({"reason": "a coroner's request to keep the record"});
                (Method::PUT, path, Some(body), vec![])
            } else {
                (Method::DELETE, path, None, vec![])
            }
        }
        "list_audit" => (
            Method::GET,
            format!("/api/v1/audit?subject=user:{subject_user}"),
            None,
            vec![],
        ),
        "list_staff" => (
            Method::GET,
            format!("/api/v1/organisations/{org}/staff"),
            None,
            vec![],
        ),
        "list_my_reviews" => (Method::GET, "/api/v1/me/reviews".into(), None, vec![]),
        _ => case_request(app, f, op, scope).await,
    }
}

/// A valid request for an operation of issue 5 (notifications and reviews).
async fn case_request(
    app: &TestApp,
    f: &Fixture,
    op: &str,
    scope: Scope,
) -> (Method, String, Option<Value>, Vec<(String, String)>) {
    let (review, reader) = match scope {
        Scope::Mine => (&f.review_mine, &f.lead),
        Scope::Other => (&f.review_other, &f.lead_other),
    };
    let path = |tail: &str| format!("/api/v1/reviews/{review}{tail}");
    match op {
        "create_notification" => (
            Method::POST,
            crate::cases::NOTIFICATIONS.into(),
            Some(crate::cases::notification()),
            vec![],
        ),
        "list_themes" => (Method::GET, "/api/v1/themes".into(), None, vec![]),
        "list_events" => (Method::GET, "/api/v1/events".into(), None, vec![]),
        "create_webhook" => (
            Method::POST,
            "/api/v1/webhooks".into(),
            Some(json!({"url": "https://ics.example.org/hook"})),
            vec![],
        ),
        "list_webhooks" => (Method::GET, "/api/v1/webhooks".into(), None, vec![]),
        "delete_webhook" | "resume_webhook" | "list_deliveries" => {
            let owner = match scope {
                Scope::Mine => &f.lead,
                Scope::Other => &f.lead_other,
            };
            let body = json!({"url": "https://ics.example.org/hook"});
            let created = json(app.post_as("/api/v1/webhooks", owner, &body).await, 201).await;
            let id = created["id"].as_str().unwrap();
            match op {
                "delete_webhook" => (
                    Method::DELETE,
                    format!("/api/v1/webhooks/{id}"),
                    None,
                    vec![],
                ),
                "resume_webhook" => (
                    Method::POST,
                    format!("/api/v1/webhooks/{id}/resume"),
                    Some(json!({})),
                    vec![],
                ),
                _ => (
                    Method::GET,
                    format!("/api/v1/webhooks/{id}/deliveries"),
                    None,
                    vec![],
                ),
            }
        }
        "list_reviews" => {
            let other = crate::cases::review(app, &f.lead_other, &f.review_other)
                .await
                .0;
            let query = match scope {
                Scope::Mine => String::new(),
                Scope::Other => format!("?reference={}", other["reference"].as_str().unwrap()),
            };
            (Method::GET, format!("/api/v1/reviews{query}"), None, vec![])
        }
        "get_review" => (Method::GET, path(""), None, vec![]),
        "list_case_notifications" => (Method::GET, path("/notifications"), None, vec![]),
        "list_notes" => (Method::GET, path("/notes"), None, vec![]),
        "add_note" => (
            Method::POST,
            path("/notes"),
            Some(json!({"kind": "phone_call", "text": "Spoke to the sister."})),
            vec![],
        ),
        "acknowledge_duplicate" => {
            // Each call acknowledges a fresh duplicate of a case of its own (in the caller's ICB).
            let id = match scope {
                Scope::Mine => allocated_case(app, f).await,
                Scope::Other => f.review_other.clone(),
            };
            let case = crate::cases::review(app, reader, &id).await.0;
            let again = json!({"family_name": case["person"]["family_name"], "area_code": case["area_code"]});
            crate::cases::notify(app, &crate::cases::notification_with(again)).await;
            let list = app
                .get_as(&format!("/api/v1/reviews/{id}/notifications"), reader)
                .await;
            let nid = json(list, 200).await["items"][1]["id"]
                .as_str()
                .unwrap()
                .to_owned();
            (
                Method::POST,
                format!("/api/v1/reviews/{id}/notifications/{nid}/acknowledge"),
                Some(json!({})),
                vec![],
            )
        }
        "review_history" => (Method::GET, path("/history"), None, vec![]),
        "list_learning" => (Method::GET, path("/learning"), None, vec![]),
        "list_escalations" => (Method::GET, path("/escalations"), None, vec![]),
        "record_escalation" => (
            Method::POST,
            path("/escalations"),
            Some(json!({"reason": "Overdue", "agreed": "Allocate this week",
                        "by_when": crate::helpers::ymd(crate::helpers::today())})),
            vec![],
        ),
        "add_learning" => (
            Method::POST,
            path("/learning"),
            Some(crate::cases::learning_point()),
            vec![],
        ),
        "update_findings" => (
            Method::PATCH,
            path("/findings"),
            Some(json!({"good_practice": "Easy-read appointment letters"})),
            vec![(
                "if-match".into(),
                crate::cases::review(app, reader, review).await.1,
            )],
        ),
        "correct_person" => (
            Method::PATCH,
            path("/person"),
            Some(json!({"sex": "female"})),
            vec![(
                "if-match".into(),
                crate::cases::review(app, reader, review).await.1,
            )],
        ),
        "transition_review" => {
            // A hold moves the case, so each call holds a fresh allocated case of its own.
            let id = match scope {
                Scope::Mine => allocated_case(app, f).await,
                Scope::Other => f.review_other.clone(),
            };
            (
                Method::POST,
                format!("/api/v1/reviews/{id}/transitions"),
                Some(json!({"action": "hold", "reason": "family_request"})),
                vec![],
            )
        }
        "record_child_death_review_outcome" => {
            let id = match scope {
                Scope::Mine => notified_case(app, &f.lead, &crate::cases::child_of_10()).await,
                Scope::Other => f.review_other.clone(),
            };
            (
                Method::POST,
                format!("/api/v1/reviews/{id}/child-death-review-outcome"),
                Some(crate::cases::cdr_outcome()),
                vec![],
            )
        }
        "record_opt_out_check" => {
            let id = match scope {
                Scope::Mine => {
                    let unknown = crate::cases::notification_with(
                        json!({"national_data_opt_out": "not_known"}),
                    );
                    notified_case(app, &f.lead, &unknown).await
                }
                Scope::Other => f.review_other.clone(),
            };
            (
                Method::POST,
                format!("/api/v1/reviews/{id}/opt-out-check"),
                Some(
                    json!({"opted_out": false, "checked_on": "2026-01-05", "source": "NDOP check"}),
                ),
                vec![],
            )
        }
        op if op.contains("family") || op.contains("move") => {
            family_or_move_request(app, f, op, scope).await
        }
        // A dissolved ICB with nothing left to move: the admin's transfer succeeds, empty.
        "transfer_reviews" => (
            Method::POST,
            "/api/v1/organisations/QUE/transfers".into(),
            Some(json!({"targets": {}})),
            vec![],
        ),
        // An empty file, checked only: the admin's dry run reports nothing to import.
        "import_reviews" => (
            Method::POST,
            "/api/v1/imports?dry_run=true".into(),
            None,
            vec![("content-type".into(), "application/x-ndjson".into())],
        ),
        op if crate::matrix_evidence::OPERATIONS.contains(&op) => {
            let (review, reader) = match scope {
                Scope::Mine => (&f.review_mine, &f.lead),
                Scope::Other => (&f.review_other, &f.lead_other),
            };
            crate::matrix_evidence::request(app, op, (review, reader), (&f.review_mine, &f.lead))
                .await
        }
        _ => action_request(app, f, op, scope).await,
    }
}

/// A valid request for an operation of the family record or of moves between ICBs.
async fn family_or_move_request(
    app: &TestApp,
    f: &Fixture,
    op: &str,
    scope: Scope,
) -> (Method, String, Option<Value>, Vec<(String, String)>) {
    let (review, reader, org) = match scope {
        Scope::Mine => (&f.review_mine, &f.lead, "QOP"),
        Scope::Other => (&f.review_other, &f.lead_other, "QE1"),
    };
    let contacts = format!("/api/v1/reviews/{review}/family-contacts");
    let new_contact = json!({"name": "Mary Evans", "relationship": "sister"});
    let a_contact = || async {
        let made = json(app.post_as(&contacts, reader, &new_contact).await, 201).await;
        made["id"].as_str().unwrap().to_owned()
    };
    let qe1 = crate::cases::notification_with(json!({"area_code": "QE1"}));
    match op {
        "list_family_contacts" => (Method::GET, contacts.clone(), None, vec![]),
        "add_family_contact" => (Method::POST, contacts.clone(), Some(new_contact), vec![]),
        "update_family_contact" => {
            let cid = a_contact().await;
            let etag = app.get_as(&contacts, reader).await.headers()["etag"]
                .to_str()
                .unwrap()
                .to_owned();
            (
                Method::PATCH,
                format!("{contacts}/{cid}"),
                Some(json!({"phone": "07700 900123"})),
                vec![("if-match".into(), etag)],
            )
        }
        "record_family_event" | "list_family_events" => {
            let cid = a_contact().await;
            let events = format!("{contacts}/{cid}/events");
            if op == "list_family_events" {
                (Method::GET, events, None, vec![])
            } else {
                let today = crate::helpers::ymd(crate::helpers::today());
                let body = json!({"kind": "informed", "on": today});
                (Method::POST, events, Some(body), vec![])
            }
        }
        "list_review_moves" => (
            Method::GET,
            format!("/api/v1/reviews/{review}/moves"),
            None,
            vec![],
        ),
        "list_moves" => (
            Method::GET,
            format!("/api/v1/organisations/{org}/moves?status=pending"),
            None,
            vec![],
        ),
        // Each proposal on a fresh case of its own: a case has one pending move at a time.
        "propose_move" => {
            let (id, to) = match scope {
                Scope::Mine => (allocated_case(app, f).await, "QE1"),
                Scope::Other => (notified_case(app, &f.lead_other, &qe1).await, "QOP"),
            };
            (
                Method::POST,
                format!("/api/v1/reviews/{id}/moves"),
                Some(json!({"to": to, "reason": "wrong_area"})),
                vec![],
            )
        }
        // A fresh QE1 case proposed to QOP (the caller's ICB) or to QWO (neither side is it).
        "accept_move" | "decline_move" => {
            let id = notified_case(app, &f.lead_other, &qe1).await;
            let to = match scope {
                Scope::Mine => "QOP",
                Scope::Other => "QWO",
            };
            let proposal = json!({"to": to, "reason": "out_of_area_placement"});
            let proposed = app
                .post_as(
                    &format!("/api/v1/reviews/{id}/moves"),
                    &f.lead_other,
                    &proposal,
                )
                .await;
            let mid = json(proposed, 201).await["id"].as_str().unwrap().to_owned();
            let path = format!("/api/v1/reviews/{id}/moves/{mid}/");
            if op == "accept_move" {
                (Method::POST, format!("{path}accept"), None, vec![])
            } else {
                let body = json!({"reason": "She lived in Bolton"});
                (Method::POST, format!("{path}decline"), Some(body), vec![])
            }
        }
        other => panic!("no request for {other}"),
    }
}

/// A fresh token for `who`, after a password change spent their old ones.
async fn signed_in_again(app: &TestApp, f: &mut Fixture, who: Who) {
    let token = match who {
        Who::Admin => app.admin_token().await,
        Who::Lead => app.token("lead", USER_PASSWORD).await,
        Who::Analyst => app.token("analyst", USER_PASSWORD).await,
        Who::Qa => app.token("qa.panel", USER_PASSWORD).await,
        Who::Reviewer => app.token("reviewer", USER_PASSWORD).await,
        Who::Integration | Who::Anonymous => return,
    };
    match who {
        Who::Admin => f.admin = token.clone(),
        Who::Lead => f.lead = token.clone(),
        _ => {}
    }
    for (w, t) in &mut f.tokens {
        if *w == who {
            *t = token.clone();
        }
    }
}

async fn run_matrix(app: TestApp) {
    let mut f = fixture(&app).await;
    let doc = serde_json::to_value(leder_api::openapi::document()).unwrap();
    let mut operations = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            operations.push(op["operationId"].as_str().unwrap().to_owned());
        }
    }
    operations.sort();
    let missing: Vec<&String> = operations
        .iter()
        .filter(|op| expectation(op, Who::Admin, Scope::Mine).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "operations missing from the authorisation matrix: {missing:?}"
    );
    let mut n = 0;
    let mut checked = 0;
    for op in &operations {
        for who in EVERYONE {
            for scope in [Scope::Mine, Scope::Other] {
                n += 1;
                let expected = expectation(op, who, scope).unwrap();
                let (method, path, body, headers) = request(&app, &f, op, scope, who, n).await;
                let token = f
                    .tokens
                    .iter()
                    .find(|(w, _)| *w == who)
                    .map(|(_, t)| t.clone());
                let mut req = app.client.request(method.clone(), app.url(&path));
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                if let Some(b) = &body {
                    req = req.json(b);
                }
                if crate::matrix_evidence::MULTIPART.contains(&op.as_str()) {
                    let (content_type, form) =
                        crate::evidence_support::form(&[crate::evidence_support::Part::File(
                            "file",
                            "matrix.pdf",
                            &crate::evidence_support::pdf(1),
                        )]);
                    req = req.header("content-type", content_type).body(form);
                }
                if op == "issue_token" {
                    req = req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(format!(
                            "grant_type=password&username=admin&password={}",
                            crate::helpers::form_encode(ADMIN_PASSWORD)
                        ));
                }
                if op == "submit_sign_in" {
                    // A well-formed post of the page with a wrong password: the page again.
                    req = req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(format!(
                            "response_type=code&client_id={}&redirect_uri={}&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&csrf=matrix&username=matrix.nobody&password=wrong",
                            crate::helpers::TEST_CLIENT,
                            crate::helpers::form_encode(crate::helpers::TEST_REDIRECT),
                        ));
                }
                if op == "revoke_token" {
                    req = req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("token=not-a-token");
                }
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                let ok = match expected {
                    Expect::Success => (200..300).contains(&status),
                    Expect::Unauthorized => status == 401,
                    Expect::Forbidden => status == 403,
                    Expect::NotFound => status == 404,
                };
                let text = res.text().await.unwrap_or_default();
                assert!(
                    ok,
                    "{op} as {who:?} ({scope:?}) {method} {path}: expected {expected:?}, got {status}: {text}"
                );
                checked += 1;
                if (op == "change_password" || op == "sign_out") && (200..300).contains(&status) {
                    // A password change spends every token of the account: sign in again.
                    signed_in_again(&app, &mut f, who).await;
                }
            }
        }
    }
    assert_eq!(checked, operations.len() * EVERYONE.len() * 2);
}

both_backends! {
    // The matrix notifies many deaths from one address within a minute.
    async fn every_operation_answers_every_role_as_the_rules_say(app, |c| c.notification_rate_limit = 10_000) {
        run_matrix(app).await;
    }
}
