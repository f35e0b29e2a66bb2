//! 检查对象名录库 — enterprises: the registry table's query, one record, and bulk upsert.

use crate::domain::registry::{EnterpriseQuery, EnterpriseRecord, EnterpriseRow, COUNT_CAP, PAGE_SIZE};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::HashMap;

/// The stored columns of a record, in [`EnterpriseRecord`] order.
pub const COLUMNS: &str =
    "credit_code, name, category, industry, nature, scale, region_code, filed_on, status, \
                           risk_class, complaint_count, address";

/// Rows written per INSERT statement (12 values each, well under SQLite's 32766).
const BATCH: usize = 1000;

/// How the text search reads the query box.
enum Text<'a> {
    None,
    /// Upper-case letters and digits only: the start of a credit code.
    CodePrefix(String),
    /// Three or more characters: substring of the name, through the trigram index.
    Trigram(&'a str),
    /// One or two characters: substring of the name, by scanning.
    Short(&'a str),
}

fn text_of(q: &str) -> Text<'_> {
    let q = q.trim();
    if q.is_empty() {
        return Text::None;
    }
    let upper = q.to_ascii_uppercase();
    if q.len() >= 4 && upper.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return Text::CodePrefix(upper);
    }
    if q.chars().count() >= 3 {
        Text::Trigram(q)
    } else {
        Text::Short(q)
    }
}

/// `WHERE` with every filter of `q` (the text search and the columns).
fn push_filters<'a>(b: &mut QueryBuilder<'a, Sqlite>, q: &'a EnterpriseQuery) {
    b.push(" WHERE 1 = 1");
    match text_of(&q.q) {
        Text::None => {}
        Text::CodePrefix(p) => {
            // A range on the unique index; `~` sorts after every code character.
            b.push(" AND e.credit_code >= ")
                .push_bind(p.clone())
                .push(" AND e.credit_code < ")
                .push_bind(p + "~");
        }
        Text::Trigram(t) => {
            let phrase = format!("\"{}\"", t.replace('"', "\"\""));
            b.push(" AND e.id IN (SELECT rowid FROM enterprise_names WHERE enterprise_names MATCH ")
                .push_bind(phrase)
                .push(")");
        }
        Text::Short(t) => {
            let pattern = format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            b.push(" AND e.name LIKE ").push_bind(pattern).push(" ESCAPE '\\'");
        }
    }
    for (column, value) in [
        ("category", &q.category),
        ("industry", &q.industry),
        ("nature", &q.nature),
        ("scale", &q.scale),
        ("region_code", &q.region),
        ("status", &q.status),
        ("risk_class", &q.risk),
    ] {
        if !value.is_empty() {
            b.push(format!(" AND e.{column} = ")).push_bind(value.as_str());
        }
    }
    if !q.filed_from.is_empty() {
        b.push(" AND e.filed_on >= ").push_bind(q.filed_from.as_str());
    }
    if !q.filed_to.is_empty() {
        b.push(" AND e.filed_on <= ").push_bind(q.filed_to.as_str());
    }
}

/// One page of the filtered, sorted table and the number of matches (capped at
/// [`COUNT_CAP`]).
pub async fn page(
    conn: &mut SqliteConnection,
    q: &EnterpriseQuery,
) -> Result<(Vec<EnterpriseRow>, i64), sqlx::Error> {
    let mut count = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM enterprises e");
    push_filters(&mut count, q);
    count.push(" LIMIT ").push_bind(COUNT_CAP + 1).push(")");
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let offset = i64::from(q.page.max(1) - 1) * i64::from(PAGE_SIZE);
    let mut rows = select(q);
    rows.push(" LIMIT ").push_bind(i64::from(PAGE_SIZE)).push(" OFFSET ").push_bind(offset);
    Ok((rows.build_query_as().fetch_all(&mut *conn).await?, total))
}

/// Every enterprise the filters give, in the table's order (for export).
pub async fn all(
    conn: &mut SqliteConnection,
    q: &EnterpriseQuery,
) -> Result<Vec<EnterpriseRow>, sqlx::Error> {
    select(q).build_query_as().fetch_all(conn).await
}

fn select(q: &EnterpriseQuery) -> QueryBuilder<'_, Sqlite> {
    let mut b = QueryBuilder::new(format!("SELECT e.id, {}, e.updated_at FROM enterprises e", prefixed()));
    push_filters(&mut b, q);
    let dir = if q.desc { "DESC" } else { "ASC" };
    // The id breaks ties so that pages never overlap.
    b.push(format!(" ORDER BY e.{} {dir}, e.id {dir}", q.sort_column()));
    b
}

fn prefixed() -> String {
    COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ")
}

/// One enterprise by id.
pub async fn get(conn: &mut SqliteConnection, id: i64) -> Result<Option<EnterpriseRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT e.id, {}, e.updated_at FROM enterprises e WHERE e.id = ?", prefixed()))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The stored records of those `codes` that exist, by credit code, with their ids.
pub async fn existing(
    conn: &mut SqliteConnection,
    codes: &[&str],
) -> Result<HashMap<String, (i64, EnterpriseRecord)>, sqlx::Error> {
    let mut found = HashMap::new();
    for chunk in codes.chunks(BATCH) {
        let mut b = QueryBuilder::new(format!(
            "SELECT e.id, {}, e.updated_at FROM enterprises e WHERE e.credit_code IN (",
            prefixed()
        ));
        let mut list = b.separated(", ");
        for c in chunk {
            list.push_bind(*c);
        }
        b.push(")");
        let rows: Vec<EnterpriseRow> = b.build_query_as().fetch_all(&mut *conn).await?;
        for r in rows {
            found.insert(r.record.credit_code.clone(), (r.id, r.record));
        }
    }
    Ok(found)
}

/// Inserts the new and updates the existing (by credit code), in multi-row statements.
pub async fn upsert(conn: &mut SqliteConnection, records: &[&EnterpriseRecord]) -> Result<(), sqlx::Error> {
    for chunk in records.chunks(BATCH) {
        let mut b = QueryBuilder::new(format!("INSERT INTO enterprises ({COLUMNS}) "));
        b.push_values(chunk, |mut row, e| {
            row.push_bind(&e.credit_code)
                .push_bind(&e.name)
                .push_bind(&e.category)
                .push_bind(&e.industry)
                .push_bind(&e.nature)
                .push_bind(&e.scale)
                .push_bind(&e.region_code)
                .push_bind(&e.filed_on)
                .push_bind(&e.status)
                .push_bind(&e.risk_class)
                .push_bind(e.complaint_count)
                .push_bind(&e.address);
        });
        b.push(
            " ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name, category = excluded.category, \
             industry = excluded.industry, nature = excluded.nature, scale = excluded.scale, \
             region_code = excluded.region_code, filed_on = excluded.filed_on, status = excluded.status, \
             risk_class = excluded.risk_class, complaint_count = excluded.complaint_count, \
             address = excluded.address, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        );
        b.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts a new enterprise (`id` = `None`) or overwrites enterprise `id`.
pub async fn write(
    conn: &mut SqliteConnection,
    id: Option<i64>,
    e: &EnterpriseRecord,
) -> Result<(), sqlx::Error> {
    let sql = match id {
        None => format!("INSERT INTO enterprises ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        Some(_) => "UPDATE enterprises SET credit_code = ?, name = ?, category = ?, industry = ?, nature = ?, \
                    scale = ?, region_code = ?, filed_on = ?, status = ?, risk_class = ?, complaint_count = ?, \
                    address = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?"
            .to_owned(),
    };
    let mut q = sqlx::query(&sql)
        .bind(&e.credit_code)
        .bind(&e.name)
        .bind(&e.category)
        .bind(&e.industry)
        .bind(&e.nature)
        .bind(&e.scale)
        .bind(&e.region_code)
        .bind(&e.filed_on)
        .bind(&e.status)
        .bind(&e.risk_class)
        .bind(e.complaint_count)
        .bind(&e.address);
    if let Some(id) = id {
        q = q.bind(id);
    }
    let done = q.execute(conn).await?;
    if done.rows_affected() == 0 {
        return Err(sqlx::Error::RowNotFound);
    }
    Ok(())
}
