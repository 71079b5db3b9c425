//! The security review's findings (issue 10), each as a test through the real router (and,
//! for the timeouts, the real server on a loopback port).

mod common;

use korrigo_store::both_backends;

use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use common::{ORIGIN, TestApp};
use korrigo_app::config::{Environment, Secret};
use korrigo_app::jobs::builtin_registry;
use korrigo_store::test_support::Which;
use korrigo_web::AppState;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

both_backends!(
    oversized_bodies_are_refused_without_being_read,
    long_fields_are_refused_and_audit_rows_stay_small,
    next_only_leads_to_this_site,
    metrics_need_a_long_token_in_production,
    wrong_current_passwords_are_throttled_and_audited,
    login_failures_count_per_account_across_username_and_email,
    api_answers_are_not_cached,
    api_errors_are_always_json,
    roles_are_checked_before_the_body_is_read,
    session_cookie_is_host_prefixed_over_https,
    errors_speak_the_callers_language,
);

/// The process's resident memory, in bytes (Linux).
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// A request whose body is `total` bytes of one shared 1 MiB chunk: sending it costs the test
/// no memory, so the process grows only by what the server keeps of it.
fn streamed_login(total_mib: usize) -> Request<Body> {
    let chunk = Bytes::from(vec![b'a'; 1 << 20]);
    let head = Bytes::from_static(b"{\"username\": \"");
    let parts = std::iter::once(head).chain(std::iter::repeat_n(chunk, total_mib));
    let stream = futures_util::stream::iter(parts.map(Ok::<_, std::io::Error>));
    Request::builder()
        .method(Method::POST)
        .uri("/api/login/")
        .header("host", "127.0.0.1:8080")
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap()
}

async fn oversized_bodies_are_refused_without_being_read(w: Which) {
    let t = TestApp::new(w).await;
    // Warm up (first request allocates pools and caches).
    t.call(streamed_login(2)).await;
    let before = rss_bytes();
    let r = t.call(streamed_login(256)).await;
    let grown = rss_bytes().saturating_sub(before);
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "too_large");
    assert!(
        grown < 64 << 20,
        "a 256 MiB login body made the process grow by {} MiB",
        grown >> 20
    );
    // Nothing of it reached the audit log.
    let admin = t.admin().await;
    let audit = t
        .script(&admin, Method::GET, "/api/audit/?action=login.failed", None)
        .await;
    assert_eq!(audit.body["total"], 0, "{}", audit.text);
    // The configured limit is the one applied.
    let small = TestApp::with(w, |c| c.api_max_bytes = 2048, builtin_registry()).await;
    let r = small
        .send(
            Method::POST,
            "/api/login/",
            Some(json!({"username": "x".repeat(300), "password": "y".repeat(3000)})),
            &[("origin", ORIGIN)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    small.cleanup().await;
    t.cleanup().await;
}

async fn long_fields_are_refused_and_audit_rows_stay_small(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let r = t
        .try_login(&"a".repeat(600_000), "whatever", "192.0.2.30")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "too_long");
    assert_eq!(r.body["error"]["details"]["field"], "username");
    assert_eq!(r.body["error"]["details"]["max"], 500);
    // Other routes too: a user's display name, an exam's name.
    for (path, body, field) in [
        (
            "/api/users/",
            json!({"username": "bob", "display_name": "B".repeat(501), "role": "teacher"}),
            "display_name",
        ),
        ("/api/exams/", json!({"name": "N".repeat(10_000)}), "name"),
    ] {
        let r = t.browser(&admin, Method::POST, path, Some(body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], field, "{path}");
    }
    // The longest username accepted is still bounded in the audit row.
    let r = t
        .try_login(&"é".repeat(500), "whatever", "192.0.2.31")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let audit = t
        .script(&admin, Method::GET, "/api/audit/?action=login.failed", None)
        .await;
    assert_eq!(
        audit.body["total"], 1,
        "nothing audited for the refused body"
    );
    let row = &audit.body["items"][0];
    assert!(row["object_id"].as_str().unwrap().chars().count() <= 200);
    assert!(
        row.to_string().len() < 3000,
        "audit row: {} bytes",
        row.to_string().len()
    );
    t.cleanup().await;
}

async fn next_only_leads_to_this_site(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let evil = [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "//evil.example",
        "/%5C/evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "https:%2F%2Fevil.example",
        "/%2509/evil.example",
        "/%01/evil.example",
        "/%7f",
    ];
    for n in evil {
        // A logged-in visitor is redirected at once: to the home page.
        for page in ["/login", "/student/login"] {
            let r = t.page(&admin, &format!("{page}?next={n}")).await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{page}?next={n}: {}",
                r.text
            );
            assert_eq!(r.headers["location"], "/", "{page}?next={n}");
            // An anonymous one gets the form, which leads home after login.
            let r = t
                .send(Method::GET, &format!("{page}?next={n}"), None, &[])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{page}?next={n}");
            assert!(
                r.text.contains(r#"data-redirect="/""#),
                "{page}?next={n} keeps a foreign redirect"
            );
        }
        let r = t
            .send(Method::GET, &format!("/lang/en?next={n}"), None, &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "/lang/en?next={n}");
        assert_eq!(r.headers["location"], "/", "/lang/en?next={n}");
    }
    // A path of this site is kept.
    let r = t
        .page(&admin, "/login?next=%2Fadmin%2Fusers%3Fpage%3D2")
        .await;
    assert_eq!(r.headers["location"], "/admin/users?page=2");
    t.cleanup().await;
}

async fn metrics_need_a_long_token_in_production(w: Which) {
    let open = TestApp::with(
        w,
        |c| {
            c.env = Environment::Production;
            c.metrics_token = None;
        },
        builtin_registry(),
    )
    .await;
    let r = open.send(Method::GET, "/metrics", None, &[]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    assert!(!r.text.contains("korrigo_http_requests_total"));
    open.cleanup().await;
    let token = "3f9c1a7e5b2d48c0a6e1f7b9d2c4e8a1";
    let t = TestApp::with(
        w,
        |c| {
            c.env = Environment::Production;
            c.metrics_token = Some(Secret::new(token));
        },
        builtin_registry(),
    )
    .await;
    assert_eq!(
        t.send(Method::GET, "/metrics", None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = t
        .send(Method::GET, "/metrics", None, &[("x-metrics-token", token)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("korrigo_http_requests_total"));
    t.cleanup().await;
}

async fn wrong_current_passwords_are_throttled_and_audited(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, teacher) = t.user(&admin, "martin", "teacher").await;
    let wrong = |i: usize| json!({"current_password": format!("guess number {i}"), "new_password": "a brand new passphrase"});
    for i in 0..5 {
        let r = t
            .browser(&teacher, Method::POST, "/api/me/password/", Some(wrong(i)))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], "current_password");
    }
    let r = t
        .browser(&teacher, Method::POST, "/api/me/password/", Some(wrong(5)))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert!(r.headers.contains_key("retry-after"));
    // Even the right password waits now.
    let r = t
        .browser(
            &teacher,
            Method::POST,
            "/api/me/password/",
            Some(json!({"current_password": common::USER_PASSWORD, "new_password": "a brand new passphrase"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let audit = t
        .script(
            &admin,
            Method::GET,
            "/api/audit/?action=password.change_failed&user=martin",
            None,
        )
        .await;
    assert_eq!(audit.body["total"], 5, "{}", audit.text);
    assert_eq!(audit.body["items"][0]["actor_username"], "martin");
    t.cleanup().await;
}

async fn login_failures_count_per_account_across_username_and_email(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(
                json!({"username": "alice", "display_name": "Alice", "role": "teacher",
                        "email": "alice@lycee.fr", "password": "the right passphrase"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Five failures spread over the username and the e-mail, from five addresses.
    for (i, login) in [
        "alice",
        "alice@lycee.fr",
        "ALICE",
        "alice@lycee.fr",
        "alice",
    ]
    .iter()
    .enumerate()
    {
        let r = t
            .try_login(login, "wrong guess", &format!("198.51.100.{i}"))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{login}: {}", r.text);
    }
    for login in ["alice", "alice@lycee.fr"] {
        let r = t
            .try_login(login, "the right passphrase", "198.51.100.99")
            .await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{login}: {}",
            r.text
        );
    }
    // The audit filter by username finds the failures kept under the account's id.
    let audit = t
        .script(
            &admin,
            Method::GET,
            "/api/audit/?action=login.failed&user=alice",
            None,
        )
        .await;
    assert_eq!(audit.body["total"], 5, "{}", audit.text);
    // Another account is not affected.
    let r = t
        .try_login("admin", common::ADMIN_PASSWORD, "198.51.100.99")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    t.cleanup().await;
}

async fn api_answers_are_not_cached(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let exam = t
        .browser(
            &admin,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc"})),
        )
        .await;
    assert_eq!(exam.status, StatusCode::CREATED, "{}", exam.text);
    let id = exam.body["id"].as_i64().unwrap();
    let paths = [
        "/api/me/".to_string(),
        "/api/users/".into(),
        "/api/users/1/".into(),
        "/api/audit/".into(),
        "/api/jobs/".into(),
        "/api/students/".into(),
        "/api/classes/".into(),
        "/api/exams/".into(),
        format!("/api/exams/{id}/"),
        format!("/api/exams/{id}/scheme/"),
        format!("/api/exams/{id}/scans/"),
        format!("/api/exams/{id}/copies/"),
        format!("/api/exams/{id}/identification/"),
        format!("/api/exams/{id}/students/?q=a"),
        "/api/nope/".into(),
    ];
    for p in &paths {
        let r = t.script(&admin, Method::GET, p, None).await;
        assert_eq!(
            r.headers.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{p} ({})",
            r.status
        );
    }
    t.cleanup().await;
}

async fn api_errors_are_always_json(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    for (method, path, status, code) in [
        (
            Method::GET,
            "/api/nope/",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::POST,
            "/api/nope/",
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::GET,
            "/api/users/abc/",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::GET,
            "/api/users/?page=abc",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            Method::DELETE,
            "/api/me/",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ] {
        let r = t.script(&admin, method.clone(), path, None).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.text);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{method} {path}"
        );
        assert_eq!(r.body["error"]["code"], code, "{method} {path}: {}", r.text);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // Pages keep their HTML 404.
    let r = t.page(&admin, "/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("<html"));
    t.cleanup().await;
}

async fn roles_are_checked_before_the_body_is_read(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, student) = t.user(&admin, "eleve", "student").await;
    let (_, teacher) = t.user(&admin, "prof", "teacher").await;
    let garbage = json!({"nothing": "expected"});
    for (who, path) in [
        (&student, "/api/users/"),
        (&teacher, "/api/users/"),
        (&student, "/api/users/1/reset-password/"),
        (&student, "/api/students/accounts/"),
        (&student, "/api/exams/"),
        (&student, "/api/exams/1/members/"),
        (&student, "/api/copies/1/identification/"),
    ] {
        let method = if path.ends_with("members/") {
            Method::PUT
        } else {
            Method::POST
        };
        let r = t.browser(who, method, path, Some(garbage.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
        assert_eq!(r.body["error"]["code"], "forbidden", "{path}");
    }
    let r = t
        .browser(&student, Method::PATCH, "/api/users/1/", Some(garbage))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    t.cleanup().await;
}

async fn session_cookie_is_host_prefixed_over_https(w: Which) {
    let t = TestApp::with(
        w,
        |c| {
            c.public_url = url::Url::parse("https://korrigo.lycee.fr").unwrap();
            c.cookie_secure = true;
            c.allowed_hosts.push("korrigo.lycee.fr".into());
            c.csrf_trusted_origins = vec!["https://korrigo.lycee.fr".into()];
        },
        builtin_registry(),
    )
    .await;
    let r = t
        .send(
            Method::POST,
            "/api/login/",
            Some(json!({"username": "admin", "password": common::ADMIN_PASSWORD})),
            &[("origin", "https://korrigo.lycee.fr")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let set = r.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(set.starts_with("__Host-korrigo_session="), "{set}");
    assert!(set.contains("; Secure") && set.contains("Path=/") && !set.contains("Domain"));
    let cookie = set.split(';').next().unwrap().to_string();
    let me = t
        .send(Method::GET, "/api/me/", None, &[("cookie", &cookie)])
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    // The plain name is not read there.
    let plain = cookie.replace("__Host-", "");
    let me = t
        .send(Method::GET, "/api/me/", None, &[("cookie", &plain)])
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    t.cleanup().await;
}

/// Starts the real server (hyper, the configured timeouts) on a loopback port.
async fn real_server(
    t: &TestApp,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(korrigo_web::serve(
        listener,
        AppState::new(t.app.clone()),
        async {
            let _ = stopped.await;
        },
    ));
    (addr, stop, server)
}

/// Reads until the server closes the connection (or `limit` passes): what it sent, and
/// whether it closed.
async fn read_until_closed(s: &mut tokio::net::TcpStream, limit: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let closed = tokio::time::timeout(limit, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    (String::from_utf8_lossy(&out).to_string(), closed)
}

#[tokio::test]
async fn stalled_requests_are_closed() {
    let t = TestApp::with(
        Which::Sqlite,
        |c| {
            c.header_timeout = Duration::from_secs(1);
            c.body_timeout = Duration::from_secs(1);
        },
        builtin_registry(),
    )
    .await;
    let (addr, stop, server) = real_server(&t).await;

    // Half-sent headers: the connection is closed (a guard of 20 s, not a timing claim).
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /api/health/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut s, Duration::from_secs(20)).await;
    assert!(closed, "a half-sent request kept its connection open");

    // Half-sent body: 408 in the API's error shape, then the connection is closed.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /api/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":",
    )
    .await
    .unwrap();
    let (answer, closed) = read_until_closed(&mut s, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""code":"timeout""#), "{answer}");
    assert!(closed, "a half-sent body kept its connection open");

    // A normal request on the same server still works, on a kept-alive connection.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /api/health/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(&mut s, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("alive"));

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    t.cleanup().await;
}

/// Every message a user can read comes in their language (the session's, else the browser's),
/// with the same stable `code` for scripts.
async fn errors_speak_the_callers_language(w: Which) {
    let t = TestApp::new(w).await;
    // Anonymous callers: by `Accept-Language`, French by default.
    let login = |lang: &'static str| {
        let t = &t;
        async move {
            t.send(
                Method::POST,
                "/api/login/",
                Some(json!({"username": "nobody", "password": "nothing at all"})),
                &[("origin", ORIGIN), ("accept-language", lang)],
            )
            .await
        }
    };
    let fr = login("fr-FR,fr;q=0.9").await;
    let en = login("en-GB,en;q=0.9").await;
    assert_eq!(fr.body["error"]["code"], "invalid_credentials");
    assert_eq!(en.body["error"]["code"], "invalid_credentials");
    assert_eq!(
        fr.body["error"]["message"],
        "Identifiant ou mot de passe incorrect."
    );
    assert_eq!(en.body["error"]["message"], "wrong username or password");
    // A logged-in user: their own language, whatever the browser says.
    let admin = t.admin().await;
    let exam = t
        .browser(
            &admin,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc"})),
        )
        .await;
    let id = exam.body["id"].as_i64().unwrap();
    let quarter =
        json!({"scheme": {"nodes": [{"label": "Exercice 1", "max_points": 0.3}]}, "version": 0});
    let r = t
        .browser(
            &admin,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(quarter.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let m = r.body["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("0.3 n\u{2019}est pas un multiple de 0,25"),
        "{m}"
    );
    assert!(
        !m.contains("expected") && !m.contains("is not"),
        "no English left: {m}"
    );
    let swap = t
        .browser(
            &admin,
            Method::PUT,
            "/api/me/locale/",
            Some(json!({"locale": "en"})),
        )
        .await;
    assert_eq!(swap.status, StatusCode::NO_CONTENT);
    let r = t
        .browser(
            &admin,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(quarter),
        )
        .await;
    assert_eq!(r.body["error"]["code"], "invalid_json");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("0.3 is not a multiple of 0.25"),
        "{}",
        r.text
    );
    t.cleanup().await;
}
