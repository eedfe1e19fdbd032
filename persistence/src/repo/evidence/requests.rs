//! Records requests: made and closed inside the review change that records them; found by
//! their link's hash for an upload, with the row locked for the rest of the transaction.

use std::collections::HashMap;

use diesel::prelude::*;
use leder_domain::evidence::records_request::RequestStatus;
use time::PrimitiveDateTime;

use crate::connection::DbConnection;
use crate::error::PersistenceError;
use crate::records::evidence::{NewRecordsRequest, RecordsRequest};
use crate::rows::evidence::{InvolvedRow, RequestRow};
use crate::schema::{attachments, involved_organisations, records_requests, reviews};

/// Stores a new request.
pub fn insert(
    conn: &mut DbConnection,
    request: &NewRecordsRequest,
) -> Result<(), PersistenceError> {
    diesel::insert_into(records_requests::table)
        .values(request.row())
        .execute(conn)?;
    Ok(())
}

/// Requests with their organisations and how many documents came through each.
fn with_organisations(
    conn: &mut DbConnection,
    rows: Vec<(RequestRow, InvolvedRow)>,
) -> Result<Vec<RecordsRequest>, PersistenceError> {
    let ids: Vec<String> = rows.iter().map(|(r, _)| r.id.clone()).collect();
    let counts: HashMap<String, i64> = attachments::table
        .filter(attachments::records_request_id.eq_any(&ids))
        .group_by(attachments::records_request_id)
        .select((attachments::records_request_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect();
    rows.into_iter()
        .map(|(r, o)| {
            let n = counts.get(&r.id).copied().unwrap_or(0);
            RecordsRequest::from_rows(r, o, n)
        })
        .collect()
}

/// A review's requests, oldest first.
pub fn of_review(
    conn: &mut DbConnection,
    review_id: &str,
) -> Result<Vec<RecordsRequest>, PersistenceError> {
    let rows = records_requests::table
        .inner_join(
            involved_organisations::table
                .on(involved_organisations::id.eq(records_requests::organisation_id)),
        )
        .filter(records_requests::review_id.eq(review_id))
        .order((
            records_requests::requested_at.asc(),
            records_requests::id.asc(),
        ))
        .select((RequestRow::as_select(), InvolvedRow::as_select()))
        .load(conn)?;
    with_organisations(conn, rows)
}

/// One request of the review, its row locked for the rest of the transaction.
pub fn lock_of_review(
    conn: &mut DbConnection,
    review_id: &str,
    id: &str,
) -> Result<Option<RecordsRequest>, PersistenceError> {
    diesel::update(
        records_requests::table
            .find(id)
            .filter(records_requests::review_id.eq(review_id)),
    )
    .set(records_requests::status.eq(records_requests::status))
    .execute(conn)?;
    let rows = records_requests::table
        .inner_join(
            involved_organisations::table
                .on(involved_organisations::id.eq(records_requests::organisation_id)),
        )
        .filter(records_requests::id.eq(id))
        .filter(records_requests::review_id.eq(review_id))
        .select((RequestRow::as_select(), InvolvedRow::as_select()))
        .load(conn)?;
    Ok(with_organisations(conn, rows)?.into_iter().next())
}

/// The request whose link's token hashes to `hash`, with its review's ICB.
pub fn by_link(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<(RecordsRequest, String)>, PersistenceError> {
    let row = records_requests::table
        .inner_join(
            involved_organisations::table
                .on(involved_organisations::id.eq(records_requests::organisation_id)),
        )
        .inner_join(reviews::table.on(reviews::id.eq(records_requests::review_id)))
        .filter(records_requests::link_hash.eq(hash))
        .select((
            RequestRow::as_select(),
            InvolvedRow::as_select(),
            reviews::organisation,
        ))
        .get_result::<(RequestRow, InvolvedRow, String)>(conn)
        .optional()?;
    let Some((r, o, icb)) = row else {
        return Ok(None);
    };
    let request = with_organisations(conn, vec![(r, o)])?.into_iter().next();
    Ok(request.map(|r| (r, icb)))
}

/// Closes a request (`received`, `declined`, `cancelled`), revoking its link.
pub fn close(
    conn: &mut DbConnection,
    id: &str,
    status: RequestStatus,
    by: Option<&str>,
    at: PrimitiveDateTime,
) -> Result<(), PersistenceError> {
    diesel::update(records_requests::table.find(id))
        .set((
            records_requests::status.eq(status.as_str()),
            records_requests::closed_at.eq(Some(at)),
            records_requests::closed_by.eq(by),
            records_requests::link_revoked_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Open requests (awaited, link working at `now`) per reviewer of an ICB's reviews, and those
/// of reviews with no reviewer under `None`.
pub fn open_by_reviewer(
    conn: &mut DbConnection,
    organisation: &str,
    now: PrimitiveDateTime,
) -> Result<HashMap<Option<String>, i64>, PersistenceError> {
    Ok(records_requests::table
        .inner_join(reviews::table.on(reviews::id.eq(records_requests::review_id)))
        .filter(reviews::organisation.eq(organisation))
        .filter(records_requests::status.eq(RequestStatus::Requested.as_str()))
        .filter(records_requests::link_expires_at.gt(now))
        .group_by(reviews::reviewer_id)
        .select((reviews::reviewer_id, diesel::dsl::count_star()))
        .load::<(Option<String>, i64)>(conn)?
        .into_iter()
        .collect())
}
