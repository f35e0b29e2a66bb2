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
    let backend = super::Backend::of(conn);
    for chunk in records.chunks(1000) {
        let mut b = QueryBuilder::for_backend(
            backend,
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

/// Each active item's reach in `year` (drawn and inspected among the enterprises its tasks
/// drew from) against the coverage rate its frequency states.
pub async fn coverage(
    conn: &mut AnyConnection,
    year: i32,
) -> Result<Vec<crate::domain::watch::ItemCoverage>, sqlx::Error> {
    let items: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, frequency FROM inspection_items WHERE active = 1 ORDER BY department_id, name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let relevant = count_by_item(
        conn,
        year,
        "SELECT ti.item_id, count(DISTINCT p.enterprise_id) FROM task_items ti JOIN tasks t ON t.id = ti.task_id \
         JOIN draws d ON d.task_id = t.id AND d.abandoned_at IS NULL JOIN draw_pool p ON p.draw_id = d.id \
         WHERE t.window_year = $1 GROUP BY ti.item_id",
    )
    .await?;
    let drawn = count_by_item(
        conn,
        year,
        "SELECT ti.item_id, count(DISTINCT s.enterprise_id) FROM task_items ti JOIN tasks t ON t.id = ti.task_id \
         JOIN draws d ON d.task_id = t.id AND d.abandoned_at IS NULL JOIN draw_selections s ON s.draw_id = d.id \
         WHERE t.window_year = $1 GROUP BY ti.item_id",
    )
    .await?;
    let inspected = count_by_item(
        conn,
        year,
        "SELECT ri.item_id, count(DISTINCT r.enterprise_id) FROM result_items ri \
         JOIN inspection_results r ON r.id = ri.result_id JOIN draws d ON d.id = r.draw_id \
         JOIN tasks t ON t.id = d.task_id WHERE d.abandoned_at IS NULL AND t.window_year = $1 GROUP BY ri.item_id",
    )
    .await?;
    Ok(items
        .into_iter()
        .map(|(item_id, name, frequency)| {
            let relevant = relevant.get(&item_id).copied().unwrap_or(0);
            let target = crate::domain::watch::coverage_of(&frequency)
                .map(|r| crate::domain::draw::quota(relevant as u64, u64::from(r.bp())) as i64);
            crate::domain::watch::ItemCoverage {
                item_id,
                name,
                frequency,
                relevant,
                drawn: drawn.get(&item_id).copied().unwrap_or(0),
                inspected: inspected.get(&item_id).copied().unwrap_or(0),
                target,
            }
        })
        .collect())
}

/// (item id, count) rows of `sql`, whose one parameter is the year.
async fn count_by_item(
    conn: &mut AnyConnection,
    year: i32,
    sql: &str,
) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(sql).bind(i64::from(year)).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().collect())
}
