//! Static assets embedded in the binary and served under content-hash URLs
//! (`/assets/app.3f2a9c1b7e.js`), so they can be cached forever and a new release is picked up
//! at once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::AppState;

/// The embedded files. `app.js` comes before the modules that import it: their
/// `from "./app.js"` is rewritten to its hashed URL, so that every page shares one instance.
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
            if name.ends_with(".js")
                && *name != "app.js"
                && let Some(app) = urls.get("app.js")
            {
                let text = String::from_utf8_lossy(&content)
                    .replace("\"./app.js\"", &format!("\"{app}\""));
                content = text.into_bytes();
            }
            let h = hex::encode(&Sha256::digest(&content)[..5]);
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
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
    }
}
