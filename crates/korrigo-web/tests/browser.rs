//! End to end, in headless Chromium: log in, reload, still on the dashboard, log out.
//! Needs Debian's `chromium` and `chromium-driver` (installed by scripts/setup.sh).

use fantoccini::{ClientBuilder, Locator};
use korrigo_app::App;
use korrigo_app::accounts::CreateUser;
use korrigo_app::config::Config;
use korrigo_app::jobs::builtin_registry;
use korrigo_store::test_support::{TestDb, Which};
use korrigo_web::AppState;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PASSWORD: &str = "bac blanc de mars";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_chromedriver() -> (Driver, u16) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is not installed: run scripts/setup.sh (Debian packages chromium and chromium-driver)");
    let driver = Driver(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_reload_logout_in_chromium() {
    // The real server on a free port, on a throwaway SQLite database.
    let tdb = TestDb::new(Which::Sqlite).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("korrigo-e2e-{port}"));
    let mut cfg = Config::for_tests(dir.clone(), tdb.url.clone());
    cfg.public_url = url::Url::parse(&base).unwrap();
    cfg.csrf_trusted_origins = vec![base.clone()];
    let app = App::with_db(cfg, tdb.db.clone(), builtin_registry())
        .await
        .unwrap();
    app.create_user_cli(&CreateUser {
        username: "mme.bernard".into(),
        display_name: "Claire Bernard".into(),
        role: "teacher".into(),
        password: Some(PASSWORD.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(korrigo_web::serve(listener, AppState::new(app), async {
        let _ = stopped.await;
    }));

    let (_driver, dport) = start_chromedriver().await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "prefs": { "intl.accept_languages": "fr-FR,fr" },
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=fr-FR",
                     format!("--user-data-dir={}", dir.join("chrome").display())]
        }),
    );
    // Plain HTTP to the local chromedriver: no TLS stack needed.
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{dport}"))
        .await
        .expect("a Chromium session");

    let result = async {
        // Anonymous visitors land on the login page.
        c.goto(&format!("{base}/")).await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("input[name=username]"))
            .await?;
        assert!(c.current_url().await?.path().starts_with("/login"));
        // A wrong password shows the error in French and stays on the page.
        c.find(Locator::Css("input[name=username]"))
            .await?
            .send_keys("mme.bernard")
            .await?;
        c.find(Locator::Css("input[name=password]"))
            .await?
            .send_keys("pas le bon")
            .await?;
        c.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let err = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".form-error:not([hidden])"))
            .await?;
        assert!(
            err.text().await?.contains("incorrect"),
            "error shown: {}",
            err.text().await?
        );
        // The right password opens the dashboard.
        let pw = c.find(Locator::Css("input[name=password]")).await?;
        pw.clear().await?;
        pw.send_keys(PASSWORD).await?;
        c.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let h1 = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("[data-testid=dashboard]"))
            .await?;
        assert!(h1.text().await?.contains("Claire Bernard"));
        // F5: still logged in, still on the dashboard.
        c.refresh().await?;
        let h1 = c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("[data-testid=dashboard]"))
            .await?;
        assert!(h1.text().await?.contains("Claire Bernard"));
        assert_eq!(c.current_url().await?.path(), "/");
        // Log out: back to the login page, and the dashboard is gone.
        c.find(Locator::Css("[data-logout]")).await?.click().await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("input[name=username]"))
            .await?;
        c.goto(&format!("{base}/")).await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("input[name=username]"))
            .await?;
        assert!(c.current_url().await?.path().starts_with("/login"));
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    let _ = stop.send(());
    let _ = server.await;
    tdb.cleanup().await;
    let _ = std::fs::remove_dir_all(dir);
    result.expect("the browser scenario");
}
