//! `/penalties`: 行政处罚信息公示 for staff — every penalty with its period, the office
//! head's form to publish a decided one, and its early end (信用修复).

use crate::api::penalties::{
    correct_penalty, end_penalty, get_penalties, penalty_periods, publish_penalty, set_penalty_periods,
};
use crate::components::error_view::{ErrorBox, FieldMessage, FormError};
use crate::domain::penalty::{Penalty, PenaltyDraft, SEVERITIES};
use crate::error::AppError;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PenaltiesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_penalties());
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Title text="行政处罚信息公示"/>
        <h1>"行政处罚信息公示"</h1>
        <p class="note">"处罚决定作出后由处室负责人公示；公示期按类别计算（通报批评或较低数额罚款三个月，其他三年），期满后公示平台不再显示，记录保留。信用修复可提前终止公示，须写明理由。"</p>
        <Periods/>
        <details class="publish-penalty">
            <summary>"公示一项行政处罚决定"</summary>
            <PublishForm reload correcting=None/>
        </details>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">"尚未公示行政处罚信息。"</p> }.into_any(),
                    Ok(list) => view! { <PenaltyList list reload/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// 公示期限: the periods by severity; the administrator sets them.
#[component]
fn Periods() -> impl IntoView {
    let data = Resource::new(|| (), |_| penalty_periods());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((minor, general, can_edit)) => view! { <PeriodsForm minor general can_edit reload=Callback::new(move |()| data.refetch())/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn PeriodsForm(minor: i64, general: i64, can_edit: bool, reload: Callback<()>) -> impl IntoView {
    let text = format!("当前公示期限：通报批评或较低数额罚款 {minor} 个月，其他行政处罚 {general} 个月（新公示的处罚按此计算）。");
    if !can_edit {
        return view! { <p class="note" data-testid="penalty-periods">{text}</p> }.into_any();
    }
    let values = RwSignal::new((minor.to_string(), general.to_string()));
    let problem = RwSignal::new(None::<AppError>);
    let save = Action::new(move |(a, b): &(String, String)| {
        let (a, b) = (a.trim().parse::<i64>().unwrap_or(0), b.trim().parse::<i64>().unwrap_or(0));
        set_penalty_periods(a, b)
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <form class="task-form periods" data-testid="penalty-periods" novalidate
            on:submit=move |ev| { ev.prevent_default(); problem.set(None); save.dispatch(values.get_untracked()); }>
            <p class="note">{text}</p>
            <label class="field small">
                <span>"通报批评或较低数额罚款（月）"</span>
                <input type="number" min="1" max="120" name="minor_months" prop:value=move || values.get().0
                    on:input=move |ev| values.update(|v| v.0 = event_target_value(&ev))/>
                <FieldMessage error=problem field="minor_months"/>
            </label>
            <label class="field small">
                <span>"其他行政处罚（月）"</span>
                <input type="number" min="1" max="120" name="general_months" prop:value=move || values.get().1
                    on:input=move |ev| values.update(|v| v.1 = event_target_value(&ev))/>
                <FieldMessage error=problem field="general_months"/>
            </label>
            <FormError error=problem/>
            <div class="actions"><button type="submit" disabled=move || save.pending().get()>"保存公示期限"</button></div>
        </form>
    }
    .into_any()
}

#[component]
fn PenaltyList(list: Vec<Penalty>, reload: Callback<()>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid="penalties">
                <thead><tr><th>"当事人"</th><th>"决定书文号"</th><th>"处罚内容"</th><th>"公示期"</th><th>"状态"</th><th>"操作"</th></tr></thead>
                <tbody>{list.into_iter().map(|p| view! { <PenaltyLine p reload/> }).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PenaltyLine(p: Penalty, reload: Callback<()>) -> impl IntoView {
    let id = p.id;
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let end = Action::new(move |r: &String| end_penalty(id, r.clone()));
    Effect::new(move |_| match end.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(message(e))),
        None => {}
    });
    let state = match &p.ended_on {
        Some(on) => format!("已提前终止（{on}：{}）", p.end_reason),
        None => "公示中或已期满".to_string(),
    };
    let open = p.ended_on.is_none();
    let correcting = RwSignal::new(false);
    let corrected = p.corrected_on.clone().map(|on| {
        view! { <p class="corrected">{format!("第 {} 版，{on} 更正：{}", p.version, p.correction_reason)}</p> }
    });
    let history = (!p.history.is_empty()).then(|| {
        let lines = p.history.iter().map(|v| {
            view! { <li>{format!("第 {} 版（{} 由 {} 更正，理由：{}）：{}；{}；罚款 {} 元", v.version,
                crate::domain::date::local_time(&v.replaced_at), v.replaced_by, v.reason, v.draft.decision_no,
                v.draft.content, if v.draft.fine_yuan.is_empty() { "0" } else { v.draft.fine_yuan.as_str() })}</li> }
        });
        view! { <details class="history"><summary>"更正前的版本"</summary><ul>{lines.collect_view()}</ul></details> }
    });
    let form_penalty = p.clone();
    view! {
        <tr data-decision=p.decision_no.clone()>
            <td>{p.party_name.clone()}<br/><code>{p.party_code.clone()}</code></td>
            <td>{p.decision_no.clone()}</td>
            <td>{format!("{}；罚款 {} 元", p.content, p.fine_yuan)}{corrected}{history}</td>
            <td>{format!("{} 至 {}", p.published_on, p.publish_until)}</td>
            <td>{state}</td>
            <td>{open.then(|| view! {
                <input aria-label="提前终止理由" placeholder="信用修复理由" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))/>
                <button type="button" class="secondary" data-testid="end-penalty"
                    on:click=move |_| { problem.set(None); end.dispatch(reason.get_untracked()); }>"提前终止公示"</button>
                {move || problem.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
            })}
            <button type="button" class="secondary" data-testid="correct-penalty"
                on:click=move |_| correcting.update(|c| *c = !*c)>"更正"</button></td>
        </tr>
        <Show when=move || correcting.get()>
            <tr class="form-row"><td colspan="6">
                <PublishForm reload correcting=Some(form_penalty.clone())/>
            </td></tr>
        </Show>
    }
    .into_any()
}

fn message(e: AppError) -> String {
    match e {
        AppError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// The fields of the form: (name, label, input type).
const FIELDS: [(&str, &str, &str); 9] = [
    ("code", "当事人统一社会信用代码", "text"),
    ("decision_no", "行政处罚决定书文号", "text"),
    ("violation_type", "违法行为类型", "text"),
    ("facts", "违法事实", "textarea"),
    ("basis", "处罚依据", "text"),
    ("content", "处罚内容", "text"),
    ("fine_yuan", "罚款金额（元，无罚款留空）", "text"),
    ("authority", "处罚机关", "text"),
    ("decided_on", "处罚决定日期", "date"),
];

fn field_mut<'a>(d: &'a mut PenaltyDraft, name: &str) -> &'a mut String {
    match name {
        "code" => &mut d.code,
        "decision_no" => &mut d.decision_no,
        "violation_type" => &mut d.violation_type,
        "facts" => &mut d.facts,
        "basis" => &mut d.basis,
        "content" => &mut d.content,
        "fine_yuan" => &mut d.fine_yuan,
        "authority" => &mut d.authority,
        "decided_on" => &mut d.decided_on,
        _ => &mut d.severity,
    }
}

fn get(d: &PenaltyDraft, name: &str) -> String {
    field_mut(&mut d.clone(), name).clone()
}

fn set(d: &mut PenaltyDraft, name: &str, value: String) {
    *field_mut(d, name) = value;
}

/// The form to publish a penalty, or (`correcting`) to correct a published one with a reason.
#[component]
fn PublishForm(reload: Callback<()>, correcting: Option<Penalty>) -> impl IntoView {
    let fresh = || PenaltyDraft { severity: "general".into(), ..Default::default() };
    let id = correcting.as_ref().map(|p| p.id);
    let draft = RwSignal::new(correcting.as_ref().map_or_else(fresh, Penalty::draft));
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let publish = Action::new(move |d: &PenaltyDraft| {
        let (d, why) = (d.clone(), reason.get_untracked());
        async move {
            match id {
                Some(id) => correct_penalty(id, d, why).await.map(|()| id),
                None => publish_penalty(d).await,
            }
        }
    });
    Effect::new(move |_| match publish.value().get() {
        Some(Ok(_)) => {
            done.set(true);
            if id.is_none() {
                draft.set(fresh());
            }
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let reason_field = id.map(|_| {
        view! {
            <label class="field">
                <span>"更正理由（公示时一并显示）"</span>
                <textarea name="reason" rows="2" prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <FieldMessage error=problem field="reason"/>
            </label>
        }
    });
    let submit = if id.is_some() { "保存更正" } else { "公示" };
    let inputs = FIELDS
        .iter()
        .map(|(name, label, kind)| {
            let name = *name;
            let input = if *kind == "textarea" {
                view! { <textarea name=name rows="2" prop:value=move || draft.with(|d| get(d, name))
                on:input=move |ev| draft.update(|d| set(d, name, event_target_value(&ev)))></textarea> }
                .into_any()
            } else {
                view! { <input type=*kind name=name prop:value=move || draft.with(|d| get(d, name))
                on:input=move |ev| draft.update(|d| set(d, name, event_target_value(&ev)))/> }
                .into_any()
            };
            view! { <label class="field"><span>{*label}</span>{input}<FieldMessage error=problem field=name/></label> }
        })
        .collect_view();
    view! {
            <form class="task-form" data-testid="penalty-form" novalidate
                on:submit=move |ev| { ev.prevent_default(); problem.set(None); done.set(false); publish.dispatch(draft.get_untracked()); }>
                {inputs}
                <label class="field">
                    <span>"公示期限类别"</span>
                    <select name="severity" on:change=move |ev| draft.update(|d| d.severity = event_target_value(&ev))>
                        {SEVERITIES.iter().map(|(code, label)| view! {
                            <option value=*code selected=move || draft.with(|d| d.severity == *code)>{*label}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage error=problem field="severity"/>
                </label>
                {reason_field}
                <FormError error=problem/>
                {move || done.get().then(|| view! { <p class="ok" role="status">{if id.is_some() { "已更正。" } else { "已公示。" }}</p> })}
                <div class="actions"><button type="submit" disabled=move || publish.pending().get()>{submit}</button></div>
            </form>
    }
    .into_any()
}
