//! The rows an ICB's annual report is computed from (learning across cases is
//! [`crate::repo::learning`]). Every query is confined to one ICB's reviews as
//! they stand now (a transferred review counts for the ICB it moved to).

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::action_plan::Action;
use crate::repo::learning::with_themes;
use crate::rows::action_plan::ActionRow;
use leder_domain::review::{Hold, Review};

use crate::records::cases::LearningPoint;
use crate::repo::review_store::reviews_of_rows;
use crate::rows::cases::{HoldRow, LearningRow, ReviewRow};
use crate::schema::{actions, learning_points, review_holds, reviews};
use crate::stored::review::{hold_from_row, review_from_row};

/// The rows of an ICB's annual report for the period `[start, end]`.
#[derive(Debug, Clone, Default)]
pub struct AnnualRows {
    /// Reviews notified within the period (without their holds).
    pub notified: Vec<Review>,
    /// Reviews completed within the period, with every hold (for the share net of holds).
    pub completed: Vec<Review>,
    /// Holds of the ICB's reviews that overlap the period, each with its review's id.
    pub holds_in_period: Vec<(String, Hold)>,
    /// Learning points of the reviews completed within the period.
    pub learning: Vec<LearningPoint>,
    /// The ICB's actions due or created within the period.
    pub actions: Vec<Action>,
}

/// Reads an ICB's annual report rows for the period `[start, end]`. Synthetic (demonstration)
/// reviews are left out whenever a real review exists (DOMAIN.md, "Cohorts": never counted in
/// a published figure or report).
pub fn annual_rows(
    conn: &mut DbConnection,
    organisation: &str,
    start: Date,
    end: Date,
    created_from: PrimitiveDateTime,
    created_before: PrimitiveDateTime,
) -> Result<AnnualRows, PersistenceError> {
    // `synthetic IN (FALSE)` while a real review exists, else `IN (FALSE, TRUE)`.
    let counted: &[bool] = if crate::repo::seed::has_real_cases(conn)? {
        &[false]
    } else {
        &[false, true]
    };
    let notified = reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::synthetic.eq_any(counted))
        .filter(reviews::notified_on.between(start, end))
        .order((reviews::notified_at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load::<ReviewRow>(conn)?
        .into_iter()
        .map(|row| review_from_row(row, Vec::new(), 0))
        .collect::<Result<_, _>>()?;
    let completed: Vec<ReviewRow> = reviews::table
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::synthetic.eq_any(counted))
        .filter(reviews::status.eq("completed"))
        .filter(reviews::completed_on.between(start, end))
        .order((reviews::completed_at.asc(), reviews::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)?;
    let ids: Vec<String> = completed.iter().map(|r| r.id.clone()).collect();
    let completed = reviews_of_rows(conn, completed)?;
    let holds_in_period = review_holds::table
        .inner_join(reviews::table.on(reviews::id.eq(review_holds::review_id)))
        .filter(reviews::organisation.eq(organisation))
        .filter(reviews::synthetic.eq_any(counted))
        .filter(review_holds::started_on.le(end))
        .filter(
            review_holds::ended_on
                .is_null()
                .or(review_holds::ended_on.ge(start)),
        )
        .select(HoldRow::as_select())
        .load::<HoldRow>(conn)?
        .into_iter()
        .map(|h| Ok((h.review_id.clone(), hold_from_row(h)?)))
        .collect::<Result<_, PersistenceError>>()?;
    let learning: Vec<LearningRow> = learning_points::table
        .filter(learning_points::review_id.eq_any(&ids))
        .order((learning_points::created_at.asc(), learning_points::id.asc()))
        .select(LearningRow::as_select())
        .load(conn)?;
    let learning = with_themes(conn, learning)?;
    let actions = actions::table
        .filter(actions::organisation.eq(organisation))
        .filter(
            actions::due_date.between(start, end).or(actions::created_at
                .ge(created_from)
                .and(actions::created_at.lt(created_before))),
        )
        .order((actions::due_date.asc(), actions::id.asc()))
        .select(ActionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Action::try_from)
        .collect::<Result<_, _>>()?;
    Ok(AnnualRows {
        notified,
        completed,
        holds_in_period,
        learning,
        actions,
    })
}
