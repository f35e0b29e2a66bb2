//! 统计 and 台账: the tasks of a year as the figures need them, and one row per drawn
//! enterprise of their live draws. `domain::stats` adds them up.

use crate::domain::date::beijing_date;
use crate::domain::plan::TaskSource;
use crate::domain::stats::{compute, LedgerRow, Stats, StatsFilter, TaskFacts};
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct TaskRecord {
    id: i64,
    task_no: String,
    task_name: String,
    department_id: String,
    department: String,
    source: String,
    status: String,
    window_year: i64,
    start_month: i64,
    end_month: i64,
    ratio_bp: i64,
    risk_ratios_bp: Option<String>,
    draw_id: Option<i64>,
    manifest: Option<String>,
}

/// The part of a manifest the figures read.
#[derive(serde::Deserialize)]
struct Recusals {
    #[serde(default)]
    recusals: Vec<Recusal>,
}

#[derive(serde::Deserialize)]
struct Recusal {
    stage: String,
}

/// The tasks of `filter` (put into the plan or further) that `reach_department` reaches
/// (empty: every task; else tasks it initiates or joins), each with its live draw's id.
pub async fn tasks(
    db: &AnyPool,
    filter: &StatsFilter,
    reach_department: &str,
) -> Result<Vec<(TaskFacts, Option<i64>)>, AppError> {
    let mut conn = db.acquire().await?;
    let records: Vec<TaskRecord> = sqlx::query_as(
        "SELECT t.id, t.task_no, t.task_name, t.initiating_department_id AS department_id, \
         dp.short_name AS department, t.source, t.status, \
         coalesce(pc.to_year, t.window_year) AS window_year, \
         coalesce(pc.to_start_month, t.window_start_month) AS start_month, \
         coalesce(pc.to_end_month, t.window_end_month) AS end_month, \
         t.ratio_bp, t.risk_ratios_bp, d.id AS draw_id, d.manifest \
         FROM tasks t JOIN annual_plans ap ON ap.id = t.annual_plan_id \
         JOIN departments dp ON dp.id = t.initiating_department_id \
         LEFT JOIN plan_changes pc ON pc.id = \
           (SELECT max(c.id) FROM plan_changes c WHERE c.task_id = t.id AND c.status = 'consented') \
         LEFT JOIN draws d ON d.task_id = t.id AND d.abandoned_at IS NULL \
         WHERE ap.year = $1 AND t.status NOT IN ('draft', 'submitted') \
         AND ($2 = '' OR t.initiating_department_id = $2) AND ($3 = '' OR t.source = $3) \
         AND ($4 = '' OR t.initiating_department_id = $4 OR EXISTS (SELECT 1 FROM task_joint_departments j \
              WHERE j.task_id = t.id AND j.department_id = $4)) \
         ORDER BY t.position, t.plan_no, t.task_no",
    )
    .bind(i64::from(filter.year))
    .bind(&filter.department)
    .bind(&filter.source)
    .bind(reach_department)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in records {
        if !filter.meets_months(r.start_month as u32, r.end_month as u32) {
            continue;
        }
        let planned = match r.draw_id {
            Some(draw) => planned(&mut conn, draw, r.ratio_bp, r.risk_ratios_bp.as_deref()).await?,
            None => 0,
        };
        let stages: Vec<String> = r
            .manifest
            .as_deref()
            .and_then(|m| serde_json::from_str::<Recusals>(m).ok())
            .map(|m| m.recusals.into_iter().map(|x| x.stage).collect())
            .unwrap_or_default();
        let window = if r.start_month == r.end_month {
            format!("{} 年 {} 月", r.window_year, r.start_month)
        } else {
            format!("{} 年 {} 月-{} 月", r.window_year, r.start_month, r.end_month)
        };
        let facts = TaskFacts {
            id: r.id,
            task_no: r.task_no,
            name: r.task_name,
            department_id: r.department_id,
            department: r.department,
            source: TaskSource::parse(&r.source).unwrap_or_default(),
            window,
            status: TaskStatus::parse(&r.status).map_or(r.status.clone(), |s| s.label().to_string()),
            planned,
            recusals_pre: stages.iter().filter(|s| *s == "pre").count() as i64,
            recusals_post: stages.iter().filter(|s| *s == "post").count() as i64,
        };
        out.push((facts, r.draw_id));
    }
    Ok(out)
}

/// DR1's quota of a frozen pool: each stratum's count at its ratio.
async fn planned(
    conn: &mut AnyConnection,
    draw: i64,
    ratio_bp: i64,
    risk: Option<&str>,
) -> Result<i64, AppError> {
    let strata: Vec<(String, i64)> =
        sqlx::query_as("SELECT stratum, count(*) FROM draw_pool WHERE draw_id = $1 GROUP BY stratum")
            .bind(draw)
            .fetch_all(&mut *conn)
            .await?;
    let ratios: HashMap<String, i64> = risk.and_then(|r| serde_json::from_str(r).ok()).unwrap_or_default();
    Ok(strata
        .iter()
        .map(|(s, n)| {
            let bp = ratios.get(s).copied().unwrap_or(ratio_bp);
            crate::domain::draw::quota(*n as u64, bp.max(0) as u64) as i64
        })
        .sum())
}

#[derive(sqlx::FromRow)]
struct SelectionRecord {
    position: i64,
    code: String,
    name: String,
    result_id: Option<i64>,
    inspected_on: Option<String>,
    review_status: Option<String>,
    categories: Option<String>,
    handling: Option<String>,
    published_at: Option<String>,
}

/// The ledger rows of `tasks` (each with its live draw), in task and selection order.
pub async fn ledger(db: &AnyPool, tasks: &[(TaskFacts, Option<i64>)]) -> Result<Vec<LedgerRow>, AppError> {
    let mut conn = db.acquire().await?;
    let cal = super::calendar::calendar(&mut *conn).await?;
    let list = |s: &Option<String>| {
        s.as_deref().and_then(|s| serde_json::from_str::<Vec<String>>(s).ok()).unwrap_or_default()
    };
    let mut rows = Vec::new();
    for (task, draw) in tasks {
        let Some(draw) = *draw else { continue };
        let selections: Vec<SelectionRecord> = sqlx::query_as(
            "SELECT s.position, s.code, e.name, r.id AS result_id, r.inspected_on, \
             r.review_status, r.categories, r.handling, r.published_at \
             FROM draw_selections s JOIN enterprises e ON e.id = s.enterprise_id \
             LEFT JOIN inspection_results r ON r.draw_id = s.draw_id AND r.enterprise_id = s.enterprise_id \
             WHERE s.draw_id = $1 ORDER BY s.position",
        )
        .bind(draw)
        .fetch_all(&mut *conn)
        .await?;
        let members: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT m.position, m.inspector_id, i.name FROM draw_team_members m \
             JOIN inspectors i ON i.id = m.inspector_id WHERE m.draw_id = $1 ORDER BY m.position, m.seq",
        )
        .bind(draw)
        .fetch_all(&mut *conn)
        .await?;
        let mut teams: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for (position, id, name) in members {
            teams.entry(position).or_default().push((id, name));
        }
        let follow: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT f.result_id, f.kind, f.status FROM follow_ups f \
             JOIN inspection_results r ON r.id = f.result_id WHERE r.draw_id = $1 ORDER BY f.id",
        )
        .bind(draw)
        .fetch_all(&mut *conn)
        .await?;
        let mut follow_of: HashMap<i64, Vec<(String, bool)>> = HashMap::new();
        for (result, kind, status) in follow {
            follow_of.entry(result).or_default().push((kind, status == "done"));
        }
        for s in selections {
            rows.push(LedgerRow {
                task_id: task.id,
                task: format!("{} {}", task.task_no, task.name),
                department: task.department.clone(),
                // A batch of a split task (分批) is numbered `003 号/k`.
                batch: task
                    .task_no
                    .split_once(crate::domain::plan::BATCH_SEPARATOR)
                    .map_or_else(|| "1".to_string(), |(_, k)| k.to_string()),
                code: s.code,
                name: s.name,
                team: teams.remove(&s.position).unwrap_or_default(),
                due: s.inspected_on.as_deref().map(|d| super::calendar::result_deadline(&cal, d)),
                inspected_on: s.inspected_on,
                review: s.review_status,
                categories: list(&s.categories),
                handling: list(&s.handling),
                follow_ups: s.result_id.and_then(|id| follow_of.remove(&id)).unwrap_or_default(),
                published_on: s.published_at.as_deref().map(beijing_date),
            });
        }
    }
    Ok(rows)
}

/// Every department (id, short name), for the filter.
pub async fn departments(db: &AnyPool) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as("SELECT id, short_name FROM departments ORDER BY id").fetch_all(db).await?)
}

/// The years that have a plan, newest first.
pub async fn years(db: &AnyPool) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT year FROM annual_plans ORDER BY year DESC").fetch_all(db).await?)
}

/// The figures of `filter` (year 0: the newest year with a plan) over the tasks `reach_department` reaches (see [`tasks`]), and
/// the 台账 rows they were counted from.
pub async fn figures(
    db: &AnyPool,
    filter: StatsFilter,
    reach_department: &str,
) -> Result<(Stats, Vec<LedgerRow>), AppError> {
    let mut filter = filter.normalized();
    if filter.year == 0 {
        filter.year = years(db).await?.first().map_or(2023, |y| *y as i32);
    }
    let tasks = tasks(db, &filter, reach_department).await?;
    let rows = ledger(db, &tasks).await?;
    let facts: Vec<TaskFacts> = tasks.into_iter().map(|(t, _)| t).collect();
    Ok((compute(filter, &facts, &rows), rows))
}
