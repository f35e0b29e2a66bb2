//! 待办: what waits for the signed-in user.

use crate::domain::workflow::TodoItem;
use crate::error::AppError;
use leptos::prelude::*;

/// The signed-in user's to-do list: workflow steps that are theirs to take, plan changes
/// waiting for the principal leader's consent, an inspector's results still to enter.
#[server(prefix = "/api", endpoint = "todo")]
pub async fn get_todo() -> Result<Vec<TodoItem>, AppError> {
    use crate::domain::auth::Role;
    use crate::domain::workflow::{todo_of, TaskStatus};
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let tasks = crate::ssr::db::todo::task_states(&db).await?;
    let name = |id: i64| tasks.iter().find(|t| t.id == id).map(|t| format!("{} {}", t.task_no, t.task_name));
    let mut items = todo_of(
        &user,
        tasks.iter().filter_map(|t| {
            let status = TaskStatus::parse(&t.status)?;
            Some((
                t.id,
                t.task_no.as_str(),
                t.task_name.as_str(),
                status,
                t.initiating_department_id.as_str(),
            ))
        }),
    );
    if user.role == Role::PrincipalLeader {
        for c in crate::ssr::db::plan_changes::pending(&db).await? {
            items.push(TodoItem {
                href: format!("/tasks/{}", c.task_id),
                task: name(c.task_id).unwrap_or_default(),
                what: "审批计划调整".into(),
            });
        }
    }
    if let (Role::Inspector, Some(inspector)) = (user.role, user.inspector_id) {
        for a in crate::ssr::db::result_deadlines::assignments(&db, inspector).await? {
            if a.review.is_none() && a.status == TaskStatus::Inspecting {
                items.push(TodoItem {
                    href: format!("/tasks/{}/results", a.task_id),
                    task: format!("{}（{}）", a.task_name, a.name),
                    what: "录入检查结果".into(),
                });
            }
        }
    }
    Ok(items)
}
