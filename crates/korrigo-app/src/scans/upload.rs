//! Uploads: resumable chunks into a batch, a file imported from disk, duplicates, and
//! discarding a batch with its pages and copies.

use super::*;

impl App {
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
        if batch.status != BatchStatus::Uploading {
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
        if matches!(batch.status, BatchStatus::Processing | BatchStatus::Queued) {
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
            if let Some(c) = copies
                .iter()
                .find(|c| !matches!(c.status, CopyStatus::Processing | CopyStatus::Ready))
            {
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
}
