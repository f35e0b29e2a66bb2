//! Operating the server: the binary alone in an empty directory, its configuration, the
//! probes and metrics, and stopping on SIGTERM without losing a write.

use crate::helpers::{
    binary, fresh_database_url, repo, test_backend_is_postgres, ServerProcess, TempDir, PASSWORD,
};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The value of the sample `series` (name and labels exactly as printed) in a scrape.
fn sample(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in the scrape:\n{scrape}"))
}

async fn get(url: &str) -> (u16, String) {
    let resp = reqwest::get(url).await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Runs the binary in `dir` with `env` and no other configuration; (exit code, stdout, stderr).
fn run_in(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut command = std::process::Command::new(binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("SHUANGSUI_") || name.starts_with("LEPTOS_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    let out = command.current_dir(dir).envs(env.iter().copied()).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Sends SIGTERM to the server process.
fn terminate(server: &ServerProcess) {
    let status = std::process::Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    assert!(status.unwrap().success());
}

/// Waits up to `limit` for the process to exit; its exit code and how long it took.
fn wait_exit(server: &mut ServerProcess, limit: Duration) -> (Option<i32>, Duration) {
    let start = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return (status.code(), start.elapsed());
        }
        assert!(start.elapsed() < limit, "the server was still running {limit:?} after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn the_binary_alone_serves_its_site_from_an_empty_directory() {
    // Only the binary: no target/site, no variables, a working directory of its own.
    let dir = TempDir::new("alone");
    let copy = dir.join("shuangsui");
    std::fs::copy(binary(), &copy).unwrap();
    let (code, version, _) = run_in(&dir.0, &[], &["--version"]);
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(repo())
        .output()
        .unwrap();
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    assert_eq!(code, 0);
    assert!(version.starts_with(&format!("shuangsui {} (", env!("CARGO_PKG_VERSION"))), "{version}");
    assert!(commit.is_empty() || version.contains(&commit), "names the commit {commit}: {version}");
    // SQLite: the default database, created under the working directory.
    let db = if test_backend_is_postgres() { Some(fresh_database_url(&dir).await) } else { None };
    let server = ServerProcess::start_in(&dir.0, &copy, db.as_deref(), &[]);
    if db.is_none() {
        assert!(dir.join("data/shuangsui.db").is_file(), "the default database is in the working directory");
    }
    let client = reqwest::Client::builder().no_gzip().no_brotli().build().unwrap();
    let page = client.get(format!("{}/login", server.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/pkg/shuangsui.js") && page.contains("/pkg/shuangsui.css"), "{page}");
    let built = repo().join("target/site/pkg");
    for (path, encoding, file, content_type) in [
        ("shuangsui_bg.wasm", "br", "shuangsui_bg.wasm.br", "application/wasm"),
        ("shuangsui_bg.wasm", "gzip", "shuangsui_bg.wasm.gz", "application/wasm"),
        ("shuangsui.js", "identity", "shuangsui.js", "text/javascript; charset=utf-8"),
        ("shuangsui.css", "br", "shuangsui.css.br", "text/css; charset=utf-8"),
    ] {
        let resp = client
            .get(format!("{}/pkg/{path}", server.base))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path} {encoding}");
        assert_eq!(resp.headers()["content-type"], content_type, "{path}");
        let sent = resp.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
        assert_eq!(sent.as_deref(), (encoding != "identity").then_some(encoding), "{path}");
        let etag = resp.headers()["etag"].to_str().unwrap().to_string();
        assert_eq!(
            resp.bytes().await.unwrap().as_ref(),
            std::fs::read(built.join(file)).unwrap(),
            "{path} {encoding}"
        );
        let again = client
            .get(format!("{}/pkg/{path}", server.base))
            .header("accept-encoding", encoding)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} {encoding} revalidates");
    }
    // The verifier, at the address the portal gives it: its hash is the embedded file's.
    let (status, draw) = get(&format!("{}/public/tasks/1/draw", server.base)).await;
    assert_eq!(status, 200);
    let url = draw.split("data-wasm=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_string();
    let resp = client.get(format!("{}{url}", server.base)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let wasm = resp.bytes().await.unwrap();
    assert_eq!(wasm.as_ref(), std::fs::read(built.join("verifier.wasm")).unwrap());
    assert_eq!(url, format!("/pkg/verifier.wasm?v={}", &hex::encode(Sha256::digest(&wasm))[..16]));
    assert_eq!(get(&format!("{}/favicon.svg", server.base)).await.0, 200);
    assert_eq!(get(&format!("{}/pkg/none.js", server.base)).await.0, 404);
    let (status, missing) = get(&format!("{}/no/such/page", server.base)).await;
    assert_eq!(status, 404);
    assert!(missing.contains("<html"), "the app's own not-found page");
}

#[tokio::test]
async fn a_site_directory_is_served_when_named() {
    // The development loop's way (`cargo leptos watch`, --site-root).
    let dir = TempDir::new("site-root");
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/shuangsui.css"), "body { color: red }").unwrap();
    let db = fresh_database_url(&dir).await;
    let server =
        ServerProcess::start_in(&dir.0, &binary(), Some(&db), &["--site-root", site.to_str().unwrap()]);
    assert_eq!(get(&format!("{}/pkg/shuangsui.css", server.base)).await, (200, "body { color: red }".into()));
    assert_eq!(get(&format!("{}/pkg/shuangsui.js", server.base)).await.0, 404);
}

#[test]
fn config_prints_each_value_with_its_origin_and_refuses_a_wrong_one() {
    let dir = TempDir::new("config");
    std::fs::write(
        dir.join("shuangsui.toml"),
        "addr = \"0.0.0.0:8080\"\nsession_idle = \"15m\"\nbureau_name = \"某市市场监督管理局\"\n",
    )
    .unwrap();
    let env = [
        ("SHUANGSUI_DATABASE_URL", "postgres://shuangsui:s3cret@db.internal/shuangsui"),
        ("SHUANGSUI_MAX_CONNECTIONS", "100"),
    ];
    let (code, out, err) = run_in(&dir.0, &env, &["config", "--drain-timeout", "20s"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("s3cret"), "the password is redacted:\n{out}");
    for line in [
        "database_url = \"postgres://shuangsui:***@db.internal/shuangsui\"  # $SHUANGSUI_DATABASE_URL",
        "addr = \"0.0.0.0:8080\"  # shuangsui.toml",
        "session_idle = \"15m\"  # shuangsui.toml",
        "bureau_name = \"某市市场监督管理局\"  # shuangsui.toml",
        "max_connections = 100  # $SHUANGSUI_MAX_CONNECTIONS",
        "drain_timeout = \"20s\"  # --drain-timeout",
        "session_absolute = \"12h\"  # default",
    ] {
        assert!(out.lines().any(|l| l == line), "{line}\nin:\n{out}");
    }
    // The output is itself a configuration file that reads back.
    let body: String = out.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("printed.toml"), body).unwrap();
    let (code, _, err) = run_in(&dir.0, &[], &["--config", "printed.toml", "config"]);
    assert_eq!(code, 0, "{err}");
    // A wrong value stops the start, named with where it came from.
    for (env, named) in [
        (("SHUANGSUI_MAX_CONNECTIONS", "lots"), "$SHUANGSUI_MAX_CONNECTIONS: max_connections = \"lots\""),
        (("SHUANGSUI_SESSION_IDLE", "3 weeks"), "$SHUANGSUI_SESSION_IDLE: session_idle"),
        (("SHUANGSUI_SITE_URL", "shuangsui.example"), "$SHUANGSUI_SITE_URL: site_url"),
        (("DATABASE_URL", "mysql://root:pw@x/y"), "$DATABASE_URL: database_url = \"mysql://root:***@x/y\""),
    ] {
        let (code, out, err) = run_in(&dir.0, &[env], &["serve"]);
        assert_eq!(code, 2, "{named}: {out}{err}");
        assert!(err.contains(named), "{named}: {err}");
    }
    std::fs::write(dir.join("shuangsui.toml"), "listen = \"0.0.0.0:80\"\n").unwrap();
    let (code, _, err) = run_in(&dir.0, &[], &["serve"]);
    assert_eq!(code, 2);
    assert!(err.contains("shuangsui.toml: unknown key \"listen\""), "{err}");
    let (code, _, err) = run_in(&dir.0, &[], &["--config", "missing.toml", "serve"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"), "{err}");
}

#[tokio::test]
async fn probes_answer_and_metrics_move_with_requests() {
    let dir = TempDir::new("metrics");
    let server = ServerProcess::start(&fresh_database_url(&dir).await, &["--no-demo"]);
    assert_eq!(get(&format!("{}/healthz", server.base)).await, (200, "ok\n".into()));
    let (status, ready) = get(&format!("{}/readyz", server.base)).await;
    assert_eq!(status, 200, "{ready}");
    let migrations = std::fs::read_dir(repo().join("migrations/sqlite")).unwrap().count();
    assert!(ready.contains(&format!("migrations: {migrations} of {migrations} applied")), "{ready}");
    assert!(ready.contains("audit head: #"), "{ready}");
    // Metrics only on their own (loopback) listener, not on the site's.
    assert!(server.metrics.starts_with("http://127.0.0.1:"), "{}", server.metrics);
    assert_eq!(get(&format!("{}/metrics", server.base)).await.0, 404);
    let scrape = || async { get(&format!("{}/metrics", server.metrics)).await.1 };
    let public = "shuangsui_http_requests_total{route=\"/public\",method=\"GET\",status=\"200\"}";
    get(&format!("{}/public", server.base)).await;
    let before = scrape().await;
    get(&format!("{}/public", server.base)).await;
    let after = scrape().await;
    assert_eq!(sample(&after, public), sample(&before, public) + 1.0);
    let count = "shuangsui_http_request_duration_seconds_count{route=\"/public\",method=\"GET\"}";
    assert_eq!(sample(&after, count), sample(&before, count) + 1.0);
    // One label for every address no route matched, whatever was asked.
    get(&format!("{}/wp-admin/{}", server.base, "x".repeat(40))).await;
    assert!(scrape().await.contains("route=\"unmatched\",method=\"GET\",status=\"404\""));
    for series in [
        "shuangsui_draw_attempts_total{action=\"draw\",outcome=\"done\"}",
        "shuangsui_draw_attempts_total{action=\"freeze\",outcome=\"refused\"}",
        "shuangsui_imports_total{kind=\"registry\",outcome=\"ok\"}",
        "shuangsui_db_pool_connections{state=\"idle\"}",
        "shuangsui_database_up",
    ] {
        sample(&after, series);
    }
    assert_eq!(sample(&after, "shuangsui_database_up"), 1.0);
    assert!(after.contains("# TYPE shuangsui_http_request_duration_seconds histogram"));
}

#[tokio::test]
async fn draws_refusals_imports_and_followers_are_counted() {
    let dir = TempDir::new("metrics-work");
    let server = ServerProcess::start(&fresh_database_url(&dir).await, &[]);
    let scrape = || async { get(&format!("{}/metrics", server.metrics)).await.1 };
    let before = scrape().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let post = |cookie: Option<String>, endpoint: &str, form: &[(&str, &str)]| {
        let mut r = client
            .post(format!("{}/api/{endpoint}", server.base))
            .header("origin", &server.base)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(crate::helpers::form_body(form));
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.send()
    };
    let resp = post(None, "sign_in", &[("username", "jingban.sctx"), ("password", PASSWORD)]).await.unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    // Task 003: freeze it, then ask again (refused: already frozen).
    assert_eq!(post(Some(cookie.clone()), "freeze", &[("task_id", "3")]).await.unwrap().status(), 200);
    assert_eq!(post(Some(cookie.clone()), "freeze", &[("task_id", "3")]).await.unwrap().status(), 409);
    let after = scrape().await;
    for (series, moved) in [
        ("shuangsui_draw_attempts_total{action=\"freeze\",outcome=\"done\"}", 1.0),
        ("shuangsui_draw_attempts_total{action=\"freeze\",outcome=\"refused\"}", 1.0),
    ] {
        assert_eq!(sample(&after, series), sample(&before, series) + moved, "{series}");
    }
    // An import refused (not signed in).
    let multipart = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nenterprises\r\n--b--\r\n";
    let resp = client
        .post(format!("{}/api/registry/import", server.base))
        .header("origin", &server.base)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let refused = "shuangsui_imports_total{kind=\"registry\",outcome=\"refused\"}";
    assert_eq!(sample(&scrape().await, refused), sample(&after, refused) + 1.0);
    // A follower of the live ceremony, counted while its stream is open.
    let followers = "shuangsui_live_followers";
    assert_eq!(sample(&scrape().await, followers), 0.0);
    let mut stream = reqwest::get(format!("{}/api/public/tasks/3/live", server.base)).await.unwrap();
    assert_eq!(stream.status(), 200);
    stream.chunk().await.unwrap();
    assert_eq!(sample(&scrape().await, followers), 1.0);
    drop(stream);
    let start = Instant::now();
    while sample(&scrape().await, followers) != 0.0 {
        assert!(start.elapsed() < Duration::from_secs(20), "a closed stream stops being counted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone() {
    let dir = TempDir::new("gone");
    let db = fresh_database_url(&dir).await;
    let server = ServerProcess::start(&db, &["--no-demo"]);
    assert_eq!(get(&format!("{}/readyz", server.base)).await.0, 200);
    if test_backend_is_postgres() {
        use sqlx::Connection;
        let admin = std::env::var("SHUANGSUI_TEST_PG").unwrap();
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        let name = db.rsplit('/').next().unwrap();
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    } else {
        let file = db.strip_prefix("sqlite://").unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{file}{suffix}"));
        }
    }
    let (status, why) = get(&format!("{}/readyz", server.base)).await;
    assert_eq!(status, 503, "{why}");
    assert!(why.contains("FAILED"), "{why}");
    // Alive all the same: a balancer takes it out, a supervisor does not restart it.
    assert_eq!(get(&format!("{}/healthz", server.base)).await.0, 200);
}

/// Reads an HTTP/1.1 response to its end (the server closes the connection); its status.
async fn status_of(conn: &mut tokio::net::TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), conn.read_to_end(&mut raw)).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn sigterm_during_a_live_stream_finishes_the_write_in_flight_and_exits_in_time() {
    let dir = TempDir::new("sigterm");
    let db = fresh_database_url(&dir).await;
    let mut server = ServerProcess::start(&db, &["--drain-timeout", "10"]);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client
        .post(format!("{}/api/sign_in", server.base))
        .header("origin", &server.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::form_body(&[("username", "jingban.sctx"), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    // A phone follows the drawn task's ceremony.
    let mut stream = reqwest::get(format!("{}/api/public/tasks/1/live", server.base)).await.unwrap();
    assert_eq!(stream.status(), 200);
    stream.chunk().await.unwrap();
    // A write in flight: the freeze of task 003, its body half sent when SIGTERM comes.
    let body = "task_id=3";
    let mut conn = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/freeze HTTP/1.1\r\nHost: x\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\ntask_",
        server.base,
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = Instant::now();
    terminate(&server);
    // The stream ends at once, cleanly, telling the phone when to reconnect.
    let mut tail = String::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.chunk()).await {
            Ok(Ok(Some(chunk))) => tail.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) => break,
            Ok(Err(e)) => panic!("the live stream broke instead of ending: {e}"),
            Err(_) => panic!("the live stream was still open 5 s after SIGTERM"),
        }
    }
    assert!(tail.contains("event: closing") && tail.contains("retry: 1000"), "{tail}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    conn.write_all(&body.as_bytes()["task_".len()..]).await.unwrap();
    let (status, text) = status_of(&mut conn).await;
    assert_eq!(status, 200, "the request in flight is answered:\n{text}");
    let (code, took) = wait_exit(&mut server, Duration::from_secs(15));
    assert_eq!(code, Some(0));
    assert!(took < Duration::from_secs(5), "exited {took:?} after the last request, not at the drain bound");
    assert!(stopping.elapsed() < Duration::from_secs(10), "within drain_timeout");
    // The freeze is there, with its audit entry, and the chain is whole.
    let pool = app::ssr::db::connect(&db).await.unwrap();
    let frozen: i64 =
        sqlx::query_scalar("SELECT count(*) FROM draws WHERE task_id = 3").fetch_one(&pool).await.unwrap();
    assert_eq!(frozen, 1);
    pool.close().await;
    let (code, out, err) = crate::helpers::run(&["audit", "verify", "--db", &db]);
    assert_eq!(code, 0, "{out}{err}");
}

#[tokio::test]
async fn sigterm_gives_up_on_a_stuck_request_at_the_drain_bound() {
    let dir = TempDir::new("stuck");
    let mut server =
        ServerProcess::start(&fresh_database_url(&dir).await, &["--no-demo", "--drain-timeout", "2"]);
    let mut conn = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: x\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 100\r\n\r\nusername=",
        server.base
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(&server);
    let (code, took) = wait_exit(&mut server, Duration::from_secs(8));
    assert_eq!(code, Some(0));
    assert!(took >= Duration::from_millis(1500), "the request got its drain time ({took:?})");
    assert!(took < Duration::from_secs(5), "and no more ({took:?})");
}

#[tokio::test]
async fn configured_lifetimes_limits_and_bureau_apply() {
    let dir = TempDir::new("configured");
    let server = ServerProcess::start(
        &fresh_database_url(&dir).await,
        &[
            "--session-idle",
            "1s",
            "--session-absolute",
            "1h",
            "--registry-import-max",
            "2KB",
            "--bureau-name",
            "某市市场监督管理局",
            "--region",
            "某省某市",
        ],
    );
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client
        .post(format!("{}/api/sign_in", server.base))
        .header("origin", &server.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(crate::helpers::form_body(&[("username", "jingban"), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("Max-Age=3600"), "the cookie lives as long as the session may: {set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let whoami = || async {
        let resp = client
            .post(format!("{}/api/whoami", server.base))
            .header("origin", &server.base)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        resp.json::<serde_json::Value>().await.unwrap()
    };
    assert_eq!(whoami().await["username"], "jingban");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(whoami().await.is_null(), "signed out after a second without a request");
    // The web import takes at most 2 KB (its body at most twice that).
    let big = vec![b'x'; 5000];
    let resp = client
        .post(format!("{}/api/registry/import", server.base))
        .header("origin", &server.base)
        .header("content-type", "multipart/form-data; boundary=b")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let (_, public) = get(&format!("{}/public", server.base)).await;
    assert!(public.contains("公示单位：某市市场监督管理局（某省某市）"), "the portal names the bureau");
}
