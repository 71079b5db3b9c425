//! `korrigo bench seed` and `korrigo bench queries`: an académie-sized data set (metadata only,
//! no images) in the configured database, then the hot paths timed through the use cases,
//! with their permission checks, as the web handlers call them.

use super::*;
use korrigo_app::accounts::AuthSession;
use korrigo_app::results::ExportFormat;
use korrigo_domain::{ExamId, PageRequest, UserId};
use korrigo_store::Pools;
use std::time::Instant;

/// One integer from a query (counts, ids).
async fn scalar(db: &Db, sql: &str) -> Result<i64> {
    let q = sqlx::AssertSqlSafe(sql.to_string());
    Ok(match db.pools() {
        Pools::Pg(p) => sqlx::query_scalar::<_, i64>(q).fetch_one(p).await?,
        Pools::Sqlite { read, .. } => sqlx::query_scalar::<_, i64>(q).fetch_one(read).await?,
    })
}

/// Rows of text (query plans).
async fn lines(db: &Db, sql: &str) -> Result<Vec<String>> {
    use sqlx::Row;
    let q = sqlx::AssertSqlSafe(sql.to_string());
    Ok(match db.pools() {
        Pools::Pg(p) => sqlx::query(q)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect(),
        Pools::Sqlite { read, .. } => sqlx::query(q)
            .fetch_all(read)
            .await?
            .iter()
            .map(|r| r.get::<String, _>(3))
            .collect(),
    })
}

/// `WITH RECURSIVE` numbers 1..=n, understood by both databases.
fn numbers(n: usize) -> String {
    format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) ")
}

/// How many copies each exam gets: one of 10,000 (the Pronote export), two of 1,000 (dispatch,
/// statistics, the desk), the rest shared evenly.
fn exam_sizes(exams: usize, copies: usize) -> Vec<usize> {
    let mut sizes = vec![];
    let mut left = copies;
    for want in [10_000, 1_000, 1_000] {
        if sizes.len() < exams && left >= want * 2 {
            sizes.push(want);
            left -= want;
        }
    }
    let rest = exams - sizes.len();
    for k in 0..rest {
        let share = left / (rest - k);
        sizes.push(share);
        left -= share;
    }
    sizes
}

pub(super) async fn seed(
    file: Option<&std::path::Path>,
    exams: usize,
    copies: usize,
    correctors: usize,
) -> Result<ExitCode> {
    if exams == 0 || correctors < 10 || copies < exams {
        bail!("need at least one exam, ten correctors and a copy per exam");
    }
    let app = open_app(file).await?;
    let db = app.db.clone();
    if scalar(&db, "SELECT COUNT(*) FROM exams").await? > 0 {
        bail!(
            "the database already has exams: bench seed fills an empty one (a throwaway \
             DATABASE_URL or KORRIGO_DATA_DIR), never a school's"
        );
    }
    let start = Instant::now();
    let sizes = exam_sizes(exams, copies);
    // One student per copy, in classes of 35; each exam concerns the classes of its students.
    let students = copies;
    let now = korrigo_store::now_ms();
    let sql = |s: String| {
        let db = db.clone();
        async move { korrigo_store::test_support::execute_admin(&db, &s).await }
    };
    eprintln!("accounts and roster...");
    sql(format!(
        "{}INSERT INTO users (username, display_name, role, password_hash, is_active, \
         must_change_password, locale, search_text, created_at, updated_at) \
         SELECT 'bench.prof' || i, 'Prof ' || i, 'teacher', NULL, TRUE, FALSE, 'fr', \
         'bench.prof' || i, {now}, {now} FROM n",
        numbers(correctors)
    ))
    .await?;
    let first_user = scalar(
        &db,
        "SELECT MIN(id) FROM users WHERE username LIKE 'bench.prof%'",
    )
    .await?;
    sql(format!(
        "{}INSERT INTO students (last_name, first_name, birth_date, class_name, identity_key, \
         search_text, created_at, updated_at) \
         SELECT 'NOM' || i, 'Prénom' || (i % 97), '2008-0' || (1 + i % 9) || '-1' || (i % 9), \
         'B' || ((i - 1) / 35), 'bench-' || i, 'nom' || i, {now}, {now} FROM n",
        numbers(students)
    ))
    .await?;
    let first_student = scalar(&db, "SELECT MIN(id) FROM students").await?;
    let system = korrigo_app::accounts::system_session();
    let scheme: korrigo_domain::scheme::Scheme = serde_json::from_value(serde_json::json!({
        "nodes": [
            {"label": "Exercice 1", "children": [{"label": "a", "max_points": 3}, {"label": "b", "max_points": 3}]},
            {"label": "Exercice 2", "max_points": 6},
            {"label": "Exercice 3", "max_points": 8}
        ]
    }))?;
    let mut cursor = 0usize;
    for (k, &size) in sizes.iter().enumerate() {
        if k % 20 == 0 {
            eprintln!("exams {}..{} of {exams}...", k + 1, (k + 20).min(exams));
        }
        let exam = app
            .create_exam(
                &system,
                &korrigo_app::exams::ExamInput {
                    name: format!("Bac blanc {}", k + 1),
                    subject: "Mathématiques".into(),
                    layout: Some("a4:4".into()),
                    ..Default::default()
                },
                &cli_client(),
            )
            .await
            .map_err(app_err)?
            .exam
            .id
            .0;
        let saved = app
            .save_scheme(
                &system,
                ExamId(exam),
                korrigo_app::exams::SchemeInput {
                    scheme: scheme.clone(),
                    version: 0,
                    confirm_total_mismatch: true,
                    confirm_scores_over: false,
                },
                &cli_client(),
            )
            .await
            .map_err(app_err)?;
        // A manager and ten correctors, spread over the accounts.
        let member = |j: usize| first_user + ((k * 10 + j) % correctors) as i64;
        sql(format!(
            "INSERT INTO exam_members (exam_id, user_id, role, created_at) VALUES \
             ({exam}, {}, 'manager', {now})",
            first_user + (k % correctors) as i64
        ))
        .await?;
        let correctors_of: Vec<i64> = (1..=10)
            .map(member)
            .filter(|&u| u != first_user + (k % correctors) as i64)
            .collect();
        for u in &correctors_of {
            sql(format!(
                "INSERT INTO exam_members (exam_id, user_id, role, created_at) VALUES \
                 ({exam}, {u}, 'corrector', {now})"
            ))
            .await?;
        }
        sql(format!(
            "INSERT INTO scan_batches (exam_id, file_name, size, received, store_key, status, \
             grouping, pages_total, pages_done, copies_made, created_at, updated_at) VALUES \
             ({exam}, 'scan.pdf', 1, 1, 'exams/{exam}/batches/bench/source', 'done', 'fixed', \
             {p}, {p}, {size}, {now}, {now})",
            p = size * 4
        ))
        .await?;
        let batch = scalar(
            &db,
            &format!("SELECT MAX(id) FROM scan_batches WHERE exam_id = {exam}"),
        )
        .await?;
        // Copies: one in ten waits for identification (read, unidentified, READY), two in
        // ten are being graded, the rest graded; each with its corrector.
        let offset = cursor;
        cursor += size;
        sql(format!(
            "INSERT INTO exam_classes (exam_id, class_name) SELECT DISTINCT {exam}, class_name \
             FROM students WHERE id BETWEEN {} AND {}",
            first_student + offset as i64,
            first_student + (offset + size) as i64 - 1
        ))
        .await?;
        let case = correctors_of
            .iter()
            .enumerate()
            .map(|(j, u)| format!("WHEN {j} THEN {u}"))
            .collect::<Vec<_>>()
            .join(" ");
        sql(format!(
            "{}INSERT INTO copies (exam_id, code, status, batch_id, student_id, id_method, \
             id_confidence, corrector_id, created_at, updated_at) \
             SELECT {exam}, 'C' || (100000 + i), \
             CASE WHEN i % 10 = 0 THEN 'READY' WHEN i % 10 < 3 THEN 'GRADING' ELSE 'GRADED' END, \
             {batch}, CASE WHEN i % 10 = 0 THEN NULL ELSE {first_student} + {offset} + i - 1 END, \
             CASE WHEN i % 10 = 0 THEN NULL ELSE 'auto' END, 0.95, \
             CASE (i % {nc}) {case} END, {now}, {now} FROM n",
            numbers(size),
            nc = correctors_of.len()
        ))
        .await?;
        sql(format!(
            "INSERT INTO pages (exam_id, batch_id, seq, order_key, copy_id, position, \
             source_file, source_page, rotation, has_header, blank, unsure, deleted, width, \
             height, viewer_key, thumb_key, header_key, created_at) \
             SELECT c.exam_id, c.batch_id, c.id * 4 + p.i, c.id * 4 + p.i, c.id, p.i, \
             'scan.pdf', c.id * 4 + p.i, 0, p.i = 0, FALSE, FALSE, FALSE, 1240, 1754, \
             'exams/{exam}/v', 'exams/{exam}/t', NULL, {now} \
             FROM copies c CROSS JOIN (SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2 \
             UNION ALL SELECT 3) p WHERE c.exam_id = {exam}"
        ))
        .await?;
        for (q, (id, _, max)) in saved.scheme.leaves().into_iter().enumerate() {
            let quarters = max.0 + 1;
            sql(format!(
                "INSERT INTO scores (copy_id, question_id, points, remark, version, updated_at) \
                 SELECT id, '{id}', (id * {m}) % {quarters}, '', 1, {now} FROM copies \
                 WHERE exam_id = {exam} AND status <> 'READY'",
                m = 7 + 6 * q
            ))
            .await?;
        }
        sql(format!(
            "INSERT INTO copy_readings (copy_id, last_name, first_name, birth_date, \
             date_digits, number, boxes, candidates, read_at) \
             SELECT id, 'NOM' || id, 'PRENOM', NULL, '', '', TRUE, '[]', {now} FROM copies \
             WHERE exam_id = {exam} AND student_id IS NULL"
        ))
        .await?;
    }
    // Statistics for the planners, as autovacuum (PostgreSQL) or `PRAGMA optimize` would
    // gather them after such a load.
    sql("ANALYZE".into()).await?;
    let count = |t: &'static str| {
        let db = db.clone();
        async move { scalar(&db, &format!("SELECT COUNT(*) FROM {t}")).await }
    };
    println!(
        "seeded in {:.0} s: {} exams, {} copies, {} pages, {} scores, {} students, {} accounts ({})",
        start.elapsed().as_secs_f64(),
        count("exams").await?,
        count("copies").await?,
        count("pages").await?,
        count("scores").await?,
        count("students").await?,
        count("users").await?,
        if matches!(db.pools(), Pools::Pg(_)) {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// A session for an account, as the web layer's extractor builds it.
async fn session(app: &App, user: i64) -> Result<AuthSession> {
    let mut c = app.db.read().await?;
    let user = korrigo_store::users::find(c.conn(), UserId(user))
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {user} is missing"))?;
    Ok(AuthSession {
        user,
        id_hash: String::new(),
        csrf_token: String::new(),
    })
}

/// p50, p95 and the worst of `runs` timings, in milliseconds.
fn percentiles(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95), ms[ms.len() - 1])
}

pub(super) async fn queries(file: Option<&std::path::Path>, runs: usize) -> Result<ExitCode> {
    let app = open_app(file).await?;
    let db = app.db.clone();
    let pick = |sql: String| {
        let db = db.clone();
        async move { scalar(&db, &sql).await }
    };
    let size = |n: i64| {
        format!(
            "SELECT exam_id FROM copies GROUP BY exam_id HAVING COUNT(*) = {n} ORDER BY exam_id \
             LIMIT 1"
        )
    };
    let (big, mid) = match (pick(size(10_000)).await, pick(size(1_000)).await) {
        (Ok(b), Ok(m)) => (b, m),
        _ => bail!("no exam of 10,000 and of 1,000 copies: run `korrigo bench seed` first"),
    };
    let manager_of = |e: i64| {
        format!("SELECT user_id FROM exam_members WHERE exam_id = {e} AND role = 'manager'")
    };
    let manager = session(&app, pick(manager_of(mid)).await?).await?;
    let big_manager = session(&app, pick(manager_of(big)).await?).await?;
    // The busiest corrector: the dashboard with the most copies.
    let corrector_id = pick(
        "SELECT corrector_id FROM copies WHERE corrector_id IS NOT NULL GROUP BY corrector_id \
         ORDER BY COUNT(*) DESC, corrector_id LIMIT 1"
            .into(),
    )
    .await?;
    let corrector = session(&app, corrector_id).await?;
    let their_copies = pick(format!(
        "SELECT COUNT(*) FROM copies WHERE corrector_id = {corrector_id}"
    ))
    .await?;
    let total = pick("SELECT COUNT(*) FROM copies".into()).await?;
    let correctors_of_mid: Vec<String> = {
        let mut c = app.db.read().await?;
        korrigo_store::exams::members(c.conn(), ExamId(mid))
            .await?
            .into_iter()
            .filter(|m| m.role == "corrector")
            .map(|m| m.username)
            .collect()
    };
    let last_page = (10_000 / 50) as u32;
    let backend = if matches!(db.pools(), Pools::Pg(_)) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}, {total} copies; {runs} runs each (after one warm-up): p50 / p95 / worst, ms"
    );
    let client = cli_client();
    let mut over = 0;
    macro_rules! time {
        ($name:expr, $target:expr, $body:expr) => {{
            let _ = $body; // warm-up
            let mut ms = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                let _ = $body;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let (p50, p95, worst) = percentiles(ms);
            let target: Option<f64> = $target;
            let flag = match target {
                Some(t) if p95 >= t => {
                    over += 1;
                    "  OVER TARGET"
                }
                _ => "",
            };
            println!(
                "  {:<52} {p50:>8.1} {p95:>8.1} {worst:>8.1}{}{flag}",
                $name,
                target.map_or(String::new(), |t| format!("   (target p95 < {t:.0})"))
            );
        }};
    }
    time!(
        "manager's copy list, 10,000 copies, page 1",
        Some(50.0),
        app.list_copies(
            &big_manager,
            ExamId(big),
            PageRequest::new(Some(1), Some(50))
        )
        .await
        .map_err(app_err)?
    );
    time!(
        format!("manager's copy list, 10,000 copies, page {last_page}"),
        Some(50.0),
        app.list_copies(
            &big_manager,
            ExamId(big),
            PageRequest::new(Some(last_page), Some(50))
        )
        .await
        .map_err(app_err)?
    );
    time!(
        format!("corrector's dashboard ({their_copies} copies)"),
        Some(50.0),
        app.my_grading_copies(&corrector, None)
            .await
            .map_err(app_err)?
    );
    time!(
        "identification desk, 1,000 copies, pending",
        Some(50.0),
        app.identification_desk(&manager, ExamId(mid), "pending")
            .await
            .map_err(app_err)?
    );
    time!(
        "exam list (a teacher)",
        Some(50.0),
        app.list_exams(
            &manager,
            None,
            false,
            Default::default(),
            PageRequest::new(Some(1), Some(50))
        )
        .await
        .map_err(app_err)?
    );
    let input = korrigo_app::grading::DispatchInput {
        mode: None,
        correctors: correctors_of_mid.clone(),
        weights: Default::default(),
        questions: Default::default(),
        preview: true,
    };
    time!(
        "dispatch preview, 1,000 copies",
        None,
        app.dispatch(&manager, ExamId(mid), &input, &client)
            .await
            .map_err(app_err)?
    );
    time!(
        "statistics, 1,000 copies",
        None,
        app.exam_stats(&manager, ExamId(mid))
            .await
            .map_err(app_err)?
    );
    time!(
        "Pronote export, 10,000 copies",
        None,
        app.export_results(&big_manager, ExamId(big), ExportFormat::Pronote, &client)
            .await
            .map_err(app_err)?
    );

    // The plans of the lists' queries, to see the indexes used.
    let explain = if backend == "SQLite" {
        "EXPLAIN QUERY PLAN "
    } else {
        "EXPLAIN "
    };
    println!("\nquery plans:");
    for (name, sql) in
        korrigo_store::hot_queries(big, mid, corrector_id, (last_page as i64 - 1) * 50)
    {
        println!("  {name}:");
        for l in lines(&db, &format!("{explain}{sql}")).await? {
            println!("    {l}");
        }
    }
    Ok(if over == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
