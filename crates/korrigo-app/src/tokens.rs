//! Random tokens and their hashes. Session tokens are stored only as SHA-256 hashes; CSRF
//! tokens are derived from the session token with the secret key, so they need no storage.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `n` random bytes from the OS-seeded CSPRNG, as lower-case hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 of a token, hex: what the database keeps.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token of a session: HMAC-SHA256(secret, "csrf:" + session hash), hex.
pub fn csrf_token(secret: &str, session_hash: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(b"csrf:");
    mac.update(session_hash.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `n` random characters of `alphabet`, in groups of 4 joined by `-` (easy to read aloud and
/// to type from paper).
pub fn grouped_code(alphabet: &[u8], n: usize) -> String {
    let mut b = vec![0u8; n];
    rand::rng().fill_bytes(&mut b);
    let chars: Vec<char> = b
        .iter()
        .map(|x| alphabet[usize::from(*x) % alphabet.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A temporary password an admin hands to a user (who must change it at first login):
/// 4 groups of 4 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
pub fn temporary_password() -> String {
    grouped_code(b"abcdefghjkmnpqrstuvwxyz23456789", 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32));
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn csrf_depends_on_secret_and_session() {
        let t = csrf_token("k1", "s1");
        assert_eq!(t, csrf_token("k1", "s1"));
        assert_ne!(t, csrf_token("k2", "s1"));
        assert_ne!(t, csrf_token("k1", "s2"));
        assert!(constant_time_eq(&t, &csrf_token("k1", "s1")));
        assert!(!constant_time_eq(&t, "nope"));
    }

    #[test]
    fn temporary_passwords_meet_the_policy() {
        for _ in 0..50 {
            let p = temporary_password();
            assert_eq!(p.len(), 19);
            assert!(
                korrigo_domain::NewPassword::parse(&p, Some("user")).is_ok(),
                "{p}"
            );
        }
    }
}
