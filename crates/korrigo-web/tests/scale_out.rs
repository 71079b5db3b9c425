//! Several instances: two `serve` instances (two routers, each with its own connections) and
//! two workers on one database and one S3 bucket (moto's server, on loopback). Whichever
//! instance a request reaches, the session holds, the upload continues, the batch is processed
//! once and the copies are graded.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Client, ORIGIN, TestApp};
use korrigo_app::jobs::{WorkerTiming, builtin_registry};
use korrigo_media::synth::{self, SynthOptions};
use korrigo_store::both_backends;
use korrigo_store::test_support::{TestS3, Which};
use serde_json::json;
use std::time::Duration;

both_backends!(two_instances_and_two_workers_share_one_database_and_bucket);

async fn put_chunk(t: &TestApp, c: &Client, batch: i64, offset: usize, bytes: &[u8]) -> u16 {
    let req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/scans/{batch}/content/"))
        .header("host", "127.0.0.1:8080")
        .header("cookie", format!("korrigo_session={}", c.cookie))
        .header("origin", ORIGIN)
        .header("x-csrf-token", &c.csrf)
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    t.call(req).await.status.as_u16()
}

async fn two_instances_and_two_workers_share_one_database_and_bucket(w: Which) {
    let s3 = TestS3::start();
    let bucket = s3.config.clone();
    let a = TestApp::with(w, |c| c.s3 = Some(bucket), builtin_registry()).await;
    let b = a.other_instance().await;

    // A session opened on A is valid on B.
    let admin = a.admin().await;
    let me = b.browser(&admin, Method::GET, "/api/me/", None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let (_, prof) = b.user(&admin, "prof", "teacher").await;
    let (_, alice) = a.user(&admin, "alice", "teacher").await;
    let r = b
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "layout": "a4:1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let exam = r.body["id"].as_i64().unwrap();
    let r = a
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{exam}/members/"),
            Some(json!({"username": "alice", "role": "corrector"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let scheme = json!({"nodes": [{"label": "Exercice 1", "max_points": 4}]});
    let r = b
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{exam}/scheme/"),
            Some(json!({"scheme": scheme, "version": 0, "confirm_total_mismatch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let question = r.body["scheme"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // The upload starts on A, its first chunk goes to A, the second to B.
    let pdf = synth::batch_pdf(
        &synth::students(6),
        &SynthOptions {
            dpi: 60,
            pages_per_copy: 1,
            lines: 1,
            ..SynthOptions::default()
        },
    );
    let r = a
        .browser(
            &prof,
            Method::POST,
            &format!("/api/exams/{exam}/scans/"),
            Some(json!({"file_name": "lundi.pdf", "size": pdf.len()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let batch = r.body["id"].as_i64().unwrap();
    let half = pdf.len() / 2;
    assert_eq!(put_chunk(&a, &prof, batch, 0, &pdf[..half]).await, 200);
    assert_eq!(put_chunk(&b, &prof, batch, half, &pdf[half..]).await, 200);

    // Two workers, one beside each instance, poll the same queue.
    let timing = WorkerTiming {
        poll: Duration::from_millis(50),
        ..WorkerTiming::default()
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let mut workers = a.app.spawn_workers(1, timing.clone(), rx.clone());
    workers.extend(b.app.spawn_workers(1, timing, rx));
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let done = loop {
        let r = b
            .browser(&prof, Method::GET, &format!("/api/scans/{batch}/"), None)
            .await;
        let counts = {
            let mut c = a.app.db.read().await.unwrap();
            korrigo_store::jobs::counts(c.conn()).await.unwrap()
        };
        if r.body["status"] == "done" && counts.queued == 0 && counts.running == 0 {
            break r.body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not processed in time: {} {counts:?}",
            r.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop.send(true).unwrap();
    for w in workers {
        w.await.unwrap();
    }
    assert_eq!(
        (done["pages_total"].as_i64(), done["copies_made"].as_i64()),
        (Some(6), Some(6))
    );

    // Processed exactly once: every job ran one attempt, and succeeded.
    let jobs = {
        let mut c = a.app.db.read().await.unwrap();
        korrigo_store::jobs::list(
            c.conn(),
            &korrigo_store::jobs::JobFilter::default(),
            korrigo_domain::PageRequest::new(Some(1), Some(500)),
        )
        .await
        .unwrap()
        .items
    };
    assert!(!jobs.is_empty());
    for j in &jobs {
        assert_eq!(
            (j.status.as_str(), j.attempts),
            ("succeeded", 1),
            "job {} ({}) ran more than once or failed",
            j.id.0,
            j.kind
        );
    }
    assert_eq!(
        jobs.iter().filter(|j| j.kind == "scans.process").count(),
        1,
        "{:?}",
        jobs.iter().map(|j| &j.kind).collect::<Vec<_>>()
    );
    // The bucket holds the assembled scan (no chunk left) and each page's images.
    let objects = a.app.files.list("").await.unwrap();
    assert!(
        objects.iter().all(|(k, _)| !k.contains(".upload/")),
        "{objects:?}"
    );
    let source: Vec<_> = objects
        .iter()
        .filter(|(k, _)| k.ends_with("/source"))
        .collect();
    assert_eq!(source.len(), 1, "{objects:?}");
    assert_eq!(source[0].1, pdf.len() as u64);
    assert!(
        objects
            .iter()
            .filter(|(k, _)| k.ends_with("-v.jpg"))
            .count()
            == 6
    );

    // The copies, their images and the grading, through either instance.
    let list = a
        .browser(
            &prof,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await;
    assert_eq!(list.body["total"], 6, "{}", list.text);
    let image = list.body["items"][0]["pages"][0]["image_url"]
        .as_str()
        .unwrap()
        .to_string();
    let r = b.page(&prof, &image).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    assert!(r.bytes.starts_with(&[0xFF, 0xD8]), "a JPEG from the bucket");
    let r = a
        .browser(
            &prof,
            Method::POST,
            &format!("/api/exams/{exam}/dispatch/"),
            Some(json!({"mode": "copies", "correctors": ["alice"], "preview": false})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mine = b
        .browser(&alice, Method::GET, "/api/grading/copies/", None)
        .await;
    let copies = mine.body["items"].as_array().unwrap().clone();
    assert_eq!(copies.len(), 6, "{}", mine.text);
    for (i, c) in copies.iter().enumerate() {
        let (via, other) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let copy = c["id"].as_i64().unwrap();
        let r = via
            .browser(
                &alice,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{question}/"),
                Some(json!({"points": 3, "version": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // The same save again on the other instance: the version tells it apart.
        let r = other
            .browser(
                &alice,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{question}/"),
                Some(json!({"points": 1, "version": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
        assert_eq!(r.body["error"]["details"]["current"]["points"], 3.0);
    }
    b.cleanup_leaving_jobs().await;
    a.cleanup().await;
}
