//! 行政处罚信息公示: publishing decided penalties and ending them early.

use crate::domain::penalty::{Penalty, PenaltyDraft};
use crate::error::AppError;
use leptos::prelude::*;

/// Every penalty, newest first, whether or not still public (staff).
#[server(prefix = "/api", endpoint = "penalties")]
pub async fn get_penalties() -> Result<Vec<Penalty>, AppError> {
    crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::penalties::all(&db).await
}

/// Publishes a decided penalty (the office head); its id.
#[server(prefix = "/api", endpoint = "publish_penalty", input = server_fn::codec::Json)]
pub async fn publish_penalty(draft: PenaltyDraft) -> Result<i64, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::penalties::publish(&db, &draft, &user).await
}

/// Ends a penalty's publication early (信用修复), with a reason (the office head).
#[server(prefix = "/api", endpoint = "end_penalty")]
pub async fn end_penalty(id: i64, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::penalties::end(&db, id, &reason, &user).await
}

/// 更正: the office head corrects a published penalty, with a reason, as a new version.
#[server(prefix = "/api", endpoint = "correct_penalty", input = server_fn::codec::Json)]
pub async fn correct_penalty(id: i64, draft: PenaltyDraft, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::penalties::correct(&db, id, &draft, &reason, &user).await
}

/// The publication periods in months (较轻, 其他) and whether the signed-in user may set them.
#[server(prefix = "/api", endpoint = "penalty_periods")]
pub async fn penalty_periods() -> Result<(i64, i64, bool), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let (minor, general) = crate::ssr::db::penalties::periods(&db).await?;
    Ok((minor, general, user.role == crate::domain::auth::Role::Admin))
}

/// Sets the publication periods by severity (the administrator).
#[server(prefix = "/api", endpoint = "set_penalty_periods")]
pub async fn set_penalty_periods(minor_months: i64, general_months: i64) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::penalties::set_periods(&db, minor_months, general_months, &user).await
}
