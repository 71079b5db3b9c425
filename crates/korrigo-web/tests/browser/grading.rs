//! The corrector desk in headless Chromium: a stroke, a stamped comment, scores and a remark
//! survive a reload; work done with the network cut reaches the server in order when it comes
//! back; two tabs on one copy: the stale one is told and nothing is lost; finishing a copy
//! opens the next one, prefetched.

use super::*;
use axum::http::Method;
use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::wd::WebDriverCompatibleCommand;
use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_domain::ExamId;
use korrigo_media::synth;
use serde_json::json;

/// Chromedriver's network emulation: the browser loses (or gets back) its network, as when a
/// laptop leaves the Wi-Fi.
#[derive(Debug)]
struct Network {
    offline: bool,
}

impl WebDriverCompatibleCommand for Network {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/chromium/network_conditions",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        if self.offline {
            let body = json!({"network_conditions": {
                "offline": true, "latency": 0,
                "download_throughput": 1_000_000_000, "upload_throughput": 1_000_000_000
            }});
            (Method::POST, Some(body.to_string()))
        } else {
            (Method::DELETE, None)
        }
    }
}

/// An exam whose two 2-page copies are dispatched to `claire`; answers the question ids (a, b,
/// exercise 2) and the copies (id, code).
pub(crate) async fn exam_for_claire(srv: &Server) -> (Vec<String>, Vec<(i64, String)>) {
    let (ids, exam) = exam_with_copies(srv, &[("prof", "manager"), ("claire", "corrector")]).await;
    let d = srv
        .app
        .dispatch(
            &system_session(),
            exam,
            &korrigo_app::grading::DispatchInput {
                mode: Some("copies".into()),
                correctors: vec!["claire".into()],
                ..Default::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!(d.assignments.len(), 2, "two copies dispatched");
    let copies = d
        .assignments
        .iter()
        .map(|a| (a.copy, a.code.clone()))
        .collect();
    (ids, copies)
}

/// An exam with a three-question scheme (Exercice 1 a) and b), Exercice 2) and two 2-page
/// copies ready to grade, nobody given any yet; `prof` (a manager) is created, the other
/// members must exist. Answers the question ids and the exam.
pub(crate) async fn exam_with_copies(
    srv: &Server,
    members: &[(&str, &str)],
) -> (Vec<String>, ExamId) {
    let app = &srv.app;
    let sys = system_session();
    let cl = ClientInfo::default();
    let exam = app
        .create_exam(
            &sys,
            &korrigo_app::exams::ExamInput {
                name: "Bac blanc de physique".into(),
                layout: Some("a4:2".into()),
                ..Default::default()
            },
            &cl,
        )
        .await
        .unwrap()
        .exam
        .id;
    app.create_user_cli(&CreateUser {
        username: "prof".into(),
        display_name: "Paul Responsable".into(),
        role: "teacher".into(),
        password: Some(PASSWORD.into()),
        ..Default::default()
    })
    .await
    .unwrap();
    for &(who, role) in members {
        app.set_exam_member(
            &sys,
            exam,
            &korrigo_app::exams::MemberInput {
                username: who.into(),
                role: role.into(),
            },
            &cl,
        )
        .await
        .unwrap();
    }
    let scheme = serde_json::from_value(json!({"nodes": [
        {"label": "Exercice 1", "children": [{"label": "a)", "max_points": 2.5}, {"label": "b)", "max_points": 3.5}]},
        {"label": "Exercice 2", "max_points": 4}
    ]}))
    .unwrap();
    let saved = app
        .save_scheme(
            &sys,
            exam,
            korrigo_app::exams::SchemeInput {
                scheme,
                version: 0,
                confirm_total_mismatch: true,
                confirm_scores_over: false,
            },
            &cl,
        )
        .await
        .unwrap();
    let ids: Vec<String> = saved
        .scheme
        .leaves()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let scan = srv.dir.join("copies.pdf");
    std::fs::create_dir_all(&srv.dir).unwrap();
    std::fs::write(
        &scan,
        synth::batch_pdf(
            &synth::students(2),
            &synth::SynthOptions {
                dpi: 100,
                pages_per_copy: 2,
                lines: 6,
                ..Default::default()
            },
        ),
    )
    .unwrap();
    app.import_scan_file(&sys, exam, &scan, None, &cl)
        .await
        .unwrap();
    for _ in 0..300 {
        let st = app.grading_status(&sys, exam).await.unwrap();
        if st.total == 2 && st.statuses.get("READY") == Some(&2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (ids, exam)
}

/// What the server holds for a copy: (scores by question, remark of the first, annotations'
/// kinds, appreciation).
async fn server_state(app: &App, copy: i64) -> korrigo_app::grading::GradingView {
    app.copy_grading(&system_session(), copy).await.unwrap()
}

async fn wait_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting: {what}");
}

async fn key(c: &fantoccini::Client, k: char) -> Result<(), fantoccini::error::CmdError> {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: k })
        .then(KeyAction::Up { value: k });
    c.perform_actions(keys).await
}

/// Clicks (or drags, with `path`) on the first page, at offsets from its centre.
async fn on_page(
    c: &fantoccini::Client,
    index: usize,
    from: (f64, f64),
    path: &[(f64, f64)],
) -> Result<(), fantoccini::error::CmdError> {
    let pages = c.find_all(Locator::Css("#desk-pages figure svg")).await?;
    let mut m = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: pages[index].clone(),
            duration: None,
            x: from.0,
            y: from.1,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for (dx, dy) in path {
        m = m.then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(30)),
            x: *dx,
            y: *dy,
        });
    }
    m = m.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    c.perform_actions(m).await
}

async fn js(
    c: &fantoccini::Client,
    script: &str,
) -> Result<serde_json::Value, fantoccini::error::CmdError> {
    c.execute(script, vec![]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrector_grades_a_copy_offline_and_in_two_tabs_in_chromium() {
    let srv = Server::start("claire", "Claire Martin", "teacher").await;
    let (q, mine) = exam_for_claire(&srv).await;
    let app = srv.app.clone();
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let result = async {
        log_in(&c, &base, "claire").await?;
        // The dashboard: the exam, its counts, a button to start.
        c.goto(&format!("{base}/grading")).await?;
        let start = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("a.button[href^='/grading/copies/']"))
            .await?;
        let text = c.find(Locator::Css("main")).await?.text().await?;
        assert!(text.contains("Bac blanc de physique"), "{text}");
        assert!(text.contains("2 à corriger"), "{text}");
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "dashboard: {violations:?}");
        screenshot(&c, "grading-dashboard").await?;
        start.click().await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-pages figure svg image"))
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-scheme input.score"))
            .await?;
        let code = c.find(Locator::Css("#desk-code")).await?.text().await?;
        let copy = mine
            .iter()
            .find(|m| m.1 == code)
            .expect("the copy shown is mine")
            .0;
        // Nothing on the desk names the student.
        let html = c.source().await?;
        for s in synth::students(2) {
            assert!(!html.contains(&s.last_name), "the desk names a student");
        }
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "desk: {violations:?}");
        for _ in 0..100 {
            if js(&c, "return (window.__deskTimings || []).length")
                .await?
                .as_u64()
                >= Some(1)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let cold = js(&c, "return window.__deskTimings || []").await?;
        eprintln!("first page shown on opening the desk (not prefetched, from navigation): {cold}");

        // A stroke with the pen (tool chosen by its key), a stamped comment where clicked.
        key(&c, 'p').await?;
        on_page(
            &c,
            0,
            (-150.0, -60.0),
            &[(40.0, 10.0), (40.0, -5.0), (40.0, 15.0)],
        )
        .await?;
        c.find(Locator::Css("[data-tool=stamp]"))
            .await?
            .click()
            .await?;
        on_page(&c, 0, (-100.0, 40.0), &[]).await?;
        let input = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(".desk-text-input"))
            .await?;
        input.send_keys("Attention aux unités\u{E007}").await?;
        // Scores: typed the French way, Tab to the next question, a remark.
        let scores = c.find_all(Locator::Css("#desk-scheme input.score")).await?;
        scores[0].click().await?;
        scores[0].send_keys("2,5\u{E004}").await?;
        let focused = js(&c, "return document.activeElement.dataset.question").await?;
        assert_eq!(focused, json!(q[1]), "Tab goes to the next question");
        scores[1].send_keys("3").await?;
        c.find(Locator::Css(&format!(
            ".desk-q[data-question='{}'] input.remark",
            q[0]
        )))
        .await?
        .send_keys("Bien justifié")
        .await?;
        c.find(Locator::Css("#desk-appreciation"))
            .await?
            .send_keys("Bon travail.")
            .await?;
        c.find(Locator::Css("#desk-total")).await?.click().await?;
        wait_until("the first changes reach the server", || {
            let app = app.clone();
            async move {
                let v = server_state(&app, copy).await;
                v.annotations.len() == 2
                    && v.scores.len() == 2
                    && v.appreciation.text == "Bon travail."
            }
        })
        .await;
        let v = server_state(&app, copy).await;
        let a = v.scores.iter().find(|s| s.question == q[0]).unwrap();
        assert_eq!((a.points, a.remark.as_str()), (2.5, "Bien justifié"));
        let kinds: Vec<&str> = v.annotations.iter().map(|a| a.kind.as_str()).collect();
        assert_eq!(kinds, ["pen", "stamp"]);
        assert_eq!(v.annotations[1].data["text"], "Attention aux unités");
        screenshot(&c, "grading-desk").await?;

        // Reloaded: everything is still there.
        c.refresh().await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-pages g.mark"))
            .await?;
        let marks = c.find_all(Locator::Css("#desk-pages g.mark")).await?;
        assert_eq!(marks.len(), 2, "the stroke and the comment are back");
        let first = c.find(Locator::Css("#desk-scheme input.score")).await?;
        assert_eq!(first.prop("value").await?.as_deref(), Some("2,5"));
        let remark = c
            .find(Locator::Css(&format!(
                ".desk-q[data-question='{}'] input.remark",
                q[0]
            )))
            .await?;
        assert_eq!(
            remark.prop("value").await?.as_deref(),
            Some("Bien justifié")
        );

        // The network is cut: work goes on, the desk says what waits, the server has nothing.
        c.issue_cmd(Network { offline: true }).await?;
        let ex2 = c
            .find(Locator::Css(&format!(
                ".desk-q[data-question='{}'] input.score",
                q[2]
            )))
            .await?;
        ex2.send_keys("4").await?;
        key(&c, '\u{E00C}').await?; // Escape: out of the field, back to the pages
        key(&c, 'v').await?;
        on_page(&c, 1, (0.0, 0.0), &[]).await?;
        wait_until_text(&c, "#desk-save", "2 modifications en attente").await?;
        let state = c.find(Locator::Css("#desk-save")).await?.text().await?;
        assert!(state.starts_with("Hors ligne"), "{state}");
        screenshot(&c, "grading-desk-offline").await?;
        let v = server_state(&app, copy).await;
        assert_eq!((v.scores.len(), v.annotations.len()), (2, 2));
        // Back online: both reach the server, in the order they were made.
        c.issue_cmd(Network { offline: false }).await?;
        wait_until("the offline changes reach the server", || {
            let app = app.clone();
            async move {
                let v = server_state(&app, copy).await;
                v.scores.len() == 3 && v.annotations.len() == 3
            }
        })
        .await;
        let journal = app.copy_journal(&system_session(), copy).await.unwrap();
        let order: Vec<&str> = journal.iter().map(|l| l.action.as_str()).collect();
        let last_two = &order[order.len() - 2..];
        assert_eq!(last_two, ["score_saved", "annotation_added"], "{order:?}");
        wait_until_text(&c, "#desk-save", "Enregistré").await?;

        // Two tabs on the copy: the second saves first; the first is told, keeps its entry.
        let first_tab = c.window().await?;
        let second = c.new_window(true).await?;
        c.switch_to_window(second.handle.clone()).await?;
        c.goto(&format!("{base}/grading/copies/{copy}")).await?;
        let a2 = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!(
                ".desk-q[data-question='{}'] input.score",
                q[0]
            )))
            .await?;
        // Typed over the selection (Ctrl+A), as a teacher does: never an empty value between.
        a2.send_keys("\u{E009}a\u{E000}2\u{E004}").await?;
        wait_until("the second tab's score", || {
            let app = app.clone();
            let q0 = q[0].clone();
            async move {
                let v = server_state(&app, copy).await;
                v.scores.iter().any(|s| s.question == q0 && s.points == 2.0)
            }
        })
        .await;
        c.switch_to_window(first_tab).await?;
        let a1 = c
            .find(Locator::Css(&format!(
                ".desk-q[data-question='{}'] input.score",
                q[0]
            )))
            .await?;
        a1.send_keys("\u{E009}a\u{E000}1,5\u{E004}").await?;
        let banner = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-banner:not([hidden])"))
            .await?;
        let said = banner.text().await?;
        assert!(
            said.contains("modifiée ailleurs") && said.contains("1,5"),
            "{said}"
        );
        assert_eq!(
            a1.prop("value").await?.as_deref(),
            Some("2"),
            "the desk shows the saved value"
        );
        let v = server_state(&app, copy).await;
        assert_eq!(
            v.scores.iter().find(|s| s.question == q[0]).unwrap().points,
            2.0,
            "nothing overwritten"
        );
        screenshot(&c, "grading-desk-conflict").await?;
        // Keeping my entry sends it again, on the current version.
        c.find(Locator::Css("#desk-banner button:not(.secondary)"))
            .await?
            .click()
            .await?;
        wait_until("my entry kept", || {
            let app = app.clone();
            let q0 = q[0].clone();
            async move {
                let v = server_state(&app, copy).await;
                v.scores.iter().any(|s| s.question == q0 && s.points == 1.5)
            }
        })
        .await;

        // The shortcuts' help.
        key(&c, '?').await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-keys[open]"))
            .await?;
        screenshot(&c, "grading-desk-keys").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "help: {violations:?}");
        key(&c, '\u{E00C}').await?;

        // Finishing the copy opens the next one, prefetched.
        c.find(Locator::Css("#desk-finalize"))
            .await?
            .click()
            .await?;
        for _ in 0..100 {
            if c.find(Locator::Css("#desk-code")).await?.text().await? != code {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_ne!(
            c.find(Locator::Css("#desk-code")).await?.text().await?,
            code,
            "the next copy is open"
        );
        let v = server_state(&app, copy).await;
        assert_eq!(v.copy.status.as_str(), "GRADED");
        for _ in 0..100 {
            let t = js(&c, "return (window.__deskTimings || []).length").await?;
            if t.as_u64() >= Some(1) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let timings = js(&c, "return window.__deskTimings || []").await?;
        eprintln!("first page shown (reload, then the next copy, prefetched): {timings}");

        // The manager's Correction tab: the distribution, and a dispatch previewed first.
        let exam = server_state(&app, copy).await.copy.exam;
        c.delete_all_cookies().await?;
        log_in(&c, &base, "prof").await?;
        c.goto(&format!("{base}/exams/{exam}/grading")).await?;
        let table = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("main table"))
            .await?;
        assert!(table.text().await?.contains("claire"));
        c.find(Locator::Css("#dispatch-preview"))
            .await?
            .click()
            .await?;
        let result = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#dispatch-result table"))
            .await?;
        assert!(result.text().await?.contains("claire"));
        let said = c
            .find(Locator::Css("#dispatch-result p"))
            .await?
            .text()
            .await?;
        assert!(said.contains("0 copie(s) changeraient"), "{said}");
        screenshot(&c, "grading-tab").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "correction tab: {violations:?}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.unwrap();
}

/// Waits until an element's text contains `text` (the page may be reloading meanwhile: an
/// element not found yet, or gone, is asked again).
async fn wait_until_text(
    c: &fantoccini::Client,
    css: &str,
    text: &str,
) -> Result<(), fantoccini::error::CmdError> {
    for _ in 0..200 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
            && t.contains(text)
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let got = c.find(Locator::Css(css)).await?.text().await?;
    panic!("{css} never said {text:?} (it says {got:?})");
}

/// A dispatch by questions from the Correction tab, then a corrector who grades only theirs:
/// the other questions are shown for context and locked, finishing marks their part done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_shares_questions_and_a_corrector_grades_theirs_in_chromium() {
    let srv = Server::start("claire", "Claire Martin", "teacher").await;
    srv.app
        .create_user_cli(&CreateUser {
            username: "david".into(),
            display_name: "David Leroy".into(),
            role: "teacher".into(),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let (q, exam) = exam_with_copies(
        &srv,
        &[
            ("prof", "manager"),
            ("claire", "corrector"),
            ("david", "corrector"),
        ],
    )
    .await;
    let app = srv.app.clone();
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let result = async {
        log_in(&c, &base, "prof").await?;
        c.goto(&format!("{base}/exams/{}/grading", exam.0)).await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("input[name=mode][value=questions]"))
            .await?
            .click()
            .await?;
        // Exercice 1 to Claire, Exercice 2 to David, chosen in each question's list.
        for (i, who) in ["claire", "claire", "david"].iter().enumerate() {
            c.find(Locator::Css(&format!(
                "tr[data-question='{}'] select option[value='{who}']",
                q[i]
            )))
            .await?
            .click()
            .await?;
        }
        c.find(Locator::Css("#dispatch-preview"))
            .await?
            .click()
            .await?;
        wait_until_text(&c, "#dispatch-result", "3 question(s) changeraient").await?;
        let preview = c
            .find(Locator::Css("#dispatch-result table"))
            .await?
            .text()
            .await?;
        assert!(
            preview.contains("claire") && preview.contains("david"),
            "{preview}"
        );
        assert!(
            app.grading_status(&system_session(), exam)
                .await
                .unwrap()
                .correctors
                .is_empty(),
            "a preview changes nothing"
        );
        screenshot(&c, "grading-tab-questions").await?;
        let violations = axe(&c).await?;
        assert!(
            violations.is_empty(),
            "correction tab by questions: {violations:?}"
        );
        js(&c, "window.confirm = () => true").await?;
        c.find(Locator::Css("#dispatch-form button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_until_text(&c, "main table", "Exercice 2").await?;
        screenshot(&c, "grading-tab-questions-dispatched").await?;
        let st = app.grading_status(&system_session(), exam).await.unwrap();
        assert_eq!(st.mode, "questions");
        let shares: Vec<(String, usize)> = st
            .correctors
            .iter()
            .map(|d| (d.corrector.clone(), d.questions.len()))
            .collect();
        assert_eq!(
            shares,
            [("claire".to_string(), 2), ("david".to_string(), 1)]
        );

        // David: his question on every copy; the others locked, marked as someone else's.
        c.delete_all_cookies().await?;
        log_in(&c, &base, "david").await?;
        c.goto(&format!("{base}/grading")).await?;
        let start = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("a.button[href^='/grading/copies/']"))
            .await?;
        let text = c.find(Locator::Css("main")).await?.text().await?;
        assert!(text.contains("Mes questions : Exercice 2"), "{text}");
        assert!(text.contains("2 à corriger"), "{text}");
        start.click().await?;
        let mine = c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("#q-{}", q[2])))
            .await?;
        for other in &q[..2] {
            let input = c.find(Locator::Css(&format!("#q-{other}"))).await?;
            assert!(
                input.attr("disabled").await?.is_some(),
                "{other} is not David's"
            );
        }
        let scheme = c.find(Locator::Css("#desk-scheme")).await?.text().await?;
        assert!(scheme.contains("autre correcteur"), "{scheme}");
        let progress = c.find(Locator::Css("#desk-progress")).await?.text().await?;
        assert_eq!(progress, "0 / 1 de mes questions notées");
        assert_eq!(
            c.find(Locator::Css("#desk-finalize")).await?.text().await?,
            "Terminer ma partie"
        );
        drop(mine);
        // The comment bank: a new comment of his own, a penalty on his question, stamped on
        // the page: the stamp is drawn and the score follows (4 − 0,5).
        c.find(Locator::Css("button[data-tool=stamp]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-bank-list .bank-empty"))
            .await?;
        c.find(Locator::Css("#desk-bank .bank-new summary"))
            .await?
            .click()
            .await?;
        c.find(Locator::Css("#desk-bank-add [name=text]"))
            .await?
            .send_keys("Unité manquante")
            .await?;
        c.find(Locator::Css("#desk-bank-add [name=points]"))
            .await?
            .send_keys("-0,5")
            .await?;
        c.find(Locator::Css(&format!(
            "#desk-bank-add select option[value='{}']",
            q[2]
        )))
        .await?
        .click()
        .await?;
        c.find(Locator::Css("#desk-bank-add button[type=submit]"))
            .await?
            .click()
            .await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css(
                "#desk-bank-list .bank-item[aria-pressed=true]",
            ))
            .await?;
        on_page(&c, 0, (0.0, 0.0), &[]).await?;
        let score_js = format!("return document.getElementById('q-{}').value", q[2]);
        for _ in 0..100 {
            if js(&c, &score_js).await?.as_str() == Some("3,5") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(js(&c, &score_js).await?.as_str(), Some("3,5"));
        // Stamped again: 3; undone (Ctrl+Z): the stamp goes and the score is 3,5 again.
        on_page(&c, 0, (0.0, 60.0), &[]).await?;
        assert_eq!(js(&c, &score_js).await?.as_str(), Some("3"));
        let undo = "document.getElementById('desk-pages').dispatchEvent(new KeyboardEvent('keydown', {key: 'z', ctrlKey: true, bubbles: true}))";
        js(&c, undo).await?;
        assert_eq!(js(&c, &score_js).await?.as_str(), Some("3,5"));
        // Undone once more: the first stamp goes and the question has no score again, on the
        // server too; redone (Ctrl+Y): both come back.
        js(&c, undo).await?;
        assert_eq!(js(&c, &score_js).await?.as_str(), Some(""));
        let on_desk: i64 = js(&c, "return Number(document.getElementById('desk').dataset.copy)")
            .await?
            .as_i64()
            .unwrap();
        wait_until("the score cleared on the server", || {
            let app = app.clone();
            async move {
                let v = server_state(&app, on_desk).await;
                v.scores.is_empty() && !v.annotations.iter().any(|a| a.kind == "stamp")
            }
        })
        .await;
        js(&c, "document.getElementById('desk-pages').dispatchEvent(new KeyboardEvent('keydown', {key: 'y', ctrlKey: true, bubbles: true}))").await?;
        assert_eq!(js(&c, &score_js).await?.as_str(), Some("3,5"));
        // The comment rewritten (✎): the bank shows the new text, the stamp keeps its own.
        c.find(Locator::Css("#desk-bank-list [data-edit]"))
            .await?
            .click()
            .await?;
        let text = c.find(Locator::Css("#desk-bank-add [name=text]")).await?;
        assert_eq!(text.prop("value").await?.as_deref(), Some("Unité manquante"));
        text.send_keys(" (m/s)").await?;
        c.find(Locator::Css("#desk-bank-add button[type=submit]"))
            .await?
            .click()
            .await?;
        wait_until_text(&c, "#desk-bank-list", "Unité manquante (m/s)").await?;
        screenshot(&c, "grading-desk-questions").await?;
        let violations = axe(&c).await?;
        assert!(violations.is_empty(), "desk by questions: {violations:?}");
        let copy: i64 = c
            .find(Locator::Css("#desk"))
            .await?
            .attr("data-copy")
            .await?
            .unwrap()
            .parse()
            .unwrap();
        c.find(Locator::Css("#desk-finalize"))
            .await?
            .click()
            .await?;
        // His part is done; the copy waits for Claire's.
        let his = vec![q[2].clone()];
        wait_until("David's part finalized", || {
            let (app, his) = (app.clone(), his.clone());
            async move { server_state(&app, copy).await.done == his }
        })
        .await;
        let v = server_state(&app, copy).await;
        assert_eq!(v.copy.status.as_str(), "GRADING");
        let stamps: Vec<_> = v.annotations.iter().filter(|a| a.kind == "stamp").collect();
        assert_eq!(stamps.len(), 1, "the undone stamp is gone");
        let stamp = stamps[0];
        assert_eq!(stamp.data["text"], "Unité manquante");
        assert_eq!(stamp.data["points_value"], -0.5);
        assert_eq!(
            v.scores
                .iter()
                .map(|s| (s.question.as_str(), s.points))
                .collect::<Vec<_>>(),
            [(q[2].as_str(), 3.5)]
        );
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.unwrap();
}

/// Marks on the desk: a cross moved with the select tool, the move undone and redone, the cross
/// erased and the erasing undone; each step reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mark_is_moved_undone_redone_and_erased_in_chromium() {
    let srv = Server::start("claire", "Claire Martin", "teacher").await;
    let (_, mine) = exam_for_claire(&srv).await;
    let app = srv.app.clone();
    let (base, dir) = (srv.base.clone(), srv.dir.clone());
    let (_driver, dport) = start_chromedriver().await;
    let c = browser(dport, &dir).await;
    let copy = mine[0].0;
    // The server's marks on the copy: (kind, x) of each.
    let marks = |app: App| async move {
        server_state(&app, copy)
            .await
            .annotations
            .iter()
            .map(|a| (a.kind.clone(), a.data["x"].as_f64().unwrap_or(-1.0)))
            .collect::<Vec<_>>()
    };
    let ctrl = |k: char| {
        format!(
            "document.getElementById('desk-pages').dispatchEvent(new KeyboardEvent('keydown', {{key: '{k}', ctrlKey: true, bubbles: true}}))"
        )
    };
    let result = async {
        log_in(&c, &base, "claire").await?;
        c.goto(&format!("{base}/grading/copies/{copy}")).await?;
        c.wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#desk-pages figure svg image"))
            .await?;
        key(&c, 'x').await?;
        on_page(&c, 0, (-100.0, -100.0), &[]).await?;
        wait_until("the cross is saved", || {
            let app = app.clone();
            async move { marks(app).await.len() == 1 }
        })
        .await;
        let x0 = marks(app.clone()).await[0].1;
        // Select (S) and drag it to the right.
        key(&c, 's').await?;
        on_page(&c, 0, (-100.0, -100.0), &[(40.0, 0.0), (40.0, 0.0)]).await?;
        wait_until("the move is saved", || {
            let app = app.clone();
            async move { marks(app).await.first().is_some_and(|m| m.1 > x0 + 0.02) }
        })
        .await;
        let x1 = marks(app.clone()).await[0].1;
        js(&c, &ctrl('z')).await?;
        wait_until("the move is undone", || {
            let app = app.clone();
            async move {
                marks(app)
                    .await
                    .first()
                    .is_some_and(|m| (m.1 - x0).abs() < 1e-4)
            }
        })
        .await;
        js(&c, &ctrl('y')).await?;
        wait_until("the move is redone", || {
            let app = app.clone();
            async move {
                marks(app)
                    .await
                    .first()
                    .is_some_and(|m| (m.1 - x1).abs() < 1e-4)
            }
        })
        .await;
        // The eraser (G) on the cross where it now is, then undo brings it back.
        key(&c, 'g').await?;
        on_page(&c, 0, (-20.0, -100.0), &[]).await?;
        wait_until("the cross is erased", || {
            let app = app.clone();
            async move { marks(app).await.is_empty() }
        })
        .await;
        js(&c, &ctrl('z')).await?;
        wait_until("the erasing is undone", || {
            let app = app.clone();
            async move {
                let m = marks(app).await;
                m.len() == 1 && m[0].0 == "cross" && (m[0].1 - x1).abs() < 1e-4
            }
        })
        .await;
        let state = c.find(Locator::Css("#desk-save")).await?.text().await?;
        assert!(state.contains("Enregistré"), "{state}");
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = c.close().await;
    srv.stop().await;
    result.unwrap();
}
