//! Machine clients (role `integration`, one ICB). Changes are audited in their transaction.

use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::PersistenceError;
use crate::records::identity::{Client, ClientAuth};
use crate::reference::now_utc;
use crate::repo::audit::Audited;
use crate::repo::audit::append;
use crate::rows::identity::ClientRow;
use crate::schema::clients;
use leder_domain::sign_in::ClientAuthMethod;

/// Creates a client with an already-hashed secret (for a `private_key_jwt` client, the hash of a
/// random value nobody is given) and how it authenticates.
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    organisation: &str,
    secret_hash: &str,
    auth: &ClientAuth,
    audited: Option<&Audited>,
) -> Result<Client, PersistenceError> {
    let (auth_method, public_jwks) = match auth {
        ClientAuth::Secret => (ClientAuthMethod::ClientSecret, None),
        ClientAuth::PrivateKeyJwt(jwks) => (ClientAuthMethod::PrivateKeyJwt, Some(jwks.clone())),
    };
    let row = ClientRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: name.to_owned(),
        organisation: organisation.to_owned(),
        secret_hash: secret_hash.to_owned(),
        created_at: now_utc(),
        revoked_at: None,
        auth_method: auth_method.as_str().to_owned(),
        public_jwks,
    };
    write_transaction(conn, |conn| {
        diesel::insert_into(clients::table)
            .values(&row)
            .execute(conn)?;
        if let Some(a) = audited {
            let mut entry = a.entry.clone();
            entry.subject = Some(format!("client:{}", row.id));
            entry.subject_organisation = Some(row.organisation.clone());
            append(conn, &a.chain, &[entry])?;
        }
        Ok::<_, PersistenceError>(())
    })?;
    Client::try_from(row)
}

/// One client by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<Client>, PersistenceError> {
    clients::table
        .find(id)
        .select(ClientRow::as_select())
        .get_result(conn)
        .optional()?
        .map(Client::try_from)
        .transpose()
}

/// Clients ordered by id (creation order), after a cursor.
pub fn list(
    conn: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<Client>, PersistenceError> {
    let mut q = clients::table
        .select(ClientRow::as_select())
        .order(clients::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(clients::id.gt(after.to_owned()));
    }
    q.load::<ClientRow>(conn)?
        .into_iter()
        .map(Client::try_from)
        .collect()
}

/// Revokes a client (its tokens stop working at once); `Ok(None)` when there is no such client.
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    audited: &Audited,
) -> Result<Option<Client>, PersistenceError> {
    write_transaction(conn, |conn| {
        let Some(mut row) = get(conn, id)? else {
            return Ok(None);
        };
        if row.revoked_at.is_none() {
            let now = now_utc();
            diesel::update(clients::table.find(id))
                .set(clients::revoked_at.eq(Some(now)))
                .execute(conn)?;
            row.revoked_at = Some(now);
        }
        let mut entry = audited.entry.clone();
        entry.subject = Some(format!("client:{id}"));
        entry.subject_organisation = Some(row.organisation.clone());
        append(conn, &audited.chain, &[entry])?;
        Ok(Some(row))
    })
}
