//! 待办: the signed-in user's to-do list, on the start page and at `/todo`.

use crate::api::todo::get_todo;
use crate::components::error_view::ErrorBox;
use crate::labels;
use leptos::prelude::*;

/// What waits for me: each task with the step that is mine to take.
#[component]
pub fn TodoList() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_todo());
    view! {
        <section class="todo" data-testid="todo" id="todo">
            <h2>"待办"</h2>
            <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(items) if items.is_empty() => view! { <p class="empty">"目前没有等待您办理的事项。"</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="todo-list">
                                {items.into_iter().map(|t| view! {
                                    <li><a href=t.href>{t.what}</a>"：" {t.task}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
