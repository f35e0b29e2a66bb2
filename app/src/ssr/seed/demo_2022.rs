//! A finished year for the demo: a 2022 plan with one task taken all the way from filing
//! to published results, so the public portal has draws and results to show. Dated as
//! it would have happened in 2022; clearly marked as demo data like the rest.

use crate::domain::audit::Actor;
use crate::domain::auth::Role;
use crate::domain::workflow::TaskStatus;
use crate::ssr::seed::demo::{demo_error, insert_event};
use sqlx::{AnyConnection, AnyPool};

/// The demo's 2022 task.
pub const TASK_NAME: &str = "2022 年商务局成品油销售企业内部联合随机抽查（演示）";
const DRAW_DATE: &str = "2022-03-08";
const ENTROPY: &str = "6 2 5 1 3 3 4 6 1 2 5 5 3 6 2 4 1 1 6 4";

/// Inserts the 2022 plan and its task (filed), with the approval steps; returns the task id.
pub async fn seed_plan(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let plan_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO annual_plans (year, title, remarks) VALUES (2022, '邯郸市商务局 2022 年度随机抽查工作计划（演示）', '') RETURNING id",
    )
    .fetch_one(&mut *conn)
    .await?;
    let task_id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, scope_text, \
         scope_category, scope_filed_before, initiating_department_id, joint_department_id, window_year, \
         window_start_month, window_end_month, status, position) \
         VALUES ($1, '2022001', '2022 年邯郸市商务局第一次内部联合随机抽查 001', '001 号', $2, 'targeted', 200, \
         '2022 年 1 月 31 前登记备案的市场主体', '成品油零售企业', '2022-01-31', 'swj-zfzd', 'swj-zfzd', 2022, 3, 4, \
         'filed', 0) RETURNING id",
    )
    .bind(plan_id)
    .bind(TASK_NAME)
    .fetch_one(&mut *conn)
    .await?;
    for (i, item) in [1i64, 2].into_iter().enumerate() {
        sqlx::query("INSERT INTO task_items (task_id, item_id, position) VALUES ($1, $2, $3)")
            .bind(task_id)
            .bind(item)
            .bind(i as i64)
            .execute(&mut *conn)
            .await?;
    }
    let steps = [
        (TaskStatus::Draft, TaskStatus::Submitted, "jingban", Role::Clerk, "", "2022-02-21T01:30:00Z"),
        (
            TaskStatus::Submitted,
            TaskStatus::Approved,
            "lingdao",
            Role::Leader,
            "同意",
            "2022-02-23T02:00:00Z",
        ),
        (TaskStatus::Approved, TaskStatus::Filed, "zhixu", Role::OrderOffice, "", "2022-02-25T06:10:00Z"),
    ];
    for (from, to, actor, role, comment, at) in steps {
        insert_event(conn, task_id, (from, to), (actor, role), comment, at).await?;
    }
    Ok(task_id)
}

/// What each demo inspection found: (categories, problems, handling, referral department).
const FINDINGS: [(&[&str], &str, &[&str], &str); 4] = [
    (&["未发现问题"], "", &[], ""),
    (&["发现问题已责令改正"], "成品油购销台账登记不全。", &["责令改正"], ""),
    (&["未发现问题"], "", &[], ""),
    (&["发现问题待后续处理"], "未按规定公示年度报告信息。", &["移送"], "市场监督管理局"),
];

/// Freezes and draws the 2022 task (a real DR1 draw), then records its inspections,
/// review and publication with 2022 dates.
pub async fn draw_and_publish(db: &AnyPool, task_id: i64) -> Result<(), sqlx::Error> {
    let clerk = Actor { name: "jingban", role: Role::Clerk.code() };
    let frozen = crate::ssr::db::draws::freeze(db, task_id, DRAW_DATE, clerk).await.map_err(demo_error)?;
    crate::ssr::db::draws::run_draw(db, task_id, ENTROPY, clerk).await.map_err(demo_error)?;
    let draw_id = frozen.draw_id;

    let mut tx = crate::ssr::db::begin_write(db).await?;
    sqlx::query("UPDATE draws SET frozen_at = '2022-03-04T02:00:00Z', drawn_at = '2022-03-08T02:30:00Z', place = '市商务局三楼会议室' WHERE id = $1")
        .bind(draw_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE task_events SET at = CASE to_status WHEN 'frozen' THEN '2022-03-04T02:00:00Z' ELSE '2022-03-08T02:30:00Z' END WHERE task_id = $1 AND to_status IN ('frozen', 'drawn')")
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
    let selected: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT position, enterprise_id FROM draw_selections WHERE draw_id = $1 ORDER BY position",
    )
    .bind(draw_id)
    .fetch_all(&mut *tx)
    .await?;
    for (position, enterprise_id) in selected {
        let team: Vec<i64> = sqlx::query_scalar(
            "SELECT inspector_id FROM draw_team_members WHERE draw_id = $1 AND position = $2 ORDER BY seq",
        )
        .bind(draw_id)
        .bind(position)
        .fetch_all(&mut *tx)
        .await?;
        let (categories, problems, handling, referral) = FINDINGS[position as usize % FINDINGS.len()];
        let day = 10 + position % 18;
        sqlx::query(
            "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, \
             problems, handling, referral_department, entered_by, entered_at, updated_at, review_status, \
             review_comment, reviewed_by, reviewed_at, published_at) \
             VALUES ($1, $2, $3, '现场检查', $4, $5, $6, $7, $8, 'jingban', $9, $10, 'passed', '', 'chuzhang', \
             '2022-05-09T02:00:00Z', '2022-05-12T02:00:00Z')",
        )
        .bind(draw_id)
        .bind(enterprise_id)
        .bind(format!("2022-04-{day:02}"))
        .bind(serde_json::to_string(&team).map_err(demo_error)?)
        .bind(serde_json::to_string(categories).map_err(demo_error)?)
        .bind(problems)
        .bind(serde_json::to_string(handling).map_err(demo_error)?)
        .bind(referral)
        .bind(format!("2022-04-{day:02}T08:00:00Z"))
        .bind(format!("2022-04-{day:02}T08:00:00Z"))
        .execute(&mut *tx)
        .await?;
    }
    let steps = [
        (TaskStatus::Drawn, TaskStatus::Inspecting, "jingban", Role::Clerk, "", "2022-03-09T01:00:00Z"),
        (
            TaskStatus::Inspecting,
            TaskStatus::ResultsEntered,
            "jingban",
            Role::Clerk,
            "",
            "2022-04-29T08:00:00Z",
        ),
        (
            TaskStatus::ResultsEntered,
            TaskStatus::Reviewed,
            "chuzhang",
            Role::OfficeHead,
            "同意",
            "2022-05-09T02:00:00Z",
        ),
        (
            TaskStatus::Reviewed,
            TaskStatus::Published,
            "chuzhang",
            Role::OfficeHead,
            "",
            "2022-05-12T02:00:00Z",
        ),
    ];
    for (from, to, actor, role, comment, at) in steps {
        insert_event(&mut tx, task_id, (from, to), (actor, role), comment, at).await?;
    }
    sqlx::query("UPDATE tasks SET status = 'published' WHERE id = $1 AND status = 'drawn'")
        .bind(task_id)
        .execute(&mut *tx)
        .await?;
    crate::ssr::db::audit::append(
        &mut tx,
        crate::ssr::db::audit::Change {
            actor: "system",
            role: "system",
            action: "demo.history",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "status": "published", "dated": "2022" })),
        },
    )
    .await?;
    tx.commit().await
}
