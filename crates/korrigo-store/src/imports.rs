//! Roster imports and their progress.

use crate::{Conn, StoreError, on_conn};

/// A stored import.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Import {
    /// The id.
    pub id: i64,
    /// `students`.
    pub kind: String,
    /// Where the uploaded file is kept.
    pub file_key: String,
    /// The uploaded file's name.
    pub file_name: String,
    /// Who started it.
    pub actor_id: Option<i64>,
    /// Where it is, decoded here (an unknown value fails the read).
    #[sqlx(try_from = "String")]
    pub status: korrigo_domain::roster::ImportStatus,
    /// Valid rows to apply.
    pub rows_total: i64,
    /// Rows applied so far.
    pub rows_done: i64,
    /// New students.
    pub imported: i64,
    /// Updated students.
    pub updated: i64,
    /// Students already up to date.
    pub unchanged: i64,
    /// Rejected rows (JSON array of `{line, reason, problem}`).
    pub rejected: String,
    /// Why the import failed.
    pub error: Option<String>,
    /// Creation time (ms).
    pub created_at: i64,
    /// End time (ms).
    pub finished_at: Option<i64>,
}

const COLUMNS: &str = "id, kind, file_key, file_name, actor_id, status, rows_total, rows_done, imported, \
     updated, unchanged, rejected, error, created_at, finished_at";

/// Records a new import.
#[allow(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert(
    c: Conn<'_>,
    kind: &str,
    file_key: &str,
    file_name: &str,
    actor: Option<i64>,
    rows_total: i64,
    rejected_json: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "INSERT INTO imports (kind, file_key, file_name, actor_id, status, rows_total, rejected, created_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) RETURNING id")
        .bind(kind)
        .bind(file_key)
        .bind(file_name)
        .bind(actor)
        .bind(rows_total)
        .bind(rejected_json)
        .bind(now)
        .fetch_one(&mut *c)
        .await)?)
}

/// Finds an import.
pub async fn find(c: Conn<'_>, id: i64) -> Result<Option<Import>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM imports WHERE id = $1");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?,
    )
}

/// Records a chunk applied (in the chunk's transaction).
pub async fn advance(
    c: Conn<'_>,
    id: i64,
    rows_done: i64,
    imported: i64,
    updated: i64,
    unchanged: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE imports SET rows_done = $1, imported = imported + $2, updated = updated + $3, \
         unchanged = unchanged + $4 WHERE id = $5")
        .bind(rows_done)
        .bind(imported)
        .bind(updated)
        .bind(unchanged)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks an import finished (`done` or `failed` with its reason).
pub async fn finish(
    c: Conn<'_>,
    id: i64,
    status: korrigo_domain::roster::ImportStatus,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE imports SET status = $1, error = $2, finished_at = $3 WHERE id = $4")
        .bind(status.as_str())
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
