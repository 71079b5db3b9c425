//! The identification desk: copies with what was read and their suggestions, manual
//! identification, type-ahead over the exam's students, re-reading an exam, identification
//! label sheets. Managers only.

use super::ApiJson;
use crate::AppState;
use crate::auth::{Session, StaffSession};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use korrigo_app::identify::{DeskList, IdentifyInput, StudentRef};
use korrigo_domain::ExamId;
use serde::{Deserialize, Serialize};

/// `?filter=` of the desk.
#[derive(Debug, Default, Deserialize)]
pub struct DeskQuery {
    /// `pending` (default), `auto`, `manual` or `all`.
    pub filter: Option<String>,
}

/// `GET /api/exams/{id}/identification/`.
pub async fn desk(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    Query(q): Query<DeskQuery>,
) -> Result<Json<DeskList>, ApiError> {
    let filter = q.filter.as_deref().unwrap_or("pending");
    Ok(Json(
        st.app.identification_desk(&s, ExamId(id), filter).await?,
    ))
}

/// `POST /api/copies/{id}/identification/` → 204; 409 `confirmation_required` when the student
/// is on another copy (resend with `swap: true`).
pub async fn identify(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<IdentifyInput>,
) -> Result<StatusCode, ApiError> {
    st.app.identify_copy(&s, id, &b, &ctx.client()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?q=` of the student search.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
}

/// The students found.
#[derive(Debug, Serialize)]
pub struct StudentList {
    pub items: Vec<StudentRef>,
}

/// `GET /api/exams/{id}/students/?q=`: the exam's students matching `q` (at most 20).
pub async fn students(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<StudentList>, ApiError> {
    Ok(Json(StudentList {
        items: st
            .app
            .search_exam_students(&s, ExamId(id), q.q.as_deref().unwrap_or(""))
            .await?,
    }))
}

/// `POST /api/exams/{id}/identification/rerun/` → 202 `{"queued": n}`: reads every copy again.
pub async fn rerun(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let n = st.app.rerun_identification(&s, ExamId(id)).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "queued": n })),
    ))
}

impl super::BodyLimits for korrigo_app::labels::LabelsInput {}

/// `POST /api/exams/{id}/labels/` `{"class"?, "per_student"?, "skip"?}` → the label sheets
/// (PDF, 3 × 8 labels of 70 × 37 mm per A4 sheet), one class after another; headers
/// `x-label-students` and `x-labels` count them. Gives students without a label token one.
pub async fn labels(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<korrigo_app::labels::LabelsInput>,
) -> Result<Response, ApiError> {
    let out = st
        .app
        .exam_labels(&s, ExamId(id), &b, &ctx.client())
        .await?;
    let mut r = out.pdf.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"etiquettes-devoir-{id}.pdf\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-label-students", HeaderValue::from(out.students));
    h.insert("x-labels", HeaderValue::from(out.labels));
    Ok(r)
}
