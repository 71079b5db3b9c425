//! Korrigo's database: one repository module per area, on SQLite (embedded default) and
//! PostgreSQL (production), with the same SQL text on both wherever the dialects agree.
//!
//! Architecture invariant: SQL lives only in this crate. Callers get a [`Db`], open a
//! read connection ([`Db::read`]) or a write transaction ([`Db::begin`]), and pass its
//! [`Conn`] to the repository functions. Every write that must be audited happens in the same
//! transaction as its audit row.

pub mod audit;
pub mod exams;
pub mod files;
pub mod grading;
pub mod identify;
pub mod imports;
pub mod jobs;
mod query;
pub mod results;
pub mod scans;
pub mod sessions;
pub mod settings;
pub mod students;
pub mod test_support;
pub mod users;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The name of our migrations table, distinct from sqlx's default so that another library
/// using sqlx migrations on the same database cannot collide with it.
pub const MIGRATIONS_TABLE: &str = "korrigo_migrations";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static PG_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The migrations this binary embeds for a backend, in order.
pub fn known_migrations(backend: Backend) -> Vec<i64> {
    let m = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &PG_MIGRATIONS,
    };
    m.iter().map(|m| m.version).collect()
}

fn migrator(m: &Migrator) -> Migrator {
    let mut m = Migrator::with_migrations(m.iter().cloned().collect());
    m.dangerous_set_table_name(MIGRATIONS_TABLE);
    m
}

/// A failure of the database layer, already sorted into what callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the field names which one (`username`, `email`, ...).
    #[error("a record with this {field} already exists")]
    Conflict {
        /// The field whose value is already taken.
        field: &'static str,
    },
    /// The database URL is not usable.
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    /// A migration failed or the schema is not what this binary expects.
    #[error("database migration problem: {0}")]
    Migration(String),
    /// Any other database error (connection lost, disk full, ...). Details are logged, not
    /// shown to users.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored value could not be read back (corrupt row).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A file-store failure.
    #[error("file store error: {0}")]
    Files(String),
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(e.to_string())
    }
}

/// Which backend a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database: its pools and a count of the queries sent (tests assert that list pages send a
/// constant number of queries whatever their size).
#[derive(Clone, Debug)]
pub struct Db {
    pools: Pools,
    queries: Arc<AtomicU64>,
}

/// A SQLite pair of pools (many readers, one writer, as SQLite allows one writer at a time) or
/// one PostgreSQL pool.
#[derive(Clone, Debug)]
pub enum Pools {
    /// SQLite: `read` serves reads, `write` (one connection) serves write transactions.
    Sqlite {
        /// The read pool.
        read: SqlitePool,
        /// The single-connection write pool.
        write: SqlitePool,
    },
    /// PostgreSQL.
    Pg(PgPool),
}

/// A borrowed connection of either backend, handed to repository functions.
pub struct Conn<'a> {
    #[doc(hidden)]
    pub inner: ConnInner<'a>,
    #[doc(hidden)]
    pub queries: &'a AtomicU64,
}

/// The backend-specific connection inside a [`Conn`].
#[doc(hidden)]
pub enum ConnInner<'a> {
    /// A SQLite connection.
    Sqlite(&'a mut SqliteConnection),
    /// A PostgreSQL connection.
    Pg(&'a mut PgConnection),
}

impl Conn<'_> {
    /// Borrows the connection again for one more call.
    pub fn reborrow(&mut self) -> Conn<'_> {
        let inner = match &mut self.inner {
            ConnInner::Sqlite(c) => ConnInner::Sqlite(c),
            ConnInner::Pg(c) => ConnInner::Pg(c),
        };
        Conn {
            inner,
            queries: self.queries,
        }
    }

    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self.inner {
            ConnInner::Sqlite(_) => Backend::Sqlite,
            ConnInner::Pg(_) => Backend::Postgres,
        }
    }
}

/// Runs the same code on either backend's connection, counting one query. The body is expanded
/// once per backend, so generic sqlx calls type-check against each.
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, $c:ident => $body:expr) => {{
        let conn: $crate::Conn<'_> = $conn;
        conn.queries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match conn.inner {
            $crate::ConnInner::Sqlite($c) => $body,
            $crate::ConnInner::Pg($c) => $body,
        }
    }};
}

enum ReadInner {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Pg(sqlx::pool::PoolConnection<Postgres>),
}

/// A pooled read connection.
pub struct ReadConn {
    inner: ReadInner,
    queries: Arc<AtomicU64>,
}

impl ReadConn {
    /// The connection, for repository calls.
    pub fn conn(&mut self) -> Conn<'_> {
        let inner = match &mut self.inner {
            ReadInner::Sqlite(c) => ConnInner::Sqlite(c),
            ReadInner::Pg(c) => ConnInner::Pg(c),
        };
        Conn {
            inner,
            queries: &self.queries,
        }
    }
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

/// A write transaction (`BEGIN IMMEDIATE` on SQLite, so the write lock is taken up front).
/// Dropped without [`Tx::commit`], it rolls back: an operation that fails half-way leaves
/// nothing behind.
pub struct Tx {
    inner: TxInner,
    queries: Arc<AtomicU64>,
}

impl Tx {
    /// The transaction's connection, for repository calls.
    pub fn conn(&mut self) -> Conn<'_> {
        let inner = match &mut self.inner {
            TxInner::Sqlite(t) => ConnInner::Sqlite(t),
            TxInner::Pg(t) => ConnInner::Pg(t),
        };
        Conn {
            inner,
            queries: &self.queries,
        }
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Connection settings beyond the URL.
#[derive(Clone, Debug)]
pub struct DbOptions {
    /// Maximum connections (readers for SQLite).
    pub max_connections: u32,
    /// How long a SQLite writer waits for the lock before giving up.
    pub busy_timeout: Duration,
    /// How long to wait for a free pooled connection.
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(15),
        }
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://...`), creating a SQLite file if
    /// missing. Does not migrate.
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Db, StoreError> {
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(opts.busy_timeout);
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(base.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(opts.max_connections.max(1))
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(base)
                .await?;
            Ok(Db::new(Pools::Sqlite { read, write }))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let o =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections.max(2))
                .acquire_timeout(opts.acquire_timeout)
                .connect_with(o)
                .await?;
            Ok(Db::new(Pools::Pg(pool)))
        } else {
            Err(StoreError::BadUrl(
                "the URL must start with sqlite:// or postgres://".into(),
            ))
        }
    }

    fn new(pools: Pools) -> Db {
        Db {
            pools,
            queries: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The pools, for the few callers that need the backend itself (tests, admin statements).
    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// How many queries repository functions have sent through this database so far.
    pub fn query_count(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Pg(_) => Backend::Postgres,
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<ReadConn, StoreError> {
        let inner = match &self.pools {
            Pools::Sqlite { read, .. } => ReadInner::Sqlite(read.acquire().await?),
            Pools::Pg(p) => ReadInner::Pg(p.acquire().await?),
        };
        Ok(ReadConn {
            inner,
            queries: self.queries.clone(),
        })
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = match &self.pools {
            Pools::Sqlite { write, .. } => {
                TxInner::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?)
            }
            Pools::Pg(p) => TxInner::Pg(p.begin().await?),
        };
        Ok(Tx {
            inner,
            queries: self.queries.clone(),
        })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { write, .. } => migrator(&SQLITE_MIGRATIONS).run(write).await?,
            Pools::Pg(p) => migrator(&PG_MIGRATIONS).run(p).await?,
        }
        self.fill_name_keys().await
    }

    /// Computes the French sort keys (migration 6) of the names written before it, in one
    /// transaction. Does nothing once every row has its key.
    async fn fill_name_keys(&self) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let students: Vec<(i64, String, String)> = on_conn!(tx.conn(), c => sqlx::query_as(
            "SELECT id, last_name, first_name FROM students WHERE name_key = ''")
            .fetch_all(&mut *c)
            .await)?;
        for (id, last, first) in students {
            let key = students::name_key(&last, &first);
            on_conn!(tx.conn(), c => sqlx::query("UPDATE students SET name_key = $1 WHERE id = $2")
                .bind(key.clone())
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        let users: Vec<(i64, String)> = on_conn!(tx.conn(), c => sqlx::query_as(
            "SELECT id, display_name FROM users WHERE name_key = ''")
            .fetch_all(&mut *c)
            .await)?;
        for (id, name) in users {
            let key = korrigo_domain::text::sort_key(&name);
            on_conn!(tx.conn(), c => sqlx::query("UPDATE users SET name_key = $1 WHERE id = $2")
                .bind(key.clone())
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// The schema in outline, the same words on both backends: `table T`, `column T.C` and
    /// `index I on T`, sorted (types are left out: they are spelled differently). Indexes that
    /// back a primary key or a UNIQUE constraint are left out too (each backend names its own).
    /// Used to check that both backends' migrations define the same schema.
    pub async fn schema_outline(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        match &self.pools {
            Pools::Sqlite { read, .. } => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite_%' AND name <> $1",
                )
                .bind(MIGRATIONS_TABLE)
                .fetch_all(read)
                .await?;
                for t in &tables {
                    out.push(format!("table {t}"));
                    let cols: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                            .bind(t)
                            .fetch_all(read)
                            .await?;
                    out.extend(cols.into_iter().map(|c| format!("column {t}.{c}")));
                }
                let idx: Vec<(String, String)> = sqlx::query_as(
                    "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                )
                .fetch_all(read)
                .await?;
                out.extend(idx.into_iter().map(|(i, t)| format!("index {i} on {t}")));
            }
            Pools::Pg(p) => {
                let cols: Vec<(String, String)> = sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name <> $1",
                )
                .bind(MIGRATIONS_TABLE)
                .fetch_all(p)
                .await?;
                let mut tables: Vec<&String> = cols.iter().map(|(t, _)| t).collect();
                tables.dedup();
                let tables: std::collections::BTreeSet<&String> = tables.into_iter().collect();
                out.extend(tables.iter().map(|t| format!("table {t}")));
                out.extend(cols.iter().map(|(t, c)| format!("column {t}.{c}")));
                let idx: Vec<(String, String)> = sqlx::query_as(
                    "SELECT indexname::text, tablename::text FROM pg_indexes i \
                     WHERE schemaname = current_schema() AND tablename <> $1 \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                )
                .bind(MIGRATIONS_TABLE)
                .fetch_all(p)
                .await?;
                out.extend(idx.into_iter().map(|(i, t)| format!("index {i} on {t}")));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The versions of the migrations this binary embeds that the database has not applied.
    /// Errors if the database has applied a migration this binary does not know (it is older
    /// than the schema).
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, StoreError> {
        let (known, applied): (Vec<i64>, Vec<i64>) = match &self.pools {
            Pools::Sqlite { read, .. } => {
                let exists: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
                )
                .bind(MIGRATIONS_TABLE)
                .fetch_one(read)
                .await?;
                let applied = if exists > 0 {
                    sqlx::query_scalar("SELECT version FROM korrigo_migrations WHERE success")
                        .fetch_all(read)
                        .await?
                } else {
                    vec![]
                };
                (
                    SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(),
                    applied,
                )
            }
            Pools::Pg(p) => {
                let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                    .bind(MIGRATIONS_TABLE)
                    .fetch_one(p)
                    .await?;
                let applied = if exists {
                    sqlx::query_scalar("SELECT version FROM korrigo_migrations WHERE success")
                        .fetch_all(p)
                        .await?
                } else {
                    vec![]
                };
                (PG_MIGRATIONS.iter().map(|m| m.version).collect(), applied)
            }
        };
        if let Some(v) = applied.iter().find(|v| !known.contains(v)) {
            return Err(StoreError::Migration(format!(
                "the database has migration {v}, which this version of Korrigo ({}) does not \
                 know: it was migrated by a newer version. Run that version or a later one; \
                 going back means restoring a backup made before the upgrade",
                env!("CARGO_PKG_VERSION")
            )));
        }
        Ok(known.into_iter().filter(|v| !applied.contains(v)).collect())
    }

    /// The migrations the database has applied, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, StoreError> {
        let pending = self.pending_migrations().await?;
        Ok(self
            .known_migrations()
            .into_iter()
            .filter(|v| !pending.contains(v))
            .collect())
    }

    /// How many tables the database has (0: a new, empty database, where a backup may be
    /// restored).
    pub async fn table_count(&self) -> Result<i64, StoreError> {
        Ok(match &self.pools {
            Pools::Pg(p) => {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
                )
                .fetch_one(p)
                .await?
            }
            Pools::Sqlite { read, .. } => {
                sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
                    .fetch_one(read)
                    .await?
            }
        })
    }

    /// The migrations this binary embeds for the database's backend.
    pub fn known_migrations(&self) -> Vec<i64> {
        known_migrations(self.backend())
    }

    /// Writes a consistent copy of a SQLite database to `path` while it is in use (`VACUUM
    /// INTO`: one read transaction). PostgreSQL is refused (use `pg_dump`).
    pub async fn snapshot_sqlite(&self, path: &std::path::Path) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { read, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path.to_string_lossy().into_owned())
                    .execute(read)
                    .await?;
                Ok(())
            }
            Pools::Pg(_) => Err(StoreError::Migration(
                "a PostgreSQL database is backed up with pg_dump (see the README)".into(),
            )),
        }
    }

    /// A cheap round trip, for the readiness check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite { read, .. } => {
                sqlx::query("SELECT 1").execute(read).await?;
            }
            Pools::Pg(p) => {
                sqlx::query("SELECT 1").execute(p).await?;
            }
        }
        Ok(())
    }

    /// Closes every pool (waits for connections to be returned).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pools::Pg(p) => p.close().await,
        }
    }
}

/// Sorts a sqlx error into a [`StoreError`], recognising unique violations on the given
/// fields (the first field whose name appears in the constraint or message wins).
pub(crate) fn classify(e: sqlx::Error, fields: &[&'static str]) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let text = format!("{} {}", db.constraint().unwrap_or(""), db.message());
        let field = fields
            .iter()
            .copied()
            .find(|f| text.contains(f))
            .unwrap_or("value");
        return StoreError::Conflict { field };
    }
    StoreError::Database(e)
}

/// Milliseconds since the Unix epoch, the timestamp unit of every table.
pub fn now_ms() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The SQL of the hot lists, with their parameters written in (integers only), for
/// `korrigo bench queries` to show their plans: the same text the repositories run.
pub fn hot_queries(
    big_exam: i64,
    exam: i64,
    corrector: i64,
    deep_offset: i64,
) -> Vec<(&'static str, String)> {
    let fill = |sql: &str, params: &[i64]| {
        params
            .iter()
            .enumerate()
            .rev()
            .fold(sql.to_string(), |s, (i, v)| {
                s.replace(&format!("${}", i + 1), &v.to_string())
            })
    };
    vec![
        (
            "copy list, first page (scans::list_copies)",
            fill(&scans::list_copies_sql(), &[big_exam, 50, 0]),
        ),
        (
            "copy list, deep page (scans::list_copies)",
            fill(&scans::list_copies_sql(), &[big_exam, 50, deep_offset]),
        ),
        (
            "copy count (scans::list_copies)",
            fill(scans::COUNT_COPIES_SQL, &[big_exam]),
        ),
        (
            "corrector's copies (grading::assigned_to)",
            fill(&grading::ASSIGNED_TO_SQL, &[corrector, 0]),
        ),
        (
            "one exam's copies of a corrector (grading::assigned_to)",
            fill(&grading::ASSIGNED_TO_SQL, &[corrector, exam]),
        ),
    ]
}
