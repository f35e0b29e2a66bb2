//! 抽取后回避: a conflict an inspector declares after the draw. It is declared (by the
//! inspector, or the office's clerk for them), then approved by the office head, which
//! applies DR1's post-recusal rule (derived field 9): the manifest gains the recusal in its
//! `post_recusals`, is derived again, and the replacement joins the team — all in one
//! transaction, so the stored manifest always verifies.

use super::workflow::task_state;
use crate::domain::auth::{Role, SessionUser};
use crate::domain::draw::{self, Manifest, PostRecusal};
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::ssr::clock::now_utc;
use crate::ssr::db::audit::{self, Change};
use sqlx::AnyPool;

pub use crate::domain::result::{PendingRecusal, RECUSAL_REASONS as REASONS};

/// Declares that inspector `inspector_id` has a conflict with selected enterprise `code`.
pub async fn declare(
    db: &AnyPool,
    task_id: i64,
    code: &str,
    inspector_id: i64,
    reason: &str,
    note: &str,
    user: &SessionUser,
) -> Result<i64, AppError> {
    AppError::unless_role(
        user.role,
        crate::domain::endpoints::result_enterers,
        "回避由执法人员本人或经办人申请",
    )?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let (status, dept) = task_state(&mut tx, task_id).await?;
    match user.role {
        Role::Inspector if user.inspector_id == Some(inspector_id) => {}
        Role::Inspector => return Err(AppError::Forbidden("执法人员只能为本人申请回避".into())),
        Role::Clerk if user.serves(&dept) => {}
        Role::Clerk => return Err(AppError::Forbidden("只能为本部门发起的任务申请回避".into())),
        r => {
            return Err(AppError::Forbidden(format!(
                "回避由执法人员本人或经办人申请，当前账号为{}",
                r.label()
            )))
        }
    }
    if !REASONS.contains(&reason) {
        return Err(AppError::invalid("reason", format!("回避理由须为：{}", REASONS.join("、"))));
    }
    if note.chars().count() > 500 {
        return Err(AppError::invalid("note", "说明过长：最多 500 个字符"));
    }
    if !matches!(status, TaskStatus::Drawn | TaskStatus::Inspecting) {
        return Err(AppError::Conflict(format!("任务当前为“{}”，不能再申请回避", status.label())));
    }
    let on_team: Option<(i64, i64)> = sqlx::query_as(
        "SELECT s.draw_id, s.enterprise_id FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         JOIN draw_team_members m ON m.draw_id = s.draw_id AND m.position = s.position \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL AND s.code = $2 AND m.inspector_id = $3",
    )
    .bind(task_id)
    .bind(code)
    .bind(inspector_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (draw_id, enterprise_id) =
        on_team.ok_or_else(|| AppError::invalid("inspector", "该执法人员不在这户企业的检查组中"))?;
    let entered: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND enterprise_id = $2",
    )
    .bind(draw_id)
    .bind(enterprise_id)
    .fetch_one(&mut *tx)
    .await?;
    if entered > 0 {
        return Err(AppError::Conflict("这户企业的检查结果已录入，不能再回避".into()));
    }
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO post_recusals (draw_id, code, inspector_id, reason, note, declared_by, declared_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(draw_id)
    .bind(code)
    .bind(inspector_id)
    .bind(reason)
    .bind(note.trim())
    .bind(&user.username)
    .bind(now_utc())
    .fetch_one(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "recusal.declare",
            entity_type: "result",
            entity_id: &format!("{task_id}:{code}"),
            before: None,
            after: Some(
                serde_json::json!({ "inspector_id": inspector_id, "reason": reason, "note": note.trim() }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The office head approves a declared recusal: the replacement follows DR1, the stored
/// manifest and the team change together. Returns the replacement's inspector id.
pub async fn approve(db: &AnyPool, recusal_id: i64, user: &SessionUser) -> Result<i64, AppError> {
    let refusal = "抽取后回避须由发起部门的处室负责人批准";
    AppError::unless_role(user.role, crate::domain::endpoints::office_head, refusal)?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let row: Option<(i64, i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT p.draw_id, d.task_id, p.code, p.inspector_id, p.reason, p.approved_by \
         FROM post_recusals p JOIN draws d ON d.id = p.draw_id WHERE p.id = $1",
    )
    .bind(recusal_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (draw_id, task_id, code, inspector_id, reason, approved) =
        row.ok_or_else(|| AppError::NotFound(format!("回避申请 {recusal_id} 不存在")))?;
    let (status, dept) = task_state(&mut tx, task_id).await?;
    if user.role != Role::OfficeHead || !user.serves(&dept) {
        return Err(AppError::Forbidden("抽取后回避须由发起部门的处室负责人批准".into()));
    }
    if approved.is_some() {
        return Err(AppError::Conflict("该回避申请已批准".into()));
    }
    if !matches!(status, TaskStatus::Drawn | TaskStatus::Inspecting) {
        return Err(AppError::Conflict(format!("任务当前为“{}”，不能再回避", status.label())));
    }
    let manifest: String = sqlx::query_scalar("SELECT manifest FROM draws WHERE id = $1")
        .bind(draw_id)
        .fetch_one(&mut *tx)
        .await?;
    let old: Manifest = serde_json::from_str(&manifest).map_err(AppError::internal)?;
    let cert: String = sqlx::query_scalar("SELECT certificate_no FROM inspectors WHERE id = $1")
        .bind(inspector_id)
        .fetch_one(&mut *tx)
        .await?;
    let mut input = old.input.clone();
    input.post_recusals.push(PostRecusal { entity: code.clone(), inspector: cert, reason: reason.clone() });
    let new =
        draw::draw_owned(input).map_err(|r| AppError::Conflict(format!("按抽取协议无法补足检查组：{r}")))?;
    let position = new
        .selected
        .iter()
        .position(|s| s.code == code)
        .ok_or_else(|| AppError::internal("recused entity left the selection"))?;
    let before_team = &old.selected[position].inspectors;
    let after_team = &new.selected[position].inspectors;
    let joined = after_team
        .iter()
        .find(|i| !before_team.contains(i))
        .ok_or_else(|| AppError::internal("no replacement joined"))?;
    let ids: std::collections::HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT certificate_no, id FROM inspectors")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    sqlx::query("DELETE FROM draw_team_members WHERE draw_id = $1 AND position = $2")
        .bind(draw_id)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    for (seq, member) in after_team.iter().enumerate() {
        sqlx::query(
            "INSERT INTO draw_team_members (draw_id, position, seq, inspector_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(draw_id)
        .bind(position as i64)
        .bind(seq as i64)
        .bind(ids[member])
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE draw_selections SET cap_lifted = $1 WHERE draw_id = $2 AND position = $3")
        .bind(i64::from(new.selected[position].cap_lifted))
        .bind(draw_id)
        .bind(position as i64)
        .execute(&mut *tx)
        .await?;
    let text = serde_json::to_string_pretty(&new).map_err(AppError::internal)?;
    sqlx::query("UPDATE draws SET manifest = $1 WHERE id = $2")
        .bind(&text)
        .bind(draw_id)
        .execute(&mut *tx)
        .await?;
    let replacement = ids[joined];
    sqlx::query(
        "UPDATE post_recusals SET approved_by = $1, approved_at = $2, replacement_id = $3, \
         position = (SELECT coalesce(max(position) + 1, 0) FROM post_recusals WHERE draw_id = $4) WHERE id = $5",
    )
    .bind(&user.username)
    .bind(now_utc())
    .bind(replacement)
    .bind(draw_id)
    .bind(recusal_id)
    .execute(&mut *tx)
    .await?;
    // Known from now on: later draws will not pair them.
    sqlx::query(
        "INSERT INTO conflicts (inspector_id, enterprise_id, reason, note) \
         SELECT $1, enterprise_id, $2, '抽取后申报' FROM draw_selections WHERE draw_id = $3 AND position = $4 \
         ON CONFLICT DO NOTHING",
    )
    .bind(inspector_id)
    .bind(&reason)
    .bind(draw_id)
    .bind(position as i64)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "recusal.approve",
            entity_type: "result",
            entity_id: &format!("{task_id}:{code}"),
            before: Some(serde_json::json!({ "team": before_team })),
            after: Some(serde_json::json!({ "team": after_team, "recused": inspector_id, "replacement": replacement })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(replacement)
}

/// A task's recusals declared after the draw, pending and applied.
pub async fn list(db: &AnyPool, task_id: i64) -> Result<Vec<PendingRecusal>, AppError> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.code, i.name AS inspector, p.reason, p.note, p.declared_by, p.approved_by, \
         r.name AS replacement FROM post_recusals p JOIN draws d ON d.id = p.draw_id \
         JOIN inspectors i ON i.id = p.inspector_id LEFT JOIN inspectors r ON r.id = p.replacement_id \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL ORDER BY p.id",
    )
    .bind(task_id)
    .fetch_all(db)
    .await?)
}
