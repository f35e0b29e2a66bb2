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

/// Begins a transaction that will write (`BEGIN IMMEDIATE`): it takes the database's write
/// lock at once, waiting (up to the busy timeout) while another connection — of this
/// server or of another process on the same file — holds it. A plain `BEGIN` would read
/// first and ask for the lock at its first write; if another writer committed meanwhile,
/// SQLite refuses that at once ("database is locked", no waiting), so two servers racing
/// on one task got a failure instead of a refusal, and concurrent changes failed.
pub async fn begin_write(db: &SqlitePool) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// The migrations, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The rows of `select` (a `SELECT … FROM …` without `WHERE`) whose `column` is one of
/// `keys`, asked `chunk` keys at a time; the imports use it to find what already exists.
pub(crate) async fn rows_with_keys<R>(
    conn: &mut sqlx::SqliteConnection,
    select: &str,
    column: &str,
    keys: &[&str],
    chunk: usize,
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut found = Vec::new();
    for part in keys.chunks(chunk) {
        let mut b = sqlx::QueryBuilder::new(format!("{select} WHERE {column} IN ("));
        let mut list = b.separated(", ");
        for k in part {
            list.push_bind(*k);
        }
        b.push(")");
        found.extend(b.build_query_as::<R>().fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Page `page` (from 1) of rows already read in full, and how many there are.
pub(crate) fn page_of<T>(all: Vec<T>, page: u32, size: u32) -> (Vec<T>, i64) {
    let total = all.len() as i64;
    let start = (page.max(1) as usize - 1) * size as usize;
    (all.into_iter().skip(start).take(size as usize).collect(), total)
}
