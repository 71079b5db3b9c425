//! The table of every setting, from which `korrigo check-config` and the README's
//! configuration reference are made.

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
        "KORRIGO_SHUTDOWN_GRACE",
        "shutdown_grace",
        "30",
        "seconds running jobs get to finish after SIGTERM or Ctrl-C (`serve`, `worker`); jobs still running then go back to the queue, for another worker or the next start",
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
