//! 附件2's table, cell by cell: its columns, the cells one task prints as, and each row
//! of an imported table checked with a message for the clerk who fills it in. No file and
//! no database here: reading the .xlsx is `ssr::files::plan_sheet`, applying an import
//! `ssr::db::plan_import`.

use super::import::RowError;
use super::plan::{TaskKind, TaskRow, Window};
use super::ratio::Ratio;
use crate::labels::PLAN_COLUMNS;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Column positions, in [`PLAN_COLUMNS`] order.
pub const PLAN_NO: usize = 0;
pub const PLAN_NAME: usize = 1;
pub const TASK_NO: usize = 2;
pub const TASK_NAME: usize = 3;
pub const KIND: usize = 4;
pub const RATIO: usize = 5;
pub const ITEMS: usize = 6;
pub const SCOPE: usize = 7;
pub const INITIATING: usize = 8;
pub const JOINT: usize = 9;
pub const WINDOW: usize = 10;
pub const COLS: usize = PLAN_COLUMNS.len();

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

/// The plan table's optional 12th column: 分批抽取, each batch's months (`7, 8, 9` or
/// `3-4, 5-6`); blank for a task drawn at once. A table without the column imports as before.
pub const BATCHES_COLUMN: &str = "分批抽取";

/// What a 联合部门 cell may hold to say "none".
pub const NO_JOINT: [&str; 6] = ["无", "/", "-", "—", "－", "／"];

/// The 11 cell texts of one task, as the plan table prints them.
pub fn task_cells(t: &TaskRow) -> [String; COLS] {
    [
        t.plan_no.clone(),
        t.plan_name.clone(),
        t.task_no.clone(),
        t.task_name.clone(),
        t.kind.label().to_owned(),
        t.ratio_bp.label(),
        t.items.clone(),
        t.scope.clone(),
        t.initiating_department.clone(),
        t.joint_label(),
        t.window.label(),
    ]
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
    pub ratio_bp: Ratio,
    pub items: Vec<String>,
    pub scope: String,
    /// 发起部门 as written (short name, full name or id).
    pub initiating: String,
    /// 联合部门 as written, one or more (split on 、 like the items); none when blank or “无”.
    pub joints: Vec<String>,
    pub window: Window,
    /// 分批抽取 (empty: drawn at once).
    #[serde(default)]
    pub batches: Vec<super::batch::BatchWindow>,
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

/// One task row's cell texts, trimmed, in [`PLAN_COLUMNS`] order.
pub struct RawRow {
    pub row: usize,
    pub cells: [String; COLS],
    /// The 抽查比例 cell when Excel stored it as a number (a typed `2%` is 0.02).
    pub ratio_number: Option<f64>,
    /// The 分批抽取 cell, when the table has that column.
    pub batches: String,
}

/// The table found on a worksheet, before any cell is checked.
pub struct SheetContents {
    pub name: String,
    pub title: Option<String>,
    pub remarks: Option<String>,
    pub rows: Vec<RawRow>,
}

/// Text without any whitespace, as headers and department names are compared (so
/// `抽查计划\n编号` still counts).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A problem with one cell, named by its row and column header.
pub fn row_error(row: usize, col: usize, message: String) -> RowError {
    RowError { row, column: PLAN_COLUMNS[col].to_owned(), message }
}

/// Checks every row; a row repeating an earlier (plan no, task no) is an error too.
pub fn parse_rows(raws: &[RawRow]) -> Vec<Result<PlanRowInput, Vec<RowError>>> {
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

/// A column header's position (after every column when unknown), to order a row's errors.
pub fn column_index(header: &str) -> usize {
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
    let joints = if NO_JOINT.contains(&cell(JOINT)) { Vec::new() } else { split_items(cell(JOINT)) };
    let batches = match super::batch::parse_batches(&raw.batches) {
        Ok(b) => {
            if let Some(w) = window {
                for problem in super::batch::check_batches(&b, w.start_month, w.end_month) {
                    errors.push(RowError { row: raw.row, column: BATCHES_COLUMN.into(), message: problem });
                }
            }
            b
        }
        Err(why) => {
            errors.push(RowError {
                row: raw.row,
                column: BATCHES_COLUMN.into(),
                message: format!("{why}；应如“7, 8, 9”或“3-4, 5-6”，一次抽取则留空"),
            });
            Vec::new()
        }
    };
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
            joints,
            window,
            batches,
        }),
        _ => {
            errors.sort_by_key(|e| column_index(&e.column));
            Err(errors)
        }
    }
}

/// 抽查比例 in basis points: `2%`, `2.5%`, `0.05%` (also `２％`); a number cell is the
/// fraction Excel stores for a percentage (0.02 for 2%).
pub fn parse_ratio(text: &str, number: Option<f64>) -> Result<Ratio, String> {
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
        return Ratio::from_bp(bp.round() as u32).ok_or_else(out_of_range);
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
    Ratio::from_bp(bp).ok_or_else(out_of_range)
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
pub fn infer_category(kind: TaskKind, scope: &str, task_name: &str, known: &[String]) -> Option<String> {
    if kind != TaskKind::Targeted {
        return None;
    }
    [scope, task_name].into_iter().find_map(|text| {
        known.iter().find(|c| text.contains(c.as_str())).cloned().or_else(|| {
            CATEGORY_KEYWORDS.iter().find(|(k, _)| text.contains(k)).map(|(_, c)| (*c).to_owned())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios() {
        assert_eq!(parse_ratio("2%", None).map(Ratio::bp), Ok(200));
        assert_eq!(parse_ratio("2.5%", None).map(Ratio::bp), Ok(250));
        assert_eq!(parse_ratio("0.5%", None).map(Ratio::bp), Ok(50));
        assert_eq!(parse_ratio(" 0.05 ％", None).map(Ratio::bp), Ok(5));
        assert_eq!(parse_ratio("100%", None).map(Ratio::bp), Ok(10_000));
        assert_eq!(parse_ratio("0%", None).map(Ratio::bp), Ok(0));
        assert_eq!(parse_ratio("2%", Some(0.02)).map(Ratio::bp), Ok(200));
        assert_eq!(parse_ratio("2.5%", Some(0.025)).map(Ratio::bp), Ok(250));
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
