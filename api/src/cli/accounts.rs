//! `leder user create` and `leder client create`: accounts made on the command line, checked
//! by the same rules as the API's and audited on the command line's chain.

use leder_domain::audit::AuditAction;
use std::process::ExitCode;

use leder_persistence::repo::users::NewUser;

use super::{cli_entry, cli_state, fail};
use crate::app::accounts::{check_account, check_icb, new_secret, secret_hash};
use crate::auth::password;
use crate::config::Config;

pub(super) async fn create_user(
    config: Config,
    username: String,
    roles: Vec<String>,
    org: Option<String>,
    display_name: Option<String>,
) -> ExitCode {
    let mut role_names = Vec::new();
    for r in &roles {
        match r.parse::<leder_domain::workflow::Role>() {
            Ok(role) => role_names.push(role),
            Err(_) => return fail(&format!("--role {r}: not a role")),
        }
    }
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let (roles, org) = match check_account(&pool, &role_names, org.as_deref()).await {
        Ok(v) => v,
        Err(e) => return fail(&e.problem().detail),
    };
    let username = username.trim().to_ascii_lowercase();
    let (secret, generated) = match std::env::var("LEDER_NEW_USER_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (password::random(), true),
    };
    if let Some(problem) = password::policy_problem(&secret, &username) {
        return fail(&format!("LEDER_NEW_USER_PASSWORD: {problem}"));
    }
    let hash = match password::Hasher::new(config.password_cost).and_then(|h| h.hash(&secret)) {
        Ok(h) => h,
        Err(e) => return fail(&e),
    };
    let new = NewUser {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username: username.clone(),
        roles,
        organisation: org,
        password_hash: hash,
        federated_subject: None,
    };
    let audited = audit.audited(cli_entry("user create", AuditAction::Create, None));
    let result = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        leder_persistence::repo::users::create(&mut conn, new, Some(&audited))
            .map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(row)) => {
            println!("created user {} ({})", row.username, row.id);
            if generated {
                println!("password: {secret}");
            }
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => fail(&e),
        Err(e) => fail(&e.to_string()),
    }
}

pub(super) async fn create_client(config: Config, org: String, name: String) -> ExitCode {
    let (pool, audit) = match cli_state(&config).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let org = match check_icb(&pool, &org).await {
        Ok(o) => o,
        Err(e) => return fail(&e.problem().detail),
    };
    let secret = new_secret();
    let hash = secret_hash(&secret);
    let audited = audit.audited(cli_entry("client create", AuditAction::Create, None));
    let result = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        leder_persistence::repo::clients::create(
            &mut conn,
            &name,
            &org,
            &hash,
            &leder_persistence::records::identity::ClientAuth::Secret,
            Some(&audited),
        )
        .map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(row)) => {
            println!("client_id: {}", row.id);
            println!("client_secret: {secret}");
            println!("(the secret is not kept: store it now)");
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => fail(&e),
        Err(e) => fail(&e.to_string()),
    }
}
