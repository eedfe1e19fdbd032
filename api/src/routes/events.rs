//! The change feed of an ICB, for case systems: every event in commit order, with an opaque
//! cursor. An ICB's sequence numbers are taken from its counter row inside each change's
//! transaction, so a later number never commits before an earlier one: a client polling with
//! the last cursor it saw can never skip an event.

use actix_web::{get, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use leder_domain::audit::AuditAction;
use leder_domain::workflow::Role;
use leder_persistence::repo::events;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::app::reviews::audit_reads;
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::db;
use crate::dto::webhooks::{Event, EventPage};
use crate::error::ApiError;
use crate::extract::query::PageSize;
use crate::extract::{LIMIT_RANGE, Query};
use crate::state::AppState;

/// Registers the routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_events);
}

/// Query parameters of the feed: it pages with `after`, a feed cursor, rather than `cursor`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    /// The `next_cursor` of the previous page (absent: from the start).
    #[param(pattern = "^[A-Za-z0-9_-]+$")]
    after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    limit: Option<PageSize>,
}

fn encode(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("seq:{seq}"))
}

fn decode(cursor: &str) -> Result<i64, ApiError> {
    let bad = || ApiError::bad_field("after", "invalid_cursor", "not a cursor this feed gave out");
    let text =
        String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?).map_err(|_| bad())?;
    text.strip_prefix("seq:")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(bad)
}

/// The change feed of my ICB
///
/// For the ICB's integration clients and its lead: every change to its cases in commit order.
/// Poll with `after` set to the last `next_cursor`; nothing is ever skipped or repeated.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    security(("bearer" = [])),
    params(FeedParams),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        crate::error::sets::ListErrors,
    )
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
    info: RequestInfo,
    Query(query): Query<FeedParams>,
) -> Result<web::Json<EventPage>, ApiError> {
    caller.require(&[Role::Integration, Role::IcsLead])?;
    let after = query.after.as_deref().map(decode).transpose()?.unwrap_or(0);
    let limit = query.limit.map_or(LIMIT_RANGE.1, PageSize::get);
    let org = caller.organisation.clone().unwrap_or_default();
    let rows = db::run(&state, move |conn| events::after(conn, &org, after, limit)).await?;
    let next = rows.last().map_or(after, |e| e.seq);
    let mut subjects: Vec<(String, String)> = rows
        .iter()
        .filter(|e| e.is_about_a_review())
        .map(|e| (e.subject_id.clone(), e.organisation.clone()))
        .collect();
    subjects.sort();
    subjects.dedup();
    audit_reads(&state, &caller, &info, AuditAction::ReadEvents, &subjects).await?;
    Ok(web::Json(EventPage {
        items: rows.into_iter().map(Event::from).collect(),
        next_cursor: encode(next),
    }))
}
