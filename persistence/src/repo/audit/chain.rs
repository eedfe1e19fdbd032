//! The key that seals every entry's hash, and a replica's chain sealed with it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret that keys every entry's hash (at least 32 bytes), kept outside the database.
#[derive(Clone)]
pub struct AuditKey(Hmac<Sha256>);

impl AuditKey {
    /// A key from its secret bytes; fewer than 32 is refused.
    pub fn new(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("the audit key must have at least 32 bytes of secret".into());
        }
        <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .map(AuditKey)
            .map_err(|e| e.to_string())
    }

    pub(in crate::repo::audit) fn mac(&self) -> Hmac<Sha256> {
        self.0.clone()
    }

    /// HMAC-SHA256 of `text` in hex (a checkpoint's seal).
    pub fn seal(&self, text: &str) -> String {
        let mut mac = self.mac();
        Mac::update(&mut mac, text.as_bytes());
        leder_domain::hex::encode(&mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

/// A replica's chain and the key its entries are sealed with.
#[derive(Debug, Clone)]
pub struct AuditChain {
    id: String,
    key: AuditKey,
}

impl AuditChain {
    /// The chain `id`, keyed with `key`.
    pub fn new(id: impl Into<String>, key: AuditKey) -> Self {
        AuditChain { id: id.into(), key }
    }

    /// The chain's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key its entries are sealed with.
    pub(super) fn key(&self) -> &AuditKey {
        &self.key
    }

    /// Another chain under the same key, named `<id>-<suffix>` (a long import keeps its own,
    /// so that it never holds up the server's appends to this one).
    pub fn sibling(&self, suffix: &str) -> AuditChain {
        AuditChain {
            id: format!("{}-{suffix}", self.id),
            key: self.key.clone(),
        }
    }
}
