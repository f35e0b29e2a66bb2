//! `/registry/inspectors/:id` (or `new`): one inspector — certificate, department, declared
//! conflicts — and for 经办人/管理员 the edit form and 停用/启用.

use super::conflicts_page::DeclaredConflicts;
use crate::api::registry::get_inspector;
use crate::components::error_view::ErrorBox;
use crate::components::record_form::{Input, RecordEditor, RecordForm};
use crate::domain::inspector::DEPARTMENTS;
use crate::domain::registry::{active_label, RegistryKind};
use crate::domain::registry_rows::{inspector_cells, Lookups};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// How each inspector column is entered; departments by full name.
fn inputs(departments: Vec<String>) -> Vec<Input> {
    vec![
        Input::Text,
        Input::Text,
        Input::Choice(departments.into_iter().map(|d| (d.clone(), d)).collect()),
        Input::Date,
        Input::Date,
        Input::Text,
        Input::Choice(vec![("在用".into(), "在用".into()), ("停用".into(), "停用".into())]),
    ]
}

/// The inspector page.
#[component]
pub fn InspectorPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    view! {
        <p class="crumbs"><a href="/registry/inspectors">"执法检查人员名录库"</a></p>
        {move || match id() {
            None => {
                let departments = DEPARTMENTS.iter().map(|(_, name, _)| name.to_string()).collect();
                let mut cells = vec![String::new(); 7];
                cells[6] = "在用".into();
                view! {
                    <Title text="登记执法人员"/>
                    <h1>"登记执法人员"</h1>
                    <RecordForm kind=RegistryKind::Inspectors id=None cells inputs=inputs(departments)/>
                }.into_any()
            }
            Some(id) => view! { <Detail id/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Detail(id: i64) -> impl IntoView {
    let data = Resource::new(move || id, get_inspector);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(d) => {
                        let i = d.row.record.clone();
                        let active = i.active;
                        let lookups = Lookups {
                            departments: d.departments.iter().map(|x| (x.id.clone(), x.name.clone(), x.short_name.clone())).collect(),
                            regions: Vec::new(),
                        };
                        let names = d.departments.iter().map(|x| x.name.clone()).collect();
                        view! {
                            <Title text=i.name.clone()/>
                            <h1 data-testid="inspector-name">{i.name.clone()}</h1>
                            <dl class="facts">
                                <dt>"执法证号"</dt><dd><code>{i.certificate_no.clone()}</code></dd>
                                <dt>"所属部门"</dt><dd>{d.row.department_name.clone()}</dd>
                                <dt>"有效期"</dt><dd>{format!("{} 至 {}", i.valid_from, i.valid_to)}</dd>
                                <dt>"联系电话"</dt><dd>{i.phone.clone()}</dd>
                                <dt>"状态"</dt><dd>{active_label(i.active)}</dd>
                            </dl>
                            <DeclaredConflicts conflicts=d.conflicts.clone()/>
                            <p><a href="/registry/conflicts">"申报或撤回回避"</a></p>
                            {d.can_edit.then(|| view! {
                                <RecordEditor kind=RegistryKind::Inspectors id cells=inspector_cells(&i, &lookups) inputs=inputs(names) active on_change=Callback::new(move |()| data.refetch())/>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
