//! Copying a whole store to another (`korrigo storage migrate`), verifiably: every file is
//! written, read back and compared by SHA-256 before it counts as copied.

use super::FileStore;
use crate::StoreError;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

/// What a copy did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// Files written and verified.
    pub copied: u64,
    /// Files already in the target with the same content (a resumed copy).
    pub unchanged: u64,
    /// Bytes of the source's files.
    pub bytes: u64,
}

/// The SHA-256 of a stored file, streamed; `None` when it does not exist.
pub async fn sha256_of(store: &FileStore, key: &str) -> Result<Option<String>, StoreError> {
    let Some((mut r, _)) = store.open(key).await? else {
        return Ok(None);
    };
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = r
            .read(&mut buf)
            .await
            .map_err(|e| StoreError::Files(format!("cannot read {key}: {e}")))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(Some(hex::encode(h.finalize())))
}

/// Copies every file of `from` into `to`, verifying each; `progress(done, total)` after each.
/// A file already in `to` with the same SHA-256 is left as it is, so a copy interrupted half
/// way is resumed by running it again. Fails on the first file that does not read back the
/// same, naming it.
pub async fn copy_all(
    from: &FileStore,
    to: &FileStore,
    mut progress: impl FnMut(u64, u64),
) -> Result<CopyReport, StoreError> {
    let files = from.list("").await?;
    let total = files.len() as u64;
    let mut report = CopyReport::default();
    for (i, (key, size)) in files.iter().enumerate() {
        let want = sha256_of(from, key)
            .await?
            .ok_or_else(|| StoreError::Files(format!("{key} vanished during the copy")))?;
        report.bytes += size;
        if to.size(key).await? == Some(*size) && sha256_of(to, key).await?.as_ref() == Some(&want) {
            report.unchanged += 1;
        } else {
            let (r, _) = from
                .open(key)
                .await?
                .ok_or_else(|| StoreError::Files(format!("{key} vanished during the copy")))?;
            to.put_stream(key, r).await?;
            let got = sha256_of(to, key).await?;
            if got.as_ref() != Some(&want) {
                return Err(StoreError::Files(format!(
                    "{key} did not read back identical from {} (SHA-256 {} instead of {want})",
                    to.describe(),
                    got.unwrap_or_else(|| "missing".into())
                )));
            }
            report.copied += 1;
        }
        progress(i as u64 + 1, total);
    }
    Ok(report)
}
