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
                db.migrate().await?;
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
