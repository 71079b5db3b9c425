//! Harmonisation: a manager adjusts one corrector's final grades (an offset, or a linear map
//! through two anchors), after a preview of their distribution before and after. It is
//! journaled (the exam's audit and each copy's journal), shown to the corrector concerned,
//! reversible; the final grade, the exports, the final PDFs and the student portal use the
//! adjusted grade, and the managers' views show both.

use std::collections::HashMap;

use korrigo_domain::adjust::{Adjustment, final_grade, hundredths_of};
use korrigo_domain::audit::AuditAction;
use korrigo_domain::copies::CopyStatus;
use korrigo_domain::results::{grade_hundredths, rescale};
use korrigo_domain::scheme::Points;
use korrigo_domain::stats::{self, Figures};
use korrigo_domain::{ExamId, policy};
use korrigo_store::exams::Exam;
use korrigo_store::results::{self as store, AdjustmentRow};
use korrigo_store::{Conn, StoreError, exams, grading, now_ms, scans};
use serde::{Deserialize, Serialize};

use crate::accounts::AuthSession;
use crate::{App, AppError, ClientInfo};

/// Intervals of the preview's histograms (as the statistics').
const BINS: usize = 20;

/// The grades of an exam's copies: raw (the total on the exam's scale) and final (adjusted
/// when the copy's corrector has a harmonisation in force).
#[derive(Clone, Debug)]
pub(crate) struct FinalGrades {
    scheme_total: Points,
    scale: u32,
    by_corrector: HashMap<i64, Adjustment>,
}

impl FinalGrades {
    /// With the adjustments given (those in force).
    pub(crate) fn new(exam: &Exam, in_force: &[AdjustmentRow]) -> FinalGrades {
        FinalGrades {
            scheme_total: exam.scheme.total(),
            scale: exam.grade_scale,
            by_corrector: in_force
                .iter()
                .map(|a| (a.corrector_id, a.adjustment))
                .collect(),
        }
    }

    /// With the exam's adjustments in force, read now.
    pub(crate) async fn load(c: Conn<'_>, exam: &Exam) -> Result<FinalGrades, StoreError> {
        Ok(FinalGrades::new(
            exam,
            &store::adjustments_in_force(c, exam.id.0).await?,
        ))
    }

    /// Some harmonisation is in force in the exam.
    pub(crate) fn any(&self) -> bool {
        !self.by_corrector.is_empty()
    }

    /// The grade (hundredths) before any harmonisation.
    pub(crate) fn raw(&self, total: Points) -> u32 {
        grade_hundredths(total, self.scheme_total, self.scale)
    }

    /// The adjustment in force on a copy of this corrector's, if any.
    pub(crate) fn adjustment(&self, corrector: Option<i64>) -> Option<Adjustment> {
        corrector.and_then(|c| self.by_corrector.get(&c).copied())
    }

    /// The final grade (hundredths): adjusted when the copy's corrector has a harmonisation.
    pub(crate) fn grade(&self, corrector: Option<i64>, total: Points) -> u32 {
        final_grade(self.raw(total), self.scale, self.adjustment(corrector))
    }

    /// For Pronote: the adjusted grade out of 20, when there is one (else Pronote scales the
    /// total itself, exactly).
    pub(crate) fn adjusted_on_twenty(&self, corrector: Option<i64>, total: Points) -> Option<u32> {
        self.adjustment(corrector).map(|a| {
            rescale(
                final_grade(self.raw(total), self.scale, Some(a)),
                self.scale,
                20,
            )
        })
    }
}

/// An anchor of a linear map, in points on the exam's scale: `from` becomes `to`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
pub struct Anchor {
    pub from: f64,
    pub to: f64,
}

/// What a manager asks for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentInput {
    /// The corrector's username.
    pub corrector: String,
    /// `offset` or `linear`.
    pub kind: String,
    /// `offset`: the points added to every grade (negative lowers), e.g. `0.5`.
    #[serde(default)]
    pub offset: Option<f64>,
    /// `linear`: two anchors, e.g. `[{"from": 10, "to": 11}, {"from": 16, "to": 16}]`.
    #[serde(default)]
    pub anchors: Option<Vec<Anchor>>,
    /// Only show what it would do.
    #[serde(default)]
    pub preview: bool,
}

/// An adjustment as the pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct AdjustmentView {
    /// None in a preview.
    pub id: Option<i64>,
    /// The corrector's username and name.
    pub corrector: String,
    pub corrector_name: String,
    /// `offset` or `linear`.
    pub kind: &'static str,
    /// `offset`: points added (negative: removed).
    pub offset: Option<f64>,
    /// `linear`: the two anchors.
    pub anchors: Option<[Anchor; 2]>,
    /// In French: `+0,5 point`, `10 → 11 et 16 → 16`.
    pub description: String,
    /// The manager who applied it (username, name) and when (ms).
    pub created_by: Option<String>,
    pub created_by_name: Option<String>,
    pub created_at: Option<i64>,
    /// Removed (reversed): by whom (username, name) and when; None while in force.
    pub removed_by: Option<String>,
    pub removed_by_name: Option<String>,
    pub removed_at: Option<i64>,
}

/// One of the corrector's graded copies, before and after.
#[derive(Clone, Debug, Serialize)]
pub struct AdjustedCopy {
    pub id: i64,
    pub code: String,
    /// Points on the exam's scale, before any harmonisation and with this one.
    pub before: f64,
    pub after: f64,
}

/// A preview, or what was applied.
#[derive(Clone, Debug, Serialize)]
pub struct AdjustmentOutcome {
    pub preview: bool,
    pub adjustment: AdjustmentView,
    /// The adjustment in force for this corrector that this one replaces.
    pub replaces: Option<AdjustmentView>,
    pub grade_scale: u32,
    pub copies: Vec<AdjustedCopy>,
    /// The corrector's graded copies, before and after; the other correctors' (final grades),
    /// for comparison.
    pub before: Option<Figures>,
    pub after: Option<Figures>,
    pub others: Option<Figures>,
    /// Copies per interval of `grade_scale / histogram_before.len()` points.
    pub histogram_before: Vec<usize>,
    pub histogram_after: Vec<usize>,
}

/// An exam's adjustments: in force first, then the removed ones.
#[derive(Clone, Debug, Serialize)]
pub struct AdjustmentList {
    pub items: Vec<AdjustmentView>,
}

/// A harmonisation of my grades, as a corrector sees it.
#[derive(Clone, Debug, Serialize)]
pub struct MyAdjustment {
    pub exam: i64,
    pub exam_name: String,
    pub adjustment: AdjustmentView,
}

fn points(h: u32) -> f64 {
    f64::from(h) / 100.0
}

fn graded(s: CopyStatus) -> bool {
    matches!(
        s,
        CopyStatus::Graded | CopyStatus::Finalizing | CopyStatus::FinalizeFailed
    )
}

impl AdjustmentInput {
    /// The adjustment asked for, checked against the exam's scale.
    fn adjustment(&self, scale: u32) -> Result<Adjustment, AppError> {
        let hundredths =
            |field: &'static str, v: f64| hundredths_of(v).map_err(|m| AppError::invalid(field, m));
        let unsigned = |field: &'static str, v: f64| -> Result<u32, AppError> {
            u32::try_from(hundredths(field, v)?)
                .map_err(|_| AppError::invalid(field, format!("{v} is below 0: grades start at 0")))
        };
        let a = match self.kind.as_str() {
            "offset" => {
                if self.anchors.is_some() {
                    return Err(AppError::invalid(
                        "anchors",
                        "an offset takes no anchors (use `kind: linear`)",
                    ));
                }
                let v = self.offset.ok_or_else(|| {
                    AppError::invalid("offset", "give the points to add, e.g. 0.5 or -1")
                })?;
                Adjustment::Offset {
                    hundredths: hundredths("offset", v)?,
                }
            }
            "linear" => {
                if self.offset.is_some() {
                    return Err(AppError::invalid(
                        "offset",
                        "a linear map takes two anchors, not an offset (use `kind: offset`)",
                    ));
                }
                let Some([lo, hi]) = self.anchors.as_deref() else {
                    return Err(AppError::invalid(
                        "anchors",
                        "give exactly two anchors, e.g. [{\"from\": 10, \"to\": 11}, {\"from\": 16, \"to\": 16}]",
                    ));
                };
                Adjustment::Linear {
                    from_low: unsigned("anchors", lo.from)?,
                    to_low: unsigned("anchors", lo.to)?,
                    from_high: unsigned("anchors", hi.from)?,
                    to_high: unsigned("anchors", hi.to)?,
                }
            }
            other => {
                return Err(AppError::invalid(
                    "kind",
                    format!("`{other}` is not a kind of adjustment: `offset` or `linear`"),
                ));
            }
        };
        let field = if self.kind == "offset" {
            "offset"
        } else {
            "anchors"
        };
        a.check(scale).map_err(|m| AppError::invalid(field, m))?;
        Ok(a)
    }
}

/// The view of an adjustment, with names from the exam's members (a former member shows as
/// their id).
fn view(
    id: Option<i64>,
    a: &Adjustment,
    corrector: i64,
    names: &HashMap<i64, (&str, &str)>,
    row: Option<&AdjustmentRow>,
) -> AdjustmentView {
    let name = |id: i64| {
        names.get(&id).map_or_else(
            || (format!("#{id}"), format!("#{id}")),
            |(u, d)| (u.to_string(), d.to_string()),
        )
    };
    let (corrector, corrector_name) = name(corrector);
    let (kind, offset, anchors) = match *a {
        Adjustment::Offset { hundredths } => ("offset", Some(f64::from(hundredths) / 100.0), None),
        Adjustment::Linear {
            from_low,
            to_low,
            from_high,
            to_high,
        } => (
            "linear",
            None,
            Some([
                Anchor {
                    from: points(from_low),
                    to: points(to_low),
                },
                Anchor {
                    from: points(from_high),
                    to: points(to_high),
                },
            ]),
        ),
    };
    AdjustmentView {
        id,
        corrector,
        corrector_name,
        kind,
        offset,
        anchors,
        description: a.describe(),
        created_by: row.and_then(|r| r.created_by).map(|u| name(u).0),
        created_by_name: row.and_then(|r| r.created_by).map(|u| name(u).1),
        created_at: row.map(|r| r.created_at),
        removed_by: row.and_then(|r| r.removed_by).map(|u| name(u).0),
        removed_by_name: row.and_then(|r| r.removed_by).map(|u| name(u).1),
        removed_at: row.and_then(|r| r.removed_at),
    }
}

fn row_view(r: &AdjustmentRow, names: &HashMap<i64, (&str, &str)>) -> AdjustmentView {
    view(Some(r.id), &r.adjustment, r.corrector_id, names, Some(r))
}

fn member_names(members: &[exams::Member]) -> HashMap<i64, (&str, &str)> {
    members
        .iter()
        .map(|m| (m.user_id, (m.username.as_str(), m.display_name.as_str())))
        .collect()
}

impl App {
    /// An exam's adjustments (managers: all, in force first; a corrector: their own).
    pub async fn exam_adjustments(
        &self,
        s: &AuthSession,
        exam: ExamId,
    ) -> Result<AdjustmentList, AppError> {
        let (_, role) = self.exam_access(s, exam).await?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        let mut c = self.db.read().await?;
        let rows = store::adjustments_of_exam(c.conn(), exam.0).await?;
        let members = exams::members(c.conn(), exam).await?;
        drop(c);
        let names = member_names(&members);
        Ok(AdjustmentList {
            items: rows
                .iter()
                .filter(|r| manager || r.corrector_id == s.user.id.0)
                .map(|r| row_view(r, &names))
                .collect(),
        })
    }

    /// The harmonisations in force on the caller's grades, exam by exam.
    pub async fn my_adjustments(&self, s: &AuthSession) -> Result<Vec<MyAdjustment>, AppError> {
        policy::use_staff_area(&s.actor())?;
        let mut c = self.db.read().await?;
        let rows = store::adjustments_of_corrector(c.conn(), s.user.id.0).await?;
        let mut out = vec![];
        for r in &rows {
            let Some(exam) = exams::find(c.conn(), ExamId(r.exam_id)).await? else {
                continue;
            };
            let members = exams::members(c.conn(), exam.id).await?;
            let names = member_names(&members);
            out.push(MyAdjustment {
                exam: exam.id.0,
                exam_name: exam.name.clone(),
                adjustment: row_view(r, &names),
            });
        }
        Ok(out)
    }

    /// Previews or applies a harmonisation of one corrector's grades (managers). Applying
    /// replaces the corrector's adjustment in force, journals it, and remakes the final PDFs
    /// of their graded copies.
    pub async fn adjust_grades(
        &self,
        s: &AuthSession,
        exam_id: ExamId,
        input: &AdjustmentInput,
        client: &ClientInfo,
    ) -> Result<AdjustmentOutcome, AppError> {
        let exam = self.require_manager(s, exam_id).await?;
        let adjustment = input.adjustment(exam.grade_scale)?;
        let mut tx = self.db.begin().await?;
        let members = exams::members(tx.conn(), exam_id).await?;
        let corrector = members
            .iter()
            .find(|m| m.username == input.corrector.trim())
            .ok_or_else(|| {
                AppError::invalid(
                    "corrector",
                    format!("`{}` is not a member of this exam", input.corrector.trim()),
                )
            })?
            .user_id;
        if !grading::question_shares(tx.conn(), exam_id.0)
            .await?
            .is_empty()
        {
            return Err(AppError::Conflict {
                field: "dispatch",
                message: "this exam is dispatched by questions: every copy has several \
                          correctors, so one corrector's grades cannot be adjusted apart"
                    .into(),
            });
        }
        let (copies, _) = scans::list_copies(tx.conn(), exam_id.0, 1_000_000, 0).await?;
        let ids: Vec<i64> = copies.iter().map(|k| k.id).collect();
        let totals = grading::totals_of(tx.conn(), &ids).await?;
        let in_force = store::adjustments_in_force(tx.conn(), exam_id.0).await?;
        let names = member_names(&members);
        let finals = FinalGrades::new(&exam, &in_force);
        let total_of =
            |k: &scans::Copy| Points(u32::try_from(*totals.get(&k.id).unwrap_or(&0)).unwrap_or(0));
        let mine: Vec<&scans::Copy> = copies
            .iter()
            .filter(|k| graded(k.status) && k.corrector_id == Some(corrector))
            .collect();
        // Hundredths before (raw) and after this adjustment, copy by copy.
        let before: Vec<u32> = mine.iter().map(|k| finals.raw(total_of(k))).collect();
        let after: Vec<u32> = before
            .iter()
            .map(|&raw| final_grade(raw, exam.grade_scale, Some(adjustment)))
            .collect();
        let adjusted: Vec<AdjustedCopy> = mine
            .iter()
            .zip(before.iter().zip(&after))
            .map(|(k, (&b, &a))| AdjustedCopy {
                id: k.id,
                code: k.code.clone(),
                before: points(b),
                after: points(a),
            })
            .collect();
        let others: Vec<u32> = copies
            .iter()
            .filter(|k| graded(k.status) && k.corrector_id != Some(corrector))
            .map(|k| finals.grade(k.corrector_id, total_of(k)))
            .collect();
        let replaces = in_force
            .iter()
            .find(|r| r.corrector_id == corrector)
            .map(|r| row_view(r, &names));
        let mut outcome = AdjustmentOutcome {
            preview: input.preview,
            adjustment: view(None, &adjustment, corrector, &names, None),
            replaces,
            grade_scale: exam.grade_scale,
            before: stats::figures(&before),
            after: stats::figures(&after),
            others: stats::figures(&others),
            histogram_before: stats::histogram(&before, exam.grade_scale, BINS),
            histogram_after: stats::histogram(&after, exam.grade_scale, BINS),
            copies: adjusted,
        };
        if input.preview {
            return Ok(outcome);
        }
        let now = now_ms();
        let (id, _) = store::put_adjustment(
            tx.conn(),
            exam_id.0,
            corrector,
            &adjustment,
            s.user.id.0,
            now,
        )
        .await?;
        let description = adjustment.describe();
        let lines: Vec<(i64, &str, serde_json::Value)> = mine
            .iter()
            .map(|k| {
                (
                    k.id,
                    "grade_adjusted",
                    serde_json::json!({ "adjustment": description }),
                )
            })
            .collect();
        crate::grading::journal(tx.conn(), s, &lines, now).await?;
        self.remake_pdfs(tx.conn(), &mine).await?;
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::GradesAdjusted,
            exam_id,
            client,
            Some(serde_json::json!({
                "corrector": input.corrector.trim(),
                "adjustment": description,
                "copies": mine.len(),
            })),
        )
        .await?;
        tx.commit().await?;
        self.queue.wake();
        let row = AdjustmentRow {
            id,
            exam_id: exam_id.0,
            corrector_id: corrector,
            adjustment,
            created_by: Some(s.user.id.0),
            created_at: now,
            removed_by: None,
            removed_at: None,
        };
        outcome.adjustment = row_view(&row, &names);
        Ok(outcome)
    }

    /// Removes a harmonisation (managers of its exam): the corrector's copies go back to
    /// their raw grades; journaled; their final PDFs are made again.
    pub async fn remove_adjustment(
        &self,
        s: &AuthSession,
        id: i64,
        client: &ClientInfo,
    ) -> Result<AdjustmentView, AppError> {
        let row = {
            let mut c = self.db.read().await?;
            store::find_adjustment(c.conn(), id)
                .await?
                .ok_or(AppError::NotFound("adjustment"))?
        };
        let exam_id = ExamId(row.exam_id);
        self.require_manager(s, exam_id).await?;
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        if !store::remove_adjustment(tx.conn(), id, s.user.id.0, now).await? {
            return Err(AppError::Conflict {
                field: "adjustment",
                message: "this adjustment was already removed".into(),
            });
        }
        let members = exams::members(tx.conn(), exam_id).await?;
        let names = member_names(&members);
        let (copies, _) = scans::list_copies(tx.conn(), exam_id.0, 1_000_000, 0).await?;
        let mine: Vec<&scans::Copy> = copies
            .iter()
            .filter(|k| graded(k.status) && k.corrector_id == Some(row.corrector_id))
            .collect();
        let description = row.adjustment.describe();
        let lines: Vec<(i64, &str, serde_json::Value)> = mine
            .iter()
            .map(|k| {
                (
                    k.id,
                    "adjustment_removed",
                    serde_json::json!({ "adjustment": description }),
                )
            })
            .collect();
        crate::grading::journal(tx.conn(), s, &lines, now).await?;
        self.remake_pdfs(tx.conn(), &mine).await?;
        let corrector = names
            .get(&row.corrector_id)
            .map_or_else(|| format!("#{}", row.corrector_id), |(u, _)| u.to_string());
        self.audit_exam(
            tx.conn(),
            s,
            AuditAction::AdjustmentRemoved,
            exam_id,
            client,
            Some(serde_json::json!({
                "corrector": corrector,
                "adjustment": description,
                "copies": mine.len(),
            })),
        )
        .await?;
        tx.commit().await?;
        self.queue.wake();
        let removed = AdjustmentRow {
            removed_by: Some(s.user.id.0),
            removed_at: Some(now),
            ..row
        };
        Ok(row_view(&removed, &names))
    }

    /// Queues the final PDFs of graded copies again (their summary page shows the grade).
    async fn remake_pdfs(&self, mut c: Conn<'_>, copies: &[&scans::Copy]) -> Result<(), AppError> {
        for k in copies {
            self.queue_final_pdf(c.reborrow(), k.id).await?;
        }
        Ok(())
    }
}
