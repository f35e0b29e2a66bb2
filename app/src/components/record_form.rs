//! The create/edit form of a registry record: one field per file column, checked on the
//! server exactly as an imported row is; and, for a stored record, the button that takes
//! it out of use (注销 / 停用) or back — nothing is ever deleted.

use crate::api::registry::{save_record, set_record_active};
use crate::components::confirm;
use crate::domain::registry::RegistryKind;
use leptos::prelude::*;

/// How a column is entered.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Text,
    Date,
    /// A choice of (value sent, label shown).
    Choice(Vec<(String, String)>),
}

/// The form. `cells` are the current values in the kind's column order (empty for a new
/// record); `inputs` say how each column is entered. Saves, then calls `on_saved`, or
/// without it opens the record's page.
#[component]
pub fn RecordForm(
    kind: RegistryKind,
    id: Option<i64>,
    cells: Vec<String>,
    inputs: Vec<Input>,
    #[prop(optional)] on_saved: Option<Callback<i64>>,
) -> impl IntoView {
    let columns = kind.columns();
    let values: Vec<RwSignal<String>> =
        (0..columns.len()).map(|i| RwSignal::new(cells.get(i).cloned().unwrap_or_default())).collect();
    let save = Action::new(move |cells: &Vec<String>| save_record(kind.code().to_owned(), id, cells.clone()));
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            match on_saved {
                Some(done) => done.run(saved),
                None => navigate(&format!("/registry/{}/{saved}", kind.code()), Default::default()),
            }
        }
    });
    let submit_values = values.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(submit_values.iter().map(|v| v.get_untracked()).collect());
    };
    let fields = columns
        .iter()
        .zip(values)
        .zip(inputs)
        .map(|((label, value), input)| {
            let control = match input {
                Input::Text => view! { <input name=*label prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/> }.into_any(),
                Input::Date => view! { <input type="date" name=*label prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/> }.into_any(),
                Input::Choice(choices) => view! {
                    <select name=*label prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {choices.into_iter().map(|(v, l)| {
                            let selected = value.get_untracked() == v;
                            view! { <option value=v selected=selected>{l}</option> }
                        }).collect_view()}
                    </select>
                }.into_any(),
            };
            view! { <label class="field"><span>{*label}</span>{control}</label> }
        })
        .collect_view();
    view! {
        <form class="task-form" data-testid="record-form" on:submit=on_submit>
            {fields}
            {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>{if id.is_some() { "保存修改" } else { "登记" }}</button>
            </div>
        </form>
    }
    .into_any()
}

/// What 经办人 and 管理员 see under a stored record: its edit form and the button that
/// takes it out of use or back. `on_change` runs after either has been saved.
#[component]
pub fn RecordEditor(
    kind: RegistryKind,
    id: i64,
    cells: Vec<String>,
    inputs: Vec<Input>,
    /// Whether the record is in use now (enterprise: not 注销).
    active: bool,
    on_change: Callback<()>,
) -> impl IntoView {
    let toggle = Action::new(move |active: &bool| set_record_active(kind.code().to_owned(), id, *active));
    Effect::new(move |_| {
        if let Some(Ok(())) = toggle.value().get() {
            on_change.run(());
        }
    });
    let (label, question) = toggle_words(kind, active);
    view! {
        <h2>"修改"</h2>
        <RecordForm kind id=Some(id) cells inputs on_saved=Callback::new(move |_| on_change.run(()))/>
        <p class="actions">
            <button type="button" data-testid="toggle-active" disabled=move || toggle.pending().get()
                on:click=move |_| {
                    if confirm(question) {
                        toggle.dispatch(!active);
                    }
                }>{label}</button>
        </p>
        {move || toggle.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
    }
    .into_any()
}

/// The out-of-use button's label and the question it asks first.
fn toggle_words(kind: RegistryKind, active: bool) -> (&'static str, &'static str) {
    match (kind, active) {
        (RegistryKind::Enterprises, true) => {
            ("注销（停用）", "注销后该市场主体不再进入抽查名单（记录保留）。确认注销？")
        }
        (RegistryKind::Enterprises, false) => ("恢复为存续", "确认恢复为存续？"),
        (RegistryKind::Inspectors, true) => ("停用", "停用后该执法人员不再被抽取（记录保留）。确认停用？"),
        (RegistryKind::Items, true) => ("停用", "停用该事项？记录保留，已有任务不受影响。"),
        (_, false) => ("启用", "确认重新启用？"),
    }
}
