//! Roster pages: the student list, one student, the import page.

use super::{Layout, Pager, layout, page_error, pager, render};
use crate::AppState;
use crate::api::roster::StudentQuery;
use crate::auth::PageSession;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use korrigo_domain::PageRequest;

struct StudentRowView {
    id: i64,
    last_name: String,
    first_name: String,
    birth_date: String,
    class: String,
    group: String,
    email: String,
}

#[derive(Template)]
#[template(path = "students.html")]
struct StudentsPage {
    l: Layout,
    rows: Vec<StudentRowView>,
    pager: Pager,
    classes: Vec<(String, i64)>,
    q: String,
    class: String,
    sort: String,
    filtered: bool,
}

/// `GET /admin/students`.
pub async fn students(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Query(q): Query<StudentQuery>,
) -> Response {
    let filter = match q.filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let page = match st
        .app
        .list_students(&s, &filter, PageRequest::new(q.page, q.per_page))
        .await
    {
        Ok(p) => p,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let classes = st.app.classes(&s).await.unwrap_or_default();
    let params = [
        ("q", q.q.clone().unwrap_or_default()),
        ("class", q.class.clone().unwrap_or_default()),
        ("sort", q.sort.clone().unwrap_or_default()),
    ];
    let pager = pager(&page, "/admin/students", &params);
    let filtered = !params[0].1.is_empty() || !params[1].1.is_empty();
    let rows = page
        .items
        .into_iter()
        .map(|s| StudentRowView {
            id: s.id,
            last_name: s.last_name,
            first_name: s.first_name,
            birth_date: s.birth_date.french(),
            class: s.class.unwrap_or_default(),
            group: s.group.unwrap_or_default(),
            email: s.email.unwrap_or_default(),
        })
        .collect();
    let [(_, qv), (_, class), (_, sort)] = params;
    render(&StudentsPage {
        l: layout(&st, Some(&s), &headers, "nav.students"),
        rows,
        pager,
        classes,
        q: qv,
        class,
        sort: if sort.is_empty() { "name".into() } else { sort },
        filtered,
    })
}

struct StudentView {
    id: i64,
    last_name: String,
    first_name: String,
    birth_date: String,
    class: String,
    group: String,
    email: String,
    ine: String,
}

#[derive(Template)]
#[template(path = "student.html")]
struct StudentPage {
    l: Layout,
    s: StudentView,
    exams: Vec<(String, String)>,
    username: Option<String>,
}

/// `GET /admin/students/{id}`.
pub async fn student(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let d = match st.app.get_student(&s, id).await {
        Ok(d) => d,
        Err(e) => return page_error(&st, &s, &headers, e),
    };
    let v = d.student;
    let username = match v.user_id {
        Some(u) => st.app.get_user(&s, u).await.ok().map(|u| u.username),
        None => None,
    };
    render(&StudentPage {
        username,
        l: layout(&st, Some(&s), &headers, "nav.students"),
        s: StudentView {
            id: v.id,
            last_name: v.last_name,
            first_name: v.first_name,
            birth_date: v.birth_date.french(),
            class: v.class.unwrap_or_default(),
            group: v.group.unwrap_or_default(),
            email: v.email.unwrap_or_default(),
            ine: v.ine.unwrap_or_default(),
        },
        exams: d
            .exams
            .into_iter()
            .map(|e| {
                (
                    e.name,
                    e.date
                        .and_then(|d| korrigo_domain::Date::parse(&d).ok())
                        .map(|d| d.french())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    l: Layout,
    import_js: String,
}

/// `GET /admin/students/import`.
pub async fn import(
    State(st): State<AppState>,
    PageSession(s): PageSession,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = korrigo_domain::policy::administer(&s.actor()) {
        return page_error(&st, &s, &headers, e.into());
    }
    render(&ImportPage {
        l: layout(&st, Some(&s), &headers, "nav.students"),
        import_js: st.assets.url("import.js").to_string(),
    })
}
