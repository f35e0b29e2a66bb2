//! 抽查任务 as entered: the task form's draft, its scope filters and their checks, and the
//! pool a scope gives.

use super::plan::{TaskKind, Window};
use super::ratio::Ratio;
use serde::{Deserialize, Serialize};

pub use super::scope::Scope;

/// A task as entered on the task form, before it is saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDraft {
    /// `None` for a new task.
    pub id: Option<i64>,
    /// The annual plan's year.
    pub year: i32,
    pub plan_no: String,
    pub plan_name: String,
    pub task_no: String,
    pub task_name: String,
    pub kind: TaskKind,
    /// The one ratio, in basis points.
    pub ratio_bp: Ratio,
    /// Per-risk-class ratios (basis points) when risky enterprises get a higher ratio;
    /// empty = `ratio_bp` for every class.
    pub risk_ratios_bp: std::collections::BTreeMap<String, Ratio>,
    pub item_ids: Vec<i64>,
    /// 抽查对象范围 as written in the plan table.
    pub scope_text: String,
    pub scope: Scope,
    pub initiating_department_id: String,
    /// 联合部门, in order (each team must include each of them and the initiating one).
    pub joint_department_ids: Vec<String>,
    pub start_month: u32,
    pub end_month: u32,
    pub team_size: u32,
    pub max_per_inspector: u32,
    /// Where the task comes from; 上级部署 needs who assigned it and the document number.
    #[serde(default)]
    pub source: super::plan::TaskSource,
    #[serde(default)]
    pub assigned_by: String,
    #[serde(default)]
    pub assigned_doc_no: String,
    /// 避免检查过多: leave out enterprises already inspected for one of the items lately.
    #[serde(default)]
    pub repeat_exclusion: super::watch::RepeatExclusion,
    /// 重点关注 enterprises' own ratio (their own stratum); `None`: they are drawn with their
    /// risk class.
    #[serde(default)]
    pub watch_ratio_bp: Option<Ratio>,
    /// 分批抽取: each batch's window inside the task's (empty: one draw).
    #[serde(default)]
    pub batches: Vec<super::batch::BatchWindow>,
}

/// A problem with one field of a form, in words for the person filling it in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's name.
    pub field: String,
    pub message: String,
}

impl TaskDraft {
    /// The ratio of each risk class, in basis points.
    pub fn ratio_of(&self, class: crate::domain::enterprise::RiskClass) -> Ratio {
        self.risk_ratios_bp.get(class.code()).copied().unwrap_or(self.ratio_bp)
    }

    /// Every problem with the draft; empty when it can be saved.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut err = |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        for (field, value, label) in [
            ("plan_no", &self.plan_no, "抽查计划编号"),
            ("plan_name", &self.plan_name, "抽查计划名称"),
            ("task_no", &self.task_no, "抽查任务编号"),
            ("task_name", &self.task_name, "抽查任务名称"),
            ("scope_text", &self.scope_text, "抽查对象范围"),
            ("initiating_department_id", &self.initiating_department_id, "发起部门"),
        ] {
            if value.trim().is_empty() {
                err(field, format!("请填写{label}"));
            }
            let (n, max) = (value.chars().count(), if field == "scope_text" { 2000 } else { 200 });
            if n > max {
                err(field, format!("{label}过长：{n} 个字符，最多 {max} 个"));
            }
        }
        if !self.plan_no.trim().is_empty()
            && !self.plan_no.trim().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            err("plan_no", "抽查计划编号只能包含字母、数字和连字符".into());
        }
        if !self.task_no.is_empty() && !self.task_no.chars().any(|c| c.is_ascii_digit()) {
            err("task_no", "抽查任务编号须含数字，如“004 号”".into());
        }
        if self.task_no.contains(super::plan::BATCH_SEPARATOR) {
            err("task_no", "抽查任务编号不能含“/”（分批抽取的批次编号由系统生成）".into());
        }
        for problem in super::batch::check_batches(&self.batches, self.start_month, self.end_month) {
            err("batches", problem);
        }
        // A ratio above 100 % cannot be written (`Ratio`); an unknown class can.
        for class in self.risk_ratios_bp.keys() {
            if crate::domain::enterprise::RiskClass::parse(class).is_none() {
                err("risk_ratios", format!("未知的信用风险分类“{class}”"));
            }
        }
        if Window::new(self.year, self.start_month, self.end_month).is_none() {
            err("window", "抽查时间须在 1–12 月内，且结束月份不早于开始月份".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.joint_department_ids {
            if d.trim().is_empty() || !seen.insert(d.as_str()) {
                err("joint_department_ids", "联合部门不能为空或重复".into());
                break;
            }
        }
        if 1 + self.joint_department_ids.len() > self.team_size as usize
            && !self.joint_department_ids.iter().all(|d| *d == self.initiating_department_id)
        {
            err("team_size", "每个检查组须包含发起部门和每个联合部门的人员，组内人数不能少于部门数".into());
        }
        if self.source == super::plan::TaskSource::Assigned
            && (self.assigned_by.trim().is_empty() || self.assigned_doc_no.trim().is_empty())
        {
            err("assigned_by", "上级部署的任务须写明部署单位和文件编号".into());
        }
        if self.team_size < 2 {
            err("team_size", "每个检查组至少 2 名执法人员".into());
        }
        if let Some(watch) = self.watch_ratio_bp {
            let highest = crate::domain::enterprise::RiskClass::ALL.iter().map(|c| self.ratio_of(*c)).max();
            if highest.is_some_and(|h| watch < h) {
                err("watch_ratio", "重点关注企业的抽查比例应不低于各风险类别的比例（加大抽查力度）".into());
            }
        }
        if self.kind == TaskKind::Targeted && self.scope.category.is_none() {
            err("category", "定向抽查须选择检查对象类别".into());
        }
        if let Some(d) = &self.scope.filed_before {
            if !is_iso_date(d) {
                err("filed_before", "登记备案截止日期格式应为 YYYY-MM-DD".into());
            }
        }
        errors
    }
}

/// Whether `s` is a real calendar date written YYYY-MM-DD.
pub fn is_iso_date(s: &str) -> bool {
    super::date::Date::parse(s).is_some()
}

/// The pool a scope gives now and how many to draw from it, per risk class.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEstimate {
    /// (class, members, ratio, number to draw).
    pub classes: Vec<(String, u64, Ratio, u64)>,
}

impl PoolEstimate {
    /// Everyone in the pool.
    pub fn total(&self) -> u64 {
        self.classes.iter().map(|c| c.1).sum()
    }
    /// 抽取数量: the sum of each class's quota (不低于: rounded up, at least 1).
    pub fn to_draw(&self) -> u64 {
        self.classes.iter().map(|c| c.3).sum()
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    fn draft() -> TaskDraft {
        TaskDraft {
            id: None,
            year: 2023,
            plan_no: "2023004".into(),
            plan_name: "第四次".into(),
            task_no: "004 号".into(),
            task_name: "成品油专项".into(),
            kind: TaskKind::Targeted,
            ratio_bp: Ratio::from_bp(200).unwrap(),
            risk_ratios_bp: Default::default(),
            item_ids: vec![1],
            scope_text: "全部".into(),
            scope: Scope { category: Some("成品油零售企业".into()), ..Default::default() },
            initiating_department_id: "swj-zfzd".into(),
            joint_department_ids: vec![],
            source: Default::default(),
            assigned_by: String::new(),
            assigned_doc_no: String::new(),
            start_month: 10,
            end_month: 11,
            team_size: 2,
            max_per_inspector: 0,
            repeat_exclusion: Default::default(),
            watch_ratio_bp: None,
            batches: Vec::new(),
        }
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(draft().validate(), vec![]);
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut d = draft();
        d.task_name = " ".into();
        d.risk_ratios_bp.insert("E".into(), Ratio::FULL);
        d.start_month = 11;
        d.end_month = 10;
        d.team_size = 1;
        d.scope.category = None;
        d.scope.filed_before = Some("2023-02-30".into());
        let fields: Vec<String> = d.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["task_name", "risk_ratios", "window", "team_size", "category", "filed_before"]);
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023-1-31"));
        assert!(!is_iso_date("2023-13-01"));
    }
}
