//! `/tasks/:id/ceremony`: the draw on the meeting room's projector. Full screen, large
//! type, driven by the keyboard: Space or Enter moves on, Esc leaves. Every step is stored
//! on the server (so a reopened screen resumes) and broadcast to the observers' phones.
//! The animation only shows what the server already drew; skipping it changes nothing.

use crate::api::ceremony::{ceremony_entropy, ceremony_step, get_ceremony};
use crate::components::error_view::ErrorBox;
use crate::components::waiting::Waiting;
use crate::domain::ceremony::{entropy_status, grouped_hex, to_ascii, CeremonyView, LAST_STEP, STEPS};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The ceremony page.
#[component]
pub fn CeremonyPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_ceremony);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Screen initial=v/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The hex of a seed, secret or digest in groups of four for reading aloud.
#[component]
fn Hex(hex: String, #[prop(optional)] testid: &'static str) -> impl IntoView {
    view! {
        <div class="cer-hex" data-testid=testid data-hex=hex.clone()>
            {grouped_hex(&hex).into_iter().map(|line| view! { <div>{line}</div> }).collect_view()}
        </div>
    }
}

#[component]
fn Screen(initial: CeremonyView) -> impl IntoView {
    let task_id = initial.live.task_id;
    let view_sig = RwSignal::new(initial.clone());
    let step = Memo::new(move |_| view_sig.with(|v| v.live.step));
    let entropy = RwSignal::new(to_ascii(&initial.live.entropy));
    let place = RwSignal::new(initial.live.place.clone());
    let confirming = RwSignal::new(false);
    // Enter pressed on an entropy the draw would refuse: its status line becomes the error.
    let entropy_tried = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // The animation: how many enterprises have landed, and the name spinning now.
    // (The selection is known only once drawn: count it when needed, not at load.)
    let total = move || view_sig.with_untracked(|v| v.live.selected.len());
    let landed = RwSignal::new(if initial.live.step >= 4 { initial.live.selected.len() } else { 0 });
    let spinning = RwSignal::new(String::new());

    let advance = Action::new(move |(to, place, entropy): &(u8, String, String)| {
        let (to, place, entropy) = (*to, place.clone(), entropy.clone());
        async move {
            ceremony_step(task_id, to, place, entropy).await?;
            get_ceremony(task_id).await
        }
    });
    Effect::new(move |_| match advance.value().get() {
        Some(Ok(v)) => {
            problem.set(None);
            confirming.set(false);
            let to = v.live.step;
            view_sig.set(v);
            if to == 4 {
                start_animation(view_sig, landed, spinning);
            }
        }
        Some(Err(e)) => {
            confirming.set(false);
            problem.set(Some(e.to_string()));
        }
        None => {}
    });
    // What the room types is shown to observers as it is typed: one request at a time, the
    // newest text last, so a slow answer never shows an older text after a newer one.
    let typed = Action::new(move |text: &String| ceremony_entropy(task_id, text.clone()));
    let sent = RwSignal::new(entropy.get_untracked());
    Effect::new(move |_| {
        let busy = typed.pending().get();
        let now = entropy.get();
        if !busy && step.get() == 2 && now != sent.get_untracked() {
            sent.set(now.clone());
            typed.dispatch(now);
        }
    });

    let go = move |to: u8| {
        if !advance.pending().get_untracked() {
            advance.dispatch((to, place.get_untracked(), entropy.get_untracked()));
        }
    };
    // The draw itself (step 2 → 3) is the one step that may take seconds: a province-size
    // pool is hashed entry by entry. The screen says so while it waits.
    let drawing = move || {
        advance.pending().get() && advance.input().with(|i| i.as_ref().is_some_and(|(to, _, _)| *to == 3))
    };
    let can_run = initial.can_run;
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        let in_field = ev
            .target()
            .and_then(|t| wasm_target_tag(&t))
            .is_some_and(|tag| tag == "INPUT" || tag == "TEXTAREA");
        if key == "Escape" {
            if confirming.get_untracked() {
                confirming.set(false);
            } else {
                leave(task_id);
            }
            return;
        }
        if !can_run || !(key == "Enter" || key == " ") || (key == " " && in_field) {
            return;
        }
        ev.prevent_default();
        let now = step.get_untracked();
        let drawn = view_sig.with_untracked(|v| v.live.drawn());
        match now {
            2 if !drawn => match entropy_status(&entropy.get_untracked()) {
                Err(_) => entropy_tried.set(true),
                Ok(_) if !confirming.get_untracked() => confirming.set(true),
                Ok(_) => go(3),
            },
            4 if landed.get_untracked() < total() => {
                landed.set(total()); // skip the animation to the result
            }
            s if s < LAST_STEP => go(s + 1),
            _ => {}
        }
    });

    let seed = move || view_sig.with(|v| v.live.seed.clone());
    view! {
        <Title text=format!("抽取现场 · {}", initial.live.task_name)/>
        <div class="ceremony" data-testid="ceremony" data-step=move || step.get().to_string()>
            <div class="cer-bar">
                <span class="cer-task">{format!("{} {}", initial.live.task_no, initial.live.task_name)}</span>
                <span class="cer-steps" data-testid="cer-step">
                    {move || {
                        let s = step.get();
                        if s == 0 { "等待开始".to_string() } else { format!("第 {s} 步 / 共 5 步：{}", STEPS[s as usize - 1]) }
                    }}
                </span>
                {move || seed().map(|s| view! { <span class="cer-seed-bar" title="种子">"种子 " {grouped_hex(&s).join(" ")}</span> })}
            </div>
            <div class="cer-body">
                {move || match step.get() {
                    0 | 1 => view! { <StepTask v=view_sig place can_run/> }.into_any(),
                    2 if !view_sig.with(|v| v.live.drawn()) => view! { <StepEntropy entropy confirming tried=entropy_tried can_run/> }.into_any(),
                    2 | 3 => view! { <StepSeed v=view_sig/> }.into_any(),
                    4 => view! { <StepAnimation v=view_sig landed spinning/> }.into_any(),
                    _ => view! { <StepResult v=view_sig/> }.into_any(),
                }}
                {move || drawing().then(|| {
                    let (pool, to_draw) = view_sig.with_untracked(|v| (v.live.pool_count, v.live.to_draw));
                    view! {
                        <Waiting
                            what="正在抽取……".to_string()
                            detail=format!(
                                "服务器正在为名单中的 {pool} 户企业逐一计算排序键，按比例抽出约 {to_draw} 户并随机组成检查组，然后保存抽取结果。名单越大用时越长，请勿关闭本页。"
                            )
                        />
                    }
                })}
                {move || problem.get().map(|p| view! { <p class="error cer-error" role="alert" data-testid="cer-error">{p}</p> })}
            </div>
            <div class="cer-keys">
                {if can_run { "空格 / 回车：下一步（输入框中空格为输入空格，按回车进入下一步）　　Esc：退出" } else { "仅发起部门的经办人可主持抽取；此屏幕随现场同步。Esc：退出" }}
                {move || advance.pending().get().then_some("　　处理中…")}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn StepTask(v: RwSignal<CeremonyView>, place: RwSignal<String>, can_run: bool) -> impl IntoView {
    let c = v.get_untracked();
    let l = c.live;
    let task_id = l.task_id;
    let invited = RwSignal::new(c.observers_invited.clone());
    let present = RwSignal::new(c.observers_present.clone());
    let saved = RwSignal::new(None::<Result<(), String>>);
    let save = Action::new(move |(i, p): &(String, String)| {
        let (i, p) = (i.clone(), p.clone());
        async move { crate::api::ceremony::set_observers(task_id, i, p).await.map_err(|e| e.to_string()) }
    });
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            saved.set(Some(r));
        }
    });
    let store = move || save.dispatch((invited.get_untracked(), present.get_untracked()));
    view! {
        <div class="cer-grid">
            <div>
                <h1 class="cer-title">{l.task_name.clone()}</h1>
                <dl class="cer-facts">
                    <dt>"检查对象名单"</dt><dd data-testid="cer-pool">{format!("{} 户", l.pool_count)}</dd>
                    <dt>"抽查比例"</dt><dd>{l.ratio.clone()}</dd>
                    <dt>"应抽取"</dt><dd data-testid="cer-to-draw">{format!("{} 户", l.to_draw)}</dd>
                    <dt>"名单冻结于"</dt><dd>{crate::domain::date::local_time(&l.frozen_at)}</dd>
                </dl>
                // Side by side, so the task screen fits a projector without scrolling.
                <div class="cer-hexes">
                    <div><p class="cer-label">"名单摘要（SHA-256）"</p><Hex hex=l.pool_digest.clone()/></div>
                    <div><p class="cer-label">"承诺值（会前已公布）"</p><Hex hex=l.commitment.clone() testid="cer-commitment"/></div>
                </div>
                {can_run.then(|| view! {
                    <div class="cer-places">
                    <label class="cer-place">"抽取地点 "
                        <input prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev)) placeholder="如：局三楼会议室"/>
                    </label>
                    <label class="cer-place">"邀请纪检监督 "
                        <input data-testid="observers-invited" prop:value=move || invited.get() on:input=move |ev| invited.set(event_target_value(&ev))
                            on:change=move |_| { store(); } placeholder="如：局纪检组 周某"/>
                    </label>
                    <label class="cer-place">"到场监督 "
                        <input data-testid="observers-present" prop:value=move || present.get() on:input=move |ev| present.set(event_target_value(&ev))
                            on:change=move |_| { store(); } placeholder="到场人员姓名"/>
                    </label>
                    </div>
                    {move || saved.get().map(|r| match r {
                        Ok(()) => view! { <span class="hint" role="status">"监督人员已记录"</span> }.into_any(),
                        Err(e) => view! { <span class="error" role="alert">{e}</span> }.into_any(),
                    })}
                })}
                {(!can_run && !c.observers_present.is_empty()).then(|| view! {
                    <p class="cer-label">{format!("纪检监督到场：{}", c.observers_present)}</p>
                })}
            </div>
            <div class="cer-qr">
                <div inner_html=c.live_qr.clone()></div>
                <p>"手机扫码同步观看"</p>
                <p class="cer-url">{c.live_url.clone()}</p>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn StepEntropy(
    entropy: RwSignal<String>,
    confirming: RwSignal<bool>,
    tried: RwSignal<bool>,
    can_run: bool,
) -> impl IntoView {
    let status = move || entropy.with(|e| entropy_status(e));
    // One line under the field: the count, the hint while nothing is typed, or the error
    // (a wrong character at once; an empty field once Enter was pressed) in its place.
    let bad = move || status().is_err() && (tried.get() || entropy.with(|e| !e.trim().is_empty()));
    // The room types straight away: the field takes the focus when it appears.
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = field.get() {
            if can_run {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div class="cer-entropy">
            <h1 class="cer-title">"现场随机数"</h1>
            <p class="cer-hint">"由两名监督人员轮流掷骰，逐个输入点数 1–6（可用空格分隔，全角数字会自动转换）。"</p>
            <input class="cer-entropy-input" data-testid="cer-entropy-input" node_ref=field disabled=!can_run
                aria-label="现场随机数" autocomplete="off" spellcheck="false" inputmode="numeric"
                aria-describedby="cer-entropy-status" aria-invalid=move || bad().then_some("true")
                prop:value=move || entropy.get()
                on:input=move |ev| {
                    confirming.set(false);
                    entropy.set(to_ascii(&event_target_value(&ev)));
                }/>
            <div class="cer-chars" data-testid="cer-entropy" aria-live="polite">
                {move || entropy.get().chars().filter(|c| !c.is_whitespace()).map(|c| view! { <span>{c.to_string()}</span> }).collect_view()}
            </div>
            <p id="cer-entropy-status" class=move || if bad() { "cer-status error" } else { "cer-status" }
                role=move || bad().then_some("alert") data-testid="cer-entropy-status">
                {move || match status() {
                    Ok(n) => format!("已输入 {n} 个点数"),
                    Err(m) => m,
                }}
            </p>
            {move || confirming.get().then(|| view! {
                <p class="cer-confirm" role="alert" data-testid="cer-confirm">"再按一次回车即揭示密钥并抽取（不可撤销）；按 Esc 返回修改。"</p>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn StepSeed(v: RwSignal<CeremonyView>) -> impl IntoView {
    let l = v.get_untracked().live;
    view! {
        <div class="cer-seed">
            <p class="cer-label">"现场随机数"</p>
            <p class="cer-entropy-final" data-testid="cer-entropy-final">{l.entropy.clone()}</p>
            <p class="cer-label">"密钥（会前仅公布其承诺值，现已揭示）"</p>
            <Hex hex=l.secret.clone().unwrap_or_default() testid="cer-secret"/>
            <p class="cer-label">"种子 = SHA-256(DR1、任务、名单摘要、密钥、现场随机数)"</p>
            <div class="cer-seed-big"><Hex hex=l.seed.clone().unwrap_or_default() testid="cer-seed"/></div>
        </div>
    }
    .into_any()
}

/// How many drawn enterprises land one by one on the projector; a larger draw lands the
/// rest at once (the screen stays responsive with tens of thousands drawn).
const ANIMATED: usize = 200;
/// How many rows the result summary lists on the projector.
const RESULT_ROWS: usize = 500;

#[component]
fn StepAnimation(
    v: RwSignal<CeremonyView>,
    landed: RwSignal<usize>,
    spinning: RwSignal<String>,
) -> impl IntoView {
    let l = v.get_untracked().live;
    let total = l.selected.len();
    let rows: Vec<_> = l.selected.iter().take(ANIMATED).cloned().collect();
    let rest = total.saturating_sub(ANIMATED);
    view! {
        <div class="cer-anim">
            <div class="cer-spin" aria-hidden="true">{move || if landed.get() < total { spinning.get() } else { String::new() }}</div>
            <ol class="cer-drawn" data-testid="cer-drawn">
                {rows.into_iter().enumerate().map(|(i, e)| view! {
                    <li class:cer-hidden=move || landed.get() <= i>
                        <span class="cer-name">{e.name.clone()}</span>
                        <code class="cer-key">{format!("键值 {}…", &e.key[..16])}</code>
                        <span class="cer-team" class:cer-hidden=move || landed.get() < total>
                            {e.skipped.iter().map(|s| view! { <s class="cer-skipped" title="回避">{format!("{s}（回避）")}</s> " " }).collect_view()}
                            {e.team.join("、")}
                        </span>
                    </li>
                }).collect_view()}
            </ol>
            {(rest > 0).then(|| view! {
                <p class="cer-hint" data-testid="cer-rest">{move || (landed.get() >= total).then(|| format!("另有 {rest} 户一并抽出，完整名单见结果汇总、抽取记录表和公示页"))}</p>
            })}
            <p class="cer-hint">{move || if landed.get() < total { "抽取中……按空格可跳过动画" } else { "全部抽出。按空格查看结果汇总" }}</p>
        </div>
    }
    .into_any()
}

#[component]
fn StepResult(v: RwSignal<CeremonyView>) -> impl IntoView {
    let c = v.get_untracked();
    let l = c.live;
    view! {
        <div class="cer-grid">
            <div>
                <h1 class="cer-title">{format!("抽取结果：{} 户", l.selected.len())}</h1>
                <table class="cer-table" data-testid="cer-result">
                    <thead><tr><th>"序"</th><th>"企业"</th><th>"统一社会信用代码"</th><th>"检查组"</th></tr></thead>
                    <tbody>
                        {l.selected.iter().take(RESULT_ROWS).enumerate().map(|(i, e)| view! {
                            <tr data-code=e.code.clone()><td>{i + 1}</td><td>{e.name.clone()}</td><td><code>{e.code.clone()}</code></td>
                                <td>{e.team.join("、")}{(!e.skipped.is_empty()).then(|| format!("（回避：{}）", e.skipped.join("、")))}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(l.selected.len() > RESULT_ROWS).then(|| view! {
                    <p class="cer-hint" data-testid="cer-result-rest">{format!("以上为前 {RESULT_ROWS} 户；共 {} 户，完整名单见任务页、抽取记录表和公示页。", l.selected.len())}</p>
                })}
                <p class="cer-label">"种子"</p>
                <Hex hex=l.seed.clone().unwrap_or_default() testid="cer-seed"/>
            </div>
            <div class="cer-qr">
                <div inner_html=c.verify_qr.clone().unwrap_or_default() data-testid="cer-verify-qr"></div>
                <p>"扫码在手机上独立验证本次抽取"</p>
                <p class="cer-url">{c.verify_url.clone().unwrap_or_default()}</p>
            </div>
        </div>
    }
    .into_any()
}

/// Runs the landing animation: each selected enterprise in key order, names from the pool
/// spinning before it lands. Honours prefers-reduced-motion (lands everything at once).
fn start_animation(v: RwSignal<CeremonyView>, landed: RwSignal<usize>, spinning: RwSignal<String>) {
    let (total, names) = v.with_untracked(|c| (c.live.selected.len(), c.pool_names.clone()));
    landed.set(0);
    #[cfg(feature = "hydrate")]
    {
        let reduced = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
            .is_some_and(|m| m.matches());
        if reduced || names.is_empty() {
            landed.set(total);
            return;
        }
        const TICKS_PER_LANDING: u32 = 12;
        let tick = std::cell::Cell::new(0u32);
        let handle = std::rc::Rc::new(std::cell::Cell::new(None::<leptos::prelude::IntervalHandle>));
        let h = handle.clone();
        let started = set_interval_with_handle(
            move || {
                let done = landed.get_untracked();
                if done >= total.min(ANIMATED) {
                    // A province-size draw lands its first ANIMATED one by one, the rest at once.
                    landed.set(total);
                    if let Some(h) = h.take() {
                        h.clear();
                    }
                    return;
                }
                let t = tick.get() + 1;
                tick.set(t);
                // Only for show: which name flashes by is not part of the draw.
                let pick = (js_sys::Math::random() * names.len() as f64) as usize % names.len();
                spinning.set(names[pick].clone());
                if t.is_multiple_of(TICKS_PER_LANDING) {
                    landed.set(done + 1);
                }
            },
            std::time::Duration::from_millis(90),
        );
        if let Ok(h) = started {
            handle.set(Some(h));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (names, spinning);
        landed.set(total);
    }
}

/// The tag name of an event target (`INPUT`, …), in the browser.
fn wasm_target_tag(target: &leptos::web_sys::EventTarget) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        target.dyn_ref::<web_sys::Element>().map(|e| e.tag_name())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = target;
        None
    }
}

/// Leaves the ceremony for the task page.
fn leave(task_id: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(&format!("/tasks/{task_id}"));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = task_id;
}
