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
        assert!(!TaskStatus::Filed.editable());
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.code()), Some(s));
        }
    }
}
