//! Student accounts: generation with activation slips (PDF or JSON), code reset, activation.

use super::ApiJson;
use crate::AppState;
use crate::auth::AdminSession;
use crate::client::RequestContext;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use korrigo_app::student_accounts::AccountSlip;
use serde::{Deserialize, Serialize};

/// `?format=pdf` (slips to print) or `json` (default).
#[derive(Deserialize, Default)]
pub struct FormatQuery {
    /// `pdf` or `json`.
    pub format: Option<String>,
}

/// `POST /api/students/accounts/` body.
#[derive(Deserialize, Default)]
pub struct GenerateBody {
    /// Only this class (every class when absent or empty).
    #[serde(default)]
    pub class: Option<String>,
}

fn respond(
    st: &AppState,
    s: &korrigo_app::accounts::AuthSession,
    slips: Vec<AccountSlip>,
    format: Option<&str>,
    name: &str,
) -> Result<Response, ApiError> {
    match format {
        Some("pdf") => {
            let pdf = st.app.slips_pdf(&slips, s.user.locale)?;
            let mut r = pdf.into_response();
            let h = r.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert("x-accounts-created", HeaderValue::from(slips.len()));
            Ok(r)
        }
        None | Some("json") => {
            let mut r =
                Json(serde_json::json!({ "created": slips.len(), "slips": slips })).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(r)
        }
        Some(other) => Err(ApiError::invalid(
            "format",
            format!("unknown format `{other}`: expected pdf or json"),
        )),
    }
}

/// `POST /api/students/accounts/[?format=pdf]` `{"class"?}`: creates an account for each
/// student (of the class) who has none, with a one-time activation code; answers the slips,
/// shown once (admins).
pub async fn generate(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    Query(q): Query<FormatQuery>,
    ApiJson(b): ApiJson<GenerateBody>,
) -> Result<Response, ApiError> {
    let slips = st
        .app
        .generate_student_accounts(&s, b.class.as_deref(), &ctx.client())
        .await?;
    let name = match b.class.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => format!(
            "comptes-{}.pdf",
            c.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect::<String>()
        ),
        None => "comptes-eleves.pdf".into(),
    };
    respond(&st, &s, slips, q.format.as_deref(), &name)
}

/// `POST /api/students/{id}/activation/[?format=pdf]`: a new activation code for one student
/// (the old one stops working, their sessions end) (admins).
pub async fn reset(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    Path(id): Path<i64>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let slip = st.app.reset_activation(&s, id, &ctx.client()).await?;
    respond(
        &st,
        &s,
        vec![slip],
        q.format.as_deref(),
        &format!("activation-{id}.pdf"),
    )
}

/// `POST /api/activate/` body.
#[derive(Deserialize)]
pub struct ActivateBody {
    /// The login printed on the slip.
    pub username: String,
    /// The activation code printed on the slip.
    pub code: String,
    /// The password the student chooses.
    pub password: String,
}

/// `POST /api/activate/` answer: where the new account logs in.
#[derive(Serialize)]
pub struct Activated {
    /// The account's role (`student`, or `teacher` for imported staff).
    pub role: korrigo_domain::Role,
    /// The login page to go to, saying that the account is active.
    pub login_url: &'static str,
}

/// `POST /api/activate/`: a student (or an imported teacher) chooses their password with
/// their one-time code → 200 with the login page to go to.
pub async fn activate(
    State(st): State<AppState>,
    ctx: RequestContext,
    ApiJson(b): ApiJson<ActivateBody>,
) -> Result<Json<Activated>, ApiError> {
    let role = st
        .app
        .activate_account(&b.username, &b.code, &b.password, &ctx.client())
        .await?;
    Ok(Json(Activated {
        role,
        login_url: if role == korrigo_domain::Role::Student {
            "/student/login?activated=1"
        } else {
            "/login?activated=1"
        },
    }))
}

/// `?dry_run=true&format=pdf|json` on the staff import.
#[derive(Deserialize, Default)]
pub struct TeacherImportQuery {
    /// Only show what would happen.
    #[serde(default)]
    pub dry_run: bool,
    /// `pdf` for the activation slips of the created accounts, `json` (default) for the report.
    pub format: Option<String>,
}

/// `POST /api/teachers/import/`: a staff CSV (name, e-mail) as the body. Creates a teacher
/// account (login: the e-mail) with a one-time activation code for each new e-mail; answers
/// the report (created with their codes, existing, rejected rows) or, with `format=pdf`, the
/// slips (admins).
pub async fn import_teachers(
    State(st): State<AppState>,
    ctx: RequestContext,
    AdminSession(s): AdminSession,
    crate::i18n::ReqLocale(locale): crate::i18n::ReqLocale,
    Query(q): Query<TeacherImportQuery>,
    super::roster::RawBody(body): super::roster::RawBody,
) -> Result<Response, ApiError> {
    let mut report = st
        .app
        .import_teachers(&s, &body, q.dry_run, &ctx.client())
        .await?;
    if q.format.as_deref() == Some("pdf") && !q.dry_run {
        return respond(
            &st,
            &s,
            report.created,
            Some("pdf"),
            "comptes-enseignants.pdf",
        );
    }
    crate::i18n::localize_rejected(locale, &mut report.rejected);
    let mut r = Json(report).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}
