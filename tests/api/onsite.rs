//! On the spot (issue 20): the phone's result form under /m with its checklist answers and
//! evidence files — kept in the database, hashed into the audit entry, shown only to the
//! team, the department and 纪检, never on the portal; refused by content and by size;
//! one result for a form posted twice; the notices and the record printed from it.

use crate::helpers::{hold_write_lock, spawn_app, wait_for_racers, TestApp};
use std::sync::atomic::{AtomicBool, Ordering};

/// A tiny JPEG whose APP1 (Exif) segment holds a "GPS" marker.
fn jpeg_with_exif() -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    j.extend([0xFF, 0xE0, 0x00, 0x07, b'J', b'F', b'I', b'F', 0x00]);
    j.extend([0xFF, 0xE1, 0x00, 0x0C, b'E', b'x', b'i', b'f', 0, 0, b'G', b'P', b'S', b'!']);
    j.extend([0xFF, 0xDB, 0x00, 0x03, 0x01]);
    j.extend([0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
    j
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The enterprise of task 1 whose team the demo inspector `zhifa` is on, and the team.
async fn zhifa_assignment(app: &TestApp) -> (String, Vec<i64>) {
    let me: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    crate::helpers::task_teams(&app.db, 1).await.into_iter().find(|(_, team)| team.contains(&me)).unwrap()
}

/// The form's text fields for task 1: every check point answered 符合 (numbers 3) except
/// the first, 不符合 with `problem`; items without points 未发现问题.
async fn fields(app: &TestApp, key: &str, team: &[i64], problem: &str) -> Vec<(String, String)> {
    let points: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT c.id, c.item_id, c.answer_kind FROM check_points c JOIN task_items ti ON ti.item_id = c.item_id \
         WHERE ti.task_id = 1 ORDER BY ti.position, c.position",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(points.len() >= 4, "the demo task's items carry example check points");
    let items: Vec<i64> = sqlx::query_scalar("SELECT item_id FROM task_items WHERE task_id = 1")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let mut f = vec![
        ("idempotency_key".to_string(), key.to_string()),
        ("inspected_on".into(), crate::helpers::today()),
        ("method".into(), "实地核查".into()),
    ];
    for id in team {
        f.push(("attended".into(), id.to_string()));
    }
    for (n, (id, _, kind)) in points.iter().enumerate() {
        let answer = match (n, kind.as_str()) {
            (0, _) => "不符合",
            (_, "number") => "3",
            _ => "符合",
        };
        f.push((format!("a_{id}"), answer.into()));
        if n == 0 {
            f.push((format!("p_{id}"), problem.into()));
        }
    }
    for item in items {
        if points.iter().any(|p| p.1 == item) {
            f.push((format!("fix_{item}"), "发现问题已责令改正".into()));
        } else {
            f.push((format!("v_{item}"), "未发现问题".into()));
        }
    }
    f
}

async fn post(
    app: &TestApp,
    cookie: &str,
    code: &str,
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> (u16, String, String) {
    let mut parts: Vec<(&str, Option<&str>, &[u8])> =
        fields.iter().map(|(k, v)| (k.as_str(), None, v.as_bytes())).collect();
    parts.extend(files.iter().map(|(k, name, bytes)| (*k, Some(*name), *bytes)));
    let resp = app.post_multipart_to(Some(cookie), &format!("/m/tasks/1/{code}"), &parts).await;
    let status = resp.status().as_u16();
    let location =
        resp.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (status, location, resp.text().await.unwrap())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_result_with_two_photos_and_a_pdf_keeps_them_for_the_team_only() {
    let app = spawn_app().await;
    let zhifa = app.sign_in("zhifa").await;
    let (code, team) = zhifa_assignment(&app).await;
    let f = fields(&app, "0123456789abcdef0123456789abcdef", &team, "批准证书未年检").await;
    let jpeg = jpeg_with_exif();
    let files: [(&str, &str, &[u8]); 3] =
        [("photo", "现场1.jpg", &jpeg), ("photo", "现场2.png", PNG), ("document", "台账.pdf", PDF)];
    let (status, location, body) = post(&app, &zhifa, &code, &f, &files).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(location, format!("/m/tasks/1/{code}/record?saved=1"));

    let stored: Vec<(i64, String, String, Vec<u8>)> =
        sqlx::query_as("SELECT id, file_name, sha256, content FROM result_files ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.len(), 3);
    let jpeg_kept = &stored[0].3;
    assert!(!jpeg_kept.windows(4).any(|w| w == b"Exif"), "the photo's Exif (location) is gone");
    assert!(jpeg_kept.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]), "its image is kept");
    assert_eq!(stored[2].3, PDF);
    // The audit entry of the result lists each file's SHA-256, and the answers.
    let after: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'result.create' AND entity_id = $1",
    )
    .bind(format!("1:{code}"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    for (_, name, sha, content) in &stored {
        use sha2::Digest;
        assert_eq!(*sha, hex::encode(sha2::Sha256::digest(content)));
        assert!(after.contains(sha.as_str()) && after.contains(name.as_str()), "{after}");
    }
    assert!(after.contains("批准证书未年检"), "{after}");
    // The answer 不符合 made its item's verdict a problem value.
    let verdicts: Vec<String> =
        sqlx::query_scalar("SELECT categories FROM result_items").fetch_all(&app.db).await.unwrap();
    assert!(verdicts.iter().any(|v| v.contains("发现问题已责令改正")), "{verdicts:?}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM result_answers").await as usize,
        f.iter().filter(|x| x.0.starts_with("a_")).count()
    );

    // Who may open a file: the team, the department's staff, 纪检; nobody else.
    let url = |id: i64| format!("/m/files/{id}");
    for who in ["zhifa", "jingban", "chuzhang", "jijian"] {
        let c = app.sign_in(who).await;
        let resp = app
            .client
            .get(format!("{}{}", app.base, url(stored[2].0)))
            .header("cookie", &c)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{who} sees the evidence");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), PDF);
    }
    for who in ["jingban.smfw", "lingdao", "zhuyao", "zhixu", "admin"] {
        let c = app.sign_in(who).await;
        let (s, body) = app.page(&c, &url(stored[0].0)).await;
        assert_eq!(s, 403, "{who}: {body}");
        let (s, _) = app.page(&c, &format!("/m/tasks/1/{code}/record")).await;
        assert!(s == 403, "{who} is refused the record too ({s})");
    }
    let anonymous = app.client.get(format!("{}{}", app.base, url(stored[0].0))).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // The record, printed from the stored result: the enterprise, the team, the answers, the hashes.
    let (s, record) = app.page(&zhifa, &format!("/m/tasks/1/{code}/record")).await;
    assert_eq!(s, 200);
    assert!(
        record.contains("检查记录表")
            && record.contains(code.as_str())
            && record.contains("不符合：批准证书未年检")
    );
    for (_, _, sha, _) in &stored {
        assert!(record.contains(sha.as_str()));
    }

    // Published, the result is on the portal; its files are not, at any public address.
    let head = app.sign_in("chuzhang").await;
    let resp = app
        .post_form(
            Some(&head),
            "review_result",
            &[("task_id", "1"), ("code", &code), ("pass", "true"), ("comment", "")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    let mut seen_public = false;
    for path in [
        "/public".to_string(),
        format!("/public/results?q={code}"),
        format!("/public/enterprises/{code}"),
        "/public/tasks/1/results".into(),
        "/public/data".into(),
        "/public/data/tasks/1/results.csv".into(),
        "/public/data/tasks/1/results.json".into(),
    ] {
        let resp = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        let body = resp.text().await.unwrap();
        seen_public |= body.contains(code.as_str());
        assert!(!body.contains("/m/files"), "{path} links no evidence");
        for (_, name, sha, _) in &stored {
            assert!(
                !body.contains(sha.as_str()) && !body.contains(name.as_str()),
                "{path} shows no evidence"
            );
        }
    }
    assert!(seen_public, "the published result itself is public");
}

#[tokio::test]
async fn a_file_named_jpg_with_executable_content_is_refused() {
    let app = spawn_app().await;
    let zhifa = app.sign_in("zhifa").await;
    let (code, team) = zhifa_assignment(&app).await;
    let f = fields(&app, "1123456789abcdef0123456789abcdef", &team, "问题").await;
    let elf: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0";
    let (status, _, body) = post(&app, &zhifa, &code, &f, &[("photo", "photo.jpg", elf)]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("不是照片"), "{body}");
    let script: &[u8] = b"#!/bin/sh\nrm -rf /\n";
    let (status, _, body) = post(&app, &zhifa, &code, &f, &[("document", "scan.pdf", script)]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(count(&app, "SELECT count(*) FROM result_files").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM result_submissions").await, 0);
}

#[tokio::test]
async fn an_over_limit_upload_is_refused_with_a_message_and_nothing_stored() {
    let app = spawn_app().await;
    let zhifa = app.sign_in("zhifa").await;
    let (code, team) = zhifa_assignment(&app).await;
    let before = count(&app, "SELECT count(*) FROM inspection_results").await;
    let f = fields(&app, "2123456789abcdef0123456789abcdef", &team, "问题").await;
    let mut big = jpeg_with_exif();
    big.resize(app::domain::evidence::MAX_FILE_BYTES + 1, 0);
    let (status, _, body) = post(&app, &zhifa, &code, &f, &[("photo", "big.jpg", &big)]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("每个文件不超过 8 MB"), "{body}");
    assert_eq!(count(&app, "SELECT count(*) FROM inspection_results").await, before);
    assert_eq!(count(&app, "SELECT count(*) FROM result_files").await, 0);
    // A body past the whole form's limit is cut off at the door.
    let huge = vec![0u8; app::domain::evidence::MAX_FORM_BYTES + 1];
    let (status, _, body) = post(&app, &zhifa, &code, &f, &[("document", "huge.pdf", &huge)]).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("请求内容过大"), "{body}");
    assert_eq!(count(&app, "SELECT count(*) FROM inspection_results").await, before);
}

#[tokio::test]
async fn the_same_form_posted_twice_gives_one_result() {
    let app = spawn_app().await;
    let zhifa = app.sign_in("zhifa").await;
    let (code, team) = zhifa_assignment(&app).await;
    let f = fields(&app, "3123456789abcdef0123456789abcdef", &team, "问题").await;
    let jpeg = jpeg_with_exif();
    let files: [(&str, &str, &[u8]); 1] = [("photo", "a.jpg", &jpeg)];
    // A double tap: both sent while the test holds the write lock, so they overlap, then
    // a third after a reload of the same draft.
    let gate = hold_write_lock(&app.db, "result_submissions").await;
    let done = [AtomicBool::new(false), AtomicBool::new(false)];
    let tap = |n: usize| {
        let (app, zhifa, code, f, files, done) = (&app, &zhifa, &code, &f, &files, &done);
        async move {
            let out = post(app, zhifa, code, f, files).await;
            done[n].store(true, Ordering::SeqCst);
            out
        }
    };
    let release = async {
        wait_for_racers(&app.db, 2).await;
        let early = done.iter().any(|d| d.load(Ordering::SeqCst));
        gate.rollback().await.unwrap();
        early
    };
    let (a, b, early) = tokio::join!(tap(0), tap(1), release);
    assert!(!early, "both taps wait for the lock: {} {} / {} {}", a.0, a.2, b.0, b.2);
    let (c, _, _) = post(&app, &zhifa, &code, &f, &files).await;
    assert_eq!((a.0, b.0, c), (303, 303, 303), "{} {}", a.2, b.2);
    assert_eq!(count(&app, "SELECT count(*) FROM result_submissions").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM result_files").await, 1);
    let entries =
        count(&app, "SELECT count(*) FROM audit_log WHERE action IN ('result.create', 'result.update')")
            .await;
    assert_eq!(entries, 1, "one result, one audit entry");
    // A 不符合 without its problem is refused, with the check point named.
    let bad = fields(&app, "4123456789abcdef0123456789abcdef", &team, "").await;
    let (status, _, body) = post(&app, &zhifa, &code, &bad, &[]).await;
    assert_eq!(status, 400);
    assert!(body.contains("不符合，请写明发现的问题"), "{body}");
    // Saved again through the staff form (no checklist), the answers go: the record must
    // not print answers the verdicts no longer follow.
    assert!(count(&app, "SELECT count(*) FROM result_answers").await > 0);
    let clerk = app.sign_in("jingban").await;
    let draft = serde_json::json!({ "draft": {
        "task_id": 1, "code": code, "inspected_on": crate::helpers::today(), "method": "实地核查",
        "attended": team, "categories": ["未发现问题"], "problems": "", "handling": [], "referral_department": ""
    }});
    let resp = app.post_json(Some(&clerk), "save_result", draft).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    assert_eq!(count(&app, "SELECT count(*) FROM result_answers").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM result_files").await, 1, "the evidence stays");
}

#[tokio::test]
async fn the_notices_and_the_light_pages_name_the_enterprise_and_the_team() {
    let app = spawn_app().await;
    let clerk = app.sign_in("jingban").await;
    let teams = crate::helpers::task_teams(&app.db, 1).await;
    let (s, notices) = app.page(&clerk, "/m/tasks/1/notices").await;
    assert_eq!(s, 200);
    assert_eq!(notices.matches("<h1>随机抽查通知书</h1>").count(), teams.len(), "one sheet per enterprise");
    let certs: Vec<String> = sqlx::query_scalar("SELECT certificate_no FROM inspectors WHERE id = $1")
        .bind(teams[0].1[0])
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(notices.contains(teams[0].0.as_str()) && notices.contains(certs[0].as_str()));
    let zhifa = app.sign_in("zhifa").await;
    let (code, _) = zhifa_assignment(&app).await;
    let (s, list) = app.page(&zhifa, "/m").await;
    assert_eq!(s, 200);
    assert!(list.contains(&format!("/m/tasks/1/{code}")));
    let (s, form) = app.page(&zhifa, &format!("/m/tasks/1/{code}")).await;
    assert_eq!(s, 200);
    assert!(form.contains("capture=\"environment\"") && form.contains("name=\"idempotency_key\""));
    assert!(form.contains("（示例要点）"), "the demo's check points are marked as examples");
    // Another team's enterprise is not the inspector's to see.
    let me: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let other = teams.iter().find(|t| !t.1.contains(&me)).unwrap();
    let (s, _) = app.page(&zhifa, &format!("/m/tasks/1/{}", other.0)).await;
    assert_eq!(s, 404);
    println!(
        "page sizes: /m {} bytes, form {} bytes, notices {} bytes",
        list.len(),
        form.len(),
        notices.len()
    );
}

#[tokio::test]
async fn check_points_are_edited_by_the_item_s_department_with_an_audit_entry() {
    let app = spawn_app().await;
    let (item, point): (i64, i64) = sqlx::query_as(
        "SELECT c.item_id, c.id FROM check_points c JOIN inspection_items i ON i.id = c.item_id \
         WHERE i.name = '成品油零售企业年度检查情况' ORDER BY c.position LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let post = |cookie: String, form: Vec<(&'static str, String)>| {
        let req = app
            .client
            .post(format!("{}/m/points", app.base))
            .header("origin", &app.base)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(crate::helpers::form_body(&form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()));
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let edit = |text: &str| {
        vec![
            ("op", "save".to_string()),
            ("item_id", item.to_string()),
            ("point_id", point.to_string()),
            ("text", text.to_string()),
            ("legal_basis", "《成品油市场管理办法》第十条".to_string()),
            ("kind", "conformity".to_string()),
        ]
    };
    let clerk = app.sign_in("jingban").await;
    let (s, page) = app.page(&clerk, "/m/points").await;
    assert_eq!(s, 200);
    assert!(page.contains("（示例要点）") && page.contains("name=\"op\" value=\"delete\""));
    // Another department's clerk and an inspector may read, not change.
    for who in ["jingban.smfw", "zhifa"] {
        let (s, body) = post(app.sign_in(who).await, edit("改")).await;
        assert_eq!(s, 403, "{who}: {body}");
    }
    let (s, body) = post(clerk.clone(), edit(" ")).await;
    assert_eq!(s, 400, "{body}");
    assert!(body.contains("请填写检查要点"), "{body}");
    let (s, body) = post(clerk.clone(), edit("成品油零售经营批准证书（本局）")).await;
    assert_eq!(s, 303, "{body}");
    let (text, example): (String, i64) =
        sqlx::query_as("SELECT text, example FROM check_points WHERE id = $1")
            .bind(point)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (text.as_str(), example),
        ("成品油零售经营批准证书（本局）", 0),
        "an edited example is the bureau's own"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'check_point.save'").await, 1);
    // Added, then deleted while no result has answered it.
    let before = count(&app, "SELECT count(*) FROM check_points").await;
    let add = vec![
        ("op", "save".to_string()),
        ("item_id", item.to_string()),
        ("text", "消防器材配备".to_string()),
        ("legal_basis", String::new()),
        ("kind", "conformity".to_string()),
    ];
    assert_eq!(post(clerk.clone(), add).await.0, 303);
    assert_eq!(count(&app, "SELECT count(*) FROM check_points").await, before + 1);
    let new: i64 = sqlx::query_scalar("SELECT max(id) FROM check_points").fetch_one(&app.db).await.unwrap();
    let del =
        vec![("op", "delete".to_string()), ("item_id", item.to_string()), ("point_id", new.to_string())];
    assert_eq!(post(clerk.clone(), del).await.0, 303);
    assert_eq!(count(&app, "SELECT count(*) FROM check_points").await, before);
    // An answered point stays.
    let zhifa = app.sign_in("zhifa").await;
    let (code, team) = zhifa_assignment(&app).await;
    let f = fields(&app, "5123456789abcdef0123456789abcdef", &team, "问题").await;
    assert_eq!(post_result(&app, &zhifa, &code, &f).await, 303);
    let del =
        vec![("op", "delete".to_string()), ("item_id", item.to_string()), ("point_id", point.to_string())];
    let (s, body) = post(clerk.clone(), del).await;
    assert_eq!(s, 409, "{body}");
    assert!(body.contains("不能删除"), "{body}");
}

async fn post_result(app: &TestApp, cookie: &str, code: &str, fields: &[(String, String)]) -> u16 {
    post(app, cookie, code, fields, &[]).await.0
}
