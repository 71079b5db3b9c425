//! Server-rendered pages (askama templates, checked at compile time). Pages only display; every
//! change goes through the JSON API from the embedded script, with the CSRF token of the page.

mod admin;
pub mod exams;
pub mod grading;
pub mod results;
pub mod roster;
mod session;
pub mod student;

pub use admin::{audit, jobs, user, users};
pub use session::{login, password, set_lang, setup, student_activate, student_login};

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
        Some(Role::Student) => &[("nav.dashboard", "/"), ("nav.results", "/student")],
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
#[template(path = "dashboard.html")]
struct DashboardPage {
    l: Layout,
    name: String,
    role: &'static str,
    exams: Vec<exams::ExamRowView>,
    /// A student's released copies.
    results: Vec<student::ResultRow>,
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
    let results = if s.user.role == Role::Student {
        match student::rows(&st, &s).await {
            Ok(r) => r,
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
        results,
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
