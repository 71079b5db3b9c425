//! Korrigo started for real: `korrigo serve` as a process, stopped by SIGTERM, and a client
//! with a cookie jar through curl, as a browser would call it.

#![allow(
    clippy::disallowed_methods,
    reason = "synchronous tests driving processes: no async runtime to block"
)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn need(tool: &str) {
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
pub struct Proc(pub Child);

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
pub fn serve(data: &Path, port: u16, public_url: &str, extra: &[(&str, &str)]) -> Proc {
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
pub fn terminate(mut p: Proc) -> std::process::ExitStatus {
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
#[derive(Clone)]
pub struct Curl {
    pub base: String,
    pub origin: String,
    pub resolve: Option<String>,
    pub jar: PathBuf,
    pub csrf: String,
}

impl Curl {
    pub fn new(base: &str, resolve: Option<String>, dir: &Path) -> Curl {
        Curl {
            base: base.to_string(),
            origin: base.to_string(),
            resolve,
            jar: dir.join(format!("jar-{}", free_port())),
            csrf: String::new(),
        }
    }

    /// `(status, body)`; `body_file` is sent as the raw body.
    pub fn call(
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

    pub fn json(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (s, b) = self.call(method, path, body, None, None);
        (s, serde_json::from_str(&b).unwrap_or(Value::Null))
    }

    pub fn login(&mut self) {
        let (s, v) = self.json(
            "POST",
            "/api/login/",
            Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
        );
        assert_eq!(s, 200, "login: {v}");
        self.csrf = v["csrf_token"].as_str().unwrap().to_string();
    }

    pub fn exam(&self) -> i64 {
        let (s, v) = self.json(
            "POST",
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "layout": "a4:1"})),
        );
        assert_eq!(s, 201, "{v}");
        v["id"].as_i64().unwrap()
    }

    pub fn start_upload(&self, exam: i64, size: u64) -> i64 {
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
pub fn big_file(path: &Path, size: usize) -> Vec<u8> {
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

pub fn sha(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}
