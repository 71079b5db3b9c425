//! Identification labels end to end below HTTP, on both backends: a manager prints the label
//! sheets (tokens given, journaled), students stick them on their copies, the scans are read
//! and the copies with a label are identified by it; a label seen twice or of a student not
//! taking the exam identifies nothing by itself and is shown on the desk.

use korrigo_app::ClientInfo;
use korrigo_app::accounts::system_session;
use korrigo_app::labels::LabelsInput;
use korrigo_domain::identify::IdMethod;
use korrigo_media::labels::Label;
use korrigo_media::synth::{self, SynthOptions};
use korrigo_store::both_backends;
use korrigo_store::test_support::Which;

mod common;
use common::env;

both_backends!(copies_with_a_label_are_identified_by_it);

async fn copies_with_a_label_are_identified_by_it(w: Which) {
    let e = env(w).await;
    let class = synth::students(7);
    e.import_class(&class, "1A").await;
    let exam = e.exam("a4:2").await;
    // Nobody in a class the exam does not have: a clear refusal, nothing printed.
    let none = e
        .app
        .exam_labels(
            &system_session(),
            exam,
            &LabelsInput {
                class: Some("2B".into()),
                ..LabelsInput::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap_err();
    assert!(none.to_string().contains("2B"), "{none}");
    // The sheets: one label per student, on one A4 sheet, each with a token.
    let printed = e
        .app
        .exam_labels(
            &system_session(),
            exam,
            &LabelsInput::default(),
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!((printed.students, printed.labels), (7, 7));
    let text = korrigo_media::pdf_text::pdf_text(&printed.pdf).unwrap();
    for s in &class {
        assert!(
            text.contains(&s.last_name.to_uppercase()),
            "{} missing",
            s.last_name
        );
    }
    let students = {
        let mut c = e.app.db.read().await.unwrap();
        korrigo_store::identify::exam_students(c.conn(), exam)
            .await
            .unwrap()
    };
    let token_of = |i: usize| {
        let st = students
            .iter()
            .find(|s| s.last_name == class[i].last_name && s.first_name == class[i].first_name)
            .unwrap();
        (
            st.id,
            st.label_token.clone().expect("a token after printing"),
        )
    };
    // Printing again (a spare sheet) keeps every token: labels already handed out stay valid.
    let again = e
        .app
        .exam_labels(
            &system_session(),
            exam,
            &LabelsInput {
                per_student: Some(2),
                skip: Some(5),
                ..LabelsInput::default()
            },
            &ClientInfo::default(),
        )
        .await
        .unwrap();
    assert_eq!(again.labels, 14);
    let label = |i: usize, token: String| Label {
        token,
        last_name: class[i].last_name.clone(),
        first_name: class[i].first_name.clone(),
        class: "1A".into(),
    };
    // Copies 0–3 carry their own label; 4 and 5 both carry student 5's (one stuck on a
    // classmate's copy); 6 carries a label of nobody in this school.
    let mut labels: Vec<Option<Label>> = (0..4).map(|i| Some(label(i, token_of(i).1))).collect();
    labels.push(Some(label(5, token_of(5).1)));
    labels.push(Some(label(5, token_of(5).1)));
    labels.push(Some(label(6, "ABCDEFGHJKLMNPQRSTUV".into())));
    let fonts = synth::handwriting_fonts();
    let pdf = synth::batch_pdf(
        &class,
        &SynthOptions {
            dpi: 150,
            pages_per_copy: 2,
            lines: 2,
            skew_deg: 1.5,
            hand_fonts: vec![fonts[0].clone()],
            labels,
            ..SynthOptions::default()
        },
    );
    let path = e.file("classe.pdf", &pdf);
    e.import(exam, &path, None).await.unwrap();
    e.run().await;
    let desk = e
        .app
        .identification_desk(&system_session(), exam, "all")
        .await
        .unwrap();
    assert_eq!(desk.total, 7);
    for (i, c) in desk.items.iter().enumerate() {
        let read = c.read.as_ref().expect("every copy read");
        match i {
            0..=3 => {
                assert_eq!(c.method, Some(IdMethod::Label), "copy {i}");
                assert_eq!(c.student.as_ref().unwrap().id, token_of(i).0, "copy {i}");
                assert_eq!(read["label"]["student"], token_of(i).0);
            }
            4 | 5 => {
                assert_ne!(
                    c.method,
                    Some(IdMethod::Label),
                    "copy {i}: a label seen twice"
                );
                assert_eq!(read["label"]["student"], token_of(5).0);
            }
            _ => {
                assert_ne!(c.method, Some(IdMethod::Label));
                assert!(read["label"].is_object() && read["label"]["student"].is_null());
            }
        }
        // Whatever decided, never the wrong student.
        if let Some(s) = &c.student {
            assert_eq!(s.last_name, class[i].last_name, "copy {i}");
        }
    }
    // Counted with the automatic ones on the desk; journaled with their method.
    assert!(desk.auto >= 4);
    let journal = e
        .app
        .audit_log(
            &system_session(),
            &korrigo_store::audit::AuditFilter::default(),
            korrigo_domain::PageRequest::new(None, Some(100)),
        )
        .await
        .unwrap();
    let count = |action: &str, method: Option<&str>| {
        journal
            .items
            .iter()
            .filter(|j| j.action == action)
            .filter(|j| {
                method.is_none_or(|m| {
                    serde_json::from_str::<serde_json::Value>(&j.details).unwrap()["method"] == m
                })
            })
            .count()
    };
    assert_eq!(count("labels.printed", None), 2);
    assert_eq!(count("copy.identified", Some("label")), 4);
    e.done().await;
}
