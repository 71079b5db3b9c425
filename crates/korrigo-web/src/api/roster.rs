//! Students and roster imports (admins only; the use cases check it).

use crate::AppState;
use crate::auth::{AdminSession, Session};
use crate::client::RequestContext;
use crate::error::ApiError;
use crate::i18n::{ReqLocale, localize_rejected};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use korrigo_app::roster::{ImportReport, StudentDetail, StudentInput};
use korrigo_app::shapes::StudentJson;
use korrigo_domain::{PageRequest, Paged};
use korrigo_store::students::{StudentFilter, StudentSort};
use serde::Deserialize;

/// A raw request body (an uploaded file) with the API's error shape when it is too large.
pub struct RawBody(pub Bytes);

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let max = state.app.config.import_max_bytes;
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too_large",
                        format!(
                            "the file is larger than the {:.1} MB accepted for an import",
                            max as f64 / 1e6
                        ),
                    )
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_body",
                        format!("the file could not be read: {}", e.body_text()),
                    )
                }
            })
    }
}

/// `?dry_run=true` on the import.
#[derive(Deserialize, Default)]
pub struct ImportQuery {
    /// Only show what would happen.
    #[serde(default)]
    pub dry_run: bool,
}

/// `POST /api/students/import/`: the CSV file as the body (`X-File-Name` names it). With
/// `?dry_run=true`, answers the preview (each row and what would happen, each rejected row
/// with its line and reason); otherwise starts the import and answers 202 with its report to
/// follow at `/api/imports/{id}/`.
pub async fn import(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    ReqLocale(locale): ReqLocale,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    if q.dry_run {
        let mut preview = st.app.preview_students(&s, &body).await?;
        localize_rejected(locale, &mut preview.rejected);
        return Ok(Json(preview).into_response());
    }
    // A file name is a label: bounded like every string the API accepts.
    let name: String = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("students.csv")
        .chars()
        .take(255)
        .collect();
    let name = name.as_str();
    let mut report = st
        .app
        .start_student_import(&s, name, &body, &ctx.client())
        .await?;
    localize_rejected(locale, &mut report.rejected);
    Ok((StatusCode::ACCEPTED, Json(report)).into_response())
}

/// `GET /api/imports/{id}/`: progress and report.
pub async fn import_status(
    State(st): State<AppState>,
    Session(s): Session,
    ReqLocale(locale): ReqLocale,
    Path(id): Path<i64>,
) -> Result<Json<ImportReport>, ApiError> {
    let mut report = st.app.import_status(&s, id).await?;
    localize_rejected(locale, &mut report.rejected);
    Ok(Json(report))
}

/// `GET /api/imports/{id}/rejected/`: an import's rejected rows as a CSV file to fix the source
/// file with (UTF-8 with BOM, `;`): the line, the reason, then the row's fields as read.
pub async fn import_rejected_csv(
    State(st): State<AppState>,
    Session(s): Session,
    ReqLocale(locale): ReqLocale,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let mut report = st.app.import_status(&s, id).await?;
    localize_rejected(locale, &mut report.rejected);
    let (line, reason, column) = match locale {
        korrigo_domain::Locale::Fr => ("Ligne", "Motif", "Colonne"),
        korrigo_domain::Locale::En => ("Line", "Reason", "Column"),
    };
    let width = report
        .rejected
        .iter()
        .map(|r| r.fields.len())
        .max()
        .unwrap_or(0);
    let quote = |v: &str| {
        // Spreadsheet formulas are neutralised as in every export.
        let v = v.trim_start_matches(['=', '+', '-', '@']);
        if v.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    let mut head = vec![line.to_string(), reason.to_string()];
    head.extend((1..=width).map(|i| format!("{column} {i}")));
    out.push_str(&head.join(";"));
    out.push_str("\r\n");
    for r in &report.rejected {
        let mut row = vec![r.line.to_string(), quote(&r.reason)];
        row.extend(r.fields.iter().map(|f| quote(f)));
        out.push_str(&row.join(";"));
        out.push_str("\r\n");
    }
    let file = format!("attachment; filename=\"lignes-refusees-{id}.csv\"");
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, file),
        ],
        out,
    )
        .into_response())
}

/// Filters of `GET /api/students/`.
#[derive(Debug, Default, Deserialize)]
pub struct StudentQuery {
    /// Only this class.
    pub class: Option<String>,
    /// Only this group.
    pub group: Option<String>,
    /// Text in names, class, group or INE (accents and case ignored).
    pub q: Option<String>,
    /// `name` (default), `class`, `group`.
    pub sort: Option<String>,
    /// 1-based page.
    pub page: Option<u32>,
    /// Page size (default 50, max 500).
    pub per_page: Option<u32>,
}

impl StudentQuery {
    /// The store filter; an unknown sort is a 400.
    pub fn filter(&self) -> Result<StudentFilter, ApiError> {
        let sort = match self.sort.as_deref().filter(|s| !s.is_empty()) {
            None => StudentSort::Name,
            Some(s) => StudentSort::parse(s).ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    format!("unknown sort `{s}`: expected name, class or group"),
                )
            })?,
        };
        Ok(StudentFilter {
            class: self.class.clone(),
            group: self.group.clone(),
            search: self.q.clone(),
            sort,
        })
    }
}

/// `GET /api/students/`.
pub async fn list(
    State(st): State<AppState>,
    Session(s): Session,
    Query(q): Query<StudentQuery>,
) -> Result<Json<Paged<StudentJson>>, ApiError> {
    let f = q.filter()?;
    Ok(Json(
        st.app
            .list_students(&s, &f, PageRequest::new(q.page, q.per_page))
            .await?
            .map(|x| (&x).into()),
    ))
}

/// `GET /api/students/{id}/`: the student and the exams they sat.
pub async fn get(
    State(st): State<AppState>,
    Session(s): Session,
    Path(id): Path<i64>,
) -> Result<Json<StudentDetail>, ApiError> {
    Ok(Json(st.app.get_student(&s, id).await?))
}

/// `PATCH /api/students/{id}/`: every field of the student.
pub async fn update(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    Path(id): Path<i64>,
    super::ApiJson(b): super::ApiJson<StudentInput>,
) -> Result<Json<StudentJson>, ApiError> {
    Ok(Json(
        (&st.app.update_student(&s, id, &b, &ctx.client()).await?).into(),
    ))
}

/// `GET /api/classes/`: class names with their number of students.
pub async fn classes(
    State(st): State<AppState>,
    Session(s): Session,
) -> Result<Json<serde_json::Value>, ApiError> {
    let classes = st.app.classes(&s).await?;
    Ok(Json(serde_json::json!({
        "items": classes.iter().map(|(name, n)| serde_json::json!({ "name": name, "students": n })).collect::<Vec<_>>()
    })))
}
