//! 行政处罚信息公示: publishing a decided penalty for its period, ending it early (信用修复),
//! and what the portal shows.

use crate::domain::auth::{Role, SessionUser};
use crate::domain::date::Date;
use crate::domain::penalty::{fen_of, yuan_of, Penalty, PenaltyDraft};
use crate::error::AppError;
use crate::ssr::clock::{now_utc, today};
use crate::ssr::db::audit::{self, Change};
use sqlx::{AnyConnection, AnyPool};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    decision_no: String,
    party_name: String,
    party_code: String,
    violation_type: String,
    facts: String,
    basis: String,
    content: String,
    fine_fen: i64,
    authority: String,
    decided_on: String,
    published_on: String,
    publish_until: String,
    ended_on: Option<String>,
    end_reason: String,
}

impl From<Row> for Penalty {
    fn from(r: Row) -> Penalty {
        Penalty {
            id: r.id,
            decision_no: r.decision_no,
            party_name: r.party_name,
            party_code: r.party_code,
            violation_type: r.violation_type,
            facts: r.facts,
            basis: r.basis,
            content: r.content,
            fine_yuan: yuan_of(r.fine_fen),
            authority: r.authority,
            decided_on: r.decided_on,
            published_on: r.published_on,
            publish_until: r.publish_until,
            ended_on: r.ended_on,
            end_reason: r.end_reason,
        }
    }
}

const SELECT: &str =
    "SELECT id, decision_no, party_name, party_code, violation_type, facts, basis, content, \
     fine_fen, authority, decided_on, published_on, publish_until, ended_on, end_reason FROM penalties";

/// `day` plus `months` calendar months (the day kept, or the month's last).
fn add_months(day: Date, months: i64) -> Date {
    let (y, m, d) = day.ymd();
    let total = y * 12 + (m as i64 - 1) + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let last = Date::last_of_month(y as i32, m);
    let (_, _, last_day) = last.ymd();
    Date::from_day_number(last.day_number() - (last_day as i64 - d.min(last_day) as i64))
}

async fn months_for(conn: &mut AnyConnection, severity: &str) -> Result<i64, AppError> {
    let key = format!("penalty_months_{severity}");
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(if severity == "minor" { 3 } else { 36 }))
}

/// Publishes a decided penalty (the office head), from today for its severity's period.
pub async fn publish(db: &AnyPool, d: &PenaltyDraft, user: &SessionUser) -> Result<i64, AppError> {
    if user.role != Role::OfficeHead {
        return Err(AppError::Forbidden(format!(
            "行政处罚信息由处室负责人公示，当前账号为{}",
            user.role.label()
        )));
    }
    let today = today();
    let errors = d.validate(&today);
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let party: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM enterprises WHERE credit_code = $1")
            .bind(d.code.trim().to_ascii_uppercase())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((enterprise_id, party_name)) = party else {
        return Err(AppError::invalid(
            "code",
            format!("统一社会信用代码 {} 不在检查对象名录中", d.code.trim()),
        ));
    };
    if let Some(f) = d.follow_up_id {
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM follow_ups WHERE id = $1")
            .bind(f)
            .fetch_optional(&mut *tx)
            .await?;
        if kind.as_deref() != Some("立案查处") {
            return Err(AppError::invalid("follow_up_id", "只有“立案查处”的后续处置才有行政处罚决定"));
        }
    }
    let months = months_for(&mut tx, &d.severity).await?;
    let start = Date::parse(&today).ok_or_else(|| AppError::internal("today is a date"))?;
    let until = add_months(start, months).to_string();
    let code = d.code.trim().to_ascii_uppercase();
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO penalties (enterprise_id, follow_up_id, decision_no, party_name, party_code, violation_type, \
         facts, basis, content, fine_fen, authority, decided_on, severity, published_on, publish_until, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         RETURNING id",
    )
    .bind(enterprise_id)
    .bind(d.follow_up_id)
    .bind(d.decision_no.trim())
    .bind(&party_name)
    .bind(&code)
    .bind(d.violation_type.trim())
    .bind(d.facts.trim())
    .bind(d.basis.trim())
    .bind(d.content.trim())
    .bind(fen_of(&d.fine_yuan).unwrap_or(0))
    .bind(d.authority.trim())
    .bind(&d.decided_on)
    .bind(&d.severity)
    .bind(&today)
    .bind(&until)
    .bind(&user.username)
    .bind(now_utc())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if super::unique::violates(&e, "penalties", &["decision_no"]) => {
            return Err(AppError::Conflict(format!("决定书文号 {} 已公示", d.decision_no.trim())))
        }
        Err(e) => return Err(e.into()),
    };
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "penalty.publish",
            entity_type: "penalty",
            entity_id: d.decision_no.trim(),
            before: None,
            after: Some(serde_json::json!({ "draft": d, "published_on": today, "publish_until": until })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a penalty's publication early (信用修复), with a reason (the office head).
pub async fn end(db: &AnyPool, id: i64, reason: &str, user: &SessionUser) -> Result<(), AppError> {
    let reason = reason.trim();
    if user.role != Role::OfficeHead {
        return Err(AppError::Forbidden("提前终止公示须由处室负责人办理".into()));
    }
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "提前终止公示（信用修复）须写明理由"));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "理由不超过 500 字"));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&mut *tx).await?;
    let row = row.ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号行政处罚公示")))?;
    if row.ended_on.is_some() {
        return Err(AppError::Conflict(format!("决定书 {} 的公示已终止", row.decision_no)));
    }
    let today = today();
    sqlx::query("UPDATE penalties SET ended_on = $1, end_reason = $2 WHERE id = $3")
        .bind(&today)
        .bind(reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "penalty.end",
            entity_type: "penalty",
            entity_id: &row.decision_no,
            before: Some(serde_json::json!({ "publish_until": row.publish_until })),
            after: Some(serde_json::json!({ "ended_on": today, "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every penalty, newest first (staff: the record stays after its period).
pub async fn all(db: &AnyPool) -> Result<Vec<Penalty>, AppError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} ORDER BY published_on DESC, id DESC")).fetch_all(db).await?;
    Ok(rows.into_iter().map(Penalty::from).collect())
}

/// The penalties decided in `year`, in decision order (the 双公示 export).
pub async fn of_year(db: &AnyPool, year: i32) -> Result<Vec<Penalty>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE decided_on >= $1 AND decided_on <= $2 ORDER BY decided_on, decision_no"
    ))
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Penalty::from).collect())
}

/// The penalties the portal shows today: inside their period and not ended.
pub async fn public(db: &AnyPool) -> Result<Vec<Penalty>, AppError> {
    let today = today();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE ended_on IS NULL AND published_on <= $1 AND publish_until >= $1 \
         ORDER BY published_on DESC, id DESC"
    ))
    .bind(&today)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Penalty::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_added_keeping_the_day_or_the_month_s_last() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(add_months(d("2026-12-05"), 3).to_string(), "2027-03-05");
        assert_eq!(add_months(d("2026-11-30"), 3).to_string(), "2027-02-28");
        assert_eq!(add_months(d("2024-01-31"), 1).to_string(), "2024-02-29");
        assert_eq!(add_months(d("2026-12-05"), 36).to_string(), "2029-12-05");
    }
}
