//! Server functions of the administrator: accounts, departments, the working-day calendar.

use crate::domain::auth::Account;
use crate::domain::inspector::Department;
use crate::domain::workday::CalendarDay;
use crate::error::AppError;
use leptos::prelude::*;

use crate::domain::auth::NewAccount;

#[cfg(feature = "ssr")]
fn admin() -> Result<crate::domain::auth::SessionUser, AppError> {
    crate::ssr::auth::require(&[crate::domain::auth::Role::Admin])
}

/// Every account.
#[server(prefix = "/api", endpoint = "accounts")]
pub async fn list_accounts() -> Result<(Vec<Account>, Vec<Department>), AppError> {
    admin()?;
    let db = crate::ssr::state::db()?;
    Ok((
        crate::ssr::db::accounts::list(&db, crate::ssr::auth::THROTTLE_WINDOW_SECS).await?,
        crate::ssr::db::accounts::departments(&db).await?,
    ))
}

/// Creates an account; returns its id.
#[server(prefix = "/api", endpoint = "create_account", input = server_fn::codec::Json)]
pub async fn create_account(account: NewAccount) -> Result<i64, AppError> {
    let user = admin()?;
    let db = crate::ssr::state::db()?;
    if let Some(m) = crate::domain::auth::password_problem(&account.password) {
        return Err(AppError::invalid("password", m));
    }
    let hash = crate::ssr::auth::hash_password(&account.password)?;
    crate::ssr::db::accounts::create(&db, &account, &hash, &user).await
}

/// Enables or disables an account (disabling ends all its sessions).
#[server(prefix = "/api", endpoint = "account_active")]
pub async fn set_account_active(id: i64, active: bool) -> Result<(), AppError> {
    let user = admin()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::accounts::set_active(&db, id, active, &user).await
}

/// Sets a new password for an account (ends its sessions).
#[server(prefix = "/api", endpoint = "account_password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    let user = admin()?;
    let db = crate::ssr::state::db()?;
    if let Some(m) = crate::domain::auth::password_problem(&password) {
        return Err(AppError::invalid("password", m));
    }
    let hash = crate::ssr::auth::hash_password(&password)?;
    crate::ssr::db::accounts::reset_password(&db, id, &hash, &user).await
}

/// Clears an account's failed sign-ins (解除登录限制): it may sign in again at once from
/// any address. The failures stay on record; the clearing is audited.
#[server(prefix = "/api", endpoint = "unlock_sign_in")]
pub async fn unlock_sign_in(username: String) -> Result<i64, AppError> {
    let user = admin()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::auth::clear_failures(&db, &username, user.actor()).await
}

/// Adds or renames a department.
#[server(prefix = "/api", endpoint = "save_department")]
pub async fn save_department(id: String, name: String, short_name: String) -> Result<(), AppError> {
    let user = admin()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::accounts::save_department(&db, &Department { id, name, short_name }, &user).await
}

/// The working-day calendar's exceptions in `year` (readable by every signed-in user).
#[server(prefix = "/api", endpoint = "calendar_days")]
pub async fn get_calendar(year: i32) -> Result<Vec<CalendarDay>, AppError> {
    crate::ssr::auth::user()?;
    let db = crate::ssr::state::db()?;
    crate::ssr::db::accounts::calendar_days(&db, year).await
}

/// Marks a day `holiday` or `workday` (调休上班), or `normal` to remove the exception.
#[server(prefix = "/api", endpoint = "set_calendar_day")]
pub async fn set_calendar_day(day: String, kind: String, name: String) -> Result<(), AppError> {
    use crate::domain::workday::DayKind;
    let user = admin()?;
    let kind = match kind.as_str() {
        "normal" => None,
        k => Some(
            DayKind::parse(k).ok_or_else(|| AppError::invalid("kind", "请选择放假、调休上班或恢复常规"))?,
        ),
    };
    let db = crate::ssr::state::db()?;
    crate::ssr::db::accounts::set_calendar_day(&db, day.trim(), kind, &name, &user).await
}
