//! The job runtime on both backends: retries with backoff then a visible failure, several
//! workers never running the same job, and a job whose worker died being picked up again.

use korrigo_app::App;
use korrigo_app::config::Config;
use korrigo_app::jobs::{DEFAULT_QUEUE, JobContext, OCR_QUEUE, Priority, Registry, WorkerTiming};
use korrigo_domain::jobs::JobStatus;
use korrigo_store::both_backends;
use korrigo_store::jobs;
use korrigo_store::test_support::{TestDb, Which};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

both_backends!(
    failing_job_is_retried_then_failed_with_its_reason,
    concurrent_workers_never_run_the_same_job,
    job_of_a_dead_worker_is_picked_up_again,
    progress_is_visible,
    jobs_run_by_priority_and_workers_serve_their_queues,
    jobs_still_running_at_shutdown_go_back_to_the_queue,
);

fn fast() -> WorkerTiming {
    WorkerTiming {
        poll: Duration::from_millis(20),
        lease: Duration::from_millis(600),
        backoff_base: Duration::from_millis(30),
        backoff_max: Duration::from_millis(100),
    }
}

async fn app(w: Which, registry: Registry) -> (App, TestDb) {
    let tdb = TestDb::new(w).await.unwrap();
    let dir = std::env::temp_dir().join(format!(
        "korrigo-jobs-{}",
        korrigo_app::tokens::random_hex(6)
    ));
    let app = App::with_db(
        Config::for_tests(dir, tdb.url.clone()),
        tdb.db.clone(),
        registry,
    )
    .await
    .unwrap();
    (app, tdb)
}

async fn wait_for<F: AsyncFn() -> bool>(what: &str, f: F) {
    for _ in 0..400 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn failing_job_is_retried_then_failed_with_its_reason(w: Which) {
    let attempts = Arc::new(Mutex::new(vec![]));
    let mut r = Registry::default();
    let seen = attempts.clone();
    r.register("flaky", 3, move |ctx: JobContext| {
        let seen = seen.clone();
        async move {
            seen.lock()
                .unwrap()
                .push((ctx.attempt, std::time::Instant::now()));
            Err(format!("scanner file unreadable (attempt {})", ctx.attempt))
        }
    });
    let (app, tdb) = app(w, r).await;
    let id = app
        .enqueue("flaky", serde_json::json!({"batch": 7}))
        .await
        .unwrap();
    let (tx, rx) = watch::channel(false);
    let workers = app.spawn_workers(1, fast(), rx);
    wait_for("the job to fail for good", async || {
        let mut c = app.db.read().await.unwrap();
        jobs::find(c.conn(), id).await.unwrap().unwrap().status == JobStatus::Failed
    })
    .await;
    tx.send(true).unwrap();
    for h in workers {
        h.await.unwrap();
    }
    let mut c = app.db.read().await.unwrap();
    let job = jobs::find(c.conn(), id).await.unwrap().unwrap();
    assert_eq!(job.attempts, 3);
    assert_eq!(
        job.last_error.as_deref(),
        Some("scanner file unreadable (attempt 3)")
    );
    let seen = attempts.lock().unwrap().clone();
    assert_eq!(
        seen.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    // Backoff: the second retry waited at least as long as the first one (30 ms, then 60 ms).
    assert!(seen[1].1 - seen[0].1 >= Duration::from_millis(25));
    assert!(seen[2].1 - seen[1].1 >= Duration::from_millis(55));
    drop(c);
    tdb.cleanup().await;
}

async fn concurrent_workers_never_run_the_same_job(w: Which) {
    let runs = Arc::new(Mutex::new(Vec::<i64>::new()));
    let mut r = Registry::default();
    let seen = runs.clone();
    r.register("count", 1, move |ctx: JobContext| {
        let seen = seen.clone();
        async move {
            let n = ctx.id_param("n")?;
            tokio::time::sleep(Duration::from_millis(5)).await;
            seen.lock().unwrap().push(n);
            Ok(())
        }
    });
    let (app, tdb) = app(w, r).await;
    // Two "processes": two applications on the same database, each with 3 workers.
    let other = App::with_db(
        (*app.config).clone(),
        app.db.clone(),
        (*app.registry).clone(),
    )
    .await
    .unwrap();
    const N: i64 = 60;
    for n in 0..N {
        app.enqueue("count", serde_json::json!({ "n": n }))
            .await
            .unwrap();
    }
    let (tx, rx) = watch::channel(false);
    let mut handles = app.spawn_workers(3, fast(), rx.clone());
    handles.extend(other.spawn_workers(3, fast(), rx));
    wait_for("every job to run", async || {
        runs.lock().unwrap().len() >= N as usize
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    let mut seen = runs.lock().unwrap().clone();
    assert_eq!(seen.len(), N as usize, "no job ran twice");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), N as usize, "every job ran");
    let mut c = app.db.read().await.unwrap();
    assert_eq!(jobs::counts(c.conn()).await.unwrap().succeeded, N);
    drop(c);
    tdb.cleanup().await;
}

async fn job_of_a_dead_worker_is_picked_up_again(w: Which) {
    let runs = Arc::new(Mutex::new(0));
    let mut r = Registry::default();
    let seen = runs.clone();
    r.register("import", 3, move |_ctx: JobContext| {
        let seen = seen.clone();
        async move {
            *seen.lock().unwrap() += 1;
            Ok(())
        }
    });
    let (app, tdb) = app(w, r).await;
    let id = app
        .enqueue("import", serde_json::json!({"batch": 1}))
        .await
        .unwrap();
    // A worker claims the job, then "dies" (never renews, never finishes).
    let now = korrigo_store::now_ms();
    let mut tx = app.db.begin().await.unwrap();
    let claimed = jobs::claim(tx.conn(), "dead", &["import".to_string()], now, now + 300)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(claimed.unwrap().id, id);
    let (stop, rx) = watch::channel(false);
    let handles = app.spawn_workers(1, fast(), rx);
    wait_for("the job to be resumed", async || {
        let mut c = app.db.read().await.unwrap();
        jobs::find(c.conn(), id).await.unwrap().unwrap().status == JobStatus::Succeeded
    })
    .await;
    stop.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*runs.lock().unwrap(), 1);
    let mut c = app.db.read().await.unwrap();
    let job = jobs::find(c.conn(), id).await.unwrap().unwrap();
    assert_eq!(job.attempts, 2, "the dead worker's attempt counts");
    drop(c);
    tdb.cleanup().await;
}

async fn progress_is_visible(w: Which) {
    let mut r = Registry::default();
    r.register("pages", 1, |ctx: JobContext| async move {
        for done in 1..=4 {
            ctx.progress(done, 4).await.map_err(|e| e.to_string())?;
        }
        Ok(())
    });
    let (app, tdb) = app(w, r).await;
    let id = app.enqueue("pages", serde_json::json!({})).await.unwrap();
    assert_eq!(app.run_pending_jobs(&fast()).await.unwrap(), 1);
    let mut c = app.db.read().await.unwrap();
    let job = jobs::find(c.conn(), id).await.unwrap().unwrap();
    assert_eq!(
        (job.status, job.progress_done, job.progress_total),
        (JobStatus::Succeeded, 4, 4)
    );
    drop(c);
    tdb.cleanup().await;
}

async fn jobs_run_by_priority_and_workers_serve_their_queues(w: Which) {
    let runs = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut r = Registry::default();
    for (kind, priority, queue) in [
        ("read", Priority::Background, OCR_QUEUE),
        ("cut", Priority::Processing, DEFAULT_QUEUE),
        ("import", Priority::Interactive, DEFAULT_QUEUE),
    ] {
        let seen = runs.clone();
        r.register_in(kind, 1, priority, queue, move |ctx: JobContext| {
            let seen = seen.clone();
            async move {
                let n = ctx.id_param("n")?;
                seen.lock().unwrap().push(format!("{kind}{n}"));
                Ok(())
            }
        });
    }
    let err = r.kinds_of(&["scans".to_string()]).unwrap_err().to_string();
    assert_eq!(
        err,
        "no job queue is named scans; the queues are default, ocr"
    );
    assert_eq!(r.kinds_of(&["ocr".to_string()]).unwrap(), ["read"]);
    let (app, tdb) = app(w, r).await;
    // Headers to read were queued first; a batch to cut and an import come after.
    for (kind, n) in [
        ("read", 1),
        ("read", 2),
        ("cut", 1),
        ("read", 3),
        ("import", 1),
    ] {
        app.enqueue(kind, serde_json::json!({ "n": n }))
            .await
            .unwrap();
    }
    // A worker serving only the OCR queue reads headers and leaves the rest.
    let (tx, rx) = watch::channel(false);
    let kinds = app.registry.kinds_of(&["ocr".to_string()]).unwrap();
    let handles = app.spawn_workers_for(1, kinds, fast(), rx);
    wait_for("the headers to be read", async || {
        runs.lock().unwrap().len() >= 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    tx.send(true).unwrap();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*runs.lock().unwrap(), ["read1", "read2", "read3"]);
    // More headers queued; a worker serving everything takes the import, then the batch,
    // then the headers, oldest first.
    runs.lock().unwrap().clear();
    for n in [4, 5] {
        app.enqueue("read", serde_json::json!({ "n": n }))
            .await
            .unwrap();
    }
    app.enqueue("cut", serde_json::json!({ "n": 2 }))
        .await
        .unwrap();
    assert_eq!(app.run_pending_jobs(&fast()).await.unwrap(), 5);
    assert_eq!(
        *runs.lock().unwrap(),
        ["import1", "cut1", "cut2", "read4", "read5"]
    );
    tdb.cleanup().await;
}

async fn jobs_still_running_at_shutdown_go_back_to_the_queue(w: Which) {
    let started = Arc::new(Mutex::new(0u32));
    let mut r = Registry::default();
    let seen = started.clone();
    r.register("long", 3, move |_ctx: JobContext| {
        let seen = seen.clone();
        async move {
            let first = {
                let mut n = seen.lock().unwrap();
                *n += 1;
                *n == 1
            };
            // The first run outlasts the grace period; the next one is quick.
            if first {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            Ok(())
        }
    });
    r.register("short", 3, |_ctx: JobContext| async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(())
    });
    let (app, tdb) = app(w, r).await;
    let long = app.enqueue("long", serde_json::json!({})).await.unwrap();
    let (tx, rx) = watch::channel(false);
    let handles = app.spawn_workers(1, fast(), rx);
    wait_for("the long job to start", async || {
        *started.lock().unwrap() == 1
    })
    .await;
    // A stop signal: the job does not finish within the grace period and is handed back.
    tx.send(true).unwrap();
    let t = std::time::Instant::now();
    let handed = app
        .stop_workers(handles, Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(handed, 1);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let mut c = app.db.read().await.unwrap();
    let j = jobs::find(c.conn(), long).await.unwrap().unwrap();
    assert_eq!(j.status, JobStatus::Queued);
    assert_eq!(j.attempts, 0, "a job handed back is not a failed attempt");
    assert_eq!(j.locked_by, None);
    drop(c);
    // The next start runs it to the end.
    assert_eq!(app.run_pending_jobs(&fast()).await.unwrap(), 1);
    let mut c = app.db.read().await.unwrap();
    let j = jobs::find(c.conn(), long).await.unwrap().unwrap();
    assert_eq!(j.status, JobStatus::Succeeded);
    drop(c);
    // A job that finishes within the grace period is simply finished.
    let short = app.enqueue("short", serde_json::json!({})).await.unwrap();
    let (tx, rx) = watch::channel(false);
    let handles = app.spawn_workers(1, fast(), rx);
    wait_for("the short job to start", async || {
        let mut c = app.db.read().await.unwrap();
        jobs::find(c.conn(), short).await.unwrap().unwrap().status == JobStatus::Running
    })
    .await;
    tx.send(true).unwrap();
    assert_eq!(
        app.stop_workers(handles, Duration::from_secs(5))
            .await
            .unwrap(),
        0
    );
    let mut c = app.db.read().await.unwrap();
    let j = jobs::find(c.conn(), short).await.unwrap().unwrap();
    assert_eq!(j.status, JobStatus::Succeeded);
    drop(c);
    tdb.cleanup().await;
}
