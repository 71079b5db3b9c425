//! Exports of an exam's results (managers): the Pronote CSV, the gradebook as CSV or XLSX.
//! Only graded copies of identified students are exported, and the export is refused, naming
//! the copies, while a graded copy is not identified. Every export is audited.

use std::collections::HashMap;

use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::CopyStatus;
use korrigo_domain::gradebook::{Cell, Gradebook};
use korrigo_domain::identify::IdMethod;
use korrigo_domain::pronote::{self, PronoteRow};
use korrigo_domain::scheme::Points;
use korrigo_domain::text::collate;
use korrigo_domain::{Date, ExamId};
use korrigo_store::{grading, identify, scans};

use super::FinalGrades;
use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The Pronote CSV (SPEC's contract, exact to the byte).
    Pronote,
    /// The gradebook as a CSV.
    Csv,
    /// The gradebook as an Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// Reads `pronote`, `csv` or `xlsx`.
    pub fn parse(s: &str) -> Result<ExportFormat, AppError> {
        match s {
            "pronote" => Ok(ExportFormat::Pronote),
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(AppError::invalid(
                "format",
                format!("unknown format `{other}`: expected pronote, csv or xlsx"),
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Pronote => "pronote",
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// An exported file.
#[derive(Debug)]
pub struct ExportFile {
    /// Its name for the browser or the disk.
    pub file_name: String,
    /// Its media type.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// One exported student: their copy's scores and appreciation.
struct Line {
    last_name: String,
    first_name: String,
    birth_date: Date,
    class: Option<String>,
    code: String,
    scores: HashMap<String, i64>,
    total: Points,
    /// Its corrector (by copies), whose harmonisation applies.
    corrector: Option<i64>,
    appreciation: String,
}

impl App {
    /// Exports an exam's results (managers). Refused with `not_ready` and `details.copies`
    /// (id, code, reason) while a graded copy is not identified.
    pub async fn export_results(
        &self,
        s: &AuthSession,
        exam_id: ExamId,
        format: ExportFormat,
        client: &ClientInfo,
    ) -> Result<ExportFile, AppError> {
        let exam = self.require_manager(s, exam_id).await?;
        let mut c = self.db.read().await?;
        let (copies, _) = scans::list_copies(c.conn(), exam_id.0, 1_000_000, 0).await?;
        let scores = grading::scores_of_exam(c.conn(), exam_id.0).await?;
        let appreciations: HashMap<i64, String> =
            grading::appreciations_of_exam(c.conn(), exam_id.0)
                .await?
                .into_iter()
                .collect();
        let students: HashMap<i64, identify::ExamStudent> =
            identify::exam_students(c.conn(), exam_id)
                .await?
                .into_iter()
                .map(|st| (st.id, st))
                .collect();
        let finals = FinalGrades::load(c.conn(), &exam).await?;
        drop(c);
        let graded = |k: &scans::Copy| {
            matches!(
                k.status,
                CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
            )
        };
        let unidentified: Vec<serde_json::Value> = copies
            .iter()
            .filter(|k| graded(k) && k.id_method.0.is_none())
            .map(|k| serde_json::json!({ "id": k.id, "code": k.code, "reason": "unidentified" }))
            .collect();
        if !unidentified.is_empty() {
            return Err(AppError::NotReady {
                message: format!(
                    "{} graded cop{} not identified yet: identify {} before exporting",
                    unidentified.len(),
                    if unidentified.len() == 1 {
                        "y is"
                    } else {
                        "ies are"
                    },
                    if unidentified.len() == 1 {
                        "it"
                    } else {
                        "them"
                    },
                ),
                details: serde_json::json!({ "copies": unidentified }),
            });
        }
        let mut by_copy: HashMap<i64, HashMap<String, i64>> = HashMap::new();
        for sc in scores {
            by_copy
                .entry(sc.copy_id)
                .or_default()
                .insert(sc.question_id, sc.points);
        }
        let mut lines: Vec<Line> = copies
            .iter()
            .filter(|k| graded(k) && k.id_method.0 != Some(IdMethod::NotStudent))
            .filter_map(|k| {
                let st = students.get(&k.student_id?)?;
                let scores = by_copy.remove(&k.id).unwrap_or_default();
                let total = Points(u32::try_from(scores.values().sum::<i64>()).unwrap_or(0));
                Some(Line {
                    last_name: st.last_name.clone(),
                    first_name: st.first_name.clone(),
                    birth_date: Date::parse(&st.birth_date).ok()?,
                    class: st.class_name.clone(),
                    code: k.code.clone(),
                    scores,
                    total,
                    corrector: k.corrector_id,
                    appreciation: appreciations.get(&k.id).cloned().unwrap_or_default(),
                })
            })
            .collect();
        lines.sort_by(|a, b| {
            collate(&a.last_name, &b.last_name)
                .then_with(|| collate(&a.first_name, &b.first_name))
                .then_with(|| a.birth_date.iso().cmp(&b.birth_date.iso()))
        });
        let scheme_total = exam.scheme.total();
        let base = crate::results::safe_name(&exam.name);
        let base = if base.is_empty() {
            format!("examen-{}", exam_id.0)
        } else {
            base
        };
        let file = match format {
            ExportFormat::Pronote => {
                let rows: Vec<PronoteRow> = lines
                    .iter()
                    .map(|l| PronoteRow {
                        last_name: l.last_name.clone(),
                        first_name: l.first_name.clone(),
                        birth_date: l.birth_date,
                        total: l.total,
                        scheme_total,
                        adjusted: finals.adjusted_on_twenty(l.corrector, l.total),
                        comment: l.appreciation.clone(),
                    })
                    .collect();
                ExportFile {
                    file_name: format!("{base}_pronote.csv"),
                    content_type: "text/csv; charset=utf-8",
                    bytes: pronote::csv(
                        &pronote::subject(&exam.subject, &exam.name),
                        exam.coefficient,
                        &rows,
                    ),
                }
            }
            ExportFormat::Csv | ExportFormat::Xlsx => {
                let book = gradebook(&exam, &lines, &finals);
                if format == ExportFormat::Csv {
                    ExportFile {
                        file_name: format!("{base}_notes.csv"),
                        content_type: "text/csv; charset=utf-8",
                        bytes: book.csv(),
                    }
                } else {
                    let sheet = exam.name.clone();
                    let bytes = tokio::task::spawn_blocking(move || {
                        korrigo_media::gradebook::xlsx(&book, &sheet)
                    })
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .map_err(AppError::Internal)?;
                    ExportFile {
                        file_name: format!("{base}_notes.xlsx"),
                        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        bytes,
                    }
                }
            }
        };
        let mut tx = self.db.begin().await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ResultsExported,
            exam_id,
            client,
            Some(serde_json::json!({ "format": format.as_str(), "rows": lines.len() })),
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }
}

/// One row per student: name, birth date, class, code, a column per question (its label path
/// and maximum), the total and the grade on the exam's scale; when the exam has a
/// harmonisation in force, the grade before it too, just before the final grade.
fn gradebook(exam: &korrigo_store::exams::Exam, lines: &[Line], finals: &FinalGrades) -> Gradebook {
    let adjusted = finals.any();
    let leaves = exam.scheme.leaves();
    let scheme_total = exam.scheme.total();
    let mut headings: Vec<String> = ["NOM", "PRENOM", "DATE_NAISSANCE", "CLASSE", "COPIE"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    for (_, label, max) in &leaves {
        headings.push(format!(
            "{label} (/{})",
            korrigo_domain::results::french_points(*max)
        ));
    }
    headings.push(format!(
        "TOTAL (/{})",
        korrigo_domain::results::french_points(scheme_total)
    ));
    if adjusted {
        headings.push(format!("NOTE AVANT HARMONISATION (/{})", exam.grade_scale));
    }
    headings.push(format!("NOTE (/{})", exam.grade_scale));
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![
                Cell::Text(l.last_name.clone()),
                Cell::Text(l.first_name.clone()),
                Cell::Text(l.birth_date.french()),
                Cell::Text(l.class.clone().unwrap_or_default()),
                Cell::Text(l.code.clone()),
            ];
            for (id, _, _) in &leaves {
                row.push(match l.scores.get(id) {
                    Some(p) => Cell::Number(*p as f64 / 4.0),
                    None => Cell::Empty,
                });
            }
            row.push(Cell::Number(l.total.as_f64()));
            if adjusted {
                row.push(Cell::Number(f64::from(finals.raw(l.total)) / 100.0));
            }
            let grade = finals.grade(l.corrector, l.total);
            row.push(Cell::Number(f64::from(grade) / 100.0));
            row
        })
        .collect();
    Gradebook { headings, rows }
}
