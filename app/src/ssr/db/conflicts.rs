//! 回避 — declared conflicts of interest: list, declare, withdraw. Open ones feed every
//! draw frozen afterwards (see `draws::freeze`); a withdrawn one stays on record.

use crate::domain::audit::Actor;
use crate::domain::registry::{Conflict, CONFLICT_REASONS};
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::QueryBuilder;
use sqlx::AnyPool;

/// Which conflicts to list.
#[derive(Clone, Debug, Default)]
pub struct ConflictFilter {
    pub inspector_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Withdrawn ones too.
    pub include_withdrawn: bool,
    /// Only those of this department's inspectors.
    pub department_id: Option<String>,
    /// None at all (a role that may read no declarations).
    pub nothing: bool,
}

impl ConflictFilter {
    /// This filter narrowed to what `user` may read (`domain::access::conflicts_reach`):
    /// a declaration says why an inspector is linked to an enterprise (e.g. 近亲属).
    pub fn visible_to(&self, user: &crate::domain::auth::SessionUser) -> Self {
        use crate::domain::access::{conflicts_reach, Reach};
        let mut f = self.clone();
        match conflicts_reach(user.role) {
            Reach::All => {}
            Reach::Department => f.department_id = Some(user.department_id.clone().unwrap_or_default()),
            Reach::Own => match user.inspector_id {
                Some(me) if f.inspector_id.is_none_or(|id| id == me) => f.inspector_id = Some(me),
                _ => f.nothing = true,
            },
            Reach::Nothing => f.nothing = true,
        }
        f
    }
}

/// Conflicts, newest first.
pub async fn list(db: &AnyPool, f: &ConflictFilter) -> Result<Vec<Conflict>, sqlx::Error> {
    if f.nothing {
        return Ok(Vec::new());
    }
    let mut b = QueryBuilder::new(
        "SELECT c.id, c.inspector_id, i.name AS inspector_name, c.enterprise_id, e.name AS enterprise_name, \
         e.credit_code, c.reason, c.note, c.declared_at, c.withdrawn_at FROM conflicts c \
         JOIN inspectors i ON i.id = c.inspector_id JOIN enterprises e ON e.id = c.enterprise_id WHERE 1 = 1",
    );
    if let Some(id) = f.inspector_id {
        b.push(" AND c.inspector_id = ").push_bind(id);
    }
    if let Some(id) = f.enterprise_id {
        b.push(" AND c.enterprise_id = ").push_bind(id);
    }
    if let Some(dept) = &f.department_id {
        b.push(" AND i.department_id = ").push_bind(dept.clone());
    }
    if !f.include_withdrawn {
        b.push(" AND c.withdrawn_at IS NULL");
    }
    b.push(" ORDER BY c.id DESC LIMIT 500");
    b.build_query_as().fetch_all(db).await
}

/// Declares that inspector `inspector_id` may not inspect the enterprise with credit code
/// `credit_code`; returns the conflict's id.
pub async fn declare(
    db: &AnyPool,
    inspector_id: i64,
    credit_code: &str,
    reason: &str,
    note: &str,
    actor: Actor<'_>,
) -> Result<i64, AppError> {
    if !CONFLICT_REASONS.contains(&reason) {
        return Err(AppError::invalid("reason", format!("回避事由应为{}之一", CONFLICT_REASONS.join("、"))));
    }
    if note.chars().count() > 500 {
        return Err(AppError::invalid("note", "说明过长：最多 500 个字符"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let inspector: Option<String> = sqlx::query_scalar("SELECT name FROM inspectors WHERE id = $1")
        .bind(inspector_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(inspector) = inspector else {
        return Err(AppError::invalid("inspector_id", "请选择执法人员"));
    };
    let code = credit_code.trim().to_ascii_uppercase();
    let enterprise: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM enterprises WHERE credit_code = $1")
            .bind(&code)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((enterprise_id, enterprise)) = enterprise else {
        return Err(AppError::invalid(
            "credit_code",
            format!("名录库中没有统一社会信用代码为“{code}”的市场主体"),
        ));
    };
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM conflicts WHERE inspector_id = $1 AND enterprise_id = $2 AND withdrawn_at IS NULL",
    )
    .bind(inspector_id)
    .bind(enterprise_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = open {
        return Err(AppError::Conflict(format!("{inspector}与{enterprise}的回避已申报（编号 {id}）")));
    }
    let id = sqlx::query_scalar::<_, i64>("INSERT INTO conflicts (inspector_id, enterprise_id, reason, note, declared_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(inspector_id)
        .bind(enterprise_id)
        .bind(reason)
        .bind(note.trim())
        .bind(crate::ssr::clock::now_utc())
        .fetch_one(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "conflict.declare",
            entity_type: "conflict",
            entity_id: &id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "inspector_id": inspector_id, "enterprise": code, "reason": reason, "note": note.trim()
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The inspector a conflict belongs to, if it exists.
pub async fn inspector_of(db: &AnyPool, id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT inspector_id FROM conflicts WHERE id = $1").bind(id).fetch_optional(db).await
}

/// Withdraws an open conflict (it stays on record with the time of withdrawal).
pub async fn withdraw(db: &AnyPool, id: i64, actor: Actor<'_>) -> Result<(), AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let done = sqlx::query("UPDATE conflicts SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL")
        .bind(crate::ssr::clock::now_utc())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("没有这条未撤回的回避申报".into()));
    }
    audit::append(
        &mut tx,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "conflict.withdraw",
            entity_type: "conflict",
            entity_id: &id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
