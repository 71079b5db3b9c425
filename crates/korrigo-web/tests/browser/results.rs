//! The student portal in headless Chromium: a student logs in, finds the released copy with
//! its grade, the detail by question and the marked pages, on a laptop and on a phone's
//! screen; another student's copy is not there for them. The manager's Results tab.

use super::*;
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use serde_json::json;

/// Grades the exam's first copy (every question, a tick and a text on its first page, an
/// appreciation), identifies it as Éloïse, the second copy as Aminata (not graded), and
/// releases the ready copies; answers (Éloïse's copy, Aminata's copy, the exam).
async fn released_exam(srv: &Server) -> (i64, i64, korrigo_domain::ExamId) {
    let app = &srv.app;
    let sys = system_session();
    let cl = ClientInfo::default();
    let (questions, exam) = super::grading::exam_with_copies(srv, &[("prof", "manager")]).await;
    let list = app
        .list_copies(&sys, exam, korrigo_domain::PageRequest::new(None, Some(10)))
        .await
        .unwrap();
    let (a, b) = (list.items[0].id, list.items[1].id);
    // Graded by the exam's manager (the journal names a real account).
    let prof = app.login("prof", PASSWORD, &cl).await.unwrap().session;
    let desk = app.copy_grading(&prof, a).await.unwrap();
    for (q, p) in questions.iter().zip([2.0, 3.25, 4.0]) {
        app.save_score(&prof, a, q, p, "Raisonnement juste", 0)
            .await
            .unwrap();
    }
    let page = desk.copy.pages[0].id;
    app.add_annotation(&prof, a, page, "tick", &json!({"x": 0.5, "y": 0.3}))
        .await
        .unwrap();
    app.add_annotation(
        &prof,
        a,
        page,
        "text",
        &json!({"x": 0.2, "y": 0.5, "text": "Unités !"}),
    )
    .await
    .unwrap();
    app.save_appreciation(&prof, a, "Très bon travail, soigné.", 0)
        .await
        .unwrap();
    app.finalize_copy(&prof, a).await.unwrap();
    let csv = "Nom;Prénom;Né(e) le;Classe\nSAINT-ANDRÉ;Éloïse;03/04/2008;1A\nNDIAYE;Aminata;12/11/2008;1A\n";
    let report = app
        .start_student_import(&sys, "1A.csv", csv.as_bytes(), &cl)
        .await
        .unwrap();
    for _ in 0..300 {
        let st = app.import_status(&sys, report.id).await.unwrap().status;
        if st == korrigo_domain::roster::ImportStatus::Done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let slips = app
        .generate_student_accounts(&sys, Some("1A"), &cl)
        .await
        .unwrap();
    for slip in &slips {
        app.activate_account(&slip.username, &slip.code, PASSWORD, &cl)
            .await
            .unwrap();
    }
    let who = |last: &str| slips.iter().find(|s| s.last_name == last).unwrap();
    for (copy, last) in [(a, "SAINT-ANDRÉ"), (b, "NDIAYE")] {
        app.identify_copy(
            &sys,
            copy,
            &korrigo_app::identify::IdentifyInput {
                student: Some(who(last).student_id),
                not_student: false,
                swap: true,
            },
            &cl,
        )
        .await
        .unwrap();
    }
    // The PDF made by the workers, then the release of the ready copy.
    for _ in 0..300 {
        let o = app.results_overview(&sys, exam).await.unwrap();
        if matches!(o.lines[0].pdf, korrigo_app::results::PdfState::Ready { .. }) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.release_results(&sys, exam, true, &cl).await.unwrap();
    (a, b, exam)
}

#[tokio::test]
async fn a_student_sees_a_released_copy_and_not_another_in_chromium() {
    let srv = Server::start("prof0", "Paul Prof", "teacher").await;
    let (mine, theirs, exam) = released_exam(&srv).await;
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &srv.dir).await;
    let base = srv.base.clone();
    let result = async {
        // The manager's Results tab: who is released, the PDF, the exports.
        log_in(&c, &base, "prof").await?;
        c.goto(&format!("{base}/exams/{}/results", exam.0)).await?;
        let tab = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#results-copies"))
            .await?
            .text()
            .await?;
        assert!(
            tab.contains("SAINT-ANDRÉ Éloïse") && tab.contains("18,5 / 20"),
            "{tab}"
        );
        assert!(
            tab.contains("Télécharger") && tab.contains("non notée"),
            "{tab}"
        );
        screenshot(&c, "results-tab").await?;
        c.execute(
            "document.querySelector('.histogram-figure').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, "results-stats").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "results tab: {violations:?}");
        c.delete_all_cookies().await?;

        // Éloïse: her home lists the copy; the copy page shows the grade, the detail, the
        // appreciation and the marked page.
        log_in(&c, &base, "eloise.saint-andre").await?;
        let home = c.find(Locator::Css("main")).await?.text().await?;
        assert!(
            home.contains("Bac blanc de physique") && home.contains("18,5 / 20"),
            "{home}"
        );
        screenshot(&c, "student-home").await?;
        c.find(Locator::Css(".result-item a"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#result-pages svg g.mark"))
            .await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(
            page.contains("Exercice 1 · a)") && page.contains("Raisonnement juste"),
            "{page}"
        );
        assert!(page.contains("Très bon travail, soigné."), "{page}");
        assert!(!page.contains("NDIAYE"), "nobody else's name");
        let marks = c.find_all(Locator::Css("#result-pages g.mark")).await?;
        assert_eq!(marks.len(), 2, "the tick and the text");
        let pdf = c
            .find(Locator::Css("a[download]"))
            .await?
            .attr("href")
            .await?;
        assert_eq!(
            pdf.as_deref(),
            Some(format!("/api/copies/{mine}/pdf/").as_str())
        );
        screenshot(&c, "student-copy").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "student copy: {violations:?}");
        // On a phone's screen: nothing overflows sideways.
        c.set_window_size(390, 844).await?;
        let overflow = c
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth",
                vec![],
            )
            .await?;
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "horizontal scroll on a phone: {overflow}"
        );
        screenshot(&c, "student-copy-phone").await?;
        c.set_window_size(1366, 768).await?;
        // Aminata's copy (not released, and not hers) is not there.
        c.goto(&format!("{base}/student/results/{theirs}")).await?;
        let body = c.find(Locator::Css("main")).await?.text().await?;
        assert!(!body.contains("Raisonnement"), "{body}");
        let status = c
            .execute(
                "return fetch(arguments[0]).then(r => r.status)",
                vec![json!(format!("/api/copies/{theirs}/pdf/"))],
            )
            .await?;
        assert_eq!(status, json!(403));
        c.goto(&format!("{base}/student")).await?;
        screenshot(&c, "student-results").await?;
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.unwrap();
}

/// A manager previews a harmonisation of Claire's grades on the Results tab (figures before and
/// after, the two histograms), applies it after the confirmation, sees both grades; Claire
/// sees it on her dashboard and on her statistics.
#[tokio::test]
async fn a_manager_harmonises_a_correctors_grades_in_chromium() {
    let srv = Server::start("claire", "Claire Martin", "teacher").await;
    let (questions, copies) = super::grading::exam_for_claire(&srv).await;
    let app = &srv.app;
    let cl = ClientInfo::default();
    let claire = app.login("claire", PASSWORD, &cl).await.unwrap().session;
    for (&(copy, _), points) in copies.iter().zip([[2.0, 3.0, 3.5], [1.0, 1.5, 2.0]]) {
        for (q, p) in questions.iter().zip(points) {
            app.save_score(&claire, copy, q, p, "", 0).await.unwrap();
        }
        app.save_appreciation(&claire, copy, "Travail sérieux.", 0)
            .await
            .unwrap();
        app.finalize_copy(&claire, copy).await.unwrap();
    }
    let exam = app
        .my_grading_copies(&claire, None)
        .await
        .unwrap()
        .first()
        .unwrap()
        .exam;
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &srv.dir).await;
    let base = srv.base.clone();
    let result = async {
        log_in(&c, &base, "prof").await?;
        c.goto(&format!("{base}/exams/{exam}/results#harmonisation"))
            .await?;
        c.find(Locator::Css("#adjust-offset"))
            .await?
            .clear()
            .await?;
        c.find(Locator::Css("#adjust-offset"))
            .await?
            .send_keys("1,5")
            .await?;
        c.find(Locator::Css("#adjust-form button[type=submit]"))
            .await?
            .click()
            .await?;
        let preview = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#adjust-preview table"))
            .await?
            .text()
            .await?;
        let preview = preview.split_whitespace().collect::<Vec<_>>().join(" ");
        // 17 and 9 out of 20 before; 18,5 and 10,5 after.
        assert!(
            preview.contains("Avant 2 13 13") && preview.contains("Après 2 14,5 14,5"),
            "{preview}"
        );
        assert!(
            c.find(Locator::Css("#adjust-preview svg rect"))
                .await
                .is_ok(),
            "the histograms are drawn"
        );
        c.execute(
            "document.getElementById('adjust-preview').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, "results-harmonise-preview").await?;
        let violations = axe(&c).await?;
        assert!(
            violations.is_empty(),
            "harmonisation preview: {violations:?}"
        );
        c.execute("window.confirm = () => true", vec![]).await?;
        c.find(Locator::Css("#adjust-apply")).await?.click().await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(
                "//section[@id='harmonisation']//td[contains(., '+1,5 point')]",
            ))
            .await?;
        let copies_text = c
            .find(Locator::Css("#results-copies"))
            .await?
            .text()
            .await?;
        let copies_text = copies_text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            copies_text.contains("18,5 / 20 (brute 17)"),
            "the manager sees both grades: {copies_text}"
        );
        c.execute(
            "document.getElementById('harmonisation').scrollIntoView()",
            vec![],
        )
        .await?;
        screenshot(&c, "results-harmonised").await?;
        c.delete_all_cookies().await?;

        // Claire sees it on her dashboard and her statistics.
        log_in(&c, &base, "claire").await?;
        c.goto(&format!("{base}/grading")).await?;
        let dash = c.find(Locator::Css("main")).await?.text().await?;
        assert!(
            dash.contains("harmonisées") && dash.contains("+1,5 point"),
            "{dash}"
        );
        c.find(Locator::LinkText("Mes statistiques"))
            .await?
            .click()
            .await?;
        let page = c.find(Locator::Css("main")).await?.text().await?;
        assert!(
            page.contains("+1,5 point") && page.contains("Moyenne"),
            "{page}"
        );
        screenshot(&c, "grading-my-stats").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "my statistics: {violations:?}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.unwrap();
}
