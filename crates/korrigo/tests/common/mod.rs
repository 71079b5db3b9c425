//! What the binary's tests share: running `korrigo` on a data folder, throwaway folders.
#![allow(dead_code, reason = "each test file uses part of it")]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary with only `PATH`, the data folder and `env` set.
pub fn korrigo(data: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_korrigo"));
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KORRIGO_DATA_DIR", data);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the korrigo binary runs")
}

/// A new empty folder under the system's temporary folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "korrigo-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `korrigo backup --output OUT --json` on a data folder, which must succeed; its manifest.
pub fn backup(data: &Path, env: &[(&str, &str)], out: &Path) -> serde_json::Value {
    let o = korrigo(
        data,
        env,
        &["backup", "--output", out.to_str().unwrap(), "--json"],
    );
    assert!(
        o.status.success(),
        "backup: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The paths a backup's manifest lists, in its order.
pub fn manifest_paths(m: &serde_json::Value) -> Vec<&str> {
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}
