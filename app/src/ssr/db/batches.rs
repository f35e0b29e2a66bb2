//! 分几个时间段: freezing a split task's next batch as a task of its own, and the DR1
//! ratios that give each batch its share of the quota (`domain::batch`).

use super::pool::SCOPE_COLUMNS;
use crate::domain::audit::Actor;
use crate::domain::draw::PoolEntry;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use sqlx::{AnyConnection, AnyPool};
use std::collections::BTreeMap;

/// The DR1 ratios of batch `k` of `batches` of task `parent` (domain::batch): each
/// stratum's quota still owed over the batches left, counted against the first batch's
/// frozen pool (or this pool, for the first batch).
pub(super) async fn batch_ratios(
    conn: &mut AnyConnection,
    parent: i64,
    k: i64,
    batches: i64,
    ratios: &BTreeMap<String, u64>,
    pool: &[PoolEntry],
) -> Result<BTreeMap<String, u64>, AppError> {
    let count = |entries: &mut dyn Iterator<Item = &str>| {
        let mut m: BTreeMap<String, u64> = BTreeMap::new();
        for s in entries {
            *m.entry(s.to_string()).or_default() += 1;
        }
        m
    };
    let now = count(&mut pool.iter().map(|p| p.stratum.as_str()));
    let first: BTreeMap<String, u64> = if k == 1 {
        now.clone()
    } else {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT p.stratum, count(*) FROM draw_pool p JOIN draws d ON d.id = p.draw_id JOIN tasks t ON t.id = d.task_id \
             WHERE d.abandoned_at IS NULL AND t.parent_task_id = $1 AND t.batch_no = 1 GROUP BY p.stratum",
        )
        .bind(parent)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(|(s, n)| (s, n as u64)).collect()
    };
    let drawn: Vec<(String, i64)> = sqlx::query_as(
        "SELECT p.stratum, count(*) FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         JOIN draw_pool p ON p.draw_id = s.draw_id AND p.enterprise_id = s.enterprise_id \
         JOIN tasks t ON t.id = d.task_id WHERE d.abandoned_at IS NULL AND t.parent_task_id = $1 AND t.batch_no < $2 \
         GROUP BY p.stratum",
    )
    .bind(parent)
    .bind(k)
    .fetch_all(&mut *conn)
    .await?;
    let drawn: BTreeMap<String, u64> = drawn.into_iter().map(|(s, n)| (s, n as u64)).collect();
    let targets = crate::domain::batch::targets(ratios, &first);
    Ok(crate::domain::batch::batch_ratios(ratios, &targets, &drawn, &now, k as u32, batches as u32))
}

/// 分批: the task of the next batch of task `task_id` to freeze (its batch k-1 drawn
/// first): made once (`003 号/k`, the batch's window, the task's scope, items and
/// departments, status 已列入计划), then frozen like any task (`draws::freeze_batch`).
pub async fn next_batch(db: &AnyPool, task_id: i64, actor: Actor<'_>) -> Result<i64, AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let batches = super::tasks::batches_of(&mut tx, task_id).await?;
    let n = batches.len() as i64;
    // The first batch not yet drawn: its task, if already made (a freeze refused or an
    // abandoned draw leaves it planned).
    let made: Vec<(i64, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT t.id, t.batch_no, (SELECT d.manifest FROM draws d WHERE d.task_id = t.id AND d.abandoned_at IS NULL), \
         t.status FROM tasks t WHERE t.parent_task_id = $1 ORDER BY t.batch_no",
    )
    .bind(task_id)
    .fetch_all(&mut *tx)
    .await?;
    let k = made.iter().filter(|m| m.2.is_some()).count() as i64 + 1;
    if k > n {
        return Err(AppError::Conflict(format!("本任务 {n} 批均已抽取")));
    }
    if let Some(waiting) = made.iter().find(|m| m.2.is_none() && m.3 != TaskStatus::Planned.code()) {
        return Err(AppError::Conflict(format!("第 {} 批已冻结，待抽取后才能冻结下一批", waiting.1)));
    }
    let batch_task = match made.iter().find(|m| m.1 == k) {
        Some(m) => m.0,
        None => {
            let w = batches[(k - 1) as usize];
            // In the year the task keeps to now (a consented 计划调整 may have moved it).
            let year = super::plan_changes::effective_window(&mut tx, task_id).await?.year;
            let id: i64 = sqlx::query_scalar(&format!(
                "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, risk_ratios_bp, \
                 scope_text, {SCOPE_COLUMNS}, initiating_department_id, window_year, window_start_month, window_end_month, \
                 team_size, max_per_inspector, status, position, source, assigned_by, assigned_doc_no, repeat_exclusion, \
                 watch_ratio_bp, parent_task_id, batch_no) \
                 SELECT annual_plan_id, plan_no, plan_name, task_no || '{sep}' || $1, task_name || $2, kind, ratio_bp, \
                 risk_ratios_bp, scope_text, {SCOPE_COLUMNS}, initiating_department_id, $7, $3, $4, team_size, \
                 max_per_inspector, 'planned', position, source, assigned_by, assigned_doc_no, repeat_exclusion, \
                 watch_ratio_bp, id, $5 FROM tasks WHERE id = $6 RETURNING id",
                sep = crate::domain::plan::BATCH_SEPARATOR,
            ))
            .bind(k.to_string())
            .bind(format!("（第 {k} 批，共 {n} 批）"))
            .bind(i64::from(w.start_month))
            .bind(i64::from(w.end_month))
            .bind(k)
            .bind(task_id)
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO task_items (task_id, item_id, position) SELECT $1, item_id, position FROM task_items WHERE task_id = $2")
                .bind(id)
                .bind(task_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO task_joint_departments (task_id, department_id, position) \
                 SELECT $1, department_id, position FROM task_joint_departments WHERE task_id = $2",
            )
            .bind(id)
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
            audit::append(
                &mut tx,
                Change {
                    actor: actor.name,
                    role: actor.role,
                    action: "task.batch",
                    entity_type: "task",
                    entity_id: &task_id.to_string(),
                    before: None,
                    after: Some(
                        serde_json::json!({ "batch_no": k, "batch_task_id": id, "window": w.label() }),
                    ),
                },
            )
            .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(batch_task)
}
