//! 避免检查过多 and 加大抽查力度 (issue 17, parts 2 and 3): a task leaves out enterprises
//! inspected lately for its items, as part of the frozen record; 重点关注 enterprises (by
//! complaints or by staff) form their own stratum at the task's higher ratio; complaints
//! come in from a file with the registries' rules.

use crate::helpers::{run, spawn_app, today, TestApp};
use app::domain::audit::Actor;
use app::ssr::db::draws::{freeze, run_draw};

const STAFF: Actor<'static> = Actor { name: "测试经办人", role: "clerk" };

/// A member of task 3's pool (what its scope gives now) and task 3's first item.
async fn member_and_item(app: &TestApp) -> (i64, String, i64) {
    let t3 = app::ssr::db::tasks::draft(&app.db, 3).await.unwrap().unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    let pool = app::ssr::db::pool::members(&mut conn, &t3.scope).await.unwrap();
    let (id, code, _) = pool[pool.len() / 2].clone();
    (id, code, t3.item_ids[0])
}

/// A result of task 1's draw for enterprise `enterprise`, inspected on `on`, with a verdict
/// for item `item` (as any task inspecting it for that item would leave).
async fn inspected(app: &TestApp, enterprise: i64, item: i64, on: &str) {
    let draw: i64 = sqlx::query_scalar("SELECT id FROM draws WHERE task_id = 1 AND abandoned_at IS NULL")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let result: i64 = sqlx::query_scalar(
        "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, \
         entered_by, entered_at) VALUES ($1, $2, $3, '实地核查', '[1,2]', '[\"未发现问题\"]', 'jingban', $4) RETURNING id",
    )
    .bind(draw)
    .bind(enterprise)
    .bind(on)
    .bind(format!("{on}T02:00:00Z"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO result_items (result_id, item_id, categories) VALUES ($1, $2, '[\"未发现问题\"]')",
    )
    .bind(result)
    .bind(item)
    .execute(&app.db)
    .await
    .unwrap();
}

async fn pool_codes(app: &TestApp, draw_id: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT code FROM draw_pool WHERE draw_id = $1 ORDER BY code")
        .bind(draw_id)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_enterprise_inspected_for_the_item_this_year_is_left_out_only_where_repeats_are_excluded() {
    let year = &today()[..4];
    // Earlier this year (1 January: never after today, whenever the suite runs).
    let march = format!("{year}-01-01");
    for exclude in [true, false] {
        let app = spawn_app().await;
        let (enterprise, code, item) = member_and_item(&app).await;
        inspected(&app, enterprise, item, &march).await;
        if exclude {
            sqlx::query("UPDATE tasks SET repeat_exclusion = 'calendar_year' WHERE id = 3")
                .execute(&app.db)
                .await
                .unwrap();
        }
        let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
        let codes = pool_codes(&app, frozen.draw_id).await;
        assert_eq!(codes.contains(&code), !exclude, "exclude repeats: {exclude}");
        // The digest is the digest of what is left.
        let pool: Vec<app::domain::draw::PoolEntry> = sqlx::query_as::<_, (String, String)>(
            "SELECT code, stratum FROM draw_pool WHERE draw_id = $1 ORDER BY code",
        )
        .bind(frozen.draw_id)
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(code, stratum)| app::domain::draw::PoolEntry { code, stratum })
        .collect();
        assert_eq!(app::domain::draw::pool_digest(&pool), frozen.pool_digest);
        let excluded: Vec<(String, String)> =
            sqlx::query_as("SELECT code, reason FROM draw_exclusions WHERE draw_id = $1")
                .bind(frozen.draw_id)
                .fetch_all(&app.db)
                .await
                .unwrap();
        let page = app.client.get(format!("{}/public/tasks/3/draw", app.base)).send().await.unwrap();
        let page = page.text().await.unwrap();
        if exclude {
            assert_eq!(excluded.len(), 1);
            assert_eq!(excluded[0].0, code);
            assert!(excluded[0].1.contains(&format!("{year}-01-01 以来")), "{:?}", excluded[0]);
            // The public reads how many and why, not who.
            assert!(page.contains("冻结时排除") && page.contains("1 家"), "{page}");
            assert!(!page.contains(&code), "the left-out enterprise is not named publicly");
            // Staff read who, on the pool page's answer.
            let clerk = app.sign_in("jingban").await;
            let resp = app.post_form(Some(&clerk), "pool_page", &[("task_id", "3"), ("page", "1")]).await;
            let body: serde_json::Value = resp.json().await.unwrap();
            assert_eq!(body["excluded"][0][0], code.as_str());
        } else {
            assert!(excluded.is_empty());
            assert!(!page.contains("冻结时排除"));
        }
        // The draw runs on the remainder and verifies.
        let draw_id = run_draw(&app.db, 3, "6 6 1 2 3 5 4 4 2 1", &today(), STAFF).await.unwrap();
        let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
        let report = app::domain::draw::verify_manifest(&manifest).unwrap();
        assert!(app::domain::draw::first_failure(&report).is_none());
    }
}

#[tokio::test]
async fn a_watched_enterprise_is_drawn_in_its_own_stratum_at_the_task_s_ratio() {
    let app = spawn_app().await;
    let (_, code, _) = member_and_item(&app).await;
    let (clerk, inspector) = (app.sign_in("jingban").await, app.sign_in("zhifa").await);
    let add = |who: String, reason: &'static str| {
        let (app, code) = (&app, code.clone());
        async move {
            let resp =
                app.post_form(Some(&who), "watch_add", &[("code", code.as_str()), ("reason", reason)]).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    assert_eq!(add(inspector.clone(), "群众反映强烈").await.0, 403, "staff of the office put it there");
    let (s, body) = add(clerk.clone(), " ").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("理由"), "{body}");
    let (s, body) = add(clerk.clone(), "群众反映强烈，媒体报道").await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(add(clerk.clone(), "再次").await.0, 409, "once on the list");
    // The task draws 重点关注 at 100 %.
    sqlx::query("UPDATE tasks SET watch_ratio_bp = 10000 WHERE id = 3").execute(&app.db).await.unwrap();
    let frozen = freeze(&app.db, 3, &today(), STAFF).await.unwrap();
    let stratum: String =
        sqlx::query_scalar("SELECT stratum FROM draw_pool WHERE draw_id = $1 AND code = $2")
            .bind(frozen.draw_id)
            .bind(&code)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stratum, app::domain::watch::WATCH_STRATUM);
    let draw_id = run_draw(&app.db, 3, "3 1 4 1 5 9 2 6 5 3", &today(), STAFF).await.unwrap();
    let manifest = app::ssr::db::draws::manifest(&app.db, draw_id).await.unwrap().unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["ratios_bp"]["W"], 10000);
    let selected: Vec<&str> =
        m["selected"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert!(selected.contains(&code.as_str()), "drawn at its stratum's ratio");
    assert!(
        app::domain::draw::first_failure(&app::domain::draw::verify_manifest(&manifest).unwrap()).is_none()
    );
    // The portal never says which stratum an enterprise was in.
    let page = app.client.get(format!("{}/public/tasks/3/draw", app.base)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(!page.contains("重点关注"), "the watch list is not public");

    // Taken off with a reason, audited both ways.
    let resp = app.post_form(Some(&clerk), "watchlist", &[]).await;
    let (list, _, can_edit): (Vec<serde_json::Value>, i64, bool) = resp.json().await.unwrap();
    assert!(can_edit);
    let entry = list.iter().find(|w| w["code"] == code.as_str()).unwrap()["entry"][0].as_i64().unwrap();
    let id = entry.to_string();
    let resp = app.post_form(Some(&clerk), "watch_remove", &[("id", &id), ("reason", "")]).await;
    assert_eq!(resp.status(), 400);
    let resp = app.post_form(Some(&clerk), "watch_remove", &[("id", &id), ("reason", "经核实已整改")]).await;
    assert_eq!(resp.status(), 200);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action IN ('watch.add', 'watch.remove') ORDER BY seq",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, ["watch.add", "watch.remove"]);
}

#[tokio::test]
async fn complaints_come_in_all_or_nothing_and_put_an_enterprise_on_the_list_at_the_threshold() {
    let app = spawn_app().await;
    let (_, code, _) = member_and_item(&app).await;
    let day = |back: i64| app::domain::date::Date::parse(&today()).unwrap().plus_days(-back).to_string();
    let (d1, d2, d3) = (day(30), day(90), day(200));
    let file = app.dir.join("complaints.csv");
    let path = file.to_str().unwrap();
    let rows = |extra: &str| {
        format!(
            "统一社会信用代码,投诉日期,渠道,摘要\n{code},{d1},12345 热线,价格欺诈\n{code},{d2},网上投诉,未明码标价\n\
             {code},{d3},来信,油品质量{extra}"
        )
    };
    let count = || async {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM complaints").fetch_one(&app.db).await.unwrap();
        n
    };
    // A bad row anywhere: named by row and column, nothing written.
    std::fs::write(&file, rows(&format!("\n{code},2023-02-30,来信,\n91130000000000000X,{d1},,"))).unwrap();
    let (status, stdout, _) = run(&["import", "complaints", path, "--apply", "--db", &app.db_url]);
    assert_eq!(status, 1, "{stdout}");
    assert!(stdout.contains("第 5 行 [投诉日期]"), "{stdout}");
    assert!(stdout.contains("第 6 行 [统一社会信用代码]") && stdout.contains("第 6 行 [渠道]"), "{stdout}");
    assert_eq!(count().await, 0, "nothing of the good rows either");
    // The good file: a dry run first, then applied, then again (nothing doubled).
    std::fs::write(&file, rows("")).unwrap();
    let (status, stdout, _) = run(&["import", "complaints", path, "--db", &app.db_url]);
    assert_eq!(status, 0, "{stdout}");
    assert!(stdout.contains("预检通过，将新增 3 条"), "{stdout}");
    assert_eq!(count().await, 0);
    let (status, stdout, _) = run(&["import", "complaints", path, "--apply", "--db", &app.db_url]);
    assert_eq!(status, 0, "{stdout}");
    assert_eq!(count().await, 3);
    let (_, stdout, _) = run(&["import", "complaints", path, "--apply", "--db", &app.db_url]);
    assert!(stdout.contains("新增 0 条，已有 3 条"), "{stdout}");
    assert_eq!(count().await, 3);
    // Three complaints within 12 months reach the default threshold: on the list.
    let clerk = app.sign_in("jingban").await;
    let resp = app.post_form(Some(&clerk), "watchlist", &[]).await;
    let (list, threshold, _): (Vec<serde_json::Value>, i64, bool) = resp.json().await.unwrap();
    assert_eq!(threshold, 3);
    let on = list.iter().find(|w| w["code"] == code.as_str()).expect("on the list by complaints");
    assert_eq!(on["complaints"], 3);
    assert!(on["entry"].is_null(), "not put there by staff");
    // The bureau's threshold: the administrator raises it, and the enterprise is off again.
    let admin = app.sign_in("admin").await;
    let set = |who: String, n: &'static str| {
        let app = &app;
        async move {
            app.post_form(Some(&who), "set_watch_threshold", &[("threshold", n)]).await.status().as_u16()
        }
    };
    assert_eq!(set(clerk.clone(), "4").await, 403);
    assert_eq!(set(admin.clone(), "0").await, 400);
    assert_eq!(set(admin.clone(), "4").await, 200);
    let resp = app.post_form(Some(&clerk), "watchlist", &[]).await;
    let (list, threshold, _): (Vec<serde_json::Value>, i64, bool) = resp.json().await.unwrap();
    assert_eq!(threshold, 4);
    assert!(list.iter().all(|w| w["code"] != code.as_str()), "three complaints are under four");
}

/// 抽查覆盖率: the items page's figures for a year equal direct counts of task 1's draw.
#[tokio::test]
async fn each_item_s_reach_is_counted_against_its_coverage_rate() {
    let app = spawn_app().await;
    let item: i64 =
        sqlx::query_scalar("SELECT item_id FROM task_items WHERE task_id = 1 ORDER BY position LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    // Only task 1 carries it among 2023's drawn tasks (else the direct count below differs).
    let carriers: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM task_items ti JOIN tasks t ON t.id = ti.task_id JOIN draws d ON d.task_id = t.id \
         WHERE ti.item_id = $1 AND t.window_year = 2023 AND d.abandoned_at IS NULL",
    )
    .bind(item)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(carriers, 1);
    sqlx::query("UPDATE inspection_items SET frequency = '抽查覆盖率不低于 5%' WHERE id = $1")
        .bind(item)
        .execute(&app.db)
        .await
        .unwrap();
    let (pool, selected): (i64, i64) = sqlx::query_as(
        "SELECT d.pool_count, (SELECT count(*) FROM draw_selections s WHERE s.draw_id = d.id) FROM draws d \
         WHERE d.task_id = 1 AND d.abandoned_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    // One of task 1's enterprises inspected for the item.
    let enterprise: i64 = sqlx::query_scalar(
        "SELECT s.enterprise_id FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         WHERE d.task_id = 1 AND d.abandoned_at IS NULL ORDER BY s.position LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    inspected(&app, enterprise, item, "2023-03-20").await;
    let clerk = app.sign_in("jingban").await;
    let resp = app.post_form(Some(&clerk), "registry/item_coverage", &[("year", "2023")]).await;
    assert_eq!(resp.status(), 200);
    let (year, rows): (i32, Vec<serde_json::Value>) = resp.json().await.unwrap();
    assert_eq!(year, 2023);
    let row = rows.iter().find(|r| r["item_id"] == item).unwrap();
    assert_eq!(row["relevant"], pool);
    assert_eq!(row["drawn"], selected);
    assert_eq!(row["target"], (pool * 5 + 99) / 100, "5 %, rounded up");
    let inspected: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT r.enterprise_id) FROM inspection_results r JOIN result_items ri ON ri.result_id = r.id \
         JOIN draws d ON d.id = r.draw_id JOIN tasks t ON t.id = d.task_id WHERE ri.item_id = $1 AND t.window_year = 2023",
    )
    .bind(item)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(inspected >= 1);
    assert_eq!(row["inspected"], inspected);
}
