//! The corrector desk: a corrector's copies, one copy's grading data, and every write on it
//! (scores, marks, the appreciation), each on the version it was based on.

use super::*;

impl App {
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
}
