//! All the final PDFs of an exam in one ZIP (managers), written as a stream: the files are
//! listed here, the ZIP is written while it is sent, with the memory of one copy buffer.

use std::collections::HashMap;

use korrigo_domain::ExamId;
use korrigo_store::{identify, scans};
use serde::Serialize;

use super::{PdfState, pdf_name, safe_name};
use crate::accounts::AuthSession;
use crate::{App, AppError};

/// Where an exam's final PDFs stand.
#[derive(Debug, Default, Serialize)]
pub struct PdfProgress {
    /// Made and downloadable.
    pub ready: usize,
    /// Being made.
    pub generating: usize,
    /// Failed (their reasons are on the Results tab).
    pub failed: usize,
}

/// The files of the ZIP: (name in the ZIP, key in the file store), by name.
#[derive(Debug)]
pub struct PdfBundle {
    pub files: Vec<(String, String)>,
    pub file_name: String,
    store: korrigo_store::files::FileStore,
}

impl App {
    /// The exam's final PDFs for the ZIP (managers). While some are still being made, 409
    /// `not_ready` with `details` = [`PdfProgress`] (the page shows a progress bar and asks
    /// again); failed ones are left out.
    pub async fn pdf_bundle(
        &self,
        s: &AuthSession,
        exam_id: ExamId,
    ) -> Result<PdfBundle, AppError> {
        let exam = self.require_manager(s, exam_id).await?;
        let mut c = self.db.read().await?;
        let (copies, _) = scans::list_copies(c.conn(), exam_id.0, 1_000_000, 0).await?;
        let students: HashMap<i64, identify::ExamStudent> =
            identify::exam_students(c.conn(), exam_id)
                .await?
                .into_iter()
                .map(|st| (st.id, st))
                .collect();
        drop(c);
        let mut progress = PdfProgress::default();
        let mut files = vec![];
        for k in &copies {
            match PdfState::from_parts(
                k.status,
                k.pdf_key.as_deref(),
                k.pdf_at,
                k.pdf_error.as_deref(),
            ) {
                PdfState::Ready { .. } => {
                    progress.ready += 1;
                    let key = k.pdf_key.as_deref().unwrap_or_default();
                    let name = pdf_name(
                        k.student_id
                            .and_then(|id| students.get(&id))
                            .map(|st| (st.last_name.as_str(), st.first_name.as_str())),
                        &k.code,
                    );
                    files.push((name, key.to_string()));
                }
                PdfState::Generating => progress.generating += 1,
                PdfState::Failed { .. } => progress.failed += 1,
                PdfState::None => {}
            }
        }
        if progress.generating > 0 {
            return Err(AppError::NotReady {
                message: format!(
                    "{} of {} final PDFs are still being made: try again in a moment",
                    progress.generating,
                    progress.generating + progress.ready
                ),
                details: serde_json::to_value(&progress).unwrap_or_default(),
            });
        }
        if files.is_empty() {
            return Err(AppError::NothingToDo {
                message: "no final PDF yet: copies get one when they are graded".into(),
            });
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let base = safe_name(&exam.name);
        Ok(PdfBundle {
            files,
            store: self.files.clone(),
            file_name: format!(
                "{}_copies.zip",
                if base.is_empty() {
                    "examen".into()
                } else {
                    base
                }
            ),
        })
    }
}

impl PdfBundle {
    /// Writes the ZIP into `out` (blocking: run it on a blocking thread), opening each PDF as
    /// its turn comes. Returns the bytes of PDFs written.
    pub fn write(self, out: impl std::io::Write) -> std::io::Result<u64> {
        let entries = self.files.into_iter().map(|(name, key)| {
            self.store
                .open_blocking(&key)
                .map(|f| (name, f))
                .map_err(|e| std::io::Error::other(e.to_string()))
        });
        korrigo_media::bundle::write_zip(out, entries)
    }
}
