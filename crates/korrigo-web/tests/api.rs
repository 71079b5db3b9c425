//! API tests through the real router, on SQLite and (in the PostgreSQL suite) PostgreSQL.

mod common;

use korrigo_store::both_backends;

use axum::http::{Method, StatusCode};
use common::{ADMIN_PASSWORD, ORIGIN, TestApp};
use korrigo_app::jobs::builtin_registry;
use korrigo_store::test_support::Which;
use serde_json::json;

both_backends!(
    login_me_logout,
    wrong_password_is_a_generic_401,
    sixth_failure_in_a_minute_is_429,
    deactivated_user_cannot_log_in,
    csrf_is_enforced_for_browsers_and_scripts_still_work,
    session_survives_reload_and_ends_at_logout_or_expiry,
    roles_are_enforced_on_the_server,
    metrics_require_the_token_when_configured,
    must_change_password_blocks_until_changed,
    admin_manages_users_and_everything_is_audited,
    last_admin_cannot_be_removed,
    setup_link_works_once,
    health_headers_and_hosts,
    lists_are_paginated_and_validated,
    failed_jobs_show_their_reason_to_admins,
    users_page_lists_staff_first,
);

async fn login_me_logout(w: Which) {
    let t = TestApp::new(w).await;
    let r = t.try_login("ADMIN", ADMIN_PASSWORD, "192.0.2.1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["username"], "admin");
    assert_eq!(r.body["role"], "admin");
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    let c = t.admin().await;
    let me = t.script(&c, Method::GET, "/api/me/", None).await;
    assert_eq!(me.status, StatusCode::OK);
    for field in [
        "id",
        "username",
        "display_name",
        "role",
        "must_change_password",
    ] {
        assert!(
            me.body.get(field).is_some(),
            "/api/me/ lacks {field}: {}",
            me.text
        );
    }
    assert_eq!(me.body["must_change_password"], false);
    // Log in by e-mail too.
    let r = t
        .browser(
            &c,
            Method::PATCH,
            "/api/users/1/",
            Some(json!({"email": "admin@lycee.fr"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.try_login("admin@lycee.fr", ADMIN_PASSWORD, "192.0.2.1")
            .await
            .status,
        StatusCode::OK
    );
    let out = t.browser(&c, Method::POST, "/api/logout/", None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        t.script(&c, Method::GET, "/api/me/", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    t.cleanup().await;
}

async fn wrong_password_is_a_generic_401(w: Which) {
    let t = TestApp::new(w).await;
    let wrong = t.try_login("admin", "not the password", "192.0.2.2").await;
    let unknown = t.try_login("nobody", "not the password", "192.0.2.2").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["error"]["code"], "invalid_credentials");
    assert_eq!(
        wrong.body, unknown.body,
        "the response does not reveal which accounts exist"
    );
    assert!(wrong.headers.get("set-cookie").is_none());
    t.cleanup().await;
}

async fn sixth_failure_in_a_minute_is_429(w: Which) {
    let t = TestApp::new(w).await;
    for i in 0..5 {
        let r = t.try_login("admin", "wrong", "192.0.2.3").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
    }
    let r = t.try_login("admin", "wrong", "192.0.2.3").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(r.body["error"]["code"], "rate_limited");
    // The account is protected even with the right password and from another IP.
    let r = t.try_login("admin", ADMIN_PASSWORD, "198.51.100.4").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another account from another IP is not affected.
    let r = t.try_login("someone", "wrong", "198.51.100.5").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    t.cleanup().await;
}

async fn deactivated_user_cannot_log_in(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (id, teacher) = t.user(&admin, "prof.martin", "teacher").await;
    let r = t
        .browser(
            &admin,
            Method::PATCH,
            &format!("/api/users/{id}/"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["is_active"], false);
    assert_eq!(
        t.script(&teacher, Method::GET, "/api/me/", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "sessions end at once"
    );
    let r = t
        .try_login("prof.martin", common::USER_PASSWORD, "192.0.2.4")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.body["error"]["code"], "account_disabled");
    let r = t
        .browser(
            &admin,
            Method::PATCH,
            &format!("/api/users/{id}/"),
            Some(json!({"is_active": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    t.login("prof.martin", common::USER_PASSWORD).await;
    t.cleanup().await;
}

async fn csrf_is_enforced_for_browsers_and_scripts_still_work(w: Which) {
    let t = TestApp::new(w).await;
    let c = t.admin().await;
    let cookie = format!("korrigo_session={}", c.cookie);
    let body = Some(json!({"locale": "en"}));
    let token = c.csrf.as_str();
    let refused: [(&str, &[(&str, &str)]); 5] = [
        (
            "a browser request without the token",
            &[("origin", ORIGIN), ("sec-fetch-site", "same-origin")],
        ),
        (
            "a wrong token",
            &[("origin", ORIGIN), ("x-csrf-token", "00ff")],
        ),
        // A cross-site page cannot read the token, but is refused even with it.
        (
            "a cross-site page",
            &[("origin", "https://evil.example"), ("x-csrf-token", token)],
        ),
        (
            "same host, other port: another origin",
            &[("origin", "http://127.0.0.1:9999"), ("x-csrf-token", token)],
        ),
        (
            "a cross-site fetch",
            &[("sec-fetch-site", "cross-site"), ("x-csrf-token", token)],
        ),
    ];
    for (what, headers) in refused {
        let mut all = vec![("cookie", cookie.as_str())];
        all.extend_from_slice(headers);
        let r = t
            .send(Method::PUT, "/api/me/locale/", body.clone(), &all)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
        assert_eq!(r.body["error"]["code"], "csrf", "{what}");
    }
    // A cross-site login attempt is refused too.
    let r = t
        .send(
            Method::POST,
            "/api/login/",
            Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing changed.
    assert_eq!(
        t.script(&c, Method::GET, "/api/me/", None).await.body["locale"],
        "fr"
    );
    // The page's own request passes; so does a script with its cookie only.
    assert_eq!(
        t.browser(&c, Method::PUT, "/api/me/locale/", body.clone())
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.script(
            &c,
            Method::PUT,
            "/api/me/locale/",
            Some(json!({"locale": "fr"}))
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.script(&c, Method::GET, "/api/me/", None).await.body["locale"],
        "fr"
    );
    t.cleanup().await;
}

async fn session_survives_reload_and_ends_at_logout_or_expiry(w: Which) {
    let t = TestApp::new(w).await;
    let c = t.admin().await;
    let cookie = format!("korrigo_session={}", c.cookie);
    for _ in 0..3 {
        let page = t.send(Method::GET, "/", None, &[("cookie", &cookie)]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("data-testid=\"dashboard\""));
    }
    // Logging in again rotates the session: the new cookie differs.
    let c2 = t.admin().await;
    assert_ne!(c.cookie, c2.cookie);
    // Idle expiry: pretend the session was last used long ago.
    let hash = korrigo_app::tokens::hash_token(&c2.cookie);
    let mut tx = t.app.db.begin().await.unwrap();
    korrigo_store::sessions::touch(tx.conn(), &hash, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        t.script(&c2, Method::GET, "/api/me/", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = t.page(&c2, "/admin/users").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], "/login?next=%2Fadmin%2Fusers");
    // A made-up cookie is no session.
    let fake = common::Client {
        cookie: "f".repeat(64),
        csrf: String::new(),
    };
    assert_eq!(
        t.script(&fake, Method::GET, "/api/me/", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    t.cleanup().await;
}

async fn roles_are_enforced_on_the_server(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, teacher) = t.user(&admin, "prof.durand", "teacher").await;
    let (student_id, student) = t.user(&admin, "eleve.ines", "student").await;
    for c in [&teacher, &student] {
        for (m, path, body) in [
            (Method::GET, "/api/users/".to_string(), None),
            (
                Method::POST,
                "/api/users/".to_string(),
                Some(json!({"username": "x1", "display_name": "x", "role": "admin"})),
            ),
            (Method::GET, format!("/api/users/{student_id}/"), None),
            (
                Method::PATCH,
                format!("/api/users/{student_id}/"),
                Some(json!({"role": "admin"})),
            ),
            (
                Method::POST,
                format!("/api/users/{student_id}/reset-password/"),
                None,
            ),
            (Method::GET, "/api/audit/".to_string(), None),
        ] {
            let r = t.browser(c, m.clone(), &path, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {path}");
            assert_eq!(r.body["error"]["code"], "forbidden");
        }
        let page = t.page(c, "/admin/users").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    // The student is still a student.
    let me = t.script(&student, Method::GET, "/api/me/", None).await;
    assert_eq!(me.body["role"], "student");
    t.cleanup().await;
}

async fn metrics_require_the_token_when_configured(w: Which) {
    let t = TestApp::with(
        w,
        |c| c.metrics_token = Some(korrigo_app::config::Secret::new("s3cret-metrics")),
        builtin_registry(),
    )
    .await;
    t.send(Method::GET, "/api/health/live/", None, &[]).await;
    assert_eq!(
        t.send(Method::GET, "/metrics", None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.send(Method::GET, "/metrics?token=wrong", None, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let r = t
        .send(
            Method::GET,
            "/metrics",
            None,
            &[("x-metrics-token", "s3cret-metrics")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("korrigo_http_requests_total{method=\"GET\",route=\"/api/health/live/\",status=\"200\"} 1"), "{}", r.text);
    assert!(
        r.text
            .contains("korrigo_http_request_duration_seconds_bucket")
    );
    assert!(r.text.contains("korrigo_job_queue_depth"));
    assert!(r.text.contains("korrigo_jobs_failed 0"));
    assert_eq!(
        t.send(Method::GET, "/metrics?token=s3cret-metrics", None, &[])
            .await
            .status,
        StatusCode::OK
    );
    t.cleanup().await;
}

async fn must_change_password_blocks_until_changed(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(
                json!({"username": "prof.nguyen", "display_name": "M. Nguyen", "role": "teacher"}),
            ),
        )
        .await;
    let temp = r.body["temporary_password"].as_str().unwrap().to_string();
    let c = t.login("prof.nguyen", &temp).await;
    let me = t.script(&c, Method::GET, "/api/me/", None).await;
    assert_eq!(me.body["must_change_password"], true);
    let page = t.page(&c, "/").await;
    assert_eq!(page.headers["location"], "/password");
    // Policy errors name the problem.
    for (new, msg) in [
        // In the user's language (French by default).
        ("short", "au moins 10"),
        ("motdepasse123", "trop courant"),
        ("prof.nguyen-2026!", "identifiant"),
    ] {
        let r = t
            .browser(
                &c,
                Method::POST,
                "/api/me/password/",
                Some(json!({"current_password": temp, "new_password": new})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.body["error"]["details"]["field"], "new_password");
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(msg),
            "{}",
            r.text
        );
    }
    let r = t
        .browser(
            &c,
            Method::POST,
            "/api/me/password/",
            Some(json!({"current_password": "wrong", "new_password": "a much better passphrase"})),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "current_password");
    let r = t
        .browser(
            &c,
            Method::POST,
            "/api/me/password/",
            Some(json!({"current_password": temp, "new_password": "a much better passphrase"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.script(&c, Method::GET, "/api/me/", None).await.body["must_change_password"],
        false
    );
    assert_eq!(
        t.try_login("prof.nguyen", &temp, "192.0.2.9").await.status,
        StatusCode::UNAUTHORIZED
    );
    t.login("prof.nguyen", "a much better passphrase").await;
    t.cleanup().await;
}

async fn admin_manages_users_and_everything_is_audited(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    // Validation names the field.
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(json!({"username": "a b", "display_name": "X", "role": "teacher"})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("username"))
    );
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(json!({"username": "ab", "display_name": "X", "role": "boss"})),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "role");
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(
                json!({"username": "ab", "display_name": "X", "role": "teacher", "email": "nope"}),
            ),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "email");
    let r = t.browser(&admin, Method::POST, "/api/users/", Some(json!({"username": "ab", "display_name": "X", "role": "teacher", "password": "123456789012"}))).await;
    assert_eq!(r.body["error"]["details"]["field"], "password");
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(json!("not an object")),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let (id, teacher) = t.user(&admin, "prof.lopez", "teacher").await;
    // A taken username is a conflict.
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/users/",
            Some(json!({"username": "Prof.Lopez", "display_name": "X", "role": "teacher"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Edit.
    let r = t
        .browser(
            &admin,
            Method::PATCH,
            &format!("/api/users/{id}/"),
            Some(json!({"display_name": "Mme Lopez", "email": "lopez@lycee.fr", "locale": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["display_name"], "Mme Lopez");
    // Reset: the user's sessions end; the temporary password works and must be changed.
    let r = t
        .browser(
            &admin,
            Method::POST,
            &format!("/api/users/{id}/reset-password/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let temp = r.body["temporary_password"].as_str().unwrap().to_string();
    assert_eq!(r.body["user"]["must_change_password"], true);
    assert_eq!(
        t.script(&teacher, Method::GET, "/api/me/", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    t.login("prof.lopez", &temp).await;
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/users/999999/", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The audit log has it all, newest first, and never a password.
    t.try_login("prof.lopez", "wrong password", "203.0.113.50")
        .await;
    let log = t
        .browser(&admin, Method::GET, "/api/audit/?per_page=100", None)
        .await;
    assert_eq!(log.status, StatusCode::OK);
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "login.succeeded",
        "login.failed",
        "user.created",
        "user.updated",
        "password.changed",
        "password.reset",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    assert_eq!(actions[0], "login.failed");
    assert!(
        !log.text.contains(&temp)
            && !log.text.contains("wrong password")
            && !log.text.contains(common::USER_PASSWORD)
    );
    let failed = t
        .browser(
            &admin,
            Method::GET,
            "/api/audit/?action=login.failed&ip=203.0.113.50",
            None,
        )
        .await;
    assert_eq!(failed.body["total"], 1);
    // Kept under the account's id (its username and e-mail share one throttle), with the
    // identifier typed in the details.
    let lopez = failed.body["items"][0]["object_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(lopez.parse::<i64>().is_ok(), "{lopez}");
    assert!(
        failed.body["items"][0]["details"]
            .as_str()
            .unwrap()
            .contains("prof.lopez")
    );
    let bad = t
        .browser(&admin, Method::GET, "/api/audit/?action=nope", None)
        .await;
    assert_eq!(bad.body["error"]["details"]["field"], "action");
    // The audit page renders the same entries.
    let page = t.page(&admin, "/admin/audit?action=login.failed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("203.0.113.50"));
    t.cleanup().await;
}

async fn last_admin_cannot_be_removed(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let r = t
        .browser(
            &admin,
            Method::PATCH,
            "/api/users/1/",
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let (id2, admin2) = t.user(&admin, "second.admin", "admin").await;
    let r = t
        .browser(
            &admin2,
            Method::PATCH,
            "/api/users/1/",
            Some(json!({"role": "teacher"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .browser(
            &admin2,
            Method::PATCH,
            &format!("/api/users/{id2}/"),
            Some(json!({"role": "teacher"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "cannot demote oneself");
    t.cleanup().await;
}

async fn setup_link_works_once(w: Which) {
    // A fresh instance without any admin: build one by deactivating the harness's admin.
    let t = TestApp::new(w).await;
    let mut tx = t.app.db.begin().await.unwrap();
    korrigo_store::users::set_active(tx.conn(), korrigo_domain::UserId(1), false, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let korrigo_app::accounts::AdminSetup::Link { token } = t.app.ensure_admin().await.unwrap()
    else {
        panic!("expected a setup link");
    };
    let page = t
        .send(Method::GET, &format!("/setup/{token}"), None, &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        t.send(Method::GET, "/setup/wrong-token", None, &[])
            .await
            .status,
        StatusCode::GONE
    );
    let r = t
        .send(
            Method::POST,
            "/api/setup/",
            Some(json!({"token": token, "username": "chef", "password": "short"})),
            &[],
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "password");
    let r = t
        .send(
            Method::POST,
            "/api/setup/",
            Some(json!({"token": token, "username": "chef", "password": "the exam office key"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.login("chef", "the exam office key").await;
    let again = t
        .send(
            Method::POST,
            "/api/setup/",
            Some(json!({"token": token, "username": "evil", "password": "the exam office key"})),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(
        t.send(Method::GET, &format!("/setup/{token}"), None, &[])
            .await
            .status,
        StatusCode::GONE
    );
    t.cleanup().await;
}

async fn health_headers_and_hosts(w: Which) {
    let t = TestApp::new(w).await;
    let live = t.send(Method::GET, "/api/health/live/", None, &[]).await;
    assert_eq!(live.body, json!({"status": "alive"}));
    let ready = t.send(Method::GET, "/api/health/ready/", None, &[]).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(
        ready.body["checks"],
        json!({"database": "ok", "storage": "ok", "job_queue": "ok"})
    );
    let page = t
        .send(
            Method::GET,
            "/login",
            None,
            &[("x-request-id", "req-abc-123")],
        )
        .await;
    assert_eq!(page.headers["x-request-id"], "req-abc-123");
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.get("referrer-policy").is_some());
    assert!(
        page.headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    // HTTPS through a trusted proxy gets HSTS.
    let https = t
        .send(
            Method::GET,
            "/login",
            None,
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert!(https.headers.get("strict-transport-security").is_some());
    // Assets are served under content-hash URLs, cached forever.
    let css = page
        .text
        .split("href=\"/assets/app.")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let a = t
        .send(Method::GET, &format!("/assets/app.{css}"), None, &[])
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(!page.text.contains("<script>"), "no inline script");
    // Unknown host names are refused.
    let evil = t.router.clone();
    let req = axum::http::Request::builder()
        .uri("/login")
        .header("host", "evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(evil, req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // Unknown pages get a 404 page.
    assert_eq!(
        t.send(Method::GET, "/nope", None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    t.cleanup().await;
}

async fn lists_are_paginated_and_validated(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    for i in 0..12 {
        let r = t.browser(&admin, Method::POST, "/api/users/", Some(json!({"username": format!("eleve{i:02}"), "display_name": format!("Élève {i:02}"), "role": "student"}))).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = t
        .browser(
            &admin,
            Method::GET,
            "/api/users/?role=student&per_page=5&page=3&sort=username",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        (
            r.body["total"].as_i64(),
            r.body["page"].as_i64(),
            r.body["per_page"].as_i64()
        ),
        (Some(12), Some(3), Some(5))
    );
    let names: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eleve10", "eleve11"]);
    let r = t
        .browser(&admin, Method::GET, "/api/users/?per_page=100000", None)
        .await;
    assert_eq!(r.body["per_page"], 500);
    let r = t
        .browser(
            &admin,
            Method::GET,
            "/api/users/?q=%C3%A9l%C3%A8ve%2003",
            None,
        )
        .await;
    assert_eq!(r.body["total"], 1);
    let r = t
        .browser(&admin, Method::GET, "/api/users/?sort=shoe_size", None)
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "sort");
    let page = t.page(&admin, "/admin/users?role=student&per_page=5").await;
    assert!(page.text.contains("rel=\"next\""));
    assert!(page.text.contains("eleve04") && !page.text.contains("eleve05"));
    let empty = t.page(&admin, "/admin/users?q=zzzz").await;
    assert!(empty.text.contains("class=\"empty\""));
    t.cleanup().await;
}

async fn failed_jobs_show_their_reason_to_admins(w: Which) {
    let mut registry = builtin_registry();
    registry.register("exports.pronote", 1, |_ctx| async {
        Err("the exam has 2 graded copies without a student".to_string())
    });
    let t = TestApp::with(w, |_| {}, registry).await;
    let admin = t.admin().await;
    let (_, teacher) = t.user(&admin, "prof.roux", "teacher").await;
    t.app
        .enqueue("exports.pronote", json!({"exam": 3}))
        .await
        .unwrap();
    t.app
        .enqueue(korrigo_app::jobs::PURGE_SESSIONS, json!({}))
        .await
        .unwrap();
    let timing = korrigo_app::jobs::WorkerTiming::default();
    assert_eq!(t.app.run_pending_jobs(&timing).await.unwrap(), 2);
    let r = t
        .browser(&admin, Method::GET, "/api/jobs/?status=failed", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["total"], 1);
    let job = &r.body["items"][0];
    assert_eq!(job["kind"], "exports.pronote");
    assert_eq!(job["status"], "failed");
    assert_eq!(
        job["last_error"],
        "the exam has 2 graded copies without a student"
    );
    assert_eq!(job["payload"], json!({"exam": 3}));
    let all = t.browser(&admin, Method::GET, "/api/jobs/", None).await;
    assert_eq!(all.body["total"], 2);
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/jobs/?status=lost", None)
            .await
            .body["error"]["details"]["field"],
        "status"
    );
    assert_eq!(
        t.browser(&teacher, Method::GET, "/api/jobs/", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = t.page(&admin, "/admin/jobs?status=failed").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("without a student") && page.text.contains("Échouée"));
    // The failing job is what this test looks at.
    t.cleanup_leaving_jobs().await;
}

/// Student accounts do not fill the staff's users page: staff by default, students behind
/// the role filter.
async fn users_page_lists_staff_first(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    t.user(&admin, "eleve.durand", "student").await;
    t.user(&admin, "prof.martin", "teacher").await;
    let page = t.page(&admin, "/admin/users").await;
    assert!(page.text.contains("prof.martin"));
    assert!(
        !page.text.contains("eleve.durand"),
        "students are behind a filter"
    );
    let students = t.page(&admin, "/admin/users?role=student").await;
    assert!(students.text.contains("eleve.durand") && !students.text.contains("prof.martin"));
    let all = t.page(&admin, "/admin/users?role=all").await;
    assert!(all.text.contains("eleve.durand") && all.text.contains("prof.martin"));
    // The API keeps listing everyone unless asked for staff.
    let api = t.script(&admin, Method::GET, "/api/users/", None).await;
    assert_eq!(api.body["total"], 3);
    let staff = t
        .script(&admin, Method::GET, "/api/users/?role=staff", None)
        .await;
    assert_eq!(staff.body["total"], 2);
    t.cleanup().await;
}
