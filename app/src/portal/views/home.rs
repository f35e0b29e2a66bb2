//! The portal's front page: the year's plan, draws waiting with their commitments, recent
//! draws and the newest results.

use super::plan::task_links;
use super::results::{results_list, search_form};
use super::{date, hex_groups, page, time};
use crate::domain::plan::AnnualPlan;
use crate::portal::data::{ResultRow, Upcoming};
use leptos::prelude::*;

/// Home: the year's plan, upcoming draws with their commitments, recent draws and results.
pub fn home(
    plan: Option<&AnnualPlan>,
    upcoming: &[Upcoming],
    draws: &[(i64, String, String, i64)],
    results: &[ResultRow],
) -> String {
    let plan_part = match plan {
        Some(p) => view! {
            <section aria-labelledby="plan-h">
                <h2 id="plan-h">{format!("{} 年度抽查计划", p.year)}</h2>
                <ul class="tasks">
                    {p.tasks.iter().map(|t| view! {
                        <li class="card">
                            <strong>{t.task_name.clone()}</strong>
                            <span class="meta">{format!("{} · {} · 比例 {}", t.window.label(), t.initiating_department, t.ratio_bp.label())}</span>
                            {task_links(t)}
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href=format!("/public/plans/{}", p.year)>"查看完整计划表与日历"</a></p>
            </section>
        }
        .into_any(),
        None => view! { <p class="empty">"尚无公开的抽查计划。"</p> }.into_any(),
    };
    let upcoming_part = if upcoming.is_empty() {
        view! { <p class="empty">"目前没有待抽取的任务。"</p> }.into_any()
    } else {
        upcoming
            .iter()
            .map(|u| {
                view! {
                    <article class="card">
                        <h3><a href=format!("/public/tasks/{}/draw", u.task_id)>{u.task_name.clone()}</a></h3>
                        <p>{format!("名录 {} 家，{} 冻结并公布承诺值", u.pool_count, time(&u.frozen_at))}</p>
                        <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&u.commitment)}</p>
                    </article>
                }
            })
            .collect_view()
            .into_any()
    };
    let draws_part = if draws.is_empty() {
        view! { <p class="empty">"尚无已完成的抽取。"</p> }.into_any()
    } else {
        view! {
            <ul class="plain">
                {draws.iter().map(|(id, name, at, n)| view! {
                    <li><a href=format!("/public/tasks/{id}/draw")>{name.clone()}</a>
                        <span class="meta">{format!(" {} 抽取，抽中 {n} 家", date(at))}</span></li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let results_part = if results.is_empty() {
        view! { <p class="empty">"尚无公示的检查结果。"</p> }.into_any()
    } else {
        results_list(results, true).into_any()
    };
    let year = plan.map(|p| p.year.to_string()).unwrap_or_default();
    page(
        "",
        view! {
            <h1>"随机抽查公示"</h1>
            <p class="lead">"抽查对象与执法人员随机抽取，抽取过程可复核，检查结果依法公示。"</p>
            {search_form("")}
            {plan_part}
            <section aria-labelledby="up-h">
                <h2 id="up-h">"待抽取（已公布承诺值）"</h2>
                {upcoming_part}
            </section>
            <section aria-labelledby="dr-h">
                <h2 id="dr-h">"最近的抽取"</h2>
                {draws_part}
            </section>
            <section aria-labelledby="rs-h">
                <h2 id="rs-h">"最近公示的检查结果"</h2>
                {results_part}
            </section>
            <p class="meta">{(!year.is_empty()).then(|| format!("计划年度 {year}"))}</p>
        },
    )
}
