//! The statistics as tables: one title, headers and rows each, the same on the page, in
//! the workbook (one sheet per table) and under each chart.

use super::stats::{percent, Counts, LedgerRow, Stats, OUTCOMES};
use serde::{Deserialize, Serialize};

/// A titled table of text cells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Also the sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

const COUNT_HEADERS: [&str; 10] = [
    "计划抽查数",
    "实际抽取",
    "已检查",
    "已录入",
    "已审核",
    "已公示",
    "完成率",
    "问题发现率",
    "按时公示",
    "按时公示率",
];

fn count_cells(c: &Counts) -> Vec<String> {
    vec![
        c.planned.to_string(),
        c.drawn.to_string(),
        c.inspected.to_string(),
        c.entered.to_string(),
        c.reviewed.to_string(),
        c.published.to_string(),
        c.completion(),
        c.problem_rate(),
        c.on_time.to_string(),
        c.on_time_rate(),
    ]
}

/// 按任务: each task, then the total.
pub fn by_task(s: &Stats) -> Table {
    let mut headers = strings(&["任务编号", "抽查任务", "发起部门", "任务来源", "抽查时间", "状态"]);
    headers.extend(strings(&COUNT_HEADERS));
    let mut rows: Vec<Vec<String>> = s
        .tasks
        .iter()
        .map(|t| {
            let mut r = vec![
                t.task_no.clone(),
                t.name.clone(),
                t.department.clone(),
                t.source.clone(),
                t.window.clone(),
                t.status.clone(),
            ];
            r.extend(count_cells(&t.counts));
            r
        })
        .collect();
    let mut total = vec![
        "合计".to_string(),
        format!("{} 项任务", s.totals.tasks),
        "".into(),
        "".into(),
        "".into(),
        "".into(),
    ];
    total.extend(count_cells(&s.totals));
    rows.push(total);
    Table { title: "按任务".into(), headers, rows }
}

/// 按部门 (the initiating department).
pub fn by_department(s: &Stats) -> Table {
    let mut headers = strings(&["发起部门", "任务数"]);
    headers.extend(strings(&COUNT_HEADERS));
    let rows = s
        .departments
        .iter()
        .map(|d| {
            let mut r = vec![d.name.clone(), d.counts.tasks.to_string()];
            r.extend(count_cells(&d.counts));
            r
        })
        .collect();
    Table { title: "按部门".into(), headers, rows }
}

/// 检查结果: the count per standard value.
pub fn results(s: &Stats) -> Table {
    let rows = s
        .results
        .iter()
        .map(|t| vec![t.label.clone(), t.count.to_string(), percent(t.count, s.totals.inspected)])
        .collect();
    Table {
        title: "检查结果".into(), headers: strings(&["检查结果", "户数", "占已检查"]), rows
    }
}

/// 后续处置 by kind.
pub fn follow_ups(s: &Stats) -> Table {
    let rows = s
        .follow_ups
        .iter()
        .map(|f| vec![f.kind.clone(), f.total.to_string(), f.done.to_string(), f.done_rate()])
        .collect();
    Table {
        title: "后续处置".into(), headers: strings(&["处置方式", "件数", "已完结", "完结率"]), rows
    }
}

/// 回避 and the inspectors' load.
pub fn recusals_and_load(s: &Stats) -> Table {
    let w = &s.workload;
    let rows = [
        ("回避（抽取时，已申报的利害关系）", s.recusals_pre),
        ("回避（抽取后申报并批准）", s.recusals_post),
        ("参与检查的执法人员", w.inspectors),
        ("每人检查户数：最少", w.min),
        ("每人检查户数：中位数", w.median),
        ("每人检查户数：最多", w.max),
    ]
    .iter()
    .map(|(k, v)| vec![k.to_string(), v.to_string()])
    .collect();
    Table { title: "回避与工作量".into(), headers: strings(&["项目", "数值"]), rows }
}

/// 执法人员工作量分布: inspectors by enterprises assigned.
pub fn load_histogram(s: &Stats) -> Table {
    let rows =
        s.workload.histogram.iter().map(|t| vec![format!("{} 户", t.label), t.count.to_string()]).collect();
    Table {
        title: "工作量分布".into(), headers: strings(&["承担检查户数", "执法人员数"]), rows
    }
}

/// 月度检查: inspections per month of inspection, by outcome.
pub fn months(s: &Stats) -> Table {
    let mut headers = vec!["月份".to_string()];
    headers.extend(strings(&OUTCOMES));
    headers.push("合计".into());
    let rows = s
        .months
        .iter()
        .map(|m| {
            let mut r = vec![format!("{} 月", m.month)];
            r.extend(m.outcomes.iter().map(|n| n.to_string()));
            r.push(m.outcomes.iter().sum::<i64>().to_string());
            r
        })
        .collect();
    Table { title: "月度检查".into(), headers, rows }
}

/// 完成情况: drawn → inspected → published (the funnel's numbers).
pub fn funnel(s: &Stats) -> Table {
    let t = &s.totals;
    let rows =
        [("计划抽查", t.planned), ("实际抽取", t.drawn), ("已检查", t.inspected), ("已公示", t.published)]
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string(), percent(*v, t.drawn)])
            .collect();
    Table { title: "完成情况".into(), headers: strings(&["环节", "户数", "占实际抽取"]), rows }
}

/// 年度工作总结表: the annual plan's tasks against what happened, with a total.
pub fn summary(s: &Stats) -> Table {
    let headers = strings(&[
        "任务编号",
        "抽查任务",
        "发起部门",
        "抽查时间",
        "计划抽查数",
        "实际抽取",
        "已检查",
        "已公示",
        "按时公示",
        "发现问题",
        "完成率",
        "状态",
    ]);
    let mut total = Counts::default();
    let mut rows = Vec::new();
    for t in s.tasks.iter().filter(|t| t.source == super::plan::TaskSource::Plan.label()) {
        let c = &t.counts;
        total.planned += c.planned;
        total.drawn += c.drawn;
        total.inspected += c.inspected;
        total.published += c.published;
        total.on_time += c.on_time;
        total.problems += c.problems;
        total.tasks += 1;
        rows.push(vec![
            t.task_no.clone(),
            t.name.clone(),
            t.department.clone(),
            t.window.clone(),
            c.planned.to_string(),
            c.drawn.to_string(),
            c.inspected.to_string(),
            c.published.to_string(),
            c.on_time.to_string(),
            c.problems.to_string(),
            c.completion(),
            t.status.clone(),
        ]);
    }
    rows.push(vec![
        "合计".into(),
        format!("计划内任务 {} 项", total.tasks),
        "".into(),
        "".into(),
        total.planned.to_string(),
        total.drawn.to_string(),
        total.inspected.to_string(),
        total.published.to_string(),
        total.on_time.to_string(),
        total.problems.to_string(),
        total.completion(),
        "".into(),
    ]);
    Table { title: "年度工作总结".into(), headers, rows }
}

/// Every table of the statistics, in the page's order.
pub fn all(s: &Stats) -> Vec<Table> {
    vec![
        by_task(s),
        by_department(s),
        funnel(s),
        months(s),
        results(s),
        follow_ups(s),
        recusals_and_load(s),
        load_histogram(s),
        summary(s),
    ]
}

/// The 台账's columns.
pub const LEDGER_HEADERS: [&str; 15] = [
    "序号",
    "抽查任务",
    "发起部门",
    "批次",
    "统一社会信用代码",
    "企业名称",
    "检查组",
    "检查日期",
    "审核",
    "检查结果",
    "后续处置",
    "处置进展",
    "公示日期",
    "公示截止",
    "按时/逾期",
];

/// One 台账 row as cells.
pub fn ledger_cells(r: &LedgerRow, n: usize) -> Vec<String> {
    vec![
        n.to_string(),
        r.task.clone(),
        r.department.clone(),
        r.batch.clone(),
        r.code.clone(),
        r.name.clone(),
        r.team.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join("、"),
        r.inspected_on.clone().unwrap_or_default(),
        r.review_in_words().into(),
        r.categories.join("、"),
        r.handling.join("、"),
        r.follow_up_state(),
        r.published_on.clone().unwrap_or_default(),
        r.due.clone().unwrap_or_default(),
        r.timeliness().into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::{compute, StatsFilter};

    #[test]
    fn every_table_has_a_sheet_name_and_rows_as_wide_as_its_headers() {
        let s = compute(StatsFilter::year(2022), &[], &[]);
        for t in all(&s) {
            assert!(t.title.chars().count() <= 31 && !t.title.contains(['[', ']', ':', '*', '?', '/', '\\']));
            assert!(t.rows.iter().all(|r| r.len() == t.headers.len()), "{}", t.title);
        }
    }
}
