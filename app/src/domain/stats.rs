//! 统计 and 台账 — a year's figures per task and per department, counted from one row per
//! drawn enterprise (the ledger's rows). Pure: the database layer reads the rows, this adds
//! them up, so the page, the files and the command line give the same numbers.
//!
//! What each count means (each counts drawn enterprises of the live draw, never a task):
//! 计划抽查数 `planned` — DR1's quota of the frozen pool (0 while the pool is not frozen);
//! 实际抽取 `drawn`; 已检查 `inspected` — a result is entered (the model records an inspection
//! with its result); 已录入 `entered` — that result is not sent back (待审核 or 通过);
//! 已审核 `reviewed` — passed; 已公示 `published`; 按时公示 `on_time` — published within 20
//! working days of its inspection date; 发现问题 `problems` — a result stating a problem.

use super::plan::TaskSource;
use super::result::{is_not_inspectable, is_problem, CATEGORIES, HANDLINGS, NO_PROBLEM};
use serde::{Deserialize, Serialize};

/// What the figures are counted over: a plan year, optionally one initiating department,
/// one task source and the tasks whose (adjusted) window meets a range of months.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsFilter {
    pub year: i32,
    /// A department id; empty for all.
    #[serde(default)]
    pub department: String,
    /// A task source code (`plan`, `special`, `assigned`); empty for all.
    #[serde(default)]
    pub source: String,
    #[serde(default = "first_month")]
    pub from_month: u32,
    #[serde(default = "last_month")]
    pub to_month: u32,
}

fn first_month() -> u32 {
    1
}

fn last_month() -> u32 {
    12
}

impl StatsFilter {
    /// The whole of `year`, every department and source.
    pub fn year(year: i32) -> Self {
        Self { year, department: String::new(), source: String::new(), from_month: 1, to_month: 12 }
    }

    /// The filter of a page address's `year`, `department`, `source`, `from`, `to` (a missing
    /// or unreadable year is 0: the newest year with a plan).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut f = Self::year(0);
        for (k, v) in pairs {
            match k {
                "year" => f.year = v.parse().unwrap_or(0),
                "department" => f.department = v.to_string(),
                "source" => f.source = v.to_string(),
                "from" => f.from_month = v.parse().unwrap_or(1),
                "to" => f.to_month = v.parse().unwrap_or(12),
                _ => {}
            }
        }
        f.normalized()
    }

    /// The months put in order and within 1–12.
    pub fn normalized(mut self) -> Self {
        self.from_month = self.from_month.clamp(1, 12);
        self.to_month = self.to_month.clamp(1, 12);
        if self.from_month > self.to_month {
            std::mem::swap(&mut self.from_month, &mut self.to_month);
        }
        self
    }

    /// Whether a task whose window runs `start`–`end` (months) meets the filter's months.
    pub fn meets_months(&self, start: u32, end: u32) -> bool {
        start <= self.to_month && end >= self.from_month
    }

    /// The filter in words, for the cover sheet and the page.
    pub fn in_words(&self, department_name: &str) -> Vec<(String, String)> {
        let source = TaskSource::parse(&self.source).map_or("全部", |s| s.label());
        vec![
            ("年度".into(), format!("{} 年", self.year)),
            (
                "发起部门".into(),
                if department_name.is_empty() { "全部".into() } else { department_name.into() },
            ),
            ("任务来源".into(), source.into()),
            (
                "抽查时间".into(),
                format!("{} 月至 {} 月（抽查时间与之相交的任务）", self.from_month, self.to_month),
            ),
        ]
    }
}

/// One task as the figures need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFacts {
    pub id: i64,
    pub task_no: String,
    pub name: String,
    pub department_id: String,
    pub department: String,
    pub source: TaskSource,
    /// The window in force, e.g. `2022 年 3 月-4 月`.
    pub window: String,
    /// The task's status in words.
    pub status: String,
    /// DR1's quota of the frozen pool; 0 before freezing.
    pub planned: i64,
    /// Recusals: conflicts met by the draw's team walk, and ones approved after the draw.
    pub recusals_pre: i64,
    pub recusals_post: i64,
}

/// One drawn enterprise: a row of the 台账.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub task_id: i64,
    pub task: String,
    pub department: String,
    /// 批次: 1, or for a batch of a split task (`003 号/k`) its number.
    pub batch: String,
    pub code: String,
    pub name: String,
    /// Inspector ids and names of the team.
    pub team: Vec<(i64, String)>,
    pub inspected_on: Option<String>,
    /// `pending`, `passed` or `returned` once a result is entered.
    pub review: Option<String>,
    pub categories: Vec<String>,
    pub handling: Vec<String>,
    /// Follow-ups: (kind, finished).
    pub follow_ups: Vec<(String, bool)>,
    /// Beijing date of publication.
    pub published_on: Option<String>,
    /// The publication deadline (20 working days from the inspection).
    pub due: Option<String>,
}

impl LedgerRow {
    /// Published by its deadline.
    pub fn on_time(&self) -> bool {
        matches!((&self.published_on, &self.due), (Some(p), Some(d)) if p <= d)
    }

    /// 按时 / 逾期 / empty while unpublished.
    pub fn timeliness(&self) -> &'static str {
        match self.published_on {
            Some(_) if self.on_time() => "按时",
            Some(_) => "逾期",
            None => "",
        }
    }

    /// Whether the entered result states a problem.
    pub fn has_problem(&self) -> bool {
        self.categories.iter().any(|c| is_problem(c))
    }

    /// The outcome group the monthly chart stacks.
    pub fn outcome(&self) -> usize {
        if self.has_problem() {
            1
        } else if self.categories.iter().any(|c| is_not_inspectable(c)) {
            2
        } else if self.categories.iter().any(|c| c == NO_PROBLEM) {
            0
        } else {
            3
        }
    }

    /// 后续处置 in words: each kind with 已完结 / 办理中.
    pub fn follow_up_state(&self) -> String {
        self.follow_ups
            .iter()
            .map(|(k, done)| format!("{k}：{}", if *done { "已完结" } else { "办理中" }))
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The review step in words.
    pub fn review_in_words(&self) -> &'static str {
        match self.review.as_deref() {
            Some("passed") => "已审核",
            Some("returned") => "已退回",
            Some(_) => "待审核",
            None => "未录入",
        }
    }
}

/// The outcome groups of the monthly chart, in stacking order.
pub const OUTCOMES: [&str; 4] = ["未发现问题", "发现问题", "无法检查", "其他"];

/// The counts of a task, a department or the whole.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub tasks: i64,
    pub planned: i64,
    pub drawn: i64,
    pub inspected: i64,
    pub entered: i64,
    pub reviewed: i64,
    pub published: i64,
    pub on_time: i64,
    pub problems: i64,
}

impl Counts {
    fn add_row(&mut self, r: &LedgerRow) {
        self.drawn += 1;
        if r.review.is_some() {
            self.inspected += 1;
            if r.has_problem() {
                self.problems += 1;
            }
        }
        if matches!(r.review.as_deref(), Some("pending" | "passed")) {
            self.entered += 1;
        }
        if r.review.as_deref() == Some("passed") {
            self.reviewed += 1;
        }
        if r.published_on.is_some() {
            self.published += 1;
        }
        if r.on_time() {
            self.on_time += 1;
        }
    }

    fn add(&mut self, o: &Counts) {
        self.tasks += o.tasks;
        self.planned += o.planned;
        self.drawn += o.drawn;
        self.inspected += o.inspected;
        self.entered += o.entered;
        self.reviewed += o.reviewed;
        self.published += o.published;
        self.on_time += o.on_time;
        self.problems += o.problems;
    }

    /// 完成率: published of planned (of drawn while nothing is planned).
    pub fn completion(&self) -> String {
        percent(self.published, if self.planned > 0 { self.planned } else { self.drawn })
    }

    /// 问题发现率: problems of inspected.
    pub fn problem_rate(&self) -> String {
        percent(self.problems, self.inspected)
    }

    /// 按时公示率: on time of published.
    pub fn on_time_rate(&self) -> String {
        percent(self.on_time, self.published)
    }
}

/// `part` of `whole` as a percentage with one decimal, or `—` of nothing.
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// One task's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStats {
    pub id: i64,
    pub task_no: String,
    pub name: String,
    pub department: String,
    pub source: String,
    pub window: String,
    pub status: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// One department's figures (tasks it initiated).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentStats {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// A label and a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub label: String,
    pub count: i64,
}

/// Follow-ups of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpTally {
    pub kind: String,
    pub total: i64,
    pub done: i64,
}

/// Inspections per inspector: how many took part, the spread and a histogram.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    pub inspectors: i64,
    pub min: i64,
    pub median: i64,
    pub max: i64,
    /// Inspectors by number of enterprises assigned (`1`, `2`, … ).
    pub histogram: Vec<Tally>,
}

/// One month's inspections by outcome group ([`OUTCOMES`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    pub month: u32,
    pub outcomes: [i64; 4],
}

/// The figures of a filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub filter: StatsFilter,
    pub totals: Counts,
    pub tasks: Vec<TaskStats>,
    pub departments: Vec<DepartmentStats>,
    /// Results per standard 检查结果 value (a result may name several).
    pub results: Vec<Tally>,
    pub follow_ups: Vec<FollowUpTally>,
    pub recusals_pre: i64,
    pub recusals_post: i64,
    pub workload: Workload,
    pub months: Vec<MonthRow>,
}

/// What the statistics page shows: the figures and the filter's choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsPage {
    pub stats: Stats,
    /// Departments (id, short name).
    pub departments: Vec<(String, String)>,
    /// Years with a plan, newest first.
    pub years: Vec<i64>,
}

impl StatsPage {
    /// The filter's department by name (empty for all).
    pub fn department_name(&self) -> String {
        let id = &self.stats.filter.department;
        self.departments.iter().find(|(d, _)| d == id).map(|(_, n)| n.clone()).unwrap_or_default()
    }
}

/// Adds up `rows` (each a drawn enterprise of one of `tasks`).
pub fn compute(filter: StatsFilter, tasks: &[TaskFacts], rows: &[LedgerRow]) -> Stats {
    let mut per_task: Vec<TaskStats> = tasks
        .iter()
        .map(|t| TaskStats {
            id: t.id,
            task_no: t.task_no.clone(),
            name: t.name.clone(),
            department: t.department.clone(),
            source: t.source.label().into(),
            window: t.window.clone(),
            status: t.status.clone(),
            counts: Counts { tasks: 1, planned: t.planned, ..Counts::default() },
        })
        .collect();
    let index: std::collections::HashMap<i64, usize> =
        per_task.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut results: Vec<Tally> =
        CATEGORIES.iter().map(|c| Tally { label: c.to_string(), count: 0 }).collect();
    let mut follow_ups: Vec<FollowUpTally> =
        HANDLINGS.iter().map(|k| FollowUpTally { kind: k.to_string(), total: 0, done: 0 }).collect();
    let mut loads: std::collections::BTreeMap<i64, i64> = Default::default();
    let mut months: Vec<MonthRow> = (1..=12).map(|month| MonthRow { month, outcomes: [0; 4] }).collect();
    for r in rows {
        let Some(&i) = index.get(&r.task_id) else { continue };
        per_task[i].counts.add_row(r);
        for c in &r.categories {
            if let Some(t) = results.iter_mut().find(|t| &t.label == c) {
                t.count += 1;
            }
        }
        for (kind, done) in &r.follow_ups {
            if let Some(f) = follow_ups.iter_mut().find(|f| &f.kind == kind) {
                f.total += 1;
                f.done += i64::from(*done);
            }
        }
        for (id, _) in &r.team {
            *loads.entry(*id).or_default() += 1;
        }
        let month = r.inspected_on.as_deref().and_then(|d| d.get(5..7)).and_then(|m| m.parse::<usize>().ok());
        if let (Some(m @ 1..=12), Some(_)) = (month, &r.review) {
            months[m - 1].outcomes[r.outcome()] += 1;
        }
    }
    let mut totals = Counts::default();
    let mut departments: Vec<DepartmentStats> = Vec::new();
    for (t, facts) in per_task.iter().zip(tasks) {
        totals.add(&t.counts);
        match departments.iter_mut().find(|d| d.id == facts.department_id) {
            Some(d) => d.counts.add(&t.counts),
            None => departments.push(DepartmentStats {
                id: facts.department_id.clone(),
                name: facts.department.clone(),
                counts: t.counts.clone(),
            }),
        }
    }
    departments.sort_by(|a, b| a.id.cmp(&b.id));
    let mut each: Vec<i64> = loads.values().copied().collect();
    each.sort_unstable();
    let workload = Workload {
        inspectors: each.len() as i64,
        min: each.first().copied().unwrap_or(0),
        median: median(&each),
        max: each.last().copied().unwrap_or(0),
        histogram: histogram(&each),
    };
    Stats {
        filter,
        totals,
        tasks: per_task,
        departments,
        results,
        follow_ups,
        recusals_pre: tasks.iter().map(|t| t.recusals_pre).sum(),
        recusals_post: tasks.iter().map(|t| t.recusals_post).sum(),
        workload,
        months,
    }
}

/// The middle of sorted `v` (the lower middle of an even count); 0 for none.
pub fn median(v: &[i64]) -> i64 {
    if v.is_empty() {
        0
    } else {
        v[(v.len() - 1) / 2]
    }
}

/// How many inspectors had each load, from 1 to the largest.
fn histogram(sorted: &[i64]) -> Vec<Tally> {
    let max = sorted.last().copied().unwrap_or(0);
    (1..=max)
        .map(|n| Tally { label: n.to_string(), count: sorted.iter().filter(|&&x| x == n).count() as i64 })
        .collect()
}

impl FollowUpTally {
    /// 完结率.
    pub fn done_rate(&self) -> String {
        percent(self.done, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        task_id: i64,
        cats: &[&str],
        review: Option<&str>,
        published: Option<&str>,
        team: &[i64],
    ) -> LedgerRow {
        LedgerRow {
            task_id,
            task: String::new(),
            department: String::new(),
            batch: "1".into(),
            code: String::new(),
            name: String::new(),
            team: team.iter().map(|&i| (i, format!("p{i}"))).collect(),
            inspected_on: review.map(|_| "2022-03-10".to_string()),
            review: review.map(str::to_string),
            categories: cats.iter().map(|c| c.to_string()).collect(),
            handling: vec![],
            follow_ups: vec![("责令改正".into(), true)],
            published_on: published.map(str::to_string),
            due: review.map(|_| "2022-04-07".to_string()),
        }
    }

    fn task(id: i64, dept: &str, planned: i64) -> TaskFacts {
        TaskFacts {
            id,
            task_no: format!("00{id}"),
            name: format!("t{id}"),
            department_id: dept.into(),
            department: dept.into(),
            source: TaskSource::Plan,
            window: String::new(),
            status: String::new(),
            planned,
            recusals_pre: 1,
            recusals_post: 0,
        }
    }

    #[test]
    fn counts_add_up_per_task_department_and_total() {
        let tasks = [task(1, "a", 3), task(2, "b", 1)];
        let rows = [
            row(1, &["未发现问题"], Some("passed"), Some("2022-03-20"), &[1, 2]),
            row(1, &["发现问题已责令改正"], Some("passed"), Some("2022-05-01"), &[1, 3]),
            row(1, &[], None, None, &[1, 2]),
            row(2, &["未发现问题"], Some("returned"), None, &[4, 5]),
            row(9, &["未发现问题"], Some("passed"), None, &[4, 5]),
        ];
        let s = compute(StatsFilter::year(2022), &tasks, &rows);
        assert_eq!((s.totals.tasks, s.totals.planned, s.totals.drawn), (2, 4, 4));
        assert_eq!((s.totals.inspected, s.totals.entered, s.totals.reviewed), (3, 2, 2));
        assert_eq!((s.totals.published, s.totals.on_time, s.totals.problems), (2, 1, 1));
        assert_eq!(s.tasks[0].counts.completion(), "66.7%");
        assert_eq!(s.totals.on_time_rate(), "50.0%");
        assert_eq!(s.departments.len(), 2);
        assert_eq!(s.results.iter().find(|t| t.label == "未发现问题").unwrap().count, 2);
        assert_eq!(s.follow_ups[0].total, 4);
        assert_eq!((s.workload.inspectors, s.workload.min, s.workload.median, s.workload.max), (5, 1, 1, 3));
        assert_eq!(s.months[2].outcomes, [2, 1, 0, 0]);
        assert_eq!(s.recusals_pre, 2);
        assert_eq!(percent(1, 0), "—");
    }

    #[test]
    fn months_are_put_in_order() {
        let f = StatsFilter { from_month: 9, to_month: 3, ..StatsFilter::year(2022) }.normalized();
        assert_eq!((f.from_month, f.to_month), (3, 9));
        assert!(f.meets_months(1, 3) && f.meets_months(9, 12) && !f.meets_months(10, 12));
    }
}
