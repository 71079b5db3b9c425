//! The JSON API under `/api/`. Handlers are short: extract, call one use case, shape the
//! response. JSON shapes live here; they are a contract (see the README's API section).

pub mod accounts;
pub mod audit;
pub mod exams;
pub mod identify;
pub mod jobs;
pub mod ops;
pub mod roster;
pub mod scans;
pub mod session;
pub mod users;

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A JSON body whose rejections use the API's error shape and name what is wrong.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "invalid_json",
                format!(
                    "the request body is not the expected JSON: {}",
                    e.body_text()
                ),
            )),
        }
    }
}
