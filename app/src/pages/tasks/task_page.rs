//! `/tasks/:id`: everything about one task in one place.

use crate::api::tasks::get_task;
use crate::api::workflow::{draw_task, freeze_task, take_step};
use crate::components::confirm;
use crate::components::error_view::ErrorBox;
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
    let mut filters = Vec::new();
    if let Some(c) = &draft.scope.category {
        filters.push(format!("类别：{c}"));
    }
    if let Some(f) = &draft.scope.filed_before {
        filters.push(format!("登记备案不晚于 {f}"));
    }
    if !draft.scope.regions.is_empty() {
        filters.push(format!("区域：{} 个县（市、区）", draft.scope.regions.len()));
    }
    if !draft.scope.risk_classes.is_empty() {
        let classes: Vec<&str> = draft.scope.risk_classes.iter().map(|c| c.code()).collect();
        filters.push(format!("信用风险分类：{}", classes.join("、")));
    }
    let fields: Vec<(&str, String)> = vec![
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
        ("联合部门", row.joint_department.clone().unwrap_or_else(|| "—".into())),
        ("抽查时间", row.window.label()),
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
        <div class="toolbar">
            {editable.then(|| view! { <a class="button" href=format!("/tasks/{}/edit", row.id)>"编辑任务"</a> })}
            {(!row.status.editable()).then(|| view! { <span class="note">"任务已提交，内容不能再修改（退回后可改）。"</span> })}
            {frozen.then(|| view! { <a class="button" href=format!("/tasks/{}/ceremony", row.id) data-testid="open-ceremony">{if drawn { "抽取现场（回放）" } else { "进入抽取现场" }}</a> })}
            {frozen.then(|| view! { <a class="button" href=format!("/live/{}", row.id)>"公开直播页"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/record", row.id)>"抽取记录表"</a> })}
            {drawn.then(|| view! { <a class="button" href=format!("/tasks/{}/results", row.id)>"检查结果"</a> })}
        </div>
        <StepPanel task_id=row.id steps=d.steps.clone() reload/>
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
                    <p data-testid="pool-count">{format!("已冻结：{} 户（{}）", x.pool_count, x.frozen_at)} " " <a href=format!("/tasks/{}/pool", row.id)>"查看名单"</a></p>
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
                            <li>{format!("{} {} → {}，{}", e.at, e.from.label(), e.to.label(), e.actor)}
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
        <p>{format!("公共随机数：{}；抽取时间：{}", x.public_entropy.clone().unwrap_or_default(), x.drawn_at.clone().unwrap_or_default())}</p>
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
                view! {
                    <button type="button" class=class data-testid=format!("step-{}", to.code()) disabled=busy
                        on:click=move |_| { step.dispatch((to.code().to_string(), comment.get_untracked())); }>
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
                    <span>"意见（退回时必填）"</span>
                    <textarea rows="2" data-testid="step-comment" prop:value=move || comment.get()
                        on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </label>
            })}
            <div class="actions">{buttons}</div>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </section>
    }
    .into_any()
}
