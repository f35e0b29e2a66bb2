//! The administrator's tables: accounts, departments and the working-day calendar.
//! Every change is one transaction with its audit entry.

use super::unique::OnUnique;
use crate::domain::auth::NewAccount;
use crate::domain::auth::{username_problem, Account, Role, SessionUser};
use crate::domain::inspector::Department;
use crate::domain::workday::{CalendarDay, DayKind};
use crate::error::AppError;
use crate::ssr::db::audit::{self, Change};
use sqlx::AnyPool;

/// Every account with its number of live sessions.
/// Every account, with its failed sign-ins of the last `failures_window_secs` that still
/// count.
pub async fn list(db: &AnyPool, failures_window_secs: i64) -> Result<Vec<Account>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        username: String,
        display_name: String,
        role: String,
        department_id: Option<String>,
        inspector_id: Option<i64>,
        #[sqlx(try_from = "crate::ssr::db::Flag")]
        active: bool,
        sessions: i64,
        failed_sign_ins: i64,
    }
    let since = crate::ssr::clock::now_unix() - failures_window_secs;
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT u.id, u.username, u.display_name, u.role, u.department_id, u.inspector_id, u.active, \
         (SELECT count(*) FROM sessions s WHERE s.user_id = u.id) AS sessions, \
         (SELECT count(*) FROM sign_in_attempts a WHERE a.username = u.username AND a.ok = 0 \
            AND a.cleared_at IS NULL AND a.at > $1) AS failed_sign_ins \
         FROM users u ORDER BY u.id",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Account {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                role: Role::parse(&r.role)?,
                department_id: r.department_id,
                inspector_id: r.inspector_id,
                active: r.active,
                sessions: r.sessions,
                failed_sign_ins: r.failed_sign_ins,
            })
        })
        .collect())
}

/// Creates an account; returns its id.
/// Creates an account whose password hash the caller made (`ssr::auth::hash_password`,
/// after `domain::auth::password_problem`).
pub async fn create(
    db: &AnyPool,
    a: &NewAccount,
    password_hash: &str,
    admin: &SessionUser,
) -> Result<i64, AppError> {
    let username = a.username.trim();
    if let Some(m) = username_problem(username) {
        return Err(AppError::invalid("username", m));
    }
    let name = a.display_name.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(AppError::invalid("display_name", "姓名不能为空，且不超过 40 字"));
    }
    let role = Role::parse(&a.role).ok_or_else(|| AppError::invalid("role", "请选择角色"))?;
    let dept = a.department_id.trim();
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let dept = if dept.is_empty() {
        if role.is_departmental() || role == Role::OrderOffice {
            return Err(AppError::invalid("department_id", format!("{}须属于一个部门", role.label())));
        }
        None
    } else {
        let known: i64 = sqlx::query_scalar("SELECT count(*) FROM departments WHERE id = $1")
            .bind(dept)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            return Err(AppError::invalid("department_id", format!("部门“{dept}”不存在")));
        }
        Some(dept)
    };
    let inspector_id: Option<i64> = if role == Role::Inspector {
        let cert = a.certificate_no.trim();
        let found: Option<(i64, String)> =
            sqlx::query_as("SELECT id, department_id FROM inspectors WHERE certificate_no = $1")
                .bind(cert)
                .fetch_optional(&mut *tx)
                .await?;
        let (id, inspector_dept) = found
            .ok_or_else(|| AppError::invalid("certificate_no", format!("执法人员名录中没有证号“{cert}”")))?;
        if dept != Some(inspector_dept.as_str()) {
            return Err(AppError::invalid("department_id", format!("该执法人员属于部门 {inspector_dept}")));
        }
        Some(id)
    } else {
        None
    };
    let hash = password_hash;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, password_hash, role, department_id, inspector_id) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(username)
    .bind(name)
    .bind(hash)
    .bind(role.code())
    .bind(dept)
    .bind(inspector_id)
    .fetch_one(&mut *tx)
    .await
    .on_unique("users", &["username"], || {
        AppError::invalid("username", format!("用户名“{username}”已存在"))
    })?;
    audit::append(
        &mut tx,
        Change {
            actor: &admin.username,
            role: admin.role.code(),
            action: "account.create",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "username": username, "display_name": name, "role": role.code(),
                "department_id": dept, "inspector_id": inspector_id,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Enables or disables an account. Disabling signs it out everywhere at once.
pub async fn set_active(db: &AnyPool, id: i64, active: bool, admin: &SessionUser) -> Result<(), AppError> {
    if id == admin.id && !active {
        return Err(AppError::Conflict("不能停用当前登录的管理员账号".into()));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let changed = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(AppError::NotFound(format!("账号 {id} 不存在")));
    }
    let ended = if active {
        0
    } else {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    audit::append(
        &mut tx,
        Change {
            actor: &admin.username,
            role: admin.role.code(),
            action: if active { "account.enable" } else { "account.disable" },
            entity_type: "user",
            entity_id: &id.to_string(),
            before: Some(serde_json::json!({ "active": !active })),
            after: Some(serde_json::json!({ "active": active, "sessions_ended": ended })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password and ends the account's sessions.
pub async fn reset_password(db: &AnyPool, id: i64, hash: &str, admin: &SessionUser) -> Result<(), AppError> {
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        return Err(AppError::NotFound(format!("账号 {id} 不存在")));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
    audit::append(
        &mut tx,
        Change {
            actor: &admin.username,
            role: admin.role.code(),
            action: "account.password",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every department.
pub async fn departments(db: &AnyPool) -> Result<Vec<Department>, AppError> {
    Ok(sqlx::query_as("SELECT id, name, short_name FROM departments ORDER BY id").fetch_all(db).await?)
}

/// Adds a department or renames one (ids never change: draws and tasks refer to them).
pub async fn save_department(db: &AnyPool, d: &Department, admin: &SessionUser) -> Result<(), AppError> {
    let id = d.id.trim();
    if id.is_empty()
        || id.len() > 32
        || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(AppError::invalid(
            "id",
            "部门编码须为 1–32 位小写字母、数字或 -（抽取协议中的部门标识）",
        ));
    }
    let (name, short) = (d.name.trim(), d.short_name.trim());
    if name.chars().count() > 100 || short.chars().count() > 20 {
        return Err(AppError::invalid("name", "部门名称最多 100 个字符，简称最多 20 个字符"));
    }
    if name.is_empty() || short.is_empty() {
        return Err(AppError::invalid("name", "部门全称和简称不能为空"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before: Option<Department> =
        sqlx::query_as("SELECT id, name, short_name FROM departments WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO departments (id, name, short_name) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET name = $2, short_name = $3",
    )
    .bind(id)
    .bind(name)
    .bind(short)
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &admin.username,
            role: admin.role.code(),
            action: if before.is_some() { "department.update" } else { "department.create" },
            entity_type: "department",
            entity_id: id,
            before: before.map(|b| serde_json::json!({ "name": b.name, "short_name": b.short_name })),
            after: Some(serde_json::json!({ "name": name, "short_name": short })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The calendar's exceptions in one year.
pub async fn calendar_days(db: &AnyPool, year: i32) -> Result<Vec<CalendarDay>, AppError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, kind, name FROM calendar_days WHERE day LIKE $1 ORDER BY day")
            .bind(format!("{year:04}-%"))
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(day, kind, name)| Some(CalendarDay { day, kind: DayKind::parse(&kind)?, name }))
        .collect())
}

/// Sets a day as a holiday or a make-up working day, or (`kind` = `None`) back to the
/// Monday–Friday rule.
pub async fn set_calendar_day(
    db: &AnyPool,
    day: &str,
    kind: Option<DayKind>,
    name: &str,
    admin: &SessionUser,
) -> Result<(), AppError> {
    let Some(n) = crate::domain::date::Date::parse(day) else {
        return Err(AppError::invalid("day", format!("“{day}”不是 YYYY-MM-DD 格式的有效日期")));
    };
    let weekend = n.weekday() >= 5;
    if kind == Some(DayKind::Workday) && !weekend {
        return Err(AppError::invalid("kind", format!("{day} 本是工作日，无需设为调休上班")));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before: Option<(String, String)> =
        sqlx::query_as("SELECT kind, name FROM calendar_days WHERE day = $1")
            .bind(day)
            .fetch_optional(&mut *tx)
            .await?;
    match kind {
        Some(k) => {
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
                 ON CONFLICT (day) DO UPDATE SET kind = $2, name = $3",
            )
            .bind(day)
            .bind(k.code())
            .bind(name.trim())
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(day).execute(&mut *tx).await?;
        }
    }
    audit::append(
        &mut tx,
        Change {
            actor: &admin.username,
            role: admin.role.code(),
            action: "calendar.set",
            entity_type: "calendar_day",
            entity_id: day,
            before: before.map(|(k, n)| serde_json::json!({ "kind": k, "name": n })),
            after: kind.map(|k| serde_json::json!({ "kind": k.code(), "name": name.trim() })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
