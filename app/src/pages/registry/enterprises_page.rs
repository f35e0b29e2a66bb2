//! `/registry/enterprises`: the enterprise registry — search by name or credit code,
//! filters, sortable columns, pages, and export of exactly what is shown. The filters are a
//! GET form, so every view has its own address and works before the WASM loads.

use super::ExportLinks;
use crate::api::registry::list_enterprises;
use crate::components::error_view::ErrorBox;
use crate::components::pager::Pager;
use crate::domain::enterprise::{RiskClass, CATEGORIES, STATUSES};
use crate::domain::registry::{
    status_label, EnterpriseQuery, RegistryKind, ENTERPRISE_SORTS, NATURES, PAGE_SIZE, SCALES,
};
use crate::labels;
use crate::url::urlencode;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `?k=v&…` of a query.
fn href(q: &EnterpriseQuery, page: u32) -> String {
    let mut parts: Vec<String> = q.pairs().iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/registry/enterprises?{}", parts.join("&"))
}

/// The enterprise registry page.
#[component]
pub fn EnterprisesPage() -> impl IntoView {
    let query = use_query_map();
    let current =
        move || query.with(|m| EnterpriseQuery::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))));
    let data = Resource::new(current, list_enterprises);
    let q = current();
    let select = |name: &'static str, value: String, all: &'static str, options: Vec<(String, String)>| {
        view! {
            <select name=name>
                <option value="">{all}</option>
                {options.into_iter().map(|(v, l)| {
                    let selected = v == value;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        }
    };
    let pairs = |list: &[&str]| list.iter().map(|s| (s.to_string(), s.to_string())).collect::<Vec<_>>();
    view! {
        <Title text="检查对象名录库"/>
        <h1>"检查对象名录库"</h1>
        <p class="toolbar">
            <a href="/registry/enterprises/new">"登记市场主体"</a>" · "
            <a href="/registry/import?kind=enterprises">"导入"</a>
        </p>
        <form class="filters" method="get" action="/registry/enterprises" role="search">
            <label class="field"><span>"名称或统一社会信用代码"</span>
                <input name="q" type="search" data-testid="registry-search" value=q.q.clone() placeholder="名称中的字词，或代码开头"/></label>
            <label class="field small"><span>"市场主体类别"</span>
                <input name="category" list="categories" value=q.category.clone()/></label>
            <datalist id="categories">{CATEGORIES.iter().map(|c| view! { <option value=*c/> }).collect_view()}</datalist>
            <label class="field small"><span>"行业"</span><input name="industry" value=q.industry.clone()/></label>
            <label class="field small"><span>"企业性质"</span>{select("nature", q.nature.clone(), "全部", pairs(&NATURES))}</label>
            <label class="field small"><span>"企业规模"</span>{select("scale", q.scale.clone(), "全部", pairs(&SCALES))}</label>
            <label class="field small"><span>"行政区划"</span>{select("region", q.region.clone(), "全部区县",
                crate::domain::region::HANDAN_REGIONS.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect())}</label>
            <label class="field small"><span>"登记备案日期从"</span><input name="filed_from" type="date" value=q.filed_from.clone()/></label>
            <label class="field small"><span>"至"</span><input name="filed_to" type="date" value=q.filed_to.clone()/></label>
            <label class="field small"><span>"登记状态"</span>{select("status", q.status.clone(), "全部",
                STATUSES.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect())}</label>
            <label class="field small"><span>"信用风险分类"</span>{select("risk", q.risk.clone(), "全部",
                RiskClass::ALL.iter().map(|r| (r.code().to_string(), r.code().to_string())).collect())}</label>
            <input type="hidden" name="sort" value=q.sort.clone()/>
            {q.desc.then(|| view! { <input type="hidden" name="desc" value="1"/> })}
            <div class="actions"><button type="submit" data-testid="registry-submit">{labels::APPLY_FILTER}</button> <a href="/registry/enterprises">"清除"</a></div>
        </form>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                let q = current();
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        let page = q.page.max(1);
                        let pages = (p.total as u32).div_ceil(PAGE_SIZE).max(1);
                        let count = if p.capped { format!("超过 {} 户（请缩小范围）", p.total) } else { format!("共 {} 户", p.total) };
                        let region_name = |code: &str| p.regions.iter().find(|(c, _)| c == code).map(|(_, n)| n.clone()).unwrap_or_else(|| code.to_owned());
                        let headers = ENTERPRISE_SORTS.iter().map(|(col, label)| {
                            let mut sorted = q.clone();
                            sorted.desc = q.sort_column() == *col && !q.desc;
                            sorted.sort = col.to_string();
                            let mark = if q.sort_column() == *col { if q.desc { " ↓" } else { " ↑" } } else { "" };
                            view! { <th><a href=href(&sorted, 1)>{*label}{mark}</a></th> }
                        }).collect_view();
                        view! {
                            <p data-testid="registry-count">{format!("{count}，第 {page} / {pages} 页")}
                                " · 导出当前筛选结果："
                                <ExportLinks kind=RegistryKind::Enterprises shown=href(&q, 1)/>
                            </p>
                            {if p.rows.is_empty() {
                                view! { <p class="empty">"没有符合条件的市场主体。"</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap">
                                        <table class="compact" data-testid="registry-table">
                                            <thead><tr>{headers}<th>"行政区划"</th><th>"风险"</th><th>"类别"</th><th>"状态"</th></tr></thead>
                                            <tbody>
                                                {p.rows.into_iter().map(|r| {
                                                    let e = r.record;
                                                    view! {
                                                        <tr>
                                                            <td><a href=format!("/registry/enterprises/{}", r.id)>{e.name}</a></td>
                                                            <td><code>{e.credit_code}</code></td>
                                                            <td class="nowrap">{e.filed_on}</td>
                                                            <td>{region_name(&e.region_code)}</td>
                                                            <td>{e.risk_class}</td>
                                                            <td>{e.category}</td>
                                                            <td>{status_label(&e.status).to_owned()}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }.into_any()
                            }}
                            <Pager page pages href=move |n| href(&q, n)/>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
