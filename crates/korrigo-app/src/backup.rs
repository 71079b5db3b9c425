//! Backups of a Korrigo on SQLite and a local file store: `korrigo backup` takes a consistent
//! snapshot of the database while Korrigo serves (`VACUUM INTO`), copies the file store and
//! writes a manifest of every file's size and SHA-256, last (a folder without a manifest is no
//! backup). `korrigo restore` checks the whole snapshot — every checksum, the schema known to
//! this version — before it writes anything, and only into an empty data folder.
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
    /// `sqlite`.
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
/// The SQLite database's path, for a configuration backup and restore handle: SQLite with the
/// local file store.
fn sqlite_path(config: &Config) -> Result<PathBuf, BackupError> {
    let url = &config.database_url;
    let rest = url.strip_prefix("sqlite://").ok_or_else(|| {
        BackupError::Refused(
            "backup and restore handle SQLite; back a PostgreSQL database up with pg_dump and \
             the file store with the object store's tools (see docs/OPERATIONS.md)"
                .into(),
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

/// Every file under `root`, as paths relative to it, sorted.
fn files_under(root: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(BackupError::Io(dir.display().to_string(), e)),
        };
        for e in entries {
            let e = e.map_err(io(dir.display().to_string()))?;
            let path = e.path();
            if e.file_type()
                .map_err(io(path.display().to_string()))?
                .is_dir()
            {
                dirs.push(path);
            } else if let Ok(rel) = path.strip_prefix(root) {
                out.push(rel.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none())
}

/// Backs up the database and the file store into `out` (absent or empty).
pub async fn backup(app: &App, out: &Path) -> Result<Manifest, BackupError> {
    sqlite_path(&app.config)?;
    if !is_empty_dir(out) {
        return Err(BackupError::Refused(format!(
            "{} is not empty: back up into a new folder",
            out.display()
        )));
    }
    std::fs::create_dir_all(out).map_err(io(out.display().to_string()))?;
    let migrations = app.db.applied_migrations().await?;
    let created_at = now_ms();
    app.db.snapshot_sqlite(&out.join(DATABASE)).await?;
    let files_root = app.config.data_dir.join("files");
    let out = out.to_path_buf();
    tokio::task::spawn_blocking(move || -> Result<Manifest, BackupError> {
        let mut files = Vec::new();
        let mut db = std::fs::File::open(out.join(DATABASE)).map_err(io(DATABASE))?;
        let (size, sha256) = hash_into(&mut db, None).map_err(io(DATABASE))?;
        files.push(Entry {
            path: DATABASE.into(),
            size,
            sha256,
        });
        for rel in files_under(&files_root)? {
            let name = format!(
                "files/{}",
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            );
            // An upload in progress or a file deleted meanwhile: skipped, not an error.
            if !files_root.join(&rel).is_file() {
                continue;
            }
            let (size, sha256) = copy_hashed(&files_root.join(&rel), &out.join(&name))?;
            files.push(Entry {
                path: name,
                size,
                sha256,
            });
        }
        let m = Manifest {
            format: FORMAT,
            korrigo: env!("CARGO_PKG_VERSION").into(),
            backend: "sqlite".into(),
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
    if m.format != FORMAT || m.backend != "sqlite" {
        return Err(BackupError::Refused(format!(
            "this backup's format ({}, {}) is not one this version reads",
            m.format, m.backend
        )));
    }
    if m.files.first().map(|e| e.path.as_str()) != Some(DATABASE) {
        return Err(BackupError::Refused(format!(
            "{MANIFEST} lists no database"
        )));
    }
    for e in &m.files {
        let rel = Path::new(&e.path);
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe || (e.path != DATABASE && !e.path.starts_with("files/")) {
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
    let db_path = sqlite_path(config)?;
    let m = verify(dir)?;
    // The schema: every migration of the backup known to this version.
    let known = korrigo_store::known_migrations(Backend::Sqlite);
    if let Some(v) = m.migrations.iter().find(|v| !known.contains(v)) {
        return Err(BackupError::Refused(format!(
            "the backup was made by a newer Korrigo (its database has migration {v}, which this \
             version does not know): restore it with that version or a later one"
        )));
    }
    let files_root = config.data_dir.join("files");
    if db_path.exists() || !is_empty_dir(&files_root) {
        return Err(BackupError::Refused(format!(
            "the data folder is not empty ({} or {} exists): restore into a new data folder",
            db_path.display(),
            files_root.display()
        )));
    }
    let dir = dir.to_path_buf();
    let m2 = m.clone();
    tokio::task::spawn_blocking(move || -> Result<(), BackupError> {
        // Beside, then renamed: an interrupted restore leaves no half database or file store.
        let staging = config_staging(&files_root);
        let _ = std::fs::remove_dir_all(&staging);
        for e in m2.files.iter().skip(1) {
            let rel = e.path.trim_start_matches("files/");
            copy_hashed(&dir.join(&e.path), &staging.join(rel))?;
        }
        let db_tmp = db_path.with_extension("db.restoring");
        copy_hashed(&dir.join(DATABASE), &db_tmp)?;
        if staging.exists() {
            if files_root.exists() {
                std::fs::remove_dir(&files_root).map_err(io(files_root.display().to_string()))?;
            }
            std::fs::rename(&staging, &files_root).map_err(io(files_root.display().to_string()))?;
        }
        std::fs::rename(&db_tmp, &db_path).map_err(io(db_path.display().to_string()))?;
        Ok(())
    })
    .await
    .map_err(|e| BackupError::Refused(e.to_string()))??;
    Ok(m)
}

fn config_staging(files_root: &Path) -> PathBuf {
    files_root.with_file_name("files.restoring")
}
