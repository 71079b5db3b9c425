//! Backups of a Korrigo on SQLite or PostgreSQL, its files in a local folder or an S3 bucket:
//! `korrigo backup` takes a consistent snapshot of the database while Korrigo serves
//! (`VACUUM INTO`; `pg_dump`, one repeatable-read transaction), copies every stored file (the
//! folder's or the bucket's objects) into the backup folder and writes a manifest of every
//! file's size and SHA-256, last (a folder without a manifest is no backup). `korrigo restore`
//! checks the whole snapshot — every checksum, no file unlisted, the schema known to this
//! version — before it writes anything, and only into an empty data folder or bucket (and an
//! empty PostgreSQL database, restored by `pg_restore` in one transaction). A backup restores
//! into either kind of store, whatever the kind it was taken from.
//!
//! The database is snapshotted before the files are copied: a file written in between is
//! copied without a row pointing to it (harmless); a file deleted in between (a discarded
//! batch) is missing from the copy, and its rows with it at the next clean-up.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::App;
use crate::config::Config;
use korrigo_store::files::{FileStore, copy_all, sha256_of};
use korrigo_store::{Backend, StoreError, now_ms};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// The manifest's name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database's name in a backup folder.
const DATABASE: &str = "korrigo.db";
/// The manifest's format.
const FORMAT: u32 = 1;

/// What a backup holds (`manifest.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest's format (1).
    pub format: u32,
    /// The version of Korrigo that made it.
    pub korrigo: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The database's applied migrations.
    pub migrations: Vec<i64>,
    /// When the database was snapshotted (ms since the epoch).
    pub created_at: i64,
    /// Where the files were: `local` (the data folder) or `s3` (a bucket). Manifests of
    /// Korrigo 0.1 before buckets were backed up have none: `local`.
    #[serde(default = "local_storage")]
    pub storage: String,
    /// Every file of the backup: the database first, then the file store's (`files/...`).
    pub files: Vec<Entry>,
}

fn local_storage() -> String {
    "local".into()
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the backup folder, `/`-separated.
    pub path: String,
    pub size: u64,
    /// Hexadecimal.
    pub sha256: String,
}

/// Why a backup or a restore did not happen. Nothing was changed in the data folder.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |e| BackupError::Io(what, e)
}

/// The SQLite database file a `sqlite://` URL names.
/// A PostgreSQL backup's database: `pg_dump`'s custom format.
const PG_DUMP: &str = "korrigo.pgdump";

/// The database file a backup of this backend holds.
fn database_file(backend: &str) -> &'static str {
    if backend == "postgres" {
        PG_DUMP
    } else {
        DATABASE
    }
}

/// `sqlite` or `postgres`, for a configuration backup and restore handle.
fn backend_of(config: &Config) -> Result<&'static str, BackupError> {
    if config.database_url.starts_with("postgres") {
        Ok("postgres")
    } else {
        sqlite_path(config).map(|_| "sqlite")
    }
}

/// Runs `pg_dump` or `pg_restore` (PostgreSQL's client tools) with `args`.
fn pg_tool(tool: &str, args: &[&std::ffi::OsStr]) -> Result<(), BackupError> {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .map_err(|e| {
            BackupError::Refused(format!(
                "{tool} cannot be run ({e}): install PostgreSQL's client tools (Debian: \
                 postgresql-client) of the server's version"
            ))
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::Refused(format!(
            "{tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// The SQLite database's path.
fn sqlite_path(config: &Config) -> Result<PathBuf, BackupError> {
    let url = &config.database_url;
    let rest = url.strip_prefix("sqlite://").ok_or_else(|| {
        BackupError::Refused(
            "backup and restore handle SQLite and PostgreSQL databases: this URL is neither".into(),
        )
    })?;
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Copies a stream into `to` (created with its folders, synced), returning its size and
/// SHA-256.
async fn copy_hashed(
    from: impl AsyncRead + Unpin,
    to: &Path,
) -> Result<(u64, String), BackupError> {
    let what = || to.display().to_string();
    if let Some(dir) = to.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(io(what()))?;
    }
    let mut dst = tokio::fs::File::create(to).await.map_err(io(what()))?;
    let done = hash_stream(from, Some(&mut dst))
        .await
        .map_err(io(what()))?;
    dst.flush().await.map_err(io(what()))?;
    dst.sync_all().await.map_err(io(what()))?;
    Ok(done)
}

async fn open_file(path: &Path) -> Result<tokio::fs::File, BackupError> {
    tokio::fs::File::open(path)
        .await
        .map_err(io(path.display().to_string()))
}

/// The size and SHA-256 of a stream, written into `dst` on the way when given.
async fn hash_stream(
    mut src: impl AsyncRead + Unpin,
    mut dst: Option<&mut tokio::fs::File>,
) -> std::io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        if let Some(d) = dst.as_deref_mut() {
            d.write_all(&buf[..n]).await?;
        }
        size += n as u64;
    }
    Ok((size, format!("{:x}", h.finalize())))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none())
}

/// Whether a stored key is a file Korrigo wrote and a backup holds: not a readiness probe, not
/// a bucket's folder marker, a plain relative path.
fn backed_up(key: &str) -> bool {
    !key.starts_with(".health/")
        && !key.ends_with('/')
        && Path::new(key)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Backs up the database and every stored file into `out` (absent or empty).
pub async fn backup(app: &App, out: &Path) -> Result<Manifest, BackupError> {
    let backend = backend_of(&app.config)?;
    if !is_empty_dir(out) {
        return Err(BackupError::Refused(format!(
            "{} is not empty: back up into a new folder",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(io(out.display().to_string()))?;
    let migrations = app.db.applied_migrations().await?;
    let created_at = now_ms();
    let db_file = database_file(backend);
    if backend == "postgres" {
        // pg_dump reads in one repeatable-read transaction: a consistent snapshot while
        // Korrigo serves.
        let (url, path) = (app.config.database_url.clone(), out.join(PG_DUMP));
        tokio::task::spawn_blocking(move || {
            pg_tool(
                "pg_dump",
                &[
                    "--format=custom".as_ref(),
                    "--no-owner".as_ref(),
                    "--no-privileges".as_ref(),
                    "--file".as_ref(),
                    path.as_os_str(),
                    "--dbname".as_ref(),
                    url.as_ref(),
                ],
            )
        })
        .await
        .map_err(|e| BackupError::Refused(e.to_string()))??;
    } else {
        app.db.snapshot_sqlite(&out.join(DATABASE)).await?;
    }
    let (size, sha256) = hash_stream(open_file(&out.join(db_file)).await?, None)
        .await
        .map_err(io(db_file))?;
    let mut files = vec![Entry {
        path: db_file.into(),
        size,
        sha256,
    }];
    // Every stored file, the folder's or the bucket's, streamed: bounded memory whatever size.
    for (key, _) in app.files.list("").await? {
        if !backed_up(&key) {
            continue;
        }
        // A file deleted since the listing (a discarded batch): skipped, not an error.
        let Some((r, _)) = app.files.open(&key).await? else {
            continue;
        };
        let name = format!("files/{key}");
        let (size, sha256) = copy_hashed(r, &out.join(&name)).await?;
        files.push(Entry {
            path: name,
            size,
            sha256,
        });
    }
    let m = Manifest {
        format: FORMAT,
        korrigo: env!("CARGO_PKG_VERSION").into(),
        backend: backend.into(),
        migrations,
        created_at,
        storage: if app.config.s3.is_some() {
            "s3"
        } else {
            "local"
        }
        .into(),
        files,
    };
    let tmp = out.join(format!("{MANIFEST}.part"));
    let json = serde_json::to_vec_pretty(&m).map_err(|e| BackupError::Refused(e.to_string()))?;
    tokio::fs::write(&tmp, json).await.map_err(io(MANIFEST))?;
    tokio::fs::rename(&tmp, out.join(MANIFEST))
        .await
        .map_err(io(MANIFEST))?;
    Ok(m)
}

/// Reads a backup's manifest and checks every file against it: present, same size, same
/// SHA-256, nothing outside the folder, no stored file the manifest does not list.
pub async fn verify(dir: &Path) -> Result<Manifest, BackupError> {
    let raw = tokio::fs::read(dir.join(MANIFEST)).await.map_err(|e| {
        BackupError::Refused(format!(
            "{} has no readable {MANIFEST} ({e}): not a Korrigo backup, or an unfinished one",
            dir.display()
        ))
    })?;
    let m: Manifest = serde_json::from_slice(&raw)
        .map_err(|e| BackupError::Refused(format!("{MANIFEST} is not valid: {e}")))?;
    if m.format != FORMAT
        || !["sqlite", "postgres"].contains(&m.backend.as_str())
        || !["local", "s3"].contains(&m.storage.as_str())
    {
        return Err(BackupError::Refused(format!(
            "this backup's format ({}, {}, {}) is not one this version reads",
            m.format, m.backend, m.storage
        )));
    }
    let db_file = database_file(&m.backend);
    if m.files.first().map(|e| e.path.as_str()) != Some(db_file) {
        return Err(BackupError::Refused(format!(
            "{MANIFEST} lists no database"
        )));
    }
    for e in &m.files {
        let rel = Path::new(&e.path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe || (e.path != db_file && !e.path.starts_with("files/")) {
            return Err(BackupError::Refused(format!(
                "{MANIFEST} names {:?}, outside the backup",
                e.path
            )));
        }
        let f = tokio::fs::File::open(dir.join(rel))
            .await
            .map_err(|err| BackupError::Refused(format!("{} is missing ({err})", e.path)))?;
        let (size, sha) = hash_stream(f, None).await.map_err(io(e.path.clone()))?;
        if size != e.size || sha != e.sha256 {
            return Err(BackupError::Refused(format!(
                "{} is not the file that was backed up (its checksum differs): the backup is \
                 damaged or was changed",
                e.path
            )));
        }
    }
    // A file slipped into the folder would be restored unchecked.
    let listed: HashSet<&str> = m.files.iter().map(|e| e.path.as_str()).collect();
    let stored = FileStore::Local {
        root: dir.join("files"),
    };
    if let Some((key, _)) = stored
        .list("")
        .await?
        .into_iter()
        .find(|(k, _)| !listed.contains(format!("files/{k}").as_str()))
    {
        return Err(BackupError::Refused(format!(
            "files/{key} is in the backup folder but not in its {MANIFEST}: the backup was \
             changed"
        )));
    }
    Ok(m)
}

/// The key a backup's file is restored under.
fn key_of(e: &Entry) -> &str {
    e.path.strip_prefix("files/").unwrap_or(&e.path)
}

/// A bucket to restore into must hold nothing but files of this backup, with their content (a
/// restore interrupted half way, run again).
async fn check_bucket(store: &FileStore, m: &Manifest) -> Result<(), BackupError> {
    let want: HashMap<&str, &Entry> = m.files.iter().skip(1).map(|e| (key_of(e), e)).collect();
    for (key, size) in store.list("").await? {
        if !backed_up(&key) {
            continue;
        }
        let same = match want.get(key.as_str()) {
            Some(e) if e.size == size => {
                sha256_of(store, &key).await?.as_deref() == Some(e.sha256.as_str())
            }
            _ => false,
        };
        if !same {
            return Err(BackupError::Refused(format!(
                "the {} already holds files that are not this backup's (`{key}`): restore into \
                 an empty bucket",
                store.describe()
            )));
        }
    }
    Ok(())
}

/// Restores a backup into the configured data folder or bucket and database, which must be
/// empty (a bucket may hold what an interrupted restore of the same backup put there).
/// Everything is checked before anything is written.
pub async fn restore(config: &Config, dir: &Path) -> Result<Manifest, BackupError> {
    let backend = backend_of(config)?;
    let m = verify(dir).await?;
    if m.backend != backend {
        return Err(BackupError::Refused(format!(
            "this backup is of a {} database and the configuration names a {backend} one: \
             restore it into the same kind",
            m.backend
        )));
    }
    // The schema: every migration of the backup known to this version.
    let known = korrigo_store::known_migrations(if backend == "postgres" {
        Backend::Postgres
    } else {
        Backend::Sqlite
    });
    if let Some(v) = m.migrations.iter().find(|v| !known.contains(v)) {
        return Err(BackupError::Refused(format!(
            "the backup was made by a newer Korrigo (its database has migration {v}, which this \
             version does not know): restore it with that version or a later one"
        )));
    }
    let files_root = config.data_dir.join("files");
    // Where the database goes: a new SQLite file, or an empty PostgreSQL database.
    let db_path = if backend == "postgres" {
        let db = korrigo_store::Db::connect(&config.database_url, &Default::default()).await?;
        let tables = db.table_count().await?;
        db.close().await;
        if tables > 0 {
            return Err(BackupError::Refused(format!(
                "the database is not empty ({tables} tables): restore into a new, empty database"
            )));
        }
        None
    } else {
        Some(sqlite_path(config)?)
    };
    let bucket = match &config.s3 {
        Some(s3) => {
            let store = FileStore::s3(s3)?;
            check_bucket(&store, &m).await?;
            Some(store)
        }
        None => None,
    };
    if db_path.as_ref().is_some_and(|p| p.exists())
        || (bucket.is_none() && !is_empty_dir(&files_root))
    {
        return Err(BackupError::Refused(format!(
            "the data folder is not empty ({}): restore into a new data folder",
            files_root.display()
        )));
    }
    // Files first, the database last: an interrupted restore leaves no database, and running
    // it again goes on. A bucket: each file written and read back (a file already there with
    // the same content is kept). A folder: written beside, then renamed.
    let staging = config_staging(&files_root);
    match &bucket {
        Some(store) => {
            let from = FileStore::Local {
                root: dir.join("files"),
            };
            copy_all(&from, store, |_, _| {}).await?;
        }
        None => {
            let _ = tokio::fs::remove_dir_all(&staging).await;
            for e in m.files.iter().skip(1) {
                copy_hashed(
                    open_file(&dir.join(&e.path)).await?,
                    &staging.join(key_of(e)),
                )
                .await?;
            }
        }
    }
    // PostgreSQL: in one transaction, all or nothing. SQLite: written beside.
    let db_tmp = match &db_path {
        Some(p) => {
            let tmp = p.with_extension("db.restoring");
            copy_hashed(open_file(&dir.join(DATABASE)).await?, &tmp).await?;
            Some((tmp, p.clone()))
        }
        None => {
            let (dump, url) = (dir.join(PG_DUMP), config.database_url.clone());
            tokio::task::spawn_blocking(move || {
                pg_tool(
                    "pg_restore",
                    &[
                        "--single-transaction".as_ref(),
                        "--exit-on-error".as_ref(),
                        "--no-owner".as_ref(),
                        "--no-privileges".as_ref(),
                        "--dbname".as_ref(),
                        url.as_ref(),
                        dump.as_os_str(),
                    ],
                )
            })
            .await
            .map_err(|e| BackupError::Refused(e.to_string()))??;
            None
        }
    };
    if bucket.is_none() && staging.exists() {
        let what = || files_root.display().to_string();
        if files_root.exists() {
            tokio::fs::remove_dir(&files_root)
                .await
                .map_err(io(what()))?;
        }
        tokio::fs::rename(&staging, &files_root)
            .await
            .map_err(io(what()))?;
    }
    if let Some((tmp, path)) = db_tmp {
        tokio::fs::rename(&tmp, &path)
            .await
            .map_err(io(path.display().to_string()))?;
    }
    Ok(m)
}

fn config_staging(files_root: &Path) -> PathBuf {
    files_root.with_file_name("files.restoring")
}
