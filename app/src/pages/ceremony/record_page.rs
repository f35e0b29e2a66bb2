//! `/tasks/:id/record`: the printable draw record (抽取记录表), A4 portrait.

use crate::api::ceremony::get_ceremony;
use crate::components::error_view::ErrorBox;
use crate::domain::ceremony::{grouped_hex, CeremonyView};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The record page.
#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_ceremony);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Record v/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Record(v: CeremonyView) -> impl IntoView {
    let l = v.live;
    let hex = |h: &str| grouped_hex(h).join(" ");
    view! {
        <Title text=format!("抽取记录表 · {}", l.task_name)/>
        <article class="record" data-testid="record">
            <h1>"“双随机”抽查抽取记录表"</h1>
            <p class="toolbar no-print"><a class="button" href=format!("/tasks/{}", l.task_id)>"返回任务"</a> " " <button type="button" on:click=|_| print_page()>"打印"</button></p>
            <table class="record-table">
                <tbody>
                    <tr><th>"抽查任务"</th><td colspan="3">{format!("{} {}", l.task_no, l.task_name)}</td></tr>
                    <tr><th>"抽取时间"</th><td>{l.drawn_at.as_deref().map(|t| format!("{}（北京时间）", crate::domain::date::local_time(t))).unwrap_or_else(|| "尚未抽取".into())}</td><th>"抽取地点"</th><td>{l.place.clone()}</td></tr>
                    <tr><th>"检查对象名单"</th><td>{format!("{} 户（冻结于 {}）", l.pool_count, crate::domain::date::local_time(&l.frozen_at))}</td><th>"应抽取"</th><td>{format!("{} 户（{}）", l.to_draw, l.ratio)}</td></tr>
                    <tr><th>"名单摘要"</th><td colspan="3"><code>{hex(&l.pool_digest)}</code></td></tr>
                    <tr><th>"承诺值"</th><td colspan="3"><code>{hex(&l.commitment)}</code></td></tr>
                    <tr><th>"现场随机数"</th><td colspan="3" data-testid="record-entropy">{l.entropy.clone()}</td></tr>
                    <tr><th>"密钥"</th><td colspan="3"><code>{l.secret.as_deref().map(hex).unwrap_or_default()}</code></td></tr>
                    <tr><th>"种子"</th><td colspan="3"><code data-testid="record-seed">{l.seed.as_deref().map(hex).unwrap_or_default()}</code></td></tr>
                </tbody>
            </table>
            <h2>"抽取结果"</h2>
            <table class="record-table record-selected">
                <thead><tr><th>"序号"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"检查组"</th><th>"回避"</th></tr></thead>
                <tbody>
                    {l.selected.iter().enumerate().map(|(i, e)| view! {
                        <tr><td>{i + 1}</td><td>{e.name.clone()}</td><td><code>{e.code.clone()}</code></td><td>{e.team.join("、")}</td>
                            <td>{e.skipped.iter().map(|s| format!("{s}（抽取时回避）")).chain(e.replaced.iter().map(|(a, b)| format!("{a} → {b}（抽取后回避）"))).collect::<Vec<_>>().join("；")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p data-testid="record-observers">{format!("纪检监督：邀请 {}；到场 {}", if v.observers_invited.is_empty() { "—".to_string() } else { v.observers_invited.clone() }, if v.observers_present.is_empty() { "—".to_string() } else { v.observers_present.clone() })}</p>
            // The signatures stay together on one page with the line under them.
            <section class="record-sign">
            <h2>"在场人员"</h2>
            <table class="record-table signatures">
                <thead><tr><th>"身份"</th><th>"姓名"</th><th>"单位"</th><th>"签字"</th></tr></thead>
                <tbody>
                    {["主持人（经办人）", "监督人员（纪检）", "监督人员（纪检）", "处室负责人", "其他在场人员", "其他在场人员"].into_iter().map(|r| view! {
                        <tr><td>{r}</td><td></td><td></td><td></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="record-note">{format!("任何人无需登录即可在 {} 查看本次抽取并独立验证。", v.verify_url.clone().unwrap_or_default())}</p>
            </section>
        </article>
    }
    .into_any()
}

/// Opens the browser's print dialog (a handler, not an inline `onclick`: the page's
/// Content-Security-Policy allows no inline script).
pub(super) fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}
