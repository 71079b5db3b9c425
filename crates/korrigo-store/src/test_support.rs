//! Throwaway databases for tests: a fresh SQLite file, or a fresh PostgreSQL database created
//! on the server named by `KORRIGO_TEST_DATABASE_URL`, so that tests never share state.

use crate::{Db, DbOptions, StoreError};

/// A migrated throwaway database; the PostgreSQL one is dropped by [`TestDb::cleanup`].
#[derive(Debug)]
pub struct TestDb {
    /// The database.
    pub db: Db,
    /// The URL it was opened with.
    pub url: String,
    admin_url: Option<String>,
    name: String,
}

/// Which backend the test asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// A temporary SQLite file.
    Sqlite,
    /// A new database on the test PostgreSQL server.
    Postgres,
}

fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("korrigo_test_{n:016x}")
}

/// The PostgreSQL server for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("KORRIGO_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

impl TestDb {
    /// Creates and migrates a throwaway database.
    pub async fn new(which: Which) -> Result<TestDb, StoreError> {
        Self::create(which, false).await
    }

    /// A new PostgreSQL database with no table at all (where a backup is restored).
    pub async fn empty_postgres() -> Result<TestDb, StoreError> {
        Self::create(Which::Postgres, true).await
    }

    async fn create(which: Which, empty: bool) -> Result<TestDb, StoreError> {
        let name = unique_name();
        match which {
            Which::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| StoreError::Files(format!("temp dir: {e}")))?;
                let url = format!("sqlite://{}/korrigo.db", dir.display());
                let db = Db::connect(&url, &DbOptions::default()).await?;
                db.migrate().await?;
                Ok(TestDb {
                    db,
                    url,
                    admin_url: None,
                    name,
                })
            }
            Which::Postgres => {
                let admin_url = postgres_url().ok_or_else(|| {
                    StoreError::BadUrl("KORRIGO_TEST_DATABASE_URL is not set".into())
                })?;
                let admin = Db::connect(&admin_url, &DbOptions::default()).await?;
                execute_admin(&admin, &format!("CREATE DATABASE {name}")).await?;
                admin.close().await;
                let url = replace_db_name(&admin_url, &name);
                let db = Db::connect(&url, &DbOptions::default()).await?;
                if !empty {
                    db.migrate().await?;
                }
                Ok(TestDb {
                    db,
                    url,
                    admin_url: Some(admin_url),
                    name,
                })
            }
        }
    }

    /// Closes the pools and removes the database.
    pub async fn cleanup(self) {
        self.db.close().await;
        match self.admin_url {
            Some(admin_url) => {
                if let Ok(db) = Db::connect(&admin_url, &DbOptions::default()).await
                    && let crate::Pools::Pg(p) = db.pools()
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        self.name
                    )))
                    .execute(p)
                    .await;
                    p.close().await;
                }
            }
            None => {
                let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.name));
            }
        }
    }
}

/// Runs one statement outside any transaction (`CREATE DATABASE`, `DROP DATABASE`), for tests
/// that manage databases themselves.
pub async fn execute_admin(db: &Db, sql: &str) -> Result<(), StoreError> {
    match db.pools() {
        crate::Pools::Pg(p) => {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(p)
                .await?;
        }
        crate::Pools::Sqlite { write, .. } => {
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(write)
                .await?;
        }
    }
    Ok(())
}

/// Replaces the database name (the URL path) of a PostgreSQL URL.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Declares each listed async test once per backend: `sqlite::name` always, `pg::name` in the
/// PostgreSQL suite (ignored unless run with `--ignored` and `KORRIGO_TEST_DATABASE_URL`, as
/// `scripts/test-postgres.sh` does). The one definition every test crate uses.
///
/// - `both_backends!(a, b)`: each test is `async fn a(w: Which)`;
/// - `both_backends!(db: a, b)`: each test is `async fn a(db: &Db)` on a fresh migrated
///   database, cleaned up afterwards.
///
/// Tests run on a two-thread runtime, as the application's workers need.
#[macro_export]
macro_rules! both_backends {
    (db: $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let t = $crate::test_support::TestDb::new($crate::test_support::Which::Sqlite)
                        .await
                        .unwrap();
                    super::$name(&t.db).await;
                    t.cleanup().await;
                }
            )*
        }
        mod pg {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "PostgreSQL suite: needs KORRIGO_TEST_DATABASE_URL (scripts/test-postgres.sh)"]
                async fn $name() {
                    let t = $crate::test_support::TestDb::new($crate::test_support::Which::Postgres)
                        .await
                        .unwrap();
                    super::$name(&t.db).await;
                    t.cleanup().await;
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::test_support::Which::Sqlite).await;
                }
            )*
        }
        mod pg {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = "PostgreSQL suite: needs KORRIGO_TEST_DATABASE_URL (scripts/test-postgres.sh)"]
                async fn $name() {
                    super::$name($crate::test_support::Which::Postgres).await;
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn db_name_is_replaced() {
        assert_eq!(
            super::replace_db_name("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}

/// A real S3-compatible server for tests: moto's server mode (PyPI `moto[server]`, installed by
/// `scripts/setup-test-tools.sh`), started on a free loopback port, with a fresh bucket; stopped on
/// drop. The server is found at `KORRIGO_TEST_MOTO_SERVER`.
#[derive(Debug)]
pub struct TestS3 {
    child: std::process::Child,
    /// Settings that reach the bucket.
    pub config: crate::files::S3Config,
}

impl TestS3 {
    /// Starts the server and creates the bucket. Panics with what to do when moto is missing:
    /// the S3 tests must not pass by not running. Blocking (it waits for the server), for sync
    /// and async tests alike.
    #[allow(
        clippy::disallowed_methods,
        reason = "a test's set-up, before any async work"
    )]
    pub fn start() -> TestS3 {
        let exe = std::env::var("KORRIGO_TEST_MOTO_SERVER").unwrap_or_default();
        assert!(
            !exe.is_empty() && std::path::Path::new(&exe).exists(),
            "the S3 tests need moto's server: run `scripts/setup-test-tools.sh` and set \
             KORRIGO_TEST_MOTO_SERVER to the path it prints (scripts/test.sh does both)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = std::process::Command::new(&exe)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let s3 = TestS3 {
            child,
            config: crate::files::S3Config {
                endpoint: format!("http://127.0.0.1:{port}"),
                bucket: unique_name().replace('_', "-"),
                region: "us-east-1".into(),
                access_key_id: "korrigo-test".into(),
                secret_access_key: "korrigo-test-secret".into(),
                path_style: true,
            },
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            if s3.request("PUT", &format!("/{}", s3.config.bucket)) == Some(200) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        s3
    }

    /// Sends a bodiless request to the server (moto accepts unsigned ones); the status code.
    pub fn request(&self, method: &str, path: &str) -> Option<u16> {
        use std::io::{Read, Write};
        let addr = self.config.endpoint.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr).ok()?;
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        out.split_whitespace().nth(1)?.parse().ok()
    }
}

impl Drop for TestS3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
