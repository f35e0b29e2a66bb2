//! 抽查对象范围 — the filters that give a task's pool, and how they read in words.

use serde::{Deserialize, Serialize};

/// 抽查对象范围 — the filters that give a task's pool. Empty lists mean "all".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// 市场主体类别, e.g. 二手车销售企业; `None` = every category (不定向).
    pub category: Option<String>,
    /// Filed on or before this date (YYYY-MM-DD).
    pub filed_before: Option<String>,
    /// Division codes of the regions; empty = all of Handan.
    pub regions: Vec<String>,
    /// Risk classes A–D; empty = all.
    pub risk_classes: Vec<crate::domain::enterprise::RiskClass>,
    /// 行业; empty = all.
    #[serde(default)]
    pub industries: Vec<String>,
    /// 企业性质; empty = all.
    #[serde(default)]
    pub natures: Vec<String>,
    /// 企业规模; empty = all.
    #[serde(default)]
    pub scales: Vec<String>,
}

impl Scope {
    /// The filters in words, one phrase each (empty: every enterprise). The public is not
    /// told risk classes (`with_risk_classes == false`).
    pub fn in_words(&self, with_risk_classes: bool) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(c) = &self.category {
            words.push(format!("检查对象类型：{c}"));
        }
        for (label, values) in
            [("行业", &self.industries), ("企业性质", &self.natures), ("经营规模", &self.scales)]
        {
            if !values.is_empty() {
                words.push(format!("{label}：{}", values.join("、")));
            }
        }
        if !self.regions.is_empty() {
            let names: Vec<String> = self
                .regions
                .iter()
                .map(|code| super::region::region_name(code).map_or_else(|| code.clone(), str::to_owned))
                .collect();
            words.push(format!("地理区域：{}", names.join("、")));
        }
        if let Some(f) = &self.filed_before {
            words.push(format!("登记备案不晚于 {f}"));
        }
        if with_risk_classes && !self.risk_classes.is_empty() {
            let classes: Vec<&str> = self.risk_classes.iter().map(|c| c.code()).collect();
            words.push(format!("信用风险分类：{}", classes.join("、")));
        }
        words
    }
}
