//! Secrets: a wrapper that is never printed, how a guessable one is recognised, and the key a
//! development install generates and keeps in its data folder.

use std::fmt;
use std::path::Path;

/// The shortest secret key and metrics token accepted (in characters).
pub(super) const MIN_TOKEN_CHARS: usize = 32;

/// A secret value: never printed, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

pub(super) fn distinct_chars(s: &str) -> usize {
    s.chars().collect::<std::collections::BTreeSet<_>>().len()
}

/// Whether a long secret is still easy to guess: few distinct characters (`aaaa...`,
/// `abababab...`), or a short pattern repeated (`secretsecretsecret...`). A random hex key of
/// 32 characters has about 14 distinct ones.
pub(super) fn low_entropy(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if distinct_chars(s) < 8 {
        return true;
    }
    (1..=chars.len() / 3).any(|period| {
        chars
            .iter()
            .enumerate()
            .skip(period)
            .all(|(i, c)| chars[i - period] == *c)
    })
}

pub(super) fn read_or_create_secret(path: &Path, create: bool) -> Result<(Secret, bool), String> {
    match std::fs::read_to_string(path) {
        Ok(s) if s.trim().len() >= 32 => return Ok((Secret::new(s.trim()), false)),
        Ok(_) => return Err(format!("{} holds a key that is too short", path.display())),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {}: {e}", path.display()));
        }
        Err(_) => {}
    }
    let key = crate::tokens::random_hex(32);
    if create {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        write_private(path, &key).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok((Secret::new(key), create))
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
