//! The results of an exam as its managers see them: every copy with its student, grade, final
//! PDF and release, and what release would leave out.

use std::collections::HashMap;

use korrigo_domain::ExamId;
use korrigo_domain::copies::CopyStatus;
use korrigo_domain::identify::IdMethod;
use korrigo_domain::scheme::Points;
use korrigo_store::{grading, identify, results as store, scans};
use serde::Serialize;

use super::{FinalGrades, PdfState};
use crate::accounts::AuthSession;
use crate::{App, AppError};

/// One copy's line.
#[derive(Debug, Serialize)]
pub struct ResultLine {
    pub id: i64,
    pub code: String,
    /// "NOM Prénom", once identified.
    pub student: Option<String>,
    pub status: CopyStatus,
    /// The final grade in hundredths on the exam's scale, once graded (harmonised when its
    /// corrector's grades are).
    pub grade: Option<u32>,
    /// The grade before harmonisation, when one applies to this copy.
    pub raw_grade: Option<u32>,
    pub pdf: PdfState,
    /// Released to its student.
    pub released: bool,
    /// Set aside as no student's (a blank or a stray sheet): never released, never blocks.
    pub aside: bool,
    /// Why release would leave it out: `not_graded`, `unidentified` (None: ready, or set
    /// aside as no student's).
    pub not_ready: Option<&'static str>,
}

/// An exam's results.
#[derive(Debug, Serialize)]
pub struct ResultsOverview {
    /// The exam's name.
    pub exam: String,
    pub released_at: Option<i64>,
    pub grade_scale: u32,
    pub lines: Vec<ResultLine>,
}

impl App {
    /// An exam's results, copy by copy (managers).
    pub async fn results_overview(
        &self,
        s: &AuthSession,
        exam_id: ExamId,
    ) -> Result<ResultsOverview, AppError> {
        let exam = self.require_manager(s, exam_id).await?;
        let mut c = self.db.read().await?;
        let (copies, _) = scans::list_copies(c.conn(), exam_id.0, 1_000_000, 0).await?;
        let ids: Vec<i64> = copies.iter().map(|k| k.id).collect();
        let totals = grading::totals_of(c.conn(), &ids).await?;
        let students: HashMap<i64, identify::ExamStudent> =
            identify::exam_students(c.conn(), exam_id)
                .await?
                .into_iter()
                .map(|st| (st.id, st))
                .collect();
        let released_at = store::released_at(c.conn(), exam_id.0).await?;
        let released: Vec<i64> = store::released_copies(c.conn(), exam_id.0).await?;
        let finals = FinalGrades::load(c.conn(), &exam).await?;
        drop(c);
        let lines = copies
            .iter()
            .map(|k| {
                let graded = matches!(
                    k.status,
                    CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
                );
                let aside = k.id_method.0 == Some(IdMethod::NotStudent);
                let not_ready = match (aside, graded, k.student_id) {
                    (true, ..) => None,
                    (_, false, _) => Some("not_graded"),
                    (_, true, None) => Some("unidentified"),
                    _ => None,
                };
                let total = Points(u32::try_from(*totals.get(&k.id).unwrap_or(&0)).unwrap_or(0));
                ResultLine {
                    id: k.id,
                    code: k.code.clone(),
                    student: k
                        .student_id
                        .and_then(|id| students.get(&id))
                        .map(|st| format!("{} {}", st.last_name.to_uppercase(), st.first_name)),
                    status: k.status,
                    grade: graded.then(|| finals.grade(k.corrector_id, total)),
                    raw_grade: (graded && finals.adjustment(k.corrector_id).is_some())
                        .then(|| finals.raw(total)),
                    pdf: PdfState::from_parts(
                        k.status,
                        k.pdf_key.as_deref(),
                        k.pdf_at,
                        k.pdf_error.as_deref(),
                    ),
                    released: released.contains(&k.id),
                    aside,
                    not_ready,
                }
            })
            .collect();
        Ok(ResultsOverview {
            exam: exam.name.clone(),
            released_at,
            grade_scale: exam.grade_scale,
            lines,
        })
    }
}
