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
