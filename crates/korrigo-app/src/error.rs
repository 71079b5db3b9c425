//! The outcomes a use case can end with, named after what the user experiences. The web layer
//! maps each to one HTTP status and error code in one table.

use korrigo_store::StoreError;

/// A use case's failure.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session.
    #[error("you are not logged in")]
    Unauthenticated,
    /// Wrong login or password (deliberately does not say which).
    #[error("wrong username or password")]
    InvalidCredentials,
    /// The password was right but the account is deactivated.
    #[error("this account is deactivated: ask an administrator")]
    AccountDisabled,
    /// Too many failed logins; try again after this many seconds.
    #[error("too many failed attempts: try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// The user must change their password before doing anything else.
    #[error("you must change your password first")]
    PasswordChangeRequired,
    /// Not allowed.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// The object does not exist (or the actor may not know it exists).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An input value is invalid; `field` names it.
    #[error("{field}: {message}")]
    Invalid {
        /// The input field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The request conflicts with the current state (a taken username, the last admin).
    #[error("{message}")]
    Conflict {
        /// The field concerned.
        field: &'static str,
        /// What conflicts.
        message: String,
    },
    /// The action needs an explicit confirmation (e.g. a scheme whose total differs from the
    /// exam's grade scale); resend it with the confirmation flag.
    #[error("{message}")]
    ConfirmationRequired {
        /// What to confirm.
        message: String,
        /// Facts for the UI.
        details: serde_json::Value,
    },
    /// A write based on a stale version: nothing was written; `details` carries the current
    /// value so the user sees what won.
    #[error("{message}")]
    ConflictWith {
        /// What happened.
        message: String,
        /// The current state.
        details: serde_json::Value,
    },
    /// Something is missing before the action can be done (a copy finalized with questions
    /// unscored); `details` lists what.
    #[error("{message}")]
    Incomplete {
        /// What is missing, in a sentence.
        message: String,
        /// What is missing, item by item.
        details: serde_json::Value,
    },
    /// What was asked is not ready yet (a final PDF being made, or that failed); `details`
    /// says where it stands.
    #[error("{message}")]
    NotReady {
        /// What the user should know.
        message: String,
        /// Where it stands.
        details: serde_json::Value,
    },
    /// There is nothing to do (every student of the class already has an account, ...): the
    /// request changes nothing and produces nothing.
    #[error("{message}")]
    NothingToDo {
        /// What the user should know.
        message: String,
    },
    /// The one-time setup link is invalid or was already used.
    #[error("this setup link is invalid or was already used")]
    SetupUnavailable,
    /// A failure of the database or file store; details are logged, not shown.
    #[error("storage failure: {0}")]
    Store(#[from] StoreError),
    /// Any other internal failure; details are logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<korrigo_domain::Forbidden> for AppError {
    fn from(_: korrigo_domain::Forbidden) -> Self {
        AppError::Forbidden
    }
}

impl AppError {
    /// Shorthand for an invalid field.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Turns a store conflict into a user-facing one.
    pub fn from_store(e: StoreError) -> AppError {
        match e {
            StoreError::Conflict { field } => AppError::Conflict {
                field,
                message: format!("this {field} is already taken"),
            },
            other => AppError::Store(other),
        }
    }
}
