//! Federation with an OpenID Connect provider (NHS CIS2 in production), from `LEDER_OIDC_*`.
//!
//! Rules: the issuer, client id and client secret come together or not at all (a half-set
//! federation stops start-up naming the missing variable). The issuer is `https://`, or
//! `http://` on a loopback host for development and tests. leder's own callback is
//! `$LEDER_PUBLIC_URL/api/v1/auth/federated/callback`, or on a loopback bind the same path on
//! `127.0.0.1` and the bound port; register that at the provider.

use super::ConfigError;

/// The variables.
pub const ISSUER: &str = "LEDER_OIDC_ISSUER";
/// The client id leder has at the provider.
pub const CLIENT_ID: &str = "LEDER_OIDC_CLIENT_ID";
/// Its secret.
pub const CLIENT_SECRET: &str = "LEDER_OIDC_CLIENT_SECRET";
/// What the sign-in page's button calls the provider.
pub const NAME: &str = "LEDER_OIDC_NAME";
/// The scopes asked for, beside `openid`.
pub const SCOPES: &str = "LEDER_OIDC_SCOPES";
/// The assurance levels (`acr`) asked for and accepted.
pub const ACR_VALUES: &str = "LEDER_OIDC_ACR_VALUES";

/// leder's callback path at which the provider sends the person back.
pub const CALLBACK_PATH: &str = "/api/v1/auth/federated/callback";

/// The configured provider.
#[derive(Clone, PartialEq, Eq)]
pub struct Federation {
    /// The issuer identifier (discovery is at `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// leder's client id there.
    pub client_id: String,
    /// leder's client secret there.
    pub client_secret: String,
    /// The provider's name on the sign-in page ("Sign in with <name>").
    pub name: String,
    /// Scopes asked for beside `openid`.
    pub scopes: Vec<String>,
    /// When not empty: sent as `acr_values`, and an ID token whose `acr` is not one of them is
    /// refused.
    pub acr_values: Vec<String>,
    /// leder's callback URL, set when the server binds (see the module's rules).
    pub redirect_uri: Option<String>,
}

impl std::fmt::Debug for Federation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Federation")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .field("acr_values", &self.acr_values)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

fn words(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the federation settings; `None` when no provider is configured.
pub fn parse(get: &impl Fn(&str) -> Option<String>) -> Result<Option<Federation>, ConfigError> {
    let value = |var: &str| {
        get(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let (issuer, client_id, client_secret) =
        match (value(ISSUER), value(CLIENT_ID), value(CLIENT_SECRET)) {
            (None, None, None) => return Ok(None),
            (Some(i), Some(c), Some(s)) => (i, c, s),
            (i, c, _) => {
                let missing = if i.is_none() {
                    ISSUER
                } else if c.is_none() {
                    CLIENT_ID
                } else {
                    CLIENT_SECRET
                };
                return Err(ConfigError {
                    var: missing,
                    message: format!(
                        "federation needs {ISSUER}, {CLIENT_ID} and {CLIENT_SECRET} together"
                    ),
                });
            }
        };
    let issuer = issuer.trim_end_matches('/').to_owned();
    if !super::oauth::redirect_uri_ok(&issuer) || issuer.contains('?') {
        return Err(ConfigError {
            var: ISSUER,
            message: format!(
                "`{issuer}` is not an https:// issuer URL (or http:// on a loopback host)"
            ),
        });
    }
    let scopes = words(value(SCOPES))
        .into_iter()
        .filter(|s| s != "openid")
        .collect();
    Ok(Some(Federation {
        issuer,
        client_id,
        client_secret,
        name: value(NAME).unwrap_or_else(|| "your organisation's account".to_owned()),
        scopes,
        acr_values: words(value(ACR_VALUES)),
        redirect_uri: None,
    }))
}

/// Sets leder's callback URL: under `public_url`, else on a loopback or unspecified bind
/// address at `127.0.0.1` and `port`. Answers an error when neither gives one.
pub fn with_redirect_uri(
    federation: &mut Federation,
    public_url: Option<&str>,
    bind: std::net::IpAddr,
    port: u16,
) -> Result<(), ConfigError> {
    federation.redirect_uri = match public_url {
        Some(base) => Some(format!("{base}{CALLBACK_PATH}")),
        None if bind.is_loopback() || bind.is_unspecified() => {
            Some(format!("http://127.0.0.1:{port}{CALLBACK_PATH}"))
        }
        None => {
            return Err(ConfigError {
                var: "LEDER_PUBLIC_URL",
                message: format!(
                    "federation ({ISSUER}) needs the address people reach leder at, for the \
                     provider to send them back to"
                ),
            });
        }
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<Option<Federation>, ConfigError> {
        parse(&|k: &str| {
            pairs
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn federation_is_off_unless_configured_and_needs_all_three_settings() {
        assert_eq!(read(&[]).unwrap(), None);
        let half = read(&[(ISSUER, "https://cis2.example"), (CLIENT_ID, "leder")]);
        assert_eq!(half.unwrap_err().var, CLIENT_SECRET);
        let full = read(&[
            (ISSUER, "https://cis2.example/"),
            (CLIENT_ID, "leder"),
            (CLIENT_SECRET, "s"),
            (SCOPES, "openid profile email"),
            (ACR_VALUES, "AAL3_ANY"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(full.issuer, "https://cis2.example");
        assert_eq!(full.scopes, ["profile", "email"]);
        assert_eq!(full.acr_values, ["AAL3_ANY"]);
        assert!(!format!("{full:?}").contains("\"s\""));
    }

    #[test]
    fn a_plain_http_issuer_elsewhere_than_loopback_is_refused() {
        let bad = read(&[
            (ISSUER, "http://cis2.example"),
            (CLIENT_ID, "leder"),
            (CLIENT_SECRET, "s"),
        ]);
        assert_eq!(bad.unwrap_err().var, ISSUER);
    }
}
