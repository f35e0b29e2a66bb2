//! Published results: the search page, a task's results, and the result card and search
//! form the other pages reuse.

use super::page;
use crate::domain::plan::TaskRow;
use crate::portal::data::ResultRow;
use leptos::prelude::*;

/// The search page: a form, and the published results that match. `drawn` is the
/// enterprise (code, name) whose credit code was searched when it has no published result
/// but took part in a public draw: its own page says so.
pub fn results_page(q: &str, results: &[ResultRow], limit: usize, drawn: Option<(&str, &str)>) -> String {
    let q = q.trim();
    let outcome = if q.is_empty() {
        view! { <p class="empty">"输入企业名称中的字词或统一社会信用代码查询已公示的抽查结果。"</p> }
            .into_any()
    } else if results.is_empty() {
        let link = drawn.map(|(code, name)| {
            view! {
                <p data-testid="enterprise-link">{format!("{name}（{code}）参与过公开的抽取，尚无已公示的检查结果：")}
                    <a href=format!("/public/enterprises/{code}")>"查看该企业的抽取记录"</a></p>
            }
        });
        view! { <p class="empty" role="status">{format!("没有找到与“{q}”相关的已公示结果。")}</p>{link} }
            .into_any()
    } else {
        let more = (results.len() >= limit).then(
            || view! { <p class="meta">{format!("只显示前 {limit} 条，请输入更完整的名称或代码。")}</p> },
        );
        view! {
            <h2>{format!("找到 {} 条已公示结果", results.len())}</h2>
            {results_list(results, true)}
            {more}
        }
        .into_any()
    };
    page(
        if q.is_empty() { "结果查询" } else { "查询结果" },
        view! {
            <h1>"抽查结果查询"</h1>
            {search_form(q)}
            {outcome}
        },
    )
}

/// A task's published results.
pub fn task_results_page(task: &TaskRow, results: &[ResultRow], due: Option<&str>) -> String {
    let id = task.id;
    let deadline = due
        .map(|d| format!("每户结果在检查之日起 20 个工作日内逐户审核公示；本任务全部结果应于 {d} 前公示。"))
        .unwrap_or_default();
    let empty = results.is_empty().then(
        || view! { <p class="empty">"本任务尚无已公示的检查结果：结果经处室负责人逐户审核后公示。"</p> },
    );
    page(
        &format!("抽查结果 · {}", task.task_name),
        view! {
            <h1>{format!("抽查结果公示：{}", task.task_name)}</h1>
            <p>{format!("检查单位：{}；抽查事项：{}。{deadline}", task.initiating_department, task.items)}</p>
            <p><a href=format!("/public/tasks/{id}/draw")>"查看本任务的抽取与复核"</a>" · "
                <a href=format!("/public/data/tasks/{id}/results.csv")>"CSV"</a>" · "
                <a href=format!("/public/data/tasks/{id}/results.json")>"JSON"</a></p>
            <h2>{format!("已公示结果（{} 条）", results.len())}</h2>
            {empty}
            <div data-testid="public-results">{results_list(results, false)}</div>
        },
    )
}

/// One published result: unit, time, method, content, result, handling, on time.
fn result_card(r: &ResultRow, with_task: bool) -> impl IntoView {
    let res = &r.result;
    // With several items, each item's verdict on its own line.
    let found = if res.verdicts.len() > 1 {
        let lines = res
            .verdicts
            .iter()
            .map(|v| view! { <li><b>{v.item.clone()}</b>{format!("：{}", v.in_words())}</li> });
        view! { <ul class="verdicts" data-testid="public-verdicts">{lines.collect_view()}</ul> }.into_any()
    } else if res.problems.is_empty() {
        res.categories.join("、").into_any()
    } else {
        format!("{}：{}", res.categories.join("、"), res.problems).into_any()
    };
    let handling = res.handling_in_words();
    let corrected = res.corrected_on.clone().map(|on| {
        view! { <p class="corrected" data-testid="corrected">{format!("已更正（{on}）：{}", res.correction_reason)}</p> }
    });
    let flag = match r.on_time {
        Some(true) => Some(view! { <span class="ok">"按时公示"</span> }.into_any()),
        Some(false) => Some(view! { <span class="late">"逾期公示"</span> }.into_any()),
        None => None,
    };
    let task = with_task.then(|| {
        view! {
            <div><dt>"抽查任务"</dt><dd><a href=format!("/public/tasks/{}/results", r.task_id)>{r.task_name.clone()}</a></dd></div>
        }
    });
    view! {
        <article class="card result" data-code=res.code.clone()>
            <h3><a href=format!("/public/enterprises/{}", res.code)>{res.name.clone()}</a></h3>
            <p class="code">{res.code.clone()}</p>
            {corrected}
            <dl>
                {task}
                <div><dt>"检查单位"</dt><dd>{r.department.clone()}</dd></div>
                <div><dt>"检查时间"</dt><dd>{res.inspected_on.clone()}</dd></div>
                <div><dt>"检查方式"</dt><dd>{res.method.clone()}</dd></div>
                <div><dt>"检查内容"</dt><dd>{r.items.clone()}</dd></div>
                <div><dt>"检查结果"</dt><dd>{found}</dd></div>
                <div><dt>"后续处置"</dt><dd>{handling}</dd></div>
                <div><dt>"公示日期"</dt><dd data-testid="on-time">{res.published_on.clone()}" "{flag}</dd></div>
            </dl>
        </article>
    }
}

pub(super) fn results_list(results: &[ResultRow], with_task: bool) -> impl IntoView {
    results.iter().map(|r| result_card(r, with_task)).collect_view()
}

pub(super) fn search_form(q: &str) -> impl IntoView {
    view! {
        <form class="search" action="/public/results" method="get" role="search">
            <label for="q">"企业名称或统一社会信用代码"</label>
            <div class="row">
                <input id="q" name="q" type="search" value=q.to_string() autocomplete="off" enterkeyhint="search"
                    placeholder="如：加油站 或 91130402…"/>
                <button type="submit">"查询"</button>
            </div>
        </form>
    }
}
