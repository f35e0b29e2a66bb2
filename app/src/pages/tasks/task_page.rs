//! `/tasks/:id`: everything about one task in one place.

use crate::api::tasks::get_task;
use crate::api::workflow::{draw_task, freeze_task, take_step};
use crate::components::confirm;
use crate::components::error_view::ErrorBox;
use crate::components::waiting::Waiting;
use crate::domain::task_view::{DrawSummary, TaskDetail};
use crate::domain::workflow::StepOffer;
use crate::domain::workflow::TaskStatus;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The task page.
#[component]
pub fn TaskPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let detail = Resource::new(id, get_task);
    let reload = Callback::new(move |()| detail.refetch());
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <TaskView d reload/> }.into_any(),
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TaskView(d: TaskDetail, reload: Callback<()>) -> impl IntoView {
    let row = d.row.clone();
    let draft = d.draft.clone();
    let ratio = if draft.risk_ratios_bp.is_empty() {
        row.ratio_bp.label()
    } else {
        draft
            .risk_ratios_bp
            .iter()
            .map(|(c, bp)| format!("{c} 类 {}", bp.label()))
            .collect::<Vec<_>>()
            .join("，")
    };
    let filters = draft.scope.in_words(true);
    let source = match row.source {
        crate::domain::plan::TaskSource::Assigned => {
            format!("上级部署（{}，{}）", row.assigned_by, row.assigned_doc_no)
        }
        crate::domain::plan::TaskSource::Special => "专项检查（不计入年度计划）".to_string(),
        crate::domain::plan::TaskSource::Plan => "年度计划".to_string(),
    };
    let window = match &row.adjusted {
        Some(change) => change.label(),
        None => row.window.label(),
    };
    let fields: Vec<(&str, String)> = vec![
        ("任务来源", source),
        ("抽查计划编号", row.plan_no.clone()),
        ("抽查计划名称", row.plan_name.clone()),
        ("抽查任务编号", row.task_no.clone()),
        ("抽查类型", row.kind.label().to_string()),
        ("抽查比例", ratio),
        ("抽查事项", row.items.clone()),
        (
            "抽查对象范围",
            format!(
                "{}（{}）",
                row.scope,
                if filters.is_empty() { "全部市场主体".into() } else { filters.join("；") }
            ),
        ),
        ("发起部门", row.initiating_department.clone()),
        ("联合部门", if row.joint_departments.is_empty() { "—".into() } else { row.joint_label() }),
        ("抽查时间", window),
        ("检查组人数", format!("每组 {} 人", draft.team_size)),
        (
            "每人工作量上限",
            if draft.max_per_inspector == 0 {
                "不限".into()
            } else {
                format!("{} 户", draft.max_per_inspector)
            },
        ),
    ];
    let editable = d.can_edit;
    let drawn = d.draw.as_ref().is_some_and(|x| x.seed.is_some());
    let frozen = d.draw.is_some();
    let deadline = d.deadline.clone();
    let selected_count = d.draw.as_ref().map(|x| x.selected.len()).unwrap_or(0);
    view! {
        <Title text=row.task_name.clone()/>
        <p class="crumbs"><a href=format!("/plans/{}", row.window.year)>{format!("{} 年度计划", row.window.year)}</a>" / "{row.task_no.clone()}</p>
        <h1>{row.task_name.clone()} " " <span class=format!("status status-{}", row.status.code())>{row.status.label()}</span></h1>
        <Batches row=row.clone() made=d.batch_tasks.clone()/>
        <div class="toolbar">
            {editable.then(|| view! { <a class="button" href=format!("/tasks/{}/edit", row.id)>"编辑任务"</a> })}
            {(!row.status.editable()).then(|| view! { <span class="note">"任务已提交，内容不能再修改（退回后可改）。"</span> })}
            {frozen.then(|| view! { <a class="button" href=format!("/tasks/{}/ceremony", row.id) data-testid="open-ceremony">{if drawn { "抽取现场（回放）" } else { "进入抽取现场" }}</a> })}
            {frozen.then(|| view! { <a class="button" rel="external" href=format!("/live/{}", row.id)>"公开直播页"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/record", row.id)>"抽取记录表"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/results", row.id)>"检查结果"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/list/consent", row.id) data-testid="consent-form">"抽取名单审批表"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/list/filing", row.id) data-testid="filing-form">"抽取名单备案表"</a> })}
        </div>
        <StepPanel task_id=row.id steps=d.steps.clone() reload/>
        <PlanChangePanel d=d.clone() reload/>
        <section>
            <h2>"任务要素"</h2>
            <dl class="facts">
                {fields.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        </section>
        <section>
            <h2>"检查对象名单"</h2>
            {match &d.draw {
                Some(x) => view! {
                    <p data-testid="pool-count">{format!("已冻结：{} 户（{}）", x.pool_count, crate::domain::date::local_time(&x.frozen_at))} " " <a href=format!("/tasks/{}/pool", row.id)>"查看名单"</a></p>
                    <p>"名单摘要 " <code>{x.pool_digest.clone()}</code></p>
                    <p>"承诺值 " <code>{x.commitment.clone()}</code></p>
                }.into_any(),
                None => view! {
                    <p data-testid="pool-count">{format!("按当前条件：{} 户，应抽取 {} 户（不低于比例，向上取整）", d.estimate.total(), d.estimate.to_draw())} " " <a href=format!("/tasks/{}/pool", row.id)>"查看名单"</a></p>
                    <EstimateTable estimate=d.estimate.clone()/>
                }.into_any(),
            }}
        </section>
        <section>
            <h2>"流转记录"</h2>
            {if d.events.is_empty() {
                view! { <p class="empty">"尚无流转记录。"</p> }.into_any()
            } else {
                view! {
                    <ol class="events">
                        {d.events.iter().map(|e| view! {
                            <li>{format!("{} {} → {}，{}", crate::domain::date::local_time(&e.at), e.from.label(), e.to.label(), e.actor)}
                                {(!e.comment.is_empty()).then(|| format!("：{}", e.comment))}</li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <section>
            <h2>"抽取"</h2>
            {match d.draw.clone() {
                Some(x) if x.seed.is_some() => view! { <DrawView x/> }.into_any(),
                Some(_) => view! { <p>"名单已冻结、承诺值已公布，等待现场抽取。"</p> }.into_any(),
                None => view! { <p class="empty">"尚未冻结名单。"</p> }.into_any(),
            }}
            {(!d.abandoned_draws.is_empty()).then(|| view! {
                <h3>"已作废的抽取"</h3>
                <ul data-testid="abandoned-draws">
                    {d.abandoned_draws.iter().map(|a| view! {
                        <li>{format!("第 {} 号抽取（{}），{} 作废，理由：{}", a.draw_id, a.drawn_at.as_deref().map(crate::domain::date::local_time).unwrap_or_default(), crate::domain::date::local_time(&a.abandoned_at), a.reason)}
                            " " <a href=format!("/verify/{}", a.draw_id)>"验证"</a></li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        <section>
            <h2>"结果进度"</h2>
            <p>{if selected_count == 0 { "尚未抽取。".to_string() } else { format!("已录入 {} / {} 户", d.results_entered, selected_count) }}</p>
            {deadline.map(|due| view! { <p data-testid="deadline">{format!("结果须在检查结束后 20 个工作日内公示，截止 {due}")}</p> })}
        </section>
    }
}

#[component]
fn EstimateTable(estimate: crate::domain::task::PoolEstimate) -> impl IntoView {
    view! {
        <table class="compact">
            <thead><tr><th>"信用风险分类"</th><th>"户数"</th><th>"比例"</th><th>"应抽取"</th></tr></thead>
            <tbody>
                {estimate.classes.iter().map(|(c, n, bp, q)| view! {
                    <tr><td>{c.clone()}</td><td>{*n}</td><td>{bp.label()}</td><td>{*q}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DrawView(x: DrawSummary) -> impl IntoView {
    view! {
        <p>"种子 " <code data-testid="seed">{x.seed.clone()}</code></p>
        <p>{format!("公共随机数：{}；抽取时间：{}", x.public_entropy.clone().unwrap_or_default(), x.drawn_at.as_deref().map(crate::domain::date::local_time).unwrap_or_default())}</p>
        <p><a href=format!("/verify/{}", x.draw_id)>"在浏览器中验证本次抽取"</a></p>
        <div class="table-wrap">
            <table data-testid="selection">
                <thead><tr><th>"序号"</th><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"检查组"</th></tr></thead>
                <tbody>
                    {x.selected.iter().enumerate().map(|(i, s)| view! {
                        <tr>
                            <td>{i + 1}</td>
                            <td>{s.name.clone()}</td>
                            <td><code>{s.code.clone()}</code></td>
                            <td>{s.team.iter().map(|(_, n, dpt)| format!("{n}（{dpt}）")).collect::<Vec<_>>().join("、")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The steps the signed-in user can take on this task now: buttons, a reason for sending
/// back, and the freeze and draw forms. Irreversible steps ask for confirmation.
#[component]
fn StepPanel(task_id: i64, steps: Vec<StepOffer>, reload: Callback<()>) -> impl IntoView {
    if steps.is_empty() {
        return ().into_any();
    }
    let comment = RwSignal::new(String::new());
    let entropy = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let step =
        Action::new(move |(to, comment): &(String, String)| take_step(task_id, to.clone(), comment.clone()));
    let freeze = Action::new(move |_: &()| freeze_task(task_id));
    let draw = Action::new(move |e: &String| draw_task(task_id, e.clone()));
    let busy = move || step.pending().get() || freeze.pending().get() || draw.pending().get();
    Effect::new(move |_| {
        let outcome = step
            .value()
            .get()
            .map(|r| r.map(|_| ()))
            .or_else(|| freeze.value().get().map(|r| r.map(|_| ())))
            .or_else(|| draw.value().get().map(|r| r.map(|_| ())));
        match outcome {
            Some(Ok(())) => {
                problem.set(None);
                reload.run(());
            }
            Some(Err(e)) => problem.set(Some(e.to_string())),
            None => {}
        }
    });
    let needs_comment = steps.iter().any(|s| s.send_back);
    let buttons = steps
        .into_iter()
        .map(|s| {
            let verb = s.verb.clone();
            let to = s.to;
            if s.dedicated && to == TaskStatus::Frozen {
                view! {
                    <button type="button" data-testid="freeze" disabled=busy on:click=move |_| {
                        if confirm("冻结后名单和承诺值即公布，不能撤销。确定冻结？") { freeze.dispatch(()); }
                    }>{verb}</button>
                }
                .into_any()
            } else if s.dedicated && to == TaskStatus::Drawn {
                view! {
                    <label class="field">
                        <span>"公共随机数（现场掷骰等，至少 1 个字符）"</span>
                        <input data-testid="entropy" prop:value=move || entropy.get()
                            on:input=move |ev| entropy.set(event_target_value(&ev))/>
                    </label>
                    <button type="button" data-testid="draw" disabled=busy on:click=move |_| {
                        if confirm("抽取只能进行一次，结果立即生效。确定抽取？") { draw.dispatch(entropy.get_untracked()); }
                    }>{verb}</button>
                }
                .into_any()
            } else {
                let class = if s.send_back { "secondary" } else { "" };
                // Declaring a draw void cannot be undone: it stays on the public pages as such.
                let warning = (to == TaskStatus::Planned)
                    .then_some("作废后本次抽取在公示页标明“已作废”，任务须重新冻结名单、另行抽取，不能撤销。确定作废？");
                view! {
                    <button type="button" class=class data-testid=format!("step-{}", to.code()) disabled=busy
                        on:click=move |_| {
                            if warning.is_none_or(confirm) {
                                step.dispatch((to.code().to_string(), comment.get_untracked()));
                            }
                        }>
                        {verb}
                    </button>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <section class="step-panel" aria-label="办理">
            <h2>"办理"</h2>
            {needs_comment.then(|| view! {
                <label class="field">
                    <span>"意见（退回、作废时必填）"</span>
                    <textarea rows="2" data-testid="step-comment" prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </label>
            })}
            <div class="actions">{buttons}</div>
            {move || freeze.pending().get().then(|| view! {
                <Waiting what="正在冻结名单……".to_string()
                    detail="按抽查对象范围读取名录、计算名单摘要和承诺值并保存。名录越大用时越长，请勿关闭本页。".to_string()/>
            })}
            {move || draw.pending().get().then(|| view! {
                <Waiting what="正在抽取……".to_string()
                    detail="逐一计算名单中每户企业的排序键，按比例抽取并随机组成检查组，然后保存抽取结果。".to_string()/>
            })}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </section>
    }
    .into_any()
}

/// 计划调整: the task's changes of window; the clerk's request form (before the draw); the
/// principal leader's consent or refusal of a waiting one.
#[component]
fn PlanChangePanel(d: TaskDetail, reload: Callback<()>) -> impl IntoView {
    use crate::api::tasks::{decide_plan_change, request_plan_change};
    use crate::domain::plan::PlanChangeStatus;
    let task_id = d.row.id;
    let current = d.row.effective_window();
    if d.plan_changes.is_empty() && !d.can_request_change {
        return ().into_any();
    }
    let year = RwSignal::new(current.year.to_string());
    let start = RwSignal::new(current.start_month.to_string());
    let end = RwSignal::new(current.end_month.to_string());
    let reason = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let request = Action::new(move |(y, a, b, r): &(i32, u32, u32, String)| {
        request_plan_change(task_id, *y, *a, *b, r.clone())
    });
    let decide =
        Action::new(move |(id, ok, c): &(i64, bool, String)| decide_plan_change(*id, *ok, c.clone()));
    Effect::new(move |_| {
        let outcome = request
            .value()
            .get()
            .map(|r| r.map(|_| ()))
            .or_else(|| decide.value().get().map(|r| r.map(|_| ())));
        match outcome {
            Some(Ok(())) => {
                problem.set(None);
                reload.run(());
            }
            Some(Err(e)) => problem.set(Some(e.to_string())),
            None => {}
        }
    });
    let months = |selected: RwSignal<String>| {
        (1..=12u32)
            .map(move |m| view! { <option value=m.to_string() selected=move || selected.get() == m.to_string()>{format!("{m} 月")}</option> })
            .collect_view()
    };
    let can_decide = d.can_decide_change;
    let has_pending = d.plan_changes.iter().any(|c| c.status == PlanChangeStatus::Pending);
    let rows = d
        .plan_changes
        .iter()
        .map(|c| {
            let id = c.id;
            let pending = c.status == PlanChangeStatus::Pending;
            view! {
                <li data-testid="plan-change">
                    {format!("原定 {}，调整为 {}，理由：{}（{} 提出，{}）", c.from.label(), c.to.label(), c.reason, c.requested_by, c.status.label())}
                    {c.decided_at.as_ref().map(|at| format!("；{} {}", crate::domain::date::local_time(at), if c.decision_comment.is_empty() { String::new() } else { format!("意见：{}", c.decision_comment) }))}
                    {(pending && can_decide).then(|| view! {
                        " "
                        <button type="button" data-testid="consent-change" on:click=move |_| { decide.dispatch((id, true, comment.get_untracked())); }>"同意调整"</button>
                        " "
                        <button type="button" class="secondary" data-testid="refuse-change" on:click=move |_| { decide.dispatch((id, false, comment.get_untracked())); }>"不同意"</button>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="plan-changes" aria-labelledby="pc-h">
            <h2 id="pc-h">"计划调整"</h2>
            <p class="hint">"无特殊情况，严格按计划执行；改变抽查时间须经主要领导同意，冻结名单和抽取都按调整后的时间办理。"</p>
            <ul>{rows}</ul>
            {(can_decide && has_pending).then(|| view! {
                <label class="field">
                    <span>"意见（不同意时必填）"</span>
                    <input data-testid="change-comment" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
                </label>
            })}
            {(d.can_request_change && !has_pending).then(|| view! {
                <form class="inline-fields" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let parse = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
                    let y = year.get_untracked().trim().parse::<i32>().unwrap_or(0);
                    request.dispatch((y, parse(start), parse(end), reason.get_untracked()));
                }>
                    <label class="field small"><span>"年份"</span>
                        <input name="year" inputmode="numeric" prop:value=move || year.get() on:input=move |ev| year.set(event_target_value(&ev))/></label>
                    <label class="field small"><span>"开始月份"</span>
                        <select name="start_month" on:change=move |ev| start.set(event_target_value(&ev))>{months(start)}</select></label>
                    <label class="field small"><span>"结束月份"</span>
                        <select name="end_month" on:change=move |ev| end.set(event_target_value(&ev))>{months(end)}</select></label>
                    <label class="field"><span>"调整理由"</span>
                        <input name="reason" data-testid="change-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/></label>
                    <button type="submit" data-testid="request-change">"提出计划调整"</button>
                </form>
            })}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </section>
    }
    .into_any()
}

/// 分批抽取: a split task's batches (each a draw of its own, made when frozen), or, on a
/// batch, the task it belongs to and the rule that splits the quota.
#[component]
fn Batches(row: crate::domain::plan::TaskRow, made: Vec<(i64, i64, TaskStatus)>) -> impl IntoView {
    if let Some((parent, k)) = row.batch_of {
        return view! {
            <p class="note" data-testid="batch-of">{format!("本任务为分批抽取的第 {k} 批；")}
                <a href=format!("/tasks/{parent}")>"查看全部批次"</a>"。"{crate::domain::batch::RULE}</p>
        }
        .into_any();
    }
    if row.batches.is_empty() {
        return ().into_any();
    }
    let n = row.batches.len();
    let lines = row.batches.iter().enumerate().map(|(i, b)| {
        let k = i as i64 + 1;
        let task = made.iter().find(|m| m.0 == k).map(|(_, id, status)| {
            view! { <a href=format!("/tasks/{id}")>{format!("批次任务（{}）", status.label())}</a> }
        });
        view! { <li>{format!("第 {k} 批：{}；", b.label())}{task.map(|t| t.into_any()).unwrap_or_else(|| "尚未冻结".into_any())}</li> }
    });
    view! {
        <section class="batches" data-testid="batches">
            <h2>{format!("分批抽取（共 {n} 批）")}</h2>
            <p class="note">{crate::domain::batch::RULE}" 每批单独冻结、抽取、同意、备案与检查；“冻结名单”冻结下一批。"</p>
            <ol>{lines.collect_view()}</ol>
        </section>
    }
    .into_any()
}
