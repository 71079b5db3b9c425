//! Configuration: declared once here, read from an optional TOML file then the environment
//! (the environment wins), validated as a whole so that every problem is reported at once.
//!
//! Each setting has an environment variable (`KORRIGO_...`, and `DATABASE_URL`) and a TOML key
//! of the same name in lower case without the prefix (`public_url = "https://..."`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

/// One gibibyte.
const GIB: u64 = 1024 * 1024 * 1024;
/// The shortest secret key and metrics token accepted (in characters).
const MIN_TOKEN_CHARS: usize = 32;

fn distinct_chars(s: &str) -> usize {
    s.chars().collect::<std::collections::BTreeSet<_>>().len()
}

/// Whether a long secret is still easy to guess: few distinct characters (`aaaa...`,
/// `abababab...`), or a short pattern repeated (`secretsecretsecret...`). A random hex key of
/// 32 characters has about 14 distinct ones.
fn low_entropy(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if distinct_chars(s) < 8 {
        return true;
    }
    (1..=chars.len() / 3).any(|period| {
        chars
            .iter()
            .enumerate()
            .skip(period)
            .all(|(i, c)| chars[i - period] == *c)
    })
}

/// Every setting: (environment variable, TOML key, default shown in docs, description).
/// `korrigo check-config` and the README's configuration reference come from this table.
pub const SETTINGS: &[(&str, &str, &str, &str)] = &[
    (
        "KORRIGO_ENV",
        "env",
        "development",
        "`development` or `production` (stricter checks: a secret key is required)",
    ),
    (
        "KORRIGO_BIND",
        "bind",
        "127.0.0.1:8080",
        "address and port `serve` listens on",
    ),
    (
        "KORRIGO_PUBLIC_URL",
        "public_url",
        "http://<bind>",
        "the URL users type, e.g. `https://korrigo.lycee.fr`",
    ),
    (
        "KORRIGO_SECRET_KEY",
        "secret_key",
        "generated in development",
        "at least 32 characters; keys CSRF tokens. Generated and kept in the data dir in development",
    ),
    (
        "KORRIGO_ALLOWED_HOSTS",
        "allowed_hosts",
        "the public URL's host, localhost, 127.0.0.1",
        "comma-separated host names accepted in the `Host` header",
    ),
    (
        "KORRIGO_CSRF_TRUSTED_ORIGINS",
        "csrf_trusted_origins",
        "the public URL's origin",
        "comma-separated origins (scheme://host[:port]) allowed to send state-changing requests",
    ),
    (
        "KORRIGO_CORS_ALLOWED_ORIGINS",
        "cors_allowed_origins",
        "none",
        "comma-separated origins allowed to call the API from another site (with credentials)",
    ),
    (
        "KORRIGO_SESSION_COOKIE_SAMESITE",
        "session_cookie_samesite",
        "Lax",
        "`Lax`, `Strict` or `None` (`None` requires Secure)",
    ),
    (
        "KORRIGO_SESSION_COOKIE_SECURE",
        "session_cookie_secure",
        "true when the public URL is https",
        "send the session cookie over HTTPS only",
    ),
    (
        "KORRIGO_SESSION_IDLE_MINUTES",
        "session_idle_minutes",
        "480",
        "a session unused this long ends",
    ),
    (
        "KORRIGO_SESSION_MAX_HOURS",
        "session_max_hours",
        "168",
        "a session ends this long after login, whatever its use",
    ),
    (
        "KORRIGO_TRUSTED_PROXIES",
        "trusted_proxies",
        "none",
        "comma-separated IPs or CIDR ranges of reverse proxies whose X-Forwarded-For/-Proto are believed",
    ),
    (
        "KORRIGO_UPLOAD_MAX_BYTES",
        "upload_max_bytes",
        "2147483648 (2 GiB)",
        "largest scan file (sent in chunks of at most 64 MiB); the only large bodies accepted",
    ),
    (
        "KORRIGO_API_MAX_BYTES",
        "api_max_bytes",
        "1048576 (1 MiB)",
        "largest body of any other request (JSON, forms); larger ones get 413 before being read",
    ),
    (
        "KORRIGO_IMPORT_MAX_BYTES",
        "import_max_bytes",
        "10485760 (10 MiB)",
        "largest CSV file of a roster or staff import",
    ),
    (
        "KORRIGO_HEADER_TIMEOUT_SECS",
        "header_timeout_secs",
        "10",
        "a client must send a request's line and headers within this time, or the connection is closed",
    ),
    (
        "KORRIGO_BODY_TIMEOUT_SECS",
        "body_timeout_secs",
        "30",
        "a client must send a whole request body (other than a scan chunk) within this time",
    ),
    (
        "KORRIGO_UPLOAD_IDLE_TIMEOUT_SECS",
        "upload_idle_timeout_secs",
        "60",
        "a scan chunk whose sender goes this long without sending a byte is dropped (the upload resumes from the server's offset)",
    ),
    (
        "KORRIGO_SCAN_MAX_PAGES",
        "scan_max_pages",
        "5000",
        "pages accepted in one scan file (a ZIP counts all its entries)",
    ),
    (
        "KORRIGO_SCAN_MAX_PIXELS",
        "scan_max_pixels",
        "60000000",
        "pixels a page image may declare (refuses decompression bombs)",
    ),
    (
        "KORRIGO_SCAN_THREADS",
        "scan_threads",
        "the number of CPU cores",
        "threads that extract a batch's pages in parallel",
    ),
    (
        "KORRIGO_METRICS_TOKEN",
        "metrics_token",
        "none (open in development; required in production)",
        "at least 32 characters; `/metrics` then requires it in `X-Metrics-Token` or `?token=`",
    ),
    (
        "KORRIGO_DATA_DIR",
        "data_dir",
        "./data",
        "folder of the SQLite database, the file store and the generated secret key",
    ),
    (
        "DATABASE_URL",
        "database_url",
        "sqlite://<data_dir>/korrigo.db",
        "`sqlite://...` or `postgres://user@host/db`",
    ),
    (
        "KORRIGO_LOG_FORMAT",
        "log_format",
        "text (json in production)",
        "`text` or `json`",
    ),
    (
        "KORRIGO_WORKERS",
        "workers",
        "2",
        "job worker loops per process",
    ),
    (
        "KORRIGO_LOGIN_MAX_FAILURES",
        "login_max_failures",
        "5",
        "failed logins per account per minute before 429",
    ),
    (
        "KORRIGO_LOGIN_MAX_FAILURES_PER_IP",
        "login_max_failures_per_ip",
        "30",
        "failed logins per client IP per minute before 429",
    ),
    (
        "KORRIGO_ADMIN_PASSWORD",
        "admin_password",
        "none",
        "on first start, creates the account `admin` with this password",
    ),
    (
        "KORRIGO_CONFIG",
        "-",
        "none",
        "path of an optional TOML file with the settings above",
    ),
];

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

/// A secret value: never printed, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// An IP network (an address and a prefix length), for trusted proxies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `10.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("`{s}` is not an IP address or CIDR range"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{s}` has an invalid prefix length"))?,
        };
        Ok(IpNet { addr, prefix })
    }

    /// Whether `ip` is inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - self.prefix)
                };
                u32::from(n) & mask == u32::from(i) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - self.prefix)
                };
                u128::from(n) & mask == u128::from(i) & mask
            }
            _ => false,
        }
    }
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
    /// Database URL.
    pub database_url: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Job worker loops per process.
    pub workers: usize,
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

/// Validates a gathered source. When `persist_secret` is true and no secret key is set in
/// development, one is generated and kept in `<data_dir>/secret_key`.
pub fn load(src: &Source, persist_secret: bool) -> Loaded {
    let mut problems = vec![];
    let mut notes = vec![];
    let get = |k: &str| {
        src.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let fatal = |setting: &'static str, message: String, fix: &str| Problem {
        severity: Severity::Fatal,
        setting,
        message,
        fix: fix.to_string(),
    };

    let env = match get("KORRIGO_ENV").as_deref() {
        None | Some("development") | Some("dev") => Environment::Development,
        Some("production") | Some("prod") => Environment::Production,
        Some(other) => {
            problems.push(fatal(
                "KORRIGO_ENV",
                format!("unknown environment `{other}`"),
                "use `development` or `production`",
            ));
            Environment::Development
        }
    };
    let prod = env == Environment::Production;

    let bind: SocketAddr = match get("KORRIGO_BIND") {
        None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        Some(b) => b.parse().unwrap_or_else(|_| {
            problems.push(fatal(
                "KORRIGO_BIND",
                format!("`{b}` is not an address:port"),
                "e.g. `127.0.0.1:8080` or `0.0.0.0:8080`",
            ));
            SocketAddr::from(([127, 0, 0, 1], 8080))
        }),
    };

    let default_public = format!(
        "http://{}",
        if bind.ip().is_unspecified() {
            format!("127.0.0.1:{}", bind.port())
        } else {
            bind.to_string()
        }
    );
    let public_url = match get("KORRIGO_PUBLIC_URL") {
        None => {
            if prod {
                problems.push(fatal(
                    "KORRIGO_PUBLIC_URL",
                    "no public URL in production".into(),
                    "set it to the address users type, e.g. `https://korrigo.lycee.fr`",
                ));
            }
            Url::parse(&default_public).expect("valid default URL")
        }
        Some(u) => match Url::parse(&u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => url,
            _ => {
                problems.push(fatal(
                    "KORRIGO_PUBLIC_URL",
                    format!("`{u}` is not an http(s) URL"),
                    "e.g. `https://korrigo.lycee.fr`",
                ));
                Url::parse(&default_public).expect("valid default URL")
            }
        },
    };
    let https = public_url.scheme() == "https";
    let public_host = public_url.host_str().unwrap_or("").to_ascii_lowercase();
    let public_origin = origin_of(&public_url);

    let data_dir = PathBuf::from(get("KORRIGO_DATA_DIR").unwrap_or_else(|| "./data".into()));

    let secret_key = match get("KORRIGO_SECRET_KEY") {
        Some(k) if k.chars().count() >= MIN_TOKEN_CHARS && !low_entropy(&k) => Secret::new(k),
        Some(k) if k.chars().count() >= MIN_TOKEN_CHARS => {
            problems.push(Problem {
                severity: Severity::Warning,
                setting: "KORRIGO_SECRET_KEY",
                message: format!(
                    "the secret key looks guessable: only {} different characters, or a short pattern repeated",
                    distinct_chars(&k)
                ),
                fix: "generate a random one with `openssl rand -hex 32`".into(),
            });
            Secret::new(k)
        }
        Some(k) => {
            let p = Problem {
                severity: if prod {
                    Severity::Fatal
                } else {
                    Severity::Warning
                },
                setting: "KORRIGO_SECRET_KEY",
                message: format!(
                    "the secret key is too short ({} characters, at least 32 needed)",
                    k.chars().count()
                ),
                fix: "generate one with `openssl rand -hex 32`".into(),
            };
            problems.push(p);
            Secret::new(k)
        }
        None if prod => {
            problems.push(fatal(
                "KORRIGO_SECRET_KEY",
                "no secret key in production".into(),
                "generate one with `openssl rand -hex 32` and set KORRIGO_SECRET_KEY",
            ));
            Secret::new(String::new())
        }
        None => {
            let path = data_dir.join("secret_key");
            match read_or_create_secret(&path, persist_secret) {
                Ok((k, created)) => {
                    problems.push(Problem {
                        severity: Severity::Warning,
                        setting: "KORRIGO_SECRET_KEY",
                        message: format!(
                            "no secret key set; using the one kept in {}",
                            path.display()
                        ),
                        fix: "set KORRIGO_SECRET_KEY (required in production)".into(),
                    });
                    if created {
                        notes.push(format!("generated a secret key in {}", path.display()));
                    }
                    k
                }
                Err(e) => {
                    problems.push(fatal(
                        "KORRIGO_SECRET_KEY",
                        format!("no secret key set and none could be kept: {e}"),
                        "set KORRIGO_SECRET_KEY or make KORRIGO_DATA_DIR writable",
                    ));
                    Secret::new(String::new())
                }
            }
        }
    };

    let allowed_hosts: Vec<String> = match get("KORRIGO_ALLOWED_HOSTS") {
        None => {
            let mut h = vec![public_host.clone()];
            for d in ["localhost", "127.0.0.1", "::1"] {
                if !h.iter().any(|x| x == d) {
                    h.push(d.to_string());
                }
            }
            h
        }
        Some(v) => {
            let h: Vec<String> = list(&v)
                .into_iter()
                .map(|s| s.to_ascii_lowercase())
                .collect();
            if !h.iter().any(|x| x == "*" || *x == public_host) {
                problems.push(fatal(
                    "KORRIGO_ALLOWED_HOSTS",
                    format!(
                        "the public URL's host `{public_host}` is not among the allowed hosts ({})",
                        h.join(", ")
                    ),
                    &format!("add `{public_host}` to KORRIGO_ALLOWED_HOSTS"),
                ));
            }
            h
        }
    };

    let csrf_trusted_origins: Vec<String> = match get("KORRIGO_CSRF_TRUSTED_ORIGINS") {
        None => vec![public_origin.clone()],
        Some(v) => {
            let mut out = vec![];
            for o in list(&v) {
                match normalize_origin(&o) {
                    Some(n) => out.push(n),
                    None => problems.push(fatal(
                        "KORRIGO_CSRF_TRUSTED_ORIGINS",
                        format!("`{o}` is not an origin"),
                        "write origins as scheme://host[:port], e.g. `https://korrigo.lycee.fr`",
                    )),
                }
            }
            if !out.contains(&public_origin) {
                problems.push(fatal("KORRIGO_CSRF_TRUSTED_ORIGINS", format!("the public URL's origin `{public_origin}` is not a trusted origin: the browser UI could not save anything"), &format!("add `{public_origin}` (with its port, if any) to KORRIGO_CSRF_TRUSTED_ORIGINS")));
            }
            out
        }
    };

    let cors_allowed_origins: Vec<String> = match get("KORRIGO_CORS_ALLOWED_ORIGINS") {
        None => vec![],
        Some(v) => {
            let mut out = vec![];
            for o in list(&v) {
                if o == "*" {
                    problems.push(fatal(
                        "KORRIGO_CORS_ALLOWED_ORIGINS",
                        "`*` would let any site use a logged-in user's session".into(),
                        "list the origins that need access",
                    ));
                    continue;
                }
                match normalize_origin(&o) {
                    Some(n) => out.push(n),
                    None => problems.push(fatal(
                        "KORRIGO_CORS_ALLOWED_ORIGINS",
                        format!("`{o}` is not an origin"),
                        "write origins as scheme://host[:port]",
                    )),
                }
            }
            out
        }
    };

    let cookie_samesite = match get("KORRIGO_SESSION_COOKIE_SAMESITE")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("lax") => SameSite::Lax,
        Some("strict") => SameSite::Strict,
        Some("none") => SameSite::None,
        Some(other) => {
            problems.push(fatal(
                "KORRIGO_SESSION_COOKIE_SAMESITE",
                format!("unknown value `{other}`"),
                "use Lax (recommended), Strict or None",
            ));
            SameSite::Lax
        }
    };
    let cookie_secure = match get("KORRIGO_SESSION_COOKIE_SECURE") {
        None => https,
        Some(v) => parse_bool(&v).unwrap_or_else(|| {
            problems.push(fatal(
                "KORRIGO_SESSION_COOKIE_SECURE",
                format!("`{v}` is not true or false"),
                "use true or false",
            ));
            https
        }),
    };
    if cookie_samesite == SameSite::None && !cookie_secure {
        problems.push(fatal("KORRIGO_SESSION_COOKIE_SAMESITE", "SameSite=None without Secure: browsers drop such cookies, so every reload would log users out".into(), "use SameSite=Lax, or serve over HTTPS with KORRIGO_SESSION_COOKIE_SECURE=true"));
    }
    if cookie_secure && !https {
        let local = matches!(
            public_host.as_str(),
            "localhost" | "127.0.0.1" | "::1" | "[::1]"
        );
        if !local {
            problems.push(fatal("KORRIGO_SESSION_COOKIE_SECURE", format!("Secure cookies with a plain-http public URL ({public_url}): browsers will not send the session cookie back"), "use an https public URL, or set KORRIGO_SESSION_COOKIE_SECURE=false"));
        }
    }
    if https && !cookie_secure {
        problems.push(Problem {
            severity: if prod {
                Severity::Fatal
            } else {
                Severity::Warning
            },
            setting: "KORRIGO_SESSION_COOKIE_SECURE",
            message: "the public URL is https but the session cookie is not Secure".into(),
            fix: "remove KORRIGO_SESSION_COOKIE_SECURE=false".into(),
        });
    }
    if prod && !https {
        problems.push(Problem {
            severity: Severity::Warning,
            setting: "KORRIGO_PUBLIC_URL",
            message: "production over plain http: passwords and sessions travel in clear".into(),
            fix: "serve Korrigo behind an HTTPS reverse proxy and use an https public URL".into(),
        });
    }

    let num = |problems: &mut Vec<Problem>, var: &'static str, default: u64, min: u64| -> u64 {
        match get(var) {
            None => default,
            Some(v) => match v.replace('_', "").parse::<u64>() {
                Ok(n) if n >= min => n,
                _ => {
                    problems.push(Problem {
                        severity: Severity::Fatal,
                        setting: var,
                        message: format!("`{v}` is not a whole number of at least {min}"),
                        fix: format!("e.g. {default}"),
                    });
                    default
                }
            },
        }
    };
    let idle_min = num(&mut problems, "KORRIGO_SESSION_IDLE_MINUTES", 480, 1);
    let max_hours = num(&mut problems, "KORRIGO_SESSION_MAX_HOURS", 168, 1);
    let upload_max_bytes = num(&mut problems, "KORRIGO_UPLOAD_MAX_BYTES", 2 * GIB, 1);
    if upload_max_bytes < GIB {
        problems.push(Problem {
            severity: Severity::Warning,
            setting: "KORRIGO_UPLOAD_MAX_BYTES",
            message: format!("the upload limit ({upload_max_bytes} bytes) is below 1 GB: real scan batches reach 1 GB"),
            fix: "use at least 1073741824; 2147483648 (2 GiB) is the default".into(),
        });
    }
    let api_max_bytes = num(&mut problems, "KORRIGO_API_MAX_BYTES", 1 << 20, 1024);
    let import_max_bytes = num(&mut problems, "KORRIGO_IMPORT_MAX_BYTES", 10 << 20, 1024);
    let header_timeout =
        Duration::from_secs(num(&mut problems, "KORRIGO_HEADER_TIMEOUT_SECS", 10, 1));
    let body_timeout = Duration::from_secs(num(&mut problems, "KORRIGO_BODY_TIMEOUT_SECS", 30, 1));
    let upload_idle_timeout = Duration::from_secs(num(
        &mut problems,
        "KORRIGO_UPLOAD_IDLE_TIMEOUT_SECS",
        60,
        1,
    ));
    let workers = num(&mut problems, "KORRIGO_WORKERS", 2, 1) as usize;
    let scan_max_pages = num(&mut problems, "KORRIGO_SCAN_MAX_PAGES", 5000, 1) as usize;
    let scan_max_pixels = num(
        &mut problems,
        "KORRIGO_SCAN_MAX_PIXELS",
        60_000_000,
        1_000_000,
    );
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let scan_threads = num(&mut problems, "KORRIGO_SCAN_THREADS", cores, 1) as usize;
    let login_max_failures = num(&mut problems, "KORRIGO_LOGIN_MAX_FAILURES", 5, 1) as i64;
    let login_max_failures_per_ip =
        num(&mut problems, "KORRIGO_LOGIN_MAX_FAILURES_PER_IP", 30, 1) as i64;

    let mut trusted_proxies = vec![];
    if let Some(v) = get("KORRIGO_TRUSTED_PROXIES") {
        for p in list(&v) {
            match IpNet::parse(&p) {
                Ok(n) => trusted_proxies.push(n),
                Err(e) => problems.push(fatal(
                    "KORRIGO_TRUSTED_PROXIES",
                    e,
                    "list IP addresses or CIDR ranges, e.g. `127.0.0.1,10.0.0.0/8`",
                )),
            }
        }
    } else if prod && https && bind.ip().is_loopback() {
        problems.push(Problem {
            severity: Severity::Warning,
            setting: "KORRIGO_TRUSTED_PROXIES",
            message: "an https public URL with Korrigo on a loopback address suggests a reverse proxy, but no proxy is trusted: client IPs in logs and rate limits will all be the proxy's".into(),
            fix: "set KORRIGO_TRUSTED_PROXIES=127.0.0.1 (the proxy's address)".into(),
        });
    }

    let metrics_token = get("KORRIGO_METRICS_TOKEN").map(Secret::new);
    let metrics_fix = "generate one with `openssl rand -hex 32`, set KORRIGO_METRICS_TOKEN and give it to the monitoring system";
    match &metrics_token {
        None => problems.push(Problem {
            severity: if prod { Severity::Fatal } else { Severity::Warning },
            setting: "KORRIGO_METRICS_TOKEN",
            message: if prod {
                "no metrics token in production: /metrics would be open to anyone who can reach the server".into()
            } else {
                "/metrics is open to anyone who can reach the server".into()
            },
            fix: metrics_fix.into(),
        }),
        Some(t) if t.expose().chars().count() < MIN_TOKEN_CHARS => problems.push(Problem {
            severity: if prod { Severity::Fatal } else { Severity::Warning },
            setting: "KORRIGO_METRICS_TOKEN",
            message: format!(
                "the metrics token is too short ({} characters, at least {MIN_TOKEN_CHARS} needed)",
                t.expose().chars().count()
            ),
            fix: metrics_fix.into(),
        }),
        Some(_) => {}
    }

    let database_url = get("DATABASE_URL")
        .unwrap_or_else(|| format!("sqlite://{}/korrigo.db", data_dir.display()));
    if !(database_url.starts_with("sqlite:")
        || database_url.starts_with("postgres:")
        || database_url.starts_with("postgresql:"))
    {
        problems.push(fatal(
            "DATABASE_URL",
            "the database URL must start with sqlite:// or postgres://".into(),
            "e.g. `postgres://korrigo@127.0.0.1/korrigo`",
        ));
    }

    let log_format = match get("KORRIGO_LOG_FORMAT")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None => {
            if prod {
                LogFormat::Json
            } else {
                LogFormat::Text
            }
        }
        Some("text") => LogFormat::Text,
        Some("json") => LogFormat::Json,
        Some(other) => {
            problems.push(fatal(
                "KORRIGO_LOG_FORMAT",
                format!("unknown format `{other}`"),
                "use text or json",
            ));
            LogFormat::Text
        }
    };

    let admin_password = get("KORRIGO_ADMIN_PASSWORD").map(Secret::new);

    problems.sort_by_key(|p| match p.severity {
        Severity::Fatal => 0,
        Severity::Warning => 1,
    });
    let any_fatal = problems.iter().any(|p| p.severity == Severity::Fatal);
    let config = (!any_fatal).then(|| Config {
        env,
        bind,
        public_url,
        secret_key,
        allowed_hosts,
        csrf_trusted_origins,
        cors_allowed_origins,
        cookie_samesite,
        cookie_secure,
        session_idle: Duration::from_secs(idle_min * 60),
        session_max_age: Duration::from_secs(max_hours * 3600),
        trusted_proxies,
        upload_max_bytes,
        api_max_bytes,
        import_max_bytes,
        header_timeout,
        body_timeout,
        upload_idle_timeout,
        metrics_token,
        data_dir,
        database_url,
        log_format,
        workers,
        scan_max_pages,
        scan_max_pixels,
        scan_threads,
        login_max_failures,
        login_max_failures_per_ip,
        admin_password,
    });
    Loaded {
        config,
        problems,
        notes,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn read_or_create_secret(path: &Path, create: bool) -> Result<(Secret, bool), String> {
    match std::fs::read_to_string(path) {
        Ok(s) if s.trim().len() >= 32 => return Ok((Secret::new(s.trim()), false)),
        Ok(_) => return Err(format!("{} holds a key that is too short", path.display())),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {}: {e}", path.display()));
        }
        Err(_) => {}
    }
    let key = crate::tokens::random_hex(32);
    if create {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        write_private(path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok((Secret::new(key), create))
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
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
mod tests {
    use super::*;

    fn src(pairs: &[(&str, &str)]) -> Source {
        let mut s: Source = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        s.entry("KORRIGO_SECRET_KEY".into())
            .or_insert_with(|| "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c".into());
        s
    }

    fn fatal_settings(l: &Loaded) -> Vec<&'static str> {
        l.problems
            .iter()
            .filter(|p| p.severity == Severity::Fatal)
            .map(|p| p.setting)
            .collect()
    }

    #[test]
    fn defaults_are_safe_and_valid() {
        let l = load(&src(&[]), false);
        let c = l.config.expect("defaults are valid");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(c.cookie_samesite, SameSite::Lax);
        assert!(!c.cookie_secure);
        assert_eq!(c.upload_max_bytes, 2 * GIB);
        assert_eq!(c.csrf_trusted_origins, vec!["http://127.0.0.1:8080"]);
        assert!(c.allowed_hosts.contains(&"127.0.0.1".to_string()));
        assert!(c.database_url.starts_with("sqlite://"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let l = load(
            &src(&[
                ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
                ("KORRIGO_SESSION_COOKIE_SAMESITE", "None"),
                ("KORRIGO_SESSION_COOKIE_SECURE", "false"),
                ("KORRIGO_ALLOWED_HOSTS", "other.fr"),
                (
                    "KORRIGO_CSRF_TRUSTED_ORIGINS",
                    "https://korrigo.lycee.fr:8443",
                ),
                ("KORRIGO_UPLOAD_MAX_BYTES", "104857600"),
                ("KORRIGO_TRUSTED_PROXIES", "10.0.0.0/33"),
            ]),
            false,
        );
        assert!(l.config.is_none());
        let f = fatal_settings(&l);
        for s in [
            "KORRIGO_SESSION_COOKIE_SAMESITE",
            "KORRIGO_ALLOWED_HOSTS",
            "KORRIGO_CSRF_TRUSTED_ORIGINS",
            "KORRIGO_TRUSTED_PROXIES",
        ] {
            assert!(f.contains(&s), "{s} missing from {f:?}");
        }
        assert!(l.problems.iter().any(|p| p.setting == "KORRIGO_UPLOAD_MAX_BYTES"
            && p.severity == Severity::Warning));
        assert!(l.problems.iter().all(|p| !p.fix.is_empty()));
    }

    #[test]
    fn production_requires_a_secret_key() {
        let mut s = src(&[
            ("KORRIGO_ENV", "production"),
            ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
        ]);
        s.remove("KORRIGO_SECRET_KEY");
        let l = load(&s, false);
        assert!(fatal_settings(&l).contains(&"KORRIGO_SECRET_KEY"));
        let mut s2 = s.clone();
        s2.insert("KORRIGO_SECRET_KEY".into(), "short".into());
        assert!(fatal_settings(&load(&s2, false)).contains(&"KORRIGO_SECRET_KEY"));
        s2.insert(
            "KORRIGO_SECRET_KEY".into(),
            "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c".into(),
        );
        s2.insert(
            "KORRIGO_METRICS_TOKEN".into(),
            "9d2c4e8a15e0b7d3c3f9c1a7e5b2d48c".into(),
        );
        let c = load(&s2, false).config.expect("valid production config");
        assert!(c.cookie_secure);
        assert_eq!(c.log_format, LogFormat::Json);
    }

    #[test]
    fn production_requires_a_long_metrics_token() {
        let base = [
            ("KORRIGO_ENV", "production"),
            ("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr"),
        ];
        let l = load(&src(&base), false);
        assert!(fatal_settings(&l).contains(&"KORRIGO_METRICS_TOKEN"));
        let fix = &l
            .problems
            .iter()
            .find(|p| p.setting == "KORRIGO_METRICS_TOKEN")
            .unwrap()
            .fix;
        assert!(fix.contains("openssl rand -hex 32"), "{fix}");
        let mut short = src(&base);
        short.insert("KORRIGO_METRICS_TOKEN".into(), "x".into());
        assert!(fatal_settings(&load(&short, false)).contains(&"KORRIGO_METRICS_TOKEN"));
        let mut good = src(&base);
        good.insert(
            "KORRIGO_METRICS_TOKEN".into(),
            "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a1".into(),
        );
        assert!(load(&good, false).config.is_some());
        // Development stays open, with a warning.
        let dev = load(&src(&[]), false);
        assert!(dev.config.is_some());
        assert!(
            dev.problems
                .iter()
                .any(|p| p.setting == "KORRIGO_METRICS_TOKEN" && p.severity == Severity::Warning)
        );
    }

    #[test]
    fn guessable_secret_keys_are_warned_about() {
        let warned = |k: &str| {
            load(&src(&[("KORRIGO_SECRET_KEY", k)]), false)
                .problems
                .iter()
                .any(|p| p.setting == "KORRIGO_SECRET_KEY")
        };
        assert!(warned(&"a".repeat(40)));
        assert!(warned(&"ab".repeat(20)));
        assert!(warned(&"secret-korrigo-".repeat(3)));
        assert!(!warned("3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a15e0b7d3c"));
    }

    #[test]
    fn the_session_cookie_is_host_prefixed_over_https_at_the_root() {
        let https = load(
            &src(&[("KORRIGO_PUBLIC_URL", "https://korrigo.lycee.fr")]),
            false,
        )
        .config
        .unwrap();
        assert_eq!(https.session_cookie_name(), "__Host-korrigo_session");
        let sub = load(
            &src(&[("KORRIGO_PUBLIC_URL", "https://lycee.fr/korrigo/")]),
            false,
        )
        .config
        .unwrap();
        assert_eq!(sub.session_cookie_name(), "korrigo_session");
        let http = load(&src(&[]), false).config.unwrap();
        assert_eq!(http.session_cookie_name(), "korrigo_session");
    }

    #[test]
    fn development_generates_and_keeps_a_secret_key() {
        let dir =
            std::env::temp_dir().join(format!("korrigo-cfg-{}", crate::tokens::random_hex(8)));
        let mut s = Source::new();
        s.insert("KORRIGO_DATA_DIR".into(), dir.display().to_string());
        let a = load(&s, true);
        let ka = a.config.unwrap().secret_key;
        assert_eq!(a.notes.len(), 1);
        let b = load(&s, true);
        assert_eq!(
            b.config.unwrap().secret_key,
            ka,
            "the same key on the next start"
        );
        assert!(b.notes.is_empty());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn origins_keep_their_ports() {
        assert_eq!(
            normalize_origin("HTTPS://Korrigo.fr:443/x").as_deref(),
            Some("https://korrigo.fr")
        );
        assert_eq!(
            normalize_origin("http://localhost:8080").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(normalize_origin("korrigo.fr"), None);
    }

    #[test]
    fn the_readme_documents_every_setting() {
        let readme = include_str!("../../../README.md");
        for (var, ..) in SETTINGS {
            assert!(readme.contains(&format!("`{var}`")), "README lacks {var}");
        }
    }

    #[test]
    fn trusted_proxy_ranges() {
        let n = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(n.contains("10.1.2.3".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.0.0.1".parse().unwrap()));
        let one = IpNet::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(IpNet::parse("nope").is_err());
    }
}
