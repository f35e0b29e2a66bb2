//! The order the founding notice sets (实施方案 二(二)3): after the draw the list goes to the
//! principal leader for consent and to the order office for filing, and only then does
//! anyone inspect; windows and plan changes; special inspections outside the plan's
//! figures; abandoned draws; what the public sees of it all.

use crate::helpers::{spawn_app, today, TestApp};

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

/// Freezes and draws task `task` today as `clerk`; returns the draw's id.
async fn freeze_and_draw(app: &TestApp, clerk: &str, task: i64) -> i64 {
    let id = task.to_string();
    let resp = app.post_form(Some(clerk), "freeze", &[("task_id", &id)]).await;
    assert_eq!(resp.status(), 200, "freeze: {}", resp.text().await.unwrap());
    let resp =
        app.post_form(Some(clerk), "draw", &[("task_id", &id), ("public_entropy", "3 5 2 6 1 4")]).await;
    assert_eq!(resp.status(), 200, "draw: {}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

async fn public_page(app: &TestApp, path: &str) -> (u16, String) {
    let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn task_three_goes_from_draw_to_inspecting_through_consent_and_filing() {
    let app = spawn_app().await;
    let (clerk, principal, leader, order) = (
        app.sign_in("jingban.sctx").await,
        app.sign_in("zhuyao").await,
        app.sign_in("lingdao").await,
        app.sign_in("zhixu").await,
    );
    // Task 3 keeps to its adjusted window (this month), so it is frozen and drawn today.
    freeze_and_draw(&app, &clerk, 3).await;
    // The 纪检 observers invited and present are recorded on the draw.
    let resp = app
        .post_form(
            Some(&clerk),
            "ceremony_observers",
            &[("task_id", "3"), ("invited", "局纪检组 周某"), ("present", "周某")],
        )
        .await;
    assert_eq!(resp.status(), 200);

    // Nobody inspects straight after the draw.
    let (s, body) = step(&app, &clerk, 3, "inspecting", "").await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("报送抽取名单"), "the next step is named: {body}");
    // The clerk sends the list; a 局领导 who is not the principal leader cannot consent.
    assert_eq!(step(&app, &clerk, 3, "list_submitted", "").await.0, 200);
    let (s, body) = step(&app, &leader, 3, "list_consented", "").await;
    assert_eq!(s, 403, "{body}");
    assert!(body.contains("主要领导"), "{body}");
    // The order office cannot file before consent.
    let (s, body) = step(&app, &order, 3, "list_filed", "").await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(step(&app, &clerk, 3, "inspecting", "").await.0, 409);
    assert_eq!(step(&app, &principal, 3, "list_consented", "同意").await.0, 200);
    // Filing is the order office's, not the clerk's nor the principal leader's.
    assert_eq!(step(&app, &clerk, 3, "list_filed", "").await.0, 403);
    assert_eq!(step(&app, &principal, 3, "list_filed", "").await.0, 403);
    assert_eq!(step(&app, &clerk, 3, "inspecting", "").await.0, 409, "not before filing");
    assert_eq!(step(&app, &order, 3, "list_filed", "已备案").await.0, 200);
    assert_eq!(step(&app, &clerk, 3, "inspecting", "").await.0, 200);
    assert_eq!(status_of(&app, 3).await, "inspecting");

    // Each step by its account and role, in order, and in the audit log.
    let events: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT to_status, actor, role FROM task_events WHERE task_id = 3 AND at > '2024' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let got: Vec<(&str, &str, &str)> =
        events.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    assert_eq!(
        got,
        [
            ("frozen", "jingban.sctx", "clerk"),
            ("drawn", "jingban.sctx", "clerk"),
            ("list_submitted", "jingban.sctx", "clerk"),
            ("list_consented", "zhuyao", "principal_leader"),
            ("list_filed", "zhixu", "order_office"),
            ("inspecting", "jingban.sctx", "clerk"),
        ]
    );
    // The printable forms and the record carry the list, the observers and the steps.
    let (s, html) = app.page(&clerk, "/tasks/3/list/filing").await;
    assert_eq!(s, 200);
    assert!(html.contains("抽取名单备案表") && html.contains("局纪检组 周某"), "{html}");
    assert!(
        html.contains("同意抽取名单") || html.contains("抽取名单待秩序处备案"),
        "the consent is on the form"
    );
    assert!(html.contains("张局长（演示）（主要领导）"), "who consented is named");
    let (_, html) = app.page(&clerk, "/tasks/3/list/consent").await;
    assert!(html.contains("抽取名单审批表") && html.contains("市场体系处、市场监管"));
    let (_, html) = app.page(&clerk, "/tasks/3/record").await;
    assert!(html.contains("纪检监督：邀请 局纪检组 周某；到场 周某"), "{html}");
    // After the list is sent, the observers can no longer be changed.
    let resp = app
        .post_form(
            Some(&clerk),
            "ceremony_observers",
            &[("task_id", "3"), ("invited", "改"), ("present", "")],
        )
        .await;
    assert_eq!(resp.status(), 409);
}

#[tokio::test]
async fn a_send_back_never_allows_a_second_draw_and_an_abandoned_draw_stays_public() {
    let app = spawn_app().await;
    let (clerk, principal, order) =
        (app.sign_in("jingban.sctx").await, app.sign_in("zhuyao").await, app.sign_in("zhixu").await);
    let first = freeze_and_draw(&app, &clerk, 3).await;
    assert_eq!(step(&app, &clerk, 3, "list_submitted", "").await.0, 200);
    assert_eq!(step(&app, &principal, 3, "list_consented", "").await.0, 200);
    // The order office sends it back: a reason is required.
    assert_eq!(step(&app, &order, 3, "drawn", "").await.0, 400);
    assert_eq!(step(&app, &order, 3, "drawn", "检查组人员有利害关系").await.0, 200);
    assert_eq!(status_of(&app, 3).await, "drawn");
    // A second draw, or a second freeze, is refused (409) and recorded.
    let resp = app.post_form(Some(&clerk), "draw", &[("task_id", "3"), ("public_entropy", "6 6 6")]).await;
    assert_eq!(resp.status(), 409);
    assert!(resp.text().await.unwrap().contains("只能抽取一次"));
    assert_eq!(app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await.status(), 409);
    let refused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draw_attempts WHERE task_id = 3 AND outcome = 'refused'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(refused, 2);
    // Declaring the draw void is the principal leader's, with a reason.
    assert_eq!(step(&app, &clerk, 3, "planned", "重抽").await.0, 403);
    assert_eq!(step(&app, &principal, 3, "planned", "").await.0, 400);
    assert_eq!(step(&app, &principal, 3, "planned", "检查组须回避，本次抽取作废").await.0, 200);
    assert_eq!(status_of(&app, 3).await, "planned");
    let (s, html) = public_page(&app, "/public/tasks/3/draw").await;
    assert_eq!(s, 200);
    assert!(html.contains("本次抽取已作废") && html.contains("检查组须回避，本次抽取作废"), "{html}");

    // Drawn again: a new, separately published draw that names the abandoned one.
    let second = freeze_and_draw(&app, &clerk, 3).await;
    assert_ne!(first, second);
    let (dr1, replaces): (String, Option<i64>) =
        sqlx::query_as("SELECT dr1_task_id, replaces_draw_id FROM draws WHERE id = $1")
            .bind(second)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((dr1.as_str(), replaces), ("2023003-003-r1", Some(first)));
    let (_, html) = public_page(&app, "/public/tasks/3/draw").await;
    assert!(!html.contains("本次抽取已作废"), "the live draw is the new one");
    assert!(html.contains(&format!("/public/draws/{first}")), "it links the abandoned draw");
    let (s, html) = public_page(&app, &format!("/public/draws/{first}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("本次抽取已作废"), "{html}");
    // Both draws' public summaries are there to verify.
    for id in [first, second] {
        let (s, body) = public_page(&app, &format!("/public/data/draws/{id}/draw.json")).await;
        assert_eq!(s, 200, "{body}");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(doc["task"]["abandoned"].is_null(), id == second);
    }
    // The audit log has the abandonment with its reason.
    let abandoned: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'draw.abandon' AND entity_id = '3'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(abandoned, 1);
}

#[tokio::test]
async fn freezing_outside_the_window_without_an_adjustment_is_refused_naming_it() {
    let app = spawn_app().await;
    let (clerk, principal) = (app.sign_in("jingban.smfw").await, app.sign_in("zhuyao").await);
    assert_eq!(step(&app, &principal, 2, "planned", "同意").await.0, 200);
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "2")]).await;
    assert_eq!(resp.status(), 409);
    let body = resp.text().await.unwrap();
    assert!(body.contains("2023 年 5 月-6 月"), "the window is named: {body}");
    let draws: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draws WHERE task_id = 2").fetch_one(&app.db).await.unwrap();
    assert_eq!(draws, 0, "nothing written");
    let recorded: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT outcome, reason FROM draw_attempts WHERE task_id = 2")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].1.as_deref().unwrap_or("").contains("2023 年 5 月-6 月"));
}

#[tokio::test]
async fn a_special_inspection_is_drawn_and_absent_from_the_plans_figures() {
    let app = spawn_app().await;
    let (clerk, principal) = (app.sign_in("jingban").await, app.sign_in("zhuyao").await);
    let day = today();
    let (year, month): (i32, u32) = (day[..4].parse().unwrap(), day[5..7].parse().unwrap());
    let draft = serde_json::json!({ "draft": {
        "id": null, "year": year, "plan_no": format!("{year}ZX02"), "plan_name": "成品油零售企业专项检查",
        "task_no": "专项 002 号", "task_name": "成品油零售企业节日安全专项检查", "kind": "Targeted",
        "ratio_bp": 500, "risk_ratios_bp": {}, "item_ids": [1, 2], "scope_text": "全市成品油零售企业",
        "scope": { "category": "成品油零售企业", "filed_before": null, "regions": [], "risk_classes": [] },
        "initiating_department_id": "swj-zfzd", "joint_department_ids": [],
        "start_month": month, "end_month": month, "team_size": 2, "max_per_inspector": 0,
        "source": "Special", "assigned_by": "", "assigned_doc_no": ""
    }});
    let resp = app.post_json(Some(&clerk), "save_task", draft).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let id: i64 = resp.json().await.unwrap();
    assert_eq!(step(&app, &clerk, id, "submitted", "").await.0, 200);
    assert_eq!(step(&app, &principal, id, "planned", "").await.0, 200);
    freeze_and_draw(&app, &clerk, id).await;
    assert_eq!(status_of(&app, id).await, "drawn");

    // Not in the plan's tasks or counts; listed apart.
    let plan = app::ssr::db::plans::plan_of_year(&app.db, year).await.unwrap().unwrap();
    assert!(plan.tasks.iter().all(|t| t.id != id), "not a plan task");
    assert_eq!(plan.special.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);
    let demo = app::ssr::db::plans::plan_of_year(&app.db, 2023).await.unwrap().unwrap();
    assert_eq!(demo.tasks.len(), 3, "the 2023 plan keeps its three tasks");
    assert_eq!(demo.special.len(), 1, "the demo's special inspection is listed apart");
    let (_, html) = app.page(&clerk, &format!("/plans/{year}")).await;
    assert!(
        html.contains("共 0 项任务") && html.contains("专项检查与上级部署任务（不计入本计划）"),
        "{html}"
    );
    let (s, html) = public_page(&app, &format!("/public/plans/{year}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("special-tasks") && html.contains("成品油零售企业节日安全专项检查"));
    let (s, html) = public_page(&app, &format!("/public/tasks/{id}/draw")).await;
    assert_eq!(s, 200);
    assert!(html.contains("专项检查（不计入年度计划）"), "{html}");
}

#[tokio::test]
async fn the_public_pages_show_the_adjustment_and_the_joint_department() {
    let app = spawn_app().await;
    let reason = app::ssr::seed::demo::DEMO_ADJUSTMENT_REASON;
    let (s, html) = public_page(&app, "/public/plans/2023").await;
    assert_eq!(s, 200);
    assert!(html.contains("原定 2023 年 7 月-9 月，调整为") && html.contains(reason), "{html}");
    let (_, csv) = public_page(&app, "/public/data/plans/2023.csv").await;
    assert!(csv.contains("市场监管") && csv.contains(reason));

    // After its draw the draw page names both departments and the scope in words; the
    // published result cards name them too.
    let clerk = app.sign_in("jingban.sctx").await;
    let draw_id = freeze_and_draw(&app, &clerk, 3).await;
    let (_, html) = public_page(&app, "/public/tasks/3/draw").await;
    assert!(html.contains("市场体系处、市场监管"), "{html}");
    assert!(html.contains("检查对象类型：二手车销售企业") && html.contains("登记备案不晚于 2023-01-31"));
    assert!(!html.contains("信用风险分类："), "the public is not told risk classes");
    sqlx::query(
        "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, \
         problems, handling, entered_by, entered_at, updated_at, review_status, published_at) \
         SELECT s.draw_id, s.enterprise_id, '2026-01-05', '实地核查', '[]', '[\"未发现问题\"]', '', '[]', \
         'jingban.sctx', '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z', 'passed', '2026-01-06T00:00:00Z' \
         FROM draw_selections s WHERE s.draw_id = $1 AND s.position = 0",
    )
    .bind(draw_id)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE tasks SET status = 'published' WHERE id = 3").execute(&app.db).await.unwrap();
    let (s, html) = public_page(&app, "/public/tasks/3/results").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("市场体系处、市场监管"), "{html}");
}
