//! `korrigo grading`: share an exam's copies among correctors, and see the progress.

use super::{app_err, open_app};
use anyhow::Result;
use clap::Subcommand;
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_app::grading::DispatchInput;
use korrigo_domain::ExamId;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum GradingCommand {
    /// Share an exam's copies among correctors: at random, balanced, never moving a copy
    /// whose grading has started. The correctors must be members of the exam.
    Dispatch {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// `copies` (each corrector grades whole copies).
        #[arg(long, default_value = "copies")]
        by: String,
        /// The correctors' usernames, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        correctors: Vec<String>,
        /// Only show what would happen.
        #[arg(long)]
        preview: bool,
        /// Print JSON (as the API's dispatch answer).
        #[arg(long)]
        json: bool,
    },
    /// Grading progress: per corrector (assigned, started, graded) and per copy status.
    Status {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// Print JSON: `{"correctors": [{"corrector", "assigned", "started", "graded"}],
        /// "statuses": {"READY": n, ...}, "unassigned", "total"}`.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) async fn run(
    file: Option<&std::path::Path>,
    command: GradingCommand,
) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let system = system_session();
    match command {
        GradingCommand::Dispatch {
            exam,
            by,
            correctors,
            preview,
            json,
        } => {
            let input = DispatchInput {
                mode: Some(by),
                correctors,
                preview,
                ..Default::default()
            };
            let out = app
                .dispatch(&system, ExamId(exam), &input, &ClientInfo::default())
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                let moved = out.assignments.iter().filter(|a| a.changed).count();
                println!(
                    "{} {moved} copies moved (run {}):",
                    if out.applied {
                        "Dispatched:"
                    } else {
                        "Preview:"
                    },
                    out.run
                );
                for d in &out.distribution {
                    println!(
                        "  {:<24} {:>4} copies ({} started, {} graded)",
                        d.corrector, d.assigned, d.started, d.graded
                    );
                }
            }
        }
        GradingCommand::Status { exam, json } => {
            let st = app
                .grading_status(&system, ExamId(exam))
                .await
                .map_err(app_err)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&st)?);
            } else {
                println!("{} copies, {} not dispatched", st.total, st.unassigned);
                for (status, n) in &st.statuses {
                    println!("  {status:<16} {n:>4}");
                }
                for d in &st.correctors {
                    println!(
                        "  {:<24} {:>4} copies ({} started, {} graded)",
                        d.corrector, d.assigned, d.started, d.graded
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
