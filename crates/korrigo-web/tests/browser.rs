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

#[path = "browser/grading.rs"]
mod grading;
#[path = "browser/results.rs"]
mod results;

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

async fn browser(dport: u16, dir: &std::path::Path) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "prefs": { "intl.accept_languages": "fr-FR,fr" },
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=fr-FR", "--window-size=1366,768",
                     format!("--user-data-dir={}", dir.join("chrome").display())]
        }),
    );
    // Plain HTTP to the local chromedriver: no TLS stack needed.
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{dport}"))
        .await
        .expect("a Chromium session")
}

/// The real server on a free port, on a throwaway SQLite database, with one user and job
/// workers; stopped (and its data removed) by [`Server::stop`].
struct Server {
    base: String,
    app: App,
    dir: std::path::PathBuf,
    tdb: TestDb,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    stop_workers: tokio::sync::watch::Sender<bool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Server {
    async fn start(username: &str, display_name: &str, role: &str) -> Server {
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
            username: username.into(),
            display_name: display_name.into(),
            role: role.into(),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
        let (stop_workers, workers_rx) = tokio::sync::watch::channel(false);
        let timing = korrigo_app::jobs::WorkerTiming {
            poll: Duration::from_millis(100),
            ..Default::default()
        };
        let workers = app.spawn_workers(1, timing, workers_rx);
        let app_handle = app.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(korrigo_web::serve(listener, AppState::new(app), async {
            let _ = stopped.await;
        }));
        Server {
            base,
            app: app_handle,
            dir,
            tdb,
            stop,
            server,
            stop_workers,
            workers,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        let _ = self.stop_workers.send(true);
        for w in self.workers {
            let _ = w.await;
        }
        self.tdb.cleanup().await;
        let _ = std::fs::remove_dir_all(self.dir);
    }
}

const WAIT: Duration = Duration::from_secs(20);

/// Logs in at `/login` and waits for the dashboard.
async fn log_in(
    c: &fantoccini::Client,
    base: &str,
    username: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/login")).await?;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input[name=username]"))
        .await?
        .send_keys(username)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    c.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("[data-testid=dashboard]"))
        .await?;
    Ok(())
}

/// Creates an exam from the exams page's form; the browser lands on the new exam's page.
async fn create_exam(
    c: &fantoccini::Client,
    base: &str,
    name: &str,
) -> Result<(), fantoccini::error::CmdError> {
    c.goto(&format!("{base}/exams")).await?;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("details.create summary"))
        .await?
        .click()
        .await?;
    c.find(Locator::Css("details.create input[name=name]"))
        .await?
        .send_keys(name)
        .await?;
    c.find(Locator::Css("details.create button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// Runs axe-core (npm, dev only; `scripts/test.sh` installs it) on the current page and
/// answers its violations, plus the colour contrasts it could not decide ("needs review"),
/// each as "rule: element, element".
async fn axe(c: &fantoccini::Client) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../node_modules/axe-core/axe.min.js"
    );
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run `npm ci` (scripts/test.sh does)"));
    c.execute(&source, vec![]).await?;
    let found = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            // What axe leaves to review is measured here: icons (arrows, crosses) against the
            // first opaque background behind them, 3:1 at least (WCAG 1.4.11), text 4.5:1.
            const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => {
              const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const ratio = (el) => {
              const fg = rgb(getComputedStyle(el).color);
              let at = el, bg = [255, 255, 255];
              while (at) {
                const c = rgb(getComputedStyle(at).backgroundColor);
                if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) { bg = c.slice(0, 3); break; }
                at = at.parentElement;
              }
              const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
              return (l1 + 0.05) / (l2 + 0.05);
            };
            axe.run(document, { resultTypes: ["violations", "incomplete"] }).then((r) => {
              const out = r.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
              for (const v of r.incomplete.filter((v) => v.id === "color-contrast")) {
                for (const n of v.nodes) {
                  const el = document.querySelector(n.target.join(" "));
                  const icon = (n.any[0]?.message || "").includes("non-text");
                  const got = el ? ratio(el) : 0;
                  if (got < (icon ? 3 : 4.5)) {
                    out.push("color-contrast (needs review): " + n.target.join(" ") + " " + got.toFixed(2) + " " + (n.any[0]?.message || ""));
                  }
                }
              }
              done(out);
            }, (e) => done(["axe failed: " + e]));"#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(found).unwrap_or_default())
}

/// A new A4 exam, made by the system.
async fn exam_named(app: &App, name: &str) -> korrigo_domain::ExamId {
    app.create_exam(
        &korrigo_app::accounts::system_session(),
        &korrigo_app::exams::ExamInput {
            name: name.into(),
            layout: Some("a4:1".into()),
            ..Default::default()
        },
        &korrigo_app::ClientInfo::default(),
    )
    .await
    .unwrap()
    .exam
    .id
}

/// With `KORRIGO_SCREENSHOTS=DIR`, saves a screenshot of the current page there (to be looked
/// at by eye: the browser window is 1366 × 768, a school laptop's screen).
async fn screenshot(c: &fantoccini::Client, name: &str) -> Result<(), fantoccini::error::CmdError> {
    if let Ok(dir) = std::env::var("KORRIGO_SCREENSHOTS") {
        let png = c.screenshot().await?;
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png);
    }
    Ok(())
}

/// The lowest contrast ratio of the visible `button.link` elements against what is behind
/// them (the first opaque background up the tree), and which one it is.
async fn link_button_contrast(
    c: &fantoccini::Client,
) -> Result<(f64, String), fantoccini::error::CmdError> {
    let v = c
        .execute(
            r#"const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
            const lum = ([r, g, b]) => {
              const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
              return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            let worst = [99, ""];
            for (const b of document.querySelectorAll("button.link")) {
              if (!b.offsetParent) continue;
              const fg = rgb(getComputedStyle(b).color);
              let el = b, bg = [255, 255, 255];
              while (el) {
                const c = rgb(getComputedStyle(el).backgroundColor);
                if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) { bg = c.slice(0, 3); break; }
                el = el.parentElement;
              }
              const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
              const ratio = (l1 + 0.05) / (l2 + 0.05);
              if (ratio < worst[0]) worst = [ratio, b.textContent.trim()];
            }
            return worst;"#,
            vec![],
        )
        .await?;
    Ok((
        v[0].as_f64().unwrap_or(0.0),
        v[1].as_str().unwrap_or("").to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_imports_a_roster_and_edits_a_scheme_in_chromium() {
    let srv = Server::start("chef", "Chef d'établissement", "admin").await;
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pronote_utf8_bom.csv"
    );
    let wait = Duration::from_secs(10);
    let result = async {
        log_in(&c, &base, "chef").await?;
        // Import: the preview lists rejected rows with their line, then the import runs with a
        // progress bar and ends with its report.
        c.goto(&format!("{base}/admin/students/import")).await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#import-file"))
            .await?
            .send_keys(fixture)
            .await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#import-preview:not([hidden])"))
            .await?;
        let rejected = c
            .find(Locator::Css("#import-rejected"))
            .await?
            .text()
            .await?;
        assert!(
            rejected.contains("7") && rejected.contains("31/02/2008"),
            "{rejected}"
        );
        let summary = c
            .find(Locator::Css("#import-summary"))
            .await?
            .text()
            .await?;
        assert!(summary.starts_with("4 nouveaux élèves"), "{summary}");
        c.find(Locator::Css("#import-confirm"))
            .await?
            .click()
            .await?;
        let report = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css("#import-report:not([hidden])"))
            .await?;
        assert!(
            report
                .text()
                .await?
                .contains("Import terminé : 4 nouveaux élèves"),
            "{}",
            report.text().await?
        );
        c.goto(&format!("{base}/admin/students?q=eloise")).await?;
        let table = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css("table"))
            .await?
            .text()
            .await?;
        assert!(table.contains("SAINT-ANDRÉ"), "{table}");
        // A new user: the form's problems come together, each on its field; once created,
        // the pop-over closes, the list shows the account, the password has a copy button
        // and the login address.
        c.goto(&format!("{base}/admin/users")).await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("details.create summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("details.create input[name=email]"))
            .await?
            .send_keys("pas-une-adresse")
            .await?;
        c.find(Locator::Css("details.create button[type=submit]"))
            .await?
            .click()
            .await?;
        let fields: Vec<String> = {
            let mut out = vec![];
            for e in c.find_all(Locator::Css("details.create .field-error")).await? {
                out.push(e.attr("data-for").await?.unwrap_or_default());
            }
            out
        };
        assert_eq!(fields, ["display_name", "username", "email"], "every problem at once");
        c.find(Locator::Css("details.create input[name=display_name]"))
            .await?
            .send_keys("Anne Leroy")
            .await?;
        c.find(Locator::Css("details.create input[name=username]"))
            .await?
            .send_keys("anne.leroy")
            .await?;
        let email = c.find(Locator::Css("details.create input[name=email]")).await?;
        email.clear().await?;
        email.send_keys("anne.leroy@lycee.fr").await?;
        c.find(Locator::Css("details.create button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("[data-credentials]:not([hidden])"))
            .await?;
        let open = c
            .execute("return document.querySelector('details.create').open", vec![])
            .await?;
        assert_eq!(open, serde_json::json!(false), "the pop-over closed");
        c.wait()
            .at_most(wait)
            .for_element(Locator::XPath("//div[@data-list]//td[text()='anne.leroy']"))
            .await?;
        let url = c
            .find(Locator::Css("[data-credentials-url]"))
            .await?
            .text()
            .await?;
        assert_eq!(url, format!("{base}/login"));
        assert!(c.find(Locator::Css("[data-copy-credentials]")).await.is_ok());
        screenshot(&c, "users_created").await?;
        // An exam, then its scheme: one exercise worth 20, saved, still there after a reload.
        create_exam(&c, &base, "Bac blanc").await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("a[href$='/scheme']"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#scheme-add"))
            .await?
            .click()
            .await?;
        let pts = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css("#scheme-tree input.points"))
            .await?;
        // A value that is not a quarter point is refused at the field, in French, and Ctrl+S
        // saves nothing until it is fixed.
        pts.clear().await?;
        pts.send_keys("0.3").await?;
        let why = c
            .find(Locator::Css("#scheme-tree .field-error"))
            .await?;
        assert!(why.is_displayed().await?, "the field says why");
        assert!(why.text().await?.contains("quarts de point"));
        assert_eq!(
            pts.attr("aria-invalid").await?.as_deref(),
            Some("true")
        );
        c.execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 's', ctrlKey: true}))",
            vec![],
        )
        .await?;
        let err = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css("#scheme-editor .form-error:not([hidden])"))
            .await?;
        assert!(err.text().await?.contains("Corrigez"), "{}", err.text().await?);
        screenshot(&c, "scheme_invalid").await?;
        // The JSON import's file input takes no room in the toolbar.
        let toolbar = c
            .execute(
                "return document.getElementById('scheme-add').parentElement.getBoundingClientRect().height",
                vec![],
            )
            .await?;
        assert!(toolbar.as_f64().unwrap_or(999.0) < 70.0, "toolbar {toolbar}");
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await?;
        assert_eq!(overflow.as_f64(), Some(0.0), "the page fits the width of the screen");
        // Leaving with unsaved changes asks first (here: the answer is "stay").
        c.execute("window.confirm = () => false; document.querySelector('main a[href]').click()", vec![])
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(c.current_url().await?.path().ends_with("/scheme"), "stayed on the page");
        pts.clear().await?;
        pts.send_keys("20\t").await?;
        c.find(Locator::Css("#scheme-save")).await?.click().await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::XPath(
                "//span[@id='scheme-state' and text()='Enregistré']",
            ))
            .await?;
        c.refresh().await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#scheme-tree input.points"))
            .await?;
        assert_eq!(
            c.find(Locator::Css("#scheme-total")).await?.text().await?,
            "20"
        );
        // The editor with its rows and icon buttons passes axe-core.
        let problems = axe(&c).await?;
        assert!(problems.is_empty(), "axe on the scheme editor: {problems:#?}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.expect("the browser scenario");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_reload_logout_in_chromium() {
    let srv = Server::start("mme.bernard", "Claire Bernard", "teacher").await;
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;

    let result = async {
        // Anonymous visitors land on the login page.
        c.goto(&format!("{base}/")).await?;
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("input[name=username]"))
            .await?;
        assert!(c.current_url().await?.path().starts_with("/login"));
        // The public pages pass axe-core.
        for page in ["/login", "/student/login", "/activate"] {
            c.goto(&format!("{base}{page}")).await?;
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::Css("main"))
                .await?;
            let problems = axe(&c).await?;
            assert!(problems.is_empty(), "axe on {page}: {problems:#?}");
        }
        c.goto(&format!("{base}/login")).await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("input[name=username]"))
            .await?;
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
    srv.stop().await;
    result.expect("the browser scenario");
}

/// A teacher uploads a scanned batch from the Scans page, watches it become copies, then
/// rotates a page in the repair desk with the keyboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teacher_uploads_scans_and_repairs_a_copy_in_chromium() {
    let srv = Server::start("prof.martin", "Paul Martin", "teacher").await;
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    std::fs::create_dir_all(&dir).unwrap();
    let scan = dir.join("lundi.pdf");
    std::fs::write(
        &scan,
        korrigo_media::synth::batch_pdf(
            &korrigo_media::synth::students(3),
            &korrigo_media::synth::SynthOptions {
                dpi: 80,
                pages_per_copy: 4,
                lines: 3,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let wait = Duration::from_secs(20);
    let result = async {
        log_in(&c, &base, "prof.martin").await?;
        create_exam(&c, &base, "Devoir surveillé").await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("a[href$='/scans']"))
            .await?
            .click()
            .await?;
        // The empty state says what to do; then the file goes up and is processed.
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#scan-empty:not([hidden])"))
            .await?;
        c.find(Locator::Css("#scan-files"))
            .await?
            .send_keys(&scan.display().to_string())
            .await?;
        let row = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css("#scan-batches tr[data-status=done]"))
            .await?;
        let text = row.text().await?;
        assert!(
            text.contains("lundi.pdf") && text.contains("12 pages · 3 copies"),
            "{text}"
        );
        // The repair desk: three strips; select the first page, rotate it with R.
        c.goto(&c.current_url().await?.as_str().replace("/scans", "/copies"))
            .await?;
        let first = c
            .wait()
            .at_most(wait)
            .for_element(Locator::Css(".strip .thumb"))
            .await?;
        assert_eq!(
            c.find_all(Locator::Css(".strip[data-copy]")).await?.len(),
            3
        );
        first.click().await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css("#desk-preview:not([hidden])"))
            .await?;
        c.execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'r'}))",
            vec![],
        )
        .await?;
        c.wait()
            .at_most(wait)
            .for_element(Locator::Css(".strip .thumb.selected img.rot-90"))
            .await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.expect("the browser scenario");
}

/// The identification desk with the keyboard: a class is imported, its scans processed and
/// read; on a pending copy, `1` picks the first suggestion and the counter goes down.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_identifies_a_copy_with_the_keyboard_in_chromium() {
    use korrigo_app::ClientInfo;
    use korrigo_app::accounts::system_session;
    use korrigo_media::synth;
    let srv = Server::start("chef", "Chef d'établissement", "admin").await;
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    std::fs::create_dir_all(&dir).unwrap();
    // Three students; the scans carry hard-to-read headers (first names left out) so that the
    // copies wait on the desk instead of being identified automatically.
    let class = synth::students(3);
    let csv = synth::roster_csv(&class, "1A");
    let app = srv.app.clone();
    app.start_student_import(
        &system_session(),
        "1A.csv",
        csv.as_bytes(),
        &ClientInfo::default(),
    )
    .await
    .unwrap();
    let exam = exam_named(&app, "Identification").await;
    let blurred: Vec<synth::SynthStudent> = class
        .iter()
        .map(|s| synth::SynthStudent {
            last_name: s.last_name.chars().take(3).collect(),
            first_name: String::new(),
            birth_date: "00/00/0000".into(),
        })
        .collect();
    let scan = dir.join("id.pdf");
    std::fs::write(
        &scan,
        synth::batch_pdf(
            &blurred,
            &synth::SynthOptions {
                dpi: 100,
                pages_per_copy: 1,
                lines: 1,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    app.import_scan_file(&system_session(), exam, &scan, None, &ClientInfo::default())
        .await
        .unwrap();
    // Wait for the workers: batch processed, headers read, exam matched.
    for _ in 0..300 {
        let desk = app
            .identification_desk(&system_session(), exam, "all")
            .await
            .unwrap();
        if desk.total == 3 && desk.items.iter().all(|c| !c.suggestions.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let before = app
        .identification_desk(&system_session(), exam, "pending")
        .await
        .unwrap();
    assert!(before.pending > 0, "some copies wait on the desk");
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let result = async {
        log_in(&c, &base, "chef").await?;
        c.goto(&format!("{base}/exams/{}/identification", exam.0))
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#ident-suggestions li"))
            .await?;
        let counter = c
            .find(Locator::Css("#ident-progress"))
            .await?
            .text()
            .await?;
        assert!(
            counter.starts_with(&format!("{} ", before.pending)),
            "{counter}"
        );
        // Every link-styled button is readable (they were white on white).
        let (ratio, which) = link_button_contrast(&c).await?;
        assert!(ratio >= 4.5, "contrast {ratio:.2} for {which:?}");
        // Enter on a focused button presses that button, never "choose suggestion 1".
        c.execute("document.getElementById('ident-prev').focus()", vec![])
            .await?;
        c.active_element().await?.send_keys("\u{E007}").await?;
        c.execute("document.getElementById('ident-skip').focus()", vec![])
            .await?;
        c.active_element().await?.send_keys("\u{E007}").await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let counter_now = c
            .find(Locator::Css("#ident-progress"))
            .await?
            .text()
            .await?;
        assert_eq!(counter_now, counter, "Enter on a button identified a copy");
        // Back to the first copy; the search: nothing found says so, ↓ reaches the results.
        c.execute("document.getElementById('ident-prev').click()", vec![])
            .await?;
        let search = c.find(Locator::Css("#ident-search")).await?;
        search.send_keys("zzzzqx").await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#ident-results li.empty"))
            .await?;
        search.clear().await?;
        let first_letters: String = class[0].last_name.chars().take(3).collect();
        search.send_keys(&first_letters).await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#ident-results button"))
            .await?;
        search.send_keys("\u{E015}").await?; // ArrowDown
        let focused_in_results = c
            .execute(
                "return document.activeElement.closest('#ident-results') !== null",
                vec![],
            )
            .await?;
        assert_eq!(
            focused_in_results,
            serde_json::json!(true),
            "↓ moves into the results"
        );
        c.active_element().await?.send_keys("\u{E013}").await?; // ArrowUp
        let back = c
            .execute("return document.activeElement.id", vec![])
            .await?;
        assert_eq!(
            back,
            serde_json::json!("ident-search"),
            "↑ goes back to the search"
        );
        c.execute("document.activeElement.blur()", vec![]).await?;
        // The page passes axe-core.
        screenshot(&c, "identification").await?;
        let problems = axe(&c).await?;
        assert!(
            problems.is_empty(),
            "axe on the identification desk: {problems:#?}"
        );
        // The label sheets: opened, printed for the class, counted in a message.
        c.find(Locator::Css(".labels-print summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#labels-form button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(
                "//*[@id='toast' and contains(text(), '3 étiquettes pour 3 élèves')]",
            ))
            .await?;
        screenshot(&c, "identification_labels").await?;
        let problems = axe(&c).await?;
        assert!(problems.is_empty(), "axe with the labels form open: {problems:#?}");
        c.execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: '1'}))",
            vec![],
        )
        .await?;
        let expected = format!("{} ", before.pending - 1);
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(&format!(
                "//span[@id='ident-progress' and starts-with(text(), '{expected}')]"
            )))
            .await?;
        // Last year's exam, archived and purged: the journal says so in words.
        let old = exam_named(&app, "Bac blanc 2025").await;
        app.set_exam_archived(&system_session(), old, true, &ClientInfo::default())
            .await
            .unwrap();
        let tomorrow = korrigo_store::now_ms() / 86_400_000 + 1;
        let purged = app
            .purge_archived(
                &system_session(),
                korrigo_domain::date::Date::from_days_since_epoch(tomorrow).unwrap(),
                false,
                &ClientInfo::default(),
            )
            .await
            .unwrap();
        assert_eq!(purged.exams.len(), 1);
        c.goto(&format!("{base}/admin/audit")).await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(
                "//td[contains(., 'Examen archivé supprimé (copies et données personnelles)')]",
            ))
            .await?;
        // The main pages pass axe-core too, and their link buttons are readable.
        let mut problems = Vec::new();
        for page in [
            "/".to_string(),
            "/exams".into(),
            format!("/exams/{}", exam.0),
            format!("/exams/{}/settings", exam.0),
            format!("/exams/{}/grading", exam.0),
            format!("/exams/{}/scheme", exam.0),
            format!("/exams/{}/scans", exam.0),
            format!("/exams/{}/copies", exam.0),
            "/admin/users".into(),
            "/admin/audit".into(),
            "/admin/jobs".into(),
            "/admin/students".into(),
            "/admin/students/import".into(),
            "/password".into(),
        ] {
            c.goto(&format!("{base}{page}")).await?;
            c.wait()
                .at_most(WAIT)
                .for_element(Locator::Css("main"))
                .await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            screenshot(&c, &page.trim_start_matches('/').replace('/', "_")).await?;
            for p in axe(&c).await? {
                problems.push(format!("{page}: {p}"));
            }
            let (ratio, which) = link_button_contrast(&c).await?;
            if ratio < 4.5 {
                problems.push(format!("{page}: contrast {ratio:.2} for {which:?}"));
            }
            let overflow = c
                .execute(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                    vec![],
                )
                .await?;
            if overflow.as_f64() != Some(0.0) {
                problems.push(format!("{page}: {overflow} px wider than a 1366 px screen"));
            }
        }
        // The users table fits a 768 px wide window too (a tablet, a half screen).
        c.set_window_size(768, 900).await?;
        c.goto(&format!("{base}/admin/users")).await?;
        c.wait().at_most(WAIT).for_element(Locator::Css("main table")).await?;
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
                vec![],
            )
            .await?;
        screenshot(&c, "users_768").await?;
        if overflow.as_f64() != Some(0.0) {
            problems.push(format!("/admin/users: {overflow} px wider than 768 px"));
        }
        c.set_window_size(1366, 768).await?;
        assert!(problems.is_empty(), "{problems:#?}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    let after = app
        .identification_desk(&system_session(), exam, "manual")
        .await
        .unwrap();
    srv.stop().await;
    result.expect("the browser scenario");
    assert_eq!(after.items.len(), 1, "one copy identified by hand");
}
