//! Health probes and metrics.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use korrigo_app::tokens::constant_time_eq;
use serde::Deserialize;
use serde_json::json;

/// `GET /api/health/live/`: the process answers.
pub async fn live() -> Json<serde_json::Value> {
    Json(json!({ "status": "alive" }))
}

/// `GET /api/health/ready/`: the database, the file store and the job queue answer. 503 names
/// the failing checks (their errors are logged, not shown).
pub async fn ready(State(st): State<AppState>) -> Response {
    let failing = st.app.readiness().await;
    let checks: serde_json::Map<String, serde_json::Value> = ["database", "storage", "job_queue"]
        .iter()
        .map(|c| {
            let ok = !failing.iter().any(|(n, _)| n == c);
            (c.to_string(), json!(if ok { "ok" } else { "failing" }))
        })
        .collect();
    if failing.is_empty() {
        (
            StatusCode::OK,
            Json(json!({ "status": "ready", "checks": checks })),
        )
            .into_response()
    } else {
        for (name, err) in &failing {
            tracing::error!(check = name, error = %err, "readiness check failing");
        }
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "checks": checks,
                         "failing": failing.iter().map(|(n, _)| *n).collect::<Vec<_>>() })),
        )
            .into_response()
    }
}

/// `?token=` for `/metrics`.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /metrics`: Prometheus text format. Requires `X-Metrics-Token` or `?token=` when
/// `KORRIGO_METRICS_TOKEN` is set, which production requires (32+ characters).
pub async fn metrics(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, ApiError> {
    let cfg = &st.app.config;
    if cfg.metrics_token.is_none() && cfg.env == korrigo_app::config::Environment::Production {
        // `check-config` refuses this configuration; never serve it open all the same.
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "metrics_token",
            "set KORRIGO_METRICS_TOKEN (32+ characters) to read /metrics in production",
        ));
    }
    if let Some(expected) = &cfg.metrics_token {
        let sent = headers
            .get("x-metrics-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or(q.token)
            .unwrap_or_default();
        if !constant_time_eq(&sent, expected.expose()) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "metrics_token",
                "a valid metrics token is required (X-Metrics-Token header or ?token=)",
            ));
        }
    }
    let counts = async {
        let mut c = st.app.db.read().await?;
        korrigo_store::jobs::counts(c.conn()).await
    }
    .await
    .ok();
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        st.metrics.render(counts.as_ref()),
    )
        .into_response())
}

/// The OpenAPI description of the API, maintained beside the router (a test checks that every
/// route is described).
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_api_route_is_described() {
        let doc: serde_json::Value = serde_json::from_str(super::OPENAPI).expect("valid JSON");
        let paths = doc["paths"].as_object().expect("paths");
        let router = include_str!("../lib.rs");
        let mut missing = vec![];
        for part in router.split(".route(\"").skip(1) {
            let path = part.split('"').next().unwrap();
            if (path.starts_with("/api/") || path == "/metrics") && !paths.contains_key(path) {
                missing.push(path.to_string());
            }
        }
        assert!(
            missing.is_empty(),
            "routes missing from openapi.json: {missing:?}"
        );
        assert!(paths.len() >= 14);
    }
}
