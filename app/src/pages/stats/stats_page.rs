//! `/stats`: a year's figures per task and per department, four charts (each with its
//! numbers in a table under it), and the downloads (statistics, 台账, annual summary). The
//! filters are a GET form, so every view has its own address and works before the WASM.

use super::{filter_query, StatsTable};
use crate::api::stats::get_stats;
use crate::charts;
use crate::components::error_view::ErrorBox;
use crate::domain::plan::TaskSource;
use crate::domain::stats::{StatsFilter, StatsPage as Figures, OUTCOMES};
use crate::domain::stats_tables as tables;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The statistics page.
#[component]
pub fn StatsPage() -> impl IntoView {
    let query = use_query_map();
    let current =
        move || query.with(|m| StatsFilter::from_pairs(m.latest_values().map(|(k, v)| (k.as_ref(), v))));
    let data = Resource::new(current, get_stats);
    view! {
        <Title text="统计与台账"/>
        <h1>"统计与台账"</h1>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Filters page=page.clone()/><Body page/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The filter form.
#[component]
fn Filters(page: Figures) -> impl IntoView {
    let f = page.stats.filter.clone();
    let option = |value: String, label: String, selected: bool| view! { <option value=value selected=selected>{label}</option> };
    let months = move |chosen: u32| {
        (1..=12u32).map(|m| option(m.to_string(), format!("{m} 月"), m == chosen)).collect_view()
    };
    view! {
        <form class="filters" method="get" action="/stats" role="search" data-testid="stats-filters">
            <label class="field small"><span>"年度"</span>
                <select name="year">{page.years.iter().map(|y| option(y.to_string(), format!("{y} 年"), i64::from(f.year) == *y)).collect_view()}</select></label>
            <label class="field small"><span>"发起部门"</span>
                <select name="department"><option value="">"全部"</option>
                    {page.departments.iter().map(|(id, name)| option(id.clone(), name.clone(), *id == f.department)).collect_view()}</select></label>
            <label class="field small"><span>"任务来源"</span>
                <select name="source"><option value="">"全部"</option>
                    {TaskSource::ALL.iter().map(|s| option(s.code().into(), s.label().into(), s.code() == f.source)).collect_view()}</select></label>
            <label class="field small"><span>"抽查时间从"</span><select name="from">{months(f.from_month)}</select></label>
            <label class="field small"><span>"至"</span><select name="to">{months(f.to_month)}</select></label>
            <div class="actions"><button type="submit">{labels::APPLY_FILTER}</button> <a href="/stats">"清除"</a></div>
        </form>
        <p class="note">"按任务的发起部门统计；抽查时间为任务（调整后的）抽查时间与所选月份相交。各数为被抽中的企业户数：已检查＝已录入检查结果，已录入＝结果未被退回，已审核＝审核通过，已公示＝结果已公示；按时公示＝检查之日起 20 个工作日内公示。计划抽查数为冻结名单后按抽查比例应抽取的户数（未冻结的任务为 0）。批次：任务尚未分批，均为一批。"</p>
    }
}

/// The figures, charts and downloads.
#[component]
fn Body(page: Figures) -> impl IntoView {
    let s = page.stats;
    let q = filter_query(&s.filter);
    let t = s.totals.clone();
    view! {
        <p class="toolbar" data-testid="stats-downloads">
            <a rel="external" download href=format!("/stats/export.xlsx?{q}")>"统计表 Excel"</a>" · "
            <a rel="external" download href=format!("/stats/ledger.xlsx?{q}")>"台账 Excel"</a>" · "
            <a rel="external" download href=format!("/stats/ledger.csv?{q}")>"台账 CSV"</a>" · "
            <a href=format!("/stats/summary?{q}")>"年度工作总结表（打印）"</a>
        </p>
        <ul class="stat-cards" data-testid="stats-totals">
            <li><b>{t.tasks}</b>"项任务"</li>
            <li><b>{t.planned}</b>"计划抽查"</li>
            <li><b>{t.drawn}</b>"实际抽取"</li>
            <li><b>{t.inspected}</b>"已检查"</li>
            <li><b>{t.published}</b>"已公示"</li>
            <li><b>{t.completion()}</b>"完成率"</li>
            <li><b>{t.problem_rate()}</b>"问题发现率"</li>
            <li><b>{t.on_time_rate()}</b>"按时公示率"</li>
        </ul>
        <h2>"按任务"</h2>
        <StatsTable table=tables::by_task(&s)/>
        <Charts s=s.clone()/>
        <h2>"检查结果"</h2>
        <StatsTable table=tables::results(&s)/>
        <h2>"后续处置"</h2>
        <StatsTable table=tables::follow_ups(&s)/>
        <h2>"回避与执法人员工作量"</h2>
        <StatsTable table=tables::recusals_and_load(&s)/>
    }
}

/// A chart, then its numbers.
#[component]
fn Chart(title: &'static str, svg: String, table: tables::Table) -> impl IntoView {
    view! {
        <section class="chart-box" data-testid="chart">
            <h2>{title}</h2>
            <div class="chart-svg" inner_html=svg></div>
            <StatsTable table/>
        </section>
    }
}

/// The four charts.
#[component]
fn Charts(s: crate::domain::stats::Stats) -> impl IntoView {
    let months: Vec<String> = s.months.iter().map(|m| m.month.to_string()).collect();
    let values: Vec<Vec<i64>> = s.months.iter().map(|m| m.outcomes.to_vec()).collect();
    let monthly = charts::stacked_bars("每月检查户数（按检查结果）", &months, &OUTCOMES, &values);
    let funnel_items: Vec<(String, i64)> =
        [("实际抽取", s.totals.drawn), ("已检查", s.totals.inspected), ("已公示", s.totals.published)]
            .iter()
            .map(|(l, n)| (l.to_string(), *n))
            .collect();
    let funnel = charts::bars("完成情况：抽取 → 检查 → 公示", &funnel_items, true);
    let names: Vec<String> = s.departments.iter().map(|d| d.name.clone()).collect();
    let split: Vec<Vec<i64>> =
        s.departments.iter().map(|d| vec![d.counts.published, d.counts.drawn - d.counts.published]).collect();
    let departments =
        charts::stacked_bars("各部门抽取户数（已公示 / 未公示）", &names, &["已公示", "未公示"], &split);
    let load_items: Vec<(String, i64)> =
        s.workload.histogram.iter().map(|t| (format!("承担 {} 户", t.label), t.count)).collect();
    let load = charts::bars("执法人员工作量分布（人数）", &load_items, false);
    view! {
        <div class="charts">
            <Chart title="每月检查" svg=monthly table=tables::months(&s)/>
            <Chart title="完成情况" svg=funnel table=tables::funnel(&s)/>
            <Chart title="按部门" svg=departments table=tables::by_department(&s)/>
            <Chart title="执法人员工作量" svg=load table=tables::load_histogram(&s)/>
        </div>
    }
    .into_any()
}
