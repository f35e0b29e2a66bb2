//! Behind a reverse proxy (issue 22): `X-Forwarded-For` and `X-Forwarded-Proto` are
//! believed only from a configured proxy — then the address the proxy appended (not what
//! the client wrote before it) is the one sign-in throttling counts, and HTTPS makes the
//! session cookie `Secure` — and the cross-site check still compares `Origin` with the
//! configured site address, whatever `Host` or forwarded headers say. The earlier cases
//! (one forwarded address slowed, forwarded addresses ignored without a proxy) are in
//! security.rs.

use crate::helpers::{form_body, spawn_app_with, TestApp, PASSWORD};

/// A sign-in through the proxy: `headers` added as the proxy (or the client) set them.
async fn sign_in(
    app: &TestApp,
    origin: &str,
    headers: &[(&str, &str)],
    who: &str,
    pw: &str,
) -> reqwest::Response {
    let mut r = app
        .client
        .post(format!("{}/api/sign_in", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("username", who), ("password", pw)]));
    if !origin.is_empty() {
        r = r.header("origin", origin);
    }
    for (name, value) in headers {
        r = r.header(*name, *value);
    }
    r.send().await.unwrap()
}

/// The session cookie a response sets, as sent (`None` when it sets none).
fn session_cookie(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ss_session="))
        .map(str::to_string)
}

async fn addresses(app: &TestApp, username: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT DISTINCT address FROM sign_in_attempts WHERE username = $1 ORDER BY address")
        .bind(username)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_and_its_https() {
    let app = spawn_app_with(|c| c.trusted_proxies = "127.0.0.1,10.0.0.0/8".into()).await;
    let origin = app.base.clone();

    // HTTPS as the proxy says: the cookie is Secure; plain HTTP: it is not.
    let resp = sign_in(&app, &origin, &[("x-forwarded-proto", "https")], "jingban", PASSWORD).await;
    assert_eq!(resp.status(), 200);
    let cookie = session_cookie(&resp).unwrap();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
    assert_eq!(resp.headers().get("strict-transport-security").unwrap(), "max-age=31536000");
    let resp = sign_in(&app, &origin, &[], "jingban", PASSWORD).await;
    assert!(!session_cookie(&resp).unwrap().contains("Secure"), "plain HTTP");
    // Signing out over HTTPS clears the cookie the same way it was set.
    let token = session_cookie(&resp).unwrap().split(';').next().unwrap().to_string();
    let out = app
        .client
        .post(format!("{}/api/sign_out", app.base))
        .header("origin", &origin)
        .header("cookie", &token)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    let cleared = session_cookie(&out).unwrap();
    assert!(cleared.starts_with("ss_session=;") && cleared.contains("Max-Age=0; Secure"), "{cleared}");

    // The address the proxy appended counts, not what the client wrote before it: twenty
    // failures from 203.0.113.9, each claiming another address, hold 203.0.113.9.
    for i in 0..20 {
        let chain = format!("198.51.100.{i}, 203.0.113.9");
        let resp = sign_in(&app, &origin, &[("x-forwarded-for", &chain)], &format!("nobody{i}"), "x").await;
        assert_eq!(resp.status(), 400);
    }
    let chain = [("x-forwarded-for", "198.51.100.250, 203.0.113.9")];
    assert_eq!(sign_in(&app, &origin, &chain, "jijian", PASSWORD).await.status(), 429, "the address waits");
    let elsewhere = [("x-forwarded-for", "203.0.113.10")];
    assert_eq!(
        sign_in(&app, &origin, &elsewhere, "jijian", PASSWORD).await.status(),
        200,
        "another does not"
    );
    assert_eq!(addresses(&app, "nobody7").await, ["203.0.113.9"]);
    // Through two trusted proxies (127.0.0.1, then 10.0.0.5), the client is the hop before them.
    let two = [("x-forwarded-for", "203.0.113.11, 10.0.0.5")];
    assert_eq!(sign_in(&app, &origin, &two, "zhixu", PASSWORD).await.status(), 200);
    assert_eq!(addresses(&app, "zhixu").await, ["203.0.113.11"]);
}

#[tokio::test]
async fn forwarded_headers_from_a_peer_that_is_not_the_proxy_are_ignored() {
    // A proxy is configured, but the requests come from 127.0.0.1, which is not it.
    let app = spawn_app_with(|c| c.trusted_proxies = "10.9.9.9".into()).await;
    let forged = [("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")];
    let resp = sign_in(&app, &app.base, &forged, "jingban", PASSWORD).await;
    assert_eq!(resp.status(), 200);
    assert!(!session_cookie(&resp).unwrap().contains("Secure"), "X-Forwarded-Proto ignored");
    assert!(resp.headers().get("strict-transport-security").is_none());
    assert_eq!(addresses(&app, "jingban").await, ["127.0.0.1"], "X-Forwarded-For ignored");
}

#[tokio::test]
async fn the_cross_site_check_holds_through_the_proxy() {
    const SITE: &str = "https://shuangsui.example.gov.cn";
    let app = spawn_app_with(|c| {
        c.trusted_proxies = "127.0.0.1".into();
        c.site_url = SITE.into();
    })
    .await;
    let proxied = [("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")];
    // The configured address signs in (over HTTPS: a Secure cookie).
    let resp = sign_in(&app, SITE, &proxied, "jingban", PASSWORD).await;
    assert_eq!(resp.status(), 200);
    let cookie = session_cookie(&resp).unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    // The backend's own address (what `Host` says behind the proxy), a forwarded host, a
    // missing Origin: all refused, signed in or not, before anything else is read.
    let backend = app.base.clone();
    let host = backend.trim_start_matches("http://").to_string();
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        (&backend, vec![]),
        ("https://evil.example", vec![("x-forwarded-host", "shuangsui.example.gov.cn")]),
        ("", vec![]),
        ("null", vec![("host", "shuangsui.example.gov.cn")]),
    ];
    for (origin, extra) in &cases {
        let mut headers = proxied.to_vec();
        headers.extend(extra.iter().copied());
        let resp = sign_in(&app, origin, &headers, "jingban", PASSWORD).await;
        assert_eq!(resp.status(), 403, "sign-in from {origin:?} {extra:?}");
        assert!(session_cookie(&resp).is_none());
        let mut r = app
            .client
            .post(format!("{}/api/task_step", app.base))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("task_id=1&to=results_entered&comment=");
        if !origin.is_empty() {
            r = r.header("origin", *origin);
        }
        for (name, value) in &headers {
            r = r.header(*name, *value);
        }
        let resp = r.send().await.unwrap();
        assert_eq!(resp.status(), 403, "a step from {origin:?} {extra:?} (host {host})");
        assert!(resp.text().await.unwrap().contains("跨站请求"));
    }
    // A Referer on the site stands in for a missing Origin; reads need neither.
    let resp = app
        .client
        .post(format!("{}/api/whoami", app.base))
        .header("referer", format!("{SITE}/tasks/1"))
        .header("cookie", &cookie)
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("jingban"));
    let resp =
        app.client.get(format!("{}/tasks/1", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    // Nothing refused was counted as a sign-in attempt.
    let attempts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sign_in_attempts").fetch_one(&app.db).await.unwrap();
    assert_eq!(attempts, 1);
}
