//! Annual plans and their tasks.

use crate::domain::plan::{AnnualPlan, TaskKind, TaskRow, TaskSource, Window, WindowChange};
use crate::domain::ratio::Ratio;
use crate::domain::workflow::TaskStatus;
use sqlx::AnyPool;

#[derive(sqlx::FromRow)]
struct TaskRecord {
    id: i64,
    plan_no: String,
    plan_name: String,
    task_no: String,
    task_name: String,
    kind: String,
    ratio_bp: i64,
    items: Option<String>,
    scope_text: String,
    #[sqlx(flatten)]
    filters: super::pool::ScopeColumns,
    initiating_department_id: String,
    initiating_department: String,
    joint_ids: Option<String>,
    joint_names: Option<String>,
    window_year: i64,
    window_start_month: i64,
    window_end_month: i64,
    status: String,
    source: String,
    assigned_by: String,
    assigned_doc_no: String,
    change_year: Option<i64>,
    change_start_month: Option<i64>,
    change_end_month: Option<i64>,
    change_reason: Option<String>,
    change_at: Option<String>,
    batches: Option<String>,
    parent_task_id: Option<i64>,
    batch_no: Option<i64>,
}

/// What joins the joint departments' ids and names in one column (a unit separator, which
/// no name holds).
pub const LIST_SEPARATOR: &str = "\u{1f}";

/// A joined column of [`LIST_SEPARATOR`]-separated values as a list.
pub fn split_list(text: Option<String>) -> Vec<String> {
    text.map(|t| t.split(LIST_SEPARATOR).map(str::to_owned).collect()).unwrap_or_default()
}

impl TaskRecord {
    fn into_row(self) -> Result<TaskRow, sqlx::Error> {
        let bad = |what: &str| sqlx::Error::Decode(format!("task {}: bad {what}", self.id).into());
        let window = |y: i64, a: i64, b: i64| Window::new(y as i32, a as u32, b as u32);
        let planned = window(self.window_year, self.window_start_month, self.window_end_month)
            .ok_or_else(|| bad("window"))?;
        let adjusted = match (self.change_year, self.change_start_month, self.change_end_month) {
            (Some(y), Some(a), Some(b)) => Some(WindowChange {
                from: planned,
                to: window(y, a, b).ok_or_else(|| bad("plan change"))?,
                reason: self.change_reason.unwrap_or_default(),
                consented_at: self.change_at.unwrap_or_default(),
            }),
            _ => None,
        };
        let filters = self.filters.scope().map_err(|_| bad("scope"))?;
        Ok(TaskRow {
            filters,
            kind: TaskKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            status: TaskStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            source: TaskSource::parse(&self.source).ok_or_else(|| bad("source"))?,
            window: planned,
            adjusted,
            ratio_bp: u32::try_from(self.ratio_bp)
                .ok()
                .and_then(Ratio::from_bp)
                .ok_or_else(|| bad("ratio"))?,
            id: self.id,
            plan_no: self.plan_no,
            plan_name: self.plan_name,
            task_no: self.task_no,
            task_name: self.task_name,
            items: self.items.unwrap_or_default(),
            scope: self.scope_text,
            initiating_department: self.initiating_department,
            initiating_department_id: self.initiating_department_id,
            joint_departments: split_list(self.joint_names),
            joint_department_ids: split_list(self.joint_ids),
            assigned_by: self.assigned_by,
            assigned_doc_no: self.assigned_doc_no,
            batches: crate::domain::batch::parse_batches(&self.batches.unwrap_or_default())
                .map_err(|_| bad("batches"))?,
            batch_of: self.parent_task_id.zip(self.batch_no),
        })
    }
}

/// A task as the plan table shows it, with its joint departments, items and the newest
/// consented plan change.
const TASK_SELECT: &str = "SELECT t.id, t.plan_no, t.plan_name, t.task_no, t.task_name, t.kind, t.ratio_bp, \
    (SELECT string_agg(i.name, '、' ORDER BY ti.position) FROM task_items ti \
        JOIN inspection_items i ON i.id = ti.item_id WHERE ti.task_id = t.id) AS items, \
    t.scope_text, t.scope_category, t.scope_filed_before, t.scope_regions, t.scope_risk_classes, \
    t.scope_industries, t.scope_natures, t.scope_scales, \
    t.initiating_department_id, di.short_name AS initiating_department, \
    (SELECT string_agg(j.department_id, '\u{1f}' ORDER BY j.position, j.department_id) \
        FROM task_joint_departments j WHERE j.task_id = t.id) AS joint_ids, \
    (SELECT string_agg(d.short_name, '\u{1f}' ORDER BY j.position, j.department_id) \
        FROM task_joint_departments j JOIN departments d ON d.id = j.department_id WHERE j.task_id = t.id) \
        AS joint_names, \
    t.window_year, t.window_start_month, t.window_end_month, t.status, t.source, t.assigned_by, \
    t.assigned_doc_no, pc.to_year AS change_year, pc.to_start_month AS change_start_month, \
    pc.to_end_month AS change_end_month, pc.reason AS change_reason, pc.decided_at AS change_at, \
    (SELECT string_agg(b.start_month || '-' || b.end_month, ',' ORDER BY b.batch_no) FROM task_batches b \
        WHERE b.task_id = t.id) AS batches, t.parent_task_id, t.batch_no \
    FROM tasks t JOIN departments di ON di.id = t.initiating_department_id \
    LEFT JOIN plan_changes pc ON pc.id = \
        (SELECT max(c.id) FROM plan_changes c WHERE c.task_id = t.id AND c.status = 'consented')";

/// The annual plan of `year` with its tasks in table order, if there is one.
pub async fn plan_of_year(db: &AnyPool, year: i32) -> Result<Option<AnnualPlan>, sqlx::Error> {
    let plan: Option<(i64, i64, String, String)> =
        sqlx::query_as("SELECT id, year, title, remarks FROM annual_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(db)
            .await?;
    let Some((id, year, title, remarks)) = plan else { return Ok(None) };
    let all: Vec<TaskRow> = sqlx::query_as::<_, TaskRecord>(&format!(
        "{TASK_SELECT} WHERE t.annual_plan_id = $1 ORDER BY t.position, t.plan_no, t.task_no"
    ))
    .bind(id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(TaskRecord::into_row)
    .collect::<Result<_, _>>()?;
    let (tasks, special) = all.into_iter().partition(|t| t.source == TaskSource::Plan);
    Ok(Some(AnnualPlan { id, year: year as i32, title, remarks, tasks, special }))
}

/// One task by id.
pub async fn task(db: &AnyPool, id: i64) -> Result<Option<TaskRow>, sqlx::Error> {
    sqlx::query_as::<_, TaskRecord>(&format!("{TASK_SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .map(TaskRecord::into_row)
        .transpose()
}

/// Years that have a plan, newest first.
pub async fn plan_years(db: &AnyPool) -> Result<Vec<i32>, sqlx::Error> {
    let years: Vec<(i64,)> =
        sqlx::query_as("SELECT year FROM annual_plans ORDER BY year DESC").fetch_all(db).await?;
    Ok(years.into_iter().map(|(y,)| y as i32).collect())
}

/// Creates the plan of `year` or updates its title and 备注, with its audit entry.
pub async fn save_plan(
    db: &AnyPool,
    year: i32,
    title: &str,
    remarks: &str,
    actor: crate::domain::audit::Actor<'_>,
) -> Result<i64, crate::error::AppError> {
    use crate::error::AppError;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", "年度须在 2000–2100 之间"));
    }
    if title.trim().is_empty() {
        return Err(AppError::invalid("title", "请填写计划名称"));
    }
    if title.chars().count() > 200 {
        return Err(AppError::invalid("title", "计划名称过长：最多 200 个字符"));
    }
    if remarks.chars().count() > 5000 {
        return Err(AppError::invalid("remarks", "备注过长：最多 5000 个字符"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, title, remarks FROM annual_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut *tx)
            .await?;
    let id = match &before {
        Some((id, _, _)) => {
            sqlx::query("UPDATE annual_plans SET title = $1, remarks = $2 WHERE id = $3")
                .bind(title.trim())
                .bind(remarks.trim())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            *id
        }
        None => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO annual_plans (year, title, remarks) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(i64::from(year))
            .bind(title.trim())
            .bind(remarks.trim())
            .fetch_one(&mut *tx)
            .await?
        }
    };
    crate::ssr::db::audit::append(
        &mut tx,
        crate::ssr::db::audit::Change {
            actor: actor.name,
            role: actor.role,
            action: if before.is_some() { "plan.update" } else { "plan.create" },
            entity_type: "annual_plan",
            entity_id: &id.to_string(),
            before: before.map(|(_, t, r)| serde_json::json!({ "title": t, "remarks": r })),
            after: Some(
                serde_json::json!({ "year": year, "title": title.trim(), "remarks": remarks.trim() }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
