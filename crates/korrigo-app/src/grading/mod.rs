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

mod desk;
mod dispatch;
mod finalize;

/// `POST /api/exams/{id}/dispatch/`.
#[derive(Debug, Default, Deserialize)]
pub struct DispatchInput {
    /// `copies` (the only mode built so far).
    #[serde(default)]
    pub mode: Option<String>,
    /// The correctors' usernames (members of the exam).
    pub correctors: Vec<String>,
    /// A share per username (1 by default; 0.5 for half a share).
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
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
    /// Whether the dispatch moves it (false: it stays where it was).
    pub changed: bool,
}

/// One corrector's counts.
#[derive(Debug, Serialize)]
pub struct Distribution {
    /// The corrector's username.
    pub corrector: String,
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
    /// Per corrector (everyone who has copies).
    pub correctors: Vec<Distribution>,
    /// Copies per status (`READY`, `GRADING`, `GRADED`, ...).
    pub statuses: BTreeMap<String, usize>,
    /// Copies nobody has yet.
    pub unassigned: usize,
    /// All the exam's copies.
    pub total: usize,
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
    pub status: String,
    /// `to_grade`, `in_progress` or `graded`.
    pub my_status: &'static str,
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
    pub status: String,
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
}

fn annotation_view(r: store::AnnotationRow) -> AnnotationView {
    AnnotationView {
        id: r.id,
        page: r.page_id,
        kind: r.kind,
        data: serde_json::from_str(&r.data).unwrap_or_default(),
        version: r.version,
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
    exam: exams::Exam,
    manager: bool,
}

impl App {
    /// Loads a copy for grading: its corrector, the exam's managers and admins only (a
    /// corrector of another copy gets 403, like a stranger).
    async fn grading_access(&self, s: &AuthSession, copy_id: i64) -> Result<Access, AppError> {
        let mut c = self.db.read().await?;
        let copy = scans_store::find_copy(c.conn(), copy_id)
            .await?
            .ok_or(AppError::NotFound("copy"))?;
        let exam_id = ExamId(copy.exam_id);
        let exam = exams::find(c.conn(), exam_id)
            .await?
            .ok_or(AppError::NotFound("exam"))?;
        let role = exams::membership(c.conn(), exam_id, s.user.id).await?;
        policy::grade_in_exam(&s.actor(), role)?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        if !manager && copy.corrector_id != Some(s.user.id.0) {
            return Err(AppError::Forbidden);
        }
        Ok(Access {
            copy,
            exam,
            manager,
        })
    }
}
