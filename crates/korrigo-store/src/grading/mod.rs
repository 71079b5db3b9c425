//! Grading: which corrector has which copy, scores in quarter points, appreciations and each
//! copy's journal. Every write of a score or an appreciation names the version it was based
//! on; a stale one changes nothing (the caller answers 409).

use crate::query::id_list;
use crate::{Conn, StoreError, on_conn};
use korrigo_domain::copies::CopyStatus;

mod comments;
mod shares;
pub use comments::*;
pub use shares::*;

/// A copy as the dispatch sees it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DispatchRow {
    /// The copy.
    pub id: i64,
    /// Its anonymous code.
    pub code: String,
    /// Its corrector, if any.
    pub corrector_id: Option<i64>,
    /// Its status.
    #[sqlx(try_from = "String")]
    pub status: korrigo_domain::copies::CopyStatus,
    /// Whether a score was saved on it.
    pub scored: bool,
}

/// An exam's copies with their correctors and whether their grading started, in one query.
pub async fn dispatch_state(c: Conn<'_>, exam_id: i64) -> Result<Vec<DispatchRow>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT c.id, c.code, c.corrector_id, c.status, \
         EXISTS (SELECT 1 FROM scores s WHERE s.copy_id = c.id) AS scored \
         FROM copies c WHERE c.exam_id = $1 ORDER BY c.id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// Gives copies to correctors, all in one statement (`(copy, corrector)` pairs).
pub async fn assign(c: Conn<'_>, pairs: &[(i64, i64)], now: i64) -> Result<(), StoreError> {
    if pairs.is_empty() {
        return Ok(());
    }
    // Integers only: nothing from input is written into the statement.
    let cases: String = pairs
        .iter()
        .map(|(copy, user)| format!(" WHEN {copy} THEN {user}"))
        .collect();
    let ids: Vec<i64> = pairs.iter().map(|(copy, _)| *copy).collect();
    let sql = format!(
        "UPDATE copies SET corrector_id = CASE id{cases} END, updated_at = $1 WHERE id IN ({})",
        id_list(&ids)
    );
    on_conn!(c, c => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Gives one copy to another corrector, unless it is graded (or beyond) meanwhile; whether it
/// was moved.
pub async fn reassign(
    c: Conn<'_>,
    copy: i64,
    corrector: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE copies SET corrector_id = $1, updated_at = $2 \
         WHERE id = $3 AND status IN ('READY', 'GRADING')")
        .bind(corrector)
        .bind(now)
        .bind(copy)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Takes back a corrector's untouched copies (ready, no score, no mark) in one guarded
/// statement, so that a copy started meanwhile stays theirs; answers the copies released.
pub async fn release_untouched(
    c: Conn<'_>,
    exam_id: i64,
    corrector: i64,
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "UPDATE copies SET corrector_id = NULL, updated_at = $1 \
         WHERE exam_id = $2 AND corrector_id = $3 AND status = 'READY' \
         AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.copy_id = copies.id) \
         AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.copy_id = copies.id AND NOT a.deleted) \
         RETURNING id")
        .bind(now)
        .bind(exam_id)
        .bind(corrector)
        .fetch_all(&mut *c)
        .await)?)
}

/// Whether the copy's journal already has `action` by this user (the first opening of a copy
/// is journaled once per corrector).
pub async fn journal_has(
    c: Conn<'_>,
    copy_id: i64,
    action: &str,
    actor: i64,
) -> Result<bool, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM copy_journal WHERE copy_id = $1 AND action = $2 AND actor_id = $3)")
        .bind(copy_id)
        .bind(action)
        .bind(actor)
        .fetch_one(&mut *c)
        .await)?)
}

/// A score of an exam, with its copy's code (for the scheme editor's check).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExamScore {
    /// The copy.
    pub copy_id: i64,
    /// Its anonymous code.
    pub code: String,
    /// The question's stable id.
    pub question_id: String,
    /// Quarter points.
    pub points: i64,
}

/// Every score of an exam, in one query.
pub async fn scores_of_exam(c: Conn<'_>, exam_id: i64) -> Result<Vec<ExamScore>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT s.copy_id, c.code, s.question_id, s.points FROM scores s \
         JOIN copies c ON c.id = s.copy_id WHERE c.exam_id = $1 ORDER BY c.code, s.question_id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// A copy of a corrector's list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssignedCopy {
    /// The copy.
    pub id: i64,
    /// Its exam.
    pub exam_id: i64,
    /// Its anonymous code.
    pub code: String,
    /// Its status.
    #[sqlx(try_from = "String")]
    pub status: korrigo_domain::copies::CopyStatus,
    /// Its corrector (dispatch by copies).
    pub corrector_id: Option<i64>,
    /// Scores saved on the caller's questions (dispatch by questions).
    pub my_scored: i64,
    /// The caller's questions done on it (dispatch by questions).
    pub my_done: i64,
}

/// A corrector's copies, by copies or by questions ($1 corrector, $2 exam or 0 for all): theirs
/// by copies (through `copies_corrector_idx`), then the other copies of the exams where they
/// grade questions (through the exam's copies) — two branches rather than one `OR`, which
/// made every copy of every exam be read.
pub(crate) static ASSIGNED_TO_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let columns = "c.id, c.exam_id, c.code, c.status, c.corrector_id, \
         (SELECT COUNT(*) FROM scores s JOIN question_shares q ON q.exam_id = c.exam_id \
            AND q.question_id = s.question_id AND q.corrector_id = $1 WHERE s.copy_id = c.id) AS my_scored, \
         (SELECT COUNT(*) FROM questions_done d JOIN question_shares q ON q.exam_id = c.exam_id \
            AND q.question_id = d.question_id AND q.corrector_id = $1 WHERE d.copy_id = c.id) AS my_done";
    format!(
        "SELECT {columns} FROM copies c WHERE c.corrector_id = $1 AND ($2 = 0 OR c.exam_id = $2) \
         UNION ALL \
         SELECT {columns} FROM copies c WHERE c.exam_id IN \
           (SELECT DISTINCT q.exam_id FROM question_shares q WHERE q.corrector_id = $1) \
           AND ($2 = 0 OR c.exam_id = $2) AND c.status <> 'PROCESSING' \
           AND (c.corrector_id IS NULL OR c.corrector_id <> $1) \
         ORDER BY 2, 3"
    )
});

/// The copies given to a corrector (of one exam, or of all), in one query: theirs by copies,
/// and every copy of an exam where they grade questions.
pub async fn assigned_to(
    c: Conn<'_>,
    corrector: i64,
    exam_id: Option<i64>,
) -> Result<Vec<AssignedCopy>, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(ASSIGNED_TO_SQL.as_str()))
        .bind(corrector)
        .bind(exam_id.unwrap_or(0))
        .fetch_all(&mut *c)
        .await)?,
    )
}

/// A saved score.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ScoreRow {
    /// The scheme node's stable id.
    pub question_id: String,
    /// Quarter points.
    pub points: i64,
    /// The corrector's remark.
    pub remark: String,
    /// The version a next write must name.
    pub version: i64,
}

/// A copy's scores.
pub async fn scores_of(c: Conn<'_>, copy_id: i64) -> Result<Vec<ScoreRow>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT question_id, points, remark, version FROM scores WHERE copy_id = $1 ORDER BY question_id")
        .bind(copy_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// A score to write.
#[derive(Clone, Copy, Debug)]
pub struct ScoreWrite<'a> {
    /// The copy.
    pub copy_id: i64,
    /// The scheme node's stable id.
    pub question_id: &'a str,
    /// Quarter points.
    pub points: i64,
    /// The remark.
    pub remark: &'a str,
    /// The version the write is based on (0: there is none yet).
    pub expected: i64,
    /// Who writes.
    pub by: i64,
}

/// Writes a score based on `w.expected`: the version of the stored score, or, when there is
/// none, 0 or the version a clearing left. `None` when the stored version is another (someone
/// saved or cleared meanwhile): nothing is written. Versions only grow, clearings included.
pub async fn save_score(
    c: Conn<'_>,
    w: &ScoreWrite<'_>,
    now: i64,
) -> Result<Option<ScoreRow>, StoreError> {
    let mut c = c;
    // Versions start at 1: a write based on 0 can only create the score.
    if w.expected > 0 {
        let updated: Option<ScoreRow> = on_conn!(c.reborrow(), c => sqlx::query_as(
            "UPDATE scores SET points = $3, remark = $4, version = version + 1, updated_by = $6, \
             updated_at = $7 WHERE copy_id = $1 AND question_id = $2 AND version = $5 \
             RETURNING question_id, points, remark, version")
            .bind(w.copy_id)
            .bind(w.question_id)
            .bind(w.points)
            .bind(w.remark)
            .bind(w.expected)
            .bind(w.by)
            .bind(now)
            .fetch_optional(&mut *c)
            .await)?;
        if updated.is_some() {
            return Ok(updated);
        }
    }
    // No score at that version: a first save, or one after a clearing, when the writer saw
    // that state (0, or the clearing's version); the version goes on from the clearing's.
    let inserted: Option<ScoreRow> = on_conn!(c.reborrow(), c => sqlx::query_as(
        "INSERT INTO scores (copy_id, question_id, points, remark, version, updated_by, updated_at) \
         SELECT $1, $2, $3, $4, COALESCE(MAX(t.version), 0) + 1, $6, $7 \
         FROM (SELECT version FROM cleared_scores WHERE copy_id = $1 AND question_id = $2) t WHERE TRUE \
         HAVING $5 = 0 OR $5 = COALESCE(MAX(t.version), 0) \
         ON CONFLICT (copy_id, question_id) DO NOTHING \
         RETURNING question_id, points, remark, version")
        .bind(w.copy_id)
        .bind(w.question_id)
        .bind(w.points)
        .bind(w.remark)
        .bind(w.expected)
        .bind(w.by)
        .bind(now)
        .fetch_optional(&mut *c)
        .await)?;
    // A version above 1 on creation came from a clearing, whose trace is no longer needed.
    if inserted.as_ref().is_some_and(|r| r.version > 1) {
        on_conn!(c, c => sqlx::query(
            "DELETE FROM cleared_scores WHERE copy_id = $1 AND question_id = $2")
            .bind(w.copy_id)
            .bind(w.question_id)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
    }
    Ok(inserted)
}

/// Clears a score based on `expected`, leaving its next version behind. The new version, or
/// `None` when the stored version is another or there is no score: nothing is cleared.
pub async fn delete_score(
    c: Conn<'_>,
    copy_id: i64,
    question_id: &str,
    expected: i64,
) -> Result<Option<i64>, StoreError> {
    let mut c = c;
    let gone: Option<i64> = on_conn!(c.reborrow(), c => sqlx::query_scalar(
        "DELETE FROM scores WHERE copy_id = $1 AND question_id = $2 AND version = $3 RETURNING version")
        .bind(copy_id)
        .bind(question_id)
        .bind(expected)
        .fetch_optional(&mut *c)
        .await)?;
    let Some(v) = gone else {
        return Ok(None);
    };
    on_conn!(c, c => sqlx::query(
        "INSERT INTO cleared_scores (copy_id, question_id, version) VALUES ($1, $2, $3) \
         ON CONFLICT (copy_id, question_id) DO UPDATE SET version = excluded.version")
        .bind(copy_id)
        .bind(question_id)
        .bind(v + 1)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(Some(v + 1))
}

/// A copy's appreciation and its version.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AppreciationRow {
    /// The text.
    pub text: String,
    /// The version a next write must name.
    pub version: i64,
}

/// The totals (quarter points) of some copies, in one query; a copy without a score is absent.
pub async fn totals_of(
    c: Conn<'_>,
    copies: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
    if copies.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT copy_id, CAST(SUM(points) AS BIGINT) FROM scores WHERE copy_id IN ({}) GROUP BY copy_id",
        crate::query::id_list(copies)
    );
    let rows: Vec<(i64, i64)> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *c)
        .await)?;
    Ok(rows.into_iter().collect())
}

/// Every appreciation of an exam's copies, in one query: (copy, text).
pub async fn appreciations_of_exam(
    c: Conn<'_>,
    exam_id: i64,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT a.copy_id, a.text FROM appreciations a JOIN copies c ON c.id = a.copy_id \
         WHERE c.exam_id = $1")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// A copy's appreciation, if written.
pub async fn appreciation_of(
    c: Conn<'_>,
    copy_id: i64,
) -> Result<Option<AppreciationRow>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT text, version FROM appreciations WHERE copy_id = $1")
        .bind(copy_id)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Writes the appreciation based on `expected` (0: none yet); `None` when stale.
pub async fn save_appreciation(
    c: Conn<'_>,
    copy_id: i64,
    text: &str,
    expected: i64,
    by: i64,
    now: i64,
) -> Result<Option<AppreciationRow>, StoreError> {
    let sql = if expected == 0 {
        "INSERT INTO appreciations (copy_id, text, version, updated_by, updated_at) \
         VALUES ($1, $2, 1, $4, $5) ON CONFLICT (copy_id) DO NOTHING RETURNING text, version"
    } else {
        "UPDATE appreciations SET text = $2, version = version + 1, updated_by = $4, updated_at = $5 \
         WHERE copy_id = $1 AND version = $3 RETURNING text, version"
    };
    Ok(on_conn!(c, c => sqlx::query_as(sql)
        .bind(copy_id)
        .bind(text)
        .bind(expected)
        .bind(by)
        .bind(now)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Moves a copy from `from` to `to` (the caller asked the domain's transition table); false
/// when the copy was not in `from` (someone else moved it first).
pub async fn move_copy(
    c: Conn<'_>,
    copy_id: i64,
    from: CopyStatus,
    to: CopyStatus,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE copies SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
        .bind(to.as_str())
        .bind(now)
        .bind(copy_id)
        .bind(from.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One line of a copy's journal.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JournalRow {
    /// When (ms).
    pub at: i64,
    /// Who (a staff username; never a student).
    pub actor_username: Option<String>,
    /// What (`dispatched`, `score_saved`, `finalized`, `reopened`, ...).
    pub action: String,
    /// Facts, as JSON text.
    pub details: String,
}

/// Appends lines to copies' journals, a thousand per statement.
pub async fn journal(
    mut c: Conn<'_>,
    lines: &[(i64, &str, serde_json::Value)],
    actor: Option<(i64, &str)>,
    now: i64,
) -> Result<(), StoreError> {
    for chunk in lines.chunks(1000) {
        let mut sql = String::from(
            "INSERT INTO copy_journal (copy_id, at, actor_id, actor_username, action, details) VALUES ",
        );
        let mut n = 0;
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5,
                n + 6
            ));
            n += 6;
        }
        on_conn!(c.reborrow(), c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (copy, action, details) in chunk {
                q = q
                    .bind(*copy)
                    .bind(now)
                    .bind(actor.map(|a| a.0).filter(|id| *id > 0))
                    .bind(actor.map(|a| a.1.to_string()))
                    .bind(action.to_string())
                    .bind(details.to_string());
            }
            q.execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// A copy's journal, oldest first.
pub async fn journal_of(c: Conn<'_>, copy_id: i64) -> Result<Vec<JournalRow>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT at, actor_username, action, details FROM copy_journal WHERE copy_id = $1 ORDER BY at, id")
        .bind(copy_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// A mark on a page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AnnotationRow {
    /// The mark.
    pub id: i64,
    /// Its copy.
    pub copy_id: i64,
    /// Its page.
    pub page_id: i64,
    /// `pen`, `text`, ...
    pub kind: String,
    /// Its geometry and text, as JSON text (checked by the domain).
    pub data: String,
    /// The version a next write must name.
    pub version: i64,
    /// Who drew it.
    pub created_by: Option<i64>,
}

const ANNOTATION_COLUMNS: &str = "id, copy_id, page_id, kind, data, version, created_by";

/// A copy's marks (not the deleted ones), page by page, oldest first.
pub async fn annotations_of(c: Conn<'_>, copy_id: i64) -> Result<Vec<AnnotationRow>, StoreError> {
    let sql = format!(
        "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE copy_id = $1 AND deleted = FALSE ORDER BY page_id, id"
    );
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(copy_id).fetch_all(&mut *c).await)?,
    )
}

/// One mark (deleted ones included: a stale delete still finds it).
pub async fn find_annotation(c: Conn<'_>, id: i64) -> Result<Option<AnnotationRow>, StoreError> {
    let sql =
        format!("SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE id = $1 AND deleted = FALSE");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?,
    )
}

/// Adds a mark (version 1).
pub async fn add_annotation(
    c: Conn<'_>,
    copy_id: i64,
    page_id: i64,
    kind: &str,
    data: &str,
    by: i64,
    now: i64,
) -> Result<AnnotationRow, StoreError> {
    let sql = format!(
        "INSERT INTO annotations (copy_id, page_id, kind, data, version, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING {ANNOTATION_COLUMNS}"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(copy_id)
        .bind(page_id)
        .bind(kind)
        .bind(data)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *c)
        .await)?)
}

/// Changes a mark's data if its version is still `expected`; `None` when stale or gone.
pub async fn update_annotation(
    c: Conn<'_>,
    id: i64,
    data: &str,
    expected: i64,
    now: i64,
) -> Result<Option<AnnotationRow>, StoreError> {
    let sql = format!(
        "UPDATE annotations SET data = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND version = $4 AND deleted = FALSE RETURNING {ANNOTATION_COLUMNS}"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(data)
        .bind(now)
        .bind(id)
        .bind(expected)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Deletes a mark (kept aside) if its version is still `expected`; false when stale or gone.
pub async fn delete_annotation(
    c: Conn<'_>,
    id: i64,
    expected: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE annotations SET deleted = TRUE, version = version + 1, updated_at = $1 \
         WHERE id = $2 AND version = $3 AND deleted = FALSE")
        .bind(now)
        .bind(id)
        .bind(expected)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
