//! `/registry/watchlist`: 重点关注 — enterprises people complain about (their complaints of
//! the last 12 months reach the threshold) and those staff put there with a reason. A task
//! may draw them at its own, higher ratio.

use crate::api::watchlist::{
    get_watchlist, may_set_watch_threshold, set_watch_threshold, watch_add, watch_remove,
};
use crate::components::error_view::{ErrorBox, FieldMessage, FormError};
use crate::domain::watch::Watched;
use crate::error::AppError;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WatchlistPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_watchlist());
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Title text="重点关注名单"/>
        <h1>"重点关注名单"</h1>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((list, threshold, can_edit)) => view! { <Watchlist list threshold can_edit reload/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Watchlist(list: Vec<Watched>, threshold: i64, can_edit: bool, reload: Callback<()>) -> impl IntoView {
    let note = format!(
        "近 12 个月举报投诉达到 {threshold} 次的企业自动列入；经办人或处室负责人也可写明理由列入或移出。抽查任务可为重点关注企业设定更高的抽查比例（单独分层，不对外公开）。"
    );
    let empty = list.is_empty().then(|| view! { <p class="empty">"目前没有重点关注企业。"</p> });
    let rows = list.into_iter().map(|w| view! { <WatchLine w can_edit reload/> }).collect_view();
    view! {
        <p class="note">{note}</p>
        <ThresholdForm threshold reload/>
        {can_edit.then(|| view! { <AddForm reload/> })}
        {empty}
        <div class="table-wrap">
            <table data-testid="watchlist">
                <thead><tr><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"近 12 个月投诉"</th><th>"人工列入理由"</th><th>"操作"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn WatchLine(w: Watched, can_edit: bool, reload: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let entry = w.entry.clone();
    let remove = Action::new(move |(id, why): &(i64, String)| watch_remove(*id, why.clone()));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    let action = entry.as_ref().filter(|_| can_edit).map(|(id, _)| {
        let id = *id;
        view! {
            <input aria-label="移出理由" placeholder="移出理由" prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))/>
            <button type="button" class="secondary" data-testid="watch-remove"
                on:click=move |_| { problem.set(None); remove.dispatch((id, reason.get_untracked())); }>"移出"</button>
            {move || problem.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
        }
    });
    view! {
        <tr data-code=w.code.clone()>
            <td>{w.name.clone()}</td>
            <td><code>{w.code.clone()}</code></td>
            <td>{w.complaints}</td>
            <td>{entry.map(|(_, r)| r).unwrap_or_else(|| "—（按投诉次数列入）".into())}</td>
            <td>{action}</td>
        </tr>
    }
    .into_any()
}

#[component]
fn AddForm(reload: Callback<()>) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<AppError>);
    let add = Action::new(move |(c, r): &(String, String)| watch_add(c.clone(), r.clone()));
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            code.set(String::new());
            reason.set(String::new());
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <form class="task-form" data-testid="watch-add" novalidate
            on:submit=move |ev| { ev.prevent_default(); problem.set(None); add.dispatch((code.get_untracked(), reason.get_untracked())); }>
            <label class="field small">
                <span>"统一社会信用代码"</span>
                <input name="code" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                <FieldMessage error=problem field="code"/>
            </label>
            <label class="field">
                <span>"列入理由"</span>
                <input name="reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
                <FieldMessage error=problem field="reason"/>
            </label>
            <FormError error=problem/>
            <div class="actions"><button type="submit" disabled=move || add.pending().get()>"列入重点关注"</button></div>
        </form>
    }
    .into_any()
}

/// The complaints threshold, for the administrator to set.
#[component]
fn ThresholdForm(threshold: i64, reload: Callback<()>) -> impl IntoView {
    let may = Resource::new(|| (), |_| may_set_watch_threshold());
    let value = RwSignal::new(threshold.to_string());
    let problem = RwSignal::new(None::<AppError>);
    let save = Action::new(move |v: &String| set_watch_threshold(v.trim().parse().unwrap_or(0)));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                (may.await == Ok(true)).then(|| view! {
                    <form class="task-form" data-testid="watch-threshold" novalidate
                        on:submit=move |ev| { ev.prevent_default(); problem.set(None); save.dispatch(value.get_untracked()); }>
                        <label class="field small">
                            <span>"近 12 个月投诉达到（次）即列入"</span>
                            <input type="number" min="1" max="100" name="threshold" prop:value=move || value.get()
                                on:input=move |ev| value.set(event_target_value(&ev))/>
                            <FieldMessage error=problem field="threshold"/>
                        </label>
                        <FormError error=problem/>
                        <div class="actions"><button type="submit">"保存阈值"</button></div>
                    </form>
                })
            })}
        </Suspense>
    }
    .into_any()
}
