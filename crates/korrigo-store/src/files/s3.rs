//! The S3-compatible backend (AWS, Garage, MinIO, Ceph, Scaleway, OVH...), through `opendal`.
//!
//! Writes go through opendal's writer in 8 MiB parts (multipart upload past the first part), so
//! memory stays bounded whatever the file's size; an object appears whole when the writer
//! closes, or not at all. A resumable upload keeps each chunk as its own object beside the
//! final key (`<key>.upload/<offset>`): any instance can take the next chunk, since the offset
//! is in the database and the chunks are in the bucket; [`super::FileStore::finish_upload`]
//! assembles them (server-side copies where the service allows).

use super::{FileReader, checked, io};
use crate::StoreError;
use opendal::{ErrorKind, Operator};
use std::fmt;
use tokio::io::{AsyncRead, AsyncReadExt};

/// Part size of multipart writes: S3's minimum is 5 MiB.
const PART: usize = 8 << 20;

/// Where and how to reach the bucket.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// `https://s3.fr-par.scw.cloud`, `http://127.0.0.1:3900`...
    pub endpoint: String,
    /// The bucket, which must exist.
    pub bucket: String,
    /// The region (`us-east-1` when the service does not care).
    pub region: String,
    /// The access key's id.
    pub access_key_id: String,
    /// The access key's secret (never logged).
    pub secret_access_key: String,
    /// Path-style addressing (`endpoint/bucket/key`), what self-hosted servers want; otherwise
    /// virtual-host style (`bucket.endpoint/key`).
    pub path_style: bool,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[hidden]")
            .field("path_style", &self.path_style)
            .finish()
    }
}

/// The connection to a bucket.
#[derive(Clone)]
pub struct S3 {
    pub(super) op: Operator,
    /// The runtime that blocking callers (the scan pipeline's threads) hand their I/O to.
    pub(super) rt: tokio::runtime::Handle,
    pub(super) bucket: String,
    pub(super) endpoint: String,
}

impl fmt::Debug for S3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3({} at {})", self.bucket, self.endpoint)
    }
}

/// Installs rustls' ring provider and opendal's HTTP client once. The client is built without
/// a TLS provider of its own (its default, aws-lc, is a long C build), so that one TLS stack
/// serves PostgreSQL and S3.
fn crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        opendal_http_transport_reqwest::install_default();
    });
}

impl S3 {
    /// Connects (lazily: nothing is sent until the first request). Must be called inside a
    /// Tokio runtime.
    pub fn new(c: &S3Config) -> Result<S3, StoreError> {
        crypto_provider();
        let mut b = opendal::services::S3::default()
            .endpoint(&c.endpoint)
            .bucket(&c.bucket)
            .region(&c.region)
            .access_key_id(&c.access_key_id)
            .secret_access_key(&c.secret_access_key)
            .disable_config_load()
            .disable_ec2_metadata();
        if !c.path_style {
            b = b.enable_virtual_host_style();
        }
        let op = Operator::new(b)
            .map_err(|e| StoreError::Files(format!("S3 settings: {}", e.message())))?
            .layer(opendal::layers::RetryLayer::new().with_max_times(3))
            .layer(
                opendal::layers::TimeoutLayer::new()
                    .with_timeout(std::time::Duration::from_secs(60))
                    .with_io_timeout(std::time::Duration::from_secs(30)),
            );
        let rt = tokio::runtime::Handle::try_current()
            .map_err(|_| StoreError::Files("the S3 store needs a Tokio runtime".into()))?;
        Ok(S3 {
            op,
            rt,
            bucket: c.bucket.clone(),
            endpoint: c.endpoint.clone(),
        })
    }

    /// An opendal error as a message a person can act on.
    pub(super) fn error(&self, e: opendal::Error, what: &str) -> StoreError {
        let text = e.to_string();
        let why = if text.contains("NoSuchBucket") {
            format!(
                "the bucket `{}` does not exist at {}: create it, or fix KORRIGO_S3_BUCKET",
                self.bucket, self.endpoint
            )
        } else if text.contains("RequestTimeTooSkewed") {
            "the server refused the request's time: this machine's clock is off (set up NTP)".into()
        } else if text.contains("InvalidAccessKeyId")
            || text.contains("SignatureDoesNotMatch")
            || e.kind() == ErrorKind::PermissionDenied
        {
            format!(
                "access refused by {} for bucket `{}`: check KORRIGO_S3_ACCESS_KEY_ID, \
                 KORRIGO_S3_SECRET_ACCESS_KEY and the key's rights on the bucket",
                self.endpoint, self.bucket
            )
        } else if text.contains("error sending request")
            || text.contains("connect")
            || text.contains("dns")
        {
            format!(
                "cannot reach the S3 endpoint {}: check KORRIGO_S3_ENDPOINT and the network",
                self.endpoint
            )
        } else {
            e.message().to_string()
        };
        StoreError::Files(format!("{what}: {why}"))
    }

    pub(super) async fn put_stream<R: AsyncRead + Unpin>(
        &self,
        key: &str,
        body: R,
        max: Option<u64>,
    ) -> Result<u64, StoreError> {
        checked(key)?;
        let mut w = self
            .op
            .writer_with(key)
            .chunk(PART)
            .await
            .map_err(|e| self.error(e, "cannot start a write"))?;
        let mut body = body.take(max.map_or(u64::MAX, |m| m + 1));
        let mut total = 0u64;
        let res: Result<(), StoreError> = async {
            loop {
                let mut buf = vec![0u8; 1 << 20];
                let mut filled = 0;
                while filled < buf.len() {
                    let n = body
                        .read(&mut buf[filled..])
                        .await
                        .map_err(|e| io(e, "read failed"))?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                if filled == 0 {
                    return Ok(());
                }
                total += filled as u64;
                if max.is_some_and(|m| total > m) {
                    return Err(StoreError::Files("the chunk is larger than allowed".into()));
                }
                buf.truncate(filled);
                w.write(buf)
                    .await
                    .map_err(|e| self.error(e, "write failed"))?;
            }
        }
        .await;
        match res {
            Ok(()) => {
                w.close().await.map_err(|e| self.error(e, "write failed"))?;
                Ok(total)
            }
            Err(e) => {
                let _ = w.abort().await;
                Err(e)
            }
        }
    }

    pub(super) async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.op.read(checked_str(key)?).await {
            Ok(b) => Ok(Some(b.to_vec())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(e, "read failed")),
        }
    }

    pub(super) async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self.op.stat(checked_str(key)?).await {
            Ok(m) => Ok(Some(m.content_length())),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(e, "stat failed")),
        }
    }

    pub(super) async fn open(&self, key: &str) -> Result<Option<(FileReader, u64)>, StoreError> {
        use tokio_util::compat::FuturesAsyncReadCompatExt;
        let Some(len) = self.size(key).await? else {
            return Ok(None);
        };
        let r = self
            .op
            .reader_with(key)
            .chunk(PART)
            .await
            .map_err(|e| self.error(e, "open failed"))?
            .into_futures_async_read(0..len)
            .await
            .map_err(|e| self.error(e, "open failed"))?;
        Ok(Some((Box::new(r.compat()), len)))
    }

    pub(super) async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        let existed = self.size(key).await?.is_some();
        if existed {
            self.op
                .delete(key)
                .await
                .map_err(|e| self.error(e, "delete failed"))?;
        }
        Ok(existed)
    }

    pub(super) async fn delete_prefix(&self, prefix: &str) -> Result<(), StoreError> {
        let dir = format!("{}/", checked_str(prefix)?);
        self.op
            .delete_with(&dir)
            .recursive(true)
            .await
            .map_err(|e| self.error(e, "delete failed"))
    }

    /// Every object under `prefix` (`""`: all), with its size, in key order.
    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let entries = self
            .op
            .list_with(prefix)
            .recursive(true)
            .await
            .map_err(|e| self.error(e, "listing failed"))?;
        let mut out: Vec<(String, u64)> = entries
            .into_iter()
            .filter(|e| e.metadata().mode() == opendal::EntryMode::FILE)
            .map(|e| (e.path().to_string(), e.metadata().content_length()))
            .collect();
        out.sort();
        Ok(out)
    }

    /// The chunks of an upload in progress, by offset, with their sizes.
    async fn upload_parts(&self, key: &str) -> Result<Vec<(u64, String, u64)>, StoreError> {
        let prefix = format!("{key}.upload/");
        let mut parts = vec![];
        for (path, size) in self.list(&prefix).await? {
            let off = path[prefix.len()..].parse::<u64>().map_err(|_| {
                StoreError::Files(format!("unexpected object `{path}` beside an upload"))
            })?;
            parts.push((off, path, size));
        }
        parts.sort();
        Ok(parts)
    }

    pub(super) async fn append<R: AsyncRead + Unpin>(
        &self,
        key: &str,
        offset: u64,
        body: R,
        max: u64,
    ) -> Result<u64, StoreError> {
        checked(key)?;
        let mut have = 0u64;
        for (off, path, size) in self.upload_parts(key).await? {
            if off >= offset {
                // Left by an interrupted attempt past what the database counts: cut.
                self.op
                    .delete(&path)
                    .await
                    .map_err(|e| self.error(e, "delete failed"))?;
            } else if off == have {
                have += size;
            } else {
                return Err(StoreError::Files(format!(
                    "the stored upload has a gap at byte {have}"
                )));
            }
        }
        if have != offset {
            return Err(StoreError::Files(format!(
                "the stored upload has {have} bytes, not the offset {offset}"
            )));
        }
        let part = format!("{key}.upload/{offset:020}");
        let n = self.put_stream(&part, body, Some(max)).await?;
        Ok(offset + n)
    }

    pub(super) async fn finish_upload(&self, key: &str) -> Result<(), StoreError> {
        let parts = self.upload_parts(key).await?;
        if parts.is_empty() {
            return Ok(());
        }
        let mut w = self
            .op
            .writer_with(key)
            .chunk(PART)
            .await
            .map_err(|e| self.error(e, "cannot start a write"))?;
        for (_, path, size) in &parts {
            if let Err(e) = w.copy_from(path, 0..*size).await {
                let _ = w.abort().await;
                return Err(self.error(e, "assembling the upload failed"));
            }
        }
        w.close()
            .await
            .map_err(|e| self.error(e, "assembling the upload failed"))?;
        for (_, path, _) in &parts {
            self.op
                .delete(path)
                .await
                .map_err(|e| self.error(e, "delete failed"))?;
        }
        Ok(())
    }
}

fn checked_str(key: &str) -> Result<&str, StoreError> {
    checked(key).map(|_| key)
}
