//! The public portal (一公开): a crawl of every portal address the demo data gives, with
//! things that must never be public planted first, and the pages' own behaviour.

use crate::helpers::{spawn_app, TestApp};
use app::domain::audit::Actor;
use app::ssr::db::draws::freeze;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

const STAFF: Actor<'static> = Actor { name: "jingban.sctx", role: "clerk" };
const UNPUBLISHED_PROBLEM: &str = "尚未公示的检查发现甲乙丙";
const DRAFT_TASK: &str = "草稿中的抽查任务不应公开";
const EVIDENCE_SHA256: &str = "e7a1d0c0ffee5eedbadc0de0ddba11defacedfeedcafebabe0123456789abcde";

/// Every portal address reachable from `/public` (links to `/public…` and
/// `/api/public…`), with status and body.
pub(crate) async fn crawl(app: &TestApp) -> BTreeMap<String, (u16, String, String)> {
    let mut seen = BTreeMap::new();
    // The live pages of drawn tasks too (the room's QR opens them).
    let mut queue = VecDeque::from(["/public".to_string(), "/live/1".to_string(), "/live/4".to_string()]);
    while let Some(path) = queue.pop_front() {
        if seen.contains_key(&path) {
            continue;
        }
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let status = resp.status().as_u16();
        let kind =
            resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = resp.text().await.unwrap();
        if kind.starts_with("text/html") {
            for link in body.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
                let link = link.replace("&amp;", "&");
                let portal = ["/public", "/api/public", "/live/"].iter().any(|p| link.starts_with(p));
                if portal && !seen.contains_key(&link) {
                    queue.push_back(link);
                }
            }
        }
        seen.insert(path, (status, kind, body));
    }
    seen
}

/// Objects carrying an enterprise `code` must not carry its stratum or risk class.
fn no_stratum_beside_a_code(v: &Value, at: &str) {
    match v {
        Value::Object(map) => {
            if map.contains_key("code") {
                for key in ["stratum", "risk_class", "risk", "inspectors"] {
                    assert!(!map.contains_key(key), "{at}: {key} beside a code: {v}");
                }
            }
            for (k, child) in map {
                assert!(
                    !["inspectors", "conflicts", "pool", "post_recusals"].contains(&k.as_str()),
                    "{at}: field {k}"
                );
                no_stratum_beside_a_code(child, at);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| no_stratum_beside_a_code(i, at)),
        _ => {}
    }
}

#[tokio::test]
async fn a_crawl_of_the_portal_finds_only_what_is_published() {
    let app = spawn_app().await;
    // Planted: a frozen task whose secret must stay hidden, a result not yet published,
    // a draft task; the demo also has task 2 submitted (not yet in the plan).
    freeze(&app.db, 3, &crate::helpers::today(), STAFF).await.unwrap();
    let secret: String =
        sqlx::query_scalar("SELECT secret FROM draws WHERE task_id = 3").fetch_one(&app.db).await.unwrap();
    let commitment: String = sqlx::query_scalar("SELECT commitment FROM draws WHERE task_id = 3")
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO inspection_results (draw_id, enterprise_id, inspected_on, method, attended, categories, problems, \
         handling, entered_by, entered_at, updated_at) SELECT s.draw_id, s.enterprise_id, '2023-04-01', '实地核查', \
         '[1,2]', '[\"发现问题待后续处理\"]', $1, '[\"责令改正\"]', 'jingban', '2023-04-01T00:00:00Z', \
         '2023-04-01T00:00:00Z' FROM draw_selections s WHERE s.draw_id = 1 AND s.position = 0",
    )
    .bind(UNPUBLISHED_PROBLEM)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, scope_text, \
         initiating_department_id, window_year, window_start_month, window_end_month, status, position) \
         SELECT id, '2023009', '草稿计划', '009 号', $1, 'general', 300, '全部', 'swj-zfzd', 2023, 10, 11, 'draft', 9 \
         FROM annual_plans WHERE year = 2023",
    )
    .bind(DRAFT_TASK)
    .execute(&app.db)
    .await
    .unwrap();
    let task2: String =
        sqlx::query_scalar("SELECT task_name FROM tasks WHERE id = 2").fetch_one(&app.db).await.unwrap();
    // Penalties: one inside its period, one past it, one ended early (信用修复).
    let today = crate::helpers::today();
    for (no, facts, published, until, ended) in [
        ("邯商罚〔2026〕31号", "公示期内的违法事实", today.as_str(), "2099-12-31", None),
        ("邯商罚〔2020〕32号", "公示期满的违法事实甲乙", "2020-01-02", "2020-04-02", None),
        (
            "邯商罚〔2026〕33号",
            "已信用修复的违法事实丙丁",
            today.as_str(),
            "2099-12-31",
            Some(today.as_str()),
        ),
    ] {
        sqlx::query(
            "INSERT INTO penalties (enterprise_id, decision_no, party_name, party_code, violation_type, facts, basis, \
             content, fine_fen, authority, decided_on, severity, published_on, publish_until, ended_on, end_reason, \
             created_by, created_at) SELECT id, $1, name, credit_code, '未按规定备案', $2, '《拍卖管理办法》', '警告', 0, \
             '商务局', $3, 'minor', $3, $4, $5, '', 'chuzhang', '2026-01-01T00:00:00Z' FROM enterprises ORDER BY id LIMIT 1",
        )
        .bind(no)
        .bind(facts)
        .bind(published)
        .bind(until)
        .bind(ended)
        .execute(&app.db)
        .await
        .unwrap();
    }

    // Evidence (现场照片) of a published result: never on the portal.
    sqlx::query(
        "INSERT INTO result_files (result_id, kind, file_name, mime, size_bytes, sha256, content, uploaded_by, uploaded_at) \
         SELECT id, 'photo', '现场照片不应公开.jpg', 'image/jpeg', 4, $1, $2, 'zhifa', '2022-04-01T00:00:00Z' \
         FROM inspection_results WHERE published_at IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(EVIDENCE_SHA256)
    .bind(vec![0xFFu8, 0xD8, 0xFF, 0xD9])
    .execute(&app.db)
    .await
    .unwrap();

    let mut pages = crawl(&app).await;
    // The first event of a drawn task's live stream, as a phone that is not signed in gets it.
    let mut stream = app.client.get(format!("{}/api/public/tasks/1/live", app.base)).send().await.unwrap();
    let mut first = String::new();
    while !first.contains("\n\n") {
        first.push_str(&String::from_utf8_lossy(&stream.chunk().await.unwrap().expect("an event")));
    }
    assert!(first.contains("event: state"), "{first}");
    pages.insert("/api/public/tasks/1/live".into(), (200, "text/event-stream".into(), first));
    let ok: Vec<&String> = pages.iter().filter(|(_, (s, _, _))| *s == 200).map(|(p, _)| p).collect();
    assert!(ok.len() >= 20, "the crawl reached {} addresses: {:?}", ok.len(), pages.keys());
    for (path, (status, _, _)) in &pages {
        assert!(*status < 400, "{path} is linked from the portal and must answer, not {status}");
    }
    for must in [
        "/public/plans/2023",
        "/public/plans/2022",
        "/public/tasks/1/draw",
        "/public/tasks/3/draw",
        "/public/tasks/4/draw",
        "/public/tasks/4/results",
        "/public/data/tasks/4/results.csv",
        "/public/data/tasks/4/draw.json",
        "/public/data/tasks/1/pool.csv",
        "/public/data/plans/2023.json",
        "/public/penalties",
        "/public/data/penalties.csv",
        "/public/data/penalties.json",
    ] {
        assert!(pages.contains_key(must), "{must} is linked from the portal");
    }
    for shown in ["/public/penalties", "/public/data/penalties.csv", "/public/data/penalties.json"] {
        assert!(pages[shown].2.contains("公示期内的违法事实"), "{shown} shows the penalty inside its period");
    }

    // Things that are never public.
    let mut forbidden: Vec<(String, &str)> = vec![
        (secret.clone(), "a secret before its draw"),
        (UNPUBLISHED_PROBLEM.into(), "an unpublished result"),
        (DRAFT_TASK.into(), "a draft task"),
        (task2.clone(), "a task not yet filed"),
        ("公示期满的违法事实甲乙".into(), "a penalty past its period"),
        ("已信用修复的违法事实丙丁".into(), "a penalty ended early"),
        ("现场照片不应公开".into(), "an evidence file's name"),
        (EVIDENCE_SHA256.into(), "an evidence file's hash"),
        ("/m/files/".into(), "a link to evidence"),
    ];
    let inspectors: Vec<(String, String)> =
        sqlx::query_as("SELECT name, certificate_no FROM inspectors").fetch_all(&app.db).await.unwrap();
    for (name, cert) in inspectors {
        forbidden.push((name, "an inspector's name"));
        forbidden.push((cert, "an inspector's certificate number"));
    }
    let users: Vec<(String, String)> =
        sqlx::query_as("SELECT username, display_name FROM users").fetch_all(&app.db).await.unwrap();
    for (username, display) in users {
        forbidden.push((display, "a staff member's name"));
        forbidden.push((format!("\"{username}\""), "a staff account"));
        forbidden.push((format!(">{username}<"), "a staff account"));
    }
    for (path, (_, kind, body)) in &pages {
        for (text, what) in &forbidden {
            assert!(!body.contains(text.as_str()), "{path} shows {what}: {text}");
        }
        if path == "/public/verify/dr1_verify.py" {
            // The verifier script reads a manifest's fields by name: code, not data.
            assert_eq!(
                body,
                include_str!("../../docs/dr1_verify.py"),
                "the portal serves the repository's script"
            );
            continue;
        }
        for marker in ["risk_class", "风险等级", "/pkg/shuangsui", "shuangsui_bg.wasm", "\"inspectors\""]
        {
            assert!(!body.contains(marker), "{path} contains {marker}");
        }
        if kind.starts_with("application/json") {
            no_stratum_beside_a_code(&serde_json::from_str(body).unwrap(), path);
        }
        if kind.starts_with("text/csv") {
            let header = body.lines().next().unwrap_or("");
            assert!(!header.contains("风险") && !header.contains("分层"), "{path}: {header}");
        }
        if kind.starts_with("text/html") {
            // No hydration, no staff bundle: at most the inline verifier script.
            assert!(!body.contains("<script src"), "{path} loads a script");
        }
    }
    // Positive: the frozen task's commitment is on the home page; drawn tasks show strata
    // counts and digests but their manifests stay with signed-in users.
    assert!(pages["/public"].2.contains(&app::portal::views::hex_groups(&commitment)));
    let draw4: Value = serde_json::from_str(&pages["/public/data/tasks/4/draw.json"].2).unwrap();
    let strata = draw4["strata"].as_array().unwrap();
    assert!(strata.len() > 1 && strata.iter().all(|s| s["digest"].as_str().unwrap().len() == 64));
    let checks =
        app::domain::draw::public::verify_public(&pages["/public/data/tasks/4/draw.json"].2).unwrap();
    assert!(checks.iter().all(|c| c.ok), "the public summary verifies");
    let manifest_url = format!("{}/api/public/draws/2/manifest.json", app.base);
    assert_eq!(app.client.get(&manifest_url).send().await.unwrap().status(), 401);

    // The front door sends the public to the portal, staff to their plan.
    let door = app.client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!((door.status().as_u16(), door.headers()["location"].to_str().unwrap()), (303, "/public"));
    let staff = app.sign_in("jingban").await;
    assert_eq!(app.page(&staff, "/").await.0, 200);

    // Task 1 is being inspected: its results page and file exist (results are published
    // enterprise by enterprise) but hold nothing that was not passed.
    for path in ["/public/tasks/1/results", "/public/data/tasks/1/results.json"] {
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let body = resp.text().await.unwrap();
        assert!(!body.contains(UNPUBLISHED_PROBLEM), "{path} shows an unpublished result");
    }
    // Not public: unfiled tasks, unknown enterprises.
    for path in [
        "/public/tasks/2/draw",
        "/public/data/tasks/2/pool.csv",
        "/public/enterprises/91130400000000000X",
        "/public/plans/2031",
    ] {
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn results_are_found_by_name_and_by_code() {
    let app = spawn_app().await;
    let (_, name, code) = crate::helpers::published_enterprise(&app.db).await;
    let get = |q: String| {
        let app = &app;
        async move {
            let resp = app
                .client
                .get(format!("{}/public/results", app.base))
                .query(&[("q", q)])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            assert_eq!(resp.headers()["cache-control"], "public, max-age=60");
            resp.text().await.unwrap()
        }
    };
    // A part of the name (without the demo suffix), the whole code, a code prefix, lower case.
    let part: String = name.chars().skip(3).take(6).collect();
    for q in [part.clone(), code.clone(), code[..10].to_string(), code.to_lowercase()] {
        let html = get(q.clone()).await;
        assert!(html.contains(&format!("data-code=\"{code}\"")), "search {q:?} finds {code}");
        for label in ["检查单位", "检查时间", "检查方式", "检查内容", "检查结果", "后续处置", "按时公示"]
        {
            assert!(html.contains(label), "a result shows {label}");
        }
    }
    // Nothing found says so; LIKE wildcards are taken literally.
    assert!(get("不存在的企业名称".into()).await.contains("没有找到"));
    assert!(get("%".into()).await.contains("没有找到"));
    // A drawn enterprise's code with nothing published links to its page (which says 被抽中).
    let (drawn,): (String,) = sqlx::query_as(
        "SELECT code FROM draw_selections WHERE draw_id = 1 AND enterprise_id NOT IN \
         (SELECT enterprise_id FROM inspection_results WHERE published_at IS NOT NULL) ORDER BY code LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let html = get(drawn.clone()).await;
    assert!(
        html.contains("没有找到") && html.contains(&format!("href=\"/public/enterprises/{drawn}\"")),
        "{html}"
    );
    assert!(!get("911304000000000000".into()).await.contains("enterprise-link"));
    // The enterprise's own page: drawn, and what was found.
    let resp = app.client.get(format!("{}/public/enterprises/{code}", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("被抽中") && html.contains(&name), "{html}");
}

#[tokio::test]
async fn open_data_files_are_stable_with_cache_headers() {
    let app = spawn_app().await;
    let get = |path: &'static str| {
        let app = &app;
        async move { app.client.get(format!("{}{path}", app.base)).send().await.unwrap() }
    };
    let csv = get("/public/data/tasks/4/results.csv").await;
    assert_eq!(csv.headers()["cache-control"], "public, max-age=300");
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}企业名称,统一社会信用代码,检查单位,检查时间,检查方式,检查内容,检查结果")
    );
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM inspection_results r JOIN draws d ON d.id = r.draw_id WHERE d.task_id = 4",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(text.lines().count() as i64, rows + 1);
    let json: Value = get("/public/data/tasks/4/results.json").await.json().await.unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len() as i64, rows);
    assert_eq!(json["rows"][0]["on_time"], "按时");

    let plan: Value = get("/public/data/plans/2023.json").await.json().await.unwrap();
    let names: BTreeSet<&str> =
        plan["rows"].as_array().unwrap().iter().map(|r| r["task_name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "tasks 1 and 3 are filed; task 2 is not: {names:?}");
    let pool = get("/public/data/tasks/4/pool.csv").await.text().await.unwrap();
    let pool_count: i64 = sqlx::query_scalar("SELECT pool_count FROM draws WHERE task_id = 4")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(pool.lines().count() as i64, pool_count + 1);
    assert_eq!(get("/public/data/plans/2023.xml").await.status(), 404);
    assert_eq!(get("/public/data/tasks/4/secret.json").await.status(), 404);
}
