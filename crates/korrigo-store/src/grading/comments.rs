//! The comment bank: an exam's shared comments (owner `None`) and each corrector's own,
//! counted when stamped.

use crate::{Conn, StoreError, on_conn};

/// A comment of the bank.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentRow {
    /// The comment.
    pub id: i64,
    /// Its exam.
    pub exam_id: i64,
    /// Its owner (`None`: shared with the exam's correctors).
    pub owner_id: Option<i64>,
    /// The scheme leaf it is tied to, if any.
    pub question_id: Option<String>,
    /// Its text.
    pub text: String,
    /// Its point value in quarter points (negative: a penalty), if any.
    pub points: Option<i64>,
    /// How many times it was stamped.
    pub uses: i64,
}

const COLUMNS: &str = "id, exam_id, owner_id, question_id, text, points, uses";

/// What a new comment holds.
#[derive(Clone, Debug)]
pub struct NewComment<'a> {
    /// Its exam.
    pub exam_id: i64,
    /// Its owner (`None`: shared).
    pub owner_id: Option<i64>,
    /// The leaf it is tied to.
    pub question_id: Option<&'a str>,
    /// Its text.
    pub text: &'a str,
    /// Quarter points.
    pub points: Option<i64>,
    /// Who wrote it.
    pub created_by: i64,
}

/// An exam's shared comments (in the order they were written) and the caller's own (most used
/// first, then most recently used), in one query.
pub async fn comments_of(
    c: Conn<'_>,
    exam_id: i64,
    user_id: i64,
) -> Result<Vec<CommentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM comments WHERE exam_id = $1 AND (owner_id IS NULL OR owner_id = $2) \
         ORDER BY owner_id IS NOT NULL, \
                  CASE WHEN owner_id IS NULL THEN 0 ELSE uses END DESC, \
                  CASE WHEN owner_id IS NULL THEN 0 ELSE COALESCE(last_used_at, 0) END DESC, id"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id)
        .bind(user_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// One comment.
pub async fn find_comment(c: Conn<'_>, id: i64) -> Result<Option<CommentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM comments WHERE id = $1");
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Adds a comment.
pub async fn add_comment(
    c: Conn<'_>,
    new: &NewComment<'_>,
    now: i64,
) -> Result<CommentRow, StoreError> {
    let sql = format!(
        "INSERT INTO comments (exam_id, owner_id, question_id, text, points, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(new.exam_id)
        .bind(new.owner_id)
        .bind(new.question_id)
        .bind(new.text)
        .bind(new.points)
        .bind(new.created_by)
        .bind(now)
        .fetch_one(&mut *c)
        .await)?)
}

/// Rewrites a comment's text, question and points (its owner and uses stay).
pub async fn update_comment(
    c: Conn<'_>,
    id: i64,
    question_id: Option<&str>,
    text: &str,
    points: Option<i64>,
) -> Result<Option<CommentRow>, StoreError> {
    let sql = format!(
        "UPDATE comments SET question_id = $1, text = $2, points = $3 WHERE id = $4 RETURNING {COLUMNS}"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(question_id)
        .bind(text)
        .bind(points)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Deletes a comment (stamps already on pages keep their text); false when it was gone.
pub async fn delete_comment(c: Conn<'_>, id: i64) -> Result<bool, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query("DELETE FROM comments WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected() > 0))?,
    )
}

/// Counts one use of a comment the caller may stamp on a copy of `exam_id` (shared, or their
/// own); false when there is no such comment.
pub async fn comment_used(
    c: Conn<'_>,
    id: i64,
    exam_id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(on_conn!(c, c => sqlx::query(
        "UPDATE comments SET uses = uses + 1, last_used_at = $1 \
         WHERE id = $2 AND exam_id = $3 AND (owner_id IS NULL OR owner_id = $4)")
        .bind(now)
        .bind(id)
        .bind(exam_id)
        .bind(user_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected() > 0))?)
}
