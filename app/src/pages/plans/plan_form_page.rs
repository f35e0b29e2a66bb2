//! `/plans/new` and `/plans/:year/edit`: an annual plan's year, title and 备注.

use crate::api::plans::{get_plan, save_plan};
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The plan form (new or edit).
#[component]
pub fn PlanFormPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || params.read().get("year").and_then(|y| y.parse::<i32>().ok());
    let data = Resource::new(year, |y| async move {
        super::may_edit_plans().await?;
        match y {
            Some(y) => get_plan(Some(y)).await.map(|p| p.plan),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(plan) => {
                        let (y, title, remarks) = plan
                            .map(|p| (Some(p.year), p.title, p.remarks))
                            .unwrap_or((None, String::new(), String::new()));
                        view! { <PlanForm year=y title remarks/> }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlanForm(year: Option<i32>, title: String, remarks: String) -> impl IntoView {
    let editing = year.is_some();
    let year_text = RwSignal::new(year.map(|y| y.to_string()).unwrap_or_default());
    let title = RwSignal::new(title);
    let remarks = RwSignal::new(remarks);
    let save = Action::new(|(y, t, r): &(i32, String, String)| save_plan(*y, t.clone(), r.clone()));
    let problem = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => navigate(&format!("/plans/{}", year_text.get_untracked().trim()), Default::default()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match year_text.get_untracked().trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => {
                problem.set(None);
                save.dispatch((y, title.get_untracked(), remarks.get_untracked()));
            }
            _ => problem.set(Some("年度：请填写 2000–2100 之间的年份".into())),
        }
    };
    let heading = if editing { "编辑年度计划" } else { "新建年度计划" };
    view! {
        <Title text=heading/>
        <h1>{heading}</h1>
        <form class="task-form" on:submit=on_submit novalidate>
            <fieldset>
                <label class="field small">
                    <span>"年度"</span>
                    <input name="year" inputmode="numeric" readonly=editing prop:value=move || year_text.get()
                        on:input=move |ev| year_text.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span>"计划名称"</span>
                    <input name="title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))
                        placeholder="如：邯郸市商务局 2024 年度随机抽查工作计划"/>
                </label>
                <label class="field">
                    <span>"备注"</span>
                    <textarea name="remarks" rows="3" prop:value=move || remarks.get() on:input=move |ev| remarks.set(event_target_value(&ev))></textarea>
                </label>
            </fieldset>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="actions">
                <button type="submit" data-testid="save-plan" disabled=move || save.pending().get()>"保存计划"</button>
                <a href="/">"取消"</a>
            </div>
        </form>
    }
}
