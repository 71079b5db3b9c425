//! Operations commands with real services: `storage migrate --to s3` against moto's S3 server,
//! `purge` and `backup` refusing what they cannot do.

mod common;

use common::{korrigo, temp_dir};
use korrigo_store::test_support::TestS3;
use serde_json::Value;
use std::process::Output;

fn s3_env(s3: &TestS3) -> Vec<(&'static str, String)> {
    let c = &s3.config;
    vec![
        ("KORRIGO_STORAGE", "s3".into()),
        ("KORRIGO_S3_ENDPOINT", c.endpoint.clone()),
        ("KORRIGO_S3_BUCKET", c.bucket.clone()),
        ("KORRIGO_S3_REGION", c.region.clone()),
        ("KORRIGO_S3_ACCESS_KEY_ID", c.access_key_id.clone()),
        ("KORRIGO_S3_SECRET_ACCESS_KEY", c.secret_access_key.clone()),
    ]
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_school_moves_its_files_to_a_bucket_verifiably() {
    let s3 = TestS3::start();
    let env = s3_env(&s3);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let d = temp_dir("ops");
    // A school's files, as Korrigo leaves them in its data folder.
    let files = d.join("files");
    for (key, body) in [
        ("exams/1/batches/ab/source", vec![7u8; 3 << 20]),
        ("exams/1/batches/ab/p000000-v.jpg", b"jpeg".to_vec()),
        ("finals/1/12.pdf", b"%PDF-1.7 final".to_vec()),
    ] {
        let p = files.join(key);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    // check-config tries the bucket for real.
    let out = korrigo(&d, &env, &["check-config"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("a probe object was written, read back and deleted"),
        "{}",
        text(&out)
    );
    let out = korrigo(&d, &env, &["storage", "migrate", "--to", "s3", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["copied"].as_u64(), v["unchanged"].as_u64()),
        (Some(3), Some(0)),
        "{v}"
    );
    assert_eq!(v["bytes"].as_u64(), Some((3 << 20) + 4 + 14));
    // Run again (an interrupted copy resumed): nothing copied twice.
    let out = korrigo(&d, &env, &["storage", "migrate", "--to", "s3", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["copied"].as_u64(), v["unchanged"].as_u64()),
        (Some(0), Some(3)),
        "{v}"
    );
    // A file changed locally since is copied again.
    std::fs::write(files.join("finals/1/12.pdf"), b"%PDF-1.7 final, again").unwrap();
    let out = korrigo(&d, &env, &["storage", "migrate", "--to", "s3", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["copied"].as_u64(), v["unchanged"].as_u64()),
        (Some(1), Some(2)),
        "{v}"
    );
    // Backups of a bucket are the store's business, said plainly.
    let out = korrigo(
        &d,
        &env,
        &["backup", "--output", d.join("b").to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the files are in an S3 bucket"),
        "{}",
        text(&out)
    );

    // Without the S3 settings, migrate says what is missing; a wrong bucket is named.
    let out = korrigo(&d, &[], &["storage", "migrate", "--to", "s3"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("set KORRIGO_STORAGE=s3"),
        "{}",
        text(&out)
    );
    let mut wrong: Vec<(&str, &str)> = env.clone();
    wrong.retain(|(k, _)| *k != "KORRIGO_S3_BUCKET");
    wrong.push(("KORRIGO_S3_BUCKET", "nope"));
    let out = korrigo(&d, &wrong, &["check-config"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("the bucket `nope` does not exist"),
        "{}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn purge_checks_its_date_and_says_when_there_is_nothing_to_do() {
    let d = temp_dir("ops");
    let out = korrigo(&d, &[], &["purge", "--archived-before", "31/02/2025"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("--archived-before: 31/02/2025 is not a date"),
        "{}",
        text(&out)
    );
    let out = korrigo(
        &d,
        &[],
        &["purge", "--archived-before", "2025-09-01", "--dry-run"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("No exam was archived before 01/09/2025: nothing to purge."),
        "{}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(d);
}
