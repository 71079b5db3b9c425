//! Student accounts: generated per class by an admin, each with a one-time activation code
//! printed on a slip; the student chooses their own password with it. No shared default
//! password exists anywhere.

use crate::accounts::AuthSession;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::{App, ClientInfo, tokens};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::text::fold;
use korrigo_domain::{Locale, NewPassword, Role, policy};
use korrigo_media::slips::{Slip, SlipTexts, slips_pdf};
use korrigo_store::audit;
use korrigo_store::students::{self, Student};
use korrigo_store::users::{self, NewUser};
use korrigo_store::{Conn, now_ms};
use serde::Serialize;
use std::collections::HashSet;

/// A generated account with its code, shown (or printed) once.
#[derive(Debug, Clone, Serialize)]
pub struct AccountSlip {
    /// The student's id.
    pub student_id: i64,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Class.
    pub class: Option<String>,
    /// The login.
    pub username: String,
    /// The one-time activation code.
    pub code: String,
}

/// A new activation code: 12 characters without look-alikes, as `XXXX-XXXX-XXXX` (60 bits).
fn activation_code() -> String {
    tokens::grouped_code(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 12)
}

/// A code as typed (case, spaces and dashes ignored), normalised before hashing.
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `prenom.nom` from a student's names: folded, first word of the first name, spaces and
/// apostrophes removed.
pub fn base_username(first: &str, last: &str) -> String {
    let clean = |s: &str| -> String {
        fold(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    let first = clean(first.split_whitespace().next().unwrap_or(""));
    let last = clean(last);
    let u = match (first.is_empty(), last.is_empty()) {
        (false, false) => format!("{first}.{last}"),
        (true, false) => last,
        (false, true) => first,
        (true, true) => "eleve".into(),
    };
    if u.len() < 2 { format!("eleve-{u}") } else { u }
}

impl App {
    async fn unique_username(
        &self,
        c: &mut Conn<'_>,
        base: &str,
        taken: &mut HashSet<String>,
    ) -> Result<String, AppError> {
        for n in 1.. {
            let candidate = if n == 1 {
                base.to_string()
            } else {
                format!("{base}{n}")
            };
            if !taken.contains(&candidate)
                && users::find_by_login(c.reborrow(), &candidate)
                    .await?
                    .is_none()
            {
                taken.insert(candidate.clone());
                return Ok(candidate);
            }
        }
        unreachable!("the loop returns")
    }

    /// Creates a login account for every student of `class` (every class when `None`) who has
    /// none yet, each with a one-time activation code (admins only). Returns the slips, once.
    pub async fn generate_student_accounts(
        &self,
        s: &AuthSession,
        class: Option<&str>,
        client: &ClientInfo,
    ) -> Result<Vec<AccountSlip>, AppError> {
        policy::administer(&s.actor())?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let class = class.filter(|c| !c.is_empty());
        let pending: Vec<Student> = students::without_account(tx.conn(), class).await?;
        if pending.is_empty() {
            // No page of empty frames under a "downloaded" message: say why nothing comes.
            return Err(AppError::NothingToDo {
                message: match class {
                    Some(c) => format!("every student of {c} already has an account"),
                    None => "every student already has an account".into(),
                },
            });
        }
        let mut taken = HashSet::new();
        let mut slips = vec![];
        for st in pending {
            let username = {
                let mut c = tx.conn();
                self.unique_username(
                    &mut c,
                    &base_username(&st.first_name, &st.last_name),
                    &mut taken,
                )
                .await?
            };
            let display = format!("{} {}", st.first_name, st.last_name);
            let id = users::insert(
                tx.conn(),
                &NewUser {
                    username: &username,
                    email: None,
                    display_name: &display,
                    role: Role::Student,
                    password_hash: None,
                    must_change_password: false,
                    locale: Locale::Fr,
                },
                now,
            )
            .await
            .map_err(AppError::from_store)?;
            students::set_user(tx.conn(), st.id, id, now).await?;
            let code = activation_code();
            students::set_activation(
                tx.conn(),
                id,
                &tokens::hash_token(&normalize_code(&code)),
                now,
            )
            .await?;
            slips.push(AccountSlip {
                student_id: st.id,
                last_name: st.last_name,
                first_name: st.first_name,
                class: st.class,
                username,
                code,
            });
        }
        // The class concerned (none: every class).
        let mut entry = audit_entry::by_session(s, AuditAction::StudentAccountsGenerated, client)
            .with(serde_json::json!({ "accounts": slips.len() }));
        entry.object_type = Some("class");
        entry.object_id = class.map(str::to_string);
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        Ok(slips)
    }

    /// Replaces a student's activation code (admins only): for a lost slip, or to let a student
    /// who forgot their password choose a new one. Their sessions end.
    pub async fn reset_activation(
        &self,
        s: &AuthSession,
        student_id: i64,
        client: &ClientInfo,
    ) -> Result<AccountSlip, AppError> {
        policy::administer(&s.actor())?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let st = students::find(tx.conn(), student_id)
            .await?
            .ok_or(AppError::NotFound("student"))?;
        let user_id = st.user_id.ok_or_else(|| AppError::Conflict {
            field: "student",
            message: "this student has no account yet: generate the accounts of their class first"
                .into(),
        })?;
        let user = users::find(tx.conn(), user_id)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        let code = activation_code();
        students::set_activation(
            tx.conn(),
            user_id,
            &tokens::hash_token(&normalize_code(&code)),
            now,
        )
        .await?;
        korrigo_store::sessions::delete_for_user(tx.conn(), user_id, None).await?;
        let entry =
            audit_entry::by_session(s, AuditAction::ActivationReset, client).on("user", user_id);
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        Ok(AccountSlip {
            student_id,
            last_name: st.last_name,
            first_name: st.first_name,
            class: st.class,
            username: user.username,
            code,
        })
    }

    /// A user (a student, or a teacher from a staff import) chooses their password with their
    /// one-time code; the code then stops working.
    /// Wrong codes are counted like failed logins (per account and per IP, per minute).
    pub async fn activate_account(
        &self,
        username: &str,
        code: &str,
        password: &str,
        client: &ClientInfo,
    ) -> Result<Role, AppError> {
        let login = username.trim().to_lowercase();
        let now = now_ms();
        let found = if login.is_empty() || login.chars().count() > 254 {
            None
        } else {
            let mut c = self.db.read().await?;
            users::find_by_login(c.conn(), &login).await?
        };
        let key = crate::accounts::throttle_key(found.as_ref(), &login);
        if let Some(retry_after_secs) = self
            .throttled(AuditAction::ActivationFailed, &key, client, now)
            .await?
        {
            return Err(AppError::RateLimited { retry_after_secs });
        }
        let mut tx = self.db.begin().await?;
        let user = match &found {
            Some(u) => users::find_by_login(tx.conn(), &u.username)
                .await?
                .filter(|u| u.is_active),
            None => None,
        };
        let stored = match &user {
            Some(u) => students::activation(tx.conn(), u.id).await?,
            None => None,
        };
        let ok = stored.is_some_and(|h| {
            tokens::constant_time_eq(&h, &tokens::hash_token(&normalize_code(code)))
        });
        let Some(user) = user.filter(|_| ok) else {
            let entry = audit_entry::anonymous(AuditAction::ActivationFailed, client)
                .on("user", &key)
                .with(serde_json::json!({ "login": login }));
            audit::record(tx.conn(), &entry, now).await?;
            tx.commit().await?;
            return Err(AppError::invalid(
                "code",
                "this login and activation code do not match (or the code was already used)",
            ));
        };
        let p = NewPassword::parse(password, Some(&user.username))
            .map_err(|e| AppError::invalid("password", e.to_string()))?;
        drop(tx);
        let hash = self.hash_password(&p).await?;
        let mut tx = self.db.begin().await?;
        users::set_password(tx.conn(), user.id, &hash, false, now).await?;
        students::clear_activation(tx.conn(), user.id).await?;
        let entry = audit_entry::by_account(
            user.id,
            &user.username,
            AuditAction::AccountActivated,
            client,
        )
        .on("user", user.id);
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        Ok(user.role)
    }

    /// The slips as a PDF to print and cut out, in the given language.
    pub fn slips_pdf(&self, slips: &[AccountSlip], locale: Locale) -> Result<Vec<u8>, AppError> {
        let url = format!(
            "{}/activate",
            self.config.public_url.as_str().trim_end_matches('/')
        );
        let texts = match locale {
            Locale::Fr => SlipTexts {
                title: "Korrigo — votre compte".into(),
                login: "Identifiant :".into(),
                code: "Code d'activation :".into(),
                instructions: format!(
                    "Sur {url}, saisissez votre identifiant et ce code pour choisir votre mot de passe. Ce code ne sert qu'une fois."
                ),
            },
            Locale::En => SlipTexts {
                title: "Korrigo — your account".into(),
                login: "Login:".into(),
                code: "Activation code:".into(),
                instructions: format!(
                    "At {url}, enter your login and this code to choose your password. The code works only once."
                ),
            },
        };
        let slips: Vec<Slip> = slips
            .iter()
            .map(|s| Slip {
                name: format!("{} {}", s.last_name, s.first_name),
                class: s.class.clone().unwrap_or_default(),
                username: s.username.clone(),
                code: s.code.clone(),
            })
            .collect();
        slips_pdf(&slips, &texts).map_err(|e| AppError::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_from_names() {
        assert_eq!(base_username("Aminata", "N'DIAYE"), "aminata.ndiaye");
        assert_eq!(
            base_username("Jean-François Paul", "DE LA FONTAINE"),
            "jean-francois.de-la-fontaine"
        );
        assert_eq!(base_username("Éloïse", "SAINT-ANDRÉ"), "eloise.saint-andre");
        assert!(korrigo_domain::Username::parse(&base_username("Zoë", "Œuf")).is_ok());
    }

    #[test]
    fn codes_are_random_and_forgiving_to_type() {
        let c = activation_code();
        assert_eq!(c.len(), 14);
        assert_ne!(c, activation_code());
        assert_eq!(
            normalize_code(&c.to_lowercase().replace('-', " ")),
            c.replace('-', "")
        );
    }
}

/// What a staff import did (or would do, in a dry run).
#[derive(Debug, Serialize)]
pub struct TeacherImport {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Accounts created (or to create), with their activation slips when created.
    pub created: Vec<AccountSlip>,
    /// Rows whose e-mail already has an account: nothing to do.
    pub existing: Vec<ExistingAccount>,
    /// Rejected rows with their line and reason.
    pub rejected: Vec<korrigo_domain::roster::Rejected>,
}

/// A row whose account already exists.
#[derive(Debug, Serialize)]
pub struct ExistingAccount {
    /// The line in the file.
    pub line: usize,
    /// The existing login.
    pub username: String,
}

impl App {
    /// Imports teacher accounts from a staff CSV (admins only): each new e-mail becomes a
    /// teacher account whose login is the e-mail, with a one-time activation code (the
    /// same way as students; the slips are printed or mailed by the school). Existing
    /// accounts are left as they are. With `dry_run`, nothing is written.
    pub async fn import_teachers(
        &self,
        s: &AuthSession,
        bytes: &[u8],
        dry_run: bool,
        client: &ClientInfo,
    ) -> Result<TeacherImport, AppError> {
        policy::administer(&s.actor())?;
        crate::roster::check_import_size(bytes, self.config.import_max_bytes)?;
        let parsed = korrigo_domain::roster::parse_teachers(bytes)
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let mut out = TeacherImport {
            dry_run,
            created: vec![],
            existing: vec![],
            rejected: parsed.rejected,
        };
        for (line, t) in parsed.rows {
            if let Some(u) = users::find_by_login(tx.conn(), &t.email).await? {
                out.existing.push(ExistingAccount {
                    line,
                    username: u.username,
                });
                continue;
            }
            let display = format!("{} {}", t.first_name, t.last_name)
                .trim()
                .to_string();
            let code = if dry_run {
                String::new()
            } else {
                activation_code()
            };
            if !dry_run {
                let id = users::insert(
                    tx.conn(),
                    &NewUser {
                        username: &t.email,
                        email: Some(&t.email),
                        display_name: &display,
                        role: Role::Teacher,
                        password_hash: None,
                        must_change_password: false,
                        locale: Locale::Fr,
                    },
                    now,
                )
                .await
                .map_err(AppError::from_store)?;
                students::set_activation(
                    tx.conn(),
                    id,
                    &tokens::hash_token(&normalize_code(&code)),
                    now,
                )
                .await?;
            }
            out.created.push(AccountSlip {
                student_id: 0,
                last_name: t.last_name,
                first_name: t.first_name,
                class: None,
                username: t.email,
                code,
            });
        }
        if dry_run {
            return Ok(out);
        }
        let mut entry = audit_entry::by_session(s, AuditAction::TeachersImported, client)
            .with(serde_json::json!({ "created": out.created.len(), "existing": out.existing.len(), "rejected": out.rejected.len() }));
        entry.object_type = Some("users");
        audit::record(tx.conn(), &entry, now).await?;
        tx.commit().await?;
        Ok(out)
    }
}
