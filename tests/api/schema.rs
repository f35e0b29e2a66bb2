//! The database: migrations on a fresh file, SQLite settings, demo data, the audit trail,
//! and the PostgreSQL migrations kept in step with the SQLite ones.

use crate::helpers::{spawn_app, TempDir};
use app::domain::CreditCode;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AnyPool, Connection, PgConnection, PgPool};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

#[tokio::test]
async fn migrations_create_every_table_on_a_fresh_database() {
    let dir = TempDir::new("schema");
    let url = format!("sqlite://{}", dir.join("fresh.db").display());
    let db = app::ssr::db::connect(&url).await.unwrap();
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&db)
            .await
            .unwrap();
    let names: Vec<&str> = tables.iter().map(|(n,)| n.as_str()).collect();
    for t in [
        "annual_plans",
        "audit_log",
        "conflicts",
        "departments",
        "draw_attempts",
        "draw_pool",
        "draw_selections",
        "draw_team_members",
        "draws",
        "enterprises",
        "inspection_items",
        "inspection_results",
        "inspectors",
        "regions",
        "task_events",
        "task_items",
        "tasks",
        "users",
    ] {
        assert!(names.contains(&t), "table {t} missing: {names:?}");
    }
    // Running the migrations again is a no-op.
    app::ssr::db::SQLITE_MIGRATOR.run(&db).await.unwrap();
    let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&db).await.unwrap();
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(&db).await.unwrap();
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&db).await.unwrap();
    let (busy,): (i64,) = sqlx::query_as("PRAGMA busy_timeout").fetch_one(&db).await.unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 2, "synchronous=FULL");
    assert!(busy >= 1000);
}

#[tokio::test]
async fn demo_data_is_loaded_once_and_is_valid() {
    let app = spawn_app().await;
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&db).await.unwrap() }
    };
    let enterprises = count("SELECT count(*) FROM enterprises").await;
    assert!(enterprises > 500, "{enterprises} enterprises");
    // The 2023 plan's three tasks and a special inspection outside it, and a finished
    // 2022 task for the public portal.
    assert_eq!(count("SELECT count(*) FROM tasks t JOIN annual_plans p ON p.id = t.annual_plan_id WHERE p.year = 2023 AND t.source = 'plan'").await, 3);
    assert_eq!(count("SELECT count(*) FROM tasks WHERE source = 'special'").await, 1);
    assert_eq!(
        count("SELECT count(*) FROM tasks WHERE window_year = 2022 AND status = 'published'").await,
        1
    );
    assert!(count("SELECT count(*) FROM inspection_results WHERE published_at IS NOT NULL").await >= 4);
    assert!(count("SELECT count(*) FROM enterprises WHERE filed_on > '2023-01-31'").await > 20);
    assert_eq!(count("SELECT count(DISTINCT risk_class) FROM enterprises").await, 4);
    assert_eq!(count("SELECT count(DISTINCT region_code) FROM enterprises").await, 18);
    assert!(count("SELECT count(*) FROM inspectors WHERE valid_to < '2023-03-01'").await > 0);
    assert!(count("SELECT count(*) FROM conflicts").await > 0);
    let inspectors = count("SELECT count(*) FROM inspectors").await;
    assert!((35..=45).contains(&inspectors), "{inspectors} inspectors");
    let codes: Vec<(String, String)> =
        sqlx::query_as("SELECT credit_code, name FROM enterprises").fetch_all(&app.db).await.unwrap();
    for (code, name) in &codes {
        CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert!(name.contains("演示"), "demo names are clearly fictional: {name}");
    }
    // A second start on the same file does not load the demo again.
    assert!(!app::ssr::seed::demo::seed_if_empty(&app.db).await.unwrap());
    assert_eq!(count("SELECT count(*) FROM enterprises").await, enterprises);
}

#[tokio::test]
async fn the_demo_registry_is_reproducible() {
    use app::ssr::seed::demo::{synthetic_enterprise, SplitMix64};
    let gen = || {
        let mut rng = SplitMix64::new(7);
        (1..=50).map(|i| synthetic_enterprise(&mut rng, (i % 3) as usize, i).credit_code).collect::<Vec<_>>()
    };
    assert_eq!(gen(), gen());
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = spawn_app().await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&app.db).await.unwrap();
    assert!(n >= 3, "demo seed, freeze and draw are recorded: {n}");
    let upd = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 1").execute(&app.db).await;
    assert!(upd.unwrap_err().to_string().contains("append-only"));
    let del = sqlx::query("DELETE FROM audit_log").execute(&app.db).await;
    assert!(del.unwrap_err().to_string().contains("append-only"));
    // Each entry chains to the one before it.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT prev_hash, hash FROM audit_log ORDER BY seq")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows[0].0, app::ssr::db::audit::GENESIS);
    for w in rows.windows(2) {
        assert_eq!(w[1].0, w[0].1);
    }
}

#[tokio::test]
async fn constraints_refuse_bad_rows() {
    let app = spawn_app().await;
    let dup = sqlx::query(
        "INSERT INTO enterprises (credit_code, name, category, region_code, filed_on, risk_class) \
         SELECT credit_code, 'x', category, region_code, filed_on, risk_class FROM enterprises LIMIT 1",
    )
    .execute(&app.db)
    .await;
    let kind = |r: Result<_, sqlx::Error>| r.unwrap_err().as_database_error().map(|e| e.kind());
    assert_eq!(kind(dup), Some(sqlx::error::ErrorKind::UniqueViolation));
    let bad_validity = sqlx::query(
        "INSERT INTO inspectors (name, department_id, certificate_no, valid_from, valid_to) \
         VALUES ('x', 'swj-zfzd', 'C-1', '2024-01-01', '2023-01-01')",
    )
    .execute(&app.db)
    .await;
    assert_eq!(kind(bad_validity), Some(sqlx::error::ErrorKind::CheckViolation));
    let bad_region = sqlx::query(
        "INSERT INTO enterprises (credit_code, name, category, region_code, filed_on, risk_class) \
         VALUES ('91130402MA0000000X', 'x', 'c', '999999', '2020-01-01', 'A')",
    )
    .execute(&app.db)
    .await;
    assert_eq!(kind(bad_region), Some(sqlx::error::ErrorKind::ForeignKeyViolation));
}

/// What only one backend has, each with the reason; everything else must match by name:
/// the tables, each table's columns (in order, with NOT NULL), the indexes and triggers.
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

/// A schema as the parity test compares it.
#[derive(Default)]
struct Schema {
    /// "table x", "index y", "trigger z".
    objects: BTreeSet<String>,
    /// Each table's columns in order, with whether they are NOT NULL.
    columns: BTreeMap<String, Vec<(String, bool)>>,
}

async fn sqlite_schema(db: &AnyPool) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::default();
    let objects: Vec<(String, String)> = sqlx::query_as(
        "SELECT type, name FROM sqlite_master \
         WHERE type IN ('table', 'trigger') OR (type = 'index' AND sql IS NOT NULL)",
    )
    .fetch_all(db)
    .await?;
    for (kind, name) in objects {
        if kind == "table" {
            // A PRIMARY KEY column is NOT NULL on PostgreSQL; on SQLite only by intent.
            let columns: Vec<(String, i64)> =
                sqlx::query_as("SELECT name, \"notnull\" OR pk > 0 FROM pragma_table_info($1) ORDER BY cid")
                    .bind(&name)
                    .fetch_all(db)
                    .await?;
            schema.columns.insert(name.clone(), columns.into_iter().map(|(c, n)| (c, n != 0)).collect());
        }
        schema.objects.insert(format!("{kind} {name}"));
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
        let columns: Vec<(String, bool)> = sqlx::query_as(
            "SELECT column_name::text, is_nullable::text = 'NO' FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(db)
        .await?;
        schema.objects.insert(format!("table {name}"));
        schema.columns.insert(name, columns);
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
    Ok(schema)
}

/// Every way the two schemas differ beyond `ONE_BACKEND_ONLY`, one sentence each.
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
    for (table, columns) in &sqlite.columns {
        if let Some(theirs) = postgres.columns.get(table) {
            if columns != theirs {
                out.push(format!("{table}'s columns differ: SQLite {columns:?}, PostgreSQL {theirs:?}"));
            }
        }
    }
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

    let differences = schema_differences(&sqlite, &postgres);
    assert!(differences.is_empty(), "the PostgreSQL schema differs:\n{}", differences.join("\n"));
}

/// One helper tells which unique index a write broke, on both backends: by table and
/// columns, whatever the order, and nothing else.
#[tokio::test]
async fn unique_violations_are_named_by_table_and_columns() {
    use app::ssr::db::unique::{violates, OnUnique};
    let app = crate::helpers::spawn_app().await;
    let dup_task = sqlx::query(
        "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, scope_text, \
         initiating_department_id, window_year, window_start_month, window_end_month, status, position) \
         SELECT annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, scope_text, \
         initiating_department_id, window_year, window_start_month, window_end_month, 'draft', 99 FROM tasks WHERE id = 1",
    )
    .execute(&app.db)
    .await
    .unwrap_err();
    assert!(violates(&dup_task, "tasks", &["plan_no", "task_no"]), "{dup_task:?}");
    assert!(violates(&dup_task, "tasks", &["task_no", "plan_no"]), "any order");
    assert!(!violates(&dup_task, "tasks", &["plan_no"]), "not another index");
    assert!(!violates(&dup_task, "draws", &["plan_no", "task_no"]), "not another table");
    let dup_user = sqlx::query(
        "INSERT INTO users (username, display_name, password_hash, role) VALUES ('admin', 'x', 'x', 'admin')",
    )
    .execute(&app.db)
    .await
    .unwrap_err();
    assert!(violates(&dup_user, "users", &["username"]), "{dup_user:?}");
    assert!(!violates(&dup_user, "tasks", &["plan_no", "task_no"]));
    // Other errors pass through untouched.
    let other = sqlx::query("SELECT * FROM no_such_table").execute(&app.db).await.unwrap_err();
    assert!(!violates(&other, "users", &["username"]));
    let mapped = Err::<(), _>(dup_user)
        .on_unique("users", &["username"], || app::error::AppError::invalid("username", "用户名已存在"));
    assert_eq!(mapped.unwrap_err().status(), 400);
}

/// Every migration has a version of its own, and both backends have the same versions
/// under the same names (two branches once added the same version: sqlx then refuses to
/// open any database).
#[test]
fn migration_versions_are_unique_and_alike_on_both_backends() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut seen: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for backend in ["sqlite", "postgres"] {
        let mut versions = BTreeSet::new();
        for entry in std::fs::read_dir(dir.join(backend)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let version = name.split('_').next().unwrap().to_string();
            assert!(versions.insert(version.clone()), "{backend}: two migrations share version {version}");
            seen.entry(backend).or_default().insert(name);
        }
    }
    assert_eq!(seen["sqlite"], seen["postgres"], "the same migrations on both backends");
}
