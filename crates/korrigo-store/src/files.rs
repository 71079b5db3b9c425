//! The file store: scans, page images and generated PDFs live here, addressed by keys such as
//! `exams/12/batches/3/source.pdf`. The local-directory backend is the embedded default; an
//! S3-compatible backend joins it as another variant of [`FileStore`] without changing callers.
//!
//! Architecture invariant: files are never served straight from the store's folder. The web
//! layer reads them through this API after a permission check.

use crate::StoreError;
use std::path::{Component, Path, PathBuf};
use tokio::io::{AsyncRead, AsyncWriteExt};

/// Where files are kept.
#[derive(Clone, Debug)]
pub enum FileStore {
    /// A local directory.
    Local {
        /// The root folder; every key is a relative path below it.
        root: PathBuf,
    },
}

/// Checks that a key is a plain relative path (no `..`, no absolute path, no empty segment).
fn checked(key: &str) -> Result<&Path, StoreError> {
    let p = Path::new(key);
    let ok = !key.is_empty()
        && !key.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(p)
    } else {
        Err(StoreError::Files(format!("invalid file key `{key}`")))
    }
}

fn io(e: std::io::Error, what: &str) -> StoreError {
    StoreError::Files(format!("{what}: {e}"))
}

impl FileStore {
    /// A store in a local folder, created if missing.
    pub async fn local(root: impl Into<PathBuf>) -> Result<FileStore, StoreError> {
        let root = root.into();
        tokio::fs::create_dir_all(&root)
            .await
            .map_err(|e| io(e, &format!("cannot create {}", root.display())))?;
        Ok(FileStore::Local { root })
    }

    /// Writes a file from a stream, atomically: readers see the old content or the whole new
    /// one, never a partial file. Returns the number of bytes written.
    pub async fn put_stream<R: AsyncRead + Unpin>(
        &self,
        key: &str,
        mut body: R,
    ) -> Result<u64, StoreError> {
        match self {
            FileStore::Local { root } => {
                let rel = checked(key)?;
                let path = root.join(rel);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir)
                        .await
                        .map_err(|e| io(e, "cannot create folder"))?;
                }
                let tmp = path.with_extension(format!("part-{}", random_suffix()));
                let mut f = tokio::fs::File::create(&tmp)
                    .await
                    .map_err(|e| io(e, "cannot create file"))?;
                let n = match tokio::io::copy(&mut body, &mut f).await {
                    Ok(n) => n,
                    Err(e) => {
                        drop(f);
                        let _ = tokio::fs::remove_file(&tmp).await;
                        return Err(io(e, "write failed"));
                    }
                };
                f.flush().await.map_err(|e| io(e, "flush failed"))?;
                f.sync_all().await.map_err(|e| io(e, "sync failed"))?;
                drop(f);
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| io(e, "rename failed"))?;
                Ok(n)
            }
        }
    }

    /// Writes a small file from memory.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.put_stream(key, bytes).await.map(|_| ())
    }

    /// Reads a whole (small) file; `None` when it does not exist.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self {
            FileStore::Local { root } => match tokio::fs::read(root.join(checked(key)?)).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io(e, "read failed")),
            },
        }
    }

    /// Opens a file for streaming; `None` when it does not exist.
    pub async fn open(&self, key: &str) -> Result<Option<(tokio::fs::File, u64)>, StoreError> {
        match self {
            FileStore::Local { root } => {
                match tokio::fs::File::open(root.join(checked(key)?)).await {
                    Ok(f) => {
                        let len = f.metadata().await.map_err(|e| io(e, "stat failed"))?.len();
                        Ok(Some((f, len)))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io(e, "open failed")),
                }
            }
        }
    }

    /// Deletes a file; returns whether it existed.
    pub async fn delete(&self, key: &str) -> Result<bool, StoreError> {
        match self {
            FileStore::Local { root } => {
                match tokio::fs::remove_file(root.join(checked(key)?)).await {
                    Ok(()) => Ok(true),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                    Err(e) => Err(io(e, "delete failed")),
                }
            }
        }
    }

    /// Appends a chunk to a file being uploaded, at `offset` (the length the caller knows it
    /// has). Bytes past `offset` left by an interrupted earlier attempt are cut first, so a
    /// retried chunk never duplicates data. At most `max` bytes are taken from `body`; more is
    /// an error and nothing of this chunk is kept. Returns the new length.
    pub async fn append<R: AsyncRead + Unpin>(
        &self,
        key: &str,
        offset: u64,
        body: R,
        max: u64,
    ) -> Result<u64, StoreError> {
        use tokio::io::AsyncReadExt;
        match self {
            FileStore::Local { root } => {
                let path = root.join(checked(key)?);
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir)
                        .await
                        .map_err(|e| io(e, "cannot create folder"))?;
                }
                let mut f = tokio::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .await
                    .map_err(|e| io(e, "cannot open file"))?;
                let len = f.metadata().await.map_err(|e| io(e, "stat failed"))?.len();
                if len < offset {
                    return Err(StoreError::Files(format!(
                        "the stored upload has {len} bytes, fewer than the offset {offset}"
                    )));
                }
                f.set_len(offset)
                    .await
                    .map_err(|e| io(e, "truncate failed"))?;
                use tokio::io::AsyncSeekExt;
                f.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .map_err(|e| io(e, "seek failed"))?;
                let mut limited = body.take(max + 1);
                let n = tokio::io::copy(&mut limited, &mut f).await;
                let n = match n {
                    Ok(n) if n <= max => n,
                    other => {
                        let _ = f.set_len(offset).await;
                        return match other {
                            Ok(_) => {
                                Err(StoreError::Files("the chunk is larger than allowed".into()))
                            }
                            Err(e) => Err(io(e, "write failed")),
                        };
                    }
                };
                f.flush().await.map_err(|e| io(e, "flush failed"))?;
                f.sync_data().await.map_err(|e| io(e, "sync failed"))?;
                Ok(offset + n)
            }
        }
    }

    /// The path of a file on the local disk, for code that must read it with blocking I/O (the
    /// scan pipeline). The file need not exist.
    pub fn local_path(&self, key: &str) -> Result<PathBuf, StoreError> {
        match self {
            FileStore::Local { root } => Ok(root.join(checked(key)?)),
        }
    }

    /// Writes a small file atomically with blocking I/O (from worker threads).
    pub fn put_blocking(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        use std::io::Write;
        let path = self.local_path(key)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io(e, "cannot create folder"))?;
        }
        let tmp = path.with_extension(format!("part-{}", random_suffix()));
        let res = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_data()?;
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = res {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(e, "write failed"));
        }
        Ok(())
    }

    /// Deletes every file under a folder key.
    pub async fn delete_prefix(&self, prefix: &str) -> Result<(), StoreError> {
        match self {
            FileStore::Local { root } => {
                match tokio::fs::remove_dir_all(root.join(checked(prefix)?)).await {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(io(e, "delete failed")),
                }
            }
        }
    }

    /// Writes, reads back and deletes a probe file: the readiness check.
    pub async fn check(&self) -> Result<(), StoreError> {
        let key = format!(".health/probe-{}", random_suffix());
        self.put(&key, b"ok").await?;
        let back = self.get(&key).await?;
        self.delete(&key).await?;
        if back.as_deref() == Some(b"ok") {
            Ok(())
        } else {
            Err(StoreError::Files("the probe file did not read back".into()))
        }
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_must_stay_inside_the_store() {
        assert!(checked("exams/1/scan.pdf").is_ok());
        assert!(checked("../etc/passwd").is_err());
        assert!(checked("/etc/passwd").is_err());
        assert!(checked("a/./b").is_ok() || checked("a/./b").is_err());
        assert!(checked("").is_err());
        assert!(checked("a\\..\\b").is_err());
    }

    #[tokio::test]
    async fn put_get_delete_round_trip() {
        let dir = std::env::temp_dir().join(format!("korrigo-files-{}", random_suffix()));
        let fs = FileStore::local(&dir).await.unwrap();
        fs.put("a/b/c.txt", b"hello").await.unwrap();
        assert_eq!(
            fs.get("a/b/c.txt").await.unwrap().as_deref(),
            Some(&b"hello"[..])
        );
        assert!(fs.get("a/b/missing").await.unwrap().is_none());
        assert!(fs.delete("a/b/c.txt").await.unwrap());
        assert!(!fs.delete("a/b/c.txt").await.unwrap());
        fs.check().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }
}
