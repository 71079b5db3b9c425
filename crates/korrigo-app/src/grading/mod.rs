//! Grading: the dispatch of copies among correctors, a corrector's copies, scores with versions,
//! the appreciation, finalizing and reopening, and each copy's journal.
//!
//! Grading is anonymous: nothing here returns a student's name, and the journal names staff
//! only. Only the copy's corrector (or a manager of the exam, or an admin) reads or writes its
//! grading data.

use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::{CopyEvent, CopyStatus};
use korrigo_domain::grading::{DispatchCopy, Share, dispatch_by_copies};
use korrigo_domain::scheme::{Points, Scheme};
use korrigo_domain::{ExamId, UserId, policy};
use korrigo_store::grading as store;
use korrigo_store::{exams, now_ms, scans as scans_store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

mod by_questions;
mod comments;
mod desk;
mod dispatch;
mod finalize;

pub use by_questions::QuestionAssignment;
pub use comments::{CommentBank, CommentInput, CommentView};

/// `POST /api/exams/{id}/dispatch/`.
#[derive(Debug, Default, Deserialize)]
pub struct DispatchInput {
    /// `copies` (the default) or `questions`.
    #[serde(default)]
    pub mode: Option<String>,
    /// The correctors' usernames (members of the exam).
    pub correctors: Vec<String>,
    /// A share per username (1 by default; 0.5 for half a share).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// With `mode: questions`: the scheme nodes each corrector grades on every copy, by
    /// username (an exercise stands for all its questions).
    #[serde(default)]
    pub questions: BTreeMap<String, Vec<String>>,
    /// Only show what would happen.
    #[serde(default)]
    pub preview: bool,
}

/// One copy's corrector after a dispatch.
#[derive(Debug, Serialize)]
pub struct Assignment {
    /// The copy.
    pub copy: i64,
    /// Its anonymous code.
    pub code: String,
    /// The corrector's username.
    pub corrector: String,
    /// The questions they grade on it (every question, by copies).
    pub questions: Vec<String>,
    /// Whether the dispatch changes it (false: it stays as it was).
    pub changed: bool,
}

/// One corrector's counts.
#[derive(Debug, Serialize)]
pub struct Distribution {
    /// The corrector's username.
    pub corrector: String,
    /// The questions they grade (every question, by copies).
    pub questions: Vec<String>,
    /// Copies given to them.
    pub assigned: usize,
    /// Of which started.
    pub started: usize,
    /// Of which graded.
    pub graded: usize,
}

/// A dispatch, previewed or applied.
#[derive(Debug, Serialize)]
pub struct DispatchView {
    /// `copies` or `questions`.
    pub mode: &'static str,
    /// The run's id (journaled with each copy it moves).
    pub run: String,
    /// Whether it was applied.
    pub applied: bool,
    /// Every copy and its corrector.
    pub assignments: Vec<Assignment>,
    /// Per corrector.
    pub distribution: Vec<Distribution>,
}

/// An exam's grading progress: per corrector and per copy status.
#[derive(Debug, Serialize)]
pub struct GradingStatus {
    /// `copies` or `questions`.
    pub mode: &'static str,
    /// Per corrector (everyone who has copies).
    pub correctors: Vec<Distribution>,
    /// Copies per status (`READY`, `GRADING`, `GRADED`, ...).
    pub statuses: BTreeMap<String, usize>,
    /// Copies nobody has yet (by copies).
    pub unassigned: usize,
    /// Questions nobody grades yet (by questions).
    pub unassigned_questions: Vec<String>,
    /// All the exam's copies.
    pub total: usize,
}

/// What a release took back from a corrector.
#[derive(Debug, Serialize)]
pub struct Released {
    /// Copies returned to the pool (by copies).
    pub released: usize,
    /// Questions returned to the pool (by questions).
    pub questions: Vec<String>,
}

/// A copy of a corrector's list: anonymous code only.
#[derive(Debug, Serialize)]
pub struct GradingCopyItem {
    /// The copy.
    pub id: i64,
    /// Its anonymous code.
    pub code: String,
    /// Its exam.
    pub exam: i64,
    /// `READY`, `GRADING`, `GRADED`, ...
    pub status: CopyStatus,
    /// `to_grade`, `in_progress` or `graded` (my part of it).
    pub my_status: &'static str,
    /// The questions I grade on it (every question, with a dispatch by copies).
    pub questions: Vec<String>,
}

/// A page as the corrector desk shows it.
#[derive(Debug, Serialize)]
pub struct GradingPage {
    /// The page.
    pub id: i64,
    /// 1-based position in the copy.
    pub position: i64,
    /// The viewer image (after a permission check).
    pub image_url: String,
    /// Pixels.
    pub width: i64,
    /// Pixels.
    pub height: i64,
    /// Clockwise degrees to show it upright.
    pub rotation: i64,
}

/// The copy on the corrector desk.
#[derive(Debug, Serialize)]
pub struct GradingCopy {
    /// The copy.
    pub id: i64,
    /// Its exam.
    pub exam: i64,
    /// Its anonymous code.
    pub code: String,
    /// Its status.
    pub status: CopyStatus,
    /// Its pages in order.
    pub pages: Vec<GradingPage>,
}

/// A score as the API returns it.
#[derive(Debug, Serialize)]
pub struct ScoreView {
    /// The question's stable id.
    pub question: String,
    /// Points (quarter points, as a decimal).
    pub points: f64,
    /// The remark.
    pub remark: String,
    /// The version the next write must name.
    pub version: i64,
}

/// A question whose score was cleared, and the version its next save must name.
#[derive(Debug, Serialize)]
pub struct ClearedScore {
    /// The question's stable id.
    pub question: String,
    /// Always `null`: the question has no score.
    pub points: Option<f64>,
    /// The version the next write must name.
    pub version: i64,
}

/// The appreciation and its version (0: none yet).
#[derive(Debug, Serialize)]
pub struct AppreciationView {
    /// The text.
    pub text: String,
    /// The version the next write must name.
    pub version: i64,
}

/// A mark on a page, as the API returns it.
#[derive(Debug, Serialize)]
pub struct AnnotationView {
    /// The mark.
    pub id: i64,
    /// Its page.
    pub page: i64,
    /// `pen`, `highlight`, `text`, `tick`, `cross`, `rect`, `ellipse`, `arrow`, `stamp`.
    pub kind: String,
    /// Geometry normalized to the page (0..1), colour, text.
    pub data: serde_json::Value,
    /// The version a next write must name.
    pub version: i64,
    /// Whether the caller may change it (with a dispatch by questions, a corrector changes
    /// only the marks they drew).
    pub editable: bool,
}

fn annotation_view(r: store::AnnotationRow, editable: bool) -> AnnotationView {
    AnnotationView {
        id: r.id,
        page: r.page_id,
        kind: r.kind,
        data: serde_json::from_str(&r.data).unwrap_or_default(),
        version: r.version,
        editable,
    }
}

/// Everything the corrector desk needs for one copy.
#[derive(Debug, Serialize)]
pub struct GradingView {
    /// The copy and its pages.
    pub copy: GradingCopy,
    /// The exam's marking scheme.
    pub scheme: Scheme,
    /// The scores saved so far.
    pub scores: Vec<ScoreView>,
    /// The marks on its pages.
    pub annotations: Vec<AnnotationView>,
    /// The appreciation.
    pub appreciation: AppreciationView,
    /// The total of the scores.
    pub total: f64,
    /// The questions the caller grades on this copy (every leaf, with a dispatch by copies).
    pub my_questions: Vec<String>,
    /// The questions finalized on this copy (with a dispatch by questions: read-only until a
    /// manager reopens the copy).
    pub done: Vec<String>,
}

/// A line of a copy's journal.
#[derive(Debug, Serialize)]
pub struct JournalLine {
    /// When (ms).
    pub at: i64,
    /// Who (staff username).
    pub actor: Option<String>,
    /// What.
    pub action: String,
    /// Facts.
    pub details: serde_json::Value,
}

fn as_view(r: store::ScoreRow) -> ScoreView {
    ScoreView {
        question: r.question_id,
        points: Points(u32::try_from(r.points).unwrap_or(0)).as_f64(),
        remark: r.remark,
        version: r.version,
    }
}

/// The exam's member a manager named as corrector, or a clear error.
fn member_named<'m>(
    members: &'m [exams::Member],
    corrector: &str,
) -> Result<&'m exams::Member, AppError> {
    members
        .iter()
        .find(|m| m.username == corrector.trim())
        .ok_or_else(|| {
            AppError::invalid(
                "corrector",
                format!("`{corrector}` is not a member of this exam: add them first"),
            )
        })
}

/// What a copy's grading rests on: the copy, its exam, and the caller's rights on it.
struct Access {
    copy: scans_store::Copy,
    /// Its exam's marking scheme.
    scheme: Scheme,
    manager: bool,
    /// The exam is dispatched by questions.
    by_questions: bool,
    /// The leaves the caller grades on this copy (all of them for its corrector by copies and
    /// for managers; their share with a dispatch by questions).
    my_questions: Vec<String>,
    /// The questions done on the copy (dispatch by questions only; empty otherwise).
    done: Vec<String>,
}

impl Access {
    /// A question the caller may score on this copy: its label path and maximum; refused when
    /// it is not a leaf of the scheme, not the caller's, or already done.
    fn writable_question(&self, question: &str) -> Result<(String, Points), AppError> {
        let leaves = self.scheme.leaves();
        let Some((_, label, max)) = leaves.into_iter().find(|l| l.0 == question) else {
            return Err(AppError::invalid(
                "question",
                format!("`{question}` is not a question of this exam's scheme that takes a score"),
            ));
        };
        self.check_question(question, &label)?;
        Ok((label, max))
    }

    /// Refuses a write on one of the caller's questions that is not theirs or already done.
    fn check_question(&self, question: &str, label: &str) -> Result<(), AppError> {
        if !self.my_questions.iter().any(|q| q == question) {
            return Err(AppError::invalid(
                "question",
                format!("`{label}` is not one of your questions: another corrector grades it"),
            ));
        }
        if !self.manager && self.done.iter().any(|q| q == question) {
            return Err(AppError::Conflict {
                field: "status",
                message: format!(
                    "you finalized `{label}` on this copy: a manager must reopen it before it changes"
                ),
            });
        }
        Ok(())
    }

    /// Whether every question of the caller's part is done (nothing left for them to write).
    /// Whether the caller may change a mark: any mark by copies and for managers; by
    /// questions, only the marks they drew.
    fn may_change(&self, mark: &store::AnnotationRow, me: i64) -> bool {
        !self.by_questions || self.manager || mark.created_by == Some(me)
    }

    fn my_part_done(&self) -> bool {
        !self.manager
            && self.by_questions
            && !self.my_questions.is_empty()
            && self.my_questions.iter().all(|q| self.done.contains(q))
    }
}

impl App {
    /// Loads a copy for grading: its corrector (by copies), the exam's correctors of questions
    /// (by questions), its managers and admins only (anyone else gets 403, like a stranger).
    async fn grading_access(&self, s: &AuthSession, copy_id: i64) -> Result<Access, AppError> {
        let mut c = self.db.read().await?;
        let frame = scans_store::grading_frame(c.conn(), copy_id, s.user.id.0)
            .await?
            .ok_or(AppError::NotFound("copy"))?;
        let (copy, scheme, role, by_questions) =
            (frame.copy, frame.scheme, frame.role, frame.by_questions);
        policy::grade_in_exam(&s.actor(), role)?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        let shares = if by_questions {
            store::question_shares(c.conn(), copy.exam_id).await?
        } else {
            vec![]
        };
        let leaves: Vec<String> = scheme.leaves().into_iter().map(|l| l.0).collect();
        let my_questions: Vec<String> = if manager || !by_questions {
            leaves
        } else {
            leaves
                .into_iter()
                .filter(|l| {
                    shares
                        .iter()
                        .any(|sh| &sh.question_id == l && sh.corrector_id == s.user.id.0)
                })
                .collect()
        };
        let allowed = manager
            || if by_questions {
                !my_questions.is_empty() && copy.status != CopyStatus::Processing
            } else {
                copy.corrector_id == Some(s.user.id.0)
            };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        let done = if by_questions {
            store::done_of(c.conn(), copy_id).await?
        } else {
            vec![]
        };
        Ok(Access {
            copy,
            scheme,
            manager,
            by_questions,
            my_questions,
            done,
        })
    }
}

/// Writes lines of copies' journals in the caller's name (staff only: the journal never names
/// a student).
pub(crate) async fn journal(
    c: korrigo_store::Conn<'_>,
    s: &AuthSession,
    lines: &[(i64, &str, serde_json::Value)],
    now: i64,
) -> Result<(), AppError> {
    store::journal(c, lines, Some((s.user.id.0, &s.user.username)), now).await?;
    Ok(())
}
