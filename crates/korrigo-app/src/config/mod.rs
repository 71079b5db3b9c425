//! Configuration: declared once here, read from an optional TOML file then the environment
//! (the environment wins), validated as a whole so that every problem is reported at once.
//!
//! Each setting has an environment variable (`KORRIGO_...`, and `DATABASE_URL`) and a TOML key
//! of the same name in lower case without the prefix (`public_url = "https://..."`).

mod load;
mod net;
mod secret;
mod settings;

pub use load::load;
pub use net::IpNet;
pub use secret::Secret;
pub use settings::SETTINGS;

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// Development or production.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// Friendly defaults: a missing secret key is generated.
    Development,
    /// Strict: every security setting must be given.
    Production,
}

/// The `SameSite` attribute of the session cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Sent on top-level navigations from other sites, not on their sub-requests.
    Lax,
    /// Never sent from other sites.
    Strict,
    /// Always sent (requires Secure).
    None,
}

impl SameSite {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Development or production.
    pub env: Environment,
    /// Listen address.
    pub bind: SocketAddr,
    /// The URL users type.
    pub public_url: Url,
    /// Keys CSRF tokens.
    pub secret_key: Secret,
    /// Accepted `Host` header values (lower case, without port).
    pub allowed_hosts: Vec<String>,
    /// Origins allowed to send state-changing requests (`scheme://host:port`).
    pub csrf_trusted_origins: Vec<String>,
    /// Origins allowed to call the API cross-site.
    pub cors_allowed_origins: Vec<String>,
    /// Session cookie `SameSite`.
    pub cookie_samesite: SameSite,
    /// Session cookie `Secure`.
    pub cookie_secure: bool,
    /// Idle timeout of a session.
    pub session_idle: Duration,
    /// Absolute lifetime of a session.
    pub session_max_age: Duration,
    /// Reverse proxies whose forwarded headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Largest accepted scan file.
    pub upload_max_bytes: u64,
    /// Largest body of every other request (JSON, forms).
    pub api_max_bytes: u64,
    /// Largest CSV import file.
    pub import_max_bytes: u64,
    /// Time allowed to send a request's line and headers.
    pub header_timeout: Duration,
    /// Time allowed to send a whole request body (scan chunks excepted).
    pub body_timeout: Duration,
    /// Longest silence allowed inside a scan chunk.
    pub upload_idle_timeout: Duration,
    /// Token protecting `/metrics`.
    pub metrics_token: Option<Secret>,
    /// Data folder.
    pub data_dir: PathBuf,
    /// The bucket files go to; `None`: the folder `<data_dir>/files`.
    pub s3: Option<korrigo_store::files::S3Config>,
    /// Database URL.
    pub database_url: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Job worker loops per process.
    pub workers: usize,
    /// How long running jobs may finish after a stop signal before they are handed back.
    pub shutdown_grace: Duration,
    /// Pages accepted per scan file.
    pub scan_max_pages: usize,
    /// Pixels a page image may declare.
    pub scan_max_pixels: u64,
    /// Threads extracting a batch's pages.
    pub scan_threads: usize,
    /// Failed logins per account per minute before throttling.
    pub login_max_failures: i64,
    /// Failed logins per IP per minute before throttling.
    pub login_max_failures_per_ip: i64,
    /// Password of the first admin, if given.
    pub admin_password: Option<Secret>,
}

/// How bad a configuration problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Korrigo refuses to start.
    Fatal,
    /// Korrigo starts, but something should be fixed.
    Warning,
}

/// One configuration problem, with the setting concerned and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Fatal or warning.
    pub severity: Severity,
    /// The environment variable concerned.
    pub setting: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self.severity {
            Severity::Fatal => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{s}: {}: {}\n  fix: {}",
            self.setting, self.message, self.fix
        )
    }
}

/// The outcome of loading: the configuration (when no problem is fatal) and every problem.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration, absent when a problem is fatal.
    pub config: Option<Config>,
    /// Every problem found, fatal ones first.
    pub problems: Vec<Problem>,
    /// Notes for the operator (e.g. "generated a secret key in ...").
    pub notes: Vec<String>,
}

/// Where settings come from: variable name → value.
pub type Source = BTreeMap<String, String>;

/// Reads the process environment and, if `KORRIGO_CONFIG` or `file` names one, a TOML file
/// (the environment wins).
pub fn gather(file: Option<&Path>) -> Result<Source, String> {
    let mut src = Source::new();
    let file = file
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("KORRIGO_CONFIG").map(PathBuf::from));
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| format!("the config file {} is not valid TOML: {e}", path.display()))?;
        for (key, value) in table {
            let Some((var, ..)) = SETTINGS.iter().find(|(_, k, ..)| *k == key) else {
                return Err(format!(
                    "the config file {} has an unknown setting `{key}`",
                    path.display()
                ));
            };
            let scalar = |v: &toml::Value| match v {
                toml::Value::String(s) => Ok(s.clone()),
                toml::Value::Integer(i) => Ok(i.to_string()),
                toml::Value::Boolean(b) => Ok(b.to_string()),
                _ => Err(format!(
                    "the config file {} has an unsupported value for `{key}`",
                    path.display()
                )),
            };
            let v = match &value {
                toml::Value::Array(a) => a
                    .iter()
                    .map(scalar)
                    .collect::<Result<Vec<_>, _>>()?
                    .join(","),
                other => scalar(other)?,
            };
            src.insert(var.to_string(), v);
        }
    }
    for (var, ..) in SETTINGS {
        if let Ok(v) = std::env::var(var) {
            src.insert(var.to_string(), v);
        }
    }
    Ok(src)
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The origin of a URL as browsers send it in `Origin`: `scheme://host[:port]`, the port
/// left out when it is the scheme's default.
pub fn origin_of(u: &Url) -> String {
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    match u.port() {
        Some(p) => format!("{}://{}:{}", u.scheme(), host, p),
        None => format!("{}://{}", u.scheme(), host),
    }
}

/// Normalises an origin string (`HTTPS://Example.org:443` → `https://example.org`).
pub fn normalize_origin(s: &str) -> Option<String> {
    let u = Url::parse(s.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return None;
    }
    Some(origin_of(&u))
}

impl Config {
    /// The session cookie's name: `__Host-korrigo_session` when the cookie is `Secure` and
    /// Korrigo is served at the root of its host (the browser then refuses the cookie from a
    /// sibling subdomain or over plain HTTP), else `korrigo_session`.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.cookie_secure && self.public_url.path() == "/" {
            "__Host-korrigo_session"
        } else {
            "korrigo_session"
        }
    }

    /// A configuration for tests: development mode, a fixed secret, a data dir of the caller's.
    pub fn for_tests(data_dir: PathBuf, database_url: String) -> Config {
        let mut src = Source::new();
        src.insert(
            "KORRIGO_SECRET_KEY".into(),
            "test-secret-key-test-secret-key-0123456789".into(),
        );
        src.insert("KORRIGO_DATA_DIR".into(), data_dir.display().to_string());
        src.insert("DATABASE_URL".into(), database_url);
        let loaded = load(&src, false);
        loaded.config.expect("the test configuration is valid")
    }
}

#[cfg(test)]
mod tests;
