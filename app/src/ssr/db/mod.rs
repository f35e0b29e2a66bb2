//! Database access: connection, migrations, and one module per aggregate.
//!
//! One application on two backends: a SQLite file (the default, one bureau, one server)
//! or PostgreSQL (several servers behind a proxy). Every query goes through sqlx's `Any`
//! driver and is written once, with `$1, $2, …` placeholders (both backends read them);
//! the few places where the SQL dialects differ ask [`Backend`] for their fragment.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod batches;
pub mod calendar;
pub mod ceremony;
pub mod conflicts;
pub mod copy;
pub mod crash;
pub mod draws;
pub mod enterprises;
pub mod exports;
pub mod follow_ups;
pub mod frozen_pool;
pub mod inspectors;
pub mod items;
pub mod metrics;
pub mod onsite;
pub mod penalties;
pub mod plan_changes;
pub mod plan_import;
pub mod plans;
pub mod pool;
pub mod portal;
pub mod query;
pub mod recusals;
pub mod registry;
pub mod result_deadlines;
pub mod result_import;
pub mod result_items;
pub mod results;
pub mod seed;
pub mod sessions;
pub mod settings;
pub mod stats;
pub mod tasks;
pub mod todo;
pub mod unique;
pub mod watchlist;
pub mod workflow;

pub use query::{Flag, QueryBuilder};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::MigrateDatabase;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

/// A pool of connections to either backend.
pub type Db = sqlx::AnyPool;
/// One connection (or, through `&mut *tx`, a transaction) to either backend.
pub type Conn = sqlx::AnyConnection;
/// A transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The default database, relative to the working directory.
pub const DEFAULT_URL: &str = "sqlite://data/shuangsui.db";

/// Which database a URL, pool or connection talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend of a `sqlite:` or `postgres:`/`postgresql:` URL.
    pub fn of_url(url: &str) -> Result<Self, sqlx::Error> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            _ => Err(sqlx::Error::Configuration(
                format!("数据库地址须以 sqlite: 或 postgres: 开头（收到 {scheme:?}）").into(),
            )),
        }
    }

    /// The backend a pool connects to.
    pub fn of_pool(db: &Db) -> Self {
        Self::of_url(db.connect_options().database_url.as_str()).unwrap_or(Self::Sqlite)
    }

    /// The backend of a connection (or of a transaction, through `&*tx`).
    pub fn of(conn: &Conn) -> Self {
        if conn.backend_name() == "PostgreSQL" {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }

    pub fn is_postgres(self) -> bool {
        self == Self::Postgres
    }

    /// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, in SQL.
    pub fn now_sql(self) -> &'static str {
        match self {
            Self::Sqlite => "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            Self::Postgres => "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        }
    }

    /// The pattern operator that ignores the case of ASCII letters (SQLite's `LIKE` does).
    pub fn like(self) -> &'static str {
        match self {
            Self::Sqlite => "LIKE",
            Self::Postgres => "ILIKE",
        }
    }
}

/// `url` as it may be printed or logged: a password in it replaced by `***`
/// (`postgres://user:***@host/db`).
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let tail: Vec<String> = tail
        .split('&')
        .map(|part| match part.split_once("password=") {
            Some((before, _)) if before.is_empty() || before.ends_with('?') => {
                format!("{before}password=***")
            }
            _ => part.to_string(),
        })
        .collect();
    let tail = tail.join("&");
    let out = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => format!("{scheme}://{authority}{tail}"),
    };
    out.replace(|c: char| c.is_control(), "")
}

/// The SQLite pool's size. A writer waits for SQLite's write lock (`BEGIN IMMEDIATE`, up to
/// the 5 s busy timeout) on a connection of its own, so the pool keeps room for readers
/// beside a queue of writers: with 8, fifty staff during an import waited half a minute for
/// a page (`make bench-staff`: pages p50 4.8 s, p99 37 s; with 32, 0.6 s and 6 s). Each
/// connection's page cache is SQLite's default, at most 2 MB: 64 MB in all.
const SQLITE_CONNECTIONS: u32 = 32;

/// Opens the database at `url` — a SQLite file (created if missing) or a PostgreSQL
/// database (created if missing and the role may) — and runs that backend's migrations.
pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let pool = match Backend::of_url(url)? {
        Backend::Sqlite => {
            let url = sqlite_url(url)?;
            // WAL lets readers go on while one writer writes; it stays set in the file.
            let mut first = AnyConnectOptions::from_str(&url)?.connect().await?;
            sqlx::query("PRAGMA journal_mode = WAL").execute(&mut first).await?;
            first.close().await?;
            // sqlx's SQLite defaults hold the rest: foreign keys on, busy timeout 5 s,
            // synchronous FULL.
            let pool = AnyPoolOptions::new().max_connections(SQLITE_CONNECTIONS).connect(&url).await?;
            SQLITE_MIGRATOR.run(&pool).await?;
            pool
        }
        Backend::Postgres => {
            let options = AnyPoolOptions::new().max_connections(16);
            // Every integer is bound as i64: sqlx caches each statement with the parameter
            // types of its first use, and an i32 bound later to an i64 slot (or the other
            // way round) is refused as "incorrect binary data format". (Checked by building
            // against an sqlx-core without `Encode<Any>` for i16, i32 and bool.)
            let pool = match options.clone().connect(url).await {
                // 3D000: no such database. Create it (the role needs CREATEDB) and retry;
                // an existing one is used without asking the server's other databases.
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("3D000") => {
                    sqlx::Any::create_database(url).await?;
                    options.connect(url).await?
                }
                other => other?,
            };
            POSTGRES_MIGRATOR.run(&pool).await?;
            pool
        }
    };
    Ok(pool)
}

/// `url` with `mode=rwc` (create the file if missing), its folder created.
fn sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
    }
    Ok(if url.contains(":memory:") { url.to_owned() } else { with_param(url, "mode", "rwc") })
}

/// `url` with `key=value` added to its query, unless it sets `key` already.
fn with_param(url: &str, key: &str, value: &str) -> String {
    if url.contains(&format!("{key}=")) {
        url.to_owned()
    } else {
        format!("{url}{}{key}={value}", if url.contains('?') { '&' } else { '?' })
    }
}

/// The advisory lock every PostgreSQL write transaction takes first (an arbitrary key).
const WRITE_LOCK: i64 = 0x5353_5752; // "SSWR"

/// Begins a transaction that will write, taking the database's one write lock at once and
/// waiting while another connection — of this server or of another process — holds it.
/// Writers therefore run one after another on both backends: a check-then-write (is this
/// task still unfrozen? which audit entry is last?) cannot interleave with another's.
///
/// On SQLite this is `BEGIN IMMEDIATE` (a plain `BEGIN` asks for the lock only at its
/// first write and is refused outright if another writer committed meanwhile). On
/// PostgreSQL it is a transaction-scoped advisory lock, released at commit or rollback;
/// each statement after it reads what committed before it (READ COMMITTED).
pub async fn begin_write(db: &Db) -> Result<Tx, sqlx::Error> {
    match Backend::of_pool(db) {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = db.begin().await?;
            take_write_lock(&mut tx).await?;
            Ok(tx)
        }
    }
}

/// [`begin_write`] on a connection already held (an import sets it up first).
pub async fn begin_write_on(conn: &mut Conn) -> Result<sqlx::Transaction<'_, sqlx::Any>, sqlx::Error> {
    match Backend::of(conn) {
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = conn.begin().await?;
            take_write_lock(&mut tx).await?;
            Ok(tx)
        }
    }
}

async fn take_write_lock(conn: &mut Conn) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS l")
        .bind(WRITE_LOCK)
        .execute(conn)
        .await?;
    Ok(())
}

/// Begins a transaction that only reads and sees one state of the database throughout
/// (SQLite's deferred transaction does; PostgreSQL needs REPEATABLE READ for it).
pub async fn begin_read(db: &Db) -> Result<Tx, sqlx::Error> {
    match Backend::of_pool(db) {
        Backend::Sqlite => db.begin().await,
        Backend::Postgres => db.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await,
    }
}

/// The SQLite migrations, embedded in the binary.
pub static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
/// The PostgreSQL migrations, one twin of each SQLite migration.
pub static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The rows of `select` (a `SELECT … FROM …` without `WHERE`) whose `column` is one of
/// `keys`, asked `chunk` keys at a time; the imports use it to find what already exists.
pub(crate) async fn rows_with_keys<R>(
    conn: &mut Conn,
    select: &str,
    column: &str,
    keys: &[&str],
    chunk: usize,
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut found = Vec::new();
    for part in keys.chunks(chunk) {
        let mut b = QueryBuilder::for_backend(Backend::of(conn), format!("{select} WHERE {column} IN ("));
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

#[cfg(test)]
mod redaction_tests {
    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(super::redacted("postgres://ss:s3cr%40t@db:5432/ss"), "postgres://ss:***@db:5432/ss");
        assert_eq!(
            super::redacted("postgres://ss@db/ss?password=x&sslmode=y"),
            "postgres://ss@db/ss?password=***&sslmode=y"
        );
        assert_eq!(super::redacted("sqlite://data/shuangsui.db"), "sqlite://data/shuangsui.db");
        assert_eq!(super::redacted("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
    }
}
