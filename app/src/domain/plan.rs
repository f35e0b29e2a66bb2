//! 年度抽查计划 and 抽查任务 — the annual plan and its tasks.

use serde::{Deserialize, Serialize};

/// 抽查类型 — 定向 (a defined category of entities) or 不定向 (all).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskKind {
    /// 定向
    Targeted,
    /// 不定向
    General,
}

impl TaskKind {
    /// Database spelling.
    pub fn code(self) -> &'static str {
        match self {
            Self::Targeted => "targeted",
            Self::General => "general",
        }
    }
    /// Label in the plan table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Targeted => "定向",
            Self::General => "不定向",
        }
    }
    /// Parses the database spelling or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "targeted" | "定向" => Some(Self::Targeted),
            "general" | "不定向" => Some(Self::General),
            _ => None,
        }
    }
}

/// 任务状态 — where a task stands in its workflow; it only moves forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TaskStatus {
    Draft,
    Submitted,
    Approved,
    Filed,
    Frozen,
    Drawn,
    Inspecting,
    ResultsEntered,
    Reviewed,
    Published,
    Closed,
}

impl TaskStatus {
    /// Every status in workflow order.
    pub const ALL: [TaskStatus; 11] = [
        Self::Draft,
        Self::Submitted,
        Self::Approved,
        Self::Filed,
        Self::Frozen,
        Self::Drawn,
        Self::Inspecting,
        Self::ResultsEntered,
        Self::Reviewed,
        Self::Published,
        Self::Closed,
    ];

    /// Database spelling.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Filed => "filed",
            Self::Frozen => "frozen",
            Self::Drawn => "drawn",
            Self::Inspecting => "inspecting",
            Self::ResultsEntered => "results_entered",
            Self::Reviewed => "reviewed",
            Self::Published => "published",
            Self::Closed => "closed",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "待审批",
            Self::Approved => "已审批",
            Self::Filed => "已备案",
            Self::Frozen => "名单已冻结",
            Self::Drawn => "已抽取",
            Self::Inspecting => "检查中",
            Self::ResultsEntered => "结果已录入",
            Self::Reviewed => "已审核",
            Self::Published => "已公示",
            Self::Closed => "已办结",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.code() == s)
    }

    /// Whether the task's columns and scope may still be edited: only as a draft (after
    /// submission it is what the leader approved; a send-back makes it a draft again).
    pub fn editable(self) -> bool {
        self == Self::Draft
    }
}

/// 抽查时间 — the months of one year in which a task is carried out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub year: i32,
    /// First month, 1–12.
    pub start_month: u32,
    /// Last month, start_month..=12.
    pub end_month: u32,
}

impl Window {
    /// A window, if the months are in order and within the year.
    pub fn new(year: i32, start_month: u32, end_month: u32) -> Option<Self> {
        (1..=12)
            .contains(&start_month)
            .then_some(())
            .filter(|_| (start_month..=12).contains(&end_month))
            .map(|_| Self { year, start_month, end_month })
    }

    /// As the founding document writes it: `2023 年 3 月-4 月`.
    pub fn label(&self) -> String {
        format!("{} 年 {} 月-{} 月", self.year, self.start_month, self.end_month)
    }
}

/// Formats a ratio in basis points as the plan table does: 200 → `2%`, 250 → `2.5%`.
pub fn ratio_label(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        format!("{}%", bp / 100)
    } else {
        let s = format!("{}.{:02}", bp / 100, bp % 100);
        format!("{}%", s.trim_end_matches('0'))
    }
}

/// 抽查任务 — one row of the plan table, as shown to staff and the public.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i64,
    /// 抽查计划编号, e.g. `2023001`.
    pub plan_no: String,
    /// 抽查计划名称.
    pub plan_name: String,
    /// 抽查任务编号, e.g. `001 号`.
    pub task_no: String,
    /// 抽查任务名称.
    pub task_name: String,
    pub kind: TaskKind,
    /// 抽查比例 in basis points.
    pub ratio_bp: u32,
    /// 抽查事项, joined with 、 as in the plan table.
    pub items: String,
    /// 抽查对象范围 as written in the plan.
    pub scope: String,
    /// 发起部门 (short name) and its id.
    pub initiating_department: String,
    pub initiating_department_id: String,
    /// 联合部门 (short name) and its id.
    pub joint_department: Option<String>,
    pub joint_department_id: Option<String>,
    pub window: Window,
    pub status: TaskStatus,
}

impl TaskRow {
    /// The DR1 task id: plan number and task number digits, e.g. `2023003-003`.
    pub fn draw_task_id(&self) -> String {
        draw_task_id(&self.plan_no, &self.task_no)
    }
}

/// The DR1 task id of a plan number and a task number such as `003 号`: `2023003-003`.
pub fn draw_task_id(plan_no: &str, task_no: &str) -> String {
    let digits: String = task_no.chars().filter(char::is_ascii_digit).collect();
    format!("{plan_no}-{digits}")
}

/// The departments that appear in the tasks (initiating or joint), in task order, as
/// (id, short name): the choices of a department filter.
pub fn departments_of(tasks: &[TaskRow]) -> Vec<(String, String)> {
    let mut departments: Vec<(String, String)> = Vec::new();
    for t in tasks {
        let pairs = [
            Some((t.initiating_department_id.clone(), t.initiating_department.clone())),
            t.joint_department_id.clone().zip(t.joint_department.clone()),
        ];
        for (id, name) in pairs.into_iter().flatten() {
            if !departments.iter().any(|(d, _)| *d == id) {
                departments.push((id, name));
            }
        }
    }
    departments
}

/// 年度抽查计划 — an annual plan with its tasks and the 备注 row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnualPlan {
    pub id: i64,
    pub year: i32,
    /// Title, e.g. 邯郸市商务局 2023 年度随机抽查工作计划.
    pub title: String,
    /// 备注.
    pub remarks: String,
    pub tasks: Vec<TaskRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_labels() {
        assert_eq!(ratio_label(200), "2%");
        assert_eq!(ratio_label(250), "2.5%");
        assert_eq!(ratio_label(5), "0.05%");
    }

    #[test]
    fn windows_must_be_ordered() {
        assert!(Window::new(2023, 3, 4).is_some());
        assert!(Window::new(2023, 4, 3).is_none());
        assert!(Window::new(2023, 0, 3).is_none());
        assert!(Window::new(2023, 7, 13).is_none());
        assert_eq!(Window::new(2023, 7, 9).unwrap().label(), "2023 年 7 月-9 月");
    }

    #[test]
    fn only_a_draft_is_editable() {
        assert!(TaskStatus::Draft.editable());
        assert!(!TaskStatus::Submitted.editable());
        assert!(!TaskStatus::Filed.editable());
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.code()), Some(s));
        }
    }
}

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
}

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
    pub ratio_bp: u32,
    /// Per-risk-class ratios (basis points) when risky enterprises get a higher ratio;
    /// empty = `ratio_bp` for every class.
    pub risk_ratios_bp: std::collections::BTreeMap<String, u32>,
    pub item_ids: Vec<i64>,
    /// 抽查对象范围 as written in the plan table.
    pub scope_text: String,
    pub scope: Scope,
    pub initiating_department_id: String,
    pub joint_department_id: Option<String>,
    pub start_month: u32,
    pub end_month: u32,
    pub team_size: u32,
    pub max_per_inspector: u32,
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
    pub fn ratio_of(&self, class: crate::domain::enterprise::RiskClass) -> u32 {
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
        if self.ratio_bp > 10_000 {
            err("ratio", "抽查比例须在 0%–100% 之间".into());
        }
        for (class, bp) in &self.risk_ratios_bp {
            if crate::domain::enterprise::RiskClass::parse(class).is_none() {
                err("risk_ratios", format!("未知的信用风险分类“{class}”"));
            } else if *bp > 10_000 {
                err("risk_ratios", format!("{class} 类的抽查比例须在 0%–100% 之间"));
            }
        }
        if Window::new(self.year, self.start_month, self.end_month).is_none() {
            err("window", "抽查时间须在 1–12 月内，且结束月份不早于开始月份".into());
        }
        if self.joint_department_id.as_deref() == Some("") {
            err("joint_department_id", "联合部门无效".into());
        }
        if self.team_size < 2 {
            err("team_size", "每个检查组至少 2 名执法人员".into());
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
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts[..] else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    if y < 1900 || s.len() != 10 {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The pool a scope gives now and how many to draw from it, per risk class.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEstimate {
    /// (class, members, ratio in basis points, number to draw).
    pub classes: Vec<(String, u64, u32, u64)>,
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
            ratio_bp: 200,
            risk_ratios_bp: Default::default(),
            item_ids: vec![1],
            scope_text: "全部".into(),
            scope: Scope { category: Some("成品油零售企业".into()), ..Default::default() },
            initiating_department_id: "swj-zfzd".into(),
            joint_department_id: None,
            start_month: 10,
            end_month: 11,
            team_size: 2,
            max_per_inspector: 0,
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
        d.ratio_bp = 10_001;
        d.start_month = 11;
        d.end_month = 10;
        d.team_size = 1;
        d.scope.category = None;
        d.scope.filed_before = Some("2023-02-30".into());
        let fields: Vec<String> = d.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["task_name", "ratio", "window", "team_size", "category", "filed_before"]);
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023-1-31"));
        assert!(!is_iso_date("2023-13-01"));
    }
}

/// One workflow step of a task: who moved it, when, with what comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    pub from: TaskStatus,
    pub to: TaskStatus,
    /// Display name and role of whoever took the step.
    pub actor: String,
    pub comment: String,
    pub at: String,
}

/// A drawn enterprise and its team, for staff pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionView {
    pub code: String,
    pub name: String,
    pub key: String,
    /// (certificate number, name, department short name).
    pub team: Vec<(String, String, String)>,
    pub cap_lifted: bool,
}

/// A task's draw as far as it has gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawSummary {
    pub draw_id: i64,
    pub pool_count: i64,
    pub pool_digest: String,
    pub commitment: String,
    pub frozen_at: String,
    pub seed: Option<String>,
    pub public_entropy: Option<String>,
    pub drawn_at: Option<String>,
    pub selected: Vec<SelectionView>,
}

/// Everything about one task, for its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDetail {
    pub row: TaskRow,
    pub draft: TaskDraft,
    /// The pool its scope gives now (before freezing) and the number to draw.
    pub estimate: PoolEstimate,
    pub events: Vec<TaskEvent>,
    pub draw: Option<DrawSummary>,
    /// Results entered so far.
    pub results_entered: i64,
    /// The workflow steps the signed-in user can take now.
    #[serde(default)]
    pub steps: Vec<super::workflow::StepOffer>,
    /// Whether the signed-in user may edit the task now.
    #[serde(default)]
    pub can_edit: bool,
    /// The date by which results must be published.
    pub deadline: Option<String>,
}

/// The choices a task form offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFormOptions {
    /// (id, short name).
    pub departments: Vec<(String, String)>,
    /// (id, name).
    pub items: Vec<(i64, String)>,
    pub categories: Vec<String>,
    /// (division code, name).
    pub regions: Vec<(String, String)>,
    /// Years that have a plan, newest first.
    pub years: Vec<i32>,
}
