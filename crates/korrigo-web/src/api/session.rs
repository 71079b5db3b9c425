//! Login, logout, the current user, own password and language, first-admin setup.

use super::ApiJson;
use crate::AppState;
use crate::auth::{MaybeSession, SessionPendingPassword, clear_cookie, session_cookie};
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use korrigo_app::accounts::AuthSession;
use korrigo_domain::{Locale, Role, UserId};
use serde::{Deserialize, Serialize};

/// `POST /api/login/` body.
#[derive(Deserialize)]
pub struct LoginBody {
    /// Username or e-mail.
    pub username: String,
    /// Password.
    pub password: String,
}

/// `GET /api/me/` and the login response.
#[derive(Serialize)]
pub struct Me {
    /// User id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role: admin, teacher or student.
    pub role: Role,
    /// Whether the user must change their password before anything else.
    pub must_change_password: bool,
    /// Interface language.
    pub locale: Locale,
    /// The token to send in `X-CSRF-Token` on state-changing requests from a browser.
    pub csrf_token: String,
}

impl From<&AuthSession> for Me {
    fn from(s: &AuthSession) -> Me {
        Me {
            id: s.user.id,
            username: s.user.username.clone(),
            display_name: s.user.display_name.clone(),
            email: s.user.email.clone(),
            role: s.user.role,
            must_change_password: s.user.must_change_password,
            locale: s.user.locale,
            csrf_token: s.csrf_token.clone(),
        }
    }
}

/// `POST /api/login/`: opens a session (a new one each time: the id rotates at login) and
/// sets the cookie. 401 with a generic message on a wrong username or password; 429 with
/// `Retry-After` after too many failures.
pub async fn login(
    State(st): State<AppState>,
    ctx: RequestContext,
    MaybeSession(previous): MaybeSession,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let client = ctx.client();
    let logged = st
        .app
        .login(&body.username, &body.password, &client)
        .await?;
    // Logging in again ends the session this browser had: no session fixation.
    if let Some(prev) = previous {
        let _ = st.app.logout(&prev, &client).await;
    }
    let me = Me::from(&logged.session);
    let mut r = Json(me).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&st.app.config, &logged.token),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(r)
}

/// `POST /api/logout/`: ends the session and clears the cookie.
pub async fn logout(
    State(st): State<AppState>,
    ctx: RequestContext,
    MaybeSession(s): MaybeSession,
) -> Result<Response, ApiError> {
    if let Some(s) = s {
        st.app.logout(&s, &ctx.client()).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, clear_cookie(&st.app.config));
    Ok(r)
}

/// `GET /api/me/`.
pub async fn me(SessionPendingPassword(s): SessionPendingPassword) -> Response {
    let mut r = Json(Me::from(&s)).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

/// `POST /api/me/password/` body.
#[derive(Deserialize)]
pub struct PasswordBody {
    /// The current password.
    pub current_password: String,
    /// The new password (10+ characters, not common, not containing the username).
    pub new_password: String,
}

/// `POST /api/me/password/`: changes the own password; other sessions end.
pub async fn change_password(
    State(st): State<AppState>,
    ctx: RequestContext,
    SessionPendingPassword(s): SessionPendingPassword,
    ApiJson(b): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    st.app
        .change_password(&s, &b.current_password, &b.new_password, &ctx.client())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/me/locale/` body.
#[derive(Deserialize)]
pub struct LocaleBody {
    /// `fr` or `en`.
    pub locale: String,
}

/// `PUT /api/me/locale/`: sets the interface language.
pub async fn set_locale(
    State(st): State<AppState>,
    ctx: RequestContext,
    SessionPendingPassword(s): SessionPendingPassword,
    ApiJson(b): ApiJson<LocaleBody>,
) -> Result<StatusCode, ApiError> {
    st.app.set_own_locale(&s, &b.locale, &ctx.client()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/setup/` body.
#[derive(Deserialize)]
pub struct SetupBody {
    /// The one-time token from the setup link.
    pub token: String,
    /// The admin's username (default `admin`).
    #[serde(default)]
    pub username: String,
    /// The admin's password.
    pub password: String,
}

/// `POST /api/setup/`: creates the first admin with the one-time token; the token then stops
/// working.
pub async fn setup(
    State(st): State<AppState>,
    ctx: RequestContext,
    ApiJson(b): ApiJson<SetupBody>,
) -> Result<StatusCode, ApiError> {
    st.app
        .complete_setup(&b.token, &b.username, &b.password, &ctx.client())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
