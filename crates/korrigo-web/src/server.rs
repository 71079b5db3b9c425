//! The HTTP server: hyper's HTTP/1 connections, each with a header read timeout, and request
//! bodies with a deadline, so that a slow or stalled client cannot hold a connection (and its
//! memory) for ever.
//!
//! - The request line and headers must arrive within `KORRIGO_HEADER_TIMEOUT_SECS`, or the
//!   connection is closed.
//! - A request body must arrive whole within `KORRIGO_BODY_TIMEOUT_SECS` (JSON bodies are at
//!   most `KORRIGO_API_MAX_BYTES`), or the request fails with 408.
//! - A scan chunk (up to 64 MiB on a school's slow line) has no overall deadline but may not
//!   stay silent longer than `KORRIGO_UPLOAD_IDLE_TIMEOUT_SECS`; the upload then resumes from
//!   the offset the server kept.

use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long connections may take once shutdown is asked before they are dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The error a body yields when its sender is too slow. The API's JSON extractor answers it
/// with 408.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received in time ({0})")]
pub struct BodyTimedOut(&'static str);

/// Whether a request is a scan chunk (the one kind of large, long body).
fn is_upload(method: &Method, path: &str) -> bool {
    method == Method::PUT && path.starts_with("/api/scans/") && path.ends_with("/content/")
}

/// A request body with a deadline for the whole body, or (for uploads) a limit on silences.
pub struct DeadlineBody<B> {
    inner: B,
    limit: Limit,
    sleep: Option<Pin<Box<Sleep>>>,
}

#[derive(Clone, Copy)]
enum Limit {
    /// The whole body by this instant.
    Deadline(Instant),
    /// Never silent longer than this.
    Idle(Duration),
}

impl<B> DeadlineBody<B> {
    /// The whole body must arrive within `within` from now.
    pub fn deadline(inner: B, within: Duration) -> DeadlineBody<B> {
        DeadlineBody {
            inner,
            limit: Limit::Deadline(Instant::now() + within),
            sleep: None,
        }
    }

    /// The body may take as long as it likes but never pause longer than `idle`.
    pub fn idle(inner: B, idle: Duration) -> DeadlineBody<B> {
        DeadlineBody {
            inner,
            limit: Limit::Idle(idle),
            sleep: None,
        }
    }
}

impl<B> http_body::Body for DeadlineBody<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if let (Limit::Idle(idle), Some(sleep)) = (this.limit, this.sleep.as_mut()) {
                sleep.as_mut().reset(Instant::now() + idle);
            }
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        // The timer is armed only when the body actually has to wait (most bodies are in
        // the first read already).
        let limit = this.limit;
        let sleep = this.sleep.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep_until(match limit {
                Limit::Deadline(at) => at,
                Limit::Idle(idle) => Instant::now() + idle,
            }))
        });
        if sleep.as_mut().poll(cx).is_ready() {
            let what = match this.limit {
                Limit::Deadline(_) => "KORRIGO_BODY_TIMEOUT_SECS",
                Limit::Idle(_) => "KORRIGO_UPLOAD_IDLE_TIMEOUT_SECS",
            };
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut(what)))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether an error (or one of its causes) is a body timeout.
pub fn is_body_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<BodyTimedOut>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Serves the router on `listener` until `shutdown` resolves, with the client address known
/// to handlers (for rate limits and the audit log) and the timeouts above. On shutdown,
/// requests in flight get [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let cfg = &state.app.config;
    let (header_timeout, body_timeout, upload_idle) = (
        cfg.header_timeout,
        cfg.body_timeout,
        cfg.upload_idle_timeout,
    );
    let router = crate::router(state);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let upload = is_upload(req.method(), req.uri().path());
            let mut req = req.map(|b| {
                if upload {
                    Body::new(DeadlineBody::idle(b, upload_idle))
                } else {
                    Body::new(DeadlineBody::deadline(b, body_timeout))
                }
            });
            req.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(req)
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still running after the shutdown grace period were dropped");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scan_chunks_are_uploads() {
        assert!(is_upload(&Method::PUT, "/api/scans/12/content/"));
        assert!(!is_upload(&Method::POST, "/api/scans/12/content/"));
        assert!(!is_upload(&Method::PUT, "/api/exams/3/scheme/"));
        assert!(!is_upload(&Method::POST, "/api/login/"));
    }
}
