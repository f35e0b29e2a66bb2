//! What the registries share: the lookups their rows are checked against, a record taken
//! out of use or back in, and the connection settings of a large import.

use crate::domain::registry::RegistryKind;
use crate::domain::registry_rows::Lookups;
use sqlx::{AnyConnection, AnyPool};

/// The departments and regions a registry row may name.
pub async fn lookups(conn: &mut AnyConnection) -> Result<Lookups, sqlx::Error> {
    Ok(Lookups {
        departments: sqlx::query_as("SELECT id, name, short_name FROM departments ORDER BY id")
            .fetch_all(&mut *conn)
            .await?,
        regions: sqlx::query_as("SELECT code, name FROM regions ORDER BY code").fetch_all(&mut *conn).await?,
    })
}

/// Takes record `id` of `kind` out of use (enterprise: 注销; inspector and item: 停用) or
/// back in; returns whether there was such a record.
pub async fn set_active(
    conn: &mut AnyConnection,
    kind: RegistryKind,
    id: i64,
    active: bool,
) -> Result<bool, sqlx::Error> {
    let now = super::Backend::of(conn).now_sql();
    let enterprise = format!("UPDATE enterprises SET status = $1, updated_at = {now} WHERE id = $2");
    let inspector = format!("UPDATE inspectors SET active = $1, updated_at = {now} WHERE id = $2");
    let done = match kind {
        RegistryKind::Enterprises => {
            sqlx::query(&enterprise).bind(if active { "active" } else { "deregistered" })
        }
        RegistryKind::Inspectors => sqlx::query(&inspector).bind(i64::from(active)),
        RegistryKind::Items => {
            sqlx::query("UPDATE inspection_items SET active = $1 WHERE id = $2").bind(i64::from(active))
        }
    }
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The page cache of an import's connection, in KiB (negative: SQLite's unit for KiB).
const IMPORT_CACHE_KIB: i64 = -1_048_576;

/// Before a large import on SQLite: a page cache of up to 1 GB and statement journals in
/// memory (see `registry::import`); nothing on PostgreSQL.
pub async fn widen_for_import(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if !super::Backend::of(conn).is_postgres() {
        sqlx::query(&format!("PRAGMA cache_size = {IMPORT_CACHE_KIB}")).execute(&mut *conn).await?;
        sqlx::query("PRAGMA temp_store = MEMORY").execute(&mut *conn).await?;
    }
    Ok(())
}

/// After an import: the connection's defaults back, before it returns to the pool; after
/// a large one (`large`), fresh statistics so the registry's query plans stay right.
pub async fn narrow_after_import(conn: &mut AnyConnection, large: bool) -> Result<(), sqlx::Error> {
    if !super::Backend::of(conn).is_postgres() {
        sqlx::query("PRAGMA cache_size = -2000").execute(&mut *conn).await?;
        sqlx::query("PRAGMA temp_store = DEFAULT").execute(&mut *conn).await?;
        if large {
            sqlx::query("PRAGMA optimize").execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// How many draws selected enterprise `id`.
pub async fn times_drawn(conn: &mut AnyConnection, id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM draw_selections WHERE enterprise_id = $1")
        .bind(id)
        .fetch_one(conn)
        .await
}

/// Active inspectors a declaration of conflict may name, as (id, `name（certificate）`):
/// all, or those of one department, or one.
pub async fn declarable_inspectors(
    db: &AnyPool,
    department: Option<&str>,
    only: Option<i64>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let label = "id, name || '（' || certificate_no || '）'";
    match (department, only) {
        (_, Some(id)) => {
            sqlx::query_as(&format!("SELECT {label} FROM inspectors WHERE id = $1"))
                .bind(id)
                .fetch_all(db)
                .await
        }
        (Some(dept), None) => {
            sqlx::query_as(&format!(
            "SELECT {label} FROM inspectors WHERE active = 1 AND department_id = $1 ORDER BY certificate_no"
        ))
            .bind(dept)
            .fetch_all(db)
            .await
        }
        (None, None) => {
            sqlx::query_as(&format!(
                "SELECT {label} FROM inspectors WHERE active = 1 ORDER BY department_id, certificate_no"
            ))
            .fetch_all(db)
            .await
        }
    }
}
