//! Tasks: saving drafts, validation, the frozen-task rule, and the live pool estimate.

use crate::helpers::spawn_app;
use app::domain::audit::Actor;
use app::domain::auth::{Role, SessionUser};
use app::domain::enterprise::RiskClass;
use app::domain::plan::TaskKind;
use app::domain::ratio::Ratio;
use app::domain::task::{Scope, TaskDraft};
use app::ssr::db::tasks;

const CLERK: Actor<'static> = Actor { name: "jingban", role: "clerk" };

/// A 经办人 of `department`, as the server would resolve one from a session.
pub fn clerk(department: &str) -> SessionUser {
    SessionUser {
        id: 1,
        username: "jingban".into(),
        display_name: "测试经办人".into(),
        role: Role::Clerk,
        department_id: Some(department.into()),
        department_name: None,
        inspector_id: None,
    }
}

fn fourth_task() -> TaskDraft {
    TaskDraft {
        id: None,
        year: 2023,
        plan_no: "2023004".into(),
        plan_name: "2023 年邯郸市商务局第四次内部联合随机抽查 004".into(),
        task_no: "004 号".into(),
        task_name: "2023 年商务局成品油销售企业专项随机抽查".into(),
        kind: TaskKind::Targeted,
        ratio_bp: Ratio::from_bp(300).unwrap(),
        risk_ratios_bp: [
            ("C".to_string(), Ratio::from_bp(1000).unwrap()),
            ("D".to_string(), Ratio::from_bp(2000).unwrap()),
        ]
        .into_iter()
        .collect(),
        item_ids: vec![1, 2],
        scope_text: "2023 年 6 月 30 日前登记备案的市场主体".into(),
        scope: Scope {
            category: Some("成品油零售企业".into()),
            filed_before: Some("2023-06-30".into()),
            regions: vec!["130402".into(), "130403".into(), "130481".into()],
            ..Scope::default()
        },
        initiating_department_id: "swj-zfzd".into(),
        joint_department_ids: vec!["scjgj".into()],
        start_month: 10,
        end_month: 11,
        team_size: 2,
        max_per_inspector: 3,
        source: Default::default(),
        assigned_by: String::new(),
        assigned_doc_no: String::new(),
        repeat_exclusion: Default::default(),
        watch_ratio_bp: None,
        batches: Vec::new(),
    }
}

#[tokio::test]
async fn a_fourth_task_is_saved_and_appears_in_the_plan() {
    let app = spawn_app().await;
    let id = tasks::save(&app.db, &fourth_task(), &clerk("swj-zfzd")).await.unwrap();
    let plan = app::ssr::db::plans::plan_of_year(&app.db, 2023).await.unwrap().unwrap();
    assert_eq!(plan.tasks.len(), 4);
    let t = plan.tasks.last().unwrap();
    assert_eq!(
        (t.id, t.task_no.as_str(), t.window.label()),
        (id, "004 号", "2023 年 10 月-11 月".to_string())
    );
    assert_eq!(t.items, "成品油零售企业年度检查情况、依法依规经营情况");
    assert_eq!(t.joint_departments, ["市场监管"]);
    // Read back exactly as saved, and shown on the plan page.
    assert_eq!(
        tasks::draft(&app.db, id).await.unwrap().unwrap(),
        TaskDraft { id: Some(id), ..fourth_task() }
    );
    let cookie = app.sign_in("jingban").await;
    let (_, html) = app.page(&cookie, "/").await;
    assert!(html.contains("2023 年商务局成品油销售企业专项随机抽查"));
    let (status, html) = app.page(&cookie, &format!("/tasks/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("2023 年 10 月-11 月"));
    // Recorded in the audit trail.
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'task.create' AND entity_id = $1")
            .bind(id.to_string())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn invalid_drafts_are_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let mut bad = fourth_task();
    bad.start_month = 12;
    bad.end_month = 3;
    let err = tasks::save(&app.db, &bad, &clerk("swj-zfzd")).await.unwrap_err();
    assert!(matches!(&err, app::error::AppError::Invalid { field, .. } if field == "window"), "{err:?}");
    let mut dup = fourth_task();
    dup.plan_no = "2023001".into();
    dup.task_no = "001 号".into();
    let err = tasks::save(&app.db, &dup, &clerk("swj-zfzd")).await.unwrap_err();
    assert!(err.to_string().contains("已有任务编号"), "{err}");
    let mut unknown = fourth_task();
    unknown.joint_department_ids = vec!["nowhere".into()];
    assert!(tasks::save(&app.db, &unknown, &clerk("swj-zfzd"))
        .await
        .unwrap_err()
        .to_string()
        .contains("nowhere"));
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks").fetch_one(&app.db).await.unwrap();
    assert_eq!(count, 5, "the demo's five tasks, nothing added");
}

#[tokio::test]
async fn only_drafts_are_edited_and_only_by_their_department() {
    let app = spawn_app().await;
    // Task 1 was drawn by the demo: refused.
    let mut drawn = tasks::draft(&app.db, 1).await.unwrap().unwrap();
    drawn.task_name.push_str("（改）");
    let err = tasks::save(&app.db, &drawn, &clerk("swj-zfzd")).await.unwrap_err();
    assert_eq!(err.status(), 409);
    assert!(err.to_string().contains("只有草稿"), "{err}");
    // Task 3 (市场体系处) is filed: what was approved cannot change.
    let mut filed = tasks::draft(&app.db, 3).await.unwrap().unwrap();
    filed.end_month = 10;
    let err = tasks::save(&app.db, &filed, &clerk("swj-sctx")).await.unwrap_err();
    assert_eq!(err.status(), 409, "{err}");
    // Sent back to draft, its own department's clerk may edit it; another office's may not.
    sqlx::query("UPDATE tasks SET status = 'draft' WHERE id = 3").execute(&app.db).await.unwrap();
    let err = tasks::save(&app.db, &filed, &clerk("swj-zfzd")).await.unwrap_err();
    assert_eq!(err.status(), 403, "{err}");
    tasks::save(&app.db, &filed, &clerk("swj-sctx")).await.unwrap();
    assert_eq!(tasks::draft(&app.db, 3).await.unwrap().unwrap().end_month, 10);
}

#[tokio::test]
async fn the_pool_estimate_matches_the_filters() {
    let app = spawn_app().await;
    let d = fourth_task();
    let est = tasks::estimate(&app.db, &d.scope, d.ratio_bp, &d.risk_ratios_bp).await.unwrap();
    let expected: Vec<(String, i64)> = sqlx::query_as(
        "SELECT risk_class, count(*) FROM enterprises WHERE status = 'active' AND category = '成品油零售企业' \
         AND filed_on <= '2023-06-30' AND region_code IN ('130402', '130403', '130481') GROUP BY risk_class ORDER BY 1",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let got: Vec<(String, i64)> = est.classes.iter().map(|c| (c.0.clone(), c.1 as i64)).collect();
    assert_eq!(got, expected);
    for (class, n, bp, quota) in &est.classes {
        let want_bp = match class.as_str() {
            "C" => 1000,
            "D" => 2000,
            _ => 300,
        };
        assert_eq!(bp.bp(), want_bp);
        assert_eq!(*quota, app::domain::draw::quota(*n, u64::from(bp.bp())));
        assert!(*quota >= 1, "不低于: at least one from a non-empty class");
    }
    // Narrowing to one risk class leaves only that class.
    let mut scope = d.scope.clone();
    scope.risk_classes = vec![RiskClass::D];
    let only_d =
        tasks::estimate(&app.db, &scope, Ratio::from_bp(200).unwrap(), &Default::default()).await.unwrap();
    assert!(only_d.classes.iter().all(|c| c.0 == "D"));
    // The demo task 3's pool, counted the way the draw freezes it.
    let t3 = tasks::draft(&app.db, 3).await.unwrap().unwrap();
    let est3 = tasks::estimate(&app.db, &t3.scope, t3.ratio_bp, &t3.risk_ratios_bp).await.unwrap();
    let frozen = app::ssr::db::draws::freeze(
        &app.db,
        3,
        &crate::helpers::today(),
        app::domain::audit::Actor { name: "测试", role: "clerk" },
    )
    .await
    .unwrap();
    assert_eq!(est3.total() as i64, frozen.pool_count);
}

#[tokio::test]
async fn the_plan_exports_to_xlsx_and_imports_back_through_http() {
    let app = spawn_app().await;
    let export = |year: i32, cookie: Option<String>| {
        let mut req = app.client.get(format!("{}/plans/{year}/export.xlsx", app.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap() }
    };
    let resp = export(2023, None).await;
    assert_eq!(resp.status(), 401, "the plan table is for signed-in staff");
    assert!(resp.text().await.unwrap().contains("请先登录"));
    let cookie = app.sign_in("jingban").await;
    let resp = export(2023, Some(cookie.clone())).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = resp.bytes().await.unwrap().to_vec();
    let parsed = app::ssr::files::plan_sheet::parse_xlsx(&bytes).unwrap();
    let plan = app::ssr::db::plans::plan_of_year(&app.db, 2023).await.unwrap().unwrap();
    assert_eq!(parsed.rows.len(), 3);
    for (row, task) in parsed.rows.iter().zip(&plan.tasks) {
        assert_eq!(
            (&row.plan_no, &row.task_no, &row.task_name),
            (&task.plan_no, &task.task_no, &task.task_name)
        );
        assert_eq!(row.window, task.window);
    }
    assert_eq!(parsed.remarks.as_deref(), Some(plan.remarks.as_str()));

    // Dry run of the same sheet: none of the demo tasks is a draft, so none may change.
    let report: app::domain::import::ImportReport = app
        .post_json(
            Some(&cookie),
            "import_plan",
            serde_json::json!({ "year": 2023, "file": bytes, "apply": true }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!report.applied);
    assert_eq!(report.rejected.len(), 3, "{report:?}");
    assert_eq!(report.rejected[0].row, 3);
    assert_eq!(report.rejected[0].column, "抽查任务编号");

    // A file that is not a spreadsheet gets a clear error.
    let resp = app
        .post_json(
            Some(&cookie),
            "import_plan",
            serde_json::json!({ "year": 2023, "file": b"not a spreadsheet".to_vec(), "apply": false }),
        )
        .await;
    assert!(!resp.status().is_success());
    assert!(resp.text().await.unwrap().contains("xlsx"));
    assert_eq!(export(2031, Some(cookie)).await.status(), 404);
}

#[tokio::test]
async fn plans_are_created_and_edited_and_pools_are_listed() {
    let app = spawn_app().await;
    let id =
        app::ssr::db::plans::save_plan(&app.db, 2024, "邯郸市商务局 2024 年度随机抽查工作计划", "无", CLERK)
            .await
            .unwrap();
    let again = app::ssr::db::plans::save_plan(
        &app.db,
        2024,
        "邯郸市商务局 2024 年度随机抽查工作计划（修订）",
        "修订",
        CLERK,
    )
    .await
    .unwrap();
    assert_eq!(id, again);
    let plan = app::ssr::db::plans::plan_of_year(&app.db, 2024).await.unwrap().unwrap();
    assert_eq!(
        (plan.title.as_str(), plan.remarks.as_str(), plan.tasks.len()),
        ("邯郸市商务局 2024 年度随机抽查工作计划（修订）", "修订", 0)
    );
    let err = app::ssr::db::plans::save_plan(&app.db, 2025, " ", "", CLERK).await.unwrap_err();
    assert!(matches!(err, app::error::AppError::Invalid { ref field, .. } if field == "title"));

    // Task 1's frozen pool, paged; task 3's pool as its scope gives it now.
    let frozen: i64 = sqlx::query_scalar("SELECT pool_count FROM draws WHERE task_id = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (rows, total) = app::ssr::db::pool::pool_page(&app.db, 1, 2, 50).await.unwrap();
    assert_eq!(total, frozen);
    assert_eq!(rows.len() as i64, (frozen - 50).min(50));
    let cookie = app.sign_in("jijian").await;
    let (_, html) = app.page(&cookie, "/tasks/3/pool").await;
    let t3 = tasks::draft(&app.db, 3).await.unwrap().unwrap();
    let est = tasks::estimate(&app.db, &t3.scope, t3.ratio_bp, &t3.risk_ratios_bp).await.unwrap();
    assert!(html.contains(&format!("共 {} 户", est.total())), "pool page shows the live count");
}
