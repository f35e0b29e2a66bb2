//! Server functions for inspection results, their review, deadlines and assignments.

use crate::domain::result::{ResultDraft, TaskResults};
use crate::error::AppError;
use leptos::prelude::*;

/// A drawn task's selected enterprises with their teams and results.
#[server(prefix = "/api", endpoint = "results")]
pub async fn get_results(task_id: i64) -> Result<TaskResults, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::results::task_results(&db, task_id, &user).await
}

/// Enters or corrects one result.
#[server(prefix = "/api", endpoint = "save_result", input = server_fn::codec::Json)]
pub async fn save_result(draft: ResultDraft) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::results::save(&db, &draft, &user).await
}

/// 更正: the office head corrects a published result, with a reason, as a new version.
#[server(prefix = "/api", endpoint = "correct_result", input = server_fn::codec::Json)]
pub async fn correct_result(draft: ResultDraft, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::results::correct(&db, &draft, &reason, &user).await
}

/// The office head passes (`pass`) or returns one result with a reason.
#[server(prefix = "/api", endpoint = "review_result")]
pub async fn review_result(task_id: i64, code: String, pass: bool, comment: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::results::review(&db, task_id, &code, pass, &comment, &user).await
}

pub use crate::domain::result::{Assignment, DeadlineRow};

/// Drawn tasks against the 20-working-day publication deadline (departmental roles see
/// their department's).
#[server(prefix = "/api", endpoint = "deadlines")]
pub async fn get_deadlines() -> Result<Vec<DeadlineRow>, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let dept = if user.role.is_departmental() { user.department_id.as_deref() } else { None };
    crate::ssr::db::result_deadlines::deadlines(&db, dept).await
}

/// The signed-in inspector's assignments.
#[server(prefix = "/api", endpoint = "assignments")]
pub async fn my_assignments() -> Result<Vec<Assignment>, AppError> {
    use crate::domain::auth::Role;
    let user = crate::ssr::auth::require(&[Role::Inspector])?;
    let inspector =
        user.inspector_id.ok_or_else(|| AppError::Forbidden("该账号未关联执法人员名录".into()))?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::result_deadlines::assignments(&db, inspector).await
}

/// Declares a conflict found after the draw: inspector `inspector_id` with enterprise `code`.
#[server(prefix = "/api", endpoint = "declare_recusal")]
pub async fn declare_recusal(
    task_id: i64,
    code: String,
    inspector_id: i64,
    reason: String,
    note: String,
) -> Result<i64, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::recusals::declare(&db, task_id, &code, inspector_id, &reason, &note, &user).await
}

/// The office head approves a declared recusal; the replacement follows DR1.
#[server(prefix = "/api", endpoint = "approve_recusal")]
pub async fn approve_recusal(recusal_id: i64) -> Result<i64, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::recusals::approve(&db, recusal_id, &user).await
}
