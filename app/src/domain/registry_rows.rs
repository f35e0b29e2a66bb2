//! One row of a registry file ↔ one record: every cell checked with a message for the
//! person who fills it in, and the cells an export writes (which import back unchanged).

use super::credit_code::CreditCode;
use super::enterprise::RiskClass;
use super::import::RowError;
use super::registry::{
    active_label, status_code, status_label, EnterpriseRecord, InspectorRecord, ItemRecord,
    ENTERPRISE_COLUMNS, INSPECTOR_COLUMNS, ITEM_COLUMNS,
};
use super::task::is_iso_date;

/// Reference data a row is checked against: departments (id, name, short name) and
/// regions (code, name).
#[derive(Clone, Debug, Default)]
pub struct Lookups {
    pub departments: Vec<(String, String, String)>,
    pub regions: Vec<(String, String)>,
}

impl Lookups {
    /// A department given by id, full name or short name → its id.
    pub fn department_id(&self, text: &str) -> Option<&str> {
        self.departments
            .iter()
            .find(|(id, name, short)| id == text || name == text || short == text)
            .map(|(id, _, _)| id.as_str())
    }

    /// The full name of a department id (the id itself when unknown).
    pub fn department_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.departments.iter().find(|(d, _, _)| d == id).map_or(id, |(_, name, _)| name.as_str())
    }

    /// A region given by division code or name → its code.
    pub fn region_code(&self, text: &str) -> Option<&str> {
        self.regions.iter().find(|(code, name)| code == text || name == text).map(|(c, _)| c.as_str())
    }
}

/// Collects the problems of one row.
struct Checker<'a> {
    row: usize,
    columns: &'a [&'a str],
    errors: Vec<RowError>,
}

/// Longest cell of a short column (names, categories, codes), in characters.
pub const MAX_SHORT_CELL_CHARS: usize = 100;
/// Longest cell of a long column (an address, an item's content or legal basis).
pub const MAX_LONG_CELL_CHARS: usize = 2000;

impl<'a> Checker<'a> {
    /// A checker for one row whose cells are first held to their lengths: `long` lists the
    /// columns that may hold [`MAX_LONG_CELL_CHARS`], the rest [`MAX_SHORT_CELL_CHARS`].
    /// (A 100,000-character name once made the list page 615 KB.)
    fn new(row: usize, columns: &'a [&'a str], cells: &[String], long: &[usize]) -> Self {
        let mut c = Checker { row, columns, errors: Vec::new() };
        for (col, name) in columns.iter().enumerate() {
            let max = if long.contains(&col) { MAX_LONG_CELL_CHARS } else { MAX_SHORT_CELL_CHARS };
            let n = cell(cells, col).chars().count();
            if n > max {
                c.err(col, format!("{name}过长：{n} 个字符，最多 {max} 个"));
            }
        }
        c
    }

    fn err(&mut self, col: usize, message: String) {
        self.errors.push(RowError { row: self.row, column: self.columns[col].to_owned(), message });
    }

    /// The trimmed cell, or an error when a required one is empty.
    fn required<'c>(&mut self, cells: &'c [String], col: usize) -> &'c str {
        let v = cell(cells, col);
        if v.is_empty() {
            self.err(col, format!("未填写{}", self.columns[col]));
        }
        v
    }

    fn date(&mut self, cells: &[String], col: usize) -> String {
        let v = self.required(cells, col);
        if v.is_empty() {
            return String::new();
        }
        match normalise_date(v) {
            Some(d) => d,
            None => {
                self.err(col, format!("日期“{v}”无法识别；应写成如“2023-01-31”"));
                String::new()
            }
        }
    }

    fn active(&mut self, cells: &[String], col: usize) -> bool {
        match cell(cells, col) {
            "" | "在用" | "是" | "1" => true,
            "停用" | "否" | "0" => false,
            other => {
                self.err(col, format!("状态“{other}”无法识别；应为“在用”或“停用”"));
                true
            }
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<RowError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

fn cell(cells: &[String], col: usize) -> &str {
    cells.get(col).map_or("", |c| c.trim())
}

/// A date as `YYYY-MM-DD`, from `2023-01-31`, `2023-1-31`, `2023/1/31`, `2023.1.31` or
/// `2023年1月31日`; `None` when it is not a real date.
pub fn normalise_date(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).map(str::trim).collect();
    let [y, m, d] = parts[..] else { return None };
    let (y, m, d) = (y.parse::<u32>().ok()?, m.parse::<u32>().ok()?, d.parse::<u32>().ok()?);
    let iso = format!("{y:04}-{m:02}-{d:02}");
    is_iso_date(&iso).then_some(iso)
}

/// Checks one enterprise row (cells in [`ENTERPRISE_COLUMNS`] order).
pub fn enterprise_from_cells(
    row: usize,
    cells: &[String],
    lookups: &Lookups,
) -> Result<EnterpriseRecord, Vec<RowError>> {
    let mut c = Checker::new(row, &ENTERPRISE_COLUMNS, cells, &[11]);
    let code = c.required(cells, 0);
    let credit_code = if code.is_empty() {
        String::new()
    } else {
        match CreditCode::parse(code) {
            Ok(code) => code.to_string(),
            Err(e) => {
                c.err(0, e.to_string());
                String::new()
            }
        }
    };
    let name = c.required(cells, 1).to_owned();
    let category = c.required(cells, 2).to_owned();
    let region = c.required(cells, 6);
    let region_code = match (region, lookups.region_code(region)) {
        ("", _) => String::new(),
        (_, Some(code)) => code.to_owned(),
        (text, None) => {
            c.err(6, format!("行政区划“{text}”不在本辖区的区划中；应为 6 位区划代码，如“130402”"));
            String::new()
        }
    };
    let filed_on = c.date(cells, 7);
    let status = match cell(cells, 8) {
        "" => "active",
        text => status_code(text).unwrap_or_else(|| {
            c.err(8, format!("登记状态“{text}”无法识别；应为“存续”“停业”或“注销”"));
            ""
        }),
    };
    let risk = c.required(cells, 9);
    let risk_class = match (risk, RiskClass::parse(&risk.to_ascii_uppercase())) {
        ("", _) => "",
        (_, Some(r)) => r.code(),
        (text, None) => {
            c.err(9, format!("信用风险分类“{text}”无法识别；应为 A、B、C 或 D"));
            ""
        }
    };
    let complaint_count = match cell(cells, 10) {
        "" => 0,
        text => text.parse::<i64>().ok().filter(|n| *n >= 0).unwrap_or_else(|| {
            c.err(10, format!("投诉次数“{text}”应为不小于 0 的整数"));
            0
        }),
    };
    let record = EnterpriseRecord {
        credit_code,
        name,
        category,
        industry: cell(cells, 3).to_owned(),
        nature: cell(cells, 4).to_owned(),
        scale: cell(cells, 5).to_owned(),
        region_code,
        filed_on,
        status: status.to_owned(),
        risk_class: risk_class.to_owned(),
        complaint_count,
        address: cell(cells, 11).to_owned(),
    };
    c.finish(record)
}

/// The cells an export writes for an enterprise, in [`ENTERPRISE_COLUMNS`] order.
pub fn enterprise_cells(e: &EnterpriseRecord) -> Vec<String> {
    vec![
        e.credit_code.clone(),
        e.name.clone(),
        e.category.clone(),
        e.industry.clone(),
        e.nature.clone(),
        e.scale.clone(),
        e.region_code.clone(),
        e.filed_on.clone(),
        status_label(&e.status).to_owned(),
        e.risk_class.clone(),
        e.complaint_count.to_string(),
        e.address.clone(),
    ]
}

/// Checks one inspector row (cells in [`INSPECTOR_COLUMNS`] order).
pub fn inspector_from_cells(
    row: usize,
    cells: &[String],
    lookups: &Lookups,
) -> Result<InspectorRecord, Vec<RowError>> {
    let mut c = Checker::new(row, &INSPECTOR_COLUMNS, cells, &[]);
    let certificate_no = c.required(cells, 0).to_owned();
    if !certificate_no.is_empty()
        && (certificate_no.len() > 64 || !certificate_no.bytes().all(|b| b.is_ascii_graphic()))
    {
        c.err(0, format!("执法证号“{certificate_no}”只能由字母、数字和符号组成（不含空格），最长 64 位"));
    }
    let name = c.required(cells, 1).to_owned();
    let department_id = department(&mut c, cells, 2, lookups);
    let valid_from = c.date(cells, 3);
    let valid_to = c.date(cells, 4);
    if !valid_from.is_empty() && !valid_to.is_empty() && valid_from > valid_to {
        c.err(4, format!("有效期止（{valid_to}）早于有效期起（{valid_from}）"));
    }
    let active = c.active(cells, 6);
    let record = InspectorRecord {
        certificate_no,
        name,
        department_id,
        valid_from,
        valid_to,
        phone: cell(cells, 5).to_owned(),
        active,
    };
    c.finish(record)
}

fn department(c: &mut Checker<'_>, cells: &[String], col: usize, lookups: &Lookups) -> String {
    let text = c.required(cells, col);
    if text.is_empty() {
        return String::new();
    }
    match lookups.department_id(text) {
        Some(id) => id.to_owned(),
        None => {
            let known: Vec<&str> = lookups.departments.iter().map(|(_, n, _)| n.as_str()).collect();
            c.err(col, format!("部门“{text}”不存在；应为以下之一：{}", known.join("、")));
            String::new()
        }
    }
}

/// The cells an export writes for an inspector, in [`INSPECTOR_COLUMNS`] order.
pub fn inspector_cells(i: &InspectorRecord, lookups: &Lookups) -> Vec<String> {
    vec![
        i.certificate_no.clone(),
        i.name.clone(),
        lookups.department_name(&i.department_id).to_owned(),
        i.valid_from.clone(),
        i.valid_to.clone(),
        i.phone.clone(),
        active_label(i.active).to_owned(),
    ]
}

/// Checks one inspection-item row (cells in [`ITEM_COLUMNS`] order).
pub fn item_from_cells(row: usize, cells: &[String], lookups: &Lookups) -> Result<ItemRecord, Vec<RowError>> {
    let mut c = Checker::new(row, &ITEM_COLUMNS, cells, &[1, 2]);
    let name = c.required(cells, 0).to_owned();
    let department_id = department(&mut c, cells, 3, lookups);
    let active = c.active(cells, 5);
    let record = ItemRecord {
        name,
        content: cell(cells, 1).to_owned(),
        legal_basis: cell(cells, 2).to_owned(),
        department_id,
        frequency: cell(cells, 4).to_owned(),
        active,
    };
    c.finish(record)
}

/// The cells an export writes for an item, in [`ITEM_COLUMNS`] order.
pub fn item_cells(i: &ItemRecord, lookups: &Lookups) -> Vec<String> {
    vec![
        i.name.clone(),
        i.content.clone(),
        i.legal_basis.clone(),
        lookups.department_name(&i.department_id).to_owned(),
        i.frequency.clone(),
        active_label(i.active).to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups() -> Lookups {
        Lookups {
            departments: vec![("swj-zfzd".into(), "商务综合执法支队".into(), "执法支队".into())],
            regions: vec![("130402".into(), "邯山区".into())],
        }
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dates_in_common_spellings() {
        assert_eq!(normalise_date("2023/1/5").as_deref(), Some("2023-01-05"));
        assert_eq!(normalise_date("2023年1月5日").as_deref(), Some("2023-01-05"));
        assert_eq!(normalise_date("2023-02-30"), None);
        assert_eq!(normalise_date("昨天"), None);
    }

    #[test]
    fn a_good_enterprise_row_round_trips_through_its_cells() {
        let code = CreditCode::with_check("91130402MA0000001").unwrap().to_string();
        let row = cells(&[&code, "甲公司", "拍卖企业", "", "", "", "邯山区", "2020/3/1", "", "b", "", ""]);
        let e = enterprise_from_cells(2, &row, &lookups()).unwrap();
        assert_eq!(
            (e.region_code.as_str(), e.filed_on.as_str(), e.status.as_str()),
            ("130402", "2020-03-01", "active")
        );
        assert_eq!(e.risk_class, "B");
        assert_eq!(enterprise_from_cells(2, &enterprise_cells(&e), &lookups()).unwrap(), e);
    }

    #[test]
    fn every_bad_cell_of_an_enterprise_row_is_named() {
        let row = cells(&[
            "91130402MA00000010",
            "",
            "拍卖企业",
            "",
            "",
            "",
            "999999",
            "2020-13-01",
            "倒闭",
            "E",
            "-1",
        ]);
        let errors = enterprise_from_cells(7, &row, &lookups()).unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            [
                "统一社会信用代码",
                "名称",
                "行政区划代码",
                "登记备案日期",
                "登记状态",
                "信用风险分类",
                "投诉次数"
            ]
        );
        assert!(errors.iter().all(|e| e.row == 7));
    }

    #[test]
    fn overlong_cells_are_refused_by_column() {
        let mut row = cells(&["事项", "内容", "", "执法支队", "", ""]);
        row[0] = "名".repeat(MAX_SHORT_CELL_CHARS + 1);
        row[1] = "容".repeat(MAX_LONG_CELL_CHARS);
        let errors = item_from_cells(2, &row, &lookups()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].column, "事项名称");
        assert_eq!(errors[0].message, "事项名称过长：101 个字符，最多 100 个");
    }

    #[test]
    fn an_inspector_certificate_must_not_end_before_it_starts() {
        let row = cells(&["130400230001", "张三", "执法支队", "2024-01-01", "2023-12-31", "", ""]);
        let errors = inspector_from_cells(3, &row, &lookups()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, "有效期止");
        let ok = cells(&["130400230001", "张三", "商务综合执法支队", "2023-01-01", "2023-12-31", "", "停用"]);
        let i = inspector_from_cells(3, &ok, &lookups()).unwrap();
        assert!(!i.active);
        assert_eq!(inspector_from_cells(3, &inspector_cells(&i, &lookups()), &lookups()).unwrap(), i);
    }

    #[test]
    fn an_item_needs_a_known_department() {
        let errors = item_from_cells(2, &cells(&["事项", "", "", "财政局", "", ""]), &lookups()).unwrap_err();
        assert_eq!(errors[0].column, "责任部门");
    }
}
