//! 执法检查人员名录库 — inspectors: list, one record, and bulk upsert by certificate number.

use crate::domain::registry::{InspectorRecord, InspectorRow, ListQuery, PAGE_SIZE};
use crate::ssr::db::{Backend, QueryBuilder};
use sqlx::AnyConnection;
use std::collections::HashMap;

const SELECT: &str = "SELECT i.id, i.certificate_no, i.name, i.department_id, i.valid_from, i.valid_to, i.phone, \
                      i.active, d.name AS department_name FROM inspectors i JOIN departments d ON d.id = i.department_id";

fn filtered(backend: Backend, q: &ListQuery) -> QueryBuilder<'_> {
    let like = backend.like();
    let mut b = QueryBuilder::new(format!("{SELECT} WHERE 1 = 1"));
    let text = q.q.trim();
    if !text.is_empty() {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        b.push(format!(" AND (i.name {like} "))
            .push_bind(pattern.clone())
            .push(format!(" ESCAPE '\\' OR i.certificate_no {like} "));
        b.push_bind(pattern).push(" ESCAPE '\\')");
    }
    if !q.department.is_empty() {
        b.push(" AND i.department_id = ").push_bind(q.department.as_str());
    }
    if let Ok(active) = q.active.parse::<i64>() {
        b.push(" AND i.active = ").push_bind(active);
    }
    b.push(" ORDER BY i.department_id, i.certificate_no");
    b
}

/// One page of the filtered table and the number of matches.
pub async fn page(conn: &mut AnyConnection, q: &ListQuery) -> Result<(Vec<InspectorRow>, i64), sqlx::Error> {
    Ok(super::page_of(all(conn, q).await?, q.page, PAGE_SIZE))
}

/// Every inspector the filters give (for export; the registry holds hundreds).
pub async fn all(conn: &mut AnyConnection, q: &ListQuery) -> Result<Vec<InspectorRow>, sqlx::Error> {
    filtered(Backend::of(conn), q).build_query_as().fetch_all(conn).await
}

/// One inspector by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<InspectorRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1")).bind(id).fetch_optional(conn).await
}

/// The stored records of those certificate numbers that exist.
pub async fn existing(
    conn: &mut AnyConnection,
    keys: &[&str],
) -> Result<HashMap<String, (i64, InspectorRecord)>, sqlx::Error> {
    let rows: Vec<InspectorRow> = super::rows_with_keys(conn, SELECT, "i.certificate_no", keys, 500).await?;
    Ok(rows.into_iter().map(|r| (r.record.certificate_no.clone(), (r.id, r.record))).collect())
}

/// Inserts the new and updates the existing, by certificate number.
pub async fn upsert(conn: &mut AnyConnection, records: &[&InspectorRecord]) -> Result<(), sqlx::Error> {
    let backend = Backend::of(conn);
    let now = backend.now_sql();
    for chunk in records.chunks(1000) {
        let mut b = QueryBuilder::for_backend(
            backend,
            "INSERT INTO inspectors (certificate_no, name, department_id, valid_from, valid_to, phone, active) ",
        );
        b.push_values(chunk, |mut row, i| {
            row.push_bind(&i.certificate_no)
                .push_bind(&i.name)
                .push_bind(&i.department_id)
                .push_bind(&i.valid_from)
                .push_bind(&i.valid_to)
                .push_bind(&i.phone)
                .push_bind(i64::from(i.active));
        });
        b.push(
            " ON CONFLICT (certificate_no) DO UPDATE SET name = excluded.name, department_id = excluded.department_id, \
             valid_from = excluded.valid_from, valid_to = excluded.valid_to, phone = excluded.phone, \
             active = excluded.active, updated_at = ",
        );
        b.push(now);
        b.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts a new inspector (`id` = `None`) or overwrites inspector `id`.
pub async fn write(
    conn: &mut AnyConnection,
    id: Option<i64>,
    i: &InspectorRecord,
) -> Result<i64, sqlx::Error> {
    let sql = match id {
        None => "INSERT INTO inspectors (certificate_no, name, department_id, valid_from, valid_to, phone, active) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
            .to_owned(),
        Some(_) => format!(
            "UPDATE inspectors SET certificate_no = $1, name = $2, department_id = $3, valid_from = $4, \
             valid_to = $5, phone = $6, active = $7, updated_at = {} WHERE id = $8 RETURNING id",
            Backend::of(conn).now_sql()
        ),
    };
    let mut q = sqlx::query_scalar::<_, i64>(&sql)
        .bind(&i.certificate_no)
        .bind(&i.name)
        .bind(&i.department_id)
        .bind(&i.valid_from)
        .bind(&i.valid_to)
        .bind(&i.phone)
        .bind(i64::from(i.active));
    if let Some(id) = id {
        q = q.bind(id);
    }
    q.fetch_optional(conn).await?.ok_or(sqlx::Error::RowNotFound)
}

/// The department of inspector `id`, if there is one.
pub async fn department_of(db: &sqlx::AnyPool, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT department_id FROM inspectors WHERE id = $1").bind(id).fetch_optional(db).await
}
