//! Retention: purging the exams archived before a date deletes their files and rows, and only
//! theirs; a dry run deletes nothing; each purge is journaled without a student's name.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_app::jobs::WorkerTiming;
use korrigo_domain::ExamId;
use korrigo_domain::date::Date;
use korrigo_media::synth::{self, SynthOptions};
use korrigo_store::both_backends;
use korrigo_store::test_support::Which;
use serde_json::json;

both_backends!(purge_deletes_archived_exams_with_their_files_and_journals_it);

async fn exam_with_copies(t: &TestApp, c: &common::Client, name: &str, n: usize) -> i64 {
    let r = t
        .browser(
            c,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": name, "layout": "a4:1"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let exam = r.body["id"].as_i64().unwrap();
    let pdf = synth::batch_pdf(
        &synth::students(n),
        &SynthOptions {
            dpi: 60,
            pages_per_copy: 1,
            lines: 1,
            ..SynthOptions::default()
        },
    );
    std::fs::create_dir_all(&t.dir).unwrap();
    let path = t.dir.join(format!("{exam}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    t.app
        .import_scan_file(
            &system_session(),
            ExamId(exam),
            &path,
            None,
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    exam
}

async fn purge_deletes_archived_exams_with_their_files_and_journals_it(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, prof) = t.user(&admin, "prof", "teacher").await;
    let old = exam_with_copies(&t, &prof, "Bac blanc 2024", 3).await;
    let kept = exam_with_copies(&t, &prof, "DS 5", 2).await;
    let r = t
        .browser(
            &prof,
            Method::POST,
            &format!("/api/exams/{old}/archive/"),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let files_of = |exam: i64| {
        let t = &t;
        async move { t.app.files.list(&format!("exams/{exam}/")).await.unwrap() }
    };
    let old_files = files_of(old).await.len();
    assert!(old_files >= 7, "a scan and its page images");
    let kept_files = files_of(kept).await;

    // Archived today: not purged with yesterday's date, purged with tomorrow's.
    let today = korrigo_store::now_ms() / 86_400_000;
    let day = |offset: i64| Date::from_days_since_epoch(today + offset).unwrap();
    let s = system_session();
    let none = t
        .app
        .purge_archived(&s, day(-1), false, &ClientInfo::default())
        .await
        .unwrap();
    assert!(none.exams.is_empty());

    // A dry run says what would go and deletes nothing.
    let dry = t
        .app
        .purge_archived(&s, day(1), true, &ClientInfo::default())
        .await
        .unwrap();
    assert_eq!(dry.exams.len(), 1);
    assert_eq!(
        (dry.exams[0].id, dry.exams[0].copies, dry.exams[0].files),
        (old, 3, old_files as u64)
    );
    assert_eq!(files_of(old).await.len(), old_files);
    assert_eq!(
        t.browser(&prof, Method::GET, &format!("/api/exams/{old}/"), None)
            .await
            .status,
        StatusCode::OK
    );

    let done = t
        .app
        .purge_archived(&s, day(1), false, &ClientInfo::default())
        .await
        .unwrap();
    assert_eq!(done.exams.len(), 1);
    assert!(
        files_of(old).await.is_empty(),
        "the scans and images are gone"
    );
    assert_eq!(
        t.browser(&prof, Method::GET, &format!("/api/exams/{old}/"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The other exam keeps everything.
    assert_eq!(files_of(kept).await, kept_files);
    let r = t
        .browser(
            &prof,
            Method::GET,
            &format!("/api/exams/{kept}/copies/"),
            None,
        )
        .await;
    assert_eq!(r.body["total"], 2, "{}", r.text);
    // Journaled, with the exam's name and counts only.
    let r = t
        .browser(&admin, Method::GET, "/api/audit/?action=exam.purged", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", r.text);
    assert_eq!(items[0]["object_id"], old.to_string());
    let details: serde_json::Value =
        serde_json::from_str(items[0]["details"].as_str().unwrap()).unwrap();
    assert_eq!(
        (details["copies"].as_i64(), details["name"].as_str()),
        (Some(3), Some("Bac blanc 2024"))
    );
    for st in synth::students(3) {
        assert!(!r.text.contains(&st.last_name), "no student name journaled");
    }
    // Purging again finds nothing.
    let again = t
        .app
        .purge_archived(&s, day(1), false, &ClientInfo::default())
        .await
        .unwrap();
    assert!(again.exams.is_empty());
    t.cleanup().await;
}
