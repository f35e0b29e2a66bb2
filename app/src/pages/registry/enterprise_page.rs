//! `/registry/enterprises/:id` (or `new`): one enterprise — its facts, how often it was
//! drawn, its declared conflicts — and for 经办人/管理员 the edit form and 注销/恢复.

use super::conflicts_page::DeclaredConflicts;
use crate::api::registry::get_enterprise;
use crate::components::error_view::ErrorBox;
use crate::components::record_form::{Input, RecordEditor, RecordForm};
use crate::domain::enterprise::{RiskClass, STATUSES};
use crate::domain::region::HANDAN_REGIONS;
use crate::domain::registry::{status_label, RegistryKind};
use crate::domain::registry_rows::enterprise_cells;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// How each enterprise column is entered.
fn inputs() -> Vec<Input> {
    let text = || Input::Text;
    vec![
        text(),
        text(),
        text(),
        text(),
        text(),
        text(),
        Input::Choice(HANDAN_REGIONS.iter().map(|(c, n)| (c.to_string(), format!("{n}（{c}）"))).collect()),
        Input::Date,
        Input::Choice(STATUSES.iter().map(|(_, l)| (l.to_string(), l.to_string())).collect()),
        Input::Choice(RiskClass::ALL.iter().map(|r| (r.code().to_string(), r.code().to_string())).collect()),
        text(),
        text(),
    ]
}

/// The enterprise page.
#[component]
pub fn EnterprisePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    view! {
        <p class="crumbs"><a href="/registry/enterprises">"检查对象名录库"</a></p>
        {move || match id() {
            None => view! {
                <Title text="登记市场主体"/>
                <h1>"登记市场主体"</h1>
                <RecordForm kind=RegistryKind::Enterprises id=None cells=vec![String::new(); 12] inputs=inputs()/>
            }.into_any(),
            Some(id) => view! { <Detail id/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Detail(id: i64) -> impl IntoView {
    let data = Resource::new(move || id, get_enterprise);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(d) => {
                        let e = d.row.record.clone();
                        let active = e.status != "deregistered";
                        view! {
                            <Title text=e.name.clone()/>
                            <h1 data-testid="enterprise-name">{e.name.clone()}</h1>
                            <dl class="facts" data-testid="enterprise-facts">
                                <dt>"统一社会信用代码"</dt><dd><code>{e.credit_code.clone()}</code></dd>
                                <dt>"市场主体类别"</dt><dd>{e.category.clone()}</dd>
                                <dt>"行业"</dt><dd>{e.industry.clone()}</dd>
                                <dt>"企业性质 · 规模"</dt><dd>{format!("{} · {}", e.nature, e.scale)}</dd>
                                <dt>"行政区划"</dt><dd>{format!("{}（{}）", d.region_name, e.region_code)}</dd>
                                <dt>"登记备案日期"</dt><dd>{e.filed_on.clone()}</dd>
                                <dt>"登记状态"</dt><dd>{status_label(&e.status).to_owned()}</dd>
                                <dt>"信用风险分类"</dt><dd>{e.risk_class.clone()}</dd>
                                <dt>"投诉次数"</dt><dd>{e.complaint_count}</dd>
                                <dt>"住所"</dt><dd>{e.address.clone()}</dd>
                                <dt>"被抽中次数"</dt><dd>{d.drawn}</dd>
                                <dt>"更新时间"</dt><dd>{crate::domain::date::local_time(&d.row.updated_at)}</dd>
                            </dl>
                            <DeclaredConflicts conflicts=d.conflicts.clone()/>
                            {d.can_edit.then(|| view! {
                                <RecordEditor kind=RegistryKind::Enterprises id cells=enterprise_cells(&e) inputs=inputs() active on_change=Callback::new(move |()| data.refetch())/>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
