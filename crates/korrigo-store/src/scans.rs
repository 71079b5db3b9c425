//! Scan batches, their pages, and copies.

use crate::{Conn, StoreError, on_conn};

/// A stored scan batch (one uploaded file).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Batch {
    pub id: i64,
    pub exam_id: i64,
    pub file_name: String,
    /// Declared size in bytes.
    pub size: i64,
    /// Bytes received so far (the resume offset).
    pub received: i64,
    pub sha256: Option<String>,
    pub store_key: String,
    /// Where it is in its life, decoded here (an unknown value fails the read).
    #[sqlx(try_from = "String")]
    pub status: korrigo_domain::scans::BatchStatus,
    /// `fixed`, `headers` or `loose`.
    pub grouping: String,
    /// The earlier batch with the same content, when `status` is `duplicate`.
    pub duplicate_of: Option<i64>,
    pub allow_duplicate: bool,
    /// Source pages found (known once validated).
    pub pages_total: i64,
    /// Source pages processed.
    pub pages_done: i64,
    pub copies_made: i64,
    /// Pages flagged for a look (blank, orientation unsure, copies with an unexpected count).
    pub pages_flagged: i64,
    pub error: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const BATCH_COLUMNS: &str = "id, exam_id, file_name, size, received, sha256, store_key, status, grouping, \
     duplicate_of, allow_duplicate, pages_total, pages_done, copies_made, pages_flagged, error, \
     created_by, created_at, updated_at";

/// A new batch.
#[derive(Debug)]
pub struct NewBatch<'a> {
    pub exam_id: i64,
    pub file_name: &'a str,
    pub size: i64,
    pub received: i64,
    pub sha256: Option<&'a str>,
    pub store_key: &'a str,
    pub status: &'a str,
    pub grouping: &'a str,
    pub created_by: Option<i64>,
    pub now: i64,
}

/// Records a batch.
pub async fn insert_batch(c: Conn<'_>, b: &NewBatch<'_>) -> Result<i64, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "INSERT INTO scan_batches (exam_id, file_name, size, received, sha256, store_key, status, grouping, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id")
        .bind(b.exam_id)
        .bind(b.file_name)
        .bind(b.size)
        .bind(b.received)
        .bind(b.sha256)
        .bind(b.store_key)
        .bind(b.status)
        .bind(b.grouping)
        .bind(b.created_by)
        .bind(b.now)
        .fetch_one(&mut *c)
        .await)?)
}

/// Finds a batch.
pub async fn find_batch(c: Conn<'_>, id: i64) -> Result<Option<Batch>, StoreError> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM scan_batches WHERE id = $1");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?,
    )
}

/// An exam's batches, newest first (at most `limit`).
pub async fn list_batches(c: Conn<'_>, exam_id: i64, limit: i64) -> Result<Vec<Batch>, StoreError> {
    let sql = format!(
        "SELECT {BATCH_COLUMNS} FROM scan_batches WHERE exam_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(exam_id).bind(limit).fetch_all(&mut *c).await)?,
    )
}

/// Another batch of the same exam with this content, that was not refused.
pub async fn find_same_content(
    c: Conn<'_>,
    exam_id: i64,
    sha256: &str,
    except: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT id FROM scan_batches WHERE exam_id = $1 AND sha256 = $2 AND id <> $3 \
         AND status NOT IN ('failed', 'uploading') ORDER BY id LIMIT 1")
        .bind(exam_id)
        .bind(sha256)
        .bind(except)
        .fetch_optional(&mut *c)
        .await)?)
}

/// Records received bytes, only if the offset is still `expected` (two uploads of the same
/// chunk cannot both advance it). Returns whether it was updated.
pub async fn advance_received(
    c: Conn<'_>,
    id: i64,
    expected: i64,
    received: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE scan_batches SET received = $1, updated_at = $2 WHERE id = $3 AND received = $4 AND status = 'uploading'")
        .bind(received)
        .bind(now)
        .bind(id)
        .bind(expected)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Moves a batch to `to` (with its error) if its current status may become it
/// ([`BatchStatus::reachable_from`], the one transition table): false when it may not.
pub async fn set_status(
    c: Conn<'_>,
    id: i64,
    to: korrigo_domain::scans::BatchStatus,
    error: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    // The names come from the enum, never from input.
    let from = to
        .reachable_from()
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    if from.is_empty() {
        return Ok(false);
    }
    let sql = format!(
        "UPDATE scan_batches SET status = $1, error = $2, updated_at = $3 WHERE id = $4 AND status IN ({from})"
    );
    let n = on_conn!(c, c => sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records the checksum and, when the content was seen before, the earlier batch.
pub async fn set_checksum(
    c: Conn<'_>,
    id: i64,
    sha256: &str,
    duplicate_of: Option<i64>,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE scan_batches SET sha256 = $1, duplicate_of = $2 WHERE id = $3")
        .bind(sha256)
        .bind(duplicate_of)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The manager chose to process a duplicate anyway.
pub async fn allow_duplicate(c: Conn<'_>, id: i64, now: i64) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE scan_batches SET allow_duplicate = TRUE, status = 'queued', updated_at = $1 WHERE id = $2 AND status = 'duplicate'") // Duplicate → Queued
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records progress.
pub async fn set_progress(
    c: Conn<'_>,
    id: i64,
    pages_total: i64,
    pages_done: i64,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE scan_batches SET pages_total = $1, pages_done = $2, updated_at = $3 WHERE id = $4")
        .bind(pages_total)
        .bind(pages_done)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a batch done with its summary.
pub async fn finish_batch(
    c: Conn<'_>,
    id: i64,
    copies_made: i64,
    pages_flagged: i64,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE scan_batches SET status = 'done', error = NULL, pages_done = pages_total, copies_made = $1, \
         pages_flagged = $2, updated_at = $3 WHERE id = $4 AND status = 'processing'") // Processing → Done
        .bind(copies_made)
        .bind(pages_flagged)
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes a batch and its pages (callers only allow it before copies exist).
pub async fn delete_batch(mut c: Conn<'_>, id: i64) -> Result<(), StoreError> {
    delete_pages_of_batch(c.reborrow(), id).await?;
    on_conn!(c, c => sqlx::query("DELETE FROM scan_batches WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The copies holding at least one page of a batch.
pub async fn copies_holding_batch_pages(
    c: Conn<'_>,
    batch_id: i64,
) -> Result<Vec<Copy>, StoreError> {
    let sql = format!(
        "SELECT {COPY_COLUMNS} FROM copies WHERE id IN \
         (SELECT copy_id FROM pages WHERE batch_id = $1 AND copy_id IS NOT NULL) ORDER BY id"
    );
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(batch_id).fetch_all(&mut *c).await)?,
    )
}

/// Whether any of these copies holds a page (kept or removed) of another batch than `batch_id`.
pub async fn copies_mix_batches(
    c: Conn<'_>,
    copy_ids: &[i64],
    batch_id: i64,
) -> Result<bool, StoreError> {
    if copy_ids.is_empty() {
        return Ok(false);
    }
    let list = crate::query::id_list(copy_ids);
    let sql = format!("SELECT COUNT(*) FROM pages WHERE copy_id IN ({list}) AND batch_id <> $1");
    let n: i64 = on_conn!(c, c => sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(batch_id).fetch_one(&mut *c).await)?;
    Ok(n > 0)
}

/// Deletes copies (their readings go with them; their pages are left without a copy).
pub async fn delete_copies(c: Conn<'_>, copy_ids: &[i64]) -> Result<(), StoreError> {
    if copy_ids.is_empty() {
        return Ok(());
    }
    let list = crate::query::id_list(copy_ids);
    let sql = format!("DELETE FROM copies WHERE id IN ({list})");
    on_conn!(c, c => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes the pages recorded for a batch (a batch refused midway).
pub async fn delete_pages_of_batch(c: Conn<'_>, batch_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("DELETE FROM pages WHERE batch_id = $1")
        .bind(batch_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A stored page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Page {
    pub id: i64,
    pub exam_id: i64,
    pub batch_id: i64,
    pub seq: i64,
    pub order_key: i64,
    pub copy_id: Option<i64>,
    pub position: i64,
    pub source_file: String,
    /// 1-based page number in `source_file`.
    pub source_page: i64,
    /// `left` or `right` for the halves of an A3 sheet.
    pub half: Option<String>,
    /// Clockwise degrees to show the page upright.
    pub rotation: i64,
    pub has_header: bool,
    pub blank: bool,
    /// The orientation could not be told for sure.
    pub unsure: bool,
    pub deleted: bool,
    pub width: i64,
    pub height: i64,
    pub viewer_key: String,
    pub thumb_key: String,
    pub header_key: Option<String>,
    pub created_at: i64,
}

const PAGE_COLUMNS: &str = "id, exam_id, batch_id, seq, order_key, copy_id, position, source_file, source_page, \
     half, rotation, has_header, blank, unsure, deleted, width, height, viewer_key, thumb_key, header_key, created_at";

/// A page to record.
#[derive(Debug)]
pub struct NewPage<'a> {
    pub exam_id: i64,
    pub batch_id: i64,
    pub seq: i64,
    pub order_key: i64,
    pub source_file: &'a str,
    pub source_page: i64,
    pub half: Option<&'a str>,
    pub rotation: i64,
    pub has_header: bool,
    pub blank: bool,
    pub unsure: bool,
    pub width: i64,
    pub height: i64,
    pub viewer_key: &'a str,
    pub thumb_key: &'a str,
    pub header_key: Option<&'a str>,
    pub now: i64,
}

/// Records a page; a page already recorded (a resumed job) is left as it is.
pub async fn insert_page(c: Conn<'_>, p: &NewPage<'_>) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO pages (exam_id, batch_id, seq, order_key, source_file, source_page, half, rotation, \
         has_header, blank, unsure, width, height, viewer_key, thumb_key, header_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (batch_id, seq) DO NOTHING")
        .bind(p.exam_id)
        .bind(p.batch_id)
        .bind(p.seq)
        .bind(p.order_key)
        .bind(p.source_file)
        .bind(p.source_page)
        .bind(p.half)
        .bind(p.rotation)
        .bind(p.has_header)
        .bind(p.blank)
        .bind(p.unsure)
        .bind(p.width)
        .bind(p.height)
        .bind(p.viewer_key)
        .bind(p.thumb_key)
        .bind(p.header_key)
        .bind(p.now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A batch's pages in reading order.
pub async fn batch_pages(c: Conn<'_>, batch_id: i64) -> Result<Vec<Page>, StoreError> {
    let sql =
        format!("SELECT {PAGE_COLUMNS} FROM pages WHERE batch_id = $1 ORDER BY order_key, seq");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(batch_id).fetch_all(&mut *c).await)?,
    )
}

/// The sequence numbers already recorded for a batch (what a resumed job can skip).
pub async fn batch_seqs(c: Conn<'_>, batch_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar("SELECT seq FROM pages WHERE batch_id = $1")
        .bind(batch_id)
        .fetch_all(&mut *c)
        .await)?,
    )
}

/// Finds a page.
pub async fn find_page(c: Conn<'_>, id: i64) -> Result<Option<Page>, StoreError> {
    let sql = format!("SELECT {PAGE_COLUMNS} FROM pages WHERE id = $1");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?,
    )
}

/// Pages of an exam that belong to no copy (loose rescans, pages taken out), not deleted.
pub async fn loose_pages(c: Conn<'_>, exam_id: i64) -> Result<Vec<Page>, StoreError> {
    let sql = format!(
        "SELECT {PAGE_COLUMNS} FROM pages WHERE exam_id = $1 AND copy_id IS NULL AND deleted = FALSE \
         ORDER BY batch_id, order_key, seq LIMIT 2000"
    );
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(exam_id).fetch_all(&mut *c).await)?,
    )
}

/// The pages of some copies, in order.
pub async fn pages_of_copies(c: Conn<'_>, copy_ids: &[i64]) -> Result<Vec<Page>, StoreError> {
    if copy_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::query::id_list(copy_ids);
    let sql = format!(
        "SELECT {PAGE_COLUMNS} FROM pages WHERE copy_id IN ({list}) AND deleted = FALSE ORDER BY copy_id, position, id"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?)
}

/// Each copy's first page of an exam, as `(copy, page, whether it has a header crop)`: what
/// the identification desk shows, without the pages' other columns.
pub async fn first_pages_of_exam(
    c: Conn<'_>,
    exam_id: i64,
) -> Result<Vec<(i64, i64, bool)>, StoreError> {
    let rows: Vec<(i64, i64, bool)> = on_conn!(c, c => sqlx::query_as(
        "SELECT copy_id, id, header_key IS NOT NULL FROM pages \
         WHERE exam_id = $1 AND copy_id IS NOT NULL AND deleted = FALSE \
         ORDER BY copy_id, position, id")
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?;
    let mut out: Vec<(i64, i64, bool)> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|l| l.0 != r.0) {
            out.push(r);
        }
    }
    Ok(out)
}

/// Puts a page in a copy at a position (or out of any copy with `None`).
pub async fn place_page(
    c: Conn<'_>,
    page_id: i64,
    copy_id: Option<i64>,
    position: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE pages SET copy_id = $1, position = $2 WHERE id = $3")
        .bind(copy_id)
        .bind(position)
        .bind(page_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets a page's rotation.
pub async fn set_rotation(c: Conn<'_>, page_id: i64, rotation: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE pages SET rotation = $1, unsure = FALSE WHERE id = $2")
        .bind(rotation)
        .bind(page_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a page blank or not.
pub async fn set_blank(c: Conn<'_>, page_id: i64, blank: bool) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE pages SET blank = $1 WHERE id = $2")
        .bind(blank)
        .bind(page_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes a page from its copy. The row (and its images) are kept, marked deleted, so that
/// annotations made on it are never silently lost.
pub async fn delete_page(c: Conn<'_>, page_id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE pages SET deleted = TRUE, copy_id = NULL WHERE id = $1")
        .bind(page_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A stored copy.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Copy {
    pub id: i64,
    pub exam_id: i64,
    /// The anonymous code (e.g. `K7M-4Q2`).
    pub code: String,
    /// Where it is in its life, decoded here (an unknown value fails the read).
    #[sqlx(try_from = "String")]
    pub status: korrigo_domain::copies::CopyStatus,
    pub batch_id: Option<i64>,
    pub student_id: Option<i64>,
    /// How it was identified, decoded here; `None` while it waits for identification.
    #[sqlx(try_from = "Option<String>")]
    pub id_method: Identification,
    pub id_confidence: Option<f64>,
    pub corrector_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Its final PDF's key, when made (and not invalidated by a reopening).
    pub pdf_key: Option<String>,
    /// When the final PDF was made.
    pub pdf_at: Option<i64>,
    /// Why the final PDF's last generation failed.
    pub pdf_error: Option<String>,
}

/// A copy's identification method as read from its nullable column (a wrapper because the
/// decoding goes through `TryFrom`, which cannot target an `Option` of a foreign type).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identification(pub Option<korrigo_domain::identify::IdMethod>);

impl TryFrom<Option<String>> for Identification {
    type Error = String;

    fn try_from(s: Option<String>) -> Result<Self, Self::Error> {
        s.map(korrigo_domain::identify::IdMethod::try_from)
            .transpose()
            .map(Identification)
    }
}

const COPY_COLUMNS: &str = "id, exam_id, code, status, batch_id, student_id, id_method, id_confidence, corrector_id, \
     created_at, updated_at, pdf_key, pdf_at, pdf_error";

/// Records a copy. Fails with a `Conflict { field: "code" }` when the code is taken.
pub async fn insert_copy(
    c: Conn<'_>,
    exam_id: i64,
    code: &str,
    status: &str,
    batch_id: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    let r = on_conn!(c, c => sqlx::query_scalar(
        "INSERT INTO copies (exam_id, code, status, batch_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (exam_id, code) DO NOTHING RETURNING id")
        .bind(exam_id)
        .bind(code)
        .bind(status)
        .bind(batch_id)
        .bind(now)
        .fetch_optional(&mut *c)
        .await)?;
    r.ok_or(StoreError::Conflict { field: "code" })
}

/// Finds a copy.
pub async fn find_copy(c: Conn<'_>, id: i64) -> Result<Option<Copy>, StoreError> {
    let sql = format!("SELECT {COPY_COLUMNS} FROM copies WHERE id = $1");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?,
    )
}

/// What grading a copy needs to know about it and its exam, for one user.
#[derive(Clone, Debug)]
pub struct GradingFrame {
    /// The copy.
    pub copy: Copy,
    /// Its exam's marking scheme.
    pub scheme: korrigo_domain::scheme::Scheme,
    /// The user's role in the exam, if a member.
    pub role: Option<korrigo_domain::ExamRole>,
    /// The exam is dispatched by questions.
    pub by_questions: bool,
}

#[derive(sqlx::FromRow)]
struct GradingFrameRow {
    #[sqlx(flatten)]
    copy: Copy,
    scheme: String,
    my_role: Option<String>,
    by_questions: bool,
}

/// A copy with its exam's scheme, the user's role in the exam and its dispatch mode, in one
/// query (every score save reads this: one round trip instead of five).
pub async fn grading_frame(
    c: Conn<'_>,
    copy_id: i64,
    user_id: i64,
) -> Result<Option<GradingFrame>, StoreError> {
    let sql = format!(
        "SELECT {COPY_COLUMNS}, \
         (SELECT e.scheme FROM exams e WHERE e.id = copies.exam_id) AS scheme, \
         (SELECT m.role FROM exam_members m WHERE m.exam_id = copies.exam_id AND m.user_id = $2) AS my_role, \
         EXISTS (SELECT 1 FROM question_shares q WHERE q.exam_id = copies.exam_id) AS by_questions \
         FROM copies WHERE id = $1"
    );
    let row: Option<GradingFrameRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(copy_id)
        .bind(user_id)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(|r| {
        Ok(GradingFrame {
            copy: r.copy,
            scheme: serde_json::from_str(&r.scheme)
                .map_err(|e| StoreError::Corrupt(format!("scheme: {e}")))?,
            role: r
                .my_role
                .as_deref()
                .map(korrigo_domain::ExamRole::parse)
                .transpose()
                .map_err(StoreError::Corrupt)?,
            by_questions: r.by_questions,
        })
    })
    .transpose()
}

/// The copies made from a batch.
pub async fn copies_of_batch(c: Conn<'_>, batch_id: i64) -> Result<Vec<Copy>, StoreError> {
    let sql = format!("SELECT {COPY_COLUMNS} FROM copies WHERE batch_id = $1 ORDER BY id");
    Ok(
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(batch_id).fetch_all(&mut *c).await)?,
    )
}

/// A page of an exam's copies, in creation order, and the total.
/// A page of an exam's copies ($1 exam, $2 limit, $3 offset).
pub(crate) fn list_copies_sql() -> String {
    format!("SELECT {COPY_COLUMNS} FROM copies WHERE exam_id = $1 ORDER BY id LIMIT $2 OFFSET $3")
}

/// How many copies an exam has ($1 exam).
pub(crate) const COUNT_COPIES_SQL: &str = "SELECT COUNT(*) FROM copies WHERE exam_id = $1";

pub async fn list_copies(
    c: Conn<'_>,
    exam_id: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Copy>, i64), StoreError> {
    let mut c = c;
    let sql = list_copies_sql();
    let items = on_conn!(c.reborrow(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id).bind(limit).bind(offset).fetch_all(&mut *c).await)?;
    let total: i64 = on_conn!(c, c => sqlx::query_scalar(COUNT_COPIES_SQL)
        .bind(exam_id)
        .fetch_one(&mut *c)
        .await)?;
    Ok((items, total))
}

/// Deletes a copy (callers move or delete its pages first).
pub async fn delete_copy(c: Conn<'_>, id: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("DELETE FROM copies WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Touches a copy's `updated_at`.
pub async fn touch_copy(c: Conn<'_>, id: i64, now: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE copies SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
