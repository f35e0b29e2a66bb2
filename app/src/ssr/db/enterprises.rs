//! 检查对象名录库 — enterprises: the registry table's query, one record, and bulk upsert.

use crate::domain::registry::{
    EnterpriseQuery, EnterpriseRecord, EnterpriseRow, COUNT_CAP, PAGE_SIZE, SHORT_TEXT_COUNT_CAP,
};
use crate::ssr::db::{Backend, QueryBuilder};
use sqlx::AnyConnection;
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
    /// Three or more characters found in few names: the ids the trigram index gave, as a
    /// JSON array (looked up once, then reused by the count and the page).
    Trigram(String),
    /// One or two characters, or a common word: a substring test on each row read.
    Like(&'a str),
}

/// A trigram search matching more names than this reads the table in page order instead
/// of collecting every match first.
const TRIGRAM_SELECTIVE: i64 = 5_000;

/// Above this many matches the page is read along the sort column's index, testing each
/// row, rather than collecting and sorting every match: with so many matches the first
/// 50 come soon, and sorting them all would cost more.
const WALK_ABOVE: i64 = 5_000;

async fn text_of<'a>(conn: &mut AnyConnection, q: &'a str) -> Result<Text<'a>, sqlx::Error> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Text::None);
    }
    let upper = q.to_ascii_uppercase();
    if q.len() >= 4 && upper.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return Ok(Text::CodePrefix(upper));
    }
    // PostgreSQL's trigram index serves `ILIKE '%…%'` itself.
    if q.chars().count() < 3 || Backend::of(conn).is_postgres() {
        return Ok(Text::Like(q));
    }
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT rowid FROM enterprise_names WHERE enterprise_names MATCH $1 LIMIT $2")
            .bind(phrase(q))
            .bind(TRIGRAM_SELECTIVE + 1)
            .fetch_all(conn)
            .await?;
    Ok(if ids.len() as i64 > TRIGRAM_SELECTIVE {
        Text::Like(q)
    } else {
        Text::Trigram(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
    })
}

/// An FTS5 phrase: the text quoted, so its characters are matched as written.
fn phrase(t: &str) -> String {
    format!("\"{}\"", t.replace('"', "\"\""))
}

/// The sort column: the query's, or the credit code when the search is the start of one.
fn sort_of(q: &EnterpriseQuery, text: &Text<'_>) -> &'static str {
    if q.sort.is_empty() && matches!(text, Text::CodePrefix(_)) {
        "credit_code"
    } else {
        q.sort_column()
    }
}

/// `WHERE` with every filter of `q`. With `walk` (SQLite only), filters on other columns
/// than `sort` are written `+e.column` so that SQLite cannot use their indexes and reads
/// the sort column's index in order instead.
fn push_filters<'a>(
    backend: Backend,
    b: &mut QueryBuilder<'a>,
    q: &'a EnterpriseQuery,
    text: &Text<'a>,
    walk: Option<&str>,
) {
    let col = |c: &str| match walk {
        // (region_code, name) is read in name order within a district.
        Some("name") if c == "region_code" => format!("e.{c}"),
        Some(sort) if sort != c => format!("+e.{c}"),
        _ => format!("e.{c}"),
    };
    b.push(" WHERE 1 = 1");
    match text {
        Text::None => {}
        Text::CodePrefix(p) => {
            // A range on the unique index; `~` sorts after every code character.
            let c = col("credit_code");
            b.push(format!(" AND {c} >= "))
                .push_bind(p.clone())
                .push(format!(" AND {c} < "))
                .push_bind(format!("{p}~"));
        }
        Text::Trigram(ids) => {
            b.push(" AND e.id IN (SELECT value FROM json_each(").push_bind(ids.clone()).push("))");
        }
        Text::Like(t) => push_contains(backend, b, "e.name", t),
    }
    // A category or industry typed in part (“二手车”) finds the ones containing it: a known
    // category is matched by equality (its index serves), one typed in part by the known
    // categories containing it, anything else (and any industry) by a pattern.
    let category = q.category.trim();
    let known: Vec<&str> =
        crate::domain::enterprise::CATEGORIES.iter().copied().filter(|c| c.contains(category)).collect();
    if category.is_empty() {
        // No filter.
    } else if known.contains(&category) {
        b.push(format!(" AND {} = ", col("category"))).push_bind(category.to_owned());
    } else if !known.is_empty() {
        b.push(format!(" AND {} IN (", col("category")));
        for (i, c) in known.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.push_bind(c.to_string());
        }
        b.push(")");
    } else {
        push_contains(backend, b, &col("category"), category);
    }
    if !q.industry.trim().is_empty() {
        push_contains(backend, b, &col("industry"), q.industry.trim());
    }
    for (column, value) in [
        ("nature", &q.nature),
        ("scale", &q.scale),
        ("region_code", &q.region),
        ("status", &q.status),
        ("risk_class", &q.risk),
    ] {
        if !value.is_empty() {
            b.push(format!(" AND {} = ", col(column))).push_bind(value.as_str());
        }
    }
    if !q.filed_from.is_empty() {
        b.push(format!(" AND {} >= ", col("filed_on"))).push_bind(q.filed_from.as_str());
    }
    if !q.filed_to.is_empty() {
        b.push(format!(" AND {} <= ", col("filed_on"))).push_bind(q.filed_to.as_str());
    }
}

/// `AND column LIKE '%text%'`, the text's wildcards taken literally.
fn push_contains(backend: Backend, b: &mut QueryBuilder<'_>, column: &str, text: &str) {
    let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    b.push(format!(" AND {column} {} ", backend.like())).push_bind(pattern).push(" ESCAPE '\\'");
}

/// One page of the filtered, sorted table, the number of matches counted up to a cap,
/// and that cap ([`COUNT_CAP`], or [`SHORT_TEXT_COUNT_CAP`] for a scan).
pub async fn page(
    conn: &mut AnyConnection,
    q: &EnterpriseQuery,
) -> Result<(Vec<EnterpriseRow>, i64, i64), sqlx::Error> {
    let backend = Backend::of(conn);
    let text = text_of(&mut *conn, &q.q).await?;
    let cap =
        if matches!(text, Text::Like(t) if t.chars().count() < 3) { SHORT_TEXT_COUNT_CAP } else { COUNT_CAP };
    let mut count = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM enterprises e");
    push_filters(backend, &mut count, q, &text, None);
    count.push(" LIMIT ").push_bind(cap + 1).push(") AS matches");
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let sort = sort_of(q, &text);
    // PostgreSQL's planner weighs the sort index against the filters' by itself.
    let walk = (total > WALK_ABOVE.min(cap) && !backend.is_postgres()).then_some(sort);
    let offset = i64::from(q.page.max(1) - 1) * i64::from(PAGE_SIZE);
    let mut rows = select(backend, q, &text, sort, walk);
    rows.push(" LIMIT ").push_bind(i64::from(PAGE_SIZE)).push(" OFFSET ").push_bind(offset);
    Ok((rows.build_query_as().fetch_all(&mut *conn).await?, total, cap))
}

/// Every enterprise the filters give, in the table's order (for export).
pub async fn all(conn: &mut AnyConnection, q: &EnterpriseQuery) -> Result<Vec<EnterpriseRow>, sqlx::Error> {
    let backend = Backend::of(conn);
    let text = text_of(&mut *conn, &q.q).await?;
    let sort = sort_of(q, &text);
    select(backend, q, &text, sort, None).build_query_as().fetch_all(conn).await
}

fn select<'a>(
    backend: Backend,
    q: &'a EnterpriseQuery,
    text: &Text<'a>,
    sort: &str,
    walk: Option<&str>,
) -> QueryBuilder<'a> {
    let mut b = QueryBuilder::new(format!("SELECT e.id, {}, e.updated_at FROM enterprises e", prefixed()));
    push_filters(backend, &mut b, q, text, walk);
    let dir = if q.desc { "DESC" } else { "ASC" };
    // The id breaks ties so that pages never overlap (and matches each index's order).
    b.push(format!(" ORDER BY e.{sort} {dir}, e.id {dir}"));
    b
}

fn prefixed() -> String {
    COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ")
}

/// One enterprise by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<EnterpriseRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT e.id, {}, e.updated_at FROM enterprises e WHERE e.id = $1", prefixed()))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The stored records of those `codes` that exist, by credit code, with their ids.
pub async fn existing(
    conn: &mut AnyConnection,
    codes: &[&str],
) -> Result<HashMap<String, (i64, EnterpriseRecord)>, sqlx::Error> {
    let select = format!("SELECT e.id, {}, e.updated_at FROM enterprises e", prefixed());
    let rows: Vec<EnterpriseRow> =
        super::rows_with_keys(conn, &select, "e.credit_code", codes, BATCH).await?;
    Ok(rows.into_iter().map(|r| (r.record.credit_code.clone(), (r.id, r.record))).collect())
}

/// Inserts the new and updates the existing (by credit code), in multi-row statements.
/// The trigram index of the new rows is written once, after them (see the migration
/// `enterprise_names_bulk`). Call it inside a transaction: no other connection may see
/// the insert trigger paused.
pub async fn upsert(conn: &mut AnyConnection, records: &[&EnterpriseRecord]) -> Result<(), sqlx::Error> {
    let backend = Backend::of(conn);
    if backend.is_postgres() {
        // No trigram table to defer: PostgreSQL keeps its index of `name` itself.
        return upsert_rows(conn, records, backend).await;
    }
    // Written first, so that this transaction holds the write lock and no other insert can
    // come between reading the largest id and writing the rows above it.
    let since: i64 = sqlx::query_scalar(
        "INSERT INTO enterprise_names_deferred (since_id) \
         SELECT coalesce(max(id), 0) FROM enterprises RETURNING since_id",
    )
    .fetch_one(&mut *conn)
    .await?;
    upsert_rows(&mut *conn, records, backend).await?;
    // Updated rows kept the update trigger; the new ones are those above `since`.
    sqlx::query("INSERT INTO enterprise_names (rowid, name) SELECT id, name FROM enterprises WHERE id > $1")
        .bind(since)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM enterprise_names_deferred").execute(&mut *conn).await?;
    Ok(())
}

/// The multi-row `INSERT … ON CONFLICT DO UPDATE` statements of [`upsert`].
async fn upsert_rows(
    conn: &mut AnyConnection,
    records: &[&EnterpriseRecord],
    backend: Backend,
) -> Result<(), sqlx::Error> {
    // In name order, the two name indexes take the rows one after another instead of all
    // over; names start with the district, as credit codes carry its division code, so the
    // code and region indexes get runs too. Each index page is then split and written while
    // it is in the cache, not fetched again later.
    let mut records = records.to_vec();
    records.sort_by(|a, b| a.name.cmp(&b.name));
    for chunk in records.chunks(BATCH) {
        let mut b = QueryBuilder::for_backend(backend, format!("INSERT INTO enterprises ({COLUMNS}) "));
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
             address = excluded.address, updated_at = ",
        );
        b.push(backend.now_sql());
        b.build().execute(&mut *conn).await?;
        super::crash::point("import:mid-rows");
    }
    Ok(())
}

/// Inserts a new enterprise (`id` = `None`) or overwrites enterprise `id`.
pub async fn write(
    conn: &mut AnyConnection,
    id: Option<i64>,
    e: &EnterpriseRecord,
) -> Result<i64, sqlx::Error> {
    let sql = match id {
        None => format!(
            "INSERT INTO enterprises ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id"
        ),
        Some(_) => format!(
            "UPDATE enterprises SET credit_code = $1, name = $2, category = $3, industry = $4, nature = $5, \
             scale = $6, region_code = $7, filed_on = $8, status = $9, risk_class = $10, complaint_count = $11, \
             address = $12, updated_at = {} WHERE id = $13 RETURNING id",
            Backend::of(conn).now_sql()
        ),
    };
    let mut q = sqlx::query_scalar::<_, i64>(&sql)
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
    q.fetch_optional(conn).await?.ok_or(sqlx::Error::RowNotFound)
}
