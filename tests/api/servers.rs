//! Several servers on one database (a SQLite file, or with SHUANGSUI_TEST_DB=postgres a
//! PostgreSQL database): each `shuangsui serve` process has its own connection pool, so
//! two pools race exactly as two processes do (the write lock is the database's), and two
//! real processes are raced too. A task is frozen and drawn once, the loser's attempt is
//! refused and recorded (not a database error), and the audit chain stays one unbroken
//! chain. Also: sessions across servers, backups, and `copy-db` into PostgreSQL.

use crate::helpers::{hold_write_lock, spawn_app, today, wait_for_racers, ServerProcess, TestApp};
use app::domain::audit::Actor;
use app::ssr::db::audit::{self, ChainReport, Change};
use app::ssr::db::draws::{freeze, run_draw};

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

async fn outcomes(db: &sqlx::AnyPool, task: i64, action: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT outcome FROM draw_attempts WHERE task_id = $1 AND action = $2 ORDER BY outcome",
    )
    .bind(task)
    .bind(action)
    .fetch_all(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_racing_on_one_task_freeze_and_draw_it_once() {
    let app = spawn_app().await;
    let other = app.second_server().await.db;
    let day = today();
    for round in 0..2 {
        // Both freezes start while the test holds the write lock, so they overlap.
        let gate = hold_write_lock(&app.db, "draw_attempts").await;
        let racers = [app.db.clone(), other.clone()].map(|db| {
            let day = day.clone();
            tokio::spawn(async move { freeze(&db, 3, &day, STAFF).await })
        });
        wait_for_racers(&app.db, 2).await;
        let early = racers.iter().any(|r| r.is_finished());
        gate.rollback().await.unwrap();
        let [a, b] = racers;
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert!(!early, "both freezes wait for the lock: {:?} / {:?}", a.err(), b.err());
        if round == 0 {
            assert!(a.is_ok() != b.is_ok(), "exactly one freeze: {:?} / {:?}", a.err(), b.err());
        } else {
            assert!(a.is_err() && b.is_err(), "frozen already");
        }
        for e in [a.err(), b.err()].into_iter().flatten() {
            assert_eq!(e.status(), 409, "refused, not failed: {e}");
            // Refused by the task's state, read after the winner committed: the lock
            // serialised them (the unique index on draws would refuse in other words).
            assert!(e.to_string().contains("只有已列入计划的任务才能冻结名单"), "{e}");
        }
    }
    let mut expected = vec!["done".to_string()];
    expected.extend(std::iter::repeat_n("refused".to_string(), 3));
    assert_eq!(outcomes(&app.db, 3, "freeze").await, expected, "every attempt recorded");

    let gate = hold_write_lock(&app.db, "draw_attempts").await;
    let racers = [(app.db.clone(), "1 2 3 4 5 6"), (other.clone(), "6 5 4 3 2 1")].map(|(db, entropy)| {
        let day = day.clone();
        tokio::spawn(async move { run_draw(&db, 3, entropy, &day, STAFF).await })
    });
    wait_for_racers(&app.db, 2).await;
    let early = racers.iter().any(|r| r.is_finished());
    gate.rollback().await.unwrap();
    let [a, b] = racers;
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    assert!(!early, "both draws wait for the lock: {:?} / {:?}", a.err(), b.err());
    assert!(a.is_ok() != b.is_ok(), "exactly one draw: {:?} / {:?}", a.as_ref().err(), b.as_ref().err());
    let refused = a.err().or(b.err()).unwrap();
    assert_eq!(refused.status(), 409, "refused, not failed: {refused}");
    // The first check's words (the stored manifest seen), not the guarded UPDATE's.
    assert!(refused.to_string().contains("名单被退回时"), "{refused}");
    assert_eq!(outcomes(&app.db, 3, "draw").await, ["done", "refused"]);
    assert_drawn_once_and_chain_whole(&app.db, 3).await;
}

/// Task `task` has exactly one drawn draw, and the audit chain is whole.
async fn assert_drawn_once_and_chain_whole(db: &sqlx::AnyPool, task: i64) {
    let draws: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draws WHERE task_id = $1 AND manifest IS NOT NULL")
            .bind(task)
            .fetch_one(db)
            .await
            .unwrap();
    assert_eq!(draws, 1);
    assert!(matches!(audit::verify_chain(db).await.unwrap(), ChainReport::Whole { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_two_servers_keep_one_audit_chain() {
    let app = spawn_app().await;
    let other = app.second_server().await.db;
    let before = match audit::verify_chain(&app.db).await.unwrap() {
        ChainReport::Whole { entries, .. } => entries,
        broken => panic!("{broken:?}"),
    };
    // 40 changes at once, half through each server, each in its own transaction as every
    // change is.
    let writes: Vec<_> = (0..40)
        .map(|i| {
            let db = if i % 2 == 0 { app.db.clone() } else { other.clone() };
            tokio::spawn(async move {
                let mut tx = app::ssr::db::begin_write(&db).await?;
                let id = i.to_string();
                let change = Change {
                    actor: "测试",
                    role: "clerk",
                    action: "test.write",
                    entity_type: "test",
                    entity_id: &id,
                    before: None,
                    after: Some(serde_json::json!({ "i": i })),
                };
                audit::append(&mut tx, change).await?;
                tx.commit().await
            })
        })
        .collect();
    for (i, w) in writes.into_iter().enumerate() {
        w.await.unwrap().unwrap_or_else(|e| panic!("write {i} failed: {e}"));
    }
    match audit::verify_chain(&app.db).await.unwrap() {
        ChainReport::Whole { entries, .. } => assert_eq!(entries, before + 40),
        broken => panic!("{broken:?}"),
    }
}

async fn whoami(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.post_form(Some(cookie), "whoami", &[]).await.json().await.unwrap()
}

#[tokio::test]
async fn a_session_begun_on_one_server_works_and_ends_on_the_other() {
    let a = spawn_app().await;
    let b = a.second_server().await;
    let cookie = a.sign_in("jingban").await;
    assert_eq!(whoami(&b, &cookie).await["username"], "jingban", "signed in on A, known to B");
    let (status, html) = b.page(&cookie, "/registry/enterprises").await;
    assert_eq!(status, 200);
    assert!(html.contains("检查对象名录"), "B renders the staff page for A's session");
    assert_eq!(b.post_form(Some(&cookie), "sign_out", &[]).await.status(), 200);
    assert!(whoami(&a, &cookie).await.is_null(), "signed out on B, ended on A too");
}

/// `shuangsui backup FILE` copies a running server's database into a new file that opens,
/// holds the same data and a whole audit chain; it refuses to overwrite a file.
#[tokio::test]
async fn a_backup_of_a_running_server_is_whole_and_never_overwrites() {
    // `backup` copies a SQLite file; PostgreSQL has pg_dump.
    let app = crate::helpers::spawn_sqlite_app().await;
    let db_url = format!("sqlite://{}", app.dir.join("test.db").display());
    let file = app.dir.join("backups/copy.db");
    let path = file.to_str().unwrap();
    // A change while the server runs, so the backup has something recent to carry.
    app.sign_in("jingban").await;
    let (code, out, err) = crate::helpers::run(&["backup", path, "--db", &db_url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("audit chain whole"), "{out}");
    let copy = app::ssr::db::connect(&format!("sqlite://{path}")).await.unwrap();
    for table in ["enterprises", "inspectors", "tasks", "draws", "inspection_results", "audit_log", "users"] {
        let count = |db: sqlx::AnyPool| async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&db)
                .await
                .unwrap()
        };
        assert_eq!(count(copy.clone()).await, count(app.db.clone()).await, "{table}");
    }
    let size = std::fs::metadata(&file).unwrap().len();
    let (code, _, err) = crate::helpers::run(&["backup", path, "--db", &db_url]);
    assert_eq!(code, 2);
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size, "the first backup is left as it was");
}

/// The public portal of another server process shows a change made through this one
/// within a second or so (each process keeps the published results in memory and asks
/// the database again at least every second; see portal::search).
#[tokio::test]
async fn a_change_through_one_server_reaches_another_processs_portal() {
    let a = spawn_app().await;
    let other = ServerProcess::start(&a.db_url, &["--no-demo"]);
    // An enterprise with a published result (the demo's 2022 task).
    let (id, _, code) = crate::helpers::published_enterprise(&a.db).await;
    let search = |base: &str| {
        let url = format!("{base}/public/results?q={code}");
        let client = a.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let before = search(&other.base).await;
    assert!(before.contains(&code) && !before.contains("改名后的企业"), "the other has read its snapshot");

    let mut conn = a.db.acquire().await.unwrap();
    let row = app::ssr::db::enterprises::get(&mut conn, id).await.unwrap().unwrap();
    drop(conn);
    let mut record = row.record;
    record.name = "邯郸市改名后的企业有限公司".into();
    let cells = app::domain::registry_rows::enterprise_cells(&record);
    let clerk = a.sign_in("jingban").await;
    let save = serde_json::json!({ "kind": "enterprises", "id": id, "cells": cells });
    let resp = a.post_json(Some(&clerk), "registry/save", save).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    assert!(search(&a.base).await.contains("改名后的企业"), "at once on the server that made it");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !search(&other.base).await.contains("改名后的企业") {
        assert!(std::time::Instant::now() < deadline, "the other process shows the old name after 5 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// `shuangsui copy-db` moves a bureau's SQLite file into a new PostgreSQL database (which it
/// creates): every
/// row, ids that keep counting after the copied ones, the same audit head, a server that
/// serves it; a second copy into the now full database is refused and changes nothing.
#[tokio::test]
async fn copy_db_moves_a_sqlite_file_into_postgresql() {
    if std::env::var("SHUANGSUI_TEST_PG").is_err() {
        println!("skipped: SHUANGSUI_TEST_PG is not set (make test sets it and starts PostgreSQL)");
        return;
    }
    let file = crate::helpers::spawn_sqlite_app().await;
    file.sign_in("jingban").await;
    // An evidence file (bytes, not text) goes across unchanged.
    let evidence: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0x00, 0xFF, 0x9F];
    sqlx::query(
        "INSERT INTO result_files (result_id, kind, file_name, mime, size_bytes, sha256, content, uploaded_by, uploaded_at) \
         SELECT min(id), 'photo', 'a.png', 'image/png', 7, 'x', $1, 'zhifa', '2026-01-01T00:00:00Z' FROM inspection_results",
    )
    .bind(evidence.clone())
    .execute(&file.db)
    .await
    .unwrap();
    // A database that does not exist yet: the copy creates it.
    let target = crate::helpers::unused_postgres_database().await;
    let (code, out, err) = crate::helpers::run(&["copy-db", "--from", &file.db_url, "--to", &target]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("audit chain whole"), "{out}");
    let pg = app::ssr::db::connect(&target).await.unwrap();
    for table in [
        "enterprises",
        "inspectors",
        "tasks",
        "draws",
        "draw_selections",
        "inspection_results",
        "audit_log",
        "users",
        "sessions",
        "check_points",
        "result_files",
    ] {
        let count = |db: sqlx::AnyPool| async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&db)
                .await
                .unwrap()
        };
        let n = count(file.db.clone()).await;
        assert!(n > 0, "{table} has rows to copy");
        assert_eq!(count(pg.clone()).await, n, "{table}");
        assert!(out.contains(&format!("{n} rows")), "{table}: {out}");
    }
    let copied: Vec<u8> =
        sqlx::query_scalar("SELECT content FROM result_files").fetch_one(&pg).await.unwrap();
    assert_eq!(copied, evidence);
    // New rows get ids after the copied ones.
    let max: i64 = sqlx::query_scalar("SELECT max(id) FROM annual_plans").fetch_one(&pg).await.unwrap();
    let id: i64 =
        sqlx::query_scalar("INSERT INTO annual_plans (year, title) VALUES (2031, 't') RETURNING id")
            .fetch_one(&pg)
            .await
            .unwrap();
    assert_eq!(id, max + 1);
    // A server on the copy serves the same plan and results to the public.
    let args = server::config::Config {
        addr: "127.0.0.1:0".into(),
        db: target.clone(),
        no_demo: true,
        ..server::config::Config::defaults()
    };
    let prepared = server::serve::prepare(&args).await.expect("server starts on the copy");
    let base = format!("http://{}", prepared.addr);
    let limits = server::serve::limits(&args);
    tokio::spawn(server::http::serve(prepared.listener, prepared.app, limits, std::future::pending()));
    for path in ["/public", "/public/results"] {
        let copy = reqwest::get(format!("{base}{path}")).await.unwrap().text().await.unwrap();
        let original = reqwest::get(format!("{}{path}", file.base)).await.unwrap().text().await.unwrap();
        assert_eq!(copy, original, "{path}");
    }
    let (code, out, err) = crate::helpers::run(&["copy-db", "--from", &file.db_url, "--to", &target]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("empty database"), "{err}");
}

/// POSTs a form to server function `endpoint` of the server at `base`, as `cookie`.
async fn post_to(base: &str, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::form_body(form))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Two real `shuangsui serve` processes on one database, asked through HTTP to freeze and
/// then to draw the same task, each pair of requests overlapping (sent while the test
/// holds the write lock): one does it, the other answers 409 and
/// its attempt is recorded; one draw; the audit chain stays whole.
#[tokio::test]
async fn two_server_processes_racing_over_http_draw_a_task_once() {
    let app = spawn_app().await;
    let (p, q) = (
        ServerProcess::start(&app.db_url, &["--no-demo"]),
        ServerProcess::start(&app.db_url, &["--no-demo"]),
    );
    let cookie = app.sign_in("jingban.sctx").await;
    // Each pair of requests is sent while the test holds the write lock, so they overlap.
    let race = |endpoint: &'static str, forms: [Vec<(&'static str, &'static str)>; 2]| {
        let (p, q, cookie, db) = (p.base.clone(), q.base.clone(), cookie.clone(), app.db.clone());
        async move {
            let gate = hold_write_lock(&db, "draw_attempts").await;
            let [f, g] = forms;
            let (c1, c2) = (cookie.clone(), cookie.clone());
            let a = tokio::spawn(async move { post_to(&p, &c1, endpoint, &f).await });
            let b = tokio::spawn(async move { post_to(&q, &c2, endpoint, &g).await });
            wait_for_racers(&db, 2).await;
            let early = a.is_finished() || b.is_finished();
            gate.rollback().await.unwrap();
            let (a, b) = (a.await.unwrap(), b.await.unwrap());
            assert!(!early, "both {endpoint} requests wait for the lock: {a:?} / {b:?}");
            (a, b)
        }
    };
    let (a, b) = race("freeze", [vec![("task_id", "3")], vec![("task_id", "3")]]).await;
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "exactly one freeze: {a:?} / {b:?}");
    let refused = if a.0 == 409 { &a.1 } else { &b.1 };
    assert!(refused.contains("只有已列入计划的任务才能冻结名单"), "{refused}");
    let (a, b) = race(
        "draw",
        [
            vec![("task_id", "3"), ("public_entropy", "1 2 3 4 5 6")],
            vec![("task_id", "3"), ("public_entropy", "6 5 4 3 2 1")],
        ],
    )
    .await;
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "exactly one draw: {a:?} / {b:?}");
    let refused = if a.0 == 409 { &a.1 } else { &b.1 };
    assert!(refused.contains("名单被退回时"), "{refused}");
    assert_eq!(outcomes(&app.db, 3, "freeze").await, ["done", "refused"]);
    assert_eq!(outcomes(&app.db, 3, "draw").await, ["done", "refused"]);
    assert_drawn_once_and_chain_whole(&app.db, 3).await;
}
