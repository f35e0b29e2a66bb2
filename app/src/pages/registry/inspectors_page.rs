//! `/registry/inspectors`: the inspector registry, by department, searchable by name or
//! certificate number, with export of what is shown.

use super::ExportLinks;
use crate::api::registry::list_inspectors;
use crate::components::error_view::ErrorBox;
use crate::components::pager::Pager;
use crate::domain::registry::{active_label, ListQuery, RegistryKind, PAGE_SIZE};
use crate::labels;
use crate::url::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The query string of a list query (empty filters left out).
pub fn list_href(base: &str, q: &ListQuery, page: u32) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("q", &q.q), ("department", &q.department), ("active", &q.active)] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", urlencode(v)));
        }
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("{base}?{}", parts.join("&"))
}

/// A list query from the page's query string.
pub fn list_query(map: &leptos_router::params::ParamsMap) -> ListQuery {
    ListQuery {
        q: map.get("q").unwrap_or_default(),
        department: map.get("department").unwrap_or_default(),
        active: map.get("active").unwrap_or_default(),
        page: map.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

/// The filter form of the inspector and item tables.
#[component]
pub fn ListFilters(action: &'static str, q: ListQuery, departments: Vec<(String, String)>) -> impl IntoView {
    view! {
        <form class="filters" method="get" action=action role="search">
            <label class="field"><span>"名称、姓名或证号"</span><input name="q" type="search" value=q.q/></label>
            <label class="field small"><span>"部门"</span>
                <select name="department">
                    <option value="">"全部部门"</option>
                    {departments.into_iter().map(|(id, name)| {
                        let selected = id == q.department;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select></label>
            <label class="field small"><span>"状态"</span>
                <select name="active">
                    <option value="">"全部"</option>
                    <option value="1" selected=q.active == "1">"在用"</option>
                    <option value="0" selected=q.active == "0">"停用"</option>
                </select></label>
            <div class="actions"><button type="submit">{labels::APPLY_FILTER}</button> <a href=action>"清除"</a></div>
        </form>
    }
}

/// The inspector registry page.
#[component]
pub fn InspectorsPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || query.with(list_query);
    let data = Resource::new(current, list_inspectors);
    let today = crate::domain::date::Date::from_day_number(js_today()).to_string();
    view! {
        <Title text="执法检查人员名录库"/>
        <h1>"执法检查人员名录库"</h1>
        <p class="toolbar"><a href="/registry/inspectors/new">"登记执法人员"</a>" · "<a href="/registry/import?kind=inspectors">"导入"</a></p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || {
                let today = today.clone();
                Suspend::new(async move {
                let q = current();
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let page = q.page.max(1);
                        let pages = (p.total as u32).div_ceil(PAGE_SIZE).max(1);
                        view! {
                            <ListFilters action="/registry/inspectors" q=q.clone() departments=p.departments.iter().map(|d| (d.id.clone(), d.name.clone())).collect()/>
                            <p>{format!("共 {} 人，第 {page} / {pages} 页 · 导出：", p.total)}
                                <ExportLinks kind=RegistryKind::Inspectors shown=list_href("", &q, 1)/></p>
                            <div class="table-wrap">
                                <table class="compact" data-testid="inspectors">
                                    <thead><tr><th>"姓名"</th><th>"执法证号"</th><th>"所属部门"</th><th>"有效期"</th><th>"状态"</th></tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| {
                                            let i = r.record;
                                            let expired = i.valid_to < today;
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/registry/inspectors/{}", r.id)>{i.name}</a></td>
                                                    <td><code>{i.certificate_no}</code></td>
                                                    <td>{r.department_name}</td>
                                                    <td class="nowrap">{format!("{} 至 {}", i.valid_from, i.valid_to)}{expired.then_some("（已过期）")}</td>
                                                    <td>{active_label(i.active)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page pages href=move |n| list_href("/registry/inspectors", &q, n)/>
                        }.into_any()
                    }
                }
            })}}
        </Suspense>
    }
    .into_any()
}

/// Today's day number (UTC+8) on either side.
fn js_today() -> i64 {
    #[cfg(feature = "ssr")]
    {
        crate::domain::date::Date::parse(&crate::ssr::clock::today()).map_or(0, |d| d.day_number())
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            ((js_sys::Date::now() / 1000.0) as i64 + 8 * 3600).div_euclid(86_400)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            0
        }
    }
}
