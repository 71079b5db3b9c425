//! The durable job queue, on the same database as everything else.
//!
//! A job is claimed by one worker at a time under a lease (`locked_until`) that the worker
//! renews while it works. A worker that dies stops renewing; once the lease runs out, any worker
//! may claim the job again. On PostgreSQL the claim uses `FOR UPDATE SKIP LOCKED`, so
//! concurrent workers never wait on or take the same row; SQLite serialises writers, so the
//! single `UPDATE ... RETURNING` statement is atomic there.

use crate::{Backend, Conn, StoreError, on_conn};
use korrigo_domain::JobId;
use korrigo_domain::jobs::JobStatus;

/// A stored job.
#[derive(Clone, Debug)]
pub struct Job {
    /// The id.
    pub id: JobId,
    /// The handler's name (`sessions.purge`, ...).
    pub kind: String,
    /// The payload: a JSON object of ids only.
    pub payload: serde_json::Value,
    /// Where it is in its life.
    pub status: JobStatus,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed.
    pub max_attempts: i64,
    /// Earliest time of the next attempt (ms).
    pub run_at: i64,
    /// The worker holding it.
    pub locked_by: Option<String>,
    /// The lease's end (ms).
    pub locked_until: Option<i64>,
    /// Progress: units done.
    pub progress_done: i64,
    /// Progress: units in all (0 when unknown).
    pub progress_total: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// Creation time (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// End time (ms), for finished jobs.
    pub finished_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    status: String,
    attempts: i64,
    max_attempts: i64,
    run_at: i64,
    locked_by: Option<String>,
    locked_until: Option<i64>,
    progress_done: i64,
    progress_total: i64,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, kind, payload, status, attempts, max_attempts, run_at, locked_by, \
     locked_until, progress_done, progress_total, last_error, created_at, updated_at, finished_at";

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Job, StoreError> {
        Ok(Job {
            id: JobId(r.id),
            kind: r.kind,
            payload: serde_json::from_str(&r.payload)
                .map_err(|e| StoreError::Corrupt(format!("job {} payload: {e}", r.id)))?,
            status: JobStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("job status {}", r.status)))?,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: r.run_at,
            locked_by: r.locked_by,
            locked_until: r.locked_until,
            progress_done: r.progress_done,
            progress_total: r.progress_total,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
            finished_at: r.finished_at,
        })
    }
}

/// Adds a job to the queue, to run from `run_at` (ms).
pub async fn enqueue(
    c: Conn<'_>,
    kind: &str,
    payload: &serde_json::Value,
    max_attempts: u32,
    priority: i64,
    run_at: i64,
    now: i64,
) -> Result<JobId, StoreError> {
    let sql = "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, priority) \
               VALUES ($1, $2, 'queued', 0, $3, $4, $5, $5, $6) RETURNING id";
    let id: i64 = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(kind)
        .bind(payload.to_string())
        .bind(i64::from(max_attempts.max(1)))
        .bind(run_at)
        .bind(now)
        .bind(priority)
        .fetch_one(&mut *c)
        .await)?;
    Ok(JobId(id))
}

/// Adds a job unless one of the same kind and payload is still waiting (queued, not started):
/// for work that needs doing once more however often it is asked for, like matching an exam's
/// readings after each of its copies is read. A job already running does not count: it may
/// have started before what asks for it now. Returns the waiting job or the new one. Two
/// PostgreSQL transactions asking at the same instant may both add one: the work is then done
/// twice, never lost.
pub async fn enqueue_once(
    mut c: Conn<'_>,
    kind: &str,
    payload: &serde_json::Value,
    max_attempts: u32,
    priority: i64,
    run_at: i64,
    now: i64,
) -> Result<JobId, StoreError> {
    let waiting: Option<i64> = on_conn!(c.reborrow(), c => sqlx::query_scalar(
        "SELECT id FROM jobs WHERE kind = $1 AND status = 'queued' AND payload = $2 ORDER BY id LIMIT 1")
        .bind(kind)
        .bind(payload.to_string())
        .fetch_optional(&mut *c)
        .await)?;
    match waiting {
        Some(id) => Ok(JobId(id)),
        None => enqueue(c, kind, payload, max_attempts, priority, run_at, now).await,
    }
}

/// Claims the next due job of one of `kinds` for `worker`, with a lease until `lease_until`:
/// the highest priority first, then the oldest. A running job whose lease has run out (its
/// worker died) is claimable again.
pub async fn claim(
    c: Conn<'_>,
    worker: &str,
    kinds: &[String],
    now: i64,
    lease_until: i64,
) -> Result<Option<Job>, StoreError> {
    if kinds.is_empty() {
        return Ok(None);
    }
    // The kinds list is bound as one JSON array string and matched with a membership test that
    // works on both backends without building a variable-length IN list.
    let kinds_json = serde_json::to_string(kinds).unwrap_or_else(|_| "[]".into());
    let lock = match c.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let member = match c.backend() {
        Backend::Postgres => "kind IN (SELECT jsonb_array_elements_text($5::jsonb))",
        Backend::Sqlite => "kind IN (SELECT value FROM json_each($5))",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, \
         locked_until = $2, updated_at = $3 \
         WHERE id = (SELECT id FROM jobs WHERE {member} AND \
           ((status = 'queued' AND run_at <= $4) OR (status = 'running' AND locked_until < $4)) \
           ORDER BY priority DESC, run_at, id LIMIT 1{lock}) \
         RETURNING {JOB_COLUMNS}"
    );
    let row: Option<JobRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(worker)
        .bind(lease_until)
        .bind(now)
        .bind(now)
        .bind(kinds_json)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(Job::try_from).transpose()
}

/// Hands the running jobs of the workers whose names start with `prefix` back to the queue,
/// as if never tried (their attempt not counted), due now: a process stopping gives its
/// unfinished work to another worker. Returns how many.
pub async fn hand_back(c: Conn<'_>, prefix: &str, now: i64) -> Result<u64, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE jobs SET status = 'queued', locked_by = NULL, locked_until = NULL, \
         attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, run_at = $2, updated_at = $2 \
         WHERE status = 'running' AND substr(locked_by, 1, length($1)) = $1")
        .bind(prefix)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Renews the lease of a job the worker still holds. Returns false if the worker lost it (its
/// lease ran out and another worker claimed the job): the worker must then stop.
pub async fn heartbeat(
    c: Conn<'_>,
    id: JobId,
    worker: &str,
    lease_until: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE jobs SET locked_until = $1, updated_at = $2 \
         WHERE id = $3 AND locked_by = $4 AND status = 'running'")
        .bind(lease_until)
        .bind(now)
        .bind(id.0)
        .bind(worker)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Records progress (`done` of `total` units).
pub async fn progress(
    c: Conn<'_>,
    id: JobId,
    worker: &str,
    done: i64,
    total: i64,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE jobs SET progress_done = $1, progress_total = $2, updated_at = $3 \
         WHERE id = $4 AND locked_by = $5")
        .bind(done)
        .bind(total)
        .bind(now)
        .bind(id.0)
        .bind(worker)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a job the worker holds as done.
pub async fn complete(c: Conn<'_>, id: JobId, worker: &str, now: i64) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE jobs SET status = 'succeeded', locked_by = NULL, locked_until = NULL, \
         last_error = NULL, updated_at = $1, finished_at = $1 \
         WHERE id = $2 AND locked_by = $3 AND status = 'running'")
        .bind(now)
        .bind(id.0)
        .bind(worker)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Records a failed attempt: back to the queue until `retry_at` if attempts remain, else
/// failed for good. `error` is kept as the visible reason.
pub async fn fail(
    c: Conn<'_>,
    id: JobId,
    worker: &str,
    error: &str,
    retry_at: i64,
    now: i64,
) -> Result<Option<JobStatus>, StoreError> {
    let error: String = error.chars().take(2000).collect();
    let status: Option<String> = on_conn!(c, c => sqlx::query_scalar(
        "UPDATE jobs SET \
           status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, \
           run_at = $1, locked_by = NULL, locked_until = NULL, last_error = $2, updated_at = $3, \
           finished_at = CASE WHEN attempts >= max_attempts THEN $3 ELSE NULL END \
         WHERE id = $4 AND locked_by = $5 AND status = 'running' RETURNING status")
        .bind(retry_at)
        .bind(error.clone())
        .bind(now)
        .bind(id.0)
        .bind(worker)
        .fetch_optional(&mut *c)
        .await)?;
    Ok(status.as_deref().and_then(JobStatus::parse))
}

/// Finds a job.
pub async fn find(c: Conn<'_>, id: JobId) -> Result<Option<Job>, StoreError> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1");
    let row: Option<JobRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(Job::try_from).transpose()
}

/// How many jobs are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting.
    pub queued: i64,
    /// Being worked on.
    pub running: i64,
    /// Done.
    pub succeeded: i64,
    /// Failed for good.
    pub failed: i64,
}

/// Counts jobs per state (queue depth for metrics and the readiness check).
pub async fn counts(c: Conn<'_>) -> Result<Counts, StoreError> {
    let rows: Vec<(String, i64)> = on_conn!(c, c => sqlx::query_as(
        "SELECT status, COUNT(*) FROM jobs GROUP BY status")
        .fetch_all(&mut *c)
        .await)?;
    let mut out = Counts::default();
    for (s, n) in rows {
        match JobStatus::parse(&s) {
            Some(JobStatus::Queued) => out.queued = n,
            Some(JobStatus::Running) => out.running = n,
            Some(JobStatus::Succeeded) => out.succeeded = n,
            Some(JobStatus::Failed) => out.failed = n,
            None => {}
        }
    }
    Ok(out)
}

/// Whether a job of `kind` is queued or running (to avoid enqueuing a periodic job twice).
pub async fn pending_of_kind(c: Conn<'_>, kind: &str) -> Result<bool, StoreError> {
    let n: i64 = on_conn!(c, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')")
        .bind(kind)
        .fetch_one(&mut *c)
        .await)?;
    Ok(n > 0)
}

/// Filters of the job list.
#[derive(Clone, Debug, Default)]
pub struct JobFilter {
    /// Only this state.
    pub status: Option<JobStatus>,
    /// Only this kind.
    pub kind: Option<String>,
}

/// One page of jobs, most recently updated first.
pub async fn list(
    c: Conn<'_>,
    f: &JobFilter,
    page: korrigo_domain::PageRequest,
) -> Result<korrigo_domain::Paged<Job>, StoreError> {
    use crate::query::{Arg, Filter, fetch_page};
    let mut w = Filter::default();
    if let Some(s) = f.status {
        w.and("status = ?", [Arg::Text(s.as_str().into())]);
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        w.and("kind = ?", [Arg::Text(k.into())]);
    }
    let rows =
        fetch_page::<JobRow>(c, "jobs", JOB_COLUMNS, &w, "updated_at DESC, id DESC", page).await?;
    let items = rows
        .items
        .into_iter()
        .map(Job::try_from)
        .collect::<Result<_, _>>()?;
    Ok(korrigo_domain::Paged {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}
