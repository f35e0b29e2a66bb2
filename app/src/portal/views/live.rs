//! The ceremony followed on a phone, kept in step by the live stream.

use super::{hex_groups, page, time, LIVE_JS};
use leptos::prelude::*;

/// The ceremony followed on a phone (the QR on the room's screen opens this): the state
/// now, kept in step by the live stream. No inspector is named here.
pub fn live_page(s: &crate::domain::ceremony::LiveState) -> String {
    use crate::domain::ceremony::STEPS;
    let step = if s.step == 0 {
        if s.drawn() {
            "已抽取".to_string()
        } else {
            "等待开始".to_string()
        }
    } else {
        format!("第 {} 步 / 共 5 步：{}", s.step, STEPS[s.step as usize - 1])
    };
    let steps = serde_json::to_string(&STEPS).unwrap_or_default();
    let show_drawn = s.drawn() && (s.step == 0 || s.step >= 4);
    let drawn = s
        .selected
        .iter()
        .filter(|_| show_drawn)
        .map(|e| view! { <li><strong>{e.name.clone()}</strong><br/><code>{e.code.clone()}</code></li> })
        .collect_view();
    page(
        &format!("抽取直播 · {}", s.task_name),
        view! {
            <div class="live" data-testid="live" data-step=s.step.to_string() data-task=s.task_id.to_string()
                data-steps=steps>
                <h1>{format!("抽取直播：{} {}", s.task_no, s.task_name)}</h1>
                <p class="live-step" aria-live="polite">
                    <span id="live-step" data-testid="live-step">{step}</span>
                    <span data-testid="live-connected" data-on="false" id="live-connected"></span>
                </p>
                <dl class="facts">
                    <div><dt>"名录"</dt><dd>{format!("{} 家，应抽取 {} 家（{}）", s.pool_count, s.to_draw, s.ratio)}</dd></div>
                    <div><dt>"承诺值公布"</dt><dd>{time(&s.frozen_at)}</dd></div>
                </dl>
                <p class="hash"><span class="lbl">"名录摘要 "</span>{hex_groups(&s.pool_digest)}</p>
                <p class="hash"><span class="lbl">"承诺值 "</span>{hex_groups(&s.commitment)}</p>
                <p class="hash"><span class="lbl">"现场随机文本 "</span><span id="live-entropy" data-testid="live-entropy">{s.entropy.clone()}</span></p>
                <p class="hash"><span class="lbl">"密钥 "</span><span id="live-secret">{s.secret.as_deref().map(hex_groups).unwrap_or_else(|| "抽取时揭示".into())}</span></p>
                <p class="hash seed"><span class="lbl">"种子 "</span><span id="live-seed" data-testid="live-seed"
                    data-hex=s.seed.clone().unwrap_or_default()>{s.seed.as_deref().map(hex_groups).unwrap_or_else(|| "—".into())}</span></p>
                <h2 id="live-count" hidden=!show_drawn>{format!("抽中 {} 家", s.selected.len())}</h2>
                <ol class="selected" id="live-drawn" data-testid="live-drawn">{drawn}</ol>
                <p id="live-after" hidden=!s.drawn()><a href=format!("/public/tasks/{}/draw", s.task_id)>"抽取公示与复核"</a></p>
            </div>
            <script type="module" inner_html=LIVE_JS></script>
        },
    )
}
