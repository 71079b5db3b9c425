//! Administration pages: users, one user, the audit log and the background jobs.

use super::*;

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
