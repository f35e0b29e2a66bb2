//! Reading an uploaded .xlsx within bounds, whatever the file says about itself.
//!
//! An .xlsx is a zip of XML. A 1.5 MB file can unpack to gigabytes (a zip bomb), one
//! cell at `XFD1048576` makes a "range" of 17 billion cells, and one long shared string
//! referenced by a million cells is a million copies. So, before calamine parses
//! anything, every entry of the archive is unpacked into nothing to count its real size
//! (the sizes the archive declares can lie); then the sheets are read cell by cell, and
//! the reading stops, with a message naming the limit, as soon as a sheet has too many
//! cells, a cell lies beyond the last column or row accepted, or the text read passes
//! its total. Memory therefore stays within a small multiple of the limits.

use calamine::{Cell, Data, Range, Reader, Xlsx};
use std::fmt;
use std::io::{Cursor, Read};

/// How much of a workbook is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of all entries of the archive, unpacked.
    pub unpacked_bytes: u64,
    /// Entries in the archive.
    pub entries: usize,
    /// Cells held over all sheets: the non-empty ones and the empty ones to their left
    /// in the same row (also the most shared strings a workbook may declare).
    pub cells: usize,
    /// Columns (a cell in a later column is refused).
    pub columns: u32,
    /// Rows (a cell in a later row is refused).
    pub rows: u32,
    /// Characters of text over all cells read.
    pub text_bytes: usize,
}

impl Limits {
    /// A registry imported through the web page (at most 64 MB of file, ~10^5 rows).
    pub const WEB_REGISTRY: Limits = Limits {
        unpacked_bytes: 256 << 20,
        entries: 1_000,
        cells: 4_000_000,
        columns: 256,
        rows: 1_048_576,
        text_bytes: 128 << 20,
    };
    /// A registry imported by the command line (an operator's own file, up to 10^6 rows).
    pub const CLI_REGISTRY: Limits = Limits {
        unpacked_bytes: 2 << 30,
        entries: 1_000,
        cells: 40_000_000,
        columns: 256,
        rows: 1_048_576,
        text_bytes: 1 << 30,
    };
    /// An annual plan table (a few tasks; at most 512 KB of file).
    pub const PLAN: Limits = Limits {
        unpacked_bytes: 16 << 20,
        entries: 1_000,
        cells: 100_000,
        columns: 64,
        rows: 5_000,
        text_bytes: 8 << 20,
    };
}

/// Why a workbook was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XlsxError {
    /// Not a readable zip or workbook.
    NotXlsx,
    /// Unpacks to more than the limit.
    Unpacked { limit: u64 },
    /// More entries than the limit.
    Entries { limit: usize },
    /// More cells than the limit.
    Cells { limit: usize },
    /// A cell beyond the last column accepted (`column` counts from 1).
    Column { sheet: String, column: u32, limit: u32 },
    /// A cell beyond the last row accepted (`row` counts from 1).
    Row { sheet: String, row: u32, limit: u32 },
    /// More text than the limit.
    Text { limit: usize },
    /// More shared strings than the cell limit.
    SharedStrings { limit: usize },
}

impl fmt::Display for XlsxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mb = |b: u64| b >> 20;
        match self {
            Self::NotXlsx => write!(f, "无法读取该文件：它不是有效的 Excel .xlsx 工作簿（可能已损坏）。"),
            Self::Unpacked { limit } => write!(
                f,
                "该 .xlsx 文件解压后超过 {} MB，超出导入上限（可能是异常或被构造的文件）；请拆分后分批导入，或另存为 .csv。",
                mb(*limit)
            ),
            Self::Entries { limit } => {
                write!(f, "该 .xlsx 文件内部包含的部件超过 {limit} 个，不是正常的工作簿，已拒绝。")
            }
            Self::Cells { limit } => {
                write!(f, "工作簿的单元格超过 {limit} 个，超出导入上限；请拆分后分批导入。")
            }
            Self::Column { sheet, column, limit } => write!(
                f,
                "工作表“{sheet}”第 {column} 列有内容，超出导入上限（最多 {limit} 列）；请删除多余的列后重新导入。"
            ),
            Self::Row { sheet, row, limit } => write!(
                f,
                "工作表“{sheet}”第 {row} 行有内容，超出导入上限（最多 {limit} 行）；请拆分后分批导入。"
            ),
            Self::SharedStrings { limit } => write!(
                f,
                "工作簿的共享字符串表超过 {limit} 项，超出导入上限（可能是异常或被构造的文件）；请另存为 .csv 后导入。"
            ),
            Self::Text { limit } => write!(
                f,
                "工作簿中的文字总量超过 {} MB，超出导入上限；请拆分后分批导入。",
                mb(*limit as u64)
            ),
        }
    }
}

impl std::error::Error for XlsxError {}

/// One sheet: its name and its non-empty rows as (0-based row index, cells from column A
/// to the row's last non-empty cell).
pub type Sheet = (String, Vec<(u32, Vec<Data>)>);

/// Unpacks every entry of the archive into nothing, counting the bytes; refuses as soon
/// as the total passes the limit.
pub fn check_unpacked(bytes: &[u8], limits: &Limits) -> Result<(), XlsxError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| XlsxError::NotXlsx)?;
    if zip.len() > limits.entries {
        return Err(XlsxError::Entries { limit: limits.entries });
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| XlsxError::NotXlsx)?;
        // calamine holds every shared string in memory when it opens the workbook, at
        // ~50 bytes each even when empty: their count is bounded like the cells'.
        let shared = entry.name().is_ok_and(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"));
        let room = limits.unpacked_bytes - total;
        let mut counter = SharedStrings::default();
        let read = if shared {
            std::io::copy(&mut entry.take(room + 1), &mut counter)
        } else {
            std::io::copy(&mut entry.take(room + 1), &mut std::io::sink())
        }
        .map_err(|_| XlsxError::NotXlsx)?;
        if read > room {
            return Err(XlsxError::Unpacked { limit: limits.unpacked_bytes });
        }
        if counter.count > limits.cells {
            return Err(XlsxError::SharedStrings { limit: limits.cells });
        }
        total += read;
    }
    Ok(())
}

/// Counts the `<si>` (or `<x:si …>`) elements of a shared-string table as it streams by.
#[derive(Default)]
struct SharedStrings {
    count: usize,
    /// The last bytes of the previous chunk, so a tag cut between chunks is still seen.
    tail: Vec<u8>,
}

impl std::io::Write for SharedStrings {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut joined = std::mem::take(&mut self.tail);
        let carried = joined.len();
        joined.extend_from_slice(buf);
        // Tags ending in the carried bytes alone were counted with the previous chunk.
        self.count += si_tags(&joined).filter(|&end| end > carried).count();
        self.tail = joined[joined.len().saturating_sub(16)..].to_vec();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where each `<si>`, `<si …>`, `<si/>` or `<p:si…>` tag of `b` ends (the index after its
/// name and the byte that follows it); at most 14 bytes long.
fn si_tags(b: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (0..b.len()).filter(|&i| b[i] == b'<').filter_map(move |i| {
        let prefix = b[i + 1..].iter().take(9).position(|c| !c.is_ascii_alphanumeric()).unwrap_or(9);
        let name = if b.get(i + 1 + prefix) == Some(&b':') && prefix > 0 { i + 2 + prefix } else { i + 1 };
        let end = name + 3;
        (b.get(name..name + 2) == Some(b"si")
            && b.get(name + 2).is_some_and(|c| matches!(c, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')))
        .then_some(end)
    })
}

/// Every sheet of a workbook, in workbook order, read within `limits`.
pub fn read_sheets(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, XlsxError> {
    check_unpacked(bytes, limits)?;
    // calamine panics on some damaged files (a cell reference of a dozen letters or
    // digits overflows its arithmetic: found by the property tests); such a file is not
    // a workbook, and a panic would drop the connection instead of answering.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse_sheets(bytes, limits)))
        .unwrap_or(Err(XlsxError::NotXlsx))
}

/// [`read_sheets`] once the archive's size is known to be within the limits.
fn parse_sheets(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, XlsxError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| XlsxError::NotXlsx)?;
    let mut cells = 0usize;
    // Empty cells held to the left of non-empty ones (see below).
    let mut held = 0usize;
    let mut text = 0usize;
    let mut sheets = Vec::new();
    for name in wb.sheet_names() {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(|_| XlsxError::NotXlsx)?;
        let mut rows: Vec<(u32, Vec<Data>)> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|_| XlsxError::NotXlsx)? {
            let (row, col) = cell.get_position();
            let value: Data = cell.get_value().clone().into();
            if matches!(value, Data::Empty) {
                continue;
            }
            if col >= limits.columns {
                return Err(XlsxError::Column { sheet: name, column: col + 1, limit: limits.columns });
            }
            if row >= limits.rows {
                return Err(XlsxError::Row { sheet: name, row: row + 1, limit: limits.rows });
            }
            cells += 1;
            // A row is held from column A to its last cell: one cell far to the right in
            // each of a million rows would be hundreds of millions of empty cells held.
            // So the cells counted are those held, empty or not.
            let grows = match rows.last() {
                Some((r, so_far)) if *r == row => (col as usize + 1).saturating_sub(so_far.len()),
                _ => col as usize + 1,
            };
            held += grows.max(1) - 1;
            if cells + held > limits.cells {
                return Err(XlsxError::Cells { limit: limits.cells });
            }
            if let Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) = &value {
                text += s.len();
                if text > limits.text_bytes {
                    return Err(XlsxError::Text { limit: limits.text_bytes });
                }
            }
            // Cells come in row order; a row that comes again later is merged below.
            if rows.last().is_none_or(|(r, _)| *r != row) {
                rows.push((row, Vec::new()));
            }
            let cells_of_row = &mut rows.last_mut().expect("pushed above").1;
            if cells_of_row.len() <= col as usize {
                cells_of_row.resize(col as usize + 1, Data::Empty);
            }
            cells_of_row[col as usize] = value;
        }
        rows.sort_by_key(|(r, _)| *r);
        rows.dedup_by(|later, earlier| {
            if later.0 != earlier.0 {
                return false;
            }
            for (c, d) in std::mem::take(&mut later.1).into_iter().enumerate() {
                if !matches!(d, Data::Empty) {
                    if earlier.1.len() <= c {
                        earlier.1.resize(c + 1, Data::Empty);
                    }
                    earlier.1[c] = d;
                }
            }
            true
        });
        sheets.push((name, rows));
    }
    Ok(sheets)
}

/// A sheet as a calamine [`Range`] (dense over its used rows and columns, which
/// `limits.rows × limits.columns` bounds): for small tables read by position.
pub fn to_range(rows: &[(u32, Vec<Data>)]) -> Range<Data> {
    let cells: Vec<Cell<Data>> = rows
        .iter()
        .flat_map(|(r, cells)| {
            cells
                .iter()
                .enumerate()
                .filter(|(_, d)| !matches!(d, Data::Empty))
                .map(move |(c, d)| Cell::new((*r, c as u32), d.clone()))
        })
        .collect();
    Range::from_sparse(cells)
}

/// Workbooks no spreadsheet program would write (a zip bomb, a far cell, one long shared
/// string used everywhere), built directly with `zip`, for tests of the bounds above.
pub mod fixtures {
    use std::io::{Cursor, Write};

    /// A minimal .xlsx whose one sheet is `sheet_xml` (and whose shared strings are
    /// `strings_xml`), written with the `zip` crate directly so tests can build files no
    /// spreadsheet program would write.
    pub fn workbook(sheet_xml: &[u8], strings_xml: Option<&[u8]>) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opt = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(9));
            let mut put = |name: &str, body: &[u8]| {
                z.start_file(name, opt).unwrap();
                z.write_all(body).unwrap();
            };
            put(
                "[Content_Types].xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            );
            put(
                "_rels/.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            );
            put(
                "xl/workbook.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            );
            let rels: &[u8] = if strings_xml.is_some() {
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            } else {
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            };
            put("xl/_rels/workbook.xml.rels", rels);
            put("xl/worksheets/sheet1.xml", sheet_xml);
            if let Some(s) = strings_xml {
                put("xl/sharedStrings.xml", s);
            }
            z.finish().unwrap();
        }
        out.into_inner()
    }

    /// A sheet's XML around `rows` (`<row>…</row>` elements).
    pub fn sheet(rows: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
        )
        .into_bytes()
    }

    /// A zip bomb: a sheet whose padding unpacks to `mb` megabytes.
    pub fn bomb(mb: usize) -> Vec<u8> {
        let mut xml = sheet(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row>"#);
        let tail = xml.split_off(xml.len() - "</sheetData></worksheet>".len());
        xml.extend(std::iter::repeat_n(b' ', mb << 20));
        xml.extend(tail);
        workbook(&xml, None)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{bomb, sheet, workbook};
    use super::*;

    #[test]
    fn a_normal_workbook_reads() {
        let xml = sheet(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c><c r="C1"><v>7</v></c></row><row r="3"><c r="B3" t="s"><v>0</v></c></row>"#,
        );
        let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>共享</t></si></sst>"#;
        let sheets = read_sheets(&workbook(&xml, Some(strings.as_bytes())), &Limits::PLAN).unwrap();
        assert_eq!(sheets.len(), 1);
        let (name, rows) = &sheets[0];
        assert_eq!(name, "Sheet1");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], (0, vec![Data::String("名称".into()), Data::Empty, Data::Float(7.0)]));
        assert_eq!(rows[1], (2, vec![Data::Empty, Data::String("共享".into())]));
        let range = to_range(rows);
        assert_eq!(range.start(), Some((0, 0)));
        assert_eq!(range.get_value((2, 1)), Some(&Data::String("共享".into())));
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_parsed() {
        let file = bomb(40);
        assert!(file.len() < 200 << 10, "{} bytes", file.len());
        let started = std::time::Instant::now();
        let e = read_sheets(&file, &Limits::PLAN).unwrap_err();
        assert_eq!(e, XlsxError::Unpacked { limit: 16 << 20 });
        assert!(e.to_string().contains("解压后超过 16 MB"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(read_sheets(&file, &Limits::WEB_REGISTRY).is_ok(), "40 MB is within the web limit");
    }

    #[test]
    fn far_cells_many_cells_and_repeated_long_strings_are_refused() {
        let far = sheet(
            r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        );
        let e = read_sheets(&workbook(&far, None), &Limits::WEB_REGISTRY).unwrap_err();
        assert!(matches!(e, XlsxError::Column { column: 16384, limit: 256, .. }), "{e:?}");
        let deep = sheet(r#"<row r="900000"><c r="A900000"><v>1</v></c></row>"#);
        let e = read_sheets(&workbook(&deep, None), &Limits::PLAN).unwrap_err();
        assert!(matches!(e, XlsxError::Row { row: 900000, limit: 5000, .. }), "{e:?}");
        assert!(e.to_string().contains("第 900000 行"), "{e}");

        let mut many = String::new();
        for r in 1..=2000 {
            many.push_str(&format!(r#"<row r="{r}">"#));
            for c in [
                "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
                "S", "T", "U", "V", "W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI",
                "AJ", "AK", "AL", "AM", "AN", "AO", "AP", "AQ", "AR", "AS", "AT", "AU", "AV", "AW", "AX",
                "AY",
            ] {
                many.push_str(&format!(r#"<c r="{c}{r}"><v>1</v></c>"#));
            }
            many.push_str("</row>");
        }
        let e = read_sheets(&workbook(&sheet(&many), None), &Limits::PLAN).unwrap_err();
        assert_eq!(e, XlsxError::Cells { limit: 100_000 });

        // One 1 MB shared string used by 20 cells is 20 MB of text once read.
        let long = "长".repeat(350_000);
        let strings = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{long}</t></si></sst>"#
        );
        let refs: String =
            (1..=20).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect();
        let e = read_sheets(&workbook(&sheet(&refs), Some(strings.as_bytes())), &Limits::PLAN).unwrap_err();
        assert_eq!(e, XlsxError::Text { limit: 8 << 20 });
    }

    #[test]
    fn shared_strings_are_counted_across_chunks() {
        use std::io::Write;
        let xml = b"<x:sst><x:si>a</x:si><si/><si\n>b</si><sst><sis>x</sis></x:sst>";
        for chunk in 1..xml.len() {
            let mut counter = SharedStrings::default();
            xml.chunks(chunk).for_each(|c| counter.write_all(c).unwrap());
            assert_eq!(counter.count, 3, "chunks of {chunk}");
        }
    }

    #[test]
    fn a_cell_reference_that_overflows_is_not_a_workbook() {
        for r in ["AAAAAAAAAAAAAAAA1", "A99999999999999", "A1"] {
            let xml = sheet(&format!(r#"<row r="1"><c r="{r}"><v>1</v></c></row>"#));
            let read = read_sheets(&workbook(&xml, None), &Limits::PLAN);
            if r == "A1" {
                assert!(read.is_ok());
            } else {
                // NotXlsx where calamine's arithmetic overflows (debug builds), else a
                // wrapped position beyond the limits.
                assert!(
                    matches!(
                        read,
                        Err(XlsxError::NotXlsx | XlsxError::Column { .. } | XlsxError::Row { .. })
                    ),
                    "{r}: {read:?}"
                );
            }
        }
    }

    #[test]
    fn junk_is_not_a_workbook() {
        assert_eq!(read_sheets(b"PK\x03\x04junk", &Limits::PLAN).unwrap_err(), XlsxError::NotXlsx);
    }
}
