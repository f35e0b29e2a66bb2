//! 附件2 as an .xlsx file: an annual plan written exactly as the founding document lays out
//! its table, and such a sheet read back (within the bounds of [`xlsx_read`]) into the
//! rows that `domain::plan_table` checks.

use crate::domain::plan::AnnualPlan;
use crate::domain::plan_table::{
    parse_rows, squeeze, task_cells, ParsedPlanSheet, RawRow, SheetContents, BATCHES_COLUMN, COLS, RATIO,
};
use crate::error::AppError;
use crate::labels::{PLAN_COLUMNS, REMARKS};
use crate::ssr::files::xlsx_read;
use calamine::Data;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, IgnoreError, Workbook, XlsxError};
use std::fmt;

/// Column widths in Excel character units, wide enough for the founding document's texts.
const WIDTHS: [f64; COLS] = [11.0, 30.0, 10.0, 32.0, 9.0, 9.0, 30.0, 22.0, 12.0, 12.0, 18.0];

/// Writes `plan` as 附件2: title, the 11 headers, one row per task, then the 备注 row.
pub fn export_xlsx(plan: &AnnualPlan) -> Result<Vec<u8>, AppError> {
    build_workbook(plan).map_err(AppError::internal)
}

/// The sheet's name, e.g. `2023年度计划`.
pub fn sheet_name(year: i32) -> String {
    format!("{year}年度计划")
}

fn build_workbook(plan: &AnnualPlan) -> Result<Vec<u8>, XlsxError> {
    let last_col = COLS as u16;
    let centred = |f: Format| f.set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let title = centred(Format::new().set_bold().set_font_size(16));
    let header = centred(Format::new().set_bold().set_text_wrap().set_border(FormatBorder::Thin));
    let cell = centred(Format::new().set_text_wrap().set_border(FormatBorder::Thin));
    let remarks = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(plan.year))?;
    ws.merge_range(0, 0, 0, last_col, &plan.title, &title)?;
    ws.set_row_height(0, 36)?;
    for (c, h) in PLAN_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &header)?;
        ws.set_column_width(c as u16, WIDTHS[c])?;
    }
    // 分批抽取 after the notice's eleven columns.
    ws.write_string_with_format(1, COLS as u16, BATCHES_COLUMN, &header)?;
    ws.set_column_width(COLS as u16, 12)?;
    let mut r = 2u32;
    for t in &plan.tasks {
        for (c, v) in task_cells(t).iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &cell)?;
        }
        ws.write_string_with_format(r, COLS as u16, crate::domain::batch::batches_text(&t.batches), &cell)?;
        r += 1;
    }
    if r > 2 {
        // Plan numbers are text on purpose (leading zeros, exact spelling).
        ws.ignore_error_range(2, 0, r - 1, 0, IgnoreError::NumberStoredAsText)?;
    }
    ws.write_string_with_format(r, 0, REMARKS, &header)?;
    ws.merge_range(r, 1, r, last_col, &plan.remarks, &remarks)?;
    ws.set_row_height(r, 30)?;
    ws.set_freeze_panes(2, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    wb.save_to_buffer()
}

/// A whole-file problem: the sheet cannot be read as a plan table at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetError {
    /// Zero bytes.
    EmptyFile,
    /// Not an .xlsx (zip) workbook, or a damaged one.
    NotXlsx,
    /// A workbook without worksheets.
    NoSheet,
    /// Every worksheet is blank.
    EmptySheet,
    /// No row holds all 11 headers; `missing` are those absent from the closest row.
    HeaderNotFound { missing: Vec<String> },
    /// The header row is there but no task row follows it.
    NoTasks,
    /// The workbook passes a bound on what is read (see `xlsx_read`); the sentence says which.
    OverLimit(String),
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyFile => write!(f, "上传的文件是空的（0 字节），请选择年度抽查计划表的 .xlsx 文件。"),
            Self::NotXlsx => write!(
                f,
                "无法读取该文件：它不是有效的 Excel .xlsx 工作簿。请在 Excel 或 WPS 中“另存为”.xlsx 格式后重新上传。"
            ),
            Self::NoSheet => write!(f, "工作簿中没有任何工作表。"),
            Self::EmptySheet => write!(f, "工作表是空的，没有找到年度抽查计划表。"),
            Self::HeaderNotFound { missing } => {
                let quoted: Vec<String> = missing.iter().map(|m| format!("“{m}”")).collect();
                write!(
                    f,
                    "找不到表头行：缺少{}列。表头行应依次为：{}。",
                    quoted.join("、"),
                    PLAN_COLUMNS.join("、")
                )
            }
            Self::NoTasks => write!(f, "表头行下面没有任何抽查任务行。"),
            Self::OverLimit(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for SheetError {}

impl From<SheetError> for AppError {
    fn from(e: SheetError) -> Self {
        AppError::invalid("文件", e.to_string())
    }
}

/// Reads a plan table from .xlsx bytes: finds the header row, reads task rows up to the
/// 备注 row, and checks every cell that can be checked without the database.
pub fn parse_xlsx(bytes: &[u8]) -> Result<ParsedPlanSheet, SheetError> {
    let sheet = read_sheet(bytes)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for parsed in parse_rows(&sheet.rows) {
        match parsed {
            Ok(r) => rows.push(r),
            Err(e) => errors.extend(e),
        }
    }
    Ok(ParsedPlanSheet { sheet: sheet.name, title: sheet.title, remarks: sheet.remarks, rows, errors })
}

/// The plan table of the first worksheet that holds one: its title, task rows as trimmed
/// text and 备注, nothing checked yet (the import checks the rows against the database too).
pub fn read_sheet(bytes: &[u8]) -> Result<SheetContents, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::EmptyFile);
    }
    let sheets = xlsx_read::read_sheets(bytes, &xlsx_read::Limits::PLAN).map_err(|e| match e {
        xlsx_read::XlsxError::NotXlsx => SheetError::NotXlsx,
        other => SheetError::OverLimit(other.to_string()),
    })?;
    if sheets.is_empty() {
        return Err(SheetError::NoSheet);
    }
    let mut any_cells = false;
    let mut closest: Option<Vec<String>> = None;
    for (name, rows) in sheets {
        let range = xlsx_read::to_range(&rows);
        let Some((first_row, _)) = range.start() else { continue };
        any_cells = true;
        let grid: Vec<Vec<&Data>> = range.rows().map(|r| r.iter().collect()).collect();
        match find_header(&grid) {
            Ok((at, columns)) => {
                let batches = grid[at].iter().position(|d| squeeze(&cell_text(d)) == BATCHES_COLUMN);
                return extract(name, &grid, first_row as usize, at, columns, batches);
            }
            Err(missing) => {
                if closest.as_ref().is_none_or(|c| missing.len() < c.len()) {
                    closest = Some(missing);
                }
            }
        }
    }
    if !any_cells {
        return Err(SheetError::EmptySheet);
    }
    Err(SheetError::HeaderNotFound { missing: closest.unwrap_or_default() })
}

/// Text of a cell; whole numbers lose the `.0` Excel gives them.
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_owned(),
    }
}

/// The header row's index in `grid` and the column of each header; or the headers
/// missing from the row that comes closest.
fn find_header(grid: &[Vec<&Data>]) -> Result<(usize, [usize; COLS]), Vec<String>> {
    let mut closest: (usize, Vec<String>) = (0, PLAN_COLUMNS.iter().map(|h| h.to_string()).collect());
    for (i, row) in grid.iter().enumerate() {
        let texts: Vec<String> = row.iter().map(|d| squeeze(&cell_text(d))).collect();
        let mut columns = [0usize; COLS];
        let mut missing = Vec::new();
        for (h, header) in PLAN_COLUMNS.iter().enumerate() {
            match texts.iter().position(|t| t == header) {
                Some(c) => columns[h] = c,
                None => missing.push(header.to_string()),
            }
        }
        if missing.is_empty() {
            return Ok((i, columns));
        }
        let found = COLS - missing.len();
        if found > closest.0 {
            closest = (found, missing);
        }
    }
    Err(closest.1)
}

fn extract(
    name: String,
    grid: &[Vec<&Data>],
    first_row: usize,
    header_at: usize,
    columns: [usize; COLS],
    batches_at: Option<usize>,
) -> Result<SheetContents, SheetError> {
    let title = grid[..header_at].iter().flatten().map(|d| cell_text(d)).find(|t| !t.is_empty());
    let mut remarks = None;
    let mut rows = Vec::new();
    for (i, row) in grid.iter().enumerate().skip(header_at + 1) {
        let texts: Vec<String> = row.iter().map(|d| cell_text(d)).collect();
        let Some(first) = texts.iter().position(|t| !t.is_empty()) else { continue };
        if squeeze(&texts[first]).starts_with(REMARKS) {
            // "备注" with the text beside it (merged B..K), or "备注：…" in one cell.
            let own = texts[first].split_once('注').map_or("", |(_, rest)| rest);
            let own = own.trim().trim_start_matches([':', '：']).trim();
            let mut parts: Vec<String> = Vec::new();
            if !own.is_empty() {
                parts.push(own.to_owned());
            }
            parts.extend(texts[first + 1..].iter().filter(|t| !t.is_empty()).cloned());
            remarks = Some(parts.join("\n"));
            break;
        }
        let cells: [String; COLS] =
            std::array::from_fn(|h| texts.get(columns[h]).cloned().unwrap_or_default());
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let ratio_number = match row.get(columns[RATIO]) {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(n)) => Some(*n as f64),
            _ => None,
        };
        let batches = batches_at.and_then(|c| texts.get(c).cloned()).unwrap_or_default();
        rows.push(RawRow { row: first_row + i + 1, cells, ratio_number, batches });
    }
    if rows.is_empty() {
        return Err(SheetError::NoTasks);
    }
    Ok(SheetContents { name, title, remarks, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::Window;

    /// A workbook with one sheet of text cells (empty strings are left blank).
    fn workbook(rows: &[Vec<&str>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    const FIRST_ROW: [&str; 11] = [
        "2023001",
        "2023 年邯郸市商务局第一次内部联合随机抽查 001",
        "001 号",
        "2023 年商务局成品油销售企业内部联合随机抽查",
        "定向",
        "2%",
        "成品油零售企业年度检查情况、依法依规经营情况",
        "2023 年 1 月 31 前登记备案的市场主体",
        "执法支队",
        "执法支队",
        "2023 年 3 月-4 月",
    ];

    #[test]
    fn headers_tolerate_whitespace_and_position() {
        let mut header: Vec<String> = PLAN_COLUMNS.iter().map(|h| format!(" {h}\n")).collect();
        header.insert(0, "序号".into());
        let mut data: Vec<&str> = FIRST_ROW.to_vec();
        data.insert(0, "1");
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let parsed = parse_xlsx(&workbook(&[vec![], header, data])).unwrap();
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.title, None);
        assert_eq!(parsed.remarks, None);
        assert_eq!(parsed.rows[0].row, 3);
        assert_eq!(parsed.rows[0].plan_no, "2023001");
        assert_eq!(parsed.rows[0].window, Window::new(2023, 3, 4).unwrap());
    }
}
