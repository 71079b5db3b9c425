//! The command line: parsing, configuration loading, logging set-up, and one function per
//! command.

mod bench;
mod bench_corpus;
mod bench_export;
mod bench_grading;
mod bench_identify;
mod bench_pdf;
mod bench_scale;
mod bench_zip;
mod exams;
mod grading;
mod results;
mod scans;
mod storage;
mod students;

use bench::{BenchCommand, bench};
use exams::{ExamsCommand, exams};
use scans::{CopiesCommand, ScansCommand, copies, scans};
use students::{StudentsCommand, students};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use korrigo_app::App;
use korrigo_app::accounts::{AdminSetup, CreateUser};
use korrigo_app::config::{self, Config, LogFormat, Severity};
use korrigo_app::jobs::{self, WorkerTiming};
use korrigo_store::{Backend, Db, DbOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::watch;

#[derive(Parser)]
#[command(
    name = "korrigo",
    version,
    about = "Grade scanned paper exams on screen."
)]
struct Cli {
    /// A TOML configuration file (settings named as in the README; the environment wins).
    #[arg(long, global = true, env = "KORRIGO_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (and, unless --no-worker, the job workers). Applies migrations on
    /// SQLite; on PostgreSQL refuses to start while migrations are pending.
    Serve {
        /// Listen address (overrides KORRIGO_BIND).
        #[arg(long)]
        bind: Option<String>,
        /// Do not run job workers in this process (run `korrigo worker` elsewhere).
        #[arg(long)]
        no_worker: bool,
    },
    /// Run job workers only.
    Worker {
        /// Serve only this queue (repeat for several): `default` (scan processing, final
        /// PDFs, imports, matching, maintenance) or `ocr` (reading headers). All by default.
        #[arg(long = "queue", value_name = "NAME")]
        queues: Vec<String>,
    },
    /// Apply pending database migrations.
    Migrate {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check the configuration and explain every problem; exits non-zero when one is fatal.
    CheckConfig {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Students: import a roster, list them.
    Students {
        #[command(subcommand)]
        command: StudentsCommand,
    },
    /// Exams: create, list.
    Exams {
        #[command(subcommand)]
        command: ExamsCommand,
    },
    /// Scans: import scanned files into an exam.
    Scans {
        #[command(subcommand)]
        command: ScansCommand,
    },
    /// Copies: list an exam's copies with their pages.
    Copies {
        #[command(subcommand)]
        command: CopiesCommand,
    },
    /// Grading: dispatch an exam's copies among correctors, see the progress.
    Grading {
        #[command(subcommand)]
        command: grading::GradingCommand,
    },
    /// Export an exam's results: `pronote` (the CSV Pronote imports), `csv` or `xlsx` (the
    /// gradebook: a column per question, the total and the grade). Refused, listing the
    /// copies, while a graded copy is not identified.
    Export {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// `pronote`, `csv` or `xlsx`.
        #[arg(long)]
        format: String,
        /// Where to write it (standard output when absent).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
    },
    /// Write an exam's identification label sheets (A4, 3 × 8 labels of 70 × 37 mm: name,
    /// class, QR code of the student's opaque token), one class after another; students
    /// without a token get one. Journaled like the web page's download.
    Labels {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// Only this class.
        #[arg(long)]
        class: Option<String>,
        /// Labels per student (1 to 4).
        #[arg(long, default_value_t = 1)]
        per_student: usize,
        /// Positions of the first sheet already used (0 to 23).
        #[arg(long, default_value_t = 0)]
        skip: usize,
        /// The PDF to write.
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Back up the database (a consistent snapshot, while Korrigo serves) and every stored file
    /// (the data folder's or the bucket's) into a new folder, with a manifest of every file's
    /// SHA-256.
    Backup {
        /// The folder to create (absent or empty).
        #[arg(long)]
        output: std::path::PathBuf,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into an empty data folder or bucket and database: every file is checked
    /// against the manifest, and a backup from a newer Korrigo refused, before anything is
    /// written.
    Restore {
        /// The backup folder.
        dir: std::path::PathBuf,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete the exams archived before a date with their scans, copies, readings, scores and
    /// final PDFs (retention, RGPD); each purge is journaled. Irreversible: try --dry-run first.
    Purge {
        /// `yyyy-mm-dd` or `dd/mm/yyyy`: exams archived before this day (midnight UTC).
        #[arg(long)]
        archived_before: String,
        /// Only list what would be deleted.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON (`dry_run`, `archived_before`, `exams`: `id`, `name`,
        /// `archived_at`, `copies`, `files`, `bytes`).
        #[arg(long)]
        json: bool,
    },
    /// The file store: copy a school's local files into an S3 bucket.
    Storage {
        #[command(subcommand)]
        command: storage::StorageCommand,
    },
    /// Benchmarks and synthetic scans for measuring (see scripts/bench-scans.sh).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Create a user account.
    CreateUser {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Display name (defaults to the username).
        #[arg(long)]
        name: Option<String>,
        /// admin, teacher or student.
        #[arg(long, default_value = "teacher")]
        role: String,
        /// E-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Password (or KORRIGO_NEW_PASSWORD); without one, a temporary password is generated
        /// and printed, to be changed at first login.
        #[arg(long, env = "KORRIGO_NEW_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Loads the configuration, printing problems; fails when one is fatal.
fn load_config(file: Option<&std::path::Path>, bind: Option<String>) -> Result<Config> {
    let mut src = config::gather(file).map_err(anyhow::Error::msg)?;
    if let Some(b) = bind {
        src.insert("KORRIGO_BIND".into(), b);
    }
    let loaded = config::load(&src, true);
    for n in &loaded.notes {
        eprintln!("note: {n}");
    }
    for p in &loaded.problems {
        eprintln!("{p}");
    }
    match loaded.config {
        Some(c) => Ok(c),
        None => {
            bail!("the configuration has errors (see above); `korrigo check-config` explains each")
        }
    }
}

fn init_logs(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KORRIGO_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.compact().try_init(),
    };
}

async fn open_db(cfg: &Config) -> Result<Db> {
    if cfg.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&cfg.data_dir)
            .with_context(|| format!("cannot create the data folder {}", cfg.data_dir.display()))?;
    }
    Db::connect(&cfg.database_url, &DbOptions::default())
        .await
        .context("cannot open the database")
}

/// Checks the schema before serving: SQLite (the embedded single-instance default) is migrated
/// in place; PostgreSQL is shared by several instances, so migrating is an explicit step.
async fn prepare_schema(db: &Db) -> Result<()> {
    let pending = db.pending_migrations().await?;
    if pending.is_empty() {
        return Ok(());
    }
    match db.backend() {
        Backend::Sqlite => {
            db.migrate().await?;
            tracing::info!(applied = pending.len(), "database migrated");
            Ok(())
        }
        Backend::Postgres => bail!(
            "the PostgreSQL database has {} pending migration(s) ({:?}): run `korrigo migrate` \
             (with the same DATABASE_URL) before starting the server",
            pending.len(),
            pending
        ),
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let file = cli.config.as_deref();
    match cli.command {
        Command::CheckConfig { json } => check_config(file, json).await,
        Command::Migrate { json } => {
            let cfg = load_config(file, None)?;
            init_logs(cfg.log_format);
            let db = open_db(&cfg).await?;
            let pending = db.pending_migrations().await?;
            db.migrate().await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "applied": pending, "pending": [] })
                );
            } else if pending.is_empty() {
                println!("The database is up to date.");
            } else {
                println!("Applied {} migration(s): {:?}", pending.len(), pending);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateUser {
            username,
            name,
            role,
            email,
            password,
            json,
        } => {
            let cfg = load_config(file, None)?;
            init_logs(cfg.log_format);
            let db = open_db(&cfg).await?;
            prepare_schema(&db).await?;
            let app = App::with_db(cfg, db, jobs::builtin_registry()).await?;
            let out = app
                .create_user_cli(&CreateUser {
                    display_name: name.unwrap_or_else(|| username.clone()),
                    username,
                    email,
                    role,
                    password,
                    locale: None,
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "Created {} `{}` (id {}).",
                    out.user.role, out.user.username, out.user.id
                );
                if let Some(p) = &out.temporary_password {
                    println!("Temporary password (to change at first login): {p}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker { queues } => {
            let registry = jobs::builtin_registry();
            // A queue name mistyped would leave its jobs waiting for ever: refuse it first.
            let kinds = registry.kinds_of(&queues)?;
            let cfg = load_config(file, None)?;
            init_logs(cfg.log_format);
            let db = open_db(&cfg).await?;
            prepare_schema(&db).await?;
            let workers = cfg.workers;
            let app = App::with_db(cfg, db, registry).await?;
            let (tx, rx) = watch::channel(false);
            let handles =
                app.spawn_workers_for(workers, kinds.clone(), WorkerTiming::default(), rx.clone());
            let sched = tokio::spawn(jobs::scheduler(app.clone(), Duration::from_secs(3600), rx));
            tracing::info!(workers, kinds = ?kinds, "job workers running; Ctrl-C to stop");
            shutdown_signal().await;
            let _ = tx.send(true);
            // Running jobs get the grace period, then go back to the queue.
            app.stop_workers(handles, app.config.shutdown_grace).await?;
            let _ = sched.await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { bind, no_worker } => serve(file, bind, no_worker).await,
        Command::Students { command } => students(file, command).await,
        Command::Exams { command } => exams(file, command).await,
        Command::Scans { command } => scans(file, command).await,
        Command::Copies { command } => copies(file, command).await,
        Command::Grading { command } => grading::run(file, command).await,
        Command::Export {
            exam,
            format,
            output,
        } => results::export(file, exam, &format, output).await,
        Command::Backup { output, json } => {
            let app = open_app(file).await?;
            let m = korrigo_app::backup::backup(&app, &output).await?;
            report_backup(&m, json, &format!("backed up into {}", output.display()))
        }
        Command::Restore { dir, json } => {
            let cfg = load_config(file, None)?;
            init_logs(cfg.log_format);
            let m = korrigo_app::backup::restore(&cfg, &dir).await?;
            let into = match &cfg.s3 {
                Some(s3) => format!("the bucket {} at {}", s3.bucket, s3.endpoint),
                None => cfg.data_dir.display().to_string(),
            };
            report_backup(&m, json, &format!("restored into {into}"))
        }
        Command::Labels {
            exam,
            class,
            per_student,
            skip,
            output,
        } => results::labels(file, exam, class, per_student, skip, &output).await,
        Command::Storage { command } => storage::storage(file, command).await,
        Command::Purge {
            archived_before,
            dry_run,
            json,
        } => storage::purge(file, &archived_before, dry_run, json).await,
        Command::Bench { command } => bench(file, command).await,
    }
}

async fn check_config(file: Option<&std::path::Path>, json: bool) -> Result<ExitCode> {
    let src = config::gather(file).map_err(anyhow::Error::msg)?;
    let mut loaded = config::load(&src, false);
    // A bucket is tried for real: a probe object written, read back and deleted.
    let mut storage_ok = None;
    if let Some(s3) = loaded.config.as_ref().and_then(|c| c.s3.as_ref()) {
        let probe = match korrigo_store::files::FileStore::s3(s3) {
            Ok(fs) => fs.check().await.map(|()| fs.describe()),
            Err(e) => Err(e),
        };
        match probe {
            Ok(what) => storage_ok = Some(what),
            Err(e) => {
                loaded.problems.push(config::Problem {
                    severity: Severity::Fatal,
                    setting: "KORRIGO_STORAGE",
                    message: e.to_string(),
                    fix: "fix the KORRIGO_S3_* settings or the bucket, then run check-config again"
                        .into(),
                });
                loaded.config = None;
            }
        }
    }
    let fatal = loaded
        .problems
        .iter()
        .any(|p| p.severity == Severity::Fatal);
    if json {
        let problems: Vec<_> = loaded
            .problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "severity": if p.severity == Severity::Fatal { "error" } else { "warning" },
                    "setting": p.setting, "message": p.message, "fix": p.fix,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "ok": !fatal, "problems": problems })
            )?
        );
    } else {
        for p in &loaded.problems {
            println!("{p}");
        }
        if let Some(c) = &loaded.config {
            println!(
                "\nConfiguration: {} mode, public URL {}, database {}, data folder {}",
                if c.env == config::Environment::Production {
                    "production"
                } else {
                    "development"
                },
                c.public_url,
                if c.database_url.starts_with("sqlite:") {
                    "SQLite"
                } else {
                    "PostgreSQL"
                },
                c.data_dir.display()
            );
            if let Some(what) = &storage_ok {
                println!("Files: {what} (a probe object was written, read back and deleted).");
            }
        }
        if fatal {
            println!(
                "\nThe configuration has errors: Korrigo will not start until they are fixed."
            );
        } else if loaded.problems.is_empty() {
            println!("The configuration is fine.");
        } else {
            println!("\nNo blocking problem; the warnings above are worth fixing.");
        }
    }
    Ok(if fatal {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

async fn serve(
    file: Option<&std::path::Path>,
    bind: Option<String>,
    no_worker: bool,
) -> Result<ExitCode> {
    let cfg = load_config(file, bind)?;
    init_logs(cfg.log_format);
    let db = open_db(&cfg).await?;
    prepare_schema(&db).await?;
    let workers = cfg.workers;
    let bind = cfg.bind;
    let app = App::with_db(cfg, db, jobs::builtin_registry()).await?;
    let setup = app
        .ensure_admin()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (set KORRIGO_BIND or --bind)"))?;
    let url = app
        .config
        .public_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let (tx, rx) = watch::channel(false);
    let mut handles = vec![];
    if !no_worker {
        handles = app.spawn_workers(workers, WorkerTiming::default(), rx.clone());
        handles.push(tokio::spawn(jobs::scheduler(
            app.clone(),
            Duration::from_secs(3600),
            rx.clone(),
        )));
    }
    // The banner goes to stdout so that it stays readable whatever the log format.
    println!();
    println!("  Korrigo is running at {url}/");
    match &setup {
        AdminSetup::Exists => println!("  Log in with your account at {url}/login"),
        AdminSetup::Created { username } => println!(
            "  Log in at {url}/login as `{username}` with the password from KORRIGO_ADMIN_PASSWORD"
        ),
        AdminSetup::Link { token } => {
            println!(
                "  No administrator yet. Open this one-time link to choose the admin password:"
            );
            println!("  {url}/setup/{token}");
            println!("  (or restart with KORRIGO_ADMIN_PASSWORD=... to create `admin` directly)");
        }
    }
    println!("  Stop with Ctrl-C.");
    println!();
    let state = korrigo_web::AppState::new(app.clone());
    korrigo_web::serve(listener, state, shutdown_signal()).await?;
    let _ = tx.send(true);
    // Running jobs get the grace period, then go back to the queue.
    app.stop_workers(handles, app.config.shutdown_grace).await?;
    app.db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Prints what a backup holds.
fn report_backup(m: &korrigo_app::backup::Manifest, json: bool, what: &str) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(m)?);
    } else {
        let bytes: u64 = m.files.iter().map(|f| f.size).sum();
        println!(
            "{what}: the database (schema {}) and {} stored files, {} bytes in all, every checksum in {}",
            m.migrations.last().copied().unwrap_or(0),
            m.files.len() - 1,
            bytes,
            korrigo_app::backup::MANIFEST
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the application for a one-off command (schema checked like `serve`).
async fn open_app(file: Option<&std::path::Path>) -> Result<App> {
    let cfg = load_config(file, None)?;
    init_logs(cfg.log_format);
    let db = open_db(&cfg).await?;
    prepare_schema(&db).await?;
    Ok(App::with_db(cfg, db, jobs::builtin_registry()).await?)
}

fn cli_client() -> korrigo_app::ClientInfo {
    korrigo_app::ClientInfo {
        ip: None,
        user_agent: Some("korrigo-cli".into()),
    }
}

fn app_err(e: korrigo_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}
