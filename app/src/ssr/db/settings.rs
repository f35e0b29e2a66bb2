//! The bureau's settings (the `settings` table): whole numbers by key, each with the
//! default that holds when the row is missing or unreadable.

use sqlx::AnyConnection;

/// The whole number stored under `key`, or `default`.
pub async fn number(conn: &mut AnyConnection, key: &str, default: i64) -> Result<i64, sqlx::Error> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// Stores `value` under `key` (inside the caller's transaction, beside its audit entry).
pub async fn set_number(conn: &mut AnyConnection, key: &str, value: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2",
    )
    .bind(key)
    .bind(value.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
