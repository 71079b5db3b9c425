//! The test app: the real router, in process, on a throwaway database (SQLite, or PostgreSQL
//! in the PostgreSQL suite), driven request by request.
#![allow(dead_code, reason = "each test file uses part of the harness")]

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use korrigo_app::App;
use korrigo_app::accounts::CreateUser;
use korrigo_app::config::{Config, IpNet};
use korrigo_app::jobs::{Registry, builtin_registry};
use korrigo_store::test_support::{TestDb, Which};
use korrigo_web::AppState;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const ORIGIN: &str = "http://127.0.0.1:8080";
/// The password every harness user chooses after their temporary one.
pub const USER_PASSWORD: &str = "green copies on friday";

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub tdb: Option<TestDb>,
    pub dir: std::path::PathBuf,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    /// The body as sent (an image).
    pub bytes: Vec<u8>,
}

/// A logged-in client: its cookie and CSRF token.
#[derive(Clone, Debug)]
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn new(which: Which) -> TestApp {
        Self::with(which, |_| {}, builtin_registry()).await
    }

    pub async fn with(
        which: Which,
        tweak: impl FnOnce(&mut Config),
        registry: Registry,
    ) -> TestApp {
        let tdb = TestDb::new(which).await.expect("test database");
        let dir = std::env::temp_dir().join(format!(
            "korrigo-web-{}",
            korrigo_app::tokens::random_hex(8)
        ));
        let mut cfg = Config::for_tests(dir.clone(), tdb.url.clone());
        // The in-process client connects from 127.0.0.1, a trusted proxy, so that tests can
        // pose as different client IPs with X-Forwarded-For.
        cfg.trusted_proxies = vec![IpNet::parse("127.0.0.1").unwrap()];
        tweak(&mut cfg);
        let app = App::with_db(cfg, tdb.db.clone(), registry)
            .await
            .expect("app");
        app.create_user_cli(&CreateUser {
            username: "admin".into(),
            display_name: "Admin".into(),
            role: "admin".into(),
            password: Some(ADMIN_PASSWORD.into()),
            ..Default::default()
        })
        .await
        .expect("admin");
        let router = korrigo_web::router(AppState::new(app.clone())).layer(axum::Extension(
            ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))),
        ));
        TestApp {
            app,
            router,
            tdb: Some(tdb),
            dir,
        }
    }

    /// A second instance of Korrigo on the same database (its own connections) and the same
    /// file store settings, with its own data folder: what a load balancer's second `serve`
    /// is. Its `tdb` is `None`: the first instance's cleanup drops the database.
    pub async fn other_instance(&self) -> TestApp {
        let dir = std::env::temp_dir().join(format!(
            "korrigo-web-{}",
            korrigo_app::tokens::random_hex(8)
        ));
        let mut cfg = (*self.app.config).clone();
        cfg.data_dir = dir.clone();
        let url = self.tdb.as_ref().expect("the first instance").url.clone();
        let db = korrigo_store::Db::connect(&url, &korrigo_store::DbOptions::default())
            .await
            .expect("database");
        let app = App::with_db(cfg, db, builtin_registry())
            .await
            .expect("app");
        let router = korrigo_web::router(AppState::new(app.clone())).layer(axum::Extension(
            ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40001))),
        ));
        TestApp {
            app,
            router,
            tdb: None,
            dir,
        }
    }

    /// Ends the test: the job queue must be empty (nothing failed, nothing left waiting), as a
    /// test that left work behind asserted less than it seems; then the database and files go.
    pub async fn cleanup(self) {
        let counts = {
            let mut c = self.app.db.read().await.expect("database");
            korrigo_store::jobs::counts(c.conn())
                .await
                .expect("job counts")
        };
        let clean = counts.failed == 0 && counts.queued == 0 && counts.running == 0;
        self.cleanup_leaving_jobs().await;
        assert!(clean, "jobs left when the test ended: {counts:?}");
    }

    /// Ends a test that leaves jobs in the queue on purpose (a failing job it looks at).
    pub async fn cleanup_leaving_jobs(mut self) {
        if let Some(t) = self.tdb.take() {
            t.cleanup().await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Sends a request; `headers` are added as given (e.g. Origin, X-CSRF-Token).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1:8080");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(v) => b
                .header("content-type", "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.call(req).await
    }

    /// Runs a request through the router and reads the whole answer.
    pub async fn call(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
            bytes: bytes.to_vec(),
        }
    }

    /// Uploads raw bytes (a file) as a browser page would.
    pub async fn upload(&self, c: &Client, path: &str, bytes: &[u8], name: &str) -> Resp {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("host", "127.0.0.1:8080")
            .header("cookie", format!("korrigo_session={}", c.cookie))
            .header("origin", ORIGIN)
            .header("x-csrf-token", &c.csrf)
            .header("x-file-name", name)
            .header("content-type", "text/csv")
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        self.call(req).await
    }

    /// A request as a browser page would send it: same-origin headers, cookie and token.
    pub async fn browser(
        &self,
        c: &Client,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        let cookie = format!("korrigo_session={}", c.cookie);
        self.send(
            method,
            path,
            body,
            &[
                ("cookie", &cookie),
                ("origin", ORIGIN),
                ("sec-fetch-site", "same-origin"),
                ("x-csrf-token", &c.csrf),
            ],
        )
        .await
    }

    /// A page as a logged-in browser loads it (`GET` with the session cookie).
    pub async fn page(&self, c: &Client, path: &str) -> Resp {
        let cookie = format!("korrigo_session={}", c.cookie);
        self.send(Method::GET, path, None, &[("cookie", &cookie)])
            .await
    }

    /// A request as a script would send it: the cookie only.
    pub async fn script(
        &self,
        c: &Client,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        let cookie = format!("korrigo_session={}", c.cookie);
        self.send(method, path, body, &[("cookie", &cookie)]).await
    }

    pub async fn try_login(&self, username: &str, password: &str, ip: &str) -> Resp {
        self.send(
            Method::POST,
            "/api/login/",
            Some(json!({"username": username, "password": password})),
            &[
                ("origin", ORIGIN),
                ("sec-fetch-site", "same-origin"),
                ("x-forwarded-for", ip),
            ],
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Client {
        let r = self.try_login(username, password, "192.0.2.10").await;
        assert_eq!(r.status, StatusCode::OK, "login of {username}: {}", r.text);
        let set = r
            .headers
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap()
            .to_string();
        let cookie = set
            .split(';')
            .next()
            .unwrap()
            .split_once('=')
            .unwrap()
            .1
            .to_string();
        Client {
            cookie,
            csrf: r.body["csrf_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn admin(&self) -> Client {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user through the API as admin and settles their password, returning a
    /// logged-in client for them.
    pub async fn user(&self, admin: &Client, username: &str, role: &str) -> (i64, Client) {
        let r = self
            .browser(
                admin,
                Method::POST,
                "/api/users/",
                Some(json!({
                    "username": username, "display_name": username, "role": role
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let id = r.body["user"]["id"].as_i64().unwrap();
        let temp = r.body["temporary_password"].as_str().unwrap().to_string();
        let c = self.login(username, &temp).await;
        let new = USER_PASSWORD;
        let r = self
            .browser(
                &c,
                Method::POST,
                "/api/me/password/",
                Some(json!({
                    "current_password": temp, "new_password": new
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        (id, c)
    }
}
