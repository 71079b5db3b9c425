//! Students, roster imports, exams, members and marking schemes through the real router.

mod common;

use korrigo_store::both_backends;

use axum::http::{Method, StatusCode};
use common::TestApp;
use korrigo_app::jobs::WorkerTiming;
use korrigo_store::test_support::Which;
use serde_json::{Value, json};

both_backends!(
    roster_import_preview_apply_and_reimport,
    roster_import_rejects_bad_files_and_changes_nothing,
    students_are_listed_searched_and_edited,
    exams_scheme_and_members,
    non_managers_get_403_on_every_write,
    teachers_never_see_student_data,
    pages_render_for_each_role,
    lists_send_a_constant_number_of_queries,
    student_accounts_activation_codes_and_slips,
    teachers_are_imported_with_activation_codes,
    names_sort_in_french_order_in_lists_and_slips,
);

const PRONOTE: &[u8] = include_bytes!("fixtures/pronote_utf8_bom.csv");
const ELEVES_1252: &[u8] = include_bytes!("fixtures/eleves_windows1252.csv");

async fn import(t: &TestApp, c: &common::Client, bytes: &[u8]) -> Value {
    let r = t
        .upload(c, "/api/students/import/", bytes, "eleves.csv")
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    assert_eq!(
        t.app
            .run_pending_jobs(&WorkerTiming::default())
            .await
            .unwrap(),
        1
    );
    let id = r.body["id"].as_i64().unwrap();
    let done = t
        .browser(c, Method::GET, &format!("/api/imports/{id}/"), None)
        .await;
    assert_eq!(done.body["status"], "done", "{}", done.text);
    done.body
}

async fn roster_import_preview_apply_and_reimport(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    // The preview writes nothing and says what would happen to each row.
    let p = t
        .upload(
            &admin,
            "/api/students/import/?dry_run=true",
            PRONOTE,
            "pronote.csv",
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(
        p.body["would"],
        json!({"imported": 4, "updated": 0, "unchanged": 0})
    );
    assert_eq!(p.body["rows"][0]["student"]["last_name"], "N'DIAYE");
    assert_eq!(p.body["rows"][1]["student"]["first_name"], "Éloïse");
    assert_eq!(p.body["rows"][0]["outcome"]["action"], "insert");
    let rejected: Vec<(i64, String)> = p.body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Reasons in the caller's language: French for this admin...
    assert_eq!(
        rejected,
        [
            (6, "la date de naissance manque".to_string()),
            (
                7,
                "date de naissance invalide\u{a0}: 31/02/2008 n\u{2019}est pas une date"
                    .to_string()
            ),
            (8, "4 champs alors que l\u{2019}en-tête en a 7".to_string()),
            (9, "doublon de la ligne 4".to_string()),
        ]
    );
    // ... English once they choose English; the codes stay the same.
    let r = t
        .browser(
            &admin,
            Method::PUT,
            "/api/me/locale/",
            Some(json!({"locale": "en"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let en = t
        .upload(
            &admin,
            "/api/students/import/?dry_run=true",
            PRONOTE,
            "eleves.csv",
        )
        .await;
    let reasons: Vec<&str> = en.body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons[0], "the birth date is missing");
    assert_eq!(
        en.body["rejected"][0]["problem"],
        p.body["rejected"][0]["problem"]
    );
    let r = t
        .browser(
            &admin,
            Method::PUT,
            "/api/me/locale/",
            Some(json!({"locale": "fr"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/students/", None)
            .await
            .body["total"],
        0
    );
    // The import applies the valid rows and reports the rejected ones.
    let report = import(&t, &admin, PRONOTE).await;
    assert_eq!(
        (
            report["imported"].as_i64(),
            report["updated"].as_i64(),
            report["unchanged"].as_i64()
        ),
        (Some(4), Some(0), Some(0))
    );
    assert_eq!(report["rejected"].as_array().unwrap().len(), 4);
    // The rejected rows stay on the confirmed import's report, with what they held, and as a
    // CSV file to fix the source with.
    assert_eq!(report["rejected"][0]["line"], 6);
    assert_eq!(
        report["rejected"][0]["reason"],
        "la date de naissance manque"
    );
    assert!(
        report["rejected"][0]["fields"]
            .as_array()
            .is_some_and(|f| f.len() == 7),
        "{}",
        report["rejected"][0]
    );
    let csv = t
        .page(&admin, &format!("/api/imports/{}/rejected/", report["id"]))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.text.starts_with("\u{feff}Ligne;Motif;Colonne 1;"),
        "{}",
        csv.text
    );
    assert_eq!(csv.text.lines().count(), 5, "{}", csv.text);
    assert!(
        csv.text.contains("\r\n9;doublon de la ligne 4;"),
        "{}",
        csv.text
    );
    let (_, teacher) = t.user(&admin, "prof.csv", "teacher").await;
    assert_eq!(
        t.page(
            &teacher,
            &format!("/api/imports/{}/rejected/", report["id"])
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // The uploaded file is not kept once imported.
    let imports_dir = t.dir.join("files/imports");
    assert_eq!(
        std::fs::read_dir(&imports_dir)
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "no roster copy left in the file store"
    );
    // Re-importing is idempotent.
    let again = import(&t, &admin, PRONOTE).await;
    assert_eq!(
        (again["imported"].as_i64(), again["unchanged"].as_i64()),
        (Some(0), Some(4))
    );
    // Windows-1252, commas, one "Élèves" column; a name without capitals is rejected.
    let other = import(&t, &admin, ELEVES_1252).await;
    assert_eq!(other["imported"], 2);
    assert_eq!(other["rejected"][0]["line"], 4);
    assert_eq!(other["rejected"][0]["problem"]["code"], "ambiguous_name");
    let list = t
        .browser(&admin, Method::GET, "/api/students/?q=fontaine", None)
        .await;
    assert_eq!(list.body["items"][0]["last_name"], "DE LA FONTAINE");
    assert_eq!(list.body["items"][0]["first_name"], "Jean-François");
    // Audited.
    let log = t
        .browser(
            &admin,
            Method::GET,
            "/api/audit/?action=students.imported",
            None,
        )
        .await;
    assert!(log.body["total"].as_i64().unwrap() >= 6);
    t.cleanup().await;
}

async fn roster_import_rejects_bad_files_and_changes_nothing(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    for (bytes, needle) in [
        (&b""[..], "vide"),
        (&b"%PDF-1.7\x00\x00binary"[..], "binaires"),
        (&b"Produit;Prix\nPomme;2\n"[..], "En-tête non reconnu"),
        (
            &b"Nom;Pr\xc3\xa9nom;N\xc3\xa9(e) le\n\"DUPONT;Marie;01/01/2008\n"[..],
            "",
        ),
    ] {
        let r = t
            .upload(&admin, "/api/students/import/", bytes, "x.csv")
            .await;
        if needle.is_empty() {
            // An unclosed quote swallows the rest: the row is then malformed, not imported.
            assert!(
                r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::ACCEPTED,
                "{}",
                r.text
            );
            continue;
        }
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        assert_eq!(r.body["error"]["details"]["field"], "file");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{}",
            r.text
        );
    }
    let big = vec![b'a'; t.app.config.import_max_bytes as usize + 10];
    let r = t
        .upload(&admin, "/api/students/import/", &big, "big.csv")
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/students/", None)
            .await
            .body["total"],
        0
    );
    t.cleanup().await;
}

async fn students_are_listed_searched_and_edited(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    import(&t, &admin, PRONOTE).await;
    let r = t
        .browser(
            &admin,
            Method::GET,
            "/api/students/?class=TG1&sort=name",
            None,
        )
        .await;
    assert_eq!(r.body["total"], 2);
    let r = t
        .browser(
            &admin,
            Method::GET,
            "/api/students/?q=saint-andre%20eloise",
            None,
        )
        .await;
    assert_eq!(r.body["total"], 1);
    let id = r.body["items"][0]["id"].as_i64().unwrap();
    let r = t.browser(&admin, Method::PATCH, &format!("/api/students/{id}/"), Some(json!({
        "last_name": "SAINT-ANDRÉ", "first_name": "Éloïse", "birth_date": "30/11/2008", "class": "TG3", "email": "eloise@example.fr"
    }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["class"], "TG3");
    let r = t
        .browser(
            &admin,
            Method::PATCH,
            &format!("/api/students/{id}/"),
            Some(json!({
                "last_name": "X", "first_name": "Y", "birth_date": "32/01/2008"
            })),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "birth_date");
    let classes = t.browser(&admin, Method::GET, "/api/classes/", None).await;
    assert_eq!(
        classes.body["items"],
        json!([{"name": "TG1", "students": 2}, {"name": "TG2", "students": 1}, {"name": "TG3", "students": 1}])
    );
    // The student's exams.
    let e = t
        .browser(
            &admin,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc", "classes": ["TG3"], "layout": "a3"})),
        )
        .await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    let d = t
        .browser(&admin, Method::GET, &format!("/api/students/{id}/"), None)
        .await;
    assert_eq!(d.body["exams"][0]["name"], "Bac blanc");
    t.cleanup().await;
}

async fn exams_scheme_and_members(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, prof) = t.user(&admin, "prof.maths", "teacher").await;
    let (_, corr) = t.user(&admin, "prof.physique", "teacher").await;
    let bad = t
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": " ", "layout": "a5"})),
        )
        .await;
    assert_eq!(bad.body["error"]["details"]["field"], "name");
    let bad = t
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "X", "layout": "a5"})),
        )
        .await;
    assert_eq!(bad.body["error"]["details"]["field"], "layout");
    let e = t.browser(&prof, Method::POST, "/api/exams/", Some(json!({
        "name": "Bac blanc maths", "subject": "Mathématiques", "date": "2027-03-15", "classes": ["TG1", "TG2"],
        "layout": "a4:8", "grade_scale": 20, "coefficient": "1,5"
    }))).await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.text);
    assert_eq!(e.body["my_role"], "manager");
    assert_eq!(e.body["coefficient"], 1.5);
    assert_eq!(e.body["layout"], "a4:8");
    let id = e.body["id"].as_i64().unwrap();
    // Members.
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/members/"),
            Some(json!({"username": "prof.physique", "role": "corrector"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["members"].as_array().unwrap().len(), 2);
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/members/"),
            Some(json!({"username": "nobody", "role": "corrector"})),
        )
        .await;
    assert_eq!(r.body["error"]["details"]["field"], "username");
    let me = t.browser(&prof, Method::GET, "/api/me/", None).await.body["id"]
        .as_i64()
        .unwrap();
    let r = t
        .browser(
            &prof,
            Method::DELETE,
            &format!("/api/exams/{id}/members/{me}/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the last manager stays");
    // The corrector sees the exam and its scheme, not its members.
    let r = t
        .browser(&corr, Method::GET, &format!("/api/exams/{id}/"), None)
        .await;
    assert_eq!(
        (
            r.body["my_role"].as_str(),
            r.body["members"].as_array().unwrap().len()
        ),
        (Some("corrector"), 0)
    );
    let listed = t.browser(&corr, Method::GET, "/api/exams/", None).await;
    assert_eq!(listed.body["total"], 1);
    // Scheme: totals, confirmation when it differs from the scale, stable ids, versions.
    let scheme = json!({"nodes": [
        {"label": "Exercice 1", "children": [{"label": "a", "max_points": 2.5}, {"label": "b", "max_points": 3.5}]},
        {"label": "Exercice 2", "max_points": 34}
    ]});
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": scheme, "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.body["error"]["code"], "confirmation_required");
    assert_eq!(
        r.body["error"]["details"],
        json!({"total": 40.0, "grade_scale": 20})
    );
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": scheme, "version": 0, "confirm_total_mismatch": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["version"].as_i64(), r.body["total"].as_f64()),
        (Some(1), Some(40.0))
    );
    let saved = r.body["scheme"].clone();
    let b_id = saved["nodes"][0]["children"][1]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(b_id.starts_with("q-"));
    // Rename and move "b" under exercise 2 (made a parent): its id is kept.
    let mut moved = saved.clone();
    let mut b = moved["nodes"][0]["children"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    b["label"] = json!("b (renommée)");
    b["max_points"] = json!(17.5);
    moved["nodes"][1] =
        json!({"id": saved["nodes"][1]["id"], "label": "Exercice 2", "children": [b]});
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": moved, "version": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["scheme"]["nodes"][1]["children"][0]["id"],
        b_id.as_str()
    );
    assert_eq!(r.body["total"], 20.0);
    // A save based on an old version is refused; nothing is overwritten.
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": {"nodes": []}, "version": 1, "confirm_total_mismatch": true})),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["details"]["field"].as_str()),
        (StatusCode::CONFLICT, Some("version"))
    );
    // Quarter points only, named.
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": {"nodes": [{"label": "Q", "max_points": 0.3}]}, "version": 2})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = t
        .browser(
            &corr,
            Method::GET,
            &format!("/api/exams/{id}/scheme/"),
            None,
        )
        .await;
    assert_eq!(
        (r.body["version"].as_i64(), r.body["total"].as_f64()),
        (Some(2), Some(20.0))
    );
    // Sorts.
    t.browser(
        &prof,
        Method::POST,
        "/api/exams/",
        Some(json!({"name": "A premier", "date": "2026-01-10"})),
    )
    .await;
    let by_name = t
        .browser(&prof, Method::GET, "/api/exams/?sort=name", None)
        .await;
    assert_eq!(by_name.body["items"][0]["name"], "A premier");
    let by_date = t
        .browser(&prof, Method::GET, "/api/exams/?sort=date", None)
        .await;
    assert_eq!(by_date.body["items"][0]["name"], "Bac blanc maths");
    assert_eq!(
        t.browser(&prof, Method::GET, "/api/exams/?sort=size", None)
            .await
            .body["error"]["details"]["field"],
        "sort"
    );
    // Archive hides it from the default list.
    let r = t
        .browser(
            &prof,
            Method::POST,
            &format!("/api/exams/{id}/archive/"),
            None,
        )
        .await;
    assert!(r.body["archived_at"].is_i64());
    assert_eq!(
        t.browser(&prof, Method::GET, "/api/exams/", None)
            .await
            .body["total"],
        1
    );
    assert_eq!(
        t.browser(&prof, Method::GET, "/api/exams/?archived=true", None)
            .await
            .body["total"],
        2
    );
    t.cleanup().await;
}

async fn non_managers_get_403_on_every_write(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let (_, owner) = t.user(&admin, "prof.owner", "teacher").await;
    let (_, outsider) = t.user(&admin, "prof.outsider", "teacher").await;
    let (_, corrector) = t.user(&admin, "prof.corrector", "teacher").await;
    let (_, student) = t.user(&admin, "eleve.x", "student").await;
    let e = t
        .browser(
            &owner,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc"})),
        )
        .await;
    let id = e.body["id"].as_i64().unwrap();
    t.browser(
        &owner,
        Method::PUT,
        &format!("/api/exams/{id}/members/"),
        Some(json!({"username": "prof.corrector", "role": "corrector"})),
    )
    .await;
    let writes = [
        (
            Method::PATCH,
            format!("/api/exams/{id}/"),
            Some(json!({"name": "Pirate"})),
        ),
        (Method::POST, format!("/api/exams/{id}/archive/"), None),
        (Method::POST, format!("/api/exams/{id}/restore/"), None),
        (
            Method::PUT,
            format!("/api/exams/{id}/members/"),
            Some(json!({"username": "prof.outsider", "role": "manager"})),
        ),
        (Method::DELETE, format!("/api/exams/{id}/members/1/"), None),
        (
            Method::PUT,
            format!("/api/exams/{id}/scheme/"),
            Some(json!({"scheme": {"nodes": []}, "version": 0, "confirm_total_mismatch": true})),
        ),
    ];
    for c in [&outsider, &corrector, &student] {
        for (m, path, body) in writes.iter().cloned() {
            let r = t.browser(c, m.clone(), &path, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{m} {path}: {}", r.text);
        }
    }
    // Outsiders and students cannot read it either; the exam is unchanged.
    assert_eq!(
        t.browser(&outsider, Method::GET, &format!("/api/exams/{id}/"), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.browser(
            &student,
            Method::GET,
            &format!("/api/exams/{id}/scheme/"),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.browser(
            &student,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "X"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let e = t
        .browser(&owner, Method::GET, &format!("/api/exams/{id}/"), None)
        .await;
    assert_eq!(
        (
            e.body["name"].as_str(),
            e.body["members"].as_array().unwrap().len()
        ),
        (Some("Bac blanc"), 2)
    );
    // Admins may manage any exam.
    assert_eq!(
        t.browser(
            &admin,
            Method::PATCH,
            &format!("/api/exams/{id}/"),
            Some(json!({"name": "Bac blanc 2"}))
        )
        .await
        .status,
        StatusCode::OK
    );
    t.cleanup().await;
}

async fn teachers_never_see_student_data(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    import(&t, &admin, PRONOTE).await;
    let (_, teacher) = t.user(&admin, "prof.y", "teacher").await;
    for path in ["/api/students/", "/api/students/1/", "/api/imports/1/"] {
        assert_eq!(
            t.browser(&teacher, Method::GET, path, None).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        t.upload(
            &teacher,
            "/api/students/import/?dry_run=true",
            PRONOTE,
            "x.csv"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // Class names and counts are fine (exam creation needs them).
    assert_eq!(
        t.browser(&teacher, Method::GET, "/api/classes/", None)
            .await
            .status,
        StatusCode::OK
    );
    t.cleanup().await;
}

async fn pages_render_for_each_role(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    import(&t, &admin, PRONOTE).await;
    let (_, prof) = t.user(&admin, "prof.hist", "teacher").await;
    let (_, corr) = t.user(&admin, "prof.geo", "teacher").await;
    let e = t
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc histoire", "classes": ["TG2"]})),
        )
        .await;
    let id = e.body["id"].as_i64().unwrap();
    t.browser(
        &prof,
        Method::PUT,
        &format!("/api/exams/{id}/members/"),
        Some(json!({"username": "prof.geo", "role": "corrector"})),
    )
    .await;
    let r = t.page(&admin, "/admin/students?class=TG2").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("N&#39;DIAYE") || r.text.contains("N'DIAYE"),
        "{}",
        r.text
    );
    assert!(!r.text.contains("DUPONT"), "filtered by class");
    assert_eq!(
        t.page(&admin, "/admin/students/import").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.page(&admin, "/admin/students/1").await.status,
        StatusCode::OK
    );
    let r = t.page(&prof, "/exams").await;
    assert!(r.text.contains("Bac blanc histoire") && r.text.contains("Gestionnaire"));
    // The hub: the steps in order, the scheme to complete first, the settings behind a link.
    let r = t.page(&prof, &format!("/exams/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let steps = r.text.split("class=\"steps\"").nth(1).expect("the steps");
    let order: Vec<usize> = [
        "Barème",
        "Copies scannées",
        "Identification",
        "Correction",
        "Résultats",
    ]
    .iter()
    .map(|s| steps.find(s).unwrap_or_else(|| panic!("the hub shows {s}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "the steps in order");
    assert!(r.text.contains("0 / 20, à compléter"), "{}", r.text);
    assert!(r.text.contains("0\u{a0}copie") && r.text.contains("0 / 0 identifiées"));
    assert!(
        r.text.contains(
            "/exams/{id}/settings"
                .replace("{id}", &id.to_string())
                .as_str()
        )
    );
    let r = t.page(&prof, &format!("/exams/{id}/settings")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("prof.geo") && r.text.contains("2\u{a0}élèves concernés"),
        "{}",
        r.text
    );
    let r = t.page(&prof, &format!("/exams/{id}/grading")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("Répartir les copies"));
    let r = t.page(&prof, &format!("/exams/{id}/scheme")).await;
    assert!(r.text.contains("data-editable=\"1\"") && r.text.contains("/assets/scheme."));
    // The corrector sees the scheme read-only and no members or student counts.
    let r = t.page(&corr, &format!("/exams/{id}/scheme")).await;
    assert!(r.text.contains("data-editable=\"0\""));
    let r = t.page(&corr, &format!("/exams/{id}")).await;
    assert!(!r.text.contains("prof.hist") && !r.text.contains("concerné"));
    // A corrector's hub: the scheme and the grading only.
    assert!(r.text.contains("Barème") && r.text.contains("Correction"));
    assert!(!r.text.contains("Identification") && !r.text.contains("Paramètres"));
    assert_eq!(
        t.page(&corr, &format!("/exams/{id}/grading")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t.page(&prof, "/").await;
    assert!(
        r.text.contains("Bac blanc histoire"),
        "the dashboard lists my exams"
    );
    // Teachers have no roster pages.
    assert_eq!(
        t.page(&prof, "/admin/students").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.page(&prof, "/admin/students/import").await.status,
        StatusCode::FORBIDDEN
    );
    t.cleanup().await;
}

#[tokio::test]
async fn navigation_follows_the_role() {
    let t = TestApp::new(Which::Sqlite).await;
    let admin = t.admin().await;
    let (_, prof) = t.user(&admin, "prof.nav", "teacher").await;
    let (_, eleve) = t.user(&admin, "eleve.nav", "student").await;
    let nav = async |c: &common::Client| {
        let r = t.page(c, "/").await;
        let nav = r
            .text
            .split("<nav")
            .nth(1)
            .unwrap_or("")
            .split("</nav>")
            .next()
            .unwrap_or("")
            .to_string();
        nav.matches("href=\"").count()
    };
    assert_eq!(nav(&admin).await, 7);
    assert_eq!(nav(&prof).await, 3, "home, exams, grading");
    assert_eq!(nav(&eleve).await, 2, "home, my results");
    t.cleanup().await;
}

/// Every list answers with the same few queries whatever its page size: no N+1.
async fn lists_send_a_constant_number_of_queries(w: Which) {
    use korrigo_domain::roster::StudentRecord;
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let records: Vec<StudentRecord> = (0..1000)
        .map(|i| StudentRecord {
            last_name: format!("NOM{i:04}"),
            first_name: "Prénom".into(),
            birth_date: korrigo_domain::Date::parse("01/01/2008").unwrap(),
            class: Some(format!("C{}", i % 30)),
            group: None,
            email: None,
            ine: None,
        })
        .collect();
    let mut tx = t.app.db.begin().await.unwrap();
    let plan = korrigo_store::students::plan(tx.conn(), &records)
        .await
        .unwrap();
    korrigo_store::students::apply(tx.conn(), &records, &plan, 1)
        .await
        .unwrap();
    for i in 0..100 {
        let f = korrigo_store::exams::ExamFields {
            name: format!("Examen {i}"),
            subject: String::new(),
            date: None,
            classes: vec![format!("C{}", i % 30), format!("C{}", (i + 1) % 30)],
            layout: korrigo_domain::exams::PageLayout::A3,
            grade_scale: 20,
            coefficient: korrigo_domain::exams::Coefficient::default(),
        };
        korrigo_store::exams::insert(tx.conn(), &f, Some(korrigo_domain::UserId(1)), i)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let queries = async |path: &str| {
        let before = t.app.db.query_count();
        let r = t.browser(&admin, Method::GET, path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        (
            t.app.db.query_count() - before,
            r.body["items"].as_array().map(Vec::len).unwrap_or(0),
        )
    };
    for base in [
        "/api/students/?",
        "/api/exams/?",
        "/api/users/?",
        "/api/audit/?",
    ] {
        let (small, n_small) = queries(&format!("{base}per_page=10")).await;
        let (large, n_large) = queries(&format!("{base}per_page=500")).await;
        assert_eq!(
            small, large,
            "{base}: {small} queries for {n_small} items, {large} for {n_large}"
        );
        assert!(small <= 4, "{base}: {small} queries");
    }
    let (_, n) = queries("/api/students/?per_page=500").await;
    assert_eq!(n, 500);
    let (_, n) = queries("/api/exams/?per_page=500").await;
    assert_eq!(n, 100);
    t.cleanup().await;
}

async fn student_accounts_activation_codes_and_slips(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    import(&t, &admin, PRONOTE).await;
    let (_, teacher) = t.user(&admin, "prof.z", "teacher").await;
    assert_eq!(
        t.browser(
            &teacher,
            Method::POST,
            "/api/students/accounts/",
            Some(json!({"class": "TG2"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/accounts/",
            Some(json!({"class": "TG2"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["created"], 2);
    let slips = r.body["slips"].as_array().unwrap().clone();
    let names: Vec<&str> = slips
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["aminata.ndiaye", "eloise.saint-andre"]);
    // Generating again creates nothing more; homonyms get distinct logins.
    let again = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/accounts/",
            Some(json!({"class": "TG2"})),
        )
        .await;
    // Nothing to print: said plainly, and no PDF of empty frames.
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "nothing_to_do");
    assert!(
        again.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("TG2"),
        "{}",
        again.text
    );
    let pdf_again = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/accounts/?format=pdf",
            Some(json!({"class": "TG2"})),
        )
        .await;
    assert_eq!(pdf_again.status, StatusCode::CONFLICT);
    assert!(!pdf_again.text.starts_with("%PDF-"));
    let tg1 = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/accounts/?format=json",
            Some(json!({"class": "TG1"})),
        )
        .await;
    let tg1_names: Vec<&str> = tg1.body["slips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["username"].as_str().unwrap())
        .collect();
    assert_eq!(tg1_names, ["marie.dupont", "marie.dupont2"]);
    // The PDF of slips.
    let pdf = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/1/activation/?format=pdf",
            None,
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.text.starts_with("%PDF-"));
    // No password before activation; a wrong code is refused and counted.
    let slip = &slips[1];
    let (user, code) = (
        slip["username"].as_str().unwrap(),
        slip["code"].as_str().unwrap(),
    );
    assert_eq!(
        t.try_login(user, "", "192.0.2.77").await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad = t.send(Method::POST, "/api/activate/", Some(json!({"username": user, "code": "AAAA-BBBB-CCCC", "password": "ma propre phrase secrète"})), &[]).await;
    assert_eq!(
        (bad.status, bad.body["error"]["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("code"))
    );
    let weak = t
        .send(
            Method::POST,
            "/api/activate/",
            Some(json!({"username": user, "code": code, "password": "court"})),
            &[],
        )
        .await;
    assert_eq!(weak.body["error"]["details"]["field"], "password");
    // Codes are forgiving to type (case, spaces).
    let typed = code.to_lowercase().replace('-', " ");
    let ok = t
        .send(
            Method::POST,
            "/api/activate/",
            Some(json!({"username": user, "code": typed, "password": "ma propre phrase secrète"})),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    // The student lands on the student login, which says the account is active.
    assert_eq!(ok.body["login_url"], "/student/login?activated=1");
    let landing = t
        .send(Method::GET, "/student/login?activated=1", None, &[])
        .await;
    assert!(landing.text.contains("Compte activé"), "{}", landing.text);
    let student = t.login(user, "ma propre phrase secrète").await;
    let me = t.browser(&student, Method::GET, "/api/me/", None).await;
    assert_eq!(
        (me.body["role"].as_str(), me.body["display_name"].as_str()),
        (Some("student"), Some("Éloïse SAINT-ANDRÉ"))
    );
    // The code works once.
    let reuse = t
        .send(
            Method::POST,
            "/api/activate/",
            Some(json!({"username": user, "code": code, "password": "une autre phrase encore"})),
            &[],
        )
        .await;
    assert_eq!(reuse.status, StatusCode::BAD_REQUEST);
    // A reset gives a new code and ends the student's sessions.
    let id = t
        .browser(&admin, Method::GET, "/api/students/?q=eloise", None)
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let reset = t
        .browser(
            &admin,
            Method::POST,
            &format!("/api/students/{id}/activation/"),
            None,
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    assert_eq!(
        t.browser(&student, Method::GET, "/api/me/", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let new_code = reset.body["slips"][0]["code"].as_str().unwrap();
    assert_ne!(new_code, code);
    let ok = t
        .send(
            Method::POST,
            "/api/activate/",
            Some(
                json!({"username": user, "code": new_code, "password": "encore une autre phrase"}),
            ),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    // Guessing codes is throttled like logins.
    for _ in 0..5 {
        t.send(Method::POST, "/api/activate/", Some(json!({"username": "marie.dupont", "code": "ZZZZ-ZZZZ-ZZZZ", "password": "peu importe ici"})), &[]).await;
    }
    let r = t.send(Method::POST, "/api/activate/", Some(json!({"username": "marie.dupont", "code": "ZZZZ-ZZZZ-ZZZZ", "password": "peu importe ici"})), &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let log = t
        .browser(
            &admin,
            Method::GET,
            "/api/audit/?action=account.activated",
            None,
        )
        .await;
    assert_eq!(log.body["total"], 2);
    assert!(!log.text.contains(new_code));
    t.cleanup().await;
}

async fn teachers_are_imported_with_activation_codes(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let csv = include_bytes!("fixtures/enseignants.csv");
    let dry = t
        .upload(
            &admin,
            "/api/teachers/import/?dry_run=true",
            csv,
            "staff.csv",
        )
        .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text);
    assert_eq!(dry.body["created"].as_array().unwrap().len(), 2);
    let lines: Vec<i64> = dry.body["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/users/?role=teacher", None)
            .await
            .body["total"],
        0,
        "a dry run writes nothing"
    );
    let run = t
        .upload(&admin, "/api/teachers/import/", csv, "staff.csv")
        .await;
    let code = run.body["created"][0]["code"].as_str().unwrap().to_string();
    assert_eq!(run.body["created"][0]["username"], "anne.leroy@lycee.fr");
    // Re-importing finds the existing accounts.
    let again = t
        .upload(&admin, "/api/teachers/import/?format=pdf", csv, "staff.csv")
        .await;
    assert_eq!(again.headers["content-type"], "application/pdf");
    let again = t
        .upload(&admin, "/api/teachers/import/", csv, "staff.csv")
        .await;
    assert_eq!(
        (
            again.body["created"].as_array().unwrap().len(),
            again.body["existing"].as_array().unwrap().len()
        ),
        (0, 2)
    );
    // A student roster given as a staff list is refused, saying which import to use.
    for (roster, column) in [(PRONOTE, "Né(e) le"), (ELEVES_1252, "")] {
        let r = t
            .upload(
                &admin,
                "/api/teachers/import/?dry_run=true",
                roster,
                "eleves.csv",
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
        let m = r.body["error"]["message"].as_str().unwrap();
        assert!(
            m.contains("liste d\u{2019}élèves") && m.contains(column),
            "{m}"
        );
    }
    assert_eq!(
        t.browser(&admin, Method::GET, "/api/users/?role=teacher", None)
            .await
            .body["total"],
        2,
        "no account made from a student roster (the two of the staff list only)"
    );
    // The teacher activates their account with the code and logs in.
    let r = t.send(Method::POST, "/api/activate/", Some(json!({"username": "anne.leroy@lycee.fr", "code": code, "password": "des copies à corriger"})), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["login_url"], "/login?activated=1",
        "a teacher goes to the staff login"
    );
    let c = t
        .login("anne.leroy@lycee.fr", "des copies à corriger")
        .await;
    assert_eq!(
        t.browser(&c, Method::GET, "/api/me/", None).await.body["role"],
        "teacher"
    );
    assert_eq!(
        t.upload(&c, "/api/teachers/import/", csv, "x.csv")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    t.cleanup().await;
}

/// É and Ç sort with E and C in the student list and on the slips (not after Z).
async fn names_sort_in_french_order_in_lists_and_slips(w: Which) {
    let t = TestApp::new(w).await;
    let admin = t.admin().await;
    let csv = "Nom;Prénom;Né(e) le;Classe\nZOLA;Émile;01/01/2008;TS1\nÉTIENNE;Lucie;02/01/2008;TS1\n\
               EDDY;Paul;03/01/2008;TS1\nÇELIK;Ayşe;04/01/2008;TS1\nCYRIL;Anne;05/01/2008;TS1\n";
    import(&t, &admin, csv.as_bytes()).await;
    let list = t
        .browser(&admin, Method::GET, "/api/students/?sort=name", None)
        .await;
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ÇELIK", "CYRIL", "EDDY", "ÉTIENNE", "ZOLA"]);
    let slips = t
        .browser(
            &admin,
            Method::POST,
            "/api/students/accounts/",
            Some(json!({"class": "TS1"})),
        )
        .await;
    let on_slips: Vec<&str> = slips.body["slips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["last_name"].as_str().unwrap())
        .collect();
    assert_eq!(on_slips, names);
    t.cleanup().await;
}
