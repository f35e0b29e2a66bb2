//! The access matrix (issue 22): every endpoint the router answers — server functions from
//! their registry, pages from the route list, the plain routes as registered
//! (`server::serve::endpoints`) — is called as every demo account and anonymously, and
//! each answer's class (refused or answered) is checked against the endpoint's rule in
//! `app::domain::endpoints`. An endpoint without a rule fails the test, and so does a rule
//! without an endpoint. Writes are sent a harmless or invalid body (a nonexistent id, a
//! step out of order), so an allowed call changes nothing and a refusal must come before
//! validation.

use crate::helpers::{spawn_app, task_teams, TestApp};
use app::domain::access::Reach;
use app::domain::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The demo accounts of the README, in its order.
pub const ACCOUNTS: [&str; 10] = [
    "jingban",
    "jingban.smfw",
    "jingban.sctx",
    "chuzhang",
    "zhuyao",
    "lingdao",
    "zhixu",
    "zhifa",
    "jijian",
    "admin",
];

/// What a request carries.
#[derive(Clone, Debug)]
enum Body {
    None,
    Form(Vec<(String, String)>),
    Json(Value),
    Multipart,
}

/// One concrete request for an endpoint, and the departments of what it touches (for a
/// role that reaches its department only; `None`: nothing department-bound).
#[derive(Clone, Debug)]
struct Call {
    method: Method,
    path: String,
    body: Body,
    departments: Option<Vec<String>>,
}

/// The demo data the requests point at.
struct Fixtures {
    /// Task 001 (执法支队, drawn, being inspected) and its departments.
    task: i64,
    task_departments: Vec<String>,
    task_initiating: String,
    /// Task 001's draw and its departments.
    draw: i64,
    draw_departments: Vec<String>,
    /// An enterprise of task 001 whose team includes `zhifa`'s inspector.
    code: String,
    /// `zhifa`'s inspector and its department.
    inspector: i64,
    inspector_department: String,
    /// A task with published results, and a published enterprise's code.
    published_task: i64,
    published_code: String,
    /// The draft of task 001 as its form returns it.
    task_draft: Value,
}

fn form(pairs: &[(&str, &str)]) -> Body {
    Body::Form(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// The harmless request for `method path`: the path's parameters filled in, and for a
/// server function a well-formed body that an allowed caller sees refused by the data (a
/// missing id, a step out of order, an empty name) or merely read.
fn sample(method: &Method, path: &str, fx: &Fixtures) -> Call {
    let task = fx.task.to_string();
    let draw = fx.draw.to_string();
    let inspector = fx.inspector.to_string();
    // Reading reaches a task its department runs or joins; changing, one it runs.
    let of_task = Some(fx.task_departments.clone());
    let initiating = Some(vec![fx.task_initiating.clone()]);
    let mut departments = None;
    let body = match path {
        "/api/sign_in" => form(&[("username", ""), ("password", "")]),
        "/api/plan" => form(&[("year", "2023")]),
        "/api/import_plan" => Body::Json(json!({ "year": 2023, "file": [], "apply": false })),
        "/api/save_plan" => form(&[("year", "2023"), ("title", ""), ("remarks", "")]),
        "/api/pool_page" => form(&[("task_id", &task), ("page", "1")]),
        "/api/task" | "/api/task_form" => form(&[("id", &task)]),
        "/api/pool_estimate" => Body::Json(json!({
            "scope": app::domain::task::Scope::default(), "ratio_bp": 100, "risk_ratios_bp": {}
        })),
        "/api/save_task" => {
            departments = initiating.clone();
            Body::Json(json!({ "draft": fx.task_draft }))
        }
        "/api/request_plan_change" => {
            departments = initiating.clone();
            form(&[
                ("task_id", &task),
                ("year", "1900"),
                ("start_month", "1"),
                ("end_month", "1"),
                ("reason", ""),
            ])
        }
        "/api/decide_plan_change" => form(&[("change_id", "999999"), ("consent", "false"), ("comment", "")]),
        "/api/task_step" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("to", "frozen"), ("comment", "")])
        }
        "/api/freeze" => {
            departments = initiating.clone();
            form(&[("task_id", &task)])
        }
        "/api/draw" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("public_entropy", "1")])
        }
        "/api/manifest" | "/api/stratum_salts" => {
            departments = Some(fx.draw_departments.clone());
            form(&[("draw_id", &draw)])
        }
        "/api/ceremony" => form(&[("task_id", &task)]),
        "/api/ceremony_step" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("to", "9"), ("place", ""), ("entropy", "")])
        }
        "/api/ceremony_observers" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("invited", ""), ("present", "")])
        }
        "/api/ceremony_entropy" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("text", "")])
        }
        "/api/results" => {
            departments = of_task.clone();
            form(&[("task_id", &task)])
        }
        "/api/save_result" => Body::Json(json!({ "draft": app::domain::result::ResultDraft {
            task_id: 999999, ..Default::default()
        } })),
        "/api/correct_result" => Body::Json(json!({ "draft": app::domain::result::ResultDraft {
            task_id: 999999, ..Default::default()
        }, "reason": "" })),
        "/api/review_result" => {
            departments = initiating.clone();
            form(&[("task_id", &task), ("code", "no-such-code"), ("pass", "false"), ("comment", "")])
        }
        "/api/declare_recusal" => {
            form(&[("task_id", "999999"), ("code", ""), ("inspector_id", "0"), ("reason", ""), ("note", "")])
        }
        "/api/approve_recusal" => form(&[("recusal_id", "999999")]),
        "/api/save_follow_up" => Body::Json(json!({ "update": app::domain::follow_up::FollowUpUpdate {
            id: 999999, ..Default::default()
        } })),
        "/api/publish_penalty" => {
            Body::Json(json!({ "draft": app::domain::penalty::PenaltyDraft::default() }))
        }
        "/api/end_penalty" => form(&[("id", "999999"), ("reason", "")]),
        "/api/correct_penalty" => Body::Json(json!({
            "id": 999999, "draft": app::domain::penalty::PenaltyDraft::default(), "reason": ""
        })),
        "/api/set_penalty_periods" => form(&[("minor_months", "0"), ("general_months", "0")]),
        "/api/registry/enterprises" => {
            Body::Json(json!({ "query": app::domain::registry::EnterpriseQuery::default() }))
        }
        "/api/registry/inspectors" | "/api/registry/items" => {
            Body::Json(json!({ "query": app::domain::registry::ListQuery::default() }))
        }
        "/api/registry/enterprise" | "/api/registry/inspector" | "/api/registry/item" => form(&[("id", "1")]),
        "/api/registry/save" => Body::Json(json!({ "kind": "nothing", "id": null, "cells": [] })),
        "/api/registry/active" => form(&[("kind", "nothing"), ("id", "1"), ("active", "true")]),
        "/api/registry/item_coverage" => form(&[("year", "2023")]),
        "/api/registry/import" => Body::Multipart,
        "/api/registry/conflicts" => form(&[("include_withdrawn", "false")]),
        "/api/registry/declare_conflict" => {
            departments = Some(vec![fx.inspector_department.clone()]);
            form(&[("inspector_id", &inspector), ("credit_code", ""), ("reason", ""), ("note", "")])
        }
        "/api/registry/withdraw_conflict" => form(&[("id", "999999")]),
        "/api/watch_add" => form(&[("code", ""), ("reason", "")]),
        "/api/watch_remove" => form(&[("id", "999999"), ("reason", "")]),
        "/api/set_watch_threshold" => form(&[("threshold", "0")]),
        "/api/stats" => Body::Json(json!({ "filter": app::domain::stats::StatsFilter::year(2023) })),
        "/api/audit" => Body::Json(json!({ "filter": {} })),
        "/api/create_account" => Body::Json(json!({ "account": app::domain::auth::NewAccount::default() })),
        "/api/account_active" => form(&[("id", "999999"), ("active", "true")]),
        "/api/account_password" => form(&[("id", "999999"), ("password", "")]),
        "/api/unlock_sign_in" => form(&[("username", "matrix-nobody")]),
        "/api/save_department" => form(&[("id", ""), ("name", ""), ("short_name", "")]),
        "/api/calendar_days" => form(&[("year", "2023")]),
        "/api/set_calendar_day" => form(&[("day", ""), ("kind", "nothing"), ("name", "")]),
        "/m/points" if method == Method::POST => {
            form(&[("op", "save"), ("item_id", "999999"), ("text", ""), ("legal_basis", ""), ("kind", "")])
        }
        "/m/tasks/{task}/{code}" if method == Method::POST => {
            departments = initiating.clone();
            Body::Multipart
        }
        p if p.starts_with("/api/") && !p.starts_with("/api/public/") => Body::Form(Vec::new()),
        _ => Body::None,
    };
    // Pages and plain routes: fill in the path's parameters.
    let filled = |name: &str| -> String {
        match (path, name) {
            (_, "year") => "2023".into(),
            ("/public/tasks/{id}/results", "id") => fx.published_task.to_string(),
            (
                "/public/data/draws/{id}/{file}"
                | "/public/draws/{id}"
                | "/api/public/draws/{id}/manifest.json",
                "id",
            ) => draw.clone(),
            (_, "id" | "task" | "task_id") => task.clone(),
            (_, "draw_id") => draw.clone(),
            (_, "form") => "consent".into(),
            ("/public/enterprises/{code}", "code") => fx.published_code.clone(),
            (_, "code") => fx.code.clone(),
            ("/stats/{file}", "file") => "ledger.csv".into(),
            ("/registry/export/{file}", "file") => "enterprises.csv".into(),
            ("/public/data/plans/{file}", "file") => "2023.json".into(),
            ("/public/data/tasks/{id}/{file}" | "/public/data/draws/{id}/{file}", "file") => {
                "draw.json".into()
            }
            (_, "file") => "results.csv".into(),
            (_, "*file") => "verifier.wasm".into(),
            (p, n) => panic!("{p}: no sample value for {{{n}}}"),
        }
    };
    let mut concrete = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        concrete.push_str(&rest[..open]);
        concrete.push_str(&filled(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    concrete.push_str(rest);
    if path.contains("{draw_id}") || path == "/api/public/draws/{id}/manifest.json" {
        departments = Some(fx.draw_departments.clone());
    } else if path.contains("{task}") || path.starts_with("/tasks/{id}") {
        departments = departments.or(of_task);
    }
    if path == "/m/files/{id}" {
        // No demo result has evidence: a missing file, which only a role that may see some
        // evidence learns is missing.
        concrete = "/m/files/999999".into();
    }
    Call { method: method.clone(), path: concrete, body, departments }
}

/// The class of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// 401, 403, or sent to the sign-in page (or, from `/`, to the portal).
    Refused,
    /// Anything else that is not a server error.
    Answered,
    /// 5xx.
    Failed,
}

fn class_of(resp: &reqwest::Response) -> Class {
    let status = resp.status().as_u16();
    let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
    match status {
        401 | 403 => Class::Refused,
        300..=399 if location.starts_with("/login") || location == "/public" => Class::Refused,
        500.. => Class::Failed,
        _ => Class::Answered,
    }
}

async fn send(client: &reqwest::Client, base: &str, cookie: Option<&str>, call: &Call) -> reqwest::Response {
    let mut r = client.request(call.method.clone(), format!("{base}{}", call.path)).header("origin", base);
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    r = match &call.body {
        Body::None => r,
        Body::Form(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            r.header("content-type", "application/x-www-form-urlencoded")
                .body(crate::helpers::form_body(&pairs))
        }
        Body::Json(v) => r.header("content-type", "application/json").body(v.to_string()),
        Body::Multipart => r.header("content-type", "multipart/form-data; boundary=matrix").body(
            "--matrix\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nnothing\r\n--matrix--\r\n",
        ),
    };
    r.send().await.unwrap()
}

/// The answer class an account (`None`: anonymous) should get under `reach`.
fn expected(reach: Reach, department: Option<&str>, call: &Call) -> Class {
    match reach {
        Reach::All | Reach::Own => Class::Answered,
        Reach::Nothing => Class::Refused,
        Reach::Department => match &call.departments {
            None => Class::Answered,
            Some(ds) if department.is_some_and(|d| ds.iter().any(|x| x == d)) => Class::Answered,
            Some(_) => Class::Refused,
        },
    }
}

/// The fixtures around task `task_no`; `clerk` is a clerk of its department (for its form).
/// The draw and the enterprise are task 001's whatever the task.
async fn fixtures(app: &TestApp, task_no: &str, clerk: &str) -> Fixtures {
    // The 2023 plan's task (the 2022 one has the same number).
    let of_2023 = |no: &str| {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT id, initiating_department_id FROM tasks WHERE task_no = $1 AND window_year = 2023",
        )
        .bind(no.to_string())
        .fetch_one(&app.db)
    };
    let (task, task_initiating) = of_2023(task_no).await.unwrap();
    let (first, _) = of_2023("001 号").await.unwrap();
    let departments = |task: i64| async move {
        let mut ds: Vec<String> = sqlx::query_scalar(
            "SELECT initiating_department_id FROM tasks WHERE id = $1 \
             UNION SELECT department_id FROM task_joint_departments WHERE task_id = $1",
        )
        .bind(task)
        .fetch_all(&app.db)
        .await
        .unwrap();
        ds.sort();
        ds
    };
    let (task_departments, draw_departments) = (departments(task).await, departments(first).await);
    let draw: i64 = sqlx::query_scalar("SELECT id FROM draws WHERE task_id = $1 AND abandoned_at IS NULL")
        .bind(first)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (inspector, inspector_department): (i64, String) = sqlx::query_as(
        "SELECT i.id, i.department_id FROM users u JOIN inspectors i ON i.id = u.inspector_id WHERE u.username = 'zhifa'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let code = task_teams(&app.db, first)
        .await
        .into_iter()
        .find(|(_, team)| team.contains(&inspector))
        .expect("zhifa is on a team of task 001")
        .0;
    let (published_task, published_code): (i64, String) = sqlx::query_as(
        "SELECT d.task_id, e.credit_code FROM inspection_results r JOIN draws d ON d.id = r.draw_id \
         JOIN enterprises e ON e.id = r.enterprise_id WHERE r.published_at IS NOT NULL ORDER BY r.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let form: Value =
        app.post_form(Some(clerk), "task_form", &[("id", &task.to_string())]).await.json().await.unwrap();
    Fixtures {
        task,
        task_departments,
        task_initiating,
        draw,
        draw_departments,
        code,
        inspector,
        inspector_department,
        published_task,
        published_code,
        task_draft: form[0].clone(),
    }
}

/// Every task's status and draft columns, to see that nothing moved.
async fn task_states(app: &TestApp) -> Vec<(i64, String, String, i64)> {
    sqlx::query_as("SELECT id, status, task_name, ratio_bp FROM tasks ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

/// Every caller's answers, in call order: (class, status, body).
type Answers = BTreeMap<Option<String>, Vec<(Class, u16, String)>>;

/// Sends every call as every caller: each caller's calls one after another, the callers
/// at once.
async fn run_calls(
    app: &TestApp,
    cookies: &BTreeMap<&str, String>,
    calls: &[(String, Call)],
    callers: &[Option<&str>],
) -> Answers {
    let mut runs = tokio::task::JoinSet::new();
    for caller in callers.iter().copied() {
        let (client, base, calls) = (app.client.clone(), app.base.clone(), calls.to_vec());
        let cookie = caller.map(|c| cookies[c].clone());
        let caller = caller.map(str::to_string);
        runs.spawn(async move {
            let mut got = Vec::new();
            for (_, call) in &calls {
                let resp = send(&client, &base, cookie.as_deref(), call).await;
                let class = class_of(&resp);
                let status = resp.status().as_u16();
                // The live stream never ends: it is not read.
                let body = if call.path.ends_with("/live") {
                    String::new()
                } else {
                    resp.text().await.unwrap_or_default()
                };
                got.push((class, status, body));
            }
            (caller, got)
        });
    }
    runs.join_all().await.into_iter().collect()
}

/// Each answer that is not what its endpoint's rule says (or is a server error), named;
/// prints the statuses as a table.
fn against_the_rules(
    calls: &[(String, Call)],
    callers: &[Option<&str>],
    answers: &Answers,
    people: &BTreeMap<String, (Role, Option<String>)>,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let names: Vec<&str> = callers.iter().map(|c| c.unwrap_or("anonymous")).collect();
    println!("endpoint | {}", names.join(" | "));
    for (i, (name, call)) in calls.iter().enumerate() {
        let (method, path) = name.split_once(' ').unwrap();
        let rule = app::domain::endpoints::rule(method, path);
        let mut row = vec![name.clone()];
        for caller in callers {
            let (class, status, body) = &answers[&caller.map(str::to_string)][i];
            row.push(status.to_string());
            let want = rule.map(|r| match caller {
                None => expected(r.reach(None), None, call),
                Some(who) => {
                    let (role, dept) = &people[*who];
                    expected(r.reach(Some(*role)), dept.as_deref(), call)
                }
            });
            if *class == Class::Failed || want.is_some_and(|w| w != *class) {
                let body: String = body.chars().take(160).collect();
                wrong.push(format!(
                    "{name} {} as {}: {status} ({class:?}), the rule says {want:?}: {body}",
                    call.path,
                    caller.unwrap_or("anonymous")
                ));
            }
        }
        println!("{}", row.join(" | "));
    }
    wrong
}

/// Signs every demo account in once; their cookies, roles and departments.
async fn sign_in_all(
    app: &TestApp,
) -> (BTreeMap<&'static str, String>, BTreeMap<String, (Role, Option<String>)>) {
    let mut cookies = BTreeMap::new();
    for who in ACCOUNTS {
        cookies.insert(who, app.sign_in(who).await);
    }
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT username, role, department_id FROM users").fetch_all(&app.db).await.unwrap();
    let people = rows.into_iter().map(|(u, r, d)| (u, (Role::parse(&r).unwrap(), d))).collect();
    (cookies, people)
}

#[tokio::test]
async fn every_endpoint_answers_every_role_as_its_rule_says() {
    let app = spawn_app().await;
    let endpoints = server::serve::endpoints(&app.ops);
    let unruled: Vec<String> = endpoints
        .iter()
        .filter(|(m, p)| app::domain::endpoints::rule(m.as_str(), p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let stale: Vec<String> = app::domain::endpoints::RULES
        .iter()
        .filter(|r| !endpoints.iter().any(|(m, p)| m.as_str() == r.method && p == r.path))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();

    let (cookies, people) = sign_in_all(&app).await;
    let fx = fixtures(&app, "001 号", &cookies["jingban"]).await;
    // Signing in and out end the caller's session: those go last.
    let mut calls: Vec<(String, Call)> =
        endpoints.iter().map(|(m, p)| (format!("{m} {p}"), sample(m, p, &fx))).collect();
    calls.sort_by_key(|(name, _)| name.ends_with("/api/sign_in") || name.ends_with("/api/sign_out"));
    let callers: Vec<Option<&str>> = std::iter::once(None).chain(ACCOUNTS.iter().map(|a| Some(*a))).collect();

    let last_entry =
        || sqlx::query_scalar::<_, i64>("SELECT coalesce(max(seq), 0) FROM audit_log").fetch_one(&app.db);
    let (before, tasks_before) = (last_entry().await.unwrap(), task_states(&app).await);
    let started = std::time::Instant::now();
    let answers = run_calls(&app, &cookies, &calls, &callers).await;
    let elapsed = started.elapsed();
    // Nothing the matrix sent changed anything: no task moved, and the audit log has only
    // sign-ins and outs, refused attempts and the clearing of nobody's failures.
    assert_eq!(task_states(&app).await, tasks_before);
    let written: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE seq > $1 ORDER BY seq")
        .bind(before)
        .fetch_all(&app.db)
        .await
        .unwrap();
    let changed: Vec<&String> =
        written.iter().filter(|a| !(a.starts_with("auth.") || a.ends_with(".refused"))).collect();
    assert!(changed.is_empty(), "the matrix changed something: {changed:?}");
    let wrong = against_the_rules(&calls, &callers, &answers, &people);
    println!(
        "access matrix: {} endpoints × {} callers ({} accounts and anonymous) = {} requests in {:.1} s",
        calls.len(),
        callers.len(),
        ACCOUNTS.len(),
        calls.len() * callers.len(),
        elapsed.as_secs_f64()
    );
    assert!(unruled.is_empty(), "endpoints without a rule in app::domain::endpoints: {unruled:#?}");
    assert!(stale.is_empty(), "rules without an endpoint: {stale:#?}");
    assert!(wrong.is_empty(), "{} answers against the rules:\n{}", wrong.len(), wrong.join("\n"));
    // The enumeration found each kind of endpoint.
    for kind in [
        "POST /api/task_step",
        "GET /tasks/{id}",
        "GET /public/tasks/{id}/draw",
        "GET /m/files/{id}",
        "GET /healthz",
    ] {
        assert!(calls.iter().any(|(n, _)| n == kind), "{kind} not enumerated");
    }
}

/// The department-bound endpoints again, on another department's task: task 002 of
/// 商贸服务处 (submitted, not drawn), where 执法支队's clerk, office head and inspector are
/// refused and 商贸服务处's clerk is not — before anything about the task is looked up.
#[tokio::test]
async fn department_bound_endpoints_refuse_another_departments_task() {
    let app = spawn_app().await;
    let (cookies, people) = sign_in_all(&app).await;
    let fx = fixtures(&app, "002 号", &cookies["jingban.smfw"]).await;
    assert_eq!(fx.task_initiating, "swj-smfw");
    assert_eq!(fx.task_departments, ["swj-smfw", "swj-zfzd"], "执法支队 joins task 002");
    let initiating = vec![fx.task_initiating.clone()];
    let calls: Vec<(String, Call)> = server::serve::endpoints(&app.ops)
        .iter()
        .map(|(m, p)| (format!("{m} {p}"), sample(m, p, &fx)))
        .filter(|(_, call)| {
            call.departments.as_ref().is_some_and(|d| *d == initiating || *d == fx.task_departments)
        })
        .collect();
    let callers =
        [Some("jingban"), Some("chuzhang"), Some("zhifa"), Some("jingban.smfw"), Some("jingban.sctx")];
    let answers = run_calls(&app, &cookies, &calls, &callers).await;
    let wrong = against_the_rules(&calls, &callers, &answers, &people);
    println!("department cases: {} endpoints × {} accounts", calls.len(), callers.len());
    assert!(wrong.is_empty(), "{} answers against the rules:\n{}", wrong.len(), wrong.join("\n"));
    // Each kind of department rule was tried.
    for kind in
        ["POST /api/results", "POST /api/task_step", "POST /api/save_task", "POST /m/tasks/{task}/{code}"]
    {
        assert!(calls.iter().any(|(n, _)| n == kind), "{kind} not tried");
    }
    // 执法支队 joins task 002: its clerk reads the results and changes nothing.
    let jingban = &answers[&Some("jingban".to_string())];
    for ((name, call), (class, _, _)) in calls.iter().zip(jingban) {
        let runs_it = call.departments.as_ref() == Some(&initiating);
        assert_eq!(*class == Class::Refused, runs_it, "jingban {name}");
    }
}
