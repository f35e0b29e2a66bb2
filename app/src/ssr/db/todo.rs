//! What waits for someone: every task's status and department, for the to-do list.

use crate::error::AppError;
use sqlx::AnyPool;

/// A task as the to-do list weighs it.
#[derive(sqlx::FromRow)]
pub struct TaskState {
    pub id: i64,
    pub task_no: String,
    pub task_name: String,
    pub status: String,
    pub initiating_department_id: String,
}

/// Every task, oldest first.
pub async fn task_states(db: &AnyPool) -> Result<Vec<TaskState>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, task_no, task_name, status, initiating_department_id FROM tasks ORDER BY id",
    )
    .fetch_all(db)
    .await?)
}
