//! `/todo`: what waits for the signed-in user (the navigation's 待办 count links here).

use crate::components::todo::TodoList;
use leptos::prelude::*;
use leptos_meta::Title;

/// The to-do page.
#[component]
pub fn TodoPage() -> impl IntoView {
    view! {
        <Title text="待办"/>
        <h1>"待办"</h1>
        <TodoList/>
    }
}
