//! `/deadlines`: drawn tasks against the 20-working-day publication deadline.

use crate::api::results::get_deadlines;
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

/// The deadlines page.
#[component]
pub fn DeadlinesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_deadlines());
    view! {
        <Title text="公示期限"/>
        <h1>"公示期限"</h1>
        <p class="note">"每户企业的抽查结果须在其检查之日起 20 个工作日内公示（逐户审核、逐户公示）；任务须在检查结束（抽查时间的最后一天）后 20 个工作日内全部公示。工作日按国务院公布的节假日和调休安排计算。"</p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">"尚无已抽取的任务。"</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table data-testid="deadlines">
                                <thead><tr><th>"抽查任务"</th><th>"发起部门"</th><th>"状态"</th><th>"检查结束"</th><th>"公示截止"</th><th>"情况"</th><th>"各企业"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let (class, text) = match (r.working_days_left, &r.published_on) {
                                            (_, Some(p)) if *p <= r.due => ("ok", format!("已按时公示（{p}）")),
                                            (_, Some(p)) => ("late", format!("逾期公示（{p}）")),
                                            (Some(n), None) if n < 0 => ("late", format!("已逾期 {} 个工作日", -n)),
                                            (Some(n), None) => ("due", format!("剩余 {n} 个工作日")),
                                            (None, None) => ("", String::new()),
                                        };
                                        view! {
                                            <tr class=class>
                                                <td><a href=format!("/tasks/{}", r.task_id)>{format!("{} {}", r.task_no, r.task_name)}</a></td>
                                                <td>{r.department}</td>
                                                <td>{r.status.label()}</td>
                                                <td>{r.window_end}</td>
                                                <td>{r.due}</td>
                                                <td>{text}</td>
                                                <td><Enterprises list=r.enterprises/></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// Each inspected enterprise's own clock: counts, and the list behind a disclosure.
#[component]
fn Enterprises(list: Vec<crate::domain::result::EnterpriseDeadline>) -> impl IntoView {
    if list.is_empty() {
        return view! { <span class="muted">"尚无检查结果"</span> }.into_any();
    }
    let on_time = list.iter().filter(|e| e.published_on.as_ref().is_some_and(|p| *p <= e.due)).count();
    let late = list.iter().filter(|e| e.published_on.as_ref().is_some_and(|p| *p > e.due)).count();
    let overdue = list.iter().filter(|e| e.working_days_left.is_some_and(|n| n < 0)).count();
    let waiting = list.len() - on_time - late;
    let summary = format!("按时公示 {on_time} · 逾期公示 {late} · 未公示 {waiting}（其中已逾期 {overdue}）");
    view! {
        <details data-testid="enterprise-deadlines">
            <summary>{summary}</summary>
            <ul class="plain">
                {list.into_iter().map(|e| {
                    let late = e.working_days_left.is_some_and(|n| n < 0)
                        || e.published_on.as_ref().is_some_and(|p| *p > e.due);
                    view! {
                        <li class=if late { "late" } else { "" } data-code=e.code.clone()>
                            {format!("{}：检查 {}，截止 {}，{}", e.name, e.inspected_on, e.due, e.state())}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
    .into_any()
}
