//! `korrigo scans` and `korrigo copies`: import scanned files, list the copies made.

use super::*;

#[derive(Subcommand)]
pub(crate) enum ScansCommand {
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
pub(crate) enum CopiesCommand {
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

pub(super) async fn scans(
    file: Option<&std::path::Path>,
    command: ScansCommand,
) -> Result<ExitCode> {
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

pub(super) async fn copies(
    file: Option<&std::path::Path>,
    command: CopiesCommand,
) -> Result<ExitCode> {
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
                c.status.as_str(),
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
