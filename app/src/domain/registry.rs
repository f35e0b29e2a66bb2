//! 一单两库 — the enterprise and inspector registries and the inspection-item list: their
//! records, the filters of their tables, and conflict declarations.

use serde::{Deserialize, Serialize};

/// Which of the three lists a file or a page is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegistryKind {
    /// 检查对象名录库.
    Enterprises,
    /// 执法检查人员名录库.
    Inspectors,
    /// 抽查事项清单.
    Items,
}

impl RegistryKind {
    /// All three, in the order the navigation shows them.
    pub const ALL: [RegistryKind; 3] = [Self::Enterprises, Self::Inspectors, Self::Items];

    /// The word used on the command line and in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Self::Enterprises => "enterprises",
            Self::Inspectors => "inspectors",
            Self::Items => "items",
        }
    }

    /// Parses [`RegistryKind::code`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }

    /// Chinese name of the list.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enterprises => "检查对象名录库",
            Self::Inspectors => "执法检查人员名录库",
            Self::Items => "抽查事项清单",
        }
    }

    /// The column headers of its files, in order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Enterprises => &ENTERPRISE_COLUMNS,
            Self::Inspectors => &INSPECTOR_COLUMNS,
            Self::Items => &ITEM_COLUMNS,
        }
    }
}

/// Columns of an enterprise file; the first is the key.
pub const ENTERPRISE_COLUMNS: [&str; 12] = [
    "统一社会信用代码",
    "名称",
    "市场主体类别",
    "行业",
    "企业性质",
    "企业规模",
    "行政区划代码",
    "登记备案日期",
    "登记状态",
    "信用风险分类",
    "投诉次数",
    "住所",
];

/// Columns of an inspector file; the first is the key.
pub const INSPECTOR_COLUMNS: [&str; 7] =
    ["执法证号", "姓名", "所属部门", "有效期起", "有效期止", "联系电话", "状态"];

/// Columns of an inspection-item file; the first is the key.
pub const ITEM_COLUMNS: [&str; 6] = ["事项名称", "检查内容", "检查依据", "责任部门", "抽查频次", "状态"];

/// 市场主体 — one entry of the enterprise registry, as stored (codes, not labels).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EnterpriseRecord {
    pub credit_code: String,
    pub name: String,
    pub category: String,
    pub industry: String,
    pub nature: String,
    pub scale: String,
    pub region_code: String,
    /// `YYYY-MM-DD`.
    pub filed_on: String,
    /// `active` / `suspended` / `deregistered`.
    pub status: String,
    /// `A`..`D`.
    pub risk_class: String,
    pub complaint_count: i64,
    pub address: String,
}

/// 执法人员 — one entry of the inspector registry, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InspectorRecord {
    /// 行政执法证号.
    pub certificate_no: String,
    pub name: String,
    pub department_id: String,
    pub valid_from: String,
    pub valid_to: String,
    pub phone: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::ssr::db::Flag"))]
    pub active: bool,
}

/// 抽查事项 — one entry of the inspection-item list, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ItemRecord {
    pub name: String,
    pub content: String,
    pub legal_basis: String,
    pub department_id: String,
    pub frequency: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::ssr::db::Flag"))]
    pub active: bool,
}

/// The label of an enterprise status code (`active` → 存续).
pub fn status_label(code: &str) -> &str {
    super::enterprise::STATUSES.iter().find(|(c, _)| *c == code).map_or(code, |(_, l)| *l)
}

/// A status given as code or label (`存续` or `active`) → its code.
pub fn status_code(text: &str) -> Option<&'static str> {
    let t = text.trim();
    super::enterprise::STATUSES.iter().find(|(c, l)| *c == t || *l == t).map(|(c, _)| *c)
}

/// 在用 / 停用 — the label of an inspector's or item's `active` flag.
pub fn active_label(active: bool) -> &'static str {
    if active {
        "在用"
    } else {
        "停用"
    }
}

/// Columns the enterprise table can be sorted by: each has an index the page can be read
/// in order from, so a sorted page of a million stays quick.
pub const ENTERPRISE_SORTS: [(&str, &str); 3] =
    [("name", "名称"), ("credit_code", "统一社会信用代码"), ("filed_on", "登记备案日期")];

/// The enterprise table's filters, as the page's query string carries them; empty = any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseQuery {
    /// Text in the name, or the start of the credit code.
    pub q: String,
    pub category: String,
    pub industry: String,
    pub nature: String,
    pub scale: String,
    pub region: String,
    /// Filed on or after (`YYYY-MM-DD`).
    pub filed_from: String,
    /// Filed on or before (`YYYY-MM-DD`).
    pub filed_to: String,
    pub status: String,
    pub risk: String,
    /// One of [`ENTERPRISE_SORTS`]; name when empty or unknown (credit code when the
    /// search is the start of one).
    pub sort: String,
    /// Descending order.
    pub desc: bool,
    /// 1-based page.
    pub page: u32,
}

impl EnterpriseQuery {
    /// The sort column, checked against [`ENTERPRISE_SORTS`] (never raw user text in SQL).
    pub fn sort_column(&self) -> &'static str {
        ENTERPRISE_SORTS.iter().find(|(c, _)| *c == self.sort).map_or("name", |(c, _)| *c)
    }

    /// The filters as query-string pairs (empty ones left out), for links and exports.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = [
            ("q", &self.q),
            ("category", &self.category),
            ("industry", &self.industry),
            ("nature", &self.nature),
            ("scale", &self.scale),
            ("region", &self.region),
            ("filed_from", &self.filed_from),
            ("filed_to", &self.filed_to),
            ("status", &self.status),
            ("risk", &self.risk),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect();
        if self.desc {
            v.push(("desc", "1".into()));
        }
        v
    }

    /// Reads the filters back from query-string pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            let v = v.trim().to_owned();
            match k {
                "q" => q.q = v,
                "category" => q.category = v,
                "industry" => q.industry = v,
                "nature" => q.nature = v,
                "scale" => q.scale = v,
                "region" => q.region = v,
                "filed_from" => q.filed_from = v,
                "filed_to" => q.filed_to = v,
                "status" => q.status = v,
                "risk" => q.risk = v,
                "sort" => q.sort = v,
                "desc" => q.desc = v == "1" || v == "true",
                "page" => q.page = v.parse().unwrap_or(1),
                _ => {}
            }
        }
        q
    }
}

/// The filters of the inspector and item tables (a few hundred rows each).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Text in the name or the key (certificate number).
    pub q: String,
    pub department: String,
    /// `1` in use, `0` not, empty either.
    pub active: String,
    /// 1-based page.
    pub page: u32,
}

/// 企业性质 choices offered by the filters (other values are kept as written).
pub const NATURES: [&str; 4] = ["有限责任公司", "股份有限公司", "个人独资企业", "分公司"];
/// 企业规模 choices offered by the filters.
pub const SCALES: [&str; 4] = ["大型", "中型", "小型", "微型"];

/// An inspector with its row id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InspectorRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    pub record: InspectorRecord,
    pub department_name: String,
}

/// An inspection item with its row id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ItemRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    pub record: ItemRecord,
    pub department_name: String,
}

/// An enterprise with its row id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EnterpriseRow {
    pub id: i64,
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    pub record: EnterpriseRecord,
    pub updated_at: String,
}

/// What a registry import did or would do: the plan import's report, and how many rows
/// matched a stored record exactly (neither added nor updated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryImportReport {
    pub report: super::import::ImportReport,
    pub unchanged: usize,
}

/// The largest file the web import takes: a bureau's 100,000 enterprises are about 15 MB
/// as CSV. Larger files go through `shuangsui import`.
pub const WEB_IMPORT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// Why a file of `bytes` is refused where at most `max` are taken, naming the limit.
pub fn too_large_message(bytes: usize, max: usize) -> String {
    let size = format!("文件过大（{:.1} MB），", bytes as f64 / 1_048_576.0);
    if max == WEB_IMPORT_MAX_BYTES {
        format!("{size}网页导入最多接受 {} MB；更大的文件请用命令行 shuangsui import 导入。", max >> 20)
    } else {
        format!("{size}最多接受 {} MB。", max >> 20)
    }
}

/// The enterprise table counts matches up to here and then says “more than 10000”: an
/// exact count of a million rows costs more than the page itself.
pub const COUNT_CAP: i64 = 10_000;
/// The cap when the search is one or two characters, which only a scan can answer.
pub const SHORT_TEXT_COUNT_CAP: i64 = 1_000;

/// Rows per page of a registry table.
pub const PAGE_SIZE: u32 = 50;

/// 回避事由 — why an inspector declares a conflict with an enterprise.
pub const CONFLICT_REASONS: [&str; 4] = ["近亲属", "曾任职", "经济往来", "其他"];

/// 回避 — a declared conflict of interest, as the conflicts list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Conflict {
    pub id: i64,
    pub inspector_id: i64,
    pub inspector_name: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub reason: String,
    pub note: String,
    pub declared_at: String,
    pub withdrawn_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_round_trip() {
        let q = EnterpriseQuery {
            q: "恒通".into(),
            region: "130402".into(),
            desc: true,
            sort: "filed_on".into(),
            page: 1,
            ..Default::default()
        };
        let pairs = q.pairs();
        let back =
            EnterpriseQuery::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())).chain([("page", "1")]));
        assert_eq!(back, q);
    }

    #[test]
    fn unknown_sort_falls_back_to_name() {
        let q = EnterpriseQuery { sort: "name; DROP TABLE x".into(), ..Default::default() };
        assert_eq!(q.sort_column(), "name");
    }

    #[test]
    fn statuses_parse_by_code_or_label() {
        assert_eq!(status_code("存续"), Some("active"));
        assert_eq!(status_code("deregistered"), Some("deregistered"));
        assert_eq!(status_code("倒闭"), None);
        assert_eq!(status_label("suspended"), "停业");
    }
}
