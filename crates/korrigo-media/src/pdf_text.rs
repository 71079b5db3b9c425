//! A PDF's text read back as a reader's copy-paste gives it, by poppler's `pdftotext`
//! (poppler-utils, which `scripts/setup.sh` installs): for the tests that check what a final
//! PDF says. Korrigo itself never needs it.

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

static SEQ: AtomicU64 = AtomicU64::new(0);

/// The text of `pdf`, whitespace folded to single spaces; an error says what is missing.
pub fn pdf_text(pdf: &[u8]) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("korrigo-pdftext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{}.pdf", SEQ.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, pdf).map_err(|e| e.to_string())?;
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.map_err(|e| {
        format!("pdftotext (poppler-utils) could not run ({e}): run scripts/setup.sh")
    })?;
    if !out.status.success() {
        return Err(format!(
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" "))
}
