//! Grading: dispatch (managers), a corrector's copies, the desk's data, scores, the
//! appreciation, finalize and reopen, the copy's journal. Nothing here names a student.

use super::{ApiJson, BodyLimits};
use crate::AppState;
use crate::auth::{Session, StaffSession};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use korrigo_app::grading::{
    AnnotationView, AppreciationView, DispatchInput, DispatchView, GradingCopyItem, GradingView,
    JournalLine, ScoreView,
};
use korrigo_domain::ExamId;
use serde::{Deserialize, Serialize};

impl BodyLimits for DispatchInput {}

/// `POST /api/exams/{id}/dispatch/`: shares the exam's copies among correctors (managers);
/// with `"preview": true`, only says what would happen.
pub async fn dispatch(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<DispatchInput>,
) -> Result<Json<DispatchView>, ApiError> {
    Ok(Json(
        st.app.dispatch(&s, ExamId(id), &b, &ctx.client()).await?,
    ))
}

/// `?exam=&status=` on the corrector's list.
#[derive(Debug, Default, Deserialize)]
pub struct MineQuery {
    /// Only this exam's copies.
    pub exam: Option<i64>,
    /// Only the copies in this status (`READY`, `GRADING`, `GRADED`...) or with my part in
    /// this state (`to_grade`, `in_progress`, `graded`).
    pub status: Option<String>,
}

/// The corrector's list.
#[derive(Debug, Serialize)]
pub struct Mine {
    /// The copies, by anonymous code.
    pub items: Vec<GradingCopyItem>,
}

/// `GET /api/grading/copies/[?exam=ID]`: the copies given to the caller.
pub async fn mine(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<MineQuery>,
) -> Result<Json<Mine>, ApiError> {
    let mut items = st.app.my_grading_copies(&s, q.exam.map(ExamId)).await?;
    if let Some(status) = q.status.as_deref().filter(|v| !v.is_empty()) {
        items.retain(|i| i.status.as_str().eq_ignore_ascii_case(status) || i.my_status == status);
    }
    Ok(Json(Mine { items }))
}

/// `GET /api/copies/{id}/grading/`: the copy on the corrector desk.
pub async fn desk(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<GradingView>, ApiError> {
    Ok(Json(st.app.copy_grading(&s, id).await?))
}

/// `PUT /api/copies/{id}/scores/{question}/` body.
#[derive(Debug, Deserialize)]
pub struct ScoreInput {
    /// Points, in quarter points (3.25).
    pub points: f64,
    /// The remark.
    #[serde(default)]
    pub remark: String,
    /// The version this write is based on (0 for a first save).
    pub version: i64,
}

impl BodyLimits for ScoreInput {
    const LONG_FIELDS: &'static [(&'static str, usize)] = &[("remark", 2000)];
}

/// `PUT /api/copies/{id}/scores/{question}/`: saves a score; 409 `conflict` with the current
/// value in `details.current` when the version is stale.
pub async fn score(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path((id, question)): Path<(i64, String)>,
    ApiJson(b): ApiJson<ScoreInput>,
) -> Result<Json<ScoreView>, ApiError> {
    Ok(Json(
        st.app
            .save_score(&s, id, &question, b.points, &b.remark, b.version)
            .await?,
    ))
}

/// `DELETE /api/copies/{id}/scores/{question}/?version=N`: the question has no score again;
/// answers the version its next save names.
pub async fn clear_score(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path((id, question)): Path<(i64, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<korrigo_app::grading::ClearedScore>, ApiError> {
    Ok(Json(
        st.app.clear_score(&s, id, &question, q.version).await?,
    ))
}

/// `PUT /api/copies/{id}/appreciation/` body.
#[derive(Debug, Deserialize)]
pub struct AppreciationInput {
    /// The text.
    pub text: String,
    /// The version this write is based on (0 for a first save).
    pub version: i64,
}

impl BodyLimits for AppreciationInput {
    const LONG_FIELDS: &'static [(&'static str, usize)] = &[("text", 2000)];
}

/// `PUT /api/copies/{id}/appreciation/`.
pub async fn appreciation(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AppreciationInput>,
) -> Result<Json<AppreciationView>, ApiError> {
    Ok(Json(
        st.app.save_appreciation(&s, id, &b.text, b.version).await?,
    ))
}

/// `POST /api/copies/{id}/finalize/`: 422 `incomplete` with `details.missing` when a question
/// has no score or the appreciation is missing.
pub async fn finalize(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
) -> Result<Json<GradingCopyItem>, ApiError> {
    Ok(Json(st.app.finalize_copy(&s, id).await?))
}

/// `POST /api/copies/{id}/reopen/` body.
#[derive(Debug, Deserialize)]
pub struct ReopenInput {
    /// Why (journaled).
    pub reason: String,
}

impl BodyLimits for ReopenInput {}

/// `POST /api/copies/{id}/reopen/` (managers).
pub async fn reopen(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReopenInput>,
) -> Result<Json<GradingCopyItem>, ApiError> {
    Ok(Json(
        st.app.reopen_copy(&s, id, &b.reason, &ctx.client()).await?,
    ))
}

/// The journal.
#[derive(Debug, Serialize)]
pub struct Journal {
    /// Oldest first.
    pub items: Vec<JournalLine>,
}

/// `GET /api/copies/{id}/journal/` (managers).
pub async fn journal(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<Journal>, ApiError> {
    Ok(Json(Journal {
        items: st.app.copy_journal(&s, id).await?,
    }))
}

/// `POST /api/copies/{id}/annotations/` body.
#[derive(Debug, Deserialize)]
pub struct NewAnnotation {
    /// The page (one of the copy's).
    pub page: i64,
    /// `pen`, `highlight`, `text`, `tick`, `cross`, `rect`, `ellipse`, `arrow`, `stamp`.
    pub kind: String,
    /// Geometry normalized to the page (0..1), colour, text.
    pub data: serde_json::Value,
}

impl BodyLimits for NewAnnotation {
    const LONG_FIELDS: &'static [(&'static str, usize)] = &[("text", 2000)];
}

/// `POST /api/copies/{id}/annotations/` → 201 the mark with its `id` and `version`.
pub async fn add_annotation(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<NewAnnotation>,
) -> Result<(StatusCode, Json<AnnotationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            st.app
                .add_annotation(&s, id, b.page, &b.kind, &b.data)
                .await?,
        ),
    ))
}

/// `PUT /api/annotations/{id}/` body.
#[derive(Debug, Deserialize)]
pub struct AnnotationChange {
    /// The new data.
    pub data: serde_json::Value,
    /// The version this change is based on.
    pub version: i64,
}

impl BodyLimits for AnnotationChange {
    const LONG_FIELDS: &'static [(&'static str, usize)] = &[("text", 2000)];
}

/// `PUT /api/annotations/{id}/`: 409 with the current mark when stale.
pub async fn update_annotation(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AnnotationChange>,
) -> Result<Json<AnnotationView>, ApiError> {
    Ok(Json(
        st.app.update_annotation(&s, id, &b.data, b.version).await?,
    ))
}

/// `?version=N` on a mark's deletion.
#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    /// The version the deletion is based on.
    pub version: i64,
}

/// `DELETE /api/annotations/{id}/?version=N` → 204; 409 when stale.
pub async fn delete_annotation(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    Query(q): Query<VersionQuery>,
) -> Result<StatusCode, ApiError> {
    st.app.delete_annotation(&s, id, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/exams/{id}/grading/` (managers): per corrector (assigned, started, graded), per
/// copy status, and the copies nobody has yet.
pub async fn status(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<korrigo_app::grading::GradingStatus>, ApiError> {
    Ok(Json(st.app.grading_status(&s, ExamId(id)).await?))
}

/// `{"corrector": "username"}`.
#[derive(Debug, Deserialize)]
pub struct CorrectorInput {
    /// The corrector's username (a member of the exam).
    pub corrector: String,
}

impl BodyLimits for CorrectorInput {}

/// `POST /api/copies/{id}/assign/` (managers): gives one copy to another corrector.
pub async fn assign(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CorrectorInput>,
) -> Result<Json<korrigo_app::grading::Assignment>, ApiError> {
    Ok(Json(st.app.reassign_copy(&s, id, &b.corrector).await?))
}

/// `POST /api/exams/{id}/questions/{question}/assign/` (managers, dispatch by questions): gives
/// one question to another corrector; its scores and marks stay.
pub async fn assign_question(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path((id, question)): Path<(i64, String)>,
    ApiJson(b): ApiJson<CorrectorInput>,
) -> Result<Json<korrigo_app::grading::QuestionAssignment>, ApiError> {
    Ok(Json(
        st.app
            .reassign_question(&s, ExamId(id), &question, &b.corrector)
            .await?,
    ))
}

/// `POST /api/exams/{id}/dispatch/release/` (managers): a corrector's untouched copies (by copies) or
/// unscored questions (by questions) back to the pool.
pub async fn release(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CorrectorInput>,
) -> Result<Json<korrigo_app::grading::Released>, ApiError> {
    Ok(Json(
        st.app.release_copies(&s, ExamId(id), &b.corrector).await?,
    ))
}

/// `GET /api/exams/{id}/comments/` (its correctors and managers): the exam's shared comments
/// and the caller's own, most used first.
pub async fn comments(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
) -> Result<Json<korrigo_app::grading::CommentBank>, ApiError> {
    Ok(Json(st.app.comment_bank(&s, ExamId(id)).await?))
}

/// `POST /api/exams/{id}/comments/` `{"text", "question"?, "points"?, "shared"?}`: a comment of
/// the caller's own, or (managers) one shared with the exam's correctors.
pub async fn add_comment(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<korrigo_app::grading::CommentInput>,
) -> Result<(StatusCode, Json<korrigo_app::grading::CommentView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.add_comment(&s, ExamId(id), &b).await?),
    ))
}

/// `PUT /api/comments/{id}/` `{"text", "question"?, "points"?, "shared"?}`: rewrites one's own
/// comment, or (managers) a shared one; `shared` must stay as it is.
pub async fn update_comment(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<korrigo_app::grading::CommentInput>,
) -> Result<Json<korrigo_app::grading::CommentView>, ApiError> {
    Ok(Json(st.app.update_comment(&s, id, &b).await?))
}

/// `DELETE /api/comments/{id}/`: one's own comment, or (managers) a shared one.
pub async fn delete_comment(
    State(st): State<AppState>,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    st.app.delete_comment(&s, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

impl BodyLimits for korrigo_app::grading::CommentInput {
    const LONG_FIELDS: &'static [(&'static str, usize)] =
        &[("text", korrigo_domain::grading::MAX_COMMENT_TEXT)];
}
