//! The interface's words in French (default) and English. Templates call `t.get("key")`; a
//! test checks that every key a template uses exists here.

mod messages;
mod words;

use std::collections::HashMap;
use std::sync::LazyLock;

use korrigo_domain::Locale;
use messages::MESSAGES_FR;

/// Every key of every area, for lookups (built once from the constant tables).
static WORDS: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    words::AREAS
        .iter()
        .flat_map(|area| area.iter())
        .map(|(k, fr, en)| (*k, (*fr, *en)))
        .collect()
});

/// Every entry of every area, in table order.
fn table() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    words::AREAS.iter().flat_map(|area| area.iter())
}

/// The translator of one request.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    /// The request's language.
    pub locale: Locale,
}

/// Splits `text` along `template` (`{}` matches any non-empty part): the parts, or `None`
/// when the text does not have the template's shape.
fn match_template<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let pieces: Vec<&str> = template.split("{}").collect();
    let mut rest = text.strip_prefix(pieces[0])?;
    let mut parts = Vec::new();
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        let last = i == pieces.len() - 1;
        let at = if last {
            if !rest.ends_with(piece) {
                return None;
            }
            rest.len() - piece.len()
        } else {
            // The part ends at the first occurrence of the next literal (after one character).
            rest.get(1..)?.find(piece)? + 1
        };
        if at == 0 {
            return None;
        }
        parts.push(&rest[..at]);
        rest = &rest[at + piece.len()..];
    }
    (pieces.len() == 1 && rest.is_empty() || pieces.len() > 1).then_some(parts)
}

/// A message of the server (the use cases speak English) in the caller's language. Unknown
/// messages are left as they are; the parts a template carries over are translated too when
/// they are messages themselves ("the request body is not the expected JSON: 0.3 is not a
/// multiple of 0.25").
pub fn translate(locale: Locale, english: &str) -> String {
    if locale == Locale::En {
        return english.to_string();
    }
    for (en, fr) in MESSAGES_FR {
        let Some(parts) = match_template(en, english) else {
            continue;
        };
        let mut out = String::new();
        let mut parts = parts.into_iter();
        for (i, piece) in fr.split("{}").enumerate() {
            if i > 0
                && let Some(p) = parts.next()
            {
                let inner = translate(locale, p);
                // A sentence carried inside another one loses its full stop, and its capital
                // unless it starts the message.
                let inner = if inner != p {
                    let t = inner.trim_end_matches('.');
                    let mut c = t.chars();
                    match c.next() {
                        Some(f) if !out.is_empty() => f.to_lowercase().chain(c).collect(),
                        _ => t.to_string(),
                    }
                } else {
                    inner
                };
                out.push_str(&inner);
            }
            out.push_str(piece);
        }
        return out;
    }
    english.to_string()
}

/// The caller's language on API routes (set by the `/api/` middleware; French otherwise).
#[derive(Clone, Copy, Debug)]
pub struct ReqLocale(pub Locale);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ReqLocale {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ReqLocale(
            parts
                .extensions
                .get::<Locale>()
                .copied()
                .unwrap_or_default(),
        ))
    }
}

/// Rejected rows of an import with their reasons in the caller's language.
pub fn localize_rejected(locale: Locale, rows: &mut [korrigo_domain::roster::Rejected]) {
    for r in rows {
        r.reason = translate(locale, &r.reason);
    }
}

impl Tr {
    /// "1 résultat", "0 résultat", "2 résultats" (French takes the singular for 0 and 1,
    /// English for 1 only): `n` then the word of `one` or `many`.
    pub fn count(&self, n: &i64, one: &str, many: &str) -> String {
        let n = *n;
        let singular = match self.locale {
            Locale::Fr => n.abs() < 2,
            Locale::En => n.abs() == 1,
        };
        format!("{n}\u{a0}{}", self.get(if singular { one } else { many }))
    }

    /// The text of `key`, or `fallback` when the table has none (so that a new code shows as
    /// itself rather than as a key).
    pub fn get_or<'a>(&self, key: &str, fallback: &'a str) -> &'a str {
        match WORDS.get(key) {
            Some((fr, en)) => match self.locale {
                Locale::Fr => fr,
                Locale::En => en,
            },
            None => fallback,
        }
    }

    /// An audit entry's action in words ("Connexion refusée").
    pub fn audit_action(&self, action: &str) -> String {
        self.get_or(&format!("audit.a.{action}"), action)
            .to_string()
    }

    /// A background job's kind in words.
    pub fn job_kind(&self, kind: &str) -> String {
        self.get_or(&format!("job.{kind}"), kind).to_string()
    }

    /// An audited object in words ("compte alice", "copie n° 12").
    pub fn audit_object(&self, object_type: &str, id: &str, username: Option<&str>) -> String {
        let what = self.get_or(&format!("audit.o.{object_type}"), object_type);
        match (object_type, username) {
            ("user", Some(u)) => format!("{what} {u}"),
            ("user", None) if id.parse::<i64>().is_err() => format!("{what} «\u{a0}{id}\u{a0}»"),
            ("user", None) => format!("{what} n°\u{a0}{id}"),
            _ => format!("{what}\u{a0}{id}"),
        }
    }

    /// An audit entry's details as words: "motif : mot de passe erroné · identifiant saisi :
    /// x" instead of JSON.
    pub fn audit_details(&self, details: &str) -> String {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(details)
        else {
            return String::new();
        };
        let sep = match self.locale {
            Locale::Fr => "\u{a0}: ",
            Locale::En => ": ",
        };
        map.iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::String(s) => {
                        self.get_or(&format!("audit.v.{s}"), s).to_string()
                    }
                    serde_json::Value::Bool(b) => self
                        .get(if *b { "audit.v.true" } else { "audit.v.false" })
                        .to_string(),
                    serde_json::Value::Array(items) => items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    // A moment (`archived_at`): its day, as the page writes dates.
                    serde_json::Value::Number(n) if k.ends_with("_at") => n
                        .as_i64()
                        .and_then(|ms| {
                            korrigo_domain::date::Date::from_days_since_epoch(
                                ms.div_euclid(86_400_000),
                            )
                        })
                        .map(|d| match self.locale {
                            Locale::Fr => d.french(),
                            Locale::En => d.iso(),
                        })
                        .unwrap_or_else(|| n.to_string()),
                    other => other.to_string(),
                };
                let key = self.get_or(&format!("audit.k.{k}"), k);
                if key.ends_with('°') || key.ends_with('.') {
                    format!("{key}\u{a0}{value}")
                } else {
                    format!("{key}{sep}{value}")
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Every text whose key starts with `prefix`, as a JSON object keyed by the rest of the key:
    /// a page script's words come from this table like the server's.
    pub fn messages(&self, prefix: &str) -> String {
        let map: serde_json::Map<String, serde_json::Value> = table()
            .filter_map(|(k, fr, en)| {
                let rest = k.strip_prefix(prefix)?;
                let text = match self.locale {
                    Locale::Fr => fr,
                    Locale::En => en,
                };
                Some((rest.to_string(), serde_json::Value::from(*text)))
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// The text of `key` in the request's language (the key itself if unknown, so a missing
    /// translation shows up instead of an empty space).
    pub fn get<'a>(&self, key: &'a str) -> &'a str {
        match WORDS.get(key) {
            Some((fr, en)) => match self.locale {
                Locale::Fr => fr,
                Locale::En => en,
            },
            None => key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_entries_read_as_words() {
        let t = Tr { locale: Locale::Fr };
        assert_eq!(t.audit_action("login.failed"), "Connexion refusée");
        assert_eq!(
            t.audit_details(r#"{"reason":"wrong_password","login":"martin"}"#),
            "identifiant saisi\u{a0}: martin · motif\u{a0}: mot de passe erroné"
        );
        assert_eq!(
            t.audit_details(r#"{"copy":12,"method":"manual","student":7,"previous":null}"#),
            "copie n°\u{a0}12 · méthode\u{a0}: à la main · élève n°\u{a0}7"
        );
        // A purge: counts in words, the archive's moment as a day.
        assert_eq!(
            t.audit_details(
                r#"{"archived_at":1796619823554,"bytes":0,"copies":3,"files":7,"name":"DS 2"}"#
            ),
            "archivé le\u{a0}: 07/12/2026 · octets\u{a0}: 0 · copies\u{a0}: 3 · \
             fichiers\u{a0}: 7 · nom\u{a0}: DS 2"
        );
        assert_eq!(t.audit_object("user", "2", Some("admin")), "compte admin");
        assert_eq!(t.audit_object("copy", "12", None), "copie n°\u{a0}12");
        assert_eq!(
            t.job_kind("scans.process"),
            "Traitement d\u{2019}un fichier scanné"
        );
        // Every audit action has its words.
        for a in korrigo_domain::audit::AuditAction::ALL {
            assert_ne!(t.audit_action(a.as_str()), a.as_str(), "{}", a.as_str());
        }
    }

    #[test]
    fn french_typography_everywhere() {
        for (key, fr, _) in table() {
            for p in [" :", " ;", " ?", " !"] {
                assert!(!fr.contains(p), "{key}: plain space before {p}: {fr}");
            }
            assert!(!fr.contains('\''), "{key}: straight apostrophe in {fr}");
        }
    }

    #[test]
    fn server_messages_are_translated_with_their_parts() {
        let fr = |m: &str| translate(Locale::Fr, m);
        assert_eq!(
            fr("the current password is wrong"),
            "Le mot de passe actuel est incorrect."
        );
        assert_eq!(
            fr("every student of TS1 already has an account"),
            "Tous les élèves de TS1 ont déjà un compte\u{a0}: il n\u{2019}y a rien à imprimer."
        );
        assert_eq!(
            fr("the request body is not the expected JSON: 0.3 is not a multiple of 0.25"),
            "Les données envoyées ne sont pas valides\u{a0}: 0.3 n\u{2019}est pas un multiple de 0,25\u{a0}: les points vont par quarts de point"
        );
        assert_eq!(fr("duplicate of line 4"), "doublon de la ligne 4");
        assert_eq!(
            fr(
                "the request body is not the expected JSON: the mark's `comment` is missing or not a number"
            ),
            "Les données envoyées ne sont pas valides\u{a0}: annotation\u{a0}: «\u{a0}comment\u{a0}» manque ou n\u{2019}est pas un nombre"
        );
        assert_eq!(
            fr("2 question(s) without a score, no appreciation, 1 score(s) above their maximum"),
            "2 question(s) sans note, pas d\u{2019}appréciation, 1 note(s) au-dessus de leur maximum"
        );
        assert_eq!(
            fr("`Exercice 1 · b` is not one of your questions: another corrector grades it"),
            "«\u{a0}Exercice 1 · b\u{a0}» n\u{2019}est pas l\u{2019}une de vos questions\u{a0}: un autre correcteur la corrige."
        );
        assert_eq!(fr("something new"), "something new");
        assert_eq!(
            translate(Locale::En, "duplicate of line 4"),
            "duplicate of line 4"
        );
        // Every French text has French typography: no plain space before : ; ? !
        for (en, fr) in MESSAGES_FR {
            for p in [" :", " ;", " ?", " !", "'"] {
                assert!(!fr.contains(p), "{en}: {fr}");
            }
            assert!(en.matches("{}").count() >= fr.matches("{}").count(), "{en}");
        }
    }

    #[test]
    fn every_key_used_by_a_template_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = vec![];
        for entry in std::fs::read_dir(&dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("t.get(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !table().any(|(k, ..)| *k == key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<_> = table().map(|(k, ..)| *k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len());
    }

    #[test]
    fn french_is_the_default() {
        let t = Tr {
            locale: Locale::default(),
        };
        assert_eq!(t.get("nav.logout"), "Se déconnecter");
        assert_eq!(Tr { locale: Locale::En }.get("nav.logout"), "Log out");
    }
}
