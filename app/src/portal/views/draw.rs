//! One task's draw as the public sees it: the commitment before the reveal; after it the
//! seed, strata, selected enterprises, downloads and the button that verifies here.

use super::{hex_groups, page, time, VERIFY_JS};
use crate::domain::plan::TaskRow;
use crate::portal::data::DrawView;
use leptos::prelude::*;

/// The draw page: before the reveal the commitment; after it everything public, and
/// the button that verifies in this browser.
pub fn draw_page(task: &TaskRow, d: &DrawView, verifier_url: &str) -> String {
    let id = task.id;
    let departments = std::iter::once(task.initiating_department.clone())
        .chain(task.joint_departments.iter().filter(|j| **j != task.initiating_department).cloned())
        .collect::<Vec<_>>()
        .join("、");
    let filters = task.filters.in_words(false);
    let window = match &task.adjusted {
        Some(change) => change.label(),
        None => task.window.label(),
    };
    let source = (task.source != crate::domain::plan::TaskSource::Plan).then(|| {
        let label = match task.source {
            crate::domain::plan::TaskSource::Assigned => format!("上级部署（{}）", task.assigned_by),
            _ => "专项检查（不计入年度计划）".to_string(),
        };
        view! { <div><dt>"任务来源"</dt><dd>{label}</dd></div> }
    });
    let status = d.abandoned.as_ref().map(|(at, reason)| view! {
            <p class="notice void" role="note" data-testid="abandoned">
                {format!("本次抽取已作废（{}），理由：{}。作废的抽取仍在此公示，任务须另行冻结名单、重新抽取。", time(at), reason)}
            </p>
    });
    let replaces = d.replaces.map(|old| view! {
        <p class="notice" data-testid="replaces">"本次抽取取代已作废的 "<a href=format!("/public/draws/{old}")>{format!("第 {old} 号抽取")}</a>"。"</p>
    });
    let others: Vec<_> = d.abandoned_draws.iter().filter(|a| a.0 != d.draw_id).cloned().collect();
    let history = (!others.is_empty()).then(|| view! {
        <h2>"已作废的抽取"</h2>
        <ul class="plain">
            {others.into_iter().map(|(draw, drawn_at, at, reason)| view! {
                <li><a href=format!("/public/draws/{draw}")>{format!("第 {draw} 号抽取")}</a>
                    {format!("（抽取于 {}，作废于 {}，理由：{}）", drawn_at.as_deref().map(time).unwrap_or_default(), time(&at), reason)}</li>
            }).collect_view()}
        </ul>
    });
    let frozen = view! {
        {status}
        {replaces}
        <dl class="facts">
            <div><dt>"抽查任务"</dt><dd>{task.task_name.clone()}</dd></div>
            <div><dt>"检查单位"</dt><dd data-testid="draw-departments">{departments}</dd></div>
            {source}
            <div><dt>"抽查时间"</dt><dd data-testid="draw-window">{window}</dd></div>
            <div><dt>"抽查对象范围"</dt><dd data-testid="draw-scope">{if filters.is_empty() { task.scope.clone() } else { format!("{}（{}）", task.scope, filters.join("；")) }}</dd></div>
            <div><dt>"DR1 任务号"</dt><dd><code>{task.draw_task_id()}</code></dd></div>
            <div><dt>"抽查比例"</dt><dd>{task.ratio_bp.label()}</dd></div>
            <div><dt>"名录企业数"</dt><dd>{d.pool_count}</dd></div>
            {(d.excluded.0 > 0).then(|| view! {
                <div><dt>"冻结时排除"</dt><dd data-testid="draw-excluded">{format!("{} 家：{}（名录摘要不含这些企业）", d.excluded.0, d.excluded.1.clone().unwrap_or_default())}</dd></div>
            })}
            <div><dt>"承诺值公布时间"</dt><dd>{time(&d.frozen_at)}</dd></div>
            {(!d.place.is_empty()).then(|| view! { <div><dt>"抽取地点"</dt><dd>{d.place.clone()}</dd></div> })}
        </dl>
        {task.batch_of.map(|(_, k)| view! {
            <p data-testid="batch-rule">{format!("本次为分批抽取的第 {k} 批。")}{crate::domain::batch::RULE}
                {(!d.earlier_batches.is_empty()).then(|| view! {
                    " 前几批："{d.earlier_batches.iter().map(|(j, id)| view! { <a href=format!("/public/tasks/{id}/draw")>{format!("第 {j} 批抽取公告")}</a>" " }).collect_view()}
                })}
            </p>
        })}
        <p class="hash"><span class="lbl">"名录摘要 "</span>{hex_groups(&d.pool_digest)}</p>
        <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&d.commitment)}</p>
    };
    let body = match &d.drawn {
        None => view! {
            <h1>{format!("抽取公告：{}", task.task_name)}</h1>
            {frozen}
            <p class="notice">"尚未抽取。抽取时当场输入的公开随机文本与上方承诺值对应的密钥共同决定结果；抽取后本页公布全部数据。"</p>
            <p><a href=format!("/live/{id}")>"观看抽取直播页"</a></p>
        }
        .into_any(),
        Some(drawn) => {
            let s = &drawn.summary;
            let strata = s
                .strata
                .iter()
                .map(|st| {
                    let bp = s.ratios_bp.get(&st.stratum).copied().unwrap_or(0) as u32;
                    view! {
                        <tr>
                            <th scope="row">{st.stratum.clone()}</th>
                            <td>{st.count}</td>
                            <td>{crate::domain::ratio::Ratio::from_bp(bp).map(|r| r.label()).unwrap_or_default()}</td>
                            <td>{crate::domain::draw::quota(st.count, u64::from(bp))}</td>
                            <td class="hash">{hex_groups(&st.digest)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let selected = s
                .selected
                .iter()
                .zip(&drawn.names)
                .enumerate()
                .map(|(i, (sel, name))| {
                    view! {
                        <li>
                            <span class="n">{i + 1}</span>
                            <a href=format!("/public/enterprises/{}", sel.code)>{name.clone()}</a>
                            <code>{sel.code.clone()}</code>
                            <span class="key" title="键值 H(种子 + 企业代码)">{sel.key.get(..16).unwrap_or("").to_string()}"…"</span>
                        </li>
                    }
                })
                .collect_view();
            let (mode, data_url) = if drawn.manifest_public {
                ("manifest", format!("/api/public/draws/{}/manifest.json", d.draw_id))
            } else {
                ("summary", format!("/public/data/draws/{}/draw.json", d.draw_id))
            };
            let manifest_note = if drawn.manifest_public {
                view! { <a href=format!("/api/public/draws/{}/manifest.json", d.draw_id)>"完整抽取清单（JSON）"</a> }.into_any()
            } else {
                view! {
                    <span>"完整抽取清单含各企业的信用风险分类，不对外公开（纪检监督人员"
                        <a href=format!("/verify/{}", d.draw_id)>"登录后"</a>"可下载复核）。"</span>
                }
                .into_any()
            };
            view! {
                <h1>{format!("抽取结果：{}", task.task_name)}</h1>
                {frozen}
                <dl class="facts">
                    <div><dt>"抽取时间"</dt><dd>{time(&drawn.drawn_at)}</dd></div>
                    <div><dt>"现场公开随机文本"</dt><dd><code>{s.public_entropy.clone()}</code></dd></div>
                </dl>
                <p class="hash"><span class="lbl">"密钥（抽取时揭示） "</span>{hex_groups(&s.secret)}</p>
                <p class="hash seed"><span class="lbl">"种子 "</span>{hex_groups(&s.seed)}</p>
                <h2>"分层（按信用风险分类）"</h2>
                <div class="scroll" role="region" aria-label="分层统计" tabindex="0">
                    <table>
                        <thead><tr><th scope="col">"分层"</th><th scope="col">"企业数"</th><th scope="col">"比例"</th><th scope="col">"应抽"</th><th scope="col">"分层摘要"</th></tr></thead>
                        <tbody>{strata}</tbody>
                    </table>
                </div>
                <h2>{format!("抽中企业（{} 家，按键值排序）", s.selected.len())}</h2>
                <ol class="selected">{selected}</ol>
                <section class="verify" aria-labelledby="vf-h">
                    <h2 id="vf-h">"在本浏览器中复核"</h2>
                    <p>{if drawn.manifest_public {
                        "重新计算名录摘要、种子、每个抽中企业与每个检查组。"
                    } else {
                        "重新计算承诺值、种子、每个抽中企业的键值与排序，以及各分层应抽数量之和。"
                    }}</p>
                    <button type="button" id="verify" data-mode=mode data-src=data_url data-wasm=verifier_url.to_string()>
                        "复核本次抽取"
                    </button>
                    <div id="verify-out" aria-live="polite"></div>
                </section>
                <h2>"下载"</h2>
                <ul class="plain">
                    <li>{manifest_note}</li>
                    <li><a href=format!("/public/data/tasks/{id}/draw.json")>"公开摘要（JSON）"</a>" · "
                        <a href=format!("/public/data/tasks/{id}/draw.csv")>"抽中企业（CSV）"</a></li>
                    <li><a href=format!("/public/data/tasks/{id}/pool.csv")>"抽取名录（CSV，不含风险分类）"</a>" · "
                        <a href=format!("/public/data/tasks/{id}/pool.json")>"JSON"</a></li>
                    <li><a href="/public/verify">"复核工具（粘贴或上传 JSON）"</a></li>
                </ul>
                {history}
                <script type="module" inner_html=VERIFY_JS></script>
            }
            .into_any()
        }
    };
    page(&format!("抽取 · {}", task.task_name), body)
}
