//! Sessions: passwords checked and hashed, login (throttled per account and per IP), a
//! session found from its token, logout, a user's own password and language.

use super::*;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::tokens;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{Locale, NewPassword, UserId};
use korrigo_store::audit::{self, NewEntry, WindowKey};
use korrigo_store::users::{self};
use korrigo_store::{now_ms, sessions};
use tracing::{info, warn};

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

    pub(super) fn entry<'a>(
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
}
