//! `/stats/summary`: 年度工作总结表 — the annual plan's tasks against what happened, one
//! printable A4 page (the same table is a sheet of the statistics workbook).

use super::{filter_query, StatsTable};
use crate::api::stats::get_stats;
use crate::components::error_view::ErrorBox;
use crate::domain::stats::{StatsFilter, StatsPage as Figures};
use crate::domain::stats_tables::summary;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The annual summary page.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let query = use_query_map();
    let current = move || {
        let mut f = query.with(|m| StatsFilter::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))));
        // Only the plan's own tasks (专项检查不计入本计划).
        f.source = "plan".into();
        f
    };
    let data = Resource::new(current, get_stats);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Summary page/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Summary(page: Figures) -> impl IntoView {
    let department = page.department_name();
    let s = page.stats;
    let t = s.totals.clone();
    let title = format!("{} 年度“双随机、一公开”抽查工作总结表", s.filter.year);
    let back = format!("/stats?{}", filter_query(&s.filter));
    view! {
        <Title text=title.clone()/>
        <article class="record summary" data-testid="summary">
            <h1>{title}</h1>
            <p class="toolbar no-print"><a class="button" href=back>"返回统计"</a></p>
            <p>{s.filter.in_words(&department).into_iter().map(|(k, v)| format!("{k}：{v}")).collect::<Vec<_>>().join("；")}</p>
            <StatsTable table=summary(&s)/>
            <p data-testid="summary-words">{format!(
                "计划内任务 {} 项，计划抽查 {} 户，实际抽取 {} 户，已检查 {} 户，已公示 {} 户（完成率 {}），其中按时公示 {} 户（按时公示率 {}）；发现问题 {} 户（问题发现率 {}）。",
                t.tasks, t.planned, t.drawn, t.inspected, t.published, t.completion(), t.on_time, t.on_time_rate(), t.problems, t.problem_rate()
            )}</p>
            <table class="record-table signatures">
                <tbody><tr><th>"填表人"</th><td></td><th>"审核人"</th><td></td><th>"日期"</th><td></td></tr></tbody>
            </table>
        </article>
    }
}
