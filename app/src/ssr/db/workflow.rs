//! Moving a task through its lifecycle: each step by its role and department, in order,
//! with its preconditions, its event and its audit entry in one transaction.

use crate::domain::audit::Actor;
use crate::domain::auth::SessionUser;
use crate::domain::workflow::TaskStatus;
use crate::domain::workflow::{self, StepRefusal};
use crate::error::AppError;
use crate::ssr::clock::now_utc;
use crate::ssr::db::audit::{self, Change};
use sqlx::{AnyConnection, AnyPool};

/// A task's status and initiating department, read inside a transaction.
pub(crate) async fn task_state(
    conn: &mut AnyConnection,
    task_id: i64,
) -> Result<(TaskStatus, String), AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT status, initiating_department_id FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, dept) = row.ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))?;
    let status = TaskStatus::parse(&status).ok_or_else(|| AppError::internal("bad task status"))?;
    Ok((status, dept))
}

/// The workflow's refusal as an [`AppError`].
pub(crate) fn step_error(r: StepRefusal) -> AppError {
    match r {
        StepRefusal::OutOfOrder(m) => AppError::Conflict(m),
        StepRefusal::Forbidden(m) => AppError::Forbidden(m),
        StepRefusal::MissingReason(m) => AppError::invalid("comment", m),
    }
}

/// Checks that `user` may move the task to `to` now; returns its current status.
pub(crate) async fn check_step(
    conn: &mut AnyConnection,
    task_id: i64,
    to: TaskStatus,
    comment: &str,
    user: &SessionUser,
) -> Result<TaskStatus, AppError> {
    let (from, dept) = task_state(conn, task_id).await?;
    if let Some(r) = workflow::refusal(user, &dept, from, to, comment) {
        return Err(step_error(r));
    }
    Ok(from)
}

/// Takes one ordinary step (not freezing or drawing, which have their own functions).
pub async fn advance(
    db: &AnyPool,
    task_id: i64,
    to: TaskStatus,
    comment: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    let comment = comment.trim();
    if comment.chars().count() > 500 {
        return Err(AppError::invalid("comment", "意见不超过 500 字"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let from = check_step(&mut tx, task_id, to, comment, user).await?;
    if workflow::transition(from, to).is_some_and(|t| t.dedicated) {
        return Err(AppError::Conflict(format!("“{}”请在抽取页面办理", to.label())));
    }
    let mut abandoned = None;
    match (from, to) {
        (TaskStatus::Drawn, TaskStatus::Planned) => {
            abandoned = Some(abandon_in(&mut tx, task_id, comment, user.actor()).await?);
        }
        (TaskStatus::Inspecting, TaskStatus::ResultsEntered) => {
            let (selected, entered, returned) = result_counts(&mut tx, task_id).await?;
            if entered < selected {
                return Err(AppError::Conflict(format!(
                    "还有 {} 户的检查结果未录入（已录入 {entered} / {selected}）",
                    selected - entered
                )));
            }
            if returned > 0 {
                return Err(AppError::Conflict(format!("还有 {returned} 户被退回的结果未重新录入")));
            }
        }
        (TaskStatus::ResultsEntered, TaskStatus::Reviewed) => {
            let pending: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
                 WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND r.review_status <> 'passed'",
            )
            .bind(task_id)
            .fetch_one(&mut *tx)
            .await?;
            if pending > 0 {
                return Err(AppError::Conflict(format!("还有 {pending} 户的结果未审核公示")));
            }
        }
        (TaskStatus::Reviewed, TaskStatus::Published) => {
            sqlx::query(
                "UPDATE inspection_results SET published_at = $1 WHERE published_at IS NULL \
                 AND draw_id = (SELECT id FROM draws WHERE task_id = $2 AND abandoned_at IS NULL)",
            )
            .bind(now_utc())
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    set_status(&mut tx, task_id, from, to, user.actor(), comment).await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: if abandoned.is_some() { "draw.abandon" } else { "task.step" },
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: Some(serde_json::json!({ "status": from.code(), "draw_id": abandoned })),
            after: Some(serde_json::json!({ "status": to.code(), "comment": comment })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// (selected enterprises, results entered, results returned and not yet corrected).
async fn result_counts(conn: &mut AnyConnection, task_id: i64) -> Result<(i64, i64, i64), AppError> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM draw_selections s JOIN draws d ON d.id = s.draw_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL), \
                (SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id WHERE d.task_id = $1 AND d.abandoned_at IS NULL), \
                (SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
                 WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND r.review_status = 'returned')",
    )
    .bind(task_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// Moves a task from `from` to `to` (refused with 409 if it is no longer in `from`) and
/// records the step with its author and comment, inside the caller's transaction.
pub(crate) async fn set_status(
    conn: &mut AnyConnection,
    task_id: i64,
    from: TaskStatus,
    to: TaskStatus,
    actor: Actor<'_>,
    comment: &str,
) -> Result<(), AppError> {
    let changed = sqlx::query("UPDATE tasks SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.code())
        .bind(task_id)
        .bind(from.code())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict(format!("任务状态已变化，不再是“{}”", from.label())));
    }
    sqlx::query(
        "INSERT INTO task_events (task_id, from_status, to_status, actor, role, comment, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(task_id)
    .bind(from.code())
    .bind(to.code())
    .bind(actor.name)
    .bind(actor.role)
    .bind(comment)
    .bind(now_utc())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Declares the live draw of a drawn task void (作废) with a reason, inside the caller's
/// transaction: the draw stays, marked abandoned and shown publicly as such; the task
/// returns to the plan, so that it may be frozen and drawn anew as a separate draw that
/// names this one. The principal leader's step (`domain::workflow`); the caller records
/// the status change. Returns the abandoned draw's id.
pub(crate) async fn abandon_in(
    conn: &mut AnyConnection,
    task_id: i64,
    reason: &str,
    actor: Actor<'_>,
) -> Result<i64, AppError> {
    let draw_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM draws WHERE task_id = $1 AND abandoned_at IS NULL AND manifest IS NOT NULL",
    )
    .bind(task_id)
    .fetch_optional(&mut *conn)
    .await?;
    let draw_id = draw_id.ok_or_else(|| AppError::Conflict("该任务没有可作废的抽取".into()))?;
    sqlx::query("UPDATE draws SET abandoned_at = $1, abandoned_by = $2, abandon_reason = $3 WHERE id = $4")
        .bind(now_utc())
        .bind(actor.name)
        .bind(reason.trim())
        .bind(draw_id)
        .execute(&mut *conn)
        .await?;
    Ok(draw_id)
}
