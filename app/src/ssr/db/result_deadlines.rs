//! The publication deadlines of drawn tasks (each enterprise on its own 20-working-day
//! clock) and an inspector's assignments: what staff and inspectors have waiting.

use crate::domain::result::{Assignment, DeadlineRow, EnterpriseDeadline, ReviewStatus};
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::clock::today;
use sqlx::AnyPool;

/// Every drawn task with its deadline, the most urgent first.
pub async fn deadlines(db: &AnyPool, department: Option<&str>) -> Result<Vec<DeadlineRow>, AppError> {
    use crate::domain::date::Date;
    let cal = super::calendar::calendar(db).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        task_no: String,
        task_name: String,
        department: String,
        status: String,
        window_year: i32,
        #[sqlx(try_from = "i64")]
        window_end_month: u32,
        published_at: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.task_no, t.task_name, dp.short_name AS department, t.status, t.window_year, \
         t.window_end_month, CASE WHEN t.status IN ('published', 'closed') THEN (SELECT max(r.published_at) \
         FROM inspection_results r JOIN draws d ON d.id = r.draw_id WHERE d.task_id = t.id \
         AND d.abandoned_at IS NULL) END AS published_at \
         FROM tasks t JOIN departments dp ON dp.id = t.initiating_department_id \
         WHERE t.status IN ('drawn', 'list_submitted', 'list_consented', 'list_filed', 'inspecting', \
         'results_entered', 'reviewed', 'published', 'closed') \
         AND ($1 IS NULL OR t.initiating_department_id = $1)",
    )
    .bind(department)
    .fetch_all(db)
    .await?;
    // The clock runs from each task's effective window (a consented 计划调整 moves it).
    let mut windows = std::collections::HashMap::new();
    {
        let mut conn = db.acquire().await?;
        for r in &rows {
            windows.insert(r.id, super::plan_changes::effective_window(&mut conn, r.id).await?);
        }
    }
    let today = Date::parse(&today()).unwrap_or(Date::from_day_number(0));
    let left = |due: Date| {
        if today <= due {
            cal.working_days_between(today, due) as i64
        } else {
            -(cal.working_days_between(due, today) as i64)
        }
    };
    // Each inspected enterprise's own clock, from its inspection date.
    let inspected: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT d.task_id, s.code, e.name, r.inspected_on, r.published_at FROM inspection_results r \
         JOIN draws d ON d.id = r.draw_id JOIN draw_selections s ON s.draw_id = r.draw_id \
         AND s.enterprise_id = r.enterprise_id JOIN enterprises e ON e.id = r.enterprise_id \
         JOIN tasks t ON t.id = d.task_id WHERE d.abandoned_at IS NULL \
         AND ($1 IS NULL OR t.initiating_department_id = $1) ORDER BY d.task_id, s.position",
    )
    .bind(department)
    .fetch_all(db)
    .await?;
    let mut enterprises: std::collections::HashMap<i64, Vec<EnterpriseDeadline>> = Default::default();
    for (task_id, code, name, inspected_on, published_at) in inspected {
        let due = Date::parse(&inspected_on).map(|d| cal.publish_deadline(d));
        let published_on = published_at.map(|p| crate::domain::date::beijing_date(&p));
        enterprises.entry(task_id).or_default().push(EnterpriseDeadline {
            code,
            name,
            due: due.map_or_else(|| inspected_on.clone(), |d| d.to_string()),
            working_days_left: if published_on.is_none() { due.map(left) } else { None },
            inspected_on,
            published_on,
        });
    }
    let mut out: Vec<DeadlineRow> = rows
        .into_iter()
        .filter_map(|r| {
            let end = match windows.get(&r.id) {
                Some(w) => Date::last_of_month(w.year, w.end_month),
                None => Date::last_of_month(r.window_year, r.window_end_month),
            };
            let (window_end, due_n) = (end.to_string(), cal.publish_deadline(end));
            let due = due_n.to_string();
            let published_on = r.published_at.map(|p| crate::domain::date::beijing_date(&p));
            let working_days_left = published_on.is_none().then(|| left(due_n));
            Some(DeadlineRow {
                task_id: r.id,
                task_no: r.task_no,
                task_name: r.task_name,
                department: r.department,
                status: TaskStatus::parse(&r.status)?,
                window_end,
                due,
                published_on,
                working_days_left,
                enterprises: enterprises.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by_key(|r| (r.working_days_left.is_none(), r.working_days_left, r.due.clone()));
    Ok(out)
}

/// The tasks and enterprises an inspector is on the team for, newest draw first.
pub async fn assignments(db: &AnyPool, inspector_id: i64) -> Result<Vec<Assignment>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        task_id: i64,
        task_name: String,
        status: String,
        code: String,
        name: String,
        drawn_at: String,
        review_status: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id AS task_id, t.task_name, t.status, s.code, e.name, d.drawn_at, r.review_status \
         FROM draw_team_members m JOIN draws d ON d.id = m.draw_id JOIN tasks t ON t.id = d.task_id \
         JOIN draw_selections s ON s.draw_id = m.draw_id AND s.position = m.position \
         JOIN enterprises e ON e.id = s.enterprise_id \
         LEFT JOIN inspection_results r ON r.draw_id = s.draw_id AND r.enterprise_id = s.enterprise_id \
         WHERE m.inspector_id = $1 ORDER BY d.drawn_at DESC, s.position",
    )
    .bind(inspector_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Assignment {
                task_id: r.task_id,
                status: TaskStatus::parse(&r.status)?,
                drawn_on: r.drawn_at.get(..10).unwrap_or_default().to_string(),
                review: r.review_status.as_deref().and_then(ReviewStatus::parse),
                task_name: r.task_name,
                code: r.code,
                name: r.name,
            })
        })
        .collect())
}
