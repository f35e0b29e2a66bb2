//! Server functions that move a task through its lifecycle, freeze its pool and draw.

use crate::error::AppError;
use leptos::prelude::*;

/// Takes one workflow step (e.g. approve, file, send back with a reason).
#[server(prefix = "/api", endpoint = "task_step")]
pub async fn take_step(task_id: i64, to: String, comment: String) -> Result<(), AppError> {
    use crate::domain::workflow::TaskStatus;
    let user = crate::ssr::auth::user()?;
    let to =
        TaskStatus::parse(&to).ok_or_else(|| AppError::invalid("to", format!("未知的任务状态“{to}”")))?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::workflow::advance(&db, task_id, to, &comment, &user).await
}

/// Freezes a filed task's pool today (经办人 of the initiating department). Refused
/// attempts are recorded.
#[server(prefix = "/api", endpoint = "freeze")]
pub async fn freeze_task(task_id: i64) -> Result<i64, AppError> {
    use crate::domain::workflow::TaskStatus;
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    guard_draw_step(&db, task_id, TaskStatus::Frozen, "freeze", &user).await?;
    let today = crate::ssr::clock::today();
    // A task drawn in batches freezes its next batch (a task of its own).
    let split = !crate::ssr::db::tasks::batches_of(&mut *db.acquire().await?, task_id).await?.is_empty();
    let frozen = if split {
        crate::ssr::db::draws::freeze_batch(&db, task_id, &today, user.actor()).await?.1
    } else {
        crate::ssr::db::draws::freeze(&db, task_id, &today, user.actor()).await?
    };
    Ok(frozen.draw_id)
}

/// Draws a frozen task with the public entropy typed in the room. Refused attempts
/// (a second draw among them) are recorded.
#[server(prefix = "/api", endpoint = "draw")]
pub async fn draw_task(task_id: i64, public_entropy: String) -> Result<i64, AppError> {
    use crate::domain::workflow::TaskStatus;
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    guard_draw_step(&db, task_id, TaskStatus::Drawn, "draw", &user).await?;
    crate::ssr::db::draws::run_draw(&db, task_id, &public_entropy, &crate::ssr::clock::today(), user.actor())
        .await
}

/// Role and department check for freezing and drawing; a refusal is recorded as an attempt.
#[cfg(feature = "ssr")]
async fn guard_draw_step(
    db: &sqlx::AnyPool,
    task_id: i64,
    to: crate::domain::workflow::TaskStatus,
    action: &str,
    user: &crate::domain::auth::SessionUser,
) -> Result<(), AppError> {
    use crate::domain::workflow;
    let (_, dept) = {
        let mut conn = db.acquire().await?;
        crate::ssr::db::workflow::task_state(&mut conn, task_id).await?
    };
    // Only the role and department are checked here; the order of steps is the draw's
    // own check, so that a second draw is refused (and recorded) by the draw itself.
    let t = workflow::TRANSITIONS.iter().find(|t| t.to == to && t.dedicated).expect("draw steps exist");
    let refusal = workflow::refusal(user, &dept, t.from, t.to, "").map(crate::ssr::db::workflow::step_error);
    if let Some(e) = refusal {
        crate::ssr::db::draws::record_attempt(db, task_id, action, Some(&e.to_string()), user.actor())
            .await?;
        return Err(e);
    }
    Ok(())
}
