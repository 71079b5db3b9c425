//! Session extractors. Every handler states what it needs by its argument type:
//! [`MaybeSession`] (public pages), [`Session`] (any logged-in user whose password is settled),
//! [`SessionPendingPassword`] (also users who must change their password first), and the
//! page variants that redirect to the login page instead of answering 401.

use crate::AppState;
use crate::error::ApiError;
use crate::middleware::session_token;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use korrigo_app::AppError;
use korrigo_app::accounts::AuthSession;
use korrigo_app::config::Config;
use korrigo_domain::policy;

/// The request's session, resolved once and kept in the request's extensions.
pub(crate) async fn resolve(
    parts: &mut Parts,
    st: &AppState,
) -> Result<Option<AuthSession>, ApiError> {
    if let Some(s) = parts.extensions.get::<Option<AuthSession>>() {
        return Ok(s.clone());
    }
    let s = match session_token(&st.app.config, &parts.headers) {
        Some(t) => st.app.authenticate(&t).await?,
        None => None,
    };
    parts.extensions.insert(s.clone());
    Ok(s)
}

/// The session if there is one.
pub struct MaybeSession(pub Option<AuthSession>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        Ok(MaybeSession(resolve(parts, st).await?))
    }
}

/// A logged-in user who has no pending password change (API: 401 / 403 otherwise).
pub struct Session(pub AuthSession);

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let s = resolve(parts, st).await?.ok_or(AppError::Unauthenticated)?;
        if s.user.must_change_password {
            return Err(AppError::PasswordChangeRequired.into());
        }
        Ok(Session(s))
    }
}

/// A logged-in user who passes `rule`, checked before the request body is read.
async fn gated(
    parts: &mut Parts,
    st: &AppState,
    rule: fn(&policy::Actor) -> Result<(), korrigo_domain::Forbidden>,
) -> Result<AuthSession, ApiError> {
    let Session(s) = Session::from_request_parts(parts, st).await?;
    rule(&s.actor()).map_err(AppError::from)?;
    Ok(s)
}

/// A logged-in admin. The route's role gate runs before the request body is read, so that
/// nobody else learns anything about the body's shape (a student gets 403, never a 400
/// naming fields); the use case checks again.
pub struct AdminSession(pub AuthSession);

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        gated(parts, st, policy::administer).await.map(AdminSession)
    }
}

/// A logged-in admin or teacher (the staff API: exams, scans, identification), gated before
/// the body is read like [`AdminSession`]; the use case then checks the exam membership.
pub struct StaffSession(pub AuthSession);

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        gated(parts, st, policy::use_staff_area)
            .await
            .map(StaffSession)
    }
}

/// A logged-in user, even one who must change their password (for `/api/me/`, logout and the
/// password change itself).
pub struct SessionPendingPassword(pub AuthSession);

impl FromRequestParts<AppState> for SessionPendingPassword {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        Ok(SessionPendingPassword(
            resolve(parts, st).await?.ok_or(AppError::Unauthenticated)?,
        ))
    }
}

/// A page's logged-in user: anonymous visitors are sent to the login page, users with a
/// pending password change to the password page.
pub struct PageSession(pub AuthSession);

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        let s = resolve(parts, st)
            .await
            .map_err(IntoResponse::into_response)?;
        match s {
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                Err(Redirect::to(&format!("/login?next={}", url_encode(next))).into_response())
            }
            Some(s) if s.user.must_change_password && parts.uri.path() != "/password" => {
                Err(Redirect::to("/password").into_response())
            }
            Some(s) => Ok(PageSession(s)),
        }
    }
}

/// Percent-encodes a string for a query parameter.
pub fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The `Set-Cookie` value that stores a new session.
pub fn session_cookie(cfg: &Config, token: &str) -> HeaderValue {
    let mut c = format!(
        "{}={token}; Path=/; HttpOnly; SameSite={}; Max-Age={}",
        cfg.session_cookie_name(),
        cfg.cookie_samesite.as_str(),
        cfg.session_max_age.as_secs()
    );
    if cfg.cookie_secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(cfg: &Config) -> HeaderValue {
    let mut c = format!(
        "{}=; Path=/; HttpOnly; SameSite={}; Max-Age=0",
        cfg.session_cookie_name(),
        cfg.cookie_samesite.as_str()
    );
    if cfg.cookie_secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A plain 403 page response for forbidden pages.
pub fn forbidden_page() -> Response {
    (StatusCode::FORBIDDEN, "403").into_response()
}
