//! Exams, their members and marking scheme.

use super::ApiJson;
use crate::AppState;
use crate::auth::{Session, StaffSession};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use korrigo_app::exams::{ExamInput, ExamView, MemberInput, SchemeInput, SchemeSaved};
use korrigo_app::shapes::ExamListItemJson;
use korrigo_domain::{ExamId, PageRequest, Paged, UserId};
use serde::Deserialize;

/// Filters of `GET /api/exams/`.
#[derive(Debug, Default, Deserialize)]
pub struct ExamQuery {
    /// Text in the name, subject or classes.
    pub q: Option<String>,
    /// Include archived exams.
    #[serde(default)]
    pub archived: bool,
    /// `newest` (default), `date` or `name`.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: Option<u32>,
    /// Page size.
    pub per_page: Option<u32>,
}

impl ExamQuery {
    /// The sort order; an unknown one is a 400 naming the accepted values.
    pub fn sort(&self) -> Result<korrigo_store::exams::ExamSort, ApiError> {
        match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(korrigo_store::exams::ExamSort::Newest),
            Some(s) => korrigo_store::exams::ExamSort::parse(s).ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    format!("unknown sort `{s}`: expected newest, date or name"),
                )
            }),
        }
    }
}

/// `GET /api/exams/`: admins see all, teachers the exams they are members of.
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<ExamQuery>,
) -> Result<Json<Paged<ExamListItemJson>>, ApiError> {
    Ok(Json(
        st.app
            .list_exams(
                &s,
                q.q.clone(),
                q.archived,
                q.sort()?,
                PageRequest::new(q.page, q.per_page),
            )
            .await?
            .map(|i| (&i).into()),
    ))
}

/// `POST /api/exams/` → 201; the creator becomes its manager.
pub async fn create(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    ApiJson(b): ApiJson<ExamInput>,
) -> Result<(StatusCode, Json<ExamView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.create_exam(&s, &b, &ctx.client()).await?),
    ))
}

/// `GET /api/exams/{id}/`.
pub async fn get(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(st.app.get_exam(&s, ExamId(id)).await?))
}

/// `PATCH /api/exams/{id}/`: the exam's details (all fields, as on creation).
pub async fn update(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ExamInput>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(
        st.app
            .update_exam(&s, ExamId(id), &b, &ctx.client())
            .await?,
    ))
}

/// `POST /api/exams/{id}/archive/`.
pub async fn archive(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(
        st.app
            .set_exam_archived(&s, ExamId(id), true, &ctx.client())
            .await?,
    ))
}

/// `POST /api/exams/{id}/restore/`.
pub async fn restore(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(
        st.app
            .set_exam_archived(&s, ExamId(id), false, &ctx.client())
            .await?,
    ))
}

/// `PUT /api/exams/{id}/members/` `{"username", "role"}`: adds a member or changes their role.
pub async fn set_member(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MemberInput>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(
        st.app
            .set_exam_member(&s, ExamId(id), &b, &ctx.client())
            .await?,
    ))
}

/// `DELETE /api/exams/{id}/members/{user_id}/`.
pub async fn remove_member(
    State(st): State<AppState>,
    ctx: RequestContext,
    Session(s): Session,
    Path((id, user)): Path<(i64, i64)>,
) -> Result<Json<ExamView>, ApiError> {
    Ok(Json(
        st.app
            .remove_exam_member(&s, ExamId(id), UserId(user), &ctx.client())
            .await?,
    ))
}

/// `GET /api/exams/{id}/scheme/`: `{"scheme", "version", "total"}` (members; correctors too).
pub async fn get_scheme(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<SchemeSaved>, ApiError> {
    let e = st.app.get_exam(&s, ExamId(id)).await?;
    Ok(Json(SchemeSaved {
        total: e.scheme_total,
        version: e.exam.scheme_version,
        scheme: e.exam.scheme,
    }))
}

/// `PUT /api/exams/{id}/scheme/` `{"scheme", "version", "confirm_total_mismatch"?}`: 409
/// `confirmation_required` when the total differs from the grade scale and it is not
/// confirmed; 409 `conflict` when someone saved since `version`.
pub async fn save_scheme(
    State(st): State<AppState>,
    ctx: RequestContext,
    StaffSession(s): StaffSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SchemeInput>,
) -> Result<Json<SchemeSaved>, ApiError> {
    Ok(Json(
        st.app.save_scheme(&s, ExamId(id), b, &ctx.client()).await?,
    ))
}
