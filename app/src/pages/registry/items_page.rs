//! `/registry/items`: 抽查事项清单 — what may be checked, by department.

use super::inspectors_page::{list_href, list_query, ListFilters};
use super::ExportLinks;
use crate::api::registry::{item_coverage, list_items};
use crate::components::error_view::ErrorBox;
use crate::components::pager::Pager;
use crate::domain::registry::{active_label, RegistryKind, PAGE_SIZE};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The item list page.
#[component]
pub fn ItemsPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || query.with(list_query);
    let data = Resource::new(current, list_items);
    view! {
        <Title text="抽查事项清单"/>
        <h1>"抽查事项清单"</h1>
        <p class="toolbar"><a href="/registry/items/new">"新增抽查事项"</a>" · "<a href="/registry/import?kind=items">"导入"</a></p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                let q = current();
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let page = q.page.max(1);
                        let pages = (p.total as u32).div_ceil(PAGE_SIZE).max(1);
                        view! {
                            <ListFilters action="/registry/items" q=q.clone() departments=p.departments.iter().map(|d| (d.id.clone(), d.name.clone())).collect()/>
                            <p>{format!("共 {} 项 · 导出：", p.total)}
                                <ExportLinks kind=RegistryKind::Items shown=list_href("", &q, 1)/></p>
                            <div class="table-wrap">
                                <table class="compact" data-testid="items">
                                    <thead><tr><th>"事项名称"</th><th>"责任部门"</th><th>"抽查频次"</th><th>"检查依据"</th><th>"状态"</th></tr></thead>
                                    <tbody>
                                        {p.rows.into_iter().map(|r| {
                                            let t = r.record;
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/registry/items/{}", r.id)>{t.name}</a></td>
                                                    <td>{r.department_name}</td>
                                                    <td>{t.frequency}</td>
                                                    <td>{t.legal_basis}</td>
                                                    <td>{active_label(t.active)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page pages href=move |n| list_href("/registry/items", &q, n)/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
        <Coverage/>
    }
    .into_any()
}

/// 抽查覆盖率: each item's reach this year against its target.
#[component]
fn Coverage() -> impl IntoView {
    let data = Resource::new(|| (), |_| item_coverage(None));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok((year, rows)) => view! {
                        <h2>{format!("{year} 年度抽查覆盖情况")}</h2>
                        <p class="note">"应检查对象：该年度载有该事项的任务冻结名单中的企业；目标按抽查频次中写明的覆盖率计算（未写明则不计）。"</p>
                        <div class="table-wrap">
                            <table class="compact" data-testid="item-coverage">
                                <thead><tr><th>"事项名称"</th><th>"抽查频次"</th><th>"应检查对象"</th><th>"已抽取"</th><th>"已检查"</th><th>"目标"</th><th>"达成"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|c| {
                                        let met = match c.met() { Some(true) => "已达成", Some(false) => "未达成", None => "—" };
                                        view! {
                                            <tr><td>{c.name}</td><td>{c.frequency}</td><td>{c.relevant}</td><td>{c.drawn}</td><td>{c.inspected}</td>
                                                <td>{c.target.map(|t| t.to_string()).unwrap_or_else(|| "—".into())}</td><td>{met}</td></tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
