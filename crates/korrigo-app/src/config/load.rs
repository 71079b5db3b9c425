//! Validating a gathered source into a [`Config`], one concern per function: the environment
//! and addresses, the secret key, hosts and origins, the session cookie, limits, proxies and
//! metrics, the database and logs. Every function reports into the same [`Reader`], so every
//! problem is found in one pass.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use super::secret::{MIN_TOKEN_CHARS, distinct_chars, low_entropy, read_or_create_secret};
use super::{
    Config, Environment, IpNet, Loaded, LogFormat, Problem, SameSite, Secret, Severity, Source,
    list, normalize_origin, origin_of,
};

/// One gibibyte.
const GIB: u64 = 1024 * 1024 * 1024;

/// The source being read and the problems and notes found so far.
struct Reader<'a> {
    src: &'a Source,
    problems: Vec<Problem>,
    notes: Vec<String>,
}

impl Reader<'_> {
    /// A setting's value, trimmed; `None` when absent or blank.
    fn get(&self, k: &str) -> Option<String> {
        self.src
            .get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn problem(&mut self, severity: Severity, setting: &'static str, message: String, fix: &str) {
        self.problems.push(Problem {
            severity,
            setting,
            message,
            fix: fix.to_string(),
        });
    }

    fn fatal(&mut self, setting: &'static str, message: String, fix: &str) {
        self.problem(Severity::Fatal, setting, message, fix);
    }

    fn warn(&mut self, setting: &'static str, message: String, fix: &str) {
        self.problem(Severity::Warning, setting, message, fix);
    }

    /// Fatal in production, a warning in development.
    fn fatal_in_production(
        &mut self,
        prod: bool,
        setting: &'static str,
        message: String,
        fix: &str,
    ) {
        let severity = if prod {
            Severity::Fatal
        } else {
            Severity::Warning
        };
        self.problem(severity, setting, message, fix);
    }

    /// A whole number of at least `min`, `default` when absent (underscores allowed: `2_000`).
    fn num(&mut self, var: &'static str, default: u64, min: u64) -> u64 {
        match self.get(var) {
            None => default,
            Some(v) => match v.replace('_', "").parse::<u64>() {
                Ok(n) if n >= min => n,
                _ => {
                    self.fatal(
                        var,
                        format!("`{v}` is not a whole number of at least {min}"),
                        &format!("e.g. {default}"),
                    );
                    default
                }
            },
        }
    }

    fn seconds(&mut self, var: &'static str, default: u64) -> Duration {
        Duration::from_secs(self.num(var, default, 1))
    }

    /// A comma-separated list of origins, each normalised; `*` refused when `star` says why.
    fn origins(
        &mut self,
        var: &'static str,
        v: &str,
        fix: &str,
        star: Option<&str>,
    ) -> Vec<String> {
        let mut out = vec![];
        for o in list(v) {
            if let Some(why) = star.filter(|_| o == "*") {
                self.fatal(var, why.into(), "list the origins that need access");
                continue;
            }
            match normalize_origin(&o) {
                Some(n) => out.push(n),
                None => self.fatal(var, format!("`{o}` is not an origin"), fix),
            }
        }
        out
    }
}

/// Validates a gathered source. When `persist_secret` is true and no secret key is set in
/// development, one is generated and kept in `<data_dir>/secret_key`.
pub fn load(src: &Source, persist_secret: bool) -> Loaded {
    let mut r = Reader {
        src,
        problems: vec![],
        notes: vec![],
    };
    let env = environment(&mut r);
    let prod = env == Environment::Production;
    let (bind, public_url) = addresses(&mut r, prod);
    let https = public_url.scheme() == "https";
    let data_dir = PathBuf::from(r.get("KORRIGO_DATA_DIR").unwrap_or_else(|| "./data".into()));
    let secret_key = secret_key(&mut r, prod, &data_dir, persist_secret);
    let allowed_hosts = allowed_hosts(&mut r, &public_url);
    let csrf_trusted_origins = csrf_origins(&mut r, &public_url);
    let cors_allowed_origins = match r.get("KORRIGO_CORS_ALLOWED_ORIGINS") {
        None => vec![],
        Some(v) => r.origins(
            "KORRIGO_CORS_ALLOWED_ORIGINS",
            &v,
            "write origins as scheme://host[:port]",
            Some("`*` would let any site use a logged-in user's session"),
        ),
    };
    let (cookie_samesite, cookie_secure) = cookie(&mut r, prod, &public_url);
    if prod && !https {
        r.warn(
            "KORRIGO_PUBLIC_URL",
            "production over plain http: passwords and sessions travel in clear".into(),
            "serve Korrigo behind an HTTPS reverse proxy and use an https public URL",
        );
    }
    let limits = limits(&mut r);
    let trusted_proxies = trusted_proxies(&mut r, prod && https && bind.ip().is_loopback());
    let metrics_token = metrics_token(&mut r, prod);
    let database_url = database_url(&mut r, &data_dir);
    let s3 = storage(&mut r);
    let log_format = log_format(&mut r, prod);
    let admin_password = r.get("KORRIGO_ADMIN_PASSWORD").map(Secret::new);

    let Reader {
        mut problems,
        notes,
        ..
    } = r;
    problems.sort_by_key(|p| match p.severity {
        Severity::Fatal => 0,
        Severity::Warning => 1,
    });
    let any_fatal = problems.iter().any(|p| p.severity == Severity::Fatal);
    let config = (!any_fatal).then_some(Config {
        env,
        bind,
        public_url,
        secret_key,
        allowed_hosts,
        csrf_trusted_origins,
        cors_allowed_origins,
        cookie_samesite,
        cookie_secure,
        session_idle: limits.session_idle,
        session_max_age: limits.session_max_age,
        trusted_proxies,
        upload_max_bytes: limits.upload_max_bytes,
        api_max_bytes: limits.api_max_bytes,
        import_max_bytes: limits.import_max_bytes,
        header_timeout: limits.header_timeout,
        body_timeout: limits.body_timeout,
        upload_idle_timeout: limits.upload_idle_timeout,
        metrics_token,
        data_dir,
        s3,
        database_url,
        log_format,
        workers: limits.workers,
        shutdown_grace: limits.shutdown_grace,
        scan_max_pages: limits.scan_max_pages,
        scan_max_pixels: limits.scan_max_pixels,
        scan_threads: limits.scan_threads,
        login_max_failures: limits.login_max_failures,
        login_max_failures_per_ip: limits.login_max_failures_per_ip,
        admin_password,
    });
    Loaded {
        config,
        problems,
        notes,
    }
}

fn environment(r: &mut Reader) -> Environment {
    match r.get("KORRIGO_ENV").as_deref() {
        None | Some("development") | Some("dev") => Environment::Development,
        Some("production") | Some("prod") => Environment::Production,
        Some(other) => {
            r.fatal(
                "KORRIGO_ENV",
                format!("unknown environment `{other}`"),
                "use `development` or `production`",
            );
            Environment::Development
        }
    }
}

/// The listen address and the public URL (by default, the listen address over http).
fn addresses(r: &mut Reader, prod: bool) -> (SocketAddr, Url) {
    let fallback = SocketAddr::from(([127, 0, 0, 1], 8080));
    let bind: SocketAddr = match r.get("KORRIGO_BIND") {
        None => fallback,
        Some(b) => b.parse().unwrap_or_else(|_| {
            r.fatal(
                "KORRIGO_BIND",
                format!("`{b}` is not an address:port"),
                "e.g. `127.0.0.1:8080` or `0.0.0.0:8080`",
            );
            fallback
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
    let default_url = || Url::parse(&default_public).expect("valid default URL");
    let public_url = match r.get("KORRIGO_PUBLIC_URL") {
        None => {
            if prod {
                r.fatal(
                    "KORRIGO_PUBLIC_URL",
                    "no public URL in production".into(),
                    "set it to the address users type, e.g. `https://korrigo.lycee.fr`",
                );
            }
            default_url()
        }
        Some(u) => match Url::parse(&u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => url,
            _ => {
                r.fatal(
                    "KORRIGO_PUBLIC_URL",
                    format!("`{u}` is not an http(s) URL"),
                    "e.g. `https://korrigo.lycee.fr`",
                );
                default_url()
            }
        },
    };
    (bind, public_url)
}

/// The secret key: required in production; in development, the one kept in the data folder
/// (generated the first time).
fn secret_key(r: &mut Reader, prod: bool, data_dir: &Path, persist: bool) -> Secret {
    const FIX: &str = "generate one with `openssl rand -hex 32`";
    const VAR: &str = "KORRIGO_SECRET_KEY";
    match r.get(VAR) {
        Some(k) if k.chars().count() >= MIN_TOKEN_CHARS => {
            if low_entropy(&k) {
                r.warn(
                    VAR,
                    format!(
                        "the secret key looks guessable: only {} different characters, or a short pattern repeated",
                        distinct_chars(&k)
                    ),
                    "generate a random one with `openssl rand -hex 32`",
                );
            }
            Secret::new(k)
        }
        Some(k) => {
            r.fatal_in_production(
                prod,
                VAR,
                format!(
                    "the secret key is too short ({} characters, at least 32 needed)",
                    k.chars().count()
                ),
                FIX,
            );
            Secret::new(k)
        }
        None if prod => {
            r.fatal(
                VAR,
                "no secret key in production".into(),
                "generate one with `openssl rand -hex 32` and set KORRIGO_SECRET_KEY",
            );
            Secret::new(String::new())
        }
        None => {
            let path = data_dir.join("secret_key");
            match read_or_create_secret(&path, persist) {
                Ok((k, created)) => {
                    r.warn(
                        VAR,
                        format!(
                            "no secret key set; using the one kept in {}",
                            path.display()
                        ),
                        "set KORRIGO_SECRET_KEY (required in production)",
                    );
                    if created {
                        r.notes
                            .push(format!("generated a secret key in {}", path.display()));
                    }
                    k
                }
                Err(e) => {
                    r.fatal(
                        VAR,
                        format!("no secret key set and none could be kept: {e}"),
                        "set KORRIGO_SECRET_KEY or make KORRIGO_DATA_DIR writable",
                    );
                    Secret::new(String::new())
                }
            }
        }
    }
}

/// Accepted `Host` values: by default the public URL's host and the loopback names.
fn allowed_hosts(r: &mut Reader, public_url: &Url) -> Vec<String> {
    let public_host = public_url.host_str().unwrap_or("").to_ascii_lowercase();
    match r.get("KORRIGO_ALLOWED_HOSTS") {
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
                r.fatal(
                    "KORRIGO_ALLOWED_HOSTS",
                    format!(
                        "the public URL's host `{public_host}` is not among the allowed hosts ({})",
                        h.join(", ")
                    ),
                    &format!("add `{public_host}` to KORRIGO_ALLOWED_HOSTS"),
                );
            }
            h
        }
    }
}

/// Origins allowed to send state-changing requests; the public URL's must be among them.
fn csrf_origins(r: &mut Reader, public_url: &Url) -> Vec<String> {
    const VAR: &str = "KORRIGO_CSRF_TRUSTED_ORIGINS";
    let public_origin = origin_of(public_url);
    let Some(v) = r.get(VAR) else {
        return vec![public_origin];
    };
    let out = r.origins(
        VAR,
        &v,
        "write origins as scheme://host[:port], e.g. `https://korrigo.lycee.fr`",
        None,
    );
    if !out.contains(&public_origin) {
        r.fatal(
            VAR,
            format!("the public URL's origin `{public_origin}` is not a trusted origin: the browser UI could not save anything"),
            &format!("add `{public_origin}` (with its port, if any) to {VAR}"),
        );
    }
    out
}

/// The session cookie's `SameSite` and `Secure`, checked against each other and the URL.
fn cookie(r: &mut Reader, prod: bool, public_url: &Url) -> (SameSite, bool) {
    let https = public_url.scheme() == "https";
    let samesite = match r
        .get("KORRIGO_SESSION_COOKIE_SAMESITE")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("lax") => SameSite::Lax,
        Some("strict") => SameSite::Strict,
        Some("none") => SameSite::None,
        Some(other) => {
            r.fatal(
                "KORRIGO_SESSION_COOKIE_SAMESITE",
                format!("unknown value `{other}`"),
                "use Lax (recommended), Strict or None",
            );
            SameSite::Lax
        }
    };
    let secure = match r.get("KORRIGO_SESSION_COOKIE_SECURE") {
        None => https,
        Some(v) => parse_bool(&v).unwrap_or_else(|| {
            r.fatal(
                "KORRIGO_SESSION_COOKIE_SECURE",
                format!("`{v}` is not true or false"),
                "use true or false",
            );
            https
        }),
    };
    if samesite == SameSite::None && !secure {
        r.fatal("KORRIGO_SESSION_COOKIE_SAMESITE", "SameSite=None without Secure: browsers drop such cookies, so every reload would log users out".into(), "use SameSite=Lax, or serve over HTTPS with KORRIGO_SESSION_COOKIE_SECURE=true");
    }
    let local = matches!(
        public_url.host_str().unwrap_or(""),
        "localhost" | "127.0.0.1" | "::1" | "[::1]"
    );
    if secure && !https && !local {
        r.fatal("KORRIGO_SESSION_COOKIE_SECURE", format!("Secure cookies with a plain-http public URL ({public_url}): browsers will not send the session cookie back"), "use an https public URL, or set KORRIGO_SESSION_COOKIE_SECURE=false");
    }
    if https && !secure {
        r.fatal_in_production(
            prod,
            "KORRIGO_SESSION_COOKIE_SECURE",
            "the public URL is https but the session cookie is not Secure".into(),
            "remove KORRIGO_SESSION_COOKIE_SECURE=false",
        );
    }
    (samesite, secure)
}

/// Sizes, timeouts, worker counts and login throttling.
struct Limits {
    session_idle: Duration,
    session_max_age: Duration,
    upload_max_bytes: u64,
    api_max_bytes: u64,
    import_max_bytes: u64,
    header_timeout: Duration,
    body_timeout: Duration,
    upload_idle_timeout: Duration,
    workers: usize,
    shutdown_grace: Duration,
    scan_max_pages: usize,
    scan_max_pixels: u64,
    scan_threads: usize,
    login_max_failures: i64,
    login_max_failures_per_ip: i64,
}

fn limits(r: &mut Reader) -> Limits {
    let session_idle = Duration::from_secs(r.num("KORRIGO_SESSION_IDLE_MINUTES", 480, 1) * 60);
    let session_max_age = Duration::from_secs(r.num("KORRIGO_SESSION_MAX_HOURS", 168, 1) * 3600);
    let upload_max_bytes = r.num("KORRIGO_UPLOAD_MAX_BYTES", 2 * GIB, 1);
    if upload_max_bytes < GIB {
        r.warn(
            "KORRIGO_UPLOAD_MAX_BYTES",
            format!("the upload limit ({upload_max_bytes} bytes) is below 1 GB: real scan batches reach 1 GB"),
            "use at least 1073741824; 2147483648 (2 GiB) is the default",
        );
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    Limits {
        session_idle,
        session_max_age,
        upload_max_bytes,
        api_max_bytes: r.num("KORRIGO_API_MAX_BYTES", 1 << 20, 1024),
        import_max_bytes: r.num("KORRIGO_IMPORT_MAX_BYTES", 10 << 20, 1024),
        header_timeout: r.seconds("KORRIGO_HEADER_TIMEOUT_SECS", 10),
        body_timeout: r.seconds("KORRIGO_BODY_TIMEOUT_SECS", 30),
        upload_idle_timeout: r.seconds("KORRIGO_UPLOAD_IDLE_TIMEOUT_SECS", 60),
        workers: r.num("KORRIGO_WORKERS", 2, 1) as usize,
        shutdown_grace: Duration::from_secs(r.num("KORRIGO_SHUTDOWN_GRACE", 30, 0)),
        scan_max_pages: r.num("KORRIGO_SCAN_MAX_PAGES", 5000, 1) as usize,
        scan_max_pixels: r.num("KORRIGO_SCAN_MAX_PIXELS", 60_000_000, 1_000_000),
        scan_threads: r.num("KORRIGO_SCAN_THREADS", cores, 1) as usize,
        login_max_failures: r.num("KORRIGO_LOGIN_MAX_FAILURES", 5, 1) as i64,
        login_max_failures_per_ip: r.num("KORRIGO_LOGIN_MAX_FAILURES_PER_IP", 30, 1) as i64,
    }
}

/// Reverse proxies whose forwarded headers are believed. `behind_proxy_likely`: an https
/// public URL served from a loopback address in production, where none trusted is a mistake.
fn trusted_proxies(r: &mut Reader, behind_proxy_likely: bool) -> Vec<IpNet> {
    let mut out = vec![];
    if let Some(v) = r.get("KORRIGO_TRUSTED_PROXIES") {
        for p in list(&v) {
            match IpNet::parse(&p) {
                Ok(n) => out.push(n),
                Err(e) => r.fatal(
                    "KORRIGO_TRUSTED_PROXIES",
                    e,
                    "list IP addresses or CIDR ranges, e.g. `127.0.0.1,10.0.0.0/8`",
                ),
            }
        }
    } else if behind_proxy_likely {
        r.warn(
            "KORRIGO_TRUSTED_PROXIES",
            "an https public URL with Korrigo on a loopback address suggests a reverse proxy, but no proxy is trusted: client IPs in logs and rate limits will all be the proxy's".into(),
            "set KORRIGO_TRUSTED_PROXIES=127.0.0.1 (the proxy's address)",
        );
    }
    out
}

fn metrics_token(r: &mut Reader, prod: bool) -> Option<Secret> {
    const VAR: &str = "KORRIGO_METRICS_TOKEN";
    const FIX: &str = "generate one with `openssl rand -hex 32`, set KORRIGO_METRICS_TOKEN and give it to the monitoring system";
    let token = r.get(VAR).map(Secret::new);
    match &token {
        None => {
            let message = if prod {
                "no metrics token in production: /metrics would be open to anyone who can reach the server"
            } else {
                "/metrics is open to anyone who can reach the server"
            };
            r.fatal_in_production(prod, VAR, message.into(), FIX);
        }
        Some(t) if t.expose().chars().count() < MIN_TOKEN_CHARS => {
            let message = format!(
                "the metrics token is too short ({} characters, at least {MIN_TOKEN_CHARS} needed)",
                t.expose().chars().count()
            );
            r.fatal_in_production(prod, VAR, message, FIX);
        }
        Some(_) => {}
    }
    token
}

fn database_url(r: &mut Reader, data_dir: &Path) -> String {
    let url = r
        .get("DATABASE_URL")
        .unwrap_or_else(|| format!("sqlite://{}/korrigo.db", data_dir.display()));
    if !["sqlite:", "postgres:", "postgresql:"]
        .iter()
        .any(|p| url.starts_with(p))
    {
        r.fatal(
            "DATABASE_URL",
            "the database URL must start with sqlite:// or postgres://".into(),
            "e.g. `postgres://korrigo@127.0.0.1/korrigo`",
        );
    }
    url
}

/// The file store: the local folder, or an S3 bucket whose settings are all given.
fn storage(r: &mut Reader) -> Option<korrigo_store::files::S3Config> {
    match r
        .get("KORRIGO_STORAGE")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("local") => return None,
        Some("s3") => {}
        Some(other) => {
            r.fatal(
                "KORRIGO_STORAGE",
                format!("unknown storage `{other}`"),
                "use local or s3",
            );
            return None;
        }
    }
    let need = |r: &mut Reader, var: &'static str, example: &str| match r.get(var) {
        Some(v) => v,
        None => {
            r.fatal(
                var,
                "missing: KORRIGO_STORAGE=s3 needs it".into(),
                &format!("e.g. {example}"),
            );
            String::new()
        }
    };
    let endpoint = need(r, "KORRIGO_S3_ENDPOINT", "https://s3.fr-par.scw.cloud");
    if !endpoint.is_empty()
        && !Url::parse(&endpoint).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        r.fatal(
            "KORRIGO_S3_ENDPOINT",
            format!("`{endpoint}` is not an http(s) URL"),
            "e.g. https://s3.fr-par.scw.cloud or http://127.0.0.1:3900",
        );
    }
    let bucket = need(r, "KORRIGO_S3_BUCKET", "korrigo");
    let access_key_id = need(r, "KORRIGO_S3_ACCESS_KEY_ID", "the key id the service gave");
    let secret_access_key = need(r, "KORRIGO_S3_SECRET_ACCESS_KEY", "the key's secret");
    let path_style = match r.get("KORRIGO_S3_PATH_STYLE") {
        None => true,
        Some(v) => parse_bool(&v).unwrap_or_else(|| {
            r.fatal(
                "KORRIGO_S3_PATH_STYLE",
                format!("`{v}` is not true or false"),
                "true for Garage, MinIO, Ceph; false for virtual-host style",
            );
            true
        }),
    };
    Some(korrigo_store::files::S3Config {
        endpoint,
        bucket,
        region: r
            .get("KORRIGO_S3_REGION")
            .unwrap_or_else(|| "us-east-1".into()),
        access_key_id,
        secret_access_key,
        path_style,
    })
}

/// Text in development, JSON in production, unless chosen.
fn log_format(r: &mut Reader, prod: bool) -> LogFormat {
    match r
        .get("KORRIGO_LOG_FORMAT")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None if prod => LogFormat::Json,
        None | Some("text") => LogFormat::Text,
        Some("json") => LogFormat::Json,
        Some(other) => {
            r.fatal(
                "KORRIGO_LOG_FORMAT",
                format!("unknown format `{other}`"),
                "use text or json",
            );
            LogFormat::Text
        }
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
