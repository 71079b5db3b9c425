//! Cross-cutting request handling, in the order a request meets it: request context (id, client
//! IP, log span), allowed hosts, CORS, CSRF, then security headers and metrics on the way out.

use crate::AppState;
use crate::client::{self, RequestContext};
use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use korrigo_app::config::normalize_origin;
use korrigo_app::tokens;
use korrigo_domain::Locale;
use std::time::Instant;
use tracing::Instrument;

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

fn sane_request_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Resolves the request context, opens the request's log span (every log line of the request
/// carries its id), logs one line per request, records metrics, and adds `X-Request-ID`.
pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane_request_id(v))
        .map(str::to_string)
        .unwrap_or_else(|| tokens::random_hex(8));
    let peer = client::peer(req.extensions());
    let trusted = &st.app.config.trusted_proxies;
    let ctx = RequestContext {
        request_id: request_id.clone(),
        ip: client::client_ip(peer, req.headers(), trusted),
        https: st.app.config.public_url.scheme() == "https"
            || client::is_https(peer, req.headers(), trusted),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    };
    let method = req.method().clone();
    let https = ctx.https;
    req.extensions_mut().insert(ctx);
    let span = tracing::info_span!("request", request_id = %request_id, method = %method);
    let mut resp = next.run(req).instrument(span.clone()).await;
    let route = resp
        .extensions()
        .get::<RouteTemplate>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "unmatched".into());
    let elapsed = started.elapsed();
    st.metrics
        .record(method.as_str(), &route, resp.status().as_u16(), elapsed);
    span.in_scope(|| {
        tracing::info!(route = %route, status = resp.status().as_u16(), latency_ms = elapsed.as_millis() as u64, "request");
    });
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    security_headers(&mut resp, https);
    resp
}

/// What every answer under `/api/` shares:
/// - errors are JSON (`{"error": {"code", "message", "details"}}`), including those axum
///   produces before a handler runs (a path or query that does not parse, a method the route
///   does not have);
/// - `Cache-Control: no-store` unless the handler chose otherwise (page images keep their
///   private, immutable caching): students', copies' and users' data never rest in a shared
///   or disk cache.
pub async fn api_responses(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    // The caller's language: the session's (resolved once, reused by the handler's
    // extractor), else the language cookie, else `Accept-Language`.
    let (mut parts, body) = req.into_parts();
    let session = crate::auth::resolve(&mut parts, &st).await.ok().flatten();
    let locale = crate::pages::locale_for(session.as_ref(), &parts.headers);
    parts.extensions.insert(locale);
    let req = Request::from_parts(parts, body);
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let mut resp = if (status.is_client_error() || status.is_server_error()) && !is_json {
        let (parts, body) = resp.into_parts();
        let text = axum::body::to_bytes(body, 4096)
            .await
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .unwrap_or_default();
        let code = match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::REQUEST_TIMEOUT => "timeout",
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            s if s.is_server_error() => "internal",
            _ => "error",
        };
        let message = if text.is_empty() || status.is_server_error() {
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
        } else {
            text
        };
        let mut out = ApiError::new(status, code, message).into_response();
        // Keep what the original answer said about the request (`Allow` on 405, ...).
        for (k, v) in parts.headers.iter() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                out.headers_mut().insert(k.clone(), v.clone());
            }
        }
        out
    } else {
        resp
    };
    if (status.is_client_error() || status.is_server_error()) && locale != Locale::En {
        resp = localize_error(resp, locale).await;
    }
    resp.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}

/// The error body's `message` in the caller's language (the `code` stays as it is: scripts
/// rely on it).
async fn localize_error(resp: Response, locale: Locale) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return ApiError::new(parts.status, "internal", "the error could not be read")
            .into_response();
    };
    let mut v: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    if let Some(m) = v
        .pointer_mut("/error/message")
        .and_then(|m| m.as_str().map(str::to_string).map(|s| (m, s)))
    {
        *m.0 = serde_json::Value::String(crate::i18n::translate(locale, &m.1));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(v.to_string()))
}

/// The matched route template, copied into the response so the outer middleware can label
/// metrics with it.
#[derive(Clone)]
pub struct RouteTemplate(pub String);

/// Copies the matched route template into the response extensions (runs inside routing).
pub async fn route_template(req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let mut resp = next.run(req).await;
    if let Some(p) = path {
        resp.extensions_mut().insert(RouteTemplate(p));
    }
    resp
}

fn security_headers(resp: &mut Response, https: bool) {
    let h = resp.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "cross-origin-opener-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if https {
        set(
            h,
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        );
    }
}

/// Refuses requests whose `Host` is not an allowed host (DNS rebinding, host header attacks).
/// Health probes are exempt: load balancers call them by IP.
pub async fn allowed_hosts(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/api/health/") {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or("");
    let name = strip_port(host).to_ascii_lowercase();
    let allowed = &st.app.config.allowed_hosts;
    if allowed.iter().any(|a| a == "*" || *a == name) {
        next.run(req).await
    } else {
        tracing::warn!(host = %name, "request for a host that is not allowed");
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_host",
            "this host name is not served here (see KORRIGO_ALLOWED_HOSTS)",
        )
        .into_response()
    }
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("");
    }
    match host.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

fn request_origin(req: &Request) -> Option<String> {
    req.headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Answers CORS preflights and decorates responses for the configured cross-site origins.
pub async fn cors(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let allowed = &st.app.config.cors_allowed_origins;
    let origin = request_origin(&req).and_then(|o| normalize_origin(&o));
    let Some(origin) = origin.filter(|o| allowed.contains(o)) else {
        return next.run(req).await;
    };
    let preflight = req.method() == Method::OPTIONS
        && req.headers().contains_key("access-control-request-method");
    let mut resp = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&origin) {
        h.insert("access-control-allow-origin", v);
    }
    h.insert(
        "access-control-allow-credentials",
        HeaderValue::from_static("true"),
    );
    h.insert("vary", HeaderValue::from_static("Origin"));
    if preflight {
        h.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE"),
        );
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("content-type, x-csrf-token, x-request-id"),
        );
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
    }
    resp
}

/// Reads one cookie's value from the `Cookie` headers (empty values count as absent).
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Reads the session token from the `Cookie` header (the cookie's name depends on the
/// configuration: [`korrigo_app::config::Config::session_cookie_name`]).
pub fn session_token(
    cfg: &korrigo_app::config::Config,
    headers: &axum::http::HeaderMap,
) -> Option<String> {
    cookie(headers, cfg.session_cookie_name())
}

/// CSRF protection for every state-changing request that comes from a browser.
///
/// A browser always sends `Origin` or `Sec-Fetch-Site` on such requests. When either is
/// present, the origin must be a trusted origin (ports included) or the fetch must be
/// same-origin, and a request carrying a session cookie must also carry the session's CSRF
/// token in `X-CSRF-Token`. Requests with neither header come from scripts (curl, the exam
/// office's tools), which a malicious page cannot make a browser send: they pass with their
/// session cookie alone.
pub async fn csrf(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let fetch_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let origin = request_origin(&req);
    if fetch_site.is_none() && origin.is_none() {
        return next.run(req).await;
    }
    let cfg = &st.app.config;
    let origin_ok = match origin.as_deref() {
        Some(o) => normalize_origin(o).is_some_and(|o| {
            cfg.csrf_trusted_origins.contains(&o) || cfg.cors_allowed_origins.contains(&o)
        }),
        None => matches!(fetch_site.as_deref(), Some("same-origin") | Some("none")),
    };
    if !origin_ok {
        tracing::warn!(
            origin = origin.as_deref().unwrap_or("-"),
            "cross-site request refused"
        );
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "cross-site request refused: the page that sent it is not a trusted origin",
        )
        .into_response();
    }
    let path = req.uri().path();
    let exempt = matches!(path, "/api/login/" | "/api/setup/" | "/api/activate/");
    if !exempt && let Some(token) = session_token(cfg, req.headers()) {
        let expected = tokens::csrf_token(cfg.secret_key.expose(), &tokens::hash_token(&token));
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !tokens::constant_time_eq(sent, &expected) {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "missing or invalid CSRF token: reload the page and try again",
            )
            .into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn ports_are_stripped_from_hosts() {
        assert_eq!(super::strip_port("korrigo.fr:8080"), "korrigo.fr");
        assert_eq!(super::strip_port("korrigo.fr"), "korrigo.fr");
        assert_eq!(super::strip_port("[::1]:8080"), "::1");
    }
}
