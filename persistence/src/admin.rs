//! Database administration on PostgreSQL: creating and dropping whole databases. Used by the
//! test harness (one fresh database per test, cloned from a migrated template) and by operators.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::error::PersistenceError;

fn quote_ident(name: &str) -> Result<String, PersistenceError> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(PersistenceError::Url(format!(
            "`{name}` is not a plain database name"
        )));
    }
    Ok(format!("\"{name}\""))
}

/// Replaces the database name in a PostgreSQL URL (`postgres://host/db?x` → `.../name?x`).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Creates a database, optionally as a copy of a template.
pub fn create_database(
    server_url: &str,
    name: &str,
    template: Option<&str>,
) -> Result<(), PersistenceError> {
    let mut conn = PgConnection::establish(server_url)
        .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
    let sql = match template {
        Some(t) => format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(name)?,
            quote_ident(t)?
        ),
        None => format!("CREATE DATABASE {}", quote_ident(name)?),
    };
    conn.batch_execute(&sql)?;
    Ok(())
}

/// Drops a database, disconnecting its sessions first.
pub fn drop_database(server_url: &str, name: &str) -> Result<(), PersistenceError> {
    let mut conn = PgConnection::establish(server_url)
        .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
    conn.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(name)?
    ))?;
    Ok(())
}

/// Names of the databases whose names start with `prefix`.
pub fn databases_with_prefix(
    server_url: &str,
    prefix: &str,
) -> Result<Vec<String>, PersistenceError> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        datname: String,
    }
    let mut conn = PgConnection::establish(server_url)
        .map_err(|e| PersistenceError::Unavailable(e.to_string()))?;
    let rows: Vec<Name> = diesel::sql_query("SELECT datname FROM pg_database").load(&mut conn)?;
    Ok(rows
        .into_iter()
        .map(|n| n.datname)
        .filter(|n| n.starts_with(prefix))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_in_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u@127.0.0.1:5432/test", "x"),
            "postgres://u@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://127.0.0.1/test?sslmode=disable", "x"),
            "postgres://127.0.0.1/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://127.0.0.1", "x"),
            "postgres://127.0.0.1/x"
        );
    }

    #[test]
    fn only_plain_names_are_quoted() {
        assert!(quote_ident("leder_t_1").is_ok());
        assert!(quote_ident("x\"; DROP").is_err());
    }
}
