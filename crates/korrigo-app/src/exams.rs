//! Exams: creation (the creator becomes manager), details, classes, members, archive, and the
//! marking scheme with its confirmation when the total differs from the grade scale.

use crate::accounts::AuthSession;
use crate::audit_entry::{self, EntryExt};
use crate::error::AppError;
use crate::{App, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::exams::{
    Coefficient, PageLayout, parse_classes, parse_exam_name, parse_grade_scale,
};
use korrigo_domain::scheme::{Points, Scheme};
use korrigo_domain::{Date, ExamId, ExamRole, PageRequest, Paged, Role, UserId, policy};
use korrigo_store::audit;
use korrigo_store::exams::{self, Exam, ExamFields, ExamFilter, ExamListItem, ExamSort};
use korrigo_store::{Conn, now_ms, users};
use serde::{Deserialize, Serialize};

/// Input of "create an exam" and "edit an exam".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExamInput {
    /// Name.
    pub name: String,
    /// Subject (optional).
    #[serde(default)]
    pub subject: String,
    /// Date (`yyyy-mm-dd` or `dd/mm/yyyy`), optional.
    #[serde(default)]
    pub date: Option<String>,
    /// Classes concerned (empty: every student).
    #[serde(default)]
    pub classes: Vec<String>,
    /// `a4:N` or `a3` (default `a4:4`).
    #[serde(default)]
    pub layout: Option<String>,
    /// Out of (default 20).
    #[serde(default)]
    pub grade_scale: Option<i64>,
    /// Coefficient (default 1), a number or a string (`1,5`).
    #[serde(default)]
    pub coefficient: Option<serde_json::Value>,
}

impl ExamInput {
    fn validate(&self) -> Result<ExamFields, AppError> {
        let name = parse_exam_name(&self.name).map_err(|m| AppError::invalid("name", m))?;
        let subject = self
            .subject
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if subject.chars().count() > 100 {
            return Err(AppError::invalid(
                "subject",
                "the subject must have at most 100 characters",
            ));
        }
        let date = match self
            .date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => None,
            Some(d) => Some(Date::parse(d).map_err(|m| AppError::invalid("date", m))?),
        };
        let classes = parse_classes(&self.classes).map_err(|m| AppError::invalid("classes", m))?;
        let layout = match self.layout.as_deref().filter(|l| !l.is_empty()) {
            None => PageLayout::A4 { pages: 4 },
            Some(l) => PageLayout::parse(l).map_err(|m| AppError::invalid("layout", m))?,
        };
        let grade_scale = parse_grade_scale(self.grade_scale.unwrap_or(20))
            .map_err(|m| AppError::invalid("grade_scale", m))?;
        let coefficient = match &self.coefficient {
            None | Some(serde_json::Value::Null) => Coefficient::default(),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Coefficient::default(),
            Some(serde_json::Value::String(s)) => {
                Coefficient::parse(s).map_err(|m| AppError::invalid("coefficient", m))?
            }
            Some(serde_json::Value::Number(n)) => Coefficient::parse(&n.to_string())
                .map_err(|m| AppError::invalid("coefficient", m))?,
            Some(other) => {
                return Err(AppError::invalid(
                    "coefficient",
                    format!("`{other}` is not a coefficient"),
                ));
            }
        };
        Ok(ExamFields {
            name,
            subject,
            date,
            classes,
            layout,
            grade_scale,
            coefficient,
        })
    }
}

/// An exam as its members see it.
#[derive(Debug, Serialize)]
pub struct ExamView {
    /// The exam.
    #[serde(flatten)]
    pub exam: crate::shapes::ExamJson,
    /// The scheme's total, in points.
    pub scheme_total: Points,
    /// The viewer's role (`None` for admins who are not members).
    pub my_role: Option<ExamRole>,
    /// Whether the viewer may manage it.
    pub can_manage: bool,
    /// Members (managers only see them; empty otherwise).
    pub members: Vec<crate::shapes::MemberJson>,
    /// Students concerned (managers only; 0 otherwise).
    pub student_count: i64,
    /// Where the exam stands, step by step (managers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<ExamProgress>,
    /// When its results were released to the students (None: not released).
    pub released_at: Option<i64>,
}

/// An exam's steps at a glance: copies scanned, identified, dispatched, graded.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ExamProgress {
    /// Copies made from the scans.
    pub copies: i64,
    /// Scanned pages flagged for a look.
    pub pages_flagged: i64,
    /// Scan batches still uploading or being processed.
    pub batches_running: i64,
    /// Copies linked to their student.
    pub identified: i64,
    /// Copies given to a corrector.
    pub assigned: i64,
    /// Copies being graded.
    pub grading: i64,
    /// Copies graded.
    pub graded: i64,
}

impl From<exams::Progress> for ExamProgress {
    fn from(p: exams::Progress) -> Self {
        ExamProgress {
            copies: p.copies,
            pages_flagged: p.flagged,
            batches_running: p.batches_running,
            identified: p.identified,
            assigned: p.assigned,
            grading: p.grading,
            graded: p.graded,
        }
    }
}

/// Input of "set a member".
#[derive(Debug, Clone, Deserialize)]
pub struct MemberInput {
    /// The user's username (or e-mail).
    pub username: String,
    /// `manager` or `corrector`.
    pub role: String,
}

/// Input of "save the scheme".
#[derive(Debug, Clone, Deserialize)]
pub struct SchemeInput {
    /// The tree.
    pub scheme: Scheme,
    /// The version the editor started from (concurrent saves are refused).
    pub version: i64,
    /// Save even though the total differs from the grade scale.
    #[serde(default)]
    pub confirm_total_mismatch: bool,
    /// Save even though scores already given exceed a lowered maximum (they are kept, never
    /// clamped, and flagged on their copies).
    #[serde(default)]
    pub confirm_scores_over: bool,
}

/// A saved scheme.
#[derive(Debug, Serialize)]
pub struct SchemeSaved {
    /// The scheme with every node's id.
    pub scheme: Scheme,
    /// The new version.
    pub version: i64,
    /// Its total.
    pub total: Points,
}

fn new_node_id() -> String {
    format!("q-{}", crate::tokens::random_hex(5))
}

impl App {
    pub(crate) async fn audit_exam(
        &self,
        c: Conn<'_>,
        s: &AuthSession,
        action: AuditAction,
        exam: ExamId,
        client: &ClientInfo,
        details: Option<serde_json::Value>,
    ) -> Result<(), AppError> {
        let mut entry = audit_entry::by_session(s, action, client).on("exam", exam);
        entry.details = details;
        audit::record(c, &entry, now_ms()).await?;
        Ok(())
    }

    /// Loads an exam with the actor's membership; 404 when it does not exist, 403 when the
    /// actor has no access to it at all.
    pub(crate) async fn exam_access(
        &self,
        s: &AuthSession,
        id: ExamId,
    ) -> Result<(Exam, Option<ExamRole>), AppError> {
        policy::use_staff_area(&s.actor())?;
        let mut c = self.db.read().await?;
        let exam = exams::find(c.conn(), id)
            .await?
            .ok_or(AppError::NotFound("exam"))?;
        let role = exams::membership(c.conn(), id, s.user.id).await?;
        policy::grade_in_exam(&s.actor(), role)?;
        Ok((exam, role))
    }

    pub(crate) async fn require_manager(
        &self,
        s: &AuthSession,
        id: ExamId,
    ) -> Result<Exam, AppError> {
        let (exam, role) = self.exam_access(s, id).await?;
        policy::manage_exam(&s.actor(), role)?;
        Ok(exam)
    }

    /// Creates an exam; its creator becomes its manager (teachers and admins).
    pub async fn create_exam(
        &self,
        s: &AuthSession,
        input: &ExamInput,
        client: &ClientInfo,
    ) -> Result<ExamView, AppError> {
        policy::create_exam(&s.actor())?;
        let fields = input.validate()?;
        let mut tx = self.db.begin().await?;
        let creator = (s.user.id.0 > 0).then_some(s.user.id);
        let id = exams::insert(tx.conn(), &fields, creator, now_ms()).await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::ExamCreated,
            id,
            client,
            Some(serde_json::json!({ "name": fields.name })),
        )
        .await?;
        tx.commit().await?;
        self.get_exam(s, id).await
    }

    /// Lists the exams the actor may see: all for admins, their own for teachers.
    pub async fn list_exams(
        &self,
        s: &AuthSession,
        search: Option<String>,
        archived: bool,
        sort: ExamSort,
        page: PageRequest,
    ) -> Result<Paged<ExamListItem>, AppError> {
        policy::use_staff_area(&s.actor())?;
        let f = ExamFilter {
            member: (s.user.role != Role::Admin).then_some(s.user.id),
            archived,
            search,
            sort,
        };
        let mut c = self.db.read().await?;
        Ok(exams::list(c.conn(), s.user.id, &f, page).await?)
    }

    /// One exam (its members and correctors; admins).
    pub async fn get_exam(&self, s: &AuthSession, id: ExamId) -> Result<ExamView, AppError> {
        let (exam, role) = self.exam_access(s, id).await?;
        let can_manage = policy::manage_exam(&s.actor(), role).is_ok();
        let (members, student_count, progress) = if can_manage {
            let mut c = self.db.read().await?;
            (
                exams::members(c.conn(), id).await?,
                exams::student_count(c.conn(), id).await?,
                Some(exams::progress(c.conn(), id).await?.into()),
            )
        } else {
            (vec![], 0, None)
        };
        let released_at = {
            let mut c = self.db.read().await?;
            korrigo_store::results::released_at(c.conn(), id.0).await?
        };
        Ok(ExamView {
            scheme_total: exam.scheme.total(),
            exam: (&exam).into(),
            my_role: role,
            can_manage,
            members: members.iter().map(Into::into).collect(),
            student_count,
            progress,
            released_at,
        })
    }

    /// Edits an exam's details (managers).
    pub async fn update_exam(
        &self,
        s: &AuthSession,
        id: ExamId,
        input: &ExamInput,
        client: &ClientInfo,
    ) -> Result<ExamView, AppError> {
        self.require_manager(s, id).await?;
        let fields = input.validate()?;
        let mut tx = self.db.begin().await?;
        exams::update(tx.conn(), id, &fields, now_ms()).await?;
        self.audit_exam(tx.conn(), s, AuditAction::ExamUpdated, id, client, None)
            .await?;
        tx.commit().await?;
        self.get_exam(s, id).await
    }

    /// Archives or restores an exam (managers).
    pub async fn set_exam_archived(
        &self,
        s: &AuthSession,
        id: ExamId,
        archived: bool,
        client: &ClientInfo,
    ) -> Result<ExamView, AppError> {
        self.require_manager(s, id).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        exams::set_archived(tx.conn(), id, archived.then_some(now), now).await?;
        let action = if archived {
            AuditAction::ExamArchived
        } else {
            AuditAction::ExamRestored
        };
        self.audit_exam(tx.conn(), s, action, id, client, None)
            .await?;
        tx.commit().await?;
        self.get_exam(s, id).await
    }

    /// Adds a member or changes their role (managers). Members are teachers or admins; an exam
    /// always keeps at least one manager.
    pub async fn set_exam_member(
        &self,
        s: &AuthSession,
        id: ExamId,
        input: &MemberInput,
        client: &ClientInfo,
    ) -> Result<ExamView, AppError> {
        self.require_manager(s, id).await?;
        let role = ExamRole::parse(&input.role).map_err(|m| AppError::invalid("role", m))?;
        let mut tx = self.db.begin().await?;
        let user = users::find_by_login(tx.conn(), &input.username)
            .await?
            .filter(|u| u.is_active)
            .ok_or_else(|| {
                AppError::invalid(
                    "username",
                    format!("no active account `{}`", input.username.trim()),
                )
            })?;
        if !user.role.is_staff() {
            return Err(AppError::invalid(
                "username",
                "only teachers and admins can be members of an exam",
            ));
        }
        exams::set_member(tx.conn(), id, user.id, role, now_ms()).await?;
        if exams::manager_count(tx.conn(), id).await? == 0 {
            return Err(AppError::Conflict {
                field: "role",
                message: "an exam needs at least one manager".into(),
            });
        }
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::MemberSet,
            id,
            client,
            Some(serde_json::json!({ "user": user.id.0, "role": role.as_str() })),
        )
        .await?;
        tx.commit().await?;
        self.get_exam(s, id).await
    }

    /// Removes a member (managers); the last manager cannot be removed.
    pub async fn remove_exam_member(
        &self,
        s: &AuthSession,
        id: ExamId,
        user: UserId,
        client: &ClientInfo,
    ) -> Result<ExamView, AppError> {
        self.require_manager(s, id).await?;
        let mut tx = self.db.begin().await?;
        if !exams::remove_member(tx.conn(), id, user).await? {
            return Err(AppError::NotFound("member"));
        }
        if exams::manager_count(tx.conn(), id).await? == 0 {
            return Err(AppError::Conflict {
                field: "user",
                message: "an exam needs at least one manager".into(),
            });
        }
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::MemberRemoved,
            id,
            client,
            Some(serde_json::json!({ "user": user.0 })),
        )
        .await?;
        tx.commit().await?;
        self.get_exam(s, id).await
    }

    /// Saves the marking scheme (managers). New nodes get ids; existing ids are kept. A total
    /// that differs from the grade scale needs `confirm_total_mismatch`; a save based on an
    /// older version than the stored one is refused.
    pub async fn save_scheme(
        &self,
        s: &AuthSession,
        id: ExamId,
        input: SchemeInput,
        client: &ClientInfo,
    ) -> Result<SchemeSaved, AppError> {
        let exam = self.require_manager(s, id).await?;
        let scheme = input
            .scheme
            .normalize(new_node_id)
            .map_err(|p| AppError::invalid("scheme", p.to_string()))?;
        let total = scheme.total();
        let scale = Points(exam.grade_scale * 4);
        if total != scale && !input.confirm_total_mismatch {
            return Err(AppError::ConfirmationRequired {
                message: format!(
                    "the scheme totals {total} points but the exam is graded out of {}: confirm to save it (grades will be scaled)",
                    exam.grade_scale
                ),
                details: serde_json::json!({ "total": total, "grade_scale": exam.grade_scale }),
            });
        }
        // Grading may have started: a maximum lowered under a score already given is listed
        // before anything is saved; the scores stay as they are (flagged on their copies).
        if !input.confirm_scores_over {
            let mut c = self.db.read().await?;
            let scores = korrigo_store::grading::scores_of_exam(c.conn(), id.0).await?;
            drop(c);
            let leaves = scheme.leaves();
            let over: Vec<serde_json::Value> = scores
                .iter()
                .filter_map(|r| {
                    let (_, label, max) = leaves.iter().find(|(q, _, _)| *q == r.question_id)?;
                    (r.points > i64::from(max.0)).then(|| {
                        serde_json::json!({
                            "copy": r.copy_id, "code": r.code, "question": r.question_id,
                            "label": label, "points": Points(u32::try_from(r.points).unwrap_or(0)),
                            "max": max,
                        })
                    })
                })
                .collect();
            if !over.is_empty() {
                return Err(AppError::ConfirmationRequired {
                    message: format!(
                        "{} score(s) already given exceed their question's new maximum: confirm to save (they are kept and flagged on their copies)",
                        over.len()
                    ),
                    details: serde_json::json!({ "scores_over": over }),
                });
            }
        }
        let mut tx = self.db.begin().await?;
        let version = exams::save_scheme(tx.conn(), id, &scheme, input.version, now_ms())
            .await?
            .ok_or_else(|| AppError::Conflict {
                field: "version",
                message: "someone else saved this scheme meanwhile: reload it to see their changes"
                    .into(),
            })?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::SchemeSaved,
            id,
            client,
            Some(serde_json::json!({ "version": version, "total": total })),
        )
        .await?;
        tx.commit().await?;
        Ok(SchemeSaved {
            scheme,
            version,
            total,
        })
    }
}
