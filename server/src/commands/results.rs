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
