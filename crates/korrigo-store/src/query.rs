//! A small builder for the few queries whose filters depend on the request (list pages).
//! Values are always bound, never spliced into the SQL text.

/// Binds every argument of a [`Filter`] to a sqlx query, on whichever backend.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::query::Arg::I64(v) => q.bind(*v),
                $crate::query::Arg::Text(v) => q.bind(v.clone()),
                $crate::query::Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// A value bound to a placeholder.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    I64(i64),
    Text(String),
    Bool(bool),
}

/// A `WHERE` clause built from optional filters, with `$n` placeholders numbered in order.
#[derive(Default, Debug)]
pub(crate) struct Filter {
    clauses: Vec<String>,
    pub(crate) args: Vec<Arg>,
}

impl Filter {
    /// Adds a condition; each `?` in `clause` becomes the next `$n` and takes one of `args`.
    pub(crate) fn and(&mut self, clause: &str, args: impl IntoIterator<Item = Arg>) {
        let mut out = String::new();
        let mut args = args.into_iter();
        for ch in clause.chars() {
            if ch == '?' {
                let a = args.next().expect("one argument per placeholder");
                self.args.push(a);
                out.push_str(&format!("${}", self.args.len()));
            } else {
                out.push(ch);
            }
        }
        self.clauses.push(out);
    }

    /// The next placeholder number (for LIMIT/OFFSET after the filters).
    pub(crate) fn next_placeholder(&self) -> usize {
        self.args.len() + 1
    }

    /// ` WHERE a AND b`, or nothing.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// Fetches one page of `SELECT {columns} FROM {from}{filter} ORDER BY {order_by}` and the total
/// count matching the filter: two queries, whatever the page size.
pub(crate) async fn fetch_page<R>(
    mut c: crate::Conn<'_>,
    from: &str,
    columns: &str,
    w: &Filter,
    order_by: &str,
    page: korrigo_domain::PageRequest,
) -> Result<korrigo_domain::Paged<R>, crate::StoreError>
where
    R: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    let count_sql = format!("SELECT COUNT(*) FROM {from}{}", w.sql());
    let n = w.next_placeholder();
    let list_sql = format!(
        "SELECT {columns} FROM {from}{} ORDER BY {order_by} LIMIT ${} OFFSET ${}",
        w.sql(),
        n,
        n + 1
    );
    let total: i64 = crate::on_conn!(c.reborrow(), c => bind_args!(sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql)), &w.args)
        .fetch_one(&mut *c)
        .await)?;
    let items: Vec<R> = crate::on_conn!(c.reborrow(), c => bind_args!(sqlx::query_as(sqlx::AssertSqlSafe(list_sql)), &w.args)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&mut *c)
        .await)?;
    Ok(korrigo_domain::Paged {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern and wraps it in `%...%`,
/// lower-cased (compare with `LOWER(column)`).
/// Ids as the inside of a SQL `IN (...)` list. Ids are integers, so nothing can be injected.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub(crate) fn contains_pattern(s: &str) -> String {
    let mut p = String::from("%");
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut f = Filter::default();
        f.and("role = ?", [Arg::Text("admin".into())]);
        f.and(
            "(a LIKE ? OR b LIKE ?)",
            [Arg::Text("x".into()), Arg::Text("x".into())],
        );
        assert_eq!(f.sql(), " WHERE role = $1 AND (a LIKE $2 OR b LIKE $3)");
        assert_eq!(f.next_placeholder(), 4);
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(contains_pattern("50%_A"), "%50\\%\\_a%");
    }
}
