//! `/admin/calendar`: the working-day calendar's holidays and make-up working days.

use crate::api::admin::{get_calendar, set_calendar_day};
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The calendar administration page.
#[component]
pub fn CalendarAdminPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("year").and_then(|y| y.parse::<i32>().ok()).unwrap_or(2026);
    let data = Resource::new(year, get_calendar);
    let day = RwSignal::new(String::new());
    let kind = RwSignal::new("holiday".to_string());
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let save =
        Action::new(|(d, k, n): &(String, String, String)| set_calendar_day(d.clone(), k.clone(), n.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            problem.set(None);
            data.refetch();
        }
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <Title text="工作日历"/>
        <h1>"工作日历"</h1>
        <p class="note">"周一至周五为工作日；下表列出与此不同的日子（法定节假日与调休上班），用于计算 20 个工作日的公示期限。"</p>
        <nav class="years" aria-label="年份">
            {(2023..=2027).map(|y| view! { <a href=format!("/admin/calendar?year={y}") aria-current=move || (year() == y).then_some("page")>{y}</a> }).collect_view()}
        </nav>
        <form class="task-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch((day.get_untracked(), kind.get_untracked(), name.get_untracked())); }>
            <fieldset>
                <label class="field small"><span>"日期"</span><input type="date" prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev))/></label>
                <label class="field small"><span>"类型"</span>
                    <select on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="holiday">"放假"</option>
                        <option value="workday">"调休上班"</option>
                        <option value="normal">"恢复常规"</option>
                    </select>
                </label>
                <label class="field small"><span>"节日名称"</span><input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
            </fieldset>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="actions"><button type="submit">"保存"</button></div>
        </form>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(days) if days.is_empty() => view! { <p class="empty">"该年尚无节假日安排，请按国务院办公厅通知录入。"</p> }.into_any(),
                    Ok(days) => view! {
                        <table class="compact" data-testid="calendar-days">
                            <thead><tr><th>"日期"</th><th>"类型"</th><th>"节日"</th></tr></thead>
                            <tbody>
                                {days.into_iter().map(|d| view! { <tr><td>{d.day}</td><td>{d.kind.label()}</td><td>{d.name}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
