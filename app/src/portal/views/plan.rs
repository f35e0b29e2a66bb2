//! A year's public plan: the plan table (every column of 附件2 and each task's progress)
//! and its calendar.

use super::page;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::portal::data::stage_label;
use leptos::prelude::*;

/// The plan page: the plan table and its calendar, with the other years.
pub fn plan_page(plan: &AnnualPlan, years: &[i32]) -> String {
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
            {calendar(plan)}
            <h2>"计划表"</h2>
            {plan_table(plan)}
            {(!plan.remarks.is_empty()).then(|| view! { <p class="meta">{format!("备注：{}", plan.remarks)}</p> })}
            <p class="meta">"下载："
                <a href=format!("/public/data/plans/{year}.csv")>"CSV"</a>" · "
                <a href=format!("/public/data/plans/{year}.json")>"JSON"</a></p>
        },
    )
}

/// The plan table (every column of the annual plan) for the public tasks of a plan.
fn plan_table(plan: &AnnualPlan) -> impl IntoView {
    let rows = plan
        .tasks
        .iter()
        .map(|t| {
            let joint = t.joint_department.clone().unwrap_or_else(|| "—".into());
            view! {
                <tr>
                    <td>{t.plan_no.clone()}</td>
                    <td>{t.plan_name.clone()}</td>
                    <td>{t.task_no.clone()}</td>
                    <th scope="row">{t.task_name.clone()}</th>
                    <td>{t.kind.label()}</td>
                    <td>{t.ratio_bp.label()}</td>
                    <td>{t.items.clone()}</td>
                    <td>{t.scope.clone()}</td>
                    <td>{t.initiating_department.clone()}</td>
                    <td>{joint}</td>
                    <td>{t.window.label()}</td>
                    <td>{task_links(t)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="scroll" role="region" aria-label="计划表（可横向滚动）" tabindex="0">
            <table class="plan">
                <caption>{plan.title.clone()}</caption>
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
    let draw =
        (!matches!(t.status, Filed)).then(|| view! { <a href=format!("/public/tasks/{id}/draw")>"抽取"</a> });
    let results = matches!(t.status, Published | Closed)
        .then(|| view! { " · " <a href=format!("/public/tasks/{id}/results")>"结果"</a> });
    view! { <span class="stage">{stage_label(t.status)}</span><br/>{draw}{results} }
}

/// A year's calendar: one row per task, its window as a bar over twelve months.
fn calendar(plan: &AnnualPlan) -> impl IntoView {
    let months = (1..=12).map(|m| view! { <span class="m" aria-hidden="true">{m}</span> }).collect_view();
    let rows = plan
        .tasks
        .iter()
        .map(|t| {
            let style = format!("grid-column:{} / {}", t.window.start_month, t.window.end_month + 1);
            view! {
                <li class="cal-row">
                    <span class="cal-name">{t.task_name.clone()}</span>
                    <span class="bar" style=style>{t.window.label()}</span>
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
