//! 年度抽查计划 and 抽查任务 — the annual plan and its tasks.

use super::ratio::Ratio;
use super::workflow::TaskStatus;
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

    /// Whether the date `YYYY-MM-DD` falls in the window.
    pub fn contains(&self, date: &str) -> bool {
        let Some(d) = super::date::Date::parse(date) else { return false };
        let (y, m, _) = d.ymd();
        y == i64::from(self.year) && (self.start_month..=self.end_month).contains(&m)
    }

    /// The window's last day.
    pub fn last_day(&self) -> super::date::Date {
        super::date::Date::last_of_month(self.year, self.end_month)
    }

    /// As the founding document writes it: `2023 年 3 月-4 月`.
    pub fn label(&self) -> String {
        format!("{} 年 {} 月-{} 月", self.year, self.start_month, self.end_month)
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
    pub ratio_bp: Ratio,
    /// 抽查事项, joined with 、 as in the plan table.
    pub items: String,
    /// 抽查对象范围 as written in the plan.
    pub scope: String,
    /// The filters that give its pool (type, industry, nature, scale, region, filing date,
    /// risk class).
    #[serde(default)]
    pub filters: super::scope::Scope,
    /// 发起部门 (short name) and its id.
    pub initiating_department: String,
    pub initiating_department_id: String,
    /// 联合部门 (short names) and their ids, in the task's order.
    pub joint_departments: Vec<String>,
    pub joint_department_ids: Vec<String>,
    /// 抽查时间 as planned.
    pub window: Window,
    /// The consented 计划调整 of the window, if any (the newest).
    pub adjusted: Option<WindowChange>,
    pub status: TaskStatus,
    /// Where the task comes from.
    pub source: TaskSource,
    /// For 上级部署: who assigned it and the document's number.
    pub assigned_by: String,
    pub assigned_doc_no: String,
    /// 分批抽取: each batch's window (empty: drawn at once).
    #[serde(default)]
    pub batches: Vec<super::batch::BatchWindow>,
    /// For a batch: (the task it is a batch of, its number).
    #[serde(default)]
    pub batch_of: Option<(i64, i64)>,
}

impl TaskRow {
    /// The window the task keeps to now: the adjusted one, or the planned one.
    pub fn effective_window(&self) -> Window {
        self.adjusted.as_ref().map_or(self.window, |c| c.to)
    }

    /// 联合部门 as the plan table writes them: joined with 、.
    pub fn joint_label(&self) -> String {
        self.joint_departments.join("、")
    }

    /// The DR1 task id: plan number and task number digits, e.g. `2023003-003`.
    pub fn draw_task_id(&self) -> String {
        draw_task_id(&self.plan_no, &self.task_no)
    }
}

/// 任务来源 — the annual plan's table (年度计划), the bureau's own special inspection
/// (专项检查, made by the 执法支队 per the 实施方案 三(二)), or a higher office's assignment
/// (上级部署). Only the annual plan's tasks count in the plan's figures (专项检查不计入本计划).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskSource {
    #[default]
    Plan,
    Special,
    Assigned,
}

impl TaskSource {
    pub const ALL: [TaskSource; 3] = [Self::Plan, Self::Special, Self::Assigned];

    /// Database spelling.
    pub fn code(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Special => "special",
            Self::Assigned => "assigned",
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Plan => "年度计划",
            Self::Special => "专项检查",
            Self::Assigned => "上级部署",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == s)
    }

    /// Whether the task counts in the annual plan's figures.
    pub fn in_plan(self) -> bool {
        self == Self::Plan
    }
}

/// 计划调整 — a task's window moved, with the reason and the principal leader's consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowChange {
    pub from: Window,
    pub to: Window,
    pub reason: String,
    /// When the principal leader consented (UTC).
    pub consented_at: String,
}

impl WindowChange {
    /// "原定 2023 年 7 月-9 月，调整为 2026 年 12 月-12 月，理由：…".
    pub fn label(&self) -> String {
        format!("原定 {}，调整为 {}，理由：{}", self.from.label(), self.to.label(), self.reason)
    }
}

/// Where a 计划调整 stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanChangeStatus {
    Pending,
    Consented,
    Refused,
}

impl PlanChangeStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Consented => "consented",
            Self::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待主要领导同意",
            Self::Consented => "主要领导已同意",
            Self::Refused => "主要领导不同意",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Consented, Self::Refused].into_iter().find(|x| x.code() == s)
    }
}

/// One 计划调整 of a task's window, as asked for and decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChange {
    pub id: i64,
    pub task_id: i64,
    pub from: Window,
    pub to: Window,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: PlanChangeStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_comment: String,
}

/// The DR1 task id of a plan number and a task number such as `003 号`: `2023003-003`.
pub fn draw_task_id(plan_no: &str, task_no: &str) -> String {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    // A batch of a task (分批) is numbered `003 号/2`: its DR1 id is `…-003-2`.
    match task_no.split_once(BATCH_SEPARATOR) {
        Some((task, batch)) => format!("{plan_no}-{}-{}", digits(task), digits(batch)),
        None => format!("{plan_no}-{}", digits(task_no)),
    }
}

/// Between a task's number and its batch's in a batch's task number (`003 号/2`); a task
/// number typed in a form or a plan table may not hold it.
pub const BATCH_SEPARATOR: char = '/';

/// The departments that appear in the tasks (initiating or joint), in task order, as
/// (id, short name): the choices of a department filter.
pub fn departments_of(tasks: &[TaskRow]) -> Vec<(String, String)> {
    let mut departments: Vec<(String, String)> = Vec::new();
    for t in tasks {
        let pairs = std::iter::once((t.initiating_department_id.clone(), t.initiating_department.clone()))
            .chain(t.joint_department_ids.iter().cloned().zip(t.joint_departments.iter().cloned()));
        for (id, name) in pairs {
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
    /// The plan table's tasks (来源：年度计划): what the plan's figures count.
    pub tasks: Vec<TaskRow>,
    /// 专项检查 and 上级部署 tasks of the year, listed apart and never counted in the plan's
    /// figures (专项检查不计入本计划).
    #[serde(default)]
    pub special: Vec<TaskRow>,
}

impl AnnualPlan {
    /// Every task of the year: the plan's, then the special and assigned ones.
    pub fn all_tasks(&self) -> impl Iterator<Item = &TaskRow> {
        self.tasks.iter().chain(&self.special)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_labels() {
        for (bp, label) in [(200, "2%"), (250, "2.5%"), (5, "0.05%")] {
            assert_eq!(Ratio::from_bp(bp).unwrap().label(), label);
        }
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
        assert!(!TaskStatus::Planned.editable());
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.code()), Some(s));
        }
    }
}
