//! Accounts and sessions: login, logout, password changes, user management, first-admin setup.

mod login;
mod manage;
mod setup;

use crate::error::AppError;
use korrigo_domain::{Actor, Email, Locale, Role, UserId};
use korrigo_store::users::User;
use serde::Serialize;

/// The settings key of the hash of the one-time admin setup token.
const SETUP_TOKEN_KEY: &str = "setup_token_hash";
/// Sessions are touched at most this often, so that reads do not turn into writes.
const TOUCH_EVERY_MS: i64 = 60_000;
/// The rate-limit window.
const WINDOW_MS: i64 = 60_000;
/// The longest login (username or e-mail) looked up; longer ones name no account.
const MAX_LOGIN_CHARS: usize = 254;

/// What failed logins of one account are counted by: the account's id when the identifier
/// typed names an account (so its username and its e-mail share one count), else the
/// identifier as typed.
pub(crate) fn throttle_key(user: Option<&User>, login: &str) -> String {
    match user {
        Some(u) => u.id.to_string(),
        None => korrigo_store::audit::bounded(login),
    }
}

/// A logged-in request's session.
#[derive(Clone, Debug)]
pub struct AuthSession {
    /// The user.
    pub user: User,
    /// The hash of the session token (its database key).
    pub id_hash: String,
    /// The CSRF token the browser must echo on state-changing requests.
    pub csrf_token: String,
}

impl AuthSession {
    /// The acting user, for authorization checks.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.id,
            role: self.user.role,
        }
    }
}

/// A successful login: the token for the cookie, and the session.
#[derive(Debug)]
pub struct LoggedIn {
    /// The session token (goes into the cookie, never stored).
    pub token: String,
    /// The session.
    pub session: AuthSession,
}

/// The public view of an account, as the API returns it.
#[derive(Clone, Debug, Serialize)]
pub struct UserView {
    /// The id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// E-mail.
    pub email: Option<String>,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Active or deactivated.
    pub is_active: bool,
    /// Whether a password change is pending.
    pub must_change_password: bool,
    /// Interface language.
    pub locale: Locale,
    /// Creation time (ms since epoch).
    pub created_at: i64,
    /// Last login (ms since epoch).
    pub last_login_at: Option<i64>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            is_active: u.is_active,
            must_change_password: u.must_change_password,
            locale: u.locale,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// An account created or reset by an admin, with the temporary password to hand over (shown
/// once, never stored in clear).
#[derive(Debug, Serialize)]
pub struct WithTemporaryPassword {
    /// The account.
    pub user: UserView,
    /// The password to give to the user, who must change it at first login.
    pub temporary_password: Option<String>,
}

/// Input of "create a user".
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CreateUser {
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// E-mail (optional).
    #[serde(default)]
    pub email: Option<String>,
    /// Role name.
    pub role: String,
    /// Initial password; a temporary one is generated when absent.
    #[serde(default)]
    pub password: Option<String>,
    /// Language (`fr` by default).
    #[serde(default)]
    pub locale: Option<String>,
}

/// Input of "edit a user".
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct UpdateUser {
    /// New login name.
    pub username: Option<String>,
    /// New display name.
    pub display_name: Option<String>,
    /// New e-mail; an empty string removes it.
    pub email: Option<String>,
    /// New role.
    pub role: Option<String>,
    /// New language.
    pub locale: Option<String>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
}

fn parse_email(s: Option<&str>) -> Result<Option<Email>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(e) => Email::parse(e)
            .map(Some)
            .map_err(|m| AppError::invalid("email", m)),
    }
}

/// The actor of the command line: an admin with no account row (audited as `system`).
pub fn system_session() -> AuthSession {
    AuthSession {
        user: User {
            id: UserId(0),
            username: "system".into(),
            email: None,
            display_name: "system".into(),
            role: Role::Admin,
            password_hash: None,
            is_active: true,
            must_change_password: false,
            locale: Locale::Fr,
            created_at: 0,
            updated_at: 0,
            last_login_at: None,
        },
        id_hash: String::new(),
        csrf_token: String::new(),
    }
}

/// What [`App::ensure_admin`] did.
#[derive(Debug)]
pub enum AdminSetup {
    /// An active admin already exists.
    Exists,
    /// The admin account was created from `KORRIGO_ADMIN_PASSWORD`.
    Created {
        /// Its username.
        username: String,
    },
    /// No admin yet: the first visitor of `/setup/<token>` chooses the password.
    Link {
        /// The one-time token.
        token: String,
    },
}
