//! Results: a copy's final PDF (download, retry).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Session;
use crate::client::RequestContext;
use crate::error::ApiError;
use korrigo_app::results::{ExportFormat, PdfState};
use korrigo_domain::ExamId;
use serde::Deserialize;

/// `GET /api/copies/{id}/pdf/` (managers): the final PDF, `Cache-Control: private, no-store`,
/// downloaded as `NOM_Prenom_code.pdf` (or `code.pdf`); 409 `not_ready` with the state in
/// `details` while it is being made or when it failed.
pub async fn pdf(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let file = st.app.copy_pdf(&s, id).await?;
    let mut r = file.bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // The name holds only ASCII letters, digits, hyphens and underscores (safe_name).
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// `POST /api/copies/{id}/pdf/retry/` (managers): makes a failed PDF again.
pub async fn retry(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<PdfState>, ApiError> {
    Ok(Json(st.app.retry_copy_pdf(&s, id).await?))
}

/// `?format=pronote|csv|xlsx`.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// The format (required).
    pub format: Option<String>,
}

/// `GET /api/exams/{id}/export/?format=pronote|csv|xlsx` (managers): the Pronote CSV or the
/// gradebook; 409 `not_ready` with `details.copies` while a graded copy is not identified.
pub async fn export(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = ExportFormat::parse(q.format.as_deref().unwrap_or(""))?;
    let file = st
        .app
        .export_results(&s, ExamId(id), format, &ctx.client())
        .await?;
    let mut r = file.bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
