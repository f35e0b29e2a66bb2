//! A write held up behind a long one (an import holding the write lock): it waits, or —
//! once SQLite's wait runs out — it is answered 503 with Retry-After and nothing written;
//! never a 500 or "database is locked".

use crate::helpers::{spawn_app, test_backend_is_postgres, TestApp};
use std::time::{Duration, Instant};

/// An inspector of the enforcement unit, whom the clerks may declare conflicts for.
async fn an_inspector(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT min(id) FROM inspectors WHERE department_id = 'swj-zfzd'")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// `clerk` declares a conflict of `inspector` with enterprise `code`, noted `note`.
async fn declare_conflict(
    app: &TestApp,
    clerk: &str,
    inspector: i64,
    code: &str,
    note: &str,
) -> reqwest::Response {
    let inspector = inspector.to_string();
    let form =
        [("inspector_id", inspector.as_str()), ("credit_code", code), ("reason", "经济往来"), ("note", note)];
    app.post_form(Some(clerk), "registry/declare_conflict", &form).await
}

#[tokio::test]
async fn a_write_behind_a_long_write_waits_or_is_told_to_retry() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let inspector = an_inspector(&app).await;
    let code: String =
        sqlx::query_scalar("SELECT min(credit_code) FROM enterprises").fetch_one(&app.db).await.unwrap();
    let declared = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM conflicts WHERE note = '等待写锁'")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };

    // The long write: a transaction holding the write lock for longer than SQLite waits (5 s).
    let held = Duration::from_secs(7);
    let lock = app::ssr::db::begin_write(&app.db).await.unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(held).await;
        lock.rollback().await.unwrap();
    });
    let started = Instant::now();
    let resp = declare_conflict(&app, &clerk, inspector, &code, "等待写锁").await;
    let waited = started.elapsed();
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let body = resp.text().await.unwrap();
    release.await.unwrap();
    assert!(!body.contains("locked"), "{body}");
    if test_backend_is_postgres() {
        // PostgreSQL's advisory lock is waited for: the write goes in once the long one ends.
        assert_eq!(status, 200, "{body}");
        assert!(waited >= held - Duration::from_millis(500), "it waited ({waited:?})");
        assert_eq!(declared().await, 1);
    } else {
        // SQLite waits 5 s, then the write is refused whole, with a sentence and a time to retry.
        assert_eq!(status, 503, "{body}");
        assert_eq!(retry_after.as_deref(), Some("2"));
        assert!(body.contains("稍后重试"), "{body}");
        assert!(waited < held, "answered before the long write ended ({waited:?})");
        assert_eq!(declared().await, 0, "nothing written");
        // Tried again once the long write is over, it goes in.
        let resp = declare_conflict(&app, &clerk, inspector, &code, "等待写锁").await;
        assert_eq!(resp.status(), 200);
        assert_eq!(declared().await, 1);
    }
}

/// Writers waiting behind a long write each hold a database connection while they wait
/// (SQLite's `BEGIN IMMEDIATE` waits on its own connection, PostgreSQL's lock likewise): the
/// pool must keep room beside them for the pages. Twelve writes wait behind a held write
/// lock; a page asked meanwhile is answered at once, not after the long write. (With a
/// SQLite pool of 8 connections the page waited for one until the lock was let go.)
#[tokio::test]
async fn pages_answer_while_writers_wait_for_the_write_lock() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT credit_code FROM enterprises ORDER BY credit_code LIMIT 12")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let inspector = an_inspector(&app).await;
    let held = Duration::from_secs(4);
    let lock = app::ssr::db::begin_write(&app.db).await.unwrap();
    let locked_at = Instant::now();
    let app = std::sync::Arc::new(app);
    let writers: Vec<_> = codes
        .into_iter()
        .map(|code| {
            let (app, clerk) = (app.clone(), clerk.clone());
            tokio::spawn(async move {
                declare_conflict(&app, &clerk, inspector, &code, "排队写入").await.status().as_u16()
            })
        })
        .collect();
    // Let the writers reach the lock, then ask for a page that reads the database.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let asked = Instant::now();
    let (status, html) = app.page(&clerk, "/registry/enterprises").await;
    let answered = asked.elapsed();
    let still_held = locked_at.elapsed() < held;
    tokio::time::sleep(held.saturating_sub(locked_at.elapsed())).await;
    lock.rollback().await.unwrap();
    let statuses: Vec<u16> =
        futures_util::future::join_all(writers).await.into_iter().map(|s| s.unwrap()).collect();
    assert_eq!(
        status,
        200,
        "answered {status} after {answered:?}: {}",
        html.get(html.len().saturating_sub(600)..).unwrap_or(&html)
    );
    assert!(html.contains("检查对象"), "{html}");
    // Answered while the long write still held the lock, not once the writers gave up.
    assert!(
        still_held,
        "the page waited {answered:?} behind the writers, until they gave up their connections"
    );
    assert!(statuses.iter().all(|s| [200, 503].contains(s)), "the writers were answered {statuses:?}");
    let declared: i64 = sqlx::query_scalar("SELECT count(*) FROM conflicts WHERE note = '排队写入'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(declared, statuses.iter().filter(|s| **s == 200).count() as i64, "{statuses:?}");
}
