//! The audit log's vocabulary: every security-relevant action has one stable name.

use serde::Serialize;

/// An action recorded in the audit log. The stable names (`login.failed`, ...) are what the
/// API returns and what the audit page filters on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum AuditAction {
    /// A successful login.
    LoginSucceeded,
    /// A refused login (unknown user, wrong password, deactivated account).
    LoginFailed,
    /// A login refused by the rate limiter.
    LoginThrottled,
    /// A logout.
    Logout,
    /// A user changed their own password.
    PasswordChanged,
    /// An admin reset a user's password.
    PasswordReset,
    /// The first admin account was created (from the environment or the setup link).
    AdminSetup,
    /// A user account was created.
    UserCreated,
    /// A user account was edited.
    UserUpdated,
    /// A user account was deactivated.
    UserDeactivated,
    /// A user account was reactivated.
    UserReactivated,
    /// A user changed their interface language.
    LocaleChanged,
}

impl AuditAction {
    /// Every action, for filters.
    pub const ALL: [AuditAction; 12] = [
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::AdminSetup,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::LocaleChanged,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::LoginThrottled => "login.throttled",
            AuditAction::Logout => "logout",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::AdminSetup => "admin.setup",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDeactivated => "user.deactivated",
            AuditAction::UserReactivated => "user.reactivated",
            AuditAction::LocaleChanged => "locale.changed",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}
