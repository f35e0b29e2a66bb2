//! A year's public plan: the plan table (every column of 附件2 and each task's progress)
//! and its calendar.

use super::page;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::portal::data::{stage_label, YearFigures};
use leptos::prelude::*;

/// The plan page: the plan table and its calendar, with the other years.
pub fn plan_page(plan: &AnnualPlan, years: &[i32], figures: &YearFigures) -> String {
    let others = years
        .iter()
        .map(|y| {
            let current = (*y == plan.year).then_some("page");
            view! { <a href=format!("/public/plans/{y}") aria-current=current>{format!("{y} 年")}</a>" " }
        })
        .collect_view();
    let year = plan.year;
    page(
        &format!("{year} 年度抽查计划"),
        view! {
            <h1>{plan.title.clone()}</h1>
            <nav class="years" aria-label="年度">{others}</nav>
            {year_figures(year, figures)}
            {calendar(plan)}
            <h2>"计划表"</h2>
            {plan_table(&plan.title, &plan.tasks)}
            {(!plan.remarks.is_empty()).then(|| view! { <p class="meta">{format!("备注：{}", plan.remarks)}</p> })}
            {(!plan.special.is_empty()).then(|| view! {
                <h2 id="special">"专项检查与上级部署任务（不计入本计划）"</h2>
                <div data-testid="special-tasks">{plan_table("专项检查与上级部署任务", &plan.special)}</div>
            })}
            <p class="meta">"下载："
                <a href=format!("/public/data/plans/{year}.csv")>"CSV"</a>" · "
                <a href=format!("/public/data/plans/{year}.json")>"JSON"</a></p>
        },
    )
}

/// The plan table (every column of the annual plan) for public tasks; a task whose window
/// was moved by a consented 计划调整 says so in its 抽查时间 cell.
fn plan_table(caption: &str, tasks: &[TaskRow]) -> impl IntoView {
    let rows = tasks
        .iter()
        .map(|t| {
            let joint = if t.joint_departments.is_empty() { "—".to_string() } else { t.joint_label() };
            let window = match &t.adjusted {
                Some(change) => view! { <span data-testid="adjusted">{change.label()}</span> }.into_any(),
                None => view! { {t.window.label()} }.into_any(),
            };
            let filters = t.filters.in_words(false);
            let scope = if filters.is_empty() {
                t.scope.clone()
            } else {
                format!("{}（{}）", t.scope, filters.join("；"))
            };
            view! {
                <tr>
                    <td>{t.plan_no.clone()}</td>
                    <td>{t.plan_name.clone()}</td>
                    <td>{t.task_no.clone()}</td>
                    <th scope="row">{t.task_name.clone()}</th>
                    <td>{t.kind.label()}</td>
                    <td>{t.ratio_bp.label()}</td>
                    <td>{t.items.clone()}</td>
                    <td>{scope}</td>
                    <td>{t.initiating_department.clone()}</td>
                    <td>{joint}</td>
                    <td>{window}</td>
                    <td>{task_links(t)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll" role="region" aria-label="计划表（可横向滚动）" tabindex="0">
            <table class="plan">
                <caption>{caption.to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">"抽查计划编号"</th>
                        <th scope="col">"抽查计划名称"</th>
                        <th scope="col">"抽查任务编号"</th>
                        <th scope="col">"抽查任务名称"</th>
                        <th scope="col">"抽查类型"</th>
                        <th scope="col">"抽查比例"</th>
                        <th scope="col">"抽查事项"</th>
                        <th scope="col">"抽查对象范围"</th>
                        <th scope="col">"发起部门"</th>
                        <th scope="col">"联合部门"</th>
                        <th scope="col">"抽查时间"</th>
                        <th scope="col">"进展"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A task's stage and its links (draw, results) as far as they exist.
pub(super) fn task_links(t: &TaskRow) -> impl IntoView {
    use crate::domain::workflow::TaskStatus::*;
    let id = t.id;
    let draw = (!matches!(t.status, Planned))
        .then(|| view! { <a href=format!("/public/tasks/{id}/draw")>"抽取"</a> });
    let results = crate::portal::data::results_phase(t.status)
        .then(|| view! { " · " <a href=format!("/public/tasks/{id}/results")>"结果"</a> });
    view! { <span class="stage">{stage_label(t.status)}</span><br/>{draw}{results} }
}

/// A bar's words: its months only (the year is the calendar's, 原定 and 调整为 are in the
/// bar's style and the note under it), so that even a one-month bar on a phone shows them
/// whole; the full window is the bar's title.
fn bar_months(w: &crate::domain::plan::Window) -> String {
    if w.start_month == w.end_month {
        format!("{}月", w.start_month)
    } else {
        format!("{}–{}月", w.start_month, w.end_month)
    }
}

/// A year's calendar: one row per task, its window as a bar over twelve months.
fn calendar(plan: &AnnualPlan) -> impl IntoView {
    let months = (1..=12).map(|m| view! { <span class="m" aria-hidden="true">{m}</span> }).collect_view();
    let rows = plan
        .all_tasks()
        .map(|t| {
            let style = format!("grid-column:{} / {}", t.window.start_month, t.window.end_month + 1);
            let special = (t.source != crate::domain::plan::TaskSource::Plan).then_some("（不计入本计划）");
            // A moved window: the planned bar stays (marked 原定), the new one beside it when it
            // falls in the same year, and the change in words either way.
            let adjusted = t.adjusted.as_ref().map(|c| {
                let bar = (c.to.year == plan.year).then(|| {
                    let style = format!("grid-column:{} / {}", c.to.start_month, c.to.end_month + 1);
                    view! { <span class="bar adjusted" style=style title=format!("调整为 {}", c.to.label())>{bar_months(&c.to)}</span> }
                });
                view! { {bar}<span class="cal-note">{c.label()}</span> }
            });
            let class = if t.adjusted.is_some() { "bar original" } else { "bar" };
            let title = if t.adjusted.is_some() { format!("原定 {}", t.window.label()) } else { t.window.label() };
            view! {
                <li class="cal-row">
                    <span class="cal-name">{t.task_name.clone()}{special}</span>
                    <span class=class style=style title=title>{bar_months(&t.window)}</span>
                    {adjusted}
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="cal-h">
            <h2 id="cal-h">{format!("{} 年抽查日历", plan.year)}</h2>
            <div class="cal-head" aria-hidden="true"><span></span>{months}</div>
            <ul class="cal">{rows}</ul>
        </section>
    }
}

/// The year in figures: published results only, each chart with its numbers in a table.
fn year_figures(year: i32, f: &YearFigures) -> impl IntoView {
    use crate::domain::stats::{percent, OUTCOMES};
    let months: Vec<String> = (1..=12).map(|m| m.to_string()).collect();
    let values: Vec<Vec<i64>> = f.months.iter().map(|m| m.to_vec()).collect();
    let monthly =
        crate::charts::stacked_bars("每月公示的检查结果（按检查月份）", &months, &OUTCOMES, &values);
    let funnel_items = vec![("抽取".to_string(), f.drawn), ("已公示结果".to_string(), f.published)];
    let funnel = crate::charts::bars("抽取与公示", &funnel_items, true);
    let departments = crate::charts::bars("各部门公示结果", &f.departments, false);
    let month_rows = f
        .months
        .iter()
        .enumerate()
        .filter(|(_, m)| m.iter().sum::<i64>() > 0)
        .map(|(i, m)| {
            view! { <tr><th scope="row">{format!("{} 月", i + 1)}</th>{m.iter().map(|n| view! { <td>{*n}</td> }).collect_view()}</tr> }
        })
        .collect_view();
    let department_rows = f
        .departments
        .iter()
        .map(|(d, n)| view! { <tr><th scope="row">{d.clone()}</th><td>{*n}</td></tr> })
        .collect_view();
    view! {
        <section aria-labelledby="fig-h" class="figures" data-testid="year-figures">
            <h2 id="fig-h">{format!("{year} 年抽查情况")}</h2>
            <ul class="figs">
                <li><b>{format!("{}/{}", f.tasks_done, f.tasks)}</b>"项任务已完成公示"</li>
                <li><b>{f.published}</b>"户已检查并公示"</li>
                <li><b>{percent(f.problems, f.published)}</b>"发现问题"</li>
                <li><b>{percent(f.on_time, f.published)}</b>"按时公示"</li>
            </ul>
            <p class="meta">"仅统计已公示的检查结果；按时公示＝检查之日起 20 个工作日内公示。"</p>
            <div class="chart" inner_html=monthly></div>
            <div class="scroll"><table><caption>"每月公示的检查结果"</caption>
                <thead><tr><th scope="col">"检查月份"</th>{OUTCOMES.iter().map(|o| view! { <th scope="col">{*o}</th> }).collect_view()}</tr></thead>
                <tbody>{month_rows}</tbody></table></div>
            <div class="chart" inner_html=funnel></div>
            <table><caption>"抽取与公示"</caption><tbody>
                <tr><th scope="row">"抽取"</th><td>{f.drawn}</td></tr>
                <tr><th scope="row">"已公示结果"</th><td>{f.published}</td></tr>
            </tbody></table>
            <div class="chart" inner_html=departments></div>
            <table><caption>"各部门公示结果"</caption><tbody>{department_rows}</tbody></table>
        </section>
    }
}
