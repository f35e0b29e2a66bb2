//! 现场检查 — the inspection on a phone, under `/m`: server-rendered pages with one small
//! inline script and no WASM (the inspector's list, the result form with its checklist
//! and files, which keeps a draft on the phone and resubmits safely), the evidence files
//! (team, department and 纪检 only; never on the portal), and the printable notice to the
//! enterprise (随机抽查通知书) and signed record (检查记录表). PDF is the browser's
//! "save as PDF" of the A4 print pages.

mod form;
pub mod views;

use crate::domain::auth::{Role, SessionUser};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::{onsite, results};
use crate::ssr::net::routes::Routes;
use crate::ssr::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::sync::OnceLock;

/// The on-site routes.
pub fn routes() -> Routes {
    Routes::new()
        .get("/m", list)
        .get("/m/", list)
        .get("/m/sw.js", service_worker)
        .get("/m/files/{id}", file)
        .get("/m/points", points)
        .post("/m/points", change_point)
        .get("/m/tasks/{task}/notices", notices)
        .get("/m/tasks/{task}/{code}", form_page)
        .post("/m/tasks/{task}/{code}", submit)
        .get("/m/tasks/{task}/{code}/notice", notice)
        .get("/m/tasks/{task}/{code}/record", record)
}

/// Who is told why they may not see a result's evidence.
const EVIDENCE_REFUSAL: &str = "证据材料只有本检查组、任务所属部门的工作人员和纪检监督人员可以查看";

/// Whether a request's path is the result form's submission (its body may carry files).
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST && path.starts_with("/m/tasks/")
}

/// A private page: no caching, and a CSP that lets only the form's own script run.
fn html(status: StatusCode, body: String) -> Response {
    static CSP: OnceLock<HeaderValue> = OnceLock::new();
    let csp = CSP.get_or_init(|| {
        let hash = crate::ssr::net::headers::script_hash(views::FORM_JS);
        HeaderValue::from_str(&crate::ssr::net::headers::csp(None, &[hash]))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
    });
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::CONTENT_SECURITY_POLICY, csp.clone()),
        ],
        body,
    )
        .into_response()
}

fn respond(user: &CurrentUser, result: Result<String, AppError>) -> Response {
    match result {
        Ok(body) => html(StatusCode::OK, body),
        Err(e) => refused(user, e),
    }
}

fn refused(user: &CurrentUser, e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!("onsite: {e}");
    }
    html(status, views::error_page(&e.to_string(), user.0.is_some()))
}

fn signed_in(user: &CurrentUser) -> Result<SessionUser, AppError> {
    user.0.clone().ok_or_else(|| AppError::Unauthorized("请先登录".into()))
}

async fn list(State(state): State<AppState>, Extension(user): Extension<CurrentUser>) -> Response {
    let result = async {
        let me = signed_in(&user)?;
        if me.role != Role::Inspector {
            return Err(AppError::Forbidden(
                "现场检查列表供执法人员使用；其他岗位请在任务的“检查结果”页办理".into(),
            ));
        }
        let inspector =
            me.inspector_id.ok_or_else(|| AppError::Forbidden("该账号未关联执法人员名录".into()))?;
        let rows = crate::ssr::db::result_deadlines::assignments(&state.db, inspector).await?;
        Ok(views::list_page(&me.display_name, &rows))
    }
    .await;
    respond(&user, result)
}

async fn service_worker() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        views::SW_JS,
    )
        .into_response()
}

/// A fresh idempotency key for a form: 32 hex digits from the OS.
fn new_key() -> Result<String, AppError> {
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(AppError::internal)?;
    Ok(hex::encode(raw))
}

async fn form_page(
    State(state): State<AppState>,
    Path((task_id, code)): Path<(i64, String)>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    let result = async {
        let me = signed_in(&user)?;
        let t = results::task_results(&state.db, task_id, &me).await?;
        let row = t
            .rows
            .iter()
            .find(|r| r.code == code)
            .ok_or_else(|| AppError::NotFound(format!("企业 {code} 不是该任务中您可查看的检查对象")))?;
        let mut conn = state.db.acquire().await?;
        let points = onsite::task_points(&mut conn, task_id).await?;
        let answers = match onsite::result_id(&mut conn, task_id, &code).await? {
            Some(id) => onsite::answers(&mut conn, id).await?,
            None => Vec::new(),
        };
        Ok(views::form_page(&t, row, &points, &answers, &new_key()?, &crate::ssr::clock::today()))
    }
    .await;
    respond(&user, result)
}

async fn submit(
    State(state): State<AppState>,
    Path((task_id, code)): Path<(i64, String)>,
    Extension(user): Extension<CurrentUser>,
    req: Request,
) -> Response {
    // At most this many forms are read at once: each may hold its files in memory
    // (MAX_FORM_BYTES); the others wait with their bodies unread.
    static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
    let result = async {
        let me = signed_in(&user)?;
        // Who may enter this result is settled before a byte of the form is read.
        results::may_enter_result(&state.db, task_id, &code, &me).await?;
        let _reading = UPLOADS.acquire().await.map_err(AppError::internal)?;
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| multer::parse_boundary(v).ok())
            .ok_or_else(|| AppError::invalid("files", "表单须以 multipart/form-data 提交"))?;
        let body = multer::Multipart::new(req.into_body().into_data_stream(), boundary);
        let s = form::read(body, task_id, &code).await?;
        onsite::submit(&state.db, &s.key, &s.draft, &s.answers, &s.problem_values, s.files, &me).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/m/tasks/{task_id}/{code}/record?saved=1")).into_response(),
        Err(e) => refused(&user, e),
    }
}

async fn file(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    let result = async {
        let me = signed_in(&user)?;
        AppError::unless_role(me.role, crate::domain::endpoints::evidence_reach, EVIDENCE_REFUSAL)?;
        onsite::file(&state.db, id, &me).await
    }
    .await;
    match result {
        Ok((name, mime, bytes)) => {
            let ascii: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
            (
                [
                    (header::CONTENT_TYPE, mime),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                    (header::CONTENT_DISPOSITION, format!("inline; filename=\"{ascii}\"")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => refused(&user, e),
    }
}

/// The notices of every enterprise of a task the account may read.
async fn notices(
    State(state): State<AppState>,
    Path(task_id): Path<i64>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    notices_of(&state, &user, task_id, None).await
}

async fn notice(
    State(state): State<AppState>,
    Path((task_id, code)): Path<(i64, String)>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    notices_of(&state, &user, task_id, Some(code)).await
}

async fn notices_of(state: &AppState, user: &CurrentUser, task_id: i64, code: Option<String>) -> Response {
    let result = async {
        let me = signed_in(user)?;
        let t = results::task_results(&state.db, task_id, &me).await?;
        let rows: Vec<_> = t.rows.iter().filter(|r| code.as_ref().is_none_or(|c| *c == r.code)).collect();
        if rows.is_empty() {
            return Err(AppError::NotFound("没有可打印通知书的检查对象".into()));
        }
        let (head, addresses, certs) = onsite::task_head(&state.db, task_id).await?;
        let mut conn = state.db.acquire().await?;
        let points = onsite::task_points(&mut conn, task_id).await?;
        Ok(views::notices_page(&t, &head, &rows, &addresses, &certs, &points))
    }
    .await;
    respond(user, result)
}

#[derive(serde::Deserialize)]
struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

async fn record(
    State(state): State<AppState>,
    Path((task_id, code)): Path<(i64, String)>,
    Query(q): Query<Saved>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    let result = async {
        let me = signed_in(&user)?;
        let refusal = "检查记录表含证据材料，只有本检查组、任务所属部门的工作人员和纪检监督人员可以查看";
        AppError::unless_role(me.role, crate::domain::endpoints::evidence_reach, refusal)?;
        let mut conn = state.db.acquire().await?;
        if !onsite::may_see(&mut conn, task_id, &code, &me).await? {
            return Err(AppError::Forbidden(refusal.into()));
        }
        drop(conn);
        let t = results::task_results(&state.db, task_id, &me).await?;
        let row = t
            .rows
            .iter()
            .find(|r| r.code == code)
            .ok_or_else(|| AppError::NotFound(format!("企业 {code} 不是该任务的检查对象")))?;
        let (head, addresses, certs) = onsite::task_head(&state.db, task_id).await?;
        let mut conn = state.db.acquire().await?;
        let points = onsite::task_points(&mut conn, task_id).await?;
        let (answers, files) = match onsite::result_id(&mut conn, task_id, &code).await? {
            Some(id) => (onsite::answers(&mut conn, id).await?, onsite::files(&mut conn, id).await?),
            None => (Vec::new(), Vec::new()),
        };
        let address = addresses.get(&code).cloned().unwrap_or_default();
        let rec = views::Record {
            task: &t,
            head: &head,
            row,
            address: &address,
            certs: &certs,
            points: &points,
            answers: &answers,
            files: &files,
        };
        Ok(views::record_page(&rec, q.saved.is_some()))
    }
    .await;
    respond(&user, result)
}

/// `/m/points`: every signed-in account reads the check points; the item's department's
/// 经办人 and the administrator change them.
async fn points(State(state): State<AppState>, Extension(user): Extension<CurrentUser>) -> Response {
    let result = async {
        let me = signed_in(&user)?;
        let items = onsite::all_points(&state.db)
            .await?
            .into_iter()
            .map(|(id, name, dept, points)| {
                (id, name, crate::domain::checklist::may_edit_points(&me, &dept), points)
            })
            .collect::<Vec<_>>();
        Ok(views::points_page(&items))
    }
    .await;
    respond(&user, result)
}

#[derive(serde::Deserialize)]
struct PointForm {
    op: String,
    item_id: i64,
    #[serde(default)]
    point_id: Option<i64>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    kind: String,
}

async fn change_point(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    form: Result<axum::Form<PointForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    // A form missing a field or with a wrong one: refused in words, not axum's English.
    let Ok(axum::Form(f)) = form else {
        return refused(
            &user,
            AppError::invalid("point", "表单内容不完整或格式不对，请在检查要点页面重新提交"),
        );
    };
    let result = async {
        let me = signed_in(&user)?;
        let refusal = "检查要点由事项所属部门的经办人或管理员维护";
        AppError::unless_role(me.role, crate::domain::endpoints::point_editors, refusal)?;
        match (f.op.as_str(), f.point_id) {
            ("delete", Some(id)) => onsite::delete_point(&state.db, id, &me).await,
            ("save", id) => {
                onsite::save_point(&state.db, f.item_id, id, &f.text, &f.legal_basis, &f.kind, &me).await
            }
            _ => Err(AppError::invalid("point", "无法识别的操作")),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/m/points#item-{}", f.item_id)).into_response(),
        Err(e) => refused(&user, e),
    }
}
