//! `/live/:task_id`: a draw ceremony followed on a phone, without signing in. Rendered on
//! the server with the current state, then kept in step by server-sent events.

use crate::api::ceremony::get_live;
use crate::components::error_view::ErrorBox;
use crate::domain::ceremony::{grouped_hex, LiveState, STEPS};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The observers' page.
#[component]
pub fn LivePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("task_id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_live);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(s) => view! { <Live initial=s/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Live(initial: LiveState) -> impl IntoView {
    let state = RwSignal::new(initial.clone());
    let connected = RwSignal::new(false);
    follow(initial.task_id, state, connected);
    let hex = |h: &str| grouped_hex(h).join(" ");
    view! {
        <Title text=format!("抽取直播 · {}", initial.task_name)/>
        <div class="live" data-testid="live" data-step=move || state.with(|s| s.step.to_string())>
            <h1>{format!("{} {}", initial.task_no, initial.task_name)}</h1>
            <p class="live-step" data-testid="live-step">
                {move || state.with(|s| if s.step == 0 { if s.drawn() { "已抽取".to_string() } else { "等待开始".to_string() } } else { format!("第 {} 步 / 共 5 步：{}", s.step, STEPS[s.step as usize - 1]) })}
                <span class="live-dot" data-testid="live-connected" data-on=move || connected.get().to_string()>
                    {move || if connected.get() { " · 实时同步中" } else { "" }}
                </span>
            </p>
            <dl class="facts">
                <dt>"名单"</dt><dd>{move || state.with(|s| format!("{} 户，应抽取 {} 户（{}）", s.pool_count, s.to_draw, s.ratio))}</dd>
                <dt>"名单摘要"</dt><dd><code>{move || state.with(|s| hex(&s.pool_digest))}</code></dd>
                <dt>"承诺值"</dt><dd><code>{move || state.with(|s| hex(&s.commitment))}</code>{move || state.with(|s| format!("（{} 公布）", s.frozen_at))}</dd>
                <dt>"现场随机数"</dt><dd data-testid="live-entropy">{move || state.with(|s| s.entropy.clone())}</dd>
                <dt>"密钥"</dt><dd><code>{move || state.with(|s| s.secret.as_deref().map(hex).unwrap_or_else(|| "抽取时揭示".into()))}</code></dd>
                <dt>"种子"</dt><dd><code data-testid="live-seed" data-hex=move || state.with(|s| s.seed.clone().unwrap_or_default())>{move || state.with(|s| s.seed.as_deref().map(hex).unwrap_or_else(|| "—".into()))}</code></dd>
            </dl>
            {move || state.with(|s| (s.drawn() && (s.step == 0 || s.step >= 4)).then(|| view! {
                <h2>{format!("抽中 {} 户", s.selected.len())}</h2>
                <ol class="live-drawn" data-testid="live-drawn">
                    {s.selected.iter().map(|e| view! {
                        <li>
                            <strong>{e.name.clone()}</strong><br/><code>{e.code.clone()}</code><br/>{format!("检查组：{}", e.team.join("、"))}
                            {(!e.skipped.is_empty()).then(|| view! { <br/>{format!("抽取时回避：{}", e.skipped.join("、"))} })}
                            {e.replaced.iter().map(|(a, b)| view! { <br/>{format!("抽取后回避：{a} → {b}")} }).collect_view()}
                        </li>
                    }).collect_view()}
                </ol>
                <p><a href=format!("/verify/{}", s.draw_id)>"在本机独立验证这次抽取"</a></p>
            }))}
        </div>
    }
    .into_any()
}

/// Subscribes to the task's live stream (in the browser) and replaces the state with each
/// event's. The browser's EventSource reconnects by itself; the stream restarts with the
/// current state.
fn follow(task_id: i64, state: RwSignal<LiveState>, connected: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::closure::Closure;
        use leptos::wasm_bindgen::JsCast;
        let Ok(source) = web_sys::EventSource::new(&format!("/api/public/tasks/{task_id}/live")) else {
            return;
        };
        let on_state = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                if let Ok(s) = serde_json::from_str::<LiveState>(&text) {
                    connected.set(true);
                    state.set(s);
                }
            }
        });
        let _ = source.add_event_listener_with_callback("state", on_state.as_ref().unchecked_ref());
        on_state.forget();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| connected.set(false));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        // Closed when the page goes away.
        on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (task_id, state, connected);
}
