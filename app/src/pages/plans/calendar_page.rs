//! 年度计划日历 — the plan's tasks on a January–December timeline, filterable by
//! department and status, usable by keyboard alone; a month list on phones.

use crate::api::plans::{get_plan, PlanPage as PlanData};
use crate::components::error_view::ErrorBox;
use crate::domain::plan::{AnnualPlan, TaskRow};
use crate::domain::workflow::TaskStatus;
use crate::labels;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// `/calendar` (newest year) and `/plans/:year/calendar`.
#[component]
pub fn CalendarPage() -> impl IntoView {
    let params = use_params_map();
    let year = move || params.read().get("year").and_then(|y| y.parse::<i32>().ok());
    // Today travels with the plan: during SSR it is the server's date, serialized into
    // the page, so hydration renders the same marker; the client corrects it afterwards.
    let data = Resource::new(year, |y| async move { get_plan(y).await.map(|page| (page, today())) });
    view! {
        <Title text=labels::NAV_CALENDAR/>
        <Suspense fallback=|| view! { <p>{labels::LOADING}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((PlanData { plan: Some(plan), years, .. }, today)) => {
                        view! { <CalendarView plan years today/> }.into_any()
                    }
                    Ok((PlanData { plan: None, .. }, _)) => {
                        view! { <p class="empty">{labels::NO_PLAN}</p> }.into_any()
                    }
                    Err(error) => view! { <ErrorBox error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The colour groups of the legend; several workflow statuses share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StatusGroup {
    Draft,
    Submitted,
    Planned,
    Frozen,
    Drawn,
    Inspecting,
    Results,
    Published,
}

impl StatusGroup {
    const ALL: [StatusGroup; 8] = [
        Self::Draft,
        Self::Submitted,
        Self::Planned,
        Self::Frozen,
        Self::Drawn,
        Self::Inspecting,
        Self::Results,
        Self::Published,
    ];

    fn of(status: TaskStatus) -> Self {
        match status {
            TaskStatus::Draft => Self::Draft,
            TaskStatus::Submitted => Self::Submitted,
            TaskStatus::Planned => Self::Planned,
            TaskStatus::Frozen => Self::Frozen,
            TaskStatus::Drawn
            | TaskStatus::ListSubmitted
            | TaskStatus::ListConsented
            | TaskStatus::ListFiled => Self::Drawn,
            TaskStatus::Inspecting => Self::Inspecting,
            TaskStatus::ResultsEntered | TaskStatus::Reviewed => Self::Results,
            TaskStatus::Published | TaskStatus::Closed => Self::Published,
        }
    }

    /// The filter value and the CSS class suffix (`cal-g-<code>`).
    fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Planned => "planned",
            Self::Frozen => "frozen",
            Self::Drawn => "drawn",
            Self::Inspecting => "inspecting",
            Self::Results => "results",
            Self::Published => "published",
        }
    }

    fn label(self) -> &'static str {
        labels::CALENDAR_STATUS_GROUPS[self as usize]
    }
}

/// A calendar date, for the "today" marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Day {
    year: i32,
    month: u32,
    day: u32,
}

impl Day {
    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    fn from_unix_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// Where the day falls in its year, 0.0 (1 January) to 1.0, on a scale of twelve
    /// equal month columns: the middle of the day within its month's column.
    fn position_in_year(self) -> f64 {
        let days = days_in_month(self.year, self.month);
        (f64::from(self.month - 1) + (f64::from(self.day) - 0.5) / f64::from(days)) / 12.0
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today where this code runs: the server's clock in China Standard Time (UTC+8, the
/// plans' time zone), or the browser's local date.
fn today() -> Option<Day> {
    #[cfg(feature = "ssr")]
    {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
        Some(Day::from_unix_days((secs as i64 + 8 * 3600).div_euclid(86_400)))
    }
    #[cfg(not(feature = "ssr"))]
    {
        client_today()
    }
}

/// The browser's local date; `None` outside the browser.
fn client_today() -> Option<Day> {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        Some(Day { year: now.get_full_year() as i32, month: now.get_month() + 1, day: now.get_date() })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

fn matches(task: &TaskRow, department: &str, group: &str) -> bool {
    (department.is_empty()
        || task.initiating_department_id == department
        || task.joint_department_ids.iter().any(|j| j == department))
        && (group.is_empty() || StatusGroup::of(task.status).code() == group)
}

#[component]
fn CalendarView(plan: AnnualPlan, years: Vec<i32>, today: Option<Day>) -> impl IntoView {
    let year = plan.year;
    // Filters start from the query string, so the pre-WASM form (GET) works too.
    let query = use_query_map();
    let initial = |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let (initial_department, initial_group) = (initial("department"), initial("status"));
    let department = RwSignal::new(initial_department.clone());
    let group = RwSignal::new(initial_group.clone());
    let hydrated = RwSignal::new(false);
    let today = RwSignal::new(today);
    Effect::new(move |_| {
        hydrated.set(true);
        if let Some(day) = client_today() {
            today.set(Some(day));
        }
    });

    let departments = crate::domain::plan::departments_of(&plan.tasks);
    // The plan's tasks, then the special and assigned ones (marked, not counted in the plan).
    let tasks = StoredValue::new(plan.all_tasks().cloned().collect::<Vec<_>>());
    let visible = Memo::new(move |_| {
        let (d, g) = (department.get(), group.get());
        tasks.with_value(|ts| ts.iter().filter(|t| matches(t, &d, &g)).cloned().collect::<Vec<_>>())
    });

    let year_links = years
        .into_iter()
        .map(|y| {
            view! {
                <a href=format!("/plans/{y}/calendar") aria-current=(y == year).then_some("page")>
                    {format!("{y} 年")}
                </a>
            }
        })
        .collect_view();
    let department_options = departments
        .into_iter()
        .map(|(id, name)| {
            let selected = id == initial_department;
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    let group_options = StatusGroup::ALL
        .into_iter()
        .map(|g| view! { <option value=g.code() selected=g.code() == initial_group>{g.label()}</option> })
        .collect_view();
    let legend = StatusGroup::ALL
        .into_iter()
        .map(|g| {
            view! {
                <li>
                    <span class=format!("cal-swatch cal-g-{}", g.code()) aria-hidden="true"></span>
                    {g.label()}
                </li>
            }
        })
        .collect_view();
    let month_heads = (1..=12u32)
        .map(|m| view! { <span class="cal-month" style=format!("grid-column:{m}")>{labels::month(m)}</span> })
        .collect_view();
    let months = (1..=12u32)
        .map(|m| {
            let in_month = move || {
                visible.with(|ts| {
                    ts.iter()
                        .filter(|t| (t.window.start_month..=t.window.end_month).contains(&m))
                        .cloned()
                        .collect::<Vec<_>>()
                })
            };
            view! {
                <Show when=move || !in_month().is_empty()>
                    <section class="cal-month-group" data-month=m>
                        <h3>{labels::month(m)}</h3>
                        <ul>
                            <For each=in_month key=|t| t.id let:task>
                                <MonthItem task/>
                            </For>
                        </ul>
                    </section>
                </Show>
            }
            .into_any()
        })
        .collect_view();

    // Each part is type-erased (`into_any`): one nested view type would be too deep for rustc.
    let toolbar = view! {
        <div class="toolbar">
            <nav class="years" aria-label="年度">{year_links}</nav>
            <a href=format!("/plans/{year}")>{labels::CALENDAR_TABLE_VIEW}</a>
        </div>
        <form class="toolbar cal-filters" method="get" action=format!("/plans/{year}/calendar")>
            <label class="filter">
                {labels::FILTER_DEPARTMENT}
                <select
                    name="department"
                    data-testid="department-filter"
                    on:change=move |ev| department.set(event_target_value(&ev))
                >
                    <option value="">{labels::ALL_DEPARTMENTS}</option>
                    {department_options}
                </select>
            </label>
            <label class="filter">
                {labels::FILTER_STATUS}
                <select name="status" data-testid="status-filter" on:change=move |ev| group.set(event_target_value(&ev))>
                    <option value="">{labels::ALL_STATUSES}</option>
                    {group_options}
                </select>
            </label>
            // Before the WASM arrives the selects submit the form; afterwards they filter at once.
            <Show when=move || !hydrated.get()>
                <button type="submit">{labels::APPLY_FILTER}</button>
            </Show>
            <span class="count" data-testid="task-count" aria-live="polite">
                {move || labels::task_count(visible.with(Vec::len))}
            </span>
        </form>
    }
    .into_any();
    let marker = move || {
        today.get().filter(|d| d.year == year).map(|d| {
            view! {
                <div
                    class="cal-today"
                    data-testid="today-marker"
                    style=format!("--at:{:.4}", d.position_in_year())
                    title=format!("{}：{}-{:02}-{:02}", labels::CALENDAR_TODAY, d.year, d.month, d.day)
                    aria-hidden="true"
                >
                    <span>{labels::CALENDAR_TODAY}</span>
                </div>
            }
        })
    };
    let timeline = view! {
        <section class="cal-timeline" data-testid="timeline" aria-label=labels::CALENDAR_TIMELINE>
            <div class="cal-grid">
                <div class="cal-row cal-head" aria-hidden="true">
                    <span class="cal-label">{labels::CALENDAR_TASK_COLUMN}</span>
                    <div class="cal-track">{month_heads}</div>
                </div>
                <ol class="cal-rows" on:keydown=move_focus>
                    <For each=move || visible.get() key=|t| t.id let:task>
                        <TaskBar task/>
                    </For>
                    <Show when=move || visible.with(Vec::is_empty)>
                        <li class="cal-empty">{labels::NO_MATCHING_TASKS}</li>
                    </Show>
                </ol>
                {marker}
            </div>
        </section>
    }
    .into_any();
    let month_list = view! {
        <section class="cal-by-month" data-testid="month-list" aria-label=labels::CALENDAR_BY_MONTH>
            <h2>{labels::CALENDAR_BY_MONTH}</h2>
            {months}
            <Show when=move || visible.with(Vec::is_empty)>
                <p class="empty">{labels::NO_MATCHING_TASKS}</p>
            </Show>
        </section>
    }
    .into_any();

    view! {
        <div class="cal">
            <h1>{format!("{} · {}", plan.title, labels::NAV_CALENDAR)}</h1>
            {toolbar}
            <h2 class="cal-legend-title">{labels::CALENDAR_LEGEND}</h2>
            <ul class="cal-legend" data-testid="legend">{legend}</ul>
            <p class="cal-hint">{labels::CALENDAR_HINT}</p>
            {timeline}
            {month_list}
        </div>
    }
}

/// Arrow keys, Home and End move focus between the bars (the list's links, in task order).
fn move_focus(ev: leptos::ev::KeyboardEvent) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement};
    if ev.alt_key() || ev.ctrl_key() || ev.meta_key() || ev.shift_key() {
        return;
    }
    let Some(bar) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
    if !bar.matches(".cal-bar").unwrap_or(false) {
        return;
    }
    let Some(list) = bar.closest(".cal-rows").ok().flatten() else { return };
    let bars = list.get_elements_by_class_name("cal-bar");
    let count = bars.length();
    let Some(current) = (0..count).find(|&i| bars.item(i).as_ref() == Some(&bar)) else { return };
    let next = match ev.key().as_str() {
        "ArrowDown" | "ArrowRight" => (current + 1).min(count - 1),
        "ArrowUp" | "ArrowLeft" => current.saturating_sub(1),
        "Home" => 0,
        "End" => count - 1,
        _ => return,
    };
    ev.prevent_default();
    if let Some(target) = bars.item(next).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = target.focus();
    }
}

/// One timeline row: the task's number and name, then its bar over twelve month cells.
#[component]
fn TaskBar(task: TaskRow) -> impl IntoView {
    let id = task.id;
    let (start, end) = (task.window.start_month, task.window.end_month);
    let group = StatusGroup::of(task.status);
    // Escape hides the details (WCAG 1.4.13) until the bar is focused or hovered again.
    let tip_off = RwSignal::new(false);
    // Details of late-year bars open leftwards so they stay on screen.
    let slot_class = if start > 6 { "cal-slot cal-tip-end" } else { "cal-slot" };
    let cells = (1..=12u32)
        .map(|m| view! { <span class="cal-cell" style=format!("grid-column:{m}")></span> })
        .collect_view();
    let special = (task.source != crate::domain::plan::TaskSource::Plan)
        .then(|| view! { <span class="tag">{format!("{}，不计入本计划", task.source.label())}</span> });
    // A consented 计划调整: the planned bar stays (dashed, 原定) and the new window is drawn
    // beside it when it falls in the same year; otherwise the label says where it went.
    let year = task.window.year;
    let adjusted_bar = task.adjusted.as_ref().filter(|c| c.to.year == year).map(|c| {
        view! {
            <span class="cal-adjusted" data-testid="adjusted-bar" title=c.label()
                style=format!("grid-column:{} / {}", c.to.start_month, c.to.end_month + 1)>"调整后"</span>
        }
    });
    let moved_note = task.adjusted.as_ref().filter(|c| c.to.year != year).map(|c| {
        view! { <span class="tag" data-testid="adjusted-note" title=c.label()>{format!("已调整至 {}", c.to.label())}</span> }
    });
    let slot_class =
        if task.adjusted.is_some() { format!("{slot_class} cal-original") } else { slot_class.to_string() };
    // 分批抽取: each batch as a segment under the task's bar.
    let segments = task
        .batches
        .iter()
        .enumerate()
        .map(|(i, b)| {
            view! {
                <span class="cal-batch" data-testid="batch-segment" title=format!("第 {} 批：{}", i + 1, b.label())
                    style=format!("grid-column:{} / {}", b.start_month, b.end_month + 1)>{format!("第{}批", i + 1)}</span>
            }
        })
        .collect_view();
    view! {
        <li class="cal-row" data-task-id=id>
            <div class="cal-label">
                <span class="cal-no">{task.task_no.clone()}</span>
                <span class="cal-name" id=format!("cal-name-{id}")>{task.task_name.clone()}</span>
                {special}
                {moved_note}
            </div>
            <div class="cal-track">
                {cells}
                {adjusted_bar}
                {segments}
                <div
                    class=slot_class
                    class:cal-tip-off=move || tip_off.get()
                    style=format!("grid-column:{start} / {}", end + 1)
                    on:mouseenter=move |_| tip_off.set(false)
                >
                    <a
                        class=format!("cal-bar cal-g-{}", group.code())
                        id=format!("cal-bar-{id}")
                        href=format!("/tasks/{id}")
                        data-task-id=id
                        data-start=start
                        data-end=end
                        data-status=task.status.code()
                        aria-labelledby=format!("cal-name-{id} cal-bar-{id}")
                        aria-describedby=format!("cal-tip-{id}")
                        on:focus=move |_| tip_off.set(false)
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                tip_off.set(true);
                            }
                        }
                    >
                        {task.status.label()}
                    </a>
                    <div class="cal-tip" role="tooltip" id=format!("cal-tip-{id}")>
                        <TaskDetails task/>
                    </div>
                </div>
            </div>
        </li>
    }
    .into_any()
}

/// The details shown when a bar is hovered or focused.
#[component]
fn TaskDetails(task: TaskRow) -> impl IntoView {
    let c = labels::PLAN_COLUMNS;
    view! {
        <p class="cal-tip-title">
            <strong>{task.task_no.clone()}</strong>
            " "
            {task.task_name.clone()}
        </p>
        <dl>
            <dt>{c[10]}</dt>
            <dd>{task.adjusted.as_ref().map(|a| a.label()).unwrap_or_else(|| task.window.label())}</dd>
            <dt>{labels::STATUS}</dt>
            <dd>{task.status.label()}</dd>
            <dt>{c[8]}</dt>
            <dd>{task.initiating_department.clone()}</dd>
            <dt>{c[9]}</dt>
            <dd>{if task.joint_departments.is_empty() { "—".to_string() } else { task.joint_label() }}</dd>
            <dt>{c[5]}</dt>
            <dd>{task.ratio_bp.label()}</dd>
            <dt>{c[6]}</dt>
            <dd>{task.items.clone()}</dd>
        </dl>
    }
    .into_any()
}

/// One task in the phone month list.
#[component]
fn MonthItem(task: TaskRow) -> impl IntoView {
    let group = StatusGroup::of(task.status);
    view! {
        <li data-task-id=task.id>
            <a href=format!("/tasks/{}", task.id)>{task.task_name.clone()}</a>
            <span class="cal-meta">
                <span class=format!("cal-badge cal-g-{}", group.code())>{task.status.label()}</span>
                <span>{labels::month_span(task.window.start_month, task.window.end_month)}</span>
                <span>{task.initiating_department.clone()}</span>
            </span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_group_in_legend_order() {
        let groups: Vec<_> = TaskStatus::ALL.into_iter().map(StatusGroup::of).collect();
        assert!(groups.windows(2).all(|w| (w[0] as usize) <= (w[1] as usize)));
        for g in StatusGroup::ALL {
            assert!(groups.contains(&g), "{g:?} is used");
        }
        assert_eq!(StatusGroup::Planned.label(), "已列入计划");
    }

    #[test]
    fn unix_days_to_dates() {
        assert_eq!(Day::from_unix_days(0), Day { year: 1970, month: 1, day: 1 });
        assert_eq!(Day::from_unix_days(19_723), Day { year: 2024, month: 1, day: 1 });
        assert_eq!(Day::from_unix_days(19_782), Day { year: 2024, month: 2, day: 29 });
        assert_eq!(Day::from_unix_days(20_453), Day { year: 2025, month: 12, day: 31 });
    }

    #[test]
    fn today_marker_positions() {
        let at = |month, day| Day { year: 2023, month, day }.position_in_year();
        assert!(at(1, 1) > 0.0 && at(1, 1) < 0.01);
        assert!((at(7, 1) - 0.5).abs() < 0.01);
        assert!(at(12, 31) < 1.0 && at(12, 31) > 0.99);
    }
}
