//! 附件2 as an .xlsx file: export an annual plan exactly as the founding document lays
//! out its table, and import such a sheet back — parsed and checked first, then applied
//! in one transaction, or not at all.

use crate::domain::audit::Actor;
use crate::domain::import::{ImportReport, RowError};
use crate::domain::plan::{ratio_label, AnnualPlan, TaskKind, TaskRow, Window};
use crate::domain::workflow::TaskStatus;
use crate::error::AppError;
use crate::labels::{PLAN_COLUMNS, REMARKS};
use crate::ssr::db::audit::{self, Change};
use crate::ssr::db::Backend;
use calamine::Data;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, IgnoreError, Workbook, XlsxError};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashMap;
use std::fmt;

/// Column positions, in [`PLAN_COLUMNS`] order.
const PLAN_NO: usize = 0;
const PLAN_NAME: usize = 1;
const TASK_NO: usize = 2;
const TASK_NAME: usize = 3;
const KIND: usize = 4;
const RATIO: usize = 5;
const ITEMS: usize = 6;
const SCOPE: usize = 7;
const INITIATING: usize = 8;
const JOINT: usize = 9;
const WINDOW: usize = 10;
const COLS: usize = PLAN_COLUMNS.len();

/// Column widths in Excel character units, wide enough for the founding document's texts.
const WIDTHS: [f64; COLS] = [11.0, 30.0, 10.0, 32.0, 9.0, 9.0, 30.0, 22.0, 12.0, 12.0, 18.0];

/// One example per column, quoted in error messages so the clerk sees what is expected.
const EXAMPLES: [&str; COLS] = [
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

/// Words in a scope or task name that name a demo 市场主体类别 (checked after the exact
/// category names the registry holds).
const CATEGORY_KEYWORDS: [(&str, &str); 3] =
    [("成品油", "成品油零售企业"), ("拍卖", "拍卖企业"), ("二手车", "二手车销售企业")];

/// What a 联合部门 cell may hold to say "none".
const NO_JOINT: [&str; 6] = ["无", "/", "-", "—", "－", "／"];

// ---------------------------------------------------------------------------------------
// Export

/// Writes `plan` as 附件2: title, the 11 headers, one row per task, then the 备注 row.
pub fn export_xlsx(plan: &AnnualPlan) -> Result<Vec<u8>, AppError> {
    build_workbook(plan).map_err(AppError::internal)
}

/// The sheet's name, e.g. `2023年度计划`.
pub fn sheet_name(year: i32) -> String {
    format!("{year}年度计划")
}

/// The 11 cell texts of one task, as the plan table prints them.
pub fn task_cells(t: &TaskRow) -> [String; COLS] {
    [
        t.plan_no.clone(),
        t.plan_name.clone(),
        t.task_no.clone(),
        t.task_name.clone(),
        t.kind.label().to_owned(),
        ratio_label(t.ratio_bp),
        t.items.clone(),
        t.scope.clone(),
        t.initiating_department.clone(),
        t.joint_department.clone().unwrap_or_default(),
        t.window.label(),
    ]
}

fn build_workbook(plan: &AnnualPlan) -> Result<Vec<u8>, XlsxError> {
    let last_col = (COLS - 1) as u16;
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
    let mut r = 2u32;
    for t in &plan.tasks {
        for (c, v) in task_cells(t).iter().enumerate() {
            ws.write_string_with_format(r, c as u16, v, &cell)?;
        }
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

// ---------------------------------------------------------------------------------------
// Parsing

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

/// 抽查任务 as read from one row of an imported plan table, every cell checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRowInput {
    /// 1-based sheet row.
    pub row: usize,
    pub plan_no: String,
    pub plan_name: String,
    pub task_no: String,
    pub task_name: String,
    pub kind: TaskKind,
    pub ratio_bp: u32,
    pub items: Vec<String>,
    pub scope: String,
    /// 发起部门 as written (short name, full name or id).
    pub initiating: String,
    /// 联合部门 as written; `None` when blank or “无”.
    pub joint: Option<String>,
    pub window: Window,
}

/// A plan table read from an .xlsx file: the good rows and every problem of the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPlanSheet {
    /// The worksheet the table was found on.
    pub sheet: String,
    /// The first non-empty cell above the header row.
    pub title: Option<String>,
    /// The 备注 row's text, when the sheet has one.
    pub remarks: Option<String>,
    /// Rows without problems, in sheet order.
    pub rows: Vec<PlanRowInput>,
    /// Problems of the other rows, in sheet order.
    pub errors: Vec<RowError>,
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

/// One task row's cell texts, trimmed, in [`PLAN_COLUMNS`] order.
struct RawRow {
    row: usize,
    cells: [String; COLS],
    /// The 抽查比例 cell when Excel stored it as a number (a typed `2%` is 0.02).
    ratio_number: Option<f64>,
}

/// The table found on a worksheet, before any cell is checked.
struct SheetContents {
    name: String,
    title: Option<String>,
    remarks: Option<String>,
    rows: Vec<RawRow>,
}

fn read_sheet(bytes: &[u8]) -> Result<SheetContents, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::EmptyFile);
    }
    let sheets =
        crate::ssr::files::xlsx_read::read_sheets(bytes, &crate::ssr::files::xlsx_read::Limits::PLAN)
            .map_err(|e| match e {
                crate::ssr::files::xlsx_read::XlsxError::NotXlsx => SheetError::NotXlsx,
                other => SheetError::OverLimit(other.to_string()),
            })?;
    if sheets.is_empty() {
        return Err(SheetError::NoSheet);
    }
    let mut any_cells = false;
    let mut closest: Option<Vec<String>> = None;
    for (name, rows) in sheets {
        let range = crate::ssr::files::xlsx_read::to_range(&rows);
        let Some((first_row, _)) = range.start() else { continue };
        any_cells = true;
        let grid: Vec<Vec<&Data>> = range.rows().map(|r| r.iter().collect()).collect();
        match find_header(&grid) {
            Ok((at, columns)) => return extract(name, &grid, first_row as usize, at, columns),
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
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_owned(),
    }
}

/// A header compared without any whitespace, so `抽查计划\n编号` still counts.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
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
        rows.push(RawRow { row: first_row + i + 1, cells, ratio_number });
    }
    if rows.is_empty() {
        return Err(SheetError::NoTasks);
    }
    Ok(SheetContents { name, title, remarks, rows })
}

fn row_error(row: usize, col: usize, message: String) -> RowError {
    RowError { row, column: PLAN_COLUMNS[col].to_owned(), message }
}

/// Checks every row; a row repeating an earlier (plan no, task no) is an error too.
fn parse_rows(raws: &[RawRow]) -> Vec<Result<PlanRowInput, Vec<RowError>>> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    raws.iter()
        .map(|raw| {
            let mut result = parse_row(raw);
            let key = (raw.cells[PLAN_NO].as_str(), raw.cells[TASK_NO].as_str());
            if !key.0.is_empty() && !key.1.is_empty() {
                if let Some(first) = seen.get(&key) {
                    let dup = row_error(
                        raw.row,
                        TASK_NO,
                        format!(
                            "与第 {first} 行重复：抽查计划编号“{}”下的抽查任务编号“{}”只能出现一次",
                            key.0, key.1
                        ),
                    );
                    result = match result {
                        Ok(_) => Err(vec![dup]),
                        Err(mut e) => {
                            e.push(dup);
                            e.sort_by_key(|e| column_index(&e.column));
                            Err(e)
                        }
                    };
                } else {
                    seen.insert(key, raw.row);
                }
            }
            result
        })
        .collect()
}

fn column_index(header: &str) -> usize {
    PLAN_COLUMNS.iter().position(|h| *h == header).unwrap_or(COLS)
}

fn parse_row(raw: &RawRow) -> Result<PlanRowInput, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut err = |col: usize, message: String| errors.push(row_error(raw.row, col, message));
    let cell = |col: usize| raw.cells[col].as_str();
    for col in [PLAN_NO, PLAN_NAME, TASK_NO, TASK_NAME, KIND, RATIO, ITEMS, SCOPE, INITIATING, WINDOW] {
        if cell(col).is_empty() {
            let expected = match col {
                KIND => "应为“定向”或“不定向”".to_owned(),
                _ => format!("应填写如“{}”", EXAMPLES[col]),
            };
            err(col, format!("未填写{}；{expected}", PLAN_COLUMNS[col]));
        }
    }
    // The same lengths as the task form's (TaskDraft::validate).
    for (col, name) in PLAN_COLUMNS.iter().enumerate() {
        let (n, max) = (cell(col).chars().count(), if col == SCOPE || col == ITEMS { 2000 } else { 200 });
        if n > max {
            err(col, format!("{name}过长：{n} 个字符，最多 {max} 个"));
        }
    }
    let plan_no = cell(PLAN_NO);
    if !plan_no.is_empty() && !plan_no.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        err(
            PLAN_NO,
            format!("抽查计划编号“{plan_no}”含有不允许的字符；只能由字母、数字和连字符组成，如“2023001”"),
        );
    }
    let task_no = cell(TASK_NO);
    if !task_no.is_empty() && !task_no.chars().any(|c| c.is_ascii_digit()) {
        err(TASK_NO, format!("抽查任务编号“{task_no}”中没有数字；应如“001 号”"));
    }
    let kind = match cell(KIND) {
        "" => None,
        k => {
            let k = TaskKind::parse(&squeeze(k));
            if k.is_none() {
                err(KIND, format!("抽查类型“{}”无法识别；应为“定向”或“不定向”", cell(KIND)));
            }
            k
        }
    };
    let ratio = match (cell(RATIO), raw.ratio_number) {
        ("", _) => None,
        (text, number) => parse_ratio(text, number).map_err(|m| err(RATIO, m)).ok(),
    };
    let items = split_items(cell(ITEMS));
    if !cell(ITEMS).is_empty() && items.is_empty() {
        err(ITEMS, format!("抽查事项“{}”中没有事项名称；应如“{}”", cell(ITEMS), EXAMPLES[ITEMS]));
    }
    let window = match cell(WINDOW) {
        "" => None,
        text => parse_window(text).map_err(|m| err(WINDOW, m)).ok(),
    };
    let joint = Some(cell(JOINT)).filter(|j| !j.is_empty() && !NO_JOINT.contains(j)).map(str::to_owned);
    match (kind, ratio, window) {
        (Some(kind), Some(ratio_bp), Some(window)) if errors.is_empty() => Ok(PlanRowInput {
            row: raw.row,
            plan_no: plan_no.to_owned(),
            plan_name: cell(PLAN_NAME).to_owned(),
            task_no: task_no.to_owned(),
            task_name: cell(TASK_NAME).to_owned(),
            kind,
            ratio_bp,
            items,
            scope: cell(SCOPE).to_owned(),
            initiating: cell(INITIATING).to_owned(),
            joint,
            window,
        }),
        _ => {
            errors.sort_by_key(|e| column_index(&e.column));
            Err(errors)
        }
    }
}

/// 抽查比例 in basis points: `2%`, `2.5%`, `0.05%` (also `２％`); a number cell is the
/// fraction Excel stores for a percentage (0.02 for 2%).
pub fn parse_ratio(text: &str, number: Option<f64>) -> Result<u32, String> {
    let out_of_range = || format!("抽查比例“{text}”超出 0%–100%；应写成百分数，如“2%”");
    let too_fine = || format!("抽查比例“{text}”的精度超过 0.01%；最多保留两位小数，如“2.5%”");
    if let Some(f) = number {
        let bp = f * 10_000.0;
        if !(-1e-6..=10_000.0 + 1e-6).contains(&bp) {
            return Err(out_of_range());
        }
        if (bp - bp.round()).abs() > 1e-6 {
            return Err(too_fine());
        }
        return Ok(bp.round() as u32);
    }
    let s: String = squeeze(text).chars().map(full_width_to_ascii).collect();
    let not_percent = || format!("抽查比例“{text}”不是百分数；应写成如“2%”“2.5%”");
    let num = s.strip_suffix('%').ok_or_else(not_percent)?;
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(not_percent());
    }
    if frac.len() > 2 {
        return Err(too_fine());
    }
    let int: u32 = if int.is_empty() { 0 } else { int.parse().map_err(|_| out_of_range())? };
    let frac: u32 = format!("{frac:0<2}").parse().unwrap_or(0);
    let bp = int.checked_mul(100).and_then(|v| v.checked_add(frac)).ok_or_else(out_of_range)?;
    if bp > 10_000 {
        return Err(out_of_range());
    }
    Ok(bp)
}

fn full_width_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '％' => '%',
        '．' => '.',
        _ => c,
    }
}

/// 抽查时间: `2023 年 3 月-4 月`, also without spaces, `2023年3-4月`, `2023年3月至4月`,
/// `2023年3月-2023年4月`, full-width dashes, or one month (`2023 年 5 月`).
pub fn parse_window(text: &str) -> Result<Window, String> {
    let unreadable = || format!("抽查时间“{text}”无法识别；应写成如“2023 年 3 月-4 月”");
    let s: Vec<char> = squeeze(text)
        .chars()
        .map(full_width_to_ascii)
        .map(|c| match c {
            '－' | '—' | '–' | '‐' | '‑' | '‒' | '―' | '~' | '～' | '〜' | '至' | '到' => {
                '-'
            }
            _ => c,
        })
        .collect();
    let mut at = 0;
    let number = |at: &mut usize| -> Option<u32> {
        let start = *at;
        while *at < s.len() && s[*at].is_ascii_digit() {
            *at += 1;
        }
        (*at > start && *at - start <= 4)
            .then(|| s[start..*at].iter().collect::<String>().parse().ok())
            .flatten()
    };
    let eat = |at: &mut usize, c: char| -> bool {
        let ok = s.get(*at) == Some(&c);
        if ok {
            *at += 1;
        }
        ok
    };
    let year = number(&mut at).filter(|y| (1000..=9999).contains(y)).ok_or_else(unreadable)?;
    if !eat(&mut at, '年') {
        return Err(unreadable());
    }
    let start = number(&mut at).ok_or_else(unreadable)?;
    eat(&mut at, '月');
    let end = if at == s.len() {
        start
    } else {
        if !eat(&mut at, '-') {
            return Err(unreadable());
        }
        let mut end = number(&mut at).ok_or_else(unreadable)?;
        if eat(&mut at, '年') {
            if end != year {
                return Err(format!(
                    "抽查时间“{text}”跨年；一项任务的抽查时间须在同一年内，如“{year} 年 3 月-4 月”"
                ));
            }
            end = number(&mut at).ok_or_else(unreadable)?;
        }
        eat(&mut at, '月');
        if at != s.len() {
            return Err(unreadable());
        }
        end
    };
    for m in [start, end] {
        if !(1..=12).contains(&m) {
            return Err(format!(
                "抽查时间“{text}”中的月份 {m} 不在 1–12 之间；应写成如“{year} 年 3 月-4 月”"
            ));
        }
    }
    if end < start {
        return Err(format!(
            "抽查时间“{text}”的结束月份（{end} 月）早于开始月份（{start} 月）；应写成如“{year} 年 {end} 月-{start} 月”"
        ));
    }
    Window::new(year as i32, start, end).ok_or_else(unreadable)
}

/// 抽查事项 split on 、，,；; or line breaks, each name trimmed, repeats dropped.
pub fn split_items(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for part in text.split(['、', '，', ',', '；', ';', '\n', '\r']) {
        let name = part.trim().trim_end_matches('。').trim();
        if !name.is_empty() && !items.iter().any(|i| i == name) {
            items.push(name.to_owned());
        }
    }
    items
}

/// The 登记备案 cut-off date a scope text names, e.g. `2023 年 1 月 31 前…` → `2023-01-31`.
pub fn filed_before_of(scope: &str) -> Option<String> {
    let s: Vec<char> = squeeze(scope).chars().map(full_width_to_ascii).collect();
    let digits_at = |i: usize| -> (u32, usize) {
        let mut j = i;
        while j < s.len() && s[j].is_ascii_digit() && j - i < 4 {
            j += 1;
        }
        (s[i..j].iter().collect::<String>().parse().unwrap_or(0), j)
    };
    for i in 0..s.len() {
        if !s[i].is_ascii_digit() || (i > 0 && s[i - 1].is_ascii_digit()) {
            continue;
        }
        let (y, j) = digits_at(i);
        if j - i != 4 {
            continue;
        }
        let sep = s.get(j).copied();
        let (month_end, day_sep) = match sep {
            Some('年') => ('月', None),
            Some(c @ ('-' | '/' | '.')) => (c, Some(c)),
            _ => continue,
        };
        if j + 1 >= s.len() || !s[j + 1].is_ascii_digit() {
            continue;
        }
        let (m, k) = digits_at(j + 1);
        if s.get(k) != Some(&month_end) || k + 1 >= s.len() || !s[k + 1].is_ascii_digit() {
            continue;
        }
        let (d, l) = digits_at(k + 1);
        if day_sep.is_some() && l - (k + 1) > 2 {
            continue;
        }
        if is_real_date(y, m, d) {
            return Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    None
}

fn is_real_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=9999).contains(&y) && (1..=days).contains(&d)
}

/// The 市场主体类别 a targeted task's scope or name mentions: a category the registry
/// holds, else one of the demo keywords. 不定向 tasks have none.
fn infer_category(kind: TaskKind, scope: &str, task_name: &str, known: &[String]) -> Option<String> {
    if kind != TaskKind::Targeted {
        return None;
    }
    [scope, task_name].into_iter().find_map(|text| {
        known.iter().find(|c| text.contains(c.as_str())).cloned().or_else(|| {
            CATEGORY_KEYWORDS.iter().find(|(k, _)| text.contains(k)).map(|(_, c)| (*c).to_owned())
        })
    })
}

// ---------------------------------------------------------------------------------------
// Applying

/// One checked row and what it does to the database.
struct Planned<'a> {
    input: &'a PlanRowInput,
    initiating_id: String,
    joint_id: Option<String>,
    item_ids: Vec<i64>,
    category: Option<String>,
    filed_before: Option<String>,
    /// `Some((task id, the task before, as JSON))` for an update.
    existing: Option<(i64, serde_json::Value)>,
}

/// Everything the import would do, and every reason it must not.
struct ImportPlan<'a> {
    plan: Option<(i64, String, String)>,
    rows: Vec<Planned<'a>>,
    rejected: Vec<RowError>,
}

/// Imports a plan table into the annual plan of `year` (created if missing): each row
/// adds a task or updates the one with the same plan and task number. With
/// `apply == false`, or when any row is rejected, nothing is written.
///
/// Each row is held to the rules of the task form (`db::tasks::save`): with
/// `only_department` (a departmental account's), a row adds a task only for that
/// department and changes only that department's tasks. A row breaking that is refused
/// by row and column like any other bad cell.
pub async fn import_plan(
    db: &AnyPool,
    year: i32,
    bytes: &[u8],
    apply: bool,
    actor: Actor<'_>,
    only_department: Option<&str>,
) -> Result<ImportReport, AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("年度", "年度须在 2000–2100 之间"));
    }
    let sheet = read_sheet(bytes)?;
    let parsed = parse_rows(&sheet.rows);
    let report = |plan: &ImportPlan<'_>, applied: bool| ImportReport {
        added: plan.rows.iter().filter(|r| r.existing.is_none()).count(),
        updated: plan.rows.iter().filter(|r| r.existing.is_some()).count(),
        rejected: plan.rejected.clone(),
        applied,
    };
    if !apply {
        let mut conn = db.acquire().await?;
        let plan = plan_import(&mut conn, year, &sheet, &parsed, only_department).await?;
        return Ok(report(&plan, false));
    }
    // Checked again inside the transaction, so nothing can change between check and write.
    let mut tx = crate::ssr::db::begin_write(db).await?;
    let plan = plan_import(&mut tx, year, &sheet, &parsed, only_department).await?;
    if !plan.rejected.is_empty() {
        return Ok(report(&plan, false)); // dropping `tx` rolls back (nothing was written)
    }
    write_import(&mut tx, year, &sheet, &plan, actor).await?;
    tx.commit().await?;
    Ok(report(&plan, true))
}

/// The task with a plan and task number, its status, its plan's year and the task as a JSON
/// object (what an import would overwrite, for the audit entry).
fn task_json_sql(backend: Backend) -> String {
    let fields = "'plan_no', t.plan_no, 'plan_name', t.plan_name, \
                  'task_no', t.task_no, 'task_name', t.task_name, 'kind', t.kind, 'ratio_bp', t.ratio_bp, \
                  'scope_text', t.scope_text, 'scope_category', t.scope_category, \
                  'scope_filed_before', t.scope_filed_before, \
                  'initiating_department_id', t.initiating_department_id, \
                  'joint_department_id', t.joint_department_id, 'window_year', t.window_year, \
                  'window_start_month', t.window_start_month, 'window_end_month', t.window_end_month";
    let object = match backend {
        Backend::Sqlite => format!(
            "json_object({fields}, 'items', (SELECT json_group_array(ti.item_id) FROM \
             (SELECT item_id FROM task_items WHERE task_id = t.id ORDER BY position) ti))"
        ),
        Backend::Postgres => format!(
            "CAST(json_build_object({fields}, 'items', coalesce((SELECT json_agg(ti.item_id ORDER BY ti.position) \
             FROM task_items ti WHERE ti.task_id = t.id), '[]'::json)) AS TEXT)"
        ),
    };
    format!(
        "SELECT t.id, t.status, p.year, {object} FROM tasks t JOIN annual_plans p ON p.id = t.annual_plan_id \
         WHERE t.plan_no = $1 AND t.task_no = $2"
    )
}

async fn plan_import<'a>(
    conn: &mut AnyConnection,
    year: i32,
    sheet: &SheetContents,
    parsed: &'a [Result<PlanRowInput, Vec<RowError>>],
    only_department: Option<&str>,
) -> Result<ImportPlan<'a>, sqlx::Error> {
    let departments: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, name, short_name FROM departments ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let items: HashMap<String, (i64, bool)> =
        sqlx::query_as::<_, (String, i64, i64)>("SELECT name, id, active FROM inspection_items")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(name, id, active)| (name, (id, active != 0)))
            .collect();
    let mut categories: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT category FROM enterprises").fetch_all(&mut *conn).await?;
    categories.sort_by_key(|c| std::cmp::Reverse(c.chars().count()));
    let plan: Option<(i64, String, String)> =
        sqlx::query_as("SELECT id, title, remarks FROM annual_plans WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(&mut *conn)
            .await?;

    let task_json_sql = task_json_sql(Backend::of(conn));
    let short_names: Vec<&str> = departments.iter().map(|d| d.2.as_str()).collect();
    let department_name = |id: &str| -> String {
        departments.iter().find(|d| d.0 == id).map_or_else(|| id.to_string(), |d| d.2.clone())
    };
    // The department a task belongs to now, from the JSON of the task as stored.
    let before_department = |before: &str| -> Option<String> {
        serde_json::from_str::<serde_json::Value>(before)
            .ok()?
            .get("initiating_department_id")?
            .as_str()
            .map(str::to_string)
    };
    let department = |text: &str| -> Option<String> {
        let t = squeeze(text);
        departments
            .iter()
            .find(|(id, name, short)| t == *id || t == squeeze(name) || t == squeeze(short))
            .map(|d| d.0.clone())
    };

    let mut out = ImportPlan { plan: plan.clone(), rows: Vec::new(), rejected: Vec::new() };
    for (raw, result) in sheet.rows.iter().zip(parsed) {
        let mut errors: Vec<RowError> = match result {
            Ok(_) => Vec::new(),
            Err(e) => e.clone(),
        };
        let mut err = |col: usize, message: String| errors.push(row_error(raw.row, col, message));

        // Departments and items are checked on every row, so one pass shows all problems.
        let mut resolve = |col: usize| -> Option<String> {
            let text = raw.cells[col].as_str();
            if text.is_empty() || (col == JOINT && NO_JOINT.contains(&text)) {
                return None;
            }
            let id = department(text);
            if id.is_none() {
                err(
                    col,
                    format!(
                        "未知的部门“{text}”；应填写部门简称、全称或编号，如：{}",
                        short_names.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、")
                    ),
                );
            }
            id
        };
        let initiating_id = resolve(INITIATING);
        let joint_id = resolve(JOINT);

        let mut item_ids = Vec::new();
        let mut unknown = Vec::new();
        for name in split_items(&raw.cells[ITEMS]) {
            match items.get(&name) {
                Some((id, true)) => item_ids.push(*id),
                Some((_, false)) => {
                    err(ITEMS, format!("抽查事项“{name}”已停用；请改用抽查事项清单中在用的事项"))
                }
                None => unknown.push(format!("“{name}”")),
            }
        }
        if !unknown.is_empty() {
            err(
                ITEMS,
                format!(
                    "抽查事项清单中没有{}；请核对名称（多个事项用“、”分隔），或先在抽查事项清单中添加该事项",
                    unknown.join("、")
                ),
            );
        }

        let mut existing = None;
        // An existing task of another department (refused once, on its task number).
        let mut foreign = false;
        if let Ok(input) = result {
            if input.window.year != year {
                err(
                    WINDOW,
                    format!(
                        "抽查时间“{}”不在 {year} 年内；导入的是 {year} 年度计划，应写成如“{year} 年 3 月-4 月”",
                        raw.cells[WINDOW]
                    ),
                );
            }
            let found: Option<(i64, String, i64, String)> = sqlx::query_as(&task_json_sql)
                .bind(&input.plan_no)
                .bind(&input.task_no)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some((id, status, task_year, before)) = found {
                if task_year != i64::from(year) {
                    err(
                        TASK_NO,
                        format!(
                            "抽查计划编号“{}”、抽查任务编号“{}”已用于 {task_year} 年度计划；请改用新的编号",
                            input.plan_no, input.task_no
                        ),
                    );
                } else if let Some(owner) =
                    before_department(&before).filter(|d| only_department.is_some_and(|own| own != d))
                {
                    foreign = true;
                    err(
                        TASK_NO,
                        format!(
                            "抽查任务“{}”属于{}，只能由该部门的经办人修改；请删除此行",
                            input.task_no,
                            department_name(&owner)
                        ),
                    );
                } else {
                    match TaskStatus::parse(&status) {
                        Some(s) if s.editable() => {
                            let before = serde_json::from_str(&before).unwrap_or(serde_json::Value::Null);
                            existing = Some((id, before));
                        }
                        other => err(
                            TASK_NO,
                            format!(
                                "该任务已提交审批，只有草稿或被退回的任务才能修改（当前状态：{}）；请删除此行或改用新的任务编号",
                                other.map_or(status.as_str(), |s| s.label())
                            ),
                        ),
                    }
                }
            }
            match (only_department, initiating_id.as_deref()) {
                (Some(own), Some(id)) if id != own && !foreign => err(
                    INITIATING,
                    format!(
                        "发起部门为“{}”；经办人只能导入本部门（{}）发起的任务",
                        department_name(id),
                        department_name(own)
                    ),
                ),
                _ => {}
            }
            if errors.is_empty() {
                out.rows.push(Planned {
                    input,
                    initiating_id: initiating_id.unwrap_or_default(),
                    joint_id,
                    item_ids,
                    category: infer_category(input.kind, &input.scope, &input.task_name, &categories),
                    filed_before: filed_before_of(&input.scope),
                    existing,
                });
                continue;
            }
        }
        errors.sort_by_key(|e| column_index(&e.column));
        out.rejected.extend(errors);
    }
    out.rejected.sort_by_key(|e| e.row); // stable: columns stay in order within a row
    Ok(out)
}

async fn write_import(
    conn: &mut AnyConnection,
    year: i32,
    sheet: &SheetContents,
    plan: &ImportPlan<'_>,
    actor: Actor<'_>,
) -> Result<(), sqlx::Error> {
    let (plan_id, plan_before) = match &plan.plan {
        Some((id, title, remarks)) => {
            sqlx::query("UPDATE annual_plans SET title = COALESCE($1, title), remarks = COALESCE($2, remarks) WHERE id = $3")
                .bind(&sheet.title)
                .bind(&sheet.remarks)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            (*id, serde_json::json!({ "title": title, "remarks": remarks }))
        }
        None => {
            let title = sheet.title.clone().unwrap_or_else(|| format!("{year} 年度随机抽查工作计划"));
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO annual_plans (year, title, remarks) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(i64::from(year))
            .bind(&title)
            .bind(sheet.remarks.as_deref().unwrap_or(""))
            .fetch_one(&mut *conn)
            .await?;
            (id, serde_json::Value::Null)
        }
    };
    let mut position: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(position) + 1, 0) FROM tasks WHERE annual_plan_id = $1")
            .bind(plan_id)
            .fetch_one(&mut *conn)
            .await?;

    let mut added = Vec::new();
    let mut updated = Vec::new();
    let mut before_tasks = Vec::new();
    for p in &plan.rows {
        let r = p.input;
        let task_id = match &p.existing {
            None => {
                let id = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO tasks (annual_plan_id, plan_no, plan_name, task_no, task_name, kind, ratio_bp, \
                     scope_text, scope_category, scope_filed_before, initiating_department_id, joint_department_id, \
                     window_year, window_start_month, window_end_month, status, position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $16) RETURNING id",
                )
                .bind(plan_id)
                .bind(&r.plan_no)
                .bind(&r.plan_name)
                .bind(&r.task_no)
                .bind(&r.task_name)
                .bind(r.kind.code())
                .bind(i64::from(r.ratio_bp))
                .bind(&r.scope)
                .bind(&p.category)
                .bind(&p.filed_before)
                .bind(&p.initiating_id)
                .bind(&p.joint_id)
                .bind(i64::from(r.window.year))
                .bind(i64::from(r.window.start_month))
                .bind(i64::from(r.window.end_month))
                .bind(position)
                .fetch_one(&mut *conn)
                .await?;
                position += 1;
                id
            }
            Some((id, before)) => {
                // Structured scope filters the text does not name are kept, not erased;
                // the status is never touched by an import.
                sqlx::query(
                    "UPDATE tasks SET plan_name = $1, task_name = $2, kind = $3, ratio_bp = $4, scope_text = $5, \
                     scope_category = CASE WHEN $6 = 'general' THEN NULL ELSE COALESCE($7, scope_category) END, \
                     scope_filed_before = COALESCE($8, scope_filed_before), \
                     initiating_department_id = $9, joint_department_id = $10, \
                     window_year = $11, window_start_month = $12, window_end_month = $13 WHERE id = $14",
                )
                .bind(&r.plan_name)
                .bind(&r.task_name)
                .bind(r.kind.code())
                .bind(i64::from(r.ratio_bp))
                .bind(&r.scope)
                .bind(r.kind.code())
                .bind(&p.category)
                .bind(&p.filed_before)
                .bind(&p.initiating_id)
                .bind(&p.joint_id)
                .bind(i64::from(r.window.year))
                .bind(i64::from(r.window.start_month))
                .bind(i64::from(r.window.end_month))
                .bind(id)
                .execute(&mut *conn)
                .await?;
                sqlx::query("DELETE FROM task_items WHERE task_id = $1").bind(id).execute(&mut *conn).await?;
                before_tasks.push(serde_json::json!({ "id": id, "task": before }));
                *id
            }
        };
        for (i, item) in p.item_ids.iter().enumerate() {
            sqlx::query("INSERT INTO task_items (task_id, item_id, position) VALUES ($1, $2, $3)")
                .bind(task_id)
                .bind(item)
                .bind(i as i64)
                .execute(&mut *conn)
                .await?;
        }
        let after = serde_json::json!({
            "id": task_id,
            "row": r.row,
            "plan_no": r.plan_no,
            "plan_name": r.plan_name,
            "task_no": r.task_no,
            "task_name": r.task_name,
            "kind": r.kind.code(),
            "ratio_bp": r.ratio_bp,
            "items": p.item_ids,
            "scope_text": r.scope,
            "scope_category": p.category,
            "scope_filed_before": p.filed_before,
            "initiating_department_id": p.initiating_id,
            "joint_department_id": p.joint_id,
            "window": r.window.label(),
        });
        if p.existing.is_some() {
            updated.push(after)
        } else {
            added.push(after)
        }
    }

    let plan_id_text = plan_id.to_string();
    audit::append(
        conn,
        Change {
            actor: actor.name,
            role: actor.role,
            action: "plan.import",
            entity_type: "annual_plan",
            entity_id: &plan_id_text,
            before: Some(serde_json::json!({ "plan": plan_before, "tasks": before_tasks })),
            after: Some(serde_json::json!({
                "year": year,
                "sheet": sheet.name,
                "title": sheet.title,
                "remarks": sheet.remarks,
                "added": added,
                "updated": updated,
            })),
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::{db, seed::demo};
    use calamine::{Reader, Xlsx};
    use std::io::Cursor;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const CLERK: Actor<'static> = Actor { name: "jingban", role: "clerk" };

    /// A new database in its own directory under the system temp dir.
    async fn fresh_db() -> (AnyPool, std::path::PathBuf) {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "shuangsui-plan-sheet-{}-{nanos}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let pool = db::connect(&format!("sqlite://{}/t.db", dir.display())).await.unwrap();
        (pool, dir)
    }

    /// The demo database with its 2023 plan.
    async fn demo_db() -> (AnyPool, std::path::PathBuf) {
        let (pool, dir) = fresh_db().await;
        assert!(demo::seed_if_empty(&pool).await.unwrap());
        (pool, dir)
    }

    /// Departments, regions and the four demo 抽查事项, but no plan.
    async fn reference_db() -> (AnyPool, std::path::PathBuf) {
        let (pool, dir) = fresh_db().await;
        let mut conn = pool.acquire().await.unwrap();
        db::seed::insert_reference_data(&mut conn).await.unwrap();
        for (name, dept) in [
            ("成品油零售企业年度检查情况", "swj-zfzd"),
            ("依法依规经营情况", "swj-zfzd"),
            ("拍卖企业设立变更情况", "swj-smfw"),
            ("二手车备案登记情况", "swj-sctx"),
        ] {
            sqlx::query("INSERT INTO inspection_items (name, department_id) VALUES ($1, $2)")
                .bind(name)
                .bind(dept)
                .execute(&mut *conn)
                .await
                .unwrap();
        }
        drop(conn);
        (pool, dir)
    }

    async fn demo_export() -> (AnnualPlan, Vec<u8>) {
        let (pool, dir) = demo_db().await;
        let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().expect("demo plan");
        let bytes = export_xlsx(&plan).unwrap();
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
        (plan, bytes)
    }

    async fn count(pool: &AnyPool, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.unwrap()
    }

    /// Every cell of the first sheet as text, row by row from A1.
    fn cells_of(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(range.start(), Some((0, 0)));
        (name, range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
    }

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

    #[tokio::test]
    async fn demo_plan_round_trips() {
        let (plan, bytes) = demo_export().await;
        let parsed = parse_xlsx(&bytes).unwrap();
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.sheet, "2023年度计划");
        assert_eq!(parsed.title.as_deref(), Some(plan.title.as_str()));
        assert_eq!(parsed.remarks.as_deref(), Some(plan.remarks.as_str()));
        assert_eq!(parsed.rows.len(), plan.tasks.len());
        for (i, (row, task)) in parsed.rows.iter().zip(&plan.tasks).enumerate() {
            assert_eq!(row.row, i + 3);
            assert_eq!(row.plan_no, task.plan_no);
            assert_eq!(row.plan_name, task.plan_name);
            assert_eq!(row.task_no, task.task_no);
            assert_eq!(row.task_name, task.task_name);
            assert_eq!(row.kind, task.kind);
            assert_eq!(row.ratio_bp, task.ratio_bp);
            assert_eq!(row.items.join("、"), task.items);
            assert_eq!(row.scope, task.scope);
            assert_eq!(row.initiating, task.initiating_department);
            assert_eq!(row.joint, task.joint_department);
            assert_eq!(row.window, task.window);
        }
    }

    #[tokio::test]
    async fn export_reproduces_the_founding_table() {
        let (_, bytes) = demo_export().await;
        let (name, rows) = cells_of(&bytes);
        assert_eq!(name, "2023年度计划");
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[0][0], "邯郸市商务局 2023 年度随机抽查工作计划");
        assert!(rows[0][1..].iter().all(String::is_empty));
        assert_eq!(rows[1], PLAN_COLUMNS);
        assert_eq!(rows[2], FIRST_ROW);
        assert_eq!(rows[3][..3], ["2023002", "2023 年邯郸市商务局第二次内部联合随机抽查 002", "002 号"]);
        assert_eq!(rows[3][8..], ["商贸服务处", "执法支队", "2023 年 5 月-6 月"]);
        assert_eq!(rows[4][8..], ["市场体系处", "市场监管", "2023 年 7 月-9 月"]);
        assert_eq!(rows[5][0], "备注");
        assert_eq!(rows[5][1], "1、无特殊情况，严格按计划执行； 2、专项检查不计入本计划。");

        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(&bytes[..])).unwrap();
        let merged: Vec<_> =
            wb.merge_cells_by_sheet_name(&name).unwrap().into_iter().map(|d| (d.start, d.end)).collect();
        assert!(merged.contains(&((0, 0), (0, 10))), "title merged across A..K: {merged:?}");
        assert!(merged.contains(&((5, 1), (5, 10))), "remarks merged across B..K: {merged:?}");
    }

    #[tokio::test]
    async fn import_adds_then_updates_and_refuses_submitted_tasks() {
        let (demo_plan, bytes) = demo_export().await;
        let (pool, dir) = reference_db().await;

        let dry = import_plan(&pool, 2023, &bytes, false, CLERK, None).await.unwrap();
        assert_eq!(dry, ImportReport { added: 3, updated: 0, rejected: vec![], applied: false });
        assert_eq!(count(&pool, "annual_plans").await, 0);
        assert_eq!(count(&pool, "tasks").await, 0);

        let done = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
        assert_eq!(done, ImportReport { added: 3, updated: 0, rejected: vec![], applied: true });
        let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
        assert_eq!(plan.title, demo_plan.title);
        assert_eq!(plan.remarks, demo_plan.remarks);
        assert_eq!(plan.tasks.len(), 3);
        for (got, want) in plan.tasks.iter().zip(&demo_plan.tasks) {
            assert_eq!(task_cells(got), task_cells(want));
            assert_eq!(got.initiating_department_id, want.initiating_department_id);
            assert_eq!(got.joint_department_id, want.joint_department_id);
            assert_eq!(got.status, TaskStatus::Draft);
        }
        let scopes: Vec<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT scope_category, scope_filed_before FROM tasks ORDER BY position")
                .fetch_all(&pool)
                .await
                .unwrap();
        let date = Some("2023-01-31".to_owned());
        assert_eq!(
            scopes,
            [
                (Some("成品油零售企业".to_owned()), date.clone()),
                (Some("拍卖企业".to_owned()), date.clone()),
                (Some("二手车销售企业".to_owned()), date),
            ]
        );
        let audit: Vec<(String, String, String)> =
            sqlx::query_as("SELECT actor, role, action FROM audit_log").fetch_all(&pool).await.unwrap();
        assert_eq!(audit, [("jingban".to_owned(), "clerk".to_owned(), "plan.import".to_owned())]);

        let again = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
        assert_eq!(again, ImportReport { added: 0, updated: 3, rejected: vec![], applied: true });
        assert_eq!(count(&pool, "tasks").await, 3);
        assert_eq!(count(&pool, "task_items").await, 6);
        assert_eq!(count(&pool, "audit_log").await, 2);
        let plan_again = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
        assert_eq!(plan_again, plan);

        // Once a task is submitted for approval the sheet may no longer change it.
        sqlx::query("UPDATE tasks SET status = 'submitted' WHERE task_no = '002 号'")
            .execute(&pool)
            .await
            .unwrap();
        let refused = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
        assert!(!refused.applied);
        assert_eq!(refused.rejected.len(), 1);
        let e = &refused.rejected[0];
        assert_eq!((e.row, e.column.as_str()), (4, "抽查任务编号"));
        assert!(e.message.starts_with("该任务已提交审批"), "{}", e.message);
        assert_eq!(count(&pool, "audit_log").await, 2);

        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn reimport_into_the_demo_database_refuses_tasks_past_draft() {
        let (pool, dir) = demo_db().await;
        let plan = db::plans::plan_of_year(&pool, 2023).await.unwrap().unwrap();
        let bytes = export_xlsx(&plan).unwrap();
        let report = import_plan(&pool, 2023, &bytes, false, CLERK, None).await.unwrap();
        // Submitted, filed and drawn: none of the demo tasks is a draft any more.
        assert_eq!((report.added, report.updated, report.applied), (0, 0, false));
        assert_eq!(report.rejected.len(), 3);
        assert!(report.rejected.iter().all(|r| r.column == "抽查任务编号"));
        // The same numbers cannot be reused for another year either.
        let other = import_plan(&pool, 2024, &bytes, false, CLERK, None).await.unwrap();
        assert_eq!(other.rejected.iter().filter(|e| e.column == "抽查时间").count(), 3);
        assert_eq!(other.rejected.iter().filter(|e| e.message.contains("已用于 2023 年度计划")).count(), 3);
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn bad_rows_are_all_reported_and_nothing_is_written() {
        let row = |plan_no: &'static str, task_no: &'static str| -> Vec<&'static str> {
            let mut r = FIRST_ROW.to_vec();
            r[0] = plan_no;
            r[2] = task_no;
            r
        };
        let mut bad_ratio = row("2023002", "002 号");
        bad_ratio[RATIO] = "abc";
        let mut bad_window = row("2023003", "003 号");
        bad_window[WINDOW] = "2023 年 9 月-3 月";
        let mut bad_department = row("2023004", "004 号");
        bad_department[INITIATING] = "不存在的处";
        let duplicate = row("2023001", "001 号");
        let mut several = row("2023005", "005 号");
        several[KIND] = "半定向";
        several[ITEMS] = "依法依规经营情况、不存在的事项";
        several[JOINT] = "无";
        let bytes = workbook(&[
            vec!["", "测试计划"],
            PLAN_COLUMNS.to_vec(),
            FIRST_ROW.to_vec(),
            bad_ratio,
            bad_window,
            bad_department,
            duplicate,
            several,
            vec!["备注", "只是测试"],
        ]);

        let parsed = parse_xlsx(&bytes).unwrap();
        assert_eq!(parsed.title.as_deref(), Some("测试计划"));
        assert_eq!(parsed.remarks.as_deref(), Some("只是测试"));
        assert_eq!(parsed.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [3, 6]);
        let at = |errors: &[RowError]| -> Vec<(usize, String)> {
            errors.iter().map(|e| (e.row, e.column.clone())).collect()
        };
        let want = |list: &[(usize, &str)]| -> Vec<(usize, String)> {
            list.iter().map(|(r, c)| (*r, c.to_string())).collect()
        };
        assert_eq!(
            at(&parsed.errors),
            want(&[(4, "抽查比例"), (5, "抽查时间"), (7, "抽查任务编号"), (8, "抽查类型")])
        );

        let (pool, dir) = reference_db().await;
        let report = import_plan(&pool, 2023, &bytes, true, CLERK, None).await.unwrap();
        assert!(!report.applied);
        assert_eq!(
            at(&report.rejected),
            want(&[
                (4, "抽查比例"),
                (5, "抽查时间"),
                (6, "发起部门"),
                (7, "抽查任务编号"),
                (8, "抽查类型"),
                (8, "抽查事项"),
            ])
        );
        let messages: Vec<&str> = report.rejected.iter().map(|e| e.message.as_str()).collect();
        assert!(messages[0].contains("“abc”") && messages[0].contains("2%"), "{}", messages[0]);
        assert!(messages[1].contains("早于开始月份"), "{}", messages[1]);
        assert!(messages[2].contains("“不存在的处”") && messages[2].contains("执法支队"), "{}", messages[2]);
        assert!(messages[3].contains("第 3 行"), "{}", messages[3]);
        assert!(messages[4].contains("定向"), "{}", messages[4]);
        assert!(messages[5].contains("“不存在的事项”"), "{}", messages[5]);
        for table in ["annual_plans", "tasks", "task_items", "audit_log"] {
            assert_eq!(count(&pool, table).await, 0, "{table}");
        }
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn not_a_plan_table() {
        let e = parse_xlsx(b"PK\x03\x04 certainly not a workbook").unwrap_err();
        assert_eq!(e, SheetError::NotXlsx);
        assert!(e.to_string().contains(".xlsx"), "{e}");
        let e = parse_xlsx(&[]).unwrap_err();
        assert_eq!(e, SheetError::EmptyFile);
        assert!(e.to_string().contains("空"), "{e}");

        assert_eq!(parse_xlsx(&workbook(&[])).unwrap_err(), SheetError::EmptySheet);
        let e = parse_xlsx(&workbook(&[vec!["你好"]])).unwrap_err();
        assert_eq!(e, SheetError::HeaderNotFound { missing: PLAN_COLUMNS.map(String::from).to_vec() });

        let mut header = PLAN_COLUMNS.to_vec();
        header.retain(|h| *h != "抽查比例" && *h != "联合部门");
        let e = parse_xlsx(&workbook(&[header, FIRST_ROW.to_vec()])).unwrap_err();
        assert_eq!(e, SheetError::HeaderNotFound { missing: vec!["抽查比例".into(), "联合部门".into()] });
        assert!(e.to_string().contains("缺少“抽查比例”、“联合部门”列"), "{e}");

        let e = parse_xlsx(&workbook(&[PLAN_COLUMNS.to_vec(), vec!["备注", "无"]])).unwrap_err();
        assert_eq!(e, SheetError::NoTasks);

        let (pool, dir) = reference_db().await;
        let err = import_plan(&pool, 2023, b"garbage", true, CLERK, None).await.unwrap_err();
        assert!(
            matches!(&err, AppError::Invalid { field, message } if field == "文件" && message.contains(".xlsx"))
        );
        pool.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }

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

    #[test]
    fn ratios() {
        assert_eq!(parse_ratio("2%", None), Ok(200));
        assert_eq!(parse_ratio("2.5%", None), Ok(250));
        assert_eq!(parse_ratio("0.5%", None), Ok(50));
        assert_eq!(parse_ratio(" 0.05 ％", None), Ok(5));
        assert_eq!(parse_ratio("100%", None), Ok(10_000));
        assert_eq!(parse_ratio("0%", None), Ok(0));
        assert_eq!(parse_ratio("2%", Some(0.02)), Ok(200));
        assert_eq!(parse_ratio("2.5%", Some(0.025)), Ok(250));
        assert!(parse_ratio("2", Some(2.0)).unwrap_err().contains("0%–100%"));
        assert!(parse_ratio("abc", None).unwrap_err().contains("不是百分数"));
        assert!(parse_ratio("2", None).is_err());
        assert!(parse_ratio("101%", None).is_err());
        assert!(parse_ratio("-1%", None).is_err());
        assert!(parse_ratio("2.555%", None).unwrap_err().contains("两位小数"));
    }

    #[test]
    fn windows() {
        let w = |s: &str| parse_window(s).map(|w| (w.year, w.start_month, w.end_month));
        for s in [
            "2023 年 3 月-4 月",
            "2023年3月-4月",
            "2023年3-4月",
            "2023 年 3 月－4 月",
            "2023年3月—4月",
            "2023年3月～4月",
            "2023年3月至4月",
            "2023年3月-2023年4月",
            "２０２３年３月-４月",
        ] {
            assert_eq!(w(s), Ok((2023, 3, 4)), "{s}");
        }
        assert_eq!(w("2023 年 5 月"), Ok((2023, 5, 5)));
        assert!(w("2023 年 9 月-3 月").unwrap_err().contains("结束月份（3 月）早于开始月份（9 月）"));
        assert!(w("2023 年 3 月-13 月").unwrap_err().contains("1–12"));
        assert!(w("2023年12月-2024年1月").unwrap_err().contains("跨年"));
        assert!(w("三月到四月").unwrap_err().contains("无法识别"));
        assert!(w("2023-03").is_err());
    }

    #[test]
    fn items_and_scope() {
        assert_eq!(split_items("甲、乙，丙;丁；戊,己\n庚、甲、"), ["甲", "乙", "丙", "丁", "戊", "己", "庚"]);
        assert_eq!(filed_before_of("2023 年 1 月 31 前登记备案的市场主体").as_deref(), Some("2023-01-31"));
        assert_eq!(filed_before_of("2023年1月31日前登记").as_deref(), Some("2023-01-31"));
        assert_eq!(filed_before_of("2022-12-01 以前备案").as_deref(), Some("2022-12-01"));
        assert_eq!(filed_before_of("2023 年 2 月 30 前"), None);
        assert_eq!(filed_before_of("全部市场主体"), None);
        let known = vec!["成品油零售企业".to_owned()];
        let t = TaskKind::Targeted;
        assert_eq!(infer_category(t, "成品油零售企业", "", &known).as_deref(), Some("成品油零售企业"));
        assert_eq!(infer_category(t, "全部", "二手车抽查", &[]).as_deref(), Some("二手车销售企业"));
        assert_eq!(infer_category(TaskKind::General, "拍卖", "", &[]), None);
    }
}
