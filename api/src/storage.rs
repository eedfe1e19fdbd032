//! Where documents are kept: one OpenDAL operator, a folder (the embedded default, beside the
//! SQLite database) or an S3-compatible bucket, named by `LEDER_STORAGE_URL`.
//!
//! OpenDAL, as Vaultwarden uses it: one `Operator` for both back ends with the same streaming
//! reader and writer (`object_store` would do too, but OpenDAL's writer streams to a folder and
//! to S3 multipart uploads through one API, and its folder service needs no HTTP at all).
//!
//! Objects are named `reviews/<review id>/<attachment id>`, never after the file's name. An
//! object is written before the row that names it is committed; until then it is provisional,
//! and [`Storage::orphans`] (the sweep) finds objects older than a few minutes that no row
//! names, such as those of an upload whose process died before its commit.

use std::time::{Duration, SystemTime};

use futures_util::{Stream, TryStreamExt};
use opendal::{Configurator, Operator};

/// The part size of a streamed write: what one upload holds in memory at most (S3's multipart
/// parts are at least 5 MiB).
pub const WRITE_CHUNK: usize = 8 * 1024 * 1024;

/// The store of documents.
#[derive(Clone, Debug)]
pub struct Storage {
    op: Operator,
}

/// Why storage cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(String);

impl From<opendal::Error> for StorageError {
    fn from(e: opendal::Error) -> Self {
        StorageError(e.to_string())
    }
}

impl Storage {
    /// Opens `url`: `s3://bucket/root?endpoint=..&region=..` (credentials as OpenDAL's S3
    /// options or the usual AWS variables), `file:///folder`, or a folder path.
    pub fn open(url: &str) -> Result<Self, StorageError> {
        // S3 speaks HTTP through reqwest, its TLS through rustls with ring (installed once).
        let _ = rustls::crypto::ring::default_provider().install_default();
        opendal_http_transport_reqwest::install_default();
        let op = if url.starts_with("s3://") {
            let uri = opendal::OperatorUri::new(url, std::iter::empty::<(String, String)>())?;
            let config = opendal::services::S3Config::from_uri(&uri)?;
            Operator::new(config.into_builder())?
        } else {
            let path = url.strip_prefix("file://").unwrap_or(url);
            if path.is_empty() {
                return Err(StorageError("an empty folder name".into()));
            }
            std::fs::create_dir_all(path).map_err(|e| StorageError(format!("{path}: {e}")))?;
            Operator::new(opendal::services::Fs::default().root(path))?
        };
        Ok(Storage { op })
    }

    /// The key of a review's document.
    pub fn key(review_id: &str, attachment_id: &str) -> String {
        format!("reviews/{review_id}/{attachment_id}")
    }

    /// A streaming writer of `key`.
    pub async fn writer(&self, key: &str) -> Result<opendal::Writer, StorageError> {
        Ok(self.op.writer_with(key).chunk(WRITE_CHUNK).await?)
    }

    /// The object's bytes as a stream, read in bounded chunks.
    pub async fn read(
        &self,
        key: &str,
    ) -> Result<
        impl Stream<Item = Result<actix_web::web::Bytes, std::io::Error>> + use<>,
        StorageError,
    > {
        let reader = self.op.reader_with(key).chunk(4 * 1024 * 1024).await?;
        Ok(reader.into_bytes_stream(..).await?)
    }

    /// Removes an object (nothing if it is gone already).
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        Ok(self.op.delete(key).await?)
    }

    /// Removes every object of a review.
    pub async fn remove_review(&self, review_id: &str) -> Result<(), StorageError> {
        Ok(self
            .op
            .delete_with(&format!("reviews/{review_id}/"))
            .recursive(true)
            .await?)
    }

    /// Whether the object exists.
    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        Ok(self.op.exists(key).await?)
    }

    /// The keys of objects written more than `age` ago, for the sweep to check against rows.
    pub async fn older_than(&self, age: Duration) -> Result<Vec<String>, StorageError> {
        let cutoff = SystemTime::now()
            .checked_sub(age)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut lister = self.op.lister_with("reviews/").recursive(true).await?;
        let mut old = Vec::new();
        while let Some(entry) = lister.try_next().await? {
            if !entry.metadata().is_file() {
                continue;
            }
            let path = entry.path().to_owned();
            let modified = match entry.metadata().last_modified() {
                Some(t) => Some(t),
                None => self.op.stat(&path).await?.last_modified(),
            };
            if modified.is_none_or(|t| SystemTime::from(t) <= cutoff) {
                old.push(path);
            }
        }
        Ok(old)
    }
}
