//! A copy's final PDF from what is stored: its pages' images, its marks, its scores with the
//! scheme's labels, the appreciation, and the student when identified. The summary is in
//! French, the language of the schools Korrigo serves.

use std::sync::Arc;

use korrigo_domain::ExamId;
use korrigo_domain::adjust::final_grade;
use korrigo_domain::marks::Mark;
use korrigo_domain::results::{french_points, french_short, grade_hundredths};
use korrigo_domain::scheme::{Points, SchemeNode};
use korrigo_media::final_pdf::{FinalPage, Summary, SummaryRow, final_pdf};
use korrigo_store::results::{self as results_store, PdfRow};
use korrigo_store::{exams, grading, scans, students};

use crate::App;

impl App {
    /// Gathers the copy and writes its PDF (off the async threads). The error is the reason
    /// shown to managers.
    pub(super) async fn make_final_pdf(&self, row: &PdfRow) -> Result<Vec<u8>, String> {
        let err = |e: korrigo_store::StoreError| e.to_string();
        let mut c = self.db.read().await.map_err(err)?;
        let exam = exams::find(c.conn(), ExamId(row.exam_id))
            .await
            .map_err(err)?
            .ok_or("the exam is gone")?;
        let pages = scans::pages_of_copies(c.conn(), &[row.id])
            .await
            .map_err(err)?;
        let marks = grading::annotations_of(c.conn(), row.id)
            .await
            .map_err(err)?;
        let scores = grading::scores_of(c.conn(), row.id).await.map_err(err)?;
        let appreciation = grading::appreciation_of(c.conn(), row.id)
            .await
            .map_err(err)?;
        let student = match row.student_id {
            Some(id) => students::find(c.conn(), id).await.map_err(err)?,
            None => None,
        };
        let adjustment = results_store::adjustments_of_copies(c.conn(), &[row.id])
            .await
            .map_err(err)?
            .into_iter()
            .next()
            .map(|(_, a)| a.adjustment);
        drop(c);

        let mut final_pages = Vec::with_capacity(pages.len());
        for p in &pages {
            let jpeg = self
                .files
                .get(&p.viewer_key)
                .await
                .map_err(err)?
                .ok_or_else(|| format!("the image of page {} is missing", p.position))?;
            let marks = marks
                .iter()
                .filter(|m| m.page_id == p.id)
                .filter_map(|m| {
                    let data = serde_json::from_str(&m.data).ok()?;
                    Mark::from_stored(&m.kind, &data, true)
                })
                .collect();
            final_pages.push(FinalPage {
                jpeg: Arc::new(jpeg),
                width: u32::try_from(p.width).unwrap_or(0),
                height: u32::try_from(p.height).unwrap_or(0),
                rotation: u16::try_from(p.rotation.rem_euclid(360)).unwrap_or(0),
                marks,
            });
        }

        let points: std::collections::HashMap<&str, (i64, &str)> = scores
            .iter()
            .map(|s| (s.question_id.as_str(), (s.points, s.remark.as_str())))
            .collect();
        let total =
            Points(u32::try_from(scores.iter().map(|s| s.points).sum::<i64>()).unwrap_or(0));
        let scheme_total = exam.scheme.total();
        let raw = grade_hundredths(total, scheme_total, exam.grade_scale);
        let grade = final_grade(raw, exam.grade_scale, adjustment);
        let mut rows = vec![];
        fn walk(
            nodes: &[SchemeNode],
            depth: u8,
            points: &std::collections::HashMap<&str, (i64, &str)>,
            rows: &mut Vec<SummaryRow>,
        ) {
            for n in nodes {
                if n.children.is_empty() {
                    let max = n.max_points.unwrap_or_default();
                    let (got, remark) = points.get(n.id.as_str()).copied().unwrap_or((0, ""));
                    let got = Points(u32::try_from(got).unwrap_or(0));
                    rows.push(SummaryRow {
                        label: n.label.clone(),
                        depth,
                        points: format!("{} / {}", french_points(got), french_points(max)),
                        remark: remark.to_string(),
                    });
                } else {
                    rows.push(SummaryRow {
                        label: n.label.clone(),
                        depth,
                        ..Default::default()
                    });
                    walk(&n.children, depth + 1, points, rows);
                }
            }
        }
        walk(&exam.scheme.nodes, 0, &points, &mut rows);

        let mut lines = vec![format!("Copie {}", row.code)];
        if let Some(st) = &student {
            lines.push(format!(
                "Élève : {} {}",
                st.last_name.to_uppercase(),
                st.first_name
            ));
        }
        let mut about = vec![];
        if !exam.subject.trim().is_empty() {
            about.push(exam.subject.clone());
        }
        if let Some(d) = exam.date {
            about.push(d.french());
        }
        if !about.is_empty() {
            lines.push(about.join(" — "));
        }
        let mut total_line = format!("Note : {} / {}", french_short(grade), exam.grade_scale);
        if scheme_total.0 != exam.grade_scale * 4 {
            total_line.push_str(&format!(
                "   ({} / {} points)",
                french_points(total),
                french_points(scheme_total)
            ));
        }
        let summary = Summary {
            title: exam.name.clone(),
            lines,
            total: total_line,
            // Transparent: the student sees that and how the grade was harmonised.
            total_note: adjustment.map(|a| {
                format!(
                    "Note harmonisée : {} / {} avant harmonisation ({})",
                    french_short(raw),
                    exam.grade_scale,
                    a.describe()
                )
            }),
            headings: ["Question".into(), "Points".into(), "Remarque".into()],
            rows,
            appreciation: (
                "Appréciation".into(),
                appreciation.map(|a| a.text).unwrap_or_default(),
            ),
        };
        tokio::task::spawn_blocking(move || final_pdf(&final_pages, &summary))
            .await
            .map_err(|e| format!("the PDF writer stopped: {e}"))?
            .map_err(|e| e.to_string())
    }
}
