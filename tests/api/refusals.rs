//! Every way a freeze or a draw is refused leaves its `draw_attempts` row, with the
//! reason the caller was given and its audit entry, and nothing else: the task's status,
//! its draws and the ceremony's step stay as they were. Through the database layer, the
//! server functions `freeze` and `draw`, and the ceremony's step 3 (the draw in the room).

use crate::helpers::{spawn_app, today, TestApp};
use app::domain::audit::Actor;
use app::ssr::db::draws::{freeze, freeze_batch, run_draw};

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

/// What a task looks like to a refusal: its status, its draws (id, seed, ceremony step),
/// the count of its attempts and of all audit entries.
type Snapshot = (String, Vec<(i64, Option<String>, i64)>, i64, i64);

async fn snapshot(db: &sqlx::AnyPool, task: i64) -> Snapshot {
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = $1").bind(task).fetch_one(db).await.unwrap();
    let draws: Vec<(i64, Option<String>, i64)> =
        sqlx::query_as("SELECT id, seed, ceremony_step FROM draws WHERE task_id = $1 ORDER BY id")
            .bind(task)
            .fetch_all(db)
            .await
            .unwrap();
    let attempts: i64 = sqlx::query_scalar("SELECT count(*) FROM draw_attempts WHERE task_id = $1")
        .bind(task)
        .fetch_one(db)
        .await
        .unwrap();
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(db).await.unwrap();
    (status, draws, attempts, audit)
}

/// Asserts that the refusal just made left exactly one new `draw_attempts` row for
/// `task` (`action`, refused, by `actor`, its reason containing `reason`) with its audit
/// entry, and changed nothing else since `before`. Returns the recorded reason. The rows
/// are then dated back, so that the next refusal is not folded into a burst
/// (`draws::RECORDED_REFUSALS_PER_BURST`).
async fn assert_refused(
    db: &sqlx::AnyPool,
    task: i64,
    before: &Snapshot,
    action: &str,
    actor: &str,
    reason: &str,
) -> String {
    let after = snapshot(db, task).await;
    assert_eq!((&after.0, &after.1), (&before.0, &before.1), "a refusal changes no task or draw");
    assert_eq!(after.2, before.2 + 1, "one new attempt for the refused {action} ({reason})");
    assert_eq!(after.3, before.3 + 1, "one new audit entry, the refusal's");
    let (a, outcome, recorded, who, repeats): (String, String, String, String, i64) = sqlx::query_as(
        "SELECT action, outcome, reason, actor, repeats FROM draw_attempts WHERE task_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(task)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!((a.as_str(), outcome.as_str(), who.as_str(), repeats), (action, "refused", actor, 1));
    assert!(recorded.contains(reason), "recorded reason {recorded:?} lacks {reason:?}");
    let (audited_action, after_json): (String, String) = sqlx::query_as(
        "SELECT action, after_json FROM audit_log WHERE entity_type = 'task' AND entity_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(task.to_string())
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(audited_action, format!("draw.{action}.refused"));
    let audited: serde_json::Value = serde_json::from_str(&after_json).unwrap();
    assert_eq!(audited["reason"], recorded.as_str(), "the audit entry carries the same reason");
    sqlx::query("UPDATE draw_attempts SET at = '2000-01-01T00:00:00Z'").execute(db).await.unwrap();
    recorded
}

/// The body of a refused server-function call, with its status.
async fn refused(app: &TestApp, cookie: &str, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
    let resp = app.post_form(Some(cookie), endpoint, form).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn every_refused_freeze_is_recorded_with_its_reason() {
    let app = spawn_app().await;
    let db = &app.db;

    // Not in the plan yet (task 2 is only submitted).
    let before = snapshot(db, 2).await;
    let e = freeze(db, 2, "2023-05-10", STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 2, &before, "freeze", STAFF.name, "已列入计划").await, e.to_string());

    // Outside the task's window (task 3's is this month).
    let before = snapshot(db, 3).await;
    let e = freeze(db, 3, "2020-01-15", STAFF).await.unwrap_err();
    assert_eq!(e.status(), 409);
    assert_eq!(
        assert_refused(db, 3, &before, "freeze", STAFF.name, "不在该任务的抽查时间").await,
        e.to_string()
    );

    // A pool DR1 cannot draw from: teams larger than the inspectors there are (refusal 6).
    sqlx::query("UPDATE tasks SET team_size = 99 WHERE id = 3").execute(db).await.unwrap();
    let before = snapshot(db, 3).await;
    let e = freeze(db, 3, &today(), STAFF).await.unwrap_err();
    assert_eq!(e.status(), 400, "{e}");
    assert_eq!(assert_refused(db, 3, &before, "freeze", STAFF.name, "refusal").await, e.to_string());
    sqlx::query("UPDATE tasks SET team_size = 2 WHERE id = 3").execute(db).await.unwrap();

    // The wrong role, and the right role of another office, through the server function.
    for (user, reason) in [("zhuyao", "经办人"), ("jingban", "")] {
        let cookie = app.sign_in(user).await;
        let before = snapshot(db, 3).await;
        let (status, body) = refused(&app, &cookie, "freeze", &[("task_id", "3")]).await;
        assert_eq!(status, 403, "{user}: {body}");
        let recorded = assert_refused(db, 3, &before, "freeze", user, reason).await;
        assert!(body.contains(&recorded), "{user} was told what was recorded: {body} / {recorded}");
    }

    // Frozen already: the second freeze, by the right clerk.
    let clerk = app.sign_in("jingban.sctx").await;
    assert_eq!(app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await.status(), 200);
    let before = snapshot(db, 3).await;
    let (status, body) = refused(&app, &clerk, "freeze", &[("task_id", "3")]).await;
    assert_eq!(status, 409, "{body}");
    assert_refused(db, 3, &before, "freeze", "jingban.sctx", "名单已冻结").await;
}

#[tokio::test]
async fn a_refused_batch_freeze_is_recorded_on_the_split_task() {
    let app = spawn_app().await;
    let db = &app.db;
    let month: i64 = today()[5..7].parse().unwrap();
    for k in 1..=2 {
        sqlx::query(
            "INSERT INTO task_batches (task_id, batch_no, start_month, end_month) VALUES (3, $1, $2, $2)",
        )
        .bind(k)
        .bind(month)
        .execute(db)
        .await
        .unwrap();
    }
    // Frozen whole although split.
    let before = snapshot(db, 3).await;
    let e = freeze(db, 3, &today(), STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 3, &before, "freeze", STAFF.name, "分 2 批").await, e.to_string());
    // The second batch before the first is drawn.
    let (batch, _) = freeze_batch(db, 3, &today(), STAFF).await.unwrap();
    let before = snapshot(db, 3).await;
    let e = freeze_batch(db, 3, &today(), STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 3, &before, "freeze", STAFF.name, "待抽取后").await, e.to_string());
    run_draw(db, batch, "1 2 3 4 5 6", &today(), STAFF).await.unwrap();
    let (batch, _) = freeze_batch(db, 3, &today(), STAFF).await.unwrap();
    run_draw(db, batch, "6 5 4 3 2 1", &today(), STAFF).await.unwrap();
    // None left.
    let before = snapshot(db, 3).await;
    let e = freeze_batch(db, 3, &today(), STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 3, &before, "freeze", STAFF.name, "2 批均已抽取").await, e.to_string());
}

#[tokio::test]
async fn every_refused_draw_is_recorded_with_its_reason() {
    let app = spawn_app().await;
    let db = &app.db;

    // Not frozen.
    let before = snapshot(db, 3).await;
    let e = run_draw(db, 3, "1 2 3 4 5 6", &today(), STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 3, &before, "draw", STAFF.name, "尚未冻结").await, e.to_string());

    freeze(db, 3, &today(), STAFF).await.unwrap();
    // Outside the window.
    let before = snapshot(db, 3).await;
    let e = run_draw(db, 3, "1 2 3 4 5 6", "2020-01-15", STAFF).await.unwrap_err();
    assert_eq!(assert_refused(db, 3, &before, "draw", STAFF.name, "不能抽取").await, e.to_string());
    // Entropy DR1 refuses (refusal 5: not printable ASCII).
    let before = snapshot(db, 3).await;
    let e = run_draw(db, 3, "１２３", &today(), STAFF).await.unwrap_err();
    assert_eq!(e.status(), 400);
    assert_eq!(assert_refused(db, 3, &before, "draw", STAFF.name, "refusal 5").await, e.to_string());

    // The wrong role and another office, through the server function.
    for (user, reason) in [("zhixu", "经办人"), ("jingban", "")] {
        let cookie = app.sign_in(user).await;
        let before = snapshot(db, 3).await;
        let (status, body) =
            refused(&app, &cookie, "draw", &[("task_id", "3"), ("public_entropy", "1 2 3")]).await;
        assert_eq!(status, 403, "{user}: {body}");
        let recorded = assert_refused(db, 3, &before, "draw", user, reason).await;
        assert!(body.contains(&recorded), "{user} was told what was recorded: {body} / {recorded}");
    }

    // Drawn already: the second draw.
    let clerk = app.sign_in("jingban.sctx").await;
    let resp = app.post_form(Some(&clerk), "draw", &[("task_id", "3"), ("public_entropy", "3 1 4")]).await;
    assert_eq!(resp.status(), 200);
    let before = snapshot(db, 3).await;
    let (status, body) =
        refused(&app, &clerk, "draw", &[("task_id", "3"), ("public_entropy", "2 7 1")]).await;
    assert_eq!(status, 409, "{body}");
    assert_refused(db, 3, &before, "draw", "jingban.sctx", "只能抽取一次").await;
}

async fn step(app: &TestApp, cookie: &str, task: &str, to: u8, entropy: &str) -> (u16, String) {
    let to = to.to_string();
    refused(
        app,
        cookie,
        "ceremony_step",
        &[("task_id", task), ("to", &to), ("place", ""), ("entropy", entropy)],
    )
    .await
}

#[tokio::test]
async fn every_refused_draw_at_the_ceremony_is_recorded_with_its_reason() {
    let app = spawn_app().await;
    let db = &app.db;
    let clerk = app.sign_in("jingban.sctx").await;

    // Step 3 before the pool is frozen.
    let before = snapshot(db, 3).await;
    let (status, body) = step(&app, &clerk, "3", 3, "1 2 3").await;
    assert_eq!(status, 409, "{body}");
    assert_refused(db, 3, &before, "draw", "jingban.sctx", "尚未冻结").await;

    assert_eq!(app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await.status(), 200);
    // Step 3 straight from step 0.
    let before = snapshot(db, 3).await;
    let (status, body) = step(&app, &clerk, "3", 3, "1 2 3").await;
    assert_eq!(status, 409, "{body}");
    assert_refused(db, 3, &before, "draw", "jingban.sctx", "只能进入第 1 步").await;
    assert_eq!(step(&app, &clerk, "3", 1, "").await.0, 200);
    assert_eq!(step(&app, &clerk, "3", 2, "").await.0, 200);

    // Entropy DR1 refuses, typed in the room, and then sent with the step.
    let typed =
        app.post_form(Some(&clerk), "ceremony_entropy", &[("task_id", "3"), ("text", "３ １ ４ ·")]).await;
    assert_eq!(typed.status(), 200);
    let before = snapshot(db, 3).await;
    let (status, body) = step(&app, &clerk, "3", 3, "").await;
    assert_eq!(status, 400, "{body}");
    let recorded = assert_refused(db, 3, &before, "draw", "jingban.sctx", "第 4 个点数“·”").await;
    assert!(body.contains("第 4 个点数“·”"), "{body} / {recorded}");
    let before = snapshot(db, 3).await;
    let (status, body) = step(&app, &clerk, "3", 3, "６ ７ １").await;
    assert_eq!(status, 400, "{body}");
    assert_refused(db, 3, &before, "draw", "jingban.sctx", "第 2 个点数“7”").await;

    // Another office's clerk and an observer press the draw.
    for user in ["jingban", "jijian"] {
        let cookie = app.sign_in(user).await;
        let before = snapshot(db, 3).await;
        let (status, body) = step(&app, &cookie, "3", 3, "1 2 3").await;
        assert_eq!(status, 403, "{user}: {body}");
        assert_refused(db, 3, &before, "draw", user, "").await;
    }

    // A task put back out of 已冻结名单 (here by hand) is not drawn at the ceremony.
    sqlx::query("UPDATE tasks SET status = 'planned' WHERE id = 3").execute(db).await.unwrap();
    let before = snapshot(db, 3).await;
    let (status, body) = step(&app, &clerk, "3", 3, "1 2 3").await;
    assert_eq!(status, 409, "{body}");
    assert_refused(db, 3, &before, "draw", "jingban.sctx", "不能抽取").await;
    sqlx::query("UPDATE tasks SET status = 'frozen' WHERE id = 3").execute(db).await.unwrap();

    // The draw itself, then: one attempt done, and the step moves on.
    let (status, body) = step(&app, &clerk, "3", 3, "3 1 4 1 5 6").await;
    assert_eq!(status, 200, "{body}");
    let outcomes: Vec<(String, String)> =
        sqlx::query_as("SELECT action, outcome FROM draw_attempts WHERE task_id = 3 ORDER BY id")
            .fetch_all(db)
            .await
            .unwrap();
    let done = outcomes.iter().filter(|(_, o)| o == "done").count();
    assert_eq!(done, 2, "the freeze and the draw: {outcomes:?}");
    assert_eq!(outcomes.len(), 2 + 7, "seven refusals, each its own row: {outcomes:?}");
}
