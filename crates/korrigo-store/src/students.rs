//! Students of the school (the roster).

use crate::query::{Arg, Filter, contains_pattern, fetch_page};
use crate::{Conn, StoreError, classify, on_conn};
use korrigo_domain::roster::{StudentRecord, student_key};
use korrigo_domain::text::fold;
use korrigo_domain::{Date, PageRequest, Paged, UserId};

use std::collections::HashMap;

/// A stored student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Student {
    /// The id.
    pub id: i64,
    /// Last name.
    pub last_name: String,
    /// First name(s).
    pub first_name: String,
    /// Birth date.
    pub birth_date: Date,
    /// Class.
    pub class: Option<String>,
    /// Group.
    pub group: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// National student id.
    pub ine: Option<String>,
    /// The login account, once generated.
    pub user_id: Option<UserId>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct StudentRow {
    id: i64,
    last_name: String,
    first_name: String,
    birth_date: String,
    class_name: Option<String>,
    group_name: Option<String>,
    email: Option<String>,
    ine: Option<String>,
    user_id: Option<i64>,
}

const COLUMNS: &str =
    "id, last_name, first_name, birth_date, class_name, group_name, email, ine, user_id";

impl TryFrom<StudentRow> for Student {
    type Error = StoreError;
    fn try_from(r: StudentRow) -> Result<Student, StoreError> {
        Ok(Student {
            id: r.id,
            birth_date: Date::parse(&r.birth_date).map_err(StoreError::Corrupt)?,
            last_name: r.last_name,
            first_name: r.first_name,
            class: r.class_name,
            group: r.group_name,
            email: r.email,
            ine: r.ine,
            user_id: r.user_id.map(UserId),
        })
    }
}

/// The French sort key of a student's name (see migration 6).
pub fn name_key(last_name: &str, first_name: &str) -> String {
    format!(
        "{}\u{1}{}",
        korrigo_domain::text::sort_key(last_name),
        korrigo_domain::text::sort_key(first_name)
    )
}

fn search_text(r: &StudentRecord) -> String {
    fold(&format!(
        "{} {} {} {} {}",
        r.last_name,
        r.first_name,
        r.class.as_deref().unwrap_or(""),
        r.group.as_deref().unwrap_or(""),
        r.ine.as_deref().unwrap_or("")
    ))
}

impl Student {
    /// The student's fields as a record (for comparisons and updates).
    pub fn record(&self) -> StudentRecord {
        StudentRecord {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            birth_date: self.birth_date,
            class: self.class.clone(),
            group: self.group.clone(),
            email: self.email.clone(),
            ine: self.ine.clone(),
        }
    }
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New students.
    pub imported: usize,
    /// Students whose stored data changed.
    pub updated: usize,
    /// Students already stored exactly so.
    pub unchanged: usize,
}

/// What importing `rows` would do to each: insert, update (which student) or nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// A new student.
    Insert,
    /// An existing student whose data changes.
    Update {
        /// The stored student's id.
        id: i64,
    },
    /// An existing student, identical.
    Unchanged {
        /// The stored student's id.
        id: i64,
    },
}

/// Plans an import: matches each record to a stored student by INE (when both have one), else
/// by folded last name, first name and birth date. Reads all students once.
pub async fn plan(c: Conn<'_>, rows: &[StudentRecord]) -> Result<Vec<Planned>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM students");
    let stored: Vec<StudentRow> =
        on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await)?;
    let stored: Vec<Student> = stored
        .into_iter()
        .map(Student::try_from)
        .collect::<Result<_, _>>()?;
    let by_ine: HashMap<&str, &Student> = stored
        .iter()
        .filter_map(|s| s.ine.as_deref().map(|i| (i, s)))
        .collect();
    let by_key: HashMap<String, &Student> = stored
        .iter()
        .map(|s| (student_key(&s.last_name, &s.first_name, &s.birth_date), s))
        .collect();
    Ok(rows
        .iter()
        .map(|r| {
            let found = r
                .ine
                .as_deref()
                .and_then(|i| by_ine.get(i))
                .or_else(|| by_key.get(&r.key()));
            match found {
                None => Planned::Insert,
                Some(s) => {
                    // A re-import without INE or e-mail does not erase what is stored.
                    let mut merged = r.clone();
                    if merged.ine.is_none() {
                        merged.ine = s.ine.clone();
                    }
                    if merged.email.is_none() {
                        merged.email = s.email.clone();
                    }
                    if merged == s.record() {
                        Planned::Unchanged { id: s.id }
                    } else {
                        Planned::Update { id: s.id }
                    }
                }
            }
        })
        .collect())
}

/// Applies a planned import in the caller's transaction.
pub async fn apply(
    mut c: Conn<'_>,
    rows: &[StudentRecord],
    plan: &[Planned],
    now: i64,
) -> Result<ImportCounts, StoreError> {
    let mut counts = ImportCounts::default();
    for (r, p) in rows.iter().zip(plan) {
        match p {
            Planned::Insert => {
                insert(c.reborrow(), r, now).await?;
                counts.imported += 1;
            }
            Planned::Update { id } => {
                update(c.reborrow(), *id, r, true, now).await?;
                counts.updated += 1;
            }
            Planned::Unchanged { .. } => counts.unchanged += 1,
        }
    }
    Ok(counts)
}

/// Inserts a student.
pub async fn insert(c: Conn<'_>, r: &StudentRecord, now: i64) -> Result<i64, StoreError> {
    let sql = "INSERT INTO students (last_name, first_name, birth_date, class_name, group_name, email, ine, \
               identity_key, search_text, created_at, updated_at, name_key) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id";
    let id: i64 = on_conn!(c, c => sqlx::query_scalar(sql)
        .bind(&r.last_name)
        .bind(&r.first_name)
        .bind(r.birth_date.iso())
        .bind(r.class.clone())
        .bind(r.group.clone())
        .bind(r.email.clone())
        .bind(r.ine.clone())
        .bind(r.key())
        .bind(search_text(r))
        .bind(now)
        .bind(name_key(&r.last_name, &r.first_name))
        .fetch_one(&mut *c)
        .await)
    .map_err(|e| classify(e, &["identity_key", "ine"]))?;
    Ok(id)
}

/// Updates a student. With `keep_missing`, absent e-mail and INE keep their stored values
/// (re-imports); without, the record is taken as it is (edits).
pub async fn update(
    c: Conn<'_>,
    id: i64,
    r: &StudentRecord,
    keep_missing: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let sql = if keep_missing {
        "UPDATE students SET last_name = $1, first_name = $2, birth_date = $3, class_name = $4, \
         group_name = $5, email = COALESCE($6, email), ine = COALESCE($7, ine), identity_key = $8, \
         search_text = $9, updated_at = $10, name_key = $12 WHERE id = $11"
    } else {
        "UPDATE students SET last_name = $1, first_name = $2, birth_date = $3, class_name = $4, \
         group_name = $5, email = $6, ine = $7, identity_key = $8, search_text = $9, updated_at = $10, \
         name_key = $12 WHERE id = $11"
    };
    let n = on_conn!(c, c => sqlx::query(sql)
        .bind(&r.last_name)
        .bind(&r.first_name)
        .bind(r.birth_date.iso())
        .bind(r.class.clone())
        .bind(r.group.clone())
        .bind(r.email.clone())
        .bind(r.ine.clone())
        .bind(r.key())
        .bind(search_text(r))
        .bind(now)
        .bind(id)
        .bind(name_key(&r.last_name, &r.first_name))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(|e| classify(e, &["identity_key", "ine"]))?;
    Ok(n > 0)
}

/// Finds a student.
pub async fn find(c: Conn<'_>, id: i64) -> Result<Option<Student>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM students WHERE id = $1");
    let row: Option<StudentRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await)?;
    row.map(Student::try_from).transpose()
}

/// Filters of the student list.
#[derive(Clone, Debug, Default)]
pub struct StudentFilter {
    /// Only this class.
    pub class: Option<String>,
    /// Only this group.
    pub group: Option<String>,
    /// Text in the names, class, group or INE (case and accents ignored).
    pub search: Option<String>,
    /// Sort order.
    pub sort: StudentSort,
}

/// Sort orders of the student list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StudentSort {
    /// Last name, first name.
    #[default]
    Name,
    /// Class, then name.
    Class,
    /// Group, then name.
    Group,
}

impl StudentSort {
    /// Parses a `sort` parameter.
    pub fn parse(s: &str) -> Option<StudentSort> {
        match s {
            "name" => Some(StudentSort::Name),
            "class" => Some(StudentSort::Class),
            "group" => Some(StudentSort::Group),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            StudentSort::Name => "name_key, id",
            StudentSort::Class => "class_name, name_key, id",
            StudentSort::Group => "group_name, name_key, id",
        }
    }
}

/// One page of students; two queries whatever the page size.
pub async fn list(
    c: Conn<'_>,
    f: &StudentFilter,
    page: PageRequest,
) -> Result<Paged<Student>, StoreError> {
    let mut w = Filter::default();
    if let Some(cl) = f.class.as_deref().filter(|s| !s.is_empty()) {
        w.and("class_name = ?", [Arg::Text(cl.into())]);
    }
    if let Some(g) = f.group.as_deref().filter(|s| !s.is_empty()) {
        w.and("group_name = ?", [Arg::Text(g.into())]);
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        w.and(
            "search_text LIKE ? ESCAPE '\\'",
            [Arg::Text(contains_pattern(&fold(s)))],
        );
    }
    let rows =
        fetch_page::<StudentRow>(c, "students", COLUMNS, &w, f.sort.order_by(), page).await?;
    Ok(Paged {
        items: rows
            .items
            .into_iter()
            .map(Student::try_from)
            .collect::<Result<_, _>>()?,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// Every class with its number of students, by name.
pub async fn classes(c: Conn<'_>) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(on_conn!(c, c => sqlx::query_as(
        "SELECT class_name, COUNT(*) FROM students WHERE class_name IS NOT NULL GROUP BY class_name ORDER BY class_name")
        .fetch_all(&mut *c)
        .await)?)
}

/// How many students there are.
pub async fn count(c: Conn<'_>) -> Result<i64, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar("SELECT COUNT(*) FROM students").fetch_one(&mut *c).await)?,
    )
}

/// Students without a login account, by name (those of `class` only, when given).
pub async fn without_account(c: Conn<'_>, class: Option<&str>) -> Result<Vec<Student>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM students WHERE user_id IS NULL AND ($1 = '' OR class_name = $1) \
         ORDER BY class_name, name_key, id"
    );
    let rows: Vec<StudentRow> = on_conn!(c, c => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(class.unwrap_or(""))
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter().map(Student::try_from).collect()
}

/// Links a student to their login account.
pub async fn set_user(c: Conn<'_>, student: i64, user: UserId, now: i64) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("UPDATE students SET user_id = $1, updated_at = $2 WHERE id = $3")
        .bind(user.0)
        .bind(now)
        .bind(student)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Stores (or replaces) the hash of a user's one-time activation code.
pub async fn set_activation(
    c: Conn<'_>,
    user: UserId,
    code_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query(
        "INSERT INTO activation_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at")
        .bind(user.0)
        .bind(code_hash)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The hash of a user's pending activation code.
pub async fn activation(c: Conn<'_>, user: UserId) -> Result<Option<String>, StoreError> {
    Ok(
        on_conn!(c, c => sqlx::query_scalar("SELECT code_hash FROM activation_codes WHERE user_id = $1")
        .bind(user.0)
        .fetch_optional(&mut *c)
        .await)?,
    )
}

/// Burns a user's activation code.
pub async fn clear_activation(c: Conn<'_>, user: UserId) -> Result<(), StoreError> {
    on_conn!(c, c => sqlx::query("DELETE FROM activation_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
