//! Results: each graded copy's final PDF (where it is kept, when it was made, why it failed).

use crate::{Conn, StoreError, on_conn};

mod adjustments;
pub use adjustments::*;
use korrigo_domain::copies::CopyStatus;

/// A copy's final PDF state as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PdfRow {
    /// The copy.
    pub id: i64,
    /// Its exam.
    pub exam_id: i64,
    /// Its anonymous code.
    pub code: String,
    /// Where it is in its life (decoded here).
    #[sqlx(try_from = "String")]
    pub status: CopyStatus,
    /// Its student, once identified.
    pub student_id: Option<i64>,
    /// The PDF's key in the file store (None: none yet, or invalidated).
    pub pdf_key: Option<String>,
    /// When it was made (ms).
    pub pdf_at: Option<i64>,
    /// Why the last generation failed.
    pub pdf_error: Option<String>,
}

const PDF_COLUMNS: &str = "id, exam_id, code, status, student_id, pdf_key, pdf_at, pdf_error";

/// A copy's PDF state.
pub async fn pdf_of(c: Conn<'_>, copy_id: i64) -> Result<Option<PdfRow>, StoreError> {
    let sql = format!("SELECT {PDF_COLUMNS} FROM copies WHERE id = $1");
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(copy_id)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Every copy's PDF state in an exam, in creation order.
pub async fn pdfs_of_exam(c: Conn<'_>, exam_id: i64) -> Result<Vec<PdfRow>, StoreError> {
    let sql = format!("SELECT {PDF_COLUMNS} FROM copies WHERE exam_id = $1 ORDER BY id");
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// Moves a copy from one status to another, recording its PDF (`Some` key: made; `None` with
/// an error: failed; `None` without: invalidated). `false` when the copy is no longer in
/// `from` (reopened meanwhile): nothing changes.
pub async fn set_pdf(
    c: Conn<'_>,
    copy_id: i64,
    from: CopyStatus,
    to: CopyStatus,
    key: Option<&str>,
    error: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE copies SET status = $1, pdf_key = $2, pdf_error = $3, \
         pdf_at = CASE WHEN $2 IS NULL THEN NULL ELSE $4 END, updated_at = $4 \
         WHERE id = $5 AND status = $6")
        .bind(to.as_str())
        .bind(key)
        .bind(error)
        .bind(now)
        .bind(copy_id)
        .bind(from.as_str())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Forgets a copy's PDF (a reopening invalidates it; the file is replaced by the next one).
pub async fn clear_pdf(c: Conn<'_>, copy_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE copies SET pdf_key = NULL, pdf_at = NULL, pdf_error = NULL WHERE id = $1")
        .bind(copy_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// When an exam's results were released, if they are.
pub async fn released_at(c: Conn<'_>, exam_id: i64) -> Result<Option<i64>, StoreError> {
    let r: Option<Option<i64>> = on_conn!(c, c => sqlx::query_scalar(
        "SELECT released_at FROM exams WHERE id = $1")
        .bind(exam_id)
        .fetch_optional(&mut *c)
        .await)?;
    Ok(r.flatten())
}

/// Releases an exam's results: the exam, and the copies given (the ready ones).
pub async fn release(
    c: Conn<'_>,
    exam_id: i64,
    copies: &[i64],
    by: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let mut c = c;
    on_conn!(c.reborrow(), c => sqlx::query(
        "UPDATE exams SET released_at = $1, released_by = $2 WHERE id = $3")
        .bind(now)
        .bind(by)
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    if copies.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE copies SET released_at = $1 WHERE exam_id = $2 AND id IN ({})",
        crate::query::id_list(copies)
    );
    on_conn!(c, c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Withdraws an exam's results: nothing of it shows to students any more.
pub async fn withdraw(c: Conn<'_>, exam_id: i64) -> Result<(), StoreError> {
    let mut c = c;
    on_conn!(c.reborrow(), c => sqlx::query(
        "UPDATE exams SET released_at = NULL, released_by = NULL WHERE id = $1")
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    on_conn!(c, c => sqlx::query("UPDATE copies SET released_at = NULL WHERE exam_id = $1")
        .bind(exam_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Hides one copy from its student (reopened after the release).
pub async fn unrelease_copy(c: Conn<'_>, copy_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE copies SET released_at = NULL WHERE id = $1")
        .bind(copy_id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A released copy of a student, with its exam.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReleasedCopy {
    /// The copy.
    pub copy_id: i64,
    /// Its code.
    pub code: String,
    /// Its exam.
    pub exam_id: i64,
    /// The exam's name, subject, date (ISO) and grade scale.
    pub exam_name: String,
    pub subject: String,
    pub date: Option<String>,
    pub grade_scale: i64,
    /// The exam's scheme (JSON, as stored).
    pub scheme: String,
    /// When the copy was released.
    pub released_at: i64,
    /// Its final PDF, when made.
    pub pdf_key: Option<String>,
}

/// The copies released to the student whose account is `user_id`, newest first (copies of
/// exams whose release was withdrawn, or reopened since, are not there).
pub async fn released_to(
    c: Conn<'_>,
    user_id: i64,
    copy: Option<i64>,
) -> Result<Vec<ReleasedCopy>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT k.id AS copy_id, k.code, e.id AS exam_id, e.name AS exam_name, e.subject, \
         e.exam_date AS date, e.grade_scale, e.scheme, k.released_at, k.pdf_key \
         FROM copies k JOIN students s ON s.id = k.student_id JOIN exams e ON e.id = k.exam_id \
         WHERE s.user_id = $1 AND k.released_at IS NOT NULL AND e.released_at IS NOT NULL \
         AND ($2 IS NULL OR k.id = $2) ORDER BY k.released_at DESC, k.id DESC")
        .bind(user_id)
        .bind(copy)
        .fetch_all(&mut *c)
        .await)?)
}

/// The ids of an exam's copies released to their students.
pub async fn released_copies(c: Conn<'_>, exam_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT id FROM copies WHERE exam_id = $1 AND released_at IS NOT NULL ORDER BY id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}
