//! User accounts.

use crate::query::{Arg, Filter, contains_pattern, fetch_page};
use crate::{Conn, StoreError, classify, on_conn};
use korrigo_domain::text::fold;
use korrigo_domain::{Locale, PageRequest, Paged, Role, UserId};

/// A stored user account.
#[derive(Clone, Debug)]
pub struct User {
    /// The id.
    pub id: UserId,
    /// The normalised login name.
    pub username: String,
    /// The e-mail address, if any (also accepted as a login).
    pub email: Option<String>,
    /// The name shown in the UI.
    pub display_name: String,
    /// The global role.
    pub role: Role,
    /// The argon2id PHC string; `None` while the account has no password yet.
    pub password_hash: Option<String>,
    /// Deactivated accounts cannot log in and lose their sessions.
    pub is_active: bool,
    /// The user must choose a new password before doing anything else.
    pub must_change_password: bool,
    /// The interface language.
    pub locale: Locale,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Last successful login (ms).
    pub last_login_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    email: Option<String>,
    display_name: String,
    role: String,
    password_hash: Option<String>,
    is_active: bool,
    must_change_password: bool,
    locale: String,
    created_at: i64,
    updated_at: i64,
    last_login_at: Option<i64>,
}

pub(crate) const USER_COLUMNS: &str = "users.id, users.username, users.email, users.display_name, \
     users.role, users.password_hash, users.is_active, users.must_change_password, users.locale, \
     users.created_at, users.updated_at, users.last_login_at";

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User, StoreError> {
        Ok(User {
            id: UserId(r.id),
            username: r.username,
            email: r.email,
            display_name: r.display_name,
            role: Role::parse(&r.role).map_err(StoreError::Corrupt)?,
            password_hash: r.password_hash,
            is_active: r.is_active,
            must_change_password: r.must_change_password,
            locale: Locale::parse(&r.locale).unwrap_or_default(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            last_login_at: r.last_login_at,
        })
    }
}

/// The fields of a new account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    /// Normalised username.
    pub username: &'a str,
    /// Normalised e-mail.
    pub email: Option<&'a str>,
    /// Display name.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Password hash, if the account has a password already.
    pub password_hash: Option<&'a str>,
    /// Whether the password must be changed at next login.
    pub must_change_password: bool,
    /// Interface language.
    pub locale: Locale,
}

/// What the user list's search looks in: username, e-mail and name, folded (lower case, no
/// accents) so that "eleve" finds "Élève" on both backends.
fn search_text(username: &str, email: Option<&str>, display_name: &str) -> String {
    fold(&format!(
        "{username} {} {display_name}",
        email.unwrap_or("")
    ))
}

/// Inserts an account. A taken username or e-mail is a [`StoreError::Conflict`].
pub async fn insert(mut c: Conn<'_>, u: &NewUser<'_>, now: i64) -> Result<UserId, StoreError> {
    let sql = "INSERT INTO users (username, email, display_name, role, password_hash, \
               is_active, must_change_password, locale, created_at, updated_at, search_text, name_key) \
               VALUES ($1, $2, $3, $4, $5, TRUE, $6, $7, $8, $8, $9, $10) RETURNING id";
    let search = search_text(u.username, u.email, u.display_name);
    let id: i64 = on_conn!(c.reborrow(), c => sqlx::query_scalar(sql)
        .bind(u.username)
        .bind(u.email)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.password_hash)
        .bind(u.must_change_password)
        .bind(u.locale.as_str())
        .bind(now)
        .bind(search.clone())
        .bind(korrigo_domain::text::sort_key(u.display_name))
        .fetch_one(&mut *c)
        .await)
    .map_err(|e| classify(e, &["username", "email"]))?;
    Ok(UserId(id))
}

/// Finds an account by id.
pub async fn find(c: Conn<'_>, id: UserId) -> Result<Option<User>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(User::try_from).transpose()
}

/// Finds an account by username or e-mail (both stored lower-case).
pub async fn find_by_login(c: Conn<'_>, login: &str) -> Result<Option<User>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE username = $1 OR email = $1 \
         ORDER BY (username = $1) DESC LIMIT 1"
    );
    let login = login.trim().to_lowercase();
    let row: Option<UserRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(login)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(User::try_from).transpose()
}

/// Whether any active admin account exists.
pub async fn active_admin_exists(c: Conn<'_>) -> Result<bool, StoreError> {
    let n: i64 = on_conn!(c, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND is_active = TRUE")
        .fetch_one(&mut *c)
        .await)?;
    Ok(n > 0)
}

/// Filters for the user list.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only this role.
    pub role: Option<Role>,
    /// Only staff (admins and teachers), when no role is given.
    pub staff_only: bool,
    /// Only active (`Some(true)`) or deactivated (`Some(false)`) accounts.
    pub active: Option<bool>,
    /// Text contained in the username, e-mail or display name (case-insensitive).
    pub search: Option<String>,
    /// Sort order.
    pub sort: UserSort,
}

/// Sort orders of the user list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UserSort {
    /// By display name, then id.
    #[default]
    Name,
    /// By username.
    Username,
    /// Newest first.
    Newest,
    /// Most recent login first.
    LastLogin,
}

impl UserSort {
    /// Parses a `sort` query parameter.
    pub fn parse(s: &str) -> Option<UserSort> {
        match s {
            "name" => Some(UserSort::Name),
            "username" => Some(UserSort::Username),
            "newest" => Some(UserSort::Newest),
            "last_login" => Some(UserSort::LastLogin),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            UserSort::Name => "users.name_key, users.id",
            UserSort::Username => "users.username, users.id",
            UserSort::Newest => "users.created_at DESC, users.id DESC",
            UserSort::LastLogin => {
                "CASE WHEN users.last_login_at IS NULL THEN 1 ELSE 0 END, users.last_login_at DESC, users.id"
            }
        }
    }
}

/// One page of accounts; two queries whatever the page size.
pub async fn list(
    c: Conn<'_>,
    f: &UserFilter,
    page: PageRequest,
) -> Result<Paged<User>, StoreError> {
    let mut w = Filter::default();
    if let Some(r) = f.role {
        w.and("users.role = ?", [Arg::Text(r.as_str().into())]);
    } else if f.staff_only {
        w.and(
            "users.role <> ?",
            [Arg::Text(Role::Student.as_str().into())],
        );
    }
    if let Some(a) = f.active {
        w.and("users.is_active = ?", [Arg::Bool(a)]);
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.and(
            "users.search_text LIKE ? ESCAPE '\\'",
            [Arg::Text(contains_pattern(&fold(s)))],
        );
    }
    let rows = fetch_page::<UserRow>(c, "users", USER_COLUMNS, &w, f.sort.order_by(), page).await?;
    let items = rows
        .items
        .into_iter()
        .map(User::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Paged {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// The editable profile fields of an account.
#[derive(Clone, Debug)]
pub struct ProfileUpdate<'a> {
    /// New username.
    pub username: &'a str,
    /// New e-mail.
    pub email: Option<&'a str>,
    /// New display name.
    pub display_name: &'a str,
    /// New role.
    pub role: Role,
    /// New language.
    pub locale: Locale,
}

/// Updates the profile fields of an account. Returns false when no such account exists.
pub async fn update_profile(
    c: Conn<'_>,
    id: UserId,
    u: &ProfileUpdate<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE users SET username = $1, email = $2, display_name = $3, role = $4, \
               locale = $5, updated_at = $6, search_text = $8, name_key = $9 WHERE id = $7";
    let search = search_text(u.username, u.email, u.display_name);
    let done = on_conn!(c, c => sqlx::query(sql)
        .bind(u.username)
        .bind(u.email)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(u.locale.as_str())
        .bind(now)
        .bind(id.0)
        .bind(search.clone())
        .bind(korrigo_domain::text::sort_key(u.display_name))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(|e| classify(e, &["username", "email"]))?;
    Ok(done > 0)
}

/// Sets a new password hash and whether it must be changed at next login.
pub async fn set_password(
    c: Conn<'_>,
    id: UserId,
    hash: &str,
    must_change: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 \
               WHERE id = $4";
    let n = on_conn!(c, c => sqlx::query(sql)
        .bind(hash)
        .bind(must_change)
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Activates or deactivates an account.
pub async fn set_active(
    c: Conn<'_>,
    id: UserId,
    active: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("UPDATE users SET is_active = $1, updated_at = $2 WHERE id = $3")
        .bind(active)
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Sets the interface language.
pub async fn set_locale(
    c: Conn<'_>,
    id: UserId,
    locale: Locale,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
        .bind(locale.as_str())
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a successful login time.
pub async fn touch_login(c: Conn<'_>, id: UserId, now: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The usernames of these accounts (for naming them in the audit log), in one query.
pub async fn usernames(c: Conn<'_>, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::query::id_list(ids);
    let sql = format!("SELECT id, username FROM users WHERE id IN ({list})");
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?)
}
