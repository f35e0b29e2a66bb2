//! `/my`: the signed-in inspector's assignments.

use crate::api::results::my_assignments;
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

/// The inspector's assignments page.
#[component]
pub fn MyPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_assignments());
    view! {
        <Title text="我的检查"/>
        <h1>"我的检查"</h1>
        <p><a href="/m" rel="external" data-testid="onsite">"在手机上现场检查（填写检查要点、拍照上传，弱网可用）"</a></p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">"目前没有分派给您的检查对象。"</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                            <table data-testid="assignments">
                                <thead><tr><th>"抽查任务"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"抽取日期"</th><th>"结果"</th><th>"现场"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|a| { let onsite_code = a.code.clone(); view! {
                                        <tr>
                                            <td><a href=format!("/tasks/{}/results", a.task_id)>{a.task_name}</a></td>
                                            <td>{a.name}</td>
                                            <td><code>{a.code}</code></td>
                                            <td>{a.drawn_on}</td>
                                            <td>{a.review.map(|r| r.label()).unwrap_or("未录入")}</td>
                                            <td><a href=format!("/m/tasks/{}/{}", a.task_id, onsite_code) rel="external">"填写"</a></td>
                                        </tr>
                                    } }).collect_view()}
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
