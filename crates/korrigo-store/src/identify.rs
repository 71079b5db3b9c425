//! Header readings, suggestions and identifications of copies.

use crate::{Conn, StoreError, on_conn};
use korrigo_domain::ExamId;

/// What was read in a copy's header.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Reading {
    pub copy_id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<String>,
    pub date_digits: String,
    /// JSON: per box of the date row, how likely each digit is.
    pub date_boxes: String,
    pub number: String,
    pub boxes: bool,
    /// The token of the identification label found on the copy, if any.
    pub label: Option<String>,
    /// JSON: the name rows' likelihoods step by step, when a model read them in boxes.
    pub last_name_lattice: Option<String>,
    pub first_name_lattice: Option<String>,
    /// JSON array of `{student, score}`, best first.
    pub candidates: String,
    pub read_at: i64,
}

/// Records (or replaces) a copy's reading.
pub async fn save_reading(c: Conn<'_>, r: &Reading) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO copy_readings (copy_id, last_name, first_name, birth_date, date_digits, number, boxes, candidates, read_at, date_boxes, label, \
         last_name_lattice, first_name_lattice) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (copy_id) DO UPDATE SET \
         last_name = $2, first_name = $3, birth_date = $4, date_digits = $5, number = $6, boxes = $7, read_at = $9, date_boxes = $10, label = $11, \
         last_name_lattice = $12, first_name_lattice = $13")
        .bind(r.copy_id)
        .bind(&r.last_name)
        .bind(&r.first_name)
        .bind(&r.birth_date)
        .bind(&r.date_digits)
        .bind(&r.number)
        .bind(r.boxes)
        .bind(&r.candidates)
        .bind(r.read_at)
        .bind(&r.date_boxes)
        .bind(&r.label)
        .bind(&r.last_name_lattice)
        .bind(&r.first_name_lattice)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The readings of an exam's copies.
pub async fn readings_of_exam(c: Conn<'_>, exam: ExamId) -> Result<Vec<Reading>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT r.copy_id, r.last_name, r.first_name, r.birth_date, r.date_digits, r.date_boxes, r.number, r.boxes, r.label, \
         r.last_name_lattice, r.first_name_lattice, r.candidates, r.read_at \
         FROM copy_readings r JOIN copies k ON k.id = r.copy_id WHERE k.exam_id = $1 ORDER BY r.copy_id")
        .bind(exam.0)
        .fetch_all(&mut *c)
        .await)?)
}

/// The suggestions (JSON) of some copies, as `(copy id, candidates)`.
pub async fn candidates_of_copies(
    c: Conn<'_>,
    copy_ids: &[i64],
) -> Result<Vec<(i64, String)>, StoreError> {
    if copy_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers only: safe to write into the statement.
    let list = crate::query::id_list(copy_ids);
    let sql = format!("SELECT copy_id, candidates FROM copy_readings WHERE copy_id IN ({list})");
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?)
}

/// Stores a copy's suggestions (JSON).
pub async fn set_candidates(c: Conn<'_>, copy: i64, json: &str) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE copy_readings SET candidates = $1 WHERE copy_id = $2")
        .bind(json)
        .bind(copy)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Sets (or clears, with `None`s) a copy's identification.
pub async fn set_identification(
    c: Conn<'_>,
    copy: i64,
    student: Option<i64>,
    method: Option<korrigo_domain::identify::IdMethod>,
    confidence: Option<f64>,
    by: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "UPDATE copies SET student_id = $1, id_method = $2, id_confidence = $3, id_by = $4, updated_at = $5 WHERE id = $6")
        .bind(student)
        .bind(method.map(|m| m.as_str()))
        .bind(confidence)
        .bind(by)
        .bind(now)
        .bind(copy)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The copy of an exam identified as a student, if any.
pub async fn copy_of_student(
    c: Conn<'_>,
    exam: ExamId,
    student: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar("SELECT id FROM copies WHERE exam_id = $1 AND student_id = $2 LIMIT 1")
        .bind(exam.0)
        .bind(student)
        .fetch_optional(&mut *c)
        .await)?,
    )
}

/// A student of an exam, for matching and the desk.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExamStudent {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    /// As stored (ISO `yyyy-mm-dd`).
    pub birth_date: String,
    pub class_name: Option<String>,
    pub search_text: String,
    /// The token printed on their identification labels, once labels were printed.
    pub label_token: Option<String>,
    /// Their national student number (INE), if the roster gave it.
    pub ine: Option<String>,
}

/// The students an exam concerns (those of its classes; everyone when it names none).
pub async fn exam_students(c: Conn<'_>, exam: ExamId) -> Result<Vec<ExamStudent>, StoreError> {
    // The classes' students through their index, or everyone when the exam names no class:
    // one `OR` (or a union) read the whole roster for an exam of a few classes.
    let mut c = c;
    let has_classes: bool = on_conn!(c.reborrow(), c => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM exam_classes WHERE exam_id = $1)")
        .bind(exam.0)
        .fetch_one(&mut *c)
        .await)?;
    const COLUMNS: &str = "s.id, s.last_name, s.first_name, s.birth_date, s.class_name, \
         s.search_text, s.label_token, s.ine";
    if has_classes {
        // PostgreSQL: class by class through the index (LATERAL, OFFSET 0 so that it is not
        // flattened into a join); with its default
        // random_page_cost a plain join read the whole roster for a few classes (25 ms for
        // 100,000 students, `korrigo bench queries`). SQLite looks each class up by itself.
        let sql = if c.backend() == crate::Backend::Postgres {
            format!(
                "SELECT {COLUMNS} FROM exam_classes e CROSS JOIN LATERAL \
                 (SELECT * FROM students x WHERE x.class_name = e.class_name) s \
                 WHERE e.exam_id = $1 ORDER BY s.last_name, s.first_name, s.id"
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM exam_classes e JOIN students s ON s.class_name = e.class_name \
                 WHERE e.exam_id = $1 ORDER BY s.last_name, s.first_name, s.id"
            )
        };
        Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(exam.0)
            .fetch_all(&mut *c)
            .await)?)
    } else {
        let sql =
            format!("SELECT {COLUMNS} FROM students s ORDER BY s.last_name, s.first_name, s.id");
        Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *c)
            .await)?)
    }
}

/// Some students by id (a page of copies' students), in no particular order.
pub async fn students_by_ids(c: Conn<'_>, ids: &[i64]) -> Result<Vec<ExamStudent>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers only: safe to write into the statement.
    let list = crate::query::id_list(ids);
    let sql = format!(
        "SELECT s.id, s.last_name, s.first_name, s.birth_date, s.class_name, s.search_text, \
         s.label_token, s.ine FROM students s WHERE s.id IN ({list})"
    );
    Ok(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?)
}

/// Gives a student their label token unless they already have one (a token, once printed,
/// never changes). Returns whether it was set.
pub async fn set_label_token(c: Conn<'_>, student: i64, token: &str) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE students SET label_token = $1 WHERE id = $2 AND label_token IS NULL")
        .bind(token)
        .bind(student)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Whether any student of an exam has a label token (labels were printed for them): only then
/// is it worth looking for labels on the exam's copies.
pub async fn exam_has_labels(c: Conn<'_>, exam: ExamId) -> Result<bool, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM students s WHERE s.label_token IS NOT NULL AND \
         (NOT EXISTS (SELECT 1 FROM exam_classes WHERE exam_id = $1) \
          OR s.class_name IN (SELECT class_name FROM exam_classes WHERE exam_id = $1)))")
        .bind(exam.0)
        .fetch_one(&mut *c)
        .await)?)
}
