//! `/public/tasks/:id/results`: a task's published results for anyone (一公开): unit,
//! time, method, content, result, handling, and whether they were published on time.

use crate::api::results::get_public_results;
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The public results page.
#[component]
pub fn PublicResultsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_public_results);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => {
                        let due = p.due.clone().unwrap_or_default();
                        view! {
                            <Title text=format!("抽查结果公示 · {}", p.task_name)/>
                            <h1>{format!("抽查结果公示：{}", p.task_name)}</h1>
                            <p>{format!("检查单位：{}；抽查内容：{}；公示期限：检查结束后 20 个工作日内（{due} 前）", p.department, p.items)}</p>
                            <div class="table-wrap">
                                <table data-testid="public-results">
                                    <thead><tr><th>"企业"</th><th>"检查时间"</th><th>"检查方式"</th><th>"检查结果"</th><th>"后续处置"</th><th>"公示日期"</th></tr></thead>
                                    <tbody>
                                        {p.results.iter().map(|r| view! {
                                            <tr>
                                                <td>{r.name.clone()}<br/><code>{r.code.clone()}</code></td>
                                                <td>{r.inspected_on.clone()}</td>
                                                <td>{r.method.clone()}</td>
                                                <td>{r.categories.join("、")}{(!r.problems.is_empty()).then(|| format!("：{}", r.problems))}</td>
                                                <td>{if r.handling.is_empty() { "—".to_string() } else { r.handling.join("、") }}
                                                    {(!r.referral_department.is_empty()).then(|| format!("（移送{}）", r.referral_department))}</td>
                                                <td data-testid="on-time">{format!("{}（{}）", r.published_on,
                                                    match p.on_time(&r.published_on) { Some(true) => "按时公示", Some(false) => "逾期公示", None => "" })}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
