//! One enterprise by credit code: the public draws that held it and its published results.

use super::results::results_list;
use super::{date, page};
use crate::portal::data::EnterpriseRecord;
use leptos::prelude::*;

/// “Was I drawn, and what was found?”
pub fn enterprise_page(e: &EnterpriseRecord) -> String {
    let draws = e
        .draws
        .iter()
        .map(|(id, task, at, selected)| {
            let verdict = if *selected { "被抽中" } else { "在抽取名录中，未被抽中" };
            view! {
                <li><a href=format!("/public/tasks/{id}/draw")>{task.clone()}</a>
                    <span class="meta">{format!(" {} 抽取：", date(at))}</span><strong>{verdict}</strong></li>
            }
        })
        .collect_view();
    let results = if e.results.is_empty() {
        view! { <p class="empty">"暂无公示的检查结果（检查中或尚未公示）。"</p> }.into_any()
    } else {
        results_list(&e.results, true).into_any()
    };
    page(
        &e.name,
        view! {
            <h1>{e.name.clone()}</h1>
            <p class="code">{e.code.clone()}</p>
            <h2>"参与的抽取"</h2>
            <ul class="plain">{draws}</ul>
            <h2>"检查结果"</h2>
            {results}
        },
    )
}
