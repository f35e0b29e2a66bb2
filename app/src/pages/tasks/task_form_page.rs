//! `/tasks/new?year=Y` and `/tasks/:id/edit`: every column of the plan table, with the
//! pool the filters give shown live while editing.

use crate::api::tasks::{estimate_pool, get_task_form, save_task};
use crate::components::error_view::ErrorBox;
use crate::domain::enterprise::RiskClass;
use crate::domain::plan::{TaskKind, TaskSource};
use crate::domain::ratio::Ratio;
use crate::domain::task::{FieldError, Scope, TaskDraft};
use crate::domain::task_view::TaskFormOptions;
use crate::error::AppError;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// The task form page (new or edit).
#[component]
pub fn TaskFormPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let year = move || query.read().get("year").and_then(|v| v.parse::<i32>().ok());
    let form = Resource::new(id, get_task_form);
    view! {
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok((draft, options)) => {
                        let draft = draft.unwrap_or_else(|| new_draft(year().or(options.years.first().copied()).unwrap_or(2023)));
                        view! { <TaskForm draft options/> }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn new_draft(year: i32) -> TaskDraft {
    TaskDraft {
        id: None,
        year,
        plan_no: String::new(),
        plan_name: String::new(),
        task_no: String::new(),
        task_name: String::new(),
        kind: TaskKind::Targeted,
        ratio_bp: Ratio::from_bp(200).unwrap_or_default(),
        risk_ratios_bp: Default::default(),
        item_ids: Vec::new(),
        scope_text: String::new(),
        scope: Scope::default(),
        initiating_department_id: String::new(),
        joint_department_ids: Vec::new(),
        start_month: 1,
        end_month: 1,
        team_size: 2,
        max_per_inspector: 0,
        source: Default::default(),
        assigned_by: String::new(),
        assigned_doc_no: String::new(),
        repeat_exclusion: Default::default(),
        watch_ratio_bp: None,
        batches: Vec::new(),
    }
}

/// The ratio typed in a percentage field (`2`, `2.5`, `2%`, full-width digits too).
fn percent_to_bp(text: &str) -> Option<Ratio> {
    Ratio::parse_percent(text).ok()
}

fn bp_to_percent(ratio: Ratio) -> String {
    ratio.label().trim_end_matches('%').to_string()
}

#[component]
fn TaskForm(draft: TaskDraft, options: TaskFormOptions) -> impl IntoView {
    let is_new = draft.id.is_none();
    let d = RwSignal::new(draft.clone());
    let ratio_text = RwSignal::new(bp_to_percent(draft.ratio_bp));
    let by_class = RwSignal::new(!draft.risk_ratios_bp.is_empty());
    let class_text: Vec<(RiskClass, RwSignal<String>)> =
        RiskClass::ALL.into_iter().map(|c| (c, RwSignal::new(bp_to_percent(draft.ratio_of(c))))).collect();
    let tried = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);

    // Ratios: the text fields are the source; the draft gets the parsed values.
    let class_text_for_sync = class_text.clone();
    let ratio_problem = Memo::new(move |_| {
        let mut problems = Vec::new();
        match percent_to_bp(&ratio_text.get()) {
            Some(bp) => d.update(|x| x.ratio_bp = bp),
            None => problems.push(FieldError {
                field: "ratio".into(),
                message: "抽查比例应为 0–100 之间的百分数，如 2 或 2.5".into(),
            }),
        }
        let mut classes = std::collections::BTreeMap::new();
        if by_class.get() {
            for (c, t) in &class_text_for_sync {
                match percent_to_bp(&t.get()) {
                    Some(bp) => {
                        classes.insert(c.code().to_string(), bp);
                    }
                    None => problems.push(FieldError {
                        field: "risk_ratios".into(),
                        message: format!("{} 类比例应为 0–100 之间的百分数", c.code()),
                    }),
                }
            }
        }
        d.update(|x| x.risk_ratios_bp = classes);
        problems
    });
    let errors = Memo::new(move |_| {
        let mut e = ratio_problem.get();
        e.extend(
            d.with(|x| x.validate()).into_iter().filter(|f| f.field != "ratio" && f.field != "risk_ratios"),
        );
        e
    });
    // The page's own checks first, then what the server said about the same field.
    let error_of = move |field: &'static str| {
        move || {
            tried
                .get()
                .then(|| errors.with(|e| e.iter().find(|x| x.field == field).map(|x| x.message.clone())))
                .flatten()
                .or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.on_field(field))))
        }
    };

    let estimate = Resource::new(
        move || d.with(|x| (x.scope.clone(), x.ratio_bp, x.risk_ratios_bp.clone())),
        |(scope, ratio, classes)| estimate_pool(scope, ratio, classes),
    );

    let navigate = use_navigate();
    let save = Action::new(|draft: &TaskDraft| save_task(draft.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) => navigate(&format!("/tasks/{id}"), Default::default()),
        Some(Err(e)) => server_error.set(Some(e)),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        server_error.set(None);
        if errors.with(|e| e.is_empty()) {
            save.dispatch(d.get_untracked());
        }
    };

    let text = move |label: &'static str,
                     field: &'static str,
                     get: fn(&TaskDraft) -> String,
                     set: fn(&mut TaskDraft, String)| {
        let err = error_of(field);
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=field prop:value=move || d.with(get) on:input=move |ev| d.update(|x| set(x, event_target_value(&ev)))
                    aria-invalid=move || err().is_some().then_some("true")/>
                {move || err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
            </label>
        }
    };

    let departments = options.departments.clone();
    let dept_options = move |selected: Option<String>| {
        departments
            .iter()
            .map(|(id, name)| view! { <option value=id.clone() selected=selected.as_deref() == Some(id.as_str())>{name.clone()}</option> })
            .collect_view()
    };
    let months = |selected: u32| {
        (1..=12u32)
            .map(
                |m| view! { <option value=m.to_string() selected=m == selected>{format!("{m} 月")}</option> },
            )
            .collect_view()
    };
    let window_err = error_of("window");
    let category_err = error_of("category");
    let team_err = error_of("team_size");
    let filed_err = error_of("filed_before");
    let ratio_err = error_of("ratio");
    let classes_err = error_of("risk_ratios");
    let dept_err = error_of("initiating_department_id");
    let joint_err = error_of("joint_department_ids");
    let assigned_err = error_of("assigned_by");
    let title =
        if is_new { "新增抽查任务".to_string() } else { format!("编辑：{}", draft.task_name) };

    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <form class="task-form" on:submit=on_submit novalidate>
            {view! { <fieldset>
                <legend>{format!("{} 年度计划中的任务", draft.year)}</legend>
                <label class="field">
                    <span>"任务来源"</span>
                    <select name="source" data-testid="task-source" on:change=move |ev| d.update(|x| x.source = TaskSource::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {TaskSource::ALL.into_iter().map(|s| view! { <option value=s.code() selected=draft.source == s>{s.label()}</option> }).collect_view()}
                    </select>
                    <span class="hint">"专项检查和上级部署的任务同样公开抽取，但不计入年度计划。"</span>
                </label>
                <Show when=move || d.with(|x| x.source == TaskSource::Assigned)>
                    <div class="inline-fields">
                        {text("部署单位（如市双随办）", "assigned_by", |x| x.assigned_by.clone(), |x, v| x.assigned_by = v)}
                        {text("部署文件编号", "assigned_doc_no", |x| x.assigned_doc_no.clone(), |x, v| x.assigned_doc_no = v)}
                    </div>
                    {move || assigned_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </Show>
                {text("抽查计划编号", "plan_no", |x| x.plan_no.clone(), |x, v| x.plan_no = v)}
                {text("抽查计划名称", "plan_name", |x| x.plan_name.clone(), |x, v| x.plan_name = v)}
                {text("抽查任务编号", "task_no", |x| x.task_no.clone(), |x, v| x.task_no = v)}
                {text("抽查任务名称", "task_name", |x| x.task_name.clone(), |x, v| x.task_name = v)}
                <label class="field">
                    <span>"抽查类型"</span>
                    <select name="kind" on:change=move |ev| d.update(|x| x.kind = TaskKind::parse(&event_target_value(&ev)).unwrap_or(TaskKind::Targeted))>
                        <option value="targeted" selected=draft.kind == TaskKind::Targeted>"定向"</option>
                        <option value="general" selected=draft.kind == TaskKind::General>"不定向"</option>
                    </select>
                </label>
                <label class="field">
                    <span>"抽查比例（%）"</span>
                    <input name="ratio" inputmode="decimal" prop:value=move || ratio_text.get() on:input=move |ev| ratio_text.set(event_target_value(&ev))/>
                    {move || ratio_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </label>
                <label class="check">
                    <input type="checkbox" name="by_class" prop:checked=move || by_class.get() on:change=move |ev| by_class.set(event_target_checked(&ev))/>
                    "按信用风险分类设置不同比例（对风险高的企业提高比例）"
                </label>
                <Show when=move || by_class.get()>
                    <div class="inline-fields">
                        {class_text.iter().map(|(c, t)| {
                            let t = *t;
                            view! {
                                <label class="field small">
                                    <span>{format!("{} 类（%）", c.code())}</span>
                                    <input name=format!("ratio_{}", c.code()) inputmode="decimal" prop:value=move || t.get() on:input=move |ev| t.set(event_target_value(&ev))/>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    {move || classes_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </Show>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>"抽查事项"</legend>
                <div class="checks-grid">
                    {options.items.iter().map(|(id, name)| {
                        let id = *id;
                        view! {
                            <label class="check">
                                <input type="checkbox" name="items" prop:checked=move || d.with(|x| x.item_ids.contains(&id))
                                    on:change=move |ev| { let on = event_target_checked(&ev); d.update(|x| { x.item_ids.retain(|i| *i != id); if on { x.item_ids.push(id); } }) }/>
                                {name.clone()}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>"抽查对象范围"</legend>
                {text("范围说明（计划表中的文字）", "scope_text", |x| x.scope_text.clone(), |x, v| x.scope_text = v)}
                <label class="field">
                    <span>"检查对象类别"</span>
                    <select name="category" on:change=move |ev| { let v = event_target_value(&ev); d.update(|x| x.scope.category = (!v.is_empty()).then_some(v)) }>
                        <option value="">"全部类别（不定向）"</option>
                        {options.categories.iter().map(|c| view! { <option value=c.clone() selected=draft.scope.category.as_deref() == Some(c.as_str())>{c.clone()}</option> }).collect_view()}
                    </select>
                    {move || category_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </label>
                <label class="field">
                    <span>"登记备案不晚于"</span>
                    <input type="date" name="filed_before" prop:value=move || d.with(|x| x.scope.filed_before.clone().unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); d.update(|x| x.scope.filed_before = (!v.is_empty()).then_some(v)) }/>
                    {move || filed_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </label>
                <p class="hint">"区域（不选则为全市）"</p>
                <div class="checks-grid">
                    {options.regions.iter().map(|(code, name)| {
                        let code = code.clone();
                        let c2 = code.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" name="regions" prop:checked=move || d.with(|x| x.scope.regions.contains(&code))
                                    on:change=move |ev| { let on = event_target_checked(&ev); let c = c2.clone(); d.update(|x| { x.scope.regions.retain(|r| *r != c); if on { x.scope.regions.push(c); x.scope.regions.sort(); } }) }/>
                                {name.clone()}
                            </label>
                        }
                    }).collect_view()}
                </div>
                {filter_checks("行业（不选则为全部）", "industries", options.industries.clone(), d, |x| &x.scope.industries, |x| &mut x.scope.industries)}
                {filter_checks("企业性质（不选则为全部）", "natures", options.natures.clone(), d, |x| &x.scope.natures, |x| &mut x.scope.natures)}
                {filter_checks("经营规模（不选则为全部）", "scales", options.scales.clone(), d, |x| &x.scope.scales, |x| &mut x.scope.scales)}
                <p class="hint">"信用风险分类（不选则为全部）"</p>
                <div class="checks-grid">
                    {RiskClass::ALL.into_iter().map(|c| view! {
                        <label class="check">
                            <input type="checkbox" name="risk_classes" prop:checked=move || d.with(|x| x.scope.risk_classes.contains(&c))
                                on:change=move |ev| { let on = event_target_checked(&ev); d.update(|x| { x.scope.risk_classes.retain(|r| *r != c); if on { x.scope.risk_classes.push(c); x.scope.risk_classes.sort(); } }) }/>
                            {format!("{} 类", c.code())}
                        </label>
                    }).collect_view()}
                </div>
                <div class="estimate" aria-live="polite" data-testid="estimate">
                    <Suspense fallback=|| view! { <span>"正在计算名单…"</span> }>
                        {move || Suspend::new(async move {
                            match estimate.await {
                                Ok(e) => view! {
                                    <span data-testid="estimate-total">{format!("按当前条件：名单 {} 户，应抽取 {} 户", e.total(), e.to_draw())}</span>
                                    <span class="hint">{e.classes.iter().map(|(c, n, bp, q)| format!("{c} 类 {n} 户 × {} → {q} 户", bp.label())).collect::<Vec<_>>().join("；")}</span>
                                }.into_any(),
                                Err(error) => view! { <ErrorBox error/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </div>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend>"部门与时间"</legend>
                <label class="field">
                    <span>"发起部门"</span>
                    <select name="initiating_department_id" on:change=move |ev| d.update(|x| x.initiating_department_id = event_target_value(&ev))>
                        <option value="">"请选择"</option>
                        {dept_options(Some(draft.initiating_department_id.clone()))}
                    </select>
                    {move || dept_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                </label>
                <p class="hint">"联合部门（可多选；每个检查组都含发起部门和每个联合部门的人员）"</p>
                <div class="checks-grid" data-testid="joint-departments">
                    {options.departments.iter().map(|(id, name)| {
                        let id = id.clone();
                        let id2 = id.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" name="joint_department_ids" prop:checked=move || d.with(|x| x.joint_department_ids.contains(&id))
                                    on:change=move |ev| { let on = event_target_checked(&ev); let j = id2.clone(); d.update(|x| { x.joint_department_ids.retain(|r| *r != j); if on { x.joint_department_ids.push(j); } }) }/>
                                {name.clone()}
                            </label>
                        }
                    }).collect_view()}
                </div>
                {move || joint_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                <div class="inline-fields">
                    <label class="field small">
                        <span>"开始月份"</span>
                        <select name="start_month" on:change=move |ev| d.update(|x| x.start_month = event_target_value(&ev).parse().unwrap_or(1))>{months(draft.start_month)}</select>
                    </label>
                    <label class="field small">
                        <span>"结束月份"</span>
                        <select name="end_month" on:change=move |ev| d.update(|x| x.end_month = event_target_value(&ev).parse().unwrap_or(1))>{months(draft.end_month)}</select>
                    </label>
                </div>
                {move || window_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                <div class="inline-fields">
                    <label class="field small">
                        <span>"检查组人数"</span>
                        <input type="number" min="2" name="team_size" prop:value=move || d.with(|x| x.team_size.to_string())
                            on:input=move |ev| d.update(|x| x.team_size = event_target_value(&ev).parse().unwrap_or(0))/>
                    </label>
                    <label class="field small">
                        <span>"每人上限（0 为不限）"</span>
                        <input type="number" min="0" name="max_per_inspector" prop:value=move || d.with(|x| x.max_per_inspector.to_string())
                            on:input=move |ev| d.update(|x| x.max_per_inspector = event_target_value(&ev).parse().unwrap_or(0))/>
                    </label>
                </div>
                {move || team_err().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
            </fieldset> }.into_any()}
            <RepeatAndWatch d watch_err=Signal::derive(error_of("watch_ratio")) batches_err=Signal::derive(error_of("batches"))/>
            {move || server_error.get().map(|error| view! { <ErrorBox error/> })}
            {move || (tried.get() && !errors.with(|e| e.is_empty())).then(|| view! { <p class="error" role="alert">"请先改正标出的项目。"</p> })}
            <div class="actions">
                <button type="submit" data-testid="save-task" disabled=move || save.pending().get()>{if is_new { "保存任务" } else { "保存修改" }}</button>
                <a href=move || d.with(|x| x.id.map(|id| format!("/tasks/{id}")).unwrap_or_else(|| format!("/plans/{}", x.year)))>"取消"</a>
            </div>
        </form>
    }
}

/// 避免检查过多 and 重点关注: leave out enterprises inspected lately for the same item, and
/// draw those on the 重点关注 list at their own, higher ratio.
#[component]
fn RepeatAndWatch(
    d: RwSignal<TaskDraft>,
    watch_err: Signal<Option<String>>,
    batches_err: Signal<Option<String>>,
) -> impl IntoView {
    use crate::domain::batch::{batches_text, parse_batches};
    use crate::domain::watch::RepeatExclusion;
    let batch_text = RwSignal::new(d.with_untracked(|x| batches_text(&x.batches)));
    let batch_typo = RwSignal::new(None::<String>);
    let watch_text =
        RwSignal::new(d.with_untracked(|x| x.watch_ratio_bp.map(bp_to_percent).unwrap_or_default()));
    let typo = RwSignal::new(false);
    view! {
        <fieldset>
            <legend>"检查频次"</legend>
            <label class="field">
                <span>"重复检查"</span>
                <select name="repeat_exclusion" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    d.update(|x| x.repeat_exclusion = RepeatExclusion::parse(&v).unwrap_or_default());
                }>
                    {RepeatExclusion::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || d.with(|x| x.repeat_exclusion == r)>{r.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="field small">
                <span>"重点关注企业抽查比例（%，留空则按风险类别）"</span>
                <input name="watch_ratio" inputmode="decimal" prop:value=move || watch_text.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let parsed = if text.trim().is_empty() { Some(None) } else { percent_to_bp(&text).map(Some) };
                        typo.set(parsed.is_none());
                        if let Some(p) = parsed { d.update(|x| x.watch_ratio_bp = p); }
                        watch_text.set(text);
                    }/>
                {move || typo.get().then(|| view! { <span class="field-error" role="alert">"应为 0–100 之间的百分数，如 10"</span> })}
                {move || watch_err.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
            </label>
            <label class="field">
                <span>"分批抽取（每批月份，用逗号分隔，如 7-7, 8-8, 9-9；留空则一次抽取）"</span>
                <input name="batches" prop:value=move || batch_text.get()
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        match parse_batches(&text) {
                            Ok(b) => { batch_typo.set(None); d.update(|x| x.batches = b); }
                            Err(why) => batch_typo.set(Some(why)),
                        }
                        batch_text.set(text);
                    }/>
                {move || batch_typo.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
                {move || batches_err.get().map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
            </label>
            <p class="note"><a href="/registry/watchlist">"重点关注名单"</a>"：近 12 个月举报投诉较多或经写明理由列入的企业，单独分层抽取，不对外公开其名单。"</p>
        </fieldset>
    }
    .into_any()
}

/// A group of checkboxes for one of the notice's scope filters (检查对象类型、行业、性质、
/// 经营规模、地理区域): none checked means all.
fn filter_checks(
    hint: &'static str,
    name: &'static str,
    choices: Vec<String>,
    d: RwSignal<TaskDraft>,
    get: fn(&TaskDraft) -> &Vec<String>,
    get_mut: fn(&mut TaskDraft) -> &mut Vec<String>,
) -> impl IntoView {
    view! {
        <p class="hint">{hint}</p>
        <div class="checks-grid" data-testid=format!("filter-{name}")>
            {choices.into_iter().map(|choice| {
                let c = choice.clone();
                let c2 = choice.clone();
                view! {
                    <label class="check">
                        <input type="checkbox" name=name prop:checked=move || d.with(|x| get(x).contains(&c))
                            on:change=move |ev| { let on = event_target_checked(&ev); let v = c2.clone(); d.update(|x| { let list = get_mut(x); list.retain(|r| *r != v); if on { list.push(v); list.sort(); } }) }/>
                        {choice}
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages() {
        let bp = |text: &str| percent_to_bp(text).map(Ratio::bp);
        assert_eq!(bp("2"), Some(200));
        assert_eq!(bp("2.5%"), Some(250));
        assert_eq!(bp(" 0.05 "), Some(5));
        assert_eq!(bp("100"), Some(10_000));
        assert_eq!(percent_to_bp("100.01"), None);
        assert_eq!(percent_to_bp("2.555"), None);
        assert_eq!(percent_to_bp("abc"), None);
        assert_eq!(percent_to_bp(""), None);
        assert_eq!(bp_to_percent(Ratio::from_bp(250).unwrap()), "2.5");
    }
}
