//! `korrigo bench export`: the Pronote export (and the gradebook) of an exam with many graded,
//! identified copies, on a throwaway SQLite database: prints the time of each.

use super::*;
use korrigo_app::results::ExportFormat;
use std::time::Instant;

pub(super) async fn run(copies: usize) -> Result<ExitCode> {
    let dir = std::env::temp_dir().join(format!(
        "korrigo-bench-export-{}",
        korrigo_app::tokens::random_hex(6)
    ));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}/korrigo.db", dir.display());
    let cfg = korrigo_app::config::Config::for_tests(dir.clone(), url);
    let db = open_db(&cfg).await?;
    db.migrate().await?;
    let app = App::with_db(cfg, db.clone(), jobs::builtin_registry()).await?;
    let system = korrigo_app::accounts::system_session();
    // A roster of `copies` students, imported as a school does.
    let mut csv = String::from("Nom;Prénom;Né(e) le;Classe\n");
    for i in 0..copies {
        csv.push_str(&format!(
            "ÉLÈVE{i:05};Prénom{};{:02}/{:02}/2008;T{}\n",
            i % 97,
            1 + i % 28,
            1 + i % 12,
            i % 30
        ));
    }
    app.start_student_import(&system, "classes.csv", csv.as_bytes(), &cli_client())
        .await
        .map_err(app_err)?;
    app.run_pending_jobs(&jobs::WorkerTiming::default()).await?;
    let exam = app
        .create_exam(
            &system,
            &korrigo_app::exams::ExamInput {
                name: "Bac blanc".into(),
                subject: "Mathématiques".into(),
                ..Default::default()
            },
            &cli_client(),
        )
        .await
        .map_err(app_err)?
        .exam
        .id;
    let scheme = serde_json::from_value(serde_json::json!({"nodes": [
        {"label": "Exercice 1", "max_points": 10}, {"label": "Exercice 2", "max_points": 10}
    ]}))?;
    let saved = app
        .save_scheme(
            &system,
            exam,
            korrigo_app::exams::SchemeInput {
                scheme,
                version: 0,
                confirm_total_mismatch: true,
                confirm_scores_over: false,
            },
            &cli_client(),
        )
        .await
        .map_err(app_err)?;
    let q: Vec<String> = saved
        .scheme
        .leaves()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    // One graded, identified copy per student, two scores and an appreciation each.
    let e = exam.0;
    for sql in [
        format!(
            "INSERT INTO copies (exam_id, code, status, student_id, id_method, created_at, updated_at) \
             SELECT {e}, 'C' || id, 'GRADED', id, 'manual', 0, 0 FROM students"
        ),
        format!(
            "INSERT INTO scores (copy_id, question_id, points, remark, version, updated_at) \
             SELECT id, '{}', (id * 7) % 41, '', 1, 0 FROM copies WHERE exam_id = {e}",
            q[0]
        ),
        format!(
            "INSERT INTO scores (copy_id, question_id, points, remark, version, updated_at) \
             SELECT id, '{}', (id * 13) % 41, '', 1, 0 FROM copies WHERE exam_id = {e}",
            q[1]
        ),
        format!(
            "INSERT INTO appreciations (copy_id, text, version, updated_at) \
             SELECT id, 'Bon travail; continuez ainsi.', 1, 0 FROM copies WHERE exam_id = {e}"
        ),
    ] {
        korrigo_store::test_support::execute_admin(&db, &sql).await?;
    }
    println!("export of {copies} graded, identified copies (SQLite):");
    for format in [ExportFormat::Pronote, ExportFormat::Csv, ExportFormat::Xlsx] {
        let start = Instant::now();
        let out = app
            .export_results(&system, exam, format, &cli_client())
            .await
            .map_err(app_err)?;
        println!(
            "  {:<28} {:>7.0} ms, {} KB",
            out.file_name,
            start.elapsed().as_secs_f64() * 1000.0,
            out.bytes.len() / 1024
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(ExitCode::SUCCESS)
}
