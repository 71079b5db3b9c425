//! The first admin: created from `KORRIGO_ADMIN_PASSWORD`, or by the first visitor of a
//! one-time setup link; and accounts created from the command line.

use super::*;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::tokens;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::{Locale, NewPassword, Role, Username};
use korrigo_store::audit::{self};
use korrigo_store::users::{self, NewUser};
use korrigo_store::{now_ms, settings};
use tracing::info;

impl App {
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
}
