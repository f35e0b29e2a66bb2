//! Crash consistency (issue 22): the real `shuangsui` process is killed — `kill -9` at a
//! random moment, or aborted at a named crash point (`SHUANGSUI_CRASH_AT`, see
//! `app::ssr::db::crash`) — in the middle of a freeze, a draw in the ceremony, a
//! 100,000-row registry import, a result's publication (通过并公示) and a backup, then
//! restarted and checked: the operation is wholly there or wholly absent, the audit chain
//! is whole (`shuangsui audit verify`), the ceremony resumes at the right step, and the
//! operation can then be done once, and only once.
//!
//! Every kill works on a fresh copy of a prepared database. `SHUANGSUI_CRASH_KILLS` kills
//! per kind (3 by default; `make crash` sets 50): even ones at the kind's named points in
//! turn, odd ones after a random delay drawn over 1.2 × the operation's measured duration
//! (from sending it). `SHUANGSUI_CRASH_SEED` repeats a run's delays. Each kind prints one
//! row of figures; any inconsistency fails its test, naming the kill and the check.

use crate::helpers::{binary, form_body, test_backend_is_postgres, ServerProcess, TempDir, PASSWORD};
use app::ssr::seed::demo::SplitMix64;
use sqlx::AnyPool;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The entropy typed in the room before the killed draw.
const ENTROPY: &str = "3 1 4 1 5 6 2 6 5 3";
/// Rows of the registry import: `SHUANGSUI_CRASH_IMPORT_ROWS`, 10^4 unless set (`make
/// crash` sets 10^5; a debug build takes about a minute for those on a busy 2-core machine).
fn import_rows() -> u64 {
    std::env::var("SHUANGSUI_CRASH_IMPORT_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Freeze,
    Draw,
    Import,
    Publish,
    Backup,
}

impl Kind {
    fn name(self) -> String {
        match self {
            Kind::Freeze => "freeze".into(),
            Kind::Draw => "draw (ceremony)".into(),
            Kind::Import => format!("import {} rows", import_rows()),
            Kind::Publish => "publish a result".into(),
            Kind::Backup if test_backend_is_postgres() => "backup (copy-db)".into(),
            Kind::Backup => "backup".into(),
        }
    }

    /// The named crash points on the operation's way (`app::ssr::db::crash::point`).
    fn points(self) -> &'static [&'static str] {
        match self {
            Kind::Freeze => &["freeze:after-pool", "freeze:before-commit"],
            Kind::Draw => {
                &["draw:after-manifest", "draw:after-selections", "draw:before-commit", "ceremony:after-draw"]
            }
            Kind::Import => &["import:mid-rows", "import:after-rows", "import:before-commit"],
            Kind::Publish => &["publish:after-update", "publish:before-commit"],
            Kind::Backup if test_backend_is_postgres() => &["copy:after-rows"],
            Kind::Backup => &["backup:after-copy", "backup:after-check"],
        }
    }

    /// Whether the operation is a request to `shuangsui serve` (else a command of its own).
    fn over_http(self) -> bool {
        matches!(self, Kind::Freeze | Kind::Draw | Kind::Publish)
    }
}

#[derive(Clone, Copy, Debug)]
enum Kill {
    /// Abort at this named crash point.
    At(&'static str),
    /// `kill -9` this long after the operation was sent.
    After(Duration),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Done,
    Absent,
}

/// An operation's request, sent when awaited: (status, body).
type Op = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(u16, String), String>> + Send>>;

/// Kills per kind: `SHUANGSUI_CRASH_KILLS`, 3 unless set.
fn kills() -> usize {
    std::env::var("SHUANGSUI_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(3)
}

/// The prepared database of one kind, and fresh copies of it.
struct World {
    kind: Kind,
    dir: TempDir,
    /// The prepared database (a SQLite file, or a PostgreSQL database used as a template).
    template: String,
    /// Publish: the credit code whose pending result is published.
    code: String,
    /// Import: the CSV and the registry's size before it.
    csv: PathBuf,
    enterprises: i64,
    /// PostgreSQL's copy-db: the SQLite file copied, its audit entries and head.
    source: String,
    source_chain: (i64, String),
    copies: AtomicU32,
}

/// The URL of the PostgreSQL server's administration database (`SHUANGSUI_TEST_PG`).
fn pg_admin() -> String {
    std::env::var("SHUANGSUI_TEST_PG").expect("SHUANGSUI_TEST_DB=postgres needs SHUANGSUI_TEST_PG")
}

async fn pg_execute(sql: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&pg_admin()).await?;
    sqlx::query(sql).execute(&mut conn).await?;
    Ok(())
}

/// A PostgreSQL database name of this process (`helpers` drops those of ended processes).
fn pg_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("shuangsui_t_{}_crash{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

/// The URL of database `name` on the test server.
fn pg_url(name: &str) -> String {
    let admin = pg_admin();
    let (server, _) = admin.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// A new database: a copy of `template`, or an empty one.
async fn create_pg(template: Option<&str>) -> String {
    let name = pg_name();
    let sql = match template {
        Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
        None => format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"),
    };
    // The template's last server may still be leaving it.
    let mut tries = 0;
    loop {
        match pg_execute(&sql).await {
            Ok(()) => return pg_url(&name),
            Err(_) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}

/// A process of the binary with nothing from the environment that configures it.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(binary());
    for (name, _) in std::env::vars() {
        if name.starts_with("SHUANGSUI_") || name.starts_with("LEPTOS_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command.args(args).envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs the binary to its end: (exit code, stdout and stderr).
fn run(args: &[&str]) -> (i32, String) {
    let out = command(args, &[]).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Stops a server as systemd would (SIGTERM) and waits for it.
fn stop(mut server: ServerProcess) {
    let _ = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status();
    let _ = server.child.wait();
}

fn start(url: &str, env: &[(&str, &str)]) -> ServerProcess {
    ServerProcess::start_with_env(&std::env::temp_dir(), &binary(), Some(url), &["--no-demo"], env)
}

async fn open(url: &str) -> AnyPool {
    app::ssr::db::connect(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// POSTs a form to server function `endpoint` on `base`; (status, body).
async fn post(
    base: &str,
    cookie: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Result<(u16, String), String> {
    let resp = client()
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(form))
        .send()
        .await
        .map_err(|e| format!("{endpoint}: {e}"))?;
    let status = resp.status().as_u16();
    Ok((status, resp.text().await.unwrap_or_default()))
}

async fn sign_in(base: &str, username: &str) -> String {
    let resp = client()
        .post(format!("{base}/api/sign_in"))
        .header("origin", base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("username", username), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    let cookie = resp
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("ss_session=") && !v.starts_with("ss_session=;"))
        .unwrap_or_else(|| panic!("sign-in of {username}: no session ({})", resp.status()))
        .to_string();
    cookie.split(';').next().unwrap().to_string()
}

/// A count (`sql` with no parameter).
async fn scalar(db: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A count of the rows of draw `id` in `table`.
async fn of_draw(db: &AnyPool, table: &str, id: i64) -> i64 {
    let sql = format!("SELECT count(*) FROM {table} WHERE draw_id = $1");
    sqlx::query_scalar(&sql).bind(id).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn audits(db: &AnyPool, action: &str, entity: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2")
        .bind(action)
        .bind(entity)
        .fetch_one(db)
        .await
        .unwrap()
}

impl World {
    /// Prepares the kind's database: the demo, plus what comes before the operation.
    async fn prepare(kind: Kind) -> World {
        let dir = TempDir::new("crash");
        let template = if test_backend_is_postgres() {
            create_pg(None).await
        } else {
            format!("sqlite://{}", dir.join("template.db").display())
        };
        let mut world = World {
            kind,
            template: template.clone(),
            code: String::new(),
            csv: dir.join("enterprises.csv"),
            enterprises: 0,
            source: String::new(),
            source_chain: (0, String::new()),
            copies: AtomicU32::new(0),
            dir,
        };
        let server =
            ServerProcess::start_with_env(&std::env::temp_dir(), &binary(), Some(&template), &[], &[]);
        let base = server.base.clone();
        match kind {
            Kind::Freeze | Kind::Backup | Kind::Import => {}
            Kind::Draw => {
                // Frozen, the room at step 2 with its entropy typed: the next step draws.
                let clerk = sign_in(&base, "jingban.sctx").await;
                assert_eq!(post(&base, &clerk, "freeze", &[("task_id", "3")]).await.unwrap().0, 200);
                for to in ["1", "2"] {
                    let form = [("task_id", "3"), ("to", to), ("place", "局三楼会议室"), ("entropy", "")];
                    assert_eq!(post(&base, &clerk, "ceremony_step", &form).await.unwrap().0, 200);
                }
                let form = [("task_id", "3"), ("text", ENTROPY)];
                assert_eq!(post(&base, &clerk, "ceremony_entropy", &form).await.unwrap().0, 200);
            }
            Kind::Publish => {
                // One enterprise of task 1 with a result entered, waiting for the office head.
                let db = open(&template).await;
                let teams = crate::helpers::task_teams(&db, 1).await;
                let published: Vec<String> = sqlx::query_scalar(
                    "SELECT DISTINCT e.credit_code FROM inspection_results r JOIN enterprises e \
                     ON e.id = r.enterprise_id WHERE r.published_at IS NOT NULL",
                )
                .fetch_all(&db)
                .await
                .unwrap();
                db.close().await;
                let (code, team) = teams.into_iter().find(|(c, _)| !published.contains(c)).unwrap();
                let clerk = sign_in(&base, "jingban").await;
                let draft = serde_json::json!({ "draft": {
                    "task_id": 1, "code": code, "inspected_on": crate::helpers::today(), "method": "实地核查",
                    "attended": team, "categories": ["未发现问题"], "problems": "", "handling": [],
                    "referral_department": ""
                }});
                let resp = client()
                    .post(format!("{base}/api/save_result"))
                    .header("origin", &base)
                    .header("cookie", &clerk)
                    .header("content-type", "application/json")
                    .body(draft.to_string())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
                world.code = code;
            }
        }
        stop(server);
        if kind == Kind::Import {
            let db = open(&template).await;
            world.enterprises = scalar(&db, "SELECT count(*) FROM enterprises").await;
            db.close().await;
            let mut rng = SplitMix64::new(22);
            let records: Vec<_> = (0..import_rows())
                .map(|i| app::ssr::seed::demo_scale::bulk_enterprise(&mut rng, 900_000_000 + i))
                .collect();
            let csv = app::ssr::files::table_file::write_csv(
                &app::domain::registry::ENTERPRISE_COLUMNS,
                records.iter().map(app::domain::registry_rows::enterprise_cells),
            );
            std::fs::write(&world.csv, csv).unwrap();
        }
        if kind == Kind::Backup && test_backend_is_postgres() {
            // copy-db moves a SQLite file into an empty PostgreSQL database.
            world.source = format!("sqlite://{}", world.dir.join("source.db").display());
            stop(ServerProcess::start_with_env(
                &std::env::temp_dir(),
                &binary(),
                Some(&world.source),
                &[],
                &[],
            ));
            let db = open(&world.source).await;
            world.source_chain = match app::ssr::db::audit::verify_chain(&db).await.unwrap() {
                app::ssr::db::audit::ChainReport::Whole { entries, head } => (entries, head),
                broken => panic!("{broken:?}"),
            };
            db.close().await;
        }
        world
    }

    /// A fresh copy of the prepared database (for copy-db: a new, empty database).
    async fn copy(&self) -> String {
        if test_backend_is_postgres() {
            if self.kind == Kind::Backup {
                return create_pg(None).await;
            }
            let template = self.template.rsplit_once('/').unwrap().1;
            return create_pg(Some(template)).await;
        }
        let n = self.copies.fetch_add(1, Ordering::SeqCst);
        let from = self.dir.join("template.db");
        let to = self.dir.join(&format!("copy{n}.db"));
        std::fs::copy(&from, &to).unwrap();
        // Its log too, if its last server left one (the two are one consistent state).
        let wal = PathBuf::from(format!("{}-wal", from.display()));
        if wal.exists() {
            std::fs::copy(&wal, format!("{}-wal", to.display())).unwrap();
        }
        format!("sqlite://{}", to.display())
    }

    async fn drop_copy(&self, url: &str) {
        if test_backend_is_postgres() {
            let name = url.rsplit_once('/').unwrap().1;
            let _ = pg_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        } else {
            let file = url.trim_start_matches("sqlite://");
            for tail in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{file}{tail}"));
            }
            let backup = self.backup_file(url);
            let _ = std::fs::remove_file(&backup);
            let _ = std::fs::remove_file(format!("{}.partial", backup.display()));
        }
    }

    /// The new file a backup of the copy `url` writes.
    fn backup_file(&self, url: &str) -> PathBuf {
        PathBuf::from(format!("{}.backup", url.trim_start_matches("sqlite://")))
    }

    /// The command line of a command-line operation on the copy `url`.
    fn args(&self, url: &str) -> Vec<String> {
        match self.kind {
            Kind::Import => {
                vec![
                    "import".into(),
                    "enterprises".into(),
                    self.csv.display().to_string(),
                    "--apply".into(),
                    "--db".into(),
                    url.into(),
                ]
            }
            Kind::Backup if test_backend_is_postgres() => {
                vec!["copy-db".into(), "--from".into(), self.source.clone(), "--to".into(), url.into()]
            }
            Kind::Backup => {
                vec!["backup".into(), self.backup_file(url).display().to_string(), "--db".into(), url.into()]
            }
            _ => unreachable!("over HTTP"),
        }
    }

    /// The operation's request to the server at `base` (signed in first); (status, body).
    async fn request(&self, base: &str) -> Op {
        let base = base.to_string();
        type Form = Vec<(&'static str, String)>;
        let (who, endpoint, form): (&'static str, &'static str, Form) = match self.kind {
            Kind::Freeze => ("jingban.sctx", "freeze", vec![("task_id", "3".into())]),
            Kind::Draw => (
                "jingban.sctx",
                "ceremony_step",
                vec![
                    ("task_id", "3".into()),
                    ("to", "3".into()),
                    ("place", "".into()),
                    ("entropy", "".into()),
                ],
            ),
            Kind::Publish => (
                "chuzhang",
                "review_result",
                vec![
                    ("task_id", "1".into()),
                    ("code", self.code.clone()),
                    ("pass", "true".into()),
                    ("comment", "".into()),
                ],
            ),
            _ => unreachable!("a command"),
        };
        let cookie = sign_in(&base, who).await;
        Box::pin(async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(&base, &cookie, endpoint, &form).await
        })
    }

    /// Runs the operation on the copy `url`, killed as `kill` says; how long it took
    /// unkilled. A named point that is never reached is an error of the harness.
    async fn attempt(&self, url: &str, kill: Option<Kill>) -> Result<Duration, String> {
        let env: Vec<(&str, &str)> = match kill {
            Some(Kill::At(point)) => vec![("SHUANGSUI_CRASH_AT", point)],
            _ => vec![],
        };
        if self.kind.over_http() {
            let mut server = start(url, &env);
            let op = self.request(&server.base).await;
            let started = Instant::now();
            let request = tokio::spawn(op);
            let Some(kill) = kill else {
                let (status, body) = request.await.unwrap()?;
                let took = started.elapsed();
                stop(server);
                return if status == 200 {
                    Ok(took)
                } else {
                    Err(format!("the {} answered {status}: {body}", self.kind.name()))
                };
            };
            let out = killed(&mut server.child, kill, started).await;
            request.abort();
            return out;
        }
        let args = self.args(url);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        let mut command = command(&args, &env);
        if kill.is_some() {
            // Nobody reads what a killed command prints: a full pipe would stop it.
            command.stdout(Stdio::null()).stderr(Stdio::null());
        }
        let mut child = command.spawn().unwrap();
        let Some(kill) = kill else {
            let out = child.wait_with_output().unwrap();
            return if out.status.success() {
                Ok(started.elapsed())
            } else {
                Err(format!(
                    "{} exited {:?}: {}{}",
                    self.kind.name(),
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ))
            };
        };
        killed(&mut child, kill, started).await
    }

    /// Restarts the server on the copy `url` and checks it: one state, whole, or an error
    /// naming what is half there. The ceremony resumes; the operation then runs once.
    async fn check(&self, url: &str, redo: bool) -> Result<State, String> {
        // copy-db's target is checked as it is: a server would write to it.
        let copy_db = self.kind == Kind::Backup && test_backend_is_postgres();
        let server = (!copy_db).then(|| start(url, &[]));
        let base = server.as_ref().map(|s| s.base.clone()).unwrap_or_default();
        let base = base.as_str();
        let state = self.consistent(url, base).await?;
        let (code, out) = run(&["audit", "verify", "--db", url]);
        if code != 0 || !out.contains("audit chain whole") {
            return Err(format!("audit verify: {out}"));
        }
        if state == State::Absent && redo {
            if self.kind.over_http() {
                let (status, body) = self.request(base).await.await?;
                if status != 200 {
                    return Err(format!("done once after the crash: {status} {body}"));
                }
            } else {
                let args = self.args(url);
                let (code, out) = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
                if code != 0 {
                    return Err(format!("done once after the crash: exit {code}: {out}"));
                }
            }
            if self.consistent(url, base).await? != State::Done {
                return Err("done once after the crash, yet not there".into());
            }
        }
        self.only_once(url, base).await?;
        if let Some(server) = server {
            stop(server);
        }
        Ok(state)
    }

    /// Doing it again is refused (a second import of the same file is allowed: it is
    /// checked only to add nothing, which `consistent` already counts).
    async fn only_once(&self, url: &str, base: &str) -> Result<(), String> {
        let (refused, answer) = match self.kind {
            Kind::Import => return Ok(()),
            Kind::Draw => {
                // The ceremony repeats its current step; a second draw is refused.
                let clerk = sign_in(base, "jingban.sctx").await;
                let form = [("task_id", "3"), ("public_entropy", "1")];
                let (status, body) = post(base, &clerk, "draw", &form).await?;
                (status == 409, format!("{status} {body}"))
            }
            Kind::Freeze | Kind::Publish => {
                let (status, body) = self.request(base).await.await?;
                (status == 409, format!("{status} {body}"))
            }
            Kind::Backup => {
                let args = self.args(url);
                let (code, out) = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
                (code != 0, out)
            }
        };
        if refused {
            Ok(())
        } else {
            Err(format!("done a second time: {answer}"))
        }
    }

    /// The kind's invariants on the copy `url` (its server at `base`).
    async fn consistent(&self, url: &str, base: &str) -> Result<State, String> {
        let db = open(url).await;
        let out = match self.kind {
            Kind::Freeze => freeze_state(&db).await,
            Kind::Draw => draw_state(&db, base, &self.dir).await,
            Kind::Publish => publish_state(&db, base, &self.code).await,
            Kind::Import => import_state(&db, self.enterprises).await,
            Kind::Backup if test_backend_is_postgres() => copy_state(&db, &self.source_chain).await,
            Kind::Backup => backup_state(&self.backup_file(url), &db).await,
        };
        db.close().await;
        out
    }
}

/// Waits for `process` to abort at its crash point, or kills it (`kill -9`) when the delay
/// is up (if it is still running).
async fn killed(process: &mut Child, kill: Kill, started: Instant) -> Result<Duration, String> {
    match kill {
        Kill::At(point) => {
            let status = wait_exit(process, Duration::from_secs(300)).await;
            if status.signal() != Some(6) {
                return Err(format!("the crash point {point} was not reached (exit {status:?})"));
            }
        }
        Kill::After(delay) => {
            tokio::time::sleep_until((started + delay).into()).await;
            let _ = process.kill();
            let _ = process.wait();
        }
    }
    Ok(started.elapsed())
}

async fn wait_exit(process: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = process.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = process.kill();
            return process.wait().unwrap();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Frozen wholly (a draw with its pool, secret and commitment, the status, the audit entry
/// and the attempt) or not at all.
async fn freeze_state(db: &AnyPool) -> Result<State, String> {
    let draws: Vec<(i64, i64, String, String, String)> =
        sqlx::query_as("SELECT id, pool_count, secret, commitment, pool_digest FROM draws WHERE task_id = 3")
            .fetch_all(db)
            .await
            .unwrap();
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 3").fetch_one(db).await.unwrap();
    let audit = audits(db, "draw.freeze", "3").await;
    let attempts = scalar(
        db,
        "SELECT count(*) FROM draw_attempts WHERE task_id = 3 AND action = 'freeze' AND outcome = 'done'",
    )
    .await;
    let events =
        scalar(db, "SELECT count(*) FROM task_events WHERE task_id = 3 AND to_status = 'frozen'").await;
    let seen = format!(
        "{} draws, status {status}, {audit} audit entries, {attempts} attempts, {events} events",
        draws.len()
    );
    match draws.as_slice() {
        [] if status == "planned" && audit == 0 && attempts == 0 && events == 0 => Ok(State::Absent),
        [(id, pool_count, secret, commitment, digest)]
            if status == "frozen" && audit == 1 && attempts == 1 && events == 1 =>
        {
            let pool = of_draw(db, "draw_pool", *id).await;
            let bytes: [u8; 32] = hex::decode(secret)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or("the secret is not 32 bytes")?;
            if pool != *pool_count || pool == 0 {
                return Err(format!("frozen with {pool} pool rows of {pool_count}"));
            }
            if app::domain::draw::commitment_of(&bytes) != *commitment {
                return Err("the commitment is not the secret's".into());
            }
            let stored =
                app::ssr::db::frozen_pool::stored_pool(&mut db.acquire().await.unwrap(), *id).await.unwrap();
            if app::domain::draw::pool_digest(&stored) != *digest {
                return Err("the stored pool does not have the published digest".into());
            }
            Ok(State::Done)
        }
        _ => Err(format!("half frozen: {seen}")),
    }
}

/// Drawn wholly (manifest, seed, selections and teams, the status, the audit entry; the
/// manifest verifies) or not at all (the room still at step 2 with its entropy); the
/// ceremony then resumes at the reveal with the stored seed.
async fn draw_state(db: &AnyPool, base: &str, dir: &TempDir) -> Result<State, String> {
    type Row = (i64, Option<String>, Option<String>, Option<String>, i64, String);
    let (id, seed, manifest, drawn_at, step, draft): Row = sqlx::query_as(
        "SELECT id, seed, manifest, drawn_at, ceremony_step, entropy_draft FROM draws WHERE task_id = 3 AND abandoned_at IS NULL",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let selections = of_draw(db, "draw_selections", id).await;
    let members = of_draw(db, "draw_team_members", id).await;
    let status: String =
        sqlx::query_scalar("SELECT status FROM tasks WHERE id = 3").fetch_one(db).await.unwrap();
    let audit = audits(db, "draw.run", "3").await;
    let seen = format!(
        "seed {}, manifest {}, drawn_at {}, {selections} selections, {members} team members, status {status}, {audit} audit entries, step {step}",
        seed.is_some(),
        manifest.is_some(),
        drawn_at.is_some()
    );
    let clerk = sign_in(base, "jingban.sctx").await;
    let (code, view) = post(base, &clerk, "ceremony", &[("task_id", "3")]).await?;
    let view: serde_json::Value = serde_json::from_str(&view).map_err(|e| format!("ceremony {code}: {e}"))?;
    let Some(manifest) = manifest else {
        if seed.is_some() || drawn_at.is_some() || selections + members + audit != 0 || status != "frozen" {
            return Err(format!("half drawn: {seen}"));
        }
        if view["live"]["step"] != 2 || view["live"]["entropy"] != ENTROPY || draft != ENTROPY {
            return Err(format!("the ceremony does not resume at step 2 with its entropy: {}", view["live"]));
        }
        return Ok(State::Absent);
    };
    let m: serde_json::Value = serde_json::from_str(&manifest).map_err(|e| format!("manifest: {e}"))?;
    let selected = m["selected"].as_array().map(Vec::len).unwrap_or(0) as i64;
    let team: i64 = m["selected"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["inspectors"].as_array().map_or(0, Vec::len) as i64)
        .sum();
    if seed.as_deref() != m["seed"].as_str()
        || drawn_at.is_none()
        || selections != selected
        || selected == 0
        || members != team
        || status != "drawn"
        || audit != 1
    {
        return Err(format!("half drawn: {seen}; the manifest selects {selected} with {team} inspectors"));
    }
    let file = dir.join("manifest.json");
    std::fs::write(&file, &manifest).unwrap();
    let (code, out) = run(&["verify", file.to_str().unwrap()]);
    if code != 0 || out.trim() != "valid" {
        return Err(format!("the stored manifest does not verify: {out}"));
    }
    // The room resumes: at the reveal (3) or beyond, with the stored seed, drawing nothing.
    let at = view["live"]["step"].as_i64().unwrap_or(-1);
    if !(2..=3).contains(&at) || view["live"]["seed"] != m["seed"] {
        return Err(format!("the ceremony resumes at step {at} with seed {}", view["live"]["seed"]));
    }
    let form = [("task_id", "3"), ("to", "3"), ("place", ""), ("entropy", "")];
    let (code, state) = post(base, &clerk, "ceremony_step", &form).await?;
    let state: serde_json::Value = serde_json::from_str(&state).unwrap_or_default();
    if code != 200 || state["step"] != 3 || state["seed"] != m["seed"] {
        return Err(format!("resuming the reveal: {code} {state}"));
    }
    if audits(db, "draw.run", "3").await != 1 {
        return Err("resuming drew again".into());
    }
    Ok(State::Done)
}

/// Published wholly (passed, dated, its audit entry, on the portal) or still pending and
/// not public.
async fn publish_state(db: &AnyPool, base: &str, code: &str) -> Result<State, String> {
    let (review, published, reviewed): (String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT r.review_status, r.published_at, r.reviewed_at FROM inspection_results r \
         JOIN draws d ON d.id = r.draw_id JOIN enterprises e ON e.id = r.enterprise_id \
         WHERE d.task_id = 1 AND e.credit_code = $1",
    )
    .bind(code)
    .fetch_one(db)
    .await
    .unwrap();
    let audit = audits(db, "result.publish", &format!("1:{code}")).await;
    let page =
        client().get(format!("{base}/public/tasks/1/results")).send().await.map_err(|e| e.to_string())?;
    let public = page.text().await.unwrap_or_default().contains(code);
    let seen = format!("review {review}, published {published:?}, reviewed {reviewed:?}, {audit} audit entries, public {public}");
    match (review.as_str(), &published) {
        ("pending", None) if audit == 0 && reviewed.is_none() && !public => Ok(State::Absent),
        ("passed", Some(at)) if audit == 1 && reviewed.as_ref() == Some(at) && public => Ok(State::Done),
        _ => Err(format!("half published: {seen}")),
    }
}

/// Imported wholly (every row and the audit entry) or not at all.
async fn import_state(db: &AnyPool, before: i64) -> Result<State, String> {
    let n = scalar(db, "SELECT count(*) FROM enterprises").await;
    let audit = scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'registry.import'").await;
    let deferred = if app::ssr::db::Backend::of_pool(db).is_postgres() {
        0
    } else {
        scalar(db, "SELECT count(*) FROM enterprise_names_deferred").await
    };
    match (n - before, audit, deferred) {
        (0, 0, 0) => Ok(State::Absent),
        (d, 1, 0) if d == import_rows() as i64 => Ok(State::Done),
        (d, a, f) => Err(format!(
            "half imported: {d} of {} rows, {a} audit entries, {f} deferred name rows",
            import_rows()
        )),
    }
}

/// No backup file, or one that opens with a whole audit chain as long as the database's.
async fn backup_state(file: &Path, db: &AnyPool) -> Result<State, String> {
    if !file.exists() {
        return Ok(State::Absent);
    }
    let entries = scalar(db, "SELECT count(*) FROM audit_log").await;
    let (code, out) = run(&["audit", "verify", "--db", &format!("sqlite://{}", file.display())]);
    if code == 0 && out.contains(&format!("whole: {entries} entries")) {
        Ok(State::Done)
    } else {
        Err(format!(
            "a backup file is left that is not a whole backup ({} bytes): exit {code}: {}",
            std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
            out.trim()
        ))
    }
}

/// copy-db: the new database empty, or holding the file's whole chain and rows.
async fn copy_state(db: &AnyPool, source: &(i64, String)) -> Result<State, String> {
    let rows = scalar(db, "SELECT count(*) FROM audit_log").await;
    let tasks = scalar(db, "SELECT count(*) FROM tasks").await;
    let enterprises = scalar(db, "SELECT count(*) FROM enterprises").await;
    if rows + tasks + enterprises == 0 {
        return Ok(State::Absent);
    }
    match app::ssr::db::audit::verify_chain(db).await {
        Ok(app::ssr::db::audit::ChainReport::Whole { entries, head })
            if (entries, &head) == (source.0, &source.1) && tasks > 0 && enterprises > 0 =>
        {
            Ok(State::Done)
        }
        other => Err(format!(
            "half copied: {rows} audit rows, {tasks} tasks, {enterprises} enterprises, chain {other:?}"
        )),
    }
}

/// Kills the kind's operation [`kills`] times and prints its figures; fails on any
/// inconsistency.
async fn crash_kind(kind: Kind) {
    let began = Instant::now();
    let seed = std::env::var("SHUANGSUI_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    let mut rng = SplitMix64::new(seed ^ kind as u64);
    let world = World::prepare(kind).await;
    // Measured unkilled on a copy, and checked like the others.
    let url = world.copy().await;
    let span = world.attempt(&url, None).await.unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
    assert_eq!(world.check(&url, true).await, Ok(State::Done), "{} unkilled", kind.name());
    world.drop_copy(&url).await;
    let (mut done, mut absent, mut named, mut bad) = (0, 0, 0, Vec::new());
    let points = kind.points();
    let n = kills();
    for i in 0..n {
        let kill = if i % 2 == 0 {
            named += 1;
            Kill::At(points[(i / 2) % points.len()])
        } else {
            let max = span.as_micros() as u64 * 12 / 10;
            Kill::After(Duration::from_micros(rng.below(max.max(1))))
        };
        let url = world.copy().await;
        // The import is done again after its first three kills and its last (each takes as
        // long as the import); every kill is checked whole.
        let redo = kind != Kind::Import || i < 3 || i + 1 == n;
        let outcome = match world.attempt(&url, Some(kill)).await {
            Ok(_) => world.check(&url, redo).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(State::Done) => done += 1,
            Ok(State::Absent) => absent += 1,
            Err(e) => bad.push(format!("kill {i} ({kill:?}): {e}")),
        }
        world.drop_copy(&url).await;
    }
    if test_backend_is_postgres() {
        let name = world.template.rsplit_once('/').unwrap().1.to_string();
        let _ = pg_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    }
    let backend = if test_backend_is_postgres() { "postgres" } else { "sqlite" };
    println!(
        "| crash | {backend} | {} | {n} kills ({named} named, {} random over {:.0} ms) | done {done} | absent {absent} | inconsistent {} | {:.0} s | seed {seed} |",
        kind.name(),
        n - named,
        span.as_secs_f64() * 1200.0,
        bad.len(),
        began.elapsed().as_secs_f64()
    );
    assert!(bad.is_empty(), "{}: {} inconsistent of {n}:\n{}", kind.name(), bad.len(), bad.join("\n"));
}

#[tokio::test]
async fn crash_a_freeze() {
    crash_kind(Kind::Freeze).await;
}

#[tokio::test]
async fn crash_a_draw_in_the_ceremony() {
    crash_kind(Kind::Draw).await;
}

#[tokio::test]
async fn crash_a_registry_import() {
    crash_kind(Kind::Import).await;
}

#[tokio::test]
async fn crash_a_publication() {
    crash_kind(Kind::Publish).await;
}

#[tokio::test]
async fn crash_a_backup() {
    crash_kind(Kind::Backup).await;
}
