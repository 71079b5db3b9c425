//! Grading pages: the corrector's dashboard (`/grading`) and the corrector desk
//! (`/grading/copies/{id}`). Copies are shown by their anonymous code only.

use super::{Layout, layout, page_error, render};
use crate::AppState;
use crate::auth::PageSession;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use korrigo_domain::ExamId;

/// One copy of the dashboard.
pub struct CopyRow {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) state_key: &'static str,
}

/// One exam of the dashboard with my counts.
pub struct ExamGrading {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) to_grade: usize,
    pub(crate) in_progress: usize,
    pub(crate) graded: usize,
    /// By questions: the labels of the questions I grade on every copy (empty by copies).
    pub(crate) my_questions: String,
    /// The copy "Next copy" opens: one in progress first, else one to grade.
    pub(crate) next: Option<i64>,
    pub(crate) copies: Vec<CopyRow>,
    /// The harmonisation a manager applied to my grades in this exam ("+0,5 point"), if any.
    pub(crate) adjustment: Option<String>,
}

/// `GET /grading/exams/{id}/stats`: a corrector's statistics in an exam (the copies they
/// graded, or their questions on every copy), and the harmonisation of their grades.
pub async fn my_stats(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let exam = match st.app.get_exam(&s, ExamId(id)).await {
        Ok(v) => v.exam,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let stats = match st.app.exam_stats(&s, ExamId(id)).await {
        Ok(x) => x,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let l = layout(&st, Some(&s), &headers, "nav.grading");
    let view = super::results::StatsView::of(&stats, &l);
    render(&MyStatsPage {
        name: exam.name,
        scope_key: match stats.scope {
            "my_questions" => "grading.stats_scope_questions",
            "my_copies" => "grading.stats_scope_copies",
            _ => "grading.stats_scope_exam",
        },
        adjustment: stats.my_adjustment.clone(),
        v: view,
        l,
    })
}

#[derive(Template)]
#[template(path = "grading_stats.html")]
struct MyStatsPage {
    l: Layout,
    name: String,
    scope_key: &'static str,
    adjustment: Option<String>,
    v: super::results::StatsView,
}

#[derive(Template)]
#[template(path = "grading.html")]
struct GradingPage {
    l: Layout,
    exams: Vec<ExamGrading>,
}

/// `GET /grading`: the exams I grade, my counts, and a "Next copy" button per exam.
pub async fn dashboard(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
) -> Response {
    let items = match st.app.my_grading_copies(&s, None).await {
        Ok(i) => i,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let adjustments = match st.app.my_adjustments(&s).await {
        Ok(a) => a,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let mut exams: Vec<ExamGrading> = Vec::new();
    for item in items {
        if exams.last().is_none_or(|e| e.id != item.exam) {
            let exam = match st.app.get_exam(&s, ExamId(item.exam)).await {
                Ok(v) => v.exam,
                Err(e) => return page_error(&st, &s, &headers, e),
            };
            let leaves = exam.scheme.leaves();
            let my_questions = if item.questions.len() < leaves.len() {
                leaves
                    .iter()
                    .filter(|l| item.questions.contains(&l.0))
                    .map(|l| l.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            };
            exams.push(ExamGrading {
                id: item.exam,
                name: exam.name,
                my_questions,
                to_grade: 0,
                in_progress: 0,
                graded: 0,
                next: None,
                copies: Vec::new(),
                adjustment: adjustments
                    .iter()
                    .find(|a| a.exam == item.exam)
                    .map(|a| a.adjustment.description.clone()),
            });
        }
        let e = exams.last_mut().expect("pushed above");
        let state_key = match item.my_status {
            "to_grade" => {
                e.to_grade += 1;
                "grading.my_to_grade"
            }
            "in_progress" => {
                e.in_progress += 1;
                "grading.my_in_progress"
            }
            _ => {
                e.graded += 1;
                "grading.my_graded"
            }
        };
        e.copies.push(CopyRow {
            id: item.id,
            code: item.code,
            state_key,
        });
    }
    for e in &mut exams {
        let first = |key: &str| e.copies.iter().find(|c| c.state_key == key).map(|c| c.id);
        e.next = first("grading.my_in_progress").or_else(|| first("grading.my_to_grade"));
    }
    render(&GradingPage {
        l: layout(&st, Some(&s), &headers, "nav.grading"),
        exams,
    })
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    l: Layout,
    id: i64,
    code: String,
    messages: String,
    initial: String,
    desk_js: String,
}

/// `GET /grading/copies/{id}`: the corrector desk. The copy's data comes with the page (one
/// round trip less before the first page shows); the next copies are fetched by the script.
pub async fn desk(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let view = match st.app.copy_grading(&s, id).await {
        Ok(v) => v,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let l = layout(&st, Some(&s), &headers, "nav.grading");
    render(&DeskPage {
        messages: l.t.messages("desk."),
        l,
        id,
        code: view.copy.code.clone(),
        initial: serde_json::to_string(&view).unwrap_or_default(),
        desk_js: st.assets.url("grading/desk.js").to_string(),
    })
}
