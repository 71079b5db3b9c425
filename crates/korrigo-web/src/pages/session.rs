//! Pages before and around a session: log in (staff and students), activate a student account,
//! the first admin's setup, the password change, and the language of an anonymous visitor.

use super::*;

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
