//! A unique index or constraint broken by a write, recognised by its table and columns on
//! either backend, and turned into the user's error — not by matching an error message
//! wherever a write can collide.
//!
//! SQLite reports `UNIQUE constraint failed: tasks.plan_no, tasks.task_no`; PostgreSQL
//! reports the table and, in the detail, `Key (plan_no, task_no)=(…) already exists.`
//! (its constraint names differ between an inline `UNIQUE` and a unique index, so the
//! columns are what both agree on).

use crate::error::AppError;

/// Whether `e` is a violation of the unique index on `table(columns)`, in any order.
pub fn violates(e: &sqlx::Error, table: &str, columns: &[&str]) -> bool {
    let sqlx::Error::Database(d) = e else { return false };
    if !d.is_unique_violation() {
        return false;
    }
    let mut wanted: Vec<&str> = columns.to_vec();
    wanted.sort_unstable();
    if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let Some(detail) = pg.detail() else { return false };
        let Some(cols) = detail.strip_prefix("Key (").and_then(|rest| rest.split(")=").next()) else {
            return false;
        };
        let mut found: Vec<&str> = cols.split(", ").map(|c| c.trim_matches('"')).collect();
        found.sort_unstable();
        return pg.table() == Some(table) && found == wanted;
    }
    let Some(cols) = d.message().strip_prefix("UNIQUE constraint failed: ") else { return false };
    let mut found: Vec<&str> = Vec::new();
    for c in cols.split(", ") {
        match c.split_once('.') {
            Some((t, col)) if t == table => found.push(col),
            _ => return false,
        }
    }
    found.sort_unstable();
    found == wanted
}

/// Turns one unique violation of a write into the user's error.
pub trait OnUnique<T> {
    /// `error()` when the write broke the unique index on `table(columns)`; any other
    /// failure as it is.
    fn on_unique(
        self,
        table: &str,
        columns: &[&str],
        error: impl FnOnce() -> AppError,
    ) -> Result<T, AppError>;
}

impl<T> OnUnique<T> for Result<T, sqlx::Error> {
    fn on_unique(
        self,
        table: &str,
        columns: &[&str],
        error: impl FnOnce() -> AppError,
    ) -> Result<T, AppError> {
        self.map_err(|e| if violates(&e, table, columns) { error() } else { e.into() })
    }
}
