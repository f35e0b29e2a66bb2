//! `shuangsui serve`: startup and the HTTP router.

use crate::config::ServeArgs;
use app::ssr::state::AppState;
use app::{shell, App};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::process::ExitCode;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Opens the database, loads demo data when empty, binds and serves until Ctrl-C.
pub async fn run(args: ServeArgs) -> ExitCode {
    match start(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A server ready to run: its bound listener, its address and its router.
pub struct Prepared {
    pub listener: tokio::net::TcpListener,
    pub addr: std::net::SocketAddr,
    pub app: Router,
    pub state: AppState,
}

async fn start(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let Prepared { listener, addr, app, .. } = prepare(&args).await?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{addr}");
    tracing::info!("listening on http://{addr}");
    crate::http::serve(listener, app, limits(&args), shutdown_signal()).await?;
    Ok(())
}

/// The connection limits `args` ask for.
pub fn limits(args: &ServeArgs) -> crate::http::Limits {
    crate::http::Limits {
        max_connections: args.max_connections,
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        ..Default::default()
    }
}

/// Opens and migrates the database, loads the demo data into an empty one, and binds.
pub async fn prepare(args: &ServeArgs) -> Result<Prepared, Box<dyn std::error::Error>> {
    let shown = app::ssr::db::redacted(&args.db);
    let db =
        app::ssr::db::connect(&args.db).await.map_err(|e| format!("cannot open database {shown}: {e}"))?;
    if !args.no_demo && app::ssr::seed::demo::seed_if_empty(&db).await? {
        tracing::info!("loaded the demo data into {shown}");
    }
    let salted = app::ssr::db::draws::fill_missing_salts(&db).await?;
    if salted > 0 {
        tracing::info!("gave {salted} earlier stratified draws their stratum salts");
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let addr = listener.local_addr()?;
    let leptos_options = LeptosOptions::builder()
        .output_name("shuangsui")
        .site_root(args.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let settings = app::ssr::net::settings::Settings::new(&args.site_url, &args.trusted_proxies, addr)?;
    let state = AppState {
        leptos_options,
        db,
        live: Default::default(),
        results: Default::default(),
        settings: std::sync::Arc::new(settings),
    };
    Ok(Prepared { listener, addr, app: router(state.clone()), state })
}

/// The Leptos page routes, worked out once per process.
///
/// Working them out renders the app with resource loading suppressed by a process-wide
/// flag (leptos_router's `generate_route_list`, leptos issue #4773): a resource that a
/// page render in the same process first polls meanwhile waits for ever, so its response
/// never ends. One server per process never meets this, but the integration tests start
/// a server per test in one process, and a test rendering a page while another started
/// its server hung (the CI run of 2026-11-27). Every later router reuses the first list.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The application's routes: static assets, server functions and pages.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let site_root = state.leptos_options.site_root.to_string();
    let options = state.leptos_options.clone();
    // Built assets change name only when rebuilt; allow a short cache and revalidation.
    let assets = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(format!("{site_root}/pkg")).precompressed_br().precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300, must-revalidate"),
        ))
        .layer(axum::middleware::from_fn(versioned_assets));
    Router::new()
        .merge(app::portal::router(&site_root))
        .route("/plans/{year}/export.xlsx", get(plan_export))
        .route("/api/public/tasks/{id}/live", get(app::ssr::live::events))
        .route("/registry/export/{file}", get(registry_export))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .layer(axum::middleware::from_fn(app::portal::front_door))
        // Sessions and the cross-site check for everything but the static assets.
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::ssr::auth::session_layer))
        .layer(axum::middleware::from_fn(error_status))
        .layer(axum::middleware::from_fn(body_limit))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .merge(assets)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::ssr::net::headers::security_headers))
        .layer(CompressionLayer::new())
        .with_state(state)
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

/// The largest request body each address takes: the registry import its upload limit (and
/// the multipart framing), the plan import a 512 KB sheet sent as a JSON array of bytes,
/// everything else a form or a JSON object.
fn body_limit_of(path: &str) -> usize {
    match path {
        // Twice the upload limit: the import reads up to its limit and refuses a larger file
        // with its own message (naming the size); the body limit only stops the absurd.
        "/api/registry/import" => 2 * app::domain::registry::WEB_IMPORT_MAX_BYTES,
        "/api/import_plan" => 4 * app::api::plans::MAX_SHEET_BYTES + (64 << 10),
        _ => 1 << 20,
    }
}

/// Refuses a body larger than [`body_limit_of`] its address with 413: at once when its
/// `Content-Length` says so, or as soon as a chunked body passes the limit.
async fn body_limit(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let limit = body_limit_of(req.uri().path());
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

/// Server functions answer every error with 500; this gives an [`app::error::AppError`]
/// its own status (401, 403, 404, 409, 429, 400), so clients and logs can tell a refusal
/// from a failure.
async fn error_status(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    if !is_api || resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 16).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "系统内部错误").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
