//! 避免检查过多 and 加大抽查力度 (实施方案 二(三)): leaving out enterprises inspected for the
//! same item not long ago, and the 重点关注 list — enterprises people complain about, or put
//! there by staff — that a task may draw at its own, higher ratio.

use super::date::Date;
use super::import::RowError;
use serde::{Deserialize, Serialize};

/// The DR1 stratum of 重点关注 enterprises in a task that gives them their own ratio. Like
/// the risk classes it is never shown beside an enterprise on the portal (the public draw
/// summary salts every stratum).
pub const WATCH_STRATUM: &str = "W";

/// A stratum's name in words: a risk class, or 重点关注.
pub fn stratum_label(stratum: &str) -> String {
    if stratum == WATCH_STRATUM {
        "重点关注".into()
    } else {
        format!("风险 {stratum} 类")
    }
}

/// Which earlier inspections keep an enterprise out of a task's pool: one for any of the
/// task's items, published or not, of any task, dated inside the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RepeatExclusion {
    /// Nobody is left out.
    #[default]
    None,
    /// Inspected since 1 January of the draw's year.
    CalendarYear,
    /// Inspected in the 12 months before the draw.
    Last12Months,
}

impl RepeatExclusion {
    pub const ALL: [RepeatExclusion; 3] = [Self::None, Self::CalendarYear, Self::Last12Months];

    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::CalendarYear => "calendar_year",
            Self::Last12Months => "last_12_months",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "不排除",
            Self::CalendarYear => "排除本年度已就同一事项检查过的企业",
            Self::Last12Months => "排除近 12 个月已就同一事项检查过的企业",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    /// The first day an inspection counts from, for a draw on `draw_date`; `None` for
    /// [`RepeatExclusion::None`].
    pub fn since(self, draw_date: Date) -> Option<Date> {
        let (y, m, d) = draw_date.ymd();
        match self {
            Self::None => None,
            Self::CalendarYear => Date::parse(&format!("{y:04}-01-01")),
            Self::Last12Months => {
                // The same day a year earlier (29 February → 28 February), then the next day:
                // a 12-month period that ends on the draw's date.
                let last = Date::last_of_month((y - 1) as i32, m);
                let (_, _, last_day) = last.ymd();
                let same = Date::from_day_number(last.day_number() - i64::from(last_day - d.min(last_day)));
                Some(same.plus_days(1))
            }
        }
    }

    /// Why an enterprise left out by this rule is left out, for the frozen record.
    pub fn reason(self, since: &str) -> String {
        format!("{since} 以来已就本任务的抽查事项接受检查（{}）", self.label())
    }
}

/// The first day of the 12 months of complaints that count toward the threshold, for `today`.
pub fn complaints_since(today: Date) -> Date {
    RepeatExclusion::Last12Months.since(today).expect("a period")
}

/// The columns of a complaints file, in order.
pub const COMPLAINT_COLUMNS: [&str; 4] = ["统一社会信用代码", "投诉日期", "渠道", "摘要"];

/// One complaint of a file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComplaintRow {
    pub code: String,
    pub received_on: String,
    pub channel: String,
    pub summary: String,
}

impl ComplaintRow {
    /// Row `row`'s cells (in [`COMPLAINT_COLUMNS`] order) as a complaint, or each problem
    /// named by row and column; `today` bounds the date.
    pub fn from_cells(row: usize, cells: &[String], today: &str) -> Result<ComplaintRow, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut err =
            |column: &str, message: String| errors.push(RowError { row, column: column.into(), message });
        let cell = |i: usize| cells.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
        let code = cell(0).to_ascii_uppercase();
        if let Err(why) = super::credit_code::CreditCode::parse(&code) {
            err(COMPLAINT_COLUMNS[0], why.to_string());
        }
        let received_on = cell(1);
        match Date::parse(&received_on) {
            None => err(COMPLAINT_COLUMNS[1], format!("“{received_on}”不是 YYYY-MM-DD 格式的有效日期")),
            Some(_) if received_on.as_str() > today => {
                err(COMPLAINT_COLUMNS[1], format!("投诉日期不能晚于今天 {today}"))
            }
            Some(_) => {}
        }
        let channel = cell(2);
        if channel.is_empty() {
            err(COMPLAINT_COLUMNS[2], "请填写投诉渠道（如 12345 热线、来信、网上投诉）".into());
        } else if channel.chars().count() > 50 {
            err(COMPLAINT_COLUMNS[2], "渠道不超过 50 字".into());
        }
        let summary = cell(3);
        if summary.chars().count() > 500 {
            err(COMPLAINT_COLUMNS[3], "摘要不超过 500 字".into());
        }
        if errors.is_empty() {
            Ok(ComplaintRow { code, received_on, channel, summary })
        } else {
            Err(errors)
        }
    }
}

/// An enterprise on the 重点关注 list, for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watched {
    pub code: String,
    pub name: String,
    /// Complaints in the last 12 months.
    pub complaints: i64,
    /// Staff's reason, when staff put it there (and the entry's id, to take it off).
    pub entry: Option<(i64, String)>,
}

/// 抽查覆盖率 written in an item's frequency (`5%`, `不低于 5％`, `3.5%`), if it has one.
pub fn coverage_of(frequency: &str) -> Option<super::ratio::Ratio> {
    let text: String = frequency
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '％' => '%',
            '．' => '.',
            other => other,
        })
        .collect();
    let at = text.find('%')?;
    let number: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    super::ratio::Ratio::parse_percent(&number).ok()
}

/// One inspection item's reach in a year: of the enterprises its tasks drew from, how many
/// were drawn and inspected, against its 抽查覆盖率.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCoverage {
    pub item_id: i64,
    pub name: String,
    pub frequency: String,
    /// Enterprises in the frozen pools of the year's tasks carrying the item.
    pub relevant: i64,
    pub drawn: i64,
    pub inspected: i64,
    /// What the coverage rate asks of `relevant` (rounded up), when the item states one.
    pub target: Option<i64>,
}

impl ItemCoverage {
    /// Whether the inspected reach the target (None without a target).
    pub fn met(&self) -> Option<bool> {
        self.target.map(|t| self.inspected >= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn periods_count_from_their_first_day() {
        assert_eq!(RepeatExclusion::None.since(d("2023-06-10")), None);
        assert_eq!(RepeatExclusion::CalendarYear.since(d("2023-06-10")), Some(d("2023-01-01")));
        assert_eq!(RepeatExclusion::Last12Months.since(d("2023-06-10")), Some(d("2022-06-11")));
        assert_eq!(RepeatExclusion::Last12Months.since(d("2024-02-29")), Some(d("2023-03-01")));
        for r in RepeatExclusion::ALL {
            assert_eq!(RepeatExclusion::parse(r.code()), Some(r));
        }
    }

    #[test]
    fn a_coverage_rate_is_read_from_the_frequency_text() {
        let bp = |s: &str| coverage_of(s).map(|r| r.bp());
        assert_eq!(bp("5%"), Some(500));
        assert_eq!(bp("不低于 3.5％ 的比例"), Some(350));
        assert_eq!(bp("抽查覆盖率不低于５％"), Some(500));
        assert_eq!(bp("每年一次"), None);
    }

    #[test]
    fn a_complaint_row_names_each_bad_cell() {
        let cells = |v: [&str; 4]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let bad =
            ComplaintRow::from_cells(3, &cells(["123", "2023-02-30", "", ""]), "2023-06-01").unwrap_err();
        let columns: Vec<&str> = bad.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(columns, ["统一社会信用代码", "投诉日期", "渠道"]);
        assert!(bad.iter().all(|e| e.row == 3));
    }
}
