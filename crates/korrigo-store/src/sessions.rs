//! Login sessions. Only a hash of the session token is stored: a copy of the database does not
//! let anyone log in.

use crate::users::{USER_COLUMNS, User, UserRow};
use crate::{Conn, StoreError, on_conn};
use korrigo_domain::UserId;

/// A stored session.
#[derive(Clone, Debug)]
pub struct Session {
    /// SHA-256 of the token, hex.
    pub id_hash: String,
    /// The user it logs in.
    pub user_id: UserId,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last request seen (ms), updated at most once a minute.
    pub last_seen_at: i64,
    /// Absolute expiry (ms).
    pub expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    user_id: i64,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id_hash: r.id_hash,
            user_id: UserId(r.user_id),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }
    }
}

/// Stores a new session.
pub async fn insert(
    c: Conn<'_>,
    s: &Session,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
               VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_conn!(c, c => sqlx::query(sql)
        .bind(&s.id_hash)
        .bind(s.user_id.0)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(ip)
        .bind(user_agent)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(|e| crate::classify(e, &["id_hash"]))?;
    Ok(())
}

/// Finds a session and its user in one query.
pub async fn find_with_user(
    c: Conn<'_>,
    id_hash: &str,
) -> Result<Option<(Session, User)>, StoreError> {
    let sql = format!(
        "SELECT sessions.id_hash, sessions.user_id, sessions.created_at, sessions.last_seen_at, \
         sessions.expires_at, {USER_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id \
         WHERE sessions.id_hash = $1"
    );
    let row = on_conn!(c, c => {
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id_hash)
            .fetch_optional(&mut *c)
            .await?;
        match row {
            None => None,
            Some(row) => {
                use sqlx::FromRow;
                Some((SessionRow::from_row(&row)?, UserRow::from_row(&row)?))
            }
        }
    });
    match row {
        None => Ok(None),
        Some((s, u)) => Ok(Some((s.into(), User::try_from(u)?))),
    }
}

/// Records activity on a session.
pub async fn touch(c: Conn<'_>, id_hash: &str, now: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes one session (logout). Returns whether it existed.
pub async fn delete(c: Conn<'_>, id_hash: &str) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Deletes every session of a user, except `keep` if given (password change keeps the
/// current session and ends the others).
pub async fn delete_for_user(
    c: Conn<'_>,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> COALESCE($2, '')")
        .bind(user.0)
        .bind(keep)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Deletes sessions past their absolute expiry or idle since before `idle_cutoff`.
pub async fn purge_expired(c: Conn<'_>, now: i64, idle_cutoff: i64) -> Result<u64, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
        .bind(now)
        .bind(idle_cutoff)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}
