//! `korrigo bench grading`: scores saved through the real HTTP stack by many correctors at
//! once, on a throwaway database (SQLite, or PostgreSQL with `--postgres`), with the latency
//! of every save (p50, p95, p99), the saves per second and the errors.

use super::{app_err, cli_client};
use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use korrigo_app::App;
use korrigo_app::accounts::{CreateUser, system_session};
use korrigo_app::exams::{ExamInput, MemberInput, SchemeInput};
use korrigo_app::grading::DispatchInput;
use korrigo_store::test_support::{TestDb, Which};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

const PASSWORD: &str = "bench correcteur 2026";

/// One HTTP call: status and body.
async fn call(
    client: &HttpClient,
    method: &str,
    url: &str,
    cookie: Option<&str>,
    csrf: Option<&str>,
    body: &serde_json::Value,
) -> Result<(u16, serde_json::Value, Option<String>)> {
    let mut b = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json");
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    if let Some(t) = csrf {
        b = b.header("x-csrf-token", t);
    }
    let resp = client
        .request(b.body(Full::new(Bytes::from(body.to_string())))?)
        .await?;
    let status = resp.status().as_u16();
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or_default(),
        set_cookie,
    ))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs the benchmark: `correctors` correctors, one copy each, `saves` score saves in all.
pub(crate) async fn run(
    correctors: usize,
    saves: usize,
    postgres: bool,
    instances: usize,
    workers: usize,
) -> Result<ExitCode> {
    let instances = instances.max(1);
    let tdb = TestDb::new(if postgres {
        Which::Postgres
    } else {
        Which::Sqlite
    })
    .await
    .context("a throwaway database (PostgreSQL: set KORRIGO_TEST_DATABASE_URL)")?;
    let dir = std::env::temp_dir().join(format!(
        "korrigo-bench-grading-{}",
        korrigo_app::tokens::random_hex(6)
    ));
    std::fs::create_dir_all(&dir)?;
    let mut cfg = korrigo_app::config::Config::for_tests(dir.clone(), tdb.url.clone());
    // Every corrector logs in from this one address.
    cfg.login_max_failures_per_ip = 1_000_000;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    cfg.public_url = url_of(&base)?;
    let app = App::with_db(
        cfg.clone(),
        tdb.db.clone(),
        korrigo_app::jobs::builtin_registry(),
    )
    .await?;
    let system = system_session();
    let client = cli_client();
    // An exam with a ten-question scheme, the correctors as members, one copy each.
    app.create_user_cli(&CreateUser {
        username: "manager".into(),
        display_name: "Manager".into(),
        role: "teacher".into(),
        password: Some(PASSWORD.into()),
        ..Default::default()
    })
    .await
    .map_err(app_err)?;
    let exam = app
        .create_exam(
            &system,
            &ExamInput {
                name: "Bench grading".into(),
                ..Default::default()
            },
            &client,
        )
        .await
        .map_err(app_err)?
        .exam
        .id;
    let scheme: korrigo_domain::scheme::Scheme = serde_json::from_value(serde_json::json!({
        "nodes": (1..=10).map(|i| serde_json::json!({"label": format!("Q{i}"), "max_points": 2})).collect::<Vec<_>>()
    }))?;
    let saved = app
        .save_scheme(
            &system,
            exam,
            SchemeInput {
                scheme,
                version: 0,
                confirm_total_mismatch: false,
                confirm_scores_over: false,
            },
            &client,
        )
        .await
        .map_err(app_err)?;
    let questions: Vec<String> = saved.scheme.leaves().into_iter().map(|l| l.0).collect();
    app.set_exam_member(
        &system,
        exam,
        &MemberInput {
            username: "manager".into(),
            role: "manager".into(),
        },
        &client,
    )
    .await
    .map_err(app_err)?;
    let names: Vec<String> = (0..correctors)
        .map(|i| format!("correcteur{i:03}"))
        .collect();
    for n in &names {
        app.create_user_cli(&CreateUser {
            username: n.clone(),
            display_name: n.clone(),
            role: "teacher".into(),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .map_err(app_err)?;
        app.set_exam_member(
            &system,
            exam,
            &MemberInput {
                username: n.clone(),
                role: "corrector".into(),
            },
            &client,
        )
        .await
        .map_err(app_err)?;
    }
    {
        // Metadata only: one page per copy (its image is never fetched), for the marks.
        use korrigo_store::scans as scans_store;
        let now = korrigo_store::now_ms();
        let mut tx = app.db.begin().await?;
        let batch = scans_store::insert_batch(
            tx.conn(),
            &scans_store::NewBatch {
                exam_id: exam.0,
                file_name: "bench.pdf",
                size: 0,
                received: 0,
                sha256: None,
                store_key: "bench",
                status: "done",
                grouping: "fixed",
                created_by: None,
                now,
            },
        )
        .await?;
        for i in 0..correctors {
            scans_store::insert_page(
                tx.conn(),
                &scans_store::NewPage {
                    exam_id: exam.0,
                    batch_id: batch,
                    seq: i as i64,
                    order_key: i as i64,
                    source_file: "bench.pdf",
                    source_page: i as i64 + 1,
                    half: None,
                    rotation: 0,
                    has_header: false,
                    blank: false,
                    unsure: false,
                    width: 1240,
                    height: 1754,
                    viewer_key: "bench",
                    thumb_key: "bench",
                    header_key: None,
                    now,
                },
            )
            .await?;
        }
        let pages = scans_store::batch_pages(tx.conn(), batch).await?;
        for (i, page) in pages.iter().enumerate() {
            let copy = scans_store::insert_copy(
                tx.conn(),
                exam.0,
                &format!("B{i:05}"),
                "READY",
                Some(batch),
                now,
            )
            .await?;
            scans_store::place_page(tx.conn(), page.id, Some(copy), 1).await?;
        }
        tx.commit().await?;
    }
    app.dispatch(
        &system,
        exam,
        &DispatchInput {
            correctors: names.clone(),
            ..Default::default()
        },
        &client,
    )
    .await
    .map_err(app_err)?;
    // The real servers: the first instance, and as many more as asked, each with its own
    // connections to the same database (what a load balancer's targets are); job workers
    // beside them, round robin.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut apps = vec![app.clone()];
    let mut listeners = vec![listener];
    let mut bases = vec![base.clone()];
    for _ in 1..instances {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        bases.push(format!("http://{}", l.local_addr()?));
        listeners.push(l);
        let db = korrigo_store::Db::connect(&tdb.url, &korrigo_store::DbOptions::default()).await?;
        apps.push(App::with_db(cfg.clone(), db, korrigo_app::jobs::builtin_registry()).await?);
    }
    let mut servers = Vec::new();
    for (l, a) in listeners.into_iter().zip(&apps) {
        let mut rx = stopped.clone();
        servers.push(tokio::spawn(korrigo_web::serve(
            l,
            korrigo_web::AppState::new(a.clone()),
            async move {
                let _ = rx.wait_for(|v| *v).await;
            },
        )));
    }
    let mut worker_tasks = Vec::new();
    for j in 0..workers {
        worker_tasks.extend(apps[j % apps.len()].spawn_workers(
            1,
            korrigo_app::jobs::WorkerTiming::default(),
            stopped.clone(),
        ));
    }
    let http: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(correctors)
        .build_http();
    // Log every corrector in (not timed) and find their copy.
    let mut sessions = Vec::with_capacity(correctors);
    for (k, n) in names.iter().enumerate() {
        // Logged in on one instance, working on the next: sessions hold on every instance.
        let login_base = &bases[(k + 1) % bases.len()];
        let base = &bases[k % bases.len()];
        let (st, me, cookie) = call(
            &http,
            "POST",
            &format!("{login_base}/api/login/"),
            None,
            None,
            &serde_json::json!({"username": n, "password": PASSWORD}),
        )
        .await?;
        let cookie = cookie.context("a session cookie")?;
        if st != 200 {
            bail!("login of {n}: {st} {me}");
        }
        let csrf = me["csrf_token"].as_str().unwrap_or_default().to_string();
        let user = me["id"].as_i64().context("the corrector's id")?;
        let mine = {
            let mut c = app.db.read().await?;
            korrigo_store::grading::assigned_to(c.conn(), user, Some(exam.0)).await?
        };
        let copy = mine.first().context("a copy for every corrector")?.id;
        let (_, desk, _) = call(
            &http,
            "GET",
            &format!("{base}/api/copies/{copy}/grading/"),
            Some(&cookie),
            None,
            &serde_json::Value::Null,
        )
        .await?;
        let page = desk["copy"]["pages"][0]["id"]
            .as_i64()
            .context("a page on every copy")?;
        sessions.push((cookie, csrf, copy, page, base.clone()));
    }
    let per = saves.div_ceil(correctors);
    let first = sessions
        .first()
        .cloned()
        .context("at least one corrector")?;
    let questions = Arc::new(questions);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (cookie, csrf, copy, page, base) in sessions {
        let (http, questions) = (http.clone(), questions.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per);
            let mut marks = Vec::with_capacity(per / 4 + 1);
            let mut errors = 0usize;
            let mut versions = vec![0i64; questions.len()];
            for k in 0..per {
                // One change in four is a pen stroke, as at the desk.
                if k % 4 == 3 {
                    let mut body = stroke(k);
                    body["page"] = serde_json::json!(page);
                    let url = format!("{base}/api/copies/{copy}/annotations/");
                    let t = Instant::now();
                    match call(&http, "POST", &url, Some(&cookie), Some(&csrf), &body).await {
                        Ok((201, _, _)) => marks.push(t.elapsed()),
                        _ => errors += 1,
                    }
                    continue;
                }
                let q = k % questions.len();
                let body = serde_json::json!({
                    "points": (k % 9) as f64 * 0.25,
                    "remark": "",
                    "version": versions[q],
                });
                let url = format!("{base}/api/copies/{copy}/scores/{}/", questions[q]);
                let t = Instant::now();
                match call(&http, "PUT", &url, Some(&cookie), Some(&csrf), &body).await {
                    Ok((200, v, _)) => {
                        versions[q] = v["version"].as_i64().unwrap_or(versions[q] + 1);
                        lat.push(t.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (lat, marks, errors)
        }));
    }
    let mut all = Vec::new();
    let mut all_marks = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, m, e) = t.await?;
        all.extend(lat);
        all_marks.extend(m);
        errors += e;
    }
    let wall = started.elapsed();
    all.sort();
    all_marks.sort();
    // One corrector alone: the server's own time per save (plus the loopback), no queueing.
    let (cookie, csrf, copy, page, _) = &first;
    let mut alone = Vec::new();
    let q = &questions[0];
    // Start from the version the concurrent phase left.
    let (_, desk, _) = call(
        &http,
        "GET",
        &format!("{base}/api/copies/{copy}/grading/"),
        Some(cookie),
        None,
        &serde_json::Value::Null,
    )
    .await?;
    let mut version = desk["scores"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["question"] == q.as_str()))
        .and_then(|s| s["version"].as_i64())
        .unwrap_or(0);
    let mut alone_errors = 0usize;
    for k in 0..500 {
        let body = serde_json::json!({"points": (k % 9) as f64 * 0.25, "version": version});
        let url = format!("{base}/api/copies/{copy}/scores/{q}/");
        let t = Instant::now();
        match call(&http, "PUT", &url, Some(cookie), Some(csrf), &body).await {
            Ok((200, v, _)) => {
                version = v["version"].as_i64().unwrap_or(version + 1);
                alone.push(t.elapsed());
            }
            _ => alone_errors += 1,
        }
    }
    alone.sort();
    errors += alone_errors;
    let mut alone_marks = Vec::new();
    for k in 0..300 {
        let mut body = stroke(k);
        body["page"] = serde_json::json!(page);
        let url = format!("{base}/api/copies/{copy}/annotations/");
        let t = Instant::now();
        match call(&http, "POST", &url, Some(cookie), Some(csrf), &body).await {
            Ok((201, _, _)) => alone_marks.push(t.elapsed()),
            _ => errors += 1,
        }
    }
    alone_marks.sort();
    let _ = stop.send(true);
    for s in servers {
        let _ = s.await;
    }
    for w in worker_tasks {
        let _ = w.await;
    }
    println!(
        "bench grading ({}, {instances} instance(s), {workers} worker(s)): {} correctors, {} score saves and {} pen strokes through HTTP in {:.2} s",
        if postgres { "PostgreSQL" } else { "SQLite" },
        correctors,
        all.len(),
        all_marks.len(),
        wall.as_secs_f64()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {:.0} saves/s in all · errors {errors}",
        (all.len() + all_marks.len()) as f64 / wall.as_secs_f64(),
    );
    println!(
        "  scores: p50 {:.1} ms · p95 {:.1} ms · p99 {:.1} ms",
        ms(percentile(&all, 0.50)),
        ms(percentile(&all, 0.95)),
        ms(percentile(&all, 0.99)),
    );
    println!(
        "  strokes: p50 {:.1} ms · p95 {:.1} ms · p99 {:.1} ms",
        ms(percentile(&all_marks, 0.50)),
        ms(percentile(&all_marks, 0.95)),
        ms(percentile(&all_marks, 0.99)),
    );
    println!(
        "  one corrector alone: 500 scores p50 {:.2} ms · p99 {:.2} ms; 300 strokes p50 {:.2} ms · p99 {:.2} ms",
        ms(percentile(&alone, 0.50)),
        ms(percentile(&alone, 0.99)),
        ms(percentile(&alone_marks, 0.50)),
        ms(percentile(&alone_marks, 0.99)),
    );
    tdb.cleanup().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A pen stroke of 40 points (the page is filled in by the caller).
fn stroke(k: usize) -> serde_json::Value {
    let y = 0.1 + (k % 80) as f64 * 0.01;
    let points: Vec<[f64; 2]> = (0..40)
        .map(|i| [0.1 + i as f64 * 0.02, y + (i % 5) as f64 * 0.002])
        .collect();
    serde_json::json!({"kind": "pen", "data": {"points": points, "color": "#d7263d"}})
}

fn url_of(base: &str) -> Result<url::Url> {
    Ok(url::Url::parse(base)?)
}
