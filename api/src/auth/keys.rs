//! Ed25519 signing keys from a folder: `<kid>.pem` (PKCS#8 private key: signs and verifies) and
//! `<kid>.pub.pem` (SPKI public key: verifies only, for a retired key). Several keys verify while
//! one signs, so keys rotate without downtime: add the new key, make it the signer, and keep the
//! old public key until the last token it signed has expired.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{SigningKey, VerifyingKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::{Value, json};

/// A key set that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// The keys in use.
pub struct KeySet {
    signing_kid: String,
    signing: EncodingKey,
    verifying: BTreeMap<String, DecodingKey>,
    jwks: Value,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet")
            .field("signing_kid", &self.signing_kid)
            .field("kids", &self.verifying.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn public_jwk(kid: &str, key: &VerifyingKey) -> (String, Value) {
    let x = URL_SAFE_NO_PAD.encode(key.as_bytes());
    let jwk =
        json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "use": "sig", "alg": "EdDSA"});
    (x, jwk)
}

impl KeySet {
    /// Loads every key in `dir`. With `create_if_empty`, a folder without a private key gets a
    /// new one (mode 0600), as on the embedded default's first start.
    pub fn load(
        dir: &Path,
        signing_kid: Option<&str>,
        create_if_empty: bool,
    ) -> Result<Self, KeyError> {
        let err = |m: String| KeyError(format!("LEDER_JWT_KEYS_DIR ({}): {m}", dir.display()));
        if create_if_empty {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let mut private = BTreeMap::new();
        let mut public = BTreeMap::new();
        let entries = std::fs::read_dir(dir).map_err(|e| err(e.to_string()))?;
        for entry in entries {
            let path = entry.map_err(|e| err(e.to_string()))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let text = || std::fs::read_to_string(&path).map_err(|e| err(format!("{name}: {e}")));
            if let Some(kid) = name.strip_suffix(".pub.pem") {
                let key = VerifyingKey::from_public_key_pem(&text()?)
                    .map_err(|e| err(format!("{name}: not an Ed25519 public key: {e}")))?;
                public.insert(kid.to_owned(), key);
            } else if let Some(kid) = name.strip_suffix(".pem") {
                let pem = text()?;
                let key = SigningKey::from_pkcs8_pem(&pem)
                    .map_err(|e| err(format!("{name}: not an Ed25519 private key: {e}")))?;
                private.insert(kid.to_owned(), (key, pem));
            }
        }
        if private.is_empty() && create_if_empty {
            let kid = generate(dir).map_err(|e| err(e.0))?;
            return Self::load(dir, Some(&kid), false);
        }
        let chosen = match signing_kid {
            Some(kid) => kid.to_owned(),
            None => private
                .keys()
                .next_back()
                .cloned()
                .ok_or_else(|| err("no private key (<kid>.pem) to sign with".into()))?,
        };
        let (_, pem) = private
            .get(&chosen)
            .ok_or_else(|| err(format!("no private key named {chosen}.pem")))?;
        let signing = EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|e| err(e.to_string()))?;
        let mut verifying = BTreeMap::new();
        let mut keys = Vec::new();
        let all = private
            .iter()
            .map(|(kid, (k, _))| (kid.clone(), k.verifying_key()))
            .chain(public);
        for (kid, key) in all {
            let (x, jwk) = public_jwk(&kid, &key);
            let decoding = DecodingKey::from_ed_components(&x).map_err(|e| err(e.to_string()))?;
            verifying.insert(kid, decoding);
            keys.push(jwk);
        }
        Ok(KeySet {
            signing_kid: chosen,
            signing,
            verifying,
            jwks: json!({ "keys": keys }),
        })
    }

    /// The kid that signs new tokens.
    pub fn signing_kid(&self) -> &str {
        &self.signing_kid
    }

    /// The signing key.
    pub fn signing_key(&self) -> &EncodingKey {
        &self.signing
    }

    /// The key that verifies tokens with this kid.
    pub fn verifying_key(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifying.get(kid)
    }

    /// The public keys as a JWK Set.
    pub fn jwks(&self) -> &Value {
        &self.jwks
    }
}

/// Generates a new private key in `dir`, readable by its owner only; returns its kid.
pub fn generate(dir: &Path) -> Result<String, KeyError> {
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    // PKCS#8 v1 (RFC 5208: the private key alone). The v2 form ed25519-dalek writes for a
    // `SigningKey` (RFC 5958, with the public key) is refused by OpenSSL 3 and Python's
    // `cryptography`, so operators could not inspect or reuse the key.
    let pem = KeypairBytes {
        secret_key: secret,
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map_err(|e| KeyError(e.to_string()))?;
    secret.fill(0);
    let kid = format!(
        "k{}",
        time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year][month][day][hour][minute][second]"
            ))
            .map_err(|e| KeyError(e.to_string()))?
    );
    let path = dir.join(format!("{kid}.pem"));
    write_new_secret(&path, pem.as_bytes())
        .map_err(|e| KeyError(format!("{}: {e}", path.display())))?;
    log::info!("generated a new signing key {}", path.display());
    Ok(kid)
}

/// Writes a secret to a file that must not exist yet, readable by its owner only (mode 0600);
/// `AlreadyExists` when another process created it first.
pub fn write_new_secret(path: &Path, secret: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(secret)
}
