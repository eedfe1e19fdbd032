//! The relying party of federation with an OpenID Connect provider (NHS CIS2 in production),
//! with the `openidconnect` crate: discovery, the authorization request (code flow with PKCE,
//! `state`, `nonce`), the code exchange and the ID token's checks.
//!
//! Rules: the provider's metadata and keys (JWKS) come from discovery and are kept
//! [`METADATA_TTL`]; an ID token signed with a key not in them makes leder fetch them again once,
//! so a key rotation at the provider needs no restart. An ID token is accepted only when its
//! signature verifies with the provider's key (RS256, PS256 or ES256, never `none` or HMAC),
//! `iss` is the configured issuer, `aud` holds leder's client id (and `azp` is it when there are
//! others), `exp` has not passed, `nonce` is the one sent, `at_hash` (when present) matches the
//! access token, and, when `LEDER_OIDC_ACR_VALUES` is set, `acr` is one of them. The HTTP client
//! never follows redirects (the crate's SSRF warning) and gives up after 10 seconds.
//!
//! What the person is in leder is leder's: the provider says only who they are (`sub`) and how
//! strongly they signed in (`acr`); the account an admin linked to that subject, its roles and
//! ICB do the rest (see `federated_sign_in`).

use std::time::{Duration, Instant};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError,
    ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, SignatureVerificationError, TokenResponse,
};

use crate::config::federation::Federation;

/// The client as discovery makes it: an authorization endpoint, perhaps a token endpoint.
type RpClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// How long discovered metadata and keys are used before they are fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(300);

/// Why federation cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FederationError {
    /// The provider could not be reached, or answered something that is not OpenID Connect.
    #[error("the identity provider cannot be reached: {0}")]
    Unavailable(String),
    /// The provider's answer failed a check: the sign-in is refused.
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
}

/// What leder must remember between sending the person to the provider and their return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Where to send the browser.
    pub url: String,
    /// The `state` sent (to match the callback's).
    pub state: String,
    /// The `nonce` sent (to match the ID token's).
    pub nonce: String,
    /// The PKCE verifier of the challenge sent.
    pub verifier: String,
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's subject.
    pub subject: String,
    /// The assurance level of the sign-in (`acr`), if the provider said.
    pub acr: Option<String>,
}

/// The provider, its discovered metadata, and the HTTP client that reaches it.
pub struct Provider {
    config: Federation,
    http: openidconnect::reqwest::Client,
    cached: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

fn unavailable(e: impl std::fmt::Display) -> FederationError {
    FederationError::Unavailable(e.to_string())
}

impl Provider {
    /// The relying party of `config` (nothing is fetched until the first sign-in).
    pub fn new(config: Federation) -> Result<Provider, String> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Provider {
            config,
            http,
            cached: tokio::sync::Mutex::new(None),
        })
    }

    /// The provider's name on the sign-in page.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The configured issuer.
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// The provider's metadata and keys: cached, or fetched when `fresh` or run out.
    async fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, FederationError> {
        let mut cached = self.cached.lock().await;
        if let Some((at, metadata)) = cached.as_ref()
            && !fresh
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(unavailable)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(unavailable)?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    fn redirect_url(&self) -> Result<RedirectUrl, FederationError> {
        let uri = self.config.redirect_uri.clone().unwrap_or_default();
        RedirectUrl::new(uri).map_err(unavailable)
    }

    /// The authorization request to send the person's browser to.
    pub async fn start(&self) -> Result<Sent, FederationError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        for acr in &self.config.acr_values {
            request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Sent {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
        })
    }

    /// Redeems the provider's `code` and checks its ID token against `nonce`: who signed in.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        verifier: &str,
    ) -> Result<Identity, FederationError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(metadata.clone())?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(unavailable)?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| FederationError::Refused(format!("the code exchange failed: {e}")))?;
        match self.check(&client, &response, nonce) {
            // A key the cached JWKS lacks: the provider may have rotated; fetch once more.
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                let client = self.client(self.metadata(true).await?)?;
                self.check(&client, &response, nonce)
                    .map_err(|e| FederationError::Refused(e.to_string()))
            }
            other => other.map_err(|e| FederationError::Refused(e.to_string())),
        }
    }

    fn client(&self, metadata: CoreProviderMetadata) -> Result<RpClient, FederationError> {
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect_url()?))
    }

    fn check(
        &self,
        client: &RpClient,
        response: &openidconnect::core::CoreTokenResponse,
        nonce: &str,
    ) -> Result<Identity, ClaimsVerificationError> {
        let id_token = response.id_token().ok_or_else(|| {
            ClaimsVerificationError::Other("the provider answered no ID token".into())
        })?;
        let acr_values = self.config.acr_values.clone();
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs([
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
                CoreJwsSigningAlgorithm::RsaSsaPssSha256,
                CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            ])
            .set_auth_context_verifier_fn(move |acr| {
                let accepted = acr_values.is_empty()
                    || acr.is_some_and(|a| acr_values.iter().any(|v| v == a.as_str()));
                if accepted {
                    Ok(())
                } else {
                    Err(format!(
                        "acr {:?} is not one of {}",
                        acr.map(|a| a.as_str()),
                        acr_values.join(", ")
                    ))
                }
            });
        let claims = id_token.claims(&verifier, &Nonce::new(nonce.to_owned()))?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token
                .signing_alg()
                .map_err(ClaimsVerificationError::SignatureVerification)?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(ClaimsVerificationError::SignatureVerification)?;
            let actual = AccessTokenHash::from_token(response.access_token(), alg, key)
                .map_err(|e| ClaimsVerificationError::Other(e.to_string()))?;
            if actual != *expected {
                return Err(ClaimsVerificationError::Other(
                    "at_hash does not match the access token".into(),
                ));
            }
        }
        Ok(Identity {
            subject: claims.subject().as_str().to_owned(),
            acr: claims.auth_context_ref().map(|a| a.as_str().to_owned()),
        })
    }
}
