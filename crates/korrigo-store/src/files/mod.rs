//! The file store: scans, page images and generated PDFs live here, addressed by keys such as
//! `exams/12/batches/3/source.pdf`. The local-directory backend is the embedded default; the
//! S3-compatible backend ([`s3`]) is the other variant of [`FileStore`], for several instances.
//!
//! Architecture invariant: files are never served straight from the store's folder. The web
//! layer reads them through this API after a permission check.

mod copy;
mod s3;

use crate::StoreError;
pub use copy::{CopyReport, copy_all, sha256_of};
pub use s3::S3Config;
use std::path::{Component, Path, PathBuf};
use tokio::io::{AsyncRead, AsyncWriteExt};

/// A file opened for streaming.
pub type FileReader = Box<dyn AsyncRead + Send + Unpin>;

/// Where files are kept.
#[derive(Clone, Debug)]
pub enum FileStore {
    /// A local directory.
    Local {
        /// The root folder; every key is a relative path below it.
        root: PathBuf,
    },
    /// A bucket of an S3-compatible object store.
    S3(s3::S3),
}

/// A file of the store on the local disk, for code that reads it with blocking I/O: the store's
/// own file (local backend) or a temporary copy, deleted when this is dropped (S3).
#[derive(Debug)]
pub struct LocalCopy {
    path: PathBuf,
    temporary: bool,
}

impl LocalCopy {
    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LocalCopy {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
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

    /// A store in an S3 bucket. Nothing is sent until the first request: [`FileStore::check`]
    /// says whether the settings work. Must be called inside a Tokio runtime.
    pub fn s3(config: &S3Config) -> Result<FileStore, StoreError> {
        s3::S3::new(config).map(FileStore::S3)
    }

    /// What the store is, for messages: `folder /srv/korrigo/files` or `bucket korrigo at
    /// https://...`.
    pub fn describe(&self) -> String {
        match self {
            FileStore::Local { root } => format!("folder {}", root.display()),
            FileStore::S3(s) => format!("bucket {} at {}", s.bucket, s.endpoint),
        }
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
            FileStore::S3(s) => s.put_stream(key, body, None).await,
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
            FileStore::S3(s) => s.get(key).await,
        }
    }

    /// A file's size; `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self {
            FileStore::Local { root } => {
                match tokio::fs::metadata(root.join(checked(key)?)).await {
                    Ok(m) => Ok(Some(m.len())),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io(e, "stat failed")),
                }
            }
            FileStore::S3(s) => s.size(key).await,
        }
    }

    /// Opens a file for streaming, with its length; `None` when it does not exist.
    pub async fn open(&self, key: &str) -> Result<Option<(FileReader, u64)>, StoreError> {
        match self {
            FileStore::Local { root } => {
                match tokio::fs::File::open(root.join(checked(key)?)).await {
                    Ok(f) => {
                        let len = f.metadata().await.map_err(|e| io(e, "stat failed"))?.len();
                        Ok(Some((Box::new(f), len)))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io(e, "open failed")),
                }
            }
            FileStore::S3(s) => s.open(key).await,
        }
    }

    /// Opens a file for blocking reads (from a blocking thread, never from async code).
    pub fn open_blocking(&self, key: &str) -> Result<Box<dyn std::io::Read + Send>, StoreError> {
        match self {
            FileStore::Local { root } => std::fs::File::open(root.join(checked(key)?))
                .map(|f| Box::new(f) as Box<dyn std::io::Read + Send>)
                .map_err(|e| io(e, &format!("cannot open {key}"))),
            FileStore::S3(s) => {
                let (r, _) =
                    s.rt.block_on(s.open(key))?
                        .ok_or_else(|| StoreError::Files(format!("{key} is missing")))?;
                Ok(Box::new(tokio_util::io::SyncIoBridge::new_with_handle(
                    r,
                    s.rt.clone(),
                )))
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
            FileStore::S3(s) => s.delete(key).await,
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
            FileStore::S3(s) => s.append(key, offset, body, max).await,
        }
    }

    /// Makes a completed upload (its chunks given to [`FileStore::append`]) one file. Nothing to
    /// do on a local folder; on S3 the chunks are assembled into one object, then deleted.
    /// Safe to run again after an interruption.
    pub async fn finish_upload(&self, key: &str) -> Result<(), StoreError> {
        match self {
            FileStore::Local { .. } => Ok(()),
            FileStore::S3(s) => s.finish_upload(key).await,
        }
    }

    /// The file on the local disk, for code that must read it with blocking I/O (the scan
    /// pipeline): the store's own file, or a copy downloaded into `tmp` (S3).
    pub async fn local_copy(&self, key: &str, tmp: &Path) -> Result<LocalCopy, StoreError> {
        match self {
            FileStore::Local { root } => Ok(LocalCopy {
                path: root.join(checked(key)?),
                temporary: false,
            }),
            FileStore::S3(s) => {
                let (mut r, _) = s
                    .open(key)
                    .await?
                    .ok_or_else(|| StoreError::Files(format!("{key} is missing")))?;
                tokio::fs::create_dir_all(tmp)
                    .await
                    .map_err(|e| io(e, "cannot create the temporary folder"))?;
                let copy = LocalCopy {
                    path: tmp.join(format!("download-{}", random_suffix())),
                    temporary: true,
                };
                let mut f = tokio::fs::File::create(&copy.path)
                    .await
                    .map_err(|e| io(e, "cannot create a temporary file"))?;
                tokio::io::copy(&mut r, &mut f)
                    .await
                    .map_err(|e| io(e, &format!("cannot download {key}")))?;
                f.flush().await.map_err(|e| io(e, "flush failed"))?;
                Ok(copy)
            }
        }
    }

    /// Every file under `prefix` (`""`: all), with its size, sorted by key. Unfinished writes
    /// (a local store's `*.part-*` files) are left out.
    pub async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        match self {
            FileStore::Local { root } => {
                let root = root.clone();
                let prefix = prefix.to_string();
                tokio::task::spawn_blocking(move || {
                    let mut out = files_below(&root).map_err(|e| io(e, "listing failed"))?;
                    out.retain(|(k, _)| k.starts_with(&prefix));
                    Ok(out)
                })
                .await
                .map_err(|e| StoreError::Files(e.to_string()))?
            }
            FileStore::S3(s) => s.list(prefix).await,
        }
    }

    /// Writes a small file atomically with blocking I/O (from worker threads, never from async
    /// code).
    pub fn put_blocking(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        use std::io::Write;
        let root = match self {
            FileStore::Local { root } => root,
            FileStore::S3(s) => return s.rt.block_on(self.put(key, bytes)),
        };
        let path = root.join(checked(key)?);
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
            FileStore::S3(s) => s.delete_prefix(prefix).await,
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

/// Every file of a local store's folder as `(key, size)`, sorted by key, unfinished writes
/// (`*.part-*`) left out (blocking: the local store's listing and backups use it).
pub fn files_below(root: &Path) -> std::io::Result<Vec<(String, u64)>> {
    let mut out = vec![];
    walk(root, root, &mut out)?;
    out.retain(|(k, _)| !k.contains(".part-"));
    out.sort();
    Ok(out)
}

/// Collects the files below `dir` as keys relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, u64)>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let ty = entry.file_type()?;
        let path = entry.path();
        if ty.is_dir() {
            walk(root, &path, out)?;
        } else if let Some(rel) = path.strip_prefix(root).ok().filter(|_| ty.is_file()) {
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((key, entry.metadata()?.len()));
        }
    }
    Ok(())
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
