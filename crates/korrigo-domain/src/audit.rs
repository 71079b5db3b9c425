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
    /// A password change was refused because the current password given was wrong.
    PasswordChangeFailed,
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
    /// A roster import finished.
    StudentsImported,
    /// A student's data was edited.
    StudentUpdated,
    /// An exam was created.
    ExamCreated,
    /// An exam's details were edited.
    ExamUpdated,
    /// An exam was archived.
    ExamArchived,
    /// An archived exam was restored.
    ExamRestored,
    /// An archived exam was purged: its files and personal data deleted (`korrigo purge`).
    ExamPurged,
    /// A member was added to an exam or their role changed.
    MemberSet,
    /// A member was removed from an exam.
    MemberRemoved,
    /// An exam's marking scheme was saved.
    SchemeSaved,
    /// Student accounts were generated (with activation codes).
    StudentAccountsGenerated,
    /// A student's activation code was replaced.
    ActivationReset,
    /// A student chose their password with their activation code.
    AccountActivated,
    /// A wrong activation code was tried.
    ActivationFailed,
    /// Teacher accounts were imported from a staff list.
    TeachersImported,
    /// A scan file was uploaded (or imported from the CLI) to an exam.
    ScansUploaded,
    /// A scan batch (not yet turned into copies) was discarded.
    ScanBatchDeleted,
    /// A manager chose to process a file uploaded twice.
    ScanDuplicateAccepted,
    /// A copy was repaired (merge, split, pages moved, reordered, rotated, blanked, deleted).
    CopyRepaired,
    /// A copy was identified (automatically or by a manager), or its identification changed.
    CopyIdentified,
    /// A manager printed identification labels for an exam's students.
    LabelsPrinted,
    /// An exam's copies were dispatched among correctors.
    CopiesDispatched,
    /// A manager reopened a graded copy.
    CopyReopened,
    /// An exam's results were exported (Pronote, gradebook CSV or XLSX).
    ResultsExported,
    /// An exam's results were released to its students.
    ResultsReleased,
    /// An exam's results were withdrawn from its students.
    ResultsWithdrawn,
    /// A manager adjusted one corrector's grades (harmonisation).
    GradesAdjusted,
    /// A manager removed a harmonisation.
    AdjustmentRemoved,
}

impl AuditAction {
    /// Every action, for filters.
    pub const ALL: [AuditAction; 41] = [
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::PasswordChanged,
        AuditAction::PasswordChangeFailed,
        AuditAction::PasswordReset,
        AuditAction::AdminSetup,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::LocaleChanged,
        AuditAction::StudentsImported,
        AuditAction::StudentUpdated,
        AuditAction::ExamCreated,
        AuditAction::ExamUpdated,
        AuditAction::ExamArchived,
        AuditAction::ExamRestored,
        AuditAction::ExamPurged,
        AuditAction::MemberSet,
        AuditAction::MemberRemoved,
        AuditAction::SchemeSaved,
        AuditAction::StudentAccountsGenerated,
        AuditAction::ActivationReset,
        AuditAction::AccountActivated,
        AuditAction::ActivationFailed,
        AuditAction::TeachersImported,
        AuditAction::ScansUploaded,
        AuditAction::ScanBatchDeleted,
        AuditAction::ScanDuplicateAccepted,
        AuditAction::CopyRepaired,
        AuditAction::CopyIdentified,
        AuditAction::LabelsPrinted,
        AuditAction::CopiesDispatched,
        AuditAction::CopyReopened,
        AuditAction::ResultsExported,
        AuditAction::ResultsReleased,
        AuditAction::ResultsWithdrawn,
        AuditAction::GradesAdjusted,
        AuditAction::AdjustmentRemoved,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::LoginSucceeded => "login.succeeded",
            AuditAction::LoginFailed => "login.failed",
            AuditAction::LoginThrottled => "login.throttled",
            AuditAction::Logout => "logout",
            AuditAction::PasswordChanged => "password.changed",
            AuditAction::PasswordChangeFailed => "password.change_failed",
            AuditAction::PasswordReset => "password.reset",
            AuditAction::AdminSetup => "admin.setup",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDeactivated => "user.deactivated",
            AuditAction::UserReactivated => "user.reactivated",
            AuditAction::LocaleChanged => "locale.changed",
            AuditAction::StudentsImported => "students.imported",
            AuditAction::StudentUpdated => "student.updated",
            AuditAction::ExamCreated => "exam.created",
            AuditAction::ExamUpdated => "exam.updated",
            AuditAction::ExamArchived => "exam.archived",
            AuditAction::ExamRestored => "exam.restored",
            AuditAction::ExamPurged => "exam.purged",
            AuditAction::MemberSet => "exam.member_set",
            AuditAction::MemberRemoved => "exam.member_removed",
            AuditAction::SchemeSaved => "exam.scheme_saved",
            AuditAction::StudentAccountsGenerated => "student.accounts_generated",
            AuditAction::ActivationReset => "student.activation_reset",
            AuditAction::AccountActivated => "account.activated",
            AuditAction::ActivationFailed => "activation.failed",
            AuditAction::TeachersImported => "teachers.imported",
            AuditAction::ScansUploaded => "scans.uploaded",
            AuditAction::ScanBatchDeleted => "scans.batch_deleted",
            AuditAction::ScanDuplicateAccepted => "scans.duplicate_accepted",
            AuditAction::CopyRepaired => "copy.repaired",
            AuditAction::CopyIdentified => "copy.identified",
            AuditAction::LabelsPrinted => "labels.printed",
            AuditAction::CopiesDispatched => "exam.dispatched",
            AuditAction::CopyReopened => "copy.reopened",
            AuditAction::ResultsExported => "results.exported",
            AuditAction::ResultsReleased => "results.released",
            AuditAction::ResultsWithdrawn => "results.withdrawn",
            AuditAction::GradesAdjusted => "results.adjusted",
            AuditAction::AdjustmentRemoved => "results.adjustment_removed",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}
