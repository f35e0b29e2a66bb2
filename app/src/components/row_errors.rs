//! The rejected rows of an import, by row, column and reason.

use crate::domain::import::RowError;
use leptos::prelude::*;

/// A table of an import's row errors, in the order given.
#[component]
pub fn RowErrors(errors: Vec<RowError>) -> impl IntoView {
    view! {
        <table class="compact" data-testid="import-errors">
            <thead><tr><th>"行"</th><th>"列"</th><th>"问题"</th></tr></thead>
            <tbody>
                {errors.into_iter().map(|e| view! { <tr><td>{e.row}</td><td>{e.column}</td><td>{e.message}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}
