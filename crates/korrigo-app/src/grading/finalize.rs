//! Finalizing a copy (or one corrector's part of it), reopening it, and its journal.

use super::*;

impl App {
    /// Finalizes the caller's part of a copy: every question of it scored within its bounds.
    /// The copy becomes GRADED when every question is done (and it then needs its
    /// appreciation); two finalize requests at once: one succeeds, the other is told.
    pub async fn finalize_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<GradingCopyItem, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let status = a.copy.status;
        if a.my_part_done() {
            return Err(AppError::Conflict {
                field: "status",
                message: "your part of this copy is already finalized".into(),
            });
        }
        let mut c = self.db.read().await?;
        let scores = store::scores_of(c.conn(), copy_id).await?;
        let appreciation = store::appreciation_of(c.conn(), copy_id).await?;
        drop(c);
        let leaves = a.scheme.leaves();
        let mine = |id: &String| a.my_questions.contains(id);
        let missing: Vec<serde_json::Value> = leaves
            .iter()
            .filter(|(id, _, _)| mine(id) && !scores.iter().any(|r| &r.question_id == id))
            .map(|(id, label, _)| serde_json::json!({ "question": id, "label": label }))
            .collect();
        // A score above a maximum lowered since it was given must be corrected first.
        let over: Vec<serde_json::Value> = leaves
            .iter()
            .filter(|(id, _, _)| mine(id))
            .filter_map(|(id, label, max)| {
                let r = scores.iter().find(|r| &r.question_id == id)?;
                (r.points > i64::from(max.0))
                    .then(|| serde_json::json!({ "question": id, "label": label, "max": max }))
            })
            .collect();
        // The appreciation is due with the last part: the one that completes the copy.
        let completes = leaves
            .iter()
            .all(|(id, _, _)| mine(id) || a.done.contains(id));
        let no_appreciation = completes && appreciation.is_none_or(|a| a.text.trim().is_empty());
        if !missing.is_empty() || no_appreciation || !over.is_empty() {
            return Err(incomplete(&missing, no_appreciation, &over));
        }
        if status != CopyStatus::Grading {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy is not being graded (already graded, or not started)".into(),
            });
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        // Two correctors finishing their parts at once: the second waits for the first and
        // sees its questions done.
        store::lock_copy(tx.conn(), copy_id).await?;
        store::mark_done(tx.conn(), copy_id, &a.my_questions, s.user.id.0, now).await?;
        let done = store::done_of(tx.conn(), copy_id).await?;
        let graded = leaves.iter().all(|(id, _, _)| done.contains(id));
        let mut new_status = status;
        if graded {
            if a.by_questions {
                let text = store::appreciation_of(tx.conn(), copy_id).await?;
                if text.is_none_or(|a| a.text.trim().is_empty()) {
                    return Err(incomplete(&[], true, &[]));
                }
            }
            new_status = status
                .apply(CopyEvent::Finalize)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            if !store::move_copy(tx.conn(), copy_id, status, new_status, now).await? {
                return Err(AppError::Conflict {
                    field: "status",
                    message: "this copy was finalized meanwhile".into(),
                });
            }
            // Its final PDF is made in the background, in this transaction's job.
            self.queue_final_pdf(tx.conn(), copy_id).await?;
        }
        journal(
            tx.conn(),
            s,
            &[(
                copy_id,
                "finalized",
                if a.by_questions {
                    serde_json::json!({ "questions": a.my_questions, "graded": graded })
                } else {
                    serde_json::json!({})
                },
            )],
            now,
        )
        .await?;
        tx.commit().await?;
        if graded {
            self.queue.wake();
        }
        Ok(GradingCopyItem {
            id: a.copy.id,
            code: a.copy.code,
            exam: a.copy.exam_id,
            status: new_status,
            my_status: "graded",
            questions: a.my_questions,
        })
    }

    /// Reopens a copy (managers), with a reason: a graded copy returns to grading, and every
    /// part finalized (dispatch by questions) is open again; every score and mark stays.
    pub async fn reopen_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
        reason: &str,
        client: &ClientInfo,
    ) -> Result<GradingCopyItem, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if !a.manager {
            return Err(AppError::Forbidden);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "say why the copy is reopened"));
        }
        let status = a.copy.status;
        let next = match status.apply(CopyEvent::Reopen) {
            Ok(next) => next,
            // A copy being graded by questions may have finalized parts to open again.
            Err(_) if status == CopyStatus::Grading && !a.done.is_empty() => status,
            Err(_) => {
                return Err(AppError::Conflict {
                    field: "status",
                    message: "only a graded copy (or a finalized part of one) can be reopened"
                        .into(),
                });
            }
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if next != status && !store::move_copy(tx.conn(), copy_id, status, next, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy changed meanwhile: reload it".into(),
            });
        }
        store::clear_done(tx.conn(), copy_id).await?;
        // Reopened: the final PDF no longer says what the copy will say, and its student no
        // longer sees it until it is released again.
        korrigo_store::results::clear_pdf(tx.conn(), copy_id).await?;
        korrigo_store::results::unrelease_copy(tx.conn(), copy_id).await?;
        journal(
            tx.conn(),
            s,
            &[(copy_id, "reopened", serde_json::json!({ "reason": reason }))],
            now,
        )
        .await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::CopyReopened,
            ExamId(a.copy.exam_id),
            client,
            Some(serde_json::json!({ "copy": copy_id, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(GradingCopyItem {
            id: a.copy.id,
            code: a.copy.code,
            exam: a.copy.exam_id,
            status: next,
            my_status: "in_progress",
            questions: a.my_questions,
        })
    }

    /// A copy's journal (managers).
    pub async fn copy_journal(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<Vec<JournalLine>, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if !a.manager {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.read().await?;
        Ok(store::journal_of(c.conn(), copy_id)
            .await?
            .into_iter()
            .map(|r| JournalLine {
                at: r.at,
                actor: r.actor_username,
                action: r.action,
                details: serde_json::from_str(&r.details).unwrap_or_default(),
            })
            .collect())
    }
}

/// The refusal of an incomplete part: what is missing, item by item.
fn incomplete(
    missing: &[serde_json::Value],
    no_appreciation: bool,
    over: &[serde_json::Value],
) -> AppError {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("{} question(s) without a score", missing.len()));
    }
    if no_appreciation {
        parts.push("no appreciation".to_string());
    }
    if !over.is_empty() {
        parts.push(format!("{} score(s) above their maximum", over.len()));
    }
    AppError::Incomplete {
        message: parts.join(", "),
        details: serde_json::json!({ "missing": missing, "appreciation": !no_appreciation, "over": over }),
    }
}
