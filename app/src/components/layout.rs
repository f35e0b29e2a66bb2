//! Page header and footer.

use crate::labels;
use leptos::prelude::*;

/// Site header with the main navigation.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <a class="skip" href="#main">{labels::SKIP_TO_CONTENT}</a>
        <header class="site-header">
            <a class="brand" href="/">"双随"<span class="brand-sub">"双随机、一公开"</span></a>
            <nav aria-label="主导航">
                <a href="/">{labels::NAV_PLAN}</a>
                <a href="/calendar">{labels::NAV_CALENDAR}</a>
                <a href="/verify">{labels::NAV_VERIFY}</a>
            </nav>
        </header>
    }
}

/// Site footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! { <footer class="site-footer">{labels::FOOTER}</footer> }
}
