//! Retention (RGPD): `korrigo purge --archived-before DATE` deletes the exams archived before a
//! date with everything they hold — scans, page images, final PDFs, copies, readings of the
//! name headers, scores, marks, comments — and journals each purge (`exam.purged`, with the
//! exam's id and name and what was deleted, never a student's name).
//!
//! For each exam the files go first, then the rows in one transaction with the journal entry:
//! an interruption leaves the exam archived, to be purged again, never rows pointing to
//! nothing or files nobody knows of.

use crate::accounts::AuthSession;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::{App, ClientInfo};
use korrigo_domain::ExamId;
use korrigo_domain::accounts::Role;
use korrigo_domain::audit::AuditAction;
use korrigo_store::{audit, exams, now_ms};
use serde::Serialize;

/// One exam of a purge.
#[derive(Clone, Debug, Serialize)]
pub struct PurgedExam {
    /// The exam's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When it was archived (ms since the epoch).
    pub archived_at: i64,
    /// Its copies.
    pub copies: i64,
    /// Its files (scans, page images, final PDFs).
    pub files: u64,
    /// Their size in bytes.
    pub bytes: u64,
}

/// What a purge did (or, with `dry_run`, would do).
#[derive(Clone, Debug, Serialize)]
pub struct PurgeReport {
    /// Nothing was deleted.
    pub dry_run: bool,
    /// The date given: exams archived before it (midnight UTC), `yyyy-mm-dd`.
    pub archived_before: String,
    /// The exams, oldest archive first.
    pub exams: Vec<PurgedExam>,
}

/// Where an exam's files are in the store.
fn prefixes(exam: i64) -> [String; 2] {
    [format!("exams/{exam}"), format!("finals/{exam}")]
}

impl App {
    /// Purges the exams archived before `before` (admins; the command line). With `dry_run`,
    /// only reports.
    pub async fn purge_archived(
        &self,
        s: &AuthSession,
        before: korrigo_domain::date::Date,
        dry_run: bool,
        client: &ClientInfo,
    ) -> Result<PurgeReport, AppError> {
        if s.user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let cutoff = before.days_since_epoch() * 86_400_000;
        let due = {
            let mut c = self.db.read().await?;
            exams::archived_before(c.conn(), cutoff).await?
        };
        let mut report = PurgeReport {
            dry_run,
            archived_before: before.iso(),
            exams: Vec::with_capacity(due.len()),
        };
        for e in due {
            let mut listed = vec![];
            for p in prefixes(e.id) {
                listed.extend(self.files.list(&format!("{p}/")).await?);
            }
            let done = PurgedExam {
                id: e.id,
                name: e.name,
                archived_at: e.archived_at,
                copies: e.copies,
                files: listed.len() as u64,
                bytes: listed.iter().map(|(_, n)| n).sum(),
            };
            if !dry_run {
                // Still archived (not restored since the listing): then its files go.
                let still = {
                    let mut c = self.db.read().await?;
                    exams::find(c.conn(), ExamId(e.id)).await?
                }
                .is_some_and(|x| x.archived_at.is_some());
                if !still {
                    continue;
                }
                for p in prefixes(e.id) {
                    self.files.delete_prefix(&p).await?;
                }
                let mut tx = self.db.begin().await?;
                if exams::delete_archived(tx.conn(), ExamId(e.id)).await? {
                    let entry = audit_entry::by_session(s, AuditAction::ExamPurged, client)
                        .on("exam", e.id)
                        .with(serde_json::json!({
                            "name": done.name, "archived_at": done.archived_at,
                            "copies": done.copies, "files": done.files, "bytes": done.bytes,
                        }));
                    audit::record(tx.conn(), &entry, now_ms()).await?;
                }
                tx.commit().await?;
                tracing::info!(
                    exam = e.id,
                    copies = e.copies,
                    files = done.files,
                    "exam purged"
                );
            }
            report.exams.push(done);
        }
        Ok(report)
    }
}
