//! `korrigo grading`: share an exam's copies among correctors, and see the progress.

use super::{app_err, open_app};
use anyhow::Result;
use clap::Subcommand;
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_app::grading::DispatchInput;
use korrigo_domain::ExamId;
use std::collections::BTreeMap;
use std::process::ExitCode;

#[derive(Subcommand)]
pub(crate) enum GradingCommand {
    /// Share an exam's copies among correctors: at random, balanced, never moving a copy
    /// whose grading has started; or share its questions (`--by questions --share
    /// alice=ex1,q3 --share bob=ex2`). The correctors must be members of the exam.
    Dispatch {
        /// The exam's id.
        #[arg(long)]
        exam: i64,
        /// `copies` (each corrector grades whole copies) or `questions` (each grades some
        /// questions on every copy).
        #[arg(long, default_value = "copies")]
        by: String,
        /// By copies: the correctors' usernames, comma-separated.
        #[arg(long, value_delimiter = ',', required_unless_present = "share")]
        correctors: Vec<String>,
        /// By copies: a corrector's share, `username=0.5` for half a share (repeatable).
        #[arg(long, value_name = "USERNAME=WEIGHT")]
        weight: Vec<String>,
        /// By questions: `username=NODE,NODE` (scheme node ids; an exercise stands for its
        /// questions), repeatable.
        #[arg(long, value_name = "USERNAME=NODES")]
        share: Vec<String>,
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
        /// Print JSON: `{"mode", "correctors": [{"corrector", "questions", "assigned",
        /// "started", "graded"}], "statuses": {"READY": n, ...}, "unassigned",
        /// "unassigned_questions", "total"}`.
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
            weight,
            share,
            preview,
            json,
        } => {
            match by.as_str() {
                "copies" if !share.is_empty() => {
                    anyhow::bail!("--share gives a corrector questions: use it with --by questions")
                }
                "questions" if !correctors.is_empty() || !weight.is_empty() => anyhow::bail!(
                    "--by questions takes --share username=NODES, not --correctors or --weight"
                ),
                _ => {}
            }
            let mut weights = BTreeMap::new();
            for w in &weight {
                let (name, value) = pair(w, "--weight")?;
                let v: f64 = value.replace(',', ".").parse().map_err(|_| {
                    anyhow::anyhow!("--weight {w}: `{value}` is not a number (e.g. alice=0.5)")
                })?;
                weights.insert(name, v);
            }
            let mut questions = BTreeMap::new();
            for sh in &share {
                let (name, nodes) = pair(sh, "--share")?;
                questions.insert(
                    name,
                    nodes
                        .split(',')
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty())
                        .collect(),
                );
            }
            let input = DispatchInput {
                mode: Some(by),
                correctors,
                weights,
                questions,
                preview,
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
                print_distribution(out.mode, &out.distribution);
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
                if !st.unassigned_questions.is_empty() {
                    println!(
                        "  questions nobody grades: {}",
                        st.unassigned_questions.join(", ")
                    );
                }
                print_distribution(st.mode, &st.correctors);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `username=value`, or a clear error naming the option.
fn pair(raw: &str, option: &str) -> Result<(String, String)> {
    match raw.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => anyhow::bail!("{option} {raw}: expected username=value"),
    }
}

fn print_distribution(mode: &str, rows: &[korrigo_app::grading::Distribution]) {
    for d in rows {
        if mode == "questions" {
            println!(
                "  {:<24} {} question(s) on {} copies ({} started, {} done)",
                d.corrector,
                d.questions.len(),
                d.assigned,
                d.started,
                d.graded
            );
        } else {
            println!(
                "  {:<24} {:>4} copies ({} started, {} graded)",
                d.corrector, d.assigned, d.started, d.graded
            );
        }
    }
}
