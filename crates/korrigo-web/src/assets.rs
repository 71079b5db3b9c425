//! Static assets embedded in the binary and served under content-hash URLs
//! (`/assets/app.3f2a9c1b7e.js`), so they can be cached forever and a new release is picked up
//! at once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::AppState;

/// The embedded files. A module comes after the modules it imports: its relative imports
/// (`"./app.js"`, `"../app.js"`, `"./geometry.js"` in a folder, `"../grading/drawing.js"` from
/// another folder) are rewritten to their hashed
/// URLs, so that every page shares one instance of each.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "import.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/import.js"),
    ),
    (
        "scheme.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/scheme.js"),
    ),
    (
        "scans.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/scans.js"),
    ),
    (
        "copies.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/copies.js"),
    ),
    (
        "identify.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/identify.js"),
    ),
    (
        "labels.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/labels.js"),
    ),
    (
        "grading/geometry.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/geometry.js"),
    ),
    (
        "grading/queue.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/queue.js"),
    ),
    (
        "grading/bank.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/bank.js"),
    ),
    (
        "grading/drawing.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/drawing.js"),
    ),
    (
        "grading/questions.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/questions.js"),
    ),
    (
        "grading/pointer.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/pointer.js"),
    ),
    (
        "results/tab.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/results/tab.js"),
    ),
    (
        "results/harmonise.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/results/harmonise.js"),
    ),
    (
        "results/adjust.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/results/adjust.js"),
    ),
    (
        "results/copy.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/results/copy.js"),
    ),
    (
        "grading/desk.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/desk.js"),
    ),
    (
        "grading/dispatch.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/grading/dispatch.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

/// The embedded assets and their hashed names.
pub struct Assets {
    by_hashed: HashMap<String, (&'static str, axum::body::Bytes)>,
    urls: HashMap<&'static str, String>,
}

impl Assets {
    /// Hashes every embedded file once, at start.
    pub fn new() -> Assets {
        let mut by_hashed = HashMap::new();
        let mut urls: HashMap<&'static str, String> = HashMap::new();
        for (name, mime, bytes) in FILES {
            let mut content = bytes.to_vec();
            if name.ends_with(".js") {
                let folder = name.rsplit_once('/').map_or("", |(f, _)| f);
                let mut text = String::from_utf8_lossy(&content).into_owned();
                for (dep, url) in &urls {
                    let (dep_folder, file) = dep.rsplit_once('/').unwrap_or(("", dep));
                    let spec = if dep_folder == folder {
                        format!("./{file}")
                    } else if dep_folder.is_empty() {
                        format!("../{file}")
                    } else if !folder.is_empty() {
                        // A module of a neighbouring folder (`results/` importing `grading/`).
                        format!("../{dep}")
                    } else {
                        continue;
                    };
                    text = text.replace(&format!("\"{spec}\""), &format!("\"{url}\""));
                }
                content = text.into_bytes();
            }
            let h = hex::encode(&Sha256::digest(&content)[..5]);
            let flat = name.replace('/', "-");
            let (stem, ext) = flat.rsplit_once('.').unwrap_or((&flat, ""));
            let hashed = format!("{stem}.{h}.{ext}");
            urls.insert(*name, format!("/assets/{hashed}"));
            by_hashed.insert(hashed, (*mime, axum::body::Bytes::from(content)));
        }
        Assets { by_hashed, urls }
    }

    /// The URL of an embedded file by its plain name.
    pub fn url(&self, name: &str) -> &str {
        self.urls
            .get(name)
            .map(String::as_str)
            .unwrap_or("/assets/missing")
    }
}

impl Default for Assets {
    fn default() -> Self {
        Self::new()
    }
}

/// `GET /assets/{file}`: immutable, cached for a year.
pub async fn serve(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match st.assets.by_hashed.get(&file) {
        Some((mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn modules_import_the_hashed_app_script() {
        let a = super::Assets::new();
        let app = a.url("app.js").to_string();
        let scheme = a
            .url("scheme.js")
            .trim_start_matches("/assets/")
            .to_string();
        let (_, body) = &a.by_hashed[&scheme];
        let text = String::from_utf8_lossy(body);
        assert!(
            text.contains(&format!("from \"{app}\"")),
            "scheme.js must import {app}"
        );
        assert!(!text.contains("\"./app.js\""));
        // A module in a folder imports its neighbours and the page script by their hashed URLs.
        let desk = a
            .url("grading/desk.js")
            .trim_start_matches("/assets/")
            .to_string();
        assert!(desk.starts_with("grading-desk."), "{desk}");
        let text = String::from_utf8_lossy(&a.by_hashed[&desk].1).into_owned();
        for dep in [
            "app.js",
            "grading/geometry.js",
            "grading/queue.js",
            "grading/bank.js",
            "grading/drawing.js",
            "grading/questions.js",
            "grading/pointer.js",
        ] {
            assert!(
                text.contains(&format!("\"{}\"", a.url(dep))),
                "desk.js imports {dep}"
            );
        }
        assert!(!text.contains("\"./") && !text.contains("\"../"));
        // A module of another folder imports by the hashed URL too.
        let copy = a
            .url("results/copy.js")
            .trim_start_matches("/assets/")
            .to_string();
        let text = String::from_utf8_lossy(&a.by_hashed[&copy].1).into_owned();
        assert!(
            text.contains(&format!("\"{}\"", a.url("grading/drawing.js"))),
            "{text}"
        );
    }
}
