//! Statistics of an exam's graded copies: for its managers over every copy, with each
//! corrector's figures side by side (a severe or lenient corrector stands out); for a
//! corrector over the copies they graded (with a dispatch by questions: their questions on
//! every graded copy). Visible from the first graded copy. Grades are final grades (adjusted
//! where a harmonisation applies); each corrector's line shows both.

use std::collections::{BTreeMap, HashMap};

use korrigo_domain::copies::CopyStatus;
use korrigo_domain::scheme::Points;
use korrigo_domain::stats::{self, Figures, QuestionFigures};
use korrigo_domain::{ExamId, policy};
use korrigo_store::{exams, grading, scans};

use super::FinalGrades;
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
    /// Their username and name.
    pub corrector: String,
    pub corrector_name: String,
    /// Their grades before any harmonisation.
    pub figures: Figures,
    /// The harmonisation in force on their grades (`+0,5 point`) and the figures with it.
    pub adjustment: Option<String>,
    pub adjusted: Option<Figures>,
}

/// The statistics an exam's page shows.
#[derive(Debug, Serialize)]
pub struct ExamStats {
    /// What the figures cover: `exam` (managers: every graded copy), `my_copies` (a
    /// corrector by copies), `my_questions` (a corrector by questions: their questions only,
    /// no overall grade).
    pub scope: &'static str,
    /// The harmonisation in force on the caller's own grades (correctors), in French.
    pub my_adjustment: Option<String>,
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
        let finals = FinalGrades::load(c.conn(), &exam).await?;
        // A corrector of an exam dispatched by questions sees their questions on every copy.
        let by_questions = !manager
            && !grading::question_shares(c.conn(), exam_id.0)
                .await?
                .is_empty();
        let my_questions = if by_questions {
            Some(grading::questions_of(c.conn(), exam_id.0, s.user.id.0).await?)
        } else {
            None
        };
        drop(c);
        let scope = match (manager, &my_questions) {
            (true, _) => "exam",
            (false, None) => "my_copies",
            (false, Some(_)) => "my_questions",
        };
        let seen: Vec<&scans::Copy> = copies
            .iter()
            .filter(|k| {
                matches!(
                    k.status,
                    CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
                ) && (manager || my_questions.is_some() || k.corrector_id == Some(s.user.id.0))
            })
            .collect();
        let mut by_copy: HashMap<i64, Vec<(&str, i64)>> = HashMap::new();
        for sc in &scores {
            by_copy
                .entry(sc.copy_id)
                .or_default()
                .push((sc.question_id.as_str(), sc.points));
        }
        let total = |k: &scans::Copy| {
            let t: i64 = by_copy
                .get(&k.id)
                .map_or(0, |v| v.iter().map(|(_, p)| p).sum());
            Points(u32::try_from(t).unwrap_or(0))
        };
        let grades: Vec<u32> = if my_questions.is_some() {
            vec![]
        } else {
            // Managers see final grades; a corrector their own grades, before harmonisation.
            seen.iter()
                .map(|k| {
                    if manager {
                        finals.grade(k.corrector_id, total(k))
                    } else {
                        finals.raw(total(k))
                    }
                })
                .collect()
        };
        let questions = exam
            .scheme
            .leaves()
            .into_iter()
            .filter(|(id, _, _)| my_questions.as_ref().is_none_or(|mine| mine.contains(id)))
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
            let names: HashMap<i64, (&str, &str)> = members
                .iter()
                .map(|m| (m.user_id, (m.username.as_str(), m.display_name.as_str())))
                .collect();
            // By name: (name, username, id) → (raw grades, final grades).
            type Grades = (Vec<u32>, Vec<u32>);
            let mut per: BTreeMap<(&str, &str, i64), Grades> = BTreeMap::new();
            for k in &seen {
                let Some(id) = k.corrector_id else { continue };
                let Some((user, name)) = names.get(&id) else {
                    continue;
                };
                let e = per.entry((name, user, id)).or_default();
                e.0.push(finals.raw(total(k)));
                e.1.push(finals.grade(k.corrector_id, total(k)));
            }
            correctors = per
                .into_iter()
                .filter_map(|((name, user, id), (raw, adjusted))| {
                    let adjustment = finals.adjustment(Some(id));
                    Some(CorrectorLine {
                        corrector: user.to_string(),
                        corrector_name: name.to_string(),
                        figures: stats::figures(&raw)?,
                        adjustment: adjustment.map(|a| a.describe()),
                        adjusted: adjustment.and_then(|_| stats::figures(&adjusted)),
                    })
                })
                .collect();
        }
        Ok(ExamStats {
            scope,
            my_adjustment: (!manager)
                .then(|| finals.adjustment(Some(s.user.id.0)))
                .flatten()
                .map(|a| a.describe()),
            scale: exam.grade_scale,
            overall: stats::figures(&grades),
            histogram: stats::histogram(&grades, exam.grade_scale, BINS),
            questions,
            correctors,
        })
    }
}
