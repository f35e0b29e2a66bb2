//! 统计 and 台账 (issue 19): every figure of the page, the server function and the command
//! line equals a count made here with its own SQL, on both backends; the workbooks open
//! with their sheets and headers; the page carries its charts as SVG with tables and text
//! alternatives, escaped; only staff who may read results read it.

use crate::helpers::{run, spawn_app, unmarked, TestApp};
use app::domain::workday::{DayKind, WorkCalendar};
use calamine::{Reader, Xlsx};
use serde_json::{json, Value};

/// The filter as the page sends it.
fn filter(year: i32, department: &str, from: u32, to: u32) -> Value {
    json!({ "filter": { "year": year, "department": department, "source": "", "from_month": from, "to_month": to } })
}

/// The figures a count made here gives: (planned, drawn, inspected, entered, reviewed,
/// published, on_time, problems) and the rest checked one by one below.
#[derive(Debug, Default, PartialEq)]
struct Direct {
    tasks: i64,
    counts: [i64; 8],
    results: Vec<(String, i64)>,
    follow_ups: Vec<(String, i64, i64)>,
    recusals: (i64, i64),
    load: (i64, i64, i64, i64),
}

/// Counts the figures of `year` (tasks `department` initiated, whose window in force meets
/// months `from`–`to`) straight from the tables.
async fn direct(app: &TestApp, year: i64, department: &str, from: i64, to: i64) -> Direct {
    let db = &app.db;
    let tasks: Vec<(i64, i64, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.ratio_bp, t.risk_ratios_bp, \
         CASE WHEN pc.id IS NULL THEN t.window_start_month ELSE pc.to_start_month END, \
         CASE WHEN pc.id IS NULL THEN t.window_end_month ELSE pc.to_end_month END \
         FROM tasks t JOIN annual_plans ap ON ap.id = t.annual_plan_id \
         LEFT JOIN plan_changes pc ON pc.task_id = t.id AND pc.status = 'consented' \
           AND NOT EXISTS (SELECT 1 FROM plan_changes p2 WHERE p2.task_id = t.id AND p2.status = 'consented' AND p2.id > pc.id) \
         WHERE ap.year = $1 AND t.status <> 'draft' AND t.status <> 'submitted' \
         AND ($2 = '' OR t.initiating_department_id = $2)",
    )
    .bind(year)
    .bind(department)
    .fetch_all(db)
    .await
    .unwrap();
    let tasks: Vec<_> = tasks.into_iter().filter(|t| t.3 <= to && t.4 >= from).collect();
    let mut d = Direct {
        tasks: tasks.len() as i64,
        results: app::domain::result::CATEGORIES.iter().map(|v| (v.to_string(), 0)).collect(),
        follow_ups: app::domain::result::HANDLINGS.iter().map(|k| (k.to_string(), 0, 0)).collect(),
        ..Direct::default()
    };
    let calendar: Vec<(String, String)> =
        sqlx::query_as("SELECT day, kind FROM calendar_days").fetch_all(db).await.unwrap();
    let cal =
        WorkCalendar::new(calendar.iter().filter_map(|(day, k)| Some((day.as_str(), DayKind::parse(k)?))));
    let mut loads = std::collections::HashMap::<i64, i64>::new();
    for (task, ratio, risk, _, _) in &tasks {
        let draw: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT id, manifest FROM draws WHERE task_id = $1 AND abandoned_at IS NULL")
                .bind(task)
                .fetch_optional(db)
                .await
                .unwrap();
        let Some((draw, manifest)) = draw else { continue };
        let ratios: std::collections::HashMap<String, u64> =
            risk.as_deref().map(|r| serde_json::from_str(r).unwrap()).unwrap_or_default();
        let strata: Vec<(String, i64)> =
            sqlx::query_as("SELECT stratum, count(*) FROM draw_pool WHERE draw_id = $1 GROUP BY stratum")
                .bind(draw)
                .fetch_all(db)
                .await
                .unwrap();
        for (s, n) in strata {
            d.counts[0] +=
                app::domain::draw::quota(n as u64, *ratios.get(&s).unwrap_or(&(*ratio as u64))) as i64;
        }
        let one = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql).bind(draw).fetch_one(db).await.unwrap()
        };
        d.counts[1] += one("SELECT count(*) FROM draw_selections WHERE draw_id = $1").await;
        d.counts[2] += one("SELECT count(*) FROM inspection_results WHERE draw_id = $1").await;
        d.counts[3] +=
            one("SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND review_status <> 'returned'")
                .await;
        d.counts[4] +=
            one("SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND review_status = 'passed'")
                .await;
        d.counts[5] +=
            one("SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND published_at IS NOT NULL")
                .await;
        d.counts[7] += one(
            "SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND (categories LIKE '%发现问题已责令改正%' \
             OR categories LIKE '%发现问题待后续处理%' OR categories LIKE '%不配合检查情节严重%')",
        )
        .await;
        let published: Vec<(String, String)> = sqlx::query_as(
            "SELECT inspected_on, published_at FROM inspection_results WHERE draw_id = $1 AND published_at IS NOT NULL",
        )
        .bind(draw)
        .fetch_all(db)
        .await
        .unwrap();
        for (on, at) in published {
            let due = cal.publish_deadline(app::domain::date::Date::parse(&on).unwrap()).to_string();
            d.counts[6] += i64::from(app::domain::date::beijing_date(&at) <= due);
        }
        for value in app::domain::result::CATEGORIES {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM inspection_results WHERE draw_id = $1 AND categories LIKE $2",
            )
            .bind(draw)
            .bind(format!("%\"{value}\"%"))
            .fetch_one(db)
            .await
            .unwrap();
            d.results.iter_mut().find(|(v, _)| v == value).unwrap().1 += n;
        }
        for kind in app::domain::result::HANDLINGS {
            let (total, done): (i64, i64) = sqlx::query_as(
                "SELECT count(*), count(CASE WHEN f.status = 'done' THEN 1 END) FROM follow_ups f \
                 JOIN inspection_results r ON r.id = f.result_id WHERE r.draw_id = $1 AND f.kind = $2",
            )
            .bind(draw)
            .bind(kind)
            .fetch_one(db)
            .await
            .unwrap();
            let f = d.follow_ups.iter_mut().find(|(k, _, _)| k == kind).unwrap();
            (f.1, f.2) = (f.1 + total, f.2 + done);
        }
        d.recusals.0 += manifest.as_deref().map_or(0, |m| m.matches("\"stage\":\"pre\"").count() as i64);
        d.recusals.1 +=
            one("SELECT count(*) FROM post_recusals WHERE draw_id = $1 AND approved_at IS NOT NULL").await;
        let members: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT inspector_id, count(*) FROM draw_team_members WHERE draw_id = $1 GROUP BY inspector_id",
        )
        .bind(draw)
        .fetch_all(db)
        .await
        .unwrap();
        for (id, n) in members {
            *loads.entry(id).or_default() += n;
        }
    }
    let mut each: Vec<i64> = loads.into_values().collect();
    each.sort_unstable();
    d.load = (
        each.len() as i64,
        each.first().copied().unwrap_or(0),
        if each.is_empty() { 0 } else { each[(each.len() - 1) / 2] },
        each.last().copied().unwrap_or(0),
    );
    d
}

/// The same figures read from the server's answer.
fn reported(s: &Value) -> Direct {
    let t = &s["totals"];
    let n = |v: &Value| v.as_i64().unwrap();
    let keys = ["planned", "drawn", "inspected", "entered", "reviewed", "published", "on_time", "problems"];
    let mut counts = [0; 8];
    for (i, k) in keys.iter().enumerate() {
        counts[i] = n(&t[k]);
    }
    let w = &s["workload"];
    Direct {
        tasks: n(&t["tasks"]),
        counts,
        results: s["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["label"].as_str().unwrap().into(), n(&r["count"])))
            .collect(),
        follow_ups: s["follow_ups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["kind"].as_str().unwrap().into(), n(&f["total"]), n(&f["done"])))
            .collect(),
        recusals: (n(&s["recusals_pre"]), n(&s["recusals_post"])),
        load: (n(&w["inspectors"]), n(&w["min"]), n(&w["median"]), n(&w["max"])),
    }
}

/// Enters results for task 001 as its clerk, passes (publishes) some and returns one.
async fn some_2023_results(app: &TestApp) {
    let (clerk, head) = (app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let today = crate::helpers::today();
    for (i, (code, team)) in teams.iter().take(4).enumerate() {
        let categories =
            if i == 1 { json!(["发现问题已责令改正"]) } else { json!(["未发现问题"]) };
        let handling = if i == 1 { json!(["责令改正"]) } else { json!([]) };
        let problems = if i == 1 { "未按规定备案" } else { "" };
        let draft = json!({ "draft": {
            "task_id": 1, "code": code, "inspected_on": today, "method": "实地核查", "attended": team,
            "categories": categories, "problems": problems, "handling": handling, "referral_department": ""
        }});
        let resp = app.post_json(Some(&clerk), "save_result", draft).await;
        assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        if i < 3 {
            let pass = if i == 2 { "false" } else { "true" };
            let comment = if i == 2 { "请补充" } else { "" };
            let form = [("task_id", "1"), ("code", code.as_str()), ("pass", pass), ("comment", comment)];
            let resp = app.post_form(Some(&head), "review_result", &form).await;
            assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
        }
    }
}

#[tokio::test]
async fn every_figure_equals_a_direct_count_and_the_command_line_agrees() {
    let app = spawn_app().await;
    some_2023_results(&app).await;
    let leader = app.sign_in("lingdao").await;
    let cases = [
        (2022, "", 1, 12),
        (2023, "", 1, 12),
        (2023, "swj-zfzd", 1, 12),
        (2023, "", 3, 4),
        (2023, "", 5, 12),
    ];
    for (year, department, from, to) in cases {
        let resp = app.post_json(Some(&leader), "stats", filter(year, department, from, to)).await;
        assert_eq!(resp.status(), 200);
        let page: Value = resp.json().await.unwrap();
        let want = direct(&app, i64::from(year), department, i64::from(from), i64::from(to)).await;
        assert_eq!(reported(&page["stats"]), want, "{year} {department} {from}-{to}");
        // Tasks and departments add up to the totals.
        for part in ["tasks", "departments"] {
            let sum: i64 =
                page["stats"][part].as_array().unwrap().iter().map(|t| t["drawn"].as_i64().unwrap()).sum();
            assert_eq!(sum, want.counts[1], "{part}");
        }
    }
    // The 2022 demo year is all published; 2023 has the results entered above.
    let y2022 = direct(&app, 2022, "", 1, 12).await;
    assert!(y2022.counts[5] > 0 && y2022.counts[5] == y2022.counts[1], "{y2022:?}");
    let y2023 = direct(&app, 2023, "", 1, 12).await;
    assert_eq!(
        (y2023.counts[2], y2023.counts[3], y2023.counts[4], y2023.counts[5]),
        (4, 3, 2, 2),
        "{y2023:?}"
    );
    assert_ne!(direct(&app, 2023, "", 5, 12).await.tasks, y2023.tasks, "the month range leaves a task out");

    // `shuangsui stats --year 2022 --json` prints the same figures.
    for (year, department) in [("2022", None), ("2023", Some("swj-zfzd"))] {
        let mut args = vec!["stats", "--year", year, "--json", "--db", app.db_url.as_str()];
        if let Some(d) = department {
            args.extend(["--department", d]);
        }
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let printed: Value = serde_json::from_str(&out).unwrap();
        for key in ["planned", "drawn", "inspected", "published", "on_time"] {
            assert!(printed["totals"][key].is_i64(), "{key} in {out}");
            assert!(printed["tasks"][0][key].is_i64() && printed["departments"][0][key].is_i64());
        }
        let want = direct(&app, year.parse().unwrap(), department.unwrap_or(""), 1, 12).await;
        assert_eq!(reported(&printed), want, "{year}");
    }

    // The public year page counts published results only: two of the four entered.
    let html = unmarked(
        app.client.get(format!("{}/public/plans/2023", app.base)).send().await.unwrap().text().await.unwrap(),
    );
    let figures =
        html.split("data-testid=\"year-figures\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(figures.contains("<b>2</b>户已检查并公示"), "{figures}");
    assert!(figures.contains("<b>50.0%</b>发现问题"), "one of the two published states a problem: {figures}");
    assert_eq!(figures.matches("<svg").count(), 3);
    assert_eq!(figures.matches("role=\"img\"").count(), 3);
    assert!(!figures.contains("风险") && !figures.contains("执法人员"), "no risk class, no inspector");

    // A clerk reads their department's tasks (initiated or joined), however they filter.
    let clerk = app.sign_in("jingban.smfw").await;
    let page: Value =
        app.post_json(Some(&clerk), "stats", filter(2023, "", 1, 12)).await.json().await.unwrap();
    let ids: Vec<i64> =
        page["stats"]["tasks"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
    let reached: Vec<i64> = sqlx::query_scalar(
        "SELECT t.id FROM tasks t JOIN annual_plans ap ON ap.id = t.annual_plan_id WHERE ap.year = 2023 \
         AND t.status NOT IN ('draft', 'submitted') AND (t.initiating_department_id = 'swj-smfw' OR EXISTS \
         (SELECT 1 FROM task_joint_departments j WHERE j.task_id = t.id AND j.department_id = 'swj-smfw')) ORDER BY t.id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, reached);
}

#[tokio::test]
async fn the_page_draws_its_charts_as_escaped_svg_with_tables_and_only_staff_read_it() {
    let app = spawn_app().await;
    const PAYLOAD: &str = "<img src=x onerror=alert(1)>";
    sqlx::query("UPDATE departments SET short_name = $1 WHERE id = 'swj-zfzd'")
        .bind(PAYLOAD)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE tasks SET task_name = $1 WHERE window_year = 2022")
        .bind(PAYLOAD)
        .execute(&app.db)
        .await
        .unwrap();
    let resp = app.client.get(format!("{}/stats?year=2022", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 401, "anonymous");
    let inspector = app.sign_in("zhifa").await;
    assert_eq!(app.page(&inspector, "/stats?year=2022").await.0, 403);
    assert_eq!(app.post_json(Some(&inspector), "stats", filter(2022, "", 1, 12)).await.status(), 403);
    assert_eq!(app.post_json(None, "stats", filter(2022, "", 1, 12)).await.status(), 401);
    assert_eq!(app.page(&inspector, "/stats/ledger.csv?year=2022").await.0, 403);
    assert_eq!(
        app.client.get(format!("{}/stats/export.xlsx?year=2022", app.base)).send().await.unwrap().status(),
        401
    );

    for who in ["lingdao", "jijian", "jingban"] {
        let cookie = app.sign_in(who).await;
        let (status, html) = app.page(&cookie, "/stats?year=2022").await;
        assert_eq!(status, 200, "{who}");
        assert!(!html.contains("<img src=x"), "escaped everywhere, the SVG too");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{who}");
        let charts = html.matches("<svg").count();
        assert_eq!(charts, 4, "{who}");
        assert_eq!(html.matches("role=\"img\"").count(), 4);
        assert_eq!(html.matches("<desc>").count(), 4);
        assert_eq!(html.matches("data-testid=\"chart\"").count(), 4);
        for section in html.split("data-testid=\"chart\"").skip(1) {
            let svg_end = section.find("</svg>").unwrap();
            assert!(section[svg_end..].contains("<table"), "a table under each chart");
        }
        assert!(html.contains("rel=\"external\"") && html.contains("/stats/ledger.csv?year=2022"));
    }
    let leader = app.sign_in("lingdao").await;
    let (_, stats_page) = app.page(&leader, "/stats?year=2022").await;
    let public =
        app.client.get(format!("{}/public/plans/2022", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(!public.contains("<img src=x"), "the portal's charts escape names too");
    assert_eq!(public.matches("<svg").count(), 3);
    println!("sizes: /stats {} B, /public/plans/2022 {} B (uncompressed)", stats_page.len(), public.len());
    let (status, html) = app.page(&leader, "/stats/summary?year=2022").await;
    assert_eq!(status, 200);
    assert!(html.contains("抽查工作总结表") && html.contains("计划内任务 1 项"), "{html}");
}

#[tokio::test]
async fn the_workbooks_open_with_their_sheets_and_headers() {
    let app = spawn_app().await;
    let leader = app.sign_in("lingdao").await;
    let get = |path: &'static str| {
        let (app, cookie) = (&app, leader.clone());
        async move {
            let resp =
                app.client.get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap();
            assert_eq!(resp.status(), 200, "{path}");
            resp.bytes().await.unwrap().to_vec()
        }
    };
    let book = get("/stats/export.xlsx?year=2022").await;
    let mut xlsx = Xlsx::new(std::io::Cursor::new(book.clone())).unwrap();
    let names = xlsx.sheet_names().to_vec();
    assert_eq!(
        names,
        [
            "封面",
            "按任务",
            "按部门",
            "完成情况",
            "月度检查",
            "检查结果",
            "后续处置",
            "回避与工作量",
            "工作量分布",
            "年度工作总结"
        ]
    );
    let cover = xlsx.worksheet_range("封面").unwrap();
    let cover_text: Vec<String> = cover.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cover_text.iter().any(|c| c.contains("（北京时间）")), "{cover_text:?}");
    assert!(cover_text.iter().any(|c| c == "2022 年"));
    let tasks = xlsx.worksheet_range("按任务").unwrap();
    let header: Vec<String> = tasks.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        &header[..7],
        ["任务编号", "抽查任务", "发起部门", "任务来源", "抽查时间", "状态", "计划抽查数"]
    );
    let drawn: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM draw_selections s JOIN draws d ON d.id = s.draw_id JOIN tasks t ON t.id = d.task_id \
         WHERE t.window_year = 2022 AND d.abandoned_at IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let total = tasks.rows().next_back().unwrap();
    assert_eq!(total[0].to_string(), "合计");
    assert_eq!(total[7].to_string(), drawn.to_string(), "实际抽取 of the total row");
    let summary = xlsx.worksheet_range("年度工作总结").unwrap();
    assert_eq!(summary.rows().next().unwrap()[4].to_string(), "计划抽查数");

    // The 台账: one row per drawn enterprise, as .xlsx and .csv, also from the command line.
    let ledger = get("/stats/ledger.xlsx?year=2022").await;
    let mut xlsx = Xlsx::new(std::io::Cursor::new(ledger.clone())).unwrap();
    assert_eq!(xlsx.sheet_names(), ["台账"]);
    let rows = xlsx.worksheet_range("台账").unwrap();
    let header: Vec<String> = rows.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, app::domain::stats_tables::LEDGER_HEADERS);
    assert_eq!(rows.rows().count() as i64 - 1, drawn);
    assert!(rows.rows().skip(1).all(|r| ["按时", "逾期"].contains(&r[14].to_string().as_str())));
    let csv = String::from_utf8(get("/stats/ledger.csv?year=2022").await).unwrap();
    assert_eq!(csv.trim_start_matches('\u{feff}').lines().count() as i64 - 1, drawn);
    let file = app.dir.join("ledger-2022.xlsx");
    let (code, out, err) = run(&["ledger", "--year", "2022", file.to_str().unwrap(), "--db", &app.db_url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("台账"), "{out}");
    assert!(std::fs::read(&file).unwrap().len() > 1000);
    let book_file = app.dir.join("stats-2022.xlsx");
    let (code, _, err) = run(&["stats", "--year", "2022", book_file.to_str().unwrap(), "--db", &app.db_url]);
    assert_eq!(code, 0, "{err}");
    let again = Xlsx::new(std::io::BufReader::new(std::fs::File::open(&book_file).unwrap())).unwrap();
    assert_eq!(again.sheet_names().len(), names.len());
    println!(
        "sizes: stats.xlsx {} B, ledger.xlsx {} B, ledger.csv {} B",
        book.len(),
        ledger.len(),
        csv.len()
    );
}
