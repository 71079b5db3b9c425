//! Scans: resumable uploads, the background pipeline that turns a batch into pages and copies,
//! the copies list, page images behind a permission check, and the repair desk.
//!
//! The pipeline is a job (`scans.process`) per batch: checksum and duplicate check, validation
//! of the whole file (nothing is recorded for a refused file), then the pages in chunks (each
//! chunk's pages committed together, so a killed worker's successor skips what is done and
//! redoes the rest: image keys are deterministic and writes atomic), then grouping into copies
//! in one transaction with the batch's completion.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::{CopyEvent, CopyStatus, anonymous_code};
use korrigo_domain::exams::PageLayout;
use korrigo_domain::policy;
use korrigo_domain::scans::{self as rules, BatchStatus, Grouping};
use korrigo_domain::{ExamId, Role};
use korrigo_media::scan::{
    Limits, Plan, Readers, ScanError, SourceOut, process_a3_sheet, process_source_page,
};
use korrigo_store::scans::{self as store, Batch, NewBatch, NewPage, Page};
use korrigo_store::{Conn, StoreError, exams, now_ms};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use tokio::io::AsyncRead;
use tracing::{info, warn};

use crate::accounts::AuthSession;
use crate::jobs::JobContext;
use crate::{App, AppError, ClientInfo};

/// The job kind that processes a batch.
pub const PROCESS_BATCH: &str = "scans.process";

/// The job turning an uploaded batch into pages and copies.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProcessBatch {
    /// The batch.
    pub batch: i64,
}

impl crate::jobs::JobSpec for ProcessBatch {
    const KIND: &'static str = PROCESS_BATCH;
    const MAX_ATTEMPTS: u32 = 5;
    const PRIORITY: crate::jobs::Priority = crate::jobs::Priority::Processing;
}
/// Source pages processed (and committed) together.
const CHUNK: usize = 16;
/// Longest accepted chunk of a resumable upload.
pub const MAX_CHUNK_BYTES: u64 = 64 << 20;

/// Starting an upload.
#[derive(Debug, Deserialize)]
pub struct UploadStart {
    /// The file's name (folders are dropped).
    pub file_name: String,
    /// Its size in bytes.
    pub size: i64,
    /// `fixed`, `headers` or `loose`; the exam layout's default when absent.
    #[serde(default)]
    pub grouping: Option<String>,
}

/// A batch as the API and the CLI show it.
#[derive(Debug, Serialize)]
pub struct BatchView {
    #[serde(flatten)]
    pub batch: crate::shapes::BatchJson,
    /// Where to send the next chunk (`PUT` with `Upload-Offset`), while uploading.
    pub upload_url: Option<String>,
}

fn view(batch: Batch) -> BatchView {
    let upload_url = (batch.status == BatchStatus::Uploading)
        .then(|| format!("/api/scans/{}/content/", batch.id));
    BatchView {
        batch: (&batch).into(),
        upload_url,
    }
}

/// A page in a copy (or loose), with its provenance and flags.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub id: i64,
    /// 1-based position in its copy (0 for loose pages).
    pub position: i64,
    pub batch_id: i64,
    pub source_file: String,
    pub source_page: i64,
    /// `left` or `right` for a half of an A3 sheet.
    pub half: Option<String>,
    pub rotation: i64,
    /// `header`, `blank`, `unsure_orientation`.
    pub flags: Vec<&'static str>,
    pub width: i64,
    pub height: i64,
    pub image_url: String,
    pub thumb_url: String,
}

fn page_view(p: &Page) -> PageView {
    let mut flags = Vec::new();
    if p.has_header {
        flags.push("header");
    }
    if p.blank {
        flags.push("blank");
    }
    if p.unsure {
        flags.push("unsure_orientation");
    }
    PageView {
        id: p.id,
        position: if p.copy_id.is_some() { p.position } else { 0 },
        batch_id: p.batch_id,
        source_file: p.source_file.clone(),
        source_page: p.source_page,
        half: p.half.clone(),
        rotation: p.rotation,
        flags,
        width: p.width,
        height: p.height,
        image_url: format!("/api/pages/{}/image/", p.id),
        thumb_url: format!("/api/pages/{}/thumb/", p.id),
    }
}

/// A copy with its pages, for the repair desk and `copies list`.
#[derive(Debug, Serialize)]
pub struct CopyView {
    pub id: i64,
    /// Anonymous code, e.g. `K7M-4Q2`.
    pub code: String,
    /// `PROCESSING`, `READY`, `GRADING`, `GRADED`, ...
    pub status: CopyStatus,
    /// The student, once identified: `{id, last_name, first_name}` (managers only).
    pub student: Option<serde_json::Value>,
    /// How it was identified (`auto`, `manual`, `not_student`), once identified.
    pub identification: Option<korrigo_domain::identify::IdMethod>,
    pub confidence: Option<f64>,
    /// Suggestions from the header: `[{student, score}]`, best first.
    pub candidates: Vec<korrigo_domain::identify::Candidate>,
    /// The page count differs from what the layout expects.
    pub unexpected_page_count: bool,
    pub page_count: usize,
    pub pages: Vec<PageView>,
    pub header_url: Option<String>,
    /// Its final PDF: `{"state": "none" | "generating" | "ready" (with `at`) | "failed" (with
    /// `reason`)}`; `pdf_url` downloads it when ready.
    pub pdf: crate::results::PdfState,
    /// Where to download the final PDF, once ready.
    pub pdf_url: Option<String>,
}

/// The copies list of an exam: a page of copies, the total, and loose pages.
#[derive(Debug, Serialize)]
pub struct CopiesList {
    pub items: Vec<CopyView>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
    /// Pages in no copy (rescans to insert, pages taken out).
    pub loose_pages: Vec<PageView>,
}

/// An edit of the repair desk.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Repair {
    /// Set the exact ordered pages of a copy: reorders, moves pages in from other copies or
    /// from loose pages; pages left out become loose.
    SetPages { copy: i64, pages: Vec<i64> },
    /// Append the pages of `from` to `into` and remove `from`.
    Merge { into: i64, from: i64 },
    /// Cut a copy before its page at `position` (1-based); the rest becomes a new copy.
    Split { copy: i64, position: i64 },
    /// A new copy from loose pages (e.g. a rescanned copy).
    NewCopy { pages: Vec<i64> },
    /// Turn a page (0, 90, 180, 270 degrees clockwise).
    Rotate { page: i64, rotation: i64 },
    /// Mark a page blank or not.
    Blank { page: i64, blank: bool },
    /// Remove a page from its copy (kept aside, never destroyed).
    DeletePage { page: i64 },
}

/// Which image of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Viewer,
    Thumb,
    /// The header crop of a copy's first page (identity: managers only).
    Header,
}

/// What a page image is sent from.
pub enum ImageBody {
    /// The stored file, streamed, and its length.
    File(korrigo_store::files::FileReader, u64),
    /// An image made for this request (a page with its identity band hidden).
    Bytes(Vec<u8>),
}

impl std::fmt::Debug for ImageBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageBody::File(_, len) => write!(f, "File({len} bytes)"),
            ImageBody::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
        }
    }
}

/// A page image to send.
#[derive(Debug)]
pub struct PageImage {
    /// The stored file, or the masked image made for a corrector.
    pub body: ImageBody,
    /// Stable for the content (the images of a page never change once written).
    pub etag: String,
}

fn clean_file_name(raw: &str) -> Result<String, AppError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() {
        return Err(AppError::invalid("file_name", "the file needs a name"));
    }
    Ok(name)
}

mod copies;
mod pipeline;
mod upload;

impl App {
    fn scan_limits(&self) -> Limits {
        Limits {
            max_pages: self.config.scan_max_pages,
            max_pixels: self.config.scan_max_pixels,
        }
    }

    fn tmp_dir(&self) -> PathBuf {
        self.config.data_dir.join("tmp")
    }
}

/// Where a new batch's file goes: a folder per batch, under its exam.
fn source_key(exam: ExamId) -> String {
    format!(
        "exams/{}/batches/{}/source",
        exam.0,
        crate::tokens::random_hex(12)
    )
}

/// The grouping asked for, or the layout's default.
fn grouping_for(asked: Option<&str>, layout: PageLayout) -> Result<Grouping, AppError> {
    match asked {
        Some(g) => Grouping::parse(g).map_err(|m| AppError::invalid("grouping", m)),
        None => Ok(Grouping::default_for(layout)),
    }
}

fn kind_tag(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Viewer => "v",
        ImageKind::Thumb => "t",
        ImageKind::Header => "h",
    }
}

async fn exam_page(c: Conn<'_>, exam: ExamId, id: i64) -> Result<Page, AppError> {
    match store::find_page(c, id).await? {
        Some(p) if p.exam_id == exam.0 && !p.deleted => Ok(p),
        _ => Err(AppError::NotFound("page")),
    }
}

async fn editable_copy(c: Conn<'_>, exam: ExamId, id: i64) -> Result<i64, AppError> {
    let copy = match store::find_copy(c, id).await? {
        Some(c) if c.exam_id == exam.0 => c,
        _ => return Err(AppError::NotFound("copy")),
    };
    if copy.status.is_editable() {
        Ok(copy.id)
    } else {
        Err(AppError::Conflict {
            field: "status",
            message: format!(
                "copy {} is {}: reopen it before changing its pages",
                copy.code,
                copy.status.as_str()
            ),
        })
    }
}

/// After pages left a copy: number the rest 1..n, or remove the copy when none is left.
async fn renumber_or_remove(mut c: Conn<'_>, copy: i64, now: i64) -> Result<(), StoreError> {
    let pages = store::pages_of_copies(c.reborrow(), &[copy]).await?;
    if pages.is_empty() {
        return store::delete_copy(c, copy).await;
    }
    for (i, p) in pages.iter().enumerate() {
        store::place_page(c.reborrow(), p.id, Some(copy), i as i64 + 1).await?;
    }
    store::touch_copy(c, copy, now).await
}

async fn insert_copy_with_code(
    mut c: Conn<'_>,
    exam: i64,
    status: CopyStatus,
    batch: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    for _ in 0..20 {
        let code = anonymous_code(rand::random());
        match store::insert_copy(c.reborrow(), exam, &code, status.as_str(), batch, now).await {
            Err(StoreError::Conflict { .. }) => continue,
            other => return other,
        }
    }
    Err(StoreError::Corrupt(
        "no free anonymous code after 20 tries".into(),
    ))
}

fn sha256_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
