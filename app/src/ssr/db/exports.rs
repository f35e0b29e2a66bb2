//! The published results of a year (or one task) as rows for the files other systems read:
//! one row per enterprise and inspection item, in plan, task and credit-code order.

use crate::domain::date::{beijing_date, Date};
use crate::domain::plan::TaskKind;
use crate::domain::result_export::ExportRow;
use crate::error::AppError;
use sqlx::AnyPool;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct Published {
    result_id: i64,
    task_id: i64,
    plan_no: String,
    plan_name: String,
    task_no: String,
    task_name: String,
    kind: String,
    department: String,
    short_name: String,
    code: String,
    name: String,
    inspected_on: String,
    method: String,
    categories: String,
    problems: String,
    handling: String,
    referral_department: String,
    published_at: String,
}

/// The rows of `year`'s published results (or only task `task`'s; either may be left out):
/// one per enterprise and inspection item, with that item's verdict (a result stored
/// without item verdicts gives its one verdict for each of its task's items).
pub async fn published_rows(
    db: &AnyPool,
    year: Option<i32>,
    task: Option<i64>,
) -> Result<Vec<ExportRow>, AppError> {
    let mut conn = db.acquire().await?;
    let results: Vec<Published> = sqlx::query_as(
        "SELECT r.id AS result_id, t.id AS task_id, t.plan_no, t.plan_name, t.task_no, t.task_name, t.kind, \
         dp.name AS department, dp.short_name, s.code, e.name, r.inspected_on, r.method, r.categories, \
         r.problems, r.handling, r.referral_department, r.published_at \
         FROM inspection_results r JOIN draws d ON d.id = r.draw_id JOIN tasks t ON t.id = d.task_id \
         JOIN departments dp ON dp.id = t.initiating_department_id \
         JOIN draw_selections s ON s.draw_id = r.draw_id AND s.enterprise_id = r.enterprise_id \
         JOIN enterprises e ON e.id = r.enterprise_id \
         WHERE r.published_at IS NOT NULL AND d.abandoned_at IS NULL AND ($1 IS NULL OR t.window_year = $1) \
         AND ($2 IS NULL OR t.id = $2) ORDER BY t.plan_no, t.task_no, s.code",
    )
    .bind(year)
    .bind(task)
    .fetch_all(&mut *conn)
    .await?;
    let items: Vec<(i64, String)> = sqlx::query_as(
        "SELECT ti.task_id, i.name FROM task_items ti JOIN inspection_items i ON i.id = ti.item_id \
         ORDER BY ti.task_id, ti.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut items_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (task_id, name) in items {
        items_of.entry(task_id).or_default().push(name);
    }
    // Each published result's item verdicts: (item name, categories, problems).
    let verdicts: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT ri.result_id, i.name, ri.categories, ri.problems FROM result_items ri \
         JOIN inspection_items i ON i.id = ri.item_id JOIN inspection_results r ON r.id = ri.result_id \
         JOIN draws d ON d.id = r.draw_id JOIN tasks t ON t.id = d.task_id \
         LEFT JOIN task_items ti ON ti.task_id = d.task_id AND ti.item_id = ri.item_id \
         WHERE r.published_at IS NOT NULL AND ($1 IS NULL OR t.window_year = $1) AND ($2 IS NULL OR t.id = $2) \
         ORDER BY ri.result_id, ti.position, i.id",
    )
    .bind(year)
    .bind(task)
    .fetch_all(&mut *conn)
    .await?;
    let mut verdicts_of: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for (result_id, item, categories, problems) in verdicts {
        verdicts_of.entry(result_id).or_default().push((item, categories, problems));
    }
    let joint: Vec<(i64, String)> = sqlx::query_as(
        "SELECT j.task_id, dp.name FROM task_joint_departments j JOIN departments dp ON dp.id = j.department_id \
         JOIN tasks t ON t.id = j.task_id WHERE j.department_id <> t.initiating_department_id ORDER BY j.task_id, j.position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut joint_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (task_id, name) in joint {
        joint_of.entry(task_id).or_default().push(name);
    }
    let mut follow_ups = super::follow_ups::public_by_result(&mut conn).await?;
    let cal = super::calendar::calendar(&mut *conn).await?;
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
    let mut rows = Vec::new();
    for r in results {
        let published_on = beijing_date(&r.published_at);
        let on_time = match Date::parse(&r.inspected_on) {
            Some(d) if published_on <= cal.publish_deadline(d).to_string() => "按时",
            Some(_) => "逾期",
            None => "",
        };
        let public = crate::domain::result::PublicResult {
            name: r.name.clone(),
            code: r.code.clone(),
            inspected_on: r.inspected_on.clone(),
            method: r.method.clone(),
            categories: list(&r.categories),
            problems: r.problems.clone(),
            handling: list(&r.handling),
            referral_department: r.referral_department.clone(),
            published_on: published_on.clone(),
            follow_ups: follow_ups.remove(&r.result_id).unwrap_or_default(),
            corrected_on: None,
            correction_reason: String::new(),
            verdicts: Vec::new(),
        };
        let authority = std::iter::once(r.department.clone())
            .chain(joint_of.get(&r.task_id).into_iter().flatten().cloned())
            .collect::<Vec<_>>()
            .join("、");
        let base = ExportRow {
            plan_no: r.plan_no,
            plan_name: r.plan_name,
            task_no: r.task_no,
            task_name: r.task_name,
            task_kind: TaskKind::parse(&r.kind).map_or(r.kind.clone(), |k| k.label().to_string()),
            authority,
            code: r.code,
            name: r.name,
            item: String::new(),
            result: public.categories.join("、"),
            method: r.method,
            handling: public.handling_in_words(),
            published_on,
            inspected_on: r.inspected_on,
            problems: r.problems,
            department: r.short_name,
            on_time: on_time.to_string(),
        };
        if let Some(verdicts) = verdicts_of.remove(&r.result_id) {
            rows.extend(verdicts.into_iter().map(|(item, categories, problems)| ExportRow {
                item,
                result: list(&categories).join("、"),
                problems,
                ..base.clone()
            }));
            continue;
        }
        match items_of.get(&r.task_id) {
            Some(items) if !items.is_empty() => {
                rows.extend(items.iter().map(|item| ExportRow { item: item.clone(), ..base.clone() }))
            }
            _ => rows.push(base),
        }
    }
    Ok(rows)
}
