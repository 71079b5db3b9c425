//! Statistics of an exam's graded copies: for its managers over every copy, with each
//! corrector's figures side by side (a severe or lenient corrector stands out); for a
//! corrector over the copies they graded. Visible from the first graded copy.

use std::collections::{BTreeMap, HashMap};

use korrigo_domain::copies::CopyStatus;
use korrigo_domain::results::grade_hundredths;
use korrigo_domain::scheme::Points;
use korrigo_domain::stats::{self, Figures, QuestionFigures};
use korrigo_domain::{ExamId, policy};
use korrigo_store::{exams, grading, scans};
use serde::Serialize;

use crate::accounts::AuthSession;
use crate::{App, AppError};

/// Intervals of the histogram (one point wide on a scale of 20).
const BINS: usize = 20;

/// One question's line.
#[derive(Debug, Serialize)]
pub struct QuestionLine {
    pub question: String,
    pub label: String,
    pub max: f64,
    /// None while no copy has a score for it.
    pub figures: Option<QuestionFigures>,
}

/// One corrector's line.
#[derive(Debug, Serialize)]
pub struct CorrectorLine {
    pub corrector: String,
    pub figures: Figures,
}

/// The statistics an exam's page shows.
#[derive(Debug, Serialize)]
pub struct ExamStats {
    /// The grade scale (20 by default).
    pub scale: u32,
    /// Over the graded copies seen (None before the first).
    pub overall: Option<Figures>,
    /// Copies per interval of `scale / histogram.len()` points.
    pub histogram: Vec<usize>,
    pub questions: Vec<QuestionLine>,
    /// Managers only: each corrector's figures (by copies).
    pub correctors: Vec<CorrectorLine>,
}

impl App {
    /// An exam's statistics: every graded copy for its managers; the copies they graded for
    /// a corrector.
    pub async fn exam_stats(
        &self,
        s: &AuthSession,
        exam_id: ExamId,
    ) -> Result<ExamStats, AppError> {
        let (exam, role) = self.exam_access(s, exam_id).await?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        let mut c = self.db.read().await?;
        let (copies, _) = scans::list_copies(c.conn(), exam_id.0, 1_000_000, 0).await?;
        let scores = grading::scores_of_exam(c.conn(), exam_id.0).await?;
        let members = exams::members(c.conn(), exam_id).await?;
        drop(c);
        let seen: Vec<&scans::Copy> = copies
            .iter()
            .filter(|k| {
                matches!(
                    k.status,
                    CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
                ) && (manager || k.corrector_id == Some(s.user.id.0))
            })
            .collect();
        let mut by_copy: HashMap<i64, Vec<(&str, i64)>> = HashMap::new();
        for sc in &scores {
            by_copy
                .entry(sc.copy_id)
                .or_default()
                .push((sc.question_id.as_str(), sc.points));
        }
        let scheme_total = exam.scheme.total();
        let grade = |k: &scans::Copy| {
            let total: i64 = by_copy
                .get(&k.id)
                .map_or(0, |v| v.iter().map(|(_, p)| p).sum());
            grade_hundredths(
                Points(u32::try_from(total).unwrap_or(0)),
                scheme_total,
                exam.grade_scale,
            )
        };
        let grades: Vec<u32> = seen.iter().map(|k| grade(k)).collect();
        let questions = exam
            .scheme
            .leaves()
            .into_iter()
            .map(|(id, label, max)| {
                let points: Vec<u32> = seen
                    .iter()
                    .filter_map(|k| {
                        by_copy
                            .get(&k.id)?
                            .iter()
                            .find(|(q, _)| *q == id)
                            .map(|(_, p)| u32::try_from(*p).unwrap_or(0))
                    })
                    .collect();
                QuestionLine {
                    figures: stats::question_figures(&points, max.0),
                    question: id,
                    label,
                    max: max.as_f64(),
                }
            })
            .collect();
        let mut correctors = vec![];
        if manager {
            let names: HashMap<i64, &str> = members
                .iter()
                .map(|m| (m.user_id, m.username.as_str()))
                .collect();
            let mut per: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
            for k in &seen {
                if let Some(name) = k.corrector_id.and_then(|id| names.get(&id)) {
                    per.entry(name).or_default().push(grade(k));
                }
            }
            correctors = per
                .into_iter()
                .filter_map(|(name, g)| {
                    Some(CorrectorLine {
                        corrector: name.to_string(),
                        figures: stats::figures(&g)?,
                    })
                })
                .collect();
        }
        Ok(ExamStats {
            scale: exam.grade_scale,
            overall: stats::figures(&grades),
            histogram: stats::histogram(&grades, exam.grade_scale, BINS),
            questions,
            correctors,
        })
    }
}
