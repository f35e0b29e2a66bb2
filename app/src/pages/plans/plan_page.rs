//! The annual plan as the founding document's table (附件2), with a department filter.

use crate::api::plans::{get_plan, PlanPage as PlanData};
use crate::components::error_view::ErrorBox;
use crate::components::todo::TodoList;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/` and `/plans/:year`: the plan of a year.
#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || params.read().get("year").and_then(|y| y.parse::<i32>().ok());
    let data = Resource::new(year, get_plan);
    // The start page (`/`) opens with what waits for the user.
    let start = year().is_none();
    view! {
        <Title text=labels::NAV_PLAN/>
        {start.then(|| view! { <TodoList/> })}
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(PlanData { plan: Some(plan), years, can_edit }) => view! { <PlanView plan years can_edit/> }.into_any(),
                    Ok(PlanData { plan: None, can_edit, .. }) => view! {
                        <p class="empty">{labels::NO_PLAN}</p>
                        {can_edit.then(|| view! { <p><a class="button" href="/plans/new">"新建年度计划"</a></p> })}
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlanView(plan: AnnualPlan, years: Vec<i32>, can_edit: bool) -> impl IntoView {
    let department = RwSignal::new(String::new());
    let departments = crate::domain::plan::departments_of(&plan.tasks);
    let tasks = StoredValue::new(plan.tasks.clone());
    let visible = move || {
        let d = department.get();
        tasks.with_value(|ts| {
            ts.iter()
                .filter(|t| {
                    d.is_empty() || t.initiating_department_id == d || t.joint_department_ids.contains(&d)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let year_links = years
        .into_iter()
        .map(|y| {
            let current = y == plan.year;
            view! {
                <a href=format!("/plans/{y}") aria-current=current.then_some("page")>{format!("{y} 年")}</a>
            }
        })
        .collect_view();
    // Each part is its own erased view: one nested type for the whole page
    // overflows the compiler's query depth in the hydrate build.
    let toolbar = view! {
        <div class="toolbar">
            <nav class="years" aria-label="年度">{year_links}</nav>
            <label class="filter">
                {labels::FILTER_DEPARTMENT}
                <select
                    data-testid="department-filter"
                    on:change=move |ev| department.set(event_target_value(&ev))
                    prop:value=move || department.get()
                >
                    <option value="">{labels::ALL_DEPARTMENTS}</option>
                    {departments
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id>{name}</option> })
                        .collect_view()}
                </select>
            </label>
            {can_edit.then(|| view! { <a class="button" href=format!("/tasks/new?year={}", plan.year) data-testid="new-task">"新增任务"</a> })}
            <a href=format!("/plans/{}/calendar", plan.year)>"查看日历"</a>
            <a rel="external" href=format!("/plans/{}/export.xlsx", plan.year) data-testid="export">"导出 Excel"</a>
            <a href=format!("/plans/{}/results/results.xlsx", plan.year) rel="external" download data-testid="export-results"
                title="已公示的抽查结果，每户企业每个检查事项一行，国家企业信用信息公示系统的格式">"导出已公示结果"</a>
            {can_edit.then(|| view! {
                <a href=format!("/plans/{}/import", plan.year)>"导入计划表"</a>
                <a href=format!("/plans/{}/edit", plan.year)>"编辑计划"</a>
                <a href="/plans/new">"新建年度计划"</a>
            })}
            <span class="count" data-testid="task-count">
                {move || format!("共 {} 项任务", visible().len())}
            </span>
        </div>
    }
    .into_any();
    let table = view! {
        <div class="table-wrap">
            <table class="plan-table">
                <thead>
                    <tr>
                        {labels::PLAN_COLUMNS.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        <th scope="col">{labels::STATUS}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=visible key=|t| t.id let:task>
                        <TaskRowView task/>
                    </For>
                    <Show when=move || visible().is_empty()>
                        <tr><td colspan="12" class="empty">{labels::NO_MATCHING_TASKS}</td></tr>
                    </Show>
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{labels::REMARKS}</th>
                        <td colspan="11">{plan.remarks.clone()}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
    .into_any();
    view! {
        <h1>{plan.title.clone()}</h1>
        {toolbar}
        {table}
        <SpecialTasks tasks=plan.special.clone()/>
    }
}

/// 专项检查 and 上级部署 tasks of the year, listed apart (not counted in the plan).
#[component]
fn SpecialTasks(tasks: Vec<TaskRow>) -> impl IntoView {
    if tasks.is_empty() {
        return ().into_any();
    }
    view! {
        <h2>"专项检查与上级部署任务（不计入本计划）"</h2>
        <div class="table-wrap">
            <table class="plan-table" data-testid="special-tasks">
                <thead>
                    <tr>
                        {labels::PLAN_COLUMNS.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        <th scope="col">{labels::STATUS}</th>
                    </tr>
                </thead>
                <tbody>
                    {tasks.into_iter().map(|task| view! { <TaskRowView task/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn TaskRowView(task: TaskRow) -> impl IntoView {
    let status_class = format!("status status-{}", task.status.code());
    view! {
        <tr data-task-id=task.id>
            <td>{task.plan_no.clone()}</td>
            <td>{task.plan_name.clone()}</td>
            <td>{task.task_no.clone()}</td>
            <td class="task-name"><a href=format!("/tasks/{}", task.id)>{task.task_name.clone()}</a>
                {(task.source != crate::domain::plan::TaskSource::Plan).then(|| view! { <span class="tag">{task.source.label()}</span> })}</td>
            <td>{task.kind.label()}</td>
            <td>{task.ratio_bp.label()}</td>
            <td>{task.items.clone()}</td>
            <td>{task.scope.clone()}</td>
            <td>{task.initiating_department.clone()}</td>
            <td>{task.joint_label()}</td>
            <td class="nowrap">{match &task.adjusted {
                Some(change) => view! { <span class="adjusted" title=change.label()>{format!("{}（原定 {}，已调整）", change.to.label(), task.window.label())}</span> }.into_any(),
                None => view! { {task.window.label()} }.into_any(),
            }}</td>
            <td><span class=status_class>{task.status.label()}</span></td>
        </tr>
    }
}
