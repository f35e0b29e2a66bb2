//! Spreadsheet files of a registry: read an .xlsx or .csv (UTF-8 with or without BOM, or
//! GBK as Chinese Excel writes it) into rows under known headers, and write either format.

use crate::ssr::files::xlsx_read::{self, read_sheets, Limits};
use calamine::Data;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::fmt;

/// A whole-file problem: nothing in the file can be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// Zero bytes.
    Empty,
    /// Larger than this import path accepts.
    TooLarge { bytes: usize, max: usize },
    /// An Excel 97–2003 .xls file.
    OldXls,
    /// Starts like an .xlsx (zip) but cannot be read as a workbook.
    NotXlsx,
    /// Neither a workbook nor text (binary junk, an image, …).
    NotSpreadsheet,
    /// The workbook or text holds no cells.
    NoCells,
    /// No row near the top holds every header; `missing` are those absent from the closest.
    HeaderNotFound { missing: Vec<String>, expected: Vec<String> },
    /// The header row is there but nothing follows it.
    NoRows,
    /// The workbook passes a bound on what is read (unpacked size, cells, columns, rows,
    /// text): the sentence names which.
    OverLimit(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "文件是空的（0 字节）。"),
            Self::TooLarge { bytes, max } => {
                write!(f, "{}", crate::domain::registry::too_large_message(*bytes, *max))
            }
            Self::OldXls => write!(
                f,
                "这是旧版 Excel（.xls）文件；请在 Excel 或 WPS 中“另存为”.xlsx 或 .csv 后重新导入。"
            ),
            Self::NotXlsx => write!(f, "无法读取该文件：它不是有效的 Excel .xlsx 工作簿（可能已损坏）。"),
            Self::NotSpreadsheet => {
                write!(f, "无法读取该文件：它既不是 Excel .xlsx 工作簿，也不是 CSV 文本文件。")
            }
            Self::NoCells => write!(f, "文件中没有任何内容。"),
            Self::HeaderNotFound { missing, expected } => {
                let quoted: Vec<String> = missing.iter().map(|m| format!("“{m}”")).collect();
                write!(
                    f,
                    "找不到表头行：缺少{}列。表头行应包含：{}。",
                    quoted.join("、"),
                    expected.join("、")
                )
            }
            Self::NoRows => write!(f, "表头行下面没有任何数据行。"),
            Self::OverLimit(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for FileError {}

impl From<FileError> for crate::error::AppError {
    fn from(e: FileError) -> Self {
        Self::invalid("文件", e.to_string())
    }
}

/// Rows of a table, each with its 1-based row number as a spreadsheet shows it and its
/// cells in the order of the headers asked for.
pub type Rows = Vec<(usize, Vec<String>)>;

/// How many non-empty rows from the top may precede the header row (a title, a note).
const HEADER_SEARCH_ROWS: usize = 10;

/// Reads `bytes` (an .xlsx workbook or CSV text, told apart by content) and returns the rows
/// under the header row that holds every one of `columns`, in `columns` order. Blank rows
/// are skipped; columns not asked for are ignored. A workbook is read within `limits`.
pub fn read_rows(bytes: &[u8], columns: &[&str], limits: &Limits) -> Result<Rows, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let grids = if bytes.starts_with(b"PK\x03\x04") {
        xlsx_grids(bytes, limits)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::OldXls);
    } else {
        let mut grid = csv_grid(&decode_text(bytes)?, limits)?;
        grid.iter_mut().flat_map(|(_, cells)| cells.iter_mut()).for_each(unguard);
        vec![grid]
    };
    let mut closest: Option<Vec<String>> = None;
    let mut any = false;
    for grid in grids {
        any |= !grid.is_empty();
        match find_header(&grid, columns) {
            Ok((at, positions)) => {
                let rows: Rows = grid[at + 1..]
                    .iter()
                    .map(|(n, cells)| {
                        let picked =
                            positions.iter().map(|&p| cells.get(p).cloned().unwrap_or_default()).collect();
                        (*n, picked)
                    })
                    .filter(|(_, cells): &(usize, Vec<String>)| cells.iter().any(|c| !c.trim().is_empty()))
                    .collect();
                return if rows.is_empty() { Err(FileError::NoRows) } else { Ok(rows) };
            }
            Err(missing) => {
                if closest.as_ref().is_none_or(|c| missing.len() < c.len()) {
                    closest = Some(missing);
                }
            }
        }
    }
    if !any {
        return Err(FileError::NoCells);
    }
    Err(FileError::HeaderNotFound {
        missing: closest.unwrap_or_default(),
        expected: columns.iter().map(|c| c.to_string()).collect(),
    })
}

/// A header compared without whitespace, so `统一社会\n信用代码` still counts.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Index (into `grid`) of the header row and the position of each column; or the columns
/// missing from the closest row.
fn find_header(grid: &Rows, columns: &[&str]) -> Result<(usize, Vec<usize>), Vec<String>> {
    let mut closest: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let non_empty = grid.iter().enumerate().filter(|(_, (_, cells))| cells.iter().any(|c| !c.is_empty()));
    for (i, (_, cells)) in non_empty.take(HEADER_SEARCH_ROWS) {
        let texts: Vec<String> = cells.iter().map(|c| squeeze(c)).collect();
        let mut positions = Vec::with_capacity(columns.len());
        let mut missing = Vec::new();
        for col in columns {
            match texts.iter().position(|t| t == col) {
                Some(p) => positions.push(p),
                None => missing.push(col.to_string()),
            }
        }
        if missing.is_empty() {
            return Ok((i, positions));
        }
        if missing.len() < closest.len() {
            closest = missing;
        }
    }
    Err(closest)
}

/// Every worksheet with cells as rows of cell texts (row numbers as a spreadsheet shows
/// them), read within `limits`.
fn xlsx_grids(bytes: &[u8], limits: &Limits) -> Result<Vec<Rows>, FileError> {
    let sheets = read_sheets(bytes, limits).map_err(|e| match e {
        xlsx_read::XlsxError::NotXlsx => FileError::NotXlsx,
        other => FileError::OverLimit(other.to_string()),
    })?;
    Ok(sheets
        .into_iter()
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(_, rows)| {
            rows.into_iter()
                .map(|(r, cells)| (r as usize + 1, cells.iter().map(cell_text).collect()))
                .collect()
        })
        .collect())
}

/// Text of a cell: whole numbers without `.0`, dates as `YYYY-MM-DD`, numbers of more
/// than 15 digits in E notation.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        // Past 15 digits a number has lost digits in the spreadsheet (a credit code typed
        // as a number): written as Excel shows it, so it is never taken for a code.
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}"),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_owned(),
        other => other.to_string().trim().to_owned(),
    }
}

/// Text of a CSV file: UTF-8 (BOM dropped) when it is valid UTF-8, else GBK; binary → error.
pub fn decode_text(bytes: &[u8]) -> Result<String, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Text never holds NUL; a spreadsheet exported as UTF-16 or any binary file does.
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(FileError::NotSpreadsheet);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(_) => {
            let (text, _, malformed) = encoding_rs::GBK.decode(bytes);
            if malformed && replacement_share(&text) > 0.01 {
                return Err(FileError::NotSpreadsheet);
            }
            text.into_owned()
        }
    };
    if text.chars().take(64 * 1024).any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(FileError::NotSpreadsheet);
    }
    Ok(text)
}

fn replacement_share(text: &str) -> f64 {
    let (mut bad, mut all) = (0usize, 0usize);
    for c in text.chars().take(1 << 20) {
        all += 1;
        bad += usize::from(c == char::REPLACEMENT_CHARACTER);
    }
    bad as f64 / all.max(1) as f64
}

/// Parses CSV (RFC 4180: `"` quotes, `""` inside quotes, line breaks inside quotes) with a
/// comma, or a tab when the first line has tabs and no commas. Row numbers count records,
/// as a spreadsheet shows them. Within `limits` as a workbook is: blank records and empty
/// fields past the last column accepted are counted but not kept, a non-empty field past
/// the last column or row is refused, and so are more fields kept than `limits.cells` (a
/// 64 MB line of commas would otherwise be 64 million strings, 1.5 GB).
pub fn csv_grid(text: &str, limits: &Limits) -> Result<Rows, FileError> {
    let first_line = text.lines().next().unwrap_or("");
    let sep = if first_line.contains('\t') && !first_line.contains(',') { '\t' } else { ',' };
    let mut grid = CsvGrid { limits, rows: Vec::new(), row: Vec::new(), column: 0, records: 0, kept: 0 };
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => grid.field(std::mem::take(&mut field))?,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                grid.field(std::mem::take(&mut field))?;
                grid.end_record()?;
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !grid.row.is_empty() {
        grid.field(field)?;
        grid.end_record()?;
    }
    Ok(grid.rows)
}

/// The rows of a CSV file as they are read, within limits.
struct CsvGrid<'l> {
    limits: &'l Limits,
    rows: Rows,
    /// The fields of the record being read that are kept.
    row: Vec<String>,
    /// Fields of the record read so far, kept or not.
    column: usize,
    records: usize,
    kept: usize,
}

impl CsvGrid<'_> {
    fn field(&mut self, text: String) -> Result<(), FileError> {
        self.column += 1;
        let column = self.column;
        if text.is_empty() && column > self.limits.columns as usize {
            // An empty field past the last column: what a spreadsheet's export pads with.
            return Ok(());
        }
        if column > self.limits.columns as usize {
            return Err(FileError::OverLimit(format!(
                "第 {} 行第 {column} 列有内容，超出导入上限（最多 {} 列）；请删除多余的列后重新导入。",
                self.records + 1,
                self.limits.columns
            )));
        }
        self.kept += 1;
        if self.kept > self.limits.cells {
            return Err(FileError::OverLimit(format!(
                "文件的单元格超过 {} 个，超出导入上限；请拆分后分批导入。",
                self.limits.cells
            )));
        }
        self.row.push(text);
        Ok(())
    }

    fn end_record(&mut self) -> Result<(), FileError> {
        self.records += 1;
        self.column = 0;
        let row = std::mem::take(&mut self.row);
        if row.iter().all(String::is_empty) {
            // A blank record holds nothing; only its number counts.
            self.kept -= row.len();
            return Ok(());
        }
        if self.records > self.limits.rows as usize {
            return Err(FileError::OverLimit(format!(
                "第 {} 行有内容，超出导入上限（最多 {} 行）；请拆分后分批导入。",
                self.records, self.limits.rows
            )));
        }
        self.rows.push((self.records, row));
        Ok(())
    }
}

/// What Excel reads as the start of a formula (`=`, `+`, `-`, `@`), or passes over before
/// one (tab, CR): a cell starting so is a formula injection waiting to happen.
pub(crate) const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a CSV cell gets a `'` in front: one starting like a formula, and one starting
/// with `'` itself, so that [`unguard`] gives back exactly what was written.
fn needs_guard(cell: &str) -> bool {
    cell.starts_with(FORMULA_START) || cell.starts_with('\'')
}

/// Undoes the `'` that [`write_csv`] puts in front. A `'` before anything else was not
/// ours and stays.
fn unguard(cell: &mut String) {
    if cell.strip_prefix('\'').is_some_and(needs_guard) {
        cell.remove(0);
    }
}

/// Writes a CSV file: UTF-8 with a BOM (so Excel reads the Chinese right), CRLF line ends.
/// A cell starting like a formula gets a `'` in front, which Excel takes for "text" and
/// does not show; [`read_rows`] takes it off again.
pub fn write_csv(headers: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut first = true;
        for c in cells {
            if !first {
                out.push(',');
            }
            first = false;
            let guarded;
            let c = if needs_guard(c) {
                guarded = format!("'{c}");
                guarded.as_str()
            } else {
                c
            };
            if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
                out.push('"');
                out.push_str(&c.replace('"', "\"\""));
                out.push('"');
            } else {
                out.push_str(c);
            }
        }
        out.push_str("\r\n");
    };
    line(&mut headers.iter().copied());
    for r in rows {
        line(&mut r.iter().map(String::as_str));
    }
    out.into_bytes()
}

/// The most data rows an .xlsx worksheet holds (below its header).
pub const XLSX_MAX_ROWS: usize = 1_048_575;

/// Writes an .xlsx workbook with one sheet: bold headers, every cell as text (codes and
/// dates keep their exact spelling). A text cell is never run as a formula; one starting
/// like a formula is also marked "quote prefix", so that it stays text when edited in Excel.
pub fn write_xlsx(
    sheet: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_quote_prefix();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 1 { 36.0 } else { 16.0 })?;
    }
    for (r, cells) in rows.into_iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if v.starts_with(FORMULA_START) {
                ws.write_string_with_format(r as u32 + 1, c as u16, v, &text)?;
            } else if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_and_line_breaks() {
        let g = csv_grid("a,b\r\n\"x,1\",\"say \"\"hi\"\"\nthere\"\r\nlast,\n", &Limits::PLAN).unwrap();
        assert_eq!(
            g,
            vec![
                (1, vec!["a".to_string(), "b".into()]),
                (2, vec!["x,1".into(), "say \"hi\"\nthere".into()]),
                (3, vec!["last".into(), "".into()]),
            ]
        );
    }

    #[test]
    fn written_csv_reads_back() {
        let rows = vec![
            vec!["a,b".to_string(), "\"q\"".into(), " x".into()],
            vec!["".into(), "多行\n文本".into(), "z".into()],
        ];
        let bytes = write_csv(&["甲", "乙", "丙"], rows.clone());
        let read = read_rows(&bytes, &["丙", "甲", "乙"], &Limits::PLAN).unwrap();
        assert_eq!(read[0], (2, vec![" x".to_string(), "a,b".into(), "\"q\"".into()]));
        assert_eq!(read[1].1[2], "多行\n文本");
    }

    #[test]
    fn formula_like_cells_are_guarded_and_read_back_unchanged() {
        let cells = ["=1+1", "+86 310", "-5", "@SUM(A1)", "\tx", "'=x", "'", "'abc", "a=b", "''=x"];
        let headers: Vec<String> = (0..cells.len()).map(|i| format!("h{i}")).collect();
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let rows = vec![cells.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
        let csv = write_csv(&headers, rows.clone());
        let text = String::from_utf8(csv.clone()).unwrap();
        assert_eq!(text.lines().nth(1).unwrap(), "'=1+1,'+86 310,'-5,'@SUM(A1),'\tx,''=x,'',''abc,a=b,'''=x");
        assert_eq!(read_rows(&csv, &headers, &Limits::PLAN).unwrap(), vec![(2, rows[0].clone())]);
        // A workbook keeps the values as they are (calamine trims the tab's cell).
        let read =
            read_rows(&write_xlsx("表", &headers, rows.clone()).unwrap(), &headers, &Limits::PLAN).unwrap();
        assert_eq!((read[0].1[0].as_str(), read[0].1[5].as_str()), ("=1+1", "'=x"));
        // A `'` a clerk typed before ordinary text is theirs; before a formula it is Excel's.
        let typed = "名称\r\n'0123\r\n'=x\r\n".as_bytes();
        assert_eq!(
            read_rows(typed, &["名称"], &Limits::PLAN).unwrap(),
            vec![(2, vec!["'0123".to_string()]), (3, vec!["=x".into()])]
        );
    }

    #[test]
    fn gbk_text_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("名称,代码\r\n甲公司,1\r\n");
        assert_eq!(
            read_rows(&bytes, &["名称"], &Limits::PLAN).unwrap(),
            vec![(2, vec!["甲公司".to_string()])]
        );
    }

    #[test]
    fn whole_file_problems_are_named() {
        assert_eq!(read_rows(b"", &["a"], &Limits::PLAN), Err(FileError::Empty));
        assert_eq!(read_rows(b"\x00\x01\x02junk", &["a"], &Limits::PLAN), Err(FileError::NotSpreadsheet));
        assert_eq!(read_rows(b"PK\x03\x04junk", &["a"], &Limits::PLAN), Err(FileError::NotXlsx));
        assert_eq!(read_rows(b"a,b\n", &["a"], &Limits::PLAN), Err(FileError::NoRows));
        assert!(matches!(
            read_rows("x,y\n1,2\n".as_bytes(), &["x", "名称"], &Limits::PLAN),
            Err(FileError::HeaderNotFound { missing, .. }) if missing == ["名称"]
        ));
    }

    #[test]
    fn xlsx_round_trip() {
        let bytes =
            write_xlsx("表", &["代码", "日期"], vec![vec!["001".to_string(), "2023-01-31".into()]]).unwrap();
        assert_eq!(
            read_rows(&bytes, &["代码", "日期"], &Limits::PLAN).unwrap(),
            vec![(2, vec!["001".to_string(), "2023-01-31".into()])]
        );
    }
}
