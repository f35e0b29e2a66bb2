//! The live draw ceremony: steps in order, entropy typed with a Chinese input method,
//! observers following by server-sent events, the record, and no second draw.

use crate::helpers::{run, spawn_app, TestApp};
use tokio::sync::mpsc;

async fn step(app: &TestApp, cookie: &str, to: u8, place: &str) -> (u16, serde_json::Value) {
    let resp = app
        .post_form(
            Some(cookie),
            "ceremony_step",
            &[("task_id", "3"), ("to", &to.to_string()), ("place", place), ("entropy", "")],
        )
        .await;
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

/// Follows `/api/public/tasks/3/live` like a phone (no cookie) and sends each state on.
async fn observe(app: &TestApp) -> mpsc::UnboundedReceiver<serde_json::Value> {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut resp = reqwest::get(format!("{}/api/public/tasks/3/live", app.base)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    tokio::spawn(async move {
        let mut buf = String::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                    let _ = tx.send(serde_json::from_str(data).unwrap());
                }
            }
        }
    });
    rx
}

async fn next(rx: &mut mpsc::UnboundedReceiver<serde_json::Value>) -> serde_json::Value {
    tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("an event in time")
        .unwrap()
}

#[tokio::test]
async fn a_ceremony_runs_in_order_and_observers_follow_every_step() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban.sctx").await;
    // No ceremony before the pool is frozen.
    assert_eq!(reqwest::get(format!("{}/api/public/tasks/3/live", app.base)).await.unwrap().status(), 404);
    let resp = app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    // The commitment is public from now on, before the meeting, without signing in.
    let (status, page) = (
        app.client.get(format!("{}/live/3", app.base)).send().await.unwrap().status(),
        app.client.get(format!("{}/live/3", app.base)).send().await.unwrap().text().await.unwrap(),
    );
    let commitment: String = sqlx::query_scalar("SELECT commitment FROM draws WHERE task_id = 3")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, 200);
    let grouped = commitment
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(page.contains(&grouped), "the live page shows the commitment");

    let mut phone = observe(&app).await;
    assert_eq!(next(&mut phone).await["step"], 0, "a stream starts with the current state");

    // Only the initiating office's clerk runs it; steps go one at a time.
    let other = app.sign_in("jingban").await;
    assert_eq!(step(&app, &other, 1, "").await.0, 403);
    assert_eq!(step(&app, &clerk, 3, "").await.0, 409);
    assert_eq!(step(&app, &clerk, 1, "局三楼会议室").await.0, 200);
    assert_eq!(next(&mut phone).await["step"], 1);
    assert_eq!(step(&app, &clerk, 2, "").await.0, 200);
    assert_eq!(next(&mut phone).await["step"], 2);

    // Typed with a Chinese input method: full-width digits become ASCII as they are typed.
    let typed =
        app.post_form(Some(&clerk), "ceremony_entropy", &[("task_id", "3"), ("text", "３ １ ４ ·")]).await;
    assert_eq!(typed.status(), 200);
    assert_eq!(next(&mut phone).await["entropy"], "3 1 4 ·");
    // A character DR1 refuses (refusal 5) stops the draw with a clear message; nothing is drawn.
    let (s, body) = step(&app, &clerk, 3, "").await;
    assert_eq!(s, 400, "{body}");
    assert!(body.to_string().contains("第 4 个点数“·”"), "{body}");
    let seed: Option<String> =
        sqlx::query_scalar("SELECT seed FROM draws WHERE task_id = 3").fetch_one(&app.db).await.unwrap();
    assert!(seed.is_none());
    app.post_form(
        Some(&clerk),
        "ceremony_entropy",
        &[("task_id", "3"), ("text", "３ １ ４ １ ５ ６ ２ ６ ５ ３")],
    )
    .await;
    assert_eq!(next(&mut phone).await["entropy"], "3 1 4 1 5 6 2 6 5 3");

    let (s, state) = step(&app, &clerk, 3, "").await;
    assert_eq!(s, 200, "{state}");
    let seen = next(&mut phone).await;
    assert_eq!(seen["step"], 3);
    let manifest: String =
        sqlx::query_scalar("SELECT manifest FROM draws WHERE task_id = 3").fetch_one(&app.db).await.unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(seen["seed"], m["seed"], "observers see the manifest's seed");
    assert_eq!(seen["secret"], m["secret"]);
    assert_eq!(m["public_entropy"], "3 1 4 1 5 6 2 6 5 3", "stored in ASCII");
    let file = app.dir.join("task3.json");
    std::fs::write(&file, &manifest).unwrap();
    assert_eq!(run(&["verify", file.to_str().unwrap()]).1.trim(), "valid");

    assert_eq!(step(&app, &clerk, 4, "").await.0, 200);
    let at4 = next(&mut phone).await;
    assert_eq!(at4["step"], 4);
    let codes: Vec<&str> =
        m["selected"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    let shown: Vec<&str> =
        at4["selected"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert_eq!(shown, codes, "the same enterprises, in key order");
    assert_eq!(step(&app, &clerk, 5, "").await.0, 200);
    assert_eq!(next(&mut phone).await["step"], 5);

    // Reopened, the screen is at step 5 with the verify QR; a second draw is refused and recorded.
    let view: serde_json::Value =
        app.post_form(Some(&clerk), "ceremony", &[("task_id", "3")]).await.json().await.unwrap();
    assert_eq!(view["live"]["step"], 5);
    assert!(
        view["verify_qr"].as_str().unwrap().starts_with("<?xml")
            || view["verify_qr"].as_str().unwrap().contains("<svg")
    );
    // Draws 1 and 2 are the demo's (2023 task 1, the finished 2022 task).
    let verify_url = view["verify_url"].as_str().unwrap();
    assert!(verify_url.ends_with("/public/draws/3"), "{verify_url}");
    // The QR's page opens for anyone, signed in or not.
    let public = app.client.get(format!("{}/public/draws/3", app.base)).send().await.unwrap();
    assert_eq!(public.status(), 200);
    assert!(!public.text().await.unwrap().contains("请登录"));
    let again = app.post_form(Some(&clerk), "draw", &[("task_id", "3"), ("public_entropy", "1")]).await;
    assert_eq!(again.status(), 409);
    let refused: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM draw_attempts WHERE task_id = 3 AND action = 'draw' AND outcome = 'refused'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    // The early step 3, the refused entropy, and this second draw.
    assert_eq!(refused, 3);

    // The printable record carries the place, entropy, seed, selection and signature lines.
    let (status, html) = app.page(&clerk, "/tasks/3/record").await;
    assert_eq!(status, 200);
    let seed = m["seed"].as_str().unwrap();
    let grouped =
        seed.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ");
    for needle in ["抽取记录表", "局三楼会议室", "3 1 4 1 5 6 2 6 5 3", grouped.as_str(), "签字", codes[0]]
    {
        assert!(html.contains(needle), "record lacks {needle}");
    }
}

#[tokio::test]
async fn a_conflict_declared_after_the_draw_is_replaced_by_the_protocol_and_verifies() {
    let app = spawn_app().await;
    let (inspector, head, observer) =
        (app.sign_in("zhifa").await, app.sign_in("chuzhang").await, app.sign_in("jijian").await);
    let me: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let code: String =
        sqlx::query_scalar("SELECT code FROM draw_selections WHERE draw_id = 1 AND position = 0")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let team = |db: sqlx::AnyPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT inspector_id FROM draw_team_members WHERE draw_id = 1 AND position = 0 ORDER BY seq",
        )
        .fetch_all(&db)
        .await
        .unwrap()
    };
    let before = team(app.db.clone()).await;
    assert!(before.contains(&me));
    let other = *before.iter().find(|i| **i != me).unwrap();
    let declare = |cookie: String, inspector_id: i64| {
        let code = code.clone();
        let app = &app;
        async move {
            app.post_form(
                Some(&cookie),
                "declare_recusal",
                &[
                    ("task_id", "1"),
                    ("code", &code),
                    ("inspector_id", &inspector_id.to_string()),
                    ("reason", "近亲属"),
                    ("note", ""),
                ],
            )
            .await
        }
    };
    // Only for oneself, and not by an observer.
    assert_eq!(declare(inspector.clone(), other).await.status(), 403);
    assert_eq!(declare(observer.clone(), me).await.status(), 403);
    let resp = declare(inspector.clone(), me).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let id: i64 = sqlx::query_scalar("SELECT id FROM post_recusals").fetch_one(&app.db).await.unwrap();
    // Pending until the office head approves; the inspector cannot approve it.
    assert_eq!(
        app.post_form(Some(&inspector), "approve_recusal", &[("recusal_id", &id.to_string())]).await.status(),
        403
    );
    assert_eq!(team(app.db.clone()).await, before);
    let resp = app.post_form(Some(&head), "approve_recusal", &[("recusal_id", &id.to_string())]).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let replacement: i64 = resp.json().await.unwrap();
    let after = team(app.db.clone()).await;
    assert!(
        !after.contains(&me) && after.contains(&replacement) && after.contains(&other),
        "{before:?} → {after:?}"
    );
    assert_eq!(
        app.post_form(Some(&head), "approve_recusal", &[("recusal_id", &id.to_string())]).await.status(),
        409
    );

    // The stored manifest now carries the recusal and still verifies.
    let manifest: String =
        sqlx::query_scalar("SELECT manifest FROM draws WHERE id = 1").fetch_one(&app.db).await.unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let cert: String = sqlx::query_scalar("SELECT certificate_no FROM inspectors WHERE id = $1")
        .bind(me)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(m["post_recusals"][0]["entity"], code.as_str());
    assert_eq!(m["post_recusals"][0]["inspector"], cert.as_str());
    assert_eq!(m["selected"][0]["recused"][0], cert.as_str());
    assert!(m["recusals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["stage"] == "post" && r["inspector"] == cert.as_str()));
    let file = app.dir.join("recused.json");
    std::fs::write(&file, &manifest).unwrap();
    assert_eq!(run(&["verify", file.to_str().unwrap()]).1.trim(), "valid");
    // Known from now on for later draws, and in the audit log with who approved.
    let known: i64 =
        sqlx::query_scalar("SELECT count(*) FROM conflicts WHERE inspector_id = $1 AND note = '抽取后申报'")
            .bind(me)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(known, 1);
    let approved: String = sqlx::query_scalar("SELECT actor FROM audit_log WHERE action = 'recusal.approve'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(approved, "chuzhang");
    let (_, html) = app.page(&head, "/tasks/1/record").await;
    assert!(html.contains("（抽取后回避）"), "the record shows the replacement");
}

#[tokio::test]
async fn a_screen_reopened_after_the_draw_resumes_at_the_reveal_without_drawing_again() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban.sctx").await;
    assert_eq!(app.post_form(Some(&clerk), "freeze", &[("task_id", "3")]).await.status(), 200);
    assert_eq!(step(&app, &clerk, 1, "").await.0, 200);
    assert_eq!(step(&app, &clerk, 2, "").await.0, 200);
    // The draw commits, then the screen dies before it shows step 3.
    let resp = app.post_form(Some(&clerk), "draw", &[("task_id", "3"), ("public_entropy", "6 6 6 1")]).await;
    assert_eq!(resp.status(), 200);
    let seed: String =
        sqlx::query_scalar("SELECT seed FROM draws WHERE task_id = 3").fetch_one(&app.db).await.unwrap();
    // Reopened, the next key press goes to the reveal with the committed draw.
    let (s, state) = step(&app, &clerk, 3, "").await;
    assert_eq!(s, 200, "{state}");
    assert_eq!(state["seed"], seed.as_str());
    assert_eq!(state["entropy"], "6 6 6 1");
    let attempts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draw_attempts WHERE task_id = 3 AND action = 'draw'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(attempts, 1, "no second draw was attempted");
}
