//! `korrigo students`: the roster from the command line.

use super::*;

#[derive(Subcommand)]
pub(crate) enum StudentsCommand {
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

pub(super) async fn students(
    file: Option<&std::path::Path>,
    command: StudentsCommand,
) -> Result<ExitCode> {
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
                if r.status != korrigo_domain::roster::ImportStatus::Pending {
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
            if report.status == korrigo_domain::roster::ImportStatus::Failed {
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
                let shapes: Vec<korrigo_app::shapes::StudentJson> =
                    all.iter().map(Into::into).collect();
                println!("{}", serde_json::to_string_pretty(&shapes)?);
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
