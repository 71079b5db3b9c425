//! Instance-wide settings stored in the database (shared by every instance).

use crate::{Conn, StoreError, on_conn};

/// Reads a setting.
pub async fn get(c: Conn<'_>, key: &str) -> Result<Option<String>, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *c)
        .await)?,
    )
}

/// Writes a setting (insert or replace).
pub async fn set(c: Conn<'_>, key: &str, value: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes a setting; returns whether it existed.
pub async fn delete(c: Conn<'_>, key: &str) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(key)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
