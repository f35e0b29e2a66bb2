//! Sessions and sign-in attempts: the rows behind `ssr::auth` (which holds the rules: how
//! long a session lives, how many failures make a client wait).

use crate::domain::auth::{Role, SessionUser};
use sqlx::{AnyConnection, AnyPool};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    department_id: Option<String>,
    department_name: Option<String>,
    inspector_id: Option<i64>,
}

impl UserRow {
    fn into_user(self) -> Option<SessionUser> {
        Some(SessionUser {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: Role::parse(&self.role)?,
            department_id: self.department_id,
            department_name: self.department_name,
            inspector_id: self.inspector_id,
        })
    }
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.department_id, \
    d.short_name AS department_name, u.inspector_id";

/// When the session with this token hash began and was last seen (Unix seconds).
pub async fn times(db: &AnyPool, token_hash: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT created_at, last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// The active account of a session (`None` if the account is disabled or gone).
pub async fn user_of(db: &AnyPool, token_hash: &str) -> Result<Option<SessionUser>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
         LEFT JOIN departments d ON d.id = u.department_id WHERE s.token_hash = $1 AND u.active = 1"
    ))
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(UserRow::into_user))
}

/// Notes that the session was used at `now`.
pub async fn touch(db: &AnyPool, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends one session.
pub async fn delete(db: &AnyPool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(db).await?;
    Ok(())
}

/// Opens a session for account `user_id`.
pub async fn insert(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: i64,
    now: i64,
    address: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(address)
    .execute(conn)
    .await?;
    Ok(())
}

/// Failed sign-ins since `since` that still count, each as (how many, the newest's time):
/// of this account from this address, from this address, of this account.
pub struct Failures {
    pub pair: (i64, Option<i64>),
    pub address: (i64, Option<i64>),
    pub account: (i64, Option<i64>),
}

/// The failures that count against a sign-in of `username` from `address`.
pub async fn failures(
    conn: &mut AnyConnection,
    username: &str,
    address: &str,
    since: i64,
) -> Result<Failures, sqlx::Error> {
    let c: (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sign_in_attempts WHERE username = $1 AND address = $2 AND ok = 0 \
                   AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE username = $1 AND address = $2 AND ok = 0 \
                   AND cleared_at IS NULL AND at > $3), \
                (SELECT count(*) FROM sign_in_attempts WHERE address = $2 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE address = $2 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT count(*) FROM sign_in_attempts WHERE username = $1 AND ok = 0 AND cleared_at IS NULL AND at > $3), \
                (SELECT max(at) FROM sign_in_attempts WHERE username = $1 AND ok = 0 AND cleared_at IS NULL AND at > $3)",
    )
    .bind(username)
    .bind(address)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(Failures { pair: (c.0, c.1), address: (c.2, c.3), account: (c.4, c.5) })
}

/// Records an attempt as failed (it is marked good once its password checks); returns its id.
pub async fn record_attempt(
    conn: &mut AnyConnection,
    username: &str,
    address: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (username, address, ok, at) VALUES ($1, $2, 0, $3) RETURNING id",
    )
    .bind(username)
    .bind(address)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Forgets an attempt whose password was never checked.
pub async fn forget_attempt(db: &AnyPool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// Marks attempt `id` good; the failures of the same account from the same address stop
/// counting (the owner is in).
pub async fn attempt_succeeded(
    conn: &mut AnyConnection,
    id: i64,
    username: &str,
    address: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sign_in_attempts SET ok = 1 WHERE id = $1").bind(id).execute(&mut *conn).await?;
    sqlx::query(
        "UPDATE sign_in_attempts SET cleared_at = $1 WHERE username = $2 AND address = $3 AND ok = 0 \
         AND cleared_at IS NULL",
    )
    .bind(now)
    .bind(username)
    .bind(address)
    .execute(conn)
    .await?;
    Ok(())
}

/// An account's stored password hash and whether it is active.
pub async fn password_of(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<(String, super::Flag)>, sqlx::Error> {
    sqlx::query_as("SELECT password_hash, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await
}

/// An account by name, as a session sees it.
pub async fn user_named(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u LEFT JOIN departments d ON d.id = u.department_id WHERE u.username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(UserRow::into_user))
}

/// Clears an account's failed sign-ins at `now`; returns the account's id (if it exists)
/// and how many were cleared.
pub async fn clear_failures(
    conn: &mut AnyConnection,
    username: &str,
    now: i64,
) -> Result<(Option<i64>, i64), sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?;
    let cleared = sqlx::query(
        "UPDATE sign_in_attempts SET cleared_at = $1 WHERE username = $2 AND ok = 0 AND cleared_at IS NULL",
    )
    .bind(now)
    .bind(username)
    .execute(conn)
    .await?
    .rows_affected() as i64;
    Ok((id, cleared))
}
