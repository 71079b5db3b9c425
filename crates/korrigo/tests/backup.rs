//! `korrigo backup` while Korrigo serves: requests keep being answered during the backup, and
//! the backup restores into an empty data folder as one consistent moment, every file whole.

#![allow(
    clippy::disallowed_methods,
    reason = "synchronous tests driving processes: no async runtime to block"
)]

mod common;

use common::server::*;
use common::{korrigo, temp_dir};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A scan of `size` bytes, different for each `n` (the same content twice would be a
/// duplicate), uploaded in one chunk; its batch id and SHA-256.
fn upload(c: &Curl, dir: &Path, exam: i64, size: usize, n: u64) -> (i64, String, u16) {
    let path = dir.join(format!("scan-{n}.pdf"));
    let mut bytes = big_file(&path, size);
    bytes[9..17].copy_from_slice(&n.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let batch = c.start_upload(exam, size as u64);
    let (status, body) = c.call(
        "PUT",
        &format!("/api/scans/{batch}/content/"),
        None,
        Some((&path, 0)),
        None,
    );
    assert!(status == 200 || status >= 500, "{status} {body}");
    let _ = std::fs::remove_file(&path);
    (batch, sha(&bytes), status)
}

/// Every table's row count, and `(id, size, received, store_key)` of every batch.
type Batches = Vec<(i64, i64, i64, String)>;

fn read_db(path: &Path) -> (BTreeMap<String, i64>, Batches, String, usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=ro", path.display());
        let pool = sqlx::sqlite::SqlitePool::connect(&url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut counts = BTreeMap::new();
        for t in tables {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{t}\"")))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            counts.insert(t, n);
        }
        let batches = sqlx::query_as("SELECT id, size, received, store_key FROM scan_batches")
            .fetch_all(&pool)
            .await
            .unwrap();
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        let broken_links = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&pool)
            .await
            .unwrap()
            .len();
        pool.close().await;
        (counts, batches, integrity, broken_links)
    })
}

#[test]
fn a_backup_taken_while_korrigo_serves_restores_whole_and_consistent() {
    need("curl");
    let d = temp_dir("live-backup");
    let data = d.join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _korrigo = serve(&data, port, &base, &[]);
    let mut c = Curl::new(&base, None, &d);
    c.login();
    let exam = c.exam();
    // Scans uploaded before: 16 of 2 MB, enough for the backup to take a while.
    let sent: Arc<Mutex<HashMap<i64, String>>> = Arc::default();
    for n in 0..16 {
        let (batch, sum, status) = upload(&c, &d, exam, 2 << 20, n);
        assert_eq!(status, 200);
        sent.lock().unwrap().insert(batch, sum);
    }
    // Teachers go on uploading (and the exam page is read) while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let done_at: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let load = std::thread::spawn({
        let (c, d, stop, sent, done_at) = (
            c.clone(),
            d.clone(),
            stop.clone(),
            sent.clone(),
            done_at.clone(),
        );
        move || {
            let mut failures = vec![];
            let mut n = 1000;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let (batch, sum, status) = upload(&c, &d, exam, 256 << 10, n);
                let (list, _) = c.json("GET", &format!("/api/exams/{exam}/scans/"), None);
                if status != 200 || list != 200 {
                    failures.push((status, list));
                }
                sent.lock().unwrap().insert(batch, sum);
                done_at.lock().unwrap().push(Instant::now());
            }
            failures
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let before = sent.lock().unwrap().len();
    let started = Instant::now();
    let b = d.join("backup");
    let out = korrigo(
        &data,
        &[],
        &["backup", "--output", b.to_str().unwrap(), "--json"],
    );
    let ended = Instant::now();
    // Every upload started before the backup ended has an id below this one (one upload, not
    // yet recorded, may be in flight).
    let last_started = *sent.lock().unwrap().keys().max().unwrap() + 2;
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    let failures = load.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        failures.is_empty(),
        "requests failed meanwhile: {failures:?}"
    );
    let during = done_at
        .lock()
        .unwrap()
        .iter()
        .filter(|t| **t > started && **t < ended)
        .count();
    assert!(during > 0, "no request was answered while the backup ran");
    let manifest: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(manifest["storage"], "local");

    // Restored into an empty data folder.
    let data2 = d.join("restored");
    let out = korrigo(&data2, &[], &["restore", b.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (counts, batches, integrity, broken) = read_db(&data2.join("korrigo.db"));
    let (snapshot, ..) = read_db(&b.join("korrigo.db"));
    assert_eq!(counts, snapshot, "every table's rows, as in the snapshot");
    assert_eq!((integrity.as_str(), broken), ("ok", 0));
    // One moment: every upload acknowledged before the backup is there, none started after.
    assert!(
        batches.len() >= before && batches.iter().all(|b| b.0 < last_started),
        "{} batches restored, {before} acknowledged before the backup",
        batches.len()
    );
    // Every upload the snapshot knows as complete is whole, byte for byte; the restored files
    // are the manifest's, each with its checksum.
    let sent = sent.lock().unwrap();
    let mut whole = 0;
    for (id, size, received, key) in &batches {
        if received == size {
            let bytes = std::fs::read(data2.join("files").join(key)).unwrap();
            assert_eq!(&sha(&bytes), &sent[id], "batch {id}'s scan");
            whole += 1;
        }
    }
    assert!(whole >= before, "{whole} whole scans");
    let listed: BTreeMap<String, String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut restored = BTreeMap::new();
    for (path, sum) in &listed {
        let bytes = std::fs::read(data2.join(path)).unwrap();
        restored.insert(path.clone(), sha(&bytes));
        assert_eq!(&sha(&bytes), sum, "{path}");
    }
    assert!(restored.len() >= before);
    let _ = std::fs::remove_dir_all(&d);
}
