//! The front-end clients of the authorization-code flow, from `LEDER_OAUTH_CLIENTS`.
//!
//! Front ends in a browser are public clients (RFC 6749 section 2.1): they hold no secret, so
//! what identifies them is the exact redirect URIs registered for them (compared character for
//! character, never by prefix or pattern: RFC 9700 section 2.1) and PKCE. A redirect URI is
//! `https://`, or `http://` on a loopback host for development (RFC 8252 section 7.3), with no
//! fragment.

use super::ConfigError;

/// A registered public client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicClient {
    /// Its `client_id`.
    pub id: String,
    /// Its redirect URIs, exactly as registered.
    pub redirect_uris: Vec<String>,
}

/// The variable.
pub const VAR: &str = "LEDER_OAUTH_CLIENTS";

fn client_id_ok(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Whether `uri` may be registered as a redirect URI.
pub fn redirect_uri_ok(uri: &str) -> bool {
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if let Some(rest) = uri.strip_prefix("https://") {
        return !rest.is_empty() && !rest.starts_with('/');
    }
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = authority
        .rsplit_once(':')
        .filter(|(h, port)| {
            !h.is_empty() && !h.ends_with(':') && port.chars().all(|c| c.is_ascii_digit())
        })
        .map_or(authority, |(h, _)| h);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// The client id of Swagger UI's Authorize dialog.
pub const SWAGGER_UI: &str = "swagger-ui";

/// Registers Swagger UI as a client (unless a client of that id is configured): its redirect
/// page at `public_url`, and on a loopback or unspecified bind address at `127.0.0.1` and
/// `localhost` with the bound `port`.
pub fn with_swagger_ui(
    clients: &mut Vec<PublicClient>,
    public_url: Option<&str>,
    bind: std::net::IpAddr,
    port: u16,
) {
    if clients.iter().any(|c| c.id == SWAGGER_UI) {
        return;
    }
    let page = "/swagger-ui/oauth2-redirect.html";
    let mut redirect_uris: Vec<String> = public_url
        .map(|u| format!("{u}{page}"))
        .into_iter()
        .collect();
    if bind.is_loopback() || bind.is_unspecified() {
        redirect_uris.push(format!("http://127.0.0.1:{port}{page}"));
        redirect_uris.push(format!("http://localhost:{port}{page}"));
    }
    clients.push(PublicClient {
        id: SWAGGER_UI.to_owned(),
        redirect_uris,
    });
}

/// Parses `client_id=redirect_uri` pairs separated by commas; a client with several redirect
/// URIs is named once per URI.
pub fn parse(text: Option<String>) -> Result<Vec<PublicClient>, ConfigError> {
    let mut clients: Vec<PublicClient> = Vec::new();
    let Some(text) = text else {
        return Ok(clients);
    };
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |message: String| ConfigError { var: VAR, message };
        let (id, uri) = pair
            .split_once('=')
            .ok_or_else(|| bad(format!("`{pair}` is not client_id=redirect_uri")))?;
        let (id, uri) = (id.trim(), uri.trim());
        if !client_id_ok(id) {
            return Err(bad(format!(
                "`{id}` is not a client id (1 to 64 letters, digits, '.', '_' or '-')"
            )));
        }
        if !redirect_uri_ok(uri) {
            return Err(bad(format!(
                "`{uri}` is not a redirect URI: https://, or http:// on localhost, 127.0.0.1 \
                 or [::1], without a fragment"
            )));
        }
        match clients.iter_mut().find(|c| c.id == id) {
            Some(client) => client.redirect_uris.push(uri.to_owned()),
            None => clients.push(PublicClient {
                id: id.to_owned(),
                redirect_uris: vec![uri.to_owned()],
            }),
        }
    }
    Ok(clients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_read_with_every_redirect_uri() {
        let clients = parse(Some(
            "web=https://leder.example.nhs.uk/callback, web=http://localhost:3000/cb,cli=http://127.0.0.1:8765/".into(),
        ))
        .unwrap();
        assert_eq!(clients.len(), 2);
        assert_eq!(
            clients[0].redirect_uris,
            [
                "https://leder.example.nhs.uk/callback",
                "http://localhost:3000/cb"
            ]
        );
        assert_eq!(clients[1].id, "cli");
    }

    #[test]
    fn plain_http_elsewhere_fragments_and_bad_ids_are_refused() {
        for bad in [
            "web=http://leder.example.nhs.uk/cb",
            "web=https://leder.example.nhs.uk/cb#x",
            "web=ftp://x/",
            "w b=https://x/",
            "web",
            "web=http://localhost.evil.example/cb",
        ] {
            assert!(parse(Some(bad.into())).is_err(), "{bad}");
        }
    }
}
