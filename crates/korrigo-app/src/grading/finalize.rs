//! Finalizing a copy (or one corrector's part of it), reopening it, and its journal.

use super::*;

impl App {
    /// Finalizes a copy: every question scored within its bounds, an appreciation written;
    /// then GRADED (two finalize requests at once: one succeeds, the other is told).
    pub async fn finalize_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<GradingCopyItem, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let status = CopyStatus::parse(&a.copy.status)
            .ok_or_else(|| AppError::Internal(format!("copy status `{}`", a.copy.status)))?;
        let mut c = self.db.read().await?;
        let scores = store::scores_of(c.conn(), copy_id).await?;
        let appreciation = store::appreciation_of(c.conn(), copy_id).await?;
        drop(c);
        let missing: Vec<serde_json::Value> = a
            .exam
            .scheme
            .leaves()
            .into_iter()
            .filter(|(id, _, _)| !scores.iter().any(|r| &r.question_id == id))
            .map(|(id, label, _)| serde_json::json!({ "question": id, "label": label }))
            .collect();
        // A score above a maximum lowered since it was given must be corrected first.
        let over: Vec<serde_json::Value> = a
            .exam
            .scheme
            .leaves()
            .into_iter()
            .filter_map(|(id, label, max)| {
                let r = scores.iter().find(|r| r.question_id == id)?;
                (r.points > i64::from(max.0))
                    .then(|| serde_json::json!({ "question": id, "label": label, "max": max }))
            })
            .collect();
        let no_appreciation = appreciation.is_none_or(|a| a.text.trim().is_empty());
        if !missing.is_empty() || no_appreciation || !over.is_empty() {
            return Err(AppError::Incomplete {
                message: format!(
                    "{} question(s) without a score{}{}",
                    missing.len(),
                    if no_appreciation {
                        ", and no appreciation"
                    } else {
                        ""
                    },
                    if over.is_empty() {
                        String::new()
                    } else {
                        format!(", {} score(s) above their maximum", over.len())
                    }
                ),
                details: serde_json::json!({ "missing": missing, "appreciation": !no_appreciation, "over": over }),
            });
        }
        let next = status
            .apply(CopyEvent::Finalize)
            .map_err(|_| AppError::Conflict {
                field: "status",
                message: "this copy is not being graded (already graded, or not started)".into(),
            })?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::move_copy(tx.conn(), copy_id, status, next, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy was finalized meanwhile".into(),
            });
        }
        store::journal(
            tx.conn(),
            &[(copy_id, "finalized", serde_json::json!({}))],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(GradingCopyItem {
            id: a.copy.id,
            code: a.copy.code,
            exam: a.copy.exam_id,
            status: next.as_str().into(),
            my_status: "graded",
        })
    }

    /// Reopens a graded copy (managers), with a reason; every score and annotation stays.
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
        let status = CopyStatus::parse(&a.copy.status)
            .ok_or_else(|| AppError::Internal(format!("copy status `{}`", a.copy.status)))?;
        let next = status
            .apply(CopyEvent::Reopen)
            .map_err(|_| AppError::Conflict {
                field: "status",
                message: "only a graded copy can be reopened".into(),
            })?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::move_copy(tx.conn(), copy_id, status, next, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy changed meanwhile: reload it".into(),
            });
        }
        store::journal(
            tx.conn(),
            &[(copy_id, "reopened", serde_json::json!({ "reason": reason }))],
            Some((s.user.id.0, &s.user.username)),
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
            status: next.as_str().into(),
            my_status: "in_progress",
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
