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
        let mut exam_ids: Vec<i64> = rows.iter().map(|r| r.exam_id).collect();
        exam_ids.dedup();
        // Two more queries whatever the number of copies: the schemes (a copy's questions by
        // copies) and the caller's shares (by questions).
        let schemes = exams::schemes_of(c.conn(), &exam_ids).await?;
        let shares = store::questions_in_exams(c.conn(), s.user.id.0, &exam_ids).await?;
        let leaves: HashMap<i64, Vec<String>> = schemes
            .into_iter()
            .map(|(id, sc)| (id, sc.leaves().into_iter().map(|l| l.0).collect()))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| {
                let mine: Vec<String> = shares
                    .iter()
                    .filter(|(e, _)| *e == r.exam_id)
                    .map(|(_, q)| q.clone())
                    .collect();
                let by_copies = r.corrector_id == Some(s.user.id.0) || mine.is_empty();
                let my_status = if by_copies {
                    match r.status {
                        CopyStatus::Ready => "to_grade",
                        CopyStatus::Grading => "in_progress",
                        _ => "graded",
                    }
                } else if r.my_done >= mine.len() as i64
                    || !matches!(r.status, CopyStatus::Ready | CopyStatus::Grading)
                {
                    "graded"
                } else if r.my_scored > 0 {
                    "in_progress"
                } else {
                    "to_grade"
                };
                // In the scheme's order, as the desk shows them.
                let all = leaves.get(&r.exam_id).cloned().unwrap_or_default();
                GradingCopyItem {
                    my_status,
                    questions: if by_copies {
                        all
                    } else {
                        all.into_iter().filter(|q| mine.contains(q)).collect()
                    },
                    id: r.id,
                    code: r.code,
                    exam: r.exam_id,
                    status: r.status,
                }
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
        let first_opening =
            !a.manager && !store::journal_has(c.conn(), copy_id, "opened", s.user.id.0).await?;
        drop(c);
        if first_opening {
            // The journal says when its corrector first opened the copy.
            let mut tx = self.db.begin().await?;
            journal(
                tx.conn(),
                s,
                &[(copy_id, "opened", serde_json::json!({}))],
                now_ms(),
            )
            .await?;
            tx.commit().await?;
        }
        let total: i64 = scores.iter().map(|r| r.points).sum();
        let annotations = annotations
            .into_iter()
            .map(|r| {
                let editable = a.may_change(&r, s.user.id.0);
                annotation_view(r, editable)
            })
            .collect();
        Ok(GradingView {
            copy: GradingCopy {
                id: a.copy.id,
                exam: a.copy.exam_id,
                code: a.copy.code.clone(),
                status: a.copy.status,
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
            my_questions: a.my_questions,
            done: a.done,
            scheme: a.scheme,
            scores: scores.into_iter().map(as_view).collect(),
            annotations,
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
        a: &Access,
        now: i64,
    ) -> Result<(), AppError> {
        let copy = &a.copy;
        if a.my_part_done() {
            return Err(AppError::Conflict {
                field: "status",
                message: "you finalized your part of this copy: a manager must reopen it before it changes".into(),
            });
        }
        let status = copy.status;
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

    /// The 409 of a stale score write, with the score as it is now (`null`: none).
    async fn score_conflict(&self, copy_id: i64, question: &str) -> AppError {
        let current = match self.db.read().await {
            Ok(mut c) => store::scores_of(c.conn(), copy_id)
                .await
                .ok()
                .and_then(|rows| rows.into_iter().find(|r| r.question_id == question))
                .map(as_view),
            Err(e) => return e.into(),
        };
        AppError::ConflictWith {
            message: "this score was saved meanwhile (another tab or corrector): reload it".into(),
            details: serde_json::json!({ "field": "version", "current": current }),
        }
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
        let (label, max) = a.writable_question(question)?;
        let p = Points::from_f64(points).map_err(|m| AppError::invalid("points", m))?;
        if p > max {
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
        self.start_writing(tx.conn(), &a, now).await?;
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
            return Err(self.score_conflict(copy_id, question).await);
        };
        journal(tx.conn(), s, &[(
                copy_id,
                "score_saved",
                serde_json::json!({ "question": question, "points": p.as_f64(), "version": saved.version }),
            )], now)
        .await?;
        tx.commit().await?;
        Ok(as_view(saved))
    }

    /// Clears one question's score (the corrector emptied it, or undid the comment that gave
    /// it), on the version it was based on. The question must be one the caller may write.
    pub async fn clear_score(
        &self,
        s: &AuthSession,
        copy_id: i64,
        question: &str,
        version: i64,
    ) -> Result<ClearedScore, AppError> {
        let a = self.grading_access(s, copy_id).await?;
        a.writable_question(question)?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a, now).await?;
        let Some(next) = store::delete_score(tx.conn(), copy_id, question, version).await? else {
            drop(tx);
            return Err(self.score_conflict(copy_id, question).await);
        };
        journal(
            tx.conn(),
            s,
            &[(
                copy_id,
                "score_cleared",
                serde_json::json!({ "question": question, "version": next }),
            )],
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ClearedScore {
            question: question.to_string(),
            points: None,
            version: next,
        })
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
        // A stamp from the comment bank names its comment (checked above), which counts one
        // more use.
        let comment = data.get("comment").and_then(serde_json::Value::as_i64);
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        self.start_writing(tx.conn(), &a, now).await?;
        if let Some(id) = comment
            && !store::comment_used(tx.conn(), id, a.copy.exam_id, s.user.id.0, now).await?
        {
            return Err(AppError::invalid(
                "data",
                format!("comment {id} is not in this exam's comment bank"),
            ));
        }
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
        journal(
            tx.conn(),
            s,
            &[(
                copy_id,
                "annotation_added",
                serde_json::json!({ "annotation": row.id, "kind": kind, "page": page_id }),
            )],
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(annotation_view(row, true))
    }

    /// The mark and its copy, for a change: its copy's corrector or managers; with a dispatch
    /// by questions, a corrector changes only the marks they drew.
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
        if !a.may_change(&row, s.user.id.0) {
            return Err(AppError::Conflict {
                field: "annotation",
                message: "another corrector drew this mark: only they can change it".into(),
            });
        }
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
        self.start_writing(tx.conn(), &a, now).await?;
        let Some(saved) =
            store::update_annotation(tx.conn(), id, &data.to_string(), version, now).await?
        else {
            return Err(AppError::ConflictWith {
                message: "this mark was changed meanwhile (another tab): reload it".into(),
                details: serde_json::json!({ "field": "version", "current": annotation_view(row, true) }),
            });
        };
        tx.commit().await?;
        Ok(annotation_view(saved, true))
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
        self.start_writing(tx.conn(), &a, now).await?;
        if !store::delete_annotation(tx.conn(), id, version, now).await? {
            return Err(AppError::ConflictWith {
                message: "this mark was changed meanwhile (another tab): reload it".into(),
                details: serde_json::json!({ "field": "version", "current": annotation_view(row, true) }),
            });
        }
        journal(
            tx.conn(),
            s,
            &[(
                row.copy_id,
                "annotation_deleted",
                serde_json::json!({ "annotation": id }),
            )],
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
        self.start_writing(tx.conn(), &a, now).await?;
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
