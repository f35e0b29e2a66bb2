//! Database access: connection, migrations, and one module per aggregate.

pub mod accounts;
pub mod ceremony;
pub mod conflicts;
pub mod draws;
pub mod enterprises;
pub mod inspectors;
pub mod items;
pub mod plans;
pub mod pool;
pub mod recusals;
pub mod results;
pub mod tasks;
pub mod workflow;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

/// The default database, relative to the working directory.
pub const DEFAULT_URL: &str = "sqlite://data/shuangsui.db";

/// Opens (creating if missing) the SQLite database at `url` and runs the embedded migrations.
pub async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");
