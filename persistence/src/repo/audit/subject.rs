//! Which ICB an audited subject belongs to.

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::PersistenceError;

/// Whether a subject exists, and the ICB it belongs to: `None` when there is no such subject,
/// `Some(None)` when it exists and belongs to no ICB (an admin, say). Subjects are
/// `<kind>:<id>`; unknown kinds are `None`; `organisation:<code>` belongs to that organisation.
pub fn subject_organisation(
    conn: &mut DbConnection,
    subject: &str,
) -> Result<Option<Option<String>>, PersistenceError> {
    use crate::schema::{actions, clients, organisations, reviews, sessions, users, webhooks};
    let Some((kind, id)) = subject.split_once(':') else {
        return Ok(None);
    };
    Ok(match kind {
        "user" => users::table
            .find(id)
            .select(users::organisation)
            .get_result::<Option<String>>(conn)
            .optional()?,
        "review" => reviews::table
            .find(id)
            .select(reviews::organisation)
            .get_result::<String>(conn)
            .optional()?
            .map(Some),
        // A document belongs to its review's ICB.
        "attachment" => crate::schema::attachments::table
            .inner_join(reviews::table.on(reviews::id.eq(crate::schema::attachments::review_id)))
            .filter(crate::schema::attachments::id.eq(id))
            .select(reviews::organisation)
            .get_result::<String>(conn)
            .optional()?
            .map(Some),
        "client" => clients::table
            .find(id)
            .select(clients::organisation)
            .get_result::<String>(conn)
            .optional()?
            .map(Some),
        "webhook" => webhooks::table
            .find(id)
            .select(webhooks::organisation)
            .get_result::<String>(conn)
            .optional()?
            .map(Some),
        "action" => actions::table
            .find(id)
            .select(actions::organisation)
            .get_result::<String>(conn)
            .optional()?
            .map(Some),
        // A session belongs to its account's ICB.
        "session" => sessions::table
            .inner_join(users::table.on(users::id.eq(sessions::user_id)))
            .filter(sessions::id.eq(id))
            .select(users::organisation)
            .get_result::<Option<String>>(conn)
            .optional()?,
        // An organisation (an ICB's own routes) belongs to itself.
        "organisation" => organisations::table
            .filter(organisations::code.eq(id))
            .select(organisations::code)
            .first::<String>(conn)
            .optional()?
            .map(Some),
        _ => None,
    })
}
