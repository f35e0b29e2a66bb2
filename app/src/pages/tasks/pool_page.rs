//! `/tasks/:id/pool?page=N`: the enterprises a task draws from — the frozen list once
//! frozen, else what its scope gives now. Paged with plain links (works without WASM).

use crate::api::plans::{get_pool_page, POOL_PAGE_SIZE};
use crate::components::error_view::ErrorBox;
use crate::components::pager::Pager;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The pool list page.
#[component]
pub fn PoolPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let page = move || query.read().get("page").and_then(|v| v.parse::<u32>().ok()).unwrap_or(1);
    let data = Resource::new(move || (id(), page()), |(id, page)| get_pool_page(id, page));
    view! {
        <Title text="检查对象名单"/>
        <p class="crumbs"><a href=move || format!("/tasks/{}", id())>"返回任务"</a></p>
        <h1>"检查对象名单"</h1>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let pages = ((p.total as u32).div_ceil(POOL_PAGE_SIZE)).max(1);
                        let first = (p.page - 1) * POOL_PAGE_SIZE;
                        let task = id();
                        view! {
                            <p data-testid="pool-total">{format!("共 {} 户，第 {} / {} 页", p.total, p.page, pages)}</p>
                            <div class="table-wrap">
                                <table>
                                    <thead><tr><th>"序号"</th><th>"统一社会信用代码"</th><th>"企业名称"</th><th>"区域"</th><th>"登记备案日期"</th></tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().enumerate().map(|(i, (code, name, region, filed))| view! {
                                            <tr><td>{first as usize + i + 1}</td><td><code>{code}</code></td><td>{name}</td><td>{region}</td><td>{filed}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=p.page pages href=move |n| format!("/tasks/{task}/pool?page={n}")/>
                            <Excluded list=p.excluded/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// Those the freeze left out of the pool, and why.
#[component]
fn Excluded(list: Vec<(String, String, String)>) -> impl IntoView {
    (!list.is_empty()).then(|| {
        view! {
            <h2>{format!("冻结时排除的企业（{} 户）", list.len())}</h2>
            <ul data-testid="pool-excluded">
                {list.into_iter().map(|(code, name, reason)| view! { <li><code>{code}</code>" "{name}"："{reason}</li> }).collect_view()}
            </ul>
        }
    })
}
