//! The 404 page.

use crate::labels;
use leptos::prelude::*;

/// Shown for any unknown path; sets the 404 status during server rendering.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>{labels::NOT_FOUND}</h1>
        <p><a href="/">"返回年度计划"</a></p>
    }
}
