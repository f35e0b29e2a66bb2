//! 计划调整 — a task's window moved: asked for with a reason by the task's clerk, consented
//! (or refused) by the principal leader, each in one transaction with its audit entry. The
//! task keeps to its newest consented window (无特殊情况，严格按计划执行).

use crate::domain::audit::Actor;
use crate::domain::auth::{Role, SessionUser};
use crate::domain::plan::{PlanChange, PlanChangeStatus, Window};
use crate::error::AppError;
use crate::ssr::clock::now_utc;
use crate::ssr::db::audit::{self, Change};
use sqlx::{AnyConnection, AnyPool};

/// The window task `task_id` keeps to now: its newest consented change, or the planned one.
pub async fn effective_window(conn: &mut AnyConnection, task_id: i64) -> Result<Window, AppError> {
    #[derive(sqlx::FromRow)]
    struct Windows {
        window_year: i64,
        window_start_month: i64,
        window_end_month: i64,
        to_year: Option<i64>,
        to_start_month: Option<i64>,
        to_end_month: Option<i64>,
    }
    let row: Option<Windows> = sqlx::query_as(
        "SELECT t.window_year, t.window_start_month, t.window_end_month, pc.to_year, pc.to_start_month, \
         pc.to_end_month FROM tasks t LEFT JOIN plan_changes pc ON pc.id = \
         (SELECT max(c.id) FROM plan_changes c WHERE c.task_id = t.id AND c.status = 'consented') WHERE t.id = $1",
    )
    .bind(task_id)
    .fetch_optional(&mut *conn)
    .await?;
    let w = row.ok_or_else(|| AppError::NotFound(format!("任务 {task_id} 不存在")))?;
    let (y, a, b) = match (w.to_year, w.to_start_month, w.to_end_month) {
        (Some(y), Some(a), Some(b)) => (y, a, b),
        _ => (w.window_year, w.window_start_month, w.window_end_month),
    };
    Window::new(y as i32, a as u32, b as u32).ok_or_else(|| AppError::internal("bad window"))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    task_id: i64,
    from_year: i64,
    from_start_month: i64,
    from_end_month: i64,
    to_year: i64,
    to_start_month: i64,
    to_end_month: i64,
    reason: String,
    requested_by: String,
    requested_at: String,
    status: String,
    decided_by: Option<String>,
    decided_at: Option<String>,
    decision_comment: String,
}

impl Row {
    fn into_change(self) -> Result<PlanChange, AppError> {
        let w = |y: i64, a: i64, b: i64| {
            Window::new(y as i32, a as u32, b as u32).ok_or_else(|| AppError::internal("bad window"))
        };
        Ok(PlanChange {
            id: self.id,
            task_id: self.task_id,
            from: w(self.from_year, self.from_start_month, self.from_end_month)?,
            to: w(self.to_year, self.to_start_month, self.to_end_month)?,
            reason: self.reason,
            requested_by: self.requested_by,
            requested_at: self.requested_at,
            status: PlanChangeStatus::parse(&self.status).ok_or_else(|| AppError::internal("bad status"))?,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            decision_comment: self.decision_comment,
        })
    }
}

const COLUMNS: &str = "id, task_id, from_year, from_start_month, from_end_month, to_year, to_start_month, \
    to_end_month, reason, requested_by, requested_at, status, decided_by, decided_at, decision_comment";

/// Every change of a task's window, oldest first.
pub async fn of_task(db: &AnyPool, task_id: i64) -> Result<Vec<PlanChange>, AppError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM plan_changes WHERE task_id = $1 ORDER BY id"))
            .bind(task_id)
            .fetch_all(db)
            .await?;
    rows.into_iter().map(Row::into_change).collect()
}

/// Changes waiting for the principal leader, oldest first.
pub async fn pending(db: &AnyPool) -> Result<Vec<PlanChange>, AppError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM plan_changes WHERE status = 'pending' ORDER BY id"))
            .fetch_all(db)
            .await?;
    rows.into_iter().map(Row::into_change).collect()
}

/// A clerk of the task's department asks to move its window to `to`, giving `reason`;
/// returns the change's id. Only one change may wait at a time, and only before the draw.
/// `to` is the window as parsed (or why it could not be): refused only once who asks may.
pub async fn request(
    db: &AnyPool,
    task_id: i64,
    to: Result<Window, AppError>,
    reason: &str,
    user: &SessionUser,
) -> Result<i64, AppError> {
    use crate::domain::workflow::TaskStatus;
    let refusal = "计划调整由本任务部门的经办人提出";
    AppError::unless_role(user.role, crate::domain::endpoints::department_clerk, refusal)?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let (status, dept) = super::workflow::task_state(&mut tx, task_id).await?;
    if user.role != Role::Clerk || !user.serves(&dept) {
        return Err(AppError::Forbidden(refusal.into()));
    }
    // What was asked is checked once who asks may ask it.
    let to = to?;
    let reason = reason.trim();
    let reason = AppError::reason(reason, "计划调整须写明理由", "理由过长：最多 500 个字符")?;
    if !matches!(status, TaskStatus::Draft | TaskStatus::Submitted | TaskStatus::Planned) {
        return Err(AppError::Conflict(format!("任务当前为“{}”，抽取后不能再调整抽查时间", status.label())));
    }
    let waiting: i64 =
        sqlx::query_scalar("SELECT count(*) FROM plan_changes WHERE task_id = $1 AND status = 'pending'")
            .bind(task_id)
            .fetch_one(&mut *tx)
            .await?;
    if waiting > 0 {
        return Err(AppError::Conflict("该任务已有一项计划调整等待主要领导同意".into()));
    }
    let from = effective_window(&mut tx, task_id).await?;
    if from == to {
        return Err(AppError::invalid("window", format!("抽查时间已是 {}", to.label())));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO plan_changes (task_id, from_year, from_start_month, from_end_month, to_year, to_start_month, \
         to_end_month, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(task_id)
    .bind(i64::from(from.year))
    .bind(i64::from(from.start_month))
    .bind(i64::from(from.end_month))
    .bind(i64::from(to.year))
    .bind(i64::from(to.start_month))
    .bind(i64::from(to.end_month))
    .bind(reason)
    .bind(&user.username)
    .bind(now_utc())
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "plan_change.request",
            entity_type: "task",
            entity_id: &task_id.to_string(),
            before: Some(serde_json::json!({ "window": from.label() })),
            after: Some(serde_json::json!({ "change": id, "window": to.label(), "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The principal leader consents to (`consent`) or refuses a waiting change; a refusal
/// needs a reason.
pub async fn decide(
    db: &AnyPool,
    id: i64,
    consent: bool,
    comment: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    if user.role != Role::PrincipalLeader {
        return Err(AppError::Forbidden(format!(
            "计划调整须经主要领导同意，当前账号为{}",
            user.role.label()
        )));
    }
    let comment = comment.trim();
    if !consent && comment.is_empty() {
        return Err(AppError::invalid("comment", "不同意须写明理由"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM plan_changes WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let change = row.ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号计划调整")))?.into_change()?;
    if change.status != PlanChangeStatus::Pending {
        return Err(AppError::Conflict(format!("该计划调整已{}", change.status.label())));
    }
    let status = if consent { PlanChangeStatus::Consented } else { PlanChangeStatus::Refused };
    sqlx::query(
        "UPDATE plan_changes SET status = $1, decided_by = $2, decided_at = $3, decision_comment = $4 WHERE id = $5",
    )
    .bind(status.code())
    .bind(&user.username)
    .bind(now_utc())
    .bind(comment)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record_decision(&mut tx, &change, status, comment, user.actor()).await?;
    tx.commit().await?;
    Ok(())
}

async fn record_decision(
    conn: &mut AnyConnection,
    change: &PlanChange,
    status: PlanChangeStatus,
    comment: &str,
    actor: Actor<'_>,
) -> Result<(), sqlx::Error> {
    audit::append(
        conn,
        Change {
            actor: actor.name,
            role: actor.role,
            action: if status == PlanChangeStatus::Consented {
                "plan_change.consent"
            } else {
                "plan_change.refuse"
            },
            entity_type: "task",
            entity_id: &change.task_id.to_string(),
            before: Some(serde_json::json!({ "window": change.from.label() })),
            after: Some(serde_json::json!({
                "change": change.id,
                "window": change.to.label(),
                "reason": change.reason,
                "comment": comment,
            })),
        },
    )
    .await?;
    Ok(())
}
