//! Scans: resumable uploads, batches and their processing, the copies list with its pages,
//! page images (after a permission check, with cache headers), and the repair desk's edits.
//!
//! Upload protocol: `POST /api/exams/{id}/scans/` with `{file_name, size}` creates the batch and
//! returns its `upload_url`; the client then sends the file in chunks with
//! `PUT {upload_url}` and an `Upload-Offset` header (the bytes already received). A wrong
//! offset gets 409 `confirmation_required` with `details.offset`, the offset to resume from
//! (`GET /api/scans/{id}/` tells it as `received` too). The last chunk queues processing.

use crate::AppState;
use crate::auth::{Session, StaffSession};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use korrigo_app::scans::{BatchView, CopiesList, ImageKind, Repair, UploadStart};
use korrigo_domain::{ExamId, PageRequest};
use serde::{Deserialize, Serialize};

use super::ApiJson;

/// The batches of an exam.
#[derive(Debug, Serialize)]
pub struct BatchList {
    pub items: Vec<BatchView>,
}

/// `GET /api/exams/{id}/scans/`: the exam's batches, newest first (managers).
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    crate::i18n::ReqLocale(locale): crate::i18n::ReqLocale,
    Path(id): Path<i64>,
) -> Result<Json<BatchList>, ApiError> {
    let mut items = st.app.list_batches(&s, ExamId(id)).await?;
    // Why a file was refused, in the manager's language.
    for b in &mut items {
        if let Some(e) = b.batch.error.as_mut() {
            *e = crate::i18n::translate(locale, e);
        }
    }
    Ok(Json(BatchList { items }))
}

/// `POST /api/exams/{id}/scans/` → 201: starts an upload.
pub async fn start(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<UploadStart>,
) -> Result<(StatusCode, Json<BatchView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.start_upload(&s, ExamId(id), &b).await?),
    ))
}

/// `GET /api/scans/{id}/`: a batch, its upload offset (`received`) and processing progress.
pub async fn get(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(st.app.get_batch(&s, id).await?))
}

/// `PUT /api/scans/{id}/content/` with `Upload-Offset`: appends a chunk (at most 64 MB).
pub async fn chunk(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BatchView>, ApiError> {
    let offset = headers
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|o| *o >= 0)
        .ok_or_else(|| {
            ApiError::invalid(
                "Upload-Offset",
                "send the Upload-Offset header: the number of bytes already received",
            )
        })?;
    let stream = body
        .into_data_stream()
        .map_err(|e| std::io::Error::other(e.to_string()));
    let reader = tokio_util::io::StreamReader::new(stream);
    Ok(Json(
        st.app
            .upload_chunk(&s, id, offset, reader, &ctx.client())
            .await?,
    ))
}

/// `POST /api/scans/{id}/accept-duplicate/`: processes a file uploaded twice anyway.
pub async fn accept_duplicate(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<BatchView>, ApiError> {
    Ok(Json(st.app.accept_duplicate(&s, id, &ctx.client()).await?))
}

/// `?with_copies=true` on a batch's deletion.
#[derive(Debug, Default, Deserialize)]
pub struct DeleteQuery {
    /// Also delete the copies made from the batch (none may be graded).
    #[serde(default)]
    pub with_copies: bool,
}

/// `DELETE /api/scans/{id}/[?with_copies=true]` → 204: discards a batch; one that made copies
/// answers 409 `confirmation_required` until asked `with_copies` (and none is being graded).
pub async fn delete(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
    Query(q): Query<DeleteQuery>,
) -> Result<StatusCode, ApiError> {
    st.app
        .delete_batch(&s, id, q.with_copies, &ctx.client())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Paging of `GET /api/exams/{id}/copies/`.
#[derive(Debug, Default, Deserialize)]
pub struct CopiesQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `GET /api/exams/{id}/copies/`: copies with their pages in order (managers).
pub async fn copies(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    Query(q): Query<CopiesQuery>,
) -> Result<Json<CopiesList>, ApiError> {
    Ok(Json(
        st.app
            .list_copies(&s, ExamId(id), PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

/// `POST /api/exams/{id}/copies/repair/` → 204: one repair-desk edit (`op`: `set_pages`,
/// `merge`, `split`, `new_copy`, `rotate`, `blank`, `delete_page`).
pub async fn repair(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(edit): ApiJson<Repair>,
) -> Result<StatusCode, ApiError> {
    st.app.repair(&s, ExamId(id), &edit, &ctx.client()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn image(
    st: &AppState,
    s: &korrigo_app::accounts::AuthSession,
    id: i64,
    kind: ImageKind,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let img = st.app.page_image(s, id, kind).await?;
    let etag = HeaderValue::from_str(&img.etag)
        .map_err(|e| ApiError::from(korrigo_app::AppError::Internal(e.to_string())))?;
    // Images of a page never change once written (a rotation is metadata): cache them for a
    // year, privately (they are behind a login).
    let cache = HeaderValue::from_static("private, max-age=31536000, immutable");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let (body, len) = match img.body {
        korrigo_app::scans::ImageBody::File(file, len) => (
            Body::from_stream(tokio_util::io::ReaderStream::new(file)),
            len,
        ),
        korrigo_app::scans::ImageBody::Bytes(b) => {
            let len = b.len() as u64;
            (Body::from(b), len)
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::CONTENT_LENGTH, HeaderValue::from(len)),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response())
}

/// `GET /api/pages/{id}/image/`: the viewer image (JPEG).
pub async fn page_image(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    image(&st, &s, id, ImageKind::Viewer, &headers).await
}

/// `GET /api/pages/{id}/thumb/`: the thumbnail (JPEG, 180 px wide).
pub async fn page_thumb(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    image(&st, &s, id, ImageKind::Thumb, &headers).await
}

/// `GET /api/pages/{id}/header/`: the header crop of a copy's first page (managers only).
pub async fn page_header(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    image(&st, &s, id, ImageKind::Header, &headers).await
}
