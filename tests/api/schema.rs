//! The database: migrations on a fresh file, SQLite settings, demo data, the audit trail,
//! unique violations named, and the migrations' versions alike on both backends (their
//! schemas are compared in `schema_parity`).

use crate::helpers::{spawn_app, TempDir};
use app::domain::CreditCode;
use std::collections::{BTreeMap, BTreeSet};

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
