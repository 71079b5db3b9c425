//! Results: each graded copy's final PDF, made in the background as soon as the copy is graded
//! (again after a reopening and a new finalize, or when its student is identified), its state
//! as managers see it, its download and a retry after a failure.

mod adjust;
mod bundle;
mod export;
mod final_pdf;
mod overview;
mod portal;
mod release;
mod stats;

pub(crate) use adjust::FinalGrades;
pub use adjust::{
    AdjustedCopy, AdjustmentInput, AdjustmentList, AdjustmentOutcome, AdjustmentView, Anchor,
    MyAdjustment,
};
pub use bundle::{PdfBundle, PdfProgress};
pub use export::{ExportFile, ExportFormat};
pub use overview::{ResultLine, ResultsOverview};
pub use portal::{ExamRef, MyResult, ScoreResult, StudentResult, StudentResultItem};
pub use release::{NotReady, ReleaseView};
pub use stats::{CorrectorLine, ExamStats, QuestionLine};

use crate::accounts::AuthSession;
use crate::{App, AppError};
use korrigo_domain::ExamId;
use korrigo_domain::copies::{CopyEvent, CopyStatus};
use korrigo_store::results::{self as store, PdfRow};
use korrigo_store::{StoreError, now_ms};
use serde::{Deserialize, Serialize};

pub(crate) const FINAL_PDF: &str = "results.final_pdf";

/// The job making (or remaking) a copy's final PDF.
#[derive(Debug, Serialize, Deserialize)]
pub struct MakeFinalPdf {
    /// The copy.
    pub copy: i64,
}

impl crate::jobs::JobSpec for MakeFinalPdf {
    const KIND: &'static str = FINAL_PDF;
    const MAX_ATTEMPTS: u32 = 3;
    const PRIORITY: crate::jobs::Priority = crate::jobs::Priority::Processing;
}

/// Where a copy's final PDF stands, as managers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum PdfState {
    /// The copy is not graded: no PDF.
    None,
    /// Graded; the PDF is being made.
    Generating,
    /// The PDF can be downloaded.
    Ready {
        /// When it was made (ms).
        at: i64,
    },
    /// The last generation failed; a manager may retry.
    Failed {
        /// Why, for the manager.
        reason: String,
    },
}

impl PdfState {
    /// The state of a copy from its status and stored PDF columns.
    pub fn from_parts(
        status: CopyStatus,
        key: Option<&str>,
        at: Option<i64>,
        error: Option<&str>,
    ) -> PdfState {
        match (status, key, at) {
            (CopyStatus::Graded, Some(_), Some(at)) => PdfState::Ready { at },
            (CopyStatus::FinalizeFailed, ..) => PdfState::Failed {
                reason: error.unwrap_or_default().to_string(),
            },
            (CopyStatus::Graded | CopyStatus::Finalizing, ..) => PdfState::Generating,
            _ => PdfState::None,
        }
    }

    /// The state of a stored copy.
    pub fn of(r: &PdfRow) -> PdfState {
        PdfState::from_parts(
            r.status,
            r.pdf_key.as_deref(),
            r.pdf_at,
            r.pdf_error.as_deref(),
        )
    }
}

/// A downloadable final PDF.
#[derive(Debug)]
pub struct PdfFile {
    /// The file's name for the browser: `NOM_Prenom_code.pdf` when identified (safe
    /// characters only), else `code.pdf`.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A final PDF's file name: `NOM_Prenom_code.pdf` for an identified copy (safe characters
/// only), `code.pdf` otherwise.
pub fn pdf_name(student: Option<(&str, &str)>, code: &str) -> String {
    match student {
        Some((last, first)) => format!(
            "{}_{}_{code}.pdf",
            safe_name(&last.to_uppercase()),
            safe_name(first)
        ),
        None => format!("{code}.pdf"),
    }
}

/// A safe file name part: letters (accents folded), digits and hyphens; other runs become one
/// underscore.
pub fn safe_name(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| {
            let f = korrigo_domain::text::fold(&c.to_string());
            if c.is_uppercase() {
                f.to_uppercase()
            } else {
                f
            }
        })
        .collect();
    let mut out = String::new();
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() || ch == '-' {
            out.push(ch);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

impl App {
    /// Queues the making of a copy's final PDF in the caller's transaction (once: a burst of
    /// reasons makes one job).
    pub(crate) async fn queue_final_pdf(
        &self,
        c: korrigo_store::Conn<'_>,
        copy: i64,
    ) -> Result<(), StoreError> {
        self.queue_in(c, &MakeFinalPdf { copy }, true).await?;
        Ok(())
    }

    /// A copy's PDF state (managers of its exam).
    pub async fn copy_pdf_state(&self, s: &AuthSession, copy: i64) -> Result<PdfState, AppError> {
        let row = self.pdf_row(copy).await?;
        self.require_manager(s, ExamId(row.exam_id)).await?;
        Ok(PdfState::of(&row))
    }

    async fn pdf_row(&self, copy: i64) -> Result<PdfRow, AppError> {
        let mut c = self.db.read().await?;
        store::pdf_of(c.conn(), copy)
            .await?
            .ok_or(AppError::NotFound("copy"))
    }

    /// A copy's final PDF (managers of its exam, and its student once released); 409
    /// `not_ready` while it is being made or when it failed. The download is journaled.
    pub async fn copy_pdf(&self, s: &AuthSession, copy: i64) -> Result<PdfFile, AppError> {
        let row = self.pdf_row(copy).await?;
        if self.released_copy_of(s, copy).await?.is_none() {
            self.require_manager(s, ExamId(row.exam_id)).await?;
        }
        let (PdfState::Ready { .. }, Some(key)) = (PdfState::of(&row), &row.pdf_key) else {
            return Err(not_ready(&row));
        };
        let bytes = self.files.get(key).await?.ok_or_else(|| {
            AppError::Internal(format!("the final PDF of copy {copy} is missing"))
        })?;
        let file_name = self.pdf_file_name(&row).await?;
        let mut tx = self.db.begin().await?;
        if s.user.role == korrigo_domain::Role::Student {
            // The journal names staff only: the student's own download is noted as such.
            korrigo_store::grading::journal(
                tx.conn(),
                &[(
                    copy,
                    "pdf_downloaded",
                    serde_json::json!({ "by": "student" }),
                )],
                None,
                now_ms(),
            )
            .await?;
        } else {
            crate::grading::journal(
                tx.conn(),
                s,
                &[(copy, "pdf_downloaded", serde_json::json!({}))],
                now_ms(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(PdfFile { file_name, bytes })
    }

    async fn pdf_file_name(&self, row: &PdfRow) -> Result<String, AppError> {
        let student = match row.student_id {
            Some(id) => {
                let mut c = self.db.read().await?;
                korrigo_store::students::find(c.conn(), id).await?
            }
            None => None,
        };
        Ok(pdf_name(
            student
                .as_ref()
                .map(|st| (st.last_name.as_str(), st.first_name.as_str())),
            &row.code,
        ))
    }

    /// Makes a failed PDF again (managers).
    pub async fn retry_copy_pdf(&self, s: &AuthSession, copy: i64) -> Result<PdfState, AppError> {
        let row = self.pdf_row(copy).await?;
        self.require_manager(s, ExamId(row.exam_id)).await?;
        if row.status != CopyStatus::FinalizeFailed {
            return Err(AppError::Conflict {
                field: "status",
                message: "only a PDF whose generation failed can be retried".into(),
            });
        }
        let mut tx = self.db.begin().await?;
        self.queue_final_pdf(tx.conn(), copy).await?;
        tx.commit().await?;
        self.queue.wake();
        Ok(PdfState::Failed {
            reason: row.pdf_error.unwrap_or_default(),
        })
    }

    /// The job: makes the copy's final PDF and keeps it. A copy reopened meanwhile is left
    /// alone (its next finalize queues a new job); a PDF that cannot be made leaves the copy
    /// FINALIZE_FAILED with the reason.
    pub(crate) async fn run_final_pdf(&self, copy: i64) -> Result<(), String> {
        let err = |e: StoreError| e.to_string();
        let now = now_ms();
        let row = {
            let mut c = self.db.read().await.map_err(err)?;
            store::pdf_of(c.conn(), copy).await.map_err(err)?
        };
        let Some(row) = row else {
            return Ok(());
        };
        // Into FINALIZING (a previous attempt that stopped half-way is already there).
        let status = row.status;
        if status != CopyStatus::Finalizing {
            let Ok(next) = status.apply(CopyEvent::StartPdf) else {
                return Ok(());
            };
            let mut tx = self.db.begin().await.map_err(err)?;
            if !store::set_pdf(tx.conn(), copy, status, next, None, None, now)
                .await
                .map_err(err)?
            {
                return Ok(());
            }
            tx.commit().await.map_err(err)?;
        }
        let made = self.make_final_pdf(&row).await;
        let (to, key, error) = match made {
            Ok(bytes) => {
                let key = format!("finals/{}/{}.pdf", row.exam_id, copy);
                self.files.put(&key, &bytes).await.map_err(err)?;
                (
                    CopyStatus::Finalizing
                        .apply(CopyEvent::PdfDone)
                        .map_err(|e| e.to_string())?,
                    Some(key),
                    None,
                )
            }
            Err(reason) => (
                CopyStatus::Finalizing
                    .apply(CopyEvent::PdfFailed)
                    .map_err(|e| e.to_string())?,
                None,
                Some(reason),
            ),
        };
        let mut tx = self.db.begin().await.map_err(err)?;
        // Reopened meanwhile: the copy is grading again and this PDF is already stale.
        store::set_pdf(
            tx.conn(),
            copy,
            CopyStatus::Finalizing,
            to,
            key.as_deref(),
            error.as_deref(),
            now_ms(),
        )
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(())
    }
}

impl App {
    /// After the last failed attempt (the file store unreachable, ...): the copy shows the
    /// failure, with a retry, instead of "being made" for ever.
    pub(crate) async fn give_up_final_pdf(&self, copy: i64, error: &str) {
        let res = async {
            let mut tx = self.db.begin().await?;
            store::set_pdf(
                tx.conn(),
                copy,
                CopyStatus::Finalizing,
                CopyStatus::FinalizeFailed,
                None,
                Some(&format!("the PDF could not be kept: {error}")),
                now_ms(),
            )
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = res {
            tracing::warn!(copy, error = %e, "could not mark a failed final PDF");
        }
    }
}

fn not_ready(row: &PdfRow) -> AppError {
    let state = PdfState::of(row);
    let message = match &state {
        PdfState::None => "this copy is not graded: it has no final PDF",
        PdfState::Failed { .. } => "this copy's final PDF could not be made: retry it",
        _ => "this copy's final PDF is being made: try again in a moment",
    };
    AppError::NotReady {
        message: message.into(),
        details: serde_json::to_value(&state).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_safe_characters_only() {
        assert_eq!(safe_name("SAINT-ANDRÉ"), "SAINT-ANDRE");
        assert_eq!(safe_name("Éloïse Marie"), "Eloise_Marie");
        assert_eq!(safe_name("O'Brien / ../x"), "O_Brien_x");
        assert_eq!(safe_name("  "), "");
    }
}
