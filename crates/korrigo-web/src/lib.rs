//! Korrigo's HTTP layer: the router (every route is listed in [`router`]), the middleware, the
//! error table, the pages and the embedded assets.
//!
//! Architecture invariant: handlers extract, call one use case of `korrigo-app`, and convert the
//! result. Authorization is decided in the use cases; the extractors only establish who is
//! asking.

pub mod api;
pub mod assets;
pub mod auth;
pub mod client;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod middleware;
pub mod pages;
pub mod server;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use korrigo_app::App;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application (config, database, files, jobs).
    pub app: App,
    /// Request metrics.
    pub metrics: Arc<metrics::Metrics>,
    /// Embedded assets.
    pub assets: Arc<assets::Assets>,
}

impl AppState {
    /// Wraps an application.
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            metrics: Arc::new(metrics::Metrics::default()),
            assets: Arc::new(assets::Assets::new()),
        }
    }
}

/// Every route of Korrigo.
pub fn router(state: AppState) -> Router {
    use api::{
        audit, exams, grading, identify, jobs, ops, results, roster, scans, session,
        student_accounts, users,
    };
    use axum::routing::{delete, put};
    // Every body is small but the scan chunks (their route streams them to the file store
    // with its own limit) and the CSV imports.
    let body_limit = usize::try_from(state.app.config.api_max_bytes).unwrap_or(usize::MAX);
    let import_limit = usize::try_from(state.app.config.import_max_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let api = Router::new()
        .route("/api/health/live/", get(ops::live))
        .route("/api/health/ready/", get(ops::ready))
        .route("/api/login/", post(session::login))
        .route("/api/logout/", post(session::logout))
        .route("/api/me/", get(session::me))
        .route("/api/me/password/", post(session::change_password))
        .route("/api/me/locale/", axum::routing::put(session::set_locale))
        .route("/api/setup/", post(session::setup))
        .route("/api/users/", get(users::list).post(users::create))
        .route("/api/users/{id}/", get(users::get).patch(users::update))
        .route(
            "/api/users/{id}/reset-password/",
            post(users::reset_password),
        )
        .route("/api/audit/", get(audit::list))
        .route("/api/jobs/", get(jobs::list))
        .route(
            "/api/students/import/",
            post(roster::import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/api/imports/{id}/", get(roster::import_status))
        .route(
            "/api/imports/{id}/rejected/",
            get(roster::import_rejected_csv),
        )
        .route("/api/students/accounts/", post(student_accounts::generate))
        .route(
            "/api/students/{id}/activation/",
            post(student_accounts::reset),
        )
        .route("/api/activate/", post(student_accounts::activate))
        .route(
            "/api/teachers/import/",
            post(student_accounts::import_teachers).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/api/students/", get(roster::list))
        .route(
            "/api/students/{id}/",
            get(roster::get).patch(roster::update),
        )
        .route("/api/classes/", get(roster::classes))
        .route(
            "/api/exams/{id}/scans/",
            get(scans::list).post(scans::start),
        )
        .route("/api/scans/{id}/", get(scans::get).delete(scans::delete))
        .route(
            "/api/scans/{id}/content/",
            put(scans::chunk).layer(DefaultBodyLimit::max(
                korrigo_app::scans::MAX_CHUNK_BYTES as usize + 1,
            )),
        )
        .route(
            "/api/scans/{id}/accept-duplicate/",
            post(scans::accept_duplicate),
        )
        .route("/api/exams/{id}/copies/", get(scans::copies))
        .route("/api/exams/{id}/copies/repair/", post(scans::repair))
        .route("/api/exams/{id}/identification/", get(identify::desk))
        .route(
            "/api/exams/{id}/identification/rerun/",
            post(identify::rerun),
        )
        .route("/api/copies/{id}/identification/", post(identify::identify))
        .route("/api/exams/{id}/students/", get(identify::students))
        .route("/api/exams/{id}/labels/", post(identify::labels))
        .route("/api/pages/{id}/image/", get(scans::page_image))
        .route("/api/pages/{id}/thumb/", get(scans::page_thumb))
        .route("/api/pages/{id}/header/", get(scans::page_header))
        .route("/api/exams/", get(exams::list).post(exams::create))
        .route("/api/exams/{id}/", get(exams::get).patch(exams::update))
        .route("/api/exams/{id}/archive/", post(exams::archive))
        .route("/api/exams/{id}/restore/", post(exams::restore))
        .route("/api/exams/{id}/members/", put(exams::set_member))
        .route(
            "/api/exams/{id}/members/{user}/",
            delete(exams::remove_member),
        )
        .route(
            "/api/exams/{id}/scheme/",
            get(exams::get_scheme).put(exams::save_scheme),
        )
        .route("/api/exams/{id}/dispatch/", post(grading::dispatch))
        .route("/api/exams/{id}/grading/", get(grading::status))
        .route("/api/exams/{id}/dispatch/release/", post(grading::release))
        .route("/api/copies/{id}/assign/", post(grading::assign))
        .route(
            "/api/exams/{id}/questions/{question}/assign/",
            post(grading::assign_question),
        )
        .route("/api/grading/copies/", get(grading::mine))
        .route("/api/copies/{id}/grading/", get(grading::desk))
        .route(
            "/api/copies/{id}/scores/{question}/",
            put(grading::score).delete(grading::clear_score),
        )
        .route("/api/copies/{id}/appreciation/", put(grading::appreciation))
        .route(
            "/api/copies/{id}/annotations/",
            post(grading::add_annotation),
        )
        .route(
            "/api/annotations/{id}/",
            put(grading::update_annotation).delete(grading::delete_annotation),
        )
        .route("/api/copies/{id}/finalize/", post(grading::finalize))
        .route("/api/copies/{id}/reopen/", post(grading::reopen))
        .route("/api/copies/{id}/journal/", get(grading::journal))
        .route("/api/copies/{id}/pdf/", get(results::pdf))
        .route("/api/exams/{id}/export/", get(results::export))
        .route("/api/exams/{id}/pdfs.zip", get(results::pdfs_zip))
        .route("/api/exams/{id}/stats/", get(results::stats))
        .route("/api/exams/{id}/release/", post(results::release))
        .route("/api/exams/{id}/withdraw/", post(results::withdraw))
        .route(
            "/api/exams/{id}/adjustments/",
            get(results::adjustments).post(results::adjust),
        )
        .route("/api/adjustments/{id}/", delete(results::remove_adjustment))
        .route("/api/me/results/", get(results::me_results))
        .route("/api/student/results/", get(results::mine))
        .route("/api/student/results/{copy}/", get(results::my_copy))
        .route("/api/copies/{id}/pdf/retry/", post(results::retry))
        .route(
            "/api/exams/{id}/comments/",
            get(grading::comments).post(grading::add_comment),
        )
        .route(
            "/api/comments/{id}/",
            put(grading::update_comment).delete(grading::delete_comment),
        )
        .route("/api/openapi.json", get(ops::openapi))
        .route("/metrics", get(ops::metrics));
    let pages = Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login))
        .route("/student/login", get(pages::student_login))
        .route("/student", get(pages::student::results))
        .route("/student/results/{copy}", get(pages::student::copy))
        .route("/activate", get(pages::student_activate))
        .route("/student/activate", get(pages::student_activate))
        .route("/setup/{token}", get(pages::setup))
        .route("/password", get(pages::password))
        .route("/admin/users", get(pages::users))
        .route("/admin/users/{id}", get(pages::user))
        .route("/admin/audit", get(pages::audit))
        .route("/admin/jobs", get(pages::jobs))
        .route("/admin/students", get(pages::roster::students))
        .route("/admin/students/import", get(pages::roster::import))
        .route("/admin/students/{id}", get(pages::roster::student))
        .route("/grading", get(pages::grading::dashboard))
        .route("/grading/copies/{id}", get(pages::grading::desk))
        .route("/exams", get(pages::exams::exams))
        .route("/exams/{id}", get(pages::exams::exam))
        .route("/exams/{id}/settings", get(pages::exams::settings))
        .route("/exams/{id}/grading", get(pages::exams::grading))
        .route("/grading/exams/{id}/stats", get(pages::grading::my_stats))
        .route("/exams/{id}/results", get(pages::results::tab))
        .route("/exams/{id}/scheme", get(pages::exams::scheme))
        .route("/exams/{id}/scans", get(pages::exams::scans))
        .route("/exams/{id}/copies", get(pages::exams::copies))
        .route(
            "/exams/{id}/identification",
            get(pages::exams::identification),
        )
        .route("/lang/{code}", get(pages::set_lang))
        .route("/assets/{file}", get(assets::serve));
    Router::new()
        .merge(api)
        .merge(pages)
        .fallback(pages::not_found)
        .route_layer(axum::middleware::from_fn(middleware::route_template))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::api_responses,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::csrf,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::cors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::allowed_hosts,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::context,
        ))
        .with_state(state)
}

pub use server::serve;
