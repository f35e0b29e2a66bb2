//! `shuangsui serve`: startup, the HTTP router, and stopping cleanly.

use crate::config::Config;
use crate::health::Ops;
use crate::metrics::Metrics;
use crate::site::Site;
use app::ssr::net::routes::Routes;
use app::ssr::state::AppState;
use app::App;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::process::ExitCode;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Opens the database, loads demo data when empty, binds and serves until SIGTERM or
/// Ctrl-C, then drains.
pub async fn run(config: Config) -> ExitCode {
    match start(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A server ready to run: its bound listener, its address, its router and what its
/// operational endpoints read.
pub struct Prepared {
    pub listener: tokio::net::TcpListener,
    pub addr: std::net::SocketAddr,
    pub app: Router,
    pub state: AppState,
    pub ops: Arc<Ops>,
}

async fn start(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let Prepared { listener, addr, app, state, ops } = prepare(&config).await?;
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    if config.metrics_addr != "off" {
        let metrics = tokio::net::TcpListener::bind(&config.metrics_addr)
            .await
            .map_err(|e| format!("metrics_addr: cannot listen on {}: {e}", config.metrics_addr))?;
        let metrics_at = metrics.local_addr()?;
        // Tests and scripts read this line to find the metrics port.
        println!("metrics on http://{metrics_at}/metrics");
        tracing::info!("metrics on http://{metrics_at}/metrics");
        let mut stopped = stopped.clone();
        let limits = crate::http::Limits { max_connections: 64, ..limits(&config) };
        tokio::spawn(crate::http::serve(
            metrics,
            crate::health::metrics_router(ops.clone()),
            limits,
            async move {
                let _ = stopped.wait_for(|&s| s).await;
            },
        ));
    }
    // Tests and scripts read this line to find the port.
    println!("listening on http://{addr}");
    tracing::info!("listening on http://{addr}: shuangsui {}", crate::VERSION);
    let shutdown = {
        let (ops, live) = (ops.clone(), state.live.clone());
        async move {
            let signal = shutdown_signal().await;
            tracing::info!(
                "{signal}: stopping; requests in flight get up to {}s, live streams end now",
                config.drain_timeout
            );
            ops.draining.store(true, std::sync::atomic::Ordering::Relaxed);
            live.close();
            stopping.send_replace(true);
            // A second signal does not wait for the drain.
            tokio::spawn(async {
                let signal = shutdown_signal().await;
                tracing::warn!("{signal} again: exiting without waiting");
                std::process::exit(1);
            });
        }
    };
    crate::http::serve(listener, app, limits(&config), shutdown).await?;
    // Every connection is back, or the drain gave up on it; what a cut request had written
    // was one transaction, rolled back whole.
    if tokio::time::timeout(std::time::Duration::from_secs(2), state.db.close()).await.is_err() {
        tracing::warn!("stopping: database connections still busy; closing anyway");
    }
    tracing::info!("stopped");
    Ok(())
}

/// The connection limits `config` asks for.
pub fn limits(config: &Config) -> crate::http::Limits {
    crate::http::Limits {
        max_connections: config.max_connections,
        header_timeout: std::time::Duration::from_secs(config.header_timeout.max(1)),
        drain_timeout: std::time::Duration::from_secs(config.drain_timeout),
    }
}

/// Opens and migrates the database, loads the demo data into an empty one, and binds.
pub async fn prepare(config: &Config) -> Result<Prepared, Box<dyn std::error::Error>> {
    let shown = app::ssr::db::redacted(&config.db);
    let db =
        app::ssr::db::connect(&config.db).await.map_err(|e| format!("cannot open database {shown}: {e}"))?;
    if !config.no_demo && app::ssr::seed::demo::seed_if_empty(&db).await? {
        tracing::info!("loaded the demo data into {shown}");
    }
    let salted = app::ssr::db::draws::fill_missing_salts(&db).await?;
    if salted > 0 {
        tracing::info!("gave {salted} earlier stratified draws their stratum salts");
    }
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .map_err(|e| format!("addr: cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    let site = Site::at(&config.site_root);
    tracing::info!("{}", site.describe());
    let leptos_options = LeptosOptions::builder()
        .output_name("shuangsui")
        .site_root(if config.site_root.is_empty() { "target/site" } else { config.site_root.as_str() })
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let settings = app::ssr::net::settings::Settings::new(&config.site_url, &config.trusted_proxies, addr)?;
    let policy = app::ssr::state::Policy {
        session_idle_secs: config.session_idle as i64,
        session_absolute_secs: config.session_absolute as i64,
        registry_import_max_bytes: config.registry_import_max,
    };
    app::portal::views::set_publisher(&config.bureau_name, &config.region);
    let state = AppState {
        leptos_options,
        db,
        live: Default::default(),
        results: Default::default(),
        settings: Arc::new(settings),
        policy: Arc::new(policy),
    };
    let metrics = Arc::new(Metrics::default());
    let ops = Arc::new(Ops::new(state.db.clone(), state.live.clone(), metrics.clone()));
    let app = router(state.clone(), &site, &ops);
    Ok(Prepared { listener, addr, app, state, ops })
}

/// The Leptos page routes, worked out once per process.
///
/// Working them out renders the app with resource loading suppressed by a process-wide
/// flag (leptos_router's `generate_route_list`, leptos issue #4773): a resource that a
/// page render in the same process first polls meanwhile waits for ever, so its response
/// never ends. One server per process never meets this, but the integration tests start
/// a server per test in one process, and a test rendering a page while another started
/// its server hung (the CI run of 2026-11-27). Every later router reuses the first list.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The plain axum routes behind the session layer: the portal, the on-site pages, the
/// downloads and the ceremony's live stream, registered and listed by the same code.
pub fn plain_routes(verifier: Option<&[u8]>) -> Routes {
    Routes::new()
        .merge(app::portal::routes(verifier))
        .merge(app::onsite::routes())
        .get("/plans/{year}/export.xlsx", plan_export)
        .get("/plans/{year}/results/{file}", results_export_year)
        .get("/tasks/{id}/results/{file}", results_export_task)
        .get("/api/public/tasks/{id}/live", app::ssr::live::events)
        .get("/registry/export/{file}", registry_export)
        .get("/stats/{file}", crate::commands::stats::download)
}

/// The operator's probes, outside the session layer.
pub fn probe_routes(ops: &Arc<Ops>) -> Routes {
    Routes::new().method(Method::GET, "/healthz", crate::health::healthz_route().with_state(())).method(
        Method::GET,
        "/readyz",
        crate::health::readyz_route(ops.clone()).with_state(()),
    )
}

/// Every endpoint the router answers, as (method, path as registered: `/tasks/{id}`):
/// the server functions, the Leptos pages, the plain routes, the probes and the assets.
/// The access test checks each against its rule in `app::domain::endpoints`.
pub fn endpoints(ops: &Arc<Ops>) -> Vec<(Method, String)> {
    let mut all: Vec<(Method, String)> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (method, path.to_string())).collect();
    for route in route_list() {
        for method in route.methods() {
            let name = format!("{method:?}").to_uppercase();
            all.push((Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET), route.path().to_string()));
        }
    }
    for routes in [plain_routes(None), probe_routes(ops)] {
        all.extend(routes.listed().iter().map(|(m, p)| (m.clone(), p.to_string())));
    }
    all.push((Method::GET, crate::site::PKG_PATH.to_string()));
    all.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
    all.dedup();
    all
}

/// The application's routes: static assets, server functions, pages, and the probes
/// (`/healthz`, `/readyz`), every request counted in `ops`' metrics.
pub fn router(state: AppState, site: &Site, ops: &Arc<Ops>) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    // Built assets change name only when rebuilt; allow a short cache and revalidation.
    let assets = site
        .pkg_routes()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300, must-revalidate"),
        ))
        .layer(axum::middleware::from_fn(versioned_assets));
    let registry_max = state.policy.registry_import_max_bytes;
    let verifier = site.file("pkg/verifier.wasm");
    let pages = plain_routes(verifier.as_deref())
        .into_router()
        .leptos_routes(&state, routes, move || app::shell(options.clone()))
        .route_layer(axum::middleware::from_fn(declared_only))
        .layer(axum::middleware::from_fn(app::portal::front_door))
        // Sessions and the cross-site check for everything but the static assets.
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::ssr::auth::session_layer))
        .layer(axum::middleware::from_fn(error_status))
        .layer(axum::middleware::from_fn(multipart_only))
        .layer(axum::middleware::from_fn_with_state(registry_max, body_limit))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .merge(assets)
        .merge(probe_routes(ops).into_router())
        .route_layer(axum::middleware::from_fn(crate::metrics::mark_route));
    site.fallback(pages)
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::ssr::net::headers::security_headers))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(ops.metrics.clone(), crate::metrics::track))
        .with_state(state)
}

/// Refuses (403) a request to an endpoint without a rule in `app::domain::endpoints`: an
/// endpoint added without declaring who may call it is closed to everyone until it is
/// declared (and `tests/api/access.rs` fails meanwhile).
async fn declared_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = if req.method() == Method::HEAD { Method::GET } else { req.method().clone() };
    let undeclared = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|path| app::domain::endpoints::rule(method.as_str(), path.as_str()).is_none());
    if undeclared {
        tracing::error!("{} {}: no rule in app::domain::endpoints; refused", req.method(), req.uri().path());
        return (StatusCode::FORBIDDEN, "此地址尚未声明访问规则，暂不开放").into_response();
    }
    next.run(req).await
}

/// An asset asked for with its content hash (`?v=…`, as the portal asks for the
/// verifier) never changes at that address: cache it for a year.
async fn versioned_assets(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let versioned = req.uri().query().is_some_and(|q| q.split('&').any(|p| p.starts_with("v=")));
    let mut resp = next.run(req).await;
    if versioned && resp.status().is_success() {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    }
    resp
}

/// The annual plan as the founding document's table, as an .xlsx download; for signed-in
/// staff only (it is the template of the plan import).
async fn plan_export(
    State(state): State<AppState>,
    Path(year): Path<i32>,
    axum::Extension(user): axum::Extension<app::ssr::auth::CurrentUser>,
) -> Response {
    if let Some(refused) = unless_signed_in(&user) {
        return refused;
    }
    let plan = match app::ssr::db::plans::plan_of_year(&state.db, year).await {
        Ok(Some(plan)) => plan,
        Ok(None) => return (StatusCode::NOT_FOUND, format!("没有 {year} 年度的抽查计划")).into_response(),
        Err(e) => return app::error::AppError::internal(e).into_status_response(),
    };
    match app::ssr::files::plan_sheet::export_xlsx(&plan) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"plan-{year}.xlsx\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_status_response(),
    }
}

/// A year's published results in the GSXT layout (`results.csv` or `results.xlsx`), for
/// signed-in staff: the file the provincial system and GSXT read.
async fn results_export_year(
    State(state): State<AppState>,
    Path((year, file)): Path<(i32, String)>,
    axum::Extension(user): axum::Extension<app::ssr::auth::CurrentUser>,
) -> Response {
    results_export(&state, &user, Some(year), None, &file, &format!("results-{year}")).await
}

/// One task's published results, as [`results_export_year`].
async fn results_export_task(
    State(state): State<AppState>,
    Path((id, file)): Path<(i64, String)>,
    axum::Extension(user): axum::Extension<app::ssr::auth::CurrentUser>,
) -> Response {
    results_export(&state, &user, None, Some(id), &file, &format!("results-task-{id}")).await
}

async fn results_export(
    state: &AppState,
    user: &app::ssr::auth::CurrentUser,
    year: Option<i32>,
    task: Option<i64>,
    file: &str,
    stem: &str,
) -> Response {
    if let Some(refused) = unless_signed_in(user) {
        return refused;
    }
    let xlsx = match file {
        "results.xlsx" => true,
        "results.csv" => false,
        _ => {
            return (StatusCode::NOT_FOUND, "没有这个文件：可下载 results.csv 或 results.xlsx")
                .into_response()
        }
    };
    let rows = match app::ssr::db::exports::published_rows(&state.db, year, task).await {
        Ok(rows) => rows,
        Err(e) => return e.into_status_response(),
    };
    let template = app::domain::result_export::Template::gsxt();
    match app::ssr::files::results_export::render(&rows, &template, xlsx) {
        Ok(bytes) => {
            let (ext, mime) = if xlsx {
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            } else {
                ("csv", "text/csv; charset=utf-8")
            };
            (
                [
                    (header::CONTENT_TYPE, mime.to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.{ext}\"")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_status_response(),
    }
}

/// A registry table as the page filters it (`?q=…&region=…`), as `enterprises.xlsx`,
/// `inspectors.csv`, …; for signed-in staff whose role sees risk classes (the file is the
/// import's template and carries them; `domain::access`).
async fn registry_export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    axum::extract::Query(pairs): axum::extract::Query<Vec<(String, String)>>,
    axum::Extension(user): axum::Extension<app::ssr::auth::CurrentUser>,
) -> Response {
    use app::domain::registry::RegistryKind;
    use app::ssr::registry::import::{export, FileFormat};
    if let Some(refused) = unless_signed_in(&user) {
        return refused;
    }
    if user.0.as_ref().is_some_and(|u| !app::domain::access::sees_risk_classes(u.role)) {
        return (StatusCode::FORBIDDEN, "名录导出含信用风险分类，执法人员账号不能导出").into_response();
    }
    let (name, _) = file.rsplit_once('.').unwrap_or((&file, ""));
    let (Some(kind), Some(format)) = (RegistryKind::parse(name), FileFormat::from_name(&file)) else {
        return (StatusCode::NOT_FOUND, "应为 enterprises、inspectors 或 items 的 .csv 或 .xlsx")
            .into_response();
    };
    match export(&state.db, kind, format, &pairs).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, format.content_type().to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_status_response(),
    }
}

/// For a staff-only download: the 401 answer when nobody is signed in.
fn unless_signed_in(user: &app::ssr::auth::CurrentUser) -> Option<Response> {
    user.0.is_none().then(|| (StatusCode::UNAUTHORIZED, "请先登录").into_response())
}

/// A request body that stops arriving for this long is cut off (a slow-body attack holds
/// a connection as long as a half header would).
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The largest request body each address takes: the registry import its upload limit
/// (`registry_max`, and the multipart framing), the plan import a 512 KB sheet sent as a
/// JSON array of bytes, everything else a form or a JSON object.
fn body_limit_of(path: &str, registry_max: usize) -> usize {
    match path {
        // Twice the upload limit: the import reads up to its limit and refuses a larger file
        // with its own message (naming the size); the body limit only stops the absurd.
        "/api/registry/import" => 2 * registry_max,
        "/api/import_plan" => 4 * app::api::plans::MAX_SHEET_BYTES + (64 << 10),
        _ => 1 << 20,
    }
}

/// Refuses a body larger than [`body_limit_of`] its address with 413: at once when its
/// `Content-Length` says so, or as soon as a chunked body passes the limit.
async fn body_limit(
    State(registry_max): State<usize>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = if app::onsite::is_upload(req.method(), req.uri().path()) {
        app::domain::evidence::MAX_FORM_BYTES
    } else {
        body_limit_of(req.uri().path(), registry_max)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        (StatusCode::PAYLOAD_TOO_LARGE, format!("请求内容过大：此处最多接收 {} KB", limit / 1024))
            .into_response()
    };
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let exceeded = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = exceeded.clone();
    let req = req.map(move |body| {
        use futures_util::StreamExt as _;
        let mut seen = 0usize;
        axum::body::Body::from_stream(body.into_data_stream().map(move |chunk| {
            let chunk = chunk?;
            seen += chunk.len();
            if seen > limit {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(axum::Error::new("body over the limit"));
            }
            Ok(chunk)
        }))
    });
    let resp = next.run(req).await;
    if exceeded.load(std::sync::atomic::Ordering::Relaxed) {
        return too_large();
    }
    resp
}

/// A multipart server function sent anything but a multipart form: 400 in words, before
/// the codec (which panics on a content type without a boundary) sees it.
async fn multipart_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if req.method() == axum::http::Method::POST && app::api::MULTIPART_ENDPOINTS.contains(&req.uri().path()) {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if !app::ssr::registry::import::is_multipart(content_type) {
            let error = app::error::AppError::invalid(
                "文件",
                "上传的表单无法读取：应以 multipart/form-data 提交（请在导入页面选择文件上传）",
            );
            return error.into_status_response();
        }
    }
    next.run(req).await
}

/// Server functions answer every error with 500; this gives an [`app::error::AppError`]
/// its own status (401, 403, 404, 409, 429, 400, 503 with `Retry-After`), so clients and
/// logs can tell a refusal from a failure.
async fn error_status(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let mut resp = if is_api && resp.status() == StatusCode::INTERNAL_SERVER_ERROR {
        let (mut parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 1 << 16).await else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "系统内部错误").into_response();
        };
        if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
            parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        }
        Response::from_parts(parts, axum::body::Body::from(bytes))
    } else {
        resp
    };
    if resp.status() == StatusCode::SERVICE_UNAVAILABLE {
        // Busy (a long import holds the write lock, every connection is taken, password
        // checks are full), on a form or a page: try again shortly; nothing was written.
        resp.headers_mut()
            .entry(axum::http::header::RETRY_AFTER)
            .or_insert(axum::http::HeaderValue::from_static("2"));
    }
    resp
}

/// Waits for SIGTERM (systemd, a container runtime) or Ctrl-C; returns which came.
async fn shutdown_signal() -> &'static str {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM ({e}); Ctrl-C still stops the server");
            let _ = tokio::signal::ctrl_c().await;
            return "Ctrl-C";
        }
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = tokio::signal::ctrl_c() => "Ctrl-C",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    #[tokio::test]
    async fn an_endpoint_without_a_rule_is_closed() {
        let router: Router = Router::new()
            .route("/public", axum::routing::get(|| async { "portal" }))
            .route("/undeclared", axum::routing::get(|| async { "secret" }))
            .route_layer(axum::middleware::from_fn(declared_only));
        let call = |path: &str, method: Method| {
            let req = axum::http::Request::builder().method(method).uri(path).body(axum::body::Body::empty());
            router.clone().oneshot(req.unwrap())
        };
        assert_eq!(call("/public", Method::GET).await.unwrap().status(), StatusCode::OK);
        assert_eq!(call("/public", Method::HEAD).await.unwrap().status(), StatusCode::OK);
        assert_eq!(call("/undeclared", Method::GET).await.unwrap().status(), StatusCode::FORBIDDEN);
    }
}
