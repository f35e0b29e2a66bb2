//! Applying an imported plan table (附件2): every row checked against the departments,
//! items and tasks the database holds, then written in one transaction with its audit
//! entry, or not at all. The cells themselves are checked by `domain::plan_table`.

use crate::domain::audit::Actor;
use crate::domain::import::{ImportReport, RowError};
use crate::domain::plan_table::{
    column_index, filed_before_of, infer_category, parse_rows, row_error, split_items, squeeze, PlanRowInput,
    SheetContents, INITIATING, ITEMS, JOINT, NO_JOINT, TASK_NO, WINDOW,
};
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::Backend;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;

/// One checked row and what it does to the database.
struct Planned<'a> {
    input: &'a PlanRowInput,
    initiating_id: String,
    joint_ids: Vec<String>,
    item_ids: Vec<i64>,
    category: Option<String>,
    filed_before: Option<String>,
    /// `Some((task id, the task before, as JSON))` for an update.
    existing: Option<(i64, serde_json::Value)>,
}

/// Everything the import would do, and every reason it must not.
struct ImportPlan<'a> {
    plan: Option<(i64, String, String)>,
    rows: Vec<Planned<'a>>,
    rejected: Vec<RowError>,
}

/// Imports a plan table into the annual plan of `year` (created if missing): each row
/// adds a task or updates the one with the same plan and task number. With
/// `apply == false`, or when any row is rejected, nothing is written.
///
/// Each row is held to the rules of the task form (`db::tasks::save`): with
/// `only_department` (a departmental account's), a row adds a task only for that
/// department and changes only that department's tasks. A row breaking that is refused
/// by row and column like any other bad cell.
pub async fn import_plan(
    db: &AnyPool,
    year: i32,
    sheet: &SheetContents,
    apply: bool,
    actor: Actor<'_>,
    only_department: Option<&str>,
) -> Result<ImportReport, AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("年度", "年度须在 2000–2100 之间"));
    }
    let parsed = parse_rows(&sheet.rows);
    let report = |plan: &ImportPlan<'_>, applied: bool| ImportReport {
        added: plan.rows.iter().filter(|r| r.existing.is_none()).count(),
        updated: plan.rows.iter().filter(|r| r.existing.is_some()).count(),
        rejected: plan.rejected.clone(),
        applied,
    };
    if !apply {
        let mut conn = db.acquire().await?;
        let plan = plan_import(&mut conn, year, sheet, &parsed, only_department).await?;
        return Ok(report(&plan, false));
    }
    // Checked again inside the transaction, so nothing can change between check and write.
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let plan = plan_import(&mut tx, year, sheet, &parsed, only_department).await?;
    if !plan.rejected.is_empty() {
        return Ok(report(&plan, false)); // dropping `tx` rolls back (nothing was written)
    }
    write_import(&mut tx, year, sheet, &plan, actor).await?;
    tx.commit().await?;
    Ok(report(&plan, true))
}

/// The task with a plan and task number, its status, its plan's year and the task as a JSON
/// object (what an import would overwrite, for the audit entry).
fn task_json_sql(backend: Backend) -> String {
    let joints = match backend {
        Backend::Sqlite => {
            "(SELECT group_concat(department_id, '、') FROM (SELECT department_id FROM task_joint_departments \
             WHERE task_id = t.id ORDER BY position))"
        }
        Backend::Postgres => {
            "(SELECT string_agg(department_id, '、' ORDER BY position) FROM task_joint_departments WHERE task_id = t.id)"
        }
    };
    let fields = "'plan_no', t.plan_no, 'plan_name', t.plan_name, \
                  'task_no', t.task_no, 'task_name', t.task_name, 'kind', t.kind, 'ratio_bp', t.ratio_bp, \
                  'scope_text', t.scope_text, 'scope_category', t.scope_category, \
                  'scope_filed_before', t.scope_filed_before, \
                  'initiating_department_id', t.initiating_department_id, \
                  'joint_department_ids', {joints}, 'window_year', t.window_year, \
                  'window_start_month', t.window_start_month, 'window_end_month', t.window_end_month";
    let fields = fields.replace("{joints}", joints);
    let object = match backend {
        Backend::Sqlite => format!(
            "json_object({fields}, 'items', (SELECT json_group_array(ti.item_id) FROM \
             (SELECT item_id FROM task_items WHERE task_id = t.id ORDER BY position) ti))"
        ),
        Backend::Postgres => format!(
            "CAST(json_build_object({fields}, 'items', coalesce((SELECT json_agg(ti.item_id ORDER BY ti.position) \
             FROM task_items ti WHERE ti.task_id = t.id), '[]'::json)) AS TEXT)"
        ),
    };
    format!(
        "SELECT t.id, t.status, p.year, {object} FROM tasks t JOIN annual_plans p ON p.id = t.annual_plan_id \
         WHERE t.plan_no = $1 AND t.task_no = $2"
    )
}

async fn plan_import<'a>(
    conn: &mut AnyConnection,
    year: i32,
    sheet: &SheetContents,
    parsed: &'a [Result<PlanRowInput, Vec<RowError>>],
    only_department: Option<&str>,
) -> Result<ImportPlan<'a>, sqlx::Error> {
    let departments: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, name, short_name FROM departments ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let items: HashMap<String, (i64, bool)> =
        sqlx::query_as::<_, (String, i64, i64)>("SELECT name, id, active FROM inspection_items")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(name, id, active)| (name, (id, active != 0)))
            .collect();
    let mut categories: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT category FROM enterprises").fetch_all(&mut *conn).await?;
    categories.sort_by_key(|c| std::cmp::Reverse(c.chars().count()));
    let plan: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, title, remarks FROM annual_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut *conn)
            .await?;

    let task_json_sql = task_json_sql(Backend::of(conn));
    let short_names: Vec<&str> = departments.iter().map(|d| d.2.as_str()).collect();
    let department_name = |id: &str| -> String {
        departments.iter().find(|d| d.0 == id).map_or_else(|| id.to_string(), |d| d.2.clone())
    };
    // The department a task belongs to now, from the JSON of the task as stored.
    let before_department = |before: &str| -> Option<String> {
        serde_json::from_str::<serde_json::Value>(before)
            .ok()?
            .get("initiating_department_id")?
            .as_str()
            .map(str::to_string)
    };
    let department = |text: &str| -> Option<String> {
        let t = squeeze(text);
        departments
            .iter()
            .find(|(id, name, short)| t == *id || t == squeeze(name) || t == squeeze(short))
            .map(|d| d.0.clone())
    };

    let mut out = ImportPlan { plan: plan.clone(), rows: Vec::new(), rejected: Vec::new() };
    for (raw, result) in sheet.rows.iter().zip(parsed) {
        let mut errors: Vec<RowError> = match result {
            Ok(_) => Vec::new(),
            Err(e) => e.clone(),
        };
        let mut err = |col: usize, message: String| errors.push(row_error(raw.row, col, message));

        // Departments and items are checked on every row, so one pass shows all problems.
        let mut resolve = |col: usize, text: &str| -> Option<String> {
            if text.is_empty() || (col == JOINT && NO_JOINT.contains(&text)) {
                return None;
            }
            let id = department(text);
            if id.is_none() {
                err(
                    col,
                    format!(
                        "未知的部门“{text}”；应填写部门简称、全称或编号，如：{}",
                        short_names.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、")
                    ),
                );
            }
            id
        };
        let initiating_id = resolve(INITIATING, raw.cells[INITIATING].as_str());
        let mut joint_ids: Vec<String> = Vec::new();
        for name in split_items(&raw.cells[JOINT]) {
            if let Some(id) = resolve(JOINT, &name) {
                if !joint_ids.contains(&id) {
                    joint_ids.push(id);
                }
            }
        }

        let mut item_ids = Vec::new();
        let mut unknown = Vec::new();
        for name in split_items(&raw.cells[ITEMS]) {
            match items.get(&name) {
                Some((id, true)) => item_ids.push(*id),
                Some((_, false)) => {
                    err(ITEMS, format!("抽查事项“{name}”已停用；请改用抽查事项清单中在用的事项"))
                }
                None => unknown.push(format!("“{name}”")),
            }
        }
        if !unknown.is_empty() {
            err(
                ITEMS,
                format!(
                    "抽查事项清单中没有{}；请核对名称（多个事项用“、”分隔），或先在抽查事项清单中添加该事项",
                    unknown.join("、")
                ),
            );
        }

        let mut existing = None;
        // An existing task of another department (refused once, on its task number).
        let mut foreign = false;
        if let Ok(input) = result {
            if input.window.year != year {
                err(
                    WINDOW,
                    format!(
                        "抽查时间“{}”不在 {year} 年内；导入的是 {year} 年度计划，应写成如“{year} 年 3 月-4 月”",
                        raw.cells[WINDOW]
                    ),
                );
            }
            let found: Option<(i64, String, i64, String)> = sqlx::query_as(&task_json_sql)
                .bind(&input.plan_no)
                .bind(&input.task_no)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some((id, status, task_year, before)) = found {
                if task_year != i64::from(year) {
                    err(
                        TASK_NO,
                        format!(
                            "抽查计划编号“{}”、抽查任务编号“{}”已用于 {task_year} 年度计划；请改用新的编号",
                            input.plan_no, input.task_no
                        ),
                    );
                } else if let Some(owner) =
                    before_department(&before).filter(|d| only_department.is_some_and(|own| own != d))
                {
                    foreign = true;
                    err(
                        TASK_NO,
                        format!(
                            "抽查任务“{}”属于{}，只能由该部门的经办人修改；请删除此行",
                            input.task_no,
                            department_name(&owner)
                        ),
                    );
                } else {
                    match TaskStatus::parse(&status) {
                        Some(s) if s.editable() => {
                            let before = serde_json::from_str(&before).unwrap_or(serde_json::Value::Null);
                            existing = Some((id, before));
                        }
                        other => err(
                            TASK_NO,
                            format!(
                                "该任务已提交审批，只有草稿或被退回的任务才能修改（当前状态：{}）；请删除此行或改用新的任务编号",
                                other.map_or(status.as_str(), |s| s.label())
                            ),
                        ),
                    }
                }
            }
            match (only_department, initiating_id.as_deref()) {
                (Some(own), Some(id)) if id != own && !foreign => err(
                    INITIATING,
                    format!(
                        "发起部门为“{}”；经办人只能导入本部门（{}）发起的任务",
                        department_name(id),
                        department_name(own)
                    ),
                ),
                _ => {}
            }
            if errors.is_empty() {
                out.rows.push(Planned {
                    input,
                    initiating_id: initiating_id.unwrap_or_default(),
                    joint_ids,
                    item_ids,
                    category: infer_category(input.kind, &input.scope, &input.task_name, &categories),
                    filed_before: filed_before_of(&input.scope),
                    existing,
                });
                continue;
            }
        }
        errors.sort_by_key(|e| column_index(&e.column));
        out.rejected.extend(errors);
    }
    out.rejected.sort_by_key(|e| e.row); // stable: columns stay in order within a row
    Ok(out)
}

async fn write_import(
    conn: &mut AnyConnection,
    year: i32,
    sheet: &SheetContents,
    plan: &ImportPlan<'_>,
    actor: Actor<'_>,
) -> Result<(), sqlx::Error> {
    let (plan_id, plan_before) = match &plan.plan {
        Some((id, title, remarks)) => {
            sqlx::query("UPDATE annual_plans SET title = COALESCE($1, title), remarks = COALESCE($2, remarks) WHERE id = $3")
                .bind(&sheet.title)
                .bind(&sheet.remarks)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            (*id, serde_json::json!({ "title": title, "remarks": remarks }))
        }
        None => {
            let title = sheet.title.clone().unwrap_or_else(|| format!("{year} 年度随机抽查工作计划"));
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO annual_plans (year, title, remarks) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(i64::from(year))
            .bind(&title)
            .bind(sheet.remarks.as_deref().unwrap_or(""))
            .fetch_one(&mut *conn)
            .await?;
            (id, serde_json::Value::Null)
        }
    };
    let mut position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM tasks WHERE annual_plan_id = $1")
            .bind(plan_id)
            .fetch_one(&mut *conn)
            .await?;

    let mut added = Vec::new();
    let mut updated = Vec::new();
    let mut before_tasks = Vec::new();
    for p in &plan.rows {
        let r = p.input;
        let task_id = match &p.existing {
            None => {
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, \
                     scope_text, scope_category, scope_filed_before, initiating_department_id, \
                     window_year, window_start_month, window_end_month, status, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', $15) RETURNING id",
                )
                .bind(plan_id)
                .bind(&r.plan_no)
                .bind(&r.plan_name)
                .bind(&r.task_no)
                .bind(&r.task_name)
                .bind(r.kind.code())
                .bind(i64::from(r.ratio_bp))
                .bind(&r.scope)
                .bind(&p.category)
                .bind(&p.filed_before)
                .bind(&p.initiating_id)
                .bind(i64::from(r.window.year))
                .bind(i64::from(r.window.start_month))
                .bind(i64::from(r.window.end_month))
                .bind(position)
                .fetch_one(&mut *conn)
                .await?;
                position += 1;
                id
            }
            Some((id, before)) => {
                // Structured scope filters the text does not name are kept, not erased;
                // the status is never touched by an import.
                sqlx::query(
                    "UPDATE tasks SET plan_name = $1, task_name = $2, kind = $3, ratio_bp = $4, scope_text = $5, \
                     scope_category = CASE WHEN $6 = 'general' THEN NULL ELSE COALESCE($7, scope_category) END, \
                     scope_filed_before = COALESCE($8, scope_filed_before), \
                     initiating_department_id = $9, \
                     window_year = $10, window_start_month = $11, window_end_month = $12 WHERE id = $13",
                )
                .bind(&r.plan_name)
                .bind(&r.task_name)
                .bind(r.kind.code())
                .bind(i64::from(r.ratio_bp))
                .bind(&r.scope)
                .bind(r.kind.code())
                .bind(&p.category)
                .bind(&p.filed_before)
                .bind(&p.initiating_id)
                .bind(i64::from(r.window.year))
                .bind(i64::from(r.window.start_month))
                .bind(i64::from(r.window.end_month))
                .bind(id)
                .execute(&mut *conn)
                .await?;
                sqlx::query("DELETE FROM task_items WHERE task_id = $1").bind(id).execute(&mut *conn).await?;
                before_tasks.push(serde_json::json!({ "id": id, "task": before }));
                *id
            }
        };
        for (i, item) in p.item_ids.iter().enumerate() {
            sqlx::query("INSERT INTO task_items (task_id, item_id, position) VALUES ($1, $2, $3)")
                .bind(task_id)
                .bind(item)
                .bind(i as i64)
                .execute(&mut *conn)
                .await?;
        }
        super::tasks::write_joint_departments(conn, task_id, &p.joint_ids).await?;
        sqlx::query("DELETE FROM task_batches WHERE task_id = $1").bind(task_id).execute(&mut *conn).await?;
        for (i, b) in r.batches.iter().enumerate() {
            sqlx::query("INSERT INTO task_batches (task_id, batch_no, start_month, end_month) VALUES ($1, $2, $3, $4)")
                .bind(task_id)
                .bind(i as i64 + 1)
                .bind(i64::from(b.start_month))
                .bind(i64::from(b.end_month))
                .execute(&mut *conn)
                .await?;
        }
        let after = serde_json::json!({
            "id": task_id,
            "row": r.row,
            "plan_no": r.plan_no,
            "plan_name": r.plan_name,
            "task_no": r.task_no,
            "task_name": r.task_name,
            "kind": r.kind.code(),
            "ratio_bp": r.ratio_bp,
            "items": p.item_ids,
            "scope_text": r.scope,
            "scope_category": p.category,
            "scope_filed_before": p.filed_before,
            "initiating_department_id": p.initiating_id,
            "joint_department_ids": p.joint_ids,
            "window": r.window.label(),
        });
        if p.existing.is_some() {
            updated.push(after)
        } else {
            added.push(after)
        }
    }

    let plan_id_text = plan_id.to_string();
    audit::append(
        conn,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "plan.import",
            entity_type: "annual_plan",
            entity_id: &plan_id_text,
            before: Some(serde_json::json!({ "plan": plan_before, "tasks": before_tasks })),
            after: Some(serde_json::json!({
                "year": year,
                "sheet": sheet.name,
                "title": sheet.title,
                "remarks": sheet.remarks,
                "added": added,
                "updated": updated,
            })),
        },
    )
    .await?;
    Ok(())
}
