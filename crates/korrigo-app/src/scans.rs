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
    pub batch: Batch,
    /// Where to send the next chunk (`PUT` with `Upload-Offset`), while uploading.
    pub upload_url: Option<String>,
}

fn view(batch: Batch) -> BatchView {
    let upload_url = (batch.status == BatchStatus::Uploading.as_str())
        .then(|| format!("/api/scans/{}/content/", batch.id));
    BatchView { batch, upload_url }
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
    pub status: String,
    /// The student, once identified: `{id, last_name, first_name}` (managers only).
    pub student: Option<serde_json::Value>,
    /// How it was identified (`auto`, `manual`, `not_student`), once identified.
    pub identification: Option<String>,
    pub confidence: Option<f64>,
    /// Suggestions from the header: `[{student, score}]`, best first.
    pub candidates: Vec<korrigo_domain::identify::Candidate>,
    /// The page count differs from what the layout expects.
    pub unexpected_page_count: bool,
    pub page_count: usize,
    pub pages: Vec<PageView>,
    pub header_url: Option<String>,
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
#[derive(Debug)]
pub enum ImageBody {
    /// The stored file, streamed, and its length.
    File(tokio::fs::File, u64),
    /// An image made for this request (a page with its identity band hidden).
    Bytes(Vec<u8>),
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

    async fn batch_for_manager(&self, s: &AuthSession, id: i64) -> Result<Batch, AppError> {
        let batch = {
            let mut c = self.db.read().await?;
            store::find_batch(c.conn(), id).await?
        }
        .ok_or(AppError::NotFound("scan batch"))?;
        self.require_manager(s, ExamId(batch.exam_id)).await?;
        Ok(batch)
    }

    /// Starts a resumable upload: records the batch and returns where to send chunks.
    pub async fn start_upload(
        &self,
        s: &AuthSession,
        exam: ExamId,
        input: &UploadStart,
    ) -> Result<BatchView, AppError> {
        let e = self.require_manager(s, exam).await?;
        let file_name = clean_file_name(&input.file_name)?;
        if input.size <= 0 {
            return Err(AppError::invalid("size", "the file is empty"));
        }
        if input.size as u64 > self.config.upload_max_bytes {
            return Err(AppError::invalid(
                "size",
                format!(
                    "the file is {} MB, more than the limit of {} MB",
                    input.size >> 20,
                    self.config.upload_max_bytes >> 20
                ),
            ));
        }
        let grouping = grouping_for(input.grouping.as_deref(), e.layout)?;
        let key = source_key(exam);
        let mut tx = self.db.begin().await?;
        let id = store::insert_batch(
            tx.conn(),
            &NewBatch {
                exam_id: exam.0,
                file_name: &file_name,
                size: input.size,
                received: 0,
                sha256: None,
                store_key: &key,
                status: BatchStatus::Uploading.as_str(),
                grouping: grouping.as_str(),
                created_by: (s.user.id.0 > 0).then_some(s.user.id.0),
                now: now_ms(),
            },
        )
        .await?;
        let batch = store::find_batch(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("scan batch"))?;
        tx.commit().await?;
        Ok(view(batch))
    }

    /// Appends a chunk at `offset`. A wrong offset is refused with the current one (the client
    /// resumes from there). The last chunk queues the batch for processing.
    pub async fn upload_chunk<R: AsyncRead + Unpin>(
        &self,
        s: &AuthSession,
        id: i64,
        offset: i64,
        body: R,
        client: &ClientInfo,
    ) -> Result<BatchView, AppError> {
        let batch = self.batch_for_manager(s, id).await?;
        if batch.status != BatchStatus::Uploading.as_str() {
            return Err(AppError::Conflict {
                field: "status",
                message: "this upload is already complete".into(),
            });
        }
        if offset != batch.received {
            return Err(AppError::ConfirmationRequired {
                message: format!(
                    "the upload is at byte {}, not {offset}: resume from there",
                    batch.received
                ),
                details: serde_json::json!({ "offset": batch.received }),
            });
        }
        let room = (batch.size - batch.received) as u64;
        let new_len = self
            .files
            .append(
                &batch.store_key,
                offset as u64,
                body,
                room.min(MAX_CHUNK_BYTES),
            )
            .await
            .map_err(|e| match e {
                StoreError::Files(m) if m.contains("larger than allowed") => AppError::invalid(
                    "body",
                    format!(
                        "the chunk goes past the declared size ({} bytes) or over {} MB",
                        batch.size,
                        MAX_CHUNK_BYTES >> 20
                    ),
                ),
                other => AppError::Store(other),
            })?;
        let complete = new_len as i64 == batch.size;
        let mut tx = self.db.begin().await?;
        if !store::advance_received(tx.conn(), id, offset, new_len as i64, now_ms()).await? {
            return Err(AppError::Conflict {
                field: "offset",
                message: "another upload of this chunk won the race; ask for the offset again"
                    .into(),
            });
        }
        if complete {
            if !store::set_status(tx.conn(), id, BatchStatus::Queued, None, now_ms()).await? {
                return Err(AppError::Conflict {
                    field: "status",
                    message: "this upload is already complete".into(),
                });
            }
            self.audit_exam(
                tx.conn(),
                s,
                AuditAction::ScansUploaded,
                ExamId(batch.exam_id),
                client,
                Some(
                    serde_json::json!({ "batch": id, "file": batch.file_name, "size": batch.size }),
                ),
            )
            .await?;
        }
        if complete {
            // Queued with the status change: a complete upload always has its job.
            self.queue_in(tx.conn(), &ProcessBatch { batch: id }, false)
                .await?;
        }
        tx.commit().await?;
        if complete {
            self.queue.wake();
        }
        self.get_batch(s, id).await
    }

    /// Imports a file from disk (the CLI): validates it first, so a bad file is refused right
    /// away with its reason; then stores it and queues it.
    pub async fn import_scan_file(
        &self,
        s: &AuthSession,
        exam: ExamId,
        path: &std::path::Path,
        grouping: Option<&str>,
        client: &ClientInfo,
    ) -> Result<BatchView, AppError> {
        let e = self.require_manager(s, exam).await?;
        let file_name = clean_file_name(&path.to_string_lossy())?;
        let grouping = grouping_for(grouping, e.layout)?;
        let limits = self.scan_limits();
        let tmp = self.tmp_dir();
        let (p, n) = (path.to_path_buf(), file_name.clone());
        tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&tmp).map_err(|e| ScanError::Io(e.to_string()))?;
            Plan::open(&p, &n, limits, &tmp).map(|_| ())
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::invalid("file", e.to_string()))?;
        let key = source_key(exam);
        let f = tokio::fs::File::open(path)
            .await
            .map_err(|e| AppError::invalid("file", format!("{}: {e}", path.display())))?;
        let size = self.files.put_stream(&key, f).await? as i64;
        // The batch, its audit entry and its job are written together; if that fails, the
        // stored file goes too (nothing half-imported).
        let recorded = async {
            let mut tx = self.db.begin().await?;
            let id = store::insert_batch(
                tx.conn(),
                &NewBatch {
                    exam_id: exam.0,
                    file_name: &file_name,
                    size,
                    received: size,
                    sha256: None,
                    store_key: &key,
                    status: BatchStatus::Queued.as_str(),
                    grouping: grouping.as_str(),
                    created_by: (s.user.id.0 > 0).then_some(s.user.id.0),
                    now: now_ms(),
                },
            )
            .await?;
            self.audit_exam(
                tx.conn(),
                s,
                AuditAction::ScansUploaded,
                ExamId(exam.0),
                client,
                Some(serde_json::json!({ "batch": id, "file": file_name, "size": size })),
            )
            .await?;
            self.queue_in(tx.conn(), &ProcessBatch { batch: id }, false)
                .await?;
            tx.commit().await?;
            Ok::<_, AppError>(id)
        }
        .await;
        let id = match recorded {
            Ok(id) => id,
            Err(e) => {
                if let Err(d) = self.files.delete(&key).await {
                    warn!(error = %d, "could not delete a file whose batch was not recorded");
                }
                return Err(e);
            }
        };
        self.queue.wake();
        self.get_batch(s, id).await
    }

    /// One batch.
    pub async fn get_batch(&self, s: &AuthSession, id: i64) -> Result<BatchView, AppError> {
        Ok(view(self.batch_for_manager(s, id).await?))
    }

    /// An exam's batches, newest first (the 500 latest).
    pub async fn list_batches(
        &self,
        s: &AuthSession,
        exam: ExamId,
    ) -> Result<Vec<BatchView>, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        Ok(store::list_batches(c.conn(), exam.0, 500)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Processes a file that was uploaded twice anyway.
    pub async fn accept_duplicate(
        &self,
        s: &AuthSession,
        id: i64,
        client: &ClientInfo,
    ) -> Result<BatchView, AppError> {
        let batch = self.batch_for_manager(s, id).await?;
        let mut tx = self.db.begin().await?;
        if !store::allow_duplicate(tx.conn(), id, now_ms()).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this batch is not waiting for a decision about a duplicate".into(),
            });
        }
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ScanDuplicateAccepted,
            ExamId(batch.exam_id),
            client,
            Some(serde_json::json!({ "batch": id, "duplicate_of": batch.duplicate_of })),
        )
        .await?;
        self.queue_in(tx.conn(), &ProcessBatch { batch: id }, false)
            .await?;
        tx.commit().await?;
        self.queue.wake();
        self.get_batch(s, id).await
    }

    /// Discards a batch that made no copies (an upload in progress, a duplicate, a refused
    /// file). Batches already turned into copies are edited in the repair desk instead.
    pub async fn delete_batch(
        &self,
        s: &AuthSession,
        id: i64,
        with_copies: bool,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let batch = self.batch_for_manager(s, id).await?;
        let status = BatchStatus::parse(&batch.status);
        if matches!(status, Some(BatchStatus::Processing | BatchStatus::Queued)) {
            return Err(AppError::Conflict {
                field: "status",
                message: "this batch is being processed; wait for it to finish".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        // A batch that made copies goes with its copies, once the manager confirmed it, and
        // only while none of them is being graded or holds pages of another file.
        let copies = store::copies_holding_batch_pages(tx.conn(), id).await?;
        if !copies.is_empty() {
            if !with_copies {
                return Err(AppError::ConfirmationRequired {
                    message: format!(
                        "discarding this file also deletes the {} copies made from it",
                        copies.len()
                    ),
                    details: serde_json::json!({ "copies": copies.len() }),
                });
            }
            if let Some(c) = copies.iter().find(|c| {
                !matches!(
                    CopyStatus::parse(&c.status),
                    Some(CopyStatus::Processing | CopyStatus::Ready)
                )
            }) {
                return Err(AppError::Conflict {
                    field: "copies",
                    message: format!(
                        "copy {} is already being graded: this file can no longer be discarded",
                        c.code
                    ),
                });
            }
            let ids: Vec<i64> = copies.iter().map(|c| c.id).collect();
            if store::copies_mix_batches(tx.conn(), &ids, id).await? {
                return Err(AppError::Conflict {
                    field: "copies",
                    message: "some of its copies also hold pages of another file: move those pages in the repair desk first".into(),
                });
            }
            store::delete_copies(tx.conn(), &ids).await?;
        }
        store::delete_batch(tx.conn(), id).await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ScanBatchDeleted,
            ExamId(batch.exam_id),
            client,
            Some(
                serde_json::json!({ "batch": id, "file": batch.file_name, "copies": copies.len() }),
            ),
        )
        .await?;
        tx.commit().await?;
        let folder = batch
            .store_key
            .strip_suffix("/source")
            .unwrap_or(&batch.store_key)
            .to_string();
        if let Err(e) = self.files.delete_prefix(&folder).await {
            warn!(batch = id, error = %e, "could not delete a discarded batch's files");
        }
        Ok(())
    }

    /// The pipeline job.
    pub(crate) async fn run_batch(&self, id: i64, ctx: &JobContext) -> Result<(), String> {
        let err = |e: StoreError| e.to_string();
        let batch = {
            let mut c = self.db.read().await.map_err(err)?;
            store::find_batch(c.conn(), id).await.map_err(err)?
        };
        let Some(batch) = batch else {
            return Ok(()); // Discarded meanwhile.
        };
        if !matches!(
            BatchStatus::parse(&batch.status),
            Some(BatchStatus::Queued | BatchStatus::Processing)
        ) {
            return Ok(());
        }
        let exam = {
            let mut c = self.db.read().await.map_err(err)?;
            exams::find(c.conn(), ExamId(batch.exam_id))
                .await
                .map_err(err)?
        }
        .ok_or("the batch's exam no longer exists")?;
        self.set_batch_status(id, BatchStatus::Processing, None)
            .await
            .map_err(err)?;
        let path = self.files.local_path(&batch.store_key).map_err(err)?;

        // Checksum and duplicates.
        if batch.sha256.is_none() {
            {
                let p = path.clone();
                let sha = tokio::task::spawn_blocking(move || sha256_file(&p))
                    .await
                    .map_err(|e| e.to_string())?
                    .map_err(|e| format!("cannot read the uploaded file: {e}"))?;
                let dup = {
                    let mut c = self.db.read().await.map_err(err)?;
                    store::find_same_content(c.conn(), batch.exam_id, &sha, id)
                        .await
                        .map_err(err)?
                };
                let mut tx = self.db.begin().await.map_err(err)?;
                store::set_checksum(tx.conn(), id, &sha, dup)
                    .await
                    .map_err(err)?;
                tx.commit().await.map_err(err)?;
                if dup.is_some() && !batch.allow_duplicate {
                    self.set_batch_status(id, BatchStatus::Duplicate, None)
                        .await
                        .map_err(err)?;
                    info!(batch = id, "duplicate scan file: waiting for the manager");
                    return Ok(());
                }
            }
        }

        // Validation of the whole file before anything is recorded.
        let limits = self.scan_limits();
        let tmp = self.tmp_dir();
        let (p, name) = (path.clone(), batch.file_name.clone());
        let plan = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&tmp).map_err(|e| ScanError::Io(e.to_string()))?;
            Plan::open(&p, &name, limits, &tmp)
        })
        .await
        .map_err(|e| e.to_string())?;
        let plan = match plan {
            Ok(p) => Arc::new(p),
            Err(ScanError::Io(m)) => return Err(format!("cannot read the uploaded file: {m}")),
            Err(e) => {
                let msg = e.to_string();
                self.set_batch_status(id, BatchStatus::Failed, Some(&msg))
                    .await
                    .map_err(err)?;
                let _ = self.files.delete(&batch.store_key).await;
                info!(batch = id, "scan file refused");
                return Ok(());
            }
        };
        let total = plan.pages.len();
        let a3 = exam.layout == PageLayout::A3;
        let grouping = Grouping::parse(&batch.grouping).unwrap_or(Grouping::Fixed);
        let per_copy = rules::pages_per_copy(exam.layout);
        let done: HashSet<usize> = {
            let mut c = self.db.read().await.map_err(err)?;
            store::batch_seqs(c.conn(), id)
                .await
                .map_err(err)?
                .into_iter()
                .map(|s| (s / 2) as usize)
                .collect()
        };
        let todo: Vec<usize> = (0..total).filter(|i| !done.contains(i)).collect();
        let mut finished = total - todo.len();
        self.set_batch_progress(id, total, finished)
            .await
            .map_err(err)?;
        ctx.progress(finished as i64, total as i64)
            .await
            .map_err(err)?;
        let folder = batch
            .store_key
            .strip_suffix("/source")
            .unwrap_or(&batch.store_key)
            .to_string();
        let threads = self.config.scan_threads.max(1);
        for chunk in rules_chunks(&plan, &todo, a3) {
            let plan2 = plan.clone();
            let files = self.files.clone();
            let folder2 = folder.clone();
            let outputs = tokio::task::spawn_blocking(move || {
                process_chunk(
                    &plan2, &files, &folder2, &chunk, a3, grouping, per_copy, threads,
                )
            })
            .await
            .map_err(|e| e.to_string())?;
            let outputs = match outputs {
                Ok(o) => o,
                Err(ChunkError::Scan(e)) => {
                    // A page the validation could not foresee (a corrupt image stream): the
                    // batch is refused as a whole; pages recorded so far are removed.
                    let msg = e.to_string();
                    let mut tx = self.db.begin().await.map_err(err)?;
                    store::set_status(tx.conn(), id, BatchStatus::Failed, Some(&msg), now_ms())
                        .await
                        .map_err(err)?;
                    store::delete_pages_of_batch(tx.conn(), id)
                        .await
                        .map_err(err)?;
                    tx.commit().await.map_err(err)?;
                    let _ = self.files.delete_prefix(&folder).await;
                    return Ok(());
                }
                Err(ChunkError::Store(e)) => return Err(e),
            };
            let now = now_ms();
            let mut tx = self.db.begin().await.map_err(err)?;
            for o in &outputs {
                store::insert_page(
                    tx.conn(),
                    &NewPage {
                        exam_id: batch.exam_id,
                        batch_id: id,
                        seq: o.seq,
                        order_key: o.order_key,
                        source_file: &o.source_file,
                        source_page: o.source_page,
                        half: o.half,
                        rotation: o.rotation,
                        has_header: o.has_header,
                        blank: o.blank,
                        unsure: o.unsure,
                        width: o.width,
                        height: o.height,
                        viewer_key: &o.viewer_key,
                        thumb_key: &o.thumb_key,
                        header_key: o.header_key.as_deref(),
                        now,
                    },
                )
                .await
                .map_err(err)?;
            }
            finished += outputs
                .iter()
                .map(|o| o.seq / 2)
                .collect::<HashSet<_>>()
                .len();
            store::set_progress(tx.conn(), id, total as i64, finished as i64, now)
                .await
                .map_err(err)?;
            tx.commit().await.map_err(err)?;
            ctx.progress(finished as i64, total as i64)
                .await
                .map_err(err)?;
        }

        // Grouping, in one transaction with the batch's completion.
        let mut tx = self.db.begin().await.map_err(err)?;
        let pages = store::batch_pages(tx.conn(), id).await.map_err(err)?;
        let has_header: Vec<bool> = pages.iter().map(|p| p.has_header).collect();
        let groups = rules::group(&has_header, grouping, exam.layout);
        let status = CopyStatus::Processing
            .apply(CopyEvent::PagesReady)
            .map_err(|e| e.to_string())?;
        let mut flagged: HashSet<i64> = pages
            .iter()
            .filter(|p| p.blank || p.unsure)
            .map(|p| p.id)
            .collect();
        let now = now_ms();
        for g in &groups {
            let copy = insert_copy_with_code(tx.conn(), batch.exam_id, status, Some(id), now)
                .await
                .map_err(err)?;
            // Each copy's header is read next; queued with the copy, so none is forgotten.
            self.queue_in(tx.conn(), &crate::identify::ReadCopy { copy }, false)
                .await
                .map_err(err)?;
            for (pos, &i) in g.pages.iter().enumerate() {
                store::place_page(tx.conn(), pages[i].id, Some(copy), pos as i64 + 1)
                    .await
                    .map_err(err)?;
                if g.flagged {
                    flagged.insert(pages[i].id);
                }
            }
        }
        store::finish_batch(
            tx.conn(),
            id,
            groups.len() as i64,
            flagged.len() as i64,
            now,
        )
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)?;
        self.queue.wake();
        ctx.progress(total as i64, total as i64)
            .await
            .map_err(err)?;
        info!(
            batch = id,
            pages = pages.len(),
            copies = groups.len(),
            "scan batch processed"
        );
        Ok(())
    }

    /// After the pipeline's last failed attempt: the batch is marked failed with the reason, and
    /// the pages recorded so far are removed (nothing half-imported). Best effort: the job's own
    /// failure stays visible in the jobs list whatever happens here.
    pub(crate) async fn give_up_batch(&self, id: i64, error: &str) {
        let res = async {
            let mut tx = self.db.begin().await?;
            store::set_status(
                tx.conn(),
                id,
                BatchStatus::Failed,
                Some(&format!("processing failed: {error}")),
                now_ms(),
            )
            .await?;
            if store::copies_of_batch(tx.conn(), id).await?.is_empty() {
                store::delete_pages_of_batch(tx.conn(), id).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = res {
            warn!(batch = id, error = %e, "could not mark a failed batch");
        }
    }

    /// Moves a batch through the transition table; a move the table forbids (the batch was
    /// discarded or finished meanwhile) is an error, never a silent overwrite.
    async fn set_batch_status(
        &self,
        id: i64,
        status: BatchStatus,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        if !store::set_status(tx.conn(), id, status, error, now_ms()).await? {
            return Err(StoreError::Corrupt(format!(
                "batch {id} cannot become {} from its current state",
                status.as_str()
            )));
        }
        tx.commit().await
    }

    async fn set_batch_progress(
        &self,
        id: i64,
        total: usize,
        done: usize,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        store::set_progress(tx.conn(), id, total as i64, done as i64, now_ms()).await?;
        tx.commit().await
    }

    /// The copies of an exam with their pages (managers), and the loose pages.
    pub async fn list_copies(
        &self,
        s: &AuthSession,
        exam: ExamId,
        page: korrigo_domain::PageRequest,
    ) -> Result<CopiesList, AppError> {
        let e = self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let (copies, total) =
            store::list_copies(c.conn(), exam.0, page.limit(), page.offset()).await?;
        let ids: Vec<i64> = copies.iter().map(|c| c.id).collect();
        let pages = store::pages_of_copies(c.conn(), &ids).await?;
        let loose = store::loose_pages(c.conn(), exam.0).await?;
        drop(c);
        let (students, mut candidates) = crate::identify::copy_identities(self, exam, &ids).await?;
        let mut by_copy: HashMap<i64, Vec<&Page>> = HashMap::new();
        for p in &pages {
            if let Some(cid) = p.copy_id {
                by_copy.entry(cid).or_default().push(p);
            }
        }
        let items = copies
            .into_iter()
            .map(|copy| {
                let ps = by_copy.remove(&copy.id).unwrap_or_default();
                let header_url = ps
                    .first()
                    .filter(|p| p.header_key.is_some())
                    .map(|p| format!("/api/pages/{}/header/", p.id));
                CopyView {
                    id: copy.id,
                    code: copy.code,
                    status: copy.status,
                    student: copy
                        .student_id
                        .and_then(|i| students.get(&i))
                        .map(crate::identify::student_json),
                    identification: copy.id_method,
                    confidence: copy.id_confidence,
                    candidates: candidates.remove(&copy.id).unwrap_or_default(),
                    unexpected_page_count: !rules::expected_count(e.layout, ps.len()),
                    page_count: ps.len(),
                    pages: ps.into_iter().map(page_view).collect(),
                    header_url,
                }
            })
            .collect();
        Ok(CopiesList {
            items,
            total,
            offset: page.offset(),
            limit: page.limit(),
            loose_pages: loose.iter().map(page_view).collect(),
        })
    }

    /// A page image, after checking that the user may see it: managers of the exam (and
    /// admins) see every image; the corrector a copy is assigned to sees its pages but never a
    /// header crop; nobody else sees anything.
    pub async fn page_image(
        &self,
        s: &AuthSession,
        page_id: i64,
        kind: ImageKind,
    ) -> Result<PageImage, AppError> {
        let (page, copy, role, grades_questions) = {
            let mut c = self.db.read().await?;
            let page = store::find_page(c.conn(), page_id)
                .await?
                .ok_or(AppError::NotFound("page"))?;
            let copy = match page.copy_id {
                Some(id) => store::find_copy(c.conn(), id).await?,
                None => None,
            };
            let role = if s.user.role == Role::Student {
                None
            } else {
                exams::membership(c.conn(), ExamId(page.exam_id), s.user.id).await?
            };
            // A corrector of questions grades every copy of the exam (once it is ready).
            let grades_questions = s.user.role == Role::Teacher
                && role.is_some()
                && copy
                    .as_ref()
                    .is_some_and(|c| c.status != CopyStatus::Processing.as_str())
                && korrigo_store::grading::has_question_share(c.conn(), page.exam_id, s.user.id.0)
                    .await?;
            (page, copy, role, grades_questions)
        };
        let manager = s.user.role != Role::Student && policy::manage_exam(&s.actor(), role).is_ok();
        let assigned = grades_questions
            || s.user.role == Role::Teacher
                && role.is_some()
                && copy
                    .as_ref()
                    .is_some_and(|c| c.corrector_id == Some(s.user.id.0));
        let allowed = manager || (assigned && kind != ImageKind::Header);
        if !allowed || page.deleted && !manager {
            return Err(AppError::Forbidden);
        }
        let key = match kind {
            ImageKind::Viewer => page.viewer_key.clone(),
            ImageKind::Thumb => page.thumb_key.clone(),
            ImageKind::Header => page
                .header_key
                .clone()
                .ok_or(AppError::NotFound("header"))?,
        };
        let (mut file, len) = self
            .files
            .open(&key)
            .await?
            .ok_or(AppError::NotFound("image"))?;
        // A corrector never sees the name header: the identity page reaches them with its
        // header band painted over (where the upright page has its top).
        if !manager && page.header_key.is_some() {
            use tokio::io::AsyncReadExt;
            let mut raw = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            file.read_to_end(&mut raw)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let rotation = u16::try_from(page.rotation.rem_euclid(360)).unwrap_or(0);
            let masked = tokio::task::spawn_blocking(move || {
                korrigo_media::raster::masked_jpeg(&raw, rotation)
            })
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(AppError::Internal)?;
            return Ok(PageImage {
                body: ImageBody::Bytes(masked),
                etag: format!(
                    "\"p{}-{}-{}-m{}\"",
                    page.id,
                    kind_tag(kind),
                    page.created_at,
                    rotation
                ),
            });
        }
        Ok(PageImage {
            body: ImageBody::File(file, len),
            etag: format!("\"p{}-{}-{}\"", page.id, kind_tag(kind), page.created_at),
        })
    }

    /// Applies one edit of the repair desk, journaled. Graded copies are refused (reopen
    /// first); annotations belong to pages, so they follow their page wherever it goes.
    pub async fn repair(
        &self,
        s: &AuthSession,
        exam: ExamId,
        edit: &Repair,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        self.require_manager(s, exam).await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let now = now_ms();
        let details = match edit {
            Repair::SetPages { copy, pages } => {
                let target = editable_copy(c.reborrow(), exam, *copy).await?;
                let mut seen = HashSet::new();
                if pages.is_empty() {
                    return Err(AppError::invalid(
                        "pages",
                        "a copy needs at least one page; merge or delete its pages instead",
                    ));
                }
                let mut touched = HashSet::new();
                for p in pages {
                    if !seen.insert(*p) {
                        return Err(AppError::invalid(
                            "pages",
                            format!("page {p} is listed twice"),
                        ));
                    }
                    let page = exam_page(c.reborrow(), exam, *p).await?;
                    if let Some(other) = page.copy_id
                        && other != target
                    {
                        editable_copy(c.reborrow(), exam, other).await?;
                        touched.insert(other);
                    }
                }
                let before = store::pages_of_copies(c.reborrow(), &[target]).await?;
                for p in before.iter().filter(|p| !seen.contains(&p.id)) {
                    store::place_page(c.reborrow(), p.id, None, 0).await?;
                }
                for (i, p) in pages.iter().enumerate() {
                    store::place_page(c.reborrow(), *p, Some(target), i as i64 + 1).await?;
                }
                for other in touched {
                    renumber_or_remove(c.reborrow(), other, now).await?;
                }
                store::touch_copy(c.reborrow(), target, now).await?;
                serde_json::json!({ "op": "set_pages", "copy": target, "pages": pages })
            }
            Repair::Merge { into, from } => {
                if into == from {
                    return Err(AppError::invalid(
                        "from",
                        "a copy cannot be merged into itself",
                    ));
                }
                editable_copy(c.reborrow(), exam, *into).await?;
                editable_copy(c.reborrow(), exam, *from).await?;
                let a = store::pages_of_copies(c.reborrow(), &[*into]).await?;
                let b = store::pages_of_copies(c.reborrow(), &[*from]).await?;
                for (i, p) in a.iter().chain(b.iter()).enumerate() {
                    store::place_page(c.reborrow(), p.id, Some(*into), i as i64 + 1).await?;
                }
                store::delete_copy(c.reborrow(), *from).await?;
                store::touch_copy(c.reborrow(), *into, now).await?;
                serde_json::json!({ "op": "merge", "into": into, "from": from })
            }
            Repair::Split { copy, position } => {
                let source = editable_copy(c.reborrow(), exam, *copy).await?;
                let pages = store::pages_of_copies(c.reborrow(), &[source]).await?;
                if *position < 2 || *position as usize > pages.len() {
                    return Err(AppError::invalid(
                        "position",
                        format!("split before a page from 2 to {}", pages.len()),
                    ));
                }
                let status = CopyStatus::Processing
                    .apply(CopyEvent::PagesReady)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let new = insert_copy_with_code(c.reborrow(), exam.0, status, None, now).await?;
                for (i, p) in pages[*position as usize - 1..].iter().enumerate() {
                    store::place_page(c.reborrow(), p.id, Some(new), i as i64 + 1).await?;
                }
                store::touch_copy(c.reborrow(), source, now).await?;
                serde_json::json!({ "op": "split", "copy": source, "position": position, "new_copy": new })
            }
            Repair::NewCopy { pages } => {
                if pages.is_empty() {
                    return Err(AppError::invalid("pages", "choose at least one page"));
                }
                let mut touched = HashSet::new();
                for p in pages {
                    let page = exam_page(c.reborrow(), exam, *p).await?;
                    if let Some(other) = page.copy_id {
                        editable_copy(c.reborrow(), exam, other).await?;
                        touched.insert(other);
                    }
                }
                let status = CopyStatus::Processing
                    .apply(CopyEvent::PagesReady)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                let new = insert_copy_with_code(c.reborrow(), exam.0, status, None, now).await?;
                for (i, p) in pages.iter().enumerate() {
                    store::place_page(c.reborrow(), *p, Some(new), i as i64 + 1).await?;
                }
                for other in touched {
                    renumber_or_remove(c.reborrow(), other, now).await?;
                }
                serde_json::json!({ "op": "new_copy", "copy": new, "pages": pages })
            }
            Repair::Rotate { page, rotation } => {
                let r = rules::parse_rotation(*rotation)
                    .map_err(|m| AppError::invalid("rotation", m))?;
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::set_rotation(c.reborrow(), *page, r as i64).await?;
                serde_json::json!({ "op": "rotate", "page": page, "rotation": r })
            }
            Repair::Blank { page, blank } => {
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::set_blank(c.reborrow(), *page, *blank).await?;
                serde_json::json!({ "op": "blank", "page": page, "blank": blank })
            }
            Repair::DeletePage { page } => {
                let p = exam_page(c.reborrow(), exam, *page).await?;
                if let Some(cid) = p.copy_id {
                    editable_copy(c.reborrow(), exam, cid).await?;
                }
                store::delete_page(c.reborrow(), *page).await?;
                if let Some(cid) = p.copy_id {
                    renumber_or_remove(c.reborrow(), cid, now).await?;
                }
                serde_json::json!({ "op": "delete_page", "page": page, "copy": p.copy_id })
            }
        };
        self.audit_exam(c, s, AuditAction::CopyRepaired, exam, client, Some(details))
            .await?;
        tx.commit().await?;
        Ok(())
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
    match CopyStatus::parse(&copy.status) {
        Some(s) if s.is_editable() => Ok(copy.id),
        _ => Err(AppError::Conflict {
            field: "status",
            message: format!(
                "copy {} is {}: reopen it before changing its pages",
                copy.code, copy.status
            ),
        }),
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

/// One page ready to be recorded.
struct PageRecord {
    seq: i64,
    order_key: i64,
    source_file: String,
    source_page: i64,
    half: Option<&'static str>,
    rotation: i64,
    has_header: bool,
    blank: bool,
    unsure: bool,
    width: i64,
    height: i64,
    viewer_key: String,
    thumb_key: String,
    header_key: Option<String>,
}

enum ChunkError {
    Scan(ScanError),
    Store(String),
}

/// Processes some source pages on `threads` threads and writes their images. Returns the page
/// records in source order.
/// Whether source page `next` is the verso of the sheet whose recto is `recto` (same file,
/// the following page).
fn is_verso_of(plan: &Plan, recto: usize, next: usize) -> bool {
    let (r, v) = (&plan.pages[recto], &plan.pages[next]);
    next == recto + 1 && r.page % 2 == 1 && r.file == v.file && v.page == r.page + 1
}

/// The pipeline's chunks of source pages (at most [`CHUNK`], one more when a chunk would end
/// between the two faces of an A3 sheet, which are turned together).
fn rules_chunks(plan: &Plan, todo: &[usize], a3: bool) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < todo.len() {
        let mut end = (at + CHUNK).min(todo.len());
        if a3 && end < todo.len() && is_verso_of(plan, todo[end - 1], todo[end]) {
            end += 1;
        }
        out.push(todo[at..end].to_vec());
        at = end;
    }
    out
}

/// The units of work of one chunk: single pages, or for A3 the faces of one sheet together.
fn work_units(plan: &Plan, indexes: &[usize], a3: bool) -> Vec<Vec<usize>> {
    let mut units = Vec::new();
    let mut k = 0;
    while k < indexes.len() {
        if a3 && k + 1 < indexes.len() && is_verso_of(plan, indexes[k], indexes[k + 1]) {
            units.push(vec![indexes[k], indexes[k + 1]]);
            k += 2;
        } else {
            units.push(vec![indexes[k]]);
            k += 1;
        }
    }
    units
}

#[allow(
    clippy::too_many_arguments,
    reason = "the pipeline's parameters, passed to threads"
)]
fn process_chunk(
    plan: &Plan,
    files: &korrigo_store::files::FileStore,
    folder: &str,
    indexes: &[usize],
    a3: bool,
    grouping: Grouping,
    per_copy: usize,
    threads: usize,
) -> Result<Vec<PageRecord>, ChunkError> {
    let next = AtomicUsize::new(0);
    let units = work_units(plan, indexes, a3);
    let results: Vec<Result<Vec<(usize, PageRecord)>, ChunkError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(units.len()).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut readers = Readers::default();
                    let mut out = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(unit) = units.get(k) else { break };
                        let first = unit[0];
                        let recto = plan.pages[first].page % 2 == 1;
                        let want_header = match grouping {
                            Grouping::Fixed if !a3 => first % per_copy.max(1) == 0,
                            Grouping::Fixed => recto,
                            _ => false,
                        };
                        let outs = if a3 {
                            process_a3_sheet(plan, &mut readers, unit, want_header)
                        } else {
                            process_source_page(
                                plan,
                                &mut readers,
                                first,
                                false,
                                recto,
                                want_header,
                            )
                            .map(|o| vec![o])
                        }
                        .map_err(ChunkError::Scan)?;
                        for (&idx, SourceOut { pages }) in unit.iter().zip(outs) {
                            let sp = &plan.pages[idx];
                            for p in pages {
                                let half_idx = if p.half == Some(korrigo_media::scan::Half::Right) {
                                    1
                                } else {
                                    0
                                };
                                let seq = idx as i64 * 2 + half_idx;
                                let key = |suffix: &str| format!("{folder}/p{seq:06}-{suffix}.jpg");
                                let (viewer_key, thumb_key) = (key("v"), key("t"));
                                let put = |k: &str, b: &[u8]| {
                                    files
                                        .put_blocking(k, b)
                                        .map_err(|e| ChunkError::Store(e.to_string()))
                                };
                                put(&viewer_key, &p.viewer)?;
                                put(&thumb_key, &p.thumb)?;
                                let header_key = match &p.header {
                                    Some(h) => {
                                        let k = key("h");
                                        put(&k, h)?;
                                        Some(k)
                                    }
                                    None => None,
                                };
                                out.push((
                                    idx,
                                    PageRecord {
                                        seq,
                                        order_key: rules::order_key(idx, a3, p.sheet_page),
                                        source_file: sp.file.clone(),
                                        source_page: sp.page as i64,
                                        half: p.half.map(|h| h.as_str()),
                                        rotation: p.rotation as i64,
                                        has_header: p.analysis.header_top
                                            || p.analysis.header_bottom,
                                        blank: p.analysis.blank,
                                        unsure: p.unsure_orientation,
                                        width: p.width as i64,
                                        height: p.height as i64,
                                        viewer_key,
                                        thumb_key,
                                        header_key,
                                    },
                                ));
                            }
                        }
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(ChunkError::Store("a page thread panicked".into())))
            })
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|(idx, r)| (*idx, r.seq));
    Ok(all.into_iter().map(|(_, r)| r).collect())
}
