//! Server-rendered pages answer with the right status and content.

use crate::helpers::spawn_app;

const TASKS: [&str; 3] = [
    "2023 年商务局成品油销售企业内部联合随机抽查",
    "2023 年商务局拍卖企业内部联合随机抽查",
    "2023 年商务局二手车销售企业部门联合随机抽查",
];

#[tokio::test]
async fn home_shows_the_2023_plan_with_its_three_tasks() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jijian").await;
    let (status, html) = app.page(&cookie, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("邯郸市商务局 2023 年度随机抽查工作计划"));
    for t in TASKS {
        assert!(html.contains(t), "missing {t}");
    }
    // The columns of the founding document's table, in its order, and the 备注 row.
    let mut at = 0;
    for col in app::labels::PLAN_COLUMNS {
        let pos = html[at..].find(col).unwrap_or_else(|| panic!("column {col} missing or out of order"));
        at += pos;
    }
    assert!(html.contains("1、无特殊情况，严格按计划执行； 2、专项检查不计入本计划。"));
    for w in ["2023 年 3 月-4 月", "2023 年 5 月-6 月", "2023 年 7 月-9 月"] {
        assert!(html.contains(w), "missing window {w}");
    }
    // Rendered in full on the server: readable before (and without) the WASM.
    assert!(!html.contains("加载中"), "the plan must not stream in behind a loading placeholder");
}

#[tokio::test]
async fn unknown_year_and_unknown_path_are_404_with_a_chinese_message() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jijian").await;
    let (status, html) = app.page(&cookie, "/plans/2031").await;
    assert_eq!(status, 404);
    assert!(html.contains("没有 2031 年度的抽查计划"));
    let resp = app.client.get(format!("{}/no/such/page", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(resp.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn verify_page_is_served_for_a_draw() {
    let app = spawn_app().await;
    // The demo draw is stratified by risk class: anyone gets the page, only a signed-in
    // observer the manifest in it.
    let anonymous =
        app.client.get(format!("{}/verify/1", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(anonymous.contains("不对外公开") && !anonymous.contains("\"inspectors\""), "{anonymous}");
    let observer = app.sign_in("jijian").await;
    let (status, html) = app.page(&observer, "/verify/1").await;
    assert_eq!(status, 200);
    assert!(html.contains("验证抽取结果") && !html.contains("不对外公开"), "{html}");
    let resp = app.client.get(format!("{}/verify/999", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn staff_pages_ask_for_sign_in_and_the_sign_in_page_is_served() {
    let app = spawn_app().await;
    let resp = app.client.get(format!("{}/tasks/1", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let html = resp.text().await.unwrap();
    assert!(html.contains("请先登录") && html.contains("/login?next="), "{html}");
    assert!(!html.contains("成品油销售企业内部联合随机抽查"), "nothing of the task leaks");
    let resp = app.client.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("用户名") && html.contains("密码"));
}

/// Starting another server in the same process (as every integration test does) must not
/// stall a page being rendered: leptos's route-list generation suppresses resource loads
/// process-wide, and a page whose resource first ran meanwhile never finished (the CI hang
/// of 2026-11-27). Routers are built over and over on another thread while pages that read
/// resources are rendered; each page must finish.
#[tokio::test]
async fn pages_finish_while_other_servers_start() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jingban").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = {
        let (stop, state, ops) = (stop.clone(), app.state.clone(), app.ops.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let mut built = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                rt.block_on(async {
                    drop(server::serve::router(state.clone(), &server::site::Site::Embedded, &ops))
                });
                built += 1;
            }
            built
        })
    };
    for round in 0..40 {
        for path in ["/registry/enterprises?q=%E6%BC%94%E7%A4%BA12", "/registry/inspectors", "/tasks/1"] {
            let page = app.page(&cookie, path);
            let (status, _) = tokio::time::timeout(std::time::Duration::from_secs(20), page)
                .await
                .unwrap_or_else(|_| panic!("{path} (round {round}) did not finish while routers were built"));
            assert_eq!(status, 200, "{path}");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(builder.join().unwrap() > 0, "routers were built meanwhile");
}

/// `/plans/new` is the plan form, not the plan of a year called "new" (the router takes the
/// first route that matches), and only a clerk gets it.
#[tokio::test]
async fn the_new_plan_form_is_the_clerks() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let (status, html) = app.page(&clerk, "/plans/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>新建年度计划</h1>"), "{html}");
    let observer = app.sign_in("jijian").await;
    let (status, html) = app.page(&observer, "/plans/new").await;
    assert_eq!(status, 403);
    assert!(
        html.contains("年度计划由经办人新建、编辑和导入") && !html.contains("<h1>新建年度计划</h1>"),
        "{html}"
    );
}

/// Raw-text elements (`<title>`, `<script>`, `<style>`, `<textarea>`) hold their content
/// whole: a hydration marker inside one would be shown (a title, a textarea's value, saved
/// back with the form) or run (a script). Staff pages and portal pages alike.
#[tokio::test]
async fn no_hydration_marker_lands_inside_a_raw_text_element() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let mut checked = 0;
    for (path, cookie) in [
        ("/", clerk.as_str()),
        ("/plans/new", clerk.as_str()),
        ("/verify", clerk.as_str()),
        ("/public", ""),
        ("/public/results?q=x", ""),
        ("/public/verify", ""),
        ("/public/plans/2023", ""),
    ] {
        let resp =
            app.client.get(format!("{}{path}", app.base)).header("cookie", cookie).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let html = resp.text().await.unwrap();
        for tag in ["title", "script", "style", "textarea"] {
            let mut rest = html.as_str();
            while let Some(at) = rest.find(&format!("<{tag}")) {
                let after = &rest[at..];
                let end =
                    after.find(&format!("</{tag}>")).unwrap_or_else(|| panic!("{path}: <{tag}> unclosed"));
                let inner = &after[after.find('>').unwrap() + 1..end];
                assert!(!inner.contains("<!"), "{path}: a marker inside <{tag}>: {inner}");
                checked += 1;
                rest = &after[end..];
            }
        }
    }
    assert!(checked >= 10, "only {checked} raw-text elements found");
}
