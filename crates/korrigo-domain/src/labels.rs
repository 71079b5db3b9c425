//! Identification labels: the self-adhesive labels a manager prints for a class, each with a
//! student's name, class and a QR code, which students stick in their copy's header. The QR
//! code holds only an opaque token (no name, no date, nothing a finder could read about the
//! student); the server knows which student has which token. A label found on a copy
//! identifies it with certainty, whatever the handwriting.

/// The characters of a token: capitals and digits without look-alikes (no I, O, 0, 1), which
/// QR codes store compactly (alphanumeric mode). 32 characters: 5 bits each.
pub const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A token's length: 20 characters, 100 random bits (no two students of any school alike).
pub const TOKEN_LEN: usize = 20;

/// What a label's QR code starts with, before the token.
pub const PAYLOAD_PREFIX: &str = "KORRIGO-";

/// Whether `s` has the shape of a token.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN && s.bytes().all(|b| TOKEN_ALPHABET.contains(&b))
}

/// What a label's QR code says for a token.
pub fn payload(token: &str) -> String {
    format!("{PAYLOAD_PREFIX}{token}")
}

/// The token of a QR code's text, when it is one of our labels (anything else on a copy, a
/// school's own QR code say, is not a label).
pub fn token_of_payload(text: &str) -> Option<&str> {
    text.trim()
        .strip_prefix(PAYLOAD_PREFIX)
        .filter(|t| is_token(t))
}

/// Which copies the labels identify. `labels[c]` is the student (an index into the exam's
/// students) whose label was read on copy `c`, if any; `taken[s]` says whether student `s`
/// already has a copy. A copy is identified by its label only when its student is free and
/// no other copy carries the same student's label (a label stuck on a classmate's copy, or
/// one copy scanned twice, leaves both copies to a person); the others are left to reading.
pub fn decide(labels: &[Option<usize>], taken: &[bool]) -> Vec<Option<usize>> {
    labels
        .iter()
        .map(|l| {
            l.filter(|&s| {
                !taken.get(s).copied().unwrap_or(true)
                    && labels.iter().filter(|o| **o == Some(s)).count() == 1
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_labels_give_a_token() {
        let token = "ABCDEFGHJKLMNPQRSTUV";
        assert!(is_token(token));
        assert_eq!(token_of_payload(&payload(token)), Some(token));
        assert_eq!(
            token_of_payload(" KORRIGO-ABCDEFGHJKLMNPQRSTUV\n"),
            Some(token)
        );
        // A school's own QR code, a token with a look-alike, a short one, lower case.
        assert_eq!(token_of_payload("https://lycee.fr/"), None);
        assert_eq!(token_of_payload("KORRIGO-ABCDEFGHIJKLMNPQRSTU"), None);
        assert_eq!(token_of_payload("KORRIGO-ABCDEFGH"), None);
        assert_eq!(token_of_payload("korrigo-abcdefghjklmnpqrstuv"), None);
    }

    #[test]
    fn a_label_identifies_its_copy_unless_its_student_is_taken_or_seen_twice() {
        // Copies 0 and 1: students 0 and 1. Copies 2 and 3 both carry student 2's label.
        // Copy 4: student 3's label, but student 3 already has a copy. Copy 5: no label.
        let labels = [Some(0), Some(1), Some(2), Some(2), Some(3), None];
        let taken = [false, false, false, true];
        assert_eq!(
            decide(&labels, &taken),
            vec![Some(0), Some(1), None, None, None, None]
        );
        // A student index outside the roster never identifies.
        assert_eq!(decide(&[Some(9)], &taken), vec![None]);
    }
}
