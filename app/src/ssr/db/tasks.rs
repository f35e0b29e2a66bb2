//! Tasks: the form's draft, saving it, its pool estimate and its page.

use super::pool::{ScopeColumns, SCOPE_COLUMNS};
use super::unique::OnUnique;
use crate::domain::auth::{Role, SessionUser};
use crate::domain::draw;
use crate::domain::plan::{TaskKind, TaskSource};
use crate::domain::ratio::Ratio;
use crate::domain::task::{PoolEstimate, Scope, TaskDraft};
use crate::domain::task_view::{
    AbandonedDraw, DrawSummary, SelectionView, TaskDetail, TaskEvent, TaskFormOptions,
};
use crate::domain::watch::RepeatExclusion;
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use sqlx::AnyPool;
use std::collections::BTreeMap;

#[derive(sqlx::FromRow)]
struct DraftRecord {
    id: i64,
    year: i64,
    plan_no: String,
    plan_name: String,
    task_no: String,
    task_name: String,
    kind: String,
    ratio_bp: i64,
    risk_ratios_bp: Option<String>,
    scope_text: String,
    #[sqlx(flatten)]
    scope: ScopeColumns,
    initiating_department_id: String,
    window_start_month: i64,
    window_end_month: i64,
    team_size: i64,
    max_per_inspector: i64,
    source: String,
    assigned_by: String,
    assigned_doc_no: String,
}

/// The joint departments' ids of task `task_id`, in order (each team must include them).
pub async fn joint_departments(
    conn: &mut sqlx::AnyConnection,
    task_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT department_id FROM task_joint_departments WHERE task_id = $1 ORDER BY position, department_id",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A task's batches (分批抽取), in order; empty for a task drawn at once.
pub async fn batches_of(
    conn: &mut sqlx::AnyConnection,
    task_id: i64,
) -> Result<Vec<crate::domain::batch::BatchWindow>, AppError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT start_month, end_month FROM task_batches WHERE task_id = $1 ORDER BY batch_no",
    )
    .bind(task_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(s, e)| crate::domain::batch::BatchWindow { start_month: s as u32, end_month: e as u32 })
        .collect())
}

/// A task's rule for earlier inspections and its 重点关注 ratio.
pub async fn repeats_and_watch(
    conn: &mut sqlx::AnyConnection,
    task_id: i64,
) -> Result<(RepeatExclusion, Option<Ratio>), AppError> {
    let (repeat, watch): (String, Option<i64>) =
        sqlx::query_as("SELECT repeat_exclusion, watch_ratio_bp FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_one(&mut *conn)
            .await?;
    let repeat = RepeatExclusion::parse(&repeat).ok_or_else(|| AppError::internal("bad repeat_exclusion"))?;
    let watch = watch
        .map(|bp| Ratio::try_from(u32::try_from(bp).unwrap_or(u32::MAX)))
        .transpose()
        .map_err(AppError::internal)?;
    Ok((repeat, watch))
}

/// The task as its form shows it.
pub async fn draft(db: &AnyPool, id: i64) -> Result<Option<TaskDraft>, AppError> {
    let mut conn = db.acquire().await?;
    let Some(r) = sqlx::query_as::<_, DraftRecord>(&format!(
        "SELECT t.id, p.year, t.plan_no, t.plan_name, t.task_no, t.task_name, t.kind, t.ratio_bp, t.risk_ratios_bp, \
         t.scope_text, {SCOPE_COLUMNS}, t.initiating_department_id, t.window_start_month, t.window_end_month, \
         t.team_size, t.max_per_inspector, t.source, t.assigned_by, t.assigned_doc_no \
         FROM tasks t JOIN annual_plans p ON p.id = t.annual_plan_id WHERE t.id = $1",
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let item_ids: Vec<i64> =
        sqlx::query_scalar("SELECT item_id FROM task_items WHERE task_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let scope = r.scope.scope()?;
    let joint_department_ids = joint_departments(&mut conn, id).await?;
    let (repeat_exclusion, watch_ratio_bp) = repeats_and_watch(&mut conn, id).await?;
    let batches = batches_of(&mut conn, id).await?;
    Ok(Some(TaskDraft {
        id: Some(r.id),
        year: r.year as i32,
        plan_no: r.plan_no,
        plan_name: r.plan_name,
        task_no: r.task_no,
        task_name: r.task_name,
        kind: TaskKind::parse(&r.kind).ok_or_else(|| AppError::internal("bad task kind"))?,
        ratio_bp: Ratio::try_from(u32::try_from(r.ratio_bp).unwrap_or(u32::MAX))
            .map_err(AppError::internal)?,
        risk_ratios_bp: r
            .risk_ratios_bp
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(AppError::internal)?
            .unwrap_or_default(),
        item_ids,
        scope_text: r.scope_text,
        scope,
        initiating_department_id: r.initiating_department_id,
        joint_department_ids,
        start_month: r.window_start_month as u32,
        end_month: r.window_end_month as u32,
        team_size: r.team_size as u32,
        max_per_inspector: r.max_per_inspector as u32,
        source: TaskSource::parse(&r.source).ok_or_else(|| AppError::internal("bad task source"))?,
        assigned_by: r.assigned_by,
        assigned_doc_no: r.assigned_doc_no,
        repeat_exclusion,
        watch_ratio_bp,
        batches,
    }))
}

/// The pool a scope gives now, and the number to draw from each risk class.
pub async fn estimate(
    db: &AnyPool,
    scope: &Scope,
    ratio_bp: Ratio,
    risk_ratios_bp: &BTreeMap<String, Ratio>,
) -> Result<PoolEstimate, AppError> {
    let mut conn = db.acquire().await?;
    let counts = super::pool::count_by_class(&mut conn, scope).await?;
    let classes = counts
        .into_iter()
        .map(|(class, n)| {
            let bp = risk_ratios_bp.get(&class).copied().unwrap_or(ratio_bp);
            let n = n as u64;
            (class, n, bp, draw::quota(n, u64::from(bp.bp())))
        })
        .collect();
    Ok(PoolEstimate { classes })
}

/// What the task form offers to choose from.
pub async fn form_options(db: &AnyPool) -> Result<TaskFormOptions, AppError> {
    Ok(TaskFormOptions {
        departments: sqlx::query_as("SELECT id, short_name FROM departments ORDER BY id")
            .fetch_all(db)
            .await?,
        items: sqlx::query_as("SELECT id, name FROM inspection_items WHERE active = 1 ORDER BY id")
            .fetch_all(db)
            .await?,
        categories: sqlx::query_scalar(
            "SELECT category FROM enterprises GROUP BY category ORDER BY count(*) DESC, category",
        )
        .fetch_all(db)
        .await?,
        regions: sqlx::query_as("SELECT code, name FROM regions ORDER BY code").fetch_all(db).await?,
        industries: distinct_values(db, "industry").await?,
        natures: distinct_values(db, "nature").await?,
        scales: distinct_values(db, "scale").await?,
        years: super::plans::plan_years(db).await?,
    })
}

/// The registry's non-empty values of `column` (a fixed column name), most common first.
async fn distinct_values(db: &AnyPool, column: &'static str) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT {column} FROM enterprises WHERE {column} <> '' GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 200"
    ))
    .fetch_all(db)
    .await?)
}

/// Saves a draft (new or edited) in one transaction with its audit entry. Editing a task
/// whose pool is frozen, or referring to unknown departments or items, is refused.
pub async fn save(db: &AnyPool, d: &TaskDraft, user: &SessionUser) -> Result<i64, AppError> {
    let errors = d.validate();
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before = match d.id {
        Some(id) => {
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM tasks WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let status = status
                .and_then(|s| TaskStatus::parse(&s))
                .ok_or_else(|| AppError::NotFound(format!("任务 {id} 不存在")))?;
            let dept: String = sqlx::query_scalar("SELECT initiating_department_id FROM tasks WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if !user.serves(&dept) {
                return Err(AppError::Forbidden("只能修改本部门发起的任务".into()));
            }
            if !status.editable() {
                return Err(AppError::Conflict(format!(
                    "任务当前为“{}”，只有草稿（或被退回的任务）才能修改",
                    status.label()
                )));
            }
            Some(serde_json::to_value(draft(db, id).await?).map_err(AppError::internal)?)
        }
        None => None,
    };
    if !user.serves(&d.initiating_department_id) {
        return Err(AppError::invalid("initiating_department_id", "发起部门须为本人所在部门"));
    }
    let named = std::iter::once(("initiating_department_id", &d.initiating_department_id))
        .chain(d.joint_department_ids.iter().map(|j| ("joint_department_ids", j)));
    for (field, dept) in named {
        let known: i64 = sqlx::query_scalar("SELECT count(*) FROM departments WHERE id = $1")
            .bind(dept)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            return Err(AppError::invalid(field, format!("部门“{dept}”不存在")));
        }
    }
    for item in &d.item_ids {
        let known: i64 = sqlx::query_scalar("SELECT count(*) FROM inspection_items WHERE id = $1")
            .bind(item)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            return Err(AppError::invalid("items", format!("抽查事项 {item} 不存在")));
        }
    }
    let plan_id: i64 = match sqlx::query_scalar("SELECT id FROM annual_plans WHERE year = $1")
        .bind(i64::from(d.year))
        .fetch_optional(&mut *tx)
        .await?
    {
        Some(id) => id,
        None => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO annual_plans (year, title) VALUES ($1, $2) RETURNING id",
            )
            .bind(i64::from(d.year))
            .bind(format!("{} 年度随机抽查工作计划", d.year))
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let scope = ScopeColumns::of(&d.scope);
    let risk_ratios = (!d.risk_ratios_bp.is_empty()).then(|| json(&d.risk_ratios_bp));
    let sql = if d.id.is_some() {
        "UPDATE tasks SET annual_plan_id = $1, plan_no = $2, plan_name = $3, task_no = $4, task_name = $5, kind = $6, \
         ratio_bp = $7, risk_ratios_bp = $8, scope_text = $9, scope_category = $10, scope_filed_before = $11, \
         scope_regions = $12, scope_risk_classes = $13, scope_industries = $14, scope_natures = $15, \
         scope_scales = $16, initiating_department_id = $17, window_year = $18, window_start_month = $19, \
         window_end_month = $20, team_size = $21, max_per_inspector = $22, source = $23, assigned_by = $24, \
         assigned_doc_no = $25 WHERE id = $26"
    } else {
        "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, risk_ratios_bp, \
         scope_text, scope_category, scope_filed_before, scope_regions, scope_risk_classes, scope_industries, \
         scope_natures, scope_scales, initiating_department_id, window_year, window_start_month, window_end_month, \
         team_size, max_per_inspector, source, assigned_by, assigned_doc_no, position) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, \
         (SELECT coalesce(max(position) + 1, 0) FROM tasks WHERE annual_plan_id = $1)) RETURNING id"
    };
    let q = sqlx::query_scalar::<_, i64>(sql)
        .bind(plan_id)
        .bind(d.plan_no.trim())
        .bind(d.plan_name.trim())
        .bind(d.task_no.trim())
        .bind(d.task_name.trim())
        .bind(d.kind.code())
        .bind(i64::from(d.ratio_bp))
        .bind(risk_ratios)
        .bind(d.scope_text.trim())
        .bind(scope.scope_category)
        .bind(scope.scope_filed_before)
        .bind(scope.scope_regions)
        .bind(scope.scope_risk_classes)
        .bind(scope.scope_industries)
        .bind(scope.scope_natures)
        .bind(scope.scope_scales)
        .bind(&d.initiating_department_id)
        .bind(i64::from(d.year))
        .bind(i64::from(d.start_month))
        .bind(i64::from(d.end_month))
        .bind(i64::from(d.team_size))
        .bind(i64::from(d.max_per_inspector))
        .bind(d.source.code())
        .bind(d.assigned_by.trim())
        .bind(d.assigned_doc_no.trim());
    // An update binds the id as $26 and returns no row; an insert returns the new id.
    let written = match d.id {
        Some(id) => q.bind(id).fetch_optional(&mut *tx).await.map(|_| id),
        None => q.fetch_one(&mut *tx).await,
    };
    let id = written.on_unique("tasks", &["plan_no", "task_no"], || {
        AppError::invalid(
            "task_no",
            format!("抽查计划 {} 中已有任务编号“{}”", d.plan_no.trim(), d.task_no.trim()),
        )
    })?;
    sqlx::query("UPDATE tasks SET repeat_exclusion = $1, watch_ratio_bp = $2 WHERE id = $3")
        .bind(d.repeat_exclusion.code())
        .bind(d.watch_ratio_bp.map(i64::from))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM task_batches WHERE task_id = $1").bind(id).execute(&mut *tx).await?;
    for (i, b) in d.batches.iter().enumerate() {
        sqlx::query(
            "INSERT INTO task_batches (task_id, batch_no, start_month, end_month) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(i64::from(b.start_month))
        .bind(i64::from(b.end_month))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM task_items WHERE task_id = $1").bind(id).execute(&mut *tx).await?;
    for (position, item) in d.item_ids.iter().enumerate() {
        sqlx::query("INSERT INTO task_items (task_id, item_id, position) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(item)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
    }
    write_joint_departments(&mut tx, id, &d.joint_department_ids).await?;
    let saved = TaskDraft { id: Some(id), ..d.clone() };
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: if d.id.is_some() { "task.update" } else { "task.create" },
            entity_type: "task",
            entity_id: &id.to_string(),
            before,
            after: Some(serde_json::to_value(&saved).map_err(AppError::internal)?),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces task `task_id`'s joint departments with `ids`, in order.
pub async fn write_joint_departments(
    conn: &mut sqlx::AnyConnection,
    task_id: i64,
    ids: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM task_joint_departments WHERE task_id = $1")
        .bind(task_id)
        .execute(&mut *conn)
        .await?;
    for (position, dept) in ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO task_joint_departments (task_id, department_id, position) VALUES ($1, $2, $3)",
        )
        .bind(task_id)
        .bind(dept)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A JSON column's text.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// Everything about one task for its page.
pub async fn detail(db: &AnyPool, id: i64) -> Result<Option<TaskDetail>, AppError> {
    let Some(row) = super::plans::task(db, id).await? else { return Ok(None) };
    let draft = draft(db, id).await?.ok_or_else(|| AppError::internal("task vanished"))?;
    let estimate = estimate(db, &draft.scope, draft.ratio_bp, &draft.risk_ratios_bp).await?;
    let events = sqlx::query_as::<_, (String, String, String, String, String, String)>(
        "SELECT e.from_status, e.to_status, coalesce(u.display_name, e.actor), e.role, e.comment, e.at \
         FROM task_events e LEFT JOIN users u ON u.username = e.actor WHERE e.task_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(db)
    .await?
    .into_iter()
    .filter_map(|(from, to, name, role, comment, at)| {
        let actor = match Role::parse(&role) {
            Some(role) => format!("{name}（{}）", role.label()),
            None => name,
        };
        Some(TaskEvent { from: TaskStatus::parse(&from)?, to: TaskStatus::parse(&to)?, actor, comment, at })
    })
    .collect();
    let draw = draw_summary(db, id).await?;
    let results_entered: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let cal = super::calendar::calendar(db).await?;
    let window = row.effective_window();
    let deadline = super::calendar::deadline(&cal, window.year, window.end_month);
    let plan_changes = super::plan_changes::of_task(db, id).await?;
    let abandoned_draws = abandoned_draws(db, id).await?;
    let batch_tasks: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT batch_no, id, status FROM tasks WHERE parent_task_id = $1 ORDER BY batch_no")
            .bind(id)
            .fetch_all(db)
            .await?;
    let batch_tasks = batch_tasks
        .into_iter()
        .map(|(k, t, s)| Ok((k, t, TaskStatus::parse(&s).ok_or_else(|| AppError::internal("bad status"))?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Some(TaskDetail {
        batch_tasks,
        row,
        draft,
        estimate,
        events,
        draw,
        results_entered,
        steps: Vec::new(),
        can_edit: false,
        deadline,
        plan_changes,
        can_request_change: false,
        can_decide_change: false,
        abandoned_draws,
    }))
}

/// The draws of a task declared void, oldest first.
pub async fn abandoned_draws(db: &AnyPool, task_id: i64) -> Result<Vec<AbandonedDraw>, AppError> {
    Ok(sqlx::query_as::<_, AbandonedDraw>(
        "SELECT id AS draw_id, seed, drawn_at, abandoned_at, abandon_reason AS reason FROM draws \
         WHERE task_id = $1 AND abandoned_at IS NOT NULL ORDER BY id",
    )
    .bind(task_id)
    .fetch_all(db)
    .await?)
}

async fn draw_summary(db: &AnyPool, task_id: i64) -> Result<Option<DrawSummary>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        pool_count: i64,
        pool_digest: String,
        commitment: String,
        frozen_at: String,
        seed: Option<String>,
        public_entropy: Option<String>,
        drawn_at: Option<String>,
    }
    let Some(d) = sqlx::query_as::<_, Row>(
        "SELECT id, pool_count, pool_digest, commitment, frozen_at, seed, public_entropy, drawn_at \
         FROM draws WHERE task_id = $1 AND abandoned_at IS NULL",
    )
    .bind(task_id)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let picks: Vec<(i64, String, String, String, crate::ssr::db::Flag)> = sqlx::query_as(
        "SELECT s.position, s.code, e.name, s.key, s.cap_lifted FROM draw_selections s \
         JOIN enterprises e ON e.id = s.enterprise_id WHERE s.draw_id = $1 ORDER BY s.position",
    )
    .bind(d.id)
    .fetch_all(db)
    .await?;
    let members: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT m.position, i.certificate_no, i.name, dp.short_name FROM draw_team_members m \
         JOIN inspectors i ON i.id = m.inspector_id JOIN departments dp ON dp.id = i.department_id \
         WHERE m.draw_id = $1 ORDER BY m.position, m.seq",
    )
    .bind(d.id)
    .fetch_all(db)
    .await?;
    let selected = picks
        .into_iter()
        .map(|(position, code, name, key, cap_lifted)| SelectionView {
            team: members
                .iter()
                .filter(|m| m.0 == position)
                .map(|(_, cert, name, dept)| (cert.clone(), name.clone(), dept.clone()))
                .collect(),
            code,
            name,
            key,
            cap_lifted: cap_lifted.0,
        })
        .collect();
    Ok(Some(DrawSummary {
        draw_id: d.id,
        pool_count: d.pool_count,
        pool_digest: d.pool_digest,
        commitment: d.commitment,
        frozen_at: d.frozen_at,
        seed: d.seed,
        public_entropy: d.public_entropy,
        drawn_at: d.drawn_at,
        selected,
    }))
}
