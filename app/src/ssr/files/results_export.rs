//! Published results written as a file other systems read (.csv UTF-8 with BOM, or .xlsx),
//! with the columns of a template.

use crate::domain::result_export::{ExportRow, Template};
use crate::error::AppError;

/// The file's bytes: `.xlsx` when `xlsx`, else `.csv`.
pub fn render(rows: &[ExportRow], template: &Template, xlsx: bool) -> Result<Vec<u8>, AppError> {
    render_cells(template, rows.iter().map(|r| template.cells(r)), xlsx)
}

/// A file of rows already cut to the template's columns.
pub fn render_cells(
    template: &Template,
    cells: impl IntoIterator<Item = Vec<String>>,
    xlsx: bool,
) -> Result<Vec<u8>, AppError> {
    let titles = template.titles();
    if xlsx {
        super::table_file::write_xlsx("双随机抽查结果", &titles, cells).map_err(AppError::internal)
    } else {
        Ok(super::table_file::write_csv(&titles, cells))
    }
}
