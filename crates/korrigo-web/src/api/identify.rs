//! The identification desk: copies with what was read and their suggestions, manual
//! identification, type-ahead over the exam's students, re-reading an exam. Managers only.

use super::ApiJson;
use crate::AppState;
use crate::auth::{Session, StaffSession};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
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
