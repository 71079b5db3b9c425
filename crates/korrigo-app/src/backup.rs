//! Backups of a Korrigo on SQLite or PostgreSQL with a local file store: `korrigo backup` takes
//! a consistent snapshot of the database while Korrigo serves (`VACUUM INTO`; `pg_dump`, one
//! repeatable-read transaction), copies the file store and
//! writes a manifest of every file's size and SHA-256, last (a folder without a manifest is no
//! backup). `korrigo restore` checks the whole snapshot — every checksum, the schema known to
//! this version — before it writes anything, and only into an empty data folder (and an empty
//! PostgreSQL database, restored by `pg_restore` in one transaction).
//!
//! The database is snapshotted before the files are copied: a file written in between is
//! copied without a row pointing to it (harmless); a file deleted in between (a discarded
//! batch) is missing from the copy, and its rows with it at the next clean-up.

use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::App;
use crate::config::Config;
use korrigo_store::{Backend, StoreError, now_ms};

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
    /// Every file of the backup: the database first, then the file store's (`files/...`).
    pub files: Vec<Entry>,
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

/// `sqlite` or `postgres`, for a configuration backup and restore handle (the files in the
/// local store).
fn backend_of(config: &Config) -> Result<&'static str, BackupError> {
    if config.database_url.starts_with("postgres") {
        no_bucket(config)?;
        Ok("postgres")
    } else {
        sqlite_path(config).map(|_| "sqlite")
    }
}

fn no_bucket(config: &Config) -> Result<(), BackupError> {
    if config.s3.is_some() {
        return Err(BackupError::Refused(
            "the files are in an S3 bucket, which backup does not copy: back the bucket up \
             with the store's tools (versioning, replication, rclone; see docs/OPERATIONS.md)"
                .into(),
        ));
    }
    Ok(())
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

/// The SQLite database's path, for a configuration backup and restore handle: SQLite with the
/// local file store.
fn sqlite_path(config: &Config) -> Result<PathBuf, BackupError> {
    let url = &config.database_url;
    let rest = url.strip_prefix("sqlite://").ok_or_else(|| {
        BackupError::Refused(
            "backup and restore handle SQLite and PostgreSQL databases: this URL is neither".into(),
        )
    })?;
    if config.s3.is_some() {
        return Err(BackupError::Refused(
            "the files are in an S3 bucket, which backup does not copy: back the bucket up \
             with the store's tools (versioning, replication, rclone; see docs/OPERATIONS.md)"
                .into(),
        ));
    }
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Copies `from` to `to` (created with its folders), returning its size and SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> Result<(u64, String), BackupError> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir.display().to_string()))?;
    }
    let mut src = std::fs::File::open(from).map_err(io(from.display().to_string()))?;
    let mut dst = std::fs::File::create(to).map_err(io(to.display().to_string()))?;
    let (size, sha) =
        hash_into(&mut src, Some(&mut dst)).map_err(io(from.display().to_string()))?;
    dst.sync_all().map_err(io(to.display().to_string()))?;
    Ok((size, sha))
}

fn hash_into(
    src: &mut impl Read,
    mut dst: Option<&mut std::fs::File>,
) -> std::io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        if let Some(d) = dst.as_deref_mut() {
            d.write_all(&buf[..n])?;
        }
        size += n as u64;
    }
    Ok((size, format!("{:x}", h.finalize())))
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none())
}

/// Backs up the database and the file store into `out` (absent or empty).
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
    let files_root = app.config.data_dir.join("files");
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || -> Result<Manifest, BackupError> {
        let mut files = Vec::new();
        let mut db = std::fs::File::open(out.join(db_file)).map_err(io(db_file))?;
        let (size, sha256) = hash_into(&mut db, None).map_err(io(db_file))?;
        files.push(Entry {
            path: db_file.into(),
            size,
            sha256,
        });
        let stored = korrigo_store::files::files_below(&files_root)
            .map_err(io(files_root.display().to_string()))?;
        for (key, _) in stored {
            let name = format!("files/{key}");
            // An upload in progress or a file deleted meanwhile: skipped, not an error.
            if !files_root.join(&key).is_file() {
                continue;
            }
            let (size, sha256) = copy_hashed(&files_root.join(&key), &out.join(&name))?;
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
            files,
        };
        let tmp = out.join(format!("{MANIFEST}.part"));
        let json =
            serde_json::to_vec_pretty(&m).map_err(|e| BackupError::Refused(e.to_string()))?;
        std::fs::write(&tmp, json).map_err(io(MANIFEST))?;
        std::fs::rename(&tmp, out.join(MANIFEST)).map_err(io(MANIFEST))?;
        Ok(m)
    })
    .await
    .map_err(|e| BackupError::Refused(e.to_string()))?
}

/// Reads a backup's manifest and checks every file against it: present, same size, same
/// SHA-256, nothing outside the folder.
pub fn verify(dir: &Path) -> Result<Manifest, BackupError> {
    let raw = std::fs::read(dir.join(MANIFEST)).map_err(|e| {
        BackupError::Refused(format!(
            "{} has no readable {MANIFEST} ({e}): not a Korrigo backup, or an unfinished one",
            dir.display()
        ))
    })?;
    let m: Manifest = serde_json::from_slice(&raw)
        .map_err(|e| BackupError::Refused(format!("{MANIFEST} is not valid: {e}")))?;
    if m.format != FORMAT || !["sqlite", "postgres"].contains(&m.backend.as_str()) {
        return Err(BackupError::Refused(format!(
            "this backup's format ({}, {}) is not one this version reads",
            m.format, m.backend
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
        let mut f = std::fs::File::open(dir.join(rel))
            .map_err(|err| BackupError::Refused(format!("{} is missing ({err})", e.path)))?;
        let (size, sha) = hash_into(&mut f, None).map_err(io(e.path.clone()))?;
        if size != e.size || sha != e.sha256 {
            return Err(BackupError::Refused(format!(
                "{} is not the file that was backed up (its checksum differs): the backup is \
                 damaged or was changed",
                e.path
            )));
        }
    }
    Ok(m)
}

/// Restores a backup into the configured data folder and SQLite database, which must not
/// exist yet (or be empty). Everything is checked before anything is written.
pub async fn restore(config: &Config, dir: &Path) -> Result<Manifest, BackupError> {
    let backend = backend_of(config)?;
    let m = verify(dir)?;
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
    if db_path.as_ref().is_some_and(|p| p.exists()) || !is_empty_dir(&files_root) {
        return Err(BackupError::Refused(format!(
            "the data folder is not empty ({}): restore into a new data folder",
            files_root.display()
        )));
    }
    let dir = dir.to_path_buf();
    let m2 = m.clone();
    let url = config.database_url.clone();
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        // Beside, then renamed: an interrupted restore leaves no half database or file store.
        let staging = config_staging(&files_root);
        let _ = std::fs::remove_dir_all(&staging);
        for e in m2.files.iter().skip(1) {
            let rel = e.path.trim_start_matches("files/");
            copy_hashed(&dir.join(&e.path), &staging.join(rel))?;
        }
        // PostgreSQL: in one transaction, all or nothing. SQLite: written beside.
        let db_tmp = match &db_path {
            Some(p) => {
                let tmp = p.with_extension("db.restoring");
                copy_hashed(&dir.join(DATABASE), &tmp)?;
                Some((tmp, p.clone()))
            }
            None => {
                let dump = dir.join(PG_DUMP);
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
                )?;
                None
            }
        };
        if staging.exists() {
            if files_root.exists() {
                std::fs::remove_dir(&files_root).map_err(io(files_root.display().to_string()))?;
            }
            std::fs::rename(&staging, &files_root).map_err(io(files_root.display().to_string()))?;
        }
        if let Some((tmp, path)) = db_tmp {
            std::fs::rename(&tmp, &path).map_err(io(path.display().to_string()))?;
        }
        Ok(())
    })
    .await
    .map_err(|e| BackupError::Refused(e.to_string()))??;
    Ok(m)
}

fn config_staging(files_root: &Path) -> PathBuf {
    files_root.with_file_name("files.restoring")
}
