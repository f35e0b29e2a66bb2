//! `shuangsui export results`: a year's published results as the file the provincial
//! system and GSXT read.

use app::domain::result_export::Template;
use std::path::Path;
use std::process::ExitCode;

pub async fn export(
    file: &Path,
    year: Option<i32>,
    task: Option<i64>,
    template: Option<&Path>,
    url: &str,
) -> ExitCode {
    let Some(year) = year else {
        eprintln!("error: export results needs --year (the plan year)");
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
        None => Template::gsxt(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            };
            match Template::parse(&text) {
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
    let rows = match app::ssr::db::exports::published_rows(&db, Some(year), task).await {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes = match app::ssr::files::results_export::render(&rows, &template, xlsx) {
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
    println!(
        "{year} 年度已公示的抽查结果 {} 行（每户企业每个检查事项一行）已导出到 {}",
        rows.len(),
        file.display()
    );
    ExitCode::SUCCESS
}
