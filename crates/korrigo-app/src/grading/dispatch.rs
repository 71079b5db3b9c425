//! The dispatch: sharing an exam's copies (or questions) among its correctors, reassigning,
//! releasing, and the progress per corrector.

use super::*;

impl App {
    /// Shares an exam's copies among correctors (managers): previewed, or applied and
    /// journaled with its run id on every copy it moves. With `mode: questions`, shares its
    /// questions instead (see `by_questions`).
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
            "questions" => return self.dispatch_questions(s, exam, input, client).await,
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
        let by_questions = !store::question_shares(c.conn(), exam.0).await?.is_empty();
        let leaves: Vec<String> = exams::find(c.conn(), exam)
            .await?
            .ok_or(AppError::NotFound("exam"))?
            .scheme
            .leaves()
            .into_iter()
            .map(|l| l.0)
            .collect();
        drop(c);
        // Switching from a dispatch by questions: never once a score is given.
        if by_questions && state.iter().any(|r| r.scored) {
            return Err(AppError::Conflict {
                field: "mode",
                message: "this exam is graded by questions and scores are given: reassign questions instead of dispatching by copies".into(),
            });
        }
        let copies: Vec<DispatchCopy> = state
            .iter()
            .map(|r| DispatchCopy {
                id: r.id,
                corrector: r.corrector_id.map(UserId),
                started: r.scored || r.status != CopyStatus::Ready,
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
                questions: leaves.clone(),
                changed,
            });
        }
        let mut distribution: Vec<Distribution> = shares
            .iter()
            .map(|sh| Distribution {
                corrector: name_of(sh.corrector),
                questions: leaves.clone(),
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
                d.graded += usize::from(r.status == CopyStatus::Graded);
            }
        }
        if !input.preview {
            let now = now_ms();
            let mut tx = self.db.begin().await?;
            if by_questions {
                store::set_question_shares(tx.conn(), exam.0, &[], now).await?;
            }
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
            journal(tx.conn(), s, &lines, now).await?;
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
            mode: "copies",
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
        if a.by_questions {
            return Err(AppError::Conflict {
                field: "mode",
                message:
                    "this exam is dispatched by questions: give a question to someone else instead"
                        .into(),
            });
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
        journal(
            tx.conn(),
            s,
            &[(
                copy_id,
                "reassigned",
                serde_json::json!({ "from": from, "corrector": to.username }),
            )],
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Assignment {
            copy: copy_id,
            code: a.copy.code,
            corrector: to.username.clone(),
            questions: a.my_questions,
            changed: a.copy.corrector_id != Some(to.user_id),
        })
    }

    /// Takes back a corrector's untouched copies (managers): they return to the pool for the
    /// next dispatch. A copy they have started stays theirs. With a dispatch by questions,
    /// takes back their questions that no copy has a score on.
    pub async fn release_copies(
        &self,
        s: &AuthSession,
        exam: ExamId,
        corrector: &str,
    ) -> Result<Released, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        drop(c);
        let who = member_named(&members, corrector)?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let released = store::release_untouched(tx.conn(), exam.0, who.user_id, now).await?;
        let questions = store::release_untouched_questions(tx.conn(), exam.0, who.user_id).await?;
        let lines: Vec<(i64, &str, serde_json::Value)> = released
            .iter()
            .map(|id| (*id, "released", serde_json::json!({ "from": who.username })))
            .collect();
        journal(tx.conn(), s, &lines, now).await?;
        tx.commit().await?;
        Ok(Released {
            released: released.len(),
            questions,
        })
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
        let shares = store::question_shares(c.conn(), exam.0).await?;
        let name = |id: i64| {
            members
                .iter()
                .find(|m| m.user_id == id)
                .map_or_else(|| format!("#{id}"), |m| m.username.clone())
        };
        let mut statuses = BTreeMap::new();
        for r in &state {
            *statuses.entry(r.status.as_str().to_string()).or_insert(0) += 1;
        }
        if !shares.is_empty() {
            let leaves: Vec<String> = exams::find(c.conn(), exam)
                .await?
                .ok_or(AppError::NotFound("exam"))?
                .scheme
                .leaves()
                .into_iter()
                .map(|l| l.0)
                .collect();
            let progress = by_questions::QuestionsState::load(c.conn(), exam).await?;
            let mut per: BTreeMap<i64, Vec<String>> = BTreeMap::new();
            for leaf in &leaves {
                if let Some(sh) = shares.iter().find(|sh| &sh.question_id == leaf) {
                    per.entry(sh.corrector_id).or_default().push(leaf.clone());
                }
            }
            let mut correctors: Vec<Distribution> = per
                .into_iter()
                .map(|(u, qs)| progress.distribution(name(u), qs))
                .collect();
            correctors.sort_by(|a, b| a.corrector.cmp(&b.corrector));
            return Ok(GradingStatus {
                mode: "questions",
                correctors,
                statuses,
                unassigned: 0,
                unassigned_questions: leaves
                    .into_iter()
                    .filter(|l| !shares.iter().any(|sh| &sh.question_id == l))
                    .collect(),
                total: state.len(),
            });
        }
        let mut by: BTreeMap<String, Distribution> = BTreeMap::new();
        let mut unassigned = 0;
        for r in &state {
            let Some(u) = r.corrector_id else {
                unassigned += 1;
                continue;
            };
            let who = name(u);
            let d = by.entry(who.clone()).or_insert(Distribution {
                corrector: who,
                questions: vec![],
                assigned: 0,
                started: 0,
                graded: 0,
            });
            d.assigned += 1;
            d.started += usize::from(r.scored || r.status != CopyStatus::Ready);
            d.graded += usize::from(r.status == CopyStatus::Graded);
        }
        Ok(GradingStatus {
            mode: "copies",
            correctors: by.into_values().collect(),
            statuses,
            unassigned,
            unassigned_questions: vec![],
            total: state.len(),
        })
    }
}
