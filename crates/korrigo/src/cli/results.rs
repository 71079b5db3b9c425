//! `korrigo export`: an exam's results as the Pronote CSV or the gradebook (CSV, XLSX), the
//! same bytes as `GET /api/exams/{id}/export/`; `korrigo labels`: its identification label
//! sheets, as `POST /api/exams/{id}/labels/` makes them.

use super::{app_err, cli_client, open_app};
use anyhow::{Context, Result};
use korrigo_app::accounts::system_session;
use korrigo_app::results::ExportFormat;
use korrigo_domain::ExamId;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes the export to `output`, or to standard output.
pub(crate) async fn export(
    file: Option<&std::path::Path>,
    exam: i64,
    format: &str,
    output: Option<PathBuf>,
) -> Result<ExitCode> {
    let format = ExportFormat::parse(format).map_err(app_err)?;
    let app = open_app(file).await?;
    let out = app
        .export_results(&system_session(), ExamId(exam), format, &cli_client())
        .await;
    let out = match out {
        Ok(out) => out,
        Err(korrigo_app::AppError::NotReady { message, details }) => {
            eprintln!("error: {message}");
            for c in details["copies"].as_array().into_iter().flatten() {
                eprintln!("  copy {} ({})", c["code"].as_str().unwrap_or(""), c["id"]);
            }
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(app_err(e)),
    };
    match output {
        Some(path) => write_beside(&path, &out.bytes)?,
        None => std::io::stdout().write_all(&out.bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Written beside, then renamed: a half-written file never replaces a good one.
fn write_beside(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("{} written ({} bytes)", path.display(), bytes.len());
    Ok(())
}

/// Writes the exam's label sheets to `output`.
pub(crate) async fn labels(
    file: Option<&std::path::Path>,
    exam: i64,
    class: Option<String>,
    per_student: usize,
    skip: usize,
    output: &std::path::Path,
) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let input = korrigo_app::labels::LabelsInput {
        class,
        per_student: Some(per_student),
        skip: Some(skip),
    };
    let out = app
        .exam_labels(&system_session(), ExamId(exam), &input, &cli_client())
        .await
        .map_err(app_err)?;
    write_beside(output, &out.pdf)?;
    eprintln!("{} labels for {} students", out.labels, out.students);
    Ok(ExitCode::SUCCESS)
}
