//! The registries over HTTP: who may read and write, the enterprise table's filters,
//! create/edit/deactivate, conflicts, web import, filtered export and the pages.

use crate::helpers::spawn_app;
use app::domain::credit_code::CreditCode;
use app::domain::registry::{EnterpriseQuery, ENTERPRISE_COLUMNS};
use serde_json::{json, Value};

fn query(f: impl FnOnce(&mut EnterpriseQuery)) -> Value {
    let mut q = EnterpriseQuery { page: 1, ..Default::default() };
    f(&mut q);
    json!({ "query": q })
}

fn enterprise_cells(code: &str, name: &str) -> Vec<String> {
    let mut cells = vec![String::new(); ENTERPRISE_COLUMNS.len()];
    cells[0] = code.into();
    cells[1] = name.into();
    cells[2] = "拍卖企业".into();
    cells[6] = "130402".into();
    cells[7] = "2022-05-01".into();
    cells[9] = "B".into();
    cells
}

#[tokio::test]
async fn reads_need_a_sign_in_and_writes_need_a_clerk_or_admin() {
    let app = spawn_app().await;
    let resp = app.post_json(None, "registry/enterprises", query(|_| {})).await;
    assert_eq!(resp.status(), 401);
    let observer = app.sign_in("jijian").await;
    let resp = app.post_json(Some(&observer), "registry/enterprises", query(|_| {})).await;
    assert_eq!(resp.status(), 200);
    let code = CreditCode::with_check("91130402MA0YYYYY1").unwrap().to_string();
    let save = json!({ "kind": "enterprises", "id": null, "cells": enterprise_cells(&code, "观察员公司") });
    let resp = app.post_json(Some(&observer), "registry/save", save.clone()).await;
    assert_eq!(resp.status(), 403);
    let resp = app
        .post_form(
            Some(&observer),
            "registry/active",
            &[("kind", "enterprises"), ("id", "1"), ("active", "false")],
        )
        .await;
    assert_eq!(resp.status(), 403);
    let admin = app.sign_in("admin").await;
    let resp = app.post_json(Some(&admin), "registry/save", save).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
}

#[tokio::test]
async fn the_enterprise_table_filters_searches_sorts_and_pages() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jingban").await;
    let page = |v: Value| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let resp = app.post_json(Some(&cookie), "registry/enterprises", v).await;
            assert_eq!(resp.status(), 200);
            resp.json::<Value>().await.unwrap()
        }
    };
    let all = page(query(|_| {})).await;
    assert_eq!(all["total"], 648);
    assert_eq!(all["rows"].as_array().unwrap().len(), 50);

    let filtered = page(query(|q| {
        q.region = "130402".into();
        q.status = "active".into();
        q.risk = "A".into();
        q.category = "成品油零售企业".into();
        q.filed_from = "2010-01-01".into();
        q.filed_to = "2020-12-31".into();
    }))
    .await;
    let rows = filtered["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        let r = &r["record"];
        assert_eq!(
            (r["region_code"].as_str(), r["status"].as_str(), r["risk_class"].as_str()),
            (Some("130402"), Some("active"), Some("A"))
        );
        assert_eq!(r["category"], "成品油零售企业");
        let filed = r["filed_on"].as_str().unwrap();
        assert!(("2010-01-01"..="2020-12-31").contains(&filed), "{filed}");
    }

    // A category or an industry typed in part finds the ones containing it (issue 24).
    let whole = page(query(|q| q.category = "二手车销售企业".into())).await;
    let part = page(query(|q| q.category = "二手车".into())).await;
    assert!(whole["total"].as_i64().unwrap() > 0);
    assert_eq!(part["total"], whole["total"]);
    for r in part["rows"].as_array().unwrap() {
        assert_eq!(r["record"]["category"], "二手车销售企业");
    }
    let unknown = page(query(|q| q.category = "车销".into())).await;
    assert_eq!(unknown["total"], whole["total"], "a part of a known category inside the word");
    assert_eq!(page(query(|q| q.category = "%".into())).await["total"], 0, "wildcards are literal");
    let industry = page(query(|q| q.industry = "旧车".into())).await;
    assert!(industry["total"].as_i64().unwrap() > 0);
    for r in industry["rows"].as_array().unwrap() {
        assert!(r["record"]["industry"].as_str().unwrap().contains("旧车"));
    }

    // Name search, by the trigram index (3+ characters) and by scanning (fewer).
    let by_name = page(query(|q| q.q = "（演示12）".into())).await;
    assert_eq!(by_name["total"], 1);
    assert!(by_name["rows"][0]["record"]["name"].as_str().unwrap().ends_with("（演示12）"));
    let short = page(query(|q| q.q = "恒通".into())).await;
    for r in short["rows"].as_array().unwrap() {
        assert!(r["record"]["name"].as_str().unwrap().contains("恒通"));
    }
    // Credit-code search: a whole code, and the start of one (sorted by code then).
    let code = all["rows"][7]["record"]["credit_code"].as_str().unwrap().to_string();
    let exact = page(query(|q| q.q = code.to_lowercase())).await;
    assert_eq!(exact["total"], 1);
    assert_eq!(exact["rows"][0]["record"]["credit_code"], code.as_str());
    let prefix = page(query(|q| q.q = code[..8].to_string())).await;
    let codes: Vec<&str> = prefix["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record"]["credit_code"].as_str().unwrap())
        .collect();
    assert!(codes.iter().all(|c| c.starts_with(&code[..8])));
    assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted by code");

    // Sorted by filing date, newest first, and page 2 continues page 1.
    let sorted = |p: u32| {
        query(move |q| {
            q.sort = "filed_on".into();
            q.desc = true;
            q.page = p;
        })
    };
    let one = page(sorted(1)).await;
    let two = page(sorted(2)).await;
    let dates: Vec<&str> = one["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(two["rows"].as_array().unwrap())
        .map(|r| r["record"]["filed_on"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 100);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first across pages");
}

#[tokio::test]
async fn enterprises_are_created_checked_edited_and_deactivated_never_deleted() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jingban").await;
    let code = CreditCode::with_check("91130402MA0YYYYY2").unwrap().to_string();
    let mut bad = code.clone();
    bad.replace_range(17.., if code.ends_with('0') { "1" } else { "0" });
    let resp = app
        .post_json(
            Some(&cookie),
            "registry/save",
            json!({ "kind": "enterprises", "id": null, "cells": enterprise_cells(&bad, "甲公司") }),
        )
        .await;
    assert_eq!(resp.status(), 400);
    let body = resp.text().await.unwrap();
    assert!(body.contains("校验位"), "{body}");

    let resp = app
        .post_json(
            Some(&cookie),
            "registry/save",
            json!({ "kind": "enterprises", "id": null, "cells": enterprise_cells(&code, "甲公司") }),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let id: i64 = resp.json().await.unwrap();
    // The same credit code again is refused on the code field.
    let resp = app
        .post_json(
            Some(&cookie),
            "registry/save",
            json!({ "kind": "enterprises", "id": null, "cells": enterprise_cells(&code, "乙公司") }),
        )
        .await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("已登记"));

    let mut cells = enterprise_cells(&code, "甲公司（更名）");
    cells[9] = "D".into();
    let resp = app
        .post_json(Some(&cookie), "registry/save", json!({ "kind": "enterprises", "id": id, "cells": cells }))
        .await;
    assert_eq!(resp.status(), 200);
    let resp = app
        .post_form(
            Some(&cookie),
            "registry/active",
            &[("kind", "enterprises"), ("id", &id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(resp.status(), 200);
    let (name, risk, status): (String, String, String) =
        sqlx::query_as("SELECT name, risk_class, status FROM enterprises WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((name.as_str(), risk.as_str(), status.as_str()), ("甲公司（更名）", "D", "deregistered"));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'enterprise' AND entity_id = $1 ORDER BY seq",
    )
    .bind(id.to_string())
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(actions, ["registry.create", "registry.update", "registry.deactivate"]);
    // The trigram index follows the rename.
    let resp = app.post_json(Some(&cookie), "registry/enterprises", query(|q| q.q = "（更名）".into())).await;
    assert_eq!(resp.json::<Value>().await.unwrap()["total"], 1);
}

/// The ids of the conflicts a conflicts page offers to withdraw.
fn withdraw_buttons(html: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = html
        .split("data-conflict=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[tokio::test]
async fn an_inspector_declares_and_withdraws_own_conflicts_only_and_clerks_their_departments() {
    let app = spawn_app().await;
    let zhifa = app.sign_in("zhifa").await;
    let own: i64 = sqlx::query_scalar("SELECT inspector_id FROM users WHERE username = 'zhifa'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let other: i64 = sqlx::query_scalar("SELECT id FROM inspectors WHERE id <> $1 ORDER BY id LIMIT 1")
        .bind(own)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let code: String = sqlx::query_scalar("SELECT credit_code FROM enterprises WHERE id = 300")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let declare = |inspector: i64, reason: &'static str| {
        let code = code.clone();
        let zhifa = zhifa.clone();
        let app = &app;
        async move {
            app.post_form(
                Some(&zhifa),
                "registry/declare_conflict",
                &[
                    ("inspector_id", &inspector.to_string()),
                    ("credit_code", &code),
                    ("reason", reason),
                    ("note", ""),
                ],
            )
            .await
        }
    };
    assert_eq!(declare(other, "近亲属").await.status(), 403);
    assert_eq!(declare(own, "朋友").await.status(), 400);
    let resp = declare(own, "曾任职").await;
    assert_eq!(resp.status(), 200);
    let mine: i64 = resp.json().await.unwrap();
    assert_eq!(declare(own, "其他").await.status(), 409, "one open declaration per pair");

    let open = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).bind(own).fetch_all(&db).await.unwrap() }
    };
    let own_open =
        open("SELECT id FROM conflicts WHERE inspector_id = $1 AND withdrawn_at IS NULL ORDER BY id").await;
    let others =
        open("SELECT id FROM conflicts WHERE inspector_id <> $1 AND withdrawn_at IS NULL ORDER BY id").await;
    assert!(own_open.contains(&mine));
    assert!(!others.is_empty(), "the demo declares conflicts of other inspectors");

    // The page shows the inspector their own declarations only (another's reason, e.g.
    // 近亲属, is not theirs to read); a clerk, those of their department's inspectors.
    let (status, html) = app.page(&zhifa, "/registry/conflicts").await;
    assert_eq!(status, 200);
    assert_eq!(withdraw_buttons(&html), own_open);
    for id in &others {
        assert!(!html.contains(&format!("<td>{id}</td>")), "conflict {id} is not listed");
    }
    let clerk = app.sign_in("jingban").await;
    let (_, html) = app.page(&clerk, "/registry/conflicts").await;
    let department = |dept: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT c.id FROM conflicts c JOIN inspectors i ON i.id = c.inspector_id \
                 WHERE c.withdrawn_at IS NULL AND (i.department_id = $1) = $2 ORDER BY c.id",
            )
            .bind("swj-zfzd")
            .bind(dept == "same")
            .fetch_all(&db)
            .await
            .unwrap()
        }
    };
    let (same, elsewhere) = (department("same").await, department("other").await);
    assert!(!same.is_empty() && !elsewhere.is_empty(), "{same:?} {elsewhere:?}");
    assert_eq!(withdraw_buttons(&html), same);
    let others: Vec<i64> = others.into_iter().filter(|id| same.contains(id)).collect();
    let mut every = [own_open, others.clone()].concat();
    every.sort_unstable();
    every.extend(elsewhere.iter().copied());
    every.sort_unstable();

    // The server refuses what the page does not offer, and takes what it does.
    let withdraw = |cookie: &str, id: i64| {
        let cookie = cookie.to_owned();
        let app = &app;
        async move {
            app.post_form(Some(&cookie), "registry/withdraw_conflict", &[("id", &id.to_string())])
                .await
                .status()
        }
    };
    assert_eq!(withdraw(&zhifa, others[0]).await, 403);
    assert_eq!(withdraw(&zhifa, mine).await, 200);
    assert_eq!(withdraw(&clerk, elsewhere[0]).await, 403, "another department's inspector");
    assert_eq!(withdraw(&clerk, others[0]).await, 200);
    // Kept on record, withdrawn; the rest stay open.
    let still_open =
        open("SELECT id FROM conflicts WHERE $1 IS NOT NULL AND withdrawn_at IS NULL ORDER BY id").await;
    every.retain(|id| ![mine, others[0]].contains(id));
    assert_eq!(still_open, every);
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM conflicts WHERE id IN ($1, $2)")
        .bind(mine)
        .bind(others[0])
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 2);
}

#[tokio::test]
async fn the_web_import_is_a_dry_run_until_applied() {
    let app = spawn_app().await;
    let cookie = app.sign_in("jingban").await;
    let csv = "执法证号,姓名,所属部门,有效期起,有效期止,联系电话,状态\n130400239001,新人甲,执法支队,2024-01-01,2028-12-31,,在用\n130400239002,新人乙,市场监督管理局,2024/1/1,2028/12/31,,\n";
    let import = |cookie: String, kind: &'static str, file: Vec<u8>, apply: bool| {
        let app = &app;
        async move {
            let apply = if apply { "true" } else { "false" };
            let fields = [
                ("kind", None, kind.as_bytes()),
                ("apply", None, apply.as_bytes()),
                ("file", Some("表.csv"), &file[..]),
            ];
            app.post_multipart(Some(&cookie), "registry/import", &fields).await
        }
    };
    let resp = import(cookie.clone(), "inspectors", csv.into(), false).await;
    assert_eq!(resp.status(), 200);
    let dry: Value = resp.json().await.unwrap();
    assert_eq!((dry["report"]["added"].as_u64(), dry["report"]["applied"].as_bool()), (Some(2), Some(false)));
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM inspectors").fetch_one(&app.db).await.unwrap()
    };
    assert_eq!(count().await, 40);
    let resp = import(cookie.clone(), "inspectors", csv.into(), true).await;
    let done: Value = resp.json().await.unwrap();
    assert_eq!(done["report"]["applied"], true);
    assert_eq!(count().await, 42);
    let zhifa = app.sign_in("zhifa").await;
    assert_eq!(import(zhifa, "inspectors", csv.into(), true).await.status(), 403);

    // A file over the old 10 MB cap is read (here to find it has no header row) ...
    let mut big = "名称\r\n".as_bytes().to_vec();
    big.resize(12 << 20, b'x');
    let resp = import(cookie.clone(), "enterprises", big, false).await;
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("找不到表头行"));
    // ... and one over the web import's limit is refused, naming the limit.
    let resp = import(cookie.clone(), "enterprises", vec![b'x'; 65 << 20], false).await;
    assert_eq!(resp.status(), 400);
    let body = resp.text().await.unwrap();
    assert!(body.contains("文件过大（65.0 MB），网页导入最多接受 64 MB"), "{body}");
    assert_eq!(count().await, 42);
}

#[tokio::test]
async fn the_filtered_table_exports_and_the_pages_render() {
    let app = spawn_app().await;
    let url = format!("{}/registry/export/enterprises.csv?region=130402&risk=D", app.base);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);
    let cookie = app.sign_in("jijian").await;
    let resp = app.client.get(&url).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let rows = app::ssr::files::table_file::read_rows(
        text.as_bytes(),
        &["行政区划代码", "信用风险分类"],
        &app::ssr::files::xlsx_read::Limits::WEB_REGISTRY,
    )
    .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|(_, c)| c[0] == "130402" && c[1] == "D"));
    let xlsx = format!("{}/registry/export/inspectors.xlsx", app.base);
    let resp = app.client.get(&xlsx).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(
        app::ssr::files::table_file::read_rows(
            &bytes,
            &["执法证号"],
            &app::ssr::files::xlsx_read::Limits::WEB_REGISTRY
        )
        .unwrap()
        .len(),
        40
    );

    let (status, html) =
        app.page(&cookie, "/registry/enterprises?q=%E6%BC%94%E7%A4%BA12%EF%BC%89&region=").await;
    assert_eq!(status, 200);
    assert!(html.contains("（演示12）"), "search result listed");
    assert!(
        html.contains("href=\"/registry/export/enterprises.csv?q=%E6%BC%94%E7%A4%BA12%EF%BC%89\""),
        "exports what is shown"
    );
    let (_, html) = app.page(&cookie, "/registry/inspectors?department=scjgj").await;
    assert!(html.contains("href=\"/registry/export/inspectors.xlsx?department=scjgj\""));
    let id: i64 = sqlx::query_scalar("SELECT id FROM enterprises WHERE name LIKE '%（演示12）'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (status, html) = app.page(&cookie, &format!("/registry/enterprises/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("统一社会信用代码") && html.contains("（演示12）"));
    for path in [
        "/registry/inspectors",
        "/registry/items",
        "/registry/conflicts",
        "/registry/inspectors/1",
        "/registry/items/1",
    ] {
        let (status, _) = app.page(&cookie, path).await;
        assert_eq!(status, 200, "{path}");
    }
    // The import page is its editors' (经办人, 管理员).
    let (status, html) = app.page(&cookie, "/registry/import?kind=items").await;
    assert_eq!(status, 403);
    assert!(html.contains("当前账号为纪检监督") && !html.contains("预检（不写入）"), "{html}");
    let clerk = app.sign_in("jingban").await;
    let (status, html) = app.page(&clerk, "/registry/import?kind=items").await;
    assert_eq!(status, 200);
    assert!(html.contains("预检（不写入）"), "{html}");
    let (status, _) = app.page(&cookie, "/registry/enterprises/99999999").await;
    assert_eq!(status, 404);
}
