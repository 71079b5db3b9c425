//! The student portal: a student's released copies, each with its grade, its scores by
//! question with their labels and remarks, the appreciation, the annotated pages and the PDF.
//! Nothing before the release; nothing of anyone else (another copy answers 404, as if it did
//! not exist).

use std::collections::HashMap;

use korrigo_domain::adjust::{Adjustment, final_grade};
use korrigo_domain::results::{french_short, grade_hundredths};
use korrigo_domain::scheme::{Points, Scheme};
use korrigo_domain::{Date, Role};
use korrigo_store::results::{self as store, ReleasedCopy};
use korrigo_store::{grading, scans};
use serde::Serialize;

use crate::accounts::AuthSession;
use crate::{App, AppError};

/// A released copy in the student's list.
#[derive(Debug, Serialize)]
pub struct StudentResultItem {
    /// The copy (for its page).
    pub copy: i64,
    /// The exam's name, subject and date (ISO).
    pub exam: String,
    pub subject: String,
    pub date: Option<String>,
    /// The grade on the exam's scale, written the French way (`14,5`), and the scale.
    pub grade: String,
    /// The same in hundredths (for `/api/me/results/`).
    #[serde(skip)]
    pub grade_hundredths: u32,
    pub scale: i64,
    /// The grade was harmonised (the corrector's grades adjusted by the exam's managers):
    /// how, in French (`+0,5 point`); then `grade` is the adjusted grade.
    pub harmonised: Option<String>,
    /// When it was released (ms).
    pub released_at: i64,
}

/// One question's result.
#[derive(Debug, Serialize)]
pub struct QuestionResult {
    /// Its stable id in the scheme.
    pub question: String,
    /// Its label path ("Exercice 1 · a)").
    pub label: String,
    /// Points obtained (None: not scored) and the maximum.
    pub points: Option<f64>,
    pub max: f64,
    /// The corrector's remark.
    pub remark: String,
}

/// One page as the student sees it: the scan and the marks drawn on it.
#[derive(Debug, Serialize)]
pub struct ResultPage {
    pub id: i64,
    pub position: i64,
    pub image_url: String,
    pub width: i64,
    pub height: i64,
    pub rotation: i64,
    /// The marks: `kind` and `data` as the desk draws them.
    pub marks: Vec<serde_json::Value>,
}

/// The exam of a released copy.
#[derive(Debug, Serialize)]
pub struct ExamRef {
    pub id: i64,
    pub name: String,
    pub subject: String,
    /// ISO date.
    pub date: Option<String>,
}

/// One question's score in `/api/me/results/`.
#[derive(Debug, Serialize)]
pub struct ScoreResult {
    pub question: String,
    pub label: String,
    /// None: not scored.
    pub points: Option<f64>,
    pub max_points: f64,
    pub remark: String,
}

/// A released copy as `GET /api/me/results/` gives it (the contract schools' scripts use).
#[derive(Debug, Serialize)]
pub struct MyResult {
    pub exam: ExamRef,
    pub copy: i64,
    /// The final grade on the exam's scale (harmonised when its corrector's grades are).
    pub grade: f64,
    pub grade_scale: i64,
    /// How the grade was harmonised (`+0,5 point`), if it was.
    pub harmonised: Option<String>,
    /// Points obtained and the scheme's total.
    pub total: f64,
    pub max_total: f64,
    pub scores: Vec<ScoreResult>,
    pub appreciation: String,
    pub pdf_url: Option<String>,
    pub pages: Vec<ResultPage>,
    /// When it was released (ms).
    pub released_at: i64,
}

/// A released copy in full.
#[derive(Debug, Serialize)]
pub struct StudentResult {
    #[serde(flatten)]
    pub item: StudentResultItem,
    /// The total in points and the scheme's.
    pub total: f64,
    pub scheme_total: f64,
    pub questions: Vec<QuestionResult>,
    pub appreciation: String,
    pub pages: Vec<ResultPage>,
    /// The annotated PDF, once made.
    pub pdf_url: Option<String>,
}

fn item(
    r: &ReleasedCopy,
    total: Points,
    scheme: &Scheme,
    adjustment: Option<Adjustment>,
) -> StudentResultItem {
    let scale = u32::try_from(r.grade_scale).unwrap_or(20);
    let grade = final_grade(
        grade_hundredths(total, scheme.total(), scale),
        scale,
        adjustment,
    );
    StudentResultItem {
        copy: r.copy_id,
        exam: r.exam_name.clone(),
        subject: r.subject.clone(),
        date: r
            .date
            .as_deref()
            .and_then(|d| Date::parse(d).ok())
            .map(|d| d.iso()),
        grade: french_short(grade),
        grade_hundredths: grade,
        scale: r.grade_scale,
        harmonised: adjustment.map(|a| a.describe()),
        released_at: r.released_at,
    }
}

fn scheme_of(r: &ReleasedCopy) -> Scheme {
    serde_json::from_str(&r.scheme).unwrap_or_default()
}

impl App {
    async fn released(
        &self,
        s: &AuthSession,
        copy: Option<i64>,
    ) -> Result<Vec<ReleasedCopy>, AppError> {
        if s.user.role != Role::Student {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.read().await?;
        Ok(store::released_to(c.conn(), s.user.id.0, copy).await?)
    }

    /// The copy released to this student (None otherwise): for the page images and the PDF.
    pub(crate) async fn released_copy_of(
        &self,
        s: &AuthSession,
        copy: i64,
    ) -> Result<Option<ReleasedCopy>, AppError> {
        if s.user.role != Role::Student {
            return Ok(None);
        }
        Ok(self.released(s, Some(copy)).await?.into_iter().next())
    }

    /// The student's released copies, newest first.
    pub async fn my_results(&self, s: &AuthSession) -> Result<Vec<StudentResultItem>, AppError> {
        let rows = self.released(s, None).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.copy_id).collect();
        let mut c = self.db.read().await?;
        let totals = grading::totals_of(c.conn(), &ids).await?;
        let adjustments: HashMap<i64, Adjustment> = store::adjustments_of_copies(c.conn(), &ids)
            .await?
            .into_iter()
            .map(|(k, a)| (k, a.adjustment))
            .collect();
        drop(c);
        Ok(rows
            .iter()
            .map(|r| {
                let total = totals.get(&r.copy_id).copied().unwrap_or(0);
                item(
                    r,
                    Points(u32::try_from(total).unwrap_or(0)),
                    &scheme_of(r),
                    adjustments.get(&r.copy_id).copied(),
                )
            })
            .collect())
    }

    /// Every released copy of the student's in full, newest first (`/api/me/results/`).
    pub async fn my_results_full(&self, s: &AuthSession) -> Result<Vec<MyResult>, AppError> {
        let rows = self.released(s, None).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let full = self.my_result(s, r.copy_id).await?;
            out.push(MyResult {
                exam: ExamRef {
                    id: r.exam_id,
                    name: full.item.exam,
                    subject: full.item.subject,
                    date: full.item.date,
                },
                copy: r.copy_id,
                grade: f64::from(full.item.grade_hundredths) / 100.0,
                grade_scale: full.item.scale,
                harmonised: full.item.harmonised,
                total: full.total,
                max_total: full.scheme_total,
                scores: full
                    .questions
                    .into_iter()
                    .map(|q| ScoreResult {
                        question: q.question,
                        label: q.label,
                        points: q.points,
                        max_points: q.max,
                        remark: q.remark,
                    })
                    .collect(),
                appreciation: full.appreciation,
                pdf_url: full.pdf_url,
                pages: full.pages,
                released_at: full.item.released_at,
            });
        }
        Ok(out)
    }

    /// One released copy in full (404 for any other copy).
    pub async fn my_result(&self, s: &AuthSession, copy: i64) -> Result<StudentResult, AppError> {
        let r = self
            .released(s, Some(copy))
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound("copy"))?;
        let scheme = scheme_of(&r);
        let mut c = self.db.read().await?;
        let scores = grading::scores_of(c.conn(), copy).await?;
        let appreciation = grading::appreciation_of(c.conn(), copy).await?;
        let pages = scans::pages_of_copies(c.conn(), &[copy]).await?;
        let marks = grading::annotations_of(c.conn(), copy).await?;
        let adjustment = store::adjustments_of_copies(c.conn(), &[copy])
            .await?
            .into_iter()
            .next()
            .map(|(_, a)| a.adjustment);
        drop(c);
        let by_q: HashMap<&str, (i64, &str)> = scores
            .iter()
            .map(|s| (s.question_id.as_str(), (s.points, s.remark.as_str())))
            .collect();
        let total =
            Points(u32::try_from(scores.iter().map(|s| s.points).sum::<i64>()).unwrap_or(0));
        let questions = scheme
            .leaves()
            .into_iter()
            .map(|(id, label, max)| {
                let got = by_q.get(id.as_str());
                QuestionResult {
                    question: id.clone(),
                    label,
                    points: got.map(|(p, _)| *p as f64 / 4.0),
                    max: max.as_f64(),
                    remark: got.map(|(_, r)| r.to_string()).unwrap_or_default(),
                }
            })
            .collect();
        let pages = pages
            .iter()
            .map(|p| ResultPage {
                id: p.id,
                position: p.position,
                image_url: format!("/api/pages/{}/image/", p.id),
                width: p.width,
                height: p.height,
                rotation: p.rotation,
                marks: marks
                    .iter()
                    .filter(|m| m.page_id == p.id)
                    .map(|m| {
                        serde_json::json!({
                            "kind": m.kind,
                            "data": serde_json::from_str::<serde_json::Value>(&m.data)
                                .unwrap_or_default(),
                        })
                    })
                    .collect(),
            })
            .collect();
        Ok(StudentResult {
            item: item(&r, total, &scheme, adjustment),
            total: total.as_f64(),
            scheme_total: scheme.total().as_f64(),
            questions,
            appreciation: appreciation.map(|a| a.text).unwrap_or_default(),
            pages,
            pdf_url: r
                .pdf_key
                .is_some()
                .then(|| format!("/api/copies/{copy}/pdf/")),
        })
    }
}
