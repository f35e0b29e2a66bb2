//! What a screen shows while the server works on a long step (freezing a province-size
//! pool, drawing it): what is happening, and the seconds counted up, so the room sees the
//! screen is alive. The spinner is CSS, drawn by the compositor.

use leptos::prelude::*;

/// A status box: `what` in large type, `detail` below it, then 已用 N 秒.
#[component]
pub fn Waiting(what: String, detail: String) -> impl IntoView {
    let elapsed = RwSignal::new(0u64);
    #[cfg(feature = "hydrate")]
    {
        let start = js_sys::Date::now();
        let tick = move || elapsed.set(((js_sys::Date::now() - start) / 1000.0) as u64);
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_millis(500)) {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <div class="waiting" role="status" aria-live="polite" data-testid="waiting">
            <span class="waiting-spin" aria-hidden="true"></span>
            <div>
                <p class="waiting-what">{what}</p>
                <p class="waiting-detail">{detail}</p>
                <p class="waiting-time" data-testid="waiting-time">{move || format!("已用 {} 秒", elapsed.get())}</p>
            </div>
        </div>
    }
}
