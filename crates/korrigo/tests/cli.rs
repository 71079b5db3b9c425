//! The command line as operators use it: the real binary, a throwaway data folder.

mod common;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

fn korrigo(data: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    common::korrigo(data, env, args)
}

fn temp_dir() -> PathBuf {
    common::temp_dir("cli")
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
fn check_config_explains_problems_and_fails_when_fatal() {
    let d = temp_dir();
    let ok = korrigo(&d, &[], &["check-config", "--json"]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["ok"], true);
    let bad = korrigo(
        &d,
        &[
            ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
            ("KORRIGO_SESSION_COOKIE_SAMESITE", "None"),
            ("KORRIGO_SESSION_COOKIE_SECURE", "false"),
            ("KORRIGO_UPLOAD_MAX_BYTES", "1000"),
        ],
        &["check-config", "--json"],
    );
    assert_eq!(bad.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(v["ok"], false);
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["setting"] == "KORRIGO_SESSION_COOKIE_SAMESITE" && p["severity"] == "error")
    );
    assert!(
        problems
            .iter()
            .any(|p| p["setting"] == "KORRIGO_UPLOAD_MAX_BYTES" && p["severity"] == "warning")
    );
    assert!(
        problems
            .iter()
            .all(|p| !p["fix"].as_str().unwrap().is_empty())
    );
    let text = korrigo(&d, &[("KORRIGO_ENV", "production")], &["check-config"]);
    assert_eq!(text.status.code(), Some(1));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(
        out.contains("KORRIGO_SECRET_KEY") && out.contains("fix:"),
        "{out}"
    );
    assert!(
        out.contains("KORRIGO_METRICS_TOKEN") && out.contains("openssl rand -hex 32"),
        "production without a metrics token: {out}"
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn migrate_and_create_user_print_json() {
    let d = temp_dir();
    let m = korrigo(&d, &[], &["migrate", "--json"]);
    assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
    let v: Value = serde_json::from_slice(&m.stdout).unwrap();
    // Every migration shipped, in order, on a fresh database.
    let shipped = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../korrigo-store/migrations/sqlite"
    ))
    .unwrap()
    .count() as i64;
    assert!(shipped >= 8, "{shipped} migrations");
    assert_eq!(
        v["applied"],
        serde_json::json!((1..=shipped).collect::<Vec<i64>>())
    );
    let again: Value =
        serde_json::from_slice(&korrigo(&d, &[], &["migrate", "--json"]).stdout).unwrap();
    assert_eq!(again["applied"], serde_json::json!([]));
    let u = korrigo(
        &d,
        &[],
        &[
            "create-user",
            "--username",
            "prof.leroy",
            "--name",
            "Anne Leroy",
            "--json",
        ],
    );
    assert!(u.status.success(), "{}", String::from_utf8_lossy(&u.stderr));
    let v: Value = serde_json::from_slice(&u.stdout).unwrap();
    assert_eq!(v["user"]["username"], "prof.leroy");
    assert_eq!(v["user"]["role"], "teacher");
    assert_eq!(v["user"]["must_change_password"], true);
    assert_eq!(v["temporary_password"].as_str().unwrap().len(), 19);
    let dup = korrigo(&d, &[], &["create-user", "--username", "prof.leroy"]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already taken"));
    let weak = korrigo(
        &d,
        &[],
        &[
            "create-user",
            "--username",
            "chef",
            "--role",
            "admin",
            "--password",
            "azertyuiop123",
        ],
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn students_and_exams_commands() {
    let d = temp_dir();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../korrigo-web/tests/fixtures/pronote_utf8_bom.csv"
    );
    let dry = korrigo(
        &d,
        &[],
        &["students", "import", fixture, "--dry-run", "--json"],
    );
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let v: Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        (
            v["imported"].as_i64(),
            v["rejected"].as_array().unwrap().len()
        ),
        (Some(4), 4)
    );
    let list: Value =
        serde_json::from_slice(&korrigo(&d, &[], &["students", "list", "--json"]).stdout).unwrap();
    assert_eq!(list, serde_json::json!([]), "a dry run writes nothing");
    let run = korrigo(&d, &[], &["students", "import", fixture, "--json"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        (v["status"].as_str(), v["imported"].as_i64()),
        (Some("done"), Some(4))
    );
    assert_eq!(v["rejected"][0]["line"], 6);
    let again: Value = serde_json::from_slice(
        &korrigo(&d, &[], &["students", "import", fixture, "--json"]).stdout,
    )
    .unwrap();
    assert_eq!(
        (again["imported"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(4))
    );
    let list: Value = serde_json::from_slice(
        &korrigo(&d, &[], &["students", "list", "--class", "TG2", "--json"]).stdout,
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["last_name"], "N'DIAYE");
    let bad = korrigo(&d, &[], &["students", "import", "/dev/null"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("empty"));
    let e = korrigo(
        &d,
        &[],
        &[
            "exams",
            "create",
            "--name",
            "Bac blanc",
            "--date",
            "2027-03-15",
            "--layout",
            "a3",
            "--classes",
            "TG1,TG2",
            "--json",
        ],
    );
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let v: Value = serde_json::from_slice(&e.stdout).unwrap();
    assert_eq!(
        (
            v["id"].as_i64(),
            v["students"].as_i64(),
            v["layout"].as_str()
        ),
        (Some(1), Some(4), Some("a3"))
    );
    let bad = korrigo(
        &d,
        &[],
        &["exams", "create", "--name", "X", "--layout", "a5"],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("layout"));
    let l: Value =
        serde_json::from_slice(&korrigo(&d, &[], &["exams", "list", "--json"]).stdout).unwrap();
    assert_eq!(l[0]["name"], "Bac blanc");
    // The exam's label sheets, class by class; a class with nobody is refused by name.
    let pdf = d.join("etiquettes.pdf");
    let out = korrigo(
        &d,
        &[],
        &["labels", "--exam", "1", "--output", pdf.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("4 labels for 4 students"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let none = korrigo(
        &d,
        &[],
        &[
            "labels",
            "--exam",
            "1",
            "--class",
            "2B",
            "--output",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("2B"));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn scans_import_and_copies_list() {
    let d = temp_dir();
    let e = korrigo(
        &d,
        &[],
        &[
            "exams", "create", "--name", "DS 3", "--layout", "a4:2", "--json",
        ],
    );
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let exam = serde_json::from_slice::<Value>(&e.stdout).unwrap()["id"].to_string();
    let scan = d.join("lundi.pdf");
    std::fs::write(
        &scan,
        korrigo_media::synth::batch_pdf(
            &korrigo_media::synth::students(2),
            &korrigo_media::synth::SynthOptions {
                dpi: 80,
                pages_per_copy: 2,
                lines: 3,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    let bad = d.join("notes.txt");
    std::fs::write(&bad, "pas un scan").unwrap();
    // A bad file: reason on stderr, exit code 1, the good file still imported.
    let out = korrigo(
        &d,
        &[],
        &[
            "scans",
            "import",
            "--exam",
            &exam,
            scan.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--wait",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.txt: file: notes.txt: not a PDF, a ZIP or a JPEG/PNG image"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["batches"][0]["status"], "done", "{v}");
    assert_eq!(v["batches"][0]["copies_made"], 2);
    assert_eq!(
        v["refused"][0]["file"].as_str().unwrap(),
        bad.to_str().unwrap()
    );
    let list = korrigo(&d, &[], &["copies", "list", "--exam", &exam, "--json"]);
    assert!(list.status.success());
    let v: Value = serde_json::from_slice(&list.stdout).unwrap();
    let copies = v["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 2);
    let c = &copies[1];
    assert_eq!(c["status"], "READY");
    assert_eq!(c["code"].as_str().unwrap().len(), 7);
    let pages: Vec<(String, i64, i64)> = c["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["source_file"].as_str().unwrap().to_string(),
                p["source_page"].as_i64().unwrap(),
                p["rotation"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            ("lundi.pdf".to_string(), 3, 0),
            ("lundi.pdf".to_string(), 4, 0)
        ]
    );
    let text = korrigo(&d, &[], &["copies", "list", "--exam", &exam]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("lundi.pdf p. 1,2"));
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn grading_dispatch_and_status() {
    let d = temp_dir();
    let u = korrigo(
        &d,
        &[],
        &[
            "create-user",
            "--username",
            "prof",
            "--password",
            "des copies à corriger",
        ],
    );
    assert!(u.status.success(), "{}", String::from_utf8_lossy(&u.stderr));
    let e = korrigo(
        &d,
        &[],
        &[
            "exams",
            "create",
            "--name",
            "DS 4",
            "--layout",
            "a4:1",
            "--manager",
            "prof",
            "--json",
        ],
    );
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let exam = serde_json::from_slice::<Value>(&e.stdout).unwrap()["id"].to_string();
    let scan = d.join("mardi.pdf");
    std::fs::write(
        &scan,
        korrigo_media::synth::batch_pdf(
            &korrigo_media::synth::students(3),
            &korrigo_media::synth::SynthOptions {
                dpi: 60,
                pages_per_copy: 1,
                lines: 1,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    let i = korrigo(
        &d,
        &[],
        &[
            "scans",
            "import",
            "--exam",
            &exam,
            scan.to_str().unwrap(),
            "--wait",
        ],
    );
    assert!(i.status.success(), "{}", String::from_utf8_lossy(&i.stderr));
    // Someone who is not a member of the exam: refused, said why, exit 1.
    let bad = korrigo(
        &d,
        &[],
        &[
            "grading",
            "dispatch",
            "--exam",
            &exam,
            "--correctors",
            "nobody",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("not a member"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let out = korrigo(
        &d,
        &[],
        &[
            "grading",
            "dispatch",
            "--exam",
            &exam,
            "--correctors",
            "prof",
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["applied"], true);
    assert_eq!(v["assignments"].as_array().unwrap().len(), 3);
    let st = korrigo(&d, &[], &["grading", "status", "--exam", &exam, "--json"]);
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let v: Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(v["total"], 3);
    assert_eq!(v["unassigned"], 0);
    assert_eq!(v["statuses"]["READY"], 3);
    assert_eq!(v["correctors"][0]["corrector"], "prof");
    assert_eq!(v["correctors"][0]["assigned"], 3);
    // By questions: a node that is not in the scheme is named, nothing changes.
    let bad = korrigo(
        &d,
        &[],
        &[
            "grading",
            "dispatch",
            "--exam",
            &exam,
            "--by",
            "questions",
            "--share",
            "prof=ex9",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("`ex9` is not a question"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let mixed = korrigo(
        &d,
        &[],
        &[
            "grading", "dispatch", "--exam", &exam, "--share", "prof=ex1",
        ],
    );
    assert!(
        String::from_utf8_lossy(&mixed.stderr).contains("--by questions"),
        "{}",
        String::from_utf8_lossy(&mixed.stderr)
    );
    let st = korrigo(&d, &[], &["grading", "status", "--exam", &exam, "--json"]);
    let v: Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(
        (v["mode"].as_str(), v["unassigned"].as_i64()),
        (Some("copies"), Some(0))
    );
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn serve_refuses_to_start_on_a_bad_configuration() {
    let d = temp_dir();
    let out = korrigo(&d, &[("KORRIGO_BIND", "not-an-address")], &["serve"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("KORRIGO_BIND") && err.contains("check-config"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(d);
}

mod pg {
    use super::*;

    /// On PostgreSQL, `serve` does not migrate by itself: it says which command to run.
    #[tokio::test]
    #[ignore = "PostgreSQL suite: needs KORRIGO_TEST_DATABASE_URL (scripts/test-postgres.sh)"]
    async fn serve_refuses_pending_migrations() {
        use korrigo_store::test_support::{execute_admin, postgres_url};
        let admin = postgres_url().expect("KORRIGO_TEST_DATABASE_URL");
        let name = format!("korrigo_cli_{}", rand_suffix() % 1_000_000_000);
        let server = korrigo_store::Db::connect(&admin, &korrigo_store::DbOptions::default())
            .await
            .unwrap();
        execute_admin(&server, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        let d = temp_dir();
        let out = korrigo(
            &d,
            &[("DATABASE_URL", &url), ("KORRIGO_BIND", "127.0.0.1:0")],
            &["serve"],
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("korrigo migrate"), "{err}");
        let m = korrigo(&d, &[("DATABASE_URL", &url)], &["migrate"]);
        assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
        execute_admin(
            &server,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await
        .unwrap();
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_worker_refuses_a_queue_that_does_not_exist() {
    let d = temp_dir();
    let out = korrigo(&d, &[], &["worker", "--queue", "ocr", "--queue", "scans"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no job queue is named scans; the queues are default, ocr"),
        "{err}"
    );
    // Nothing was started: no database was created.
    assert!(!d.join("korrigo.db").exists());
}

#[test]
fn backup_then_restore_into_an_empty_data_folder_checks_everything_first() {
    let d = temp_dir();
    let made = korrigo(&d, &[], &["create-user", "--username", "prof.durand"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let scan = d.join("files/batches/7/scan.pdf");
    std::fs::create_dir_all(scan.parent().unwrap()).unwrap();
    std::fs::write(&scan, b"%PDF-1.7 a scanned batch").unwrap();
    let b = temp_dir().join("backup");
    let m = common::backup(&d, &[], &b);
    assert_eq!(
        common::manifest_paths(&m),
        ["korrigo.db", "files/batches/7/scan.pdf"]
    );
    assert_eq!(m["files"][1]["size"], 24);
    assert!(b.join("manifest.json").exists());
    // Backing up into a folder that is not empty is refused.
    let again = korrigo(&d, &[], &["backup", "--output", b.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));

    // A tampered backup is refused before anything is written.
    let t = temp_dir().join("tampered");
    std::fs::create_dir_all(t.join("files/batches/7")).unwrap();
    for f in ["manifest.json", "korrigo.db"] {
        std::fs::copy(b.join(f), t.join(f)).unwrap();
    }
    std::fs::write(
        t.join("files/batches/7/scan.pdf"),
        b"%PDF-1.7 another batch!!",
    )
    .unwrap();
    let d2 = temp_dir();
    let bad = korrigo(&d2, &[], &["restore", t.to_str().unwrap()]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("files/batches/7/scan.pdf is not the file that was backed up"),
        "{err}"
    );
    assert!(!d2.join("korrigo.db").exists() && !d2.join("files").exists());
    // So is a file slipped into it, that the manifest does not list.
    std::fs::copy(
        b.join("files/batches/7/scan.pdf"),
        t.join("files/batches/7/scan.pdf"),
    )
    .unwrap();
    std::fs::write(t.join("files/batches/7/extra.pdf"), b"%PDF-1.7").unwrap();
    let bad = korrigo(&d2, &[], &["restore", t.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("files/batches/7/extra.pdf is in the backup folder but not in its manifest"),
        "{err}"
    );
    assert!(!d2.join("korrigo.db").exists() && !d2.join("files").exists());
    std::fs::remove_file(t.join("files/batches/7/extra.pdf")).unwrap();
    // A backup from a newer Korrigo is refused too.
    let mut newer: Value =
        serde_json::from_slice(&std::fs::read(b.join("manifest.json")).unwrap()).unwrap();
    newer["migrations"]
        .as_array_mut()
        .unwrap()
        .push(9999.into());
    std::fs::write(t.join("manifest.json"), newer.to_string()).unwrap();
    std::fs::copy(
        b.join("files/batches/7/scan.pdf"),
        t.join("files/batches/7/scan.pdf"),
    )
    .unwrap();
    let bad = korrigo(&d2, &[], &["restore", t.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("newer Korrigo"));
    assert!(!d2.join("korrigo.db").exists());

    // The real one restores: same files, the same accounts.
    let ok = korrigo(&d2, &[], &["restore", b.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 stored files"));
    assert_eq!(
        std::fs::read(d2.join("files/batches/7/scan.pdf")).unwrap(),
        b"%PDF-1.7 a scanned batch"
    );
    let dup = korrigo(&d2, &[], &["create-user", "--username", "prof.durand"]);
    assert!(
        !dup.status.success(),
        "the account came back with the database"
    );
    // Restoring over data is refused.
    let over = korrigo(&d2, &[], &["restore", b.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&over.stderr).contains("not empty"));
}
