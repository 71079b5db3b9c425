//! Exams, the classes they concern, their members and their marking scheme.

use crate::query::{Arg, Filter, contains_pattern, fetch_page};
use crate::{Conn, StoreError, on_conn};
use korrigo_domain::exams::{Coefficient, PageLayout};
use korrigo_domain::scheme::Scheme;
use korrigo_domain::text::fold;
use korrigo_domain::{Date, ExamId, ExamRole, PageRequest, Paged, UserId};

/// A stored exam.
#[derive(Clone, Debug)]
pub struct Exam {
    /// The id.
    pub id: ExamId,
    /// Name.
    pub name: String,
    /// Subject (the discipline), may be empty.
    pub subject: String,
    /// Date of the exam.
    pub date: Option<Date>,
    /// Classes concerned (empty: every student).
    pub classes: Vec<String>,
    /// Page layout.
    pub layout: PageLayout,
    /// Grade scale ("out of").
    pub grade_scale: u32,
    /// Coefficient.
    pub coefficient: Coefficient,
    /// Marking scheme.
    pub scheme: Scheme,
    /// Incremented at each scheme save (concurrent edits are detected with it).
    pub scheme_version: i64,
    /// Who created it.
    pub created_by: Option<UserId>,
    /// Creation time (ms).
    pub created_at: i64,
    /// Archive time (ms), if archived.
    pub archived_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ExamRow {
    id: i64,
    name: String,
    subject: String,
    exam_date: Option<String>,
    layout: String,
    grade_scale: i64,
    coefficient_tenths: i64,
    scheme: String,
    scheme_version: i64,
    created_by: Option<i64>,
    created_at: i64,
    archived_at: Option<i64>,
}

const COLUMNS: &str = "exams.id, exams.name, exams.subject, exams.exam_date, exams.layout, exams.grade_scale, \
     exams.coefficient_tenths, exams.scheme, exams.scheme_version, exams.created_by, exams.created_at, exams.archived_at";

impl ExamRow {
    fn into_exam(self, classes: Vec<String>) -> Result<Exam, StoreError> {
        Ok(Exam {
            id: ExamId(self.id),
            date: self
                .exam_date
                .as_deref()
                .map(Date::parse)
                .transpose()
                .map_err(StoreError::Corrupt)?,
            layout: PageLayout::parse(&self.layout).map_err(StoreError::Corrupt)?,
            grade_scale: u32::try_from(self.grade_scale)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            coefficient: Coefficient(
                u32::try_from(self.coefficient_tenths)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ),
            scheme: serde_json::from_str(&self.scheme)
                .map_err(|e| StoreError::Corrupt(format!("scheme: {e}")))?,
            scheme_version: self.scheme_version,
            name: self.name,
            subject: self.subject,
            classes,
            created_by: self.created_by.map(UserId),
            created_at: self.created_at,
            archived_at: self.archived_at,
        })
    }
}

/// The editable fields of an exam.
#[derive(Clone, Debug)]
pub struct ExamFields {
    /// Name.
    pub name: String,
    /// Subject.
    pub subject: String,
    /// Date.
    pub date: Option<Date>,
    /// Classes concerned.
    pub classes: Vec<String>,
    /// Layout.
    pub layout: PageLayout,
    /// Grade scale.
    pub grade_scale: u32,
    /// Coefficient.
    pub coefficient: Coefficient,
}

fn search_text(f: &ExamFields) -> String {
    fold(&format!("{} {} {}", f.name, f.subject, f.classes.join(" ")))
}

async fn set_classes(mut c: Conn<'_>, id: ExamId, classes: &[String]) -> Result<(), StoreError> {
    on_conn!(c.reborrow(), c => sqlx::query("DELETE FROM exam_classes WHERE exam_id = $1").bind(id.0).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    for cl in classes {
        on_conn!(c.reborrow(), c => sqlx::query("INSERT INTO exam_classes (exam_id, class_name) VALUES ($1, $2)")
            .bind(id.0)
            .bind(cl)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Creates an exam; `creator` (a user, not the command line) becomes its manager.
pub async fn insert(
    mut c: Conn<'_>,
    f: &ExamFields,
    creator: Option<UserId>,
    now: i64,
) -> Result<ExamId, StoreError> {
    let sql = "INSERT INTO exams (name, subject, exam_date, layout, grade_scale, coefficient_tenths, created_by, \
               created_at, updated_at, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id";
    let id: i64 = on_conn!(c.reborrow(), c => sqlx::query_scalar(sql)
        .bind(&f.name)
        .bind(&f.subject)
        .bind(f.date.map(|d| d.iso()))
        .bind(f.layout.as_string())
        .bind(i64::from(f.grade_scale))
        .bind(i64::from(f.coefficient.0))
        .bind(creator.map(|u| u.0))
        .bind(now)
        .bind(search_text(f))
        .fetch_one(&mut *c)
        .await)?;
    let id = ExamId(id);
    set_classes(c.reborrow(), id, &f.classes).await?;
    if let Some(u) = creator {
        set_member(c, id, u, ExamRole::Manager, now).await?;
    }
    Ok(id)
}

/// Updates an exam's fields (not its scheme).
pub async fn update(
    mut c: Conn<'_>,
    id: ExamId,
    f: &ExamFields,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = "UPDATE exams SET name = $1, subject = $2, exam_date = $3, layout = $4, grade_scale = $5, \
               coefficient_tenths = $6, updated_at = $7, search_text = $8 WHERE id = $9";
    let n = on_conn!(c.reborrow(), c => sqlx::query(sql)
        .bind(&f.name)
        .bind(&f.subject)
        .bind(f.date.map(|d| d.iso()))
        .bind(f.layout.as_string())
        .bind(i64::from(f.grade_scale))
        .bind(i64::from(f.coefficient.0))
        .bind(now)
        .bind(search_text(f))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    if n > 0 {
        set_classes(c, id, &f.classes).await?;
    }
    Ok(n > 0)
}

/// Archives (or restores, with `None`) an exam.
pub async fn set_archived(
    c: Conn<'_>,
    id: ExamId,
    at: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("UPDATE exams SET archived_at = $1, updated_at = $2 WHERE id = $3")
        .bind(at)
        .bind(now)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Finds an exam.
pub async fn find(mut c: Conn<'_>, id: ExamId) -> Result<Option<Exam>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM exams WHERE id = $1");
    let row: Option<ExamRow> = on_conn!(c.reborrow(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(&mut *c).await)?;
    let Some(row) = row else { return Ok(None) };
    let classes: Vec<String> = on_conn!(c, c => sqlx::query_scalar(
        "SELECT class_name FROM exam_classes WHERE exam_id = $1 ORDER BY class_name")
        .bind(id.0)
        .fetch_all(&mut *c)
        .await)?;
    row.into_exam(classes).map(Some)
}

/// Saves a scheme if its version is still `expected_version`; returns the new version, or
/// `None` when someone else saved in between (nothing is overwritten).
pub async fn save_scheme(
    c: Conn<'_>,
    id: ExamId,
    scheme: &Scheme,
    expected_version: i64,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let json = serde_json::to_string(scheme).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let v: Option<i64> = on_conn!(c, c => sqlx::query_scalar(
        "UPDATE exams SET scheme = $1, scheme_version = scheme_version + 1, updated_at = $2 \
         WHERE id = $3 AND scheme_version = $4 RETURNING scheme_version")
        .bind(json.clone())
        .bind(now)
        .bind(id.0)
        .bind(expected_version)
        .fetch_optional(&mut *c)
        .await)?;
    Ok(v)
}

/// An exam in a list, with the viewer's membership.
#[derive(Clone, Debug)]
pub struct ExamListItem {
    /// The exam.
    pub exam: Exam,
    /// The viewer's role in it, if a member.
    pub my_role: Option<ExamRole>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    exam: ExamRow,
    my_role: Option<String>,
    classes_csv: Option<String>,
}

/// Filters of the exam list.
#[derive(Clone, Debug, Default)]
pub struct ExamFilter {
    /// Only exams where this user is a member (teachers); `None` for every exam (admins).
    pub member: Option<UserId>,
    /// Include archived exams.
    pub archived: bool,
    /// Text in the name, subject or classes.
    pub search: Option<String>,
    /// Sort order.
    pub sort: ExamSort,
}

/// Sort orders of the exam list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExamSort {
    /// Newest first (default).
    #[default]
    Newest,
    /// By exam date, most recent first, undated last.
    Date,
    /// By name.
    Name,
}

impl ExamSort {
    /// Parses a `sort` parameter.
    pub fn parse(s: &str) -> Option<ExamSort> {
        match s {
            "newest" => Some(ExamSort::Newest),
            "date" => Some(ExamSort::Date),
            "name" => Some(ExamSort::Name),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            ExamSort::Newest => "exams.created_at DESC, exams.id DESC",
            ExamSort::Date => {
                "CASE WHEN exams.exam_date IS NULL THEN 1 ELSE 0 END, exams.exam_date DESC, exams.id DESC"
            }
            ExamSort::Name => "exams.name, exams.id",
        }
    }
}

/// One page of exams, newest first, with the viewer's role: two queries whatever the page size.
pub async fn list(
    c: Conn<'_>,
    viewer: UserId,
    f: &ExamFilter,
    page: PageRequest,
) -> Result<Paged<ExamListItem>, StoreError> {
    // $1 is the viewer, used by the join; the conditions number their placeholders after it.
    let mut w = Filter::default();
    w.args.push(Arg::I64(viewer.0));
    if let Some(m) = f.member {
        w.and(
            "exams.id IN (SELECT exam_id FROM exam_members WHERE user_id = ?)",
            [Arg::I64(m.0)],
        );
    }
    if !f.archived {
        w.and("exams.archived_at IS NULL", []);
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.and(
            "exams.search_text LIKE ? ESCAPE '\\'",
            [Arg::Text(contains_pattern(&fold(s)))],
        );
    }
    let from = "exams LEFT JOIN exam_members me ON me.exam_id = exams.id AND me.user_id = $1";
    let cols = format!(
        "{COLUMNS}, me.role AS my_role, \
         (SELECT {} FROM exam_classes ec WHERE ec.exam_id = exams.id) AS classes_csv",
        match c.backend() {
            crate::Backend::Sqlite => "group_concat(class_name, char(31))",
            crate::Backend::Postgres => "string_agg(class_name, chr(31) ORDER BY class_name)",
        }
    );
    let rows = fetch_page::<ListRow>(c, from, &cols, &w, f.sort.order_by(), page).await?;
    let mut items = vec![];
    for r in rows.items {
        let mut classes: Vec<String> = r
            .classes_csv
            .map(|s| s.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default();
        classes.sort();
        items.push(ExamListItem {
            exam: r.exam.into_exam(classes)?,
            my_role: r
                .my_role
                .as_deref()
                .map(ExamRole::parse)
                .transpose()
                .map_err(StoreError::Corrupt)?,
        });
    }
    Ok(Paged {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// A user's membership in an exam.
pub async fn membership(
    c: Conn<'_>,
    exam: ExamId,
    user: UserId,
) -> Result<Option<ExamRole>, StoreError> {
    let r: Option<String> = on_conn!(c, c => sqlx::query_scalar(
        "SELECT role FROM exam_members WHERE exam_id = $1 AND user_id = $2")
        .bind(exam.0)
        .bind(user.0)
        .fetch_optional(&mut *c)
        .await)?;
    r.as_deref()
        .map(ExamRole::parse)
        .transpose()
        .map_err(StoreError::Corrupt)
}

/// Adds a member or changes their role.
pub async fn set_member(
    c: Conn<'_>,
    exam: ExamId,
    user: UserId,
    role: ExamRole,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO exam_members (exam_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (exam_id, user_id) DO UPDATE SET role = excluded.role")
        .bind(exam.0)
        .bind(user.0)
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes a member; returns whether they were one.
pub async fn remove_member(c: Conn<'_>, exam: ExamId, user: UserId) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("DELETE FROM exam_members WHERE exam_id = $1 AND user_id = $2")
        .bind(exam.0)
        .bind(user.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// A member as listed on the exam page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    /// The user's id.
    pub user_id: i64,
    /// Their username.
    pub username: String,
    /// Their name.
    pub display_name: String,
    /// `manager` or `corrector`.
    pub role: String,
}

/// The members of an exam, managers first.
pub async fn members(c: Conn<'_>, exam: ExamId) -> Result<Vec<Member>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT u.id AS user_id, u.username, u.display_name, m.role FROM exam_members m \
         JOIN users u ON u.id = m.user_id WHERE m.exam_id = $1 ORDER BY m.role DESC, u.display_name")
        .bind(exam.0)
        .fetch_all(&mut *c)
        .await)?)
}

/// How many managers an exam has.
pub async fn manager_count(c: Conn<'_>, exam: ExamId) -> Result<i64, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM exam_members WHERE exam_id = $1 AND role = 'manager'")
        .bind(exam.0)
        .fetch_one(&mut *c)
        .await)?)
}

/// How many students an exam concerns (those of its classes; everyone when it has none).
pub async fn student_count(c: Conn<'_>, exam: ExamId) -> Result<i64, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM students s WHERE NOT EXISTS (SELECT 1 FROM exam_classes WHERE exam_id = $1) \
         OR s.class_name IN (SELECT class_name FROM exam_classes WHERE exam_id = $1)")
        .bind(exam.0)
        .fetch_one(&mut *c)
        .await)?)
}

/// The exams a student sat (those of their class, and those without classes), newest first.
pub async fn of_student(
    c: Conn<'_>,
    student_id: i64,
) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT e.id, e.name, e.exam_date FROM exams e, students s WHERE s.id = $1 AND \
         (e.id IN (SELECT exam_id FROM exam_classes WHERE class_name = s.class_name) \
          OR NOT EXISTS (SELECT 1 FROM exam_classes WHERE exam_id = e.id)) \
         ORDER BY e.created_at DESC")
        .bind(student_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// Where an exam stands, step by step (one query): its copies, how many are identified,
/// assigned and graded, the scanned pages flagged for a look, and the batches still at work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Progress {
    /// Copies (every status).
    pub copies: i64,
    /// Copies linked to a student.
    pub identified: i64,
    /// Copies given to a corrector.
    pub assigned: i64,
    /// Copies being graded.
    pub grading: i64,
    /// Copies graded (and beyond).
    pub graded: i64,
    /// Pages the scan pipeline flagged, over the finished batches.
    pub flagged: i64,
    /// Batches uploading, queued or being processed.
    pub batches_running: i64,
}

/// The exam's [`Progress`].
pub async fn progress(c: Conn<'_>, exam: ExamId) -> Result<Progress, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as::<_, Progress>(
        "SELECT \
           (SELECT COUNT(*) FROM copies WHERE exam_id = $1) AS copies, \
           (SELECT COUNT(*) FROM copies WHERE exam_id = $1 AND student_id IS NOT NULL) AS identified, \
           (CASE WHEN EXISTS (SELECT 1 FROM question_shares WHERE exam_id = $1) \
              THEN (SELECT COUNT(*) FROM copies WHERE exam_id = $1 AND status <> 'PROCESSING') \
              ELSE (SELECT COUNT(*) FROM copies WHERE exam_id = $1 AND corrector_id IS NOT NULL) END) AS assigned, \
           (SELECT COUNT(*) FROM copies WHERE exam_id = $1 AND status = 'GRADING') AS grading, \
           (SELECT COUNT(*) FROM copies WHERE exam_id = $1 \
              AND status IN ('GRADED', 'FINALIZING', 'FINALIZE_FAILED')) AS graded, \
           (SELECT CAST(COALESCE(SUM(pages_flagged), 0) AS BIGINT) FROM scan_batches \
              WHERE exam_id = $1 AND status = 'done') AS flagged, \
           (SELECT COUNT(*) FROM scan_batches WHERE exam_id = $1 \
              AND status IN ('uploading', 'queued', 'processing')) AS batches_running")
        .bind(exam.0)
        .fetch_one(&mut *c)
        .await)?)
}

/// The marking schemes of several exams, in one query (`(exam, scheme)`).
pub async fn schemes_of(c: Conn<'_>, exams: &[i64]) -> Result<Vec<(i64, Scheme)>, StoreError> {
    if exams.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT id, scheme FROM exams WHERE id IN ({})",
        crate::query::id_list(exams)
    );
    let rows: Vec<(i64, String)> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter()
        .map(|(id, s)| {
            serde_json::from_str(&s)
                .map(|scheme| (id, scheme))
                .map_err(|e| StoreError::Corrupt(format!("scheme: {e}")))
        })
        .collect()
}

/// An archived exam due for purging.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Purgeable {
    /// The exam.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// When it was archived (ms).
    pub archived_at: i64,
    /// Its copies.
    pub copies: i64,
}

/// Exams archived before `before` (ms), oldest archive first.
pub async fn archived_before(c: Conn<'_>, before: i64) -> Result<Vec<Purgeable>, StoreError> {
    let rows: Vec<(i64, String, i64, i64)> = on_conn!(c, c => sqlx::query_as(
        "SELECT e.id, e.name, e.archived_at, \
         (SELECT COUNT(*) FROM copies WHERE copies.exam_id = e.id) \
         FROM exams e WHERE e.archived_at IS NOT NULL AND e.archived_at < $1 \
         ORDER BY e.archived_at, e.id")
        .bind(before)
        .fetch_all(&mut *c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, archived_at, copies)| Purgeable {
            id,
            name,
            archived_at,
            copies,
        })
        .collect())
}

/// Deletes an archived exam and, by the schema's cascades, everything of it: members, classes,
/// batches, copies, pages, readings, scores, marks, comments. `false` when it is not (or no
/// longer) archived.
pub async fn delete_archived(c: Conn<'_>, id: ExamId) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query("DELETE FROM exams WHERE id = $1 AND archived_at IS NOT NULL")
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
