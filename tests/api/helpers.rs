//! Booting the app, temporary databases, and finding the built binary.

use server::config::Config;
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A running app on a free port with its own fresh database (demo data loaded).
pub struct TestApp {
    pub base: String,
    /// The database's URL: a file in `dir`, or a PostgreSQL database of its own.
    pub db_url: String,
    pub db: AnyPool,
    /// The server's state (for building another router on the same database).
    pub state: app::ssr::state::AppState,
    /// What its operational endpoints read.
    pub ops: std::sync::Arc<server::health::Ops>,
    pub dir: TempDir,
    pub client: reqwest::Client,
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, empty directory under the system temp dir.
    pub fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "shuangsui-test-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    /// A path inside the directory.
    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Boots the real router on 127.0.0.1:0 with a fresh database: a SQLite file, or with
/// `SHUANGSUI_TEST_DB=postgres` a PostgreSQL database of its own (`make test` runs the
/// suite both ways).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with some of `serve`'s options changed (a trusted proxy, a site address).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    if test_backend_is_postgres() {
        let url = fresh_postgres_database().await;
        spawn_app_on(url, TempDir::new("app"), configure).await
    } else {
        let dir = TempDir::new("app");
        let url = format!("sqlite://{}", dir.join("test.db").display());
        spawn_app_on(url, dir, configure).await
    }
}

/// [`spawn_app`] on a SQLite file whatever the run's backend: for what only a file has
/// (a backup by `VACUUM INTO`, a copy to tamper with, the `--db sqlite:` CLI).
pub async fn spawn_sqlite_app() -> TestApp {
    let dir = TempDir::new("app");
    let url = format!("sqlite://{}", dir.join("test.db").display());
    spawn_app_on(url, dir, |_| {}).await
}

async fn spawn_app_on(db: String, dir: TempDir, configure: impl FnOnce(&mut Config)) -> TestApp {
    // The site built into the binary, as a bureau runs it.
    let mut args = Config { addr: "127.0.0.1:0".into(), db, no_demo: false, ..Config::defaults() };
    configure(&mut args);
    // Redirects are not followed, so a sign-in's Set-Cookie can be read. A request that
    // has not finished after two minutes fails its test, naming its address, instead of
    // holding the whole run until CI's limit.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    serve(&args, dir, client).await
}

/// Whether this run's apps use PostgreSQL (`SHUANGSUI_TEST_DB=postgres`).
pub fn test_backend_is_postgres() -> bool {
    match std::env::var("SHUANGSUI_TEST_DB").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("SHUANGSUI_TEST_DB is {other:?}: use sqlite or postgres"),
    }
}

/// A new, empty PostgreSQL database on the server `SHUANGSUI_TEST_PG` names (UTF-8, code
/// point order, as SQLite compares text); databases earlier runs left are dropped first.
pub async fn fresh_postgres_database() -> String {
    postgres_database(true).await
}

/// The URL of a PostgreSQL database that does not exist yet (for what creates one).
pub async fn unused_postgres_database() -> String {
    postgres_database(false).await
}

async fn postgres_database(create: bool) -> String {
    use sqlx::Connection;
    static N: AtomicU32 = AtomicU32::new(0);
    let admin = std::env::var("SHUANGSUI_TEST_PG")
        .expect("SHUANGSUI_TEST_DB=postgres needs SHUANGSUI_TEST_PG (make test sets both)");
    let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!("cannot reach PostgreSQL at SHUANGSUI_TEST_PG ({e}); scripts/setup.sh test starts it")
    });
    drop_old_test_databases(&mut conn).await;
    let name = format!("shuangsui_t_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await.unwrap();
    if create {
        sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (server, _) = admin.rsplit_once('/').expect("SHUANGSUI_TEST_PG ends in /<database>");
    format!("{server}/{name}")
}

/// Drops the test databases of processes that have ended (once per process).
async fn drop_old_test_databases(conn: &mut sqlx::PgConnection) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'shuangsui\\_t\\_%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        for name in names {
            let pid = name.split('_').nth(2).unwrap_or_default();
            if pid != std::process::id().to_string() && !Path::new("/proc").join(pid).exists() {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut *conn)
                    .await;
            }
        }
    })
    .await;
}

/// Starts the real router for `args` in this process, on a task of its own.
async fn serve(args: &Config, dir: TempDir, client: reqwest::Client) -> TestApp {
    let prepared = server::serve::prepare(args).await.expect("server starts");
    let base = format!("http://{}", prepared.addr);
    let (db, state, ops) = (prepared.state.db.clone(), prepared.state.clone(), prepared.ops.clone());
    let limits = server::serve::limits(args);
    tokio::spawn(server::http::serve(prepared.listener, prepared.app, limits, std::future::pending()));
    TestApp { base, db_url: args.db.clone(), db, state, ops, dir, client }
}

impl TestApp {
    /// A second server on this app's database, as another `shuangsui serve` process
    /// behind the same load balancer would be: its own connection pool, caches and port.
    pub async fn second_server(&self) -> TestApp {
        let args = Config {
            addr: "127.0.0.1:0".into(),
            db: self.db_url.clone(),
            no_demo: true,
            ..Config::defaults()
        };
        serve(&args, TempDir::new("second"), self.client.clone()).await
    }
}

/// The id, name and credit code of the first enterprise (by code) with a published result.
pub async fn published_enterprise(db: &AnyPool) -> (i64, String, String) {
    sqlx::query_as(
        "SELECT e.id, e.name, e.credit_code FROM inspection_results r JOIN enterprises e \
         ON e.id = r.enterprise_id WHERE r.published_at IS NOT NULL ORDER BY e.credit_code LIMIT 1",
    )
    .fetch_one(db)
    .await
    .unwrap()
}

/// The demo password (every demo account has it).
pub const PASSWORD: &str = app::ssr::seed::demo::DEMO_PASSWORD;

impl TestApp {
    /// Signs in through the real endpoint; returns the `Cookie` header value to send.
    pub async fn sign_in(&self, username: &str) -> String {
        let resp = self.post_form(None, "sign_in", &[("username", username), ("password", PASSWORD)]).await;
        let cookie = resp
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("ss_session=") && !v.starts_with("ss_session=;"))
            .unwrap_or_else(|| panic!("sign-in of {username} set no session cookie ({})", resp.status()))
            .to_string();
        cookie.split(';').next().unwrap().to_string()
    }

    /// POSTs a form to server function `endpoint` (under /api/) as `cookie`, from this site.
    pub async fn post_form(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.request(cookie, endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(form))
            .send()
            .await
            .unwrap()
    }

    /// POSTs JSON to server function `endpoint` as `cookie`, from this site.
    pub async fn post_json(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        json: serde_json::Value,
    ) -> reqwest::Response {
        self.request(cookie, endpoint)
            .header("content-type", "application/json")
            .body(json.to_string())
            .send()
            .await
            .unwrap()
    }

    /// POSTs a multipart form, as a browser sends a chosen file, to server function
    /// `endpoint` as `cookie`; `fields` are (name, file name for a file, content).
    pub async fn post_multipart(
        &self,
        cookie: Option<&str>,
        endpoint: &str,
        fields: &[(&str, Option<&str>, &[u8])],
    ) -> reqwest::Response {
        self.post_multipart_to(cookie, &format!("/api/{endpoint}"), fields).await
    }

    /// [`TestApp::post_multipart`] to any address of the site (`path` from its root).
    pub async fn post_multipart_to(
        &self,
        cookie: Option<&str>,
        path: &str,
        fields: &[(&str, Option<&str>, &[u8])],
    ) -> reqwest::Response {
        const BOUNDARY: &str = "shuangsui-test-7d3f2a";
        let mut body = Vec::new();
        for (name, file_name, content) in fields {
            body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
            if let Some(file_name) = file_name {
                body.extend(
                    format!("; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream").bytes(),
                );
            }
            body.extend(b"\r\n\r\n");
            body.extend(*content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{BOUNDARY}--\r\n").bytes());
        let mut r = self.client.post(format!("{}{path}", self.base)).header("origin", &self.base);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r.header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(body)
            .send()
            .await
            .unwrap()
    }

    fn request(&self, cookie: Option<&str>, endpoint: &str) -> reqwest::RequestBuilder {
        let mut r = self.client.post(format!("{}/api/{endpoint}", self.base)).header("origin", &self.base);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        r
    }

    /// GETs a page as `cookie`; returns (status, body).
    pub async fn page(&self, cookie: &str, path: &str) -> (u16, String) {
        let resp =
            self.client.get(format!("{}{path}", self.base)).header("cookie", cookie).send().await.unwrap();
        (resp.status().as_u16(), unmarked(resp.text().await.unwrap()))
    }
}

/// A page's HTML without Leptos's empty `<!>` hydration markers (comments, invisible in the
/// page; type-erased views write one after each dynamic child), so tests can look for text.
pub fn unmarked(html: String) -> String {
    html.replace("<!>", "")
}

/// `form` as an `application/x-www-form-urlencoded` body.
pub fn form_body(form: &[(&str, &str)]) -> String {
    form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

/// Percent-encodes a form value (UTF-8 bytes; unreserved characters kept).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The repository root (the parent of `server/`, whose manifest runs these tests).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The `shuangsui` binary cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_shuangsui"))
}

/// Runs the binary with `args`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(binary()).args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A spec vector as JSON.
pub fn vector(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("spec/vectors").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The DR1 input fields of a manifest (derived fields removed).
pub fn inputs_of(manifest: &serde_json::Value) -> serde_json::Value {
    let mut m = manifest.clone();
    let obj = m.as_object_mut().unwrap();
    for k in ["protocol", "pool_digest", "seed", "selected", "recusals"] {
        obj.remove(k);
    }
    m
}

/// The fields a DR1 implementation derives, for comparison.
pub fn derived_of(manifest: &serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "pool_digest": manifest["pool_digest"],
        "commitment": manifest["commitment"],
        "seed": manifest["seed"],
        "selected": manifest["selected"],
        "recusals": manifest["recusals"],
    })
}

/// Tampers with a manifest: the first team's first inspector becomes one not on that team.
pub fn swap_first_inspector(manifest: &mut serde_json::Value) {
    let team = manifest["selected"][0]["inspectors"].as_array().unwrap().clone();
    let other = manifest["inspectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].clone())
        .find(|id| !team.contains(id))
        .unwrap();
    manifest["selected"][0]["inspectors"][0] = other;
}

/// A real `shuangsui serve` process on database `db`, with `args` added after it (its
/// metrics on a free loopback port); killed when dropped. For what only a separate process
/// shows: its memory, its sockets, its command line, its signals.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
    /// Where its `/metrics` is (`http://127.0.0.1:<port>`).
    pub metrics: String,
}

impl ServerProcess {
    pub fn start(db: &str, args: &[&str]) -> Self {
        Self::start_in(&std::env::temp_dir(), binary().as_path(), Some(db), args)
    }

    /// [`ServerProcess::start`] of the binary at `binary`, in the working directory `dir`,
    /// with nothing from the environment that configures it (no `db`: the default one).
    pub fn start_in(dir: &Path, binary: &Path, db: Option<&str>, args: &[&str]) -> Self {
        Self::start_with_env(dir, binary, db, args, &[])
    }

    /// [`ServerProcess::start_in`] with the variables `env` set (a crash point to abort at).
    pub fn start_with_env(
        dir: &Path,
        binary: &Path,
        db: Option<&str>,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        use std::io::BufRead;
        let mut command = std::process::Command::new(binary);
        for (name, _) in std::env::vars() {
            if name.starts_with("SHUANGSUI_") || name.starts_with("LEPTOS_") || name == "DATABASE_URL" {
                command.env_remove(name);
            }
        }
        let mut child = command
            .current_dir(dir)
            .args(["serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"])
            .args(db.map(|db| ["--db", db]).into_iter().flatten())
            .args(args)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut metrics = String::new();
        let base = loop {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "the server process exited before listening");
            if let Some(m) = line.trim().strip_prefix("metrics on ") {
                metrics = m.trim_end_matches("/metrics").to_string();
            }
            if let Some(base) = line.trim().strip_prefix("listening on ") {
                break base.to_string();
            }
        };
        // Whatever it prints later is read and dropped, so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        ServerProcess { child, base, metrics }
    }

    /// A line of the process's `/proc/<pid>/status`, in KiB (`VmHWM`: peak resident memory).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| {
                l.strip_prefix(field)?.trim_start_matches(':').trim().strip_suffix(" kB")?.parse().ok()
            })
            .unwrap_or_else(|| panic!("{field} in /proc/<pid>/status"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database URL for a server process of its own: a file in `dir`, or a fresh
/// PostgreSQL database when the run uses PostgreSQL.
pub async fn fresh_database_url(dir: &TempDir) -> String {
    if test_backend_is_postgres() {
        fresh_postgres_database().await
    } else {
        format!("sqlite://{}", dir.join("process.db").display())
    }
}

/// Today in the bureau's time zone (`YYYY-MM-DD`): the demo's task 3 has a consented plan
/// change to the current month, so it is frozen and drawn today.
pub fn today() -> String {
    app::ssr::clock::today()
}

/// The teams (inspector ids) of a task's selected enterprises, by credit code, in draw order.
pub async fn task_teams(db: &AnyPool, task_id: i64) -> Vec<(String, Vec<i64>)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.code, m.inspector_id FROM draw_selections s JOIN draws d ON d.id = s.draw_id \
         JOIN draw_team_members m ON m.draw_id = s.draw_id AND m.position = s.position \
         WHERE d.task_id = $1 AND d.abandoned_at IS NULL ORDER BY s.position, m.seq",
    )
    .bind(task_id)
    .fetch_all(db)
    .await
    .unwrap();
    let mut out: Vec<(String, Vec<i64>)> = Vec::new();
    for (code, id) in rows {
        match out.last_mut() {
            Some((c, ids)) if *c == code => ids.push(id),
            _ => out.push((code, vec![id])),
        }
    }
    out
}

/// A write transaction the test holds so that racing requests must overlap, taken
/// without `db::begin_write` (the lock under test): on SQLite it holds the database's
/// write lock (`BEGIN IMMEDIATE`), on PostgreSQL it locks `table` (one the racers write)
/// against writers. A racer waits here whether it takes the write lock first (as it
/// should: then the second waits for the first) or meets the lock only at its first
/// write (were the write lock missing: then both have read before either writes). Let
/// the racers go with `rollback` once [`wait_for_racers`] has seen them arrive.
pub async fn hold_write_lock(db: &AnyPool, table: &str) -> app::ssr::db::Tx {
    if !test_backend_is_postgres() {
        return db.begin_with("BEGIN IMMEDIATE").await.unwrap();
    }
    let mut tx = db.begin().await.unwrap();
    sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")).execute(&mut *tx).await.unwrap();
    tx
}

/// Waits until `n` racers wait behind [`hold_write_lock`]: on PostgreSQL until `n`
/// sessions of this database wait for a lock (`pg_stat_activity`); SQLite shows no
/// waiter, so there a second, well inside its 5 s busy timeout, for local requests to
/// reach their first statement.
pub async fn wait_for_racers(db: &AnyPool, n: i64) {
    if !test_backend_is_postgres() {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        if waiting >= n {
            return;
        }
        if std::time::Instant::now() > deadline {
            let sessions: Vec<String> = sqlx::query_scalar(
                "SELECT concat_ws(' | ', state, wait_event_type, wait_event, left(query, 120)) \
                 FROM pg_stat_activity WHERE datname = current_database()",
            )
            .fetch_all(db)
            .await
            .unwrap();
            panic!("{waiting} of {n} racers reached the lock; sessions: {sessions:#?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
