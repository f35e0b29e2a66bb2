//! `/verify` and `/verify/:draw_id`: anyone re-derives a draw in their own browser.
//! The checks run in WASM with the very engine the server used.

use crate::api::draws::get_manifest;
use crate::components::error_view::ErrorBox;
use crate::domain::draw::{self, Check};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The outcome of one verification run.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// The manifest could not be read or is refused by DR1.
    Refused(String),
    /// Every check, and how long the recomputation took.
    Checked { checks: Vec<Check>, millis: f64 },
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

fn run_checks(text: &str) -> Outcome {
    let start = now_ms();
    match draw::verify_manifest(text) {
        Ok(checks) => Outcome::Checked { checks, millis: now_ms() - start },
        Err(e) => Outcome::Refused(e.to_string()),
    }
}

/// The verify page.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let draw_id = move || params.read().get("draw_id").and_then(|d| d.parse::<i64>().ok());
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let loaded = Resource::new(draw_id, |id| async move {
        match id {
            Some(id) => get_manifest(id).await.map(Some),
            None => Ok(None),
        }
    });
    let verify = move || outcome.set(Some(run_checks(&text.get_untracked())));
    // When opened for a stored draw, fill in its manifest and verify it at once (client only).
    Effect::new(move |_| {
        if let Some(Ok(Some(manifest))) = loaded.get() {
            text.set(manifest);
            verify();
        }
    });

    view! {
        <Title text="验证抽取"/>
        <h1>"验证抽取结果"</h1>
        <p class="lead">
            "粘贴或上传一份抽取清单（JSON），本页在您的浏览器中按 DR1 协议重新计算承诺值、名单摘要、种子、每一家被抽中的企业和每一个检查组，并与清单逐项比对。计算不经过服务器。"
        </p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                    Ok(Some(_)) => {
                        let id = draw_id().unwrap_or_default();
                        view! {
                            <p class="note">
                                {format!("已载入第 {id} 号抽取的清单。")} " "
                                <a href=format!("/api/public/draws/{id}/manifest.json") download>"下载抽取清单"</a>
                            </p>
                        }.into_any()
                    }
                    Ok(None) => ().into_any(),
                }
            })}
        </Suspense>
        <form class="verify-form" on:submit=move |ev| { ev.prevent_default(); verify(); }>
            <label for="manifest">"抽取清单 JSON"</label>
            <textarea
                id="manifest"
                data-testid="manifest-input"
                rows="10"
                spellcheck="false"
                prop:value=move || text.with(|t| if t.len() <= ECHO_LIMIT { t.clone() } else { String::new() })
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            {move || text.with(|t| (t.len() > ECHO_LIMIT).then(|| view! {
                <p class="note" data-testid="large-manifest">{format!("已载入 {:.1} MB 的清单；内容较大，未在文本框中显示。", t.len() as f64 / 1_048_576.0)}</p>
            }))}
            <div class="actions">
                <label class="file">
                    "上传文件 "
                    <input type="file" accept=".json,application/json" on:change=move |ev| load_file(ev, text, outcome)/>
                </label>
                <button type="submit" data-testid="verify-button">"在本浏览器中验证"</button>
            </div>
        </form>
        <section aria-live="polite" data-testid="verify-result">
            {move || outcome.get().map(|o| view! { <OutcomeView outcome=o/> })}
        </section>
    }
}

#[allow(unused_variables)]
fn load_file(ev: leptos::ev::Event, text: RwSignal<String>, outcome: RwSignal<Option<Outcome>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => {
                    text.set(v.as_string().unwrap_or_default());
                    outcome.set(Some(run_checks(&text.get_untracked())));
                }
                Err(_) => outcome.set(Some(Outcome::Refused("无法读取该文件".into()))),
            }
        });
    }
}

/// How many passing checks are listed before "show all".
const SHOWN_CHECKS: usize = 200;

/// Manifests larger than this are verified but not echoed into the text box (layout cost).
const ECHO_LIMIT: usize = 200_000;

/// A checked value as a reader sees it: JSON text unquoted, lists joined, yes and no.
fn plain(v: &str) -> String {
    match v {
        "true" => "是".into(),
        "false" => "否".into(),
        "(missing)" => "缺失".into(),
        "(none)" => "无".into(),
        _ => match serde_json::from_str::<serde_json::Value>(v) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(serde_json::Value::Array(list)) if list.is_empty() => "无".into(),
            Ok(serde_json::Value::Array(list)) => list
                .iter()
                .map(|x| x.as_str().map_or(x.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join("、"),
            _ => v.to_string(),
        },
    }
}

fn check_row(c: Check) -> impl IntoView {
    let mark = if c.ok { "✓" } else { "✗" };
    // The check in words; the exact values stay visible under it.
    let detail = if c.ok {
        plain(&c.found)
    } else {
        format!("应为 {}，清单为 {}", plain(&c.expected), plain(&c.found))
    };
    view! {
        <li class=if c.ok { "ok" } else { "fail" } data-check=c.name.clone()>
            <span class="mark" aria-label=if c.ok { "通过" } else { "不一致" }>{mark}</span>
            " " {crate::labels::check_words(&c.name)}
            <div class="detail">{detail}</div>
        </li>
    }
}

#[component]
fn OutcomeView(outcome: Outcome) -> impl IntoView {
    match outcome {
        Outcome::Refused(reason) => view! {
            <p class="verdict bad" data-testid="verdict">"清单无法验证：" {reason}</p>
        }
        .into_any(),
        Outcome::Checked { checks, millis } => {
            let failed = checks.iter().filter(|c| !c.ok).count();
            let verdict = match draw::first_failure(&checks) {
                None => format!("有效：全部 {} 项检查通过", checks.len()),
                Some(c) => {
                    format!("无效：{failed} 项不一致，第一处为“{}”", crate::labels::check_words(&c.name))
                }
            };
            let class = if failed == 0 { "verdict good" } else { "verdict bad" };
            // A 10^5 pool has ~16,000 checks: laying them all out costs the browser seconds,
            // so list every failure and only the first passing checks until asked.
            let total = checks.len();
            let show_all = RwSignal::new(total <= SHOWN_CHECKS);
            let checks = StoredValue::new(checks);
            let rows = move || {
                checks.with_value(|cs| {
                    let failing = cs.iter().filter(|c| !c.ok);
                    let passing = cs.iter().filter(|c| c.ok);
                    let limit = if show_all.get() { usize::MAX } else { SHOWN_CHECKS };
                    failing.chain(passing.take(limit)).cloned().map(check_row).collect_view()
                })
            };
            view! {
                <p class=class data-testid="verdict">{verdict}</p>
                <p class="timing" data-testid="timing">{format!("用时 {millis:.1} 毫秒")}</p>
                <ol class="checks">{rows}</ol>
                <Show when=move || !show_all.get()>
                    <p>
                        {format!("其余 {} 项检查均通过，未逐项列出。", total.saturating_sub(SHOWN_CHECKS + failed))} " "
                        <button type="button" on:click=move |_| show_all.set(true)>{format!("显示全部 {total} 项")}</button>
                    </p>
                </Show>
            }
            .into_any()
        }
    }
}
