//! 抽查对象名单 — the enterprises a task's scope gives.

use crate::domain::enterprise::RiskClass;
use crate::domain::task::Scope;
use crate::error::AppError;
use crate::ssr::db::QueryBuilder;
use sqlx::{AnyConnection, AnyPool};

/// `SELECT <columns> FROM enterprises WHERE <scope>`: active enterprises only.
fn scoped<'a>(columns: &str, scope: &'a Scope) -> QueryBuilder<'a> {
    let mut q = QueryBuilder::new(format!("SELECT {columns} FROM enterprises WHERE status = 'active'"));
    push_filters(&mut q, scope);
    q
}

/// `SELECT draw_id, id, credit_code, risk_class FROM enterprises WHERE <scope> ORDER BY
/// credit_code` pushed onto `q`: the rows of a draw's pool (`INSERT INTO draw_pool …`).
pub fn push_scoped_select<'a>(q: &mut QueryBuilder<'a>, draw_id: i64, scope: &'a Scope) {
    q.push("SELECT ").push_bind(draw_id);
    q.push(", id, credit_code, risk_class FROM enterprises WHERE status = 'active'");
    push_filters(q, scope);
    // In code order, the order of the pool's key: its index grows at one end.
    q.push(" ORDER BY credit_code");
}

/// ` AND …` for each of the scope's conditions.
fn push_filters<'a>(q: &mut QueryBuilder<'a>, scope: &'a Scope) {
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
    for (column, values) in
        [("industry", &scope.industries), ("nature", &scope.natures), ("scale", &scope.scales)]
    {
        if !values.is_empty() {
            q.push(format!(" AND {column} IN ("));
            let mut list = q.separated(", ");
            for v in values {
                list.push_bind(v);
            }
            q.push(")");
        }
    }
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

/// One page of a task's pool: the frozen list once frozen, else what its scope gives now.
/// Returns (rows of (credit code, name, region, filed on), total).
pub async fn pool_page(
    db: &AnyPool,
    task_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<(String, String, String, String)>, i64), crate::error::AppError> {
    let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
    let draw_id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM draws WHERE task_id = $1 AND abandoned_at IS NULL")
            .bind(task_id)
            .fetch_optional(db)
            .await?;
    if let Some(draw_id) = draw_id {
        let total: i64 = sqlx::query_scalar("SELECT count(*) FROM draw_pool WHERE draw_id = $1")
            .bind(draw_id)
            .fetch_one(db)
            .await?;
        let rows = sqlx::query_as(
            "SELECT p.code, e.name, r.name, e.filed_on FROM draw_pool p JOIN enterprises e ON e.id = p.enterprise_id \
             JOIN regions r ON r.code = e.region_code WHERE p.draw_id = $1 ORDER BY p.code LIMIT $2 OFFSET $3",
        )
        .bind(draw_id)
        .bind(i64::from(per_page))
        .bind(offset)
        .fetch_all(db)
        .await?;
        return Ok((rows, total));
    }
    let mut conn = db.acquire().await?;
    let scope = scope_of_task(&mut conn, task_id).await?;
    let members = members(&mut conn, &scope).await?;
    let total = members.len() as i64;
    let mut rows = Vec::new();
    for (id, code, _) in members.into_iter().skip(offset as usize).take(per_page as usize) {
        let (name, region, filed): (String, String, String) = sqlx::query_as(
            "SELECT e.name, r.name, e.filed_on FROM enterprises e JOIN regions r ON r.code = e.region_code WHERE e.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        rows.push((code, name, region, filed));
    }
    Ok((rows, total))
}

/// A task's scope columns as stored: the category and filing date as text, the lists as
/// JSON arrays (`NULL` = all).
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct ScopeColumns {
    pub scope_category: Option<String>,
    pub scope_filed_before: Option<String>,
    pub scope_regions: Option<String>,
    pub scope_risk_classes: Option<String>,
    pub scope_industries: Option<String>,
    pub scope_natures: Option<String>,
    pub scope_scales: Option<String>,
}

/// The scope columns, for a `SELECT` list (prefix with the table's alias as needed).
pub const SCOPE_COLUMNS: &str =
    "scope_category, scope_filed_before, scope_regions, scope_risk_classes, scope_industries, scope_natures, scope_scales";

impl ScopeColumns {
    /// The [`Scope`] these columns hold.
    pub fn scope(&self) -> Result<Scope, AppError> {
        let list = |text: &Option<String>| -> Result<Vec<String>, AppError> {
            Ok(text
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(AppError::internal)?
                .unwrap_or_default())
        };
        Ok(Scope {
            category: self.scope_category.clone(),
            filed_before: self.scope_filed_before.clone(),
            regions: list(&self.scope_regions)?,
            risk_classes: list(&self.scope_risk_classes)?
                .iter()
                .map(|c| RiskClass::parse(c).ok_or_else(|| AppError::internal(format!("bad risk class {c}"))))
                .collect::<Result<_, _>>()?,
            industries: list(&self.scope_industries)?,
            natures: list(&self.scope_natures)?,
            scales: list(&self.scope_scales)?,
        })
    }

    /// The columns of `scope`, as stored.
    pub fn of(scope: &Scope) -> Self {
        let json =
            |v: &[String]| (!v.is_empty()).then(|| serde_json::to_string(v).expect("strings serialise"));
        let classes: Vec<String> = scope.risk_classes.iter().map(|c| c.code().to_string()).collect();
        ScopeColumns {
            scope_category: scope.category.clone(),
            scope_filed_before: scope.filed_before.clone(),
            scope_regions: json(&scope.regions),
            scope_risk_classes: json(&classes),
            scope_industries: json(&scope.industries),
            scope_natures: json(&scope.natures),
            scope_scales: json(&scope.scales),
        }
    }
}

/// The scope filters stored on task `task_id`.
pub async fn scope_of_task(conn: &mut AnyConnection, task_id: i64) -> Result<Scope, AppError> {
    let row: Option<ScopeColumns> =
        sqlx::query_as(&format!("SELECT {SCOPE_COLUMNS} FROM tasks WHERE id = $1"))
            .bind(task_id)
            .fetch_optional(&mut *conn)
            .await?;
    row.ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))?.scope()
}
