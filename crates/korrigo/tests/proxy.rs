//! Korrigo as operators run it: the real binary behind Debian's nginx with the shipped sample
//! configuration (`deploy/nginx.conf`, only its addresses and certificate changed), and stopped
//! with SIGTERM in the middle of an upload and of a job. Needs nginx, openssl and curl
//! (`scripts/setup-test-tools.sh`).

#![allow(
    clippy::disallowed_methods,
    reason = "synchronous tests driving processes: no async runtime to block"
)]

mod common;

use common::temp_dir;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "correct horse battery";
const HOST: &str = "korrigo.lycee.fr";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn need(tool: &str) {
    let found = Command::new("sh")
        .args([
            "-c",
            &format!("command -v {tool} || test -x /usr/sbin/{tool}"),
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "this test needs {tool}: run scripts/setup-test-tools.sh (scripts/test.sh does)"
    );
}

/// A running process, stopped when dropped: SIGTERM (nginx's master then stops its workers,
/// which SIGKILL would leave behind), SIGKILL if it is still there after 5 s.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.0.try_wait() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `korrigo serve` on a data folder.
fn serve(data: &Path, port: u16, public_url: &str, extra: &[(&str, &str)]) -> Proc {
    let mut c = Command::new(env!("CARGO_BIN_EXE_korrigo"));
    c.args(["serve", "--no-worker"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KORRIGO_DATA_DIR", data)
        .env("KORRIGO_BIND", format!("127.0.0.1:{port}"))
        .env("KORRIGO_PUBLIC_URL", public_url)
        .env("KORRIGO_TRUSTED_PROXIES", "127.0.0.1")
        .env("KORRIGO_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in extra {
        c.env(k, v);
    }
    let p = Proc(c.spawn().expect("korrigo serve starts"));
    wait_for_port(port, "korrigo serve");
    p
}

/// SIGTERM, then waits for the process to end by itself; its exit status.
fn terminate(mut p: Proc) -> std::process::ExitStatus {
    let pid = p.0.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(s) = p.0.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A client with a cookie jar, through curl (as a browser: Origin of the public URL).
struct Curl {
    base: String,
    origin: String,
    resolve: Option<String>,
    jar: PathBuf,
    csrf: String,
}

impl Curl {
    fn new(base: &str, resolve: Option<String>, dir: &Path) -> Curl {
        Curl {
            base: base.to_string(),
            origin: base.to_string(),
            resolve,
            jar: dir.join(format!("jar-{}", free_port())),
            csrf: String::new(),
        }
    }

    /// `(status, body)`; `body_file` is sent as the raw body.
    fn call(
        &self,
        method: &str,
        path: &str,
        json_body: Option<Value>,
        body_file: Option<(&Path, u64)>,
        rate: Option<&str>,
    ) -> (u16, String) {
        let mut c = Command::new("curl");
        c.args(["-sk", "-X", method, "-b"])
            .arg(&self.jar)
            .arg("-c")
            .arg(&self.jar)
            .args(["-H", &format!("Origin: {}", self.origin)])
            .args(["-H", "Sec-Fetch-Site: same-origin"])
            .args(["-w", "\n%{http_code}"]);
        if let Some(r) = &self.resolve {
            c.args(["--resolve", r]);
        }
        if !self.csrf.is_empty() {
            c.args(["-H", &format!("X-CSRF-Token: {}", self.csrf)]);
        }
        if let Some(v) = json_body {
            c.args(["-H", "Content-Type: application/json", "--data-binary"])
                .arg(v.to_string());
        }
        if let Some((f, offset)) = body_file {
            c.args(["-H", "Content-Type: application/octet-stream"])
                .args(["-H", &format!("Upload-Offset: {offset}")])
                .arg("--data-binary")
                .arg(format!("@{}", f.display()));
        }
        if let Some(r) = rate {
            c.args(["--limit-rate", r]);
        }
        let out = c
            .arg(format!("{}{path}", self.base))
            .output()
            .expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
        (code.trim().parse().unwrap_or(0), body.to_string())
    }

    fn json(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (s, b) = self.call(method, path, body, None, None);
        (s, serde_json::from_str(&b).unwrap_or(Value::Null))
    }

    fn login(&mut self) {
        let (s, v) = self.json(
            "POST",
            "/api/login/",
            Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
        );
        assert_eq!(s, 200, "login: {v}");
        self.csrf = v["csrf_token"].as_str().unwrap().to_string();
    }

    fn exam(&self) -> i64 {
        let (s, v) = self.json(
            "POST",
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "layout": "a4:1"})),
        );
        assert_eq!(s, 201, "{v}");
        v["id"].as_i64().unwrap()
    }

    fn start_upload(&self, exam: i64, size: u64) -> i64 {
        let (s, v) = self.json(
            "POST",
            &format!("/api/exams/{exam}/scans/"),
            Some(json!({"file_name": "lundi.pdf", "size": size})),
        );
        assert_eq!(s, 201, "{v}");
        v["id"].as_i64().unwrap()
    }
}

/// A file of `size` bytes that starts like a PDF, pseudo-random after.
fn big_file(path: &Path, size: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut b: Vec<u8> = b"%PDF-1.7\n".to_vec();
    b.resize(size, 0);
    for chunk in b[9..].chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let bytes = x.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
    std::fs::write(path, &b).unwrap();
    b
}

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

fn sha(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
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
