//! The command line: parsing, configuration loading, logging set-up, and one function per
//! command.

mod bench_grading;
mod grading;

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
    Worker,
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

#[derive(Subcommand)]
enum StudentsCommand {
    /// Import students from a school CSV export (Pronote, SIECLE-like). Re-importing updates
    /// students in place; rejected rows are listed with their line and reason.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Only show what would happen; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List students.
    List {
        /// Only this class.
        #[arg(long)]
        class: Option<String>,
        /// Text in names, class, group or INE.
        #[arg(long)]
        search: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ScansCommand {
    /// Import scan files (PDF, ZIP of PDFs/images, JPEG, PNG). Each file is checked first: a bad
    /// file is reported on stderr (and the exit code is 1) while the others go on. Processing
    /// runs in the background (workers of `serve` or `worker`), or here with --wait.
    Import {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// fixed, headers or loose (default: headers for A3 exams, fixed for A4).
        #[arg(long)]
        grouping: Option<String>,
        /// Process the files in this process and wait for the result.
        #[arg(long)]
        wait: bool,
        /// Print the batches as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Generates a synthetic scanned batch, imports and processes it end to end (checksum,
    /// validation, extraction, A3 split, orientation, thumbnails, header crops, grouping,
    /// database) in a temporary data folder, and prints pages per second.
    Scans {
        /// A4 pages in the batch.
        #[arg(long, default_value_t = 400)]
        pages: u32,
        /// A3 copies doubles instead of A4 pages.
        #[arg(long)]
        a3: bool,
        /// Scan resolution.
        #[arg(long, default_value_t = 150)]
        dpi: u32,
    },
    /// Reads the headers of generated copies (several handwriting fonts, noise, skew up to
    /// ±1.5°, classes of 30 with accents, hyphens, apostrophes and two homonyms) and matches
    /// them against the roster: prints the share identified automatically, the wrong
    /// automatic identifications, the right student's rank, and the CPU time per copy.
    Identify {
        /// Students (and copies).
        #[arg(long, default_value_t = 60)]
        students: usize,
        /// Print every copy.
        #[arg(long)]
        verbose: bool,
        /// Varies the generated scans (fonts, skew, noise).
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Overrides the automatic identification's minimum score (for tuning).
        #[arg(long)]
        min_score: Option<f64>,
        /// Overrides the automatic identification's minimum lead over the next student.
        #[arg(long)]
        min_margin: Option<f64>,
        /// Scan resolution of the generated pages.
        #[arg(long, default_value_t = 150)]
        dpi: u32,
    },
    /// Score saves through the real HTTP stack by many correctors at once (one copy each, a
    /// ten-question scheme), on a throwaway database: prints saves per second, the latency
    /// p50/p95/p99 and the errors (exit 1 if any).
    Grading {
        /// Simulated correctors writing at the same time.
        #[arg(long, default_value_t = 200)]
        correctors: usize,
        /// Score saves in all.
        #[arg(long, default_value_t = 20_000)]
        saves: usize,
        /// On PostgreSQL (a throwaway database on KORRIGO_TEST_DATABASE_URL) instead of SQLite.
        #[arg(long)]
        postgres: bool,
    },
    /// Writes a synthetic scanned PDF (JPEG pages) of about `--mb` megabytes.
    MakeScan {
        /// Output file.
        #[arg(long)]
        out: PathBuf,
        /// Approximate size in MB (pages repeat a set of generated copies).
        #[arg(long, default_value_t = 100)]
        mb: u64,
        /// Scan resolution.
        #[arg(long, default_value_t = 200)]
        dpi: u32,
    },
}

#[derive(Subcommand)]
enum CopiesCommand {
    /// List an exam's copies: code, status, identification, and pages with their provenance.
    List {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExamsCommand {
    /// Create an exam; prints its id.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// Subject (for exports).
        #[arg(long, default_value = "")]
        subject: String,
        /// Date (yyyy-mm-dd or dd/mm/yyyy).
        #[arg(long)]
        date: Option<String>,
        /// a4:N (N A4 pages per copy) or a3 (copies doubles).
        #[arg(long, default_value = "a4:4")]
        layout: String,
        /// Classes concerned, comma-separated (default: every student).
        #[arg(long, value_delimiter = ',')]
        classes: Vec<String>,
        /// Grade scale ("out of").
        #[arg(long, default_value_t = 20)]
        grade_scale: i64,
        /// Coefficient.
        #[arg(long, default_value = "1")]
        coefficient: String,
        /// Username of the teacher who manages it (admins manage every exam anyway).
        #[arg(long)]
        manager: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List exams.
    List {
        /// Include archived exams.
        #[arg(long)]
        archived: bool,
        /// Print JSON.
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
        Command::CheckConfig { json } => check_config(file, json),
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
        Command::Worker => {
            let cfg = load_config(file, None)?;
            init_logs(cfg.log_format);
            let db = open_db(&cfg).await?;
            prepare_schema(&db).await?;
            let workers = cfg.workers;
            let app = App::with_db(cfg, db, jobs::builtin_registry()).await?;
            let (tx, rx) = watch::channel(false);
            let handles = app.spawn_workers(workers, WorkerTiming::default(), rx.clone());
            let sched = tokio::spawn(jobs::scheduler(app.clone(), Duration::from_secs(3600), rx));
            tracing::info!(workers, "job workers running; Ctrl-C to stop");
            shutdown_signal().await;
            let _ = tx.send(true);
            for h in handles {
                let _ = h.await;
            }
            let _ = sched.await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { bind, no_worker } => serve(file, bind, no_worker).await,
        Command::Students { command } => students(file, command).await,
        Command::Exams { command } => exams(file, command).await,
        Command::Scans { command } => scans(file, command).await,
        Command::Copies { command } => copies(file, command).await,
        Command::Grading { command } => grading::run(file, command).await,
        Command::Bench { command } => bench(command).await,
    }
}

fn check_config(file: Option<&std::path::Path>, json: bool) -> Result<ExitCode> {
    let src = config::gather(file).map_err(anyhow::Error::msg)?;
    let loaded = config::load(&src, false);
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
    for h in handles {
        let _ = h.await;
    }
    app.db.close().await;
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

async fn students(file: Option<&std::path::Path>, command: StudentsCommand) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = korrigo_app::accounts::system_session();
    match command {
        StudentsCommand::Import {
            file,
            dry_run,
            json,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            if dry_run {
                let p = app
                    .preview_students(&system, &bytes)
                    .await
                    .map_err(app_err)?;
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&serde_json::json!({
                            "dry_run": true,
                            "imported": p.would.imported, "updated": p.would.updated, "unchanged": p.would.unchanged,
                            "rejected": p.rejected,
                        }))?
                    );
                } else {
                    println!(
                        "Dry run ({} separator, {}): would import {}, update {}, leave {} unchanged, reject {}.",
                        if p.separator == ';' {
                            "`;`".to_string()
                        } else {
                            format!("`{}`", p.separator)
                        },
                        p.encoding,
                        p.would.imported,
                        p.would.updated,
                        p.would.unchanged,
                        p.rejected.len()
                    );
                    for r in &p.rejected {
                        println!("  line {}: {}", r.line, r.reason);
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let started = app
                .start_student_import(&system, &name, &bytes, &cli_client())
                .await
                .map_err(app_err)?;
            // Apply it here; a running server's workers may take it first, so follow its status.
            let report = loop {
                app.run_pending_jobs(&WorkerTiming::default()).await?;
                let r = app
                    .import_status(&system, started.id)
                    .await
                    .map_err(app_err)?;
                if r.status != "pending" {
                    break r;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "Imported {}, updated {}, unchanged {}, rejected {}.",
                    report.imported,
                    report.updated,
                    report.unchanged,
                    report.rejected.len()
                );
                for r in &report.rejected {
                    println!("  line {}: {}", r.line, r.reason);
                }
            }
            if report.status == "failed" {
                eprintln!(
                    "error: the import failed: {}",
                    report.error.unwrap_or_default()
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        StudentsCommand::List {
            class,
            search,
            json,
        } => {
            let filter = korrigo_store::students::StudentFilter {
                class,
                search,
                ..Default::default()
            };
            let mut all = vec![];
            for page in 1.. {
                let p = app
                    .list_students(
                        &system,
                        &filter,
                        korrigo_domain::PageRequest::new(Some(page), Some(500)),
                    )
                    .await
                    .map_err(app_err)?;
                let n = p.items.len();
                all.extend(p.items);
                if n < 500 {
                    break;
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else if all.is_empty() {
                println!("No student. Import a roster with `korrigo students import FILE`.");
            } else {
                for s in &all {
                    println!(
                        "{:>6}  {:<24} {:<20} {}  {:<8} {}",
                        s.id,
                        s.last_name,
                        s.first_name,
                        s.birth_date.french(),
                        s.class.as_deref().unwrap_or("-"),
                        s.group.as_deref().unwrap_or("")
                    );
                }
                println!("{} student(s)", all.len());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn exams(file: Option<&std::path::Path>, command: ExamsCommand) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = korrigo_app::accounts::system_session();
    match command {
        ExamsCommand::Create {
            name,
            subject,
            date,
            layout,
            classes,
            grade_scale,
            coefficient,
            manager,
            json,
        } => {
            let input = korrigo_app::exams::ExamInput {
                name,
                subject,
                date,
                classes,
                layout: Some(layout),
                grade_scale: Some(grade_scale),
                coefficient: Some(serde_json::Value::String(coefficient)),
            };
            let mut exam = app
                .create_exam(&system, &input, &cli_client())
                .await
                .map_err(app_err)?;
            if let Some(m) = manager {
                let member = korrigo_app::exams::MemberInput {
                    username: m,
                    role: "manager".into(),
                };
                exam = app
                    .set_exam_member(&system, exam.exam.id, &member, &cli_client())
                    .await
                    .map_err(app_err)?;
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "id": exam.exam.id, "name": exam.exam.name, "subject": exam.exam.subject, "date": exam.exam.date,
                        "layout": exam.exam.layout, "classes": exam.exam.classes, "grade_scale": exam.exam.grade_scale,
                        "coefficient": exam.exam.coefficient, "students": exam.student_count,
                    }))?
                );
            } else {
                println!(
                    "Created exam {} `{}` ({} students concerned).",
                    exam.exam.id, exam.exam.name, exam.student_count
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ExamsCommand::List { archived, json } => {
            let mut all = vec![];
            for page in 1.. {
                let p = app
                    .list_exams(
                        &system,
                        None,
                        archived,
                        korrigo_store::exams::ExamSort::Newest,
                        korrigo_domain::PageRequest::new(Some(page), Some(500)),
                    )
                    .await
                    .map_err(app_err)?;
                let n = p.items.len();
                all.extend(p.items);
                if n < 500 {
                    break;
                }
            }
            if json {
                let items: Vec<_> = all.iter().map(|i| serde_json::json!({
                    "id": i.exam.id, "name": i.exam.name, "subject": i.exam.subject, "date": i.exam.date,
                    "layout": i.exam.layout, "classes": i.exam.classes, "grade_scale": i.exam.grade_scale,
                    "coefficient": i.exam.coefficient, "archived": i.exam.archived_at.is_some(),
                })).collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if all.is_empty() {
                println!("No exam. Create one with `korrigo exams create --name ...`.");
            } else {
                for i in &all {
                    println!(
                        "{:>5}  {:<40} {:<10} {:<6} {}",
                        i.exam.id,
                        i.exam.name,
                        i.exam.date.map(|d| d.french()).unwrap_or_default(),
                        i.exam.layout,
                        i.exam.classes.join(",")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn scans(file: Option<&std::path::Path>, command: ScansCommand) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = korrigo_app::accounts::system_session();
    let ScansCommand::Import {
        exam,
        files,
        grouping,
        wait,
        json,
    } = command;
    let exam = korrigo_domain::ExamId(exam);
    let mut ok = true;
    let mut ids = vec![];
    let mut refused = vec![];
    for f in &files {
        match app
            .import_scan_file(&system, exam, f, grouping.as_deref(), &cli_client())
            .await
        {
            Ok(b) => {
                if !json {
                    println!("Queued {} as batch {}.", b.batch.file_name, b.batch.id);
                }
                ids.push(b.batch.id);
            }
            Err(e) => {
                ok = false;
                eprintln!("{}: {}", f.display(), e);
                refused.push(
                    serde_json::json!({ "file": f.display().to_string(), "error": e.to_string() }),
                );
            }
        }
    }
    if wait && !ids.is_empty() {
        let (tx, rx) = watch::channel(false);
        let handles = app.spawn_workers(
            app.config.workers.max(1),
            WorkerTiming {
                poll: Duration::from_millis(100),
                ..WorkerTiming::default()
            },
            rx,
        );
        let mut last = String::new();
        loop {
            let mut pending = false;
            let mut line = vec![];
            for id in &ids {
                let b = app.get_batch(&system, *id).await.map_err(app_err)?.batch;
                if matches!(b.status.as_str(), "queued" | "processing") {
                    pending = true;
                }
                line.push(format!(
                    "{}: {}/{} pages",
                    b.file_name, b.pages_done, b.pages_total
                ));
            }
            let line = line.join(", ");
            if !json && line != last {
                eprintln!("{line}");
                last = line;
            }
            if !pending {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let _ = tx.send(true);
        for h in handles {
            let _ = h.await;
        }
    }
    let mut batches = vec![];
    for id in &ids {
        let b = app.get_batch(&system, *id).await.map_err(app_err)?;
        match b.batch.status.as_str() {
            "failed" => {
                ok = false;
                eprintln!(
                    "{}: {}",
                    b.batch.file_name,
                    b.batch.error.as_deref().unwrap_or("refused")
                );
            }
            "duplicate" if !json => eprintln!(
                "{}: the same file was already imported (batch {}); accept or discard it on the exam's Scans page.",
                b.batch.file_name,
                b.batch.duplicate_of.unwrap_or_default()
            ),
            "done" if !json => println!(
                "{}: {} pages, {} copies, {} pages to check.",
                b.batch.file_name, b.batch.pages_total, b.batch.copies_made, b.batch.pages_flagged
            ),
            _ => {}
        }
        batches.push(b);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "batches": batches, "refused": refused })
            )?
        );
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn copies(file: Option<&std::path::Path>, command: CopiesCommand) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = korrigo_app::accounts::system_session();
    let CopiesCommand::List { exam, json } = command;
    let mut items = vec![];
    let mut loose = vec![];
    for page in 1.. {
        let list = app
            .list_copies(
                &system,
                korrigo_domain::ExamId(exam),
                korrigo_domain::PageRequest::new(Some(page), Some(500)),
            )
            .await
            .map_err(app_err)?;
        let n = list.items.len();
        items.extend(list.items);
        loose = list.loose_pages;
        if n < 500 {
            break;
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({ "copies": items, "loose_pages": loose })
            )?
        );
    } else if items.is_empty() {
        println!("No copy yet. Import scans with `korrigo scans import --exam {exam} FILE...`.");
    } else {
        for c in &items {
            let pages: Vec<String> = c
                .pages
                .iter()
                .map(|p| {
                    let half = match p.half.as_deref() {
                        Some("left") => "L",
                        Some("right") => "R",
                        _ => "",
                    };
                    let rot = if p.rotation != 0 {
                        format!("@{}", p.rotation)
                    } else {
                        String::new()
                    };
                    format!("{}{half}{rot}", p.source_page)
                })
                .collect();
            let source = c
                .pages
                .first()
                .map(|p| p.source_file.as_str())
                .unwrap_or("");
            println!(
                "{:>6}  {}  {:<8} {:>2} pages{}  {} p. {}",
                c.id,
                c.code,
                c.status,
                c.page_count,
                if c.unexpected_page_count {
                    " (unexpected)"
                } else {
                    ""
                },
                source,
                pages.join(",")
            );
        }
        if !loose.is_empty() {
            println!("{} page(s) in no copy (see the repair desk).", loose.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench(command: BenchCommand) -> Result<ExitCode> {
    use korrigo_media::synth::{self, SynthOptions};
    match command {
        BenchCommand::Grading {
            correctors,
            saves,
            postgres,
        } => bench_grading::run(correctors, saves, postgres).await,
        BenchCommand::MakeScan { out, mb, dpi } => {
            let students = synth::students(8);
            let opts = SynthOptions {
                dpi,
                noise: 2.0,
                ..SynthOptions::default()
            };
            let base = synth::batch_images(&students, &opts);
            let per_page: u64 =
                base.iter().map(|i| i.bytes.len() as u64).sum::<u64>() / base.len() as u64;
            let n = ((mb << 20) / per_page.max(1)).max(1) as usize;
            let pages: Vec<synth::ScanImage> = (0..n)
                .map(|i| {
                    let b = &base[i % base.len()];
                    synth::ScanImage {
                        encoding: b.encoding,
                        bytes: b.bytes.clone(),
                        width: b.width,
                        height: b.height,
                    }
                })
                .collect();
            let pdf = synth::pdf_of_images(&pages, dpi);
            std::fs::write(&out, &pdf)?;
            println!("{}: {} pages, {} MB", out.display(), n, pdf.len() >> 20);
            Ok(ExitCode::SUCCESS)
        }
        BenchCommand::Identify {
            students,
            verbose,
            seed,
            min_score,
            min_margin,
            dpi,
        } => {
            let mut t = korrigo_domain::identify::Thresholds::default();
            t.min_score = min_score.unwrap_or(t.min_score);
            t.min_margin = min_margin.unwrap_or(t.min_margin);
            bench_identify(students, verbose, seed, dpi, t)
        }
        BenchCommand::Scans { pages, a3, dpi } => {
            let dir = std::env::temp_dir().join(format!(
                "korrigo-bench-{}",
                korrigo_app::tokens::random_hex(6)
            ));
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite://{}/korrigo.db", dir.display());
            let cfg = korrigo_app::config::Config::for_tests(dir.clone(), url);
            let db = open_db(&cfg).await?;
            db.migrate().await?;
            let app = App::with_db(cfg, db, jobs::builtin_registry()).await?;
            let system = korrigo_app::accounts::system_session();
            let layout = if a3 {
                "a3".to_string()
            } else {
                "a4:4".to_string()
            };
            let exam = app
                .create_exam(
                    &system,
                    &korrigo_app::exams::ExamInput {
                        name: "Bench".into(),
                        layout: Some(layout.clone()),
                        ..Default::default()
                    },
                    &cli_client(),
                )
                .await
                .map_err(app_err)?;
            let t = std::time::Instant::now();
            let students = synth::students((pages / 4).max(1) as usize);
            let pdf = synth::batch_pdf(
                &students,
                &SynthOptions {
                    dpi,
                    a3,
                    pages_per_copy: 4,
                    upside_down: (0..students.len()).step_by(7).collect(),
                    ..SynthOptions::default()
                },
            );
            let file = dir.join("batch.pdf");
            std::fs::write(&file, &pdf)?;
            println!(
                "generated {} ({} MB, {} A4 pages at {dpi} dpi, layout {layout}) in {:.1} s",
                file.display(),
                pdf.len() >> 20,
                students.len() * 4,
                t.elapsed().as_secs_f64()
            );
            let t = std::time::Instant::now();
            let b = app
                .import_scan_file(&system, exam.exam.id, &file, None, &cli_client())
                .await
                .map_err(app_err)?;
            let import = t.elapsed().as_secs_f64();
            let t = std::time::Instant::now();
            let pipeline = [korrigo_app::scans::PROCESS_BATCH.to_string()];
            app.run_pending_jobs_of(&pipeline, &WorkerTiming::default())
                .await?;
            let process = t.elapsed().as_secs_f64();
            // Then the copies' headers are read and matched (another stage, timed apart).
            let t = std::time::Instant::now();
            app.run_pending_jobs(&WorkerTiming::default()).await?;
            let identification = t.elapsed().as_secs_f64();
            let b = app
                .get_batch(&system, b.batch.id)
                .await
                .map_err(app_err)?
                .batch;
            let list = app
                .list_copies(
                    &system,
                    exam.exam.id,
                    korrigo_domain::PageRequest::new(None, Some(500)),
                )
                .await
                .map_err(app_err)?;
            let a4_pages: usize = list.items.iter().map(|c| c.page_count).sum();
            println!(
                "import (validate + copy to store): {import:.2} s; processing: {process:.2} s for {} source pages -> {a4_pages} A4 pages in {} copies ({} flagged), {} threads",
                b.pages_total, b.copies_made, b.pages_flagged, app.config.scan_threads
            );
            println!(
                "end to end: {:.1} A4 pages/s",
                a4_pages as f64 / (import + process)
            );
            println!(
                "then headers read and matched: {identification:.2} s ({:.0} ms per copy, one worker)",
                identification * 1000.0 / b.copies_made.max(1) as f64
            );
            let _ = std::fs::remove_dir_all(&dir);
            Ok(if b.status == "done" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

fn bench_identify(
    n: usize,
    verbose: bool,
    seed: u64,
    dpi: u32,
    thresholds: korrigo_domain::identify::Thresholds,
) -> Result<ExitCode> {
    use korrigo_domain::identify::{self, Person, Reading};
    use korrigo_media::{ocr, raster, synth};
    let fonts = synth::handwriting_fonts();
    if fonts.is_empty() {
        anyhow::bail!("no handwriting font installed: run scripts/setup.sh");
    }
    let mut class = synth::students(n);
    // Two homonyms: same last and first names, different birth dates.
    if n >= 4 {
        class[n - 1].last_name = class[0].last_name.clone();
        class[n - 1].first_name = class[0].first_name.clone();
    }
    let roster: Vec<Person> = class
        .iter()
        .enumerate()
        .map(|(i, s)| Person {
            id: i as i64,
            last_name: s.last_name.clone(),
            first_name: s.first_name.clone(),
            birth_date: s.birth_date.clone(),
        })
        .collect();
    let crops: Vec<_> = class
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let k = i as u64 + seed * 1000;
            let skew = (((i as u64 + seed * 7) as f32 * 0.37) % 3.0) - 1.5;
            let font = &fonts[(i + seed as usize) % fonts.len()];
            let page = synth::a4_page_in(dpi, Some(s), 2, k, Some(font));
            raster::header_crop(&synth::scanner_noise(&page, skew, 0.3, k))
        })
        .collect();
    let mut reader = ocr::HeaderReader::new()?;
    let cpu = std::time::Instant::now();
    let reads: Vec<ocr::HeaderRead> = crops.iter().map(|c| reader.read(c)).collect();
    let readings: Vec<Reading> = reads
        .iter()
        .map(|r| Reading {
            last_name: r.last_name.clone(),
            first_name: r.first_name.clone(),
            birth_date: r.birth_date.clone(),
            date_digits: r.date_digits.clone(),
            date_boxes: r.date_boxes.clone(),
        })
        .collect();
    let decisions = identify::assign(&readings, &roster, &vec![false; n], thresholds);
    let per_copy_ms = cpu.elapsed().as_secs_f64() * 1000.0 / n as f64;
    let (mut auto, mut wrong, mut top3) = (0, 0, 0);
    // Birth-date digits: the likeliest digit of each box against what was written.
    let (mut digits_right, mut digits_total) = (0, 0);
    for (s, r) in class.iter().zip(&reads) {
        let truth = s.birth_date.bytes().filter(u8::is_ascii_digit);
        digits_total += 8;
        if r.date_boxes.len() == 8 {
            digits_right += truth
                .zip(&r.date_boxes)
                .filter(|(d, p)| {
                    p.iter().any(|&x| x > 0.0) && korrigo_media::digits::best(p) == d - b'0'
                })
                .count();
        }
    }
    for (i, (r, d)) in readings.iter().zip(&decisions).enumerate() {
        let cands = identify::candidates(r, &roster, 5);
        let rank = cands.iter().position(|c| c.student == i as i64);
        let rival = cands
            .iter()
            .find(|c| Some(c.student) != d.student)
            .map(|c| c.score)
            .unwrap_or(0.0);
        if rank.is_some_and(|k| k < 3) {
            top3 += 1;
        }
        if d.auto {
            auto += 1;
            if d.student != Some(i as i64) {
                wrong += 1;
            }
        }
        if verbose {
            println!(
                "{i:>3} {:<12} {:<12} read {:<14} {:<12} {:<10} -> {:?} {:.2} (rival {:.2}) auto={} rank={:?}",
                class[i].last_name,
                class[i].first_name,
                r.last_name,
                r.first_name,
                r.date_digits,
                d.student,
                d.score,
                rival,
                d.auto,
                rank
            );
        }
    }
    println!(
        "{n} copies: {:.1} % identified automatically, {wrong} wrong automatic identifications, right student in the top 3 for {:.1} %; birth-date digits read right {:.1} %; {per_copy_ms:.0} ms per copy (reading and matching, one thread)",
        auto as f64 * 100.0 / n as f64,
        top3 as f64 * 100.0 / n as f64,
        digits_right as f64 * 100.0 / digits_total as f64
    );
    Ok(ExitCode::SUCCESS)
}
