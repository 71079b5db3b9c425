//! The one table that turns a use case's failure into an HTTP status and the JSON error body
//! `{"error": {"code", "message", "details"}}`. Internal details are logged once, here, and
//! never sent to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use korrigo_app::AppError;
use serde_json::json;

/// An API failure.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Human-readable message (English; the UI translates by code).
    pub message: String,
    /// Extra structured facts (`{"field": "username"}`, ...).
    pub details: serde_json::Value,
    /// Seconds for `Retry-After`, on 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// A failure with no details.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: serde_json::Value::Null,
            retry_after: None,
        }
    }

    /// 400 with the field concerned.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        let mut e = ApiError::new(StatusCode::BAD_REQUEST, "invalid", message);
        e.details = json!({ "field": field });
        e
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        use StatusCode as S;
        let msg = e.to_string();
        match e {
            AppError::Unauthenticated => ApiError::new(S::UNAUTHORIZED, "unauthenticated", msg),
            AppError::InvalidCredentials => {
                ApiError::new(S::UNAUTHORIZED, "invalid_credentials", msg)
            }
            AppError::AccountDisabled => ApiError::new(S::FORBIDDEN, "account_disabled", msg),
            AppError::RateLimited { retry_after_secs } => {
                let mut a = ApiError::new(S::TOO_MANY_REQUESTS, "rate_limited", msg);
                a.retry_after = Some(retry_after_secs);
                a.details = json!({ "retry_after": retry_after_secs });
                a
            }
            AppError::PasswordChangeRequired => {
                ApiError::new(S::FORBIDDEN, "password_change_required", msg)
            }
            AppError::Forbidden => ApiError::new(S::FORBIDDEN, "forbidden", msg),
            AppError::NotFound(_) => ApiError::new(S::NOT_FOUND, "not_found", msg),
            AppError::Invalid { field, message } => ApiError::invalid(field, message),
            AppError::Conflict { field, message } => {
                let mut a = ApiError::new(S::CONFLICT, "conflict", message);
                a.details = json!({ "field": field });
                a
            }
            AppError::ConflictWith { message, details } => {
                let mut a = ApiError::new(S::CONFLICT, "conflict", message);
                a.details = details;
                a
            }
            AppError::Incomplete { message, details } => {
                let mut a = ApiError::new(S::UNPROCESSABLE_ENTITY, "incomplete", message);
                a.details = details;
                a
            }
            AppError::NotReady { message, details } => {
                let mut a = ApiError::new(S::CONFLICT, "not_ready", message);
                a.details = details;
                a
            }
            AppError::NothingToDo { message } => {
                ApiError::new(S::CONFLICT, "nothing_to_do", message)
            }
            AppError::SetupUnavailable => ApiError::new(S::GONE, "setup_unavailable", msg),
            AppError::ConfirmationRequired { message, details } => {
                let mut a = ApiError::new(S::CONFLICT, "confirmation_required", message);
                a.details = details;
                a
            }
            AppError::Store(inner) => {
                tracing::error!(error = %inner, "storage failure");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred; it has been logged",
                )
            }
            AppError::Internal(inner) => {
                tracing::error!(error = %inner, "internal failure");
                ApiError::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred; it has been logged",
                )
            }
        }
    }
}

impl From<korrigo_store::StoreError> for ApiError {
    fn from(e: korrigo_store::StoreError) -> ApiError {
        ApiError::from(AppError::Store(e))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": { "code": self.code, "message": self.message, "details": self.details }
        });
        let mut r = (self.status, Json(body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}
