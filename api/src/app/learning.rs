//! LearningPoint across an ICB's cases: one page of its learning points that match a kind, a period
//! and a theme, with counts by theme over every match, so its governance group can see what
//! recurs. Both are answered by SQL (keyset paging by id, a `GROUP BY` theme); the reviews the
//! page shows are audited as read.

use leder_domain::audit::AuditAction;
use std::collections::{BTreeSet, HashMap};

use leder_persistence::records::cases::{LearningPoint, Theme};
use leder_persistence::repo::learning::{self as repo, LearningFilter};
use leder_persistence::repo::reviews as reviews_repo;

use leder_domain::review::Review;
use leder_persistence::reference::now_utc;

use crate::app::reviews::{self, ReviewChange, audit_reads};
use crate::audit::RequestInfo;
use crate::auth::Caller;
use crate::cases::{actor_of, refusal};
use crate::db;
use crate::dto::reviews::NewLearning;
use crate::error::ApiError;
use crate::extract::Page;
use crate::state::AppState;

/// One page of learning across cases.
#[derive(Debug, Clone)]
pub struct LearningAcross {
    /// The page's learning points in id order (the order they were made), each with its
    /// review's reference.
    pub items: Vec<(LearningPoint, String)>,
    /// The cursor after this page, when there are more.
    pub next_cursor: Option<String>,
    /// Each theme of the taxonomy that a match carries, with how many matches carry it: most
    /// first, ties in the taxonomy's order.
    pub counts_by_theme: Vec<(Theme, u64)>,
}

/// Up to `limit` of the ICB `organisation`'s learning points that match `filter`, after the id
/// `after`; 400 `unknown_theme` when the filter's theme is not in the taxonomy.
pub async fn across_cases(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    organisation: String,
    filter: LearningFilter,
    page: &Page,
) -> Result<LearningAcross, ApiError> {
    let after: Option<String> = page.after()?;
    let fetch = page.fetch();
    let taxonomy = db::run(state, reviews_repo::themes).await?;
    if let Some(t) = &filter.theme
        && !taxonomy.iter().any(|known| &known.code == t)
    {
        return Err(ApiError::bad_field(
            "theme",
            "unknown_theme",
            "not a theme of GET /api/v1/themes",
        ));
    }
    let (mut items, counted) = db::run(state, move |conn| {
        Ok((
            repo::page_across(conn, &organisation, &filter, after.as_deref(), fetch)?,
            repo::theme_counts_across(conn, &organisation, &filter)?,
        ))
    })
    .await?;
    let next_cursor = page.finish(&mut items, |(l, _)| l.id.clone());
    let read: Vec<(String, String)> = items
        .iter()
        .map(|(l, _)| (l.review_id.clone(), l.organisation.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    audit_reads(state, caller, info, AuditAction::ReadLearning, &read).await?;
    Ok(LearningAcross {
        items,
        next_cursor,
        counts_by_theme: ranked(taxonomy, counted)?,
    })
}

/// The taxonomy's themes that were counted, most first (a stable sort keeps ties in the
/// taxonomy's order).
fn ranked(
    taxonomy: Vec<Theme>,
    counted: Vec<(String, i64)>,
) -> Result<Vec<(Theme, u64)>, ApiError> {
    let mut counts: HashMap<String, u64> = HashMap::with_capacity(counted.len());
    for (theme, n) in counted {
        counts.insert(theme, u64::try_from(n).map_err(ApiError::internal)?);
    }
    let mut out: Vec<(Theme, u64)> = taxonomy
        .into_iter()
        .filter_map(|t| counts.get(&t.code).map(|n| (t, *n)))
        .collect();
    out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    Ok(out)
}

/// 422 naming `field` when a theme is not one of the taxonomy's (`GET /api/v1/themes`).
pub async fn check_themes(
    state: &AppState,
    field: &str,
    themes: &[String],
) -> Result<(), ApiError> {
    let known: Vec<String> = db::run(state, reviews_repo::themes)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    match themes.iter().find(|t| !known.contains(t)) {
        None => Ok(()),
        Some(bad) => Err(ApiError::invalid_field(
            field,
            "unknown_theme",
            format!("`{bad}` is not a theme of GET /api/v1/themes"),
        )),
    }
}

/// Adds a learning point to a case in the caller's scope: the case's change (history, event,
/// audit and version) and the point with its themes, in one transaction. Answers the case as
/// changed and the point as stored.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    info: &RequestInfo,
    review_id: String,
    l: NewLearning,
) -> Result<(Review, LearningPoint), ApiError> {
    check_themes(state, "themes", &l.themes).await?;
    let actor = actor_of(caller)?;
    let point_id = uuid::Uuid::now_v7().to_string();
    let mut change = ReviewChange::new(
        state,
        caller,
        info,
        AuditAction::AddLearning,
        review_id.clone(),
        None,
    );
    // A case in the caller's scope is of the caller's ICB.
    let point = LearningPoint {
        id: point_id.clone(),
        review_id,
        organisation: caller.organisation.clone().unwrap_or_default(),
        kind: l.kind,
        text: l.text,
        created_by: caller.id.clone(),
        created_at: now_utc(),
        themes: Vec::new(),
    };
    change.learning = Some(point.with_themes(l.themes));
    let (pid, kind) = (point_id.clone(), l.kind);
    let review = reviews::change(state, caller, change, move |review| {
        review
            .add_learning(&actor, pid, kind)
            .map_err(|r| refusal(&r))
    })
    .await?;
    let point = db::run(state, move |conn| {
        reviews_repo::learning_point(conn, &point_id)
    })
    .await?
    .ok_or_else(|| ApiError::internal("learning point vanished"))?;
    Ok((review, point))
}
