//! The comment bank of an exam: shared comments (written by its managers, offered to every
//! corrector) and each corrector's own (most used first). A comment may be tied to a question
//! and carry points; stamping it on a page counts a use.

use super::*;
use korrigo_domain::grading::check_comment;

/// `POST /api/exams/{id}/comments/`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    /// The text (1 to 500 characters).
    pub text: String,
    /// The scheme leaf it is about, if any.
    #[serde(default)]
    pub question: Option<String>,
    /// Points it stands for on its question (quarter points; negative: a penalty).
    #[serde(default)]
    pub points: Option<f64>,
    /// Shared with the exam's correctors (managers only); personal otherwise.
    #[serde(default)]
    pub shared: bool,
}

/// A comment of the bank, as the API returns it.
#[derive(Debug, Serialize)]
pub struct CommentView {
    /// The comment.
    pub id: i64,
    /// Its text.
    pub text: String,
    /// The scheme leaf it is tied to.
    pub question: Option<String>,
    /// Its points (quarter points as a decimal), if any.
    pub points: Option<f64>,
    /// Shared with the exam's correctors, or the caller's own.
    pub shared: bool,
    /// How many times the caller stamped it (their own comments; 0 for shared ones).
    pub uses: i64,
    /// Whether the caller may delete it (their own; shared ones for managers).
    pub deletable: bool,
}

/// An exam's comment bank as one corrector sees it.
#[derive(Debug, Serialize)]
pub struct CommentBank {
    /// The exam's shared comments, in the order they were written.
    pub shared: Vec<CommentView>,
    /// The caller's own, most used first.
    pub mine: Vec<CommentView>,
    /// Whether the caller may add shared comments (the exam's managers).
    pub can_share: bool,
}

fn comment_view(r: store::CommentRow, manager: bool) -> CommentView {
    let shared = r.owner_id.is_none();
    CommentView {
        id: r.id,
        text: r.text,
        question: r.question_id,
        points: r.points.map(|q| q as f64 / 4.0),
        shared,
        uses: if shared { 0 } else { r.uses },
        deletable: !shared || manager,
    }
}

impl App {
    /// The exam's shared comments and the caller's own (its correctors and managers).
    pub async fn comment_bank(
        &self,
        s: &AuthSession,
        exam: ExamId,
    ) -> Result<CommentBank, AppError> {
        let (_, role) = self.exam_access(s, exam).await?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        let mut c = self.db.read().await?;
        let rows = store::comments_of(c.conn(), exam.0, s.user.id.0).await?;
        let (shared, mine): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .map(|r| comment_view(r, manager))
            .partition(|v| v.shared);
        Ok(CommentBank {
            shared,
            mine,
            can_share: manager,
        })
    }

    /// Adds a comment: the caller's own, or (managers) a shared one.
    pub async fn add_comment(
        &self,
        s: &AuthSession,
        exam: ExamId,
        input: &CommentInput,
    ) -> Result<CommentView, AppError> {
        let (found, role) = self.exam_access(s, exam).await?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        if input.shared && !manager {
            return Err(AppError::Forbidden);
        }
        let (text, points, question) = checked(&found.scheme, input)?;
        let mut tx = self.db.begin().await?;
        let row = store::add_comment(
            tx.conn(),
            &store::NewComment {
                exam_id: exam.0,
                owner_id: (!input.shared).then_some(s.user.id.0),
                question_id: question,
                text: &text,
                points,
                created_by: s.user.id.0,
            },
            now_ms(),
        )
        .await?;
        tx.commit().await?;
        Ok(comment_view(row, manager))
    }

    /// Rewrites a comment (text, question, points): the caller's own, or (managers) a shared
    /// one. Stamps already on pages keep what they said.
    pub async fn update_comment(
        &self,
        s: &AuthSession,
        id: i64,
        input: &CommentInput,
    ) -> Result<CommentView, AppError> {
        let (row, exam, manager) = self.comment_for_change(s, id).await?;
        if input.shared != row.owner_id.is_none() {
            return Err(AppError::invalid(
                "shared",
                "a comment stays shared or personal: add a new one instead",
            ));
        }
        let (text, points, question) = checked(&exam.scheme, input)?;
        let mut tx = self.db.begin().await?;
        let saved = store::update_comment(tx.conn(), id, question, &text, points)
            .await?
            .ok_or(AppError::NotFound("comment"))?;
        tx.commit().await?;
        Ok(comment_view(saved, manager))
    }

    /// A comment the caller may change: their own, or a shared one for the exam's managers
    /// (another corrector's own comment is not found).
    async fn comment_for_change(
        &self,
        s: &AuthSession,
        id: i64,
    ) -> Result<(store::CommentRow, exams::Exam, bool), AppError> {
        let row = {
            let mut c = self.db.read().await?;
            store::find_comment(c.conn(), id)
                .await?
                .ok_or(AppError::NotFound("comment"))?
        };
        let (exam, role) = self.exam_access(s, ExamId(row.exam_id)).await?;
        let manager = policy::manage_exam(&s.actor(), role).is_ok();
        match row.owner_id {
            Some(owner) if owner != s.user.id.0 => return Err(AppError::NotFound("comment")),
            None if !manager => return Err(AppError::Forbidden),
            _ => {}
        }
        Ok((row, exam, manager))
    }

    /// Deletes a comment: the caller's own, or (managers) a shared one. Stamps already on
    /// pages keep their text.
    pub async fn delete_comment(&self, s: &AuthSession, id: i64) -> Result<(), AppError> {
        self.comment_for_change(s, id).await?;
        let mut tx = self.db.begin().await?;
        store::delete_comment(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A comment's text and points checked, and its question one of the scheme's leaves.
fn checked<'a>(
    scheme: &Scheme,
    input: &'a CommentInput,
) -> Result<(String, Option<i64>, Option<&'a str>), AppError> {
    let (text, points) = check_comment(&input.text, input.points).map_err(|e| {
        let field = match e {
            korrigo_domain::grading::CommentProblem::Text => "text",
            korrigo_domain::grading::CommentProblem::Points => "points",
        };
        AppError::invalid(field, e.to_string())
    })?;
    let question = input
        .question
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    if let Some(q) = question
        && !scheme.leaves().iter().any(|l| l.0 == q)
    {
        return Err(AppError::invalid(
            "question",
            format!("`{q}` is not a question of this exam's scheme that takes a score"),
        ));
    }
    Ok((text, points, question))
}
