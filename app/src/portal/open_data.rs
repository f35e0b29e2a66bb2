//! 开放数据 — each plan, draw and result set as CSV (UTF-8 with BOM) and JSON at stable
//! addresses under `/public/data`, from the same [`super::data`] functions as the pages.

use super::data::{self, ResultRow};
use crate::error::AppError;
use crate::ssr::files::table_file::write_csv;
use crate::ssr::net::routes::Routes;
use crate::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// How long a data file may be reused (seconds).
const DATA_MAX_AGE: &str = "public, max-age=300";

/// The open-data routes.
pub fn routes() -> Routes {
    Routes::new()
        .get("/public/data", index)
        .get("/public/data/plans/{file}", plan)
        .get("/public/data/tasks/{id}/{file}", task_file)
        .get("/public/data/draws/{id}/{file}", draw_file)
        .get("/public/data/penalties.csv", |s| penalties_file(s, Format::Csv))
        .get("/public/data/penalties.json", |s| penalties_file(s, Format::Json))
}

const PENALTY_COLUMNS: &[(&str, &str)] = &[
    ("行政处罚决定书文号", "decision_no"),
    ("当事人名称", "party_name"),
    ("统一社会信用代码", "party_code"),
    ("违法行为类型", "violation_type"),
    ("违法事实", "facts"),
    ("处罚依据", "basis"),
    ("处罚内容", "content"),
    ("罚款金额（元）", "fine_yuan"),
    ("处罚机关", "authority"),
    ("处罚决定日期", "decided_on"),
    ("公示日期", "published_on"),
    ("公示截止日期", "publish_until"),
    ("更正日期", "corrected_on"),
    ("更正理由", "correction_reason"),
];

/// 行政处罚信息: the penalties the portal shows today (inside their period, not ended early).
async fn penalties_file(State(state): State<AppState>, format: Format) -> Response {
    reply(
        async {
            let list = crate::ssr::db::penalties::public(&state.db).await?;
            let rows = list
                .into_iter()
                .map(|p| {
                    vec![
                        p.decision_no,
                        p.party_name,
                        p.party_code,
                        p.violation_type,
                        p.facts,
                        p.basis,
                        p.content,
                        p.fine_yuan,
                        p.authority,
                        p.decided_on,
                        p.published_on,
                        p.publish_until,
                        p.corrected_on.unwrap_or_default(),
                        p.correction_reason,
                    ]
                })
                .collect();
            let name = if format == Format::Csv { "penalties.csv" } else { "penalties.json" };
            Ok(Table { headers: PENALTY_COLUMNS, rows, extra: json!({}) }.respond(format, name))
        }
        .await,
    )
}

/// A file name split into stem and format: `2023.csv` → (`2023`, Csv).
fn split(file: &str) -> Result<(&str, Format), AppError> {
    match file.rsplit_once('.') {
        Some((stem, "csv")) => Ok((stem, Format::Csv)),
        Some((stem, "json")) => Ok((stem, Format::Json)),
        _ => Err(AppError::NotFound(format!("没有 {file}：开放数据只有 .csv 与 .json 两种格式"))),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

/// A table in the requested format: CSV with Chinese headers, or JSON (`extra` plus `rows`
/// of objects keyed by the English names).
struct Table {
    headers: &'static [(&'static str, &'static str)],
    rows: Vec<Vec<String>>,
    extra: Value,
}

impl Table {
    fn respond(self, format: Format, name: &str) -> Response {
        let (content_type, body) = match format {
            Format::Csv => (
                "text/csv; charset=utf-8",
                write_csv(&self.headers.iter().map(|(zh, _)| *zh).collect::<Vec<_>>(), self.rows),
            ),
            Format::Json => {
                let rows: Vec<Value> = self
                    .rows
                    .into_iter()
                    .map(|r| {
                        Value::Object(
                            self.headers
                                .iter()
                                .zip(r)
                                .map(|((_, en), v)| (en.to_string(), json!(v)))
                                .collect(),
                        )
                    })
                    .collect();
                let mut doc = self.extra;
                doc["rows"] = Value::Array(rows);
                ("application/json; charset=utf-8", serde_json::to_vec_pretty(&doc).unwrap_or_default())
            }
        };
        file_response(content_type, name, body)
    }
}

fn file_response(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(DATA_MAX_AGE));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

fn reply(result: Result<Response, AppError>) -> Response {
    result.unwrap_or_else(|e| e.into_status_response())
}

async fn index(State(state): State<AppState>) -> Response {
    reply(
        async {
            let years = data::plan_years(&state.db).await?;
            let mut tasks = Vec::new();
            for y in &years {
                if let Some(plan) = data::plan(&state.db, *y).await? {
                    for t in plan.tasks.into_iter().chain(plan.special) {
                        use crate::domain::workflow::TaskStatus::*;
                        let drawn = !matches!(t.status, Planned | Frozen);
                        let published = data::results_phase(t.status);
                        tasks.push((t.id, t.task_name, drawn, published));
                    }
                }
            }
            Ok(super::html(super::views::data_page(&years, &tasks)))
        }
        .await,
    )
}

const PLAN_COLUMNS: &[(&str, &str)] = &[
    ("抽查计划编号", "plan_no"),
    ("抽查计划名称", "plan_name"),
    ("抽查任务编号", "task_no"),
    ("抽查任务名称", "task_name"),
    ("抽查类型", "kind"),
    ("抽查比例", "ratio"),
    ("抽查事项", "items"),
    ("抽查对象范围", "scope"),
    ("发起部门", "initiating_department"),
    ("联合部门", "joint_department"),
    ("抽查时间", "window"),
    ("进展", "stage"),
    ("任务来源", "source"),
    ("计划调整", "adjustment"),
];

async fn plan(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    reply(
        async {
            let (stem, format) = split(&file)?;
            let year: i32 = stem.parse().map_err(|_| AppError::NotFound(format!("没有 {file}")))?;
            let plan = data::plan(&state.db, year)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有 {year} 年度的公开抽查计划")))?;
            // The plan's tasks, then the special and assigned ones (marked by their source).
            let rows = plan
                .all_tasks()
                .map(|t| {
                    let mut cells = crate::domain::plan_table::task_cells(t).to_vec();
                    cells.push(data::stage_label(t.status).to_string());
                    cells.push(t.source.label().to_string());
                    cells.push(t.adjusted.as_ref().map(|c| c.label()).unwrap_or_default());
                    cells
                })
                .collect();
            let extra = json!({ "year": plan.year, "title": plan.title, "remarks": plan.remarks });
            Ok(Table { headers: PLAN_COLUMNS, rows, extra }.respond(format, &file))
        }
        .await,
    )
}

const SELECTED_COLUMNS: &[(&str, &str)] =
    &[("序号", "position"), ("企业名称", "name"), ("统一社会信用代码", "code"), ("键值", "key")];
const POOL_COLUMNS: &[(&str, &str)] =
    &[("统一社会信用代码", "code"), ("企业名称", "name"), ("是否抽中", "selected")];
const RESULT_COLUMNS: &[(&str, &str)] = &[
    ("企业名称", "name"),
    ("统一社会信用代码", "code"),
    ("检查单位", "department"),
    ("检查时间", "inspected_on"),
    ("检查方式", "method"),
    ("检查内容", "items"),
    ("检查结果", "categories"),
    ("发现问题", "problems"),
    ("后续处置", "handling"),
    ("移送部门", "referral_department"),
    ("公示日期", "published_on"),
    ("是否按时公示", "on_time"),
];

fn result_cells(r: &ResultRow) -> Vec<String> {
    let x = &r.result;
    vec![
        x.name.clone(),
        x.code.clone(),
        r.department.clone(),
        x.inspected_on.clone(),
        x.method.clone(),
        r.items.clone(),
        x.categories.join("、"),
        x.problems.clone(),
        x.handling_in_words(),
        x.referral_department.clone(),
        x.published_on.clone(),
        match r.on_time {
            Some(true) => "按时",
            Some(false) => "逾期",
            None => "",
        }
        .to_string(),
    ]
}

/// The public summary of one draw (live or abandoned) by its id: `draw.json` or `draw.csv`.
async fn draw_file(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> Response {
    reply(
        async {
            let (stem, format) = split(&file)?;
            if stem != "draw" {
                return Err(AppError::NotFound(format!("没有 {file}：每次抽取只有 draw.csv 与 draw.json")));
            }
            let d = data::draw_by_id(&state.db, id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有第 {id} 号公开抽取")))?;
            let task = data::task(&state.db, d.task_id).await?;
            draw_table(&task, &d, format, &file)
        }
        .await,
    )
}

/// A draw's public summary: JSON exactly as `verify_public` reads it (plus names, times and
/// whether it was declared void), or the selected enterprises as CSV.
fn draw_table(
    task: &crate::domain::plan::TaskRow,
    d: &data::DrawView,
    format: Format,
    file: &str,
) -> Result<Response, AppError> {
    let head = json!({ "task": task.id, "task_name": task.task_name, "draw_task_id": task.draw_task_id(),
        "draw": d.draw_id, "abandoned": d.abandoned.as_ref().map(|(at, reason)| json!({ "at": at, "reason": reason })) });
    let drawn = d.drawn.as_ref().ok_or_else(|| not_drawn(&task.task_name))?;
    if format == Format::Json {
        let mut doc = serde_json::to_value(&drawn.summary).map_err(AppError::internal)?;
        for (sel, name) in doc["selected"].as_array_mut().into_iter().flatten().zip(&drawn.names) {
            sel["name"] = json!(name);
        }
        doc["task"] = head;
        doc["frozen_at"] = json!(d.frozen_at);
        doc["drawn_at"] = json!(drawn.drawn_at);
        let body = serde_json::to_vec_pretty(&doc).map_err(AppError::internal)?;
        return Ok(file_response("application/json; charset=utf-8", file, body));
    }
    let rows = drawn
        .summary
        .selected
        .iter()
        .zip(&drawn.names)
        .enumerate()
        .map(|(i, (s, name))| vec![(i + 1).to_string(), name.clone(), s.code.clone(), s.key.clone()])
        .collect();
    Ok(Table { headers: SELECTED_COLUMNS, rows, extra: head }.respond(format, file))
}

async fn task_file(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> Response {
    reply(
        async {
            let (stem, format) = split(&file)?;
            let task = data::task(&state.db, id).await?;
            let head =
                json!({ "task": id, "task_name": task.task_name, "draw_task_id": task.draw_task_id() });
            match stem {
                "draw" => {
                    let d = data::draw(&state.db, id).await?.ok_or_else(|| not_drawn(&task.task_name))?;
                    draw_table(&task, &d, format, &file)
                }
                "pool" => {
                    let members = data::pool(&state.db, id).await?;
                    if members.is_empty() {
                        return Err(not_drawn(&task.task_name));
                    }
                    let rows = members
                        .into_iter()
                        .map(|m| vec![m.code, m.name, if m.selected { "是" } else { "否" }.to_string()])
                        .collect();
                    Ok(Table { headers: POOL_COLUMNS, rows, extra: head }.respond(format, &file))
                }
                "results" => {
                    if !data::results_phase(task.status) {
                        return Err(AppError::NotFound(format!(
                            "任务“{}”的抽查结果尚未公示",
                            task.task_name
                        )));
                    }
                    let rows = state
                        .results
                        .snapshot(&state.db)
                        .await?
                        .of_task(id)
                        .iter()
                        .map(result_cells)
                        .collect();
                    Ok(Table { headers: RESULT_COLUMNS, rows, extra: head }.respond(format, &file))
                }
                _ => Err(AppError::NotFound(format!("没有 {file}：可用 draw、pool、results"))),
            }
        }
        .await,
    )
}

fn not_drawn(task: &str) -> AppError {
    AppError::NotFound(format!("任务“{task}”尚未抽取"))
}
