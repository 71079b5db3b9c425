//! Background jobs: their states and the retry rule.

use serde::Serialize;
use std::time::Duration;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for a worker (new, or waiting for its retry time).
    Queued,
    /// Claimed by a worker, which renews its lease while it works.
    Running,
    /// Finished without error.
    Succeeded,
    /// Failed on its last allowed attempt; `last_error` says why.
    Failed,
}

impl JobStatus {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<JobStatus> {
        match s {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "succeeded" => Some(JobStatus::Succeeded),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// How soon a kind of job runs when others wait: jobs are claimed highest priority first,
/// then oldest first. A batch uploaded while an earlier batch's headers are being read is cut
/// into pages before those readings go on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Clean-ups nobody waits for.
    Maintenance,
    /// Work that follows on its own (reading headers, matching).
    Background,
    /// Work a manager follows on screen (cutting a batch into copies, final PDFs).
    Processing,
    /// Work a user waits for on the page (a roster import).
    Interactive,
}

impl Priority {
    /// The stored number (higher runs first).
    pub fn value(self) -> i64 {
        match self {
            Priority::Maintenance => 0,
            Priority::Background => 10,
            Priority::Processing => 20,
            Priority::Interactive => 30,
        }
    }
}

/// The queue of most kinds of job.
pub const DEFAULT_QUEUE: &str = "default";
/// The queue of header reading (text recognition): the CPU-heavy work an académie may give
/// workers of its own (`korrigo worker --queue ocr`).
pub const OCR_QUEUE: &str = "ocr";

/// How long to wait before the next attempt after `attempts` failed ones: exponential from
/// `base`, doubled each time, capped at `max`.
pub fn retry_delay(attempts: u32, base: Duration, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
    base.saturating_mul(factor).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Duration::from_secs(2);
        let m = Duration::from_secs(60);
        assert_eq!(retry_delay(1, b, m), Duration::from_secs(2));
        assert_eq!(retry_delay(2, b, m), Duration::from_secs(4));
        assert_eq!(retry_delay(3, b, m), Duration::from_secs(8));
        assert_eq!(retry_delay(10, b, m), m);
        assert_eq!(retry_delay(u32::MAX, b, m), m);
    }

    #[test]
    fn priorities_order_work_a_user_waits_for_first() {
        let mut p = [
            Priority::Background,
            Priority::Interactive,
            Priority::Maintenance,
            Priority::Processing,
        ];
        p.sort_by_key(|p| std::cmp::Reverse(p.value()));
        assert_eq!(
            p,
            [
                Priority::Interactive,
                Priority::Processing,
                Priority::Background,
                Priority::Maintenance
            ]
        );
    }

    #[test]
    fn status_names_round_trip() {
        for s in [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Succeeded,
            JobStatus::Failed,
        ] {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
    }
}
