//! Results: a copy's final PDF (download, retry).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::Session;
use crate::client::RequestContext;
use crate::error::ApiError;
use korrigo_app::results::{ExportFormat, PdfState, ReleaseView, StudentResult};
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

/// `POST /api/exams/{id}/release/` body.
#[derive(Debug, Default, Deserialize)]
pub struct ReleaseInput {
    /// Release only the graded and identified copies, leaving the others out.
    #[serde(default)]
    pub only_ready: bool,
}

impl super::BodyLimits for ReleaseInput {}

/// `POST /api/exams/{id}/release/` `{"only_ready"?}` (managers): releases the results to the
/// students; 409 `not_ready` with `details.copies` (id, code, reason) while copies are not
/// graded or not identified, unless `only_ready`.
pub async fn release(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
    super::ApiJson(b): super::ApiJson<ReleaseInput>,
) -> Result<Json<ReleaseView>, ApiError> {
    Ok(Json(
        st.app
            .release_results(&s, ExamId(id), b.only_ready, &ctx.client())
            .await?,
    ))
}

/// `POST /api/exams/{id}/withdraw/` (managers): students no longer see the results.
pub async fn withdraw(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<ReleaseView>, ApiError> {
    Ok(Json(
        st.app
            .withdraw_results(&s, ExamId(id), &ctx.client())
            .await?,
    ))
}

/// `GET /api/me/results/` (students): every released copy of mine in full, newest first:
/// `{"items": [{"exam": {"id", "name", "subject", "date"}, "copy", "grade", "grade_scale",
/// "total", "max_total", "scores": [...], "appreciation", "pdf_url", "pages": [...]}]}`.
pub async fn me_results(
    State(st): State<AppState>,
    Session(s): Session,
) -> Result<Json<serde_json::Value>, ApiError> {
    let items = st.app.my_results_full(&s).await?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `GET /api/student/results/` (students): my released copies, newest first.
pub async fn mine(
    State(st): State<AppState>,
    Session(s): Session,
) -> Result<Json<serde_json::Value>, ApiError> {
    let items = st.app.my_results(&s).await?;
    Ok(Json(serde_json::json!({ "items": items })))
}

/// `GET /api/student/results/{copy}/` (students): one released copy in full; 404 for any
/// copy that is not mine or not released.
pub async fn my_copy(
    State(st): State<AppState>,
    Session(s): Session,
    Path(copy): Path<i64>,
) -> Result<Json<StudentResult>, ApiError> {
    Ok(Json(st.app.my_result(&s, copy).await?))
}

/// A `Write` that hands each written buffer to the response body (from the blocking thread
/// writing the ZIP); it fails once the client is gone, which stops the writing.
struct BodyWriter(tokio::sync::mpsc::Sender<std::io::Result<axum::body::Bytes>>);

impl std::io::Write for BodyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(axum::body::Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `GET /api/exams/{id}/pdfs.zip` (managers): every final PDF of the exam in one ZIP, named
/// `NOM_Prenom_code.pdf` (or `code.pdf`), streamed while it is written (constant memory); 409
/// `not_ready` with `details` `{"ready", "generating", "failed"}` while PDFs are being made.
pub async fn pdfs_zip(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let bundle = st.app.pdf_bundle(&s, ExamId(id)).await?;
    // A few buffers in flight: the writer waits for the client, never the other way round.
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let file_name = bundle.file_name.clone();
    tokio::task::spawn_blocking(move || {
        let errors = tx.clone();
        // A copy buffer of 64 KiB between the files and the response.
        let out = std::io::BufWriter::with_capacity(64 << 10, BodyWriter(tx));
        if let Err(e) = bundle.write(out) {
            tracing::warn!(error = %e, "the PDFs' ZIP stopped");
            let _ = errors.blocking_send(Err(e));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let body = axum::body::Body::from_stream(stream);
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// `GET /api/exams/{id}/stats/` (managers: every graded copy, and each corrector's figures;
/// a corrector: the copies they graded): count, mean, median, standard deviation, min, max,
/// the histogram, and each question's mean and success rate.
pub async fn stats(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<korrigo_app::results::ExamStats>, ApiError> {
    Ok(Json(st.app.exam_stats(&s, ExamId(id)).await?))
}

impl super::BodyLimits for korrigo_app::results::AdjustmentInput {}

/// `GET /api/exams/{id}/adjustments/` (managers: every harmonisation of the exam, in force
/// first; a corrector: those of their own grades).
pub async fn adjustments(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<korrigo_app::results::AdjustmentList>, ApiError> {
    Ok(Json(st.app.exam_adjustments(&s, ExamId(id)).await?))
}

/// `POST /api/exams/{id}/adjustments/` `{"corrector", "kind": "offset"|"linear", "offset"?,
/// "anchors"?, "preview"?}` (managers): previews or applies a harmonisation of one
/// corrector's grades, with their distribution before and after.
pub async fn adjust(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
    super::ApiJson(b): super::ApiJson<korrigo_app::results::AdjustmentInput>,
) -> Result<Json<korrigo_app::results::AdjustmentOutcome>, ApiError> {
    Ok(Json(
        st.app
            .adjust_grades(&s, ExamId(id), &b, &ctx.client())
            .await?,
    ))
}

/// `DELETE /api/adjustments/{id}/` (managers of its exam): removes a harmonisation; the
/// corrector's copies go back to their raw grades.
pub async fn remove_adjustment(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<korrigo_app::results::AdjustmentView>, ApiError> {
    Ok(Json(st.app.remove_adjustment(&s, id, &ctx.client()).await?))
}
