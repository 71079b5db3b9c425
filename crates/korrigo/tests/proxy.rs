//! Korrigo as operators run it: the real binary behind Debian's nginx with the shipped sample
//! configuration (`deploy/nginx.conf`, only its addresses and certificate changed), and stopped
//! with SIGTERM in the middle of an upload and of a job. Needs nginx, openssl and curl
//! (`scripts/setup-test-tools.sh`).

#![allow(
    clippy::disallowed_methods,
    reason = "synchronous tests driving processes: no async runtime to block"
)]

mod common;

use common::server::*;
use common::temp_dir;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HOST: &str = "korrigo.lycee.fr";

/// The one stored upload under the data folder.
fn stored_source(data: &Path) -> PathBuf {
    let mut found = vec![];
    let mut stack = vec![data.join("files")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "source") {
                found.push(p);
            }
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

#[test]
fn nginx_with_the_sample_configuration_carries_a_big_upload_and_the_session() {
    for tool in ["nginx", "openssl", "curl"] {
        need(tool);
    }
    let d = temp_dir("nginx");
    let (kp, hp, p80) = (free_port(), free_port(), free_port());
    let ok = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", &format!("/CN={HOST}")])
        .arg("-keyout")
        .arg(d.join("key.pem"))
        .arg("-out")
        .arg(d.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    // The sample, with only its addresses and certificate changed.
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx.conf"),
    )
    .unwrap();
    let mut site = sample.clone();
    for (from, to) in [
        ("server 127.0.0.1:8080;", format!("server 127.0.0.1:{kp};")),
        ("listen 80;", format!("listen 127.0.0.1:{p80};")),
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{hp} ssl http2;"),
        ),
        (
            "/etc/letsencrypt/live/korrigo.lycee.fr/fullchain.pem",
            d.join("cert.pem").display().to_string(),
        ),
        (
            "/etc/letsencrypt/live/korrigo.lycee.fr/privkey.pem",
            d.join("key.pem").display().to_string(),
        ),
    ] {
        assert!(site.contains(from), "the sample no longer has `{from}`");
        site = site.replace(from, &to);
    }
    std::fs::write(d.join("site.conf"), site).unwrap();
    let p = d.display();
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\n\
             events {{ worker_connections 256; }}\nhttp {{\n  access_log {p}/access.log;\n  \
             client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  \
             fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  \
             scgi_temp_path {p}/scgi;\n  include {p}/site.conf;\n}}\n"
        ),
    )
    .unwrap();

    let data = d.join("data");
    let public = format!("https://{HOST}:{hp}");
    let _korrigo = serve(&data, kp, &public, &[]);
    let nginx = Command::new("nginx")
        .arg("-c")
        .arg(d.join("nginx.conf"))
        .arg("-p")
        .arg(&d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .or_else(|_| {
            Command::new("/usr/sbin/nginx")
                .arg("-c")
                .arg(d.join("nginx.conf"))
                .arg("-p")
                .arg(&d)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        })
        .expect("nginx starts");
    let _nginx = Proc(nginx);
    wait_for_port(hp, "nginx");

    let mut c = Curl::new(&public, Some(format!("{HOST}:{hp}:127.0.0.1")), &d);
    c.login();
    // The session cookie came back through the proxy, and holds on a reload.
    let (s, me) = c.json("GET", "/api/me/", None);
    assert_eq!((s, me["username"].as_str()), (200, Some("admin")), "{me}");
    let (s, page) = c.call("GET", "/", None, None, None);
    assert_eq!(s, 200, "the home page, logged in: {page}");
    let (s, me) = c.json("GET", "/api/me/", None);
    assert_eq!(s, 200, "{me}");

    // 150 MB in 64 MiB chunks through the upload location.
    let size = 150_000_000usize;
    let bytes = big_file(&d.join("lundi.pdf"), size);
    let exam = c.exam();
    let batch = c.start_upload(exam, size as u64);
    let mut offset = 0usize;
    while offset < size {
        let end = (offset + (64 << 20)).min(size);
        let part = d.join("part");
        std::fs::write(&part, &bytes[offset..end]).unwrap();
        let (s, body) = c.call(
            "PUT",
            &format!("/api/scans/{batch}/content/"),
            None,
            Some((&part, offset as u64)),
            None,
        );
        assert_eq!(s, 200, "chunk at {offset}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["received"].as_u64(), Some(end as u64));
        offset = end;
    }
    let (_, v) = c.json("GET", &format!("/api/scans/{batch}/"), None);
    assert_eq!(v["status"], "queued", "{v}");
    let stored = std::fs::read(stored_source(&data)).unwrap();
    assert_eq!(sha(&stored), sha(&bytes), "the file arrived whole");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn sigterm_during_an_upload_loses_nothing_and_the_upload_resumes() {
    need("curl");
    let d = temp_dir("sigterm-upload");
    let data = d.join("data");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let korrigo = serve(&data, port, &base, &[]);
    let mut c = Curl::new(&base, None, &d);
    c.login();
    let size = 24 << 20;
    let bytes = big_file(&d.join("lundi.pdf"), size);
    let exam = c.exam();
    let batch = c.start_upload(exam, size as u64);
    std::fs::write(d.join("part"), &bytes).unwrap();
    // A slow chunk (about 6 s at 4 MB/s), and SIGTERM a second into it.
    let slow = std::thread::spawn({
        let part = d.join("part");
        let c = Curl {
            base: c.base.clone(),
            origin: c.origin.clone(),
            resolve: None,
            jar: c.jar.clone(),
            csrf: c.csrf.clone(),
        };
        move || {
            c.call(
                "PUT",
                &format!("/api/scans/{batch}/content/"),
                None,
                Some((&part, 0)),
                Some("4M"),
            )
        }
    });
    std::thread::sleep(Duration::from_secs(1));
    let status = terminate(korrigo);
    assert!(status.success(), "serve stops cleanly on SIGTERM: {status}");
    let _ = slow.join();

    // After a restart: the server knows how much it has, the file holds at least that, and
    // the rest resumes from there into a whole file.
    let _korrigo = serve(&data, port, &base, &[]);
    let (s, v) = c.json("GET", &format!("/api/scans/{batch}/"), None);
    assert_eq!(s, 200, "the session survived the restart: {v}");
    let received = v["received"].as_u64().unwrap() as usize;
    if received < size {
        std::fs::write(d.join("rest"), &bytes[received..]).unwrap();
        let (s, body) = c.call(
            "PUT",
            &format!("/api/scans/{batch}/content/"),
            None,
            Some((&d.join("rest"), received as u64)),
            None,
        );
        assert_eq!(s, 200, "{body}");
    }
    let (_, v) = c.json("GET", &format!("/api/scans/{batch}/"), None);
    assert_eq!(
        (v["status"].as_str(), v["received"].as_u64()),
        (Some("queued"), Some(size as u64)),
        "{v}"
    );
    let stored = std::fs::read(stored_source(&data)).unwrap();
    assert_eq!(sha(&stored), sha(&bytes), "no byte lost or doubled");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn sigterm_during_a_job_hands_it_back_and_it_finishes_after_a_restart() {
    let d = temp_dir("sigterm-job");
    let data = d.join("data");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_korrigo"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("KORRIGO_DATA_DIR", &data)
            .output()
            .unwrap()
    };
    let e = run(&[
        "exams", "create", "--name", "DS 3", "--layout", "a4:1", "--json",
    ]);
    assert!(e.status.success(), "{}", String::from_utf8_lossy(&e.stderr));
    let exam = serde_json::from_slice::<Value>(&e.stdout).unwrap()["id"].to_string();
    let students = 120;
    let scan = d.join("lundi.pdf");
    std::fs::write(
        &scan,
        korrigo_media::synth::batch_pdf(
            &korrigo_media::synth::students(students),
            &korrigo_media::synth::SynthOptions {
                dpi: 100,
                pages_per_copy: 1,
                lines: 3,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    let out = run(&[
        "scans",
        "import",
        "--exam",
        &exam,
        scan.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let batch = serde_json::from_slice::<Value>(&out.stdout).unwrap()["batches"][0]["id"]
        .as_i64()
        .unwrap();
    // The batch's progress, read from the database as the web page does.
    let progress = || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let url = format!("sqlite://{}/korrigo.db", data.display());
            let db = korrigo_store::Db::connect(&url, &korrigo_store::DbOptions::default())
                .await
                .unwrap();
            let mut c = db.read().await.unwrap();
            let b = korrigo_store::scans::find_batch(c.conn(), batch)
                .await
                .unwrap()
                .unwrap();
            (b.status.as_str().to_string(), b.pages_done, b.pages_total)
        })
    };
    let copies = || {
        let out = run(&["copies", "list", "--exam", &exam, "--json"]);
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["copies"]
            .as_array()
            .unwrap()
            .len()
    };
    let worker = |grace: &str| {
        let log = d.join(format!("worker-{}.log", free_port()));
        let child = Command::new(env!("CARGO_BIN_EXE_korrigo"))
            .arg("worker")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("KORRIGO_DATA_DIR", &data)
            .env("KORRIGO_SHUTDOWN_GRACE", grace)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        (Proc(child), log)
    };
    // The worker is cutting the batch into pages (some recorded, not all) when it is stopped,
    // with no grace: the job goes back to the queue.
    let (w, log) = worker("0");
    let deadline = Instant::now() + Duration::from_secs(120);
    while progress().1 == 0 {
        assert!(Instant::now() < deadline, "the worker recorded no page");
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = terminate(w);
    assert!(status.success(), "worker stops cleanly: {status}");
    let (state, done, total) = progress();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        done < total && state == "processing" && text.contains("handed back to the queue"),
        "stopped in the middle ({state}, {done} of {total} pages): {text}"
    );
    assert_eq!(copies(), 0, "the copies are made when every page is");
    // Restarted, it finishes the batch: every copy once.
    let (w, _) = worker("30");
    let deadline = Instant::now() + Duration::from_secs(300);
    while copies() < students {
        assert!(Instant::now() < deadline, "the batch was not finished");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(terminate(w).success());
    let out = run(&["copies", "list", "--exam", &exam, "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v["copies"].as_array().unwrap();
    assert_eq!(list.len(), students);
    let mut pages: Vec<i64> = list
        .iter()
        .flat_map(|c| c["pages"].as_array().unwrap().iter())
        .map(|p| p["source_page"].as_i64().unwrap())
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        (1..=students as i64).collect::<Vec<_>>(),
        "each page once"
    );
    let _ = std::fs::remove_dir_all(&d);
}
