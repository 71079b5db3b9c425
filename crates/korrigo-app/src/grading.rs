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

    /// Shares an exam's copies among correctors (managers): previewed, or applied and
    /// journaled with its run id on every copy it moves.
    pub async fn dispatch(
        &self,
        s: &AuthSession,
        exam: ExamId,
        input: &DispatchInput,
        client: &ClientInfo,
    ) -> Result<DispatchView, AppError> {
        self.require_manager(s, exam).await?;
        match input.mode.as_deref().unwrap_or("copies") {
            "copies" => {}
            "questions" => {
                return Err(AppError::invalid(
                    "mode",
                    "the dispatch by questions is not available yet: dispatch by copies",
                ));
            }
            other => {
                return Err(AppError::invalid(
                    "mode",
                    format!("unknown mode `{other}`: expected copies or questions"),
                ));
            }
        }
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        let by_name: HashMap<&str, &exams::Member> =
            members.iter().map(|m| (m.username.as_str(), m)).collect();
        let by_id: HashMap<i64, &str> = members
            .iter()
            .map(|m| (m.user_id, m.username.as_str()))
            .collect();
        let mut shares = Vec::new();
        for name in &input.correctors {
            let m = by_name.get(name.trim()).ok_or_else(|| {
                AppError::invalid(
                    "correctors",
                    format!("`{name}` is not a member of this exam: add them first"),
                )
            })?;
            shares.push(Share {
                corrector: UserId(m.user_id),
                weight: input.weights.get(name.trim()).copied().unwrap_or(1.0),
            });
        }
        let state = store::dispatch_state(c.conn(), exam.0).await?;
        drop(c);
        let copies: Vec<DispatchCopy> = state
            .iter()
            .map(|r| DispatchCopy {
                id: r.id,
                corrector: r.corrector_id.map(UserId),
                started: r.scored || r.status != CopyStatus::Ready.as_str(),
            })
            .collect();
        let run = crate::tokens::random_hex(6);
        let seed = u64::from_str_radix(&run, 16).unwrap_or(1);
        let result = dispatch_by_copies(&copies, &shares, seed)
            .map_err(|e| AppError::invalid("correctors", e.to_string()))?;
        let name_of = |u: UserId| by_id.get(&u.0).copied().unwrap_or("?").to_string();
        let mut assignments = Vec::with_capacity(state.len());
        let mut moves = Vec::new();
        for r in &state {
            let to = result[&r.id];
            let changed = r.corrector_id != Some(to.0);
            if changed {
                moves.push((r.id, to.0));
            }
            assignments.push(Assignment {
                copy: r.id,
                code: r.code.clone(),
                corrector: name_of(to),
                changed,
            });
        }
        let mut distribution: Vec<Distribution> = shares
            .iter()
            .map(|sh| Distribution {
                corrector: name_of(sh.corrector),
                assigned: 0,
                started: 0,
                graded: 0,
            })
            .collect();
        for (r, cp) in state.iter().zip(&copies) {
            let who = name_of(result[&r.id]);
            if let Some(d) = distribution.iter_mut().find(|d| d.corrector == who) {
                d.assigned += 1;
                d.started += usize::from(cp.started);
                d.graded += usize::from(r.status == CopyStatus::Graded.as_str());
            }
        }
        if !input.preview {
            let now = now_ms();
            let mut tx = self.db.begin().await?;
            store::assign(tx.conn(), &moves, now).await?;
            let lines: Vec<(i64, &str, serde_json::Value)> = moves
                .iter()
                .map(|(copy, user)| {
                    (
                        *copy,
                        "dispatched",
                        serde_json::json!({ "run": run, "corrector": by_id.get(user) }),
                    )
                })
                .collect();
            store::journal(
                tx.conn(),
                &lines,
                Some((s.user.id.0, &s.user.username)),
                now,
            )
            .await?;
            self.audit_exam(
                tx.conn(),
                s,
                AuditAction::CopiesDispatched,
                exam,
                client,
                Some(serde_json::json!({ "run": run, "moved": moves.len(), "correctors": input.correctors })),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(DispatchView {
            run,
            applied: !input.preview,
            assignments,
            distribution,
        })
    }

    /// Gives one copy to another corrector of the exam (managers). A copy being graded keeps
    /// its scores and marks; a graded copy must be reopened first.
    pub async fn reassign_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
        corrector: &str,
    ) -> Result<Assignment, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if !a.manager {
            return Err(AppError::Forbidden);
        }
        let exam = ExamId(a.copy.exam_id);
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        drop(c);
        let to = member_named(&members, corrector)?;
        let from = a
            .copy
            .corrector_id
            .and_then(|id| members.iter().find(|m| m.user_id == id))
            .map(|m| m.username.clone());
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::reassign(tx.conn(), copy_id, to.user_id, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy is graded: reopen it before giving it to someone else".into(),
            });
        }
        store::journal(
            tx.conn(),
            &[(
                copy_id,
                "reassigned",
                serde_json::json!({ "from": from, "corrector": to.username }),
            )],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Assignment {
            copy: copy_id,
            code: a.copy.code,
            corrector: to.username.clone(),
            changed: a.copy.corrector_id != Some(to.user_id),
        })
    }

    /// Takes back a corrector's untouched copies (managers): they return to the pool for the
    /// next dispatch. A copy they have started stays theirs.
    pub async fn release_copies(
        &self,
        s: &AuthSession,
        exam: ExamId,
        corrector: &str,
    ) -> Result<usize, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        drop(c);
        let who = member_named(&members, corrector)?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let released = store::release_untouched(tx.conn(), exam.0, who.user_id, now).await?;
        let lines: Vec<(i64, &str, serde_json::Value)> = released
            .iter()
            .map(|id| (*id, "released", serde_json::json!({ "from": who.username })))
            .collect();
        store::journal(
            tx.conn(),
            &lines,
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(released.len())
    }

    /// An exam's grading progress (managers): per corrector and per copy status.
    pub async fn grading_status(
        &self,
        s: &AuthSession,
        exam: ExamId,
    ) -> Result<GradingStatus, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        let state = store::dispatch_state(c.conn(), exam.0).await?;
        let name = |id: i64| {
            members
                .iter()
                .find(|m| m.user_id == id)
                .map_or_else(|| format!("#{id}"), |m| m.username.clone())
        };
        let mut by: BTreeMap<String, Distribution> = BTreeMap::new();
        let mut statuses = BTreeMap::new();
        let mut unassigned = 0;
        for r in &state {
            *statuses.entry(r.status.clone()).or_insert(0) += 1;
            let Some(u) = r.corrector_id else {
                unassigned += 1;
                continue;
            };
            let who = name(u);
            let d = by.entry(who.clone()).or_insert(Distribution {
                corrector: who,
                assigned: 0,
                started: 0,
                graded: 0,
            });
            d.assigned += 1;
            d.started += usize::from(r.scored || r.status != CopyStatus::Ready.as_str());
            d.graded += usize::from(r.status == CopyStatus::Graded.as_str());
        }
        Ok(GradingStatus {
            correctors: by.into_values().collect(),
            statuses,
            unassigned,
            total: state.len(),
        })
    }

    /// The copies given to the caller (of one exam, or of all), by anonymous code.
    pub async fn my_grading_copies(
        &self,
        s: &AuthSession,
        exam: Option<ExamId>,
    ) -> Result<Vec<GradingCopyItem>, AppError> {
        policy::use_staff_area(&s.actor())?;
        let mut c = self.db.read().await?;
        let rows = store::assigned_to(c.conn(), s.user.id.0, exam.map(|e| e.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| GradingCopyItem {
                my_status: match CopyStatus::parse(&r.status) {
                    Some(CopyStatus::Ready) => "to_grade",
                    Some(CopyStatus::Grading) => "in_progress",
                    _ => "graded",
                },
                id: r.id,
                code: r.code,
                exam: r.exam_id,
                status: r.status,
            })
            .collect())
    }

    /// A copy on the corrector desk: pages, scheme, scores, appreciation, total.
    pub async fn copy_grading(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<GradingView, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let mut c = self.db.read().await?;
        let pages = scans_store::pages_of_copies(c.conn(), &[copy_id]).await?;
        let scores = store::scores_of(c.conn(), copy_id).await?;
        let appreciation = store::appreciation_of(c.conn(), copy_id).await?;
        let annotations = store::annotations_of(c.conn(), copy_id).await?;
        let first_opening = a.copy.corrector_id == Some(s.user.id.0)
            && !store::journal_has(c.conn(), copy_id, "opened", s.user.id.0).await?;
        drop(c);
        if first_opening {
            // The journal says when its corrector first opened the copy.
            let mut tx = self.db.begin().await?;
            store::journal(
                tx.conn(),
                &[(copy_id, "opened", serde_json::json!({}))],
                Some((s.user.id.0, &s.user.username)),
                now_ms(),
            )
            .await?;
            tx.commit().await?;
        }
        let total: i64 = scores.iter().map(|r| r.points).sum();
        Ok(GradingView {
            copy: GradingCopy {
                id: a.copy.id,
                exam: a.copy.exam_id,
                code: a.copy.code.clone(),
                status: a.copy.status.clone(),
                pages: pages
                    .iter()
                    .map(|p| GradingPage {
                        id: p.id,
                        position: p.position,
                        image_url: format!("/api/pages/{}/image/", p.id),
                        width: p.width,
                        height: p.height,
                        rotation: p.rotation,
                    })
                    .collect(),
            },
            my_questions: a.exam.scheme.leaves().into_iter().map(|l| l.0).collect(),
            scheme: a.exam.scheme,
            scores: scores.into_iter().map(as_view).collect(),
            annotations: annotations.into_iter().map(annotation_view).collect(),
            appreciation: appreciation.map_or(
                AppreciationView {
                    text: String::new(),
                    version: 0,
                },
                |r| AppreciationView {
                    text: r.text,
                    version: r.version,
                },
            ),
            total: Points(u32::try_from(total).unwrap_or(0)).as_f64(),
        })
    }

    /// Starts the copy's grading on its first write (READY → GRADING); refuses a write on a
    /// copy that is not editable (graded, or its PDF under way).
    async fn start_writing(
        &self,
        c: korrigo_store::Conn<'_>,
        copy: &scans_store::Copy,
        now: i64,
    ) -> Result<(), AppError> {
        let status = CopyStatus::parse(&copy.status)
            .ok_or_else(|| AppError::Internal(format!("copy status `{}`", copy.status)))?;
        if !status.is_editable() {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy is graded: a manager must reopen it before it changes".into(),
            });
        }
        if status == CopyStatus::Ready {
            let next = status
                .apply(CopyEvent::StartGrading)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            // Another write may have started it first: that is fine.
            store::move_copy(c, copy.id, status, next, now).await?;
        }
        Ok(())
    }

    /// Saves one question's score (and remark) on the version it was based on. The question
    /// must be a leaf of the scheme and the points within its maximum, in quarter points.
    pub async fn save_score(
        &self,
        s: &AuthSession,
        copy_id: i64,
        question: &str,
        points: f64,
        remark: &str,
        version: i64,
    ) -> Result<ScoreView, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let leaves = a.exam.scheme.leaves();
        let Some((_, label, max)) = leaves.iter().find(|l| l.0 == question) else {
            return Err(AppError::invalid(
                "question",
                format!("`{question}` is not a question of this exam's scheme that takes a score"),
            ));
        };
        let p = Points::from_f64(points).map_err(|m| AppError::invalid("points", m))?;
        if p > *max {
            return Err(AppError::invalid(
                "points",
                format!(
                    "{} points is more than the {} of `{label}`",
                    p.as_f64(),
                    max.as_f64()
                ),
            ));
        }
        if remark.chars().count() > 2000 {
            return Err(AppError::invalid(
                "remark",
                "a remark has at most 2,000 characters",
            ));
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a.copy, now).await?;
        let saved = store::save_score(
            tx.conn(),
            &store::ScoreWrite {
                copy_id,
                question_id: question,
                points: i64::from(p.0),
                remark,
                expected: version,
                by: s.user.id.0,
            },
            now,
        )
        .await?;
        let Some(saved) = saved else {
            drop(tx);
            let mut c = self.db.read().await?;
            let current = store::scores_of(c.conn(), copy_id)
                .await?
                .into_iter()
                .find(|r| r.question_id == question)
                .map(as_view);
            return Err(AppError::ConflictWith {
                message: "this score was saved meanwhile (another tab or corrector): reload it"
                    .into(),
                details: serde_json::json!({ "field": "version", "current": current }),
            });
        };
        store::journal(
            tx.conn(),
            &[(
                copy_id,
                "score_saved",
                serde_json::json!({ "question": question, "points": p.as_f64(), "version": saved.version }),
            )],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(as_view(saved))
    }

    /// Puts a mark on a page of the copy (checked by the domain: kind, geometry within the
    /// page, sizes; the page must belong to the copy).
    pub async fn add_annotation(
        &self,
        s: &AuthSession,
        copy_id: i64,
        page_id: i64,
        kind: &str,
        data: &serde_json::Value,
    ) -> Result<AnnotationView, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let data = korrigo_domain::grading::check_annotation(kind, data)
            .map_err(|e| AppError::invalid("data", e.to_string()))?;
        let mut c = self.db.read().await?;
        let pages = scans_store::pages_of_copies(c.conn(), &[copy_id]).await?;
        drop(c);
        if !pages.iter().any(|p| p.id == page_id) {
            return Err(AppError::invalid(
                "page",
                "this page is not one of the copy's pages",
            ));
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a.copy, now).await?;
        let row = store::add_annotation(
            tx.conn(),
            copy_id,
            page_id,
            kind,
            &data.to_string(),
            s.user.id.0,
            now,
        )
        .await?;
        store::journal(
            tx.conn(),
            &[(
                copy_id,
                "annotation_added",
                serde_json::json!({ "annotation": row.id, "kind": kind, "page": page_id }),
            )],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(annotation_view(row))
    }

    /// The mark and its copy, for a change (its copy's corrector or managers only).
    async fn annotation_access(
        &self,
        s: &AuthSession,
        id: i64,
    ) -> Result<(store::AnnotationRow, Access), AppError> {
        let row = {
            let mut c = self.db.read().await?;
            store::find_annotation(c.conn(), id)
                .await?
                .ok_or(AppError::NotFound("annotation"))?
        };
        let a = self.grading_access(s, row.copy_id).await?;
        Ok((row, a))
    }

    /// Changes a mark's geometry or text on the version it was based on.
    pub async fn update_annotation(
        &self,
        s: &AuthSession,
        id: i64,
        data: &serde_json::Value,
        version: i64,
    ) -> Result<AnnotationView, AppError> {
        let (row, a) = self.annotation_access(s, id).await?;
        let data = korrigo_domain::grading::check_annotation(&row.kind, data)
            .map_err(|e| AppError::invalid("data", e.to_string()))?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a.copy, now).await?;
        let Some(saved) =
            store::update_annotation(tx.conn(), id, &data.to_string(), version, now).await?
        else {
            return Err(AppError::ConflictWith {
                message: "this mark was changed meanwhile (another tab): reload it".into(),
                details: serde_json::json!({ "field": "version", "current": annotation_view(row) }),
            });
        };
        tx.commit().await?;
        Ok(annotation_view(saved))
    }

    /// Deletes a mark (kept aside) on the version it was based on.
    pub async fn delete_annotation(
        &self,
        s: &AuthSession,
        id: i64,
        version: i64,
    ) -> Result<(), AppError> {
        let (row, a) = self.annotation_access(s, id).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a.copy, now).await?;
        if !store::delete_annotation(tx.conn(), id, version, now).await? {
            return Err(AppError::ConflictWith {
                message: "this mark was changed meanwhile (another tab): reload it".into(),
                details: serde_json::json!({ "field": "version", "current": annotation_view(row) }),
            });
        }
        store::journal(
            tx.conn(),
            &[(
                row.copy_id,
                "annotation_deleted",
                serde_json::json!({ "annotation": id }),
            )],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves the appreciation on the version it was based on.
    pub async fn save_appreciation(
        &self,
        s: &AuthSession,
        copy_id: i64,
        text: &str,
        version: i64,
    ) -> Result<AppreciationView, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if text.chars().count() > 2000 {
            return Err(AppError::invalid(
                "text",
                "an appreciation has at most 2,000 characters",
            ));
        }
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a.copy, now).await?;
        let Some(saved) =
            store::save_appreciation(tx.conn(), copy_id, text, version, s.user.id.0, now).await?
        else {
            drop(tx);
            // The current text comes with the refusal, so the desk can show both.
            let mut c = self.db.read().await?;
            let current = store::appreciation_of(c.conn(), copy_id).await?;
            return Err(AppError::ConflictWith {
                message:
                    "the appreciation was saved meanwhile (another tab or corrector): reload it"
                        .into(),
                details: serde_json::json!({
                    "field": "version",
                    "current": current.map(|r| AppreciationView { text: r.text, version: r.version }),
                }),
            });
        };
        tx.commit().await?;
        Ok(AppreciationView {
            text: saved.text,
            version: saved.version,
        })
    }

    /// Finalizes a copy: every question scored within its bounds, an appreciation written;
    /// then GRADED (two finalize requests at once: one succeeds, the other is told).
    pub async fn finalize_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<GradingCopyItem, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        let status = CopyStatus::parse(&a.copy.status)
            .ok_or_else(|| AppError::Internal(format!("copy status `{}`", a.copy.status)))?;
        let mut c = self.db.read().await?;
        let scores = store::scores_of(c.conn(), copy_id).await?;
        let appreciation = store::appreciation_of(c.conn(), copy_id).await?;
        drop(c);
        let missing: Vec<serde_json::Value> = a
            .exam
            .scheme
            .leaves()
            .into_iter()
            .filter(|(id, _, _)| !scores.iter().any(|r| &r.question_id == id))
            .map(|(id, label, _)| serde_json::json!({ "question": id, "label": label }))
            .collect();
        // A score above a maximum lowered since it was given must be corrected first.
        let over: Vec<serde_json::Value> = a
            .exam
            .scheme
            .leaves()
            .into_iter()
            .filter_map(|(id, label, max)| {
                let r = scores.iter().find(|r| r.question_id == id)?;
                (r.points > i64::from(max.0))
                    .then(|| serde_json::json!({ "question": id, "label": label, "max": max }))
            })
            .collect();
        let no_appreciation = appreciation.is_none_or(|a| a.text.trim().is_empty());
        if !missing.is_empty() || no_appreciation || !over.is_empty() {
            return Err(AppError::Incomplete {
                message: format!(
                    "{} question(s) without a score{}{}",
                    missing.len(),
                    if no_appreciation {
                        ", and no appreciation"
                    } else {
                        ""
                    },
                    if over.is_empty() {
                        String::new()
                    } else {
                        format!(", {} score(s) above their maximum", over.len())
                    }
                ),
                details: serde_json::json!({ "missing": missing, "appreciation": !no_appreciation, "over": over }),
            });
        }
        let next = status
            .apply(CopyEvent::Finalize)
            .map_err(|_| AppError::Conflict {
                field: "status",
                message: "this copy is not being graded (already graded, or not started)".into(),
            })?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::move_copy(tx.conn(), copy_id, status, next, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy was finalized meanwhile".into(),
            });
        }
        store::journal(
            tx.conn(),
            &[(copy_id, "finalized", serde_json::json!({}))],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(GradingCopyItem {
            id: a.copy.id,
            code: a.copy.code,
            exam: a.copy.exam_id,
            status: next.as_str().into(),
            my_status: "graded",
        })
    }

    /// Reopens a graded copy (managers), with a reason; every score and annotation stays.
    pub async fn reopen_copy(
        &self,
        s: &AuthSession,
        copy_id: i64,
        reason: &str,
        client: &ClientInfo,
    ) -> Result<GradingCopyItem, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if !a.manager {
            return Err(AppError::Forbidden);
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "say why the copy is reopened"));
        }
        let status = CopyStatus::parse(&a.copy.status)
            .ok_or_else(|| AppError::Internal(format!("copy status `{}`", a.copy.status)))?;
        let next = status
            .apply(CopyEvent::Reopen)
            .map_err(|_| AppError::Conflict {
                field: "status",
                message: "only a graded copy can be reopened".into(),
            })?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::move_copy(tx.conn(), copy_id, status, next, now).await? {
            return Err(AppError::Conflict {
                field: "status",
                message: "this copy changed meanwhile: reload it".into(),
            });
        }
        store::journal(
            tx.conn(),
            &[(copy_id, "reopened", serde_json::json!({ "reason": reason }))],
            Some((s.user.id.0, &s.user.username)),
            now,
        )
        .await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::CopyReopened,
            ExamId(a.copy.exam_id),
            client,
            Some(serde_json::json!({ "copy": copy_id, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(GradingCopyItem {
            id: a.copy.id,
            code: a.copy.code,
            exam: a.copy.exam_id,
            status: next.as_str().into(),
            my_status: "in_progress",
        })
    }

    /// A copy's journal (managers).
    pub async fn copy_journal(
        &self,
        s: &AuthSession,
        copy_id: i64,
    ) -> Result<Vec<JournalLine>, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        if !a.manager {
            return Err(AppError::Forbidden);
        }
        let mut c = self.db.read().await?;
        Ok(store::journal_of(c.conn(), copy_id)
            .await?
            .into_iter()
            .map(|r| JournalLine {
                at: r.at,
                actor: r.actor_username,
                action: r.action,
                details: serde_json::from_str(&r.details).unwrap_or_default(),
            })
            .collect())
    }
}
