//! Annual plans and their tasks.

use crate::domain::plan::{AnnualPlan, TaskKind, TaskRow, Window};
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
    initiating_department_id: String,
    initiating_department: String,
    joint_department_id: Option<String>,
    joint_department: Option<String>,
    window_year: i64,
    window_start_month: i64,
    window_end_month: i64,
    status: String,
}

impl TaskRecord {
    fn into_row(self) -> Result<TaskRow, sqlx::Error> {
        let bad = |what: &str| sqlx::Error::Decode(format!("task {}: bad {what}", self.id).into());
        Ok(TaskRow {
            kind: TaskKind::parse(&self.kind).ok_or_else(|| bad("kind"))?,
            status: TaskStatus::parse(&self.status).ok_or_else(|| bad("status"))?,
            window: Window::new(
                self.window_year as i32,
                self.window_start_month as u32,
                self.window_end_month as u32,
            )
            .ok_or_else(|| bad("window"))?,
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
            joint_department: self.joint_department,
            joint_department_id: self.joint_department_id,
        })
    }
}

const TASK_SELECT: &str = "SELECT t.id, t.plan_no, t.plan_name, t.task_no, t.task_name, t.kind, t.ratio_bp, \
    (SELECT string_agg(i.name, '、' ORDER BY ti.position) FROM task_items ti \
        JOIN inspection_items i ON i.id = ti.item_id WHERE ti.task_id = t.id) AS items, \
    t.scope_text, t.initiating_department_id, di.short_name AS initiating_department, \
    t.joint_department_id, dj.short_name AS joint_department, \
    t.window_year, t.window_start_month, t.window_end_month, t.status \
    FROM tasks t JOIN departments di ON di.id = t.initiating_department_id \
    LEFT JOIN departments dj ON dj.id = t.joint_department_id";

/// The annual plan of `year` with its tasks in table order, if there is one.
pub async fn plan_of_year(db: &AnyPool, year: i32) -> Result<Option<AnnualPlan>, sqlx::Error> {
    let plan: Option<(i64, i64, String, String)> =
        sqlx::query_as("SELECT id, year, title, remarks FROM annual_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(db)
            .await?;
    let Some((id, year, title, remarks)) = plan else { return Ok(None) };
    let tasks = sqlx::query_as::<_, TaskRecord>(&format!(
        "{TASK_SELECT} WHERE t.annual_plan_id = $1 ORDER BY t.position, t.plan_no, t.task_no"
    ))
    .bind(id)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(TaskRecord::into_row)
    .collect::<Result<_, _>>()?;
    Ok(Some(AnnualPlan { id, year: year as i32, title, remarks, tasks }))
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
