//! Background jobs, for admins: what runs, what waits, what failed and why.

use crate::AppState;
use crate::auth::Session;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use korrigo_app::shapes::JobJson;
use korrigo_domain::jobs::JobStatus;
use korrigo_domain::{PageRequest, Paged};
use korrigo_store::jobs::JobFilter;
use serde::Deserialize;

/// Filters of `GET /api/jobs/`.
#[derive(Debug, Default, Deserialize)]
pub struct JobQuery {
    /// `queued`, `running`, `succeeded` or `failed`.
    pub status: Option<String>,
    /// A job kind (`sessions.purge`, ...).
    pub kind: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Page size (default 50, at most 500).
    pub per_page: Option<u32>,
}

impl JobQuery {
    /// The store filter; an unknown status is a 400 naming it.
    pub fn filter(&self) -> Result<JobFilter, ApiError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
                ApiError::invalid(
                    "status",
                    format!("unknown status `{s}`: expected queued, running, succeeded or failed"),
                )
            })?),
            None => None,
        };
        Ok(JobFilter {
            status,
            kind: self.kind.clone(),
        })
    }
}

/// `GET /api/jobs/`, most recently updated first.
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<JobQuery>,
) -> Result<Json<Paged<JobJson>>, ApiError> {
    let f = q.filter()?;
    Ok(Json(
        st.app
            .list_jobs(&s, &f, PageRequest::new(q.page, q.per_page))
            .await?
            .map(|j| (&j).into()),
    ))
}
