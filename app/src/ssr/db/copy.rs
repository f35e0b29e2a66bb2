//! Moving a bureau's SQLite file into PostgreSQL (`shuangsui copy-db`): every row of every
//! table, in one transaction on the new database, which must be empty.

use super::{begin_write, Backend, Db, QueryBuilder};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::Row;

/// Why a copy stopped; nothing was written to the target.
#[derive(Debug)]
pub struct CopyError(pub String);

impl std::fmt::Display for CopyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CopyError {}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError(e.to_string())
    }
}

/// One copied table and its number of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub rows: i64,
}

/// Tables SQLite has and PostgreSQL does not: the FTS5 trigram index of names (and its
/// shadow tables and bulk-insert marker; PostgreSQL indexes `enterprises.name` itself),
/// and each database's own record of migrations.
fn sqlite_only(table: &str) -> bool {
    table.starts_with("enterprise_names") || table.starts_with("_sqlx") || table.starts_with("sqlite_")
}

/// A value on its way: every column of both schemas is an integer, text or bytes (a
/// result's evidence files).
enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// How a target column's values are read.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Text,
    Bytes,
}

/// Copies every table of the SQLite database `from` into the empty PostgreSQL database
/// `to` (both migrated), each table after those its foreign keys refer to, then moves
/// each identity column's sequence past the copied ids.
pub async fn sqlite_to_postgres(from: &Db, to: &Db) -> Result<Vec<Copied>, CopyError> {
    if Backend::of_pool(from) != Backend::Sqlite || Backend::of_pool(to) != Backend::Postgres {
        return Err(CopyError(
            "copy-db copies a SQLite database (--from sqlite:…) into PostgreSQL (--to postgres:…)".into(),
        ));
    }
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid")
            .fetch_all(from)
            .await?;
    let mut tables: Vec<String> = tables.into_iter().filter(|t| !sqlite_only(t)).collect();
    let mut tx = begin_write(to).await?;
    // Each table after those its foreign keys point to (PostgreSQL checks each row as it
    // comes; a few tables were created before the ones they refer to).
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint \
         WHERE contype = 'f' AND conrelid <> confrelid",
    )
    .fetch_all(&mut *tx)
    .await?;
    tables = dependencies_first(tables, &references)?;
    // A new database holds only what its migrations wrote (the work calendar, say): no
    // account and no audit entry. Those rows give way to the file's.
    for t in ["users", "audit_log"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {t}")).fetch_one(&mut *tx).await?;
        if n > 0 {
            return Err(CopyError(format!(
                "the target's table {t} already holds {n} rows: copy into a new, empty database"
            )));
        }
    }
    for t in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM {t}")).execute(&mut *tx).await?;
    }
    let mut copied = Vec::new();
    for t in &tables {
        let columns: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, is_identity::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(t)
        .fetch_all(&mut *tx)
        .await?;
        if columns.is_empty() {
            return Err(CopyError(format!(
                "the target has no table {t}: are both databases at the same version?"
            )));
        }
        let list = columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", ");
        let ints: Vec<Kind> = columns
            .iter()
            .map(|c| match c.1.as_str() {
                "bigint" | "integer" => Kind::Int,
                "bytea" => Kind::Bytes,
                _ => Kind::Text,
            })
            .collect();
        // PostgreSQL takes at most 65,535 values per statement.
        let batch = (60_000 / columns.len()).min(2_000);
        let select = format!("SELECT {list} FROM {t}");
        let mut rows = sqlx::query(&select).fetch(from);
        let mut pending: Vec<Vec<Cell>> = Vec::with_capacity(batch);
        let mut count = 0i64;
        while let Some(row) = rows.try_next().await? {
            pending.push(cells(t, &columns, &ints, &row)?);
            if pending.len() == batch {
                count += insert(&mut tx, t, &list, std::mem::take(&mut pending)).await?;
            }
        }
        count += insert(&mut tx, t, &list, pending).await?;
        for (column, _, identity) in &columns {
            if identity == "YES" {
                sqlx::query_scalar::<_, i64>(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', '{column}'), \
                     coalesce((SELECT max({column}) FROM {t}), 0) + 1, false)"
                ))
                .fetch_one(&mut *tx)
                .await?;
            }
        }
        copied.push(Copied { table: t.clone(), rows: count });
    }
    super::crash::point("copy:after-rows");
    tx.commit().await?;
    Ok(copied)
}

/// `tables` reordered so that each comes after every table it refers to, keeping the
/// given order otherwise.
fn dependencies_first(
    mut tables: Vec<String>,
    references: &[(String, String)],
) -> Result<Vec<String>, CopyError> {
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let ready = tables.iter().position(|t| {
            references.iter().all(|(from, to)| from != t || !tables.contains(to) || ordered.contains(to))
        });
        match ready {
            Some(i) => ordered.push(tables.remove(i)),
            None => return Err(CopyError(format!("foreign keys go round in a circle among {tables:?}"))),
        }
    }
    Ok(ordered)
}

/// The values of one source row, each read as its target column's type.
fn cells(
    table: &str,
    columns: &[(String, String, String)],
    ints: &[Kind],
    row: &AnyRow,
) -> Result<Vec<Cell>, CopyError> {
    columns
        .iter()
        .zip(ints)
        .enumerate()
        .map(|(i, ((name, ty, _), &kind))| {
            let cell = match kind {
                Kind::Int => row.try_get(i).map(Cell::Int),
                Kind::Text => row.try_get(i).map(Cell::Text),
                Kind::Bytes => row.try_get(i).map(Cell::Bytes),
            };
            cell.map_err(|e| {
                CopyError(format!("{table}.{name}: a value does not fit the target's {ty}: {e}"))
            })
        })
        .collect()
}

async fn insert(
    conn: &mut super::Conn,
    table: &str,
    list: &str,
    rows: Vec<Vec<Cell>>,
) -> Result<i64, CopyError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let n = rows.len() as i64;
    let mut b = QueryBuilder::for_backend(super::Backend::of(conn), format!("INSERT INTO {table} ({list})"));
    b.push_values(rows, |mut sep, row| {
        for cell in row {
            match cell {
                Cell::Int(v) => sep.push_bind(v),
                Cell::Text(v) => sep.push_bind(v),
                Cell::Bytes(v) => sep.push_bind(v),
            };
        }
    });
    b.build().execute(conn).await?;
    Ok(n)
}
