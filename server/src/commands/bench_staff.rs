//! `shuangsui bench-staff`: many staff signed in at once for a while, on a large registry —
//! clerks entering results, office heads reviewing and publishing them, clerks declaring
//! conflicts, others browsing the registry and the task, and one administrator importing a
//! registry file in the middle of it. Afterwards the database is counted against what the
//! clients were told succeeded: no write lost or duplicated; no answer a 500 or "database
//! is locked" (a write held up past its wait gets 503 with Retry-After, and tries again).
//! Prints a markdown table of latencies.
//!
//! It changes the database it is given (the script gives it a copy): accounts `bench.*`,
//! a task (the first waiting to be frozen) drawn over the whole registry and taken to
//! 检查中 through the workflow's own steps.

use crate::config::Config;
use app::domain::auth::{Role, SessionUser};
use app::domain::workflow::TaskStatus;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::json;
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The selection's share of the registry (basis points): enough enterprises that the
/// clerks never run out in a minute.
const RATIO_BP: i64 = 60;
const IMPORT_ROWS: u64 = 20_000;

/// Runs the bench; exit 1 when a write was lost or duplicated or a user saw a failure,
/// 2 when it could not run.
pub async fn run(config: Config, clients: usize, seconds: u64) -> ExitCode {
    match bench(config, clients.max(5), seconds.max(5)).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// What the clients saw, per kind of request.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    /// Answers that must never reach a user: 5xx other than 503, "locked", timeouts.
    failures: Vec<String>,
    /// 503 answers (each retried after its Retry-After).
    busy: usize,
    busy_without_retry_after: usize,
    results_saved: HashSet<String>,
    results_published: HashSet<String>,
    conflicts_declared: usize,
    imports_applied: usize,
}

type Shared = Arc<Mutex<Tally>>;

struct Fixture {
    task_id: i64,
    department: String,
    /// (credit code, team's inspector ids) of every selected enterprise.
    selected: Vec<(String, Vec<i64>)>,
    /// The department's inspectors (for conflicts).
    inspectors: Vec<i64>,
    /// Credit codes outside the selection (for conflicts and browsing).
    others: Vec<String>,
}

async fn bench(mut config: Config, clients: usize, seconds: u64) -> Result<bool, Box<dyn std::error::Error>> {
    config.addr = "127.0.0.1:0".into();
    config.no_demo = true;
    let prepared = crate::serve::prepare(&config).await?;
    let db = prepared.state.db.clone();
    let backend = if app::ssr::db::Backend::of_pool(&db).is_postgres() { "PostgreSQL" } else { "SQLite" };
    eprintln!("bench-staff: setting up ({backend})");
    let fixture = Arc::new(setup(&db).await?);
    let (clerks, heads, declarers, browsers) = split(clients);
    accounts(&db, &fixture.department, clerks, heads, declarers, browsers).await?;
    let registry: i64 = sqlx::query_scalar("SELECT count(*) FROM enterprises").fetch_one(&db).await?;

    let addr = prepared.addr;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(crate::http::serve(
        prepared.listener,
        prepared.app,
        crate::serve::limits(&config),
        async move {
            let mut stopped = stopped;
            let _ = stopped.wait_for(|&s| s).await;
        },
    ));

    // Everyone signs in, one after another as they arrive (sign-ins from one address at the
    // same instant are each counted as a failure until checked: see the README's throttling),
    // and then all work at once.
    let mut names = Vec::new();
    names.extend((0..clerks).map(|i| format!("bench.clerk{i:02}")));
    names.extend((0..heads).map(|i| format!("bench.head{i:02}")));
    names.extend((0..declarers).map(|i| format!("bench.conflict{i:02}")));
    names.extend((0..browsers).map(|i| format!("bench.reader{i:02}")));
    let started = Instant::now();
    let mut signed = Vec::new();
    for n in &names {
        let mut c = Client::new(addr);
        c.sign_in(n).await.map_err(|e| e.to_string())?;
        signed.push(c);
    }
    let sign_in_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut admin = Client::new(addr);
    admin.sign_in("admin").await.map_err(|e| e.to_string())?;
    eprintln!("bench-staff: {} signed in in {sign_in_ms:.0} ms; running {seconds} s", signed.len());

    let tally: Shared = Arc::default();
    let (queue_tx, queue_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let queue = Arc::new(tokio::sync::Mutex::new(queue_rx));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    let mut client = signed.into_iter();
    for i in 0..clerks {
        let (c, f, t, q) = (client.next().unwrap(), fixture.clone(), tally.clone(), queue_tx.clone());
        tasks.push(tokio::spawn(async move { clerk(c, f, i, clerks, t, q, deadline).await }));
    }
    drop(queue_tx);
    for _ in 0..heads {
        let (c, f, t, q) = (client.next().unwrap(), fixture.clone(), tally.clone(), queue.clone());
        tasks.push(tokio::spawn(async move { head(c, f, t, q, deadline).await }));
    }
    for i in 0..declarers {
        let (c, f, t) = (client.next().unwrap(), fixture.clone(), tally.clone());
        tasks.push(tokio::spawn(async move { declarer(c, f, i, declarers, t, deadline).await }));
    }
    for i in 0..browsers {
        let (c, f, t) = (client.next().unwrap(), fixture.clone(), tally.clone());
        tasks.push(tokio::spawn(async move { reader(c, f, i, t, deadline).await }));
    }
    // A long write in the middle: the administrator applies a registry import.
    {
        let t = tally.clone();
        let delay = Duration::from_secs(seconds / 3);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            importer(admin, t).await;
        }));
    }
    for t in tasks {
        t.await?;
    }
    let _ = stop.send(true);
    let _ = server.await;

    // Counted afterwards, from the database, against what the clients were told.
    let tally =
        Arc::try_unwrap(tally).map_err(|_| "clients still running")?.into_inner().map_err(|_| "poisoned")?;
    let (rows, distinct, published): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT r.enterprise_id), count(r.published_at) FROM inspection_results r \
         JOIN draws d ON d.id = r.draw_id WHERE d.task_id = $1",
    )
    .bind(fixture.task_id)
    .fetch_one(&db)
    .await?;
    let conflicts: i64 = sqlx::query_scalar("SELECT count(*) FROM conflicts WHERE note LIKE 'bench-staff %'")
        .fetch_one(&db)
        .await?;
    let imported: i64 = sqlx::query_scalar("SELECT count(*) FROM enterprises").fetch_one(&db).await?;
    let audit_whole = matches!(
        app::ssr::db::audit::verify_chain(&db).await,
        Ok(app::ssr::db::audit::ChainReport::Whole { .. })
    );

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').take(3).collect::<Vec<_>>().join(" ");
    println!(
        "{backend}: {} staff signed in at once ({clerks} clerks entering results, {heads} office heads \
         reviewing and publishing, {declarers} clerks declaring conflicts, {browsers} reading the registry and \
         the task) for {seconds} s; one {IMPORT_ROWS}-row registry import applied by the administrator at \
         {} s; {registry} enterprises; load {load}\n",
        clerks + heads + declarers + browsers,
        seconds / 3
    );
    println!("| request | count | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| sign in, one after another (argon2id each) | {} | {:.0} (mean) | | {sign_in_ms:.0} (all) |",
        names.len(),
        sign_in_ms / names.len() as f64
    );
    for (kind, v) in &tally.latencies {
        let mut v = v.clone();
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        println!("| {kind} | {} | {:.0} | {:.0} | {:.0} |", v.len(), at(0.5), at(0.99), at(1.0));
    }
    let checks = [
        ("results saved (told 200) = rows in the database", tally.results_saved.len() as i64, rows),
        ("no enterprise's result twice", rows, distinct),
        ("results published (told 200) = published rows", tally.results_published.len() as i64, published),
        ("conflicts declared (told 200) = rows", tally.conflicts_declared as i64, conflicts),
    ];
    println!("\n| check | told | found | |\n|---|---:|---:|---|");
    let mut ok = true;
    for (what, told, found) in checks {
        let good = told == found;
        ok &= good;
        println!("| {what} | {told} | {found} | {} |", if good { "ok" } else { "LOST OR DUPLICATED" });
    }
    println!("| registry import applied | {} | {imported} enterprises after | |", tally.imports_applied);
    println!("| audit chain whole | | {} | {} |", audit_whole, if audit_whole { "ok" } else { "BROKEN" });
    println!(
        "| answered 503 with Retry-After (retried) | | {} | {} |",
        tally.busy,
        if tally.busy_without_retry_after == 0 { "ok" } else { "503 WITHOUT Retry-After" }
    );
    println!(
        "| failures a user saw (500, locked, timeout) | | {} | {} |",
        tally.failures.len(),
        if tally.failures.is_empty() { "ok" } else { "FAILED" }
    );
    for f in tally.failures.iter().take(10) {
        println!("- {f}");
    }
    ok &= audit_whole && tally.failures.is_empty() && tally.busy_without_retry_after == 0;
    Ok(ok)
}

/// (clerks, heads, conflict declarers, readers) out of `n` clients.
fn split(n: usize) -> (usize, usize, usize, usize) {
    let heads = n / 5;
    let declarers = n / 10;
    let readers = n / 5;
    (n - heads - declarers - readers, heads, declarers, readers)
}

/// One staff member's browser: one kept-alive HTTP/1.1 connection (opened again when the
/// server closes it), the session cookie, and the site's origin on every write.
struct Client {
    addr: std::net::SocketAddr,
    base: String,
    cookie: String,
    sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>,
}

/// One answer: status, whether it carried Retry-After, body, milliseconds.
struct Answer {
    status: u16,
    retry_after: bool,
    body: String,
    ms: f64,
}

/// A request to send: method, path, content type, body.
struct Req {
    method: &'static str,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Req {
    fn get(path: impl Into<String>) -> Self {
        Self { method: "GET", path: path.into(), content_type: None, body: Vec::new() }
    }

    fn form(endpoint: &str, fields: &[(&str, &str)]) -> Self {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", app::url::urlencode(k), app::url::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Self {
            method: "POST",
            path: format!("/api/{endpoint}"),
            content_type: Some("application/x-www-form-urlencoded".into()),
            body: body.into_bytes(),
        }
    }

    fn json(endpoint: &str, body: String) -> Self {
        Self {
            method: "POST",
            path: format!("/api/{endpoint}"),
            content_type: Some("application/json".into()),
            body: body.into_bytes(),
        }
    }

    /// A multipart form: (name, file name for a file, content).
    fn multipart(endpoint: &str, fields: &[(&str, Option<&str>, &[u8])]) -> Self {
        const BOUNDARY: &str = "shuangsui-bench-5b1e";
        let mut body = Vec::new();
        for (name, file_name, content) in fields {
            body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
            if let Some(file_name) = file_name {
                body.extend(format!("; filename=\"{file_name}\"\r\nContent-Type: text/csv").bytes());
            }
            body.extend(b"\r\n\r\n");
            body.extend(*content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{BOUNDARY}--\r\n").bytes());
        Self {
            method: "POST",
            path: format!("/api/{endpoint}"),
            content_type: Some(format!("multipart/form-data; boundary={BOUNDARY}")),
            body,
        }
    }
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

impl Client {
    fn new(addr: std::net::SocketAddr) -> Self {
        Self { addr, base: format!("http://{addr}"), cookie: String::new(), sender: None }
    }

    async fn sender(&mut self) -> Result<&mut hyper::client::conn::http1::SendRequest<Full<Bytes>>, Failure> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = tokio::net::TcpStream::connect(self.addr).await?;
            let (sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            self.sender = Some(sender);
        }
        let sender = self.sender.as_mut().expect("just set");
        sender.ready().await?;
        Ok(sender)
    }

    async fn send(&mut self, req: &Req) -> Result<(u16, bool, Option<String>, String), Failure> {
        let mut r = hyper::Request::builder()
            .method(req.method)
            .uri(req.path.as_str())
            .header("host", self.addr.to_string())
            .header("origin", self.base.as_str());
        if !self.cookie.is_empty() {
            r = r.header("cookie", self.cookie.as_str());
        }
        if let Some(ct) = &req.content_type {
            r = r.header("content-type", ct.as_str());
        }
        let request = r.body(Full::new(Bytes::from(req.body.clone())))?;
        let response = self.sender().await?.send_request(request).await?;
        let status = response.status().as_u16();
        let retry_after = response.headers().contains_key(hyper::header::RETRY_AFTER);
        let cookie = response
            .headers()
            .get_all(hyper::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("ss_session=") && !v.starts_with("ss_session=;"))
            .map(|v| v.split(';').next().unwrap_or_default().to_string());
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, retry_after, cookie, String::from_utf8_lossy(&body).into_owned()))
    }

    async fn sign_in(&mut self, username: &str) -> Result<(), Failure> {
        let req = Req::form(
            "sign_in",
            &[("username", username), ("password", app::ssr::seed::demo::DEMO_PASSWORD)],
        );
        let (status, _, cookie, _) = self.send(&req).await?;
        self.cookie = cookie.ok_or_else(|| format!("{username} could not sign in ({status})"))?;
        Ok(())
    }

    /// Sends `req` until it is not 503 (then waiting as Retry-After asks); records the
    /// latency of each try under `kind` and any answer a user must never see. Returns the
    /// final answer.
    async fn call(&mut self, tally: &Shared, kind: &'static str, req: &Req) -> Answer {
        loop {
            let start = Instant::now();
            let a = match self.send(req).await {
                Ok((status, retry_after, _, body)) => Answer { status, retry_after, body, ms: 0.0 },
                Err(e) => {
                    self.sender = None;
                    Answer { status: 0, retry_after: false, body: e.to_string(), ms: 0.0 }
                }
            };
            let a = Answer { ms: start.elapsed().as_secs_f64() * 1000.0, ..a };
            let busy = {
                let mut t = tally.lock().expect("tally");
                t.latencies.entry(kind).or_default().push(a.ms);
                if a.status == 503 {
                    t.busy += 1;
                    if !a.retry_after {
                        t.busy_without_retry_after += 1;
                    }
                } else if a.status == 0 || a.status >= 500 || a.body.contains("locked") {
                    t.failures.push(format!(
                        "{kind}: {} {}",
                        a.status,
                        a.body.chars().take(200).collect::<String>()
                    ));
                }
                a.status == 503
            };
            if busy {
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
            return a;
        }
    }
}

/// A clerk entering results for every `stride`-th selected enterprise, browsing the task
/// now and then.
#[allow(clippy::too_many_arguments)]
async fn clerk(
    mut c: Client,
    f: Arc<Fixture>,
    first: usize,
    stride: usize,
    tally: Shared,
    reviewed: tokio::sync::mpsc::UnboundedSender<String>,
    deadline: Instant,
) {
    let today = app::ssr::clock::today();
    for (n, (code, team)) in f.selected.iter().skip(first).step_by(stride).enumerate() {
        if Instant::now() >= deadline {
            break;
        }
        let body = json!({ "draft": {
            "task_id": f.task_id, "code": code, "inspected_on": today, "method": "实地核查",
            "attended": team, "categories": ["未发现问题"], "problems": "", "handling": [],
            "referral_department": ""
        }})
        .to_string();
        let a = c.call(&tally, "write: save a result", &Req::json("save_result", body)).await;
        if a.status == 200 {
            tally.lock().expect("tally").results_saved.insert(code.clone());
            let _ = reviewed.send(code.clone());
        }
        if n % 5 == 4 {
            let page = Req::get(format!("/tasks/{}/results", f.task_id));
            c.call(&tally, "page: the task's results", &page).await;
        }
    }
}

/// An office head passing (通过并公示) results as they come in.
async fn head(
    mut c: Client,
    f: Arc<Fixture>,
    tally: Shared,
    queue: Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<String>>>,
    deadline: Instant,
) {
    while Instant::now() < deadline {
        let next = {
            let mut q = queue.lock().await;
            tokio::time::timeout(Duration::from_millis(500), q.recv()).await
        };
        let code = match next {
            Ok(Some(code)) => code,
            Ok(None) => break,
            Err(_) => continue,
        };
        let task = f.task_id.to_string();
        let req = Req::form(
            "review_result",
            &[("task_id", task.as_str()), ("code", code.as_str()), ("pass", "true"), ("comment", "")],
        );
        let a = c.call(&tally, "write: review and publish a result", &req).await;
        if a.status == 200 {
            tally.lock().expect("tally").results_published.insert(code);
        }
    }
}

/// A clerk declaring conflicts of the department's inspectors with enterprises.
async fn declarer(
    mut c: Client,
    f: Arc<Fixture>,
    first: usize,
    stride: usize,
    tally: Shared,
    deadline: Instant,
) {
    let pairs: Vec<(i64, String)> = f
        .inspectors
        .iter()
        .flat_map(|i| f.others.iter().map(move |code| (*i, code.clone())))
        .skip(first)
        .step_by(stride)
        .collect();
    for (inspector, code) in pairs {
        if Instant::now() >= deadline {
            break;
        }
        let inspector = inspector.to_string();
        let req = Req::form(
            "registry/declare_conflict",
            &[
                ("inspector_id", inspector.as_str()),
                ("credit_code", code.as_str()),
                ("reason", "经济往来"),
                ("note", "bench-staff 申报"),
            ],
        );
        let a = c.call(&tally, "write: declare a conflict", &req).await;
        if a.status == 200 {
            tally.lock().expect("tally").conflicts_declared += 1;
        }
    }
}

/// A reader paging through the registry with filters and opening enterprises.
async fn reader(mut c: Client, f: Arc<Fixture>, i: usize, tally: Shared, deadline: Instant) {
    let mut n = i;
    while Instant::now() < deadline {
        n += 1;
        let path = match n % 4 {
            0 => format!("/registry/enterprises?page={}", n % 50 + 1),
            1 => format!("/registry/enterprises?q={}", &f.others[n % f.others.len()][..10]),
            2 => "/registry/enterprises?region=130402&status=active".to_string(),
            _ => format!("/tasks/{}", f.task_id),
        };
        c.call(&tally, "page: registry and task", &Req::get(path)).await;
    }
}

/// The administrator applying a registry import of new enterprises (one long write).
async fn importer(mut c: Client, tally: Shared) {
    let mut rng = app::ssr::seed::demo::SplitMix64::new(7);
    let records: Vec<_> = (0..IMPORT_ROWS)
        .map(|i| app::ssr::seed::demo_scale::bulk_enterprise(&mut rng, 950_000_000 + i))
        .collect();
    let csv = app::ssr::files::table_file::write_csv(
        &app::domain::registry::ENTERPRISE_COLUMNS,
        records.iter().map(app::domain::registry_rows::enterprise_cells),
    );
    let req = Req::multipart(
        "registry/import",
        &[("kind", None, b"enterprises"), ("apply", None, b"true"), ("file", Some("bench.csv"), &csv)],
    );
    let a = c.call(&tally, "write: registry import (20,000 rows, applied)", &req).await;
    if a.status == 200 {
        tally.lock().expect("tally").imports_applied += 1;
    }
}

/// Draws the first task waiting to be frozen over the whole registry and takes it to
/// 检查中 through the workflow's steps.
async fn setup(db: &AnyPool) -> Result<Fixture, Box<dyn std::error::Error>> {
    let (task_id, date) = super::bench_task::whole_registry_task(db, RATIO_BP, None).await?;
    let department: String = sqlx::query_scalar("SELECT initiating_department_id FROM tasks WHERE id = $1")
        .bind(task_id)
        .fetch_one(db)
        .await?;
    let user = |username: &str, role: Role, department: Option<&str>| SessionUser {
        id: 0,
        username: username.into(),
        display_name: username.into(),
        role,
        department_id: department.map(str::to_string),
        department_name: None,
        inspector_id: None,
    };
    let clerk = user("bench.setup", Role::Clerk, Some(&department));
    app::ssr::db::draws::freeze(db, task_id, &date, clerk.actor()).await?;
    app::ssr::db::draws::run_draw(db, task_id, "bench-staff 1 2 3 4 5 6", &date, clerk.actor()).await?;
    let order_office: String =
        sqlx::query_scalar("SELECT min(department_id) FROM users WHERE role = 'order_office'")
            .fetch_one(db)
            .await?;
    for (to, who) in [
        (TaskStatus::ListSubmitted, clerk.clone()),
        (TaskStatus::ListConsented, user("bench.leader", Role::PrincipalLeader, None)),
        (TaskStatus::ListFiled, user("bench.order", Role::OrderOffice, Some(&order_office))),
        (TaskStatus::Inspecting, clerk.clone()),
    ] {
        app::ssr::db::workflow::advance(db, task_id, to, "", &who).await?;
    }
    let teams: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.code, m.inspector_id FROM draws d JOIN draw_selections s ON s.draw_id = d.id \
         JOIN draw_team_members m ON m.draw_id = s.draw_id AND m.position = s.position \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL ORDER BY s.position, m.seq",
    )
    .bind(task_id)
    .fetch_all(db)
    .await?;
    let mut selected: Vec<(String, Vec<i64>)> = Vec::new();
    for (code, inspector) in teams {
        match selected.last_mut() {
            Some((last, team)) if *last == code => team.push(inspector),
            _ => selected.push((code, vec![inspector])),
        }
    }
    let inspectors: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM inspectors WHERE department_id = $1 ORDER BY id")
            .bind(&department)
            .fetch_all(db)
            .await?;
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT credit_code FROM enterprises WHERE id NOT IN (SELECT enterprise_id FROM draw_selections) \
         ORDER BY id LIMIT 2000",
    )
    .fetch_all(db)
    .await?;
    Ok(Fixture { task_id, department, selected, inspectors, others })
}

/// The bench's accounts, each with the demo password (copied from a demo account's hash).
async fn accounts(
    db: &AnyPool,
    department: &str,
    clerks: usize,
    heads: usize,
    declarers: usize,
    readers: usize,
) -> Result<(), sqlx::Error> {
    let mut tx = app::ssr::db::begin_write(db).await?;
    let groups = [
        ("clerk", "clerk", clerks),
        ("head", "office_head", heads),
        ("conflict", "clerk", declarers),
        ("reader", "clerk", readers),
    ];
    for (prefix, role, count) in groups {
        for i in 0..count {
            sqlx::query(
                "INSERT INTO users (username, display_name, password_hash, role, department_id) \
                 SELECT $1, $2, password_hash, $3, $4 FROM users WHERE username = 'jingban'",
            )
            .bind(format!("bench.{prefix}{i:02}"))
            .bind(format!("压测{prefix}{i:02}"))
            .bind(role)
            .bind(department)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}
