//! 一公开 — the public disclosure portal under `/public`: server-rendered pages that need
//! no sign-in and no WASM, open data under `/public/data`, and the draw page's verifier
//! (the `verifier` crate's WASM, fetched only when its button is pressed).
//!
//! Everything shown comes from [`data`], which returns only published things; risk
//! classes appear only as stratum counts and digests, never beside an enterprise.

pub mod data;
pub mod open_data;
pub mod search;
pub mod views;

use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::net::routes::Routes;
use crate::ssr::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::sync::OnceLock;

/// How long browsers and proxies may reuse a portal page or data file (seconds).
const PAGE_MAX_AGE: &str = "public, max-age=60";

/// Results shown per search.
pub const SEARCH_LIMIT: i64 = 50;

/// The portal's routes (pages, open data, the public manifest download).
/// `verifier_wasm` is the built verifier (`pkg/verifier.wasm`, embedded in the binary or read
/// from the site directory), whose hash goes into its address.
pub fn routes(verifier_wasm: Option<&[u8]>) -> Routes {
    set_verifier(verifier_wasm);
    Routes::new()
        .get("/public", home)
        .get("/public/plans", latest_plan)
        .get("/public/plans/{year}", plan)
        .get("/public/tasks/{id}/draw", draw)
        .get("/public/draws/{id}", draw_by_id)
        .get("/public/tasks/{id}/results", task_results)
        .get("/public/results", search)
        .get("/public/enterprises/{code}", enterprise)
        .get("/public/verify", verify)
        .get("/public/verify/guide", verify_guide)
        .get("/public/verify/dr1_verify.py", verify_script)
        .get("/public/penalties", penalties)
        .get("/live/{task_id}", live)
        .get("/api/public/draws/{id}/manifest.json", manifest)
        .merge(open_data::routes())
}

/// The verifier's address with its content hash, so it can be cached for a year:
/// `/pkg/verifier.wasm?v=<first 16 hex of its SHA-256>`.
pub fn verifier_url() -> &'static str {
    VERIFIER_URL.get().map_or("/pkg/verifier.wasm", String::as_str)
}

static VERIFIER_URL: OnceLock<String> = OnceLock::new();

/// Works out [`verifier_url`] from the verifier's bytes, once per process.
fn set_verifier(wasm: Option<&[u8]>) {
    VERIFIER_URL.get_or_init(|| {
        use sha2::{Digest, Sha256};
        match wasm {
            Some(bytes) => format!("/pkg/verifier.wasm?v={}", &hex::encode(Sha256::digest(bytes))[..16]),
            None => {
                tracing::warn!("no pkg/verifier.wasm in the site; the draw page's verify button will not work (run scripts/build-verifier.sh)");
                "/pkg/verifier.wasm".to_string()
            }
        }
    });
}

/// An HTML page with the portal's cache policy and a Content-Security-Policy that lets
/// only the portal's own inline scripts run.
pub fn html(body: String) -> Response {
    static CSP: OnceLock<HeaderValue> = OnceLock::new();
    let csp = CSP.get_or_init(|| {
        HeaderValue::from_str(&crate::ssr::net::headers::csp(None, views::script_hashes()))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
    });
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static(PAGE_MAX_AGE)),
            (header::CONTENT_SECURITY_POLICY, csp.clone()),
        ],
        body,
    )
        .into_response()
}

/// An error as a portal page with its status.
pub fn error_page(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!("portal: {e}");
    }
    let mut resp = html(views::error_page(status.as_u16(), &e.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn respond(result: Result<String, AppError>) -> Response {
    match result {
        Ok(body) => html(body),
        Err(e) => error_page(e),
    }
}

async fn home(State(state): State<AppState>) -> Response {
    respond(
        async {
            let db = &state.db;
            let plan = match data::plan_years(db).await?.first() {
                Some(&year) => data::plan(db, year).await?,
                None => None,
            };
            let upcoming = data::upcoming(db).await?;
            let draws = data::recent_draws(db, 5).await?;
            let results = state.results.snapshot(db).await?.newest(5);
            Ok(views::home(plan.as_ref(), &upcoming, &draws, &results))
        }
        .await,
    )
}

async fn latest_plan(State(state): State<AppState>) -> Response {
    match data::plan_years(&state.db).await {
        Ok(years) => match years.first() {
            Some(y) => Redirect::to(&format!("/public/plans/{y}")).into_response(),
            None => error_page(AppError::NotFound("尚无公开的抽查计划".into())),
        },
        Err(e) => error_page(e),
    }
}

async fn plan(State(state): State<AppState>, Path(year): Path<i32>) -> Response {
    respond(
        async {
            let plan = data::plan(&state.db, year)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有 {year} 年度的公开抽查计划")))?;
            let figures = data::year_figures(&state.db, year).await?;
            Ok(views::plan_page(&plan, &data::plan_years(&state.db).await?, &figures))
        }
        .await,
    )
}

async fn draw(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    respond(
        async {
            let task = data::task(&state.db, id).await?;
            let draw = data::draw(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("任务“{}”尚未冻结抽取名录", task.task_name)))?;
            Ok(views::draw_page(&task, &draw, verifier_url()))
        }
        .await,
    )
}

/// One draw by its id, live or abandoned (an abandoned draw stays public, marked as such).
async fn draw_by_id(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    respond(
        async {
            let draw = data::draw_by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号公开抽取")))?;
            let task = data::task(&state.db, draw.task_id).await?;
            Ok(views::draw_page(&task, &draw, verifier_url()))
        }
        .await,
    )
}

async fn task_results(State(state): State<AppState>, Path(id): Path<i64>) -> Response {
    respond(
        async {
            let task = data::task(&state.db, id).await?;
            // Results are published enterprise by enterprise from the start of inspection.
            if !data::results_phase(task.status) {
                return Err(AppError::NotFound(format!("任务“{}”的抽查结果尚未公示", task.task_name)));
            }
            let results = state.results.snapshot(&state.db).await?.of_task(id);
            let cal = crate::ssr::db::calendar::calendar(&state.db).await?;
            let window = task.effective_window();
            let due = crate::ssr::db::calendar::deadline(&cal, window.year, window.end_month);
            Ok(views::task_results_page(&task, &results, due.as_deref()))
        }
        .await,
    )
}

#[derive(serde::Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(State(state): State<AppState>, Query(query): Query<SearchQuery>) -> Response {
    let q: String = query.q.chars().take(100).collect();
    respond(
        async {
            let results = state.results.snapshot(&state.db).await?.search(&q, SEARCH_LIMIT as usize);
            // A credit code with nothing published yet: its enterprise's page, if it was drawn
            // from or drawn in a public draw, says so.
            let drawn = match crate::domain::credit_code::CreditCode::parse(&q.trim().to_ascii_uppercase()) {
                Ok(code) if results.is_empty() => {
                    data::enterprise(&state.db, code.as_str(), Vec::new()).await?
                }
                _ => None,
            };
            let drawn = drawn.as_ref().map(|r| (r.code.as_str(), r.name.as_str()));
            Ok(views::results_page(&q, &results, SEARCH_LIMIT as usize, drawn))
        }
        .await,
    )
}

async fn enterprise(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    respond(
        async {
            let published =
                state.results.snapshot(&state.db).await?.of_code(&code.trim().to_ascii_uppercase());
            let record = data::enterprise(&state.db, &code, published)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("代码为 {code} 的企业没有参与过已公开的抽取。")))?;
            Ok(views::enterprise_page(&record))
        }
        .await,
    )
}

async fn live(State(state): State<AppState>, Path(task_id): Path<i64>) -> Response {
    respond(
        async {
            let s = crate::ssr::db::ceremony::live_state(&state.db, task_id)
                .await?
                .ok_or_else(|| AppError::NotFound("该任务尚未冻结名录，没有抽取现场".into()))?;
            Ok(views::live_page(&s.public()))
        }
        .await,
    )
}

/// 行政处罚信息公示: the penalties inside their publication period.
async fn penalties(State(state): State<AppState>) -> Response {
    respond(
        async {
            let list = crate::ssr::db::penalties::public(&state.db).await?;
            Ok(views::penalties_page(&list))
        }
        .await,
    )
}

async fn verify() -> Response {
    html(views::verify_page(verifier_url()))
}

/// The verification guide (`docs/verify.md`) as a page.
async fn verify_guide() -> Response {
    html(views::guide_page())
}

/// The stand-alone Python verifier (`docs/dr1_verify.py`), as text a phone can show and
/// a computer saves.
async fn verify_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"dr1_verify.py\"")),
            (header::CACHE_CONTROL, HeaderValue::from_static(PAGE_MAX_AGE)),
        ],
        views::VERIFY_PY,
    )
        .into_response()
}

/// The site's front door: the staff's plan page for a signed-in user, the public portal
/// for anyone else (instead of a sign-in prompt). Runs inside the session layer.
pub async fn front_door(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let anonymous = req.extensions().get::<CurrentUser>().is_none_or(|u| u.0.is_none());
    if req.uri().path() == "/" && req.method() == axum::http::Method::GET && anonymous {
        return Redirect::to("/public").into_response();
    }
    next.run(req).await
}

/// The stored manifest as a file: anyone for a single-stratum draw, those whose role
/// reaches the task otherwise (see [`data::manifest`]).
async fn manifest(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    match data::manifest(&state.db, id, user.0.as_ref()).await {
        Ok(manifest) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"draw-{id}-manifest.json\"")),
                (header::CACHE_CONTROL, "private, no-cache".to_string()),
            ],
            manifest,
        )
            .into_response(),
        Err(e) => e.into_status_response(),
    }
}
