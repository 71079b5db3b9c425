//! The JSON API under `/api/`. Handlers are short: extract, call one use case, shape the
//! response. JSON shapes live here; they are a contract (see the README's API section).

pub mod audit;
pub mod exams;
pub mod grading;
pub mod identify;
pub mod jobs;
pub mod ops;
pub mod results;
pub mod roster;
pub mod scans;
pub mod session;
pub mod student_accounts;
pub mod users;

use crate::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Limits on the strings of a JSON body type, checked on the parsed JSON before it becomes the
/// type (and before any work): whatever a client sends, no field is longer than this.
pub trait BodyLimits {
    /// The longest string accepted in any field, in characters (names, e-mails, labels,
    /// passwords, file names...).
    const MAX_CHARS: usize = 500;
    /// Fields that may hold longer text (remarks, appreciations), with their own limit.
    const LONG_FIELDS: &'static [(&'static str, usize)] = &[];
}

/// A JSON body whose rejections use the API's error shape and name what is wrong: 413 past
/// `KORRIGO_API_MAX_BYTES` (read no further), 408 when the body is too slow to arrive, 400
/// naming the field when a string is longer than the type allows ([`BodyLimits`]).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned + BodyLimits,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let value = match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(e) => return Err(json_rejection(&e)),
        };
        check_strings::<T>(&value, "")?;
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the request body is not the expected JSON: {e}"),
            )
        })
    }
}

/// The API error for a body that could not be read as JSON.
pub fn json_rejection(e: &JsonRejection) -> ApiError {
    if crate::server::is_body_timeout(e) {
        return ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request body was not received in time",
        );
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is too large (see KORRIGO_API_MAX_BYTES)",
        );
    }
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_json",
        format!(
            "the request body is not the expected JSON: {}",
            e.body_text()
        ),
    )
}

fn check_strings<T: BodyLimits>(v: &Value, path: &str) -> Result<(), ApiError> {
    match v {
        Value::String(text) => {
            let field = path.rsplit('.').next().unwrap_or(path);
            let field = field.split('[').next().unwrap_or(field);
            let max = T::LONG_FIELDS
                .iter()
                .find(|(name, _)| *name == field)
                .map_or(T::MAX_CHARS, |(_, max)| *max);
            // Bytes bound characters from above: count only when it may matter.
            if text.len() > max && text.chars().count() > max {
                let mut e = ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "too_long",
                    format!(
                        "the field `{path}` is too long: {} characters, at most {max}",
                        text.chars().count()
                    ),
                );
                e.details = serde_json::json!({ "field": path, "max": max });
                return Err(e);
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_strings::<T>(item, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().try_for_each(|(k, item)| {
            let sub = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            check_strings::<T>(item, &sub)
        }),
        _ => Ok(()),
    }
}

/// Every JSON body type keeps the default limits unless it says otherwise here.
macro_rules! default_limits {
    ($($t:ty),* $(,)?) => { $(impl BodyLimits for $t {})* };
}

default_limits!(
    session::LoginBody,
    session::PasswordBody,
    session::LocaleBody,
    session::SetupBody,
    korrigo_app::accounts::CreateUser,
    korrigo_app::accounts::UpdateUser,
    korrigo_app::roster::StudentInput,
    student_accounts::GenerateBody,
    student_accounts::ActivateBody,
    korrigo_app::exams::ExamInput,
    korrigo_app::exams::MemberInput,
    korrigo_app::exams::SchemeInput,
    korrigo_app::identify::IdentifyInput,
    korrigo_app::scans::UploadStart,
    korrigo_app::scans::Repair,
);

#[cfg(test)]
mod tests {
    use super::*;

    struct Short;
    impl BodyLimits for Short {
        const MAX_CHARS: usize = 5;
        const LONG_FIELDS: &'static [(&'static str, usize)] = &[("remark", 10)];
    }

    #[test]
    fn long_strings_are_refused_with_their_field() {
        let ok = serde_json::json!({"name": "Léa", "tags": ["abcde"], "remark": "0123456789"});
        assert!(check_strings::<Short>(&ok, "").is_ok());
        let e =
            check_strings::<Short>(&serde_json::json!({"a": {"name": "Éloïse"}}), "").unwrap_err();
        assert_eq!(e.code, "too_long");
        assert_eq!(e.details["field"], "a.name");
        let e = check_strings::<Short>(&serde_json::json!({"tags": ["ok", "toolong"]}), "")
            .unwrap_err();
        assert_eq!(e.details["field"], "tags[1]");
        let e =
            check_strings::<Short>(&serde_json::json!({"remark": "x".repeat(11)}), "").unwrap_err();
        assert_eq!(e.details["max"], 10);
        // Characters, not bytes: five accented letters pass.
        assert!(check_strings::<Short>(&serde_json::json!({"n": "ééééé"}), "").is_ok());
    }
}
