//! Results through the real router, on both backends: a graded copy's final PDF made in the
//! background, its state in the copies list, its download (managers only, journaled), its
//! invalidation by a reopening, and its name once the student is identified.

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
    a_graded_copy_gets_its_final_pdf_for_managers_only,
    release_gates_withdraw_and_the_student_portal,
    statistics_of_known_grades,
    a_pdf_that_cannot_be_made_says_why_and_is_retried,
    harmonisation_is_previewed_applied_seen_and_reversed,
    a_question_corrector_sees_their_questions_and_cannot_be_harmonised,
);

struct Setup {
    exam: i64,
    prof: Client,
    alice: Client,
    admin: Client,
    copy: i64,
    /// Every copy of the exam (one per student scanned).
    copies: Vec<i64>,
    questions: Vec<String>,
}

/// An exam of `prof` with a two-question scheme, one scanned copy given to Alice.
async fn setup(t: &TestApp) -> Setup {
    setup_with(t, 1).await
}

/// The same with `n` copies, all given to Alice.
async fn setup_with(t: &TestApp, n: usize) -> Setup {
    let admin = t.admin().await;
    let (_, prof) = t.user(&admin, "prof", "teacher").await;
    let (_, alice) = t.user(&admin, "alice", "teacher").await;
    let r = t
        .browser(
            &prof,
            Method::POST,
            "/api/exams/",
            Some(json!({"name": "Bac blanc de mathématiques", "layout": "a4:1"})),
        )
        .await;
    let exam = r.body["id"].as_i64().unwrap();
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{exam}/members/"),
            Some(json!({"username": "alice", "role": "corrector"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let scheme = json!({"nodes": [
        {"label": "Exercice 1", "children": [{"label": "a) Résoudre", "max_points": 8}, {"label": "b) Conclure", "max_points": 12}]}
    ]});
    let r = t
        .browser(
            &prof,
            Method::PUT,
            &format!("/api/exams/{exam}/scheme/"),
            Some(json!({"scheme": scheme, "version": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let questions = r.body["scheme"]["nodes"][0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_string())
        .collect();
    let pdf = synth::batch_pdf(
        &synth::students(n),
        &SynthOptions {
            dpi: 60,
            pages_per_copy: 1,
            lines: 1,
            seed: 7,
            ..SynthOptions::default()
        },
    );
    let path = t.dir.join("results.pdf");
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
    settle(t).await;
    let r = t
        .browser(
            &prof,
            Method::POST,
            &format!("/api/exams/{exam}/dispatch/"),
            Some(json!({"mode": "copies", "correctors": ["alice"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut copies: Vec<i64> = r.body["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["copy"].as_i64().unwrap())
        .collect();
    copies.sort_unstable();
    Setup {
        exam,
        prof,
        alice,
        admin,
        copy: copies[0],
        copies,
        questions,
    }
}

/// A PDF's text as `pdftotext` reads it, whitespace folded.
fn pdf_text(pdf: &[u8]) -> String {
    korrigo_media::pdf_text::pdf_text(pdf).unwrap()
}

/// Runs every waiting job, as the workers would.
async fn settle(t: &TestApp) {
    t.app
        .run_pending_jobs(&WorkerTiming::default())
        .await
        .unwrap();
}

async fn copy_in_list(t: &TestApp, s: &Setup) -> Value {
    let r = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/copies/", s.exam),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"][0].clone()
}

async fn a_graded_copy_gets_its_final_pdf_for_managers_only(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t).await;
    let copy = s.copy;
    let pdf_url = format!("/api/copies/{copy}/pdf/");
    // Graded by Alice: two scores with a remark, a tick on the page, the appreciation.
    for (q, points) in s.questions.iter().zip([6.5, 9.25]) {
        let r = t
            .browser(
                &s.alice,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{q}/"),
                Some(json!({"points": points, "remark": "Démarche claire", "version": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let page = desk.body["copy"]["pages"][0]["id"].as_i64().unwrap();
    let image_url = desk.body["copy"]["pages"][0]["image_url"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{copy}/annotations/"),
            Some(json!({"page": page, "kind": "tick", "data": {"x": 0.5, "y": 0.5}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    t.browser(
        &s.alice,
        Method::PUT,
        &format!("/api/copies/{copy}/appreciation/"),
        Some(json!({"text": "Très bon devoir.", "version": 0})),
    )
    .await;
    assert_eq!(copy_in_list(&t, &s).await["pdf"]["state"], "none");
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{copy}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // Being made: shown so, and not downloadable yet (the ZIP says how far it is).
    assert_eq!(copy_in_list(&t, &s).await["pdf"]["state"], "generating");
    let zip_url = format!("/api/exams/{}/pdfs.zip", s.exam);
    let r = t.browser(&s.prof, Method::GET, &zip_url, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(
        (
            r.body["error"]["details"]["generating"].as_i64(),
            r.body["error"]["details"]["ready"].as_i64()
        ),
        (Some(1), Some(0))
    );
    let r = t.browser(&s.prof, Method::GET, &pdf_url, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "not_ready");
    assert_eq!(r.body["error"]["details"]["state"], "generating");

    // Made by the job: ready, downloadable by the manager with safe headers.
    settle(&t).await;
    let listed = copy_in_list(&t, &s).await;
    assert_eq!(listed["pdf"]["state"], "ready", "{listed}");
    assert_eq!(listed["pdf_url"], pdf_url);
    let code = listed["code"].as_str().unwrap().to_string();
    let r = t.page(&s.prof, &pdf_url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(r.headers["cache-control"], "private, no-store");
    assert_eq!(
        r.headers["content-disposition"],
        format!("attachment; filename=\"{code}.pdf\"")
    );
    assert!(r.bytes.starts_with(b"%PDF-"));
    let image = t.page(&s.prof, &image_url).await;
    assert_eq!(image.status, StatusCode::OK);
    assert!(
        r.bytes
            .windows(image.bytes.len())
            .any(|w| w == image.bytes.as_slice()),
        "the page's JPEG is in the PDF unchanged"
    );
    let text = pdf_text(&r.bytes);
    for want in [
        "Bac blanc de mathématiques",
        "Note : 15,75 / 20",
        "a) Résoudre",
        "6,5 / 8",
        "Démarche claire",
        "Très bon devoir.",
    ] {
        assert!(text.contains(want), "`{want}` in the summary: {text}");
    }

    // Every PDF of the exam in one ZIP, streamed: the same bytes under the same name.
    let z = t.page(&s.prof, &zip_url).await;
    assert_eq!(z.status, StatusCode::OK);
    assert_eq!(z.headers["content-type"], "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(z.bytes)).unwrap();
    let mut inside = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name(&format!("{code}.pdf")).unwrap(),
        &mut inside,
    )
    .unwrap();
    assert_eq!(inside, r.bytes, "the ZIP holds the copy's PDF unchanged");
    assert_eq!(
        t.page(&s.alice, &zip_url).await.status,
        StatusCode::FORBIDDEN
    );

    // Nobody else: the corrector, a student, an anonymous caller.
    assert_eq!(
        t.page(&s.alice, &pdf_url).await.status,
        StatusCode::FORBIDDEN
    );
    let (_, student) = t.user(&s.admin, "eleve", "student").await;
    assert_eq!(
        t.page(&student, &pdf_url).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.send(Method::GET, &pdf_url, None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let retry = format!("/api/copies/{copy}/pdf/retry/");
    let r = t.browser(&s.prof, Method::POST, &retry, None).await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "only a failed PDF is retried"
    );

    // Reopened: the PDF no longer holds; finalized again, a new one is made.
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{copy}/reopen/"),
            Some(json!({"reason": "barème revu"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(copy_in_list(&t, &s).await["pdf"]["state"], "none");
    let r = t.browser(&s.prof, Method::GET, &pdf_url, None).await;
    assert_eq!(r.body["error"]["code"], "not_ready");
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{copy}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    settle(&t).await;

    // Exports wait for the identification, naming the copy.
    let export = |format: &str| format!("/api/exams/{}/export/?format={format}", s.exam);
    let r = t
        .browser(&s.prof, Method::GET, &export("pronote"), None)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "not_ready");
    assert_eq!(
        r.body["error"]["details"]["copies"][0]["code"],
        code.as_str()
    );
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("identif")
    );

    // Identified afterwards: the PDF is made again and named after the student.
    let csv = "Nom;Prénom;Né(e) le;Classe\nSAINT-ANDRÉ;Éloïse;03/04/2008;1A\n";
    let r = t
        .upload(&s.admin, "/api/students/import/", csv.as_bytes(), "1A.csv")
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    settle(&t).await;
    let found = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/students/?q=saint", s.exam),
            None,
        )
        .await;
    let student_id = found.body["items"][0]["id"].as_i64().unwrap();
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{copy}/identification/"),
            Some(json!({"student": student_id, "swap": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    settle(&t).await;
    let r = t.page(&s.prof, &pdf_url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers["content-disposition"],
        format!("attachment; filename=\"SAINT-ANDRE_Eloise_{code}.pdf\"")
    );

    // The Pronote file, exactly; the gradebook as CSV and XLSX; managers only.
    let r = t.page(&s.prof, &export("pronote")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["content-type"], "text/csv; charset=utf-8");
    let mut want = vec![0xEF, 0xBB, 0xBF];
    want.extend_from_slice(
        "NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE\r\n\
         SAINT-ANDRÉ;Éloïse;03/04/2008;BAC BLANC DE MATHÉMATIQUES;15,75;1,0;Très bon devoir.\r\n"
            .as_bytes(),
    );
    assert_eq!(
        String::from_utf8_lossy(&r.bytes),
        String::from_utf8_lossy(&want)
    );
    let r = t.page(&s.prof, &export("csv")).await;
    let csv = String::from_utf8(r.bytes).unwrap();
    assert!(
        csv.contains("Exercice 1 · a) Résoudre (/8)") && csv.contains(";6,5;9,25;15,75;15,75\r\n"),
        "{csv}"
    );
    let r = t.page(&s.prof, &export("xlsx")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"PK"), "a zip: the workbook");
    assert_eq!(
        t.page(&s.alice, &export("pronote")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.page(&s.prof, &export("ods")).await.status,
        StatusCode::BAD_REQUEST
    );

    // Every download is in the copy's journal.
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{copy}/journal/"),
            None,
        )
        .await;
    let downloads = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["action"] == "pdf_downloaded")
        .count();
    assert_eq!(downloads, 2);
    t.cleanup().await;
}

/// Scores every question, marks the page, writes the appreciation and finalizes, as Alice.
async fn grade(t: &TestApp, s: &Setup, copy: i64, points: [f64; 2]) {
    for (q, p) in s.questions.iter().zip(points) {
        let r = t
            .browser(
                &s.alice,
                Method::PUT,
                &format!("/api/copies/{copy}/scores/{q}/"),
                Some(json!({"points": p, "remark": "Bien", "version": 0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{copy}/grading/"),
            None,
        )
        .await;
    let page = desk.body["copy"]["pages"][0]["id"].as_i64().unwrap();
    t.browser(
        &s.alice,
        Method::POST,
        &format!("/api/copies/{copy}/annotations/"),
        Some(json!({"page": page, "kind": "text", "data": {"x": 0.2, "y": 0.3, "text": "Très clair"}})),
    )
    .await;
    t.browser(
        &s.alice,
        Method::PUT,
        &format!("/api/copies/{copy}/appreciation/"),
        Some(json!({"text": "Bon travail.", "version": 0})),
    )
    .await;
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{copy}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// Two students of class 1A with activated accounts, logged in: (student ids, clients).
async fn students(t: &TestApp, s: &Setup) -> (Vec<i64>, Vec<Client>) {
    let csv = "Nom;Prénom;Né(e) le;Classe\nSAINT-ANDRÉ;Éloïse;03/04/2008;1A\nNDIAYE;Aminata;12/11/2008;1A\n";
    let r = t
        .upload(&s.admin, "/api/students/import/", csv.as_bytes(), "1A.csv")
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    settle(t).await;
    let r = t
        .browser(
            &s.admin,
            Method::POST,
            "/api/students/accounts/",
            Some(json!({"class": "1A"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mut clients = vec![];
    let mut ids = vec![];
    for who in ["saint", "ndiaye"] {
        let slip = r.body["slips"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| {
                x["username"].as_str().unwrap().contains(who)
                    || x["name"]
                        .as_str()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(who)
            })
            .unwrap()
            .clone();
        let user = slip["username"].as_str().unwrap();
        let ok = t
            .send(
                Method::POST,
                "/api/activate/",
                Some(json!({"username": user, "code": slip["code"], "password": "ma propre phrase secrète"})),
                &[],
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        clients.push(t.login(user, "ma propre phrase secrète").await);
        let found = t
            .browser(
                &s.prof,
                Method::GET,
                &format!("/api/exams/{}/students/?q={who}", s.exam),
                None,
            )
            .await;
        ids.push(found.body["items"][0]["id"].as_i64().unwrap());
    }
    (ids, clients)
}

async fn identify(t: &TestApp, s: &Setup, copy: i64, student: i64) {
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{copy}/identification/"),
            Some(json!({"student": student, "swap": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

async fn release_gates_withdraw_and_the_student_portal(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup_with(&t, 2).await;
    let (a, b) = (s.copies[0], s.copies[1]);
    grade(&t, &s, a, [6.5, 9.25]).await;
    settle(&t).await;
    let (ids, kids) = students(&t, &s).await;
    let (eloise, aminata) = (&kids[0], &kids[1]);
    identify(&t, &s, a, ids[0]).await;
    settle(&t).await;
    let release = |body: Value| {
        let (t, prof, exam) = (&t, s.prof.clone(), s.exam);
        async move {
            t.browser(
                &prof,
                Method::POST,
                &format!("/api/exams/{exam}/release/"),
                Some(body),
            )
            .await
        }
    };
    // Refused while a copy is neither graded nor identified, naming it; nothing shows yet.
    let r = release(json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.body["error"]["code"], "not_ready");
    let left = &r.body["error"]["details"]["copies"];
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
    assert_eq!(
        (left[0]["id"].as_i64(), left[0]["reason"].as_str()),
        (Some(b), Some("not_graded"))
    );
    let mine = t
        .browser(eloise, Method::GET, "/api/student/results/", None)
        .await;
    assert_eq!(mine.body["items"], json!([]), "nothing before the release");
    let cut = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/exams/{}/release/", s.exam),
            Some(json!({"only_ready": true})),
        )
        .await;
    assert_eq!(
        cut.status,
        StatusCode::FORBIDDEN,
        "a corrector does not release"
    );

    // Only the ready ones: Éloïse sees hers, in full; Aminata sees nothing of it.
    let r = release(json!({"only_ready": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (
            r.body["released"].as_i64(),
            r.body["left_out"][0]["code"].is_string()
        ),
        (Some(1), true)
    );
    let mine = t
        .browser(eloise, Method::GET, "/api/student/results/", None)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.body["items"][0]["copy"], a);
    assert_eq!(mine.body["items"][0]["grade"], "15,75");
    assert_eq!(mine.body["items"][0]["exam"], "Bac blanc de mathématiques");
    let full = t
        .browser(
            eloise,
            Method::GET,
            &format!("/api/student/results/{a}/"),
            None,
        )
        .await;
    assert_eq!(full.status, StatusCode::OK, "{}", full.text);
    assert_eq!(
        full.body["questions"][0]["label"],
        "Exercice 1 · a) Résoudre"
    );
    assert_eq!(full.body["questions"][1]["points"], 9.25);
    assert_eq!(full.body["appreciation"], "Bon travail.");
    assert_eq!(full.body["pages"][0]["marks"][0]["kind"], "text");
    let image = full.body["pages"][0]["image_url"]
        .as_str()
        .unwrap()
        .to_string();
    let pdf = full.body["pdf_url"].as_str().unwrap().to_string();
    assert_eq!(t.page(eloise, &image).await.status, StatusCode::OK);
    let got = t.page(eloise, &pdf).await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.bytes.starts_with(b"%PDF-"));
    // Her download is journaled without her name (the journal names staff only).
    let j = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{a}/journal/"),
            None,
        )
        .await;
    let line = j.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["action"] == "pdf_downloaded")
        .unwrap()
        .clone();
    assert_eq!(
        (line["actor"].clone(), line["details"]["by"].clone()),
        (Value::Null, json!("student")),
        "{line}"
    );
    for forbidden in ["NDIAYE", "Aminata"] {
        assert!(
            !full.text.contains(forbidden),
            "another student's name: {forbidden}"
        );
    }
    assert_eq!(
        t.browser(aminata, Method::GET, "/api/student/results/", None)
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(
        t.browser(
            aminata,
            Method::GET,
            &format!("/api/student/results/{a}/"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.page(aminata, &image).await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.page(aminata, &pdf).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.browser(&s.prof, Method::GET, "/api/student/results/", None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The portal's pages: the list, the copy; another's copy is a 404.
    let home = t.page(eloise, "/student").await;
    assert!(home.text.contains("15,75 / 20"), "{}", home.text);
    let page = t.page(eloise, &format!("/student/results/{a}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Exercice 1 · a) Résoudre") && page.text.contains("Bon travail."));
    assert_eq!(
        t.page(aminata, &format!("/student/results/{a}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Reopened after the release: hidden until released again.
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{a}/reopen/"),
            Some(json!({"reason": "erreur de report"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.browser(eloise, Method::GET, "/api/student/results/", None)
            .await
            .body["items"],
        json!([])
    );
    let r = t
        .browser(
            &s.alice,
            Method::POST,
            &format!("/api/copies/{a}/finalize/"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    settle(&t).await;
    let r = release(json!({"only_ready": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.browser(eloise, Method::GET, "/api/student/results/", None)
            .await
            .body["items"][0]["copy"],
        a
    );

    // Withdrawn: nothing shows any more, pages included; withdrawing twice says so.
    let withdraw = format!("/api/exams/{}/withdraw/", s.exam);
    let r = t.browser(&s.prof, Method::POST, &withdraw, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.browser(eloise, Method::GET, "/api/student/results/", None)
            .await
            .body["items"],
        json!([])
    );
    assert_eq!(t.page(eloise, &image).await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.page(eloise, &pdf).await.status, StatusCode::FORBIDDEN);
    let again = t.browser(&s.prof, Method::POST, &withdraw, None).await;
    assert_eq!(
        (again.status, again.body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("nothing_to_do"))
    );
    t.cleanup().await;
}

/// Two graded copies of a /20 scheme (15,75 and 10) and one not graded.
async fn statistics_of_known_grades(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup_with(&t, 3).await;
    let url = format!("/api/exams/{}/stats/", s.exam);
    let empty = t.browser(&s.prof, Method::GET, &url, None).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(
        empty.body["overall"],
        Value::Null,
        "nothing before the first graded copy"
    );
    grade(&t, &s, s.copies[0], [6.5, 9.25]).await;
    grade(&t, &s, s.copies[1], [4.0, 6.0]).await;
    settle(&t).await;
    let r = t.browser(&s.prof, Method::GET, &url, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let o = &r.body["overall"];
    assert_eq!(
        (
            o["count"].as_u64(),
            o["mean"].as_f64(),
            o["median"].as_f64()
        ),
        (Some(2), Some(12.88), Some(12.88))
    );
    assert_eq!(
        (o["std_dev"].as_f64(), o["min"].as_f64(), o["max"].as_f64()),
        (Some(2.88), Some(10.0), Some(15.75))
    );
    let h = r.body["histogram"].as_array().unwrap();
    assert_eq!(
        (h.len(), h[10].as_u64(), h[15].as_u64()),
        (20, Some(1), Some(1))
    );
    let q = &r.body["questions"];
    assert_eq!(
        (
            q[0]["figures"]["mean"].as_f64(),
            q[0]["figures"]["success"].as_f64()
        ),
        (Some(5.25), Some(0.656))
    );
    assert_eq!(
        (
            q[1]["figures"]["mean"].as_f64(),
            q[1]["figures"]["success"].as_f64()
        ),
        (Some(7.63), Some(0.635))
    );
    assert_eq!(r.body["correctors"][0]["corrector"], "alice");
    assert_eq!(r.body["correctors"][0]["figures"]["count"], 2);
    // Alice sees the copies she graded, without the correctors' comparison.
    let mine = t.browser(&s.alice, Method::GET, &url, None).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.body["overall"]["count"], 2);
    assert_eq!(mine.body["correctors"], json!([]));
    let (_, outsider) = t.user(&s.admin, "bob", "teacher").await;
    assert_eq!(
        t.browser(&outsider, Method::GET, &url, None).await.status,
        StatusCode::FORBIDDEN
    );
    // The Results tab draws the histogram on the server, readable without JavaScript.
    let page = t.page(&s.prof, &format!("/exams/{}/results", s.exam)).await;
    assert!(page.text.contains("<svg") && page.text.contains("Répartition des notes sur 20"));
    assert!(
        page.text.contains("12,88") && page.text.contains("66\u{a0}%"),
        "success rates in %"
    );
    t.cleanup().await;
}

/// A page image gone from the file store: the PDF fails with the reason (in French on the
/// Results tab), and once the image is back, **Réessayer** makes it.
async fn a_pdf_that_cannot_be_made_says_why_and_is_retried(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup(&t).await;
    let desk = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/copies/{}/grading/", s.copy),
            None,
        )
        .await;
    let page = desk.body["copy"]["pages"][0]["id"].as_i64().unwrap();
    let key = {
        let mut c = t.app.db.read().await.unwrap();
        korrigo_store::scans::find_page(c.conn(), page)
            .await
            .unwrap()
            .unwrap()
            .viewer_key
    };
    let image = t.app.files.get(&key).await.unwrap().unwrap();
    t.app.files.delete(&key).await.unwrap();
    grade(&t, &s, s.copy, [6.0, 9.0]).await;
    settle(&t).await;
    let listed = copy_in_list(&t, &s).await;
    assert_eq!(listed["pdf"]["state"], "failed", "{listed}");
    assert_eq!(listed["pdf"]["reason"], "the image of page 1 is missing");
    let tab = t.page(&s.prof, &format!("/exams/{}/results", s.exam)).await;
    assert!(
        tab.text
            .contains("l\u{2019}image de la page 1 est introuvable"),
        "{}",
        tab.text
    );
    let r = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{}/pdf/", s.copy),
            None,
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["details"]["state"].as_str()),
        (StatusCode::CONFLICT, Some("failed"))
    );
    // Back in place: the retry makes it.
    t.app.files.put(&key, &image).await.unwrap();
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/copies/{}/pdf/retry/", s.copy),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    settle(&t).await;
    assert_eq!(copy_in_list(&t, &s).await["pdf"]["state"], "ready");
    t.cleanup().await;
}

/// Alice's two copies (15,75 and 10): an offset previewed (nothing changes), nonsense refused,
/// a linear map applied (10 → 11, 20 → 20: 16,18 and 11), seen by Alice, used by the
/// statistics, the exports, the final PDFs and the portal; replaced by an offset; removed.
async fn harmonisation_is_previewed_applied_seen_and_reversed(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup_with(&t, 2).await;
    let (a, b) = (s.copies[0], s.copies[1]);
    grade(&t, &s, a, [6.5, 9.25]).await;
    grade(&t, &s, b, [4.0, 6.0]).await;
    settle(&t).await;
    let url = format!("/api/exams/{}/adjustments/", s.exam);
    let stats_url = format!("/api/exams/{}/stats/", s.exam);
    let post = |who: Client, body: Value| {
        let (t, url) = (&t, url.clone());
        async move { t.browser(&who, Method::POST, &url, Some(body)).await }
    };
    // A preview shows before and after, and changes nothing.
    let r = post(
        s.prof.clone(),
        json!({"corrector": "alice", "kind": "offset", "offset": 1, "preview": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["preview"], true);
    assert_eq!(r.body["adjustment"]["id"], Value::Null);
    assert_eq!(r.body["adjustment"]["description"], "+1 point");
    let mut pairs: Vec<(f64, f64)> = r.body["copies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["before"].as_f64().unwrap(), c["after"].as_f64().unwrap()))
        .collect();
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
    assert_eq!(pairs, vec![(10.0, 11.0), (15.75, 16.75)]);
    assert_eq!(
        (
            r.body["before"]["mean"].as_f64(),
            r.body["after"]["mean"].as_f64()
        ),
        (Some(12.88), Some(13.88))
    );
    let h = &r.body["histogram_after"];
    assert_eq!((h[11].as_u64(), h[16].as_u64()), (Some(1), Some(1)));
    let st = t.browser(&s.prof, Method::GET, &stats_url, None).await;
    assert_eq!(
        st.body["overall"]["mean"].as_f64(),
        Some(12.88),
        "a preview changes nothing"
    );
    let listed = t.browser(&s.prof, Method::GET, &url, None).await;
    assert_eq!(listed.body["items"], json!([]));

    // Nonsense is refused, naming the field; a corrector cannot adjust.
    for (body, field) in [
        (
            json!({"corrector": "alice", "kind": "scale", "offset": 1}),
            "kind",
        ),
        (
            json!({"corrector": "alice", "kind": "offset", "offset": 0}),
            "offset",
        ),
        (
            json!({"corrector": "alice", "kind": "offset", "offset": 25}),
            "offset",
        ),
        (
            json!({"corrector": "alice", "kind": "linear", "anchors": [{"from": 10, "to": 11}]}),
            "anchors",
        ),
        (
            json!({"corrector": "alice", "kind": "linear", "anchors": [{"from": 16, "to": 16}, {"from": 10, "to": 11}]}),
            "anchors",
        ),
        (
            json!({"corrector": "bob", "kind": "offset", "offset": 1}),
            "corrector",
        ),
    ] {
        let r = post(s.prof.clone(), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert_eq!(
            r.body["error"]["details"]["field"], field,
            "{body}: {}",
            r.text
        );
    }
    let r = post(
        s.alice.clone(),
        json!({"corrector": "alice", "kind": "offset", "offset": 1}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Applied: a linear map. Both grades move; the PDFs are made again.
    let pdf_at = |v: Value| v["pdf"]["at"].as_i64();
    let before_pdf = {
        let l = t
            .browser(
                &s.prof,
                Method::GET,
                &format!("/api/exams/{}/copies/", s.exam),
                None,
            )
            .await;
        pdf_at(l.body["items"][0].clone())
    };
    assert!(before_pdf.is_some());
    let r = post(
        s.prof.clone(),
        json!({"corrector": "alice", "kind": "linear", "anchors": [{"from": 10, "to": 11}, {"from": 20, "to": 20}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let linear = r.body["adjustment"]["id"].as_i64().unwrap();
    assert_eq!(r.body["adjustment"]["description"], "10 → 11 et 20 → 20");
    assert_eq!(r.body["adjustment"]["created_by"], "prof");
    settle(&t).await;
    let st = t.browser(&s.prof, Method::GET, &stats_url, None).await;
    let line = &st.body["correctors"][0];
    assert_eq!(
        (
            line["figures"]["mean"].as_f64(),
            line["adjustment"].as_str(),
            line["adjusted"]["mean"].as_f64()
        ),
        (Some(12.88), Some("10 → 11 et 20 → 20"), Some(13.59)),
        "the managers see both: 16,18 and 11 after"
    );
    assert_eq!(st.body["overall"]["mean"].as_f64(), Some(13.59));
    let l = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/copies/", s.exam),
            None,
        )
        .await;
    assert!(
        pdf_at(l.body["items"][0].clone()) > before_pdf,
        "the PDF was made again"
    );
    let pdf = t.page(&s.prof, &format!("/api/copies/{a}/pdf/")).await;
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("Note : 16,18 / 20")
            && text
                .contains("Note harmonisée : 15,75 / 20 avant harmonisation (10 → 11 et 20 → 20)"),
        "the summary shows the adjusted grade and says so: {text}"
    );
    let journal = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/copies/{a}/journal/"),
            None,
        )
        .await;
    assert!(
        journal.text.contains("grade_adjusted") && journal.text.contains("10 → 11"),
        "{}",
        journal.text
    );
    // Alice sees it: in her list, on her statistics (her own grades stay raw) and dashboard.
    let hers = t.browser(&s.alice, Method::GET, &url, None).await;
    assert_eq!(hers.body["items"][0]["description"], "10 → 11 et 20 → 20");
    let mine = t.browser(&s.alice, Method::GET, &stats_url, None).await;
    assert_eq!(
        (
            mine.body["my_adjustment"].as_str(),
            mine.body["overall"]["mean"].as_f64()
        ),
        (Some("10 → 11 et 20 → 20"), Some(12.88))
    );
    let dash = t.page(&s.alice, "/grading").await;
    assert!(dash.text.contains("harmonisées") && dash.text.contains("10 → 11 et 20 → 20"));
    let page = t
        .page(&s.alice, &format!("/grading/exams/{}/stats", s.exam))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("10 → 11 et 20 → 20") && page.text.contains("12,88"));
    // The managers' Results tab shows both grades.
    let tab = t.page(&s.prof, &format!("/exams/{}/results", s.exam)).await;
    assert!(
        tab.text.contains("16,18 / 20") && tab.text.contains("brute 15,75"),
        "{}",
        tab.text
    );

    // The exports and the portal use the adjusted grade.
    let (ids, kids) = students(&t, &s).await;
    identify(&t, &s, a, ids[0]).await;
    identify(&t, &s, b, ids[1]).await;
    settle(&t).await;
    let csv = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/export/?format=pronote", s.exam),
            None,
        )
        .await;
    assert!(
        csv.text.contains(";16,18;") && csv.text.contains(";11,00;"),
        "{}",
        csv.text
    );
    let book = t
        .browser(
            &s.prof,
            Method::GET,
            &format!("/api/exams/{}/export/?format=csv", s.exam),
            None,
        )
        .await;
    assert!(
        book.text
            .contains("NOTE AVANT HARMONISATION (/20);NOTE (/20)"),
        "{}",
        book.text
    );
    assert!(book.text.contains(";15,75;16,18"), "{}", book.text);
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{}/release/", s.exam),
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let me = t
        .browser(&kids[0], Method::GET, "/api/me/results/", None)
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    let item = &me.body["items"][0];
    assert_eq!(
        (
            item["copy"].as_i64(),
            item["grade"].as_f64(),
            item["harmonised"].as_str()
        ),
        (Some(a), Some(16.18), Some("10 → 11 et 20 → 20"))
    );
    assert_eq!(
        (item["total"].as_f64(), item["max_total"].as_f64()),
        (Some(15.75), Some(20.0))
    );
    assert_eq!(item["exam"]["name"], "Bac blanc de mathématiques");
    assert_eq!(item["scores"][0]["points"].as_f64(), Some(6.5));
    assert_eq!(
        me.body["items"].as_array().unwrap().len(),
        1,
        "nothing of anyone else"
    );
    assert_eq!(
        t.browser(&kids[0], Method::GET, &url, None).await.status,
        StatusCode::FORBIDDEN,
        "a student sees no adjustment"
    );

    // Replaced by an offset, then removed: back to the raw grades; removing twice says so.
    let r = post(
        s.prof.clone(),
        json!({"corrector": "alice", "kind": "offset", "offset": -0.5}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["replaces"]["id"].as_i64(), Some(linear));
    let offset = r.body["adjustment"]["id"].as_i64().unwrap();
    let listed = t.browser(&s.prof, Method::GET, &url, None).await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["id"].as_i64(), items[0]["removed_at"].is_null()),
        (Some(offset), true)
    );
    assert_eq!(
        (items[1]["id"].as_i64(), items[1]["removed_by"].as_str()),
        (Some(linear), Some("prof"))
    );
    let del = format!("/api/adjustments/{offset}/");
    assert_eq!(
        t.browser(&s.alice, Method::DELETE, &del, None).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t.browser(&s.prof, Method::DELETE, &del, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["removed_at"].is_i64());
    let r = t.browser(&s.prof, Method::DELETE, &del, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    let st = t.browser(&s.prof, Method::GET, &stats_url, None).await;
    assert_eq!(st.body["overall"]["mean"].as_f64(), Some(12.88));
    assert_eq!(st.body["correctors"][0]["adjustment"], Value::Null);
    let me = t
        .browser(&kids[0], Method::GET, "/api/me/results/", None)
        .await;
    assert_eq!(me.body["items"][0]["grade"].as_f64(), Some(15.75));
    assert_eq!(me.body["items"][0]["harmonised"], Value::Null);
    // The PDFs made again show the raw grade.
    settle(&t).await;
    let pdf = t.page(&s.prof, &format!("/api/copies/{a}/pdf/")).await;
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("Note : 15,75 / 20") && !text.contains("harmonisée"),
        "{text}"
    );
    t.cleanup().await;
}

/// By questions: Alice grades question a, Bob question b, on every copy. Alice's statistics
/// cover her question on every graded copy and no overall grade; harmonising one corrector
/// of such an exam is refused with the reason.
async fn a_question_corrector_sees_their_questions_and_cannot_be_harmonised(w: Which) {
    let t = TestApp::new(w).await;
    let s = setup_with(&t, 2).await;
    let (qa, qb) = (s.questions[0].clone(), s.questions[1].clone());
    let (_, bob) = t.user(&s.admin, "bob", "teacher").await;
    let r = t
        .browser(
            &s.prof,
            Method::PUT,
            &format!("/api/exams/{}/members/", s.exam),
            Some(json!({"username": "bob", "role": "corrector"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{}/dispatch/", s.exam),
            Some(json!({"mode": "questions", "correctors": [], "questions": {"alice": [qa], "bob": [qb]}})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for (copy, a, b) in [(s.copies[0], 6.0, 9.0), (s.copies[1], 4.0, 3.0)] {
        for (who, q, p) in [(&s.alice, &qa, a), (&bob, &qb, b)] {
            let r = t
                .browser(
                    who,
                    Method::PUT,
                    &format!("/api/copies/{copy}/scores/{q}/"),
                    Some(json!({"points": p, "version": 0})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        t.browser(
            &bob,
            Method::PUT,
            &format!("/api/copies/{copy}/appreciation/"),
            Some(json!({"text": "Correct.", "version": 0})),
        )
        .await;
        for who in [&s.alice, &bob] {
            let r = t
                .browser(
                    who,
                    Method::POST,
                    &format!("/api/copies/{copy}/finalize/"),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
    }
    settle(&t).await;
    let mine = t
        .browser(
            &s.alice,
            Method::GET,
            &format!("/api/exams/{}/stats/", s.exam),
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.body["scope"], "my_questions");
    assert_eq!(mine.body["overall"], Value::Null);
    let q = mine.body["questions"].as_array().unwrap();
    assert_eq!(q.len(), 1, "only her question: {q:?}");
    assert_eq!(
        (q[0]["question"].as_str(), q[0]["figures"]["mean"].as_f64()),
        (Some(qa.as_str()), Some(5.0))
    );
    let r = t
        .browser(
            &s.prof,
            Method::POST,
            &format!("/api/exams/{}/adjustments/", s.exam),
            Some(json!({"corrector": "alice", "kind": "offset", "offset": 1, "preview": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("by questions")
    );
    t.cleanup().await;
}
