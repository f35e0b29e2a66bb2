//! 统计: the year's figures with charts, the downloads, and the annual summary.

pub mod stats_page;
pub mod summary_page;

use crate::domain::stats::StatsFilter;
use crate::domain::stats_tables::Table;
use leptos::prelude::*;

/// `year=…&department=…` carrying `f` to a link or a download.
pub fn filter_query(f: &StatsFilter) -> String {
    let mut q = format!("year={}", f.year);
    for (k, v) in [("department", &f.department), ("source", &f.source)] {
        if !v.is_empty() {
            q.push_str(&format!("&{k}={}", crate::url::urlencode(v)));
        }
    }
    if (f.from_month, f.to_month) != (1, 12) {
        q.push_str(&format!("&from={}&to={}", f.from_month, f.to_month));
    }
    q
}

/// A table of text cells, the last row marked when it is a total.
#[component]
pub fn StatsTable(table: Table, #[prop(optional)] caption: bool) -> impl IntoView {
    let testid = format!("table-{}", table.title);
    view! {
        <div class="table-wrap">
            <table class="stats-table" data-testid=testid>
                {caption.then(|| view! { <caption>{table.title.clone()}</caption> })}
                <thead><tr>{table.headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {table.rows.into_iter().map(|r| {
                        let total = r.first().is_some_and(|c| c == "合计");
                        view! { <tr class:total=total>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
