//! A write held up behind a long one (an import holding the write lock): it waits, or —
//! once SQLite's wait runs out — it is answered 503 with Retry-After and nothing written;
//! never a 500 or "database is locked".

use crate::helpers::{spawn_app, test_backend_is_postgres};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_write_behind_a_long_write_waits_or_is_told_to_retry() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let inspector: i64 =
        sqlx::query_scalar("SELECT min(id) FROM inspectors WHERE department_id = 'swj-zfzd'")
            .fetch_one(&app.db)
            .await
            .unwrap();
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
    let inspector_text = inspector.to_string();
    let resp = app
        .post_form(
            Some(&clerk),
            "registry/declare_conflict",
            &[
                ("inspector_id", &inspector_text),
                ("credit_code", &code),
                ("reason", "经济往来"),
                ("note", "等待写锁"),
            ],
        )
        .await;
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
        let resp = app
            .post_form(
                Some(&clerk),
                "registry/declare_conflict",
                &[
                    ("inspector_id", &inspector_text),
                    ("credit_code", &code),
                    ("reason", "经济往来"),
                    ("note", "等待写锁"),
                ],
            )
            .await;
        assert_eq!(resp.status(), 200);
        assert_eq!(declared().await, 1);
    }
}
