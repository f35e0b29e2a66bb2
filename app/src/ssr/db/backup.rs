//! A consistent copy of a SQLite database while it is in use (`VACUUM INTO`).

/// Copies the database into the new file `file`: one consistent moment, compacted.
/// SQLite only (PostgreSQL is backed up with `pg_dump`).
pub async fn vacuum_into(db: &sqlx::AnyPool, file: &std::path::Path) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO $1").bind(file.display().to_string()).execute(db).await?;
    Ok(())
}
