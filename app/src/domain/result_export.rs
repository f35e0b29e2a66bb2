//! Published results as the files other systems read: one row per enterprise and
//! inspection item, the columns named by a template (by default the GSXT 双随机抽查结果
//! layout, `templates/results-gsxt.template`; a bureau may rename, reorder or drop columns
//! to match its province's import layout).

use serde::{Deserialize, Serialize};

/// The default template, the GSXT layout.
pub const GSXT_TEMPLATE: &str = include_str!("../../../templates/results-gsxt.template");

/// The default penalties template, the 双公示 行政处罚 layout.
pub const PENALTIES_TEMPLATE: &str = include_str!("../../../templates/penalties-shuanggongshi.template");

/// The source fields a penalties template may name.
pub const PENALTY_FIELDS: [(&str, &str); 14] = [
    ("party_name", "行政相对人名称"),
    ("party_code", "统一社会信用代码"),
    ("decision_no", "行政处罚决定书文号"),
    ("violation_type", "违法行为类型"),
    ("facts", "违法事实"),
    ("basis", "处罚依据"),
    ("content", "处罚内容"),
    ("fine_wan", "罚款金额（万元）"),
    ("fine_yuan", "罚款金额（元）"),
    ("authority", "处罚机关"),
    ("decided_on", "处罚决定日期"),
    ("published_on", "公示日期"),
    ("publish_until", "公示截止期"),
    ("ended", "提前终止公示（日期与理由）"),
];

/// The source fields a template may name, with what each holds.
pub const FIELDS: [(&str, &str); 18] = [
    ("plan_no", "抽查计划编号"),
    ("plan_name", "抽查计划名称"),
    ("task_no", "抽查任务编号"),
    ("task_name", "抽查任务名称"),
    ("task_kind", "抽查类型（定向/不定向）"),
    ("authority", "抽查机关（发起部门与联合部门）"),
    ("finished_on", "抽查完成日期（该企业的检查日期）"),
    ("code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("item", "检查事项"),
    ("result", "检查结果（标准值，多个以“、”分隔）"),
    ("method", "核查方式"),
    ("handling", "后续处置及办理情况"),
    ("published_on", "公示日期"),
    ("inspected_on", "检查日期"),
    ("problems", "发现的问题"),
    ("department", "检查单位简称"),
    ("on_time", "是否按时公示（按时/逾期）"),
];

/// One row of the export: one enterprise's published result for one inspection item.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRow {
    pub plan_no: String,
    pub plan_name: String,
    pub task_no: String,
    pub task_name: String,
    pub task_kind: String,
    pub authority: String,
    pub code: String,
    pub name: String,
    pub item: String,
    pub result: String,
    pub method: String,
    pub handling: String,
    pub published_on: String,
    pub inspected_on: String,
    pub problems: String,
    pub department: String,
    pub on_time: String,
}

impl ExportRow {
    fn field(&self, name: &str) -> &str {
        match name {
            "plan_no" => &self.plan_no,
            "plan_name" => &self.plan_name,
            "task_no" => &self.task_no,
            "task_name" => &self.task_name,
            "task_kind" => &self.task_kind,
            "authority" => &self.authority,
            "finished_on" | "inspected_on" => &self.inspected_on,
            "code" => &self.code,
            "name" => &self.name,
            "item" => &self.item,
            "result" => &self.result,
            "method" => &self.method,
            "handling" => &self.handling,
            "published_on" => &self.published_on,
            "problems" => &self.problems,
            "department" => &self.department,
            "on_time" => &self.on_time,
            _ => "",
        }
    }
}

/// The columns of an export: (title, source field), in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub columns: Vec<(String, String)>,
}

impl Template {
    /// Reads a template: one column per line, `列标题 = 来源字段`; `#` starts a comment.
    /// An unknown field, a line without `=` or an empty title is refused naming its line.
    pub fn parse(text: &str) -> Result<Template, String> {
        Self::parse_for(text, &FIELDS)
    }

    /// Reads a template whose source fields are `fields`.
    pub fn parse_for(text: &str, fields: &[(&str, &str)]) -> Result<Template, String> {
        let mut columns = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{FEFF}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((title, field)) = line.split_once('=') else {
                return Err(format!("第 {} 行：应为“列标题 = 来源字段”", n + 1));
            };
            let (title, field) = (title.trim(), field.trim());
            if title.is_empty() {
                return Err(format!("第 {} 行：列标题为空", n + 1));
            }
            if !fields.iter().any(|(f, _)| *f == field) {
                let known: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
                return Err(format!(
                    "第 {} 行：未知的来源字段“{field}”（可用：{}）",
                    n + 1,
                    known.join("、")
                ));
            }
            columns.push((title.to_string(), field.to_string()));
        }
        if columns.is_empty() {
            return Err("模板中没有任何列".into());
        }
        Ok(Template { columns })
    }

    /// The default GSXT template.
    pub fn gsxt() -> Template {
        Template::parse(GSXT_TEMPLATE).expect("the shipped template is valid")
    }

    pub fn titles(&self) -> Vec<&str> {
        self.columns.iter().map(|(t, _)| t.as_str()).collect()
    }

    pub fn cells(&self, row: &ExportRow) -> Vec<String> {
        self.cells_with(|f| row.field(f).to_string())
    }

    /// The cells of a row whose fields `value` gives by name.
    pub fn cells_with(&self, value: impl Fn(&str) -> String) -> Vec<String> {
        self.columns.iter().map(|(_, f)| value(f)).collect()
    }

    /// The default penalties template (双公示).
    pub fn penalties() -> Template {
        Template::parse_for(PENALTIES_TEMPLATE, &PENALTY_FIELDS).expect("the shipped template is valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_is_the_gsxt_layout() {
        assert_eq!(
            Template::gsxt().titles(),
            [
                "抽查计划编号",
                "抽查计划名称",
                "抽查任务编号",
                "抽查任务名称",
                "抽查类型",
                "抽查机关",
                "抽查完成日期",
                "统一社会信用代码",
                "企业名称",
                "检查事项",
                "检查结果",
                "核查方式",
                "后续处置",
                "公示日期"
            ]
        );
    }

    #[test]
    fn a_template_renames_reorders_and_drops_and_refuses_unknown_fields() {
        let t = Template::parse("# 省平台\n企业名称 = name\n社会信用代码 = code\n").unwrap();
        let row = ExportRow { code: "X".into(), name: "甲".into(), ..Default::default() };
        assert_eq!(t.cells(&row), ["甲", "X"]);
        let bad = Template::parse("企业名称 = name\n罚款 = fine\n").unwrap_err();
        assert!(bad.contains("第 2 行") && bad.contains("fine"), "{bad}");
        assert!(Template::parse("企业名称 name").unwrap_err().contains("第 1 行"));
        assert!(Template::parse("# 空\n").is_err());
    }
}
