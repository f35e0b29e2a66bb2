//! 重点关注 and 避免检查过多: the watch list (complaints over the threshold, or staff's
//! choice with a reason), complaints imported from the complaints system, and the
//! enterprises a task's freeze leaves out for a recent inspection of the same item.

use crate::domain::auth::{Role, SessionUser};
use crate::domain::date::Date;
use crate::domain::import::RowError;
use crate::domain::watch::{complaints_since, ComplaintRow, RepeatExclusion, Watched, COMPLAINT_COLUMNS};
use crate::error::AppError;
use crate::ssr::clock::{now_utc, today};
use crate::ssr::db::audit::{self, Change};
use crate::ssr::files::table_file::read_rows;
use crate::ssr::files::xlsx_read::Limits;
use sqlx::{AnyConnection, AnyPool};
use std::collections::{HashMap, HashSet};

/// The complaints over 12 months that put an enterprise on the list (a setting).
pub async fn threshold(conn: &mut AnyConnection) -> Result<i64, AppError> {
    Ok(super::settings::number(conn, THRESHOLD, 3).await?)
}

/// The settings key of the complaints threshold.
const THRESHOLD: &str = "watch_complaints_threshold";

/// Sets the complaints threshold (the administrator; 1 to 100 in 12 months), audited.
pub async fn set_threshold(db: &AnyPool, threshold: i64, user: &SessionUser) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden("投诉次数阈值由系统管理员设置".into()));
    }
    if !(1..=100).contains(&threshold) {
        return Err(AppError::invalid("threshold", "阈值须为 1 至 100 次"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before = self::threshold(&mut tx).await?;
    super::settings::set_number(&mut tx, THRESHOLD, threshold).await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "settings.watch_threshold",
            entity_type: "system",
            entity_id: "",
            before: Some(serde_json::json!({ "threshold": before })),
            after: Some(serde_json::json!({ "threshold": threshold })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Complaints per enterprise received since `since`.
async fn complaint_counts(conn: &mut AnyConnection, since: &str) -> Result<HashMap<i64, i64>, AppError> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT enterprise_id, count(*) FROM complaints WHERE received_on >= $1 GROUP BY enterprise_id",
    )
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The enterprises on the 重点关注 list on `day`: staff's entries, and those whose complaints
/// in the 12 months before reach the threshold.
pub async fn watched_ids(conn: &mut AnyConnection, day: &str) -> Result<HashSet<i64>, AppError> {
    let date = Date::parse(day).ok_or_else(|| AppError::internal("a date"))?;
    let since = complaints_since(date).to_string();
    let threshold = threshold(conn).await?;
    let mut ids: HashSet<i64> = complaint_counts(conn, &since)
        .await?
        .into_iter()
        .filter(|(_, n)| *n >= threshold)
        .map(|(id, _)| id)
        .collect();
    let listed: Vec<i64> = sqlx::query_scalar("SELECT enterprise_id FROM watchlist WHERE removed_at IS NULL")
        .fetch_all(&mut *conn)
        .await?;
    ids.extend(listed);
    Ok(ids)
}

/// The enterprises inspected for one of task `task_id`'s items by another task's live draw,
/// published or not, from `since` to `until` (the draw date).
pub async fn recently_inspected(
    conn: &mut AnyConnection,
    task_id: i64,
    since: &str,
    until: &str,
) -> Result<HashSet<i64>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT r.enterprise_id FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
         JOIN result_items ri ON ri.result_id = r.id \
         WHERE d.abandoned_at IS NULL AND d.task_id <> $1 AND r.inspected_on >= $2 AND r.inspected_on <= $3 \
         AND ri.item_id IN (SELECT item_id FROM task_items WHERE task_id = $1)",
    )
    .bind(task_id)
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().collect())
}

/// What a freeze does with a task's rule: the ids it leaves out, with the reason.
pub async fn exclusions(
    conn: &mut AnyConnection,
    task_id: i64,
    rule: RepeatExclusion,
    draw_date: &str,
) -> Result<(HashSet<i64>, String), AppError> {
    let Some(since) = Date::parse(draw_date).and_then(|d| rule.since(d)) else {
        return Ok((HashSet::new(), String::new()));
    };
    let since = since.to_string();
    Ok((recently_inspected(conn, task_id, &since, draw_date).await?, rule.reason(&since)))
}

/// Those a draw's freeze left out: (credit code, name, reason), in code order (staff).
pub async fn excluded_of_draw(db: &AnyPool, draw_id: i64) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT x.code, e.name, x.reason FROM draw_exclusions x JOIN enterprises e ON e.id = x.enterprise_id \
         WHERE x.draw_id = $1 ORDER BY x.code",
    )
    .bind(draw_id)
    .fetch_all(db)
    .await?)
}

/// How many a draw's freeze left out, and why (the portal shows the count and the reason).
pub async fn excluded_count(db: &AnyPool, draw_id: i64) -> Result<(i64, Option<String>), AppError> {
    Ok(sqlx::query_as("SELECT count(*), min(reason) FROM draw_exclusions WHERE draw_id = $1")
        .bind(draw_id)
        .fetch_one(db)
        .await?)
}

/// The 重点关注 list today, with each enterprise's complaints of the last 12 months.
pub async fn list(db: &AnyPool) -> Result<Vec<Watched>, AppError> {
    let mut conn = db.acquire().await?;
    let today = today();
    let ids = watched_ids(&mut conn, &today).await?;
    let since =
        complaints_since(Date::parse(&today).ok_or_else(|| AppError::internal("a date"))?).to_string();
    let counts = complaint_counts(&mut conn, &since).await?;
    let entries: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT id, enterprise_id, reason FROM watchlist WHERE removed_at IS NULL")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::new();
    for id in ids {
        let (code, name): (String, String) =
            sqlx::query_as("SELECT credit_code, name FROM enterprises WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        out.push(Watched {
            code,
            name,
            complaints: counts.get(&id).copied().unwrap_or(0),
            entry: entries.iter().find(|e| e.1 == id).map(|e| (e.0, e.2.clone())),
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

fn may_edit(user: &SessionUser) -> Result<(), AppError> {
    if matches!(user.role, Role::Clerk | Role::OfficeHead) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "重点关注名单由经办人或处室负责人调整，当前账号为{}",
            user.role.label()
        )))
    }
}

/// Puts an enterprise on the list, with a reason (audited).
pub async fn add(db: &AnyPool, code: &str, reason: &str, user: &SessionUser) -> Result<i64, AppError> {
    may_edit(user)?;
    let (code, reason) = (code.trim().to_ascii_uppercase(), reason.trim());
    let reason = AppError::reason(reason, "列入重点关注须写明理由", "理由不超过 500 字")?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let enterprise: Option<i64> = sqlx::query_scalar("SELECT id FROM enterprises WHERE credit_code = $1")
        .bind(&code)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(enterprise_id) = enterprise else {
        return Err(AppError::invalid("code", format!("统一社会信用代码 {code} 不在检查对象名录中")));
    };
    let already: Option<i64> =
        sqlx::query_scalar("SELECT id FROM watchlist WHERE enterprise_id = $1 AND removed_at IS NULL")
            .bind(enterprise_id)
            .fetch_optional(&mut *tx)
            .await?;
    if already.is_some() {
        return Err(AppError::Conflict(format!("{code} 已在重点关注名单中")));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO watchlist (enterprise_id, reason, added_by, added_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(enterprise_id)
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
            action: "watch.add",
            entity_type: "enterprise",
            entity_id: &code,
            before: None,
            after: Some(serde_json::json!({ "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes an entry off the list, with a reason (audited); complaints over the threshold
/// keep an enterprise on the list whatever staff do.
pub async fn remove(db: &AnyPool, id: i64, reason: &str, user: &SessionUser) -> Result<(), AppError> {
    may_edit(user)?;
    let reason = reason.trim();
    let reason = AppError::reason(reason, "移出重点关注须写明理由", "理由不超过 500 字")?;
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let entry: Option<(String, String)> = sqlx::query_as(
        "SELECT e.credit_code, w.reason FROM watchlist w JOIN enterprises e ON e.id = w.enterprise_id \
         WHERE w.id = $1 AND w.removed_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((code, was)) = entry else {
        return Err(AppError::NotFound(format!("重点关注名单中没有第 {id} 条")));
    };
    sqlx::query("UPDATE watchlist SET removed_at = $1, removed_by = $2, remove_reason = $3 WHERE id = $4")
        .bind(now_utc())
        .bind(&user.username)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "watch.remove",
            entity_type: "enterprise",
            entity_id: &code,
            before: Some(serde_json::json!({ "reason": was })),
            after: Some(serde_json::json!({ "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a complaints import did, or would do: (added, already there, problems).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ComplaintsReport {
    pub added: usize,
    pub unchanged: usize,
    pub rejected: Vec<RowError>,
    pub applied: bool,
}

/// Imports a complaints file (.xlsx or .csv): every row checked, a dry run unless `apply`,
/// all or nothing, one audit entry; a complaint already stored is counted, not doubled.
pub async fn import_complaints(
    db: &AnyPool,
    bytes: &[u8],
    apply: bool,
    actor: crate::domain::audit::Actor<'_>,
) -> Result<ComplaintsReport, AppError> {
    const MAX_BYTES: usize = 64 << 20;
    if bytes.len() > MAX_BYTES {
        return Err(crate::ssr::files::table_file::FileError::TooLarge {
            bytes: bytes.len(),
            max: MAX_BYTES,
        }
        .into());
    }
    let rows = read_rows(bytes, &COMPLAINT_COLUMNS, &Limits::CLI_REGISTRY)?;
    let today = today();
    let mut report = ComplaintsReport::default();
    let mut good = Vec::new();
    for (row, cells) in &rows {
        match ComplaintRow::from_cells(*row, cells, &today) {
            Ok(c) => good.push((*row, c)),
            Err(errors) => report.rejected.extend(errors),
        }
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let now = now_utc();
    for (row, c) in &good {
        let enterprise: Option<i64> = sqlx::query_scalar("SELECT id FROM enterprises WHERE credit_code = $1")
            .bind(&c.code)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(enterprise_id) = enterprise else {
            report.rejected.push(RowError {
                row: *row,
                column: COMPLAINT_COLUMNS[0].into(),
                message: format!("{} 不在检查对象名录中", c.code),
            });
            continue;
        };
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM complaints WHERE enterprise_id = $1 AND received_on = $2 AND channel = $3 AND summary = $4",
        )
        .bind(enterprise_id)
        .bind(&c.received_on)
        .bind(&c.channel)
        .bind(&c.summary)
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_some() {
            report.unchanged += 1;
            continue;
        }
        let written = sqlx::query(
            "INSERT INTO complaints (enterprise_id, received_on, channel, summary, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(enterprise_id)
        .bind(&c.received_on)
        .bind(&c.channel)
        .bind(&c.summary)
        .bind(&now)
        .bind(actor.name)
        .execute(&mut *tx)
        .await?;
        // The same complaint twice in one file is stored once.
        if written.rows_affected() == 0 {
            report.unchanged += 1;
        } else {
            report.added += 1;
        }
    }
    report.rejected.sort_by_key(|e| e.row);
    if report.rejected.is_empty() && apply {
        audit::append(
            &mut tx,
            Change {
                actor: actor.name,
                role: actor.role,
                action: "complaints.import",
                entity_type: "system",
                entity_id: "",
                before: None,
                after: Some(serde_json::json!({
                    "rows": rows.len(), "added": report.added, "unchanged": report.unchanged,
                    "file_sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)),
                })),
            },
        )
        .await?;
        tx.commit().await?;
        report.applied = true;
    } else {
        tx.rollback().await?;
    }
    Ok(report)
}
