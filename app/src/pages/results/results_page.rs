//! `/tasks/:id/results`: each selected enterprise with its team and result; entering and
//! correcting results, and the office head's review.

use crate::api::results::{
    approve_recusal, correct_result, declare_recusal, get_results, review_result, save_result,
};
use crate::components::error_view::{ErrorBox, FieldMessage, FormError};
use crate::domain::result::{
    PendingRecusal, ResultDraft, ResultRow, ReviewStatus, TaskResults, CATEGORIES, HANDLINGS, METHODS,
    REFERRAL,
};
use crate::error::AppError;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The results page.
#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let data = Resource::new(id, get_results);
    let reload = Callback::new(move |()| data.refetch());
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => view! { <ResultsView r reload/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn ResultsView(r: TaskResults, reload: Callback<()>) -> impl IntoView {
    let editing = RwSignal::new(None::<String>);
    let entered = r.rows.iter().filter(|x| x.result.is_some()).count();
    let total = r.rows.len();
    let task_id = r.task_id;
    let can_review = r.can_review;
    let can_correct = r.can_correct;
    let drawn_on = r.drawn_on.clone();
    let items = r.items.clone();
    view! {
        <Title text=format!("检查结果 · {}", r.task_name)/>
        <p class="crumbs"><a href=format!("/tasks/{task_id}")>{r.task_name.clone()}</a>" / 检查结果"</p>
        <h1>"检查结果 " <span class=format!("status status-{}", r.status.code())>{r.status.label()}</span></h1>
        <p data-testid="results-progress">{format!("已录入 {entered} / {total} 户")}
            {r.deadline.clone().map(|d| format!("；公示截止 {d}（检查结束后 20 个工作日）"))}</p>
        <p class="downloads">"已公示结果（国家企业信用信息公示系统格式）："
            <a href=format!("/tasks/{task_id}/results/results.xlsx") rel="external" download>"Excel"</a>" · "
            <a href=format!("/tasks/{task_id}/results/results.csv") rel="external" download>"CSV"</a></p>
        <p class="downloads">"现场检查（A4，可打印或另存为 PDF）："
            <a href=format!("/m/tasks/{task_id}/notices") rel="external" data-testid="notices">"随机抽查通知书（全部企业）"</a></p>
        <div class="table-wrap">
            <table data-testid="results">
                <thead><tr><th>"序号"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"检查组"</th><th>"检查结果"</th><th>"审核与公示"</th><th>"操作"</th></tr></thead>
                <tbody>
                    {r.rows.into_iter().map(|row| view! { <ResultLine row editing can_review can_correct task_id reload drawn_on=drawn_on.clone() items=items.clone()/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Recusals list=r.recusals can_approve=r.can_approve_recusals reload/>
    }
    .into_any()
}

#[component]
fn ResultLine(
    row: ResultRow,
    editing: RwSignal<Option<String>>,
    can_review: bool,
    can_correct: bool,
    task_id: i64,
    reload: Callback<()>,
    drawn_on: String,
    /// The task's inspection items (id, name): one verdict each.
    items: Vec<(i64, String)>,
) -> impl IntoView {
    let code = row.code.clone();
    let summary = row
        .result
        .as_ref()
        .map(|r| format!("{} {}：{}", r.draft.inspected_on, r.draft.method, r.draft.categories.join("、")))
        .unwrap_or_else(|| "未录入".into());
    // Items with different verdicts: each item's under the summary.
    let by_item = row
        .result
        .as_ref()
        .filter(|r| {
            r.draft
                .verdicts
                .windows(2)
                .any(|w| w[0].categories != w[1].categories || w[0].problems != w[1].problems)
        })
        .map(|r| {
            let lines = r.draft.verdicts.iter().map(|v| {
                let item = items.iter().find(|i| i.0 == v.item_id).map(|i| i.1.clone()).unwrap_or_default();
                view! { <li>{format!("{item}：{}", v.categories.join("、"))}</li> }
            });
            view! { <ul class="verdicts" data-testid="verdicts">{lines.collect_view()}</ul> }
        });
    let review = row.result.as_ref().map(|r| {
        let mut s = r.review.label().to_string();
        if !r.review_comment.is_empty() {
            s.push_str(&format!("（{}）", r.review_comment));
        }
        // Each enterprise's own clock: 20 working days from its inspection date.
        match r.published_at.as_deref().map(crate::domain::date::beijing_date) {
            Some(on) if on <= r.due => s.push_str(&format!("；{on} 按时公示")),
            Some(on) => s.push_str(&format!("；{on} 逾期公示（截止 {}）", r.due)),
            None => s.push_str(&format!("；公示截止 {}", r.due)),
        }
        s
    });
    let reviewable = can_review && row.result.as_ref().is_some_and(|r| r.review == ReviewStatus::Pending);
    let correctable = can_correct && row.result.as_ref().is_some_and(|r| r.published_at.is_some());
    let history = row.result.as_ref().map(|r| r.history.clone()).unwrap_or_default();
    let corrected = row.result.as_ref().and_then(|r| {
        r.corrected_at.as_ref().map(|at| {
            format!(
                "（第 {} 版，{} 更正：{}）",
                r.version,
                crate::domain::date::beijing_date(at),
                r.correction_reason
            )
        })
    });
    let team_names = row.team.iter().map(|(_, n, d)| format!("{n}（{d}）")).collect::<Vec<_>>().join("、");
    let open_code = code.clone();
    let is_open = move || {
        editing.get().is_some_and(|e| e == open_code || e.strip_prefix("更正:") == Some(open_code.as_str()))
    };
    let correcting = {
        let c = code.clone();
        move || editing.get().is_some_and(|e| e.strip_prefix("更正:") == Some(c.as_str()))
    };
    let toggle_code = code.clone();
    let form_row = row.clone();
    // The signed record with its evidence (server-rendered, /m).
    let record = row.result.is_some().then(|| {
        view! { <br/><a href=format!("/m/tasks/{task_id}/{code}/record") rel="external">"检查记录表"</a> }
    });
    view! {
        <tr data-code=code.clone()>
            <td>{row.position + 1}</td>
            <td>{row.name.clone()}{record}</td>
            <td><code>{code.clone()}</code></td>
            <td>{team_names}</td>
            <td>{summary}{corrected}{by_item}<History list=history/></td>
            <td>{review.unwrap_or_else(|| "—".into())}</td>
            <td>
                {row.can_enter.then(|| {
                    let label = if row.result.is_some() { "修改结果" } else { "录入结果" };
                    let c = toggle_code.clone();
                    view! { <button type="button" data-testid="enter-result" on:click=move |_| editing.set(Some(c.clone()))>{label}</button> }
                })}
                {reviewable.then(|| view! { <ReviewButtons task_id code=code.clone() reload/> })}
                {correctable.then(|| {
                    let c = code.clone();
                    view! { <button type="button" class="secondary" data-testid="correct-result" on:click=move |_| editing.set(Some(format!("更正:{c}")))>"更正"</button> }
                })}
                {(!row.may_recuse.is_empty()).then(|| view! { <DeclareRecusal task_id code=code.clone() members=row.may_recuse.clone() reload/> })}
            </td>
        </tr>
        <Show when=is_open>
            <tr class="form-row"><td colspan="7">
                <ResultForm row=form_row.clone() task_id editing reload drawn_on=drawn_on.clone() correcting=correcting() items=items.clone()/>
            </td></tr>
        </Show>
    }
    .into_any()
}

#[component]
fn ReviewButtons(task_id: i64, code: String, reload: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let act = Action::new(move |(pass, comment): &(bool, String)| {
        review_result(task_id, code.clone(), *pass, comment.clone())
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(())) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <div class="review">
            <button type="button" data-testid="pass-result" disabled=move || act.pending().get()
                on:click=move |_| { act.dispatch((true, String::new())); }>"通过并公示"</button>
            <input placeholder="退回理由" aria-label="退回理由" prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev))/>
            <button type="button" class="secondary" disabled=move || act.pending().get()
                on:click=move |_| { act.dispatch((false, reason.get_untracked())); }>"退回"</button>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </div>
    }
    .into_any()
}

#[component]
fn ResultForm(
    row: ResultRow,
    task_id: i64,
    editing: RwSignal<Option<String>>,
    reload: Callback<()>,
    drawn_on: String,
    /// 更正 of a published result: a reason is asked for and the correction saved as a new version.
    correcting: bool,
    /// The task's inspection items (id, name); with two or more, a verdict for each.
    items: Vec<(i64, String)>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let mut start = row.result.as_ref().map(|r| r.draft.clone()).unwrap_or_else(|| ResultDraft {
        task_id,
        code: row.code.clone(),
        method: METHODS[0].into(),
        attended: row.team.iter().map(|m| m.0).collect(),
        ..Default::default()
    });
    // With several items, one verdict may stand for all (the usual case), or each item
    // gets its own (分事项填写), opened by default when the stored ones differ.
    let several = items.len() > 1;
    let differ = start.verdicts.iter().any(|v| {
        start.verdicts.first().is_some_and(|f| f.categories != v.categories || f.problems != v.problems)
    });
    let per_item = RwSignal::new(several && differ);
    start.verdicts = items
        .iter()
        .map(|(id, _)| {
            start.verdicts.iter().find(|v| v.item_id == *id).cloned().unwrap_or_else(|| {
                crate::domain::result::ItemVerdict {
                    item_id: *id,
                    categories: start.categories.clone(),
                    problems: start.problems.clone(),
                }
            })
        })
        .collect();
    let draft = RwSignal::new(start);
    let problem = RwSignal::new(None::<AppError>);
    let save = Action::new(move |d: &ResultDraft| {
        let (d, why) = (d.clone(), reason.get_untracked());
        async move {
            if correcting {
                correct_result(d, why).await
            } else {
                save_result(d).await
            }
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            editing.set(None);
            reload.run(());
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        let mut d = draft.get_untracked();
        if !per_item.get_untracked() {
            // One verdict for the whole task: the server gives it to each item.
            d.verdicts.clear();
        }
        save.dispatch(d);
    };
    view! {
        <form class="task-form result-form" on:submit=on_submit novalidate data-testid="result-form">
            <fieldset>
                <legend>{format!("{} 的检查结果", row.name)}</legend>
                <label class="field small">
                    <span>"检查日期"</span>
                    <input type="date" name="inspected_on" min=drawn_on prop:value=move || draft.with(|d| d.inspected_on.clone())
                        aria-invalid=move || problem.with(|p| p.as_ref().and_then(|p| p.on_field("inspected_on")).map(|_| "true"))
                        on:input=move |ev| draft.update(|d| d.inspected_on = event_target_value(&ev))/>
                    <FieldMessage error=problem field="inspected_on"/>
                </label>
                <label class="field small">
                    <span>"检查方式"</span>
                    <select name="method" on:change=move |ev| draft.update(|d| d.method = event_target_value(&ev))>
                        {METHODS.iter().map(|m| view! { <option value=*m selected=move || draft.with(|d| d.method == *m)>{*m}</option> }).collect_view()}
                    </select>
                    <FieldMessage error=problem field="method"/>
                </label>
            </fieldset>
            <fieldset>
                <legend>"实际参加检查的执法人员（不少于 2 名）"</legend>
                {row.team.iter().map(|(id, name, dept)| {
                    let id = *id;
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || draft.with(|d| d.attended.contains(&id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft.update(|d| { d.attended.retain(|x| *x != id); if on { d.attended.push(id); } });
                                }/>
                            {format!("{name}（{dept}）")}
                        </label>
                    }
                }).collect_view()}
                <FieldMessage error=problem field="attended"/>
            </fieldset>
            {several.then(|| view! {
                <label class="check">
                    <input type="checkbox" data-testid="per-item" prop:checked=move || per_item.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            if on {
                                // Each item starts from the verdict given for the whole task.
                                draft.update(|d| {
                                    let (c, p) = (d.categories.clone(), d.problems.clone());
                                    d.verdicts.iter_mut().for_each(|v| { v.categories = c.clone(); v.problems = p.clone(); });
                                });
                            }
                            per_item.set(on);
                        }/>
                    {format!("按检查事项分别填写检查结果（本任务 {} 个检查事项）", items.len())}
                </label>
            })}
            {move || if per_item.get() {
                view! { <ItemVerdicts draft problem items=items.clone()/> }.into_any()
            } else {
                view! { <WholeVerdict draft problem/> }.into_any()
            }}
            <fieldset>
                <legend>"后续处置"</legend>
                {HANDLINGS.iter().map(|h| view! {
                    <label class="check">
                        <input type="checkbox" name="handling" value=*h prop:checked=move || draft.with(|d| d.handling.iter().any(|x| x == h))
                            on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.handling = toggle(std::mem::take(&mut d.handling), h, on)); }/>
                        {*h}
                    </label>
                }).collect_view()}
                <Show when=move || draft.with(|d| d.handling.iter().any(|h| h == REFERRAL))>
                    <label class="field">
                        <span>"移送接收部门"</span>
                        <input name="referral_department" prop:value=move || draft.with(|d| d.referral_department.clone())
                            on:input=move |ev| draft.update(|d| d.referral_department = event_target_value(&ev))/>
                        <FieldMessage error=problem field="referral_department"/>
                    </label>
                </Show>
                <FieldMessage error=problem field="handling"/>
            </fieldset>
            {correcting.then(|| view! {
                <label class="field">
                    <span>"更正理由（公示时一并显示）"</span>
                    <textarea name="reason" rows="2" prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <FieldMessage error=problem field="reason"/>
                </label>
            })}
            <FormError error=problem/>
            <div class="actions">
                <button type="submit" data-testid="save-result" disabled=move || save.pending().get()>"保存结果"</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>"取消"</button>
            </div>
        </form>
    }
    .into_any()
}

/// 检查结果 of a task with one inspection item: the result's values and problems.
#[component]
fn WholeVerdict(draft: RwSignal<ResultDraft>, problem: RwSignal<Option<AppError>>) -> impl IntoView {
    view! {
            <fieldset>
                <legend>"检查结果（可多选）"</legend>
                {CATEGORIES.iter().map(|c| view! {
                    <label class="check">
                        <input type="checkbox" name="categories" value=*c prop:checked=move || draft.with(|d| d.categories.iter().any(|x| x == c))
                            on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.categories = toggle(std::mem::take(&mut d.categories), c, on)); }/>
                        {*c}
                    </label>
                }).collect_view()}
                <FieldMessage error=problem field="categories"/>
            </fieldset>
            <label class="field">
                <span>"发现的问题 / 无法检查的情况"</span>
                <textarea name="problems" rows="3" prop:value=move || draft.with(|d| d.problems.clone())
                    on:input=move |ev| draft.update(|d| d.problems = event_target_value(&ev))></textarea>
                <FieldMessage error=problem field="problems"/>
            </label>
    }
    .into_any()
}

/// 分事项检查结果: for each of the task's items, its values and its problems.
#[component]
fn ItemVerdicts(
    draft: RwSignal<ResultDraft>,
    problem: RwSignal<Option<AppError>>,
    items: Vec<(i64, String)>,
) -> impl IntoView {
    let blocks = items.into_iter().enumerate().map(|(i, (_, name))| {
        let values = CATEGORIES.iter().map(move |c| {
            view! {
                <label class="check">
                    <input type="checkbox" value=*c
                        prop:checked=move || draft.with(|d| d.verdicts.get(i).is_some_and(|v| v.categories.iter().any(|x| x == c)))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.update(|d| if let Some(v) = d.verdicts.get_mut(i) {
                                v.categories = toggle(std::mem::take(&mut v.categories), c, on);
                            });
                        }/>
                    {*c}
                </label>
            }
        });
        view! {
            <fieldset class="verdict" data-testid="item-verdict">
                <legend>{format!("{name}：检查结果（可多选）")}</legend>
                {values.collect_view()}
                <label class="field">
                    <span>{format!("{name}：发现的问题 / 无法检查的情况")}</span>
                    <textarea rows="2" prop:value=move || draft.with(|d| d.verdicts.get(i).map(|v| v.problems.clone()).unwrap_or_default())
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            draft.update(|d| if let Some(v) = d.verdicts.get_mut(i) { v.problems = text; });
                        }></textarea>
                </label>
            </fieldset>
        }
    });
    view! {
        <div class="verdicts-form">
            {blocks.collect_view()}
            <FieldMessage error=problem field="verdicts"/>
        </div>
    }
    .into_any()
}

/// The list with `item` added (`on`) or taken out.
fn toggle(list: Vec<String>, item: &str, on: bool) -> Vec<String> {
    let mut l: Vec<String> = list.into_iter().filter(|x| x != item).collect();
    if on {
        l.push(item.to_string());
    }
    l
}

/// 申请回避: an inspector on the team (or the clerk for one) declares a conflict.
#[component]
fn DeclareRecusal(
    task_id: i64,
    code: String,
    members: Vec<(i64, String)>,
    reload: Callback<()>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let who = RwSignal::new(members[0].0);
    let reason = RwSignal::new("近亲属".to_string());
    let problem = RwSignal::new(None::<String>);
    let act = Action::new(move |(inspector, reason): &(i64, String)| {
        declare_recusal(task_id, code.clone(), *inspector, reason.clone(), String::new())
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(_)) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <button type="button" class="secondary" data-testid="declare-recusal" on:click=move |_| open.update(|o| *o = !*o)>"申请回避"</button>
        <Show when=move || open.get()>
            <div class="review">
                <select aria-label="回避人员" on:change=move |ev| if let Ok(id) = event_target_value(&ev).parse() { who.set(id) }>
                    {members.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                </select>
                <select aria-label="回避理由" data-testid="recusal-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                    {crate::domain::result::RECUSAL_REASONS.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
                </select>
                <button type="button" data-testid="submit-recusal" disabled=move || act.pending().get()
                    on:click=move |_| { act.dispatch((who.get_untracked(), reason.get_untracked())); }>"提交"</button>
            </div>
        </Show>
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
    }
    .into_any()
}

/// Recusals declared after the draw, and the office head's approval.
#[component]
fn Recusals(list: Vec<PendingRecusal>, can_approve: bool, reload: Callback<()>) -> impl IntoView {
    if list.is_empty() {
        return ().into_any();
    }
    let problem = RwSignal::new(None::<String>);
    let approve = Action::new(|id: &i64| approve_recusal(*id));
    Effect::new(move |_| match approve.value().get() {
        Some(Ok(_)) => reload.run(()),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    view! {
        <section>
            <h2>"抽取后回避"</h2>
            <table class="compact" data-testid="recusals">
                <thead><tr><th>"企业"</th><th>"回避人员"</th><th>"理由"</th><th>"申请人"</th><th>"状态"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|r| {
                        let id = r.id;
                        let pending = r.approved_by.is_none();
                        view! {
                            <tr>
                                <td><code>{r.code}</code></td>
                                <td>{r.inspector}</td>
                                <td>{r.reason}</td>
                                <td>{r.declared_by}</td>
                                <td>
                                    {match (&r.approved_by, &r.replacement) {
                                        (Some(by), Some(to)) => format!("已批准（{by}），由 {to} 替换"),
                                        _ => "待处室负责人批准".to_string(),
                                    }}
                                    {(pending && can_approve).then(|| view! {
                                        " " <button type="button" data-testid="approve-recusal" on:click=move |_| { approve.dispatch(id); }>"批准并按协议补选"</button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </section>
    }
    .into_any()
}

/// The versions a correction replaced, for staff (oldest first).
#[component]
fn History(list: Vec<crate::domain::result::ResultVersion>) -> impl IntoView {
    if list.is_empty() {
        return ().into_any();
    }
    view! {
        <details class="history" data-testid="result-history">
            <summary>{format!("历史版本（{}）", list.len())}</summary>
            <ol>
                {list.into_iter().map(|v| view! {
                    <li>{format!(
                        "第 {} 版：{} {}：{}{}；{} 由 {} 更正，理由：{}",
                        v.version,
                        v.draft.inspected_on,
                        v.draft.method,
                        v.draft.categories.join("、"),
                        if v.draft.problems.is_empty() { String::new() } else { format!("（{}）", v.draft.problems) },
                        crate::domain::date::beijing_date(&v.replaced_at),
                        v.replaced_by,
                        v.reason
                    )}</li>
                }).collect_view()}
            </ol>
        </details>
    }
    .into_any()
}
