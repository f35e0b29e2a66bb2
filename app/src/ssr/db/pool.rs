//! 抽查对象名单 — the enterprises a task's scope gives.

use crate::domain::task::Scope;
use crate::ssr::db::QueryBuilder;
use sqlx::AnyConnection;

/// `SELECT <columns> FROM enterprises WHERE <scope>`: active enterprises only.
fn scoped<'a>(columns: &str, scope: &'a Scope) -> QueryBuilder<'a> {
    let mut q = QueryBuilder::new(format!("SELECT {columns} FROM enterprises WHERE status = 'active'"));
    if let Some(c) = &scope.category {
        q.push(" AND category = ").push_bind(c);
    }
    if let Some(d) = &scope.filed_before {
        q.push(" AND filed_on <= ").push_bind(d);
    }
    if !scope.regions.is_empty() {
        q.push(" AND region_code IN (");
        let mut list = q.separated(", ");
        for r in &scope.regions {
            list.push_bind(r);
        }
        q.push(")");
    }
    if !scope.risk_classes.is_empty() {
        q.push(" AND risk_class IN (");
        let mut list = q.separated(", ");
        for r in &scope.risk_classes {
            list.push_bind(r.code());
        }
        q.push(")");
    }
    q
}

/// The pool: (enterprise id, credit code, risk class), in credit-code order.
pub async fn members(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    let mut q = scoped("id, credit_code, risk_class", scope);
    q.push(" ORDER BY credit_code");
    q.build_query_as().fetch_all(conn).await
}

/// How many enterprises of each risk class the scope gives now.
pub async fn count_by_class(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut q = scoped("risk_class, count(*)", scope);
    q.push(" GROUP BY risk_class ORDER BY risk_class");
    q.build_query_as().fetch_all(conn).await
}
