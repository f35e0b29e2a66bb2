//! `/follow-ups`: 后续处置 of published results — open ones first, with their age; the
//! office records progress and finishes each with its outcome.

use crate::api::follow_ups::{get_follow_ups, save_follow_up};
use crate::components::error_view::{ErrorBox, FieldMessage, FormError};
use crate::domain::follow_up::{FollowUp, FollowUpFields, FollowUpUpdate};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

/// The follow-ups page.
#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_follow_ups());
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Title text="后续处置"/>
        <h1>"后续处置"</h1>
        <p class="note">"检查发现问题的，每项后续处置（责令改正、立案查处、移送、抄告等）在结果公示时立项，办理到完结为止；完结后结果向社会公示。"</p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"尚无后续处置：发现问题的结果公示后在此办理。"</p> }.into_any(),
                    Ok(list) => view! { <FollowUpList list reload/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn FollowUpList(list: Vec<FollowUp>, reload: Callback<()>) -> impl IntoView {
    let open = list.iter().filter(|f| !f.done).count();
    view! {
        <p data-testid="follow-up-count">{format!("未完结 {open} 项，已完结 {} 项", list.len() - open)}</p>
        <div class="table-wrap">
            <table class="follow-ups" data-testid="follow-ups">
                <thead><tr><th>"企业"</th><th>"抽查任务"</th><th>"处置方式"</th><th>"状态"</th><th>"立项"</th><th>"办理"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|f| view! { <FollowUpLine f reload/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn FollowUpLine(f: FollowUp, reload: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(false);
    let state = match (&f.finished_on, f.done) {
        (Some(on), true) => format!("已完结（{on}）：{}", f.fields.outcome_in_words(&f.kind)),
        _ => format!("未完结，已 {} 天", f.age_days),
    };
    let class = if !f.done && f.age_days > 30 { "late" } else { "" };
    let can_edit = f.can_edit;
    let form = f.clone();
    view! {
        <tr data-follow-up=f.id class=class>
            <td>{f.name.clone()}<br/><code>{f.code.clone()}</code></td>
            <td data-label="抽查任务"><a href=format!("/tasks/{}/results", f.task_id)>{f.task_name.clone()}</a></td>
            <td data-label="处置方式">{f.kind.clone()}</td>
            <td data-label="状态" data-testid="follow-up-state">{state}</td>
            <td data-label="立项">{f.opened_on.clone()}</td>
            <td>{can_edit.then(|| view! {
                <button type="button" data-testid="edit-follow-up" on:click=move |_| editing.update(|e| *e = !*e)>"办理"</button>
            })}</td>
        </tr>
        <Show when=move || editing.get()>
            <tr class="form-row"><td colspan="6"><FollowUpForm f=form.clone() editing reload/></td></tr>
        </Show>
    }
    .into_any()
}

/// The fields each kind records, as (field, label, input type).
fn fields_of(kind: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match kind {
        "责令改正" => &[
            ("deadline", "改正期限", "date"),
            ("recheck_on", "复查日期", "date"),
            ("outcome", "复查结果", "text"),
        ],
        "立案查处" => &[
            ("case_no", "案件编号", "text"),
            ("decision_no", "行政处罚决定书文号", "text"),
            ("decided_on", "处罚决定日期", "date"),
            ("penalty", "处罚内容", "text"),
        ],
        "移送" | "移送司法机关" => &[
            ("referred_to", "接收部门（机关）", "text"),
            ("referred_on", "移送日期", "date"),
            ("receipt", "接收回执", "text"),
            ("outcome", "办理结果", "text"),
        ],
        "抄告相关部门" => &[
            ("referred_to", "抄告部门", "text"),
            ("referred_on", "抄告日期", "date"),
            ("outcome", "反馈", "text"),
        ],
        _ => &[("outcome", "处置结果", "text")],
    }
}

fn field_mut<'a>(f: &'a mut FollowUpFields, name: &str) -> &'a mut String {
    match name {
        "deadline" => &mut f.deadline,
        "recheck_on" => &mut f.recheck_on,
        "case_no" => &mut f.case_no,
        "decision_no" => &mut f.decision_no,
        "decided_on" => &mut f.decided_on,
        "penalty" => &mut f.penalty,
        "referred_to" => &mut f.referred_to,
        "referred_on" => &mut f.referred_on,
        "receipt" => &mut f.receipt,
        "note" => &mut f.note,
        _ => &mut f.outcome,
    }
}

#[component]
fn FollowUpForm(f: FollowUp, editing: RwSignal<bool>, reload: Callback<()>) -> impl IntoView {
    let id = f.id;
    let fields = RwSignal::new(f.fields.clone());
    let problem = RwSignal::new(None::<crate::error::AppError>);
    let save = Action::new(move |finish: &bool| {
        let update = FollowUpUpdate { id, fields: fields.get_untracked(), finish: *finish };
        save_follow_up(update)
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            editing.set(false);
            reload.run(());
        }
        // A refused field's message goes beside it; anything else above the buttons.
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let inputs = fields_of(&f.kind)
        .iter()
        .map(|(name, label, kind)| {
            let name = *name;
            view! {
                <label class="field">
                    <span>{*label}</span>
                    <input type=*kind name=name
                        prop:value=move || fields.with(|f| { let mut f = f.clone(); field_mut(&mut f, name).clone() })
                        on:input=move |ev| fields.update(|f| *field_mut(f, name) = event_target_value(&ev))/>
                    <FieldMessage error=problem field=name/>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="task-form follow-up-form" data-testid="follow-up-form" novalidate
            on:submit=move |ev| { ev.prevent_default(); problem.set(None); save.dispatch(false); }>
            <fieldset>
                <legend>{format!("{}：{}", f.name, f.kind)}</legend>
                {inputs}
                <label class="field">
                    <span>"说明"</span>
                    <textarea name="note" rows="2" prop:value=move || fields.with(|f| f.note.clone())
                        on:input=move |ev| fields.update(|f| f.note = event_target_value(&ev))></textarea>
                    <FieldMessage error=problem field="note"/>
                </label>
            </fieldset>
            <FormError error=problem/>
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"保存进展"</button>
                <button type="button" data-testid="finish-follow-up" disabled=move || save.pending().get()
                    on:click=move |_| { problem.set(None); save.dispatch(true); }>"办结"</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(false)>"取消"</button>
            </div>
        </form>
    }
    .into_any()
}
