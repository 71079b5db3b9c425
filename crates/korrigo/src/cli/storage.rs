//! `korrigo storage migrate --to s3`: a school's local files copied into a bucket, verifiably;
//! `korrigo purge --archived-before DATE`: retention.

use super::{init_logs, load_config};
use anyhow::{Result, bail};
use clap::Subcommand;
use korrigo_store::files::{FileStore, copy_all};
use std::io::Write;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum StorageCommand {
    /// Copy the local file store (`<data dir>/files`) into the S3 bucket of the settings
    /// (KORRIGO_STORAGE=s3 and KORRIGO_S3_*): every file written, read back and compared by
    /// SHA-256. Run it with Korrigo stopped; run it again to resume an interrupted copy. The
    /// local files are left in place.
    Migrate {
        /// The target: `s3`.
        #[arg(long)]
        to: String,
        /// Print the report as JSON (`copied`, `unchanged`, `bytes`, `from`, `to`).
        #[arg(long)]
        json: bool,
    },
}

pub async fn storage(file: Option<&std::path::Path>, command: StorageCommand) -> Result<ExitCode> {
    let StorageCommand::Migrate { to, json } = command;
    if to != "s3" {
        bail!("cannot migrate to `{to}`: the only target is s3");
    }
    let cfg = load_config(file, None)?;
    init_logs(cfg.log_format);
    let Some(s3) = &cfg.s3 else {
        bail!(
            "no bucket to copy to: set KORRIGO_STORAGE=s3 and the KORRIGO_S3_* settings (see \
             `korrigo check-config`); the files are copied from {} into that bucket",
            cfg.data_dir.join("files").display()
        );
    };
    let root = cfg.data_dir.join("files");
    if !root.is_dir() {
        bail!("no local file store at {}: nothing to copy", root.display());
    }
    let from = FileStore::local(&root).await?;
    let target = FileStore::s3(s3)?;
    target.check().await?;
    let report = copy_all(&from, &target, |done, total| {
        if !json {
            eprint!("\r{done} / {total} files");
            let _ = std::io::stderr().flush();
        }
    })
    .await?;
    if json {
        let mut v = serde_json::to_value(&report)?;
        v["from"] = from.describe().into();
        v["to"] = target.describe().into();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        eprintln!();
        println!(
            "{} files ({} MB) are in {}: {} copied and verified, {} already there. The local \
             files are untouched; start Korrigo with KORRIGO_STORAGE=s3.",
            report.copied + report.unchanged,
            report.bytes >> 20,
            target.describe(),
            report.copied,
            report.unchanged
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `korrigo purge --archived-before DATE [--dry-run] [--json]`.
pub async fn purge(
    file: Option<&std::path::Path>,
    archived_before: &str,
    dry_run: bool,
    json: bool,
) -> Result<ExitCode> {
    let before = korrigo_domain::date::Date::parse(archived_before)
        .map_err(|e| anyhow::anyhow!("--archived-before: {e}"))?;
    let app = super::open_app(file).await?;
    let report = app
        .purge_archived(
            &korrigo_app::accounts::system_session(),
            before,
            dry_run,
            &super::cli_client(),
        )
        .await
        .map_err(super::app_err)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    if report.exams.is_empty() {
        println!(
            "No exam was archived before {}: nothing to purge.",
            before.french()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for e in &report.exams {
        println!(
            "{:>6}  {}  ({} copies, {} files, {} MB)",
            e.id,
            e.name,
            e.copies,
            e.files,
            e.bytes >> 20
        );
    }
    let (copies, bytes): (i64, u64) = report
        .exams
        .iter()
        .fold((0, 0), |(c, b), e| (c + e.copies, b + e.bytes));
    if dry_run {
        println!(
            "Would purge {} exams archived before {} ({copies} copies, {} MB). Nothing was \
             deleted (--dry-run).",
            report.exams.len(),
            before.french(),
            bytes >> 20
        );
    } else {
        println!(
            "Purged {} exams archived before {}: {copies} copies with their scans, readings, \
             scores and final PDFs ({} MB), journaled as exam.purged.",
            report.exams.len(),
            before.french(),
            bytes >> 20
        );
    }
    Ok(ExitCode::SUCCESS)
}
