//! The student portal: my released copies (`/student`, also my home page) and one copy in full
//! (`/student/results/{copy}`): the grade, the scores by question with their remarks, the
//! appreciation, the annotated pages and the PDF. Nothing before the release, nothing of
//! anyone else (another copy is a 404).

use super::{Layout, layout, page_error, render};
use crate::AppState;
use crate::auth::PageSession;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use korrigo_app::accounts::AuthSession;
use korrigo_app::results::{StudentResult, StudentResultItem};
use korrigo_domain::Date;

/// One released copy in a list.
pub struct ResultRow {
    pub(crate) copy: i64,
    pub(crate) exam: String,
    /// "Mathématiques · 12/03/2026".
    pub(crate) about: String,
    /// "14,5 / 20".
    pub(crate) grade: String,
}

fn about(subject: &str, date: Option<&str>) -> String {
    let date = date.and_then(|d| Date::parse(d).ok()).map(|d| d.french());
    [
        Some(subject.to_string()).filter(|s| !s.trim().is_empty()),
        date,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

impl From<&StudentResultItem> for ResultRow {
    fn from(i: &StudentResultItem) -> Self {
        ResultRow {
            copy: i.copy,
            exam: i.exam.clone(),
            about: about(&i.subject, i.date.as_deref()),
            grade: format!("{} / {}", i.grade, i.scale),
        }
    }
}

/// The student's released copies, for the portal and the home page.
pub(crate) async fn rows(
    st: &AppState,
    s: &AuthSession,
) -> Result<Vec<ResultRow>, korrigo_app::AppError> {
    Ok(st.app.my_results(s).await?.iter().map(Into::into).collect())
}

#[derive(Template)]
#[template(path = "student_results.html")]
struct ResultsPage {
    l: Layout,
    results: Vec<ResultRow>,
}

/// `GET /student`: my released copies.
pub async fn results(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
) -> Response {
    match rows(&st, &s).await {
        Ok(results) => render(&ResultsPage {
            l: layout(&st, Some(&s), &headers, "nav.results"),
            results,
        }),
        Err(e) => page_error(&st, &s, &headers, e),
    }
}

/// One question's line.
pub struct QuestionRow {
    pub(crate) label: String,
    pub(crate) points: String,
    pub(crate) remark: String,
}

#[derive(Template)]
#[template(path = "student_copy.html")]
struct CopyPage {
    l: Layout,
    exam: String,
    about: String,
    grade: String,
    /// "(29 / 40 points)" when the scheme is not on the grade's scale.
    points: String,
    questions: Vec<QuestionRow>,
    appreciation: String,
    pdf_url: Option<String>,
    pages: String,
    script: String,
}

fn fr(v: f64) -> String {
    korrigo_domain::gradebook::french_number(v)
}

/// `GET /student/results/{copy}`: one released copy in full.
pub async fn copy(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(copy): Path<i64>,
) -> Response {
    let r: StudentResult = match st.app.my_result(&s, copy).await {
        Ok(r) => r,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let points = if (r.scheme_total - r.item.scale as f64).abs() > f64::EPSILON {
        format!("({} / {} points)", fr(r.total), fr(r.scheme_total))
    } else {
        String::new()
    };
    render(&CopyPage {
        l: layout(&st, Some(&s), &headers, "nav.results"),
        exam: r.item.exam.clone(),
        about: about(&r.item.subject, r.item.date.as_deref()),
        grade: format!("{} / {}", r.item.grade, r.item.scale),
        points,
        questions: r
            .questions
            .iter()
            .map(|q| QuestionRow {
                label: q.label.clone(),
                points: format!(
                    "{} / {}",
                    q.points.map(fr).unwrap_or_else(|| "—".into()),
                    fr(q.max)
                ),
                remark: q.remark.clone(),
            })
            .collect(),
        appreciation: r.appreciation.clone(),
        pdf_url: r.pdf_url.clone(),
        pages: serde_json::to_string(&r.pages).unwrap_or_default(),
        script: st.assets.url("results/copy.js").to_string(),
    })
}
