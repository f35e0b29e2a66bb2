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
        <p class="note">"抽查结果须在检查结束（抽查时间的最后一天）后 20 个工作日内公示；工作日按国务院公布的节假日和调休安排计算。"</p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">"尚无已抽取的任务。"</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table data-testid="deadlines">
                                <thead><tr><th>"抽查任务"</th><th>"发起部门"</th><th>"状态"</th><th>"检查结束"</th><th>"公示截止"</th><th>"情况"</th></tr></thead>
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
