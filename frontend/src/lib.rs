//! The WASM entry: hydrates the server-rendered page.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the hydration script once the WASM is loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Browser tests wait for this marker: a click before hydration would be lost.
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
