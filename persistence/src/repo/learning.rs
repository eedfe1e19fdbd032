//! Learning points with their themes. A point's themes are rows of `learning_point_themes`: every
//! read attaches them and every write stores them with the point, so no caller sees a point
//! without its themes. Learning across an ICB's cases is filtered, paged and counted by theme
//! in SQL, confined to the ICB's reviews as they stand now (a transferred review's learning
//! counts for the ICB it moved to).

use std::collections::HashMap;

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::cases::LearningPoint;
use crate::rows::cases::{LearningRow, LearningThemeRow};
use crate::schema::{learning_point_themes, learning_points, reviews};

/// Ids per `IN (...)` list, well under SQLite's limit on bound parameters.
const IDS_PER_QUERY: usize = 5_000;

/// Attaches each point's themes (in code order).
pub fn with_themes(
    conn: &mut DbConnection,
    rows: Vec<LearningRow>,
) -> Result<Vec<LearningPoint>, PersistenceError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut themes: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        let found: Vec<LearningThemeRow> = learning_point_themes::table
            .filter(learning_point_themes::learning_id.eq_any(chunk))
            .order((
                learning_point_themes::learning_id.asc(),
                learning_point_themes::theme.asc(),
            ))
            .select(LearningThemeRow::as_select())
            .load(conn)?;
        for t in found {
            themes.entry(t.learning_id).or_default().push(t.theme);
        }
    }
    rows.into_iter()
        .map(|point| {
            let its = themes.remove(&point.id).unwrap_or_default();
            LearningPoint::from_row(point, its)
        })
        .collect()
}

/// Stores a point with its themes (inside the caller's transaction).
pub fn insert(conn: &mut DbConnection, learning: &LearningPoint) -> Result<(), PersistenceError> {
    diesel::insert_into(learning_points::table)
        .values(learning.row())
        .execute(conn)?;
    for row in learning.theme_rows() {
        diesel::insert_into(learning_point_themes::table)
            .values(&row)
            .execute(conn)?;
    }
    Ok(())
}

/// Filters of learning across cases.
#[derive(Debug, Clone, Default)]
pub struct LearningFilter {
    /// Only this kind (`learning`, `good_practice`, `concern`).
    pub kind: Option<String>,
    /// Recorded at or after (UTC).
    pub from: Option<PrimitiveDateTime>,
    /// Recorded before (UTC).
    pub before: Option<PrimitiveDateTime>,
    /// Only points tagged with this theme code.
    pub theme: Option<String>,
}

/// Applies an ICB and a [`LearningFilter`] to a query over `learning_points` joined to
/// `reviews`, boxing it. The theme is a subquery over an alias, so that a query that also
/// reads `learning_point_themes` (to count by theme) can take it.
macro_rules! matching {
    ($query:expr, $organisation:expr, $filter:expr) => {{
        let mut q = $query
            .filter(reviews::organisation.eq($organisation.to_owned()))
            .into_boxed();
        if let Some(kind) = &$filter.kind {
            q = q.filter(learning_points::kind.eq(kind.clone()));
        }
        if let Some(from) = $filter.from {
            q = q.filter(learning_points::created_at.ge(from));
        }
        if let Some(before) = $filter.before {
            q = q.filter(learning_points::created_at.lt(before));
        }
        if let Some(theme) = &$filter.theme {
            diesel::alias!(learning_point_themes as tagged: TaggedPoints);
            q = q.filter(
                learning_points::id.eq_any(
                    tagged
                        .filter(tagged.field(learning_point_themes::theme).eq(theme.clone()))
                        .select(tagged.field(learning_point_themes::learning_id)),
                ),
            );
        }
        q
    }};
}

/// Up to `limit` of an ICB's learning points that match `filter`, in id order (ids are UUID v7,
/// so the order they were made) after the id `after`, each with its review's reference.
pub fn page_across(
    conn: &mut DbConnection,
    organisation: &str,
    filter: &LearningFilter,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<(LearningPoint, String)>, PersistenceError> {
    let mut q = matching!(
        learning_points::table
            .inner_join(reviews::table.on(reviews::id.eq(learning_points::review_id)))
            .select((LearningRow::as_select(), reviews::reference)),
        organisation,
        filter
    );
    if let Some(after) = after {
        q = q.filter(learning_points::id.gt(after.to_owned()));
    }
    let rows: Vec<(LearningRow, String)> =
        q.order(learning_points::id.asc()).limit(limit).load(conn)?;
    let (points, references): (Vec<LearningRow>, Vec<String>) = rows.into_iter().unzip();
    Ok(with_themes(conn, points)?
        .into_iter()
        .zip(references)
        .collect())
}

/// How many of an ICB's learning points that match `filter` carry each theme (themes of no
/// match are absent).
pub fn theme_counts_across(
    conn: &mut DbConnection,
    organisation: &str,
    filter: &LearningFilter,
) -> Result<Vec<(String, i64)>, PersistenceError> {
    let q = matching!(
        learning_point_themes::table
            .inner_join(
                learning_points::table
                    .on(learning_points::id.eq(learning_point_themes::learning_id)),
            )
            .inner_join(reviews::table.on(reviews::id.eq(learning_points::review_id)))
            .group_by(learning_point_themes::theme)
            .select((learning_point_themes::theme, diesel::dsl::count_star())),
        organisation,
        filter
    );
    Ok(q.load(conn)?)
}
