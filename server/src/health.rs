//! What a load balancer and a monitoring system ask: `/healthz` (the process answers),
//! `/readyz` (it can serve: the database answers, every migration is applied, the audit
//! chain's head reads, and it is not stopping) and `/metrics` (Prometheus, on a listener of
//! its own, loopback by default).

use crate::metrics::{help, Metrics};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use sqlx::migrate::Migrate;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a readiness or metrics check waits for the database.
const DB_WAIT: Duration = Duration::from_secs(2);

/// What the operational endpoints look at.
pub struct Ops {
    pub db: sqlx::AnyPool,
    pub live: app::ssr::live::Hub,
    pub metrics: Arc<Metrics>,
    /// Set when the server begins to stop: `/readyz` then says so, so the balancer moves on.
    pub draining: AtomicBool,
    /// The SQLite file the server opened, to notice it removed or replaced underneath.
    pub sqlite_file: Option<FileId>,
    /// When the process started (seconds since the epoch).
    pub started: f64,
}

/// A file by its path and identity (device and inode) when it was opened.
#[derive(Clone, Debug)]
pub struct FileId {
    pub path: std::path::PathBuf,
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The file at `path` as it is now.
    pub fn of(path: &std::path::Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Self { path: path.to_path_buf(), dev: m.dev(), ino: m.ino() })
    }
}

impl Ops {
    /// The operational state of a server on `db`.
    pub fn new(db: sqlx::AnyPool, live: app::ssr::live::Hub, metrics: Arc<Metrics>) -> Self {
        let sqlite_file = match app::ssr::db::Backend::of_pool(&db) {
            app::ssr::db::Backend::Sqlite => {
                let options = db.connect_options();
                sqlite_path(options.database_url.as_str()).and_then(|p| FileId::of(&p))
            }
            app::ssr::db::Backend::Postgres => None,
        };
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        Self { db, live, metrics, draining: AtomicBool::new(false), sqlite_file, started }
    }
}

/// The file of a `sqlite:` URL (none for an in-memory database).
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    use std::str::FromStr;
    if url.contains(":memory:") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// `GET /healthz`, for the site's own router.
pub fn healthz_route() -> MethodRouter {
    get(healthz)
}

/// `GET /readyz` on `ops`, for the site's own router.
pub fn readyz_route(ops: Arc<Ops>) -> MethodRouter {
    get(readyz).with_state(ops)
}

/// `/metrics` with the probes, for the metrics listener.
pub fn metrics_router(ops: Arc<Ops>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(ops)
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// `GET /healthz`: 200 while the process answers at all.
async fn healthz() -> Response {
    text(StatusCode::OK, "ok\n".into())
}

/// `GET /readyz`: 200 with one line per check when every check passes, else 503 naming
/// the one that failed.
async fn readyz(State(ops): State<Arc<Ops>>) -> Response {
    let mut out = String::new();
    let mut ready = !ops.draining.load(Ordering::Relaxed);
    if !ready {
        out.push_str("stopping: finishing the requests in flight\n");
    }
    let checks = match tokio::time::timeout(DB_WAIT * 2, checks(&ops)).await {
        Ok(checks) => checks,
        Err(_) => vec![("database", Err(format!("no answer within {:?}", DB_WAIT * 2)))],
    };
    for (name, result) in checks {
        match result {
            Ok(fine) => {
                let _ = writeln!(out, "{name}: {fine}");
            }
            Err(why) => {
                ready = false;
                let _ = writeln!(out, "{name}: FAILED: {why}");
            }
        }
    }
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    if !ready {
        tracing::warn!("not ready: {}", out.trim().replace('\n', "; "));
    }
    text(status, out)
}

type Check = (&'static str, Result<String, String>);

/// The readiness checks in order; the first failure ends the list.
async fn checks(ops: &Ops) -> Vec<Check> {
    let mut done = Vec::new();
    if let Some(file) = &ops.sqlite_file {
        let now = FileId::of(&file.path);
        let result = match now {
            None => Err(format!("{} is gone", file.path.display())),
            Some(now) if (now.dev, now.ino) != (file.dev, file.ino) => Err(format!(
                "{} was replaced after the server opened it; restart the server",
                file.path.display()
            )),
            Some(_) => Ok(file.path.display().to_string()),
        };
        let failed = result.is_err();
        done.push(("database file", result));
        if failed {
            return done;
        }
    }
    let mut conn = match tokio::time::timeout(DB_WAIT, ops.db.acquire()).await {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => {
            done.push(("database", Err(e.to_string())));
            return done;
        }
        Err(_) => {
            done.push(("database", Err(format!("no connection within {DB_WAIT:?}"))));
            return done;
        }
    };
    use sqlx::Connection;
    if let Err(e) = conn.ping().await {
        done.push(("database", Err(e.to_string())));
        return done;
    }
    let backend = if app::ssr::db::Backend::of_pool(&ops.db).is_postgres() { "PostgreSQL" } else { "SQLite" };
    done.push(("database", Ok(format!("{backend} answers"))));
    let migrations = migrations_applied(&mut conn).await;
    let failed = migrations.is_err();
    done.push(("migrations", migrations));
    if failed {
        return done;
    }
    drop(conn);
    done.push((
        "audit head",
        app::ssr::db::audit::head(&ops.db)
            .await
            .map(|(seq, hash)| format!("#{seq} {}", &hash[..hash.len().min(16)]))
            .map_err(|e| e.to_string()),
    ));
    done
}

/// Whether every migration this binary carries is applied, unchanged and finished.
async fn migrations_applied(conn: &mut sqlx::AnyConnection) -> Result<String, String> {
    use app::ssr::db::{Backend, POSTGRES_MIGRATOR, SQLITE_MIGRATOR};
    let migrator = if Backend::of(conn).is_postgres() { &POSTGRES_MIGRATOR } else { &SQLITE_MIGRATOR };
    if let Some(v) = conn.dirty_version().await.map_err(|e| e.to_string())? {
        return Err(format!("migration {v} did not finish"));
    }
    let applied = conn.list_applied_migrations().await.map_err(|e| e.to_string())?;
    let wanted: Vec<_> = migrator.iter().filter(|m| m.migration_type.is_up_migration()).collect();
    for m in &wanted {
        match applied.iter().find(|a| a.version == m.version) {
            None => return Err(format!("{} ({}) is not applied", m.version, m.description)),
            Some(a) if a.checksum != m.checksum => {
                return Err(format!("{} ({}) differs from the one applied", m.version, m.description))
            }
            Some(_) => {}
        }
    }
    Ok(format!("{} of {} applied", wanted.len(), wanted.len()))
}

/// `GET /metrics`: the Prometheus text format.
async fn metrics(State(ops): State<Arc<Ops>>) -> Response {
    let mut out = String::new();
    help(&mut out, "shuangsui_build_info", "gauge", "The running binary's version and commit.");
    let _ = writeln!(
        out,
        "shuangsui_build_info{{version=\"{}\",commit=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        env!("SHUANGSUI_COMMIT")
    );
    help(
        &mut out,
        "shuangsui_start_time_seconds",
        "gauge",
        "When the process started, in seconds since 1970.",
    );
    let _ = writeln!(out, "shuangsui_start_time_seconds {}", ops.started);
    ops.metrics.render_requests(&mut out);
    help(&mut out, "shuangsui_live_followers", "gauge", "Live ceremony streams open now.");
    let _ = writeln!(out, "shuangsui_live_followers {}", ops.live.followers());
    let (size, idle) = (ops.db.size() as usize, ops.db.num_idle());
    help(&mut out, "shuangsui_db_pool_connections", "gauge", "Database connections held, in use or idle.");
    let _ = writeln!(out, "shuangsui_db_pool_connections{{state=\"in_use\"}} {}", size.saturating_sub(idle));
    let _ = writeln!(out, "shuangsui_db_pool_connections{{state=\"idle\"}} {idle}");
    help(&mut out, "shuangsui_db_pool_max_connections", "gauge", "The most connections the pool opens.");
    let _ = writeln!(out, "shuangsui_db_pool_max_connections {}", ops.db.options().get_max_connections());
    let attempts = tokio::time::timeout(DB_WAIT, app::ssr::db::metrics::draw_attempts(&ops.db)).await;
    help(&mut out, "shuangsui_database_up", "gauge", "Whether the database answered this scrape.");
    match attempts {
        Ok(Ok(rows)) => {
            let _ = writeln!(out, "shuangsui_database_up 1");
            help(
                &mut out,
                "shuangsui_draw_attempts_total",
                "counter",
                "Attempts to freeze a pool or to draw, done or refused, as the database records them (the same on every server).",
            );
            for action in ["freeze", "draw"] {
                for outcome in ["done", "refused"] {
                    let n = rows.iter().find(|(a, o, _)| a == action && o == outcome).map_or(0, |r| r.2);
                    let _ = writeln!(
                        out,
                        "shuangsui_draw_attempts_total{{action=\"{action}\",outcome=\"{outcome}\"}} {n}"
                    );
                }
            }
        }
        Ok(Err(e)) => {
            tracing::warn!("metrics: the database did not answer: {e}");
            let _ = writeln!(out, "shuangsui_database_up 0");
        }
        Err(_) => {
            let _ = writeln!(out, "shuangsui_database_up 0");
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response()
}
