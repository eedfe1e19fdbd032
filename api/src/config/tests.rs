//! Tests of `config`.
use super::*;
use std::collections::HashMap;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn the_defaults_are_the_embedded_database_on_localhost() {
    let c = config(&[]).unwrap();
    assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
    assert_eq!(c.bind.to_string(), DEFAULT_BIND);
    assert_eq!(c.body_limit, 1024 * 1024);
    assert_eq!(c.pool_size, 10);
    assert_eq!(c.password_cost, crate::auth::password::Cost::DEFAULT);
}

#[test]
fn the_password_cost_is_configurable_down_to_argon2s_minimum() {
    let c = config(&[
        ("LEDER_PASSWORD_HASH_MEMORY_KIB", "8"),
        ("LEDER_PASSWORD_HASH_ITERATIONS", "1"),
    ])
    .unwrap();
    assert_eq!(c.password_cost, crate::auth::password::Cost::CHEAPEST);
    assert_eq!(
        config(&[("LEDER_PASSWORD_HASH_MEMORY_KIB", "7")])
            .unwrap_err()
            .var,
        "LEDER_PASSWORD_HASH_MEMORY_KIB"
    );
    assert_eq!(
        config(&[("LEDER_PASSWORD_HASH_ITERATIONS", "0")])
            .unwrap_err()
            .var,
        "LEDER_PASSWORD_HASH_ITERATIONS"
    );
}

#[test]
fn webhook_names_can_be_pinned_to_addresses() {
    let c = config(&[(
        "LEDER_WEBHOOK_RESOLVE",
        "Hooks.Example.org.=192.0.2.7, v6.example.org=[2001:db8::1]",
    )])
    .unwrap();
    assert_eq!(
        c.webhook_resolve,
        [
            ("hooks.example.org".to_owned(), "192.0.2.7".parse().unwrap()),
            ("v6.example.org".to_owned(), "2001:db8::1".parse().unwrap()),
        ]
    );
    for bad in [
        "hooks.example.org",
        "=192.0.2.7",
        "hooks.example.org=nowhere",
    ] {
        assert_eq!(
            config(&[("LEDER_WEBHOOK_RESOLVE", bad)]).unwrap_err().var,
            "LEDER_WEBHOOK_RESOLVE"
        );
    }
}

#[test]
fn a_bad_value_names_its_variable() {
    assert_eq!(
        config(&[("LEDER_POOL_SIZE", "lots")]).unwrap_err().var,
        "LEDER_POOL_SIZE"
    );
    assert_eq!(
        config(&[("LEDER_POOL_SIZE", "0")]).unwrap_err().var,
        "LEDER_POOL_SIZE"
    );
    assert_eq!(
        config(&[("LEDER_BIND", "nowhere")]).unwrap_err().var,
        "LEDER_BIND"
    );
    assert_eq!(
        config(&[("LEDER_DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .var,
        "LEDER_DATABASE_URL"
    );
}
