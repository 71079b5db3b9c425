//! The job runtime: typed handlers registered by kind, worker loops that claim jobs from the
//! durable queue, renew their lease while working, report progress, and retry failures with
//! exponential backoff until the job's attempts run out.
//!
//! Jobs carry ids only in their payload and must be idempotent: a job interrupted by a crash
//! is run again from the start by another worker once its lease runs out.

use crate::App;
pub use korrigo_domain::jobs::{DEFAULT_QUEUE, OCR_QUEUE, Priority};
use korrigo_domain::jobs::{JobStatus, retry_delay};
use korrigo_domain::{ExamId, JobId};
use korrigo_store::{Db, StoreError, jobs, now_ms};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tracing::{Instrument, error, info, info_span, warn};

/// What a handler returns.
pub type JobResult = Result<(), String>;
/// A handler's future.
pub type JobFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;
/// A handler: receives the job's context, returns when done.
pub type Handler = Arc<dyn Fn(JobContext) -> JobFuture + Send + Sync>;

/// What a running job can see and do.
#[derive(Clone)]
pub struct JobContext {
    /// The job's id.
    pub id: JobId,
    /// Its payload (ids only).
    pub payload: serde_json::Value,
    /// Which attempt this is (1 for the first).
    pub attempt: i64,
    /// The application.
    pub app: App,
    worker: Arc<str>,
}

impl JobContext {
    /// Reports progress: `done` of `total` units (pages, rows, ...).
    pub async fn progress(&self, done: i64, total: i64) -> Result<(), StoreError> {
        let mut tx = self.app.db.begin().await?;
        jobs::progress(tx.conn(), self.id, &self.worker, done, total, now_ms()).await?;
        tx.commit().await
    }

    /// Reads an id from the payload.
    pub fn id_param(&self, key: &str) -> Result<i64, String> {
        self.payload
            .get(key)
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| format!("the job payload has no `{key}` id"))
    }
}

/// A kind of job, declared by its area: its name in the queue and its payload (ids only,
/// serialized as JSON). Jobs are queued in the caller's transaction ([`App::queue_in`]), so a
/// job exists exactly when what it works on does: no batch waits for ever for a job that a
/// crash between two transactions never wrote.
pub trait JobSpec: serde::Serialize + serde::de::DeserializeOwned + Send + 'static {
    /// The kind's stable name (`scans.process`, ...).
    const KIND: &'static str;
    /// How many attempts a job of this kind gets.
    const MAX_ATTEMPTS: u32;
    /// How soon it runs when others wait.
    const PRIORITY: Priority = Priority::Background;
    /// The queue that serves it (`korrigo worker --queue NAME`).
    const QUEUE: &'static str = DEFAULT_QUEUE;
}

/// The periodic clean-up of expired sessions.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct PurgeSessions {}

impl JobSpec for PurgeSessions {
    const KIND: &'static str = PURGE_SESSIONS;
    const MAX_ATTEMPTS: u32 = 3;
    const PRIORITY: Priority = Priority::Maintenance;
}

/// One kind of job: its handler, how many attempts it gets, its priority and queue.
#[derive(Clone)]
struct Kind {
    handler: Handler,
    max_attempts: u32,
    priority: Priority,
    queue: &'static str,
}

/// The handlers known to this process, by kind name.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: HashMap<String, Kind>,
}

impl Registry {
    /// Registers the handler of a typed job: it receives the decoded payload.
    pub fn job<J, F, Fut>(&mut self, f: F)
    where
        J: JobSpec,
        F: Fn(App, J, JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        let f = Arc::new(f);
        self.register_in(
            J::KIND,
            J::MAX_ATTEMPTS,
            J::PRIORITY,
            J::QUEUE,
            move |ctx: JobContext| {
                let f = f.clone();
                async move {
                    let job: J = serde_json::from_value(ctx.payload.clone())
                        .map_err(|e| format!("the {} job's payload is not valid: {e}", J::KIND))?;
                    f(ctx.app.clone(), job, ctx).await
                }
            },
        );
    }

    /// Registers a handler for `kind` (background priority, default queue).
    pub fn register<F, Fut>(&mut self, kind: &str, max_attempts: u32, f: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.register_in(kind, max_attempts, Priority::Background, DEFAULT_QUEUE, f);
    }

    /// Registers a handler for `kind` with its priority and queue.
    pub fn register_in<F, Fut>(
        &mut self,
        kind: &str,
        max_attempts: u32,
        priority: Priority,
        queue: &'static str,
        f: F,
    ) where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.kinds.insert(
            kind.to_string(),
            Kind {
                handler: Arc::new(move |ctx| Box::pin(f(ctx))),
                max_attempts,
                priority,
                queue,
            },
        );
    }

    /// The attempts allowed for `kind` (3 for unknown kinds).
    pub fn max_attempts(&self, kind: &str) -> u32 {
        self.kinds.get(kind).map(|k| k.max_attempts).unwrap_or(3)
    }

    /// The priority of `kind` (background for unknown kinds).
    pub fn priority(&self, kind: &str) -> Priority {
        self.kinds
            .get(kind)
            .map(|k| k.priority)
            .unwrap_or(Priority::Background)
    }

    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.kinds.keys().cloned().collect();
        v.sort();
        v
    }

    /// The queues some kind is in, sorted.
    pub fn queues(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self.kinds.values().map(|k| k.queue).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The kinds served by `queues` (all kinds when `queues` is empty), or the queue names
    /// that do not exist.
    pub fn kinds_of(&self, queues: &[String]) -> Result<Vec<String>, UnknownQueues> {
        let unknown: Vec<String> = queues
            .iter()
            .filter(|q| !self.queues().contains(&q.as_str()))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(UnknownQueues {
                unknown,
                known: self.queues().iter().map(|q| q.to_string()).collect(),
            });
        }
        let mut v: Vec<String> = self
            .kinds
            .iter()
            .filter(|(_, k)| queues.is_empty() || queues.iter().any(|q| q == k.queue))
            .map(|(name, _)| name.clone())
            .collect();
        v.sort();
        Ok(v)
    }
}

/// `korrigo worker --queue` named a queue no job is in.
#[derive(Debug, thiserror::Error)]
#[error("no job queue is named {}; the queues are {}", .unknown.join(", "), .known.join(", "))]
pub struct UnknownQueues {
    pub unknown: Vec<String>,
    pub known: Vec<String>,
}

/// Timing of the worker loops.
#[derive(Clone, Debug)]
pub struct WorkerTiming {
    /// Sleep between polls when the queue is empty (a local enqueue wakes workers at once).
    pub poll: Duration,
    /// How long a claim lasts without renewal.
    pub lease: Duration,
    /// First retry delay; doubled on each further failure.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl Default for WorkerTiming {
    fn default() -> Self {
        WorkerTiming {
            poll: Duration::from_millis(1000),
            lease: Duration::from_secs(60),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(600),
        }
    }
}

/// The queue as the rest of the application sees it: enqueue, and wake local workers.
#[derive(Clone, Default)]
pub struct Queue {
    notify: Arc<Notify>,
}

impl Queue {
    /// Wakes the local workers (after a commit that enqueued a job).
    pub fn wake(&self) {
        self.notify.notify_waiters();
    }
}

impl App {
    /// Lists background jobs with their progress and failure reasons (admins only).
    pub async fn list_jobs(
        &self,
        s: &crate::accounts::AuthSession,
        f: &jobs::JobFilter,
        page: korrigo_domain::PageRequest,
    ) -> Result<korrigo_domain::Paged<jobs::Job>, crate::AppError> {
        korrigo_domain::policy::administer(&s.actor())?;
        let mut c = self.db.read().await?;
        Ok(jobs::list(c.conn(), f, page).await?)
    }

    /// Enqueues a job in a transaction of its own and wakes local workers: only for a job
    /// that depends on nothing else being written (maintenance, tests). Use cases queue theirs
    /// with [`App::queue_in`] in the transaction of what the job works on.
    pub async fn enqueue(
        &self,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<JobId, StoreError> {
        self.enqueue_now(kind, payload, false).await
    }

    /// Queues a job unless the same one (kind and payload) is already waiting. Jobs are
    /// claimed oldest first, so a burst of requests queued behind other work makes one job.
    pub async fn enqueue_once(
        &self,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<JobId, StoreError> {
        self.enqueue_now(kind, payload, true).await
    }

    async fn enqueue_now(
        &self,
        kind: &str,
        payload: serde_json::Value,
        once: bool,
    ) -> Result<JobId, StoreError> {
        let mut tx = self.db.begin().await?;
        let id = self.enqueue_in(tx.conn(), kind, &payload, once).await?;
        tx.commit().await?;
        self.queue.wake();
        Ok(id)
    }

    /// Queues a typed job in the caller's transaction: it exists exactly when what it works on
    /// does. With `once`, nothing is added while the same job is still waiting (a burst of
    /// requests makes one job). The caller wakes the workers after its commit
    /// (`self.queue.wake()`).
    pub(crate) async fn queue_in<J: JobSpec>(
        &self,
        c: korrigo_store::Conn<'_>,
        job: &J,
        once: bool,
    ) -> Result<JobId, StoreError> {
        let payload = serde_json::to_value(job)
            .map_err(|e| StoreError::Corrupt(format!("a {} job: {e}", J::KIND)))?;
        self.enqueue_in(c, J::KIND, &payload, once).await
    }

    /// Queues a job in the caller's transaction (so that it exists exactly when what it works
    /// on does); `once` as in [`App::enqueue_once`]. The caller wakes the workers after its
    /// commit (`self.queue.wake()`).
    pub(crate) async fn enqueue_in(
        &self,
        c: korrigo_store::Conn<'_>,
        kind: &str,
        payload: &serde_json::Value,
        once: bool,
    ) -> Result<JobId, StoreError> {
        let now = now_ms();
        let attempts = self.registry.max_attempts(kind);
        let priority = self.registry.priority(kind).value();
        if once {
            jobs::enqueue_once(c, kind, payload, attempts, priority, now, now).await
        } else {
            jobs::enqueue(c, kind, payload, attempts, priority, now, now).await
        }
    }

    /// Starts `n` worker loops serving every queue; they stop when `shutdown` turns true.
    /// Returns their handles.
    pub fn spawn_workers(
        &self,
        n: usize,
        timing: WorkerTiming,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        self.spawn_workers_for(n, self.registry.names(), timing, shutdown)
    }

    /// Starts `n` worker loops serving only `kinds` (see [`Registry::kinds_of`]).
    pub fn spawn_workers_for(
        &self,
        n: usize,
        kinds: Vec<String>,
        timing: WorkerTiming,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let kinds: Arc<[String]> = kinds.into();
        (0..n)
            .map(|i| {
                let worker: Arc<str> = format!(
                    "{}-{i}-{}",
                    self.worker_prefix,
                    crate::tokens::random_hex(4)
                )
                .into();
                let app = self.clone();
                let timing = timing.clone();
                let shutdown = shutdown.clone();
                let kinds = kinds.clone();
                tokio::spawn(async move { worker_loop(app, worker, kinds, timing, shutdown).await })
            })
            .collect()
    }

    /// Waits up to `grace` for worker loops told to stop (their `shutdown` sent) to finish
    /// their jobs; then stops the ones still running and hands their jobs back to the queue,
    /// as if never tried, for another worker or the next start. Returns how many were handed
    /// back.
    pub async fn stop_workers(
        &self,
        handles: Vec<tokio::task::JoinHandle<()>>,
        grace: Duration,
    ) -> Result<u64, StoreError> {
        let deadline = tokio::time::Instant::now() + grace;
        let mut late = Vec::new();
        for mut h in handles {
            if tokio::time::timeout_at(deadline, &mut h).await.is_err() {
                h.abort();
                late.push(h);
            }
        }
        if late.is_empty() {
            return Ok(0);
        }
        for h in late {
            let _ = h.await;
        }
        let mut tx = self.db.begin().await?;
        let n = jobs::hand_back(tx.conn(), &format!("{}-", self.worker_prefix), now_ms()).await?;
        tx.commit().await?;
        if n > 0 {
            warn!(
                jobs = n,
                "jobs still running at shutdown handed back to the queue"
            );
        }
        Ok(n)
    }

    /// Runs due jobs in this task until none is left (for the CLI and tests). Returns how
    /// many jobs were run.
    pub async fn run_pending_jobs(&self, timing: &WorkerTiming) -> Result<usize, StoreError> {
        self.run_pending_jobs_of(&self.registry.names(), timing)
            .await
    }

    /// [`App::run_pending_jobs`] for some kinds only (a benchmark timing one stage).
    pub async fn run_pending_jobs_of(
        &self,
        kinds: &[String],
        timing: &WorkerTiming,
    ) -> Result<usize, StoreError> {
        let worker: Arc<str> = format!("inline-{}", crate::tokens::random_hex(4)).into();
        let mut n = 0;
        while run_one(self, &worker, kinds, timing).await? {
            n += 1;
        }
        Ok(n)
    }
}

async fn worker_loop(
    app: App,
    worker: Arc<str>,
    kinds: Arc<[String]>,
    timing: WorkerTiming,
    mut shutdown: watch::Receiver<bool>,
) {
    info!(worker = %worker, "job worker started");
    loop {
        if *shutdown.borrow() {
            break;
        }
        let notified = app.queue.notify.notified();
        match run_one(&app, &worker, &kinds, &timing).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => error!(worker = %worker, error = %e, "job queue unreachable"),
        }
        tokio::select! {
            _ = notified => {}
            _ = tokio::time::sleep(timing.poll) => {}
            _ = shutdown.changed() => {}
        }
    }
    info!(worker = %worker, "job worker stopped");
}

/// Claims and runs one job. Returns whether there was one.
async fn run_one(
    app: &App,
    worker: &Arc<str>,
    kinds: &[String],
    timing: &WorkerTiming,
) -> Result<bool, StoreError> {
    let lease_ms = i64::try_from(timing.lease.as_millis()).unwrap_or(60_000);
    let now = now_ms();
    let job = {
        let mut tx = app.db.begin().await?;
        let j = jobs::claim(tx.conn(), worker, kinds, now, now + lease_ms).await?;
        tx.commit().await?;
        j
    };
    let Some(job) = job else {
        return Ok(false);
    };
    let Some(kind) = app.registry.kinds.get(&job.kind).cloned() else {
        return Ok(true);
    };
    let span =
        info_span!("job", job.id = %job.id, job.kind = %job.kind, job.attempt = job.attempts);
    async {
        let ctx = JobContext {
            id: job.id,
            payload: job.payload.clone(),
            attempt: job.attempts,
            app: app.clone(),
            worker: worker.clone(),
        };
        // Both tasks die with this worker: a worker stopped midway (or its process) stops
        // renewing the lease, so another worker takes the job over once the lease runs out.
        let _heartbeat = AbortOnDrop(tokio::spawn(heartbeat(
            app.db.clone(),
            job.id,
            worker.clone(),
            lease_ms,
        )));
        // A panicking handler is a failed attempt, not a dead worker.
        let mut handler = AbortOnDrop(tokio::spawn((kind.handler)(ctx)));
        let outcome = (&mut handler.0).await;
        drop(_heartbeat);
        let outcome = match outcome {
            Ok(r) => r,
            Err(e) => Err(format!("the job crashed: {e}")),
        };
        let now = now_ms();
        let mut tx = app.db.begin().await?;
        match outcome {
            Ok(()) => {
                jobs::complete(tx.conn(), job.id, worker, now).await?;
                tx.commit().await?;
                info!("job succeeded");
            }
            Err(reason) => {
                let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
                let delay = retry_delay(attempts, timing.backoff_base, timing.backoff_max);
                let retry_at = now + i64::try_from(delay.as_millis()).unwrap_or(0);
                let st = jobs::fail(tx.conn(), job.id, worker, &reason, retry_at, now).await?;
                tx.commit().await?;
                if st == Some(JobStatus::Failed) {
                    error!(error = %reason, "job failed for good");
                } else {
                    warn!(error = %reason, retry_in_ms = %delay.as_millis(), "job attempt failed; will retry");
                }
            }
        }
        Ok::<_, StoreError>(())
    }
    .instrument(span)
    .await?;
    Ok(true)
}

/// A spawned task that is aborted when this value is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn heartbeat(db: Db, id: JobId, worker: Arc<str>, lease_ms: i64) {
    let every = Duration::from_millis(u64::try_from(lease_ms / 3).unwrap_or(10_000).max(100));
    loop {
        tokio::time::sleep(every).await;
        let now = now_ms();
        let renewed = async {
            let mut tx = db.begin().await?;
            let ok = jobs::heartbeat(tx.conn(), id, &worker, now + lease_ms, now).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(ok)
        }
        .await;
        match renewed {
            Ok(true) => {}
            Ok(false) => {
                warn!(job.id = %id, "lost the job's lease");
                return;
            }
            Err(e) => warn!(job.id = %id, error = %e, "could not renew the job's lease"),
        }
    }
}

/// The built-in maintenance job: deletes expired sessions.
pub const PURGE_SESSIONS: &str = "sessions.purge";

/// Registers every job kind of the application.
pub fn builtin_registry() -> Registry {
    let mut r = Registry::default();
    r.job(|app: App, _: PurgeSessions, ctx: JobContext| async move {
        let now = now_ms();
        let idle = i64::try_from(app.config.session_idle.as_millis()).unwrap_or(i64::MAX / 2);
        let mut tx = app.db.begin().await.map_err(|e| e.to_string())?;
        let n = korrigo_store::sessions::purge_expired(tx.conn(), now, now - idle)
            .await
            .map_err(|e| e.to_string())?;
        tx.commit().await.map_err(|e| e.to_string())?;
        ctx.progress(1, 1).await.map_err(|e| e.to_string())?;
        info!(purged = n, "expired sessions purged");
        Ok(())
    });
    r.job(
        |app: App, job: crate::roster::ImportStudents, ctx: JobContext| async move {
            app.run_student_import(job.import, &ctx).await
        },
    );
    r.job(
        |app: App, job: crate::scans::ProcessBatch, ctx: JobContext| async move {
            let result = app.run_batch(job.batch, &ctx).await;
            if let Err(e) = &result
                && ctx.attempt >= i64::from(crate::scans::ProcessBatch::MAX_ATTEMPTS)
            {
                // The last attempt: the batch must not look "processing" for ever.
                app.give_up_batch(job.batch, e).await;
            }
            result
        },
    );
    r.job(
        |app: App, job: crate::results::MakeFinalPdf, ctx: JobContext| async move {
            let result = app.run_final_pdf(job.copy).await;
            if let Err(e) = &result
                && ctx.attempt >= i64::from(crate::results::MakeFinalPdf::MAX_ATTEMPTS)
            {
                // The last attempt: the copy must not look "being made" for ever.
                app.give_up_final_pdf(job.copy, e).await;
            }
            result
        },
    );
    r.job(
        |app: App, job: crate::identify::ReadCopy, _ctx: JobContext| async move {
            app.run_read_copy(job.copy).await
        },
    );
    r.job(
        |app: App, job: crate::identify::MatchExam, _ctx: JobContext| async move {
            app.run_match_exam(ExamId(job.exam)).await
        },
    );
    r
}

/// Enqueues the periodic maintenance jobs that are not already waiting, every `every`.
pub async fn scheduler(app: App, every: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        let res = async {
            let pending = {
                let mut c = app.db.read().await?;
                jobs::pending_of_kind(c.conn(), PURGE_SESSIONS).await?
            };
            if !pending {
                let mut tx = app.db.begin().await?;
                app.queue_in(tx.conn(), &PurgeSessions {}, true).await?;
                tx.commit().await?;
                app.queue.wake();
            }
            Ok::<_, StoreError>(())
        }
        .await;
        if let Err(e) = res {
            warn!(error = %e, "could not schedule maintenance jobs");
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
