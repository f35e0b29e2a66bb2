//! The statistics as an .xlsx workbook (a cover sheet with the filter and when it was made,
//! then one sheet per table of `domain::stats_tables`), and the 台账 as .xlsx or .csv.

use super::table_file::{write_csv, write_xlsx, FORMULA_START, XLSX_MAX_ROWS};
use crate::domain::stats::{LedgerRow, Stats};
use crate::domain::stats_tables::{all, ledger_cells, Table, LEDGER_HEADERS};
use crate::error::AppError;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// The cover sheet's name.
pub const COVER: &str = "封面";

/// The workbook of `stats`: 封面 (the filter in words, `made_at` in Beijing time), then
/// every table.
pub fn workbook(stats: &Stats, department_name: &str, made_at: &str) -> Result<Vec<u8>, AppError> {
    build(stats, department_name, made_at).map_err(AppError::internal)
}

fn build(stats: &Stats, department_name: &str, made_at: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(COVER)?;
    ws.set_column_width(0, 16.0)?;
    ws.set_column_width(1, 48.0)?;
    ws.write_string_with_format(0, 0, format!("{} 年度双随机抽查统计", stats.filter.year), &bold)?;
    let mut lines = stats.filter.in_words(department_name);
    lines.push(("生成时间".into(), format!("{made_at}（北京时间）")));
    for (i, (k, v)) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 2, 0, k, &bold)?;
        ws.write_string(i as u32 + 2, 1, v)?;
    }
    for table in all(stats) {
        let ws = wb.add_worksheet();
        sheet(ws, &table, &bold)?;
    }
    wb.save_to_buffer()
}

fn sheet(ws: &mut Worksheet, table: &Table, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name(&table.title)?;
    let text = Format::new().set_quote_prefix();
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, bold)?;
        ws.set_column_width(c as u16, if h == "抽查任务" { 40.0 } else { 14.0 })?;
    }
    for (r, cells) in table.rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            match v.parse::<i64>() {
                // Counts stay numbers, so a reader can add them up.
                Ok(n) if !v.starts_with(['+', '0']) || v == "0" => {
                    ws.write_number(r as u32 + 1, c as u16, n as f64)?;
                }
                _ if v.starts_with(FORMULA_START) => {
                    ws.write_string_with_format(r as u32 + 1, c as u16, v, &text)?;
                }
                _ => {
                    ws.write_string(r as u32 + 1, c as u16, v)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The 台账 as .xlsx (one sheet, 台账) or .csv; at most one worksheet's rows.
pub fn ledger(rows: &[LedgerRow], xlsx: bool) -> Result<Vec<u8>, AppError> {
    let cells = rows.iter().take(XLSX_MAX_ROWS).enumerate().map(|(i, r)| ledger_cells(r, i + 1));
    if xlsx {
        write_xlsx("台账", &LEDGER_HEADERS, cells).map_err(AppError::internal)
    } else {
        Ok(write_csv(&LEDGER_HEADERS, cells))
    }
}
