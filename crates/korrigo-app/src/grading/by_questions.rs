//! The dispatch by questions: each corrector grades some questions (scheme leaves) on every copy
//! of the exam; a copy is graded when every question is done. Reassigning one question, and
//! the progress per corrector.

use super::*;
use korrigo_domain::grading::dispatch_by_questions;
use std::collections::BTreeSet;

/// One question's corrector after a reassignment.
#[derive(Debug, Serialize)]
pub struct QuestionAssignment {
    /// The question's stable id.
    pub question: String,
    /// Its label path ("Exercice 1 · a)").
    pub label: String,
    /// The corrector's username.
    pub corrector: String,
    /// The previous corrector, if it had one.
    pub from: Option<String>,
}

/// What the progress of a dispatch by questions rests on, read in a constant number of
/// queries.
pub(super) struct QuestionsState {
    /// The exam's copies that can be graded.
    pub copies: Vec<store::DispatchRow>,
    /// `(copy, question)` with a score.
    pub scored: BTreeSet<(i64, String)>,
    /// `(copy, question)` done.
    pub done: BTreeSet<(i64, String)>,
}

impl QuestionsState {
    pub(super) async fn load(c: korrigo_store::Conn<'_>, exam: ExamId) -> Result<Self, AppError> {
        let mut c = c;
        let copies = store::dispatch_state(c.reborrow(), exam.0)
            .await?
            .into_iter()
            .filter(|r| r.status != CopyStatus::Processing)
            .collect();
        let scored = store::scores_of_exam(c.reborrow(), exam.0)
            .await?
            .into_iter()
            .map(|r| (r.copy_id, r.question_id))
            .collect();
        let done = store::done_of_exam(c, exam.0).await?.into_iter().collect();
        Ok(QuestionsState {
            copies,
            scored,
            done,
        })
    }

    /// One corrector's counts over the exam's copies for their questions.
    pub(super) fn distribution(&self, corrector: String, questions: Vec<String>) -> Distribution {
        let mut d = Distribution {
            corrector,
            questions,
            assigned: self.copies.len(),
            started: 0,
            graded: 0,
        };
        for copy in &self.copies {
            let has =
                |set: &BTreeSet<(i64, String)>, q: &String| set.contains(&(copy.id, q.clone()));
            if d.questions.iter().any(|q| has(&self.scored, q)) {
                d.started += 1;
            }
            let all_done =
                !d.questions.is_empty() && d.questions.iter().all(|q| has(&self.done, q));
            if all_done || copy.status == CopyStatus::Graded {
                d.graded += 1;
            }
        }
        d
    }
}

impl App {
    /// Shares an exam's questions among correctors (managers): each grades theirs on every
    /// copy. Every question must have one corrector; a question already scored keeps its
    /// corrector (reassign it explicitly); copies already started by copies are never taken.
    pub(super) async fn dispatch_questions(
        &self,
        s: &AuthSession,
        exam: ExamId,
        input: &DispatchInput,
        client: &ClientInfo,
    ) -> Result<DispatchView, AppError> {
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        let scheme = exams::find(c.conn(), exam)
            .await?
            .ok_or(AppError::NotFound("exam"))?
            .scheme;
        let current = store::question_shares(c.conn(), exam.0).await?;
        let state = QuestionsState::load(c.conn(), exam).await?;
        drop(c);
        let mut requested = Vec::new();
        for (name, nodes) in &input.questions {
            let m = member_named(&members, name)?;
            requested.push((UserId(m.user_id), nodes.clone()));
        }
        let shares = dispatch_by_questions(&scheme, &requested)
            .map_err(|e| AppError::invalid("questions", e.to_string()))?;
        let leaves = scheme.leaves();
        let name_of = |id: i64| {
            members
                .iter()
                .find(|m| m.user_id == id)
                .map_or_else(|| format!("#{id}"), |m| m.username.clone())
        };
        // Switching from a dispatch by copies: never take a started copy from its corrector.
        let started_by_copies = state
            .copies
            .iter()
            .filter(|r| r.corrector_id.is_some() && (r.scored || r.status != CopyStatus::Ready))
            .count();
        if current.is_empty() && started_by_copies > 0 {
            return Err(AppError::Conflict {
                field: "mode",
                message: format!(
                    "{started_by_copies} copies are already being graded by copies: finish or release them before dispatching by questions"
                ),
            });
        }
        // A question with scores keeps its corrector unless a manager reassigns it.
        let mut moving_scored = Vec::new();
        for (leaf, label, _) in &leaves {
            let before = current.iter().find(|sh| &sh.question_id == leaf);
            let after = shares.get(leaf).map(|u| u.0);
            let scored = state.scored.iter().any(|(_, q)| q == leaf);
            if scored && before.is_some_and(|b| Some(b.corrector_id) != after) {
                moving_scored.push(label.clone());
            }
        }
        if !moving_scored.is_empty() {
            return Err(AppError::Conflict {
                field: "questions",
                message: format!(
                    "{} already scored by another corrector: reassign them one by one if you mean it",
                    moving_scored.join(", ")
                ),
            });
        }
        // Per corrector, in the order the manager listed them.
        let mut per: Vec<(i64, Vec<String>)> = Vec::new();
        for (leaf, _, _) in &leaves {
            let u = shares[leaf].0;
            match per.iter_mut().find(|(id, _)| *id == u) {
                Some((_, qs)) => qs.push(leaf.clone()),
                None => per.push((u, vec![leaf.clone()])),
            }
        }
        let mine_before = |u: i64| -> Vec<String> {
            leaves
                .iter()
                .filter(|l| {
                    current
                        .iter()
                        .any(|sh| sh.question_id == l.0 && sh.corrector_id == u)
                })
                .map(|l| l.0.clone())
                .collect()
        };
        let mut assignments = Vec::with_capacity(state.copies.len() * per.len());
        for copy in &state.copies {
            for (u, qs) in &per {
                assignments.push(Assignment {
                    copy: copy.id,
                    code: copy.code.clone(),
                    corrector: name_of(*u),
                    questions: qs.clone(),
                    changed: mine_before(*u) != *qs,
                });
            }
        }
        let distribution = per
            .iter()
            .map(|(u, qs)| state.distribution(name_of(*u), qs.clone()))
            .collect();
        let run = crate::tokens::random_hex(6);
        let changed = current.len() != shares.len()
            || current
                .iter()
                .any(|sh| shares.get(&sh.question_id).map(|u| u.0) != Some(sh.corrector_id));
        if !input.preview {
            let now = now_ms();
            let rows: Vec<store::QuestionShare> = shares
                .iter()
                .map(|(q, u)| store::QuestionShare {
                    question_id: q.clone(),
                    corrector_id: u.0,
                })
                .collect();
            let mut tx = self.db.begin().await?;
            store::clear_copy_correctors(tx.conn(), exam.0, now).await?;
            store::set_question_shares(tx.conn(), exam.0, &rows, now).await?;
            if changed {
                let who: BTreeMap<String, Vec<String>> = per
                    .iter()
                    .map(|(u, qs)| (name_of(*u), qs.clone()))
                    .collect();
                let lines: Vec<(i64, &str, serde_json::Value)> = state
                    .copies
                    .iter()
                    .filter(|r| r.status != CopyStatus::Graded)
                    .map(|r| {
                        (
                            r.id,
                            "dispatched",
                            serde_json::json!({ "run": run, "questions": who }),
                        )
                    })
                    .collect();
                journal(tx.conn(), s, &lines, now).await?;
            }
            self.audit_exam(
                tx.conn(),
                s,
                AuditAction::CopiesDispatched,
                exam,
                client,
                Some(serde_json::json!({ "run": run, "mode": "questions", "correctors": input.questions.keys().collect::<Vec<_>>() })),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(DispatchView {
            mode: "questions",
            run,
            applied: !input.preview,
            assignments,
            distribution,
        })
    }

    /// Gives one question of an exam dispatched by questions to another of its correctors
    /// (managers): its scores and marks stay; the copies where it is done stay done.
    pub async fn reassign_question(
        &self,
        s: &AuthSession,
        exam: ExamId,
        question: &str,
        corrector: &str,
    ) -> Result<QuestionAssignment, AppError> {
        self.require_manager(s, exam).await?;
        let mut c = self.db.read().await?;
        let members = exams::members(c.conn(), exam).await?;
        let scheme = exams::find(c.conn(), exam)
            .await?
            .ok_or(AppError::NotFound("exam"))?
            .scheme;
        let by_questions = !store::question_shares(c.conn(), exam.0).await?.is_empty();
        let state = store::dispatch_state(c.conn(), exam.0).await?;
        drop(c);
        if !by_questions {
            return Err(AppError::Conflict {
                field: "mode",
                message: "this exam is dispatched by copies: give a copy to someone else instead"
                    .into(),
            });
        }
        let Some((_, label, _)) = scheme.leaves().into_iter().find(|l| l.0 == question) else {
            return Err(AppError::invalid(
                "question",
                format!("`{question}` is not a question of this exam's scheme that takes a score"),
            ));
        };
        let to = member_named(&members, corrector)?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let before = store::reassign_question(tx.conn(), exam.0, question, to.user_id, now).await?;
        let from = before.and_then(|id| {
            members
                .iter()
                .find(|m| m.user_id == id)
                .map(|m| m.username.clone())
        });
        if before != Some(to.user_id) {
            let lines: Vec<(i64, &str, serde_json::Value)> = state
                .iter()
                // Graded copies too: whoever reopens one finds the question's new corrector.
                .filter(|r| r.status != CopyStatus::Processing)
                .map(|r| {
                    (
                        r.id,
                        "question_reassigned",
                        serde_json::json!({ "question": question, "from": from, "corrector": to.username }),
                    )
                })
                .collect();
            journal(tx.conn(), s, &lines, now).await?;
        }
        tx.commit().await?;
        Ok(QuestionAssignment {
            question: question.to_string(),
            label,
            corrector: to.username.clone(),
            from,
        })
    }
}
