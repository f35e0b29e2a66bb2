//! Results to the end (issue 18): the national publication's result values and 核查方式,
//! the migration that maps earlier values onto them, and each enterprise's result reviewed
//! and published on its own, on its own clock.

use crate::helpers::{
    fresh_postgres_database, spawn_app, test_backend_is_postgres, unmarked, TempDir, TestApp,
};
use sqlx::Connection;
use std::path::Path;

/// The first migration of the standard values.
const RESULTS_MIGRATION: i64 = 20261205200000;

fn result(code: &str, team: &[i64], on: &str) -> serde_json::Value {
    serde_json::json!({ "draft": {
        "task_id": 1, "code": code, "inspected_on": on, "method": "实地核查",
        "attended": team, "categories": ["未发现问题"], "problems": "", "handling": [],
        "referral_department": ""
    }})
}

async fn review(app: &TestApp, head: &str, code: &str, pass: bool, comment: &str) -> (u16, String) {
    let pass = if pass { "true" } else { "false" };
    let resp = app
        .post_form(
            Some(head),
            "review_result",
            &[("task_id", "1"), ("code", code), ("pass", pass), ("comment", comment)],
        )
        .await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn each_enterprise_is_published_on_its_own_and_keeps_its_own_clock() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    assert!(teams.len() >= 3, "the demo task draws several enterprises");
    let (last, others) = teams.split_last().unwrap();
    let today = crate::helpers::today();
    for (code, team) in others {
        let resp = app.post_json(Some(&clerk), "save_result", result(code, team, &today)).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    }
    // The last enterprise was inspected long ago (the demo draw is dated 2023-03-10).
    let resp = app.post_json(Some(&clerk), "save_result", result(&last.0, &last.1, "2023-03-20")).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    // The demo draw's secret is random, so task 1 may select an enterprise whose 2022
    // result is already published: "nothing public yet" holds for the others.
    let published_before: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT e.credit_code FROM inspection_results r JOIN enterprises e ON e.id = r.enterprise_id \
         WHERE r.published_at IS NOT NULL",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let unpublished = |code: &str| !published_before.iter().any(|c| c == code);
    // Nothing is public before the office head passes it.
    let search = |code: String| {
        let url = format!("{}/public/results?q={code}", app.base);
        let client = app.client.clone();
        async move { client.get(&url).send().await.unwrap().text().await.unwrap() }
    };
    for (code, _) in others.iter().filter(|(c, _)| unpublished(c)) {
        assert!(search(code.clone()).await.contains("没有找到"), "{code} is not public before it is passed");
    }
    // Only the office head publishes, and only a result that is in.
    assert_eq!(review(&app, &clerk, &others[0].0, true, "").await.0, 403);
    // All but the last are passed, and so published, while the task is still being inspected.
    for (code, _) in others {
        let (s, body) = review(&app, &head, code, true, "").await;
        assert_eq!(s, 200, "{body}");
    }
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 1").fetch_one(&app.db).await.unwrap();
    assert_eq!(status, "inspecting", "publishing one enterprise does not move the task");
    // Passing twice is refused; a published result can no longer be changed.
    let (s, body) = review(&app, &head, &others[0].0, true, "").await;
    assert_eq!(s, 409, "{body}");
    let resp = app.post_json(Some(&clerk), "save_result", result(&others[0].0, &others[0].1, &today)).await;
    assert_eq!(resp.status(), 409);
    for (code, _) in others {
        assert!(search(code.clone()).await.contains(code.as_str()), "{code} is public once published");
    }
    if unpublished(&last.0) {
        assert!(search(last.0.clone()).await.contains("没有找到"), "the one under review is not public");
    }
    let html = app.client.get(format!("{}/public/tasks/1/results", app.base)).send().await.unwrap();
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("按时公示") && !html.contains("逾期公示"), "inspected today, published today");
    assert!(!html.contains(last.0.as_str()));

    // The staff's deadlines: each enterprise on its own clock; the last is already overdue.
    let resp = app.post_form(Some(&head), "deadlines", &[]).await;
    assert_eq!(resp.status(), 200);
    let rows: serde_json::Value = resp.json().await.unwrap();
    let task = rows.as_array().unwrap().iter().find(|r| r["task_id"] == 1).expect("task 1 has a deadline");
    let enterprises = task["enterprises"].as_array().unwrap();
    assert_eq!(enterprises.len(), teams.len());
    let of = |code: &str| enterprises.iter().find(|e| e["code"] == code).unwrap().clone();
    assert_eq!(of(&last.0)["due"], "2023-04-18", "20 working days from 2023-03-20 (清明 4-5 is off)");
    assert!(of(&last.0)["published_on"].is_null());
    assert!(of(&last.0)["working_days_left"].as_i64().unwrap() < 0, "overdue");
    assert_eq!(of(&others[0].0)["published_on"], today.as_str());

    // The last is published in its turn: late, on its own account.
    let (s, body) = review(&app, &head, &last.0, true, "").await;
    assert_eq!(s, 200, "{body}");
    let page = search(last.0.clone()).await;
    assert!(page.contains(last.0.as_str()) && page.contains("逾期公示"), "{page}");
    let html = app.client.get(format!("{}/public/tasks/1/results", app.base)).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains("按时公示") && html.contains("逾期公示"), "each result has its own verdict");
    // The audit trail says who published what.
    let published: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'result.publish' AND actor = 'chuzhang'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(published, teams.len() as i64);
}

#[tokio::test]
async fn a_returned_result_is_corrected_before_it_is_published() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (code, team) = &teams[0];
    let today = crate::helpers::today();
    assert_eq!(app.post_json(Some(&clerk), "save_result", result(code, team, &today)).await.status(), 200);
    let (s, body) = review(&app, &head, code, false, "").await;
    assert_eq!(s, 400, "a return needs its reason: {body}");
    assert_eq!(review(&app, &head, code, false, "检查日期有误").await.0, 200);
    let (s, body) = review(&app, &head, code, true, "").await;
    assert_eq!(s, 409, "a returned result is entered again first: {body}");
    assert!(body.contains("退回"), "{body}");
    assert_eq!(app.post_json(Some(&clerk), "save_result", result(code, team, &today)).await.status(), 200);
    assert_eq!(review(&app, &head, code, true, "").await.0, 200);
}

#[tokio::test]
async fn the_standard_values_are_the_only_ones_accepted() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (code, team) = &teams[0];
    let mut old = result(code, team, &crate::helpers::today());
    old["draft"]["method"] = "现场检查".into();
    let resp = app.post_json(Some(&clerk), "save_result", old).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("实地核查"), "the message lists the 核查方式");
    let mut gone = result(code, team, &crate::helpers::today());
    gone["draft"]["categories"] = serde_json::json!(["已注销"]);
    let resp = app.post_json(Some(&clerk), "save_result", gone.clone()).await;
    assert_eq!(resp.status(), 400, "a deregistered enterprise needs the circumstances written");
    gone["draft"]["problems"] = "登记机关查询显示已注销".into();
    let resp = app.post_json(Some(&clerk), "save_result", gone).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

/// The migration maps earlier values onto the standard list, on a database that holds rows
/// written before it (foreign keys set aside: the rows stand alone).
#[tokio::test]
async fn the_migration_maps_earlier_values_onto_the_standard_list() {
    let dir = TempDir::new("results-migration");
    let backend = if test_backend_is_postgres() { "postgres" } else { "sqlite" };
    // The migrations before this one, as a source of their own.
    let older = dir.join("older");
    std::fs::create_dir_all(&older).unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(backend);
    for entry in std::fs::read_dir(&all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let version: i64 = name[..14].parse().unwrap();
        if version < RESULTS_MIGRATION {
            std::fs::copy(&path, older.join(&name)).unwrap();
        }
    }
    let older = sqlx::migrate::Migrator::new(older.as_path()).await.unwrap();
    let newer = sqlx::migrate::Migrator::new(all.as_path()).await.unwrap();
    let rows: [(&str, &str, &str); 3] = [
        ("现场检查", r#"["未按规定公示应当公示的信息","公示信息隐瞒真实情况、弄虚作假"]"#, "年报未公示"),
        ("其他", r#"["其他"]"#, ""),
        ("书面检查", r#"["未发现问题"]"#, ""),
    ];
    let insert = "INSERT INTO inspection_results (id, draw_id, enterprise_id, inspected_on, method, attended, \
                  categories, problems, entered_by, entered_at) VALUES ($1, 1, $1, '2023-03-20', $2, '[1,2]', $3, $4, 'jingban', '2023-03-20T08:00:00Z')";
    let read = "SELECT method, categories, problems FROM inspection_results ORDER BY id";
    let after: Vec<(String, String, String)> = if backend == "postgres" {
        let url = fresh_postgres_database().await;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        older.run(&mut conn).await.unwrap();
        sqlx::query(
            "ALTER TABLE inspection_results DROP CONSTRAINT inspection_results_draw_id_fkey, \
             DROP CONSTRAINT inspection_results_enterprise_id_fkey",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        for (i, (m, c, p)) in rows.iter().enumerate() {
            sqlx::query(insert).bind(i as i64 + 1).bind(m).bind(c).bind(p).execute(&mut conn).await.unwrap();
        }
        newer.run(&mut conn).await.unwrap();
        sqlx::query_as(read).fetch_all(&mut conn).await.unwrap()
    } else {
        let url = format!("sqlite://{}?mode=rwc", dir.join("old.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut conn).await.unwrap();
        older.run(&mut conn).await.unwrap();
        for (i, (m, c, p)) in rows.iter().enumerate() {
            sqlx::query(insert).bind(i as i64 + 1).bind(m).bind(c).bind(p).execute(&mut conn).await.unwrap();
        }
        newer.run(&mut conn).await.unwrap();
        sqlx::query_as(read).fetch_all(&mut conn).await.unwrap()
    };
    let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap();
    assert_eq!(after[0].0, "实地核查");
    assert_eq!(list(&after[0].1), ["发现问题待后续处理"], "two old problem values become one");
    assert_eq!(after[0].2, "年报未公示");
    assert_eq!(after[1].0, "实地核查");
    assert_eq!(list(&after[1].1), ["发现问题待后续处理"]);
    assert_eq!(after[1].2, "（迁移前检查结果为“其他”，未写明问题）（迁移前核查方式为“其他”）");
    assert_eq!((after[2].0.as_str(), list(&after[2].1)), ("书面检查", vec!["未发现问题".to_string()]));
    for (method, categories, _) in &after {
        assert!(app::domain::result::METHODS.contains(&method.as_str()));
        for c in list(categories) {
            assert!(app::domain::result::CATEGORIES.contains(&c.as_str()), "{c}");
        }
    }
}

#[tokio::test]
async fn a_follow_up_goes_from_an_order_to_correct_to_finished() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (code, team) = &teams[0];
    let today = crate::helpers::today();
    let mut found = result(code, team, &today);
    found["draft"]["categories"] = serde_json::json!(["发现问题已责令改正"]);
    found["draft"]["problems"] = "购销台账登记不全".into();
    found["draft"]["handling"] = serde_json::json!(["责令改正"]);
    assert_eq!(app.post_json(Some(&clerk), "save_result", found).await.status(), 200);
    assert_eq!(review(&app, &head, code, true, "").await.0, 200);

    // Publishing opened the follow-up; the office sees it with its age.
    let list = |who: String| {
        let app = &app;
        async move {
            let resp = app.post_form(Some(&who), "follow_ups", &[]).await;
            (resp.status().as_u16(), resp.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    let (s, all) = list(head.clone()).await;
    assert_eq!(s, 200);
    let mine = all.as_array().unwrap().iter().find(|f| f["code"] == code.as_str()).expect("opened").clone();
    assert_eq!((mine["kind"].as_str(), mine["done"].as_bool()), (Some("责令改正"), Some(false)));
    assert_eq!(all[0]["id"], mine["id"], "open follow-ups come first");
    assert_eq!(mine["age_days"], 0);
    assert_eq!(mine["can_edit"], true);
    // Inspectors do not handle follow-ups; other roles read but do not write.
    assert_eq!(list(app.sign_in("zhifa").await).await.0, 403);
    let (s, seen) = list(app.sign_in("lingdao").await).await;
    assert_eq!(s, 200);
    assert!(seen.as_array().unwrap().iter().all(|f| f["can_edit"] == false));
    let id = mine["id"].as_i64().unwrap();
    let save = |who: String, fields: serde_json::Value, finish: bool| {
        let app = &app;
        async move {
            let body = serde_json::json!({ "update": { "id": id, "fields": fields, "finish": finish } });
            let resp = app.post_json(Some(&who), "save_follow_up", body).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let empty = serde_json::json!({
        "deadline": "", "recheck_on": "", "outcome": "", "case_no": "", "decision_no": "", "decided_on": "",
        "penalty": "", "referred_to": "", "referred_on": "", "receipt": "", "note": ""
    });
    let (s, body) = save(app.sign_in("lingdao").await, empty.clone(), false).await;
    assert_eq!(s, 403, "{body}");
    // Publicly it is under way.
    let card = || async {
        let url = format!("{}/public/results?q={code}", app.base);
        app.client.get(url).send().await.unwrap().text().await.unwrap()
    };
    assert!(card().await.contains("责令改正（办理中）"));
    // Progress is recorded bit by bit; finishing needs the re-check, named by its field.
    let mut progress = empty.clone();
    progress["deadline"] = "2099-01-31".into();
    assert_eq!(save(clerk.clone(), progress.clone(), false).await.0, 200);
    let (s, body) = save(clerk.clone(), progress.clone(), true).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("recheck_on") && body.contains("复查日期"), "{body}");
    let mut done = progress;
    done["recheck_on"] = today.clone().into();
    done["outcome"] = "已改正".into();
    let (s, body) = save(head.clone(), done.clone(), true).await;
    assert_eq!(s, 200, "{body}");
    assert!(card().await.contains(&format!("责令改正（已完结，{today}：{today} 复查，已改正）")));
    let (s, body) = save(head.clone(), done, false).await;
    assert_eq!(s, 409, "finished is final: {body}");
    let (_, all) = list(head.clone()).await;
    let finished = all.as_array().unwrap().iter().find(|f| f["id"] == id).unwrap();
    assert_eq!(
        (finished["done"].as_bool(), finished["finished_on"].as_str()),
        (Some(true), Some(today.as_str()))
    );
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_type = 'follow_up' ORDER BY seq")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, ["follow_up.update", "follow_up.finish"]);
}

#[tokio::test]
async fn the_demo_shows_follow_ups_to_their_end() {
    let app = spawn_app().await;
    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM follow_ups WHERE status = 'open'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM follow_ups WHERE status = 'done'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(open, 0);
    assert!(done >= 2, "the 2022 task's orders to correct and referrals are finished ({done})");
    let html =
        app.client.get(format!("{}/public/data", app.base)).send().await.unwrap().text().await.unwrap();
    let task: i64 = sqlx::query_scalar("SELECT id FROM tasks WHERE window_year = 2022 LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(html.contains(&format!("/public/data/tasks/{task}/results.csv")));
    let csv = app
        .client
        .get(format!("{}/public/data/tasks/{task}/results.csv", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("责令改正（已完结，2022-05-11：2022-05-11 复查，已改正，购销台账补登完整）"),
        "{csv}"
    );
    assert!(csv.contains("移送（已完结，2022-05-20"), "{csv}");
}

/// The rows of a CSV the export wrote (BOM off, CRLF lines, no quoted commas in this data).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.trim_start_matches('\u{FEFF}');
    text.lines().map(|l| l.split(',').map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn the_year_s_published_results_leave_in_the_gsxt_layout() {
    let app = spawn_app().await;
    // `shuangsui export results --year Y [--template T] FILE` on this app's database.
    let export = |year: &str, file: &Path, template: Option<&Path>| {
        let (file, db) = (file.to_str().unwrap(), app.db_url.as_str());
        let mut args = vec!["export", "results", "--year", year];
        if let Some(t) = template {
            args.extend(["--template", t.to_str().unwrap()]);
        }
        args.extend([file, "--db", db]);
        crate::helpers::run(&args)
    };
    let out = app.dir.join("results-2022.csv");
    let (code, stdout, stderr) = export("2022", &out, None);
    assert_eq!(code, 0, "{stderr}");
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "抽查计划编号",
            "抽查计划名称",
            "抽查任务编号",
            "抽查任务名称",
            "抽查类型",
            "抽查机关",
            "抽查完成日期",
            "统一社会信用代码",
            "企业名称",
            "检查事项",
            "检查结果",
            "核查方式",
            "后续处置",
            "公示日期"
        ]
    );
    // One row per published enterprise and inspection item of the 2022 task.
    let (published, items): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
         JOIN tasks t ON t.id = d.task_id WHERE t.window_year = 2022 AND r.published_at IS NOT NULL), \
         (SELECT count(*) FROM task_items ti JOIN tasks t ON t.id = ti.task_id WHERE t.window_year = 2022)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(published > 0 && items > 0);
    assert_eq!(rows.len() as i64 - 1, published * items, "{stdout}");
    assert!(stdout.contains(&format!("{} 行", published * items)), "{stdout}");
    let codes: Vec<&str> = rows[1..].iter().map(|r| r[7].as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "in credit-code order");
    for r in &rows[1..] {
        assert_eq!(r.len(), 14);
        assert!(app::domain::result::METHODS.contains(&r[11].as_str()));
        for value in r[10].split('、') {
            assert!(app::domain::result::CATEGORIES.contains(&value), "{value}");
        }
        assert!(r[13].starts_with("2022-04-"), "published in April 2022: {}", r[13]);
        assert_eq!(r[4], "定向", "the 2022 task is 定向 (成品油零售企业)");
    }
    assert!(rows.iter().any(|r| r[12].starts_with("责令改正（已完结")), "follow-ups travel with the result");
    // A task not yet published gives a header and nothing else; nothing of 2023 leaks.
    let none = app.dir.join("results-2023.csv");
    assert_eq!(export("2023", &none, None).0, 0);
    assert_eq!(csv_rows(&none).len(), 1);
    // Exporting again gives the same bytes (nothing in the file depends on when it ran).
    let again = app.dir.join("again.csv");
    assert_eq!(export("2022", &again, None).0, 0);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
    // The .xlsx carries the same cells.
    let xlsx = app.dir.join("results-2022.xlsx");
    assert_eq!(export("2022", &xlsx, None).0, 0);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    // A province's own layout: renamed, reordered, dropped columns.
    let template = app.dir.join("province.template");
    std::fs::write(&template, "# 省平台\n社会信用代码 = code\n单位名称 = name\n结果 = result\n").unwrap();
    let mine = app.dir.join("province.csv");
    let (code, _, err) = export("2022", &mine, Some(template.as_path()));
    assert_eq!(code, 0, "{err}");
    let province = csv_rows(&mine);
    assert_eq!(province[0], ["社会信用代码", "单位名称", "结果"]);
    assert_eq!(province[1], [rows[1][7].clone(), rows[1][8].clone(), rows[1][10].clone()]);
    // An unknown source field is refused with its name, and nothing is written.
    std::fs::write(&template, "社会信用代码 = code\n罚款金额 = fine_amount\n").unwrap();
    let refused = app.dir.join("refused.csv");
    let (code, _, err) = export("2022", &refused, Some(template.as_path()));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fine_amount") && err.contains("第 2 行"), "{err}");
    assert!(!refused.exists());

    // Staff download the same file from the plan page; the public cannot.
    let head = app.sign_in("chuzhang").await;
    let url = format!("{}/plans/2022/results/results.csv", app.base);
    let resp = app.client.get(&url).header("cookie", &head).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("results-2022.csv"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), std::fs::read(&out).unwrap().as_slice());
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_published_result_is_corrected_as_a_new_version_with_its_reason() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (code, team) = &teams[0];
    let today = crate::helpers::today();
    assert_eq!(app.post_json(Some(&clerk), "save_result", result(code, team, &today)).await.status(), 200);
    let mut fixed = result(code, team, &today);
    fixed["draft"]["categories"] = serde_json::json!(["发现问题已责令改正"]);
    fixed["draft"]["problems"] = "复核发现购销台账登记不全".into();
    fixed["draft"]["handling"] = serde_json::json!(["责令改正"]);
    let correct = |who: String, body: serde_json::Value, reason: &str| {
        let app = &app;
        let mut body = body;
        body["reason"] = reason.into();
        async move {
            let resp = app.post_json(Some(&who), "correct_result", body).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    // Not yet published: it is simply edited, not corrected.
    let (s, body) = correct(head.clone(), fixed.clone(), "复核").await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(review(&app, &head, code, true, "").await.0, 200);
    // Once published only the office head corrects it, and only with a reason.
    let (s, _) = correct(clerk.clone(), fixed.clone(), "复核").await;
    assert_eq!(s, 403);
    let (s, body) = correct(head.clone(), fixed.clone(), "  ").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("reason") && body.contains("理由"), "{body}");
    assert_eq!(app.post_json(Some(&clerk), "save_result", fixed.clone()).await.status(), 409);
    let (s, body) = correct(head.clone(), fixed.clone(), "复核台账后更正检查结果").await;
    assert_eq!(s, 200, "{body}");

    // The public sees the current version, marked 已更正 with the date and the reason.
    let page = app
        .client
        .get(format!("{}/public/results?q={code}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("已更正（{today}）：复核台账后更正检查结果")), "{page}");
    assert!(page.contains("复核发现购销台账登记不全") && page.contains("责令改正（办理中）"), "{page}");
    // Staff see both versions.
    let resp = app.post_form(Some(&head), "results", &[("task_id", "1")]).await;
    let results: serde_json::Value = resp.json().await.unwrap();
    let row = results["rows"].as_array().unwrap().iter().find(|r| r["code"] == code.as_str()).unwrap();
    let current = &row["result"];
    assert_eq!(current["version"], 2);
    assert_eq!(current["draft"]["categories"], serde_json::json!(["发现问题已责令改正"]));
    let history = current["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["version"], 1);
    assert_eq!(history[0]["draft"]["categories"], serde_json::json!(["未发现问题"]));
    assert_eq!(history[0]["reason"], "复核台账后更正检查结果");
    assert_eq!(history[0]["replaced_by"], "chuzhang");
    // The audit trail holds the old version as the correction's before.
    let (before, after): (String, String) =
        sqlx::query_as("SELECT before_json, after_json FROM audit_log WHERE action = 'result.correct'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(before.contains("未发现问题") && after.contains("复核台账后更正检查结果"), "{before} {after}");
}

#[tokio::test]
async fn a_penalty_is_public_during_its_period_and_gone_after_it() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let code: String = sqlx::query_scalar("SELECT credit_code FROM enterprises ORDER BY id LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let today = crate::helpers::today();
    let draft = |decision: &str| {
        serde_json::json!({ "draft": {
            "code": code, "follow_up_id": null, "decision_no": decision, "violation_type": "未按规定备案",
            "facts": "变更经营场所后未办理备案变更", "basis": "《拍卖管理办法》第三十五条",
            "content": "警告，罚款", "fine_yuan": "5000", "authority": "邯郸市商务局（演示）",
            "decided_on": today, "severity": "minor"
        }})
    };
    let publish = |who: String, body: serde_json::Value| {
        let app = &app;
        async move {
            let resp = app.post_json(Some(&who), "publish_penalty", body).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    assert_eq!(publish(clerk.clone(), draft("邯商罚〔2026〕1号")).await.0, 403, "the office head publishes");
    let mut bad = draft("邯商罚〔2026〕1号");
    bad["draft"]["fine_yuan"] = "五千".into();
    let (s, body) = publish(head.clone(), bad).await;
    assert_eq!(s, 400);
    assert!(body.contains("fine_yuan") && body.contains("罚款金额"), "{body}");
    let (s, body) = publish(head.clone(), draft("邯商罚〔2026〕1号")).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = publish(head.clone(), draft("邯商罚〔2026〕1号")).await;
    assert_eq!(s, 409, "one publication per decision: {body}");
    let (s, body) = publish(head.clone(), draft("邯商罚〔2026〕2号")).await;
    assert_eq!(s, 200, "{body}");

    let portal = || async {
        app.client.get(format!("{}/public/penalties", app.base)).send().await.unwrap().text().await.unwrap()
    };
    let page = portal().await;
    for shown in [
        "邯商罚〔2026〕1号",
        code.as_str(),
        "未按规定备案",
        "变更经营场所后未办理备案变更",
        "《拍卖管理办法》第三十五条",
        "警告，罚款",
        "5000.00 元",
        "邯郸市商务局（演示）",
        today.as_str(),
    ] {
        assert!(page.contains(shown), "the portal shows {shown}");
    }
    // A minor penalty is public for three months.
    let until: String =
        sqlx::query_scalar("SELECT publish_until FROM penalties WHERE decision_no = '邯商罚〔2026〕1号'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(until.as_str() > today.as_str() && page.contains(&until));
    // After its period (the clock moved past it) the portal no longer shows it; staff still do.
    sqlx::query("UPDATE penalties SET published_on = '2020-01-02', publish_until = '2020-04-02' WHERE decision_no = '邯商罚〔2026〕1号'")
        .execute(&app.db)
        .await
        .unwrap();
    let page = portal().await;
    assert!(!page.contains("邯商罚〔2026〕1号") && page.contains("邯商罚〔2026〕2号"));
    // An early end (信用修复) needs a reason and is audited.
    let id: i64 = sqlx::query_scalar("SELECT id FROM penalties WHERE decision_no = '邯商罚〔2026〕2号'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let id = id.to_string();
    let resp = app.post_form(Some(&head), "end_penalty", &[("id", &id), ("reason", "")]).await;
    assert_eq!(resp.status(), 400);
    let resp = app
        .post_form(Some(&head), "end_penalty", &[("id", &id), ("reason", "已履行处罚决定，信用修复")])
        .await;
    assert_eq!(resp.status(), 200);
    assert!(!portal().await.contains("邯商罚〔2026〕2号"));
    let resp = app.post_form(Some(&clerk), "penalties", &[]).await;
    let all: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2, "the record stays for staff");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_type = 'penalty' ORDER BY seq")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(audited, ["penalty.publish", "penalty.publish", "penalty.end"]);

    // The year's decisions leave in the 双公示 layout, ended or not.
    let out = app.dir.join("penalties.csv");
    let year = &today[..4];
    let (code_, stdout, err) = crate::helpers::run(&[
        "export",
        "penalties",
        "--year",
        year,
        out.to_str().unwrap(),
        "--db",
        &app.db_url,
    ]);
    assert_eq!(code_, 0, "{err}");
    assert!(stdout.contains("2 条"), "{stdout}");
    let rows = csv_rows(&out);
    assert_eq!(
        rows[0],
        [
            "行政相对人名称",
            "统一社会信用代码",
            "行政处罚决定书文号",
            "违法行为类型",
            "违法事实",
            "处罚依据",
            "处罚内容",
            "罚款金额（万元）",
            "处罚机关",
            "处罚决定日期",
            "公示日期",
            "公示截止期"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[1][1].as_str(), rows[1][7].as_str()), (code.as_str(), "0.5"));
}

/// A task with two inspection items: one verdict per enterprise and item, the enterprise's
/// summary from them, each item's verdict on the portal and in the GSXT file.
#[tokio::test]
async fn a_task_with_two_items_gives_two_verdicts_per_enterprise() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    // The demo's task 1 (成品油零售) has two items.
    let items: Vec<(i64, String)> = sqlx::query_as(
        "SELECT i.id, i.name FROM task_items ti JOIN inspection_items i ON i.id = ti.item_id \
         WHERE ti.task_id = 1 ORDER BY ti.position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(items.len(), 2);
    let ((first, first_name), (second, second_name)) = (items[0].clone(), items[1].clone());
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (code, team) = &teams[0];
    let today = crate::helpers::today();
    let mut body = result(code, team, &today);
    body["draft"]["handling"] = serde_json::json!(["责令改正"]);
    // One item only: refused, naming the missing one, nothing stored.
    body["draft"]["verdicts"] =
        serde_json::json!([{ "item_id": first, "categories": ["未发现问题"], "problems": "" }]);
    let resp = app.post_json(Some(&clerk), "save_result", body.clone()).await;
    assert_eq!(resp.status(), 400);
    let text = resp.text().await.unwrap();
    assert!(
        text.contains("verdicts") && text.contains(&format!("请填写“{second_name}”的检查结果")),
        "{text}"
    );
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM result_items").fetch_one(&app.db).await.unwrap();
    let before = stored;
    // Both items: the second found a problem, written down.
    body["draft"]["verdicts"] = serde_json::json!([
        { "item_id": second, "categories": ["发现问题已责令改正"], "problems": "未按规定报送统计数据" },
        { "item_id": first, "categories": ["未发现问题"], "problems": "" },
    ]);
    let resp = app.post_json(Some(&clerk), "save_result", body.clone()).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM result_items").fetch_one(&app.db).await.unwrap();
    assert_eq!(stored, before + 2);
    let resp = app.post_form(Some(&head), "results", &[("task_id", "1")]).await;
    let results: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(results["items"].as_array().unwrap().len(), 2);
    let row = results["rows"].as_array().unwrap().iter().find(|r| r["code"] == code.as_str()).unwrap();
    let draft = &row["result"]["draft"];
    assert_eq!(draft["categories"], serde_json::json!(["发现问题已责令改正"]), "the enterprise's summary");
    assert_eq!(draft["problems"], format!("【{second_name}】未按规定报送统计数据"));
    let verdicts = draft["verdicts"].as_array().unwrap();
    assert_eq!(verdicts[0]["item_id"], first, "in the task's item order");
    assert_eq!(verdicts[0]["categories"], serde_json::json!(["未发现问题"]));
    assert_eq!(verdicts[1]["categories"], serde_json::json!(["发现问题已责令改正"]));

    // Published: the portal shows each item's verdict.
    assert_eq!(review(&app, &head, code, true, "").await.0, 200);
    let page = app.client.get(format!("{}/public/results?q={code}", app.base)).send().await.unwrap();
    let page = unmarked(page.text().await.unwrap());
    assert!(page.contains("public-verdicts"), "{page}");
    assert!(page.contains(&format!("<b>{first_name}</b>：未发现问题")), "{page}");
    assert!(
        page.contains(&format!("<b>{second_name}</b>：发现问题已责令改正：未按规定报送统计数据")),
        "{page}"
    );

    // The GSXT file: one row per item, each with its own verdict.
    let out = app.dir.join("task-1.csv");
    let (status, _, err) = crate::helpers::run(&[
        "export",
        "results",
        "--year",
        "2023",
        "--task",
        "1",
        out.to_str().unwrap(),
        "--db",
        &app.db_url,
    ]);
    assert_eq!(status, 0, "{err}");
    let rows = csv_rows(&out);
    let mine: Vec<(&str, &str)> =
        rows[1..].iter().filter(|r| r[7] == *code).map(|r| (r[9].as_str(), r[10].as_str())).collect();
    assert_eq!(mine, [(first_name.as_str(), "未发现问题"), (second_name.as_str(), "发现问题已责令改正")]);
}

/// Every row of the results tables, as text (to show an import changed nothing).
async fn results_state(db: &sqlx::AnyPool) -> Vec<String> {
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT r.id || '|' || r.inspected_on || '|' || r.method || '|' || r.categories || '|' || r.problems || '|' || \
         r.handling || '|' || r.review_status || '|' || coalesce(r.published_at, '') || '|' || r.entered_by || '|' || \
         coalesce(r.updated_at, '') FROM inspection_results r ORDER BY r.id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let items: Vec<String> = sqlx::query_scalar(
        "SELECT result_id || '|' || item_id || '|' || categories || '|' || problems FROM result_items \
         ORDER BY result_id, item_id",
    )
    .fetch_all(db)
    .await
    .unwrap();
    rows.extend(items);
    rows
}

/// Results entered in the province's system come back from its export: checked row by row,
/// a dry run unless applied, all or nothing, as the named account; our own export read
/// back changes nothing.
#[tokio::test]
async fn results_come_back_from_the_province_s_file() {
    let app = spawn_app().await;
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--db", app.db_url.as_str()]);
        crate::helpers::run(&all)
    };
    // Our own 2022 export, read back: every enterprise unchanged, nothing written.
    let out = app.dir.join("results-2022.csv");
    assert_eq!(run(&["export", "results", "--year", "2022", out.to_str().unwrap()]).0, 0);
    let before = results_state(&app.db).await;
    let published: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id JOIN tasks t ON t.id = d.task_id \
         WHERE t.window_year = 2022 AND r.published_at IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (code, stdout, stderr) =
        run(&["import", "results", out.to_str().unwrap(), "--as", "jingban", "--apply"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("新增 0 户，更新 0 户，未变 {published} 户")), "{stdout}");
    assert_eq!(results_state(&app.db).await, before, "re-importing our own export changes nothing");

    // New results of task 1 (being inspected), two enterprises, in the GSXT layout.
    let (plan_no, task_no): (String, String) =
        sqlx::query_as("SELECT plan_no, task_no FROM tasks WHERE id = 1").fetch_one(&app.db).await.unwrap();
    let items: Vec<String> = sqlx::query_scalar(
        "SELECT i.name FROM task_items ti JOIN inspection_items i ON i.id = ti.item_id WHERE ti.task_id = 1 \
         ORDER BY ti.position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(items.len(), 2, "the demo's task 1 has two items");
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let today = crate::helpers::today();
    let header =
        "抽查计划编号,抽查任务编号,统一社会信用代码,检查事项,检查结果,核查方式,抽查完成日期,后续处置\n";
    // One row per item: the first item's verdict as given, the second found nothing.
    let line = |code: &str, result: &str, handling: &str| {
        format!(
            "{plan_no},{task_no},{code},{},{result},实地核查,{today},{handling}\n\
             {plan_no},{task_no},{code},{},未发现问题,实地核查,{today},{handling}\n",
            items[0], items[1]
        )
    };
    let good = format!(
        "{header}{}{}",
        line(&teams[0].0, "未发现问题", "无"),
        line(&teams[1].0, "发现问题已责令改正", "责令改正")
    );
    let file = app.dir.join("province.csv");
    std::fs::write(&file, &good).unwrap();
    let path = file.to_str().unwrap();
    let (code, stdout, _) = run(&["import", "results", path, "--as", "jingban"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("预检通过，将新增 2 户"), "{stdout}");
    assert_eq!(results_state(&app.db).await, before, "a dry run writes nothing");

    // A bad row anywhere: every problem named by row and column, nothing written.
    let bad = format!(
        "{good}{}{}",
        line(&teams[2].0, "合格", "无"),
        line("91110000000000000X", "未发现问题", "无")
    );
    std::fs::write(&file, &bad).unwrap();
    let (code, stdout, _) = run(&["import", "results", path, "--as", "jingban", "--apply"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("第 6 行 [检查结果]：“合格”不是标准检查结果"), "{stdout}");
    assert!(stdout.contains("第 8 行 [统一社会信用代码]"), "{stdout}");
    assert_eq!(results_state(&app.db).await, before, "nothing of the good rows either");

    // The form's permissions: the office head does not enter results.
    std::fs::write(&file, &good).unwrap();
    let (code, stdout, _) = run(&["import", "results", path, "--as", "chuzhang", "--apply"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("经办人或检查组执法人员录入"), "{stdout}");
    assert_eq!(results_state(&app.db).await, before);

    // Applied: two results waiting for the office head's review, entered as the clerk,
    // the problem's words pointing to the province's record.
    let (code, stdout, _) = run(&["import", "results", path, "--as", "jingban", "--apply"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("已导入，新增 2 户"), "{stdout}");
    let entered: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT review_status, entered_by, problems FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
         WHERE d.task_id = 1 ORDER BY r.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(entered.len(), 2);
    assert!(entered.iter().all(|e| e.0 == "pending" && e.1 == "jingban"), "{entered:?}");
    assert!(entered.iter().any(|e| e.2.contains("省级双随机监管平台")), "{entered:?}");
    let imports: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'results.import'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(imports, 2, "the unchanged re-import and this one");
    // The same file again: unchanged.
    let (code, stdout, _) = run(&["import", "results", path, "--as", "jingban", "--apply"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("未变 2 户"), "{stdout}");
}

/// A published penalty is corrected only by the office head with a reason, as a new version:
/// the portal and the open data show the current one marked 已更正, staff both; a penalty
/// past its period is in neither.
#[tokio::test]
async fn a_penalty_is_corrected_as_a_new_version_and_its_open_data_follows_the_period() {
    let app = spawn_app().await;
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let code: String = sqlx::query_scalar("SELECT credit_code FROM enterprises ORDER BY id LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let today = crate::helpers::today();
    let draft = serde_json::json!({
        "code": code, "follow_up_id": null, "decision_no": "邯商罚〔2026〕7号", "violation_type": "未按规定备案",
        "facts": "变更经营场所后未办理备案变更", "basis": "《拍卖管理办法》第三十五条",
        "content": "警告，罚款", "fine_yuan": "5000", "authority": "邯郸市商务局（演示）",
        "decided_on": today, "severity": "minor"
    });
    let resp = app.post_json(Some(&head), "publish_penalty", serde_json::json!({ "draft": draft })).await;
    assert_eq!(resp.status(), 200);
    let id: i64 = resp.json().await.unwrap();
    let data = |file: &'static str| {
        let url = format!("{}/public/data/{file}", app.base);
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let json: serde_json::Value = serde_json::from_str(&data("penalties.json").await).unwrap();
    assert_eq!(json["rows"][0]["decision_no"], "邯商罚〔2026〕7号");
    assert_eq!(json["rows"][0]["fine_yuan"], "5000.00");

    let mut fixed = draft.clone();
    fixed["fine_yuan"] = "8000".into();
    let correct = |who: &str, reason: &str| {
        let body = serde_json::json!({ "id": id, "draft": fixed, "reason": reason });
        let (app, who) = (&app, who.to_string());
        async move {
            let resp = app.post_json(Some(&who), "correct_penalty", body).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    assert_eq!(correct(&clerk, "金额录入有误").await.0, 403, "only the office head corrects");
    let (s, body) = correct(&head, " ").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("理由"), "{body}");
    let (s, body) = correct(&head, "罚款金额录入有误，以决定书为准").await;
    assert_eq!(s, 200, "{body}");

    let page = app.client.get(format!("{}/public/penalties", app.base)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains(&format!("已更正（{today}）：罚款金额录入有误，以决定书为准")), "{page}");
    assert!(page.contains("8000.00 元") && !page.contains("5000.00 元"), "the current version only");
    let csv = data("penalties.csv").await;
    assert!(csv.contains("8000.00") && csv.contains("罚款金额录入有误"), "{csv}");
    // Staff see both versions; the audit trail holds the old one.
    let resp = app.post_form(Some(&clerk), "penalties", &[]).await;
    let all: serde_json::Value = resp.json().await.unwrap();
    let p = &all[0];
    assert_eq!((p["version"].as_i64(), p["fine_yuan"].as_str()), (Some(2), Some("8000.00")));
    assert_eq!(p["history"][0]["version"], 1);
    assert_eq!(p["history"][0]["draft"]["fine_yuan"], "5000.00");
    let (before, after): (String, String) =
        sqlx::query_as("SELECT before_json, after_json FROM audit_log WHERE action = 'penalty.correct'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(before.contains("5000.00") && after.contains("以决定书为准"), "{before} {after}");
    // Past its period: gone from the portal and the open data, kept for staff.
    sqlx::query("UPDATE penalties SET published_on = '2020-01-02', publish_until = '2020-04-02'")
        .execute(&app.db)
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&data("penalties.json").await).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 0);
    assert!(!data("penalties.csv").await.contains("邯商罚"));
}

/// The publication periods are a setting: the administrator changes them (audited), a
/// penalty published afterwards keeps the new period.
#[tokio::test]
async fn the_penalty_periods_are_a_setting_of_the_bureau() {
    let app = spawn_app().await;
    let (admin, head) = (app.sign_in("admin").await, app.sign_in("chuzhang").await);
    let set = |who: String, minor: &'static str, general: &'static str| {
        let app = &app;
        async move {
            let resp = app
                .post_form(
                    Some(&who),
                    "set_penalty_periods",
                    &[("minor_months", minor), ("general_months", general)],
                )
                .await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let resp = app.post_form(Some(&head), "penalty_periods", &[]).await;
    let current: (i64, i64, bool) = resp.json().await.unwrap();
    assert_eq!(current, (3, 36, false), "SAMR's periods by default; the office head reads them");
    assert_eq!(set(head.clone(), "6", "24").await.0, 403, "the administrator sets them");
    let (s, body) = set(admin.clone(), "0", "24").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("minor_months") && body.contains("1 至 120"), "{body}");
    let (s, body) = set(admin.clone(), "30", "24").await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(set(admin.clone(), "6", "24").await.0, 200);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'settings.penalty_periods' AND actor = 'admin'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    // A minor penalty published now is public for six months.
    let code: String = sqlx::query_scalar("SELECT credit_code FROM enterprises ORDER BY id LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let today = crate::helpers::today();
    let draft = serde_json::json!({ "draft": {
        "code": code, "follow_up_id": null, "decision_no": "邯商罚〔2026〕9号", "violation_type": "未按规定备案",
        "facts": "未办理备案变更", "basis": "《拍卖管理办法》第三十五条", "content": "警告", "fine_yuan": "",
        "authority": "邯郸市商务局（演示）", "decided_on": today, "severity": "minor"
    }});
    assert_eq!(app.post_json(Some(&head), "publish_penalty", draft).await.status(), 200);
    let until: String =
        sqlx::query_scalar("SELECT publish_until FROM penalties WHERE decision_no = '邯商罚〔2026〕9号'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (y, m): (i32, i32) = (today[..4].parse().unwrap(), today[5..7].parse().unwrap());
    let months = y * 12 + m - 1 + 6;
    assert!(
        until.starts_with(&format!("{:04}-{:02}", months / 12, months % 12 + 1)),
        "{until} is six months on"
    );
}
