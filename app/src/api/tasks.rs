//! Server functions for tasks: the task page, the form, the live pool estimate, saving.

use crate::domain::task::{PoolEstimate, Scope, TaskDraft};
use crate::domain::task_view::{TaskDetail, TaskFormOptions};
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Everything about one task.
#[server(prefix = "/api", endpoint = "task")]
pub async fn get_task(id: i64) -> Result<TaskDetail, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let mut detail = crate::ssr::db::tasks::detail(&db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("任务 {id} 不存在")))?;
    detail.steps =
        crate::domain::workflow::offers(&user, &detail.draft.initiating_department_id, detail.row.status);
    detail.can_edit = detail.row.status.editable()
        && user.role == crate::domain::auth::Role::Clerk
        && user.serves(&detail.draft.initiating_department_id);
    use crate::domain::workflow::TaskStatus;
    detail.can_request_change = user.role == crate::domain::auth::Role::Clerk
        && user.serves(&detail.draft.initiating_department_id)
        && matches!(detail.row.status, TaskStatus::Draft | TaskStatus::Submitted | TaskStatus::Planned);
    detail.can_decide_change = user.role == crate::domain::auth::Role::PrincipalLeader;
    Ok(detail)
}

/// 计划调整: the task's clerk asks to move its window (year, months) for a reason; the
/// principal leader decides. Returns the change's id.
#[server(prefix = "/api", endpoint = "request_plan_change")]
pub async fn request_plan_change(
    task_id: i64,
    year: i32,
    start_month: u32,
    end_month: u32,
    reason: String,
) -> Result<i64, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let window = crate::domain::plan::Window::new(year, start_month, end_month)
        .filter(|_| (2000..=2100).contains(&year))
        .ok_or_else(|| {
            AppError::invalid(
                "window",
                "调整后的抽查时间无效：年份须在 2000–2100 之间，结束月份不早于开始月份",
            )
        });
    crate::ssr::db::plan_changes::request(&db, task_id, window, &reason, &user).await
}

/// The principal leader consents to a plan change (`consent`), or refuses it with a reason.
#[server(prefix = "/api", endpoint = "decide_plan_change")]
pub async fn decide_plan_change(change_id: i64, consent: bool, comment: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::plan_changes::decide(&db, change_id, consent, &comment, &user).await
}

/// The form of a task: its current draft (`None` for a new one) and the choices.
#[server(prefix = "/api", endpoint = "task_form")]
pub async fn get_task_form(id: Option<i64>) -> Result<(Option<TaskDraft>, TaskFormOptions), AppError> {
    crate::ssr::auth::require(&[crate::domain::auth::Role::Clerk])?;
    let db = crate::ssr::state::db()?;
    let options = crate::ssr::db::tasks::form_options(&db).await?;
    let draft = match id {
        Some(id) => Some(
            crate::ssr::db::tasks::draft(&db, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("任务 {id} 不存在")))?,
        ),
        None => None,
    };
    Ok((draft, options))
}

/// How many enterprises a scope gives now, and how many would be drawn.
#[server(prefix = "/api", endpoint = "pool_estimate", input = server_fn::codec::Json)]
pub async fn estimate_pool(
    scope: Scope,
    ratio_bp: crate::domain::ratio::Ratio,
    risk_ratios_bp: BTreeMap<String, crate::domain::ratio::Ratio>,
) -> Result<PoolEstimate, AppError> {
    crate::ssr::auth::require(&[crate::domain::auth::Role::Clerk])?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::tasks::estimate(&db, &scope, ratio_bp, &risk_ratios_bp).await
}

/// Saves a new or edited task; returns its id.
#[server(prefix = "/api", endpoint = "save_task", input = server_fn::codec::Json)]
pub async fn save_task(draft: TaskDraft) -> Result<i64, AppError> {
    let user = crate::ssr::auth::require(&[crate::domain::auth::Role::Clerk])?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::tasks::save(&db, &draft, &user).await
}
