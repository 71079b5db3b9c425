//! Korrigo's use cases: every action a user or a job can take, with its permission check and
//! its transaction. The web layer and the CLI call these; they never touch the store directly
//! for writes.

pub mod accounts;
mod audit_entry;
pub mod backup;
pub mod config;
pub mod error;
pub mod exams;
pub mod grading;
pub mod identify;
pub mod jobs;
pub mod labels;
pub mod purge;
pub mod results;
pub mod roster;
pub mod scans;
pub mod shapes;
pub mod student_accounts;
pub mod tokens;

pub use error::AppError;

use config::Config;
use korrigo_store::files::FileStore;
use korrigo_store::{Db, DbOptions, StoreError};
use std::sync::Arc;

/// Who is calling, as far as the network tells: for the audit log and rate limits.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The client IP, resolved through trusted proxies.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// The application: configuration, database, file store and job queue, shared by the web
/// server, the workers and the CLI. Cheap to clone. There is no global state besides this.
#[derive(Clone)]
pub struct App {
    /// The validated configuration.
    pub config: Arc<Config>,
    /// The database.
    pub db: Db,
    /// The file store.
    pub files: FileStore,
    /// The job handlers this process knows.
    pub registry: Arc<jobs::Registry>,
    /// The local queue waker.
    pub queue: jobs::Queue,
    /// What this process's worker names start with (host, pid, a random part): the jobs they
    /// hold are handed back by it at shutdown.
    worker_prefix: Arc<str>,
    /// A password hash verified when the login is unknown, so timing reveals nothing; made on
    /// the first such login, not at start-up (every CLI command builds an `App`).
    dummy_hash: Arc<tokio::sync::OnceCell<String>>,
}

impl App {
    /// Opens the database and the file store. Does not migrate.
    pub async fn open(config: Config, registry: jobs::Registry) -> Result<App, AppError> {
        let db = Db::connect(&config.database_url, &DbOptions::default()).await?;
        Self::with_db(config, db, registry).await
    }

    /// Builds the application on an already opened database.
    pub async fn with_db(
        config: Config,
        db: Db,
        registry: jobs::Registry,
    ) -> Result<App, AppError> {
        let files = match &config.s3 {
            None => FileStore::local(config.data_dir.join("files")).await?,
            Some(s3) => FileStore::s3(s3)?,
        };
        Ok(App {
            config: Arc::new(config),
            db,
            files,
            registry: Arc::new(registry),
            queue: jobs::Queue::default(),
            worker_prefix: format!(
                "{}-{}-{}",
                std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into()),
                std::process::id(),
                tokens::random_hex(4)
            )
            .into(),
            dummy_hash: Arc::default(),
        })
    }

    /// Checks the database, the file store and the job queue (the readiness probe). Returns
    /// the name and error of each failing check.
    pub async fn readiness(&self) -> Vec<(&'static str, String)> {
        let mut failing = vec![];
        if let Err(e) = self.db.ping().await {
            failing.push(("database", e.to_string()));
        }
        if let Err(e) = self.files.check().await {
            failing.push(("storage", e.to_string()));
        }
        let q: Result<_, StoreError> = async {
            let mut c = self.db.read().await?;
            korrigo_store::jobs::counts(c.conn()).await
        }
        .await;
        if let Err(e) = q {
            failing.push(("job_queue", e.to_string()));
        }
        failing
    }
}
