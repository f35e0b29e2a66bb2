//! 抽查事项清单 — inspection items: list, one record, and bulk upsert by name.

use crate::domain::registry::{ItemRecord, ItemRow, ListQuery, PAGE_SIZE};
use crate::ssr::db::{Backend, QueryBuilder};
use sqlx::AnyConnection;
use std::collections::HashMap;

const SELECT: &str = "SELECT t.id, t.name, t.content, t.legal_basis, t.department_id, t.frequency, t.active, \
                      d.name AS department_name FROM inspection_items t JOIN departments d ON d.id = t.department_id";

fn filtered(backend: Backend, q: &ListQuery) -> QueryBuilder<'_> {
    let like = backend.like();
    let mut b = QueryBuilder::new(format!("{SELECT} WHERE 1 = 1"));
    let text = q.q.trim();
    if !text.is_empty() {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        b.push(format!(" AND t.name {like} ")).push_bind(pattern).push(" ESCAPE '\\'");
    }
    if !q.department.is_empty() {
        b.push(" AND t.department_id = ").push_bind(q.department.as_str());
    }
    if let Ok(active) = q.active.parse::<i64>() {
        b.push(" AND t.active = ").push_bind(active);
    }
    b.push(" ORDER BY t.department_id, t.name");
    b
}

/// One page of the filtered list and the number of matches.
pub async fn page(conn: &mut AnyConnection, q: &ListQuery) -> Result<(Vec<ItemRow>, i64), sqlx::Error> {
    Ok(super::page_of(all(conn, q).await?, q.page, PAGE_SIZE))
}

/// Every item the filters give (for export).
pub async fn all(conn: &mut AnyConnection, q: &ListQuery) -> Result<Vec<ItemRow>, sqlx::Error> {
    filtered(Backend::of(conn), q).build_query_as().fetch_all(conn).await
}

/// One item by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE t.id = $1")).bind(id).fetch_optional(conn).await
}

/// The stored records of those names that exist.
pub async fn existing(
    conn: &mut AnyConnection,
    keys: &[&str],
) -> Result<HashMap<String, (i64, ItemRecord)>, sqlx::Error> {
    let rows: Vec<ItemRow> = super::rows_with_keys(conn, SELECT, "t.name", keys, 500).await?;
    Ok(rows.into_iter().map(|r| (r.record.name.clone(), (r.id, r.record))).collect())
}

/// Inserts the new and updates the existing, by name.
pub async fn upsert(conn: &mut AnyConnection, records: &[&ItemRecord]) -> Result<(), sqlx::Error> {
    for chunk in records.chunks(1000) {
        let mut b = QueryBuilder::new(
            "INSERT INTO inspection_items (name, content, legal_basis, department_id, frequency, active) ",
        );
        b.push_values(chunk, |mut row, i| {
            row.push_bind(&i.name)
                .push_bind(&i.content)
                .push_bind(&i.legal_basis)
                .push_bind(&i.department_id)
                .push_bind(&i.frequency)
                .push_bind(i64::from(i.active));
        });
        b.push(
            " ON CONFLICT (name) DO UPDATE SET content = excluded.content, legal_basis = excluded.legal_basis, \
             department_id = excluded.department_id, frequency = excluded.frequency, active = excluded.active",
        );
        b.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts a new item (`id` = `None`) or overwrites item `id`.
pub async fn write(conn: &mut AnyConnection, id: Option<i64>, i: &ItemRecord) -> Result<i64, sqlx::Error> {
    let sql = match id {
        None => {
            "INSERT INTO inspection_items (name, content, legal_basis, department_id, frequency, active) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
        }
        Some(_) => {
            "UPDATE inspection_items SET name = $1, content = $2, legal_basis = $3, department_id = $4, \
                    frequency = $5, active = $6 WHERE id = $7 RETURNING id"
        }
    };
    let mut q = sqlx::query_scalar::<_, i64>(sql)
        .bind(&i.name)
        .bind(&i.content)
        .bind(&i.legal_basis)
        .bind(&i.department_id)
        .bind(&i.frequency)
        .bind(i64::from(i.active));
    if let Some(id) = id {
        q = q.bind(id);
    }
    q.fetch_optional(conn).await?.ok_or(sqlx::Error::RowNotFound)
}
