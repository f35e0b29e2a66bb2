//! Sign-in, sessions, throttling, the cross-site check, and that every role is refused
//! by the server (not just hidden) what it may not do.

use crate::helpers::{spawn_app, spawn_app_with, TestApp, PASSWORD};
use app::ssr::auth::{ABSOLUTE_SECS, IDLE_SECS};
use app::ssr::seed::demo::DEMO_ACCOUNTS;

async fn whoami(app: &TestApp, cookie: Option<&str>) -> serde_json::Value {
    app.post_form(cookie, "whoami", &[]).await.json().await.unwrap()
}

async fn status_of(app: &TestApp, task: i64) -> String {
    sqlx::query_scalar("SELECT status FROM tasks WHERE id = $1").bind(task).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn every_demo_account_signs_in_with_a_safe_fresh_cookie() {
    let app = spawn_app().await;
    for (username, _, role, _) in DEMO_ACCOUNTS {
        let cookie = app.sign_in(username).await;
        let me = whoami(&app, Some(&cookie)).await;
        assert_eq!(me["username"], username);
        assert_eq!(me["role"], serde_json::to_value(role).unwrap());
    }
    // The cookie's attributes; Secure when the site is reached over HTTPS, as a trusted
    // proxy says (an untrusted X-Forwarded-Proto is ignored).
    let https_sign_in = |app: &TestApp| {
        app.client
            .post(format!("{}/api/sign_in", app.base))
            .header("origin", &app.base)
            .header("x-forwarded-proto", "https")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username=jingban&password={PASSWORD}"))
            .send()
    };
    let set_cookie = |resp: &reqwest::Response| resp.headers()["set-cookie"].to_str().unwrap().to_string();
    let set = set_cookie(&https_sign_in(&app).await.unwrap());
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"), "{set}");
    let proxied = spawn_app_with(|a| a.trusted_proxies = "127.0.0.1".into()).await;
    let set = set_cookie(&https_sign_in(&proxied).await.unwrap());
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Secure"), "{set}");
    let plain = app.post_form(None, "sign_in", &[("username", "jingban"), ("password", PASSWORD)]).await;
    assert!(!plain.headers()["set-cookie"].to_str().unwrap().contains("Secure"));

    // A session id is never reused: a cookie planted before sign-in is replaced, and the
    // database keeps only hashes.
    let planted = format!("ss_session={}", "ab".repeat(32));
    let first = app.sign_in("jingban").await;
    let resp = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", &app.base)
        .header("cookie", &first)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username=jingban&password={PASSWORD}"))
        .send()
        .await
        .unwrap();
    let second = resp.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_ne!(first, second);
    assert!(whoami(&app, Some(&first)).await.is_null(), "the old session ended at the new sign-in");
    assert!(whoami(&app, Some(&planted)).await.is_null());
    let token = second.trim_start_matches("ss_session=");
    let raw: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE token_hash = $1")
        .bind(token)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(raw, 0, "tokens are stored hashed");

    // Signing out ends the session.
    let resp = app.post_form(Some(&second), "sign_out", &[]).await;
    assert!(resp.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert!(whoami(&app, Some(&second)).await.is_null());
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account_and_per_address() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let resp =
            app.post_form(None, "sign_in", &[("username", "lingdao"), ("password", "wrong password")]).await;
        assert_eq!(resp.status(), 400);
        assert!(resp.text().await.unwrap().contains("用户名或密码不正确"));
    }
    // The sixth try is refused even with the right password…
    let resp = app.post_form(None, "sign_in", &[("username", "lingdao"), ("password", PASSWORD)]).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.text().await.unwrap().contains("登录失败次数过多"));
    // …while another account from the same address still signs in.
    app.sign_in("zhixu").await;
    // Twenty failures from one address, over many names, lock the address out.
    for i in 0..15 {
        let name = format!("nobody{i}");
        app.post_form(None, "sign_in", &[("username", &name), ("password", "x")]).await;
    }
    let resp = app.post_form(None, "sign_in", &[("username", "jijian"), ("password", PASSWORD)]).await;
    assert_eq!(resp.status(), 429);
    // A browser's plain form post is sent back to the sign-in page with the reason.
    let resp = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=jijian&password=x&next=%2Ftasks%2F1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let to = resp.headers()["location"].to_str().unwrap();
    assert!(to.starts_with("/login?error=") && to.contains("next=/tasks/1"), "{to}");
}

#[tokio::test]
async fn disabling_an_account_signs_it_out_everywhere() {
    let app = spawn_app().await;
    let (laptop, phone) = (app.sign_in("jingban").await, app.sign_in("jingban").await);
    assert_eq!(whoami(&app, Some(&laptop)).await["username"], "jingban");
    let admin = app.sign_in("admin").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'jingban'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let resp =
        app.post_form(Some(&admin), "account_active", &[("id", &id.to_string()), ("active", "false")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert!(whoami(&app, Some(&laptop)).await.is_null());
    assert!(whoami(&app, Some(&phone)).await.is_null());
    let resp = app.post_form(None, "sign_in", &[("username", "jingban"), ("password", PASSWORD)]).await;
    assert_eq!(resp.status(), 400, "a disabled account cannot sign in");
}

#[tokio::test]
async fn sessions_end_when_idle_and_after_the_absolute_limit() {
    let app = spawn_app().await;
    let idle = app.sign_in("jijian").await;
    let busy = app.sign_in("jijian").await;
    let now = app::ssr::clock::now_unix();
    let hash = |c: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(c.trim_start_matches("ss_session=").as_bytes()))
    };
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now - IDLE_SECS - 1)
        .bind(hash(&idle))
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET created_at = $1 WHERE token_hash = $2")
        .bind(now - ABSOLUTE_SECS - 1)
        .bind(hash(&busy))
        .execute(&app.db)
        .await
        .unwrap();
    assert!(whoami(&app, Some(&idle)).await.is_null());
    assert!(whoami(&app, Some(&busy)).await.is_null());
    let (status, _) = app.page(&idle, "/tasks/1").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn_app().await;
    let cookie = app.sign_in("lingdao").await;
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut r = app
            .client
            .post(format!("{}/api/task_step", app.base))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("task_id=2&to=planned&comment=");
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        let resp = r.send().await.unwrap();
        assert_eq!(resp.status(), 403, "origin {origin:?}");
        assert!(resp.text().await.unwrap().contains("跨站"));
    }
    assert_eq!(status_of(&app, 2).await, "submitted");
}

#[tokio::test]
async fn every_role_is_refused_by_the_server_what_it_may_not_do() {
    let app = spawn_app().await;
    let step = |task: &'static str, to: &'static str| vec![("task_id", task), ("to", to), ("comment", "")];
    let result = serde_json::json!({ "draft": {
        "task_id": 1, "code": "X", "inspected_on": "2023-03-20", "method": "实地核查",
        "attended": [1, 2], "categories": ["未发现问题"], "problems": "", "handling": [], "referral_department": ""
    }});
    // (account, form endpoint, fields, expected status); None = anonymous.
    type Case<'a> = (Option<&'a str>, &'a str, Vec<(&'a str, &'a str)>, u16);
    let forms: Vec<Case> = vec![
        (None, "task_step", step("2", "planned"), 401),
        (None, "plan", vec![], 401),
        (None, "accounts", vec![], 401),
        (Some("jingban"), "task_step", step("2", "planned"), 403),
        (Some("jingban"), "accounts", vec![], 403),
        (Some("jingban"), "draw", vec![("task_id", "3"), ("public_entropy", "1 2 3")], 403),
        (Some("jingban.smfw"), "freeze", vec![("task_id", "3")], 403),
        (Some("chuzhang"), "task_step", step("2", "planned"), 403),
        (Some("zhixu"), "task_step", step("2", "planned"), 403),
        (Some("lingdao"), "freeze", vec![("task_id", "3")], 403),
        // A 局领导 who is not the principal leader puts nothing into the plan.
        (Some("lingdao"), "task_step", step("2", "planned"), 403),
        (Some("lingdao"), "save_plan", vec![("year", "2023"), ("title", "改"), ("remarks", "")], 403),
        (Some("zhifa"), "task_step", step("1", "results_entered"), 403),
        (Some("zhifa"), "accounts", vec![], 403),
        (Some("jijian"), "task_step", step("2", "planned"), 403),
        (
            Some("jijian"),
            "review_result",
            vec![("task_id", "1"), ("code", "X"), ("pass", "true"), ("comment", "")],
            403,
        ),
        (
            Some("jijian"),
            "set_calendar_day",
            vec![("day", "2026-12-31"), ("kind", "holiday"), ("name", "")],
            403,
        ),
        (Some("admin"), "task_step", step("2", "planned"), 403),
        (Some("admin"), "freeze", vec![("task_id", "3")], 403),
    ];
    for (who, endpoint, fields, want) in forms {
        let cookie = match who {
            Some(u) => Some(app.sign_in(u).await),
            None => None,
        };
        let resp = app.post_form(cookie.as_deref(), endpoint, &fields).await;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap();
        assert_eq!(status, want, "{who:?} {endpoint} {fields:?}: {body}");
    }
    // JSON endpoints: results by anyone but the clerk or the team, the audit log by
    // anyone but 纪检 and 管理员.
    for (who, endpoint, body, want) in [
        ("lingdao", "save_result", result.clone(), 403),
        ("jijian", "save_result", result.clone(), 403),
        ("admin", "save_result", result.clone(), 403),
        ("jingban", "audit", serde_json::json!({ "filter": {} }), 403),
        ("lingdao", "audit", serde_json::json!({ "filter": {} }), 403),
        ("jijian", "audit", serde_json::json!({ "filter": {} }), 200),
        ("admin", "audit", serde_json::json!({ "filter": {} }), 200),
    ] {
        let cookie = app.sign_in(who).await;
        let resp = app.post_json(Some(&cookie), endpoint, body).await;
        assert_eq!(resp.status().as_u16(), want, "{who} {endpoint}: {}", resp.text().await.unwrap());
    }
    // Nothing moved, nothing was written by the refused requests.
    assert_eq!(
        (status_of(&app, 1).await, status_of(&app, 2).await, status_of(&app, 3).await),
        ("inspecting".into(), "submitted".into(), "planned".into())
    );
    let results: i64 = sqlx::query_scalar("SELECT count(*) FROM inspection_results WHERE draw_id = 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(results, 0);
    // Refused freeze and draw attempts are on record with their reason.
    let refused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draw_attempts WHERE task_id = 3 AND outcome = 'refused'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(refused, 4);
}
