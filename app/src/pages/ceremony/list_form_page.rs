//! `/tasks/:id/list/consent` and `/tasks/:id/list/filing`: the drawn list as it goes to the
//! principal leader for consent (抽取名单审批表) and to the order office for filing
//! (抽取名单备案表), A4 portrait with the list and signature lines (实施方案 二(二)3).

use super::record_page::print_page;
use crate::api::ceremony::get_ceremony;
use crate::components::error_view::ErrorBox;
use crate::domain::ceremony::{grouped_hex, CeremonyView};
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Which of the two forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Consent,
    Filing,
}

impl Form {
    fn title(self) -> &'static str {
        match self {
            Self::Consent => "“双随机”抽查抽取名单审批表",
            Self::Filing => "“双随机”抽查抽取名单备案表",
        }
    }
}

/// The form page.
#[component]
pub fn ListFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let form = move || match params.read().get("form").as_deref() {
        Some("filing") => Form::Filing,
        _ => Form::Consent,
    };
    let data = Resource::new(id, get_ceremony);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) if v.live.seed.is_some() => view! { <ListForm v form=form()/> }.into_any(),
                    Ok(_) => view! { <p class="empty">"该任务尚未抽取，没有可报送的抽取名单。"</p> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ListForm(v: CeremonyView, form: Form) -> impl IntoView {
    let l = v.live;
    let hex = |h: &str| grouped_hex(h).join(" ");
    let recusals: Vec<String> =
        l.selected
            .iter()
            .flat_map(|e| {
                e.skipped.iter().map(move |s| format!("{}：{s}（抽取时回避）", e.name)).chain(
                    e.replaced.iter().map(move |(a, b)| format!("{}：{a} → {b}（抽取后回避）", e.name)),
                )
            })
            .collect();
    let events = v.list_events.clone();
    let signatures: &[&str] = match form {
        Form::Consent => &["经办人", "处室负责人", "局主要领导意见", "局主要领导签字"],
        Form::Filing => &["经办人", "处室负责人", "局主要领导同意情况", "秩序处备案意见", "秩序处经办人签字"],
    };
    view! {
        <Title text=format!("{} · {}", form.title(), l.task_name)/>
        <article class="record" data-testid="list-form">
            <h1>{form.title()}</h1>
            <p class="toolbar no-print"><a class="button" href=format!("/tasks/{}", l.task_id)>"返回任务"</a> " " <button type="button" on:click=|_| print_page()>"打印"</button></p>
            <table class="record-table">
                <tbody>
                    <tr><th>"抽查任务"</th><td colspan="3">{format!("{} {}", l.task_no, l.task_name)}</td></tr>
                    <tr><th>"实施部门"</th><td colspan="3">{v.departments.clone()}</td></tr>
                    <tr><th>"抽取时间（北京时间）"</th><td>{l.drawn_at.as_deref().map(crate::domain::date::local_time).unwrap_or_default()}</td><th>"抽取地点"</th><td>{l.place.clone()}</td></tr>
                    <tr><th>"检查对象名单"</th><td>{format!("{} 户", l.pool_count)}</td><th>"抽取"</th><td>{format!("{} 户（{}）", l.selected.len(), l.ratio)}</td></tr>
                    <tr><th>"纪检监督"</th><td colspan="3">{format!("邀请：{}；到场：{}", or_dash(&v.observers_invited), or_dash(&v.observers_present))}</td></tr>
                    <tr><th>"种子"</th><td colspan="3"><code>{l.seed.as_deref().map(hex).unwrap_or_default()}</code></td></tr>
                </tbody>
            </table>
            <h2>"抽取名单"</h2>
            <table class="record-table">
                <thead><tr><th>"序号"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"检查组"</th></tr></thead>
                <tbody>
                    {l.selected.iter().enumerate().map(|(i, e)| view! {
                        <tr><td>{i + 1}</td><td>{e.name.clone()}</td><td><code>{e.code.clone()}</code></td><td>{e.team.join("、")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h2>"回避情况"</h2>
            {if recusals.is_empty() {
                view! { <p>"无。"</p> }.into_any()
            } else {
                view! { <ul>{recusals.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul> }.into_any()
            }}
            {(!events.is_empty()).then(|| view! {
                <h2>"办理情况"</h2>
                <ul data-testid="list-events">
                    {events.into_iter().map(|(step, who, comment, at)| view! {
                        <li>{format!("{} {step}，{who}{}", crate::domain::date::local_time(&at), if comment.is_empty() { String::new() } else { format!("：{comment}") })}</li>
                    }).collect_view()}
                </ul>
            })}
            <table class="record-table signatures">
                <tbody>
                    {signatures.iter().map(|r| view! { <tr><th>{*r}</th><td class="sign-line"></td><th>"日期"</th><td class="sign-date"></td></tr> }).collect_view()}
                </tbody>
            </table>
            <p class="record-note">{format!("本名单经局主要领导同意并报秩序处备案后方可组织实施检查。任何人可在 {} 复核本次抽取。", v.verify_url.clone().unwrap_or_default())}</p>
        </article>
    }
}

fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".into()
    } else {
        s.to_string()
    }
}
