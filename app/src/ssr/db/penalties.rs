//! 行政处罚信息公示: publishing a decided penalty for its period, ending it early (信用修复),
//! and what the portal shows.

use crate::domain::auth::{Role, SessionUser};
use crate::domain::date::Date;
use crate::domain::penalty::{fen_of, yuan_of, Penalty, PenaltyDraft, PenaltyVersion};
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
    severity: String,
    version: i64,
    corrected_on: Option<String>,
    correction_reason: String,
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
            severity: r.severity,
            version: r.version,
            corrected_on: r.corrected_on,
            correction_reason: r.correction_reason,
            history: Vec::new(),
        }
    }
}

const SELECT: &str =
    "SELECT id, decision_no, party_name, party_code, violation_type, facts, basis, content, \
     fine_fen, authority, decided_on, published_on, publish_until, ended_on, end_reason, severity, version, \
     corrected_on, correction_reason FROM penalties";

/// `day` plus `months` calendar months (the day kept, or the month's last).
fn add_months(day: Date, months: i64) -> Date {
    let (y, m, d) = day.ymd();
    let total = y * 12 + (m as i64 - 1) + months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let last = Date::last_of_month(y as i32, m);
    let (_, _, last_day) = last.ymd();
    Date::from_day_number(last.day_number() - (last_day as i64 - d.min(last_day) as i64))
}

/// The publication period of `severity` in months (a setting; SAMR's 3 and 36 by default).
async fn months_for(conn: &mut AnyConnection, severity: &str) -> Result<i64, AppError> {
    let default = if severity == "minor" { 3 } else { 36 };
    Ok(super::settings::number(conn, &format!("penalty_months_{severity}"), default).await?)
}

/// The party of a penalty by its credit code: (enterprise id, name), or the form's error.
async fn party(conn: &mut AnyConnection, code: &str) -> Result<(i64, String), AppError> {
    let code = code.trim().to_ascii_uppercase();
    sqlx::query_as("SELECT id, name FROM enterprises WHERE credit_code = $1")
        .bind(&code)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::invalid("code", format!("统一社会信用代码 {code} 不在检查对象名录中")))
}

/// The publication periods in months: (minor, general).
pub async fn periods(db: &AnyPool) -> Result<(i64, i64), AppError> {
    let mut conn = db.acquire().await?;
    Ok((months_for(&mut conn, "minor").await?, months_for(&mut conn, "general").await?))
}

/// Sets the publication periods by severity (the administrator; 1 to 120 months each). A
/// penalty already published keeps the period it was published with.
pub async fn set_periods(db: &AnyPool, minor: i64, general: i64, user: &SessionUser) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden("公示期限由系统管理员设置".into()));
    }
    let mut errors = Vec::new();
    for (field, months) in [("minor_months", minor), ("general_months", general)] {
        if !(1..=120).contains(&months) {
            errors.push(crate::domain::task::FieldError {
                field: field.into(),
                message: "公示期限须为 1 至 120 个月".into(),
            });
        }
    }
    if errors.is_empty() && minor > general {
        errors.push(crate::domain::task::FieldError {
            field: "minor_months".into(),
            message: "较轻处罚的公示期限不能长于其他处罚".into(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let before = (months_for(&mut tx, "minor").await?, months_for(&mut tx, "general").await?);
    for (key, months) in [("penalty_months_minor", minor), ("penalty_months_general", general)] {
        super::settings::set_number(&mut tx, key, months).await?;
    }
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "settings.penalty_periods",
            entity_type: "system",
            entity_id: "",
            before: Some(serde_json::json!({ "minor_months": before.0, "general_months": before.1 })),
            after: Some(serde_json::json!({ "minor_months": minor, "general_months": general })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
    let (enterprise_id, party_name) = party(&mut tx, &d.code).await?;
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
    let reason = AppError::reason(reason, "提前终止公示（信用修复）须写明理由", "理由不超过 500 字")?;
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

/// Every penalty, newest first, with the versions corrections replaced (staff: the record
/// stays after its period).
pub async fn all(db: &AnyPool) -> Result<Vec<Penalty>, AppError> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} ORDER BY published_on DESC, id DESC")).fetch_all(db).await?;
    let versions: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT penalty_id, version, content, replaced_at, replaced_by, reason FROM penalty_versions \
         ORDER BY penalty_id, version",
    )
    .fetch_all(db)
    .await?;
    let mut history: std::collections::HashMap<i64, Vec<PenaltyVersion>> = Default::default();
    for (id, version, content, replaced_at, replaced_by, reason) in versions {
        let draft: PenaltyDraft = serde_json::from_str(&content).map_err(AppError::internal)?;
        history.entry(id).or_default().push(PenaltyVersion {
            version,
            draft,
            replaced_at,
            replaced_by,
            reason,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut p = Penalty::from(r);
            p.history = history.remove(&p.id).unwrap_or_default();
            p
        })
        .collect())
}

/// 更正: the office head corrects a published penalty with a reason, as a new version; the
/// one it replaces is kept whole (penalty_versions, and the audit entry's before). A new
/// severity recounts the period from the original publication date.
pub async fn correct(
    db: &AnyPool,
    id: i64,
    d: &PenaltyDraft,
    reason: &str,
    user: &SessionUser,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if user.role != Role::OfficeHead {
        return Err(AppError::Forbidden("已公示的行政处罚信息只能由处室负责人更正".into()));
    }
    let reason = AppError::reason(reason, "更正须写明理由", "更正理由不超过 500 字")?;
    let today = today();
    let errors = d.validate(&today);
    if !errors.is_empty() {
        return Err(AppError::from_fields(&errors));
    }
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&mut *tx).await?;
    let old = Penalty::from(row.ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号行政处罚公示")))?);
    let code = d.code.trim().to_ascii_uppercase();
    let (enterprise_id, party_name) = party(&mut tx, &code).await?;
    let until = if d.severity == old.severity {
        old.publish_until.clone()
    } else {
        let months = months_for(&mut tx, &d.severity).await?;
        let start =
            Date::parse(&old.published_on).ok_or_else(|| AppError::internal("published_on is a date"))?;
        add_months(start, months).to_string()
    };
    let before = old.draft();
    sqlx::query(
        "INSERT INTO penalty_versions (penalty_id, version, content, replaced_at, replaced_by, reason) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(old.version)
    .bind(serde_json::to_string(&before).map_err(AppError::internal)?)
    .bind(now_utc())
    .bind(&user.username)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    let updated = sqlx::query(
        "UPDATE penalties SET enterprise_id = $1, decision_no = $2, party_name = $3, party_code = $4, \
         violation_type = $5, facts = $6, basis = $7, content = $8, fine_fen = $9, authority = $10, decided_on = $11, \
         severity = $12, publish_until = $13, version = $14, corrected_on = $15, correction_reason = $16 WHERE id = $17",
    )
    .bind(enterprise_id)
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
    .bind(&until)
    .bind(old.version + 1)
    .bind(&today)
    .bind(reason)
    .bind(id)
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => {}
        Err(e) if super::unique::violates(&e, "penalties", &["decision_no"]) => {
            return Err(AppError::invalid(
                "decision_no",
                format!("决定书文号 {} 已用于另一项公示", d.decision_no.trim()),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    audit::append(
        &mut tx,
        Change {
            actor: &user.username,
            role: user.role.code(),
            action: "penalty.correct",
            entity_type: "penalty",
            entity_id: &old.decision_no,
            before: Some(serde_json::to_value(&before).map_err(AppError::internal)?),
            after: Some(serde_json::json!({ "draft": d, "reason": reason, "version": old.version + 1, "publish_until": until })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
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
