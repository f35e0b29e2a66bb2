//! 重点关注: the list of enterprises drawn at a task's higher ratio, and staff's changes to it.

use crate::domain::watch::Watched;
use crate::error::AppError;
use leptos::prelude::*;

/// The 重点关注 list today, the complaints threshold, and whether the signed-in user may
/// change the list (经办人, 处室负责人).
#[server(prefix = "/api", endpoint = "watchlist")]
pub async fn get_watchlist() -> Result<(Vec<Watched>, i64, bool), AppError> {
    use crate::domain::auth::Role;
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    let list = crate::ssr::db::watchlist::list(&db).await?;
    let mut conn = db.acquire().await?;
    let threshold = crate::ssr::db::watchlist::threshold(&mut conn).await?;
    Ok((list, threshold, matches!(user.role, Role::Clerk | Role::OfficeHead)))
}

/// Puts an enterprise on the list with a reason.
#[server(prefix = "/api", endpoint = "watch_add")]
pub async fn watch_add(code: String, reason: String) -> Result<i64, AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::watchlist::add(&db, &code, &reason, &user).await
}

/// Takes staff's entry off the list with a reason.
#[server(prefix = "/api", endpoint = "watch_remove")]
pub async fn watch_remove(id: i64, reason: String) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::watchlist::remove(&db, id, &reason, &user).await
}

/// Sets how many complaints in 12 months put an enterprise on the list (the administrator).
#[server(prefix = "/api", endpoint = "set_watch_threshold")]
pub async fn set_watch_threshold(threshold: i64) -> Result<(), AppError> {
    let user = crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::watchlist::set_threshold(&db, threshold, &user).await
}

/// Whether the signed-in user may set the threshold (the administrator).
#[server(prefix = "/api", endpoint = "may_set_watch_threshold")]
pub async fn may_set_watch_threshold() -> Result<bool, AppError> {
    let user = crate::ssr::auth::user()?;
    Ok(user.role == crate::domain::auth::Role::Admin)
}
