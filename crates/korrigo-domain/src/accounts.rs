//! Accounts: roles, usernames, e-mails, display names and the password policy.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A user's global role. Per-exam rights come from [`crate::ExamRole`] memberships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything: users, settings, all exams, audit log, backups.
    Admin,
    /// Creates exams, manages and corrects those they are a member of.
    Teacher,
    /// Sees their own released copies.
    Student,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Teacher, Role::Student];

    /// The stable name used in the database, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Student => "student",
        }
    }

    /// Parses the stable name; the error names the accepted values.
    pub fn parse(s: &str) -> Result<Role, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "teacher" => Ok(Role::Teacher),
            "student" => Ok(Role::Student),
            other => Err(format!(
                "unknown role `{other}`: expected admin, teacher or student"
            )),
        }
    }

    /// Whether this role belongs to the school's staff (admins and teachers).
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Teacher)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A login name: 2 to 150 characters among letters, digits and `. _ @ + -`, stored in lower
/// case so that `Dupont` and `dupont` are the same account. An e-mail address is a valid
/// username.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Validates and normalises (trim, lower case) a username.
    pub fn parse(raw: &str) -> Result<Username, String> {
        let s = raw.trim().to_lowercase();
        if s.chars().count() < 2 {
            return Err("the username must have at least 2 characters".into());
        }
        if s.chars().count() > 150 {
            return Err("the username must have at most 150 characters".into());
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '+' | '-')))
        {
            return Err(format!(
                "the username may not contain `{bad}`: use letters, digits and . _ @ + -"
            ));
        }
        Ok(Username(s))
    }

    /// The normalised username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for a plausible shape (one `@`, a dot in the domain, no spaces)
/// and stored in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates and normalises an e-mail address.
    pub fn parse(raw: &str) -> Result<Email, String> {
        let s = raw.trim().to_lowercase();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(format!("`{s}` is not an e-mail address (no @)"));
        };
        if local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains('@')
            || s.chars().any(char::is_whitespace)
            || s.len() > 254
        {
            return Err(format!("`{s}` is not a valid e-mail address"));
        }
        Ok(Email(s))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown in the UI: 1 to 200 characters, trimmed, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Validates a display name.
    pub fn parse(raw: &str) -> Result<DisplayName, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("the name may not be empty".into());
        }
        if s.chars().count() > 200 {
            return Err("the name must have at most 200 characters".into());
        }
        if s.chars().any(char::is_control) {
            return Err("the name may not contain control characters".into());
        }
        Ok(DisplayName(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The interface language of a user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// French, the default: the first users are French schools.
    #[default]
    Fr,
    /// English.
    En,
}

impl Locale {
    /// The stable code (`fr`, `en`).
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// Parses a code; anything that is not a known code is an error naming the accepted ones.
    pub fn parse(s: &str) -> Result<Locale, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Locale::Fr),
            "en" => Ok(Locale::En),
            other => Err(format!("unknown language `{other}`: expected fr or en")),
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut bits = part.trim().split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let loc = if tag.starts_with("fr") {
                Locale::Fr
            } else if tag.starts_with("en") {
                Locale::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, loc));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// Why a new password was refused. Each variant is a message a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`NewPassword::MIN_CHARS`] characters.
    #[error("the password must have at least {min} characters", min = NewPassword::MIN_CHARS)]
    TooShort,
    /// More than [`NewPassword::MAX_CHARS`] characters (hashing cost is bounded).
    #[error("the password must have at most {max} characters", max = NewPassword::MAX_CHARS)]
    TooLong,
    /// Found in the list of commonly used passwords.
    #[error("this password is too common: choose one that others are unlikely to use")]
    TooCommon,
    /// Contains the username.
    #[error("the password may not contain the username")]
    ContainsUsername,
}

/// A password that meets the policy: 10 to 256 characters, not a common password, not
/// containing the username. Only ever hashed, never stored or logged as it is.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Common passwords, lower case, one a line. Matching ignores case and a trailing run of
/// digits or punctuation, so `Motdepasse2024!` is refused like `motdepasse`.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl NewPassword {
    /// The minimum length, in characters.
    pub const MIN_CHARS: usize = 10;
    /// The maximum length, in characters.
    pub const MAX_CHARS: usize = 256;

    /// Checks a candidate password against the policy.
    pub fn parse(raw: &str, username: Option<&str>) -> Result<NewPassword, PasswordProblem> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if n > Self::MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        let lower = raw.to_lowercase();
        if let Some(u) = username {
            let u = u.to_lowercase();
            let local = u.split('@').next().unwrap_or(&u);
            if local.chars().count() >= 3 && lower.contains(local) {
                return Err(PasswordProblem::ContainsUsername);
            }
        }
        if is_common(&lower) {
            return Err(PasswordProblem::TooCommon);
        }
        Ok(NewPassword(raw.to_string()))
    }

    /// The password, to hash it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn is_common(lower: &str) -> bool {
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let stem = if stem.is_empty() { lower } else { stem };
    // A run of one character, or digits only (dates, phone numbers, sequences), is guessed
    // early by any attacker.
    let all_same = lower.chars().all(|c| lower.starts_with(c));
    let all_digits = lower.chars().all(|c| c.is_ascii_digit());
    all_same
        || all_digits
        || COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .any(|common| common == lower || common == stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse("  Dupont ").unwrap().as_str(), "dupont");
        assert_eq!(
            Username::parse("M.Martin@Lycee.fr").unwrap().as_str(),
            "m.martin@lycee.fr"
        );
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("jean dupont").unwrap_err().contains("` `"));
        assert!(Username::parse("élève").is_err());
    }

    #[test]
    fn emails_need_a_plausible_shape() {
        assert!(Email::parse("prof@lycee.fr").is_ok());
        assert!(Email::parse("prof.lycee.fr").is_err());
        assert!(Email::parse("prof@lycee").is_err());
        assert!(Email::parse("a b@lycee.fr").is_err());
    }

    #[test]
    fn password_policy() {
        assert_eq!(
            NewPassword::parse("court", None),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            NewPassword::parse("motdepasse", None),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("Motdepasse2024!", None),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("1234567890", None),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa", None),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("dupont-est-la", Some("dupont")),
            Err(PasswordProblem::ContainsUsername)
        );
        assert!(NewPassword::parse("copie double verte 42", Some("dupont")).is_ok());
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("copie double verte 42", None).unwrap()
            ),
            "NewPassword(***)"
        );
    }

    #[test]
    fn accept_language_picks_the_best_supported() {
        assert_eq!(Locale::from_accept_language("en-GB,en;q=0.9"), Locale::En);
        assert_eq!(
            Locale::from_accept_language("de-DE,en;q=0.5,fr;q=0.8"),
            Locale::Fr
        );
        assert_eq!(Locale::from_accept_language("de"), Locale::Fr);
        assert_eq!(Locale::from_accept_language(""), Locale::Fr);
    }

    #[test]
    fn roles_parse_and_print() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert!(Role::parse("superuser").unwrap_err().contains("expected"));
        assert!(Role::Teacher.is_staff() && !Role::Student.is_staff());
    }
}
