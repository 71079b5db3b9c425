//! The JSON shapes of stored rows, as the API and the CLI's `--json` show them. The store's
//! rows are not serialisable: each one that reaches an answer has its shape here, with the
//! fields a school's script may rely on and nothing else, so that a column added to a table
//! (a storage key, a search column) never reaches an answer by accident.

use korrigo_domain::exams::{Coefficient, PageLayout};
use korrigo_domain::scans::BatchStatus;
use korrigo_domain::scheme::Scheme;
use korrigo_domain::{Date, ExamId, ExamRole, JobId, UserId};
use korrigo_store::{audit, exams, jobs, scans, students};
use serde::Serialize;

/// An exam.
#[derive(Clone, Debug, Serialize)]
pub struct ExamJson {
    pub id: ExamId,
    pub name: String,
    pub subject: String,
    pub date: Option<Date>,
    pub classes: Vec<String>,
    pub layout: PageLayout,
    pub grade_scale: u32,
    pub coefficient: Coefficient,
    pub scheme: Scheme,
    pub scheme_version: i64,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub archived_at: Option<i64>,
}

impl From<&exams::Exam> for ExamJson {
    fn from(e: &exams::Exam) -> Self {
        ExamJson {
            id: e.id,
            name: e.name.clone(),
            subject: e.subject.clone(),
            date: e.date,
            classes: e.classes.clone(),
            layout: e.layout,
            grade_scale: e.grade_scale,
            coefficient: e.coefficient,
            scheme: e.scheme.clone(),
            scheme_version: e.scheme_version,
            created_by: e.created_by,
            created_at: e.created_at,
            archived_at: e.archived_at,
        }
    }
}

/// An exam in a list, with the viewer's role in it.
#[derive(Clone, Debug, Serialize)]
pub struct ExamListItemJson {
    #[serde(flatten)]
    pub exam: ExamJson,
    pub my_role: Option<ExamRole>,
}

impl From<&exams::ExamListItem> for ExamListItemJson {
    fn from(i: &exams::ExamListItem) -> Self {
        ExamListItemJson {
            exam: (&i.exam).into(),
            my_role: i.my_role,
        }
    }
}

/// A member of an exam.
#[derive(Clone, Debug, Serialize)]
pub struct MemberJson {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

impl From<&exams::Member> for MemberJson {
    fn from(m: &exams::Member) -> Self {
        MemberJson {
            user_id: m.user_id,
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role.clone(),
        }
    }
}

/// A student of the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StudentJson {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Date,
    pub class: Option<String>,
    pub group: Option<String>,
    pub email: Option<String>,
    pub ine: Option<String>,
    pub user_id: Option<UserId>,
}

impl From<&students::Student> for StudentJson {
    fn from(s: &students::Student) -> Self {
        StudentJson {
            id: s.id,
            last_name: s.last_name.clone(),
            first_name: s.first_name.clone(),
            birth_date: s.birth_date,
            class: s.class.clone(),
            group: s.group.clone(),
            email: s.email.clone(),
            ine: s.ine.clone(),
            user_id: s.user_id,
        }
    }
}

/// What an import did or would do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCountsJson {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl From<students::ImportCounts> for ImportCountsJson {
    fn from(c: students::ImportCounts) -> Self {
        ImportCountsJson {
            imported: c.imported,
            updated: c.updated,
            unchanged: c.unchanged,
        }
    }
}

/// What an import will do with one row: `{"action": "insert"}`, `{"action": "update", "id"}`
/// or `{"action": "unchanged", "id"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum PlannedJson {
    Insert,
    Update { id: i64 },
    Unchanged { id: i64 },
}

impl From<&students::Planned> for PlannedJson {
    fn from(p: &students::Planned) -> Self {
        match *p {
            students::Planned::Insert => PlannedJson::Insert,
            students::Planned::Update { id } => PlannedJson::Update { id },
            students::Planned::Unchanged { id } => PlannedJson::Unchanged { id },
        }
    }
}

/// A scan batch (its storage key is never shown).
#[derive(Clone, Debug, Serialize)]
pub struct BatchJson {
    pub id: i64,
    pub exam_id: i64,
    pub file_name: String,
    pub size: i64,
    pub received: i64,
    pub sha256: Option<String>,
    pub status: BatchStatus,
    pub grouping: String,
    pub duplicate_of: Option<i64>,
    pub pages_total: i64,
    pub pages_done: i64,
    pub copies_made: i64,
    pub pages_flagged: i64,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&scans::Batch> for BatchJson {
    fn from(b: &scans::Batch) -> Self {
        BatchJson {
            id: b.id,
            exam_id: b.exam_id,
            file_name: b.file_name.clone(),
            size: b.size,
            received: b.received,
            sha256: b.sha256.clone(),
            status: b.status,
            grouping: b.grouping.clone(),
            duplicate_of: b.duplicate_of,
            pages_total: b.pages_total,
            pages_done: b.pages_done,
            copies_made: b.copies_made,
            pages_flagged: b.pages_flagged,
            error: b.error.clone(),
            created_by: b.created_by,
            created_at: b.created_at,
            updated_at: b.updated_at,
        }
    }
}

/// An audit log entry.
#[derive(Clone, Debug, Serialize)]
pub struct EntryJson {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_username: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
}

impl From<&audit::Entry> for EntryJson {
    fn from(e: &audit::Entry) -> Self {
        EntryJson {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_username: e.actor_username.clone(),
            action: e.action.clone(),
            object_type: e.object_type.clone(),
            object_id: e.object_id.clone(),
            ip: e.ip.clone(),
            user_agent: e.user_agent.clone(),
            details: e.details.clone(),
        }
    }
}

/// A background job.
#[derive(Clone, Debug, Serialize)]
pub struct JobJson {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    pub status: korrigo_domain::jobs::JobStatus,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub locked_by: Option<String>,
    pub locked_until: Option<i64>,
    pub progress_done: i64,
    pub progress_total: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

impl From<&jobs::Job> for JobJson {
    fn from(j: &jobs::Job) -> Self {
        JobJson {
            id: j.id,
            kind: j.kind.clone(),
            payload: j.payload.clone(),
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            run_at: j.run_at,
            locked_by: j.locked_by.clone(),
            locked_until: j.locked_until,
            progress_done: j.progress_done,
            progress_total: j.progress_total,
            last_error: j.last_error.clone(),
            created_at: j.created_at,
            updated_at: j.updated_at,
            finished_at: j.finished_at,
        }
    }
}
