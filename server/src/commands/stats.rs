//! 统计 and 台账 as files: the statistics workbook (`/stats/export.xlsx`, `shuangsui stats
//! FILE.xlsx`), the figures as JSON (`shuangsui stats --json`) and the year's 台账
//! (`/stats/ledger.{xlsx,csv}`, `shuangsui ledger FILE`). The page's downloads and the
//! command line write the same bytes from the same figures.

use app::domain::stats::StatsFilter;
use app::error::AppError;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::process::ExitCode;

/// What a statistics download is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsFile {
    /// The statistics, one sheet per table after a cover sheet.
    Workbook,
    /// The 台账, .xlsx (`true`) or .csv.
    Ledger(bool),
}

impl StatsFile {
    /// The file of a download's name (`export.xlsx`, `ledger.xlsx`, `ledger.csv`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "export.xlsx" => Some(Self::Workbook),
            "ledger.xlsx" => Some(Self::Ledger(true)),
            "ledger.csv" => Some(Self::Ledger(false)),
            _ => None,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Ledger(false) => "text/csv; charset=utf-8",
            _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// The bytes of `file` for `filter` over the tasks `reach` reaches ("" = all).
pub async fn render(
    db: &sqlx::AnyPool,
    filter: StatsFilter,
    reach: &str,
    file: StatsFile,
) -> Result<Vec<u8>, AppError> {
    let (stats, rows) = app::ssr::db::stats::figures(db, filter, reach).await?;
    match file {
        StatsFile::Workbook => {
            let departments = app::ssr::db::stats::departments(db).await?;
            let name = departments
                .iter()
                .find(|(id, _)| *id == stats.filter.department)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            let made_at = app::domain::date::local_time(&app::ssr::clock::now_utc());
            app::ssr::files::stats_export::workbook(&stats, &name, &made_at)
        }
        StatsFile::Ledger(xlsx) => app::ssr::files::stats_export::ledger(&rows, xlsx),
    }
}

/// `/stats/{file}?year=…`: a download for staff who may read statistics.
pub async fn download(
    State(state): State<app::ssr::state::AppState>,
    Path(file): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    axum::Extension(user): axum::Extension<app::ssr::auth::CurrentUser>,
) -> Response {
    let Some(user) = user.0.as_ref() else {
        return (StatusCode::UNAUTHORIZED, "请先登录").into_response();
    };
    let Some(reach) = app::domain::access::stats_department(user) else {
        return (StatusCode::FORBIDDEN, "统计与台账不对执法人员账号开放").into_response();
    };
    let Some(kind) = StatsFile::from_name(&file) else {
        return (StatusCode::NOT_FOUND, "没有这个文件：可下载 export.xlsx、ledger.xlsx 或 ledger.csv")
            .into_response();
    };
    let filter = StatsFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let year = if filter.year == 0 { String::new() } else { format!("-{}", filter.year) };
    match render(&state.db, filter, &reach, kind).await {
        Ok(bytes) => {
            let stem = if kind == StatsFile::Workbook { "stats" } else { "ledger" };
            let ext = file.rsplit('.').next().unwrap_or("xlsx");
            (
                [
                    (header::CONTENT_TYPE, kind.content_type().to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}{year}.{ext}\"")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_status_response(),
    }
}

/// `shuangsui stats --year Y [--department D] (--json | FILE.xlsx)`.
pub async fn stats(
    year: i32,
    department: Option<String>,
    json: bool,
    file: Option<&std::path::Path>,
    url: &str,
) -> ExitCode {
    let filter = StatsFilter { department: department.unwrap_or_default(), ..StatsFilter::year(year) };
    if !json && !file.is_some_and(|f| f.to_string_lossy().to_ascii_lowercase().ends_with(".xlsx")) {
        eprintln!("error: stats needs --json or a FILE ending in .xlsx");
        return ExitCode::from(2);
    }
    let db = match super::database::open_db(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    if json {
        return match app::ssr::db::stats::figures(&db, filter, "").await {
            Ok((stats, _)) => {
                // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stdout(),
                    "{}",
                    serde_json::to_string_pretty(&stats).unwrap_or_default()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    write(&db, filter, StatsFile::Workbook, file.unwrap_or(std::path::Path::new("stats.xlsx"))).await
}

/// `shuangsui ledger --year Y [--department D] FILE.{csv,xlsx}`.
pub async fn ledger(year: i32, department: Option<String>, file: &std::path::Path, url: &str) -> ExitCode {
    let name = file.to_string_lossy().to_ascii_lowercase();
    let kind = match (name.ends_with(".xlsx"), name.ends_with(".csv")) {
        (true, _) => StatsFile::Ledger(true),
        (_, true) => StatsFile::Ledger(false),
        _ => {
            eprintln!("error: {}: the file name must end in .csv or .xlsx", file.display());
            return ExitCode::from(2);
        }
    };
    let db = match super::database::open_db(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    let filter = StatsFilter { department: department.unwrap_or_default(), ..StatsFilter::year(year) };
    write(&db, filter, kind, file).await
}

async fn write(db: &sqlx::AnyPool, filter: StatsFilter, kind: StatsFile, file: &std::path::Path) -> ExitCode {
    let year = filter.year;
    let bytes = match render(db, filter, "", kind).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(file, &bytes) {
        eprintln!("error: cannot write {}: {e}", file.display());
        return ExitCode::from(2);
    }
    let what = if kind == StatsFile::Workbook { "统计表" } else { "台账" };
    println!("{year} 年度{what}已导出到 {}（{} 字节）", file.display(), bytes.len());
    ExitCode::SUCCESS
}
