//! Accounts and sessions: login, logout, password changes, user management, first-admin setup.

use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::tokens;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{
    Actor, DisplayName, Email, Locale, NewPassword, PageRequest, Paged, Role, UserId, Username,
    policy,
};
use korrigo_store::audit::{self, NewEntry, WindowKey};
use korrigo_store::users::{self, NewUser, ProfileUpdate, User, UserFilter};
use korrigo_store::{now_ms, sessions, settings};
use serde::Serialize;
use tracing::{info, warn};

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

impl App {
    /// Hashes a password off the async threads (argon2id is deliberately slow).
    pub async fn hash_password(&self, p: &NewPassword) -> Result<String, AppError> {
        let p = p.expose().to_string();
        tokio::task::spawn_blocking(move || password_auth::generate_hash(p))
            .await
            .map_err(|e| AppError::Internal(format!("hashing task: {e}")))
    }

    async fn verify_password(&self, password: &str, hash: Option<&str>) -> bool {
        // An unknown user still costs one verification, so timing does not reveal which
        // usernames exist.
        let (hash, real) = match hash {
            Some(h) => (h.to_string(), true),
            None => {
                let dummy = self
                    .dummy_hash
                    .get_or_init(|| async {
                        tokio::task::spawn_blocking(|| {
                            password_auth::generate_hash(tokens::random_hex(16))
                        })
                        .await
                        .unwrap_or_default()
                    })
                    .await;
                (dummy.clone(), false)
            }
        };
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || {
            password_auth::verify_password(password, &hash).is_ok()
        })
        .await
        .unwrap_or(false);
        ok && real
    }

    /// Logs in with a username (or e-mail) and password. Failed attempts are counted per
    /// account (whichever identifier was typed: username and e-mail count together) and per
    /// client IP over the last minute, in the audit log so every instance sees them; past the
    /// limit, attempts are refused with [`AppError::RateLimited`]. An identifier that names no
    /// account is counted as typed, so the throttle does not tell which accounts exist.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<LoggedIn, AppError> {
        let login = login.trim().to_lowercase();
        let now = now_ms();
        let user = if login.is_empty() || login.chars().count() > MAX_LOGIN_CHARS {
            None
        } else {
            let mut c = self.db.read().await?;
            users::find_by_login(c.conn(), &login).await?
        };
        let key = throttle_key(user.as_ref(), &login);
        if let Some(retry_after_secs) = self
            .throttled(AuditAction::LoginFailed, &key, client, now)
            .await?
        {
            let mut tx = self.db.begin().await?;
            let entry = audit_entry::anonymous(AuditAction::LoginThrottled, client)
                .on("user", &key)
                .with(serde_json::json!({ "login": login }));
            audit::record(tx.conn(), &entry, now).await?;
            tx.commit().await?;
            warn!(
                client.ip = client.ip.as_deref().unwrap_or("-"),
                "login throttled"
            );
            return Err(AppError::RateLimited { retry_after_secs });
        }
        let password_ok = self
            .verify_password(
                password,
                user.as_ref().and_then(|u| u.password_hash.as_deref()),
            )
            .await;
        let failure = match &user {
            None => Some("unknown_user"),
            Some(_) if !password_ok => Some("wrong_password"),
            Some(u) if !u.is_active => Some("deactivated"),
            Some(_) => None,
        };
        if let Some(reason) = failure {
            let mut tx = self.db.begin().await?;
            let entry = audit_entry::anonymous(AuditAction::LoginFailed, client)
                .on("user", &key)
                .with(serde_json::json!({ "reason": reason, "login": login }));
            audit::record(tx.conn(), &entry, now).await?;
            tx.commit().await?;
            info!(reason, "login failed");
            return Err(if reason == "deactivated" {
                AppError::AccountDisabled
            } else {
                AppError::InvalidCredentials
            });
        }
        let user = user.expect("checked above");
        let token = tokens::random_hex(32);
        let id_hash = tokens::hash_token(&token);
        let session = sessions::Session {
            id_hash: id_hash.clone(),
            user_id: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now
                + i64::try_from(self.config.session_max_age.as_millis()).unwrap_or(i64::MAX / 2),
        };
        let mut tx = self.db.begin().await?;
        sessions::insert(
            tx.conn(),
            &session,
            client.ip.as_deref(),
            client.user_agent.as_deref(),
        )
        .await?;
        users::touch_login(tx.conn(), user.id, now).await?;
        let entry =
            audit_entry::by_account(user.id, &user.username, AuditAction::LoginSucceeded, client)
                .on("user", user.id);
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        info!(user.id = %user.id, "login");
        let csrf_token = tokens::csrf_token(self.config.secret_key.expose(), &id_hash);
        Ok(LoggedIn {
            token,
            session: AuthSession {
                user,
                id_hash,
                csrf_token,
            },
        })
    }

    /// Seconds to wait before `login` may try again, when it (or the client's IP) has
    /// `failure` audit entries past the limits in the last minute. The counts live in the
    /// audit log, so every instance sees them.
    pub(crate) async fn throttled(
        &self,
        failure: AuditAction,
        login: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<Option<u64>, AppError> {
        let since = now - WINDOW_MS;
        let mut c = self.db.read().await?;
        let per_account = audit::window(c.conn(), failure, WindowKey::Object(login), since).await?;
        let per_ip = match client.ip.as_deref() {
            Some(ip) => audit::window(c.conn(), failure, WindowKey::Ip(ip), since).await?,
            None => audit::Window {
                count: 0,
                oldest: None,
            },
        };
        // Allowed again once the oldest failure of a full window leaves the minute.
        let oldest = [
            (per_account, self.config.login_max_failures),
            (per_ip, self.config.login_max_failures_per_ip),
        ]
        .into_iter()
        .filter(|(w, max)| w.count >= *max)
        .filter_map(|(w, _)| w.oldest)
        .min();
        Ok(oldest.map(|o| {
            u64::try_from((o + WINDOW_MS - now + 999) / 1000)
                .unwrap_or(1)
                .max(1)
        }))
    }

    /// Resolves a session token to its session, or `None` when it is unknown, expired (idle or
    /// absolute) or its user is deactivated. Expired sessions are deleted on sight.
    pub async fn authenticate(&self, token: &str) -> Result<Option<AuthSession>, AppError> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let id_hash = tokens::hash_token(token);
        let now = now_ms();
        let found = {
            let mut c = self.db.read().await?;
            sessions::find_with_user(c.conn(), &id_hash).await?
        };
        let Some((session, user)) = found else {
            return Ok(None);
        };
        let idle_ms = i64::try_from(self.config.session_idle.as_millis()).unwrap_or(i64::MAX / 2);
        if now >= session.expires_at || now - session.last_seen_at > idle_ms || !user.is_active {
            let mut tx = self.db.begin().await?;
            sessions::delete(tx.conn(), &id_hash).await?;
            tx.commit().await?;
            return Ok(None);
        }
        if now - session.last_seen_at > TOUCH_EVERY_MS {
            let mut tx = self.db.begin().await?;
            sessions::touch(tx.conn(), &id_hash, now).await?;
            tx.commit().await?;
        }
        let csrf_token = tokens::csrf_token(self.config.secret_key.expose(), &id_hash);
        Ok(Some(AuthSession {
            user,
            id_hash,
            csrf_token,
        }))
    }

    /// Ends a session.
    pub async fn logout(&self, s: &AuthSession, client: &ClientInfo) -> Result<(), AppError> {
        let mut tx = self.db.begin().await?;
        sessions::delete(tx.conn(), &s.id_hash).await?;
        {
            let (e, now) = self.entry(s, AuditAction::Logout, client, Some(s.user.id));
            audit::record(tx.conn(), &e, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    fn entry<'a>(
        &self,
        s: &'a AuthSession,
        action: AuditAction,
        client: &'a ClientInfo,
        object: Option<UserId>,
    ) -> (NewEntry<'a>, i64) {
        let entry = audit_entry::by_session(s, action, client);
        (
            match object {
                Some(o) => entry.on("user", o),
                None => entry,
            },
            now_ms(),
        )
    }

    /// Changes the logged-in user's own password (the current one is required). Other
    /// sessions of the user end; this one stays. Wrong current passwords are audited and
    /// throttled like failed logins (per account and per IP), so a stolen session cannot be
    /// used to guess the password.
    pub async fn change_password(
        &self,
        s: &AuthSession,
        current: &str,
        new: &str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let key = s.user.id.to_string();
        if let Some(retry_after_secs) = self
            .throttled(AuditAction::PasswordChangeFailed, &key, client, now)
            .await?
        {
            warn!(user.id = %s.user.id, "password change throttled");
            return Err(AppError::RateLimited { retry_after_secs });
        }
        if !self
            .verify_password(current, s.user.password_hash.as_deref())
            .await
        {
            let mut tx = self.db.begin().await?;
            let (e, at) = self.entry(
                s,
                AuditAction::PasswordChangeFailed,
                client,
                Some(s.user.id),
            );
            audit::record(tx.conn(), &e, at).await?;
            tx.commit().await?;
            info!(user.id = %s.user.id, "password change refused: wrong current password");
            return Err(AppError::invalid(
                "current_password",
                "the current password is wrong",
            ));
        }
        if current == new {
            return Err(AppError::invalid(
                "new_password",
                "the new password must differ from the current one",
            ));
        }
        let p = NewPassword::parse(new, Some(&s.user.username))
            .map_err(|e| AppError::invalid("new_password", e.to_string()))?;
        let hash = self.hash_password(&p).await?;
        let mut tx = self.db.begin().await?;
        users::set_password(tx.conn(), s.user.id, &hash, false, now_ms()).await?;
        sessions::delete_for_user(tx.conn(), s.user.id, Some(&s.id_hash)).await?;
        {
            let (e, now) = self.entry(s, AuditAction::PasswordChanged, client, Some(s.user.id));
            audit::record(tx.conn(), &e, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sets the logged-in user's interface language.
    pub async fn set_own_locale(
        &self,
        s: &AuthSession,
        locale: &str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let l = Locale::parse(locale).map_err(|m| AppError::invalid("locale", m))?;
        let mut tx = self.db.begin().await?;
        users::set_locale(tx.conn(), s.user.id, l, now_ms()).await?;
        let (mut e, now) = self.entry(s, AuditAction::LocaleChanged, client, Some(s.user.id));
        e.details = Some(serde_json::json!({ "locale": l.as_str() }));
        audit::record(tx.conn(), &e, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lists accounts (admins only).
    pub async fn list_users(
        &self,
        s: &AuthSession,
        f: &UserFilter,
        page: PageRequest,
    ) -> Result<Paged<UserView>, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(users::list(c.conn(), f, page)
            .await?
            .map(|u| UserView::from(&u)))
    }

    /// Shows one account (admins only).
    pub async fn get_user(&self, s: &AuthSession, id: UserId) -> Result<UserView, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        let u = users::find(c.conn(), id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        Ok(UserView::from(&u))
    }

    /// Creates an account (admins only). Without a password, a temporary one is generated and
    /// returned once; either way the user must change it at first login.
    pub async fn create_user(
        &self,
        s: &AuthSession,
        input: &CreateUser,
        client: &ClientInfo,
    ) -> Result<WithTemporaryPassword, AppError> {
        self.create_user_inner(s, input, client, true).await
    }

    async fn create_user_inner(
        &self,
        s: &AuthSession,
        input: &CreateUser,
        client: &ClientInfo,
        chosen_password_must_change: bool,
    ) -> Result<WithTemporaryPassword, AppError> {
        policy::administer(&s.actor())?;
        let username =
            Username::parse(&input.username).map_err(|m| AppError::invalid("username", m))?;
        let display = DisplayName::parse(&input.display_name)
            .map_err(|m| AppError::invalid("display_name", m))?;
        let email = parse_email(input.email.as_deref())?;
        let role = Role::parse(&input.role).map_err(|m| AppError::invalid("role", m))?;
        let locale = match input.locale.as_deref() {
            None | Some("") => Locale::Fr,
            Some(l) => Locale::parse(l).map_err(|m| AppError::invalid("locale", m))?,
        };
        let (password, temporary) = match input.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => (p.to_string(), None),
            None => {
                let t = tokens::temporary_password();
                (t.clone(), Some(t))
            }
        };
        let p = NewPassword::parse(&password, Some(username.as_str()))
            .map_err(|e| AppError::invalid("password", e.to_string()))?;
        let hash = self.hash_password(&p).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let id = users::insert(
            tx.conn(),
            &NewUser {
                username: username.as_str(),
                email: email.as_ref().map(Email::as_str),
                display_name: display.as_str(),
                role,
                password_hash: Some(&hash),
                must_change_password: temporary.is_some() || chosen_password_must_change,
                locale,
            },
            now,
        )
        .await
        .map_err(AppError::from_store)?;
        let (mut e, now) = self.entry(s, AuditAction::UserCreated, client, Some(id));
        e.details =
            Some(serde_json::json!({ "username": username.as_str(), "role": role.as_str() }));
        audit::record(tx.conn(), &e, now).await?;
        let user = users::find(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        tx.commit().await?;
        Ok(WithTemporaryPassword {
            user: UserView::from(&user),
            temporary_password: temporary,
        })
    }

    /// Edits an account (admins only). Refuses to leave the instance without an active admin.
    pub async fn update_user(
        &self,
        s: &AuthSession,
        id: UserId,
        input: &UpdateUser,
        client: &ClientInfo,
    ) -> Result<UserView, AppError> {
        policy::administer(&s.actor())?;
        let mut tx = self.db.begin().await?;
        let current = users::find(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        let username = match &input.username {
            Some(u) => Username::parse(u)
                .map_err(|m| AppError::invalid("username", m))?
                .as_str()
                .to_string(),
            None => current.username.clone(),
        };
        let display = match &input.display_name {
            Some(d) => DisplayName::parse(d)
                .map_err(|m| AppError::invalid("display_name", m))?
                .as_str()
                .to_string(),
            None => current.display_name.clone(),
        };
        let email = match &input.email {
            Some(e) => parse_email(Some(e))?.map(|e| e.as_str().to_string()),
            None => current.email.clone(),
        };
        let role = match &input.role {
            Some(r) => Role::parse(r).map_err(|m| AppError::invalid("role", m))?,
            None => current.role,
        };
        let locale = match &input.locale {
            Some(l) => Locale::parse(l).map_err(|m| AppError::invalid("locale", m))?,
            None => current.locale,
        };
        let active = input.is_active.unwrap_or(current.is_active);
        let loses_admin =
            current.role == Role::Admin && current.is_active && (role != Role::Admin || !active);
        if loses_admin && id == s.user.id {
            return Err(AppError::Conflict {
                field: "role",
                message: "you cannot remove your own admin rights or deactivate yourself".into(),
            });
        }
        let now = now_ms();
        users::update_profile(
            tx.conn(),
            id,
            &ProfileUpdate {
                username: &username,
                email: email.as_deref(),
                display_name: &display,
                role,
                locale,
            },
            now,
        )
        .await
        .map_err(AppError::from_store)?;
        if active != current.is_active {
            users::set_active(tx.conn(), id, active, now).await?;
            if !active {
                sessions::delete_for_user(tx.conn(), id, None).await?;
            }
        }
        if loses_admin && !users::active_admin_exists(tx.conn()).await? {
            return Err(AppError::Conflict {
                field: "role",
                message: "this is the last active admin: create another admin first".into(),
            });
        }
        let mut changed = vec![];
        if username != current.username {
            changed.push("username");
        }
        if display != current.display_name {
            changed.push("display_name");
        }
        if email != current.email {
            changed.push("email");
        }
        if role != current.role {
            changed.push("role");
        }
        if locale != current.locale {
            changed.push("locale");
        }
        if !changed.is_empty() {
            let (mut e, now) = self.entry(s, AuditAction::UserUpdated, client, Some(id));
            e.details = Some(serde_json::json!({ "changed": changed, "role": role.as_str() }));
            audit::record(tx.conn(), &e, now).await?;
        }
        if active != current.is_active {
            let action = if active {
                AuditAction::UserReactivated
            } else {
                AuditAction::UserDeactivated
            };
            {
                let (e, now) = self.entry(s, action, client, Some(id));
                audit::record(tx.conn(), &e, now).await?;
            }
        }
        let user = users::find(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        tx.commit().await?;
        Ok(UserView::from(&user))
    }

    /// Resets an account's password to a new temporary one (admins only), returned once. The
    /// user's sessions end and they must choose a password at next login.
    pub async fn reset_password(
        &self,
        s: &AuthSession,
        id: UserId,
        client: &ClientInfo,
    ) -> Result<WithTemporaryPassword, AppError> {
        policy::administer(&s.actor())?;
        let temp = tokens::temporary_password();
        let p = NewPassword::parse(&temp, None).map_err(|e| AppError::Internal(e.to_string()))?;
        let hash = self.hash_password(&p).await?;
        let mut tx = self.db.begin().await?;
        if !users::set_password(tx.conn(), id, &hash, true, now_ms()).await? {
            return Err(AppError::NotFound("user"));
        }
        sessions::delete_for_user(tx.conn(), id, None).await?;
        {
            let (e, now) = self.entry(s, AuditAction::PasswordReset, client, Some(id));
            audit::record(tx.conn(), &e, now).await?;
        }
        let user = users::find(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        tx.commit().await?;
        Ok(WithTemporaryPassword {
            user: UserView::from(&user),
            temporary_password: Some(temp),
        })
    }

    /// Makes sure an admin can log in on a new instance. With `KORRIGO_ADMIN_PASSWORD`, creates
    /// the account `admin`; otherwise returns a one-time setup token (its link lets the first
    /// visitor choose the admin password). Does nothing once an active admin exists.
    pub async fn ensure_admin(&self) -> Result<AdminSetup, AppError> {
        {
            let mut c = self.db.read().await?;
            if users::active_admin_exists(c.conn()).await? {
                return Ok(AdminSetup::Exists);
            }
        }
        if let Some(pw) = &self.config.admin_password {
            let p = NewPassword::parse(pw.expose(), Some("admin"))
                .map_err(|e| AppError::invalid("KORRIGO_ADMIN_PASSWORD", e.to_string()))?;
            self.create_first_admin("admin", &p, &ClientInfo::default(), "environment")
                .await?;
            return Ok(AdminSetup::Created {
                username: "admin".into(),
            });
        }
        let token = tokens::random_hex(24);
        let mut tx = self.db.begin().await?;
        settings::set(
            tx.conn(),
            SETUP_TOKEN_KEY,
            &tokens::hash_token(&token),
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(AdminSetup::Link { token })
    }

    /// Whether a setup token is the current, unused one.
    pub async fn setup_token_valid(&self, token: &str) -> Result<bool, AppError> {
        let mut c = self.db.read().await?;
        let stored = settings::get(c.conn(), SETUP_TOKEN_KEY).await?;
        Ok(
            stored.is_some_and(|h| tokens::constant_time_eq(&h, &tokens::hash_token(token)))
                && !users::active_admin_exists(c.conn()).await?,
        )
    }

    /// Completes the one-time setup: creates the admin with the chosen password, and burns the
    /// token in the same transaction.
    pub async fn complete_setup(
        &self,
        token: &str,
        username: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        if !self.setup_token_valid(token).await? {
            return Err(AppError::SetupUnavailable);
        }
        let username = Username::parse(if username.trim().is_empty() {
            "admin"
        } else {
            username
        })
        .map_err(|m| AppError::invalid("username", m))?;
        let p = NewPassword::parse(password, Some(username.as_str()))
            .map_err(|e| AppError::invalid("password", e.to_string()))?;
        self.create_first_admin(username.as_str(), &p, client, "setup_link")
            .await
    }

    async fn create_first_admin(
        &self,
        username: &str,
        p: &NewPassword,
        client: &ClientInfo,
        via: &str,
    ) -> Result<(), AppError> {
        let hash = self.hash_password(p).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        // Checked again inside the write transaction: two racing setups cannot both win.
        if users::active_admin_exists(tx.conn()).await? {
            return Err(AppError::SetupUnavailable);
        }
        let id = users::insert(
            tx.conn(),
            &NewUser {
                username,
                email: None,
                display_name: "Administrateur",
                role: Role::Admin,
                password_hash: Some(&hash),
                must_change_password: false,
                locale: Locale::Fr,
            },
            now,
        )
        .await
        .map_err(AppError::from_store)?;
        settings::delete(tx.conn(), SETUP_TOKEN_KEY).await?;
        let entry = audit_entry::by_account(id, username, AuditAction::AdminSetup, client)
            .on("user", id)
            .with(serde_json::json!({ "via": via }));
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        info!(user.id = %id, via, "first admin created");
        Ok(())
    }

    /// Creates an account from the command line (no session; audited as the system). A
    /// password given on the command line is final; without one, a temporary password is
    /// generated and must be changed at first login.
    pub async fn create_user_cli(
        &self,
        input: &CreateUser,
    ) -> Result<WithTemporaryPassword, AppError> {
        let system = system_session();
        let client = ClientInfo {
            ip: None,
            user_agent: Some("korrigo-cli".into()),
        };
        // Whoever runs the command on the server chose the password they typed; a generated
        // one is temporary.
        self.create_user_inner(&system, input, &client, false).await
    }

    /// The usernames of the accounts an audit page names (admins only).
    pub async fn audit_usernames(
        &self,
        s: &AuthSession,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, String>, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(users::usernames(c.conn(), ids).await?.into_iter().collect())
    }

    /// Lists the audit log (admins only), newest first.
    pub async fn audit_log(
        &self,
        s: &AuthSession,
        f: &audit::AuditFilter,
        page: PageRequest,
    ) -> Result<Paged<audit::Entry>, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(audit::list(c.conn(), f, page).await?)
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
