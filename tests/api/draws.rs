//! Freezing and drawing from the database: the stored manifest is exactly what
//! `verify` accepts; a task is drawn at most once; every attempt is recorded.

use crate::helpers::{run, spawn_app, today};
use app::domain::audit::Actor;
use app::domain::draw;
use app::ssr::db::draws::{freeze, run_draw};

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

async fn attempts(db: &sqlx::AnyPool, task: i64) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT action, outcome, reason FROM draw_attempts WHERE task_id = $1 ORDER BY id")
        .bind(task)
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_draw_is_stored_and_verifies_byte_for_byte() {
    let app = spawn_app().await;
    let manifest = app::ssr::db::draws::manifest(&app.db, 1).await.unwrap().expect("demo draw done");
    let checks = draw::verify_manifest(&manifest).unwrap();
    assert!(draw::first_failure(&checks).is_none());

    // Its pool has four strata (risk classes), so the whole manifest is not public...
    assert_eq!(app.post_form(None, "manifest", &[("draw_id", "1")]).await.status(), 401);
    let url = format!("{}/api/public/draws/1/manifest.json", app.base);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    // ...but the same bytes, served to an observer and written to a file, pass the
    // command-line verifier.
    let observer = app.sign_in("jijian").await;
    let served: String =
        app.post_form(Some(&observer), "manifest", &[("draw_id", "1")]).await.json().await.unwrap();
    assert_eq!(served, manifest);
    let download = app.client.get(&url).header("cookie", &observer).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    assert_eq!(download.text().await.unwrap(), manifest);
    let file = app.dir.join("demo.json");
    std::fs::write(&file, &manifest).unwrap();
    let (code, out, err) = run(&["verify", file.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "valid"), "{err}");

    // Pool = active 成品油零售企业 filed on or before 2023-01-31; strata are risk classes.
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let expected: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM enterprises WHERE category = '成品油零售企业' AND status = 'active' \
         AND filed_on <= '2023-01-31'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(m["pool"].as_array().unwrap().len() as i64, expected);
    // Inspectors: active, certificate valid on the draw date, of the task's department only.
    let eligible: Vec<String> = sqlx::query_scalar(
        "SELECT certificate_no FROM inspectors WHERE department_id = 'swj-zfzd' AND active = 1 \
         AND valid_from <= '2023-03-10' AND valid_to >= '2023-03-10' ORDER BY certificate_no",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let ids: Vec<&str> =
        m["inspectors"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, eligible);
    // The secret is revealed only in the finished manifest; selections are stored as rows.
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM draw_selections WHERE draw_id = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored as usize, m["selected"].as_array().unwrap().len());
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 1").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "inspecting", "the demo has begun inspecting after the draw");
}

#[tokio::test]
async fn a_task_is_drawn_at_most_once_and_every_attempt_is_recorded() {
    let app = spawn_app().await;
    let before = attempts(&app.db, 1).await.len();
    let err = run_draw(&app.db, 1, "1 2 3 4 5 6", &today(), STAFF).await.unwrap_err();
    assert_eq!(err.status(), 409);
    assert!(err.to_string().contains("只能抽取一次"), "{err}");
    let after = attempts(&app.db, 1).await;
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap().1, "refused");
    // Freezing again is refused too, and recorded.
    assert!(freeze(&app.db, 1, "2023-03-10", STAFF).await.is_err());
    assert_eq!(attempts(&app.db, 1).await.len(), before + 2);
}

#[tokio::test]
async fn only_a_task_in_the_plan_can_be_frozen() {
    let app = spawn_app().await;
    // Task 2 is submitted, not yet put into the plan by the principal leader.
    let err = freeze(&app.db, 2, "2023-05-10", STAFF).await.unwrap_err();
    assert!(err.to_string().contains("已列入计划"), "{err}");
    let recorded = attempts(&app.db, 2).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].0.as_str(), recorded[0].1.as_str()), ("freeze", "refused"));
    let draws: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draws WHERE task_id = 2").fetch_one(&app.db).await.unwrap();
    assert_eq!(draws, 0, "nothing half-written");
}

#[tokio::test]
async fn a_joint_task_draws_teams_covering_both_departments() {
    let app = spawn_app().await;
    let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
    // Before the draw: the commitment is public, the secret is not in anything served.
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 3").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "frozen");
    let early = app::ssr::db::draws::manifest(&app.db, frozen.draw_id).await.unwrap();
    assert!(early.is_none(), "no manifest before the draw");

    // Entropy that breaks DR1's rule is refused, recorded, and leaves the task frozen.
    let err = run_draw(&app.db, 3, "１２３", &today(), STAFF).await.unwrap_err();
    assert!(err.to_string().contains("refusal 5"), "{err}");
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 3").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "frozen");

    let draw_id = run_draw(&app.db, 3, "6 6 1 2 3 5 4 4 2 1", &today(), STAFF).await.unwrap();
    let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["task_id"], "2023003-003");
    assert_eq!(m["departments"], serde_json::json!(["swj-sctx", "scjgj"]));
    assert_eq!(m["commitment"], frozen.commitment.as_str());
    assert_eq!(m["pool_digest"], frozen.pool_digest.as_str());
    let dept_of = |id: &str| {
        m["inspectors"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["department"].clone()
    };
    for s in m["selected"].as_array().unwrap() {
        let team: Vec<_> =
            s["inspectors"].as_array().unwrap().iter().map(|i| dept_of(i.as_str().unwrap())).collect();
        assert!(team.len() >= 2);
        assert!(team.contains(&"swj-sctx".into()) && team.contains(&"scjgj".into()), "{s}");
    }
    assert!(draw::first_failure(&draw::verify_manifest(&manifest).unwrap()).is_none());
}

#[tokio::test]
async fn the_independent_python_verifier_accepts_the_engine_output() {
    let app = spawn_app().await;
    let manifest = app::ssr::db::draws::manifest(&app.db, 1).await.unwrap().unwrap();
    let file = app.dir.join("for-python.json");
    std::fs::write(&file, &manifest).unwrap();
    let script = crate::helpers::repo().join("docs/dr1_verify.py");
    let out = std::process::Command::new("python3").arg(&script).arg(&file).output().expect("python3 runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "valid",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());

    // And it notices a changed team, as the engine does.
    let mut m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    crate::helpers::swap_first_inspector(&mut m);
    std::fs::write(&file, m.to_string()).unwrap();
    let out = std::process::Command::new("python3").arg(&script).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("selected[0].inspectors"));
}

#[tokio::test]
async fn a_pool_and_selection_larger_than_one_insert_are_stored_whole() {
    // Rows go in a thousand to a statement: a pool of several thousand and a selection
    // over a thousand cross chunk boundaries in every table.
    let app = spawn_app().await;
    app::ssr::seed::demo_scale::add_enterprises(&app.db, 2600).await.unwrap();
    sqlx::query(
        "UPDATE tasks SET scope_category = NULL, scope_filed_before = NULL, scope_regions = NULL, \
         scope_risk_classes = NULL, risk_ratios_bp = NULL, ratio_bp = 5000 WHERE id = 3",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
    assert!(frozen.pool_count > 2600, "{}", frozen.pool_count);
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(frozen.draw_id).fetch_one(&db).await.unwrap() }
    };
    assert_eq!(count("SELECT count(*) FROM draw_pool WHERE draw_id = $1").await, frozen.pool_count);
    let pool: Vec<(String, String)> =
        sqlx::query_as("SELECT code, stratum FROM draw_pool WHERE draw_id = $1 ORDER BY code")
            .bind(frozen.draw_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    let entries: Vec<draw::PoolEntry> =
        pool.into_iter().map(|(code, stratum)| draw::PoolEntry { code, stratum }).collect();
    assert_eq!(draw::pool_digest(&entries), frozen.pool_digest, "the stored pool is the digested pool");

    let draw_id = run_draw(&app.db, 3, "2 7 1 8 2 8", &today(), STAFF).await.unwrap();
    let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
    let m: draw::Manifest = serde_json::from_str(&manifest).unwrap();
    assert!(m.selected.len() > 1000, "{} selected", m.selected.len());
    let stored: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT position, code, key FROM draw_selections WHERE draw_id = $1 ORDER BY position",
    )
    .bind(draw_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(stored.len(), m.selected.len());
    for ((position, code, key), (i, s)) in stored.iter().zip(m.selected.iter().enumerate()) {
        assert_eq!((*position, code, key), (i as i64, &s.code, &s.key));
    }
    let members: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT t.position, t.seq, i.certificate_no FROM draw_team_members t JOIN inspectors i ON i.id = t.inspector_id \
         WHERE t.draw_id = $1 ORDER BY t.position, t.seq",
    )
    .bind(draw_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let expected: Vec<(i64, i64, String)> = m
        .selected
        .iter()
        .enumerate()
        .flat_map(|(p, s)| s.inspectors.iter().enumerate().map(move |(q, c)| (p as i64, q as i64, c.clone())))
        .collect();
    assert!(expected.len() > 2000);
    assert_eq!(members, expected, "every team member stored, in order");
    assert!(draw::first_failure(&draw::verify_manifest(&manifest).unwrap()).is_none());
    // Each selection names the enterprise the frozen pool gave its code.
    let wrong: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM draw_selections s JOIN draw_pool p ON p.draw_id = s.draw_id AND p.code = s.code \
         JOIN enterprises e ON e.id = s.enterprise_id WHERE s.draw_id = $1 \
         AND (p.enterprise_id <> s.enterprise_id OR e.credit_code <> s.code)",
    )
    .bind(draw_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(wrong, 0, "selections name their pool entry's enterprise");
    // The frozen inputs leave the pool to draw_pool: the row stays small whatever the pool.
    let frozen_input: String = sqlx::query_scalar("SELECT frozen_input FROM draws WHERE id = $1")
        .bind(draw_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let input: draw::DrawInput = serde_json::from_str(&frozen_input).unwrap();
    assert!(input.pool.is_empty() && frozen_input.len() < 10_000, "{} bytes", frozen_input.len());
}

#[tokio::test]
async fn a_pool_frozen_in_its_inputs_before_draw_pool_held_it_alone_is_drawn_as_frozen() {
    // Freezes before 2026-12-07 kept the pool in `frozen_input` as well, in the order of
    // the pool query then; such a draw still uses that pool, in that order.
    let app = spawn_app().await;
    let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    let mut pool = app::ssr::db::frozen_pool::stored_pool(&mut conn, frozen.draw_id).await.unwrap();
    drop(conn);
    assert!(pool.len() > 2);
    pool.reverse();
    let json: String = sqlx::query_scalar("SELECT frozen_input FROM draws WHERE id = $1")
        .bind(frozen.draw_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let mut input: draw::DrawInput = serde_json::from_str(&json).unwrap();
    input.pool = pool.clone();
    sqlx::query("UPDATE draws SET frozen_input = $1 WHERE id = $2")
        .bind(serde_json::to_string(&input).unwrap())
        .bind(frozen.draw_id)
        .execute(&app.db)
        .await
        .unwrap();
    let draw_id = run_draw(&app.db, 3, "2 7 1 8 2 8", &today(), STAFF).await.unwrap();
    let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
    let m: draw::Manifest = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m.input.pool, pool, "the pool as it was frozen, in its order");
    assert_eq!(m.pool_digest, frozen.pool_digest);
    assert!(draw::first_failure(&draw::verify_manifest(&manifest).unwrap()).is_none());
}

#[tokio::test]
async fn a_draw_whose_stored_pool_changed_since_its_freeze_is_refused_whole() {
    // The digest published at the freeze is the pool's: an entry removed from draw_pool
    // afterwards stops the draw, and nothing of it is written.
    let app = spawn_app().await;
    let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
    sqlx::query("DELETE FROM draw_pool WHERE draw_id = $1 AND code = (SELECT min(code) FROM draw_pool WHERE draw_id = $1)")
        .bind(frozen.draw_id)
        .execute(&app.db)
        .await
        .unwrap();
    let err = run_draw(&app.db, 3, "2 7 1 8 2 8", &today(), STAFF).await.unwrap_err();
    assert!(matches!(err, app::error::AppError::Internal), "{err}");
    let (manifest, selections): (Option<String>, i64) = sqlx::query_as(
        "SELECT d.manifest, (SELECT count(*) FROM draw_selections s WHERE s.draw_id = d.id) FROM draws d WHERE d.id = $1",
    )
    .bind(frozen.draw_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((manifest, selections), (None, 0));
}
