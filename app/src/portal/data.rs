//! What the portal reads: only published things, never a risk class, a secret before
//! its reveal, an inspector or a staff member's name.
//!
//! Every query here names its columns and filters on publication itself, so a page can
//! only show what these functions return.

use crate::domain::auth::SessionUser;
use crate::domain::draw::public::PublicDraw;
use crate::domain::draw::Manifest;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::domain::result::PublicResult;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use serde::Serialize;
use sqlx::AnyPool;

/// Task statuses the public sees: from filing (备案) on. Drafts, submitted and approved
/// tasks are internal.
pub const PUBLIC_STATUSES: &str =
    "('filed', 'frozen', 'drawn', 'inspecting', 'results_entered', 'reviewed', 'published', 'closed')";

/// Statuses whose results are public.
const RESULTS_PUBLIC: &str = "('published', 'closed')";

/// Whether the public may see a task in this status.
pub fn is_public(status: TaskStatus) -> bool {
    !matches!(status, TaskStatus::Draft | TaskStatus::Submitted | TaskStatus::Approved)
}

/// Where a task stands, as the public is told.
pub fn stage_label(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Filed => "已备案，待抽取",
        TaskStatus::Frozen => "名录已冻结，待抽取",
        TaskStatus::Drawn | TaskStatus::Inspecting | TaskStatus::ResultsEntered | TaskStatus::Reviewed => {
            "已抽取，检查中"
        }
        TaskStatus::Published | TaskStatus::Closed => "结果已公示",
        _ => "未公开",
    }
}

/// The plan of a year with only its public tasks; `None` when it has none.
pub async fn plan(db: &AnyPool, year: i32) -> Result<Option<AnnualPlan>, AppError> {
    let Some(mut plan) = crate::ssr::db::plans::plan_of_year(db, year).await? else { return Ok(None) };
    plan.tasks.retain(|t| is_public(t.status));
    Ok((!plan.tasks.is_empty()).then_some(plan))
}

/// Years with at least one public task, newest first.
pub async fn plan_years(db: &AnyPool) -> Result<Vec<i32>, AppError> {
    let years: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT p.year FROM annual_plans p JOIN tasks t ON t.annual_plan_id = p.id \
         WHERE t.status IN {PUBLIC_STATUSES} ORDER BY p.year DESC"
    ))
    .fetch_all(db)
    .await?;
    Ok(years.into_iter().map(|y| y as i32).collect())
}

/// A public task by id.
pub async fn task(db: &AnyPool, id: i64) -> Result<TaskRow, AppError> {
    crate::ssr::db::plans::task(db, id)
        .await?
        .filter(|t| is_public(t.status))
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的公开抽查任务")))
}

/// A draw as the public sees it: before the reveal only what freezing published.
#[derive(Clone, Debug, Serialize)]
pub struct DrawView {
    pub draw_id: i64,
    pub task_id: i64,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    /// When the commitment was published (the pool frozen), UTC.
    pub frozen_at: String,
    pub place: String,
    /// After the draw: when, the summary, and the manifest if it may be public.
    pub drawn: Option<Drawn>,
}

/// The revealed part of a draw.
#[derive(Clone, Debug, Serialize)]
pub struct Drawn {
    pub drawn_at: String,
    pub summary: PublicDraw,
    /// Names of the selected enterprises, in selection order.
    pub names: Vec<String>,
    /// Whether the whole manifest is public (one stratum: no risk classes in it).
    pub manifest_public: bool,
}

/// The draw of a public task, if the task has been frozen.
pub async fn draw(db: &AnyPool, task_id: i64) -> Result<Option<DrawView>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        pool_count: i64,
        pool_digest: String,
        commitment: String,
        frozen_at: String,
        place: String,
        manifest: Option<String>,
        drawn_at: Option<String>,
    }
    // The secret column is read only inside the finished manifest.
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT d.id, d.pool_count, d.pool_digest, d.commitment, d.frozen_at, d.place, d.manifest, d.drawn_at \
         FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.task_id = $1 AND t.status IN {PUBLIC_STATUSES}"
    ))
    .bind(task_id)
    .fetch_optional(db)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let drawn = match (r.manifest, r.drawn_at) {
        (Some(json), Some(drawn_at)) => {
            let manifest: Manifest = serde_json::from_str(&json).map_err(AppError::internal)?;
            let names: Vec<String> = sqlx::query_scalar(
                "SELECT e.name FROM draw_selections s JOIN enterprises e ON e.id = s.enterprise_id \
                 WHERE s.draw_id = $1 ORDER BY s.position",
            )
            .bind(r.id)
            .fetch_all(db)
            .await?;
            let single = crate::domain::draw::public::single_stratum(&manifest.input.pool);
            let summary = match crate::ssr::db::draws::stratum_salts(db, r.id).await? {
                Some(salts) if !single => PublicDraw::of_salted(&manifest, &salts),
                _ => PublicDraw::of(&manifest),
            };
            Some(Drawn { drawn_at, manifest_public: single, summary, names })
        }
        _ => None,
    };
    Ok(Some(DrawView {
        draw_id: r.id,
        task_id,
        pool_count: r.pool_count,
        pool_digest: r.pool_digest,
        commitment: r.commitment,
        frozen_at: r.frozen_at,
        place: r.place,
        drawn,
    }))
}

/// A draw's manifest for `user` (or anyone): whole when its pool has one stratum, else
/// only for those whose role reaches the task (`domain::access::manifest_reach`: the
/// strata are the enterprises' risk classes).
pub async fn manifest(db: &AnyPool, draw_id: i64, user: Option<&SessionUser>) -> Result<String, AppError> {
    let json = crate::ssr::db::draws::manifest(db, draw_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("第 {draw_id} 号抽取尚未完成或不存在")))?;
    let manifest: Manifest = serde_json::from_str(&json).map_err(AppError::internal)?;
    if crate::domain::draw::public::single_stratum(&manifest.input.pool) {
        return Ok(json);
    }
    let Some(user) = user else {
        return Err(AppError::Unauthorized(
            "该抽取按信用风险分类分层，完整清单含各企业的风险分类，不对外公开；请登录（纪检监督或本局人员）后查看。\
             公众可在公示页复核承诺值、种子与每个抽中企业的键值。"
                .into(),
        ));
    };
    let departments = crate::ssr::db::draws::departments_of_draw(db, draw_id).await?;
    let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
    let reach = crate::domain::access::manifest_reach(user.role);
    if crate::domain::access::reaches_task(user, reach, &departments) {
        Ok(json)
    } else {
        Err(AppError::Forbidden(
            "该抽取按信用风险分类分层，完整清单含各企业的风险分类；只有纪检监督、局领导、秩序处和本任务部门的人员可以查看。".into(),
        ))
    }
}

/// One enterprise of a pool as published: code and name, never its stratum.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct PoolMember {
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "crate::ssr::db::Flag")]
    pub selected: bool,
}

/// The pool of a drawn public task, by code.
pub async fn pool(db: &AnyPool, task_id: i64) -> Result<Vec<PoolMember>, AppError> {
    let members = sqlx::query_as::<_, PoolMember>(&format!(
        "SELECT p.code, e.name, EXISTS (SELECT 1 FROM draw_selections s WHERE s.draw_id = p.draw_id \
         AND s.enterprise_id = p.enterprise_id) AS selected \
         FROM draw_pool p JOIN draws d ON d.id = p.draw_id JOIN tasks t ON t.id = d.task_id \
         JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE d.task_id = $1 AND d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} ORDER BY p.code"
    ))
    .bind(task_id)
    .fetch_all(db)
    .await?;
    Ok(members)
}

/// A published result with its task, for lists and search.
#[derive(Clone, Debug, Serialize)]
pub struct ResultRow {
    pub task_id: i64,
    pub task_name: String,
    /// 抽查部门 (initiating department, short name).
    pub department: String,
    /// 抽查内容: the task's inspection items.
    pub items: String,
    #[serde(flatten)]
    pub result: PublicResult,
    /// Whether it was published by the deadline (20 working days after the window).
    pub on_time: Option<bool>,
}

#[derive(sqlx::FromRow)]
struct ResultRecord {
    task_id: i64,
    task_name: String,
    department: String,
    window_year: i64,
    window_end_month: i64,
    items: String,
    name: String,
    code: String,
    inspected_on: String,
    method: String,
    categories: String,
    problems: String,
    handling: String,
    referral_department: String,
    published_at: String,
}

/// Driven from the results (CROSS JOIN keeps SQLite from starting at a million
/// enterprises when the search text cannot use an index).
const RESULT_SELECT: &str = "SELECT t.id AS task_id, t.task_name, dp.short_name AS department, t.window_year, \
     t.window_end_month, (SELECT string_agg(i.name, '、' ORDER BY ti.position) FROM task_items ti \
     JOIN inspection_items i ON i.id = ti.item_id WHERE ti.task_id = t.id) AS items, \
     e.name, e.credit_code AS code, r.inspected_on, r.method, r.categories, r.problems, r.handling, \
     r.referral_department, r.published_at \
     FROM inspection_results r CROSS JOIN draws d ON d.id = r.draw_id CROSS JOIN tasks t ON t.id = d.task_id \
     JOIN departments dp ON dp.id = t.initiating_department_id CROSS JOIN enterprises e ON e.id = r.enterprise_id";

/// Every published result, newest first (the portal's [`super::search`] snapshot holds
/// them; pages read that).
pub async fn all_results(conn: &mut sqlx::AnyConnection) -> Result<Vec<ResultRow>, AppError> {
    // PostgreSQL orders joins itself and has no `CROSS JOIN … ON`.
    let select = match crate::ssr::db::Backend::of(conn) {
        crate::ssr::db::Backend::Sqlite => RESULT_SELECT.to_owned(),
        crate::ssr::db::Backend::Postgres => RESULT_SELECT.replace("CROSS JOIN", "JOIN"),
    };
    let sql = format!(
        "{select} WHERE r.published_at IS NOT NULL AND t.status IN {RESULTS_PUBLIC} \
         ORDER BY r.published_at DESC, t.id DESC, e.credit_code"
    );
    let records = sqlx::query_as::<_, ResultRecord>(&sql).fetch_all(&mut *conn).await?;
    let cal = crate::ssr::db::calendar::calendar(&mut *conn).await?;
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    Ok(records
        .into_iter()
        .map(|r| {
            let due =
                crate::ssr::db::calendar::deadline(&cal, r.window_year as i32, r.window_end_month as u32);
            let published_on = r.published_at.get(..10).unwrap_or(&r.published_at).to_string();
            ResultRow {
                task_id: r.task_id,
                task_name: r.task_name,
                department: r.department,
                items: r.items,
                on_time: due.map(|d| published_on <= d),
                result: PublicResult {
                    categories: list(&r.categories),
                    handling: list(&r.handling),
                    published_on,
                    name: r.name,
                    code: r.code,
                    inspected_on: r.inspected_on,
                    method: r.method,
                    problems: r.problems,
                    referral_department: r.referral_department,
                },
            }
        })
        .collect())
}

/// An enterprise as the portal knows it: only when it was in a public draw's pool.
#[derive(Clone, Debug, Serialize)]
pub struct EnterpriseRecord {
    pub code: String,
    pub name: String,
    /// Each public draw whose pool held it: (task id, task name, drawn at, selected).
    pub draws: Vec<(i64, String, String, bool)>,
    pub results: Vec<ResultRow>,
}

/// “Was I drawn, and what was found?” for a credit code; `None` when no public draw held it.
pub async fn enterprise(
    db: &AnyPool,
    code: &str,
    results: &super::search::Snapshot,
) -> Result<Option<EnterpriseRecord>, AppError> {
    let code = code.trim().to_ascii_uppercase();
    let draws: Vec<(i64, String, String, crate::ssr::db::Flag, String)> = sqlx::query_as(&format!(
        "SELECT t.id, t.task_name, d.drawn_at, EXISTS (SELECT 1 FROM draw_selections s WHERE s.draw_id = d.id \
         AND s.code = p.code), e.name FROM draw_pool p JOIN draws d ON d.id = p.draw_id \
         JOIN tasks t ON t.id = d.task_id JOIN enterprises e ON e.id = p.enterprise_id \
         WHERE p.code = $1 AND d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} ORDER BY d.drawn_at DESC"
    ))
    .bind(&code)
    .fetch_all(db)
    .await?;
    let Some(name) = draws.first().map(|d| d.4.clone()) else { return Ok(None) };
    let results = results.of_code(&code);
    Ok(Some(EnterpriseRecord {
        code,
        name,
        draws: draws.into_iter().map(|(id, task, at, selected, _)| (id, task, at, selected.0)).collect(),
        results,
    }))
}

/// A frozen task waiting for its draw, with its published commitment.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Upcoming {
    pub task_id: i64,
    pub task_name: String,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
}

/// Frozen, not yet drawn tasks.
pub async fn upcoming(db: &AnyPool) -> Result<Vec<Upcoming>, AppError> {
    Ok(sqlx::query_as::<_, Upcoming>(
        "SELECT t.id AS task_id, t.task_name, d.pool_count, d.pool_digest, d.commitment, d.frozen_at \
         FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.manifest IS NULL AND t.status = 'frozen' \
         ORDER BY d.frozen_at",
    )
    .fetch_all(db)
    .await?)
}

/// Drawn public tasks, newest draw first: (task id, task name, drawn at, selected count).
pub async fn recent_draws(db: &AnyPool, limit: i64) -> Result<Vec<(i64, String, String, i64)>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT t.id, t.task_name, d.drawn_at, (SELECT count(*) FROM draw_selections s WHERE s.draw_id = d.id) \
         FROM draws d JOIN tasks t ON t.id = d.task_id WHERE d.manifest IS NOT NULL AND t.status IN {PUBLIC_STATUSES} \
         ORDER BY d.drawn_at DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_list_and_the_rule_agree() {
        for s in TaskStatus::ALL {
            assert_eq!(is_public(s), PUBLIC_STATUSES.contains(&format!("'{}'", s.code())), "{s:?}");
        }
    }
}
