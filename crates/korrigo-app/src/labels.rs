//! Identification labels: sheets of self-adhesive labels (3 × 8 per A4 sheet) for an exam's
//! students, class by class, each with the student's name, class and a QR code of their
//! opaque token. A copy whose header carries a label is identified by it (see
//! `identify::run_match_exam`). Managers of the exam only; printing is journaled.

use korrigo_domain::audit::AuditAction;
use korrigo_domain::labels::{TOKEN_ALPHABET, TOKEN_LEN, is_token};
use korrigo_domain::{ExamId, Locale};
use korrigo_media::labels::{COLS, Label, ROWS, labels_pdf};
use korrigo_store::identify as store;
use serde::Deserialize;

use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};

/// What to print.
#[derive(Debug, Default, Deserialize)]
pub struct LabelsInput {
    /// Only this class's students (every student of the exam when absent or empty).
    #[serde(default)]
    pub class: Option<String>,
    /// Labels per student, 1 to 4 (default 1): a spare for a second sheet or a mistake.
    #[serde(default)]
    pub per_student: Option<usize>,
    /// Positions of the first sheet already used, 0 to 23 (default 0): printing resumes on a
    /// sheet partly used.
    #[serde(default)]
    pub skip: Option<usize>,
}

/// The labels made.
#[derive(Debug)]
pub struct LabelsPdf {
    pub pdf: Vec<u8>,
    /// Students with a label.
    pub students: usize,
    /// Labels printed.
    pub labels: usize,
}

/// A new label token: `TOKEN_LEN` characters of the domain's alphabet (100 random bits).
fn new_token() -> String {
    let t = crate::tokens::grouped_code(TOKEN_ALPHABET, TOKEN_LEN).replace('-', "");
    debug_assert!(is_token(&t));
    t
}

impl App {
    /// The label sheets of an exam's students (of one class, or all, each class from a new
    /// sheet), in name order. Students without a token get one now; a token never changes, so
    /// labels printed earlier stay valid.
    pub async fn exam_labels(
        &self,
        s: &AuthSession,
        exam: ExamId,
        input: &LabelsInput,
        client: &ClientInfo,
    ) -> Result<LabelsPdf, AppError> {
        self.require_manager(s, exam).await?;
        let per_student = input.per_student.unwrap_or(1);
        if !(1..=4).contains(&per_student) {
            return Err(AppError::invalid(
                "per_student",
                "between 1 and 4 labels per student",
            ));
        }
        let skip = input.skip.unwrap_or(0);
        if skip >= COLS * ROWS {
            return Err(AppError::invalid(
                "skip",
                format!(
                    "a sheet has {} labels: skip 0 to {}",
                    COLS * ROWS,
                    COLS * ROWS - 1
                ),
            ));
        }
        let class = input
            .class
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let mut tx = self.db.begin().await?;
        let all = store::exam_students(tx.conn(), exam).await?;
        let chosen: Vec<i64> = all
            .iter()
            .filter(|st| class.is_none() || st.class_name.as_deref() == class)
            .map(|st| st.id)
            .collect();
        if chosen.is_empty() {
            return Err(match class {
                Some(c) => AppError::invalid(
                    "class",
                    format!("no student of this exam is in the class `{c}`"),
                ),
                None => AppError::invalid(
                    "class",
                    "this exam has no students yet: import the roster and choose the exam's classes first",
                ),
            });
        }
        for st in all.iter().filter(|st| chosen.contains(&st.id)) {
            if st.label_token.is_none() {
                store::set_label_token(tx.conn(), st.id, &new_token()).await?;
            }
        }
        // Read back: the tokens as stored (another manager may have printed meanwhile).
        let mut students: Vec<_> = store::exam_students(tx.conn(), exam)
            .await?
            .into_iter()
            .filter(|st| chosen.contains(&st.id))
            .collect();
        students.sort_by(|a, b| {
            korrigo_domain::text::collate(
                a.class_name.as_deref().unwrap_or(""),
                b.class_name.as_deref().unwrap_or(""),
            )
            .then_with(|| korrigo_domain::text::collate(&a.last_name, &b.last_name))
            .then_with(|| korrigo_domain::text::collate(&a.first_name, &b.first_name))
        });
        let mut groups: Vec<Vec<Label>> = Vec::new();
        let mut last_class: Option<Option<String>> = None;
        for st in &students {
            if last_class.as_ref() != Some(&st.class_name) {
                groups.push(Vec::new());
                last_class = Some(st.class_name.clone());
            }
            let label = Label {
                token: st
                    .label_token
                    .clone()
                    .ok_or_else(|| AppError::Internal("a label token was not stored".into()))?,
                last_name: st.last_name.clone(),
                first_name: st.first_name.clone(),
                class: st.class_name.clone().unwrap_or_default(),
            };
            let group = groups.last_mut().expect("pushed above");
            group.extend(std::iter::repeat_n(label, per_student));
        }
        let hint = match s.user.locale {
            Locale::Fr => "À coller dans l\u{2019}en-tête de la copie",
            Locale::En => "Stick in the header of the copy",
        };
        let pdf = labels_pdf(&groups, skip, hint).map_err(|e| AppError::Internal(e.to_string()))?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::LabelsPrinted,
            exam,
            client,
            Some(serde_json::json!({
                "class": class, "students": students.len(), "per_student": per_student,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(LabelsPdf {
            pdf,
            students: students.len(),
            labels: students.len() * per_student,
        })
    }
}
