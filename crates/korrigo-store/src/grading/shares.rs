//! Dispatch by questions: which corrector grades which question of an exam on every copy, and
//! which questions are done on each copy (a corrector finalized their part).

use crate::query::id_list;
use crate::{Conn, StoreError, on_conn};

/// A question and its corrector.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct QuestionShare {
    /// The scheme leaf's stable id.
    pub question_id: String,
    /// Its corrector.
    pub corrector_id: i64,
}

/// An exam's question shares (empty: the exam is dispatched by copies).
pub async fn question_shares(c: Conn<'_>, exam_id: i64) -> Result<Vec<QuestionShare>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT question_id, corrector_id FROM question_shares WHERE exam_id = $1 ORDER BY question_id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// The questions one corrector grades in an exam.
pub async fn questions_of(
    c: Conn<'_>,
    exam_id: i64,
    corrector: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT question_id FROM question_shares WHERE exam_id = $1 AND corrector_id = $2 \
         ORDER BY question_id")
        .bind(exam_id)
        .bind(corrector)
        .fetch_all(&mut *c)
        .await)?)
}

/// A corrector's questions in each of the given exams, in one query (`(exam, question)`).
pub async fn questions_in_exams(
    c: Conn<'_>,
    corrector: i64,
    exams: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if exams.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT exam_id, question_id FROM question_shares WHERE corrector_id = $1 \
         AND exam_id IN ({}) ORDER BY exam_id, question_id",
        id_list(exams)
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(corrector)
        .fetch_all(&mut *c)
        .await)?)
}

/// Replaces an exam's question shares (an empty list returns the exam to a dispatch by copies).
pub async fn set_question_shares(
    mut c: Conn<'_>,
    exam_id: i64,
    shares: &[QuestionShare],
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c.reborrow(), c => sqlx::query("DELETE FROM question_shares WHERE exam_id = $1")
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    if shares.is_empty() {
        return Ok(());
    }
    // One statement whatever the number of questions; only placeholders are formatted in.
    let rows: Vec<String> = (0..shares.len())
        .map(|i| format!("($1, ${}, ${}, $2)", 3 + 2 * i, 4 + 2 * i))
        .collect();
    let sql = format!(
        "INSERT INTO question_shares (exam_id, question_id, corrector_id, updated_at) VALUES {}",
        rows.join(", ")
    );
    on_conn!(c, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(exam_id).bind(now);
        for s in shares {
            q = q.bind(&s.question_id).bind(s.corrector_id);
        }
        q.execute(&mut *c).await.map(|_| ())
    })?;
    Ok(())
}

/// Gives one question to a corrector (a question added to the scheme after the dispatch
/// included); answers its previous corrector, if it had one.
pub async fn reassign_question(
    mut c: Conn<'_>,
    exam_id: i64,
    question: &str,
    corrector: i64,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let before: Option<i64> = on_conn!(c.reborrow(), c => sqlx::query_scalar(
        "SELECT corrector_id FROM question_shares WHERE exam_id = $1 AND question_id = $2")
        .bind(exam_id)
        .bind(question)
        .fetch_optional(&mut *c)
        .await)?;
    on_conn!(c, c => sqlx::query(
        "INSERT INTO question_shares (exam_id, question_id, corrector_id, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (exam_id, question_id) \
         DO UPDATE SET corrector_id = excluded.corrector_id, updated_at = excluded.updated_at")
        .bind(exam_id)
        .bind(question)
        .bind(corrector)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(before)
}

/// Takes back a corrector's questions that no copy has a score on, in one guarded statement;
/// answers the questions released (they wait for the next dispatch).
pub async fn release_untouched_questions(
    c: Conn<'_>,
    exam_id: i64,
    corrector: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "DELETE FROM question_shares WHERE exam_id = $1 AND corrector_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM scores s JOIN copies k ON k.id = s.copy_id \
           WHERE k.exam_id = $1 AND s.question_id = question_shares.question_id) \
         RETURNING question_id")
        .bind(exam_id)
        .bind(corrector)
        .fetch_all(&mut *c)
        .await)?)
}

/// Takes every copy of the exam from its corrector (before a dispatch by questions).
pub async fn clear_copy_correctors(c: Conn<'_>, exam_id: i64, now: i64) -> Result<u64, StoreError> {
    Ok(on_conn!(c, c => sqlx::query(
        "UPDATE copies SET corrector_id = NULL, updated_at = $1 \
         WHERE exam_id = $2 AND corrector_id IS NOT NULL")
        .bind(now)
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?)
}

/// Whether the user grades questions of this exam.
pub async fn has_question_share(
    c: Conn<'_>,
    exam_id: i64,
    corrector: i64,
) -> Result<bool, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM question_shares WHERE exam_id = $1 AND corrector_id = $2)")
        .bind(exam_id)
        .bind(corrector)
        .fetch_one(&mut *c)
        .await)?)
}

/// Marks questions done on a copy (a part finalized); a question already done stays as it was.
pub async fn mark_done(
    mut c: Conn<'_>,
    copy_id: i64,
    questions: &[String],
    by: i64,
    now: i64,
) -> Result<(), StoreError> {
    for q in questions {
        on_conn!(c.reborrow(), c => sqlx::query(
            "INSERT INTO questions_done (copy_id, question_id, done_by, done_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (copy_id, question_id) DO NOTHING")
            .bind(copy_id)
            .bind(q)
            .bind(by)
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// The questions done on a copy.
pub async fn done_of(c: Conn<'_>, copy_id: i64) -> Result<Vec<String>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT question_id FROM questions_done WHERE copy_id = $1 ORDER BY question_id")
        .bind(copy_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// Every `(copy, question)` done in an exam, in one query.
pub async fn done_of_exam(c: Conn<'_>, exam_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT d.copy_id, d.question_id FROM questions_done d JOIN copies k ON k.id = d.copy_id \
         WHERE k.exam_id = $1 ORDER BY d.copy_id, d.question_id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// Clears a copy's done questions (it is reopened: its correctors finalize again).
pub async fn clear_done(c: Conn<'_>, copy_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("DELETE FROM questions_done WHERE copy_id = $1")
        .bind(copy_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Locks the copy's row until the transaction ends (PostgreSQL; SQLite has one writer), so
/// that two correctors finalizing their parts at once see each other's.
pub async fn lock_copy(c: Conn<'_>, copy_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE copies SET updated_at = updated_at WHERE id = $1")
        .bind(copy_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}
