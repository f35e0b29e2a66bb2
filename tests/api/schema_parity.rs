//! The PostgreSQL migrations kept in step with the SQLite ones: the same tables, and in
//! each the same columns (in order, NOT NULL, type and default, each normalised), primary
//! key, unique column sets, foreign keys (with their ON DELETE), CHECK constraints (the
//! columns and literals each names), and the same named indexes (columns, unique,
//! partial) and triggers, apart from a listed few.

use crate::helpers::TempDir;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AnyPool, Connection, PgConnection, PgPool};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

/// What only one backend has, each with the reason; everything else must match.
const ONE_BACKEND_ONLY: &[(&str, &str)] = &[
    ("table enterprise_names", "SQLite: the FTS5 trigram index of names; PostgreSQL uses pg_trgm"),
    ("table enterprise_names_config", "SQLite: a shadow table of that FTS5 index"),
    ("table enterprise_names_data", "SQLite: a shadow table of that FTS5 index"),
    ("table enterprise_names_docsize", "SQLite: a shadow table of that FTS5 index"),
    ("table enterprise_names_idx", "SQLite: a shadow table of that FTS5 index"),
    ("table enterprise_names_deferred", "SQLite: lets an import write the FTS5 rows in one statement"),
    ("trigger enterprise_names_insert", "SQLite: keeps the FTS5 index in step"),
    ("trigger enterprise_names_update", "SQLite: keeps the FTS5 index in step"),
    ("trigger enterprise_names_delete", "SQLite: keeps the FTS5 index in step"),
    ("table sqlite_sequence", "SQLite: AUTOINCREMENT's counter; an identity column keeps its own"),
    ("index ix_enterprise_name_trigram", "PostgreSQL: the GIN trigram index that replaces FTS5"),
    ("trigger audit_log_no_truncate", "PostgreSQL: TRUNCATE skips row triggers; SQLite has none"),
];

/// Differences of detail accepted on tables both have, each with the reason: the exact
/// line `schema_differences` would print, so a new difference is never let through by
/// an old entry.
const ACCEPTED: &[(&str, &str)] = &[
    (
        "_sqlx_migrations.installed_on: SQLite (\"installed_on\", true, \"timestamp\", Some(\"current_timestamp\")), \
         PostgreSQL (\"installed_on\", true, \"timestamp\", Some(\"now\"))",
        "sqlx's own bookkeeping table, which sqlx creates for each backend in its own words",
    ),
    (
        "departments: check (id) strings {\"*[^!-~]*\"} numbers {\"1\", \"64\"} is only on SQLite",
        "NOT GLOB '*[^!-~]*' (SQLite) and !~ '[^!-~]' (PostgreSQL) both refuse any character \
         outside printable ASCII",
    ),
    (
        "departments: check (id) strings {\"[^!-~]\"} numbers {\"1\", \"64\"} is only on PostgreSQL",
        "the same CHECK, as PostgreSQL writes it",
    ),
    (
        "inspectors: check (certificate_no) strings {\"*[^!-~]*\"} numbers {\"1\", \"64\"} is only on SQLite",
        "the same GLOB as departments.id's, on the certificate number",
    ),
    (
        "inspectors: check (certificate_no) strings {\"[^!-~]\"} numbers {\"1\", \"64\"} is only on PostgreSQL",
        "the same CHECK, as PostgreSQL writes it",
    ),
];

/// One column as compared: name, NOT NULL, normalised type, normalised default.
type Column = (String, bool, &'static str, Option<String>);

/// One table as compared.
#[derive(Default, Debug, PartialEq)]
struct Table {
    columns: Vec<Column>,
    primary_key: Vec<String>,
    /// Each UNIQUE constraint or unique index: its columns, and " WHERE" if partial.
    unique: BTreeSet<String>,
    /// `cols -> table(cols) ON DELETE action`.
    foreign_keys: BTreeSet<String>,
    /// Each CHECK: the table's columns it names, then its literals, all sorted.
    checks: BTreeSet<String>,
}

/// A schema as the parity test compares it.
#[derive(Default)]
struct Schema {
    /// "table x", "index y", "trigger z".
    objects: BTreeSet<String>,
    tables: BTreeMap<String, Table>,
    /// Each named index (not one behind a constraint): its table, columns, unique, partial.
    indexes: BTreeMap<String, String>,
}

/// A declared type as one of a few kinds, whatever each backend calls it.
fn type_kind(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") || t.contains("SERIAL") {
        "integer"
    } else if t.contains("CHAR") || t.contains("TEXT") || t.contains("CLOB") {
        "text"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "real"
    } else if t.contains("BLOB") || t.contains("BYTEA") {
        "bytes"
    } else if t.contains("BOOL") {
        "boolean"
    } else if t.contains("NUMERIC") || t.contains("DECIMAL") {
        "numeric"
    } else if t.contains("TIME") || t.contains("DATE") {
        "timestamp"
    } else if t.contains("JSON") {
        "json"
    } else if t.is_empty() {
        "none"
    } else {
        "other"
    }
}

/// A default as one text: casts, outer parentheses and case gone; the current time as
/// UTC text, however written, is `now`; an identity's sequence is no default.
fn default_kind(default: Option<&str>) -> Option<String> {
    let d = default?.trim();
    if d.starts_with("nextval(") {
        return None;
    }
    if (d.contains("strftime(") && d.contains("'now'")) || d.contains("now()") {
        return Some("now".into());
    }
    let mut d = d.to_string();
    while d.starts_with('(') && d.ends_with(')') {
        d = d[1..d.len() - 1].trim().to_string();
    }
    // PostgreSQL writes `'x'::text`, `0::bigint`, `'{}'::character varying`.
    if let Some(i) = d.find("::") {
        d.truncate(i);
    }
    let d = d.trim_start_matches('(').trim_end_matches(')').trim();
    Some(if d.starts_with('\'') { d.to_string() } else { d.to_ascii_lowercase() })
}

/// The text of SQL without its comments, and its string literals apart.
fn strip_sql(sql: &str) -> (String, Vec<String>) {
    let (mut code, mut literals) = (String::new(), Vec::new());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        code.push('\n');
                        break;
                    }
                }
            }
            '\'' => {
                let mut lit = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            lit.push('\'');
                        }
                        Some('\'') | None => break,
                        Some(c) => lit.push(c),
                    }
                }
                code.push_str(&format!("'#{}'", literals.len()));
                literals.push(lit);
            }
            c => code.push(c),
        }
    }
    (code, literals)
}

/// The CHECK clauses in a `CREATE TABLE` (the text between the parentheses after each
/// CHECK), with the string literals they hold.
fn sqlite_checks(sql: &str) -> Vec<(String, Vec<String>)> {
    let (code, literals) = strip_sql(sql);
    let upper = code.to_ascii_uppercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at;
        from = start + 5;
        let before = upper[..start].chars().last().unwrap_or(' ');
        if before.is_ascii_alphanumeric() || before == '_' {
            continue;
        }
        let Some(open) = code[from..].find('(').map(|i| from + i) else { break };
        if !code[from..open].trim().is_empty() {
            continue;
        }
        let mut depth = 0;
        let mut end = open;
        for (i, c) in code[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = code[open + 1..end].to_string();
        let lits = literals_in(&body, &literals);
        out.push((body, lits));
        from = end;
    }
    out
}

/// The literals a stripped text refers to (`'#n'`).
fn literals_in(code: &str, literals: &[String]) -> Vec<String> {
    code.split("'#")
        .skip(1)
        .filter_map(|rest| rest.split('\'').next()?.parse::<usize>().ok())
        .map(|n| literals[n].clone())
        .collect()
}

/// A CHECK as compared: the columns of `columns` it names and its literals (strings and
/// numbers), each sorted.
fn check_key(code: &str, literals: &[String], columns: &[Column]) -> String {
    // Without the literals' places (`'#n'`), whose numbers are not the CHECK's.
    let mut bare = String::new();
    for (i, part) in code.split("'#").enumerate() {
        bare.push_str(if i == 0 { part } else { part.split_once('\'').map_or(part, |(_, rest)| rest) });
        bare.push(' ');
    }
    // Without PostgreSQL's casts (`'x'::text`), whose type names are not columns.
    let bare: String = bare
        .split("::")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let words: BTreeSet<&str> =
        bare.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
    let named: BTreeSet<&str> = columns.iter().map(|c| c.0.as_str()).filter(|c| words.contains(c)).collect();
    let numbers: BTreeSet<&str> =
        words.iter().copied().filter(|w| w.chars().all(|c| c.is_ascii_digit())).collect();
    let strings: BTreeSet<&String> = literals.iter().collect();
    format!("({}) strings {strings:?} numbers {numbers:?}", named.into_iter().collect::<Vec<_>>().join(","))
}

async fn sqlite_schema(db: &AnyPool) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let objects: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_master \
         WHERE type IN ('table', 'trigger') OR (type = 'index' AND sql IS NOT NULL)",
    )
    .fetch_all(db)
    .await?;
    for (kind, name, sql) in objects {
        schema.objects.insert(format!("{kind} {name}"));
        if kind != "table" || name.starts_with("enterprise_names") || name == "sqlite_sequence" {
            continue;
        }
        let mut table = Table::default();
        // A PRIMARY KEY column is NOT NULL on PostgreSQL; on SQLite only by intent.
        let columns: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\" OR pk > 0, dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(db)
        .await?;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, default, in_pk) in columns {
            if in_pk > 0 {
                pk.push((in_pk, column.clone()));
            }
            table.columns.push((
                column,
                not_null != 0,
                type_kind(&declared),
                default_kind(default.as_deref()),
            ));
        }
        pk.sort();
        table.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes: Vec<(String, i64, String, i64)> =
            sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(db)
                .await?;
        for (index, unique, origin, partial) in indexes {
            let columns: Vec<(Option<String>,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(db)
                    .await?;
            let columns: Vec<String> =
                columns.into_iter().map(|(c,)| c.unwrap_or_else(|| "<expr>".into())).collect();
            let (columns, partial) = (columns.join(","), if partial != 0 { " WHERE" } else { "" });
            if unique != 0 && origin != "pk" {
                table.unique.insert(format!("{columns}{partial}"));
            }
            if origin == "c" {
                let unique = if unique != 0 { "UNIQUE " } else { "" };
                schema.indexes.insert(index, format!("{unique}{name}({columns}){partial}"));
            }
        }
        let fks: Vec<(i64, i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(db)
        .await?;
        // By key id: (columns, referenced table, referenced columns, ON DELETE).
        type Key = (Vec<String>, String, Vec<Option<String>>, String);
        let mut by_id: BTreeMap<i64, Key> = BTreeMap::new();
        for (id, _, target, from, to, on_delete) in fks {
            let e = by_id.entry(id).or_insert_with(|| (Vec::new(), target, Vec::new(), on_delete));
            e.0.push(from);
            e.2.push(to);
        }
        for (from, target, to, on_delete) in by_id.into_values() {
            // `REFERENCES t` without columns means t's primary key.
            let to: Vec<String> = if to.iter().all(Option::is_none) {
                let pk: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
                        .bind(&target)
                        .fetch_all(db)
                        .await?;
                pk.into_iter().map(|(c,)| c).collect()
            } else {
                to.into_iter().flatten().collect()
            };
            table.foreign_keys.insert(format!(
                "{} -> {target}({}) ON DELETE {}",
                from.join(","),
                to.join(","),
                on_delete.to_ascii_uppercase()
            ));
        }
        for (code, literals) in sqlite_checks(sql.as_deref().unwrap_or("")) {
            table.checks.insert(check_key(&code, &literals, &table.columns));
        }
        schema.tables.insert(name, table);
    }
    Ok(schema)
}

async fn postgres_schema(db: &PgPool) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .fetch_all(db)
    .await?;
    for (name,) in tables {
        let mut table = Table::default();
        let columns: Vec<(String, bool, String, Option<String>)> = sqlx::query_as(
            "SELECT column_name::text, is_nullable::text = 'NO', data_type::text, column_default::text \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(db)
        .await?;
        table.columns = columns
            .into_iter()
            .map(|(c, not_null, t, default)| (c, not_null, type_kind(&t), default_kind(default.as_deref())))
            .collect();
        schema.objects.insert(format!("table {name}"));
        schema.tables.insert(name, table);
    }
    // Indexes written as such, not those behind a PRIMARY KEY or UNIQUE constraint (SQLite
    // lists those without SQL); triggers written as such, not those behind foreign keys.
    let others: Vec<(String,)> = sqlx::query_as(
        "SELECT 'index ' || i.relname FROM pg_index x \
           JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relnamespace = current_schema()::regnamespace \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
         UNION ALL \
         SELECT 'trigger ' || g.tgname FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid \
         WHERE t.relnamespace = current_schema()::regnamespace AND NOT g.tgisinternal",
    )
    .fetch_all(db)
    .await?;
    schema.objects.extend(others.into_iter().map(|(o,)| o));

    let indexes: Vec<(String, String, bool, bool, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, x.indisunique, x.indisprimary, x.indpred IS NOT NULL, \
           EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid), \
           array_to_string(ARRAY(SELECT coalesce(a.attname::text, '<expr>') \
             FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n), ',') \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relnamespace = current_schema()::regnamespace",
    )
    .fetch_all(db)
    .await?;
    for (table_name, index, unique, primary, partial, by_constraint, columns) in indexes {
        let Some(table) = schema.tables.get_mut(&table_name) else { continue };
        let partial = if partial { " WHERE" } else { "" };
        if primary {
            table.primary_key = columns.split(',').map(String::from).collect();
        } else if unique {
            table.unique.insert(format!("{columns}{partial}"));
        }
        if !by_constraint {
            let unique = if unique { "UNIQUE " } else { "" };
            schema.indexes.insert(index, format!("{unique}{table_name}({columns}){partial}"));
        }
    }

    let constraints: Vec<(String, String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT t.relname::text, c.contype::text, \
           array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), ','), \
           r.relname::text, \
           array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) \
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n), ','), \
           CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' \
             WHEN 'd' THEN 'SET DEFAULT' WHEN 'a' THEN 'NO ACTION' ELSE '' END \
           || chr(10) || pg_get_constraintdef(c.oid) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid \
         WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('f', 'c')",
    )
    .fetch_all(db)
    .await?;
    for (table_name, kind, from, target, to, rest) in constraints {
        let Some(table) = schema.tables.get_mut(&table_name) else { continue };
        let (on_delete, definition) = rest.split_once('\n').unwrap_or_default();
        if kind == "f" {
            let target = target.unwrap_or_default();
            table.foreign_keys.insert(format!("{from} -> {target}({to}) ON DELETE {on_delete}"));
        } else {
            let (code, literals) = strip_sql(definition);
            let literals = literals_in(&code, &literals);
            table.checks.insert(check_key(&code, &literals, &table.columns));
        }
    }
    Ok(schema)
}

/// Every way the two schemas differ beyond `ONE_BACKEND_ONLY` and `ACCEPTED`, one
/// sentence each.
fn schema_differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let allowed: BTreeSet<&str> = ONE_BACKEND_ONLY.iter().map(|(o, _)| *o).collect();
    let mut out = Vec::new();
    for o in sqlite.objects.difference(&postgres.objects) {
        if !allowed.contains(o.as_str()) {
            out.push(format!("{o} is only on SQLite"));
        }
    }
    for o in postgres.objects.difference(&sqlite.objects) {
        if !allowed.contains(o.as_str()) {
            out.push(format!("{o} is only on PostgreSQL"));
        }
    }
    for o in &allowed {
        if sqlite.objects.contains(*o) == postgres.objects.contains(*o) {
            out.push(format!("{o} is listed in ONE_BACKEND_ONLY but is on both or neither"));
        }
    }
    for (name, ours) in &sqlite.tables {
        let Some(theirs) = postgres.tables.get(name) else { continue };
        if ours.columns.len() != theirs.columns.len()
            || ours.columns.iter().zip(&theirs.columns).any(|(a, b)| a.0 != b.0)
        {
            let names = |t: &Table| t.columns.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
            out.push(format!(
                "{name}'s columns differ: SQLite {:?}, PostgreSQL {:?}",
                names(ours),
                names(theirs)
            ));
            continue;
        }
        for (a, b) in ours.columns.iter().zip(&theirs.columns) {
            if a != b {
                out.push(format!("{name}.{}: SQLite {a:?}, PostgreSQL {b:?}", a.0));
            }
        }
        if ours.primary_key != theirs.primary_key {
            out.push(format!(
                "{name}'s primary key: SQLite {:?}, PostgreSQL {:?}",
                ours.primary_key, theirs.primary_key
            ));
        }
        let sets = [
            ("unique", &ours.unique, &theirs.unique),
            ("foreign key", &ours.foreign_keys, &theirs.foreign_keys),
            ("check", &ours.checks, &theirs.checks),
        ];
        for (what, a, b) in sets {
            for x in a.difference(b) {
                out.push(format!("{name}: {what} {x} is only on SQLite"));
            }
            for x in b.difference(a) {
                out.push(format!("{name}: {what} {x} is only on PostgreSQL"));
            }
        }
    }
    for (index, ours) in &sqlite.indexes {
        if let Some(theirs) = postgres.indexes.get(index) {
            if ours != theirs {
                out.push(format!("index {index}: SQLite {ours}, PostgreSQL {theirs}"));
            }
        }
    }
    let accepted: BTreeSet<&str> = ACCEPTED.iter().map(|(d, _)| *d).collect();
    let unused: Vec<String> = accepted
        .iter()
        .filter(|a| !out.iter().any(|d| d == *a))
        .map(|a| format!("{a} is ACCEPTED but no longer differs"))
        .collect();
    out.retain(|d| !accepted.contains(d.as_str()));
    out.extend(unused);
    out
}

#[tokio::test]
async fn postgres_migrations_give_the_same_schema_as_sqlite() {
    let Ok(url) = std::env::var("SHUANGSUI_TEST_PG") else {
        println!("skipped: SHUANGSUI_TEST_PG is not set (make test sets it and starts PostgreSQL)");
        return;
    };
    let postgres_migrations = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres"
    )))
    .await
    .unwrap();
    let versions = |m: &sqlx::migrate::Migrator| {
        m.iter().map(|m| (m.version, m.description.to_string())).collect::<Vec<_>>()
    };
    assert_eq!(
        versions(&postgres_migrations),
        versions(&app::ssr::db::SQLITE_MIGRATOR),
        "one twin per migration"
    );

    let dir = TempDir::new("parity");
    let sqlite =
        app::ssr::db::connect(&format!("sqlite://{}", dir.join("parity.db").display())).await.unwrap();
    let sqlite = sqlite_schema(&sqlite).await.unwrap();

    // A throwaway database, UTF-8 whatever the cluster's default, dropped even on failure.
    let admin = PgConnectOptions::from_str(&url).unwrap();
    let mut conn = PgConnection::connect_with(&admin).await.unwrap_or_else(|e| {
        panic!("cannot reach PostgreSQL at SHUANGSUI_TEST_PG ({e}); scripts/setup.sh test starts it")
    });
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let name = format!("shuangsui_parity_{}_{nanos}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
        .execute(&mut conn)
        .await
        .unwrap();
    let postgres = async {
        let db = PgPoolOptions::new().max_connections(1).connect_with(admin.clone().database(&name)).await?;
        postgres_migrations.run(&db).await?;
        let schema = postgres_schema(&db).await?;
        db.close().await;
        Ok::<_, Box<dyn std::error::Error>>(schema)
    }
    .await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    let postgres = postgres.unwrap();

    // The comparison sees something on every axis (a broken query would see nothing).
    let tasks = &sqlite.tables["tasks"];
    assert!(!tasks.foreign_keys.is_empty() && !tasks.checks.is_empty() && !tasks.unique.is_empty());
    assert!(tasks.columns.iter().any(|c| c.3.is_some()), "defaults are read");
    assert_eq!(sqlite.tables["tasks"].columns.len(), postgres.tables["tasks"].columns.len());
    assert!(!sqlite.indexes.is_empty());

    let count = |f: fn(&Table) -> usize| sqlite.tables.values().map(f).sum::<usize>();
    println!(
        "compared {} tables: {} columns, {} unique sets, {} foreign keys, {} checks; {} named indexes",
        sqlite.tables.len(),
        count(|t| t.columns.len()),
        count(|t| t.unique.len()),
        count(|t| t.foreign_keys.len()),
        count(|t| t.checks.len()),
        sqlite.indexes.len()
    );
    let differences = schema_differences(&sqlite, &postgres);
    assert!(differences.is_empty(), "the PostgreSQL schema differs:\n{}", differences.join("\n"));
}

/// The normalisations say alike what the two backends write alike, and apart what differs.
#[test]
fn types_defaults_and_checks_are_normalised() {
    assert_eq!(type_kind("INTEGER"), type_kind("bigint"));
    assert_eq!(type_kind("TEXT"), type_kind("character varying"));
    assert_eq!(type_kind("BLOB"), type_kind("bytea"));
    assert_eq!(type_kind("REAL"), type_kind("double precision"));
    assert_ne!(type_kind("INTEGER"), type_kind("text"));
    assert_eq!(default_kind(Some("''")), default_kind(Some("''::text")));
    assert_eq!(default_kind(Some("'draft'")), default_kind(Some("'draft'::text")));
    assert_eq!(default_kind(Some("0")), default_kind(Some("0")));
    assert_ne!(default_kind(Some("0")), default_kind(Some("1")));
    assert_ne!(default_kind(Some("'a'")), default_kind(Some("'A'::text")));
    assert_eq!(
        default_kind(Some("(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")),
        default_kind(Some(
            "to_char((now() AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'::text)"
        ))
    );
    assert_eq!(default_kind(Some("nextval('x_id_seq'::regclass)")), None);
    let columns: Vec<Column> = ["kind", "day"].iter().map(|c| (c.to_string(), true, "text", None)).collect();
    let sqlite = sqlite_checks(
        "CREATE TABLE t (day TEXT CHECK (length(day) = 10), -- a check (not one)\n \
         kind TEXT CHECK (kind IN ('holiday', 'workday')))",
    );
    assert_eq!(sqlite.len(), 2);
    let pg = |def: &str| {
        let (code, literals) = strip_sql(def);
        check_key(&code, &literals_in(&code, &literals), &columns)
    };
    assert_eq!(check_key(&sqlite[0].0, &sqlite[0].1, &columns), pg("CHECK ((length(day) = 10))"));
    assert_eq!(
        check_key(&sqlite[1].0, &sqlite[1].1, &columns),
        pg("CHECK ((kind = ANY (ARRAY['holiday'::text, 'workday'::text])))")
    );
    assert_ne!(
        check_key(&sqlite[1].0, &sqlite[1].1, &columns),
        pg("CHECK ((kind = ANY (ARRAY['holiday'::text])))"),
        "a value allowed on one backend only"
    );
}
