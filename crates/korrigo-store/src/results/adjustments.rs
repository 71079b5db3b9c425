//! Harmonisation adjustments: at most one in force per corrector and exam; a removed one keeps
//! its row (who removed it, when).

use crate::{Conn, StoreError, on_conn};
use korrigo_domain::adjust::Adjustment;

/// A stored adjustment.
#[derive(Clone, Debug)]
pub struct AdjustmentRow {
    pub id: i64,
    pub exam_id: i64,
    /// The corrector whose copies it adjusts.
    pub corrector_id: i64,
    pub adjustment: Adjustment,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub removed_by: Option<i64>,
    pub removed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Raw {
    id: i64,
    exam_id: i64,
    corrector_id: i64,
    kind: String,
    offset_hundredths: Option<i64>,
    from_low: Option<i64>,
    to_low: Option<i64>,
    from_high: Option<i64>,
    to_high: Option<i64>,
    created_by: Option<i64>,
    created_at: i64,
    removed_by: Option<i64>,
    removed_at: Option<i64>,
}

const COLUMNS: &str = "id, exam_id, corrector_id, kind, offset_hundredths, from_low, to_low, \
     from_high, to_high, created_by, created_at, removed_by, removed_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("adjustment: {what}"))
}

impl TryFrom<Raw> for AdjustmentRow {
    type Error = StoreError;

    fn try_from(r: Raw) -> Result<Self, StoreError> {
        let u = |v: Option<i64>, what: &str| {
            v.and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| corrupt(what))
        };
        let adjustment = match r.kind.as_str() {
            "offset" => Adjustment::Offset {
                hundredths: r
                    .offset_hundredths
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or_else(|| corrupt("offset"))?,
            },
            "linear" => Adjustment::Linear {
                from_low: u(r.from_low, "from_low")?,
                to_low: u(r.to_low, "to_low")?,
                from_high: u(r.from_high, "from_high")?,
                to_high: u(r.to_high, "to_high")?,
            },
            other => return Err(corrupt(&format!("unknown kind `{other}`"))),
        };
        Ok(AdjustmentRow {
            id: r.id,
            exam_id: r.exam_id,
            corrector_id: r.corrector_id,
            adjustment,
            created_by: r.created_by,
            created_at: r.created_at,
            removed_by: r.removed_by,
            removed_at: r.removed_at,
        })
    }
}

fn rows(raw: Vec<Raw>) -> Result<Vec<AdjustmentRow>, StoreError> {
    raw.into_iter().map(AdjustmentRow::try_from).collect()
}

/// An exam's adjustments, those in force first, then the removed ones, newest first.
pub async fn adjustments_of_exam(
    c: Conn<'_>,
    exam_id: i64,
) -> Result<Vec<AdjustmentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM adjustments WHERE exam_id = $1 \
         ORDER BY CASE WHEN removed_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC"
    );
    rows(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// The adjustments in force in an exam.
pub async fn adjustments_in_force(
    c: Conn<'_>,
    exam_id: i64,
) -> Result<Vec<AdjustmentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM adjustments WHERE exam_id = $1 AND removed_at IS NULL ORDER BY id"
    );
    rows(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// One adjustment.
pub async fn find_adjustment(c: Conn<'_>, id: i64) -> Result<Option<AdjustmentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM adjustments WHERE id = $1");
    let r: Option<Raw> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *c)
        .await)?;
    r.map(AdjustmentRow::try_from).transpose()
}

/// Puts an adjustment in force for a corrector, removing the one in force before (returned,
/// for the journal). Call inside a transaction.
pub async fn put_adjustment(
    c: Conn<'_>,
    exam_id: i64,
    corrector_id: i64,
    adjustment: &Adjustment,
    by: i64,
    now: i64,
) -> Result<(i64, Option<AdjustmentRow>), StoreError> {
    let mut c = c;
    let sql = format!(
        "UPDATE adjustments SET removed_at = $3, removed_by = $4 \
         WHERE exam_id = $1 AND corrector_id = $2 AND removed_at IS NULL RETURNING {COLUMNS}"
    );
    let before: Option<Raw> = on_conn!(c.reborrow(), c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(exam_id)
        .bind(corrector_id)
        .bind(now)
        .bind(by)
        .fetch_optional(&mut *c)
        .await)?;
    let (kind, offset, fl, tl, fh, th) = match *adjustment {
        Adjustment::Offset { hundredths } => (
            "offset",
            Some(i64::from(hundredths)),
            None,
            None,
            None,
            None,
        ),
        Adjustment::Linear {
            from_low,
            to_low,
            from_high,
            to_high,
        } => (
            "linear",
            None,
            Some(i64::from(from_low)),
            Some(i64::from(to_low)),
            Some(i64::from(from_high)),
            Some(i64::from(to_high)),
        ),
    };
    let id: i64 = on_conn!(c, c => sqlx::query_scalar(
        "INSERT INTO adjustments (exam_id, corrector_id, kind, offset_hundredths, from_low, to_low, \
         from_high, to_high, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(exam_id)
        .bind(corrector_id)
        .bind(kind)
        .bind(offset)
        .bind(fl)
        .bind(tl)
        .bind(fh)
        .bind(th)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *c)
        .await)?;
    Ok((id, before.map(AdjustmentRow::try_from).transpose()?))
}

/// Removes an adjustment in force; `false` when it was not (already removed).
pub async fn remove_adjustment(
    c: Conn<'_>,
    id: i64,
    by: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = on_conn!(c, c => sqlx::query(
        "UPDATE adjustments SET removed_at = $2, removed_by = $3 WHERE id = $1 AND removed_at IS NULL")
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The adjustments in force on a corrector's grades, across exams.
pub async fn adjustments_of_corrector(
    c: Conn<'_>,
    corrector_id: i64,
) -> Result<Vec<AdjustmentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM adjustments WHERE corrector_id = $1 AND removed_at IS NULL \
         ORDER BY exam_id"
    );
    rows(on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(corrector_id)
        .fetch_all(&mut *c)
        .await)?)
}

/// The adjustment in force on each of these copies (through its corrector), by copy.
pub async fn adjustments_of_copies(
    c: Conn<'_>,
    copy_ids: &[i64],
) -> Result<Vec<(i64, AdjustmentRow)>, StoreError> {
    if copy_ids.is_empty() {
        return Ok(vec![]);
    }
    let cols: String = COLUMNS
        .split(", ")
        .map(|col| format!("a.{col}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT k.id AS copy_id, {cols} FROM copies k JOIN adjustments a \
         ON a.exam_id = k.exam_id AND a.corrector_id = k.corrector_id AND a.removed_at IS NULL \
         WHERE k.id IN ({})",
        crate::query::id_list(copy_ids)
    );
    #[derive(sqlx::FromRow)]
    struct WithCopy {
        copy_id: i64,
        #[sqlx(flatten)]
        raw: Raw,
    }
    let rows: Vec<WithCopy> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter()
        .map(|r| Ok((r.copy_id, AdjustmentRow::try_from(r.raw)?)))
        .collect()
}
