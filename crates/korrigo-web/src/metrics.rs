//! Request metrics kept in the application state (no global recorder), rendered in the
//! Prometheus text format by `/metrics` together with the job queue's depth.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters and latency histograms per (method, route template, status).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    /// Records one request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut map = self.series.lock().unwrap_or_else(|p| p.into_inner());
        let s = map
            .entry((method.to_string(), route.to_string(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    /// Renders the request metrics, then the given job counts.
    pub fn render(&self, jobs: Option<&korrigo_store::jobs::Counts>) -> String {
        let map = self
            .series
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut out = String::new();
        out.push_str("# HELP korrigo_http_requests_total HTTP requests by method, route template and status.\n");
        out.push_str("# TYPE korrigo_http_requests_total counter\n");
        for ((m, r, st), s) in &map {
            let _ = writeln!(
                out,
                "korrigo_http_requests_total{{method=\"{m}\",route=\"{}\",status=\"{st}\"}} {}",
                esc(r),
                s.count
            );
        }
        out.push_str("# HELP korrigo_http_request_duration_seconds HTTP request latency by method and route template.\n");
        out.push_str("# TYPE korrigo_http_request_duration_seconds histogram\n");
        let mut by_route: BTreeMap<(String, String), Series> = BTreeMap::new();
        for ((m, r, _), s) in &map {
            let e = by_route.entry((m.clone(), r.clone())).or_default();
            e.count += s.count;
            e.sum += s.sum;
            for i in 0..BUCKETS.len() {
                e.buckets[i] += s.buckets[i];
            }
        }
        for ((m, r), s) in &by_route {
            let r = esc(r);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "korrigo_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "korrigo_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "korrigo_http_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "korrigo_http_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {}",
                s.count
            );
        }
        if let Some(j) = jobs {
            out.push_str("# HELP korrigo_jobs Jobs in the durable queue by status.\n");
            out.push_str("# TYPE korrigo_jobs gauge\n");
            for (st, n) in [
                ("queued", j.queued),
                ("running", j.running),
                ("succeeded", j.succeeded),
                ("failed", j.failed),
            ] {
                let _ = writeln!(out, "korrigo_jobs{{status=\"{st}\"}} {n}");
            }
            out.push_str("# HELP korrigo_job_queue_depth Jobs waiting or running.\n");
            out.push_str("# TYPE korrigo_job_queue_depth gauge\n");
            let _ = writeln!(out, "korrigo_job_queue_depth {}", j.queued + j.running);
            out.push_str("# HELP korrigo_jobs_failed Jobs that failed for good.\n");
            out.push_str("# TYPE korrigo_jobs_failed gauge\n");
            let _ = writeln!(out, "korrigo_jobs_failed {}", j.failed);
        }
        out
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}
