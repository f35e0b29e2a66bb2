//! How an [`AppError`] is shown inside a page.

use crate::error::AppError;
use leptos::prelude::*;

/// A plain-sentence error box; sets the HTTP status while rendering on the server.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(error.status()) {
            resp.set_status(code);
        }
    }
    view! { <p class="error" role="alert">{error.to_string()}</p> }
}
