//! The audit log: append-only. There is no update or delete function on purpose.

use crate::query::{Arg, Filter, fetch_page};
use crate::{Conn, StoreError, on_conn};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{PageRequest, Paged, UserId};

/// A row to append.
#[derive(Clone, Debug, Default)]
pub struct NewEntry<'a> {
    /// Who acted (none for anonymous attempts).
    pub actor_id: Option<UserId>,
    /// The actor's username at the time (kept even if the account is renamed).
    pub actor_username: Option<&'a str>,
    /// What happened.
    pub action: Option<AuditAction>,
    /// The kind of object acted on (`user`, `exam`, ...).
    pub object_type: Option<&'a str>,
    /// The object's id, or for a failed login the username that was tried.
    pub object_id: Option<String>,
    /// The client IP.
    pub ip: Option<&'a str>,
    /// The client's user agent.
    pub user_agent: Option<&'a str>,
    /// Extra facts as a JSON object; never a password or a token.
    pub details: Option<serde_json::Value>,
}

/// A stored entry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    /// The id.
    pub id: i64,
    /// When (ms).
    pub at: i64,
    /// Who acted.
    pub actor_id: Option<i64>,
    /// Their username at the time.
    pub actor_username: Option<String>,
    /// The action's stable name.
    pub action: String,
    /// The kind of object.
    pub object_type: Option<String>,
    /// The object's id.
    pub object_id: Option<String>,
    /// The client IP.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// Extra facts (JSON text).
    pub details: String,
}

/// The longest text kept in one column or one JSON string of an audit entry, in characters.
/// Whatever a client sends (a 256 MiB "username", say), an audit row stays small.
pub const MAX_TEXT_CHARS: usize = 200;
/// The most items kept of one JSON array or object in an entry's details.
pub const MAX_ITEMS: usize = 50;

/// Cuts a text to [`MAX_TEXT_CHARS`] characters, marking the cut with `…`.
pub fn bounded(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_TEXT_CHARS - 1).collect();
    out.push('…');
    out
}

/// The details with every string cut by [`bounded`] and every array or object cut to
/// [`MAX_ITEMS`] items, so that no input can make an audit row large.
pub fn bounded_json(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(bounded(s)),
        Value::Array(items) => {
            Value::Array(items.iter().take(MAX_ITEMS).map(bounded_json).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .take(MAX_ITEMS)
                .map(|(k, v)| (bounded(k), bounded_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Appends an entry. Every text is bounded ([`bounded`], [`bounded_json`]).
pub async fn record(c: Conn<'_>, e: &NewEntry<'_>, now: i64) -> Result<(), StoreError> {
    let action = e
        .action
        .ok_or_else(|| StoreError::Corrupt("an audit entry needs an action".into()))?;
    let details = e
        .details
        .as_ref()
        .map(|d| bounded_json(d).to_string())
        .unwrap_or_else(|| "{}".into());
    let ua = e.user_agent.map(bounded);
    let actor_username = e.actor_username.map(bounded);
    let object_type = e.object_type.map(bounded);
    let object_id = e.object_id.as_deref().map(bounded);
    let ip = e.ip.map(bounded);
    let sql = "INSERT INTO audit_log (at, actor_id, actor_username, action, object_type, object_id, ip, user_agent, details) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_conn!(c, c => sqlx::query(sql)
        .bind(now)
        .bind(e.actor_id.map(|i| i.0))
        .bind(actor_username.clone())
        .bind(action.as_str())
        .bind(object_type.clone())
        .bind(object_id.clone())
        .bind(ip.clone())
        .bind(ua.clone())
        .bind(details.clone())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Filters of the audit page.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries whose actor username (or the username tried) is this.
    pub user: Option<String>,
    /// Only this client IP.
    pub ip: Option<String>,
    /// From this time (ms, inclusive).
    pub from: Option<i64>,
    /// Until this time (ms, exclusive).
    pub until: Option<i64>,
}

const ENTRY_COLUMNS: &str =
    "id, at, actor_id, actor_username, action, object_type, object_id, ip, user_agent, details";

/// One page of entries, newest first.
pub async fn list(
    c: Conn<'_>,
    f: &AuditFilter,
    page: PageRequest,
) -> Result<Paged<Entry>, StoreError> {
    let mut w = Filter::default();
    if let Some(a) = f.action {
        w.and("action = ?", [Arg::Text(a.as_str().into())]);
    }
    if let Some(u) = f.user.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let u = u.to_lowercase();
        w.and(
            "(actor_username = ? OR (object_type = 'user' AND (object_id = ? OR object_id = \
             (SELECT CAST(id AS TEXT) FROM users WHERE username = ?))))",
            [Arg::Text(u.clone()), Arg::Text(u.clone()), Arg::Text(u)],
        );
    }
    if let Some(ip) = f.ip.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.and("ip = ?", [Arg::Text(ip.into())]);
    }
    if let Some(t) = f.from {
        w.and("at >= ?", [Arg::I64(t)]);
    }
    if let Some(t) = f.until {
        w.and("at < ?", [Arg::I64(t)]);
    }
    let rows =
        fetch_page::<Entry>(c, "audit_log", ENTRY_COLUMNS, &w, "at DESC, id DESC", page).await?;
    Ok(rows)
}

/// What a rate-limit window holds: how many entries, and when the oldest was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Entries in the window.
    pub count: i64,
    /// Time of the oldest entry in the window (ms), if any.
    pub oldest: Option<i64>,
}

/// Which column a rate-limit window is keyed on.
#[derive(Clone, Copy, Debug)]
pub enum WindowKey<'a> {
    /// The client IP.
    Ip(&'a str),
    /// The object id (for failed logins: the username tried).
    Object(&'a str),
}

/// Counts the entries of `action` for one key since `since` (ms). Served by the
/// `(action, ip, at)` and `(action, object_id, at)` indexes. Because the audit log is in the
/// database, the count is shared by every instance.
pub async fn window(
    c: Conn<'_>,
    action: AuditAction,
    key: WindowKey<'_>,
    since: i64,
) -> Result<Window, StoreError> {
    let (sql, value) = match key {
        WindowKey::Ip(v) => (
            "SELECT COUNT(*), MIN(at) FROM audit_log WHERE action = $1 AND ip = $2 AND at >= $3",
            v,
        ),
        WindowKey::Object(v) => (
            "SELECT COUNT(*), MIN(at) FROM audit_log WHERE action = $1 AND object_id = $2 AND at >= $3",
            v,
        ),
    };
    let (count, oldest): (i64, Option<i64>) = on_conn!(c, c => sqlx::query_as(sql)
        .bind(action.as_str())
        .bind(value)
        .bind(since)
        .fetch_one(&mut *c)
        .await)?;
    Ok(Window { count, oldest })
}
