//! Releasing an exam's results to its students, and withdrawing them. Release is refused,
//! naming the copies, while copies are not graded or not identified, unless the manager
//! releases only the ready ones; a copy reopened afterwards is hidden until released again.

use korrigo_domain::ExamId;
use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::CopyStatus;
use korrigo_domain::identify::IdMethod;
use korrigo_store::results as store;
use korrigo_store::{now_ms, scans};
use serde::Serialize;

use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};

/// An exam's release, as answered to the manager.
#[derive(Debug, Serialize)]
pub struct ReleaseView {
    /// When the results were released (None: withdrawn, or never released).
    pub released_at: Option<i64>,
    /// Copies released to their students.
    pub released: usize,
    /// Copies left out (not graded or not identified), with why.
    pub left_out: Vec<NotReady>,
}

/// A copy not released, and why: `not_graded` or `unidentified`.
#[derive(Clone, Debug, Serialize)]
pub struct NotReady {
    pub id: i64,
    pub code: String,
    pub reason: &'static str,
}

fn graded(s: CopyStatus) -> bool {
    matches!(
        s,
        CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
    )
}

impl App {
    /// Releases an exam's results (managers). Without `only_ready`, refused with `not_ready`
    /// and `details.copies` while a copy is not graded or not identified; with it, the ready
    /// copies are released and the others listed. Copies set aside as no student's are never
    /// released and never block.
    pub async fn release_results(
        &self,
        s: &AuthSession,
        exam: ExamId,
        only_ready: bool,
        client: &ClientInfo,
    ) -> Result<ReleaseView, AppError> {
        self.require_manager(s, exam).await?;
        let mut tx = self.db.begin().await?;
        let (copies, _) = scans::list_copies(tx.conn(), exam.0, 1_000_000, 0).await?;
        let mut ready = vec![];
        let mut left_out = vec![];
        for k in copies
            .iter()
            .filter(|k| k.id_method.0 != Some(IdMethod::NotStudent))
        {
            let reason = if !graded(k.status) {
                Some("not_graded")
            } else if k.student_id.is_none() {
                Some("unidentified")
            } else {
                None
            };
            match reason {
                None => ready.push(k.id),
                Some(reason) => left_out.push(NotReady {
                    id: k.id,
                    code: k.code.clone(),
                    reason,
                }),
            }
        }
        if !left_out.is_empty() && !only_ready {
            let n = left_out.len();
            return Err(AppError::NotReady {
                message: format!(
                    "{n} cop{} not graded or not identified: finish {}, or release only the ready copies",
                    if n == 1 { "y is" } else { "ies are" },
                    if n == 1 { "it" } else { "them" }
                ),
                details: serde_json::json!({ "copies": left_out }),
            });
        }
        if ready.is_empty() {
            return Err(AppError::NothingToDo {
                message: "no copy is graded and identified yet: nothing to release".into(),
            });
        }
        let now = now_ms();
        let by = (s.user.id.0 > 0).then_some(s.user.id.0);
        store::release(tx.conn(), exam.0, &ready, by, now).await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ResultsReleased,
            exam,
            client,
            Some(serde_json::json!({ "released": ready.len(), "left_out": left_out.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(ReleaseView {
            released_at: Some(now),
            released: ready.len(),
            left_out,
        })
    }

    /// Withdraws an exam's results (managers): students no longer see them.
    pub async fn withdraw_results(
        &self,
        s: &AuthSession,
        exam: ExamId,
        client: &ClientInfo,
    ) -> Result<ReleaseView, AppError> {
        self.require_manager(s, exam).await?;
        let mut tx = self.db.begin().await?;
        if store::released_at(tx.conn(), exam.0).await?.is_none() {
            return Err(AppError::NothingToDo {
                message: "the results of this exam are not released".into(),
            });
        }
        store::withdraw(tx.conn(), exam.0).await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ResultsWithdrawn,
            exam,
            client,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(ReleaseView {
            released_at: None,
            released: 0,
            left_out: vec![],
        })
    }
}
