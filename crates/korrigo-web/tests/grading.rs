//! Grading through the real router, on both backends: the dispatch, the corrector's copies,
//! scores with versions, finalize and reopen, and who may do what.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestApp};
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_app::jobs::WorkerTiming;
use korrigo_domain::ExamId;
use korrigo_media::synth::{self, SynthOptions};
use korrigo_store::both_backends;
use korrigo_store::test_support::Which;
use serde_json::{Value, json};

both_backends!(
    dispatch_is_balanced_previewed_and_journaled,
    scores_are_versioned_bounded_and_only_for_the_corrector,
    finalize_needs_every_score_and_reopen_keeps_them,
    grading_sends_a_constant_number_of_queries,
    marks_are_checked_versioned_and_kept_with_the_copy,
    the_corrector_sees_the_pages_without_the_name_header,
    a_manager_reassigns_releases_and_sees_the_distribution,
    a_lowered_maximum_is_listed_then_flagged_never_clamped,
    by_questions_each_corrector_grades_their_questions_on_every_copy,
    the_comment_bank_is_shared_or_mine_and_counts_its_stamps,
    every_grading_route_refuses_outsiders_and_changes_nothing,
);

/// An exam managed by `prof` with a two-question scheme and `n` scanned copies, and two
/// correctors as members.
struct Setup {
    exam: i64,
    prof: Client,
    alice: Client,
    bob: Client,
    copies: Vec<i64>,
    questions: Vec<String>,
}

async fn setup(t: &TestApp, n: usize) -> Setup {
    let admin = t.admin().await;
    let (_, prof) = t.user(&admin, "prof", "teacher").await;
    let (_, alice) = t.user(&admin, "alice", "teacher").await;
    let (_, bob) = t.user(&admin, "bob", "teacher").await;
    let r = t
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "layout": "a4:1"})),
        )
        .await;
    let exam = r.body["id"].as_i64().unwrap();
    for who in ["alice", "bob"] {
        let r = t
            .browser(
                &prof,
                Method::PUT,
                &format!("/api/exams/{exam}/members/"),
                Some(json!({"username": who, "role": "corrector"})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    let scheme = json!({"nodes": [
        {"label": "Exercice 1", "children": [{"label": "a", "max_points": 2.5}, {"label": "b", "max_points": 3.5}]}
    ]});
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{exam}/scheme/"),
            Some(json!({"scheme": scheme, "version": 0, "confirm_total_mismatch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let questions: Vec<String> = r.body["scheme"]["nodes"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect();
    scan(t, exam, n, 1).await;
    let list = t
        .browser(
            &prof,
            Method::GET,
            &format!("/api/exams/{exam}/copies/"),
            None,
        )
        .await;
    let copies = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    Setup {
        exam,
        prof,
        alice,
        bob,
        copies,
        questions,
    }
}

/// Scans `n` one-page copies into the exam and runs the pipeline.
async fn scan(t: &TestApp, exam: i64, n: usize, seed: u64) {
    let pdf = synth::batch_pdf(
        &synth::students(n),
        &SynthOptions {
            dpi: 60,
            pages_per_copy: 1,
            lines: 1,
            seed,
            ..SynthOptions::default()
        },
    );
    let path = t.dir.join(format!("grading-{seed}.pdf"));
    std::fs::create_dir_all(&t.dir).unwrap();
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
}

async fn dispatch(t: &TestApp, s: &Setup, preview: bool) -> common::Resp {
    t.browser(
        &s.prof,
        Method::POST,
        &format!("/api/exams/{}/dispatch/", s.exam),
        Some(json!({"mode": "copies", "correctors": ["alice", "bob"], "preview": preview})),
    )
    .await
}

async fn mine(t: &TestApp, who: &Client) -> Vec<Value> {
    let r = t
        .browser(who, Method::GET, "/api/grading/copies/", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"].as_array().unwrap().clone()
}

async fn dispatch_is_balanced_previewed_and_journaled(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 5).await;
    // A corrector may not dispatch.
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/exams/{}/dispatch/", s.exam),
            Some(json!({"correctors": ["alice"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The preview changes nothing.
    let p = dispatch(&t, &s, true).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(p.body["applied"], false);
    assert!(mine(&t, &s.alice).await.is_empty());
    // Applied: 3 and 2, every copy once.
    let r = dispatch(&t, &s, false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let counts: Vec<i64> = r.body["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["assigned"].as_i64().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<i64>(), 5);
    assert!((counts[0] - counts[1]).abs() <= 1, "{counts:?}");
    let (a, b) = (mine(&t, &s.alice).await, mine(&t, &s.bob).await);
    let mut given: Vec<i64> = a
        .iter()
        .chain(&b)
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    given.sort();
    assert_eq!(given, s.copies, "every copy given once");
    // Anonymous: no identity field in the corrector's list.
    for item in a.iter().chain(&b) {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["code", "exam", "id", "my_status", "questions", "status"],
            "{item}"
        );
        assert_eq!(item["my_status"], "to_grade");
    }
    // Again: nothing moves.
    let again = dispatch(&t, &s, false).await;
    assert!(
        again.body["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["changed"] == false),
        "{}",
        again.text
    );
    // A started copy never moves when a corrector leaves the list.
    let started = a[0]["id"].as_i64().unwrap();
    let r = t
        .browser(
            &s.alice,
            Method::PUT,
            &format!("/api/copies/{started}/scores/{}/", s.questions[0]),
            Some(json!({"points": 1, "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let only_bob = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{}/dispatch/", s.exam),
            Some(json!({"correctors": ["bob"]})),
        )
        .await;
    assert_eq!(only_bob.status, StatusCode::OK, "{}", only_bob.text);
    let a_now = mine(&t, &s.alice).await;
    assert_eq!(a_now.len(), 1, "alice keeps the copy she started");
    assert_eq!(a_now[0]["id"], started);
    // The journal names the dispatch run and staff only.
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{started}/journal/"),
            None,
        )
        .await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.text);
    let actions: Vec<&str> = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["dispatched", "score_saved"]);
    assert_eq!(j.body["items"][0]["actor"], "prof");
    // A corrector does not read the journal.
    let r = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{started}/journal/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    t.cleanup().await;
}

async fn scores_are_versioned_bounded_and_only_for_the_corrector(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 2).await;
    let r = dispatch(&t, &s, false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let a = mine(&t, &s.alice).await;
    let copy = a[0]["id"].as_i64().unwrap();
    let (q1, q2) = (&s.questions[0], &s.questions[1]);
    let put = |who: &Client, q: &str, body: Value| {
        let (t, who) = (&t, who.clone());
        let path = format!("/api/copies/{copy}/scores/{q}/");
        async move { t.browser(&who, Method::PUT, &path, Some(body)).await }
    };
    // The desk: pages, scheme, no identity.
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    assert_eq!(d.body["copy"]["pages"].as_array().unwrap().len(), 1);
    assert_eq!(d.body["my_questions"].as_array().unwrap().len(), 2);
    for forbidden in ["student", "last_name", "first_name", "header_url"] {
        assert!(!d.text.contains(forbidden), "the desk names {forbidden}");
    }
    // Out of bounds, not a quarter, not a leaf: refused with the field.
    for (q, points) in [(q1.as_str(), 2.75), (q1.as_str(), 0.3), ("nope", 1.0)] {
        let r = put(&s.alice, q, json!({"points": points, "version": 0})).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{q} {points}: {}",
            r.text
        );
    }
    // Saved, then two tabs on the same version: exactly one wins.
    let r = put(
        &s.alice,
        q1,
        json!({"points": 2.5, "remark": "bien", "version": 0}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"], 1);
    let tab1 = put(&s.alice, q1, json!({"points": 2, "version": 1})).await;
    let tab2 = put(&s.alice, q1, json!({"points": 1.5, "version": 1})).await;
    assert_eq!(tab1.status, StatusCode::OK);
    assert_eq!(tab2.status, StatusCode::CONFLICT, "{}", tab2.text);
    assert_eq!(tab2.body["error"]["code"], "conflict");
    assert_eq!(tab2.body["error"]["details"]["current"]["points"], 2.0);
    assert_eq!(tab2.body["error"]["details"]["current"]["version"], 2);
    // Two first saves at once: one wins, the other is told.
    let first = put(&s.alice, q2, json!({"points": 3, "version": 0})).await;
    let second = put(&s.alice, q2, json!({"points": 1, "version": 0})).await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::OK, StatusCode::CONFLICT)
    );
    // Bob (another corrector of the exam) neither reads nor writes Alice's copy; a student
    // and an anonymous caller neither.
    assert_eq!(
        t.browser(
            &s.bob,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(&s.bob, q1, json!({"points": 1, "version": 2}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = d.body["copy"]["pages"][0]["image_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(t.page(&s.alice, &page).await.status, StatusCode::OK);
    assert_eq!(t.page(&s.bob, &page).await.status, StatusCode::FORBIDDEN);
    let admin = t.admin().await;
    let (_, student) = t.user(&admin, "eleve", "student").await;
    assert_eq!(
        put(&student, q1, json!({"points": 1, "version": 2}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let anon = t
        .send(
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
            &[],
        )
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    // The manager may correct it.
    let r = put(&s.prof, q1, json!({"points": 2.25, "version": 2})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.body["total"], 5.25);
    assert_eq!(d.body["copy"]["status"], "GRADING");

    // A score cleared (typed in the wrong question): gone from the total, and its version goes
    // on growing, so that a tab still on the old version cannot overwrite the next value.
    let clear = |who: &Client, q: &str, version: i64| {
        let (t, who) = (&t, who.clone());
        let path = format!("/api/copies/{copy}/scores/{q}/?version={version}");
        async move { t.browser(&who, Method::DELETE, &path, None).await }
    };
    let stale = clear(&s.alice, q1, 2).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.body["error"]["details"]["current"]["points"], 2.25);
    assert_eq!(clear(&s.bob, q1, 3).await.status, StatusCode::FORBIDDEN);
    let r = clear(&s.alice, q1, 3).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["points"].clone(), r.body["version"].clone()),
        (Value::Null, json!(4))
    );
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.body["total"], 3.0, "only the other question counts");
    assert_eq!(
        clear(&s.alice, q1, 4).await.status,
        StatusCode::CONFLICT,
        "nothing to clear"
    );
    let old_tab = put(&s.alice, q1, json!({"points": 1, "version": 3})).await;
    assert_eq!(
        old_tab.status,
        StatusCode::CONFLICT,
        "a version from before the clearing"
    );
    let again = put(&s.alice, q1, json!({"points": 1.75, "version": 4})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["version"], 5);
    let r = clear(&s.alice, q1, 5).await;
    assert_eq!(r.body["version"], 6);
    let fresh_tab = put(&s.alice, q1, json!({"points": 0.5, "version": 0})).await;
    assert_eq!(
        fresh_tab.status,
        StatusCode::OK,
        "a tab that never saw it: nothing to overwrite"
    );
    assert_eq!(fresh_tab.body["version"], 7);
    let journal = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{copy}/journal/"),
            None,
        )
        .await;
    assert!(journal.text.contains("score_cleared"), "{}", journal.text);
    t.cleanup().await;
}

async fn finalize_needs_every_score_and_reopen_keeps_them(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 1).await;
    dispatch(&t, &s, false).await;
    let (who, copy) = {
        let a = mine(&t, &s.alice).await;
        if a.is_empty() {
            (
                s.bob.clone(),
                mine(&t, &s.bob).await[0]["id"].as_i64().unwrap(),
            )
        } else {
            (s.alice.clone(), a[0]["id"].as_i64().unwrap())
        }
    };
    let finalize = |c: Client| {
        let t = &t;
        async move {
            t.browser(
                &c,
                Method::POST,
                &format!("/api/copies/{copy}/finalize/"),
                None,
            )
            .await
        }
    };
    t.browser(
        &who,
        Method::PUT,
        &format!("/api/copies/{copy}/scores/{}/", s.questions[0]),
        Some(json!({"points": 2, "version": 0})),
    )
    .await;
    // Incomplete: the missing question (id and label) and the appreciation are named.
    let r = finalize(who.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "incomplete");
    assert_eq!(
        r.body["error"]["details"]["missing"][0]["question"],
        s.questions[1]
    );
    assert_eq!(
        r.body["error"]["details"]["missing"][0]["label"],
        "Exercice 1 · b"
    );
    assert_eq!(r.body["error"]["details"]["appreciation"], false);
    t.browser(
        &who,
        Method::PUT,
        &format!("/api/copies/{copy}/scores/{}/", s.questions[1]),
        Some(json!({"points": 3.5, "version": 0})),
    )
    .await;
    let r = t
        .browser(
            &who,
            Method::PUT,
            &format!("/api/copies/{copy}/appreciation/"),
            Some(json!({"text": "Travail sérieux.", "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Two finalize requests at once: one succeeds.
    let (one, two) = tokio::join!(finalize(who.clone()), finalize(who.clone()));
    let mut statuses = [one.status, two.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{} / {}",
        one.text,
        two.text
    );
    // Graded: read-only for its corrector.
    let r = t
        .browser(
            &who,
            Method::PUT,
            &format!("/api/copies/{copy}/scores/{}/", s.questions[0]),
            Some(json!({"points": 1, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Reopen: managers only, with a reason; the scores stay.
    let reopen = |c: &Client, body: Value| {
        let (t, c) = (&t, c.clone());
        async move {
            t.browser(
                &c,
                Method::POST,
                &format!("/api/copies/{copy}/reopen/"),
                Some(body),
            )
            .await
        }
    };
    assert_eq!(
        reopen(&who, json!({"reason": "erreur"})).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reopen(&s.prof, json!({"reason": " "})).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = reopen(&s.prof, json!({"reason": "barème corrigé"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "GRADING");
    let d = t
        .browser(
            &who,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.body["total"], 5.5);
    assert_eq!(d.body["scores"].as_array().unwrap().len(), 2);
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{copy}/journal/"),
            None,
        )
        .await;
    let actions: Vec<&str> = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "dispatched",
            "score_saved",
            "score_saved",
            "finalized",
            "reopened",
            // Alice opened the desk after the reopening: her first opening.
            "opened"
        ]
    );
    // The graded copies' final PDFs are made by the workers (a reopened copy's job has
    // nothing left to do): none fails.
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    t.cleanup().await;
}

/// The corrector's list, the desk's load and the dispatch send as many queries for 2 copies as
/// for 10 (no query per copy).
async fn grading_sends_a_constant_number_of_queries(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 2).await;
    dispatch(&t, &s, false).await;
    let count = async |who: &Client, method: Method, path: String, body: Option<Value>| {
        let before = t.app.db.query_count();
        let r = t.browser(who, method, &path, body).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        t.app.db.query_count() - before
    };
    let measure = async || {
        let copy = mine(&t, &s.alice).await[0]["id"].as_i64().unwrap();
        // Once opened (the first opening writes one journal line), a desk's load is steady.
        t.browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
        [
            count(&s.alice, Method::GET, "/api/grading/copies/".into(), None).await,
            count(
                &s.alice,
                Method::GET,
                format!("/api/copies/{copy}/grading/"),
                None,
            )
            .await,
            count(
                &s.prof,
                Method::POST,
                format!("/api/exams/{}/dispatch/", s.exam),
                Some(json!({"correctors": ["alice", "bob"], "preview": true})),
            )
            .await,
        ]
    };
    let small = measure().await;
    scan(&t, s.exam, 8, 2).await;
    dispatch(&t, &s, false).await;
    let large = measure().await;
    assert_eq!(small, large, "queries for 2 copies, then for 10");
    t.cleanup().await;
}

/// Marks on pages: checked on the server (kind, geometry within the page, the page of this
/// copy), versioned like scores, listed on the desk, deleted aside.
async fn marks_are_checked_versioned_and_kept_with_the_copy(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 2).await;
    t.browser(
        &s.prof,
        Method::POST,
        &format!("/api/exams/{}/dispatch/", s.exam),
        Some(json!({"correctors": ["alice"]})),
    )
    .await;
    let a = mine(&t, &s.alice).await;
    let (copy, other) = (a[0]["id"].as_i64().unwrap(), a[1]["id"].as_i64().unwrap());
    let desk = |c: i64| {
        let t = &t;
        let who = s.alice.clone();
        async move {
            t.browser(
                &who,
                Method::GET,
                &format!("/api/copies/{c}/grading/"),
                None,
            )
            .await
        }
    };
    let page = desk(copy).await.body["copy"]["pages"][0]["id"]
        .as_i64()
        .unwrap();
    let other_page = desk(other).await.body["copy"]["pages"][0]["id"]
        .as_i64()
        .unwrap();
    let add = |body: Value| {
        let t = &t;
        let who = s.alice.clone();
        async move {
            t.browser(
                &who,
                Method::POST,
                &format!("/api/copies/{copy}/annotations/"),
                Some(body),
            )
            .await
        }
    };
    let stroke = json!({"page": page, "kind": "pen", "data": {"points": [[0.1, 0.1], [0.2, 0.25]], "color": "#c0392b"}});
    let r = add(stroke.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let (id, version) = (
        r.body["id"].as_i64().unwrap(),
        r.body["version"].as_i64().unwrap(),
    );
    assert_eq!(version, 1);
    // Refused: off the page, unknown kind, a page of another copy.
    for (body, field) in [
        (
            json!({"page": page, "kind": "tick", "data": {"x": 1.5, "y": 0.5}}),
            "data",
        ),
        (json!({"page": page, "kind": "laser", "data": {}}), "data"),
        (
            json!({"page": other_page, "kind": "tick", "data": {"x": 0.5, "y": 0.5}}),
            "page",
        ),
    ] {
        let r = add(body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], field, "{}", r.text);
    }
    // Moved once; a second tab on the old version is told.
    let moved = json!({"data": {"points": [[0.3, 0.3]]}, "version": 1});
    let path = format!("/api/annotations/{id}/");
    let r = t
        .browser(&s.alice, Method::PUT, &path, Some(moved.clone()))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"], 2);
    let stale = t.browser(&s.alice, Method::PUT, &path, Some(moved)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    // Another corrector cannot touch it.
    assert_eq!(
        t.browser(&s.bob, Method::DELETE, &format!("{path}?version=2"), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The desk lists it, with the copy now being graded.
    let d = desk(copy).await;
    assert_eq!(d.body["annotations"].as_array().unwrap().len(), 1);
    assert_eq!(d.body["annotations"][0]["data"]["points"][0][0], 0.3);
    assert_eq!(d.body["copy"]["status"], "GRADING");
    // Deleted on a stale version: refused; on the right one: gone from the desk.
    assert_eq!(
        t.browser(&s.alice, Method::DELETE, &format!("{path}?version=1"), None)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let r = t
        .browser(&s.alice, Method::DELETE, &format!("{path}?version=2"), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(
        desk(copy).await.body["annotations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    t.cleanup().await;
}

async fn the_corrector_sees_the_pages_without_the_name_header(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 1).await;
    assert_eq!(dispatch(&t, &s, false).await.status, StatusCode::OK);
    let copy = mine(&t, &s.alice).await[0]["id"].as_i64().unwrap();
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let page = &d.body["copy"]["pages"][0];
    let url = page["image_url"].as_str().unwrap();
    let mine = t.browser(&s.alice, Method::GET, url, None).await;
    let managers = t.browser(&s.prof, Method::GET, url, None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.headers["content-type"], "image/jpeg");
    assert_ne!(
        mine.headers["etag"], managers.headers["etag"],
        "cached apart"
    );
    let seen = korrigo_media::raster::jpeg_full_gray(&mine.bytes).unwrap();
    let full = korrigo_media::raster::jpeg_full_gray(&managers.bytes).unwrap();
    let (w, h) = seen.dimensions();
    let band = (h as f32 * korrigo_media::raster::HEADER_FRACTION) as u32;
    let darkest = |img: &image::GrayImage, y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| img.get_pixel(x, y)[0])
            .min()
            .unwrap()
    };
    // The manager sees the header's ink; the corrector a hatched grey band, nothing written.
    assert!(darkest(&full, 0, band) < 100, "the header has ink");
    assert!(
        darkest(&seen, 0, band - 2) > 150,
        "the header is hidden from the corrector"
    );
    // The rest of the page keeps its ink (the answers are shown).
    assert!(darkest(&full, band + 4, h) < 100);
    assert!(darkest(&seen, band + 4, h) < 100, "the answers are shown");
    // The thumbnail too.
    let thumb = url.replace("/image/", "/thumb/");
    let small = t.browser(&s.alice, Method::GET, &thumb, None).await;
    let small = korrigo_media::raster::jpeg_full_gray(&small.bytes).unwrap();
    let sb = (small.height() as f32 * korrigo_media::raster::HEADER_FRACTION) as u32 - 2;
    let min = (0..sb)
        .flat_map(|y| (0..small.width()).map(move |x| (x, y)))
        .map(|(x, y)| small.get_pixel(x, y)[0])
        .min()
        .unwrap();
    assert!(min > 150, "the thumbnail hides the header too");
    t.cleanup().await;
}

async fn a_manager_reassigns_releases_and_sees_the_distribution(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 4).await;
    assert_eq!(dispatch(&t, &s, false).await.status, StatusCode::OK);
    let alices = mine(&t, &s.alice).await;
    assert_eq!(alices.len(), 2);
    let started = alices[0]["id"].as_i64().unwrap();
    let r = t
        .browser(
            &s.alice,
            Method::PUT,
            &format!("/api/copies/{started}/scores/{}/", s.questions[0]),
            Some(json!({"points": 1, "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let status = |who: Client| {
        let t = &t;
        let path = format!("/api/exams/{}/grading/", s.exam);
        async move { t.browser(&who, Method::GET, &path, None).await }
    };
    let st = status(s.prof.clone()).await;
    assert_eq!(st.status, StatusCode::OK, "{}", st.text);
    let alice = st.body["correctors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["corrector"] == "alice")
        .unwrap()
        .clone();
    assert_eq!(
        (alice["assigned"].as_u64(), alice["started"].as_u64()),
        (Some(2), Some(1))
    );
    // Correctors do not see the distribution, nor take copies back.
    assert_eq!(status(s.alice.clone()).await.status, StatusCode::FORBIDDEN);
    let release = |who: Client, corrector: &str| {
        let t = &t;
        let path = format!("/api/exams/{}/dispatch/release/", s.exam);
        let body = json!({ "corrector": corrector });
        async move { t.browser(&who, Method::POST, &path, Some(body)).await }
    };
    assert_eq!(
        release(s.alice.clone(), "alice").await.status,
        StatusCode::FORBIDDEN
    );
    // Releasing alice: her untouched copy returns to the pool, the started one stays hers.
    let r = release(s.prof.clone(), "alice").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["released"], 1);
    let left: Vec<i64> = mine(&t, &s.alice)
        .await
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(left, vec![started]);
    assert_eq!(status(s.prof.clone()).await.body["unassigned"], 1);
    assert_eq!(
        release(s.prof.clone(), "nobody").await.status,
        StatusCode::BAD_REQUEST
    );
    // The started copy to bob: his now (its score kept), no longer alice's.
    let assign = |who: Client, copy: i64, corrector: &str| {
        let t = &t;
        let path = format!("/api/copies/{copy}/assign/");
        let body = json!({ "corrector": corrector });
        async move { t.browser(&who, Method::POST, &path, Some(body)).await }
    };
    assert_eq!(
        assign(s.alice.clone(), started, "alice").await.status,
        StatusCode::FORBIDDEN
    );
    let r = assign(s.prof.clone(), started, "bob").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["corrector"].as_str(), r.body["changed"].as_bool()),
        (Some("bob"), Some(true))
    );
    let desk = format!("/api/copies/{started}/grading/");
    assert_eq!(
        t.browser(&s.alice, Method::GET, &desk, None).await.status,
        StatusCode::FORBIDDEN
    );
    let d = t.browser(&s.bob, Method::GET, &desk, None).await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(
        d.body["scores"].as_array().unwrap().len(),
        1,
        "the score stays with the copy"
    );
    assert_eq!(
        assign(s.prof.clone(), started, "nobody").await.status,
        StatusCode::BAD_REQUEST
    );
    // Graded: it must be reopened before it moves.
    for q in &s.questions {
        let r = t
            .browser(
                &s.bob,
                Method::PUT,
                &format!("/api/copies/{started}/scores/{q}/"),
                Some(json!({"points": 1, "version": if q == &s.questions[0] { 1 } else { 0 }})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    t.browser(
        &s.bob,
        Method::PUT,
        &format!("/api/copies/{started}/appreciation/"),
        Some(json!({"text": "Bien.", "version": 0})),
    )
    .await;
    // A stale appreciation is refused with the current one, for the desk to show.
    let stale = t
        .browser(
            &s.bob,
            Method::PUT,
            &format!("/api/copies/{started}/appreciation/"),
            Some(json!({"text": "Autre texte", "version": 0})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.body["error"]["details"]["current"]["text"], "Bien.");
    assert_eq!(stale.body["error"]["details"]["current"]["version"], 1);
    let r = t
        .browser(
            &s.bob,
            Method::POST,
            &format!("/api/copies/{started}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        assign(s.prof.clone(), started, "alice").await.status,
        StatusCode::CONFLICT
    );
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{started}/journal/"),
            None,
        )
        .await;
    let actions: Vec<&str> = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"reassigned"), "{actions:?}");
    // Bob opened the desk twice: his first opening is journaled once, with his name.
    t.browser(&s.bob, Method::GET, &desk, None).await;
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{started}/journal/"),
            None,
        )
        .await;
    let opened: Vec<&Value> = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "opened")
        .collect();
    assert_eq!(opened.len(), 1, "{}", j.text);
    assert_eq!(opened[0]["actor"], "bob");
    // The graded copies' final PDFs are made by the workers (a reopened copy's job has
    // nothing left to do): none fails.
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    t.cleanup().await;
}

async fn a_lowered_maximum_is_listed_then_flagged_never_clamped(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 1).await;
    assert_eq!(dispatch(&t, &s, false).await.status, StatusCode::OK);
    let copy = mine(&t, &s.alice).await[0]["id"].as_i64().unwrap();
    let (q1, q2) = (&s.questions[0], &s.questions[1]);
    for (q, points) in [(q1, 2.5), (q2, 1.0)] {
        let r = t
            .browser(
                &s.alice,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{q}/"),
                Some(json!({"points": points, "version": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    t.browser(
        &s.alice,
        Method::PUT,
        &format!("/api/copies/{copy}/appreciation/"),
        Some(json!({"text": "Bien.", "version": 0})),
    )
    .await;
    // The manager lowers a) to 1.5: the score above it is listed before anything is saved.
    let scheme = json!({"nodes": [
        {"id": "", "label": "Exercice 1", "children": [{"id": q1, "label": "a", "max_points": 1.5}, {"id": q2, "label": "b", "max_points": 3.5}]}
    ]});
    let current = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/", s.exam),
            None,
        )
        .await;
    let version = current.body["scheme_version"].as_i64().unwrap_or(1);
    let put = |confirm: bool| {
        let t = &t;
        let path = format!("/api/exams/{}/scheme/", s.exam);
        let body = json!({"scheme": scheme, "version": version, "confirm_total_mismatch": true, "confirm_scores_over": confirm});
        let prof = s.prof.clone();
        async move { t.browser(&prof, Method::PUT, &path, Some(body)).await }
    };
    let r = put(false).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "confirmation_required");
    let over = &r.body["error"]["details"]["scores_over"][0];
    assert_eq!(
        (
            over["question"].as_str(),
            over["points"].as_f64(),
            over["max"].as_f64()
        ),
        (Some(q1.as_str()), Some(2.5), Some(1.5))
    );
    let r = put(true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Kept as given, never clamped; finishing the copy needs it corrected.
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let a = d.body["scores"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["question"] == q1.as_str())
        .unwrap()
        .clone();
    assert_eq!(a["points"], 2.5);
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{copy}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(
        r.body["error"]["details"]["over"][0]["question"],
        q1.as_str()
    );
    t.cleanup().await;
}

/// A dispatch by questions: the shares are complete and named when they are not; each corrector
/// sees every copy, writes only their questions, finalizes their part; the copy is graded when
/// every part is done (two parts finalized at once included); a question changes hands
/// explicitly, never by a re-dispatch once scored.
async fn by_questions_each_corrector_grades_their_questions_on_every_copy(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 3).await;
    let (qa, qb) = (s.questions[0].clone(), s.questions[1].clone());
    let post = |who: &Client, path: String, body: Value| {
        let (t, who) = (&t, who.clone());
        async move { t.browser(&who, Method::POST, &path, Some(body)).await }
    };
    let by_questions = |shares: Value, preview: bool| {
        post(
            &s.prof,
            format!("/api/exams/{}/dispatch/", s.exam),
            json!({"mode": "questions", "correctors": [], "questions": shares, "preview": preview}),
        )
    };
    // Incomplete, twice given, unknown: refused, naming what is wrong.
    let r = by_questions(json!({"alice": [qa]}), true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Personne ne corrige Exercice 1 · b"),
        "{}",
        r.text
    );
    let said = |r: &common::Resp| {
        r.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let r = by_questions(json!({"alice": [qa], "bob": [qa, qb]}), true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        said(&r).contains("confiée à deux correcteurs"),
        "{}",
        r.text
    );
    let r = by_questions(json!({"alice": ["q-nope"], "bob": [qb]}), true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        said(&r).contains("«\u{a0}q-nope\u{a0}» n\u{2019}est pas une question"),
        "{}",
        r.text
    );
    let r = by_questions(json!({"alice": [qa], "zoe": [qb]}), true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(said(&r).contains("zoe"), "{}", r.text);
    // An exercise stands for its questions; the preview changes nothing.
    let exercise = {
        let r = t
            .browser(
                &s.prof,
                Method::GET,
                &format!("/api/exams/{}/", s.exam),
                None,
            )
            .await;
        r.body["scheme"]["nodes"][0]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let r = by_questions(json!({"alice": [exercise]}), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["distribution"][0]["questions"], json!([qa, qb]));
    let r = by_questions(json!({"alice": [qa], "bob": [qb]}), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["mode"], "questions");
    assert_eq!(r.body["applied"], false);
    assert_eq!(
        r.body["assignments"].as_array().unwrap().len(),
        6,
        "3 copies × 2"
    );
    assert!(
        mine(&t, &s.alice).await.is_empty(),
        "a preview changes nothing"
    );
    let r = by_questions(json!({"alice": [qa], "bob": [qb]}), false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Each sees every copy, with their questions.
    let alices = mine(&t, &s.alice).await;
    assert_eq!(alices.len(), 3);
    assert!(alices.iter().all(|c| c["questions"] == json!([qa])));
    assert!(alices.iter().all(|c| c["my_status"] == "to_grade"));
    let (c1, c2) = (s.copies[0], s.copies[1]);
    let score = |who: &Client, copy: i64, q: &str, points: f64, version: i64| {
        let (t, who, q) = (&t, who.clone(), q.to_string());
        async move {
            t.browser(
                &who,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{q}/"),
                Some(json!({"points": points, "version": version})),
            )
            .await
        }
    };
    // Another's question is refused with a clear error.
    let r = score(&s.alice, c1, &qb, 1.0, 0).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.text.contains("un autre correcteur la corrige"),
        "{}",
        r.text
    );
    assert_eq!(
        score(&s.alice, c1, &qa, 2.0, 0).await.status,
        StatusCode::OK
    );
    let d = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{c1}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.body["my_questions"], json!([qa]));
    // A corrector of questions sees the pages of every copy (the header hidden).
    let url = d.body["copy"]["pages"][0]["image_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        t.browser(&s.bob, Method::GET, &url, None).await.status,
        StatusCode::OK
    );
    // Alice finalizes her part: the copy waits for Bob's.
    let finalize =
        |who: &Client, copy: i64| post(who, format!("/api/copies/{copy}/finalize/"), json!({}));
    let r = finalize(&s.alice, c1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "GRADING");
    assert_eq!(r.body["my_status"], "graded");
    let r = score(&s.alice, c1, &qa, 1.0, 1).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "her part is read-only: {}",
        r.text
    );
    let alices = mine(&t, &s.alice).await;
    let c1_item = alices.iter().find(|c| c["id"] == c1).unwrap();
    assert_eq!(c1_item["my_status"], "graded");
    // Bob's part completes the copy: the appreciation is due with it.
    assert_eq!(score(&s.bob, c1, &qb, 3.0, 0).await.status, StatusCode::OK);
    let r = finalize(&s.bob, c1).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["error"]["details"]["appreciation"], false);
    assert_eq!(r.body["error"]["details"]["missing"], json!([]));
    let r = t
        .browser(
            &s.bob,
            Method::PUT,
            &format!("/api/copies/{c1}/appreciation/"),
            Some(json!({"text": "Bien.", "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = finalize(&s.bob, c1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "GRADED");
    // Two last parts finalized at once: both succeed, the copy ends graded.
    assert_eq!(
        score(&s.alice, c2, &qa, 1.0, 0).await.status,
        StatusCode::OK
    );
    assert_eq!(score(&s.bob, c2, &qb, 1.0, 0).await.status, StatusCode::OK);
    t.browser(
        &s.bob,
        Method::PUT,
        &format!("/api/copies/{c2}/appreciation/"),
        Some(json!({"text": "Passable.", "version": 0})),
    )
    .await;
    let (one, two) = tokio::join!(finalize(&s.alice, c2), finalize(&s.bob, c2));
    assert_eq!(
        (one.status, two.status),
        (StatusCode::OK, StatusCode::OK),
        "{} / {}",
        one.text,
        two.text
    );
    let d = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{c2}/grading/"),
            None,
        )
        .await;
    assert_eq!(d.body["copy"]["status"], "GRADED");
    // The progress per corrector.
    let st = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/grading/", s.exam),
            None,
        )
        .await;
    assert_eq!(st.body["mode"], "questions");
    let alice = &st.body["correctors"][0];
    assert_eq!(
        (alice["corrector"].as_str(), alice["assigned"].as_i64()),
        (Some("alice"), Some(3))
    );
    assert_eq!(
        (alice["started"].as_i64(), alice["graded"].as_i64()),
        (Some(2), Some(2))
    );
    // A scored question never changes hands by a re-dispatch, nor the exam by copies.
    let r = by_questions(json!({"alice": [qb], "bob": [qa]}), true).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let r = dispatch(&t, &s, true).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // An explicit reassignment: a corrector may not, a manager may.
    let path = format!("/api/exams/{}/questions/{qb}/assign/", s.exam);
    let r = post(&s.alice, path.clone(), json!({"corrector": "alice"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = post(&s.prof, path, json!({"corrector": "alice"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["from"], "bob");
    assert_eq!(r.body["label"], "Exercice 1 · b");
    assert!(mine(&t, &s.bob).await.is_empty(), "Bob has nothing left");
    let r = t
        .browser(
            &s.bob,
            Method::GET,
            &format!("/api/copies/{c1}/grading/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.browser(&s.bob, Method::GET, &url, None).await.status,
        StatusCode::FORBIDDEN
    );
    let alices = mine(&t, &s.alice).await;
    assert_eq!(alices[0]["questions"], json!([qa, qb]));
    // Reopening opens every finalized part again; the scores stay.
    let r = post(
        &s.prof,
        format!("/api/copies/{c1}/reopen/"),
        json!({"reason": "relecture"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = score(&s.alice, c1, &qa, 2.5, 1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{c1}/journal/"),
            None,
        )
        .await;
    let actions: Vec<&str> = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["action"].as_str().unwrap())
        .collect();
    assert!(actions.starts_with(&["dispatched"]), "{actions:?}");
    assert!(actions.contains(&"question_reassigned"), "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "finalized").count(), 2);
    // The graded copies' final PDFs are made by the workers (a reopened copy's job has
    // nothing left to do): none fails.
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    t.cleanup().await;
}

async fn the_comment_bank_is_shared_or_mine_and_counts_its_stamps(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 2).await;
    let (qa, qb) = (s.questions[0].clone(), s.questions[1].clone());
    let bank = format!("/api/exams/{}/comments/", s.exam);
    let post = |who: &Client, body: Value| {
        let (t, who, bank) = (&t, who.clone(), bank.clone());
        async move { t.browser(&who, Method::POST, &bank, Some(body)).await }
    };
    // A shared comment tied to a question, by a manager; a corrector may not share.
    let r = post(
        &s.prof,
        json!({"text": "Unité manquante", "question": qa, "points": -0.5, "shared": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let shared = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["points"], -0.5);
    let r = post(&s.alice, json!({"text": "Très bien", "shared": true})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // Bad input names what is wrong.
    let r = post(&s.alice, json!({"text": "x", "points": 0.3})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.body["error"]["details"]["field"], "points");
    let r = post(&s.alice, json!({"text": "  "})).await;
    assert_eq!(r.body["error"]["details"]["field"], "text", "{}", r.text);
    let r = post(&s.alice, json!({"text": "x", "question": "q-nope"})).await;
    assert_eq!(
        r.body["error"]["details"]["field"], "question",
        "{}",
        r.text
    );
    // Personal comments: Alice's two, Bob's one, each seeing only their own.
    let mut mine = vec![];
    for text in ["Raisonnement juste", "Justifiez"] {
        let r = post(&s.alice, json!({"text": text, "question": qb, "points": 1})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        mine.push(r.body["id"].as_i64().unwrap());
    }
    let r = post(&s.bob, json!({"text": "Attention aux signes"})).await;
    let bobs = r.body["id"].as_i64().unwrap();
    let seen = |r: &common::Resp, part: &str| -> Vec<String> {
        r.body[part]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["text"].as_str().unwrap().to_string())
            .collect()
    };
    let r = t.browser(&s.bob, Method::GET, &bank, None).await;
    assert_eq!(seen(&r, "shared"), ["Unité manquante"]);
    assert_eq!(seen(&r, "mine"), ["Attention aux signes"]);
    // A stamp from the bank counts a use: the most used comes first.
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{}/dispatch/", s.exam),
            Some(json!({"mode": "copies", "correctors": ["alice"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let copy = s.copies[0];
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let page = desk.body["copy"]["pages"][0]["id"].as_i64().unwrap();
    let stamp = |comment: i64| json!({"page": page, "kind": "stamp", "data": {"x": 0.5, "y": 0.5, "text": "Justifiez", "points_value": 1, "comment": comment}});
    let marks = format!("/api/copies/{copy}/annotations/");
    for c in [mine[1], mine[1], shared] {
        let r = t
            .browser(&s.alice, Method::POST, &marks, Some(stamp(c)))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let r = t.browser(&s.alice, Method::GET, &bank, None).await;
    assert_eq!(seen(&r, "mine"), ["Justifiez", "Raisonnement juste"]);
    assert_eq!(r.body["mine"][0]["uses"], 2);
    assert_eq!(r.body["shared"][0]["deletable"], false);
    // Bob's comment is not Alice's to stamp; nothing is added.
    let r = t
        .browser(&s.alice, Method::POST, &marks, Some(stamp(bobs)))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(desk.body["annotations"].as_array().unwrap().len(), 3);
    // Rewriting: one's own, shared ones by managers; it stays shared or personal.
    let put_c = |who: &Client, id: i64, body: Value| {
        let (t, who) = (&t, who.clone());
        async move {
            t.browser(
                &who,
                Method::PUT,
                &format!("/api/comments/{id}/"),
                Some(body),
            )
            .await
        }
    };
    let r = put_c(
        &s.alice,
        mine[1],
        json!({"text": "Justifiez davantage", "question": qb, "points": 0.5}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["text"].as_str(), r.body["uses"].as_i64()),
        (Some("Justifiez davantage"), Some(2))
    );
    let r = put_c(&s.alice, mine[1], json!({"text": "x", "shared": true})).await;
    assert_eq!(r.body["error"]["details"]["field"], "shared", "{}", r.text);
    assert_eq!(
        put_c(&s.alice, shared, json!({"text": "x", "shared": true}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_c(&s.alice, bobs, json!({"text": "x"})).await.status,
        StatusCode::NOT_FOUND
    );
    let r = put_c(&s.prof, shared, json!({"text": "Unité manquante ou fausse", "question": qa, "points": -0.5, "shared": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t.browser(&s.bob, Method::GET, &bank, None).await;
    assert_eq!(seen(&r, "shared"), ["Unité manquante ou fausse"]);
    // Deleting: one's own, shared ones by managers; another's is not found.
    let del = |who: &Client, id: i64| {
        let (t, who) = (&t, who.clone());
        async move {
            t.browser(&who, Method::DELETE, &format!("/api/comments/{id}/"), None)
                .await
                .status
        }
    };
    assert_eq!(del(&s.alice, bobs).await, StatusCode::NOT_FOUND);
    assert_eq!(del(&s.alice, shared).await, StatusCode::FORBIDDEN);
    assert_eq!(del(&s.alice, mine[0]).await, StatusCode::NO_CONTENT);
    assert_eq!(del(&s.prof, shared).await, StatusCode::NO_CONTENT);
    let r = t.browser(&s.alice, Method::GET, &bank, None).await;
    assert_eq!(seen(&r, "mine"), ["Justifiez davantage"]);
    assert!(seen(&r, "shared").is_empty());
    // The stamps keep their text.
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    assert_eq!(desk.body["annotations"][2]["data"]["text"], "Justifiez");
    // Someone who is not a member of the exam sees nothing of it.
    let admin = t.admin().await;
    let (_, zoe) = t.user(&admin, "zoe", "teacher").await;
    let r = t.browser(&zoe, Method::GET, &bank, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    t.cleanup().await;
}

/// Every grading route, called by someone outside the exam (a teacher who is not a member, a
/// corrector of another exam, a student) and by an anonymous caller: refused, and nothing of
/// the exam changes.
async fn every_grading_route_refuses_outsiders_and_changes_nothing(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t, 1).await;
    let (e, q, copy) = (s.exam, s.questions[0].clone(), s.copies[0]);
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{e}/dispatch/"),
            Some(json!({"mode": "copies", "correctors": ["alice"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let page = desk.body["copy"]["pages"][0]["id"].as_i64().unwrap();
    let mark = json!({"page": page, "kind": "tick", "data": {"x": 0.5, "y": 0.5}});
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{copy}/annotations/"),
            Some(mark.clone()),
        )
        .await;
    let a = r.body["id"].as_i64().unwrap();
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/exams/{e}/comments/"),
            Some(json!({"text": "Justifiez"})),
        )
        .await;
    let comment = r.body["id"].as_i64().unwrap();
    let before = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await
        .body;
    // The outsiders: a teacher of the school, a corrector of another exam, a student.
    let admin = t.admin().await;
    let (_, olga) = t.user(&admin, "olga", "teacher").await;
    let (_, carl) = t.user(&admin, "carl", "teacher").await;
    let r = t
        .browser(
            &olga,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Autre épreuve", "layout": "a4:1"})),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    let r = t
        .browser(
            &olga,
            Method::PUT,
            &format!("/api/exams/{other}/members/"),
            Some(json!({"username": "carl", "role": "corrector"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let (_, student) = t.user(&admin, "eleve", "student").await;
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/api/exams/{e}/dispatch/"),
            Some(json!({"mode": "copies", "correctors": ["bob"]})),
        ),
        (Method::GET, format!("/api/exams/{e}/grading/"), None),
        (
            Method::POST,
            format!("/api/exams/{e}/dispatch/release/"),
            Some(json!({"corrector": "alice"})),
        ),
        (
            Method::POST,
            format!("/api/copies/{copy}/assign/"),
            Some(json!({"corrector": "bob"})),
        ),
        (
            Method::POST,
            format!("/api/exams/{e}/questions/{q}/assign/"),
            Some(json!({"corrector": "bob"})),
        ),
        (Method::GET, format!("/api/copies/{copy}/grading/"), None),
        (
            Method::PUT,
            format!("/api/copies/{copy}/scores/{q}/"),
            Some(json!({"points": 1, "version": 0})),
        ),
        (
            Method::PUT,
            format!("/api/copies/{copy}/appreciation/"),
            Some(json!({"text": "x", "version": 0})),
        ),
        (
            Method::POST,
            format!("/api/copies/{copy}/annotations/"),
            Some(mark.clone()),
        ),
        (
            Method::PUT,
            format!("/api/annotations/{a}/"),
            Some(json!({"data": {"x": 0.1, "y": 0.1}, "version": 1})),
        ),
        (
            Method::DELETE,
            format!("/api/annotations/{a}/?version=1"),
            None,
        ),
        (Method::POST, format!("/api/copies/{copy}/finalize/"), None),
        (
            Method::POST,
            format!("/api/copies/{copy}/reopen/"),
            Some(json!({"reason": "x"})),
        ),
        (Method::GET, format!("/api/copies/{copy}/journal/"), None),
        (Method::GET, format!("/api/exams/{e}/comments/"), None),
        (
            Method::POST,
            format!("/api/exams/{e}/comments/"),
            Some(json!({"text": "x"})),
        ),
        (
            Method::PUT,
            format!("/api/comments/{comment}/"),
            Some(json!({"text": "x"})),
        ),
        (Method::DELETE, format!("/api/comments/{comment}/"), None),
        (Method::GET, format!("/api/pages/{page}/image/"), None),
    ];
    for (method, path, body) in &routes {
        for (who, c) in [("olga", &olga), ("carl", &carl), ("student", &student)] {
            let r = t.browser(c, method.clone(), path, body.clone()).await;
            assert!(
                r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
                "{who} {method} {path}: {} {}",
                r.status,
                r.text
            );
        }
        let r = t.send(method.clone(), path, body.clone(), &[]).await;
        assert!(
            r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::FORBIDDEN,
            "anonymous {method} {path}: {} {}",
            r.status,
            r.text
        );
    }
    // Carl's own list has nothing of this exam.
    let r = t
        .browser(&carl, Method::GET, "/api/grading/copies/", None)
        .await;
    assert_eq!(r.body["items"], json!([]), "{}", r.text);
    // Nothing changed: the same scores, marks, appreciation and corrector.
    let after = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await
        .body;
    for k in ["scores", "annotations", "appreciation", "copy"] {
        assert_eq!(before[k], after[k], "{k}");
    }
    let mine = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/exams/{e}/comments/"),
            None,
        )
        .await;
    assert_eq!(mine.body["mine"][0]["id"], comment);
    assert_eq!(
        mine.body["mine"].as_array().unwrap().len(),
        1,
        "{}",
        mine.text
    );
    let st = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{e}/grading/"),
            None,
        )
        .await;
    assert_eq!(st.body["correctors"][0]["corrector"], "alice");
    t.cleanup().await;
}
