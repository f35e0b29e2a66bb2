//! The open data index: every plan, draw and result file the portal publishes.

use super::page;
use leptos::prelude::*;

/// The open data index.
pub fn data_page(years: &[i32], tasks: &[(i64, String, bool, bool)]) -> String {
    page(
        "开放数据",
        view! {
            <h1>"开放数据"</h1>
            <p>"以下地址长期不变，每个文件均有 CSV（UTF-8，带 BOM，Excel 可直接打开）与 JSON 两种格式。抽取数据不含企业的信用风险分类。"</p>
            <h2>"年度计划"</h2>
            <ul class="plain">
                {years.iter().map(|y| view! {
                    <li>{format!("{y} 年度：")}<a href=format!("/public/data/plans/{y}.csv")>"CSV"</a>" · "<a href=format!("/public/data/plans/{y}.json")>"JSON"</a></li>
                }).collect_view()}
            </ul>
            <h2>"行政处罚信息"</h2>
            <ul class="plain">
                <li>"公示期内的行政处罚决定："<a href="/public/data/penalties.csv">"CSV"</a>" · "<a href="/public/data/penalties.json">"JSON"</a></li>
            </ul>
            <h2>"抽取与结果"</h2>
            <ul class="plain">
                {tasks.iter().map(|(id, name, drawn, published)| view! {
                    <li>{name.clone()}"："
                        {drawn.then(|| view! {
                            "抽中企业 "<a href=format!("/public/data/tasks/{id}/draw.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/draw.json")>"JSON"</a>
                            "；名录 "<a href=format!("/public/data/tasks/{id}/pool.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/pool.json")>"JSON"</a>
                        })}
                        {(!drawn).then_some("尚未抽取，抽取后在此公布抽中企业与名录")}
                        {(*drawn && !published).then_some("；结果尚未公示")}
                        {published.then(|| view! {
                            "；结果 "<a href=format!("/public/data/tasks/{id}/results.csv")>"CSV"</a>" · "<a href=format!("/public/data/tasks/{id}/results.json")>"JSON"</a>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        },
    )
}
