//! The roster: importing students from school CSV exports (previewed, then applied by a
//! background job in chunks), browsing and editing them. Students' personal data is for admins
//! here; teachers reach it only through the exam features that need it.

use crate::accounts::AuthSession;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::jobs::JobContext;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::roster::{ImportStatus, ParsedRoster, Rejected, StudentRecord, parse_roster};
use korrigo_domain::{Date, Email, PageRequest, Paged, policy};
use korrigo_store::audit;
use korrigo_store::students::{self, ImportCounts, Planned, Student, StudentFilter};
use korrigo_store::{imports, now_ms};
use serde::{Deserialize, Serialize};

/// The job that applies a student import.
pub const IMPORT_STUDENTS: &str = "students.import";

/// The job applying a confirmed student import.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportStudents {
    /// The import.
    pub import: i64,
}

impl crate::jobs::JobSpec for ImportStudents {
    const KIND: &'static str = IMPORT_STUDENTS;
    const MAX_ATTEMPTS: u32 = 5;
    const PRIORITY: crate::jobs::Priority = crate::jobs::Priority::Interactive;
}
/// Rows applied per transaction.
const CHUNK: usize = 2000;

/// One row of a preview: the student as it will be imported, and what will happen.
#[derive(Debug, Serialize)]
pub struct PreviewRow {
    /// The row's line in the file.
    pub line: usize,
    /// The student read.
    pub student: StudentRecord,
    /// `insert`, `update` or `unchanged` (with the stored student's id).
    pub outcome: crate::shapes::PlannedJson,
}

/// What an import would do, before anything is written.
#[derive(Debug, Serialize)]
pub struct Preview {
    /// Valid rows.
    pub rows: Vec<PreviewRow>,
    /// Rejected rows with their line and reason.
    pub rejected: Vec<Rejected>,
    /// The counts the import would produce.
    pub would: crate::shapes::ImportCountsJson,
    /// The detected separator.
    pub separator: char,
    /// The detected encoding.
    pub encoding: &'static str,
}

/// An import's state and report.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// The import's id.
    pub id: i64,
    /// `pending`, `done` or `failed`.
    pub status: ImportStatus,
    /// The uploaded file's name.
    pub file_name: String,
    /// Valid rows to apply.
    pub rows_total: i64,
    /// Rows applied so far.
    pub rows_done: i64,
    /// New students.
    pub imported: i64,
    /// Updated students.
    pub updated: i64,
    /// Students already up to date.
    pub unchanged: i64,
    /// Rejected rows with their line and reason.
    pub rejected: Vec<Rejected>,
    /// Why the import failed, if it did.
    pub error: Option<String>,
}

impl TryFrom<imports::Import> for ImportReport {
    type Error = AppError;
    fn try_from(i: imports::Import) -> Result<ImportReport, AppError> {
        Ok(ImportReport {
            rejected: serde_json::from_str(&i.rejected)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            id: i.id,
            status: i.status,
            file_name: i.file_name,
            rows_total: i.rows_total,
            rows_done: i.rows_done,
            imported: i.imported,
            updated: i.updated,
            unchanged: i.unchanged,
            error: i.error,
        })
    }
}

/// Input of a student edit.
#[derive(Debug, Clone, Deserialize)]
pub struct StudentInput {
    /// Last name.
    pub last_name: String,
    /// First name(s).
    pub first_name: String,
    /// Birth date (`dd/mm/yyyy` or `yyyy-mm-dd`).
    pub birth_date: String,
    /// Class.
    #[serde(default)]
    pub class: Option<String>,
    /// Group.
    #[serde(default)]
    pub group: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// INE.
    #[serde(default)]
    pub ine: Option<String>,
}

/// A student with the exams they sat.
#[derive(Debug, Serialize)]
pub struct StudentDetail {
    /// The student.
    #[serde(flatten)]
    pub student: crate::shapes::StudentJson,
    /// The exams concerning them: id, name, date.
    pub exams: Vec<ExamRef>,
}

/// A short reference to an exam.
#[derive(Debug, Serialize)]
pub struct ExamRef {
    /// The exam's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its date.
    pub date: Option<String>,
}

/// Refuses an import file over `KORRIGO_IMPORT_MAX_BYTES` (20,000 rows of a school export
/// are about 2 MB).
pub(crate) fn check_import_size(bytes: &[u8], max: u64) -> Result<(), AppError> {
    if bytes.len() as u64 > max {
        return Err(AppError::invalid(
            "file",
            format!(
                "the file is {:.1} MB; an import file may have at most {:.1} MB",
                bytes.len() as f64 / 1e6,
                max as f64 / 1e6
            ),
        ));
    }
    Ok(())
}

fn parse_file(bytes: &[u8], max: u64) -> Result<ParsedRoster, AppError> {
    check_import_size(bytes, max)?;
    parse_roster(bytes).map_err(|e| AppError::invalid("file", e.to_string()))
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
}

impl App {
    /// Shows what importing `bytes` would do, writing nothing (admins only).
    pub async fn preview_students(
        &self,
        s: &AuthSession,
        bytes: &[u8],
    ) -> Result<Preview, AppError> {
        policy::administer(&s.actor())?;
        let parsed = parse_file(bytes, self.config.import_max_bytes)?;
        let records: Vec<StudentRecord> = parsed.rows.iter().map(|(_, r)| r.clone()).collect();
        let plan = {
            let mut c = self.db.read().await?;
            students::plan(c.conn(), &records).await?
        };
        let mut would = ImportCounts::default();
        for p in &plan {
            match p {
                Planned::Insert => would.imported += 1,
                Planned::Update { .. } => would.updated += 1,
                Planned::Unchanged { .. } => would.unchanged += 1,
            }
        }
        Ok(Preview {
            rows: parsed
                .rows
                .into_iter()
                .zip(plan)
                .map(|((line, student), outcome)| PreviewRow {
                    line,
                    student,
                    outcome: (&outcome).into(),
                })
                .collect(),
            rejected: parsed.rejected,
            would: would.into(),
            separator: parsed.separator,
            encoding: parsed.encoding,
        })
    }

    /// Starts importing a roster (admins only): the file is checked and kept, its rejected rows
    /// recorded, and a background job applies the valid rows. Returns the import to follow.
    pub async fn start_student_import(
        &self,
        s: &AuthSession,
        file_name: &str,
        bytes: &[u8],
        client: &ClientInfo,
    ) -> Result<ImportReport, AppError> {
        policy::administer(&s.actor())?;
        let parsed = parse_file(bytes, self.config.import_max_bytes)?;
        let key = format!("imports/students-{}.csv", crate::tokens::random_hex(12));
        self.files.put(&key, bytes).await?;
        let rejected = serde_json::to_string(&parsed.rejected)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let now = now_ms();
        let name: String = file_name.chars().take(200).collect();
        let mut tx = self.db.begin().await?;
        let id = imports::insert(
            tx.conn(),
            "students",
            &key,
            &name,
            (s.user.id.0 > 0).then_some(s.user.id.0),
            parsed.rows.len() as i64,
            &rejected,
            now,
        )
        .await?;
        let job = self
            .queue_in(tx.conn(), &ImportStudents { import: id }, false)
            .await?;
        let entry = audit_entry::by_session(s, AuditAction::StudentsImported, client)
            .on("import", id)
            .with(serde_json::json!({ "stage": "started", "rows": parsed.rows.len(), "rejected": parsed.rejected.len(), "job": job.0 }));
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        self.queue.wake();
        self.import_report(id).await
    }

    async fn import_report(&self, id: i64) -> Result<ImportReport, AppError> {
        let mut c = self.db.read().await?;
        imports::find(c.conn(), id)
            .await?
            .ok_or(AppError::NotFound("import"))?
            .try_into()
    }

    /// An import's progress and report (admins only).
    pub async fn import_status(&self, s: &AuthSession, id: i64) -> Result<ImportReport, AppError> {
        policy::administer(&s.actor())?;
        self.import_report(id).await
    }

    /// The job: applies an import's valid rows in chunks, each in its own transaction with the
    /// import's progress, so that a resumed job continues where the last one stopped.
    pub(crate) async fn run_student_import(&self, id: i64, ctx: &JobContext) -> Result<(), String> {
        let import = {
            let mut c = self.db.read().await.map_err(|e| e.to_string())?;
            imports::find(c.conn(), id)
                .await
                .map_err(|e| e.to_string())?
        }
        .ok_or_else(|| format!("import {id} does not exist"))?;
        if import.status != ImportStatus::Pending {
            return Ok(());
        }
        let fail = async |msg: String| {
            if let Ok(mut tx) = self.db.begin().await {
                let _ = imports::finish(tx.conn(), id, ImportStatus::Failed, Some(&msg), now_ms())
                    .await;
                let _ = tx.commit().await;
            }
            let _ = self.files.delete(&import.file_key).await;
            Err::<(), String>(msg)
        };
        let bytes = match self.files.get(&import.file_key).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                return fail("the uploaded file is missing from the file store".into()).await;
            }
            Err(e) => return Err(e.to_string()),
        };
        let parsed = match parse_roster(&bytes) {
            Ok(p) => p,
            Err(e) => return fail(e.to_string()).await,
        };
        let records: Vec<StudentRecord> = parsed.rows.into_iter().map(|(_, r)| r).collect();
        let total = records.len() as i64;
        let mut done = usize::try_from(import.rows_done)
            .unwrap_or(0)
            .min(records.len());
        ctx.progress(done as i64, total)
            .await
            .map_err(|e| e.to_string())?;
        while done < records.len() {
            let end = (done + CHUNK).min(records.len());
            let chunk = &records[done..end];
            let mut tx = self.db.begin().await.map_err(|e| e.to_string())?;
            let plan = students::plan(tx.conn(), chunk)
                .await
                .map_err(|e| e.to_string())?;
            let c = students::apply(tx.conn(), chunk, &plan, now_ms())
                .await
                .map_err(|e| e.to_string())?;
            imports::advance(
                tx.conn(),
                id,
                end as i64,
                c.imported as i64,
                c.updated as i64,
                c.unchanged as i64,
            )
            .await
            .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            done = end;
            ctx.progress(done as i64, total)
                .await
                .map_err(|e| e.to_string())?;
        }
        let now = now_ms();
        let mut tx = self.db.begin().await.map_err(|e| e.to_string())?;
        imports::finish(tx.conn(), id, ImportStatus::Done, None, now)
            .await
            .map_err(|e| e.to_string())?;
        let report = imports::find(tx.conn(), id)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(r) = report {
            let entry = audit_entry::by_job(r.actor_id.map(korrigo_domain::UserId), AuditAction::StudentsImported)
                .on("import", id)
                .with(serde_json::json!({ "stage": "done", "imported": r.imported, "updated": r.updated, "unchanged": r.unchanged }));
            audit::record(tx.conn(), &entry, now)
                .await
                .map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
        // The uploaded file holds personal data that the students table now has: do not keep
        // a second copy.
        if let Err(e) = self.files.delete(&import.file_key).await {
            tracing::warn!(import.id = id, error = %e, "could not delete an imported roster file");
        }
        tracing::info!(import.id = id, rows = total, "student import done");
        Ok(())
    }

    /// Lists students (admins only).
    pub async fn list_students(
        &self,
        s: &AuthSession,
        f: &StudentFilter,
        page: PageRequest,
    ) -> Result<Paged<Student>, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(students::list(c.conn(), f, page).await?)
    }

    /// Every class with its number of students (admins; teachers too, for exam creation: class
    /// names and counts reveal no one).
    pub async fn classes(&self, s: &AuthSession) -> Result<Vec<(String, i64)>, AppError> {
        policy::use_staff_area(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(students::classes(c.conn()).await?)
    }

    /// One student with the exams they sat (admins only).
    pub async fn get_student(&self, s: &AuthSession, id: i64) -> Result<StudentDetail, AppError> {
        policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        let student = students::find(c.conn(), id)
            .await?
            .ok_or(AppError::NotFound("student"))?;
        let exams = korrigo_store::exams::of_student(c.conn(), id)
            .await?
            .into_iter()
            .map(|(id, name, date)| ExamRef { id, name, date })
            .collect();
        Ok(StudentDetail {
            student: (&student).into(),
            exams,
        })
    }

    /// Edits a student (admins only).
    pub async fn update_student(
        &self,
        s: &AuthSession,
        id: i64,
        input: &StudentInput,
        client: &ClientInfo,
    ) -> Result<Student, AppError> {
        policy::administer(&s.actor())?;
        let clean = |v: &str| v.split_whitespace().collect::<Vec<_>>().join(" ");
        let last = clean(&input.last_name);
        let first = clean(&input.first_name);
        if last.is_empty() {
            return Err(AppError::invalid("last_name", "the last name is missing"));
        }
        if first.is_empty() {
            return Err(AppError::invalid("first_name", "the first name is missing"));
        }
        let birth =
            Date::parse(&input.birth_date).map_err(|m| AppError::invalid("birth_date", m))?;
        let email = match opt(&input.email) {
            None => None,
            Some(e) => Some(
                Email::parse(&e)
                    .map_err(|m| AppError::invalid("email", m))?
                    .as_str()
                    .to_string(),
            ),
        };
        let record = StudentRecord {
            last_name: last,
            first_name: first,
            birth_date: birth,
            class: opt(&input.class),
            group: opt(&input.group),
            email,
            ine: opt(&input.ine).map(|i| i.to_ascii_uppercase()),
        };
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !students::update(tx.conn(), id, &record, false, now)
            .await
            .map_err(|e| match e {
                korrigo_store::StoreError::Conflict { field } => AppError::Conflict {
                    field: if field == "ine" { "ine" } else { "last_name" },
                    message: if field == "ine" {
                        "another student has this INE".into()
                    } else {
                        "another student has the same name and birth date".into()
                    },
                },
                other => AppError::Store(other),
            })?
        {
            return Err(AppError::NotFound("student"));
        }
        let entry =
            audit_entry::by_session(s, AuditAction::StudentUpdated, client).on("student", id);
        audit::record(tx.conn(), &entry, now).await?;
        let student = students::find(tx.conn(), id)
            .await?
            .ok_or(AppError::NotFound("student"))?;
        tx.commit().await?;
        Ok(student)
    }
}
