//! What the portal reads: only published things, never a risk class, a secret before
//! its reveal, an inspector or a staff member's name.
//!
//! The rows come from `ssr::db::portal`, whose every query names its columns and filters
//! on publication itself, so a page can only show what these functions return.

use crate::domain::auth::SessionUser;
use crate::domain::draw::public::PublicDraw;
use crate::domain::draw::Manifest;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::domain::result::PublicResult;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::db::portal;
use serde::Serialize;
use sqlx::AnyPool;

pub use portal::{PoolMember, Upcoming};

/// Whether the public may see a task in this status.
pub fn is_public(status: TaskStatus) -> bool {
    !matches!(status, TaskStatus::Draft | TaskStatus::Submitted)
}

/// Where a task stands, as the public is told.
pub fn stage_label(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Planned => "已列入计划，待抽取",
        TaskStatus::Frozen => "名录已冻结，待抽取",
        TaskStatus::Drawn | TaskStatus::ListSubmitted | TaskStatus::ListConsented => {
            "已抽取，名单待同意和备案"
        }
        TaskStatus::ListFiled
        | TaskStatus::Inspecting
        | TaskStatus::ResultsEntered
        | TaskStatus::Reviewed => "已抽取，检查中",
        TaskStatus::Published | TaskStatus::Closed => "结果已公示",
        _ => "未公开",
    }
}

/// The plan of a year with only its public tasks; `None` when it has none.
pub async fn plan(db: &AnyPool, year: i32) -> Result<Option<AnnualPlan>, AppError> {
    let Some(mut plan) = crate::ssr::db::plans::plan_of_year(db, year).await? else { return Ok(None) };
    plan.tasks.retain(|t| is_public(t.status));
    plan.special.retain(|t| is_public(t.status));
    Ok((!plan.tasks.is_empty() || !plan.special.is_empty()).then_some(plan))
}

/// Years with at least one public task, newest first.
pub async fn plan_years(db: &AnyPool) -> Result<Vec<i32>, AppError> {
    let years = portal::plan_years(db).await?;
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
    /// When and why this draw was declared void (作废), if it was.
    pub abandoned: Option<(String, String)>,
    /// The abandoned draw this one took the place of.
    pub replaces: Option<i64>,
    /// The task's abandoned draws, newest first: (draw id, drawn at, abandoned at, reason).
    pub abandoned_draws: Vec<(i64, Option<String>, String, String)>,
    /// How many the freeze left out of the scope's pool (inspected lately for the same
    /// item), and why; the pool digest covers the rest.
    pub excluded: (i64, Option<String>),
    /// For a batch (分批): the task's earlier batches, (batch number, task id), whose
    /// selections this pool leaves out.
    pub earlier_batches: Vec<(i64, i64)>,
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

/// The live draw of a public task, if the task has been frozen; when its draw was
/// declared void and no new one is frozen yet, the newest abandoned draw.
pub async fn draw(db: &AnyPool, task_id: i64) -> Result<Option<DrawView>, AppError> {
    match portal::draw(db, task_id).await? {
        Some(r) => Ok(Some(view_of(db, r).await?)),
        None => match portal::abandoned_draws(db, task_id).await?.first() {
            Some((id, ..)) => draw_by_id(db, *id).await,
            None => Ok(None),
        },
    }
}

/// Any draw of a public task by its id (live or abandoned).
pub async fn draw_by_id(db: &AnyPool, draw_id: i64) -> Result<Option<DrawView>, AppError> {
    match portal::draw_by_id(db, draw_id).await? {
        Some(r) => Ok(Some(view_of(db, r).await?)),
        None => Ok(None),
    }
}

async fn view_of(db: &AnyPool, r: portal::DrawRow) -> Result<DrawView, AppError> {
    let task_id = r.task_id;
    let abandoned_draws = portal::abandoned_draws(db, task_id).await?;
    let drawn = match (r.manifest, r.drawn_at) {
        (Some(json), Some(drawn_at)) => {
            let manifest: Manifest = serde_json::from_str(&json).map_err(AppError::internal)?;
            let names = portal::selected_names(db, r.id).await?;
            let single = crate::domain::draw::public::single_stratum(&manifest.input.pool);
            let summary = match crate::ssr::db::draws::stratum_salts(db, r.id).await? {
                Some(salts) if !single => PublicDraw::of_salted(&manifest, &salts),
                _ => PublicDraw::of(&manifest),
            };
            Some(Drawn { drawn_at, manifest_public: single, summary, names })
        }
        _ => None,
    };
    let excluded = crate::ssr::db::watchlist::excluded_count(db, r.id).await?;
    let earlier_batches: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.batch_no, s.id FROM tasks t JOIN tasks s ON s.parent_task_id = t.parent_task_id \
         WHERE t.id = $1 AND s.batch_no < t.batch_no ORDER BY s.batch_no",
    )
    .bind(task_id)
    .fetch_all(db)
    .await?;
    Ok(DrawView {
        earlier_batches,
        excluded,
        draw_id: r.id,
        task_id,
        pool_count: r.pool_count,
        pool_digest: r.pool_digest,
        commitment: r.commitment,
        frozen_at: r.frozen_at,
        place: r.place,
        drawn,
        abandoned: r.abandoned_at.map(|at| (at, r.abandon_reason)),
        replaces: r.replaces_draw_id,
        abandoned_draws,
    })
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

/// The pool of a drawn public task, by code.
pub async fn pool(db: &AnyPool, task_id: i64) -> Result<Vec<PoolMember>, AppError> {
    Ok(portal::pool(db, task_id).await?)
}

/// A published result with its task, for lists and search.
#[derive(Clone, Debug, Serialize)]
pub struct ResultRow {
    pub task_id: i64,
    pub task_name: String,
    /// 检查单位: the initiating department and the joint ones (short names, 、).
    pub department: String,
    /// 抽查内容: the task's inspection items.
    pub items: String,
    #[serde(flatten)]
    pub result: PublicResult,
    /// Whether it was published by its deadline (20 working days from its inspection date).
    pub on_time: Option<bool>,
}

/// Whether a task's results may be public: from the start of inspection each enterprise's
/// result is published once the office head passes it (the rest follow in their turn).
pub fn results_phase(status: TaskStatus) -> bool {
    matches!(
        status,
        TaskStatus::Inspecting
            | TaskStatus::ResultsEntered
            | TaskStatus::Reviewed
            | TaskStatus::Published
            | TaskStatus::Closed
    )
}

/// Every published result, newest first (the portal's search snapshot holds them; pages
/// read that).
pub async fn all_results(conn: &mut sqlx::AnyConnection) -> Result<Vec<ResultRow>, AppError> {
    let records = portal::published_results(&mut *conn).await?;
    let mut follow_ups = crate::ssr::db::follow_ups::public_by_result(&mut *conn).await?;
    let mut verdicts = crate::ssr::db::follow_ups::public_verdicts(&mut *conn).await?;
    let cal = crate::ssr::db::calendar::calendar(&mut *conn).await?;
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    Ok(records
        .into_iter()
        .map(|r| {
            // Each enterprise's own clock: 20 working days from its inspection date.
            let due = crate::domain::date::Date::parse(&r.inspected_on)
                .map(|d| cal.publish_deadline(d).to_string());
            let published_on = crate::domain::date::beijing_date(&r.published_at);
            ResultRow {
                task_id: r.task_id,
                task_name: r.task_name,
                department: match r.joint {
                    Some(joint) if !joint.is_empty() => format!("{}、{joint}", r.department),
                    _ => r.department,
                },
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
                    follow_ups: follow_ups.remove(&r.result_id).unwrap_or_default(),
                    corrected_on: r.corrected_at.as_deref().map(crate::domain::date::beijing_date),
                    correction_reason: r.correction_reason,
                    verdicts: verdicts.remove(&r.result_id).unwrap_or_default(),
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

/// “Was I drawn, and what was found?” for a credit code (its published `results` are the
/// caller's, from the portal's snapshot); `None` when no public draw held it.
pub async fn enterprise(
    db: &AnyPool,
    code: &str,
    results: Vec<ResultRow>,
) -> Result<Option<EnterpriseRecord>, AppError> {
    let code = code.trim().to_ascii_uppercase();
    let draws = portal::draws_of_enterprise(db, &code).await?;
    let Some(name) = draws.first().map(|d| d.4.clone()) else { return Ok(None) };
    Ok(Some(EnterpriseRecord {
        code,
        name,
        draws: draws.into_iter().map(|(id, task, at, selected, _)| (id, task, at, selected.0)).collect(),
        results,
    }))
}

/// Frozen, not yet drawn tasks.
pub async fn upcoming(db: &AnyPool) -> Result<Vec<Upcoming>, AppError> {
    Ok(portal::upcoming(db).await?)
}

/// Drawn public tasks, newest draw first: (task id, task name, drawn at, selected count).
pub async fn recent_draws(db: &AnyPool, limit: i64) -> Result<Vec<(i64, String, String, i64)>, AppError> {
    Ok(portal::recent_draws(db, limit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db::portal::PUBLIC_STATUSES;

    #[test]
    fn the_sql_list_and_the_rule_agree() {
        for s in TaskStatus::ALL {
            assert_eq!(is_public(s), PUBLIC_STATUSES.contains(&format!("'{}'", s.code())), "{s:?}");
        }
    }
}

/// A year's public figures: from published results only (never an unpublished result, a
/// risk class or an inspector).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct YearFigures {
    /// Public tasks, and those whose results are all published.
    pub tasks: i64,
    pub tasks_done: i64,
    /// Enterprises drawn (the public selections) and inspected with a published result.
    pub drawn: i64,
    pub published: i64,
    /// Of the published: results stating a problem, and those published on time.
    pub problems: i64,
    pub on_time: i64,
    /// Published results by month of inspection and outcome group (`domain::stats::OUTCOMES`).
    pub months: Vec<[i64; 4]>,
    /// Published results per initiating department (short name).
    pub departments: Vec<(String, i64)>,
}

/// The public figures of `year`.
pub async fn year_figures(db: &AnyPool, year: i32) -> Result<YearFigures, AppError> {
    let (tasks, tasks_done, drawn) = portal::year_counts(db, year).await?;
    let rows = portal::year_published(db, year).await?;
    let cal = crate::ssr::db::calendar::calendar(db).await?;
    let mut f = YearFigures { tasks, tasks_done, drawn, months: vec![[0; 4]; 12], ..YearFigures::default() };
    for (department, inspected_on, categories, published_at) in rows {
        let row = crate::domain::stats::LedgerRow {
            categories: serde_json::from_str(&categories).unwrap_or_default(),
            published_on: Some(crate::domain::date::beijing_date(&published_at)),
            due: Some(crate::ssr::db::calendar::result_deadline(&cal, &inspected_on)),
            inspected_on: Some(inspected_on),
            ..crate::domain::stats::LedgerRow::default()
        };
        f.published += 1;
        f.problems += i64::from(row.has_problem());
        f.on_time += i64::from(row.on_time());
        if let Some(m) =
            row.inspected_on.as_deref().and_then(|d| d.get(5..7)).and_then(|m| m.parse::<usize>().ok())
        {
            if (1..=12).contains(&m) {
                f.months[m - 1][row.outcome()] += 1;
            }
        }
        match f.departments.iter_mut().find(|(d, _)| *d == department) {
            Some(d) => d.1 += 1,
            None => f.departments.push((department, 1)),
        }
    }
    Ok(f)
}
