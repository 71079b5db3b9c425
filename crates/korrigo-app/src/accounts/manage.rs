//! User management by admins: list, show, create (with a temporary password), update,
//! reset a password; and the audit log's reading.

use super::*;
use crate::error::AppError;
use crate::tokens;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{
    DisplayName, Email, Locale, NewPassword, PageRequest, Paged, Role, UserId, Username, policy,
};
use korrigo_store::audit::{self};
use korrigo_store::users::{self, NewUser, ProfileUpdate, UserFilter};
use korrigo_store::{now_ms, sessions};

impl App {
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

    pub(super) async fn create_user_inner(
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
