//! `shuangsui export results` and `export penalties`: a year's published results (the file
//! the provincial system and GSXT read) and its penalty decisions (the 双公示 layout).

use app::domain::result_export::{Template, FIELDS, PENALTY_FIELDS};
use std::path::Path;
use std::process::ExitCode;

/// `export results` (`penalties` false) or `export penalties`.
pub async fn export(
    penalties: bool,
    file: &Path,
    year: Option<i32>,
    task: Option<i64>,
    template: Option<&Path>,
    url: &str,
) -> ExitCode {
    let Some(year) = year else {
        eprintln!(
            "error: export {} needs --year (the year)",
            if penalties { "penalties" } else { "results" }
        );
        return ExitCode::from(2);
    };
    let name = file.to_string_lossy().to_ascii_lowercase();
    let xlsx = match (name.ends_with(".xlsx"), name.ends_with(".csv")) {
        (true, _) => true,
        (_, true) => false,
        _ => {
            eprintln!("error: {}: the file name must end in .csv or .xlsx", file.display());
            return ExitCode::from(2);
        }
    };
    let template = match template {
        None if penalties => Template::penalties(),
        None => Template::gsxt(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            };
            let fields: &[(&str, &str)] = if penalties { &PENALTY_FIELDS } else { &FIELDS };
            match Template::parse_for(&text, fields) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("模板 {} 有误：{e}", path.display());
                    return ExitCode::from(1);
                }
            }
        }
    };
    let db = match super::database::open_db(url).await {
        Ok(db) => db,
        Err(code) => return code,
    };
    let cells: Result<Vec<Vec<String>>, app::error::AppError> = if penalties {
        app::ssr::db::penalties::of_year(&db, year)
            .await
            .map(|list| list.iter().map(|p| template.cells_with(|f| p.field(f))).collect())
    } else {
        app::ssr::db::exports::published_rows(&db, Some(year), task)
            .await
            .map(|rows| rows.iter().map(|r| template.cells(r)).collect())
    };
    let rows = match cells {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match app::ssr::files::results_export::render_cells(&template, rows.iter().cloned(), xlsx) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(file, bytes) {
        eprintln!("error: cannot write {}: {e}", file.display());
        return ExitCode::from(2);
    }
    if penalties {
        println!("{year} 年度行政处罚决定 {} 条已导出到 {}", rows.len(), file.display());
    } else {
        println!(
            "{year} 年度已公示的抽查结果 {} 行（每户企业每个检查事项一行）已导出到 {}",
            rows.len(),
            file.display()
        );
    }
    ExitCode::SUCCESS
}

/// `import results FILE --as ACCOUNT [--template T] [--apply]`: 0 when every row is good
/// (dry run) or was applied; 1 with every rejected row listed (nothing written); 2 when the
/// file, the template or the database cannot be used.
pub async fn import(
    file: &Path,
    as_user: Option<&str>,
    template: Option<&Path>,
    apply: bool,
    url: &str,
) -> ExitCode {
    let Some(username) = as_user else {
        eprintln!("error: import results needs --as ACCOUNT (who enters the results)");
        return ExitCode::from(2);
    };
    let template = match template {
        None => Template::gsxt(),
        Some(path) => {
            match std::fs::read_to_string(path).map_err(|e| e.to_string()).and_then(|t| Template::parse(&t)) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("模板 {} 有误：{e}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
    };
    let (bytes, db) = match file_and_db(file, url).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let r = match app::ssr::db::result_import::import(&db, &bytes, &template, username, apply).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let counts = format!("新增 {} 户，更新 {} 户，未变 {} 户", r.added, r.updated, r.unchanged);
    report_import("检查结果", &r.rejected, r.applied, &counts)
}

/// `import complaints FILE [--apply]`: 举报投诉 from the complaints system (统一社会信用代码,
/// 投诉日期, 渠道, 摘要). 0 when every row is good (dry run) or was applied; 1 with every
/// rejected row listed (nothing written); 2 when the file or database cannot be used.
pub async fn import_complaints(file: &Path, apply: bool, url: &str) -> ExitCode {
    let (bytes, db) = match file_and_db(file, url).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let actor = app::domain::audit::Actor { name: "cli", role: "admin" };
    let r = match app::ssr::db::watchlist::import_complaints(&db, &bytes, apply, actor).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let counts = format!("新增 {} 条，已有 {} 条", r.added, r.unchanged);
    report_import("举报投诉", &r.rejected, r.applied, &counts)
}

/// The file's bytes and the database, or the exit code (2) after saying why not.
async fn file_and_db(file: &Path, url: &str) -> Result<(Vec<u8>, sqlx::AnyPool), ExitCode> {
    let bytes = std::fs::read(file).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", file.display());
        ExitCode::from(2)
    })?;
    let db = super::database::open_db(url).await?;
    Ok((bytes, db))
}

/// An import's outcome in words: every rejected row, then what was (or would be) done.
fn report_import(
    what: &str,
    rejected: &[app::domain::import::RowError],
    applied: bool,
    counts: &str,
) -> ExitCode {
    for e in rejected {
        println!("第 {} 行 [{}]：{}", e.row, e.column, e.message);
    }
    if !rejected.is_empty() {
        println!("{what}：有 {} 处问题，未写入任何数据", rejected.len());
        ExitCode::from(1)
    } else if applied {
        println!("{what}：已导入，{counts}");
        ExitCode::SUCCESS
    } else {
        println!("{what}：预检通过，将{counts}；未写入，加 --apply 导入");
        ExitCode::SUCCESS
    }
}
