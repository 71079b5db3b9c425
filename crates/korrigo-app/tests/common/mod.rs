//! What the pipeline tests share: an application on a test database (SQLite or PostgreSQL)
//! with its own file store, fast worker timings, and helpers to import scans and run the jobs.

#![allow(
    dead_code,
    reason = "each test file uses its own part of these helpers"
)]

use korrigo_app::App;
use korrigo_app::accounts::system_session;
use korrigo_app::config::Config;
use korrigo_app::exams::ExamInput;
use korrigo_app::jobs::{WorkerTiming, builtin_registry};
use korrigo_app::scans::CopiesList;
use korrigo_app::{AppError, ClientInfo};
use korrigo_domain::{ExamId, PageRequest};
use korrigo_store::test_support::{TestDb, Which};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn fast() -> WorkerTiming {
    WorkerTiming {
        poll: Duration::from_millis(20),
        lease: Duration::from_millis(500),
        backoff_base: Duration::from_millis(30),
        backoff_max: Duration::from_millis(100),
    }
}

pub struct Env {
    pub app: App,
    pub tdb: TestDb,
    pub dir: PathBuf,
}

pub async fn env(w: Which) -> Env {
    env_with(w, |_| {}).await
}

pub async fn env_with(w: Which, tweak: impl FnOnce(&mut Config)) -> Env {
    let tdb = TestDb::new(w).await.unwrap();
    let dir = std::env::temp_dir().join(format!(
        "korrigo-scans-{}",
        korrigo_app::tokens::random_hex(6)
    ));
    let mut cfg = Config::for_tests(dir.clone(), tdb.url.clone());
    tweak(&mut cfg);
    let app = App::with_db(cfg, tdb.db.clone(), builtin_registry())
        .await
        .unwrap();
    Env { app, tdb, dir }
}

impl Env {
    pub async fn exam(&self, layout: &str) -> ExamId {
        let input = ExamInput {
            name: format!("Devoir {layout}"),
            subject: String::new(),
            date: None,
            classes: vec![],
            layout: Some(layout.into()),
            grade_scale: None,
            coefficient: None,
        };
        self.app
            .create_exam(&system_session(), &input, &ClientInfo::default())
            .await
            .unwrap()
            .exam
            .id
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.join("in").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub async fn import(
        &self,
        exam: ExamId,
        path: &Path,
        grouping: Option<&str>,
    ) -> Result<i64, AppError> {
        self.app
            .import_scan_file(
                &system_session(),
                exam,
                path,
                grouping,
                &ClientInfo::default(),
            )
            .await
            .map(|b| b.batch.id)
    }

    /// Imports `class` into the roster as class `name` and runs the import.
    pub async fn import_class(&self, class: &[korrigo_media::synth::SynthStudent], name: &str) {
        let csv = korrigo_media::synth::roster_csv(class, name);
        self.app
            .start_student_import(
                &system_session(),
                &format!("{name}.csv"),
                csv.as_bytes(),
                &ClientInfo::default(),
            )
            .await
            .unwrap();
        self.run().await;
    }

    pub async fn run(&self) {
        self.app.run_pending_jobs(&fast()).await.unwrap();
    }

    pub async fn copies(&self, exam: ExamId) -> CopiesList {
        self.app
            .list_copies(&system_session(), exam, PageRequest::new(None, Some(500)))
            .await
            .unwrap()
    }

    pub async fn batch(&self, id: i64) -> korrigo_app::shapes::BatchJson {
        self.app
            .get_batch(&system_session(), id)
            .await
            .unwrap()
            .batch
    }

    pub fn stored_files(&self) -> usize {
        fn count(p: &Path) -> usize {
            std::fs::read_dir(p)
                .map(|d| {
                    d.flatten()
                        .map(|e| {
                            if e.path().is_dir() {
                                count(&e.path())
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        count(&self.dir.join("files").join("exams"))
    }

    /// Ends a test that leaves a failed job on purpose.
    pub async fn done_leaving_jobs(self) {
        self.tdb.cleanup().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// Ends the test: nothing failed or left waiting in the job queue (a test that left
    /// work behind asserted less than it seems), then the database and files go.
    pub async fn done(self) {
        let counts = {
            let mut c = self.app.db.read().await.unwrap();
            korrigo_store::jobs::counts(c.conn()).await.unwrap()
        };
        self.tdb.cleanup().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        assert!(
            counts.failed == 0 && counts.queued == 0 && counts.running == 0,
            "jobs left when the test ended: {counts:?}"
        );
    }
}
