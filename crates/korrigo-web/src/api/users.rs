//! User management (admins only; the use cases check it).

use super::ApiJson;
use crate::AppState;
use crate::auth::{AdminSession, Session};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use korrigo_app::accounts::{CreateUser, UpdateUser, UserView, WithTemporaryPassword};
use korrigo_domain::{Paged, Role, UserId};
use korrigo_store::users::{UserFilter, UserSort};
use serde::Deserialize;

/// Filters of `GET /api/users/`.
#[derive(Debug, Default, Deserialize)]
pub struct UserQuery {
    /// `admin`, `teacher`, `student`, `staff` (admins and teachers) or `all`.
    pub role: Option<String>,
    /// `true` or `false`.
    pub active: Option<bool>,
    /// Text in the username, e-mail or name.
    pub q: Option<String>,
    /// `name` (default), `username`, `newest`, `last_login`.
    pub sort: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Page size (default 50, at most 500).
    pub per_page: Option<u32>,
}

impl UserQuery {
    /// The store filter; an unknown role or sort is a 400 naming it. `role` also takes
    /// `staff` (admins and teachers) and `all`; without it, `staff_by_default` decides (the
    /// users page lists staff first, the API everyone).
    pub fn filter(&self, staff_by_default: bool) -> Result<UserFilter, ApiError> {
        let (role, staff_only) = match self.role.as_deref().filter(|r| !r.is_empty()) {
            Some("staff") => (None, true),
            Some("all") => (None, false),
            Some(r) => (
                Some(Role::parse(r).map_err(|m| ApiError::invalid("role", m))?),
                false,
            ),
            None => (None, staff_by_default),
        };
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => UserSort::parse(s).ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    format!("unknown sort `{s}`: expected name, username, newest or last_login"),
                )
            })?,
            None => UserSort::Name,
        };
        Ok(UserFilter {
            role,
            staff_only,
            active: self.active,
            search: self.q.clone(),
            sort,
        })
    }
}

/// `GET /api/users/`.
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<UserQuery>,
) -> Result<Json<Paged<UserView>>, ApiError> {
    let f = q.filter(false)?;
    Ok(Json(
        st.app
            .list_users(&s, &f, korrigo_domain::PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

/// `POST /api/users/` → 201 with the account and, when generated, its temporary password.
pub async fn create(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    ApiJson(b): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<WithTemporaryPassword>), ApiError> {
    let out = st.app.create_user(&s, &b, &ctx.client()).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// `GET /api/users/{id}/`.
pub async fn get(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(st.app.get_user(&s, UserId(id)).await?))
}

/// `PATCH /api/users/{id}/`: any of username, display_name, email, role, locale, is_active.
pub async fn update(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<UpdateUser>,
) -> Result<Json<UserView>, ApiError> {
    Ok(Json(
        st.app
            .update_user(&s, UserId(id), &b, &ctx.client())
            .await?,
    ))
}

/// `POST /api/users/{id}/reset-password/` → the temporary password, shown once.
pub async fn reset_password(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    Path(id): Path<i64>,
) -> Result<Json<WithTemporaryPassword>, ApiError> {
    Ok(Json(
        st.app.reset_password(&s, UserId(id), &ctx.client()).await?,
    ))
}
