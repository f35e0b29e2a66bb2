//! Property tests of every reader of an uploaded file (issue 22): registry and results
//! tables as CSV or .xlsx ([`table_file`]), workbooks within bounds ([`xlsx_read`]), the
//! plan table ([`plan_sheet`]), and the checks of a registry row and of the room's entropy.
//! Whatever the bytes — random, a valid file with bytes flipped, inserted, deleted or cut
//! off, or built to hurt (formula cells, invalid UTF-8 and GBK, 10⁶ columns, a huge
//! shared-string table) — the answer is the rows or a clear error in Chinese, never a
//! panic or a hang. `cargo test` runs 64 cases each; `make fuzz` sets `PROPTEST_CASES`.
//!
//! Memory: a workbook is refused before it is parsed when it unpacks to more than
//! `Limits::unpacked_bytes` or declares more shared strings than `Limits::cells`; while
//! read, no more than `Limits::cells` cells are held (empty ones left of a filled one
//! included) and `Limits::text_bytes` of text; a CSV file keeps no more than
//! `Limits::cells` fields. The tests below build files past each bound.

use super::plan_sheet::{self, SheetError};
use super::table_file::{read_rows, write_csv, write_xlsx, FileError};
use super::xlsx_read::{fixtures, read_sheets, Limits, XlsxError};
use crate::labels::PLAN_COLUMNS;
use proptest::prelude::*;
use std::time::Duration;

/// 64 cases, or `PROPTEST_CASES`; no regression files written beside the sources.
pub(crate) fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Long enough that only a hang (an endless loop) reaches it, even in a debug build on a
/// busy machine; not a timing goal.
const HANG: Duration = Duration::from_secs(60);

/// `f()` on its own thread: its panic is re-raised here, and it failing to finish within
/// [`HANG`] fails the case as a hang.
pub(crate) fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(HANG) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the thread sends before it ends"),
        },
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("still running after {HANG:?}: a hang"),
    }
}

/// Whether a message is in Chinese (holds a CJK ideograph).
pub(crate) fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A byte-level change to a valid file.
#[derive(Clone, Debug)]
pub(crate) enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

pub(crate) fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, x)| Mutation::Flip(at, x)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// `doc` with the mutations applied (positions taken modulo its length).
pub(crate) fn mutate(doc: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = doc.to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
        match m {
            Mutation::Flip(i, x) if !b.is_empty() => {
                let i = at(*i, b.len());
                b[i] ^= x;
            }
            Mutation::Insert(i, bytes) => {
                let i = at(*i, b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete(i, n) if !b.is_empty() => {
                let i = at(*i, b.len());
                b.drain(i..(i + n).min(b.len()));
            }
            Mutation::Truncate(i) => b.truncate(at(*i, b.len() + 1)),
            _ => {}
        }
    }
    b
}

const COLUMNS: [&str; 3] = ["名称", "统一社会信用代码", "地址"];

/// Reads `bytes` as a registry table within the web limits: rows as asked, or an error
/// in Chinese; a row-level limit names the row.
fn read_table(bytes: Vec<u8>) -> Result<Vec<(usize, Vec<String>)>, FileError> {
    within(move || {
        let read = read_rows(&bytes, &COLUMNS, &Limits::WEB_REGISTRY);
        match &read {
            Ok(rows) => {
                assert!(!rows.is_empty());
                for pair in rows.windows(2) {
                    assert!(pair[0].0 < pair[1].0, "row numbers rise");
                }
                assert!(rows.iter().all(|(n, cells)| *n >= 2 && cells.len() == COLUMNS.len()));
            }
            Err(e) => {
                let m = e.to_string();
                assert!(chinese(&m), "{m}");
            }
        }
        read
    })
}

/// A cell's text as a person types it: any characters but the control ones a text file
/// does not hold (line breaks and tabs are kept).
fn cell() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| {
        s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).take(24).collect()
    })
}

/// Rows as a registry table holds them, with what a spreadsheet shows for each.
fn expected(rows: &[Vec<String>], shown: impl Fn(&str) -> String) -> Vec<(usize, Vec<String>)> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| (i + 2, r.iter().map(|c| shown(c)).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_table(bytes);
    }

    #[test]
    fn any_bytes_after_a_zip_signature_are_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let mut file = b"PK\x03\x04".to_vec();
        file.extend(bytes);
        let _ = read_table(file);
    }

    /// Whatever a cell holds, a CSV the app writes reads back the same.
    #[test]
    fn a_written_csv_reads_back_cell_for_cell(rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..8)) {
        let file = write_csv(&COLUMNS, rows.clone());
        let want = expected(&rows, str::to_owned);
        match read_table(file) {
            Ok(read) => prop_assert_eq!(read, want),
            Err(e) => prop_assert!(want.is_empty() && e == FileError::NoRows, "{e}"),
        }
    }

    /// A workbook the app writes reads back the same (cells trimmed, as a sheet shows them).
    #[test]
    fn a_written_workbook_reads_back_cell_for_cell(
        rows in prop::collection::vec(prop::collection::vec("[a-zA-Z0-9甲乙丙丁 ,\"'=+<>&;-]{0,12}", 3), 1..8),
    ) {
        let file = write_xlsx("名录", &COLUMNS, rows.clone()).unwrap();
        let want = expected(&rows, |c| c.trim().to_owned());
        match read_table(file) {
            Ok(read) => prop_assert_eq!(read, want),
            Err(e) => prop_assert!(want.is_empty() && e == FileError::NoRows, "{e}"),
        }
    }

    #[test]
    fn a_mutated_csv_is_read_or_refused(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 1..6),
        ms in prop::collection::vec(mutation(), 1..6),
    ) {
        let _ = read_table(mutate(&write_csv(&COLUMNS, rows), &ms));
    }

    #[test]
    fn a_mutated_workbook_is_read_or_refused(
        rows in prop::collection::vec(prop::collection::vec("[a-z甲乙 =-]{0,8}", 3), 1..6),
        ms in prop::collection::vec(mutation(), 1..4),
    ) {
        let _ = read_table(mutate(&write_xlsx("名录", &COLUMNS, rows).unwrap(), &ms));
    }

    /// The XML inside a well-formed archive mutated: calamine's parser meets broken tags,
    /// bad cell references, unknown types and shared-string indexes out of range.
    #[test]
    fn a_mutated_sheet_inside_a_sound_archive_is_read_or_refused(
        ms in prop::collection::vec(mutation(), 1..6),
        strings_ms in prop::collection::vec(mutation(), 0..3),
    ) {
        let sheet = fixtures::sheet(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>地址</t></is></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="str"><f>A2&amp;"x"</f><v>甲x</v></c><c r="C2" s="1"><v>45000</v></c></row><row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#DIV/0!</v></c><c r="C3" t="d"><v>2023-01-31T00:00:00</v></c></row>"#,
        );
        let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>名称</t></si><si><t>统一社会信用代码</t></si><si><r><t>甲</t></r><r><t>公司</t></r></si></sst>"#;
        let file = fixtures::workbook(&mutate(&sheet, &ms), Some(&mutate(strings.as_bytes(), &strings_ms)));
        let _ = read_table(file);
    }

    /// GBK text (what Excel saves as "CSV" on a Chinese Windows) reads as its characters.
    #[test]
    fn gbk_text_reads_as_written(rows in prop::collection::vec(prop::collection::vec("[甲乙丙丁公司有限责任邯郸市0-9A-Z]{1,10}", 3), 1..6)) {
        let text = std::iter::once(COLUMNS.join(","))
            .chain(rows.iter().map(|r| r.join(",")))
            .collect::<Vec<_>>()
            .join("\r\n");
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        prop_assert!(!unmappable);
        prop_assert_eq!(read_table(bytes.into_owned()).unwrap(), expected(&rows, str::to_owned));
    }

    /// Bytes that are neither UTF-8 nor sound GBK.
    #[test]
    fn invalid_utf8_and_gbk_are_read_or_refused(tail in prop::collection::vec(0x80..=0xffu8, 1..512)) {
        let mut file = "名称,统一社会信用代码,地址\r\n".as_bytes().to_vec();
        file.extend(tail);
        let _ = read_table(file);
    }

    /// A plan table as the founding document lays it out, with bytes of the file changed.
    #[test]
    fn a_mutated_plan_table_is_read_or_refused(ms in prop::collection::vec(mutation(), 0..4)) {
        let file = mutate(&plan_workbook(), &ms);
        within(move || match plan_sheet::parse_xlsx(&file) {
            Ok(parsed) => {
                for e in parsed.errors {
                    assert!(e.row >= 1 && PLAN_COLUMNS.contains(&e.column.as_str()) || e.column == "分批抽取", "{e:?}");
                    assert!(chinese(&e.message), "{e:?}");
                }
            }
            Err(e) => assert!(chinese(&e.to_string()), "{e}"),
        });
    }

    /// Any plan cells (typed by hand) are checked with every problem named by row and column.
    #[test]
    fn any_plan_cells_are_checked_by_row_and_column(cells in prop::collection::vec(cell(), 11)) {
        let mut rows = vec![PLAN_COLUMNS.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        rows.push(cells);
        let file = text_workbook(&rows);
        within(move || match plan_sheet::parse_xlsx(&file) {
            Ok(parsed) => {
                for e in parsed.errors {
                    assert_eq!(e.row, 2, "{e:?}");
                    assert!(PLAN_COLUMNS.contains(&e.column.as_str()), "{e:?}");
                    assert!(chinese(&e.message), "{e:?}");
                }
            }
            Err(e) => assert!(matches!(e, SheetError::NoTasks), "{e}"),
        });
    }

    /// Any registry row is a record or its problems, each named by row and column.
    #[test]
    fn any_registry_row_is_a_record_or_named_problems(
        kind in 0..3usize,
        cells in prop::collection::vec(cell(), 0..20),
        row in 2..1_000_000usize,
    ) {
        use crate::domain::registry::{ENTERPRISE_COLUMNS, INSPECTOR_COLUMNS, ITEM_COLUMNS};
        use crate::domain::registry_rows as rr;
        let lookups = rr::Lookups {
            departments: vec![("swj-zfzd".into(), "执法支队".into(), "支队".into())],
            regions: vec![("130402".into(), "邯山区".into())],
        };
        let (errors, columns): (Option<Vec<_>>, &[&str]) = match kind {
            0 => (rr::enterprise_from_cells(row, &cells, &lookups).err(), &ENTERPRISE_COLUMNS),
            1 => (rr::inspector_from_cells(row, &cells, &lookups).err(), &INSPECTOR_COLUMNS),
            _ => (rr::item_from_cells(row, &cells, &lookups).err(), &ITEM_COLUMNS),
        };
        for e in errors.unwrap_or_default() {
            prop_assert_eq!(e.row, row);
            prop_assert!(columns.contains(&e.column.as_str()), "{:?}", e);
            prop_assert!(chinese(&e.message), "{:?}", e);
        }
    }

    /// What the room types as entropy is counted or refused in words.
    #[test]
    fn typed_entropy_is_counted_or_refused_in_words(text in any::<String>()) {
        use crate::domain::ceremony::{entropy_status, to_ascii};
        match entropy_status(&to_ascii(&text)) {
            Ok(n) => prop_assert!((1..=crate::domain::draw::MAX_ENTROPY_CHARS).contains(&n)),
            Err(m) => prop_assert!(chinese(&m), "{}", m),
        }
    }
}

/// A workbook with one sheet of text cells (empty strings left blank).
fn text_workbook(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The founding document's first task as a plan table.
fn plan_workbook() -> Vec<u8> {
    let header: Vec<String> = PLAN_COLUMNS.iter().map(|h| h.to_string()).collect();
    let row: Vec<String> = [
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
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    text_workbook(&[vec!["2023 年度抽查计划".into()], header, row, vec!["备注".into(), "无".into()]])
}

#[test]
fn the_plan_workbook_reads() {
    let parsed = plan_sheet::parse_xlsx(&plan_workbook()).unwrap();
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.rows.len(), 1);
}

/// A CSV header of a million columns (a 1 MB line of commas) keeps nothing past the last
/// column accepted; a filled cell there is named by row and column.
#[test]
fn a_million_columns_are_bounded() {
    let mut file = "名称,统一社会信用代码,地址".to_string();
    file.push_str(&",".repeat(1_000_000));
    file.push_str("\r\n甲公司,91130402MA0000000X,邯郸\r\n");
    let rows = read_table(file.clone().into_bytes()).unwrap();
    assert_eq!(rows, vec![(2, vec!["甲公司".to_string(), "91130402MA0000000X".into(), "邯郸".into()])]);
    file.push_str(&",".repeat(999_999));
    file.push_str("远处\r\n");
    let e = read_table(file.into_bytes()).unwrap_err().to_string();
    assert!(e.contains("第 3 行第 1000000 列有内容") && e.contains("最多 256 列"), "{e}");
    // As a workbook: a cell in column XFD of row 2.
    let sheet = fixtures::sheet(r#"<row r="2"><c r="XFD2"><v>1</v></c></row>"#);
    let e = read_sheets(&fixtures::workbook(&sheet, None), &Limits::WEB_REGISTRY).unwrap_err();
    assert!(e.to_string().contains("第 16384 列有内容"), "{e}");
}

/// A line of a million empty fields, a million blank lines, or a million one-letter
/// fields: what is kept is bounded by the cell limit, not by the file.
#[test]
fn csv_memory_is_bounded_by_the_cell_limit() {
    let mut file = "名称,统一社会信用代码,地址\r\n".to_string();
    file.push_str(&"\r\n".repeat(1_000_000));
    file.push_str("甲,乙,丙\r\n");
    assert_eq!(read_table(file.into_bytes()).unwrap()[0].0, 1_000_002);
    let limits = Limits { cells: 1_000, ..Limits::WEB_REGISTRY };
    let mut file = "名称,统一社会信用代码,地址\r\n".to_string();
    file.push_str(&"a,b,c\r\n".repeat(400));
    let e = read_rows(file.as_bytes(), &COLUMNS, &limits).unwrap_err().to_string();
    assert_eq!(e, "文件的单元格超过 1000 个，超出导入上限；请拆分后分批导入。");
}

/// One cell far to the right in each of many rows holds every empty cell to its left:
/// counted, so a few hundred KB of archive cannot make gigabytes of empty cells.
#[test]
fn far_cells_in_many_rows_are_counted_with_the_empty_cells_they_hold() {
    let rows: String =
        (1..=20_000).map(|r| format!(r#"<row r="{r}"><c r="IV{r}"><v>1</v></c></row>"#)).collect();
    let file = fixtures::workbook(&fixtures::sheet(&rows), None);
    assert!(file.len() < 200 << 10, "{} bytes", file.len());
    let e = read_sheets(&file, &Limits { cells: 1_000_000, ..Limits::WEB_REGISTRY }).unwrap_err();
    assert_eq!(e, XlsxError::Cells { limit: 1_000_000 });
    // The same cells in column A are 20,000 cells, well within.
    let rows: String =
        (1..=20_000).map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#)).collect();
    let file = fixtures::workbook(&fixtures::sheet(&rows), None);
    assert_eq!(
        read_sheets(&file, &Limits { cells: 1_000_000, ..Limits::WEB_REGISTRY }).unwrap()[0].1.len(),
        20_000
    );
}

/// A shared-string table of more entries than the cell limit is refused before calamine
/// opens the workbook (it would hold every entry, even unused, at ~50 bytes each).
#[test]
fn a_huge_shared_string_table_is_refused_before_it_is_read() {
    let entries: String = "<si><t>甲</t></si>".repeat(200_001);
    let strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{entries}</sst>"#
    );
    let sheet = fixtures::sheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let file = fixtures::workbook(&sheet, Some(strings.as_bytes()));
    let e = read_sheets(&file, &Limits { cells: 200_000, ..Limits::WEB_REGISTRY }).unwrap_err();
    assert_eq!(e, XlsxError::SharedStrings { limit: 200_000 });
    assert!(e.to_string().contains("共享字符串表超过 200000 项"), "{e}");
    // One entry fewer reads, and the count sees tags cut between the chunks it streams.
    let entries: String = "<si><t>甲</t></si>".repeat(200_000);
    let strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{entries}</sst>"#
    );
    let file = fixtures::workbook(&sheet, Some(strings.as_bytes()));
    assert!(read_sheets(&file, &Limits { cells: 200_000, ..Limits::WEB_REGISTRY }).is_ok());
    assert_eq!(
        read_sheets(&file, &Limits { cells: 199_999, ..Limits::WEB_REGISTRY }).unwrap_err(),
        XlsxError::SharedStrings { limit: 199_999 }
    );
}

/// A formula cell reads as the value it last showed, never as its formula.
#[test]
fn formula_cells_read_as_their_values() {
    let sheet = fixtures::sheet(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" t="inlineStr"><is><t>统一社会信用代码</t></is></c><c r="C1" t="inlineStr"><is><t>地址</t></is></c></row><row r="2"><c r="A2" t="str"><f>HYPERLINK("http://x","点我")</f><v>点我</v></c><c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="str"><f>CMD|' /C calc'!A0</f><v>邯郸</v></c></row>"#,
    );
    let rows = read_table(fixtures::workbook(&sheet, None)).unwrap();
    assert_eq!(rows, vec![(2, vec!["点我".to_string(), "2".into(), "邯郸".into()])]);
}

/// Files saved by LibreOffice Calc (tests/fixtures/make_fixtures.sh), not by this project:
/// a date typed as a date is a serial number with a date format, a ratio typed as `2%` a
/// fraction, a credit code typed as a number has lost its last digits, repeated text is
/// one shared string, a formula's cell holds its value; the CSV is GBK (MS-936).
#[test]
fn files_saved_by_a_spreadsheet_program_read_as_shown() {
    use crate::domain::credit_code::CreditCode;
    use crate::domain::registry_rows::normalise_date;
    let columns = ["名称", "统一社会信用代码", "登记日期", "抽查比例", "备注", "合计"];
    let xlsx = include_bytes!("../../../../tests/fixtures/registry-calc.xlsx");
    let csv = include_bytes!("../../../../tests/fixtures/registry-calc.csv");
    assert!(csv.utf8_chunks().any(|c| !c.invalid().is_empty()), "the CSV is GBK, not UTF-8");
    let from_xlsx = read_rows(xlsx, &columns, &Limits::WEB_REGISTRY).unwrap();
    let from_csv = read_rows(csv, &columns, &Limits::WEB_REGISTRY).unwrap();
    let notes = "同一段備註文字（繁體）";
    assert_eq!(
        from_xlsx,
        vec![
            (2, vec!["邯郸市甲商贸有限公司（测试）", "91130402MA0A1B2C3D", "2023-01-31", "0.02", notes, "3"]),
            (
                3,
                vec![
                    "邯郸市乙物流有限公司（测试）",
                    "9.11304013030985E17",
                    "2024-02-29",
                    "0.125",
                    notes,
                    "6"
                ]
            ),
        ]
        .into_iter()
        .map(|(n, cells)| (n, cells.into_iter().map(String::from).collect::<Vec<_>>()))
        .collect::<Vec<_>>()
    );
    // The CSV holds what Calc showed: dates and percentages as formatted.
    assert_eq!(
        from_csv,
        vec![
            (2, vec!["邯郸市甲商贸有限公司（测试）", "91130402MA0A1B2C3D", "2023/1/31", "2%", notes, "3"]),
            (
                3,
                vec!["邯郸市乙物流有限公司（测试）", "9.11304013030985E+017", "2024/2/29", "13%", notes, "6"]
            ),
        ]
        .into_iter()
        .map(|(n, cells)| (n, cells.into_iter().map(String::from).collect::<Vec<_>>()))
        .collect::<Vec<_>>()
    );
    for rows in [&from_xlsx, &from_csv] {
        assert_eq!(normalise_date(&rows[0].1[2]).as_deref(), Some("2023-01-31"));
        assert_eq!(normalise_date(&rows[1].1[2]).as_deref(), Some("2024-02-29"));
        // A code that went through a number is refused, never taken with other digits.
        let e = CreditCode::parse(&rows[1].1[1]).unwrap_err().to_string();
        assert!(chinese(&e), "{e}");
    }
}
