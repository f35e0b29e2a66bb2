//! Every user-facing label in one place (zh-CN), so another language can follow.

pub const APP_NAME: &str = "双随 · 双随机一公开监管";
pub const APP_DESCRIPTION: &str =
    "“双随机、一公开”监管：随机抽取检查对象与执法检查人员，结果公开，抽取过程人人可验证。";
pub const NAV_PLAN: &str = "年度计划";
pub const NAV_VERIFY: &str = "验证抽取";
pub const SKIP_TO_CONTENT: &str = "跳到正文";
pub const FOOTER: &str = "双随 Shuangsui — 抽取按 DR1 协议进行，任何人可独立复核。";

/// Column headers of the plan table, in the founding document's order.
pub const PLAN_COLUMNS: [&str; 11] = [
    "抽查计划编号",
    "抽查计划名称",
    "抽查任务编号",
    "抽查任务名称",
    "抽查类型",
    "抽查比例",
    "抽查事项",
    "抽查对象范围",
    "发起部门",
    "联合部门",
    "抽查时间",
];
pub const REMARKS: &str = "备注";
pub const STATUS: &str = "状态";
pub const ALL_DEPARTMENTS: &str = "全部部门";
pub const FILTER_DEPARTMENT: &str = "按部门筛选";
pub const NO_PLAN: &str = "尚无年度抽查计划。";
pub const NO_MATCHING_TASKS: &str = "没有符合筛选条件的任务。";
pub const LOADING: &str = "加载中…";
pub const NOT_FOUND: &str = "页面不存在";

// ---- plan calendar (年度计划日历) ----
pub const NAV_CALENDAR: &str = "计划日历";
pub const CALENDAR_TABLE_VIEW: &str = "表格视图";
pub const FILTER_STATUS: &str = "按状态筛选";
pub const ALL_STATUSES: &str = "全部状态";
pub const APPLY_FILTER: &str = "筛选";
pub const CALENDAR_LEGEND: &str = "图例";
pub const CALENDAR_TIMELINE: &str = "年度时间轴";
pub const CALENDAR_BY_MONTH: &str = "按月份";
pub const CALENDAR_TASK_COLUMN: &str = "抽查任务";
pub const CALENDAR_TODAY: &str = "今天";
pub const CALENDAR_HINT: &str =
    "悬停或用 Tab 键聚焦任务条可查看详情；方向键在任务间移动，Home/End 跳到首末项，回车打开任务。";
/// Legend of the calendar: one label per status group, in workflow order.
pub const CALENDAR_STATUS_GROUPS: [&str; 8] = [
    "草稿",
    "待列入计划",
    "已列入计划",
    "名单已冻结",
    "已抽取（名单待同意和备案）",
    "检查中",
    "结果已录入",
    "已公示",
];

/// `共 3 项任务`.
pub fn task_count(n: usize) -> String {
    format!("共 {n} 项任务")
}

/// A month header: `3 月`.
pub fn month(m: u32) -> String {
    format!("{m} 月")
}

/// Months of a window, short: `3–4 月`, or `5 月` for one month.
pub fn month_span(start: u32, end: u32) -> String {
    if start == end {
        format!("{start} 月")
    } else {
        format!("{start}–{end} 月")
    }
}
