//! `/registry/items/:id` (or `new`): one inspection item, its edit form and 停用/启用.

use crate::api::registry::get_item;
use crate::components::error_view::ErrorBox;
use crate::components::record_form::{Input, RecordEditor, RecordForm};
use crate::domain::inspector::DEPARTMENTS;
use crate::domain::registry::{active_label, RegistryKind};
use crate::domain::registry_rows::{item_cells, Lookups};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn inputs(departments: Vec<String>) -> Vec<Input> {
    vec![
        Input::Text,
        Input::Text,
        Input::Text,
        Input::Choice(departments.into_iter().map(|d| (d.clone(), d)).collect()),
        Input::Text,
        Input::Choice(vec![("在用".into(), "在用".into()), ("停用".into(), "停用".into())]),
    ]
}

/// The item page.
#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    view! {
        <p class="crumbs"><a href="/registry/items">"抽查事项清单"</a></p>
        {move || match id() {
            None => {
                let departments = DEPARTMENTS.iter().map(|(_, name, _)| name.to_string()).collect();
                let mut cells = vec![String::new(); 6];
                cells[5] = "在用".into();
                view! {
                    <Title text="新增抽查事项"/>
                    <h1>"新增抽查事项"</h1>
                    <RecordForm kind=RegistryKind::Items id=None cells inputs=inputs(departments)/>
                }.into_any()
            }
            Some(id) => view! { <Detail id/> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Detail(id: i64) -> impl IntoView {
    let data = Resource::new(move || id, get_item);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok((row, departments, can_edit)) => {
                        let t = row.record.clone();
                        let active = t.active;
                        let lookups = Lookups {
                            departments: departments.iter().map(|x| (x.id.clone(), x.name.clone(), x.short_name.clone())).collect(),
                            regions: Vec::new(),
                        };
                        let names = departments.iter().map(|x| x.name.clone()).collect();
                        view! {
                            <Title text=t.name.clone()/>
                            <h1>{t.name.clone()}</h1>
                            <dl class="facts">
                                <dt>"检查内容"</dt><dd>{t.content.clone()}</dd>
                                <dt>"检查依据"</dt><dd>{t.legal_basis.clone()}</dd>
                                <dt>"责任部门"</dt><dd>{row.department_name.clone()}</dd>
                                <dt>"抽查频次"</dt><dd>{t.frequency.clone()}</dd>
                                <dt>"状态"</dt><dd>{active_label(t.active)}</dd>
                            </dl>
                            {can_edit.then(|| view! {
                                <RecordEditor kind=RegistryKind::Items id cells=item_cells(&t, &lookups) inputs=inputs(names) active on_change=Callback::new(move |()| data.refetch())/>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
