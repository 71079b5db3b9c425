//! The audit log (admins only).

use crate::AppState;
use crate::auth::Session;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Query, State};
use korrigo_app::shapes::EntryJson;
use korrigo_domain::Paged;
use korrigo_domain::audit::AuditAction;
use korrigo_store::audit::AuditFilter;
use serde::Deserialize;

/// Filters of `GET /api/audit/`.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// An action name (`login.failed`, ...).
    pub action: Option<String>,
    /// A username (actor, or the account acted on / tried).
    pub user: Option<String>,
    /// A client IP.
    pub ip: Option<String>,
    /// From (ms since epoch, inclusive).
    pub from: Option<i64>,
    /// Until (ms since epoch, exclusive).
    pub until: Option<i64>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Page size (default 50, at most 500).
    pub per_page: Option<u32>,
}

impl AuditQuery {
    /// The store filter; an unknown action is a 400 naming it.
    pub fn filter(&self) -> Result<AuditFilter, ApiError> {
        let action = match self.action.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => Some(
                AuditAction::parse(a)
                    .ok_or_else(|| ApiError::invalid("action", format!("unknown action `{a}`")))?,
            ),
            None => None,
        };
        Ok(AuditFilter {
            action,
            user: self.user.clone(),
            ip: self.ip.clone(),
            from: self.from,
            until: self.until,
        })
    }
}

/// `GET /api/audit/`, newest first.
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Paged<EntryJson>>, ApiError> {
    let f = q.filter()?;
    Ok(Json(
        st.app
            .audit_log(&s, &f, korrigo_domain::PageRequest::new(q.page, q.per_page))
            .await?
            .map(|e| (&e).into()),
    ))
}
