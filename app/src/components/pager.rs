//! 上一页 / 下一页 under a paged table.

use leptos::prelude::*;

/// Links to the pages before and after `page` (from 1) of `pages`; `href` gives the
/// address of a page.
#[component]
pub fn Pager(page: u32, pages: u32, href: impl Fn(u32) -> String + 'static) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="分页">
            {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"上一页"</a> })}
            {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">"下一页"</a> })}
        </nav>
    }
}
