//! Server-rendered pages (askama templates, checked at compile time). Pages only display; every
//! change goes through the JSON API from the embedded script, with the CSRF token of the page.

pub mod exams;
pub mod grading;
pub mod roster;

use crate::AppState;
use crate::api::audit::AuditQuery;
use crate::api::users::UserQuery;
use crate::auth::{MaybeSession, PageSession, url_encode};
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use korrigo_app::AppError;
use korrigo_app::accounts::{AuthSession, UserView};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{Locale, Paged, Role, UserId};
use serde::Deserialize;

/// The cookie that keeps an anonymous visitor's language.
pub const LANG_COOKIE: &str = "korrigo_lang";

/// A navigation entry.
pub struct NavItem {
    /// Translation key (also the "active" marker).
    pub key: &'static str,
    /// Link.
    pub href: &'static str,
}

/// The logged-in user as the layout shows them.
pub struct NavUser {
    /// Display name.
    pub display_name: String,
    /// Username.
    pub username: String,
    /// Translation key of the role.
    pub role_key: &'static str,
}

/// What every page's layout needs.
pub struct Layout {
    /// Translator.
    pub t: Tr,
    /// `fr` or `en`.
    pub lang: &'static str,
    /// Stylesheet URL.
    pub css: String,
    /// Script URL.
    pub js: String,
    /// Icon URL.
    pub icon: String,
    /// CSRF token for the page's script.
    pub csrf: String,
    /// The user, if logged in.
    pub user: Option<NavUser>,
    /// Navigation for the user's role.
    pub nav: Vec<NavItem>,
    /// The current navigation entry.
    pub active: &'static str,
}

fn role_key(r: Role) -> &'static str {
    match r {
        Role::Admin => "role.admin",
        Role::Teacher => "role.teacher",
        Role::Student => "role.student",
    }
}

/// The language of a request: the user's, else the language cookie, else the browser's.
pub(crate) fn locale_for(session: Option<&AuthSession>, headers: &HeaderMap) -> Locale {
    if let Some(s) = session {
        return s.user.locale;
    }
    let cookie =
        crate::middleware::cookie(headers, LANG_COOKIE).and_then(|v| Locale::parse(&v).ok());
    cookie.unwrap_or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Locale::from_accept_language)
            .unwrap_or_default()
    })
}

fn layout(
    st: &AppState,
    session: Option<&AuthSession>,
    headers: &HeaderMap,
    active: &'static str,
) -> Layout {
    let locale = locale_for(session, headers);
    // One navigation per role.
    let items: &[(&'static str, &'static str)] = match session.map(|s| s.user.role) {
        Some(Role::Admin) => &[
            ("nav.dashboard", "/"),
            ("nav.exams", "/exams"),
            ("nav.grading", "/grading"),
            ("nav.students", "/admin/students"),
            ("nav.users", "/admin/users"),
            ("nav.audit", "/admin/audit"),
            ("nav.jobs", "/admin/jobs"),
        ],
        Some(Role::Teacher) => &[
            ("nav.dashboard", "/"),
            ("nav.exams", "/exams"),
            ("nav.grading", "/grading"),
        ],
        Some(Role::Student) => &[("nav.dashboard", "/")],
        None => &[],
    };
    let nav = items
        .iter()
        .map(|(key, href)| NavItem { key, href })
        .collect();
    Layout {
        t: Tr { locale },
        lang: locale.as_str(),
        css: st.assets.url("app.css").to_string(),
        js: st.assets.url("app.js").to_string(),
        icon: st.assets.url("favicon.svg").to_string(),
        csrf: session.map(|s| s.csrf_token.clone()).unwrap_or_default(),
        user: session.map(|s| NavUser {
            display_name: s.user.display_name.clone(),
            username: s.user.username.clone(),
            role_key: role_key(s.user.role),
        }),
        nav,
        active,
    }
}

pub(crate) fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    status: u16,
    message_key: &'static str,
}

fn error_page(
    st: &AppState,
    s: Option<&AuthSession>,
    headers: &HeaderMap,
    status: StatusCode,
) -> Response {
    let message_key = if status == StatusCode::FORBIDDEN {
        "error.forbidden"
    } else {
        "error.not_found"
    };
    let mut r = render(&ErrorPage {
        l: layout(st, s, headers, ""),
        status: status.as_u16(),
        message_key,
    });
    *r.status_mut() = status;
    r
}

/// Maps a use-case failure on a page: 403/404 pages, otherwise a logged 500.
pub(crate) fn page_error(
    st: &AppState,
    s: &AuthSession,
    headers: &HeaderMap,
    e: AppError,
) -> Response {
    match e {
        AppError::Forbidden => error_page(st, Some(s), headers, StatusCode::FORBIDDEN),
        AppError::NotFound(_) => error_page(st, Some(s), headers, StatusCode::NOT_FOUND),
        other => crate::error::ApiError::from(other).into_response(),
    }
}

/// Fallback for unknown paths.
pub async fn not_found(
    State(st): State<AppState>,
    MaybeSession(s): MaybeSession,
    headers: HeaderMap,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such API route: {method} {}", uri.path()),
        )
        .into_response();
    }
    error_page(&st, s.as_ref(), &headers, StatusCode::NOT_FOUND)
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Set after an account activation: the login page says so.
    #[serde(default)]
    activated: Option<String>,
}

/// Where to go after login or a language change: only a path of this site, else the home
/// page (no open redirect). This one function serves `/login`, `/student/login` and
/// `/lang/{code}`; `app.js` applies the same rule (`safeLocalPath`) before following one.
///
/// Browsers drop tabs and line breaks from URLs and read `\` as `/`, so `/\t/evil.example`
/// would become `//evil.example`: any control character, whitespace or backslash, even
/// percent-encoded, refuses the path. What remains must start with one `/` and, resolved
/// against the public URL, stay on its origin.
pub fn safe_next(public_url: &url::Url, next: Option<&str>) -> String {
    let home = || "/".to_string();
    let Some(n) = next else { return home() };
    let decoded: String =
        url::form_urlencoded::parse(format!("x={}", n.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    if n.len() > 2000 || bad(n) || bad(&decoded) || !n.starts_with('/') || n.starts_with("//") {
        return home();
    }
    match public_url.join(n) {
        Ok(u) if u.origin() == public_url.origin() => {
            let mut out = u.path().to_string();
            if let Some(q) = u.query() {
                out.push('?');
                out.push_str(q);
            }
            if let Some(f) = u.fragment() {
                out.push('#');
                out.push_str(f);
            }
            out
        }
        _ => home(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    student: bool,
    next: String,
    activated: bool,
}

/// `GET /login` (staff).
pub async fn login(
    State(st): State<AppState>,
    MaybeSession(s): MaybeSession,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(st, s, headers, q, false)
}

/// `GET /student/login`.
pub async fn student_login(
    State(st): State<AppState>,
    MaybeSession(s): MaybeSession,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(st, s, headers, q, true)
}

fn login_page(
    st: AppState,
    s: Option<AuthSession>,
    headers: HeaderMap,
    q: NextQuery,
    student: bool,
) -> Response {
    if s.is_some() {
        return Redirect::to(&safe_next(&st.app.config.public_url, q.next.as_deref()))
            .into_response();
    }
    render(&LoginPage {
        l: layout(&st, None, &headers, ""),
        student,
        next: safe_next(&st.app.config.public_url, q.next.as_deref()),
        activated: q.activated.is_some(),
    })
}

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    l: Layout,
}

/// `GET /student/activate`: a student chooses their password with the code of their slip.
pub async fn student_activate(State(st): State<AppState>, headers: HeaderMap) -> Response {
    render(&ActivatePage {
        l: layout(&st, None, &headers, ""),
    })
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    l: Layout,
    token: String,
    valid: bool,
}

/// `GET /setup/{token}`: the one-time page to choose the first admin's password.
pub async fn setup(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let valid = match st.app.setup_token_valid(&token).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let mut r = render(&SetupPage {
        l: layout(&st, None, &headers, ""),
        token,
        valid,
    });
    if !valid {
        *r.status_mut() = StatusCode::GONE;
    }
    r
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    forced: bool,
}

/// `GET /password`.
pub async fn password(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
) -> Response {
    render(&PasswordPage {
        l: layout(&st, Some(&s), &headers, "nav.password"),
        forced: s.user.must_change_password,
    })
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    name: String,
    role: &'static str,
    exams: Vec<exams::ExamRowView>,
}

/// `GET /`: the dashboard of the user's role.
pub async fn dashboard(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
) -> Response {
    let exams = if s.user.role.is_staff() {
        match st
            .app
            .list_exams(
                &s,
                None,
                false,
                korrigo_store::exams::ExamSort::Date,
                korrigo_domain::PageRequest::new(None, Some(10)),
            )
            .await
        {
            Ok(p) => p.items.iter().map(exams::ExamRowView::from).collect(),
            Err(e) => return page_error(&st, &s, &headers, e),
        }
    } else {
        vec![]
    };
    render(&DashboardPage {
        l: layout(&st, Some(&s), &headers, "nav.dashboard"),
        name: s.user.display_name.clone(),
        role: s.user.role.as_str(),
        exams,
    })
}

/// Previous/next links of a list page, keeping its filters.
pub struct Pager {
    total: i64,
    page: u32,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
}

pub(crate) fn pager<T>(p: &Paged<T>, base: &str, params: &[(&str, String)]) -> Pager {
    let link = |page: u32| {
        let mut q: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("page={page}"));
        q.push(format!("per_page={}", p.per_page));
        format!("{base}?{}", q.join("&"))
    };
    Pager {
        total: p.total,
        page: p.page,
        pages: p.pages(),
        prev: (p.page > 1).then(|| link(p.page - 1)),
        next: (i64::from(p.page) < p.pages()).then(|| link(p.page + 1)),
    }
}

/// Formats milliseconds since the epoch as an ISO-8601 UTC timestamp (the page's script shows
/// it in local time).
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parses `yyyy-mm-dd` to milliseconds at 00:00 UTC.
pub fn parse_date_ms(s: &str) -> Option<i64> {
    let mut it = s.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

struct UserRowView {
    id: UserId,
    display_name: String,
    username: String,
    email: String,
    role_key: &'static str,
    is_active: bool,
    must_change_password: bool,
    last_login: Option<String>,
}

const USER_FILTER_ROLES: [(&str, &str); 5] = [
    ("all", "users.all_roles"),
    ("admin", "role.admin"),
    ("teacher", "role.teacher"),
    ("student", "role.student_plural"),
    ("staff", "users.staff"),
];
const ROLES: [(&str, &str); 3] = [
    ("admin", "role.admin"),
    ("teacher", "role.teacher"),
    ("student", "role.student"),
];
const SORTS: [(&str, &str); 4] = [
    ("name", "users.sort_name"),
    ("username", "users.sort_username"),
    ("newest", "users.sort_newest"),
    ("last_login", "users.sort_last_login"),
];

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    l: Layout,
    rows: Vec<UserRowView>,
    pager: Pager,
    q: String,
    role: String,
    active: String,
    sort: String,
    filtered: bool,
    roles: [(&'static str, &'static str); 5],
    sorts: [(&'static str, &'static str); 4],
}

/// `GET /admin/users`.
pub async fn users(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Query(q): Query<UserQuery>,
) -> Response {
    // Staff by default: a school's hundreds of student accounts stay behind a filter.
    let filter = match q.filter(true) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let page = match st
        .app
        .list_users(
            &s,
            &filter,
            korrigo_domain::PageRequest::new(q.page, q.per_page),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("role", q.role.clone().unwrap_or_default()),
        (
            "active",
            q.active.map(|a| a.to_string()).unwrap_or_default(),
        ),
        ("sort", q.sort.clone().unwrap_or_default()),
    ];
    let pager = pager(&page, "/admin/users", &params);
    let filtered = params[..3].iter().any(|(_, v)| !v.is_empty());
    let rows = page
        .items
        .iter()
        .map(|u: &UserView| UserRowView {
            id: u.id,
            display_name: u.display_name.clone(),
            username: u.username.clone(),
            email: u.email.clone().unwrap_or_default(),
            role_key: role_key(u.role),
            is_active: u.is_active,
            must_change_password: u.must_change_password,
            last_login: u.last_login_at.map(iso),
        })
        .collect();
    let [(_, qv), (_, role), (_, active), (_, sort)] = params;
    render(&UsersPage {
        l: layout(&st, Some(&s), &headers, "nav.users"),
        rows,
        pager,
        q: qv,
        role,
        active,
        sort,
        filtered,
        roles: USER_FILTER_ROLES,
        sorts: SORTS,
    })
}

struct UserDetail {
    id: UserId,
    display_name: String,
    username: String,
    email: String,
    role: &'static str,
    locale: &'static str,
    is_active: bool,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    l: Layout,
    u: UserDetail,
    roles: [(&'static str, &'static str); 3],
}

/// `GET /admin/users/{id}`.
pub async fn user(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let u = match st.app.get_user(&s, UserId(id)).await {
        Ok(u) => u,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    render(&UserPage {
        l: layout(&st, Some(&s), &headers, "nav.users"),
        u: UserDetail {
            id: u.id,
            display_name: u.display_name,
            username: u.username,
            email: u.email.unwrap_or_default(),
            role: u.role.as_str(),
            locale: u.locale.as_str(),
            is_active: u.is_active,
        },
        roles: ROLES,
    })
}

struct AuditRowView {
    at: String,
    actor: String,
    action: String,
    object: String,
    ip: String,
    details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    rows: Vec<AuditRowView>,
    pager: Pager,
    actions: Vec<(String, String)>,
    action: String,
    user: String,
    ip: String,
    from: String,
    until: String,
}

/// Query of the audit page: dates as `yyyy-mm-dd` (the API takes milliseconds).
#[derive(Deserialize, Default)]
pub struct AuditPageQuery {
    action: Option<String>,
    user: Option<String>,
    ip: Option<String>,
    from: Option<String>,
    until: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `GET /admin/audit`.
pub async fn audit(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Query(q): Query<AuditPageQuery>,
) -> Response {
    let from_s = q.from.clone().unwrap_or_default();
    let until_s = q.until.clone().unwrap_or_default();
    let api_q = AuditQuery {
        action: q.action.clone(),
        user: q.user.clone(),
        ip: q.ip.clone(),
        from: parse_date_ms(&from_s),
        // "Until" a day includes that whole day.
        until: parse_date_ms(&until_s).map(|t| t + 86_400_000),
        page: q.page,
        per_page: q.per_page,
    };
    let filter = match api_q.filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let page = match st
        .app
        .audit_log(
            &s,
            &filter,
            korrigo_domain::PageRequest::new(q.page, q.per_page),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let params = [
        ("action", q.action.clone().unwrap_or_default()),
        ("user", q.user.clone().unwrap_or_default()),
        ("ip", q.ip.clone().unwrap_or_default()),
        ("from", from_s.clone()),
        ("until", until_s.clone()),
    ];
    let pager = pager(&page, "/admin/audit", &params);
    let l = layout(&st, Some(&s), &headers, "nav.audit");
    // Accounts are named by their username, looked up for the whole page at once.
    let user_ids: Vec<i64> = page
        .items
        .iter()
        .filter(|e| e.object_type.as_deref() == Some("user"))
        .filter_map(|e| e.object_id.as_deref()?.parse().ok())
        .collect();
    let names = match st.app.audit_usernames(&s, &user_ids).await {
        Ok(n) => n,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let rows = page
        .items
        .into_iter()
        .map(|e| AuditRowView {
            at: iso(e.at),
            actor: e.actor_username.unwrap_or_else(|| "—".into()),
            action: l.t.audit_action(&e.action),
            object: match (e.object_type.as_deref(), e.object_id.as_deref()) {
                (Some(t), Some(i)) => {
                    let name = i.parse::<i64>().ok().and_then(|id| names.get(&id));
                    l.t.audit_object(t, i, name.map(String::as_str))
                }
                _ => String::new(),
            },
            ip: e.ip.unwrap_or_default(),
            details: l.t.audit_details(&e.details),
        })
        .collect();
    render(&AuditPage {
        rows,
        pager,
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str().to_string(), l.t.audit_action(a.as_str())))
            .collect(),
        l,
        action: q.action.unwrap_or_default(),
        user: q.user.unwrap_or_default(),
        ip: q.ip.unwrap_or_default(),
        from: from_s,
        until: until_s,
    })
}

struct JobRowView {
    id: i64,
    kind: String,
    status_key: &'static str,
    attempts: i64,
    max_attempts: i64,
    done: i64,
    total: i64,
    updated: String,
    error: String,
}

const JOB_STATUSES: [(&str, &str); 4] = [
    ("queued", "jobs.queued"),
    ("running", "jobs.running"),
    ("succeeded", "jobs.succeeded"),
    ("failed", "jobs.failed"),
];

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    l: Layout,
    rows: Vec<JobRowView>,
    pager: Pager,
    statuses: [(&'static str, &'static str); 4],
    status: String,
    kind: String,
}

/// `GET /admin/jobs`.
pub async fn jobs(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Query(q): Query<crate::api::jobs::JobQuery>,
) -> Response {
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let page = match st
        .app
        .list_jobs(
            &s,
            &filter,
            korrigo_domain::PageRequest::new(q.page, q.per_page),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let params = [
        ("status", q.status.clone().unwrap_or_default()),
        ("kind", q.kind.clone().unwrap_or_default()),
    ];
    let pager = pager(&page, "/admin/jobs", &params);
    let l = layout(&st, Some(&s), &headers, "nav.jobs");
    let rows = page
        .items
        .into_iter()
        .map(|j| JobRowView {
            id: j.id.0,
            kind: l.t.job_kind(&j.kind),
            status_key: JOB_STATUSES
                .iter()
                .find(|(k, _)| *k == j.status.as_str())
                .map(|(_, t)| *t)
                .unwrap_or("jobs.queued"),
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            done: j.progress_done,
            total: j.progress_total,
            updated: iso(j.updated_at),
            error: j.last_error.unwrap_or_default(),
        })
        .collect();
    let [(_, status), (_, kind)] = params;
    render(&JobsPage {
        l,
        rows,
        pager,
        statuses: JOB_STATUSES,
        status,
        kind,
    })
}

/// `GET /lang/{code}?next=`: keeps an anonymous visitor's language in a cookie.
pub async fn set_lang(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let locale = Locale::parse(&code).unwrap_or_default();
    let mut cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.as_str()
    );
    if st.app.config.cookie_secure {
        cookie.push_str("; Secure");
    }
    let mut r =
        Redirect::to(&safe_next(&st.app.config.public_url, q.next.as_deref())).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        let t = parse_date_ms("2026-11-28").unwrap();
        assert_eq!(iso(t), "2026-11-28T00:00:00Z");
        assert_eq!(iso(t + 3_723_000), "2026-11-28T01:02:03Z");
        assert_eq!(
            parse_date_ms("2024-02-29").map(iso).as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        assert!(parse_date_ms("2026-13-01").is_none());
        assert!(parse_date_ms("nope").is_none());
    }

    #[test]
    fn only_local_redirects() {
        let base = url::Url::parse("https://korrigo.lycee.fr/").unwrap();
        let next = |n: &str| safe_next(&base, Some(n));
        assert_eq!(next("/admin/users?page=2"), "/admin/users?page=2");
        assert_eq!(next("/exams/3#scans"), "/exams/3#scans");
        assert_eq!(next("/élèves"), "/%C3%A9l%C3%A8ves");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\tevil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\/evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%5c/evil.example",
            "/ /evil.example",
            "/\u{7f}/evil",
            "evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(next(evil), "/", "{evil:?}");
        }
        assert_eq!(safe_next(&base, None), "/");
    }
}
