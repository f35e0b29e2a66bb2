//! `/registry/conflicts`: declared conflicts of interest (回避) — declare, list, withdraw.
//! Open ones keep the inspector off that enterprise's team in every later draw.

use crate::api::registry::{declare_conflict, list_conflicts, withdraw_conflict};
use crate::components::confirm;
use crate::components::error_view::ErrorBox;
use crate::domain::registry::{Conflict, CONFLICT_REASONS};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Who may withdraw which open conflicts in a [`ConflictTable`] (the server checks the same).
#[derive(Clone, Copy)]
pub struct Withdraw {
    /// Called with the conflict's id.
    pub run: Callback<i64>,
    /// `Some(id)`: only inspector `id`'s own declarations (an 执法人员); `None`: every one
    /// (经办人, 管理员).
    pub only_inspector: Option<i64>,
}

/// A table of conflicts; with `withdraw`, the open ones it allows get a 撤回 button.
#[component]
pub fn ConflictTable(conflicts: Vec<Conflict>, withdraw: Option<Withdraw>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="compact" data-testid="conflicts">
                <thead><tr><th>"编号"</th><th>"执法人员"</th><th>"市场主体"</th><th>"事由"</th><th>"说明"</th><th>"申报时间"</th><th>"状态"</th></tr></thead>
                <tbody>
                    {conflicts.into_iter().map(|c| {
                        let id = c.id;
                        let may_withdraw = withdraw
                            .filter(|w| w.only_inspector.is_none_or(|own| own == c.inspector_id))
                            .map(|w| w.run);
                        view! {
                            <tr>
                                <td>{c.id}</td>
                                <td><a href=format!("/registry/inspectors/{}", c.inspector_id)>{c.inspector_name}</a></td>
                                <td><a href=format!("/registry/enterprises/{}", c.enterprise_id)>{c.enterprise_name}</a>" "<code>{c.credit_code}</code></td>
                                <td>{c.reason}</td>
                                <td>{c.note}</td>
                                <td class="nowrap">{crate::domain::date::local_time(&c.declared_at)}</td>
                                <td>{match c.withdrawn_at {
                                    Some(at) => format!("已撤回（{}）", crate::domain::date::local_time(&at)).into_any(),
                                    None => match may_withdraw {
                                        Some(run) => view! {
                                            "有效 " <button type="button" class="link" data-testid="withdraw" data-conflict=id on:click=move |_| {
                                                if confirm("撤回后，该执法人员可再被抽到与这家市场主体同组。确认撤回？") { run.run(id) }
                                            }>"撤回"</button>
                                        }.into_any(),
                                        None => "有效".into_any(),
                                    },
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The 回避申报 section of an enterprise's or an inspector's page (withdrawn on the
/// conflicts page).
#[component]
pub fn DeclaredConflicts(conflicts: Vec<Conflict>) -> impl IntoView {
    view! {
        <h2>"回避申报"</h2>
        {if conflicts.is_empty() {
            view! { <p class="empty">"无。"</p> }.into_any()
        } else {
            view! { <ConflictTable conflicts withdraw=None/> }.into_any()
        }}
    }
}

/// The conflicts page.
#[component]
pub fn ConflictsPage() -> impl IntoView {
    let query = use_query_map();
    let all = move || query.read().get("all").is_some_and(|v| v == "1");
    let data = Resource::new(all, list_conflicts);
    let declare = Action::new(|(inspector, code, reason, note): &(i64, String, String, String)| {
        declare_conflict(*inspector, code.clone(), reason.clone(), note.clone())
    });
    let withdraw = Action::new(|id: &i64| withdraw_conflict(*id));
    Effect::new(move |_| {
        if matches!(declare.value().get(), Some(Ok(_))) || matches!(withdraw.value().get(), Some(Ok(()))) {
            data.refetch();
        }
    });
    let problem = move || {
        declare
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| withdraw.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    };
    let (inspector, code, reason, note) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    view! {
        <Title text="回避申报"/>
        <h1>"回避申报"</h1>
        <p class="lead">"执法人员与市场主体有近亲属、曾任职、经济往来等关系的，应当申报回避；有效的申报在此后的每次抽取中都会使其不与该市场主体同组。"</p>
        <p class="toolbar">{move || if all() {
            view! { <a href="/registry/conflicts">"只看有效申报"</a> }.into_any()
        } else {
            view! { <a href="/registry/conflicts?all=1">"包括已撤回的申报"</a> }.into_any()
        }}</p>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(p) => {
                        if let Some(own) = p.own_inspector {
                            inspector.set(own.to_string());
                        }
                        // An editor withdraws any declaration, an 执法人员 only their own.
                        let run = Callback::new(move |id: i64| { withdraw.dispatch(id); });
                        let withdraw_cb = if p.can_edit {
                            Some(Withdraw { run, only_inspector: None })
                        } else {
                            p.own_inspector.map(|own| Withdraw { run, only_inspector: Some(own) })
                        };
                        view! {
                            {(!p.inspectors.is_empty()).then(|| view! {
                                <form class="filters" data-testid="declare-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    let Ok(id) = inspector.get_untracked().parse::<i64>() else { return };
                                    declare.dispatch((id, code.get_untracked(), reason.get_untracked(), note.get_untracked()));
                                }>
                                    <label class="field"><span>"执法人员"</span>
                                        <select name="inspector_id" prop:value=inspector on:change=move |ev| inspector.set(event_target_value(&ev))>
                                            <option value="">"—"</option>
                                            {p.inspectors.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                                        </select></label>
                                    <label class="field"><span>"市场主体统一社会信用代码"</span>
                                        <input name="credit_code" prop:value=code on:input=move |ev| code.set(event_target_value(&ev))/></label>
                                    <label class="field small"><span>"事由"</span>
                                        <select name="reason" prop:value=reason on:change=move |ev| reason.set(event_target_value(&ev))>
                                            <option value="">"—"</option>
                                            {CONFLICT_REASONS.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
                                        </select></label>
                                    <label class="field"><span>"说明"</span>
                                        <input name="note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev))/></label>
                                    <div class="actions"><button type="submit" disabled=move || declare.pending().get()>"申报回避"</button></div>
                                </form>
                            })}
                            {move || problem().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                            {if p.conflicts.is_empty() {
                                view! { <p class="empty">"没有回避申报。"</p> }.into_any()
                            } else {
                                view! { <ConflictTable conflicts=p.conflicts withdraw=withdraw_cb/> }.into_any()
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
    .into_any()
}
