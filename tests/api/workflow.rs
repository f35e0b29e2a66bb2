//! The lifecycle of the demo plan, each step by its role; out-of-order steps refused;
//! results entered, reviewed, published; every step in the audit log; `audit verify`.

use crate::helpers::{run, spawn_app, TestApp};

async fn step(app: &TestApp, cookie: &str, task: i64, to: &str, comment: &str) -> (u16, String) {
    let resp = app
        .post_form(
            Some(cookie),
            "task_step",
            &[("task_id", &task.to_string()), ("to", to), ("comment", comment)],
        )
        .await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn status_of(app: &TestApp, task: i64) -> String {
    sqlx::query_scalar("SELECT status FROM tasks WHERE id = $1").bind(task).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn listing_in_the_plan_a_window_change_freezing_and_drawing_go_in_order_by_role() {
    let app = spawn_app().await;
    let (principal, leader, order, clerk) = (
        app.sign_in("zhuyao").await,
        app.sign_in("lingdao").await,
        app.sign_in("zhixu").await,
        app.sign_in("jingban.smfw").await,
    );
    // Task 2 is submitted. Only the principal leader puts it into the plan.
    for who in [&leader, &order] {
        let (s, body) = step(&app, who, 2, "planned", "").await;
        assert_eq!(s, 403, "{body}");
        assert!(body.contains("主要领导"), "{body}");
    }
    // Sending back needs a reason; with one, the task is a draft again and editable.
    let (s, body) = step(&app, &principal, 2, "draft", " ").await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(step(&app, &principal, 2, "draft", "请补充抽查事项").await.0, 200);
    assert_eq!(status_of(&app, 2).await, "draft");
    assert_eq!(step(&app, &clerk, 2, "submitted", "已补充").await.0, 200);
    assert_eq!(step(&app, &principal, 2, "planned", "同意").await.0, 200);
    // Its window is May–June 2023: freezing today is refused, naming the window (and recorded).
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "2")]).await;
    assert_eq!(resp.status(), 409);
    let body = resp.text().await.unwrap();
    assert!(body.contains("2023 年 5 月-6 月") && body.contains("计划调整"), "{body}");
    // A 计划调整 to this month: asked by the clerk with a reason, consented by the principal leader only.
    let today = app::ssr::clock::today();
    let (year, month) = (&today[..4], today[5..7].trim_start_matches('0').to_string());
    let change = |reason: &'static str| {
        vec![
            ("task_id", "2"),
            ("year", year),
            ("start_month", month.as_str()),
            ("end_month", month.as_str()),
            ("reason", reason),
        ]
    };
    let resp = app.post_form(Some(&clerk), "request_plan_change", &change(" ")).await;
    assert_eq!(resp.status(), 400, "a reason is required");
    let resp = app.post_form(Some(&clerk), "request_plan_change", &change("拍卖季提前")).await;
    assert_eq!(resp.status(), 200);
    let change_id: i64 = resp.json().await.unwrap();
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "2")]).await;
    assert_eq!(resp.status(), 409, "not until it is consented");
    let decide =
        [("change_id", change_id.to_string()), ("consent", "true".into()), ("comment", "同意".into())];
    let decide: Vec<(&str, &str)> = decide.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.post_form(Some(&leader), "decide_plan_change", &decide).await.status(), 403);
    assert_eq!(app.post_form(Some(&principal), "decide_plan_change", &decide).await.status(), 200);
    assert_eq!(
        app.post_form(Some(&principal), "decide_plan_change", &decide).await.status(),
        409,
        "decided once"
    );
    // Freezing and drawing are their own steps, not plain status changes.
    let (s, body) = step(&app, &clerk, 2, "frozen", "").await;
    assert_eq!(s, 409, "{body}");
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "2")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let resp =
        app.post_form(Some(&clerk), "draw", &[("task_id", "2"), ("public_entropy", "4 4 2 6 1 3")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let resp = app.post_form(Some(&clerk), "draw", &[("task_id", "2"), ("public_entropy", "1")]).await;
    assert_eq!(resp.status(), 409, "a second draw is refused");
    assert_eq!(status_of(&app, 2).await, "drawn");
    // The stored manifest verifies.
    let manifest: String =
        sqlx::query_scalar("SELECT manifest FROM draws WHERE task_id = 2").fetch_one(&app.db).await.unwrap();
    let file = app.dir.join("task2.json");
    std::fs::write(&file, manifest).unwrap();
    assert_eq!(run(&["verify", file.to_str().unwrap()]).1.trim(), "valid");
    // Every step is in the task's events with its author and role, and in the audit log.
    let events: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT to_status, actor, role FROM task_events WHERE task_id = 2 AND at > '2024' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let got: Vec<(&str, &str, &str)> =
        events.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    assert_eq!(
        got,
        [
            ("draft", "zhuyao", "principal_leader"),
            ("submitted", "jingban.smfw", "clerk"),
            ("planned", "zhuyao", "principal_leader"),
            ("frozen", "jingban.smfw", "clerk"),
            ("drawn", "jingban.smfw", "clerk"),
        ]
    );
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'task' AND entity_id = '2' \
         AND action IN ('task.step', 'draw.freeze', 'draw.run', 'plan_change.request', 'plan_change.consent') ORDER BY seq",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "task.step",
            "task.step",
            "task.step",
            "plan_change.request",
            "plan_change.consent",
            "draw.freeze",
            "draw.run"
        ]
    );
}

/// A result for task 1. The demo draw took place when the database was created, so the
/// inspection is dated today.
fn result(code: &str, team: &[i64], categories: &[&str]) -> serde_json::Value {
    serde_json::json!({ "draft": {
        "task_id": 1, "code": code, "inspected_on": app::ssr::clock::today(), "method": "实地核查",
        "attended": team, "categories": categories,
        "problems": if categories.contains(&"未发现问题") { "" } else { "未公示年度报告" },
        "handling": if categories.contains(&"发现问题已责令改正") { vec!["责令改正"] } else { vec![] },
        "referral_department": ""
    }})
}

#[tokio::test]
async fn results_are_entered_reviewed_published_and_closed() {
    let app = spawn_app().await;
    let (clerk, head, inspector) =
        (app.sign_in("jingban").await, app.sign_in("chuzhang").await, app.sign_in("zhifa").await);
    let me: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    assert!(teams.len() >= 2);
    let (mine, theirs): (Vec<_>, Vec<_>) = teams.iter().partition(|(_, t)| t.contains(&me));
    assert!(!mine.is_empty(), "the demo inspector is on the first team");

    // The inspector enters their own enterprise's result, but not another team's.
    let (code, team) = mine[0];
    let resp = app.post_json(Some(&inspector), "save_result", result(code, team, &["未发现问题"])).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    if let Some((other, other_team)) = theirs.first() {
        let resp =
            app.post_json(Some(&inspector), "save_result", result(other, other_team, &["未发现问题"])).await;
        assert_eq!(resp.status(), 403);
    }
    // A result naming an inspector outside the team is refused, naming the field.
    let resp =
        app.post_json(Some(&clerk), "save_result", result(code, &[team[0], 99_999], &["未发现问题"])).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("attended"));
    // Submitting before every result is in is refused with the count.
    let (s, body) = step(&app, &clerk, 1, "results_entered", "").await;
    assert_eq!(s, 409);
    assert!(body.contains("未录入"), "{body}");
    for (code, team) in &teams[1..] {
        if mine.iter().any(|(c, _)| c == code) {
            continue;
        }
        let resp =
            app.post_json(Some(&clerk), "save_result", result(code, team, &["发现问题已责令改正"])).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    }
    for (code, team) in &mine[1..] {
        app.post_json(Some(&inspector), "save_result", result(code, team, &["未发现问题"])).await;
    }
    assert_eq!(step(&app, &clerk, 1, "results_entered", "").await.0, 200);
    // The office head returns one result: the task goes back to inspecting for a correction.
    let returned = &teams[0].0;
    let resp = app
        .post_form(
            Some(&head),
            "review_result",
            &[("task_id", "1"), ("code", returned), ("pass", "false"), ("comment", "检查日期有误")],
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(status_of(&app, 1).await, "inspecting");
    let resp =
        app.post_json(Some(&clerk), "save_result", result(returned, &teams[0].1, &["未发现问题"])).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(step(&app, &clerk, 1, "results_entered", "已更正").await.0, 200);
    // Reviewing is the office head's: not before every result passed.
    assert_eq!(step(&app, &head, 1, "reviewed", "").await.0, 409);
    for (code, _) in &teams {
        let resp = app
            .post_form(
                Some(&head),
                "review_result",
                &[("task_id", "1"), ("code", code), ("pass", "true"), ("comment", "")],
            )
            .await;
        assert_eq!(resp.status(), 200);
    }
    // A passed result can no longer be changed (the task is past inspecting, too).
    assert_eq!(
        app.post_json(Some(&clerk), "save_result", result(code, team, &["未发现问题"])).await.status(),
        409
    );
    // Each passed result is public at once (the office head publishes enterprise by
    // enterprise); the task's own steps then record that all are reviewed and published.
    let public = format!("{}/public/tasks/1/results", app.base);
    let search = format!("{}/public/results?q={}", app.base, teams[0].0);
    let found = || async { app.client.get(&search).send().await.unwrap().text().await.unwrap() };
    assert!(found().await.contains(teams[0].0.as_str()), "searchable as soon as it is passed");
    assert_eq!(step(&app, &head, 1, "reviewed", "同意").await.0, 200);
    assert_eq!(step(&app, &head, 1, "published", "").await.0, 200);
    // Anyone sees each result, and that it was published within its 20 working days.
    let resp = app.client.get(&public).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("按时公示") && !html.contains("逾期公示"),
        "inspected today and published today is on time"
    );
    for (code, _) in &teams {
        assert!(html.contains(code.as_str()), "published result of {code}");
    }
    assert_eq!(step(&app, &head, 1, "closed", "").await.0, 200);
    let unpublished: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM inspection_results WHERE draw_id = 1 AND published_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(unpublished, 0);
    // The 2023 task was due on its 20th working day after 30 April 2023; published now, it is late.
    let rows = app::ssr::db::result_deadlines::deadlines(&app.db, None).await.unwrap();
    let t1 = rows.iter().find(|r| r.task_id == 1).unwrap();
    assert_eq!((t1.window_end.as_str(), t1.due.as_str()), ("2023-04-30", "2023-05-30"));
    assert!(t1.published_on.as_deref().unwrap() > t1.due.as_str());
    // Every result change and review is in the audit log.
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE entity_type = 'result' AND entity_id LIKE '1:%'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        audited as usize,
        teams.len() * 2 + 2,
        "one entry + one pass each, plus the return and its fix"
    );
}

#[tokio::test]
async fn the_shipped_calendar_counts_across_the_2023_national_day_holiday() {
    let app = spawn_app().await;
    let cal = app::ssr::db::calendar::calendar(&app.db).await.unwrap();
    let day = |s: &str| app::domain::date::Date::parse(s).unwrap();
    assert_eq!(cal.publish_deadline(day("2023-09-28")), day("2023-11-01"));
    // 2026 Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked.
    assert_eq!(cal.publish_deadline(day("2026-02-13")), day("2026-03-19"));
}

#[tokio::test]
async fn audit_verify_passes_on_the_demo_and_fails_on_a_tampered_copy() {
    let app = spawn_app().await;
    let (code, out, err) = run(&["audit", "verify", "--db", &app.db_url]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("audit chain whole:"), "{out}");
    // The database itself refuses to change or delete an entry.
    assert!(sqlx::query("UPDATE audit_log SET actor = 'x' WHERE seq = 2").execute(&app.db).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 2").execute(&app.db).await.is_err());
    // A copy whose trigger was dropped and one entry edited is caught, naming the entry
    // (a copy of a file: SQLite only).
    if !app.db_url.starts_with("sqlite:") {
        return;
    }
    let copy = app.dir.join("tampered.db");
    sqlx::query("VACUUM INTO $1").bind(copy.to_str().unwrap()).execute(&app.db).await.unwrap();
    let tampered = app::ssr::db::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(&tampered).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
        .execute(&tampered)
        .await
        .unwrap();
    tampered.close().await;
    let (code, out, _) = run(&["audit", "verify", "--db", &format!("sqlite://{}", copy.display())]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("broken at entry 2"), "{out}");
}
