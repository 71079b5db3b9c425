//! Scans through the real router: the resumable upload protocol, processing into copies, page
//! images with cache headers and their permission checks, and the repair desk's edits.

mod common;

use korrigo_store::both_backends;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{Client, ORIGIN, TestApp};
use korrigo_app::jobs::WorkerTiming;
use korrigo_media::synth::{self, SynthOptions};
use korrigo_store::test_support::Which;
use serde_json::{Value, json};

both_backends!(
    upload_resumes_and_becomes_copies,
    page_images_only_for_those_allowed,
    repair_desk_edits_are_applied_and_journaled,
    identification_desk_is_for_managers_only,
    a_batch_that_made_copies_is_discarded_with_them_after_confirmation,
);

fn batch_pdf(students: usize, pages: u32) -> Vec<u8> {
    synth::batch_pdf(
        &synth::students(students),
        &SynthOptions {
            dpi: 80,
            pages_per_copy: pages,
            lines: 3,
            ..SynthOptions::default()
        },
    )
}

async fn put_chunk(
    t: &TestApp,
    c: &Client,
    batch: i64,
    offset: usize,
    bytes: &[u8],
    origin: &str,
) -> common::Resp {
    let req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/scans/{batch}/content/"))
        .header("host", "127.0.0.1:8080")
        .header("cookie", format!("korrigo_session={}", c.cookie))
        .header("origin", origin)
        .header("x-csrf-token", &c.csrf)
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/octet-stream")
        .body(Body::from(bytes.to_vec()))
        .unwrap();
    t.call(req).await
}

async fn exam(t: &TestApp, c: &Client, layout: &str) -> i64 {
    let r = t
        .browser(
            c,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "layout": layout})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

/// Uploads a whole file in two chunks and processes it; returns the copies list.
async fn upload_and_process(t: &TestApp, c: &Client, exam: i64, pdf: &[u8]) -> Value {
    let r = t
        .browser(
            c,
            Method::POST,
            &format!("/api/exams/{exam}/scans/"),
            Some(json!({"file_name": "scan.pdf", "size": pdf.len()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    let half = pdf.len() / 2;
    assert_eq!(
        put_chunk(t, c, id, 0, &pdf[..half], ORIGIN).await.status,
        StatusCode::OK
    );
    assert_eq!(
        put_chunk(t, c, id, half, &pdf[half..], ORIGIN).await.status,
        StatusCode::OK
    );
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    let r = t
        .browser(c, Method::GET, &format!("/api/exams/{exam}/copies/"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

async fn upload_resumes_and_becomes_copies(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, teacher) = t.user(&admin, "prof", "teacher").await;
    let exam = exam(&t, &teacher, "a4:2").await;
    let pdf = batch_pdf(2, 2);
    let r = t
        .browser(
            &teacher,
            Method::POST,
            &format!("/api/exams/{exam}/scans/"),
            Some(json!({"file_name": "C:\\scans\\lundi.pdf", "size": pdf.len()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["file_name"], "lundi.pdf", "folders are dropped");
    assert_eq!(r.body["status"], "uploading");
    let id = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["upload_url"], format!("/api/scans/{id}/content/"));
    // A first chunk, then the connection "drops"; the client asks where to resume.
    let cut = pdf.len() / 3;
    let r = put_chunk(&t, &teacher, id, 0, &pdf[..cut], ORIGIN).await;
    assert_eq!(r.body["received"], cut);
    let r = t
        .browser(&teacher, Method::GET, &format!("/api/scans/{id}/"), None)
        .await;
    assert_eq!(r.body["received"], cut);
    // A chunk sent at a stale offset is refused with the offset to resume from.
    let r = put_chunk(&t, &teacher, id, 0, &pdf[..cut], ORIGIN).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.body["error"]["code"], "confirmation_required");
    assert_eq!(r.body["error"]["details"]["offset"], cut);
    // More than the declared size is refused and changes nothing.
    let mut too_long = pdf[cut..].to_vec();
    too_long.extend_from_slice(b"garbage");
    let r = put_chunk(&t, &teacher, id, cut, &too_long, ORIGIN).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    // A cross-site page cannot push chunks.
    let r = put_chunk(&t, &teacher, id, cut, &pdf[cut..], "https://evil.example").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = put_chunk(&t, &teacher, id, cut, &pdf[cut..], ORIGIN).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "queued");
    assert!(r.body["upload_url"].is_null());
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    let r = t
        .browser(
            &teacher,
            Method::GET,
            &format!("/api/exams/{exam}/scans/"),
            None,
        )
        .await;
    let b = &r.body["items"][0];
    assert_eq!(b["status"], "done", "{}", r.text);
    assert_eq!(
        (b["pages_total"].as_i64(), b["copies_made"].as_i64()),
        (Some(4), Some(2))
    );
    let list = t
        .browser(
            &teacher,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await
        .body;
    assert_eq!(list["total"], 2);
    let first = &list["items"][0];
    assert_eq!(first["pages"][0]["source_file"], "lundi.pdf");
    assert_eq!(first["pages"][1]["source_page"], 2);
    // Images: JPEG, cached for good, 304 when unchanged.
    let url = first["pages"][0]["image_url"].as_str().unwrap().to_string();
    let cookie = format!("korrigo_session={}", teacher.cookie);
    let r = t
        .send(Method::GET, &url, None, &[("cookie", &cookie)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = r.headers["etag"].to_str().unwrap().to_string();
    let r = t
        .send(
            Method::GET,
            &url,
            None,
            &[("cookie", &cookie), ("if-none-match", &etag)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    let header = first["header_url"].as_str().unwrap();
    assert_eq!(
        t.send(Method::GET, header, None, &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::OK
    );
    // The same file again: detected and asked about.
    let again = upload_and_process(&t, &teacher, exam, &pdf).await;
    assert_eq!(again["total"], 2, "not imported twice without asking");
    let r = t
        .browser(
            &teacher,
            Method::GET,
            &format!("/api/exams/{exam}/scans/"),
            None,
        )
        .await;
    let dup = &r.body["items"][0];
    assert_eq!(dup["status"], "duplicate");
    assert_eq!(dup["duplicate_of"], id);
    let dup_id = dup["id"].as_i64().unwrap();
    let r = t
        .browser(
            &teacher,
            Method::DELETE,
            &format!("/api/scans/{dup_id}/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // The pages of the exam render for its manager.
    assert_eq!(
        t.page(&teacher, &format!("/exams/{exam}/scans"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.page(&teacher, &format!("/exams/{exam}/copies"))
            .await
            .status,
        StatusCode::OK
    );
    t.cleanup().await;
}

async fn page_images_only_for_those_allowed(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, manager) = t.user(&admin, "manager", "teacher").await;
    let (corrector_id, corrector) = t.user(&admin, "corrector", "teacher").await;
    let (_, outsider) = t.user(&admin, "outsider", "teacher").await;
    let (_, student) = t.user(&admin, "eleve", "student").await;
    let exam = exam(&t, &manager, "a4:2").await;
    let r = t
        .browser(
            &manager,
            Method::PUT,
            &format!("/api/exams/{exam}/members/"),
            Some(json!({"username": "corrector", "role": "corrector"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let list = upload_and_process(&t, &manager, exam, &batch_pdf(2, 2)).await;
    let page = &list["items"][0]["pages"][0];
    let (image, thumb) = (
        page["image_url"].as_str().unwrap(),
        page["thumb_url"].as_str().unwrap(),
    );
    let header = list["items"][0]["header_url"].as_str().unwrap();
    let get = async |c: &Client, url: &str| {
        let cookie = format!("korrigo_session={}", c.cookie);
        t.send(Method::GET, url, None, &[("cookie", &cookie)])
            .await
            .status
    };
    for (who, c) in [
        ("outsider", &outsider),
        ("corrector", &corrector),
        ("student", &student),
    ] {
        for url in [image, thumb, header] {
            assert_eq!(get(c, url).await, StatusCode::FORBIDDEN, "{who} {url}");
        }
        assert_eq!(
            t.browser(c, Method::GET, &format!("/api/exams/{exam}/copies/"), None)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{who} lists copies"
        );
    }
    assert_eq!(
        t.send(Method::GET, image, None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Once the copy is assigned to the corrector (dispatch), they see its pages, never its
    // header crop (identity stays with managers).
    let copy = list["items"][0]["id"].as_i64().unwrap();
    korrigo_store::test_support::execute_admin(
        &t.app.db,
        &format!("UPDATE copies SET corrector_id = {corrector_id} WHERE id = {copy}"),
    )
    .await
    .unwrap();
    assert_eq!(get(&corrector, image).await, StatusCode::OK);
    assert_eq!(get(&corrector, thumb).await, StatusCode::OK);
    assert_eq!(get(&corrector, header).await, StatusCode::FORBIDDEN);
    let other = list["items"][1]["pages"][0]["image_url"].as_str().unwrap();
    assert_eq!(
        get(&corrector, other).await,
        StatusCode::FORBIDDEN,
        "not their copy"
    );
    assert_eq!(get(&admin, header).await, StatusCode::OK);
    t.cleanup().await;
}

async fn repair_desk_edits_are_applied_and_journaled(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, manager) = t.user(&admin, "manager", "teacher").await;
    let (_, outsider) = t.user(&admin, "outsider", "teacher").await;
    let exam = exam(&t, &manager, "a4:2").await;
    let list = upload_and_process(&t, &manager, exam, &batch_pdf(3, 2)).await;
    let ids = |l: &Value, i: usize| -> Vec<i64> {
        l["items"][i]["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect()
    };
    let copy = |l: &Value, i: usize| l["items"][i]["id"].as_i64().unwrap();
    let (a, b, c) = (copy(&list, 0), copy(&list, 1), copy(&list, 2));
    let (pa, pb) = (ids(&list, 0), ids(&list, 1));
    let repair = async |edit: Value| {
        t.browser(
            &manager,
            Method::POST,
            &format!("/api/exams/{exam}/copies/repair/"),
            Some(edit),
        )
        .await
    };
    let reload = async || {
        t.browser(
            &manager,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await
        .body
    };
    // Merge b into a: one copy of 4 pages, flagged (a4:2 expects 2).
    assert_eq!(
        repair(json!({"op": "merge", "into": a, "from": b}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let l = reload().await;
    assert_eq!(l["total"], 2);
    assert_eq!(ids(&l, 0), [pa.clone(), pb.clone()].concat());
    assert_eq!(l["items"][0]["unexpected_page_count"], true);
    // Split it again before its third page.
    assert_eq!(
        repair(json!({"op": "split", "copy": a, "position": 3}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let l = reload().await;
    assert_eq!(l["total"], 3);
    assert_eq!(ids(&l, 0), pa);
    assert_eq!(ids(&l, 2), pb, "the new copy holds the pages cut off");
    // Reorder a copy, rotate and blank a page.
    assert_eq!(
        repair(json!({"op": "set_pages", "copy": a, "pages": [pa[1], pa[0]]}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        repair(json!({"op": "rotate", "page": pa[0], "rotation": 90}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        repair(json!({"op": "blank", "page": pa[1], "blank": true}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let l = reload().await;
    assert_eq!(ids(&l, 0), [pa[1], pa[0]]);
    assert_eq!(l["items"][0]["pages"][1]["rotation"], 90);
    assert!(
        l["items"][0]["pages"][0]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("blank"))
    );
    // Move a page of c into a; delete a page: it is kept aside, not in any copy.
    let pc = ids(&l, 1);
    assert_eq!(copy(&l, 1), c);
    assert_eq!(
        repair(json!({"op": "set_pages", "copy": a, "pages": [pa[1], pa[0], pc[1]]}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        repair(json!({"op": "delete_page", "page": pc[0]}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let l = reload().await;
    assert_eq!(l["total"], 2, "copy c lost its pages and was removed");
    assert!(
        l["loose_pages"].as_array().unwrap().is_empty(),
        "deleted pages are not loose"
    );
    // Bad edits are refused with a reason; an outsider cannot edit.
    let r = repair(json!({"op": "rotate", "page": pa[0], "rotation": 45})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("0, 90, 180 ou 270"), "{}", r.text);
    let r = repair(json!({"op": "merge", "into": a, "from": a})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .browser(
            &outsider,
            Method::POST,
            &format!("/api/exams/{exam}/copies/repair/"),
            Some(json!({"op": "rotate", "page": pa[0], "rotation": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Every edit is in the journal.
    let r = t
        .browser(
            &admin,
            Method::GET,
            "/api/audit/?action=copy.repaired",
            None,
        )
        .await;
    assert_eq!(r.body["total"], 7, "{}", r.text);
    t.cleanup().await;
}

/// Identity stays with managers: correctors and outsiders get 403 on the desk, the student
/// search, identification and header crops; a manager identifies through the API, with the
/// swap confirmation.
async fn identification_desk_is_for_managers_only(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, manager) = t.user(&admin, "manager", "teacher").await;
    let (corrector_id, corrector) = t.user(&admin, "corrector", "teacher").await;
    let exam = exam(&t, &manager, "a4:2").await;
    let r = t
        .browser(
            &manager,
            Method::PUT,
            &format!("/api/exams/{exam}/members/"),
            Some(json!({"username": "corrector", "role": "corrector"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let class = synth::students(2);
    let csv = synth::roster_csv(&class, "1A");
    let r = t
        .upload(&admin, "/api/students/import/", csv.as_bytes(), "1A.csv")
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let list = upload_and_process(&t, &manager, exam, &batch_pdf(2, 2)).await;
    let copy = list["items"][0]["id"].as_i64().unwrap();
    let other = list["items"][1]["id"].as_i64().unwrap();
    korrigo_store::test_support::execute_admin(
        &t.app.db,
        &format!("UPDATE copies SET corrector_id = {corrector_id}"),
    )
    .await
    .unwrap();
    for url in [
        format!("/api/exams/{exam}/identification/"),
        format!("/api/exams/{exam}/students/?q=martin"),
    ] {
        assert_eq!(
            t.browser(&corrector, Method::GET, &url, None).await.status,
            StatusCode::FORBIDDEN,
            "{url}"
        );
    }
    let r = t
        .browser(
            &corrector,
            Method::POST,
            &format!("/api/copies/{copy}/identification/"),
            Some(json!({"not_student": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let rerun = format!("/api/exams/{exam}/identification/rerun/");
    let r = t.browser(&corrector, Method::POST, &rerun, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Label sheets: managers only, and never without the CSRF token.
    let labels = format!("/api/exams/{exam}/labels/");
    let r = t
        .browser(&corrector, Method::POST, &labels, Some(json!({})))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let manager_cookie = format!("korrigo_session={}", manager.cookie);
    let r = t
        .send(
            Method::POST,
            &labels,
            Some(json!({})),
            // A browser's request (it says where it comes from) without the token.
            &[
                ("cookie", &manager_cookie),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = t
        .browser(&manager, Method::POST, &labels, Some(json!({"skip": 24})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["details"]["field"], "skip");
    let r = t
        .browser(
            &manager,
            Method::POST,
            &labels,
            Some(json!({"per_student": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(r.headers["x-labels"], "4");
    assert!(r.bytes.starts_with(b"%PDF-"));
    let header = list["items"][0]["header_url"].as_str().unwrap();
    let cookie = format!("korrigo_session={}", corrector.cookie);
    assert_eq!(
        t.send(Method::GET, header, None, &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.page(&corrector, &format!("/exams/{exam}/identification"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The manager: search, identify, then the same student on the other copy asks to swap.
    let found = t
        .browser(
            &manager,
            Method::GET,
            &format!(
                "/api/exams/{exam}/students/?q={}",
                class[1].last_name.to_lowercase()
            ),
            None,
        )
        .await;
    let student = found.body["items"][0]["id"].as_i64().unwrap();
    let r = t
        .browser(
            &manager,
            Method::POST,
            &format!("/api/copies/{copy}/identification/"),
            // The OCR may already have given this student to the other copy: take it.
            Some(json!({"student": student, "swap": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = t
        .browser(
            &manager,
            Method::POST,
            &format!("/api/copies/{other}/identification/"),
            Some(json!({"student": student})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.body["error"]["code"], "confirmation_required");
    let r = t
        .browser(
            &manager,
            Method::POST,
            &format!("/api/copies/{other}/identification/"),
            Some(json!({"student": student, "swap": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let manual_desk = format!("/api/exams/{exam}/identification/?filter=manual");
    let desk = t.browser(&manager, Method::GET, &manual_desk, None).await;
    assert_eq!(desk.body["items"][0]["id"], other);
    assert_eq!(desk.body["items"][0]["student"]["id"], student);
    // Reading every header again: both copies queued, the manual identification kept.
    let r = t.browser(&manager, Method::POST, &rerun, None).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(r.body["queued"], 2);
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    let desk = t.browser(&manager, Method::GET, &manual_desk, None).await;
    assert_eq!(desk.body["items"][0]["student"]["id"], student);
    assert_eq!(
        t.page(&manager, &format!("/exams/{exam}/identification"))
            .await
            .status,
        StatusCode::OK
    );
    t.cleanup().await;
}

/// A file that made copies (the wrong class, say) can be discarded with its copies, after the
/// manager confirmed, while none of them is being graded.
async fn a_batch_that_made_copies_is_discarded_with_them_after_confirmation(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let exam = exam(&t, &admin, "a4:2").await;
    let kept = upload_and_process(&t, &admin, exam, &batch_pdf(2, 2)).await;
    assert_eq!(kept["total"], 2);
    let wrong = upload_and_process(&t, &admin, exam, &batch_pdf(3, 2)).await;
    assert_eq!(wrong["total"], 5);
    let batches = t
        .browser(
            &admin,
            Method::GET,
            &format!("/api/exams/{exam}/scans/"),
            None,
        )
        .await;
    let second = batches.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .max()
        .unwrap();
    // First asked: the confirmation says how many copies go with it; nothing is deleted.
    let r = t
        .browser(
            &admin,
            Method::DELETE,
            &format!("/api/scans/{second}/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "confirmation_required");
    assert_eq!(r.body["error"]["details"]["copies"], 3);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 copies")
    );
    let still = t
        .browser(
            &admin,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await;
    assert_eq!(still.body["total"], 5);
    // Confirmed: the file and its three copies are gone, the other file's copies stay.
    let r = t
        .browser(
            &admin,
            Method::DELETE,
            &format!("/api/scans/{second}/?with_copies=true"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let after = t
        .browser(
            &admin,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await;
    assert_eq!(after.body["total"], 2);
    let codes = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&after.body), codes(&kept));
    let log = t
        .browser(
            &admin,
            Method::GET,
            "/api/audit/?action=scans.batch_deleted",
            None,
        )
        .await;
    assert!(log.text.contains("\\\"copies\\\":3"), "{}", log.text);
    t.cleanup().await;
}
