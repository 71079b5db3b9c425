//! Static assets embedded in the binary and served under content-hash URLs
//! (`/assets/app.3f2a9c1b7e.js`), so they can be cached forever and a new release is picked up
//! at once.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::AppState;

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
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

/// The embedded assets and their hashed names.
pub struct Assets {
    by_hashed: HashMap<String, (&'static str, &'static [u8])>,
    urls: HashMap<&'static str, String>,
}

impl Assets {
    /// Hashes every embedded file once, at start.
    pub fn new() -> Assets {
        let mut by_hashed = HashMap::new();
        let mut urls = HashMap::new();
        for (name, mime, bytes) in FILES {
            let h = hex::encode(&Sha256::digest(bytes)[..5]);
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let hashed = format!("{stem}.{h}.{ext}");
            urls.insert(*name, format!("/assets/{hashed}"));
            by_hashed.insert(hashed, (*mime, *bytes));
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
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
