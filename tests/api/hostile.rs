//! Hostile input over HTTP (issue 22): every server function, as the server's own list
//! of registered functions gives them (cross-checked against the `#[server]` attributes
//! of app/src/api), sent missing fields, wrong types and a 10 MB string by a signed-in
//! administrator and clerk from this site. The answer is an answer in words — a refusal
//! (4xx) or the work done — never a 500, never a hang (the client gives up after 120 s).

use crate::helpers::{spawn_app, TestApp};
use std::collections::BTreeMap;

/// One server function as its source declares it.
#[derive(Debug)]
struct Endpoint {
    /// `json`, `multipart` or `form` (the default, `application/x-www-form-urlencoded`).
    codec: &'static str,
    /// Argument names and their Rust types, in order.
    args: Vec<(String, String)>,
}

/// Every `#[server(prefix = "/api", endpoint = "…")]` of app/src by its endpoint.
fn declared() -> BTreeMap<String, Endpoint> {
    let mut found = BTreeMap::new();
    let mut files = vec![crate::helpers::repo().join("app/src")];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("#[server(").skip(1) {
            let attr = &part[..part.find(")]").unwrap()];
            let endpoint = attr.split("endpoint = \"").nth(1).unwrap().split('"').next().unwrap().to_string();
            let codec = if attr.contains("codec::Json") {
                "json"
            } else if attr.contains("codec::MultipartFormData") {
                "multipart"
            } else {
                "form"
            };
            let sig = &part[part.find("async fn").unwrap()..];
            let open = sig.find('(').unwrap();
            let (mut depth, mut close) = (0i32, 0);
            for (i, c) in sig.char_indices().skip(open) {
                match c {
                    '(' | '<' | '[' => depth += 1,
                    ')' | '>' | ']' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    close = i;
                    break;
                }
            }
            let mut args = Vec::new();
            let (mut depth, mut current) = (0i32, String::new());
            for c in sig[open + 1..close].chars().chain([',']) {
                match c {
                    '(' | '<' | '[' => depth += 1,
                    ')' | '>' | ']' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    if let Some((name, ty)) = current.split_once(':') {
                        args.push((name.trim().to_string(), ty.trim().to_string()));
                    }
                    current.clear();
                } else {
                    current.push(c);
                }
            }
            assert!(found.insert(endpoint.clone(), Endpoint { codec, args }).is_none(), "{endpoint} twice");
        }
    }
    found
}

/// A request to `/api/{endpoint}` with `body` of `content_type`, as `cookie`, from this site.
async fn send(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let resp = app
        .client
        .post(format!("{}/api/{endpoint}", app.base))
        .header("origin", &app.base)
        .header("cookie", cookie)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("/api/{endpoint}: no answer ({e})"));
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

const BOUNDARY: &str = "hostile-b0undary";

/// A body of `fields` for the endpoint's codec, and its content type.
fn body(codec: &str, fields: &[(&str, serde_json::Value)]) -> (String, Vec<u8>) {
    match codec {
        "json" => {
            let map: serde_json::Map<String, serde_json::Value> =
                fields.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
            ("application/json".into(), serde_json::Value::Object(map).to_string().into_bytes())
        }
        "multipart" => {
            let mut b = Vec::new();
            for (k, v) in fields {
                let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
                b.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"").bytes());
                if *k == "file" {
                    b.extend(b"; filename=\"x.csv\"\r\nContent-Type: text/csv");
                }
                b.extend(b"\r\n\r\n");
                b.extend(text.bytes());
                b.extend(b"\r\n");
            }
            b.extend(format!("--{BOUNDARY}--\r\n").bytes());
            (format!("multipart/form-data; boundary={BOUNDARY}"), b)
        }
        _ => {
            let pairs: Vec<(&str, String)> = fields
                .iter()
                .map(|(k, v)| (*k, v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                .collect();
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ("application/x-www-form-urlencoded".into(), crate::helpers::form_body(&pairs).into_bytes())
        }
    }
}

/// Whether a message is in Chinese.
fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[tokio::test]
async fn every_server_function_answers_hostile_input_in_words() {
    let app = spawn_app().await;
    let declared = declared();
    // The functions the server registered, cross-checked against the source.
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .filter_map(|(path, _)| path.strip_prefix("/api/").map(str::to_string))
        .collect();
    let in_source: std::collections::BTreeSet<String> = declared.keys().cloned().collect();
    assert_eq!(registered, in_source, "registered server functions vs #[server] attributes");
    assert!(declared.len() >= 60, "{} server functions", declared.len());
    // Those taking a multipart form are guarded before their codec (which panics on a
    // content type without a boundary: the connection dropped, found by this test).
    let multipart: Vec<String> =
        declared.iter().filter(|(_, e)| e.codec == "multipart").map(|(n, _)| format!("/api/{n}")).collect();
    assert_eq!(multipart, app::api::MULTIPART_ENDPOINTS.to_vec());

    let ten_mb = "界".repeat((10 << 20) / 3);
    let mut refused = 0;
    for (who, username) in [("admin", "admin"), ("clerk", "jingban")] {
        let mut cookie = app.sign_in(username).await;
        for (endpoint, e) in &declared {
            if ["sign_in", "sign_out"].contains(&endpoint.as_str()) {
                continue; // a session's own ends; odd input to sign_in is tests/api/auth.rs's
            }
            let wrong = |ty: &str| -> serde_json::Value {
                if e.codec == "form" && !ty.contains("String") {
                    serde_json::json!("abc\u{0}")
                } else if e.codec == "form" {
                    serde_json::json!("")
                } else {
                    serde_json::json!({ "wrong": [1, [2, {"x": null}]] })
                }
            };
            let mut cases: Vec<(&str, Vec<(&str, serde_json::Value)>)> = vec![
                ("missing fields", vec![]),
                ("wrong types", e.args.iter().map(|(n, t)| (n.as_str(), wrong(t))).collect()),
            ];
            if who == "admin" {
                let first = e.args.first().map_or("x", |(n, _)| n.as_str());
                let first = if e.codec == "multipart" { "file" } else { first };
                cases.push(("a 10 MB string", vec![(first, serde_json::json!(ten_mb))]));
            }
            if e.codec != "form" {
                cases.push(("a form where another codec is expected", vec![("x", serde_json::json!("1"))]));
            }
            for (what, fields) in cases {
                let codec = if what.starts_with("a form") { "form" } else { e.codec };
                let (content_type, bytes) = body(codec, &fields);
                let (mut status, mut text) =
                    send(&app, &cookie, endpoint, &content_type, bytes.clone()).await;
                if status == 401 {
                    // An earlier call ended the session (a password reset, an account switched off).
                    cookie = app.sign_in(username).await;
                    (status, text) = send(&app, &cookie, endpoint, &content_type, bytes).await;
                }
                assert!(
                    status < 500,
                    "{who} /api/{endpoint} with {what}: {status} {}",
                    &text[..text.len().min(300)]
                );
                if status >= 400 {
                    refused += 1;
                    assert!(
                        chinese(&text),
                        "{who} /api/{endpoint} with {what}: {status} without words: {text}"
                    );
                }
                if what == "a 10 MB string" && endpoint != "registry/import" {
                    assert_eq!(status, 413, "/api/{endpoint}: a 10 MB body is over the 1 MB limit");
                }
            }
        }
    }
    assert!(refused > 100, "{refused} refusals");

    // The on-site forms, posted outside server functions, the same way.
    let (code, _) = &crate::helpers::task_teams(&app.db, 1).await[0];
    let zhifa = app.sign_in("zhifa").await;
    for path in [format!("/m/tasks/1/{code}"), "/m/points".to_string()] {
        let cases: Vec<(&str, String, Vec<u8>)> = vec![
            ("missing fields", "application/x-www-form-urlencoded".into(), vec![]),
            (
                "wrong types",
                "application/x-www-form-urlencoded".into(),
                b"op=save&item_id=abc&point_id=x".to_vec(),
            ),
            (
                "a broken multipart form",
                format!("multipart/form-data; boundary={BOUNDARY}"),
                b"--x\r\n".to_vec(),
            ),
            (
                "a 10 MB string",
                "application/x-www-form-urlencoded".into(),
                format!("text={ten_mb}").into_bytes(),
            ),
        ];
        for (what, content_type, bytes) in cases {
            let resp = app
                .client
                .post(format!("{}{path}", app.base))
                .header("origin", &app.base)
                .header("cookie", &zhifa)
                .header("content-type", content_type)
                .body(bytes)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: no answer ({e})"));
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap_or_default();
            assert!(
                (400..500).contains(&status),
                "{path} with {what}: {status} {}",
                &text[..text.len().min(300)]
            );
            assert!(chinese(&text), "{path} with {what}: {status} without words: {text}");
        }
    }
}

/// Names as an attacker would write them (issue 22).
const PAYLOADS: [&str; 3] =
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg onload=alert(1)>"];

/// What of each payload, written as markup, would run; none may appear in a page.
const RAW: [&str; 3] = ["<script>alert(1)", "<img src=x onerror", "<svg onload"];

/// The payloads as escaped text shows them (`<` and `>` as entities).
fn escaped(p: &str) -> String {
    p.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "")
}

/// The enterprise registry exported by the app with the names of the rows whose credit
/// code is in `names` replaced, imported back (applied) as `cookie`.
async fn import_renamed(app: &TestApp, cookie: &str, names: &[(String, &str)]) {
    use app::ssr::files::table_file::{read_rows, write_csv};
    use app::ssr::files::xlsx_read::Limits;
    let (kind, columns) = ("enterprises", &app::domain::registry::ENTERPRISE_COLUMNS);
    let resp = app
        .client
        .get(format!("{}/registry/export/{kind}.csv", app.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let exported = resp.bytes().await.unwrap();
    let rows = read_rows(&exported, columns, &Limits::WEB_REGISTRY).unwrap();
    let mut renamed = 0;
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(_, mut cells)| {
            if let Some((_, name)) = names.iter().find(|(key, _)| *key == cells[0]) {
                cells[1] = name.to_string();
                renamed += 1;
            }
            cells
        })
        .collect();
    assert_eq!(renamed, names.len());
    let file = write_csv(columns, rows);
    let resp = app
        .post_multipart(
            Some(cookie),
            "registry/import",
            &[("kind", None, kind.as_bytes()), ("apply", None, b"true"), ("file", Some("x.csv"), &file)],
        )
        .await;
    let status = resp.status();
    let report: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["report"]["rejected"], serde_json::json!([]), "{report}");
    assert_eq!(report["report"]["updated"].as_u64(), Some(names.len() as u64), "{report}");
}

#[tokio::test]
async fn imported_names_are_text_on_every_page_that_shows_them() {
    let app = spawn_app().await;
    let (admin, clerk, head) =
        (app.sign_in("admin").await, app.sign_in("jingban").await, app.sign_in("chuzhang").await);
    // Task 1's drawn enterprises and their teams (the demo draws it); three are renamed
    // by an import, as is the first inspector of the first team (the demo's `zhifa`).
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    assert!(teams.len() >= 3);
    let names: Vec<(String, &str)> =
        teams.iter().zip(PAYLOADS).map(|((code, _), p)| (code.clone(), p)).collect();
    import_renamed(&app, &clerk, &names).await;
    let certificate: String = sqlx::query_scalar("SELECT certificate_no FROM inspectors WHERE id = $1")
        .bind(teams[0].1[0])
        .fetch_one(&app.db)
        .await
        .unwrap();
    // An inspector's name is not changed by an import (it would take over a certificate)
    // but on its page: the row exported, renamed, saved.
    let resp = app
        .client
        .get(format!("{}/registry/export/inspectors.csv", app.base))
        .header("cookie", &clerk)
        .send()
        .await
        .unwrap();
    let columns = app::domain::registry::INSPECTOR_COLUMNS;
    let rows = app::ssr::files::table_file::read_rows(
        &resp.bytes().await.unwrap(),
        &columns,
        &app::ssr::files::xlsx_read::Limits::WEB_REGISTRY,
    )
    .unwrap();
    let mut cells = rows.into_iter().find(|(_, c)| c[0] == certificate).unwrap().1;
    cells[1] = PAYLOADS[1].to_string();
    let resp = app
        .post_json(
            Some(&clerk),
            "registry/save",
            serde_json::json!({ "kind": "inspectors", "id": teams[0].1[0], "cells": cells }),
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    // The task's title (no import writes it once drawn).
    sqlx::query("UPDATE tasks SET task_name = $1 WHERE id = 1")
        .bind(PAYLOADS[2])
        .execute(&app.db)
        .await
        .unwrap();
    // A result entered and published for the first.
    let (code, team) = &teams[0];
    let draft = serde_json::json!({ "draft": {
        "task_id": 1, "code": code, "inspected_on": crate::helpers::today(), "method": "实地核查",
        "attended": team, "categories": ["未发现问题"], "problems": "", "handling": [],
        "referral_department": ""
    }});
    let resp = app.post_json(Some(&clerk), "save_result", draft).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let resp = app
        .post_form(
            Some(&head),
            "review_result",
            &[("task_id", "1"), ("code", code), ("pass", "true"), ("comment", "")],
        )
        .await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());

    let id: i64 = sqlx::query_scalar("SELECT id FROM enterprises WHERE credit_code = $1")
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let inspector = teams[0].1[0];
    let zhifa = app.sign_in("zhifa").await;
    // Staff and on-site pages that show names: (who, address).
    let pages: Vec<(&str, String)> = vec![
        (&admin, format!("/registry/enterprises?q={code}")),
        (&admin, format!("/registry/enterprises/{id}")),
        (&admin, "/registry/inspectors".into()),
        (&admin, format!("/registry/inspectors/{inspector}")),
        (&clerk, "/tasks/1".into()),
        (&clerk, "/tasks/1/ceremony".into()),
        (&clerk, "/tasks/1/record".into()),
        (&clerk, "/tasks/1/list/consent".into()),
        (&clerk, "/tasks/1/list/filing".into()),
        (&clerk, "/tasks/1/results".into()),
        (&clerk, "/plans/2023".into()),
        (&head, "/deadlines".into()),
        (&zhifa, "/my".into()),
        (&zhifa, "/m".into()),
        (&zhifa, format!("/m/tasks/1/{code}")),
        (&zhifa, format!("/m/tasks/1/{code}/notice")),
        (&zhifa, format!("/m/tasks/1/{code}/record")),
        (&zhifa, "/m/tasks/1/notices".into()),
    ];
    let mut shown = 0;
    for (cookie, path) in &pages {
        let (status, html) = app.page(cookie, path).await;
        assert_eq!(status, 200, "{path}");
        for raw in RAW {
            assert!(!html.contains(raw), "{path}: {raw} unescaped");
        }
        let escaped_here = PAYLOADS.iter().filter(|p| html.contains(&escaped(p))).count();
        assert!(escaped_here > 0, "{path} shows no name as escaped text");
        shown += escaped_here;
    }
    // The public portal, crawled from /public, and the open data.
    let crawled = crate::portal::crawl(&app).await;
    let mut extra = vec![format!("/public/results?q={code}"), format!("/public/enterprises/{code}")];
    extra.retain(|p| !crawled.contains_key(p));
    let mut portal = crawled;
    for path in extra {
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let status = resp.status().as_u16();
        let kind =
            resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        portal.insert(path, (status, kind, resp.text().await.unwrap()));
    }
    let (mut pages_with_names, mut data_with_names) = (0, 0);
    for (path, (status, kind, body)) in &portal {
        if *status != 200 {
            continue;
        }
        if kind.starts_with("text/html") {
            for raw in RAW {
                assert!(!body.contains(raw), "{path}: {raw} unescaped");
            }
            pages_with_names += usize::from(body.contains(&escaped(PAYLOADS[0])));
        } else {
            // Open data is data: the name exactly as written, in a type no browser runs.
            assert!(
                kind.starts_with("text/csv")
                    || kind.starts_with("application/json")
                    || kind.starts_with("application/wasm")
                    || kind.starts_with("text/plain"),
                "{path}: {kind}"
            );
            data_with_names +=
                usize::from(body.contains(PAYLOADS[0]) || body.contains(&PAYLOADS[0].replace('/', "\\/")));
        }
    }
    for path in [format!("/public/enterprises/{code}"), format!("/public/results?q={code}")] {
        let (status, _, body) = &portal[&path];
        assert_eq!(*status, 200, "{path}");
        assert!(body.contains(&escaped(PAYLOADS[0])), "{path}: the published name as text");
    }
    assert!(pages_with_names >= 3, "{pages_with_names} portal pages show the published name");
    assert!(data_with_names >= 2, "{data_with_names} open-data files hold the published name");
    assert!(shown >= pages.len());
}
